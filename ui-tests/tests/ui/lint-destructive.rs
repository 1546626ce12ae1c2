use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod cleanup {
    fn upgrade() {
        op!(drop_column("products", Column("legacy_code", String(20))));
        op!(drop_table("legacy", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "b2", down_revision = "a1", allow(destrutive))]
mod typo_in_allow {
    fn upgrade() {
        op!(drop_column("products", Column("old_code", String(20))), allow(destructive, not_null));
    }
}

fn main() {}
