// Ops that cannot apply where they stand: an index dropped twice, a constraint
// on a column the table does not have, an enum type dropped while in use.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod products {
    fn upgrade() {
        op!(create_table("products", Column("id", Integer, primary_key = true), Column("name", Text)));
    }
}

#[migration(revision = "b2", down_revision = "a1")]
mod twice {
    fn upgrade() {
        op!(create_index("ix_products_name", "products", ["name"]));
    }

    fn downgrade() {
        op!(drop_index("ix_products_name", table_name = "products"));
        op!(drop_index("ix_products_name", table_name = "products"));
    }
}

#[migration(revision = "c3", down_revision = "b2")]
mod missing_column {
    fn upgrade() {
        op!(create_table("items", Column("id", Integer, primary_key = true)));
        op!(create_unique_constraint(None, "items", ["sku"]));
    }
}

#[migration(revision = "d4", down_revision = "c3")]
mod enum_in_use {
    fn upgrade() {
        op!(create_enum("order_status", ["pending", "shipped"]));
        op!(create_table(
            "orders",
            Column("id", Integer, primary_key = true),
            Column("status", Enum("pending", "shipped", name = "order_status", create_type = false)),
        ));
    }

    fn downgrade() {
        op!(drop_enum("order_status"));
        op!(drop_table("orders"));
    }
}

fn main() {}
