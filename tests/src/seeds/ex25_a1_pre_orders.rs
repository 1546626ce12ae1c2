//! Example 25, prerequisite: `orders` with `user_id`, `status`, `tenant_id`,
//! `created_at`.

use migrate_runtime::{migration, op};

/// prerequisite: create orders table
#[migration(revision = "ex25_a1", down_revision = None, branch = "ex25")]
mod create_orders_table {
    fn upgrade() {
        op!(create_table(
            "orders",
            Column("id", Integer, primary_key = true),
            Column("user_id", Integer, nullable = false),
            Column("status", String(20), nullable = false),
            Column("tenant_id", Integer, nullable = false),
            Column(
                "created_at",
                DateTime(timezone = true),
                nullable = false,
                server_default = text("NOW()")
            ),
        ));
    }
}
