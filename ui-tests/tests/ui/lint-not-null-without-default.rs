// Example 21's mistake: a NOT NULL column without a default fails on a table
// that has rows.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod account_type {
    fn upgrade() {
        op!(add_column("users", Column("account_type", String(20), nullable = false)));
    }
}

fn main() {}
