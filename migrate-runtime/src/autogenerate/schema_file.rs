//! diesel's `schema.rs`, edited, as the schema wanted (`revision
//! --autogenerate --from-schema`, `check --from-schema`): its `table!`,
//! `joinable!` and `sql_types` read with syn, applied to the model of the
//! migrations at their heads. The file gives tables, columns, types,
//! nullability, primary keys and single-column foreign keys; what it cannot
//! express (indexes, defaults, unique and check constraints, enum values,
//! comments, keys `print-schema` leaves out) stays as the model has it.

use crate::diesel_types;
use crate::print_schema::{joinables, primary_key};
use crate::schema::{Schema, TableModel};
use crate::{Dialect, Error};
use migrate_core::model::*;
use migrate_core::naming;
use std::collections::{BTreeMap, BTreeSet};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, Ident, Token};

/// A column type as written: `Nullable<...>` taken off.
struct Written {
    /// The last segment of the path (`Int4`, `Mood`).
    name: String,
    /// The whole type, as written (for messages).
    text: String,
    nullable: bool,
    unsupported: Option<Unsupported>,
}

/// A type no column type can be read from, whatever its name.
#[derive(Clone, Copy)]
enum Unsupported {
    /// `Array<...>`.
    Array,
    /// Not a path, or generic arguments no diesel type takes.
    NotAType,
}

struct FileColumn {
    /// The Rust name (`joinable!` and the key name it).
    rust: String,
    /// The SQL name (`#[sql_name]`, or the Rust name).
    name: String,
    ty: Written,
    max_length: Option<u32>,
    line: usize,
}

struct FileTable {
    rust: String,
    table: TableRef,
    key: Vec<(String, usize)>,
    columns: Vec<FileColumn>,
    line: usize,
}

struct FileJoin {
    child: String,
    parent: String,
    column: String,
    line: usize,
}

/// What a `schema.rs` declares.
#[derive(Default)]
struct SchemaFile {
    tables: Vec<FileTable>,
    joins: Vec<FileJoin>,
    /// `sql_types` structs: Rust name to the PostgreSQL type's name.
    sql_types: BTreeMap<String, String>,
}

fn line(span: proc_macro2::Span) -> usize {
    span.start().line
}

/// A problem at a line of the file.
struct Problem {
    line: usize,
    message: String,
    help: String,
}

impl Problem {
    fn new(line: usize, message: impl Into<String>, help: impl Into<String>) -> Problem {
        Problem {
            line,
            message: message.into(),
            help: help.into(),
        }
    }

    fn syntax(e: syn::Error, what: &str) -> Problem {
        Problem::new(
            line(e.span()),
            format!("cannot read this {what}: {e}"),
            "write it as `diesel print-schema` does (`print-schema` shows the form for the migrations at their heads)",
        )
    }

    fn error(self, file: &str) -> Error {
        Error::SchemaFileInvalid {
            file: file.to_string(),
            line: self.line,
            message: self.message,
            help: self.help,
        }
    }
}

fn string_attr(a: &Attribute) -> Option<String> {
    match &a.meta {
        syn::Meta::NameValue(syn::MetaNameValue {
            value:
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}

fn int_attr(a: &Attribute) -> Option<u32> {
    match &a.meta {
        syn::Meta::NameValue(syn::MetaNameValue {
            value:
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(n),
                    ..
                }),
            ..
        }) => n.base10_parse().ok(),
        _ => None,
    }
}

/// `#[sql_name = "..."]` among `attrs`; an error for one that is not a string.
fn sql_name(attrs: &[Attribute]) -> syn::Result<Option<String>> {
    let Some(a) = attrs.iter().find(|a| a.path().is_ident("sql_name")) else {
        return Ok(None);
    };
    match string_attr(a) {
        Some(s) => Ok(Some(s)),
        None => Err(syn::Error::new(
            a.span(),
            "expected `#[sql_name = \"...\"]`",
        )),
    }
}

/// Reads `Nullable<...>` and `Array<...>` off a type.
fn written(ty: &syn::Type) -> Written {
    let text = quote::ToTokens::to_token_stream(ty)
        .to_string()
        .replace(" < ", "<")
        .replace(" >", ">")
        .replace(" :: ", "::");
    let mut out = Written {
        name: String::new(),
        text,
        nullable: false,
        unsupported: None,
    };
    let mut ty = ty;
    loop {
        let syn::Type::Path(p) = ty else {
            out.unsupported = Some(Unsupported::NotAType);
            return out;
        };
        let Some(last) = p.path.segments.last() else {
            out.unsupported = Some(Unsupported::NotAType);
            return out;
        };
        out.name = last.ident.unraw().to_string();
        let inner = match &last.arguments {
            syn::PathArguments::None => return out,
            syn::PathArguments::AngleBracketed(a) if a.args.len() == 1 => match &a.args[0] {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            },
            _ => None,
        };
        match (out.name.as_str(), inner) {
            ("Nullable", Some(t)) if !out.nullable => {
                out.nullable = true;
                ty = t;
            }
            ("Array", Some(_)) => {
                out.unsupported = Some(Unsupported::Array);
                return out;
            }
            _ => {
                out.unsupported = Some(Unsupported::NotAType);
                return out;
            }
        }
    }
}

/// The tokens of one `table!`.
struct TableTokens(FileTable);

impl Parse for TableTokens {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        // `use diesel::sql_types::*;`, `use super::sql_types::Mood;`: the
        // `sql_types` module names the custom types whatever the imports.
        while input.peek(Token![use]) {
            input.parse::<syn::ItemUse>()?;
        }
        let attrs = input.call(Attribute::parse_outer)?;
        let first = input.call(Ident::parse_any)?;
        let at = line(first.span());
        let (schema, rust) = if input.peek(Token![.]) {
            input.parse::<Token![.]>()?;
            (Some(first.unraw()), input.call(Ident::parse_any)?.unraw())
        } else {
            (None, first.unraw())
        };
        let name = sql_name(&attrs)?.unwrap_or_else(|| rust.to_string());
        let key = if input.peek(syn::token::Paren) {
            let content;
            syn::parenthesized!(content in input);
            content
                .parse_terminated(Ident::parse_any, Token![,])?
                .into_iter()
                .map(|i| (i.unraw().to_string(), line(i.span())))
                .collect()
        } else {
            // diesel's default key.
            vec![("id".to_string(), at)]
        };
        let body;
        syn::braced!(body in input);
        let mut columns = Vec::new();
        while !body.is_empty() {
            let attrs = body.call(Attribute::parse_outer)?;
            let ident = body.call(Ident::parse_any)?.unraw();
            body.parse::<Token![->]>()?;
            let ty: syn::Type = body.parse()?;
            let mut max_length = None;
            for a in attrs.iter().filter(|a| a.path().is_ident("max_length")) {
                max_length = Some(int_attr(a).ok_or_else(|| {
                    syn::Error::new(a.span(), "expected `#[max_length = <number>]`")
                })?);
            }
            columns.push(FileColumn {
                rust: ident.to_string(),
                name: sql_name(&attrs)?.unwrap_or_else(|| ident.to_string()),
                max_length,
                line: line(ident.span()),
                ty: written(&ty),
            });
            if !body.is_empty() {
                body.parse::<Token![,]>()?;
            }
        }
        if !input.is_empty() {
            return Err(input.error("expected one table per `table!`"));
        }
        Ok(TableTokens(FileTable {
            rust: rust.to_string(),
            table: TableRef::new(schema.map(|s| s.to_string().into()), name.into()),
            key,
            columns,
            line: at,
        }))
    }
}

/// The tokens of one `joinable!(child -> parent (column))`.
struct JoinTokens(FileJoin);

impl Parse for JoinTokens {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let child = input.call(Ident::parse_any)?;
        input.parse::<Token![->]>()?;
        let parent = input.call(Ident::parse_any)?;
        let content;
        syn::parenthesized!(content in input);
        let column = content.call(Ident::parse_any)?;
        if !content.is_empty() || !input.is_empty() {
            return Err(input.error("expected `joinable!(child -> parent (column))`"));
        }
        Ok(JoinTokens(FileJoin {
            line: line(child.span()),
            child: child.unraw().to_string(),
            parent: parent.unraw().to_string(),
            column: column.unraw().to_string(),
        }))
    }
}

/// The name in `#[diesel(postgres_type(name = "..."))]` of a struct.
fn postgres_type(s: &syn::ItemStruct) -> Result<Option<String>, Problem> {
    let mut found = None;
    // Skips what an option holds: `= value` or `(...)`.
    let skip = |input: ParseStream| -> syn::Result<()> {
        if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            input.parse::<syn::Expr>()?;
        } else if input.peek(syn::token::Paren) {
            input.parse::<proc_macro2::TokenTree>()?;
        }
        Ok(())
    };
    for a in s.attrs.iter().filter(|a| a.path().is_ident("diesel")) {
        a.parse_nested_meta(|meta| {
            if !meta.path.is_ident("postgres_type") {
                return skip(meta.input);
            }
            meta.parse_nested_meta(|m| {
                if !m.path.is_ident("name") {
                    return skip(m.input);
                }
                found = Some(m.value()?.parse::<syn::LitStr>()?.value());
                Ok(())
            })
        })
        .map_err(|e| Problem::syntax(e, "`sql_types` struct"))?;
    }
    Ok(found)
}

fn read_items(items: &[syn::Item], into: &mut SchemaFile) -> Result<(), Problem> {
    for item in items {
        match item {
            syn::Item::Macro(m) => {
                let Some(last) = m.mac.path.segments.last() else {
                    continue;
                };
                match last.ident.to_string().as_str() {
                    "table" => {
                        let TableTokens(t) = syn::parse2(m.mac.tokens.clone())
                            .map_err(|e| Problem::syntax(e, "`table!`"))?;
                        into.tables.push(t);
                    }
                    "joinable" => {
                        let JoinTokens(j) = syn::parse2(m.mac.tokens.clone())
                            .map_err(|e| Problem::syntax(e, "`joinable!`"))?;
                        into.joins.push(j);
                    }
                    // Says which tables a query may join: nothing for the schema.
                    "allow_tables_to_appear_in_same_query" => {}
                    _ => {}
                }
            }
            syn::Item::Mod(m) => {
                let Some((_, items)) = &m.content else {
                    continue;
                };
                if m.ident == "sql_types" {
                    for item in items {
                        if let syn::Item::Struct(s) = item {
                            if let Some(ty) = postgres_type(s)? {
                                into.sql_types.insert(s.ident.to_string(), ty);
                            }
                        }
                    }
                } else {
                    // `diesel print-schema --schema x` puts its tables in `pub mod x`.
                    read_items(items, into)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn parse(source: &str) -> Result<SchemaFile, Problem> {
    let file = syn::parse_file(source).map_err(|e| Problem::syntax(e, "file as Rust"))?;
    let mut out = SchemaFile::default();
    read_items(&file.items, &mut out)?;
    Ok(out)
}

/// The type a column of the file gets: the model's when the file writes it
/// as `print-schema` writes the model's (nothing said against it), else the
/// type the file names.
fn column_type(
    schema: &Schema,
    file: &SchemaFile,
    t: &FileTable,
    c: &FileColumn,
    current: Option<&Column>,
    dialect: Dialect,
) -> Result<ColumnType, Problem> {
    let what = format!("column `{}.{}` is `{}`", t.table, c.name, c.ty.text);
    if let Some(why) = c.ty.unsupported {
        let (why, help) = match why {
            Unsupported::Array => ("an array", "the migrations have no array type: keep the values in a `Jsonb` column, or in a table of their own with a `joinable!` to this one".to_string()),
            Unsupported::NotAType => ("not a diesel SQL type", format!("write a diesel SQL type `print-schema` writes for {}: {}", dialect.name(), list(dialect))),
        };
        return Err(Problem::new(
            c.line,
            format!("{what}, {why}, which no migration column type maps to"),
            help,
        ));
    }
    if let Some(sql) = file.sql_types.get(&c.ty.name) {
        if dialect != Dialect::Postgres {
            return Err(Problem::new(
                c.line,
                format!("{what}, a PostgreSQL type, which {dialect} has no counterpart for"),
                "diesel reads an enum column on SQLite as `Text`: write `Text`",
            ));
        }
        if let Some(Column {
            ty: ty @ ColumnType::Enum(e),
            ..
        }) = current
        {
            if e.name == *sql {
                return Ok(ty.clone());
            }
        }
        let Some((_, values)) = schema.enums().find(|(n, _)| *n == sql.as_str()) else {
            return Err(Problem::new(
                c.line,
                format!("{what}, the type `{sql}`, which the migrations do not create, and `schema.rs` cannot give an enum's values"),
                format!("create it in a migration first (`op!(create_enum(\"{sql}\", [\"...\"]))`), or write a diesel SQL type: {}", list(dialect)),
            ));
        };
        return Ok(ColumnType::Enum(EnumType::new(
            None,
            sql.clone().into(),
            values.to_vec().into(),
            false,
        )));
    }
    if let Some(current) = current {
        if diesel_types::prints_as(&current.ty, &c.ty.name, c.max_length, dialect) {
            return Ok(current.ty.clone());
        }
    }
    diesel_types::dsl_type(&c.ty.name, c.max_length, dialect).ok_or_else(|| {
        let length = match c.max_length {
            Some(n) => format!(" with `#[max_length = {n}]`"),
            None => String::new(),
        };
        // A file printed for the other database reads as this one's error.
        let other = [Dialect::Postgres, Dialect::Sqlite]
            .into_iter()
            .find(|d| *d != dialect && diesel_types::dsl_type(&c.ty.name, c.max_length, *d).is_some())
            .map(|d| format!("; if the file is for {d}, pass `--dialect {}`", d.name()))
            .unwrap_or_default();
        Problem::new(
            c.line,
            format!(
                "{what}{length}, which no migration column type maps to on {}",
                dialect.name()
            ),
            format!(
                "write a diesel SQL type `print-schema` writes for {} ({}; `#[max_length = N]` only above `Varchar`, on PostgreSQL), or an enum's struct from `pub mod sql_types` (PostgreSQL){other}",
                dialect.name(),
                list(dialect)
            ),
        )
    })
}

fn list(dialect: Dialect) -> String {
    diesel_types::names(dialect)
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn new_column(name: &str, ty: ColumnType, nullable: bool, key: bool) -> Column {
    Column::new(
        name.to_string().into(),
        ty,
        nullable && !key,
        key,
        None,
        None,
        None,
        None,
        None,
        None,
        true,
    )
}

/// The foreign keys of a table: (constraint name, columns, referenced
/// table), the columns' inline ones included.
fn foreign_keys(t: &TableModel) -> Vec<(Str, Vec<Str>, TableRef)> {
    super::plan::constraints(t)
        .into_iter()
        .filter_map(|c| match c.kind {
            ConstraintKind::ForeignKey(fk) => Some((c.name, fk.columns.to_vec(), fk.referent)),
            _ => None,
        })
        .collect()
}

/// The schema `source` (diesel's `schema.rs`, read as `dialect` writes it)
/// describes, built on `model` (the migrations' at their heads). The
/// `ignored` tables (schema, name), the version tables `diesel
/// print-schema` prints for a migrated database, are left out.
pub(crate) fn target(
    model: &Schema,
    source: &str,
    file: &str,
    dialect: Dialect,
    ignored: &[(Option<&str>, &str)],
) -> Result<Schema, Error> {
    if dialect == Dialect::Mysql {
        return Err(Error::NoPrintSchema {
            dialect: dialect.name().to_string(),
        });
    }
    let mut parsed = parse(source).map_err(|p| p.error(file))?;
    parsed.tables.retain(|t| {
        !ignored.iter().any(|(schema, name)| {
            t.table.name == *name
                && (t.table.schema.is_none() || t.table.schema.as_deref() == *schema)
        })
    });
    build(model, &parsed, dialect).map_err(|p| p.error(file))
}

fn build(model: &Schema, file: &SchemaFile, dialect: Dialect) -> Result<Schema, Problem> {
    let mut ops = Vec::new();
    let mut seen: BTreeMap<&str, &FileTable> = BTreeMap::new();
    let mut refs: BTreeSet<&TableRef> = BTreeSet::new();
    for t in &file.tables {
        if seen.insert(&t.rust, t).is_some() || !refs.insert(&t.table) {
            return Err(Problem::new(
                t.line,
                format!("table `{}` is declared twice", t.table),
                "keep one `table!` per table",
            ));
        }
        let mut names = BTreeSet::new();
        for c in &t.columns {
            if !names.insert(&c.name) {
                return Err(Problem::new(
                    c.line,
                    format!("column `{}.{}` is declared twice", t.table, c.name),
                    "keep one line per column",
                ));
            }
        }
        for (k, line) in &t.key {
            if !t.columns.iter().any(|c| c.rust == *k) {
                return Err(Problem::new(
                    *line,
                    format!("the primary key of `{}` names `{k}`, which is not one of its columns", t.table),
                    "name the key's columns in the parentheses after the table's name, as they are written below it",
                ));
            }
        }
    }
    let sql_column = |t: &FileTable, rust: &str| -> Option<String> {
        t.columns
            .iter()
            .find(|c| c.rust == rust)
            .map(|c| c.name.clone())
    };
    let key_of = |t: &FileTable| -> Vec<String> {
        t.key.iter().filter_map(|(k, _)| sql_column(t, k)).collect()
    };

    // Foreign keys `print-schema` writes that the file no longer has, and
    // those to tables the file drops, go first.
    let mut joins: BTreeSet<(String, String, String)> = BTreeSet::new();
    for j in &file.joins {
        let table = |name: &str| {
            seen.get(name).copied().ok_or_else(|| {
                Problem::new(
                    j.line,
                    format!("`joinable!` names table `{name}`, which no `table!` declares"),
                    "declare the table, or remove the `joinable!`",
                )
            })
        };
        let (child, parent) = (table(&j.child)?, table(&j.parent)?);
        let Some(column) = sql_column(child, &j.column) else {
            return Err(Problem::new(
                j.line,
                format!(
                    "`joinable!` names column `{}.{}`, which its `table!` does not declare",
                    child.table, j.column
                ),
                "name a column of the child table (the one holding the key)",
            ));
        };
        let key = key_of(parent);
        if key.len() != 1 {
            return Err(Problem::new(
                j.line,
                format!(
                    "`joinable!` joins `{}` to `{}`, whose primary key is not one column",
                    child.table, parent.table
                ),
                "a `joinable!` references its parent's one-column primary key; declare a foreign key on several columns in a migration by hand",
            ));
        }
        joins.insert((
            child.table.to_string(),
            parent.table.to_string(),
            column.clone(),
        ));
    }
    let tables: Vec<&TableModel> = model.tables().collect();
    let printed: BTreeSet<(String, String, String)> =
        joinables(&tables, dialect).into_iter().collect();
    for t in model.tables().filter(|t| refs.contains(&t.table)) {
        for (name, columns, referent) in foreign_keys(t) {
            let parent_gone = !refs.contains(&referent);
            let unjoined = match &columns[..] {
                [column] => {
                    printed.contains(&(
                        t.table.name.to_string(),
                        referent.name.to_string(),
                        column.to_string(),
                    )) && !joins.contains(&(
                        t.table.to_string(),
                        referent.to_string(),
                        column.to_string(),
                    ))
                }
                _ => false,
            };
            if parent_gone || unjoined {
                ops.push(Op::DropConstraint {
                    table: t.table.clone(),
                    name,
                    kind: ConstraintType::ForeignKey,
                    definition: None,
                });
            }
        }
    }
    for t in model.tables().filter(|t| !refs.contains(&t.table)) {
        ops.push(Op::DropTable {
            table: t.table.clone(),
            definition: None,
        });
    }

    // Tables created, columns dropped, altered and added, keys changed.
    for t in &file.tables {
        let key = key_of(t);
        let pk = || {
            Constraint::new(
                naming::primary_key(&t.table.name).into(),
                ConstraintKind::PrimaryKey {
                    columns: key
                        .iter()
                        .map(|k| Str::from(k.clone()))
                        .collect::<Vec<_>>()
                        .into(),
                },
            )
        };
        let Some(m) = model.table(&t.table) else {
            let mut columns = Vec::new();
            for c in &t.columns {
                let ty = column_type(model, file, t, c, None, dialect)?;
                columns.push(new_column(
                    &c.name,
                    ty,
                    c.ty.nullable,
                    key.contains(&c.name),
                ));
            }
            ops.push(Op::CreateTable(Table {
                table: t.table.clone(),
                columns: columns.into(),
                constraints: vec![pk()].into(),
                comment: None,
            }));
            continue;
        };
        for c in &m.columns {
            if !t.columns.iter().any(|f| f.name == *c.name) {
                ops.push(Op::DropColumn {
                    table: t.table.clone(),
                    column: c.name.clone(),
                    definition: None,
                });
            }
        }
        let old_key: Vec<String> = primary_key(m).into_iter().map(str::to_string).collect();
        for c in &t.columns {
            let current = m.column(&c.name);
            let ty = column_type(model, file, t, c, current, dialect)?;
            let keyed = key.contains(&c.name);
            let Some(current) = current else {
                ops.push(Op::AddColumn {
                    table: t.table.clone(),
                    column: new_column(&c.name, ty, c.ty.nullable, keyed),
                });
                continue;
            };
            let nullable = c.ty.nullable && !keyed;
            // `print-schema` writes a key column without `Nullable`.
            let nullable_changed =
                current.nullable != nullable && !(keyed && old_key.contains(&c.name));
            let ty_changed = ty != current.ty;
            if ty_changed || nullable_changed {
                ops.push(Op::AlterColumn(AlterColumn::new(
                    t.table.clone(),
                    current.name.clone(),
                    None,
                    ty_changed.then_some(ty),
                    nullable_changed.then_some(nullable),
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                )));
            }
        }
        if old_key != key {
            if let Some(c) = m
                .constraints
                .iter()
                .find(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. }))
            {
                ops.push(Op::DropConstraint {
                    table: t.table.clone(),
                    name: c.name.clone(),
                    kind: ConstraintType::PrimaryKey,
                    definition: None,
                });
            }
            ops.push(Op::AddConstraint {
                table: t.table.clone(),
                constraint: pk(),
            });
        }
    }

    let mut target = model.clone();
    // Each op above is valid on the model by construction; one that is not
    // is reported on the table it changes.
    for op in &ops {
        target.apply(op).map_err(|e| {
            Problem::new(
                file.tables.first().map_or(1, |t| t.line),
                format!("the file cannot be applied to the migrations' schema: {e}"),
                "compare the file with `print-schema`'s output",
            )
        })?;
    }

    // Foreign keys the file adds: to the parent's one-column key.
    for (child, parent, column) in &joins {
        let find = |name: &str| {
            file.tables
                .iter()
                .find(|t| t.table.to_string() == name)
                .expect("joins name declared tables")
        };
        let (c, p) = (find(child), find(parent));
        let exists = target.table(&c.table).is_some_and(|t| {
            foreign_keys(t)
                .iter()
                .any(|(_, cols, r)| cols.len() == 1 && *cols[0] == **column && *r == p.table)
        });
        if exists {
            continue;
        }
        let key = key_of(p);
        let op = Op::AddConstraint {
            table: c.table.clone(),
            constraint: Constraint::new(
                naming::foreign_key(&c.table.name, &[column], &p.table.name).into(),
                ConstraintKind::ForeignKey(ForeignKey::new(
                    vec![Str::from(column.clone())].into(),
                    p.table.clone(),
                    vec![Str::from(key[0].clone())].into(),
                    None,
                    None,
                    None,
                    None,
                )),
            ),
        };
        target.apply(&op).map_err(|e| {
            Problem::new(
                file.joins
                    .iter()
                    .find(|j| find(child).rust == j.child && j.parent == p.rust)
                    .map_or(1, |j| j.line),
                format!("cannot add the foreign key of this `joinable!`: {e}"),
                "name a column of the child table, and a parent table with a one-column primary key",
            )
        })?;
    }
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    fn model() -> Schema {
        let column = |name: &'static str, ty, nullable, key| {
            Column::new(
                name.into(),
                ty,
                nullable,
                key,
                None,
                None,
                None,
                None,
                None,
                None,
                true,
            )
        };
        let mut s = Schema::new();
        s.apply(&Op::CreateEnum(EnumType::new(
            None,
            "mood".into(),
            vec!["sad".into(), "ok".into()].into(),
            true,
        )))
        .unwrap();
        s.apply(&Op::CreateTable(Table {
            table: TableRef::new(None, "users".into()),
            columns: vec![
                column("id", ColumnType::Integer, false, true),
                column("name", ColumnType::String(Some(50)), false, false),
                column(
                    "total",
                    ColumnType::Numeric {
                        precision: Some(10),
                        scale: Some(2),
                    },
                    true,
                    false,
                ),
            ]
            .into(),
            constraints: vec![Constraint::new(
                "pk_users".into(),
                ConstraintKind::PrimaryKey {
                    columns: vec!["id".into()].into(),
                },
            )]
            .into(),
            comment: Some("people".into()),
        }))
        .unwrap();
        s
    }

    const USERS: &str = "diesel::table! {\n    users (id) {\n        id -> Int4,\n        #[max_length = 50]\n        name -> Varchar,\n        total -> Nullable<Numeric>,\n    }\n}\n";

    fn problem(source: &str) -> String {
        match target(&model(), source, "src/schema.rs", Dialect::Postgres, &[]) {
            Err(e @ Error::SchemaFileInvalid { .. }) => e.to_string(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_printed_schema_reads_back_as_the_model() {
        let m = model();
        let printed = crate::print_schema::render(&m, Dialect::Postgres).unwrap();
        assert_eq!(
            printed,
            format!("// @generated automatically by Diesel CLI.\n\n{USERS}")
        );
        assert_eq!(
            target(&m, &printed, "s.rs", Dialect::Postgres, &[]).unwrap(),
            m
        );
        let sqlite = crate::print_schema::render(&m, Dialect::Sqlite).unwrap();
        assert_eq!(
            target(&m, &sqlite, "s.rs", Dialect::Sqlite, &[]).unwrap(),
            m
        );
        // The version table `diesel print-schema` prints for a migrated
        // database is no table to create.
        let versioned = format!(
            "{printed}diesel::table! {{\n    migrate_revisions (revision) {{\n        revision -> Varchar,\n    }}\n}}\n"
        );
        let ignored = [(None, "migrate_revisions")];
        let t = target(&m, &versioned, "s.rs", Dialect::Postgres, &ignored).unwrap();
        assert_eq!(t, m);
        let t = target(&m, &versioned, "s.rs", Dialect::Postgres, &[]).unwrap();
        assert_eq!(t.tables().count(), 2);
    }

    #[test]
    fn edits_change_the_model_and_keep_what_the_file_cannot_say() {
        let edited = USERS
            .replace("        total -> Nullable<Numeric>,\n", "")
            .replace("name -> Varchar", "name -> Nullable<Varchar>")
            .replace("    }\n}\n", "        mood -> Nullable<super::sql_types::Mood>,\n    }\n}\n")
            + "pub mod sql_types {\n    #[derive(diesel::sql_types::SqlType)]\n    #[diesel(postgres_type(oid = 1, name = \"mood\", schema = \"public\"), check_for_backend(diesel::pg::Pg))]\n    pub struct Mood;\n}\n"
            + "diesel::table! {\n    use diesel::sql_types::*;\n    #[sql_name = \"posts\"]\n    articles (id) {\n        id -> Int8,\n        #[sql_name = \"type\"]\n        kind -> Text,\n        author -> Int4,\n    }\n}\ndiesel::joinable!(articles -> users (author));\n";
        let t = target(&model(), &edited, "s.rs", Dialect::Postgres, &[]).unwrap();
        let users = t.table(&TableRef::new(None, "users".into())).unwrap();
        let names: Vec<&str> = users.columns.iter().map(|c| &*c.name).collect();
        assert_eq!(names, ["id", "name", "mood"]);
        assert!(users.columns[1].nullable);
        assert_eq!(users.comment.as_deref(), Some("people"));
        assert!(matches!(&users.columns[2].ty, ColumnType::Enum(e) if e.values.len() == 2));
        let posts = t.table(&TableRef::new(None, "posts".into())).unwrap();
        assert_eq!(posts.columns[1].name, "type");
        assert_eq!(posts.columns[0].ty, ColumnType::BigInteger);
        assert!(posts.columns[0].primary_key && !posts.columns[2].nullable);
        assert!(posts
            .constraints
            .iter()
            .any(|c| c.name == "fk_posts_author_users"));
        assert_eq!(t.enums().count(), 1);
    }

    #[test]
    fn a_type_with_no_counterpart_names_file_line_table_column_and_type() {
        let err =
            problem(&USERS.replace("total -> Nullable<Numeric>", "total -> Nullable<Interval>"));
        assert!(
            err.starts_with("`src/schema.rs:6`: column `users.total` is `Nullable<Interval>`, which no migration column type maps to on postgresql\nhelp: write a diesel SQL type `print-schema` writes for postgresql (`Text`, `Varchar`"),
            "{err}"
        );
        let err = problem(&USERS.replace("total -> Nullable<Numeric>", "tags -> Array<Text>"));
        assert!(
            err.contains("`src/schema.rs:6`: column `users.tags` is `Array<Text>`, an array"),
            "{err}"
        );
        assert!(
            err.contains("help: the migrations have no array type"),
            "{err}"
        );
        let err = problem(&(USERS.replace("id -> Int4,", "id -> Int4,\n        mood -> Mood,") + "pub mod sql_types {\n    #[derive(diesel::sql_types::SqlType)]\n    #[diesel(postgres_type(name = \"feeling\"))]\n    pub struct Mood;\n}\n"));
        assert!(err.contains("column `users.mood` is `Mood`, the type `feeling`, which the migrations do not create"), "{err}");
        assert!(
            err.contains("help: create it in a migration first"),
            "{err}"
        );
        let err = problem("diesel::table! {\n    users (id) {\n        id -> Int4\n        name -> Text,\n    }\n}\n");
        assert!(
            err.starts_with("`src/schema.rs:4`: cannot read this `table!`: expected `,`"),
            "{err}"
        );
        assert!(
            err.contains("help: write it as `diesel print-schema` does"),
            "{err}"
        );
        let err = problem(&format!(
            "{USERS}diesel::joinable!(users -> orders (id));\n"
        ));
        assert!(
            err.contains("`src/schema.rs:9`: `joinable!` names table `orders`"),
            "{err}"
        );
    }

    fn int(name: &'static str, key: bool) -> Column {
        Column::new(
            name.into(),
            ColumnType::Integer,
            false,
            key,
            None,
            None,
            None,
            None,
            None,
            None,
            true,
        )
    }

    fn fk(table: &str, column: &'static str) -> Constraint {
        Constraint::new(
            naming::foreign_key(table, &[column], "users").into(),
            ConstraintKind::ForeignKey(ForeignKey::new(
                vec![column.into()].into(),
                TableRef::new(None, "users".into()),
                vec!["id".into()].into(),
                None,
                None,
                None,
                None,
            )),
        )
    }

    /// `orders` has one key to `users` (a `joinable!`), `trades` two, and
    /// `shares` one on two columns (which `print-schema` leaves out).
    fn with_keys() -> Schema {
        let mut s = model();
        for (name, columns) in [
            ("orders", &["user_id"][..]),
            ("trades", &["buyer", "seller"]),
        ] {
            let mut cols = vec![int("id", true)];
            let mut constraints = vec![Constraint::new(
                naming::primary_key(name).into(),
                ConstraintKind::PrimaryKey {
                    columns: vec!["id".into()].into(),
                },
            )];
            for c in columns {
                cols.push(int(c, false));
                constraints.push(fk(name, c));
            }
            s.apply(&Op::CreateTable(Table {
                table: TableRef::new(None, name.to_string().into()),
                columns: cols.into(),
                constraints: constraints.into(),
                comment: None,
            }))
            .unwrap();
        }
        let two = vec![Str::from("owner"), Str::from("owner_name")];
        s.apply(&Op::CreateTable(Table {
            table: TableRef::new(None, "shares".into()),
            columns: vec![int("owner", true), int("owner_name", true)].into(),
            constraints: vec![
                Constraint::new(
                    "pk_shares".into(),
                    ConstraintKind::PrimaryKey {
                        columns: two.clone().into(),
                    },
                ),
                Constraint::new(
                    naming::foreign_key("shares", &two, "users").into(),
                    ConstraintKind::ForeignKey(ForeignKey::new(
                        two.clone().into(),
                        TableRef::new(None, "users".into()),
                        vec!["id".into(), "name".into()].into(),
                        None,
                        None,
                        None,
                        None,
                    )),
                ),
            ]
            .into(),
            comment: None,
        }))
        .unwrap();
        s
    }

    fn constraint_names(s: &Schema, table: &'static str) -> Vec<String> {
        s.table(&TableRef::new(None, table.into()))
            .map(|t| t.constraints.iter().map(|c| c.name.to_string()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn foreign_keys_follow_joinable_and_the_keys_print_schema_leaves_out_stay() {
        let m = with_keys();
        let printed = crate::print_schema::render(&m, Dialect::Postgres).unwrap();
        let join = "diesel::joinable!(orders -> users (user_id));\n";
        assert!(printed.contains(join), "{printed}");
        assert_eq!(
            target(&m, &printed, "s.rs", Dialect::Postgres, &[]).unwrap(),
            m
        );
        let unjoined = printed.replace(join, "");
        let t = target(&m, &unjoined, "s.rs", Dialect::Postgres, &[]).unwrap();
        assert_eq!(constraint_names(&t, "orders"), ["pk_orders"]);
        assert_eq!(
            constraint_names(&t, "trades"),
            [
                "pk_trades",
                "fk_trades_buyer_users",
                "fk_trades_seller_users"
            ]
        );
        assert_eq!(
            constraint_names(&t, "shares"),
            ["pk_shares", "fk_shares_owner_owner_name_users"]
        );
        // A key to a table the file drops goes with it, printed or not.
        let users = unjoined.find("diesel::table! {\n    users").unwrap();
        let end = users + unjoined[users..].find("    }\n}\n").unwrap() + "    }\n}\n".len();
        let without_users = format!("{}{}", &unjoined[..users], &unjoined[end..]);
        let t = target(&m, &without_users, "s.rs", Dialect::Postgres, &[]).unwrap();
        assert!(t.table(&TableRef::new(None, "users".into())).is_none());
        assert_eq!(constraint_names(&t, "orders"), ["pk_orders"]);
        assert_eq!(constraint_names(&t, "trades"), ["pk_trades"]);
        assert_eq!(constraint_names(&t, "shares"), ["pk_shares"]);
        // A `joinable!` the model lacks adds the key, to the parent's key.
        let unkeyed = target(&m, &unjoined, "s.rs", Dialect::Postgres, &[]).unwrap();
        let t = target(&unkeyed, &printed, "s.rs", Dialect::Postgres, &[]).unwrap();
        assert_eq!(t, m);
    }

    #[test]
    fn primary_keys_and_schema_qualified_tables() {
        let m = with_keys();
        let printed = crate::print_schema::render(&m, Dialect::Postgres).unwrap();
        let rekeyed = printed.replace("    orders (id) {", "    orders (id, user_id) {");
        let t = target(&m, &rekeyed, "s.rs", Dialect::Postgres, &[]).unwrap();
        let orders = t.table(&TableRef::new(None, "orders".into())).unwrap();
        assert_eq!(crate::print_schema::primary_key(orders), ["id", "user_id"]);
        let noted = format!(
            "{printed}pub mod crm {{\n    diesel::table! {{\n        crm.notes (id) {{\n            id -> Int8,\n        }}\n    }}\n}}\n"
        );
        let t = target(&m, &noted, "s.rs", Dialect::Postgres, &[]).unwrap();
        let notes = t
            .table(&TableRef::new(Some("crm".into()), "notes".into()))
            .unwrap();
        assert_eq!(notes.columns[0].ty, ColumnType::BigInteger);
        let err = problem("// @generated\n\ndiesel::table! {\n    users (id)\n}\n");
        assert!(
            err.starts_with(
                "`src/schema.rs:1`: cannot read this `table!`: unexpected end of input"
            ),
            "{err}"
        );
    }

    /// The planner reads the model's differences one field each, as it
    /// reads a database's.
    #[test]
    fn the_planner_reads_the_differences_of_the_models() {
        let m = with_keys();
        let printed = crate::print_schema::render(&m, Dialect::Postgres).unwrap();
        let edited = printed
            .replace("diesel::joinable!(orders -> users (user_id));\n", "")
            .replace("    orders (id) {", "    orders (id, user_id) {")
            .replace("name -> Varchar", "name -> Nullable<Varchar>");
        let t = target(&m, &edited, "s.rs", Dialect::Postgres, &[]).unwrap();
        let differences = super::super::plan::model_differences(&m, &t);
        let lines: Vec<String> = differences.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "primary key on `orders`: columns [id] vs [id, user_id]",
                "column `users.name`: nullable false vs true",
                "foreign key `fk_orders_user_id_users` on `orders`: present vs absent",
            ]
        );
        let ops = super::super::plan(&m, &t, &differences).upgrade();
        let names: Vec<&str> = ops.iter().map(|o| o.name()).collect();
        assert_eq!(
            names,
            [
                "drop_constraint",
                "drop_constraint",
                "alter_column",
                "create_primary_key"
            ]
        );
        let mut applied = m.clone();
        applied.apply_all(&ops).unwrap();
        assert_eq!(migrate_core::schema::diff(&applied, &t), []);
    }
}
