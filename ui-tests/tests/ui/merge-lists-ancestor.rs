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
        op!(add_column("users", Column("role", Text)));
    }
}

/// a "merge" of `aa01` and `bb02`, but `bb02` already follows `aa01`
#[migration(revision = "cc03", down_revision = ["aa01", "bb02"])]
mod merge {
    fn upgrade() {}
}

fn main() {}
