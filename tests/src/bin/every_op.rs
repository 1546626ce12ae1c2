//! The command line over the `fixture-every-op` migrations:
//! `scripts/diesel-golden.sh` migrates a database to each of its heads for the
//! real `diesel print-schema`.

fn main() -> std::process::ExitCode {
    migrate_runtime::cli::run(fixture_every_op::migrations())
}
