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
