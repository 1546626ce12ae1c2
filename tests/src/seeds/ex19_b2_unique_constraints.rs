//! Example 19: `op.create_unique_constraint`, single and composite.

use migrate_runtime::{migration, op};

/// add unique constraints to users
#[migration(revision = "ex19_b2", down_revision = "ex19_a1")]
mod add_unique_constraints_to_users {
    fn upgrade() {
        op!(create_unique_constraint(
            "uq_users_email",
            "users",
            ["email"]
        ));
        // the same username may exist under different tenants
        op!(create_unique_constraint(
            "uq_users_username_tenant",
            "users",
            ["username", "tenant_id"]
        ));
    }

    fn downgrade() {
        op!(drop_constraint(
            "uq_users_username_tenant",
            "users",
            type_ = "unique"
        ));
        op!(drop_constraint("uq_users_email", "users", type_ = "unique"));
    }
}
