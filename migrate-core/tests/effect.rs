//! The net-effect analysis on the seeds' shapes and on every one-argument
//! difference a downgrade can have.

use migrate_core::effect::{analyze, Finding, FindingKind, Lint, Side};
use migrate_core::inverse::invert;
use migrate_core::model::*;
use std::borrow::Cow;

fn s(x: &str) -> Str {
    Cow::Owned(x.to_string())
}
fn t(name: &str) -> TableRef {
    TableRef::new(None, s(name))
}
/// `base` with some fields set: `with!(col("a", Integer), nullable = false)`.
macro_rules! with {
    ($base:expr, $($field:ident = $value:expr),* $(,)?) => {{
        let mut v = $base;
        $(v.$field = $value;)*
        v
    }};
}

fn col(name: &str, ty: ColumnType) -> Column {
    Column::new(
        s(name),
        ty,
        true,
        false,
        None,
        None,
        None,
        None,
        None,
        None,
        true,
    )
}
fn pk(name: &str) -> Column {
    with!(
        col(name, ColumnType::Integer),
        primary_key = true,
        nullable = false
    )
}
fn table(name: &str, columns: Vec<Column>) -> Table {
    let pks: Vec<Str> = columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| c.name.clone())
        .collect();
    let constraints = if pks.is_empty() {
        vec![]
    } else {
        vec![Constraint::new(
            s(&format!("pk_{name}")),
            ConstraintKind::PrimaryKey {
                columns: pks.into(),
            },
        )]
    };
    Table {
        table: t(name),
        columns: columns.into(),
        constraints: constraints.into(),
        comment: None,
    }
}
fn index(name: &str, tbl: &str, cols: &[&str]) -> Index {
    let columns = cols
        .iter()
        .map(|c| IndexColumn::Column(s(c)))
        .collect::<Vec<_>>();
    Index::new(
        s(name),
        t(tbl),
        columns.into(),
        false,
        None,
        None,
        None,
        false,
    )
}
fn drop_index(name: &str, tbl: &str) -> Op {
    Op::DropIndex {
        table: t(tbl),
        name: s(name),
        definition: None,
    }
}
fn fk(on_delete: Option<ReferentialAction>) -> Constraint {
    fk_to("users", on_delete)
}
fn fk_to(referent: &str, on_delete: Option<ReferentialAction>) -> Constraint {
    Constraint::new(
        s("fk_orders_user_id"),
        ConstraintKind::ForeignKey(ForeignKey::new(
            vec![s("user_id")].into(),
            t(referent),
            vec![s("id")].into(),
            on_delete,
            None,
            None,
            None,
        )),
    )
}
fn alter(tbl: &str, column: &str) -> AlterColumn {
    AlterColumn::new(
        t(tbl),
        s(column),
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    )
}
fn order_status(create_type: bool) -> EnumType {
    EnumType::new(
        None,
        s("order_status"),
        vec![s("pending"), s("shipped")].into(),
        create_type,
    )
}

fn no_lints(f: Vec<Finding>) -> Vec<Finding> {
    f.into_iter()
        .filter(|f| !matches!(f.kind, FindingKind::Lint(_)))
        .collect()
}

fn assert_clean(up: &[Op], down: &[Op]) {
    let f = no_lints(analyze(up, down));
    assert!(f.is_empty(), "unexpected findings: {f:#?}");
}

fn one(up: &[Op], down: &[Op]) -> Finding {
    let mut f = no_lints(analyze(up, down));
    assert_eq!(f.len(), 1, "expected one finding, got {f:#?}");
    f.remove(0)
}

#[test]
fn drop_table_undoes_create_table_index_and_seed_rows() {
    let up = vec![
        Op::CreateTable(table(
            "roles",
            vec![pk("id"), col("name", ColumnType::String(Some(50)))],
        )),
        Op::CreateIndex(index("ix_roles_name", "roles", &["name"])),
        Op::BulkInsert {
            table: t("roles"),
            rows: vec![Row::new(vec![(s("name"), Value::Text(s("admin")))].into())].into(),
        },
    ];
    assert_clean(
        &up,
        &[Op::DropTable {
            table: t("roles"),
            definition: None,
        }],
    );
    assert_clean(&up, &invert(&up).unwrap());
}

#[test]
fn alter_columns_undone_in_another_order() {
    let mut a = alter("users", "email");
    a.nullable = Some(false);
    a.existing_nullable = Some(true);
    let mut b = alter("products", "price");
    b.ty = Some(ColumnType::Numeric {
        precision: Some(19),
        scale: Some(4),
    });
    b.existing_type = Some(ColumnType::Numeric {
        precision: Some(10),
        scale: Some(2),
    });
    let up = vec![Op::AlterColumn(a.clone()), Op::AlterColumn(b.clone())];
    let mut a2 = alter("users", "email");
    a2.nullable = Some(true);
    let mut b2 = alter("products", "price");
    b2.ty = Some(ColumnType::Numeric {
        precision: Some(10),
        scale: Some(2),
    });
    // Same order as the upgrade, not reversed: still the same net effect.
    assert_clean(&up, &[Op::AlterColumn(a2.clone()), Op::AlterColumn(b2)]);
    assert_clean(&up, &invert(&up).unwrap());

    let mut wrong = alter("products", "price");
    wrong.ty = Some(ColumnType::Numeric {
        precision: Some(10),
        scale: Some(3),
    });
    let f = one(&up, &[Op::AlterColumn(a2), Op::AlterColumn(wrong)]);
    assert_eq!(
        (f.kind, f.side, f.op, f.field),
        (FindingKind::Definition, Side::Downgrade, 1, Some("type"))
    );
    assert!(
        f.message.contains("Numeric(10, 3)") && f.message.contains("Numeric(10, 2)"),
        "{}",
        f.message
    );
}

#[test]
fn alter_without_existing_cannot_be_proven_and_is_accepted() {
    let mut up = alter("users", "status");
    up.server_default = Some(Some(ServerDefault::Literal(s("active"))));
    let mut down = alter("users", "status");
    down.server_default = Some(None);
    assert_clean(&[Op::AlterColumn(up.clone())], &[Op::AlterColumn(down)]);
    assert!(invert(&[Op::AlterColumn(up)]).is_err());
}

#[test]
fn readding_a_dropped_column_with_another_type_is_named() {
    let legacy = col("legacy_code", ColumnType::String(Some(20)));
    let up = vec![Op::DropColumn {
        table: t("products"),
        column: s("legacy_code"),
        definition: Some(legacy.clone()),
    }];
    assert_clean(
        &up,
        &[Op::AddColumn {
            table: t("products"),
            column: legacy.clone(),
        }],
    );
    let wrong = col("legacy_code", ColumnType::String(Some(30)));
    let f = one(
        &up,
        &[Op::AddColumn {
            table: t("products"),
            column: wrong,
        }],
    );
    assert_eq!(
        (f.kind, f.field, f.object.as_deref()),
        (FindingKind::Definition, Some("type"), Some("legacy_code"))
    );
    let nn = with!(legacy.clone(), nullable = false);
    assert_eq!(
        one(
            &up,
            &[Op::AddColumn {
                table: t("products"),
                column: nn
            }]
        )
        .field,
        Some("nullable")
    );
}

#[test]
fn readding_another_column_names_both() {
    let legacy = col("legacy_code", ColumnType::String(Some(20)));
    let up = vec![Op::DropColumn {
        table: t("products"),
        column: s("legacy_code"),
        definition: Some(legacy),
    }];
    let f = no_lints(analyze(
        &up,
        &[Op::AddColumn {
            table: t("products"),
            column: col("legacy", ColumnType::String(Some(20))),
        }],
    ));
    assert_eq!(f.len(), 2, "{f:#?}");
    assert!(f.iter().any(|f| f.side == Side::Upgrade
        && f.message
            .contains("does not restore column `products.legacy_code`")));
    assert!(f.iter().any(|f| f.side == Side::Downgrade
        && f.message.contains("leaves column `products.legacy` behind")));
}

fn index_swap(new: Index, restored: Index) -> Vec<Finding> {
    let old = with!(
        index("ix_orders_user", "orders", &["user_id", "status"]),
        unique = true,
        postgresql_where = Some(s("status != 'cancelled'")),
        sqlite_where = Some(s("status != 'cancelled'"))
    );
    let up = vec![
        Op::DropIndex {
            table: t("orders"),
            name: s("ix_orders_user"),
            definition: Some(old.clone()),
        },
        Op::CreateIndex(new),
    ];
    let down = vec![
        drop_index("ix_orders_user", "orders"),
        Op::CreateIndex(restored),
    ];
    assert_clean(
        &up,
        &[drop_index("ix_orders_user", "orders"), Op::CreateIndex(old)],
    );
    no_lints(analyze(&up, &down))
}

#[test]
fn index_differences_are_each_named() {
    let old = with!(
        index("ix_orders_user", "orders", &["user_id", "status"]),
        unique = true,
        postgresql_where = Some(s("status != 'cancelled'")),
        sqlite_where = Some(s("status != 'cancelled'"))
    );
    let new = index("ix_orders_user", "orders", &["user_id"]);
    for (restored, field) in [
        (
            with!(
                old.clone(),
                columns = vec![
                    IndexColumn::Column(s("user_id")),
                    IndexColumn::Column(s("state")),
                ]
                .into()
            ),
            "columns",
        ),
        (
            with!(
                old.clone(),
                columns = vec![
                    IndexColumn::Column(s("status")),
                    IndexColumn::Column(s("user_id")),
                ]
                .into()
            ),
            "columns",
        ),
        (with!(old.clone(), unique = false), "unique"),
        (
            with!(
                old.clone(),
                postgresql_where = Some(s("status = 'cancelled'"))
            ),
            "postgresql_where",
        ),
        (
            with!(old.clone(), postgresql_where = None),
            "postgresql_where",
        ),
        (with!(old.clone(), sqlite_where = None), "sqlite_where"),
    ] {
        let f = index_swap(new.clone(), restored);
        // A column that does not exist is its own finding; the definition one is there.
        let d: Vec<_> = f
            .iter()
            .filter(|f| f.kind == FindingKind::Definition)
            .collect();
        assert_eq!(d.len(), 1, "{field}: {f:#?}");
        assert_eq!(d[0].field, Some(field));
        assert_eq!((d[0].side, d[0].op), (Side::Downgrade, 1));
    }
    // Whitespace in a predicate is formatting, not meaning.
    let f = index_swap(
        new,
        with!(old, postgresql_where = Some(s("status  !=\n 'cancelled'"))),
    );
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn foreign_key_ondelete_difference_is_named() {
    let up = vec![
        Op::DropConstraint {
            table: t("orders"),
            name: s("fk_orders_user_id"),
            kind: ConstraintType::ForeignKey,
            definition: Some(fk(Some(ReferentialAction::Restrict))),
        },
        Op::AddConstraint {
            table: t("orders"),
            constraint: fk(Some(ReferentialAction::Cascade)),
        },
    ];
    let drop = Op::DropConstraint {
        table: t("orders"),
        name: s("fk_orders_user_id"),
        kind: ConstraintType::ForeignKey,
        definition: None,
    };
    assert_clean(
        &up,
        &[
            drop.clone(),
            Op::AddConstraint {
                table: t("orders"),
                constraint: fk(Some(ReferentialAction::Restrict)),
            },
        ],
    );
    let f = one(
        &up,
        &[
            drop.clone(),
            Op::AddConstraint {
                table: t("orders"),
                constraint: fk(Some(ReferentialAction::SetNull)),
            },
        ],
    );
    assert_eq!(f.field, Some("ondelete"));
    assert!(
        f.message.contains("\"SET NULL\"") && f.message.contains("\"RESTRICT\""),
        "{}",
        f.message
    );
    let f = one(
        &up,
        &[
            drop,
            Op::AddConstraint {
                table: t("orders"),
                constraint: fk(None),
            },
        ],
    );
    assert_eq!(f.field, Some("ondelete"));
}

#[test]
fn forgotten_index_is_reported_on_the_op_that_creates_it() {
    let up = vec![
        Op::CreateIndex(index(
            "ix_orders_user_status",
            "orders",
            &["user_id", "status"],
        )),
        Op::CreateIndex(index(
            "ix_orders_tenant_created",
            "orders",
            &["tenant_id", "created_at"],
        )),
    ];
    let f = one(&up, &[drop_index("ix_orders_tenant_created", "orders")]);
    assert_eq!(
        (f.kind, f.side, f.op),
        (FindingKind::Existence, Side::Upgrade, 0)
    );
    assert!(f
        .help
        .unwrap()
        .contains("drop_index(\"ix_orders_user_status\", table_name = \"orders\")"));
}

#[test]
fn enum_type_left_behind_by_drop_table() {
    let mut orders = table("orders", vec![pk("id")]);
    orders.columns = vec![
        pk("id"),
        with!(
            col("status", ColumnType::Enum(order_status(true))),
            nullable = false
        ),
    ]
    .into();
    let up = vec![Op::CreateTable(orders.clone())];
    let f = one(
        &up,
        &[Op::DropTable {
            table: t("orders"),
            definition: None,
        }],
    );
    assert!(
        f.message.contains("enum type `order_status`"),
        "{}",
        f.message
    );
    assert_clean(&up, &invert(&up).unwrap());
    // The seeds' form: create_enum first, the column with create_type = false.
    let mut orders2 = orders.clone();
    orders2.columns = vec![
        pk("id"),
        col("status", ColumnType::Enum(order_status(false))),
    ]
    .into();
    let up = vec![Op::CreateEnum(order_status(true)), Op::CreateTable(orders2)];
    assert_clean(
        &up,
        &[
            Op::DropTable {
                table: t("orders"),
                definition: None,
            },
            Op::DropEnum {
                schema: None,
                name: s("order_status"),
                definition: None,
            },
        ],
    );
    assert_clean(&up, &invert(&up).unwrap());
}

#[test]
fn lints() {
    let nn = with!(
        col("account_type", ColumnType::String(Some(20))),
        nullable = false
    );
    let f = analyze(
        &[Op::AddColumn {
            table: t("users"),
            column: nn.clone(),
        }],
        &[],
    );
    assert!(f
        .iter()
        .any(|f| f.kind == FindingKind::Lint(Lint::NotNullWithoutDefault)));
    let ok = with!(
        nn.clone(),
        server_default = Some(ServerDefault::Literal(s("standard")))
    );
    let f = analyze(
        &[Op::AddColumn {
            table: t("users"),
            column: ok,
        }],
        &[],
    );
    assert!(!f.iter().any(|f| matches!(f.kind, FindingKind::Lint(_))));
    // On a table created in the same migration there are no rows yet.
    let up = vec![
        Op::CreateTable(table("accounts", vec![pk("id")])),
        Op::AddColumn {
            table: t("accounts"),
            column: nn,
        },
    ];
    assert!(analyze(&up, &invert(&up).unwrap()).is_empty());

    let f = analyze(
        &[Op::DropColumn {
            table: t("products"),
            column: s("legacy_code"),
            definition: None,
        }],
        &[],
    );
    assert!(f
        .iter()
        .any(|f| f.kind == FindingKind::Lint(Lint::Destructive)));
    let f = analyze(
        &[Op::DropTable {
            table: t("legacy"),
            definition: None,
        }],
        &[],
    );
    assert!(f
        .iter()
        .any(|f| f.kind == FindingKind::Lint(Lint::Destructive)));
}

#[test]
fn a_unique_index_partial_on_one_database_is_linted() {
    let lints = |pg: Option<&str>, lite: Option<&str>, unique: bool| -> Vec<String> {
        let i = with!(
            index("ix_orders_open", "orders", &["user_id"]),
            unique = unique,
            postgresql_where = pg.map(s),
            sqlite_where = lite.map(s)
        );
        analyze(&[Op::CreateIndex(i)], &[])
            .into_iter()
            .filter(|f| f.kind == FindingKind::Lint(Lint::OneDatabasePredicate))
            .map(|f| f.message)
            .collect()
    };
    let pg_only = lints(Some("sent_at IS NULL"), None, true);
    assert_eq!(pg_only.len(), 1, "{pg_only:?}");
    assert!(
        pg_only[0].contains(
            "partial on PostgreSQL only (`postgresql_where`): on SQLite it is a full unique index"
        ),
        "{pg_only:?}"
    );
    let lite_only = lints(None, Some("sent_at IS NULL"), true);
    assert!(
        lite_only[0].contains("partial on SQLite only"),
        "{lite_only:?}"
    );
    // Both databases partial (even with different SQL), or not unique: no lint.
    assert!(lints(Some("a"), Some("b"), true).is_empty());
    assert!(lints(Some("sent_at IS NULL"), None, false).is_empty());
    assert!(lints(None, None, true).is_empty());
    // Only what the upgrade creates: a downgrade restoring such an index is
    // the upgrade's inverse.
    let i = with!(
        index("ix_orders_open", "orders", &["user_id"]),
        unique = true,
        postgresql_where = Some(s("sent_at IS NULL"))
    );
    assert!(!analyze(
        &[drop_index("ix_orders_open", "orders")],
        &[Op::CreateIndex(i)]
    )
    .iter()
    .any(|f| f.kind == FindingKind::Lint(Lint::OneDatabasePredicate)));
}

#[test]
fn cannot_apply() {
    let up = vec![
        Op::CreateTable(table(
            "orders",
            vec![pk("id"), col("user_id", ColumnType::Integer)],
        )),
        Op::CreateIndex(index("ix_orders_status", "orders", &["status"])),
    ];
    let f = one(&up, &invert(&up[..1]).unwrap());
    assert_eq!(
        (f.kind, f.side, f.op),
        (FindingKind::CannotApply, Side::Upgrade, 1)
    );
    assert!(
        f.message
            .contains("column `orders.status`, which does not exist"),
        "{}",
        f.message
    );
    assert_eq!(f.field, Some("columns"));

    let up = vec![Op::CreateIndex(index("ix_a", "orders", &["a"]))];
    let down = vec![drop_index("ix_a", "orders"), drop_index("ix_a", "orders")];
    let f = one(&up, &down);
    assert_eq!(
        (f.kind, f.side, f.op),
        (FindingKind::CannotApply, Side::Downgrade, 1)
    );
}

#[test]
fn opaque_ops_suppress_what_they_might_explain() {
    let up = vec![Op::Execute(Sql::new(
        Some(s("CREATE TABLE foo (id int)")),
        None,
        None,
        None,
    ))];
    assert_clean(
        &up,
        &[Op::DropTable {
            table: t("foo"),
            definition: None,
        }],
    );
    // But a definition that differs is still a definition that differs.
    let old = index("ix", "orders", &["a", "b"]);
    let up = vec![
        Op::DropIndex {
            table: t("orders"),
            name: s("ix"),
            definition: Some(old),
        },
        Op::Run {
            function: s("backfill"),
        },
    ];
    let f = one(
        &up,
        &[
            Op::Run {
                function: s("undo"),
            },
            Op::CreateIndex(index("ix", "orders", &["b", "a"])),
        ],
    );
    assert_eq!(f.field, Some("columns"));
}

#[test]
fn bulk_insert_into_existing_table_needs_a_delete() {
    let up = vec![Op::BulkInsert {
        table: t("roles"),
        rows: vec![Row::new(
            vec![(s("name"), Value::Text(s("superadmin")))].into(),
        )]
        .into(),
    }];
    assert!(invert(&up).is_err());
    let f = one(&up, &[]);
    assert_eq!(
        (f.kind, f.side, f.op),
        (FindingKind::Existence, Side::Upgrade, 0)
    );
    assert_clean(
        &up,
        &[Op::Execute(Sql::new(
            Some(s("DELETE FROM roles WHERE name = 'superadmin'")),
            None,
            None,
            None,
        ))],
    );
}

#[test]
fn renames() {
    let up = vec![Op::RenameTable {
        schema: None,
        old: s("users"),
        new: s("accounts"),
    }];
    assert_clean(&up, &invert(&up).unwrap());
    let f = no_lints(analyze(
        &up,
        &[Op::RenameTable {
            schema: None,
            old: s("accounts"),
            new: s("members"),
        }],
    ));
    assert!(!f.is_empty());

    let mut a = alter("users", "email");
    a.new_name = Some(s("email_address"));
    let up = vec![
        Op::CreateIndex(index("ix_users_email", "users", &["email"])),
        Op::AlterColumn(a),
    ];
    assert_clean(&up, &invert(&up).unwrap());
}

#[test]
fn derived_downgrades_are_clean_for_every_invertible_op() {
    let users = table(
        "users",
        vec![
            pk("id"),
            with!(
                col("email", ColumnType::String(Some(255))),
                unique = Some(s("uq_users_email")),
                index = Some(s("ix_users_email"))
            ),
            with!(
                col("org_id", ColumnType::Integer),
                foreign_key = Some(InlineForeignKey::new(
                    s("fk_users_org_id_orgs"),
                    t("orgs"),
                    s("id"),
                    Some(ReferentialAction::Cascade),
                    None,
                ))
            ),
        ],
    );
    let mut alter_all = alter("users", "email");
    alter_all.ty = Some(ColumnType::Text);
    alter_all.existing_type = Some(ColumnType::String(Some(255)));
    alter_all.nullable = Some(false);
    alter_all.existing_nullable = Some(true);
    alter_all.server_default = Some(Some(ServerDefault::Now));
    alter_all.existing_server_default = Some(None);
    alter_all.comment = Some(Some(s("mail")));
    alter_all.existing_comment = Some(None);
    alter_all.new_name = Some(s("mail"));
    let up = vec![
        Op::CreateEnum(order_status(true)),
        Op::CreateTable(users),
        Op::AddColumn {
            table: t("users"),
            column: col("bio", ColumnType::Text),
        },
        Op::AlterColumn(alter_all),
        Op::CreateIndex(index("ix_users_bio", "users", &["bio"])),
        Op::AddConstraint {
            table: t("users"),
            constraint: Constraint::new(
                s("ck_users_id"),
                ConstraintKind::Check {
                    condition: s("id > 0"),
                },
            ),
        },
        Op::SetTableComment {
            table: t("users"),
            comment: Some(s("people")),
            existing: Some(None),
        },
        Op::RenameTable {
            schema: None,
            old: s("users"),
            new: s("members"),
        },
        Op::DropIndex {
            table: t("products"),
            name: s("ix_products_sku"),
            definition: Some(index("ix_products_sku", "products", &["sku"])),
        },
        Op::DropColumn {
            table: t("products"),
            column: s("legacy"),
            definition: Some(col("legacy", ColumnType::Integer)),
        },
        Op::DropConstraint {
            table: t("orders"),
            name: s("fk_orders_user_id"),
            kind: ConstraintType::ForeignKey,
            definition: Some(fk_to("customers", None)),
        },
        Op::DropEnum {
            schema: None,
            name: s("old_kind"),
            definition: Some(with!(order_status(true), name = s("old_kind"))),
        },
    ];
    let down = invert(&up).unwrap();
    assert_clean(&up, &down);
    // And the inverse of the inverse is the upgrade again.
    assert_eq!(invert(&down).unwrap(), up);
}

#[test]
fn an_enum_type_cannot_go_while_a_column_uses_it() {
    let mut orders = table("orders", vec![pk("id")]);
    orders.columns = vec![
        pk("id"),
        col("status", ColumnType::Enum(order_status(false))),
    ]
    .into();
    let up = vec![Op::CreateEnum(order_status(true)), Op::CreateTable(orders)];
    let f = one(
        &up,
        &[
            Op::DropEnum {
                schema: None,
                name: s("order_status"),
                definition: None,
            },
            Op::DropTable {
                table: t("orders"),
                definition: None,
            },
        ],
    );
    assert_eq!(
        (f.kind, f.side, f.op),
        (FindingKind::CannotApply, Side::Downgrade, 0)
    );
    assert!(
        f.message.contains("still used by column `orders.status`"),
        "{}",
        f.message
    );
}

#[test]
fn an_enum_column_lists_the_values_of_its_type() {
    let other = with!(
        order_status(false),
        values = vec![s("pending"), s("cancelled")].into()
    );
    let mut orders = table("orders", vec![pk("id")]);
    orders.columns = vec![pk("id"), col("status", ColumnType::Enum(other))].into();
    let up = vec![
        Op::CreateEnum(order_status(true)),
        Op::CreateTable(orders.clone()),
    ];
    let f = one(&up, &invert(&up).unwrap());
    assert_eq!(
        (f.kind, f.side, f.op, f.field),
        (FindingKind::CannotApply, Side::Upgrade, 1, Some("type"))
    );
    assert!(
        f.message.contains("which has [\"pending\", \"shipped\"]"),
        "{}",
        f.message
    );
    // And a type that does not exist at all.
    let up = vec![
        Op::DropEnum {
            schema: None,
            name: s("order_status"),
            definition: None,
        },
        Op::CreateTable(orders),
    ];
    let f = no_lints(analyze(&up, &[]));
    assert!(
        f.iter()
            .any(|f| f.message.contains("does not exist at this point")),
        "{f:#?}"
    );
}

#[test]
fn what_went_with_a_dropped_column_may_be_recreated() {
    // `ck_people_score` and `ix_people_level_score` are not named by the
    // upgrade, but went with `score`: putting them back is not "leaving them
    // behind".
    let up = vec![Op::DropColumn {
        table: t("people"),
        column: s("score"),
        definition: Some(col("score", ColumnType::Integer)),
    }];
    let down = vec![
        Op::AddColumn {
            table: t("people"),
            column: col("score", ColumnType::Integer),
        },
        Op::AddConstraint {
            table: t("people"),
            constraint: Constraint::new(
                s("ck_people_score"),
                ConstraintKind::Check {
                    condition: s("score >= 0"),
                },
            ),
        },
        Op::CreateIndex(index(
            "ix_people_level_score",
            "people",
            &["level", "score"],
        )),
    ];
    assert_clean(&up, &down);
    // A constraint on another column is still one the downgrade leaves behind.
    let mut other = down.clone();
    other.push(Op::AddConstraint {
        table: t("people"),
        constraint: Constraint::new(
            s("ck_people_level"),
            ConstraintKind::Check {
                condition: s("level >= 0"),
            },
        ),
    });
    assert_eq!(one(&up, &other).kind, FindingKind::Existence);
}

// ----- a new enum value used before its migration commits ---------------------

fn add_value(value: &str) -> Op {
    Op::AddEnumValue {
        schema: None,
        name: s("order_status"),
        value: s(value),
        placement: None,
    }
}
fn insert(tbl: &str, column: &str, value: &str) -> Op {
    Op::BulkInsert {
        table: t(tbl),
        rows: vec![Row::new(vec![(s(column), Value::Text(s(value)))].into())].into(),
    }
}
fn enum_uses(up: &[Op], down: &[Op]) -> Vec<(Side, usize, Option<String>, Option<&'static str>)> {
    analyze(up, down)
        .into_iter()
        .filter(|f| f.kind == FindingKind::NewEnumValueUsed)
        .map(|f| (f.side, f.op, f.object, f.field))
        .collect()
}

#[test]
fn new_enum_value_used_in_the_same_migration() {
    let orders = Op::CreateTable(table(
        "orders",
        vec![
            pk("id"),
            col("status", ColumnType::Enum(order_status(false))),
        ],
    ));
    // The row uses the new value; the one before it does not.
    let up = [
        Op::CreateEnum(order_status(true)),
        orders.clone(),
        insert("orders", "status", "refunded"),
        add_value("refunded"),
        insert("orders", "status", "pending"),
        insert("orders", "status", "refunded"),
    ];
    assert_eq!(
        enum_uses(&up, &[]),
        [(Side::Upgrade, 5, Some("rows[0].status".into()), None)]
    );

    // A server default of a column of that type, when added or altered.
    let mut with_default = col("previous", ColumnType::Enum(order_status(false)));
    with_default.server_default = Some(ServerDefault::Literal(s("refunded")));
    let mut alter_default = alter("orders", "status");
    alter_default.server_default = Some(Some(ServerDefault::Literal(s("refunded"))));
    let up = [
        add_value("refunded"),
        Op::AddColumn {
            table: t("orders"),
            column: with_default,
        },
        Op::AlterColumn(alter_default),
    ];
    assert_eq!(
        enum_uses(&up, &[]),
        [
            (
                Side::Upgrade,
                1,
                Some("previous".into()),
                Some("server_default")
            ),
            (Side::Upgrade, 2, None, Some("server_default")),
        ]
    );

    // Quoted in a partial index's predicate or a check constraint.
    let mut partial = index("ix_refunded", "orders", &["id"]);
    partial.postgresql_where = Some(s("status = 'refunded'"));
    let up = [
        add_value("refunded"),
        Op::CreateIndex(partial),
        Op::AddConstraint {
            table: t("orders"),
            constraint: Constraint::new(
                s("ck_orders_refunded"),
                ConstraintKind::Check {
                    condition: s("status <> 'refunded'"),
                },
            ),
        },
        // Opaque: not checked.
        Op::Execute(Sql::new(
            Some(s("UPDATE orders SET status = 'refunded'")),
            None,
            None,
            None,
        )),
    ];
    assert_eq!(
        enum_uses(&up, &[]),
        [
            (Side::Upgrade, 1, None, Some("postgresql_where")),
            (
                Side::Upgrade,
                2,
                Some("ck_orders_refunded".into()),
                Some("condition")
            ),
        ]
    );
}

#[test]
fn new_enum_value_not_used_is_fine() {
    // A column known to be of another type takes the same text freely.
    let up = [
        Op::CreateTable(table(
            "notes",
            vec![pk("id"), col("body", ColumnType::Text)],
        )),
        add_value("refunded"),
        insert("notes", "body", "refunded"),
    ];
    assert_eq!(enum_uses(&up, &[]), []);
    // A default on a column that is not of the enum type.
    let mut text = col("label", ColumnType::Text);
    text.server_default = Some(ServerDefault::Literal(s("refunded")));
    let up = [
        add_value("refunded"),
        Op::AddColumn {
            table: t("orders"),
            column: text,
        },
    ];
    assert_eq!(enum_uses(&up, &[]), []);
    // The downgrade is a transaction of its own: the upgrade's new value is
    // committed by then.
    let up = [add_value("refunded")];
    let down = [insert("orders", "status", "refunded")];
    assert_eq!(enum_uses(&up, &down), []);
}

#[test]
fn new_enum_value_column_type_unknown_counts_as_a_use() {
    // `orders` comes from an earlier migration: its column may be of the
    // enum type, and moving the row to the next migration is harmless.
    let up = [
        add_value("refunded"),
        insert("orders", "status", "refunded"),
    ];
    let f = analyze(&up, &[]);
    let f = f
        .iter()
        .find(|f| f.kind == FindingKind::NewEnumValueUsed)
        .expect("a finding");
    assert_eq!(f.message, "`bulk_insert` into `orders.status` uses \"refunded\", a value of enum type `order_status` that `add_enum_value` adds earlier in this upgrade(); PostgreSQL cannot use a new enum value before the transaction that adds it commits");
    assert!(f.help.as_deref().unwrap().contains("later migration"));
    // Stated by `existing_type` as another type: not a use.
    let mut known = alter("orders", "status");
    known.existing_type = Some(ColumnType::Text);
    known.server_default = Some(Some(ServerDefault::Literal(s("refunded"))));
    assert_eq!(
        enum_uses(&[add_value("refunded"), Op::AlterColumn(known)], &[]),
        []
    );
}

/// An enum type dropped and made again with a value added back ends as it
/// was, whatever characters the value has: the values are compared as
/// values, not as the text the two ops would write.
#[test]
fn enum_values_compare_as_values() {
    for value in ["cancelled", "say \"hi\"", r"back\slash"] {
        let mut before = order_status(true);
        before.values = vec![s("pending"), s(value)].into();
        let mut again = order_status(true);
        again.values = vec![s("pending")].into();
        let up = [
            Op::DropEnum {
                schema: None,
                name: s("order_status"),
                definition: Some(before),
            },
            Op::CreateEnum(again),
            add_value(value),
        ];
        assert_eq!(analyze(&up, &[]), [], "{value}");
    }
}

/// Every misspelt key of a `bulk_insert` is reported on the key, with the
/// nearest column of the table.
#[test]
fn bulk_insert_unknown_keys_suggest_the_nearest_column() {
    let up = [
        Op::CreateTable(table(
            "roles",
            vec![pk("id"), col("name", ColumnType::Text)],
        )),
        Op::BulkInsert {
            table: t("roles"),
            rows: vec![
                Row::new(vec![(s("id"), Value::Number(s("1")))].into()),
                Row::new(
                    vec![
                        (s("nmae"), Value::Text(s("a"))),
                        (s("zzzzzz"), Value::Text(s("b"))),
                    ]
                    .into(),
                ),
            ]
            .into(),
        },
        Op::DropTable {
            table: t("roles"),
            definition: None,
        },
    ];
    let found: Vec<(Option<String>, Option<&str>, Option<String>)> = analyze(&up[..2], &up[2..])
        .into_iter()
        .filter(|f| f.kind == FindingKind::CannotApply)
        .map(|f| (f.object, f.field, f.help))
        .collect();
    assert_eq!(
        found,
        [
            (
                Some("rows[1].nmae".into()),
                Some("key"),
                Some("did you mean `name`?".into())
            ),
            (Some("rows[1].zzzzzz".into()), Some("key"), None),
        ]
    );
}

/// A column dropped with its definition takes its inline foreign key, unique
/// constraint and index with it (the database drops what covers the column),
/// and the derived downgrade's `add_column` brings them back: nothing is
/// left behind, in a migration that did not create them itself.
#[test]
fn drop_column_with_inline_constraints_is_undone_by_its_inverse() {
    let mut c = with!(
        col("user_id", ColumnType::Integer),
        unique = Some(s("uq_orders_user_id")),
        index = Some(s("ix_orders_user_id"))
    );
    c.foreign_key = Some(InlineForeignKey::new(
        s("fk_orders_user_id_users"),
        t("users"),
        s("id"),
        None,
        None,
    ));
    let up = vec![Op::DropColumn {
        table: t("orders"),
        column: s("user_id"),
        definition: Some(c),
    }];
    assert_clean(&up, &invert(&up).unwrap());
    // Written out the same way: clean too.
    let down = invert(&up).unwrap();
    assert_clean(&up, &down);
    // A downgrade that adds the column back without its foreign key does not
    // restore the constraint, and says so.
    let Op::AddColumn { table, column } = &down[0] else {
        panic!("{down:?}")
    };
    let mut bare = column.clone();
    bare.foreign_key = None;
    let f = one(
        &up,
        &[Op::AddColumn {
            table: table.clone(),
            column: bare,
        }],
    );
    assert!(f.message.contains("fk_orders_user_id_users"), "{f:#?}");
}

/// A column dropped by name only, and added back in a written downgrade with
/// its inline foreign key: the analysis cannot know the key existed, and
/// does not claim it did not.
#[test]
fn drop_column_by_name_then_added_back_with_a_foreign_key() {
    let mut c = col("user_id", ColumnType::Integer);
    c.foreign_key = Some(InlineForeignKey::new(
        s("fk_orders_user_id_users"),
        t("users"),
        s("id"),
        None,
        None,
    ));
    let up = vec![Op::DropColumn {
        table: t("orders"),
        column: s("user_id"),
        definition: None,
    }];
    let down = vec![Op::AddColumn {
        table: t("orders"),
        column: c,
    }];
    assert_clean(&up, &down);
}
