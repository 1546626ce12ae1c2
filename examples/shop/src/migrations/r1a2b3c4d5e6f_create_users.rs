use migrate_runtime::{migration, op};

/// create users table
#[migration(revision = "1a2b3c4d5e6f", down_revision = None)]
mod create_users {
    fn upgrade() {
        op!(create_table(
            "users",
            Column("id", Integer, primary_key = true),
            Column("username", String(50), nullable = false, unique = true),
            Column("email", String(255), nullable = false, index = true),
            Column(
                "created_at",
                DateTime(timezone = true),
                nullable = false,
                server_default = now()
            ),
        ));
    }
}
