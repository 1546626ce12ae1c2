use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "0001", down_revision = None)]
mod create_users {
    fn upgrade() {
        op!(execute(file = "sql/0001_up.sql"));
    }

    fn downgrade() {
        op!(execute(file = "sql/blank.sql"));
    }
}

#[migration(revision = "0002", down_revision = "0001", irreversible)]
mod latin1 {
    fn upgrade() {
        op!(execute(file = "sql/latin1.sql"));
        op!(execute("SELECT 1", file = "sql/latin1.sql"));
    }
}

#[migration(revision = "0003", down_revision = "0002", down_sql = "sql/blank.sql")]
mod down_only {
    fn upgrade() {}
}

#[migration(revision = "0004", down_revision = "0003", up_sql = "sql/missing_up.sql", irreversible)]
mod both {
    fn upgrade() {}
}

fn main() {}
