//! The shop's command line, run as a user runs it, on SQLite and PostgreSQL:
//! the tour of the README, and bad input that must fail clearly and change
//! nothing.

use migrate_runtime::testing::{Snapshot, TestDatabase};
use std::path::Path;
use std::process::{Command, Output};

fn shop(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shop"))
        .args(["--database-url", url])
        .args(args)
        .env_remove("DATABASE_URL")
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn fails(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).to_string()
}

fn state(db: &TestDatabase) -> (Snapshot, Vec<String>) {
    let mut conn = db.connect();
    let snap = Snapshot::capture(&mut conn).unwrap();
    let migrator = migrate_runtime::Migrator::new(shop::migrations()).unwrap();
    let rows = migrator
        .applied(&mut conn)
        .unwrap()
        .into_iter()
        .map(|r| format!("{} {}", r.revision, r.checksum))
        .collect();
    (snap, rows)
}

fn tour(db: TestDatabase) {
    let url = db.url();
    let out = shop(url, &["upgrade", "head"]);
    ok(&out);
    let progress = String::from_utf8_lossy(&out.stderr);
    assert!(
        progress.contains("Running upgrade  -> 1a2b3c4d5e6f, create users table ... done in"),
        "{progress}"
    );
    assert!(
        progress.contains(
            "Running upgrade 4d5e6f7a8b9c, 6f7a8b9c0d1e -> 7a8b9c0d1e2f, merge the orders branch"
        ),
        "{progress}"
    );
    assert_eq!(ok(&shop(url, &["current"])), "8b9c0d1e2f3a (head)\n");
    let history = ok(&shop(url, &["history", "--indicate-current"]));
    assert!(
        history.starts_with("7a8b9c0d1e2f -> 8b9c0d1e2f3a (head) (current), add audit log\n"),
        "{history}"
    );
    assert!(
        history.ends_with("<base> -> 1a2b3c4d5e6f (base), create users table\n"),
        "{history}"
    );
    let range = ok(&shop(url, &["history", "-r", "3c4d5e6f7a8b:5e6f7a8b9c0d"]));
    assert_eq!(range.lines().count(), 2, "{range}");
    assert_eq!(ok(&shop(url, &["heads"])), "8b9c0d1e2f3a (head)\n");
    assert!(ok(&shop(url, &["branches"])).starts_with("3c4d5e6f7a8b (branchpoint)"));
    let show = ok(&shop(url, &["show", "4d5e"]));
    assert!(
        show.contains("Rev: 4d5e6f7a8b9c")
            && show.contains("Branch: orders")
            && show.contains("derived from the upgrade"),
        "{show}"
    );

    let down = shop(url, &["downgrade", "-1"]);
    ok(&down);
    assert!(String::from_utf8_lossy(&down.stderr)
        .contains("Running downgrade 8b9c0d1e2f3a -> 7a8b9c0d1e2f, add audit log"));
    assert_eq!(ok(&shop(url, &["current"])), "7a8b9c0d1e2f\n");
    ok(&shop(url, &["downgrade", "base"]));
    assert_eq!(ok(&shop(url, &["current"])), "");
    ok(&shop(url, &["-q", "upgrade", "+2"]));
    assert_eq!(ok(&shop(url, &["current"])), "2b3c4d5e6f7a\n");
    ok(&shop(url, &["stamp", "head"]));
    assert_eq!(ok(&shop(url, &["current"])), "8b9c0d1e2f3a (head)\n");
    ok(&shop(url, &["stamp", "base", "--purge"]));
    ok(&shop(url, &["downgrade", "base"]));

    // Offline SQL needs no connection; on a fresh database it gives what an
    // online upgrade gives.
    let sql = ok(&shop(
        "postgres://nobody@127.0.0.1:1/none",
        &["upgrade", "head", "--sql"],
    ));
    assert!(
        sql.contains("CREATE TABLE \"users\"") && sql.contains("INSERT INTO \"migrate_revisions\""),
        "{sql}"
    );
    let down_sql = ok(&shop(
        url,
        &["downgrade", "base", "--sql", "--from", "head"],
    ));
    assert!(
        down_sql.contains("DROP TABLE \"users\"")
            && down_sql.contains("DELETE FROM \"migrate_revisions\""),
        "{down_sql}"
    );
}

fn bad_input(db: TestDatabase) {
    let url = db.url();
    ok(&shop(url, &["-q", "upgrade", "5e6f7a8b9c0d"]));
    let before = state(&db);
    for (args, says) in [
        (vec!["upgrade", "zzzzzz"], "unknown revision `zzzzzz`"),
        (vec!["upgrade", "1a2"], "too short"),
        (vec!["upgrade", "orders@nothing"], "orders@nothing"),
        (vec!["downgrade", "8b9c0d1e2f3a"], "8b9c0d1e2f3a"),
        (vec!["show", "qqqq"], "unknown revision `qqqq`"),
        (vec!["repair", "8b9c0d1e2f3a"], "not applied"),
    ] {
        let err = fails(&shop(url, &args));
        assert!(
            err.starts_with("error: ") && err.contains(says),
            "{args:?}: {err}"
        );
        assert_eq!(state(&db), before, "{args:?} changed the database");
    }
    // Malformed and unreachable databases.
    let err = fails(&shop("mysql://u@h/db", &["current"]));
    assert!(err.contains("`mysql` is not a supported database"), "{err}");
    let err = fails(&shop("postgres://nobody@127.0.0.1:1/none", &["current"]));
    assert!(
        err.contains("cannot connect to postgres://nobody@127.0.0.1:1/none"),
        "{err}"
    );
    // A database at a revision this build does not know.
    {
        let mut conn = db.connect();
        use diesel::connection::SimpleConnection;
        let sql = format!("INSERT INTO migrate_revisions (revision, checksum, duration_ms) VALUES ('f00dfeedbeef', '{}', 0)", "b".repeat(64));
        match &mut conn {
            migrate_runtime::Database::Postgres(c) => c.batch_execute(&sql).unwrap(),
            migrate_runtime::Database::Sqlite(c) => c.batch_execute(&sql).unwrap(),
        }
    }
    let before = state(&db);
    let err = fails(&shop(url, &["upgrade", "head"]));
    assert!(
        err.contains("f00dfeedbeef") && err.contains("--allow-unknown-applied"),
        "{err}"
    );
    assert_eq!(state(&db), before);
    ok(&shop(
        url,
        &["-q", "upgrade", "head", "--allow-unknown-applied"],
    ));
    // An edited migration: a tampered checksum, refused, then repaired.
    {
        let mut conn = db.connect();
        use diesel::connection::SimpleConnection;
        let sql = format!(
            "UPDATE migrate_revisions SET checksum = '{}' WHERE revision = '1a2b3c4d5e6f'",
            "c".repeat(64)
        );
        match &mut conn {
            migrate_runtime::Database::Postgres(c) => c.batch_execute(&sql).unwrap(),
            migrate_runtime::Database::Sqlite(c) => c.batch_execute(&sql).unwrap(),
        }
    }
    let before = state(&db);
    let err = fails(&shop(url, &["downgrade", "-1", "--allow-unknown-applied"]));
    assert!(
        err.contains("changed since it was applied") && err.contains("repair"),
        "{err}"
    );
    assert_eq!(state(&db), before);
    ok(&shop(url, &["-q", "repair", "1a2b3c4d5e6f"]));
    ok(&shop(
        url,
        &["-q", "downgrade", "-1", "--allow-unknown-applied"],
    ));
}

#[test]
fn tour_on_sqlite() {
    tour(TestDatabase::sqlite());
}

#[test]
fn tour_on_postgres() {
    tour(TestDatabase::postgres());
}

#[test]
fn bad_input_on_sqlite() {
    bad_input(TestDatabase::sqlite());
}

#[test]
fn bad_input_on_postgres() {
    bad_input(TestDatabase::postgres());
}

#[test]
fn usage_errors_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_shop"))
        .args(["upgrad"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unrecognized subcommand"));
}

#[test]
fn verify_finds_undeclared_migration_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO_BIN_EXE_shop"))
        .arg("verify")
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("8 migrations verified"));
}
