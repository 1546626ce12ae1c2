//! Adopting a database no migration made: on a crate with no migrations,
//! `revision --autogenerate --from-database URL` writes one migration that
//! recreates the whole schema. Built with rustc, it recreates the database
//! on an empty one (equal snapshots), climbs the stairway, and `stamp head`
//! adopts the original, which `check` then finds equal.

mod support;

use migrate_runtime::testing::TestDatabase;
use migrate_runtime::Migrator;
use std::process::Command;

#[test]
fn a_baseline_recreates_the_database_and_adopts_it() {
    // The database to adopt: the shop's schema, made by something else
    // (its version table dropped).
    let dev = TestDatabase::sqlite();
    Migrator::new(shop::migrations())
        .unwrap()
        .upgrade(&mut dev.connect(), "head")
        .unwrap();
    support::exec(&mut dev.connect(), "DROP TABLE migrate_revisions");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mod.rs"), "//! The migrations.\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_empty"))
        .args(["revision", "--autogenerate", "--from-database", dev.url()])
        .args(["-m", "baseline", "--rev-id", "b1", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = std::fs::read_to_string(dir.path().join("rb1_baseline.rs")).unwrap();
    assert!(
        file.contains("#[migration(revision = \"b1\", down_revision = None)]")
            && file.contains("op!(create_table(\n            \"users\",\n"),
        "{file}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("mod.rs")).unwrap(),
        "//! The migrations.\n\nmod rb1_baseline;\n"
    );
    let main = format!(
        r#"#![deny(warnings)]
migrate_runtime::migrations!();
#[path = {module:?}]
mod migrations;

fn main() {{
    use migrate_runtime::testing::*;
    use migrate_runtime::{{Database, Migrator}};
    let m = migrations();
    assert_eq!(m.len(), 1);
    assert!(m.get("b1").unwrap().downgrade_is_derived());
    // On an empty database, the baseline makes the same schema.
    let fresh = TestDatabase::sqlite();
    Migrator::new(m.clone()).unwrap().upgrade(&mut fresh.connect(), "head").unwrap();
    let made = Snapshot::capture(&mut fresh.connect()).unwrap().without_table("migrate_revisions");
    let mut dev = Database::connect({dev:?}).unwrap();
    let original = Snapshot::capture(&mut dev).unwrap();
    assert_eq!(made.diff_schema(&original), [], "the baseline differs");
    assert_stairway(&TestDatabase::sqlite(), &m);
    // `stamp head` adopts the original, which then matches.
    let migrator = Migrator::new(m).unwrap();
    migrator.stamp(&mut dev, "head", false).unwrap();
    assert_eq!(migrator.check(&mut dev).unwrap().differences, []);
}}
"#,
        module = dir.path().join("mod.rs").display().to_string(),
        dev = dev.url(),
    );
    let main_file = dir.path().join("adopt.rs");
    std::fs::write(&main_file, main).unwrap();
    let cases = trybuild::TestCases::new();
    cases.pass(&main_file);
    drop(cases);
}
