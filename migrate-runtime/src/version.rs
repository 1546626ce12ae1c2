//! The version table: one row per applied revision, with the checksum of its
//! upgrade, when it was applied and how long it took. Unlike Alembic's
//! `alembic_version` (one row per head, VARCHAR(32)), it records every applied
//! revision, so branches, merges and partial downgrades are exact, and ids up
//! to 128 characters fit.
//!
//! A migration that runs outside a transaction (MySQL's DDL, PostgreSQL's
//! `transactional = false`) and stops part-way is a *partial* row: its
//! checksum column holds the progress before the checksum,
//! `+2/5:v1:<hex>` (an upgrade stopped after 2 of its 5 statements;
//! `-` for a downgrade, `~1` after the count when an undo of it stopped
//! after 1 statement too; see [`Progress`]). The table keeps its columns, so
//! a table of any earlier build needs no change, and a build from before
//! partial rows refuses such a row (its checksum does not parse) rather
//! than take the revision for applied.

use crate::backend::sql;
use crate::dialect::{Dialect, Unsupported};
use crate::error::{db, Error};
use crate::migration::Connection;

/// Where the version table lives. Default: `migrate_revisions`, in the
/// connection's default schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionTable {
    /// The schema (PostgreSQL only).
    pub schema: Option<String>,
    /// The table name.
    pub name: String,
}

impl Default for VersionTable {
    fn default() -> Self {
        VersionTable {
            schema: None,
            name: "migrate_revisions".into(),
        }
    }
}

/// One row of the version table.
#[derive(Clone, Debug, PartialEq, Eq, diesel::QueryableByName)]
pub struct AppliedRevision {
    /// The revision id.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub revision: String,
    /// The checksum of its upgrade when it was applied (or stamped).
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub checksum: String,
    /// When, as the database's text for the timestamp.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub applied_at: String,
    /// How long its upgrade took; 0 when stamped.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub duration_ms: i64,
}

/// How far a migration that stopped part-way got, as its version row
/// records it (see the module's documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The direction of the run that stopped.
    pub direction: crate::graph::Direction,
    /// How many of its statements ran (and stay).
    pub done: usize,
    /// How many statements it has.
    pub total: usize,
    /// How many statements of the undo of those `done` ran, when an undo
    /// stopped part-way too (0: none).
    pub undone: usize,
}

impl Progress {
    /// The checksum column's text: the progress, then the stored checksum.
    pub(crate) fn encode(&self, stored: &str) -> String {
        let sign = match self.direction {
            crate::graph::Direction::Up => '+',
            crate::graph::Direction::Down => '-',
        };
        let undone = match self.undone {
            0 => String::new(),
            n => format!("~{n}"),
        };
        format!("{sign}{}/{}{undone}:{stored}", self.done, self.total)
    }

    /// The progress and the stored checksum of a checksum column's text;
    /// `None` for a complete row's.
    pub(crate) fn decode(text: &str) -> Option<(Progress, &str)> {
        let direction = match text.as_bytes().first()? {
            b'+' => crate::graph::Direction::Up,
            b'-' => crate::graph::Direction::Down,
            _ => return None,
        };
        let (head, stored) = text[1..].split_once(':')?;
        let (counts, undone) = match head.split_once('~') {
            Some((c, u)) => (c, number(u)?),
            None => (head, 0),
        };
        let (done, total) = counts.split_once('/')?;
        let (done, total) = (number(done)?, number(total)?);
        (done <= total).then_some((
            Progress {
                direction,
                done,
                total,
                undone,
            },
            stored,
        ))
    }
}

fn number(s: &str) -> Option<usize> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "partial: {} stopped after {} of {} statements",
            self.direction, self.done, self.total
        )?;
        if self.undone > 0 {
            write!(f, ", then its undo after {}", self.undone)?;
        }
        Ok(())
    }
}

impl AppliedRevision {
    /// How far the migration got, when it stopped part-way (a partial row).
    pub fn progress(&self) -> Option<Progress> {
        Progress::decode(&self.checksum).map(|(p, _)| p)
    }

    /// The checksum as stored, without any progress before it.
    pub fn stored_checksum(&self) -> &str {
        Progress::decode(&self.checksum).map_or(&self.checksum, |(_, c)| c)
    }
}

impl VersionTable {
    /// The quoted, qualified name.
    pub fn qualified(&self, dialect: Dialect) -> Result<String, Unsupported> {
        dialect.qualified(&self.schema.clone().map(Into::into), &self.name)
    }

    pub(crate) fn display(&self) -> String {
        match &self.schema {
            Some(s) => format!("{s}.{}", self.name),
            None => self.name.clone(),
        }
    }

    /// `CREATE TABLE IF NOT EXISTS ...`
    pub fn create_sql(&self, dialect: Dialect) -> Result<String, Unsupported> {
        let t = self.qualified(dialect)?;
        Ok(dialect.backend().create_version_table(self, &t))
    }

    /// Records a revision.
    pub fn insert_sql(
        &self,
        dialect: Dialect,
        revision: &str,
        checksum: &str,
        duration_ms: u64,
    ) -> Result<String, Unsupported> {
        self.timed_insert_sql(dialect, revision, checksum, &duration_ms.to_string())
    }

    /// Records a revision, `duration_ms` being the SQL that computes it.
    pub(crate) fn timed_insert_sql(
        &self,
        dialect: Dialect,
        revision: &str,
        checksum: &str,
        duration_ms: &str,
    ) -> Result<String, Unsupported> {
        Ok(sql::version_insert(
            dialect.backend(),
            &self.qualified(dialect)?,
            revision,
            checksum,
            duration_ms,
        ))
    }

    /// Forgets a revision.
    pub fn delete_sql(&self, dialect: Dialect, revision: &str) -> Result<String, Unsupported> {
        Ok(format!(
            "DELETE FROM {} WHERE revision = {}",
            self.qualified(dialect)?,
            dialect.backend().quote_literal(revision)
        ))
    }

    /// Re-records a revision's checksum.
    pub fn repair_sql(
        &self,
        dialect: Dialect,
        revision: &str,
        checksum: &str,
    ) -> Result<String, Unsupported> {
        let b = dialect.backend();
        Ok(format!(
            "UPDATE {} SET checksum = {} WHERE revision = {}",
            self.qualified(dialect)?,
            b.quote_literal(checksum),
            b.quote_literal(revision)
        ))
    }

    /// Records how far a migration that runs outside a transaction got:
    /// a new partial row, or the update of the row there is.
    pub(crate) fn progress_sql(
        &self,
        dialect: Dialect,
        revision: &str,
        text: &str,
        row_exists: bool,
    ) -> Result<String, Unsupported> {
        if row_exists {
            self.repair_sql(dialect, revision, text)
        } else {
            self.insert_sql(dialect, revision, text, 0)
        }
    }

    /// Makes a partial row whole: the migration finished (`duration_ms`:
    /// a number, or the SQL that computes it).
    pub(crate) fn complete_sql(
        &self,
        dialect: Dialect,
        revision: &str,
        checksum: &str,
        duration_ms: &str,
    ) -> Result<String, Unsupported> {
        let b = dialect.backend();
        Ok(format!(
            "UPDATE {} SET checksum = {}, duration_ms = {duration_ms} WHERE revision = {}",
            self.qualified(dialect)?,
            b.quote_literal(checksum),
            b.quote_literal(revision)
        ))
    }

    /// Whether the table exists.
    pub(crate) fn exists(&self, conn: &mut Connection<'_>) -> Result<bool, Error> {
        let dialect = conn.dialect();
        let sql = dialect
            .backend()
            .version_table_exists_sql(self, &self.qualified(dialect).map_err(unsupported)?)
            .map_err(unsupported)?;
        let rows = conn.texts(&sql).map_err(db(format!(
            "checking for the version table `{}`",
            self.display()
        )))?;
        Ok(rows.into_iter().any(|r| r.is_some()))
    }

    /// Which of `revisions` have a row (for a step's re-check under its own
    /// lock, without reading the whole table). The table is read first and
    /// looked for only when that fails: a query's failure leaves a SQLite
    /// transaction as it was, and the look (a scan of the schema, growing
    /// with it) was the larger part of each step's re-check.
    pub(crate) fn recorded(
        &self,
        conn: &mut Connection<'_>,
        revisions: &[&str],
    ) -> Result<std::collections::BTreeSet<String>, Error> {
        if revisions.is_empty() {
            return Ok(Default::default());
        }
        let b = conn.dialect().backend();
        let list: Vec<String> = revisions.iter().map(|r| b.quote_literal(r)).collect();
        let sql = format!(
            "SELECT {} AS value FROM {} WHERE revision IN ({})",
            b.cast_text("revision"),
            self.qualified(conn.dialect()).map_err(unsupported)?,
            list.join(", ")
        );
        match conn.texts(&sql) {
            Ok(rows) => Ok(rows.into_iter().flatten().collect()),
            // No table yet (a first deploy, before its first commit).
            Err(_) if !self.exists(conn)? => Ok(Default::default()),
            Err(e) => Err(db("reading the version table")(e)),
        }
    }

    /// Every row in the order applied, or an error saying how the table is
    /// not what this tool wrote.
    pub(crate) fn read(&self, conn: &mut Connection<'_>) -> Result<Vec<AppliedRevision>, Error> {
        let rows = self.read_unvalidated(conn, true, None)?;
        self.validate(&rows)?;
        Ok(rows)
    }

    /// Every row's revision and checksum, in no order (what planning needs:
    /// the cost every deploy pays, also at head), validated.
    pub(crate) fn read_brief(
        &self,
        conn: &mut Connection<'_>,
        exists: Option<bool>,
    ) -> Result<Vec<AppliedRevision>, Error> {
        let rows = self.read_unvalidated(conn, false, exists)?;
        self.validate(&rows)?;
        Ok(rows)
    }

    /// Every row's revision and checksum, for a deploy with nothing to do
    /// (`migrator::at_head`). On PostgreSQL in one value, the row count then
    /// each row's revision and checksum, separated by spaces: the server
    /// joins them (`string_agg`, without a length limit), and the client
    /// builds one value instead of a row per revision. Elsewhere the rows
    /// (MySQL's `GROUP_CONCAT` stops at `group_concat_max_len`). Not
    /// validated: the caller compares every value with what it expects.
    pub(crate) fn read_pairs(&self, conn: &mut Connection<'_>) -> Result<Pairs, Error> {
        let dialect = conn.dialect();
        if dialect != crate::backend::postgres::Postgres::DIALECT {
            return self
                .read_unvalidated(conn, false, Some(true))
                .map(Pairs::Rows);
        }
        let table = self.qualified(dialect).map_err(unsupported)?;
        let b = dialect.backend();
        let sql = format!(
            "SELECT {} || ' ' || COALESCE(string_agg({} || ' ' || {}, ' '), '') AS value FROM {table}",
            b.cast_text("count(*)"),
            b.cast_text("revision"),
            b.cast_text("checksum")
        );
        let value = conn
            .texts(&sql)
            .map_err(db("reading the version table"))?
            .into_iter()
            .next()
            .flatten()
            .unwrap_or_default();
        Ok(Pairs::Packed(value))
    }

    /// Every row as it is (for `stamp --purge`, which replaces them all);
    /// `full`: with when and how long, in the order applied; `exists`: when
    /// already known.
    pub(crate) fn read_unvalidated(
        &self,
        conn: &mut Connection<'_>,
        full: bool,
        exists: Option<bool>,
    ) -> Result<Vec<AppliedRevision>, Error> {
        let exists = match exists {
            Some(known) => known,
            None => self.exists(conn)?,
        };
        if !exists {
            return Ok(Vec::new());
        }
        let dialect = conn.dialect();
        let table = self.qualified(dialect).map_err(unsupported)?;
        let b = dialect.backend();
        let (revision, checksum) = (b.cast_text("revision"), b.cast_text("checksum"));
        let sql = if full {
            format!("SELECT {revision} AS revision, {checksum} AS checksum, {} AS applied_at, {} AS duration_ms FROM {table} ORDER BY applied_at, revision", b.cast_text("applied_at"), b.cast_bigint("duration_ms"))
        } else {
            format!("SELECT {revision} AS revision, {checksum} AS checksum, '' AS applied_at, {} AS duration_ms FROM {table}", b.cast_bigint("0"))
        };
        let rows = conn.session().applied(&sql).map_err(|e| match e {
            // Locked, not damaged: the caller waits or says so.
            e if dialect.backend().is_busy(&e) => db("reading the version table")(e),
            e => Error::VersionTable {
            table: self.display(),
            problem: format!("reading it failed ({e})"),
            help: "it must have the columns revision, checksum, applied_at, duration_ms; if another tool owns a table of this name, choose another version table name".into(),
        }})?;
        Ok(rows)
    }

    fn validate(&self, rows: &[AppliedRevision]) -> Result<(), Error> {
        for r in rows {
            let problem = if r.revision.trim().is_empty() {
                Some("a row has an empty revision".to_string())
            } else if r.revision.trim() != r.revision {
                Some(format!(
                    "revision `{}` has surrounding whitespace",
                    r.revision
                ))
            } else if crate::ops::StoredChecksum::parse(r.stored_checksum()).is_none() {
                Some(format!(
                    "revision `{}` has checksum `{}`, which is not 64 hex digits after an encoding version such as `v1:`",
                    r.revision, r.checksum
                ))
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(Error::VersionTable {
                    table: self.display(),
                    problem,
                    help: "restore the table from a backup, fix the row by hand, or, if the schema is at a known revision, rewrite every row with `stamp <revision> --purge`".into(),
                });
            }
        }
        Ok(())
    }
}

/// The version table's revisions and checksums as
/// [`VersionTable::read_pairs`] read them.
pub(crate) enum Pairs {
    /// In one value: the row count, then each row's revision and checksum.
    Packed(String),
    /// Row by row.
    Rows(Vec<AppliedRevision>),
}

impl Pairs {
    /// Each row's revision and checksum; `None` when the packed value is
    /// not two words a row (a value holding a space, or a null, which the
    /// join leaves out): every row gives at least two words, so exactly two
    /// a row means each row's own.
    pub(crate) fn get(&self) -> Option<Vec<(&str, &str)>> {
        match self {
            Pairs::Rows(rows) => Some(
                rows.iter()
                    .map(|r| (r.revision.as_str(), r.checksum.as_str()))
                    .collect(),
            ),
            Pairs::Packed(text) => {
                let (count, rest) = text.split_once(' ')?;
                let count: usize = number(count)?;
                if count == 0 {
                    return rest.is_empty().then(Vec::new);
                }
                let mut words = rest.split(' ');
                let mut pairs = Vec::with_capacity(count);
                for _ in 0..count {
                    pairs.push((words.next()?, words.next()?));
                }
                words.next().is_none().then_some(pairs)
            }
        }
    }
}

fn unsupported(u: Unsupported) -> Error {
    Error::VersionTable {
        table: String::new(),
        problem: u.reason,
        help: u.help,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Direction;

    #[test]
    fn packed_pairs_are_two_words_a_row() {
        let packed = |s: &str| Pairs::Packed(s.to_string());
        assert_eq!(
            packed("2 a v1:x b v1:y").get(),
            Some(vec![("a", "v1:x"), ("b", "v1:y")])
        );
        assert_eq!(packed("0 ").get(), Some(vec![]));
        // A space inside a value, a row left out (a null), one too many.
        for bad in [
            "2 a v1:x b v1: y",
            "2 a v1:x",
            "1 a v1:x b v1:y",
            "1 a v1:x ",
            "1",
            "x a b",
            "",
            "0 a",
        ] {
            assert_eq!(packed(bad).get(), None, "{bad}");
        }
    }

    #[test]
    fn progress_round_trips_through_the_checksum_column() {
        let stored = format!("v1:{}", "ab".repeat(32));
        for p in [
            Progress {
                direction: Direction::Up,
                done: 2,
                total: 5,
                undone: 0,
            },
            Progress {
                direction: Direction::Up,
                done: 9998,
                total: 9999,
                undone: 0,
            },
            Progress {
                direction: Direction::Down,
                done: 998,
                total: 999,
                undone: 997,
            },
        ] {
            let text = p.encode(&stored);
            // It fits the column (VARCHAR(80)) up to 9,999 statements (999
            // with an undo).
            assert!(text.len() <= 80, "{text}");
            assert_eq!(Progress::decode(&text), Some((p, stored.as_str())));
            // A build from before partial rows cannot read it as a checksum,
            // so refuses the table instead of taking the revision as applied.
            assert_eq!(crate::ops::StoredChecksum::parse(&text), None);
        }
        for bad in [
            "",
            "v1:ab",
            "+2:v1:ab",
            "+/5:v1",
            "+3/2:v1:ab",
            "*2/5:v1:ab",
            "+2/5~:v1:ab",
            "+2/5",
        ] {
            assert_eq!(Progress::decode(bad), None, "{bad}");
        }
        assert_eq!(Progress::decode(&stored), None);
    }
}
