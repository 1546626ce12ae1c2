//! Example 17, grandparent: revision `abc123de` (example 5).

use migrate_runtime::{migration, op};

/// create users table
#[migration(revision = "ex17_abc123de", down_revision = None, branch = "ex17")]
mod create_users_table {
    fn upgrade() {
        op!(create_table(
            "users",
            Column("id", Integer, primary_key = true),
            Column("username", String(50), nullable = false),
            Column("email", String(255), nullable = false),
        ));
    }

    fn downgrade() {
        op!(drop_table("users"));
    }
}
