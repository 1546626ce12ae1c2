use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod checks {
    fn upgrade() {
        op!(create_check_constraint(None, "products", "price > 0"));
        op!(create_table(
            "items",
            Column("id", Integer, primary_key = true),
            CheckConstraint("id > 0"),
        ));
        op!(drop_constraint("ck_products_price_positive", "products"));
    }
}

fn main() {}
