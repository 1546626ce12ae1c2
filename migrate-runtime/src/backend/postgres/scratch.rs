//! `check`'s scratch space on PostgreSQL: a temporary schema, created and
//! read inside a transaction that is always rolled back.

use crate::error::{db, Error};
use crate::introspect::Snapshot;
use crate::migration::Connection;
use crate::ops::Op;

pub(super) fn snapshot(conn: &mut Connection<'_>, ops: &[Op]) -> Result<Snapshot, Error> {
    // Through diesel's transaction API, so that inside a caller's
    // transaction it is a savepoint, and the caller's work stays.
    let schema = format!("migrate_check_{}", std::process::id());
    let mut snapshot = None;
    let scratch = conn.transaction(|c| {
        c.execute(&format!(
            "CREATE SCHEMA {schema}; SET LOCAL search_path TO {schema}"
        ))
        .map_err(db("creating a scratch schema for the check"))?;
        snapshot = Some(crate::migrator::create_model(c, ops).and_then(|()| Snapshot::capture(c)));
        Err::<(), _>(Error::from(diesel::result::Error::RollbackTransaction))
    });
    match (scratch, snapshot) {
        (
            Err(Error::Database {
                source: diesel::result::Error::RollbackTransaction,
                ..
            }),
            Some(snapshot),
        ) => snapshot,
        (Err(e), _) => Err(e),
        (Ok(()), _) => unreachable!("the scratch transaction is always rolled back"),
    }
}
