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
        use super::cluster::{is_root, Kind};
        use diesel::Connection as _;
        use std::os::unix::process::CommandExt;
        use std::time::{Duration, Instant};

        super::cluster::reap_stale(Kind::Mysql);
        let (install, server) = binaries()?;
        let root = is_root();
        let dir = std::env::temp_dir().join(format!("{DIR_PREFIX}{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        std::fs::write(dir.join("owner.pid"), std::process::id().to_string())
            .map_err(|e| e.to_string())?;
        if root {
            let status = Command::new("chown")
                .args(["-R", "mysql:mysql"])
                .arg(&dir)
                .status()
                .map_err(|e| format!("chown: {e}"))?;
            if !status.success() {
                return Err("cannot give the server's directory to the `mysql` user".into());
            }
        }
        // The watchdog first: if anything below fails or this process dies,
        // it still cleans up.
        let bin = server.parent().unwrap_or(Path::new("/"));
        super::cluster::spawn_watchdog(Kind::Mysql, bin, &dir)?;
        let data = dir.join("data");
        // `root` without a password, and no test database or anonymous users.
        let installed = as_mysql(root, &install)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", install.display()))?;
        if !installed.status.success() {
            return Err(format!(
                "mariadb-install-db failed: {}",
                String::from_utf8_lossy(&installed.stderr)
            ));
        }
        let port = super::cluster::free_port()?;
        let log = dir.join("server.log");
        // Durability is not what a test needs: no binary log, no flush per
        // commit, no doublewrite.
        let mut child = as_mysql(root, &server)
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", dir.join("mariadbd.sock").display()))
            .arg(format!("--pid-file={}", dir.join(PID_FILE).display()))
            .arg(format!("--log-error={}", log.display()))
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
            ])
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", server.display()))?;
        let url = format!("mysql://root@127.0.0.1:{port}/mysql");
        let started = Instant::now();
        while diesel::MysqlConnection::establish(&url).is_err() {
            let exited = child.try_wait().map_err(|e| e.to_string())?;
            if exited.is_some() || started.elapsed() > Duration::from_secs(60) {
                let log = std::fs::read_to_string(&log).unwrap_or_default();
                return Err(format!("the server did not start: {log}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(TempServer { url })
    }
}

/// `program` run as the `mysql` user when we are root (`mariadbd` refuses
/// to run as root unless told to).
#[cfg(feature = "mysql")]
fn as_mysql(root: bool, program: &Path) -> Command {
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "mysql", "--"]).arg(program);
        c
    } else {
        Command::new(program)
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
