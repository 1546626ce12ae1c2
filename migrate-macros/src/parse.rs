//! The grammar: token trees of `#[migration(...)]` and `op!(...)` into untyped
//! call trees, one `Parse` impl per node. Alembic's call syntax is kept as
//! Python wrote it: positional then `keyword = value` arguments, lists in
//! brackets, `{"column": value}` rows, and calls like `String(50)`.

use migrate_core::naming::Naming;
use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{braced, bracketed, parenthesized, token, Ident, LitBool, LitStr, Token};

/// A value in an argument list.
#[derive(Clone)]
pub enum Value {
    Str(LitStr),
    /// An integer or decimal literal, with its sign, as written.
    Number {
        text: String,
        span: Span,
    },
    Bool(LitBool),
    /// `None`
    None(Ident),
    List {
        span: Span,
        items: Vec<Value>,
    },
    /// `{"column": value, ...}`
    Dict {
        span: Span,
        entries: Vec<(String, Span, Value)>,
    },
    /// `Integer`, `String(50)`, `Column("id", Integer)`, `text("...")`.
    Call {
        name: Ident,
        args: Option<Args>,
    },
}

impl Value {
    pub fn span(&self) -> Span {
        match self {
            Value::Str(s) => s.span(),
            Value::Number { span, .. } => *span,
            Value::Bool(b) => b.span,
            Value::None(i) => i.span(),
            Value::List { span, .. } | Value::Dict { span, .. } => *span,
            Value::Call { name, args } => match args {
                Some(a) => name.span().join(a.span).unwrap_or_else(|| name.span()),
                None => name.span(),
            },
        }
    }

    /// What the value is, for "expected ..., found ..." messages.
    pub fn describe(&self) -> String {
        match self {
            Value::Str(_) => "a string".into(),
            Value::Number { .. } => "a number".into(),
            Value::Bool(_) => "a boolean".into(),
            Value::None(_) => "`None`".into(),
            Value::List { .. } => "a list".into(),
            Value::Dict { .. } => "a row `{...}`".into(),
            Value::Call { name, .. } => format!("`{name}`"),
        }
    }
}

/// `(a, b, key = c)`
#[derive(Clone)]
pub struct Args {
    pub span: Span,
    pub items: Vec<Arg>,
}

#[derive(Clone)]
pub enum Arg {
    Positional(Value),
    Keyword(Ident, Value),
}

impl Parse for Value {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let lookahead = input.lookahead1();
        if lookahead.peek(LitStr) {
            return Ok(Value::Str(input.parse()?));
        }
        if lookahead.peek(LitBool) {
            let b: LitBool = input.parse()?;
            // `true()` / `false()`: SQLAlchemy's `sa.true()`.
            if input.peek(token::Paren) {
                let content;
                parenthesized!(content in input);
                if !content.is_empty() {
                    return Err(content.error("`true()` takes no arguments"));
                }
            }
            return Ok(Value::Bool(b));
        }
        if lookahead.peek(syn::LitInt) || lookahead.peek(syn::LitFloat) || lookahead.peek(Token![-])
        {
            return parse_number(input);
        }
        if lookahead.peek(token::Bracket) {
            let content;
            let bracket = bracketed!(content in input);
            let items = Punctuated::<Value, Token![,]>::parse_terminated(&content)?;
            return Ok(Value::List {
                span: bracket.span.join(),
                items: items.into_iter().collect(),
            });
        }
        if lookahead.peek(token::Brace) {
            let content;
            let brace = braced!(content in input);
            let mut entries = Vec::new();
            while !content.is_empty() {
                let (key, span) = if content.peek(LitStr) {
                    let k: LitStr = content.parse()?;
                    (k.value(), k.span())
                } else if content.peek(Ident::peek_any) {
                    let k = content.call(Ident::parse_any)?;
                    (k.to_string(), k.span())
                } else {
                    return Err(content.error("expected a column name: `\"name\": value`"));
                };
                content.parse::<Token![:]>()?;
                let value: Value = content.parse()?;
                entries.push((key, span, value));
                if content.is_empty() {
                    break;
                }
                content.parse::<Token![,]>()?;
            }
            return Ok(Value::Dict {
                span: brace.span.join(),
                entries,
            });
        }
        if lookahead.peek(Ident::peek_any) {
            let name = input.call(Ident::parse_any)?;
            if name == "None" && !input.peek(token::Paren) {
                return Ok(Value::None(name));
            }
            let args = if input.peek(token::Paren) {
                Some(input.parse()?)
            } else {
                None
            };
            return Ok(Value::Call { name, args });
        }
        Err(lookahead.error())
    }
}

fn parse_number(input: ParseStream) -> syn::Result<Value> {
    let minus: Option<Token![-]> = input.parse()?;
    let (digits, span) = if input.peek(syn::LitInt) {
        let lit: syn::LitInt = input.parse()?;
        if !lit.suffix().is_empty() {
            return Err(syn::Error::new(
                lit.span(),
                "write the number without a type suffix",
            ));
        }
        (lit.base10_digits().to_string(), lit.span())
    } else {
        let lit: syn::LitFloat = input.parse()?;
        if !lit.suffix().is_empty() {
            return Err(syn::Error::new(
                lit.span(),
                "write the number without a type suffix",
            ));
        }
        (lit.base10_digits().to_string(), lit.span())
    };
    let span = match &minus {
        Some(m) => m.span.join(span).unwrap_or(span),
        None => span,
    };
    let text = if minus.is_some() {
        format!("-{digits}")
    } else {
        digits
    };
    Ok(Value::Number { text, span })
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let content;
        let paren = parenthesized!(content in input);
        let mut items = Vec::new();
        while !content.is_empty() {
            if content.peek(Ident::peek_any)
                && content.peek2(Token![=])
                && !content.peek2(Token![==])
            {
                let key = content.call(Ident::parse_any)?;
                content.parse::<Token![=]>()?;
                items.push(Arg::Keyword(key, content.parse()?));
            } else {
                items.push(Arg::Positional(content.parse()?));
            }
            if content.is_empty() {
                break;
            }
            content.parse::<Token![,]>()?;
        }
        Ok(Args {
            span: paren.span.join(),
            items,
        })
    }
}

/// The inside of `op!(...)`: one call, then optionally `, allow(lint, ...)`.
pub struct OpInvocation {
    pub name: Ident,
    pub args: Args,
    pub allow: Vec<Ident>,
}

impl Parse for OpInvocation {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(
                input.error("expected an operation, e.g. `op!(create_table(\"users\", ...))`")
            );
        }
        let name = input.call(Ident::parse_any)?;
        if !input.peek(token::Paren) {
            return Err(syn::Error::new(
                name.span(),
                format!("expected `{name}(...)`: an operation takes its arguments in parentheses"),
            ));
        }
        let args: Args = input.parse()?;
        let mut allow = Vec::new();
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
            if !input.is_empty() {
                let kw = input.call(Ident::parse_any)?;
                if kw != "allow" {
                    return Err(syn::Error::new(
                        kw.span(),
                        "expected `allow(...)` after the operation; write one operation per `op!`",
                    ));
                }
                let content;
                parenthesized!(content in input);
                let lints = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
                allow.extend(lints);
                let _: Option<Token![,]> = input.parse()?;
            }
        }
        if !input.is_empty() {
            return Err(
                input.error("unexpected tokens after the operation; write one operation per `op!`")
            );
        }
        Ok(OpInvocation { name, args, allow })
    }
}

/// One `key = value` or flag in `#[migration(...)]`.
pub enum MetaItem {
    /// `revision = "..."`, `down_revision = [..]`, `crate = path`, ...
    KeyValue(Ident, MetaValue),
    /// `irreversible`
    Flag(Ident),
    /// `allow(destructive, ...)`
    Allow(Ident, Vec<Ident>),
}

pub enum MetaValue {
    Value(Value),
    Path(syn::Path),
}

pub struct MigrationArgs {
    pub items: Vec<MetaItem>,
}

impl Parse for MigrationArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut items = Vec::new();
        while !input.is_empty() {
            let key = input.call(Ident::parse_any)?;
            if input.peek(Token![=]) {
                input.parse::<Token![=]>()?;
                if key == "crate" {
                    items.push(MetaItem::KeyValue(
                        key,
                        MetaValue::Path(input.call(syn::Path::parse_mod_style)?),
                    ));
                } else {
                    items.push(MetaItem::KeyValue(key, MetaValue::Value(input.parse()?)));
                }
            } else if key == "allow" && input.peek(token::Paren) {
                let content;
                parenthesized!(content in input);
                let lints = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
                items.push(MetaItem::Allow(key, lints.into_iter().collect()));
            } else {
                items.push(MetaItem::Flag(key));
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(MigrationArgs { items })
    }
}

/// `migrations!()` or `migrations!(crate = path)`.
pub struct AnchorArgs {
    pub krate: Option<syn::Path>,
    /// `naming = "database"`: the value, spanned.
    pub naming: Option<(Naming, Span)>,
}

impl Parse for AnchorArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = AnchorArgs {
            krate: None,
            naming: None,
        };
        while !input.is_empty() {
            if input.peek(Token![crate]) {
                input.parse::<Token![crate]>()?;
                input.parse::<Token![=]>()?;
                args.krate = Some(input.call(syn::Path::parse_mod_style)?);
            } else if input.peek(syn::Ident) && input.fork().parse::<syn::Ident>()? == "naming" {
                input.parse::<syn::Ident>()?;
                input.parse::<Token![=]>()?;
                let lit: LitStr = input.parse()?;
                let Some(n) = Naming::parse(&lit.value()) else {
                    return Err(syn::Error::new(
                        lit.span(),
                        format!("`{}` is not a naming choice\nhelp: `naming = \"database\"` (the names the database gives) or `\"convention\"` (the default)", lit.value()),
                    ));
                };
                args.naming = Some((n, lit.span()));
            } else {
                return Err(input.error(
                    "`migrations!` takes nothing, `crate = path` for a renamed dependency, or `naming = \"database\"`",
                ));
            }
            let _: Option<Token![,]> = input.parse()?;
        }
        Ok(args)
    }
}

/// A statement of `upgrade()`/`downgrade()`: an `op!` invocation, with the
/// macro path exactly as the user wrote it (so their `use ...::op` is used).
pub struct OpStatement {
    pub path: syn::Path,
    pub tokens: TokenStream,
    pub span: Span,
}

/// Splits a function body into `op!` statements, and an error for every
/// statement that is not one.
pub fn op_statements(block: &syn::Block) -> (Vec<OpStatement>, Option<syn::Error>) {
    let mut out = Vec::new();
    let mut errors: Option<syn::Error> = None;
    for stmt in &block.stmts {
        let mac = match stmt {
            syn::Stmt::Macro(m) if m.attrs.is_empty() => Some(&m.mac),
            syn::Stmt::Expr(syn::Expr::Macro(m), _) if m.attrs.is_empty() => Some(&m.mac),
            _ => None,
        };
        match mac {
            Some(mac) if mac.path.segments.last().is_some_and(|s| s.ident == "op") => {
                out.push(OpStatement {
                    path: mac.path.clone(),
                    tokens: mac.tokens.clone(),
                    span: mac.span(),
                });
            }
            _ => {
                let e = syn::Error::new(
                    stmt.span(),
                    "only `op!(...)` statements may appear here: a migration's operations are data, not code\n\
                     help: for Rust code that needs the connection, write `op!(run(your_function))`",
                );
                match &mut errors {
                    Some(all) => all.combine(e),
                    None => errors = Some(e),
                }
            }
        }
    }
    (out, errors)
}

/// Python module prefixes that come with code pasted from an Alembic
/// migration: `sa.Integer`, `op.add_column`, `postgresql.JSONB`, `sa.func.now`.
const PYTHON_PREFIXES: &[&str] = &[
    "sa",
    "sqlalchemy",
    "op",
    "postgresql",
    "mysql",
    "sqlite",
    "func",
];

/// A dotted Python name in an `op!`: `sa.String` of `sa.String(50)`.
pub struct PythonPath {
    /// The dotted name, first to last token (for the error's span).
    pub tokens: TokenStream,
    /// As written, without spaces: `sa.String`.
    pub text: String,
    /// The last name: `String`.
    pub name: Ident,
    /// The arguments that follow it, if any: `(50)`.
    pub args: Option<proc_macro2::Group>,
}

/// Every dotted name with a Python module prefix in an `op!`'s tokens, so
/// each is reported with what to write instead of "expected `,`".
pub fn python_paths(tokens: TokenStream) -> Vec<PythonPath> {
    let mut out = Vec::new();
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < trees.len() {
        match &trees[i] {
            TokenTree::Ident(first) if PYTHON_PREFIXES.contains(&first.to_string().as_str()) => {
                let mut j = i;
                let mut text = first.to_string();
                let mut last = first.clone();
                while let (Some(TokenTree::Punct(dot)), Some(TokenTree::Ident(next))) =
                    (trees.get(j + 1), trees.get(j + 2))
                {
                    if dot.as_char() != '.' {
                        break;
                    }
                    text.push('.');
                    text.push_str(&next.to_string());
                    last = next.clone();
                    j += 2;
                }
                if j > i {
                    let args = match trees.get(j + 1) {
                        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
                            Some(g.clone())
                        }
                        _ => None,
                    };
                    out.push(PythonPath {
                        tokens: [
                            TokenTree::Ident(first.clone()),
                            TokenTree::Ident(last.clone()),
                        ]
                        .into_iter()
                        .collect(),
                        text,
                        name: last,
                        args,
                    });
                }
                i = j + 1;
            }
            TokenTree::Group(g) => {
                out.extend(python_paths(g.stream()));
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}
