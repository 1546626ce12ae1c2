use migrate_runtime::{migration, op};

/// add bio
#[migration(revision = "9f8e7d6c5b4a", down_revision = "1a2b3c4d5e6f")]
mod add_bio {
    fn upgrade() {
        op!(add_column("users", Column("bio", Text)));
    }
}
