//! The temporary PostgreSQL cluster of the testing toolkit never outlives the
//! test process, even one killed with SIGKILL: its watchdog stops it and
//! removes its files. A server named by `TEST_DATABASE_URL` is used instead
//! of a cluster, and a test database is dropped even when its test panics.

use migrate_runtime::testing::TestDatabase;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn a_killed_test_process_leaves_no_cluster() {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_holds_a_cluster",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("MIGRATE_CLUSTER_CHILD", "1")
        .env_remove("TEST_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut url = None;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some((_, u)) = line.split_once("READY ") {
            url = Some(u.to_string());
            break;
        }
    }
    let url = url.expect("the child started a cluster");
    let dir = std::env::temp_dir().join(format!("migrate-test-pg-{}", child.id()));
    assert!(dir.is_dir(), "{}", dir.display());
    assert!(migrate_runtime::Database::connect(&url).is_ok());

    child.kill().unwrap(); // SIGKILL: no destructor, no atexit runs
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
    assert!(
        migrate_runtime::Database::connect(&url).is_err(),
        "the server still answers"
    );
}

#[test]
#[ignore = "started by a_killed_test_process_leaves_no_cluster"]
fn child_holds_a_cluster() {
    if std::env::var("MIGRATE_CLUSTER_CHILD").is_err() {
        return;
    }
    let db = TestDatabase::postgres();
    let admin = db
        .url()
        .rsplit_once('/')
        .map(|(server, _)| format!("{server}/postgres"))
        .unwrap();
    println!("READY {admin}");
    std::thread::sleep(Duration::from_secs(600));
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
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_panics_holding_a_database",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("MIGRATE_CLUSTER_CHILD", "1")
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
#[ignore = "started by test_database_url_is_used_and_a_panicking_test_cleans_up"]
fn child_panics_holding_a_database() {
    if std::env::var("MIGRATE_CLUSTER_CHILD").is_err() {
        return;
    }
    let db = TestDatabase::postgres();
    println!("DB {}", db.url());
    println!(
        "EXISTS {}",
        migrate_runtime::Database::connect(db.url()).is_ok()
    );
    let own = std::env::temp_dir().join(format!("migrate-test-pg-{}", std::process::id()));
    if own.exists() {
        println!("OWN CLUSTER");
    }
    panic!("a failing test");
}

#[test]
fn a_sqlite_test_database_is_deleted_even_when_its_test_panics() {
    let mut path = String::new();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let db = TestDatabase::sqlite();
        db.connect(); // creates the file
        path = db.url().trim_start_matches("sqlite://").to_string();
        assert!(std::path::Path::new(&path).exists(), "{path}");
        panic!("a failing test");
    }));
    assert!(outcome.is_err());
    assert!(
        !std::path::Path::new(&path).exists(),
        "{path} outlived its test"
    );
}
