//! Example 19, prerequisite: `users` with `email`, `username`, `tenant_id`.

use migrate_runtime::{migration, op};

/// prerequisite: create users table with tenant_id
#[migration(revision = "ex19_a1", down_revision = None, branch = "ex19")]
mod create_users_table {
    fn upgrade() {
        op!(create_table(
            "users",
            Column("id", Integer, primary_key = true),
            Column("username", String(50), nullable = false),
            Column("email", String(255), nullable = false),
            Column("tenant_id", Integer, nullable = false),
        ));
    }
}
