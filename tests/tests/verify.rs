//! The schema model: replaying every migration with no database finds ops
//! that cannot apply and downgrades that do not return to the schema before.

use migrate_runtime::ops::TableRef;
use migrate_runtime::schema::{replay, verify};
use migrate_runtime::RevisionGraph;
use migrate_runtime::{Difference, Field, Object};

fn table(name: &str) -> TableRef {
    TableRef::new(None, name.to_string().into())
}

#[test]
fn the_shop_and_the_fixtures_verify_clean() {
    for (name, migrations) in [
        ("shop", shop::migrations()),
        ("every_op", fixture_every_op::migrations()),
        ("faulty", fixture_faulty::migrations()),
        ("billing", fixture_billing::migrations()),
    ] {
        let problems = verify(&migrations);
        assert!(problems.is_empty(), "{name}: {problems:#?}");
    }
    let migrations = shop::migrations();
    let graph = RevisionGraph::from_migrations(&migrations).unwrap();
    let all = graph
        .topological_order()
        .into_iter()
        .map(str::to_string)
        .collect();
    let schema = replay(&migrations, &graph, &all).unwrap();
    let orders = schema.table(&table("orders")).unwrap();
    assert_eq!(
        orders.columns.iter().map(|c| &*c.name).collect::<Vec<_>>(),
        [
            "id",
            "user_id",
            "status",
            "total",
            "tenant_id",
            "created_at"
        ]
    );
    assert_eq!(orders.indexes.len(), 3);
    let users = schema.table(&table("users")).unwrap();
    assert!(users.column("account_type").is_some());
    assert_eq!(schema.tables().count(), 7);
}

#[test]
fn every_seed_chain_verifies() {
    let problems = verify(&migrate_tests::migrations());
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn problems_across_migrations_are_found() {
    let problems = verify(&fixture_unverified::migrations());
    assert_eq!(problems.len(), 5, "{problems:#?}");
    let of = |rev: &str| {
        problems
            .iter()
            .find(|p| p.revision == rev)
            .unwrap_or_else(|| panic!("nothing about {rev}: {problems:#?}"))
    };
    let (down, up) = (of("v2"), of("v3"));
    assert_eq!(
        (down.revision.as_str(), down.direction, down.op_index),
        ("v2", "downgrade", 0)
    );
    assert!(
        down.message.contains("the indexes of `t` differ"),
        "{}",
        down.message
    );
    assert!(
        matches!(
            &down.difference,
            Some(Difference::List { object: Object::Table(t), field: Field::Indexes, .. }) if t == "t"
        ),
        "{:?}",
        down.difference
    );
    assert_eq!(up.difference, None);
    assert_eq!(
        (up.revision.as_str(), up.direction, up.op_index),
        ("v3", "upgrade", 1)
    );
    assert!(
        up.message.contains("table `nope` does not exist"),
        "{}",
        up.message
    );
    assert!(
        up.location.ends_with(&format!(
            "unverified.rs:{}",
            fixture_unverified::migrations().get("v3").unwrap().line()
        )),
        "{}",
        up.location
    );
    assert!(up.to_string().starts_with("upgrade v3 op 1 ("), "{up}");
    let twice = of("v4");
    assert_eq!((twice.direction, twice.op_index), ("upgrade", 1));
    assert!(
        twice.message.contains("column `t.a` already exists"),
        "{}",
        twice.message
    );
    let rows = of("v6");
    assert_eq!((rows.direction, rows.op_index), ("upgrade", 3));
    assert!(
        rows.message.contains(
            "`bulk_insert` row 2 gives no value for `t.n`, which is NOT NULL without a default"
        ),
        "{}",
        rows.message
    );
    let gone = of("v5");
    assert_eq!((gone.direction, gone.op_index), ("upgrade", 1));
    assert!(
        gone.message
            .contains("index `ix_t_b` covers column `t.b`, which does not exist"),
        "{}",
        gone.message
    );
}
