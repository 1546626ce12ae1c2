//! diesel's `schema.rs` from the model at the heads, with no database: the
//! `table!` definitions `diesel print-schema` writes for a database migrated
//! to the heads (diesel_cli 2.3, default settings). The golden files in
//! `tests/golden/` are made by the real diesel_cli (`scripts/diesel-golden.sh`)
//! and pin the output byte for byte.

use crate::graph::RevisionGraph;
use crate::migration::Migrations;
use crate::{Dialect, Error};
use migrate_core::model::{Column, ColumnType, ConstraintKind};
use migrate_core::schema::{Schema, TableModel};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// diesel's `schema.rs` for the migrations' schema at their heads, as
/// `diesel print-schema` prints it for a `dialect` database at those heads.
pub fn print_schema(migrations: &Migrations, dialect: Dialect) -> Result<String, Error> {
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
    use ColumnType as T;
    Ok(match dialect {
        Dialect::Postgres => match &c.ty {
            T::SmallInteger => "Int2",
            T::Integer => "Int4",
            T::BigInteger => "Int8",
            T::String(_) => "Varchar",
            T::Text => "Text",
            T::Boolean => "Bool",
            T::Numeric { .. } => "Numeric",
            T::Float => "Float4",
            T::Double => "Float8",
            T::Date => "Date",
            T::Time => "Time",
            T::DateTime { timezone: false } => "Timestamp",
            T::DateTime { timezone: true } => "Timestamptz",
            T::Uuid => "Uuid",
            T::Json => "Json",
            T::Jsonb => "Jsonb",
            T::Binary => "Bytea",
            T::Enum(_) => "",
        },
        // diesel reads SQLite's declared type names (see `types::type_sql`).
        Dialect::Sqlite => match &c.ty {
            T::SmallInteger => "SmallInt",
            T::Integer => "Integer",
            T::BigInteger => "BigInt",
            T::String(_) | T::Text | T::Uuid | T::Enum(_) => "Text",
            T::Boolean => "Bool",
            T::Numeric { .. } | T::Double => "Double",
            T::Float => "Float",
            T::Date => "Date",
            T::Time => "Time",
            T::DateTime { .. } => "Timestamp",
            // SQLite's `JSON` columns stop diesel_cli 2.3 with "Unsupported type".
            T::Json | T::Jsonb => {
                return Err(Error::NoDieselType {
                    dialect: dialect.name().to_string(),
                    table: table.table.name.to_string(),
                    column: c.name.to_string(),
                    ty: c.ty.to_string(),
                    help: "store JSON on SQLite as `Text` (diesel reads it as `Text`), or print the schema for PostgreSQL (`--dialect postgresql`)",
                })
            }
            T::Binary => "Binary",
        },
    })
}

/// diesel's Rust name for a PostgreSQL type (heck's UpperCamelCase).
fn camel(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            let first = cs.next().map(|c| c.to_uppercase().collect::<String>());
            first.unwrap_or_default() + &cs.as_str().to_lowercase()
        })
        .collect()
}

fn enum_name(c: &Column, dialect: Dialect) -> Option<String> {
    match (&c.ty, dialect) {
        (ColumnType::Enum(e), Dialect::Postgres) => Some(camel(&e.name)),
        _ => None,
    }
}

fn primary_key(t: &TableModel) -> Vec<&str> {
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

/// Single-column foreign keys: (child, parent, column).
fn foreign_keys(t: &TableModel) -> Vec<(String, String, String)> {
    let child = t.table.name.to_string();
    let mut out: Vec<(String, String, String)> = t
        .columns
        .iter()
        .filter_map(|c| {
            let fk = c.foreign_key.as_ref()?;
            Some((
                child.clone(),
                fk.referent.name.to_string(),
                c.name.to_string(),
            ))
        })
        .collect();
    for c in &t.constraints {
        if let ConstraintKind::ForeignKey(fk) = &c.kind {
            if let [column] = &fk.columns[..] {
                out.push((
                    child.clone(),
                    fk.referent.name.to_string(),
                    column.to_string(),
                ));
            }
        }
    }
    out
}

fn render(schema: &Schema, dialect: Dialect) -> Result<String, Error> {
    let mut tables: Vec<&TableModel> = schema.tables().collect();
    tables.sort_by(|a, b| a.table.name.cmp(&b.table.name));
    let mut out = String::from("// @generated automatically by Diesel CLI.\n");

    let enums: BTreeMap<String, String> = tables
        .iter()
        .flat_map(|t| &t.columns)
        .filter_map(|c| match &c.ty {
            ColumnType::Enum(e) if dialect == Dialect::Postgres => {
                Some((camel(&e.name), e.name.to_string()))
            }
            _ => None,
        })
        .collect();
    if !enums.is_empty() {
        out.push_str("\npub mod sql_types {\n");
        for (i, (rust, sql)) in enums.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let _ = writeln!(
                out,
                "    #[derive(diesel::sql_types::SqlType)]\n    #[diesel(postgres_type(name = \"{sql}\"))]\n    pub struct {rust};"
            );
        }
        out.push_str("}\n");
    }

    for t in &tables {
        out.push_str("\ndiesel::table! {\n");
        let used: BTreeSet<String> = t
            .columns
            .iter()
            .filter_map(|c| enum_name(c, dialect))
            .collect();
        if !used.is_empty() {
            out.push_str("    use diesel::sql_types::*;\n");
            for u in &used {
                let _ = writeln!(out, "    use super::sql_types::{u};");
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "    {} ({}) {{",
            t.table.name,
            primary_key(t).join(", ")
        );
        for c in &t.columns {
            if let (Dialect::Postgres, ColumnType::String(Some(n))) = (dialect, &c.ty) {
                let _ = writeln!(out, "        #[max_length = {n}]");
            }
            let ty = match enum_name(c, dialect) {
                Some(name) => name,
                None => diesel_type(t, c, dialect)?.to_string(),
            };
            let ty = if c.nullable && !c.primary_key {
                format!("Nullable<{ty}>")
            } else {
                ty
            };
            let _ = writeln!(out, "        {} -> {ty},", c.name);
        }
        out.push_str("    }\n}\n");
    }

    let mut joins: Vec<(String, String, String)> =
        tables.iter().flat_map(|t| foreign_keys(t)).collect();
    joins.sort();
    // diesel leaves out a pair of tables joined by more than one key: `joinable!` would be ambiguous.
    let mut pairs: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (child, parent, _) in &joins {
        *pairs.entry((child.clone(), parent.clone())).or_default() += 1;
    }
    let joins: Vec<_> = joins
        .into_iter()
        .filter(|(c, p, _)| pairs[&(c.clone(), p.clone())] == 1)
        .collect();
    if !joins.is_empty() {
        out.push('\n');
        for (child, parent, column) in &joins {
            let _ = writeln!(out, "diesel::joinable!({child} -> {parent} ({column}));");
        }
    }
    if tables.len() > 1 {
        let names: Vec<&str> = tables.iter().map(|t| &*t.table.name).collect();
        out.push('\n');
        out.push_str(&macro_call(
            "diesel::allow_tables_to_appear_in_same_query!",
            &names,
        ));
    }
    Ok(out)
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
