// Ops whose undo cannot be read from their text, in migrations without
// `downgrade()`.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None, allow(destructive))]
mod drops {
    fn upgrade() {
        op!(drop_column("products", "legacy_code"));
        op!(drop_index("ix_products_sku", table_name = "products"));
        op!(drop_constraint("uq_users_email", "users", type_ = "unique"));
        op!(drop_table("legacy"));
    }
}

#[migration(revision = "b2", down_revision = "a1")]
mod opaque {
    fn upgrade() {
        op!(execute("UPDATE users SET role = 'member' WHERE role IS NULL"));
        op!(run(backfill));
    }

    fn backfill(_conn: &mut migrate_runtime::Connection<'_>) -> migrate_runtime::RunResult {
        Ok(())
    }
}

#[migration(revision = "c3", down_revision = "b2")]
mod alter_without_existing {
    fn upgrade() {
        op!(alter_column("users", "email", nullable = false));
        op!(alter_column("products", "price", type_ = Numeric(19, 4), existing_nullable = false));
        op!(bulk_insert("roles", [{"name": "superadmin"}]));
        op!(add_enum_value("order_status", "refunded"));
    }
}

#[migration(revision = "d4", down_revision = "c3", irreversible)]
mod irreversible_with_downgrade {
    fn upgrade() {
        op!(execute("DELETE FROM sessions"));
    }

    fn downgrade() {}
}

fn main() {}
