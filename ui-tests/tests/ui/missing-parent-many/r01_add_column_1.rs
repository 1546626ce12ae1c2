use migrate_runtime::{migration, op};

/// step 1
#[migration(revision = "53f886dff7f369e5f72e1988a46f7dfbd1def03e", down_revision = "805451c140c742636fe9fdc4d564a5aa56b067e9")]
mod m01 {
    fn upgrade() {
        op!(add_column("users", Column("c1", Text)));
    }
}
