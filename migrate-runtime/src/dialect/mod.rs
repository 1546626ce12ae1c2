//! SQL rendering per database. Every op is matched exhaustively for every
//! dialect: it renders to statements, or to an [`Unsupported`] that says why and
//! what to do instead — never to SQL that is silently wrong. Identifiers are
//! always quoted; values in `bulk_insert` are escaped literals (numbers were
//! validated by the macro), so the same text serves online and offline runs.

mod postgres;
pub(crate) mod sqlite;

use crate::ops::*;
use std::fmt;

/// A database flavour of SQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Dialect {
    /// PostgreSQL 12 and later.
    #[cfg_attr(feature = "cli", value(name = "postgresql", alias = "postgres"))]
    Postgres,
    /// SQLite 3.35 and later.
    Sqlite,
}

impl Dialect {
    /// The name used in messages and in `execute(postgresql = ..., sqlite = ...)`.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgresql",
            Dialect::Sqlite => "sqlite",
        }
    }

    /// Whether DDL is transactional, so that a migration and its version row
    /// commit together.
    pub fn transactional_ddl(self) -> bool {
        match self {
            Dialect::Postgres | Dialect::Sqlite => true,
        }
    }

    /// The statements for one op.
    pub fn render(self, op: &Op) -> Result<Vec<String>, Unsupported> {
        match self {
            Dialect::Postgres => postgres::render(op),
            Dialect::Sqlite => sqlite::render(op),
        }
    }

    /// A quoted identifier: `"name"`, with `"` doubled.
    pub fn ident(self, name: &str) -> String {
        quote_ident(name)
    }

    /// A quoted, schema-qualified table name.
    pub fn table(self, t: &TableRef) -> Result<String, Unsupported> {
        self.qualified(&t.schema, &t.name)
    }

    /// A quoted name of an object in a schema (a table, a type, an index).
    pub fn qualified(self, schema: &Option<Str>, name: &str) -> Result<String, Unsupported> {
        match (self, schema) {
            (_, None) => Ok(quote_ident(name)),
            (Dialect::Postgres, Some(s)) => Ok(format!("{}.{}", quote_ident(s), quote_ident(name))),
            (Dialect::Sqlite, Some(s)) => Err(Unsupported::new(
                "schema",
                self,
                format!(
                    "SQLite has no schemas, and `{s}.{name}` would silently become `main.{name}`"
                ),
                "drop `schema = ...` from migrations that must run on SQLite",
            )),
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dialect::Postgres => "PostgreSQL",
            Dialect::Sqlite => "SQLite",
        })
    }
}

/// An op, or one of its arguments, that a database cannot do as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    /// The op or argument (`alter_column`, `schema`, ...).
    pub what: String,
    /// The database.
    pub dialect: Dialect,
    /// Why.
    pub reason: String,
    /// What to do instead.
    pub help: String,
}

impl Unsupported {
    pub(crate) fn new(
        what: impl Into<String>,
        dialect: Dialect,
        reason: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Unsupported {
            what: what.into(),
            dialect,
            reason: reason.into(),
            help: help.into(),
        }
    }
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not supported on {}: {}\nhelp: {}",
            self.what, self.dialect, self.reason, self.help
        )
    }
}

impl std::error::Error for Unsupported {}

/// `"name"` with embedded quotes doubled.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `'text'` with embedded quotes doubled: the standard SQL escape, which both
/// databases read literally (PostgreSQL with `standard_conforming_strings`,
/// the default since 9.1 and set by the migrator for its session).
pub(crate) fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A text literal that every session reads as written. On PostgreSQL a
/// backslash is an escape when `standard_conforming_strings` is off, and a
/// script's own `SET` cannot help when the script is sent as one query string
/// (the server reads all of it first): text with a backslash is dollar-quoted
/// there, under a tag the text does not contain.
pub(crate) fn literal(dialect: Dialect, text: &str) -> String {
    if dialect == Dialect::Sqlite || !text.contains('\\') {
        return quote_literal(text);
    }
    let mut tag = "m".to_string();
    let mut n = 0;
    while text.contains(&format!("${tag}")) {
        n += 1;
        tag = format!("m{n}");
    }
    format!("${tag}${text}${tag}$")
}

pub(crate) fn ident_list(names: &[Str]) -> String {
    names
        .iter()
        .map(|n| quote_ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value of `bulk_insert` as a literal.
pub(crate) fn value_literal(dialect: Dialect, v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Bool(b) => match dialect {
            Dialect::Postgres => if *b { "TRUE" } else { "FALSE" }.into(),
            Dialect::Sqlite => if *b { "1" } else { "0" }.into(),
        },
        Value::Number(n) => n.to_string(),
        Value::Text(t) => literal(dialect, t),
    }
}

/// `INSERT INTO t (a, b) VALUES (...), (...)`, one statement per run of rows
/// that set the same columns.
pub(crate) fn bulk_insert(dialect: Dialect, table: &str, rows: &[Row]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let columns: Vec<&str> = rows[i].values.iter().map(|(c, _)| &**c).collect();
        let mut values = Vec::new();
        while i < rows.len()
            && rows[i]
                .values
                .iter()
                .map(|(c, _)| &**c)
                .eq(columns.iter().copied())
        {
            let row = rows[i]
                .values
                .iter()
                .map(|(_, v)| value_literal(dialect, v))
                .collect::<Vec<_>>()
                .join(", ");
            values.push(format!("({row})"));
            i += 1;
        }
        let cols = columns
            .iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(format!(
            "INSERT INTO {table} ({cols}) VALUES {}",
            values.join(", ")
        ));
    }
    out
}

/// The index elements: quoted columns, parenthesised expressions.
pub(crate) fn index_elements(columns: &[IndexColumn]) -> String {
    columns
        .iter()
        .map(|c| match c {
            IndexColumn::Column(c) => quote_ident(c),
            IndexColumn::Expression(e) => format!("({e})"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `ON DELETE ... ON UPDATE ... DEFERRABLE INITIALLY ...`
pub(crate) fn fk_actions(
    on_delete: Option<ReferentialAction>,
    on_update: Option<ReferentialAction>,
    deferrable: Option<bool>,
    initially_deferred: Option<bool>,
) -> String {
    let mut s = String::new();
    if let Some(a) = on_delete {
        s.push_str(&format!(" ON DELETE {}", a.sql()));
    }
    if let Some(a) = on_update {
        s.push_str(&format!(" ON UPDATE {}", a.sql()));
    }
    match deferrable {
        Some(true) => s.push_str(" DEFERRABLE"),
        Some(false) => s.push_str(" NOT DEFERRABLE"),
        None => {}
    }
    match initially_deferred {
        Some(true) => s.push_str(" INITIALLY DEFERRED"),
        Some(false) => s.push_str(" INITIALLY IMMEDIATE"),
        None => {}
    }
    s
}

/// Whether a column is the sole integer primary key that auto-increments
/// (SQLAlchemy's rule: `autoincrement` unset means yes for such a column).
pub(crate) fn auto_increments(table: Option<&Table>, c: &Column) -> bool {
    let integer = matches!(
        c.ty,
        ColumnType::SmallInteger | ColumnType::Integer | ColumnType::BigInteger
    );
    let sole_pk = match table.and_then(|t| t.primary_key()) {
        Some((_, cols)) => cols.len() == 1 && cols[0] == c.name,
        None => c.primary_key,
    };
    integer && sole_pk && c.autoincrement != Some(false)
}

/// A column type in a dialect.
pub(crate) fn type_sql(dialect: Dialect, ty: &ColumnType) -> Result<String, Unsupported> {
    let postgres = dialect == Dialect::Postgres;
    Ok(match ty {
        ColumnType::SmallInteger => "SMALLINT".into(),
        ColumnType::Integer => "INTEGER".into(),
        ColumnType::BigInteger => "BIGINT".into(),
        ColumnType::String(Some(n)) => format!("VARCHAR({n})"),
        ColumnType::String(None) => "VARCHAR".into(),
        ColumnType::Text => "TEXT".into(),
        ColumnType::Boolean => "BOOLEAN".into(),
        ColumnType::Numeric {
            precision: Some(p),
            scale: Some(s),
        } => format!("NUMERIC({p}, {s})"),
        ColumnType::Numeric {
            precision: Some(p),
            scale: None,
        } => format!("NUMERIC({p})"),
        ColumnType::Numeric {
            precision: None, ..
        } => "NUMERIC".into(),
        ColumnType::Float => "REAL".into(),
        ColumnType::Double if postgres => "DOUBLE PRECISION".into(),
        ColumnType::Double => "DOUBLE".into(),
        ColumnType::Date => "DATE".into(),
        ColumnType::Time => "TIME".into(),
        ColumnType::DateTime { timezone: false } if postgres => {
            "TIMESTAMP WITHOUT TIME ZONE".into()
        }
        ColumnType::DateTime { timezone: true } if postgres => "TIMESTAMP WITH TIME ZONE".into(),
        ColumnType::DateTime { .. } => "DATETIME".into(),
        ColumnType::Uuid if postgres => "UUID".into(),
        ColumnType::Uuid => "CHAR(36)".into(),
        ColumnType::Json if postgres => "JSON".into(),
        ColumnType::Jsonb if postgres => "JSONB".into(),
        ColumnType::Json | ColumnType::Jsonb => "JSON".into(),
        ColumnType::Binary if postgres => "BYTEA".into(),
        ColumnType::Binary => "BLOB".into(),
        // A native type on PostgreSQL; text with a CHECK elsewhere.
        ColumnType::Enum(e) if postgres => dialect.qualified(&e.schema, &e.name)?,
        ColumnType::Enum(e) => {
            let longest = e
                .values
                .iter()
                .map(|v| v.chars().count())
                .max()
                .unwrap_or(1);
            format!("VARCHAR({longest})")
        }
    })
}

/// What follows a column's name and type: NOT NULL, DEFAULT (as the dialect
/// renders it), and the inline UNIQUE and REFERENCES with their names.
pub(crate) fn column_constraints(
    dialect: Dialect,
    c: &Column,
    default: Option<String>,
) -> Result<String, Unsupported> {
    let mut s = String::new();
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = default {
        s.push_str(&format!(" DEFAULT {d}"));
    }
    if let Some(u) = &c.unique {
        s.push_str(&format!(" CONSTRAINT {} UNIQUE", quote_ident(u)));
    }
    if let Some(fk) = &c.foreign_key {
        s.push_str(&format!(
            " CONSTRAINT {} REFERENCES {} ({}){}",
            quote_ident(&fk.name),
            dialect.table(&fk.referent)?,
            quote_ident(&fk.referent_column),
            fk_actions(fk.on_delete, fk.on_update, None, None)
        ));
    }
    Ok(s)
}

/// A named table constraint, as in `CREATE TABLE` or `ADD CONSTRAINT`.
pub(crate) fn constraint_def(dialect: Dialect, c: &Constraint) -> Result<String, Unsupported> {
    let name = quote_ident(&c.name);
    Ok(match &c.kind {
        ConstraintKind::PrimaryKey { columns } => {
            format!("CONSTRAINT {name} PRIMARY KEY ({})", ident_list(columns))
        }
        ConstraintKind::Unique { columns } => {
            format!("CONSTRAINT {name} UNIQUE ({})", ident_list(columns))
        }
        ConstraintKind::Check { condition } => format!("CONSTRAINT {name} CHECK ({condition})"),
        ConstraintKind::ForeignKey(fk) => format!(
            "CONSTRAINT {name} FOREIGN KEY ({}) REFERENCES {} ({}){}",
            ident_list(&fk.columns),
            dialect.table(&fk.referent)?,
            ident_list(&fk.referent_columns),
            fk_actions(
                fk.on_delete,
                fk.on_update,
                fk.deferrable,
                fk.initially_deferred
            )
        ),
    })
}

/// The SQL text of `execute` for a dialect.
/// `CREATE INDEX` for a column's own index (`Column(..., index = true)`).
pub(crate) fn column_index(table: &str, c: &Column) -> Option<String> {
    c.index.as_ref().map(|ix| {
        format!(
            "CREATE INDEX {} ON {table} ({})",
            quote_ident(ix),
            quote_ident(&c.name)
        )
    })
}

pub(crate) fn execute_sql(dialect: Dialect, sql: &Sql) -> Result<Vec<String>, Unsupported> {
    let text = match dialect {
        Dialect::Postgres => sql.postgresql.as_ref(),
        Dialect::Sqlite => sql.sqlite.as_ref(),
    }
    .or(sql.any.as_ref());
    match text {
        Some(t) => Ok(vec![t.to_string()]),
        None => Err(Unsupported::new(
            "execute",
            dialect,
            "this `execute` has no SQL for this database",
            format!(
                "add `{} = \"...\"` (or a text for every database) to the `execute`",
                dialect.name()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote_ident("we\"ird"), "\"we\"\"ird\"");
        assert_eq!(quote_literal("it's \\ fine"), "'it''s \\ fine'");
        let pg = |t| literal(Dialect::Postgres, t);
        assert_eq!(pg("it's"), "'it''s'");
        assert_eq!(pg("a\\'b"), "$m$a\\'b$m$");
        assert_eq!(pg("a\\ $m$"), "$m1$a\\ $m$$m1$");
        assert_eq!(pg("\\$m"), "$m1$\\$m$m1$");
        assert_eq!(literal(Dialect::Sqlite, "a\\'b"), "'a\\''b'");
    }

    #[test]
    fn execute_picks_the_dialects_text_and_refuses_when_there_is_none() {
        let pg_only = Sql {
            any: None,
            postgresql: Some("CREATE SCHEMA sales".into()),
            sqlite: None,
            mysql: None,
        };
        assert_eq!(
            execute_sql(Dialect::Postgres, &pg_only).unwrap(),
            ["CREATE SCHEMA sales"]
        );
        let err = execute_sql(Dialect::Sqlite, &pg_only).unwrap_err();
        assert_eq!(
            (err.what.as_str(), err.dialect),
            ("execute", Dialect::Sqlite)
        );
        assert!(err.help.contains("`sqlite = \"...\"`"), "{}", err.help);

        let with_fallback = Sql {
            any: Some("SELECT 1".into()),
            ..pg_only
        };
        assert_eq!(
            execute_sql(Dialect::Postgres, &with_fallback).unwrap(),
            ["CREATE SCHEMA sales"]
        );
        assert_eq!(
            execute_sql(Dialect::Sqlite, &with_fallback).unwrap(),
            ["SELECT 1"]
        );
    }
}
