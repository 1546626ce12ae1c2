//! Throwaway databases for `cargo test` (feature `testing`).
//!
//! [`TestDatabase::sqlite`] is a fresh SQLite file, deleted when dropped.
//! [`TestDatabase::postgres`] is a fresh database, dropped when dropped, in:
//! - the server `TEST_DATABASE_URL` names (never `DATABASE_URL`, which often
//!   points at production), or, when it is unset,
//! - a temporary cluster started from the machine's own PostgreSQL binaries
//!   (`initdb` on PATH or in `pg_config --bindir`; started as the `postgres`
//!   user when running as root) on a free loopback port, shared by the tests
//!   of one process. A watchdog process stops it and deletes its files when the
//!   test process exits, even when it is killed; clusters left by a machine
//!   crash are reaped by the next start. A start is ready when a connection
//!   reaches this very server; one whose port another process took first is
//!   started again on another port, and one that fails says why in the
//!   panic, with the end of the server's output.
//!
//! [`TestDatabase::mysql`] (feature `mysql`) is the same for MySQL/MariaDB:
//! a fresh database in the server `TEST_MYSQL_URL` names, or in a temporary
//! MariaDB started from the machine's binaries (`mariadb-install-db` and
//! `mariadbd`, as the `mysql` user when running as root) with its own data
//! directory, temporary directory, socket and port, started and stopped
//! the same way.
//!
//! The checks pytest-alembic gives Alembic users are one line each:
//!
//! ```no_run
//! # migrate_runtime::migrations!();
//! use migrate_runtime::testing::*;
//!
//! # fn main() {
//! // in a #[test]:
//! assert_single_head(&migrations());
//! assert_stairway(&TestDatabase::postgres(), &migrations());   // up, down, up
//! assert_downgrade_to_base(&TestDatabase::sqlite(), &migrations());
//! assert_model_matches(&TestDatabase::postgres(), &TestDatabase::postgres(), &migrations());
//! # }
//! ```
//!
//! [`Snapshot`] is the introspection they compare with: `Snapshot::capture`
//! on any connection, `diff` between two.

use crate::Database;
use cluster::TempCluster;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

mod assertions;
mod cluster;
mod mysql_server;
mod server;
pub use crate::introspect::*;
pub use assertions::*;

/// A database that exists for one test.
pub struct TestDatabase {
    url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Database {
        admin_url: String,
        name: String,
    },
    #[cfg(feature = "mysql")]
    MysqlDatabase {
        admin_url: String,
        name: String,
    },
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn unique_name(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestDatabase {
    /// A new, empty SQLite file in the temporary directory.
    pub fn sqlite() -> TestDatabase {
        let path = std::env::temp_dir().join(format!("{}.db", unique_name("migrate_test")));
        let _ = std::fs::remove_file(&path);
        TestDatabase {
            // SQLAlchemy's spelling: `sqlite:///` then the path as it is.
            url: format!("sqlite:///{}", path.display()),
            cleanup: Cleanup::File(path),
        }
    }

    /// A new, empty PostgreSQL database (see the module docs for which server).
    ///
    /// Panics when no server can be had: a PostgreSQL test must not pass
    /// without PostgreSQL.
    pub fn postgres() -> TestDatabase {
        let admin = match std::env::var("TEST_DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => url,
            _ => match TempCluster::shared() {
                Ok(c) => c.url.clone(),
                Err(e) => panic!("no PostgreSQL for this test: {e}\nset TEST_DATABASE_URL to a server this test may create databases in, or install PostgreSQL's server binaries (initdb, pg_ctl)"),
            },
        };
        let name = unique_name("migrate_test");
        let mut conn = match Database::connect(&admin) {
            Ok(c) => c,
            Err(e) => panic!("cannot reach the PostgreSQL test server: {e}"),
        };
        let sql = format!("CREATE DATABASE \"{name}\"");
        if let Err(e) = crate::MigrationConnection::connection(&mut conn).execute(&sql) {
            panic!("cannot create a test database: {e}");
        }
        TestDatabase {
            url: replace_database(&admin, &name),
            cleanup: Cleanup::Database {
                admin_url: admin,
                name,
            },
        }
    }

    /// A new, empty MySQL/MariaDB database (see the module docs for which
    /// server).
    ///
    /// Panics when no server can be had: a MySQL test must not pass without
    /// MySQL.
    #[cfg(feature = "mysql")]
    #[cfg_attr(docsrs, doc(cfg(feature = "mysql")))]
    pub fn mysql() -> TestDatabase {
        use diesel::connection::SimpleConnection as _;
        let admin = match std::env::var("TEST_MYSQL_URL") {
            Ok(url) if !url.trim().is_empty() => url,
            _ => match mysql_server::TempServer::shared() {
                Ok(s) => s.url.clone(),
                Err(e) => panic!("no MySQL for this test: {e}\nset TEST_MYSQL_URL to a server this test may create databases in, or install MariaDB's server binaries (mariadb-install-db, mariadbd)"),
            },
        };
        let name = unique_name("migrate_test");
        let mut conn = mysql_admin(&admin)
            .unwrap_or_else(|e| panic!("cannot reach the MySQL test server: {e}"));
        if let Err(e) = conn.batch_execute(&format!("CREATE DATABASE `{name}`")) {
            panic!("cannot create a test database: {e}");
        }
        TestDatabase {
            url: replace_database(&admin, &name),
            cleanup: Cleanup::MysqlDatabase {
                admin_url: admin,
                name,
            },
        }
    }

    /// The URL of this database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A new connection to it.
    pub fn connect(&self) -> Database {
        Database::connect(&self.url)
            .unwrap_or_else(|e| panic!("cannot connect to the test database: {e}"))
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm", "-journal"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { admin_url, name } => {
                if let Ok(mut conn) = Database::connect(admin_url) {
                    let _ = crate::MigrationConnection::connection(&mut conn)
                        .execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
                }
            }
            #[cfg(feature = "mysql")]
            Cleanup::MysqlDatabase { admin_url, name } => {
                use diesel::connection::SimpleConnection as _;
                if let Ok(mut conn) = mysql_admin(admin_url) {
                    let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS `{name}`"));
                }
            }
        }
    }
}

/// A connection to the MySQL server to create and drop test databases on.
#[cfg(feature = "mysql")]
fn mysql_admin(url: &str) -> Result<diesel::MysqlConnection, String> {
    use diesel::Connection as _;
    diesel::MysqlConnection::establish(url)
        .map_err(|e| crate::error::redact_message(&e.to_string(), url))
}

/// The same server URL with another database name.
fn replace_database(url: &str, name: &str) -> String {
    if !url.contains("://") {
        // A libpq keyword string: a later keyword overrides an earlier one.
        return format!("{} dbname={name}", url.trim_end());
    }
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..].find('/').map(|i| i + scheme_end);
    let mut out = match path_start {
        Some(p) => format!("{}/{name}", &base[..p]),
        None => format!("{base}/{name}"),
    };
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_replaced() {
        assert_eq!(
            replace_database("postgres://u@h:5/postgres", "t1"),
            "postgres://u@h:5/t1"
        );
        assert_eq!(
            replace_database("postgres://u@h:5", "t1"),
            "postgres://u@h:5/t1"
        );
        assert_eq!(
            replace_database("postgres://u@h/db?sslmode=disable", "t1"),
            "postgres://u@h/t1?sslmode=disable"
        );
        assert_eq!(
            replace_database("host=h user=u dbname=postgres", "t1"),
            "host=h user=u dbname=postgres dbname=t1"
        );
    }
}
