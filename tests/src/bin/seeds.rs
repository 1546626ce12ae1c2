//! The command line over the seed examples' migrations:
//! `scripts/diesel-golden.sh` migrates a database to one example's head
//! (`seeds upgrade ex06@head`) for the real `diesel print-schema`.

fn main() -> std::process::ExitCode {
    migrate_runtime::cli::run(migrate_tests::migrations())
}
