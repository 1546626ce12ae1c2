// A branch label equal to a revision id would make `label@head` ambiguous;
// the revision graph refuses it at run time, so the build does too.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "1a2b3c4d5e6f", down_revision = None)]
mod create_users {
    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "audit", down_revision = "1a2b3c4d5e6f")]
mod audit {
    fn upgrade() {
        op!(create_table("audit", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "bb22", down_revision = "1a2b3c4d5e6f", branch = "audit")]
mod add_role {
    fn upgrade() {
        op!(add_column("users", Column("role", String(50), nullable = true)));
    }
}

// A label that differs from every id is fine.
#[migration(revision = "cc33", down_revision = None, branch = "search")]
mod create_search {
    fn upgrade() {
        op!(create_table("search", Column("id", Integer, primary_key = true)));
    }
}

fn main() {}
