use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "aaaa1111", down_revision = None)]
mod root {
    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
    }
}

/// b follows d, c follows b, d follows c: a loop of three, with e after it
#[migration(revision = "bbbb2222", down_revision = "dddd4444")]
mod b {
    fn upgrade() {
        op!(add_column("users", Column("b", Text)));
    }
}

#[migration(revision = "cccc3333", down_revision = "bbbb2222")]
mod c {
    fn upgrade() {
        op!(add_column("users", Column("c", Text)));
    }
}

#[migration(revision = "dddd4444", down_revision = "cccc3333")]
mod d {
    fn upgrade() {
        op!(add_column("users", Column("d", Text)));
    }
}

/// After the loop: not a cycle of its own, and not reported as one
#[migration(revision = "eeee5555", down_revision = "dddd4444")]
mod e {
    fn upgrade() {
        op!(add_column("users", Column("e", Text)));
    }
}

fn main() {}
