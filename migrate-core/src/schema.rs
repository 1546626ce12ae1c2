//! The schema model: what the database looks like at a revision, computed by
//! applying ops to it, with no database. The runtime replays migrations over
//! it (`verify`, SQLite table rebuilds, offline SQL for them, `check`).
//!
//! Opaque ops (`execute`, `run`) change nothing in the model: a table an
//! `execute` creates is unknown to it, and ops on it are reported as such.

use crate::difference::{Difference, Field, Object};
use crate::model::*;
use crate::sqltext::{mentions, rename_column};
use crate::suggest;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A table as the model knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableModel {
    /// Name and schema.
    pub table: TableRef,
    /// Columns, in order.
    pub columns: Vec<Column>,
    /// Named constraints, the primary key first when there is one. Inline
    /// `unique`/`ForeignKey` of columns stay on the columns.
    pub constraints: Vec<Constraint>,
    /// Indexes on the table, including the columns' inline ones.
    pub indexes: Vec<Index>,
    /// The table comment.
    pub comment: Option<Str>,
}

impl TableModel {
    fn from_definition(t: &Table) -> TableModel {
        let mut indexes = Vec::new();
        for c in t.columns.iter() {
            if let Some(ix) = &c.index {
                indexes.push(column_index(&t.table, c, ix));
            }
        }
        TableModel {
            table: t.table.clone(),
            columns: t.columns.to_vec(),
            constraints: t.constraints.to_vec(),
            indexes,
            comment: t.comment.clone(),
        }
    }

    /// The definition `create_table` would need to make this table again.
    pub fn definition(&self) -> Table {
        Table {
            table: self.table.clone(),
            columns: self.columns.clone().into(),
            constraints: self.constraints.clone().into(),
            comment: self.comment.clone(),
        }
    }

    /// The kind of the constraint `name` (a table-level one, or a column's
    /// inline unique or foreign key).
    pub fn constraint_type(&self, name: &str) -> Option<ConstraintType> {
        if let Some(c) = self.constraints.iter().find(|c| c.name == *name) {
            return Some(c.kind.constraint_type());
        }
        self.columns.iter().find_map(|c| {
            if c.unique.as_deref() == Some(name) {
                Some(ConstraintType::Unique)
            } else if c.foreign_key.as_ref().is_some_and(|f| f.name == *name) {
                Some(ConstraintType::ForeignKey)
            } else {
                None
            }
        })
    }

    /// A column by name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

fn column_index(table: &TableRef, c: &Column, name: &Str) -> Index {
    Index {
        name: name.clone(),
        table: table.clone(),
        columns: vec![IndexColumn::Column(c.name.clone())].into(),
        unique: false,
        postgresql_where: None,
        sqlite_where: None,
        method: None,
        concurrently: false,
    }
}

/// The whole modelled schema.
#[derive(Clone, Default)]
pub struct Schema {
    tables: BTreeMap<TableRef, TableModel>,
    enums: BTreeMap<(Option<Str>, Str), Vec<Str>>,
    /// The tables that hold each index name, for the "already exists"
    /// check of an index (a scan of every table for each index made the
    /// replay of a long chain quadratic). Made when first asked, then kept
    /// by the ops that add an index; a table listed may since have lost the
    /// index (checked on use), but every table that has it is listed. `None`
    /// until asked, and again after a table rename. Not part of the model:
    /// left out of equality and `Debug`.
    index_tables: Option<IndexTables>,
}

/// Index name (and the schema it is in) → the tables that may hold it.
type IndexTables = BTreeMap<(Option<Str>, Str), BTreeSet<TableRef>>;

impl PartialEq for Schema {
    fn eq(&self, other: &Schema) -> bool {
        self.tables == other.tables && self.enums == other.enums
    }
}

impl Eq for Schema {}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Schema")
            .field("tables", &self.tables)
            .field("enums", &self.enums)
            .finish()
    }
}

/// Why an op cannot apply to the modelled schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplyError {
    /// What is wrong.
    pub message: String,
    /// The likely fix, when there is one (the nearest existing name).
    pub help: Option<String>,
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn fail<T>(message: impl Into<String>) -> Result<T, ApplyError> {
    Err(ApplyError {
        message: message.into(),
        help: None,
    })
}

fn fail_help<T>(message: impl Into<String>, help: Option<String>) -> Result<T, ApplyError> {
    Err(ApplyError {
        message: message.into(),
        help,
    })
}

/// "did you mean" for a column a table does not have.
fn column_help(t: &TableModel, column: &str) -> Option<String> {
    suggest::nearest(column, t.columns.iter().map(|c| &*c.name))
        .map(|c| format!("`{}` has a column `{c}`: did you mean it?", t.table))
}

impl Schema {
    /// The model without the objects placed in a named schema (`schema =
    /// "..."`), and the names of those schemas.
    pub fn without_named_schemas(&self) -> (Schema, BTreeSet<String>) {
        let mut named = BTreeSet::new();
        let mut rest = Schema::new();
        for (t, m) in &self.tables {
            match &t.schema {
                Some(s) => {
                    named.insert(s.to_string());
                }
                None => {
                    rest.tables.insert(t.clone(), m.clone());
                }
            }
        }
        for ((schema, name), values) in &self.enums {
            match schema {
                Some(s) => {
                    named.insert(s.to_string());
                }
                None => {
                    rest.enums.insert((None, name.clone()), values.clone());
                }
            }
        }
        (rest, named)
    }

    /// Ops that create a modelled schema from nothing: enum types, then tables
    /// in an order where every referenced table comes first, then indexes.
    pub fn create_ops(&self) -> Result<Vec<Op>, String> {
        let model = self;
        let mut ops = Vec::new();
        for ((schema, name), values) in &model.enums {
            ops.push(Op::CreateEnum(EnumType {
                schema: schema.clone(),
                name: name.clone(),
                values: values.clone().into(),
                create_type: true,
            }));
        }
        let tables: BTreeMap<&TableRef, &TableModel> =
            model.tables().map(|t| (&t.table, t)).collect();
        let mut done: BTreeSet<&TableRef> = BTreeSet::new();
        while done.len() < tables.len() {
            let ready: Vec<&TableRef> = tables
                .iter()
                .filter(|(t, _)| !done.contains(*t))
                .filter(|(t, m)| {
                    references(m)
                        .iter()
                        .all(|r| r == **t || done.contains(r) || !tables.contains_key(r))
                })
                .map(|(t, _)| *t)
                .collect();
            if ready.is_empty() {
                return Err(
                    "the tables' foreign keys form a cycle; the model cannot be created table by table"
                        .into(),
                );
            }
            for t in ready {
                let m = tables[t];
                let mut def = m.definition();
                def.columns = def
                    .columns
                    .iter()
                    .map(|c| Column {
                        index: None,
                        ty: match &c.ty {
                            ColumnType::Enum(e) => ColumnType::Enum(EnumType {
                                create_type: false,
                                ..e.clone()
                            }),
                            other => other.clone(),
                        },
                        ..c.clone()
                    })
                    .collect::<Vec<_>>()
                    .into();
                ops.push(Op::CreateTable(def));
                for i in &m.indexes {
                    ops.push(Op::CreateIndex(i.clone()));
                }
                done.insert(t);
            }
        }
        Ok(ops)
    }

    /// An empty schema.
    pub fn new() -> Schema {
        Schema::default()
    }

    /// Every table, by name.
    pub fn tables(&self) -> impl Iterator<Item = &TableModel> {
        self.tables.values()
    }

    /// A table.
    pub fn table(&self, t: &TableRef) -> Option<&TableModel> {
        self.tables.get(t)
    }

    /// The enum types and their values.
    pub fn enums(&self) -> impl Iterator<Item = (&str, &[Str])> {
        self.enums.iter().map(|((_, n), v)| (&**n, &v[..]))
    }

    fn table_mut(&mut self, t: &TableRef) -> Result<&mut TableModel, ApplyError> {
        if !self.tables.contains_key(t) {
            let help = match suggest::nearest(&t.name, self.tables.keys().map(|k| &*k.name)) {
                Some(n) => format!("did you mean `{n}`?"),
                None => "create it with `create_table` before this op, here or in a migration this one follows (through `down_revision`)".to_string(),
            };
            return fail_help(format!("table `{t}` does not exist (or was created by `execute`, which the model cannot see)"), Some(help));
        }
        match self.tables.get_mut(t) {
            Some(m) => Ok(m),
            None => fail(format!("table `{t}` does not exist")),
        }
    }

    /// The first table (in name order) of `schema` with an index `name`.
    fn index_owner(&mut self, schema: &Option<Str>, name: &str) -> Option<TableRef> {
        let tables = &self.tables;
        let index_tables = self.index_tables.get_or_insert_with(|| {
            let mut all = IndexTables::new();
            for t in tables.values() {
                for i in &t.indexes {
                    all.entry((t.table.schema.clone(), i.name.clone()))
                        .or_default()
                        .insert(t.table.clone());
                }
            }
            all
        });
        let listed = index_tables.get_mut(&(schema.clone(), Str::Owned(name.to_string())))?;
        // Those that lost it (dropped, or the index or its column dropped).
        listed.retain(|t| {
            tables.get(t).is_some_and(|m| {
                m.table.schema == *schema && m.indexes.iter().any(|i| i.name == name)
            })
        });
        listed.first().cloned()
    }

    /// Keeps [`Schema::index_tables`] when `table` gains indexes.
    fn indexes_added<'a>(&mut self, table: &TableRef, names: impl IntoIterator<Item = &'a Str>) {
        if let Some(all) = &mut self.index_tables {
            for n in names {
                all.entry((table.schema.clone(), n.clone()))
                    .or_default()
                    .insert(table.clone());
            }
        }
    }

    fn add_enum(&mut self, e: &EnumType) -> Result<(), ApplyError> {
        let key = (e.schema.clone(), e.name.clone());
        if self.enums.contains_key(&key) {
            return fail(format!("enum type `{}` already exists", e.name));
        }
        self.enums.insert(key, e.values.to_vec());
        Ok(())
    }

    fn check_column_enum(&self, c: &Column) -> Result<(), ApplyError> {
        if let ColumnType::Enum(e) = &c.ty {
            if !e.create_type && !self.enums.contains_key(&(e.schema.clone(), e.name.clone())) {
                return fail(format!(
                    "column `{}` uses enum type `{}`, which does not exist",
                    c.name, e.name
                ));
            }
        }
        Ok(())
    }

    /// Applies ops in order, stopping at the first that cannot apply: its
    /// 0-based index and why.
    pub fn apply_all<'a>(
        &mut self,
        ops: impl IntoIterator<Item = &'a Op>,
    ) -> Result<(), (usize, ApplyError)> {
        for (i, op) in ops.into_iter().enumerate() {
            self.apply(op).map_err(|e| (i, e))?;
        }
        Ok(())
    }

    /// Applies one op.
    pub fn apply(&mut self, op: &Op) -> Result<(), ApplyError> {
        match op {
            Op::CreateTable(t) => {
                if self.tables.contains_key(&t.table) {
                    return fail(format!("table `{}` already exists", t.table));
                }
                for e in t.owned_enums() {
                    self.add_enum(e)?;
                }
                for c in t.columns.iter() {
                    self.check_column_enum(c)?;
                    if let Some(ix) = &c.index {
                        if let Some(owner) = self.index_owner(&t.table.schema, ix) {
                            return fail(format!("index `{ix}` already exists (on `{owner}`)"));
                        }
                    }
                }
                let model = TableModel::from_definition(t);
                self.indexes_added(&t.table, model.indexes.iter().map(|i| &i.name));
                self.tables.insert(t.table.clone(), model);
            }
            Op::DropTable { table, definition } => {
                if self.tables.remove(table).is_none() {
                    return fail(format!("table `{table}` does not exist"));
                }
                if let Some(d) = definition {
                    for e in d.owned_enums() {
                        self.enums.remove(&(e.schema.clone(), e.name.clone()));
                    }
                }
            }
            Op::RenameTable { schema, old, new } => {
                let (from, to) = (
                    TableRef::in_schema(schema, old),
                    TableRef::in_schema(schema, new),
                );
                if self.tables.contains_key(&to) {
                    return fail(format!("table `{to}` already exists"));
                }
                let mut t = match self.tables.remove(&from) {
                    Some(t) => t,
                    None => return fail(format!("table `{from}` does not exist")),
                };
                t.table = to.clone();
                for i in &mut t.indexes {
                    i.table = to.clone();
                }
                self.tables.insert(to, t);
                // Its indexes are listed under the old name: made again when asked.
                self.index_tables = None;
            }
            Op::AddColumn { table, column } => {
                self.check_column_enum(column)?;
                if let ColumnType::Enum(e) = &column.ty {
                    if e.create_type {
                        self.add_enum(e)?;
                    }
                }
                let t = self.table_mut(table)?;
                if t.column(&column.name).is_some() {
                    return fail(format!("column `{table}.{}` already exists", column.name));
                }
                t.columns.push(column.clone());
                if let Some(ix) = &column.index {
                    t.indexes.push(column_index(table, column, ix));
                    self.indexes_added(table, [ix]);
                }
            }
            Op::DropColumn {
                table,
                column,
                definition,
            } => {
                let t = self.table_mut(table)?;
                let Some(pos) = t.columns.iter().position(|c| c.name == *column) else {
                    return fail_help(
                        format!("column `{table}.{column}` does not exist"),
                        column_help(t, column),
                    );
                };
                t.columns.remove(pos);
                // As PostgreSQL does: indexes and constraints on the column go too.
                t.indexes.retain(|i| !index_uses_column(i, column));
                t.constraints.retain(|c| !constraint_uses_column(c, column));
                if let Some(Column {
                    ty: ColumnType::Enum(e),
                    ..
                }) = definition
                {
                    if e.create_type {
                        self.enums.remove(&(e.schema.clone(), e.name.clone()));
                    }
                }
            }
            Op::AlterColumn(a) => {
                let t = self.table_mut(&a.table)?;
                if let Some(new) = &a.new_name {
                    if t.column(new).is_some() {
                        return fail(format!("column `{}.{new}` already exists", a.table));
                    }
                }
                if t.column(&a.column).is_none() {
                    return fail_help(
                        format!("column `{}.{}` does not exist", a.table, a.column),
                        column_help(t, &a.column),
                    );
                }
                let Some(c) = t.columns.iter_mut().find(|c| c.name == a.column) else {
                    return fail(format!("column `{}.{}` does not exist", a.table, a.column));
                };
                if let Some(ty) = &a.ty {
                    c.ty = ty.clone();
                }
                if let Some(n) = a.nullable {
                    c.nullable = n;
                }
                if let Some(d) = &a.server_default {
                    c.server_default = d.clone();
                }
                if let Some(comment) = &a.comment {
                    c.comment = comment.clone();
                }
                if let Some(new) = &a.new_name {
                    let old = std::mem::replace(&mut c.name, new.clone());
                    rename_in(t, &old, new);
                }
            }
            Op::CreateIndex(i) => {
                if let Some(owner) = self.index_owner(&i.table.schema, &i.name) {
                    return fail(format!("index `{}` already exists (on `{owner}`)", i.name));
                }
                let t = self.table_mut(&i.table)?;
                for c in i.column_names() {
                    if t.column(c).is_none() {
                        return fail_help(
                            format!(
                                "index `{}` covers column `{}.{c}`, which does not exist",
                                i.name, i.table
                            ),
                            column_help(t, c),
                        );
                    }
                }
                t.indexes.push(i.clone());
                self.indexes_added(&i.table, [&i.name]);
            }
            Op::DropIndex { table, name, .. } => {
                let t = self.table_mut(table)?;
                let before = t.indexes.len();
                t.indexes.retain(|i| i.name != *name);
                if t.indexes.len() == before {
                    return fail(format!("index `{name}` does not exist on `{table}`"));
                }
            }
            Op::AddConstraint { table, constraint } => {
                let t = self.table_mut(table)?;
                if t.constraints.iter().any(|c| c.name == constraint.name)
                    || inline_names(t).contains(&*constraint.name)
                {
                    return fail(format!(
                        "constraint `{}` already exists on `{table}`",
                        constraint.name
                    ));
                }
                for c in constraint.kind.columns() {
                    if t.column(c).is_none() {
                        return fail_help(
                            format!(
                                "constraint `{}` covers column `{table}.{c}`, which does not exist",
                                constraint.name
                            ),
                            column_help(t, c),
                        );
                    }
                }
                if let ConstraintKind::PrimaryKey { columns } = &constraint.kind {
                    if t.constraints
                        .iter()
                        .any(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. }))
                    {
                        return fail(format!("table `{table}` already has a primary key"));
                    }
                    for c in &mut t.columns {
                        c.primary_key = columns.contains(&c.name);
                    }
                    t.constraints.insert(0, constraint.clone());
                } else {
                    t.constraints.push(constraint.clone());
                }
            }
            Op::DropConstraint { table, name, .. } => {
                let t = self.table_mut(table)?;
                let before = t.constraints.len();
                let primary = t.constraints.iter().any(|c| {
                    c.name == *name && matches!(c.kind, ConstraintKind::PrimaryKey { .. })
                });
                t.constraints.retain(|c| c.name != *name);
                if primary {
                    // The columns are no longer the key: a SQLite rebuild
                    // would declare each of them one.
                    t.columns.iter_mut().for_each(|c| c.primary_key = false);
                }
                if t.constraints.len() == before {
                    // An inline unique or foreign key of a column.
                    let mut found = false;
                    for c in &mut t.columns {
                        if c.unique.as_deref() == Some(&**name) {
                            c.unique = None;
                            found = true;
                        }
                        if c.foreign_key.as_ref().is_some_and(|f| f.name == *name) {
                            c.foreign_key = None;
                            found = true;
                        }
                    }
                    if !found {
                        return fail(format!("constraint `{name}` does not exist on `{table}`"));
                    }
                }
            }
            Op::CreateEnum(e) => self.add_enum(e)?,
            Op::DropEnum { schema, name, .. } => {
                if self.enums.remove(&(schema.clone(), name.clone())).is_none() {
                    return fail(format!("enum type `{name}` does not exist"));
                }
            }
            Op::AddEnumValue {
                schema,
                name,
                value,
                placement,
            } => {
                let Some(values) = self.enums.get_mut(&(schema.clone(), name.clone())) else {
                    return fail(format!("enum type `{name}` does not exist"));
                };
                if values.contains(value) {
                    return fail(format!(
                        "enum type `{name}` already has the value `{value}`"
                    ));
                }
                let at = match placement {
                    Some(EnumPlacement::Before(v)) => values.iter().position(|x| x == v),
                    Some(EnumPlacement::After(v)) => {
                        values.iter().position(|x| x == v).map(|p| p + 1)
                    }
                    None => Some(values.len()),
                };
                match at {
                    Some(p) => values.insert(p, value.clone()),
                    None => {
                        return fail(format!(
                            "enum type `{name}` has no value to place `{value}` next to"
                        ))
                    }
                }
                // The columns of that type carry its values (SQLite's CHECK).
                let values = values.clone();
                for t in self.tables.values_mut() {
                    for c in &mut t.columns {
                        if let ColumnType::Enum(e) = &mut c.ty {
                            if e.name == *name && e.schema == *schema {
                                e.values = values.clone().into();
                            }
                        }
                    }
                }
            }
            Op::SetTableComment { table, comment, .. } => {
                self.table_mut(table)?.comment = comment.clone();
            }
            Op::BulkInsert { table, rows } => {
                let t = self.table_mut(table)?;
                for row in rows.iter() {
                    for (c, _) in row.values.iter() {
                        if t.column(c).is_none() {
                            return fail_help(
                                format!(
                                    "`bulk_insert` sets column `{table}.{c}`, which does not exist"
                                ),
                                column_help(t, c),
                            );
                        }
                    }
                }
            }
            Op::Execute(_) | Op::Run { .. } => {}
        }
        Ok(())
    }
}

impl Schema {
    /// What applies to the model but fails on a database: a `bulk_insert` row
    /// that gives no value for a NOT NULL column without a default (each row
    /// is inserted with its own keys, so rows that differ fail one by one).
    pub fn check(&self, op: &Op) -> Result<(), ApplyError> {
        let Op::BulkInsert { table, rows } = op else {
            return Ok(());
        };
        let Some(t) = self.tables.get(table) else {
            return Ok(());
        };
        let key = t.constraints.iter().find_map(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns } => Some(&columns[..]),
            _ => None,
        });
        for (i, row) in rows.iter().enumerate() {
            for c in t.columns.iter() {
                let needed = !c.nullable
                    && c.server_default.is_none()
                    && !auto_increments(key, c)
                    && !row.values.iter().any(|(k, _)| *k == c.name);
                if needed {
                    let keys = |r: &Row| {
                        r.values
                            .iter()
                            .map(|(k, _)| k.clone())
                            .collect::<BTreeSet<_>>()
                    };
                    let why = if rows.iter().any(|r| keys(r) != keys(row)) {
                        " (the rows set different columns, and each is inserted with its own)"
                    } else {
                        ""
                    };
                    return fail_help(
                        format!(
                            "`bulk_insert` row {} gives no value for `{table}.{}`, which is NOT NULL without a default{why}",
                            i + 1,
                            c.name
                        ),
                        Some(format!("add `\"{}\": ...` to that row", c.name)),
                    );
                }
            }
        }
        Ok(())
    }
}

/// One revision of a history, for [`replay_history`]: its parents (indexes
/// of earlier steps) and its upgrade.
pub struct Step<'a> {
    /// Indexes of the parents among the steps, each smaller than this one's.
    pub parents: Vec<usize>,
    /// The upgrade's ops.
    pub upgrade: &'a [Op],
}

/// Where a replay stopped: the step and 0-based op that cannot apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplayError {
    /// The step (revision) whose op failed.
    pub step: usize,
    /// The op, 0-based.
    pub op: usize,
    /// Why.
    pub error: ApplyError,
    /// When the op failed while the lines of history a merge joins were
    /// replayed together: the merge's step.
    pub merge: Option<usize>,
}

/// Replays a history given in topological order (parents first): each
/// upgrade on the schema its ancestors leave, with [`Schema::check`]. Each
/// line of history is replayed on its own (two labelled roots may both
/// create a `users` table); a merge sees the upgrades of all its ancestors.
/// A step that fails, and every step after it, is left out; the errors are
/// returned in step order.
pub fn replay_history(steps: &[Step<'_>]) -> Vec<ReplayError> {
    replay_steps(steps, None)
}

/// [`replay_history`], and `each` gets every step that applied, with the
/// schemas before and after it.
pub fn replay_history_with(
    steps: &[Step<'_>],
    mut each: impl FnMut(usize, &Schema, &Schema),
) -> Vec<ReplayError> {
    replay_steps(steps, Some(&mut each))
}

/// What [`replay_history_with`] calls for each step that applied.
type EachStep<'f> = &'f mut dyn FnMut(usize, &Schema, &Schema);

fn replay_steps(steps: &[Step<'_>], mut each: Option<EachStep<'_>>) -> Vec<ReplayError> {
    let mut errors = Vec::new();
    let mut broken = vec![false; steps.len()];
    let mut children = vec![0usize; steps.len()];
    for s in steps {
        for &p in &s.parents {
            if let Some(n) = children.get_mut(p) {
                *n += 1;
            }
        }
    }
    // The schema after each step, kept while some child still needs it (and
    // handed over, not copied, to the last one: a straight line of history
    // is replayed on one schema).
    let mut after: BTreeMap<usize, Schema> = BTreeMap::new();
    let run = |schema: &mut Schema, i: usize| -> Result<(), ReplayError> {
        for (o, op) in steps[i].upgrade.iter().enumerate() {
            schema
                .check(op)
                .and_then(|()| schema.apply(op))
                .map_err(|error| ReplayError {
                    step: i,
                    op: o,
                    error,
                    merge: None,
                })?;
        }
        Ok(())
    };
    for (i, step) in steps.iter().enumerate() {
        if step.parents.iter().any(|&p| p >= i) {
            broken[i] = true;
            continue;
        }
        let parents_broken = step.parents.iter().any(|&p| broken[p]);
        let before = match step.parents[..] {
            _ if parents_broken => None,
            [] => Some(Schema::new()),
            [p] if children[p] == 1 => after.remove(&p),
            [p] => after.get(&p).cloned(),
            _ => {
                let mut ancestors = BTreeSet::new();
                let mut stack: Vec<usize> = step.parents.clone();
                while let Some(a) = stack.pop() {
                    if ancestors.insert(a) {
                        stack.extend(steps[a].parents.iter().copied().filter(|&p| p < a));
                    }
                }
                let mut schema = Schema::new();
                let mut failed = None;
                for &a in &ancestors {
                    if let Err(e) = run(&mut schema, a) {
                        failed = Some(e);
                        break;
                    }
                }
                match failed {
                    None => Some(schema),
                    Some(e) => {
                        errors.push(ReplayError {
                            merge: Some(i),
                            ..e
                        });
                        None
                    }
                }
            }
        };
        for &p in &step.parents {
            children[p] -= 1;
            if children[p] == 0 {
                after.remove(&p);
            }
        }
        let Some(mut schema) = before else {
            broken[i] = true;
            continue;
        };
        let kept = each.is_some().then(|| schema.clone());
        if let Err(e) = run(&mut schema, i) {
            errors.push(e);
            broken[i] = true;
            continue;
        }
        if let (Some(f), Some(before)) = (each.as_mut(), &kept) {
            f(i, before, &schema);
        }
        if children[i] > 0 {
            after.insert(i, schema);
        }
    }
    errors
}

/// Whether an index depends on a column: it covers it, or its predicate or
/// one of its expressions names it. Dropping the column drops the index.
pub fn index_uses_column(i: &Index, column: &str) -> bool {
    i.column_names().any(|n| **n == *column)
        || i.predicates().any(|(_, p)| mentions(p, column))
        || i.columns
            .iter()
            .any(|c| matches!(c, IndexColumn::Expression(e) if mentions(e, column)))
}

/// Whether a constraint depends on a column: it covers it, or its check
/// condition names it. Dropping the column drops the constraint.
pub fn constraint_uses_column(c: &Constraint, column: &str) -> bool {
    match &c.kind {
        ConstraintKind::Check { condition } => mentions(condition, column),
        kind => kind.columns().iter().any(|n| **n == *column),
    }
}

fn inline_names(t: &TableModel) -> BTreeSet<&str> {
    let mut names = BTreeSet::new();
    for c in &t.columns {
        if let Some(u) = &c.unique {
            names.insert(&**u);
        }
        if let Some(f) = &c.foreign_key {
            names.insert(&*f.name);
        }
    }
    names
}

/// A column rename, carried into the indexes and constraints that name it,
/// their SQL text too (as the databases do): a SQLite rebuild writes them again.
fn rename_in(t: &mut TableModel, old: &str, new: &Str) {
    let swap = |list: &mut Str| {
        if *list == old {
            *list = new.clone();
        }
    };
    let text = |sql: &mut Str| {
        if mentions(sql, old) {
            *sql = rename_column(sql, old, new).into();
        }
    };
    for i in &mut t.indexes {
        let mut cols = i.columns.to_vec();
        for c in &mut cols {
            match c {
                IndexColumn::Column(n) => swap(n),
                IndexColumn::Expression(e) => text(e),
            }
        }
        i.columns = cols.into();
        for p in [&mut i.postgresql_where, &mut i.sqlite_where]
            .into_iter()
            .flatten()
        {
            text(p);
        }
    }
    for c in &mut t.constraints {
        match &mut c.kind {
            ConstraintKind::PrimaryKey { columns } | ConstraintKind::Unique { columns } => {
                let mut v = columns.to_vec();
                v.iter_mut().for_each(swap);
                *columns = v.into();
            }
            ConstraintKind::ForeignKey(fk) => {
                let mut v = fk.columns.to_vec();
                v.iter_mut().for_each(swap);
                fk.columns = v.into();
            }
            ConstraintKind::Check { condition } => text(condition),
        }
    }
}

/// Differences between two schemas. Column order and the order of
/// constraints and indexes do not count (a database cannot always restore a
/// column's position). A column that differs is reported whole
/// ([`Difference::Column`]); constraints, indexes and enum types as the sets
/// of their names ([`Difference::List`]).
pub fn diff(a: &Schema, b: &Schema) -> Vec<Difference> {
    let names = |keys: Vec<&str>| keys.into_iter().map(str::to_string).collect::<Vec<_>>();
    let mut out = Vec::new();
    let tables: BTreeSet<&TableRef> = a.tables.keys().chain(b.tables.keys()).collect();
    for t in tables {
        let table = t.to_string();
        match (a.tables.get(t), b.tables.get(t)) {
            (Some(_), None) => out.push(Difference::presence(Object::Table(table), true)),
            (None, Some(_)) => out.push(Difference::presence(Object::Table(table), false)),
            (Some(x), Some(y)) => {
                let column = |n: &str| Object::Column {
                    table: table.clone(),
                    column: n.to_string(),
                };
                let xc: BTreeMap<&str, &Column> = x.columns.iter().map(|c| (&*c.name, c)).collect();
                let yc: BTreeMap<&str, &Column> = y.columns.iter().map(|c| (&*c.name, c)).collect();
                for (n, c) in &xc {
                    match yc.get(n) {
                        None => out.push(Difference::presence(column(n), true)),
                        Some(d) if d != c => out.push(Difference::Column {
                            object: column(n),
                            before: Box::new((*c).clone()),
                            after: Box::new((*d).clone()),
                        }),
                        _ => {}
                    }
                }
                for n in yc.keys().filter(|n| !xc.contains_key(*n)) {
                    out.push(Difference::presence(column(n), false));
                }
                let xs: BTreeMap<&str, &Constraint> =
                    x.constraints.iter().map(|c| (&*c.name, c)).collect();
                let ys: BTreeMap<&str, &Constraint> =
                    y.constraints.iter().map(|c| (&*c.name, c)).collect();
                if xs != ys {
                    out.push(Difference::List {
                        object: Object::Table(table.clone()),
                        field: Field::Constraints,
                        before: names(xs.into_keys().collect()),
                        after: names(ys.into_keys().collect()),
                    });
                }
                let xi: BTreeMap<&str, &Index> = x.indexes.iter().map(|i| (&*i.name, i)).collect();
                let yi: BTreeMap<&str, &Index> = y.indexes.iter().map(|i| (&*i.name, i)).collect();
                if xi != yi {
                    out.push(Difference::List {
                        object: Object::Table(table.clone()),
                        field: Field::Indexes,
                        before: names(xi.into_keys().collect()),
                        after: names(yi.into_keys().collect()),
                    });
                }
                if x.comment != y.comment {
                    out.push(Difference::OptionalText {
                        object: Object::Table(table),
                        field: Field::Comment,
                        before: x.comment.as_deref().map(str::to_string),
                        after: y.comment.as_deref().map(str::to_string),
                    });
                }
            }
            (None, None) => {}
        }
    }
    if a.enums != b.enums {
        let enums = |s: &Schema| names(s.enums.keys().map(|(_, n)| &**n).collect());
        out.push(Difference::List {
            object: Object::EnumTypes,
            field: Field::Names,
            before: enums(a),
            after: enums(b),
        });
    }
    out
}

fn references(t: &TableModel) -> Vec<TableRef> {
    let mut out: Vec<TableRef> = t
        .columns
        .iter()
        .filter_map(|c| c.foreign_key.as_ref().map(|f| f.referent.clone()))
        .collect();
    for c in &t.constraints {
        if let ConstraintKind::ForeignKey(fk) = &c.kind {
            out.push(fk.referent.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn table(name: &'static str) -> TableRef {
        TableRef {
            schema: None,
            name: Cow::Borrowed(name),
        }
    }

    fn column(name: &'static str, nullable: bool) -> Column {
        Column {
            name: Cow::Borrowed(name),
            ty: ColumnType::Integer,
            nullable,
            primary_key: false,
            autoincrement: None,
            server_default: None,
            unique: None,
            index: None,
            foreign_key: None,
            comment: None,
            identity: true,
        }
    }

    /// The index check finds what a scan of every table finds, in the same
    /// order, through ops that add, move and drop indexes, and the kept
    /// list of index names changes neither equality nor `Debug`.
    #[test]
    fn the_owner_of_an_index_is_the_first_table_that_has_it() {
        fn scan(s: &Schema, name: &str) -> Option<TableRef> {
            s.tables
                .values()
                .find(|t| t.table.schema.is_none() && t.indexes.iter().any(|i| i.name == name))
                .map(|t| t.table.clone())
        }
        fn indexed(name: &'static str, ix: &'static str) -> Column {
            Column {
                index: Some(Cow::Borrowed(ix)),
                ..column(name, true)
            }
        }
        fn create(t: &'static str, columns: Vec<Column>) -> Op {
            Op::CreateTable(Table {
                table: table(t),
                columns: columns.into(),
                constraints: Vec::new().into(),
                comment: None,
            })
        }
        fn index(name: &'static str, t: &'static str, c: &'static str) -> Op {
            Op::CreateIndex(Index {
                name: Cow::Borrowed(name),
                table: table(t),
                columns: vec![IndexColumn::Column(Cow::Borrowed(c))].into(),
                unique: false,
                postgresql_where: None,
                sqlite_where: None,
                method: None,
                concurrently: false,
            })
        }
        let ops = [
            create("m", vec![indexed("a", "ix_a"), column("b", true)]),
            index("ix_b", "m", "b"),
            // Not yet asked: made from the tables when first asked.
            index("ix_b", "m", "a"),
            create("z", vec![column("a", true)]),
            // `add_column` does not refuse a name in use: two tables have it.
            Op::AddColumn {
                table: table("z"),
                column: indexed("c", "ix_b"),
            },
            index("ix_b", "z", "a"),
            Op::RenameTable {
                schema: None,
                old: "m".into(),
                new: "zz".into(),
            },
            index("ix_b", "zz", "a"),
            index("ix_a", "z", "a"),
            Op::DropColumn {
                table: table("z"),
                column: "c".into(),
                definition: None,
            },
            index("ix_b", "zz", "a"),
            Op::DropIndex {
                table: table("zz"),
                name: "ix_b".into(),
                definition: None,
            },
            index("ix_b", "z", "a"),
            index("ix_b", "z", "a"),
            Op::DropTable {
                table: table("zz"),
                definition: None,
            },
            index("ix_a", "z", "a"),
            create("a", vec![indexed("x", "ix_a")]),
        ];
        let mut s = Schema::new();
        for op in &ops {
            let mut expected = s.clone();
            expected.index_tables = None;
            let result = s.apply(op);
            let scanned = match op {
                Op::CreateIndex(i) => scan(&expected, &i.name),
                _ => None,
            };
            let fresh = expected.apply(op);
            assert_eq!(result, fresh, "{op:?}");
            if let (Op::CreateIndex(_), Some(owner)) = (op, scanned) {
                assert!(
                    result
                        .as_ref()
                        .is_err_and(|e| e.message.ends_with(&format!("(on `{owner}`)"))),
                    "{op:?}: {result:?}"
                );
            }
            assert_eq!(s, expected);
            assert_eq!(format!("{s:?}"), format!("{expected:?}"));
            for name in ["ix_a", "ix_b"] {
                assert_eq!(
                    s.clone().index_owner(&None, name),
                    scan(&s, name),
                    "{name} after {op:?}"
                );
            }
        }
    }

    #[test]
    fn the_model_diff_is_typed() {
        let mut a = Schema::new();
        a.apply(&Op::CreateTable(Table {
            table: table("t"),
            columns: vec![column("a", true), column("b", true)].into(),
            constraints: Vec::new().into(),
            comment: None,
        }))
        .unwrap();
        let mut b = a.clone();
        b.apply(&Op::DropColumn {
            table: table("t"),
            column: "b".into(),
            definition: None,
        })
        .unwrap();
        b.apply(&Op::AlterColumn(AlterColumn {
            table: table("t"),
            column: "a".into(),
            new_name: None,
            ty: None,
            nullable: Some(false),
            server_default: None,
            comment: None,
            existing_type: None,
            existing_nullable: None,
            existing_server_default: None,
            existing_comment: None,
            using: None,
        }))
        .unwrap();
        let d = diff(&a, &b);
        assert_eq!(
            d,
            [
                Difference::Column {
                    object: Object::Column {
                        table: "t".into(),
                        column: "a".into()
                    },
                    before: Box::new(column("a", true)),
                    after: Box::new(column("a", false)),
                },
                Difference::presence(
                    Object::Column {
                        table: "t".into(),
                        column: "b".into()
                    },
                    true
                ),
            ]
        );
        assert_eq!(d[1].to_string(), "column `t.b`: present vs absent");
        assert!(diff(&a, &a).is_empty());
    }

    #[test]
    fn a_dropped_primary_key_leaves_no_key_columns() {
        let mut s = Schema::new();
        let mut id = column("id", false);
        id.primary_key = true;
        let key = Constraint {
            name: "pk_t".into(),
            kind: ConstraintKind::PrimaryKey {
                columns: vec!["id".into()].into(),
            },
        };
        s.apply(&Op::CreateTable(Table {
            table: table("t"),
            columns: vec![id, column("b", false)].into(),
            constraints: vec![key.clone()].into(),
            comment: None,
        }))
        .unwrap();
        let drop = Op::DropConstraint {
            table: table("t"),
            name: "pk_t".into(),
            kind: ConstraintType::PrimaryKey,
            definition: None,
        };
        s.apply(&drop).unwrap();
        let keyed = |s: &Schema| -> Vec<String> {
            let t = s.table(&table("t")).unwrap();
            t.columns
                .iter()
                .filter(|c| c.primary_key)
                .map(|c| c.name.to_string())
                .collect()
        };
        assert_eq!(keyed(&s), Vec::<String>::new());
        let mut key = key;
        key.kind = ConstraintKind::PrimaryKey {
            columns: vec!["b".into()].into(),
        };
        s.apply(&Op::AddConstraint {
            table: table("t"),
            constraint: key,
        })
        .unwrap();
        assert_eq!(keyed(&s), ["b"]);
    }
}
