//! MySQL's quoting, names, types and defaults.

use super::Mysql;
use crate::backend::sql::{is_number, is_numeric, type_parts};
use crate::backend::Backend;
use crate::dialect::Unsupported;
use crate::introspect::ColumnSnapshot;
use crate::ops::*;

/// The longest name MySQL takes for a table, column, index or constraint.
pub(super) const MAX_NAME: usize = 64;

pub(super) fn quote_ident(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

/// `'text'` with embedded quotes doubled. A backslash is read literally
/// only under `NO_BACKSLASH_ESCAPES`, which every session the migrator
/// writes in sets first ([`super::SESSION_SQL_MODE`]): the run's, `check`'s
/// scratch database, the top of an offline script.
pub(super) fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A name MySQL accepts: at most 64 characters.
pub(super) fn check_name(what: &str, name: &str) -> Result<(), Unsupported> {
    let length = name.chars().count();
    if length > MAX_NAME {
        return Err(Unsupported::new(
            what,
            Mysql.dialect(),
            format!(
                "the name `{name}` has {length} characters; MySQL's names have at most {MAX_NAME}"
            ),
            "give it a shorter name (`name = \"...\"`, or a shorter naming convention)",
        ));
    }
    Ok(())
}

/// `db`.`name`: MySQL's schemas are its databases.
pub(super) fn qualified(schema: &Option<Str>, name: &str) -> Result<String, Unsupported> {
    check_name("name", name)?;
    Ok(match schema {
        None => quote_ident(name),
        Some(s) => format!("{}.{}", quote_ident(s), quote_ident(name)),
    })
}

pub(super) fn type_sql(ty: &ColumnType) -> Result<String, Unsupported> {
    Ok(match ty {
        ColumnType::SmallInteger => "SMALLINT".into(),
        ColumnType::Integer => "INT".into(),
        ColumnType::BigInteger => "BIGINT".into(),
        ColumnType::String(Some(n)) => format!("VARCHAR({n})"),
        ColumnType::String(None) => {
            return Err(Unsupported::new(
                "String",
                Mysql.dialect(),
                "MySQL's VARCHAR needs a length",
                "give the column a length (`String(255)`), or make it `Text`",
            ))
        }
        ColumnType::Text => "TEXT".into(),
        ColumnType::Boolean => "TINYINT(1)".into(),
        ColumnType::Numeric {
            precision: Some(p),
            scale: Some(s),
        } => format!("DECIMAL({p}, {s})"),
        ColumnType::Numeric {
            precision: Some(p),
            scale: None,
        } => format!("DECIMAL({p})"),
        ColumnType::Numeric {
            precision: None, ..
        } => "DECIMAL".into(),
        ColumnType::Float => "FLOAT".into(),
        ColumnType::Double => "DOUBLE".into(),
        ColumnType::Date => "DATE".into(),
        ColumnType::Time => "TIME".into(),
        ColumnType::DateTime { timezone: false } => "DATETIME".into(),
        // Stored as UTC, shown in the session's time zone.
        ColumnType::DateTime { timezone: true } => "TIMESTAMP".into(),
        // MariaDB 10.7 has a UUID type, MySQL none: text, as both read it.
        ColumnType::Uuid => "CHAR(36)".into(),
        ColumnType::Json | ColumnType::Jsonb => "JSON".into(),
        ColumnType::Binary => "LONGBLOB".into(),
        // Inline: MySQL's enums belong to their column.
        ColumnType::Enum(e) => enum_sql(&e.values),
    })
}

/// `ENUM('a', 'b')`.
pub(super) fn enum_sql(values: &[Str]) -> String {
    let values = values
        .iter()
        .map(|v| quote_literal(v))
        .collect::<Vec<_>>()
        .join(", ");
    format!("ENUM({values})")
}

pub(super) fn default_sql(d: &ServerDefault) -> String {
    match d {
        ServerDefault::Literal(s) => quote_literal(s),
        ServerDefault::Number(n) => n.to_string(),
        ServerDefault::Boolean(b) => bool_literal(*b).into(),
        // MySQL 8 takes an expression as a default only in parentheses.
        ServerDefault::Sql(s) => format!("({s})"),
        ServerDefault::Now => "CURRENT_TIMESTAMP".into(),
        ServerDefault::Uuid => "(UUID())".into(),
    }
}

pub(super) fn bool_literal(b: bool) -> &'static str {
    if b {
        "1"
    } else {
        "0"
    }
}

/// The model's type of an `information_schema.COLUMNS.COLUMN_TYPE`
/// (`varchar(50)`, `int(11)`, `tinyint(1)`, `enum('a','b')`), with `json`
/// for MariaDB's JSON (a `longtext` checked by `json_valid`, which the
/// capture reports as `json`). An enum is the one among `enums` with the
/// same values.
pub(super) fn column_type(data_type: &str, enums: &[EnumType]) -> Result<ColumnType, String> {
    let unknown = || format!("the DSL has no type for `{data_type}`");
    let lower = data_type.trim().to_ascii_lowercase();
    if let Some(values) = enum_values(data_type) {
        return enums
            .iter()
            .find(|e| {
                e.values
                    .iter()
                    .map(|v| v.to_string())
                    .eq(values.iter().cloned())
            })
            .map(|e| ColumnType::Enum(e.clone()))
            .ok_or_else(unknown);
    }
    // Display widths (`int(11)`) and `unsigned` are not types of the DSL.
    let (name, args) = type_parts(&lower).ok_or_else(unknown)?;
    let ty = match (name.as_str(), args.as_slice()) {
        ("tinyint", [1]) => ColumnType::Boolean,
        ("smallint", _) => ColumnType::SmallInteger,
        ("int" | "integer", _) => ColumnType::Integer,
        ("bigint", _) => ColumnType::BigInteger,
        ("char", [36]) => ColumnType::Uuid,
        ("uuid", []) => ColumnType::Uuid,
        ("varchar", [n]) => ColumnType::String(Some(*n)),
        ("text", []) => ColumnType::Text,
        ("decimal", args) if args.len() <= 2 => ColumnType::Numeric {
            precision: args.first().copied(),
            scale: args.get(1).copied().filter(|s| *s != 0),
        },
        ("float", []) => ColumnType::Float,
        ("double", []) => ColumnType::Double,
        ("date", []) => ColumnType::Date,
        ("time", []) => ColumnType::Time,
        ("datetime", []) => ColumnType::DateTime { timezone: false },
        ("timestamp", []) => ColumnType::DateTime { timezone: true },
        ("json", []) => ColumnType::Json,
        ("longblob", []) => ColumnType::Binary,
        _ => return Err(unknown()),
    };
    Ok(ty)
}

/// A string literal at the start of `text` as MariaDB's `information_schema`
/// writes it (`'it''s'`, and in defaults `'a\\b\'c'`: backslash escapes
/// whatever the session's `sql_mode`): its value and what follows it.
fn string_literal(text: &str) -> Option<(String, &str)> {
    let body = text.strip_prefix('\'')?;
    let mut value = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\'' if chars.peek().is_some_and(|(_, n)| *n == '\'') => {
                chars.next();
                value.push('\'');
            }
            '\'' => return Some((value, &body[i + 1..])),
            '\\' => {
                let (_, escaped) = chars.next()?;
                value.push(match escaped {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    'b' => '\u{8}',
                    'Z' => '\u{1a}',
                    other => other,
                });
            }
            c => value.push(c),
        }
    }
    None
}

/// The values of `enum('a','b')` as `information_schema` writes them.
pub(super) fn enum_values(data_type: &str) -> Option<Vec<String>> {
    let t = data_type.trim();
    let body = t
        .get(..5)
        .filter(|p| p.eq_ignore_ascii_case("enum("))
        .and_then(|_| t[5..].strip_suffix(')'))?;
    let mut values = Vec::new();
    let mut rest = body;
    loop {
        let (value, after) = string_literal(rest)?;
        values.push(value);
        match after.strip_prefix(',') {
            Some(next) => rest = next,
            None if after.is_empty() => return Some(values),
            None => return None,
        }
    }
}

/// The model's default of a default as MariaDB's `COLUMN_DEFAULT` reports
/// it (an expression: literals quoted, `NULL` for none, `current_timestamp()`,
/// `uuid()`); anything else is SQL text.
pub(super) fn server_default(text: &str, ty: &ColumnType) -> ServerDefault {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    match lower.as_str() {
        "current_timestamp()" | "current_timestamp" => return ServerDefault::Now,
        "uuid()" => return ServerDefault::Uuid,
        _ => {}
    }
    if *ty == ColumnType::Boolean && matches!(t, "0" | "1") {
        return ServerDefault::Boolean(t == "1");
    }
    if is_number(t) {
        return ServerDefault::Number(t.to_string().into());
    }
    if let Some((value, "")) = string_literal(t) {
        return if is_numeric(ty) && is_number(&value) {
            ServerDefault::Number(value.into())
        } else {
            ServerDefault::Literal(value.into())
        };
    }
    ServerDefault::Sql(t.to_string().into())
}

/// An `auto_increment` column auto-increments as the renderer writes it
/// when it is the whole primary key; anywhere else the DSL has no form for
/// it. Generated columns have none either.
pub(super) fn auto_increment(
    column: &ColumnSnapshot,
    sole_key: bool,
) -> Result<(bool, Option<&str>), String> {
    let default = column.default.as_deref();
    match default {
        Some(super::AUTO_INCREMENT) if sole_key => Ok((true, None)),
        Some(super::AUTO_INCREMENT) => Err(
            "`AUTO_INCREMENT` has no form in the DSL but on the integer column that is the whole primary key".into(),
        ),
        Some(g) if g.starts_with("GENERATED ALWAYS AS (") => {
            Err(format!("the DSL has no generated columns (`{g}`)"))
        }
        _ => Ok((false, default)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_names() {
        assert_eq!(quote_ident("we`ird"), "`we``ird`");
        assert_eq!(quote_literal("it's a\\b"), "'it''s a\\b'");
        assert!(check_name("create_table", &"x".repeat(64)).is_ok());
        let err = check_name("create_table", &"x".repeat(65)).unwrap_err();
        assert_eq!(err.what, "create_table");
        assert!(err.reason.contains("65 characters"), "{}", err.reason);
    }

    #[test]
    fn types_read_back_from_column_type() {
        let e = EnumType::new(
            None,
            "status".into(),
            vec!["new".into(), "it's".into()].into(),
            true,
        );
        let enums = std::slice::from_ref(&e);
        let ty = |s: &str| column_type(s, enums).unwrap();
        for written in [
            ColumnType::SmallInteger,
            ColumnType::Integer,
            ColumnType::BigInteger,
            ColumnType::String(Some(50)),
            ColumnType::Text,
            ColumnType::Boolean,
            ColumnType::Numeric {
                precision: Some(10),
                scale: Some(2),
            },
            ColumnType::Float,
            ColumnType::Double,
            ColumnType::Date,
            ColumnType::Time,
            ColumnType::DateTime { timezone: false },
            ColumnType::DateTime { timezone: true },
            ColumnType::Uuid,
            ColumnType::Json,
            ColumnType::Binary,
        ] {
            let sql = type_sql(&written)
                .unwrap()
                .to_ascii_lowercase()
                .replace(' ', "");
            assert_eq!(ty(&sql), written, "{sql}");
        }
        assert_eq!(ty("int(11)"), ColumnType::Integer);
        assert_eq!(ty("enum('new','it''s')"), ColumnType::Enum(e.clone()));
        assert!(column_type("enum('other')", enums).is_err());
        assert!(column_type("geometry", enums).is_err());
        assert!(type_sql(&ColumnType::String(None)).is_err());
    }

    #[test]
    fn defaults_read_back() {
        let d = |text: &str, ty: &ColumnType| server_default(text, ty);
        for (default, ty) in [
            (
                ServerDefault::Literal("it's".into()),
                ColumnType::String(Some(9)),
            ),
            (ServerDefault::Number("3".into()), ColumnType::Integer),
            (ServerDefault::Boolean(false), ColumnType::Boolean),
            (ServerDefault::Now, ColumnType::DateTime { timezone: true }),
        ] {
            assert_eq!(d(&default_sql(&default), &ty), default);
        }
        assert_eq!(
            d("current_timestamp()", &ColumnType::Date),
            ServerDefault::Now
        );
        assert_eq!(d("uuid()", &ColumnType::Uuid), ServerDefault::Uuid);
        assert_eq!(
            d("'5'", &ColumnType::Integer),
            ServerDefault::Number("5".into())
        );
        assert_eq!(
            d("lower('X')", &ColumnType::Text),
            ServerDefault::Sql("lower('X')".into())
        );
        // MariaDB's COLUMN_DEFAULT escapes with backslashes.
        assert_eq!(
            d("'a\\\\b\\'c'", &ColumnType::Text),
            ServerDefault::Literal("a\\b'c".into())
        );
    }
}
