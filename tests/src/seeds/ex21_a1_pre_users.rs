//! Example 21, prerequisite: a populated `users` table. Both forms of the
//! example follow it: the first form unlabelled, the second on branch `ex21b`.

use migrate_runtime::{migration, op};

/// prerequisite: create users table
#[migration(revision = "ex21_a1", down_revision = None, branch = "ex21")]
mod create_users_table {
    fn upgrade() {
        op!(create_table(
            "users",
            Column("id", Integer, primary_key = true),
            Column("username", String(50), nullable = false),
        ));
    }
}
