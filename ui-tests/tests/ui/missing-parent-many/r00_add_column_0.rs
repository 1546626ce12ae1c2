use migrate_runtime::{migration, op};

/// step 0
#[migration(revision = "805451c140c742636fe9fdc4d564a5aa56b067e9", down_revision = None)]
mod m00 {
    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
    }
}
