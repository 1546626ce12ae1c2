//! SQLite's table rebuilds (move and copy), for what its `ALTER TABLE`
//! lacks: changing a column, adding or dropping a constraint, an expression
//! default, a NOT NULL column without a default, dropping an indexed column,
//! widening an enum. [`Rebuilds::tables`] says which ops need one and
//! [`Rebuilds::rebuild_sql`] writes it from the schema the migrations
//! describe; the migrator's renderer does both.

use super::render::{create_index, create_table_named, render};
use super::types::{constant_default, quote_ident, quote_literal};
use super::Sqlite;
use crate::backend::{Backend, Rebuilds};
use crate::dialect::Unsupported;
use crate::migration::Connection;
use crate::ops::*;
use crate::schema::{Schema, TableModel};

fn table_name(t: &TableRef) -> Result<String, Unsupported> {
    crate::backend::sql::table(&Sqlite, t)
}

/// The native form of an op, completed from the schema the earlier ops left
/// where the op's text does not say enough: a column dropped without its
/// definition still has its own index (`Column(..., index = true)`), which
/// SQLite refuses to keep across the drop.
pub(super) fn render_in(op: &Op, schema: &Schema) -> Result<Vec<String>, Unsupported> {
    let mut out = Vec::new();
    if let Op::DropColumn {
        table,
        column,
        definition,
    } = op
    {
        let own = schema
            .table(table)
            .and_then(|t| t.column(column))
            .and_then(|c| c.index.as_ref());
        let stated = definition.as_ref().and_then(|c| c.index.as_ref());
        if let Some(ix) = own.filter(|ix| Some(*ix) != stated) {
            out.push(format!("DROP INDEX IF EXISTS {}", quote_ident(ix)));
        }
    }
    out.extend(render(op)?);
    Ok(out)
}

/// The tables an op needs rebuilt on SQLite (move and copy), given the schema
/// the earlier ops left; `None` when SQLite's ALTER TABLE can do it.
fn tables(op: &Op, schema: &Schema) -> Option<Vec<TableRef>> {
    match op {
        Op::AlterColumn(a) => {
            (a.ty.is_some() || a.nullable.is_some() || a.server_default.is_some())
                .then(|| vec![a.table.clone()])
        }
        Op::AddConstraint { table, .. } | Op::DropConstraint { table, .. } => {
            Some(vec![table.clone()])
        }
        Op::AddColumn { table, column } => {
            let expression = column
                .server_default
                .as_ref()
                .is_some_and(|d| !constant_default(d));
            // SQLite refuses a NOT NULL column without a default even on an
            // empty table (one made in the same migration); PostgreSQL adds it
            // to an empty table: the rebuild does the same.
            let not_null = !column.nullable && column.server_default.is_none();
            (column.unique.is_some() || expression || not_null).then(|| vec![table.clone()])
        }
        Op::DropColumn { table, column, .. } => {
            // SQLite refuses to drop a column a key, a constraint or an index
            // (other than the column's own) uses.
            let t = schema.table(table)?;
            let own = t.column(column).and_then(|c| c.index.clone());
            // The schema model's rule of what depends on a column.
            let in_index = t.indexes.iter().any(|i| {
                Some(&i.name) != own.as_ref() && migrate_core::schema::index_uses_column(i, column)
            });
            let in_constraint = t
                .constraints
                .iter()
                .any(|c| migrate_core::schema::constraint_uses_column(c, column));
            let c = t.column(column)?;
            let keyed = c.primary_key || c.unique.is_some() || c.foreign_key.is_some();
            (in_index || in_constraint || keyed).then(|| vec![table.clone()])
        }
        Op::AddEnumValue {
            schema: s, name, ..
        } => {
            let tables: Vec<TableRef> = schema
                .tables()
                .filter(|t| t.columns.iter().any(|c| matches!(&c.ty, ColumnType::Enum(e) if e.name == *name && e.schema == *s)))
                .map(|t| t.table.clone())
                .collect();
            Some(tables)
        }
        Op::CreateTable(_)
        | Op::DropTable { .. }
        | Op::RenameTable { .. }
        | Op::CreateIndex(_)
        | Op::DropIndex { .. }
        | Op::CreateEnum(_)
        | Op::DropEnum { .. }
        | Op::SetTableComment { .. }
        | Op::BulkInsert { .. }
        | Op::Execute(_)
        | Op::Run { .. } => None,
    }
}

/// Where a rebuild reads a new column from, when not from the column of the
/// same name: a renamed column is read under its old name. A type change is
/// copied as it is (SQLite converts by the new column's affinity):
/// `postgresql_using` is PostgreSQL's, and a dialect-prefixed option never
/// applies to another database.
fn sources(op: &Op) -> Vec<(Str, String)> {
    match op {
        Op::AlterColumn(AlterColumn {
            column,
            new_name: Some(new),
            ..
        }) => vec![(new.clone(), quote_ident(column))],
        _ => Vec::new(),
    }
}

/// Rebuilds a table as SQLite's documentation prescribes: create the new
/// definition under a temporary name, copy the rows, drop the old table,
/// rename, re-create the indexes. Foreign keys are off around the run and
/// checked before the migration commits. `sources` gives the SQL that fills a
/// new column from the old table (a renamed column).
fn rebuild_sql(
    before: &TableModel,
    after: &TableModel,
    sources: &[(Str, String)],
) -> Result<Vec<String>, Unsupported> {
    let table = table_name(&after.table)?;
    let tmp = quote_ident(&format!("_migrate_new_{}", after.table.name));
    let mut def = after.definition();
    // The indexes are re-created afterwards from the model, inline ones included.
    def.columns = def
        .columns
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c.index = None;
            c
        })
        .collect::<Vec<_>>()
        .into();
    let mut out = create_table_named(&def, &tmp)?;
    let mut to = Vec::new();
    let mut from = Vec::new();
    for c in &after.columns {
        match sources.iter().find(|(new, _)| *new == c.name) {
            Some((_, expression)) => {
                to.push(quote_ident(&c.name));
                from.push(expression.clone());
            }
            None if before.column(&c.name).is_some() => {
                to.push(quote_ident(&c.name));
                from.push(quote_ident(&c.name));
            }
            None => {}
        }
    }
    if !to.is_empty() {
        out.push(format!(
            "INSERT INTO {tmp} ({}) SELECT {} FROM {}",
            to.join(", "),
            from.join(", "),
            table_name(&before.table)?
        ));
    }
    out.push(format!("DROP TABLE {}", table_name(&before.table)?));
    out.push(format!("ALTER TABLE {tmp} RENAME TO {table}"));
    for i in &after.indexes {
        out.push(create_index(i)?);
    }
    Ok(out)
}

/// For offline SQL, before a rebuild of `table` (which copies only the
/// columns the migrations describe): statements that roll the migration back
/// and stop the script with an error unless the live table has exactly
/// `columns` (by name) and no triggers, as the migrator checks online. SQLite
/// has no procedural SQL: a temporary trigger raises the error.
fn guard(table: &str, columns: &[String], context: &str) -> Vec<String> {
    let guard = quote_ident("_migrate_guard");
    let info = format!("pragma_table_info({})", quote_literal(table));
    let names = columns
        .iter()
        .map(|c| quote_literal(c))
        .collect::<Vec<_>>()
        .join(", ");
    let n = columns.len();
    let message = format!(
        "{context} must rebuild table `{table}` (SQLite cannot alter it in place), but the table does not have exactly the columns [{}] the migrations describe, or it has triggers, which a rebuild would drop\nhelp: the database was changed outside the migrations; bring it back to what they describe, or describe the change in a migration; this migration was rolled back",
        columns.join(", ")
    );
    vec![
        format!("CREATE TEMP TABLE {guard} (ok INTEGER)"),
        format!(
            "CREATE TEMP TRIGGER {guard} BEFORE INSERT ON {guard} WHEN NOT NEW.ok BEGIN SELECT RAISE(ROLLBACK, {}); END",
            quote_literal(&message)
        ),
        format!(
            "INSERT INTO {guard} (ok) SELECT (SELECT count(*) FROM {info}) = {n} AND (SELECT count(*) FROM {info} WHERE name IN ({names})) = {n} AND NOT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND tbl_name = {})",
            quote_literal(table)
        ),
        format!("DROP TABLE {guard}"),
    ]
}

/// The refusal of an op that needs a rebuild, when rendered alone.
pub(super) fn refused(what: &str, doing: &str) -> Unsupported {
    Unsupported::new(
        what,
        Sqlite.dialect(),
        format!("SQLite's ALTER TABLE cannot do {doing}; it needs a table rebuild (move and copy) from the table's current definition"),
        "apply it through the Migrator, which rebuilds the table from the schema the migrations describe",
    )
}

/// SQLite's rebuilds.
pub(super) struct SqliteRebuilds;

impl Rebuilds for SqliteRebuilds {
    fn tables(&self, op: &Op, schema: &Schema) -> Option<Vec<TableRef>> {
        tables(op, schema)
    }

    fn sources(&self, op: &Op) -> Vec<(Str, String)> {
        sources(op)
    }

    fn rebuild_sql(
        &self,
        before: &TableModel,
        after: &TableModel,
        sources: &[(Str, String)],
    ) -> Result<Vec<String>, Unsupported> {
        rebuild_sql(before, after, sources)
    }

    fn guard(&self, table: &str, columns: &[String], context: &str) -> Vec<String> {
        guard(table, columns, context)
    }

    fn script_note(&self) -> &'static str {
        "Table rebuilds (SQLite): before each, the script checks that the table has exactly the columns the migrations describe and no triggers. If not, it rolls that migration back and stops with an error, since the rebuild would drop what else the table has. Apply it so that it stops at the first error (`sqlite3 -bail`)."
    }

    fn live_columns(
        &self,
        conn: &mut Connection<'_>,
        table: &str,
    ) -> Result<Vec<String>, diesel::result::Error> {
        Ok(conn
            .texts(&format!(
                "SELECT name AS value FROM pragma_table_info({})",
                quote_literal(table)
            ))?
            .into_iter()
            .flatten()
            .collect())
    }

    /// Triggers go with the dropped table and are not in the model: a
    /// rebuild would lose them silently.
    fn would_drop(
        &self,
        conn: &mut Connection<'_>,
        table: &str,
    ) -> Result<Vec<String>, diesel::result::Error> {
        Ok(conn
            .texts(&format!(
                "SELECT name AS value FROM sqlite_master WHERE type = 'trigger' AND tbl_name = {}",
                quote_literal(table)
            ))?
            .into_iter()
            .flatten()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(name: &'static str) -> Column {
        Column::new(
            name.into(),
            ColumnType::Integer,
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

    /// A table `t (a, amount)` with a check constraint on `condition`.
    fn schema(condition: &'static str) -> Schema {
        let mut schema = Schema::new();
        let table = TableRef::new(None, "t".into());
        schema
            .apply(&Op::CreateTable(Table {
                table: table.clone(),
                columns: vec![column("a"), column("amount")].into(),
                constraints: vec![Constraint::new(
                    "ck_t".into(),
                    ConstraintKind::Check {
                        condition: condition.into(),
                    },
                )]
                .into(),
                comment: None,
            }))
            .unwrap();
        schema
    }

    /// Dropping a column rebuilds the table only when a constraint uses that
    /// column, by the schema model's rule: a name inside a longer one
    /// (`a` in `amount`) is not a use.
    #[test]
    fn a_column_a_check_names_is_dropped_by_rebuild_and_only_that() {
        let drop_a = Op::DropColumn {
            table: TableRef::new(None, "t".into()),
            column: "a".into(),
            definition: None,
        };
        assert_eq!(tables(&drop_a, &schema("amount > 0")), None);
        assert!(tables(&drop_a, &schema("a > 0")).is_some());
        assert!(tables(&drop_a, &schema("\"a\" > amount")).is_some());
    }
}
