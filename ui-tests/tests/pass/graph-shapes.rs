// Branches, a merge, a second root under a label, ids of every allowed shape,
// and `op` imported inside the module instead of beside it.
#![deny(warnings)]

use migrate_runtime::migration;

migrate_runtime::migrations!();

#[migration(revision = "0001", down_revision = None)]
mod root {
    use migrate_runtime::op;

    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
    }
}

#[migration(revision = "feature_a", down_revision = "0001")]
mod a {
    fn upgrade() {
        migrate_runtime::op!(add_column("users", Column("a", Text)));
    }
}

#[migration(revision = "FEATURE_B", down_revision = "0001", branch = "feature-b")]
mod b {
    use migrate_runtime::*;

    fn upgrade() {
        op!(add_column("users", Column("b", Text)));
    }
}

#[migration(revision = "m3rge", down_revision = ["feature_a", "FEATURE_B"])]
mod merge {
    fn upgrade() {}
}

#[migration(revision = "audit_1", down_revision = None, branch = "audit")]
mod audit {
    use migrate_runtime::op;

    fn upgrade() {
        op!(create_table("audit", Column("id", Integer, primary_key = true)));
    }
}

fn main() {
    let all = migrations();
    assert_eq!(all.len(), 5);
    assert_eq!(all.get("m3rge").unwrap().down_revisions(), &["feature_a", "FEATURE_B"]);
    assert_eq!(all.get("FEATURE_B").unwrap().branch(), Some("feature-b"));
    assert!(all.get("m3rge").unwrap().upgrade().is_empty());
}
