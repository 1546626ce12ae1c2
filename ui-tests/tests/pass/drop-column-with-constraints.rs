// A column created with an inline foreign key, unique constraint and index
// in one migration and dropped (with its definition) in a later one: the
// database drops what covers the column, and the derived downgrade's
// `add_column` restores all of it. Builds without a warning, and runs.
#![deny(warnings)]

use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod tables {
    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
        op!(create_table(
            "orders",
            Column("id", Integer, primary_key = true),
            Column("user_id", Integer, ForeignKey("users.id"), unique = true, index = true),
        ));
    }
}

#[migration(revision = "a2", down_revision = "a1")]
mod drop_owner {
    fn upgrade() {
        op!(drop_column(
            "orders",
            Column("user_id", Integer, ForeignKey("users.id"), unique = true, index = true),
        ), allow(destructive));
    }
}

fn main() {
    let m = migrations();
    assert_eq!(m.len(), 2);
    let mut db = migrate_runtime::Database::connect(":memory:").unwrap();
    let migrator = migrate_runtime::Migrator::new(m).unwrap();
    migrator.upgrade(&mut db, "head").unwrap();
    migrator.downgrade(&mut db, "a1").unwrap();
    migrator.downgrade(&mut db, "base").unwrap();
}
