//! The command line over the `fixture-chain` migrations: a separate process
//! that `tests/faults.rs` can kill with SIGKILL in the middle of a migration.

fn main() -> std::process::ExitCode {
    migrate_runtime::cli::run(fixture_chain::migrations())
}
