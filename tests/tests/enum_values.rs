//! A value `add_enum_value` adds can be used where PostgreSQL allows it: in a
//! later migration, or in a migration run without a transaction. The compiler
//! rejects a use in the same transaction
//! (`ui-tests/tests/ui/enum-value-used-before-commit.rs`); the two forms it
//! accepts run on both databases.

use migrate_runtime::testing::TestDatabase;
use migrate_runtime::{migration, op, Migrator};

mod support;
use support::*;

migrate_runtime::migrations!();

/// create orders
#[migration(revision = "e1", down_revision = None)]
mod create_orders {
    fn upgrade() {
        op!(create_enum("order_status", ["new", "paid"]));
        op!(create_table(
            "orders",
            Column("id", Integer, primary_key = true),
            Column(
                "status",
                Enum("new", "paid", name = "order_status", create_type = false),
                nullable = false
            ),
        ));
    }
}

/// add shipped
#[migration(revision = "e2", down_revision = "e1", irreversible)]
mod add_shipped {
    fn upgrade() {
        op!(add_enum_value("order_status", "shipped"));
    }
}

/// ship an order, once `shipped` is committed
#[migration(revision = "e3", down_revision = "e2", irreversible)]
mod ship {
    fn upgrade() {
        op!(bulk_insert("orders", [{"id": 1, "status": "shipped"}]));
    }
}

/// add refunded and use it: each statement commits on its own
#[migration(
    revision = "e4",
    down_revision = "e3",
    transactional = false,
    irreversible
)]
mod refund {
    fn upgrade() {
        op!(add_enum_value("order_status", "refunded"));
        op!(bulk_insert("orders", [{"id": 2, "status": "refunded"}]));
    }
}

#[test]
fn new_enum_values_used_where_postgres_allows_it() {
    for db in [TestDatabase::sqlite(), TestDatabase::postgres()] {
        let mut conn = db.connect();
        Migrator::new(migrations())
            .unwrap()
            .upgrade(&mut conn, "head")
            .unwrap();
        assert_eq!(
            texts(
                &mut conn,
                "SELECT CAST(status AS TEXT) AS value FROM orders ORDER BY id"
            ),
            [Some("shipped".to_owned()), Some("refunded".to_owned())]
        );
    }
}
