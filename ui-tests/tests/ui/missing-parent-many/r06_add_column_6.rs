use migrate_runtime::{migration, op};

/// step 6
#[migration(revision = "ce48b631f455740d6096640acf9584e864b33b09", down_revision = "513362f54cb09d299232d5aa76ea2344aa5204a7")]
mod m06 {
    fn upgrade() {
        op!(add_column("users", Column("c6", Text)));
    }
}
