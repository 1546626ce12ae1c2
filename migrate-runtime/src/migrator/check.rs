//! `check`: the live database against the schema its applied migrations
//! describe, modelled in the backend's scratch space.

use super::{Migrator, OTHER_TOOLS};
use crate::connection::MigrationConnection;
use crate::error::{db, Error};
use crate::introspect::Snapshot;
use crate::migration::Connection;
use crate::ops::Op;
use crate::schema::Schema;
use std::collections::BTreeSet;

impl Migrator {
    /// Compares the live database with the schema its applied migrations
    /// describe, as `alembic check` compares it with the models: the
    /// migrations' ops are replayed on the schema model, which is created in
    /// a scratch space (on PostgreSQL a temporary schema inside a transaction
    /// that is rolled back, a savepoint inside the caller's transaction if one
    /// is open, on SQLite an in-memory database) and read back by
    /// introspection, like the live database. What `execute` and `run` do is
    /// not in the model (see [`Op::is_opaque`]), nor are views and
    /// triggers, which only `execute` makes. On PostgreSQL the
    /// comparison covers the connection's search path; objects the
    /// migrations place in a named schema (`schema = "..."`) are left out
    /// on both sides, and the report names those schemas. Column order and
    /// the names of sequences a column owns are not compared
    /// ([`Snapshot::diff_schema`](crate::introspect::Snapshot::diff_schema));
    /// other tools' version tables and [`Migrator::exclude_table`]'s are left
    /// out, and the report names those found.
    pub fn check(&self, conn: &mut impl MigrationConnection) -> Result<SchemaCheck, Error> {
        self.reading(&mut conn.connection(), |c| self.check_on(c))
    }

    /// [`check`](Migrator::check) against the schema of the migrations at
    /// their heads instead of the applied ones: what `revision
    /// --autogenerate` would write, as a CI gate (`alembic check`). The
    /// database must be at the heads if the migrations manage it.
    pub fn check_heads(&self, conn: &mut impl MigrationConnection) -> Result<SchemaCheck, Error> {
        self.reading(&mut conn.connection(), |c| {
            let c = self.compare(c, Basis::Heads)?;
            Ok(SchemaCheck {
                differences: c.modelled.diff_schema(&c.live),
                not_compared: c.not_compared.into_iter().collect(),
                excluded: c.excluded.into_iter().collect(),
                at: self.graph.heads().into_iter().map(str::to_string).collect(),
            })
        })
    }

    fn check_on(&self, conn: &mut Connection<'_>) -> Result<SchemaCheck, Error> {
        let c = self.compare(conn, Basis::Applied)?;
        Ok(SchemaCheck {
            differences: c.modelled.diff_schema(&c.live),
            not_compared: c.not_compared.into_iter().collect(),
            excluded: c.excluded.into_iter().collect(),
            at: self
                .graph
                .current_heads(&c.applied)
                .into_iter()
                .map(str::to_string)
                .collect(),
        })
    }

    /// Autogenerate's inputs, as `check` compares them: the model of the
    /// applied migrations (current), the live database reflected as a model
    /// (target), and the differences from the model's scratch snapshot to
    /// the live one, followed by the live views and triggers (which the
    /// model never holds, so that they are reported, not lost).
    pub(crate) fn autogenerate_inputs(
        &self,
        conn: &mut impl MigrationConnection,
        basis: Basis,
    ) -> Result<(Schema, Schema, Vec<crate::Difference>), Error> {
        self.reading(&mut conn.connection(), |c| {
            let dialect = c.dialect();
            let compared = self.compare(c, basis)?;
            let target = crate::schema::reflect(&compared.live, dialect)?;
            let mut differences = compared.modelled.diff_schema(&compared.live);
            differences.extend(compared.unmodelled);
            Ok((compared.model, target, differences))
        })
    }

    /// The model of the migrations (as `basis` says) and the live database,
    /// each as a [`Snapshot`], with what both leave out.
    fn compare(&self, conn: &mut Connection<'_>, basis: Basis) -> Result<Compared, Error> {
        let mut conn = conn.connection();
        let rows = self.version_table.read_brief(&mut conn, None)?;
        if let Some((row, p)) = rows.iter().find_map(|r| Some((r, r.progress()?))) {
            return Err(Error::Partial {
                revision: row.revision.clone(),
                problem: format!("{p}; the schema is between two revisions"),
                help: format!(
                    "finish it (`upgrade {}`) or undo what ran (`downgrade`), then check",
                    row.revision
                ),
            });
        }
        let unknown: Vec<String> = rows
            .iter()
            .filter(|r| !self.graph.contains(&r.revision))
            .map(|r| r.revision.clone())
            .collect();
        if !unknown.is_empty() {
            return Err(Error::UnknownApplied { revisions: unknown });
        }
        let applied: BTreeSet<String> = rows.into_iter().map(|r| r.revision).collect();
        self.check_closed(&applied)?;
        let modelled_revisions = match basis {
            Basis::Applied => applied.clone(),
            Basis::Heads => {
                let all: BTreeSet<String> = self
                    .graph
                    .topological_order()
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                // A database the migrations manage must be at their heads:
                // below them, its differences from the heads' schema are
                // the migrations it lacks, not changes to describe.
                if !applied.is_empty() && applied != all {
                    let at = self.graph.current_heads(&applied);
                    return Err(Error::NotAtHeads {
                        at: at.into_iter().map(str::to_string).collect(),
                        heads: self.graph.heads().into_iter().map(str::to_string).collect(),
                    });
                }
                all
            }
        };
        let model = crate::schema::replay(&self.migrations, &self.graph, &modelled_revisions)
            .map_err(|e| Error::Verify(vec![e.to_string()]))?;
        let backend = conn.dialect().backend();
        let (model, not_compared) = if backend.named_schemas() {
            model.without_named_schemas()
        } else {
            (model, BTreeSet::new())
        };
        let ops = model.create_ops().map_err(|e| Error::Verify(vec![e]))?;
        let vt = &self.version_table;
        // Views and triggers can only come from `execute`: not in the model.
        let captured = Snapshot::capture(&mut conn)?;
        let unmodelled = captured
            .clone()
            .without_views_and_triggers()
            .diff_schema(&captured);
        let mut live = captured
            .without_views_and_triggers()
            .without_table(&vt.name);
        if let Some(schema) = &vt.schema {
            // Named unqualified when its schema is the current one.
            live = live.without_table(&format!("{schema}.{}", vt.name));
        }
        for s in &not_compared {
            live = live.without_schema(s);
        }
        // Other tools' tables, and those the caller excludes, on both sides.
        let mut excluded = BTreeSet::new();
        let names = OTHER_TOOLS
            .iter()
            .map(|(table, _)| *table)
            .chain(self.check_excluded.iter().map(String::as_str));
        let mut left_out = Vec::new();
        for name in names {
            if live.table(name).is_some() {
                excluded.insert(name.to_string());
            }
            live = live.without_table(name);
            left_out.push(name);
        }
        // Created and read in a scratch space that leaves nothing in the
        // database.
        let modelled = backend.scratch_snapshot(&mut conn, &ops)?;
        let modelled = left_out
            .iter()
            .fold(modelled, |m, name| m.without_table(name));
        Ok(Compared {
            model,
            modelled,
            live,
            unmodelled,
            not_compared,
            excluded,
            applied,
        })
    }
}

/// Which schema of the migrations a database is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Basis {
    /// The schema of the revisions the database has applied (`check`).
    Applied,
    /// The schema at the heads (autogenerate, `check --from-database`): a
    /// database the migrations manage must be at the heads.
    Heads,
}

/// The two sides `check` compares.
struct Compared {
    model: Schema,
    modelled: Snapshot,
    live: Snapshot,
    /// The live database's views and triggers, as differences from none.
    unmodelled: Vec<crate::Difference>,
    not_compared: BTreeSet<String>,
    excluded: BTreeSet<String>,
    applied: BTreeSet<String>,
}

/// What [`Migrator::check`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SchemaCheck {
    /// The differences, the migrations' value first (each renders as one
    /// line); empty when the database matches.
    pub differences: Vec<crate::Difference>,
    /// Named schemas whose objects were not compared (PostgreSQL).
    pub not_compared: Vec<String>,
    /// Where the database is: its applied revisions that no applied
    /// revision follows (empty at base).
    pub at: Vec<String>,
    /// Tables of the database left out of the comparison: other migration
    /// tools' version tables, and those named by [`Migrator::exclude_table`].
    pub excluded: Vec<String>,
}

/// Creates a modelled schema (its [`Schema::create_ops`](crate::schema::Schema::create_ops)) on a connection:
/// for [`Migrator::check`] and the testing toolkit's model check.
pub(crate) fn create_model(conn: &mut Connection<'_>, ops: &[Op]) -> Result<(), Error> {
    let dialect = conn.dialect();
    for op in ops {
        let statements = dialect.render(op).map_err(|u| {
            Error::Verify(vec![format!(
                "the schema the migrations describe cannot be created on {dialect}: {u}"
            )])
        })?;
        for sql in statements {
            conn.execute(&sql)
                .map_err(db(format!("creating the model's schema: {sql}")))?;
        }
    }
    Ok(())
}
