//! Typed values: the leaves of an op's arguments (names, lists, SQL text,
//! booleans, server defaults, index columns) read from the call tree, each
//! with the message for what is wrong with it.

use crate::ctxt::Ctxt;
use crate::parse::{Arg, Value};
use migrate_core::model::*;
use migrate_core::naming;
use proc_macro2::Span;
use std::borrow::Cow;

pub fn s(x: impl Into<String>) -> Str {
    Cow::Owned(x.into())
}

pub fn expected(cx: &Ctxt, v: &Value, what: &str) {
    cx.error(
        v.span(),
        format!("expected {what}, found {}", v.describe()),
        None,
    );
}

pub fn string(cx: &Ctxt, v: &Value) -> Option<String> {
    match v {
        Value::Str(s) => Some(s.value()),
        other => {
            expected(cx, other, "a string");
            None
        }
    }
}

/// A non-empty identifier string (table, column, index names).
pub fn ident_string(cx: &Ctxt, v: &Value) -> Option<String> {
    let s = string(cx, v)?;
    if s.is_empty() {
        cx.error(v.span(), "a name cannot be empty", None);
        return None;
    }
    if s.len() > naming::MAX_IDENTIFIER_BYTES {
        cx.error(
            v.span(),
            format!("`{s}` is {} bytes long; names are limited to {} bytes", s.len(), naming::MAX_IDENTIFIER_BYTES),
            Some("PostgreSQL would silently truncate it and a later `drop_*` would miss; choose a shorter name"),
        );
        return None;
    }
    Some(s)
}

/// A name that may be left to the naming convention: `"ix_x"`, `f("ix_x")` or `None`.
pub fn opt_name(cx: &Ctxt, v: &Value) -> Option<Option<String>> {
    match v {
        Value::None(_) => Some(None),
        Value::Call {
            name,
            args: Some(args),
        } if name == "f" && args.items.len() == 1 => match &args.items[0] {
            Arg::Positional(inner) => ident_string(cx, inner).map(Some),
            Arg::Keyword(k, _) => {
                cx.error(k.span(), "`f(...)` takes the name only", None);
                None
            }
        },
        other => ident_string(cx, other).map(Some),
    }
}

pub fn boolean(cx: &Ctxt, v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(b.value),
        Value::Call { name, args: None } if name == "True" || name == "False" => {
            cx.error(
                name.span(),
                format!(
                    "write `{}` in Rust",
                    if name == "True" { "true" } else { "false" }
                ),
                None,
            );
            None
        }
        other => {
            expected(cx, other, "`true` or `false`");
            None
        }
    }
}

pub fn u32_value(cx: &Ctxt, v: &Value) -> Option<u32> {
    match v {
        Value::Number { text, span } => match text.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                cx.error(
                    *span,
                    format!("expected a whole number, found `{text}`"),
                    None,
                );
                None
            }
        },
        other => {
            expected(cx, other, "a number");
            None
        }
    }
}

pub fn string_list(cx: &Ctxt, v: &Value, what: &str) -> Option<Vec<String>> {
    match v {
        Value::List { items, span } => {
            if items.is_empty() {
                cx.error(*span, format!("{what} cannot be empty"), None);
                return None;
            }
            let mut out = Vec::new();
            let mut ok = true;
            for item in items {
                match ident_string(cx, item) {
                    Some(s) if out.contains(&s) => {
                        cx.error(item.span(), format!("`{s}` is listed twice"), None);
                        ok = false;
                    }
                    Some(s) => out.push(s),
                    None => ok = false,
                }
            }
            ok.then_some(out)
        }
        Value::Str(lit) => {
            cx.error(
                lit.span(),
                format!("expected a list of {what}"),
                Some(&format!("write `[{:?}]`", lit.value())),
            );
            None
        }
        other => {
            expected(cx, other, &format!("a list of {what}"));
            None
        }
    }
}

/// SQL text: `"..."` or `text("...")`.
pub fn sql(cx: &Ctxt, v: &Value) -> Option<String> {
    let text = match v {
        Value::Str(s) => Some(s.value()),
        Value::Call {
            name,
            args: Some(args),
        } if name == "text" => match args.items.as_slice() {
            [Arg::Positional(Value::Str(s))] => Some(s.value()),
            _ => {
                cx.error(args.span, "`text(...)` takes one SQL string", None);
                None
            }
        },
        other => {
            expected(cx, other, "SQL text (`\"...\"` or `text(\"...\")`)");
            None
        }
    }?;
    if text.trim().is_empty() {
        cx.error(v.span(), "the SQL text is empty", None);
        return None;
    }
    Some(text)
}

pub fn action(cx: &Ctxt, v: &Value) -> Option<ReferentialAction> {
    let text = string(cx, v)?;
    match ReferentialAction::parse(&text) {
        Some(a) => Some(a),
        None => {
            let all: Vec<_> = ReferentialAction::ALL
                .iter()
                .map(|(_, s)| format!("\"{s}\""))
                .collect();
            cx.error(
                v.span(),
                format!("`{text}` is not a referential action"),
                Some(&format!("expected one of {}", all.join(", "))),
            );
            None
        }
    }
}

pub fn initially(cx: &Ctxt, v: &Value) -> Option<bool> {
    let text = string(cx, v)?;
    match text.to_ascii_uppercase().as_str() {
        "DEFERRED" => Some(true),
        "IMMEDIATE" => Some(false),
        _ => {
            cx.error(
                v.span(),
                format!("`{text}` is not a valid `initially`"),
                Some("expected \"DEFERRED\" or \"IMMEDIATE\""),
            );
            None
        }
    }
}

pub fn opt_comment(cx: &Ctxt, v: &Value) -> Option<Option<Str>> {
    match v {
        Value::None(_) => Some(None),
        other => string(cx, other).map(|c| Some(s(c))),
    }
}

pub fn enum_values(cx: &Ctxt, values: &[&Value], span: Span) -> Option<Vec<Str>> {
    if values.is_empty() {
        cx.error(span, "an enum type needs at least one value", None);
        return None;
    }
    let mut out: Vec<Str> = Vec::new();
    for v in values {
        let text = string(cx, v)?;
        if text.is_empty() {
            cx.error(v.span(), "an enum value cannot be empty", None);
            return None;
        }
        if out.iter().any(|o| *o == text) {
            cx.error(v.span(), format!("`{text}` is listed twice"), None);
            return None;
        }
        out.push(s(text));
    }
    Some(out)
}

pub fn server_default(cx: &Ctxt, v: &Value) -> Option<ServerDefault> {
    match v {
        Value::Str(lit) => Some(ServerDefault::Literal(s(lit.value()))),
        Value::Number { text, .. } => Some(ServerDefault::Number(s(text.clone()))),
        Value::Bool(b) => Some(ServerDefault::Boolean(b.value)),
        Value::Call { name, args } => {
            let no_args = args.as_ref().is_none_or(|a| a.items.is_empty());
            match name.to_string().as_str() {
                "text" => sql(cx, v).map(|t| ServerDefault::Sql(s(t))),
                "now" if no_args => Some(ServerDefault::Now),
                "uuid" if no_args => Some(ServerDefault::Uuid),
                "true" if no_args => Some(ServerDefault::Boolean(true)),
                "false" if no_args => Some(ServerDefault::Boolean(false)),
                other => {
                    cx.error(
                        name.span(),
                        format!("`{other}` is not a server default"),
                        Some("expected a literal (`\"x\"`, `0`, `true`), `now()`, `uuid()`, or SQL as `text(\"...\")`"),
                    );
                    None
                }
            }
        }
        other => {
            expected(cx, other, "a server default");
            None
        }
    }
}

// -- columns and constraints ----------------------------------------------------

pub fn check_generated_name(cx: &Ctxt, name: &str, span: Span) -> Option<()> {
    if name.len() > naming::MAX_IDENTIFIER_BYTES {
        cx.error(
            span,
            format!("the generated name `{name}` is {} bytes long; names are limited to {} bytes", name.len(), naming::MAX_IDENTIFIER_BYTES),
            Some("PostgreSQL would silently truncate it; give this index or constraint a shorter `name`"),
        );
        return None;
    }
    Some(())
}

pub fn index_columns(cx: &Ctxt, v: &Value) -> Option<Vec<IndexColumn>> {
    let Value::List { items, span } = v else {
        if let Value::Str(lit) = v {
            cx.error(
                lit.span(),
                "expected a list of columns",
                Some(&format!("write `[{:?}]`", lit.value())),
            );
        } else {
            expected(cx, v, "a list of columns");
        }
        return None;
    };
    if items.is_empty() {
        cx.error(*span, "an index needs at least one column", None);
        return None;
    }
    let mut out = Vec::new();
    for item in items {
        let c = match item {
            Value::Call { name, .. } if name == "text" => {
                IndexColumn::Expression(s(sql(cx, item)?))
            }
            other => IndexColumn::Column(s(ident_string(cx, other)?)),
        };
        if out.contains(&c) {
            cx.error(item.span(), "this column is listed twice", None);
            return None;
        }
        out.push(c);
    }
    Some(out)
}

// -- the module ---------------------------------------------------------------------
