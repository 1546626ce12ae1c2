//! The shop proves its chain the way a user would: one line per check, on
//! SQLite and on PostgreSQL.

use migrate_runtime::testing::*;

#[test]
fn single_head() {
    assert_single_head(&shop::migrations());
}

#[test]
fn upgrade_stairway_and_clean_downgrade_on_sqlite() {
    assert_upgrade(&TestDatabase::sqlite(), &shop::migrations());
    assert_stairway(&TestDatabase::sqlite(), &shop::migrations());
    assert_downgrade_to_base(&TestDatabase::sqlite(), &shop::migrations());
    assert_model_matches(
        &TestDatabase::sqlite(),
        &TestDatabase::sqlite(),
        &shop::migrations(),
    );
}

#[test]
fn upgrade_stairway_and_clean_downgrade_on_postgres() {
    assert_upgrade(&TestDatabase::postgres(), &shop::migrations());
    assert_stairway(&TestDatabase::postgres(), &shop::migrations());
    assert_downgrade_to_base(&TestDatabase::postgres(), &shop::migrations());
    assert_model_matches(
        &TestDatabase::postgres(),
        &TestDatabase::postgres(),
        &shop::migrations(),
    );
}
