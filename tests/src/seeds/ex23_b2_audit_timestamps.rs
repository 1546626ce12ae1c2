//! Example 23: audit timestamp columns with `NOW()` defaults, on a new table
//! and on an existing one.

use migrate_runtime::{migration, op};

/// add audit log and product timestamps
#[migration(revision = "ex23_b2", down_revision = "ex23_a1")]
mod add_audit_timestamps {
    fn upgrade() {
        op!(create_table(
            "audit_log",
            Column("id", Integer, primary_key = true, autoincrement = true),
            Column("event_type", String(100), nullable = false),
            // set once at INSERT time
            Column(
                "created_at",
                DateTime(timezone = true),
                nullable = false,
                server_default = text("NOW()")
            ),
            // the application (or a trigger) must update it
            Column(
                "updated_at",
                DateTime(timezone = true),
                nullable = false,
                server_default = text("NOW()")
            ),
        ));
        // existing rows get NOW() at migration time
        op!(add_column(
            "products",
            Column(
                "created_at",
                DateTime(timezone = true),
                nullable = false,
                server_default = text("NOW()")
            ),
        ));
        op!(add_column(
            "products",
            Column(
                "updated_at",
                DateTime(timezone = true),
                nullable = false,
                server_default = text("NOW()")
            ),
        ));
    }

    fn downgrade() {
        op!(drop_column("products", "updated_at"));
        op!(drop_column("products", "created_at"));
        op!(drop_table("audit_log"));
    }
}
