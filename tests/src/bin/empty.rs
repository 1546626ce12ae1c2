//! The command line over a crate with no migrations yet: where a team that
//! adopts this tool starts, with `revision --autogenerate --from-database`
//! writing the baseline of its existing database (`tests/baseline.rs`).

migrate_runtime::migrations!();

fn main() -> std::process::ExitCode {
    migrate_runtime::cli::run(migrations())
}
