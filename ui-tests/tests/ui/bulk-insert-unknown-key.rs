// A row of `bulk_insert` names a column the table (created in the same
// migration) does not have.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod roles {
    fn upgrade() {
        op!(create_table(
            "roles",
            Column("id", Integer, primary_key = true),
            Column("name", String(50)),
            Column("description", Text),
        ));
        op!(bulk_insert(
            "roles",
            [
                {"id": 1, "name": "admin", "description": "all rights"},
                {"id": 2, "nmae": "reader", "descripton": "reads"},
            ]
        ));
    }
}

fn main() {}
