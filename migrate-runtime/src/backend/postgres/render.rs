//! PostgreSQL's SQL for each op: every op has a native form.

use super::types::{default_sql, quote_ident, quote_literal as lit};
use super::Postgres;
use crate::backend::sql::{
    auto_increments, bulk_insert, column_constraints, column_index, constraint_def, execute_sql,
    index_elements, run_is_not_sql,
};
use crate::backend::Backend;
use crate::dialect::Unsupported;
use crate::ops::*;

const D: &dyn Backend = &Postgres;

fn table_name(t: &TableRef) -> Result<String, Unsupported> {
    crate::backend::sql::table(D, t)
}

pub(super) fn render(op: &Op) -> Result<Vec<String>, Unsupported> {
    match op {
        Op::CreateTable(t) => create_table(t),
        Op::DropTable { table, definition } => {
            let mut out = vec![format!("DROP TABLE {}", table_name(table)?)];
            if let Some(t) = definition {
                for e in t.owned_enums() {
                    out.push(format!("DROP TYPE {}", enum_name(e)?));
                }
            }
            Ok(out)
        }
        Op::RenameTable { schema, old, new } => Ok(vec![format!(
            "ALTER TABLE {} RENAME TO {}",
            D.qualified(schema, old)?,
            quote_ident(new)
        )]),
        Op::AddColumn { table, column } => {
            let t = table_name(table)?;
            let mut out = Vec::new();
            if let ColumnType::Enum(e) = &column.ty {
                if e.create_type {
                    out.push(create_type(e)?);
                }
            }
            out.push(format!(
                "ALTER TABLE {t} ADD COLUMN {}",
                column_def(None, column)?
            ));
            out.extend(column_index(D, &t, column));
            if let Some(c) = &column.comment {
                out.push(format!(
                    "COMMENT ON COLUMN {t}.{} IS {}",
                    quote_ident(&column.name),
                    lit(c)
                ));
            }
            Ok(out)
        }
        Op::DropColumn {
            table,
            column,
            definition,
        } => {
            let mut out = vec![format!(
                "ALTER TABLE {} DROP COLUMN {}",
                table_name(table)?,
                quote_ident(column)
            )];
            if let Some(Column {
                ty: ColumnType::Enum(e),
                ..
            }) = definition
            {
                if e.create_type {
                    out.push(format!("DROP TYPE {}", enum_name(e)?));
                }
            }
            Ok(out)
        }
        Op::AlterColumn(a) => alter_column(a),
        Op::CreateIndex(i) => Ok(vec![create_index(i)?]),
        Op::DropIndex {
            table,
            name,
            definition,
        } => {
            let concurrently = if definition.as_ref().is_some_and(|d| d.concurrently) {
                "CONCURRENTLY "
            } else {
                ""
            };
            Ok(vec![format!(
                "DROP INDEX {concurrently}{}",
                D.qualified(&table.schema, name)?
            )])
        }
        Op::AddConstraint { table, constraint } => Ok(vec![format!(
            "ALTER TABLE {} ADD {}",
            table_name(table)?,
            constraint_def(D, constraint)?
        )]),
        Op::DropConstraint { table, name, .. } => Ok(vec![format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            table_name(table)?,
            quote_ident(name)
        )]),
        Op::CreateEnum(e) => Ok(vec![create_type(e)?]),
        Op::DropEnum { schema, name, .. } => {
            Ok(vec![format!("DROP TYPE {}", D.qualified(schema, name)?)])
        }
        Op::AddEnumValue {
            schema,
            name,
            value,
            placement,
        } => {
            let place = match placement {
                Some(EnumPlacement::Before(v)) => format!(" BEFORE {}", lit(v)),
                Some(EnumPlacement::After(v)) => format!(" AFTER {}", lit(v)),
                None => String::new(),
            };
            Ok(vec![format!(
                "ALTER TYPE {} ADD VALUE {}{place}",
                D.qualified(schema, name)?,
                lit(value)
            )])
        }
        Op::SetTableComment { table, comment, .. } => Ok(vec![format!(
            "COMMENT ON TABLE {} IS {}",
            table_name(table)?,
            comment.as_deref().map(lit).unwrap_or_else(|| "NULL".into())
        )]),
        Op::BulkInsert { table, rows } => {
            let t = table_name(table)?;
            let mut out = bulk_insert(D, &t, rows);
            // Rows inserted with explicit ids leave an identity's sequence behind
            // them; move it past, so the next insert without an id works.
            let mut integers: Vec<&str> = Vec::new();
            for row in rows.iter() {
                for (c, v) in row.values.iter() {
                    let integer = matches!(v, Value::Number(n) if !n.contains(['.', 'e', 'E']));
                    if integer && !integers.contains(&&**c) {
                        integers.push(c);
                    }
                }
            }
            for c in integers {
                out.push(format!(
                    "SELECT setval(pg_get_serial_sequence({}, {}), CAST((SELECT MAX({}) FROM {t}) AS BIGINT)) WHERE pg_get_serial_sequence({}, {}) IS NOT NULL",
                    lit(&t),
                    lit(c),
                    quote_ident(c),
                    lit(&t),
                    lit(c),
                ));
            }
            Ok(out)
        }
        Op::Execute(sql) => execute_sql(D, sql),
        Op::Run { function } => Err(run_is_not_sql(D, function)),
    }
}

fn enum_name(e: &EnumType) -> Result<String, Unsupported> {
    D.qualified(&e.schema, &e.name)
}

fn create_type(e: &EnumType) -> Result<String, Unsupported> {
    let values = e
        .values
        .iter()
        .map(|v| lit(v))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(format!("CREATE TYPE {} AS ENUM ({values})", enum_name(e)?))
}

/// A column definition; `table` is given inside `CREATE TABLE`.
fn column_def(table: Option<&Table>, c: &Column) -> Result<String, Unsupported> {
    let serial = match &c.ty {
        ColumnType::SmallInteger => "SMALLSERIAL",
        ColumnType::BigInteger => "BIGSERIAL",
        _ => "SERIAL",
    };
    let mut s = match auto_increments(table, c) {
        true if !c.identity => format!("{} {serial}", quote_ident(&c.name)),
        true => format!(
            "{} {} GENERATED BY DEFAULT AS IDENTITY",
            quote_ident(&c.name),
            D.type_sql(&c.ty)?
        ),
        false => format!("{} {}", quote_ident(&c.name), D.type_sql(&c.ty)?),
    };
    s.push_str(&column_constraints(D, c)?);
    Ok(s)
}

fn create_table(t: &Table) -> Result<Vec<String>, Unsupported> {
    let name = table_name(&t.table)?;
    let mut out = Vec::new();
    for e in t.owned_enums() {
        out.push(create_type(e)?);
    }
    let mut parts = Vec::new();
    for c in t.columns.iter() {
        parts.push(column_def(Some(t), c)?);
    }
    for c in t.constraints.iter() {
        parts.push(constraint_def(D, c)?);
    }
    out.push(format!(
        "CREATE TABLE {name} (\n    {}\n)",
        parts.join(",\n    ")
    ));
    out.extend(t.columns.iter().filter_map(|c| column_index(D, &name, c)));
    if let Some(comment) = &t.comment {
        out.push(format!("COMMENT ON TABLE {name} IS {}", lit(comment)));
    }
    for c in t.columns.iter() {
        if let Some(comment) = &c.comment {
            out.push(format!(
                "COMMENT ON COLUMN {name}.{} IS {}",
                quote_ident(&c.name),
                lit(comment)
            ));
        }
    }
    Ok(out)
}

fn create_index(i: &Index) -> Result<String, Unsupported> {
    let unique = if i.unique { "UNIQUE " } else { "" };
    let concurrently = if i.concurrently { "CONCURRENTLY " } else { "" };
    let using = match &i.method {
        Some(m) => format!(" USING {}", quote_ident(m)),
        None => String::new(),
    };
    // `sqlite_where` is SQLite's alone, as in Alembic.
    let predicate = match &i.postgresql_where {
        Some(p) => format!(" WHERE {p}"),
        None => String::new(),
    };
    Ok(format!(
        "CREATE {unique}INDEX {concurrently}{} ON {}{using} ({}){predicate}",
        quote_ident(&i.name),
        table_name(&i.table)?,
        index_elements(D, &i.columns)
    ))
}

fn alter_column(a: &AlterColumn) -> Result<Vec<String>, Unsupported> {
    let t = table_name(&a.table)?;
    let c = quote_ident(&a.column);
    let mut out = Vec::new();
    if let Some(ty) = &a.ty {
        let using = match &a.using {
            Some(u) => format!(" USING {u}"),
            None => String::new(),
        };
        out.push(format!(
            "ALTER TABLE {t} ALTER COLUMN {c} TYPE {}{using}",
            D.type_sql(ty)?
        ));
    }
    if let Some(nullable) = a.nullable {
        let verb = if nullable { "DROP" } else { "SET" };
        out.push(format!("ALTER TABLE {t} ALTER COLUMN {c} {verb} NOT NULL"));
    }
    match &a.server_default {
        Some(Some(d)) => out.push(format!(
            "ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {}",
            default_sql(d)
        )),
        Some(None) => out.push(format!("ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT")),
        None => {}
    }
    if let Some(comment) = &a.comment {
        out.push(format!(
            "COMMENT ON COLUMN {t}.{c} IS {}",
            comment.as_deref().map(lit).unwrap_or_else(|| "NULL".into())
        ));
    }
    if let Some(new) = &a.new_name {
        out.push(format!(
            "ALTER TABLE {t} RENAME COLUMN {c} TO {}",
            quote_ident(new)
        ));
    }
    Ok(out)
}
