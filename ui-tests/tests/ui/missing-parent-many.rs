// 15 migrations with 40-character ids (as `--rev-id $(git rev-parse HEAD)`
// would give), one of whose `down_revision` has a typo: the error names the
// nearest existing id and its file, whatever the crate's size.

migrate_runtime::migrations!();

#[path = "missing-parent-many/mod.rs"]
mod migrations;

fn main() {}
