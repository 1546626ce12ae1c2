//! Example 26, prerequisite: the `users` and `roles` tables the junction
//! table references.

use migrate_runtime::{migration, op};

/// prerequisite: create users and roles tables
#[migration(revision = "ex26_a1", down_revision = None, branch = "ex26")]
mod create_users_and_roles {
    fn upgrade() {
        op!(create_table(
            "users",
            Column("id", Integer, primary_key = true),
            Column("username", String(50), nullable = false),
        ));
        op!(create_table(
            "roles",
            Column("id", Integer, primary_key = true),
            Column("name", String(50), nullable = false),
        ));
    }
}
