//! Example 15, parent: revision `abc123de` of example 5, which the example's
//! revision names as its `down_revision`.

use migrate_runtime::{migration, op};

/// create users table
#[migration(revision = "ex15_abc123de", down_revision = "ex15_a0")]
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
