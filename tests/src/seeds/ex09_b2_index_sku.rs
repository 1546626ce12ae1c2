//! Example 9: `op.create_index`, plain and unique.

use migrate_runtime::{migration, op};

/// add sku indexes to products
#[migration(revision = "ex09_b2", down_revision = "ex09_a1")]
mod add_sku_indexes_to_products {
    fn upgrade() {
        op!(create_index(
            "ix_products_sku",
            "products",
            ["sku"],
            unique = false
        ));
        // uniqueness enforced by the database
        op!(create_index(
            "ix_products_sku_unique",
            "products",
            ["sku"],
            unique = true
        ));
    }

    fn downgrade() {
        op!(drop_index(
            "ix_products_sku_unique",
            table_name = "products"
        ));
        op!(drop_index("ix_products_sku", table_name = "products"));
    }
}
