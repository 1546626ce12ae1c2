//! The files `revision -m` and `merge` write compile without a warning: a
//! root, a child, a labelled branch whose one-word slug is a keyword, and a
//! merge. Their text is pinned by migrate-runtime's scaffold tests, which
//! compare what it generates with these files. A new revision imports `op`
//! for the ops the user is about to write: until then rustc reports it
//! unused, the one warning allowed here.
#![deny(warnings)]

migrate_runtime::migrations!();

#[allow(unused_imports)]
mod ra1_create_accounts {
    include!("scaffold/root.txt");
}
#[allow(unused_imports)]
mod rb2_add_role_to_users {
    include!("scaffold/child.txt");
}
#[allow(unused_imports)]
mod rc3_type {
    include!("scaffold/branch.txt");
}
mod rd4_merge_heads {
    include!("scaffold/merge.txt");
}

fn main() {
    let m = migrations();
    assert_eq!(m.len(), 4);
    assert_eq!(m.get("d4").unwrap().down_revisions(), ["b2", "c3"]);
}
