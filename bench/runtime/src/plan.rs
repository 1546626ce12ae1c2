//! What is measured, in which order, and the report.
//!
//! Every timed run is a whole process on a database of its own, created just
//! for it (never a dropped and reused one; on SQLite a new file). The order
//! of the contenders changes every round (rotated, and reversed every other
//! cycle: over 2N rounds each of N runs in every position twice), and ratios are taken per
//! round, so load from other work on the machine hits both sides of a ratio
//! alike. Round 0 is a warm-up and is not counted. Every upgrade and downgrade is checked
//! afterwards: tables, columns, indexes and version rows as expected.

use crate::measure::{self, Sample, Stats};
use crate::offline;
use diesel::{Connection, PgConnection, RunQueryDsl, SqliteConnection};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(clap::Args, Debug)]
pub struct Config {
    /// The directory of the chain binaries (`chain500`, `chain1000`).
    #[arg(long)]
    chains: PathBuf,
    /// The `diesel-runner` binary.
    #[arg(long)]
    diesel_runner: PathBuf,
    /// The `sqlx-runner` binary.
    #[arg(long)]
    sqlx_runner: PathBuf,
    /// The `sqlx-noop` binary (sqlx's migrator, 1000 migrations embedded).
    #[arg(long)]
    sqlx_noop: PathBuf,
    /// The long chain linked with its own libpq (`bundled1000`), a fourth
    /// contender of the no-op.
    #[arg(long)]
    bundled_chain: Option<PathBuf>,
    /// The long chain with libpq built in without TLS (`notls1000`).
    #[arg(long)]
    notls_chain: Option<PathBuf>,
    /// sqlx's no-op with TLS through the system's OpenSSL (`sqlx-noop-tls`).
    #[arg(long)]
    sqlx_noop_tls: Option<PathBuf>,
    /// The server, without a database: postgres://user@host:port
    #[arg(long)]
    server: String,
    /// Where SQL files, diesel folders, logs and raw samples go.
    #[arg(long)]
    work: PathBuf,
    /// Counted rounds of the upgrade/downgrade, offline and memory runs.
    #[arg(long, default_value_t = 12)]
    runs: usize,
    /// Counted pairs of the no-op run (each takes milliseconds).
    #[arg(long, default_value_t = 31)]
    noop_runs: usize,
    /// The psql to compare with.
    #[arg(long, default_value = "psql")]
    psql: PathBuf,
    /// Where the SQLite runs' files go (default: WORK/sqlite).
    #[arg(long)]
    sqlite_dir: Option<PathBuf>,
    /// The sqlite3 to compare with.
    #[arg(long, default_value = "sqlite3")]
    sqlite3: PathBuf,
    /// Which parts to run: chain, noop, offline, memory, sqlite.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "chain,noop,offline,memory"
    )]
    parts: Vec<String>,
}

/// The chain the upgrade and downgrade comparisons apply.
const CHAIN: usize = 500;
/// The chain of the no-op, offline and memory runs.
const LONG_CHAIN: usize = 1000;
const VERSION_TABLE: &str = "migrate_revisions";
const DIESEL_TABLE: &str = "__diesel_schema_migrations";
const SQLX_TABLE: &str = "_sqlx_migrations";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tool {
    Ours,
    /// psql, or sqlite3 on SQLite: the migrator's offline SQL as a script.
    Psql,
    Diesel,
    Sqlx,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Ours => "migrate-runtime",
            Tool::Psql => "psql",
            Tool::Diesel => "diesel_migrations",
            Tool::Sqlx => "sqlx",
        }
    }

    fn sqlite_name(self) -> &'static str {
        match self {
            Tool::Psql => "sqlite3",
            other => other.name(),
        }
    }

    fn version_table(self) -> &'static str {
        match self {
            Tool::Ours | Tool::Psql => VERSION_TABLE,
            Tool::Diesel => DIESEL_TABLE,
            Tool::Sqlx => SQLX_TABLE,
        }
    }
}

struct Bench<'a> {
    config: &'a Config,
    admin: PgConnection,
    databases: usize,
    chain: PathBuf,
    long_chain: PathBuf,
    up_sql: PathBuf,
    down_sql: PathBuf,
    diesel_dir: PathBuf,
    sqlx_dir: PathBuf,
    sqlite_chain: PathBuf,
    sqlite_up_sql: PathBuf,
    sqlite_down_sql: PathBuf,
    sqlite_diesel_dir: PathBuf,
    sqlite_sqlx_dir: PathBuf,
    samples: BTreeMap<String, Vec<Sample>>,
    /// The labels of `samples` in the order first measured (the warm-up
    /// round runs in the forward order).
    order: Vec<String>,
    ratios: BTreeMap<String, Vec<f64>>,
    raw: String,
}

pub fn run(config: &Config) -> Result<(), String> {
    let parts = &config.parts;
    if let Some(p) = parts
        .iter()
        .find(|p| !["chain", "noop", "offline", "memory", "sqlite"].contains(&p.as_str()))
    {
        return Err(format!(
            "unknown part `{p}`: expected chain, noop, offline, memory or sqlite"
        ));
    }
    let work = &config.work;
    for dir in ["sql", "logs", "sqlite"] {
        std::fs::create_dir_all(work.join(dir)).map_err(|e| format!("{}: {e}", work.display()))?;
    }
    let chain = config.chains.join(format!("chain{CHAIN}"));
    let long_chain = config.chains.join(format!("chain{LONG_CHAIN}"));
    let admin_url = format!("{}/postgres", config.server);
    let admin = PgConnection::establish(&admin_url).map_err(|e| format!("{admin_url}: {e}"))?;
    let mut bench = Bench {
        config,
        admin,
        databases: 0,
        chain,
        long_chain,
        up_sql: work.join(format!("sql/upgrade-{CHAIN}.sql")),
        down_sql: work.join(format!("sql/downgrade-{CHAIN}.sql")),
        diesel_dir: work.join(format!("diesel-{CHAIN}")),
        sqlx_dir: work.join(format!("sqlx-{CHAIN}")),
        sqlite_chain: config.chains.join(format!("sqlite{CHAIN}")),
        sqlite_up_sql: work.join(format!("sql/sqlite-upgrade-{CHAIN}.sql")),
        sqlite_down_sql: work.join(format!("sql/sqlite-downgrade-{CHAIN}.sql")),
        sqlite_diesel_dir: work.join(format!("sqlite-diesel-{CHAIN}")),
        sqlite_sqlx_dir: work.join(format!("sqlite-sqlx-{CHAIN}")),
        samples: BTreeMap::new(),
        order: Vec::new(),
        ratios: BTreeMap::new(),
        raw: "part\tround\tlabel\tseconds\tmax_rss_kib\n".into(),
    };
    bench.prepare()?;
    let wants = |p: &str| parts.iter().any(|x| x == p);
    if wants("chain") {
        bench.chain_runs()?;
    }
    if wants("noop") {
        bench.noop_runs()?;
    }
    if wants("offline") {
        bench.offline_runs()?;
    }
    if wants("memory") {
        bench.memory_runs()?;
    }
    if wants("sqlite") {
        bench.sqlite_runs()?;
    }
    std::fs::write(work.join("samples.tsv"), &bench.raw).map_err(|e| e.to_string())?;
    print!("{}", bench.report()?);
    Ok(())
}

impl Bench<'_> {
    /// The offline SQL psql and sqlite3 run, and diesel's and sqlx's
    /// folders made from it.
    fn prepare(&mut self) -> Result<(), String> {
        let sets = [
            (
                &self.chain,
                "postgresql",
                &self.up_sql,
                &self.down_sql,
                &self.diesel_dir,
                &self.sqlx_dir,
            ),
            (
                &self.sqlite_chain,
                "sqlite",
                &self.sqlite_up_sql,
                &self.sqlite_down_sql,
                &self.sqlite_diesel_dir,
                &self.sqlite_sqlx_dir,
            ),
        ];
        for (chain, dialect, up_sql, down_sql, diesel_dir, sqlx_dir) in sets {
            Self::prepare_one(chain, dialect, up_sql, down_sql, diesel_dir, sqlx_dir)?;
        }
        Ok(())
    }

    fn prepare_one(
        chain: &Path,
        dialect: &str,
        up_sql: &Path,
        down_sql: &Path,
        diesel_dir: &Path,
        sqlx_dir: &Path,
    ) -> Result<(), String> {
        let up = measure::output(Command::new(chain).args([
            "upgrade",
            "head",
            "--sql",
            "--dialect",
            dialect,
        ]))?;
        let down = measure::output(Command::new(chain).args([
            "downgrade",
            "base",
            "--sql",
            "--from",
            "head",
            "--dialect",
            dialect,
        ]))?;
        std::fs::write(up_sql, &up).map_err(|e| e.to_string())?;
        std::fs::write(down_sql, &down).map_err(|e| e.to_string())?;
        let up_blocks = offline::blocks(&up, VERSION_TABLE)?;
        let down_blocks = offline::blocks(&down, VERSION_TABLE)?;
        if up_blocks.len() != CHAIN || down_blocks.len() != CHAIN {
            return Err(format!(
                "expected {CHAIN} revisions in the offline SQL, found {} up and {} down",
                up_blocks.len(),
                down_blocks.len()
            ));
        }
        offline::write_diesel(diesel_dir, &up_blocks, &down_blocks)?;
        offline::write_sqlx(sqlx_dir, &up_blocks, &down_blocks)
    }

    /// A new, empty database; returns its URL.
    fn fresh_database(&mut self) -> Result<String, String> {
        self.databases += 1;
        let name = format!("bench_{}", self.databases);
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut self.admin)
            .map_err(|e| format!("CREATE DATABASE {name}: {e}"))?;
        Ok(format!("{}/{name}", self.config.server))
    }

    /// Settles the server's dirty buffers before a round is timed.
    fn checkpoint(&mut self) -> Result<(), String> {
        diesel::sql_query("CHECKPOINT")
            .execute(&mut self.admin)
            .map(|_| ())
            .map_err(|e| format!("CHECKPOINT: {e}"))
    }

    fn time(
        &mut self,
        part: &str,
        round: usize,
        label: &str,
        cmd: &mut Command,
    ) -> Result<Sample, String> {
        let log = self
            .config
            .work
            .join(format!("logs/{}.err", label.replace(['/', ' '], "_")));
        let s = measure::run(cmd, &log).map_err(|e| format!("{label}: {e}"))?;
        writeln!(
            self.raw,
            "{part}\t{round}\t{label}\t{:.6}\t{}",
            s.seconds, s.max_rss_kib
        )
        .expect("writing to a String");
        if !self.order.iter().any(|l| l == label) {
            self.order.push(label.to_string());
        }
        if round > 0 {
            self.samples.entry(label.to_string()).or_default().push(s);
        }
        Ok(s)
    }

    fn ratio(&mut self, round: usize, label: &str, a: Sample, b: Sample) {
        if round > 0 {
            self.ratios
                .entry(label.to_string())
                .or_default()
                .push(a.seconds / b.seconds);
        }
    }

    fn command(&self, tool: Tool, up: bool, url: &str) -> Command {
        match tool {
            Tool::Ours => {
                let mut c = Command::new(&self.chain);
                c.args(["--database-url", url]);
                c.args(if up {
                    ["upgrade", "head"]
                } else {
                    ["downgrade", "base"]
                });
                c
            }
            Tool::Psql => {
                let mut c = Command::new(&self.config.psql);
                c.args(["-X", "-v", "ON_ERROR_STOP=1", "-q", "-f"]);
                c.arg(if up { &self.up_sql } else { &self.down_sql });
                c.args(["-d", url]);
                c
            }
            Tool::Diesel => {
                let mut c = Command::new(&self.config.diesel_runner);
                c.arg(if up { "up" } else { "down" });
                c.arg(&self.diesel_dir);
                c.arg(url);
                c
            }
            Tool::Sqlx => {
                let mut c = Command::new(&self.config.sqlx_runner);
                c.arg(if up { "up" } else { "down" });
                c.arg(&self.sqlx_dir);
                c.arg(url);
                c
            }
        }
    }

    /// The same on SQLite: `file` is the database file.
    fn sqlite_command(&self, tool: Tool, up: bool, file: &Path) -> Command {
        let direction = if up { "up" } else { "down" };
        let url = format!("sqlite://{}", file.display());
        match tool {
            Tool::Ours => {
                let mut c = Command::new(&self.sqlite_chain);
                c.arg("--database-url").arg(file);
                c.args(if up {
                    ["upgrade", "head"]
                } else {
                    ["downgrade", "base"]
                });
                c
            }
            Tool::Psql => {
                let mut c = Command::new(&self.config.sqlite3);
                c.arg("-bail").arg(file).arg(format!(
                    ".read {}",
                    if up {
                        &self.sqlite_up_sql
                    } else {
                        &self.sqlite_down_sql
                    }
                    .display()
                ));
                c
            }
            Tool::Diesel => {
                let mut c = Command::new(&self.config.diesel_runner);
                c.arg(direction).arg(&self.sqlite_diesel_dir).arg(url);
                c
            }
            Tool::Sqlx => {
                let mut c = Command::new(&self.config.sqlx_runner);
                c.arg(direction).arg(&self.sqlite_sqlx_dir).arg(url);
                c
            }
        }
    }

    /// Upgrade of the 500-revision chain from an empty database, and its
    /// downgrade to base, by each tool.
    fn chain_runs(&mut self) -> Result<(), String> {
        for round in 0..=self.config.runs {
            let order = permutation(TOOLS, round);
            let mut urls = Vec::new();
            for _ in order {
                urls.push(self.fresh_database()?);
            }
            self.checkpoint()?;
            let mut up = BTreeMap::new();
            for (tool, url) in order.iter().zip(&urls) {
                let mut cmd = self.command(*tool, true, url);
                let s = self.time(
                    "chain",
                    round,
                    &format!("upgrade {CHAIN}/{}", tool.name()),
                    &mut cmd,
                )?;
                up.insert(tool.name(), s);
            }
            for (tool, url) in order.iter().zip(&urls) {
                check(url, CHAIN as i64, tool.version_table())?;
            }
            self.checkpoint()?;
            let mut down = BTreeMap::new();
            for (tool, url) in order.iter().zip(&urls) {
                let mut cmd = self.command(*tool, false, url);
                let s = self.time(
                    "chain",
                    round,
                    &format!("downgrade {CHAIN}/{}", tool.name()),
                    &mut cmd,
                )?;
                down.insert(tool.name(), s);
            }
            for (tool, url) in order.iter().zip(&urls) {
                check(url, 0, tool.version_table())?;
            }
            for (what, s) in [("upgrade", &up), ("downgrade", &down)] {
                let ours = s[Tool::Ours.name()];
                for other in [Tool::Psql, Tool::Diesel, Tool::Sqlx] {
                    self.ratio(
                        round,
                        &format!("{what} {CHAIN}/{}", other.name()),
                        ours,
                        s[other.name()],
                    );
                }
            }
            eprintln!("chain round {round}/{} done", self.config.runs);
        }
        Ok(())
    }

    /// Upgrade of the 500-revision chain into a new SQLite file, and its
    /// downgrade to base, by each tool (sqlite3 running the offline SQL).
    fn sqlite_runs(&mut self) -> Result<(), String> {
        let dir = self
            .config
            .sqlite_dir
            .clone()
            .unwrap_or_else(|| self.config.work.join("sqlite"));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut files = 0;
        for round in 0..=self.config.runs {
            let order = permutation(TOOLS, round);
            let mut paths = Vec::new();
            for _ in order {
                files += 1;
                let path = dir.join(format!("bench_{files}.db"));
                let _ = std::fs::remove_file(&path);
                paths.push(path);
            }
            let mut times = [BTreeMap::new(), BTreeMap::new()];
            for (up, times) in [true, false].into_iter().zip(&mut times) {
                let what = if up { "upgrade" } else { "downgrade" };
                for (tool, path) in order.iter().zip(&paths) {
                    let mut cmd = self.sqlite_command(*tool, up, path);
                    let s = self.time(
                        "sqlite",
                        round,
                        &format!("sqlite {what} {CHAIN}/{}", tool.sqlite_name()),
                        &mut cmd,
                    )?;
                    times.insert(tool.name(), s);
                }
                for (tool, path) in order.iter().zip(&paths) {
                    check_sqlite(
                        path,
                        if up { CHAIN as i64 } else { 0 },
                        tool.version_table(),
                    )?;
                }
            }
            for path in &paths {
                let _ = std::fs::remove_file(path);
            }
            for (what, s) in [("upgrade", &times[0]), ("downgrade", &times[1])] {
                let ours = s[Tool::Ours.name()];
                for other in [Tool::Psql, Tool::Diesel, Tool::Sqlx] {
                    self.ratio(
                        round,
                        &format!("sqlite {what} {CHAIN}/{}", other.sqlite_name()),
                        ours,
                        s[other.name()],
                    );
                }
            }
            eprintln!("sqlite round {round}/{} done", self.config.runs);
        }
        Ok(())
    }

    /// `upgrade head` with every revision applied, against connecting and
    /// running `SELECT 1` from the same executable, against sqlx's migrator
    /// with the same 1000 migrations embedded and applied (a database of its
    /// own), and, when given, the chain linked with its own libpq (on the
    /// migrator's database). The order rotates every round.
    fn noop_runs(&mut self) -> Result<(), String> {
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        enum Noop {
            Ours,
            Select,
            Sqlx,
            Bundled,
            NoTls,
            SqlxTls,
        }
        let label = |c: Noop| match c {
            Noop::Ours => "no-op upgrade head",
            Noop::Select => "connect + SELECT 1",
            Noop::Sqlx => "no-op sqlx",
            Noop::Bundled => "no-op upgrade head, libpq built in",
            Noop::NoTls => "no-op upgrade head, libpq built in without TLS",
            Noop::SqlxTls => "no-op sqlx with TLS",
        };
        let url = self.fresh_database()?;
        measure::run(
            Command::new(&self.long_chain).args(["--database-url", &url, "upgrade", "head"]),
            &self.config.work.join("logs/noop-setup.err"),
        )?;
        check(&url, LONG_CHAIN as i64, VERSION_TABLE)?;
        let sqlx_url = self.fresh_database()?;
        measure::run(
            Command::new(&self.config.sqlx_noop).arg(&sqlx_url),
            &self.config.work.join("logs/noop-sqlx-setup.err"),
        )?;
        check(&sqlx_url, LONG_CHAIN as i64, SQLX_TABLE)?;
        self.checkpoint()?;
        let mut contenders = vec![Noop::Ours, Noop::Select, Noop::Sqlx];
        if self.config.bundled_chain.is_some() {
            contenders.push(Noop::Bundled);
        }
        if self.config.notls_chain.is_some() {
            contenders.push(Noop::NoTls);
        }
        if self.config.sqlx_noop_tls.is_some() {
            contenders.push(Noop::SqlxTls);
        }
        for round in 0..=self.config.noop_runs {
            let n = contenders.len();
            let order: Vec<Noop> = (0..n)
                .map(|i| {
                    let k = (i + round) % n;
                    contenders[if (round / n) % 2 == 1 { n - 1 - k } else { k }]
                })
                .collect();
            let mut got = BTreeMap::new();
            for c in order {
                let given = |p: &Option<PathBuf>| p.clone().expect("a contender when given");
                let mut cmd = match c {
                    Noop::Ours => Command::new(&self.long_chain),
                    Noop::Select => Command::new(&self.long_chain),
                    Noop::Sqlx => Command::new(&self.config.sqlx_noop),
                    Noop::Bundled => Command::new(given(&self.config.bundled_chain)),
                    Noop::NoTls => Command::new(given(&self.config.notls_chain)),
                    Noop::SqlxTls => Command::new(given(&self.config.sqlx_noop_tls)),
                };
                match c {
                    Noop::Ours | Noop::Bundled | Noop::NoTls => {
                        cmd.args(["--database-url", &url, "upgrade", "head"]);
                    }
                    Noop::Select => {
                        cmd.args(["select1", &url]);
                    }
                    Noop::Sqlx | Noop::SqlxTls => {
                        cmd.arg(&sqlx_url);
                    }
                }
                got.insert(c, self.time("noop", round, label(c), &mut cmd)?);
            }
            self.ratio(round, "no-op", got[&Noop::Ours], got[&Noop::Select]);
            self.ratio(round, "no-op/sqlx", got[&Noop::Ours], got[&Noop::Sqlx]);
            if let Some(&b) = got.get(&Noop::Bundled) {
                self.ratio(round, "no-op bundled/sqlx", b, got[&Noop::Sqlx]);
                self.ratio(round, "no-op bundled/dynamic", b, got[&Noop::Ours]);
                if let Some(&t) = got.get(&Noop::SqlxTls) {
                    self.ratio(round, "no-op bundled/sqlx-tls", b, t);
                }
            }
            if let Some(&b) = got.get(&Noop::NoTls) {
                self.ratio(round, "no-op without-tls/sqlx", b, got[&Noop::Sqlx]);
            }
        }
        check(&url, LONG_CHAIN as i64, VERSION_TABLE)?;
        check(&sqlx_url, LONG_CHAIN as i64, SQLX_TABLE)?;
        Ok(())
    }

    /// Offline SQL of the 1000-revision chain, against the same executable
    /// listing its heads (start-up and graph, no SQL).
    fn offline_runs(&mut self) -> Result<(), String> {
        for round in 0..=self.config.runs {
            let mut sql = Command::new(&self.long_chain);
            sql.args(["upgrade", "head", "--sql", "--dialect", "postgresql"]);
            let mut heads = Command::new(&self.long_chain);
            heads.arg("heads");
            let a = self.time("offline", round, "offline SQL", &mut sql)?;
            let b = self.time("offline", round, "heads", &mut heads)?;
            self.ratio(round, "offline", a, b);
        }
        Ok(())
    }

    /// Peak memory of upgrades applying 100, 500 and 1000 revisions, by the
    /// same executable (it holds 1000).
    fn memory_runs(&mut self) -> Result<(), String> {
        let counts = [100usize, 500, LONG_CHAIN];
        for round in 0..=self.config.runs {
            let order = permutation(counts, round);
            let mut urls = Vec::new();
            for _ in order {
                urls.push(self.fresh_database()?);
            }
            self.checkpoint()?;
            for (n, url) in order.iter().zip(&urls) {
                let target = format!("r{:04}", n - 1);
                let mut cmd = Command::new(&self.long_chain);
                cmd.args(["--database-url", url, "upgrade", &target]);
                self.time(
                    "memory",
                    round,
                    &format!("upgrade {n} of {LONG_CHAIN}"),
                    &mut cmd,
                )?;
            }
            for (n, url) in order.iter().zip(&urls) {
                check(url, *n as i64, VERSION_TABLE)?;
            }
            eprintln!("memory round {round}/{} done", self.config.runs);
        }
        Ok(())
    }

    fn report(&mut self) -> Result<String, String> {
        let mut out = String::new();
        let version: Vec<Text> = diesel::sql_query("SELECT version() AS t")
            .load(&mut self.admin)
            .map_err(|e| e.to_string())?;
        let psql = measure::output(Command::new(&self.config.psql).arg("--version"))?;
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| {
                c.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split(':').nth(1))
                    .map(|s| s.trim().to_string())
            })
            .unwrap_or_default();
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        writeln!(
            out,
            "Server: {}\nClient: {}CPU: {cpu}, {cores} cores\nRounds: {} (+1 warm-up), no-op pairs: {} (+1 warm-up)\n",
            version.first().map_or("", |v| v.t.as_str()),
            psql,
            self.config.runs,
            self.config.noop_runs
        )
        .expect("writing to a String");

        out.push_str("| measurement | migrate-runtime | baseline | ratio: median | middle half | min–max | target | met |\n");
        out.push_str("|---|---|---|---|---|---|---|---|\n");
        let rows: [(&str, &str, &str, &str, Option<Target>); 19] = [
            (
                "upgrade 500/psql",
                "upgrade 500/migrate-runtime",
                "upgrade 500/psql",
                "upgrade, 500 revisions, vs psql -f (same SQL)",
                Some(Target::AtMost(1.10)),
            ),
            (
                "upgrade 500/diesel_migrations",
                "upgrade 500/migrate-runtime",
                "upgrade 500/diesel_migrations",
                "upgrade, 500 revisions, vs diesel_migrations",
                Some(Target::Below(0.95)),
            ),
            (
                "upgrade 500/sqlx",
                "upgrade 500/migrate-runtime",
                "upgrade 500/sqlx",
                "upgrade, 500 revisions, vs sqlx's migrator",
                None,
            ),
            (
                "downgrade 500/psql",
                "downgrade 500/migrate-runtime",
                "downgrade 500/psql",
                "downgrade to base, 500, vs psql -f",
                None,
            ),
            (
                "downgrade 500/diesel_migrations",
                "downgrade 500/migrate-runtime",
                "downgrade 500/diesel_migrations",
                "downgrade to base, 500, vs diesel_migrations",
                Some(Target::Below(0.95)),
            ),
            (
                "downgrade 500/sqlx",
                "downgrade 500/migrate-runtime",
                "downgrade 500/sqlx",
                "downgrade to base, 500, vs sqlx's migrator",
                None,
            ),
            (
                "sqlite upgrade 500/sqlite3",
                "sqlite upgrade 500/migrate-runtime",
                "sqlite upgrade 500/sqlite3",
                "SQLite upgrade, 500 revisions, new file, vs sqlite3 (same SQL)",
                None,
            ),
            (
                "sqlite upgrade 500/diesel_migrations",
                "sqlite upgrade 500/migrate-runtime",
                "sqlite upgrade 500/diesel_migrations",
                "SQLite upgrade, 500 revisions, vs diesel_migrations",
                Some(Target::AtMost(1.0)),
            ),
            (
                "sqlite upgrade 500/sqlx",
                "sqlite upgrade 500/migrate-runtime",
                "sqlite upgrade 500/sqlx",
                "SQLite upgrade, 500 revisions, vs sqlx's migrator",
                None,
            ),
            (
                "sqlite downgrade 500/sqlite3",
                "sqlite downgrade 500/migrate-runtime",
                "sqlite downgrade 500/sqlite3",
                "SQLite downgrade to base, 500, vs sqlite3",
                None,
            ),
            (
                "sqlite downgrade 500/diesel_migrations",
                "sqlite downgrade 500/migrate-runtime",
                "sqlite downgrade 500/diesel_migrations",
                "SQLite downgrade to base, 500, vs diesel_migrations",
                Some(Target::AtMost(1.0)),
            ),
            (
                "sqlite downgrade 500/sqlx",
                "sqlite downgrade 500/migrate-runtime",
                "sqlite downgrade 500/sqlx",
                "SQLite downgrade to base, 500, vs sqlx's migrator",
                None,
            ),
            (
                "no-op",
                "no-op upgrade head",
                "connect + SELECT 1",
                "no-op `upgrade head`, 1000 applied, vs connect + `SELECT 1`",
                Some(Target::AtMost(1.5)),
            ),
            (
                "no-op/sqlx",
                "no-op upgrade head",
                "no-op sqlx",
                "no-op `upgrade head`, 1000 applied, vs sqlx's migrator (1000 embedded, applied)",
                Some(Target::AtMost(1.0)),
            ),
            (
                "no-op bundled/sqlx",
                "no-op upgrade head, libpq built in",
                "no-op sqlx",
                "the same with `postgres-bundled` (libpq built in), vs sqlx's migrator",
                Some(Target::AtMost(1.0)),
            ),
            (
                "no-op bundled/sqlx-tls",
                "no-op upgrade head, libpq built in",
                "no-op sqlx with TLS",
                "the same, both with TLS through the system's OpenSSL (sqlx's `tls-native-tls`)",
                Some(Target::AtMost(1.0)),
            ),
            (
                "no-op without-tls/sqlx",
                "no-op upgrade head, libpq built in without TLS",
                "no-op sqlx",
                "with `postgres-bundled-without-tls`, both without TLS, vs sqlx's migrator",
                Some(Target::AtMost(1.0)),
            ),
            (
                "no-op bundled/dynamic",
                "no-op upgrade head, libpq built in",
                "no-op upgrade head",
                "no-op with `postgres-bundled`, vs the system's libpq",
                None,
            ),
            (
                "offline",
                "offline SQL",
                "heads",
                "offline SQL, 1000 revisions, vs `heads` (start-up only)",
                None,
            ),
        ];
        for (ratio, a, b, title, target) in rows {
            let Some(r) = self.ratios.get(ratio) else {
                continue;
            };
            let r = Stats::of(r);
            let (target, met) = match target {
                Some(t) => (
                    t.to_string(),
                    if t.met(r.median) { "yes" } else { "**no**" }.to_string(),
                ),
                None => ("—".into(), "—".into()),
            };
            writeln!(
                out,
                "| {title} | {} | {} | **{:.2}** | {:.2}–{:.2} | {:.2}–{:.2} | {target} | {met} |",
                self.seconds(a),
                self.seconds(b),
                r.median,
                r.q1,
                r.q3,
                r.min,
                r.max
            )
            .expect("writing to a String");
        }

        out.push_str(
            "\n| process | wall: median (min–max) | peak RSS: median (min–max) |\n|---|---|---|\n",
        );
        // Grouped by measurement, migrate-runtime first.
        let rank = |l: &String| {
            let group = [
                "upgrade 500/",
                "downgrade 500/",
                "sqlite upgrade 500/",
                "sqlite downgrade 500/",
                "no-op",
                "connect",
                "offline",
                "heads",
            ]
            .iter()
            .position(|g| l.starts_with(g))
            .unwrap_or(9);
            let tool = TOOLS
                .iter()
                .position(|t| l.ends_with(t.name()) || l.ends_with(t.sqlite_name()))
                .unwrap_or(0);
            (group, tool)
        };
        let mut labels = self.order.clone();
        labels.sort_by_key(rank);
        for label in labels {
            let Some(s) = self.samples.get(&label) else {
                continue;
            };
            let t = Stats::of(&s.iter().map(|s| s.seconds).collect::<Vec<_>>());
            let m = Stats::of(
                &s.iter()
                    .map(|s| s.max_rss_kib as f64 / 1024.0)
                    .collect::<Vec<_>>(),
            );
            writeln!(
                out,
                "| {label} | {} ({}–{}) | {:.1} MiB ({:.1}–{:.1}) |",
                human(t.median),
                human(t.min),
                human(t.max),
                m.median,
                m.min,
                m.max
            )
            .expect("writing to a String");
        }
        let rss = |label: &str| {
            self.samples.get(label).map(|s| {
                Stats::of(&s.iter().map(|s| s.max_rss_kib as f64).collect::<Vec<_>>()).median
            })
        };
        let (first, last) = (
            format!("upgrade 100 of {LONG_CHAIN}"),
            format!("upgrade {LONG_CHAIN} of {LONG_CHAIN}"),
        );
        if let (Some(a), Some(b)) = (rss(&first), rss(&last)) {
            writeln!(
                out,
                "\nPeak RSS, {LONG_CHAIN} revisions applied against 100: {:+.2} MiB ({:+.1}%), {:.2} KiB per further revision",
                (b - a) / 1024.0,
                (b / a - 1.0) * 100.0,
                (b - a) / (LONG_CHAIN - 100) as f64
            )
            .expect("writing to a String");
        }
        Ok(out)
    }

    fn seconds(&self, label: &str) -> String {
        self.samples
            .get(label)
            .map(|s| human(Stats::of(&s.iter().map(|s| s.seconds).collect::<Vec<_>>()).median))
            .unwrap_or_default()
    }
}

/// The contenders of the upgrade and downgrade runs.
const TOOLS: [Tool; 4] = [Tool::Ours, Tool::Psql, Tool::Diesel, Tool::Sqlx];

/// The round's order (round 0, the warm-up, keeps the given order): rotated
/// by one each round, and reversed every other cycle, so that over 2N
/// rounds each contender runs in every position twice, after each of the
/// others as often as before it.
pub(crate) fn permutation<T: Copy, const N: usize>(items: [T; N], round: usize) -> [T; N] {
    let shift = round % N;
    let reversed = (round / N) % 2 == 1;
    std::array::from_fn(|i| {
        let k = (i + shift) % N;
        items[if reversed { N - 1 - k } else { k }]
    })
}

pub(crate) fn human(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else {
        format!("{:.1} ms", seconds * 1000.0)
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

/// The database holds `n` of the chain's tables, each with its text column
/// and index, and `n` rows in the tool's version table.
fn check(url: &str, n: i64, version_table: &str) -> Result<(), String> {
    let mut conn = PgConnection::establish(url).map_err(|e| format!("{url}: {e}"))?;
    let mut count = |sql: &str| -> Result<i64, String> {
        diesel::sql_query(sql)
            .get_result::<Count>(&mut conn)
            .map(|c| c.n)
            .map_err(|e| format!("{sql}: {e}"))
    };
    let found = [
        count("SELECT count(*) AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'public' AND c.relkind = 'r' AND c.relname ~ '^t[0-9]{4}$'")?,
        count("SELECT count(*) AS n FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relname ~ '^t[0-9]{4}$' AND a.attname = 'note' AND NOT a.attisdropped")?,
        count("SELECT count(*) AS n FROM pg_class WHERE relkind = 'i' AND relname ~ '^ix_t[0-9]{4}_note$'")?,
        count(&format!("SELECT count(*) AS n FROM \"{version_table}\""))?,
    ];
    if found != [n; 4] {
        return Err(format!(
            "{url}: expected {n} tables, note columns, indexes and version rows ({version_table}), found {found:?}"
        ));
    }
    Ok(())
}

/// The SQLite file holds `n` of the chain's tables, each with its text
/// column and index, and `n` rows in the tool's version table (with none
/// applied, the table may be absent only if the tool never made it).
fn check_sqlite(path: &Path, n: i64, version_table: &str) -> Result<(), String> {
    let file = path.display().to_string();
    let mut conn = SqliteConnection::establish(&file).map_err(|e| format!("{file}: {e}"))?;
    let mut count = |sql: &str| -> Result<i64, String> {
        diesel::sql_query(sql)
            .get_result::<Count>(&mut conn)
            .map(|c| c.n)
            .map_err(|e| format!("{file}: {sql}: {e}"))
    };
    let found = [
        count("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name GLOB 't[0-9][0-9][0-9][0-9]'")?,
        count("SELECT count(*) AS n FROM sqlite_master m JOIN pragma_table_info(m.name) c WHERE m.type = 'table' AND m.name GLOB 't[0-9][0-9][0-9][0-9]' AND c.name = 'note'")?,
        count("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name GLOB 'ix_t[0-9][0-9][0-9][0-9]_note'")?,
        count(&format!("SELECT count(*) AS n FROM \"{version_table}\""))?,
    ];
    if found != [n; 4] {
        return Err(format!(
            "{file}: expected {n} tables, note columns, indexes and version rows ({version_table}), found {found:?}"
        ));
    }
    Ok(())
}

/// A ratio's target, as an issue states it.
#[derive(Clone, Copy)]
enum Target {
    /// At most this (`≤`).
    AtMost(f64),
    /// Strictly below this (`<`): "faster", with a margin.
    Below(f64),
}

impl Target {
    fn met(self, median: f64) -> bool {
        match self {
            Target::AtMost(t) => median <= t,
            Target::Below(t) => median < t,
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::AtMost(t) => write!(f, "≤ {t:.2}"),
            Target::Below(t) => write!(f, "< {t:.2}"),
        }
    }
}
