//! SQL that every backend writes alike, with the backend's own quoting and
//! spellings (Alembic's `DefaultImpl`): a backend calls these or writes its
//! own.

use super::Backend;
use crate::dialect::Unsupported;
use crate::ops::*;

pub(crate) fn ident_list(b: &dyn Backend, names: &[Str]) -> String {
    names
        .iter()
        .map(|n| b.quote_ident(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A quoted, schema-qualified table name.
pub(crate) fn table(b: &dyn Backend, t: &TableRef) -> Result<String, Unsupported> {
    b.qualified(&t.schema, &t.name)
}

/// A value of `bulk_insert` as a literal.
pub(crate) fn value_literal(b: &dyn Backend, v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Bool(x) => b.bool_literal(*x).into(),
        Value::Number(n) => n.to_string(),
        Value::Text(t) => b.quote_literal(t),
    }
}

/// `INSERT INTO t (a, b) VALUES (...), (...)`, one statement per run of rows
/// that set the same columns.
pub(crate) fn bulk_insert(b: &dyn Backend, table: &str, rows: &[Row]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let columns: Vec<&str> = rows[i].values.iter().map(|(c, _)| &**c).collect();
        let mut values = Vec::new();
        while i < rows.len()
            && rows[i]
                .values
                .iter()
                .map(|(c, _)| &**c)
                .eq(columns.iter().copied())
        {
            let row = rows[i]
                .values
                .iter()
                .map(|(_, v)| value_literal(b, v))
                .collect::<Vec<_>>()
                .join(", ");
            values.push(format!("({row})"));
            i += 1;
        }
        let cols = columns
            .iter()
            .map(|c| b.quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(format!(
            "INSERT INTO {table} ({cols}) VALUES {}",
            values.join(", ")
        ));
    }
    out
}

/// The index elements: quoted columns, parenthesised expressions.
pub(crate) fn index_elements(b: &dyn Backend, columns: &[IndexColumn]) -> String {
    columns
        .iter()
        .map(|c| match c {
            IndexColumn::Column(c) => b.quote_ident(c),
            IndexColumn::Expression(e) => format!("({e})"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `ON DELETE ... ON UPDATE ... DEFERRABLE INITIALLY ...`
pub(crate) fn fk_actions(
    on_delete: Option<ReferentialAction>,
    on_update: Option<ReferentialAction>,
    deferrable: Option<bool>,
    initially_deferred: Option<bool>,
) -> String {
    let mut s = String::new();
    if let Some(a) = on_delete {
        s.push_str(&format!(" ON DELETE {}", a.sql()));
    }
    if let Some(a) = on_update {
        s.push_str(&format!(" ON UPDATE {}", a.sql()));
    }
    match deferrable {
        Some(true) => s.push_str(" DEFERRABLE"),
        Some(false) => s.push_str(" NOT DEFERRABLE"),
        None => {}
    }
    match initially_deferred {
        Some(true) => s.push_str(" INITIALLY DEFERRED"),
        Some(false) => s.push_str(" INITIALLY IMMEDIATE"),
        None => {}
    }
    s
}

/// Whether a column is the sole integer primary key that auto-increments
/// (`migrate_core::model::auto_increments`).
pub(crate) fn auto_increments(table: Option<&Table>, c: &Column) -> bool {
    migrate_core::model::auto_increments(table.and_then(|t| t.primary_key()).map(|(_, k)| k), c)
}

/// What follows a column's name and type: NOT NULL, DEFAULT, and the inline
/// UNIQUE and REFERENCES with their names.
pub(crate) fn column_constraints(b: &dyn Backend, c: &Column) -> Result<String, Unsupported> {
    let mut s = String::new();
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.server_default {
        s.push_str(&format!(" DEFAULT {}", b.default_sql(d)));
    }
    if let Some(u) = &c.unique {
        s.push_str(&format!(" CONSTRAINT {} UNIQUE", b.quote_ident(u)));
    }
    if let Some(fk) = &c.foreign_key {
        s.push_str(&format!(
            " CONSTRAINT {} REFERENCES {} ({}){}",
            b.quote_ident(&fk.name),
            table(b, &fk.referent)?,
            b.quote_ident(&fk.referent_column),
            fk_actions(fk.on_delete, fk.on_update, None, None)
        ));
    }
    Ok(s)
}

/// A named table constraint, as in `CREATE TABLE` or `ADD CONSTRAINT`.
pub(crate) fn constraint_def(b: &dyn Backend, c: &Constraint) -> Result<String, Unsupported> {
    let name = b.quote_ident(&c.name);
    Ok(match &c.kind {
        ConstraintKind::PrimaryKey { columns } => {
            format!("CONSTRAINT {name} PRIMARY KEY ({})", ident_list(b, columns))
        }
        ConstraintKind::Unique { columns } => {
            format!("CONSTRAINT {name} UNIQUE ({})", ident_list(b, columns))
        }
        ConstraintKind::Check { condition } => format!("CONSTRAINT {name} CHECK ({condition})"),
        ConstraintKind::ForeignKey(fk) => format!(
            "CONSTRAINT {name} FOREIGN KEY ({}) REFERENCES {} ({}){}",
            ident_list(b, &fk.columns),
            table(b, &fk.referent)?,
            ident_list(b, &fk.referent_columns),
            fk_actions(
                fk.on_delete,
                fk.on_update,
                fk.deferrable,
                fk.initially_deferred
            )
        ),
    })
}

/// `CREATE INDEX` for a column's own index (`Column(..., index = true)`).
pub(crate) fn column_index(b: &dyn Backend, table: &str, c: &Column) -> Option<String> {
    c.index.as_ref().map(|ix| {
        format!(
            "CREATE INDEX {} ON {table} ({})",
            b.quote_ident(ix),
            b.quote_ident(&c.name)
        )
    })
}

/// The SQL text of `execute`: the database's own, else the one for every
/// database.
pub(crate) fn execute_sql(b: &dyn Backend, sql: &Sql) -> Result<Vec<String>, Unsupported> {
    match b.execute_text(sql).or(sql.any.as_deref()) {
        Some(t) => Ok(vec![t.to_string()]),
        None => Err(Unsupported::new(
            "execute",
            b.dialect(),
            "this `execute` has no SQL for this database",
            format!(
                "add `{} = \"...\"` (or a text for every database) to the `execute`",
                b.name()
            ),
        )),
    }
}

/// `run` is Rust code: no database renders it.
pub(crate) fn run_is_not_sql(b: &dyn Backend, function: &str) -> Unsupported {
    Unsupported::new(
        "run",
        b.dialect(),
        format!("`run({function})` is Rust code, not SQL"),
        "run the migration online; offline SQL cannot contain it",
    )
}

/// The version row of a revision.
pub(crate) fn version_insert(
    b: &dyn Backend,
    qualified: &str,
    revision: &str,
    checksum: &str,
    duration_ms: &str,
) -> String {
    format!(
        "INSERT INTO {qualified} (revision, checksum, duration_ms) VALUES ({}, {}, {duration_ms})",
        b.quote_literal(revision),
        b.quote_literal(checksum)
    )
}

/// A type as a database reports it, split into its name (lower-case, single
/// spaces, the parenthesised part taken out: `timestamp(3) with time zone`
/// is `timestamp with time zone`) and the numbers in parentheses.
pub(crate) fn type_parts(data_type: &str) -> Option<(String, Vec<u32>)> {
    let lower = data_type.trim().to_ascii_lowercase();
    let (name, args) = match (lower.find('('), lower.find(')')) {
        (Some(open), Some(close)) if open < close => (
            format!("{} {}", &lower[..open], &lower[close + 1..]),
            lower[open + 1..close]
                .split(',')
                .map(|n| n.trim().parse().ok())
                .collect::<Option<Vec<u32>>>()?,
        ),
        (None, None) => (lower, Vec::new()),
        _ => return None,
    };
    Some((name.split_whitespace().collect::<Vec<_>>().join(" "), args))
}

/// Whether `text` is a numeric literal (`-1`, `0.5`, `1e3`): what
/// `server_default = <number>` renders.
pub(crate) fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match digits.find(['e', 'E']) {
        Some(i) => (&digits[..i], Some(&digits[i + 1..])),
        None => (digits, None),
    };
    let mut parts = mantissa.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let fraction = parts.next();
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = all_digits(whole)
        && fraction.is_none_or(all_digits)
        && !(whole.is_empty() && fraction.is_none_or(str::is_empty));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && all_digits(e)
    });
    mantissa_ok && exponent_ok
}

/// A string literal at the start of `text` (`'it''s'...`): its value and
/// what follows it.
pub(crate) fn string_literal(text: &str) -> Option<(String, &str)> {
    let body = text.strip_prefix('\'')?;
    let mut value = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                chars.next();
                value.push('\'');
                continue;
            }
            return Some((value, &body[i + 1..]));
        }
        value.push(c);
    }
    None
}

/// Whether two types are the same but for a length or precision: how a
/// default's cast (`'x'::character varying`) names its column's type
/// (`character varying(50)`).
pub(crate) fn same_kind(a: &ColumnType, b: &ColumnType) -> bool {
    match (a, b) {
        (ColumnType::String(_), ColumnType::String(_))
        | (ColumnType::Numeric { .. }, ColumnType::Numeric { .. }) => true,
        (ColumnType::Enum(x), ColumnType::Enum(y)) => x.schema == y.schema && x.name == y.name,
        _ => a == b,
    }
}

/// Whether a column of this type takes a numeric default.
pub(crate) fn is_numeric(ty: &ColumnType) -> bool {
    matches!(
        ty,
        ColumnType::SmallInteger
            | ColumnType::Integer
            | ColumnType::BigInteger
            | ColumnType::Numeric { .. }
            | ColumnType::Float
            | ColumnType::Double
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Dialect;

    #[test]
    fn execute_picks_the_dialects_text_and_refuses_when_there_is_none() {
        let (pg, lite) = (Dialect::Postgres.backend(), Dialect::Sqlite.backend());
        let pg_only = Sql::new(None, Some("CREATE SCHEMA sales".into()), None, None);
        assert_eq!(execute_sql(pg, &pg_only).unwrap(), ["CREATE SCHEMA sales"]);
        let err = execute_sql(lite, &pg_only).unwrap_err();
        assert_eq!(
            (err.what.as_str(), err.dialect),
            ("execute", Dialect::Sqlite)
        );
        assert!(err.help.contains("`sqlite = \"...\"`"), "{}", err.help);

        let mut with_fallback = pg_only.clone();
        with_fallback.any = Some("SELECT 1".into());
        assert_eq!(
            execute_sql(pg, &with_fallback).unwrap(),
            ["CREATE SCHEMA sales"]
        );
        assert_eq!(execute_sql(lite, &with_fallback).unwrap(), ["SELECT 1"]);
    }

    #[test]
    fn type_parts_numbers_and_literals() {
        assert_eq!(
            type_parts("character varying(50)"),
            Some(("character varying".into(), vec![50]))
        );
        assert_eq!(
            type_parts("NUMERIC(10, 2)"),
            Some(("numeric".into(), vec![10, 2]))
        );
        assert_eq!(
            type_parts("timestamp(3)  with time zone"),
            Some(("timestamp with time zone".into(), vec![3]))
        );
        assert_eq!(type_parts("text"), Some(("text".into(), vec![])));
        assert_eq!(type_parts("geometry(point, 4326)"), None);
        for n in ["0", "-1", "+2", "1.5", ".5", "5.", "1e3", "2.5E-4"] {
            assert!(is_number(n), "{n}");
        }
        for n in ["", "-", ".", "1e", "0x10", "1.2.3", "abc", "'1'", "1 2"] {
            assert!(!is_number(n), "{n}");
        }
        assert_eq!(
            string_literal("'it''s'::text"),
            Some(("it's".into(), "::text"))
        );
        assert_eq!(string_literal("''"), Some((String::new(), "")));
        assert_eq!(string_literal("'open"), None);
        assert_eq!(string_literal("now()"), None);
    }
}
