use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

/// create users
#[migration(revision = "1a2b3c4d5e6f", down_revision = None)]
mod create_users {
    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
    }
}

/// add role: its parent id has a typo
#[migration(revision = "9f8e7d6c5b4a", down_revision = "1a2b3c4d5e6e")]
mod add_role {
    fn upgrade() {
        op!(add_column("users", Column("role", String(50))));
    }
}

fn main() {}
