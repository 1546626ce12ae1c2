//! The net effect of a migration, object by object.
//!
//! `upgrade()` then `downgrade()` must leave every table, column, index,
//! constraint, enum type and table's rows the migration touches as it found them.
//! This module runs both op lists over a *symbolic* schema: nothing is known
//! about the database beforehand, and every op teaches something about what was
//! there (a `create_index` says the index was absent; a `drop_column` with its
//! definition says what the column looked like; `existing_type` says what the
//! type was). After both lists have run, each object the migration touched is
//! compared with what was learned about it. What the text cannot prove (an
//! `alter_column` without `existing_*`, a `drop_table` without definition,
//! opaque `execute`/`run`) is accepted and left to `verify` and the stairway test.
//!
//! The same pass reports ops that cannot apply given what is known (dropping an
//! index twice, indexing a column the table does not have) and the safety lints.

use crate::model::*;
use crate::schema::{constraint_uses_column, index_uses_column};
use std::collections::BTreeMap;
use std::fmt;

/// Which op list a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// `upgrade()`.
    Upgrade,
    /// `downgrade()`, written or derived.
    Downgrade,
}

/// Safety lints: errors unless allowed per op or per migration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lint {
    /// `add_column(... nullable = false)` without `server_default` on a table the
    /// migration did not create: fails as soon as the table has a row.
    NotNullWithoutDefault,
    /// `drop_table` / `drop_column` of an existing object in `upgrade()`: data loss.
    Destructive,
    /// A unique index with `postgresql_where` but no `sqlite_where` (or the
    /// other way round): a full unique index on the other database, which
    /// refuses rows the first accepts.
    OneDatabasePredicate,
}

impl Lint {
    /// The name used in `allow(...)`.
    pub fn name(self) -> &'static str {
        match self {
            Lint::NotNullWithoutDefault => "not_null_without_default",
            Lint::Destructive => "destructive",
            Lint::OneDatabasePredicate => "one_database_predicate",
        }
    }

    /// Every lint, for parsing `allow(...)`.
    pub const ALL: [Lint; 3] = [
        Lint::NotNullWithoutDefault,
        Lint::Destructive,
        Lint::OneDatabasePredicate,
    ];

    /// Parses a lint name.
    pub fn parse(s: &str) -> Option<Lint> {
        Self::ALL.into_iter().find(|l| l.name() == s)
    }
}

/// What kind of problem a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingKind {
    /// The downgrade leaves an object behind or does not restore it.
    Existence,
    /// An object is restored with a different definition.
    Definition,
    /// An op cannot apply to the schema as the earlier ops left it.
    CannotApply,
    /// A safety lint.
    Lint(Lint),
    /// A value `add_enum_value` added earlier in the same op list is used:
    /// PostgreSQL cannot use it before the transaction that adds it commits.
    NewEnumValueUsed,
}

/// One problem, located on an op.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What kind of problem it is.
    pub kind: FindingKind,
    /// The op list it is in.
    pub side: Side,
    /// Index of the op in its list.
    pub op: usize,
    /// The sub-object the finding is about, when the op defines several
    /// (a column of `create_table`).
    pub object: Option<String>,
    /// The argument that differs (`type`, `columns`, `ondelete`, ...).
    pub field: Option<&'static str>,
    /// What is wrong, in the compile error's words.
    pub message: String,
    /// What to do, for the error's `help:` line.
    pub help: Option<String>,
}

/// Runs `upgrade` then `downgrade` symbolically and reports every finding.
pub fn analyze(upgrade: &[Op], downgrade: &[Op]) -> Vec<Finding> {
    let mut sim = Sim::default();
    for (i, op) in upgrade.iter().enumerate() {
        sim.apply(Side::Upgrade, i, op);
    }
    // The downgrade runs in a transaction of its own.
    sim.new_enum_values.clear();
    for (i, op) in downgrade.iter().enumerate() {
        sim.apply(Side::Downgrade, i, op);
    }
    sim.finish()
}

// ---------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Table(TableRef),
    Column(TableRef, Str),
    Index(Option<Str>, Str),
    Constraint(TableRef, Str),
    Enum(Option<Str>, Str),
    Rows(TableRef),
}

impl Key {
    fn table(&self) -> Option<&TableRef> {
        match self {
            Key::Column(t, _) | Key::Constraint(t, _) | Key::Rows(t) => Some(t),
            _ => None,
        }
    }

    fn reparent(&self, t: &TableRef) -> Key {
        match self {
            Key::Column(_, c) => Key::Column(t.clone(), c.clone()),
            Key::Constraint(_, c) => Key::Constraint(t.clone(), c.clone()),
            Key::Rows(_) => Key::Rows(t.clone()),
            other => other.clone(),
        }
    }

    fn short_name(&self) -> Option<String> {
        match self {
            Key::Column(_, n) | Key::Constraint(_, n) | Key::Index(_, n) | Key::Enum(_, n) => {
                Some(n.to_string())
            }
            Key::Table(_) | Key::Rows(_) => None,
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Table(t) => write!(f, "table `{t}`"),
            Key::Column(t, c) => write!(f, "column `{t}.{c}`"),
            Key::Index(_, n) => write!(f, "index `{n}`"),
            Key::Constraint(t, n) => write!(f, "constraint `{n}` on `{t}`"),
            Key::Enum(_, n) => write!(f, "enum type `{n}`"),
            Key::Rows(t) => write!(f, "the rows of `{t}`"),
        }
    }
}

/// Attribute name to value; `None` is "changed, to a value the text does not say".
type Attrs = BTreeMap<&'static str, Option<Attr>>;

/// An attribute's value, compared as data and shown as an op would write it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Attr {
    /// A value as the op writes it: a type, a flag, a default, normalised SQL.
    Text(String),
    /// Columns or enum values, in order: shown `["a", "b"]`.
    List(Vec<String>),
}

impl From<String> for Attr {
    fn from(text: String) -> Attr {
        Attr::Text(text)
    }
}

impl fmt::Display for Attr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Attr::Text(t) => f.write_str(t),
            Attr::List(items) => {
                let inner = items
                    .iter()
                    .map(|s| format!("\"{s}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                write!(f, "[{inner}]")
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum State {
    /// Whatever was at this key (or at another key, after a rename) before the
    /// migration, unchanged.
    Orig(Key),
    Absent,
    /// Present with these attributes; the others are those of the original
    /// object `rest`, or unknown when `rest` is `None` (created by an op).
    Present {
        attrs: Attrs,
        rest: Option<Key>,
    },
}

type At = (Side, usize);

#[derive(Clone, Debug)]
struct Slot {
    /// What was learned about the original object at this key.
    base_exists: Option<bool>,
    base: BTreeMap<&'static str, Attr>,
    cur: State,
    /// For indexes: the table they belong to.
    parent: Option<TableRef>,
    /// For indexes and constraints: the columns they cover now.
    columns: Vec<Str>,
    created_by: Option<At>,
    removed_by: Option<At>,
    attr_by: BTreeMap<&'static str, At>,
}

#[derive(Default)]
struct Sim {
    slots: BTreeMap<Key, Slot>,
    /// Columns dropped so far, per table: the database dropped with them the
    /// indexes and constraints that used them, which may be ones this
    /// migration never names.
    dropped_columns: BTreeMap<TableRef, Vec<Str>>,
    findings: Vec<Finding>,
    opaque_seen: bool,
    any_opaque: bool,
    at: Option<At>,
    /// Values `add_enum_value` added in the op list being run, with their
    /// enum type's name.
    new_enum_values: Vec<(Str, Str)>,
}

enum Expect {
    Present,
    Absent,
}

impl Sim {
    fn at(&self) -> At {
        self.at.expect("set by apply")
    }

    /// The slot for `key`, materialised from its table's state when new.
    fn slot(&mut self, key: &Key) -> &mut Slot {
        if !self.slots.contains_key(key) {
            let parent = key.table().cloned();
            let (cur, base_exists) = match &parent {
                None => (State::Orig(key.clone()), None),
                Some(t) => {
                    let table_key = Key::Table(t.clone());
                    let table = self.slot(&table_key).clone();
                    match &table.cur {
                        State::Orig(k) | State::Present { rest: Some(k), .. } => {
                            let orig_table = match k {
                                Key::Table(t) => t.clone(),
                                _ => t.clone(),
                            };
                            let base = (table.base_exists == Some(false)).then_some(false);
                            (State::Orig(key.reparent(&orig_table)), base)
                        }
                        State::Absent | State::Present { rest: None, .. } => {
                            let base = (table.base_exists == Some(false)).then_some(false);
                            (State::Absent, base)
                        }
                    }
                }
            };
            self.slots.insert(
                key.clone(),
                Slot {
                    base_exists,
                    base: BTreeMap::new(),
                    cur,
                    parent,
                    columns: Vec::new(),
                    created_by: None,
                    removed_by: None,
                    attr_by: BTreeMap::new(),
                },
            );
        }
        self.slots.get_mut(key).expect("inserted above")
    }

    fn cannot_apply(&mut self, object: Option<String>, message: String, help: Option<String>) {
        self.cannot_apply_at(object, None, message, help)
    }

    fn cannot_apply_at(
        &mut self,
        object: Option<String>,
        field: Option<&'static str>,
        message: String,
        help: Option<String>,
    ) {
        if self.opaque_seen {
            // An `execute` or `run` earlier may have made it right.
            return;
        }
        let (side, op) = self.at();
        self.findings.push(Finding {
            kind: FindingKind::CannotApply,
            side,
            op,
            object,
            field,
            message,
            help,
        });
    }

    fn lint(&mut self, lint: Lint, object: Option<String>, message: String, help: String) {
        let (side, op) = self.at();
        self.findings.push(Finding {
            kind: FindingKind::Lint(lint),
            side,
            op,
            object,
            field: None,
            message,
            help: Some(help),
        });
    }

    /// Checks that `key` is present or absent as the op needs, learning about
    /// the original object when it has not been touched yet. Returns whether
    /// the op may go on.
    fn expect(&mut self, key: &Key, expect: Expect) -> bool {
        let cur = self.slot(key).cur.clone();
        match (cur, expect) {
            (State::Orig(k), Expect::Present) => {
                let s = self.slot(&k);
                if s.base_exists == Some(false) {
                    self.cannot_apply(
                        key.short_name(),
                        format!("{key} does not exist at this point"),
                        None,
                    );
                    return false;
                }
                s.base_exists = Some(true);
                true
            }
            (State::Orig(k), Expect::Absent) => {
                let s = self.slot(&k);
                if s.base_exists == Some(true) {
                    self.cannot_apply(key.short_name(), format!("{key} already exists"), None);
                    return false;
                }
                s.base_exists = Some(false);
                true
            }
            (State::Present { .. }, Expect::Present) | (State::Absent, Expect::Absent) => true,
            (State::Absent, Expect::Present) => {
                let removed = self.slot(key).removed_by;
                let why = match removed {
                    Some((side, _)) => format!(
                        "{key} does not exist at this point: an earlier op in {} removes it",
                        side_fn(side)
                    ),
                    None => format!("{key} does not exist at this point"),
                };
                self.cannot_apply(key.short_name(), why, None);
                false
            }
            (State::Present { .. }, Expect::Absent) => {
                self.cannot_apply(
                    key.short_name(),
                    format!("{key} already exists at this point"),
                    None,
                );
                false
            }
        }
    }

    /// Records what the op states about the original object's attribute
    /// (a `drop_*` with its definition, or an `existing_*`).
    fn learn(&mut self, key: &Key, name: &'static str, value: impl Into<Attr>) {
        let value = value.into();
        let cur = self.slot(key).cur.clone();
        let orig = match cur {
            State::Orig(k) => Some(k),
            State::Present { attrs, rest } if !attrs.contains_key(name) => rest,
            _ => None,
        };
        if let Some(k) = orig {
            self.slot(&k).base.entry(name).or_insert(value);
        }
    }

    fn learn_all(&mut self, key: &Key, attrs: &[(&'static str, Attr)]) {
        for (n, v) in attrs {
            self.learn(key, n, v.clone());
        }
    }

    /// Whether an untouched index or constraint may have gone with a column an
    /// earlier op dropped: then what was there before cannot be known.
    fn maybe_dropped_with_a_column(
        &mut self,
        key: &Key,
        table: &TableRef,
        uses: impl Fn(&str) -> bool,
    ) -> bool {
        let Some(dropped) = self.dropped_columns.get(table) else {
            return false;
        };
        let involved = dropped.iter().any(|d| uses(d));
        involved && matches!(self.slot(key).cur, State::Orig(_))
    }

    /// `create`, for an object whose earlier state is unknown (see
    /// [`Sim::maybe_dropped_with_a_column`]): nothing is learned about it.
    fn recreate(&mut self, key: &Key, attrs: Vec<(&'static str, Attr)>, columns: Vec<Str>) {
        let at = self.at();
        let s = self.slot(key);
        s.cur = State::Present {
            attrs: attrs.into_iter().map(|(k, v)| (k, Some(v))).collect(),
            rest: None,
        };
        s.columns = columns;
        s.created_by = Some(at);
        s.attr_by.clear();
    }

    fn create(&mut self, key: &Key, attrs: Vec<(&'static str, Attr)>, columns: Vec<Str>) {
        if !self.expect(key, Expect::Absent) {
            return;
        }
        let at = self.at();
        let s = self.slot(key);
        s.cur = State::Present {
            attrs: attrs.into_iter().map(|(k, v)| (k, Some(v))).collect(),
            rest: None,
        };
        s.columns = columns;
        s.created_by = Some(at);
        s.attr_by.clear();
    }

    fn remove(&mut self, key: &Key, stated: &[(&'static str, Attr)]) -> bool {
        if !self.expect(key, Expect::Present) {
            return false;
        }
        self.learn_all(key, stated);
        let at = self.at();
        let s = self.slot(key);
        s.cur = State::Absent;
        s.removed_by = Some(at);
        true
    }

    /// Changes one attribute of a present object.
    fn set_attr(&mut self, key: &Key, name: &'static str, value: Option<Attr>) {
        let at = self.at();
        let s = self.slot(key);
        match &mut s.cur {
            State::Orig(k) => {
                let k = k.clone();
                s.cur = State::Present {
                    attrs: BTreeMap::from([(name, value)]),
                    rest: Some(k),
                };
            }
            State::Present { attrs, .. } => {
                attrs.insert(name, value);
            }
            State::Absent => return,
        }
        s.attr_by.insert(name, at);
    }

    fn attr(&self, key: &Key, name: &str) -> Option<Attr> {
        match &self.slots.get(key)?.cur {
            State::Present { attrs, .. } => attrs.get(name).cloned().flatten(),
            _ => None,
        }
    }

    /// Keys of the tracked objects that belong to `table` (indexes by parent).
    fn children(&self, table: &TableRef) -> Vec<Key> {
        self.slots
            .iter()
            .filter(|(k, s)| match k {
                Key::Index(..) => s.parent.as_ref() == Some(table),
                other => other.table() == Some(table),
            })
            .map(|(k, _)| k.clone())
            .collect()
    }

    fn is_fresh(&mut self, table: &TableRef) -> bool {
        matches!(
            self.slot(&Key::Table(table.clone())).cur,
            State::Present { rest: None, .. }
        )
    }

    fn is_original(&mut self, key: &Key) -> bool {
        matches!(self.slot(key).cur, State::Orig(_))
    }

    /// A column an index or constraint covers: known absent is an error,
    /// untouched teaches that it existed.
    fn require_column(
        &mut self,
        table: &TableRef,
        column: &Str,
        field: &'static str,
        what: &str,
    ) -> bool {
        let key = Key::Column(table.clone(), column.clone());
        let absent = match self.slot(&key).cur.clone() {
            State::Absent => true,
            State::Orig(k) => self.slot(&k).base_exists == Some(false),
            State::Present { .. } => false,
        };
        if absent {
            self.cannot_apply_at(
                Some(column.to_string()),
                Some(field),
                format!(
                    "{what} covers column `{table}.{column}`, which does not exist at this point"
                ),
                Some(format!(
                    "check the name, or add the column to `{}` first",
                    table.name
                )),
            );
            return false;
        }
        self.expect(&key, Expect::Present)
    }

    /// The columns of `table` this migration knows to be there (all of them
    /// for a table it creates).
    fn known_columns(&self, table: &TableRef) -> Vec<Str> {
        self.slots
            .iter()
            .filter_map(|(k, slot)| match k {
                Key::Column(t, c) if t == table && !matches!(slot.cur, State::Absent) => {
                    Some(c.clone())
                }
                _ => None,
            })
            .collect()
    }

    fn table_exists(&mut self, table: &TableRef) -> bool {
        self.expect(&Key::Table(table.clone()), Expect::Present)
    }

    // -- ops ----------------------------------------------------------------

    fn apply(&mut self, side: Side, index: usize, op: &Op) {
        self.at = Some((side, index));
        if !self.new_enum_values.is_empty() {
            self.new_enum_value_uses(op);
        }
        match op {
            Op::CreateTable(t) => self.create_table(t),
            Op::DropTable { table, definition } => self.drop_table(table, definition.as_ref()),
            Op::RenameTable { schema, old, new } => self.rename_table(
                &TableRef::in_schema(schema, old),
                &TableRef::in_schema(schema, new),
            ),
            Op::AddColumn { table, column } => {
                if !self.table_exists(table) {
                    return;
                }
                if side == Side::Upgrade
                    && !column.nullable
                    && column.server_default.is_none()
                    && !column.primary_key
                    && !self.is_fresh(table)
                {
                    self.lint(
                        Lint::NotNullWithoutDefault,
                        Some(column.name.to_string()),
                        format!(
                            "adding NOT NULL column `{}.{}` without a `server_default` fails as soon as `{}` has a row",
                            table, column.name, table.name
                        ),
                        "give it a `server_default`, or add it `nullable = true`, backfill, then `alter_column(nullable = false)` in a later migration; if the table is known to be empty, add `allow(not_null_without_default)`".into(),
                    );
                }
                self.add_column(table, column);
            }
            Op::DropColumn {
                table,
                column,
                definition,
            } => self.drop_column(table, column, definition.as_ref()),
            Op::AlterColumn(a) => self.alter_column(a),
            Op::CreateIndex(i) => self.create_index(i),
            Op::DropIndex {
                table,
                name,
                definition,
            } => {
                let key = Key::Index(table.schema.clone(), name.clone());
                if self.slots.get(&key).is_none_or(|s| s.parent.is_none()) {
                    self.slot(&key).parent = Some(table.clone());
                }
                let stated = definition.as_ref().map(index_attrs).unwrap_or_default();
                self.remove(&key, &stated);
            }
            Op::AddConstraint { table, constraint } => {
                if self.table_exists(table) {
                    self.add_constraint(table, constraint);
                }
            }
            Op::DropConstraint {
                table,
                name,
                kind,
                definition,
            } => {
                let key = Key::Constraint(table.clone(), name.clone());
                let mut stated = vec![("type", kind.alembic_name().to_string().into())];
                if let Some(c) = definition {
                    stated.extend(constraint_attrs(c));
                }
                self.remove(&key, &stated);
            }
            Op::CreateEnum(e) => self.create(&enum_key(e), enum_attrs(e), Vec::new()),
            Op::DropEnum {
                schema,
                name,
                definition,
            } => {
                let key = Key::Enum(schema.clone(), name.clone());
                if let Some(user) = self.enum_user(name) {
                    self.cannot_apply(
                        Some(name.to_string()),
                        format!("enum type `{name}` is still used by {user} at this point"),
                        Some("drop the table or column that uses it first".into()),
                    );
                    return;
                }
                let stated = definition.as_ref().map(enum_attrs).unwrap_or_default();
                self.remove(&key, &stated);
            }
            Op::AddEnumValue {
                schema,
                name,
                value,
                ..
            } => {
                self.new_enum_values.push((name.clone(), value.clone()));
                let key = Key::Enum(schema.clone(), name.clone());
                if self.expect(&key, Expect::Present) {
                    let values = match self.attr(&key, "values") {
                        Some(Attr::List(mut values)) => {
                            values.push(value.to_string());
                            Some(Attr::List(values))
                        }
                        _ => None,
                    };
                    self.set_attr(&key, "values", values);
                }
            }
            Op::SetTableComment {
                table,
                comment,
                existing,
            } => {
                let key = Key::Table(table.clone());
                if self.expect(&key, Expect::Present) {
                    if let Some(prev) = existing {
                        self.learn(&key, "comment", opt_str(prev.as_deref()));
                    }
                    self.set_attr(&key, "comment", Some(opt_str(comment.as_deref()).into()));
                }
            }
            Op::BulkInsert { table, rows } => {
                if !self.table_exists(table) {
                    return;
                }
                let mut unknown = false;
                for (i, row) in rows.iter().enumerate() {
                    for (col, _) in row.values.iter() {
                        let key = Key::Column(table.clone(), col.clone());
                        if matches!(self.slot(&key).cur, State::Absent) {
                            let columns = self.known_columns(table);
                            let help = crate::suggest::nearest(col, columns.iter().map(|c| &**c))
                                .map(|c| format!("did you mean `{c}`?"));
                            self.cannot_apply_at(
                                Some(format!("rows[{i}].{col}")),
                                Some("key"),
                                format!("`bulk_insert` sets column `{col}`, which `{table}` does not have at this point"),
                                help,
                            );
                            unknown = true;
                        }
                    }
                }
                if unknown {
                    return;
                }
                let key = Key::Rows(table.clone());
                let at = self.at();
                let s = self.slot(&key);
                if s.created_by.is_none() {
                    s.created_by = Some(at);
                }
                self.set_attr(&key, "rows", None);
            }
            Op::Execute(_) | Op::Run { .. } => {
                self.opaque_seen = true;
                self.any_opaque = true;
            }
        }
    }

    /// Rule: a value `add_enum_value` added earlier in this op list cannot be
    /// used by a later op, wherever the op data shows it: PostgreSQL refuses
    /// ("unsafe use of new value") until the migration commits, which SQLite
    /// does not, so only a deploy on PostgreSQL would find it. Where the
    /// column's type is not known from this migration, a value equal to the
    /// new one counts as a use: moving it to the next migration is harmless.
    fn new_enum_value_uses(&mut self, op: &Op) {
        let mut uses: Vec<(Option<String>, Option<&'static str>, String, usize)> = Vec::new();
        let quoted = |v: &Str| format!("'{}'", v.replace('\'', "''"));
        let in_sql = |sql: &str, uses: &mut Vec<_>, object: Option<String>, field, what: String| {
            for (n, (_, v)) in self.new_enum_values.iter().enumerate() {
                if sql.contains(&quoted(v)) {
                    uses.push((object.clone(), field, what.clone(), n));
                }
            }
        };
        // A column of enum type `enum`, or of a type the text does not say.
        let may_be = |ty: Option<&str>, e: &str| ty.is_none_or(|t| t == enum_marker(e));
        let in_default = |d: &ServerDefault,
                          ty: Option<&str>,
                          uses: &mut Vec<_>,
                          object: Option<String>,
                          what: String| {
            for (n, (e, v)) in self.new_enum_values.iter().enumerate() {
                let used = match d {
                    ServerDefault::Literal(l) => l == v && may_be(ty, e),
                    ServerDefault::Sql(sql) => sql.contains(&quoted(v)),
                    _ => false,
                };
                if used {
                    uses.push((object.clone(), Some("server_default"), what.clone(), n));
                }
            }
        };
        let column = |table: &TableRef, c: &Column, uses: &mut Vec<_>| {
            if let (Some(d), ColumnType::Enum(_)) = (&c.server_default, &c.ty) {
                let ty = c.ty.to_string();
                let what = format!("the `server_default` of `{table}.{}`", c.name);
                in_default(d, Some(&ty), uses, Some(c.name.to_string()), what);
            }
        };
        let check = |table: &TableRef, c: &Constraint, uses: &mut Vec<_>| {
            if let ConstraintKind::Check { condition } = &c.kind {
                let what = format!("check constraint `{}` on `{table}`", c.name);
                in_sql(
                    condition,
                    uses,
                    Some(c.name.to_string()),
                    Some("condition"),
                    what,
                );
            }
        };
        match op {
            Op::BulkInsert { table, rows } => {
                for (i, row) in rows.iter().enumerate() {
                    for (col, value) in row.values.iter() {
                        let Value::Text(text) = value else { continue };
                        let ty = self.known_attr(&Key::Column(table.clone(), col.clone()), "type");
                        for (n, (e, v)) in self.new_enum_values.iter().enumerate() {
                            if text == v && may_be(ty.as_deref(), e) {
                                let what = format!("`bulk_insert` into `{table}.{col}`");
                                uses.push((Some(format!("rows[{i}].{col}")), None, what, n));
                            }
                        }
                    }
                }
            }
            Op::CreateTable(t) => {
                for c in t.columns.iter() {
                    column(&t.table, c, &mut uses);
                }
                for c in t.constraints.iter() {
                    check(&t.table, c, &mut uses);
                }
            }
            Op::AddColumn { table, column: c } => column(table, c, &mut uses),
            Op::AddConstraint { table, constraint } => check(table, constraint, &mut uses),
            Op::AlterColumn(a) => {
                let what = format!("the `server_default` of `{}.{}`", a.table, a.column);
                if let Some(Some(d)) = &a.server_default {
                    let ty = match a.ty.as_ref().or(a.existing_type.as_ref()) {
                        Some(t) => Some(t.to_string()),
                        None => {
                            self.known_attr(&Key::Column(a.table.clone(), a.column.clone()), "type")
                        }
                    };
                    in_default(d, ty.as_deref(), &mut uses, None, what);
                }
                if let Some(using) = &a.using {
                    let what = format!("the `postgresql_using` of `{}.{}`", a.table, a.column);
                    in_sql(using, &mut uses, None, Some("using"), what);
                }
            }
            Op::CreateIndex(i) => {
                for (option, p) in i.predicates() {
                    in_sql(
                        p,
                        &mut uses,
                        None,
                        Some(option),
                        format!("the predicate of index `{}`", i.name),
                    );
                }
                for c in i.columns.iter() {
                    if let IndexColumn::Expression(e) = c {
                        in_sql(
                            e,
                            &mut uses,
                            None,
                            Some("columns"),
                            format!("an expression of index `{}`", i.name),
                        );
                    }
                }
            }
            _ => {}
        }
        let (side, op) = self.at();
        for (object, field, what, n) in uses {
            let (e, v) = &self.new_enum_values[n];
            self.findings.push(Finding {
                kind: FindingKind::NewEnumValueUsed,
                side,
                op,
                object,
                field,
                message: format!(
                    "{what} uses {v:?}, a value of enum type `{e}` that `add_enum_value` adds earlier in this {}; PostgreSQL cannot use a new enum value before the transaction that adds it commits",
                    match side { Side::Upgrade => "upgrade()", Side::Downgrade => "downgrade()" },
                ),
                help: Some("move this op to a later migration: each migration commits before the next one runs (`execute` SQL is not checked for this)".into()),
            });
        }
    }

    /// An attribute of the object at `key` as far as this migration knows
    /// it: set by an op, or learned about the original (`existing_type`).
    fn known_attr(&self, key: &Key, name: &str) -> Option<String> {
        let s = self.slots.get(key)?;
        let base = |k: &Key| self.slots.get(k)?.base.get(name).cloned();
        let value = match &s.cur {
            State::Present { attrs, rest } => match attrs.get(name) {
                Some(v) => v.clone(),
                None => rest.as_ref().and_then(base),
            },
            State::Orig(k) => base(k),
            State::Absent => None,
        };
        value.map(|v| v.to_string())
    }

    /// A column created by this migration that still has the enum type `name`.
    fn enum_user(&self, name: &str) -> Option<Key> {
        let marker = Attr::Text(enum_marker(name));
        self.slots.iter().find_map(|(k, s)| match (k, &s.cur) {
            (Key::Column(..), State::Present { attrs, .. }) => {
                (attrs.get("type") == Some(&Some(marker.clone()))).then(|| k.clone())
            }
            _ => None,
        })
    }

    fn create_table(&mut self, t: &Table) {
        let key = Key::Table(t.table.clone());
        if !self.expect(&key, Expect::Absent) {
            return;
        }
        // Children of a table that was absent: learn that they were absent too.
        for child in table_children(t) {
            self.create(&child.key, child.attrs, child.columns);
            if let Some(p) = child.parent {
                self.slot(&child.key).parent = Some(p);
            }
        }
        for e in t.owned_enums() {
            self.create(&enum_key(e), enum_attrs(e), Vec::new());
        }
        for c in t.columns.iter() {
            self.use_enum(&t.table, c);
        }
        let rows = Key::Rows(t.table.clone());
        self.slot(&rows);
        let at = self.at();
        let s = self.slot(&key);
        s.cur = State::Present {
            attrs: BTreeMap::from([("comment", Some(opt_str(t.comment.as_deref()).into()))]),
            rest: None,
        };
        s.created_by = Some(at);
        let r = self.slot(&rows);
        r.cur = State::Absent;
    }

    fn drop_table(&mut self, table: &TableRef, definition: Option<&Table>) {
        let key = Key::Table(table.clone());
        let original = self.is_original(&key);
        if !self.expect(&key, Expect::Present) {
            return;
        }
        if self.at().0 == Side::Upgrade && original {
            self.lint(
                Lint::Destructive,
                None,
                format!("`drop_table` deletes table `{table}` and every row in it"),
                "if that is intended, add `allow(destructive)` to this op or to the migration"
                    .into(),
            );
        }
        if let Some(t) = definition {
            self.learn(&key, "comment", opt_str(t.comment.as_deref()));
            for child in table_children(t) {
                if self.expect(&child.key, Expect::Present) {
                    self.learn_all(&child.key, &child.attrs);
                }
            }
            for e in t.owned_enums() {
                self.remove(&enum_key(e), &enum_attrs(e));
            }
        }
        let at = self.at();
        for child in self.children(table) {
            let s = self.slot(&child);
            if !matches!(s.cur, State::Absent) {
                s.cur = State::Absent;
                s.removed_by = Some(at);
            }
        }
        // Untracked children were there and go with the table; note that the
        // table's rows, at least, are gone.
        let rows = Key::Rows(table.clone());
        let r = self.slot(&rows);
        if !matches!(r.cur, State::Absent) {
            r.cur = State::Absent;
            r.removed_by = Some(at);
        }
        let s = self.slot(&key);
        s.cur = State::Absent;
        s.removed_by = Some(at);
    }

    fn rename_table(&mut self, old: &TableRef, new: &TableRef) {
        let old_key = Key::Table(old.clone());
        let new_key = Key::Table(new.clone());
        if !self.expect(&old_key, Expect::Present) || !self.expect(&new_key, Expect::Absent) {
            return;
        }
        let at = self.at();
        let moved = self.slot(&old_key).cur.clone();
        for child in self.children(old) {
            let cur = std::mem::replace(&mut self.slot(&child).cur, State::Absent);
            self.slot(&child).removed_by = Some(at);
            match &child {
                Key::Index(..) => {
                    let s = self.slot(&child);
                    s.cur = cur;
                    s.parent = Some(new.clone());
                }
                other => {
                    let target = other.reparent(new);
                    self.slot(&target).cur = cur;
                }
            }
        }
        let n = self.slot(&new_key);
        n.cur = moved;
        n.created_by = Some(at);
        let o = self.slot(&old_key);
        o.cur = State::Absent;
        o.removed_by = Some(at);
    }

    /// A column of an enum type made elsewhere (`create_type = false`): the type
    /// must exist, with the values the column lists.
    fn use_enum(&mut self, table: &TableRef, column: &Column) {
        let ColumnType::Enum(e) = &column.ty else {
            return;
        };
        if e.create_type {
            return;
        }
        let key = enum_key(e);
        let listed = list(&e.values);
        match self.slot(&key).cur.clone() {
            State::Absent => self.cannot_apply_at(
                Some(column.name.to_string()),
                Some("type"),
                format!("column `{table}.{}` uses enum type `{}` with `create_type = false`, but the type does not exist at this point", column.name, e.name),
                Some(format!("create it first with `create_enum(\"{}\", [...])`, or drop `create_type = false`", e.name)),
            ),
            State::Present { attrs, .. } => {
                if let Some(Some(values)) = attrs.get("values") {
                    if *values != listed {
                        self.cannot_apply_at(
                            Some(column.name.to_string()),
                            Some("type"),
                            format!("column `{table}.{}` lists the values {listed} for enum type `{}`, which has {values}", column.name, e.name),
                            Some("list the same values: on SQLite they become the column's CHECK constraint".into()),
                        );
                    }
                }
            }
            State::Orig(_) => {
                self.expect(&key, Expect::Present);
                self.learn(&key, "values", listed);
            }
        }
    }

    fn add_column(&mut self, table: &TableRef, column: &Column) {
        self.use_enum(table, column);
        let key = Key::Column(table.clone(), column.name.clone());
        self.create(&key, column_attrs(column), Vec::new());
        for child in column_children(table, column) {
            // The column may have been dropped, by name, with these in it.
            let covered = |d: &str| child.columns.iter().any(|c| c == d);
            if self.maybe_dropped_with_a_column(&child.key, table, covered) {
                self.recreate(&child.key, child.attrs, child.columns);
            } else {
                self.create(&child.key, child.attrs, child.columns);
            }
            if let Some(p) = child.parent {
                self.slot(&child.key).parent = Some(p);
            }
        }
        if let ColumnType::Enum(e) = &column.ty {
            if e.create_type {
                self.create(&enum_key(e), enum_attrs(e), Vec::new());
            }
        }
    }

    fn drop_column(&mut self, table: &TableRef, column: &Str, definition: Option<&Column>) {
        if !self.table_exists(table) {
            return;
        }
        let key = Key::Column(table.clone(), column.clone());
        let original = self.is_original(&key);
        let stated = definition.map(column_attrs).unwrap_or_default();
        if !self.remove(&key, &stated) {
            return;
        }
        if self.at().0 == Side::Upgrade && original {
            self.lint(
                Lint::Destructive,
                Some(column.to_string()),
                format!("`drop_column` deletes column `{table}.{column}` and its data"),
                "if that is intended, add `allow(destructive)` to this op or to the migration"
                    .into(),
            );
        }
        if let Some(c) = definition {
            if let ColumnType::Enum(e) = &c.ty {
                if e.create_type {
                    self.remove(&enum_key(e), &enum_attrs(e));
                }
            }
            // What the definition says covers the column (its inline unique
            // constraint, foreign key, index) existed and goes with it, even
            // when an earlier migration created it: the undoing `add_column`
            // then restores it rather than leaving something new behind.
            for child in column_children(table, c) {
                if self
                    .slots
                    .get(&child.key)
                    .is_some_and(|s| matches!(s.cur, State::Absent))
                {
                    continue;
                }
                if let Some(p) = child.parent {
                    self.slot(&child.key).parent = Some(p);
                }
                self.remove(&child.key, &child.attrs);
                self.slot(&child.key).columns = child.columns;
            }
        }
        self.dropped_columns
            .entry(table.clone())
            .or_default()
            .push(column.clone());
        // The database drops the indexes and constraints that cover the column.
        let at = self.at();
        for child in self.children(table) {
            if matches!(child, Key::Index(..) | Key::Constraint(..)) {
                let s = self.slot(&child);
                if s.columns.iter().any(|c| c == column) && !matches!(s.cur, State::Absent) {
                    s.cur = State::Absent;
                    s.removed_by = Some(at);
                }
            }
        }
    }

    fn alter_column(&mut self, a: &AlterColumn) {
        let key = Key::Column(a.table.clone(), a.column.clone());
        if !self.table_exists(&a.table) || !self.expect(&key, Expect::Present) {
            return;
        }
        if let Some(t) = &a.existing_type {
            self.learn(&key, "type", t.to_string());
        }
        if let Some(n) = a.existing_nullable {
            self.learn(&key, "nullable", n.to_string());
        }
        if let Some(d) = &a.existing_server_default {
            self.learn(&key, "server_default", opt_default(d.as_ref()));
        }
        if let Some(c) = &a.existing_comment {
            self.learn(&key, "comment", opt_str(c.as_deref()));
        }
        if let Some(t) = &a.ty {
            self.set_attr(&key, "type", Some(t.to_string().into()));
        }
        if let Some(n) = a.nullable {
            self.set_attr(&key, "nullable", Some(n.to_string().into()));
        }
        if let Some(d) = &a.server_default {
            self.set_attr(&key, "server_default", Some(opt_default(d.as_ref()).into()));
        }
        if let Some(c) = &a.comment {
            self.set_attr(&key, "comment", Some(opt_str(c.as_deref()).into()));
        }
        if let Some(new_name) = &a.new_name {
            let new_key = Key::Column(a.table.clone(), new_name.clone());
            if !self.expect(&new_key, Expect::Absent) {
                return;
            }
            let at = self.at();
            let cur = std::mem::replace(&mut self.slot(&key).cur, State::Absent);
            self.slot(&key).removed_by = Some(at);
            let n = self.slot(&new_key);
            n.cur = cur;
            n.created_by = Some(at);
            for child in self.children(&a.table) {
                let s = self.slot(&child);
                let mut touched = false;
                for c in s.columns.iter_mut() {
                    if *c == a.column {
                        *c = new_name.clone();
                        touched = true;
                    }
                }
                if touched {
                    let cols = list(&s.columns);
                    self.set_attr(&child, "columns", Some(cols));
                }
            }
        }
    }

    fn create_index(&mut self, i: &Index) {
        if !self.table_exists(&i.table) {
            return;
        }
        if self.at().0 == Side::Upgrade && i.unique {
            let one = match (&i.postgresql_where, &i.sqlite_where) {
                (Some(_), None) => {
                    Some(("postgresql_where", "PostgreSQL", "sqlite_where", "SQLite"))
                }
                (None, Some(_)) => {
                    Some(("sqlite_where", "SQLite", "postgresql_where", "PostgreSQL"))
                }
                _ => None,
            };
            if let Some((given, there, missing, other)) = one {
                self.lint(
                    Lint::OneDatabasePredicate,
                    Some(i.name.to_string()),
                    format!(
                        "unique index `{}` is partial on {there} only (`{given}`): on {other} it is a full unique index, which refuses rows {there} accepts",
                        i.name
                    ),
                    format!(
                        "give `{missing}` the same predicate (an applied migration's checksum stays as it is), or add `allow(one_database_predicate)` if the project runs on {there} only"
                    ),
                );
            }
        }
        for c in i.column_names() {
            if !self.require_column(&i.table, c, "columns", "the index") {
                return;
            }
        }
        let key = Key::Index(i.table.schema.clone(), i.name.clone());
        let cols: Vec<Str> = i.column_names().cloned().collect();
        if self.maybe_dropped_with_a_column(&key, &i.table, |d| index_uses_column(i, d)) {
            self.recreate(&key, index_attrs(i), cols);
        } else {
            self.create(&key, index_attrs(i), cols);
        }
        self.slot(&key).parent = Some(i.table.clone());
    }

    fn add_constraint(&mut self, table: &TableRef, c: &Constraint) {
        for col in c.kind.columns() {
            if !self.require_column(table, col, "columns", "the constraint") {
                return;
            }
        }
        if let ConstraintKind::ForeignKey(fk) = &c.kind {
            let referent = Key::Table(fk.referent.clone());
            if fk.referent != *table && !self.expect(&referent, Expect::Present) {
                return;
            }
        }
        let key = Key::Constraint(table.clone(), c.name.clone());
        let cols = c.kind.columns().to_vec();
        if self.maybe_dropped_with_a_column(&key, table, |d| constraint_uses_column(c, d)) {
            self.recreate(&key, constraint_attrs(c), cols);
        } else {
            self.create(&key, constraint_attrs(c), cols);
        }
    }

    // -- the comparison --------------------------------------------------------

    fn finish(mut self) -> Vec<Finding> {
        if self
            .findings
            .iter()
            .any(|f| f.kind == FindingKind::CannotApply)
        {
            // The comparison would only echo the op that could not apply.
            return self.findings;
        }
        let slots = std::mem::take(&mut self.slots);
        let mut reported_tables: Vec<TableRef> = Vec::new();
        for (key, slot) in &slots {
            if let Key::Table(t) = key {
                let before = self.findings.len();
                self.compare(key, slot, &slots);
                if self.findings[before..]
                    .iter()
                    .any(|f| f.kind == FindingKind::Existence)
                {
                    reported_tables.push(t.clone());
                }
            }
        }
        for (key, slot) in &slots {
            let parent = match key {
                Key::Table(_) => continue,
                Key::Index(..) => slot.parent.as_ref(),
                other => other.table(),
            };
            if parent.is_some_and(|t| reported_tables.contains(t)) {
                // Said once for the table.
                continue;
            }
            self.compare(key, slot, &slots);
        }
        self.findings
    }

    fn compare(&mut self, key: &Key, slot: &Slot, slots: &BTreeMap<Key, Slot>) {
        match &slot.cur {
            State::Orig(k) if k == key => {}
            State::Orig(k) => {
                if slot.base_exists == Some(false) {
                    let at = slot.created_by.unwrap_or((Side::Downgrade, 0));
                    self.existence(
                        at,
                        key,
                        format!(
                            "after downgrade() {k} is left under the name of {key}, which did not exist before upgrade()"
                        ),
                        Some(rename_back_help(key, k)),
                    );
                }
            }
            State::Absent => {
                // Renamed and not renamed back: said once, at the new name,
                // with the rename that keeps the data (not a re-created,
                // empty object).
                let lives_on = slots.values().any(|other| {
                    matches!(&other.cur, State::Orig(k) if k == key)
                        && other.base_exists == Some(false)
                });
                if slot.base_exists == Some(true) && !lives_on {
                    let at = slot.removed_by.unwrap_or((Side::Upgrade, 0));
                    let msg = match at.0 {
                        Side::Upgrade => format!(
                            "downgrade() does not restore {key}, which upgrade() removes here"
                        ),
                        Side::Downgrade => {
                            format!("downgrade() removes {key}, which existed before upgrade()")
                        }
                    };
                    self.existence(at, key, msg, Some(restore_help(key)));
                }
            }
            State::Present { attrs, rest } => {
                if let Key::Rows(t) = key {
                    let at = slot.created_by.unwrap_or((Side::Upgrade, 0));
                    self.existence(
                        at,
                        key,
                        format!("downgrade() does not undo this `bulk_insert`: the rows it inserts stay in `{t}`"),
                        Some("delete them in downgrade(), e.g. `op!(execute(\"DELETE FROM ... WHERE ...\"))`".into()),
                    );
                    return;
                }
                if slot.base_exists == Some(false) {
                    let at = slot.created_by.unwrap_or((Side::Upgrade, 0));
                    let msg = match at.0 {
                        Side::Upgrade => {
                            format!("downgrade() leaves {key} behind: upgrade() creates it here and downgrade() never removes it")
                        }
                        Side::Downgrade => {
                            format!("downgrade() leaves {key} behind: it did not exist before upgrade()")
                        }
                    };
                    self.existence(at, key, msg, Some(remove_help(key, slot)));
                    return;
                }
                // What the original object was: learned at this key, or at the
                // key it was renamed from.
                let base = match rest {
                    Some(k) if k != key => slots.get(k).map(|s| &s.base).unwrap_or(&slot.base),
                    _ => &slot.base,
                };
                for (name, value) in attrs {
                    let (Some(value), Some(before)) = (value, base.get(name)) else {
                        continue;
                    };
                    if value != before {
                        let at = slot
                            .attr_by
                            .get(name)
                            .copied()
                            .or(slot.created_by)
                            .unwrap_or((Side::Downgrade, 0));
                        self.findings.push(Finding {
                            kind: FindingKind::Definition,
                            side: at.0,
                            op: at.1,
                            object: key.short_name(),
                            field: Some(name),
                            message: format!(
                                "downgrade() does not restore {key} as it was: its {} {} {value} here, but before upgrade() {} {before}",
                                describe(name),
                                if plural(name) { "are" } else { "is" },
                                if plural(name) { "they were" } else { "it was" },
                            ),
                            help: Some(format!("make it {before}, as upgrade() states")),
                        });
                    }
                }
            }
        }
    }

    fn existence(&mut self, at: At, key: &Key, message: String, help: Option<String>) {
        if self.any_opaque {
            // `execute`/`run` may create or remove it; the stairway test checks.
            return;
        }
        self.findings.push(Finding {
            kind: FindingKind::Existence,
            side: at.0,
            op: at.1,
            object: key.short_name(),
            field: None,
            message,
            help,
        });
    }
}

fn side_fn(side: Side) -> &'static str {
    match side {
        Side::Upgrade => "upgrade()",
        Side::Downgrade => "downgrade()",
    }
}

fn plural(attr: &str) -> bool {
    matches!(attr, "columns" | "referent_columns" | "values")
}

fn describe(attr: &str) -> &str {
    match attr {
        "server_default" => "server_default",
        "ondelete" => "ondelete",
        "onupdate" => "onupdate",
        "referent_columns" => "referenced columns",
        "referent" => "referenced table",
        other => other,
    }
}

/// How to give the object now at `now` its name `before` back.
fn rename_back_help(now: &Key, before: &Key) -> String {
    match (now, before) {
        (Key::Column(t, c), Key::Column(_, b)) => format!(
            "rename it back in downgrade(): `op!(alter_column(\"{}\", \"{c}\", new_column_name = \"{b}\"))`",
            t.name
        ),
        (Key::Table(t), Key::Table(b)) => format!(
            "rename it back in downgrade(): `op!(rename_table(\"{}\", \"{}\"))`",
            t.name, b.name
        ),
        _ => "rename it back in downgrade()".into(),
    }
}

fn restore_help(key: &Key) -> String {
    match key {
        Key::Table(t) => format!(
            "re-create it in downgrade() with `create_table(\"{}\", ...)`",
            t.name
        ),
        Key::Column(t, c) => format!(
            "re-add it in downgrade(): `add_column(\"{}\", Column(\"{c}\", ...))`",
            t.name
        ),
        Key::Index(_, n) => format!("re-create it in downgrade(): `create_index(\"{n}\", ...)`"),
        Key::Constraint(_, n) => format!("re-create constraint `{n}` in downgrade()"),
        Key::Enum(_, n) => format!("re-create it in downgrade(): `create_enum(\"{n}\", [...])`"),
        Key::Rows(_) => "restore the rows in downgrade()".into(),
    }
}

fn remove_help(key: &Key, slot: &Slot) -> String {
    match key {
        Key::Table(t) => format!("add `op!(drop_table(\"{}\"))` to downgrade()", t.name),
        Key::Column(t, c) => format!(
            "add `op!(drop_column(\"{}\", \"{c}\"))` to downgrade()",
            t.name
        ),
        Key::Index(_, n) => {
            let table = slot
                .parent
                .as_ref()
                .map(|t| t.name.to_string())
                .unwrap_or_default();
            format!("add `op!(drop_index(\"{n}\", table_name = \"{table}\"))` to downgrade()")
        }
        Key::Constraint(t, n) => {
            let ty = match &slot.cur {
                State::Present { attrs, .. } => attrs
                    .get("type")
                    .cloned()
                    .flatten()
                    .map(|t| t.to_string())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            format!(
                "add `op!(drop_constraint(\"{n}\", \"{}\", type_ = \"{ty}\"))` to downgrade()",
                t.name
            )
        }
        Key::Enum(_, n) => {
            format!("add `op!(drop_enum(\"{n}\"))` to downgrade(), after the tables that use it")
        }
        Key::Rows(_) => String::new(),
    }
}

// -- attributes -----------------------------------------------------------------

fn opt_str(s: Option<&str>) -> String {
    match s {
        Some(s) => format!("{s:?}"),
        None => "None".into(),
    }
}

fn opt_default(d: Option<&ServerDefault>) -> String {
    match d {
        Some(d) => d.to_string(),
        None => "None".into(),
    }
}

fn list<S: fmt::Display>(items: &[S]) -> Attr {
    Attr::List(items.iter().map(ToString::to_string).collect())
}

fn action(a: Option<ReferentialAction>) -> String {
    match a {
        Some(a) => format!("\"{}\"", a.sql()),
        None => "not set".into(),
    }
}

fn column_attrs(c: &Column) -> Vec<(&'static str, Attr)> {
    vec![
        ("type", c.ty.to_string().into()),
        ("nullable", c.nullable.to_string().into()),
        (
            "server_default",
            opt_default(c.server_default.as_ref()).into(),
        ),
        ("comment", opt_str(c.comment.as_deref()).into()),
    ]
}

fn index_attrs(i: &Index) -> Vec<(&'static str, Attr)> {
    vec![
        ("columns", list(&i.columns)),
        ("unique", i.unique.to_string().into()),
        (
            "postgresql_where",
            opt_sql(i.postgresql_where.as_deref()).into(),
        ),
        ("sqlite_where", opt_sql(i.sqlite_where.as_deref()).into()),
        ("method", opt_str(i.method.as_deref()).into()),
    ]
}

fn opt_sql(sql: Option<&str>) -> String {
    match sql {
        Some(p) => format!("{:?}", crate::checksum::normalize_sql(p)),
        None => "None".into(),
    }
}

fn constraint_attrs(c: &Constraint) -> Vec<(&'static str, Attr)> {
    let mut attrs = vec![(
        "type",
        c.kind.constraint_type().alembic_name().to_string().into(),
    )];
    match &c.kind {
        ConstraintKind::PrimaryKey { columns } | ConstraintKind::Unique { columns } => {
            attrs.push(("columns", list(columns)));
        }
        ConstraintKind::Check { condition } => {
            attrs.push((
                "condition",
                format!("{:?}", crate::checksum::normalize_sql(condition)).into(),
            ));
        }
        ConstraintKind::ForeignKey(fk) => {
            attrs.push(("columns", list(&fk.columns)));
            attrs.push(("referent", format!("\"{}\"", fk.referent).into()));
            attrs.push(("referent_columns", list(&fk.referent_columns)));
            attrs.push(("ondelete", action(fk.on_delete).into()));
            attrs.push(("onupdate", action(fk.on_update).into()));
            attrs.push((
                "deferrable",
                fk.deferrable
                    .map(|b| b.to_string())
                    .unwrap_or("not set".into())
                    .into(),
            ));
            attrs.push((
                "initially",
                Attr::Text(
                    match fk.initially_deferred {
                        Some(true) => "\"DEFERRED\"",
                        Some(false) => "\"IMMEDIATE\"",
                        None => "not set",
                    }
                    .into(),
                ),
            ));
        }
    }
    attrs
}

/// How a column's `type` attribute reads for the enum type `name`.
fn enum_marker(name: &str) -> String {
    ColumnType::Enum(EnumType {
        schema: None,
        name: name.to_owned().into(),
        values: Default::default(),
        create_type: false,
    })
    .to_string()
}

fn enum_key(e: &EnumType) -> Key {
    Key::Enum(e.schema.clone(), e.name.clone())
}

fn enum_attrs(e: &EnumType) -> Vec<(&'static str, Attr)> {
    vec![("values", list(&e.values))]
}

struct Child {
    key: Key,
    attrs: Vec<(&'static str, Attr)>,
    columns: Vec<Str>,
    parent: Option<TableRef>,
}

/// The inline index, unique constraint and foreign key of a column.
fn column_children(table: &TableRef, c: &Column) -> Vec<Child> {
    let mut out = Vec::new();
    if let Some(name) = &c.unique {
        let constraint = Constraint {
            name: name.clone(),
            kind: ConstraintKind::Unique {
                columns: vec![c.name.clone()].into(),
            },
        };
        out.push(Child {
            key: Key::Constraint(table.clone(), name.clone()),
            attrs: constraint_attrs(&constraint),
            columns: vec![c.name.clone()],
            parent: None,
        });
    }
    if let Some(fk) = &c.foreign_key {
        let constraint = Constraint {
            name: fk.name.clone(),
            kind: ConstraintKind::ForeignKey(ForeignKey {
                columns: vec![c.name.clone()].into(),
                referent: fk.referent.clone(),
                referent_columns: vec![fk.referent_column.clone()].into(),
                on_delete: fk.on_delete,
                on_update: fk.on_update,
                deferrable: None,
                initially_deferred: None,
            }),
        };
        out.push(Child {
            key: Key::Constraint(table.clone(), fk.name.clone()),
            attrs: constraint_attrs(&constraint),
            columns: vec![c.name.clone()],
            parent: None,
        });
    }
    if let Some(name) = &c.index {
        let index = Index {
            name: name.clone(),
            table: table.clone(),
            columns: vec![IndexColumn::Column(c.name.clone())].into(),
            unique: false,
            postgresql_where: None,
            sqlite_where: None,
            method: None,
            concurrently: false,
        };
        out.push(Child {
            key: Key::Index(table.schema.clone(), name.clone()),
            attrs: index_attrs(&index),
            columns: vec![c.name.clone()],
            parent: Some(table.clone()),
        });
    }
    out
}

/// Every object `create_table` creates besides the table itself.
fn table_children(t: &Table) -> Vec<Child> {
    let mut out = Vec::new();
    for c in t.columns.iter() {
        out.push(Child {
            key: Key::Column(t.table.clone(), c.name.clone()),
            attrs: column_attrs(c),
            columns: Vec::new(),
            parent: None,
        });
    }
    for c in t.columns.iter() {
        out.extend(column_children(&t.table, c));
    }
    for c in t.constraints.iter() {
        out.push(Child {
            key: Key::Constraint(t.table.clone(), c.name.clone()),
            attrs: constraint_attrs(c),
            columns: c.kind.columns().to_vec(),
            parent: None,
        });
    }
    out
}
