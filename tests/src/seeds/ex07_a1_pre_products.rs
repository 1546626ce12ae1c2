//! Example 7, prerequisite: the `products` table the example extends.

use migrate_runtime::{migration, op};

/// prerequisite: create products table
#[migration(revision = "ex07_a1", down_revision = None, branch = "ex07")]
mod create_products_table {
    fn upgrade() {
        op!(create_table(
            "products",
            Column("id", Integer, primary_key = true),
            Column("name", String(200), nullable = false),
        ));
    }
}
