//! Coming from Alembic, with real Alembic: it migrates a database part way
//! up a chain (`tests/alembic/`), `import-alembic` translates the same
//! revision files, the files are built by rustc (`trybuild`, every
//! compile-time check applying), and the built program adopts that database
//! with `stamp --from-alembic` and runs `upgrade head`: the schema equals,
//! by `Snapshot`, the one Alembic builds at head. On PostgreSQL with every
//! op of the seed examples, and on SQLite with the ops Alembic runs there.
//!
//! Alembic is installed by the test itself (`python3 -m venv` and `pip
//! install alembic sqlalchemy psycopg2-binary` under `target/tmp`, once, and
//! reused while its `alembic` runs).

mod support;

use migrate_runtime::alembic::{self, Translation};
use migrate_runtime::testing::TestDatabase;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const CHAINS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/alembic");

/// The venv's `alembic`, installed on first use.
fn alembic_bin() -> &'static Path {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("alembic-venv");
        let bin = venv.join("bin/alembic");
        let works = |b: &Path| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        };
        if !works(&bin) {
            let _ = std::fs::remove_dir_all(&venv);
            run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
            run(Command::new(venv.join("bin/pip")).args([
                "install",
                "--quiet",
                "alembic",
                "sqlalchemy",
                "psycopg2-binary",
            ]));
        }
        assert!(
            works(&bin),
            "alembic did not install into {}",
            venv.display()
        );
        bin
    })
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// SQLAlchemy's URL for a test database.
fn sqlalchemy_url(db: &TestDatabase) -> String {
    let url = db.url();
    if let Some(rest) = url.strip_prefix("postgres://") {
        format!("postgresql+psycopg2://{rest}")
    } else {
        assert!(url.starts_with("sqlite:///"), "{url}");
        url.to_string()
    }
}

/// `alembic upgrade <target>` on `db` with the chain `chain`.
fn alembic_upgrade(chain: &str, db: &TestDatabase, target: &str) {
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join("alembic.ini");
    std::fs::write(
        &ini,
        format!(
            "[alembic]\nscript_location = {CHAINS}\nversion_locations = {CHAINS}/{chain}\nsqlalchemy.url = {}\n",
            sqlalchemy_url(db).replace('%', "%%")
        ),
    )
    .unwrap();
    run(Command::new(alembic_bin())
        .arg("-c")
        .arg(&ini)
        .args(["upgrade", target]));
}

/// The chain translated into `<crate>/src/migrations`, every file in full
/// and as rustfmt writes it.
fn import(chain: &str, krate: &Path) {
    let to = krate.join("src/migrations");
    let import = alembic::import(&Path::new(CHAINS).join(chain), &to, "migrate_runtime").unwrap();
    let summary = import.to_string();
    for f in &import.files {
        assert_eq!(f.translation, Translation::Full, "{summary}");
        let check = Command::new("rustfmt")
            .args(["--check", "--edition", "2021"])
            .arg(&f.file)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{} is not as rustfmt writes it:\n{}",
            f.file.display(),
            String::from_utf8_lossy(&check.stdout)
        );
    }
    assert!(summary.contains(&format!(
        "{} revision files: {} translated fully, 0 partly, 0 not",
        import.files.len(),
        import.files.len()
    )));
}

/// The program that adopts `partway` (stamp --from-alembic), upgrades it,
/// and compares it with `head`, both migrated by Alembic.
fn program(partway: &TestDatabase, head: &TestDatabase, kind: &str) -> String {
    let mut main = String::from(
        "migrate_runtime::migrations!(naming = \"database\");\nmod migrations;\n\nfn main() {\n",
    );
    write!(
        main,
        r#"    use migrate_runtime::testing::Snapshot;
    use migrate_runtime::{{Database, Migrator}};
    let m = Migrator::new(migrations()).unwrap();
    let mut conn = Database::connect({partway:?}).unwrap();
    // Alembic's database is refused until it is adopted, with the command to adopt it.
    let refused = m.upgrade(&mut conn, "head").unwrap_err().to_string();
    assert!(refused.contains("`stamp --from-alembic`"), "{{refused}}");
    let stamped = m.stamp_from_alembic(&mut conn, false).unwrap();
    assert!(!stamped.recorded.is_empty());
    m.upgrade(&mut conn, "head").unwrap();
    let got = Snapshot::capture(&mut conn).unwrap().without_table("migrate_revisions").without_table("alembic_version");
    let want = Snapshot::capture(&mut Database::connect({head:?}).unwrap()).unwrap().without_table("alembic_version");
    assert_eq!(got.diff_schema(&want), [], "{kind}");
    // `alembic_version` stays where it was (Alembic's own row).
    assert!(Snapshot::capture(&mut conn).unwrap().table("alembic_version").is_some());
    // Every revision is recorded, with these migrations' checksums: `check` agrees.
    assert_eq!(m.check(&mut conn).unwrap().differences, [], "{kind}");
}}
"#,
        partway = partway.url(),
        head = head.url(),
    )
    .unwrap();
    main
}

#[test]
fn alembic_chains_are_imported_adopted_and_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "postgresql",
            TestDatabase::postgres as fn() -> TestDatabase,
            "a006",
        ),
        (
            "sqlite",
            TestDatabase::sqlite as fn() -> TestDatabase,
            "s003",
        ),
    ];
    let mut mains = Vec::new();
    let mut kept = Vec::new();
    for (chain, database, partway_at) in cases {
        let partway = database();
        alembic_upgrade(chain, &partway, partway_at);
        let head = database();
        alembic_upgrade(chain, &head, "head");
        let krate = dir.path().join(chain);
        import(chain, &krate);
        let main = krate.join("src/main.rs");
        std::fs::write(&main, program(&partway, &head, chain)).unwrap();
        mains.push(main);
        kept.push((partway, head));
    }
    // trybuild builds in one project directory per crate: one run at a time.
    static TRYBUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = TRYBUILD.lock().unwrap_or_else(|e| e.into_inner());
    let cases = trybuild::TestCases::new();
    for m in &mains {
        cases.pass(m);
    }
    drop(cases);
    drop(kept);
}

/// A revision file as Alembic writes it, with `body` as its `upgrade()`.
fn revision_file(dir: &Path, id: &str, down: &str, extra: &str, body: &str) {
    std::fs::write(
        dir.join(format!("{id}_x.py")),
        format!(
            "\"\"\"step {id}\n\nRevision ID: {id}\nRevises: {down}\n\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\nrevision = \"{id}\"\ndown_revision = {down}\n{extra}\n\ndef helper(conn):\n    return conn\n\n\ndef upgrade():\n{body}\n\n\ndef downgrade():\n    pass\n"
        ),
    )
    .unwrap();
}

#[test]
fn what_cannot_be_translated_is_kept_with_a_compile_error() {
    let versions = tempfile::tempdir().unwrap();
    let v = versions.path();
    revision_file(v, "b001", "None", "", "    op.create_table(\"t\", sa.Column(\"id\", sa.Integer, primary_key=True))\n    conn = op.get_bind()\n    for row in conn.execute(sa.text(\"SELECT 1\")):\n        helper(conn)");
    revision_file(
        v,
        "b002",
        "\"b001\"",
        "branch_labels = (\"x\", \"y\")",
        "    op.get_bind().execute(sa.text(\"SELECT 1\"))",
    );
    revision_file(
        v,
        "b003",
        "\"b001\"",
        "depends_on = \"b002\"",
        "    op.add_column(\"t\", sa.Column(\"n\", mysql.BIGINT()))",
    );
    // A dependency on an ancestor says nothing a parent does not.
    revision_file(
        v,
        "b004",
        "(\"b002\", \"b003\")",
        "depends_on = [\"b001\"]",
        "    pass",
    );
    let out = tempfile::tempdir().unwrap();
    let to = out.path().join("migrations");
    let import = alembic::import(v, &to, "migrate_runtime").unwrap();
    let summary = import.to_string();
    let by_id = |id: &str| import.files.iter().find(|f| f.revision == id).unwrap();
    let text = |id: &str| std::fs::read_to_string(&by_id(id).file).unwrap();

    // Partly: the op is there; the Python is a comment, the build fails on it.
    assert_eq!(by_id("b001").translation, Translation::Partly, "{summary}");
    let b001 = text("b001");
    assert!(b001.contains("op!(create_table("), "{b001}");
    assert!(b001.contains("        // review: not translated (code that uses the connection (`op.get_bind()`)):\n        // conn = op.get_bind()\n"), "{b001}");
    assert!(b001.contains("        // for row in conn.execute(sa.text(\"SELECT 1\")):\n        //     helper(conn)\n"), "{b001}");
    assert!(
        b001.contains("    // def helper(conn):\n    //     return conn\n"),
        "{b001}"
    );
    assert!(b001.contains("compile_error!(\"revision b001: 2 statement(s) of the Alembic revision were not translated"), "{b001}");
    // An upgrade with an empty downgrade() is irreversible, as it was.
    assert!(
        b001.contains("down_revision = None, irreversible)]"),
        "{b001}"
    );

    // Not at all: no op, and two labels where one is taken.
    assert_eq!(by_id("b002").translation, Translation::Not, "{summary}");
    let b002 = text("b002");
    assert!(
        b002.contains("branch = \"x\"") && b002.contains("keep one in `branch = ...`"),
        "{b002}"
    );
    assert!(
        b002.starts_with("use migrate_runtime::migration;\n"),
        "{b002}"
    );

    // A dependency that is no parent has no counterpart: a merge or nothing.
    assert_eq!(by_id("b003").translation, Translation::Partly, "{summary}");
    assert!(
        text("b003").contains("make it a merge (`down_revision = [..., \\\"b002\\\"]`) or drop it"),
        "{}",
        text("b003")
    );
    assert!(
        text("b003").contains("op!(add_column(\"t\", Column(\"n\", BigInteger)));"),
        "{}",
        text("b003")
    );

    // A merge keeps both parents and is complete.
    assert_eq!(by_id("b004").translation, Translation::Full, "{summary}");
    assert!(text("b004").contains("down_revision = [\"b002\", \"b003\"])]\nmod step_b004 {\n    fn upgrade() {}\n\n    fn downgrade() {}\n}\n"), "{}", text("b004"));

    // Parents first in the module file; the summary counts each kind.
    let module = std::fs::read_to_string(&import.module_file).unwrap();
    let order: Vec<&str> = module.lines().filter(|l| l.starts_with("mod ")).collect();
    assert_eq!(
        order,
        [
            "mod rb001_step_b001;",
            "mod rb002_step_b002;",
            "mod rb003_step_b003;",
            "mod rb004_step_b004;"
        ]
    );
    assert!(
        summary.contains("4 revision files: 1 translated fully, 2 partly, 1 not"),
        "{summary}"
    );
    assert!(
        summary.contains(
            "left: code that uses the connection (`op.get_bind()`): `conn = op.get_bind()`"
        ),
        "{summary}"
    );

    // Importing again refuses to overwrite, and writes nothing.
    let err = alembic::import(v, &to, "migrate_runtime")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("already exists") && err.contains("help: import into an empty directory"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&import.module_file).unwrap(),
        module
    );
}

#[test]
fn a_file_that_is_not_python_is_named_with_its_line() {
    let versions = tempfile::tempdir().unwrap();
    std::fs::write(
        versions.path().join("c001_x.py"),
        "revision = \"c001\"\ndown_revision = None\n\ndef upgrade(:\n    pass\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let err = alembic::import(versions.path(), out.path(), "migrate_runtime")
        .unwrap_err()
        .to_string();
    assert!(err.contains("c001_x.py:4: not Python"), "{err}");
    assert!(!out.path().join("mod.rs").exists());
}

#[test]
fn stamp_from_alembic_records_its_heads_and_their_ancestors() {
    let db = TestDatabase::sqlite();
    let m = migrate_runtime::Migrator::new(fixture_alembic_names::migrations()).unwrap();
    let snapshot = || migrate_runtime::testing::Snapshot::capture(&mut db.connect()).unwrap();
    let recorded = || {
        support::texts(
            &mut db.connect(),
            "SELECT revision AS value FROM migrate_revisions ORDER BY 1",
        )
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
    };
    // No `alembic_version`: refused, nothing made.
    let err = m
        .stamp_from_alembic(&mut db.connect(), false)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("there is no `alembic_version` table here"),
        "{err}"
    );
    support::exec(&mut db.connect(), "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY); INSERT INTO alembic_version VALUES ('zz')");
    let before = snapshot();
    // A revision these migrations lack: refused, naming it and the fix.
    let err = m
        .stamp_from_alembic(&mut db.connect(), false)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("records zz, which no migration here has") && err.contains("import-alembic"),
        "{err}"
    );
    assert_eq!(snapshot().diff_schema(&before), []);
    assert!(snapshot().table("migrate_revisions").is_none());
    // Its head and every revision before it, with these migrations' checksums.
    support::exec(
        &mut db.connect(),
        "UPDATE alembic_version SET version_num = 'a2'",
    );
    let stamped = m.stamp_from_alembic(&mut db.connect(), false).unwrap();
    assert_eq!(stamped.recorded, ["a1", "a2"]);
    assert_eq!(recorded(), ["a1", "a2"]);
    assert!(snapshot().table("alembic_version").is_some());
    // Again: nothing more to record; the command line drops Alembic's table when asked.
    let code = migrate_runtime::cli::run_args(
        fixture_alembic_names::migrations(),
        migrate_runtime::cli::Options::default(),
        [
            "migrate",
            "--database-url",
            db.url(),
            "stamp",
            "--from-alembic",
            "--drop-alembic-version",
        ],
    );
    assert_eq!(code, std::process::ExitCode::SUCCESS);
    assert_eq!(recorded(), ["a1", "a2"]);
    assert!(snapshot().table("alembic_version").is_none());
}

#[test]
fn import_alembic_on_the_command_line() {
    let out = tempfile::tempdir().unwrap();
    let to = out.path().join("migrations");
    let code = migrate_runtime::cli::run_args(
        fixture_alembic_names::migrations(),
        migrate_runtime::cli::Options::default(),
        [
            "migrate".to_string(),
            "import-alembic".into(),
            format!("{CHAINS}/sqlite"),
            "--to".into(),
            to.display().to_string(),
        ],
    );
    assert_eq!(code, std::process::ExitCode::SUCCESS);
    let module = std::fs::read_to_string(to.join("mod.rs")).unwrap();
    assert!(
        module.contains("mod rs001_create_users;\nmod rs002_create_posts;\n"),
        "{module}"
    );
    assert!(to.join("rs006_post_tags_are_article_tags.rs").is_file());
}
