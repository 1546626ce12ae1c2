use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod arity {
    fn upgrade() {
        op!(create_index("ix_users_email", "users"));
        op!(add_column("users"));
        op!(rename_table("users", "accounts", "members"));
        op!(add_column(table_name = "users", Column("bio", Text)));
        op!(create_table("users"));
    }
}

fn main() {}
