//! `migrate_core::source` against the real lowering: every op of the
//! fixtures, the seeds and the lowering cases, plus edge cases, written back
//! as DSL text and lowered again give the same op; and rustfmt leaves the
//! written text as it is.

use super::ops;
use super::tests::cases;
use crate::ctxt::Ctxt;
use crate::parse::OpInvocation;
use migrate_core::effect::Lint;
use migrate_core::model::*;
use migrate_core::source::{op_statement, upgrade_body, Item};
use proc_macro2::{TokenStream, TokenTree};
use std::borrow::Cow;
use std::path::Path;

fn s(x: &str) -> Str {
    Cow::Owned(x.to_string())
}

/// The inside of every `op!(...)` in `tokens`, recursively.
fn op_invocations(tokens: TokenStream, out: &mut Vec<TokenStream>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        if let TokenTree::Group(g) = tree {
            let is_op = i >= 2
                && matches!(&trees[i - 2], TokenTree::Ident(id) if id == "op")
                && matches!(&trees[i - 1], TokenTree::Punct(p) if p.as_char() == '!');
            if is_op {
                out.push(g.stream());
            } else {
                op_invocations(g.stream(), out);
            }
        }
    }
}

/// Lowers `op!(...)`'s inside: the op and its `allow(...)` lints.
fn lower(src: &str) -> (Op, Vec<String>) {
    let inv: OpInvocation = syn::parse_str(src).unwrap_or_else(|e| panic!("{src}: {e}"));
    let cx = Ctxt::new();
    let (mut spans, mut function) = (Vec::new(), None);
    let op = ops::lower(&cx, &inv, &mut spans, &mut function);
    if let Err(e) = cx.check() {
        let errors: Vec<String> = e.into_iter().map(|e| e.to_string()).collect();
        panic!("{src}: {errors:?}");
    }
    let allow = inv.allow.iter().map(|i| i.to_string()).collect();
    (op.unwrap_or_else(|| panic!("{src}: no op")), allow)
}

fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The ops of the every-op fixture and of the seeds' migrations.
fn fixture_ops() -> Vec<Op> {
    let mut files = vec![repo().join("tests/fixtures/every_op/src/lib.rs")];
    let seeds = repo().join("tests/src/seeds");
    let mut seed_files: Vec<_> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    seed_files.sort();
    files.extend(seed_files);
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let tokens: TokenStream = text.parse().unwrap();
        let mut found = Vec::new();
        op_invocations(tokens, &mut found);
        for inv in found {
            out.push(lower(&inv.to_string()).0);
        }
    }
    out
}

fn t(schema: Option<&str>, name: &str) -> TableRef {
    TableRef::new(schema.map(s), s(name))
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

fn fk(cols: &[&str], referent: TableRef, remote: &[&str]) -> ForeignKey {
    ForeignKey::new(
        cols.iter().map(|c| s(c)).collect::<Vec<_>>().into(),
        referent,
        remote.iter().map(|c| s(c)).collect::<Vec<_>>().into(),
        None,
        None,
        None,
        None,
    )
}

/// What the fixtures do not reach: awkward strings, schemas, every default,
/// every action, long lists.
fn edge_cases() -> Vec<Op> {
    let odd = "it's \"quoted\" \\ back\nnew\tline Żółć 😀 \u{7f}";
    let sales = t(Some("sales"), "order \"lines\"");
    let status = EnumType::new(
        Some(s("sales")),
        s("status"),
        vec![s("new"), s("it's"), s("a\"b"), s("Żółć")].into(),
        true,
    );
    let elsewhere = EnumType::new(Some(s("other")), s("mood"), vec![s("x")].into(), false);
    let mut id = col("id", ColumnType::BigInteger);
    id.nullable = false;
    id.primary_key = true;
    id.autoincrement = Some(false);
    let mut owner = col("owner id", ColumnType::Integer);
    owner.foreign_key = Some(InlineForeignKey::new(
        s("fk_custom"),
        t(Some("public"), "users"),
        s("id"),
        Some(ReferentialAction::SetNull),
        Some(ReferentialAction::NoAction),
    ));
    owner.index = Some(s("ix_order \"lines\"_owner id"));
    owner.unique = Some(s("uq_order \"lines\"_owner id"));
    owner.comment = Some(s(odd));
    let defaults: Vec<Column> = [
        ServerDefault::Literal(s(odd)),
        ServerDefault::Number(s("-1.5")),
        ServerDefault::Boolean(true),
        ServerDefault::Boolean(false),
        ServerDefault::Sql(s("lower('X')")),
        ServerDefault::Now,
        ServerDefault::Uuid,
    ]
    .into_iter()
    .enumerate()
    .map(|(i, d)| {
        let mut c = col(&format!("d{i}"), ColumnType::Text);
        c.server_default = Some(d);
        c.nullable = i % 2 == 0;
        c
    })
    .collect();
    let types = [
        ColumnType::SmallInteger,
        ColumnType::String(None),
        ColumnType::String(Some(7)),
        ColumnType::Numeric {
            precision: None,
            scale: None,
        },
        ColumnType::Numeric {
            precision: Some(5),
            scale: None,
        },
        ColumnType::Numeric {
            precision: Some(5),
            scale: Some(5),
        },
        ColumnType::DateTime { timezone: false },
        ColumnType::DateTime { timezone: true },
        ColumnType::Uuid,
        ColumnType::Jsonb,
        ColumnType::Enum(status.clone()),
        ColumnType::Enum(elsewhere.clone()),
    ];
    let mut columns = vec![id, owner];
    columns.extend(defaults);
    columns.extend(
        types
            .iter()
            .enumerate()
            .map(|(i, ty)| col(&format!("t{i}"), ty.clone())),
    );
    let actions = ReferentialAction::ALL.map(|(a, _)| a);
    let mut constraints = vec![Constraint::new(
        s("pk_order \"lines\""),
        ConstraintKind::PrimaryKey {
            columns: vec![s("id")].into(),
        },
    )];
    for (i, a) in actions.iter().enumerate() {
        let mut f = fk(&["t1"], t(Some("sales"), "other"), &["code"]);
        f.on_delete = Some(*a);
        f.on_update = Some(actions[(i + 1) % actions.len()]);
        f.deferrable = Some(i % 2 == 0);
        f.initially_deferred = Some(i % 3 == 0);
        constraints.push(Constraint::new(
            s(&format!("fk_{i}")),
            ConstraintKind::ForeignKey(f),
        ));
    }
    constraints.push(Constraint::new(
        s("fk_order \"lines\"_t1_t2_pairs"),
        ConstraintKind::ForeignKey(fk(&["t1", "t2"], t(Some("sales"), "pairs"), &["a", "b"])),
    ));
    constraints.push(Constraint::new(
        s("uq_order \"lines\"_d0_d1"),
        ConstraintKind::Unique {
            columns: vec![s("d0"), s("d1")].into(),
        },
    ));
    constraints.push(Constraint::new(
        s("uq_named"),
        ConstraintKind::Unique {
            columns: vec![s("d2")].into(),
        },
    ));
    constraints.push(Constraint::new(
        s("ck_odd"),
        ConstraintKind::Check {
            condition: s("d0 <> 'it''s \\ \"x\"'"),
        },
    ));
    let table = Table::new(
        sales.clone(),
        columns.into(),
        constraints.into(),
        Some(s(odd)),
    );
    let mut composite = table.clone();
    composite.table = t(None, "pairs");
    composite.comment = None;
    let mut a = col("a", ColumnType::Integer);
    a.nullable = false;
    a.primary_key = true;
    let mut b = a.clone();
    b.name = s("b");
    composite.columns = vec![b, a].into();
    composite.constraints = vec![Constraint::new(
        s("pairs_pkey"),
        ConstraintKind::PrimaryKey {
            columns: vec![s("a"), s("b")].into(),
        },
    )]
    .into();
    let index = Index::new(
        s("ix_expr"),
        sales.clone(),
        vec![
            IndexColumn::Column(s("owner id")),
            IndexColumn::Expression(s("lower(\"d0\")")),
        ]
        .into(),
        true,
        Some(s("d1 IS NOT NULL AND d0 <> 'x'")),
        Some(s("d1 IS NOT NULL")),
        Some(s("btree")),
        false,
    );
    let mut concurrent = index.clone();
    concurrent.concurrently = true;
    concurrent.table = t(None, "plain");
    let alter = AlterColumn::new(
        sales.clone(),
        s("t10"),
        Some(s("renamed")),
        Some(ColumnType::Enum(status.clone())),
        Some(false),
        Some(Some(ServerDefault::Sql(s("'new'::status")))),
        Some(None),
        Some(ColumnType::Text),
        Some(true),
        Some(None),
        Some(Some(s(odd))),
        Some(s("t10::status")),
    );
    let mut alter2 = alter.clone();
    alter2.table = t(None, "plain");
    alter2.new_name = None;
    alter2.ty = None;
    alter2.using = None;
    alter2.existing_type = Some(ColumnType::Enum(elsewhere.clone()));
    alter2.server_default = Some(None);
    alter2.existing_server_default = Some(Some(ServerDefault::Now));
    alter2.comment = Some(Some(s("c")));
    alter2.existing_comment = Some(None);
    let long_values: Vec<Str> = (0..40).map(|i| s(&format!("v{i}"))).collect();
    let mut add = col("note", ColumnType::Text);
    add.nullable = false;
    add.server_default = Some(ServerDefault::Literal(s("")));
    vec![
        Op::CreateTable(table.clone()),
        Op::CreateTable(composite.clone()),
        Op::DropTable {
            table: t(None, "pairs"),
            definition: Some(composite),
        },
        Op::DropTable {
            table: sales.clone(),
            definition: None,
        },
        Op::DropTable {
            table: sales.clone(),
            definition: Some(table.clone()),
        },
        Op::RenameTable {
            schema: Some(s("sales")),
            old: s("a\"b"),
            new: s("c'd"),
        },
        Op::AddColumn {
            table: sales.clone(),
            column: add.clone(),
        },
        Op::DropColumn {
            table: sales.clone(),
            column: s("note"),
            definition: Some(add),
        },
        Op::DropColumn {
            table: sales.clone(),
            column: s("note"),
            definition: None,
        },
        Op::AlterColumn(alter),
        Op::AlterColumn(alter2),
        Op::CreateIndex(index.clone()),
        Op::CreateIndex(concurrent.clone()),
        Op::DropIndex {
            table: sales.clone(),
            name: s("ix_expr"),
            definition: Some(index),
        },
        Op::DropIndex {
            table: t(None, "plain"),
            name: s("ix_expr"),
            definition: Some(concurrent),
        },
        Op::DropIndex {
            table: sales.clone(),
            name: s("ix_expr"),
            definition: None,
        },
        Op::DropConstraint {
            table: sales.clone(),
            name: s("x"),
            kind: ConstraintType::Check,
            definition: None,
        },
        Op::CreateEnum(EnumType::new(
            None,
            s("many"),
            long_values.clone().into(),
            true,
        )),
        Op::CreateEnum(status.clone()),
        Op::DropEnum {
            schema: Some(s("sales")),
            name: s("status"),
            definition: Some(status),
        },
        Op::DropEnum {
            schema: None,
            name: s("many"),
            definition: Some(EnumType::new(None, s("many"), long_values.into(), true)),
        },
        Op::DropEnum {
            schema: None,
            name: s("many"),
            definition: None,
        },
        Op::AddEnumValue {
            schema: Some(s("sales")),
            name: s("status"),
            value: s("it's"),
            placement: Some(EnumPlacement::Before(s("a\"b"))),
        },
        Op::AddEnumValue {
            schema: None,
            name: s("status"),
            value: s("z"),
            placement: None,
        },
        Op::SetTableComment {
            table: sales.clone(),
            comment: Some(s(odd)),
            existing: Some(Some(s("old"))),
        },
        Op::SetTableComment {
            table: sales.clone(),
            comment: None,
            existing: Some(None),
        },
        Op::SetTableComment {
            table: t(None, "plain"),
            comment: None,
            existing: None,
        },
        Op::BulkInsert {
            table: sales.clone(),
            rows: vec![
                Row::new(
                    vec![
                        (s("id"), Value::Number(s("1"))),
                        (s("a \"b\""), Value::Text(s(odd))),
                        (s("c"), Value::Null),
                        (s("d"), Value::Bool(false)),
                    ]
                    .into(),
                ),
                Row::new(vec![(s("id"), Value::Number(s("19.99")))].into()),
            ]
            .into(),
        },
        Op::Execute(Sql::new(Some(s(odd)), None, None, None)),
        Op::Execute(Sql::new(
            Some(s("SELECT 1")),
            Some(s("SELECT 2")),
            Some(s("SELECT 3")),
            Some(s("SELECT 4")),
        )),
        Op::Execute(Sql::new(None, None, Some(s("SELECT 3")), None)),
        Op::Run {
            function: s("backfill"),
        },
    ]
    .into_iter()
    .chain(constraint_ops(sales))
    .chain(long_ops())
    .collect()
}

/// Texts longer than a line, and lists of short items that rustfmt packs.
fn long_ops() -> Vec<Op> {
    let long = "SELECT 'a long text', ".repeat(8);
    let names: Vec<String> = (0..25).map(|i| format!("c{i}")).collect();
    let mut columns: Vec<Column> = names
        .iter()
        .map(|n| {
            let mut c = col(n, ColumnType::Integer);
            c.nullable = false;
            c.primary_key = true;
            c
        })
        .collect();
    columns[0].comment = Some(s("the first of many"));
    let key: Vec<Str> = names.iter().rev().map(|n| s(n)).collect();
    let wide = Table::new(
        t(None, "wide"),
        columns.into(),
        vec![Constraint::new(
            s("pk_wide"),
            ConstraintKind::PrimaryKey {
                columns: key.into(),
            },
        )]
        .into(),
        None,
    );
    let mut commented = wide.clone();
    commented.table = t(None, "commented");
    commented.columns = wide.columns[..1].to_vec().into();
    commented.constraints = Vec::new().into();
    commented.columns.to_mut()[0].primary_key = false;
    commented.comment = Some(s(&long));
    vec![
        Op::CreateTable(wide),
        Op::CreateTable(commented),
        Op::Execute(Sql::new(Some(s(&long)), None, Some(s(&long)), None)),
        Op::AddConstraint {
            table: t(None, "wide"),
            constraint: Constraint::new(
                s("ck_long"),
                ConstraintKind::Check {
                    condition: s(&long),
                },
            ),
        },
        Op::DropIndex {
            table: t(None, "a_table_name_that_is_rather_long_too"),
            name: s("ix_a_table_name_that_is_rather_long_too_and_more_columns"),
            definition: None,
        },
    ]
}

/// Every `create_*` constraint op and its invertible `drop_*`.
fn constraint_ops(table: TableRef) -> Vec<Op> {
    let mut f = fk(&["a", "b"], t(Some("other"), "target"), &["x", "y"]);
    f.on_delete = Some(ReferentialAction::Cascade);
    f.on_update = Some(ReferentialAction::SetDefault);
    f.deferrable = Some(true);
    f.initially_deferred = Some(false);
    let kinds = [
        ConstraintKind::PrimaryKey {
            columns: vec![s("a")].into(),
        },
        ConstraintKind::Unique {
            columns: vec![s("a"), s("b")].into(),
        },
        ConstraintKind::Check {
            condition: s("a > 'x''s'"),
        },
        ConstraintKind::ForeignKey(f),
        ConstraintKind::ForeignKey(fk(&["a"], t(None, "target"), &["x"])),
    ];
    let mut out = Vec::new();
    for (i, kind) in kinds.into_iter().enumerate() {
        let c = Constraint::new(s(&format!("c{i}")), kind);
        for table in [table.clone(), t(None, "plain")] {
            out.push(Op::AddConstraint {
                table: table.clone(),
                constraint: c.clone(),
            });
            out.push(Op::DropConstraint {
                table,
                name: c.name.clone(),
                kind: c.kind.constraint_type(),
                definition: Some(c.clone()),
            });
        }
    }
    out
}

fn corpus() -> Vec<Op> {
    let mut ops = fixture_ops();
    ops.extend(cases().into_iter().map(|(_, op)| op));
    ops.extend(edge_cases());
    ops
}

/// The inside of `op!(...);`.
fn inside(statement: &str) -> &str {
    statement
        .trim()
        .strip_prefix("op!(")
        .and_then(|s| s.strip_suffix(");"))
        .unwrap_or_else(|| panic!("not an `op!(...);`: {statement}"))
}

#[test]
fn written_ops_lower_to_themselves() {
    let corpus = corpus();
    assert!(corpus.len() > 150, "{} ops", corpus.len());
    for op in &corpus {
        for destructive in [false, true] {
            let text = op_statement(op, destructive, 8).unwrap_or_else(|e| panic!("{op:?}: {e}"));
            let (again, allow) = lower(inside(&text));
            assert_eq!(&again, op, "\n{text}");
            let expected: Vec<String> = if destructive {
                vec!["destructive".into()]
            } else {
                Vec::new()
            };
            assert_eq!(allow, expected, "\n{text}");
        }
    }
}

#[test]
fn every_op_of_the_table_is_in_the_corpus() {
    let written: Vec<String> = corpus()
        .iter()
        .map(|op| {
            let text = op_statement(op, false, 0).unwrap();
            inside(&text).split('(').next().unwrap().to_string()
        })
        .collect();
    for spec in ops::OPS {
        assert!(
            written.iter().any(|w| w == spec.name),
            "`{}` is never written",
            spec.name
        );
    }
}

#[test]
fn what_the_dsl_cannot_say_is_an_error() {
    let mut c = col("email", ColumnType::Text);
    c.unique = Some(s("email_key"));
    let op = Op::AddColumn {
        table: t(None, "users"),
        column: c,
    };
    let e = op_statement(&op, false, 8).unwrap_err();
    assert_eq!(
        e.to_string(),
        "`add_column` cannot be written as `op!(...)`: the inline unique constraint `email_key` of column `email` is not named by the convention"
    );
}

/// The corpus as one migration file: as written, or with every statement
/// squeezed onto one line (`flat`).
fn corpus_file(ops: Vec<Op>, flat: bool) -> String {
    let items: Vec<Item> = ops
        .into_iter()
        .enumerate()
        .flat_map(|(i, op)| {
            let mut items = Vec::new();
            if i % 7 == 0 {
                items.push(Item::Review(format!(
                    "op {i}: look at it\nsecond line\n\nthird"
                )));
            }
            if i % 5 == 0 {
                items.push(Item::Note("a note".into()));
            }
            items.push(Item::Op {
                op,
                allow: if i % 3 == 0 {
                    vec![Lint::Destructive]
                } else {
                    vec![]
                },
            });
            items
        })
        .collect();
    let mut body = upgrade_body(&items, 8).unwrap();
    if flat {
        body = squeeze(&body);
    }
    format!("#[migration(revision = \"a1\", down_revision = None)]\nmod corpus {{\n    fn upgrade() {{\n{body}    }}\n}}\n")
}

/// Each statement of `body` on one line: the breaks rustfmt would put back.
fn squeeze(body: &str) -> String {
    let mut out = String::new();
    let mut statement = String::new();
    for line in body.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("//") {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let opens = statement.ends_with('(') || statement.ends_with('[');
        let closes = trimmed.starts_with(')') || trimmed.starts_with(']');
        if !statement.is_empty() && !opens && !closes {
            statement.push(' ');
        }
        statement.push_str(trimmed);
        if trimmed.ends_with(';') {
            out.push_str(&format!("        {statement}\n"));
            statement.clear();
        }
    }
    out
}

fn rustfmt(text: &str) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout"])
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rustfmt runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn assert_same(written: &str, formatted: &str, what: &str) {
    if formatted != written {
        let dir = std::env::temp_dir();
        std::fs::write(dir.join("written-ops.rs"), written).unwrap();
        std::fs::write(dir.join("written-ops.rustfmt.rs"), formatted).unwrap();
        panic!(
            "{what}: the written ops differ from rustfmt's layout (both in {})",
            dir.display()
        );
    }
}

#[test]
fn rustfmt_leaves_written_ops_as_they_are() {
    let text = corpus_file(corpus(), false);
    assert_same(&text, &rustfmt(&text), "rustfmt over the written file");
}

/// Stronger than leaving them alone: from one line each, rustfmt lays the
/// ops out exactly as written, so every break is one rustfmt makes.
#[test]
fn rustfmt_lays_out_one_line_ops_as_written() {
    // rustfmt leaves alone what it cannot parse (`{"column": value}` rows)
    // and what cannot fit (a text longer than a line).
    let fits = |op: &Op| {
        [false, true].iter().all(|d| {
            let text = format!("        {}", op_statement(op, *d, 8).unwrap());
            text.lines().all(|l| l.chars().count() <= 100)
        })
    };
    let ops: Vec<Op> = corpus()
        .into_iter()
        .filter(|op| !matches!(op, Op::BulkInsert { .. }) && fits(op))
        .collect();
    let flat = corpus_file(ops.clone(), true);
    let written = corpus_file(ops, false);
    assert!(flat.lines().count() < written.lines().count() / 2);
    assert_same(&written, &rustfmt(&flat), "rustfmt over one-line ops");
}
