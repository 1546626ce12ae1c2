//! The temporary PostgreSQL cluster of the testing toolkit never outlives the
//! test process, even one killed with SIGKILL: its watchdog stops it and
//! removes its files.

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
