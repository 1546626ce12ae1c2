//! Example 8, prerequisite: `products` with the `legacy_code` column the
//! example drops.

use migrate_runtime::{migration, op};

/// prerequisite: create products table with legacy_code
#[migration(revision = "ex08_a1", down_revision = None, branch = "ex08")]
mod create_products_table {
    fn upgrade() {
        op!(create_table(
            "products",
            Column("id", Integer, primary_key = true),
            Column("name", String(200), nullable = false),
            Column("legacy_code", String(20), nullable = true),
        ));
    }
}
