//! The benchmark's migration chains, written as a workspace of crates that
//! `run.sh` builds at benchmark time (under target/, so the workspace's own
//! build never expands them). `chain<N>` holds N linear migrations r0000,
//! r0001, ... written as users write them: `#[migration]` modules with `op!`s,
//! each creating a table with a serial key and a varchar, adding a text column
//! and indexing it. Its binary is the migrator's command line, plus
//! `select1 URL`: connect and run one query, the baseline of a no-op upgrade
//! paid by the same executable.

use std::fmt::Write as _;
use std::path::Path;

/// Writes the workspace; files whose text is unchanged are left alone, so a
/// second run rebuilds nothing.
pub fn write(out: &Path, runtime: &Path, sizes: &[usize]) -> Result<(), String> {
    let runtime =
        std::fs::canonicalize(runtime).map_err(|e| format!("{}: {e}", runtime.display()))?;
    if sizes.is_empty() || sizes.iter().any(|&n| n == 0 || n > 10_000) {
        return Err("sizes must be between 1 and 10000".into());
    }
    let members: Vec<String> = sizes.iter().map(|n| format!("\"chain{n}\"")).collect();
    put(
        &out.join("Cargo.toml"),
        &format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n\
             # Line tables let `perf record --call-graph dwarf` name the hot spots;\n\
             # they are not loaded at run time.\n\
             [profile.release]\ndebug = \"line-tables-only\"\n",
            members.join(", ")
        ),
    )?;
    for &n in sizes {
        write_chain(
            &out.join(format!("chain{n}")),
            &manifest(n, &runtime),
            &main_rs(n, &format!("chain{n}")),
            n,
            migration,
        )?;
    }
    // The same migrations built for SQLite alone, as a deployment on SQLite
    // would build them: a workspace of its own, or feature unification would
    // link libsqlite3 into the PostgreSQL chains too.
    let n = SQLITE_CHAIN;
    write_chain(
        &out.join(format!("sqlite{n}")),
        &sqlite_manifest(n, &runtime),
        &format!(
            "//! {n} migrations, the migrator's command line on SQLite.\n\n\
             fn main() -> std::process::ExitCode {{\n    migrate_runtime::cli::run(sqlite{n}::migrations())\n}}\n"
        ),
        n,
        migration,
    )?;
    // The long chain again, with libpq built in (`postgres-bundled`), and
    // built in without TLS (`postgres-bundled-without-tls`): workspaces of
    // their own too.
    let n = BUNDLED_CHAIN;
    for (name, feature) in [
        (format!("bundled{n}"), "postgres-bundled"),
        (format!("notls{n}"), "postgres-bundled-without-tls"),
    ] {
        write_chain(
            &out.join(&name),
            &bundled_manifest(&name, feature, &runtime),
            &main_rs(n, &name),
            n,
            migration,
        )?;
    }
    write_mysql(out, &runtime)?;
    write_sqlx(&out.join("sqlx"))
}

/// The chain length of the crate linked with its own libpq (`bundled<N>`)
/// and of sqlx's embedded no-op (`sqlx-noop`).
pub const BUNDLED_CHAIN: usize = 1000;

/// The chain length of the MySQL crate (`mysql<N>`).
pub const MYSQL_CHAIN: usize = 500;

/// The same chain built for MySQL alone (`bench/runtime/run-mysql.sh`), a
/// workspace of its own: the indexed `note` is a `String(200)` there, as
/// MySQL cannot index a TEXT column without a prefix length.
fn write_mysql(out: &Path, runtime: &Path) -> Result<(), String> {
    let n = MYSQL_CHAIN;
    write_chain(
        &out.join(format!("mysql{n}")),
        &format!(
            "[package]\nname = \"mysql{n}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\n\
             migrate-runtime = {{ path = {runtime:?}, default-features = false, features = [\"mysql\", \"cli\"] }}\n\n\
             [workspace]\n\n\
             [profile.release]\ndebug = \"line-tables-only\"\n",
            runtime = runtime.display().to_string()
        ),
        &format!(
            "//! {n} migrations, the migrator's command line on MySQL.\n\n\
             fn main() -> std::process::ExitCode {{\n    migrate_runtime::cli::run(mysql{n}::migrations())\n}}\n"
        ),
        n,
        |i| migration(i).replace("Column(\"note\", Text)", "Column(\"note\", String(200))"),
    )
}

/// One chain crate in `dir`: its manifest, `main.rs`, the anchor in
/// `lib.rs`, and `n` migration files under `src/m`, the `i`th `text(i)`.
fn write_chain(
    dir: &Path,
    manifest: &str,
    main: &str,
    n: usize,
    text: impl Fn(usize) -> String,
) -> Result<(), String> {
    put(&dir.join("Cargo.toml"), manifest)?;
    put(
        &dir.join("src/lib.rs"),
        "migrate_runtime::migrations!();\n\nmod m;\n",
    )?;
    put(&dir.join("src/main.rs"), main)?;
    let mut mods = String::new();
    for i in 0..n {
        writeln!(mods, "mod m{i:04};").expect("writing to a String");
        put(&dir.join(format!("src/m/m{i:04}.rs")), &text(i))?;
    }
    put(&dir.join("src/m/mod.rs"), &mods)
}

/// The chain length of the SQLite crate (`sqlite<N>`).
pub const SQLITE_CHAIN: usize = 500;

/// sqlx's side: a workspace of its own (sqlx pins another libsqlite3-sys
/// than diesel, and only one may link; with it, sqlx's own SQLite, as sqlx
/// builds it by default: linking the system's needs libclang at build time), `sqlx-runner up|down DIR URL`:
/// `sqlx::migrate::Migrator` over DIR's `<version>_<name>.up.sql` /
/// `.down.sql` files, read at run time, on the tokio runtime.
///
/// `sqlx-noop URL`: the no-op's side, as an application embeds its
/// migrations (`sqlx::migrate!`, checksums computed at build time): the
/// same 1000 revisions' DDL as `<n>_r<i>.sql` files under `migrations`.
fn write_sqlx(dir: &Path) -> Result<(), String> {
    for i in 0..BUNDLED_CHAIN {
        put(
            &dir.join(format!("migrations/{}_r{i:04}.sql", i + 1)),
            &format!(
                "CREATE TABLE \"t{i:04}\" (\n    \"id\" INTEGER GENERATED BY DEFAULT AS IDENTITY CONSTRAINT \"pk_t{i:04}\" PRIMARY KEY,\n    \"name\" VARCHAR(50) NOT NULL\n);\n\
                 ALTER TABLE \"t{i:04}\" ADD COLUMN \"note\" TEXT;\n\
                 CREATE INDEX \"ix_t{i:04}_note\" ON \"t{i:04}\" (\"note\");\n"
            ),
        )?;
    }
    put(&dir.join("src/bin/sqlx-noop.rs"), SQLX_NOOP)?;
    put(
        &dir.join("Cargo.toml"),
        "[package]\nname = \"sqlx-runner\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n\
         sqlx = { version = \"0.8\", default-features = false, features = [\"runtime-tokio\", \"postgres\", \"sqlite\", \"migrate\", \"macros\"] }\n\
         tokio = { version = \"1\", default-features = false, features = [\"rt\"] }\n\n\
         [workspace]\n\n\
         [profile.release]\ndebug = \"line-tables-only\"\n",
    )?;
    put(&dir.join("src/main.rs"), SQLX_RUNNER)?;
    // The same no-op with TLS through the system's OpenSSL (sqlx's
    // `tls-native-tls`), the peer of `postgres-bundled`: a package of its
    // own (`sqlx-noop-tls`), the same migrations.
    let tls = dir.join("tls");
    put(
        &tls.join("src/main.rs"),
        &SQLX_NOOP.replace("\"./migrations\"", "\"../migrations\""),
    )?;
    put(
        &tls.join("Cargo.toml"),
        "[package]\nname = \"sqlx-noop-tls\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n\
         sqlx = { version = \"0.8\", default-features = false, features = [\"runtime-tokio\", \"postgres\", \"sqlite\", \"migrate\", \"macros\", \"tls-native-tls\"] }\n\
         tokio = { version = \"1\", default-features = false, features = [\"rt\"] }\n\n\
         [workspace]\n\n\
         [profile.release]\ndebug = \"line-tables-only\"\n",
    )
}

const SQLX_RUNNER: &str = r#"//! sqlx's side of the runtime benchmark: what an application running its
//! sqlx migrations at start-up does, as one process.
//!
//! `sqlx-runner up DIR URL`: `Migrator::run`; `sqlx-runner down DIR URL`:
//! `Migrator::undo` to version 0. URL: postgres://... or sqlite://PATH.

use sqlx::migrate::Migrator;
use sqlx::Connection;
use std::path::Path;
use std::process::ExitCode;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [direction, dir, url] = args.as_slice() else {
        eprintln!("usage: sqlx-runner up|down DIR URL");
        return ExitCode::from(2);
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(run(direction, dir, url)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(direction: &str, dir: &str, url: &str) -> Result<(), BoxError> {
    let migrator = Migrator::new(Path::new(dir)).await?;
    let up = match direction {
        "up" => true,
        "down" => false,
        other => return Err(format!("`{other}`: expected up or down").into()),
    };
    if let Some(path) = url.strip_prefix("sqlite://") {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true);
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
        if up {
            migrator.run(&mut conn).await?;
        } else {
            migrator.undo(&mut conn, 0).await?;
        }
        conn.close().await?;
    } else {
        let mut conn = sqlx::PgConnection::connect(url).await?;
        if up {
            migrator.run(&mut conn).await?;
        } else {
            migrator.undo(&mut conn, 0).await?;
        }
        conn.close().await?;
    }
    Ok(())
}
"#;

const SQLX_NOOP: &str = r#"//! sqlx's side of the no-op: `sqlx-noop URL` runs the migrations embedded
//! by `sqlx::migrate!` (lock, applied rows, checksums compared, unlock), as
//! an application does at start-up.

use sqlx::Connection;
use std::process::ExitCode;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

fn main() -> ExitCode {
    let Some(url) = std::env::args().nth(1) else {
        eprintln!("usage: sqlx-noop URL");
        return ExitCode::from(2);
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let run = async {
        let mut conn = sqlx::PgConnection::connect(&url).await?;
        MIGRATOR.run(&mut conn).await?;
        conn.close().await?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
    };
    match runtime.block_on(run) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
"#;

fn sqlite_manifest(n: usize, runtime: &Path) -> String {
    format!(
        "[package]\nname = \"sqlite{n}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n\
         migrate-runtime = {{ path = {runtime:?}, default-features = false, features = [\"sqlite\", \"cli\"] }}\n\n\
         [workspace]\n\n\
         [profile.release]\ndebug = \"line-tables-only\"\n",
        runtime = runtime.display().to_string()
    )
}

fn put(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn manifest(n: usize, runtime: &Path) -> String {
    // PostgreSQL only, as a deployment on PostgreSQL would build it.
    format!(
        "[package]\nname = \"chain{n}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n\
         migrate-runtime = {{ path = {runtime:?}, default-features = false, features = [\"postgres\", \"cli\"] }}\n\
         diesel = {{ version = \"2.2\", default-features = false, features = [\"postgres\"] }}\n",
        runtime = runtime.display().to_string()
    )
}

fn main_rs(n: usize, name: &str) -> String {
    format!(
        r#"//! {n} migrations. `{name} [OPTIONS] COMMAND`: the migrator's command line;
//! `{name} select1 URL`: connect and run `SELECT 1`, nothing else.

use diesel::{{Connection, RunQueryDsl}};
use std::process::ExitCode;

fn main() -> ExitCode {{
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("select1") {{
        let url = args.get(2).expect("select1 URL");
        let mut conn = diesel::PgConnection::establish(url).expect("connect");
        diesel::sql_query("SELECT 1").execute(&mut conn).expect("SELECT 1");
        return ExitCode::SUCCESS;
    }}
    migrate_runtime::cli::run({name}::migrations())
}}
"#
    )
}

fn bundled_manifest(name: &str, feature: &str, runtime: &Path) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n\
         migrate-runtime = {{ path = {runtime:?}, default-features = false, features = [\"{feature}\", \"cli\"] }}\n\
         diesel = {{ version = \"2.2\", default-features = false, features = [\"postgres\"] }}\n\n\
         [workspace]\n\n\
         [profile.release]\ndebug = \"line-tables-only\"\n",
        runtime = runtime.display().to_string()
    )
}

fn migration(i: usize) -> String {
    let parent = if i == 0 {
        "None".to_string()
    } else {
        format!("\"r{:04}\"", i - 1)
    };
    format!(
        r#"use migrate_runtime::{{migration, op}};

/// migration {i}
#[migration(revision = "r{i:04}", down_revision = {parent})]
mod m{i:04} {{
    fn upgrade() {{
        op!(create_table(
            "t{i:04}",
            Column("id", Integer, primary_key = true),
            Column("name", String(50), nullable = false),
        ));
        op!(add_column("t{i:04}", Column("note", Text)));
        op!(create_index("ix_t{i:04}_note", "t{i:04}", ["note"]));
    }}
}}
"#
    )
}
