use migrate_runtime::{migration, op};

/// step 4
#[migration(revision = "8afbb1d13ee46f8d31438012551e1a919db506c3", down_revision = "3ac7a5b374cdaef51f9f8f199fdd1012b0097d57")]
mod m04 {
    fn upgrade() {
        op!(add_column("users", Column("c4", Text)));
    }
}
