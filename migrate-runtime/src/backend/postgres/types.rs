//! PostgreSQL's quoting, types and defaults.

use super::Postgres;
use crate::backend::Backend;
use crate::dialect::Unsupported;
use crate::ops::*;

pub(super) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A text literal that every session reads as written: `'...'` with quotes
/// doubled, the standard escape (read literally with
/// `standard_conforming_strings`, the default since 9.1 and set by the
/// migrator for its session). A backslash is an escape when that setting is
/// off, and a script's own `SET` cannot help when the script is sent as one
/// query string (the server reads all of it first): text with a backslash is
/// dollar-quoted, under a tag the text does not contain.
pub(super) fn quote_literal(text: &str) -> String {
    if !text.contains('\\') {
        return format!("'{}'", text.replace('\'', "''"));
    }
    let mut tag = "m".to_string();
    let mut n = 0;
    while text.contains(&format!("${tag}")) {
        n += 1;
        tag = format!("m{n}");
    }
    format!("${tag}${text}${tag}$")
}

pub(super) fn qualified(schema: &Option<Str>, name: &str) -> String {
    match schema {
        None => quote_ident(name),
        Some(s) => format!("{}.{}", quote_ident(s), quote_ident(name)),
    }
}

pub(super) fn type_sql(ty: &ColumnType) -> Result<String, Unsupported> {
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
        ColumnType::Double => "DOUBLE PRECISION".into(),
        ColumnType::Date => "DATE".into(),
        ColumnType::Time => "TIME".into(),
        ColumnType::DateTime { timezone: false } => "TIMESTAMP WITHOUT TIME ZONE".into(),
        ColumnType::DateTime { timezone: true } => "TIMESTAMP WITH TIME ZONE".into(),
        ColumnType::Uuid => "UUID".into(),
        ColumnType::Json => "JSON".into(),
        ColumnType::Jsonb => "JSONB".into(),
        ColumnType::Binary => "BYTEA".into(),
        // A native type, created by the migration.
        ColumnType::Enum(e) => Postgres.qualified(&e.schema, &e.name)?,
    })
}

pub(super) fn default_sql(d: &ServerDefault) -> String {
    match d {
        ServerDefault::Literal(s) => quote_literal(s),
        ServerDefault::Number(n) => n.to_string(),
        ServerDefault::Boolean(b) => bool_literal(*b).into(),
        ServerDefault::Sql(s) => s.to_string(),
        ServerDefault::Now => "CURRENT_TIMESTAMP".into(),
        ServerDefault::Uuid => "gen_random_uuid()".into(),
    }
}

pub(super) fn bool_literal(b: bool) -> &'static str {
    if b {
        "TRUE"
    } else {
        "FALSE"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote_ident("we\"ird"), "\"we\"\"ird\"");
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(quote_literal("a\\'b"), "$m$a\\'b$m$");
        assert_eq!(quote_literal("a\\ $m$"), "$m1$a\\ $m$$m1$");
        assert_eq!(quote_literal("\\$m"), "$m1$\\$m$m1$");
    }
}
