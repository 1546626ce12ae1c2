use migrate_runtime::{migration, op};

/// step 2
#[migration(revision = "328c417c2d2b6b98df8e48ceb00daac6756b8031", down_revision = "53f886dff7f369e5f72e1988a46f7dfbd1def03e")]
mod m02 {
    fn upgrade() {
        op!(add_column("users", Column("c2", Text)));
    }
}
