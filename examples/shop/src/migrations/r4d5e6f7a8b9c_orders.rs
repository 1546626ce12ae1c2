use migrate_runtime::{migration, op};

/// add orders
///
/// Written on its own branch while accounts work went on: `branch = "orders"`
/// lets both follow the roles revision until a merge joins them.
#[migration(
    revision = "4d5e6f7a8b9c",
    down_revision = "3c4d5e6f7a8b",
    branch = "orders"
)]
mod orders {
    fn upgrade() {
        op!(create_table(
            "orders",
            Column("id", Integer, primary_key = true),
            Column(
                "user_id",
                Integer,
                ForeignKey("users.id", ondelete = "RESTRICT"),
                nullable = false
            ),
            Column(
                "status",
                Enum(
                    "pending",
                    "processing",
                    "shipped",
                    "delivered",
                    "cancelled",
                    name = "order_status"
                ),
                nullable = false,
                server_default = "pending",
            ),
            Column("total", Numeric(10, 2), nullable = false),
            Column("tenant_id", Integer, nullable = false, server_default = "1"),
            Column(
                "created_at",
                DateTime(timezone = true),
                nullable = false,
                server_default = now()
            ),
        ));
        op!(create_index(
            "ix_orders_user_status",
            "orders",
            ["user_id", "status"]
        ));
        op!(create_index(
            "ix_orders_tenant_created",
            "orders",
            ["tenant_id", "created_at"]
        ));
        op!(create_index(
            "ix_orders_active_user",
            "orders",
            ["user_id"],
            postgresql_where = "status != 'cancelled'"
        ));
    }
}
