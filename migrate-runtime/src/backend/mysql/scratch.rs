//! `check`'s scratch space on MySQL: a database of its own (DDL is not
//! transactional, so nothing could be rolled back), used and then dropped,
//! the connection's database restored, whatever happened in between.

use crate::error::{db, Error};
use crate::introspect::Snapshot;
use crate::migration::Connection;
use crate::ops::Op;
use std::sync::atomic::{AtomicUsize, Ordering};

pub(super) fn snapshot(conn: &mut Connection<'_>, ops: &[Op]) -> Result<Snapshot, Error> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let scratch = format!(
        "migrate_check_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let home = conn
        .texts("SELECT DATABASE() AS value")
        .map_err(db("reading the connection's database"))?
        .into_iter()
        .next()
        .flatten();
    let saved = "SET @migrate_sql_mode = @@SESSION.sql_mode";
    conn.execute(&format!(
        "{saved}; {}; CREATE DATABASE `{scratch}`",
        super::SESSION_SQL_MODE
    ))
    .map_err(db(
        "creating a scratch database for the check (it needs the CREATE privilege)",
    ))?;
    let made = conn
        .execute(&format!("USE `{scratch}`"))
        .map_err(db("using the scratch database"))
        .and_then(|()| crate::migrator::create_model(conn, ops))
        .and_then(|()| Snapshot::capture(conn));
    let mut back = String::new();
    if let Some(home) = &home {
        back.push_str(&format!("USE {};\n", super::types::quote_ident(home)));
    }
    back.push_str(&format!(
        "DROP DATABASE `{scratch}`;\nSET SESSION sql_mode = @migrate_sql_mode"
    ));
    let cleaned = conn
        .execute(&back)
        .map_err(db("dropping the check's scratch database"));
    let snapshot = made?;
    cleaned?;
    Ok(snapshot)
}
