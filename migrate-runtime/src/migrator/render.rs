//! The statements of each step of a plan, following the schema model where
//! the backend rebuilds tables (the backend plans and writes the rebuild;
//! the renderer orders it among the op's statements).

use super::Migrator;
use crate::backend::Rebuilds;
use crate::dialect::{Dialect, Unsupported};
use crate::error::Error;
use crate::graph::Step;
use crate::ops::Op;
use crate::schema::Schema;
use std::collections::BTreeSet;

impl Migrator {
    /// The statements of a whole plan (for offline SQL).
    pub(super) fn render_plan(
        &self,
        dialect: Dialect,
        plan: &[Step],
        applied: &BTreeSet<String>,
    ) -> Result<Vec<Vec<(usize, Stmt)>>, Error> {
        let mut renderer = Renderer::new(self, dialect, applied);
        plan.iter().map(|step| renderer.step(step)).collect()
    }
}

/// Renders a plan's steps in order, following the schema model where the
/// backend rebuilds tables (a rebuild is made from the table as the
/// migrations describe it at that point).
#[derive(Clone)]
pub(super) struct Renderer<'m> {
    migrator: &'m Migrator,
    dialect: Dialect,
    /// The backend's rebuilds, if it has any.
    rebuilds: Option<&'static dyn Rebuilds>,
    model: Result<Schema, String>,
}

impl<'m> Renderer<'m> {
    pub(super) fn new(
        migrator: &'m Migrator,
        dialect: Dialect,
        applied: &BTreeSet<String>,
    ) -> Self {
        let rebuilds = dialect.backend().rebuilds();
        let model = if dialect.backend().follows_model() {
            crate::schema::replay(&migrator.migrations, &migrator.graph, applied)
                .map_err(|e| e.to_string())
        } else {
            Err(String::new())
        };
        Renderer {
            migrator,
            dialect,
            rebuilds,
            model,
        }
    }

    /// The next step's statements.
    pub(super) fn step(&mut self, step: &Step) -> Result<Vec<(usize, Stmt)>, Error> {
        let m = self.migrator.migration(&step.revision);
        let ops = self.migrator.ops(m, step.direction)?;
        self.ops(m, ops)
    }

    /// Follows `ops` in the schema model without rendering them: what a
    /// migration that stopped part-way did before this run.
    pub(super) fn advance(&mut self, ops: &[Op]) {
        if let Ok(schema) = &mut self.model {
            for op in ops {
                if let Err(e) = schema.apply(op) {
                    self.model = Err(format!("`{}`: {e}", op.name()));
                    return;
                }
            }
        }
    }

    /// The statements of `ops`, as migration `m`'s (an undo of part of it).
    pub(super) fn ops(
        &mut self,
        m: &'static crate::migration::Migration,
        ops: &[Op],
    ) -> Result<Vec<(usize, Stmt)>, Error> {
        let no_model = Schema::new();
        let mut statements = Vec::new();
        for (i, op) in ops.iter().enumerate() {
            if let Op::Run { function } = op {
                statements.push((i, Stmt::Run(function.to_string())));
                continue;
            }
            // Without the model only the native forms are possible.
            let rebuild = self.rebuilds.and_then(|r| {
                r.tables(op, self.model.as_ref().unwrap_or(&no_model))
                    .map(|tables| (r, tables))
            });
            match rebuild {
                Some((rebuilds, tables)) => {
                    let schema = match &self.model {
                        Ok(s) => s.clone(),
                        Err(why) => {
                            return Err(self.migrator.unsupported(
                                m.revision(),
                                i + 1,
                                Unsupported::new(
                                    op.name(),
                                    self.dialect,
                                    format!("{} needs a table rebuild for this, made from the schema the migrations describe, and that schema cannot be followed here ({why})", self.dialect),
                                    "make the earlier migrations describe their tables with ops (not `execute`), or run this migration on PostgreSQL",
                                ),
                            ))
                        }
                    };
                    let mut next = schema.clone();
                    next.apply(op).map_err(|e| {
                        self.migrator.unsupported(
                            m.revision(),
                            i + 1,
                            Unsupported::new(
                                op.name(),
                                self.dialect,
                                format!(
                                    "it cannot apply to the schema the migrations describe: {e}"
                                ),
                                "check the migration with `verify`",
                            ),
                        )
                    })?;
                    let sources = rebuilds.sources(op);
                    for t in tables {
                        let (Some(before), Some(after)) = (schema.table(&t), next.table(&t)) else {
                            continue;
                        };
                        statements.push((
                            i,
                            Stmt::ExpectColumns {
                                table: t.name.to_string(),
                                columns: before
                                    .columns
                                    .iter()
                                    .map(|c| c.name.to_string())
                                    .collect(),
                            },
                        ));
                        for sql in rebuilds
                            .rebuild_sql(before, after, &sources)
                            .map_err(|u| self.migrator.unsupported(m.revision(), i + 1, u))?
                        {
                            statements.push((i, Stmt::Sql(sql)));
                        }
                    }
                    self.model = Ok(next);
                }
                None => {
                    let backend = self.dialect.backend();
                    let rendered = if backend.follows_model() {
                        backend.render_in(op, self.model.as_ref().ok())
                    } else {
                        backend.render(op)
                    };
                    for sql in
                        rendered.map_err(|u| self.migrator.unsupported(m.revision(), i + 1, u))?
                    {
                        statements.push((i, Stmt::Sql(sql)));
                    }
                    if let Ok(schema) = &mut self.model {
                        if let Err(e) = schema.apply(op) {
                            self.model = Err(format!(
                                "{} op {} `{}`: {e}",
                                m.revision(),
                                i + 1,
                                op.name()
                            ));
                        }
                    }
                }
            }
        }
        Ok(statements)
    }
}

/// One thing a migration does, in order.
#[derive(Clone, Debug)]
pub(super) enum Stmt {
    Sql(String),
    /// A `run` op: call the function.
    Run(String),
    /// Before a table rebuild: the table must have exactly these columns.
    ExpectColumns {
        table: String,
        columns: Vec<String>,
    },
}
