use migrate_runtime::{migration, op};

/// add role
#[migration(revision = "9f8e7d6c5b4a", down_revision = "1a2b3c4d5e6f")]
mod add_role {
    fn upgrade() {
        op!(add_column("users", Column("role", String(50))));
    }
}
