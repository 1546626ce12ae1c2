//! diesel_migrations' side of the runtime benchmark: what an application
//! running its diesel migrations at start-up does, as one process.
//!
//! `diesel-runner up DIR URL`: `run_pending_migrations` over the migration
//! folders in DIR (read at run time with `FileBasedMigrations::from_path`).
//! `diesel-runner down DIR URL`: `revert_all_migrations`.
//! URL: postgres://..., mysql://... or sqlite://PATH.

use diesel::{Connection, MysqlConnection, PgConnection, SqliteConnection};
use diesel_migrations::{FileBasedMigrations, MigrationHarness};
use std::process::ExitCode;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [direction, dir, url] = args.as_slice() else {
        eprintln!("usage: diesel-runner up|down DIR URL");
        return ExitCode::from(2);
    };
    match run(direction, dir, url) {
        Ok(n) => {
            eprintln!("{direction}: {n} migrations");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(direction: &str, dir: &str, url: &str) -> Result<usize, BoxError> {
    match url.strip_prefix("sqlite://") {
        Some(path) => migrate(&mut SqliteConnection::establish(path)?, direction, dir),
        None if url.starts_with("mysql://") => {
            migrate(&mut MysqlConnection::establish(url)?, direction, dir)
        }
        None => migrate(&mut PgConnection::establish(url)?, direction, dir),
    }
}

fn migrate<C>(conn: &mut C, direction: &str, dir: &str) -> Result<usize, BoxError>
where
    C: MigrationHarness<C::Backend> + Connection,
    FileBasedMigrations: diesel::migration::MigrationSource<C::Backend>,
{
    let source = FileBasedMigrations::from_path(dir)?;
    let done = match direction {
        "up" => conn.run_pending_migrations(source)?.len(),
        "down" => conn.revert_all_migrations(source)?.len(),
        other => return Err(format!("`{other}`: expected up or down").into()),
    };
    Ok(done)
}
