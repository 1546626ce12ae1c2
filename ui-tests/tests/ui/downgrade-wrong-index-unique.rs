// The upgrade replaces an index and states the one it drops; the downgrade
// re-creates the old one with one argument different.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "d4", down_revision = None)]
mod narrow_index {
    fn upgrade() {
        op!(drop_index(
            "ix_orders_user_status",
            "orders",
            ["user_id", "status"],
            unique = true,
            postgresql_where = "status != 'cancelled'",
        ));
        op!(create_index("ix_orders_user_status", "orders", ["user_id"]));
    }

    fn downgrade() {
        op!(drop_index("ix_orders_user_status", table_name = "orders"));
        op!(create_index("ix_orders_user_status", "orders", ["user_id", "status"], postgresql_where = "status != 'cancelled'"));
    }
}

fn main() {}
