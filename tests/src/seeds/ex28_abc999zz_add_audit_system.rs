//! Example 28: several operations in one revision, one transaction.

use migrate_runtime::{migration, op};

/// add audit system
#[migration(revision = "ex28_abc999zz", down_revision = "ex28_xyz789ab")]
mod add_audit_system {
    fn upgrade() {
        op!(add_column(
            "users",
            Column(
                "created_by",
                String(255),
                nullable = false,
                server_default = "system"
            ),
        ));
        op!(add_column(
            "users",
            Column(
                "updated_by",
                String(255),
                nullable = false,
                server_default = "system"
            ),
        ));
        op!(create_table(
            "audit_log",
            Column("id", Integer, primary_key = true, autoincrement = true),
            Column("table_name", String(100), nullable = false),
            // 'INSERT', 'UPDATE', 'DELETE'
            Column("operation", String(10), nullable = false),
            Column("user_id", Integer, nullable = true),
            Column(
                "changed_at",
                DateTime(timezone = true),
                server_default = text("NOW()")
            ),
        ));
        op!(create_index(
            "ix_audit_log_table_name",
            "audit_log",
            ["table_name"]
        ));
    }

    // exact reverse order of upgrade()
    fn downgrade() {
        op!(drop_index(
            "ix_audit_log_table_name",
            table_name = "audit_log"
        ));
        op!(drop_table("audit_log"));
        op!(drop_column("users", "updated_by"));
        op!(drop_column("users", "created_by"));
    }
}
