//! The schema model: what the database looks like at a revision, computed by
//! replaying the migrations' ops, with no database. It powers `verify` (ops
//! that cannot apply, downgrades that do not return to the schema before their
//! upgrade), SQLite table rebuilds, and offline SQL for them.
//!
//! Opaque ops (`execute`, `run`) change nothing in the model: a table an
//! `execute` creates is unknown to it, and ops on it are reported as such.
//! The model itself ([`Schema`], [`Schema::apply`], [`diff`]) lives in
//! `migrate-core`; this module replays [`Migrations`] over it, and
//! [`reflect`] reads a live database's schema back into it.

use crate::graph::RevisionGraph;
use crate::migration::{Migration, Migrations};
use crate::ops::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub use crate::print_schema::print_schema;
pub use crate::reflect::reflect;
pub use migrate_core::difference::{Difference, Field, Object};
pub use migrate_core::schema::{diff, ApplyError, Schema, TableModel};
use migrate_core::schema::{replay_history_with, Step};

/// A problem `verify` found, located on a revision and op.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyError {
    /// The revision.
    pub revision: String,
    /// `upgrade` or `downgrade`.
    pub direction: &'static str,
    /// 1-based index of the op, 0 for the migration as a whole.
    pub op_index: usize,
    /// What is wrong.
    pub message: String,
    /// Where the migration is declared.
    pub location: String,
    /// When the downgrade does not return to the schema before the upgrade:
    /// how it differs (the schema before the upgrade first).
    pub difference: Option<Difference>,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.op_index == 0 {
            write!(
                f,
                "{} {} ({}): {}",
                self.direction, self.revision, self.location, self.message
            )
        } else {
            write!(
                f,
                "{} {} op {} ({}): {}",
                self.direction, self.revision, self.op_index, self.location, self.message
            )
        }
    }
}

fn located(
    m: &Migration,
    direction: &'static str,
    op_index: usize,
    message: String,
) -> VerifyError {
    VerifyError {
        revision: m.revision().to_string(),
        direction,
        op_index,
        message,
        location: format!("{}:{}", m.file(), m.line()),
        difference: None,
    }
}

/// A difference between the schema before an upgrade and after its
/// downgrade, worded from the schema before.
fn not_returned(d: &Difference) -> String {
    match d {
        Difference::Presence {
            object,
            before: true,
            ..
        } => format!("{object} is missing"),
        Difference::Presence { object, .. } => format!("{object} is left behind"),
        Difference::OptionalText {
            object: Object::Table(t),
            field: Field::Comment,
            ..
        } => format!("the comment of `{t}` differs"),
        other => other.to_string(),
    }
}

/// An op of `ops` that cannot apply, located.
fn cannot_apply(
    m: &Migration,
    direction: &'static str,
    ops: &[Op],
    (i, e): (usize, ApplyError),
) -> VerifyError {
    located(m, direction, i + 1, format!("`{}`: {e}", ops[i].name()))
}

/// Replays every migration with no database: each upgrade must apply to the
/// schema its ancestors leave, and each downgrade must return to it. Each
/// line of history is replayed on its own (two labelled roots may both create
/// a `users` table); a merge sees the upgrades of all its ancestors.
pub fn verify(migrations: &Migrations) -> Vec<VerifyError> {
    let graph = match RevisionGraph::from_migrations(migrations) {
        Ok(g) => g,
        Err(e) => {
            return vec![VerifyError {
                revision: String::new(),
                direction: "graph",
                op_index: 0,
                message: e.to_string(),
                location: String::new(),
                difference: None,
            }]
        }
    };
    let order = graph.topological_order();
    let position: BTreeMap<&str, usize> = order.iter().enumerate().map(|(i, r)| (*r, i)).collect();
    let list: Vec<&Migration> = order
        .iter()
        .map(|r| migrations.get(r).expect("graph revisions are known"))
        .collect();
    let steps: Vec<Step<'_>> = order
        .iter()
        .zip(&list)
        .map(|(r, m)| Step {
            parents: graph.parents(r).iter().map(|p| position[p]).collect(),
            upgrade: m.upgrade(),
        })
        .collect();
    let mut problems = Vec::new();
    let failed = replay_history_with(&steps, |i, before, after| {
        let m = list[i];
        let Some(down) = m.downgrade() else { return };
        // What `execute`/`run` do is not in the model.
        if m.upgrade().iter().chain(down).any(Op::is_opaque) {
            return;
        }
        let mut reverted = after.clone();
        if let Err(e) = reverted.apply_all(down) {
            problems.push(cannot_apply(m, "downgrade", down, e));
            return;
        }
        for d in diff(before, &reverted) {
            problems.push(VerifyError {
                difference: Some(d.clone()),
                ..located(
                    m,
                    "downgrade",
                    0,
                    format!(
                        "does not return to the schema before the upgrade: {}",
                        not_returned(&d)
                    ),
                )
            });
        }
    });
    for f in failed {
        let m = list[f.step];
        problems.push(cannot_apply(m, "upgrade", m.upgrade(), (f.op, f.error)));
    }
    // In the order of history, as each revision was replayed.
    problems.sort_by_key(|p| position.get(p.revision.as_str()).copied());
    problems
}

/// The schema after replaying every upgrade from base up to and including
/// the given revisions' ancestors (`applied`), in topological order.
pub fn replay(
    migrations: &Migrations,
    graph: &RevisionGraph,
    applied: &BTreeSet<String>,
) -> Result<Schema, VerifyError> {
    let mut schema = Schema::new();
    for rev in graph.topological_order() {
        if !applied.contains(rev) {
            continue;
        }
        let m = migrations.get(rev).expect("graph revisions are known");
        schema
            .apply_all(m.upgrade())
            .map_err(|e| cannot_apply(m, "upgrade", m.upgrade(), e))?;
    }
    Ok(schema)
}
