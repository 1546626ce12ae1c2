// `migrate_runtime::migrations!();` is missing from the crate root.
use migrate_runtime::{migration, op};

#[migration(revision = "1a2b3c4d5e6f", down_revision = None)]
mod create_users {
    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
    }
}

fn main() {}
