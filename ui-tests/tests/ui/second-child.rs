use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "1a2b3c4d5e6f", down_revision = None)]
mod create_users {
    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
    }
}

/// written on one git branch
#[migration(revision = "9f8e7d6c5b4a", down_revision = "1a2b3c4d5e6f")]
mod add_role {
    fn upgrade() {
        op!(add_column("users", Column("role", String(50))));
    }
}

/// written on another, after the same head: two heads
#[migration(revision = "5d4c3b2a1f0e", down_revision = "1a2b3c4d5e6f")]
mod add_bio {
    fn upgrade() {
        op!(add_column("users", Column("bio", Text)));
    }
}

fn main() {}
