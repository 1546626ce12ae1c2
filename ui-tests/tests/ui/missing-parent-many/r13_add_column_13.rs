use migrate_runtime::{migration, op};

/// step 13
#[migration(revision = "9b856d14353980d7a7cb437fe22d974294d63028", down_revision = "5be82ef04e10b5b64174f264b0432b45dabb67c3")]
mod m13 {
    fn upgrade() {
        op!(add_column("users", Column("c13", Text)));
    }
}
