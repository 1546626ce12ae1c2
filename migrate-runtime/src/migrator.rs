//! The migrator: plans from the revision graph and the version table, and
//! applies the plan under a lock, one transaction per migration with its
//! version row in the same commit.
//!
//! Order of work, so that bad input changes nothing: take the lock; read and
//! check the version table (tampering, edited migrations, revisions this build
//! does not know); resolve the target and plan; render every statement of the
//! plan (an op the database cannot do refuses the whole run); only then create
//! the version table if needed and apply.

use crate::backend::{Rebuilds, RunSettings};
use crate::connection::MigrationConnection;
use crate::dialect::{Dialect, Unsupported};
use crate::error::{db, ChecksumMismatch, Error};
use crate::graph::{Direction, RevisionGraph, Step};
use crate::migration::{Connection, Migration, Migrations};
use crate::ops::{Op, StoredChecksum};
use crate::schema::Schema;
use crate::version::{AppliedRevision, VersionTable};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

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

    fn migration(&self, revision: &str) -> &'static Migration {
        self.migrations
            .get(revision)
            .expect("the graph only holds known revisions")
    }

    fn emit(&self, e: Event) {
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

    /// Every row of the version table (empty when it does not exist yet).
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
    /// is, as `alembic current` says it. Unknown revisions are included.
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
        self.run(&mut conn.connection(), Mode::Upgrade(target))
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

    /// Re-records the checksum of an applied revision whose upgrade was
    /// deliberately edited.
    pub fn repair(
        &self,
        conn: &mut impl MigrationConnection,
        revision: &str,
    ) -> Result<Vec<String>, Error> {
        self.run(&mut conn.connection(), Mode::Repair(revision))
    }

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

    fn check_on(&self, conn: &mut Connection<'_>) -> Result<SchemaCheck, Error> {
        let mut conn = conn.connection();
        let rows = self.version_table.read_brief(&mut conn, None)?;
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
        let model = crate::schema::replay(&self.migrations, &self.graph, &applied)
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
        let mut live = crate::introspect::Snapshot::capture(&mut conn)?
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
        Ok(SchemaCheck {
            differences: modelled.diff_schema(&live),
            not_compared: not_compared.into_iter().collect(),
            excluded: excluded.into_iter().collect(),
            at: self
                .graph
                .current_heads(&applied)
                .into_iter()
                .map(str::to_string)
                .collect(),
        })
    }

    /// The SQL of an upgrade from `from` (default: base) to `to`, version table
    /// statements included, without a connection.
    pub fn upgrade_sql(
        &self,
        dialect: Dialect,
        from: Option<&str>,
        to: &str,
    ) -> Result<String, Error> {
        let applied = self.closure(from)?;
        let plan = self.graph.upgrade_plan(&applied, to)?;
        self.offline(dialect, &plan, &applied, applied.is_empty())
    }

    /// The SQL of a downgrade from `from` to `to`, without a connection.
    pub fn downgrade_sql(&self, dialect: Dialect, from: &str, to: &str) -> Result<String, Error> {
        let applied = self.closure(Some(from))?;
        let plan = self.graph.downgrade_plan(&applied, to)?;
        self.offline(dialect, &plan, &applied, false)
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
                .find(|p| !applied.contains(*p))
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

    /// The SQL of `stamp` from `from` (default: base) to `to`, without a
    /// connection: the version table is created if missing, rows the target
    /// does not include are deleted (with `purge`, every row), the target's
    /// revisions inserted. No migration runs.
    pub fn stamp_sql(
        &self,
        dialect: Dialect,
        from: Option<&str>,
        to: &str,
        purge: bool,
    ) -> Result<String, Error> {
        let have = self.closure(from)?;
        let recorded: Vec<&str> = self
            .graph
            .topological_order()
            .into_iter()
            .filter(|r| have.contains(*r))
            .collect();
        let (sql, _) = self.stamp_statements(dialect, &recorded, to, purge)?;
        let create = self
            .version_table
            .create_sql(dialect)
            .map_err(|u| self.unsupported("version table", 0, u))?;
        let mut out = script_start(dialect);
        out.push('\n');
        out.push_str(&comment(&format!("Stamping {to}")));
        out.push_str(&format!("BEGIN;\n{create};\n"));
        for s in sql {
            out.push_str(&s);
            out.push_str(";\n");
        }
        out.push_str("COMMIT;\n");
        Ok(out)
    }

    /// The version-table statements that stamp a database holding `recorded`
    /// at `target`, the revisions they record, and those whose rows they
    /// delete for good.
    fn stamp_statements(
        &self,
        dialect: Dialect,
        recorded: &[&str],
        target: &str,
        purge: bool,
    ) -> Result<(Vec<String>, Stamped), Error> {
        let wanted = self.closure(Some(target).filter(|t| *t != "base"))?;
        let have: BTreeSet<&str> = recorded.iter().copied().collect();
        let vt = &self.version_table;
        let mut sql = Vec::new();
        let mut removed = Vec::new();
        for &r in recorded {
            let known = self.graph.contains(r);
            // Forget what the target does not include; with `purge`,
            // everything (known rows are re-recorded below).
            if purge || (known && !wanted.contains(r)) {
                sql.push(
                    vt.delete_sql(dialect, r)
                        .map_err(|u| self.unsupported(r, 0, u))?,
                );
                if !wanted.contains(r) {
                    removed.push(r.to_string());
                }
            }
        }
        let mut stamped = Vec::new();
        for rev in self.graph.topological_order() {
            if wanted.contains(rev) && (purge || !have.contains(rev)) {
                let m = self.migration(rev);
                sql.push(
                    vt.insert_sql(dialect, rev, &m.checksum().stored(), 0)
                        .map_err(|u| self.unsupported(rev, 0, u))?,
                );
                stamped.push(rev.to_string());
            }
        }
        Ok((
            sql,
            Stamped {
                recorded: stamped,
                removed,
            },
        ))
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

    fn offline(
        &self,
        dialect: Dialect,
        plan: &[Step],
        applied: &BTreeSet<String>,
        create_table: bool,
    ) -> Result<String, Error> {
        let vt = &self.version_table;
        let mut out = String::new();
        let backend = dialect.backend();
        let (before_migrations, after_migrations) = backend.script_migrations_around();
        out.push_str(&script_start(dialect));
        out.push_str(before_migrations);
        let rendered = self.render_plan(dialect, plan, applied)?;
        let rebuilds = rendered
            .iter()
            .flatten()
            .any(|(_, s)| matches!(s, Stmt::ExpectColumns { .. }));
        if let Some(r) = backend.rebuilds().filter(|_| rebuilds) {
            out.push_str(&comment(r.script_note()));
        }
        if create_table {
            out.push_str(&format!(
                "\n{};\n",
                vt.create_sql(dialect)
                    .map_err(|u| self.unsupported("version table", 0, u))?
            ));
        }
        for (step, statements) in plan.iter().zip(rendered) {
            let m = self.migration(&step.revision);
            let (what, arrow) = match step.direction {
                Direction::Up => (
                    "upgrade",
                    format!("{} -> {}", show(&step.parents), m.revision()),
                ),
                Direction::Down => (
                    "downgrade",
                    format!("{} -> {}", m.revision(), show(&step.parents)),
                ),
            };
            out.push('\n');
            out.push_str(&comment(&format!(
                "Running {what} {arrow}, {}",
                m.message()
            )));
            let transactional = m.transactional();
            if transactional {
                out.push_str("BEGIN;\n");
            }
            for (i, statement) in statements {
                match statement {
                    // psql and sqlite3 end a line at a NUL and run what
                    // follows it as SQL; no database keeps one in text.
                    Stmt::Sql(sql) if sql.contains('\0') => {
                        return Err(Error::Offline {
                            revision: m.revision().to_string(),
                            message: m.message().to_string(),
                            reason: format!("op {} writes a NUL character (`\\0`) into the script, where psql and sqlite3 would end the line and run the rest as SQL (and PostgreSQL text cannot hold it)\nhelp: remove the NUL from the op's values", i + 1),
                        })
                    }
                    Stmt::Sql(sql) => push_statement(&mut out, &sql),
                    Stmt::ExpectColumns { table, columns } => {
                        out.push_str(&comment(&format!("rebuilding \"{table}\", which must have the columns {}", columns.join(", "))));
                        let context = format!("{} ({})", m.revision(), m.message().replace('\0', "\\0"));
                        let guard = backend.rebuilds().map(|r| r.guard(&table, &columns, &context));
                        for sql in guard.into_iter().flatten() {
                            push_statement(&mut out, &sql);
                        }
                    }
                    Stmt::Run(function) => {
                        return Err(Error::Offline {
                            revision: m.revision().to_string(),
                            message: m.message().to_string(),
                            reason: format!("`run({function})` is Rust code, which SQL cannot contain; apply this migration online"),
                        })
                    }
                }
            }
            let version = match step.direction {
                Direction::Up => vt.insert_sql(dialect, m.revision(), &m.checksum().stored(), 0),
                Direction::Down => vt.delete_sql(dialect, m.revision()),
            }
            .map_err(|u| self.unsupported(m.revision(), 0, u))?;
            out.push_str(&version);
            out.push_str(";\n");
            if transactional {
                out.push_str("COMMIT;\n");
            }
        }
        out.push_str(after_migrations);
        Ok(out)
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

    /// The statements of a whole plan (for offline SQL).
    fn render_plan(
        &self,
        dialect: Dialect,
        plan: &[Step],
        applied: &BTreeSet<String>,
    ) -> Result<Vec<Vec<(usize, Stmt)>>, Error> {
        let mut renderer = Renderer::new(self, dialect, applied);
        plan.iter().map(|step| renderer.step(step)).collect()
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

    // -- online -------------------------------------------------------------

    fn run(&self, conn: &mut Connection<'_>, mode: Mode<'_>) -> Result<Vec<String>, Error> {
        let settings = RunSettings {
            version_table: &self.version_table,
            lock_timeout: self.lock_timeout,
            ddl_lock_timeout: self.pg_lock_timeout,
            statement_timeout: self.statement_timeout,
            connection_closes_after: self.connection_closes_after,
        };
        // Stamp and repair write in one go, under the lock throughout.
        let whole = matches!(mode, Mode::Stamp { .. } | Mode::Repair(_));
        conn.dialect()
            .backend()
            .locked(conn, &settings, whole, &mut |c, table_exists| {
                self.locked(c, mode, table_exists)
            })
    }

    /// With the lock held: check, plan, render, apply.
    fn locked(
        &self,
        conn: &mut Connection<'_>,
        mode: Mode<'_>,
        table_exists: Option<bool>,
    ) -> Result<Vec<String>, Error> {
        let dialect = conn.dialect();
        let rows = match mode {
            // Replaces every row: a damaged one is what it mends.
            Mode::Stamp { purge: true, .. } => {
                self.version_table
                    .read_unvalidated(conn, false, table_exists)?
            }
            _ => self.version_table.read_brief(conn, table_exists)?,
        };
        let mut unknown: Vec<String> = rows
            .iter()
            .filter(|r| !self.graph.contains(&r.revision))
            .map(|r| r.revision.clone())
            .collect();
        unknown.sort();
        // Only running migrations is refused; stamp and repair are the tools
        // to mend the table, and leave unknown rows alone (or purge them).
        let runs = matches!(mode, Mode::Upgrade(_) | Mode::Downgrade(_));
        // The unknown revisions may build on anything this build would
        // revert: the opt-in covers running beside them, not beneath them.
        if !unknown.is_empty() && matches!(mode, Mode::Downgrade(_)) {
            return Err(Error::DowngradeUnderUnknown { revisions: unknown });
        }
        if !unknown.is_empty() && !self.allow_unknown_applied && runs {
            return Err(Error::UnknownApplied { revisions: unknown });
        }
        if matches!(mode, Mode::Upgrade(_)) && rows.is_empty() {
            let exists = match table_exists {
                Some(known) => known,
                None => self.version_table.exists(conn)?,
            };
            if !exists {
                self.refuse_other_tools(conn)?;
            }
        }
        if !matches!(mode, Mode::Repair(_) | Mode::Stamp { .. }) {
            self.verify_checksums(&rows)?;
        }
        let applied: BTreeSet<String> = rows
            .iter()
            .filter(|r| self.graph.contains(&r.revision))
            .map(|r| r.revision.clone())
            .collect();
        if runs {
            self.check_closed(&applied)?;
        }
        match mode {
            Mode::Upgrade(target) => {
                let plan = self.graph.upgrade_plan(&applied, target)?;
                self.apply(conn, dialect, &plan, applied)
            }
            Mode::Downgrade(target) => {
                let plan = self.graph.downgrade_plan(&applied, target)?;
                self.apply(conn, dialect, &plan, applied)
            }
            Mode::Stamp {
                target,
                purge,
                removed,
            } => {
                let recorded: Vec<&str> = rows.iter().map(|r| r.revision.as_str()).collect();
                let (sql, stamped) = self.stamp_statements(dialect, &recorded, target, purge)?;
                let vt = &self.version_table;
                let create = vt
                    .create_sql(dialect)
                    .map_err(|u| self.unsupported("version table", 0, u))?;
                conn.transaction(|c| {
                    c.execute(&create)
                        .map_err(db("creating the version table"))?;
                    for s in &sql {
                        c.execute(s).map_err(db(format!("stamping: {s}")))?;
                    }
                    Ok(())
                })?;
                removed.set(stamped.removed);
                Ok(stamped.recorded)
            }
            Mode::Repair(revision) => {
                let rev = match self.graph.resolve(revision) {
                    Ok(r) => r.revision().to_string(),
                    Err(e) => return Err(e.into()),
                };
                if !applied.contains(&rev) {
                    return Err(Error::NotApplied { revision: rev });
                }
                let m = self.migration(&rev);
                let sql = self
                    .version_table
                    .repair_sql(dialect, &rev, &m.checksum().stored())
                    .map_err(|u| self.unsupported(&rev, 0, u))?;
                conn.execute(&sql)
                    .map_err(db(format!("repairing the checksum of {rev}")))?;
                Ok(vec![rev])
            }
        }
    }

    /// On a first run, another migration tool's version table means the
    /// schema is that tool's: refused until `stamp` says where it is.
    fn refuse_other_tools(&self, conn: &mut Connection<'_>) -> Result<(), Error> {
        let names: Vec<&str> = OTHER_TOOLS.iter().map(|(t, _)| *t).collect();
        let sql = conn.dialect().backend().tables_among_sql(&names);
        let found: Vec<String> = conn
            .texts(&sql)
            .map_err(db("looking for other migration tools' version tables"))?
            .into_iter()
            .flatten()
            .collect();
        let Some((table, tool)) = OTHER_TOOLS
            .iter()
            .find(|(t, _)| found.iter().any(|f| f == t))
        else {
            return Ok(());
        };
        // Alembic's revisions, when it can be read; the refusal stands anyway.
        let mut revisions: Vec<String> = match *table {
            "alembic_version" => conn
                .texts("SELECT CAST(version_num AS TEXT) AS value FROM alembic_version")
                .unwrap_or_default()
                .into_iter()
                .flatten()
                .collect(),
            _ => Vec::new(),
        };
        revisions.sort();
        Err(Error::ManagedByAnotherTool {
            tool,
            table: table.to_string(),
            known: revisions.iter().all(|r| self.graph.contains(r)),
            revisions,
        })
    }

    fn verify_checksums(&self, rows: &[AppliedRevision]) -> Result<(), Error> {
        let mut mismatches = Vec::new();
        for r in rows {
            if let Some(m) = self.migrations.get(&r.revision) {
                let recorded = StoredChecksum::parse(&r.checksum).ok_or_else(|| {
                    Error::VersionTable {
                        table: self.version_table.display(),
                        problem: format!("revision `{}` has checksum `{}`, which is not 64 hex digits after an encoding version such as `v1:`", r.revision, r.checksum),
                        help: "restore the table from a backup, or record this build's checksum with `repair <revision>`".into(),
                    }
                })?;
                // Each row is verified with the encoding it was recorded in.
                let same = if recorded.version == crate::ops::ENCODING_VERSION {
                    Some(recorded.checksum == m.checksum())
                } else {
                    recorded.matches(m.upgrade())
                };
                match same {
                    Some(true) => {}
                    Some(false) => mismatches.push(ChecksumMismatch {
                        revision: r.revision.clone(),
                        message: m.message().to_string(),
                        recorded: recorded.checksum.to_hex(),
                        compiled: m.checksum().to_hex(),
                        location: format!("{}:{}", m.file(), m.line()),
                    }),
                    None => {
                        return Err(Error::ChecksumEncoding {
                            revision: r.revision.clone(),
                            version: recorded.version,
                        })
                    }
                }
            }
        }
        if mismatches.is_empty() {
            Ok(())
        } else {
            Err(Error::ChecksumMismatch(mismatches))
        }
    }

    fn apply(
        &self,
        conn: &mut Connection<'_>,
        dialect: Dialect,
        plan: &[Step],
        mut applied: BTreeSet<String>,
    ) -> Result<Vec<String>, Error> {
        // Everything is rendered before anything runs: an op this database
        // cannot do, or an irreversible step, refuses the whole plan. The
        // statements are kept for one step at a time (rendered again just
        // before it runs): memory does not grow with the plan.
        let mut check = Renderer::new(self, dialect, &applied);
        for step in plan {
            check.step(step)?;
        }
        drop(check);
        let mut renderer = Renderer::new(self, dialect, &applied);
        let mut done = Vec::new();
        for (n, step) in plan.iter().enumerate() {
            let statements = renderer.step(step)?;
            let create_table = n == 0;
            let m = self.migration(&step.revision);
            let running = || {
                self.emit(Event::Running {
                    direction: step.direction,
                    revision: m.revision().to_string(),
                    from: step.parents.clone(),
                    message: m.message().to_string(),
                })
            };
            let started = Instant::now();
            // Where each migration takes the lock, it does so in a
            // transaction of its own, whatever the migration says.
            let per_migration = dialect.backend().lock_per_migration();
            let in_transaction =
                per_migration || (m.transactional() && dialect.transactional_ddl());
            // Only an error needs it: worked out then.
            let at = || self.position(&applied);
            let one = |c: &mut Connection<'_>| {
                self.apply_one(
                    c,
                    dialect,
                    m,
                    step.direction,
                    &statements,
                    started,
                    &at,
                    create_table,
                    in_transaction,
                )
            };
            let ran = if per_migration {
                // Each migration takes the file's lock for itself, and looks
                // again: another process may have run this step meanwhile.
                conn.exclusive(|c| {
                    if !self.still_to_do(c, step)? {
                        return Ok(false);
                    }
                    running();
                    one(c).map(|()| true)
                })?
            } else {
                running();
                let sql_only = statements.iter().all(|(_, s)| matches!(s, Stmt::Sql(_)));
                let batches = dialect.backend().batches_migrations();
                if in_transaction && sql_only && batches {
                    // The batch's own error, apart from BEGIN's and COMMIT's.
                    let mut failed = None;
                    let mut began = false;
                    let batch = |c: &mut Connection<'_>| {
                        began = true;
                        match self.apply_batch(c, m, step.direction, &statements, create_table)? {
                            Ok(()) => Ok(()),
                            Err(e) => {
                                failed = Some(e);
                                Err(diesel::result::Error::RollbackTransaction.into())
                            }
                        }
                    };
                    let result = conn.transaction(batch);
                    let verb = match step.direction {
                        Direction::Up => "upgrade",
                        Direction::Down => "downgrade",
                    };
                    let batch_error = |source, commit_unknown| Error::Batch {
                        direction: verb,
                        revision: m.revision().to_string(),
                        message: m.message().to_string(),
                        at: at(),
                        commit_unknown,
                        source,
                    };
                    match (result, failed) {
                        (Ok(()), _) => {}
                        // Sent as one message, a failure does not say which
                        // statement failed: the batch was rolled back, so
                        // replay it statement by statement, for the error
                        // to name the op and its SQL; unless the error is
                        // not the statements' (a replay would only hold the
                        // locks again, or fail on a dead connection).
                        (Err(_), Some(source)) if statement_caused(&source) => {
                            match conn.transaction(one) {
                                Ok(()) => {}
                                Err(e @ (Error::Statement { .. } | Error::Step { .. })) => {
                                    return Err(e)
                                }
                                Err(_) => return Err(batch_error(source, false)),
                            }
                        }
                        (Err(_), Some(source)) => return Err(batch_error(source, false)),
                        // COMMIT failed: refused by the server (a deferred
                        // constraint), it rolled back; with the connection
                        // lost, the outcome is the server's secret.
                        (Err(Error::Database { source, .. }), None) if began => {
                            let refused = matches!(&source, diesel::result::Error::DatabaseError(kind, _) if !matches!(kind, diesel::result::DatabaseErrorKind::ClosedConnection));
                            return Err(batch_error(source, !refused));
                        }
                        (Err(e), None) => return Err(e),
                    }
                } else if in_transaction {
                    conn.transaction(one)?;
                } else {
                    one(conn)?;
                }
                true
            };
            match step.direction {
                Direction::Up => applied.insert(m.revision().to_string()),
                Direction::Down => applied.remove(m.revision()),
            };
            if !ran {
                continue;
            }
            self.emit(Event::Done {
                revision: m.revision().to_string(),
                duration: started.elapsed(),
            });
            done.push(m.revision().to_string());
        }
        Ok(done)
    }

    /// A PostgreSQL migration of SQL statements only, with its version row,
    /// sent as one message: one round trip instead of one per statement.
    fn apply_batch(
        &self,
        conn: &mut Connection<'_>,
        m: &'static Migration,
        direction: Direction,
        statements: &[(usize, Stmt)],
        create_table: bool,
    ) -> Result<Result<(), diesel::result::Error>, Error> {
        let vt = &self.version_table;
        let dialect = conn.dialect();
        let unsupported = |u| self.unsupported(m.revision(), 0, u);
        let mut sql = String::new();
        if create_table {
            sql.push_str(&vt.create_sql(dialect).map_err(unsupported)?);
            sql.push_str(";\n");
        }
        for (_, statement) in statements {
            if let Stmt::Sql(s) = statement {
                push_statement(&mut sql, s);
            }
        }
        sql.push_str(&match direction {
            Direction::Up => {
                let table = vt.qualified(dialect).map_err(unsupported)?;
                dialect
                    .backend()
                    .timed_insert_sql(&table, m.revision(), &m.checksum().stored())
                    .expect("only a backend that times its version rows batches")
            }
            Direction::Down => vt.delete_sql(dialect, m.revision()).map_err(unsupported)?,
        });
        Ok(conn.execute(&sql))
    }

    /// Under a step's own lock: false when another process has done the step
    /// already, an error when the database no longer fits it.
    fn still_to_do(&self, conn: &mut Connection<'_>, step: &Step) -> Result<bool, Error> {
        let rev = step.revision.as_str();
        let neighbours: Vec<&str> = match step.direction {
            Direction::Up => self.graph.parents(rev).iter().map(String::as_str).collect(),
            Direction::Down => self.graph.children(rev),
        };
        let mut asked = neighbours.clone();
        asked.push(rev);
        let recorded = self.version_table.recorded(conn, &asked)?;
        let changed = |what: String| Error::Concurrent {
            revision: rev.to_string(),
            what,
        };
        match step.direction {
            Direction::Up if recorded.contains(rev) => Ok(false),
            Direction::Up => match neighbours.iter().find(|p| !recorded.contains(**p)) {
                Some(p) => Err(changed(format!(
                    "{rev} follows {p}, which is no longer applied"
                ))),
                None => Ok(true),
            },
            Direction::Down if !recorded.contains(rev) => Ok(false),
            Direction::Down => match neighbours.iter().find(|c| recorded.contains(**c)) {
                Some(c) => Err(changed(format!("{c}, which follows {rev}, is applied now"))),
                None => Ok(true),
            },
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

    #[allow(clippy::too_many_arguments)]
    fn apply_one(
        &self,
        conn: &mut Connection<'_>,
        dialect: Dialect,
        m: &'static Migration,
        direction: Direction,
        statements: &[(usize, Stmt)],
        started: Instant,
        at: &dyn Fn() -> String,
        create_table: bool,
        rolled_back: bool,
    ) -> Result<(), Error> {
        let ops = self.ops(m, direction)?;
        let verb = match direction {
            Direction::Up => "upgrade",
            Direction::Down => "downgrade",
        };
        let step = |doing: String| {
            move |source| Error::Step {
                direction: verb,
                revision: m.revision().to_string(),
                message: m.message().to_string(),
                doing,
                at: at(),
                rolled_back,
                source,
            }
        };
        if create_table {
            // In the first migration's transaction: a first deploy that
            // fails leaves no version table behind.
            let create = self
                .version_table
                .create_sql(dialect)
                .map_err(|u| self.unsupported("version table", 0, u))?;
            conn.execute(&create)
                .map_err(step("creating the version table".into()))?;
        }
        for (i, statement) in statements {
            match statement {
                Stmt::Run(function) => {
                    let f = m.function(function).ok_or_else(|| Error::Offline {
                        revision: m.revision().to_string(),
                        message: m.message().to_string(),
                        reason: format!("`run({function})` names no registered function"),
                    })?;
                    f(conn).map_err(|source| Error::Run {
                        direction: verb,
                        revision: m.revision().to_string(),
                        message: m.message().to_string(),
                        function: function.to_string(),
                        at: at(),
                        rolled_back,
                        source,
                    })?;
                }
                Stmt::ExpectColumns { table, columns } => {
                    // A rebuild copies the columns the migrations describe; a
                    // table that has others would lose them.
                    let rebuilds = dialect
                        .backend()
                        .rebuilds()
                        .expect("only a backend with rebuilds plans them");
                    let found = rebuilds
                        .live_columns(conn, table)
                        .map_err(step(format!("reading the columns of `{table}`")))?;
                    // By name: a column added back by a downgrade stands last,
                    // and the rebuild copies by name.
                    let (mut have, mut want) = (found.clone(), columns.clone());
                    have.sort();
                    want.sort();
                    if have != want {
                        return Err(Error::Drift {
                            revision: m.revision().to_string(),
                            message: m.message().to_string(),
                            table: table.clone(),
                            expected: columns.clone(),
                            found,
                            at: at(),
                        });
                    }
                    let triggers = rebuilds
                        .would_drop(conn, table)
                        .map_err(step(format!("reading the triggers of `{table}`")))?;
                    if !triggers.is_empty() {
                        return Err(Error::Unsupported {
                            revision: m.revision().to_string(),
                            message: m.message().to_string(),
                            op_index: i + 1,
                            source: Unsupported::new(
                                ops[*i].name(),
                                dialect,
                                format!("rebuilding `{table}` would drop its trigger(s) {}, which the migrations do not describe", triggers.join(", ")),
                                "drop the triggers with `execute` before this op and create them again after it, in this migration",
                            ),
                        });
                    }
                }
                Stmt::Sql(sql) => {
                    conn.execute(sql).map_err(|source| Error::Statement {
                        direction: verb,
                        revision: m.revision().to_string(),
                        message: m.message().to_string(),
                        op_index: i + 1,
                        op: ops[*i].name(),
                        sql: sql.clone(),
                        at: at(),
                        rolled_back,
                        source,
                    })?;
                }
            }
        }
        let violations = dialect
            .backend()
            .foreign_key_violations(conn)
            .map_err(step("checking foreign keys".into()))?;
        if !violations.is_empty() {
            return Err(Error::ForeignKeyViolation {
                direction: verb,
                revision: m.revision().to_string(),
                message: m.message().to_string(),
                tables: violations.join(", "),
                at: at(),
            });
        }
        let vt = &self.version_table;
        let version = match direction {
            Direction::Up => vt.insert_sql(
                dialect,
                m.revision(),
                &m.checksum().stored(),
                started.elapsed().as_millis() as u64,
            ),
            Direction::Down => vt.delete_sql(dialect, m.revision()),
        }
        .map_err(|u| self.unsupported(m.revision(), 0, u))?;
        conn.execute(&version)
            .map_err(step("recording it in the version table".into()))?;
        Ok(())
    }
}

/// Renders a plan's steps in order, following the schema model where SQLite
/// needs it (a table rebuild is made from the table as the migrations
/// describe it at that point).
struct Renderer<'m> {
    migrator: &'m Migrator,
    dialect: Dialect,
    /// The backend's rebuilds, if it has any: then the model is followed.
    rebuilds: Option<&'static dyn Rebuilds>,
    model: Result<Schema, String>,
}

impl<'m> Renderer<'m> {
    fn new(migrator: &'m Migrator, dialect: Dialect, applied: &BTreeSet<String>) -> Self {
        let rebuilds = dialect.backend().rebuilds();
        let model = match rebuilds {
            Some(_) => crate::schema::replay(&migrator.migrations, &migrator.graph, applied)
                .map_err(|e| e.to_string()),
            None => Err(String::new()),
        };
        Renderer {
            migrator,
            dialect,
            rebuilds,
            model,
        }
    }

    /// The next step's statements.
    fn step(&mut self, step: &Step) -> Result<Vec<(usize, Stmt)>, Error> {
        let no_model = Schema::new();
        let m = self.migrator.migration(&step.revision);
        let ops = self.migrator.ops(m, step.direction)?;
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
                    let rendered = match self.rebuilds {
                        Some(r) => r.render_in(op, self.model.as_ref().unwrap_or(&no_model)),
                        None => self.dialect.render(op),
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
enum Stmt {
    Sql(String),
    /// A `run` op: call the function.
    Run(String),
    /// Before a SQLite rebuild: the table must have exactly these columns.
    ExpectColumns {
        table: String,
        columns: Vec<String>,
    },
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
}

fn show(revisions: &[String]) -> String {
    if revisions.is_empty() {
        "<base>".into()
    } else {
        revisions.join(", ")
    }
}

/// Whether running a failed batch's statements one by one would find the
/// statement at fault: not for a lost connection, a timeout, a lock not
/// obtained, a deadlock, a serialization failure or a server going down,
/// which are not the statements' doing. diesel 2.3 keeps the SQLSTATE to
/// itself beyond its error kinds, so the others (55P03, 57014, 40P01, 57P0x,
/// 53xxx) are known by the server's message; in another `lc_messages` they
/// are replayed, and the first error is still kept if the replay fails too.
fn statement_caused(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind as Kind, Error as E};
    match e {
        E::DatabaseError(
            Kind::ClosedConnection
            | Kind::SerializationFailure
            | Kind::UnableToSendCommand
            | Kind::ReadOnlyTransaction,
            _,
        ) => false,
        E::DatabaseError(_, info) => {
            const NOT_THE_STATEMENT: &[&str] = &[
                "canceling statement due to",
                "could not obtain lock",
                "deadlock detected",
                "terminating connection",
                "could not serialize",
                "out of memory",
                "no space left on device",
                "could not extend file",
                "too many connections",
            ];
            let message = info.message();
            !NOT_THE_STATEMENT.iter().any(|m| message.contains(m))
        }
        _ => false,
    }
}

/// A script's comment: every line of `text` behind `--`. A line break inside
/// a message or a name would otherwise end the comment and leave the rest to
/// run as SQL; PostgreSQL ends a `--` comment at `\r` too.
fn comment(text: &str) -> String {
    text.replace("\r\n", "\n")
        .split(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
        .map(|line| format!("-- {}\n", line.replace('\0', "\\0")))
        .collect()
}

/// The top of every script: where it comes from, and, on PostgreSQL, the
/// settings its literals and any `execute` text are written for (psql sends
/// the statements one by one, so what follows reads them; the tool's own
/// literals do not depend on them).
fn script_start(dialect: Dialect) -> String {
    let mut out = comment(&format!("generated by migrate-runtime for {dialect}"));
    out.push_str(dialect.backend().script_settings());
    out
}

/// Appends one statement and its `;` to a script. The `;` goes on a line of
/// its own when the statement's last line holds `--`: `execute` text may end
/// in a comment, which would swallow it.
fn push_statement(script: &mut String, sql: &str) {
    script.push_str(sql);
    if sql.lines().last().is_some_and(|l| l.contains("--")) {
        script.push('\n');
    }
    script.push_str(";\n");
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

/// What [`Migrator::check`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SchemaCheck {
    /// One line per difference, the migrations' value first; empty when the
    /// database matches.
    pub differences: Vec<String>,
    /// Named schemas whose objects were not compared (PostgreSQL).
    pub not_compared: Vec<String>,
    /// Where the database is: its applied revisions that no applied
    /// revision follows (empty at base).
    pub at: Vec<String>,
    /// Tables of the database left out of the comparison: other migration
    /// tools' version tables, and those named by [`Migrator::exclude_table`].
    pub excluded: Vec<String>,
}

/// Creates a modelled schema (its [`Schema::create_ops`]) on a connection:
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

#[cfg(test)]
mod tests {
    use super::{comment, push_statement};

    #[test]
    fn every_line_of_a_comment_is_commented() {
        assert_eq!(
            comment("a\nDROP TABLE t;\r\nb\rc\0d"),
            "-- a\n-- DROP TABLE t;\n-- b\n-- c\\0d\n"
        );
    }

    #[test]
    fn a_trailing_comment_does_not_swallow_the_separator() {
        let mut script = String::new();
        push_statement(&mut script, "SELECT 1 -- the first");
        push_statement(&mut script, "SELECT '--' || 'x'");
        push_statement(&mut script, "SELECT 2");
        assert_eq!(
            script,
            "SELECT 1 -- the first\n;\nSELECT '--' || 'x'\n;\nSELECT 2;\n"
        );
    }
}
