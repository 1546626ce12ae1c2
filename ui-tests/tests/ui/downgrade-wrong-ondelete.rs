// The upgrade switches a foreign key from RESTRICT to CASCADE; the downgrade
// puts back SET NULL instead of RESTRICT.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "e5", down_revision = None)]
mod cascade_orders {
    fn upgrade() {
        op!(drop_foreign_key("fk_orders_user_id", "orders", "users", ["user_id"], ["id"], ondelete = "RESTRICT"));
        op!(create_foreign_key("fk_orders_user_id", "orders", "users", ["user_id"], ["id"], ondelete = "CASCADE"));
    }

    fn downgrade() {
        op!(drop_constraint("fk_orders_user_id", "orders", type_ = "foreignkey"));
        op!(create_foreign_key("fk_orders_user_id", "orders", "users", ["user_id"], ["id"], ondelete = "SET NULL"));
    }
}

fn main() {}
