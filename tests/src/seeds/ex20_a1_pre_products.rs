//! Example 20, prerequisite: `products` with `price`, `status`, `quantity`.

use migrate_runtime::{migration, op};

/// prerequisite: create products table with status and quantity
#[migration(revision = "ex20_a1", down_revision = None, branch = "ex20")]
mod create_products_table {
    fn upgrade() {
        op!(create_table(
            "products",
            Column("id", Integer, primary_key = true),
            Column("price", Numeric(10, 2), nullable = false),
            Column("status", String(20), nullable = false),
            Column("quantity", Integer, nullable = false),
        ));
    }
}
