use migrate_runtime::{migration, op};

/// add role
#[migration(revision = "3c4d5e6f7a8b", down_revision = "2b3c4d5e6f7a")]
mod add_role {
    fn upgrade() {
        op!(add_column("users", Column("role", String(50), nullable = true)));
    }
}
