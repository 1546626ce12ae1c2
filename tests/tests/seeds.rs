//! The seed examples (seed 004, Alembic walkthrough) as registered data: each
//! ported example is checked through the public API, against the seed's text.

use migrate_runtime::ops::{
    checksum, naming, AlterColumn, Column, ColumnType, ConstraintKind, ConstraintType, EnumType,
    ForeignKey, Index, IndexColumn, Op, ReferentialAction, Row, ServerDefault, Sql, Table,
    TableRef, Value,
};
use migrate_runtime::Migration;
use std::collections::BTreeSet;

// -- helpers ------------------------------------------------------------------

fn mig(revision: &str) -> &'static Migration {
    migrate_tests::migrations()
        .get(revision)
        .unwrap_or_else(|| panic!("no migration `{revision}` is registered"))
}

fn down(m: &Migration) -> &'static [Op] {
    m.downgrade()
        .unwrap_or_else(|| panic!("`{}` has no downgrade", m.revision()))
}

fn tref(name: &str) -> TableRef {
    TableRef::new(None, name.to_owned().into())
}

fn created(op: &Op) -> &Table {
    match op {
        Op::CreateTable(t) => t,
        other => panic!("expected create_table, found {other:?}"),
    }
}

fn col<'a>(t: &'a Table, name: &str) -> &'a Column {
    t.columns
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("table `{}` has no column `{name}`", t.table))
}

fn column_names(t: &Table) -> Vec<&str> {
    t.columns.iter().map(|c| &*c.name).collect()
}

fn op_names(ops: &[Op]) -> Vec<&'static str> {
    ops.iter().map(Op::name).collect()
}

fn string(n: u32) -> ColumnType {
    ColumnType::String(Some(n))
}

fn numeric(p: u32, s: u32) -> ColumnType {
    ColumnType::Numeric {
        precision: Some(p),
        scale: Some(s),
    }
}

fn tz() -> ColumnType {
    ColumnType::DateTime { timezone: true }
}

fn literal(s: &'static str) -> Option<ServerDefault> {
    Some(ServerDefault::Literal(s.into()))
}

fn sql_default(s: &'static str) -> Option<ServerDefault> {
    Some(ServerDefault::Sql(s.into()))
}

fn added<'a>(op: &'a Op, table: &str) -> &'a Column {
    match op {
        Op::AddColumn { table: t, column } if *t == tref(table) => column,
        other => panic!("expected add_column on `{table}`, found {other:?}"),
    }
}

fn index(op: &Op) -> &Index {
    match op {
        Op::CreateIndex(i) => i,
        other => panic!("expected create_index, found {other:?}"),
    }
}

fn index_columns(i: &Index) -> Vec<&str> {
    i.columns
        .iter()
        .map(|c| match c {
            IndexColumn::Column(c) => &**c,
            IndexColumn::Expression(e) => panic!("unexpected expression `{e}` in `{}`", i.name),
        })
        .collect()
}

fn alter(op: &Op) -> &AlterColumn {
    match op {
        Op::AlterColumn(a) => a,
        other => panic!("expected alter_column, found {other:?}"),
    }
}

/// `(table, name, kind)` of an `AddConstraint`.
fn added_constraint(op: &Op) -> (&TableRef, &str, &ConstraintKind) {
    match op {
        Op::AddConstraint { table, constraint } => (table, &constraint.name, &constraint.kind),
        other => panic!("expected a create_* constraint op, found {other:?}"),
    }
}

fn drop_constraint(table: &str, name: &str, kind: ConstraintType) -> Op {
    Op::DropConstraint {
        table: tref(table),
        name: name.to_owned().into(),
        kind,
        definition: None,
    }
}

fn drop_index(table: &str, name: &str) -> Op {
    Op::DropIndex {
        table: tref(table),
        name: name.to_owned().into(),
        definition: None,
    }
}

fn drop_table(table: &str) -> Op {
    Op::DropTable {
        table: tref(table),
        definition: None,
    }
}

fn drop_column(table: &str, column: &str) -> Op {
    Op::DropColumn {
        table: tref(table),
        column: column.to_owned().into(),
        definition: None,
    }
}

fn row(values: &[(&str, Value)]) -> Row {
    Row::new(
        values
            .iter()
            .map(|(k, v)| (k.to_string().into(), v.clone()))
            .collect::<Vec<_>>()
            .into(),
    )
}

fn num(n: &str) -> Value {
    Value::Number(n.to_owned().into())
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned().into())
}

/// The root of a migration's chain (first parent all the way down).
fn root_of(m: &'static Migration) -> &'static Migration {
    let mut cur = m;
    let mut steps = 0;
    while let Some(parent) = cur.down_revisions().first() {
        cur = mig(parent);
        steps += 1;
        assert!(steps < 100, "a cycle through `{}`", m.revision());
    }
    cur
}

/// The inverse the derivation should produce for the ops the derived
/// migrations of this crate use.
fn expected_inverse(op: &Op) -> Op {
    match op {
        Op::CreateTable(t) => Op::DropTable {
            table: t.table.clone(),
            definition: Some(t.clone()),
        },
        Op::CreateIndex(i) => Op::DropIndex {
            table: i.table.clone(),
            name: i.name.clone(),
            definition: Some(i.clone()),
        },
        other => panic!("no expected inverse written for {other:?}"),
    }
}

// -- the whole crate -------------------------------------------------------------

const REVISIONS: &[&str] = &[
    "ex05_abc123de",
    "ex06_a1",
    "ex07_a1",
    "ex07_b2",
    "ex08_a1",
    "ex08_b2",
    "ex09_a1",
    "ex09_b2",
    "ex10_a1",
    "ex10_b2",
    "ex15_a0",
    "ex15_abc123de",
    "ex15_abc789xy",
    "ex17_abc123de",
    "ex17_def456gh",
    "ex17_xyz789ab",
    "ex18_a1",
    "ex18_b2",
    "ex19_a1",
    "ex19_b2",
    "ex20_a1",
    "ex20_b2",
    "ex21_a1",
    "ex21_b2",
    "ex21_c2",
    "ex22_a1",
    "ex23_a1",
    "ex23_b2",
    "ex24_a1",
    "ex25_a1",
    "ex25_b2",
    "ex26_a1",
    "ex26_b2",
    "ex27_a1",
    "ex27_b2",
    "ex28_xyz789ab",
    "ex28_abc999zz",
];

#[test]
fn every_ported_migration_is_registered_and_nothing_else() {
    let registered: BTreeSet<&str> = migrate_tests::migrations()
        .iter()
        .map(|m| m.revision())
        .collect();
    let expected: BTreeSet<&str> = REVISIONS.iter().copied().collect();
    assert_eq!(
        expected.len(),
        REVISIONS.len(),
        "REVISIONS lists an id twice"
    );
    assert_eq!(registered, expected);
    assert_eq!(migrate_tests::migrations().len(), REVISIONS.len());
}

#[test]
fn each_example_is_its_own_chain_rooted_in_its_label() {
    let examples = [
        "05", "06", "07", "08", "09", "10", "15", "17", "18", "19", "20", "21", "22", "23", "24",
        "25", "26", "27", "28",
    ];
    let mut roots = BTreeSet::new();
    for m in migrate_tests::migrations().iter() {
        let prefix = &m.revision()[..4];
        let root = root_of(m);
        assert_eq!(root.down_revisions(), &[] as &[&str]);
        assert_eq!(
            root.branch(),
            Some(prefix),
            "`{}` is not in the chain labelled `{prefix}`",
            m.revision()
        );
        assert_eq!(&root.revision()[..4], prefix);
        assert!(
            m.down_revisions().len() <= 1,
            "`{}` is a merge",
            m.revision()
        );
        roots.insert(root.revision());
    }
    let labels: BTreeSet<String> = roots
        .iter()
        .map(|r| mig(r).branch().unwrap().to_owned())
        .collect();
    let expected: BTreeSet<String> = examples.iter().map(|e| format!("ex{e}")).collect();
    assert_eq!(labels, expected);
}

#[test]
fn only_roots_and_the_second_form_of_example_21_are_labelled() {
    let labelled: Vec<(&str, &str)> = migrate_tests::migrations()
        .iter()
        .filter(|m| !m.down_revisions().is_empty())
        .filter_map(|m| m.branch().map(|b| (m.revision(), b)))
        .collect();
    assert_eq!(labelled, [("ex21_c2", "ex21b")]);
}

#[test]
fn messages_come_from_the_doc_comments() {
    for m in migrate_tests::migrations().iter() {
        assert!(
            !m.message().trim().is_empty(),
            "`{}` has no message",
            m.revision()
        );
        let module = m.module_path().rsplit("::").next().unwrap();
        assert_ne!(
            m.message(),
            module,
            "`{}` fell back to its module name",
            m.revision()
        );
    }
    assert_eq!(mig("ex05_abc123de").message(), "create users table");
    assert_eq!(
        mig("ex15_abc789xy").message(),
        "add status column to orders"
    );
    assert_eq!(mig("ex17_xyz789ab").message(), "add products table");
    assert_eq!(mig("ex28_abc999zz").message(), "add audit system");
}

#[test]
fn files_are_named_after_their_revision() {
    for m in migrate_tests::migrations().iter() {
        let file = m.file().rsplit(['/', '\\']).next().unwrap();
        assert!(
            file.starts_with(&format!("{}_", m.revision())),
            "`{}` is declared in `{}`",
            m.revision(),
            m.file()
        );
        assert!(m.file().contains("seeds"), "{}", m.file());
    }
}

#[test]
fn checksums_are_those_of_the_upgrades() {
    for m in migrate_tests::migrations().iter() {
        assert_eq!(m.checksum(), checksum(m.upgrade()), "`{}`", m.revision());
        assert!(
            m.transactional(),
            "`{}` runs outside a transaction",
            m.revision()
        );
    }
    // `abc123de` appears in three chains with the same upgrade.
    let a = mig("ex05_abc123de");
    for other in ["ex15_abc123de", "ex17_abc123de"] {
        assert_eq!(mig(other).upgrade(), a.upgrade());
        assert_eq!(mig(other).checksum(), a.checksum());
    }
    assert_ne!(a.checksum(), mig("ex06_a1").checksum());
    // The two forms of example 21 differ by the dropped default.
    assert_ne!(mig("ex21_b2").checksum(), mig("ex21_c2").checksum());
}

#[test]
fn derived_downgrades_are_the_inverse_ops_in_reverse_order() {
    let derived: BTreeSet<&str> = migrate_tests::migrations()
        .iter()
        .filter(|m| m.downgrade_is_derived())
        .map(|m| m.revision())
        .collect();
    let expected: BTreeSet<&str> = [
        "ex06_a1",
        "ex07_a1",
        "ex08_a1",
        "ex09_a1",
        "ex10_a1",
        "ex15_a0",
        "ex17_def456gh",
        "ex18_a1",
        "ex19_a1",
        "ex20_a1",
        "ex21_a1",
        "ex23_a1",
        "ex25_a1",
        "ex26_a1",
        "ex28_xyz789ab",
    ]
    .into_iter()
    .collect();
    assert_eq!(derived, expected);
    for rev in expected {
        let m = mig(rev);
        let inverse: Vec<Op> = m.upgrade().iter().rev().map(expected_inverse).collect();
        assert_eq!(down(m), &inverse[..], "`{rev}`");
    }
}

// -- example by example ------------------------------------------------------------

#[test]
fn ex05_create_users_with_explicit_drop() {
    let m = mig("ex05_abc123de");
    assert_eq!(m.branch(), Some("ex05"));
    assert!(m.down_revisions().is_empty());
    let [op] = m.upgrade() else {
        panic!("{:?}", m.upgrade())
    };
    let t = created(op);
    assert_eq!(t.table, tref("users"));
    assert_eq!(column_names(t), ["id", "username", "email"]);
    let id = col(t, "id");
    assert_eq!(
        (id.ty.clone(), id.primary_key, id.nullable),
        (ColumnType::Integer, true, false)
    );
    assert_eq!(
        (col(t, "username").ty.clone(), col(t, "username").nullable),
        (string(50), false)
    );
    assert_eq!(
        (col(t, "email").ty.clone(), col(t, "email").nullable),
        (string(255), false)
    );
    let (pk, pk_cols) = t.primary_key().expect("a primary key");
    assert_eq!(pk, "pk_users");
    assert_eq!(pk_cols, ["id"]);
    assert!(!m.downgrade_is_derived());
    assert_eq!(down(m), [drop_table("users")]);
}

#[test]
fn ex06_create_products_with_server_defaults() {
    let m = mig("ex06_a1");
    assert_eq!(m.branch(), Some("ex06"));
    let [op] = m.upgrade() else { panic!() };
    let t = created(op);
    assert_eq!(t.table, tref("products"));
    assert_eq!(
        column_names(t),
        [
            "id",
            "name",
            "price",
            "description",
            "stock",
            "active",
            "created_at"
        ]
    );
    assert!(col(t, "id").primary_key);
    assert_eq!(col(t, "name").ty, string(200));
    assert!(!col(t, "name").nullable);
    assert_eq!(col(t, "price").ty, numeric(10, 2));
    assert!(!col(t, "price").nullable);
    assert_eq!(col(t, "description").ty, ColumnType::Text);
    assert!(col(t, "description").nullable);
    assert_eq!(col(t, "description").server_default, None);
    let stock = col(t, "stock");
    assert_eq!(
        (
            stock.ty.clone(),
            stock.nullable,
            stock.server_default.clone()
        ),
        (ColumnType::Integer, false, literal("0"))
    );
    let active = col(t, "active");
    assert_eq!(
        (
            active.ty.clone(),
            active.nullable,
            active.server_default.clone()
        ),
        (
            ColumnType::Boolean,
            false,
            Some(ServerDefault::Boolean(true))
        )
    );
    let created_at = col(t, "created_at");
    assert_eq!((created_at.ty.clone(), created_at.nullable), (tz(), false));
    assert_eq!(created_at.server_default, sql_default("NOW()"));
    // No downgrade in the seed: derived, with the definition.
    assert!(m.downgrade_is_derived());
    assert_eq!(
        down(m),
        [Op::DropTable {
            table: tref("products"),
            definition: Some(t.clone())
        }]
    );
}

#[test]
fn ex07_add_nullable_sku() {
    let pre = created(&mig("ex07_a1").upgrade()[0]);
    assert_eq!(pre.table, tref("products"));
    assert!(
        !column_names(pre).contains(&"sku"),
        "the prerequisite must not have sku yet"
    );
    let m = mig("ex07_b2");
    assert_eq!(m.down_revisions(), ["ex07_a1"]);
    assert_eq!(m.branch(), None);
    let [op] = m.upgrade() else { panic!() };
    let sku = added(op, "products");
    assert_eq!(
        (
            &*sku.name,
            sku.ty.clone(),
            sku.nullable,
            sku.server_default.clone()
        ),
        ("sku", string(50), true, None)
    );
    assert!(!m.downgrade_is_derived());
    assert_eq!(down(m), [drop_column("products", "sku")]);
}

#[test]
fn ex08_drop_legacy_code_and_recreate_structure() {
    let pre = created(&mig("ex08_a1").upgrade()[0]);
    let original = col(pre, "legacy_code");
    let m = mig("ex08_b2");
    assert_eq!(m.down_revisions(), ["ex08_a1"]);
    assert_eq!(m.upgrade(), [drop_column("products", "legacy_code")]);
    let [op] = down(m) else { panic!() };
    let restored = added(op, "products");
    assert_eq!(
        (&*restored.name, restored.ty.clone(), restored.nullable),
        ("legacy_code", string(20), true)
    );
    // The downgrade re-creates the column exactly as the prerequisite defined it.
    assert_eq!(restored, original);
}

#[test]
fn ex09_plain_and_unique_index_on_sku() {
    let pre = created(&mig("ex09_a1").upgrade()[0]);
    assert_eq!(col(pre, "sku").ty, string(50));
    let m = mig("ex09_b2");
    assert_eq!(m.down_revisions(), ["ex09_a1"]);
    let [a, b] = m.upgrade() else { panic!() };
    let (a, b) = (index(a), index(b));
    assert_eq!(
        (&*a.name, a.table.clone(), index_columns(a), a.unique),
        ("ix_products_sku", tref("products"), vec!["sku"], false)
    );
    assert_eq!(
        (&*b.name, b.table.clone(), index_columns(b), b.unique),
        (
            "ix_products_sku_unique",
            tref("products"),
            vec!["sku"],
            true
        )
    );
    assert_eq!(
        (a.postgresql_where.clone(), b.postgresql_where.clone()),
        (None, None)
    );
    assert_eq!(
        down(m),
        [
            drop_index("products", "ix_products_sku_unique"),
            drop_index("products", "ix_products_sku")
        ]
    );
}

#[test]
fn ex10_foreign_key_with_restrict() {
    let pre = mig("ex10_a1");
    let [users, orders] = pre.upgrade() else {
        panic!()
    };
    assert_eq!(created(users).table, tref("users"));
    let user_id = col(created(orders), "user_id");
    assert_eq!(
        (user_id.ty.clone(), user_id.nullable),
        (ColumnType::Integer, false)
    );
    let m = mig("ex10_b2");
    assert_eq!(m.down_revisions(), ["ex10_a1"]);
    let [op] = m.upgrade() else { panic!() };
    assert_eq!(op.name(), "create_foreign_key");
    let (table, name, kind) = added_constraint(op);
    assert_eq!((table, name), (&tref("orders"), "fk_orders_user_id"));
    let ConstraintKind::ForeignKey(fk) = kind else {
        panic!("{kind:?}")
    };
    assert_eq!(
        fk,
        &ForeignKey::new(
            vec!["user_id".into()].into(),
            tref("users"),
            vec!["id".into()].into(),
            Some(ReferentialAction::Restrict),
            None,
            None,
            None,
        )
    );
    assert_eq!(
        down(m),
        [drop_constraint(
            "orders",
            "fk_orders_user_id",
            ConstraintType::ForeignKey
        )]
    );
}

#[test]
fn ex15_revision_with_message_revises_abc123de() {
    let m = mig("ex15_abc789xy");
    assert_eq!(m.message(), "add status column to orders");
    assert_eq!(m.down_revisions(), ["ex15_abc123de"]);
    assert_eq!(mig("ex15_abc123de").down_revisions(), ["ex15_a0"]);
    assert_eq!(root_of(m).revision(), "ex15_a0");
    assert_eq!(created(&mig("ex15_a0").upgrade()[0]).table, tref("orders"));
    let [op] = m.upgrade() else { panic!() };
    let status = added(op, "orders");
    assert_eq!(
        (
            &*status.name,
            status.ty.clone(),
            status.nullable,
            status.server_default.clone()
        ),
        ("status", string(20), false, literal("pending"))
    );
    assert_eq!(down(m), [drop_column("orders", "status")]);
}

#[test]
fn ex17_autogenerated_products_corrected_with_sku() {
    let m = mig("ex17_xyz789ab");
    assert_eq!(m.down_revisions(), ["ex17_def456gh"]);
    assert_eq!(mig("ex17_def456gh").down_revisions(), ["ex17_abc123de"]);
    assert_eq!(mig("ex17_abc123de").branch(), Some("ex17"));
    let [table, ix] = m.upgrade() else { panic!() };
    let t = created(table);
    assert_eq!(t.table, tref("products"));
    // `sku` is the correction; the seed's create_table lacks it.
    assert_eq!(column_names(t), ["id", "name", "price", "sku"]);
    let id = col(t, "id");
    assert_eq!(
        (id.primary_key, id.nullable, id.autoincrement),
        (true, false, Some(true))
    );
    assert_eq!(col(t, "name").ty, string(200));
    assert_eq!(col(t, "price").ty, numeric(10, 2));
    assert!(col(t, "sku").nullable);
    // The explicit PrimaryKeyConstraint("id") gets the conventional name.
    let (pk, pk_cols) = t.primary_key().unwrap();
    assert_eq!((&**pk, pk_cols), ("pk_products", &["id".into()][..]));
    let ix = index(ix);
    // op.f("ix_products_sku") is the name as given, which is also the convention's.
    assert_eq!(&*ix.name, naming::index("products", &["sku"]));
    assert_eq!((index_columns(ix), ix.unique), (vec!["sku"], false));
    assert_eq!(
        down(m),
        [
            drop_index("products", "ix_products_sku"),
            drop_table("products")
        ]
    );
}

#[test]
fn ex18_alter_nullability_default_and_type() {
    let pre = mig("ex18_a1");
    let [users, products] = pre.upgrade() else {
        panic!()
    };
    assert!(
        col(created(users), "email").nullable,
        "email starts nullable"
    );
    assert_eq!(col(created(users), "status").server_default, None);
    let old_price = col(created(products), "price").ty.clone();
    assert_eq!(old_price, numeric(10, 2));

    let m = mig("ex18_b2");
    assert_eq!(m.down_revisions(), ["ex18_a1"]);
    let [email, set_default, drop_default, price] = m.upgrade() else {
        panic!()
    };
    let email = alter(email);
    assert_eq!(
        (email.table.clone(), &*email.column, email.nullable),
        (tref("users"), "email", Some(false))
    );
    assert_eq!(
        (email.ty.clone(), email.server_default.clone()),
        (None, None)
    );
    let set_default = alter(set_default);
    assert_eq!(
        (&*set_default.column, set_default.server_default.clone()),
        ("status", Some(literal("active")))
    );
    assert_eq!(set_default.nullable, None);
    let drop_default = alter(drop_default);
    assert_eq!(
        (&*drop_default.column, drop_default.server_default.clone()),
        ("status", Some(None))
    );
    let price = alter(price);
    assert_eq!(
        (price.table.clone(), &*price.column),
        (tref("products"), "price")
    );
    assert_eq!(
        (price.ty.clone(), price.using.as_deref()),
        (Some(numeric(19, 4)), Some("price::numeric(19,4)"))
    );
    assert_eq!(price.existing_type, None);

    let [email, status, price] = down(m) else {
        panic!("{:?}", down(m))
    };
    assert_eq!(
        (&*alter(email).column, alter(email).nullable),
        ("email", Some(true))
    );
    assert_eq!(
        (&*alter(status).column, alter(status).server_default.clone()),
        ("status", Some(None))
    );
    // The downgrade restores the prerequisite's type.
    assert_eq!(alter(price).ty, Some(old_price));
    assert_eq!(alter(price).using.as_deref(), Some("price::numeric(10,2)"));
}

#[test]
fn ex19_single_and_composite_unique_constraints() {
    let pre = created(&mig("ex19_a1").upgrade()[0]);
    let m = mig("ex19_b2");
    let [email, composite] = m.upgrade() else {
        panic!()
    };
    let expected = [
        ("uq_users_email", vec!["email"]),
        ("uq_users_username_tenant", vec!["username", "tenant_id"]),
    ];
    for (op, (name, columns)) in [email, composite].into_iter().zip(expected) {
        assert_eq!(op.name(), "create_unique_constraint");
        let (table, n, kind) = added_constraint(op);
        assert_eq!((table, n), (&tref("users"), name));
        let ConstraintKind::Unique { columns: got } = kind else {
            panic!("{kind:?}")
        };
        assert_eq!(got.iter().map(|c| &**c).collect::<Vec<_>>(), columns);
        for c in got.iter() {
            col(pre, c); // the prerequisite has every constrained column
        }
    }
    assert_eq!(
        down(m),
        [
            drop_constraint("users", "uq_users_username_tenant", ConstraintType::Unique),
            drop_constraint("users", "uq_users_email", ConstraintType::Unique),
        ]
    );
}

#[test]
fn ex20_check_constraints() {
    let pre = created(&mig("ex20_a1").upgrade()[0]);
    for c in ["price", "status", "quantity"] {
        col(pre, c);
    }
    let m = mig("ex20_b2");
    let expected = [
        ("ck_products_price_positive", "price > 0"),
        (
            "ck_products_status_valid",
            "status IN ('active', 'inactive', 'discontinued')",
        ),
        (
            "ck_products_quantity_range",
            "quantity >= 0 AND quantity <= 10000",
        ),
    ];
    assert_eq!(m.upgrade().len(), expected.len());
    for (op, (name, condition)) in m.upgrade().iter().zip(expected) {
        let (table, n, kind) = added_constraint(op);
        assert_eq!((table, n), (&tref("products"), name));
        assert_eq!(
            kind,
            &ConstraintKind::Check {
                condition: condition.into()
            }
        );
    }
    let reversed: Vec<Op> = expected
        .iter()
        .rev()
        .map(|(name, _)| drop_constraint("products", name, ConstraintType::Check))
        .collect();
    assert_eq!(down(m), &reversed[..]);
}

#[test]
fn ex21_both_forms_branch_from_one_prerequisite() {
    let (b, c) = (mig("ex21_b2"), mig("ex21_c2"));
    assert_eq!(b.down_revisions(), ["ex21_a1"]);
    assert_eq!(c.down_revisions(), ["ex21_a1"]);
    assert_eq!((b.branch(), c.branch()), (None, Some("ex21b")));
    assert!(!column_names(created(&mig("ex21_a1").upgrade()[0])).contains(&"account_type"));

    let [add] = b.upgrade() else { panic!() };
    let account_type = added(add, "users");
    assert_eq!(
        (
            &*account_type.name,
            account_type.ty.clone(),
            account_type.nullable,
            account_type.server_default.clone()
        ),
        ("account_type", string(20), false, literal("standard"))
    );
    // The second form adds the same column, then drops its default.
    let [add2, drop_default] = c.upgrade() else {
        panic!()
    };
    assert_eq!(add2, add);
    let drop_default = alter(drop_default);
    assert_eq!(
        (drop_default.table.clone(), &*drop_default.column),
        (tref("users"), "account_type")
    );
    assert_eq!(
        (drop_default.server_default.clone(), drop_default.nullable),
        (Some(None), None)
    );
    for m in [b, c] {
        assert_eq!(down(m), [drop_column("users", "account_type")]);
    }
}

#[test]
fn ex22_uuid_primary_key() {
    let m = mig("ex22_a1");
    assert_eq!(m.branch(), Some("ex22"));
    let [op] = m.upgrade() else { panic!() };
    let t = created(op);
    assert_eq!(t.table, tref("sessions"));
    assert_eq!(column_names(t), ["id", "user_id", "token", "expires_at"]);
    let id = col(t, "id");
    assert_eq!(
        (id.ty.clone(), id.primary_key, id.nullable),
        (ColumnType::Uuid, true, false)
    );
    assert_eq!(id.server_default, sql_default("gen_random_uuid()"));
    let user_id = col(t, "user_id");
    assert_eq!(
        (
            user_id.ty.clone(),
            user_id.nullable,
            user_id.server_default.clone()
        ),
        (ColumnType::Uuid, false, None)
    );
    assert_eq!(
        (col(t, "token").ty.clone(), col(t, "token").nullable),
        (string(512), false)
    );
    let expires = col(t, "expires_at");
    assert_eq!(
        (
            expires.ty.clone(),
            expires.nullable,
            expires.server_default.clone()
        ),
        (tz(), false, None)
    );
    assert_eq!(t.primary_key().unwrap().0, "pk_sessions");
    assert_eq!(down(m), [drop_table("sessions")]);
}

#[test]
fn ex23_audit_timestamps() {
    let m = mig("ex23_b2");
    assert_eq!(m.down_revisions(), ["ex23_a1"]);
    assert_eq!(
        op_names(m.upgrade()),
        ["create_table", "add_column", "add_column"]
    );
    let t = created(&m.upgrade()[0]);
    assert_eq!(t.table, tref("audit_log"));
    assert_eq!(
        column_names(t),
        ["id", "event_type", "created_at", "updated_at"]
    );
    assert_eq!(
        (col(t, "id").primary_key, col(t, "id").autoincrement),
        (true, Some(true))
    );
    assert_eq!(
        (
            col(t, "event_type").ty.clone(),
            col(t, "event_type").nullable
        ),
        (string(100), false)
    );
    let stamps = [
        col(t, "created_at"),
        col(t, "updated_at"),
        added(&m.upgrade()[1], "products"),
        added(&m.upgrade()[2], "products"),
    ];
    for (c, name) in stamps
        .iter()
        .zip(["created_at", "updated_at", "created_at", "updated_at"])
    {
        assert_eq!(&*c.name, name);
        assert_eq!(
            (c.ty.clone(), c.nullable, c.server_default.clone()),
            (tz(), false, sql_default("NOW()"))
        );
    }
    assert_eq!(
        down(m),
        [
            drop_column("products", "updated_at"),
            drop_column("products", "created_at"),
            drop_table("audit_log")
        ]
    );
}

#[test]
fn ex24_enum_type_created_before_and_dropped_after_its_table() {
    let m = mig("ex24_a1");
    let values = ["pending", "processing", "shipped", "delivered", "cancelled"];
    let [create_enum, table] = m.upgrade() else {
        panic!()
    };
    let Op::CreateEnum(e) = create_enum else {
        panic!("{create_enum:?}")
    };
    assert_eq!((&*e.name, e.schema.clone()), ("order_status", None));
    assert_eq!(e.values.iter().map(|v| &**v).collect::<Vec<_>>(), values);
    let t = created(table);
    assert_eq!(t.table, tref("orders"));
    assert_eq!(column_names(t), ["id", "status", "total"]);
    let status = col(t, "status");
    let ColumnType::Enum(EnumType {
        name,
        values: col_values,
        create_type,
        ..
    }) = &status.ty
    else {
        panic!("{:?}", status.ty)
    };
    assert_eq!((&**name, *create_type), ("order_status", false));
    assert_eq!(col_values, &e.values);
    assert_eq!(
        t.owned_enums().count(),
        0,
        "create_type = false: the table does not own the type"
    );
    assert_eq!(
        (status.nullable, status.server_default.clone()),
        (false, literal("pending"))
    );
    assert_eq!(col(t, "total").ty, numeric(10, 2));
    assert_eq!(col(t, "id").autoincrement, Some(true));
    assert_eq!(
        down(m),
        [
            drop_table("orders"),
            Op::DropEnum {
                schema: None,
                name: "order_status".into(),
                definition: None
            }
        ]
    );
}

#[test]
fn ex25_composite_and_partial_indexes() {
    let pre = created(&mig("ex25_a1").upgrade()[0]);
    let m = mig("ex25_b2");
    let expected = [
        ("ix_orders_user_status", vec!["user_id", "status"], None),
        (
            "ix_orders_tenant_created",
            vec!["tenant_id", "created_at"],
            None,
        ),
        (
            "ix_orders_active_user",
            vec!["user_id"],
            Some("status != 'cancelled'"),
        ),
    ];
    assert_eq!(m.upgrade().len(), expected.len());
    for (op, (name, columns, predicate)) in m.upgrade().iter().zip(&expected) {
        let i = index(op);
        assert_eq!(
            (&*i.name, i.table.clone(), i.unique),
            (*name, tref("orders"), false)
        );
        assert_eq!(&index_columns(i), columns, "order matters in `{name}`");
        assert_eq!(i.postgresql_where.as_deref(), *predicate);
        for c in columns {
            col(pre, c);
        }
    }
    let reversed: Vec<Op> = expected
        .iter()
        .rev()
        .map(|(name, ..)| drop_index("orders", name))
        .collect();
    assert_eq!(down(m), &reversed[..]);
}

#[test]
fn ex26_junction_table_with_composite_primary_key() {
    let [users, roles] = mig("ex26_a1").upgrade() else {
        panic!()
    };
    assert_eq!(
        (created(users).table.clone(), created(roles).table.clone()),
        (tref("users"), tref("roles"))
    );
    let m = mig("ex26_b2");
    let [table, ix] = m.upgrade() else { panic!() };
    let t = created(table);
    assert_eq!(t.table, tref("user_roles"));
    assert_eq!(column_names(t), ["user_id", "role_id"]);
    for c in t.columns.iter() {
        assert_eq!(
            (c.ty.clone(), c.nullable, c.primary_key),
            (ColumnType::Integer, false, true),
            "{}",
            c.name
        );
    }
    let (pk, pk_cols) = t.primary_key().unwrap();
    assert_eq!(&**pk, "pk_user_roles");
    assert_eq!(&**pk, naming::primary_key("user_roles"));
    assert_eq!(pk_cols, ["user_id", "role_id"]);
    // The primary key comes first, then the foreign keys in order.
    assert_eq!(t.constraints.len(), 3);
    let fks: Vec<(&str, &ForeignKey)> = t
        .constraints
        .iter()
        .filter_map(|c| match &c.kind {
            ConstraintKind::ForeignKey(fk) => Some((&*c.name, fk)),
            _ => None,
        })
        .collect();
    let expected = [
        ("fk_user_roles_user_id", "user_id", "users"),
        ("fk_user_roles_role_id", "role_id", "roles"),
    ];
    assert_eq!(fks.len(), expected.len());
    for ((name, fk), (want_name, column, referent)) in fks.into_iter().zip(expected) {
        // Named explicitly, not by the convention (`fk_user_roles_user_id_users`).
        assert_eq!(name, want_name);
        assert_ne!(name, naming::foreign_key("user_roles", &[column], referent));
        assert_eq!(&fk.columns[..], [column]);
        assert_eq!(
            (fk.referent.clone(), &fk.referent_columns[..]),
            (tref(referent), &["id".into()][..])
        );
        assert_eq!(
            (fk.on_delete, fk.on_update),
            (Some(ReferentialAction::Cascade), None)
        );
    }
    let ix = index(ix);
    assert_eq!(
        (&*ix.name, ix.table.clone(), index_columns(ix), ix.unique),
        (
            "ix_user_roles_role_id",
            tref("user_roles"),
            vec!["role_id"],
            false
        )
    );
    assert_eq!(
        down(m),
        [
            drop_index("user_roles", "ix_user_roles_role_id"),
            drop_table("user_roles")
        ]
    );
}

#[test]
fn ex27_seed_rows_with_the_new_table() {
    let m = mig("ex27_a1");
    assert_eq!(m.branch(), Some("ex27"));
    let [table, insert] = m.upgrade() else {
        panic!()
    };
    let t = created(table);
    assert_eq!(t.table, tref("roles"));
    assert_eq!(column_names(t), ["id", "name", "description"]);
    assert_eq!(
        (col(t, "id").primary_key, col(t, "id").autoincrement),
        (true, Some(true))
    );
    let name = col(t, "name");
    assert_eq!((name.ty.clone(), name.nullable), (string(50), false));
    // `unique = true` gets the conventional constraint name.
    assert_eq!(name.unique.as_deref(), Some("uq_roles_name"));
    assert_eq!(
        name.unique.as_deref(),
        Some(&*naming::unique("roles", &["name"]))
    );
    assert_eq!(
        (
            col(t, "description").ty.clone(),
            col(t, "description").nullable
        ),
        (string(255), true)
    );
    let Op::BulkInsert { table, rows } = insert else {
        panic!("{insert:?}")
    };
    assert_eq!(table, &tref("roles"));
    let expected = [
        ("1", "admin", "Full system access"),
        ("2", "manager", "Department management access"),
        ("3", "user", "Standard user access"),
        ("4", "readonly", "Read-only access"),
    ]
    .map(|(id, n, d)| row(&[("id", num(id)), ("name", text(n)), ("description", text(d))]));
    assert_eq!(&rows[..], &expected[..]);
    assert!(!m.downgrade_is_derived());
    assert_eq!(down(m), [drop_table("roles")]);
}

#[test]
fn ex27_seed_rows_into_an_earlier_table_need_a_delete() {
    let m = mig("ex27_b2");
    assert_eq!(m.down_revisions(), ["ex27_a1"]);
    let [Op::BulkInsert { table, rows }] = m.upgrade() else {
        panic!("{:?}", m.upgrade())
    };
    assert_eq!(table, &tref("roles"));
    // No id: the database generates it.
    assert_eq!(
        &rows[..],
        [row(&[
            ("name", text("superadmin")),
            ("description", text("Super administrator"))
        ])]
    );
    assert_eq!(
        down(m),
        [Op::Execute(Sql::new(
            Some("DELETE FROM roles WHERE name = 'superadmin'".into()),
            None,
            None,
            None
        ))]
    );
    assert!(down(m)[0].is_opaque());
}

#[test]
fn ex28_audit_system_in_one_revision() {
    let m = mig("ex28_abc999zz");
    assert_eq!(m.down_revisions(), ["ex28_xyz789ab"]);
    assert_eq!(mig("ex28_xyz789ab").branch(), Some("ex28"));
    assert_eq!(
        op_names(m.upgrade()),
        ["add_column", "add_column", "create_table", "create_index"]
    );
    for (op, name) in m.upgrade()[..2].iter().zip(["created_by", "updated_by"]) {
        let c = added(op, "users");
        assert_eq!(
            (&*c.name, c.ty.clone(), c.nullable, c.server_default.clone()),
            (name, string(255), false, literal("system"))
        );
    }
    let t = created(&m.upgrade()[2]);
    assert_eq!(t.table, tref("audit_log"));
    assert_eq!(
        column_names(t),
        ["id", "table_name", "operation", "user_id", "changed_at"]
    );
    assert_eq!(
        (col(t, "id").primary_key, col(t, "id").autoincrement),
        (true, Some(true))
    );
    assert_eq!(
        (
            col(t, "table_name").ty.clone(),
            col(t, "table_name").nullable
        ),
        (string(100), false)
    );
    assert_eq!(
        (col(t, "operation").ty.clone(), col(t, "operation").nullable),
        (string(10), false)
    );
    assert_eq!(
        (col(t, "user_id").ty.clone(), col(t, "user_id").nullable),
        (ColumnType::Integer, true)
    );
    let changed_at = col(t, "changed_at");
    // No `nullable` in the seed: nullable, with the NOW() default.
    assert_eq!(
        (
            changed_at.ty.clone(),
            changed_at.nullable,
            changed_at.server_default.clone()
        ),
        (tz(), true, sql_default("NOW()"))
    );
    let ix = index(&m.upgrade()[3]);
    assert_eq!(&*ix.name, naming::index("audit_log", &["table_name"]));
    assert_eq!((index_columns(ix), ix.unique), (vec!["table_name"], false));
    assert_eq!(
        down(m),
        [
            drop_index("audit_log", "ix_audit_log_table_name"),
            drop_table("audit_log"),
            drop_column("users", "updated_by"),
            drop_column("users", "created_by"),
        ]
    );
}
