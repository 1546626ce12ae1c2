//! Revision ids in UUID form (Alembic accepts them): compiled, applied,
//! targeted (in full, by prefix, relative) and reverted on both databases.

use migrate_runtime::testing::{assert_stairway, TestDatabase};
use migrate_runtime::{migration, op, Dialect, Migrator};

#[macro_use]
mod support;
use support::*;

migrate_runtime::migrations!();

const A: &str = "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b";
const B: &str = "c0ffee00-0000-4000-8000-000000000000";
const C: &str = "c0ffee00-0000-4000-8000-000000000001";

/// create users
#[migration(revision = "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b", down_revision = None)]
mod create_users {
    fn upgrade() {
        op!(create_table(
            "users",
            Column("id", Integer, primary_key = true)
        ));
    }
}

/// add name
#[migration(
    revision = "c0ffee00-0000-4000-8000-000000000000",
    down_revision = "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b"
)]
mod add_name {
    fn upgrade() {
        op!(add_column("users", Column("name", Text)));
    }
}

/// add email
#[migration(
    revision = "c0ffee00-0000-4000-8000-000000000001",
    down_revision = "c0ffee00-0000-4000-8000-000000000000"
)]
mod add_email {
    fn upgrade() {
        op!(add_column("users", Column("email", Text)));
    }
}

fn current(m: &Migrator, db: &mut migrate_runtime::Database) -> Vec<String> {
    m.current(db)
        .unwrap()
        .into_iter()
        .map(|r| r.revision)
        .collect()
}

fn uuid_form_ids_apply_and_revert(db: TestDatabase) {
    let m = Migrator::new(migrations()).unwrap();
    let mut conn = db.connect();
    // A prefix that ends in digits after a `-` is the id's start, not `-N`.
    m.upgrade(&mut conn, "3f2b8c1e-5").unwrap();
    assert_eq!(current(&m, &mut conn), [A]);
    let err = m
        .upgrade(&mut conn, "c0ffee00-0000")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("matches several revisions") && err.contains(B) && err.contains(C),
        "{err}"
    );
    assert_eq!(current(&m, &mut conn), [A]);
    m.upgrade(&mut conn, "head").unwrap();
    assert_eq!(current(&m, &mut conn), [C]);
    assert_eq!(
        texts(
            &mut conn,
            "SELECT revision AS value FROM migrate_revisions ORDER BY revision"
        ),
        [A, B, C].map(|r| Some(r.to_owned()))
    );
    // `<id>-N` is relative to a full id.
    m.downgrade(&mut conn, &format!("{C}-2")).unwrap();
    assert_eq!(current(&m, &mut conn), [A]);
    m.upgrade(&mut conn, &format!("{A}+1")).unwrap();
    assert_eq!(current(&m, &mut conn), [B]);
    m.downgrade(&mut conn, "base").unwrap();
    assert!(current(&m, &mut conn).is_empty());
    assert_stairway(&db, &migrations());
}

on_both!(uuid_form_ids_apply_and_revert);

#[test]
fn offline_scripts_name_uuid_form_ids() {
    let m = Migrator::new(migrations()).unwrap();
    for dialect in [Dialect::Postgres, Dialect::Sqlite] {
        let sql = m.upgrade_sql(dialect, None, "head").unwrap();
        for id in [A, B, C] {
            assert!(sql.contains(&format!("'{id}'")), "{dialect:?}: {sql}");
        }
    }
}
