use migrate_runtime::{migration, op};

/// create products table
#[migration(revision = "2b3c4d5e6f7a", down_revision = "1a2b3c4d5e6f")]
mod create_products {
    fn upgrade() {
        op!(create_table(
            "products",
            Column("id", Integer, primary_key = true),
            Column("name", String(200), nullable = false),
            Column("sku", String(50), nullable = true),
            Column("price", Numeric(10, 2), nullable = false),
            Column("description", Text, nullable = true),
            Column("stock", Integer, nullable = false, server_default = "0"),
            Column("active", Boolean, nullable = false, server_default = true()),
            CheckConstraint("price > 0", name = "ck_products_price_positive"),
        ));
        op!(create_index(
            "ix_products_sku",
            "products",
            ["sku"],
            unique = true
        ));
    }
}
