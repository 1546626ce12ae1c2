// Rows for a table an earlier migration created, with a key misspelled.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "aa01", down_revision = None)]
mod create_users {
    fn upgrade() {
        op!(create_table(
            "users",
            Column("id", Integer, primary_key = true),
            Column("email", String(255)),
        ));
    }
}

#[migration(revision = "bb02", down_revision = "aa01")]
mod seed_admin {
    fn upgrade() {
        op!(bulk_insert("users", [{"id": 1, "emial": "admin@example.com"}]));
    }
    fn downgrade() {
        op!(execute("DELETE FROM users WHERE id = 1"));
    }
}

fn main() {}
