//! Columns, table-level constraints and whole table definitions, as
//! `create_table`, `add_column` and the invertible drops give them.

use super::bind::{bind, Bound, Kind, Param, Sig};
use super::types::column_type;
use super::values::*;
use crate::ctxt::Ctxt;
use crate::parse::Value;
use migrate_core::model::*;
use migrate_core::naming;
use proc_macro2::Span;
use std::borrow::Cow;

/// The span key of an unnamed check until it is named.
const UNNAMED_CHECK: &str = "\0check ";

pub struct LoweredColumn {
    pub column: Column,
    pub spans: Vec<(String, Span)>,
}

const COLUMN_SIG: Sig = Sig {
    positional: &[
        Param {
            name: "name",
            kind: Kind::Name,
        },
        Param {
            name: "type_",
            kind: Kind::Type,
        },
    ],
    required: 2,
    rest: Some(Param {
        name: "constraints",
        kind: Kind::ForeignKey,
    }),
    keywords: &[
        Param {
            name: "primary_key",
            kind: Kind::Bool,
        },
        Param {
            name: "nullable",
            kind: Kind::Bool,
        },
        Param {
            name: "server_default",
            kind: Kind::Default,
        },
        Param {
            name: "autoincrement",
            kind: Kind::Bool,
        },
        Param {
            name: "identity",
            kind: Kind::Bool,
        },
        Param {
            name: "unique",
            kind: Kind::Bool,
        },
        Param {
            name: "index",
            kind: Kind::Bool,
        },
        Param {
            name: "comment",
            kind: Kind::Comment,
        },
    ],
};

pub fn column(cx: &Ctxt, v: &Value, table: &TableRef) -> Option<LoweredColumn> {
    let Value::Call {
        name,
        args: Some(args),
    } = v
    else {
        expected(cx, v, "`Column(\"name\", Type, ...)`");
        return None;
    };
    if name != "Column" && name != "column" {
        expected(cx, v, "`Column(\"name\", Type, ...)`");
        return None;
    }
    let b = bind(cx, "Column", name.span(), args, &COLUMN_SIG)?;
    let col_name = ident_string(cx, b.get("name")?)?;
    let ty_value = b.get("type_")?;
    let ty = column_type(cx, ty_value, &table.schema);
    let mut spans = vec![
        (col_name.clone(), v.span()),
        ("type".to_string(), ty_value.span()),
    ];
    let mut get_bool = |key: &'static str, default: bool| -> Option<bool> {
        match b.get(key) {
            Some(v) => {
                spans.push((key.to_string(), v.span()));
                boolean(cx, v)
            }
            None => Some(default),
        }
    };
    let primary_key = get_bool("primary_key", false)?;
    let nullable = get_bool("nullable", !primary_key)?;
    let unique = get_bool("unique", false)?;
    let index = get_bool("index", false)?;
    let autoincrement = match b.get("autoincrement") {
        Some(v) => Some(boolean(cx, v)?),
        None => None,
    };
    let identity = get_bool("identity", true)?;
    if primary_key && nullable {
        cx.error(
            b.get("nullable").map(Value::span).unwrap_or(name.span()),
            "a primary key column cannot be nullable",
            None,
        );
        return None;
    }
    let server_default = match b.get("server_default") {
        Some(Value::None(_)) => None,
        Some(v) => {
            spans.push(("server_default".into(), v.span()));
            spans.push((format!("{col_name}.server_default"), v.span()));
            Some(server_default(cx, v)?)
        }
        None => None,
    };
    let comment = match b.get("comment") {
        Some(v) => {
            spans.push(("comment".into(), v.span()));
            opt_comment(cx, v)?
        }
        None => None,
    };
    let mut foreign_key = None;
    for extra in &b.rest {
        match extra {
            Value::Call {
                name: fk,
                args: Some(fk_args),
            } if fk == "ForeignKey" => {
                let fb = bind(
                    cx,
                    "ForeignKey",
                    fk.span(),
                    fk_args,
                    &Sig {
                        positional: &[Param {
                            name: "column",
                            kind: Kind::Text,
                        }],
                        required: 1,
                        rest: None,
                        keywords: &[
                            Param {
                                name: "name",
                                kind: Kind::OptName,
                            },
                            Param {
                                name: "ondelete",
                                kind: Kind::Action,
                            },
                            Param {
                                name: "onupdate",
                                kind: Kind::Action,
                            },
                        ],
                    },
                )?;
                let target = string(cx, fb.get("column")?)?;
                let parts: Vec<&str> = target.split('.').collect();
                let (referent, referent_column) = match parts.as_slice() {
                    [t, c] if !t.is_empty() && !c.is_empty() => {
                        (TableRef::new(table.schema.clone(), s(*t)), s(*c))
                    }
                    [sc, t, c] if !sc.is_empty() && !t.is_empty() && !c.is_empty() => {
                        (TableRef::new(Some(s(*sc)), s(*t)), s(*c))
                    }
                    _ => {
                        cx.error(
                            fb.get("column")?.span(),
                            format!("`{target}` is not `table.column`"),
                            Some("e.g. `ForeignKey(\"users.id\")`"),
                        );
                        return None;
                    }
                };
                let fk_name = match fb.get("name") {
                    Some(v) => opt_name(cx, v)?,
                    None => None,
                }
                .unwrap_or_else(|| cx.foreign_key_name(table, &[&col_name], &referent.name));
                check_generated_name(cx, &fk_name, fk.span())?;
                let options = foreign_key_options(cx, &fb, &fk_name, &mut spans)?;
                if foreign_key.is_some() {
                    cx.error(
                        fk.span(),
                        "a column takes one inline `ForeignKey`",
                        Some("use `ForeignKeyConstraint` in `create_table` for more"),
                    );
                    return None;
                }
                foreign_key = Some(InlineForeignKey::new(
                    s(fk_name),
                    referent,
                    referent_column,
                    options.on_delete,
                    options.on_update,
                ));
            }
            other => {
                expected(cx, other, "`ForeignKey(\"table.column\")`");
                return None;
            }
        }
    }
    let unique = if unique {
        let n = cx.unique_name(table, &[&col_name]);
        check_generated_name(cx, &n, name.span())?;
        Some(s(n))
    } else {
        None
    };
    let index = if index {
        let n = cx.naming().index(&table.name, &[&col_name]);
        check_generated_name(cx, &n, name.span())?;
        Some(s(n))
    } else {
        None
    };
    let ty = ty?;
    let integer = matches!(
        ty,
        ColumnType::Integer | ColumnType::BigInteger | ColumnType::SmallInteger
    );
    if !identity && (!integer || autoincrement == Some(false)) {
        cx.error(
            b.get("identity").map(Value::span).unwrap_or(name.span()),
            "`identity = false` is for an auto-incrementing integer primary key",
            Some("it makes the key `SERIAL` instead of an identity column; leave it out here"),
        );
        return None;
    }
    if autoincrement == Some(true)
        && !matches!(
            ty,
            ColumnType::Integer | ColumnType::BigInteger | ColumnType::SmallInteger
        )
    {
        cx.error(
            b.get("autoincrement")
                .map(Value::span)
                .unwrap_or(name.span()),
            "only integer columns can autoincrement",
            None,
        );
        return None;
    }
    let column = Column::new(
        s(col_name.clone()),
        ty,
        nullable,
        primary_key,
        autoincrement,
        server_default,
        unique,
        index,
        foreign_key,
        comment,
        identity,
    );
    let spans = spans
        .into_iter()
        .flat_map(|(k, sp)| {
            if k == col_name {
                vec![(k, sp)]
            } else {
                vec![(format!("{col_name}.{k}"), sp), (k, sp)]
            }
        })
        .collect();
    Some(LoweredColumn { column, spans })
}

/// A table-level constraint inside `create_table` / `drop_table`.
pub fn table_constraint(
    cx: &Ctxt,
    v: &Value,
    table: &TableRef,
    spans: &mut Vec<(String, Span)>,
) -> Option<Constraint> {
    let Value::Call {
        name,
        args: Some(args),
    } = v
    else {
        expected(cx, v, "`Column(...)` or a constraint");
        return None;
    };
    let kind = name.to_string();
    let named = |b: &Bound, default: String| -> Option<String> {
        let n = match b.get("name") {
            Some(v) => opt_name(cx, v)?,
            None => None,
        }
        .unwrap_or(default);
        check_generated_name(cx, &n, name.span())?;
        Some(n)
    };
    let varargs_columns = |b: &Bound| -> Option<Vec<String>> {
        if b.rest.is_empty() {
            cx.error(
                name.span(),
                format!("`{kind}` needs at least one column"),
                None,
            );
            return None;
        }
        let mut out = Vec::new();
        for v in &b.rest {
            // Accept both `("a", "b")` and `(["a", "b"])`.
            match v {
                Value::List { .. } => out.extend(string_list(cx, v, "columns")?),
                other => out.push(ident_string(cx, other)?),
            }
        }
        Some(out)
    };
    match kind.as_str() {
        "PrimaryKeyConstraint" | "UniqueConstraint" => {
            let b = bind(
                cx,
                &kind,
                name.span(),
                args,
                &Sig {
                    positional: &[],
                    required: 0,
                    rest: Some(Param {
                        name: "columns",
                        kind: Kind::Name,
                    }),
                    keywords: &[Param {
                        name: "name",
                        kind: Kind::OptName,
                    }],
                },
            )?;
            let cols = varargs_columns(&b)?;
            let primary = kind == "PrimaryKeyConstraint";
            let default_name = if primary {
                cx.primary_key_name(table)
            } else {
                cx.unique_name(table, &cols)
            };
            let n = named(&b, default_name)?;
            spans.push((n.clone(), v.span()));
            let columns: List<Str> = cols.into_iter().map(s).collect::<Vec<_>>().into();
            Some(Constraint::new(
                s(n),
                if primary {
                    ConstraintKind::PrimaryKey { columns }
                } else {
                    ConstraintKind::Unique { columns }
                },
            ))
        }
        "CheckConstraint" => {
            let b = bind(
                cx,
                &kind,
                name.span(),
                args,
                &Sig {
                    positional: &[Param {
                        name: "sqltext",
                        kind: Kind::Sql,
                    }],
                    required: 1,
                    rest: None,
                    keywords: &[Param {
                        name: "name",
                        kind: Kind::Name,
                    }],
                },
            )?;
            let condition = sql(cx, b.get("sqltext")?)?;
            let given = b.get("name");
            if given.is_none() && cx.naming() == naming::Naming::Database {
                // Named with the table's columns known: `table_definition`.
                spans.push((format!("{UNNAMED_CHECK}{}", condition), v.span()));
                return Some(Constraint::new(
                    s(String::new()),
                    ConstraintKind::Check {
                        condition: s(condition),
                    },
                ));
            }
            let Some(n) = given else {
                cx.error(name.span(), "a table-level `CheckConstraint` needs a `name`", Some("e.g. `CheckConstraint(\"price > 0\", name = \"ck_products_price_positive\")`"));
                return None;
            };
            let n = ident_string(cx, n)?;
            spans.push((n.clone(), v.span()));
            spans.push((format!("{n}.condition"), b.get("sqltext")?.span()));
            Some(Constraint::new(
                s(n),
                ConstraintKind::Check {
                    condition: s(condition),
                },
            ))
        }
        "ForeignKeyConstraint" => {
            let b = bind(
                cx,
                &kind,
                name.span(),
                args,
                &Sig {
                    positional: &[
                        Param {
                            name: "columns",
                            kind: Kind::Names,
                        },
                        Param {
                            name: "refcolumns",
                            kind: Kind::Names,
                        },
                    ],
                    required: 2,
                    rest: None,
                    keywords: &[
                        Param {
                            name: "name",
                            kind: Kind::OptName,
                        },
                        Param {
                            name: "ondelete",
                            kind: Kind::Action,
                        },
                        Param {
                            name: "onupdate",
                            kind: Kind::Action,
                        },
                        Param {
                            name: "deferrable",
                            kind: Kind::Bool,
                        },
                        Param {
                            name: "initially",
                            kind: Kind::Initially,
                        },
                    ],
                },
            )?;
            let cols = string_list(cx, b.get("columns")?, "columns")?;
            let refs_value = b.get("refcolumns")?;
            let refs = string_list(cx, refs_value, "referenced columns")?;
            let mut referent: Option<TableRef> = None;
            let mut ref_cols = Vec::new();
            for r in &refs {
                let parts: Vec<&str> = r.split('.').collect();
                let (t, c) = match parts.as_slice() {
                    [t, c] => (TableRef::new(table.schema.clone(), s(*t)), *c),
                    [sc, t, c] => (TableRef::new(Some(s(*sc)), s(*t)), *c),
                    _ => {
                        cx.error(
                            refs_value.span(),
                            format!("`{r}` is not `table.column`"),
                            None,
                        );
                        return None;
                    }
                };
                if referent.as_ref().is_some_and(|x| *x != t) {
                    cx.error(
                        refs_value.span(),
                        "the referenced columns must all be in one table",
                        None,
                    );
                    return None;
                }
                referent = Some(t);
                ref_cols.push(s(c));
            }
            let referent = referent?;
            if cols.len() != ref_cols.len() {
                cx.error(
                    refs_value.span(),
                    format!(
                        "{} local column(s) but {} referenced",
                        cols.len(),
                        ref_cols.len()
                    ),
                    None,
                );
                return None;
            }
            let n = named(&b, cx.foreign_key_name(table, &cols, &referent.name))?;
            spans.push((n.clone(), v.span()));
            let mut fk = foreign_key_options(cx, &b, &n, spans)?;
            fk.columns = cols.into_iter().map(s).collect::<Vec<_>>().into();
            fk.referent = referent;
            fk.referent_columns = ref_cols.into();
            Some(Constraint::new(s(n), ConstraintKind::ForeignKey(fk)))
        }
        _ => {
            cx.error(
                name.span(),
                format!("`{kind}` cannot appear in a table definition"),
                Some("expected `Column`, `PrimaryKeyConstraint`, `ForeignKeyConstraint`, `UniqueConstraint` or `CheckConstraint`"),
            );
            None
        }
    }
}

/// `ondelete`, `onupdate`, `deferrable`, `initially`; the columns and the
/// referent left empty for the caller to set.
pub fn foreign_key_options(
    cx: &Ctxt,
    b: &Bound,
    object: &str,
    spans: &mut Vec<(String, Span)>,
) -> Option<ForeignKey> {
    let mut fk = ForeignKey::new(
        Cow::Borrowed(&[]),
        TableRef::new(None, Cow::Borrowed("")),
        Cow::Borrowed(&[]),
        None,
        None,
        None,
        None,
    );
    if let Some(v) = b.get("ondelete") {
        spans.push((format!("{object}.ondelete"), v.span()));
        spans.push(("ondelete".into(), v.span()));
        fk.on_delete = Some(action(cx, v)?);
    }
    if let Some(v) = b.get("onupdate") {
        spans.push((format!("{object}.onupdate"), v.span()));
        spans.push(("onupdate".into(), v.span()));
        fk.on_update = Some(action(cx, v)?);
    }
    if let Some(v) = b.get("deferrable") {
        spans.push(("deferrable".into(), v.span()));
        fk.deferrable = Some(boolean(cx, v)?);
    }
    if let Some(v) = b.get("initially") {
        spans.push(("initially".into(), v.span()));
        fk.initially_deferred = Some(initially(cx, v)?);
    }
    Some(fk)
}

/// `create_table(name, items...)` and the invertible `drop_table` form.
pub fn table_definition(
    cx: &Ctxt,
    table: TableRef,
    items: &[&Value],
    comment: Option<Str>,
    spans: &mut Vec<(String, Span)>,
    call: Span,
) -> Option<Table> {
    let mut columns: Vec<Column> = Vec::new();
    let mut constraints: Vec<Constraint> = Vec::new();
    let mut ok = true;
    for item in items {
        let is_column =
            matches!(item, Value::Call { name, .. } if name == "Column" || name == "column");
        if is_column {
            match column(cx, item, &table) {
                Some(c) => {
                    if columns.iter().any(|x| x.name == c.column.name) {
                        cx.error(
                            item.span(),
                            format!("column `{}` is defined twice", c.column.name),
                            None,
                        );
                        ok = false;
                    }
                    spans.extend(c.spans.into_iter().filter(|(k, _)| {
                        k.contains('.')
                            || ![
                                "type",
                                "nullable",
                                "server_default",
                                "comment",
                                "ondelete",
                                "onupdate",
                                "primary_key",
                            ]
                            .contains(&k.as_str())
                    }));
                    columns.push(c.column);
                }
                None => ok = false,
            }
        } else {
            match table_constraint(cx, item, &table, spans) {
                Some(c) => constraints.push(c),
                None => ok = false,
            }
        }
    }
    if !ok {
        return None;
    }
    if columns.is_empty() {
        cx.error(
            call,
            format!("table `{table}` needs at least one `Column`"),
            None,
        );
        return None;
    }
    // Lift `primary_key = true` into the one named primary key.
    let flagged: Vec<Str> = columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| c.name.clone())
        .collect();
    let explicit = constraints
        .iter()
        .filter(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. }))
        .count();
    if explicit > 1 {
        cx.error(
            call,
            "a table has one primary key; merge the `PrimaryKeyConstraint`s",
            None,
        );
        return None;
    }
    if explicit == 1 && !flagged.is_empty() {
        // SQLAlchemy accepts both when the constraint holds the flagged
        // columns (it then names the key).
        let pk_cols = constraints.iter().find_map(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns } => Some(columns),
            _ => None,
        })?;
        if let Some(stray) = flagged.iter().find(|f| !pk_cols.contains(f)) {
            cx.error(call, format!("column `{stray}` has `primary_key = true` but is not in the `PrimaryKeyConstraint`"), Some("add it to the constraint's columns, or keep one of the two forms"));
            return None;
        }
    }
    if explicit == 1 {
        let pk = constraints
            .iter()
            .position(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. }))?;
        let c = constraints.remove(pk);
        if let ConstraintKind::PrimaryKey { columns: pk_cols } = &c.kind {
            for col in columns.iter_mut() {
                if pk_cols.contains(&col.name) {
                    col.primary_key = true;
                    col.nullable = false;
                }
            }
        }
        constraints.insert(0, c);
    } else if !flagged.is_empty() {
        let n = cx.primary_key_name(&table);
        check_generated_name(cx, &n, call)?;
        constraints.insert(
            0,
            Constraint::new(
                s(n),
                ConstraintKind::PrimaryKey {
                    columns: flagged.into(),
                },
            ),
        );
    }
    // Unnamed checks (naming = "database") get PostgreSQL's names, in its
    // order: before the keys, each clear of the ones before.
    let column_names: Vec<&str> = columns.iter().map(|c| &*c.name).collect();
    let elsewhere = if constraints.iter().any(|c| c.name.is_empty()) {
        cx.taken_constraint_names(&table)
    } else {
        Vec::new()
    };
    for i in 0..constraints.len() {
        if !constraints[i].name.is_empty() {
            continue;
        }
        let ConstraintKind::Check { condition } = &constraints[i].kind else {
            continue;
        };
        let column = naming::database::check_column(condition, &column_names);
        let taken: Vec<String> = constraints[..i]
            .iter()
            .map(|c| c.name.to_string())
            .chain(elsewhere.iter().cloned())
            .collect();
        let n = naming::database::unused(&table.name, column, "check", |n| {
            taken.iter().any(|t| t == n)
        });
        check_generated_name(cx, &n, call)?;
        let key = format!("{UNNAMED_CHECK}{condition}");
        for (k, _) in spans.iter_mut().filter(|(k, _)| *k == key) {
            *k = n.clone();
        }
        constraints[i].name = s(n);
    }
    // `identity = false` chooses how the auto-incrementing key is made.
    for c in columns.iter().filter(|c| !c.identity) {
        let sole = constraints.first().is_some_and(|k| {
                matches!(&k.kind, ConstraintKind::PrimaryKey { columns } if columns.len() == 1 && columns[0] == c.name)
            });
        if !sole {
            cx.error(call, format!("column `{}` has `identity = false` but is not the table's whole primary key", c.name), Some("only an auto-incrementing key is an identity column or `SERIAL`; leave `identity` out"));
            ok = false;
        }
    }
    // Every column a constraint names must be in the table.
    for c in &constraints {
        let cols: Vec<&Str> = match &c.kind {
            ConstraintKind::PrimaryKey { columns: cs } | ConstraintKind::Unique { columns: cs } => {
                cs.iter().collect()
            }
            ConstraintKind::ForeignKey(fk) => fk.columns.iter().collect(),
            ConstraintKind::Check { .. } => Vec::new(),
        };
        for col in cols {
            if !columns.iter().any(|x| x.name == *col) {
                let span = spans
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == *c.name)
                    .map(|(_, s)| *s)
                    .unwrap_or(call);
                cx.error(span, format!("constraint `{}` names column `{col}`, which table `{table}` does not define", c.name), None);
                ok = false;
            }
        }
    }
    let mut names: Vec<&str> = Vec::new();
    for n in constraints
        .iter()
        .map(|c| &*c.name)
        .chain(columns.iter().filter_map(|c| c.unique.as_deref()))
        .chain(
            columns
                .iter()
                .filter_map(|c| c.foreign_key.as_ref().map(|f| &*f.name)),
        )
    {
        if names.contains(&n) {
            cx.error(
                call,
                format!("two constraints of `{table}` are named `{n}`"),
                Some("give one of them another `name`"),
            );
            ok = false;
        }
        names.push(n);
    }
    ok.then(|| Table::new(table, columns.into(), constraints.into(), comment))
}
