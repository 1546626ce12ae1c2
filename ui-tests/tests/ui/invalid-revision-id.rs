use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "-1a2b", down_revision = None)]
mod dash {
    fn upgrade() {
        op!(create_table("a", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "head", down_revision = None, branch = "b")]
mod reserved {
    fn upgrade() {
        op!(create_table("b", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "", down_revision = None, branch = "c")]
mod empty {
    fn upgrade() {
        op!(create_table("c", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "d1", down_revision = "x y", branch = "d")]
mod bad_parent {
    fn upgrade() {
        op!(create_table("d", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "e1", down_revision = None, branch = "e@x")]
mod bad_label {
    fn upgrade() {
        op!(create_table("e", Column("id", Integer, primary_key = true)));
    }
}

fn main() {}
