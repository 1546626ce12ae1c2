//! Example 15, prerequisite: the `orders` table the example's revision
//! extends (the seed only shows its parent `abc123de`, which creates `users`).

use migrate_runtime::{migration, op};

/// prerequisite: create orders table
#[migration(revision = "ex15_a0", down_revision = None, branch = "ex15")]
mod create_orders_table {
    fn upgrade() {
        op!(create_table(
            "orders",
            Column("id", Integer, primary_key = true),
            Column("total", Numeric(10, 2), nullable = false),
        ));
    }
}
