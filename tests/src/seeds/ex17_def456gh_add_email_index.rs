//! Example 17, parent: revision `def456gh`, "add email index" in the seed's
//! `alembic history` output (its body is not shown; this is the obvious one).

use migrate_runtime::{migration, op};

/// add email index
#[migration(revision = "ex17_def456gh", down_revision = "ex17_abc123de")]
mod add_email_index {
    fn upgrade() {
        op!(create_index("ix_users_email", "users", ["email"]));
    }
}
