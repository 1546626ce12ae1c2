use migrate_runtime::{migration, op};

/// step 10
#[migration(revision = "d02c9e99332066e9edb37a992028c4f3cccabf9b", down_revision = "3795592852ffdca4d79b86c98472f7ebc752d4d3")]
mod m10 {
    fn upgrade() {
        op!(add_column("users", Column("c10", Text)));
    }
}
