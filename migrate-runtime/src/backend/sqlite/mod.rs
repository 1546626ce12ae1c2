//! SQLite 3.35 and later: transactional DDL, no schemas, enums as CHECK
//! constraints; what its `ALTER TABLE` lacks is done by table rebuilds
//! planned from the schema the migrations describe. A run takes the file's
//! lock per migration, with foreign keys off around it and checked before
//! each commit.

#[cfg(feature = "sqlite")]
pub(crate) mod connection;
mod introspect;
mod lock;
mod rebuild;
mod render;
mod scratch;
mod sql_text;
mod types;

use crate::backend::{Backend, Rebuilds, RunBody, RunSettings};
use crate::dialect::{Dialect, Unsupported};
use crate::error::Error;
use crate::introspect::Snapshot;
use crate::migration::Connection;
use crate::ops::*;
use crate::version::VersionTable;
use std::time::Duration;

/// The SQLite backend.
pub(crate) struct Sqlite;

impl Backend for Sqlite {
    fn dialect(&self) -> Dialect {
        Self::DIALECT
    }

    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn title(&self) -> &'static str {
        "SQLite"
    }

    fn quote_ident(&self, name: &str) -> String {
        types::quote_ident(name)
    }

    fn quote_literal(&self, text: &str) -> String {
        types::quote_literal(text)
    }

    fn qualified(&self, schema: &Option<Str>, name: &str) -> Result<String, Unsupported> {
        types::qualified(schema, name)
    }

    fn type_sql(&self, ty: &ColumnType) -> Result<String, Unsupported> {
        types::type_sql(ty)
    }

    fn default_sql(&self, default: &ServerDefault) -> String {
        types::default_sql(default)
    }

    fn column_type(&self, data_type: &str, enums: &[EnumType]) -> Result<ColumnType, String> {
        types::column_type(data_type, enums)
    }

    fn server_default(&self, text: &str, ty: &ColumnType) -> ServerDefault {
        types::server_default(text, ty)
    }

    fn auto_increment<'c>(
        &self,
        column: &'c crate::introspect::ColumnSnapshot,
        sole_key: bool,
    ) -> Result<(bool, Option<&'c str>), String> {
        types::auto_increment(column, sole_key)
    }

    fn enum_check(&self, column: &str, data_type: &str, expression: &str) -> Option<Vec<String>> {
        types::enum_check(column, data_type, expression)
    }

    fn bool_literal(&self, value: bool) -> &'static str {
        types::bool_literal(value)
    }

    fn execute_text<'s>(&self, sql: &'s Sql) -> Option<&'s str> {
        sql.sqlite.as_deref()
    }

    fn index_where<'i>(&self, index: &'i mut Index) -> Option<&'i mut Option<Str>> {
        Some(&mut index.sqlite_where)
    }

    fn render(&self, op: &Op) -> Result<Vec<String>, Unsupported> {
        render::render(op)
    }

    fn render_in(
        &self,
        op: &Op,
        schema: Option<&crate::schema::Schema>,
    ) -> Result<Vec<String>, Unsupported> {
        rebuild::render_in(op, schema.unwrap_or(&crate::schema::Schema::new()))
    }

    fn rebuilds(&self) -> Option<&dyn Rebuilds> {
        Some(&rebuild::SqliteRebuilds)
    }

    fn transactional_ddl(&self) -> bool {
        true
    }

    fn named_schemas(&self) -> bool {
        false
    }

    fn create_version_table(&self, _table: &VersionTable, qualified: &str) -> String {
        format!("CREATE TABLE IF NOT EXISTS {qualified} (\n    revision VARCHAR(128) NOT NULL PRIMARY KEY,\n    checksum VARCHAR(80) NOT NULL,\n    applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    duration_ms BIGINT NOT NULL DEFAULT 0\n)")
    }

    fn version_table_exists_sql(
        &self,
        table: &VersionTable,
        _qualified: &str,
    ) -> Result<String, Unsupported> {
        Ok(format!(
            "SELECT name AS value FROM sqlite_master WHERE type = 'table' AND name = {}",
            self.quote_literal(&table.name)
        ))
    }

    fn tables_among_sql(&self, names: &[&str]) -> String {
        let names: Vec<String> = names.iter().map(|n| self.quote_literal(n)).collect();
        format!(
            "SELECT name AS value FROM sqlite_master WHERE type = 'table' AND name IN ({})",
            names.join(", ")
        )
    }

    fn locked(
        &self,
        conn: &mut Connection<'_>,
        run: &RunSettings<'_>,
        whole: bool,
        body: &mut RunBody<'_>,
    ) -> Result<Vec<String>, Error> {
        lock::locked(conn, run, whole, body)
    }

    fn lock_per_migration(&self) -> bool {
        true
    }

    fn reading(
        &self,
        conn: &mut Connection<'_>,
        lock_timeout: Duration,
        read: &mut dyn FnMut(&mut Connection<'_>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        lock::reading(conn, lock_timeout, read)
    }

    fn is_busy(&self, e: &diesel::result::Error) -> bool {
        lock::is_busy(e)
    }

    fn foreign_key_violations(
        &self,
        conn: &mut Connection<'_>,
    ) -> Result<Vec<String>, diesel::result::Error> {
        // The pragma itself (a row per violation, the table first): its
        // table-valued form with DISTINCT costs twice as much, and this runs
        // before every migration's commit.
        let mut tables: Vec<String> = Vec::new();
        for table in conn
            .texts("PRAGMA foreign_key_check")?
            .into_iter()
            .flatten()
        {
            if !tables.contains(&table) {
                tables.push(table);
            }
        }
        Ok(tables)
    }

    /// Foreign keys off around the migrations, as online (a rebuild would
    /// delete ON DELETE CASCADE children).
    fn script_migrations_around(&self) -> (&'static str, &'static str) {
        (
            "PRAGMA foreign_keys = OFF;\n",
            "\nPRAGMA foreign_keys = ON;\n",
        )
    }

    fn capture(&self, conn: &mut Connection<'_>) -> Result<Snapshot, Error> {
        introspect::capture(conn)
    }

    fn scratch_snapshot(&self, _conn: &mut Connection<'_>, ops: &[Op]) -> Result<Snapshot, Error> {
        scratch::snapshot(ops)
    }
}
