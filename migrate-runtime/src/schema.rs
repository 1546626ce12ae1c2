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
    let mut problems = Vec::new();
    let mut broken: BTreeSet<String> = BTreeSet::new();
    // The schema after each revision, kept while some child still needs it.
    let mut after: BTreeMap<String, Schema> = BTreeMap::new();
    let mut waiting: BTreeMap<String, usize> = graph
        .topological_order()
        .into_iter()
        .map(|r| (r.to_string(), graph.children(r).len()))
        .collect();
    for rev in graph.topological_order() {
        let m = migrations.get(rev).expect("graph revisions are known");
        let parents = graph.parents(rev);
        if parents.iter().any(|p| broken.contains(p)) {
            // Reported where it broke.
            broken.insert(rev.to_string());
            continue;
        }
        let before = match parents {
            [] => Schema::new(),
            [p] => after.get(p).cloned().unwrap_or_default(),
            _ => {
                let ancestors: BTreeSet<String> = graph
                    .ancestors(rev)
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                match replay(migrations, &graph, &ancestors) {
                    Ok(s) => s,
                    Err(e) => {
                        problems.push(e);
                        broken.insert(rev.to_string());
                        continue;
                    }
                }
            }
        };
        for p in parents {
            if let Some(n) = waiting.get_mut(p) {
                *n -= 1;
                if *n == 0 {
                    after.remove(p);
                }
            }
        }
        let mut schema = before.clone();
        if let Err(e) = schema.apply_all(m.upgrade()) {
            problems.push(cannot_apply(m, "upgrade", m.upgrade(), e));
            broken.insert(rev.to_string());
            continue;
        }
        if let Some(down) = m.downgrade() {
            // What `execute`/`run` do is not in the model.
            if !m.upgrade().iter().chain(down).any(Op::is_opaque) {
                let mut reverted = schema.clone();
                if let Err(e) = reverted.apply_all(down) {
                    problems.push(cannot_apply(m, "downgrade", down, e));
                } else {
                    for d in diff(&before, &reverted) {
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
                }
            }
        }
        if waiting.get(rev).copied().unwrap_or(0) > 0 {
            after.insert(rev.to_string(), schema);
        }
    }
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
