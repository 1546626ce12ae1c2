//! The shop's command line, run as a user runs it, on SQLite and PostgreSQL:
//! the tour of the README, and bad input that must fail clearly and change
//! nothing.

use migrate_runtime::testing::{Snapshot, TestDatabase};
use std::path::{Path, PathBuf};
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

    let current = ok(&shop(url, &["current", "-v"]));
    assert!(
        current.contains("Rev: ")
            || current.starts_with("8b9c0d1e2f3a (head)\nParent: 7a8b9c0d1e2f"),
        "{current}"
    );
    assert!(current.contains("Applied: "), "{current}");
    let verbose = ok(&shop(url, &["history", "-v", "-r", "7a8b9c0d1e2f:"]));
    assert!(
        verbose.contains("Rev: 8b9c0d1e2f3a (head)")
            && verbose.contains("Rev: 7a8b9c0d1e2f (mergepoint)")
            && verbose.contains("Parent: 4d5e6f7a8b9c, 6f7a8b9c0d1e"),
        "{verbose}"
    );
    assert!(ok(&shop(url, &["heads", "-v"]))
        .contains("Path: examples/shop/src/migrations/r8b9c0d1e2f3a_audit_log.rs"));
    assert!(ok(&shop(url, &["branches", "-v"])).contains("    -> 4d5e6f7a8b9c, add orders"));
    // The live schema is what the migrations describe.
    let check = shop(url, &["check"]);
    ok(&check);
    assert!(
        String::from_utf8_lossy(&check.stderr).contains("No differences"),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let down = shop(url, &["downgrade", "-1"]);
    ok(&down);
    assert!(String::from_utf8_lossy(&down.stderr)
        .contains("Running downgrade 8b9c0d1e2f3a -> 7a8b9c0d1e2f, add audit log"));
    assert_eq!(ok(&shop(url, &["current"])), "7a8b9c0d1e2f\n");
    ok(&shop(url, &["downgrade", "base"]));
    assert_eq!(ok(&shop(url, &["current"])), "");
    // With the PostgreSQL statement timeouts (accepted on both databases).
    ok(&shop(
        url,
        &[
            "-q",
            "--ddl-lock-timeout",
            "5",
            "--statement-timeout",
            "60",
            "upgrade",
            "+2",
        ],
    ));
    assert_eq!(ok(&shop(url, &["current"])), "2b3c4d5e6f7a\n");
    ok(&shop(url, &["stamp", "head"]));
    assert_eq!(ok(&shop(url, &["current"])), "8b9c0d1e2f3a (head)\n");
    ok(&shop(url, &["stamp", "base", "--purge"]));
    ok(&shop(url, &["downgrade", "base"]));
    // Offline stamp: the SQL records the revisions without running them.
    let stamp_sql = ok(&shop(url, &["stamp", "3c4d", "--sql"]));
    assert_eq!(
        stamp_sql
            .matches("INSERT INTO \"migrate_revisions\"")
            .count(),
        3,
        "{stamp_sql}"
    );
    assert!(
        stamp_sql.contains("CREATE TABLE IF NOT EXISTS")
            && !stamp_sql.contains("CREATE TABLE \"users\""),
        "{stamp_sql}"
    );
    let purge_sql = ok(&shop(
        url,
        &["stamp", "1a2b", "--sql", "--from", "head", "--purge"],
    ));
    assert!(
        purge_sql.contains("DELETE FROM \"migrate_revisions\""),
        "{purge_sql}"
    );
    assert_eq!(purge_sql.matches("INSERT INTO").count(), 1, "{purge_sql}");

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
        (vec!["upgrade", "-1"], "use it with downgrade"),
        (vec!["upgrade", "orders@-1"], "use it with downgrade"),
        (vec!["downgrade", "+1"], "use it with upgrade"),
        (vec!["downgrade", "-9"], "only 4 are possible"),
        (vec!["upgrade", "+9"], "only 3 are possible"),
        (vec!["downgrade", "7a8b9c0d1e2f"], "it is not applied"),
        (vec!["downgrade", "head"], "it is not applied"),
        (vec!["upgrade", "head@x"], "is not `head`, `base`"),
        (
            vec!["upgrade", "roles@head"],
            "neither a branch label nor a revision",
        ),
        (vec!["upgrade", "1a2b:3c4d"], "1a2b:3c4d"),
        (vec!["stamp", "zzzz"], "unknown revision `zzzz`"),
        (vec!["stamp", "1a2"], "too short"),
        (vec!["history", "-r", "zzzz:"], "unknown revision `zzzz`"),
        (vec!["history", "-r", "a:b:c"], "a range has one `:`"),
        (vec!["show", "1a2"], "too short"),
        (
            vec!["downgrade", "base", "--sql", "--from", "zzzz"],
            "unknown revision `zzzz`",
        ),
        (
            vec!["stamp", "head", "--sql", "--from", "zzzz"],
            "unknown revision `zzzz`",
        ),
        (
            vec!["merge", "zzzz", "heads", "-m", "x"],
            "unknown revision `zzzz`",
        ),
        (
            vec!["merge", "heads", "-m", "x"],
            "a merge joins two or more",
        ),
        (
            vec!["merge", "4d5e", "6f7a", "-m", "x"],
            "4d5e6f7a8b9c is not a head",
        ),
        (
            vec!["revision", "-m", "x", "--head", "zzzz"],
            "unknown revision `zzzz`",
        ),
        (
            vec!["revision", "-m", "x", "--head", "3c4d"],
            "3c4d5e6f7a8b is not a head",
        ),
        (
            vec!["revision", "-m", "x", "--head", "base"],
            "a second root",
        ),
        (
            vec!["revision", "-m", "x", "--rev-id", "bad!id"],
            "not a valid revision",
        ),
        (
            vec!["revision", "-m", "x", "--rev-id", "head"],
            "it is a target word",
        ),
        (
            vec!["revision", "-m", "x", "--rev-id", "1a2b3c4d5e6f"],
            "already exists",
        ),
    ] {
        let err = fails(&shop(url, &args));
        assert!(
            err.starts_with("error: ") && err.contains(says),
            "{args:?}: {err}"
        );
        assert_eq!(state(&db), before, "{args:?} changed the database");
    }
    // Malformed and unreachable databases.
    let err = fails(&shop("mssql://u@h/db", &["current"]));
    assert!(err.contains("`mssql` is not a supported database"), "{err}");
    let err = fails(&shop("mysql://nobody@127.0.0.1:1/none", &["current"]));
    assert!(
        err.contains("cannot connect to mysql://nobody@127.0.0.1:1/none"),
        "{err}"
    );
    let err = fails(&shop("postgres://nobody@127.0.0.1:1/none", &["current"]));
    assert!(
        err.contains("cannot connect to postgres://nobody@127.0.0.1:1/none"),
        "{err}"
    );
    // A database at a revision this build does not know.
    exec(
        &db,
        &format!("INSERT INTO migrate_revisions (revision, checksum, duration_ms) VALUES ('f00dfeedbeef', '{}', 0)", "b".repeat(64)),
    );
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
    exec(
        &db,
        &format!(
            "UPDATE migrate_revisions SET checksum = '{}' WHERE revision = '1a2b3c4d5e6f'",
            "c".repeat(64)
        ),
    );
    let before = state(&db);
    let err = fails(&shop(url, &["upgrade", "head", "--allow-unknown-applied"]));
    assert!(
        err.contains("changed since it was applied") && err.contains("repair"),
        "{err}"
    );
    assert_eq!(state(&db), before);
    ok(&shop(url, &["-q", "repair", "1a2b3c4d5e6f"]));
    // No downgrade beneath a revision this build does not know, opt-in or not.
    let before = state(&db);
    let err = fails(&shop(url, &["downgrade", "-1", "--allow-unknown-applied"]));
    assert!(
        err.contains("f00dfeedbeef") && err.contains("run the downgrade with the build"),
        "{err}"
    );
    assert_eq!(state(&db), before);
    exec(
        &db,
        "DELETE FROM migrate_revisions WHERE revision = 'f00dfeedbeef'",
    );
    ok(&shop(url, &["-q", "downgrade", "-1"]));
}

fn exec(db: &TestDatabase, sql: &str) {
    use diesel::connection::SimpleConnection;
    match &mut db.connect() {
        migrate_runtime::Database::Postgres(c) => c.batch_execute(sql),
        migrate_runtime::Database::Sqlite(c) => c.batch_execute(sql),
        migrate_runtime::Database::Mysql(c) => c.batch_execute(sql),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The schema and the version table's rows read with plain SQL (the
/// migrator refuses a tampered table).
fn raw_state(db: &TestDatabase) -> (Snapshot, Vec<String>) {
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    use diesel::RunQueryDsl;
    let sql = "SELECT CAST(revision AS TEXT) AS value FROM migrate_revisions ORDER BY 1";
    let mut conn = db.connect();
    let snap = Snapshot::capture(&mut conn).unwrap();
    let rows: Vec<Row> = match &mut conn {
        migrate_runtime::Database::Postgres(c) => diesel::sql_query(sql).load(c),
        migrate_runtime::Database::Sqlite(c) => diesel::sql_query(sql).load(c),
        migrate_runtime::Database::Mysql(c) => {
            diesel::sql_query(sql.replace("AS TEXT", "AS CHAR")).load(c)
        }
    }
    .unwrap();
    (snap, rows.into_iter().map(|r| r.value).collect())
}

/// What the database itself refuses, and a version table edited by hand:
/// each a clear message, exit 1, and the schema and rows as they were.
fn database_refusals(db: TestDatabase) {
    let url = db.url();
    ok(&shop(url, &["-q", "upgrade", "5e6f7a8b9c0d"]));
    // A statement the database rejects: 6f7a8b9c0d1e creates `sessions`.
    exec(&db, "CREATE TABLE sessions (x INTEGER)");
    let before = raw_state(&db);
    let err = fails(&shop(url, &["upgrade", "6f7a8b9c0d1e"]));
    assert!(
        err.contains(
            "upgrade 6f7a8b9c0d1e (add sessions with UUID keys) failed at op 1 `create_table`"
        ) && err.contains("the database is still at 5e6f7a8b9c0d")
            && err.contains("record it with `stamp 6f7a8b9c0d1e`"),
        "{err}"
    );
    assert_eq!(raw_state(&db), before);
    exec(&db, "DROP TABLE sessions");

    // Truncated: an ancestor's row deleted.
    exec(
        &db,
        "DELETE FROM migrate_revisions WHERE revision = '2b3c4d5e6f7a'",
    );
    let before = raw_state(&db);
    for args in [&["upgrade", "head"][..], &["downgrade", "-1"], &["check"]] {
        let err = fails(&shop(url, args));
        assert!(
            err.contains(
                "revision 3c4d5e6f7a8b is recorded as applied, but its parent 2b3c4d5e6f7a is not"
            ) && err.contains("`stamp 5e6f7a8b9c0d`"),
            "{args:?}: {err}"
        );
        assert_eq!(raw_state(&db), before, "{args:?}");
    }
    ok(&shop(url, &["-q", "stamp", "5e6f7a8b9c0d"]));

    // Tampered: a column renamed, a checksum overwritten, a blank revision.
    for (tamper, says, undo) in [
        (
            "ALTER TABLE migrate_revisions RENAME COLUMN checksum TO sum",
            "reading it failed",
            "ALTER TABLE migrate_revisions RENAME COLUMN sum TO checksum",
        ),
        (
            "UPDATE migrate_revisions SET checksum = 'zz' WHERE revision = '3c4d5e6f7a8b'",
            "has checksum `zz`, which is not 64 hex digits",
            "",
        ),
        (
            "INSERT INTO migrate_revisions (revision, checksum, duration_ms) VALUES ('', 'x', 0)",
            "a row has an empty revision",
            "DELETE FROM migrate_revisions WHERE revision = ''",
        ),
    ] {
        exec(&db, tamper);
        let before = raw_state(&db);
        for args in [
            &["upgrade", "head"][..],
            &["downgrade", "base"],
            &["current"],
        ] {
            let err = fails(&shop(url, args));
            assert!(
                err.contains("the version table `migrate_revisions` is not as this tool writes it")
                    && err.contains(says)
                    && err.contains("nothing was changed"),
                "{tamper} / {args:?}: {err}"
            );
            assert_eq!(raw_state(&db), before, "{tamper} / {args:?}");
        }
        if undo.is_empty() {
            // `stamp --purge` rewrites every row, damaged ones included.
            ok(&shop(url, &["-q", "stamp", "5e6f7a8b9c0d", "--purge"]));
        } else {
            exec(&db, undo);
        }
    }
    // `stamp` rewrites the rows of known revisions.
    ok(&shop(url, &["-q", "stamp", "5e6f7a8b9c0d", "--purge"]));
    ok(&shop(url, &["-q", "upgrade", "head"]));
}

#[test]
fn database_refusals_on_sqlite() {
    database_refusals(TestDatabase::sqlite());
}

#[test]
fn database_refusals_on_postgres() {
    database_refusals(TestDatabase::postgres());
}

/// A SQLite file this process cannot write: tests run as root, which may
/// write anything, so the binary runs as the unprivileged `postgres` user
/// (which the machine image and `.ci/run` provide) on a root-owned file.
#[test]
fn a_database_file_the_process_cannot_write() {
    let dir = std::env::temp_dir().join(format!("shop-readonly-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("shop.db");
    let url = format!("sqlite:///{}", file.display());
    ok(&shop(&url, &["-q", "upgrade", "3c4d5e6f7a8b"]));
    // The binary is copied where the other user may run it (the build
    // directory may be private).
    let bin = dir.join("shop");
    std::fs::copy(env!("CARGO_BIN_EXE_shop"), &bin).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let db_state = || {
        let mut conn = migrate_runtime::Database::connect(&url).unwrap();
        let snap = Snapshot::capture(&mut conn).unwrap();
        let rows: Vec<String> = migrate_runtime::Migrator::new(shop::migrations())
            .unwrap()
            .applied(&mut conn)
            .unwrap()
            .into_iter()
            .map(|r| r.revision)
            .collect();
        (snap, rows)
    };
    let before = db_state();
    let out = Command::new("runuser")
        .args(["-u", "postgres", "--"])
        .arg(&bin)
        .args(["--database-url", &url, "upgrade", "head"])
        .env_remove("DATABASE_URL")
        .output()
        .expect("runuser (util-linux) runs the binary as another user");
    let err = fails(&out);
    assert!(
        err.contains("readonly database")
            && err.contains("the database is still at 3c4d5e6f7a8b")
            && err.contains("help: this process cannot write the database"),
        "{err}"
    );
    assert_eq!(db_state(), before);
    std::fs::remove_dir_all(&dir).unwrap();
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

/// The URL comes from `--database-url`, else `DATABASE_URL`; a SQLite file
/// may be a bare path; `-q` leaves only errors.
#[test]
fn database_url_from_the_environment_and_bare_paths() {
    let db = TestDatabase::sqlite();
    let path = db.url().trim_start_matches("sqlite:///").to_string();
    let run = |args: &[&str], env: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_shop"));
        cmd.args(args).env_remove("DATABASE_URL");
        if let Some(url) = env {
            cmd.env("DATABASE_URL", url);
        }
        cmd.output().unwrap()
    };
    let out = run(&["-q", "upgrade", "3c4d"], Some(db.url()));
    ok(&out);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(ok(&run(&["current"], Some(&path))), "3c4d5e6f7a8b\n");
    // The flag wins over the environment.
    assert_eq!(
        ok(&run(
            &["--database-url", &path, "current"],
            Some("postgres://nobody@127.0.0.1:1/none")
        )),
        "3c4d5e6f7a8b\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    for (args, says) in [
        (&["upgrad"][..], "unrecognized subcommand"),
        (&["current", "--bogus"], "unexpected argument '--bogus'"),
        (
            &["--statement-timeout", "nan", "upgrade"],
            "not a positive number of seconds",
        ),
        (
            &["--ddl-lock-timeout", "0", "upgrade"],
            "not a positive number of seconds",
        ),
        (&["downgrade", "base", "--sql"], "--from <REV>"),
        (&["merge", "-m", "x"], "<REVISIONS>..."),
        (&["revision"], "--message <MESSAGE>"),
        (
            &["upgrade", "heads", "--sql", "--dialect", "oracle"],
            "invalid value 'oracle' for '--dialect <DIALECT>'\n  [possible values: postgresql, sqlite, mysql]",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_shop"))
            .args(args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

/// `check` compares the live schema with the migrations' and reports what
/// was changed outside them, changing nothing itself (on PostgreSQL its
/// scratch schema is rolled back).
fn check_finds_changes_made_outside_migrations(db: TestDatabase) {
    let url = db.url();
    ok(&shop(url, &["-q", "upgrade", "head"]));
    exec(
        &db,
        "ALTER TABLE products ADD COLUMN colour VARCHAR(20); DROP INDEX ix_audit_log_table_name",
    );
    let before = state(&db);
    let err = fails(&shop(url, &["check"]));
    assert!(
        err.contains("differs from the schema its migrations describe at 8b9c0d1e2f3a")
            && err.contains("column `products.colour`: absent vs present")
            && err.contains("index `ix_audit_log_table_name`")
            && err.contains("revision -m"),
        "{err}"
    );
    assert_eq!(state(&db), before, "check changed the database");
    // Other tools' version tables are left out, and said so; others with
    // --exclude-table.
    exec(
        &db,
        "ALTER TABLE products DROP COLUMN colour; CREATE INDEX ix_audit_log_table_name ON audit_log (table_name); \
         CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL); CREATE TABLE notes_by_hand (id INTEGER)",
    );
    let err = fails(&shop(url, &["check"]));
    assert!(
        err.contains("table `notes_by_hand`: absent vs present")
            && !err.contains("`alembic_version`"),
        "{err}"
    );
    let out = shop(
        url,
        &[
            "check",
            "--exclude-table",
            "notes_by_hand",
            "--exclude-table",
            "x",
        ],
    );
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("note: alembic_version, notes_by_hand are not compared")
            && stderr.contains("No differences"),
        "{stderr}"
    );
}

#[test]
fn check_on_sqlite() {
    check_finds_changes_made_outside_migrations(TestDatabase::sqlite());
}

#[test]
fn check_on_postgres() {
    check_finds_changes_made_outside_migrations(TestDatabase::postgres());
}

/// A copy of the shop's migration files under a new directory, laid out as
/// in the workspace (the binary finds them by the paths the compiler
/// recorded); returns that directory and the copy's migrations folder.
fn copy_of_the_migrations(name: &str) -> (PathBuf, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let tmp = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let dir = tmp.join("examples/shop/src/migrations");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(root.join("examples/shop/src/migrations")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    (tmp, dir)
}

/// The shop binary run in `dir`, with no database named.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shop"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// `revision` and `merge` write migration files beside the head's and
/// declare them, in a copy of the shop's sources (the binary finds them by
/// the paths the compiler recorded, relative to the workspace root).
#[test]
fn revision_and_merge_write_migration_files() {
    let (tmp, dir) = copy_of_the_migrations("shop-scaffold");
    let run = |args: &[&str]| run_in(&tmp, args);
    let out = ok(&run(&[
        "revision",
        "-m",
        "Add role to users",
        "--rev-id",
        "9c0d1e2f3a4b",
    ]));
    let file = dir.join("r9c0d1e2f3a4b_add_role_to_users.rs");
    assert_eq!(
        out,
        format!(
            "Generating examples/shop/src/migrations/r9c0d1e2f3a4b_add_role_to_users.rs ... done\n\
             Revision 9c0d1e2f3a4b: declared in examples/shop/src/migrations/mod.rs; build to compile it in.\n"
        )
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("/// Add role to users\n#[migration(revision = \"9c0d1e2f3a4b\", down_revision = \"8b9c0d1e2f3a\")]\nmod add_role_to_users {"),
        "{text}"
    );
    let module = std::fs::read_to_string(dir.join("mod.rs")).unwrap();
    assert!(
        module.ends_with("mod r8b9c0d1e2f3a_audit_log;\nmod r9c0d1e2f3a4b_add_role_to_users;\n"),
        "{module}"
    );
    // A fresh id when none is given: 12 hexadecimal digits, as Alembic's.
    let out = ok(&run(&[
        "revision",
        "-m",
        "side table",
        "--head",
        "3c4d",
        "--branch-label",
        "side",
    ]));
    let id = out
        .split("Revision ")
        .nth(1)
        .and_then(|s| s.split(':').next())
        .unwrap()
        .to_string();
    assert!(
        id.len() == 12 && id.chars().all(|c| c.is_ascii_hexdigit()),
        "{out}"
    );
    let text = std::fs::read_to_string(dir.join(format!("r{id}_side_table.rs"))).unwrap();
    assert!(
        text.contains("down_revision = \"3c4d5e6f7a8b\", branch = \"side\")]"),
        "{text}"
    );
    // The binary still has the compiled-in set (one head): a merge of the
    // new revisions is written from ids.
    let out = ok(&run(&[
        "merge",
        "8b9c",
        "4d5e",
        "-m",
        "join",
        "--branch-label",
        "joined",
        "--rev-id",
        "aa11",
    ]));
    assert!(out.contains("raa11_join.rs"), "{out}");
    let text = std::fs::read_to_string(dir.join("raa11_join.rs")).unwrap();
    assert!(
        text.contains("down_revision = [\"8b9c0d1e2f3a\", \"4d5e6f7a8b9c\"], branch = \"joined\")]\nmod join {\n    fn upgrade() {}\n}"),
        "{text}"
    );
    // Refusals write nothing.
    let files = std::fs::read_dir(&dir).unwrap().count();
    let module = std::fs::read_to_string(dir.join("mod.rs")).unwrap();
    let err = fails(&run(&[
        "revision",
        "-m",
        "again",
        "--head",
        "aa11",
        "--rev-id",
        "9c0d1e2f3a4b",
    ]));
    assert!(
        err.contains("revision 9c0d1e2f3a4b already exists in examples/shop/src/migrations/r9c0d1e2f3a4b_add_role_to_users.rs"),
        "{err}"
    );
    let err = fails(&run(&[
        "revision", "-m", "x", "--head", "aa11", "--dir", "nowhere",
    ]));
    assert!(err.contains("nowhere is not a directory"), "{err}");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), files);
    assert_eq!(std::fs::read_to_string(dir.join("mod.rs")).unwrap(), module);
    // Run from elsewhere, the sources are not found: say so.
    let err = fails(
        &Command::new(env!("CARGO_BIN_EXE_shop"))
            .args(["revision", "-m", "x"])
            .current_dir(std::env::temp_dir())
            .output()
            .unwrap(),
    );
    assert!(err.contains("are not found from this directory"), "{err}");
    std::fs::remove_dir_all(&tmp).unwrap();
}

/// Alembic's second `revision` follows the first; here too, although the
/// binary was not rebuilt in between and so does not hold the first.
#[test]
fn a_second_revision_before_a_build_follows_the_first() {
    let (tmp, dir) = copy_of_the_migrations("shop-scaffold-twice");
    let run = |args: &[&str]| run_in(&tmp, args);
    ok(&run(&[
        "revision",
        "-m",
        "first",
        "--rev-id",
        "f1f1f1f1f1f1",
    ]));
    let out = ok(&run(&["revision", "-m", "second"]));
    let id = out
        .split("Revision ")
        .nth(1)
        .and_then(|s| s.split(':').next())
        .unwrap()
        .to_string();
    assert_ne!(id, "f1f1f1f1f1f1");
    let text = std::fs::read_to_string(dir.join(format!("r{id}_second.rs"))).unwrap();
    assert!(
        text.contains(&format!(
            "#[migration(revision = \"{id}\", down_revision = \"f1f1f1f1f1f1\")]"
        )),
        "{text}"
    );
    assert!(
        text.starts_with("use migrate_runtime::{migration, op};\n"),
        "{text}"
    );
    // The compiled head is no longer a head on disk.
    let err = fails(&run(&["revision", "-m", "third", "--head", "8b9c0d1e2f3a"]));
    assert!(err.contains("8b9c0d1e2f3a is not a head"), "{err}");
    // `--head` names a revision written since the build.
    ok(&run(&[
        "revision",
        "-m",
        "beside",
        "--head",
        "f1f1f1f1f1f1",
        "--branch-label",
        "beside",
        "--rev-id",
        "b2b2",
    ]));
    let text = std::fs::read_to_string(dir.join("rb2b2_beside.rs")).unwrap();
    assert!(
        text.contains("down_revision = \"f1f1f1f1f1f1\", branch = \"beside\")]"),
        "{text}"
    );
    // `merge heads` joins the heads on disk.
    ok(&run(&["merge", "heads", "-m", "join", "--rev-id", "c3c3"]));
    let text = std::fs::read_to_string(dir.join("rc3c3_join.rs")).unwrap();
    assert!(
        text.contains(&format!("down_revision = [\"{id}\", \"b2b2\"])]"))
            || text.contains(&format!("down_revision = [\"b2b2\", \"{id}\"])]")),
        "{text}"
    );
    std::fs::remove_dir_all(&tmp).unwrap();
}

/// `--rev-id` takes a UUID-form id (Alembic accepts them): the file and its
/// module are named with `_` for `-`, the attribute keeps the id, and a
/// second revision follows it.
#[test]
fn revision_takes_uuid_form_ids() {
    let (tmp, dir) = copy_of_the_migrations("shop-scaffold-uuid");
    let run = |args: &[&str]| run_in(&tmp, args);
    let uuid = "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b";
    let out = ok(&run(&["revision", "-m", "add phone", "--rev-id", uuid]));
    let stem = "r3f2b8c1e_5d4a_4e6f_9a7b_1c2d3e4f5a6b_add_phone";
    assert!(out.contains(&format!("{stem}.rs ... done")), "{out}");
    let text = std::fs::read_to_string(dir.join(format!("{stem}.rs"))).unwrap();
    assert!(
        text.contains(&format!(
            "#[migration(revision = \"{uuid}\", down_revision = \"8b9c0d1e2f3a\")]\nmod add_phone {{"
        )),
        "{text}"
    );
    let module = std::fs::read_to_string(dir.join("mod.rs")).unwrap();
    assert!(module.ends_with(&format!("mod {stem};\n")), "{module}");
    ok(&run(&[
        "revision",
        "-m",
        "add fax",
        "--head",
        uuid,
        "--rev-id",
        "c0ffee00-0000-4000-8000-000000000000",
    ]));
    let text =
        std::fs::read_to_string(dir.join("rc0ffee00_0000_4000_8000_000000000000_add_fax.rs"))
            .unwrap();
    assert!(
        text.contains(&format!("down_revision = \"{uuid}\")]")),
        "{text}"
    );
    let err = fails(&run(&["revision", "-m", "x", "--rev-id=-1a"]));
    assert!(err.contains("starts with `-`"), "{err}");
    std::fs::remove_dir_all(&tmp).unwrap();
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

/// The README's tour prints what the tool prints: each `$ cargo run -p shop
/// -- ...` of its "Run it" block runs on one SQLite file, and its output
/// matches the lines shown (`...` stands for any lines; durations vary).
#[test]
fn the_readme_tour_shows_what_the_tool_prints() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../README.md"))
            .unwrap();
    let block = readme
        .split("**5. Run it.**")
        .nth(1)
        .and_then(|rest| rest.split("```text\n").nth(1))
        .and_then(|rest| rest.split("\n```").next())
        .expect("the README's tour has a `Run it` block");
    let mut commands: Vec<(Vec<&str>, Vec<&str>)> = Vec::new();
    for line in block.lines() {
        match line.strip_prefix("$ cargo run -p shop -- ") {
            Some(args) => commands.push((args.split(' ').collect(), Vec::new())),
            None if line.starts_with('$') => commands.push((Vec::new(), Vec::new())),
            None => commands.last_mut().unwrap().1.push(line),
        }
    }
    let db = TestDatabase::sqlite();
    let normal = |line: &str| -> String {
        match line.split_once("... done in ") {
            Some((head, _)) => format!("{head}... done in N"),
            None => line.to_string(),
        }
    };
    let mut ran = 0;
    for (args, expected) in commands {
        // Lines the tour shows without running here: a redirect, another URL.
        if args.is_empty() || args.contains(&">") {
            continue;
        }
        let out = shop(db.url(), &args);
        ok(&out);
        ran += 1;
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        let actual: Vec<String> = printed.lines().map(normal).collect();
        let expected: Vec<String> = expected.iter().map(|l| normal(l)).collect();
        assert!(
            matches_with_ellipsis(&expected, &actual),
            "`{}`: the README shows\n{}\nthe tool prints\n{}",
            args.join(" "),
            expected.join("\n"),
            actual.join("\n")
        );
    }
    assert!(ran >= 5, "the tour ran {ran} commands");
}

/// `expected` equals `actual`, where a line `...` of `expected` stands for
/// any number of lines.
fn matches_with_ellipsis(expected: &[String], actual: &[String]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| matches_with_ellipsis(rest, &actual[skip..]))
        }
        Some((first, rest)) => {
            actual.first() == Some(first) && matches_with_ellipsis(rest, &actual[1..])
        }
    }
}
/// The shop binary in `dir`, with no `DATABASE_URL`.
fn shop_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shop"))
        .args(args)
        .env_remove("DATABASE_URL")
        .current_dir(dir)
        .output()
        .unwrap()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// Progress lines never stop a migration (`upgrade head 2>&1 | head -1`,
/// `2>/dev/full`): the run finishes and exits with the migration's status.
#[test]
fn a_full_or_closed_stderr_does_not_stop_a_migration() {
    use std::io::BufRead;
    use std::process::Stdio;
    let upgrade = |url: &str| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_shop"));
        cmd.args(["--database-url", url, "upgrade", "head"])
            .env_remove("DATABASE_URL")
            .stdout(Stdio::null());
        cmd
    };
    let head = "8b9c0d1e2f3a (head)\n";
    // Every write fails with ENOSPC.
    let db = TestDatabase::sqlite();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let status = upgrade(db.url()).stderr(full).status().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(ok(&shop(db.url(), &["current"])), head);
    // A reader that is gone before the first line: every write fails with EPIPE.
    let db = TestDatabase::sqlite();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = upgrade(db.url()).stderr(writer).status().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(ok(&shop(db.url(), &["current"])), head);
    // `| head -1`: the reader takes one line and goes.
    let db = TestDatabase::sqlite();
    let (reader, writer) = std::io::pipe().unwrap();
    let mut child = upgrade(db.url()).stderr(writer).spawn().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(reader)
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.starts_with("Running upgrade  -> 1a2b3c4d5e6f"),
        "{line}"
    );
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert_eq!(ok(&shop(db.url(), &["current"])), head);
}

/// Results on stdout: a reader that has gone ends the command quietly (as
/// other Unix tools); a script that cannot be written fails, and nothing
/// panics.
#[test]
fn a_closed_or_full_stdout_ends_quietly() {
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str], stdout: Stdio| {
        Command::new(env!("CARGO_BIN_EXE_shop"))
            .args(args)
            .env_remove("DATABASE_URL")
            .current_dir(dir.path())
            .stdout(stdout)
            .output()
            .unwrap()
    };
    let closed = || {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        Stdio::from(writer)
    };
    for args in [&["history"][..], &["heads"], &["show", "4d5e"]] {
        let out = run(args, closed());
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
    let sql = ["upgrade", "head", "--sql", "--dialect", "sqlite"];
    let out = run(&sql, closed());
    assert_ne!(out.status.code(), Some(101), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let err = fails(&run(&sql, Stdio::from(full)));
    assert!(
        err.starts_with("error: cannot write the output") && !err.contains("panicked"),
        "{err}"
    );
    assert_eq!(files_in(dir.path()), Vec::<String>::new());
}

/// A URL the tool does not recognise is an error naming the accepted forms,
/// never a new SQLite file.
#[test]
fn unrecognised_urls_create_no_database() {
    let dir = tempfile::tempdir().unwrap();
    for (url, says) in [
        (
            "shop.bd",
            "no such file, and a new SQLite file's name must end in",
        ),
        ("shop", "no such file"),
        ("mssql://u@h/db", "`mssql` is not a supported database"),
        (
            "postgres//u@h/db",
            "a PostgreSQL URL starts with `postgres://`",
        ),
        (
            "postgresql:/u@h/db",
            "a PostgreSQL URL starts with `postgres://`",
        ),
        ("sqlite://", "it names no file"),
    ] {
        for command in ["upgrade", "current"] {
            let err = fails(&shop_in(dir.path(), &["--database-url", url, command]));
            assert!(
                err.contains(&format!("invalid database URL `{url}`"))
                    && err.contains(says)
                    && err.contains("help: use `postgres://")
                    && err.contains("a libpq string")
                    && err.contains("`sqlite:///relative/path.db`")
                    && err.contains("`.sqlite3`"),
                "{url} {command}: {err}"
            );
            assert_eq!(
                files_in(dir.path()),
                Vec::<String>::new(),
                "{url} {command}"
            );
        }
    }
}

/// Commands that only read never create a database: a missing file is an
/// error saying so.
#[test]
fn read_only_commands_on_a_missing_file_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let abs = dir.path().join("abs.db");
    for url in [
        "missing.db".to_string(),
        "sqlite:///missing.db".to_string(),
        format!("sqlite:///{}", abs.display()),
    ] {
        for args in [
            &["current"][..],
            &["history", "-i"],
            &["check"],
            &["downgrade", "base"],
            &["repair", "1a2b"],
        ] {
            let out = shop_in(dir.path(), &[&["--database-url", &url][..], args].concat());
            let err = fails(&out);
            assert!(
                err.contains("does not exist")
                    && err.contains("help: check the path")
                    && err.contains("`upgrade` creates it")
                    && !err.contains("server"),
                "{url} {args:?}: {err}"
            );
            assert_eq!(files_in(dir.path()), Vec::<String>::new(), "{url} {args:?}");
        }
    }
}

/// SQLAlchemy's spellings: `sqlite:///x.db` is the relative path `x.db`,
/// `sqlite:////abs/x.db` the absolute one; the old `sqlite://` + absolute
/// path is refused with the spelling it needs.
#[test]
fn sqlite_urls_mean_what_sqlalchemy_users_expect() {
    let dir = tempfile::tempdir().unwrap();
    ok(&shop_in(
        dir.path(),
        &[
            "--database-url",
            "sqlite:///relative-x.db",
            "-q",
            "upgrade",
            "+1",
        ],
    ));
    assert_eq!(files_in(dir.path()), ["relative-x.db"]);
    let abs = dir.path().join("abs.db");
    let four = format!(
        "sqlite:////{}",
        abs.display().to_string().trim_start_matches('/')
    );
    ok(&shop_in(
        dir.path(),
        &["--database-url", &four, "-q", "upgrade", "+1"],
    ));
    assert!(abs.is_file());
    let three = format!("sqlite://{}", abs.display());
    let err = fails(&shop_in(dir.path(), &["--database-url", &three, "upgrade"]));
    assert!(err.contains(&format!("`{four}`")), "{err}");
    for url in [
        abs.display().to_string(),
        format!("sqlite:{}", abs.display()),
        "sqlite:relative-x.db".into(),
        "sqlite://relative-x.db".into(),
        "relative-x.db".into(),
    ] {
        assert_eq!(
            ok(&shop_in(dir.path(), &["--database-url", &url, "current"])),
            "1a2b3c4d5e6f\n",
            "{url}"
        );
    }
    // An existing file is SQLite whatever its name.
    std::fs::rename(dir.path().join("relative-x.db"), dir.path().join("plain")).unwrap();
    assert_eq!(
        ok(&shop_in(
            dir.path(),
            &["--database-url", "plain", "current"]
        )),
        "1a2b3c4d5e6f\n"
    );
}

/// libpq keyword strings and SQLAlchemy's `postgresql+driver://` are
/// PostgreSQL; no form of a password is printed, the driver's message
/// included.
#[test]
fn postgres_spellings_and_no_password_printed() {
    let dir = tempfile::tempdir().unwrap();
    for (url, shown) in [
        (
            "host=127.0.0.1 port=1 dbname=none user=nobody password=secret",
            "host=127.0.0.1 port=1 dbname=none user=nobody password=***",
        ),
        (
            "host=127.0.0.1 port=1 password='se cret' dbname=none",
            "host=127.0.0.1 port=1 password=*** dbname=none",
        ),
        (
            "postgresql+psycopg2://nobody:secret@127.0.0.1:1/none",
            "postgresql+psycopg2://nobody:***@127.0.0.1:1/none",
        ),
        (
            "postgres://nobody@127.0.0.1:1/none?password=secret",
            "postgres://nobody@127.0.0.1:1/none?password=***",
        ),
        (
            "postgres://nobody:se%zzcret@127.0.0.1:1/none",
            "postgres://nobody:***@127.0.0.1:1/none",
        ),
    ] {
        for command in ["current", "upgrade"] {
            let err = fails(&shop_in(dir.path(), &["--database-url", url, command]));
            assert!(
                err.contains(&format!("cannot connect to {shown}"))
                    && !err.contains("secret")
                    && !err.contains("cret")
                    && err.contains("check that the server is running"),
                "{url} {command}: {err}"
            );
        }
    }
    for url in [
        "postgres//nobody:secret@127.0.0.1:1/none",
        "postgresql:/nobody:secret@127.0.0.1:1/none",
        "oracle://nobody:secret@h/db",
    ] {
        let err = fails(&shop_in(dir.path(), &["--database-url", url, "current"]));
        assert!(
            err.contains("nobody:***@") && !err.contains("secret"),
            "{url}: {err}"
        );
    }
    assert_eq!(files_in(dir.path()), Vec::<String>::new());
}

#[test]
fn version_flag() {
    let out = Command::new(env!("CARGO_BIN_EXE_shop"))
        .arg("--version")
        .output()
        .unwrap();
    let text = ok(&out);
    let version = text
        .strip_prefix("shop (migrate-runtime ")
        .and_then(|v| v.strip_suffix(")\n"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        version.split('.').count() == 3 && version.split('.').all(|n| n.parse::<u32>().is_ok()),
        "{text}"
    );
}

/// `--lock-timeout` takes fractions as the other timeouts, and is honoured.
#[test]
fn lock_timeout_takes_fractions() {
    use diesel::connection::SimpleConnection;
    let db = TestDatabase::sqlite();
    ok(&shop(
        db.url(),
        &["-q", "--lock-timeout", "0.5", "upgrade", "+1"],
    ));
    let mut holder = db.connect();
    match &mut holder {
        migrate_runtime::Database::Sqlite(c) => c.batch_execute("BEGIN EXCLUSIVE").unwrap(),
        _ => unreachable!(),
    }
    let started = std::time::Instant::now();
    let err = fails(&shop(
        db.url(),
        &["--lock-timeout", "0.3", "upgrade", "head"],
    ));
    let waited = started.elapsed();
    assert!(err.contains("timed out after"), "{err}");
    // The library's help names the Migrator's setting; the CLI adds its flag.
    assert!(
        err.contains("(`Migrator::lock_timeout`)")
            && err.contains("help: on the command line, `--lock-timeout <SECONDS>`"),
        "{err}"
    );
    assert!(
        waited >= std::time::Duration::from_millis(300)
            && waited < std::time::Duration::from_secs(10),
        "{waited:?}"
    );
    drop(holder);
    assert_eq!(ok(&shop(db.url(), &["current"])), "1a2b3c4d5e6f\n");
    let out = shop(db.url(), &["--lock-timeout", "soon", "current"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a positive number of seconds"));
}

/// `stamp` says which revisions it removed from the version table.
#[test]
fn stamp_says_what_it_deleted() {
    let db = TestDatabase::sqlite();
    let url = db.url();
    ok(&shop(url, &["-q", "upgrade", "head"]));
    let out = shop(url, &["stamp", "3c4d"]);
    ok(&out);
    let err = stderr(&out);
    assert!(
        err.contains("Deleted 5 revisions from the version table: ")
            && [
                "4d5e6f7a8b9c",
                "5e6f7a8b9c0d",
                "6f7a8b9c0d1e",
                "7a8b9c0d1e2f",
                "8b9c0d1e2f3a"
            ]
            .iter()
            .all(|r| err.contains(r))
            && err.contains("Stamped 0 revisions up to 3c4d."),
        "{err}"
    );
    exec(
        &db,
        &format!("INSERT INTO migrate_revisions (revision, checksum, duration_ms) VALUES ('f00dfeedbeef', '{}', 0)", "b".repeat(64)),
    );
    let out = shop(url, &["stamp", "3c4d", "--purge"]);
    ok(&out);
    let err = stderr(&out);
    assert!(
        err.contains("Deleted 1 revision from the version table: f00dfeedbeef\n")
            && err.contains("Stamped 3 revisions up to 3c4d."),
        "{err}"
    );
    let out = shop(url, &["stamp", "head"]);
    ok(&out);
    assert_eq!(stderr(&out), "Stamped 5 revisions up to head.\n");
}

/// A SQLite file that cannot be opened: the help is about the path, not a
/// server.
#[test]
fn sqlite_connect_errors_speak_of_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("adir.db")).unwrap();
    for (url, says) in [
        ("nodir/x.db", "the directory `nodir` does not exist"),
        ("adir.db", "adir.db"),
    ] {
        let err = fails(&shop_in(dir.path(), &["--database-url", url, "upgrade"]));
        assert!(
            err.contains(says) && err.contains("help: check the path") && !err.contains("server"),
            "{url}: {err}"
        );
    }
}

/// A libpq keyword string and SQLAlchemy's `postgresql+psycopg2://` reach
/// the same PostgreSQL database as the URL.
#[test]
fn libpq_keyword_strings_and_sqlalchemy_urls_are_postgres() {
    let db = TestDatabase::postgres();
    let rest = db.url().strip_prefix("postgres://").unwrap();
    let (user, rest) = rest.split_once('@').unwrap();
    let (host, rest) = rest.split_once(':').unwrap();
    let (port, name) = rest.split_once('/').unwrap();
    let (user, password) = user.split_once(':').unwrap_or((user, ""));
    let keywords =
        format!("host={host} port={port} user={user} password='{password}' dbname={name}");
    ok(&shop(&keywords, &["-q", "upgrade", "head"]));
    assert_eq!(ok(&shop(&keywords, &["current"])), "8b9c0d1e2f3a (head)\n");
    let sqlalchemy = db.url().replace("postgres://", "postgresql+psycopg2://");
    assert_eq!(
        ok(&shop(&sqlalchemy, &["current"])),
        "8b9c0d1e2f3a (head)\n"
    );
    assert_eq!(ok(&shop(db.url(), &["current"])), "8b9c0d1e2f3a (head)\n");
}

/// `--help` documents every form of `--database-url`.
#[test]
fn database_url_help_names_every_form() {
    let out = Command::new(env!("CARGO_BIN_EXE_shop"))
        .arg("--help")
        .output()
        .unwrap();
    let help = ok(&out);
    for form in [
        "postgres://user:pass@host:5432/db",
        "postgresql+psycopg2://",
        "libpq keyword",
        "sqlite:///x.db is the relative path x.db",
        "sqlite:////abs/x.db the absolute path",
        "sqlite://x.db",
        "sqlite:x.db",
        "sqlite:/abs/x.db",
        ":memory:",
        ".sqlite3",
        "existing file",
        "only upgrade and stamp create",
    ] {
        assert!(help.contains(form), "{form}: {help}");
    }
}

/// `revision --autogenerate --from-database URL` writes the ops that take
/// the migrations' schema at their heads to a development database's;
/// `check --from-database URL` is the CI gate for the same comparison.
#[test]
fn autogenerate_writes_what_a_development_database_changed() {
    let (tmp, dir) = copy_of_the_migrations("shop-autogenerate");
    let run = |args: &[&str]| run_in(&tmp, args);
    let dev = TestDatabase::sqlite();
    ok(&shop(dev.url(), &["-q", "upgrade", "head"]));
    let files = std::fs::read_dir(&dir).unwrap().count();
    // Nothing changed yet: nothing written, exit 0; the gate passes.
    let out = run(&[
        "revision",
        "--autogenerate",
        "--from-database",
        dev.url(),
        "-m",
        "x",
    ]);
    ok(&out);
    assert!(
        stderr(&out).contains("No changes detected"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), files);
    ok(&run(&["check", "--from-database", dev.url()]));
    // A developer changes the database by hand.
    exec(
        &dev,
        "ALTER TABLE products ADD COLUMN colour VARCHAR(20); \
         CREATE INDEX ix_products_colour ON products (colour); \
         DROP INDEX ix_audit_log_table_name; \
         CREATE VIEW cheap AS SELECT id FROM products",
    );
    let err = fails(&run(&["check", "--from-database", dev.url()]));
    assert!(
        err.contains("column `products.colour`: absent vs present")
            && err.contains("index `ix_audit_log_table_name` on `audit_log`: present vs absent"),
        "{err}"
    );
    let generate = |rev: &str| {
        run(&[
            "revision",
            "--autogenerate",
            "--from-database",
            dev.url(),
            "-m",
            "add colour",
            "--rev-id",
            rev,
        ])
    };
    let out = generate("c0c0c0c0c0c0");
    ok(&out);
    // What no op expresses is said, never lost.
    assert!(
        stderr(&out).contains("note: ") && stderr(&out).contains("cheap"),
        "{}",
        stderr(&out)
    );
    let text = std::fs::read_to_string(dir.join("rc0c0c0c0c0c0_add_colour.rs")).unwrap();
    assert!(
        text.starts_with("use migrate_runtime::{migration, op};\n\n/// add colour\n#[migration(revision = \"c0c0c0c0c0c0\", down_revision = \"8b9c0d1e2f3a\")]\nmod add_colour {\n    fn upgrade() {\n"),
        "{text}"
    );
    for op in [
        "        op!(drop_index(\n            \"ix_audit_log_table_name\",\n            \"audit_log\",\n            [\"table_name\"]\n        ));\n",
        "        op!(add_column(\"products\", Column(\"colour\", String(20))));\n",
        "        op!(create_index(\"ix_products_colour\", \"products\", [\"colour\"]));\n",
    ] {
        assert!(text.contains(op), "{op}\n{text}");
    }
    assert!(
        text.contains("// note: ") && text.contains("cheap"),
        "{text}"
    );
    // The same database gives the same file, byte for byte.
    std::fs::remove_file(dir.join("rc0c0c0c0c0c0_add_colour.rs")).unwrap();
    let module = std::fs::read_to_string(dir.join("mod.rs")).unwrap();
    std::fs::write(
        dir.join("mod.rs"),
        module.replace("mod rc0c0c0c0c0c0_add_colour;\n", ""),
    )
    .unwrap();
    ok(&generate("c0c0c0c0c0c0"));
    assert_eq!(
        std::fs::read_to_string(dir.join("rc0c0c0c0c0c0_add_colour.rs")).unwrap(),
        text
    );
    // A database below the heads is refused: its differences would be the
    // migrations it has not run.
    let behind = TestDatabase::sqlite();
    ok(&shop(behind.url(), &["-q", "upgrade", "7a8b9c0d1e2f"]));
    let err = fails(&run(&[
        "revision",
        "--autogenerate",
        "--from-database",
        behind.url(),
        "-m",
        "x",
    ]));
    assert!(
        err.contains("is at 7a8b9c0d1e2f, not at the heads 8b9c0d1e2f3a"),
        "{err}"
    );
    // A missing database file is an error, and creates nothing.
    let missing = tmp.join("nowhere.db");
    let url = format!("sqlite:///{}", missing.display());
    fails(&run(&[
        "revision",
        "--autogenerate",
        "--from-database",
        &url,
        "-m",
        "x",
    ]));
    assert!(!missing.exists());
    std::fs::remove_dir_all(&tmp).unwrap();
}

/// `print-schema` prints diesel's `schema.rs` with no database (the golden
/// files are the real `diesel print-schema`'s), writes it with `-o`, and
/// `--check` fails with a diff when the file is stale.
#[test]
fn print_schema_writes_and_checks_diesels_schema_rs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let golden =
        |name: &str| std::fs::read_to_string(root.join("tests/golden").join(name)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let postgres = ok(&shop_in(
        dir.path(),
        &["print-schema", "--dialect", "postgresql"],
    ));
    assert_eq!(postgres, golden("shop.postgres.schema.rs"));
    // The URL names the dialect; no database is opened or created.
    let sqlite = ok(&shop_in(
        dir.path(),
        &["--database-url", "sqlite:///shop.db", "print-schema"],
    ));
    assert_eq!(sqlite, golden("shop.sqlite.schema.rs"));
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
    // The shop's default database is SQLite.
    let default = ok(&shop_in(dir.path(), &["print-schema"]));
    assert_eq!(default, golden("shop.sqlite.schema.rs"));
    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
    let err = fails(&shop_in(
        dir.path(),
        &["--database-url", "mysql://localhost/shop", "print-schema"],
    ));
    assert!(
        err.contains("diesel's `schema.rs` for mysql is not supported")
            && err.contains("help: run `diesel print-schema`"),
        "{err}"
    );

    let write = ["print-schema", "--dialect", "sqlite", "-o", "schema.rs"];
    assert_eq!(ok(&shop_in(dir.path(), &write)), "");
    let file = dir.path().join("schema.rs");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        golden("shop.sqlite.schema.rs")
    );
    let check = [
        "print-schema",
        "--dialect",
        "sqlite",
        "-o",
        "schema.rs",
        "--check",
    ];
    ok(&shop_in(dir.path(), &check));

    let stale = golden("shop.sqlite.schema.rs").replace("        active -> Bool,\n", "");
    std::fs::write(&file, &stale).unwrap();
    let err = fails(&shop_in(dir.path(), &check));
    assert!(err.contains("`schema.rs` is stale"), "{err}");
    assert!(err.contains("--- schema.rs\n+++ print-schema\n"), "{err}");
    assert!(err.contains("\n+        active -> Bool,\n"), "{err}");
    assert!(
        err.contains("help: run `print-schema --dialect sqlite -o schema.rs` and commit the file"),
        "{err}"
    );
    // --check writes nothing.
    assert_eq!(std::fs::read_to_string(&file).unwrap(), stale);
    // A missing file is stale too.
    std::fs::remove_file(&file).unwrap();
    let err = fails(&shop_in(dir.path(), &check));
    assert!(err.contains("`schema.rs` is stale"), "{err}");
    // --check needs the file it checks.
    let out = shop_in(
        dir.path(),
        &["print-schema", "--dialect", "sqlite", "--check"],
    );
    assert_eq!(out.status.code(), Some(2));
}

/// `revision --autogenerate --from-schema FILE` writes the migration that
/// takes the migrations' schema at their heads to an edited `schema.rs`;
/// `check --from-schema FILE` is the gate for the same comparison; a type
/// no migration column type maps to, or a `table!` that cannot be read,
/// stops both with the file's line and writes nothing.
#[test]
fn autogenerate_from_an_edited_schema_rs() {
    let (tmp, dir) = copy_of_the_migrations("shop-from-schema");
    let run = |args: &[&str]| run_in(&tmp, args);
    let files = || {
        let mut v: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let module = || std::fs::read_to_string(dir.join("mod.rs")).unwrap();
    ok(&run(&[
        "print-schema",
        "--dialect",
        "sqlite",
        "-o",
        "schema.rs",
    ]));
    let printed = std::fs::read_to_string(tmp.join("schema.rs")).unwrap();
    let sqlite = ["--dialect", "sqlite"];
    let check =
        |dialect: &[&str]| run(&[&["check", "--from-schema", "schema.rs"], dialect].concat());
    let generate = |dialect: &[&str], rev: &str| {
        run(&[
            &[
                "revision",
                "--autogenerate",
                "--from-schema",
                "schema.rs",
                "-m",
                "edit schema",
                "--rev-id",
                rev,
            ],
            dialect,
        ]
        .concat())
    };
    // The printed file is the migrations' schema: nothing to write.
    let out = check(&sqlite);
    ok(&out);
    assert!(
        stderr(&out).contains("No differences: `schema.rs` describes"),
        "{}",
        stderr(&out)
    );
    let before = (files(), module());
    let out = generate(&sqlite, "e0e0e0e0e0e0");
    ok(&out);
    assert!(
        stderr(&out).contains("No changes detected"),
        "{}",
        stderr(&out)
    );
    assert_eq!((files(), module()), before);
    // The version table, which `diesel print-schema` prints for a migrated
    // database, is no table to create.
    std::fs::write(
        tmp.join("schema.rs"),
        format!("{printed}diesel::table! {{\n    migrate_revisions (revision) {{\n        revision -> Text,\n    }}\n}}\n"),
    )
    .unwrap();
    ok(&check(&sqlite));

    // Edited: a column dropped, one made nullable, one added.
    let edit = |text: &str, from: &str, to: &str| {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        text.replace(from, to)
    };
    let edited = edit(
        &printed,
        "        price -> Double,\n        description -> Nullable<Text>,\n",
        "        price -> Double,\n",
    );
    let edited = edit(
        &edited,
        "        name -> Text,\n        sku",
        "        name -> Nullable<Text>,\n        sku",
    );
    let edited = edit(
        &edited,
        "        account_type -> Text,\n",
        "        account_type -> Text,\n        nickname -> Nullable<Text>,\n",
    );
    std::fs::write(tmp.join("schema.rs"), &edited).unwrap();
    let err = fails(&check(&sqlite));
    for line in [
        "`schema.rs` differs from the schema of the migrations at their heads (sqlite) (migrations vs `schema.rs`):",
        "  column `products.description`: present vs absent\n",
        "  column `products.name`: nullable false vs true\n",
        "  column `users.nickname`: absent vs present\n",
        "help: write the migration that makes the file true (`revision --autogenerate --from-schema schema.rs -m \"...\"`)",
    ] {
        assert!(err.contains(line), "{line}\n{err}");
    }
    let out = generate(&sqlite, "e0e0e0e0e0e0");
    ok(&out);
    let text = std::fs::read_to_string(dir.join("re0e0e0e0e0e0_edit_schema.rs")).unwrap();
    assert!(
        text.starts_with("use migrate_runtime::{migration, op};\n\n/// edit schema\n#[migration(revision = \"e0e0e0e0e0e0\", down_revision = \"8b9c0d1e2f3a\")]\nmod edit_schema {\n    fn upgrade() {\n"),
        "{text}"
    );
    for op in [
        "        // review: drops column `products.description` and its values\n        op!(\n            drop_column(\"products\", Column(\"description\", Text)),\n            allow(destructive)\n        );\n",
        "            \"products\",\n            \"name\",\n            existing_type = String(200),\n            nullable = true,\n",
        "        op!(add_column(\"users\", Column(\"nickname\", Text)));\n",
    ] {
        assert!(text.contains(op), "{op}\n{text}");
    }
    assert!(module().contains("mod re0e0e0e0e0e0_edit_schema;"));

    // Mapping errors: file, line, table, column, type, and what to write.
    let before = (files(), module());
    let interval = edit(
        &edited,
        "        nickname -> Nullable<Text>,\n",
        "        nickname -> Nullable<Interval>,\n",
    );
    let line = interval
        .lines()
        .position(|l| l.contains("Interval"))
        .unwrap()
        + 1;
    std::fs::write(tmp.join("schema.rs"), &interval).unwrap();
    for out in [generate(&sqlite, "e1e1e1e1e1e1"), check(&sqlite)] {
        let err = fails(&out);
        assert!(
            err.contains(&format!("error: `schema.rs:{line}`: column `users.nickname` is `Nullable<Interval>`, which no migration column type maps to on sqlite\nhelp: write a diesel SQL type `print-schema` writes for sqlite (`Text`, `SmallInt`, `Integer`")),
            "{err}"
        );
        assert!(err.trim_end().ends_with("nothing was written"), "{err}");
    }
    // A file printed for PostgreSQL, read as SQLite's: the help says so.
    let postgres = ok(&run(&["print-schema", "--dialect", "postgresql"]));
    std::fs::write(tmp.join("schema.rs"), &postgres).unwrap();
    let err = fails(&check(&sqlite));
    assert!(
        err.contains("if the file is for PostgreSQL, pass `--dialect postgresql`"),
        "{err}"
    );
    ok(&check(&["--dialect", "postgresql"]));
    // An array, and a `table!` that cannot be read.
    let array = postgres.replace(
        "        stock -> Int4,\n",
        "        stock -> Array<Int4>,\n",
    );
    std::fs::write(tmp.join("schema.rs"), &array).unwrap();
    let err = fails(&generate(&["--dialect", "postgresql"], "e1e1e1e1e1e1"));
    assert!(err.contains("column `products.stock` is `Array<Int4>`, an array, which no migration column type maps to\nhelp: the migrations have no array type"), "{err}");
    let broken = edit(
        &postgres,
        "        stock -> Int4,\n",
        "        stock Int4,\n",
    );
    std::fs::write(tmp.join("schema.rs"), &broken).unwrap();
    let err = fails(&generate(&["--dialect", "postgresql"], "e1e1e1e1e1e1"));
    assert!(
        err.contains("cannot read this `table!`: expected `->`"),
        "{err}"
    );
    assert_eq!((files(), module()), before);
    // A file that is not there.
    let err = fails(&run(&[
        "check",
        "--from-schema",
        "nowhere.rs",
        "--dialect",
        "sqlite",
    ]));
    assert!(err.contains("cannot read `nowhere.rs`"), "{err}");
    // --autogenerate needs one source of the schema wanted, not two.
    for args in [
        &["revision", "--autogenerate", "-m", "x"][..],
        &[
            "revision",
            "--autogenerate",
            "--from-schema",
            "schema.rs",
            "--from-database",
            "x.db",
            "-m",
            "x",
        ],
        &[
            "check",
            "--from-schema",
            "schema.rs",
            "--from-database",
            "x.db",
        ],
        &["check", "--dialect", "sqlite"],
    ] {
        assert_eq!(run(args).status.code(), Some(2), "{args:?}");
    }
    assert_eq!((files(), module()), before);
    std::fs::remove_dir_all(&tmp).unwrap();
}

/// Runs a script with the `mariadb` command-line client on the test
/// database, as a user applies offline SQL (the password, if any, through
/// `MYSQL_PWD`, never on the command line).
fn mariadb(db: &TestDatabase, script: &str) {
    use std::io::Write;
    let rest = db.url().strip_prefix("mysql://").expect("a mysql:// URL");
    let (credentials, rest) = rest.rsplit_once('@').expect("a user");
    let (user, password) = credentials.split_once(':').unwrap_or((credentials, ""));
    let (address, database) = rest.split_once('/').expect("a database");
    let database = database.split('?').next().unwrap();
    let (host, port) = address.split_once(':').unwrap_or((address, "3306"));
    let mut child = Command::new("mariadb")
        .args([
            "--no-defaults",
            "--batch",
            "-h",
            host,
            "-P",
            port,
            "-u",
            user,
            database,
        ])
        .env("MYSQL_PWD", password)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the `mariadb` client (package mariadb-client)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "mariadb failed: {}\n{script}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The shop on MySQL/MariaDB through the command line with a `mysql://`
/// URL: `upgrade head`, `check`, `downgrade base`; and its offline SQL run
/// by the `mariadb` client gives exactly the schema and version rows the
/// online run gives, up and down.
#[test]
fn the_shop_on_mysql_online_and_offline_through_the_mariadb_client() {
    let online = TestDatabase::mysql();
    let offline = TestDatabase::mysql();
    let url = online.url();
    let out = shop(url, &["upgrade", "head"]);
    ok(&out);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("Running upgrade  -> 1a2b3c4d5e6f, create users table ... done in"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(ok(&shop(url, &["current"])), "8b9c0d1e2f3a (head)\n");
    let check = shop(url, &["check"]);
    ok(&check);
    assert!(
        String::from_utf8_lossy(&check.stderr).contains("No differences"),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let up = ok(&shop(
        "mysql://nobody@127.0.0.1:1/none",
        &["upgrade", "head", "--sql"],
    ));
    assert!(
        up.contains("CREATE TABLE `users`") && up.contains("NO_BACKSLASH_ESCAPES"),
        "{up}"
    );
    assert!(
        !up.contains("BEGIN;"),
        "MySQL's DDL commits on its own:\n{up}"
    );
    mariadb(&offline, &up);
    let (schema, rows) = state(&online);
    assert_eq!(rows.len(), 8);
    let (offline_schema, offline_rows) = state(&offline);
    assert!(
        schema.diff(&offline_schema).is_empty(),
        "{:#?}",
        schema.diff(&offline_schema)
    );
    assert_eq!(rows, offline_rows);

    ok(&shop(url, &["downgrade", "base"]));
    assert_eq!(ok(&shop(url, &["current"])), "");
    let down = ok(&shop(
        offline.url(),
        &["downgrade", "base", "--sql", "--from", "head"],
    ));
    mariadb(&offline, &down);
    let (schema, rows) = state(&online);
    assert!(rows.is_empty());
    assert_eq!(
        schema.tables().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["migrate_revisions"]
    );
    let (offline_schema, offline_rows) = state(&offline);
    assert!(schema.diff(&offline_schema).is_empty());
    assert_eq!(rows, offline_rows);
}
