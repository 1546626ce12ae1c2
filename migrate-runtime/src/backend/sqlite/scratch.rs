//! `check`'s scratch space on SQLite: an in-memory database.

use crate::error::Error;
use crate::introspect::Snapshot;
use crate::ops::Op;

#[cfg(feature = "sqlite")]
pub(super) fn snapshot(ops: &[Op]) -> Result<Snapshot, Error> {
    use crate::migration::Connection;
    use diesel::Connection as _;
    let mut c = diesel::SqliteConnection::establish(":memory:").map_err(|e| Error::Connect {
        url: ":memory:".into(),
        message: e.to_string(),
        help: "SQLite cannot open an in-memory database: check the memory available".into(),
    })?;
    let mut conn = Connection::Sqlite(&mut c);
    crate::migrator::create_model(&mut conn, ops)?;
    Snapshot::capture(&mut conn)
}

#[cfg(not(feature = "sqlite"))]
pub(super) fn snapshot(_: &[Op]) -> Result<Snapshot, Error> {
    unreachable!("a SQLite connection needs the `sqlite` feature")
}
