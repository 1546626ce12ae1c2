//! A deploy with nothing to do (`upgrade head` at head): what every start of
//! an application with embedded migrations pays, so it does as little as
//! the checks allow.
//!
//! The version table is read once, before the lock where the lock is the
//! server's (PostgreSQL's advisory lock, MySQL's `GET_LOCK`: a round trip to
//! take it, another to release it). When the rows show the database at the
//! target — every row a revision of this build, none partial, each checksum
//! the compiled one as stored, every applied revision's parents applied,
//! and the target applied — the run is over: one statement, a committed
//! snapshot, and a snapshot at the target is at the target (another deploy
//! that changes it afterwards comes after this one, as it would after the
//! lock). Anything else — a row to look at closer, a checksum that differs
//! or is in another form, a revision to apply, no version table, a failed
//! read — goes the full way, under the lock, which reads the table again and
//! reports exactly what it always did. Nothing is allocated per row beyond
//! the row itself, no op is decoded, and no plan is built.

use super::Migrator;
use crate::migration::Connection;
use crate::version::AppliedRevision;

impl Migrator {
    /// Whether `rows` (the version table's) put the database at `target`
    /// already, with every applied revision's checksum the compiled one.
    /// False when anything needs the full path, which then says what.
    pub(super) fn at_target(&self, rows: &[AppliedRevision], target: &str) -> bool {
        let pairs: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.revision.as_str(), r.checksum.as_str()))
            .collect();
        self.at_target_pairs(&pairs, target)
    }

    /// [`Migrator::at_target`] from each row's revision and checksum.
    fn at_target_pairs(&self, rows: &[(&str, &str)], target: &str) -> bool {
        // An empty table is a first deploy's: the full path looks for other
        // tools' version tables.
        if rows.is_empty() {
            return false;
        }
        let mut applied = vec![false; self.graph.len()];
        for (n, &(revision, checksum)) in rows.iter().enumerate() {
            let Some((i, rank)) = self.graph.position_near(revision, n) else {
                return false;
            };
            // The graph was built from these migrations, in id order.
            let Some(m) = self
                .migrations
                .iter()
                .nth(rank)
                .filter(|m| m.revision() == revision)
                .or_else(|| self.migrations.get(revision))
            else {
                return false;
            };
            // A partial row's checksum has its progress before it, so it
            // is not the stored form either.
            if std::mem::replace(&mut applied[i], true) || !m.checksum_is_stored(checksum) {
                return false;
            }
        }
        self.graph.upgrade_is_noop(&applied, target)
    }

    /// [`Migrator::at_target`] from a read without the lock, where taking
    /// the lock is a round trip of its own: not on SQLite (a read there
    /// takes the file's lock like any other, and waits for it as the run
    /// does), and not inside a transaction of the caller's (where a failed
    /// read, of a version table not created yet, would abort it on
    /// PostgreSQL).
    pub(super) fn at_target_unlocked(&self, conn: &mut Connection<'_>, target: &str) -> bool {
        if conn.dialect().backend().lock_per_migration() || conn.in_transaction() {
            return false;
        }
        // No version table yet (a first deploy) fails the read (and the
        // server logs the error, once per database): the full path then
        // creates it.
        match self.version_table.read_pairs(conn) {
            Ok(pairs) => pairs
                .get()
                .is_some_and(|pairs| self.at_target_pairs(&pairs, target)),
            Err(_) => false,
        }
    }
}
