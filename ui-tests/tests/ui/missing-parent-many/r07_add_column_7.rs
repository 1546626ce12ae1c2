use migrate_runtime::{migration, op};

/// step 7
#[migration(revision = "2bfba04126af48f8d155145f5b6cb81a1a59aba3", down_revision = "ce48b631f455740d6096640acf9584e864b33b09")]
mod m07 {
    fn upgrade() {
        op!(add_column("users", Column("c7", Text)));
    }
}
