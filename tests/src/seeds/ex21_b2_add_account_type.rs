//! Example 21, first form: a NOT NULL column added with a `server_default`
//! that existing rows get.

use migrate_runtime::{migration, op};

/// add account_type to users
#[migration(revision = "ex21_b2", down_revision = "ex21_a1")]
mod add_account_type_to_users {
    fn upgrade() {
        op!(add_column(
            "users",
            Column(
                "account_type",
                String(20),
                nullable = false,
                server_default = "standard"
            ),
        ));
    }

    fn downgrade() {
        op!(drop_column("users", "account_type"));
    }
}
