//! The migrator on real PostgreSQL and SQLite: every op up and down, failures
//! that leave the last good revision, checksums, unknown revisions, tampered
//! version tables, the lock, stamp, and bound values.

#![allow(clippy::result_large_err)]

#[macro_use]
mod support;
use support::*;

use diesel::connection::SimpleConnection;
use migrate_runtime::testing::TestDatabase;
use migrate_runtime::{Database, Difference, Error, Migrator, Object};
use std::time::Duration;

fn user_tables(db: &mut Database) -> Vec<String> {
    let sql = match db {
        Database::Postgres(_) => "SELECT CAST(tablename AS TEXT) AS value FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
        Database::Sqlite(_) => "SELECT name AS value FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
        Database::Mysql(_) => "SELECT TABLE_NAME AS value FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1",
    };
    texts(db, sql).into_iter().flatten().collect()
}

fn applied(m: &Migrator, db: &mut Database) -> Vec<String> {
    let mut v: Vec<String> = m
        .applied(db)
        .unwrap()
        .into_iter()
        .map(|r| r.revision)
        .collect();
    v.sort();
    v
}

fn current(m: &Migrator, db: &mut Database) -> Vec<String> {
    m.current(db)
        .unwrap()
        .into_iter()
        .map(|r| r.revision)
        .collect()
}

on_both!(
    check_compares_the_live_schema_with_the_migrations,
    check_ignores_column_order,
    check_leaves_out_other_tools_tables,
    portable_ops_up_and_down,
    failure_mid_chain_leaves_the_previous_revision,
    edited_migration_is_refused_until_repaired,
    a_deploy_at_head_still_checks_every_applied_row,
    checksums_carry_their_encoding_version,
    unknown_revision_is_refused_unless_allowed,
    no_downgrade_under_unknown_revisions,
    tampered_version_table_is_refused,
    lock_is_waited_for_then_times_out,
    rows_breaking_a_foreign_key_roll_the_migration_back,
    stamp_records_without_running,
    bad_targets_change_nothing,
    a_database_alembic_manages_is_not_migrated_from_base,
);

on_mysql!(
    mysql_ops_up_and_down,
    what_mysql_cannot_do_is_refused_before_anything_runs,
    check_compares_the_live_schema_with_the_migrations,
    check_ignores_column_order,
    check_leaves_out_other_tools_tables,
    no_downgrade_under_unknown_revisions,
    a_failure_half_way_is_reported_as_such_on_mysql,
    edited_migration_is_refused_until_repaired,
    a_deploy_at_head_still_checks_every_applied_row,
    checksums_carry_their_encoding_version,
    unknown_revision_is_refused_unless_allowed,
    tampered_version_table_is_refused,
    stamp_records_without_running,
    bad_targets_change_nothing,
    a_database_alembic_manages_is_not_migrated_from_base,
);

fn every_op() -> Migrator {
    Migrator::new(fixture_every_op::migrations()).unwrap()
}

fn portable_ops_up_and_down(db: TestDatabase) {
    let mut conn = db.connect();
    let m = every_op();
    let done = m.upgrade(&mut conn, "p3").unwrap();
    assert_eq!(done, ["p1", "p2", "p3"]);
    // Values with quotes, backslashes, unicode and NULL arrive as written.
    assert_eq!(
        one(&mut conn, "SELECT email AS value FROM people WHERE id = 1"),
        "o'hara@example.com"
    );
    assert_eq!(
        one(&mut conn, "SELECT name AS value FROM people WHERE id = 1"),
        "Scarlett \"O\" Hara"
    );
    assert_eq!(
        one(&mut conn, "SELECT email AS value FROM people WHERE id = 2"),
        "back\\slash@example.com"
    );
    assert_eq!(
        one(&mut conn, "SELECT name AS value FROM people WHERE id = 2"),
        "Żółć 😀"
    );
    assert_eq!(
        texts(&mut conn, "SELECT name AS value FROM people WHERE id = 3"),
        [None]
    );
    assert_eq!(
        one(
            &mut conn,
            "SELECT CAST(score AS TEXT) AS value FROM people WHERE id = 3"
        ),
        "19.99"
    );
    // execute per database, and run(): the pet the Rust function inserted.
    let nick = one(
        &mut conn,
        "SELECT nickname AS value FROM people WHERE id = 1",
    );
    let count = one(
        &mut conn,
        "SELECT CAST(COUNT(*) AS TEXT) AS value FROM pets",
    );
    match conn {
        Database::Postgres(_) => assert_eq!(nick, "pg-1"),
        Database::Sqlite(_) => assert_eq!(nick, "lite-1"),
        Database::Mysql(_) => unreachable!("the portable branch is refused on MySQL"),
    }
    assert_eq!(count, "2");
    // Defaults: now(), uuid(), literals.
    exec(
        &mut conn,
        "INSERT INTO people (id, email) VALUES (10, 'd@example.com')",
    );
    let token = one(
        &mut conn,
        "SELECT CAST(token AS TEXT) AS value FROM people WHERE id = 10",
    );
    assert_eq!(token.len(), 36, "{token}");
    assert_eq!(
        one(
            &mut conn,
            "SELECT nickname AS value FROM people WHERE id = 10"
        ),
        "anon"
    );
    assert!(!one(
        &mut conn,
        "SELECT CAST(created_at AS TEXT) AS value FROM people WHERE id = 10"
    )
    .is_empty());
    // The foreign key with ON DELETE CASCADE works.
    exec(&mut conn, "DELETE FROM pets WHERE owner_id = 10");
    assert_eq!(
        user_tables(&mut conn),
        ["friends", "migrate_revisions", "people", "pets"]
    );

    m.downgrade(&mut conn, "base").unwrap();
    assert_eq!(user_tables(&mut conn), ["migrate_revisions"]);
    assert!(applied(&m, &mut conn).is_empty());
    // And up again: nothing was left behind that would make it fail.
    m.upgrade(&mut conn, "p3").unwrap();
    let at_p3 = snapshot(&mut conn);

    // What SQLite's ALTER TABLE cannot do, it does by rebuilding the table
    // (move and copy), keeping the rows. With foreign keys on, a rebuild of
    // `people` would delete its ON DELETE CASCADE children in `pets`: the
    // migrator switches them off around the run, and back on after.
    if let Database::Sqlite(_) = conn {
        exec(&mut conn, "PRAGMA foreign_keys = ON");
    }
    m.upgrade(&mut conn, "g2").unwrap();
    assert_eq!(
        one(
            &mut conn,
            "SELECT CAST(COUNT(*) AS TEXT) AS value FROM pets"
        ),
        "2"
    );
    if let Database::Sqlite(_) = conn {
        assert_eq!(
            one(
                &mut conn,
                "SELECT CAST(foreign_keys AS TEXT) AS value FROM pragma_foreign_keys"
            ),
            "1"
        );
    }
    assert_eq!(
        one(
            &mut conn,
            "SELECT CAST(COUNT(*) AS TEXT) AS value FROM people"
        ),
        "3"
    );
    assert_eq!(
        one(&mut conn, "SELECT name AS value FROM people WHERE id = 3"),
        "?",
        "postgresql_using (PostgreSQL) or the backfill (SQLite) filled the NULL"
    );
    assert_eq!(
        one(&mut conn, "SELECT name AS value FROM people WHERE id = 2"),
        "Żółć 😀"
    );
    let after = snapshot(&mut conn);
    let people = after.table("people").unwrap();
    assert!(!people.column("name").unwrap().nullable);
    assert!(people.check_constraint("ck_people_level").is_some());
    assert!(people
        .unique_constraint("uq_people_nickname_email")
        .is_some());
    assert!(after
        .table("pets")
        .unwrap()
        .unique_constraint("uq_pets_owner_id_kind")
        .is_none());
    assert!(after
        .table("pets")
        .unwrap()
        .foreign_key("fk_pets_owner_again")
        .is_some());
    assert_eq!(
        after
            .table("lookup")
            .unwrap()
            .primary_key
            .as_ref()
            .unwrap()
            .columns,
        ["code"]
    );
    // The new constraints hold.
    assert!(try_exec(
        &mut conn,
        "INSERT INTO people (id, email, name, level) VALUES (20, 'e@x', 'x', -1)"
    )
    .is_err());
    // The indexes came back after the rebuild.
    assert!(
        people.index("ix_people_lower_email").is_some()
            && people.index("ix_people_level").is_some(),
        "{:?}",
        people
    );

    // Down again: exactly the schema before, rows kept.
    m.downgrade(&mut conn, "p3").unwrap();
    let back = snapshot(&mut conn);
    assert!(at_p3.diff(&back).is_empty(), "{:#?}", at_p3.diff(&back));
    assert_eq!(
        one(
            &mut conn,
            "SELECT CAST(COUNT(*) AS TEXT) AS value FROM people"
        ),
        "3"
    );
    assert_eq!(
        one(
            &mut conn,
            "SELECT CAST(COUNT(*) AS TEXT) AS value FROM pets"
        ),
        "2"
    );

    if let Database::Sqlite(_) = conn {
        // A table changed outside the migrations is not rebuilt: its extra
        // column would be lost.
        exec(&mut conn, "ALTER TABLE people ADD COLUMN extra TEXT");
        match m.upgrade(&mut conn, "g2") {
            Err(Error::Drift { table, found, .. }) => {
                assert_eq!(table, "people");
                assert_eq!(found.last().map(String::as_str), Some("extra"));
            }
            other => panic!("expected Drift, got {other:?}"),
        }
        assert_eq!(current(&m, &mut conn), ["p3"]);
        exec(&mut conn, "ALTER TABLE people DROP COLUMN extra");
    }

    // The enum value cannot be taken back.
    m.upgrade(&mut conn, "pg@head").unwrap();
    assert!(try_exec(&mut conn, "UPDATE people SET mood = 'calm' WHERE id = 1").is_ok());
    assert!(
        matches!(m.downgrade(&mut conn, "-1"), Err(Error::Irreversible { ref revision, .. }) if revision == "g3")
    );
    assert_eq!(current(&m, &mut conn), ["g3"]);
}

/// Every op on MySQL (the fixture's `mysql` branch, the `portable` and `pg`
/// branches in the forms MySQL has): up, down to base and up again leaving
/// nothing behind, each step matching what `check` models, and back down
/// to exactly the schema before.
fn mysql_ops_up_and_down(db: TestDatabase) {
    let mut conn = db.connect();
    let m = every_op();
    let done = m.upgrade(&mut conn, "m3").unwrap();
    assert_eq!(done, ["m1", "m2", "m3"]);
    // Quotes, backslashes, unicode and NULL arrive as written.
    for (id, column, value) in [
        (1, "email", "o'hara@example.com"),
        (1, "name", "Scarlett \"O\" Hara"),
        (2, "email", "back\\slash@example.com"),
        (2, "name", "Żółć 😀"),
        (1, "nickname", "my-1"),
    ] {
        let sql = format!("SELECT {column} AS value FROM people WHERE id = {id}");
        assert_eq!(one(&mut conn, &sql), value, "{sql}");
    }
    assert_eq!(
        texts(&mut conn, "SELECT name AS value FROM people WHERE id = 3"),
        [None]
    );
    assert_eq!(
        one(
            &mut conn,
            "SELECT CAST(score AS TEXT) AS value FROM people WHERE id = 3"
        ),
        "19.99"
    );
    assert_eq!(
        one(
            &mut conn,
            "SELECT CAST(COUNT(*) AS TEXT) AS value FROM pets"
        ),
        "2"
    );
    // Defaults: now(), uuid(), literals, booleans.
    exec(
        &mut conn,
        "INSERT INTO people (id, email) VALUES (10, 'd@example.com')",
    );
    let row = |conn: &mut Database, column: &str| {
        one(
            conn,
            &format!("SELECT CAST({column} AS TEXT) AS value FROM people WHERE id = 10"),
        )
    };
    assert_eq!(row(&mut conn, "token").len(), 36);
    assert_eq!(row(&mut conn, "nickname"), "anon");
    assert_eq!(row(&mut conn, "mood"), "happy");
    assert_eq!(row(&mut conn, "active"), "1");
    assert!(!row(&mut conn, "created_at").is_empty());
    // The check constraint and the cascading foreign key hold.
    assert!(try_exec(&mut conn, "UPDATE people SET score = -1 WHERE id = 10").is_err());
    exec(
        &mut conn,
        "INSERT INTO pets (id, owner_id, kind) VALUES (5, 10, 'dog')",
    );
    exec(&mut conn, "DELETE FROM people WHERE id = 10");
    assert_eq!(
        one(
            &mut conn,
            "SELECT CAST(COUNT(*) AS TEXT) AS value FROM pets"
        ),
        "2"
    );
    assert_eq!(
        user_tables(&mut conn),
        ["friends", "migrate_revisions", "people", "pets"]
    );
    assert_eq!(
        lines(m.check(&mut conn).unwrap().differences),
        Vec::<String>::new()
    );

    m.downgrade(&mut conn, "base").unwrap();
    assert_eq!(user_tables(&mut conn), ["migrate_revisions"]);
    assert!(applied(&m, &mut conn).is_empty());
    // And up again: nothing was left behind that would make it fail.
    m.upgrade(&mut conn, "m3").unwrap();
    let at_m3 = snapshot(&mut conn);

    m.upgrade(&mut conn, "m5").unwrap();
    assert_eq!(
        lines(m.check(&mut conn).unwrap().differences),
        Vec::<String>::new()
    );
    assert_eq!(
        one(&mut conn, "SELECT name AS value FROM people WHERE id = 3"),
        "?",
        "the column was filled, then restated NOT NULL"
    );
    assert_eq!(
        one(&mut conn, "SELECT name AS value FROM people WHERE id = 2"),
        "Żółć 😀"
    );
    let after = snapshot(&mut conn);
    let people = after.table("people").unwrap();
    let name = people.column("name").unwrap();
    assert!(!name.nullable);
    assert_eq!(name.comment.as_deref(), Some("full name"));
    assert_eq!(name.data_type, "varchar(200)");
    // MODIFY restated what the op did not touch: the other columns' comments
    // and defaults are still there.
    assert_eq!(
        people.column("nickname").unwrap().default.as_deref(),
        Some("'someone'")
    );
    assert!(people.check_constraint("ck_people_level").is_some());
    assert!(people
        .unique_constraint("uq_people_nickname_email")
        .is_some());
    let pets = after.table("pets").unwrap();
    assert!(pets.unique_constraint("uq_pets_owner_id_kind").is_none());
    assert!(pets.foreign_key("fk_pets_owner_again").is_some());
    assert_eq!(
        after
            .table("lookup")
            .unwrap()
            .primary_key
            .as_ref()
            .unwrap()
            .columns,
        ["code"]
    );
    assert!(try_exec(
        &mut conn,
        "INSERT INTO people (id, email, name, level) VALUES (20, 'e@x', 'x', -1)"
    )
    .is_err());

    // Down again: exactly the schema before, rows kept.
    m.downgrade(&mut conn, "m3").unwrap();
    let back = snapshot(&mut conn);
    assert!(at_m3.diff(&back).is_empty(), "{:#?}", at_m3.diff(&back));
    assert_eq!(
        one(
            &mut conn,
            "SELECT CAST(COUNT(*) AS TEXT) AS value FROM people"
        ),
        "3"
    );

    // The enum value is added to every column of the enum, and cannot be
    // taken back.
    m.upgrade(&mut conn, "mysql@head").unwrap();
    assert!(try_exec(&mut conn, "UPDATE people SET mood = 'calm' WHERE id = 1").is_ok());
    assert_eq!(
        lines(m.check(&mut conn).unwrap().differences),
        Vec::<String>::new()
    );
    assert!(
        matches!(m.downgrade(&mut conn, "-1"), Err(Error::Irreversible { ref revision, .. }) if revision == "m6")
    );
    assert_eq!(current(&m, &mut conn), ["m6"]);
}

/// An index on an expression, a VARCHAR without a length, a deferrable
/// foreign key: refused before anything runs, naming the
/// revision and op, the database left at its last revision.
fn what_mysql_cannot_do_is_refused_before_anything_runs(db: TestDatabase) {
    let mut conn = db.connect();
    let m = every_op();
    // `portable`'s p1 has a `String` without a length.
    match m.upgrade(&mut conn, "p3") {
        Err(e @ Error::Unsupported { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("p1") && text.contains("VARCHAR needs a length"),
                "{text}"
            );
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
    assert_eq!(user_tables(&mut conn), Vec::<String>::new());
    use migrate_runtime::{ops::Op, Dialect};
    let ops: Vec<&Op> = m
        .migrations()
        .iter()
        .filter(|r| ["p2", "g1"].contains(&r.revision()))
        .flat_map(|r| r.upgrade().iter())
        .collect();
    let refusals: Vec<String> = ops
        .iter()
        .filter_map(|op| Dialect::Mysql.render(op).err())
        .map(|u| u.to_string())
        .collect();
    for says in ["MariaDB cannot index an expression", "cannot be deferred"] {
        assert!(
            refusals.iter().any(|r| r.contains(says)),
            "{says}: {refusals:#?}"
        );
    }
}

fn snapshot(conn: &mut Database) -> migrate_runtime::testing::Snapshot {
    migrate_runtime::testing::Snapshot::capture(conn)
        .unwrap()
        .without_table("migrate_revisions")
}

fn try_exec(db: &mut Database, sql: &str) -> Result<(), diesel::result::Error> {
    match db {
        Database::Postgres(c) => c.batch_execute(sql),
        Database::Sqlite(c) => c.batch_execute(sql),
        Database::Mysql(c) => c.batch_execute(sql),
    }
}

fn failure_mid_chain_leaves_the_previous_revision(db: TestDatabase) {
    let mut conn = db.connect();
    let m = Migrator::new(fixture_faulty::migrations()).unwrap();
    for _ in 0..2 {
        match m.upgrade(&mut conn, "head") {
            Err(Error::Statement {
                revision,
                op_index,
                op,
                sql,
                direction,
                ..
            }) => {
                assert_eq!(
                    (revision.as_str(), op_index, op, direction),
                    ("f3", 3, "execute", "upgrade")
                );
                assert!(sql.contains("no_such_table"), "{sql}");
            }
            other => panic!("expected a statement error, got {other:?}"),
        }
        assert_eq!(applied(&m, &mut conn), ["f1", "f2"]);
        assert_eq!(user_tables(&mut conn), ["accounts", "migrate_revisions"]);
        assert_eq!(
            one(
                &mut conn,
                "SELECT CAST(balance AS TEXT) AS value FROM accounts"
            ),
            "0"
        );
    }
    let message = m.upgrade(&mut conn, "head").unwrap_err().to_string();
    assert!(
        message.contains("f3 (create ledger, then fail)")
            && message.contains("rolled back: the database is still at f2"),
        "{message}"
    );
}

/// MySQL commits each DDL statement: a migration that fails half-way stays
/// half-way. The error says so, lists the statements as ran, failed or not
/// run, and the version table records the revision as partial (the resume
/// and the undo are tests/partial.rs's).
fn a_failure_half_way_is_reported_as_such_on_mysql(db: TestDatabase) {
    let mut conn = db.connect();
    let m = Migrator::new(fixture_faulty::migrations()).unwrap();
    let err = m.upgrade(&mut conn, "head").unwrap_err();
    match &err {
        Error::Stopped {
            revision, source, ..
        } => match &**source {
            Error::Statement {
                op_index,
                rolled_back,
                ..
            } => assert_eq!(
                (revision.as_str(), *op_index, *rolled_back),
                ("f3", 3, false)
            ),
            other => panic!("expected a statement error inside, got {other:?}"),
        },
        other => panic!("expected a stopped migration, got {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("stopped at statement 3 of 3 (op 3 `execute`)")
            && message.contains("MySQL commits each DDL statement on its own")
            && message.contains("2. ran ")
            && message.contains("3. FAILED ")
            && message.contains("records f3 as partial: upgrade stopped after 2 of 3 statements"),
        "{message}"
    );
    assert_eq!(applied(&m, &mut conn), ["f1", "f2", "f3"]);
    let f3 = m
        .applied(&mut conn)
        .unwrap()
        .into_iter()
        .find(|r| r.revision == "f3")
        .unwrap();
    assert_eq!(
        f3.progress().map(|p| (p.direction, p.done, p.total)),
        Some((migrate_runtime::Direction::Up, 2, 3))
    );
    // What f3 did before its failing statement is there.
    assert_eq!(
        user_tables(&mut conn),
        ["accounts", "ledger", "migrate_revisions"]
    );
}

fn edited_migration_is_refused_until_repaired(db: TestDatabase) {
    let mut conn = db.connect();
    let m = Migrator::new(shop::migrations()).unwrap();
    m.upgrade(&mut conn, "3c4d5e6f7a8b").unwrap();
    // As if the upgrade of 2b3c... had been edited after it was applied.
    exec(
        &mut conn,
        &format!(
            "UPDATE migrate_revisions SET checksum = '{}' WHERE revision = '2b3c4d5e6f7a'",
            "0".repeat(64)
        ),
    );
    let before = applied(&m, &mut conn);
    match m.upgrade(&mut conn, "head") {
        Err(Error::ChecksumMismatch(list)) => {
            assert_eq!(list.len(), 1);
            assert_eq!(list[0].revision, "2b3c4d5e6f7a");
            assert!(
                list[0]
                    .location
                    .contains("r2b3c4d5e6f7a_create_products.rs"),
                "{}",
                list[0].location
            );
        }
        other => panic!("expected a checksum mismatch, got {other:?}"),
    }
    assert!(m.downgrade(&mut conn, "base").is_err());
    assert_eq!(applied(&m, &mut conn), before);
    assert_eq!(m.repair(&mut conn, "2b3c").unwrap(), ["2b3c4d5e6f7a"]);
    m.upgrade(&mut conn, "head").unwrap();
    assert!(matches!(m.repair(&mut conn, "ffff"), Err(Error::Target(_))));
}

/// A deploy with nothing to do reads the version table once (before the
/// lock, where the lock is the server's) and still compares every applied
/// row: an edited migration, the head or any other, is reported as always,
/// and so are an unknown revision and a damaged row; a checksum stored in
/// an older form is compared in full and passes.
fn a_deploy_at_head_still_checks_every_applied_row(db: TestDatabase) {
    let mut conn = db.connect();
    let m = Migrator::new(shop::migrations()).unwrap();
    assert!(!m.upgrade(&mut conn, "head").unwrap().is_empty());
    assert!(m.upgrade(&mut conn, "head").unwrap().is_empty());
    let revisions = applied(&m, &mut conn);
    assert_eq!(revisions.len(), shop::migrations().len());
    for rev in &revisions {
        exec(
            &mut conn,
            &format!(
                "UPDATE migrate_revisions SET checksum = 'v1:{}' WHERE revision = '{rev}'",
                "0".repeat(64)
            ),
        );
        match m.upgrade(&mut conn, "head") {
            Err(Error::ChecksumMismatch(list)) => {
                assert_eq!(list.len(), 1, "{list:?}");
                assert_eq!(&list[0].revision, rev);
                assert_eq!(list[0].recorded, "0".repeat(64));
            }
            other => panic!("{rev} edited: expected a checksum mismatch, got {other:?}"),
        }
        assert_eq!(m.repair(&mut conn, rev).unwrap(), std::slice::from_ref(rev));
        assert!(m.upgrade(&mut conn, "head").unwrap().is_empty());
    }
    // The same checksums as written before the `v1:` prefix: compared in
    // full, they match.
    exec(
        &mut conn,
        "UPDATE migrate_revisions SET checksum = substr(checksum, 4)",
    );
    assert!(m.upgrade(&mut conn, "head").unwrap().is_empty());
    // A row this build does not know.
    exec(&mut conn, &format!("INSERT INTO migrate_revisions (revision, checksum, duration_ms) VALUES ('99aa99aa99aa', 'v1:{}', 0)", "a".repeat(64)));
    assert!(matches!(
        m.upgrade(&mut conn, "head"),
        Err(Error::UnknownApplied { .. })
    ));
    exec(
        &mut conn,
        "DELETE FROM migrate_revisions WHERE revision = '99aa99aa99aa'",
    );
    // A damaged row.
    exec(
        &mut conn,
        &format!(
            "UPDATE migrate_revisions SET checksum = 'not-a-checksum' WHERE revision = '{}'",
            revisions[0]
        ),
    );
    assert!(matches!(
        m.upgrade(&mut conn, "head"),
        Err(Error::VersionTable { .. })
    ));
    let stored = shop::migrations()
        .get(&revisions[0])
        .unwrap()
        .checksum()
        .stored();
    exec(
        &mut conn,
        &format!(
            "UPDATE migrate_revisions SET checksum = '{stored}' WHERE revision = '{}'",
            revisions[0]
        ),
    );
    assert!(m.upgrade(&mut conn, "head").unwrap().is_empty());
    assert_eq!(applied(&m, &mut conn), revisions);
}

/// Checksums are stored with the version of their encoding (`v1:`), so a
/// future encoding does not make rows of this one read as edited. Rows
/// without a prefix (written before it existed) are version 1; a version
/// this build does not know is refused, naming it.
fn checksums_carry_their_encoding_version(db: TestDatabase) {
    let mut conn = db.connect();
    let m = Migrator::new(shop::migrations()).unwrap();
    m.upgrade(&mut conn, "2b3c4d5e6f7a").unwrap();
    let stored = |conn: &mut Database, rev: &str| {
        one(
            conn,
            &format!("SELECT CAST(checksum AS TEXT) AS value FROM migrate_revisions WHERE revision = '{rev}'"),
        )
    };
    let compiled = shop::migrations()
        .get("1a2b3c4d5e6f")
        .unwrap()
        .checksum()
        .to_hex();
    assert_eq!(stored(&mut conn, "1a2b3c4d5e6f"), format!("v1:{compiled}"));
    // A table as the code before the prefix wrote it: unprefixed checksums,
    // and on PostgreSQL a CHAR(64) column.
    exec(
        &mut conn,
        "UPDATE migrate_revisions SET checksum = substr(checksum, 4)",
    );
    if let Database::Postgres(_) = conn {
        exec(
            &mut conn,
            "ALTER TABLE migrate_revisions ALTER COLUMN checksum TYPE CHAR(64)",
        );
    }
    assert_eq!(stored(&mut conn, "1a2b3c4d5e6f"), compiled);
    m.upgrade(&mut conn, "3c4d5e6f7a8b").unwrap();
    assert!(stored(&mut conn, "3c4d5e6f7a8b").starts_with("v1:"));
    assert_eq!(stored(&mut conn, "1a2b3c4d5e6f"), compiled);
    // An encoding this build does not know: refused, nothing changed.
    exec(
        &mut conn,
        &format!("UPDATE migrate_revisions SET checksum = 'v9:{compiled}' WHERE revision = '1a2b3c4d5e6f'"),
    );
    let before = applied(&m, &mut conn);
    let err = m.upgrade(&mut conn, "head").unwrap_err();
    assert!(
        matches!(&err, Error::ChecksumEncoding { revision, version: 9 } if revision == "1a2b3c4d5e6f"),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("v9") && text.contains("v1") && text.contains("help:"),
        "{text}"
    );
    assert_eq!(applied(&m, &mut conn), before);
    // A v1 row whose checksum differs is an edit, as before.
    exec(
        &mut conn,
        &format!(
            "UPDATE migrate_revisions SET checksum = 'v1:{}' WHERE revision = '1a2b3c4d5e6f'",
            "0".repeat(64)
        ),
    );
    assert!(matches!(
        m.upgrade(&mut conn, "head"),
        Err(Error::ChecksumMismatch(_))
    ));
    m.repair(&mut conn, "1a2b3c4d5e6f").unwrap();
    assert_eq!(stored(&mut conn, "1a2b3c4d5e6f"), format!("v1:{compiled}"));
    m.upgrade(&mut conn, "head").unwrap();
}

fn unknown_revision_is_refused_unless_allowed(db: TestDatabase) {
    let mut conn = db.connect();
    let m = Migrator::new(shop::migrations()).unwrap();
    m.upgrade(&mut conn, "2b3c4d5e6f7a").unwrap();
    exec(&mut conn, &format!("INSERT INTO migrate_revisions (revision, checksum, duration_ms) VALUES ('99aa99aa99aa', '{}', 0)", "a".repeat(64)));
    let tables = user_tables(&mut conn);
    match m.upgrade(&mut conn, "head") {
        Err(Error::UnknownApplied { revisions }) => assert_eq!(revisions, ["99aa99aa99aa"]),
        other => panic!("expected UnknownApplied, got {other:?}"),
    }
    assert_eq!(user_tables(&mut conn), tables);
    let lenient = Migrator::new(shop::migrations())
        .unwrap()
        .allow_unknown_applied(true);
    lenient.upgrade(&mut conn, "head").unwrap();
    let cur = current(&lenient, &mut conn);
    assert!(
        cur.contains(&"99aa99aa99aa".to_string()) && cur.contains(&"8b9c0d1e2f3a".to_string()),
        "{cur:?}"
    );
}

/// Rolling deploys: an older build may run beside a newer one
/// (`allow_unknown_applied`), but never downgrade beneath revisions it does
/// not know: that would drop what they build on and leave them recorded.
fn no_downgrade_under_unknown_revisions(db: TestDatabase) {
    let mut conn = db.connect();
    let newer = Migrator::new(fixture_chain::migrations()).unwrap();
    newer.upgrade(&mut conn, "head").unwrap();
    let older = Migrator::new(
        fixture_chain::migrations().filter(|m| !["c11", "c12"].contains(&m.revision())),
    )
    .unwrap()
    .allow_unknown_applied(true);
    let before = (snapshot(&mut conn), applied(&newer, &mut conn));
    for target in ["-1", "c09", "base"] {
        let err = older.downgrade(&mut conn, target).unwrap_err();
        assert!(
            matches!(&err, Error::DowngradeUnderUnknown { revisions } if revisions == &["c11", "c12"]),
            "{target}: {err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains("c11, c12")
                && text.contains("half-applied")
                && text.contains("help: run the downgrade with the build")
                && text.contains("nothing was changed"),
            "{text}"
        );
        assert_eq!((snapshot(&mut conn), applied(&newer, &mut conn)), before);
    }
    // Upgrading beside the newer build is still allowed.
    assert!(older.upgrade(&mut conn, "head").unwrap().is_empty());
    // The newer build downgrades as usual.
    assert_eq!(newer.downgrade(&mut conn, "-1").unwrap(), ["c12"]);
}

fn tampered_version_table_is_refused(db: TestDatabase) {
    let mut conn = db.connect();
    let m = Migrator::new(shop::migrations()).unwrap();
    m.upgrade(&mut conn, "1a2b3c4d5e6f").unwrap();
    exec(
        &mut conn,
        "UPDATE migrate_revisions SET checksum = 'not-a-checksum'",
    );
    let err = m.upgrade(&mut conn, "head").unwrap_err();
    assert!(matches!(err, Error::VersionTable { .. }), "{err}");
    assert!(err.to_string().contains("not-a-checksum"), "{err}");
    assert_eq!(user_tables(&mut conn), ["migrate_revisions", "users"]);
    exec(
        &mut conn,
        "DROP TABLE migrate_revisions; CREATE TABLE migrate_revisions (version_num VARCHAR(32))",
    );
    let err = m.upgrade(&mut conn, "head").unwrap_err();
    assert!(matches!(err, Error::VersionTable { .. }), "{err}");
}

fn lock_is_waited_for_then_times_out(db: TestDatabase) {
    let mut holder = db.connect();
    let mut conn = db.connect();
    let m = every_op().lock_timeout(Duration::from_millis(300));
    let result = match &mut holder {
        Database::Mysql(_) => {
            unreachable!("MySQL's lock is tested by the shop's concurrent deploys")
        }
        Database::Sqlite(c) => {
            c.batch_execute("BEGIN EXCLUSIVE").unwrap();
            let r = m.upgrade(&mut conn, "p3");
            c.batch_execute("COMMIT").unwrap();
            r
        }
        Database::Postgres(_) => {
            // Another deploy holds the lock while its migration sleeps.
            let url = db.url().to_string();
            let other = std::thread::spawn(move || {
                every_op().upgrade(&mut Database::connect(&url).unwrap(), "slow@head")
            });
            // Until that deploy holds the advisory lock (its migration
            // sleeps 2 s once it does).
            let started = std::time::Instant::now();
            while texts(
                &mut holder,
                "SELECT COUNT(*)::text AS value FROM pg_locks JOIN pg_database d ON d.oid = pg_locks.database \
                 WHERE locktype = 'advisory' AND granted AND d.datname = current_database()",
            ) != [Some("1".to_string())]
            {
                assert!(
                    started.elapsed() < Duration::from_secs(30),
                    "the other deploy never took the lock"
                );
                std::thread::sleep(Duration::from_millis(10));
            }
            let r = m.upgrade(&mut conn, "p3");
            assert_eq!(other.join().unwrap().unwrap(), ["s1"]);
            r
        }
    };
    match result {
        Err(Error::LockTimeout {
            holder: who,
            waited_ms,
        }) => {
            assert!(waited_ms >= 300, "{waited_ms}");
            if let Database::Postgres(_) = holder {
                assert!(who.starts_with("pid "), "{who}");
            }
        }
        other => panic!("expected a lock timeout, got {other:?}"),
    }
    assert!(!user_tables(&mut conn).contains(&"people".to_string()));
    // Once free, the same call goes through.
    m.upgrade(&mut conn, "p3").unwrap();
    assert!(user_tables(&mut conn).contains(&"people".to_string()));
}

fn rows_breaking_a_foreign_key_roll_the_migration_back(db: TestDatabase) {
    let mut conn = db.connect();
    let m = every_op();
    m.upgrade(&mut conn, "p3").unwrap();
    let before = snapshot(&mut conn);
    let err = m.upgrade(&mut conn, "orphans@head").unwrap_err();
    match (&err, &conn) {
        // Foreign keys are off while SQLite migrates: the check before the
        // commit finds the orphan.
        (
            Error::ForeignKeyViolation {
                revision,
                tables,
                at,
                ..
            },
            Database::Sqlite(_),
        ) => {
            assert_eq!(
                (revision.as_str(), tables.as_str(), at.as_str()),
                ("o1", "pets", "p3")
            );
        }
        (
            Error::Statement {
                revision, op_index, ..
            },
            Database::Postgres(_),
        ) => {
            assert_eq!((revision.as_str(), *op_index), ("o1", 2));
        }
        _ => panic!("expected a foreign key error, got {err:?}"),
    }
    assert!(err.to_string().contains("rolled back"), "{err}");
    assert_eq!(current(&m, &mut conn), ["p3"]);
    assert_eq!(snapshot(&mut conn), before);
    assert_eq!(
        one(
            &mut conn,
            "SELECT CAST(COUNT(*) AS TEXT) AS value FROM pets WHERE id = 99"
        ),
        "0"
    );
}

fn stamp_records_without_running(db: TestDatabase) {
    let mut conn = db.connect();
    let m = Migrator::new(shop::migrations()).unwrap();
    let stamped = m.stamp(&mut conn, "head", false).unwrap();
    assert_eq!(stamped.recorded.len(), 8);
    assert_eq!(user_tables(&mut conn), ["migrate_revisions"]);
    assert_eq!(current(&m, &mut conn), ["8b9c0d1e2f3a"]);
    let down = m.stamp(&mut conn, "2b3c4d5e6f7a", false).unwrap();
    assert_eq!((down.recorded.len(), down.removed.len()), (0, 6));
    assert_eq!(applied(&m, &mut conn), ["1a2b3c4d5e6f", "2b3c4d5e6f7a"]);
    m.stamp(&mut conn, "base", true).unwrap();
    assert!(applied(&m, &mut conn).is_empty());
}

/// A first run (no version table yet) on a database with Alembic's version
/// table refuses: running from base would create what Alembic already made.
/// `stamp` says where the schema is, and upgrading goes on from there.
fn a_database_alembic_manages_is_not_migrated_from_base(db: TestDatabase) {
    let mut conn = db.connect();
    // The schema as Alembic left it: the shop's first two revisions.
    let elsewhere = Migrator::new(shop::migrations())
        .unwrap()
        .version_table("scratch_versions", None);
    elsewhere.upgrade(&mut conn, "2b3c4d5e6f7a").unwrap();
    exec(
        &mut conn,
        "DROP TABLE scratch_versions;
         CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);
         INSERT INTO alembic_version VALUES ('2b3c4d5e6f7a')",
    );
    let before = snapshot(&mut conn);
    let m = Migrator::new(shop::migrations()).unwrap();
    let err = m.upgrade(&mut conn, "head").unwrap_err();
    assert!(
        matches!(
            &err,
            Error::ManagedByAnotherTool {
                tool: "Alembic",
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("this database is managed by Alembic (`alembic_version` at 2b3c4d5e6f7a)")
            && text.contains("help: ")
            && text.contains("`stamp 2b3c4d5e6f7a`")
            && text.contains("nothing was changed"),
        "{text}"
    );
    assert_eq!(snapshot(&mut conn), before);
    // `stamp` records where the schema is; upgrading goes on from there.
    assert_eq!(
        m.stamp(&mut conn, "2b3c4d5e6f7a", false)
            .unwrap()
            .recorded
            .len(),
        2
    );
    m.upgrade(&mut conn, "head").unwrap();
    assert_eq!(current(&m, &mut conn), ["8b9c0d1e2f3a"]);
}

fn bad_targets_change_nothing(db: TestDatabase) {
    let mut conn = db.connect();
    let m = Migrator::new(shop::migrations()).unwrap();
    for target in ["zzzz", "1a2", "", "+", "-x", "a:b", "nosuch@head", "@head"] {
        let err = m.upgrade(&mut conn, target).unwrap_err();
        assert!(matches!(err, Error::Target(_)), "{target}: {err}");
    }
    // Nothing was created, not even the version table.
    assert!(user_tables(&mut conn).is_empty());
    m.upgrade(&mut conn, "+1").unwrap();
    let err = m.downgrade(&mut conn, "8b9c").unwrap_err();
    assert!(matches!(err, Error::Target(_)), "{err}");
    assert_eq!(current(&m, &mut conn), ["1a2b3c4d5e6f"]);
}

#[test]
fn schemas_concurrent_indexes_and_timeouts_on_postgres() {
    let db = TestDatabase::postgres();
    let mut conn = db.connect();
    let m = every_op();
    // Ops qualified by `schema = ...`.
    m.upgrade(&mut conn, "schemas@head").unwrap();
    assert_eq!(
        one(
            &mut conn,
            "SELECT CAST(to_regclass('sales.invoices') AS TEXT) AS value"
        ),
        "sales.invoices"
    );
    assert_eq!(
        one(
            &mut conn,
            "SELECT CAST(to_regclass('sales.ix_invoices_cur') AS TEXT) AS value"
        ),
        "sales.ix_invoices_cur"
    );
    assert_eq!(
        one(&mut conn, "SELECT note AS value FROM sales.invoices"),
        "first"
    );
    m.downgrade(&mut conn, "base").unwrap();
    assert_eq!(
        texts(
            &mut conn,
            "SELECT CAST(to_regclass('sales.invoices') AS TEXT) AS value"
        ),
        [None]
    );

    // CREATE INDEX CONCURRENTLY runs outside a transaction, and is valid.
    let done = m.upgrade(&mut conn, "concurrent@head").unwrap();
    assert_eq!(done.last().map(String::as_str), Some("c1"));
    assert!(!fixture_every_op::migrations()
        .get("c1")
        .unwrap()
        .transactional());
    assert_eq!(one(&mut conn, "SELECT CAST(indisvalid AS TEXT) AS value FROM pg_index WHERE indexrelid = 'ix_people_about'::regclass"), "true");
    m.downgrade(&mut conn, "p3").unwrap();
    // Outside a transaction nothing is rolled back, and the error says so.
    exec(&mut conn, "CREATE INDEX ix_people_about ON people (id)");
    match m.upgrade(&mut conn, "concurrent@head") {
        Err(e @ Error::Statement { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("ran outside a transaction")
                    && text.contains("the version table still says p3")
                    && !text.contains("rolled back"),
                "{text}"
            );
        }
        other => panic!("expected the index to exist already, got {other:?}"),
    }
    exec(&mut conn, "DROP INDEX ix_people_about");

    // statement_timeout applies to the migrations' statements.
    let impatient = every_op().statement_timeout(Duration::from_millis(200));
    match impatient.upgrade(&mut conn, "slow@head") {
        Err(Error::Batch {
            revision, source, ..
        }) => {
            assert_eq!(revision, "s1");
            assert!(source.to_string().contains("statement timeout"), "{source}");
        }
        other => panic!("expected a statement timeout, got {other:?}"),
    }
    // And it does not stay set on the connection afterwards.
    assert_eq!(
        one(
            &mut conn,
            "SELECT current_setting('statement_timeout') AS value"
        ),
        "0"
    );

    // lock_timeout: a DDL statement waiting on a table another session holds
    // fails instead of queueing every reader behind it, and nothing is applied.
    let mut holder = db.connect();
    exec(
        &mut holder,
        "BEGIN; LOCK TABLE people IN ACCESS EXCLUSIVE MODE",
    );
    let cautious = every_op().postgres_lock_timeout(Duration::from_millis(200));
    match cautious.upgrade(&mut conn, "pg@head") {
        Err(Error::Batch {
            revision, source, ..
        }) => {
            assert_eq!(revision, "g1");
            assert!(source.to_string().contains("lock timeout"), "{source}");
        }
        other => panic!("expected a lock timeout, got {other:?}"),
    }
    exec(&mut holder, "ROLLBACK");
    assert_eq!(current(&m, &mut conn), ["p3"]);
    assert_eq!(
        one(&mut conn, "SELECT current_setting('lock_timeout') AS value"),
        "0"
    );
    // With the table free, the same call goes through.
    cautious.upgrade(&mut conn, "pg@head").unwrap();
}

/// A server session that goes away mid-migration: the error says so, not
/// "the transaction manager is broken" from a replay on a dead connection.
#[test]
fn a_terminated_session_is_reported_as_such() {
    let db = TestDatabase::postgres();
    let mut conn = db.connect();
    let mut admin = db.connect();
    let pid = one(&mut conn, "SELECT CAST(pg_backend_pid() AS TEXT) AS value");
    let url = db.url().to_string();
    let killer = std::thread::spawn(move || {
        let mut admin = Database::connect(&url).unwrap();
        let started = std::time::Instant::now();
        // Once the migration's sleep runs, end its session.
        while started.elapsed() < Duration::from_secs(10) {
            let sleeping = one(&mut admin, &format!("SELECT CAST(COUNT(*) AS TEXT) AS value FROM pg_stat_activity WHERE pid = {pid} AND state = 'active' AND query LIKE '%pg_sleep%'"));
            if sleeping == "1" {
                exec(&mut admin, &format!("SELECT pg_terminate_backend({pid})"));
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    });
    let err = every_op().upgrade(&mut conn, "slow@head").unwrap_err();
    assert!(killer.join().unwrap(), "the migration never ran its sleep");
    let text = err.to_string();
    assert!(
        matches!(&err, Error::Batch { revision, .. } if revision == "s1"),
        "{err:?}"
    );
    assert!(
        (text.contains("terminating connection") || text.contains("server closed the connection"))
            && text.contains("help: the connection to the server was lost")
            && !text.contains("transaction manager is broken"),
        "{text}"
    );
    assert!(text.contains("s1") && text.contains("base"), "{text}");
    assert_eq!(current(&every_op(), &mut admin), Vec::<String>::new());
}

/// A statement timeout in a migration sent as one batch is reported once:
/// the batch is not replayed statement by statement, which would hold the
/// locks for a second timeout.
#[test]
fn a_timeout_in_a_batch_is_not_replayed() {
    let db = TestDatabase::postgres();
    let mut conn = db.connect();
    exec(&mut conn, "CREATE SEQUENCE s1_runs");
    let timeout = Duration::from_millis(700);
    let started = std::time::Instant::now();
    let err = every_op()
        .statement_timeout(timeout)
        .upgrade(&mut conn, "slow@head")
        .unwrap_err();
    let took = started.elapsed();
    // The slow statement ran once (the sequence counts every run).
    assert_eq!(
        one(
            &mut conn,
            "SELECT CAST(last_value AS TEXT) AS value FROM s1_runs"
        ),
        "1"
    );
    assert!(took < timeout * 2, "{took:?}");
    let text = err.to_string();
    assert!(
        matches!(&err, Error::Batch { revision, .. } if revision == "s1"),
        "{err:?}"
    );
    assert!(
        text.contains("statement timeout")
            && text.contains("rolled back: the database is still at base"),
        "{text}"
    );
    assert_eq!(current(&every_op(), &mut conn), Vec::<String>::new());
}

/// `check` inside the caller's transaction rolls back only its own scratch
/// work: the caller's row stays and its transaction commits.
#[test]
fn check_keeps_the_callers_transaction() {
    use diesel::Connection as _;
    let db = TestDatabase::postgres();
    let m = every_op();
    m.upgrade(&mut db.connect(), "p3").unwrap();
    let mut conn = match db.connect() {
        Database::Postgres(c) => c,
        Database::Sqlite(_) | Database::Mysql(_) => unreachable!(),
    };
    let report = conn
        .transaction(|c| {
            c.batch_execute(
                "INSERT INTO people (id, email, name) VALUES (500, 'kept@example.com', 'Kept')",
            )?;
            let report = m.check(c).unwrap();
            // Still inside the caller's transaction, which still works.
            c.batch_execute("UPDATE people SET name = 'Kept too' WHERE id = 500")?;
            Ok::<_, diesel::result::Error>(report)
        })
        .unwrap();
    assert_eq!(lines(report.differences), Vec::<String>::new());
    let mut other = db.connect();
    assert_eq!(
        one(
            &mut other,
            "SELECT name AS value FROM people WHERE id = 500"
        ),
        "Kept too"
    );
    // The scratch schema went with the check.
    assert_eq!(
        one(&mut other, "SELECT CAST(COUNT(*) AS TEXT) AS value FROM pg_namespace WHERE nspname LIKE 'migrate_check_%'"),
        "0"
    );
}

#[test]
fn schema_qualified_ops_are_refused_on_sqlite() {
    let db = TestDatabase::sqlite();
    let mut conn = db.connect();
    match every_op().upgrade(&mut conn, "schemas@head") {
        Err(Error::Unsupported {
            revision,
            op_index,
            source,
            ..
        }) => {
            assert_eq!(
                (revision.as_str(), op_index, source.what.as_str()),
                ("x1", 2, "schema")
            );
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
    assert!(user_tables(&mut conn).is_empty());
}

#[test]
fn the_version_table_can_be_named_and_placed() {
    let db = TestDatabase::postgres();
    let mut conn = db.connect();
    let m = Migrator::new(shop::migrations())
        .unwrap()
        .version_table("applied_revisions", Some("meta".into()));
    m.upgrade(&mut conn, "head").unwrap();
    assert_eq!(
        one(
            &mut conn,
            "SELECT CAST(COUNT(*) AS TEXT) AS value FROM meta.applied_revisions"
        ),
        "8"
    );
    assert_eq!(current(&m, &mut conn), ["8b9c0d1e2f3a"]);
    let long_ids = one(&mut conn, "SELECT CAST(character_maximum_length AS TEXT) AS value FROM information_schema.columns WHERE table_name = 'applied_revisions' AND column_name = 'revision'");
    assert_eq!(long_ids, "128");
    // Another name is another history.
    let other = Migrator::new(shop::migrations()).unwrap();
    assert!(other.applied(&mut conn).unwrap().is_empty());

    let db = TestDatabase::sqlite();
    let mut conn = db.connect();
    let m = Migrator::new(shop::migrations())
        .unwrap()
        .version_table("applied_revisions", None);
    m.upgrade(&mut conn, "head").unwrap();
    assert!(user_tables(&mut conn).contains(&"applied_revisions".to_string()));
}

/// What SQLite's ALTER TABLE refuses outright is rebuilt, rows kept: a column
/// added with an expression default (filled for existing rows), and a column
/// dropped while a composite index covers it (the index goes with it, as on
/// PostgreSQL).
#[test]
fn expression_defaults_and_indexed_drops() {
    for db in [TestDatabase::sqlite(), TestDatabase::postgres()] {
        let mut conn = db.connect();
        let m = every_op();
        m.upgrade(&mut conn, "rebuilds@head").unwrap();
        assert_eq!(
            one(
                &mut conn,
                "SELECT CAST(COUNT(*) AS TEXT) AS value FROM people WHERE seen_at IS NOT NULL"
            ),
            "3"
        );
        let snap = snapshot(&mut conn);
        let people = snap.table("people").unwrap();
        assert!(people.column("score").is_none());
        assert!(people.index("ix_people_level_score").is_none());
        assert!(people.index("ix_people_level").is_some());
        m.downgrade(&mut conn, "p3").unwrap();
        let back = snapshot(&mut conn);
        assert!(back.table("people").unwrap().column("score").is_some());
        assert!(back.table("people").unwrap().column("seen_at").is_none());
    }
}

/// A SQLite table with a trigger is not rebuilt: the trigger would be lost.
#[test]
fn sqlite_rebuild_refuses_a_table_with_a_trigger() {
    let db = TestDatabase::sqlite();
    let mut conn = db.connect();
    let m = every_op();
    m.upgrade(&mut conn, "p3").unwrap();
    exec(
        &mut conn,
        "CREATE TRIGGER people_touch AFTER UPDATE ON people BEGIN SELECT 1; END",
    );
    match m.upgrade(&mut conn, "g1") {
        Err(Error::Unsupported {
            revision, source, ..
        }) => {
            assert_eq!(revision, "g1");
            assert!(source.reason.contains("people_touch"), "{}", source.reason);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(current(&m, &mut conn), ["p3"]);
}

/// `check` finds nothing on a database its migrations built (every branch,
/// schema-qualified objects included on PostgreSQL), a column added behind
/// their back, and leaves no trace of its scratch space.
fn check_compares_the_live_schema_with_the_migrations(db: TestDatabase) {
    let mut conn = db.connect();
    let m = every_op();
    let targets: &[&str] = match conn {
        Database::Postgres(_) => &["pg@head", "schemas@head", "rebuilds@head"],
        Database::Sqlite(_) => &["p3", "rebuilds@head"],
        Database::Mysql(_) => &["mysql@head"],
    };
    for t in targets {
        m.upgrade(&mut conn, t).unwrap();
    }
    let before = snapshot(&mut conn);
    let report = m.check(&mut conn).unwrap();
    assert_eq!(lines(report.differences), Vec::<String>::new());
    let named: &[&str] = match conn {
        Database::Postgres(_) => &["sales"],
        Database::Sqlite(_) | Database::Mysql(_) => &[],
    };
    assert_eq!(report.not_compared, named);
    exec(
        &mut conn,
        "ALTER TABLE people ADD COLUMN added_by_hand VARCHAR(20)",
    );
    let differences = m.check(&mut conn).unwrap().differences;
    let column = Object::Column {
        table: "people".into(),
        column: "added_by_hand".into(),
    };
    assert_eq!(differences, [Difference::presence(column, false)]);
    let diff = lines(differences);
    assert_eq!(
        diff,
        ["column `people.added_by_hand`: absent vs present"],
        "{diff:?}"
    );
    exec(&mut conn, "ALTER TABLE people DROP COLUMN added_by_hand");
    assert_eq!(snapshot(&mut conn), before);
}

/// A downgrade puts a dropped column back at the end of its table: `check`
/// does not report the order, as the stairway does not.
fn check_ignores_column_order(db: TestDatabase) {
    let mut conn = db.connect();
    let m = Migrator::new(fixture_chain::migrations()).unwrap();
    m.upgrade(&mut conn, "head").unwrap();
    // c11 drops customers.phone; its downgrade adds it back, last.
    m.downgrade(&mut conn, "c10").unwrap();
    let columns = snapshot(&mut conn)
        .table("customers")
        .unwrap()
        .columns
        .iter()
        .map(|c| c.name.clone())
        .collect::<Vec<_>>();
    assert_eq!(columns.last().map(String::as_str), Some("phone"));
    let report = m.check(&mut conn).unwrap();
    assert_eq!(lines(report.differences), Vec::<String>::new());
    m.upgrade(&mut conn, "head").unwrap();
    assert_eq!(
        lines(m.check(&mut conn).unwrap().differences),
        Vec::<String>::new()
    );
}

/// The version tables of other migration tools are left out of `check`,
/// and the report names them; `exclude_table` leaves out others.
fn check_leaves_out_other_tools_tables(db: TestDatabase) {
    let mut conn = db.connect();
    let m = Migrator::new(fixture_chain::migrations()).unwrap();
    m.upgrade(&mut conn, "c03").unwrap();
    exec(
        &mut conn,
        "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);
         CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
         CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL);
         CREATE TABLE refinery_schema_history (version INTEGER PRIMARY KEY, name VARCHAR(255));
         CREATE TABLE scratch_notes (id INTEGER PRIMARY KEY)",
    );
    let report = m.check(&mut conn).unwrap();
    assert_eq!(
        lines(report.differences),
        ["table `scratch_notes`: absent vs present"]
    );
    assert_eq!(
        report.excluded,
        [
            "__diesel_schema_migrations",
            "_sqlx_migrations",
            "alembic_version",
            "refinery_schema_history"
        ]
    );
    let report = Migrator::new(fixture_chain::migrations())
        .unwrap()
        .exclude_table("scratch_notes")
        .exclude_table("not_there")
        .check(&mut conn)
        .unwrap();
    assert_eq!(lines(report.differences), Vec::<String>::new());
    assert!(
        report.excluded.contains(&"scratch_notes".to_string())
            && !report.excluded.contains(&"not_there".to_string()),
        "{:?}",
        report.excluded
    );
}

/// PostgreSQL keeps an identity column's sequence name when its table is
/// renamed: `check` compares the column's identity, not the sequence's name.
#[test]
fn check_ignores_the_names_of_owned_sequences() {
    let db = TestDatabase::postgres();
    let mut conn = db.connect();
    let m = Migrator::new(fixture_chain::migrations()).unwrap();
    // c06 renames `products` (identity `id`) to `items`.
    m.upgrade(&mut conn, "c06").unwrap();
    assert!(snapshot(&mut conn)
        .sequences()
        .any(|s| s == "products_id_seq"));
    assert_eq!(
        lines(m.check(&mut conn).unwrap().differences),
        Vec::<String>::new()
    );
    // A serial column of a renamed table too.
    exec(
        &mut conn,
        "CREATE TABLE tally (n SERIAL PRIMARY KEY); ALTER TABLE tally RENAME TO tallies",
    );
    let diff = lines(m.check(&mut conn).unwrap().differences);
    assert_eq!(diff, ["table `tallies`: absent vs present"], "{diff:?}");
    // A sequence of its own is still compared.
    exec(
        &mut conn,
        "DROP TABLE tallies; CREATE SEQUENCE loose_numbers",
    );
    let diff = lines(m.check(&mut conn).unwrap().differences);
    assert_eq!(
        diff,
        ["sequence `loose_numbers`: absent vs present"],
        "{diff:?}"
    );
}

/// `current` and `check` on a SQLite file another process holds locked
/// (mid-migration) wait for the lock up to the lock timeout, then say so.
#[test]
fn sqlite_reads_wait_for_the_file_lock() {
    use std::time::Instant;
    let db = TestDatabase::sqlite();
    let m = every_op().lock_timeout(Duration::from_millis(400));
    m.upgrade(&mut db.connect(), "p1").unwrap();
    let mut holder = db.connect();
    let mut conn = db.connect();
    exec(&mut holder, "BEGIN EXCLUSIVE");
    for read in ["current", "check"] {
        let started = Instant::now();
        let err = match read {
            "current" => m.current(&mut conn).map(|_| ()).unwrap_err(),
            _ => m.check(&mut conn).map(|_| ()).unwrap_err(),
        };
        let waited = started.elapsed();
        assert!(matches!(&err, Error::LockTimeout { .. }), "{read}: {err:?}");
        assert!(waited >= Duration::from_millis(400), "{read}: {waited:?}");
        let text = err.to_string();
        assert!(
            text.contains("SQLite file") && text.contains("Migrator::lock_timeout"),
            "{text}"
        );
    }
    // A lock released within the timeout is waited for.
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        exec(&mut holder, "COMMIT");
    });
    assert_eq!(current(&m, &mut conn), ["p1"]);
    release.join().unwrap();
    assert_eq!(
        lines(m.check(&mut conn).unwrap().differences),
        Vec::<String>::new()
    );
}

/// On SQLite each migration takes the file's lock for itself: a step that
/// another process ran between two of this run's steps is skipped, and a
/// step the database no longer fits is refused. The other process acts from
/// the `Done` callback, when this run holds no lock.
#[test]
fn sqlite_steps_look_again_under_their_own_lock() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    fn meddling(url: String, target: &'static str, down: bool) -> Migrator {
        let once = Arc::new(AtomicBool::new(false));
        every_op().on_event(move |e| {
            if let migrate_runtime::Event::Done { revision, .. } = e {
                if revision == "p1" && !once.swap(true, Ordering::SeqCst) {
                    let mut other = Database::connect(&url).unwrap();
                    let m = every_op();
                    if down {
                        m.downgrade(&mut other, target).unwrap();
                    } else {
                        m.upgrade(&mut other, target).unwrap();
                    }
                }
            }
        })
    }

    // Another process applies p2 in between: this run skips it.
    let db = TestDatabase::sqlite();
    let mut conn = db.connect();
    let done = meddling(db.url().to_string(), "p2", false)
        .upgrade(&mut conn, "p3")
        .unwrap();
    assert_eq!(done, ["p1", "p3"]);
    assert_eq!(applied(&every_op(), &mut conn), ["p1", "p2", "p3"]);

    // Another process takes p1 away again: p2 no longer fits.
    let db = TestDatabase::sqlite();
    let mut conn = db.connect();
    let err = meddling(db.url().to_string(), "base", true)
        .upgrade(&mut conn, "p3")
        .unwrap_err();
    assert!(
        matches!(&err, Error::Concurrent { revision, .. } if revision == "p2"),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("p2 follows p1, which is no longer applied; nothing of p2 was applied"),
        "{err}"
    );
    assert_eq!(applied(&every_op(), &mut conn), Vec::<String>::new());
}

/// SQLite migrates with foreign keys off and checks them before each commit;
/// a run leaves the check out only while the database can hold no foreign
/// key, so one the migrations do not describe counts too: made before the
/// run, or by another connection between two of its steps.
#[test]
fn sqlite_checks_foreign_keys_the_migrations_do_not_describe() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    fn orphan(conn: &mut Database) {
        exec(conn, "PRAGMA foreign_keys = OFF");
        exec(conn, "CREATE TABLE outside_parent (id INTEGER PRIMARY KEY)");
        exec(
            conn,
            "CREATE TABLE outside_child (parent_id INTEGER REFERENCES outside_parent (id))",
        );
        exec(conn, "INSERT INTO outside_child VALUES (7)");
    }
    let chain = || Migrator::new(fixture_chain::migrations()).unwrap();
    let refused = |err: &Error, rev: &str| {
        assert!(
            matches!(err, Error::ForeignKeyViolation { revision, tables, .. } if revision == rev && tables == "outside_child"),
            "{err:?}"
        );
    };

    // Before the run: c01 adds no foreign key, and is refused all the same.
    let db = TestDatabase::sqlite();
    let mut conn = db.connect();
    orphan(&mut conn);
    let err = chain().upgrade(&mut conn, "c02").unwrap_err();
    refused(&err, "c01");
    assert_eq!(applied(&chain(), &mut conn), Vec::<String>::new());

    // Between c01 and c02, by another connection.
    let db = TestDatabase::sqlite();
    let url = db.url().to_string();
    let once = Arc::new(AtomicBool::new(false));
    let m = chain().on_event(move |e| {
        if let migrate_runtime::Event::Done { revision, .. } = e {
            if revision == "c01" && !once.swap(true, Ordering::SeqCst) {
                orphan(&mut Database::connect(&url).unwrap());
            }
        }
    });
    let mut conn = db.connect();
    let err = m.upgrade(&mut conn, "c02").unwrap_err();
    refused(&err, "c02");
    assert_eq!(applied(&chain(), &mut conn), ["c01"]);
}

/// A deploy already at its target is done without the lock: it does not
/// wait for another deploy holding it (whose changes come after it, as
/// they would after the lock); one with something to apply does.
#[test]
fn a_deploy_at_its_target_does_not_wait_for_the_lock() {
    use std::time::Instant;
    let db = TestDatabase::postgres();
    let mut holder = db.connect();
    every_op()
        .connection_closes_after(true)
        .upgrade(&mut holder, "p1")
        .unwrap();
    // `holder` keeps the lock until it closes.
    let impatient = every_op().lock_timeout(Duration::from_millis(500));
    let started = Instant::now();
    assert!(impatient
        .upgrade(&mut db.connect(), "p1")
        .unwrap()
        .is_empty());
    assert!(started.elapsed() < Duration::from_millis(500));
    let err = impatient.upgrade(&mut db.connect(), "p2").unwrap_err();
    assert!(matches!(err, Error::LockTimeout { .. }), "{err:?}");
    // Inside a transaction of the caller's it goes the full way (a read of
    // a missing table would abort the transaction), and waits.
    let mut conn = db.connect();
    let Database::Postgres(pg) = &mut conn else {
        unreachable!()
    };
    let inside = diesel::Connection::transaction(pg, |pg| {
        Ok::<_, diesel::result::Error>(impatient.upgrade(pg, "p1"))
    })
    .unwrap();
    assert!(
        matches!(inside, Err(Error::LockTimeout { .. })),
        "{inside:?}"
    );
}

/// `connection_closes_after` (the CLI's setting) leaves the lock to the end
/// of the connection: held while it lives, released by the server when it
/// closes.
#[test]
fn a_connection_that_closes_after_keeps_the_lock_until_it_does() {
    let db = TestDatabase::postgres();
    let mut first = db.connect();
    every_op()
        .connection_closes_after(true)
        .upgrade(&mut first, "p1")
        .unwrap();
    let impatient = every_op().lock_timeout(Duration::from_millis(300));
    let err = impatient.upgrade(&mut db.connect(), "p2").unwrap_err();
    assert!(matches!(err, Error::LockTimeout { .. }), "{err:?}");
    drop(first);
    // The server ends the closed session (and its lock) within moments.
    let patient = every_op().lock_timeout(Duration::from_secs(10));
    assert_eq!(patient.upgrade(&mut db.connect(), "p2").unwrap(), ["p2"]);
}
