use migrate_runtime::{migration, op};

/// step 3
#[migration(revision = "3ac7a5b374cdaef51f9f8f199fdd1012b0097d57", down_revision = "328c417c2d2b6b98df8e48ceb00daac6756b8031")]
mod m03 {
    fn upgrade() {
        op!(add_column("users", Column("c3", Text)));
    }
}
