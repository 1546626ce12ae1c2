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

/// For a process that is the command line: SQLite's memory statistics off
/// (`SQLITE_CONFIG_MEMSTATUS`), which nothing in it reads. With them on,
/// each of SQLite's allocations takes a process-wide mutex to count itself,
/// and a migration's DDL allocates a great deal (every `ALTER TABLE`
/// re-parses the whole schema): 11% of the instructions of a 500-revision
/// upgrade. Only before SQLite is first used in the process (SQLite refuses
/// the option afterwards, and everything stays as it was); the heap limits
/// (`sqlite3_soft_heap_limit64`) and `sqlite3_memory_used` then do nothing
/// in this process.
/// (Unsafe where it cannot be avoided: a C function with no safe binding.)
#[cfg(feature = "cli")]
#[allow(unsafe_code)]
pub(crate) fn command_line_process() {
    // SAFETY: `sqlite3_config` with an option and the `int` it takes. It
    // returns SQLITE_MISUSE, changing nothing, once SQLite is initialised;
    // it must not run while another thread initialises SQLite, which is
    // why only `cli::run_with` calls it, first thing in `main`.
    unsafe {
        libsqlite3_sys::sqlite3_config(
            libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS,
            0 as std::ffi::c_int,
        );
    }
}
