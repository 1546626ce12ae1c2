//! Migrations that stop part-way. Outside a transaction (MySQL, whose DDL
//! commits statement by statement; PostgreSQL's `transactional = false`)
//! each statement that ran stays, so the version row records progress
//! statement by statement ([`Progress`]: how many of how many statements,
//! with the checksum of the ops they came from). A run then either resumes
//! the migration at the statement that failed, or undoes exactly the
//! statements that ran: the derived inverse of the ops they belong to.
//!
//! Statements map to ops through the rendering (`(op index, statement)`),
//! which is the same for the same ops; the recorded total checks that. A
//! stop inside an op that renders to several statements can be resumed, but
//! not undone (half an op has no inverse): that is refused, with what to do.

use super::offline::push_statement;
use super::render::{Renderer, Stmt};
use super::Migrator;
use crate::dialect::Dialect;
use crate::error::Error;
use crate::graph::{Direction, Step};
use crate::migration::{Connection, Migration};
use crate::ops::{Op, StoredChecksum};
use crate::version::{AppliedRevision, Progress};
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::BTreeSet;

/// The partial row a run found: at most one, since a run that leaves one
/// stops there.
#[derive(Clone, Debug)]
pub(super) struct Partial {
    pub(super) revision: String,
    pub(super) progress: Progress,
}

/// How one step of a plan runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// From its first statement.
    Fresh,
    /// The partial revision, on from where it stopped.
    Resume,
    /// The partial revision's undo: the inverse of what ran.
    Undo,
}

/// One step's statements and how to record its progress.
pub(super) struct Track {
    kind: Kind,
    /// The ops the statements' op indexes refer to.
    pub(super) ops: Cow<'static, [Op]>,
    /// The partial row's progress (for a resumed or undone step).
    base: Option<Progress>,
    /// Statements done by an earlier run: skipped.
    pub(super) skip: usize,
    /// Whether the revision has a row (a partial one, or a full one a
    /// downgrade removes).
    row_exists: Cell<bool>,
    /// Whether the step's own version row went with its last statement.
    final_sent: Cell<bool>,
}

impl Track {
    /// Whether the step runs as a plain migration (no earlier progress).
    pub(super) fn fresh(&self) -> bool {
        self.kind == Kind::Fresh
    }

    /// The progress after statement `pos` of `total` (0-based) ran.
    fn progress(&self, direction: Direction, pos: usize, total: usize) -> Progress {
        match (self.kind, self.base) {
            (Kind::Undo, Some(base)) => Progress {
                undone: pos + 1,
                ..base
            },
            _ => Progress {
                direction,
                done: pos + 1,
                total,
                undone: 0,
            },
        }
    }

    /// The version row once the step is done, unless it went with the
    /// step's last statement already (`duration_ms`: a number, or the SQL
    /// that computes it).
    pub(super) fn final_sql(
        &self,
        migrator: &Migrator,
        dialect: Dialect,
        m: &'static Migration,
        direction: Direction,
        duration_ms: &str,
    ) -> Result<Option<String>, Error> {
        if self.final_sent.get() {
            return Ok(None);
        }
        let vt = &migrator.version_table;
        let stored = m.checksum().stored();
        match direction {
            Direction::Up if self.row_exists.get() => {
                vt.complete_sql(dialect, m.revision(), &stored, duration_ms)
            }
            Direction::Up => vt.timed_insert_sql(dialect, m.revision(), &stored, duration_ms),
            Direction::Down => vt.delete_sql(dialect, m.revision()),
        }
        .map(Some)
        .map_err(|u| migrator.unsupported(m.revision(), 0, u))
    }

    /// Whether statement `pos` carries its version row (its progress, or
    /// after the last one the step's own row): where every statement
    /// commits on its own (MySQL), the row goes in the same message, after
    /// it (one round trip, not two). The server stops a message at its
    /// first failing statement, so a statement that fails records nothing;
    /// the row's own failure would read as the statement's (the statement
    /// ran unrecorded, as after a kill between the two). The last
    /// statement carries the step's row only where the session can time
    /// the step ([`Backend::step_clock`](crate::backend::Backend::step_clock)),
    /// started with the step's first statement.
    fn carries_progress(&self, dialect: Dialect, statements: &[(usize, Stmt)], pos: usize) -> bool {
        let sql = |p: usize| matches!(statements.get(p), Some((_, Stmt::Sql(_))));
        !dialect.transactional_ddl()
            && sql(pos)
            && (pos + 1 < statements.len()
                || (dialect.backend().step_clock().is_some() && sql(self.skip)))
    }

    /// The text to send for statement `pos` (`sql`) outside a transaction:
    /// with its progress row where [`Track::carries_progress`].
    #[allow(clippy::too_many_arguments)]
    pub(super) fn sql_to_send(
        &self,
        migrator: &Migrator,
        dialect: Dialect,
        m: &'static Migration,
        direction: Direction,
        statements: &[(usize, Stmt)],
        pos: usize,
        sql: &str,
    ) -> Result<Option<String>, Error> {
        if !self.carries_progress(dialect, statements, pos) {
            return Ok(None);
        }
        let clock = dialect.backend().step_clock();
        let mut text = String::new();
        if let (Some((start, _)), true) = (clock, pos == self.skip) {
            push_statement(&mut text, start);
        }
        push_statement(&mut text, sql);
        match clock {
            Some((_, elapsed)) if pos + 1 == statements.len() => {
                let row = self.final_sql(migrator, dialect, m, direction, elapsed)?;
                text.push_str(&row.expect("not sent yet"));
            }
            _ => {
                text.push_str(&self.progress_sql(migrator, dialect, m, direction, statements, pos)?)
            }
        }
        Ok(Some(text))
    }

    /// The version-table statement recording that statement `pos` ran.
    fn progress_sql(
        &self,
        migrator: &Migrator,
        dialect: Dialect,
        m: &'static Migration,
        direction: Direction,
        statements: &[(usize, Stmt)],
        pos: usize,
    ) -> Result<String, Error> {
        let text = self
            .progress(direction, pos, statements.len())
            .encode(&m.checksum().stored());
        migrator
            .version_table
            .progress_sql(dialect, m.revision(), &text, self.row_exists.get())
            .map_err(|u| migrator.unsupported(m.revision(), 0, u))
    }

    /// After statement `pos` of a step outside a transaction: on success,
    /// the progress is recorded (unless it was the last: the step's own
    /// version row follows); a failure becomes [`Error::Stopped`], which
    /// lists what ran and what did not.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn ran(
        &self,
        migrator: &Migrator,
        conn: &mut Connection<'_>,
        m: &'static Migration,
        direction: Direction,
        statements: &[(usize, Stmt)],
        pos: usize,
        result: Result<(), Error>,
    ) -> Result<(), Error> {
        if let Err(e) = result {
            // A migration of one statement: nothing of it ran, and its
            // error is the statement's own.
            if self.kind == Kind::Fresh && statements.len() == 1 {
                return Err(e);
            }
            return Err(self.stopped(migrator, conn.dialect(), m, direction, statements, pos, e));
        }
        let dialect = conn.dialect();
        let carried = self.carries_progress(dialect, statements, pos);
        if pos + 1 == statements.len() {
            self.final_sent.set(carried);
            return Ok(());
        }
        if carried {
            self.row_exists.set(true);
            return Ok(());
        }
        let sql = self.progress_sql(migrator, dialect, m, direction, statements, pos)?;
        match conn.execute(&sql) {
            Ok(()) => {
                self.row_exists.set(true);
                Ok(())
            }
            Err(source) => {
                let e = crate::error::db(format!(
                    "recording in the version table that statement {} ran",
                    pos + 1
                ))(source);
                // The statement ran; the record of it did not.
                Err(self.stopped(migrator, dialect, m, direction, statements, pos + 1, e))
            }
        }
    }

    /// The error of a step that stopped at statement `pos` (0-based;
    /// `statements.len()` when all ran but the record of the last failed).
    #[allow(clippy::too_many_arguments)]
    fn stopped(
        &self,
        migrator: &Migrator,
        dialect: Dialect,
        m: &'static Migration,
        direction: Direction,
        statements: &[(usize, Stmt)],
        pos: usize,
        cause: Error,
    ) -> Error {
        let total = statements.len();
        let what = match self.kind {
            Kind::Undo => format!(
                "the undo of the partial {} of {}",
                opposite(direction),
                m.revision()
            ),
            _ => format!("{direction} {}", m.revision()),
        };
        let why = if dialect.transactional_ddl() {
            "this migration runs outside a transaction (`transactional = false`)".to_string()
        } else {
            format!("{dialect} commits each DDL statement on its own")
        };
        let cause_text = match &cause {
            Error::Statement { source, .. } => source.to_string(),
            Error::Run { source, .. } => source.to_string(),
            other => other.to_string(),
        };
        let mut out = match statements.get(pos) {
            Some((i, _)) => format!(
                "{what} ({}) stopped at statement {} of {total} (op {} `{}`): {cause_text}\n",
                m.message(),
                pos + 1,
                i + 1,
                self.ops.get(*i).map_or("?", Op::name),
            ),
            None => format!(
                "{what} ({}) ran all {total} statements, then failed: {cause_text}\n",
                m.message()
            ),
        };
        out.push_str(&format!("{why}; the statements, as they stand:\n"));
        for (n, (i, s)) in statements.iter().enumerate() {
            let state = if n < self.skip {
                "ran before"
            } else if n < pos {
                "ran"
            } else if n == pos {
                "FAILED"
            } else {
                "not run"
            };
            out.push_str(&format!(
                "  {n:>3}. {state:<10} op {} `{}`: {}\n",
                i + 1,
                self.ops.get(*i).map_or("?", Op::name),
                one_line(s),
                n = n + 1,
            ));
        }
        let recorded = match pos {
            0 if self.kind == Kind::Fresh => None,
            0 => self.base,
            p => Some(self.progress(direction, p - 1, total)),
        };
        let rev = m.revision();
        let parents = parents(m);
        let (again, other) = match direction {
            Direction::Up => (format!("`upgrade {rev}`"), format!("`downgrade {parents}`")),
            Direction::Down => (format!("`downgrade {parents}`"), format!("`upgrade {rev}`")),
        };
        let help = match (recorded, self.kind) {
            (None, _) => format!("nothing of it stays; remove the cause and run {again} again"),
            (Some(p), Kind::Undo) => format!(
                "the version table records {rev} as {p}; remove the cause and run {again} again: the undo resumes at statement {}",
                p.undone + 1
            ),
            (Some(p), _) => {
                let undo = match undo_refusal(migrator, m, direction, statements, p.done) {
                    None => format!("or undo {} with {other}", first(p.done)),
                    Some(why) => format!("they cannot be undone for you ({why}): to go back, undo them by hand and then `stamp {}`", if direction == Direction::Up { parents.as_str() } else { rev }),
                };
                format!(
                    "the version table records {rev} as {p}; remove the cause and run {again} again: it resumes at statement {}; {undo}",
                    p.done + 1
                )
            }
        };
        let concurrently = matches!(statements.get(pos), Some((_, Stmt::Sql(sql))) if sql.contains(" CONCURRENTLY "));
        if concurrently {
            out.push_str("note: a failed CREATE INDEX CONCURRENTLY leaves an INVALID index behind: drop it before running again\n");
        }
        out.push_str(&format!("help: {help}"));
        Error::Stopped {
            revision: rev.to_string(),
            report: out,
            source: Box::new(cause),
        }
    }
}

/// The target that takes a database back to before `m`: its parent (`-1`
/// for a merge, `base` for a root).
fn parents(m: &Migration) -> String {
    match m.down_revisions().as_slice() {
        [] => "base".to_string(),
        [one] => one.to_string(),
        _ => "-1".into(),
    }
}

/// The first `n` statements, in words.
fn first(n: usize) -> String {
    match n {
        1 => "statement 1".into(),
        n => format!("statements 1-{n}"),
    }
}

fn opposite(d: Direction) -> Direction {
    match d {
        Direction::Up => Direction::Down,
        Direction::Down => Direction::Up,
    }
}

/// A statement on one line, cut to a readable length.
fn one_line(s: &Stmt) -> String {
    let text = match s {
        Stmt::Sql(sql) => sql.split_whitespace().collect::<Vec<_>>().join(" "),
        Stmt::Run(f) => format!("run({f})"),
        Stmt::ExpectColumns { table, .. } => format!("(check the columns of `{table}`)"),
    };
    const MAX: usize = 160;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The ops wholly done by the first `done` statements, or why they have no
/// derived undo: a stop inside an op, or an op without an inverse.
fn done_ops(ops: &[Op], statements: &[(usize, Stmt)], done: usize) -> Result<usize, String> {
    let Some((next, _)) = statements.get(done) else {
        return Ok(ops.len());
    };
    if let Some((last, _)) = done.checked_sub(1).and_then(|d| statements.get(d)) {
        if last == next {
            let of = statements.iter().filter(|(i, _)| i == next).count();
            let ran = statements[..done].iter().filter(|(i, _)| i == next).count();
            return Err(format!(
                "op {} `{}` renders to {of} statements and only {ran} ran: half an op has no inverse",
                next + 1,
                ops[*next].name()
            ));
        }
    }
    Ok(*next)
}

/// The derived inverse of the ops the first `done` statements did.
fn undo_ops(
    ops: &[Op],
    statements: &[(usize, Stmt)],
    done: usize,
) -> Result<(usize, Vec<Op>), String> {
    let k = done_ops(ops, statements, done)?;
    let inverse = migrate_core::inverse::invert(&ops[..k]).map_err(|problems| {
        let p = &problems[0];
        format!(
            "op {} `{}` cannot be inverted from its text: {}",
            p.op + 1,
            ops[p.op].name(),
            p.reason
        )
    })?;
    Ok((k, inverse))
}

/// Why the first `done` statements of a step have no derived undo, if so.
fn undo_refusal(
    migrator: &Migrator,
    m: &'static Migration,
    direction: Direction,
    statements: &[(usize, Stmt)],
    done: usize,
) -> Option<String> {
    let ops = migrator.ops(m, direction).ok()?;
    undo_ops(ops, statements, done).err()
}

impl Migrator {
    /// Takes the partial row out of `rows`, checked: one at most, and made
    /// by the migration this build has (same checksum).
    pub(super) fn split_partial(
        &self,
        rows: Vec<AppliedRevision>,
        check: bool,
    ) -> Result<(Vec<AppliedRevision>, Option<Partial>), Error> {
        let (partial, rows): (Vec<_>, Vec<_>) =
            rows.into_iter().partition(|r| r.progress().is_some());
        let mut partial = partial.into_iter();
        let Some(row) = partial.next() else {
            return Ok((rows, None));
        };
        if let Some(other) = partial.next() {
            return Err(Error::VersionTable {
                table: self.version_table.display(),
                problem: format!(
                    "both {} and {} are recorded as partially applied; a run stops at the first",
                    row.revision, other.revision
                ),
                help: "rows were edited outside this tool: restore the table from a backup, or, once the schema is at a known revision, `stamp <revision> --purge`".into(),
            });
        }
        let progress = row.progress().expect("partitioned on it");
        if let Some(m) = self.migrations.get(&row.revision).filter(|_| check) {
            let parent = parents(m);
            let stored = StoredChecksum::parse(row.stored_checksum());
            let ops = self.ops(m, Direction::Up)?;
            if stored.and_then(|s| s.matches(ops)) != Some(true) {
                return Err(Error::Partial {
                    revision: row.revision.clone(),
                    problem: format!(
                        "{progress}, and its upgrade was edited since (it ran with checksum {}, this build has {}, {}:{}): resuming or undoing it would follow ops other than those that ran",
                        row.stored_checksum(),
                        m.checksum().stored(),
                        m.file(),
                        m.line()
                    ),
                    help: format!("put the migration back as it was when it ran (its file in version control) and run again; or finish or undo its statements by hand and record where the schema is with `stamp {}` or `stamp {parent}`", row.revision),
                });
            }
        }
        Ok((
            rows,
            Some(Partial {
                revision: row.revision,
                progress,
            }),
        ))
    }

    /// The plan with the partial revision first: a run resumes or undoes it
    /// before anything else, and is refused when it would leave it.
    pub(super) fn place_partial(
        &self,
        mut plan: Vec<Step>,
        partial: Option<&Partial>,
        direction: Direction,
    ) -> Result<Vec<Step>, Error> {
        let Some(p) = partial else {
            return Ok(plan);
        };
        let Some(at) = plan.iter().position(|s| s.revision == p.revision) else {
            let m = self.migration(&p.revision);
            let parents = parents(m);
            return Err(Error::Partial {
                revision: p.revision.clone(),
                problem: format!(
                    "{}; this {direction} would leave it so",
                    p.progress
                ),
                help: format!(
                    "finish it (`upgrade {}`) or undo what ran (`downgrade {parents}`) first; nothing was changed",
                    p.revision
                ),
            });
        };
        let step = plan.remove(at);
        plan.insert(0, step);
        Ok(plan)
    }

    /// The revisions whose schema the renderer starts from: those applied,
    /// and the partial revision too when a downgrade resumes it.
    pub(super) fn model_start(
        applied: &BTreeSet<String>,
        partial: Option<&Partial>,
        direction: Direction,
    ) -> BTreeSet<String> {
        let mut out = applied.clone();
        if let Some(p) = partial {
            if p.progress.direction == Direction::Down && direction == Direction::Down {
                out.insert(p.revision.clone());
            }
        }
        out
    }

    /// The statements of a step, and how it runs given the partial row.
    pub(super) fn track(
        &self,
        renderer: &mut Renderer<'_>,
        step: &Step,
        partial: Option<&Partial>,
    ) -> Result<(Vec<(usize, Stmt)>, Track), Error> {
        let m = self.migration(&step.revision);
        let p = match partial {
            Some(p) if p.revision == step.revision => p.progress,
            _ => {
                return Ok((
                    renderer.step(step)?,
                    Track {
                        kind: Kind::Fresh,
                        ops: Cow::Borrowed(self.ops(m, step.direction)?),
                        base: None,
                        skip: 0,
                        row_exists: Cell::new(step.direction == Direction::Down),
                        final_sent: Cell::new(false),
                    },
                ))
            }
        };
        let refuse = |problem: String, help: String| Error::Partial {
            revision: m.revision().to_string(),
            problem,
            help,
        };
        let parents = parents(m);
        let (again, other) = match p.direction {
            Direction::Up => (
                format!("upgrade {}", m.revision()),
                format!("downgrade {parents}"),
            ),
            Direction::Down => (
                format!("downgrade {parents}"),
                format!("upgrade {}", m.revision()),
            ),
        };
        let ops = self.ops(m, p.direction)?;
        if p.direction == step.direction {
            if p.undone > 0 {
                return Err(refuse(
                    format!(
                        "{p}; the {} cannot resume over a part-done undo",
                        p.direction
                    ),
                    format!("finish the undo with `{other}`; nothing was changed"),
                ));
            }
            let statements = renderer.step(step)?;
            if statements.len() != p.total {
                return Err(refuse(
                    format!("{p}, but this build renders the migration as {} statements: which of them ran is not known", statements.len()),
                    format!("run it with the build that started it, or finish or undo its statements by hand and record where the schema is with `stamp {}` or `stamp {parents}`", m.revision()),
                ));
            }
            return Ok((
                statements,
                Track {
                    kind: Kind::Resume,
                    ops: Cow::Borrowed(ops),
                    base: Some(p),
                    skip: p.done,
                    row_exists: Cell::new(true),
                    final_sent: Cell::new(false),
                },
            ));
        }
        // The undo: the schema model as the stopped run left it, then the
        // inverse of the ops whose statements all ran.
        if p.direction == Direction::Down {
            renderer.advance(self.ops(m, Direction::Up)?);
        }
        let original = renderer.clone().ops(m, ops)?;
        if original.len() != p.total {
            return Err(refuse(
                format!("{p}, but this build renders the migration as {} statements: which of them ran is not known", original.len()),
                format!("run it with the build that started it, or undo its statements by hand and record where the schema is with `stamp {}`", if p.direction == Direction::Up { parents.as_str() } else { m.revision() }),
            ));
        }
        let (k, inverse) = undo_ops(ops, &original, p.done).map_err(|why| {
            refuse(
                format!("{p}, and what ran cannot be undone for you: {why}"),
                format!("finish it with `{again}` once the cause is removed, or undo its statements by hand and record where the schema is with `stamp {}`; nothing was changed", if p.direction == Direction::Up { parents.as_str() } else { m.revision() }),
            )
        })?;
        renderer.advance(&ops[..k]);
        let statements = renderer.ops(m, &inverse)?;
        if p.undone > statements.len() {
            return Err(refuse(
                format!("{p}, but its undo has {} statements here", statements.len()),
                format!(
                    "undo its statements by hand and record where the schema is with `stamp {}`",
                    if p.direction == Direction::Up {
                        parents.as_str()
                    } else {
                        m.revision()
                    }
                ),
            ));
        }
        Ok((
            statements,
            Track {
                kind: Kind::Undo,
                ops: Cow::Owned(inverse),
                base: Some(p),
                skip: p.undone,
                row_exists: Cell::new(true),
                final_sent: Cell::new(false),
            },
        ))
    }
}
