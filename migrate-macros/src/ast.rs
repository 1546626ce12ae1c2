//! Typed nodes: a `#[migration]` module and its ops, lowered from the call trees
//! of `parse.rs` into `migrate_core::model` values. Each op keeps the span of
//! every argument under the name the analyses use for it (`type`, `columns`,
//! `ondelete`, ...), so a finding lands on the one argument that is wrong.

use crate::ctxt::Ctxt;
use crate::parse::{Arg, Args, MetaItem, MetaValue, MigrationArgs, OpInvocation, Value};
use migrate_core::effect::Lint;
use migrate_core::model::*;
use migrate_core::naming;
use proc_macro2::Span;
use quote::ToTokens;
use std::borrow::Cow;
use std::collections::BTreeMap;
use syn::spanned::Spanned;
use syn::{Ident, LitStr};

/// A `#[migration]` module.
pub struct Migration {
    pub module: syn::ItemMod,
    pub meta: Meta,
    pub upgrade: Vec<OpNode>,
    /// `None`: no `fn downgrade()`, derive it.
    pub downgrade: Option<Vec<OpNode>>,
    pub downgrade_span: Option<Span>,
    /// Every item of the module but `upgrade` and `downgrade`.
    pub items: Vec<syn::Item>,
}

/// What `#[migration(...)]` says.
pub struct Meta {
    pub revision: Option<LitStr>,
    /// The parents; empty for a root.
    pub down_revisions: Vec<LitStr>,
    /// Where `down_revision` is (or the attribute, when it is missing).
    pub down_span: Span,
    pub down_given: bool,
    pub branch: Option<LitStr>,
    pub message: Option<String>,
    pub transactional: Option<(bool, Span)>,
    pub irreversible: Option<Span>,
    pub allow: Vec<(Lint, Span)>,
    pub krate: syn::Path,
    pub attr_span: Span,
}

/// One `op!` statement.
pub struct OpNode {
    pub op: Option<Op>,
    /// The op name as written (`create_table`).
    pub name: Ident,
    /// The macro path as written (`op`, `migrate_runtime::op`).
    pub path: syn::Path,
    pub span: Span,
    pub spans: BTreeMap<String, Span>,
    pub allow: Vec<(Lint, Span)>,
    /// `run(function)`: the function's path as written.
    pub function: Option<syn::Path>,
}

impl OpNode {
    /// The span of an argument: `object.field`, then `field`, then `object`,
    /// then the whole op.
    pub fn span_of(&self, object: Option<&str>, field: Option<&str>) -> Span {
        let mut keys = Vec::new();
        if let (Some(o), Some(f)) = (object, field) {
            keys.push(format!("{o}.{f}"));
        }
        if let Some(f) = field {
            keys.push(f.to_string());
        }
        if let Some(o) = object {
            keys.push(o.to_string());
        }
        keys.push("name".into());
        keys.iter()
            .find_map(|k| self.spans.get(k).copied())
            .unwrap_or(self.span)
    }
}

// -- the migration attribute ---------------------------------------------------

impl Meta {
    pub fn from_args(cx: &Ctxt, args: MigrationArgs, attr_span: Span) -> Meta {
        let mut meta = Meta {
            revision: None,
            down_revisions: Vec::new(),
            down_span: attr_span,
            down_given: false,
            branch: None,
            message: None,
            transactional: None,
            irreversible: None,
            allow: Vec::new(),
            krate: syn::parse_quote!(::migrate_runtime),
            attr_span,
        };
        let mut seen: BTreeMap<String, Span> = BTreeMap::new();
        for item in args.items {
            let key = match &item {
                MetaItem::KeyValue(k, _) | MetaItem::Flag(k) | MetaItem::Allow(k, _) => k.clone(),
            };
            let name = key.to_string();
            if name != "allow" {
                if seen.contains_key(&name) {
                    cx.error(key.span(), format!("`{name}` is given twice"), None);
                    continue;
                }
                seen.insert(name.clone(), key.span());
            }
            match (name.as_str(), item) {
                ("revision", MetaItem::KeyValue(_, MetaValue::Value(Value::Str(s)))) => {
                    meta.revision = Some(s)
                }
                ("down_revision", MetaItem::KeyValue(_, MetaValue::Value(v))) => {
                    meta.down_given = true;
                    meta.down_span = v.span();
                    match v {
                        Value::Str(s) => meta.down_revisions.push(s),
                        Value::None(_) => {}
                        Value::List { items, span } => {
                            if items.is_empty() {
                                cx.error(span, "an empty list of parents", Some("write `down_revision = None` for the first migration"));
                            }
                            for v in items {
                                match v {
                                    Value::Str(s) => meta.down_revisions.push(s),
                                    other => cx.error(other.span(), format!("expected a revision id string, found {}", other.describe()), None),
                                }
                            }
                        }
                        other => cx.error(
                            other.span(),
                            format!("expected a revision id, a list of them, or `None`; found {}", other.describe()),
                            Some("`down_revision = \"1a2b3c4d5e6f\"`, `down_revision = [\"a1\", \"b2\"]` for a merge, `down_revision = None` for the first migration"),
                        ),
                    }
                }
                ("branch" | "branch_labels", MetaItem::KeyValue(_, MetaValue::Value(v))) => match v {
                    Value::Str(s) => meta.branch = Some(s),
                    Value::List { items, .. } if items.len() == 1 => match &items[0] {
                        Value::Str(s) => meta.branch = Some(s.clone()),
                        other => cx.error(other.span(), "expected a branch label string", None),
                    },
                    other => cx.error(other.span(), "expected one branch label: `branch = \"label\"`", None),
                },
                ("message", MetaItem::KeyValue(_, MetaValue::Value(Value::Str(s)))) => {
                    meta.message = Some(s.value())
                }
                ("transactional", MetaItem::KeyValue(k, MetaValue::Value(Value::Bool(b)))) => {
                    meta.transactional = Some((b.value, k.span()))
                }
                ("irreversible", MetaItem::Flag(k)) => meta.irreversible = Some(k.span()),
                ("crate", MetaItem::KeyValue(_, MetaValue::Path(p))) => meta.krate = p,
                ("allow", MetaItem::Allow(_, lints)) => meta.allow.extend(parse_lints(cx, &lints)),
                (
                    "revision" | "down_revision" | "message" | "transactional" | "irreversible"
                    | "crate" | "allow",
                    _,
                ) => {
                    let expected = match name.as_str() {
                        "revision" => "`revision = \"1a2b3c4d5e6f\"`",
                        "down_revision" => "`down_revision = \"...\"`",
                        "message" => "`message = \"...\"`",
                        "transactional" => "`transactional = false`",
                        "irreversible" => "`irreversible`, without a value",
                        "crate" => "`crate = path::to::migrate_runtime`",
                        _ => "`allow(destructive, not_null_without_default)`",
                    };
                    cx.error(key.span(), format!("malformed `{name}`: expected {expected}"), None);
                }
                _ => cx.error(
                    key.span(),
                    format!("unknown argument `{name}` in `#[migration]`"),
                    Some("expected `revision`, `down_revision`, `branch`, `message`, `transactional`, `irreversible`, `allow(...)` or `crate`"),
                ),
            }
        }
        if meta.revision.is_none() {
            cx.error(
                attr_span,
                "`#[migration]` needs `revision = \"...\"`",
                Some("e.g. `#[migration(revision = \"1a2b3c4d5e6f\", down_revision = None)]`"),
            );
        }
        if !meta.down_given {
            cx.error(
                attr_span,
                "`#[migration]` needs `down_revision`",
                Some("name the parent revision, or write `down_revision = None` for the first migration"),
            );
        }
        meta
    }
}

fn parse_lints(cx: &Ctxt, lints: &[Ident]) -> Vec<(Lint, Span)> {
    let mut out = Vec::new();
    for l in lints {
        match Lint::parse(&l.to_string()) {
            Some(lint) => out.push((lint, l.span())),
            None => {
                let names: Vec<_> = Lint::ALL
                    .iter()
                    .map(|l| format!("`{}`", l.name()))
                    .collect();
                cx.error(
                    l.span(),
                    format!("unknown lint `{l}`"),
                    Some(&format!("expected {}", names.join(" or "))),
                );
            }
        }
    }
    out
}

// -- argument binding ------------------------------------------------------------

/// A signature in Alembic's terms: parameters that may be passed by position
/// or by name, then keyword-only ones, and a variadic tail.
struct Sig {
    positional: &'static [&'static str],
    required: usize,
    rest: Option<&'static str>,
    keywords: &'static [&'static str],
}

struct Bound<'a> {
    values: BTreeMap<&'static str, &'a Value>,
    rest: Vec<&'a Value>,
}

impl<'a> Bound<'a> {
    fn get(&self, name: &str) -> Option<&'a Value> {
        self.values.get(name).copied()
    }
}

fn bind<'a>(cx: &Ctxt, what: &str, call: Span, args: &'a Args, sig: &Sig) -> Option<Bound<'a>> {
    let mut bound = Bound {
        values: BTreeMap::new(),
        rest: Vec::new(),
    };
    let mut ok = true;
    let mut misplaced = false;
    let mut next = 0;
    let mut saw_keyword = false;
    for arg in &args.items {
        match arg {
            Arg::Positional(v) => {
                if saw_keyword {
                    cx.error(
                        v.span(),
                        "positional argument after a keyword argument",
                        None,
                    );
                    ok = false;
                    misplaced = true;
                } else if next < sig.positional.len() {
                    bound.values.insert(sig.positional[next], v);
                    next += 1;
                } else if sig.rest.is_some() {
                    bound.rest.push(v);
                } else {
                    cx.error(
                        v.span(),
                        format!(
                            "`{what}` takes {} positional argument{} ({}), this is one too many",
                            sig.positional.len(),
                            if sig.positional.len() == 1 { "" } else { "s" },
                            sig.positional.join(", ")
                        ),
                        None,
                    );
                    ok = false;
                }
            }
            Arg::Keyword(k, v) => {
                saw_keyword = true;
                let name = k.to_string();
                let known = sig
                    .positional
                    .iter()
                    .chain(sig.keywords)
                    .find(|p| **p == name);
                match known {
                    Some(p) => {
                        if bound.values.insert(p, v).is_some() {
                            cx.error(k.span(), format!("`{name}` is given twice"), None);
                            ok = false;
                        }
                    }
                    None => {
                        let all: Vec<_> = sig
                            .positional
                            .iter()
                            .chain(sig.keywords)
                            .map(|p| format!("`{p}`"))
                            .collect();
                        cx.error(
                            k.span(),
                            format!("`{what}` has no argument `{name}`"),
                            Some(&format!("expected one of {}", all.join(", "))),
                        );
                        ok = false;
                    }
                }
            }
        }
    }
    for p in &sig.positional[..sig.required] {
        if !misplaced && !bound.values.contains_key(p) {
            cx.error(
                call,
                format!("`{what}` needs `{p}`"),
                Some(&format!(
                    "`{what}({})`",
                    sig.positional[..sig.required].join(", ")
                )),
            );
            ok = false;
        }
    }
    ok.then_some(bound)
}

// -- typed values -------------------------------------------------------------------

fn s(x: impl Into<String>) -> Str {
    Cow::Owned(x.into())
}

fn expected(cx: &Ctxt, v: &Value, what: &str) {
    cx.error(
        v.span(),
        format!("expected {what}, found {}", v.describe()),
        None,
    );
}

fn string(cx: &Ctxt, v: &Value) -> Option<String> {
    match v {
        Value::Str(s) => Some(s.value()),
        other => {
            expected(cx, other, "a string");
            None
        }
    }
}

/// A non-empty identifier string (table, column, index names).
fn ident_string(cx: &Ctxt, v: &Value) -> Option<String> {
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
fn opt_name(cx: &Ctxt, v: &Value) -> Option<Option<String>> {
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

fn boolean(cx: &Ctxt, v: &Value) -> Option<bool> {
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

fn u32_value(cx: &Ctxt, v: &Value) -> Option<u32> {
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

fn string_list(cx: &Ctxt, v: &Value, what: &str) -> Option<Vec<String>> {
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
fn sql(cx: &Ctxt, v: &Value) -> Option<String> {
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

fn action(cx: &Ctxt, v: &Value) -> Option<ReferentialAction> {
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

fn initially(cx: &Ctxt, v: &Value) -> Option<bool> {
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

fn opt_comment(cx: &Ctxt, v: &Value) -> Option<Option<Str>> {
    match v {
        Value::None(_) => Some(None),
        other => string(cx, other).map(|c| Some(s(c))),
    }
}

const TYPES: &str = "Integer, BigInteger, SmallInteger, String(n), Text, Boolean, Numeric(p, s), Float, Double, Date, Time, DateTime(timezone = true), Uuid, Json, Jsonb, Binary, Enum(...)";

fn column_type(cx: &Ctxt, v: &Value, schema: &Option<Str>) -> Option<ColumnType> {
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
                    positional: &["length"],
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
                    positional: &["precision", "scale"],
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
                    positional: &["timezone"],
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
                    keywords: &["as_uuid"],
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
                    rest: Some("values"),
                    keywords: &["name", "create_type", "schema"],
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
            Some(ColumnType::Enum(EnumType {
                schema,
                name: s(enum_name),
                values: values.into(),
                create_type,
            }))
        }
        _ => {
            cx.error(
                name.span(),
                format!("unknown column type `{type_name}`"),
                Some(&format!("expected one of {TYPES}")),
            );
            None
        }
    }
}

fn enum_values(cx: &Ctxt, values: &[&Value], span: Span) -> Option<Vec<Str>> {
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

fn server_default(cx: &Ctxt, v: &Value) -> Option<ServerDefault> {
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

/// What lowering a `Column(...)` gives, with its argument spans.
struct LoweredColumn {
    column: Column,
    spans: Vec<(String, Span)>,
}

const COLUMN_SIG: Sig = Sig {
    positional: &["name", "type_"],
    required: 2,
    rest: Some("constraints"),
    keywords: &[
        "primary_key",
        "nullable",
        "server_default",
        "autoincrement",
        "unique",
        "index",
        "comment",
    ],
};

fn column(cx: &Ctxt, v: &Value, table: &TableRef) -> Option<LoweredColumn> {
    let Value::Call {
        name,
        args: Some(args),
    } = v
    else {
        expected(cx, v, "`Column(\"name\", Type, ...)`");
        return None;
    };
    if name != "Column" && name != "column" {
        expected(cx, v, "`Column(\"name\", Type, ...)`");
        return None;
    }
    let b = bind(cx, "Column", name.span(), args, &COLUMN_SIG)?;
    let col_name = ident_string(cx, b.get("name")?)?;
    let ty_value = b.get("type_")?;
    let ty = column_type(cx, ty_value, &table.schema);
    let mut spans = vec![
        (col_name.clone(), v.span()),
        ("type".to_string(), ty_value.span()),
    ];
    let mut get_bool = |key: &'static str, default: bool| -> Option<bool> {
        match b.get(key) {
            Some(v) => {
                spans.push((key.to_string(), v.span()));
                boolean(cx, v)
            }
            None => Some(default),
        }
    };
    let primary_key = get_bool("primary_key", false)?;
    let nullable = get_bool("nullable", !primary_key)?;
    let unique = get_bool("unique", false)?;
    let index = get_bool("index", false)?;
    let autoincrement = match b.get("autoincrement") {
        Some(v) => Some(boolean(cx, v)?),
        None => None,
    };
    if primary_key && nullable {
        cx.error(
            b.get("nullable").map(Value::span).unwrap_or(name.span()),
            "a primary key column cannot be nullable",
            None,
        );
        return None;
    }
    let server_default = match b.get("server_default") {
        Some(Value::None(_)) => None,
        Some(v) => {
            spans.push(("server_default".into(), v.span()));
            spans.push((format!("{col_name}.server_default"), v.span()));
            Some(server_default(cx, v)?)
        }
        None => None,
    };
    let comment = match b.get("comment") {
        Some(v) => {
            spans.push(("comment".into(), v.span()));
            opt_comment(cx, v)?
        }
        None => None,
    };
    let mut foreign_key = None;
    for extra in &b.rest {
        match extra {
            Value::Call {
                name: fk,
                args: Some(fk_args),
            } if fk == "ForeignKey" => {
                let fb = bind(
                    cx,
                    "ForeignKey",
                    fk.span(),
                    fk_args,
                    &Sig {
                        positional: &["column"],
                        required: 1,
                        rest: None,
                        keywords: &["name", "ondelete", "onupdate"],
                    },
                )?;
                let target = string(cx, fb.get("column")?)?;
                let parts: Vec<&str> = target.split('.').collect();
                let (referent, referent_column) = match parts.as_slice() {
                    [t, c] if !t.is_empty() && !c.is_empty() => (
                        TableRef {
                            schema: table.schema.clone(),
                            name: s(*t),
                        },
                        s(*c),
                    ),
                    [sc, t, c] if !sc.is_empty() && !t.is_empty() && !c.is_empty() => (
                        TableRef {
                            schema: Some(s(*sc)),
                            name: s(*t),
                        },
                        s(*c),
                    ),
                    _ => {
                        cx.error(
                            fb.get("column")?.span(),
                            format!("`{target}` is not `table.column`"),
                            Some("e.g. `ForeignKey(\"users.id\")`"),
                        );
                        return None;
                    }
                };
                let fk_name = match fb.get("name") {
                    Some(v) => opt_name(cx, v)?,
                    None => None,
                }
                .unwrap_or_else(|| naming::foreign_key(&table.name, &[&col_name], &referent.name));
                check_generated_name(cx, &fk_name, fk.span())?;
                let options = foreign_key_options(cx, &fb, &fk_name, &mut spans)?;
                if foreign_key.is_some() {
                    cx.error(
                        fk.span(),
                        "a column takes one inline `ForeignKey`",
                        Some("use `ForeignKeyConstraint` in `create_table` for more"),
                    );
                    return None;
                }
                foreign_key = Some(InlineForeignKey {
                    name: s(fk_name),
                    referent,
                    referent_column,
                    on_delete: options.on_delete,
                    on_update: options.on_update,
                });
            }
            other => {
                expected(cx, other, "`ForeignKey(\"table.column\")`");
                return None;
            }
        }
    }
    let unique = if unique {
        let n = naming::unique(&table.name, &[&col_name]);
        check_generated_name(cx, &n, name.span())?;
        Some(s(n))
    } else {
        None
    };
    let index = if index {
        let n = naming::index(&table.name, &[&col_name]);
        check_generated_name(cx, &n, name.span())?;
        Some(s(n))
    } else {
        None
    };
    let ty = ty?;
    if autoincrement == Some(true)
        && !matches!(
            ty,
            ColumnType::Integer | ColumnType::BigInteger | ColumnType::SmallInteger
        )
    {
        cx.error(
            b.get("autoincrement")
                .map(Value::span)
                .unwrap_or(name.span()),
            "only integer columns can autoincrement",
            None,
        );
        return None;
    }
    let column = Column {
        name: s(col_name.clone()),
        ty,
        nullable,
        primary_key,
        autoincrement,
        server_default,
        unique,
        index,
        foreign_key,
        comment,
    };
    let spans = spans
        .into_iter()
        .flat_map(|(k, sp)| {
            if k == col_name {
                vec![(k, sp)]
            } else {
                vec![(format!("{col_name}.{k}"), sp), (k, sp)]
            }
        })
        .collect();
    Some(LoweredColumn { column, spans })
}

fn check_generated_name(cx: &Ctxt, name: &str, span: Span) -> Option<()> {
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

/// A table-level constraint inside `create_table` / `drop_table`.
fn table_constraint(
    cx: &Ctxt,
    v: &Value,
    table: &TableRef,
    spans: &mut Vec<(String, Span)>,
) -> Option<Constraint> {
    let Value::Call {
        name,
        args: Some(args),
    } = v
    else {
        expected(cx, v, "`Column(...)` or a constraint");
        return None;
    };
    let kind = name.to_string();
    let named = |b: &Bound, default: String| -> Option<String> {
        let n = match b.get("name") {
            Some(v) => opt_name(cx, v)?,
            None => None,
        }
        .unwrap_or(default);
        check_generated_name(cx, &n, name.span())?;
        Some(n)
    };
    let varargs_columns = |b: &Bound| -> Option<Vec<String>> {
        if b.rest.is_empty() {
            cx.error(
                name.span(),
                format!("`{kind}` needs at least one column"),
                None,
            );
            return None;
        }
        let mut out = Vec::new();
        for v in &b.rest {
            // Accept both `("a", "b")` and `(["a", "b"])`.
            match v {
                Value::List { .. } => out.extend(string_list(cx, v, "columns")?),
                other => out.push(ident_string(cx, other)?),
            }
        }
        Some(out)
    };
    match kind.as_str() {
        "PrimaryKeyConstraint" | "UniqueConstraint" => {
            let b = bind(
                cx,
                &kind,
                name.span(),
                args,
                &Sig {
                    positional: &[],
                    required: 0,
                    rest: Some("columns"),
                    keywords: &["name"],
                },
            )?;
            let cols = varargs_columns(&b)?;
            let primary = kind == "PrimaryKeyConstraint";
            let default_name = if primary {
                naming::primary_key(&table.name)
            } else {
                naming::unique(&table.name, &cols)
            };
            let n = named(&b, default_name)?;
            spans.push((n.clone(), v.span()));
            let columns: List<Str> = cols.into_iter().map(s).collect::<Vec<_>>().into();
            Some(Constraint {
                name: s(n),
                kind: if primary {
                    ConstraintKind::PrimaryKey { columns }
                } else {
                    ConstraintKind::Unique { columns }
                },
            })
        }
        "CheckConstraint" => {
            let b = bind(
                cx,
                &kind,
                name.span(),
                args,
                &Sig {
                    positional: &["sqltext"],
                    required: 1,
                    rest: None,
                    keywords: &["name"],
                },
            )?;
            let condition = sql(cx, b.get("sqltext")?)?;
            let Some(n) = b.get("name") else {
                cx.error(name.span(), "a table-level `CheckConstraint` needs a `name`", Some("e.g. `CheckConstraint(\"price > 0\", name = \"ck_products_price_positive\")`"));
                return None;
            };
            let n = ident_string(cx, n)?;
            spans.push((n.clone(), v.span()));
            spans.push((format!("{n}.condition"), b.get("sqltext")?.span()));
            Some(Constraint {
                name: s(n),
                kind: ConstraintKind::Check {
                    condition: s(condition),
                },
            })
        }
        "ForeignKeyConstraint" => {
            let b = bind(
                cx,
                &kind,
                name.span(),
                args,
                &Sig {
                    positional: &["columns", "refcolumns"],
                    required: 2,
                    rest: None,
                    keywords: &["name", "ondelete", "onupdate", "deferrable", "initially"],
                },
            )?;
            let cols = string_list(cx, b.get("columns")?, "columns")?;
            let refs_value = b.get("refcolumns")?;
            let refs = string_list(cx, refs_value, "referenced columns")?;
            let mut referent: Option<TableRef> = None;
            let mut ref_cols = Vec::new();
            for r in &refs {
                let parts: Vec<&str> = r.split('.').collect();
                let (t, c) = match parts.as_slice() {
                    [t, c] => (
                        TableRef {
                            schema: table.schema.clone(),
                            name: s(*t),
                        },
                        *c,
                    ),
                    [sc, t, c] => (
                        TableRef {
                            schema: Some(s(*sc)),
                            name: s(*t),
                        },
                        *c,
                    ),
                    _ => {
                        cx.error(
                            refs_value.span(),
                            format!("`{r}` is not `table.column`"),
                            None,
                        );
                        return None;
                    }
                };
                if referent.as_ref().is_some_and(|x| *x != t) {
                    cx.error(
                        refs_value.span(),
                        "the referenced columns must all be in one table",
                        None,
                    );
                    return None;
                }
                referent = Some(t);
                ref_cols.push(s(c));
            }
            let referent = referent?;
            if cols.len() != ref_cols.len() {
                cx.error(
                    refs_value.span(),
                    format!(
                        "{} local column(s) but {} referenced",
                        cols.len(),
                        ref_cols.len()
                    ),
                    None,
                );
                return None;
            }
            let n = named(&b, naming::foreign_key(&table.name, &cols, &referent.name))?;
            spans.push((n.clone(), v.span()));
            let fk = foreign_key_options(cx, &b, &n, spans)?;
            Some(Constraint {
                name: s(n),
                kind: ConstraintKind::ForeignKey(ForeignKey {
                    columns: cols.into_iter().map(s).collect::<Vec<_>>().into(),
                    referent,
                    referent_columns: ref_cols.into(),
                    ..fk
                }),
            })
        }
        _ => {
            cx.error(
                name.span(),
                format!("`{kind}` cannot appear in a table definition"),
                Some("expected `Column`, `PrimaryKeyConstraint`, `ForeignKeyConstraint`, `UniqueConstraint` or `CheckConstraint`"),
            );
            None
        }
    }
}

/// `ondelete`, `onupdate`, `deferrable`, `initially`; the rest left empty.
fn foreign_key_options(
    cx: &Ctxt,
    b: &Bound,
    object: &str,
    spans: &mut Vec<(String, Span)>,
) -> Option<ForeignKey> {
    let mut fk = ForeignKey {
        columns: Cow::Borrowed(&[]),
        referent: TableRef {
            schema: None,
            name: Cow::Borrowed(""),
        },
        referent_columns: Cow::Borrowed(&[]),
        on_delete: None,
        on_update: None,
        deferrable: None,
        initially_deferred: None,
    };
    if let Some(v) = b.get("ondelete") {
        spans.push((format!("{object}.ondelete"), v.span()));
        spans.push(("ondelete".into(), v.span()));
        fk.on_delete = Some(action(cx, v)?);
    }
    if let Some(v) = b.get("onupdate") {
        spans.push((format!("{object}.onupdate"), v.span()));
        spans.push(("onupdate".into(), v.span()));
        fk.on_update = Some(action(cx, v)?);
    }
    if let Some(v) = b.get("deferrable") {
        spans.push(("deferrable".into(), v.span()));
        fk.deferrable = Some(boolean(cx, v)?);
    }
    if let Some(v) = b.get("initially") {
        spans.push(("initially".into(), v.span()));
        fk.initially_deferred = Some(initially(cx, v)?);
    }
    Some(fk)
}

/// `create_table(name, items...)` and the invertible `drop_table` form.
fn table_definition(
    cx: &Ctxt,
    table: TableRef,
    items: &[&Value],
    comment: Option<Str>,
    spans: &mut Vec<(String, Span)>,
    call: Span,
) -> Option<Table> {
    let mut columns: Vec<Column> = Vec::new();
    let mut constraints: Vec<Constraint> = Vec::new();
    let mut ok = true;
    for item in items {
        let is_column =
            matches!(item, Value::Call { name, .. } if name == "Column" || name == "column");
        if is_column {
            match column(cx, item, &table) {
                Some(c) => {
                    if columns.iter().any(|x| x.name == c.column.name) {
                        cx.error(
                            item.span(),
                            format!("column `{}` is defined twice", c.column.name),
                            None,
                        );
                        ok = false;
                    }
                    spans.extend(c.spans.into_iter().filter(|(k, _)| {
                        k.contains('.')
                            || ![
                                "type",
                                "nullable",
                                "server_default",
                                "comment",
                                "ondelete",
                                "onupdate",
                                "primary_key",
                            ]
                            .contains(&k.as_str())
                    }));
                    columns.push(c.column);
                }
                None => ok = false,
            }
        } else {
            match table_constraint(cx, item, &table, spans) {
                Some(c) => constraints.push(c),
                None => ok = false,
            }
        }
    }
    if !ok {
        return None;
    }
    if columns.is_empty() {
        cx.error(
            call,
            format!("table `{table}` needs at least one `Column`"),
            None,
        );
        return None;
    }
    // Lift `primary_key = true` into the one named primary key.
    let flagged: Vec<Str> = columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| c.name.clone())
        .collect();
    let explicit = constraints
        .iter()
        .filter(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. }))
        .count();
    if explicit > 1 {
        cx.error(
            call,
            "a table has one primary key; merge the `PrimaryKeyConstraint`s",
            None,
        );
        return None;
    }
    if explicit == 1 && !flagged.is_empty() {
        cx.error(call, "the primary key is given both with `primary_key = true` and with `PrimaryKeyConstraint`", Some("keep one of them"));
        return None;
    }
    if explicit == 1 {
        let pk = constraints
            .iter()
            .position(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. }))?;
        let c = constraints.remove(pk);
        if let ConstraintKind::PrimaryKey { columns: pk_cols } = &c.kind {
            for col in columns.iter_mut() {
                if pk_cols.contains(&col.name) {
                    col.primary_key = true;
                    col.nullable = false;
                }
            }
        }
        constraints.insert(0, c);
    } else if !flagged.is_empty() {
        let n = naming::primary_key(&table.name);
        check_generated_name(cx, &n, call)?;
        constraints.insert(
            0,
            Constraint {
                name: s(n),
                kind: ConstraintKind::PrimaryKey {
                    columns: flagged.into(),
                },
            },
        );
    }
    // Every column a constraint names must be in the table.
    for c in &constraints {
        let cols: Vec<&Str> = match &c.kind {
            ConstraintKind::PrimaryKey { columns: cs } | ConstraintKind::Unique { columns: cs } => {
                cs.iter().collect()
            }
            ConstraintKind::ForeignKey(fk) => fk.columns.iter().collect(),
            ConstraintKind::Check { .. } => Vec::new(),
        };
        for col in cols {
            if !columns.iter().any(|x| x.name == *col) {
                let span = spans
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == *c.name)
                    .map(|(_, s)| *s)
                    .unwrap_or(call);
                cx.error(span, format!("constraint `{}` names column `{col}`, which table `{table}` does not define", c.name), None);
                ok = false;
            }
        }
    }
    let mut names: Vec<&str> = Vec::new();
    for n in constraints
        .iter()
        .map(|c| &*c.name)
        .chain(columns.iter().filter_map(|c| c.unique.as_deref()))
        .chain(
            columns
                .iter()
                .filter_map(|c| c.foreign_key.as_ref().map(|f| &*f.name)),
        )
    {
        if names.contains(&n) {
            cx.error(
                call,
                format!("two constraints of `{table}` are named `{n}`"),
                Some("give one of them another `name`"),
            );
            ok = false;
        }
        names.push(n);
    }
    ok.then(|| Table {
        table,
        columns: columns.into(),
        constraints: constraints.into(),
        comment,
    })
}

// -- ops ---------------------------------------------------------------------------

/// Every op name, for the "unknown operation" message and for the rustdoc links.
pub const OPS: &[&str] = &[
    "create_table",
    "drop_table",
    "rename_table",
    "add_column",
    "drop_column",
    "alter_column",
    "create_index",
    "drop_index",
    "create_unique_constraint",
    "create_check_constraint",
    "create_foreign_key",
    "create_primary_key",
    "drop_constraint",
    "drop_unique_constraint",
    "drop_check_constraint",
    "drop_foreign_key",
    "drop_primary_key",
    "create_enum",
    "drop_enum",
    "add_enum_value",
    "create_table_comment",
    "drop_table_comment",
    "bulk_insert",
    "execute",
    "run",
];

impl OpNode {
    pub fn from_invocation(cx: &Ctxt, path: syn::Path, inv: OpInvocation, span: Span) -> OpNode {
        let mut node = OpNode {
            op: None,
            name: inv.name.clone(),
            path,
            span,
            spans: BTreeMap::new(),
            allow: parse_lints(cx, &inv.allow),
            function: None,
        };
        node.spans.insert("name".into(), inv.name.span());
        let mut spans: Vec<(String, Span)> = Vec::new();
        node.op = lower_op(cx, &inv, &mut spans, &mut node.function);
        for (k, v) in spans {
            node.spans.entry(k).or_insert(v);
        }
        node
    }
}

fn table_ref(cx: &Ctxt, b: &Bound, key: &str, schema_key: &str) -> Option<TableRef> {
    let name = ident_string(cx, b.get(key)?)?;
    let schema = match b.get(schema_key) {
        Some(v) => Some(s(ident_string(cx, v)?)),
        None => None,
    };
    Some(TableRef {
        schema,
        name: s(name),
    })
}

fn lower_op(
    cx: &Ctxt,
    inv: &OpInvocation,
    spans: &mut Vec<(String, Span)>,
    function: &mut Option<syn::Path>,
) -> Option<Op> {
    let op = inv.name.to_string();
    let call = inv.name.span();
    let args = &inv.args;
    let record = |spans: &mut Vec<(String, Span)>, b: &Bound, keys: &[(&str, &str)]| {
        for (param, field) in keys {
            if let Some(v) = b.get(param) {
                spans.push((field.to_string(), v.span()));
            }
        }
    };
    macro_rules! sig {
        ([$($p:literal),*], $req:expr, $rest:expr, [$($k:literal),*]) => {
            bind(cx, &op, call, args, &Sig { positional: &[$($p),*], required: $req, rest: $rest, keywords: &[$($k),*] })?
        };
    }
    match op.as_str() {
        "create_table" | "drop_table" => {
            let b = if op == "create_table" {
                sig!(["table_name"], 1, Some("columns"), ["schema", "comment"])
            } else {
                sig!(["table_name"], 1, Some("columns"), ["schema"])
            };
            let table = table_ref(cx, &b, "table_name", "schema")?;
            spans.push(("table".into(), b.get("table_name")?.span()));
            let comment = match b.get("comment") {
                Some(v) => opt_comment(cx, v)?,
                None => None,
            };
            if op == "drop_table" && b.rest.is_empty() {
                return Some(Op::DropTable {
                    table,
                    definition: None,
                });
            }
            let def = table_definition(cx, table.clone(), &b.rest, comment, spans, call)?;
            if op == "create_table" {
                Some(Op::CreateTable(def))
            } else {
                Some(Op::DropTable {
                    table,
                    definition: Some(def),
                })
            }
        }
        "rename_table" => {
            let b = sig!(["old_table_name", "new_table_name"], 2, None, ["schema"]);
            let schema = match b.get("schema") {
                Some(v) => Some(s(ident_string(cx, v)?)),
                None => None,
            };
            let old = ident_string(cx, b.get("old_table_name")?)?;
            let new = ident_string(cx, b.get("new_table_name")?)?;
            if old == new {
                cx.error(
                    b.get("new_table_name")?.span(),
                    "the new name is the old one",
                    None,
                );
                return None;
            }
            Some(Op::RenameTable {
                schema,
                old: s(old),
                new: s(new),
            })
        }
        "add_column" => {
            let b = sig!(["table_name", "column"], 2, None, ["schema"]);
            let table = table_ref(cx, &b, "table_name", "schema")?;
            let c = column(cx, b.get("column")?, &table)?;
            spans.extend(c.spans);
            if c.column.primary_key {
                cx.error(
                    b.get("column")?.span(),
                    "`add_column` cannot add a primary key column",
                    Some("add the column, then `create_primary_key`"),
                );
                return None;
            }
            Some(Op::AddColumn {
                table,
                column: c.column,
            })
        }
        "drop_column" => {
            let b = sig!(["table_name", "column_name"], 2, None, ["schema"]);
            let table = table_ref(cx, &b, "table_name", "schema")?;
            let v = b.get("column_name")?;
            match v {
                Value::Str(_) => {
                    let name = ident_string(cx, v)?;
                    Some(Op::DropColumn {
                        table,
                        column: s(name),
                        definition: None,
                    })
                }
                _ => {
                    let c = column(cx, v, &table)?;
                    spans.extend(c.spans);
                    Some(Op::DropColumn {
                        table,
                        column: c.column.name.clone(),
                        definition: Some(c.column),
                    })
                }
            }
        }
        "alter_column" => {
            let b = sig!(
                ["table_name", "column_name"],
                2,
                None,
                [
                    "nullable",
                    "comment",
                    "server_default",
                    "new_column_name",
                    "type_",
                    "existing_type",
                    "existing_server_default",
                    "existing_nullable",
                    "existing_comment",
                    "schema",
                    "postgresql_using"
                ]
            );
            let table = table_ref(cx, &b, "table_name", "schema")?;
            let column = ident_string(cx, b.get("column_name")?)?;
            record(
                spans,
                &b,
                &[
                    ("type_", "type"),
                    ("nullable", "nullable"),
                    ("server_default", "server_default"),
                    ("comment", "comment"),
                    ("new_column_name", "new_column_name"),
                    ("postgresql_using", "using"),
                ],
            );
            let ty = |key: &str| -> Option<Option<ColumnType>> {
                match b.get(key) {
                    Some(v) => column_type(cx, v, &table.schema).map(Some),
                    None => Some(None),
                }
            };
            let flag = |key: &str| -> Option<Option<bool>> {
                match b.get(key) {
                    Some(v) => boolean(cx, v).map(Some),
                    None => Some(None),
                }
            };
            let default = |key: &str| -> Option<Option<Option<ServerDefault>>> {
                match b.get(key) {
                    Some(Value::None(_)) => Some(Some(None)),
                    Some(v) => server_default(cx, v).map(|d| Some(Some(d))),
                    None => Some(None),
                }
            };
            let comment = |key: &str| -> Option<Option<Option<Str>>> {
                match b.get(key) {
                    Some(v) => opt_comment(cx, v).map(Some),
                    None => Some(None),
                }
            };
            let a = AlterColumn {
                table: table.clone(),
                column: s(column),
                new_name: match b.get("new_column_name") {
                    Some(v) => Some(s(ident_string(cx, v)?)),
                    None => None,
                },
                ty: ty("type_")?,
                nullable: flag("nullable")?,
                server_default: default("server_default")?,
                comment: comment("comment")?,
                existing_type: ty("existing_type")?,
                existing_nullable: flag("existing_nullable")?,
                existing_server_default: default("existing_server_default")?,
                existing_comment: comment("existing_comment")?,
                using: match b.get("postgresql_using") {
                    Some(v) => Some(s(sql(cx, v)?)),
                    None => None,
                },
            };
            if a.new_name.is_none()
                && a.ty.is_none()
                && a.nullable.is_none()
                && a.server_default.is_none()
                && a.comment.is_none()
            {
                cx.error(call, "`alter_column` changes nothing", Some("give at least one of `nullable`, `server_default`, `type_`, `comment`, `new_column_name`"));
                return None;
            }
            if a.using.is_some() && a.ty.is_none() {
                cx.error(
                    b.get("postgresql_using")?.span(),
                    "`postgresql_using` only applies with `type_`",
                    None,
                );
                return None;
            }
            Some(Op::AlterColumn(a))
        }
        "create_index" | "drop_index" => {
            let b = sig!(
                ["index_name", "table_name", "columns"],
                if op == "create_index" { 3 } else { 2 },
                None,
                [
                    "schema",
                    "unique",
                    "postgresql_where",
                    "sqlite_where",
                    "postgresql_using",
                    "postgresql_concurrently"
                ]
            );
            let table = table_ref(cx, &b, "table_name", "schema")?;
            record(
                spans,
                &b,
                &[
                    ("columns", "columns"),
                    ("unique", "unique"),
                    ("postgresql_where", "predicate"),
                    ("sqlite_where", "predicate"),
                    ("postgresql_using", "method"),
                    ("postgresql_concurrently", "concurrently"),
                ],
            );
            let explicit = opt_name(cx, b.get("index_name")?)?;
            let Some(columns_value) = b.get("columns") else {
                // Alembic's form: drop_index(name, table_name = ...).
                let Some(name) = explicit else {
                    cx.error(
                        b.get("index_name")?.span(),
                        "`drop_index` needs the index's name",
                        None,
                    );
                    return None;
                };
                for extra in [
                    "unique",
                    "postgresql_where",
                    "sqlite_where",
                    "postgresql_using",
                ] {
                    if let Some(v) = b.get(extra) {
                        cx.error(v.span(), format!("`{extra}` describes the index: give its `columns` too, as to `create_index`"), None);
                        return None;
                    }
                }
                let concurrently = match b.get("postgresql_concurrently") {
                    Some(v) => boolean(cx, v)?,
                    None => false,
                };
                let definition = concurrently.then(|| Index {
                    name: s(name.clone()),
                    table: table.clone(),
                    columns: Cow::Borrowed(&[]),
                    unique: false,
                    predicate: None,
                    method: None,
                    concurrently,
                });
                if definition.is_some() {
                    cx.error(
                        call,
                        "`postgresql_concurrently` on `drop_index` needs the index's `columns`",
                        Some("give them as to `create_index`"),
                    );
                    return None;
                }
                return Some(Op::DropIndex {
                    table,
                    name: s(name),
                    definition: None,
                });
            };
            let columns = index_columns(cx, columns_value)?;
            let plain: Vec<&str> = columns
                .iter()
                .filter_map(IndexColumn::column)
                .map(|c| &**c)
                .collect();
            let name = match explicit {
                Some(n) => n,
                None => {
                    let n = naming::index(&table.name, &plain);
                    check_generated_name(cx, &n, b.get("index_name")?.span())?;
                    n
                }
            };
            let pg_where = b.get("postgresql_where").map(|v| sql(cx, v));
            let lite_where = b.get("sqlite_where").map(|v| sql(cx, v));
            let predicate = match (pg_where, lite_where) {
                (Some(None), _) | (_, Some(None)) => return None,
                (Some(Some(p)), Some(Some(l))) => {
                    if migrate_core::checksum::normalize_sql(&p)
                        != migrate_core::checksum::normalize_sql(&l)
                    {
                        cx.error(b.get("sqlite_where")?.span(), "`postgresql_where` and `sqlite_where` differ", Some("a partial index must cover the same rows on every database; give one predicate"));
                        return None;
                    }
                    Some(s(p))
                }
                (Some(Some(p)), None) | (None, Some(Some(p))) => Some(s(p)),
                (None, None) => None,
            };
            let index = Index {
                name: s(name),
                table: table.clone(),
                columns: columns.into(),
                unique: match b.get("unique") {
                    Some(v) => boolean(cx, v)?,
                    None => false,
                },
                predicate,
                method: match b.get("postgresql_using") {
                    Some(v) => Some(s(ident_string(cx, v)?)),
                    None => None,
                },
                concurrently: match b.get("postgresql_concurrently") {
                    Some(v) => boolean(cx, v)?,
                    None => false,
                },
            };
            if op == "create_index" {
                Some(Op::CreateIndex(index))
            } else {
                Some(Op::DropIndex {
                    table,
                    name: index.name.clone(),
                    definition: Some(index),
                })
            }
        }
        "create_unique_constraint"
        | "drop_unique_constraint"
        | "create_primary_key"
        | "drop_primary_key" => {
            let b = sig!(
                ["constraint_name", "table_name", "columns"],
                3,
                None,
                ["schema"]
            );
            let table = table_ref(cx, &b, "table_name", "schema")?;
            record(spans, &b, &[("columns", "columns")]);
            let cols = string_list(cx, b.get("columns")?, "columns")?;
            let unique = op.contains("unique");
            let default_name = if unique {
                naming::unique(&table.name, &cols)
            } else {
                naming::primary_key(&table.name)
            };
            let name = opt_name(cx, b.get("constraint_name")?)?.unwrap_or(default_name);
            check_generated_name(cx, &name, b.get("constraint_name")?.span())?;
            let columns: List<Str> = cols.into_iter().map(s).collect::<Vec<_>>().into();
            let kind = if unique {
                ConstraintKind::Unique { columns }
            } else {
                ConstraintKind::PrimaryKey { columns }
            };
            Some(constraint_op(
                &op,
                table,
                Constraint {
                    name: s(name),
                    kind,
                },
            ))
        }
        "create_check_constraint" | "drop_check_constraint" => {
            let b = sig!(
                ["constraint_name", "table_name", "condition"],
                3,
                None,
                ["schema"]
            );
            let table = table_ref(cx, &b, "table_name", "schema")?;
            record(spans, &b, &[("condition", "condition")]);
            let Some(name) = opt_name(cx, b.get("constraint_name")?)? else {
                cx.error(b.get("constraint_name")?.span(), "a check constraint needs a name", Some("e.g. `\"ck_products_price_positive\"`: the convention cannot derive one from an expression"));
                return None;
            };
            let condition = sql(cx, b.get("condition")?)?;
            Some(constraint_op(
                &op,
                table,
                Constraint {
                    name: s(name),
                    kind: ConstraintKind::Check {
                        condition: s(condition),
                    },
                },
            ))
        }
        "create_foreign_key" | "drop_foreign_key" => {
            let b = sig!(
                [
                    "constraint_name",
                    "source_table",
                    "referent_table",
                    "local_cols",
                    "remote_cols"
                ],
                5,
                None,
                [
                    "onupdate",
                    "ondelete",
                    "deferrable",
                    "initially",
                    "source_schema",
                    "referent_schema"
                ]
            );
            let table = table_ref(cx, &b, "source_table", "source_schema")?;
            let referent = table_ref(cx, &b, "referent_table", "referent_schema")?;
            record(
                spans,
                &b,
                &[
                    ("local_cols", "columns"),
                    ("referent_table", "referent"),
                    ("remote_cols", "referent_columns"),
                ],
            );
            let local = string_list(cx, b.get("local_cols")?, "columns")?;
            let remote = string_list(cx, b.get("remote_cols")?, "referenced columns")?;
            if local.len() != remote.len() {
                cx.error(
                    b.get("remote_cols")?.span(),
                    format!(
                        "{} local column(s) but {} referenced",
                        local.len(),
                        remote.len()
                    ),
                    None,
                );
                return None;
            }
            let name = opt_name(cx, b.get("constraint_name")?)?
                .unwrap_or_else(|| naming::foreign_key(&table.name, &local, &referent.name));
            check_generated_name(cx, &name, b.get("constraint_name")?.span())?;
            let fk = foreign_key_options(cx, &b, &name, spans)?;
            let kind = ConstraintKind::ForeignKey(ForeignKey {
                columns: local.into_iter().map(s).collect::<Vec<_>>().into(),
                referent,
                referent_columns: remote.into_iter().map(s).collect::<Vec<_>>().into(),
                ..fk
            });
            Some(constraint_op(
                &op,
                table,
                Constraint {
                    name: s(name),
                    kind,
                },
            ))
        }
        "drop_constraint" => {
            let b = sig!(
                ["constraint_name", "table_name"],
                2,
                None,
                ["type_", "schema"]
            );
            let table = table_ref(cx, &b, "table_name", "schema")?;
            let name = ident_string(cx, b.get("constraint_name")?)?;
            let Some(tv) = b.get("type_") else {
                cx.error(call, "`drop_constraint` needs `type_`", Some("add `type_ = \"foreignkey\"`, `\"unique\"`, `\"check\"` or `\"primary\"`: SQLite and MySQL need to know what they drop"));
                return None;
            };
            spans.push(("type".into(), tv.span()));
            let t = string(cx, tv)?;
            let kind = match t.as_str() {
                "foreignkey" => ConstraintType::ForeignKey,
                "unique" => ConstraintType::Unique,
                "check" => ConstraintType::Check,
                "primary" => ConstraintType::PrimaryKey,
                other => {
                    cx.error(
                        tv.span(),
                        format!("`{other}` is not a constraint type"),
                        Some("expected \"foreignkey\", \"unique\", \"check\" or \"primary\""),
                    );
                    return None;
                }
            };
            Some(Op::DropConstraint {
                table,
                name: s(name),
                kind,
                definition: None,
            })
        }
        "create_enum" | "drop_enum" => {
            let b = sig!(
                ["name", "values"],
                if op == "create_enum" { 2 } else { 1 },
                None,
                ["schema"]
            );
            let name = ident_string(cx, b.get("name")?)?;
            let schema = match b.get("schema") {
                Some(v) => Some(s(ident_string(cx, v)?)),
                None => None,
            };
            record(spans, &b, &[("values", "values")]);
            let values = match b.get("values") {
                Some(Value::List { items, span }) => {
                    Some(enum_values(cx, &items.iter().collect::<Vec<_>>(), *span)?)
                }
                Some(other) => {
                    expected(cx, other, "a list of values");
                    return None;
                }
                None => None,
            };
            match (op.as_str(), values) {
                ("create_enum", Some(values)) => Some(Op::CreateEnum(EnumType {
                    schema,
                    name: s(name),
                    values: values.into(),
                    create_type: true,
                })),
                (_, values) => {
                    let definition = values.map(|values| EnumType {
                        schema: schema.clone(),
                        name: s(name.clone()),
                        values: values.into(),
                        create_type: true,
                    });
                    Some(Op::DropEnum {
                        schema,
                        name: s(name),
                        definition,
                    })
                }
            }
        }
        "add_enum_value" => {
            let b = sig!(["name", "value"], 2, None, ["before", "after", "schema"]);
            let name = ident_string(cx, b.get("name")?)?;
            let value = string(cx, b.get("value")?)?;
            let schema = match b.get("schema") {
                Some(v) => Some(s(ident_string(cx, v)?)),
                None => None,
            };
            let placement = match (b.get("before"), b.get("after")) {
                (Some(_), Some(a)) => {
                    cx.error(a.span(), "give `before` or `after`, not both", None);
                    return None;
                }
                (Some(v), None) => Some(EnumPlacement::Before(s(string(cx, v)?))),
                (None, Some(v)) => Some(EnumPlacement::After(s(string(cx, v)?))),
                (None, None) => None,
            };
            Some(Op::AddEnumValue {
                schema,
                name: s(name),
                value: s(value),
                placement,
            })
        }
        "create_table_comment" => {
            let b = sig!(
                ["table_name", "comment"],
                2,
                None,
                ["existing_comment", "schema"]
            );
            let table = table_ref(cx, &b, "table_name", "schema")?;
            record(spans, &b, &[("comment", "comment")]);
            let comment = string(cx, b.get("comment")?)?;
            let existing = match b.get("existing_comment") {
                Some(v) => Some(opt_comment(cx, v)?),
                None => None,
            };
            Some(Op::SetTableComment {
                table,
                comment: Some(s(comment)),
                existing,
            })
        }
        "drop_table_comment" => {
            let b = sig!(["table_name"], 1, None, ["existing_comment", "schema"]);
            let table = table_ref(cx, &b, "table_name", "schema")?;
            let existing = match b.get("existing_comment") {
                Some(v) => Some(opt_comment(cx, v)?),
                None => None,
            };
            Some(Op::SetTableComment {
                table,
                comment: None,
                existing,
            })
        }
        "bulk_insert" => {
            let b = sig!(["table", "rows"], 2, None, ["schema"]);
            let table = table_ref(cx, &b, "table", "schema")?;
            let rows_value = b.get("rows")?;
            let Value::List { items, span } = rows_value else {
                expected(
                    cx,
                    rows_value,
                    "a list of rows `[{\"column\": value, ...}, ...]`",
                );
                return None;
            };
            if items.is_empty() {
                cx.error(*span, "`bulk_insert` with no rows", None);
                return None;
            }
            let mut rows = Vec::new();
            for item in items {
                let Value::Dict { entries, span } = item else {
                    expected(cx, item, "a row `{\"column\": value, ...}`");
                    return None;
                };
                if entries.is_empty() {
                    cx.error(*span, "an empty row", None);
                    return None;
                }
                let mut values: Vec<(Str, migrate_core::model::Value)> = Vec::new();
                for (k, kspan, v) in entries {
                    if values.iter().any(|(x, _)| x == k) {
                        cx.error(*kspan, format!("`{k}` is set twice in this row"), None);
                        return None;
                    }
                    let value = match v {
                        Value::Str(lit) => migrate_core::model::Value::Text(s(lit.value())),
                        Value::Number { text, .. } => {
                            migrate_core::model::Value::Number(s(text.clone()))
                        }
                        Value::Bool(b) => migrate_core::model::Value::Bool(b.value),
                        Value::None(_) => migrate_core::model::Value::Null,
                        other => {
                            expected(cx, other, "a string, number, boolean or `None`");
                            return None;
                        }
                    };
                    spans.push((format!("rows[{}].{k}", rows.len()), v.span()));
                    values.push((s(k.clone()), value));
                }
                rows.push(Row {
                    values: values.into(),
                });
            }
            Some(Op::BulkInsert {
                table,
                rows: rows.into(),
            })
        }
        "execute" => {
            let b = sig!(["sqltext"], 0, None, ["postgresql", "sqlite", "mysql"]);
            let get = |key: &str| -> Option<Option<Str>> {
                match b.get(key) {
                    Some(v) => sql(cx, v).map(|t| Some(s(t))),
                    None => Some(None),
                }
            };
            let sql = Sql {
                any: get("sqltext")?,
                postgresql: get("postgresql")?,
                sqlite: get("sqlite")?,
                mysql: get("mysql")?,
            };
            if sql.any.is_none()
                && sql.postgresql.is_none()
                && sql.sqlite.is_none()
                && sql.mysql.is_none()
            {
                cx.error(call, "`execute` needs SQL", Some("`execute(\"...\")`, or one text per database: `execute(postgresql = \"...\", sqlite = \"...\")`"));
                return None;
            }
            Some(Op::Execute(sql))
        }
        "run" => {
            if args.items.len() != 1 {
                cx.error(
                    args.span,
                    "`run` takes one function: `run(my_function)`",
                    None,
                );
                return None;
            }
            let Arg::Positional(Value::Call { name, args: None }) = &args.items[0] else {
                cx.error(args.span, "`run` takes the name of a function in this module: `run(my_function)`", Some("the function is `fn my_function(conn: &mut migrate_runtime::Connection<'_>) -> migrate_runtime::RunResult`"));
                return None;
            };
            *function = Some(syn::Path::from(name.clone()));
            spans.push(("function".into(), name.span()));
            Some(Op::Run {
                function: s(name.to_string()),
            })
        }
        other => {
            let suggestion = OPS
                .iter()
                .min_by_key(|o| migrate_core::suggest::edit_distance(o, other))
                .filter(|o| migrate_core::suggest::edit_distance(o, other) <= 3)
                .map(|o| format!("did you mean `{o}`?"))
                .unwrap_or_else(|| {
                    format!(
                        "expected one of {}",
                        OPS.iter()
                            .map(|o| format!("`{o}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                });
            cx.error(
                call,
                format!("unknown operation `{other}`"),
                Some(&suggestion),
            );
            None
        }
    }
}

fn constraint_op(op: &str, table: TableRef, constraint: Constraint) -> Op {
    if op.starts_with("create") {
        Op::AddConstraint { table, constraint }
    } else {
        Op::DropConstraint {
            table,
            name: constraint.name.clone(),
            kind: constraint.kind.constraint_type(),
            definition: Some(constraint),
        }
    }
}

fn index_columns(cx: &Ctxt, v: &Value) -> Option<Vec<IndexColumn>> {
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

impl Migration {
    /// Splits the module into its ops and the rest. `None` when the item is not
    /// an inline module (the error is in `cx`).
    pub fn from_syn(cx: &Ctxt, meta: Meta, item: syn::Item) -> Option<Migration> {
        let module = match item {
            syn::Item::Mod(m) => m,
            other => {
                cx.error(other.span(), "`#[migration]` goes on an inline module: `mod add_role_to_users { fn upgrade() { ... } }`", None);
                return None;
            }
        };
        let Some((_, content)) = &module.content else {
            cx.error(module.span(), "`#[migration]` needs the module's body here: `mod name { fn upgrade() { ... } }`", Some("attributes on `mod name;` are unstable; write the migration inline in its file"));
            return None;
        };
        let mut upgrade = None;
        let mut upgrade_seen = false;
        let mut downgrade = None;
        let mut downgrade_span = None;
        let mut items = Vec::new();
        for item in content {
            match item {
                syn::Item::Fn(f) if f.sig.ident == "upgrade" || f.sig.ident == "downgrade" => {
                    let which = f.sig.ident.to_string();
                    upgrade_seen |= which == "upgrade";
                    if !f.sig.inputs.is_empty()
                        || !matches!(f.sig.output, syn::ReturnType::Default)
                        || f.sig.asyncness.is_some()
                        || !f.sig.generics.params.is_empty()
                    {
                        cx.error(
                            f.sig.span(),
                            format!(
                                "write `fn {which}()`: it lists ops, it takes and returns nothing"
                            ),
                            None,
                        );
                        continue;
                    }
                    let ops = lower_body(cx, &f.block);
                    if which == "upgrade" {
                        upgrade = Some(ops);
                    } else {
                        downgrade_span = Some(f.sig.ident.span());
                        downgrade = Some(ops);
                    }
                }
                other => items.push(other.clone()),
            }
        }
        let upgrade = match upgrade {
            Some(u) => u,
            None => {
                if !upgrade_seen {
                    cx.error(
                        module.ident.span(),
                        format!("migration `{}` has no `fn upgrade()`", module.ident),
                        None,
                    );
                }
                Vec::new()
            }
        };
        Some(Migration {
            module,
            meta,
            upgrade,
            downgrade,
            downgrade_span,
            items,
        })
    }

    /// The message: `message = ...`, else the doc comment's first paragraph,
    /// else the module name with spaces.
    pub fn message(&self) -> String {
        if let Some(m) = &self.meta.message {
            return m.clone();
        }
        let mut lines = Vec::new();
        for attr in &self.module.attrs {
            if !attr.path().is_ident("doc") {
                continue;
            }
            if let syn::Meta::NameValue(nv) = &attr.meta {
                if let syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) = &nv.value
                {
                    let line = s.value();
                    let line = line.trim();
                    if line.is_empty() && !lines.is_empty() {
                        break;
                    }
                    if !line.is_empty() {
                        lines.push(line.to_string());
                    }
                }
            }
        }
        if lines.is_empty() {
            self.module.ident.to_string().replace('_', " ")
        } else {
            lines.join(" ")
        }
    }
}

fn lower_body(cx: &Ctxt, block: &syn::Block) -> Vec<OpNode> {
    let (statements, errors) = crate::parse::op_statements(block);
    if let Some(e) = errors {
        cx.push(e);
    }
    let mut out = Vec::new();
    for st in statements {
        let parsed = if st.tokens.is_empty() {
            Err(syn::Error::new(
                st.span,
                "`op!()` is empty: expected an operation, e.g. `op!(create_table(\"users\", ...))`",
            ))
        } else {
            syn::parse2::<OpInvocation>(st.tokens.clone())
        };
        match parsed {
            Ok(inv) => out.push(OpNode::from_invocation(cx, st.path, inv, st.span)),
            Err(e) => {
                cx.push(e);
                // Keep the path used so an import of `op` is not reported unused.
                let name = Ident::new("__invalid", st.span);
                out.push(OpNode {
                    op: None,
                    name,
                    path: st.path,
                    span: st.span,
                    spans: BTreeMap::new(),
                    allow: Vec::new(),
                    function: None,
                });
            }
        }
    }
    out
}

impl ToTokens for OpNode {
    fn to_tokens(&self, tokens: &mut proc_macro2::TokenStream) {
        self.name.to_tokens(tokens)
    }
}
