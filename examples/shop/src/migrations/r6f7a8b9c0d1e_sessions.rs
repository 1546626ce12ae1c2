use migrate_runtime::{migration, op};

/// add sessions with UUID keys
#[migration(revision = "6f7a8b9c0d1e", down_revision = "5e6f7a8b9c0d")]
mod sessions {
    fn upgrade() {
        op!(create_table(
            "sessions",
            Column("id", Uuid, primary_key = true, server_default = uuid()),
            Column(
                "user_id",
                Integer,
                ForeignKey("users.id", ondelete = "CASCADE"),
                nullable = false
            ),
            Column("token", String(512), nullable = false),
            Column("expires_at", DateTime(timezone = true), nullable = false),
        ));
        op!(create_index(None, "sessions", ["user_id"]));
    }
}
