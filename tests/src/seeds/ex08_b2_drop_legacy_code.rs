//! Example 8: `op.drop_column`. The downgrade re-creates the column's
//! structure, not its data.

use migrate_runtime::{migration, op};

/// drop legacy_code column from products
#[migration(revision = "ex08_b2", down_revision = "ex08_a1")]
mod drop_legacy_code_from_products {
    fn upgrade() {
        op!(drop_column("products", "legacy_code"), allow(destructive));
    }

    fn downgrade() {
        op!(add_column(
            "products",
            Column("legacy_code", String(20), nullable = true)
        ));
    }
}
