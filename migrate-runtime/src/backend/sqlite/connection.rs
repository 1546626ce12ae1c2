//! The migrator's primitives on a `SqliteConnection`.

use crate::backend::{Session, TextRow};
use crate::dialect::Dialect;
use crate::error::Error;
use crate::migration::Connection;
use crate::version::AppliedRevision;
use crate::MigrationConnection;
use diesel::connection::SimpleConnection;
use diesel::{RunQueryDsl, SqliteConnection};

#[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
impl MigrationConnection for SqliteConnection {
    fn connection(&mut self) -> Connection<'_> {
        self.reborrow()
    }
}

impl Session for SqliteConnection {
    fn reborrow(&mut self) -> Connection<'_> {
        Connection::Sqlite(self)
    }

    fn dialect(&self) -> Dialect {
        super::Sqlite::DIALECT
    }

    fn execute(&mut self, sql: &str) -> Result<(), diesel::result::Error> {
        self.batch_execute(sql)
    }

    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, diesel::result::Error> {
        let rows: Vec<TextRow> = diesel::sql_query(sql).load(self)?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    fn applied(&mut self, sql: &str) -> Result<Vec<AppliedRevision>, diesel::result::Error> {
        diesel::sql_query(sql).load(self)
    }

    fn transaction(
        &mut self,
        f: &mut dyn FnMut(&mut Connection<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        diesel::Connection::transaction(self, |c| f(&mut Connection::Sqlite(c)))
    }

    /// Holds the file's write lock from the start (`BEGIN EXCLUSIVE`).
    fn exclusive(
        &mut self,
        f: &mut dyn FnMut(&mut Connection<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.exclusive_transaction(|c| f(&mut Connection::Sqlite(c)))
    }
}
