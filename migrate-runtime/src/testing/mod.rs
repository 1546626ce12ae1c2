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
//!   crash are reaped by the next start.
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

use crate::{Database, DatabaseUrl};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

mod assertions;
pub use crate::introspect::*;
pub use assertions::*;

/// A database that exists for one test.
pub struct TestDatabase {
    url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Database { admin_url: String, name: String },
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
        }
    }
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

/// A PostgreSQL cluster that lives as long as this process.
struct TempCluster {
    url: String,
}

const DIR_PREFIX: &str = "migrate-test-pg-";

impl TempCluster {
    fn shared() -> Result<&'static TempCluster, String> {
        static CLUSTER: OnceLock<Result<TempCluster, String>> = OnceLock::new();
        CLUSTER
            .get_or_init(TempCluster::start)
            .as_ref()
            .map_err(Clone::clone)
    }

    fn start() -> Result<TempCluster, String> {
        reap_stale();
        let bin = bindir()?;
        let root = is_root();
        let dir = std::env::temp_dir().join(format!("{DIR_PREFIX}{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        std::fs::write(dir.join("owner.pid"), std::process::id().to_string())
            .map_err(|e| e.to_string())?;
        let data = dir.join("data");
        if root {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .map_err(|e| format!("chown: {e}"))?;
            if !status.success() {
                return Err("cannot give the cluster directory to the `postgres` user".into());
            }
        }
        // The watchdog first: if anything below fails or this process dies,
        // it still cleans up.
        spawn_watchdog(&bin, &dir, root)?;
        let initdb = as_postgres(root, &bin.join("initdb"))
            .args(["-D"])
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("cannot run initdb: {e}"))?;
        if !initdb.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&initdb.stderr)
            ));
        }
        let port = free_port()?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            dir.display()
        );
        let start = as_postgres(root, &bin.join("pg_ctl"))
            .args(["-D"])
            .arg(&data)
            .args(["-o", &options, "-l"])
            .arg(dir.join("server.log"))
            .args(["-w", "-t", "60", "start"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("cannot run pg_ctl: {e}"))?;
        if !start.status.success() {
            let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
            return Err(format!(
                "pg_ctl start failed: {}{log}",
                String::from_utf8_lossy(&start.stderr)
            ));
        }
        let url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
        // Sanity: the URL parses as PostgreSQL.
        DatabaseUrl::parse(&url).map_err(|e| e.to_string())?;
        Ok(TempCluster { url })
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `cmd` run as the `postgres` user when we are root (initdb and pg_ctl
/// refuse to run as root).
fn as_postgres(root: bool, program: &Path) -> Command {
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// Where `initdb` and `pg_ctl` are.
fn bindir() -> Result<PathBuf, String> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        if out.status.success() {
            candidates.push(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        candidates.extend(std::env::split_paths(&path));
    }
    candidates
        .into_iter()
        .find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
        .ok_or_else(|| {
            "no `initdb` and `pg_ctl` found (looked in `pg_config --bindir` and PATH)".into()
        })
}

fn free_port() -> Result<u16, String> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// A detached process that waits for this one to end, then stops the cluster
/// and removes its files.
fn spawn_watchdog(bin: &Path, dir: &Path, root: bool) -> Result<(), String> {
    let stop = stop_command(bin, dir, root);
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop}",
        pid = std::process::id()
    );
    Command::new("setsid")
        .args(["sh", "-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| format!("cannot start the cluster's watchdog: {e}"))
}

fn stop_command(bin: &Path, dir: &Path, root: bool) -> String {
    let pg_ctl = format!(
        "{} -D {} -m immediate stop",
        bin.join("pg_ctl").display(),
        dir.join("data").display()
    );
    let pg_ctl = if root {
        format!("runuser -u postgres -- {pg_ctl}")
    } else {
        pg_ctl
    };
    format!("{pg_ctl} >/dev/null 2>&1; rm -rf {}", dir.display())
}

/// Stops and removes clusters whose owning process is gone.
fn reap_stale() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    let Ok(bin) = bindir() else { return };
    let root = is_root();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        if !name.starts_with(DIR_PREFIX) {
            continue;
        }
        let dir = entry.path();
        let owner = std::fs::read_to_string(dir.join("owner.pid"))
            .ok()
            .and_then(|p| p.trim().parse::<u32>().ok());
        let alive = owner.is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            let _ = Command::new("sh")
                .args(["-c", &stop_command(&bin, &dir, root)])
                .status();
        }
    }
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
