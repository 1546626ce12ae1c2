use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "1a2b3c4d5e6f", down_revision = None)]
mod create_users {
    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
    }
}

/// a second history started by mistake: needs `branch = "..."`
#[migration(revision = "aa11bb22cc33", down_revision = None)]
mod create_products {
    fn upgrade() {
        op!(create_table("products", Column("id", Integer, primary_key = true)));
    }
}

fn main() {}
