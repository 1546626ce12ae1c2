//! Connections: the diesel connections the migrator accepts, an owned one for
//! the CLI, and the few primitives the migrator needs from each backend.

use crate::dialect::Dialect;
use crate::error::{db, redact, Error};
use crate::migration::Connection;
use diesel::connection::SimpleConnection;
use diesel::{Connection as _, RunQueryDsl};

/// A diesel connection the migrator can work on: `PgConnection`,
/// `SqliteConnection`, or the CLI's [`Database`].
pub trait MigrationConnection {
    /// The connection as the enum `run` functions receive.
    fn connection(&mut self) -> Connection<'_>;
}

#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
impl MigrationConnection for diesel::PgConnection {
    fn connection(&mut self) -> Connection<'_> {
        Connection::Postgres(self)
    }
}

#[cfg(feature = "sqlite")]
#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
impl MigrationConnection for diesel::SqliteConnection {
    fn connection(&mut self) -> Connection<'_> {
        Connection::Sqlite(self)
    }
}

impl MigrationConnection for Connection<'_> {
    fn connection(&mut self) -> Connection<'_> {
        match self {
            #[cfg(feature = "postgres")]
            Connection::Postgres(c) => Connection::Postgres(c),
            #[cfg(feature = "sqlite")]
            Connection::Sqlite(c) => Connection::Sqlite(c),
        }
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
}

impl MigrationConnection for Database {
    fn connection(&mut self) -> Connection<'_> {
        match self {
            #[cfg(feature = "postgres")]
            Database::Postgres(c) => Connection::Postgres(c),
            #[cfg(feature = "sqlite")]
            Database::Sqlite(c) => Connection::Sqlite(c),
        }
    }
}

/// Which database a URL names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `postgres://...` or `postgresql://...`, passed to libpq as is.
    Postgres(String),
    /// A SQLite file path (from `sqlite://path`, `sqlite:path` or a bare path),
    /// or `:memory:`.
    Sqlite(String),
}

impl DatabaseUrl {
    /// Reads a URL: `postgres://`, `postgresql://`, `sqlite://path`,
    /// `sqlite:path`, `file:path`, or a plain file path.
    pub fn parse(url: &str) -> Result<DatabaseUrl, Error> {
        let bad = |reason: &str| Error::Url {
            url: redact(url),
            reason: reason.into(),
        };
        let url = url.trim();
        if url.is_empty() {
            return Err(bad("it is empty"));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let rest = url.split_once("://").map(|(_, r)| r).unwrap_or("");
            if rest.is_empty() || rest.starts_with('/') && rest.len() == 1 {
                return Err(bad("it names no host or database"));
            }
            return Ok(DatabaseUrl::Postgres(url.to_string()));
        }
        for prefix in ["sqlite://", "sqlite:", "file:"] {
            if let Some(path) = url.strip_prefix(prefix) {
                if path.is_empty() {
                    return Err(bad("it names no file"));
                }
                return Ok(DatabaseUrl::Sqlite(path.to_string()));
            }
        }
        if let Some((scheme, _)) = url.split_once("://") {
            return Err(bad(&format!("`{scheme}` is not a supported database")));
        }
        Ok(DatabaseUrl::Sqlite(url.to_string()))
    }
}

impl Database {
    /// Connects to the database a URL names.
    pub fn connect(url: &str) -> Result<Database, Error> {
        let parsed = DatabaseUrl::parse(url)?;
        let fail = |message: String| Error::Connect {
            url: redact(url),
            message,
        };
        match parsed {
            DatabaseUrl::Postgres(u) => {
                #[cfg(feature = "postgres")]
                {
                    diesel::PgConnection::establish(&u)
                        .map(Database::Postgres)
                        .map_err(|e| fail(e.to_string().trim().to_string()))
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
            DatabaseUrl::Sqlite(path) => {
                #[cfg(feature = "sqlite")]
                {
                    if path != ":memory:" {
                        let p = std::path::Path::new(&path);
                        if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
                            if !dir.is_dir() {
                                return Err(fail(format!(
                                    "the directory `{}` does not exist",
                                    dir.display()
                                )));
                            }
                        }
                    }
                    diesel::SqliteConnection::establish(&path)
                        .map(Database::Sqlite)
                        .map_err(|e| fail(e.to_string().trim().to_string()))
                }
                #[cfg(not(feature = "sqlite"))]
                {
                    let _ = path;
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

#[derive(diesel::QueryableByName)]
pub(crate) struct TextRow {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    pub value: Option<String>,
}

impl Connection<'_> {
    /// The SQL dialect of this connection.
    pub fn dialect(&self) -> Dialect {
        match self {
            #[cfg(feature = "postgres")]
            Connection::Postgres(_) => Dialect::Postgres,
            #[cfg(feature = "sqlite")]
            Connection::Sqlite(_) => Dialect::Sqlite,
        }
    }

    /// Runs SQL text (one or several statements).
    pub(crate) fn execute(&mut self, sql: &str) -> Result<(), diesel::result::Error> {
        match self {
            #[cfg(feature = "postgres")]
            Connection::Postgres(c) => c.batch_execute(sql),
            #[cfg(feature = "sqlite")]
            Connection::Sqlite(c) => c.batch_execute(sql),
        }
    }

    /// The first column of every row, as text.
    pub(crate) fn texts(
        &mut self,
        sql: &str,
    ) -> Result<Vec<Option<String>>, diesel::result::Error> {
        let rows: Vec<TextRow> = match self {
            #[cfg(feature = "postgres")]
            Connection::Postgres(c) => diesel::sql_query(sql).load(*c)?,
            #[cfg(feature = "sqlite")]
            Connection::Sqlite(c) => diesel::sql_query(sql).load(*c)?,
        };
        Ok(rows.into_iter().map(|r| r.value).collect())
    }

    /// Runs `f` in a transaction (a savepoint when one is open).
    pub(crate) fn transaction<T>(
        &mut self,
        f: impl FnOnce(&mut Connection<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        match self {
            #[cfg(feature = "postgres")]
            Connection::Postgres(c) => c.transaction(|c| f(&mut Connection::Postgres(c))),
            #[cfg(feature = "sqlite")]
            Connection::Sqlite(c) => c.transaction(|c| f(&mut Connection::Sqlite(c))),
        }
    }

    /// Runs `f` in a transaction holding SQLite's exclusive lock on the
    /// database file (each migration, or a whole stamp or repair); on
    /// PostgreSQL, whose lock is the session's advisory lock, in a plain
    /// transaction.
    pub(crate) fn exclusive<T>(
        &mut self,
        f: impl FnOnce(&mut Connection<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        match self {
            #[cfg(feature = "sqlite")]
            Connection::Sqlite(c) => c.exclusive_transaction(|c| f(&mut Connection::Sqlite(c))),
            #[cfg(feature = "postgres")]
            Connection::Postgres(c) => c.transaction(|c| f(&mut Connection::Postgres(c))),
        }
    }
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
        assert_eq!(
            DatabaseUrl::parse("sqlite://shop.db").unwrap(),
            DatabaseUrl::Sqlite("shop.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:/tmp/x.db").unwrap(),
            DatabaseUrl::Sqlite("/tmp/x.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("shop.db").unwrap(),
            DatabaseUrl::Sqlite("shop.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u@h/db").unwrap(),
            DatabaseUrl::Postgres("postgres://u@h/db".into())
        );
        for bad in ["", "mysql://u@h/db", "postgres://", "sqlite://"] {
            assert!(
                matches!(DatabaseUrl::parse(bad), Err(Error::Url { .. })),
                "{bad}"
            );
        }
        let e = DatabaseUrl::parse("oracle://scott:tiger@h/db")
            .unwrap_err()
            .to_string();
        assert!(e.contains("scott:***@h") && !e.contains("tiger"), "{e}");
    }
}
