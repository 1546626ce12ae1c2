use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "1a2b3c4d5e6f", down_revision = None)]
mod create_users {
    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "aa11", down_revision = None, branch = "audit")]
mod create_audit {
    fn upgrade() {
        op!(create_table("audit", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "bb22", down_revision = "1a2b3c4d5e6f", branch = "audit")]
mod add_role {
    fn upgrade() {
        op!(add_column("users", Column("role", String(50))));
    }
}

fn main() {}
