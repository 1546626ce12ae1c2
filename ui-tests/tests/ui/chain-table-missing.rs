// Each migration is fine on its own; the chain is not: the second alters a
// table that no earlier migration created (it was named `users`).
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "aa01", down_revision = None)]
mod create_users {
    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "bb02", down_revision = "aa01")]
mod add_role {
    fn upgrade() {
        op!(add_column("user", Column("role", Text)));
    }
}

#[migration(revision = "cc03", down_revision = "bb02")]
mod create_audit_index {
    fn upgrade() {
        op!(create_index("ix_audit_at", "audit", ["at"]));
    }
}

fn main() {}
