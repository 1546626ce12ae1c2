// The downgrade re-adds a column under another name than the one upgrade drops.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod products {
    fn upgrade() {
        op!(create_table(
            "products",
            Column("id", Integer, primary_key = true),
            Column("legacy_code", String(20)),
        ));
    }
}

#[migration(revision = "b2", down_revision = "a1", allow(destructive))]
mod drop_legacy_code {
    fn upgrade() {
        op!(drop_column("products", Column("legacy_code", String(20), nullable = true)));
    }

    fn downgrade() {
        op!(add_column("products", Column("legacy", String(20), nullable = true)));
    }
}

fn main() {}
