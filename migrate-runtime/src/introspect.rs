//! A comparable snapshot of a live database's schema, read by introspection.
//!
//! [`Snapshot::capture`] reads tables (columns, primary key, indexes, unique,
//! check and foreign key constraints, comments), enum types, sequences,
//! views and triggers;
//! [`Snapshot::diff`] lists every difference between two snapshots, one
//! [`Difference`] per object and field (with both values,
//! as data), each shown as one line:
//!
//! ```text
//! index `ix_orders_user` on `orders`: columns [user_id, status] vs [status, user_id]
//! ```
//!
//! Expressions (defaults, check constraints, index predicates) are kept in
//! the form the server reports: PostgreSQL's rewritten form
//! (`status != 'x'` reads back as `((status)::text <> 'x'::text)`), and on
//! SQLite, which keeps the text as written, that text with whitespace, letter
//! case of identifiers and keywords, identifier quoting and redundant outer
//! parentheses normalised. Two snapshots compare equal when the schemas are
//! the same, whatever route (online run, offline SQL) built them.
//!
//! ```no_run
//! use migrate_runtime::{introspect::Snapshot, Database};
//! let mut a = Database::connect("sqlite://a.db")?;
//! let mut b = Database::connect("sqlite://b.db")?;
//! // ... build both ...
//! let before = Snapshot::capture(&mut a)?;
//! let after = Snapshot::capture(&mut b)?;
//! for difference in before.diff(&after) {
//!     println!("{difference}");
//! }
//! # Ok::<(), migrate_runtime::Error>(())
//! ```
//!
//! The testing toolkit (feature `testing`) re-exports it beside throwaway
//! databases: `migrate_runtime::testing::{Snapshot, TestDatabase}`.

use crate::error::db;
use crate::{Connection, Error, MigrationConnection};
use migrate_core::difference::{Difference, Field, Object};
use std::collections::{BTreeMap, BTreeSet};

/// The schema of a database: its tables, enum types, sequences, views and
/// triggers, as
/// [`capture`](Snapshot::capture) reads them, comparable with
/// [`diff`](Snapshot::diff).
///
/// Expressions (defaults, check constraints, index predicates and
/// expressions) are kept as the server reports them: PostgreSQL's rewritten
/// form (`status != 'x'` reads back as `((status)::text <> 'x'::text)`); on
/// SQLite, which keeps the SQL as written, that text with spacing, case and
/// identifier quoting normalised. Indexes that only back a primary key or
/// unique constraint (PostgreSQL's, SQLite's `sqlite_autoindex_*`) are not
/// listed as indexes: the constraint is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    tables: BTreeMap<String, TableSnapshot>,
    enums: BTreeMap<String, EnumSnapshot>,
    sequences: BTreeSet<String>,
    /// The sequences owned by a column (identity, serial): PostgreSQL keeps
    /// their names when the table is renamed.
    owned_sequences: BTreeSet<String>,
    views: BTreeMap<String, String>,
    triggers: BTreeMap<String, TriggerSnapshot>,
}

/// A trigger, which migrations create with `execute`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TriggerSnapshot {
    /// The table (or view) it is on.
    pub table: String,
    /// Its definition: PostgreSQL's `pg_get_triggerdef`, SQLite's text
    /// normalised.
    pub definition: String,
}

/// One table.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TableSnapshot {
    /// Its name (schema-qualified when outside the connection's current schema).
    pub name: String,
    /// Its columns, in table order.
    pub columns: Vec<ColumnSnapshot>,
    /// Its primary key.
    pub primary_key: Option<PrimaryKeySnapshot>,
    /// Its indexes, by name, without those that only back a primary key or
    /// unique constraint (those are in `primary_key` and `unique_constraints`).
    pub indexes: BTreeMap<String, IndexSnapshot>,
    /// Its unique constraints, by name (unnamed ones, on SQLite, by
    /// `(unnamed) [columns]`).
    pub unique_constraints: BTreeMap<String, UniqueSnapshot>,
    /// Its check constraints, by name (unnamed ones, on SQLite, by
    /// `(unnamed) expression`).
    pub check_constraints: BTreeMap<String, CheckSnapshot>,
    /// Its foreign keys, by name (unnamed ones, on SQLite, by
    /// `(unnamed) [columns] -> table[columns]`).
    pub foreign_keys: BTreeMap<String, ForeignKeySnapshot>,
    /// Its comment (PostgreSQL).
    pub comment: Option<String>,
}

/// One column.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ColumnSnapshot {
    /// Its name.
    pub name: String,
    /// Its type: PostgreSQL's `format_type` (`character varying(50)`,
    /// `numeric(10,2)`), SQLite's declared type, upper-cased (`VARCHAR(50)`).
    pub data_type: String,
    /// Whether it accepts NULL.
    pub nullable: bool,
    /// Its default expression as the server reports it; for identity and
    /// generated columns, `GENERATED ... AS IDENTITY` or
    /// `GENERATED ALWAYS AS (expression) STORED`.
    pub default: Option<String>,
    /// Its comment (PostgreSQL).
    pub comment: Option<String>,
}

/// A primary key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PrimaryKeySnapshot {
    /// The constraint's name (on SQLite, only when the SQL names it).
    pub name: Option<String>,
    /// Its columns, in key order.
    pub columns: Vec<String>,
}

/// An index created by `CREATE INDEX`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct IndexSnapshot {
    /// Its name.
    pub name: String,
    /// Its key columns or expressions, in order, each followed by ` DESC`
    /// when descending (and, on PostgreSQL, a non-default `NULLS` order).
    pub columns: Vec<String>,
    /// Whether it is unique.
    pub unique: bool,
    /// The predicate of a partial index.
    pub predicate: Option<String>,
}

/// A unique constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UniqueSnapshot {
    /// Its name, when it has one.
    pub name: Option<String>,
    /// Its columns, in order.
    pub columns: Vec<String>,
}

/// A check constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CheckSnapshot {
    /// Its name, when it has one.
    pub name: Option<String>,
    /// Its expression, normalised (see the module docs).
    pub expression: String,
}

/// A foreign key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ForeignKeySnapshot {
    /// Its name, when it has one.
    pub name: Option<String>,
    /// Its columns, in order.
    pub columns: Vec<String>,
    /// The table it references.
    pub referenced_table: String,
    /// The referenced columns, in order (on SQLite, the referenced table's
    /// primary key when the SQL names none).
    pub referenced_columns: Vec<String>,
    /// `NO ACTION`, `RESTRICT`, `CASCADE`, `SET NULL` or `SET DEFAULT`.
    pub on_delete: String,
    /// `NO ACTION`, `RESTRICT`, `CASCADE`, `SET NULL` or `SET DEFAULT`.
    pub on_update: String,
}

/// An enum type (PostgreSQL).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnumSnapshot {
    /// Its name.
    pub name: String,
    /// Its values, in order.
    pub values: Vec<String>,
}

impl Snapshot {
    /// Reads the schema of the database: on PostgreSQL, the connection's
    /// current schemas (`current_schemas(false)`, without `pg_catalog` and
    /// `information_schema`); on SQLite, the main database without its
    /// internal `sqlite_*` tables.
    pub fn capture(conn: &mut impl MigrationConnection) -> Result<Snapshot, Error> {
        let mut conn = conn.connection();
        match conn {
            #[cfg(feature = "postgres")]
            Connection::Postgres(_) => postgres::capture(&mut conn),
            #[cfg(feature = "sqlite")]
            Connection::Sqlite(_) => sqlite::capture(&mut conn),
        }
    }

    /// The differences from `self` to `other`, one per object and field with
    /// both values (`self`'s first); empty when the snapshots are equal.
    /// Each renders as one line (`index `ix` on `t`: unique true vs false`).
    pub fn diff(&self, other: &Snapshot) -> Vec<Difference> {
        let mut out = Vec::new();
        diff_maps(
            &self.tables,
            &other.tables,
            |k| Object::Table(k.to_string()),
            &mut out,
            |k, _, a, b, out| diff_table(k, a, b, out),
        );
        diff_maps(
            &self.enums,
            &other.enums,
            |k| Object::EnumType(k.to_string()),
            &mut out,
            |_, object, a, b, out| list_field(out, object, Field::Values, &a.values, &b.values),
        );
        for s in self.sequences.symmetric_difference(&other.sequences) {
            out.push(Difference::presence(
                Object::Sequence(s.clone()),
                self.sequences.contains(s),
            ));
        }
        diff_maps(
            &self.views,
            &other.views,
            |k| Object::View(k.to_string()),
            &mut out,
            |_, object, a, b, out| text_field(out, object, Field::Definition, a, b),
        );
        diff_maps(
            &self.triggers,
            &other.triggers,
            |k| Object::Trigger(k.to_string()),
            &mut out,
            |_, object, a, b, out| {
                text_field(out, object, Field::Table, &a.table, &b.table);
                text_field(out, object, Field::Definition, &a.definition, &b.definition);
            },
        );
        out
    }

    /// The differences that matter between two schemas built by
    /// migrations: [`diff`](Snapshot::diff) without the order of columns (a
    /// column dropped and added back comes back last: no database restores
    /// its position) and without the names of sequences a column owns
    /// (PostgreSQL keeps `orders_id_seq` when `orders` is renamed; the
    /// column's identity or default is compared). For `check` and the
    /// testing toolkit's stairway and model checks.
    pub fn diff_schema(&self, other: &Snapshot) -> Vec<Difference> {
        fn compared(s: &Snapshot) -> Snapshot {
            let mut s = s.clone();
            for t in s.tables.values_mut() {
                t.columns.sort_by(|a, b| a.name.cmp(&b.name));
            }
            let owned = std::mem::take(&mut s.owned_sequences);
            s.sequences.retain(|q| !owned.contains(q));
            s
        }
        compared(self).diff(&compared(other))
    }

    /// The snapshot without views and triggers (which migrations can only
    /// make with `execute`, so a schema model has none).
    pub fn without_views_and_triggers(mut self) -> Snapshot {
        self.views.clear();
        self.triggers.clear();
        self
    }

    /// A view's definition, by name (PostgreSQL's `pg_get_viewdef`, with
    /// materialized views; SQLite's `CREATE VIEW` text normalised).
    pub fn view(&self, name: &str) -> Option<&str> {
        self.views.get(name).map(String::as_str)
    }

    /// A trigger, by name.
    pub fn trigger(&self, name: &str) -> Option<&TriggerSnapshot> {
        self.triggers.get(name)
    }

    /// The snapshot without one table (for instance the version table,
    /// `migrate_revisions`).
    pub fn without_table(mut self, name: &str) -> Snapshot {
        self.tables.remove(name);
        self
    }

    /// The snapshot without the objects of one schema other than the
    /// current one (those whose names it qualifies with `schema.`).
    pub fn without_schema(mut self, schema: &str) -> Snapshot {
        let prefix = format!("{schema}.");
        self.tables.retain(|k, _| !k.starts_with(&prefix));
        self.enums.retain(|k, _| !k.starts_with(&prefix));
        self.sequences.retain(|k| !k.starts_with(&prefix));
        self.owned_sequences.retain(|k| !k.starts_with(&prefix));
        self.views.retain(|k, _| !k.starts_with(&prefix));
        self.triggers.retain(|_, t| !t.table.starts_with(&prefix));
        self
    }

    /// One table, by name.
    pub fn table(&self, name: &str) -> Option<&TableSnapshot> {
        self.tables.get(name)
    }

    /// All tables, by name.
    pub fn tables(&self) -> impl Iterator<Item = &TableSnapshot> {
        self.tables.values()
    }

    /// One enum type, by name.
    pub fn enum_type(&self, name: &str) -> Option<&EnumSnapshot> {
        self.enums.get(name)
    }

    /// All enum types, by name.
    pub fn enum_types(&self) -> impl Iterator<Item = &EnumSnapshot> {
        self.enums.values()
    }

    /// The names of the sequences.
    pub fn sequences(&self) -> impl Iterator<Item = &str> {
        self.sequences.iter().map(String::as_str)
    }
}

impl TableSnapshot {
    fn new(name: String) -> TableSnapshot {
        TableSnapshot {
            name,
            columns: Vec::new(),
            primary_key: None,
            indexes: BTreeMap::new(),
            unique_constraints: BTreeMap::new(),
            check_constraints: BTreeMap::new(),
            foreign_keys: BTreeMap::new(),
            comment: None,
        }
    }

    /// One column, by name.
    pub fn column(&self, name: &str) -> Option<&ColumnSnapshot> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// One index, by name.
    pub fn index(&self, name: &str) -> Option<&IndexSnapshot> {
        self.indexes.get(name)
    }

    /// One unique constraint, by name.
    pub fn unique_constraint(&self, name: &str) -> Option<&UniqueSnapshot> {
        self.unique_constraints.get(name)
    }

    /// One check constraint, by name.
    pub fn check_constraint(&self, name: &str) -> Option<&CheckSnapshot> {
        self.check_constraints.get(name)
    }

    /// One foreign key, by name.
    pub fn foreign_key(&self, name: &str) -> Option<&ForeignKeySnapshot> {
        self.foreign_keys.get(name)
    }
}

// ---------------------------------------------------------------------------
// diff

fn diff_maps<V>(
    a: &BTreeMap<String, V>,
    b: &BTreeMap<String, V>,
    object: impl Fn(&str) -> Object,
    out: &mut Vec<Difference>,
    mut each: impl FnMut(&str, &Object, &V, &V, &mut Vec<Difference>),
) {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for k in keys {
        let object = object(k);
        match (a.get(k), b.get(k)) {
            (Some(x), Some(y)) => each(k, &object, x, y, out),
            (x, _) => out.push(Difference::presence(object, x.is_some())),
        }
    }
}

fn text_field(out: &mut Vec<Difference>, object: &Object, field: Field, a: &str, b: &str) {
    if a != b {
        out.push(Difference::Text {
            object: object.clone(),
            field,
            before: a.to_string(),
            after: b.to_string(),
        });
    }
}

fn optional(
    out: &mut Vec<Difference>,
    object: &Object,
    field: Field,
    a: &Option<String>,
    b: &Option<String>,
) {
    if a != b {
        out.push(Difference::OptionalText {
            object: object.clone(),
            field,
            before: a.clone(),
            after: b.clone(),
        });
    }
}

fn flag(out: &mut Vec<Difference>, object: &Object, field: Field, a: bool, b: bool) {
    if a != b {
        out.push(Difference::Flag {
            object: object.clone(),
            field,
            before: a,
            after: b,
        });
    }
}

fn list_field(
    out: &mut Vec<Difference>,
    object: &Object,
    field: Field,
    a: &[String],
    b: &[String],
) {
    if a != b {
        out.push(Difference::List {
            object: object.clone(),
            field,
            before: a.to_vec(),
            after: b.to_vec(),
        });
    }
}

/// A list as the keys of unnamed SQLite constraints show it: `[a, b]`.
fn list(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

fn diff_table(t: &str, a: &TableSnapshot, b: &TableSnapshot, out: &mut Vec<Difference>) {
    let table = Object::Table(t.to_string());
    optional(out, &table, Field::Comment, &a.comment, &b.comment);

    let columns = |s: &TableSnapshot| -> BTreeMap<String, ColumnSnapshot> {
        s.columns
            .iter()
            .map(|c| (c.name.clone(), c.clone()))
            .collect()
    };
    diff_maps(
        &columns(a),
        &columns(b),
        |c| Object::Column {
            table: t.to_string(),
            column: c.to_string(),
        },
        out,
        |_, object, x, y, out| {
            text_field(out, object, Field::Type, &x.data_type, &y.data_type);
            flag(out, object, Field::Nullable, x.nullable, y.nullable);
            optional(out, object, Field::Default, &x.default, &y.default);
            optional(out, object, Field::Comment, &x.comment, &y.comment);
        },
    );
    // Order of the columns both have.
    let order = |s: &TableSnapshot, other: &TableSnapshot| -> Vec<String> {
        s.columns
            .iter()
            .filter(|c| other.column(&c.name).is_some())
            .map(|c| c.name.clone())
            .collect()
    };
    list_field(out, &table, Field::ColumnOrder, &order(a, b), &order(b, a));

    let pk = Object::PrimaryKey {
        table: t.to_string(),
    };
    match (&a.primary_key, &b.primary_key) {
        (Some(x), Some(y)) => {
            optional(out, &pk, Field::Name, &x.name, &y.name);
            list_field(out, &pk, Field::Columns, &x.columns, &y.columns);
        }
        (None, None) => {}
        (x, _) => out.push(Difference::presence(pk, x.is_some())),
    }

    diff_maps(
        &a.indexes,
        &b.indexes,
        |i| Object::Index {
            table: t.to_string(),
            name: i.to_string(),
        },
        out,
        |_, object, x, y, out| {
            list_field(out, object, Field::Columns, &x.columns, &y.columns);
            flag(out, object, Field::Unique, x.unique, y.unique);
            optional(out, object, Field::Predicate, &x.predicate, &y.predicate);
        },
    );
    diff_maps(
        &a.unique_constraints,
        &b.unique_constraints,
        |u| Object::UniqueConstraint {
            table: t.to_string(),
            name: u.to_string(),
        },
        out,
        |_, object, x, y, out| list_field(out, object, Field::Columns, &x.columns, &y.columns),
    );
    diff_maps(
        &a.check_constraints,
        &b.check_constraints,
        |c| Object::CheckConstraint {
            table: t.to_string(),
            name: c.to_string(),
        },
        out,
        |_, object, x, y, out| {
            text_field(out, object, Field::Expression, &x.expression, &y.expression)
        },
    );
    diff_maps(
        &a.foreign_keys,
        &b.foreign_keys,
        |f| Object::ForeignKey {
            table: t.to_string(),
            name: f.to_string(),
        },
        out,
        |_, object, x, y, out| {
            list_field(out, object, Field::Columns, &x.columns, &y.columns);
            let (p, q) = (&x.referenced_table, &y.referenced_table);
            text_field(out, object, Field::ReferencedTable, p, q);
            let (p, q) = (&x.referenced_columns, &y.referenced_columns);
            list_field(out, object, Field::ReferencedColumns, p, q);
            text_field(out, object, Field::OnDelete, &x.on_delete, &y.on_delete);
            text_field(out, object, Field::OnUpdate, &x.on_update, &y.on_update);
        },
    );
}

// ---------------------------------------------------------------------------
// queries

/// A row of text columns, however many the query selects (each column needs
/// a distinct name).
struct TextRow(Vec<Option<String>>);

impl<DB> diesel::deserialize::QueryableByName<DB> for TextRow
where
    DB: diesel::backend::Backend,
    Option<String>:
        diesel::deserialize::FromSql<diesel::sql_types::Nullable<diesel::sql_types::Text>, DB>,
{
    fn build<'a>(row: &impl diesel::row::NamedRow<'a, DB>) -> diesel::deserialize::Result<Self> {
        use diesel::row::Field as _;
        let mut values = Vec::new();
        for i in 0..row.field_count() {
            let name = diesel::row::Row::get(row, i)
                .and_then(|f| f.field_name().map(str::to_owned))
                .ok_or("a result column without a name")?;
            values.push(diesel::row::NamedRow::get::<
                diesel::sql_types::Nullable<diesel::sql_types::Text>,
                Option<String>,
            >(row, &name)?);
        }
        Ok(TextRow(values))
    }
}

/// Every row of `sql`, each column as text (PostgreSQL: cast each to text).
fn rows(
    conn: &mut Connection<'_>,
    reading: &str,
    sql: &str,
) -> Result<Vec<Vec<Option<String>>>, Error> {
    use diesel::RunQueryDsl;
    let rows: Vec<TextRow> = match conn {
        #[cfg(feature = "postgres")]
        Connection::Postgres(c) => diesel::sql_query(sql).load(*c),
        #[cfg(feature = "sqlite")]
        Connection::Sqlite(c) => diesel::sql_query(sql).load(*c),
    }
    .map_err(db(format!("cannot read {reading} for a schema snapshot")))?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Column `i` of a row.
fn col(row: &[Option<String>], i: usize) -> Option<String> {
    row.get(i).cloned().flatten()
}

/// Column `i` of a row, `""` when NULL.
fn text(row: &[Option<String>], i: usize) -> String {
    col(row, i).unwrap_or_default()
}

/// Inserts under `key`, or `key #2`, `key #3`... when taken.
fn insert_unique<V>(map: &mut BTreeMap<String, V>, key: String, value: V) {
    let mut candidate = key.clone();
    let mut n = 1;
    while map.contains_key(&candidate) {
        n += 1;
        candidate = format!("{key} #{n}");
    }
    map.insert(candidate, value);
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;

    /// The filter on the namespace `n`.
    const IN_SCHEMAS: &str = "n.nspname = ANY (current_schemas(false)) \
         AND n.nspname NOT IN ('pg_catalog', 'information_schema')";

    /// The name of relation `c` in namespace `n`: bare in the current
    /// schema, qualified elsewhere.
    fn name(n: &str, c: &str, col: &str) -> String {
        format!(
            "CASE WHEN {n}.nspname = current_schema() THEN {c}.{col}::text \
             ELSE {n}.nspname::text || '.' || {c}.{col}::text END"
        )
    }

    /// The names of columns numbered by an `int2[]` of `rel`, in order,
    /// joined by U+001F.
    fn columns(keys: &str, rel: &str) -> String {
        format!(
            "(SELECT string_agg(a.attname::text, chr(31) ORDER BY k.ord) \
               FROM unnest({keys}) WITH ORDINALITY AS k(num, ord) \
               JOIN pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.num)"
        )
    }

    fn split(value: Option<String>) -> Vec<String> {
        match value {
            Some(v) if !v.is_empty() => v.split('\u{1f}').map(str::to_owned).collect(),
            _ => Vec::new(),
        }
    }

    fn action(code: &str) -> String {
        match code {
            "r" => "RESTRICT",
            "c" => "CASCADE",
            "n" => "SET NULL",
            "d" => "SET DEFAULT",
            _ => "NO ACTION",
        }
        .into()
    }

    pub(super) fn capture(conn: &mut Connection<'_>) -> Result<Snapshot, Error> {
        let mut snap = Snapshot::default();
        let table = name("n", "c", "relname");

        let sql = format!(
            "SELECT {table} AS t, obj_description(c.oid, 'pg_class') AS comment \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p') AND {IN_SCHEMAS}"
        );
        for row in rows(conn, "the tables", &sql)? {
            let mut t = TableSnapshot::new(text(&row, 0));
            t.comment = col(&row, 1);
            snap.tables.insert(t.name.clone(), t);
        }

        let sql = format!(
            "SELECT {table} AS t, a.attname::text AS name, \
                    format_type(a.atttypid, a.atttypmod) AS type, \
                    CASE WHEN a.attnotnull THEN 'f' ELSE 't' END AS nullable, \
                    pg_get_expr(d.adbin, d.adrelid) AS dflt, \
                    a.attidentity::text AS ident, a.attgenerated::text AS gen, \
                    col_description(c.oid, a.attnum) AS comment \
             FROM pg_attribute a \
             JOIN pg_class c ON c.oid = a.attrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
             WHERE c.relkind IN ('r', 'p') AND {IN_SCHEMAS} \
               AND a.attnum > 0 AND NOT a.attisdropped \
             ORDER BY c.oid, a.attnum"
        );
        for row in rows(conn, "the columns", &sql)? {
            let default = match (text(&row, 5).as_str(), text(&row, 6).as_str()) {
                ("a", _) => Some("GENERATED ALWAYS AS IDENTITY".into()),
                ("d", _) => Some("GENERATED BY DEFAULT AS IDENTITY".into()),
                (_, "s") => Some(format!("GENERATED ALWAYS AS ({}) STORED", text(&row, 4))),
                _ => col(&row, 4),
            };
            if let Some(t) = snap.tables.get_mut(&text(&row, 0)) {
                t.columns.push(ColumnSnapshot {
                    name: text(&row, 1),
                    data_type: text(&row, 2),
                    nullable: text(&row, 3) == "t",
                    default,
                    comment: col(&row, 7),
                });
            }
        }

        let sql = format!(
            "SELECT {table} AS t, con.conname::text AS name, con.contype::text AS kind, \
                    {cols} AS cols, {ref_table} AS ref_table, {ref_cols} AS ref_cols, \
                    con.confdeltype::text AS del, con.confupdtype::text AS upd, \
                    pg_get_expr(con.conbin, con.conrelid) AS expr \
             FROM pg_constraint con \
             JOIN pg_class c ON c.oid = con.conrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             LEFT JOIN pg_class rc ON rc.oid = con.confrelid \
             LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace \
             WHERE con.contype IN ('p', 'u', 'c', 'f') \
               AND c.relkind IN ('r', 'p') AND {IN_SCHEMAS}",
            cols = columns("con.conkey", "con.conrelid"),
            ref_table = name("rn", "rc", "relname"),
            ref_cols = columns("con.confkey", "con.confrelid"),
        );
        for row in rows(conn, "the constraints", &sql)? {
            let Some(t) = snap.tables.get_mut(&text(&row, 0)) else {
                continue;
            };
            let name = text(&row, 1);
            let columns = split(col(&row, 3));
            match text(&row, 2).as_str() {
                "p" => {
                    t.primary_key = Some(PrimaryKeySnapshot {
                        name: Some(name),
                        columns,
                    })
                }
                "u" => {
                    let u = UniqueSnapshot {
                        name: Some(name.clone()),
                        columns,
                    };
                    insert_unique(&mut t.unique_constraints, name, u);
                }
                "c" => {
                    let c = CheckSnapshot {
                        name: Some(name.clone()),
                        expression: text(&row, 8),
                    };
                    insert_unique(&mut t.check_constraints, name, c);
                }
                _ => {
                    let f = ForeignKeySnapshot {
                        name: Some(name.clone()),
                        columns,
                        referenced_table: text(&row, 4),
                        referenced_columns: split(col(&row, 5)),
                        on_delete: action(&text(&row, 6)),
                        on_update: action(&text(&row, 7)),
                    };
                    insert_unique(&mut t.foreign_keys, name, f);
                }
            }
        }

        // Key columns: the column or expression, then the non-default order.
        let sql = format!(
            "SELECT {table} AS t, ic.relname::text AS name, \
                    CASE WHEN i.indisunique THEN 't' ELSE 'f' END AS uniq, \
                    pg_get_expr(i.indpred, i.indrelid) AS pred, \
                    (SELECT string_agg(pg_get_indexdef(i.indexrelid, k + 1, false) || \
                        CASE WHEN (i.indoption[k]::int & 1) = 1 \
                             THEN ' DESC' || CASE WHEN (i.indoption[k]::int & 2) = 0 \
                                                  THEN ' NULLS LAST' ELSE '' END \
                             ELSE CASE WHEN (i.indoption[k]::int & 2) = 2 \
                                       THEN ' NULLS FIRST' ELSE '' END END, \
                        chr(31) ORDER BY k) \
                     FROM generate_series(0, i.indnkeyatts - 1) AS k) AS cols \
             FROM pg_index i \
             JOIN pg_class ic ON ic.oid = i.indexrelid \
             JOIN pg_class c ON c.oid = i.indrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p') AND {IN_SCHEMAS} \
               AND NOT EXISTS (SELECT 1 FROM pg_constraint con \
                               WHERE con.conrelid = i.indrelid \
                                 AND con.conindid = i.indexrelid \
                                 AND con.contype IN ('p', 'u', 'x'))"
        );
        for row in rows(conn, "the indexes", &sql)? {
            let Some(t) = snap.tables.get_mut(&text(&row, 0)) else {
                continue;
            };
            let name = text(&row, 1);
            t.indexes.insert(
                name.clone(),
                IndexSnapshot {
                    name,
                    columns: split(col(&row, 4)),
                    unique: text(&row, 2) == "t",
                    predicate: col(&row, 3),
                },
            );
        }

        let sql = format!(
            "SELECT {ty} AS name, \
                    (SELECT string_agg(e.enumlabel::text, chr(31) ORDER BY e.enumsortorder) \
                     FROM pg_enum e WHERE e.enumtypid = ty.oid) AS vals \
             FROM pg_type ty JOIN pg_namespace n ON n.oid = ty.typnamespace \
             WHERE ty.typtype = 'e' AND {IN_SCHEMAS}",
            ty = name("n", "ty", "typname"),
        );
        for row in rows(conn, "the enum types", &sql)? {
            let name = text(&row, 0);
            let values = split(col(&row, 1));
            snap.enums
                .insert(name.clone(), EnumSnapshot { name, values });
        }

        // Owned: an identity column's (dependency `i`) or a serial's (`a`).
        let sql = format!(
            "SELECT {table} AS name, CAST(EXISTS (SELECT 1 FROM pg_depend d \
                 WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid \
                   AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0 \
                   AND d.deptype IN ('a', 'i')) AS TEXT) AS owned \
             FROM pg_sequence s \
             JOIN pg_class c ON c.oid = s.seqrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE {IN_SCHEMAS}"
        );
        for row in rows(conn, "the sequences", &sql)? {
            if text(&row, 1) == "true" {
                snap.owned_sequences.insert(text(&row, 0));
            }
            snap.sequences.insert(text(&row, 0));
        }

        let sql = format!(
            "SELECT {table} AS t, pg_get_viewdef(c.oid) AS definition \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('v', 'm') AND {IN_SCHEMAS}"
        );
        for row in rows(conn, "the views", &sql)? {
            snap.views
                .insert(text(&row, 0), text(&row, 1).trim().to_string());
        }

        let sql = format!(
            "SELECT t.tgname::text AS name, {table} AS t, pg_get_triggerdef(t.oid) AS definition \
             FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE NOT t.tgisinternal AND {IN_SCHEMAS}"
        );
        for row in rows(conn, "the triggers", &sql)? {
            snap.triggers.insert(
                text(&row, 0),
                TriggerSnapshot {
                    table: text(&row, 1),
                    definition: text(&row, 2),
                },
            );
        }
        Ok(snap)
    }
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::sql_text;
    use super::*;

    /// A map key: the name, or a description for an unnamed object.
    fn key(name: &Option<String>, unnamed: impl FnOnce() -> String) -> String {
        match name {
            Some(n) => n.clone(),
            None => format!("(unnamed) {}", unnamed()),
        }
    }

    /// A string literal.
    fn lit(s: &str) -> String {
        format!("'{}'", s.replace('\'', "''"))
    }

    fn same(a: &[String], b: &[String]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
    }

    pub(super) fn capture(conn: &mut Connection<'_>) -> Result<Snapshot, Error> {
        let mut snap = Snapshot::default();
        let tables = rows(
            conn,
            "the tables",
            "SELECT name, sql FROM sqlite_master \
             WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
        )?;
        for row in tables {
            let name = text(&row, 0);
            let table = table(conn, &name, &text(&row, 1))?;
            snap.tables.insert(name, table);
        }
        let others = rows(
            conn,
            "the views and triggers",
            "SELECT type, name, tbl_name, sql FROM sqlite_master \
             WHERE type IN ('view', 'trigger') ORDER BY name",
        )?;
        for row in others {
            let definition = sql_text::render(&sql_text::parse(&text(&row, 3)));
            if text(&row, 0) == "view" {
                snap.views.insert(text(&row, 1), definition);
            } else {
                snap.triggers.insert(
                    text(&row, 1),
                    TriggerSnapshot {
                        table: text(&row, 2),
                        definition,
                    },
                );
            }
        }
        Ok(snap)
    }

    fn table(conn: &mut Connection<'_>, name: &str, sql: &str) -> Result<TableSnapshot, Error> {
        let mut parsed = sql_text::parse_create_table(sql);
        let mut t = TableSnapshot::new(name.to_string());
        let quoted = lit(name);

        let columns = rows(
            conn,
            &format!("the columns of `{name}`"),
            &format!(
                "SELECT name, type, \"notnull\", dflt_value, hidden \
                 FROM pragma_table_xinfo({quoted}) ORDER BY cid"
            ),
        )?;
        for row in columns {
            let column = text(&row, 0);
            let default = match text(&row, 4).as_str() {
                "1" => continue,
                hidden @ ("2" | "3") => parsed
                    .generated
                    .iter()
                    .find(|(c, _)| c.eq_ignore_ascii_case(&column))
                    .map(|(_, expr)| {
                        let kind = if hidden == "3" { "STORED" } else { "VIRTUAL" };
                        format!("GENERATED ALWAYS AS ({expr}) {kind}")
                    }),
                _ => col(&row, 3),
            };
            t.columns.push(ColumnSnapshot {
                name: column,
                data_type: sql_text::normalise_type(&text(&row, 1)),
                nullable: text(&row, 2) == "0",
                default,
                comment: None,
            });
        }

        let pk = pk_columns(conn, name)?;
        if !pk.is_empty() {
            t.primary_key = Some(PrimaryKeySnapshot {
                name: parsed.primary_key.and_then(|k| k.name),
                columns: pk,
            });
        }

        for (name, expression) in parsed.checks {
            let k = key(&name, || expression.clone());
            insert_unique(
                &mut t.check_constraints,
                k,
                CheckSnapshot { name, expression },
            );
        }

        let fks = rows(
            conn,
            &format!("the foreign keys of `{name}`"),
            &format!(
                "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete \
                 FROM pragma_foreign_key_list({quoted}) ORDER BY id, seq"
            ),
        )?;
        let mut groups: Vec<(String, Vec<Vec<Option<String>>>)> = Vec::new();
        for row in fks {
            let id = text(&row, 0);
            match groups.last_mut() {
                Some((last, rows)) if *last == id => rows.push(row),
                _ => groups.push((id, vec![row])),
            }
        }
        for (_, group) in groups {
            let first = &group[0];
            let referenced_table = text(first, 1);
            let columns: Vec<String> = group.iter().map(|r| text(r, 2)).collect();
            let declared: Vec<String> = group.iter().filter_map(|r| col(r, 3)).collect();
            let referenced_columns = if declared.len() == group.len() {
                declared.clone()
            } else {
                pk_columns(conn, &referenced_table)?
            };
            let found = parsed.foreign_keys.iter().position(|f| {
                same(&f.columns, &columns)
                    && f.table.eq_ignore_ascii_case(&referenced_table)
                    && same(&f.referenced, &declared)
            });
            let name = found.and_then(|i| parsed.foreign_keys.remove(i).name);
            let fk = ForeignKeySnapshot {
                name,
                columns,
                referenced_table,
                referenced_columns,
                on_delete: text(first, 5),
                on_update: text(first, 4),
            };
            let k = key(&fk.name, || {
                format!(
                    "{} -> {}{}",
                    list(&fk.columns),
                    fk.referenced_table,
                    list(&fk.referenced_columns)
                )
            });
            insert_unique(&mut t.foreign_keys, k, fk);
        }

        let indexes = rows(
            conn,
            &format!("the indexes of `{name}`"),
            &format!("SELECT name, \"unique\", origin FROM pragma_index_list({quoted})"),
        )?;
        for row in indexes {
            let index = text(&row, 0);
            match text(&row, 2).as_str() {
                "c" => {
                    let i = created_index(conn, &index, text(&row, 1) == "1")?;
                    t.indexes.insert(index, i);
                }
                "u" => {
                    let columns: Vec<String> = rows(
                        conn,
                        &format!("the columns of index `{index}`"),
                        &format!(
                            "SELECT name FROM pragma_index_info({}) ORDER BY seqno",
                            lit(&index)
                        ),
                    )?
                    .iter()
                    .map(|r| text(r, 0))
                    .collect();
                    let found = parsed
                        .uniques
                        .iter()
                        .position(|u| same(&u.columns, &columns));
                    let name = found.and_then(|i| parsed.uniques.remove(i).name);
                    let k = key(&name, || list(&columns));
                    insert_unique(
                        &mut t.unique_constraints,
                        k,
                        UniqueSnapshot { name, columns },
                    );
                }
                // "pk": the primary key, captured above.
                _ => {}
            }
        }
        Ok(t)
    }

    /// The primary key columns of a table, in key order.
    fn pk_columns(conn: &mut Connection<'_>, table: &str) -> Result<Vec<String>, Error> {
        Ok(rows(
            conn,
            &format!("the primary key of `{table}`"),
            &format!(
                "SELECT name FROM pragma_table_info({}) WHERE pk > 0 ORDER BY pk",
                lit(table)
            ),
        )?
        .iter()
        .map(|r| text(r, 0))
        .collect())
    }

    fn created_index(
        conn: &mut Connection<'_>,
        name: &str,
        unique: bool,
    ) -> Result<IndexSnapshot, Error> {
        let sql = rows(
            conn,
            &format!("the SQL of index `{name}`"),
            &format!(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = {}",
                lit(name)
            ),
        )?
        .first()
        .map(|r| text(r, 0))
        .unwrap_or_default();
        let parsed = sql_text::parse_create_index(&sql);
        let keys = rows(
            conn,
            &format!("the columns of index `{name}`"),
            &format!(
                "SELECT cid, name, \"desc\" FROM pragma_index_xinfo({}) \
                 WHERE key = 1 ORDER BY seqno",
                lit(name)
            ),
        )?;
        let columns = keys
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut c = match col(r, 1) {
                    Some(column) if text(r, 0) != "-2" => column,
                    _ => parsed
                        .columns
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| "<expression>".into()),
                };
                if text(r, 2) == "1" {
                    c.push_str(" DESC");
                }
                c
            })
            .collect();
        Ok(IndexSnapshot {
            name: name.to_string(),
            columns,
            unique,
            predicate: parsed.predicate,
        })
    }
}

/// A small tokenizer and reader of SQLite's `CREATE TABLE` / `CREATE INDEX`
/// text: SQLite keeps constraint names, check expressions and index
/// expressions only there.
#[cfg(feature = "sqlite")]
mod sql_text {
    /// A token, with parenthesised groups nested.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub(super) enum Node {
        /// An unquoted word: keyword or identifier.
        Word(String),
        /// A quoted identifier (`"x"`, `` `x` ``, `[x]`), unquoted.
        Quoted(String),
        /// A string or blob literal, as written (quotes included).
        Str(String),
        /// A number, as written.
        Num(String),
        /// An operator or `,` `.` `;`.
        Punct(String),
        /// `( ... )`.
        Group(Vec<Node>),
    }

    fn is_word_char(c: char) -> bool {
        c.is_alphanumeric() || c == '_' || c == '$' || !c.is_ascii()
    }

    /// Reads a quoted token starting at `i` (the opening quote), with the
    /// closing quote doubled as escape; returns the content and the index
    /// after it.
    fn quoted(chars: &[char], i: usize, close: char, doubling: bool) -> (String, usize) {
        let mut out = String::new();
        let mut j = i + 1;
        while j < chars.len() {
            if chars[j] == close {
                if doubling && chars.get(j + 1) == Some(&close) {
                    out.push(close);
                    j += 2;
                    continue;
                }
                return (out, j + 1);
            }
            out.push(chars[j]);
            j += 1;
        }
        (out, j)
    }

    /// Tokenizes SQL text into a tree of nodes.
    pub(super) fn parse(sql: &str) -> Vec<Node> {
        let chars: Vec<char> = sql.chars().collect();
        let mut stack: Vec<Vec<Node>> = vec![Vec::new()];
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            let push = |stack: &mut Vec<Vec<Node>>, n: Node| {
                if let Some(top) = stack.last_mut() {
                    top.push(n)
                }
            };
            if c.is_whitespace() {
                i += 1;
            } else if c == '-' && next == Some('-') {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            } else if c == '/' && next == Some('*') {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    i += 1;
                }
                i += 2;
            } else if c == '(' {
                stack.push(Vec::new());
                i += 1;
            } else if c == ')' {
                if stack.len() > 1 {
                    let group = stack.pop().unwrap_or_default();
                    push(&mut stack, Node::Group(group));
                }
                i += 1;
            } else if c == '\'' {
                let (content, end) = quoted(&chars, i, '\'', true);
                push(
                    &mut stack,
                    Node::Str(format!("'{}'", content.replace('\'', "''"))),
                );
                i = end;
            } else if (c == 'x' || c == 'X') && next == Some('\'') {
                let (content, end) = quoted(&chars, i + 1, '\'', true);
                push(&mut stack, Node::Str(format!("X'{content}'")));
                i = end;
            } else if c == '"' || c == '`' {
                let (content, end) = quoted(&chars, i, c, true);
                push(&mut stack, Node::Quoted(content));
                i = end;
            } else if c == '[' {
                let (content, end) = quoted(&chars, i, ']', false);
                push(&mut stack, Node::Quoted(content));
                i = end;
            } else if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
                let start = i;
                while i < chars.len() {
                    let d = chars[i];
                    let sign = (d == '+' || d == '-')
                        && matches!(chars[i - 1], 'e' | 'E')
                        && !chars[start..i].iter().any(|x| matches!(x, 'x' | 'X'));
                    if d.is_ascii_alphanumeric() || d == '.' || d == '_' || sign {
                        i += 1;
                    } else {
                        break;
                    }
                }
                push(&mut stack, Node::Num(chars[start..i].iter().collect()));
            } else if is_word_char(c) {
                let start = i;
                while i < chars.len() && is_word_char(chars[i]) {
                    i += 1;
                }
                push(&mut stack, Node::Word(chars[start..i].iter().collect()));
            } else {
                let three: String = chars[i..(i + 3).min(chars.len())].iter().collect();
                let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                let op = if three == "->>" {
                    three
                } else if ["<=", ">=", "<>", "!=", "==", "||", "<<", ">>", "->"]
                    .contains(&two.as_str())
                {
                    two
                } else {
                    c.to_string()
                };
                i += op.chars().count();
                push(&mut stack, Node::Punct(op));
            }
        }
        while stack.len() > 1 {
            let group = stack.pop().unwrap_or_default();
            if let Some(top) = stack.last_mut() {
                top.push(Node::Group(group));
            }
        }
        stack.pop().unwrap_or_default()
    }

    /// Words after which `(` is not a function call's.
    const KEYWORDS: &[&str] = &[
        "and", "or", "not", "in", "is", "exists", "when", "then", "else", "case", "between",
        "like", "glob", "regexp", "match", "as", "on", "where", "over", "check", "escape",
    ];

    fn word(n: &Node) -> Option<String> {
        match n {
            Node::Word(w) => Some(w.to_ascii_uppercase()),
            _ => None,
        }
    }

    fn is(n: Option<&Node>, keyword: &str) -> bool {
        n.and_then(word).is_some_and(|w| w == keyword)
    }

    /// The identifier a node names.
    pub(super) fn ident(n: &Node) -> Option<String> {
        match n {
            Node::Word(w) => Some(w.clone()),
            Node::Quoted(q) => Some(q.clone()),
            Node::Str(s) => Some(s[1..s.len() - 1].replace("''", "'")),
            _ => None,
        }
    }

    fn simple(q: &str) -> bool {
        let mut chars = q.chars();
        chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    }

    /// Normalised text of a node list: single spaces, lower-case words and
    /// simple identifiers unquoted, literals as written.
    pub(super) fn render(nodes: &[Node]) -> String {
        let mut out = String::new();
        let mut prev: Option<&Node> = None;
        for n in nodes {
            if let Some(p) = prev {
                let space = match (p, n) {
                    (_, Node::Punct(s)) if s == "," || s == "." => false,
                    (Node::Punct(s), _) if s == "." => false,
                    (Node::Word(w), Node::Group(_)) => {
                        KEYWORDS.contains(&w.to_ascii_lowercase().as_str())
                    }
                    (Node::Quoted(_), Node::Group(_)) => false,
                    _ => true,
                };
                if space {
                    out.push(' ');
                }
            }
            match n {
                Node::Word(w) => out.push_str(&w.to_lowercase()),
                Node::Quoted(q) if simple(q) => out.push_str(&q.to_ascii_lowercase()),
                Node::Quoted(q) => {
                    out.push('"');
                    out.push_str(&q.replace('"', "\"\""));
                    out.push('"');
                }
                Node::Str(s) | Node::Num(s) | Node::Punct(s) => out.push_str(s),
                Node::Group(children) => {
                    out.push('(');
                    out.push_str(&render(children));
                    out.push(')');
                }
            }
            prev = Some(n);
        }
        out
    }

    /// Without redundant outer parentheses.
    pub(super) fn strip(mut nodes: &[Node]) -> &[Node] {
        while let [Node::Group(inner)] = nodes {
            nodes = inner;
        }
        nodes
    }

    /// A declared type, normalised: `varchar( 50 )` → `VARCHAR(50)`.
    pub(super) fn normalise_type(declared: &str) -> String {
        render(&parse(declared)).to_uppercase()
    }

    /// The elements of a list, split at top-level commas.
    fn split_commas(nodes: &[Node]) -> Vec<&[Node]> {
        nodes
            .split(|n| matches!(n, Node::Punct(p) if p == ","))
            .filter(|e| !e.is_empty())
            .collect()
    }

    /// An element of an indexed-column list without its `COLLATE`,
    /// `ASC`/`DESC`.
    fn key_part(element: &[Node]) -> &[Node] {
        let end = element
            .iter()
            .position(|n| matches!(word(n).as_deref(), Some("COLLATE" | "ASC" | "DESC")))
            .unwrap_or(element.len());
        &element[..end]
    }

    /// The column names of a `(a, b COLLATE x DESC)` list.
    fn column_list(nodes: &[Node]) -> Vec<String> {
        split_commas(nodes)
            .into_iter()
            .filter_map(|e| key_part(e).first().and_then(ident))
            .collect()
    }

    /// A named (or unnamed) key: primary key or unique constraint.
    #[derive(Debug, Default)]
    pub(super) struct Key {
        pub name: Option<String>,
        pub columns: Vec<String>,
    }

    /// A foreign key as the SQL declares it.
    #[derive(Debug)]
    pub(super) struct ForeignKey {
        pub name: Option<String>,
        pub columns: Vec<String>,
        pub table: String,
        pub referenced: Vec<String>,
    }

    /// What a `CREATE TABLE` text declares that the pragmas do not tell.
    #[derive(Debug, Default)]
    pub(super) struct Table {
        pub primary_key: Option<Key>,
        pub uniques: Vec<Key>,
        /// (name, normalised expression)
        pub checks: Vec<(Option<String>, String)>,
        pub foreign_keys: Vec<ForeignKey>,
        /// (column, normalised expression) of generated columns.
        pub generated: Vec<(String, String)>,
    }

    pub(super) fn parse_create_table(sql: &str) -> Table {
        let mut table = Table::default();
        let nodes = parse(sql);
        let mut body = None;
        for n in &nodes {
            match n {
                Node::Group(g) => {
                    body = Some(g);
                    break;
                }
                // CREATE TABLE ... AS SELECT: no constraints.
                n if is(Some(n), "AS") => break,
                _ => {}
            }
        }
        let Some(body) = body else { return table };
        for element in split_commas(body) {
            let starts_constraint = matches!(
                word(&element[0]).as_deref(),
                Some("CONSTRAINT" | "PRIMARY" | "UNIQUE" | "CHECK" | "FOREIGN")
            );
            if starts_constraint {
                constraints(element, None, &mut table);
            } else if let Some(column) = ident(&element[0]) {
                constraints(&element[1..], Some(&column), &mut table);
            }
        }
        table
    }

    /// Reads the constraints in `nodes`: a column's (after its name) or a
    /// table constraint.
    fn constraints(nodes: &[Node], column: Option<&str>, table: &mut Table) {
        let own: Vec<String> = column.map(str::to_owned).into_iter().collect();
        let mut name: Option<String> = None;
        let mut i = 0;
        while i < nodes.len() {
            let Some(w) = word(&nodes[i]) else {
                i += 1;
                continue;
            };
            i += 1;
            match w.as_str() {
                "CONSTRAINT" => {
                    name = nodes.get(i).and_then(ident);
                    i += 1;
                }
                "PRIMARY" | "UNIQUE" => {
                    if w == "PRIMARY" && is(nodes.get(i), "KEY") {
                        i += 1;
                    }
                    let columns = match nodes.get(i) {
                        Some(Node::Group(g)) if column.is_none() => {
                            i += 1;
                            column_list(g)
                        }
                        _ => own.clone(),
                    };
                    let key = Key {
                        name: name.take(),
                        columns,
                    };
                    if w == "PRIMARY" {
                        table.primary_key = Some(key);
                    } else {
                        table.uniques.push(key);
                    }
                }
                "CHECK" => {
                    if let Some(Node::Group(g)) = nodes.get(i) {
                        table.checks.push((name.take(), render(strip(g))));
                        i += 1;
                    }
                }
                "FOREIGN" => {
                    if is(nodes.get(i), "KEY") {
                        i += 1;
                    }
                    let columns = match nodes.get(i) {
                        Some(Node::Group(g)) => {
                            i += 1;
                            column_list(g)
                        }
                        _ => Vec::new(),
                    };
                    if is(nodes.get(i), "REFERENCES") {
                        i += 1;
                        let (t, referenced) = reference(nodes, &mut i);
                        table.foreign_keys.push(ForeignKey {
                            name: name.take(),
                            columns,
                            table: t,
                            referenced,
                        });
                    }
                }
                "REFERENCES" => {
                    let (t, referenced) = reference(nodes, &mut i);
                    table.foreign_keys.push(ForeignKey {
                        name: name.take(),
                        columns: own.clone(),
                        table: t,
                        referenced,
                    });
                }
                "AS" => {
                    if let (Some(c), Some(Node::Group(g))) = (column, nodes.get(i)) {
                        table.generated.push((c.to_string(), render(strip(g))));
                        i += 1;
                    }
                    name = None;
                }
                "NOT" | "NULL" | "DEFAULT" | "COLLATE" | "GENERATED" => name = None,
                _ => {}
            }
        }
    }

    /// After `REFERENCES`: the table and the column list, if any.
    fn reference(nodes: &[Node], i: &mut usize) -> (String, Vec<String>) {
        let table = nodes.get(*i).and_then(ident).unwrap_or_default();
        *i += 1;
        let columns = match nodes.get(*i) {
            Some(Node::Group(g)) => {
                *i += 1;
                column_list(g)
            }
            _ => Vec::new(),
        };
        (table, columns)
    }

    /// What a `CREATE INDEX` text declares: each key's normalised text and
    /// the partial index predicate.
    #[derive(Debug, Default)]
    pub(super) struct Index {
        pub columns: Vec<String>,
        pub predicate: Option<String>,
    }

    pub(super) fn parse_create_index(sql: &str) -> Index {
        let nodes = parse(sql);
        let Some(on) = nodes.iter().position(|n| is(Some(n), "ON")) else {
            return Index::default();
        };
        let Some(group) = nodes[on..].iter().position(|n| matches!(n, Node::Group(_))) else {
            return Index::default();
        };
        let group = on + group;
        let columns = match &nodes[group] {
            Node::Group(g) => split_commas(g)
                .into_iter()
                .map(|e| render(strip(key_part(e))))
                .collect(),
            _ => Vec::new(),
        };
        let predicate = nodes[group..]
            .iter()
            .position(|n| is(Some(n), "WHERE"))
            .map(|w| {
                let rest = &nodes[group + w + 1..];
                let rest = match rest.last() {
                    Some(Node::Punct(p)) if p == ";" => &rest[..rest.len() - 1],
                    _ => rest,
                };
                render(strip(rest))
            });
        Index { columns, predicate }
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod tests {
    use super::sql_text::*;

    #[test]
    fn tokens_nest_and_keep_literals() {
        let nodes = parse(r#"CHECK ("a b" IN ('x, (y', 'it''s') AND [c] >= -1.5e+3) -- (("#);
        assert_eq!(nodes.len(), 2);
        let Node::Group(inner) = &nodes[1] else {
            panic!("{nodes:?}")
        };
        assert_eq!(inner[0], Node::Quoted("a b".into()));
        assert_eq!(
            render(&nodes),
            r#"check ("a b" in ('x, (y', 'it''s') and c >= - 1.5e+3)"#
        );
    }

    #[test]
    fn rendering_normalises_spacing_case_and_quoting() {
        let a = render(strip(&parse(
            r#"(( "Total">=0 AND lower( "note" )<>'A B' ))"#,
        )));
        let b = render(strip(&parse("total >= 0 and LOWER(note) <> 'A B'")));
        assert_eq!(a, b);
        assert_eq!(a, "total >= 0 and lower(note) <> 'A B'");
        assert_eq!(normalise_type("varchar ( 50 )"), "VARCHAR(50)");
        assert_eq!(normalise_type("numeric(10,2)"), "NUMERIC(10, 2)");
    }

    #[test]
    fn create_table_constraints_with_names() {
        let t = parse_create_table(
            r#"CREATE TABLE "orders" (
                "id" INTEGER CONSTRAINT "pk_orders" PRIMARY KEY,
                "user_id" INTEGER NOT NULL CONSTRAINT "fk_orders_user" REFERENCES "users" ("id") ON DELETE SET NULL,
                "status" VARCHAR(20) DEFAULT 'a, (b' CONSTRAINT "ck_status" CHECK ("status" IN ('a, (b', 'c)')),
                parent INTEGER REFERENCES orders,
                code TEXT UNIQUE,
                doubled INTEGER GENERATED ALWAYS AS (id * 2) STORED,
                CONSTRAINT uq_pair UNIQUE (user_id, "status" COLLATE NOCASE),
                CHECK (id > 0),
                CONSTRAINT [fk two] FOREIGN KEY (parent, code) REFERENCES other (a, b)
            ) WITHOUT ROWID"#,
        );
        let pk = t.primary_key.unwrap();
        assert_eq!(
            (pk.name.as_deref(), pk.columns),
            (Some("pk_orders"), vec!["id".into()])
        );
        assert_eq!(
            t.checks,
            vec![
                (Some("ck_status".into()), "status in ('a, (b', 'c)')".into()),
                (None, "id > 0".into())
            ]
        );
        let fks: Vec<_> = t
            .foreign_keys
            .iter()
            .map(|f| {
                (
                    f.name.as_deref(),
                    f.columns.join(","),
                    f.table.as_str(),
                    f.referenced.join(","),
                )
            })
            .collect();
        assert_eq!(
            fks,
            vec![
                (
                    Some("fk_orders_user"),
                    "user_id".into(),
                    "users",
                    "id".into()
                ),
                (None, "parent".into(), "orders", "".into()),
                (Some("fk two"), "parent,code".into(), "other", "a,b".into()),
            ]
        );
        let uniques: Vec<_> = t
            .uniques
            .iter()
            .map(|u| (u.name.as_deref(), u.columns.join(",")))
            .collect();
        assert_eq!(
            uniques,
            vec![
                (None, "code".into()),
                (Some("uq_pair"), "user_id,status".into())
            ]
        );
        assert_eq!(t.generated, vec![("doubled".into(), "id * 2".into())]);
    }

    #[test]
    fn create_index_keys_and_predicate() {
        let i = parse_create_index(
            r#"CREATE UNIQUE INDEX IF NOT EXISTS "ix" ON "t" (lower("email") DESC, "a" COLLATE NOCASE) WHERE "status" != 'x (y)';"#,
        );
        assert_eq!(i.columns, vec!["lower(email)", "a"]);
        assert_eq!(i.predicate.as_deref(), Some("status != 'x (y)'"));
        assert_eq!(
            parse_create_index("CREATE INDEX ix ON t (a)").predicate,
            None
        );
    }
}
