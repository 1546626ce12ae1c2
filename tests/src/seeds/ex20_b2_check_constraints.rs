//! Example 20: `op.create_check_constraint`.

use migrate_runtime::{migration, op};

/// add check constraints to products
#[migration(revision = "ex20_b2", down_revision = "ex20_a1")]
mod add_check_constraints_to_products {
    fn upgrade() {
        op!(create_check_constraint(
            "ck_products_price_positive",
            "products",
            text("price > 0")
        ));
        // an alternative to an ENUM type
        op!(create_check_constraint(
            "ck_products_status_valid",
            "products",
            text("status IN ('active', 'inactive', 'discontinued')"),
        ));
        op!(create_check_constraint(
            "ck_products_quantity_range",
            "products",
            text("quantity >= 0 AND quantity <= 10000"),
        ));
    }

    fn downgrade() {
        op!(drop_constraint(
            "ck_products_quantity_range",
            "products",
            type_ = "check"
        ));
        op!(drop_constraint(
            "ck_products_status_valid",
            "products",
            type_ = "check"
        ));
        op!(drop_constraint(
            "ck_products_price_positive",
            "products",
            type_ = "check"
        ));
    }
}
