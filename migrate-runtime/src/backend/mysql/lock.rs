//! A MySQL run: a named lock (`GET_LOCK`), keyed by the database and the
//! version table, held for the whole run and released by the server when
//! the session ends (a killed process leaves no lock behind); the session's
//! `sql_mode` and timeouts set for the migrations' statements and restored
//! after.

use super::types::quote_literal;
use crate::backend::{RunBody, RunSettings};
use crate::error::{db, Error};
use crate::migration::Connection;
use std::time::Instant;

pub(super) fn locked(
    conn: &mut Connection<'_>,
    run: &RunSettings<'_>,
    body: &mut RunBody<'_>,
) -> Result<Vec<String>, Error> {
    let table = run.version_table;
    let key = format!(
        "migrate-runtime:{}.{}",
        table.schema.as_deref().unwrap_or(""),
        table.name
    );
    // The lock is the server's, not the database's: its name holds the
    // database (a hash, within the 64 characters a lock name may have).
    let setup = format!(
        "SET @migrate_lock = CONCAT('migrate:', SHA1(CONCAT(COALESCE(DATABASE(), ''), ':', {})));\n\
         SET @migrate_sql_mode = @@SESSION.sql_mode, @migrate_lock_wait = @@SESSION.lock_wait_timeout, \
             @migrate_statement_time = @@SESSION.max_statement_time;\n\
         {}",
        quote_literal(&key),
        super::SESSION_SQL_MODE
    );
    conn.execute(&setup).map_err(db("preparing the session"))?;
    let exists = format!(
        "(SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = {} AND TABLE_NAME = {})",
        match &table.schema {
            Some(s) => quote_literal(s),
            None => "DATABASE()".into(),
        },
        quote_literal(&table.name)
    );
    let started = Instant::now();
    let got = conn
        .texts(&format!(
            "SELECT CONCAT_WS(' ', CAST(GET_LOCK(@migrate_lock, {:.3}) AS CHAR), CAST({exists} AS CHAR)) AS value",
            run.lock_timeout.as_secs_f64()
        ))
        .map_err(db("taking the migration lock"));
    let got = match got {
        Ok(rows) => rows.into_iter().next().flatten().unwrap_or_default(),
        Err(e) => {
            let _ = reset(conn, false);
            return Err(e);
        }
    };
    let mut words = got.split(' ');
    if words.next() != Some("1") {
        let holder = conn
            .texts(
                "SELECT CONCAT('connection ', CAST(p.ID AS CHAR), ' (', p.USER, '@', p.HOST, ')', \
                 ', for ', CAST(p.TIME AS CHAR), ' s') AS value \
                 FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(@migrate_lock)",
            )
            .ok()
            .and_then(|rows| rows.into_iter().flatten().next())
            .unwrap_or_else(|| "another session (it could not be identified)".into());
        let _ = reset(conn, false);
        return Err(Error::LockTimeout {
            waited_ms: started.elapsed().as_millis() as u64,
            holder,
        });
    }
    let table_exists = words.next().is_some_and(|n| n != "0");
    // The timeouts only now: a statement timeout would cut the wait short.
    let mut timeouts = Vec::new();
    if let Some(t) = run.ddl_lock_timeout {
        // Whole seconds, at least one.
        timeouts.push(format!(
            "SESSION lock_wait_timeout = {}",
            t.as_millis().div_ceil(1000).max(1)
        ));
    }
    if let Some(t) = run.statement_timeout {
        timeouts.push(format!(
            "SESSION max_statement_time = {:.3}",
            t.as_secs_f64().max(0.001)
        ));
    }
    if !timeouts.is_empty() {
        if let Err(e) = conn.execute(&format!("SET {}", timeouts.join(", "))) {
            let _ = reset(conn, true);
            return Err(db("setting the session's timeouts")(e));
        }
    }
    let result = body(conn, Some(table_exists));
    let released = if run.connection_closes_after {
        Ok(())
    } else {
        reset(conn, true)
    };
    let done = result?;
    released?;
    Ok(done)
}

/// Releases the lock (if held) and restores the session's settings.
fn reset(conn: &mut Connection<'_>, held: bool) -> Result<(), Error> {
    let mut sql = String::new();
    if held {
        sql.push_str("DO RELEASE_LOCK(@migrate_lock);\n");
    }
    sql.push_str(
        "SET SESSION sql_mode = @migrate_sql_mode, SESSION lock_wait_timeout = @migrate_lock_wait, \
         SESSION max_statement_time = @migrate_statement_time",
    );
    conn.execute(&sql)
        .map_err(db("releasing the migration lock"))
}
