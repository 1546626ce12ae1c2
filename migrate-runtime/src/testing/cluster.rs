//! The temporary PostgreSQL cluster of the testing toolkit: started from the
//! machine's own binaries when no `TEST_DATABASE_URL` is set, shared by the
//! tests of one process, and stopped with its files removed when that process
//! ends, even when it is killed. The same watchdog stops the temporary
//! MariaDB server (`mysql_server.rs`).
//!
//! The clean-up runs in a watchdog process, which must outlive a test process
//! killed with SIGKILL. It is this same executable started again with the
//! server's kind, owner, directory and binaries in its environment: a
//! constructor that runs before `main` sees them and becomes the watchdog, so
//! no shell ever reads a path, and nothing is quoted by hand.

use super::server::{as_user, initialise, is_root, own_dir, Launch};
use crate::DatabaseUrl;
use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// A PostgreSQL cluster that lives as long as this process.
pub(super) struct TempCluster {
    pub(super) url: String,
}

const DIR_PREFIX: &str = "migrate-test-pg-";

/// The environment that turns an executable into a cluster's watchdog.
const WATCH_OWNER: &str = "MIGRATE_TEST_CLUSTER_OWNER";
const WATCH_DIR: &str = "MIGRATE_TEST_CLUSTER_DIR";
const WATCH_BIN: &str = "MIGRATE_TEST_CLUSTER_BIN";
const WATCH_KIND: &str = "MIGRATE_TEST_CLUSTER_KIND";

/// The servers the watchdog stops: each says how, and which directories in
/// the temporary directory are its own.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Postgres,
    #[cfg_attr(not(feature = "mysql"), allow(dead_code))]
    Mysql,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Postgres => "postgres",
            Kind::Mysql => "mysql",
        }
    }

    fn named(name: &str) -> Option<Kind> {
        [Kind::Postgres, Kind::Mysql]
            .into_iter()
            .find(|k| k.name() == name)
    }

    /// How the server's directories are named (then the owner's pid).
    pub(super) fn dir_prefix(self) -> &'static str {
        match self {
            Kind::Postgres => DIR_PREFIX,
            Kind::Mysql => super::mysql_server::DIR_PREFIX,
        }
    }

    /// Stops the server in `dir` (if it runs) and removes `dir`, exactly.
    fn stop(self, bin: &Path, dir: &Path) {
        match self {
            Kind::Postgres => stop(bin, dir, is_root()),
            Kind::Mysql => super::mysql_server::stop(dir),
        }
    }
}

impl TempCluster {
    pub(super) fn shared() -> Result<&'static TempCluster, String> {
        static CLUSTER: OnceLock<Result<TempCluster, String>> = OnceLock::new();
        CLUSTER
            .get_or_init(TempCluster::start)
            .as_ref()
            .map_err(Clone::clone)
    }

    fn start() -> Result<TempCluster, String> {
        let bin = bindir()?;
        let root = is_root();
        let dir = own_dir(Kind::Postgres, "postgres", &bin, &[])?;
        let data = dir.join("data");
        initialise(
            "initdb",
            || {
                let mut initdb = as_user(root, "postgres", &bin.join("initdb"));
                initdb.arg("-D").arg(&data).args([
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--no-sync",
                    "-E",
                    "UTF8",
                    "--locale=C",
                ]);
                initdb
            },
            &data,
        )?;
        // Tests connect over TCP, so the server needs no socket directory;
        // the port is the launch's, on the command line.
        let settings = "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n\
             fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n";
        append(&data.join("postgresql.conf"), settings)
            .map_err(|e| format!("cannot configure the cluster: {e}"))?;
        // The server itself, not `pg_ctl start`, which hands its paths to a
        // shell.
        let url = Launch {
            what: "postgres",
            command: &|port| {
                let mut server = as_user(root, "postgres", &bin.join("postgres"));
                server.arg("-D").arg(&data).arg("-p").arg(port.to_string());
                server
            },
            url: &|port| format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            data: &data,
            data_sql: "SHOW data_directory",
            log: &dir.join("server.log"),
        }
        .run()?;
        // Sanity: the URL parses as PostgreSQL.
        DatabaseUrl::parse(&url).map_err(|e| e.to_string())?;
        Ok(TempCluster { url })
    }
}

pub(super) fn append(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)?
        .write_all(text.as_bytes())
}

/// Where `initdb`, `postgres` and `pg_ctl` are.
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
        .find(|d| {
            ["initdb", "pg_ctl", "postgres"]
                .iter()
                .all(|p| d.join(p).is_file())
        })
        .ok_or_else(|| {
            "no `initdb`, `postgres` and `pg_ctl` found (looked in `pg_config --bindir` and PATH)"
                .into()
        })
}

/// Starts this executable again as the server's watchdog, in a process
/// group of its own (an interrupt of the tests does not reach it).
pub(super) fn spawn_watchdog(kind: Kind, bin: &Path, dir: &Path) -> Result<(), String> {
    let exe =
        std::env::current_exe().map_err(|e| format!("cannot start the cluster's watchdog: {e}"))?;
    Command::new(exe)
        .env(WATCH_KIND, kind.name())
        .env(WATCH_OWNER, std::process::id().to_string())
        .env(WATCH_DIR, dir)
        .env(WATCH_BIN, bin)
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| format!("cannot start the cluster's watchdog: {e}"))
}

// The one place this crate runs code before `main`: in a watchdog started by
// `spawn_watchdog`, wait for the owner to end, stop its cluster, and exit
// without ever entering the program's `main`. In any other process the
// environment lacks the owner and this returns at once.
#[allow(unsafe_code)]
#[ctor::ctor(unsafe)]
fn watchdog_before_main() {
    let (Some(owner), Some(dir), Some(bin)) = (
        std::env::var_os(WATCH_OWNER),
        std::env::var_os(WATCH_DIR),
        std::env::var_os(WATCH_BIN),
    ) else {
        return;
    };
    // A watchdog started by an older build names no kind: PostgreSQL.
    let kind = std::env::var(WATCH_KIND)
        .ok()
        .and_then(|k| Kind::named(&k))
        .unwrap_or(Kind::Postgres);
    watch(kind, owner, PathBuf::from(dir), PathBuf::from(bin));
    std::process::exit(0);
}

fn watch(kind: Kind, owner: OsString, dir: PathBuf, bin: PathBuf) {
    let proc_dir = Path::new("/proc").join(owner);
    while proc_dir.exists() {
        std::thread::sleep(Duration::from_millis(500));
    }
    kind.stop(&bin, &dir);
}

/// Stops the cluster in `dir` (if it runs) and removes `dir`, exactly.
fn stop(bin: &Path, dir: &Path, root: bool) {
    let data = dir.join("data");
    if data.join("postmaster.pid").exists() {
        let _ = as_user(root, "postgres", &bin.join("pg_ctl"))
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "stop"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Stops and removes servers of `kind` whose owning process is gone.
pub(super) fn reap_stale(kind: Kind) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    let bin = match kind {
        Kind::Postgres => match bindir() {
            Ok(bin) => bin,
            Err(_) => return,
        },
        Kind::Mysql => PathBuf::new(),
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(suffix) = name.strip_prefix(kind.dir_prefix()) else {
            continue;
        };
        let dir = entry.path();
        // The name holds the owner's pid too: a directory whose owner has
        // not written `owner.pid` yet is still being started, not stale.
        let owner = std::fs::read_to_string(dir.join("owner.pid"))
            .ok()
            .and_then(|p| p.trim().parse::<u32>().ok())
            .or_else(|| suffix.parse::<u32>().ok());
        let alive = owner.is_some_and(|pid| Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            kind.stop(&bin, &dir);
        }
    }
}
