//! Example 23, prerequisite: the existing `products` table the example adds
//! audit columns to.

use migrate_runtime::{migration, op};

/// prerequisite: create products table
#[migration(revision = "ex23_a1", down_revision = None, branch = "ex23")]
mod create_products_table {
    fn upgrade() {
        op!(create_table(
            "products",
            Column("id", Integer, primary_key = true),
            Column("name", String(200), nullable = false),
        ));
    }
}
