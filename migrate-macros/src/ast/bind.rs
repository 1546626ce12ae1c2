//! Argument binding: a call's positional and `keyword = value` arguments
//! matched against a signature in Alembic's terms, with the messages for an
//! unknown argument, one too many, one given twice and one missing.

use crate::ctxt::Ctxt;
use crate::parse::{Arg, Args, Value};
use proc_macro2::Span;
use std::collections::BTreeMap;

/// What an argument holds; the lowering reads it, the generated docs name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A table, column, index or type name.
    Name,
    /// A name, or `None` / `f("name")` for the naming convention.
    OptName,
    /// A string.
    Text,
    /// SQL text: `"..."` or `text("...")`.
    Sql,
    Bool,
    /// A whole number.
    Number,
    /// `["a", "b"]`.
    Names,
    /// `["a", text("lower(b)")]`.
    IndexColumns,
    /// `Column("name", Type, ...)`.
    Column,
    /// A column name, or its `Column(...)` definition.
    ColumnOrName,
    /// `Column(...)` or a table-level constraint.
    TableItem,
    /// `Integer`, `String(50)`, ...
    Type,
    /// A server default, or `None` to drop it.
    Default,
    /// A string, or `None`.
    Comment,
    /// `"CASCADE"`, `"SET NULL"`, ...
    Action,
    /// `"DEFERRED"` or `"IMMEDIATE"`.
    Initially,
    /// `"foreignkey"`, `"unique"`, `"check"` or `"primary"`.
    ConstraintType,
    /// `["a", "b"]` of strings.
    Values,
    /// `[{"column": value, ...}, ...]`.
    Rows,
    /// `ForeignKey("table.column", ...)`.
    ForeignKey,
    /// The name of a function of the migration's module.
    Function,
}

impl Kind {
    /// The phrase the generated docs use.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Name => "a name",
            Kind::OptName => "a name, or `None` for the naming convention",
            Kind::Text => "a string",
            Kind::Sql => "SQL text, `\"...\"` or `text(\"...\")`",
            Kind::Bool => "`true` or `false`",
            Kind::Number => "a whole number",
            Kind::Names => "a list of column names",
            Kind::IndexColumns => "a list of column names and `text(\"expression\")`s",
            Kind::Column => "`Column(\"name\", Type, ...)`",
            Kind::ColumnOrName => "a column name, or its `Column(...)` to be invertible",
            Kind::TableItem => "`Column(...)`, `PrimaryKeyConstraint`, `ForeignKeyConstraint`, `UniqueConstraint` or `CheckConstraint`",
            Kind::Type => "a column type",
            Kind::Default => "a server default, or `None` for none",
            Kind::Comment => "a string, or `None` for none",
            Kind::Action => "`\"CASCADE\"`, `\"RESTRICT\"`, `\"SET NULL\"`, `\"SET DEFAULT\"` or `\"NO ACTION\"`",
            Kind::Initially => "`\"DEFERRED\"` or `\"IMMEDIATE\"`",
            Kind::ConstraintType => "`\"foreignkey\"`, `\"unique\"`, `\"check\"` or `\"primary\"`",
            Kind::Values => "a list of strings",
            Kind::Rows => "a list of rows `{\"column\": value, ...}`",
            Kind::ForeignKey => "`ForeignKey(\"table.column\", ...)`",
            Kind::Function => "a function of the migration's module",
        }
    }
}

/// One parameter: its name as Alembic spells it, and what it holds.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
}

/// `name: kind`, for the signature tables.
pub const fn p(name: &'static str, kind: Kind) -> Param {
    Param { name, kind }
}

/// A signature in Alembic's terms: parameters that may be passed by position
/// or by name (the first `required` of them required), then keyword-only ones,
/// and a variadic tail.
#[derive(Debug)]
pub struct Sig {
    pub positional: &'static [Param],
    pub required: usize,
    pub rest: Option<Param>,
    pub keywords: &'static [Param],
}

impl Sig {
    fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.positional.iter().chain(self.keywords).map(|p| p.name)
    }
}

pub struct Bound<'a> {
    values: BTreeMap<&'static str, &'a Value>,
    pub rest: Vec<&'a Value>,
}

impl<'a> Bound<'a> {
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        self.values.get(name).copied()
    }

    /// Nothing bound: for an op that reads its arguments itself.
    pub fn empty() -> Bound<'a> {
        Bound {
            values: BTreeMap::new(),
            rest: Vec::new(),
        }
    }
}

pub fn bind<'a>(cx: &Ctxt, what: &str, call: Span, args: &'a Args, sig: &Sig) -> Option<Bound<'a>> {
    let mut bound = Bound::empty();
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
                    bound.values.insert(sig.positional[next].name, v);
                    next += 1;
                } else if sig.rest.is_some() {
                    bound.rest.push(v);
                } else {
                    let names: Vec<_> = sig.positional.iter().map(|p| p.name).collect();
                    cx.error(
                        v.span(),
                        format!(
                            "`{what}` takes {} positional argument{} ({}), this is one too many",
                            names.len(),
                            if names.len() == 1 { "" } else { "s" },
                            names.join(", ")
                        ),
                        None,
                    );
                    ok = false;
                }
            }
            Arg::Keyword(k, v) => {
                saw_keyword = true;
                let name = k.to_string();
                match sig.names().find(|p| *p == name) {
                    Some(p) => {
                        if bound.values.insert(p, v).is_some() {
                            cx.error(k.span(), format!("`{name}` is given twice"), None);
                            ok = false;
                        }
                    }
                    None => {
                        let all: Vec<_> = sig.names().map(|p| format!("`{p}`")).collect();
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
    let required: Vec<_> = sig.positional[..sig.required]
        .iter()
        .map(|p| p.name)
        .collect();
    for p in &required {
        if !misplaced && !bound.values.contains_key(p) {
            cx.error(
                call,
                format!("`{what}` needs `{p}`"),
                Some(&format!("`{what}({})`", required.join(", "))),
            );
            ok = false;
        }
    }
    ok.then_some(bound)
}
