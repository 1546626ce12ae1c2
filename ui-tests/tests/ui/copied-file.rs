// A migration file copied to start a new one, its id left unchanged: one
// error naming both files (the copy also follows the same parent, which is
// not reported a second time as two heads).

migrate_runtime::migrations!();

#[path = "copied-file/mod.rs"]
mod migrations;

fn main() {}
