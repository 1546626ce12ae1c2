//! Example 24: a PostgreSQL ENUM type created before the table that uses it
//! and dropped after it.

use migrate_runtime::{migration, op};

/// create orders table with order_status enum
#[migration(revision = "ex24_a1", down_revision = None, branch = "ex24")]
mod create_orders_with_status_enum {
    fn upgrade() {
        // order_status.create(op.get_bind())
        op!(create_enum(
            "order_status",
            ["pending", "processing", "shipped", "delivered", "cancelled"]
        ));
        op!(create_table(
            "orders",
            Column("id", Integer, primary_key = true, autoincrement = true),
            Column(
                "status",
                Enum(
                    "pending",
                    "processing",
                    "shipped",
                    "delivered",
                    "cancelled",
                    name = "order_status",
                    // the type already exists
                    create_type = false,
                ),
                nullable = false,
                server_default = "pending",
            ),
            Column("total", Numeric(10, 2), nullable = false),
        ));
    }

    fn downgrade() {
        op!(drop_table("orders"));
        // order_status.drop(op.get_bind()): after the table that uses it
        op!(drop_enum("order_status"));
    }
}
