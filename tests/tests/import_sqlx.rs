//! Coming from sqlx, with sqlx itself: its `Migrator` migrates a database
//! part way up `tests/sqlx/migrations` (and another to the end);
//! `import-sqlx` turns the files into migration files that run the copied
//! SQL files (`execute(file = ...)`), which rustc builds (`trybuild`); the
//! built program adopts the first database with `stamp --from-sqlx` (sqlx's
//! checksums compared with the files') and runs `upgrade head`: the schema
//! equals, by `Snapshot`, the one sqlx built. On SQLite and PostgreSQL, with
//! one generated crate for both, and on MariaDB from the same history as a
//! MySQL team writes it.
//!
//! sqlx pins another libsqlite3-sys than diesel, and only one may link in a
//! build: sqlx runs as a program of its own (`sqlx-runner up DIR URL`),
//! built by the test once under `target/tmp` (as bench/runtime does).

mod support;

use migrate_runtime::import;
use migrate_runtime::testing::TestDatabase;
use std::path::{Path, PathBuf};
use std::process::Command;

const MIGRATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sqlx/migrations");
/// The same history as a MySQL team writes it (a posts table dropped with
/// its index, a comment after the last statement of a file).
const MYSQL_MIGRATIONS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sqlx/migrations-mysql");

const RUNNER_MANIFEST: &str = "[package]\nname = \"sqlx-runner\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
[dependencies]\n\
sqlx = { version = \"0.8\", default-features = false, features = [\"runtime-tokio\", \"postgres\", \"sqlite\", \"mysql\", \"migrate\"] }\n\
tokio = { version = \"1\", default-features = false, features = [\"rt\"] }\n\n\
[workspace]\n";

const RUNNER: &str = r#"//! `sqlx-runner up DIR URL`: sqlx's `Migrator` over DIR, run on URL
//! (postgres://..., mysql://... or sqlite://PATH).
use sqlx::migrate::Migrator;
use sqlx::Connection;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [up, dir, url] = args.as_slice() else {
        panic!("usage: sqlx-runner up DIR URL");
    };
    assert_eq!(up, "up");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let migrator = Migrator::new(std::path::Path::new(dir)).await.unwrap();
        if let Some(path) = url.strip_prefix("sqlite://") {
            let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path).create_if_missing(true);
            let mut conn = sqlx::SqliteConnection::connect_with(&options).await.unwrap();
            migrator.run(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        } else if url.starts_with("mysql://") {
            let mut conn = sqlx::MySqlConnection::connect(url).await.unwrap();
            migrator.run(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        } else {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            migrator.run(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        }
    });
}
"#;

/// The sqlx runner, built on first use.
fn runner() -> &'static Path {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sqlx-runner");
        support::build_program(
            &dir,
            &[("Cargo.toml", RUNNER_MANIFEST), ("src/main.rs", RUNNER)],
            &dir.join("target"),
            "the sqlx runner",
        );
        dir.join("target/debug/sqlx-runner")
    })
}

/// sqlx migrates `db` with the files of `dir`.
fn sqlx_run(dir: &Path, db: &TestDatabase) {
    // sqlx's SQLite URL: `sqlite://` then the path.
    let url = match db.url().strip_prefix("sqlite:///") {
        Some(path) => format!("sqlite://{path}"),
        None => db.url().to_string(),
    };
    let out = Command::new(runner())
        .arg("up")
        .arg(dir)
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sqlx failed on {url}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The checks run on each database, `partway` connected as `conn`.
const ADOPT: &str = r#"
        let nothing_recorded = |conn: &mut Database| Snapshot::capture(conn).unwrap().table("migrate_revisions").is_none();
        // sqlx's database is refused until it is adopted, with the command to adopt it.
        let refused = m.upgrade(&mut conn, "head").unwrap_err().to_string();
        assert!(refused.contains("`stamp --from-sqlx`"), "{kind}: {refused}");
        // A version no migration here has: refused, nothing recorded.
        exec(&mut conn, "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) SELECT 99, 'later', success, checksum, 0 FROM _sqlx_migrations WHERE version = 1");
        let err = m.stamp_from_sqlx(&mut conn).unwrap_err().to_string();
        assert!(err.contains("records 99, which no migration here has") && err.contains("import-sqlx <migrations dir>"), "{kind}: {err}");
        assert!(nothing_recorded(&mut conn), "{kind}");
        exec(&mut conn, "DELETE FROM _sqlx_migrations WHERE version = 99");
        // A file edited after sqlx ran it: refused, naming the version.
        // (MySQL updates a table from a copy, not from itself.)
        exec(&mut conn, "CREATE TABLE saved AS SELECT checksum FROM _sqlx_migrations WHERE version = 2; CREATE TABLE other AS SELECT checksum FROM _sqlx_migrations WHERE version = 1; UPDATE _sqlx_migrations SET checksum = (SELECT checksum FROM other) WHERE version = 2; DROP TABLE other");
        let err = m.stamp_from_sqlx(&mut conn).unwrap_err().to_string();
        assert!(err.contains("the checksum it records for 2 (") && err.contains("differs from the SQL of that migration here") && err.contains("restore the file as sqlx ran it"), "{kind}: {err}");
        assert!(nothing_recorded(&mut conn), "{kind}");
        exec(&mut conn, "UPDATE _sqlx_migrations SET checksum = (SELECT checksum FROM saved) WHERE version = 2; DROP TABLE saved");
        // A migration sqlx did not finish: refused.
        exec(&mut conn, "UPDATE _sqlx_migrations SET success = false WHERE version = 2");
        let err = m.stamp_from_sqlx(&mut conn).unwrap_err().to_string();
        assert!(err.contains("it records 2 as failed: sqlx stopped part way through"), "{kind}: {err}");
        exec(&mut conn, "UPDATE _sqlx_migrations SET success = true WHERE version = 2");
        // What sqlx ran (the CRLF file's checksum included), recorded; the rest run here.
        let stamped = m.stamp_from_sqlx(&mut conn).unwrap();
        assert_eq!(stamped.recorded, ["1", "2"], "{kind}");
        // Again, on the command line: nothing more to record.
        let code = migrate_runtime::cli::run_args(migrations(), Default::default(), ["migrate", "--database-url", partway, "stamp", "--from-sqlx"]);
        assert_eq!(code, std::process::ExitCode::SUCCESS, "{kind}");
        assert_eq!(m.stamp_from_sqlx(&mut conn).unwrap().recorded, Vec::<String>::new(), "{kind}");
        m.upgrade(&mut conn, "head").unwrap();
        assert_eq!(snapshot(partway).diff_schema(&snapshot(head)), [], "{kind}");
        // sqlx's table stays; the down files take it back to where sqlx started.
        assert!(Snapshot::capture(&mut conn).unwrap().table("_sqlx_migrations").is_some());
        m.downgrade(&mut conn, "base").unwrap();
        assert_eq!(snapshot(partway).diff_schema(&snapshot(empty)), [], "{kind}");
"#;

/// Writes the crate's migrations with `import-sqlx` and checks the files.
fn import_into(to: &Path) {
    let import = import::sqlx(Path::new(MIGRATIONS), to, "migrate_runtime").unwrap();
    let summary = import.to_string();
    let ids: Vec<&str> = import
        .migrations
        .iter()
        .map(|m| m.revision.as_str())
        .collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5"], "{summary}");
    assert!(
        summary.contains("5 sqlx migrations imported, chained in order"),
        "{summary}"
    );
    assert!(summary.contains("`stamp --from-sqlx`"), "{summary}");
    for m in &import.migrations {
        let check = Command::new("rustfmt")
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
        text("2"),
        "use migrate_runtime::{migration, op};\n\n/// create posts\n#[migration(revision = \"2\", down_revision = \"1\")]\nmod create_posts {\n    fn upgrade() {\n        op!(execute(file = \"sql/0002_create_posts.up.sql\"));\n    }\n\n    fn downgrade() {\n        op!(execute(file = \"sql/0002_create_posts.down.sql\"));\n    }\n}\n"
    );
    // `-- no-transaction` on the first line.
    assert!(
        text("3").contains(
            "#[migration(revision = \"3\", down_revision = \"2\", transactional = false)]"
        ),
        "{}",
        text("3")
    );
    assert!(to.join("sql/0005_create_tags.down.sql").is_file());
}

#[test]
fn a_sqlx_history_is_imported_adopted_and_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let krate = dir.path();
    import_into(&krate.join("src/migrations"));
    adopt(
        krate,
        Path::new(MIGRATIONS),
        &[
            ("sqlite", TestDatabase::sqlite as fn() -> TestDatabase),
            ("postgresql", TestDatabase::postgres),
        ],
    );
}

/// On MariaDB, from sqlx's own `mysql` driver: its table (a `BLOB`
/// checksum, a `BOOLEAN` success), DDL that commits statement by statement.
#[test]
fn a_mysql_sqlx_history_is_imported_adopted_and_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let krate = dir.path();
    let import = import::sqlx(
        Path::new(MYSQL_MIGRATIONS),
        &krate.join("src/migrations"),
        "migrate_runtime",
    )
    .unwrap();
    assert_eq!(import.migrations.len(), 5, "{import}");
    adopt(
        krate,
        Path::new(MYSQL_MIGRATIONS),
        &[("mysql", TestDatabase::mysql as fn() -> TestDatabase)],
    );
}

/// Builds the crate at `krate` (its migrations imported from `dir`) with a
/// program that adopts, per kind, a database sqlx migrated part way (the
/// first two versions), and checks it against one sqlx migrated to the end
/// and an empty one.
fn adopt(krate: &Path, dir: &Path, kinds: &[support::DatabaseKind]) {
    let first_two = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if name.starts_with("0001_") || name.starts_with("0002_") {
            std::fs::copy(&path, first_two.path().join(name)).unwrap();
        }
    }
    let mut dbs = Vec::new();
    for &(kind, database) in kinds {
        let (partway, head, empty) = (database(), database(), database());
        sqlx_run(first_two.path(), &partway);
        sqlx_run(dir, &head);
        dbs.push((kind, partway, head, empty));
    }
    let cases: Vec<_> = dbs.iter().map(|(k, p, h, e)| (*k, p, h, e)).collect();
    support::run_adoption_program(krate, &cases, "_sqlx_migrations", ADOPT);
}

#[test]
fn import_sqlx_simple_files_and_refusals() {
    let src = tempfile::tempdir().unwrap();
    let s = src.path();
    let file = |name: &str, text: &str| std::fs::write(s.join(name), text).unwrap();
    // Simple (no down): irreversible; versions in numeric order, not by name.
    file(
        "20240101120000_create_a.sql",
        "CREATE TABLE a (id INTEGER);\n",
    );
    file("9_first.sql", "-- no-transaction\nSELECT 1;\n");
    file("README.md", "not a migration\n");
    let out = tempfile::tempdir().unwrap();
    let to = out.path().join("m");
    let import = import::sqlx(s, &to, "migrate_runtime").unwrap();
    let text = |i: usize| std::fs::read_to_string(&import.migrations[i].file).unwrap();
    assert_eq!(import.migrations.len(), 2);
    assert!(text(0).contains("#[migration(\n    revision = \"9\",\n    down_revision = None,\n    transactional = false,\n    irreversible\n)]\nmod first {"), "{}", text(0));
    assert!(text(1).contains("#[migration(revision = \"20240101120000\", down_revision = \"9\", irreversible)]\nmod create_a {\n    fn upgrade() {\n        op!(execute(file = \"sql/20240101120000_create_a.sql\"));\n    }\n}\n"), "{}", text(1));

    // Names sqlx refuses too, said with the file.
    for (bad, why) in [
        ("x_init.sql", "`x` is not a version (a whole number)"),
        ("0003.sql", "no `_` after the version"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(bad), "SELECT 1;\n").unwrap();
        let err = import::sqlx(dir.path(), &out.path().join("x"), "migrate_runtime")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("cannot import the sqlx migrations: ")
                && err.contains(bad)
                && err.contains(why),
            "{err}"
        );
    }
    // A down file without its up file, and one version twice.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("1_a.down.sql"), "SELECT 1;\n").unwrap();
    let err = import::sqlx(dir.path(), &out.path().join("x"), "migrate_runtime")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("1_a.down.sql has no `.up.sql` beside it"),
        "{err}"
    );
    std::fs::write(dir.path().join("1_a.up.sql"), "SELECT 1;\n").unwrap();
    std::fs::write(dir.path().join("01_b.up.sql"), "SELECT 1;\n").unwrap();
    let err = import::sqlx(dir.path(), &out.path().join("x"), "migrate_runtime")
        .unwrap_err()
        .to_string();
    assert!(err.contains("have the same version 1"), "{err}");
    assert!(!out.path().join("x").exists());
}

#[test]
fn import_sqlx_on_the_command_line() {
    let out = tempfile::tempdir().unwrap();
    let to = out.path().join("migrations");
    let code = migrate_runtime::cli::run_args(
        fixture_alembic_names::migrations(),
        migrate_runtime::cli::Options::default(),
        [
            "migrate".to_string(),
            "import-sqlx".into(),
            MIGRATIONS.into(),
            "--to".into(),
            to.display().to_string(),
        ],
    );
    assert_eq!(code, std::process::ExitCode::SUCCESS);
    let module = std::fs::read_to_string(to.join("mod.rs")).unwrap();
    assert!(
        module.contains("mod r1_create_users;\nmod r2_create_posts;\n"),
        "{module}"
    );
    // No sqlx table: refused.
    let db = TestDatabase::sqlite();
    support::exec(&mut db.connect(), "CREATE TABLE t (id INTEGER)");
    let m = migrate_runtime::Migrator::new(fixture_alembic_names::migrations()).unwrap();
    let err = m
        .stamp_from_sqlx(&mut db.connect())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("there is no `_sqlx_migrations` table here"),
        "{err}"
    );
}
