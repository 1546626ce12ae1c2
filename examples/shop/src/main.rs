//! `cargo run -p shop -- upgrade head`: migrates `shop.db` (SQLite) in the
//! current directory, or the database `DATABASE_URL` / `--database-url` names.

use migrate_runtime::cli::{run_with, Options};
use std::process::ExitCode;

fn main() -> ExitCode {
    run_with(
        shop::migrations(),
        Options {
            default_database_url: Some("sqlite://shop.db".into()),
        },
    )
}
