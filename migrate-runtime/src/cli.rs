//! The command line, in Alembic's words: a binary calls
//! `migrate_runtime::cli::run(app::migrations())` and gets `upgrade`,
//! `downgrade`, `current`, `history`, `heads`, `branches`, `show`, `stamp`,
//! `repair`, `verify`, `check`, `revision`, `merge`, `--sql`, and the
//! importers (`import-alembic`, `import-diesel`, `import-sqlx`). Progress
//! goes to stderr (as Alembic logs it), results and SQL to stdout; errors to
//! stderr with a non-zero exit.

use crate::dialect::Dialect;
use crate::error::Setting;
use crate::version::Progress;
use crate::{Database, DatabaseUrl, Error, Event, Migration, Migrations, Migrator};
use clap::{Parser, Subcommand};
use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;
use std::time::Duration;

/// A line of the command's result, for stdout (written when the command
/// ends, see [`run_args`]).
macro_rules! outln {
    ($out:expr) => {
        $out.push('\n')
    };
    ($out:expr, $($arg:tt)*) => {{
        $out.push_str(&format!($($arg)*));
        $out.push('\n');
    }};
}

/// Progress and notes, on stderr. Write errors are ignored: a closed or full
/// stderr (`2>&1 | head -1`, `2>/dev/full`) must never stop a migration.
/// Formatted first and written in one call: stderr is unbuffered, and
/// `write!` to it makes a system call per piece of the format (five per
/// migration's progress line).
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = std::io::stderr().write_all(format!($($arg)*).as_bytes());
    }};
}

/// [`note!`], as a line.
macro_rules! noteln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut line = format!($($arg)*);
        line.push('\n');
        let _ = std::io::stderr().write_all(line.as_bytes());
    }};
}

/// Settings of the application embedding the CLI.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The database URL when neither `--database-url` nor `DATABASE_URL` gives
    /// one (the example app uses a SQLite file).
    pub default_database_url: Option<String>,
}

#[derive(Parser, Debug)]
#[command(about = "Database migrations, checked by the compiler")]
struct Cli {
    /// The database (default: the DATABASE_URL environment variable):
    /// postgres://..., a libpq string, sqlite:///relative.db,
    /// sqlite:////absolute.db, or a path ending in .db, .sqlite or .sqlite3.
    ///
    /// PostgreSQL: postgres://user:pass@host:5432/db, postgresql://...,
    /// postgresql+psycopg2://... (the +driver is dropped), or a libpq keyword
    /// string such as "host=h dbname=db user=u".
    ///
    /// SQLite, as SQLAlchemy spells it: sqlite:///x.db is the relative path
    /// x.db, sqlite:////abs/x.db the absolute path /abs/x.db; sqlite://x.db
    /// and sqlite:x.db are relative, sqlite:/abs/x.db absolute; also
    /// :memory:, a path ending in .db, .sqlite or .sqlite3, or an existing
    /// file. Anything else is an error; only upgrade and stamp create a
    /// missing SQLite file.
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
    /// The version table (default migrate_revisions).
    #[arg(long, global = true, value_name = "NAME")]
    version_table: Option<String>,
    /// The version table's schema (PostgreSQL).
    #[arg(long, global = true, value_name = "SCHEMA")]
    version_schema: Option<String>,
    /// Seconds to wait for another process's migration lock.
    #[arg(long, global = true, value_name = "SECONDS", default_value = "60", value_parser = seconds)]
    lock_timeout: Duration,
    /// PostgreSQL `lock_timeout` for the migrations' statements, in seconds: a
    /// statement that waits longer for a table lock fails (and its migration
    /// rolls back) instead of queueing the application's queries behind it.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = seconds)]
    ddl_lock_timeout: Option<Duration>,
    /// PostgreSQL `statement_timeout` for the migrations' statements, in seconds.
    #[arg(long, global = true, value_name = "SECONDS", value_parser = seconds)]
    statement_timeout: Option<Duration>,
    /// Only errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

// `defer`: each subcommand's arguments are built only when it is the one
// run (or its help is shown): a run builds one of the twenty.
#[derive(Subcommand, Debug)]
#[command(defer = true)]
enum Command {
    /// Upgrade to a later revision (head, heads, +N, an id, label@head).
    Upgrade {
        #[arg(default_value = "head", allow_hyphen_values = true)]
        target: String,
        #[command(flatten)]
        offline: Offline,
        /// Run even if the database has revisions this build does not know (an
        /// older build during a rolling deploy).
        #[arg(long)]
        allow_unknown_applied: bool,
    },
    /// Revert to an earlier revision (-N, an id, base).
    Downgrade {
        #[arg(allow_hyphen_values = true)]
        target: String,
        /// Print the SQL instead of running it; needs --from.
        #[arg(long, requires = "from")]
        sql: bool,
        /// With --sql: the revision the database is at.
        #[arg(long, value_name = "REV")]
        from: Option<String>,
        /// With --sql: the database to write SQL for (default: the one the
        /// URL names).
        #[arg(long, value_name = "DIALECT", requires = "sql", value_enum)]
        dialect: Option<Dialect>,
        /// Refused anyway while the database has revisions this build does
        /// not know: downgrade with the build that knows them.
        #[arg(long)]
        allow_unknown_applied: bool,
    },
    /// Show the revisions the database is at.
    Current {
        #[arg(short, long)]
        verbose: bool,
    },
    /// List revisions, newest first.
    History {
        /// A range: a:b, a:, :b.
        #[arg(short = 'r', long = "rev-range")]
        rev_range: Option<String>,
        /// Mark the revisions the database is at (connects).
        #[arg(short, long)]
        indicate_current: bool,
        #[arg(short, long)]
        verbose: bool,
    },
    /// Show the heads.
    Heads {
        #[arg(short, long)]
        verbose: bool,
    },
    /// Show the revisions where history branches.
    Branches {
        #[arg(short, long)]
        verbose: bool,
    },
    /// Show one revision in full.
    Show { revision: String },
    /// Record a revision as applied without running anything.
    Stamp {
        #[arg(
            allow_hyphen_values = true,
            required_unless_present_any = ["from_alembic", "from_diesel", "from_sqlx"]
        )]
        target: Option<String>,
        /// Forget every recorded revision first.
        #[arg(long)]
        purge: bool,
        /// Record the revisions Alembic's `alembic_version` holds and all
        /// before them (migrations made by `import-alembic`), instead of a
        /// target.
        #[arg(long, conflicts_with_all = ["target", "purge", "sql"])]
        from_alembic: bool,
        /// With --from-alembic: drop `alembic_version` (default: it stays,
        /// so Alembic can still read the database).
        #[arg(long, requires = "from_alembic")]
        drop_alembic_version: bool,
        /// Record the versions diesel_migrations' `__diesel_schema_migrations`
        /// holds (migrations made by `import-diesel`), instead of a target;
        /// diesel's table stays.
        #[arg(long, conflicts_with_all = ["target", "purge", "sql", "from_alembic", "from_sqlx"])]
        from_diesel: bool,
        /// Record the versions sqlx's `_sqlx_migrations` holds (migrations
        /// made by `import-sqlx`; their checksums must match), instead of a
        /// target; sqlx's table stays.
        #[arg(long, conflicts_with_all = ["target", "purge", "sql", "from_alembic"])]
        from_sqlx: bool,
        #[command(flatten)]
        offline: Offline,
    },
    /// Re-record the checksum of an applied revision whose upgrade was
    /// deliberately edited.
    Repair { revision: String },
    /// Check the migrations without a database: replay every op on a schema
    /// model (ops that cannot apply, downgrades that do not return), and look
    /// for migration files no `mod` declares.
    Verify,
    /// Compare the live database with the schema its applied migrations
    /// describe (exit 1 when they differ).
    Check {
        /// Leave this table out of the comparison (repeatable); other
        /// migration tools' version tables are left out without it.
        #[arg(long, value_name = "NAME")]
        exclude_table: Vec<String>,
        /// Compare this database (a development one) with the schema of the
        /// migrations at their heads, as `revision --autogenerate` would:
        /// exit 1 when it would write ops.
        #[arg(long, value_name = "URL", conflicts_with = "from_schema")]
        from_database: Option<String>,
        /// Compare diesel's `schema.rs` (an edited `print-schema` output)
        /// with the schema of the migrations at their heads: exit 1 when
        /// `revision --autogenerate --from-schema` would write ops.
        #[arg(long, value_name = "FILE")]
        from_schema: Option<std::path::PathBuf>,
        /// With --from-schema: the database whose type names the file uses
        /// (default: the one the URL names).
        #[arg(long, value_name = "DIALECT", value_enum, requires = "from_schema")]
        dialect: Option<Dialect>,
    },
    /// Write a new migration file after the head, and declare it in the
    /// migrations module.
    Revision {
        /// The message (the doc comment, and the file name).
        #[arg(short, long)]
        message: String,
        /// The revision to follow: needed when there are several heads (an
        /// id, label@head, or base for a new root).
        #[arg(long, value_name = "REV")]
        head: Option<String>,
        /// A branch label for the new revision.
        #[arg(long, value_name = "LABEL")]
        branch_label: Option<String>,
        /// This id instead of a random one.
        #[arg(long, value_name = "ID")]
        rev_id: Option<String>,
        /// The directory of migration files (default: the parent's).
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
        /// Write the ops that take the migrations' schema at their heads to
        /// the schema of the database --from-database names, or of the
        /// `schema.rs` --from-schema names.
        #[arg(long, requires = "source")]
        autogenerate: bool,
        /// With --autogenerate: the database that holds the schema wanted
        /// (a development database changed by hand or by another tool).
        #[arg(long, value_name = "URL", requires = "autogenerate", group = "source")]
        from_database: Option<String>,
        /// With --autogenerate: diesel's `schema.rs` that describes the
        /// schema wanted (`print-schema`'s output, edited); what it cannot
        /// express (indexes, defaults, constraints, enum values) is kept.
        #[arg(long, value_name = "FILE", requires = "autogenerate", group = "source")]
        from_schema: Option<std::path::PathBuf>,
        /// With --from-schema: the database whose type names the file uses
        /// (default: the one the URL names).
        #[arg(long, value_name = "DIALECT", value_enum, requires = "from_schema")]
        dialect: Option<Dialect>,
    },
    /// Print diesel's `schema.rs` (`table!` definitions) for the migrations at
    /// their heads, as `diesel print-schema` prints it, with no database.
    PrintSchema {
        /// The database whose type names to use (default: the one the URL
        /// names).
        #[arg(long, value_name = "DIALECT", value_enum)]
        dialect: Option<Dialect>,
        /// Write this file instead of printing.
        #[arg(short, long, value_name = "FILE")]
        output: Option<std::path::PathBuf>,
        /// Write nothing: exit 1 with a diff when FILE is not what would be
        /// written (a CI gate).
        #[arg(long, requires = "output")]
        check: bool,
    },
    /// Translate an Alembic `versions` directory into migration files (one
    /// per revision file, declared in the directory's `mod.rs`); what cannot
    /// be translated is kept as a comment with a `compile_error!`.
    #[cfg(feature = "alembic")]
    ImportAlembic {
        /// The Alembic project's `versions` directory.
        versions: std::path::PathBuf,
        /// Where the migration files go.
        #[arg(long, value_name = "DIR", default_value = "src/migrations")]
        to: std::path::PathBuf,
    },
    /// Translate a diesel `migrations` directory into migration files (one
    /// per folder, chained by version, running its up.sql and down.sql,
    /// which are copied beside them), declared in the directory's `mod.rs`.
    ImportDiesel {
        /// diesel's migrations directory (the folders with up.sql).
        migrations: std::path::PathBuf,
        /// Where the migration files go.
        #[arg(long, value_name = "DIR", default_value = "src/migrations")]
        to: std::path::PathBuf,
    },
    /// Translate a sqlx migrations directory into migration files (one per
    /// version, chained in order, running its `.sql` files, which are
    /// copied beside them), declared in the directory's `mod.rs`.
    ImportSqlx {
        /// sqlx's migrations directory (`<version>_<description>.sql`).
        migrations: std::path::PathBuf,
        /// Where the migration files go.
        #[arg(long, value_name = "DIR", default_value = "src/migrations")]
        to: std::path::PathBuf,
    },
    /// Write a migration that merges two or more revisions (usually `heads`).
    Merge {
        /// The revisions to merge: ids, label@head, or `heads`.
        #[arg(required = true, num_args = 1..)]
        revisions: Vec<String>,
        /// The message.
        #[arg(short, long)]
        message: String,
        /// A branch label for the merge.
        #[arg(long, value_name = "LABEL")]
        branch_label: Option<String>,
        /// This id instead of a random one.
        #[arg(long, value_name = "ID")]
        rev_id: Option<String>,
        /// The directory of migration files (default: the first parent's).
        #[arg(long, value_name = "DIR")]
        dir: Option<std::path::PathBuf>,
    },
}

// `--sql` and its options, for `upgrade` and `stamp`. Not a doc comment:
// clap would take it for the about text of the subcommand it is built into
// (deferred, see `Command`), over the subcommand's own.
#[derive(clap::Args, Debug)]
struct Offline {
    /// Print the SQL instead of running it (no connection is made).
    #[arg(long)]
    sql: bool,
    /// With --sql: the revision the database is at (default: base).
    #[arg(long, value_name = "REV", requires = "sql")]
    from: Option<String>,
    /// With --sql: the database to write SQL for (default: the one the URL
    /// names).
    #[arg(long, value_name = "DIALECT", requires = "sql", value_enum)]
    dialect: Option<Dialect>,
}

fn seconds(s: &str) -> Result<Duration, String> {
    match s.parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 => Ok(Duration::from_secs_f64(n)),
        _ => Err(format!("`{s}` is not a positive number of seconds")),
    }
}

/// Runs the command line of an application over its migrations.
pub fn run(migrations: Migrations) -> ExitCode {
    run_with(migrations, Options::default())
}

/// [`run`], with the application's settings.
///
/// Called first thing in `main` (the process is the command line), it turns
/// SQLite's memory statistics off for the process, which nothing here reads
/// (faster DDL; `sqlite3_soft_heap_limit64` and `sqlite3_memory_used` then
/// do nothing); once SQLite has been used in the process, it changes nothing.
pub fn run_with(migrations: Migrations, options: Options) -> ExitCode {
    #[cfg(feature = "sqlite")]
    crate::backend::sqlite::connection::command_line_process();
    run_in(migrations, options, std::env::args_os(), true)
}

/// [`run_with`] on explicit arguments (the first is the program name).
///
/// Results (and `--sql` scripts) go to stdout when the command ends: a reader
/// that has gone (`| head -1`) ends the command quietly, as other Unix tools
/// (a script then exits 1: it is incomplete); any other write error is an
/// error.
pub fn run_args<I, T>(migrations: Migrations, options: Options, args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    run_in(migrations, options, args, false)
}

/// [`run_args`]; `process_ends`: the process ends with the command, so
/// what it built need not be freed.
fn run_in<I, T>(migrations: Migrations, options: Options, args: I, process_ends: bool) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    // `--version` names the program and the runtime (the application's own
    // version is not known here).
    let program = args
        .first()
        .and_then(|a| std::path::Path::new(a).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "migrate".into());
    let command = <Cli as clap::CommandFactory>::command()
        .display_name(program)
        .version(concat!("(migrate-runtime ", env!("CARGO_PKG_VERSION"), ")"));
    let cli = match command
        .try_get_matches_from(args)
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m))
    {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let script = matches!(
        &cli.command,
        Command::Upgrade {
            offline: Offline { sql: true, .. },
            ..
        } | Command::Downgrade { sql: true, .. }
            | Command::Stamp {
                offline: Offline { sql: true, .. },
                ..
            }
    );
    let mut out = String::new();
    let result = execute(migrations, options, cli, process_ends, &mut out);
    let written = {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(out.as_bytes())
            .and_then(|()| stdout.flush())
    };
    let code = match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            noteln!("error: {e}");
            if let Some(flag) = e.setting().map(flag) {
                noteln!("help: on the command line, {flag}");
            }
            ExitCode::FAILURE
        }
    };
    match written {
        Ok(()) => code,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe && !script => code,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            noteln!("error: cannot write the output: the reader closed the pipe, so the SQL script is incomplete");
            ExitCode::FAILURE
        }
        Err(e) => {
            noteln!("error: cannot write the output: {e}\nhelp: check where stdout goes (a full disk, a closed file)");
            ExitCode::FAILURE
        }
    }
}

/// The option of this command line that sets what an error's remedy names.
fn flag(setting: Setting) -> &'static str {
    match setting {
        Setting::LockTimeout => "`--lock-timeout <SECONDS>` (default 60)",
        Setting::AllowUnknownApplied => "`--allow-unknown-applied`",
        Setting::PostgresLockTimeout => "`--ddl-lock-timeout <SECONDS>`",
        Setting::StatementTimeout => "`--statement-timeout <SECONDS>`",
    }
}

/// The migrator of one command. When the process ends with the command
/// ([`run`], [`run_with`]) it is not dropped: freeing the revision graph
/// was a few percent of a no-op deploy's CPU time at a thousand migrations,
/// and nothing in it has an effect on drop (the connection is a value of
/// its own, closed when dropped as before).
struct CommandMigrator {
    migrator: Option<Migrator>,
    process_ends: bool,
}

impl std::ops::Deref for CommandMigrator {
    type Target = Migrator;

    fn deref(&self) -> &Migrator {
        self.migrator.as_ref().expect("taken only when dropped")
    }
}

impl Drop for CommandMigrator {
    fn drop(&mut self) {
        if self.process_ends {
            std::mem::forget(self.migrator.take());
        }
    }
}

fn execute(
    migrations: Migrations,
    options: Options,
    mut cli: Cli,
    process_ends: bool,
    out: &mut String,
) -> Result<(), Error> {
    if let Command::Verify = cli.command {
        return verify(&migrations, cli.quiet);
    }
    #[cfg(feature = "alembic")]
    if let Command::ImportAlembic { versions, to } = &cli.command {
        let import = crate::alembic::import(versions, to, "migrate_runtime")?;
        outln!(out, "{import}");
        return Ok(());
    }
    if let Command::ImportDiesel { migrations, to } = &cli.command {
        let import = crate::import::diesel(migrations, to, "migrate_runtime")?;
        outln!(out, "{import}");
        return Ok(());
    }
    if let Command::ImportSqlx { migrations, to } = &cli.command {
        let import = crate::import::sqlx(migrations, to, "migrate_runtime")?;
        outln!(out, "{import}");
        return Ok(());
    }
    if let Command::PrintSchema {
        dialect,
        output,
        check,
    } = &cli.command
    {
        let dialect = schema_dialect(*dialect, &cli.database_url, &options.default_database_url)?;
        return print_schema(&migrations, dialect, output.as_deref(), *check, out);
    }
    let quiet = cli.quiet;
    // The connection ends with the process: the server releases the lock.
    let mut migrator = Migrator::new(migrations)?
        .lock_timeout(cli.lock_timeout)
        .connection_closes_after(true);
    if let Some(t) = cli.ddl_lock_timeout {
        migrator = migrator.postgres_lock_timeout(t);
    }
    if let Some(t) = cli.statement_timeout {
        migrator = migrator.statement_timeout(t);
    }
    if let Command::Upgrade {
        allow_unknown_applied,
        ..
    }
    | Command::Downgrade {
        allow_unknown_applied,
        ..
    } = cli.command
    {
        migrator = migrator.allow_unknown_applied(allow_unknown_applied);
    }
    if let Command::Check { exclude_table, .. } = &mut cli.command {
        for table in std::mem::take(exclude_table) {
            migrator = migrator.exclude_table(table);
        }
    }
    if cli.version_table.is_some() || cli.version_schema.is_some() {
        migrator = migrator.version_table(
            cli.version_table
                .clone()
                .unwrap_or_else(|| "migrate_revisions".into()),
            cli.version_schema.clone(),
        );
    }
    if !quiet {
        migrator = migrator.on_event(|e| match e {
            Event::Running { .. } => {
                if let Some(line) = e.describe() {
                    note!("{line} ... ");
                }
            }
            Event::Done { duration, .. } => noteln!("done in {}", human(*duration)),
        });
    }
    let migrator = CommandMigrator {
        migrator: Some(migrator),
        process_ends,
    };
    let url = || database_url(&cli.database_url, &options.default_database_url);
    let connect = || -> Result<Database, Error> { Database::connect(&url()?) };
    // What only reads, or cannot start from an empty database, never makes
    // a new SQLite file.
    let connect_existing = || -> Result<Database, Error> { Database::connect_existing(&url()?) };
    let dialect_of = |given: &Option<Dialect>| -> Result<Dialect, Error> {
        match given {
            Some(d) => Ok(*d),
            None => Ok(DatabaseUrl::parse(&url()?)?.dialect()),
        }
    };
    match cli.command {
        Command::Upgrade {
            target,
            offline:
                Offline {
                    sql: true,
                    from,
                    dialect,
                },
            ..
        } => {
            out.push_str(&migrator.upgrade_sql(dialect_of(&dialect)?, from.as_deref(), &target)?);
        }
        Command::Downgrade {
            target,
            sql: true,
            from,
            dialect,
            ..
        } => {
            let from = from.unwrap_or_default();
            out.push_str(&migrator.downgrade_sql(dialect_of(&dialect)?, &from, &target)?);
        }
        Command::Upgrade { target, .. } => {
            let done = migrator.upgrade(&mut connect()?, &target)?;
            if done.is_empty() && !quiet {
                noteln!("Already at {target}: nothing to do.");
            }
        }
        Command::Downgrade { target, .. } => {
            let done = migrator.downgrade(&mut connect_existing()?, &target)?;
            if done.is_empty() && !quiet {
                noteln!("Already at {target}: nothing to do.");
            }
        }
        Command::Current { verbose } => {
            let current = migrator.current(&mut connect_existing()?)?;
            if current.is_empty() && !quiet {
                noteln!("No current version.");
            }
            let heads: BTreeSet<&str> = migrator.graph().heads().into_iter().collect();
            for row in current {
                let mut head = if heads.contains(row.revision.as_str()) {
                    " (head)".to_string()
                } else {
                    String::new()
                };
                if let Some(p) = row.progress() {
                    head.push_str(&format!(" ({p})"));
                }
                match migrator.migrations().get(&row.revision) {
                    Some(m) if verbose => {
                        outln!(out, "{}{head}", row.revision);
                        print_verbose(out, m, &migrator, Some(&row.applied_at));
                    }
                    Some(_) => outln!(out, "{}{head}", row.revision),
                    None => outln!(out, "{} (unknown to this build)", row.revision),
                }
            }
        }
        Command::History {
            rev_range,
            indicate_current,
            verbose,
        } => {
            let list = match &rev_range {
                Some(r) => migrator.history_range(r)?,
                None => migrator.history(),
            };
            // A partial revision is current, and says so.
            let current: BTreeMap<String, Option<Progress>> = if indicate_current {
                migrator
                    .current(&mut connect_existing()?)?
                    .into_iter()
                    .map(|r| (r.revision.clone(), r.progress()))
                    .collect()
            } else {
                BTreeMap::new()
            };
            for m in list {
                if verbose {
                    outln!(out, "Rev: {}{}", m.revision(), tags(m, &migrator, &current));
                    print_verbose(out, m, &migrator, None);
                    outln!(out);
                } else {
                    outln!(out, "{}", history_line(m, &migrator, &current));
                }
            }
        }
        Command::Heads { verbose } => {
            for m in migrator.heads() {
                if verbose {
                    outln!(out, "Rev: {} (head)", m.revision());
                    print_verbose(out, m, &migrator, None);
                } else {
                    let label = m.branch().map(|b| format!(" ({b})")).unwrap_or_default();
                    outln!(out, "{}{label} (head)", m.revision());
                }
            }
        }
        Command::Branches { verbose } => {
            for m in migrator.history() {
                let children = migrator.graph().children(m.revision());
                if children.len() > 1 {
                    outln!(out, "{} (branchpoint)", m.revision());
                    for c in children {
                        let child = migrator
                            .migrations()
                            .get(c)
                            .expect("graph revisions are known");
                        outln!(out, "    -> {}, {}", c, child.message());
                    }
                    if verbose {
                        print_verbose(out, m, &migrator, None);
                    }
                }
            }
        }
        Command::Show { revision } => {
            let resolved = migrator.graph().resolve(&revision)?;
            let m = migrator
                .migrations()
                .get(resolved.revision())
                .expect("graph revisions are known");
            outln!(
                out,
                "Rev: {}{}",
                m.revision(),
                tags(m, &migrator, &BTreeMap::new())
            );
            print_verbose(out, m, &migrator, None);
            outln!(out, "Checksum: {}", m.checksum());
            outln!(out, "Transactional: {}", m.transactional());
            outln!(
                out,
                "Downgrade: {}",
                match (m.downgrade(), m.downgrade_is_derived()) {
                    (None, _) => "irreversible",
                    (Some(_), true) => "derived from the upgrade",
                    (Some(_), false) => "written",
                }
            );
            outln!(out, "\nUpgrade:");
            for op in m.upgrade() {
                outln!(out, "    {}", op.name());
            }
            if let Some(down) = m.downgrade() {
                outln!(out, "Downgrade:");
                for op in down {
                    outln!(out, "    {}", op.name());
                }
            }
        }
        Command::Stamp {
            from_alembic: true,
            drop_alembic_version,
            ..
        } => {
            let stamped =
                migrator.stamp_from_alembic(&mut connect_existing()?, drop_alembic_version)?;
            if !quiet {
                let n = stamped.recorded.len();
                noteln!(
                    "Stamped {n} revision{} from `alembic_version`{}.",
                    if n == 1 { "" } else { "s" },
                    if drop_alembic_version {
                        ", and dropped it"
                    } else {
                        " (left in place)"
                    }
                );
            }
        }
        Command::Stamp {
            from_diesel: true, ..
        } => {
            let stamped = migrator.stamp_from_diesel(&mut connect_existing()?)?;
            stamped_from(&stamped, "__diesel_schema_migrations", quiet);
        }
        Command::Stamp {
            from_sqlx: true, ..
        } => {
            let stamped = migrator.stamp_from_sqlx(&mut connect_existing()?)?;
            stamped_from(&stamped, "_sqlx_migrations", quiet);
        }
        Command::Stamp {
            target,
            purge,
            offline:
                Offline {
                    sql: true,
                    from,
                    dialect,
                },
            ..
        } => {
            out.push_str(&migrator.stamp_sql(
                dialect_of(&dialect)?,
                from.as_deref(),
                target.as_deref().unwrap_or("base"),
                purge,
            )?);
        }
        Command::Stamp { target, purge, .. } => {
            let target = target.unwrap_or_else(|| "base".into());
            let stamped = migrator.stamp(&mut connect()?, &target, purge)?;
            if !quiet {
                let n = stamped.removed.len();
                if n > 0 {
                    noteln!(
                        "Deleted {n} revision{} from the version table: {}",
                        if n == 1 { "" } else { "s" },
                        stamped.removed.join(", ")
                    );
                }
                let n = stamped.recorded.len();
                noteln!(
                    "Stamped {n} revision{} up to {target}.",
                    if n == 1 { "" } else { "s" }
                );
            }
        }
        Command::Verify | Command::PrintSchema { .. } => {
            unreachable!("handled before connecting")
        }
        #[cfg(feature = "alembic")]
        Command::ImportAlembic { .. } => unreachable!("handled before connecting"),
        Command::ImportDiesel { .. } | Command::ImportSqlx { .. } => {
            unreachable!("handled before connecting")
        }
        Command::Check {
            from_schema: Some(path),
            dialect,
            ..
        } => {
            let dialect =
                schema_dialect(dialect, &cli.database_url, &options.default_database_url)?;
            let (source, file) = read_schema_file(&path)?;
            let differences = migrator.check_schema_file(&source, &file, dialect)?;
            if !differences.is_empty() {
                return Err(Error::SchemaFileDiffers {
                    file,
                    dialect: dialect.name().to_string(),
                    differences,
                });
            }
            if !quiet {
                noteln!("No differences: `{file}` describes the schema of the migrations at their heads.");
            }
        }
        Command::Check { from_database, .. } => {
            let report = match &from_database {
                Some(url) => migrator.check_heads(&mut Database::connect_existing(url)?)?,
                None => migrator.check(&mut connect_existing()?)?,
            };
            if !report.excluded.is_empty() && !quiet {
                noteln!(
                    "note: {} {} not compared (other migration tools' version tables, and --exclude-table)",
                    report.excluded.join(", "),
                    if report.excluded.len() == 1 { "is" } else { "are" },
                );
            }
            if !report.not_compared.is_empty() && !quiet {
                noteln!(
                    "note: the objects in schema{} {} are not compared (`check` covers the search path)",
                    if report.not_compared.len() == 1 { "" } else { "s" },
                    report.not_compared.join(", ")
                );
            }
            let at = if report.at.is_empty() {
                "base".to_string()
            } else {
                report.at.join(", ")
            };
            let differences = report.differences;
            if !differences.is_empty() {
                return Err(Error::SchemaDiffers {
                    at,
                    differences,
                    opaque: opaque_revisions(&migrator),
                });
            }
            if !quiet {
                noteln!("No differences: the database matches the schema its migrations describe at {at}.");
            }
        }
        Command::Revision {
            message,
            head,
            branch_label,
            rev_id,
            dir,
            autogenerate: _,
            from_database,
            from_schema,
            dialect,
        } => {
            let parents = crate::scaffold::revision_parents(
                &migrator,
                head.as_deref(),
                branch_label.as_deref(),
            )?;
            let generated = match &from_database {
                Some(url) => {
                    let found = migrator.autogenerate(&mut Database::connect_existing(url)?)?;
                    if found.is_empty() {
                        if !quiet {
                            noteln!("No changes detected: the database matches the schema the migrations describe; nothing was written.");
                        }
                        return Ok(());
                    }
                    for note in found.notes() {
                        noteln!("note: {note}");
                    }
                    Some((found.upgrade_source()?, found.irreversible()))
                }
                None => match &from_schema {
                    Some(path) => {
                        let dialect = schema_dialect(
                            dialect,
                            &cli.database_url,
                            &options.default_database_url,
                        )?;
                        let (source, file) = read_schema_file(path)?;
                        let found = migrator.autogenerate_from_schema(&source, &file, dialect)?;
                        if found.is_empty() {
                            if !quiet {
                                noteln!("No changes detected: `{file}` describes the schema the migrations describe; nothing was written.");
                            }
                            return Ok(());
                        }
                        for note in found.notes() {
                            noteln!("note: {note}");
                        }
                        Some((found.upgrade_source()?, found.irreversible()))
                    }
                    None => None,
                },
            };
            let (upgrade, irreversible) = match &generated {
                Some((body, irreversible)) => (Some(body.as_str()), *irreversible),
                None => (None, false),
            };
            scaffold(
                out,
                &migrator,
                &crate::scaffold::NewMigration {
                    message: &message,
                    revision: rev_id.as_deref(),
                    parents,
                    branch: branch_label.as_deref(),
                    dir: dir.as_deref(),
                    upgrade,
                    irreversible,
                },
            )?;
        }
        Command::Merge {
            revisions,
            message,
            branch_label,
            rev_id,
            dir,
        } => {
            let parents =
                crate::scaffold::merge_parents(&migrator, &revisions, branch_label.as_deref())?;
            scaffold(
                out,
                &migrator,
                &crate::scaffold::NewMigration {
                    message: &message,
                    revision: rev_id.as_deref(),
                    parents,
                    branch: branch_label.as_deref(),
                    dir: dir.as_deref(),
                    upgrade: None,
                    irreversible: false,
                },
            )?;
        }
        Command::Repair { revision } => {
            let repaired = migrator.repair(&mut connect_existing()?, &revision)?;
            if !quiet {
                for r in repaired {
                    noteln!("Recorded the current checksum of {r}.");
                }
            }
        }
    }
    Ok(())
}

/// The summary of `stamp --from-diesel` / `--from-sqlx`.
fn stamped_from(stamped: &crate::Stamped, table: &str, quiet: bool) {
    if quiet {
        return;
    }
    let n = stamped.recorded.len();
    noteln!(
        "Stamped {n} revision{} from `{table}` (left in place){}{}",
        if n == 1 { "" } else { "s" },
        if n == 0 { "" } else { ": " },
        stamped.recorded.join(", ")
    );
}

fn scaffold(
    out: &mut String,
    migrator: &Migrator,
    new: &crate::scaffold::NewMigration<'_>,
) -> Result<(), Error> {
    let written = crate::scaffold::write(migrator.migrations(), new)?;
    outln!(out, "Generating {} ... done", written.file.display());
    outln!(
        out,
        "Revision {}: declared in {}; build to compile it in.",
        written.revision,
        written.module_file.display()
    );
    Ok(())
}

/// Applied-or-not revisions whose `execute`/`run` the model cannot see.
fn opaque_revisions(migrator: &Migrator) -> Vec<String> {
    migrator
        .migrations()
        .iter()
        .filter(|m| m.upgrade().iter().any(crate::ops::Op::is_opaque))
        .map(|m| m.revision().to_string())
        .collect()
}

/// The database URL: `--database-url`, `DATABASE_URL`, or the application's default.
fn database_url(given: &Option<String>, default: &Option<String>) -> Result<String, Error> {
    given
        .clone()
        .or_else(|| {
            std::env::var("DATABASE_URL")
                .ok()
                .filter(|u| !u.trim().is_empty())
        })
        .or(default.clone())
        .ok_or_else(|| Error::Url {
            url: String::new(),
            reason: "no database given: pass --database-url or set DATABASE_URL".into(),
        })
}

/// The dialect of a `schema.rs`: `--dialect`, else the URL's.
fn schema_dialect(
    given: Option<Dialect>,
    url: &Option<String>,
    default: &Option<String>,
) -> Result<Dialect, Error> {
    if let Some(d) = given {
        return Ok(d);
    }
    let url = database_url(url, default).map_err(|_| Error::Url {
        url: String::new(),
        reason: "no dialect given: pass --dialect (postgresql or sqlite), --database-url, or set DATABASE_URL".into(),
    })?;
    Ok(DatabaseUrl::parse(&url)?.dialect())
}

/// A `schema.rs` for `--from-schema`, and its name for messages.
fn read_schema_file(path: &std::path::Path) -> Result<(String, String), Error> {
    let file = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(source) => Ok((source, file)),
        Err(source) => Err(Error::SchemaFile {
            doing: "read",
            file,
            source,
        }),
    }
}

/// `print-schema`: prints, writes `output`, or with `check` compares it.
fn print_schema(
    migrations: &Migrations,
    dialect: Dialect,
    output: Option<&std::path::Path>,
    check: bool,
    out: &mut String,
) -> Result<(), Error> {
    let schema = crate::schema::print_schema(migrations, dialect)?;
    let Some(path) = output else {
        out.push_str(&schema);
        return Ok(());
    };
    let file = path.display().to_string();
    let io = |doing| {
        let file = file.clone();
        move |source| Error::SchemaFile {
            doing,
            file,
            source,
        }
    };
    if !check {
        return std::fs::write(path, &schema).map_err(io("write"));
    }
    let current = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io("read")(e)),
    };
    if current != schema {
        let diff = similar::TextDiff::from_lines(&current, &schema)
            .unified_diff()
            .header(&file, "print-schema")
            .to_string();
        return Err(Error::StaleSchema {
            file,
            dialect: dialect.name().to_string(),
            diff,
        });
    }
    Ok(())
}

fn verify(migrations: &Migrations, quiet: bool) -> Result<(), Error> {
    let mut problems: Vec<String> = crate::schema::verify(migrations)
        .iter()
        .map(ToString::to_string)
        .collect();
    match migrations.undeclared_files() {
        Some(files) => {
            for f in files {
                problems.push(format!("{} holds a #[migration] that is not compiled in: declare it with `mod` in its module", f.display()));
            }
        }
        None if !quiet => noteln!("note: the migration sources are not found from this directory; run from the project root to check for undeclared files"),
        None => {}
    }
    if problems.is_empty() {
        if !quiet {
            noteln!(
                "{} migrations verified: every op applies and every downgrade returns.",
                migrations.len()
            );
        }
        return Ok(());
    }
    Err(Error::Verify(problems))
}

fn human(d: Duration) -> String {
    if d.as_millis() >= 1000 {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn tags(
    m: &Migration,
    migrator: &Migrator,
    current: &BTreeMap<String, Option<Progress>>,
) -> String {
    let mut t = String::new();
    if migrator.graph().heads().contains(&m.revision()) {
        t.push_str(" (head)");
    }
    if m.down_revisions().is_empty() {
        t.push_str(" (base)");
    }
    if m.down_revisions().len() > 1 {
        t.push_str(" (mergepoint)");
    }
    if migrator.graph().children(m.revision()).len() > 1 {
        t.push_str(" (branchpoint)");
    }
    match current.get(m.revision()) {
        Some(Some(p)) => t.push_str(&format!(" (current, {p})")),
        Some(None) => t.push_str(" (current)"),
        None => {}
    }
    t
}

/// `parent -> rev (head), message`, as `alembic history` prints it.
fn history_line(
    m: &Migration,
    migrator: &Migrator,
    current: &BTreeMap<String, Option<Progress>>,
) -> String {
    let parents = if m.down_revisions().is_empty() {
        "<base>".to_string()
    } else {
        m.down_revisions().join(", ")
    };
    format!(
        "{parents} -> {}{}, {}",
        m.revision(),
        tags(m, migrator, current),
        m.message()
    )
}

fn print_verbose(out: &mut String, m: &Migration, migrator: &Migrator, applied_at: Option<&str>) {
    let parents = if m.down_revisions().is_empty() {
        "<base>".to_string()
    } else {
        m.down_revisions().join(", ")
    };
    outln!(out, "Parent: {parents}");
    let children = migrator.graph().children(m.revision());
    if !children.is_empty() {
        outln!(out, "Children: {}", children.join(", "));
    }
    if let Some(b) = m.branch() {
        outln!(out, "Branch: {b}");
    }
    outln!(out, "Path: {}:{}", m.file(), m.line());
    if let Some(at) = applied_at {
        outln!(out, "Applied: {at}");
    }
    outln!(out, "\n    {}", m.message());
}
