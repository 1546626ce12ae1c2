//! Online runs: under the backend's lock, the version table is read and
//! checked (unknown revisions, gaps, edited migrations), the plan rendered in
//! full, then applied one migration per transaction with its version row.

use super::render::{Renderer, Stmt};
use super::{offline::push_statement, Event, Migrator, Mode, OtherTool, Stamped, OTHER_TOOLS};
use crate::backend::RunSettings;
use crate::dialect::{Dialect, Unsupported};
use crate::error::{db, ChecksumMismatch, Error};
use crate::graph::{Direction, Step};
use crate::migration::{Connection, Migration};
use crate::ops::StoredChecksum;
use crate::version::AppliedRevision;
use std::collections::BTreeSet;
use std::time::Instant;

impl Migrator {
    pub(super) fn run(
        &self,
        conn: &mut Connection<'_>,
        mode: Mode<'_>,
    ) -> Result<Vec<String>, Error> {
        let settings = RunSettings {
            version_table: &self.version_table,
            lock_timeout: self.lock_timeout,
            ddl_lock_timeout: self.pg_lock_timeout,
            statement_timeout: self.statement_timeout,
            connection_closes_after: self.connection_closes_after,
        };
        // Stamp and repair write in one go, under the lock throughout.
        let whole = matches!(
            mode,
            Mode::Stamp { .. } | Mode::Repair(_) | Mode::StampAlembic(_) | Mode::StampTool(_)
        );
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
        // At the target already (SQLite's no-op, or a deploy that finished
        // while this one waited for the lock): no plan (see `at_head`).
        if let Mode::Upgrade(target) = mode {
            if self.at_target(&rows, target) {
                return Ok(Vec::new());
            }
        }
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
        // A revision that stopped part-way is not applied: a run resumes
        // or undoes it first (see `progress`).
        let (rows, partial) = self.split_partial(rows, runs)?;
        if !matches!(
            mode,
            Mode::Repair(_) | Mode::Stamp { .. } | Mode::StampAlembic(_) | Mode::StampTool(_)
        ) {
            self.verify_checksums(&rows)?;
        }
        let applied: BTreeSet<String> = rows
            .iter()
            .filter(|r| self.graph.contains(&r.revision))
            .map(|r| r.revision.clone())
            .collect();
        let mut with_partial = applied.clone();
        with_partial.extend(partial.iter().map(|p| p.revision.clone()));
        if runs {
            self.check_closed(&with_partial)?;
        }
        match mode {
            Mode::Upgrade(target) => {
                let plan = self.graph.upgrade_plan(&applied, target)?;
                let plan = self.place_partial(plan, partial.as_ref(), Direction::Up)?;
                let start = Self::model_start(&applied, partial.as_ref(), Direction::Up);
                self.apply(conn, dialect, &plan, start, partial.as_ref())
            }
            Mode::Downgrade(target) => {
                let plan = self.graph.downgrade_plan(&with_partial, target)?;
                let plan = self.place_partial(plan, partial.as_ref(), Direction::Down)?;
                let start = Self::model_start(&applied, partial.as_ref(), Direction::Down);
                self.apply(conn, dialect, &plan, start, partial.as_ref())
            }
            Mode::Stamp {
                target,
                purge,
                removed,
            } => {
                let recorded: Vec<&str> = rows.iter().map(|r| r.revision.as_str()).collect();
                let (mut sql, mut stamped) =
                    self.stamp_statements(dialect, &recorded, target, purge)?;
                // A partial row goes: the stamp says where the schema is.
                if let Some(p) = &partial {
                    let delete = self
                        .version_table
                        .delete_sql(dialect, &p.revision)
                        .map_err(|u| self.unsupported(&p.revision, 0, u))?;
                    sql.insert(0, delete);
                    if !stamped.recorded.contains(&p.revision) {
                        stamped.removed.push(p.revision.clone());
                    }
                }
                self.stamp_in_one_transaction(conn, dialect, &sql)?;
                removed.set(stamped.removed);
                Ok(stamped.recorded)
            }
            Mode::StampAlembic(drop) => {
                let have: BTreeSet<&str> = rows.iter().map(|r| r.revision.as_str()).collect();
                self.stamp_alembic(conn, dialect, &have, drop)
            }
            Mode::StampTool(tool) => {
                let have: BTreeSet<&str> = rows.iter().map(|r| r.revision.as_str()).collect();
                self.stamp_tool(conn, dialect, &have, tool)
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

    /// The version-table statements that stamp a database holding `recorded`
    /// at `target`, the revisions they record, and those whose rows they
    /// delete for good.
    pub(super) fn stamp_statements(
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
        let stamped = self.record_rows(
            dialect,
            |rev| wanted.contains(rev) && (purge || !have.contains(rev)),
            &mut sql,
        )?;
        Ok((
            sql,
            Stamped {
                recorded: stamped,
                removed,
            },
        ))
    }

    /// Pushes onto `sql` a version row, with the compiled checksum, for each
    /// revision `record` selects, in topological order (parents first);
    /// returns the revisions recorded. The one writer of `stamp`'s rows.
    fn record_rows(
        &self,
        dialect: Dialect,
        record: impl Fn(&str) -> bool,
        sql: &mut Vec<String>,
    ) -> Result<Vec<String>, Error> {
        let vt = &self.version_table;
        let mut recorded = Vec::new();
        for rev in self.graph.topological_order() {
            if record(rev) {
                let m = self.migration(rev);
                sql.push(
                    vt.insert_sql(dialect, rev, &m.checksum().stored(), 0)
                        .map_err(|u| self.unsupported(rev, 0, u))?,
                );
                recorded.push(rev.to_string());
            }
        }
        Ok(recorded)
    }

    /// Creates the version table when it is missing and runs a stamp's
    /// statements, all in one transaction: a stamp lands whole or not at
    /// all.
    fn stamp_in_one_transaction(
        &self,
        conn: &mut Connection<'_>,
        dialect: Dialect,
        sql: &[String],
    ) -> Result<(), Error> {
        let create = self
            .version_table
            .create_sql(dialect)
            .map_err(|u| self.unsupported("version table", 0, u))?;
        conn.transaction(|c| {
            c.execute(&create)
                .map_err(db("creating the version table"))?;
            for s in sql {
                c.execute(s).map_err(db(format!("stamping: {s}")))?;
            }
            Ok(())
        })
    }

    /// `stamp --from-alembic`, with the lock held: `have` is what the
    /// version table records already.
    fn stamp_alembic(
        &self,
        conn: &mut Connection<'_>,
        dialect: Dialect,
        have: &BTreeSet<&str>,
        drop: bool,
    ) -> Result<Vec<String>, Error> {
        let problem = |problem: String, help: &str| Error::VersionTable {
            table: "alembic_version".into(),
            problem,
            help: help.into(),
        };
        let found = conn
            .texts(&dialect.backend().tables_among_sql(&["alembic_version"]))
            .map_err(db("looking for `alembic_version`"))?;
        if found.iter().flatten().next().is_none() {
            return Err(problem(
                "there is no `alembic_version` table here".into(),
                "connect to the database Alembic migrated (`--database-url`); nothing was changed",
            ));
        }
        let mut heads: Vec<String> = conn
            .texts("SELECT CAST(version_num AS TEXT) AS value FROM alembic_version")
            .map_err(db("reading `alembic_version`"))?
            .into_iter()
            .flatten()
            .collect();
        heads.sort();
        let unknown: Vec<&String> = heads.iter().filter(|h| !self.graph.contains(h)).collect();
        if !unknown.is_empty() {
            let unknown: Vec<&str> = unknown.iter().map(|s| s.as_str()).collect();
            return Err(problem(
                format!("it records {}, which no migration here has", unknown.join(", ")),
                "translate the Alembic revision files that database ran (`import-alembic <versions dir>`) and build, then stamp again; nothing was changed",
            ));
        }
        let mut wanted = BTreeSet::new();
        for h in &heads {
            wanted.extend(self.closure(Some(h))?);
        }
        let mut sql = Vec::new();
        let stamped = self.record_rows(
            dialect,
            |rev| wanted.contains(rev) && !have.contains(rev),
            &mut sql,
        )?;
        if drop {
            sql.push("DROP TABLE alembic_version".into());
        }
        self.stamp_in_one_transaction(conn, dialect, &sql)?;
        Ok(stamped)
    }

    /// `stamp --from-diesel` / `--from-sqlx`, with the lock held: `have` is
    /// what the version table records already.
    fn stamp_tool(
        &self,
        conn: &mut Connection<'_>,
        dialect: Dialect,
        have: &BTreeSet<&str>,
        tool: OtherTool,
    ) -> Result<Vec<String>, Error> {
        let table = tool.table();
        let problem = |problem: String, help: String| Error::VersionTable {
            table: table.into(),
            problem,
            help,
        };
        let backend = dialect.backend();
        let found = conn
            .texts(&backend.tables_among_sql(&[table]))
            .map_err(db(format!("looking for `{table}`")))?;
        if found.iter().flatten().next().is_none() {
            return Err(problem(
                format!("there is no `{table}` table here"),
                format!(
                    "connect to the database {} migrated (`--database-url`)",
                    tool.name()
                ),
            ));
        }
        // (version, checksum as hex, whether it succeeded: 1 or 0), as text.
        let (checksum, success) = match tool {
            OtherTool::Diesel => ("NULL".to_string(), backend.cast_text("1")),
            OtherTool::Sqlx => (
                backend.hex("checksum"),
                backend.cast_text("CASE WHEN success THEN 1 ELSE 0 END"),
            ),
        };
        let sql = format!(
            "SELECT {} AS version, {checksum} AS checksum, {success} AS success FROM {table}",
            backend.cast_text("version")
        );
        let rows = conn
            .session()
            .rows(&sql)
            .map_err(db(format!("reading `{table}`")))?;
        let mut recorded: Vec<(String, Option<String>)> = Vec::new();
        let mut failed = Vec::new();
        for row in rows {
            let mut cells = row.into_iter();
            let (Some(Some(version)), checksum, success) =
                (cells.next(), cells.next().flatten(), cells.next().flatten())
            else {
                continue;
            };
            if success.as_deref() == Some("0") {
                failed.push(version);
            } else {
                recorded.push((version, checksum));
            }
        }
        recorded.sort();
        failed.sort();
        if !failed.is_empty() {
            return Err(problem(
                format!("it records {} as failed: {} stopped part way through", failed.join(", "), tool.name()),
                format!("finish or undo what that SQL did by hand and delete its row from `{table}` (or fix the migration and run it with {} again), then stamp again", tool.name()),
            ));
        }
        let unknown: Vec<&str> = recorded
            .iter()
            .map(|(v, _)| v.as_str())
            .filter(|v| !self.graph.contains(v))
            .collect();
        if !unknown.is_empty() {
            return Err(problem(
                format!(
                    "it records {}, which no migration here has",
                    unknown.join(", ")
                ),
                format!(
                    "import the migrations that database ran (`{}`) and build, then stamp again",
                    tool.import_command()
                ),
            ));
        }
        let wanted: BTreeSet<&str> = recorded.iter().map(|(v, _)| v.as_str()).collect();
        let mut gaps = Vec::new();
        for v in &wanted {
            for a in self.graph.ancestors(v) {
                if !wanted.contains(a) && !gaps.iter().any(|(g, _)| *g == a) {
                    gaps.push((a, *v));
                }
            }
        }
        if !gaps.is_empty() {
            let list: Vec<String> = gaps
                .iter()
                .map(|(a, v)| format!("{a} (before {v})"))
                .collect();
            return Err(problem(
                format!(
                    "it does not record {}, which come before what it records here",
                    list.join(", ")
                ),
                format!(
                    "run the missing migrations with {} first, then stamp again",
                    tool.name()
                ),
            ));
        }
        if tool == OtherTool::Sqlx {
            let mut differ = Vec::new();
            for (v, checksum) in &recorded {
                let m = self.migration(v);
                let ours = match m.upgrade() {
                    [crate::ops::Op::Execute(sql)] => sql.any.as_deref(),
                    _ => None,
                };
                let same = match (ours, checksum) {
                    (Some(text), Some(recorded)) => sqlx_checksums(text)
                        .iter()
                        .any(|c| c.eq_ignore_ascii_case(recorded)),
                    _ => false,
                };
                if !same {
                    differ.push(format!("{v} ({}:{})", m.file(), m.line()));
                }
            }
            if !differ.is_empty() {
                return Err(problem(
                    format!("the checksum it records for {} differs from the SQL of that migration here", differ.join(", ")),
                    "the SQL file was edited after sqlx ran it (or the migration no longer runs one file): restore the file as sqlx ran it and build, then stamp again".into(),
                ));
            }
        }
        let mut sql = Vec::new();
        let stamped = self.record_rows(
            dialect,
            |rev| wanted.contains(rev) && !have.contains(rev),
            &mut sql,
        )?;
        self.stamp_in_one_transaction(conn, dialect, &sql)?;
        Ok(stamped)
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
                .texts(&format!(
                    "SELECT {} AS value FROM alembic_version",
                    conn.dialect().backend().cast_text("version_num")
                ))
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
        partial: Option<&super::progress::Partial>,
    ) -> Result<Vec<String>, Error> {
        // Nothing to do (a deploy at head): no schema replayed, no op decoded.
        if plan.is_empty() {
            return Ok(Vec::new());
        }
        // Everything is rendered before anything runs: an op this database
        // cannot do, or an irreversible step, refuses the whole plan. The
        // statements are kept for one step at a time (rendered again just
        // before it runs): memory does not grow with the plan.
        // The schema model (SQLite) is replayed once: the check runs on a
        // copy of it.
        let mut renderer = Renderer::new(self, dialect, &applied);
        let mut check = renderer.clone();
        for step in plan {
            self.track(&mut check, step, partial)?;
        }
        drop(check);
        let upgrades = plan.iter().any(|s| s.direction == Direction::Up);
        let mut done = Vec::new();
        for (n, step) in plan.iter().enumerate() {
            let (statements, track) = self.track(&mut renderer, step, partial)?;
            // With the first migration: a first deploy that fails leaves no
            // version table behind. A plan that only reverts has rows, so
            // the table (and writes no checksum the table's type could
            // refuse): one statement fewer on its first step.
            let create_table = n == 0 && upgrades;
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
                    &track,
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
                // Outside a transaction of the caller's: then the message's
                // statements are one transaction (a savepoint would need
                // its own round trips).
                if in_transaction && sql_only && batches && !conn.in_transaction() && track.fresh()
                {
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
                    // One message without BEGIN and COMMIT: the server runs
                    // the statements of one query message as one
                    // transaction, committed after the last (the version
                    // row), rolled back whole at the first error. One round
                    // trip where diesel_migrations makes four.
                    match self.apply_batch(conn, m, step.direction, &statements, create_table)? {
                        Ok(()) => {}
                        // A failure does not say which statement failed:
                        // nothing of it stays, so replay it statement by
                        // statement, for the error to name the op and its
                        // SQL; unless the error is not the statements'
                        // doing (a replay would only hold the locks again,
                        // or fail on a dead connection). A deferred
                        // constraint refused at the end fails the replay's
                        // COMMIT the same way.
                        Err(source) if statement_caused(&source) => match conn.transaction(one) {
                            Ok(()) => {}
                            Err(e @ (Error::Statement { .. } | Error::Step { .. })) => {
                                return Err(e)
                            }
                            Err(_) => return Err(batch_error(source, false)),
                        },
                        // With the connection lost, whether the message ran
                        // to its end and committed is the server's secret.
                        Err(source) => {
                            let lost = connection_lost(&source);
                            return Err(batch_error(source, lost));
                        }
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

    /// A migration of SQL statements only, with its version row, where the
    /// backend batches them: one message, one round trip instead of one per
    /// statement.
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
            Direction::Up => self.graph.parents(rev),
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
        track: &super::progress::Track,
    ) -> Result<(), Error> {
        let ops = &track.ops;
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
        for (pos, (i, statement)) in statements.iter().enumerate() {
            if pos < track.skip {
                continue;
            }
            let mut run = || -> Result<(), Error> {
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
                        // Outside a transaction, with its progress row
                        // where the database allows (see `progress`).
                        let sent = match rolled_back {
                            true => None,
                            false => track
                                .sql_to_send(self, dialect, m, direction, statements, pos, sql)?,
                        };
                        let sent = sent.as_deref().unwrap_or(sql);
                        conn.execute(sent).map_err(|source| Error::Statement {
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
                Ok(())
            };
            let result = run();
            if rolled_back {
                result?;
            } else {
                // Outside a transaction each statement stays: recorded.
                track.ran(self, conn, m, direction, statements, pos, result)?;
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
        let elapsed = (started.elapsed().as_millis() as u64).to_string();
        if let Some(version) = track.final_sql(self, dialect, m, direction, &elapsed)? {
            conn.execute(&version)
                .map_err(step("recording it in the version table".into()))?;
        }
        Ok(())
    }
}

/// Whether the connection was lost with a message sent: the server may have
/// run all of it.
fn connection_lost(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind as Kind, Error as E};
    match e {
        E::DatabaseError(Kind::ClosedConnection, _) => true,
        E::DatabaseError(_, info) => {
            let message = info.message();
            message.contains("terminating connection")
                || message.contains("server closed the connection")
        }
        _ => false,
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

/// The checksums sqlx records for a migration whose SQL is `text` (SHA-384
/// of the file, as hex): of the text as it is here (line endings
/// normalised, LF), and as it was if the file was saved with CRLF.
fn sqlx_checksums(text: &str) -> [String; 2] {
    use sha2::{Digest, Sha384};
    let hex = |bytes: &[u8]| migrate_core::checksum::hex(&Sha384::digest(bytes));
    [
        hex(text.as_bytes()),
        hex(text.replace('\n', "\r\n").as_bytes()),
    ]
}
