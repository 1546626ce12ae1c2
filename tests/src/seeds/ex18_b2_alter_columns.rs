//! Example 18: `op.alter_column`: nullability, server default, type.

use migrate_runtime::{migration, op};

/// alter users email, users status and products price
#[migration(revision = "ex18_b2", down_revision = "ex18_a1")]
mod alter_columns {
    fn upgrade() {
        // backfill NULLs before running this
        op!(alter_column("users", "email", nullable = false));
        op!(alter_column("users", "status", server_default = "active"));
        op!(alter_column("users", "status", server_default = None));
        // widening NUMERIC(10,2) to NUMERIC(19,4)
        op!(alter_column(
            "products",
            "price",
            type_ = Numeric(19, 4),
            postgresql_using = "price::numeric(19,4)",
        ));
    }

    fn downgrade() {
        op!(alter_column("users", "email", nullable = true));
        op!(alter_column("users", "status", server_default = None));
        // may lose precision for values with more than 2 decimal places
        op!(alter_column(
            "products",
            "price",
            type_ = Numeric(10, 2),
            postgresql_using = "price::numeric(10,2)",
        ));
    }
}
