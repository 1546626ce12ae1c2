//! A PostgreSQL run: the session's advisory lock, keyed by the version
//! table, held for the whole run, and the session settings of the
//! migrations' statements, set in the same round trip.

use crate::backend::{Backend, RunBody, RunSettings};
use crate::error::{db, Error};
use crate::migration::Connection;
use crate::version::VersionTable;
use std::time::{Duration, Instant};

pub(super) fn locked(
    conn: &mut Connection<'_>,
    run: &RunSettings<'_>,
    body: &mut RunBody<'_>,
) -> Result<Vec<String>, Error> {
    // Before PostgreSQL 14, or where the platform cannot detect a closed
    // connection, the dead-client check is refused (with the rest of the
    // query): then without it.
    let mut check_interval = true;
    let mut attempt = PgLock::acquire(
        conn,
        run.version_table,
        run.lock_timeout,
        &settings(run, true),
    );
    if matches!(&attempt, Err(Error::Database { .. })) {
        check_interval = false;
        attempt = PgLock::acquire(
            conn,
            run.version_table,
            run.lock_timeout,
            &settings(run, false),
        );
    }
    let (lock, table_exists) = match attempt {
        Ok(got) => got,
        Err(e) => {
            let _ = reset(conn, None, check_interval);
            return Err(e);
        }
    };
    let result = body(conn, Some(table_exists));
    let released = if run.connection_closes_after {
        Ok(())
    } else {
        reset(conn, Some(lock), check_interval)
    };
    let done = result?;
    released?;
    Ok(done)
}

/// The session's settings, as `set_config` calls that go in the same
/// query as the lock attempt (one round trip for both).
fn settings(run: &RunSettings<'_>, check_interval: bool) -> Vec<String> {
    let set = |name: &str, value: String| format!("set_config('{name}', '{value}', false)");
    let mut out = vec![set("standard_conforming_strings", "on".into())];
    if let Some(t) = run.ddl_lock_timeout {
        out.push(set("lock_timeout", t.as_millis().max(1).to_string()));
    }
    if let Some(t) = run.statement_timeout {
        out.push(set("statement_timeout", t.as_millis().max(1).to_string()));
    }
    // A process killed mid-migration leaves its server session running the
    // statement, holding the migration lock; with this check (PostgreSQL
    // 14+) the server notices the dead client within a second, aborts and
    // releases the lock, so a rerun does not wait for the statement to end.
    if check_interval {
        out.push(set("client_connection_check_interval", "1000".into()));
    }
    out
}

/// Undoes [`settings`] (and releases the lock, if held), in one round trip.
fn reset(
    conn: &mut Connection<'_>,
    lock: Option<PgLock>,
    check_interval: bool,
) -> Result<(), Error> {
    let mut sql = String::new();
    if let Some(lock) = lock {
        sql.push_str(&format!("SELECT pg_advisory_unlock({});", lock.key));
    }
    sql.push_str(" RESET lock_timeout; RESET statement_timeout;");
    if check_interval {
        sql.push_str(" RESET client_connection_check_interval;");
    }
    conn.execute(&sql)
        .map_err(db("releasing the migration lock"))
}

/// PostgreSQL's session advisory lock, keyed by the version table's name so
/// that two applications with two version tables do not wait for each other.
struct PgLock {
    key: i64,
}

impl PgLock {
    /// Takes the lock, applying `settings` (`set_config` calls) in the same
    /// query; also says whether the version table exists. One round trip
    /// when the lock is free.
    fn acquire(
        conn: &mut Connection<'_>,
        table: &VersionTable,
        timeout: Duration,
        settings: &[String],
    ) -> Result<(PgLock, bool), Error> {
        let b = super::Postgres;
        let exists = format!(
            "CAST(to_regclass({}) IS NOT NULL AS TEXT)",
            b.quote_literal(&table.qualified(b.dialect()).map_err(|u| {
                Error::VersionTable {
                    table: table.display(),
                    problem: u.reason,
                    help: u.help,
                }
            })?)
        );
        use sha2::{Digest, Sha256};
        let name = format!(
            "migrate-runtime:{}.{}",
            table.schema.as_deref().unwrap_or(""),
            table.name
        );
        let digest = Sha256::digest(name.as_bytes());
        let key = i64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
        let started = Instant::now();
        let mut pause = Duration::from_millis(5);
        loop {
            // All arguments of concat_ws are evaluated: the settings too.
            let got = conn
                .texts(&format!(
                    "SELECT concat_ws(' ', CAST(pg_try_advisory_lock({key}) AS TEXT), {exists}, {}) AS value",
                    settings.join(", ")
                ))
                .map_err(db("taking the migration lock"))?;
            let got = got.first().cloned().flatten().unwrap_or_default();
            let mut words = got.split(' ');
            if words.next() == Some("true") {
                return Ok((PgLock { key }, words.next() == Some("true")));
            }
            if started.elapsed() >= timeout {
                let holder = conn
                    .texts(&format!(
                        "SELECT 'pid ' || a.pid || COALESCE(' (' || NULLIF(a.application_name, '') || ')', '') || COALESCE(' from ' || a.client_addr, '') || ', since ' || a.backend_start AS value \
                         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
                         WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {} AND l.objid = {} AND l.objsubid = 1",
                        (key >> 32) as u32,
                        key as u32
                    ))
                    .ok()
                    .and_then(|rows| rows.into_iter().flatten().next())
                    .unwrap_or_else(|| "another session (it could not be identified)".into());
                return Err(Error::LockTimeout {
                    waited_ms: started.elapsed().as_millis() as u64,
                    holder,
                });
            }
            std::thread::sleep(pause.min(timeout.saturating_sub(started.elapsed())));
            pause = (pause * 2).min(Duration::from_millis(250));
        }
    }
}
