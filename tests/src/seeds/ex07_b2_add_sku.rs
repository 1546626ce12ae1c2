//! Example 7: `op.add_column`.

use migrate_runtime::{migration, op};

/// add sku column to products
#[migration(revision = "ex07_b2", down_revision = "ex07_a1")]
mod add_sku_to_products {
    fn upgrade() {
        // nullable: existing rows have no value yet
        op!(add_column(
            "products",
            Column("sku", String(50), nullable = true)
        ));
    }

    fn downgrade() {
        op!(drop_column("products", "sku"));
    }
}
