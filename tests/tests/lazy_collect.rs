//! A crate's migrations are collected when a command first needs them, and
//! what every start needs of each (the revision graph, the checksums an
//! applied history is checked against) is read from the lineages at the head
//! of the crate's table, not from the records. So a command that needs no
//! migration (`--version`, `--help`, a mistyped argument) reads none, and a
//! deploy with nothing to do reads no record. Its own test binary: the counts
//! are per process.

use migrate_runtime::__private::{records_read, tables_cut};
use migrate_runtime::testing::TestDatabase;
use migrate_runtime::Migrator;
use std::process::ExitCode;

fn run(args: &[&str]) -> ExitCode {
    let args = std::iter::once("migrate").chain(args.iter().copied());
    migrate_runtime::cli::run_args(fixture_chain::migrations(), Default::default(), args)
}

#[test]
fn migrations_are_read_only_as_far_as_a_command_needs() {
    for args in [
        &["--version"][..],
        &["--help"],
        &["upgrade", "--help"],
        &["upgrad", "head"],
        &["upgrade", "head", "--no-such-flag"],
    ] {
        run(args);
        assert_eq!(
            (tables_cut(), records_read()),
            (0, 0),
            "`{}` collected migrations",
            args.join(" ")
        );
    }
    let migrations = fixture_chain::migrations();
    assert_eq!(tables_cut(), 0, "a set is collected when first used");

    // The graph: the table is cut, from its index; no record is read.
    assert_eq!(run(&["heads"]), ExitCode::SUCCESS);
    assert_eq!((tables_cut(), records_read()), (1, 0));
    let m = Migrator::new(migrations.clone()).unwrap();
    assert_eq!(m.graph().heads().len(), 1);
    assert_eq!(records_read(), 0);

    // A deploy at head checks every applied checksum, from the lineages.
    let db = TestDatabase::sqlite();
    let mut conn = db.connect();
    m.upgrade(&mut conn, "head").unwrap();
    let applied = records_read();
    assert!(applied >= migrations.len(), "the upgrade read the records");
    assert!(m.upgrade(&mut conn, "head").unwrap().is_empty());
    assert_eq!(records_read(), applied, "a no-op upgrade reads no record");

    // Asking for what only the record holds reads it.
    let first = migrations.iter().next().unwrap();
    let read = records_read();
    assert!(!first.message().is_empty());
    assert_eq!(records_read(), read + 1);
}
