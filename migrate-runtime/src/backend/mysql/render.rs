//! MySQL's SQL for each op. Where MySQL's form repeats what the op does not
//! say (`MODIFY COLUMN` restates the whole column, or MySQL forgets what it
//! leaves out), the rest comes from the schema the migrations describe;
//! what MySQL cannot do (a unique partial index, an index on an expression
//! or on a TEXT column without a prefix length, a deferrable foreign key) is
//! refused here, before anything runs.

use super::types::{check_name, default_sql, quote_ident, quote_literal as lit};
use super::Mysql;
use crate::backend::sql::{
    auto_increments, bulk_insert, execute_sql, fk_actions, ident_list, run_is_not_sql,
};
use crate::backend::Backend;
use crate::dialect::Unsupported;
use crate::ops::*;
use crate::schema::{Schema, TableModel};

const D: &dyn Backend = &Mysql;

fn table_name(t: &TableRef) -> Result<String, Unsupported> {
    crate::backend::sql::table(D, t)
}

fn refuse(what: &str, reason: impl Into<String>, help: impl Into<String>) -> Unsupported {
    Unsupported::new(what, Mysql.dialect(), reason, help)
}

/// The op's statements; `model` is the schema the earlier ops left, where
/// it can be followed.
pub(super) fn render(op: &Op, model: Option<&Schema>) -> Result<Vec<String>, Unsupported> {
    let name = op.name();
    match op {
        Op::CreateTable(t) => create_table(t),
        Op::DropTable { table, .. } => Ok(vec![format!("DROP TABLE {}", table_name(table)?)]),
        Op::RenameTable { schema, old, new } => Ok(vec![format!(
            "RENAME TABLE {} TO {}",
            D.qualified(schema, old)?,
            D.qualified(schema, new)?
        )]),
        Op::AddColumn { table, column } => add_column(table, column),
        Op::DropColumn {
            table,
            column,
            definition,
        } => drop_column(table, column, definition.as_ref(), model),
        Op::AlterColumn(a) => alter_column(a, model),
        Op::CreateIndex(i) => {
            let columns = model
                .and_then(|m| m.table(&i.table))
                .map(|t| t.columns.as_slice())
                .unwrap_or(&[]);
            Ok(vec![create_index(i, columns)?])
        }
        Op::DropIndex { table, name, .. } => {
            check_name("drop_index", name)?;
            Ok(vec![format!(
                "DROP INDEX {} ON {}",
                quote_ident(name),
                table_name(table)?
            )])
        }
        Op::AddConstraint { table, constraint } => {
            let columns = model
                .and_then(|m| m.table(table))
                .map(|t| t.columns.as_slice())
                .unwrap_or(&[]);
            let index = match &constraint.kind {
                ConstraintKind::ForeignKey(fk) => {
                    format!("ADD {}, ", fk_index(&constraint.name, &fk.columns))
                }
                _ => String::new(),
            };
            Ok(vec![format!(
                "ALTER TABLE {} {index}ADD {}",
                table_name(table)?,
                constraint_def(name, constraint, columns)?
            )])
        }
        Op::DropConstraint {
            table,
            name: constraint,
            kind,
            ..
        } => {
            let t = table_name(table)?;
            check_name("drop_constraint", constraint)?;
            let c = quote_ident(constraint);
            Ok(match kind {
                ConstraintType::PrimaryKey => vec![format!("ALTER TABLE {t} DROP PRIMARY KEY")],
                // A unique constraint is a unique index in MySQL.
                ConstraintType::Unique => vec![format!("ALTER TABLE {t} DROP INDEX {c}")],
                ConstraintType::Check => vec![format!("ALTER TABLE {t} DROP CONSTRAINT {c}")],
                ConstraintType::ForeignKey => {
                    let mut out = vec![format!("ALTER TABLE {t} DROP FOREIGN KEY {c}")];
                    // The index MySQL made for the key under its name stays
                    // behind it: dropped too, unless the migrations made an
                    // index of that name.
                    let own_index = model
                        .and_then(|m| m.table(table))
                        .is_some_and(|m| m.indexes.iter().any(|i| i.name == *constraint));
                    if !own_index {
                        out.push(format!("ALTER TABLE {t} DROP INDEX IF EXISTS {c}"));
                    }
                    out
                }
            })
        }
        // Enums are part of their columns' types: nothing to create or drop,
        // but the model still tracks the type (and a schema is still checked).
        Op::CreateEnum(EnumType { schema, name, .. }) | Op::DropEnum { schema, name, .. } => {
            D.qualified(schema, name)?;
            Ok(Vec::new())
        }
        Op::AddEnumValue {
            schema, name: e, ..
        } => add_enum_value(op, schema, e, model),
        Op::SetTableComment { table, comment, .. } => Ok(vec![format!(
            "ALTER TABLE {} COMMENT = {}",
            table_name(table)?,
            lit(comment.as_deref().unwrap_or(""))
        )]),
        Op::BulkInsert { table, rows } => Ok(bulk_insert(D, &table_name(table)?, rows)),
        Op::Execute(sql) => execute_sql(D, sql),
        Op::Run { function } => Err(run_is_not_sql(D, function)),
    }
}

/// A column definition: type, nullability, `AUTO_INCREMENT`, default and
/// comment (`auto`: it is the table's auto-incrementing key). Its unique
/// constraint and foreign key are table elements ([`column_keys`]): MySQL
/// ignores an inline `REFERENCES`.
fn column_def(c: &Column, auto: bool) -> Result<String, Unsupported> {
    check_name("column", &c.name)?;
    let mut s = format!("{} {}", quote_ident(&c.name), D.type_sql(&c.ty)?);
    s.push_str(if c.nullable { " NULL" } else { " NOT NULL" });
    if auto {
        s.push_str(" AUTO_INCREMENT");
    }
    if let Some(d) = &c.server_default {
        s.push_str(&format!(" DEFAULT {}", default_sql(d)));
    }
    if let Some(comment) = &c.comment {
        s.push_str(&format!(" COMMENT {}", lit(comment)));
    }
    Ok(s)
}

/// The index of a foreign key, under its name: MySQL makes one only when no
/// other index starts with the key's columns, and then refuses to drop that
/// other index (a unique constraint) while the key needs it. With its own,
/// every key can be dropped, and the other indexes too; the snapshot leaves
/// it out, as MySQL's own.
fn fk_index(name: &str, columns: &[Str]) -> String {
    format!("INDEX {} ({})", quote_ident(name), ident_list(D, columns))
}

/// A column's own unique constraint and foreign key (with its index), as
/// table elements.
fn column_keys(c: &Column) -> Result<Vec<String>, Unsupported> {
    let mut out = Vec::new();
    if let Some(u) = &c.unique {
        check_name("unique", u)?;
        out.push(format!(
            "CONSTRAINT {} UNIQUE ({})",
            quote_ident(u),
            quote_ident(&c.name)
        ));
    }
    if let Some(fk) = &c.foreign_key {
        check_name("ForeignKey", &fk.name)?;
        out.push(fk_index(&fk.name, std::slice::from_ref(&c.name)));
        out.push(format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}){}",
            quote_ident(&fk.name),
            quote_ident(&c.name),
            table_name(&fk.referent)?,
            quote_ident(&fk.referent_column),
            fk_actions(fk.on_delete, fk.on_update, None, None)
        ));
    }
    Ok(out)
}

/// Refuses a key on a column MySQL can only index with a prefix length.
fn refuse_unprefixed(
    what: &str,
    key: &str,
    names: &[&str],
    columns: &[Column],
) -> Result<(), Unsupported> {
    for n in names {
        let Some(c) = columns.iter().find(|c| c.name == **n) else {
            continue;
        };
        if matches!(
            c.ty,
            ColumnType::Text | ColumnType::Binary | ColumnType::Json | ColumnType::Jsonb
        ) {
            return Err(refuse(
                what,
                format!("MySQL cannot index the {} column `{}` of {key} without a prefix length", c.ty, c.name),
                "index a `String(n)` column instead, or write the index with a prefix length in `execute(mysql = \"CREATE INDEX ... (column(255))\")`",
            ));
        }
    }
    Ok(())
}

/// A named table constraint; `columns` are the table's, for the check of
/// what can be indexed.
fn constraint_def(what: &str, c: &Constraint, columns: &[Column]) -> Result<String, Unsupported> {
    check_name(what, &c.name)?;
    let name = quote_ident(&c.name);
    Ok(match &c.kind {
        ConstraintKind::PrimaryKey { columns: key } => {
            let names: Vec<&str> = key.iter().map(|k| &**k).collect();
            refuse_unprefixed(what, &format!("primary key `{}`", c.name), &names, columns)?;
            format!("CONSTRAINT {name} PRIMARY KEY ({})", ident_list(D, key))
        }
        ConstraintKind::Unique { columns: key } => {
            let names: Vec<&str> = key.iter().map(|k| &**k).collect();
            refuse_unprefixed(
                what,
                &format!("unique constraint `{}`", c.name),
                &names,
                columns,
            )?;
            format!("CONSTRAINT {name} UNIQUE ({})", ident_list(D, key))
        }
        ConstraintKind::Check { condition } => format!("CONSTRAINT {name} CHECK ({condition})"),
        ConstraintKind::ForeignKey(fk) => {
            if fk.deferrable == Some(true) || fk.initially_deferred == Some(true) {
                return Err(refuse(
                    what,
                    format!(
                        "MySQL checks foreign keys at once; `{}` cannot be deferred",
                        c.name
                    ),
                    "drop `deferrable` and `initially` from the foreign key",
                ));
            }
            format!(
                "CONSTRAINT {name} FOREIGN KEY ({}) REFERENCES {} ({}){}",
                ident_list(D, &fk.columns),
                table_name(&fk.referent)?,
                ident_list(D, &fk.referent_columns),
                fk_actions(fk.on_delete, fk.on_update, None, None)
            )
        }
    })
}

fn create_table(t: &Table) -> Result<Vec<String>, Unsupported> {
    let name = table_name(&t.table)?;
    let mut parts = Vec::new();
    for c in t.columns.iter() {
        parts.push(column_def(c, auto_increments(Some(t), c))?);
    }
    for c in t.columns.iter() {
        if c.unique.is_some() {
            refuse_unprefixed(
                "create_table",
                &format!("`{}`'s unique constraint", c.name),
                &[&c.name],
                &t.columns,
            )?;
        }
        parts.extend(column_keys(c)?);
    }
    for c in t.constraints.iter() {
        if let ConstraintKind::ForeignKey(fk) = &c.kind {
            parts.push(fk_index(&c.name, &fk.columns));
        }
        parts.push(constraint_def("create_table", c, &t.columns)?);
    }
    let comment = match &t.comment {
        Some(c) => format!(" COMMENT = {}", lit(c)),
        None => String::new(),
    };
    let mut out = vec![format!(
        "CREATE TABLE {name} (\n    {}\n){comment}",
        parts.join(",\n    ")
    )];
    for c in t.columns.iter() {
        if let Some(ix) = &c.index {
            refuse_unprefixed(
                "create_table",
                &format!("index `{ix}`"),
                &[&c.name],
                &t.columns,
            )?;
            check_name("index", ix)?;
            out.push(format!(
                "CREATE INDEX {} ON {name} ({})",
                quote_ident(ix),
                quote_ident(&c.name)
            ));
        }
    }
    Ok(out)
}

/// One `ALTER TABLE`: the column, its keys and its index.
fn add_column(table: &TableRef, c: &Column) -> Result<Vec<String>, Unsupported> {
    let t = table_name(table)?;
    let auto = auto_increments(None, c);
    let mut clauses = vec![format!("ADD COLUMN {}", column_def(c, auto)?)];
    if auto {
        // MySQL's auto-increment column must be a key.
        clauses[0].push_str(" PRIMARY KEY");
    }
    let own = std::slice::from_ref(c);
    if c.unique.is_some() {
        refuse_unprefixed("add_column", "its unique constraint", &[&c.name], own)?;
    }
    clauses.extend(column_keys(c)?.into_iter().map(|k| format!("ADD {k}")));
    if let Some(ix) = &c.index {
        refuse_unprefixed("add_column", &format!("index `{ix}`"), &[&c.name], own)?;
        check_name("index", ix)?;
        clauses.push(format!(
            "ADD INDEX {} ({})",
            quote_ident(ix),
            quote_ident(&c.name)
        ));
    }
    Ok(vec![format!("ALTER TABLE {t} {}", clauses.join(", "))])
}

/// Drops what PostgreSQL drops with a column and MySQL refuses to (a
/// foreign key on it) or keeps, narrowed (a key or index of several
/// columns), then the column.
fn drop_column(
    table: &TableRef,
    column: &str,
    definition: Option<&Column>,
    model: Option<&Schema>,
) -> Result<Vec<String>, Unsupported> {
    let t = table_name(table)?;
    let mut clauses = Vec::new();
    let mut foreign_keys = Vec::new();
    match model.and_then(|m| m.table(table)) {
        Some(m) => {
            let own = m.column(column);
            foreign_keys.extend(
                own.and_then(|c| c.foreign_key.as_ref())
                    .map(|fk| fk.name.clone()),
            );
            for c in &m.constraints {
                if !migrate_core::schema::constraint_uses_column(c, column) {
                    continue;
                }
                match &c.kind {
                    ConstraintKind::ForeignKey(_) => foreign_keys.push(c.name.clone()),
                    ConstraintKind::Unique { columns } if columns.len() > 1 => {
                        clauses.push(format!("DROP INDEX {}", quote_ident(&c.name)))
                    }
                    ConstraintKind::Check { .. } => {
                        clauses.push(format!("DROP CONSTRAINT {}", quote_ident(&c.name)))
                    }
                    _ => {}
                }
            }
            for i in &m.indexes {
                let several = i.columns.len() > 1;
                if several && migrate_core::schema::index_uses_column(i, column) {
                    clauses.push(format!("DROP INDEX {}", quote_ident(&i.name)));
                }
            }
        }
        None => {
            foreign_keys.extend(
                definition
                    .and_then(|c| c.foreign_key.as_ref())
                    .map(|fk| fk.name.clone()),
            );
        }
    }
    let mut out = Vec::new();
    for fk in &foreign_keys {
        out.push(format!(
            "ALTER TABLE {t} DROP FOREIGN KEY {}",
            quote_ident(fk)
        ));
        out.push(format!(
            "ALTER TABLE {t} DROP INDEX IF EXISTS {}",
            quote_ident(fk)
        ));
    }
    clauses.push(format!("DROP COLUMN {}", quote_ident(column)));
    out.push(format!("ALTER TABLE {t} {}", clauses.join(", ")));
    Ok(out)
}

/// `MODIFY COLUMN` (`CHANGE COLUMN` with a rename) with the whole column as
/// the model has it after the op: MySQL forgets what the statement does not
/// repeat. A default or a name alone has a form of its own.
fn alter_column(a: &AlterColumn, model: Option<&Schema>) -> Result<Vec<String>, Unsupported> {
    let t = table_name(&a.table)?;
    let c = quote_ident(&a.column);
    if let Some(new) = &a.new_name {
        check_name("alter_column", new)?;
    }
    let restates = a.ty.is_some() || a.nullable.is_some() || a.comment.is_some();
    let found = model
        .and_then(|m| m.table(&a.table))
        .and_then(|table| table.column(&a.column).map(|column| (table, column)));
    let Some((table, before)) = found.filter(|_| restates) else {
        if restates {
            let why = match model {
                None => "the schema the migrations describe cannot be followed here".to_string(),
                Some(_) => format!(
                    "the schema the migrations describe has no column `{}.{}` (made by `execute`?)",
                    a.table.name, a.column
                ),
            };
            return Err(refuse(
                "alter_column",
                format!("MySQL's `MODIFY COLUMN` restates the whole column, taken from the schema the migrations describe, and {why}"),
                "create and change the column with ops (not `execute`), or write this change with `execute(mysql = \"ALTER TABLE ... MODIFY COLUMN ...\")`",
            ));
        }
        let mut out = Vec::new();
        match &a.server_default {
            Some(Some(d)) => out.push(format!(
                "ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {}",
                default_sql(d)
            )),
            Some(None) => out.push(format!("ALTER TABLE {t} ALTER COLUMN {c} DROP DEFAULT")),
            None => {}
        }
        if let Some(new) = &a.new_name {
            out.push(format!(
                "ALTER TABLE {t} RENAME COLUMN {c} TO {}",
                quote_ident(new)
            ));
        }
        return Ok(out);
    };
    let mut after = before.clone();
    if let Some(ty) = &a.ty {
        after.ty = ty.clone();
    }
    if let Some(nullable) = a.nullable {
        after.nullable = nullable;
    }
    if let Some(d) = &a.server_default {
        after.server_default = d.clone();
    }
    if let Some(comment) = &a.comment {
        after.comment = comment.clone();
    }
    if let Some(new) = &a.new_name {
        after.name = new.clone();
    }
    let auto = auto_increments(Some(&table.definition()), &after);
    let definition = column_def(&after, auto)?;
    Ok(vec![if a.new_name.is_some() {
        format!("ALTER TABLE {t} CHANGE COLUMN {c} {definition}")
    } else {
        format!("ALTER TABLE {t} MODIFY COLUMN {definition}")
    }])
}

fn create_index(i: &Index, columns: &[Column]) -> Result<String, Unsupported> {
    check_name("create_index", &i.name)?;
    // MySQL has no partial indexes. `postgresql_where` and `sqlite_where` do
    // not apply here (as in Alembic): a plain index answers the same
    // queries. A unique one would refuse rows the partial index allows:
    // refused.
    if let (Some((_, p)), true) = (i.predicates().next(), i.unique) {
        return Err(refuse(
            "create_index",
            format!("MySQL has no partial indexes, and `{}` without `WHERE {p}` would refuse rows it allows", i.name),
            "make the index non-unique, or enforce the condition with a generated column and a unique index on it",
        ));
    }
    let mut names = Vec::new();
    for c in i.columns.iter() {
        match c {
            IndexColumn::Column(c) => names.push(&**c),
            IndexColumn::Expression(e) => {
                return Err(refuse(
                    "create_index",
                    format!("MariaDB cannot index an expression (`{e}` in `{}`)", i.name),
                    "index a generated column that holds the expression",
                ))
            }
        }
    }
    refuse_unprefixed(
        "create_index",
        &format!("index `{}`", i.name),
        &names,
        columns,
    )?;
    // `postgresql_using` and `postgresql_concurrently` do not apply.
    let unique = if i.unique { "UNIQUE " } else { "" };
    Ok(format!(
        "CREATE {unique}INDEX {} ON {} ({})",
        quote_ident(&i.name),
        table_name(&i.table)?,
        names
            .iter()
            .map(|n| quote_ident(n))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// Every column of the enum, restated with the values after the op.
fn add_enum_value(
    op: &Op,
    schema: &Option<Str>,
    name: &Str,
    model: Option<&Schema>,
) -> Result<Vec<String>, Unsupported> {
    let Some(model) = model.filter(|m| m.enums().any(|(n, _)| n == &**name)) else {
        return Err(refuse(
            "add_enum_value",
            format!("MySQL's enums are part of their columns, which are restated with the new value from the schema the migrations describe, and it has no enum `{name}` here"),
            "create the enum and its columns with ops, or write the change with `execute(mysql = \"ALTER TABLE ... MODIFY COLUMN ...\")`",
        ));
    };
    let mut next = model.clone();
    next.apply(op).map_err(|e| {
        refuse(
            "add_enum_value",
            format!("it cannot apply to the schema the migrations describe: {e}"),
            "check the migration with `verify`",
        )
    })?;
    let mut out = Vec::new();
    for t in next.tables() {
        for c in &t.columns {
            let ColumnType::Enum(e) = &c.ty else { continue };
            if e.name == *name && e.schema == *schema {
                out.push(modify(t, c)?);
            }
        }
    }
    Ok(out)
}

fn modify(t: &TableModel, c: &Column) -> Result<String, Unsupported> {
    Ok(format!(
        "ALTER TABLE {} MODIFY COLUMN {}",
        table_name(&t.table)?,
        column_def(c, auto_increments(Some(&t.definition()), c))?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(columns: Vec<IndexColumn>, unique: bool, predicate: Option<&str>) -> Index {
        Index::new(
            "ix".into(),
            TableRef::new(None, "t".into()),
            columns.into(),
            unique,
            predicate.map(|p| p.to_string().into()),
            None,
            Some("gin".into()),
            true,
        )
    }

    #[test]
    fn indexes_mysql_cannot_make_are_refused_and_postgresql_options_ignored() {
        let col = |c: &str| IndexColumn::Column(c.to_string().into());
        let plain = create_index(&index(vec![col("a")], false, Some("a > 0")), &[]).unwrap();
        assert_eq!(plain, "CREATE INDEX `ix` ON `t` (`a`)");
        let unique = create_index(&index(vec![col("a")], true, Some("a > 0")), &[]);
        assert!(unique.unwrap_err().reason.contains("partial"));
        let expression = IndexColumn::Expression("lower(a)".into());
        let err = create_index(&index(vec![expression], false, None), &[]).unwrap_err();
        assert!(err.reason.contains("expression"), "{}", err.reason);
        let text = Column::new(
            "a".into(),
            ColumnType::Text,
            true,
            false,
            None,
            None,
            None,
            None,
            None,
            None,
            true,
        );
        let err = create_index(&index(vec![col("a")], false, None), &[text]).unwrap_err();
        assert_eq!(err.what, "create_index");
        assert!(err.reason.contains("prefix length"), "{}", err.reason);
    }
}
