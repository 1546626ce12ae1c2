//! Starting a temporary server, the part PostgreSQL (`cluster.rs`) and
//! MariaDB (`mysql_server.rs`) share: the server's own directory, its
//! initialisation, and its launch on a free loopback port, which is done
//! when a real connection to that port reaches this very server.
//!
//! Test processes start servers side by side on a loaded machine, so a
//! start must not fail for want of patience or luck: a port picked free can
//! be taken by another process before the server binds it (the server then
//! exits, or another server answers there), so the launch moves to a new
//! port; the wait is long; and an error carries the server's own words.

use super::cluster::{reap_stale, spawn_watchdog, Kind};
use crate::Database;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long a server may take to accept connections. Wall-clock time on a
/// machine that may be running builds beside the tests: seconds are normal,
/// a minute is possible; only a server that hangs takes this long.
const READY_WITHIN: Duration = Duration::from_secs(180);

/// Launches on as many ports before giving up: a port is lost to another
/// process rarely, twice in a row almost never.
const LAUNCHES: usize = 3;

/// How many of the log's last lines an error shows.
const LOG_TAIL: usize = 30;

pub(super) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `program` run as `user` when we are root (the servers and their
/// initialisers refuse to run as root).
pub(super) fn as_user(root: bool, user: &str, program: &Path) -> Command {
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", user, "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// A new, empty directory of `kind`'s for this process's server, with the
/// subdirectories `subdirs`, owned by `user` when we are root, and watched
/// by a watchdog that removes it (stopping the server with `bin`) when this
/// process ends. Directories of dead test processes are reaped first.
pub(super) fn own_dir(
    kind: Kind,
    user: &str,
    bin: &Path,
    subdirs: &[&str],
) -> Result<PathBuf, String> {
    reap_stale(kind);
    let dir = std::env::temp_dir().join(format!("{}{}", kind.dir_prefix(), std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in std::iter::once(&"").chain(subdirs) {
        std::fs::create_dir_all(dir.join(sub))
            .map_err(|e| format!("cannot create {}: {e}", dir.join(sub).display()))?;
    }
    std::fs::write(dir.join("owner.pid"), std::process::id().to_string())
        .map_err(|e| format!("cannot write {}: {e}", dir.join("owner.pid").display()))?;
    if is_root() {
        let status = Command::new("chown")
            .arg("-R")
            .arg(format!("{user}:{user}"))
            .arg(&dir)
            .status()
            .map_err(|e| format!("chown: {e}"))?;
        if !status.success() {
            return Err(format!(
                "cannot give {} to the `{user}` user",
                dir.display()
            ));
        }
    }
    // The watchdog before anything starts: if anything below fails or this
    // process dies, it still cleans up.
    spawn_watchdog(kind, bin, &dir)?;
    Ok(dir)
}

/// Runs `what` (`initdb`, `mariadb-install-db`), which creates `data`;
/// once more from scratch if it fails. The error holds everything it wrote.
pub(super) fn initialise(
    what: &str,
    command: impl Fn() -> Command,
    data: &Path,
) -> Result<(), String> {
    let mut failures = Vec::new();
    for _ in 0..2 {
        let _ = std::fs::remove_dir_all(data);
        let out = command()
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {what}: {e}"))?;
        if out.status.success() {
            return Ok(());
        }
        failures.push(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Err(failures.join("\nthen, once more: "))
}

/// A server to launch: `command(port)` starts it listening on the loopback
/// at `port`; `url(port)` is an administrator's URL for it; `data_sql`
/// selects the data directory the server runs on, which must be `data`.
pub(super) struct Launch<'a> {
    pub(super) what: &'a str,
    pub(super) command: &'a dyn Fn(u16) -> Command,
    pub(super) url: &'a dyn Fn(u16) -> String,
    pub(super) data: &'a Path,
    pub(super) data_sql: &'a str,
    /// Where the server's output goes (appended to, one header per launch).
    pub(super) log: &'a Path,
}

/// How a launch ended.
enum Outcome {
    Ready,
    /// Another server answers on the port: ours lost it.
    PortTaken(PathBuf),
    Exited(ExitStatus),
    TimedOut,
}

impl Launch<'_> {
    /// Starts the server and waits until it accepts connections; returns
    /// its URL. The server is left running: the watchdog stops it.
    pub(super) fn run(&self) -> Result<String, String> {
        let mut failures = Vec::new();
        for launch in 1..=LAUNCHES {
            let port = free_port()?;
            let mut log = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(self.log)
                .map_err(|e| format!("cannot open {}: {e}", self.log.display()))?;
            // This launch's output starts here.
            let from = log.metadata().map(|m| m.len()).unwrap_or(0);
            {
                use std::io::Write as _;
                let _ = writeln!(log, "--- launch {launch}, port {port}");
            }
            let mut child = (self.command)(port)
                .process_group(0)
                .stdin(Stdio::null())
                .stdout(log.try_clone().map_err(|e| e.to_string())?)
                .stderr(log)
                .spawn()
                .map_err(|e| format!("cannot start {}: {e}", self.what))?;
            let url = (self.url)(port);
            let started = Instant::now();
            let (outcome, last_error) = self.wait(&mut child, &url);
            let waited = started.elapsed().as_secs_f32();
            let failure = match outcome {
                Outcome::Ready => return Ok(url),
                Outcome::PortTaken(theirs) => {
                    kill_group(&mut child);
                    format!(
                        "port {port} was taken by another server (data directory {})",
                        theirs.display()
                    )
                }
                Outcome::Exited(status) => {
                    // `runuser` may be gone and the server not yet.
                    kill_group(&mut child);
                    format!(
                        "{} exited ({status}) after {waited:.1}s on port {port}; its log ends:\n{}",
                        self.what,
                        tail(self.log, from)
                    )
                }
                Outcome::TimedOut => {
                    kill_group(&mut child);
                    failures.push(format!(
                        "{} did not accept connections within {}s on port {port} (last: {last_error}); its log ends:\n{}",
                        self.what,
                        READY_WITHIN.as_secs(),
                        tail(self.log, from)
                    ));
                    // Patience ran out: another launch would only wait again.
                    break;
                }
            };
            failures.push(failure);
        }
        Err(format!(
            "the test server ({}) did not start; data directory {}, output in {}:\n{}",
            self.what,
            self.data.display(),
            self.log.display(),
            failures.join("\n")
        ))
    }

    /// Polls the port until a connection reaches a server and reads its
    /// data directory; the last connection error too, for a time-out.
    fn wait(&self, child: &mut Child, url: &str) -> (Outcome, String) {
        let deadline = Instant::now() + READY_WITHIN;
        let mut last_error = String::from("no attempt");
        loop {
            match self.data_directory(url) {
                Ok(theirs) if same_dir(&theirs, self.data) => return (Outcome::Ready, last_error),
                Ok(theirs) => return (Outcome::PortTaken(theirs), last_error),
                Err(e) => last_error = e,
            }
            match child.try_wait() {
                Ok(Some(status)) => return (Outcome::Exited(status), last_error),
                Ok(None) => {}
                Err(e) => return (Outcome::TimedOut, e.to_string()),
            }
            if Instant::now() > deadline {
                return (Outcome::TimedOut, last_error);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The data directory of the server `url` reaches.
    fn data_directory(&self, url: &str) -> Result<PathBuf, String> {
        use crate::MigrationConnection as _;
        let mut db = Database::connect(url).map_err(|e| e.to_string())?;
        let dir = db
            .connection()
            .texts(self.data_sql)
            .map_err(|e| e.to_string())?
            .into_iter()
            .next()
            .flatten()
            .ok_or_else(|| format!("`{}` gave nothing", self.data_sql))?;
        Ok(PathBuf::from(dir))
    }
}

/// Whether two paths name one directory (a server may report its data
/// directory resolved, or with a trailing `/`).
fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// A port free on the loopback now. Another process may take it before the
/// server binds it: [`Launch::run`] then moves on to another.
fn free_port() -> Result<u16, String> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// Kills a launch's process group (`runuser` and the server under it) and
/// reaps it.
fn kill_group(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let _ = child.wait();
}

/// The last lines of a log, from byte `from` on.
fn tail(log: &Path, from: u64) -> String {
    let text = match std::fs::read(log) {
        Ok(bytes) => {
            let from = usize::try_from(from).unwrap_or(0).min(bytes.len());
            String::from_utf8_lossy(&bytes[from..]).into_owned()
        }
        Err(e) => return format!("(cannot read {}: {e})", log.display()),
    };
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(LOG_TAIL)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A launch whose server `command` runs (a shell script given the
    /// port), answering at `url`, in a scratch directory.
    fn launch_in(
        dir: &Path,
        script: &str,
        url: &dyn Fn(u16) -> String,
    ) -> (Result<String, String>, String) {
        let log = dir.join("server.log");
        let data = dir.join("data");
        std::fs::create_dir_all(&data).unwrap();
        let result = Launch {
            what: "server",
            command: &|port| {
                let mut c = Command::new("sh");
                c.args(["-c", script, "sh", &port.to_string()]);
                c
            },
            url,
            data: &data,
            data_sql: "SELECT 1",
            log: &log,
        }
        .run();
        (result, std::fs::read_to_string(&log).unwrap_or_default())
    }

    #[test]
    fn a_server_that_exits_is_launched_again_and_its_words_are_shown() {
        let dir = tempfile_dir("exits");
        let (result, log) = launch_in(&dir, "echo \"cannot bind port $1\" >&2; exit 3", &|_| {
            "postgres://nobody@127.0.0.1:1/none".into()
        });
        let error = result.unwrap_err();
        assert_eq!(
            error.matches("exited (exit status: 3)").count(),
            LAUNCHES,
            "{error}"
        );
        assert_eq!(
            error.matches("cannot bind port").count(),
            LAUNCHES,
            "{error}"
        );
        assert_eq!(log.matches("--- launch").count(), LAUNCHES, "{log}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Another process's server on the port answers as ours would (a
    /// superuser without a password): it is not taken for ours, ours is
    /// killed and launched on another port.
    #[cfg(feature = "postgres")]
    #[test]
    fn another_server_on_the_port_is_not_taken_for_ours() {
        let other = super::super::cluster::TempCluster::shared()
            .unwrap()
            .url
            .clone();
        let dir = tempfile_dir("taken");
        let pids = dir.join("pids");
        let started = Instant::now();
        let (result, _) = launch_in(
            &dir,
            &format!("echo $$ >> '{}'; exec sleep 60", pids.display()),
            &|_| other.clone(),
        );
        let error = result.unwrap_err();
        assert_eq!(
            error.matches("was taken by another server").count(),
            LAUNCHES,
            "{error}"
        );
        assert!(started.elapsed() < Duration::from_secs(30), "{error}");
        for pid in std::fs::read_to_string(&pids).unwrap().lines() {
            assert!(
                !Path::new(&format!("/proc/{pid}")).exists(),
                "launch {pid} still runs"
            );
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("migrate-launch-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
