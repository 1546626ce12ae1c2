use migrate_runtime::{migration, op};

/// step 8
#[migration(revision = "37e1f6104e625797336bfb70590029da9e99b63f", down_revision = "2bfba04126af48f8d155145f5b6cb81a1a59aba3")]
mod m08 {
    fn upgrade() {
        op!(add_column("users", Column("c8", Text)));
    }
}
