//! Autogenerate: the ops that take the schema the migrations describe to
//! a live database's ([`plan()`]). The migration file is written from the
//! plan elsewhere; this module plans.
//!
//! Its users in the crate (the writer of migration files, the CLI) are yet
//! to come; until then only the integration tests call it.
#![cfg_attr(not(feature = "testing"), allow(dead_code, unused_imports))]

mod plan;

pub use plan::{plan, Plan, Planned};

use crate::connection::MigrationConnection;
use crate::error::Error;
use crate::Migrator;

impl Migrator {
    /// The plan that takes the model of the applied migrations to the
    /// database on `conn` (compared as [`Migrator::check`] compares them).
    pub(crate) fn autogenerate_plan(
        &self,
        conn: &mut impl MigrationConnection,
    ) -> Result<Plan, Error> {
        let (current, target, differences) = self.autogenerate_inputs(conn)?;
        Ok(plan(&current, &target, &differences))
    }
}

/// For the integration tests only: the planner and a way to run its ops
/// as the migrator would (SQLite rebuilds following the model).
#[cfg(feature = "testing")]
#[doc(hidden)]
pub mod testing {
    pub use super::{Plan, Planned};
    use crate::connection::MigrationConnection;
    use crate::error::{db, Error};
    use crate::ops::Op;
    use crate::schema::Schema;
    use crate::{Difference, Migrator};

    /// [`Migrator`]'s plan for the database on `conn`.
    pub fn plan(migrator: &Migrator, conn: &mut impl MigrationConnection) -> Result<Plan, Error> {
        migrator.autogenerate_plan(conn)
    }

    /// The planner's inputs: current model, target reflection, differences.
    pub fn inputs(
        migrator: &Migrator,
        conn: &mut impl MigrationConnection,
    ) -> Result<(Schema, Schema, Vec<Difference>), Error> {
        migrator.autogenerate_inputs(conn)
    }

    /// The planner on given inputs.
    pub fn plan_of(current: &Schema, target: &Schema, differences: &[Difference]) -> Plan {
        super::plan(current, target, differences)
    }

    /// Runs `ops` on `conn`, whose schema is `model`, with the backend's
    /// rendering and, where it rebuilds tables, its rebuilds made from the
    /// model as the ops change it; returns the model after them.
    pub fn run_ops(
        conn: &mut impl MigrationConnection,
        model: &Schema,
        ops: &[Op],
    ) -> Result<Schema, Error> {
        let mut conn = conn.connection();
        let dialect = conn.dialect();
        let rebuilds = dialect.backend().rebuilds();
        let mut model = model.clone();
        let unsupported = |u: crate::Unsupported| Error::Verify(vec![u.to_string()]);
        for op in ops {
            let mut next = model.clone();
            next.apply(op)
                .map_err(|e| Error::Verify(vec![format!("`{}`: {e}", op.name())]))?;
            let mut statements = Vec::new();
            match rebuilds.and_then(|r| r.tables(op, &model).map(|t| (r, t))) {
                Some((r, tables)) => {
                    let sources = r.sources(op);
                    for t in tables {
                        let (Some(before), Some(after)) = (model.table(&t), next.table(&t)) else {
                            continue;
                        };
                        statements.extend(
                            r.rebuild_sql(before, after, &sources)
                                .map_err(unsupported)?,
                        );
                    }
                }
                None => statements.extend(
                    match rebuilds {
                        Some(r) => r.render_in(op, &model),
                        None => dialect.render(op),
                    }
                    .map_err(unsupported)?,
                ),
            }
            for sql in statements {
                conn.execute(&sql).map_err(db(format!("running {sql}")))?;
            }
            model = next;
        }
        Ok(model)
    }
}
