//! SQLite: the ops its `ALTER TABLE` can express natively, and table rebuilds
//! (move and copy) for the forms it lacks (changing a column, adding or
//! dropping a constraint, an expression default, a NOT NULL column without a
//! default, dropping an indexed column, widening an enum). [`needs_rebuild`]
//! says which ops need one and [`rebuild_sql`] writes it from the schema the
//! migrations describe; the migrator does both. `render` alone refuses those
//! ops.

use super::*;

const D: Dialect = Dialect::Sqlite;

pub(super) fn render(op: &Op) -> Result<Vec<String>, Unsupported> {
    match op {
        Op::CreateTable(t) => create_table(t),
        Op::DropTable { table, .. } => Ok(vec![format!("DROP TABLE {}", D.table(table)?)]),
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
                D.table(table)?,
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
            let t = D.table(&a.table)?;
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
            D.table(table)?;
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
            D.table(table)?;
            Ok(Vec::new())
        }
        Op::BulkInsert { table, rows } => Ok(bulk_insert(D, &D.table(table)?, rows)),
        Op::Execute(sql) => execute_sql(D, sql),
        Op::Run { function } => Err(Unsupported::new(
            "run",
            D,
            format!("`run({function})` is Rust code, not SQL"),
            "run the migration online; offline SQL cannot contain it",
        )),
    }
}

/// The native form of an op, completed from the schema the earlier ops left
/// where the op's text does not say enough: a column dropped without its
/// definition still has its own index (`Column(..., index = true)`), which
/// SQLite refuses to keep across the drop.
pub(crate) fn render_in(
    op: &Op,
    schema: &crate::schema::Schema,
) -> Result<Vec<String>, Unsupported> {
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
pub(crate) fn needs_rebuild(op: &Op, schema: &crate::schema::Schema) -> Option<Vec<TableRef>> {
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
            let in_index = t.indexes.iter().any(|i| {
                Some(&i.name) != own.as_ref()
                    && (i.columns.iter().any(|c| match c {
                        IndexColumn::Column(n) => n == column,
                        IndexColumn::Expression(e) => e.contains(&**column),
                    }) || i.predicate.as_ref().is_some_and(|p| p.contains(&**column)))
            });
            let in_constraint = t.constraints.iter().any(|c| match &c.kind {
                ConstraintKind::Check { condition } => condition.contains(&**column),
                kind => kind.columns().contains(column),
            });
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
pub(crate) fn rebuild_sources(op: &Op) -> Vec<(Str, String)> {
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
pub(crate) fn rebuild_sql(
    before: &crate::schema::TableModel,
    after: &crate::schema::TableModel,
    sources: &[(Str, String)],
) -> Result<Vec<String>, Unsupported> {
    let table = D.table(&after.table)?;
    let tmp = quote_ident(&format!("_migrate_new_{}", after.table.name));
    let mut def = after.definition();
    // The indexes are re-created afterwards from the model, inline ones included.
    def.columns = def
        .columns
        .iter()
        .map(|c| Column {
            index: None,
            ..c.clone()
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
            D.table(&before.table)?
        ));
    }
    out.push(format!("DROP TABLE {}", D.table(&before.table)?));
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
pub(crate) fn rebuild_guard(table: &str, columns: &[String], context: &str) -> Vec<String> {
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

fn rebuild(what: &str, doing: &str) -> Unsupported {
    Unsupported::new(
        what,
        D,
        format!("SQLite's ALTER TABLE cannot do {doing}; it needs a table rebuild (move and copy) from the table's current definition"),
        "apply it through the Migrator, which rebuilds the table from the schema the migrations describe",
    )
}

/// A random version 4 UUID as text, built from SQLite's own functions.
const UUID_V4: &str = "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))";

pub(super) fn default_sql(d: &ServerDefault) -> String {
    match d {
        ServerDefault::Literal(s) => quote_literal(s),
        ServerDefault::Number(n) => n.to_string(),
        ServerDefault::Boolean(b) => if *b { "1" } else { "0" }.into(),
        // SQLite takes expressions as defaults only in parentheses.
        ServerDefault::Sql(s) => format!("({s})"),
        ServerDefault::Now => "CURRENT_TIMESTAMP".into(),
        ServerDefault::Uuid => UUID_V4.into(),
    }
}

/// Whether ADD COLUMN can take this default: SQLite refuses expressions and
/// the CURRENT_* keywords there.
fn constant_default(d: &ServerDefault) -> bool {
    match d {
        ServerDefault::Literal(_) | ServerDefault::Number(_) | ServerDefault::Boolean(_) => true,
        ServerDefault::Sql(_) | ServerDefault::Now | ServerDefault::Uuid => false,
    }
}

fn enum_check(table: &str, c: &Column) -> Option<String> {
    let ColumnType::Enum(e) = &c.ty else {
        return None;
    };
    let values = e
        .values
        .iter()
        .map(|v| quote_literal(v))
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
    let rowid = table.is_some() && auto_increments(table, c);
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
        format!("{} {}", quote_ident(&c.name), type_sql(D, &c.ty)?)
    };
    s.push_str(&column_constraints(
        D,
        c,
        c.server_default.as_ref().map(default_sql),
    )?);
    if let Some(check) = enum_check(table_name, c) {
        s.push(' ');
        s.push_str(&check);
    }
    Ok(s)
}

fn create_table(t: &Table) -> Result<Vec<String>, Unsupported> {
    create_table_named(t, &D.table(&t.table)?)
}

/// `CREATE TABLE` for a definition under another name (a rebuild's new table):
/// constraint names stay those of the definition's table.
fn create_table_named(t: &Table, name: &str) -> Result<Vec<String>, Unsupported> {
    let name = name.to_string();
    let mut parts = Vec::new();
    let mut inline_pk = false;
    for c in t.columns.iter() {
        inline_pk |= auto_increments(Some(t), c);
        parts.push(column_def(Some(t), &t.table.name, c)?);
    }
    for c in t.constraints.iter() {
        if inline_pk && matches!(c.kind, ConstraintKind::PrimaryKey { .. }) {
            continue;
        }
        parts.push(constraint_def(D, c)?);
    }
    let mut out = vec![format!(
        "CREATE TABLE {name} (\n    {}\n)",
        parts.join(",\n    ")
    )];
    out.extend(t.columns.iter().filter_map(|c| column_index(&name, c)));
    Ok(out)
}

fn add_column(table: &TableRef, c: &Column) -> Result<Vec<String>, Unsupported> {
    let t = D.table(table)?;
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
    out.extend(column_index(&t, c));
    Ok(out)
}

fn create_index(i: &Index) -> Result<String, Unsupported> {
    let unique = if i.unique { "UNIQUE " } else { "" };
    // `postgresql_using` (the index method) is a performance hint with no
    // SQLite counterpart; `postgresql_concurrently` has no meaning here.
    let predicate = match &i.predicate {
        Some(p) => format!(" WHERE {p}"),
        None => String::new(),
    };
    Ok(format!(
        "CREATE {unique}INDEX {} ON {} ({}){predicate}",
        quote_ident(&i.name),
        D.table(&i.table)?,
        index_elements(&i.columns)
    ))
}
