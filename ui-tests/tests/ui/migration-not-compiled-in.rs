// The crate root reads the module tree: a migration file whose
// `#[migration]` was lost, and one that no `mod` declares, fail the build
// (neither would run at deploy). The migration files are in
// `migration-not-compiled-in/`, as `src/migrations/` would be.

migrate_runtime::migrations!();

#[path = "migration-not-compiled-in/mod.rs"]
mod migrations;

fn main() {}
