// Every label the revision graph refuses at run time is refused here: target
// words in any case, characters other than letters, digits, `_` and `-`.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None, branch = "HEAD")]
mod upper_head {
    fn upgrade() {
        op!(create_table("a", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "b1", down_revision = None, branch = "Heads")]
mod mixed_heads {
    fn upgrade() {
        op!(create_table("b", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "c1", down_revision = None, branch = "BASE")]
mod upper_base {
    fn upgrade() {
        op!(create_table("c", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "d1", down_revision = None, branch = "current")]
mod current {
    fn upgrade() {
        op!(create_table("d", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "e1", down_revision = None, branch = "")]
mod empty {
    fn upgrade() {
        op!(create_table("e", Column("id", Integer, primary_key = true)));
    }
}

// Accepted: a dash, and a target word inside a longer label.
#[migration(revision = "f1", down_revision = None, branch = "head-fix")]
mod dashed {
    fn upgrade() {
        op!(create_table("f", Column("id", Integer, primary_key = true)));
    }
}

fn main() {}
