//! SQLite's SQL for the ops its `ALTER TABLE` can express natively; the
//! others are refused here and rebuilt by [`super::rebuild`].

use super::rebuild::refused as rebuild;
use super::types::{constant_default, quote_ident};
use super::Sqlite;
use crate::backend::sql::{
    auto_increments, bulk_insert, column_constraints, column_index, constraint_def, execute_sql,
    index_elements, run_is_not_sql,
};
use crate::backend::Backend;
use crate::dialect::Unsupported;
use crate::ops::*;

const D: &dyn Backend = &Sqlite;

fn table_name(t: &TableRef) -> Result<String, Unsupported> {
    crate::backend::sql::table(D, t)
}

pub(super) fn render(op: &Op) -> Result<Vec<String>, Unsupported> {
    match op {
        Op::CreateTable(t) => create_table(t),
        Op::DropTable { table, .. } => Ok(vec![format!("DROP TABLE {}", table_name(table)?)]),
        Op::RenameTable { schema, old, new } => Ok(vec![format!(
            "ALTER TABLE {} RENAME TO {}",
            D.qualified(schema, old)?,
            quote_ident(new)
        )]),
        Op::AddColumn { table, column } => add_column(table, column),
        Op::DropColumn {
            table,
            column,
            definition,
        } => {
            let mut out = Vec::new();
            // SQLite refuses to drop an indexed column; PostgreSQL drops the
            // index with it. The column's own index is known from its definition.
            if let Some(ix) = definition.as_ref().and_then(|c| c.index.as_ref()) {
                out.push(format!("DROP INDEX IF EXISTS {}", quote_ident(ix)));
            }
            out.push(format!(
                "ALTER TABLE {} DROP COLUMN {}",
                table_name(table)?,
                quote_ident(column)
            ));
            Ok(out)
        }
        Op::AlterColumn(a) => {
            if a.ty.is_some() || a.nullable.is_some() || a.server_default.is_some() {
                return Err(rebuild(
                    "alter_column",
                    "changing a column's type, nullability or default",
                ));
            }
            let t = table_name(&a.table)?;
            let mut out = Vec::new();
            // Column comments do not exist in SQLite: nothing to do.
            if let Some(new) = &a.new_name {
                out.push(format!(
                    "ALTER TABLE {t} RENAME COLUMN {} TO {}",
                    quote_ident(&a.column),
                    quote_ident(new)
                ));
            }
            Ok(out)
        }
        Op::CreateIndex(i) => Ok(vec![create_index(i)?]),
        Op::DropIndex { table, name, .. } => {
            table_name(table)?;
            Ok(vec![format!("DROP INDEX {}", quote_ident(name))])
        }
        Op::AddConstraint { .. } => Err(rebuild(
            "create_*_constraint",
            "adding a constraint to an existing table",
        )),
        Op::DropConstraint { .. } => Err(rebuild("drop_constraint", "dropping a constraint")),
        // Enum types are CHECK constraints on their columns in SQLite.
        Op::CreateEnum(EnumType { schema, name, .. }) | Op::DropEnum { schema, name, .. } => {
            // Nothing to create, but a schema would still be silently dropped.
            D.qualified(schema, name)?;
            Ok(Vec::new())
        }
        Op::AddEnumValue { .. } => Err(rebuild(
            "add_enum_value",
            "widening the CHECK constraint of an enum column",
        )),
        // SQLite has no comments.
        Op::SetTableComment { table, .. } => {
            table_name(table)?;
            Ok(Vec::new())
        }
        Op::BulkInsert { table, rows } => Ok(bulk_insert(D, &table_name(table)?, rows)),
        Op::Execute(sql) => execute_sql(D, sql),
        Op::Run { function } => Err(run_is_not_sql(D, function)),
    }
}

fn enum_check(table: &str, c: &Column) -> Option<String> {
    let ColumnType::Enum(e) = &c.ty else {
        return None;
    };
    let values = e
        .values
        .iter()
        .map(|v| D.quote_literal(v))
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "CONSTRAINT {} CHECK ({} IN ({values}))",
        quote_ident(&naming::check(table, &c.name)),
        quote_ident(&c.name)
    ))
}

/// A column definition. Inside `CREATE TABLE` (`table` given), a sole integer
/// primary key is declared inline as `INTEGER PRIMARY KEY`, SQLite's rowid alias.
fn column_def(table: Option<&Table>, table_name: &str, c: &Column) -> Result<String, Unsupported> {
    let rowid = table.is_some() && auto_increments(table, c) && c.identity;
    let mut s = if rowid {
        let pk_name = table
            .and_then(|t| t.primary_key())
            .map(|(n, _)| n.to_string())
            .unwrap_or_default();
        let auto = if c.autoincrement == Some(true) {
            " AUTOINCREMENT"
        } else {
            ""
        };
        format!(
            "{} INTEGER CONSTRAINT {} PRIMARY KEY{auto}",
            quote_ident(&c.name),
            quote_ident(&pk_name)
        )
    } else {
        format!("{} {}", quote_ident(&c.name), D.type_sql(&c.ty)?)
    };
    let mut constraints = column_constraints(D, c)?;
    // Names PostgreSQL would give are left to SQLite, which gives none.
    let col = [&c.name];
    if let Some(u) = c.unique.as_deref() {
        let unique = Constraint::new(
            u.to_string().into(),
            ConstraintKind::Unique {
                columns: vec![c.name.clone()].into(),
            },
        );
        if naming::database::gave(table_name, &col, &unique) {
            constraints = constraints.replacen(&format!(" CONSTRAINT {}", quote_ident(u)), "", 1);
        }
    }
    if let Some(fk) = &c.foreign_key {
        let name = fk.name.trim_end_matches(|ch: char| ch.is_ascii_digit());
        if naming::database::gives(&fk.name, table_name, Some(&c.name), "fkey")
            || name.ends_with("_fkey")
        {
            constraints =
                constraints.replacen(&format!(" CONSTRAINT {}", quote_ident(&fk.name)), "", 1);
        }
    }
    s.push_str(&constraints);
    if let Some(check) = enum_check(table_name, c) {
        s.push(' ');
        s.push_str(&check);
    }
    Ok(s)
}

fn create_table(t: &Table) -> Result<Vec<String>, Unsupported> {
    create_table_named(t, &table_name(&t.table)?)
}

/// `CREATE TABLE` for a definition under another name (a rebuild's new table):
/// constraint names stay those of the definition's table.
pub(super) fn create_table_named(t: &Table, name: &str) -> Result<Vec<String>, Unsupported> {
    let name = name.to_string();
    let mut parts = Vec::new();
    let mut inline_pk = false;
    for c in t.columns.iter() {
        inline_pk |= auto_increments(Some(t), c) && c.identity;
        parts.push(column_def(Some(t), &t.table.name, c)?);
    }
    let columns: Vec<&str> = t.columns.iter().map(|c| &*c.name).collect();
    for c in t.constraints.iter() {
        if inline_pk && matches!(c.kind, ConstraintKind::PrimaryKey { .. }) {
            continue;
        }
        let def = constraint_def(D, c)?;
        parts.push(if naming::database::gave(&t.table.name, &columns, c) {
            def.replacen(&format!("CONSTRAINT {} ", quote_ident(&c.name)), "", 1)
        } else {
            def
        });
    }
    let mut out = vec![format!(
        "CREATE TABLE {name} (\n    {}\n)",
        parts.join(",\n    ")
    )];
    out.extend(t.columns.iter().filter_map(|c| column_index(D, &name, c)));
    Ok(out)
}

fn add_column(table: &TableRef, c: &Column) -> Result<Vec<String>, Unsupported> {
    let t = table_name(table)?;
    if c.unique.is_some() {
        return Err(rebuild("add_column", "adding a UNIQUE column"));
    }
    if let Some(d) = &c.server_default {
        if !constant_default(d) {
            return Err(rebuild(
                "add_column",
                "adding a column whose default is an expression (`now()`, `uuid()`, `text(...)`)",
            ));
        }
    }
    if !c.nullable && c.server_default.is_none() {
        return Err(rebuild(
            "add_column",
            "adding a NOT NULL column without a default",
        ));
    }
    let mut out = vec![format!(
        "ALTER TABLE {t} ADD COLUMN {}",
        column_def(None, &table.name, c)?
    )];
    out.extend(column_index(D, &t, c));
    Ok(out)
}

pub(super) fn create_index(i: &Index) -> Result<String, Unsupported> {
    let unique = if i.unique { "UNIQUE " } else { "" };
    // `postgresql_using` (the index method) is a performance hint with no
    // SQLite counterpart; `postgresql_concurrently` has no meaning here;
    // `postgresql_where` is PostgreSQL's alone, as in Alembic.
    let predicate = match &i.sqlite_where {
        Some(p) => format!(" WHERE {p}"),
        None => String::new(),
    };
    Ok(format!(
        "CREATE {unique}INDEX {} ON {} ({}){predicate}",
        quote_ident(&i.name),
        table_name(&i.table)?,
        index_elements(D, &i.columns)
    ))
}
