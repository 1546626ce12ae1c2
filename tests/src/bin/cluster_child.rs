//! A test process of its own for `tests/cluster.rs`, which kills it or lets it
//! panic and then looks at what its `TestDatabase` left behind. A separate
//! binary rather than an ignored test, so that no test passes without its
//! parent.
//!
//! `cluster_child hold`: starts a temporary cluster, prints `READY <url>` and
//! waits to be killed. `cluster_child panic`: creates a test database (in
//! `TEST_DATABASE_URL`), prints what it made, and panics holding it.

use migrate_runtime::testing::TestDatabase;
use std::time::Duration;

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("hold") => hold(),
        Some("panic") => panic_holding_a_database(),
        other => {
            eprintln!("usage: cluster_child hold|panic (got {other:?})");
            std::process::exit(2);
        }
    }
}

fn hold() {
    let db = TestDatabase::postgres();
    let admin = db
        .url()
        .rsplit_once('/')
        .map(|(server, _)| format!("{server}/postgres"))
        .unwrap();
    println!("READY {admin}");
    std::thread::sleep(Duration::from_secs(600));
}

fn panic_holding_a_database() {
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
