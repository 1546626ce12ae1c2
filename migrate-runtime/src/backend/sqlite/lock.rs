//! A SQLite run: the database file's own lock. Each migration takes it in an
//! exclusive transaction (stamp and repair for the whole run), waiting up to
//! the lock timeout (`busy_timeout`); foreign keys are switched off around
//! the run and checked before each migration commits.

use crate::backend::{RunBody, RunSettings};
use crate::error::{db, Error};
use crate::migration::Connection;
use std::time::{Duration, Instant};

pub(super) fn locked(
    conn: &mut Connection<'_>,
    run: &RunSettings<'_>,
    whole: bool,
    body: &mut RunBody<'_>,
) -> Result<Vec<String>, Error> {
    // Foreign keys are switched off outside the transaction (inside one the
    // pragma does nothing): a table rebuild with them on would delete the
    // ON DELETE CASCADE children. Each migration checks them instead.
    let started = Instant::now();
    let busy = |e: Error| sqlite_busy(e, started);
    // Waiting for the file lock is bounded by busy_timeout, set first.
    conn.execute(&format!(
        "PRAGMA busy_timeout = {}",
        run.lock_timeout.as_millis()
    ))
    .map_err(db("preparing the connection"))?;
    let fk_on = conn
        .texts("SELECT CAST(foreign_keys AS TEXT) AS value FROM pragma_foreign_keys")
        .map_err(db("reading PRAGMA foreign_keys"))
        .map_err(busy)?;
    let was_on = fk_on.first().cloned().flatten().as_deref() == Some("1");
    conn.execute("PRAGMA foreign_keys = OFF")
        .map_err(db("preparing the connection"))
        .map_err(busy)?;
    // Migrations take the file's lock one by one (each commits with its
    // version row); stamp and repair in one go.
    let outcome = if whole {
        conn.exclusive(|c| Ok(body(c, None)))
    } else {
        Ok(body(conn, None))
    }
    .map_err(busy);
    let restore = conn.execute(if was_on {
        "PRAGMA foreign_keys = ON"
    } else {
        "PRAGMA foreign_keys = OFF"
    });
    let outcome = outcome?.map_err(busy);
    restore.map_err(db("restoring PRAGMA foreign_keys"))?;
    outcome
}

/// A read that waits up to the lock timeout for the file's lock a migrating
/// process holds, as a run does.
pub(super) fn reading(
    conn: &mut Connection<'_>,
    lock_timeout: Duration,
    read: &mut dyn FnMut(&mut Connection<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    let started = Instant::now();
    conn.execute(&format!(
        "PRAGMA busy_timeout = {}",
        lock_timeout.as_millis()
    ))
    .map_err(db("preparing the connection"))?;
    read(conn).map_err(|e| sqlite_busy(e, started))
}

/// Whether an error is SQLite's "database is locked" (or busy).
pub(super) fn is_busy(e: &diesel::result::Error) -> bool {
    let text = e.to_string();
    text.contains("database is locked") || text.contains("database is busy")
}

/// A SQLite "database is locked" after waiting `busy_timeout`: the lock
/// timeout, naming the lock.
fn sqlite_busy(e: Error, started: Instant) -> Error {
    match e {
        Error::Database { source, .. } if is_busy(&source) => Error::LockTimeout {
            waited_ms: started.elapsed().as_millis() as u64,
            holder: "another connection writing to this SQLite file (its file lock)".into(),
        },
        other => other,
    }
}
