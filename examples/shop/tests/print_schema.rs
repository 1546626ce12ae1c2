//! `print-schema` against diesel itself: the golden files are what the real
//! `diesel print-schema` printed for databases migrated to the shop's head
//! (`scripts/diesel-golden.sh` regenerates them).

use migrate_runtime::schema::print_schema;
use migrate_runtime::Dialect;
use std::path::PathBuf;

fn golden(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/golden")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn print_schema_equals_diesel_on_postgres() {
    let printed = print_schema(&shop::migrations(), Dialect::Postgres).unwrap();
    assert_eq!(printed, golden("shop.postgres.schema.rs"));
}

#[test]
fn print_schema_equals_diesel_on_sqlite() {
    let printed = print_schema(&shop::migrations(), Dialect::Sqlite).unwrap();
    assert_eq!(printed, golden("shop.sqlite.schema.rs"));
}
