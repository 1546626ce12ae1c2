//! Example 5: `upgrade()` and `downgrade()` as an exact pair.

use migrate_runtime::{migration, op};

/// create users table
#[migration(revision = "ex05_abc123de", down_revision = None, branch = "ex05")]
mod create_users_table {
    fn upgrade() {
        op!(create_table(
            "users",
            Column("id", Integer, primary_key = true),
            Column("username", String(50), nullable = false),
            Column("email", String(255), nullable = false),
        ));
    }

    // Must exactly reverse everything in upgrade().
    fn downgrade() {
        op!(drop_table("users"));
    }
}
