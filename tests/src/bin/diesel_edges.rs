//! The command line over the `fixture-diesel-edges` migrations:
//! `scripts/diesel-golden.sh` migrates a database to each of its heads for the
//! real `diesel print-schema`.

fn main() -> std::process::ExitCode {
    migrate_runtime::cli::run(fixture_diesel_edges::migrations())
}
