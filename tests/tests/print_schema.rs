//! `print-schema` against diesel itself, for every seed example: the golden
//! files `tests/golden/seeds/<head>.<dialect>.schema.rs` are what the real
//! `diesel print-schema` printed for a database migrated to each head of the
//! seeds (`scripts/diesel-golden.sh` regenerates them; it names the
//! diesel_cli version). `print_schema` of the migrations up to that head must
//! equal them byte for byte.

use migrate_runtime::schema::print_schema;
use migrate_runtime::{Dialect, Migrations, RevisionGraph};
use std::path::PathBuf;

/// Heads whose golden file is the failure that stopped the script, not a
/// schema, with what the failure must say and why no schema can be compared.
const NO_SCHEMA: &[(&str, Dialect, &str, &str)] = &[(
    "ex23_b2",
    Dialect::Sqlite,
    "unknown function: NOW()",
    // The DSL passes `text("NOW()")` to the database as written; SQLite has no
    // `NOW()`, so the migration is rolled back and diesel has no database at
    // the head to print.
    "the seed's `server_default = text(\"NOW()\")` is PostgreSQL's SQL",
)];

fn golden(head: &str, dialect: Dialect) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("golden/seeds")
        .join(format!("{head}.{}.schema.rs", file_dialect(dialect)));
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}\nhelp: run scripts/diesel-golden.sh",
            path.display()
        )
    })
}

fn file_dialect(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "postgres",
        Dialect::Sqlite => "sqlite",
    }
}

/// The seed migrations up to `head`: what `upgrade <head>` applies.
fn up_to(all: &Migrations, head: &str) -> Migrations {
    let graph = RevisionGraph::from_migrations(all).unwrap();
    let mut keep = graph.ancestors(head);
    keep.insert(head);
    all.filter(|m| keep.contains(m.revision()))
}

/// Every head of the seeds, its printed schema against diesel's.
fn compare(dialect: Dialect) {
    let all = migrate_tests::migrations();
    let graph = RevisionGraph::from_migrations(&all).unwrap();
    let heads = graph.heads();
    // No golden file of a head that is gone: the directory is the heads'.
    let files = std::fs::read_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("golden/seeds"))
        .unwrap()
        .count();
    assert_eq!(
        files,
        heads.len() * 2,
        "heads: {heads:?}\nhelp: run scripts/diesel-golden.sh"
    );
    let mut failures = Vec::new();
    for head in heads {
        let expected = golden(head, dialect);
        if let Some((_, _, error, why)) = NO_SCHEMA
            .iter()
            .find(|(h, d, ..)| *h == head && *d == dialect)
        {
            assert!(
                expected.starts_with(&format!("// failed: upgrade {head}\n"))
                    && expected.contains(error),
                "{head}: expected the golden file to hold the failure `{error}` ({why}), found:\n{expected}"
            );
            continue;
        }
        match print_schema(&up_to(&all, head), dialect) {
            Ok(printed) if printed == expected => {}
            Ok(printed) => failures.push(format!(
                "{head}: print_schema differs from diesel print-schema\n--- diesel\n{expected}\n--- print_schema\n{printed}"
            )),
            Err(e) => failures.push(format!("{head}: {e}\n--- diesel\n{expected}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn print_schema_equals_diesel_for_every_seed_head_on_postgres() {
    compare(Dialect::Postgres);
}

#[test]
fn print_schema_equals_diesel_for_every_seed_head_on_sqlite() {
    compare(Dialect::Sqlite);
}
