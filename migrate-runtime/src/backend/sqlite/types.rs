//! SQLite's quoting, types and defaults.

use crate::backend::Backend;
use crate::dialect::Unsupported;
use crate::ops::*;

pub(super) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `'text'` with embedded quotes doubled: SQLite reads a backslash literally.
pub(super) fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

pub(super) fn qualified(schema: &Option<Str>, name: &str) -> Result<String, Unsupported> {
    match schema {
        None => Ok(quote_ident(name)),
        Some(s) => Err(Unsupported::new(
            "schema",
            super::Sqlite.dialect(),
            format!("SQLite has no schemas, and `{s}.{name}` would silently become `main.{name}`"),
            "drop `schema = ...` from migrations that must run on SQLite",
        )),
    }
}

/// SQLite's spelling of each type (its affinity comes from the name).
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
        ColumnType::Double => "DOUBLE".into(),
        ColumnType::Date => "DATE".into(),
        ColumnType::Time => "TIME".into(),
        ColumnType::DateTime { .. } => "DATETIME".into(),
        ColumnType::Uuid => "CHAR(36)".into(),
        ColumnType::Json | ColumnType::Jsonb => "JSON".into(),
        ColumnType::Binary => "BLOB".into(),
        // Text with a CHECK on its values (see `render::enum_check`).
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

/// A random version 4 UUID as text, built from SQLite's own functions.
const UUID_V4: &str = "(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', abs(random()) % 4 + 1, 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))";

pub(super) fn default_sql(d: &ServerDefault) -> String {
    match d {
        ServerDefault::Literal(s) => quote_literal(s),
        ServerDefault::Number(n) => n.to_string(),
        ServerDefault::Boolean(b) => bool_literal(*b).into(),
        // SQLite takes expressions as defaults only in parentheses.
        ServerDefault::Sql(s) => format!("({s})"),
        ServerDefault::Now => "CURRENT_TIMESTAMP".into(),
        ServerDefault::Uuid => UUID_V4.into(),
    }
}

/// Whether ADD COLUMN can take this default: SQLite refuses expressions and
/// the CURRENT_* keywords there.
pub(super) fn constant_default(d: &ServerDefault) -> bool {
    match d {
        ServerDefault::Literal(_) | ServerDefault::Number(_) | ServerDefault::Boolean(_) => true,
        ServerDefault::Sql(_) | ServerDefault::Now | ServerDefault::Uuid => false,
    }
}

pub(super) fn bool_literal(b: bool) -> &'static str {
    if b {
        "1"
    } else {
        "0"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote_ident("we\"ird"), "\"we\"\"ird\"");
        assert_eq!(quote_literal("it's \\ fine"), "'it''s \\ fine'");
        assert_eq!(quote_literal("a\\'b"), "'a\\''b'");
    }
}
