//! Registration: each crate's `migrations()` returns exactly its own set, even
//! with three crates of migrations linked into this one test binary; records
//! carry what `#[migration]` was given; checksums follow the op data only.

use migrate_runtime::ops::{checksum, Op};
use migrate_runtime::Migrations;

fn ids(m: &Migrations) -> Vec<&'static str> {
    m.iter().map(|m| m.revision()).collect()
}

#[test]
fn each_crate_gets_exactly_its_own_migrations() {
    let billing = fixture_billing_migrations();
    let catalog = fixture_catalog::migrations();
    assert_eq!(
        ids(&billing),
        [
            "1a2b3c4d5e6f",
            "a2_lines",
            "b3_taxes",
            "c4_discounts",
            "r1_invoices"
        ]
    );
    assert_eq!(ids(&catalog), ["1a2b3c4d5e6f", "2b_same_ops"]);
    // The same id in two crates is two migrations.
    assert_eq!(
        billing.get("1a2b3c4d5e6f").unwrap().message(),
        "merge the tax and discount heads"
    );
    assert_eq!(
        catalog.get("1a2b3c4d5e6f").unwrap().message(),
        "create products"
    );
    // And this crate's seeds include neither.
    let seeds = migrate_tests::migrations();
    assert!(
        seeds
            .iter()
            .all(|m| m.module_path().starts_with("migrate_tests::")),
        "{seeds:?}"
    );
    assert!(seeds.get("r1_invoices").is_none() && seeds.get("2b_same_ops").is_none());
    assert_eq!(billing.crate_path(), "fixture_billing");
}

fn fixture_billing_migrations() -> Migrations {
    fixture_billing::migrations()
}

#[test]
fn records_carry_the_graph_and_where_they_are_declared() {
    let billing = fixture_billing::migrations();
    let merge = billing.get("1a2b3c4d5e6f").unwrap();
    assert_eq!(merge.down_revisions(), ["b3_taxes", "c4_discounts"]);
    assert_eq!(
        merge.module_path(),
        "fixture_billing::migrations::m5_merge::merge_heads"
    );
    assert!(merge.file().ends_with("m5_merge.rs"), "{}", merge.file());
    assert_eq!(merge.line(), 4);
    assert!(merge.transactional());
    assert!(merge.downgrade_is_derived());

    let discounts = billing.get("c4_discounts").unwrap();
    assert_eq!(discounts.branch(), Some("discounts"));
    assert_eq!(discounts.down_revisions(), ["a2_lines"]);
    assert_eq!(
        discounts.module_path(),
        "fixture_billing::migrations::nested::deeper::add_discounts"
    );

    let root = billing.get("r1_invoices").unwrap();
    assert!(root.down_revisions().is_empty());
    assert_eq!(root.message(), "create invoices");
    // Derived downgrade: drop the table, with its definition.
    match root.downgrade().unwrap() {
        [Op::DropTable {
            table,
            definition: Some(def),
        }] => {
            assert_eq!(table.name, "invoices");
            assert_eq!(def.columns[1].unique.as_deref(), Some("uq_invoices_number"));
        }
        other => panic!("unexpected downgrade {other:?}"),
    }
    let lines = billing.get("a2_lines").unwrap();
    match &lines.upgrade()[0] {
        Op::CreateTable(t) => {
            let fk = t.columns[1].foreign_key.as_ref().unwrap();
            assert_eq!(fk.name, "fk_invoice_lines_invoice_id_invoices");
        }
        other => panic!("unexpected op {other:?}"),
    }
}

#[test]
fn checksums_follow_the_upgrade_data_not_its_text() {
    let catalog = fixture_catalog::migrations();
    let original = catalog.get("1a2b3c4d5e6f").unwrap();
    let reformatted = catalog.get("2b_same_ops").unwrap();
    // Different formatting, CRLF, keyword order, SQL indentation, downgrade:
    // the same upgrade, so the same checksum.
    assert_eq!(original.checksum(), reformatted.checksum());
    // The SQL is kept as written (only the checksum normalises it).
    assert_ne!(original.upgrade()[2], reformatted.upgrade()[2]);
    assert_ne!(original.downgrade(), reformatted.downgrade());
    // The stored checksum is the one the runtime computes from the data.
    for m in catalog
        .iter()
        .chain(fixture_billing::migrations().iter())
        .chain(migrate_tests::migrations().iter())
    {
        assert_eq!(m.checksum(), checksum(m.upgrade()), "{}", m.revision());
    }
    // And two different upgrades differ.
    let billing = fixture_billing::migrations();
    assert_ne!(
        billing.get("b3_taxes").unwrap().checksum(),
        billing.get("c4_discounts").unwrap().checksum()
    );
}
