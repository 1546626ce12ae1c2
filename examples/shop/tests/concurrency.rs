//! Many deploys at once: processes of the shop binary start `upgrade head`
//! against one database at the same moment. All succeed, each migration is
//! applied once, and the seed rows are not duplicated.

use diesel::RunQueryDsl;
use migrate_runtime::testing::TestDatabase;
use migrate_runtime::Database;
use std::process::Command;
use std::sync::{Arc, Barrier};

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(diesel::QueryableByName)]
struct Revision {
    #[diesel(sql_type = diesel::sql_types::Text)]
    revision: String,
}

fn count(db: &mut Database, sql: &str) -> i64 {
    let rows: Vec<Count> = match db {
        Database::Postgres(c) => diesel::sql_query(sql).load(c),
        Database::Sqlite(c) => diesel::sql_query(sql).load(c),
        Database::Mysql(c) => diesel::sql_query(sql).load(c),
    }
    .unwrap();
    rows[0].n
}

fn upgrade_at_once(db: &TestDatabase, processes: usize) {
    let barrier = Arc::new(Barrier::new(processes));
    let handles: Vec<_> = (0..processes)
        .map(|_| {
            let barrier = barrier.clone();
            let url = db.url().to_string();
            std::thread::spawn(move || {
                let mut cmd = Command::new(env!("CARGO_BIN_EXE_shop"));
                cmd.args(["--database-url", &url, "upgrade", "head"]);
                barrier.wait();
                cmd.output().unwrap()
            })
        })
        .collect();
    for h in handles {
        let out = h.join().unwrap();
        assert!(
            out.status.success(),
            "a process failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut conn = db.connect();
    assert_eq!(
        count(&mut conn, "SELECT COUNT(*) AS n FROM migrate_revisions"),
        8
    );
    // Every migration of the shop recorded, and only those.
    let recorded: Vec<Revision> = match &mut conn {
        Database::Postgres(c) => {
            diesel::sql_query("SELECT revision FROM migrate_revisions ORDER BY revision").load(c)
        }
        Database::Sqlite(c) => {
            diesel::sql_query("SELECT revision FROM migrate_revisions ORDER BY revision").load(c)
        }
        Database::Mysql(c) => {
            diesel::sql_query("SELECT revision FROM migrate_revisions ORDER BY revision").load(c)
        }
    }
    .unwrap();
    let mut expected: Vec<String> = shop::migrations()
        .iter()
        .map(|m| m.revision().to_string())
        .collect();
    expected.sort();
    assert_eq!(
        recorded.into_iter().map(|r| r.revision).collect::<Vec<_>>(),
        expected
    );
    assert_eq!(count(&mut conn, "SELECT COUNT(*) AS n FROM roles"), 4);
}

#[test]
fn sixteen_processes_on_postgres() {
    upgrade_at_once(&TestDatabase::postgres(), 16);
}

#[test]
fn eight_processes_on_mysql() {
    upgrade_at_once(&TestDatabase::mysql(), 8);
}

#[test]
fn eight_processes_on_sqlite() {
    upgrade_at_once(&TestDatabase::sqlite(), 8);
}
