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

use crate::{Dialect, Error, MigrationConnection};
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
    /// The database it was read from (none for an empty snapshot).
    dialect: Option<Dialect>,
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
    /// Its comment (PostgreSQL, MySQL).
    pub comment: Option<String>,
}

/// One column.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ColumnSnapshot {
    /// Its name.
    pub name: String,
    /// Its type: PostgreSQL's `format_type` (`character varying(50)`,
    /// `numeric(10,2)`), SQLite's declared type, upper-cased (`VARCHAR(50)`), MySQL's
    /// `COLUMN_TYPE` (`varchar(50)`, `enum('a','b')`; `json` for MariaDB's JSON).
    pub data_type: String,
    /// Whether it accepts NULL.
    pub nullable: bool,
    /// Its default expression as the server reports it; for identity and
    /// generated columns, `GENERATED ... AS IDENTITY` or
    /// `GENERATED ALWAYS AS (expression) STORED`; MySQL's auto-increment
    /// column, `AUTO_INCREMENT`.
    pub default: Option<String>,
    /// Its comment (PostgreSQL, MySQL).
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
        conn.dialect().backend().capture(&mut conn)
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
    /// column's identity or default is compared, a serial's `nextval(...)`
    /// without the name of the sequence it owns), and without two forms
    /// of one default: a default is compared as the model reads it back
    /// on its column ([`reflect`](crate::schema::reflect)), so that
    /// PostgreSQL's `'0'::smallint` on a column a migration made `integer`
    /// is the `0` of a column created `integer` (the server keeps a
    /// default's expression when its column's type changes). For `check`
    /// and the testing toolkit's stairway and model checks.
    pub fn diff_schema(&self, other: &Snapshot) -> Vec<Difference> {
        fn compared(s: &Snapshot) -> Snapshot {
            let mut s = s.clone();
            for t in s.tables.values_mut() {
                t.columns.sort_by(|a, b| a.name.cmp(&b.name));
            }
            let owned = std::mem::take(&mut s.owned_sequences);
            s.sequences.retain(|q| !owned.contains(q));
            // A serial's default names its sequence: compared as "its own".
            for c in s.tables.values_mut().flat_map(|t| t.columns.iter_mut()) {
                let seq = c
                    .default
                    .as_deref()
                    .and_then(|d| d.strip_prefix("nextval('")?.strip_suffix("'::regclass)"));
                if seq.is_some_and(|q| owned.contains(q)) {
                    c.default = Some("nextval(<the sequence it owns>)".into());
                }
            }
            s
        }
        let mut out = compared(self).diff(&compared(other));
        out.retain(|d| !self.same_default(other, d));
        out
    }

    /// Whether `d` is a default in two forms that read back as the same
    /// model default, each on its own column.
    fn same_default(&self, other: &Snapshot, d: &Difference) -> bool {
        let Difference::OptionalText {
            object: Object::Column { table, column },
            field: Field::Default,
            before: Some(before),
            after: Some(after),
        } = d
        else {
            return false;
        };
        let (Some(dialect), true) = (self.dialect, self.dialect == other.dialect) else {
            return false;
        };
        let backend = dialect.backend();
        let read = |s: &Snapshot, default: &str| {
            let c = s.table(table)?.column(column)?;
            let ty = backend.column_type(&c.data_type, &[]).ok()?;
            Some(backend.server_default(default, &ty))
        };
        matches!((read(self, before), read(other, after)), (Some(x), Some(y)) if x == y)
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
    pub(crate) fn new(name: String) -> TableSnapshot {
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
// capture: each backend reads its database (`backend/*/introspect.rs`)

impl From<crate::backend::capture::Captured> for Snapshot {
    fn from(c: crate::backend::capture::Captured) -> Snapshot {
        Snapshot {
            dialect: Some(c.dialect),
            tables: c.tables,
            enums: c.enums,
            sequences: c.sequences,
            owned_sequences: c.owned_sequences,
            views: c.views,
            triggers: c.triggers,
        }
    }
}
