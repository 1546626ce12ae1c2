// The enum type created with the table stays after `drop_table`: on PostgreSQL
// the next upgrade fails with "type order_status already exists".
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a7", down_revision = None)]
mod create_orders {
    fn upgrade() {
        op!(create_table(
            "orders",
            Column("id", Integer, primary_key = true),
            Column("status", Enum("pending", "shipped", name = "order_status"), nullable = false),
        ));
    }

    fn downgrade() {
        op!(drop_table("orders"));
    }
}

fn main() {}
