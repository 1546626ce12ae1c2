// Every operation, column type and default of the DSL in one chain, with
// derived and written downgrades; must build without a single warning.
#![deny(warnings)]

use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

/// base tables
#[migration(revision = "a1", down_revision = None)]
mod base {
    fn upgrade() {
        op!(create_enum("order_status", ["pending", "shipped"]));
        op!(create_table(
            "users",
            Column("id", Integer, primary_key = true),
            Column("email", String(255), nullable = false, unique = true, index = true),
            Column("small", SmallInteger),
            Column("big", BigInteger, server_default = 0),
            Column("bio", Text, comment = "about me"),
            Column("active", Boolean, nullable = false, server_default = true()),
            Column("score", Numeric(10, 2), server_default = 1.5),
            Column("ratio", Float),
            Column("precise", Double),
            Column("born", Date),
            Column("wakes", Time),
            Column("created_at", DateTime(timezone = true), server_default = now()),
            Column("token", Uuid, server_default = uuid()),
            Column("legacy_token", UUID(as_uuid = true)),
            Column("prefs", Json),
            Column("meta", Jsonb),
            Column("avatar", Binary),
            Column("kind", Enum("a", "b", name = "user_kind")),
            Column("status", Enum("pending", "shipped", name = "order_status", create_type = false)),
            Column("raw", String, server_default = text("'x'")),
            comment = "people",
        ));
        op!(create_table(
            "orders",
            Column("id", BigInteger, primary_key = true, autoincrement = true),
            Column("user_id", Integer, ForeignKey("users.id", ondelete = "CASCADE")),
            Column("tenant_id", Integer, nullable = false),
            Column("note", String(length = 20)),
            Column("total", Numeric(precision = 10, scale = 2)),
            UniqueConstraint("tenant_id", "note"),
            CheckConstraint("total >= 0", name = "ck_orders_total"),
        ));
        op!(create_table(
            "user_roles",
            Column("user_id", Integer, nullable = false),
            Column("role_id", Integer, nullable = false),
            PrimaryKeyConstraint("user_id", "role_id"),
            ForeignKeyConstraint(["user_id"], ["users.id"], name = "fk_user_roles_user_id", ondelete = "CASCADE", deferrable = true, initially = "DEFERRED"),
        ));
        op!(create_table("audit", Column("id", Integer, primary_key = true), Column("bio", Text), schema = "public"));
        op!(bulk_insert("orders", [{"id": 1, "tenant_id": 7, "note": "it's \"quoted\"", "total": 19.99, "user_id": None}]));
    }
}

/// every alteration
#[migration(revision = "b2", down_revision = "a1")]
mod alterations {
    fn upgrade() {
        op!(add_column("orders", Column("shipped_at", DateTime, nullable = true)));
        op!(alter_column("orders", "note", type_ = Text, existing_type = String(20), postgresql_using = "note::text"));
        op!(alter_column("orders", "tenant_id", nullable = true, existing_nullable = false));
        op!(alter_column("orders", "total", server_default = "0", existing_server_default = None));
        op!(alter_column("orders", "total", comment = "in cents", existing_comment = None));
        op!(alter_column("orders", "shipped_at", new_column_name = "sent_at"));
        op!(create_index(None, "orders", ["tenant_id", "sent_at"]));
        op!(create_index("ix_orders_lower_note", "orders", [text("lower(note)")], postgresql_using = "btree"));
        op!(create_index("ix_orders_open", "orders", ["user_id"], unique = true, postgresql_where = "sent_at IS NULL", sqlite_where = "sent_at IS NULL"));
        op!(create_unique_constraint(None, "orders", ["user_id", "tenant_id"]));
        op!(create_check_constraint("ck_orders_tenant", "orders", text("tenant_id > 0")));
        op!(create_foreign_key(None, "orders", "users", ["tenant_id"], ["id"], ondelete = "SET NULL", onupdate = "CASCADE"));
        op!(create_table_comment("orders", "what was bought", existing_comment = None));
        op!(rename_table("user_roles", "memberships"));
    }
}

/// every invertible drop, undone by the derived downgrade
#[migration(revision = "c3", down_revision = "b2", allow(destructive))]
mod invertible_drops {
    fn upgrade() {
        op!(drop_index("ix_orders_open", "orders", ["user_id"], unique = true, postgresql_where = "sent_at IS NULL", sqlite_where = "sent_at IS NULL"));
        op!(drop_unique_constraint("uq_orders_user_id_tenant_id", "orders", ["user_id", "tenant_id"]));
        op!(drop_check_constraint("ck_orders_tenant", "orders", "tenant_id > 0"));
        op!(drop_foreign_key("fk_orders_tenant_id_users", "orders", "users", ["tenant_id"], ["id"], ondelete = "SET NULL", onupdate = "CASCADE"));
        op!(drop_primary_key("pk_user_roles", "memberships", ["user_id", "role_id"]));
        op!(drop_column("orders", Column("sent_at", DateTime)));
        op!(drop_table_comment("orders", existing_comment = "what was bought"));
        op!(drop_table(
            "memberships",
            Column("user_id", Integer, nullable = false),
            Column("role_id", Integer, nullable = false),
            ForeignKeyConstraint(["user_id"], ["users.id"], name = "fk_user_roles_user_id", ondelete = "CASCADE", deferrable = true, initially = "DEFERRED"),
        ));
    }
}

/// opaque ops with written counterparts
#[migration(revision = "d4", down_revision = "c3", allow(destructive, not_null_without_default))]
mod opaque {
    fn upgrade() {
        op!(execute("UPDATE users SET bio = 'x' WHERE bio IS NULL"));
        op!(execute(postgresql = "SELECT 1", sqlite = "SELECT 1", mysql = "SELECT 1"));
        op!(run(backfill));
        op!(add_column("users", Column("nick", String(20), nullable = false)));
        op!(drop_constraint("ck_orders_total", "orders", type_ = "check"));
    }

    fn downgrade() {
        op!(create_check_constraint("ck_orders_total", "orders", "total >= 0"));
        op!(drop_column("users", "nick"));
        op!(run(undo));
        op!(execute("UPDATE users SET bio = NULL WHERE bio = 'x'"));
    }

    fn backfill(_conn: &mut migrate_runtime::Connection<'_>) -> migrate_runtime::RunResult {
        Ok(())
    }

    fn undo(_conn: &mut migrate_runtime::Connection<'_>) -> migrate_runtime::RunResult {
        Ok(())
    }
}

/// irreversible, non-transactional
#[migration(revision = "e5", down_revision = "d4", irreversible, transactional = false, message = "enum value and cleanup")]
mod one_way {
    fn upgrade() {
        op!(add_enum_value("order_status", "refunded", after = "shipped"));
        op!(drop_enum("user_kind"), allow(destructive));
    }
}

/// a concurrent index, alone in its migration
#[migration(revision = "f6", down_revision = "e5")]
mod concurrent {
    fn upgrade() {
        op!(create_index("ix_audit_bio", "audit", ["bio"], postgresql_concurrently = true, schema = "public"));
    }
}

fn main() {
    let all = migrations();
    assert_eq!(all.len(), 6);
    assert!(!all.get("f6").unwrap().transactional());
    assert!(all.get("e5").unwrap().downgrade().is_none());
    assert_eq!(all.get("e5").unwrap().message(), "enum value and cleanup");
    assert!(all.get("c3").unwrap().downgrade_is_derived());
}
