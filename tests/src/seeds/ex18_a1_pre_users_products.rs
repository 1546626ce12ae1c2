//! Example 18, prerequisite: `users.email` (still nullable), `users.status`,
//! and `products.price` as `NUMERIC(10,2)`.

use migrate_runtime::{migration, op};

/// prerequisite: create users and products tables
#[migration(revision = "ex18_a1", down_revision = None, branch = "ex18")]
mod create_users_and_products {
    fn upgrade() {
        op!(create_table(
            "users",
            Column("id", Integer, primary_key = true),
            Column("email", String(255), nullable = true),
            Column("status", String(20), nullable = true),
        ));
        op!(create_table(
            "products",
            Column("id", Integer, primary_key = true),
            Column("price", Numeric(10, 2), nullable = false),
        ));
    }
}
