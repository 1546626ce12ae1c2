//! Example 6: `op.create_table` with types, nullability and server defaults.
//! The example shows no `downgrade()`: it is derived (`drop_table` with the
//! definition).

use migrate_runtime::{migration, op};

/// create products table
#[migration(revision = "ex06_a1", down_revision = None, branch = "ex06")]
mod create_products_table {
    fn upgrade() {
        op!(create_table(
            "products",
            Column("id", Integer, primary_key = true),
            Column("name", String(200), nullable = false),
            // NUMERIC(10,2): 10 total digits, 2 after the decimal point
            Column("price", Numeric(10, 2), nullable = false),
            Column("description", Text, nullable = true),
            // the database applies the default, not the application
            Column("stock", Integer, nullable = false, server_default = "0"),
            Column("active", Boolean, nullable = false, server_default = true()),
            Column(
                "created_at",
                DateTime(timezone = true),
                nullable = false,
                server_default = text("NOW()"),
            ),
        ));
    }
}
