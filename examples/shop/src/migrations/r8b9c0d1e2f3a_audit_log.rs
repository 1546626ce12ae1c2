use migrate_runtime::{migration, op};

/// add audit log
#[migration(revision = "8b9c0d1e2f3a", down_revision = "7a8b9c0d1e2f")]
mod audit_log {
    fn upgrade() {
        op!(create_table(
            "audit_log",
            Column("id", Integer, primary_key = true, autoincrement = true),
            Column("table_name", String(100), nullable = false),
            Column("operation", String(10), nullable = false),
            Column("user_id", Integer, nullable = true),
            Column(
                "changed_at",
                DateTime(timezone = true),
                nullable = false,
                server_default = now()
            ),
        ));
        op!(create_index(
            "ix_audit_log_table_name",
            "audit_log",
            ["table_name"]
        ));
    }
}
