//! The runtime benchmark's harness (`bench/runtime/run.sh` drives it): writes
//! the benchmark's migration chains as crates, and times whole processes on a
//! PostgreSQL server, pair by pair: the migrator against psql running the
//! same chain's offline SQL and against diesel_migrations running it as
//! `up.sql`/`down.sql` folders (the `diesel-runner` binary).

mod chains;
mod measure;
mod mysql;
mod offline;
mod plan;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(about = "Runtime benchmark of the migrator on PostgreSQL")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Write a workspace of chain crates (`chain<N>`: N linear migrations of
    /// 3 ops each, and a binary running the migrator's command line).
    Generate {
        /// Where to write the workspace (under target/).
        #[arg(long)]
        out: PathBuf,
        /// The migrate-runtime crate to depend on.
        #[arg(long)]
        runtime: PathBuf,
        /// The chain lengths, one crate each.
        #[arg(long, value_delimiter = ',', default_value = "500,1000")]
        sizes: Vec<usize>,
    },
    /// Print a free TCP port on 127.0.0.1 (for the throwaway cluster).
    FreePort,
    /// Run every measurement and print the report (Markdown).
    Run(Box<plan::Config>),
    /// The MySQL/MariaDB runs (`run-mysql.sh`), and their report.
    RunMysql(mysql::Config),
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Generate {
            out,
            runtime,
            sizes,
        } => chains::write(&out, &runtime, &sizes),
        Command::FreePort => std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| println!("{}", a.port()))
            .map_err(|e| format!("no free port: {e}")),
        Command::Run(config) => plan::run(&config),
        Command::RunMysql(config) => mysql::run(&config),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
