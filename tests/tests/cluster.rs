//! The temporary PostgreSQL cluster (and MariaDB server) of the testing
//! toolkit never outlives the test process, even one killed with SIGKILL: its
//! watchdog stops it and removes its files. A server named by
//! `TEST_DATABASE_URL` (`TEST_MYSQL_URL`) is used instead of a temporary one,
//! and a test database is dropped even when its test panics.

use migrate_runtime::testing::TestDatabase;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The two servers the toolkit starts: the child's command, the server
/// directory's prefix, and whether a URL reaches a server.
struct Kind {
    hold: &'static str,
    prefix: &'static str,
    reachable: fn(&str) -> bool,
}

const POSTGRES: Kind = Kind {
    hold: "hold",
    prefix: "migrate-test-pg-",
    reachable: |url| migrate_runtime::Database::connect(url).is_ok(),
};

const MYSQL: Kind = Kind {
    hold: "hold-mysql",
    prefix: "migrate-test-my-",
    reachable: |url| {
        use diesel::Connection as _;
        diesel::MysqlConnection::establish(url).is_ok()
    },
};

/// Starts the child holding a cluster, with `tmpdir` as its temporary
/// directory; returns it, the cluster's directory and the server's URL.
fn child_holding_a_cluster(tmpdir: Option<&Path>) -> (Child, PathBuf, String) {
    child_holding(&POSTGRES, tmpdir)
}

fn child_holding(kind: &Kind, tmpdir: Option<&Path>) -> (Child, PathBuf, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cluster_child"));
    command
        .arg(kind.hold)
        .env_remove("TEST_DATABASE_URL")
        .env_remove("TEST_MYSQL_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = tmpdir {
        command.env("TMPDIR", dir);
    }
    let mut child = command.spawn().unwrap();
    let mut url = None;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some((_, u)) = line.split_once("READY ") {
            url = Some(u.to_string());
            break;
        }
    }
    let Some(url) = url else {
        // Its stdout ended: it is ending too, and says why on stderr.
        let _ = child.kill();
        let mut why = String::new();
        let _ = std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut why);
        panic!("the child started no server: {why}");
    };
    let dir = tmpdir
        .map(Path::to_path_buf)
        .unwrap_or_else(std::env::temp_dir)
        .join(format!("{}{}", kind.prefix, child.id()));
    assert!(dir.is_dir(), "{}", dir.display());
    assert!((kind.reachable)(&url));
    (child, dir, url)
}

/// Kills the child (SIGKILL: no destructor, no atexit runs) and waits for its
/// watchdog to stop the server and remove the cluster's directory.
fn kill_and_wait_for_cleanup(child: Child, dir: &Path, url: &str) {
    kill_and_wait(&POSTGRES, child, dir, url)
}

fn kill_and_wait(kind: &Kind, mut child: Child, dir: &Path, url: &str) {
    child.kill().unwrap();
    child.wait().unwrap();
    let started = Instant::now();
    while dir.exists() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(
        !dir.exists(),
        "the cluster's files are still there after {:?}",
        started.elapsed()
    );
    assert!(!(kind.reachable)(url), "the server still answers");
}

#[test]
fn a_killed_test_process_leaves_no_mysql_server() {
    let (child, dir, url) = child_holding(&MYSQL, None);
    kill_and_wait(&MYSQL, child, &dir, &url);
}

#[test]
fn a_killed_test_process_leaves_no_cluster() {
    let (child, dir, url) = child_holding_a_cluster(None);
    kill_and_wait_for_cleanup(child, &dir, &url);
}

/// Test processes start their servers side by side (`cargo test
/// --workspace` on a busy machine): every one starts, each on its own port.
/// Servers starting beside each other once broke each other's start-up.
fn servers_start_side_by_side(kind: &'static Kind, count: usize) {
    let started = Instant::now();
    let children: Vec<_> = (0..count)
        .map(|_| std::thread::spawn(move || child_holding(kind, None)))
        .collect();
    let held: Vec<_> = children.into_iter().map(|c| c.join()).collect();
    let elapsed = started.elapsed();
    let mut urls = Vec::new();
    let mut failures = Vec::new();
    let mut ended = Vec::new();
    for h in held {
        match h {
            Ok((child, dir, url)) => {
                urls.push(url.clone());
                ended.push(std::thread::spawn(move || {
                    kill_and_wait(kind, child, &dir, &url)
                }));
            }
            Err(panic) => {
                failures.push(panic.downcast_ref::<String>().cloned().unwrap_or_default())
            }
        }
    }
    for e in ended {
        e.join().unwrap();
    }
    assert!(
        failures.is_empty(),
        "{} of {count} did not start:\n{}",
        failures.len(),
        failures.join("\n")
    );
    urls.sort();
    urls.dedup();
    assert_eq!(urls.len(), count, "two servers on one port: {urls:?}");
    eprintln!("{count} servers started in {elapsed:?}");
}

#[test]
fn mysql_servers_start_side_by_side() {
    servers_start_side_by_side(&MYSQL, 8);
}

#[test]
fn clusters_start_side_by_side() {
    servers_start_side_by_side(&POSTGRES, 4);
}

/// The clean-up removes the cluster's directory and nothing else, whatever
/// characters the temporary directory's path holds: `/tmp/x y/...` once
/// went to a shell as `rm -rf /tmp/x y/...`, which deletes `/tmp/x`.
#[test]
fn the_cleanup_removes_exactly_the_cluster_even_under_a_path_with_spaces() {
    let base = tempfile::tempdir().unwrap();
    let decoy = base.path().join("tmp");
    std::fs::create_dir(&decoy).unwrap();
    std::fs::write(decoy.join("keep.txt"), "still here").unwrap();
    let tmpdir = base.path().join("tmp dir; $(echo) 'quoted'");
    std::fs::create_dir(&tmpdir).unwrap();
    // The cluster runs as `postgres` when the tests run as root: it must be
    // able to reach its directory.
    for dir in [base.path(), tmpdir.as_path()] {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let (child, dir, url) = child_holding_a_cluster(Some(&tmpdir));
    kill_and_wait_for_cleanup(child, &dir, &url);
    assert!(
        tmpdir.is_dir(),
        "the temporary directory itself was removed"
    );
    assert_eq!(
        std::fs::read_to_string(decoy.join("keep.txt")).unwrap(),
        "still here",
        "a directory beside the cluster's was touched"
    );
}

/// The server part of a PostgreSQL URL and the database name.
fn split_url(url: &str) -> (&str, &str) {
    url.rsplit_once('/').unwrap()
}

#[test]
fn test_database_url_is_used_and_a_panicking_test_cleans_up() {
    let shared = TestDatabase::postgres();
    let (server, _) = split_url(shared.url());
    let admin = format!("{server}/postgres");
    let child = Command::new(env!("CARGO_BIN_EXE_cluster_child"))
        .arg("panic")
        .env("TEST_DATABASE_URL", &admin)
        // Often production: never to be touched by tests.
        .env(
            "DATABASE_URL",
            "postgres://production@127.0.0.1:1/production",
        )
        .stderr(Stdio::null())
        .output()
        .unwrap();
    assert!(!child.status.success(), "the child test was meant to panic");
    let stdout = String::from_utf8(child.stdout).unwrap();
    let url = stdout
        .lines()
        .find_map(|l| l.split_once("DB ").map(|(_, url)| url))
        .unwrap_or_else(|| panic!("the child made no database: {stdout}"));
    let (child_server, name) = split_url(url);
    assert_eq!(child_server, server, "the database is on the named server");
    assert!(stdout.contains("EXISTS true"), "{stdout}");
    // The child started no cluster of its own.
    assert!(!stdout.contains("OWN CLUSTER"), "{stdout}");
    // Its database went with the panic.
    let mut conn = shared.connect();
    let left: i64 = match &mut conn {
        migrate_runtime::Database::Postgres(c) => {
            use diesel::prelude::*;
            diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
                "SELECT COUNT(*) FROM pg_database WHERE datname = '{name}'"
            ))
            .get_result(c)
            .unwrap()
        }
        _ => unreachable!("a PostgreSQL test database"),
    };
    assert_eq!(left, 0, "database {name} outlived its panicking test");
}

#[test]
fn a_sqlite_test_database_is_deleted_even_when_its_test_panics() {
    let mut path = String::new();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let db = TestDatabase::sqlite();
        db.connect(); // creates the file
        path = db.url().trim_start_matches("sqlite:///").to_string();
        assert!(std::path::Path::new(&path).exists(), "{path}");
        panic!("a failing test");
    }));
    assert!(outcome.is_err());
    assert!(
        !std::path::Path::new(&path).exists(),
        "{path} outlived its test"
    );
}

/// `TEST_MYSQL_URL` names the server (never `DATABASE_URL`), and a
/// panicking test's MySQL database goes with it.
#[test]
fn test_mysql_url_is_used_and_a_panicking_test_cleans_up() {
    let shared = TestDatabase::mysql();
    let (server, _) = split_url(shared.url());
    let admin = format!("{server}/mysql");
    let child = Command::new(env!("CARGO_BIN_EXE_cluster_child"))
        .arg("panic-mysql")
        .env("TEST_MYSQL_URL", &admin)
        .env("DATABASE_URL", "mysql://production@127.0.0.1:1/production")
        .stderr(Stdio::null())
        .output()
        .unwrap();
    assert!(!child.status.success(), "the child test was meant to panic");
    let stdout = String::from_utf8(child.stdout).unwrap();
    let url = stdout
        .lines()
        .find_map(|l| l.split_once("DB ").map(|(_, url)| url))
        .unwrap_or_else(|| panic!("the child made no database: {stdout}"));
    let (child_server, name) = split_url(url);
    assert_eq!(child_server, server, "the database is on the named server");
    assert!(stdout.contains("EXISTS true"), "{stdout}");
    assert!(!stdout.contains("OWN CLUSTER"), "{stdout}");
    let mut conn = shared.connect();
    let left: i64 = match &mut conn {
        migrate_runtime::Database::Mysql(c) => {
            use diesel::prelude::*;
            diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
                "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{name}'"
            ))
            .get_result(c)
            .unwrap()
        }
        _ => unreachable!("a MySQL test database"),
    };
    assert_eq!(left, 0, "database {name} outlived its panicking test");
}
