use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "1a2b3c4d5e6f", down_revision = None)]
mod create_users {
    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
    }
}

/// copied from create_users without changing the id
#[migration(revision = "1a2b3c4d5e6f", down_revision = None, branch = "other")]
mod create_products {
    fn upgrade() {
        op!(create_table("products", Column("id", Integer, primary_key = true)));
    }
}

fn main() {}
