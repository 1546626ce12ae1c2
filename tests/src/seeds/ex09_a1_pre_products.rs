//! Example 9, prerequisite: `products` with the `sku` column the example
//! indexes.

use migrate_runtime::{migration, op};

/// prerequisite: create products table with sku
#[migration(revision = "ex09_a1", down_revision = None, branch = "ex09")]
mod create_products_table {
    fn upgrade() {
        op!(create_table(
            "products",
            Column("id", Integer, primary_key = true),
            Column("name", String(200), nullable = false),
            Column("sku", String(50), nullable = true),
        ));
    }
}
