//! Example 15: a revision with a message (`alembic revision -m "add status
//! column to orders"`); the message is the doc comment.

use migrate_runtime::{migration, op};

/// add status column to orders
#[migration(revision = "ex15_abc789xy", down_revision = "ex15_abc123de")]
mod add_status_column_to_orders {
    fn upgrade() {
        op!(add_column(
            "orders",
            Column(
                "status",
                String(20),
                nullable = false,
                server_default = "pending"
            ),
        ));
    }

    fn downgrade() {
        op!(drop_column("orders", "status"));
    }
}
