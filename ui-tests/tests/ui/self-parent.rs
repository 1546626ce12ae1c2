use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "1a2b3c4d5e6f", down_revision = "1a2b3c4d5e6f")]
mod create_users {
    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
    }
}

fn main() {}
