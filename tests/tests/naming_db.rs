//! `migrations!(naming = "database")` and `identity = false`: a chain
//! written as Alembic writes it (fixture-alembic-names) builds the schema
//! that the same DDL without constraint names builds, names and `SERIAL`
//! keys included, on PostgreSQL (which names the constraints itself:
//! truncation to 63 bytes and clashes are its own) and on SQLite (which
//! names none). The DDL is SQLAlchemy's for that chain.

mod support;

use migrate_runtime::testing::{Snapshot, TestDatabase};
use migrate_runtime::Migrator;

const LONG: &str = "a_table_whose_name_is_long_enough_to_be_cut_by_postgresql_x";

/// What Alembic sends for revision a1, `serial` being PostgreSQL's key type.
fn a1(serial: &str, bigserial: &str) -> String {
    format!(
        "CREATE TABLE users (id {serial} NOT NULL, email VARCHAR(120) NOT NULL, age INTEGER, \
           PRIMARY KEY (id), CHECK (age >= 0), CHECK (age < 200), CHECK (age IS NULL OR email <> ''), UNIQUE (email)); \
         CREATE TABLE roles (id {bigserial} NOT NULL, name VARCHAR(50) NOT NULL, owner_id INTEGER, \
           PRIMARY KEY (id), UNIQUE (name), FOREIGN KEY(owner_id) REFERENCES users (id)); \
         CREATE TABLE {LONG} (id {serial} NOT NULL, a_column_with_a_long_name_as_well INTEGER, user_id INTEGER, \
           PRIMARY KEY (id), UNIQUE (a_column_with_a_long_name_as_well, user_id), FOREIGN KEY(user_id) REFERENCES users (id)); \
         CREATE TABLE user_roles (user_id INTEGER NOT NULL, role_id BIGINT NOT NULL, \
           CONSTRAINT pk_user_roles PRIMARY KEY (user_id, role_id));"
    )
}

const A2: &str = "ALTER TABLE user_roles ADD FOREIGN KEY(user_id) REFERENCES users (id); \
                  ALTER TABLE users ADD UNIQUE (age, email); \
                  ALTER TABLE roles DROP CONSTRAINT roles_name_key;";

const A3: &str = "ALTER TABLE users DROP CONSTRAINT users_age_check1; \
                  ALTER TABLE roles DROP CONSTRAINT roles_owner_id_fkey;";

/// `roles_pkey` stays with the renamed table: the new key is `roles_pkey1`.
const A4: &str = "ALTER TABLE roles RENAME TO old_roles; \
                  CREATE TABLE roles (id SERIAL NOT NULL, name VARCHAR(50) NOT NULL, owner_id INTEGER, \
                  PRIMARY KEY (id), UNIQUE (name), FOREIGN KEY(owner_id) REFERENCES users (id));";

fn snapshot(db: &TestDatabase) -> Snapshot {
    Snapshot::capture(&mut db.connect())
        .unwrap()
        .without_table("migrate_revisions")
}

#[test]
fn constraint_names_and_serial_keys_are_postgresqls_own() {
    let migrator = Migrator::new(fixture_alembic_names::migrations()).unwrap();
    let ours = TestDatabase::postgres();
    migrator.upgrade(&mut ours.connect(), "head").unwrap();
    let theirs = TestDatabase::postgres();
    support::exec(&mut theirs.connect(), &a1("SERIAL", "BIGSERIAL"));
    support::exec(&mut theirs.connect(), A2);
    support::exec(&mut theirs.connect(), A3);
    support::exec(&mut theirs.connect(), A4);
    assert_eq!(snapshot(&ours).diff_schema(&snapshot(&theirs)), []);
    // The names themselves, as the server chose them.
    let names = support::texts(
        &mut theirs.connect(),
        "SELECT conname::text AS value FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace \
         WHERE n.nspname = current_schema() AND contype <> 'n' ORDER BY 1",
    );
    let names: Vec<String> = names.into_iter().flatten().collect();
    assert_eq!(
        names,
        [
            "a_table_whose_name_is_long_en_a_column_with_a_long_name_as__key",
            "a_table_whose_name_is_long_enough_to_be_cut_by_pos_user_id_fkey",
            "a_table_whose_name_is_long_enough_to_be_cut_by_postgresql__pkey",
            "pk_user_roles",
            "roles_name_key",
            "roles_owner_id_fkey",
            "roles_pkey",
            "roles_pkey1",
            "user_roles_user_id_fkey",
            "users_age_check",
            "users_age_email_key",
            "users_check",
            "users_email_key",
            "users_pkey",
        ]
    );
    // The model holds the same names: `check` finds nothing, and the
    // downgrade finds the constraints it drops by them.
    assert_eq!(migrator.check(&mut ours.connect()).unwrap().differences, []);
    migrator.downgrade(&mut ours.connect(), "a1").unwrap();
    let theirs_a1 = TestDatabase::postgres();
    support::exec(&mut theirs_a1.connect(), &a1("SERIAL", "BIGSERIAL"));
    assert_eq!(snapshot(&ours).diff_schema(&snapshot(&theirs_a1)), []);
}

/// `drop_constraint` without `type_` takes the kind the earlier
/// migrations gave the constraint.
#[test]
fn drop_constraint_finds_its_type_in_the_model() {
    use migrate_runtime::ops::{ConstraintType, Op};
    let m = fixture_alembic_names::migrations();
    let a3 = m.get("a3").unwrap();
    let kinds: Vec<ConstraintType> = a3
        .upgrade()
        .iter()
        .filter_map(|op| match op {
            Op::DropConstraint { kind, .. } => Some(*kind),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, [ConstraintType::Check, ConstraintType::ForeignKey]);
}

#[test]
fn constraints_postgresql_would_name_stay_unnamed_on_sqlite() {
    let migrator = Migrator::new(fixture_alembic_names::migrations()).unwrap();
    let ours = TestDatabase::sqlite();
    migrator.upgrade(&mut ours.connect(), "a1").unwrap();
    let theirs = TestDatabase::sqlite();
    support::exec(&mut theirs.connect(), &a1("INTEGER", "BIGINT"));
    assert_eq!(snapshot(&ours).diff_schema(&snapshot(&theirs)), []);
    assert_eq!(migrator.check(&mut ours.connect()).unwrap().differences, []);
    // Later ops find them by the names the model gives them.
    migrator.upgrade(&mut ours.connect(), "head").unwrap();
    assert_eq!(migrator.check(&mut ours.connect()).unwrap().differences, []);
}
