//! The migrator: plans from the revision graph and the version table, and
//! applies the plan under a lock, one transaction per migration with its
//! version row in the same commit.
//!
//! Order of work, so that bad input changes nothing: take the lock; read and
//! check the version table (tampering, edited migrations, revisions this build
//! does not know); resolve the target and plan; render every statement of the
//! plan (an op the database cannot do refuses the whole run); only then create
//! the version table if needed and apply.
//!
//! By concern: this file holds the [`Migrator`], its settings and commands;
//! `apply` the online runs (the lock through the backend, per-migration
//! transactions, version rows, checksums); `render` the statements of each
//! step (with the backend's table rebuilds); `offline` the SQL scripts;
//! `progress` the migrations that stop part-way outside a transaction
//! (resumed or undone); `check` the comparison of the live schema with the migrations'.

mod apply;
mod at_head;
mod check;
mod offline;
mod progress;
mod render;

pub use check::SchemaCheck;
pub(crate) use check::{create_model, Basis};

use crate::connection::MigrationConnection;
use crate::dialect::Unsupported;
use crate::error::Error;
use crate::graph::{Direction, RevisionGraph};
use crate::migration::{Connection, Migration, Migrations};
use crate::ops::Op;
use crate::version::{AppliedRevision, VersionTable};
use std::collections::BTreeSet;
use std::time::Duration;

/// What the migrator reports as it goes, for a CLI or a log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A migration starts: `Running upgrade a -> b, message`.
    Running {
        /// Up or down.
        direction: Direction,
        /// The revision.
        revision: String,
        /// Its parents (upgrade) or what remains (downgrade): the left side.
        from: Vec<String>,
        /// Its message.
        message: String,
    },
    /// That migration committed, with its version row.
    Done {
        /// The revision.
        revision: String,
        /// How long it took.
        duration: Duration,
    },
}

impl Event {
    /// Alembic's wording: `Running upgrade 1a2b -> 9f8e, add role to users`.
    pub fn describe(&self) -> Option<String> {
        match self {
            Event::Running {
                direction,
                revision,
                from,
                message,
            } => {
                let from = from.join(", ");
                Some(match direction {
                    Direction::Up => format!("Running upgrade {from} -> {revision}, {message}"),
                    Direction::Down => format!("Running downgrade {revision} -> {from}, {message}"),
                })
            }
            Event::Done { .. } => None,
        }
    }
}

type Listener = Box<dyn Fn(&Event) + Send + Sync>;

/// Applies one crate's migrations to a database.
///
/// ```no_run
/// # fn demo(migrations: migrate_runtime::Migrations, conn: &mut diesel::SqliteConnection) -> Result<(), migrate_runtime::Error> {
/// use migrate_runtime::Migrator;
/// let migrator = Migrator::new(migrations)?;
/// migrator.upgrade(conn, "head")?;
/// migrator.downgrade(conn, "-1")?;
/// # Ok(()) }
/// ```
pub struct Migrator {
    migrations: Migrations,
    graph: RevisionGraph,
    version_table: VersionTable,
    lock_timeout: Duration,
    statement_timeout: Option<Duration>,
    pg_lock_timeout: Option<Duration>,
    allow_unknown_applied: bool,
    connection_closes_after: bool,
    listener: Option<Listener>,
    check_excluded: Vec<String>,
}

/// The version tables of other migration tools, and the tools: `check`
/// leaves them out, and a first run that finds one says so.
pub(crate) const OTHER_TOOLS: &[(&str, &str)] = &[
    ("alembic_version", "Alembic"),
    ("__diesel_schema_migrations", "diesel_migrations"),
    ("_sqlx_migrations", "sqlx"),
    ("refinery_schema_history", "refinery"),
];

impl Migrator {
    /// A migrator for a set of migrations (a crate's `migrations()`).
    pub fn new(migrations: Migrations) -> Result<Self, Error> {
        let graph = RevisionGraph::from_migrations(&migrations)?;
        Ok(Migrator {
            migrations,
            graph,
            version_table: VersionTable::default(),
            lock_timeout: Duration::from_secs(60),
            statement_timeout: None,
            pg_lock_timeout: None,
            allow_unknown_applied: false,
            connection_closes_after: false,
            listener: None,
            check_excluded: Vec::new(),
        })
    }

    /// Uses another version table (default `migrate_revisions`).
    pub fn version_table(mut self, name: impl Into<String>, schema: Option<String>) -> Self {
        self.version_table = VersionTable {
            schema,
            name: name.into(),
        };
        self
    }

    /// How long to wait for another process's migration lock (default 60 s).
    pub fn lock_timeout(mut self, timeout: Duration) -> Self {
        self.lock_timeout = timeout;
        self
    }

    /// PostgreSQL `lock_timeout` for the migrations' statements: a DDL statement
    /// waiting longer than this for a table lock fails instead of queueing
    /// every query behind it.
    pub fn postgres_lock_timeout(mut self, timeout: Duration) -> Self {
        self.pg_lock_timeout = Some(timeout);
        self
    }

    /// PostgreSQL `statement_timeout` for the migrations' statements.
    pub fn statement_timeout(mut self, timeout: Duration) -> Self {
        self.statement_timeout = Some(timeout);
        self
    }

    /// Lets this build run against a database that a newer build already
    /// migrated further (rolling deploys): revisions it does not know are left
    /// alone instead of refused. A downgrade is refused while they are
    /// applied, with or without this: they may build on what it would revert.
    pub fn allow_unknown_applied(mut self, allow: bool) -> Self {
        self.allow_unknown_applied = allow;
        self
    }

    /// Says that the connection is closed right after the run (a command
    /// line's): on PostgreSQL the session's settings are then not reset nor
    /// the lock released by a statement of their own, since the server does
    /// both when the connection ends. Saves a round trip on every deploy;
    /// leave it off for a connection that lives on.
    pub fn connection_closes_after(mut self, closes: bool) -> Self {
        self.connection_closes_after = closes;
        self
    }

    /// Leaves a table out of [`Migrator::check`] (repeatable): one that is
    /// not the migrations' business. The version tables of other migration
    /// tools (`alembic_version`, `__diesel_schema_migrations`,
    /// `_sqlx_migrations`, `refinery_schema_history`) are left out without it.
    pub fn exclude_table(mut self, name: impl Into<String>) -> Self {
        self.check_excluded.push(name.into());
        self
    }

    /// Calls `f` for every [`Event`].
    pub fn on_event(mut self, f: impl Fn(&Event) + Send + Sync + 'static) -> Self {
        self.listener = Some(Box::new(f));
        self
    }

    /// The revision graph.
    pub fn graph(&self) -> &RevisionGraph {
        &self.graph
    }

    /// The migrations.
    pub fn migrations(&self) -> &Migrations {
        &self.migrations
    }

    #[cfg(feature = "cli")]
    /// Tables no migration describes: the version table and other
    /// migration tools' (as `check` leaves them out).
    pub(crate) fn bookkeeping_tables(&self) -> Vec<(Option<&str>, &str)> {
        let mut out = vec![(
            self.version_table.schema.as_deref(),
            &*self.version_table.name,
        )];
        out.extend(OTHER_TOOLS.iter().map(|(t, _)| (None, *t)));
        out
    }

    fn migration(&self, revision: &str) -> &'static Migration {
        self.migrations
            .get(revision)
            .expect("the graph only holds known revisions")
    }

    /// Reports a step to the listener (`on_event`) and as a `tracing` event.
    fn emit(&self, e: Event) {
        match &e {
            Event::Running {
                direction,
                revision,
                from,
                message,
            } => tracing::info!(
                %direction,
                revision = revision.as_str(),
                from = from.join(", ").as_str(),
                message = message.as_str(),
                "running {direction} of {revision}"
            ),
            Event::Done { revision, duration } => tracing::info!(
                revision = revision.as_str(),
                duration_ms = duration.as_millis() as u64,
                "{revision} committed"
            ),
        }
        if let Some(l) = &self.listener {
            l(&e);
        }
    }

    /// The heads, newest first.
    pub fn heads(&self) -> Vec<&'static Migration> {
        self.graph
            .heads()
            .into_iter()
            .map(|r| self.migration(r))
            .collect()
    }

    /// Every migration, newest first (a parent after all its children).
    pub fn history(&self) -> Vec<&'static Migration> {
        let mut order: Vec<&'static Migration> = self
            .graph
            .topological_order()
            .into_iter()
            .map(|r| self.migration(r))
            .collect();
        order.reverse();
        order
    }

    /// The migrations of a range (`a:b`, `base:head`, ...), newest first.
    pub fn history_range(&self, range: &str) -> Result<Vec<&'static Migration>, Error> {
        Ok(self
            .graph
            .range(range)?
            .into_iter()
            .map(|r| self.migration(r))
            .collect())
    }

    /// Every row of the version table (empty when it does not exist yet),
    /// a partial revision's too ([`AppliedRevision::progress`]).
    pub fn applied(
        &self,
        conn: &mut impl MigrationConnection,
    ) -> Result<Vec<AppliedRevision>, Error> {
        self.reading(&mut conn.connection(), |c| self.version_table.read(c))
    }

    /// Runs a read (`current`, `check`) that waits up to the lock timeout
    /// for another process's migration, as a run does (SQLite's file lock).
    fn reading<T>(
        &self,
        conn: &mut Connection<'_>,
        read: impl FnOnce(&mut Connection<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let mut read = Some(read);
        let mut out = None;
        conn.dialect()
            .backend()
            .reading(conn, self.lock_timeout, &mut |c| {
                let read = read.take().expect("a read runs once");
                out = Some(read(c)?);
                Ok(())
            })?;
        Ok(out.expect("the read ran"))
    }

    /// The applied revisions no applied revision follows: where the database
    /// is, as `alembic current` says it. Unknown revisions are included, and
    /// a partial revision stands for where it is ([`AppliedRevision::progress`]).
    pub fn current(
        &self,
        conn: &mut impl MigrationConnection,
    ) -> Result<Vec<AppliedRevision>, Error> {
        let rows = self.applied(conn)?;
        let applied: BTreeSet<&str> = rows.iter().map(|r| r.revision.as_str()).collect();
        Ok(rows
            .iter()
            .filter(|r| {
                !self.graph.contains(&r.revision)
                    || !self
                        .graph
                        .children(&r.revision)
                        .iter()
                        .any(|c| applied.contains(c))
            })
            .cloned()
            .collect())
    }

    /// Applies migrations up to `target` (`head`, `heads`, `+2`, an id, ...).
    pub fn upgrade(
        &self,
        conn: &mut impl MigrationConnection,
        target: &str,
    ) -> Result<Vec<String>, Error> {
        let mut conn = conn.connection();
        // At the target already: done without the lock (see `at_head`).
        if self.at_target_unlocked(&mut conn, target) {
            return Ok(Vec::new());
        }
        self.run(&mut conn, Mode::Upgrade(target))
    }

    /// Reverts migrations down to `target` (`-1`, `base`, an id, ...).
    pub fn downgrade(
        &self,
        conn: &mut impl MigrationConnection,
        target: &str,
    ) -> Result<Vec<String>, Error> {
        self.run(&mut conn.connection(), Mode::Downgrade(target))
    }

    /// Records the database as being at `target` without running anything
    /// (`purge`: forget every recorded revision first, unknown ones too).
    /// Returns what it recorded and which revisions it removed.
    pub fn stamp(
        &self,
        conn: &mut impl MigrationConnection,
        target: &str,
        purge: bool,
    ) -> Result<Stamped, Error> {
        let removed = std::cell::Cell::new(Vec::new());
        let recorded = self.run(
            &mut conn.connection(),
            Mode::Stamp {
                target,
                purge,
                removed: &removed,
            },
        )?;
        Ok(Stamped {
            recorded,
            removed: removed.take(),
        })
    }

    /// Adopts a database Alembic migrated (`stamp --from-alembic`): records
    /// the revisions `alembic_version` holds and all their ancestors as
    /// applied, with these migrations' checksums (migrations made from the
    /// same revision files by `import-alembic`). `alembic_version` stays
    /// (Alembic can still read the database) unless `drop_alembic_version`.
    /// Nothing runs; a revision these migrations do not have is refused.
    pub fn stamp_from_alembic(
        &self,
        conn: &mut impl MigrationConnection,
        drop_alembic_version: bool,
    ) -> Result<Stamped, Error> {
        let recorded = self.run(
            &mut conn.connection(),
            Mode::StampAlembic(drop_alembic_version),
        )?;
        Ok(Stamped {
            recorded,
            removed: Vec::new(),
        })
    }

    /// Adopts a database diesel_migrations migrated (`stamp --from-diesel`):
    /// records the versions `__diesel_schema_migrations` holds as applied,
    /// with these migrations' checksums (migrations made from the same
    /// folders by `import-diesel`, whose revision ids are diesel's versions).
    /// Nothing runs, and diesel's table stays. Refused, with nothing
    /// changed, when a recorded version has no migration here or one before
    /// it here is not recorded.
    pub fn stamp_from_diesel(&self, conn: &mut impl MigrationConnection) -> Result<Stamped, Error> {
        self.stamp_from(conn, OtherTool::Diesel)
    }

    /// Adopts a database sqlx migrated (`stamp --from-sqlx`), as
    /// [`Migrator::stamp_from_diesel`] does from `_sqlx_migrations`
    /// (migrations made by `import-sqlx`). Also refused when sqlx recorded a
    /// version as failed, or a checksum that differs from the SQL of its
    /// migration here (the file was edited after sqlx ran it).
    pub fn stamp_from_sqlx(&self, conn: &mut impl MigrationConnection) -> Result<Stamped, Error> {
        self.stamp_from(conn, OtherTool::Sqlx)
    }

    fn stamp_from(
        &self,
        conn: &mut impl MigrationConnection,
        tool: OtherTool,
    ) -> Result<Stamped, Error> {
        let recorded = self.run(&mut conn.connection(), Mode::StampTool(tool))?;
        Ok(Stamped {
            recorded,
            removed: Vec::new(),
        })
    }

    /// Re-records the checksum of an applied revision whose upgrade was
    /// deliberately edited.
    pub fn repair(
        &self,
        conn: &mut impl MigrationConnection,
        revision: &str,
    ) -> Result<Vec<String>, Error> {
        self.run(&mut conn.connection(), Mode::Repair(revision))
    }

    /// Every applied revision's parents are applied: the table records all
    /// applied revisions, so a gap means rows were deleted or edited, and a
    /// plan built on it would re-run a migration whose objects exist.
    fn check_closed(&self, applied: &BTreeSet<String>) -> Result<(), Error> {
        for rev in self.graph.topological_order() {
            if !applied.contains(rev) {
                continue;
            }
            if let Some(parent) = self
                .graph
                .parents(rev)
                .iter()
                .find(|p| !applied.contains(**p))
            {
                // The applied revisions no other applied revision descends from.
                let mut below = BTreeSet::new();
                for r in applied {
                    let mut ancestors = self.closure(Some(r))?;
                    ancestors.remove(r);
                    below.extend(ancestors);
                }
                let tops: Vec<String> = applied
                    .difference(&below)
                    .map(|r| format!("`stamp {r}`"))
                    .collect();
                return Err(Error::VersionTable {
                    table: self.version_table.display(),
                    problem: format!("revision {rev} is recorded as applied, but its parent {parent} is not"),
                    help: format!("rows were deleted or edited outside this tool; if the schema is where the table says, record what is missing with {}, else restore the table from a backup", tops.join(" and ")),
                });
            }
        }
        Ok(())
    }

    /// The revisions a database at `at` has applied: `at` and its ancestors.
    fn closure(&self, at: Option<&str>) -> Result<BTreeSet<String>, Error> {
        match at {
            None => Ok(BTreeSet::new()),
            Some(at) => Ok(self
                .graph
                .upgrade_plan(&BTreeSet::new(), at)?
                .into_iter()
                .map(|s| s.revision)
                .collect()),
        }
    }

    fn unsupported(&self, revision: &str, op_index: usize, source: Unsupported) -> Error {
        let message = self
            .migrations
            .get(revision)
            .map(|m| m.message().to_string())
            .unwrap_or_default();
        Error::Unsupported {
            revision: revision.to_string(),
            message,
            op_index,
            source,
        }
    }

    fn ops(&self, m: &'static Migration, direction: Direction) -> Result<&'static [Op], Error> {
        match direction {
            Direction::Up => Ok(m.upgrade()),
            Direction::Down => m.downgrade().ok_or_else(|| Error::Irreversible {
                revision: m.revision().to_string(),
                message: m.message().to_string(),
            }),
        }
    }

    /// Where the database is, for error messages: its current heads.
    fn position(&self, applied: &BTreeSet<String>) -> String {
        let heads = self.graph.current_heads(applied);
        if !heads.is_empty() {
            heads.join(", ")
        } else if applied.is_empty() {
            "base (no revision applied)".into()
        } else {
            let unknown: Vec<&str> = applied.iter().map(String::as_str).collect();
            format!(
                "{} (revisions this build does not know)",
                unknown.join(", ")
            )
        }
    }
}

#[derive(Clone, Copy)]
enum Mode<'a> {
    Upgrade(&'a str),
    Downgrade(&'a str),
    Stamp {
        target: &'a str,
        purge: bool,
        /// Out: the revisions whose rows the stamp deleted for good.
        removed: &'a std::cell::Cell<Vec<String>>,
    },
    Repair(&'a str),
    /// `stamp --from-alembic`: the heads `alembic_version` holds and their
    /// ancestors; with `true`, `alembic_version` is dropped.
    StampAlembic(bool),
    /// `stamp --from-diesel`, `stamp --from-sqlx`: the versions the tool
    /// recorded.
    StampTool(OtherTool),
}

/// A migration tool whose version table `stamp` can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OtherTool {
    Diesel,
    Sqlx,
}

impl OtherTool {
    /// Its version table.
    pub(crate) fn table(self) -> &'static str {
        match self {
            OtherTool::Diesel => "__diesel_schema_migrations",
            OtherTool::Sqlx => "_sqlx_migrations",
        }
    }

    /// Its name, as [`OTHER_TOOLS`] gives it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            OtherTool::Diesel => "diesel_migrations",
            OtherTool::Sqlx => "sqlx",
        }
    }

    /// The command that imports its migrations.
    pub(crate) fn import_command(self) -> &'static str {
        match self {
            OtherTool::Diesel => "import-diesel <migrations dir>",
            OtherTool::Sqlx => "import-sqlx <migrations dir>",
        }
    }
}

fn show(revisions: &[String]) -> String {
    if revisions.is_empty() {
        "<base>".into()
    } else {
        revisions.join(", ")
    }
}

/// What [`Migrator::stamp`] changed in the version table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stamped {
    /// The revisions it recorded as applied.
    pub recorded: Vec<String>,
    /// The revisions whose rows it deleted (stamping down, or `purge`) and
    /// did not record again.
    pub removed: Vec<String>,
}
