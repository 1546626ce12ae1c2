//! The temporary MariaDB server of the testing toolkit: started from the
//! machine's own binaries (`mariadb-install-db`, `mariadbd`) when no
//! `TEST_MYSQL_URL` is set, with a data directory, socket and port of its
//! own, as the `mysql` user when running as root; shared by the tests of one
//! process and stopped, its files removed, by the PostgreSQL cluster's
//! watchdog (`cluster.rs`) when that process ends, even when it is killed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub(super) const DIR_PREFIX: &str = "migrate-test-my-";

/// The server's process id, written by the server itself.
const PID_FILE: &str = "mariadbd.pid";

/// The server's temporary directory, in its own.
#[cfg(feature = "mysql")]
const TMP_DIR: &str = "tmp";

/// A MariaDB server that lives as long as this process.
#[cfg(feature = "mysql")]
pub(super) struct TempServer {
    /// An administrator's URL (`root`, over TCP on the loopback).
    pub(super) url: String,
}

#[cfg(feature = "mysql")]
impl TempServer {
    pub(super) fn shared() -> Result<&'static TempServer, String> {
        static SERVER: std::sync::OnceLock<Result<TempServer, String>> = std::sync::OnceLock::new();
        SERVER
            .get_or_init(TempServer::start)
            .as_ref()
            .map_err(Clone::clone)
    }

    fn start() -> Result<TempServer, String> {
        use super::cluster::Kind;
        use super::server::{as_user, initialise, is_root, own_dir, Launch};

        let (install, server) = binaries()?;
        let root = is_root();
        let bin = server.parent().unwrap_or(Path::new("/"));
        let dir = own_dir(Kind::Mysql, "mysql", bin, &[TMP_DIR])?;
        let data = dir.join("data");
        // Every MariaDB that starts, `mariadb-install-db`'s included, deletes
        // the `#sql*` files in its temporary directory: in a shared `/tmp`,
        // the temporary tables of the other test servers. Each has its own.
        let tmp = format!("--tmpdir={}", dir.join(TMP_DIR).display());
        // `root` without a password, and no test database or anonymous users.
        initialise(
            "mariadb-install-db",
            || {
                let mut c = as_user(root, "mysql", &install);
                c.arg("--no-defaults")
                    .arg(format!("--datadir={}", data.display()))
                    .arg(&tmp)
                    .args(["--auth-root-authentication-method=normal", "--skip-test-db"]);
                c
            },
            &data,
        )?;
        // Durability is not what a test needs: no binary log, no flush per
        // commit, no doublewrite. Errors go to the launch's log (no
        // `--log-error`). The socket's path is relative to the data
        // directory, where the server runs: short, however long the
        // temporary directory's path (a socket's path is at most 107 bytes).
        let url = Launch {
            what: "mariadbd",
            command: &|port| {
                let mut c = as_user(root, "mysql", &server);
                c.arg("--no-defaults")
                    .arg(format!("--datadir={}", data.display()))
                    .arg(&tmp)
                    .arg("--socket=mariadbd.sock")
                    .arg(format!("--pid-file={}", dir.join(PID_FILE).display()))
                    .arg(format!("--port={port}"))
                    .args([
                        "--bind-address=127.0.0.1",
                        "--skip-log-bin",
                        "--innodb-flush-log-at-trx-commit=0",
                        "--innodb-doublewrite=0",
                        "--innodb-buffer-pool-size=64M",
                        "--max-connections=300",
                        "--character-set-server=utf8mb4",
                        "--collation-server=utf8mb4_bin",
                    ]);
                c
            },
            url: &|port| format!("mysql://root@127.0.0.1:{port}/mysql"),
            data: &data,
            data_sql: "SELECT @@datadir",
            log: &dir.join("server.log"),
        }
        .run()?;
        Ok(TempServer { url })
    }
}

/// `mariadb-install-db` and `mariadbd`: on PATH, or where Debian puts the
/// server (`/usr/sbin`).
#[cfg(feature = "mysql")]
fn binaries() -> Result<(PathBuf, PathBuf), String> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.extend(["/usr/sbin", "/usr/bin"].map(PathBuf::from));
    let find = |name: &str| dirs.iter().map(|d| d.join(name)).find(|p| p.is_file());
    match (find("mariadb-install-db"), find("mariadbd")) {
        (Some(install), Some(server)) => Ok((install, server)),
        _ => Err(
            "no `mariadb-install-db` and `mariadbd` found (looked in PATH and /usr/sbin)".into(),
        ),
    }
}

/// Stops the server in `dir` (if it runs) and removes `dir`, exactly: the
/// files go with it, so there is nothing to shut down cleanly.
pub(super) fn stop(dir: &Path) {
    let pid = std::fs::read_to_string(dir.join(PID_FILE))
        .ok()
        .and_then(|p| p.trim().parse::<u32>().ok());
    if let Some(pid) = pid {
        // Only a server of this directory: its command line names it.
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let ours = String::from_utf8_lossy(&cmdline).contains(&*dir.to_string_lossy());
        if ours {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let proc_dir = PathBuf::from(format!("/proc/{pid}"));
            let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while proc_dir.exists() && std::time::Instant::now() < until {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}
