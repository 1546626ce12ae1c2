//! SQLite's quoting, types and defaults.

use super::sql_text;
use crate::backend::sql::{is_number, string_literal, type_parts};
use crate::backend::Backend;
use crate::dialect::Unsupported;
use crate::introspect::ColumnSnapshot;
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

/// The model's type of a declared type: the spellings [`type_sql`] writes
/// (`CHAR(36)` is a UUID), common others (`INT`, `VARCHAR(n)`, `DECIMAL(p,
/// s)`, `TIMESTAMP`, ...), then SQLite's affinity rules (a name with `INT`
/// is an integer; with `CHAR`, `CLOB` or `TEXT` text; with `BLOB` binary;
/// with `REAL`, `FLOA` or `DOUB` a double). Enum columns are read from
/// their CHECK ([`enum_check`]). Other names (numeric affinity, no type)
/// have no type in the DSL.
pub(super) fn column_type(data_type: &str, _enums: &[EnumType]) -> Result<ColumnType, String> {
    let unknown = || format!("the DSL has no type for `{data_type}`");
    let (name, args) = type_parts(data_type).ok_or_else(unknown)?;
    let name = name.to_ascii_uppercase();
    let ty = match (name.as_str(), args.as_slice()) {
        ("INTEGER" | "INT" | "INT4" | "MEDIUMINT", []) => ColumnType::Integer,
        ("SMALLINT" | "INT2" | "TINYINT", []) => ColumnType::SmallInteger,
        ("BIGINT" | "INT8", []) => ColumnType::BigInteger,
        ("CHAR" | "CHARACTER", [36]) => ColumnType::Uuid,
        ("VARCHAR" | "CHARACTER VARYING" | "NVARCHAR" | "CHAR" | "CHARACTER" | "NCHAR", []) => {
            ColumnType::String(None)
        }
        ("VARCHAR" | "CHARACTER VARYING" | "NVARCHAR" | "CHAR" | "CHARACTER" | "NCHAR", [n]) => {
            ColumnType::String(Some(*n))
        }
        ("TEXT" | "CLOB", []) => ColumnType::Text,
        ("BOOLEAN" | "BOOL", []) => ColumnType::Boolean,
        ("NUMERIC" | "DECIMAL", args) if args.len() <= 2 => ColumnType::Numeric {
            precision: args.first().copied(),
            scale: args.get(1).copied(),
        },
        ("REAL" | "FLOAT" | "FLOAT4", []) => ColumnType::Float,
        ("DOUBLE" | "DOUBLE PRECISION" | "FLOAT8", []) => ColumnType::Double,
        ("DATE", []) => ColumnType::Date,
        ("TIME", []) => ColumnType::Time,
        ("DATETIME" | "TIMESTAMP", []) => ColumnType::DateTime { timezone: false },
        ("UUID", []) => ColumnType::Uuid,
        ("JSON", []) => ColumnType::Json,
        ("JSONB", []) => ColumnType::Jsonb,
        ("BLOB" | "BYTEA", []) => ColumnType::Binary,
        // SQLite's affinity rules, in its order.
        (n, _) if n.contains("INT") => ColumnType::Integer,
        (n, _) if ["CHAR", "CLOB", "TEXT"].iter().any(|t| n.contains(t)) => ColumnType::Text,
        (n, _) if n.contains("BLOB") => ColumnType::Binary,
        (n, _) if ["REAL", "FLOA", "DOUB"].iter().any(|t| n.contains(t)) => ColumnType::Double,
        _ => return Err(unknown()),
    };
    Ok(ty)
}

/// The model's default of a default as SQLite keeps it (the text as
/// written): a string literal, a number (`0`/`1` on a boolean column are
/// booleans, as [`bool_literal`] writes them), `TRUE`/`FALSE`,
/// `CURRENT_TIMESTAMP`, the random UUID [`default_sql`] writes; anything
/// else is SQL text (SQLite reports `DEFAULT (expression)` without the
/// parentheses, which [`default_sql`] puts back).
pub(super) fn server_default(text: &str, ty: &ColumnType) -> ServerDefault {
    let t = text.trim();
    match t.to_ascii_uppercase().as_str() {
        "TRUE" => return ServerDefault::Boolean(true),
        "FALSE" => return ServerDefault::Boolean(false),
        "CURRENT_TIMESTAMP" => return ServerDefault::Now,
        "1" | "0" if *ty == ColumnType::Boolean => return ServerDefault::Boolean(t == "1"),
        _ => {}
    }
    // SQLite reports `DEFAULT (expression)` without its parentheses.
    if t == UUID_V4 || Some(t) == UUID_V4.strip_prefix('(').and_then(|u| u.strip_suffix(')')) {
        return ServerDefault::Uuid;
    }
    if is_number(t) {
        return ServerDefault::Number(t.to_string().into());
    }
    if let Some((value, "")) = string_literal(t) {
        return ServerDefault::Literal(value.into());
    }
    match sql_text::parse(t).as_slice() {
        [sql_text::Node::Group(_)] => {
            ServerDefault::Sql(t[1..t.len() - 1].trim().to_string().into())
        }
        _ => ServerDefault::Sql(t.to_string().into()),
    }
}

/// An `INTEGER` column that is the whole primary key is SQLite's rowid, as
/// the renderer writes an auto-incrementing key; generated columns have no
/// form in the DSL.
pub(super) fn auto_increment(
    column: &ColumnSnapshot,
    sole_key: bool,
) -> Result<(bool, Option<&str>), String> {
    let default = column.default.as_deref();
    if let Some(g) = default.filter(|d| d.starts_with("GENERATED ALWAYS AS (")) {
        return Err(format!("the DSL has no generated columns (`{g}`)"));
    }
    Ok((sole_key && column.data_type == "INTEGER", default))
}

/// The values of an enum column, from the CHECK that `render::enum_check`
/// writes for it (`"status" IN ('a', 'b')`, as introspection normalises it),
/// when the column is declared as [`type_sql`] declares such an enum.
pub(super) fn enum_check(column: &str, data_type: &str, expression: &str) -> Option<Vec<String>> {
    use sql_text::Node;
    let nodes = sql_text::parse(expression);
    let [subject, Node::Word(op), Node::Group(list)] = nodes.as_slice() else {
        return None;
    };
    let names_column = sql_text::ident(subject).is_some_and(|c| c.eq_ignore_ascii_case(column));
    if !names_column || !op.eq_ignore_ascii_case("in") {
        return None;
    }
    let mut values = Vec::new();
    for (i, n) in list.iter().enumerate() {
        match n {
            Node::Str(s) if i % 2 == 0 => values.push(string_literal(s)?.0),
            Node::Punct(p) if i % 2 == 1 && p == "," => {}
            _ => return None,
        }
    }
    let listed = values.iter().cloned().map(Str::from).collect::<Vec<_>>();
    let declared = type_sql(&ColumnType::Enum(EnumType::new(
        None,
        column.to_string().into(),
        listed.into(),
        false,
    )))
    .ok()?;
    (!values.is_empty() && declared == data_type).then_some(values)
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

    #[test]
    fn declared_types_read_back() {
        let ty = |s: &str| column_type(s, &[]).unwrap();
        assert_eq!(ty("INTEGER"), ColumnType::Integer);
        assert_eq!(ty("INT"), ColumnType::Integer);
        assert_eq!(ty("SMALLINT"), ColumnType::SmallInteger);
        assert_eq!(ty("BIGINT"), ColumnType::BigInteger);
        assert_eq!(ty("VARCHAR(50)"), ColumnType::String(Some(50)));
        assert_eq!(ty("VARCHAR"), ColumnType::String(None));
        assert_eq!(ty("NVARCHAR(10)"), ColumnType::String(Some(10)));
        assert_eq!(ty("CHAR(36)"), ColumnType::Uuid);
        assert_eq!(ty("CHAR(2)"), ColumnType::String(Some(2)));
        assert_eq!(ty("TEXT"), ColumnType::Text);
        assert_eq!(ty("CLOB"), ColumnType::Text);
        assert_eq!(ty("BOOLEAN"), ColumnType::Boolean);
        let numeric = |p, s| ColumnType::Numeric {
            precision: p,
            scale: s,
        };
        assert_eq!(ty("NUMERIC(10, 2)"), numeric(Some(10), Some(2)));
        assert_eq!(ty("DECIMAL(8,3)"), numeric(Some(8), Some(3)));
        assert_eq!(ty("NUMERIC"), numeric(None, None));
        assert_eq!(ty("REAL"), ColumnType::Float);
        assert_eq!(ty("FLOAT"), ColumnType::Float);
        assert_eq!(ty("DOUBLE"), ColumnType::Double);
        assert_eq!(ty("DOUBLE PRECISION"), ColumnType::Double);
        assert_eq!(ty("DATE"), ColumnType::Date);
        assert_eq!(ty("TIME"), ColumnType::Time);
        assert_eq!(ty("DATETIME"), ColumnType::DateTime { timezone: false });
        assert_eq!(ty("TIMESTAMP"), ColumnType::DateTime { timezone: false });
        assert_eq!(ty("JSON"), ColumnType::Json);
        assert_eq!(ty("BLOB"), ColumnType::Binary);
        // Affinity.
        assert_eq!(ty("UNSIGNED BIG INT"), ColumnType::Integer);
        assert_eq!(ty("VARYING CHARACTER(255)"), ColumnType::Text);
        assert_eq!(ty("NATIVE CHARACTER(70)"), ColumnType::Text);
        assert_eq!(ty("MEDIUMBLOB"), ColumnType::Binary);
        assert_eq!(ty("FLOAT64"), ColumnType::Double);
        // SQLite's documented quirk: `INT` in `POINT` makes it an integer.
        assert_eq!(ty("FLOATING POINT"), ColumnType::Integer);
        for unknown in ["", "MONEY", "GEOMETRY", "NUMERIC(1, 2, 3)"] {
            let err = column_type(unknown, &[]).unwrap_err();
            assert!(err.contains(&format!("`{unknown}`")), "{err}");
        }
        // Every type the renderer writes reads back as itself, but for
        // those SQLite has no spelling of its own.
        for t in [
            ColumnType::SmallInteger,
            ColumnType::Integer,
            ColumnType::BigInteger,
            ColumnType::String(Some(5)),
            ColumnType::String(None),
            ColumnType::Text,
            ColumnType::Boolean,
            numeric(Some(10), Some(2)),
            numeric(Some(10), None),
            numeric(None, None),
            ColumnType::Float,
            ColumnType::Double,
            ColumnType::Date,
            ColumnType::Time,
            ColumnType::DateTime { timezone: false },
            ColumnType::Uuid,
            ColumnType::Json,
            ColumnType::Binary,
        ] {
            let declared = sql_text::normalise_type(&type_sql(&t).unwrap());
            assert_eq!(column_type(&declared, &[]), Ok(t));
        }
    }

    #[test]
    fn defaults_read_back() {
        let d = |text: &str, ty: &ColumnType| server_default(text, ty);
        assert_eq!(
            d("'it''s'", &ColumnType::Text),
            ServerDefault::Literal("it's".into())
        );
        assert_eq!(
            d("0", &ColumnType::Integer),
            ServerDefault::Number("0".into())
        );
        assert_eq!(
            d("-2.5", &ColumnType::Double),
            ServerDefault::Number("-2.5".into())
        );
        assert_eq!(d("1", &ColumnType::Boolean), ServerDefault::Boolean(true));
        assert_eq!(d("0", &ColumnType::Boolean), ServerDefault::Boolean(false));
        assert_eq!(
            d("TRUE", &ColumnType::Boolean),
            ServerDefault::Boolean(true)
        );
        assert_eq!(
            d(
                "CURRENT_TIMESTAMP",
                &ColumnType::DateTime { timezone: false }
            ),
            ServerDefault::Now
        );
        assert_eq!(
            d("(datetime('now', '+1 day'))", &ColumnType::Text),
            ServerDefault::Sql("datetime('now', '+1 day')".into())
        );
        assert_eq!(
            d("CURRENT_DATE", &ColumnType::Date),
            ServerDefault::Sql("CURRENT_DATE".into())
        );
        assert_eq!(
            d("(1) + (2)", &ColumnType::Integer),
            ServerDefault::Sql("(1) + (2)".into())
        );
        // As SQLite reports `DEFAULT (expression)`: without the parentheses.
        let reported = |d: &ServerDefault| {
            let sql = default_sql(d);
            match sql.strip_prefix('(').and_then(|s| s.strip_suffix(')')) {
                Some(inner) => inner.to_string(),
                None => sql,
            }
        };
        for (default, ty) in [
            (ServerDefault::Literal("it's".into()), ColumnType::Text),
            (ServerDefault::Number("3".into()), ColumnType::Integer),
            (ServerDefault::Boolean(true), ColumnType::Boolean),
            (ServerDefault::Boolean(false), ColumnType::Boolean),
            (ServerDefault::Now, ColumnType::DateTime { timezone: false }),
            (ServerDefault::Uuid, ColumnType::Uuid),
            (ServerDefault::Sql("abs(-1)".into()), ColumnType::Integer),
        ] {
            assert_eq!(d(&default_sql(&default), &ty), default);
            assert_eq!(d(&reported(&default), &ty), default);
        }
    }

    #[test]
    fn enum_columns_read_back_from_their_check() {
        let values = Some(vec!["pending".to_string(), "it's".to_string()]);
        assert_eq!(
            enum_check("status", "VARCHAR(7)", "status in ('pending', 'it''s')"),
            values
        );
        assert_eq!(
            enum_check("Status", "VARCHAR(7)", "status IN ('pending','it''s')"),
            values
        );
        // Not the length the renderer declares, another column, another form.
        assert_eq!(
            enum_check("status", "VARCHAR(20)", "status in ('pending', 'it''s')"),
            None
        );
        assert_eq!(
            enum_check("kind", "VARCHAR(7)", "status in ('pending')"),
            None
        );
        assert_eq!(
            enum_check("status", "VARCHAR(1)", "status not in ('a')"),
            None
        );
        assert_eq!(
            enum_check("status", "VARCHAR(1)", "status in ('a', 1)"),
            None
        );
        assert_eq!(
            enum_check("status", "VARCHAR(1)", "status in ('a' 'b')"),
            None
        );
    }
}
