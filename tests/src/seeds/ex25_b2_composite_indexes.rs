//! Example 25: composite and partial indexes.

use migrate_runtime::{migration, op};

/// add composite indexes to orders
#[migration(revision = "ex25_b2", down_revision = "ex25_a1")]
mod add_composite_indexes_to_orders {
    fn upgrade() {
        // column order matters: user_id first (higher cardinality)
        op!(create_index(
            "ix_orders_user_status",
            "orders",
            ["user_id", "status"],
            unique = false
        ));
        op!(create_index(
            "ix_orders_tenant_created",
            "orders",
            ["tenant_id", "created_at"]
        ));
        // partial index: only rows that are not cancelled
        op!(create_index(
            "ix_orders_active_user",
            "orders",
            ["user_id"],
            unique = false,
            postgresql_where = "status != 'cancelled'",
        ));
    }

    fn downgrade() {
        op!(drop_index("ix_orders_active_user", table_name = "orders"));
        op!(drop_index(
            "ix_orders_tenant_created",
            table_name = "orders"
        ));
        op!(drop_index("ix_orders_user_status", table_name = "orders"));
    }
}
