//! Example 10: `op.create_foreign_key`.

use migrate_runtime::{migration, op};

/// add foreign key orders to users
#[migration(revision = "ex10_b2", down_revision = "ex10_a1")]
mod add_fk_orders_to_users {
    fn upgrade() {
        op!(create_foreign_key(
            "fk_orders_user_id",
            "orders",
            "users",
            ["user_id"],
            ["id"],
            // prevent deleting a user who has orders
            ondelete = "RESTRICT",
        ));
    }

    fn downgrade() {
        op!(drop_constraint(
            "fk_orders_user_id",
            "orders",
            type_ = "foreignkey"
        ));
    }
}
