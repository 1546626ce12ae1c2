//! The lowering of every op, from `op!(...)` text to its model value, and the
//! op table's own consistency.

use super::ops::{self, OPS};
use crate::ctxt::Ctxt;
use crate::parse::OpInvocation;
use migrate_core::model::*;
use std::borrow::Cow;

fn s(x: &str) -> Str {
    Cow::Owned(x.to_string())
}

fn names(xs: &[&str]) -> List<Str> {
    xs.iter().map(|x| s(x)).collect::<Vec<_>>().into()
}

fn t(name: &str) -> TableRef {
    TableRef::new(None, s(name))
}

/// `Column(name, ty)` with every option at its default.
fn col(name: &str, ty: ColumnType, nullable: bool) -> Column {
    Column::new(
        s(name),
        ty,
        nullable,
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

fn pk(table: &str, columns: &[&str]) -> Constraint {
    Constraint::new(
        s(&format!("pk_{table}")),
        ConstraintKind::PrimaryKey {
            columns: names(columns),
        },
    )
}

fn users() -> Table {
    let mut id = col("id", ColumnType::Integer, false);
    id.primary_key = true;
    Table::new(
        t("users"),
        vec![id, col("name", ColumnType::String(Some(50)), true)].into(),
        vec![pk("users", &["id"])].into(),
        None,
    )
}

/// The arguments `users()` is written with.
macro_rules! users {
    () => {
        r#""users", Column("id", Integer, primary_key = true), Column("name", String(50))"#
    };
}

fn index(name: &str, columns: &[&str]) -> Index {
    Index::new(
        s(name),
        t("users"),
        columns
            .iter()
            .map(|c| IndexColumn::Column(s(c)))
            .collect::<Vec<_>>()
            .into(),
        false,
        None,
        None,
        None,
        false,
    )
}

fn fk(columns: &[&str], referent: &str, remote: &[&str]) -> ForeignKey {
    ForeignKey::new(
        names(columns),
        t(referent),
        names(remote),
        Some(ReferentialAction::Cascade),
        None,
        None,
        None,
    )
}

fn drop_constraint(table: &str, c: Constraint) -> Op {
    Op::DropConstraint {
        table: t(table),
        name: c.name.clone(),
        kind: c.kind.constraint_type(),
        definition: Some(c),
    }
}

fn enum_type(name: &str, values: &[&str]) -> EnumType {
    EnumType::new(None, s(name), names(values), true)
}

fn alter(column: &str) -> AlterColumn {
    AlterColumn::new(
        t("users"),
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

/// One case per op at least, each as written in a migration.
pub(crate) fn cases() -> Vec<(&'static str, Op)> {
    let email = col("email", ColumnType::Text, true);
    let unique = Constraint::new(
        s("uq_users_email"),
        ConstraintKind::Unique {
            columns: names(&["email"]),
        },
    );
    let check = Constraint::new(
        s("ck_users_age"),
        ConstraintKind::Check {
            condition: s("age >= 0"),
        },
    );
    let foreign = Constraint::new(
        s("fk_orders_user_id_users"),
        ConstraintKind::ForeignKey(fk(&["user_id"], "users", &["id"])),
    );
    let mut renamed = alter("name");
    renamed.new_name = Some(s("full_name"));
    let mut retyped = alter("name");
    retyped.ty = Some(ColumnType::Text);
    retyped.existing_type = Some(ColumnType::String(Some(50)));
    retyped.nullable = Some(false);
    retyped.server_default = Some(None);
    retyped.using = Some(s("name::text"));
    let mut partial = index("ix_users_email", &["email"]);
    partial.unique = true;
    partial.postgresql_where = Some(s("email IS NOT NULL"));
    partial.sqlite_where = Some(s("email <> ''"));
    let mut lower = index("ix_users_lower", &[]);
    lower.columns = vec![IndexColumn::Expression(s("lower(email)"))].into();
    let mut with_fk = col("user_id", ColumnType::Integer, false);
    with_fk.foreign_key = Some(InlineForeignKey::new(
        s("fk_orders_user_id_users"),
        t("users"),
        s("id"),
        Some(ReferentialAction::Cascade),
        None,
    ));
    with_fk.index = Some(s("ix_orders_user_id"));
    with_fk.server_default = Some(ServerDefault::Number(s("0")));
    let kind = enum_type("kind", &["a", "b"]);
    let mut kind_column = col("kind", ColumnType::Enum(kind.clone()), true);
    kind_column.comment = Some(s("what it is"));
    vec![
        (
            concat!("create_table(", users!(), ")"),
            Op::CreateTable(users()),
        ),
        (
            r#"create_table("orders", Column("id", BigInteger), Column("user_id", Integer, ForeignKey("users.id", ondelete = "cascade"), index = true, nullable = false, server_default = 0), PrimaryKeyConstraint("id"), comment = "orders")"#,
            Op::CreateTable(Table::new(
                t("orders"),
                vec![
                    {
                        let mut id = col("id", ColumnType::BigInteger, false);
                        id.primary_key = true;
                        id
                    },
                    with_fk,
                ]
                .into(),
                vec![pk("orders", &["id"])].into(),
                Some(s("orders")),
            )),
        ),
        (
            r#"drop_table("users")"#,
            Op::DropTable {
                table: t("users"),
                definition: None,
            },
        ),
        (
            concat!("drop_table(", users!(), ")"),
            Op::DropTable {
                table: t("users"),
                definition: Some(users()),
            },
        ),
        (
            concat!("drop_table(", users!(), r#", comment = "people")"#),
            Op::DropTable {
                table: t("users"),
                definition: Some({
                    let mut users = users();
                    users.comment = Some(s("people"));
                    users
                }),
            },
        ),
        (
            r#"rename_table("users", "people", schema = "app")"#,
            Op::RenameTable {
                schema: Some(s("app")),
                old: s("users"),
                new: s("people"),
            },
        ),
        (
            r#"add_column("users", Column("email", Text))"#,
            Op::AddColumn {
                table: t("users"),
                column: email.clone(),
            },
        ),
        (
            r#"add_column("users", Column("kind", Enum("a", "b", name = "kind"), comment = "what it is"))"#,
            Op::AddColumn {
                table: t("users"),
                column: kind_column,
            },
        ),
        (
            r#"drop_column("users", "email")"#,
            Op::DropColumn {
                table: t("users"),
                column: s("email"),
                definition: None,
            },
        ),
        (
            r#"drop_column("users", Column("email", Text))"#,
            Op::DropColumn {
                table: t("users"),
                column: s("email"),
                definition: Some(email),
            },
        ),
        (
            r#"alter_column("users", "name", new_column_name = "full_name")"#,
            Op::AlterColumn(renamed),
        ),
        (
            r#"alter_column("users", "name", type_ = Text, existing_type = String(50), nullable = false, server_default = None, postgresql_using = "name::text")"#,
            Op::AlterColumn(retyped),
        ),
        (
            r#"create_index("ix_users_email", "users", ["email"], unique = true, postgresql_where = "email IS NOT NULL", sqlite_where = "email <> ''")"#,
            Op::CreateIndex(partial),
        ),
        (
            r#"create_index(None, "users", ["name", "id"])"#,
            Op::CreateIndex(index("ix_users_name_id", &["name", "id"])),
        ),
        (
            r#"create_index("ix_users_lower", "users", [text("lower(email)")])"#,
            Op::CreateIndex(lower),
        ),
        (
            r#"drop_index("ix_users_name", table_name = "users")"#,
            Op::DropIndex {
                table: t("users"),
                name: s("ix_users_name"),
                definition: None,
            },
        ),
        (
            r#"drop_index(f("ix_users_name"), "users", ["name"])"#,
            Op::DropIndex {
                table: t("users"),
                name: s("ix_users_name"),
                definition: Some(index("ix_users_name", &["name"])),
            },
        ),
        (
            r#"create_unique_constraint(None, "users", ["email"])"#,
            Op::AddConstraint {
                table: t("users"),
                constraint: unique.clone(),
            },
        ),
        (
            r#"create_check_constraint("ck_users_age", "users", "age >= 0")"#,
            Op::AddConstraint {
                table: t("users"),
                constraint: check.clone(),
            },
        ),
        (
            r#"create_foreign_key(None, "orders", "users", ["user_id"], ["id"], ondelete = "CASCADE")"#,
            Op::AddConstraint {
                table: t("orders"),
                constraint: foreign.clone(),
            },
        ),
        (
            r#"create_primary_key(None, "users", ["id"])"#,
            Op::AddConstraint {
                table: t("users"),
                constraint: pk("users", &["id"]),
            },
        ),
        (
            r#"drop_constraint("uq_users_email", "users", type_ = "unique")"#,
            Op::DropConstraint {
                table: t("users"),
                name: s("uq_users_email"),
                kind: ConstraintType::Unique,
                definition: None,
            },
        ),
        (
            r#"drop_unique_constraint("uq_users_email", "users", ["email"])"#,
            drop_constraint("users", unique),
        ),
        (
            r#"drop_check_constraint("ck_users_age", "users", text("age >= 0"))"#,
            drop_constraint("users", check),
        ),
        (
            r#"drop_foreign_key("fk_orders_user_id_users", "orders", "users", ["user_id"], ["id"], ondelete = "cascade")"#,
            drop_constraint("orders", foreign),
        ),
        (
            r#"drop_primary_key("pk_users", "users", ["id"])"#,
            drop_constraint("users", pk("users", &["id"])),
        ),
        (
            r#"create_enum("kind", ["a", "b"])"#,
            Op::CreateEnum(kind.clone()),
        ),
        (
            r#"drop_enum("kind")"#,
            Op::DropEnum {
                schema: None,
                name: s("kind"),
                definition: None,
            },
        ),
        (
            r#"drop_enum("kind", ["a", "b"])"#,
            Op::DropEnum {
                schema: None,
                name: s("kind"),
                definition: Some(kind),
            },
        ),
        (
            r#"add_enum_value("kind", "c", after = "b")"#,
            Op::AddEnumValue {
                schema: None,
                name: s("kind"),
                value: s("c"),
                placement: Some(EnumPlacement::After(s("b"))),
            },
        ),
        (
            r#"create_table_comment("users", "people", existing_comment = None)"#,
            Op::SetTableComment {
                table: t("users"),
                comment: Some(s("people")),
                existing: Some(None),
            },
        ),
        (
            r#"drop_table_comment("users")"#,
            Op::SetTableComment {
                table: t("users"),
                comment: None,
                existing: None,
            },
        ),
        (
            r#"bulk_insert("users", [{"id": 1, "name": "admin", "active": true, "note": None}])"#,
            Op::BulkInsert {
                table: t("users"),
                rows: vec![Row::new(
                    vec![
                        (s("id"), Value::Number(s("1"))),
                        (s("name"), Value::Text(s("admin"))),
                        (s("active"), Value::Bool(true)),
                        (s("note"), Value::Null),
                    ]
                    .into(),
                )]
                .into(),
            },
        ),
        (
            r#"execute("SELECT 1")"#,
            Op::Execute(Sql::new(Some(s("SELECT 1")), None, None, None)),
        ),
        (
            r#"execute(postgresql = text("SELECT 2"), sqlite = "SELECT 3")"#,
            Op::Execute(Sql::new(
                None,
                Some(s("SELECT 2")),
                Some(s("SELECT 3")),
                None,
            )),
        ),
        (
            r#"run(backfill)"#,
            Op::Run {
                function: s("backfill"),
            },
        ),
    ]
}

/// Lowers `op!(...)`'s inside; the errors as one message each.
fn lower(src: &str) -> (Option<Op>, Vec<String>) {
    let inv: OpInvocation = syn::parse_str(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    let cx = Ctxt::new();
    let (mut spans, mut function) = (Vec::new(), None);
    let op = ops::lower(&cx, &inv, &mut spans, &mut function);
    let errors = match cx.check() {
        Ok(()) => Vec::new(),
        Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
    };
    (op, errors)
}

#[test]
fn every_op_lowers_to_its_model_value() {
    for (src, expected) in cases() {
        let (op, errors) = lower(src);
        assert_eq!(errors, Vec::<String>::new(), "{src}");
        assert_eq!(op.as_ref(), Some(&expected), "{src}");
    }
}

#[test]
fn every_op_of_the_table_has_a_case_and_lowers_to_its_variant() {
    let cases = cases();
    for spec in OPS {
        let lowered: Vec<Op> = cases
            .iter()
            .filter(|(src, _)| src.split('(').next() == Some(spec.name))
            .map(|(_, op)| op.clone())
            .collect();
        assert!(!lowered.is_empty(), "`{}` has no lowering case", spec.name);
        let variant = spec.lowers_to.trim_start_matches("Op::");
        for op in lowered {
            // `Op::name`, which messages use, agrees with the table.
            let named = if spec.lowers_to == "Op::DropConstraint" {
                "drop_constraint"
            } else {
                spec.name
            };
            assert_eq!(op.name(), named, "{op:?}");
            let debug = format!("{op:?}");
            assert!(
                debug.starts_with(variant)
                    && !debug[variant.len()..].starts_with(char::is_alphabetic),
                "`{}` lowers to {debug}, not `{}`",
                spec.name,
                spec.lowers_to
            );
        }
    }
}

#[test]
fn names_are_unique_and_every_parameter_once() {
    for (i, spec) in OPS.iter().enumerate() {
        assert!(
            OPS[..i].iter().all(|o| o.name != spec.name),
            "`{}` twice",
            spec.name
        );
        let mut params: Vec<&str> = spec
            .sig
            .positional
            .iter()
            .chain(spec.sig.keywords)
            .chain(&spec.sig.rest)
            .map(|p| p.name)
            .collect();
        params.sort();
        let n = params.len();
        params.dedup();
        assert_eq!(params.len(), n, "`{}` names a parameter twice", spec.name);
        assert!(spec.sig.required <= spec.sig.positional.len());
    }
}

#[test]
fn arguments_are_checked_against_the_table() {
    let cases: &[(&str, &str)] = &[
        (
            r#"create_tabel("users")"#,
            "unknown operation `create_tabel`\nhelp: did you mean `create_table`?",
        ),
        (
            r#"add_column("users", Column("a", Text), nullable = true)"#,
            "`add_column` has no argument `nullable`\nhelp: expected one of `table_name`, `column`, `schema`",
        ),
        (
            r#"rename_table("a", "b", "c")"#,
            "`rename_table` takes 2 positional arguments (old_table_name, new_table_name), this is one too many",
        ),
        (
            r#"create_index("ix", "users")"#,
            "`create_index` needs `columns`\nhelp: `create_index(index_name, table_name, columns)`",
        ),
        (
            r#"drop_table(schema = "s", "users")"#,
            "positional argument after a keyword argument",
        ),
        (
            r#"drop_table("users", comment = "people")"#,
            "`comment` describes the table: give its columns too, as to `create_table`",
        ),
        (
            r#"execute("a", sqltext = "b")"#,
            "`sqltext` is given twice",
        ),
        (
            r#"run(a, b)"#,
            "`run` takes one function: `run(my_function)`",
        ),
    ];
    for (src, message) in cases {
        let (op, errors) = lower(src);
        assert!(op.is_none(), "{src}");
        assert_eq!(errors, vec![message.to_string()], "{src}");
    }
    let (_, errors) = lower("frobnicate()");
    assert!(
        errors[0].starts_with(
            "unknown operation `frobnicate`\nhelp: expected one of `create_table`, `drop_table`,"
        ),
        "{errors:?}"
    );
}

#[test]
fn docs_name_every_argument() {
    let spec = ops::spec("create_index").unwrap();
    let doc = spec.doc_text();
    assert!(doc.starts_with(spec.doc), "{doc}");
    for p in spec.sig.positional.iter().chain(spec.sig.keywords) {
        assert!(doc.contains(&format!("`{}`: ", p.name)), "{doc}");
    }
    assert!(doc.contains("`columns`: a list of column names and `text(\"expression\")`s"));
    assert!(doc.ends_with("Lowers to `Op::CreateIndex`."), "{doc}");
}

/// The README's table of the DSL is prose, grouped for Alembic users; it
/// must still name every op.
#[test]
fn the_readme_names_every_op() {
    let readme = include_str!("../../../README.md");
    let start = readme.find("## The DSL").expect("README has a DSL section");
    let section = &readme[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    for spec in OPS {
        let named = section.match_indices(spec.name).any(|(i, _)| {
            let before = section[..i].chars().next_back();
            let after = section[i + spec.name.len()..].chars().next();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
                && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
        });
        assert!(
            named,
            "the README's DSL section does not name `{}`",
            spec.name
        );
    }
}

/// `migrate_runtime::dsl` holds one documented item per op of the table.
#[test]
fn the_dsl_docs_are_the_table() {
    let file: syn::File = syn::parse2(crate::expand::dsl_docs(Default::default())).unwrap();
    let items: Vec<(String, bool)> = file
        .items
        .iter()
        .map(|i| match i {
            syn::Item::Fn(f) => (
                f.sig.ident.to_string(),
                f.attrs.iter().any(|a| a.path().is_ident("doc")),
            ),
            other => panic!("{}", quote::quote!(#other)),
        })
        .collect();
    let expected: Vec<(String, bool)> = OPS.iter().map(|o| (o.name.to_string(), true)).collect();
    assert_eq!(items, expected);
}
