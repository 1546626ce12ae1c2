// Alembic prints the first migration's parent as `<base>`: `down_revision =
// "base"` is not how a first migration is written.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "1a2b3c4d5e6f", down_revision = "base")]
mod create_users {
    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "2b3c4d5e6f7a", down_revision = ["<base>"], branch = "other")]
mod create_orders {
    fn upgrade() {
        op!(create_table("orders", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "3c4d5e6f7a8b", down_revision = ["2b3c4d5e6f7a", "BASE"])]
mod merge {
    fn upgrade() {}
}

fn main() {}
