use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod values {
    fn upgrade() {
        op!(create_foreign_key("fk_orders_user_id", "orders", "users", ["user_id"], ["id"], ondelete = "DELETE"));
        op!(create_index("ix_users_email", "users", "email"));
        op!(add_column("users", Column("active", Boolean, nullable = True)));
        op!(add_column("users", Column("created_at", DateTime, server_default = sysdate())));
        op!(drop_constraint("uq_users_email", "users", type_ = "uniq"));
        op!(create_table("t", Column("id", Integer, primary_key = true, nullable = true)));
        op!(bulk_insert("roles", [{"id": 1, "id": 2}]));
        op!(create_foreign_key(None, "orders", "users", ["user_id", "tenant_id"], ["id"]));
    }
}

fn main() {}
