use migrate_runtime::{migration, op};

/// step 5
#[migration(revision = "513362f54cb09d299232d5aa76ea2344aa5204a7", down_revision = "8afbb1d13ee46f8d31438012551e1a919db506c3")]
mod m05 {
    fn upgrade() {
        op!(add_column("users", Column("c5", Text)));
    }
}
