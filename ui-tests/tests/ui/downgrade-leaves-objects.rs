// Example 25 of the seeds with one `drop_index` forgotten, and a table whose
// downgrade is missing altogether.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "f6", down_revision = None)]
mod order_indexes {
    fn upgrade() {
        op!(create_index("ix_orders_user_status", "orders", ["user_id", "status"], unique = false));
        op!(create_index("ix_orders_tenant_created", "orders", ["tenant_id", "created_at"]));
        op!(create_table("order_notes", Column("id", Integer, primary_key = true)));
    }

    fn downgrade() {
        op!(drop_index("ix_orders_tenant_created", table_name = "orders"));
    }
}

fn main() {}
