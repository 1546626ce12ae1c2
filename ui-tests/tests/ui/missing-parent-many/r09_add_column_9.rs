use migrate_runtime::{migration, op};

/// step 9
#[migration(revision = "3795592852ffdca4d79b86c98472f7ebc752d4d3", down_revision = "37e1f6104e625797336b0b70590029da9e99b63f")]
mod m09 {
    fn upgrade() {
        op!(add_column("users", Column("c9", Text)));
    }
}
