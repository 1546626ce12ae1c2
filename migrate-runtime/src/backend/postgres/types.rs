//! PostgreSQL's quoting, types and defaults.

use super::Postgres;
use crate::backend::sql::{is_number, is_numeric, same_kind, string_literal, type_parts};
use crate::backend::Backend;
use crate::dialect::Unsupported;
use crate::introspect::ColumnSnapshot;
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

/// The model's type of a `format_type` spelling (also the short aliases,
/// `int4`, `timestamptz`, ...), or of an enum type's name among `enums`
/// (quoted and qualified as `format_type` writes it when needed).
pub(super) fn column_type(data_type: &str, enums: &[EnumType]) -> Result<ColumnType, String> {
    let unquoted = data_type.replace('"', "");
    if let Some(e) = enums.iter().find(|e| match &e.schema {
        Some(s) => unquoted == format!("{s}.{}", e.name),
        None => unquoted == *e.name,
    }) {
        return Ok(ColumnType::Enum(e.clone()));
    }
    let unknown = || format!("the DSL has no type for `{data_type}`");
    let (name, args) = type_parts(data_type).ok_or_else(unknown)?;
    let ty = match (name.as_str(), args.as_slice()) {
        ("smallint" | "int2", []) => ColumnType::SmallInteger,
        ("integer" | "int" | "int4", []) => ColumnType::Integer,
        ("bigint" | "int8", []) => ColumnType::BigInteger,
        ("character varying" | "varchar", []) => ColumnType::String(None),
        ("character varying" | "varchar", [n]) => ColumnType::String(Some(*n)),
        ("text", []) => ColumnType::Text,
        ("boolean" | "bool", []) => ColumnType::Boolean,
        // `numeric(10)` is reported as `numeric(10,0)`: the same type.
        ("numeric" | "decimal", args) if args.len() <= 2 => ColumnType::Numeric {
            precision: args.first().copied(),
            scale: args.get(1).copied().filter(|s| *s != 0),
        },
        ("real" | "float4", []) => ColumnType::Float,
        ("double precision" | "float8", []) => ColumnType::Double,
        ("date", []) => ColumnType::Date,
        ("time without time zone" | "time", []) => ColumnType::Time,
        ("timestamp without time zone" | "timestamp", []) => {
            ColumnType::DateTime { timezone: false }
        }
        ("timestamp with time zone" | "timestamptz", []) => ColumnType::DateTime { timezone: true },
        ("uuid", []) => ColumnType::Uuid,
        ("json", []) => ColumnType::Json,
        ("jsonb", []) => ColumnType::Jsonb,
        ("bytea", []) => ColumnType::Binary,
        _ => return Err(unknown()),
    };
    Ok(ty)
}

/// The model's default of a default as `pg_get_expr` reports it: a literal
/// cast to a type that assigns it to its column unchanged
/// ([`keeps_literal`]: `'x'::character varying`, `'-1'::integer`), a
/// number, `true`/`false`, `CURRENT_TIMESTAMP`, `gen_random_uuid()`;
/// anything else is SQL text (`now()` too: the same time, but written
/// back as `CURRENT_TIMESTAMP` it would read back otherwise).
pub(super) fn server_default(text: &str, ty: &ColumnType) -> ServerDefault {
    let t = text.trim();
    match t.to_ascii_lowercase().as_str() {
        "true" => return ServerDefault::Boolean(true),
        "false" => return ServerDefault::Boolean(false),
        // What `default_sql(Now)` writes; `now()` stays SQL text, so that
        // the column is created again exactly as it is.
        "current_timestamp" => return ServerDefault::Now,
        "gen_random_uuid()" => return ServerDefault::Uuid,
        _ => {}
    }
    if is_number(t) {
        return ServerDefault::Number(t.to_string().into());
    }
    if let Some((value, rest)) = string_literal(t) {
        let enums = match ty {
            ColumnType::Enum(e) => std::slice::from_ref(e),
            _ => &[],
        };
        let kept = match rest.strip_prefix("::") {
            None => rest.is_empty(),
            Some(cast) => {
                column_type(cast, enums).is_ok_and(|cast| keeps_literal(&value, &cast, ty))
            }
        };
        if kept {
            return if is_numeric(ty) && is_number(&value) {
                ServerDefault::Number(value.into())
            } else {
                ServerDefault::Literal(value.into())
            };
        }
    }
    ServerDefault::Sql(t.to_string().into())
}

/// Whether the literal `value` cast to `cast` is `value` itself once
/// assigned to a column of type `column`, as the column's own literal
/// would be. The cast names the column's type (`'x'::character varying`
/// on `character varying(50)`), or, when a migration changed the column's
/// type and PostgreSQL kept the default's expression, the old type:
/// `'0'::smallint` on a column made `integer` (where a fresh `DEFAULT
/// '0'` reports `0`), `'x'::character varying` on one made `text`. A
/// constant prints its value as its type holds it, so a cast from one
/// string type to another, or from an integer or `numeric` type to a
/// numeric one, keeps the value; a `real` keeps it only when the value is
/// exactly a `real` (`'1.5'::real`, not `'0.1'::real`, on a `double
/// precision` column). Any other cast may change the value (`'0.5'::numeric`
/// on an integer column is 1, `'2020-01-01'::date` on a timestamp one a
/// midnight): SQL text.
fn keeps_literal(value: &str, cast: &ColumnType, column: &ColumnType) -> bool {
    use ColumnType::*;
    let text = |t: &ColumnType| matches!(t, String(_) | Text);
    let integer = |t: &ColumnType| matches!(t, SmallInteger | Integer | BigInteger);
    let float = |t: &ColumnType| matches!(t, Float | Double);
    let integral = is_number(value) && !value.contains(['.', 'e', 'E']);
    let exact_real =
        is_number(value) && value.parse::<f32>().ok().map(f64::from) == value.parse::<f64>().ok();
    same_kind(cast, column)
        || (text(cast) && text(column))
        || ((integer(cast) || matches!(cast, Numeric { .. }))
            && (float(column) || matches!(column, Numeric { .. })))
        || ((integer(cast) || matches!(cast, Numeric { .. })) && integer(column) && integral)
        || (float(cast) && float(column) && exact_real)
}

/// Identity columns `GENERATED BY DEFAULT` (what the renderer writes for an
/// auto-incrementing key) and `serial` keys (`nextval('..._seq'::regclass)`)
/// auto-increment; an identity elsewhere, `GENERATED ALWAYS` and generated
/// columns have no form in the DSL.
pub(super) fn auto_increment(
    column: &ColumnSnapshot,
    sole_key: bool,
) -> Result<(bool, Option<&str>), String> {
    let default = column.default.as_deref();
    match default {
        Some("GENERATED BY DEFAULT AS IDENTITY") if sole_key => Ok((true, None)),
        Some(identity @ ("GENERATED BY DEFAULT AS IDENTITY" | "GENERATED ALWAYS AS IDENTITY")) => {
            Err(format!(
                "`{identity}` has no form in the DSL, which writes `GENERATED BY DEFAULT AS IDENTITY` for the integer column that is the whole primary key"
            ))
        }
        Some(g) if g.starts_with("GENERATED ALWAYS AS (") => {
            Err(format!("the DSL has no generated columns (`{g}`)"))
        }
        Some(d) if sole_key && d.starts_with("nextval(") && d.ends_with("::regclass)") => {
            Ok((true, None))
        }
        _ => Ok((false, default)),
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

    fn enum_type() -> EnumType {
        EnumType::new(
            None,
            "order_status".into(),
            vec!["pending".into(), "it's".into()].into(),
            false,
        )
    }

    #[test]
    fn types_read_back_from_format_type() {
        let e = enum_type();
        let enums = std::slice::from_ref(&e);
        let ty = |s: &str| column_type(s, enums).unwrap();
        assert_eq!(ty("character varying(50)"), ColumnType::String(Some(50)));
        assert_eq!(ty("character varying"), ColumnType::String(None));
        assert_eq!(ty("varchar(8)"), ColumnType::String(Some(8)));
        assert_eq!(ty("integer"), ColumnType::Integer);
        assert_eq!(ty("int4"), ColumnType::Integer);
        assert_eq!(ty("bigint"), ColumnType::BigInteger);
        assert_eq!(ty("int8"), ColumnType::BigInteger);
        assert_eq!(ty("smallint"), ColumnType::SmallInteger);
        assert_eq!(ty("text"), ColumnType::Text);
        assert_eq!(ty("boolean"), ColumnType::Boolean);
        let numeric = |p, s| ColumnType::Numeric {
            precision: p,
            scale: s,
        };
        assert_eq!(ty("numeric(10,2)"), numeric(Some(10), Some(2)));
        assert_eq!(ty("numeric(12)"), numeric(Some(12), None));
        assert_eq!(ty("numeric(12,0)"), numeric(Some(12), None));
        assert_eq!(ty("numeric"), numeric(None, None));
        assert_eq!(ty("real"), ColumnType::Float);
        assert_eq!(ty("double precision"), ColumnType::Double);
        assert_eq!(ty("date"), ColumnType::Date);
        assert_eq!(ty("time without time zone"), ColumnType::Time);
        assert_eq!(
            ty("timestamp without time zone"),
            ColumnType::DateTime { timezone: false }
        );
        assert_eq!(
            ty("timestamp with time zone"),
            ColumnType::DateTime { timezone: true }
        );
        assert_eq!(ty("timestamptz"), ColumnType::DateTime { timezone: true });
        assert_eq!(ty("uuid"), ColumnType::Uuid);
        assert_eq!(ty("json"), ColumnType::Json);
        assert_eq!(ty("jsonb"), ColumnType::Jsonb);
        assert_eq!(ty("bytea"), ColumnType::Binary);
        assert_eq!(ty("order_status"), ColumnType::Enum(e.clone()));
        for unknown in [
            "integer[]",
            "character(3)",
            "timestamp(3) with time zone",
            "time with time zone",
            "interval",
            "point",
            "other_enum",
            "varchar(1,2)",
        ] {
            let err = column_type(unknown, enums).unwrap_err();
            assert!(err.contains(&format!("`{unknown}`")), "{err}");
        }
        let mut quoted = e.clone();
        quoted.schema = Some("sales".into());
        quoted.name = "Mood".into();
        assert_eq!(
            column_type("sales.\"Mood\"", std::slice::from_ref(&quoted)),
            Ok(ColumnType::Enum(quoted))
        );
    }

    #[test]
    fn defaults_read_back_from_pg_get_expr() {
        let varchar = ColumnType::String(Some(50));
        let ts = ColumnType::DateTime { timezone: true };
        let d = |text: &str, ty: &ColumnType| server_default(text, ty);
        assert_eq!(
            d("'it''s'::character varying", &varchar),
            ServerDefault::Literal("it's".into())
        );
        assert_eq!(
            d("'x'::text", &ColumnType::Text),
            ServerDefault::Literal("x".into())
        );
        assert_eq!(
            d("'{}'::jsonb", &ColumnType::Jsonb),
            ServerDefault::Literal("{}".into())
        );
        assert_eq!(
            d("'pending'::order_status", &ColumnType::Enum(enum_type())),
            ServerDefault::Literal("pending".into())
        );
        // A cast to a type that may change the value is an expression,
        // kept as written.
        assert_eq!(
            d("'x'::text", &ColumnType::Jsonb),
            ServerDefault::Sql("'x'::text".into())
        );
        assert_eq!(
            d("0", &ColumnType::Integer),
            ServerDefault::Number("0".into())
        );
        assert_eq!(
            d(
                "9.99",
                &ColumnType::Numeric {
                    precision: Some(10),
                    scale: Some(2)
                }
            ),
            ServerDefault::Number("9.99".into())
        );
        assert_eq!(
            d("'-1'::integer", &ColumnType::Integer),
            ServerDefault::Number("-1".into())
        );
        // A default kept when a migration changed its column's type
        // reports the old type's cast: the same value, or SQL text when
        // the cast may change it.
        let number = |n: &'static str| ServerDefault::Number(n.into());
        let numeric = |p| ColumnType::Numeric {
            precision: Some(p),
            scale: Some(2),
        };
        for (text, ty, read) in [
            ("'0'::smallint", ColumnType::Integer, number("0")),
            ("'0'::bigint", ColumnType::BigInteger, number("0")),
            ("'-1'::integer", ColumnType::BigInteger, number("-1")),
            ("'-1'::smallint", numeric(12), number("-1")),
            ("'-1.5'::numeric", numeric(12), number("-1.5")),
            ("'-1.5'::numeric", ColumnType::Double, number("-1.5")),
            ("'7'::integer", ColumnType::Float, number("7")),
            ("'-2'::numeric", ColumnType::Integer, number("-2")),
            ("'1.5'::real", ColumnType::Double, number("1.5")),
            (
                "'-0.25'::double precision",
                ColumnType::Float,
                number("-0.25"),
            ),
            (
                "'it''s'::character varying",
                ColumnType::Text,
                ServerDefault::Literal("it's".into()),
            ),
            (
                "'x'::text",
                varchar.clone(),
                ServerDefault::Literal("x".into()),
            ),
        ] {
            assert_eq!(d(text, &ty), read, "{text} on {ty:?}");
        }
        for (text, ty) in [
            // 0.10000000149011612 as a `double precision`.
            ("'0.1'::real", ColumnType::Double),
            ("'0.1'::double precision", ColumnType::Float),
            // Rounded to 1 on an integer column.
            ("'0.5'::numeric", ColumnType::Integer),
            ("'1.5'::real", ColumnType::Integer),
            ("'1'::integer", ColumnType::Text),
            ("'2020-01-01'::date", ts.clone()),
            ("'x'::character varying", ColumnType::Jsonb),
        ] {
            assert_eq!(
                d(text, &ty),
                ServerDefault::Sql(text.into()),
                "{text} on {ty:?}"
            );
        }
        assert_eq!(
            d("true", &ColumnType::Boolean),
            ServerDefault::Boolean(true)
        );
        assert_eq!(
            d("false", &ColumnType::Boolean),
            ServerDefault::Boolean(false)
        );
        assert_eq!(d("now()", &ts), ServerDefault::Sql("now()".into()));
        assert_eq!(d("CURRENT_TIMESTAMP", &ts), ServerDefault::Now);
        assert_eq!(
            d("gen_random_uuid()", &ColumnType::Uuid),
            ServerDefault::Uuid
        );
        assert_eq!(
            d("(now() + '1 day'::interval)", &ts),
            ServerDefault::Sql("(now() + '1 day'::interval)".into())
        );
        // What the renderer writes reads back as the same value.
        for (default, ty) in [
            (ServerDefault::Literal("it's".into()), varchar.clone()),
            (ServerDefault::Number("3".into()), ColumnType::Integer),
            (ServerDefault::Boolean(false), ColumnType::Boolean),
            (ServerDefault::Now, ts.clone()),
            (ServerDefault::Uuid, ColumnType::Uuid),
        ] {
            assert_eq!(d(&default_sql(&default), &ty), default);
        }
    }

    #[test]
    fn identity_and_serial_keys_auto_increment() {
        let column = |default: Option<&str>| ColumnSnapshot {
            name: "id".into(),
            data_type: "integer".into(),
            nullable: false,
            default: default.map(str::to_owned),
            comment: None,
        };
        let identity = column(Some("GENERATED BY DEFAULT AS IDENTITY"));
        assert_eq!(auto_increment(&identity, true), Ok((true, None)));
        let err = auto_increment(&identity, false).unwrap_err();
        assert!(err.contains("whole primary key"), "{err}");
        let always = column(Some("GENERATED ALWAYS AS IDENTITY"));
        assert!(auto_increment(&always, true).is_err());
        let serial = column(Some("nextval('orders_id_seq'::regclass)"));
        assert_eq!(auto_increment(&serial, true), Ok((true, None)));
        assert_eq!(
            auto_increment(&serial, false),
            Ok((false, Some("nextval('orders_id_seq'::regclass)")))
        );
        let generated = column(Some("GENERATED ALWAYS AS ((a + 1)) STORED"));
        assert!(auto_increment(&generated, false)
            .unwrap_err()
            .contains("generated columns"));
        assert_eq!(
            auto_increment(&column(Some("0")), true),
            Ok((false, Some("0")))
        );
    }
}
