// Example 17 of the seeds as written: autogenerate indexed `sku`, which the
// table it creates does not have. And an index dropped twice.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "xyz789ab", down_revision = None)]
mod add_products_table {
    fn upgrade() {
        op!(create_table(
            "products",
            Column("id", Integer(), autoincrement = true, nullable = false),
            Column("name", String(length = 200), nullable = false),
            Column("price", Numeric(precision = 10, scale = 2), nullable = false),
            PrimaryKeyConstraint("id"),
        ));
        op!(create_index(f("ix_products_sku"), "products", ["sku"], unique = false));
    }

    fn downgrade() {
        op!(drop_index(f("ix_products_sku"), table_name = "products"));
        op!(drop_table("products"));
    }
}

#[migration(revision = "c9", down_revision = "xyz789ab")]
mod twice {
    fn upgrade() {
        op!(create_index("ix_products_name", "products", ["name"]));
    }

    fn downgrade() {
        op!(drop_index("ix_products_name", table_name = "products"));
        op!(drop_index("ix_products_name", table_name = "products"));
    }
}

fn main() {}
