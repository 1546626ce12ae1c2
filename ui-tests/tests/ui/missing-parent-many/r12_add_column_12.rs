use migrate_runtime::{migration, op};

/// step 12
#[migration(revision = "5be82ef04e10b5b64174f264b0432b45dabb67c3", down_revision = "4e985ad91e01c622c578ee58dfdcdc49ce72e500")]
mod m12 {
    fn upgrade() {
        op!(add_column("users", Column("c12", Text)));
    }
}
