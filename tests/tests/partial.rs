//! A migration that stops part-way outside a transaction (MariaDB, whose DDL
//! commits each statement; PostgreSQL with `transactional = false`): with a
//! fault injected at each statement in turn, through the database (an object
//! in the way, a row that breaks a constraint), the error lists what ran and
//! what did not, the version table records the partial revision, `upgrade`
//! resumes at the failed statement once the fault is gone and ends where a
//! run never interrupted ends, and `downgrade` undoes exactly what ran, back
//! to the schema of the revision before. A downgrade that stops part-way is
//! resumed, or undone by `upgrade`, the same way.

mod support;
use support::*;

use migrate_runtime::testing::{Snapshot, TestDatabase};
use migrate_runtime::{migration, op, Database, Dialect, Direction, Error, Migrator, Progress};

migrate_runtime::migrations!();

/// accounts
#[migration(revision = "p1", down_revision = None)]
mod accounts {
    fn upgrade() {
        op!(create_table(
            "accounts",
            Column("id", Integer, primary_key = true),
            Column("name", String(50), nullable = false),
            Column("legacy_id", Integer, server_default = 7)
        ));
        op!(bulk_insert("accounts", [{"id": 1, "name": "first"}]));
    }
}

/// ledger, balances, unique names, old ids, audit
#[migration(revision = "p2", down_revision = "p1", transactional = false)]
mod ledger {
    fn upgrade() {
        op!(create_table(
            "ledger",
            Column("id", Integer, primary_key = true),
            Column("account_id", Integer, nullable = false)
        ));
        op!(add_column(
            "accounts",
            Column("balance", Integer, nullable = false, server_default = 0)
        ));
        op!(create_unique_constraint(
            "uq_accounts_name",
            "accounts",
            ["name"]
        ));
        // Two statements: the default, then the name.
        op!(alter_column(
            "accounts",
            "legacy_id",
            new_column_name = "old_id",
            server_default = 0,
            existing_server_default = 7
        ));
        op!(create_table(
            "audit",
            Column("id", Integer, primary_key = true)
        ));
    }
}

/// later
#[migration(revision = "p3", down_revision = "p2")]
mod later {
    fn upgrade() {
        op!(create_table(
            "later",
            Column("id", Integer, primary_key = true)
        ));
    }
}

mod mysql {
    #[test]
    fn a_fault_at_each_statement_stops_resumes_and_undoes() {
        super::a_fault_at_each_statement_stops_resumes_and_undoes(
            migrate_runtime::testing::TestDatabase::mysql,
        )
    }

    #[test]
    fn an_edited_partial_migration_is_refused_and_stamp_clears_it() {
        super::an_edited_partial_migration_is_refused_and_stamp_clears_it(
            migrate_runtime::testing::TestDatabase::mysql(),
        )
    }

    #[test]
    fn a_downgrade_that_stops_part_way_resumes_or_is_undone() {
        super::a_downgrade_that_stops_part_way_resumes_or_is_undone(
            migrate_runtime::testing::TestDatabase::mysql,
        )
    }

    #[test]
    fn an_offline_script_that_stops_part_way_is_resumed_online() {
        super::an_offline_script_that_stops_part_way_is_resumed_online(
            migrate_runtime::testing::TestDatabase::mysql,
        )
    }
}

mod postgres {
    #[test]
    fn a_fault_at_each_statement_stops_resumes_and_undoes() {
        super::a_fault_at_each_statement_stops_resumes_and_undoes(
            migrate_runtime::testing::TestDatabase::postgres,
        )
    }
}

fn migrator() -> Migrator {
    Migrator::new(migrations()).unwrap()
}

/// Per statement of p2's upgrade, in order: SQL that makes it fail, and SQL
/// that removes the cause (the same on both databases).
fn faults() -> Vec<(&'static str, &'static str)> {
    vec![
        ("CREATE TABLE ledger (x INTEGER)", "DROP TABLE ledger"),
        (
            "ALTER TABLE accounts ADD COLUMN balance INTEGER",
            "ALTER TABLE accounts DROP COLUMN balance",
        ),
        // A second account of the same name breaks the unique constraint.
        (
            "INSERT INTO accounts (id, name) VALUES (2, 'first')",
            "DELETE FROM accounts WHERE id = 2",
        ),
        // `alter_column`'s default: the column is not there by its name.
        (
            "ALTER TABLE accounts RENAME COLUMN legacy_id TO moved_id",
            "ALTER TABLE accounts RENAME COLUMN moved_id TO legacy_id",
        ),
        // `alter_column`'s new name is taken.
        (
            "ALTER TABLE accounts ADD COLUMN old_id INTEGER",
            "ALTER TABLE accounts DROP COLUMN old_id",
        ),
        ("CREATE TABLE audit (x INTEGER)", "DROP TABLE audit"),
    ]
}

/// How the error names the first `n` statements.
fn statements(n: usize) -> String {
    match n {
        1 => "statement 1".into(),
        n => format!("statements 1-{n}"),
    }
}

/// A database migrated without interruption to `target`.
fn reference(new_db: fn() -> TestDatabase, target: &str) -> Snapshot {
    let db = new_db();
    let mut conn = db.connect();
    migrator().upgrade(&mut conn, target).unwrap();
    Snapshot::capture(&mut conn).unwrap()
}

fn assert_schema(expected: &Snapshot, conn: &mut Database, what: &str) {
    let diff = lines(expected.diff(&Snapshot::capture(conn).unwrap()));
    assert!(diff.is_empty(), "{what}:\n  {}", diff.join("\n  "));
}

/// p2's row: its progress, if partial; `None` (outer) when there is none.
fn p2_row(m: &Migrator, conn: &mut Database) -> Option<Option<Progress>> {
    m.applied(conn)
        .unwrap()
        .into_iter()
        .find(|r| r.revision == "p2")
        .map(|r| r.progress())
}

/// Upgrades to head with the fault at statement `k` (1-based) in place;
/// checks the error and what is recorded; returns the error's text.
fn stop_at(m: &Migrator, conn: &mut Database, k: usize, total: usize) -> String {
    let err = m.upgrade(conn, "head").unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(&err, Error::Stopped { revision, .. } if revision == "p2"),
        "fault at statement {k}: expected p2 to stop, got {err:?}"
    );
    assert!(
        text.contains(&format!("upgrade p2 (ledger, balances, unique names, old ids, audit) stopped at statement {k} of {total}")),
        "{text}"
    );
    // Each statement, numbered, as it stands.
    for n in 1..=total {
        let state = match n.cmp(&k) {
            std::cmp::Ordering::Less => "ran",
            std::cmp::Ordering::Equal => "FAILED",
            std::cmp::Ordering::Greater => "not run",
        };
        let line = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{n}. ")))
            .unwrap_or_else(|| panic!("no line for statement {n}:\n{text}"));
        assert!(
            line.contains(&format!("{n}. {state} ")) && line.contains(" op "),
            "statement {n} should be `{state}`: {line}\n{text}"
        );
    }
    let recorded = p2_row(m, conn);
    if k == 1 {
        assert_eq!(recorded, None, "nothing ran, nothing is recorded");
        assert!(text.contains("nothing of it stays"), "{text}");
    } else {
        let progress = Progress {
            direction: Direction::Up,
            done: k - 1,
            total,
            undone: 0,
        };
        assert_eq!(recorded, Some(Some(progress)));
        assert!(
            text.contains(&format!("records p2 as {progress}"))
                && text.contains(&format!("it resumes at statement {k}")),
            "{text}"
        );
        // `current` shows the partial revision as such.
        let current = m.current(conn).unwrap();
        assert_eq!(current.len(), 1, "{current:?}");
        assert_eq!(
            (current[0].revision.as_str(), current[0].progress()),
            ("p2", Some(progress))
        );
    }
    text
}

fn a_fault_at_each_statement_stops_resumes_and_undoes(new_db: fn() -> TestDatabase) {
    let m = migrator();
    let at_p1 = reference(new_db, "p1");
    let head = reference(new_db, "head");
    let total = faults().len();
    for k in 1..=total {
        let db = new_db();
        let mut conn = db.connect();
        m.upgrade(&mut conn, "p1").unwrap();
        let (inject, remove) = faults()[k - 1];
        exec(&mut conn, inject);
        let text = stop_at(&m, &mut conn, k, total);
        exec(&mut conn, remove);

        // Undo what ran: back to p1, exactly.
        let mid_op = k == 5;
        if k == 1 {
            assert!(m.downgrade(&mut conn, "p1").unwrap().is_empty());
        } else if mid_op {
            // Statement 5 is the second of `alter_column`'s two: half an
            // op has no inverse. Refused, and nothing changes.
            assert!(
                text.contains("cannot be undone for you")
                    && text.contains("op 4 `alter_column` renders to 2 statements and only 1 ran"),
                "{text}"
            );
            let before = Snapshot::capture(&mut conn).unwrap();
            let err = m.downgrade(&mut conn, "p1").unwrap_err();
            assert!(
                matches!(&err, Error::Partial { revision, .. } if revision == "p2"),
                "{err:?}"
            );
            let msg = err.to_string();
            assert!(
                msg.contains("half an op has no inverse")
                    && msg.contains("`upgrade p2`")
                    && msg.contains("nothing was changed"),
                "{msg}"
            );
            assert_schema(&before, &mut conn, "a refused undo");
            assert!(matches!(p2_row(&m, &mut conn), Some(Some(_))));
        } else {
            assert!(
                text.contains(&format!("undo {} with `downgrade p1`", statements(k - 1))),
                "{text}"
            );
            assert_eq!(m.downgrade(&mut conn, "-1").unwrap(), ["p2"]);
            assert_eq!(p2_row(&m, &mut conn), None);
            assert_schema(&at_p1, &mut conn, &format!("stopped at {k}, then undone"));
            // Stop there again, for the resume below.
            exec(&mut conn, inject);
            stop_at(&m, &mut conn, k, total);
            exec(&mut conn, remove);
        }

        // Resume: on from the failed statement, to where an uninterrupted
        // run ends.
        assert_eq!(m.upgrade(&mut conn, "head").unwrap(), ["p2", "p3"]);
        assert_eq!(p2_row(&m, &mut conn), Some(None));
        assert_schema(&head, &mut conn, &format!("stopped at {k}, then resumed"));
        let rows = m.applied(&mut conn).unwrap();
        assert!(
            rows.iter().all(|r| r.progress().is_none()) && rows.len() == 3,
            "{rows:?}"
        );
    }
}

/// p2's downgrade (derived: the upgrade's inverse) stops at its last
/// statement, `DROP TABLE ledger`, which another table's foreign key holds.
fn a_downgrade_that_stops_part_way_resumes_or_is_undone(new_db: fn() -> TestDatabase) {
    let m = migrator();
    let at_p1 = reference(new_db, "p1");
    let head = reference(new_db, "head");
    let db = new_db();
    let mut conn = db.connect();
    m.upgrade(&mut conn, "head").unwrap();
    let inject = "CREATE TABLE fault_ref (r INTEGER, FOREIGN KEY (r) REFERENCES ledger (id))";
    let remove = "DROP TABLE fault_ref";
    exec(&mut conn, inject);
    let stop = |conn: &mut Database| {
        let err = m.downgrade(conn, "p1").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("downgrade p2 (")
                && text.contains("FAILED")
                && text.contains("DROP TABLE `ledger`"),
            "{text}"
        );
        let progress = match p2_row(&m, conn) {
            Some(Some(p)) => p,
            other => panic!("p2 should be partial: {other:?}\n{text}"),
        };
        assert_eq!(
            (progress.direction, progress.done + 1, progress.undone),
            (Direction::Down, progress.total, 0)
        );
        text
    };
    stop(&mut conn);
    exec(&mut conn, remove);
    // `upgrade` undoes what the downgrade did: back at head.
    assert_eq!(m.upgrade(&mut conn, "head").unwrap(), ["p2", "p3"]);
    assert_schema(&head, &mut conn, "a stopped downgrade, undone");
    assert_eq!(p2_row(&m, &mut conn), Some(None));
    // Again, and this time resumed.
    exec(&mut conn, inject);
    m.downgrade(&mut conn, "p2").unwrap();
    stop(&mut conn);
    exec(&mut conn, remove);
    assert_eq!(m.downgrade(&mut conn, "p1").unwrap(), ["p2"]);
    assert_eq!(p2_row(&m, &mut conn), None);
    assert_schema(&at_p1, &mut conn, "a stopped downgrade, resumed");
}

/// A partial revision whose migration changed since it ran is neither
/// resumed nor undone (other ops than those that ran); a build that renders
/// it otherwise neither. `stamp` is the way out once the schema is mended
/// by hand, and a run that would leave the partial revision behind is
/// refused.
fn an_edited_partial_migration_is_refused_and_stamp_clears_it(db: TestDatabase) {
    let m = migrator();
    let mut conn = db.connect();
    m.upgrade(&mut conn, "p1").unwrap();
    let (inject, remove) = faults()[2];
    exec(&mut conn, inject);
    stop_at(&m, &mut conn, 3, faults().len());
    exec(&mut conn, remove);
    let before = Snapshot::capture(&mut conn).unwrap();

    // A run that does not reach p2 would leave it partial.
    let err = m.upgrade(&mut conn, "p1").unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(&err, Error::Partial { revision, .. } if revision == "p2")
            && text.contains("this upgrade would leave it so")
            && text.contains("`upgrade p2`")
            && text.contains("`downgrade p1`"),
        "{text}"
    );

    // As if p2's ops had been edited after the run stopped.
    let edited = format!("+2/6:v1:{}", "0".repeat(64));
    exec(
        &mut conn,
        &format!("UPDATE migrate_revisions SET checksum = '{edited}' WHERE revision = 'p2'"),
    );
    for err in [
        m.upgrade(&mut conn, "head").unwrap_err(),
        m.downgrade(&mut conn, "p1").unwrap_err(),
    ] {
        let text = err.to_string();
        assert!(
            matches!(&err, Error::Partial { revision, .. } if revision == "p2")
                && text.contains("its upgrade was edited since")
                && text.contains("put the migration back as it was")
                && text.contains("`stamp p1`"),
            "{text}"
        );
    }
    // Another count of statements than this build renders.
    exec(
        &mut conn,
        &format!(
            "UPDATE migrate_revisions SET checksum = '+2/4:{}' WHERE revision = 'p2'",
            m.migrations().get("p2").unwrap().checksum().stored()
        ),
    );
    let text = m.upgrade(&mut conn, "head").unwrap_err().to_string();
    assert!(
        text.contains("this build renders the migration as 6 statements"),
        "{text}"
    );
    assert_schema(&before, &mut conn, "refused runs");
    assert_eq!(
        p2_row(&m, &mut conn).flatten().map(|p| (p.done, p.total)),
        Some((2, 4))
    );

    // Undone by hand, then stamped: the partial row goes, and p2 runs whole.
    exec(
        &mut conn,
        "DROP TABLE ledger; ALTER TABLE accounts DROP COLUMN balance",
    );
    let stamped = m.stamp(&mut conn, "p1", false).unwrap();
    assert_eq!(stamped.removed, ["p2"]);
    assert_eq!(p2_row(&m, &mut conn), None);
    assert_eq!(m.upgrade(&mut conn, "head").unwrap(), ["p2", "p3"]);
    assert_eq!(p2_row(&m, &mut conn), Some(None));
}

/// p2's offline script, run as a client runs it (one batch, which stops at
/// the first failing statement), with the fault at each statement in turn:
/// the version table records what ran as an online run would, and an
/// online `upgrade` resumes at the failed statement once the fault is gone.
/// Without a fault the script records p2 whole.
fn an_offline_script_that_stops_part_way_is_resumed_online(new_db: fn() -> TestDatabase) {
    let m = migrator();
    let at_p2 = reference(new_db, "p2");
    let head = reference(new_db, "head");
    let total = faults().len();
    let script = m.upgrade_sql(Dialect::Mysql, Some("p1"), "p2").unwrap();
    for k in 0..=total {
        let db = new_db();
        let mut conn = db.connect();
        m.upgrade(&mut conn, "p1").unwrap();
        if k == 0 {
            try_exec(&mut conn, &script).unwrap_or_else(|e| panic!("{e}\n{script}"));
            assert_eq!(p2_row(&m, &mut conn), Some(None), "{script}");
            assert_schema(&at_p2, &mut conn, "the script without a fault");
            continue;
        }
        let (inject, remove) = faults()[k - 1];
        exec(&mut conn, inject);
        assert!(
            try_exec(&mut conn, &script).is_err(),
            "fault at {k}:\n{script}"
        );
        let expected = (k > 1).then_some(Progress {
            direction: Direction::Up,
            done: k - 1,
            total,
            undone: 0,
        });
        assert_eq!(
            p2_row(&m, &mut conn),
            expected.map(Some),
            "fault at statement {k}:\n{script}"
        );
        exec(&mut conn, remove);
        assert_eq!(m.upgrade(&mut conn, "head").unwrap(), ["p2", "p3"]);
        assert_eq!(p2_row(&m, &mut conn), Some(None));
        assert_schema(
            &head,
            &mut conn,
            &format!("script stopped at {k}, then resumed online"),
        );
    }
}
