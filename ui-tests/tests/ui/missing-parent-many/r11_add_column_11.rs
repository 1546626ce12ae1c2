use migrate_runtime::{migration, op};

/// step 11
#[migration(revision = "4e985ad91e01c622c578ee58dfdcdc49ce72e500", down_revision = "d02c9e99332066e9edb37a992028c4f3cccabf9b")]
mod m11 {
    fn upgrade() {
        op!(add_column("users", Column("c11", Text)));
    }
}
