//! Example 21, second form: add with a default so existing rows get a value,
//! then drop the default so new rows must give one.

use migrate_runtime::{migration, op};

/// add account_type to users without a permanent default
#[migration(revision = "ex21_c2", down_revision = "ex21_a1", branch = "ex21b")]
mod add_account_type_without_default {
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
        op!(alter_column("users", "account_type", server_default = None));
    }

    fn downgrade() {
        op!(drop_column("users", "account_type"));
    }
}
