//! Connections: the diesel connections the migrator accepts, an owned one for
//! the CLI, and the few primitives the migrator needs from each backend.

use crate::backend::Session;
use crate::dialect::Dialect;
use crate::error::{db, redact, Error};
use crate::migration::Connection;
#[cfg(any(feature = "postgres", feature = "sqlite", feature = "mysql"))]
use diesel::Connection as _;

/// A diesel connection the migrator can work on: `PgConnection`,
/// `SqliteConnection` (each backend implements it for its connection type),
/// or the CLI's [`Database`].
pub trait MigrationConnection {
    /// The connection as the enum `run` functions receive.
    fn connection(&mut self) -> Connection<'_>;
}

impl MigrationConnection for Connection<'_> {
    fn connection(&mut self) -> Connection<'_> {
        self.session().reborrow()
    }
}

/// An owned connection to either database, opened from a URL.
pub enum Database {
    /// PostgreSQL.
    #[cfg(feature = "postgres")]
    #[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
    Postgres(diesel::PgConnection),
    /// SQLite.
    #[cfg(feature = "sqlite")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
    Sqlite(diesel::SqliteConnection),
    /// MySQL/MariaDB.
    #[cfg(feature = "mysql")]
    #[cfg_attr(docsrs, doc(cfg(feature = "mysql")))]
    Mysql(diesel::MysqlConnection),
}

impl MigrationConnection for Database {
    fn connection(&mut self) -> Connection<'_> {
        match self {
            #[cfg(feature = "postgres")]
            Database::Postgres(c) => Connection::Postgres(c),
            #[cfg(feature = "sqlite")]
            Database::Sqlite(c) => Connection::Sqlite(c),
            #[cfg(feature = "mysql")]
            Database::Mysql(c) => Connection::Mysql(c),
        }
    }
}

/// Which database a URL names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A URL (`postgres://...`, `postgresql://...`, with SQLAlchemy's
    /// `+driver` removed) or a libpq keyword string (`host=... dbname=...`),
    /// passed to libpq.
    Postgres(String),
    /// A SQLite file path, or `:memory:`.
    Sqlite(String),
    /// A MySQL/MariaDB URL (`mysql://...`, `mariadb://...`, with
    /// SQLAlchemy's `+driver` removed), passed to libmysqlclient as
    /// `mysql://...`.
    Mysql(String),
}

/// The names a new SQLite file may have: any other name must be spelt
/// `sqlite:...` or be an existing file, so that a typo never becomes a new,
/// empty database.
const SQLITE_EXTENSIONS: [&str; 3] = [".db", ".sqlite", ".sqlite3"];

impl DatabaseUrl {
    /// The database this URL names.
    pub fn dialect(&self) -> Dialect {
        match self {
            DatabaseUrl::Postgres(_) => crate::backend::postgres::Postgres::DIALECT,
            DatabaseUrl::Sqlite(_) => crate::backend::sqlite::Sqlite::DIALECT,
            DatabaseUrl::Mysql(_) => crate::backend::mysql::Mysql::DIALECT,
        }
    }

    /// Reads a connection string:
    ///
    /// - PostgreSQL: `postgres://...`, `postgresql://...`,
    ///   `postgresql+psycopg2://...` (SQLAlchemy's driver is dropped), or a
    ///   libpq keyword string `host=... port=... dbname=... user=...`;
    /// - SQLite, as SQLAlchemy writes it: `sqlite:///x.db` is the relative
    ///   path `x.db`, `sqlite:////abs/x.db` the absolute `/abs/x.db`; also
    ///   `sqlite://x.db` and `sqlite:x.db` (relative), `sqlite:/abs/x.db`
    ///   (absolute), `:memory:`, a path ending in `.db`, `.sqlite` or
    ///   `.sqlite3`, or the path of an existing file.
    ///
    /// Anything else is an error (no new database is made of a typo).
    pub fn parse(url: &str) -> Result<DatabaseUrl, Error> {
        let bad = |reason: &str| Error::Url {
            url: redact(url),
            reason: reason.into(),
        };
        let url = url.trim();
        if url.is_empty() {
            return Err(bad("it is empty"));
        }
        if let Some((scheme, rest)) = url.split_once("://") {
            // SQLAlchemy's `dialect+driver://`: the driver is Python's.
            let dialect = scheme.split_once('+').map_or(scheme, |(d, _)| d);
            return match dialect {
                "postgres" | "postgresql" if rest.is_empty() || rest == "/" => {
                    Err(bad("it names no host or database"))
                }
                "postgres" | "postgresql" => {
                    Ok(DatabaseUrl::Postgres(format!("{dialect}://{rest}")))
                }
                "mysql" | "mariadb" if rest.is_empty() || rest == "/" => {
                    Err(bad("it names no host or database"))
                }
                "mysql" | "mariadb" => Ok(DatabaseUrl::Mysql(format!("mysql://{rest}"))),
                // `sqlite:///x.db` is `x.db`, `sqlite:////x.db` is `/x.db`
                // (SQLAlchemy); `sqlite://x.db` is `x.db`.
                "sqlite" => match rest.strip_prefix('/').unwrap_or(rest) {
                    "" => Err(bad("it names no file")),
                    path => Ok(DatabaseUrl::Sqlite(path.to_string())),
                },
                _ => Err(bad(&format!("`{scheme}` is not a supported database"))),
            };
        }
        if let Some(path) = url.strip_prefix("sqlite:") {
            if path.is_empty() {
                return Err(bad("it names no file"));
            }
            return Ok(DatabaseUrl::Sqlite(path.to_string()));
        }
        // libpq's `keyword=value ...`: the string starts with a keyword and `=`.
        if let Some((key, _)) = url.split_once('=') {
            let key = key.trim_end();
            if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Ok(DatabaseUrl::Postgres(url.to_string()));
            }
        }
        let lower = url.to_ascii_lowercase();
        if url == ":memory:"
            || SQLITE_EXTENSIONS.iter().any(|e| lower.ends_with(e))
            || std::path::Path::new(url).is_file()
        {
            return Ok(DatabaseUrl::Sqlite(url.to_string()));
        }
        let mut reason = String::from(
            "no such file, and a new SQLite file's name must end in `.db`, `.sqlite` or `.sqlite3` (a typo must not become an empty database)",
        );
        if lower.starts_with("postgres") {
            reason.push_str("; a PostgreSQL URL starts with `postgres://` or `postgresql://`");
        }
        Err(bad(&reason))
    }
}

/// What to do about libpq's `message` when connecting failed: TLS asked
/// for and not had says so (libpq's words are about `sslmode`), the rest
/// points at the server and the URL.
#[cfg(feature = "postgres")]
fn postgres_connect_help(message: &str) -> &'static str {
    if message.contains("SSL support is not compiled in") {
        "this build links libpq without TLS (the `postgres-bundled-without-tls` feature): \
         drop `sslmode` from the URL (or set it to `disable`), or build with `postgres-bundled` \
         or `postgres` to reach a server that needs TLS"
    } else if message.contains("does not support SSL") {
        "the URL's `sslmode` requires TLS and the server offers none: enable `ssl` on the server, \
         or set `sslmode=prefer` in the URL if an unencrypted connection is acceptable"
    } else {
        "check that the server is running and the URL (host, port, database, user) is right"
    }
}

impl Database {
    /// Connects to the database a URL names (see [`DatabaseUrl::parse`]); a
    /// SQLite file that does not exist is created.
    pub fn connect(url: &str) -> Result<Database, Error> {
        Database::open(url, true)
    }

    /// Connects to a database that must exist: a missing SQLite file is an
    /// error, not a new database (for commands that only read).
    pub fn connect_existing(url: &str) -> Result<Database, Error> {
        Database::open(url, false)
    }

    fn open(url: &str, create: bool) -> Result<Database, Error> {
        let parsed = DatabaseUrl::parse(url)?;
        match parsed {
            DatabaseUrl::Postgres(u) => {
                #[cfg(feature = "postgres")]
                {
                    diesel::PgConnection::establish(&u)
                        .map(Database::Postgres)
                        .map_err(|e| {
                            let message = crate::error::redact_message(e.to_string().trim(), &u);
                            Error::Connect {
                                url: redact(url),
                                help: postgres_connect_help(&message).into(),
                                message,
                            }
                        })
                }
                #[cfg(not(feature = "postgres"))]
                {
                    let _ = u;
                    Err(Error::Url {
                        url: redact(url),
                        reason: "this build has no PostgreSQL support (the `postgres` feature)"
                            .into(),
                    })
                }
            }
            DatabaseUrl::Mysql(u) => {
                #[cfg(feature = "mysql")]
                {
                    use diesel::connection::SimpleConnection as _;
                    diesel::MysqlConnection::establish(&u)
                        .and_then(|mut c| {
                            // What the migrator's literals are written for.
                            c.batch_execute(crate::backend::mysql::SESSION_SQL_MODE)
                                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                            Ok(c)
                        })
                        .map(Database::Mysql)
                        .map_err(|e| Error::Connect {
                            url: redact(url),
                            message: crate::error::redact_message(e.to_string().trim(), &u),
                            help: "check that the server is running and the URL (host, port, database, user) is right".into(),
                        })
                }
                #[cfg(not(feature = "mysql"))]
                {
                    let _ = u;
                    Err(Error::Url {
                        url: redact(url),
                        reason: "this build has no MySQL support (the `mysql` feature)".into(),
                    })
                }
            }
            DatabaseUrl::Sqlite(path) => {
                #[cfg(feature = "sqlite")]
                {
                    open_sqlite(url, &path, create).map(Database::Sqlite)
                }
                #[cfg(not(feature = "sqlite"))]
                {
                    let _ = (path, create);
                    Err(Error::Url {
                        url: redact(url),
                        reason: "this build has no SQLite support (the `sqlite` feature)".into(),
                    })
                }
            }
        }
    }

    /// The dialect of this database.
    pub fn dialect(&mut self) -> Dialect {
        self.connection().dialect()
    }
}

/// Opens a SQLite file (`path`, read from `url`), creating it only when
/// `create`; the errors speak of the file, its directory and permissions.
#[cfg(feature = "sqlite")]
fn open_sqlite(url: &str, path: &str, create: bool) -> Result<diesel::SqliteConnection, Error> {
    let fail = |message: String, extra: &str| {
        let cwd = std::env::current_dir()
            .map(|d| format!(", `{}`", d.display()))
            .unwrap_or_default();
        Error::Connect {
            url: redact(url),
            message,
            help: format!("check the path (a relative path starts at the current directory{cwd}), that its directory exists, and that this process may read and write the file and its directory{extra}"),
        }
    };
    let file = std::path::Path::new(path);
    if path != ":memory:" && !file.exists() {
        // `sqlite:///tmp/x.db` is the relative `tmp/x.db`, as in SQLAlchemy:
        // when the absolute file (or its directory) exists instead, say how
        // to write it.
        let absolute = std::path::Path::new("/").join(path);
        let relative_dir = file.parent().filter(|d| !d.as_os_str().is_empty());
        let meant_absolute = url.trim().starts_with("sqlite:///")
            && file.is_relative()
            && (absolute.is_file()
                || (relative_dir.is_some_and(|d| !d.is_dir())
                    && absolute.parent().is_some_and(|d| d.is_dir())));
        let hint = if meant_absolute {
            format!(
                "; `sqlite:///` is followed by a relative path, as in SQLAlchemy: for `{}` write `sqlite:///{}`",
                absolute.display(),
                absolute.display()
            )
        } else {
            String::new()
        };
        if !create || absolute.is_file() && meant_absolute {
            let shown = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
            let creates = if create { "" } else { "; `upgrade` creates it" };
            return Err(fail(
                format!("the SQLite database `{}` does not exist", shown.display()),
                &format!("{creates}{hint}"),
            ));
        }
        if let Some(dir) = relative_dir.filter(|d| !d.is_dir()) {
            return Err(fail(
                format!("the directory `{}` does not exist", dir.display()),
                &hint,
            ));
        }
    }
    diesel::SqliteConnection::establish(path)
        .map_err(|e| fail(format!("`{path}`: {}", e.to_string().trim()), ""))
}

/// Every variant of [`Connection`] as the backend's [`Session`]: the one
/// place that lists them.
macro_rules! each_connection {
    ($conn:expr, $c:ident => $e:expr) => {
        match $conn {
            #[cfg(feature = "postgres")]
            Connection::Postgres($c) => $e,
            #[cfg(feature = "sqlite")]
            Connection::Sqlite($c) => $e,
            #[cfg(feature = "mysql")]
            Connection::Mysql($c) => $e,
        }
    };
}

impl Connection<'_> {
    /// The SQL dialect of this connection.
    pub fn dialect(&self) -> Dialect {
        each_connection!(self, c => Session::dialect(&**c))
    }

    /// The backend's primitives on this connection.
    pub(crate) fn session(&mut self) -> &mut dyn Session {
        each_connection!(self, c => &mut **c)
    }

    /// Runs SQL text (one or several statements).
    pub(crate) fn execute(&mut self, sql: &str) -> Result<(), diesel::result::Error> {
        self.session().execute(sql)
    }

    /// The first column of every row, as text.
    pub(crate) fn texts(
        &mut self,
        sql: &str,
    ) -> Result<Vec<Option<String>>, diesel::result::Error> {
        Ok(self
            .session()
            .rows(sql)?
            .into_iter()
            .map(|r| r.into_iter().next().flatten())
            .collect())
    }

    /// Runs `f` in a transaction (a savepoint when one is open).
    pub(crate) fn transaction<T>(
        &mut self,
        f: impl FnOnce(&mut Connection<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        once(f, |g| self.session().transaction(g))
    }

    /// Whether a transaction is open on the connection (the caller's).
    pub(crate) fn in_transaction(&mut self) -> bool {
        self.session().in_transaction()
    }

    /// Runs `f` in a transaction holding the database's write lock from its
    /// start (SQLite's exclusive lock on the file, for each migration, or a
    /// whole stamp or repair); on PostgreSQL, whose lock is the session's
    /// advisory lock, in a plain transaction.
    pub(crate) fn exclusive<T>(
        &mut self,
        f: impl FnOnce(&mut Connection<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        once(f, |g| self.session().exclusive(g))
    }
}

/// Calls `run` with `f` as the `FnMut` a [`Session`] takes, and returns what
/// `f` returned.
fn once<T>(
    f: impl FnOnce(&mut Connection<'_>) -> Result<T, Error>,
    run: impl FnOnce(&mut dyn FnMut(&mut Connection<'_>) -> Result<(), Error>) -> Result<(), Error>,
) -> Result<T, Error> {
    let mut f = Some(f);
    let mut out = None;
    run(&mut |c| {
        let f = f.take().expect("a transaction runs its body once");
        out = Some(f(c)?);
        Ok(())
    })?;
    Ok(out.expect("the transaction ran its body"))
}

impl From<diesel::result::Error> for Error {
    fn from(source: diesel::result::Error) -> Self {
        db("database error")(source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let pg = |u: &str| DatabaseUrl::Postgres(u.into());
        let lite = |p: &str| DatabaseUrl::Sqlite(p.into());
        let existing = std::env::temp_dir().join(format!("migrate-url-{}", std::process::id()));
        std::fs::write(&existing, b"").unwrap();
        let existing = existing.display().to_string();
        for (url, means) in [
            ("postgres://u@h/db", pg("postgres://u@h/db")),
            (
                "postgresql://u:p@h:5432/db?sslmode=require",
                pg("postgresql://u:p@h:5432/db?sslmode=require"),
            ),
            (
                "postgresql:///db?host=/tmp",
                pg("postgresql:///db?host=/tmp"),
            ),
            (
                "postgresql+psycopg2://u:p@h/db",
                pg("postgresql://u:p@h/db"),
            ),
            ("postgres+asyncpg://u@h/db", pg("postgres://u@h/db")),
            (
                "host=h port=5432 dbname=db user=u password=p",
                pg("host=h port=5432 dbname=db user=u password=p"),
            ),
            ("  dbname = db ", pg("dbname = db")),
            (
                "mysql://u:p@h:3306/db",
                DatabaseUrl::Mysql("mysql://u:p@h:3306/db".into()),
            ),
            (
                "mysql+pymysql://u@h/db",
                DatabaseUrl::Mysql("mysql://u@h/db".into()),
            ),
            (
                "mariadb://u@h/db",
                DatabaseUrl::Mysql("mysql://u@h/db".into()),
            ),
            ("sqlite:///x.db", lite("x.db")),
            ("sqlite:///dir/x", lite("dir/x")),
            ("sqlite:////abs/x.db", lite("/abs/x.db")),
            ("sqlite://x.db", lite("x.db")),
            ("sqlite:x.db", lite("x.db")),
            ("sqlite:/abs/x.db", lite("/abs/x.db")),
            ("sqlite+pysqlite:///x.db", lite("x.db")),
            (":memory:", lite(":memory:")),
            ("shop.db", lite("shop.db")),
            ("dir/Shop.SQLITE", lite("dir/Shop.SQLITE")),
            ("/abs/shop.sqlite3", lite("/abs/shop.sqlite3")),
            (existing.as_str(), lite(&existing)),
        ] {
            assert_eq!(DatabaseUrl::parse(url).unwrap(), means, "{url}");
        }
        std::fs::remove_file(&existing).unwrap();
        for (bad, says) in [
            ("", "it is empty"),
            ("  ", "it is empty"),
            ("mssql://u@h/db", "`mssql` is not a supported database"),
            ("mysql://", "names no host or database"),
            ("postgres://", "names no host or database"),
            ("postgresql:///", "names no host or database"),
            ("sqlite://", "names no file"),
            ("sqlite:///", "names no file"),
            ("sqlite:", "names no file"),
            ("shop.bd", "no such file"),
            ("shop", "no such file"),
            (existing.as_str(), "no such file"),
            ("postgres//u@h/db", "starts with `postgres://`"),
            ("postgresql:/u@h/db", "starts with `postgres://`"),
            ("=x", "no such file"),
        ] {
            match DatabaseUrl::parse(bad) {
                Err(e @ Error::Url { .. }) => {
                    let e = e.to_string();
                    assert!(
                        e.contains(says) && e.contains("help: use `postgres://"),
                        "{bad}: {e}"
                    );
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        let e = DatabaseUrl::parse("oracle://scott:tiger@h/db")
            .unwrap_err()
            .to_string();
        assert!(e.contains("scott:***@h") && !e.contains("tiger"), "{e}");
        let e = DatabaseUrl::parse("postgresql:/scott:tiger@h/db")
            .unwrap_err()
            .to_string();
        assert!(e.contains("scott:***@h") && !e.contains("tiger"), "{e}");
    }
}
