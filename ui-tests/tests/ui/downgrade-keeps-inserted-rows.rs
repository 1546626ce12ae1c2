// Example 27's second form: rows inserted into a table of an earlier revision
// stay after this downgrade.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "b8", down_revision = None)]
mod add_superadmin {
    fn upgrade() {
        op!(bulk_insert("roles", [{"name": "superadmin", "description": "Super administrator"}]));
    }

    fn downgrade() {}
}

fn main() {}
