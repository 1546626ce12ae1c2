// Revision ids in UUID form (with `-`), as Alembic accepts them.
#![deny(warnings)]

use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b", down_revision = None)]
mod create_users {
    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
    }
}

#[migration(
    revision = "8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d",
    down_revision = "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b"
)]
mod add_name {
    fn upgrade() {
        op!(add_column("users", Column("name", Text)));
    }
}

#[migration(
    revision = "b-1",
    down_revision = "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b",
    branch = "side-line"
)]
mod side {
    fn upgrade() {
        op!(add_column("users", Column("side", Text)));
    }
}

#[migration(
    revision = "c0ffee00-0000-4000-8000-000000000000",
    down_revision = ["8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d", "b-1"]
)]
mod merge {
    fn upgrade() {}
}

fn main() {
    let m = migrations();
    assert_eq!(m.len(), 4);
}
