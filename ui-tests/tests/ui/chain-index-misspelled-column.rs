// An index on a column of a table an earlier migration created, misspelled.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "aa01", down_revision = None)]
mod create_users {
    fn upgrade() {
        op!(create_table(
            "users",
            Column("id", Integer, primary_key = true),
            Column("created_at", DateTime),
        ));
    }
}

#[migration(revision = "bb02", down_revision = "aa01")]
mod index_users {
    fn upgrade() {
        op!(create_index("ix_users_created_at", "users", ["created_on"]));
    }
}

fn main() {}
