//! The version table: one row per applied revision, with the checksum of its
//! upgrade, when it was applied and how long it took. Unlike Alembic's
//! `alembic_version` (one row per head, VARCHAR(32)), it records every applied
//! revision, so branches, merges and partial downgrades are exact, and ids up
//! to 128 characters fit.

use crate::dialect::{quote_ident, quote_literal, Dialect, Unsupported};
use crate::error::{db, Error};
use crate::migration::Connection;
use diesel::RunQueryDsl;

/// Where the version table lives. Default: `migrate_revisions`, in the
/// connection's default schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionTable {
    /// The schema (PostgreSQL only).
    pub schema: Option<String>,
    /// The table name.
    pub name: String,
}

impl Default for VersionTable {
    fn default() -> Self {
        VersionTable {
            schema: None,
            name: "migrate_revisions".into(),
        }
    }
}

/// One row of the version table.
#[derive(Clone, Debug, PartialEq, Eq, diesel::QueryableByName)]
pub struct AppliedRevision {
    /// The revision id.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub revision: String,
    /// The checksum of its upgrade when it was applied (or stamped).
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub checksum: String,
    /// When, as the database's text for the timestamp.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub applied_at: String,
    /// How long its upgrade took; 0 when stamped.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub duration_ms: i64,
}

impl VersionTable {
    /// The quoted, qualified name.
    pub fn qualified(&self, dialect: Dialect) -> Result<String, Unsupported> {
        dialect.qualified(&self.schema.clone().map(Into::into), &self.name)
    }

    pub(crate) fn display(&self) -> String {
        match &self.schema {
            Some(s) => format!("{s}.{}", self.name),
            None => self.name.clone(),
        }
    }

    /// `CREATE TABLE IF NOT EXISTS ...`
    pub fn create_sql(&self, dialect: Dialect) -> Result<String, Unsupported> {
        let t = self.qualified(dialect)?;
        let (applied_at, schema) = match dialect {
            Dialect::Postgres => (
                "TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP",
                self.schema
                    .as_deref()
                    .map(|s| format!("CREATE SCHEMA IF NOT EXISTS {};\n", quote_ident(s))),
            ),
            Dialect::Sqlite => ("TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP", None),
        };
        // The checksum is stored as `v1:<64 hex digits>`. A table made
        // before the prefix has CHAR(64) there: widened once (PostgreSQL;
        // SQLite does not enforce lengths).
        let widen = match dialect {
            Dialect::Postgres => format!(
                ";\nDO $migrate$ BEGIN IF (SELECT atttypid = 'bpchar'::regtype FROM pg_attribute WHERE attrelid = to_regclass({}) AND attname = 'checksum') THEN ALTER TABLE {t} ALTER COLUMN checksum TYPE VARCHAR(80); END IF; END $migrate$",
                quote_literal(&t)
            ),
            Dialect::Sqlite => String::new(),
        };
        Ok(format!(
            "{}CREATE TABLE IF NOT EXISTS {t} (\n    revision VARCHAR(128) NOT NULL PRIMARY KEY,\n    checksum VARCHAR(80) NOT NULL,\n    applied_at {applied_at},\n    duration_ms BIGINT NOT NULL DEFAULT 0\n){widen}",
            schema.unwrap_or_default()
        ))
    }

    /// Records a revision.
    pub fn insert_sql(
        &self,
        dialect: Dialect,
        revision: &str,
        checksum: &str,
        duration_ms: u64,
    ) -> Result<String, Unsupported> {
        Ok(format!(
            "INSERT INTO {} (revision, checksum, duration_ms) VALUES ({}, {}, {duration_ms})",
            self.qualified(dialect)?,
            quote_literal(revision),
            quote_literal(checksum)
        ))
    }

    /// Records a revision as applied, its duration measured by the server
    /// from the start of the transaction (PostgreSQL), for a migration sent
    /// in one message with its version row.
    pub(crate) fn insert_sql_timed(
        &self,
        revision: &str,
        checksum: &str,
    ) -> Result<String, Unsupported> {
        Ok(format!(
            "INSERT INTO {} (revision, checksum, duration_ms) VALUES ({}, {}, CAST(EXTRACT(EPOCH FROM clock_timestamp() - now()) * 1000 AS BIGINT))",
            self.qualified(Dialect::Postgres)?,
            quote_literal(revision),
            quote_literal(checksum)
        ))
    }

    /// Forgets a revision.
    pub fn delete_sql(&self, dialect: Dialect, revision: &str) -> Result<String, Unsupported> {
        Ok(format!(
            "DELETE FROM {} WHERE revision = {}",
            self.qualified(dialect)?,
            quote_literal(revision)
        ))
    }

    /// Re-records a revision's checksum.
    pub fn repair_sql(
        &self,
        dialect: Dialect,
        revision: &str,
        checksum: &str,
    ) -> Result<String, Unsupported> {
        Ok(format!(
            "UPDATE {} SET checksum = {} WHERE revision = {}",
            self.qualified(dialect)?,
            quote_literal(checksum),
            quote_literal(revision)
        ))
    }

    /// Whether the table exists.
    pub(crate) fn exists(&self, conn: &mut Connection<'_>) -> Result<bool, Error> {
        let dialect = conn.dialect();
        let sql = match dialect {
            Dialect::Postgres => format!(
                "SELECT CAST(to_regclass({}) AS TEXT) AS value",
                quote_literal(&self.qualified(dialect).map_err(unsupported)?)
            ),
            Dialect::Sqlite => format!(
                "SELECT name AS value FROM sqlite_master WHERE type = 'table' AND name = {}",
                quote_literal(&self.name)
            ),
        };
        let rows = conn.texts(&sql).map_err(db(format!(
            "checking for the version table `{}`",
            self.display()
        )))?;
        Ok(rows.into_iter().any(|r| r.is_some()))
    }

    /// Which of `revisions` have a row (for a step's re-check under its own
    /// lock, without reading the whole table).
    pub(crate) fn recorded(
        &self,
        conn: &mut Connection<'_>,
        revisions: &[&str],
    ) -> Result<std::collections::BTreeSet<String>, Error> {
        if revisions.is_empty() || !self.exists(conn)? {
            return Ok(Default::default());
        }
        let list: Vec<String> = revisions.iter().map(|r| quote_literal(r)).collect();
        let sql = format!(
            "SELECT CAST(revision AS TEXT) AS value FROM {} WHERE revision IN ({})",
            self.qualified(conn.dialect()).map_err(unsupported)?,
            list.join(", ")
        );
        Ok(conn
            .texts(&sql)
            .map_err(crate::error::db("reading the version table"))?
            .into_iter()
            .flatten()
            .collect())
    }

    /// Every row in the order applied, or an error saying how the table is
    /// not what this tool wrote.
    pub(crate) fn read(&self, conn: &mut Connection<'_>) -> Result<Vec<AppliedRevision>, Error> {
        let rows = self.read_unvalidated(conn, true, None)?;
        self.validate(&rows)?;
        Ok(rows)
    }

    /// Every row's revision and checksum, in no order (what planning needs:
    /// the cost every deploy pays, also at head), validated.
    pub(crate) fn read_brief(
        &self,
        conn: &mut Connection<'_>,
        exists: Option<bool>,
    ) -> Result<Vec<AppliedRevision>, Error> {
        let rows = self.read_unvalidated(conn, false, exists)?;
        self.validate(&rows)?;
        Ok(rows)
    }

    /// Every row as it is (for `stamp --purge`, which replaces them all);
    /// `full`: with when and how long, in the order applied; `exists`: when
    /// already known.
    pub(crate) fn read_unvalidated(
        &self,
        conn: &mut Connection<'_>,
        full: bool,
        exists: Option<bool>,
    ) -> Result<Vec<AppliedRevision>, Error> {
        let exists = match exists {
            Some(known) => known,
            None => self.exists(conn)?,
        };
        if !exists {
            return Ok(Vec::new());
        }
        let dialect = conn.dialect();
        let table = self.qualified(dialect).map_err(unsupported)?;
        let sql = if full {
            format!("SELECT CAST(revision AS TEXT) AS revision, CAST(checksum AS TEXT) AS checksum, CAST(applied_at AS TEXT) AS applied_at, CAST(duration_ms AS BIGINT) AS duration_ms FROM {table} ORDER BY applied_at, revision")
        } else {
            format!("SELECT CAST(revision AS TEXT) AS revision, CAST(checksum AS TEXT) AS checksum, '' AS applied_at, CAST(0 AS BIGINT) AS duration_ms FROM {table}")
        };
        let rows: Result<Vec<AppliedRevision>, _> = match conn {
            #[cfg(feature = "postgres")]
            Connection::Postgres(c) => diesel::sql_query(&sql).load(*c),
            #[cfg(feature = "sqlite")]
            Connection::Sqlite(c) => diesel::sql_query(&sql).load(*c),
        };
        let rows = rows.map_err(|e| match e {
            // Locked, not damaged: the caller waits or says so.
            e if crate::migrator::is_busy(&e) => db("reading the version table")(e),
            e => Error::VersionTable {
            table: self.display(),
            problem: format!("reading it failed ({e})"),
            help: "it must have the columns revision, checksum, applied_at, duration_ms; if another tool owns a table of this name, choose another version table name".into(),
        }})?;
        Ok(rows)
    }

    fn validate(&self, rows: &[AppliedRevision]) -> Result<(), Error> {
        for r in rows {
            let problem = if r.revision.trim().is_empty() {
                Some("a row has an empty revision".to_string())
            } else if r.revision.trim() != r.revision {
                Some(format!(
                    "revision `{}` has surrounding whitespace",
                    r.revision
                ))
            } else if crate::ops::StoredChecksum::parse(&r.checksum).is_none() {
                Some(format!(
                    "revision `{}` has checksum `{}`, which is not 64 hex digits after an encoding version such as `v1:`",
                    r.revision, r.checksum
                ))
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(Error::VersionTable {
                    table: self.display(),
                    problem,
                    help: "restore the table from a backup, fix the row by hand, or, if the schema is at a known revision, rewrite every row with `stamp <revision> --purge`".into(),
                });
            }
        }
        Ok(())
    }
}

fn unsupported(u: Unsupported) -> Error {
    Error::VersionTable {
        table: String::new(),
        problem: u.reason,
        help: u.help,
    }
}
