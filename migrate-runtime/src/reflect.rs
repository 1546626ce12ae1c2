//! Reflection: a live database's schema ([`Snapshot`]) read back as the
//! schema model ([`Schema`]), the definitions the DSL would write to create
//! it. Autogenerate's target side: its differences from the model of the
//! migrations become ops that carry whole definitions.
//!
//! Types and defaults are read back by each backend
//! ([`Backend::column_type`], [`Backend::server_default`]) so that the
//! renderer writes them again as the database reports them. What the DSL
//! cannot write (a type it has no name for, an identity column that is not
//! the whole primary key, a generated column, a descending index) is an
//! error that names it. What a [`Snapshot`] does not hold is not reflected:
//! an index's method (`postgresql_using`), a foreign key's `DEFERRABLE`,
//! SQLite's `AUTOINCREMENT` keyword; views and triggers are left out.
//!
//! Constraints the database keeps without a name (SQLite's, when the SQL
//! that created them named none) get the naming convention's name
//! ([`migrate_core::naming`]): `pk_<table>`, `uq_<table>_<columns>`,
//! `fk_<table>_<columns>_<referent>`, and for a check `ck_<table>_<column>`
//! after the first column its expression mentions (`ck_<table>` when it
//! mentions none), with `_2`, `_3`, ... when two would share a name. Enum
//! columns on SQLite (text with the CHECK the renderer writes, named
//! `ck_<table>_<column>`) become enum columns again; SQLite keeps no enum
//! type name, so the type is named after the column (`<table>_<column>`
//! when two columns of that name have other values).

use crate::backend::Backend;
use crate::dialect::Dialect;
use crate::error::Error;
use crate::introspect::{ColumnSnapshot, Snapshot, TableSnapshot};
use crate::ops::*;
use crate::schema::Schema;
use migrate_core::naming;
use std::collections::{BTreeMap, BTreeSet};

/// The schema model of a live database's schema (views and triggers left
/// out), as `dialect` reports it: enum types, tables with their columns,
/// constraints and comments, and indexes.
pub fn reflect(snapshot: &Snapshot, dialect: Dialect) -> Result<Schema, Error> {
    let backend = dialect.backend();
    let mut enums: Vec<EnumType> = snapshot
        .enum_types()
        .map(|e| {
            let (schema, name) = split(&e.name);
            enum_type(schema, name, e.values.iter().cloned())
        })
        .collect();
    let enum_checks = enum_checks(backend, snapshot);
    for (_, _, e) in &enum_checks {
        if !enums.contains(e) {
            enums.push(e.clone());
        }
    }

    let mut ops: Vec<Op> = enums.iter().cloned().map(Op::CreateEnum).collect();
    let mut indexes = Vec::new();
    for t in snapshot.tables() {
        let checks: BTreeMap<&str, &EnumType> = enum_checks
            .iter()
            .filter(|(table, _, _)| *table == t.name)
            .map(|(_, column, e)| (column.as_str(), e))
            .collect();
        ops.push(Op::CreateTable(reflect_table(backend, t, &enums, &checks)?));
        indexes.extend(reflect_indexes(t)?);
    }
    ops.extend(indexes.into_iter().map(Op::CreateIndex));

    let mut schema = Schema::new();
    for op in &ops {
        schema.apply(op).map_err(|e| Error::Reflect {
            object: "the schema".into(),
            problem: e.to_string(),
        })?;
    }
    Ok(schema)
}

/// `schema.name` (PostgreSQL's names outside the current schema) or `name`.
fn split(name: &str) -> (Option<Str>, Str) {
    match name.split_once('.') {
        Some((schema, name)) => (Some(schema.to_string().into()), name.to_string().into()),
        None => (None, name.to_string().into()),
    }
}

fn table_ref(name: &str) -> TableRef {
    let (schema, name) = split(name);
    TableRef { schema, name }
}

fn column_error(table: &str, column: &str, problem: String) -> Error {
    Error::Reflect {
        object: format!("column `{table}.{column}`"),
        problem,
    }
}

/// The enum columns a backend writes as CHECK constraints (SQLite): table,
/// column and the enum type, named after the column unless another column
/// of that name has other values.
fn enum_checks(backend: &dyn Backend, snapshot: &Snapshot) -> Vec<(String, String, EnumType)> {
    let mut found = Vec::new();
    for t in snapshot.tables() {
        for c in &t.columns {
            let name = naming::check(&t.name, &c.name);
            let Some(check) = t.check_constraint(&name) else {
                continue;
            };
            if let Some(values) = backend.enum_check(&c.name, &c.data_type, &check.expression) {
                found.push((t.name.clone(), c.name.clone(), values));
            }
        }
    }
    let mut by_name: BTreeMap<&str, BTreeSet<&Vec<String>>> = BTreeMap::new();
    for (_, column, values) in &found {
        by_name.entry(column).or_default().insert(values);
    }
    found
        .iter()
        .map(|(table, column, values)| {
            let name = if by_name[column.as_str()].len() == 1 {
                column.clone()
            } else {
                format!("{table}_{column}")
            };
            let e = enum_type(None, name.into(), values.iter().cloned());
            (table.clone(), column.clone(), e)
        })
        .collect()
}

fn reflect_table(
    backend: &dyn Backend,
    t: &TableSnapshot,
    enums: &[EnumType],
    enum_checks: &BTreeMap<&str, &EnumType>,
) -> Result<Table, Error> {
    let key: &[String] = t.primary_key.as_ref().map_or(&[], |k| &k.columns);
    let mut columns = Vec::new();
    for c in &t.columns {
        columns.push(reflect_column(backend, t, c, key, enums, enum_checks)?);
    }

    let mut constraints = Vec::new();
    if let Some(pk) = &t.primary_key {
        let name = pk
            .name
            .clone()
            .unwrap_or_else(|| naming::primary_key(&t.name));
        constraints.push(constraint(
            name,
            ConstraintKind::PrimaryKey {
                columns: strs(&pk.columns),
            },
        ));
    }
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for u in t.unique_constraints.values() {
        let name = u
            .name
            .clone()
            .unwrap_or_else(|| naming::unique(&t.name, &u.columns));
        taken.insert(name.clone());
        constraints.push(constraint(
            name,
            ConstraintKind::Unique {
                columns: strs(&u.columns),
            },
        ));
    }
    for f in t.foreign_keys.values() {
        let referent = table_ref(&f.referenced_table);
        let name = f
            .name
            .clone()
            .unwrap_or_else(|| naming::foreign_key(&t.name, &f.columns, &referent.name));
        taken.insert(name.clone());
        let action =
            |a: &str| ReferentialAction::parse(a).filter(|a| *a != ReferentialAction::NoAction);
        constraints.push(constraint(
            name,
            ConstraintKind::ForeignKey(foreign_key(
                strs(&f.columns),
                referent,
                strs(&f.referenced_columns),
                action(&f.on_delete),
                action(&f.on_update),
            )),
        ));
    }
    taken.extend(t.check_constraints.values().filter_map(|c| c.name.clone()));
    for c in t.check_constraints.values() {
        let name = match &c.name {
            Some(n)
                if enum_checks
                    .keys()
                    .any(|col| naming::check(&t.name, col) == *n) =>
            {
                continue
            }
            Some(n) => n.clone(),
            None => check_name(t, &c.expression, &mut taken),
        };
        constraints.push(constraint(
            name,
            ConstraintKind::Check {
                condition: c.expression.clone().into(),
            },
        ));
    }
    Ok(table(
        table_ref(&t.name),
        columns,
        constraints,
        t.comment.clone(),
    ))
}

/// The naming convention's name of an unnamed check: after the first
/// column it mentions, made unique among `taken`.
fn check_name(t: &TableSnapshot, expression: &str, taken: &mut BTreeSet<String>) -> String {
    let base = match t
        .columns
        .iter()
        .find(|c| migrate_core::sqltext::mentions(expression, &c.name))
    {
        Some(c) => naming::check(&t.name, &c.name),
        None => format!("ck_{}", t.name),
    };
    let mut name = base.clone();
    let mut n = 1;
    while taken.contains(&name) {
        n += 1;
        name = format!("{base}_{n}");
    }
    taken.insert(name.clone());
    name
}

fn reflect_column(
    backend: &dyn Backend,
    t: &TableSnapshot,
    c: &ColumnSnapshot,
    key: &[String],
    enums: &[EnumType],
    enum_checks: &BTreeMap<&str, &EnumType>,
) -> Result<Column, Error> {
    let error = |problem| column_error(&t.name, &c.name, problem);
    let ty = match enum_checks.get(c.name.as_str()) {
        Some(e) => ColumnType::Enum((*e).clone()),
        None => backend.column_type(&c.data_type, enums).map_err(error)?,
    };
    let sole_key = key.len() == 1 && key[0] == c.name;
    let (auto, default) = backend.auto_increment(c, sole_key).map_err(error)?;
    let integer = matches!(
        ty,
        ColumnType::SmallInteger | ColumnType::Integer | ColumnType::BigInteger
    );
    // `None` is SQLAlchemy's default: the sole integer key auto-increments.
    let autoincrement = (sole_key && integer && !auto).then_some(false);
    let default = default.map(|d| backend.server_default(d, &ty));
    Ok(column(
        &c.name,
        ty,
        c.nullable,
        key.contains(&c.name),
        autoincrement,
        default,
        c.comment.clone(),
    ))
}

fn reflect_indexes(t: &TableSnapshot) -> Result<Vec<Index>, Error> {
    let mut out = Vec::new();
    for i in t.indexes.values() {
        let mut columns = Vec::new();
        for element in &i.columns {
            let ordered = [" DESC", " NULLS FIRST", " NULLS LAST"]
                .iter()
                .any(|o| element.to_ascii_uppercase().ends_with(o));
            if ordered || element == "<expression>" {
                return Err(Error::Reflect {
                    object: format!("index `{}` on `{}`", i.name, t.name),
                    problem: format!(
                        "the DSL's indexes have no order and no element like `{element}`"
                    ),
                });
            }
            let unquoted = element
                .strip_prefix('"')
                .and_then(|e| e.strip_suffix('"'))
                .map(|e| e.replace("\"\"", "\""));
            let name = unquoted.as_deref().unwrap_or(element);
            columns.push(match t.columns.iter().find(|c| c.name == name) {
                Some(c) => IndexColumn::Column(c.name.clone().into()),
                None => match t
                    .columns
                    .iter()
                    .find(|c| unquoted.is_none() && c.name.eq_ignore_ascii_case(name))
                {
                    Some(c) => IndexColumn::Column(c.name.clone().into()),
                    None => IndexColumn::Expression(element.clone().into()),
                },
            });
        }
        out.push(index(
            &i.name,
            table_ref(&t.name),
            columns,
            i.unique,
            i.predicate.clone(),
        ));
    }
    Ok(out)
}

// -- the model values, built in one place ------------------------------------

fn strs(names: &[String]) -> List<Str> {
    names
        .iter()
        .map(|n| Str::from(n.clone()))
        .collect::<Vec<_>>()
        .into()
}

fn enum_type(schema: Option<Str>, name: Str, values: impl Iterator<Item = String>) -> EnumType {
    EnumType {
        schema,
        name,
        values: values.map(Str::from).collect::<Vec<_>>().into(),
        // Created by its own `create_enum`, before the tables.
        create_type: false,
    }
}

fn column(
    name: &str,
    ty: ColumnType,
    nullable: bool,
    primary_key: bool,
    autoincrement: Option<bool>,
    server_default: Option<ServerDefault>,
    comment: Option<String>,
) -> Column {
    Column {
        name: name.to_string().into(),
        ty,
        nullable,
        primary_key,
        autoincrement,
        server_default,
        unique: None,
        index: None,
        foreign_key: None,
        comment: comment.map(Str::from),
    }
}

fn constraint(name: String, kind: ConstraintKind) -> Constraint {
    Constraint {
        name: name.into(),
        kind,
    }
}

fn foreign_key(
    columns: List<Str>,
    referent: TableRef,
    referent_columns: List<Str>,
    on_delete: Option<ReferentialAction>,
    on_update: Option<ReferentialAction>,
) -> ForeignKey {
    ForeignKey {
        columns,
        referent,
        referent_columns,
        on_delete,
        on_update,
        deferrable: None,
        initially_deferred: None,
    }
}

fn table(
    table: TableRef,
    columns: Vec<Column>,
    constraints: Vec<Constraint>,
    comment: Option<String>,
) -> Table {
    Table {
        table,
        columns: columns.into(),
        constraints: constraints.into(),
        comment: comment.map(Str::from),
    }
}

fn index(
    name: &str,
    table: TableRef,
    columns: Vec<IndexColumn>,
    unique: bool,
    predicate: Option<String>,
) -> Index {
    Index {
        name: name.to_string().into(),
        table,
        columns: columns.into(),
        unique,
        predicate: predicate.map(Str::from),
        method: None,
        concurrently: false,
    }
}
