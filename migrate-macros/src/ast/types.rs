//! Column types: `Integer`, `String(50)`, `Enum(..., name = ...)`, ...

use super::bind::{bind, Kind, Param, Sig};
use super::values::*;
use crate::ctxt::Ctxt;
use crate::parse::{Args, Value};
use migrate_core::model::*;

/// The column types, as a `help:` line writes them.
const TYPES: &[(&str, &str)] = &[
    ("Integer", "Integer"),
    ("BigInteger", "BigInteger"),
    ("SmallInteger", "SmallInteger"),
    ("String", "String(n)"),
    ("Text", "Text"),
    ("Boolean", "Boolean"),
    ("Numeric", "Numeric(p, s)"),
    ("Float", "Float"),
    ("Double", "Double"),
    ("Date", "Date"),
    ("Time", "Time"),
    ("DateTime", "DateTime(timezone = true)"),
    ("Uuid", "Uuid"),
    ("Json", "Json"),
    ("Jsonb", "Jsonb"),
    ("Binary", "Binary"),
    ("Enum", "Enum(...)"),
];

/// SQL and SQLAlchemy names of the types above (`VARCHAR`, `sa.DECIMAL`), and
/// what to write for each here.
const SQL_NAMES: &[(&str, &str)] = &[
    ("VARCHAR", "String(n)"),
    ("CHAR", "String(n)"),
    ("NVARCHAR", "String(n)"),
    ("Unicode", "String(n)"),
    ("UnicodeText", "Text"),
    ("CLOB", "Text"),
    ("INT", "Integer"),
    ("INT4", "Integer"),
    ("BIGINT", "BigInteger"),
    ("INT8", "BigInteger"),
    ("SMALLINT", "SmallInteger"),
    ("INT2", "SmallInteger"),
    ("BOOL", "Boolean"),
    ("DECIMAL", "Numeric(p, s)"),
    ("REAL", "Float"),
    ("FLOAT4", "Float"),
    ("FLOAT8", "Double"),
    ("DOUBLE_PRECISION", "Double"),
    ("TIMESTAMP", "DateTime"),
    ("TIMESTAMPTZ", "DateTime(timezone = true)"),
    ("BYTEA", "Binary"),
    ("BLOB", "Binary"),
    ("VARBINARY", "Binary"),
];

/// How a type named `name` (any case; a SQL name too) is written here, if it is
/// one: `Integer`, `VARCHAR` → `String(n)`.
pub fn dsl_spelling(name: &str) -> Option<&'static str> {
    TYPES
        .iter()
        .chain(SQL_NAMES)
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, w)| *w)
}

/// What to say for an unknown type: the nearest one, else the list.
fn unknown_type_help(name: &str) -> String {
    let names = TYPES.iter().chain(SQL_NAMES);
    let near = dsl_spelling(name).or_else(|| {
        let n = migrate_core::suggest::nearest(name, names.clone().map(|(n, _)| *n))?;
        names.clone().find(|(k, _)| *k == n).map(|(_, w)| *w)
    });
    match near {
        Some(w) => format!("did you mean `{w}`?"),
        None => {
            let all: Vec<&str> = TYPES.iter().map(|(_, w)| *w).collect();
            format!("the column types are {}", all.join(", "))
        }
    }
}

pub fn column_type(cx: &Ctxt, v: &Value, schema: &Option<Str>) -> Option<ColumnType> {
    let Value::Call { name, args } = v else {
        expected(cx, v, "a column type");
        return None;
    };
    let type_name = name.to_string();
    let plain = |t: ColumnType| -> Option<ColumnType> {
        if let Some(a) = args {
            if !a.items.is_empty() {
                cx.error(a.span, format!("`{type_name}` takes no arguments"), None);
                return None;
            }
        }
        Some(t)
    };
    let empty = Args {
        span: name.span(),
        items: Vec::new(),
    };
    let args_or_empty = args.as_ref().unwrap_or(&empty);
    match type_name.as_str() {
        "Integer" => plain(ColumnType::Integer),
        "BigInteger" => plain(ColumnType::BigInteger),
        "SmallInteger" => plain(ColumnType::SmallInteger),
        "Text" => plain(ColumnType::Text),
        "Boolean" => plain(ColumnType::Boolean),
        "Float" => plain(ColumnType::Float),
        "Double" => plain(ColumnType::Double),
        "Date" => plain(ColumnType::Date),
        "Time" => plain(ColumnType::Time),
        "Json" | "JSON" => plain(ColumnType::Json),
        "Jsonb" | "JSONB" => plain(ColumnType::Jsonb),
        "Binary" | "LargeBinary" => plain(ColumnType::Binary),
        "String" => {
            let b = bind(
                cx,
                "String",
                name.span(),
                args_or_empty,
                &Sig {
                    positional: &[Param {
                        name: "length",
                        kind: Kind::Number,
                    }],
                    required: 0,
                    rest: None,
                    keywords: &[],
                },
            )?;
            let length = match b.get("length") {
                Some(v) => {
                    let n = u32_value(cx, v)?;
                    if n == 0 {
                        cx.error(v.span(), "a String length must be at least 1", None);
                        return None;
                    }
                    Some(n)
                }
                None => None,
            };
            Some(ColumnType::String(length))
        }
        "Numeric" => {
            let b = bind(
                cx,
                "Numeric",
                name.span(),
                args_or_empty,
                &Sig {
                    positional: &[
                        Param {
                            name: "precision",
                            kind: Kind::Number,
                        },
                        Param {
                            name: "scale",
                            kind: Kind::Number,
                        },
                    ],
                    required: 0,
                    rest: None,
                    keywords: &[],
                },
            )?;
            let precision = b.get("precision").map(|v| u32_value(cx, v));
            let scale = b.get("scale").map(|v| u32_value(cx, v));
            let precision = match precision {
                Some(None) => return None,
                Some(Some(p)) => Some(p),
                None => None,
            };
            let scale = match scale {
                Some(None) => return None,
                Some(Some(s)) => Some(s),
                None => None,
            };
            match (precision, scale) {
                (None, Some(_)) => {
                    cx.error(
                        name.span(),
                        "`Numeric` with a scale needs a precision",
                        None,
                    );
                    None
                }
                (Some(p), Some(sc)) if sc > p => {
                    cx.error(
                        b.get("scale").map(Value::span).unwrap_or(name.span()),
                        format!("a scale of {sc} does not fit in a precision of {p}"),
                        None,
                    );
                    None
                }
                (Some(0), _) => {
                    cx.error(name.span(), "a precision must be at least 1", None);
                    None
                }
                _ => Some(ColumnType::Numeric { precision, scale }),
            }
        }
        "DateTime" => {
            let b = bind(
                cx,
                "DateTime",
                name.span(),
                args_or_empty,
                &Sig {
                    positional: &[Param {
                        name: "timezone",
                        kind: Kind::Bool,
                    }],
                    required: 0,
                    rest: None,
                    keywords: &[],
                },
            )?;
            let timezone = match b.get("timezone") {
                Some(v) => boolean(cx, v)?,
                None => false,
            };
            Some(ColumnType::DateTime { timezone })
        }
        "Uuid" | "UUID" => {
            let b = bind(
                cx,
                &type_name,
                name.span(),
                args_or_empty,
                &Sig {
                    positional: &[],
                    required: 0,
                    rest: None,
                    keywords: &[Param {
                        name: "as_uuid",
                        kind: Kind::Bool,
                    }],
                },
            )?;
            if let Some(v) = b.get("as_uuid") {
                boolean(cx, v)?;
            }
            Some(ColumnType::Uuid)
        }
        "Enum" | "ENUM" => {
            let b = bind(
                cx,
                "Enum",
                name.span(),
                args_or_empty,
                &Sig {
                    positional: &[],
                    required: 0,
                    rest: Some(Param {
                        name: "values",
                        kind: Kind::Text,
                    }),
                    keywords: &[
                        Param {
                            name: "name",
                            kind: Kind::Name,
                        },
                        Param {
                            name: "create_type",
                            kind: Kind::Bool,
                        },
                        Param {
                            name: "schema",
                            kind: Kind::Name,
                        },
                    ],
                },
            )?;
            let Some(enum_name) = b.get("name") else {
                cx.error(
                    name.span(),
                    "an `Enum` needs a type name",
                    Some("`Enum(\"pending\", \"shipped\", name = \"order_status\")`"),
                );
                return None;
            };
            let enum_name = ident_string(cx, enum_name)?;
            let values = enum_values(cx, &b.rest, name.span())?;
            let create_type = match b.get("create_type") {
                Some(v) => boolean(cx, v)?,
                None => true,
            };
            let schema = match b.get("schema") {
                Some(v) => Some(s(ident_string(cx, v)?)),
                None => schema.clone(),
            };
            Some(ColumnType::Enum(EnumType::new(
                schema,
                s(enum_name),
                values.into(),
                create_type,
            )))
        }
        _ => {
            cx.error(
                name.span(),
                format!("unknown column type `{type_name}`"),
                Some(&unknown_type_help(&type_name)),
            );
            None
        }
    }
}
