//! Deriving a downgrade from an upgrade, op by op (Rails' `change`, Django's
//! reversible operations): the inverse of each op, in reverse order. An op whose
//! inverse cannot be read from its own text makes the derivation fail, and the
//! macro asks for an explicit `downgrade()`.

use crate::model::*;
use std::collections::BTreeSet;

/// Why one upgrade op has no inverse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotInvertible {
    /// Index of the op in the upgrade.
    pub op: usize,
    /// What is missing, for the error message.
    pub reason: String,
    /// How to make it invertible, for the `help:` line.
    pub help: String,
}

/// The derived downgrade, or every op that stands in the way.
pub fn invert(upgrade: &[Op]) -> Result<Vec<Op>, Vec<NotInvertible>> {
    let mut created_here: BTreeSet<TableRef> = BTreeSet::new();
    let mut inverses: Vec<Vec<Op>> = Vec::with_capacity(upgrade.len());
    let mut problems = Vec::new();
    for (i, op) in upgrade.iter().enumerate() {
        if removed_later(op, &upgrade[i + 1..]) {
            // A later op of the upgrade takes it away with its column or
            // table: the net effect leaves nothing to undo.
            inverses.push(Vec::new());
            continue;
        }
        match invert_one(op, &created_here) {
            Ok(inv) => inverses.push(inv),
            Err((reason, help)) => problems.push(NotInvertible {
                op: i,
                reason,
                help,
            }),
        }
        match op {
            Op::CreateTable(t) => {
                created_here.insert(t.table.clone());
            }
            Op::RenameTable { schema, old, new }
                if created_here.remove(&TableRef::in_schema(schema, old)) =>
            {
                created_here.insert(TableRef::in_schema(schema, new));
            }
            Op::DropTable { table, .. } => {
                created_here.remove(table);
            }
            _ => {}
        }
    }
    if problems.is_empty() {
        Ok(inverses.into_iter().rev().flatten().collect())
    } else {
        Err(problems)
    }
}

/// Whether an index or constraint `op` creates is dropped implicitly by a
/// later op: the drop of a column it covers, or of its table.
fn removed_later(op: &Op, later: &[Op]) -> bool {
    let (table, columns): (&TableRef, Vec<&Str>) = match op {
        Op::CreateIndex(i) => (&i.table, i.column_names().collect()),
        Op::AddConstraint { table, constraint } => {
            (table, constraint.kind.columns().iter().collect())
        }
        _ => return false,
    };
    later.iter().any(|l| match l {
        Op::DropColumn {
            table: t, column, ..
        } => t == table && columns.contains(&column),
        Op::DropTable { table: t, .. } => t == table,
        _ => false,
    })
}

type Problem = (String, String);

fn invert_one(op: &Op, created_here: &BTreeSet<TableRef>) -> Result<Vec<Op>, Problem> {
    Ok(match op {
        Op::CreateTable(t) => vec![Op::DropTable {
            table: t.table.clone(),
            definition: Some(t.clone()),
        }],
        Op::DropTable {
            definition: Some(t),
            ..
        } => vec![Op::CreateTable(t.clone())],
        Op::DropTable {
            table,
            definition: None,
        } => {
            return Err((
                format!("`drop_table(\"{table}\")` does not say what the table looked like"),
                format!(
                    "give the definition as to `create_table` (`drop_table(\"{}\", Column(...), ...)`), or write `downgrade()`",
                    table.name
                ),
            ))
        }
        Op::RenameTable { schema, old, new } => vec![Op::RenameTable {
            schema: schema.clone(),
            old: new.clone(),
            new: old.clone(),
        }],
        Op::AddColumn { table, column } => vec![Op::DropColumn {
            table: table.clone(),
            column: column.name.clone(),
            definition: Some(column.clone()),
        }],
        Op::DropColumn {
            table,
            definition: Some(c),
            ..
        } => vec![Op::AddColumn {
            table: table.clone(),
            column: c.clone(),
        }],
        Op::DropColumn {
            table,
            column,
            definition: None,
        } => {
            return Err((
                format!("`drop_column(\"{table}\", \"{column}\")` does not say what the column looked like"),
                format!(
                    "give its definition: `drop_column(\"{}\", Column(\"{column}\", <type>, ...))`, or write `downgrade()`",
                    table.name
                ),
            ))
        }
        Op::AlterColumn(a) => vec![Op::AlterColumn(invert_alter(a)?)],
        Op::CreateIndex(i) => vec![Op::DropIndex {
            table: i.table.clone(),
            name: i.name.clone(),
            definition: Some(i.clone()),
        }],
        Op::DropIndex {
            definition: Some(i),
            ..
        } => vec![Op::CreateIndex(i.clone())],
        Op::DropIndex {
            name,
            table,
            definition: None,
        } => {
            return Err((
                format!("`drop_index(\"{name}\")` does not say which columns the index covered"),
                format!(
                    "give them as to `create_index`: `drop_index(\"{name}\", \"{}\", [\"col\", ...])`, or write `downgrade()`",
                    table.name
                ),
            ))
        }
        Op::AddConstraint { table, constraint } => vec![Op::DropConstraint {
            table: table.clone(),
            name: constraint.name.clone(),
            kind: constraint.kind.constraint_type(),
            definition: Some(constraint.clone()),
        }],
        Op::DropConstraint {
            table,
            definition: Some(c),
            ..
        } => vec![Op::AddConstraint {
            table: table.clone(),
            constraint: c.clone(),
        }],
        Op::DropConstraint {
            name,
            kind,
            definition: None,
            ..
        } => {
            let create = match kind {
                ConstraintType::PrimaryKey => "drop_primary_key",
                ConstraintType::Unique => "drop_unique_constraint",
                ConstraintType::Check => "drop_check_constraint",
                ConstraintType::ForeignKey => "drop_foreign_key",
            };
            return Err((
                format!("`drop_constraint(\"{name}\")` does not say what the constraint enforced"),
                format!("use `{create}` with the same arguments as its `create_*`, or write `downgrade()`"),
            ));
        }
        Op::CreateEnum(e) => vec![Op::DropEnum {
            schema: e.schema.clone(),
            name: e.name.clone(),
            definition: Some(e.clone()),
        }],
        Op::DropEnum {
            definition: Some(e),
            ..
        } => vec![Op::CreateEnum(e.clone())],
        Op::DropEnum {
            name,
            definition: None,
            ..
        } => {
            return Err((
                format!("`drop_enum(\"{name}\")` does not say which values the type had"),
                format!("give them: `drop_enum(\"{name}\", [\"a\", \"b\"])`, or write `downgrade()`"),
            ))
        }
        Op::AddEnumValue { name, value, .. } => {
            return Err((
                format!("`add_enum_value(\"{name}\", \"{value}\")` cannot be undone: PostgreSQL cannot remove a value from an enum type"),
                "write `downgrade()` (e.g. rebuild the type with `execute`), or mark the migration `irreversible`".into(),
            ))
        }
        Op::SetTableComment {
            table,
            comment,
            existing: Some(prev),
        } => vec![Op::SetTableComment {
            table: table.clone(),
            comment: prev.clone(),
            existing: Some(comment.clone()),
        }],
        Op::SetTableComment {
            table,
            existing: None,
            ..
        } => {
            return Err((
                format!("the comment on `{table}` is replaced without saying what it was"),
                "add `existing_comment = \"...\"` (or `existing_comment = None`), or write `downgrade()`".into(),
            ))
        }
        Op::BulkInsert { table, .. } => {
            if created_here.contains(table) {
                // Undone by the drop_table of the table it fills.
                Vec::new()
            } else {
                return Err((
                    format!("`bulk_insert` into `{table}`, which this migration did not create, cannot be undone from its text"),
                    "write `downgrade()` that deletes the rows (e.g. with `execute`)".into(),
                ));
            }
        }
        Op::Execute(_) => {
            return Err((
                "`execute` runs SQL whose effect cannot be read from it".into(),
                "write `downgrade()` with its counterpart, or mark the migration `irreversible`".into(),
            ))
        }
        Op::Run { function } => {
            return Err((
                format!("`run({function})` runs Rust code whose effect cannot be read from it"),
                "write `downgrade()` with its counterpart, or mark the migration `irreversible`".into(),
            ))
        }
    })
}

fn invert_alter(a: &AlterColumn) -> Result<AlterColumn, Problem> {
    let mut missing = Vec::new();
    if a.ty.is_some() && a.existing_type.is_none() {
        missing.push("existing_type");
    }
    if a.nullable.is_some() && a.existing_nullable.is_none() {
        missing.push("existing_nullable");
    }
    if a.server_default.is_some() && a.existing_server_default.is_none() {
        missing.push("existing_server_default");
    }
    if a.comment.is_some() && a.existing_comment.is_none() {
        missing.push("existing_comment");
    }
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err((
            format!(
                "`alter_column(\"{}\", \"{}\")` does not say what it changes from",
                a.table, a.column
            ),
            format!("add {list}, or write `downgrade()`"),
        ));
    }
    Ok(AlterColumn {
        table: a.table.clone(),
        column: a.new_name.clone().unwrap_or_else(|| a.column.clone()),
        new_name: a.new_name.as_ref().map(|_| a.column.clone()),
        ty: a.ty.as_ref().and(a.existing_type.clone()),
        nullable: a.nullable.and(a.existing_nullable),
        server_default: a
            .server_default
            .as_ref()
            .and(a.existing_server_default.clone()),
        comment: a.comment.as_ref().and(a.existing_comment.clone()),
        // Only what changed is restated: the inverse's "existing" is the
        // upgrade's new value, the rest carries over.
        existing_type: a.ty.clone().or_else(|| a.existing_type.clone()),
        existing_nullable: a.nullable.or(a.existing_nullable),
        existing_server_default: a
            .server_default
            .clone()
            .or_else(|| a.existing_server_default.clone()),
        existing_comment: a.comment.clone().or_else(|| a.existing_comment.clone()),
        using: None,
    })
}
