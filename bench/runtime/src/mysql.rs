//! The MySQL/MariaDB runs (`bench/runtime/run-mysql.sh` drives them): the
//! 500-revision chain's `upgrade head` from an empty database and its
//! `downgrade base`, by the migrator, by the `mariadb` client running the
//! migrator's own offline SQL (`--dialect mysql`), and by diesel_migrations
//! running the same DDL as `up.sql`/`down.sql` folders, on one server.
//! As in `plan`: every timed run a whole process on a database created for
//! it, the order rotated and reversed round by round, ratios per round,
//! round 0 a warm-up, every run checked afterwards.

use crate::chains::MYSQL_CHAIN as CHAIN;
use crate::measure::{self, Sample, Stats};
use crate::offline;
use crate::plan::{human, permutation};
use diesel::{Connection, MysqlConnection, RunQueryDsl};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

#[derive(clap::Args, Debug)]
pub struct Config {
    /// The `mysql500` binary (the migrator's command line on MySQL).
    #[arg(long)]
    chain: PathBuf,
    /// The `diesel-runner` binary.
    #[arg(long)]
    diesel_runner: PathBuf,
    /// The server's host, port and user (no password).
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    #[arg(long)]
    port: u16,
    #[arg(long, default_value = "root")]
    user: String,
    /// Where SQL files, diesel folders and logs go.
    #[arg(long)]
    work: PathBuf,
    /// Counted rounds.
    #[arg(long, default_value_t = 12)]
    runs: usize,
    /// The client to compare with.
    #[arg(long, default_value = "mariadb")]
    client: PathBuf,
}

const VERSION_TABLE: &str = "migrate_revisions";
const DIESEL_TABLE: &str = "__diesel_schema_migrations";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    Ours,
    /// The `mariadb` client running the migrator's offline SQL.
    Client,
    Diesel,
}

const TOOLS: [Tool; 3] = [Tool::Ours, Tool::Client, Tool::Diesel];

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Ours => "migrate-runtime",
            Tool::Client => "mariadb",
            Tool::Diesel => "diesel_migrations",
        }
    }

    fn version_table(self) -> &'static str {
        match self {
            Tool::Ours | Tool::Client => VERSION_TABLE,
            Tool::Diesel => DIESEL_TABLE,
        }
    }
}

struct Bench<'a> {
    config: &'a Config,
    admin: MysqlConnection,
    databases: usize,
    up_sql: PathBuf,
    down_sql: PathBuf,
    diesel_dir: PathBuf,
    samples: BTreeMap<String, Vec<f64>>,
    ratios: BTreeMap<String, Vec<f64>>,
    raw: String,
}

pub fn run(config: &Config) -> Result<(), String> {
    let work = &config.work;
    for dir in ["sql", "logs"] {
        std::fs::create_dir_all(work.join(dir)).map_err(|e| format!("{}: {e}", work.display()))?;
    }
    let admin_url = format!(
        "mysql://{}@{}:{}/mysql",
        config.user, config.host, config.port
    );
    let admin = MysqlConnection::establish(&admin_url).map_err(|e| format!("{admin_url}: {e}"))?;
    let mut bench = Bench {
        config,
        admin,
        databases: 0,
        up_sql: work.join(format!("sql/mysql-upgrade-{CHAIN}.sql")),
        down_sql: work.join(format!("sql/mysql-downgrade-{CHAIN}.sql")),
        diesel_dir: work.join(format!("mysql-diesel-{CHAIN}")),
        samples: BTreeMap::new(),
        ratios: BTreeMap::new(),
        raw: "part\tround\tlabel\tseconds\tmax_rss_kib\n".into(),
    };
    bench.prepare()?;
    bench.chain_runs()?;
    std::fs::write(work.join("mysql-samples.tsv"), &bench.raw).map_err(|e| e.to_string())?;
    print!("{}", bench.report()?);
    Ok(())
}

impl Bench<'_> {
    /// The offline SQL the client runs, and diesel's folders made from it.
    fn prepare(&mut self) -> Result<(), String> {
        let chain = &self.config.chain;
        let up = measure::output(Command::new(chain).args([
            "upgrade",
            "head",
            "--sql",
            "--dialect",
            "mysql",
        ]))?;
        let down = measure::output(Command::new(chain).args([
            "downgrade",
            "base",
            "--sql",
            "--from",
            "head",
            "--dialect",
            "mysql",
        ]))?;
        std::fs::write(&self.up_sql, &up).map_err(|e| e.to_string())?;
        std::fs::write(&self.down_sql, &down).map_err(|e| e.to_string())?;
        let up_blocks = offline::blocks(&up, VERSION_TABLE)?;
        let down_blocks = offline::blocks(&down, VERSION_TABLE)?;
        if up_blocks.len() != CHAIN || down_blocks.len() != CHAIN {
            return Err(format!(
                "expected {CHAIN} revisions in the offline SQL, found {} up and {} down",
                up_blocks.len(),
                down_blocks.len()
            ));
        }
        offline::write_diesel(&self.diesel_dir, &up_blocks, &down_blocks)
    }

    /// A new, empty database; returns its name.
    fn fresh_database(&mut self) -> Result<String, String> {
        self.databases += 1;
        let name = format!("bench_{}", self.databases);
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut self.admin)
            .map_err(|e| format!("CREATE DATABASE {name}: {e}"))?;
        Ok(name)
    }

    fn url(&self, database: &str) -> String {
        let c = self.config;
        format!("mysql://{}@{}:{}/{database}", c.user, c.host, c.port)
    }

    fn command(&self, tool: Tool, up: bool, database: &str) -> Command {
        match tool {
            Tool::Ours => {
                let mut c = Command::new(&self.config.chain);
                c.args(["--database-url", &self.url(database)]);
                c.args(if up {
                    ["upgrade", "head"]
                } else {
                    ["downgrade", "base"]
                });
                c
            }
            Tool::Client => {
                let c = self.config;
                let mut cmd = Command::new(&c.client);
                let script = if up { &self.up_sql } else { &self.down_sql };
                cmd.arg("--no-defaults")
                    .args(["-h", &c.host, "-P", &c.port.to_string(), "-u", &c.user])
                    .arg(database)
                    .arg("-e")
                    .arg(format!("source {}", script.display()));
                cmd
            }
            Tool::Diesel => {
                let mut c = Command::new(&self.config.diesel_runner);
                c.arg(if up { "up" } else { "down" });
                c.arg(&self.diesel_dir);
                c.arg(self.url(database));
                c
            }
        }
    }

    fn time(&mut self, round: usize, label: &str, cmd: &mut Command) -> Result<Sample, String> {
        let log = self
            .config
            .work
            .join(format!("logs/{}.err", label.replace(['/', ' '], "_")));
        let s = measure::run(cmd, &log).map_err(|e| format!("{label}: {e}"))?;
        writeln!(
            self.raw,
            "mysql\t{round}\t{label}\t{:.6}\t{}",
            s.seconds, s.max_rss_kib
        )
        .expect("writing to a String");
        if round > 0 {
            self.samples
                .entry(label.to_string())
                .or_default()
                .push(s.seconds);
        }
        Ok(s)
    }

    fn chain_runs(&mut self) -> Result<(), String> {
        for round in 0..=self.config.runs {
            let order = permutation(TOOLS, round);
            let mut databases = Vec::new();
            for _ in order {
                databases.push(self.fresh_database()?);
            }
            let mut times = [BTreeMap::new(), BTreeMap::new()];
            for (up, times) in [true, false].into_iter().zip(&mut times) {
                let what = if up { "upgrade" } else { "downgrade" };
                for (tool, db) in order.iter().zip(&databases) {
                    let mut cmd = self.command(*tool, up, db);
                    let s = self.time(
                        round,
                        &format!("mysql {what} {CHAIN}/{}", tool.name()),
                        &mut cmd,
                    )?;
                    times.insert(tool.name(), s);
                }
                for (tool, db) in order.iter().zip(&databases) {
                    check(
                        &self.url(db),
                        if up { CHAIN as i64 } else { 0 },
                        tool.version_table(),
                    )?;
                }
            }
            for db in &databases {
                diesel::sql_query(format!("DROP DATABASE {db}"))
                    .execute(&mut self.admin)
                    .map_err(|e| format!("DROP DATABASE {db}: {e}"))?;
            }
            if round > 0 {
                for (what, s) in [("upgrade", &times[0]), ("downgrade", &times[1])] {
                    let ours = s[Tool::Ours.name()];
                    for other in [Tool::Client, Tool::Diesel] {
                        self.ratios
                            .entry(format!("mysql {what} {CHAIN}/{}", other.name()))
                            .or_default()
                            .push(ours.seconds / s[other.name()].seconds);
                    }
                }
            }
            eprintln!("mysql round {round}/{} done", self.config.runs);
        }
        Ok(())
    }

    fn report(&mut self) -> Result<String, String> {
        let mut out = String::new();
        let version: Vec<Text> = diesel::sql_query("SELECT VERSION() AS t")
            .load(&mut self.admin)
            .map_err(|e| e.to_string())?;
        let client = measure::output(Command::new(&self.config.client).arg("--version"))?;
        writeln!(
            out,
            "Server: MariaDB {}\nClient: {}Rounds: {} (+1 warm-up)\n",
            version.first().map_or("", |v| v.t.as_str()),
            client,
            self.config.runs
        )
        .expect("writing to a String");
        out.push_str("| measurement | migrate-runtime | baseline | ratio: median | middle half | min–max |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for (what, title) in [("upgrade", "upgrade head"), ("downgrade", "downgrade base")] {
            for (other, against) in [
                (Tool::Client, "the `mariadb` client (same SQL)"),
                (Tool::Diesel, "diesel_migrations (same DDL)"),
            ] {
                let key = format!("mysql {what} {CHAIN}/{}", other.name());
                let Some(r) = self.ratios.get(&key) else {
                    continue;
                };
                let r = Stats::of(r);
                writeln!(
                    out,
                    "| MySQL {title}, {CHAIN} revisions, vs {against} | {} | {} | **{:.2}** | {:.2}–{:.2} | {:.2}–{:.2} |",
                    self.median(&format!("mysql {what} {CHAIN}/{}", Tool::Ours.name())),
                    self.median(&key),
                    r.median,
                    r.q1,
                    r.q3,
                    r.min,
                    r.max
                )
                .expect("writing to a String");
            }
        }
        Ok(out)
    }

    fn median(&self, label: &str) -> String {
        self.samples
            .get(label)
            .map(|s| human(Stats::of(s).median))
            .unwrap_or_default()
    }
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(diesel::QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    t: String,
}

/// The database holds `n` of the chain's tables, each with its note column
/// and index, and `n` rows in the tool's version table (absent with none
/// applied only if the tool never made it).
fn check(url: &str, n: i64, version_table: &str) -> Result<(), String> {
    let mut conn = MysqlConnection::establish(url).map_err(|e| format!("{url}: {e}"))?;
    let mut count = |sql: &str| -> Result<i64, String> {
        diesel::sql_query(sql)
            .get_result::<Count>(&mut conn)
            .map(|c| c.n)
            .map_err(|e| format!("{url}: {sql}: {e}"))
    };
    let tables = "TABLE_SCHEMA = DATABASE() AND TABLE_NAME REGEXP '^t[0-9]{4}$'";
    let found = [
        count(&format!(
            "SELECT CAST(COUNT(*) AS SIGNED) AS n FROM information_schema.TABLES WHERE {tables}"
        ))?,
        count(&format!("SELECT CAST(COUNT(*) AS SIGNED) AS n FROM information_schema.COLUMNS WHERE {tables} AND COLUMN_NAME = 'note'"))?,
        count("SELECT CAST(COUNT(DISTINCT TABLE_NAME, INDEX_NAME) AS SIGNED) AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND INDEX_NAME REGEXP '^ix_t[0-9]{4}_note$'")?,
        count(&format!("SELECT CAST(COUNT(*) AS SIGNED) AS n FROM `{version_table}`"))?,
    ];
    if found != [n; 4] {
        return Err(format!(
            "{url}: expected {n} tables, note columns, indexes and version rows ({version_table}), found {found:?}"
        ));
    }
    Ok(())
}
