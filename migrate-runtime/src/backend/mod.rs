//! One backend per database, behind two internal traits: [`Backend`], what a
//! database's SQL is (rendering, quoting, types and defaults, version-table
//! SQL, capabilities, the run's lock, `check`'s scratch space, introspection,
//! rebuild planning), and [`Session`], the few primitives the migrator needs
//! from one of its diesel connections. Each database is a folder; the public
//! [`Dialect`] names its backend in one place (`dialect.rs`), so a new
//! database is a folder, one line there, and the variant of
//! [`Connection`] that holds its diesel connection.
//!
//! Shared SQL that every backend writes alike (constraints, `INSERT ...
//! VALUES`, foreign key actions) is in [`sql`], always with the backend's own
//! quoting.

pub(crate) mod capture;
pub(crate) mod mysql;
pub(crate) mod postgres;
pub(crate) mod sql;
pub(crate) mod sqlite;

use crate::dialect::{Dialect, Unsupported};
use crate::error::Error;
use crate::introspect::Snapshot;
use crate::migration::Connection;
use crate::ops::*;
use crate::schema::{Schema, TableModel};
use crate::version::{AppliedRevision, VersionTable};
use std::time::Duration;

/// Only the backends that `dialect.rs` maps a [`Dialect`] to implement
/// [`Backend`]: the mapping seals each one, so a backend folder without its
/// line there does not compile.
pub(crate) mod sealed {
    pub trait Sealed {}
}

/// What a database's SQL is. Stateless: one static value per database.
pub(crate) trait Backend: sealed::Sealed + Sync {
    /// The dialect this backend writes.
    fn dialect(&self) -> Dialect;
    /// The name in messages, `--dialect` and `execute(name = ...)`.
    fn name(&self) -> &'static str;
    /// Other names `--dialect` accepts.
    #[cfg_attr(not(feature = "cli"), allow(dead_code))]
    fn aliases(&self) -> &'static [&'static str] {
        &[]
    }
    /// The database's own spelling, for people (`PostgreSQL`).
    fn title(&self) -> &'static str;

    // -- quoting, types, defaults -------------------------------------------

    /// A quoted identifier.
    fn quote_ident(&self, name: &str) -> String;
    /// A text literal that the database reads as written, whatever the
    /// session's settings.
    fn quote_literal(&self, text: &str) -> String;
    /// A quoted name of an object in a schema (a table, a type, an index).
    fn qualified(&self, schema: &Option<Str>, name: &str) -> Result<String, Unsupported>;
    /// A column type, in this database's spelling.
    fn type_sql(&self, ty: &ColumnType) -> Result<String, Unsupported>;
    /// A server default.
    fn default_sql(&self, default: &ServerDefault) -> String;
    /// A boolean value.
    fn bool_literal(&self, value: bool) -> &'static str;
    /// The model's type of a column type as introspection reports it
    /// ([`ColumnSnapshot::data_type`](crate::introspect::ColumnSnapshot)),
    /// `enums` being the database's enum types; `Err` says why the DSL has
    /// no such type.
    fn column_type(&self, data_type: &str, enums: &[EnumType]) -> Result<ColumnType, String>;
    /// The model's server default of a default as introspection reports it,
    /// on a column of type `ty`: what [`Backend::default_sql`] renders reads
    /// back as the same value; anything else is SQL text.
    fn server_default(&self, text: &str, ty: &ColumnType) -> ServerDefault;
    /// Whether a column auto-increments as the model renders an
    /// auto-incrementing column (`sole_key`: it is the table's whole primary
    /// key), and the default the database reports besides that; `Err` says
    /// why the DSL cannot write the column (an identity or generated column
    /// it has no form for).
    fn auto_increment<'c>(
        &self,
        column: &'c crate::introspect::ColumnSnapshot,
        sole_key: bool,
    ) -> Result<(bool, Option<&'c str>), String>;
    /// The values of an enum column that this database writes as a CHECK
    /// constraint (`expression`, named by the naming convention) on a column
    /// declared `data_type`; `None` when the check is not one this backend
    /// writes for an enum, or where enums are types of their own.
    fn enum_check(&self, column: &str, data_type: &str, expression: &str) -> Option<Vec<String>> {
        let _ = (column, data_type, expression);
        None
    }
    /// This database's text of an `execute` (its own field of [`Sql`]), if any.
    fn execute_text<'s>(&self, sql: &'s Sql) -> Option<&'s str>;
    /// This database's predicate of an index (`postgresql_where`,
    /// `sqlite_where`): the one its rendering uses and reflection fills;
    /// `None` for a database without partial indexes.
    fn index_where<'i>(&self, index: &'i mut Index) -> Option<&'i mut Option<Str>>;

    // -- rendering ----------------------------------------------------------

    /// The statements of one op, from the op alone.
    fn render(&self, op: &Op) -> Result<Vec<String>, Unsupported>;
    /// The native form of an op, completed from the schema the earlier ops
    /// left where the op's text does not say enough (SQLite's column index
    /// dropped with its column, MySQL's `MODIFY COLUMN`, which repeats the
    /// whole column); only called where [`Backend::follows_model`], with
    /// `None` when that schema cannot be followed (an earlier op it cannot
    /// apply).
    fn render_in(&self, op: &Op, schema: Option<&Schema>) -> Result<Vec<String>, Unsupported> {
        let _ = schema;
        self.render(op)
    }
    /// Whether rendering follows the schema the migrations describe
    /// ([`Backend::render_in`], rebuilds).
    fn follows_model(&self) -> bool {
        self.rebuilds().is_some()
    }
    /// Table rebuilds (move and copy) for what `ALTER TABLE` cannot do:
    /// `None` when every op has a native form.
    fn rebuilds(&self) -> Option<&dyn Rebuilds> {
        None
    }

    // -- queries ------------------------------------------------------------

    /// `expr` as text, for a query read by [`Session::rows`].
    fn cast_text(&self, expr: &str) -> String {
        format!("CAST({expr} AS TEXT)")
    }
    /// A binary `expr` as hexadecimal text (either case).
    fn hex(&self, expr: &str) -> String {
        format!("hex({expr})")
    }
    /// `expr` as a 64-bit integer.
    fn cast_bigint(&self, expr: &str) -> String {
        format!("CAST({expr} AS BIGINT)")
    }

    // -- capabilities -------------------------------------------------------

    /// Whether DDL is transactional, so that a migration and its version row
    /// commit together.
    fn transactional_ddl(&self) -> bool;
    /// Whether objects can live in named schemas (`schema = "..."`): `check`
    /// then leaves them out on both sides.
    fn named_schemas(&self) -> bool;

    // -- version table ------------------------------------------------------

    /// `CREATE TABLE IF NOT EXISTS` for the version table (`table` quoted
    /// and qualified), and what an older table needs to be brought up to it.
    fn create_version_table(&self, table: &VersionTable, qualified: &str) -> String;
    /// A query whose single `value` is not NULL when the version table exists.
    fn version_table_exists_sql(
        &self,
        table: &VersionTable,
        qualified: &str,
    ) -> Result<String, Unsupported>;
    /// Whether a migration of SQL statements only is sent as one message
    /// with its version row (one round trip), its row written by
    /// [`Backend::timed_insert_sql`].
    fn batches_migrations(&self) -> bool {
        false
    }
    /// The version row of a batched migration, its duration measured by the
    /// server; `None` where migrations are not batched.
    fn timed_insert_sql(&self, qualified: &str, revision: &str, checksum: &str) -> Option<String> {
        let _ = (qualified, revision, checksum);
        None
    }
    /// Where each statement commits on its own: a statement that starts a
    /// migration's clock in the session, and the expression of the
    /// milliseconds since, so that the version row can travel in the same
    /// message as the migration's last statement and still say how long it
    /// took; `None` elsewhere.
    fn step_clock(&self) -> Option<(&'static str, &'static str)> {
        None
    }
    /// A query whose `value`s are those of `names` that are tables the
    /// connection sees.
    fn tables_among_sql(&self, names: &[&str]) -> String;

    // -- a run --------------------------------------------------------------

    /// Runs `body` holding the migration lock: with `whole`, every write of
    /// the run under it (stamp, repair); else as this database's lock scheme
    /// has it (see [`Backend::lock_per_migration`]). `body` gets whether the
    /// version table exists, when taking the lock told.
    fn locked(
        &self,
        conn: &mut Connection<'_>,
        run: &RunSettings<'_>,
        whole: bool,
        body: &mut RunBody<'_>,
    ) -> Result<Vec<String>, Error>;
    /// Whether each migration takes the lock for itself, in its own
    /// exclusive transaction, and looks again at the version table under it
    /// (SQLite's file lock); else one lock is held for the whole run.
    fn lock_per_migration(&self) -> bool;
    /// Runs a read (`current`, `check`), waiting up to `lock_timeout` for
    /// another process's migration to let go, as a run does.
    fn reading(
        &self,
        conn: &mut Connection<'_>,
        lock_timeout: Duration,
        read: &mut dyn FnMut(&mut Connection<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let _ = lock_timeout;
        read(conn)
    }
    /// Whether an error says that another connection holds the database's
    /// lock (a wait that ran out, not damage).
    fn is_busy(&self, e: &diesel::result::Error) -> bool {
        let _ = e;
        false
    }
    /// The tables with foreign key violations, checked before a migration
    /// commits when the run switches the checks off.
    fn foreign_key_violations(
        &self,
        conn: &mut Connection<'_>,
    ) -> Result<Vec<String>, diesel::result::Error> {
        let _ = conn;
        Ok(Vec::new())
    }

    // -- offline scripts ----------------------------------------------------

    /// The settings at the top of every script.
    fn script_settings(&self) -> &'static str {
        ""
    }
    /// Before and after a script's migrations.
    fn script_migrations_around(&self) -> (&'static str, &'static str) {
        ("", "")
    }

    // -- check and introspection --------------------------------------------

    /// Reads the schema of the database `conn` is on.
    fn capture(&self, conn: &mut Connection<'_>) -> Result<Snapshot, Error>;
    /// Creates `ops` (a modelled schema) in a scratch space that leaves
    /// nothing behind, and reads it back.
    fn scratch_snapshot(&self, conn: &mut Connection<'_>, ops: &[Op]) -> Result<Snapshot, Error>;
}

/// The work of a run under its lock; it gets whether the version table
/// exists, when taking the lock told.
pub(crate) type RunBody<'a> =
    dyn FnMut(&mut Connection<'_>, Option<bool>) -> Result<Vec<String>, Error> + 'a;

/// What the migrator's settings say about a run.
pub(crate) struct RunSettings<'a> {
    pub version_table: &'a VersionTable,
    /// How long to wait for another process's lock.
    pub lock_timeout: Duration,
    /// The database's lock timeout for the migrations' statements.
    pub ddl_lock_timeout: Option<Duration>,
    pub statement_timeout: Option<Duration>,
    /// The connection is closed after the run: the session needs no reset.
    pub connection_closes_after: bool,
}

/// Table rebuilds (move and copy), planned from the schema the migrations
/// describe, for the forms a database's `ALTER TABLE` lacks.
pub(crate) trait Rebuilds: Sync {
    /// The tables an op needs rebuilt, given the schema the earlier ops left;
    /// `None` when `ALTER TABLE` can do it.
    fn tables(&self, op: &Op, schema: &Schema) -> Option<Vec<TableRef>>;
    /// Where a rebuild reads a new column from, when not from the column of
    /// the same name.
    fn sources(&self, op: &Op) -> Vec<(Str, String)>;
    /// The statements that rebuild `before` as `after`.
    fn rebuild_sql(
        &self,
        before: &TableModel,
        after: &TableModel,
        sources: &[(Str, String)],
    ) -> Result<Vec<String>, Unsupported>;
    /// For a script: statements that stop it unless the live table has
    /// exactly `columns` and nothing a rebuild would drop.
    fn guard(&self, table: &str, columns: &[String], context: &str) -> Vec<String>;
    /// The script's note on what the guards do.
    fn script_note(&self) -> &'static str;
    /// Online: the live table's columns.
    fn live_columns(
        &self,
        conn: &mut Connection<'_>,
        table: &str,
    ) -> Result<Vec<String>, diesel::result::Error>;
    /// Online: what a rebuild of the live table would drop that the
    /// migrations do not describe (triggers).
    fn would_drop(
        &self,
        conn: &mut Connection<'_>,
        table: &str,
    ) -> Result<Vec<String>, diesel::result::Error>;
}

/// The primitives the migrator needs from a diesel connection, implemented
/// by each backend for its connection type.
pub(crate) trait Session {
    /// The connection as the enum `run` functions receive.
    fn reborrow(&mut self) -> Connection<'_>;
    /// Its dialect.
    fn dialect(&self) -> Dialect;
    /// Runs SQL text (one or several statements).
    fn execute(&mut self, sql: &str) -> Result<(), diesel::result::Error>;
    /// Every row of `sql`, each column as text (each column needs a
    /// distinct name).
    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, diesel::result::Error>;
    /// The rows of the version table.
    fn applied(&mut self, sql: &str) -> Result<Vec<AppliedRevision>, diesel::result::Error>;
    /// Runs `f` in a transaction (a savepoint when one is open).
    fn transaction(
        &mut self,
        f: &mut dyn FnMut(&mut Connection<'_>) -> Result<(), Error>,
    ) -> Result<(), Error>;
    /// Whether a transaction is open (the caller's, around the run).
    fn in_transaction(&mut self) -> bool;
    /// Runs `f` in a transaction that holds the database's write lock from
    /// its start; by default a plain transaction (the run's lock is
    /// elsewhere, as PostgreSQL's advisory lock).
    fn exclusive(
        &mut self,
        f: &mut dyn FnMut(&mut Connection<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.transaction(f)
    }
}

/// A backend's diesel connection as the migrator takes it: its
/// [`MigrationConnection`](crate::MigrationConnection) and [`Session`],
/// the same for every diesel connection type but for the `Connection`
/// variant, the backend, the feature, and any method the backend overrides
/// (SQLite's `exclusive`).
macro_rules! diesel_session {
    ($conn:ty, $variant:ident, $backend:ty, $feature:literal $(, $($extra:item)*)?) => {
        #[cfg_attr(docsrs, doc(cfg(feature = $feature)))]
        impl $crate::MigrationConnection for $conn {
            fn connection(&mut self) -> $crate::migration::Connection<'_> {
                $crate::backend::Session::reborrow(self)
            }
        }

        impl $crate::backend::Session for $conn {
            fn reborrow(&mut self) -> $crate::migration::Connection<'_> {
                $crate::migration::Connection::$variant(self)
            }

            fn dialect(&self) -> $crate::dialect::Dialect {
                <$backend>::DIALECT
            }

            fn execute(&mut self, sql: &str) -> Result<(), diesel::result::Error> {
                diesel::connection::SimpleConnection::batch_execute(self, sql)
            }

            fn rows(
                &mut self,
                sql: &str,
            ) -> Result<Vec<Vec<Option<String>>>, diesel::result::Error> {
                let rows: Vec<$crate::backend::TextRow> =
                    diesel::RunQueryDsl::load(diesel::sql_query(sql), self)?;
                Ok(rows.into_iter().map(|r| r.0).collect())
            }

            fn applied(
                &mut self,
                sql: &str,
            ) -> Result<Vec<$crate::version::AppliedRevision>, diesel::result::Error> {
                diesel::RunQueryDsl::load(diesel::sql_query(sql), self)
            }

            fn transaction(
                &mut self,
                f: &mut dyn FnMut(&mut $crate::migration::Connection<'_>) -> Result<(), $crate::error::Error>,
            ) -> Result<(), $crate::error::Error> {
                diesel::Connection::transaction(self, |c| {
                    f(&mut $crate::migration::Connection::$variant(c))
                })
            }

            fn in_transaction(&mut self) -> bool {
                use diesel::connection::TransactionManager;
                let status =
                    <<Self as diesel::Connection>::TransactionManager as TransactionManager<Self>>::transaction_manager_status_mut(self);
                !matches!(status.transaction_depth(), Ok(None))
            }

            $($($extra)*)?
        }
    };
}
pub(crate) use diesel_session;

/// A row of text columns, however many the query selects.
pub(crate) struct TextRow(pub Vec<Option<String>>);

impl<DB> diesel::deserialize::QueryableByName<DB> for TextRow
where
    DB: diesel::backend::Backend,
    Option<String>:
        diesel::deserialize::FromSql<diesel::sql_types::Nullable<diesel::sql_types::Text>, DB>,
{
    fn build<'a>(row: &impl diesel::row::NamedRow<'a, DB>) -> diesel::deserialize::Result<Self> {
        use diesel::row::Field as _;
        let mut values = Vec::new();
        for i in 0..row.field_count() {
            let name = diesel::row::Row::get(row, i)
                .and_then(|f| f.field_name().map(str::to_owned))
                .ok_or("a result column without a name")?;
            values.push(diesel::row::NamedRow::get::<
                diesel::sql_types::Nullable<diesel::sql_types::Text>,
                Option<String>,
            >(row, &name)?);
        }
        Ok(TextRow(values))
    }
}
