use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod unknown {
    fn upgrade() {
        op!(create_index("ix_users_email", "users", ["email"], uniq = true));
        op!(add_column("users", Column("email", String(255), nulable = false)));
        op!(create_foreign_key(None, "orders", "users", ["user_id"], ["id"], on_delete = "CASCADE"));
    }
}

fn main() {}
