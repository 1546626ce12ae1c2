// CREATE INDEX CONCURRENTLY cannot run inside a transaction: it must be the
// only op of its migration.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod big_index {
    fn upgrade() {
        op!(add_column("orders", Column("note", Text)));
        op!(create_index("ix_orders_note", "orders", ["note"], postgresql_concurrently = true));
    }
}

#[migration(revision = "b2", down_revision = "a1", transactional = true)]
mod forced {
    fn upgrade() {
        op!(create_index("ix_orders_id", "orders", ["id"], postgresql_concurrently = true));
    }
}

fn main() {}
