use migrate_runtime::{migration, op};

/// add account_type to users
#[migration(revision = "5e6f7a8b9c0d", down_revision = "3c4d5e6f7a8b")]
mod account_type {
    fn upgrade() {
        // NOT NULL on a table with rows: the server default fills them.
        op!(add_column(
            "users",
            Column(
                "account_type",
                String(20),
                nullable = false,
                server_default = "standard"
            ),
        ));
    }
}
