//! diesel's `schema.rs` from the model at the heads, with no database: the
//! `table!` definitions `diesel print-schema` writes for a database migrated
//! to the heads (diesel_cli 2.3, default settings). The golden files in
//! `tests/golden/` are made by the real diesel_cli (`scripts/diesel-golden.sh`)
//! and pin the output byte for byte.

use crate::graph::RevisionGraph;
use crate::migration::Migrations;
use crate::{Dialect, Error};
use migrate_core::model::{Column, ColumnType, ConstraintKind, TableRef};
use migrate_core::schema::{Schema, TableModel};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// diesel's `schema.rs` for the migrations' schema at their heads, as
/// `diesel print-schema` prints it for a `dialect` database at those heads.
pub fn print_schema(migrations: &Migrations, dialect: Dialect) -> Result<String, Error> {
    // No golden file from diesel_cli pins MySQL's output: refused rather
    // than guessed.
    if dialect == Dialect::Mysql {
        return Err(Error::NoPrintSchema {
            dialect: dialect.name().to_string(),
        });
    }
    let graph = RevisionGraph::from_migrations(migrations)?;
    let all: BTreeSet<String> = graph
        .topological_order()
        .into_iter()
        .map(str::to_string)
        .collect();
    let schema = crate::schema::replay(migrations, &graph, &all)
        .map_err(|e| Error::Verify(vec![e.to_string()]))?;
    render(&schema, dialect)
}

/// A column's type as diesel names it, without `Nullable`; enums name their
/// `sql_types` struct on PostgreSQL.
fn diesel_type(table: &TableModel, c: &Column, dialect: Dialect) -> Result<&'static str, Error> {
    match crate::diesel_types::diesel_name(&c.ty, dialect) {
        Some(name) => Ok(name),
        None if matches!(c.ty, ColumnType::Enum(_)) => Ok(""),
        // SQLite's `JSON` columns stop diesel_cli 2.3 with "Unsupported type".
        None => Err(Error::NoDieselType {
            dialect: dialect.name().to_string(),
            table: table.table.name.to_string(),
            column: c.name.to_string(),
            ty: c.ty.to_string(),
            help: "store JSON on SQLite as `Text` (diesel reads it as `Text`), or print the schema for PostgreSQL (`--dialect postgresql`)",
        }),
    }
}

/// diesel's Rust name for a PostgreSQL type.
fn camel(name: &str) -> String {
    heck::ToUpperCamelCase::to_upper_camel_case(name)
}

/// The `sql_types` struct of an enum column, and the schema to name in its
/// `postgres_type` when it is not the default one.
fn enum_type(c: &Column, dialect: Dialect) -> Option<(String, &str, Option<&str>)> {
    match (&c.ty, dialect) {
        (ColumnType::Enum(e), Dialect::Postgres) => Some((
            camel(&e.name),
            &e.name,
            e.schema.as_deref().filter(|s| *s != DEFAULT_SCHEMA),
        )),
        _ => None,
    }
}

/// PostgreSQL's default schema, the one `diesel print-schema` prints.
const DEFAULT_SCHEMA: &str = "public";

/// Names diesel's `table!` reserves for itself.
const RESERVED: &[&str] = &["table", "columns", "is_nullable"];

/// Words `syn` does not take as an identifier: diesel_cli asks `syn` whether
/// a name is one.
const KEYWORDS: &[&str] = &[
    "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "Self", "self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The Rust name diesel gives an SQL name (`rust_name_for_sql_name`): runs of
/// characters that cannot be in an identifier become one `_`, a leading digit
/// gets a `_` before it, and a keyword, a reserved name, a `__` name or a
/// column named as its table gets a `_` after it. It differs from the SQL
/// name when `#[sql_name]` is needed.
fn rust_name(sql: &str, table: Option<&str>) -> String {
    let mut name = String::new();
    let mut underscore = false;
    for (i, c) in sql.chars().enumerate() {
        if i == 0 && c.is_ascii_digit() {
            name.push('_');
        }
        if c.is_ascii_alphanumeric() || c == '_' {
            name.push(c);
            underscore = false;
        } else if !underscore {
            name.push('_');
            underscore = true;
        }
    }
    let reserved = KEYWORDS.contains(&&*name)
        || RESERVED.contains(&&*name)
        || (name.starts_with("__") && !name.ends_with('_'))
        || Some(&*name) == table;
    if reserved {
        name.push('_');
    }
    name
}

pub(crate) fn primary_key(t: &TableModel) -> Vec<&str> {
    let from_constraint = t.constraints.iter().find_map(|c| match &c.kind {
        ConstraintKind::PrimaryKey { columns } => Some(columns.iter().map(|c| &**c).collect()),
        _ => None,
    });
    from_constraint.unwrap_or_else(|| {
        t.columns
            .iter()
            .filter(|c| c.primary_key)
            .map(|c| &*c.name)
            .collect()
    })
}

/// A table as `table!` declares it.
struct Printed<'a> {
    model: &'a TableModel,
    rust: String,
    /// The primary key's SQL names: on SQLite, `rowid` (or an alias of it)
    /// for a table without one, as diesel reads it.
    primary_key: Vec<String>,
    /// SQLite's implicit `rowid`, printed first when it is the key.
    rowid: Option<String>,
}

fn printed(t: &TableModel, dialect: Dialect) -> Result<Printed<'_>, Error> {
    let mut primary_key: Vec<String> = primary_key(t).into_iter().map(str::to_string).collect();
    let mut rowid = None;
    if primary_key.is_empty() {
        let alias = ["rowid", "oid", "_rowid_"]
            .into_iter()
            .find(|a| t.columns.iter().all(|c| *c.name != **a));
        match (dialect, alias) {
            (Dialect::Sqlite, Some(alias)) => {
                primary_key.push(alias.to_string());
                rowid = Some(alias.to_string());
            }
            _ => {
                return Err(Error::NoPrimaryKey {
                    table: t.table.name.to_string(),
                })
            }
        }
    }
    Ok(Printed {
        model: t,
        rust: rust_name(&t.table.name, None),
        primary_key,
        rowid,
    })
}

/// A foreign key as diesel reads it: one per constraint on PostgreSQL (one
/// per column on SQLite, which decides alike: see `joinables`).
struct Reference<'a> {
    child: &'a TableModel,
    parent: TableRef,
    columns: Vec<&'a str>,
    referent_columns: Vec<&'a str>,
}

fn references(t: &TableModel) -> Vec<Reference<'_>> {
    let inline = t.columns.iter().filter_map(|c| {
        let fk = c.foreign_key.as_ref()?;
        Some(Reference {
            child: t,
            parent: fk.referent.clone(),
            columns: vec![&*c.name],
            referent_columns: vec![&*fk.referent_column],
        })
    });
    let constraints = t.constraints.iter().filter_map(|c| match &c.kind {
        ConstraintKind::ForeignKey(fk) => Some(Reference {
            child: t,
            parent: fk.referent.clone(),
            columns: fk.columns.iter().map(|c| &**c).collect(),
            referent_columns: fk.referent_columns.iter().map(|c| &**c).collect(),
        }),
        _ => None,
    });
    inline.chain(constraints).collect()
}

/// `schema` in the default one, as diesel compares table names.
fn unqualified(table: &TableRef) -> (Option<&str>, &str) {
    (
        table.schema.as_deref().filter(|s| *s != DEFAULT_SCHEMA),
        &table.name,
    )
}

/// diesel's `joinable!` lines (`remove_unsafe_foreign_keys_for_codegen`):
/// a foreign key gets one unless another key joins the same two tables (either
/// way), it references its own table, a table not printed, or anything but
/// the parent's single-column primary key, or it has several columns.
fn joins<'p>(tables: &'p [Printed<'p>]) -> Vec<(&'p Printed<'p>, &'p Printed<'p>, &'p str)> {
    let find = |r: &TableRef| {
        tables
            .iter()
            .find(|t| unqualified(&t.model.table) == unqualified(r))
    };
    let all: Vec<Reference<'_>> = tables.iter().flat_map(|t| references(t.model)).collect();
    fn pair<'r>(r: &'r Reference<'_>) -> [(Option<&'r str>, &'r str); 2] {
        let mut pair = [unqualified(&r.child.table), unqualified(&r.parent)];
        pair.sort();
        pair
    }
    let mut joins: Vec<(&Printed<'_>, &Printed<'_>, &str)> = all
        .iter()
        .filter(|r| all.iter().filter(|o| pair(o) == pair(r)).count() == 1)
        .filter(|r| unqualified(&r.child.table) != unqualified(&r.parent))
        .filter_map(|r| {
            let child = find(&r.child.table)?;
            let parent = find(&r.parent)?;
            let ([column], [referent]) = (&r.columns[..], &r.referent_columns[..]) else {
                return None;
            };
            (parent.primary_key == [*referent]).then_some((child, parent, *column))
        })
        .collect();
    joins.sort_by_key(|(child, parent, column)| {
        (&*child.model.table.name, &*parent.model.table.name, *column)
    });
    joins
}

/// The `joinable!` lines of [`joins`].
fn joinable_lines(tables: &[Printed<'_>]) -> Vec<String> {
    joins(tables)
        .into_iter()
        .map(|(child, parent, column)| {
            format!(
                "diesel::joinable!({} -> {} ({}));",
                child.rust,
                parent.rust,
                rust_name(column, Some(&child.rust))
            )
        })
        .collect()
}

#[cfg(feature = "cli")]
/// The foreign keys `print-schema` writes as `joinable!` among `tables`, by
/// SQL names: (child, parent, column). Tables it cannot print are left out.
pub(crate) fn joinables(tables: &[&TableModel], dialect: Dialect) -> Vec<(String, String, String)> {
    let printed: Vec<Printed<'_>> = tables
        .iter()
        .filter_map(|t| printed(t, dialect).ok())
        .collect();
    joins(&printed)
        .into_iter()
        .map(|(child, parent, column)| {
            (
                child.model.table.name.to_string(),
                parent.model.table.name.to_string(),
                column.to_string(),
            )
        })
        .collect()
}

pub(crate) fn render(schema: &Schema, dialect: Dialect) -> Result<String, Error> {
    // diesel prints the default schema's tables, but not those named `__...`.
    let mut tables: Vec<&TableModel> = schema
        .tables()
        .filter(|t| unqualified(&t.table).0.is_none() && !t.table.name.starts_with("__"))
        .collect();
    tables.sort_by(|a, b| a.table.name.cmp(&b.table.name));
    let tables = tables
        .into_iter()
        .map(|t| printed(t, dialect))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = String::from("// @generated automatically by Diesel CLI.\n");

    let enums: BTreeMap<String, (&str, Option<&str>)> = tables
        .iter()
        .flat_map(|t| &t.model.columns)
        .filter_map(|c| enum_type(c, dialect))
        .map(|(rust, sql, schema)| (rust, (sql, schema)))
        .collect();
    if !enums.is_empty() {
        out.push_str("\npub mod sql_types {\n");
        for (i, (rust, (sql, schema))) in enums.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let schema = schema
                .map(|s| format!(", schema = {}", rust_string(s)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    #[derive(diesel::sql_types::SqlType)]\n    #[diesel(postgres_type(name = {}{schema}))]\n    pub struct {rust};",
                rust_string(sql)
            );
        }
        out.push_str("}\n");
    }

    for t in &tables {
        out.push_str("\ndiesel::table! {\n");
        let mut used: Vec<String> = Vec::new();
        for (rust, ..) in t.model.columns.iter().filter_map(|c| enum_type(c, dialect)) {
            if !used.contains(&rust) {
                used.push(rust);
            }
        }
        if !used.is_empty() {
            out.push_str("    use diesel::sql_types::*;\n");
            for u in &used {
                let _ = writeln!(out, "    use super::sql_types::{u};");
            }
            out.push('\n');
        }
        let sql = &*t.model.table.name;
        if t.rust != sql {
            let _ = writeln!(out, "    #[sql_name = {}]", rust_string(sql));
        }
        let key: Vec<String> = t
            .primary_key
            .iter()
            .map(|k| rust_name(k, Some(&t.rust)))
            .collect();
        let _ = writeln!(out, "    {} ({}) {{", t.rust, key.join(", "));
        if let Some(rowid) = &t.rowid {
            let _ = writeln!(out, "        {rowid} -> Integer,");
        }
        let definition = t.model.definition();
        for c in &t.model.columns {
            let rust = rust_name(&c.name, Some(&t.rust));
            if rust != *c.name {
                let _ = writeln!(out, "        #[sql_name = {}]", rust_string(&c.name));
            }
            if let Some(n) = crate::diesel_types::max_length(&c.ty, dialect) {
                let _ = writeln!(out, "        #[max_length = {n}]");
            }
            // SQLite declares an auto-incrementing key `INTEGER`, its rowid,
            // whatever its DSL type.
            let rowid_alias = dialect == Dialect::Sqlite
                && crate::backend::sql::auto_increments(Some(&definition), c);
            let ty = match enum_type(c, dialect) {
                Some((name, ..)) => name,
                None if rowid_alias => "Integer".to_string(),
                None => diesel_type(t.model, c, dialect)?.to_string(),
            };
            let ty = if c.nullable && !c.primary_key {
                format!("Nullable<{ty}>")
            } else {
                ty
            };
            let _ = writeln!(out, "        {rust} -> {ty},");
        }
        out.push_str("    }\n}\n");
    }

    let joins = joinable_lines(&tables);
    if !joins.is_empty() {
        out.push('\n');
        for line in &joins {
            out.push_str(line);
            out.push('\n');
        }
    }
    if tables.len() > 1 {
        let names: Vec<&str> = tables.iter().map(|t| &*t.rust).collect();
        out.push('\n');
        out.push_str(&macro_call(
            "diesel::allow_tables_to_appear_in_same_query!",
            &names,
        ));
    }
    Ok(out)
}

/// A Rust string literal as diesel writes one (`escape_rust_string`): raw,
/// with one more `#` than the text holds, when the text has a `"`.
fn rust_string(text: &str) -> String {
    if text.contains('"') {
        let hashes = "#".repeat(text.matches('#').count() + 1);
        format!("r{hashes}\"{text}\"{hashes}")
    } else {
        format!("\"{text}\"")
    }
}

/// A macro call with a trailing comma after its arguments, laid out as
/// rustfmt (which diesel_cli runs on its output) lays it out with its
/// defaults: on one line when it fits in 100 columns; else one indented line
/// per argument, or, when every argument is at most 10 characters long
/// (`short_array_element_width_threshold`), as many per line as fit.
fn macro_call(name: &str, args: &[&str]) -> String {
    const MAX_WIDTH: usize = 100;
    const SHORT: usize = 10;
    let one_line = format!("{name}({},);\n", args.join(", "));
    if one_line.len() - 1 <= MAX_WIDTH {
        return one_line;
    }
    let mut out = format!("{name}(\n");
    if args.iter().all(|a| a.len() <= SHORT) {
        let mut line = String::from("   ");
        for a in args {
            if line.len() + 1 + a.len() + 1 > MAX_WIDTH {
                out.push_str(&line);
                out.push('\n');
                line = String::from("   ");
            }
            line.push(' ');
            line.push_str(a);
            line.push(',');
        }
        out.push_str(&line);
        out.push('\n');
    } else {
        for a in args {
            out.push_str(&format!("    {a},\n"));
        }
    }
    out.push_str(");\n");
    out
}

#[cfg(test)]
mod tests {
    use super::{macro_call, render};
    use crate::{Dialect, Error};
    use migrate_core::model::{Column, ColumnType, Op, Table, TableRef};
    use migrate_core::schema::Schema;

    #[test]
    fn json_on_sqlite_is_refused_as_diesel_refuses_it() {
        let column = |name: &'static str, ty| {
            Column::new(
                name.into(),
                ty,
                false,
                name == "id",
                None,
                None,
                None,
                None,
                None,
                None,
                true,
            )
        };
        let mut schema = Schema::new();
        schema
            .apply(&Op::CreateTable(Table {
                table: TableRef::new(None, "events".into()),
                columns: vec![
                    column("id", ColumnType::Integer),
                    column("payload", ColumnType::Json),
                ]
                .into(),
                constraints: Vec::new().into(),
                comment: None,
            }))
            .unwrap();
        let printed = render(&schema, Dialect::Postgres).unwrap();
        assert!(printed.contains("        payload -> Json,\n"), "{printed}");
        let err = render(&schema, Dialect::Sqlite).unwrap_err();
        assert!(matches!(err, Error::NoDieselType { .. }), "{err:?}");
        let message = err.to_string();
        assert!(
            message.starts_with(
                "cannot print the schema for sqlite: column `events.payload` is `Json`"
            ),
            "{message}"
        );
        assert!(
            message.contains("\nhelp: store JSON on SQLite as `Text`"),
            "{message}"
        );
    }

    const M: &str = "diesel::allow_tables_to_appear_in_same_query!";

    // Each expected text is what rustfmt 1.x printed for the same call.
    #[test]
    fn macro_calls_are_laid_out_as_rustfmt_lays_them_out() {
        let ten = "abcdefghij";
        assert_eq!(
            macro_call(M, &[ten, ten, ten, ten, "ab"]),
            format!("{M}({ten}, {ten}, {ten}, {ten}, ab,);\n")
        );
        assert_eq!(
            macro_call(M, &[ten, ten, ten, ten, "abcdefg"]),
            format!("{M}(\n    {ten}, {ten}, {ten}, {ten}, abcdefg,\n);\n")
        );
        let names: Vec<String> = (1..=25).map(|i| format!("tab{i:02}_xyz")).collect();
        let names: Vec<&str> = names.iter().map(|s| &**s).collect();
        let lines: Vec<String> = names
            .chunks(8)
            .map(|c| format!("    {},", c.join(", ")))
            .collect();
        assert_eq!(
            macro_call(M, &names),
            format!("{M}(\n{}\n);\n", lines.join("\n"))
        );
        let long = "abcdefghijk";
        let mut args = vec![long];
        args.extend(std::iter::repeat_n("b", 30));
        let vertical: String = args.iter().map(|a| format!("    {a},\n")).collect();
        assert_eq!(macro_call(M, &args), format!("{M}(\n{vertical});\n"));
    }
}
