// Example 18 of the seeds with `existing_type`: the downgrade restores another scale.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "c3", down_revision = None)]
mod widen_price {
    fn upgrade() {
        op!(alter_column(
            "products",
            "price",
            type_ = Numeric(19, 4),
            existing_type = Numeric(10, 2),
            postgresql_using = "price::numeric(19,4)",
        ));
    }

    fn downgrade() {
        op!(alter_column("products", "price", type_ = Numeric(10, 3)));
    }
}

fn main() {}
