//! MySQL 8.0.16 and MariaDB 10.5 and later (tested on MariaDB 10.11): DDL is
//! not transactional (each statement commits), schemas are databases, enums
//! are inline `ENUM(...)` column types. Changing a column restates it whole
//! (`MODIFY COLUMN`), from the schema the migrations describe. A run holds
//! a named lock (`GET_LOCK`) for its whole length.

#[cfg(feature = "mysql")]
mod connection;
mod introspect;
mod lock;
mod render;
mod scratch;
mod types;

use crate::backend::{Backend, RunBody, RunSettings};
use crate::dialect::{Dialect, Unsupported};
use crate::error::Error;
use crate::introspect::Snapshot;
use crate::migration::Connection;
use crate::ops::*;
use crate::schema::Schema;
use crate::version::VersionTable;

/// The session's `sql_mode` for every statement the migrator writes: a
/// backslash in a string literal is a backslash (the literals are written
/// for it, see `types::quote_literal`). Set by every connection
/// [`Database`](crate::Database) opens, by the run and `check`'s scratch
/// database on any connection, and at the top of every offline script.
pub(crate) const SESSION_SQL_MODE: &str = session_sql_mode!();

/// [`SESSION_SQL_MODE`] as a literal, for `concat!`.
macro_rules! session_sql_mode {
    () => {
        "SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES')"
    };
}
use session_sql_mode;

/// How an `auto_increment` column's default reads in a snapshot.
pub(super) const AUTO_INCREMENT: &str = "AUTO_INCREMENT";

/// The MySQL backend.
pub(crate) struct Mysql;

impl Backend for Mysql {
    fn dialect(&self) -> Dialect {
        Self::DIALECT
    }

    fn name(&self) -> &'static str {
        "mysql"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["mariadb"]
    }

    fn title(&self) -> &'static str {
        "MySQL"
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

    fn bool_literal(&self, value: bool) -> &'static str {
        types::bool_literal(value)
    }

    fn execute_text<'s>(&self, sql: &'s Sql) -> Option<&'s str> {
        sql.mysql.as_deref()
    }

    fn index_where<'i>(&self, _: &'i mut Index) -> Option<&'i mut Option<Str>> {
        None
    }

    fn render(&self, op: &Op) -> Result<Vec<String>, Unsupported> {
        render::render(op, None)
    }

    fn render_in(&self, op: &Op, schema: Option<&Schema>) -> Result<Vec<String>, Unsupported> {
        render::render(op, schema)
    }

    fn follows_model(&self) -> bool {
        true
    }

    fn cast_text(&self, expr: &str) -> String {
        format!("CAST({expr} AS CHAR)")
    }

    fn cast_bigint(&self, expr: &str) -> String {
        format!("CAST({expr} AS SIGNED)")
    }

    fn transactional_ddl(&self) -> bool {
        false
    }

    fn named_schemas(&self) -> bool {
        true
    }

    fn step_clock(&self) -> Option<(&'static str, &'static str)> {
        Some((
            "SET @migrate_step_started = NOW(6)",
            "COALESCE(TIMESTAMPDIFF(MICROSECOND, @migrate_step_started, NOW(6)) DIV 1000, 0)",
        ))
    }

    fn create_version_table(&self, table: &VersionTable, qualified: &str) -> String {
        let schema = table
            .schema
            .as_deref()
            .map(|s| format!("CREATE DATABASE IF NOT EXISTS {};\n", self.quote_ident(s)))
            .unwrap_or_default();
        format!("{schema}CREATE TABLE IF NOT EXISTS {qualified} (\n    revision VARCHAR(128) NOT NULL PRIMARY KEY,\n    checksum VARCHAR(80) NOT NULL,\n    applied_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),\n    duration_ms BIGINT NOT NULL DEFAULT 0\n)")
    }

    fn version_table_exists_sql(
        &self,
        table: &VersionTable,
        _qualified: &str,
    ) -> Result<String, Unsupported> {
        let schema = match &table.schema {
            Some(s) => self.quote_literal(s),
            None => "DATABASE()".into(),
        };
        Ok(format!(
            "SELECT TABLE_NAME AS value FROM information_schema.TABLES WHERE TABLE_SCHEMA = {schema} AND TABLE_NAME = {}",
            self.quote_literal(&table.name)
        ))
    }

    fn tables_among_sql(&self, names: &[&str]) -> String {
        let names: Vec<String> = names.iter().map(|n| self.quote_literal(n)).collect();
        format!(
            "SELECT TABLE_NAME AS value FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ({})",
            names.join(", ")
        )
    }

    fn locked(
        &self,
        conn: &mut Connection<'_>,
        run: &RunSettings<'_>,
        _whole: bool,
        body: &mut RunBody<'_>,
    ) -> Result<Vec<String>, Error> {
        lock::locked(conn, run, body)
    }

    fn lock_per_migration(&self) -> bool {
        false
    }

    /// The `sql_mode` the script's literals are written for (the `mariadb`
    /// and `mysql` clients follow it when splitting statements).
    fn script_settings(&self) -> &'static str {
        concat!(session_sql_mode!(), ";\n")
    }

    fn capture(&self, conn: &mut Connection<'_>) -> Result<Snapshot, Error> {
        introspect::capture(conn)
    }

    fn scratch_snapshot(&self, conn: &mut Connection<'_>, ops: &[Op]) -> Result<Snapshot, Error> {
        scratch::snapshot(conn, ops)
    }
}
