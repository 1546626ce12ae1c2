//! Coming from diesel, with diesel_migrations itself: it migrates a database
//! part way up `tests/diesel/migrations` (and another to the end);
//! `import-diesel` turns the folders into migration files that run the
//! copied SQL files (`execute(file = ...)`), which rustc builds (`trybuild`);
//! the built program adopts the first database with `stamp --from-diesel`
//! and runs `upgrade head`: the schema equals, by `Snapshot`, the one diesel
//! built. On SQLite and PostgreSQL, with one generated crate for both, and
//! on MariaDB from the same history as a MySQL team writes it.

mod support;

use diesel_migrations::{FileBasedMigrations, MigrationHarness};
use migrate_runtime::import;
use migrate_runtime::testing::TestDatabase;
use migrate_runtime::Database;
use std::path::Path;

const MIGRATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/diesel/migrations");
/// The same history as a MySQL team writes it (a posts table dropped with
/// its index, a comment after the last statement of a file).
const MYSQL_MIGRATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/diesel/migrations-mysql");

/// diesel_migrations runs the first `n` migrations of `dir` (all with `None`).
fn diesel_run(dir: &str, db: &TestDatabase, n: Option<usize>) {
    let source = FileBasedMigrations::from_path(dir).unwrap();
    let mut conn = db.connect();
    fn go<C: MigrationHarness<B>, B: diesel::backend::Backend>(
        c: &mut C,
        source: FileBasedMigrations,
        n: Option<usize>,
    ) {
        match n {
            None => {
                c.run_pending_migrations(source).unwrap();
            }
            Some(n) => {
                for _ in 0..n {
                    c.run_next_migration(source.clone()).unwrap();
                }
            }
        }
    }
    match &mut conn {
        Database::Sqlite(c) => go(c, source, n),
        Database::Postgres(c) => go(c, source, n),
        Database::Mysql(c) => go(c, source, n),
    }
}

/// The checks run on each database, `partway` connected as `conn`.
const ADOPT: &str = r#"
        // diesel's database is refused until it is adopted, with the command to adopt it.
        let refused = m.upgrade(&mut conn, "head").unwrap_err().to_string();
        assert!(refused.contains("`stamp --from-diesel`"), "{kind}: {refused}");
        // A version no migration here has: refused, nothing recorded.
        exec(&mut conn, "INSERT INTO __diesel_schema_migrations (version) VALUES ('20990101000000')");
        let err = m.stamp_from_diesel(&mut conn).unwrap_err().to_string();
        assert!(err.contains("records 20990101000000, which no migration here has") && err.contains("import-diesel <migrations dir>"), "{kind}: {err}");
        assert!(Snapshot::capture(&mut conn).unwrap().table("migrate_revisions").is_none(), "{kind}");
        exec(&mut conn, "DELETE FROM __diesel_schema_migrations WHERE version = '20990101000000'");
        // What diesel ran, recorded; the rest run here.
        let stamped = m.stamp_from_diesel(&mut conn).unwrap();
        assert_eq!(stamped.recorded, ["20240101000001", "20240102000001"], "{kind}");
        // Again, on the command line: nothing more to record.
        let code = migrate_runtime::cli::run_args(migrations(), Default::default(), ["migrate", "--database-url", partway, "stamp", "--from-diesel"]);
        assert_eq!(code, std::process::ExitCode::SUCCESS, "{kind}");
        assert_eq!(m.stamp_from_diesel(&mut conn).unwrap().recorded, Vec::<String>::new(), "{kind}");
        m.upgrade(&mut conn, "head").unwrap();
        assert_eq!(snapshot(partway).diff_schema(&snapshot(head)), [], "{kind}");
        // diesel's table stays; the down files take it back to where diesel started.
        assert!(Snapshot::capture(&mut conn).unwrap().table("__diesel_schema_migrations").is_some());
        m.downgrade(&mut conn, "base").unwrap();
        assert_eq!(snapshot(partway).diff_schema(&snapshot(empty)), [], "{kind}");
"#;

/// Writes the crate's migrations with `import-diesel` and checks the files.
fn import_into(to: &Path) {
    let import = import::diesel(Path::new(MIGRATIONS), to, "migrate_runtime").unwrap();
    let summary = import.to_string();
    let ids: Vec<&str> = import
        .migrations
        .iter()
        .map(|m| m.revision.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "20240101000001",
            "20240102000001",
            "20240103000001",
            "20240104000001",
            "20240105000001"
        ],
        "{summary}"
    );
    assert!(
        summary.contains("5 diesel migrations imported, chained in order"),
        "{summary}"
    );
    assert!(summary.contains("`stamp --from-diesel`"), "{summary}");
    for m in &import.migrations {
        let check = std::process::Command::new("rustfmt")
            .args(["--check", "--edition", "2021"])
            .arg(&m.file)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{} is not as rustfmt writes it:\n{}",
            m.file.display(),
            String::from_utf8_lossy(&check.stdout)
        );
    }
    let text = |id: &str| {
        let m = import.migrations.iter().find(|m| m.revision == id).unwrap();
        std::fs::read_to_string(&m.file).unwrap()
    };
    assert_eq!(
        text("20240101000001"),
        "use migrate_runtime::{migration, op};\n\n/// create users\n#[migration(revision = \"20240101000001\", down_revision = None)]\nmod create_users {\n    fn upgrade() {\n        op!(execute(file = \"sql/2024-01-01-000001_create_users/up.sql\"));\n    }\n\n    fn downgrade() {\n        op!(execute(\n            file = \"sql/2024-01-01-000001_create_users/down.sql\"\n        ));\n    }\n}\n"
    );
    // metadata.toml's run_in_transaction = false.
    assert!(
        text("20240103000001").contains(
            "#[migration(\n    revision = \"20240103000001\",\n    down_revision = \"20240102000001\",\n    transactional = false\n)]"
        ),
        "{}",
        text("20240103000001")
    );
    // The SQL is copied byte for byte (CRLF kept): the old folder can go.
    let copied = to.join("sql/2024-01-02-000001_create_posts/up.sql");
    assert_eq!(
        std::fs::read(&copied).unwrap(),
        std::fs::read(Path::new(MIGRATIONS).join("2024-01-02-000001_create_posts/up.sql")).unwrap()
    );
    assert!(std::fs::read(&copied)
        .unwrap()
        .windows(2)
        .any(|w| w == b"\r\n"));
}

#[test]
fn a_diesel_history_is_imported_adopted_and_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let krate = dir.path();
    import_into(&krate.join("src/migrations"));
    adopt(
        krate,
        MIGRATIONS,
        &[
            ("sqlite", TestDatabase::sqlite as fn() -> TestDatabase),
            ("postgresql", TestDatabase::postgres),
        ],
    );
}

/// On MariaDB, from diesel's own `mysql` backend: its table, its `version`
/// column, DDL that commits statement by statement.
#[test]
fn a_mysql_diesel_history_is_imported_adopted_and_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let krate = dir.path();
    let import = import::diesel(
        Path::new(MYSQL_MIGRATIONS),
        &krate.join("src/migrations"),
        "migrate_runtime",
    )
    .unwrap();
    assert_eq!(import.migrations.len(), 5, "{import}");
    adopt(
        krate,
        MYSQL_MIGRATIONS,
        &[("mysql", TestDatabase::mysql as fn() -> TestDatabase)],
    );
}

/// Builds the crate at `krate` (its migrations imported from `dir`) with a
/// program that adopts, per kind, a database diesel migrated part way, and
/// checks it against one diesel migrated to the end and an empty one.
fn adopt(krate: &Path, dir: &str, kinds: &[support::DatabaseKind]) {
    let mut dbs = Vec::new();
    for &(kind, database) in kinds {
        let (partway, head, empty) = (database(), database(), database());
        diesel_run(dir, &partway, Some(2));
        diesel_run(dir, &head, None);
        dbs.push((kind, partway, head, empty));
    }
    let cases: Vec<_> = dbs.iter().map(|(k, p, h, e)| (*k, p, h, e)).collect();
    support::run_adoption_program(krate, &cases, "__diesel_schema_migrations", ADOPT);
}

#[test]
fn import_diesel_edge_cases_and_refusals() {
    let src = tempfile::tempdir().unwrap();
    let s = src.path();
    let folder = |name: &str, up: &str, down: Option<&str>| {
        std::fs::create_dir_all(s.join(name)).unwrap();
        std::fs::write(s.join(name).join("up.sql"), up).unwrap();
        if let Some(d) = down {
            std::fs::write(s.join(name).join("down.sql"), d).unwrap();
        }
    };
    folder(
        "00000000000000_diesel_initial_setup",
        "SELECT 1;\n",
        Some("SELECT 2;\n"),
    );
    // No down.sql, or one with nothing in it: irreversible.
    folder(
        "2024-02-01-000000_no_down",
        "CREATE TABLE a (id INTEGER);\n",
        None,
    );
    folder(
        "2024-02-02-000000_blank_down",
        "CREATE TABLE b (id INTEGER);\n",
        Some("\n  \n"),
    );
    // A metadata.toml without the key: diesel runs it outside a transaction.
    folder(
        "2024-02-03-000000_metadata",
        "SELECT 3;\n",
        Some("SELECT 4;\n"),
    );
    std::fs::write(
        s.join("2024-02-03-000000_metadata/metadata.toml"),
        "# nothing\n",
    )
    .unwrap();
    std::fs::create_dir(s.join(".hidden")).unwrap();
    std::fs::write(s.join(".keep"), "").unwrap();
    let out = tempfile::tempdir().unwrap();
    let to = out.path().join("migrations");
    let import = import::diesel(s, &to, "migrate_runtime").unwrap();
    let summary = import.to_string();
    let text = |i: usize| std::fs::read_to_string(&import.migrations[i].file).unwrap();
    assert_eq!(import.migrations.len(), 4, "{summary}");
    assert!(text(0).contains("#[migration(revision = \"00000000000000\", down_revision = None)]\nmod diesel_initial_setup {"), "{}", text(0));
    assert!(text(1).contains("#[migration(\n    revision = \"20240201000000\",\n    down_revision = \"00000000000000\",\n    irreversible\n)]\nmod no_down {\n    fn upgrade() {\n        op!(execute(file = \"sql/2024-02-01-000000_no_down/up.sql\"));\n    }\n}\n"), "{}", text(1));
    assert!(!text(1).contains("fn downgrade"), "{}", text(1));
    assert!(text(2).contains("    irreversible\n)]"), "{}", text(2));
    assert!(
        text(3).contains("    transactional = false\n)]"),
        "{}",
        text(3)
    );
    assert!(
        summary.contains("(revision 20240201000000; irreversible: no down SQL)"),
        "{summary}"
    );
    let module = std::fs::read_to_string(&import.module_file).unwrap();
    assert!(module.contains("mod r00000000000000_diesel_initial_setup;\nmod r20240201000000_no_down;\nmod r20240202000000_blank_down;\nmod r20240203000000_metadata;\n"), "{module}");

    // Again into the same place: refused, nothing overwritten.
    let err = import::diesel(s, &to, "migrate_runtime")
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("cannot import the diesel migrations: ")
            && err.contains("already exists")
            && err.contains("help: import into an empty directory"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&import.module_file).unwrap(),
        module
    );

    // A folder without up.sql, and a directory with no migrations.
    std::fs::create_dir(s.join("2024-03-01-000000_empty")).unwrap();
    let err = import::diesel(s, &out.path().join("x"), "migrate_runtime")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("2024-03-01-000000_empty has no up.sql"),
        "{err}"
    );
    assert!(!out.path().join("x/mod.rs").exists());
    let none = tempfile::tempdir().unwrap();
    let err = import::diesel(none.path(), &out.path().join("y"), "migrate_runtime")
        .unwrap_err()
        .to_string();
    assert!(err.contains("holds no migrations"), "{err}");
}

#[test]
fn import_diesel_and_stamp_from_diesel_on_the_command_line() {
    let out = tempfile::tempdir().unwrap();
    let to = out.path().join("migrations");
    let code = migrate_runtime::cli::run_args(
        fixture_alembic_names::migrations(),
        migrate_runtime::cli::Options::default(),
        [
            "migrate".to_string(),
            "import-diesel".into(),
            MIGRATIONS.into(),
            "--to".into(),
            to.display().to_string(),
        ],
    );
    assert_eq!(code, std::process::ExitCode::SUCCESS);
    assert!(to.join("r20240105000001_create_tags.rs").is_file());
    assert!(to
        .join("sql/2024-01-05-000001_create_tags/down.sql")
        .is_file());
    // No diesel table: refused, with what to connect to.
    let db = TestDatabase::sqlite();
    support::exec(&mut db.connect(), "CREATE TABLE t (id INTEGER)");
    let code = migrate_runtime::cli::run_args(
        fixture_alembic_names::migrations(),
        migrate_runtime::cli::Options::default(),
        [
            "migrate",
            "--database-url",
            db.url(),
            "stamp",
            "--from-diesel",
        ],
    );
    assert_eq!(code, std::process::ExitCode::FAILURE);
    let m = migrate_runtime::Migrator::new(fixture_alembic_names::migrations()).unwrap();
    let err = m
        .stamp_from_diesel(&mut db.connect())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("there is no `__diesel_schema_migrations` table here")
            && err.contains("connect to the database diesel_migrations migrated"),
        "{err}"
    );
}
