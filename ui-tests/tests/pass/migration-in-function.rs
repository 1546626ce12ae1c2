// Migrations declared inside a function body (as a test might): no
// `non_local_definitions` warning, and they register.
#![deny(warnings)]

use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

fn main() {
    #[migration(revision = "a1", down_revision = None)]
    mod users {
        fn upgrade() {
            op!(create_table("users", Column("id", Integer, primary_key = true)));
        }
    }

    /// helper items keep the module
    #[migration(revision = "b2", down_revision = "a1")]
    mod add_name {
        use super::op;

        const LEN: u32 = 50;

        fn upgrade() {
            op!(add_column("users", Column("name", String(50), nullable = true)));
        }

        #[allow(dead_code)]
        fn len() -> u32 {
            LEN
        }
    }

    let m = migrations();
    assert_eq!(m.len(), 2);
}
