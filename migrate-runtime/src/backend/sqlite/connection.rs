//! The migrator's primitives on a `SqliteConnection`.

crate::backend::diesel_session!(
    diesel::SqliteConnection,
    Sqlite,
    super::Sqlite,
    "sqlite",
    /// Holds the file's write lock from the start (`BEGIN EXCLUSIVE`).
    fn exclusive(
        &mut self,
        f: &mut dyn FnMut(&mut crate::migration::Connection<'_>) -> Result<(), crate::error::Error>,
    ) -> Result<(), crate::error::Error> {
        self.exclusive_transaction(|c| f(&mut crate::migration::Connection::Sqlite(c)))
    }
);
