//! Example 10, prerequisite: `users`, and `orders` with its `user_id` column.

use migrate_runtime::{migration, op};

/// prerequisite: create users and orders tables
#[migration(revision = "ex10_a1", down_revision = None, branch = "ex10")]
mod create_users_and_orders {
    fn upgrade() {
        op!(create_table(
            "users",
            Column("id", Integer, primary_key = true),
            Column("username", String(50), nullable = false),
        ));
        op!(create_table(
            "orders",
            Column("id", Integer, primary_key = true),
            Column("user_id", Integer, nullable = false),
        ));
    }
}
