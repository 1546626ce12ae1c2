//! Offline SQL scripts applied to real databases the way a user would (one
//! batch, through a driver), and SQLite forms the renderer knows it must
//! rebuild: hostile values and messages stay data and comments, a rebuild
//! never drops what the migrations do not describe, and what SQLite's ALTER
//! TABLE cannot do runs on SQLite as on PostgreSQL.

#![allow(clippy::result_large_err)]

#[macro_use]
mod support;
use support::*;

use migrate_runtime::testing::{Snapshot, TestDatabase};
use migrate_runtime::{Database, Dialect, Migrator};

migrate_runtime::migrations!();

use migrate_runtime::{migration, op};

/// A value that closes its literal when a backslash escapes the quote
/// (PostgreSQL with `standard_conforming_strings = off`).
const PAYLOAD: &str = "\\'); DROP TABLE keep; --";

/** seed the notes
DROP TABLE keep; */
#[migration(revision = "inj1", down_revision = None, branch = "inj")]
mod inj_notes {
    fn upgrade() {
        op!(create_table(
            "notes",
            Column("id", Integer, primary_key = true),
            Column("body", Text, server_default = "a\\b'c")
        ));
        op!(bulk_insert(
            "notes",
            [
                {"id": 1, "body": "\\'); DROP TABLE keep; --"},
                {"id": 2, "body": "C:\\new\\table"},
                {"id": 3, "body": "it's $m$ and $$"},
                {"id": 4, "body": "C:\\$m$ ends in \\$"}
            ]
        ));
    }
}

#[migration(
    revision = "inj2",
    down_revision = "inj1",
    message = "more notes\nDROP TABLE keep;\r DROP TABLE keep;"
)]
mod inj_more {
    fn upgrade() {
        op!(create_table(
            "more_notes",
            Column("id", Integer, primary_key = true)
        ));
    }
}

/// a value a script cannot carry
#[migration(revision = "nul1", down_revision = None, branch = "nul")]
mod nul_notes {
    fn upgrade() {
        op!(create_table(
            "nul_notes",
            Column("id", Integer, primary_key = true),
            Column("body", Text)
        ));
        op!(bulk_insert(
            "nul_notes",
            [
                {"id": 1, "body": "a\0"},
                {"body": "); DROP TABLE keep; --", "id": 2}
            ]
        ));
    }
}

/// a table
#[migration(revision = "rb1", down_revision = None, branch = "rb")]
mod rb_table {
    fn upgrade() {
        op!(create_table(
            "items",
            Column("id", Integer, primary_key = true),
            Column("name", Text)
        ));
    }
}

/// a change SQLite makes by a table rebuild
#[migration(revision = "rb2", down_revision = "rb1")]
mod rb_rebuild {
    fn upgrade() {
        op!(alter_column(
            "items",
            "name",
            server_default = "none",
            existing_server_default = None
        ));
    }
}

/// a table
#[migration(revision = "ci1", down_revision = None, branch = "ci")]
mod ci_table {
    fn upgrade() {
        op!(create_table(
            "codes",
            Column("id", Integer, primary_key = true)
        ));
    }
}

/// a column with its own index, dropped by a written downgrade
#[migration(revision = "ci2", down_revision = "ci1")]
mod ci_indexed_column {
    fn upgrade() {
        op!(add_column("codes", Column("code", Integer, index = true)));
    }

    fn downgrade() {
        op!(drop_column("codes", "code"));
    }
}

/// a table and a NOT NULL column added to it
#[migration(revision = "nn1", down_revision = None, branch = "nn")]
mod nn_table {
    fn upgrade() {
        op!(create_table(
            "people",
            Column("id", Integer, primary_key = true)
        ));
        op!(add_column("people", Column("name", Text, nullable = false)));
        op!(bulk_insert("people", [{"id": 1, "name": "ada"}]));
    }
}

/// prices as text
#[migration(revision = "pu1", down_revision = None, branch = "pu")]
mod pu_table {
    fn upgrade() {
        op!(create_table(
            "prices",
            Column("id", Integer, primary_key = true),
            Column("price", String(20))
        ));
    }
}

/// prices as numbers, through a PostgreSQL cast
#[migration(revision = "pu2", down_revision = "pu1")]
mod pu_numeric {
    fn upgrade() {
        op!(alter_column(
            "prices",
            "price",
            type_ = Numeric(10, 2),
            existing_type = String(20),
            postgresql_using = "price::numeric(10,2)"
        ));
    }
}

/// a table with a check, a partial index and an expression index on `n`
#[migration(revision = "rn1", down_revision = None, branch = "rn")]
mod rn_table {
    fn upgrade() {
        op!(create_table(
            "counts",
            Column("id", Integer, primary_key = true),
            Column("n", Integer),
            CheckConstraint("n > 0", name = "ck_counts_n")
        ));
        op!(create_index(
            "ix_counts_n",
            "counts",
            ["id"],
            postgresql_where = "n > 5",
            sqlite_where = "n > 5"
        ));
        op!(create_index(
            "ix_counts_n_plus",
            "counts",
            [text("\"n\" + 1")]
        ));
    }
}

/// `n` renamed, then changed in a way SQLite rebuilds the table for
#[migration(revision = "rn2", down_revision = "rn1")]
mod rn_rename {
    fn upgrade() {
        op!(alter_column("counts", "n", new_column_name = "m"));
        op!(alter_column(
            "counts",
            "m",
            nullable = false,
            existing_nullable = true
        ));
    }
}

/// partial indexes, each predicate for its own database only (as in Alembic)
#[migration(revision = "pw1", down_revision = None, branch = "pw")]
mod pw_partial {
    fn upgrade() {
        op!(create_table(
            "jobs",
            Column("id", Integer, primary_key = true),
            Column("state", String(10)),
            Column("owner", Integer),
        ));
        op!(create_index(
            "ix_jobs_pg",
            "jobs",
            ["owner"],
            postgresql_where = "state = 'open'"
        ));
        op!(create_index(
            "ix_jobs_lite",
            "jobs",
            ["owner"],
            sqlite_where = "state = 'open'"
        ));
        op!(create_index(
            "ix_jobs_each",
            "jobs",
            ["id"],
            unique = true,
            postgresql_where = "state = 'open'",
            sqlite_where = "state <> 'done'"
        ));
    }
}

fn migrator(branch: &str) -> Migrator {
    let prefix = branch.to_string();
    Migrator::new(migrations().filter(|m| m.revision().starts_with(&prefix))).unwrap()
}

fn tables(db: &mut Database) -> Vec<String> {
    let sql = match db {
        Database::Postgres(_) => "SELECT CAST(tablename AS TEXT) AS value FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
        Database::Sqlite(_) => "SELECT name AS value FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
        Database::Mysql(_) => "SELECT TABLE_NAME AS value FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1",
    };
    texts(db, sql).into_iter().flatten().collect()
}

fn notes(db: &mut Database) -> Vec<String> {
    texts(db, "SELECT body AS value FROM notes ORDER BY id")
        .into_iter()
        .map(|v| v.unwrap_or_default())
        .collect()
}

const NOTES: [&str; 4] = [
    PAYLOAD,
    "C:\\new\\table",
    "it's $m$ and $$",
    "C:\\$m$ ends in \\$",
];

/// The scripts of the `inj` branch, applied in one batch each, keep values
/// as data and messages as comments.
fn hostile_values_and_messages_stay_data(db: TestDatabase, dialect: Dialect) {
    let mut conn = db.connect();
    exec(&mut conn, "CREATE TABLE keep (id INTEGER)");
    if dialect == Dialect::Postgres {
        // The session a careless client may have; the script must not care.
        exec(&mut conn, "SET standard_conforming_strings = off");
    }
    if dialect == Dialect::Mysql {
        // MySQL's default: a backslash escapes; the script sets otherwise.
        exec(
            &mut conn,
            "SET SESSION sql_mode = REPLACE(@@sql_mode, 'NO_BACKSLASH_ESCAPES', '')",
        );
    }
    let m = migrator("inj");
    let up = m.upgrade_sql(dialect, None, "inj2").unwrap();
    try_exec(&mut conn, &up).unwrap_or_else(|e| panic!("{e}\n{up}"));
    assert_eq!(notes(&mut conn), NOTES, "{up}");
    let default = if dialect == Dialect::Mysql {
        // diesel's prepared statements cannot read MariaDB's RETURNING.
        exec(&mut conn, "INSERT INTO notes (id) VALUES (5)");
        texts(&mut conn, "SELECT body AS value FROM notes WHERE id = 5")
    } else {
        texts(
            &mut conn,
            "INSERT INTO notes (id) VALUES (5) RETURNING body AS value",
        )
    };
    assert_eq!(default, [Some("a\\b'c".to_string())], "{up}");
    assert_eq!(
        tables(&mut conn),
        ["keep", "migrate_revisions", "more_notes", "notes"],
        "{up}"
    );
    if dialect == Dialect::Postgres {
        // Set by the script for what follows it in the session (psql sends
        // its statements one by one).
        assert_eq!(
            one(
                &mut conn,
                "SELECT current_setting('standard_conforming_strings') AS value"
            ),
            "on"
        );
        exec(&mut conn, "SET standard_conforming_strings = off");
    }
    let down = m.downgrade_sql(dialect, "inj2", "base").unwrap();
    try_exec(&mut conn, &down).unwrap_or_else(|e| panic!("{e}\n{down}"));
    assert_eq!(tables(&mut conn), ["keep", "migrate_revisions"], "{down}");
    let stamp = m.stamp_sql(dialect, None, "inj2", false).unwrap();
    try_exec(&mut conn, &stamp).unwrap_or_else(|e| panic!("{e}\n{stamp}"));
    assert_eq!(tables(&mut conn), ["keep", "migrate_revisions"], "{stamp}");
    // Every line of every comment is a comment.
    for script in [&up, &down, &stamp] {
        for line in script.lines() {
            assert!(
                !line.contains("DROP TABLE keep") || line.starts_with("--") || line.contains("'"),
                "{line:?} in\n{script}"
            );
        }
    }
}

#[test]
fn hostile_values_and_messages_stay_data_on_postgres() {
    hostile_values_and_messages_stay_data(TestDatabase::postgres(), Dialect::Postgres);
}

#[test]
fn hostile_values_and_messages_stay_data_on_mysql() {
    hostile_values_and_messages_stay_data(TestDatabase::mysql(), Dialect::Mysql);
}

/// A connection the CLI or the testing toolkit opens reads MySQL literals
/// as the migrator writes them: the model of the `inj` branch (a default
/// with a backslash and a quote), created on a fresh connection, equals the
/// migrated database.
#[test]
fn a_new_mysql_connection_reads_literals_as_written() {
    use migrate_runtime::testing::check_model_matches;
    let migrations = migrations().filter(|m| m.revision().starts_with("inj"));
    check_model_matches(&TestDatabase::mysql(), &TestDatabase::mysql(), &migrations).unwrap();
}

#[test]
fn hostile_values_and_messages_stay_data_on_sqlite() {
    hostile_values_and_messages_stay_data(TestDatabase::sqlite(), Dialect::Sqlite);
}

/// A SQLite script that rebuilds a table fails before the rebuild when the
/// live table has a column the migrations do not describe: the column and its
/// data stay, and so does the version table.
#[test]
fn offline_rebuild_refuses_a_table_changed_by_hand() {
    let db = TestDatabase::sqlite();
    let mut conn = db.connect();
    let m = migrator("rb");
    m.upgrade(&mut conn, "rb1").unwrap();
    exec(
        &mut conn,
        "ALTER TABLE items ADD COLUMN extra TEXT; INSERT INTO items (id, name, extra) VALUES (1, 'a', 'precious')",
    );
    let script = m.upgrade_sql(Dialect::Sqlite, Some("rb1"), "rb2").unwrap();
    assert!(script.contains("_migrate_new_items"), "{script}");
    let err = try_exec(&mut conn, &script).expect_err(&script).to_string();
    assert!(
        err.contains("items") && err.contains("id, name"),
        "{err}\n{script}"
    );
    assert_eq!(
        texts(&mut conn, "SELECT extra AS value FROM items"),
        [Some("precious".to_string())]
    );
    let applied: Vec<String> = m
        .applied(&mut conn)
        .unwrap()
        .into_iter()
        .map(|r| r.revision)
        .collect();
    assert_eq!(applied, ["rb1"]);
    // Not in a transaction any more: the check rolled its migration back.
    exec(&mut conn, "BEGIN; COMMIT");

    // A trigger made by hand would go with the old table: refused too.
    let db = TestDatabase::sqlite();
    let mut conn = db.connect();
    m.upgrade(&mut conn, "rb1").unwrap();
    exec(
        &mut conn,
        "CREATE TRIGGER items_audit AFTER INSERT ON items BEGIN SELECT 1; END",
    );
    assert!(try_exec(&mut conn, &script).is_err(), "{script}");
    assert_eq!(
        one(
            &mut conn,
            "SELECT name AS value FROM sqlite_master WHERE type = 'trigger'"
        ),
        "items_audit"
    );

    // The same script on the table the migrations describe rebuilds it.
    let db = TestDatabase::sqlite();
    let mut conn = db.connect();
    m.upgrade(&mut conn, "rb1").unwrap();
    exec(&mut conn, "INSERT INTO items (id, name) VALUES (1, 'a')");
    try_exec(&mut conn, &script).unwrap_or_else(|e| panic!("{e}\n{script}"));
    assert_eq!(
        one(&mut conn, "SELECT name AS value FROM items WHERE id = 1"),
        "a"
    );
    exec(&mut conn, "INSERT INTO items (id) VALUES (2)");
    assert_eq!(
        one(&mut conn, "SELECT name AS value FROM items WHERE id = 2"),
        "none"
    );
}

/// Up, down and up again, online and by offline SQL, with a row kept.
fn up_down_up(db: &TestDatabase, branch: &str, top: &str, row: &str, query: &str) -> Vec<String> {
    let m = migrator(branch);
    let base = format!("{branch}1");
    let mut conn = db.connect();
    m.upgrade(&mut conn, &base).unwrap();
    exec(&mut conn, row);
    let mut seen = Vec::new();
    m.upgrade(&mut conn, top)
        .unwrap_or_else(|e| panic!("{branch}: {e}"));
    seen.push(one(&mut conn, query));
    m.downgrade(&mut conn, &base)
        .unwrap_or_else(|e| panic!("{branch}: {e}"));
    seen.push(one(&mut conn, query));
    m.upgrade(&mut conn, top)
        .unwrap_or_else(|e| panic!("{branch}: {e}"));
    seen.push(one(&mut conn, query));
    seen
}

/// Item (a): a column with its own index, dropped by a downgrade that does
/// not repeat the definition.
fn indexed_column_dropped(db: TestDatabase) {
    let seen = up_down_up(
        &db,
        "ci",
        "ci2",
        "INSERT INTO codes (id) VALUES (7)",
        "SELECT CAST(count(*) AS TEXT) AS value FROM codes WHERE id = 7",
    );
    assert_eq!(seen, ["1", "1", "1"]);
}

/// A NOT NULL column without default added to a table of the same migration.
fn not_null_column_on_a_new_table(db: TestDatabase) {
    let mut conn = db.connect();
    let m = migrator("nn");
    m.upgrade(&mut conn, "nn1").unwrap();
    assert_eq!(
        one(&mut conn, "SELECT name AS value FROM people WHERE id = 1"),
        "ada"
    );
    assert!(try_exec(&mut conn, "INSERT INTO people (id) VALUES (2)").is_err());
    m.downgrade(&mut conn, "base").unwrap();
    m.upgrade(&mut conn, "nn1").unwrap();
}

/// A type change whose `postgresql_using` only PostgreSQL can read.
fn type_change_with_postgresql_using(db: TestDatabase) {
    let seen = up_down_up(
        &db,
        "pu",
        "pu2",
        "INSERT INTO prices (id, price) VALUES (1, '12.50')",
        "SELECT CAST(CAST(price AS NUMERIC) * 2 AS TEXT) AS value FROM prices WHERE id = 1",
    );
    assert!(seen.iter().all(|s| s.starts_with("25")), "{seen:?}");
}

/// A renamed column, named in a check, a predicate and an expression: the
/// schema model follows the rename there too, so a SQLite rebuild writes them
/// with the new name and `check` finds no difference.
fn renamed_column_in_sql_text(db: TestDatabase) {
    let seen = up_down_up(
        &db,
        "rn",
        "rn2",
        "INSERT INTO counts (id, n) VALUES (1, 7)",
        "SELECT CAST(count(*) AS TEXT) AS value FROM counts WHERE id = 1",
    );
    assert_eq!(seen, ["1", "1", "1"]);
    let mut conn = db.connect();
    let check = migrator("rn").check(&mut conn).unwrap();
    assert_eq!(lines(check.differences), Vec::<String>::new());
    assert!(try_exec(&mut conn, "INSERT INTO counts (id, m) VALUES (2, 0)").is_err());
}

/// `postgresql_where` makes a partial index on PostgreSQL only and
/// `sqlite_where` on SQLite only, online and offline; `check` agrees.
fn predicates_apply_to_their_own_database(db: TestDatabase) {
    let m = migrator("pw");
    let mut conn = db.connect();
    let pg = matches!(conn, Database::Postgres(_));
    m.upgrade(&mut conn, "heads").unwrap();
    let snapshot = Snapshot::capture(&mut conn).unwrap();
    let jobs = snapshot.table("jobs").unwrap();
    let predicate = |name: &str| jobs.index(name).unwrap().predicate.clone();
    let (own, other) = if pg {
        ("ix_jobs_pg", "ix_jobs_lite")
    } else {
        ("ix_jobs_lite", "ix_jobs_pg")
    };
    assert!(predicate(own).unwrap().contains("open"), "{jobs:?}");
    assert_eq!(predicate(other), None, "{jobs:?}");
    let each = predicate("ix_jobs_each").unwrap();
    assert_eq!(each.contains("open"), pg, "{each}");
    assert_eq!(each.contains("done"), !pg, "{each}");
    assert_eq!(
        lines(m.check(&mut conn).unwrap().differences),
        Vec::<String>::new()
    );
    let dialect = if pg {
        Dialect::Postgres
    } else {
        Dialect::Sqlite
    };
    let script = m.upgrade_sql(dialect, None, "heads").unwrap();
    let wheres: Vec<&str> = script
        .lines()
        .filter(|l| l.starts_with("CREATE") && l.contains(" WHERE "))
        .collect();
    assert_eq!(wheres.len(), 2, "{script}");
    assert_eq!(wheres.iter().any(|l| l.contains("'done'")), !pg, "{script}");
}

on_both!(
    indexed_column_dropped,
    not_null_column_on_a_new_table,
    type_change_with_postgresql_using,
    renamed_column_in_sql_text,
    predicates_apply_to_their_own_database,
);

/// The same forms as offline SQL on SQLite.
#[test]
fn sqlite_forms_offline() {
    for (branch, top) in [("ci", "ci2"), ("nn", "nn1"), ("pu", "pu2"), ("rn", "rn2")] {
        let m = migrator(branch);
        let db = TestDatabase::sqlite();
        let mut conn = db.connect();
        let up = m.upgrade_sql(Dialect::Sqlite, None, top).unwrap();
        try_exec(&mut conn, &up).unwrap_or_else(|e| panic!("{branch}: {e}\n{up}"));
        let down = m.downgrade_sql(Dialect::Sqlite, top, "base").unwrap();
        try_exec(&mut conn, &down).unwrap_or_else(|e| panic!("{branch}: {e}\n{down}"));
        assert_eq!(tables(&mut conn), ["migrate_revisions"], "{branch}");
    }
}

/// A NUL in a value would end the line for psql and sqlite3, which would run
/// the rest of the script's next statement as SQL: refused.
#[test]
fn a_nul_in_a_value_is_refused() {
    let m = migrator("nul");
    for dialect in [Dialect::Postgres, Dialect::Sqlite] {
        match m.upgrade_sql(dialect, None, "nul1") {
            Err(migrate_runtime::Error::Offline {
                revision, reason, ..
            }) => {
                assert_eq!(revision, "nul1");
                assert!(reason.contains("op 2 writes a NUL"), "{reason}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
}
