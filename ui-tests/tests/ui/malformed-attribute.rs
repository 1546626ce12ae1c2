use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None, revison = "a1")]
mod unknown_key {
    fn upgrade() {
        op!(create_table("a", Column("id", Integer, primary_key = true)));
    }
}

#[migration(down_revision = None, branch = "b")]
mod no_revision {
    fn upgrade() {
        op!(create_table("b", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "c1", branch = "c")]
mod no_down_revision {
    fn upgrade() {
        op!(create_table("c", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "d1", down_revision = None, branch = "d", revision = "d2")]
mod twice {
    fn upgrade() {
        op!(create_table("d", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "e1", down_revision = 5, branch = "e", transactional = "no")]
mod wrong_values {
    fn upgrade() {
        op!(create_table("e", Column("id", Integer, primary_key = true)));
    }
}

fn main() {}
