//! Op data is decoded only for the migrations a run applies, reverts or
//! checks: a deploy with nothing to do decodes none, and still verifies every
//! recorded checksum (computed when the crate was compiled). Its own test
//! binary: the count of decoded op lists is per process.

#[macro_use]
mod support;
use support::*;

use migrate_runtime::__private::decoded_op_lists;
use migrate_runtime::testing::TestDatabase;
use migrate_runtime::{Error, Migrator};

#[test]
fn a_run_at_head_decodes_no_op_and_still_verifies_checksums() {
    let db = TestDatabase::sqlite();
    let mut conn = db.connect();
    let migrations = fixture_chain::migrations();
    let m = Migrator::new(migrations.clone()).unwrap();
    let stamped = m.stamp(&mut conn, "head", false).unwrap();
    assert!(stamped.recorded.len() > 5);
    assert_eq!(decoded_op_lists(), 0, "stamp decodes nothing");

    let done = m.upgrade(&mut conn, "head").unwrap();
    assert!(done.is_empty(), "{done:?}");
    assert_eq!(decoded_op_lists(), 0, "a no-op upgrade decodes nothing");

    // The checksums are still verified: one edited row is found.
    let edited = &stamped.recorded[2];
    exec(
        &mut conn,
        &format!(
            "UPDATE migrate_revisions SET checksum = 'v1:{}' WHERE revision = '{edited}'",
            "0".repeat(64)
        ),
    );
    match m.upgrade(&mut conn, "head") {
        Err(Error::ChecksumMismatch(list)) => assert_eq!(list[0].revision, *edited),
        other => panic!("expected a checksum mismatch, got {other:?}"),
    }
    assert_eq!(decoded_op_lists(), 0);

    // Asking for one migration's ops decodes them, once.
    let last = migrations.get(stamped.recorded.last().unwrap()).unwrap();
    assert!(!last.downgrade().unwrap().is_empty());
    assert_eq!(decoded_op_lists(), 1);
    let again = last.downgrade().unwrap();
    assert!(std::ptr::eq(again, last.downgrade().unwrap()));
    assert_eq!(decoded_op_lists(), 1, "decoded once per process");
    assert!(!last.upgrade().is_empty());
    assert_eq!(decoded_op_lists(), 2);
}
