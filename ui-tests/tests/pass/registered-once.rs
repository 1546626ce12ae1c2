// Each migration is registered exactly once, whoever registers it:
// `migrations!()`'s table (the migrations it finds in the module tree), or
// the migration itself (one under `#[cfg]`, which the table leaves out
// because it cannot evaluate it; one inside a function body, which it does
// not read). A migration compiled out by `#[cfg]` is not registered.
#![deny(warnings)]

use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod users {
    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
    }
}

#[cfg(all())]
#[migration(revision = "b2", down_revision = "a1")]
mod add_name {
    fn upgrade() {
        op!(add_column("users", Column("name", Text)));
    }
}

#[cfg(any())]
#[migration(revision = "c3", down_revision = "b2")]
mod never_compiled {
    fn upgrade() {
        op!(add_column("users", Column("email", Text)));
    }
}

fn main() {
    #[migration(revision = "d4", down_revision = "c3")]
    mod in_body {
        fn upgrade() {
            op!(add_column("users", Column("phone", Text)));
        }
    }

    let m = migrations();
    let ids: Vec<&str> = m.iter().map(|m| m.revision()).collect();
    assert_eq!(ids, ["a1", "b2", "d4"]);
    let a1 = m.get("a1").unwrap();
    assert_eq!(a1.module_path(), concat!(module_path!(), "::users"));
    assert_eq!(a1.line(), 12);
    assert!(a1.file().ends_with("registered-once.rs"), "{}", a1.file());
    assert_eq!(
        m.get("b2").unwrap().module_path(),
        concat!(module_path!(), "::add_name")
    );
    assert_eq!(
        m.get("d4").unwrap().module_path(),
        concat!(module_path!(), "::in_body")
    );
}
