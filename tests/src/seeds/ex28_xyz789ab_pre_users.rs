//! Example 28, prerequisite: the `users` table, standing in for the
//! example's parent revision `xyz789ab`.

use migrate_runtime::{migration, op};

/// prerequisite: create users table
#[migration(revision = "ex28_xyz789ab", down_revision = None, branch = "ex28")]
mod create_users_table {
    fn upgrade() {
        op!(create_table(
            "users",
            Column("id", Integer, primary_key = true),
            Column("username", String(50), nullable = false),
            Column("email", String(255), nullable = false),
        ));
    }
}
