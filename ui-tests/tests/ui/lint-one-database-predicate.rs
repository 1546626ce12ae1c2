use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

/// Alembic's habit: `postgresql_where` alone, on a unique index.
#[migration(revision = "a1", down_revision = None)]
mod open_orders {
    fn upgrade() {
        op!(create_table(
            "orders",
            Column("id", Integer, primary_key = true),
            Column("user_id", Integer),
            Column("sent_at", DateTime, nullable = true),
        ));
        op!(create_index("ix_orders_open", "orders", ["user_id"], unique = true, postgresql_where = "sent_at IS NULL"));
    }
}

/// Both databases partial, or allowed for a PostgreSQL-only project: fine.
#[migration(revision = "b2", down_revision = "a1")]
mod fixed {
    fn upgrade() {
        op!(create_index("ix_orders_open_2", "orders", ["user_id"], unique = true, postgresql_where = "sent_at IS NULL", sqlite_where = "sent_at IS NULL"));
        op!(create_index("ix_orders_open_3", "orders", ["user_id"], unique = true, postgresql_where = "sent_at IS NULL"), allow(one_database_predicate));
    }
}

fn main() {}
