//! The testing toolkit's checks can fail: each broken fixture (a downgrade
//! the compiler cannot check, wrong in one way) fails with a diff naming it.

use migrate_runtime::testing::*;
use migrate_runtime::{Difference, Field, Migrations, Object};

fn case(prefix: &str) -> Migrations {
    fixture_broken::migrations().filter(|m| m.revision().starts_with(prefix))
}

fn failure(result: Result<(), Failure>) -> String {
    match result {
        Err(f) => f.to_string(),
        Ok(()) => panic!("the check passed on a broken fixture"),
    }
}

#[test]
fn a_forgotten_index_fails_the_stairway() {
    for db in [TestDatabase::sqlite(), TestDatabase::postgres()] {
        let f = failure(check_stairway(&db, &case("ix")));
        assert!(
            f.starts_with("stairway: downgrade ix2 (an index the downgrade forgets)"),
            "{f}"
        );
        assert!(f.contains("ix_t_ix_a"), "{f}");
    }
}

/// The failure carries what differs as data: the object, the field, both
/// values (the schema before the upgrade first).
#[test]
fn a_failure_carries_its_differences() {
    let f = check_stairway(&TestDatabase::sqlite(), &case("ix")).unwrap_err();
    let index = Object::Index {
        table: "t_ix".into(),
        name: "ix_t_ix_a".into(),
    };
    assert_eq!(f.differences, [Difference::presence(index, false)], "{f}");
    assert_eq!(f.differences[0].field(), Field::Presence);
}

#[test]
fn a_default_left_behind_fails_the_stairway() {
    for db in [TestDatabase::sqlite(), TestDatabase::postgres()] {
        let f = failure(check_stairway(&db, &case("df")));
        assert!(
            f.contains("downgrade df2") && f.contains("status") && f.contains("default"),
            "{f}"
        );
    }
}

#[test]
fn a_lost_on_delete_fails_the_stairway() {
    // SQLite rebuilds the child table for each constraint change: the check
    // sees the result all the same.
    for db in [TestDatabase::sqlite(), TestDatabase::postgres()] {
        let f = failure(check_stairway(&db, &case("od")));
        assert!(
            f.contains("downgrade od2") && f.contains("fk_od") && f.contains("RESTRICT"),
            "{f}"
        );
    }
}

#[test]
fn an_enum_type_left_behind_fails_the_downgrade_to_base() {
    let f = failure(check_downgrade_to_base(
        &TestDatabase::postgres(),
        &case("en"),
    ));
    assert!(f.contains("t_en_kind"), "{f}");
    // SQLite has no enum types: the CHECK went with the table.
    check_downgrade_to_base(&TestDatabase::sqlite(), &case("en")).unwrap();
}

#[test]
fn a_table_made_by_sql_fails_the_model_check() {
    for (db, model) in [
        (TestDatabase::sqlite(), TestDatabase::sqlite()),
        (TestDatabase::postgres(), TestDatabase::postgres()),
    ] {
        let f = failure(check_model_matches(&db, &model, &case("mdl")));
        assert!(f.contains("t_sneaky"), "{f}");
    }
}

#[test]
fn two_heads_fail_the_single_head_check() {
    let f = failure(check_single_head(&fixture_broken::migrations()));
    assert!(f.contains("15 heads"), "{f}");
    check_single_head(&case("ix")).unwrap();
}

#[test]
fn the_healthy_fixtures_pass_every_check() {
    for db in [TestDatabase::sqlite(), TestDatabase::postgres()] {
        check_stairway(
            &db,
            // Not the PostgreSQL-only schemas, the slow one, the one that
            // fails, nor the MySQL branch.
            &fixture_every_op::migrations().filter(|m| {
                !["x1", "s1", "o1"].contains(&m.revision()) && !m.revision().starts_with('m')
            }),
        )
        .unwrap();
    }
    // The MySQL branch, on MariaDB.
    check_stairway(
        &TestDatabase::mysql(),
        &fixture_every_op::migrations().filter(|m| m.revision().starts_with('m')),
    )
    .unwrap();
}

/// Every snapshot field, each broken by one fixture, each named in the diff.
#[test]
fn every_snapshot_field_has_a_failing_fixture() {
    let cases: &[(&str, &[&str], bool)] = &[
        // (case, what the diff must name, also on SQLite)
        ("col", &["t_col", "nullable"], true),
        ("ty", &["t_ty", "type"], true),
        ("uq", &["ix_t_uq_a", "unique"], true),
        ("pr", &["ix_t_pr_a", "predicate"], true),
        ("ck", &["ck_t_ck_a"], true),
        ("cm", &["t_cm", "comment"], false),
        ("ad", &["t_ad", "extra"], true),
        ("vw", &["view `v_vw`: absent vs present"], true),
        ("tg", &["trigger `tg_t_tg`: absent vs present"], true),
    ];
    for (prefix, names, on_sqlite) in cases {
        let mut dbs = vec![TestDatabase::postgres()];
        if *on_sqlite {
            dbs.push(TestDatabase::sqlite());
        }
        for db in dbs {
            let f = failure(check_stairway(&db, &case(prefix)));
            assert!(
                f.starts_with(&format!("stairway: downgrade {prefix}2 ")),
                "{f}"
            );
            for n in *names {
                assert!(f.contains(n), "{prefix}: `{n}` not named in: {f}");
            }
        }
    }
    let f = failure(check_downgrade_to_base(
        &TestDatabase::postgres(),
        &case("sq"),
    ));
    assert!(f.contains("seq_left_behind"), "{f}");
}
