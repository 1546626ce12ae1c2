//! The planner: the differences `check` finds between the model of the
//! migrations (current) and a live database (target, reflected) become ops
//! in an order that applies, each carrying what its inverse needs.
//!
//! The differences say *what* changed (they are read from two snapshots,
//! so both sides are spelt by the server); the two models say *how* each
//! object is defined, so the ops carry whole definitions. Objects are
//! matched by name; a SQLite constraint without a name is matched by its
//! kind and what it covers.

use crate::ops::*;
use crate::schema::{Schema, TableModel};
use migrate_core::difference::{Difference, Field, Object};
use migrate_core::naming;
use std::collections::{BTreeMap, BTreeSet};

/// The ops that take the current schema to the target, in an order that
/// applies, and what they cannot express.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// The ops, in order.
    pub ops: Vec<Planned>,
    /// Differences no op expresses (views, triggers, sequences, enum values
    /// removed or reordered, ...) and suggestions (a possible rename), one
    /// line each: to be shown, never dropped.
    pub notes: Vec<String>,
}

/// One planned op.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    /// The op, with what its inverse needs.
    pub op: Op,
    /// Why it loses data (`drop_table`, `drop_column`, a narrowing type
    /// change), for `allow(destructive)` and a `// review:` comment.
    pub destructive: Option<String>,
}

impl Plan {
    /// Whether there is nothing to do and nothing to report.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty() && self.notes.is_empty()
    }

    /// The ops alone, in order.
    pub fn upgrade(&self) -> Vec<Op> {
        self.ops.iter().map(|p| p.op.clone()).collect()
    }

    /// The derived downgrade (fails only for what has no inverse, as
    /// `add_enum_value`).
    pub fn downgrade(&self) -> Result<Vec<Op>, Vec<migrate_core::inverse::NotInvertible>> {
        migrate_core::inverse::invert(&self.upgrade())
    }
}

// ---- model values: built here only, so constructors can replace them.

fn alter(table: &TableRef, current: &Column) -> AlterColumn {
    AlterColumn::new(
        table.clone(),
        current.name.clone(),
        None,
        None,
        None,
        None,
        None,
        Some(plain_type(&current.ty)),
        Some(current.nullable),
        Some(current.server_default.clone()),
        Some(current.comment.clone()),
        None,
    )
}

fn constraint(name: Str, kind: ConstraintKind) -> Constraint {
    Constraint::new(name, kind)
}

fn inline_foreign_key(column: &Str, fk: &InlineForeignKey) -> ForeignKey {
    ForeignKey::new(
        vec![column.clone()].into(),
        fk.referent.clone(),
        vec![fk.referent_column.clone()].into(),
        fk.on_delete,
        fk.on_update,
        None,
        None,
    )
}

/// A column type whose enum type is created and dropped by its own ops.
fn plain_type(ty: &ColumnType) -> ColumnType {
    match ty {
        ColumnType::Enum(e) => {
            let mut e = e.clone();
            e.create_type = false;
            ColumnType::Enum(e)
        }
        other => other.clone(),
    }
}

/// A column as `add_column`/`drop_column`/`create_table` carry it: its
/// index, unique constraint and foreign key are ops of their own.
fn bare(c: &Column) -> Column {
    let mut c = c.clone();
    c.ty = plain_type(&c.ty);
    c.index = None;
    c.unique = None;
    c.foreign_key = None;
    c
}

/// Every named constraint of a table, the columns' inline ones included.
pub(super) fn constraints(t: &TableModel) -> Vec<Constraint> {
    let mut out = t.constraints.clone();
    for c in &t.columns {
        if let Some(u) = &c.unique {
            let columns = vec![c.name.clone()].into();
            out.push(constraint(u.clone(), ConstraintKind::Unique { columns }));
        }
        if let Some(fk) = &c.foreign_key {
            let kind = ConstraintKind::ForeignKey(inline_foreign_key(&c.name, fk));
            out.push(constraint(fk.name.clone(), kind));
        }
    }
    out
}

/// A table's definition for `create_table`/`drop_table`, without the
/// foreign keys `deferred` names (added or dropped apart, for a cycle).
fn definition(t: &TableModel, deferred: &BTreeSet<Str>) -> Table {
    let mut def = t.definition();
    def.columns = t.columns.iter().map(bare).collect::<Vec<_>>().into();
    def.constraints = constraints(t)
        .into_iter()
        .filter(|c| !deferred.contains(&c.name))
        .collect::<Vec<_>>()
        .into();
    def
}

fn drop_constraint_op(table: &TableRef, c: &Constraint) -> Op {
    Op::DropConstraint {
        table: table.clone(),
        name: c.name.clone(),
        kind: c.kind.constraint_type(),
        definition: Some(c.clone()),
    }
}

fn drop_index_op(i: &Index) -> Op {
    Op::DropIndex {
        table: i.table.clone(),
        name: i.name.clone(),
        definition: Some(i.clone()),
    }
}

fn referents(c: &Constraint) -> Option<&TableRef> {
    match &c.kind {
        ConstraintKind::ForeignKey(fk) => Some(&fk.referent),
        _ => None,
    }
}

fn table_ref(name: &str) -> TableRef {
    match name.split_once('.') {
        Some((schema, name)) => {
            TableRef::new(Some(schema.to_string().into()), name.to_string().into())
        }
        None => TableRef::new(None, name.to_string().into()),
    }
}

/// Creation order of `tables` (those of `model` named): every table after
/// those it references among them; a cycle is broken by leaving foreign
/// keys out of the definition, to be added after every table exists.
fn creation_order<'a>(
    model: &'a Schema,
    tables: &BTreeSet<TableRef>,
) -> (Vec<&'a TableModel>, BTreeSet<Str>) {
    let mut order = Vec::new();
    let mut deferred = BTreeSet::new();
    let mut done: BTreeSet<&TableRef> = BTreeSet::new();
    let models: Vec<&TableModel> = tables.iter().filter_map(|t| model.table(t)).collect();
    while done.len() < models.len() {
        let waits_on = |t: &TableModel, done: &BTreeSet<&TableRef>, deferred: &BTreeSet<Str>| {
            constraints(t).iter().any(|c| {
                !deferred.contains(&c.name)
                    && referents(c)
                        .is_some_and(|r| *r != t.table && tables.contains(r) && !done.contains(r))
            })
        };
        let ready: Vec<&TableModel> = models
            .iter()
            .copied()
            .filter(|t| !done.contains(&t.table) && !waits_on(t, &done, &deferred))
            .collect();
        match ready.is_empty() {
            false => {
                for t in ready {
                    done.insert(&t.table);
                    order.push(t);
                }
            }
            true => {
                // A cycle: the first waiting table goes without the keys it
                // waits on.
                let t = models
                    .iter()
                    .find(|t| !done.contains(&t.table))
                    .expect("a table is left");
                for c in constraints(t) {
                    if referents(&c)
                        .is_some_and(|r| *r != t.table && tables.contains(r) && !done.contains(r))
                    {
                        deferred.insert(c.name.clone());
                    }
                }
            }
        }
    }
    (order, deferred)
}

/// A type change that may not keep every value.
fn narrowing(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType::*;
    let rank = |t: &ColumnType| match t {
        SmallInteger => Some(1),
        Integer => Some(2),
        BigInteger => Some(3),
        _ => None,
    };
    match (from, to) {
        (a, b) if a == b => false,
        (String(Some(a)), String(Some(b))) => b < a,
        (String(_), String(None) | Text) | (Text, String(None)) => false,
        (Float, Double) => false,
        (
            Numeric {
                precision: Some(p),
                scale: s,
            },
            Numeric {
                precision: q,
                scale: t,
            },
        ) => q.is_some_and(|q| q < *p) || t.unwrap_or(0) < s.unwrap_or(0),
        (
            Numeric { .. },
            Numeric {
                precision: None, ..
            },
        ) => false,
        (Enum(a), Enum(b)) => !a.values.iter().all(|v| b.values.contains(v)),
        (a, b) => match (rank(a), rank(b)) {
            (Some(x), Some(y)) => y < x,
            _ => true,
        },
    }
}

/// A constraint type, ordered (by its Alembic name) for a map key.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Kind(ConstraintType);

impl PartialOrd for Kind {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Kind {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.alembic_name().cmp(other.0.alembic_name())
    }
}

/// Whether PostgreSQL converts a column from one type to the other
/// without a `USING` expression (within numbers, within text, or to text).
fn convertible(from: &ColumnType, to: &ColumnType) -> bool {
    use ColumnType::*;
    let family = |t: &ColumnType| match t {
        SmallInteger | Integer | BigInteger | Numeric { .. } | Float | Double => 1,
        String(_) | Text => 2,
        DateTime { .. } | Date => 3,
        Json | Jsonb => 4,
        _ => 0,
    };
    from == to
        || matches!(to, String(None) | Text)
        || (family(from) != 0 && family(from) == family(to))
        || matches!((from, to), (Enum(_), Enum(_)))
}

/// Which objects differ, read from the differences.
#[derive(Default)]
struct Changes {
    tables_added: BTreeSet<TableRef>,
    tables_dropped: BTreeSet<TableRef>,
    columns_added: BTreeMap<TableRef, Vec<Str>>,
    columns_dropped: BTreeMap<TableRef, Vec<Str>>,
    columns_altered: BTreeMap<(TableRef, Str), BTreeSet<Field>>,
    primary_keys: BTreeSet<TableRef>,
    /// Indexes changed, added or dropped, by table: the names.
    indexes: BTreeMap<TableRef, BTreeSet<String>>,
    /// Constraints (unique, check, foreign key) by table and kind: the
    /// names as the snapshot gives them.
    constraints: BTreeMap<(TableRef, Kind), BTreeSet<String>>,
    table_comments: BTreeSet<TableRef>,
    enums_added: BTreeSet<String>,
    enums_dropped: BTreeSet<String>,
    enum_values: BTreeMap<String, (Vec<String>, Vec<String>)>,
}

/// The ops that take `current` (the model of the migrations at head) to
/// `target` (the live database, reflected), for the `differences` between
/// them as [`Migrator::check`](crate::Migrator::check) reports them (the
/// model's side first). Order: enum types created and values added; foreign
/// keys, then indexes and other constraints dropped; tables dropped (those
/// that reference others first); columns dropped, altered, added; tables
/// created (referenced ones first; a cycle's keys added at the end);
/// primary keys, unique and check constraints, indexes; foreign keys;
/// enum types dropped. A changed index or constraint is dropped and
/// created again. Equal inputs give equal plans.
///
/// With an empty `current` (a baseline) it recreates the whole target:
/// the ops [`Schema::create_ops`] gives, but for tables whose foreign keys
/// form a cycle too, and with each enum type, unique constraint, foreign
/// key and index an op of its own, so that the downgrade is derived.
///
/// Each `drop_*` carries the definition it removes, each `alter_column`
/// every `existing_*`, a table comment the one it replaces: the downgrade
/// is [`migrate_core::inverse::invert`]'s ([`Plan::downgrade`]); only
/// `add_enum_value` has none. A column dropped and one of the same type
/// added in a table is a note suggesting `alter_column(new_column_name =
/// ...)`: a rename is never guessed.
pub fn plan(current: &Schema, target: &Schema, differences: &[Difference]) -> Plan {
    let mut changes = Changes::default();
    let mut notes = Vec::new();
    for d in differences {
        classify(d, current, target, &mut changes, &mut notes);
    }
    let mut out = Vec::new();
    let push = |out: &mut Vec<Planned>, op: Op| {
        out.push(Planned {
            op,
            destructive: None,
        })
    };
    let enum_values = |s: &Schema, name: &str| -> Option<Vec<Str>> {
        let (_, n) = split(name);
        s.enums().find(|(e, _)| **e == *n).map(|(_, v)| v.to_vec())
    };

    // 1. Enum types created, values added.
    for name in &changes.enums_added {
        if let Some(values) = enum_values(target, name) {
            push(&mut out, Op::CreateEnum(enum_type(name, values)));
        }
    }
    for (name, (before, after)) in &changes.enum_values {
        let (schema, n) = split(name);
        let mut is_append = true;
        let mut rest = before.iter().peekable();
        for v in after {
            if rest.peek() == Some(&v) {
                rest.next();
            } else if before.contains(v) {
                is_append = false;
            }
        }
        if !is_append || rest.next().is_some() {
            notes.push(format!(
                "enum type `{name}`: values {before:?} became {after:?}; only added values can be written (`add_enum_value`): removing or reordering values needs `execute`"
            ));
            continue;
        }
        for (i, v) in after.iter().enumerate() {
            if before.contains(v) {
                continue;
            }
            let placement = match i {
                0 => before
                    .first()
                    .map(|b| EnumPlacement::Before(b.clone().into())),
                _ => Some(EnumPlacement::After(after[i - 1].clone().into())),
            };
            push(
                &mut out,
                Op::AddEnumValue {
                    schema: schema.clone(),
                    name: n.clone(),
                    value: v.clone().into(),
                    placement,
                },
            );
        }
    }

    // The indexes and constraints of kept tables that go (or change).
    let kept = |t: &TableRef| current.table(t).is_some() && target.table(t).is_some();
    let mut drop_fks = Vec::new();
    let mut drop_others = Vec::new();
    let mut add_others = Vec::new();
    let mut add_fks = Vec::new();
    for ((t, Kind(kind)), names) in &changes.constraints {
        if !kept(t) {
            continue;
        }
        let (cur, tgt) = (
            current.table(t).expect("kept"),
            target.table(t).expect("kept"),
        );
        let (gone, new) = matched(cur, tgt, *kind, names);
        if names.iter().any(|n| n.starts_with("(unnamed)")) {
            for c in &new {
                notes.push(format!(
                    "`{t}`: the database keeps a {} constraint without a name; it is written as `{}`, the naming convention's name",
                    kind.alembic_name(),
                    c.name
                ));
            }
        }
        for c in gone {
            let op = drop_constraint_op(t, &c);
            match kind {
                ConstraintType::ForeignKey => drop_fks.push(op),
                _ => drop_others.push(op),
            }
        }
        for c in new {
            let op = Op::AddConstraint {
                table: t.clone(),
                constraint: c,
            };
            match kind {
                ConstraintType::ForeignKey => add_fks.push(op),
                _ => add_others.push(op),
            }
        }
    }
    for t in &changes.primary_keys {
        if !kept(t) {
            continue;
        }
        let pk = |m: &TableModel| {
            m.constraints
                .iter()
                .find(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. }))
                .cloned()
        };
        if let Some(c) = pk(current.table(t).expect("kept")) {
            drop_others.push(drop_constraint_op(t, &c));
        }
        if let Some(c) = pk(target.table(t).expect("kept")) {
            add_others.insert(
                0,
                Op::AddConstraint {
                    table: t.clone(),
                    constraint: c,
                },
            );
        }
    }
    let mut drop_indexes = Vec::new();
    let mut add_indexes = Vec::new();
    for (t, names) in &changes.indexes {
        if !kept(t) {
            continue;
        }
        for name in names {
            let find = |m: &Schema| {
                m.table(t)
                    .and_then(|m| m.indexes.iter().find(|i| i.name == **name).cloned())
            };
            if let Some(i) = find(current) {
                drop_indexes.push(drop_index_op(&i));
            }
            if let Some(i) = find(target) {
                add_indexes.push(Op::CreateIndex(i));
            }
        }
    }

    // 2. Foreign keys, then indexes and other constraints, dropped.
    for op in drop_fks.into_iter().chain(drop_indexes).chain(drop_others) {
        push(&mut out, op);
    }

    // 3. Tables dropped: those that reference others first.
    let (order, deferred) = creation_order(current, &changes.tables_dropped);
    for t in &order {
        for c in constraints(t).iter().filter(|c| deferred.contains(&c.name)) {
            push(&mut out, drop_constraint_op(&t.table, c));
        }
    }
    for t in order.iter().rev() {
        for i in t.indexes.iter() {
            push(&mut out, drop_index_op(i));
        }
        out.push(Planned {
            op: Op::DropTable {
                table: t.table.clone(),
                definition: Some(definition(t, &deferred)),
            },
            destructive: Some(format!("drops table `{}` and its rows", t.table)),
        });
    }

    // 4. Columns dropped, altered, added.
    for (t, columns) in &changes.columns_dropped {
        let Some(m) = current.table(t) else { continue };
        for name in columns {
            let Some(c) = m.column(name) else { continue };
            out.push(Planned {
                op: Op::DropColumn {
                    table: t.clone(),
                    column: c.name.clone(),
                    definition: Some(bare(c)),
                },
                destructive: Some(format!("drops column `{t}.{name}` and its values")),
            });
            let renamed = changes
                .columns_added
                .get(t)
                .into_iter()
                .flatten()
                .find(|a| {
                    target
                        .table(t)
                        .and_then(|m| m.column(a))
                        .is_some_and(|a| plain_type(&a.ty) == plain_type(&c.ty))
                });
            if let Some(new) = renamed {
                notes.push(format!(
                    "`{t}`: column `{name}` is dropped and `{new}` of the same type added; if it was renamed, write `alter_column(\"{}\", \"{name}\", new_column_name = \"{new}\")` instead, which keeps its values",
                    t.name
                ));
            }
        }
    }
    for ((t, name), fields) in &changes.columns_altered {
        let (Some(cur), Some(tgt)) = (
            current.table(t).and_then(|m| m.column(name)),
            target.table(t).and_then(|m| m.column(name)),
        ) else {
            continue;
        };
        let mut a = alter(t, cur);
        let mut destructive = None;
        if fields.contains(&Field::Type) && plain_type(&cur.ty) != plain_type(&tgt.ty) {
            a.ty = Some(match (&cur.ty, &tgt.ty) {
                // SQLite keeps no enum type name: the model's stays.
                (ColumnType::Enum(c), ColumnType::Enum(t)) => {
                    let mut e = c.clone();
                    e.values = t.values.clone();
                    plain_type(&ColumnType::Enum(e))
                }
                _ => plain_type(&tgt.ty),
            });
            if narrowing(&cur.ty, &tgt.ty) {
                destructive = Some(format!(
                    "changes `{t}.{name}` from {} to {}, which may not keep every value",
                    cur.ty, tgt.ty
                ));
            }
            if !convertible(&cur.ty, &tgt.ty) {
                notes.push(format!(
                    "column `{t}.{name}`: {} to {} has no implicit cast on PostgreSQL; give `postgresql_using = \"...\"` to the `alter_column`",
                    cur.ty, tgt.ty
                ));
            }
        }
        if fields.contains(&Field::Nullable) && cur.nullable != tgt.nullable {
            a.nullable = Some(tgt.nullable);
        }
        if fields.contains(&Field::Default) {
            if cur.autoincrement != tgt.autoincrement {
                notes.push(format!(
                    "column `{t}.{name}`: auto-increment (identity) {:?} vs {:?}: `alter_column` cannot change it; use `execute`",
                    cur.autoincrement, tgt.autoincrement
                ));
            } else if cur.server_default != tgt.server_default {
                a.server_default = Some(tgt.server_default.clone());
            }
        }
        if fields.contains(&Field::Comment) && cur.comment != tgt.comment {
            a.comment = Some(tgt.comment.clone());
        }
        if a.ty.is_none()
            && a.nullable.is_none()
            && a.server_default.is_none()
            && a.comment.is_none()
        {
            continue;
        }
        out.push(Planned {
            op: Op::AlterColumn(a),
            destructive,
        });
    }
    for (t, columns) in &changes.columns_added {
        let Some(m) = target.table(t) else { continue };
        for name in columns {
            if let Some(c) = m.column(name) {
                push(
                    &mut out,
                    Op::AddColumn {
                        table: t.clone(),
                        column: bare(c),
                    },
                );
            }
        }
    }

    // 5. Tables created, referenced ones first.
    let (order, deferred) = creation_order(target, &changes.tables_added);
    for t in &order {
        push(&mut out, Op::CreateTable(definition(t, &deferred)));
        for i in &t.indexes {
            push(&mut out, Op::CreateIndex(i.clone()));
        }
    }
    for t in &order {
        for c in constraints(t) {
            if deferred.contains(&c.name) {
                add_fks.push(Op::AddConstraint {
                    table: t.table.clone(),
                    constraint: c,
                });
            }
        }
    }

    // 6. Keys, constraints, indexes; foreign keys last.
    for op in add_others.into_iter().chain(add_indexes).chain(add_fks) {
        push(&mut out, op);
    }

    // 7. Table comments.
    for t in &changes.table_comments {
        let (Some(cur), Some(tgt)) = (current.table(t), target.table(t)) else {
            continue;
        };
        push(
            &mut out,
            Op::SetTableComment {
                table: t.clone(),
                comment: tgt.comment.clone(),
                existing: Some(cur.comment.clone()),
            },
        );
    }

    // 8. Enum types dropped, once nothing uses them.
    for name in &changes.enums_dropped {
        if let Some(values) = enum_values(current, name) {
            let e = enum_type(name, values);
            push(
                &mut out,
                Op::DropEnum {
                    schema: e.schema.clone(),
                    name: e.name.clone(),
                    definition: Some(e),
                },
            );
        }
    }
    // An enum type no `create_enum` makes (SQLite keeps none apart from
    // its columns) is made by the table or column that uses it.
    let known = |e: &EnumType| {
        current.enums().any(|(n, _)| *n == *e.name) || changes.enums_added.contains(&*e.name)
    };
    for p in &mut out {
        let columns: Vec<&mut Column> = match &mut p.op {
            Op::CreateTable(t) => t.columns.to_mut().iter_mut().collect(),
            Op::AddColumn { column, .. } => vec![column],
            _ => continue,
        };
        for c in columns {
            if let ColumnType::Enum(e) = &mut c.ty {
                e.create_type = !known(e);
            }
        }
    }
    Plan { ops: out, notes }
}

#[cfg(feature = "cli")]
/// The differences between two models ([`migrate_core::schema::diff`]'s),
/// one field each, as a database comparison gives them, so that [`plan`]
/// reads them alike: a column's type, nullability, default and comment
/// apart; each constraint (the columns' inline ones included), index and
/// enum type by name.
pub(crate) fn model_differences(current: &Schema, target: &Schema) -> Vec<Difference> {
    let mut out: Vec<Difference> = Vec::new();
    let mut push = |d: Difference| {
        if !out.contains(&d) {
            out.push(d);
        }
    };
    // An object on one side, the other, or both but different.
    let changed =
        |object: Object, before: Option<String>, after: Option<String>| match (before, after) {
            (Some(_), None) => Some(Difference::presence(object, true)),
            (None, Some(_)) => Some(Difference::presence(object, false)),
            (Some(b), Some(a)) if a != b => Some(Difference::Text {
                object,
                field: Field::Definition,
                before: b,
                after: a,
            }),
            _ => None,
        };
    let key = |s: &Schema, t: &TableRef| -> Vec<String> {
        s.table(t)
            .map(|m| {
                crate::print_schema::primary_key(m)
                    .into_iter()
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let key_change = |t: &TableRef| Difference::List {
        object: Object::PrimaryKey {
            table: t.to_string(),
        },
        field: Field::Columns,
        before: key(current, t),
        after: key(target, t),
    };
    for d in migrate_core::schema::diff(current, target) {
        match &d {
            Difference::Column {
                object,
                before,
                after,
            } => {
                if plain_type(&before.ty) != plain_type(&after.ty) {
                    push(Difference::Text {
                        object: object.clone(),
                        field: Field::Type,
                        before: before.ty.to_string(),
                        after: after.ty.to_string(),
                    });
                }
                if before.nullable != after.nullable {
                    push(Difference::Flag {
                        object: object.clone(),
                        field: Field::Nullable,
                        before: before.nullable,
                        after: after.nullable,
                    });
                }
                if before.server_default != after.server_default
                    || before.autoincrement != after.autoincrement
                {
                    let show = |c: &Column| c.server_default.as_ref().map(ToString::to_string);
                    push(Difference::OptionalText {
                        object: object.clone(),
                        field: Field::Default,
                        before: show(before),
                        after: show(after),
                    });
                }
                if before.comment != after.comment {
                    push(Difference::OptionalText {
                        object: object.clone(),
                        field: Field::Comment,
                        before: before.comment.as_deref().map(str::to_string),
                        after: after.comment.as_deref().map(str::to_string),
                    });
                }
                if let (true, Some(table)) =
                    (before.primary_key != after.primary_key, object.table())
                {
                    push(key_change(&table_ref(table)));
                }
            }
            // Below, with the columns' inline constraints.
            Difference::List {
                object: Object::Table(_),
                field: Field::Constraints,
                ..
            } => {}
            Difference::List {
                object: Object::Table(table),
                field: Field::Indexes,
                ..
            } => {
                let t = table_ref(table);
                let named = |s: &Schema| -> BTreeMap<String, String> {
                    s.table(&t)
                        .map(|m| {
                            m.indexes
                                .iter()
                                .map(|i| (i.name.to_string(), format!("{i:?}")))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                let (b, a) = (named(current), named(target));
                let names: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
                for name in names {
                    let object = Object::Index {
                        table: table.clone(),
                        name: name.clone(),
                    };
                    if let Some(d) = changed(object, b.get(name).cloned(), a.get(name).cloned()) {
                        push(d);
                    }
                }
            }
            Difference::List {
                object: Object::EnumTypes,
                ..
            } => {
                let values = |s: &Schema| -> BTreeMap<String, Vec<String>> {
                    s.enums()
                        .map(|(n, v)| (n.to_string(), v.iter().map(|v| v.to_string()).collect()))
                        .collect()
                };
                let (b, a) = (values(current), values(target));
                let names: BTreeSet<&String> = b.keys().chain(a.keys()).collect();
                for name in names {
                    let object = Object::EnumType(name.clone());
                    match (b.get(name), a.get(name)) {
                        (Some(_), None) => push(Difference::presence(object, true)),
                        (None, Some(_)) => push(Difference::presence(object, false)),
                        (Some(x), Some(y)) if x != y => push(Difference::List {
                            object,
                            field: Field::Values,
                            before: x.clone(),
                            after: y.clone(),
                        }),
                        _ => {}
                    }
                }
            }
            _ => push(d.clone()),
        }
    }
    // The constraints of the tables both have, by name.
    for cur in current.tables() {
        let Some(tgt) = target.table(&cur.table) else {
            continue;
        };
        let named = |m: &TableModel| -> BTreeMap<String, Constraint> {
            constraints(m)
                .into_iter()
                .map(|c| (c.name.to_string(), c))
                .collect()
        };
        let (b, a) = (named(cur), named(tgt));
        let table = cur.table.to_string();
        for name in b.keys().chain(a.keys()).collect::<BTreeSet<_>>() {
            let (x, y) = (b.get(name), a.get(name));
            if x == y {
                continue;
            }
            let object = match x.or(y).expect("one side has it").kind.constraint_type() {
                ConstraintType::PrimaryKey => {
                    push(key_change(&cur.table));
                    continue;
                }
                ConstraintType::Unique => Object::UniqueConstraint {
                    table: table.clone(),
                    name: name.clone(),
                },
                ConstraintType::Check => Object::CheckConstraint {
                    table: table.clone(),
                    name: name.clone(),
                },
                ConstraintType::ForeignKey => Object::ForeignKey {
                    table: table.clone(),
                    name: name.clone(),
                },
            };
            let show = |c: Option<&Constraint>| c.map(|c| format!("{:?}", c.kind));
            if let Some(d) = changed(object, show(x), show(y)) {
                push(d);
            }
        }
    }
    out
}

fn split(name: &str) -> (Option<Str>, Str) {
    let t = table_ref(name);
    (t.schema, t.name)
}

/// An enum type that `create_enum` makes.
fn enum_type(name: &str, values: Vec<Str>) -> EnumType {
    let (schema, name) = split(name);
    EnumType::new(schema, name, values.into(), true)
}

/// The constraints of one kind that go and come on a kept table, for the
/// names the differences give (a changed one goes and comes). SQLite's
/// unnamed constraints (`(unnamed) ...`) have no name to match: then every
/// constraint of that kind one side lacks (by name and definition) counts.
fn matched(
    cur: &TableModel,
    tgt: &TableModel,
    kind: ConstraintType,
    names: &BTreeSet<String>,
) -> (Vec<Constraint>, Vec<Constraint>) {
    let of_kind = |m: &TableModel| -> Vec<Constraint> {
        constraints(m)
            .into_iter()
            .filter(|c| c.kind.constraint_type() == kind)
            .collect()
    };
    let (cs, ts) = (of_kind(cur), of_kind(tgt));
    let unnamed = names.iter().any(|n| n.starts_with("(unnamed)"));
    let picked = |side: &[Constraint], other: &[Constraint]| -> Vec<Constraint> {
        side.iter()
            .filter(|c| names.contains(&*c.name) || (unnamed && !other.contains(c)))
            .cloned()
            .collect()
    };
    (picked(&cs, &ts), picked(&ts, &cs))
}

/// Files one difference under the change it asks for, or as a note.
fn classify(
    d: &Difference,
    current: &Schema,
    target: &Schema,
    changes: &mut Changes,
    notes: &mut Vec<String>,
) {
    let mut note = || notes.push(format!("not written as an op: {d}"));
    match (d.object(), d) {
        (Object::Table(t), Difference::Presence { before, .. }) => {
            let set = match before {
                true => &mut changes.tables_dropped,
                false => &mut changes.tables_added,
            };
            set.insert(table_ref(t));
        }
        (Object::Table(t), _) if d.field() == Field::Comment => {
            changes.table_comments.insert(table_ref(t));
        }
        (Object::Table(_), _) if d.field() == Field::ColumnOrder => {}
        (Object::Column { table, column }, Difference::Presence { before, .. }) => {
            let map = match before {
                true => &mut changes.columns_dropped,
                false => &mut changes.columns_added,
            };
            map.entry(table_ref(table))
                .or_default()
                .push(column.clone().into());
        }
        (Object::Column { table, column }, _)
            if matches!(
                d.field(),
                Field::Type | Field::Nullable | Field::Default | Field::Comment
            ) =>
        {
            changes
                .columns_altered
                .entry((table_ref(table), column.clone().into()))
                .or_default()
                .insert(d.field());
        }
        (Object::PrimaryKey { table }, _) => {
            changes.primary_keys.insert(table_ref(table));
        }
        (Object::Index { table, name }, _) => {
            changes
                .indexes
                .entry(table_ref(table))
                .or_default()
                .insert(name.clone());
        }
        (Object::CheckConstraint { table, name }, _)
            if enum_check(current, target, table, name).is_some() =>
        {
            // SQLite writes an enum column as a CHECK: its values changed.
            let column = enum_check(current, target, table, name).expect("checked");
            changes
                .columns_altered
                .entry((table_ref(table), column))
                .or_default()
                .insert(Field::Type);
        }
        (
            Object::UniqueConstraint { table, name }
            | Object::CheckConstraint { table, name }
            | Object::ForeignKey { table, name },
            _,
        ) => {
            let kind = match d.object() {
                Object::UniqueConstraint { .. } => ConstraintType::Unique,
                Object::CheckConstraint { .. } => ConstraintType::Check,
                _ => ConstraintType::ForeignKey,
            };
            changes
                .constraints
                .entry((table_ref(table), Kind(kind)))
                .or_default()
                .insert(name.clone());
        }
        (Object::EnumType(name), Difference::Presence { before, .. }) => {
            let set = match before {
                true => &mut changes.enums_dropped,
                false => &mut changes.enums_added,
            };
            set.insert(name.clone());
        }
        (
            Object::EnumType(name),
            Difference::List {
                field: Field::Values,
                before,
                after,
                ..
            },
        ) => {
            changes
                .enum_values
                .insert(name.clone(), (before.clone(), after.clone()));
        }
        _ => note(),
    }
}

/// The enum column of a kept table whose CHECK (`ck_<table>_<column>`, as
/// the SQLite renderer writes an enum) `name` is, when both sides have it
/// as an enum column.
fn enum_check(current: &Schema, target: &Schema, table: &str, name: &str) -> Option<Str> {
    let t = table_ref(table);
    let (cur, tgt) = (current.table(&t)?, target.table(&t)?);
    cur.columns.iter().find_map(|c| {
        let enum_of = |col: Option<&Column>| {
            matches!(
                col,
                Some(Column {
                    ty: ColumnType::Enum(_),
                    ..
                })
            )
        };
        (naming::check(&t.name, &c.name) == name
            && enum_of(Some(c))
            && enum_of(tgt.column(&c.name)))
        .then(|| c.name.clone())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_enum(values: &[&str]) -> Schema {
        let mut s = Schema::new();
        let values = values.iter().map(|v| Str::from(v.to_string())).collect();
        s.apply(&Op::CreateEnum(enum_type("mood", values))).unwrap();
        s
    }

    fn values_changed(before: &[&str], after: &[&str]) -> Plan {
        let d = Difference::List {
            object: Object::EnumType("mood".into()),
            field: Field::Values,
            before: before.iter().map(|v| v.to_string()).collect(),
            after: after.iter().map(|v| v.to_string()).collect(),
        };
        plan(&with_enum(before), &with_enum(after), &[d])
    }

    fn placements(p: &Plan) -> Vec<(String, Option<EnumPlacement>)> {
        p.ops
            .iter()
            .map(|p| match &p.op {
                Op::AddEnumValue {
                    value, placement, ..
                } => (value.to_string(), placement.clone()),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn enum_values_added_anywhere_are_placed_next_to_a_neighbour() {
        let p = values_changed(&["ok"], &["sad", "ok", "fine", "happy"]);
        assert!(p.notes.is_empty());
        assert_eq!(
            placements(&p),
            [
                ("sad".into(), Some(EnumPlacement::Before("ok".into()))),
                ("fine".into(), Some(EnumPlacement::After("ok".into()))),
                ("happy".into(), Some(EnumPlacement::After("fine".into()))),
            ]
        );
        // Applied in order to the model, they give the target's values.
        let mut s = with_enum(&["ok"]);
        s.apply_all(&p.upgrade()).unwrap();
        assert_eq!(s, with_enum(&["sad", "ok", "fine", "happy"]));
    }

    #[test]
    fn enum_values_removed_or_reordered_are_notes() {
        for (before, after) in [
            (&["a", "b", "c"][..], &["a", "c"][..]),
            (&["a", "b"][..], &["b", "a"][..]),
            (&["a", "b"][..], &["b", "a", "c"][..]),
        ] {
            let p = values_changed(before, after);
            assert!(p.ops.is_empty(), "{p:?}");
            assert_eq!(p.notes.len(), 1);
            assert!(p.notes[0].contains("enum type `mood`"), "{:?}", p.notes);
        }
    }

    #[test]
    fn what_no_op_expresses_is_a_note() {
        let s = Schema::new();
        let ds = [
            Difference::presence(Object::Sequence("counter".into()), false),
            Difference::presence(Object::Trigger("audit".into()), false),
            Difference::presence(Object::View("cheap".into()), true),
        ];
        let p = plan(&s, &s, &ds);
        assert!(p.ops.is_empty());
        assert_eq!(
            p.notes,
            [
                "not written as an op: sequence `counter`: absent vs present",
                "not written as an op: trigger `audit`: absent vs present",
                "not written as an op: view `cheap`: present vs absent",
            ]
        );
    }

    #[test]
    fn narrowing_type_changes() {
        use ColumnType::*;
        let numeric = |p, s| Numeric {
            precision: Some(p),
            scale: Some(s),
        };
        for (from, to, narrows) in [
            (String(Some(50)), String(Some(20)), true),
            (String(Some(20)), String(Some(50)), false),
            (String(Some(20)), Text, false),
            (Text, String(Some(20)), true),
            (Integer, BigInteger, false),
            (BigInteger, Integer, true),
            (Float, Double, false),
            (Double, Float, true),
            (numeric(10, 2), numeric(12, 2), false),
            (numeric(10, 2), numeric(8, 2), true),
            (numeric(10, 2), numeric(10, 0), true),
            (Text, Integer, true),
        ] {
            assert_eq!(narrowing(&from, &to), narrows, "{from} to {to}");
        }
    }

    #[test]
    fn conversions_that_need_a_using_expression() {
        use ColumnType::*;
        assert!(convertible(&Integer, &BigInteger));
        assert!(convertible(&String(Some(5)), &Text));
        assert!(convertible(&Integer, &Text));
        assert!(!convertible(&Text, &Integer));
        assert!(!convertible(&String(Some(10)), &Boolean));
    }
}
