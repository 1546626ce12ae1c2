// Rows with different keys: the second lacks `name`, NOT NULL without a
// default, so its INSERT fails on both databases at deploy.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "aa01", down_revision = None)]
mod create_roles {
    fn upgrade() {
        op!(create_table(
            "roles",
            Column("id", Integer, primary_key = true),
            Column("name", String(50), nullable = false),
            Column("note", Text),
        ));
    }
}

#[migration(revision = "bb02", down_revision = "aa01")]
mod seed_roles {
    fn upgrade() {
        op!(bulk_insert("roles", [{"id": 1, "name": "admin"}, {"id": 2, "note": "guest"}]));
    }
    fn downgrade() {
        op!(execute("DELETE FROM roles WHERE id IN (1, 2)"));
    }
}

fn main() {}
