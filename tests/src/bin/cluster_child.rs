//! A test process of its own for `tests/cluster.rs`, which kills it or lets it
//! panic and then looks at what its `TestDatabase` left behind. A separate
//! binary rather than an ignored test, so that no test passes without its
//! parent.
//!
//! `cluster_child hold`: starts a temporary cluster, prints `READY <url>` and
//! waits to be killed. `cluster_child panic`: creates a test database (in
//! `TEST_DATABASE_URL`), prints what it made, and panics holding it.
//! `hold-mysql` and `panic-mysql` do the same with MariaDB
//! (`TEST_MYSQL_URL`).

use migrate_runtime::testing::TestDatabase;
use std::time::Duration;

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("hold") => hold(TestDatabase::postgres(), "postgres"),
        Some("panic") => panic_holding_a_database(TestDatabase::postgres(), "pg"),
        Some("hold-mysql") => hold(TestDatabase::mysql(), "mysql"),
        Some("panic-mysql") => panic_holding_a_database(TestDatabase::mysql(), "my"),
        other => {
            eprintln!("usage: cluster_child hold|panic|hold-mysql|panic-mysql (got {other:?})");
            std::process::exit(2);
        }
    }
}

/// Prints the URL of the server's administrative database (`admin`).
fn hold(db: TestDatabase, admin: &str) {
    let admin = db
        .url()
        .rsplit_once('/')
        .map(|(server, _)| format!("{server}/{admin}"))
        .unwrap();
    println!("READY {admin}");
    std::thread::sleep(Duration::from_secs(600));
}

/// `kind`: the server directories' infix (`pg`, `my`).
fn panic_holding_a_database(db: TestDatabase, kind: &str) {
    println!("DB {}", db.url());
    println!(
        "EXISTS {}",
        migrate_runtime::Database::connect(db.url()).is_ok()
    );
    let own = std::env::temp_dir().join(format!("migrate-test-{kind}-{}", std::process::id()));
    if own.exists() {
        println!("OWN CLUSTER");
    }
    panic!("a failing test");
}
