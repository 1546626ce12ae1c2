//! The one error type of the runtime. Every variant says what failed, where
//! (revision, op, SQL) and what to do; none of them leaves the database between
//! two revisions.

use crate::dialect::Unsupported;
use crate::graph::{GraphError, TargetError};
use std::fmt;

/// A boxed error from user code (`run` functions).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong while migrating.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The migrations do not form a valid graph.
    #[error(transparent)]
    Graph(#[from] GraphError),

    /// A target (`head`, `-1`, `1a2b`, ...) does not name what it should.
    #[error(transparent)]
    Target(#[from] TargetError),

    /// The database URL cannot be used.
    #[error("invalid database URL `{url}`: {reason}\nhelp: use `postgres://user:password@host:5432/dbname` (also `postgresql://`, `postgresql+driver://`), a libpq string (`host=... dbname=... user=...`), `mysql://user:password@host:3306/dbname` (also `mariadb://`), `sqlite:///relative/path.db`, `sqlite:////absolute/path.db`, or a path ending in `.db`, `.sqlite` or `.sqlite3`")]
    Url {
        /// The URL, with any password hidden.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// The database cannot be reached.
    #[error("cannot connect to {url}: {message}\nhelp: {help}")]
    Connect {
        /// The URL, with any password hidden.
        url: String,
        /// The driver's message, with any password hidden.
        message: String,
        /// What to check: the server (PostgreSQL) or the file (SQLite).
        help: String,
    },

    /// A statement of a migration failed; the migration was rolled back.
    #[error("{direction} {revision} ({message}) failed at op {op_index} `{op}`: {source}\n  SQL: {sql}\n{}{}", outcome(*.rolled_back, .at), statement_help(.source, .revision, .direction))]
    Statement {
        /// `upgrade` or `downgrade`.
        direction: &'static str,
        /// The revision.
        revision: String,
        /// Its message.
        message: String,
        /// 1-based index of the op in its list.
        op_index: usize,
        /// The op's name.
        op: &'static str,
        /// The statement that failed.
        sql: String,
        /// Where the database stays.
        at: String,
        /// Whether the migration ran in a transaction that was rolled back
        /// (else what it did before the failure stays).
        rolled_back: bool,
        /// The database's error.
        source: diesel::result::Error,
    },

    /// The database failed the tool's own work inside a migration's
    /// transaction (recording it in the version table, checking foreign
    /// keys, reading a table before a rebuild); the migration was rolled
    /// back.
    #[error("{direction} {revision} ({message}) failed {doing}: {source}\n{}{}", outcome(*.rolled_back, .at), statement_help(.source, .revision, "step"))]
    Step {
        /// `upgrade` or `downgrade`.
        direction: &'static str,
        /// The revision.
        revision: String,
        /// Its message.
        message: String,
        /// What was being done.
        doing: String,
        /// Where the database stays.
        at: String,
        /// Whether the migration ran in a transaction that was rolled back
        /// (else what it did before the failure stays).
        rolled_back: bool,
        /// The database's error.
        source: diesel::result::Error,
    },

    /// A `run` function of a migration returned an error; the migration was
    /// rolled back.
    #[error("{direction} {revision} ({message}) failed in `run({function})`: {source}\n{}", outcome(*.rolled_back, .at))]
    Run {
        /// `upgrade` or `downgrade`.
        direction: &'static str,
        /// The revision.
        revision: String,
        /// Its message.
        message: String,
        /// The function's name.
        function: String,
        /// Where the database stays.
        at: String,
        /// Whether the migration ran in a transaction that was rolled back
        /// (else what it did before the failure stays).
        rolled_back: bool,
        /// What the function returned.
        source: BoxError,
    },

    /// A migration left rows that break a foreign key (SQLite checks this
    /// before committing each migration, since its foreign keys are off while
    /// migrating).
    #[error("{direction} {revision} ({message}) leaves rows that violate a foreign key in {tables}\nthe migration was rolled back: the database is still at {at}")]
    ForeignKeyViolation {
        /// `upgrade` or `downgrade`.
        direction: &'static str,
        /// The revision.
        revision: String,
        /// Its message.
        message: String,
        /// The tables with violations.
        tables: String,
        /// Where the database stays.
        at: String,
    },

    /// A SQLite table rebuild found the table not as the migrations describe
    /// it; rebuilding would lose what they do not know about.
    #[error("{revision} ({message}) must rebuild table `{table}` (SQLite cannot alter it in place), but the table has the columns [{}] where the migrations describe [{}]\nhelp: the database was changed outside the migrations; bring it back to what they describe, or describe the change in a migration; the migration was rolled back: the database is still at {at}", .found.join(", "), .expected.join(", "))]
    Drift {
        /// The revision.
        revision: String,
        /// Its message.
        message: String,
        /// The table.
        table: String,
        /// The columns the migrations describe.
        expected: Vec<String>,
        /// The columns it has.
        found: Vec<String>,
        /// Where the database stays.
        at: String,
    },

    /// An op cannot run on this database.
    #[error("revision {revision} ({message}), op {op_index}: {source}")]
    Unsupported {
        /// The revision.
        revision: String,
        /// Its message.
        message: String,
        /// 1-based index of the op.
        op_index: usize,
        /// Why.
        source: Unsupported,
    },

    /// Applied migrations whose upgrade has changed since they were applied.
    #[error("{}", checksum_message(.0))]
    ChecksumMismatch(Vec<ChecksumMismatch>),

    /// The database has applied revisions this build does not know.
    #[error("the database has applied revision{} this build does not know: {}\nhelp: a newer build has migrated this database; deploy that build, or, for a rolling deploy where this older build must keep running, allow it (`Migrator::allow_unknown_applied`); nothing was changed", if .revisions.len() == 1 { "" } else { "s" }, .revisions.join(", "))]
    UnknownApplied {
        /// The unknown revisions.
        revisions: Vec<String>,
    },

    /// A downgrade would pass through a migration marked `irreversible`.
    #[error("cannot downgrade through revision {revision} ({message}): it is marked `irreversible`\nhelp: restore from a backup, or downgrade to a revision after it; nothing was changed")]
    Irreversible {
        /// The revision.
        revision: String,
        /// Its message.
        message: String,
    },

    /// Another process holds the migration lock.
    #[error("timed out after {waited_ms} ms waiting for the migration lock, held by {holder}\nhelp: another deploy is migrating this database; wait for it, or raise the lock timeout (`Migrator::lock_timeout`); nothing was changed")]
    LockTimeout {
        /// How long this process waited.
        waited_ms: u64,
        /// Who holds it, as far as the database tells.
        holder: String,
    },

    /// The version table holds something this runtime did not write.
    #[error("the version table `{table}` is not as this tool writes it: {problem}\nhelp: {help}; nothing was changed")]
    VersionTable {
        /// The table.
        table: String,
        /// What is wrong.
        problem: String,
        /// What to do.
        help: String,
    },

    /// `repair` was asked for a revision that is not applied.
    #[error("revision {revision} is not applied, so there is no checksum to repair\nhelp: `current` lists what is applied")]
    NotApplied {
        /// The revision.
        revision: String,
    },

    /// Offline SQL cannot express a migration.
    #[error("revision {revision} ({message}) cannot be written as SQL: {reason}")]
    Offline {
        /// The revision.
        revision: String,
        /// Its message.
        message: String,
        /// Why.
        reason: String,
    },

    /// Another process migrated the database between this run's plan and
    /// one of its steps, in a way the step no longer fits (SQLite, where
    /// each migration takes the lock on its own).
    #[error("{what}; nothing of {revision} was applied\nhelp: another process migrated this database meanwhile; run the command again to continue from where the database now is")]
    Concurrent {
        /// The step's revision.
        revision: String,
        /// What changed.
        what: String,
    },

    /// `check`: the live database differs from the schema its applied
    /// migrations describe.
    #[error("the database differs from the schema its migrations describe at {at} (migrations vs database):\n  {}\nhelp: the schema was changed outside the migrations{}: describe the change in a new migration (`revision -m \"...\"`) or undo it", migrate_core::difference::join(.differences, "\n  "), opaque_note(.opaque))]
    SchemaDiffers {
        /// Where the database is.
        at: String,
        /// The differences, the migrations' value first.
        differences: Vec<crate::Difference>,
        /// Revisions whose `execute`/`run` the comparison cannot see.
        opaque: Vec<String>,
    },

    /// `revision` or `merge` cannot write the new migration file.
    #[error("cannot write the new migration: {what}\nhelp: {help}")]
    Scaffold {
        /// What stands in the way.
        what: String,
        /// What to do.
        help: String,
    },

    /// `import-alembic`, `import-diesel` or `import-sqlx` cannot read the
    /// other tool's migrations or write their migration files.
    #[error("cannot import the {from}: {what}\nhelp: {help}")]
    Import {
        /// What was imported: "Alembic revisions", "diesel migrations", ...
        from: &'static str,
        /// What stands in the way.
        what: String,
        /// What to do.
        help: String,
    },

    /// A live schema holds what the migrations' DSL cannot write (a type,
    /// an identity or generated column, a descending index).
    #[error("cannot describe {object} in a migration: {problem}\nhelp: write it with `execute(\"...\")` in a migration, which runs SQL as written (the DSL's types and options are in the rustdoc of `migrate_runtime::dsl`)")]
    Reflect {
        /// What cannot be described, as messages name it: column `orders.total`.
        object: String,
        /// Why.
        problem: String,
    },

    /// `verify` found problems.
    #[error("{} problem{} found:\n  {}", .0.len(), if .0.len() == 1 { "" } else { "s" }, .0.join("\n  "))]
    Verify(Vec<String>),

    /// Any other database error, with what was being done.
    #[error("{doing}: {source}")]
    Database {
        /// What the migrator was doing.
        doing: String,
        /// The database's error.
        source: diesel::result::Error,
    },

    /// A downgrade while revisions this build does not know are applied:
    /// they were applied on top of what it would revert.
    #[error("cannot downgrade: the database has applied revision{} this build does not know: {}\nthey were applied by a newer build on top of the revisions this build would revert; downgrading beneath them would leave a half-applied database (objects they build on removed while they stay recorded)\nhelp: run the downgrade with the build that knows {} (allowing unknown applied revisions lets an older build upgrade or run beside a newer one, not downgrade); nothing was changed", if .revisions.len() == 1 { "" } else { "s" }, .revisions.join(", "), .revisions.join(", "))]
    DowngradeUnderUnknown {
        /// The unknown revisions.
        revisions: Vec<String>,
    },

    /// A PostgreSQL migration sent as one batch failed for a reason its
    /// statements' text does not explain (a lost connection, a timeout, a
    /// lock, a serialization failure), so it was not replayed statement by
    /// statement and the failing op is not known.
    #[error("{direction} {revision} ({message}) failed: {source}\nits statements were sent together, and this error is not caused by a statement's text, so they were not run again one by one to find the op: which op failed is not known\n{}{}", batch_outcome(*.commit_unknown, .at, .revision), statement_help(.source, .revision, "step"))]
    Batch {
        /// `upgrade` or `downgrade`.
        direction: &'static str,
        /// The revision.
        revision: String,
        /// Its message.
        message: String,
        /// Where the database stays (or was, when `commit_unknown`).
        at: String,
        /// The connection was lost before the commit was confirmed: whether
        /// it committed is not known.
        commit_unknown: bool,
        /// The database's error.
        source: diesel::result::Error,
    },

    /// An applied revision's checksum was recorded with an encoding this
    /// build does not know (a newer build's).
    #[error("revision {revision} was recorded with checksum encoding v{version}, which this build does not know (it knows encodings up to v{})\nhelp: a newer build recorded it: deploy that build; if the database holds exactly this build's migration, record this build's checksum with `repair {revision}`; nothing was changed", crate::ops::ENCODING_VERSION)]
    ChecksumEncoding {
        /// The revision.
        revision: String,
        /// The encoding version its row names.
        version: u32,
    },

    /// A first run (no version table yet) found another migration tool's
    /// version table: running from base would create what that tool made.
    #[error("this database is managed by {tool} (`{table}`{}): these migrations have never run here, and running them from base would create what it already has\nhelp: {}; to build these migrations' schema beside it anyway, run `stamp base` first; nothing was changed", if .revisions.is_empty() { String::new() } else { format!(" at {}", .revisions.join(", ")) }, stamp_help(.tool, .revisions, *.known))]
    ManagedByAnotherTool {
        /// The tool.
        tool: &'static str,
        /// Its version table.
        table: String,
        /// The revisions it records (Alembic's).
        revisions: Vec<String>,
        /// Whether all of them are revisions of these migrations.
        known: bool,
    },

    /// Autogenerate found a difference it cannot write as ops.
    #[error("cannot write the generated migration: {0}\nhelp: describe this change by hand (`revision -m`), with `execute(\"...\")` where no op says it; nothing was written")]
    Autogenerate(String),

    /// Autogenerate (or a comparison with the heads) on a database the
    /// migrations manage that is not at their heads.
    #[error("the database is at {}, not at the heads {}: its differences from the heads' schema would include the migrations it has not run\nhelp: upgrade it first (`upgrade heads`), then compare again; nothing was written", if .at.is_empty() { "base".to_string() } else { .at.join(", ") }, .heads.join(", "))]
    NotAtHeads {
        /// Where the database is.
        at: Vec<String>,
        /// The heads of the migrations.
        heads: Vec<String>,
    },

    /// `print-schema`: a column type `diesel print-schema` cannot read back.
    #[error("cannot print the schema for {dialect}: column `{table}.{column}` is `{ty}`, which `diesel print-schema` cannot read on {dialect} (it stops with \"Unsupported type\")\nhelp: {help}")]
    NoDieselType {
        /// The dialect.
        dialect: String,
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The DSL type.
        ty: String,
        /// What to write instead.
        help: &'static str,
    },

    /// `print-schema`: a PostgreSQL table with no primary key, which diesel's
    /// `table!` cannot describe.
    #[error("cannot print the schema for postgresql: table `{table}` has no primary key, and diesel only supports tables with one (`diesel print-schema` stops on it)\nhelp: give `{table}` a primary key (`create_primary_key(None, \"{table}\", [...])` in a new migration)")]
    NoPrimaryKey {
        /// The table.
        table: String,
    },

    /// `print-schema` or `--from-schema` for a database whose `schema.rs`
    /// they do not know.
    #[error("diesel's `schema.rs` for {dialect} is not supported: `print-schema` and `--from-schema` write and read it as diesel_cli does for PostgreSQL and SQLite only\nhelp: run `diesel print-schema` on a {dialect} database at the heads (`upgrade head`), or pass `--dialect postgresql` or `--dialect sqlite`")]
    NoPrintSchema {
        /// The dialect.
        dialect: String,
    },

    /// `print-schema --check`: the file is not what `print-schema` writes.
    #[error("`{file}` is stale: it differs from what `print-schema` writes for the migrations at their heads ({dialect}):\n{diff}help: run `print-schema --dialect {dialect} -o {file}` and commit the file")]
    StaleSchema {
        /// The file checked.
        file: String,
        /// The dialect it was checked for.
        dialect: String,
        /// A unified diff from the file to what `print-schema` writes.
        diff: String,
    },

    /// `--from-schema`: a `schema.rs` that cannot be read as diesel's
    /// `table!` definitions, or that says what no migration can express.
    #[error("`{file}:{line}`: {message}\nhelp: {help}; nothing was written")]
    SchemaFileInvalid {
        /// The file.
        file: String,
        /// The line (1-based).
        line: usize,
        /// What is wrong, naming the table, column and type.
        message: String,
        /// What to write instead.
        help: String,
    },

    /// `check --from-schema`: the migrations' schema at their heads is not
    /// the one the file describes.
    #[error("`{file}` differs from the schema of the migrations at their heads ({dialect}) (migrations vs `{file}`):\n  {}\nhelp: write the migration that makes the file true (`revision --autogenerate --from-schema {file} -m \"...\"`), or, if the migrations are right, rewrite the file (`print-schema --dialect {dialect} -o {file}`)", migrate_core::difference::join(.differences, "\n  "))]
    SchemaFileDiffers {
        /// The file.
        file: String,
        /// The dialect it was read for.
        dialect: String,
        /// The differences, the migrations' value first.
        differences: Vec<crate::Difference>,
    },

    /// `print-schema` cannot read or write its file.
    #[error("cannot {doing} `{file}`: {source}\nhelp: check that its directory exists and that this process may read and write it")]
    SchemaFile {
        /// `read` or `write`.
        doing: &'static str,
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },

    /// A migration outside a transaction (MySQL's DDL, `transactional =
    /// false`) stopped part-way: the report lists each statement as ran,
    /// failed or not run, what the version table records, and how to
    /// resume or undo it.
    #[error("{report}")]
    Stopped {
        /// The revision.
        revision: String,
        /// The whole message.
        report: String,
        /// The failure itself.
        #[source]
        source: Box<Error>,
    },

    /// A revision is partially applied, and this run cannot go on from it
    /// as asked.
    #[error("revision {revision} is {problem}\nhelp: {help}")]
    Partial {
        /// The revision.
        revision: String,
        /// How far it got and what stands in the way.
        problem: String,
        /// What to do.
        help: String,
    },
}

/// One applied migration whose upgrade changed since.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChecksumMismatch {
    /// The revision.
    pub revision: String,
    /// Its message.
    pub message: String,
    /// The checksum the database recorded.
    pub recorded: String,
    /// The checksum of the upgrade as compiled now.
    pub compiled: String,
    /// Where the migration is declared.
    pub location: String,
}

fn checksum_message(list: &[ChecksumMismatch]) -> String {
    let mut s = format!(
        "{} applied migration{} changed since {} applied:",
        list.len(),
        if list.len() == 1 { "" } else { "s" },
        if list.len() == 1 {
            "it was"
        } else {
            "they were"
        }
    );
    for m in list {
        s.push_str(&format!(
            "\n  {} ({}) at {}: recorded {}, compiled {}",
            m.revision,
            m.message,
            m.location,
            short(&m.recorded),
            short(&m.compiled)
        ));
    }
    s.push_str("\nhelp: an applied migration must not change: put the change in a new migration and restore this one; if the edit was deliberate and the database already matches it, record the new checksum with `repair <revision>`; nothing was changed");
    s
}

fn short(checksum: &str) -> &str {
    checksum.get(..12).unwrap_or(checksum)
}

/// A database error with what was being done.
pub(crate) fn db(doing: impl fmt::Display) -> impl FnOnce(diesel::result::Error) -> Error {
    let doing = doing.to_string();
    move |source| Error::Database { doing, source }
}

/// A connection string with every password in it replaced by `***`.
pub(crate) fn redact(url: &str) -> String {
    let mut out = url.to_string();
    for span in password_spans(url).into_iter().rev() {
        out.replace_range(span, "***");
    }
    out
}

/// A driver's message about `url` with the passwords of `url` replaced by
/// `***` (libpq quotes the part of a URL it cannot read).
#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
pub(crate) fn redact_message(message: &str, url: &str) -> String {
    let mut out = message.to_string();
    for span in password_spans(url) {
        let raw = &url[span];
        let unquoted = raw
            .strip_prefix('\'')
            .and_then(|r| r.strip_suffix('\''))
            .map(|r| r.replace("\\'", "'").replace("\\\\", "\\"));
        let decoded = percent_encoding::percent_decode_str(raw).decode_utf8_lossy();
        for secret in [Some(raw.to_string()), unquoted, Some(decoded.into_owned())]
            .into_iter()
            .flatten()
        {
            if !secret.is_empty() {
                out = out.replace(&secret, "***");
            }
        }
    }
    out
}

/// Where the passwords of a connection string are, whichever form carries
/// them: the user-info of a URL (`scheme://user:password@host`, also when
/// misspelt `scheme:/` or `scheme//`), and `password=` (or `sslpassword=`),
/// as a URL's query parameter or in a libpq keyword string, quoted or not.
/// Sorted, not overlapping.
fn password_spans(url: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let bytes = url.as_bytes();
    // `key=value` pairs: a key starts the string or follows a separator.
    let mut i = 0;
    while i < bytes.len() {
        if !url.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let starts_key = i == 0
            || matches!(bytes[i - 1], b'?' | b'&' | b';')
            || bytes[i - 1].is_ascii_whitespace();
        let key_len = url[i..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '%'))
            .unwrap_or(url.len() - i);
        if !starts_key || key_len == 0 {
            i += 1;
            continue;
        }
        let key = percent_encoding::percent_decode_str(&url[i..i + key_len])
            .decode_utf8_lossy()
            .to_ascii_lowercase();
        let in_query = i > 0 && matches!(bytes[i - 1], b'?' | b'&');
        let mut j = i + key_len;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() && !in_query {
            j += 1;
        }
        if !key.ends_with("password") || bytes.get(j) != Some(&b'=') {
            i += key_len;
            continue;
        }
        j += 1;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() && !in_query {
            j += 1;
        }
        let start = j;
        if in_query {
            while j < bytes.len() && !matches!(bytes[j], b'&' | b'#') {
                j += 1;
            }
        } else if bytes.get(j) == Some(&b'\'') {
            // libpq: a quoted value, with \' and \\ escaped.
            j += 1;
            while j < bytes.len() && bytes[j] != b'\'' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            j = (j + 1).min(bytes.len());
        } else {
            while j < bytes.len() && !bytes[j].is_ascii_whitespace() {
                j += 1;
            }
        }
        if j > start {
            spans.push(start..j);
        }
        i = j.max(i + 1);
    }
    // User-info: from the first `:` after the scheme and its slashes to the
    // last `@` (over-hiding beats leaking a password that holds `@` or `/`).
    let keywords = url.trim_start().split_once('=').is_some_and(|(k, _)| {
        !k.trim().is_empty()
            && k.trim()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    if let (Some(at), false) = (url.rfind('@'), keywords) {
        let head = &url[..at];
        let start = scheme_end(head);
        if let Some(colon) = head[start..].find(':') {
            if colon + start + 1 < at {
                spans.push(colon + start + 1..at);
            }
        }
    }
    spans.sort_by_key(|s| s.start);
    let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
    for s in spans {
        match merged.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => merged.push(s),
        }
    }
    merged
}

/// Where the user-info of a URL starts: after `scheme:` and its slashes
/// (`postgres://`, `postgresql:/`), or after `scheme//`; 0 when there are no
/// slashes (`user:password@host`).
fn scheme_end(s: &str) -> usize {
    let name = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-')))
        .unwrap_or(s.len());
    if name == 0 || !s.as_bytes()[0].is_ascii_alphabetic() {
        return 0;
    }
    let rest = &s[name..];
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    let after = rest.trim_start_matches('/');
    if after.len() == rest.len() {
        return 0;
    }
    s.len() - after.len()
}

/// What became of a failed migration.
fn outcome(rolled_back: bool, at: &str) -> String {
    if rolled_back {
        format!("the migration was rolled back: the database is still at {at}")
    } else {
        format!("the migration ran outside a transaction (`transactional = false`, `postgresql_concurrently`, or MySQL, whose DDL commits statement by statement), so what it did before the failure stays (a failed CREATE INDEX CONCURRENTLY leaves an INVALID index: drop it); the version table still says {at}: finish or undo the migration's work by hand, then run again")
    }
}

/// How to take over a database another tool migrated.
fn stamp_help(tool: &str, revisions: &[String], known: bool) -> String {
    let alembic = tool == "Alembic";
    if known && !revisions.is_empty() {
        let stamps: Vec<String> = revisions.iter().map(|r| format!("`stamp {r}`")).collect();
        let from = if alembic {
            "`stamp --from-alembic` (or "
        } else {
            ""
        };
        format!(
            "these migrations have its revision{}: record {} with {from}{}{}, then upgrade from there",
            if revisions.len() == 1 { "" } else { "s" },
            if alembic { "them and all before them" } else { "it" },
            stamps.join(" and "),
            if alembic { ")" } else { "" },
        )
    } else if alembic {
        "translate its revision files with `import-alembic <versions dir>` and build, then record where it is with `stamp --from-alembic` and upgrade from there".to_string()
    } else if tool == "diesel_migrations" {
        "import its migrations with `import-diesel <migrations dir>` and build, then record what it applied with `stamp --from-diesel` and upgrade from there".to_string()
    } else if tool == "sqlx" {
        "import its migrations with `import-sqlx <migrations dir>` and build, then record what it applied with `stamp --from-sqlx` and upgrade from there".to_string()
    } else {
        "record which revision of these migrations the schema is at with `stamp <revision>`, then upgrade from there".to_string()
    }
}

/// What became of a migration whose batch failed.
fn batch_outcome(commit_unknown: bool, at: &str, revision: &str) -> String {
    if commit_unknown {
        format!("the connection was lost before the server confirmed the commit, so whether {revision} was committed is not known: the database is at {at} or at {revision}; run `current` to see, then run again")
    } else {
        outcome(true, at)
    }
}

/// A setting of the [`Migrator`](crate::Migrator) that the remedy of an
/// error involves: the library's messages name its method, and a front end
/// adds its own spelling (the CLI, a flag).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub(crate) enum Setting {
    /// `Migrator::lock_timeout`: waiting for another deploy's lock.
    LockTimeout,
    /// `Migrator::allow_unknown_applied`: an older build beside a newer one.
    AllowUnknownApplied,
    /// `Migrator::postgres_lock_timeout`: a statement waiting for a table lock.
    PostgresLockTimeout,
    /// `Migrator::statement_timeout`: a statement running too long.
    StatementTimeout,
}

impl Error {
    /// The setting this error's remedy involves, if any.
    #[cfg_attr(not(feature = "cli"), allow(dead_code))]
    pub(crate) fn setting(&self) -> Option<Setting> {
        match self {
            Error::LockTimeout { .. } => Some(Setting::LockTimeout),
            Error::UnknownApplied { .. } => Some(Setting::AllowUnknownApplied),
            Error::Statement { source, .. }
            | Error::Step { source, .. }
            | Error::Batch { source, .. } => timeout_setting(source),
            _ => None,
        }
    }
}

/// The timeout a statement error is, by the server's message.
fn timeout_setting(e: &diesel::result::Error) -> Option<Setting> {
    let text = e.to_string().to_lowercase();
    if text.contains("lock timeout") {
        Some(Setting::PostgresLockTimeout)
    } else if text.contains("statement timeout") {
        Some(Setting::StatementTimeout)
    } else {
        None
    }
}

/// What to do about the database errors a deploy commonly meets.
fn statement_help(e: &diesel::result::Error, revision: &str, direction: &str) -> String {
    use diesel::result::{DatabaseErrorKind, Error as E};
    let text = e.to_string().to_lowercase();
    let help = if matches!(e, E::DatabaseError(DatabaseErrorKind::ClosedConnection, _)) {
        "the connection to the server was lost (a restart, the network, or the session was terminated): connect again and run again".to_string()
    } else if text.contains("readonly database") || text.contains("read-only") {
        "this process cannot write the database: check the permissions of the file and of its directory (SQLite writes a journal beside the file), or the user the process runs as".to_string()
    } else if text.contains("permission denied") || text.contains("must be owner") {
        "the database user lacks a privilege this statement needs: run migrations as the owner of the schema's objects, or grant it".to_string()
    } else if timeout_setting(e) == Some(Setting::PostgresLockTimeout) {
        "another session holds a lock on the table: retry when it is idle, or raise the statements' lock timeout (`Migrator::postgres_lock_timeout`)".to_string()
    } else if timeout_setting(e) == Some(Setting::StatementTimeout) {
        "the statement ran longer than the statement timeout (`Migrator::statement_timeout`) allows: raise it, or split the migration".to_string()
    } else if text.contains("already exists") && direction == "upgrade" {
        format!("the object exists although {revision} is not recorded as applied: the schema was changed outside the migrations; remove the object, or, if it is exactly this migration's work, record it with `stamp {revision}`")
    } else {
        return String::new();
    };
    format!("\nhelp: {help}")
}

fn opaque_note(revisions: &[String]) -> String {
    if revisions.is_empty() {
        String::new()
    } else {
        format!(
            ", or by the `execute`/`run` ops of {} (what they do is not in the model)",
            revisions.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        for (url, shown) in [
            (
                "postgres://u:secret@h:5432/db",
                "postgres://u:***@h:5432/db",
            ),
            ("postgresql://u:secret@h/db", "postgresql://u:***@h/db"),
            (
                "postgresql+psycopg2://u:secret@h/db",
                "postgresql+psycopg2://u:***@h/db",
            ),
            ("postgres//u:secret@h/db", "postgres//u:***@h/db"),
            ("postgresql:/u:secret@h/db", "postgresql:/u:***@h/db"),
            ("postgres://u:se@cr/et@h/db", "postgres://u:***@h/db"),
            ("u:secret@h/db", "u:***@h/db"),
            ("postgres://:secret@h/db", "postgres://:***@h/db"),
            (
                "postgres://h/db?password=secret",
                "postgres://h/db?password=***",
            ),
            (
                "postgres://h/db?sslmode=disable&password=secret&application_name=x",
                "postgres://h/db?sslmode=disable&password=***&application_name=x",
            ),
            (
                "postgres://h/db?pass%77ord=secret",
                "postgres://h/db?pass%77ord=***",
            ),
            (
                "postgres://h/db?sslpassword=secret",
                "postgres://h/db?sslpassword=***",
            ),
            (
                "postgres://u:secret@h/db?password=other",
                "postgres://u:***@h/db?password=***",
            ),
            (
                "host=h user=u password=secret dbname=db",
                "host=h user=u password=*** dbname=db",
            ),
            ("password=secret", "password=***"),
            ("host=h password = secret", "host=h password = ***"),
            (
                "host=h password='se cret' dbname=db",
                "host=h password=*** dbname=db",
            ),
            (
                r"host=h password='it\'s \\ x' dbname=db",
                "host=h password=*** dbname=db",
            ),
            (
                "host=h user=a@b password=secret",
                "host=h user=a@b password=***",
            ),
            ("postgres://u@h/db", "postgres://u@h/db"),
            ("postgres://h:5432/db", "postgres://h:5432/db"),
            ("host=h port=5432 dbname=db", "host=h port=5432 dbname=db"),
            ("shop.db", "shop.db"),
            ("sqlite:///x.db", "sqlite:///x.db"),
            ("postgres://ü:pässwörd@h/db", "postgres://ü:***@h/db"),
            ("host=hé password=pässwörd", "host=hé password=***"),
            (
                "host=h password='p\\ä' dbname=é",
                "host=h password=*** dbname=é",
            ),
        ] {
            assert_eq!(redact(url), shown, "{url}");
        }
    }

    #[test]
    fn driver_messages_lose_the_password() {
        let url = "postgres://u:se%zzcret@h/db";
        assert_eq!(
            redact_message("invalid percent-encoded token: \"se%zzcret\"", url),
            "invalid percent-encoded token: \"***\""
        );
        let url = "postgres://u:p%40ss@h/db";
        assert_eq!(
            redact_message("password authentication failed: p@ss", url),
            "password authentication failed: ***"
        );
        let url = "host=h password='se cret'";
        assert_eq!(
            redact_message("missing \"=\" after \"se cret\"", url),
            "missing \"=\" after \"***\""
        );
        assert_eq!(
            redact_message("no password here", "postgres://u@h/db"),
            "no password here"
        );
    }
}
