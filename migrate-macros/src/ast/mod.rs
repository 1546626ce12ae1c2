//! Typed nodes: a `#[migration]` module and its ops, lowered from the call trees
//! of `parse.rs` into `migrate_core::model` values. Each op keeps the span of
//! every argument under the name the analyses use for it (`type`, `columns`,
//! `ondelete`, ...), so a finding lands on the one argument that is wrong.
//!
//! - `ops.rs`: the op table, one lowering function per op or family;
//! - `bind.rs`: arguments matched against an op's signature;
//! - `columns.rs`, `types.rs`, `values.rs`: what the arguments hold.

mod bind;
mod columns;
pub mod ops;
#[cfg(test)]
pub(crate) mod tests;
mod types;
mod values;
#[cfg(test)]
mod writer_tests;

use crate::ctxt::Ctxt;
use crate::parse::{MetaItem, MetaValue, MigrationArgs, OpInvocation, Value};
use migrate_core::effect::Lint;
use migrate_core::model::Op;
use proc_macro2::Span;
use quote::ToTokens;
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
    /// `up_sql = "file.sql"`: the upgrade runs that file (no `fn upgrade()`).
    pub up_sql: Option<LitStr>,
    /// `down_sql = "file.sql"`: the downgrade runs that file.
    pub down_sql: Option<LitStr>,
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
            up_sql: None,
            down_sql: None,
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
                ("up_sql", MetaItem::KeyValue(_, MetaValue::Value(Value::Str(s)))) => {
                    meta.up_sql = Some(s)
                }
                ("down_sql", MetaItem::KeyValue(_, MetaValue::Value(Value::Str(s)))) => {
                    meta.down_sql = Some(s)
                }
                ("crate", MetaItem::KeyValue(_, MetaValue::Path(p))) => meta.krate = p,
                ("allow", MetaItem::Allow(_, lints)) => meta.allow.extend(parse_lints(cx, &lints)),
                (
                    "revision" | "down_revision" | "message" | "transactional" | "irreversible"
                    | "up_sql" | "down_sql" | "crate" | "allow",
                    _,
                ) => {
                    let expected = match name.as_str() {
                        "revision" => "`revision = \"1a2b3c4d5e6f\"`",
                        "down_revision" => "`down_revision = \"...\"`",
                        "message" => "`message = \"...\"`",
                        "transactional" => "`transactional = false`",
                        "irreversible" => "`irreversible`, without a value",
                        "up_sql" | "down_sql" => "a `.sql` file's path, `up_sql = \"sql/0001_up.sql\"`",
                        "crate" => "`crate = path::to::migrate_runtime`",
                        _ => "`allow(destructive, not_null_without_default)`",
                    };
                    cx.error(key.span(), format!("malformed `{name}`: expected {expected}"), None);
                }
                _ => cx.error(
                    key.span(),
                    format!("unknown argument `{name}` in `#[migration]`"),
                    Some("expected `revision`, `down_revision`, `branch`, `message`, `transactional`, `irreversible`, `up_sql`, `down_sql`, `allow(...)` or `crate`"),
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
                let mut names: Vec<_> = Lint::ALL
                    .iter()
                    .map(|l| format!("`{}`", l.name()))
                    .collect();
                let last = names.pop().unwrap_or_default();
                cx.error(
                    l.span(),
                    format!("unknown lint `{l}`"),
                    Some(&format!("expected {} or {last}", names.join(", "))),
                );
            }
        }
    }
    out
}

// -- ops ---------------------------------------------------------------------------

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
        node.op = ops::lower(cx, &inv, &mut spans, &mut node.function);
        for (k, v) in spans {
            node.spans.entry(k).or_insert(v);
        }
        node
    }
}

// -- the module ---------------------------------------------------------------------

impl Migration {
    /// Splits the module into its ops and the rest. `None` when the item is not
    /// an inline module (the error is in `cx`).
    pub fn from_syn(cx: &Ctxt, meta: Meta, item: syn::Item) -> Option<Migration> {
        let module = match item {
            syn::Item::Mod(m) => m,
            other => {
                let (what, head) = item_head(&other);
                cx.push(syn::Error::new_spanned(
                    head,
                    format!("`#[migration]` goes on a `mod`, not on {what}\nhelp: write the migration as an inline module: `mod add_role_to_users {{ fn upgrade() {{ ... }} }}`"),
                ));
                return None;
            }
        };
        let Some((_, content)) = &module.content else {
            let (v, k, n) = (&module.vis, &module.mod_token, &module.ident);
            let head = quote::quote!(#v #k #n);
            cx.push(syn::Error::new_spanned(head, "`#[migration]` needs the module's body here: `mod name { fn upgrade() { ... } }`\nhelp: attributes on `mod name;` are unstable; write the migration inline in its file"));
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
        // `up_sql` / `down_sql`: the functions' one op each, as
        // `op!(execute(file = ...))` lowers it, spanned on the path.
        let file_op = |lit: &LitStr| -> Vec<OpNode> {
            let krate = &meta.krate;
            let block: syn::Block =
                syn::parse_quote_spanned!(lit.span()=> { #krate::op!(execute(file = #lit)); });
            lower_body(cx, &block)
        };
        if let Some(down) = meta.down_sql.as_ref().filter(|_| meta.up_sql.is_none()) {
            cx.error(
                down.span(),
                "`down_sql` without `up_sql`",
                Some("give the upgrade's file too, `up_sql = \"...\"`, or write `fn upgrade()` and `fn downgrade()` with `op!(execute(file = \"...\"))`"),
            );
        }
        if let Some(up) = &meta.up_sql {
            if let Some(f) = content.iter().find_map(|i| match i {
                syn::Item::Fn(f) if f.sig.ident == "upgrade" || f.sig.ident == "downgrade" => {
                    Some(f)
                }
                _ => None,
            }) {
                cx.error(
                    f.sig.ident.span(),
                    format!("`fn {}()` beside `up_sql`: the migration's SQL files are its upgrade and downgrade", f.sig.ident),
                    Some("keep the files (`up_sql`, `down_sql`) or the functions, not both"),
                );
            }
            upgrade = Some(file_op(up));
            downgrade = meta.down_sql.as_ref().map(file_op);
            downgrade_span = meta.down_sql.as_ref().map(LitStr::span);
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

/// `sa.Integer`: what to write here instead.
fn python_path_error(p: crate::parse::PythonPath) -> syn::Error {
    let name = p.name.to_string();
    let args = p.args.as_ref().map(|g| {
        let text = g.to_string();
        if g.stream().is_empty() {
            "()".to_string()
        } else if text.len() <= 12 && !text.contains('.') {
            text.replace(" (", "(")
                .replace("( ", "(")
                .replace(" )", ")")
        } else {
            "(...)".to_string()
        }
    });
    let write = if p.text.starts_with("op.") {
        format!(
            "`op!({name}{})`: `op!` stands for Alembic's `op.`",
            args.as_deref().unwrap_or("(...)")
        )
    } else {
        let written = format!("{name}{}", args.as_deref().unwrap_or(""));
        match (types::dsl_spelling(&name), &args) {
            // `sa.VARCHAR(20)`: `String(20)`.
            (Some(t), Some(a)) if t.contains('(') && a != "(...)" => {
                format!("`{}{a}`", t.split('(').next().unwrap_or(t))
            }
            (Some(t), _) if t.split('(').next() != Some(name.as_str()) => format!("`{t}`"),
            _ => format!("`{written}`"),
        }
    };
    syn::Error::new_spanned(
        p.tokens,
        format!(
            "`{}` is Python: names here have no module prefix\nhelp: write {write}",
            p.text
        ),
    )
}

/// What the item is, and its head (`pub fn name`, `struct Name`), so an error
/// underlines the item rather than the doc comment above it.
fn item_head(item: &syn::Item) -> (&'static str, proc_macro2::TokenStream) {
    use quote::quote;
    use syn::Item;
    match item {
        Item::Fn(i) => ("a function", {
            let (v, f, n) = (&i.vis, &i.sig.fn_token, &i.sig.ident);
            quote!(#v #f #n)
        }),
        Item::Struct(i) => ("a struct", {
            let (v, k, n) = (&i.vis, &i.struct_token, &i.ident);
            quote!(#v #k #n)
        }),
        Item::Enum(i) => ("an enum", {
            let (v, k, n) = (&i.vis, &i.enum_token, &i.ident);
            quote!(#v #k #n)
        }),
        Item::Const(i) => ("a constant", {
            let (v, k, n) = (&i.vis, &i.const_token, &i.ident);
            quote!(#v #k #n)
        }),
        Item::Static(i) => ("a static", {
            let (v, k, n) = (&i.vis, &i.static_token, &i.ident);
            quote!(#v #k #n)
        }),
        Item::Trait(i) => ("a trait", {
            let (v, k, n) = (&i.vis, &i.trait_token, &i.ident);
            quote!(#v #k #n)
        }),
        Item::Type(i) => ("a type alias", {
            let (v, k, n) = (&i.vis, &i.type_token, &i.ident);
            quote!(#v #k #n)
        }),
        Item::Impl(i) => ("an `impl` block", {
            let (k, t) = (&i.impl_token, &i.self_ty);
            quote!(#k #t)
        }),
        other => {
            // The rest, without its attributes.
            let mut item = other.clone();
            match &mut item {
                Item::Use(i) => i.attrs.clear(),
                Item::Macro(i) => i.attrs.clear(),
                Item::ExternCrate(i) => i.attrs.clear(),
                Item::ForeignMod(i) => i.attrs.clear(),
                Item::Union(i) => i.attrs.clear(),
                Item::TraitAlias(i) => i.attrs.clear(),
                _ => {}
            }
            let what = match other {
                Item::Use(_) => "a `use` declaration",
                _ => "this item",
            };
            (what, item.into_token_stream())
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
        let pasted = crate::parse::python_paths(st.tokens.clone());
        let parsed = if !pasted.is_empty() {
            let mut errors = pasted.into_iter().map(python_path_error);
            let mut first = errors.next().expect("not empty");
            errors.for_each(|e| first.combine(e));
            Err(first)
        } else if st.tokens.is_empty() {
            Err(syn::Error::new(
                st.span,
                "`op!()` is empty: expected an operation, e.g. `op!(create_table(\"users\", ...))`",
            ))
        } else {
            syn::parse2::<OpInvocation>(st.tokens.clone())
        };
        match parsed {
            Ok(inv) => {
                let node = OpNode::from_invocation(cx, st.path, inv, st.span);
                if let Some(op) = &node.op {
                    cx.lowered(op);
                }
                out.push(node);
            }
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
