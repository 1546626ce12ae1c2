use migrate_runtime::{migration, op};

/// step 14
#[migration(revision = "55f2a81f339c2963928521b3c2afebe18fed2b43", down_revision = "9b856d14353980d7a7cb437fe22d974294d63028")]
mod m14 {
    fn upgrade() {
        op!(add_column("users", Column("c14", Text)));
    }
}
