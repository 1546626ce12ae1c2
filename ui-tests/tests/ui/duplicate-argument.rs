use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod twice {
    fn upgrade() {
        op!(create_index("ix_users_email", "users", ["email"], unique = true, unique = false));
        op!(create_index("ix_users_name", "users", ["name"], table_name = "accounts"));
        op!(create_table("t", Column("id", Integer, primary_key = true), Column("id", Text)));
    }
}

fn main() {}
