//! PostgreSQL 12 and later: transactional DDL, named schemas, native enum
//! types; every op has a native form, so no rebuilds. A run holds the
//! session's advisory lock and sends each migration with its version row as
//! one message.

#[cfg(feature = "postgres")]
mod connection;
mod introspect;
mod lock;
mod render;
mod scratch;
mod types;

use crate::backend::{sql, Backend, RunBody, RunSettings};
use crate::dialect::{Dialect, Unsupported};
use crate::error::Error;
use crate::introspect::Snapshot;
use crate::migration::Connection;
use crate::ops::*;
use crate::version::VersionTable;

/// The PostgreSQL backend.
pub(crate) struct Postgres;

impl Backend for Postgres {
    fn dialect(&self) -> Dialect {
        Self::DIALECT
    }

    fn name(&self) -> &'static str {
        "postgresql"
    }

    fn aliases(&self) -> &'static [&'static str] {
        &["postgres"]
    }

    fn title(&self) -> &'static str {
        "PostgreSQL"
    }

    fn quote_ident(&self, name: &str) -> String {
        types::quote_ident(name)
    }

    fn hex(&self, expr: &str) -> String {
        format!("encode({expr}, 'hex')")
    }

    fn quote_literal(&self, text: &str) -> String {
        types::quote_literal(text)
    }

    fn qualified(&self, schema: &Option<Str>, name: &str) -> Result<String, Unsupported> {
        Ok(types::qualified(schema, name))
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
        sql.postgresql.as_deref()
    }

    fn index_where<'i>(&self, index: &'i mut Index) -> Option<&'i mut Option<Str>> {
        Some(&mut index.postgresql_where)
    }

    fn render(&self, op: &Op) -> Result<Vec<String>, Unsupported> {
        render::render(op)
    }

    fn transactional_ddl(&self) -> bool {
        true
    }

    fn named_schemas(&self) -> bool {
        true
    }

    fn create_version_table(&self, table: &VersionTable, qualified: &str) -> String {
        let schema = table
            .schema
            .as_deref()
            .map(|s| format!("CREATE SCHEMA IF NOT EXISTS {};\n", self.quote_ident(s)))
            .unwrap_or_default();
        // The checksum is stored as `v1:<64 hex digits>`. A table made
        // before the prefix has CHAR(64) there: widened once.
        format!(
            "{schema}CREATE TABLE IF NOT EXISTS {qualified} (\n    revision VARCHAR(128) NOT NULL PRIMARY KEY,\n    checksum VARCHAR(80) NOT NULL,\n    applied_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,\n    duration_ms BIGINT NOT NULL DEFAULT 0\n);\nDO $migrate$ BEGIN IF (SELECT atttypid = 'bpchar'::regtype FROM pg_attribute WHERE attrelid = to_regclass({}) AND attname = 'checksum') THEN ALTER TABLE {qualified} ALTER COLUMN checksum TYPE VARCHAR(80); END IF; END $migrate$",
            self.quote_literal(qualified)
        )
    }

    fn version_table_exists_sql(
        &self,
        _table: &VersionTable,
        qualified: &str,
    ) -> Result<String, Unsupported> {
        Ok(format!(
            "SELECT CAST(to_regclass({}) AS TEXT) AS value",
            self.quote_literal(qualified)
        ))
    }

    fn batches_migrations(&self) -> bool {
        true
    }

    fn timed_insert_sql(&self, qualified: &str, revision: &str, checksum: &str) -> Option<String> {
        Some(sql::version_insert(
            self,
            qualified,
            revision,
            checksum,
            "CAST(EXTRACT(EPOCH FROM clock_timestamp() - now()) * 1000 AS BIGINT)",
        ))
    }

    fn tables_among_sql(&self, names: &[&str]) -> String {
        let names: Vec<String> = names.iter().map(|n| self.quote_literal(n)).collect();
        format!("SELECT CAST(c.relname AS TEXT) AS value FROM pg_class c WHERE c.relkind IN ('r', 'p') AND c.relname IN ({}) AND pg_table_is_visible(c.oid)", names.join(", "))
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

    /// The settings the script's literals and any `execute` text are
    /// written for (psql sends the statements one by one, so what follows
    /// reads them; the tool's own literals do not depend on them).
    fn script_settings(&self) -> &'static str {
        "SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n"
    }

    fn capture(&self, conn: &mut Connection<'_>) -> Result<Snapshot, Error> {
        introspect::capture(conn)
    }

    fn scratch_snapshot(&self, conn: &mut Connection<'_>, ops: &[Op]) -> Result<Snapshot, Error> {
        scratch::snapshot(conn, ops)
    }
}
