// PostgreSQL cannot use an enum value before the transaction that adds it
// commits ("unsafe use of new value"), so a migration may not use a value it
// adds: SQLite would run it, PostgreSQL would fail at deploy.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

/// create orders
#[migration(revision = "a1", down_revision = None)]
mod create_orders {
    fn upgrade() {
        op!(create_enum("status", ["new", "paid"]));
        op!(create_table(
            "orders",
            Column("id", Integer, primary_key = true),
            Column("status", Enum("new", "paid", name = "status", create_type = false), nullable = false, server_default = "new"),
        ));
    }
}

/// ship orders
#[migration(revision = "b2", down_revision = "a1", irreversible)]
mod ship_orders {
    fn upgrade() {
        op!(add_enum_value("status", "shipped", after = "paid"));
        op!(bulk_insert("orders", [{"id": 1, "status": "paid"}, {"id": 2, "status": "shipped"}]));
        op!(alter_column("orders", "status", server_default = "shipped"));
        op!(add_column("orders", Column("previous", Enum("new", "paid", "shipped", name = "status", create_type = false), server_default = "shipped")));
        op!(create_index("ix_orders_shipped", "orders", ["id"], postgresql_where = "status = 'shipped'"));
        op!(create_check_constraint("ck_orders_not_shipped", "orders", "status <> 'shipped' OR id > 0"));
        // Opaque, not checked.
        op!(execute("UPDATE orders SET status = 'shipped'"));
    }
}

// A value added in one migration and used in the next is fine.
/// add refunded
#[migration(revision = "c3", down_revision = "b2", irreversible)]
mod add_refunded {
    fn upgrade() {
        op!(add_enum_value("status", "refunded"));
    }
}

/// refund orders
#[migration(revision = "d4", down_revision = "c3", irreversible)]
mod refund_orders {
    fn upgrade() {
        op!(bulk_insert("orders", [{"id": 3, "status": "refunded"}]));
    }
}

fn main() {}
