//! `print-schema` against diesel itself: the golden files
//! `tests/golden/<set>/<head>.<dialect>.schema.rs` are what the real
//! `diesel print-schema` printed for a database migrated to each head of a
//! migration set: every seed example, the every-op fixture, and the
//! diesel-edges fixture (names, joins and refusals).
//! `scripts/diesel-golden.sh` regenerates them and names the diesel_cli
//! version. `print_schema` of the migrations up to that head must equal them
//! byte for byte, or refuse what diesel refuses.

use migrate_runtime::schema::print_schema;
use migrate_runtime::{Dialect, Migrations, RevisionGraph};
use std::path::PathBuf;

/// Heads where the migrations themselves fail, so diesel has no database to
/// print: the golden file holds the failure. (set, head, dialect, what the
/// failure says, why).
const NOT_MIGRATED: &[(&str, &str, Dialect, &str, &str)] = &[
    (
        "seeds",
        "ex23_b2",
        Dialect::Sqlite,
        "unknown function: NOW()",
        "the seed's `server_default = text(\"NOW()\")` is PostgreSQL's SQL, passed as written",
    ),
    (
        "every_op",
        "o1",
        Dialect::Postgres,
        "violates foreign key constraint",
        "the head exists to fail: it leaves an orphan row",
    ),
    (
        "every_op",
        "o1",
        Dialect::Sqlite,
        "leaves rows that violate a foreign key",
        "the head exists to fail: it leaves an orphan row",
    ),
    (
        "every_op",
        "x1",
        Dialect::Sqlite,
        "`schema` is not supported on SQLite",
        "SQLite has no schemas",
    ),
    (
        "every_op",
        "m6",
        Dialect::Postgres,
        "`execute` is not supported on PostgreSQL",
        "the MySQL line's data SQL is written for MySQL only",
    ),
    (
        "every_op",
        "m6",
        Dialect::Sqlite,
        "`execute` is not supported on SQLite",
        "the MySQL line's data SQL is written for MySQL only",
    ),
    (
        "diesel_edges",
        "s1",
        Dialect::Sqlite,
        "`schema` is not supported on SQLite",
        "SQLite has no schemas",
    ),
];

/// What diesel refuses to print, and what `print_schema` says instead.
const REFUSED: &[(&str, &str)] = &[
    ("Unsupported type: `json`", "is `Json`"),
    (
        "Table `events` has no primary key",
        "table `events` has no primary key",
    ),
];

fn golden_dir(set: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("golden")
        .join(set)
}

fn golden(set: &str, head: &str, dialect: Dialect) -> String {
    let path = golden_dir(set).join(format!("{head}.{}.schema.rs", file_dialect(dialect)));
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
        Dialect::Mysql => unreachable!("print-schema refuses MySQL"),
    }
}

/// The migrations up to `head`: what `upgrade <head>` applies.
fn up_to(all: &Migrations, head: &str) -> Migrations {
    let graph = RevisionGraph::from_migrations(all).unwrap();
    let mut keep = graph.ancestors(head);
    keep.insert(head);
    all.filter(|m| keep.contains(m.revision()))
}

/// Every head of `all`, its printed schema against diesel's.
fn compare(set: &str, all: Migrations, dialect: Dialect) {
    let graph = RevisionGraph::from_migrations(&all).unwrap();
    let heads = graph.heads();
    // No golden file of a head that is gone: the directory is the heads'.
    let files = std::fs::read_dir(golden_dir(set)).unwrap().count();
    assert_eq!(
        files,
        heads.len() * 2,
        "{set}: heads {heads:?}\nhelp: run scripts/diesel-golden.sh"
    );
    let mut failures = Vec::new();
    for head in heads {
        let expected = golden(set, head, dialect);
        let printed = print_schema(&up_to(&all, head), dialect);
        if let Some((.., error, why)) = NOT_MIGRATED
            .iter()
            .find(|(s, h, d, ..)| *s == set && *h == head && *d == dialect)
        {
            assert!(
                expected.starts_with(&format!("// failed: upgrade {head}\n"))
                    && expected.contains(error),
                "{set}/{head}: expected the golden file to hold the failure `{error}` ({why}), found:\n{expected}"
            );
            continue;
        }
        if expected.starts_with("// failed: diesel print-schema\n") {
            let (_, ours) = REFUSED
                .iter()
                .find(|(diesel, _)| expected.contains(diesel))
                .unwrap_or_else(|| panic!("{set}/{head}: diesel refused:\n{expected}"));
            match printed {
                Err(e) if e.to_string().contains(ours) => {}
                other => failures.push(format!(
                    "{set}/{head}: diesel refused, print_schema must say `{ours}`, found {other:?}\n--- diesel\n{expected}"
                )),
            }
            continue;
        }
        match printed {
            Ok(printed) if printed == expected => {}
            Ok(printed) => failures.push(format!(
                "{set}/{head}: print_schema differs from diesel print-schema\n--- diesel\n{expected}\n--- print_schema\n{printed}"
            )),
            Err(e) => failures.push(format!("{set}/{head}: {e}\n--- diesel\n{expected}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn print_schema_equals_diesel_for_every_seed_head_on_postgres() {
    compare("seeds", migrate_tests::migrations(), Dialect::Postgres);
}

#[test]
fn print_schema_equals_diesel_for_every_seed_head_on_sqlite() {
    compare("seeds", migrate_tests::migrations(), Dialect::Sqlite);
}

#[test]
fn print_schema_equals_diesel_for_every_op_on_postgres() {
    compare(
        "every_op",
        fixture_every_op::migrations(),
        Dialect::Postgres,
    );
}

#[test]
fn print_schema_equals_diesel_for_every_op_on_sqlite() {
    compare("every_op", fixture_every_op::migrations(), Dialect::Sqlite);
}

#[test]
fn print_schema_names_joins_and_refuses_as_diesel_on_postgres() {
    compare(
        "diesel_edges",
        fixture_diesel_edges::migrations(),
        Dialect::Postgres,
    );
}

#[test]
fn print_schema_names_joins_and_refuses_as_diesel_on_sqlite() {
    compare(
        "diesel_edges",
        fixture_diesel_edges::migrations(),
        Dialect::Sqlite,
    );
}
