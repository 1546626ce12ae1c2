//! `import-diesel` and `import-sqlx`: a diesel `migrations/` directory or a
//! sqlx one becomes migration files of the DSL, one per diesel folder or
//! sqlx version, chained in the tool's order. Each runs its SQL files with
//! `execute(file = "...")`; the files are copied into the crate (`<to>/sql/`,
//! byte for byte), so the old directory can go.
//!
//! Revision ids are the versions the tools record, so `stamp --from-diesel`
//! and `stamp --from-sqlx` map their rows one to one: diesel's version is the
//! folder name before its first `_`, without `-`
//! (`2024-01-31-120000_create_users` → `20240131120000`); sqlx's is the
//! number before the file name's first `_`, in decimal (`0001_init.sql` →
//! `1`, `20240131120000_init.up.sql` → `20240131120000`).

use crate::scaffold;
use crate::Error;
use migrate_core::ids::{self, Kind};
use migrate_core::source::{self, Node};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The tool a migrations directory comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// diesel_migrations: `<version>_<name>/up.sql`, `down.sql`, `metadata.toml`.
    Diesel,
    /// sqlx: `<version>_<description>.sql`, or `.up.sql` and `.down.sql`.
    Sqlx,
}

impl Tool {
    fn what(self) -> &'static str {
        match self {
            Tool::Diesel => "diesel migrations",
            Tool::Sqlx => "sqlx migrations",
        }
    }

    fn flag(self) -> &'static str {
        match self {
            Tool::Diesel => "--from-diesel",
            Tool::Sqlx => "--from-sqlx",
        }
    }
}

/// One migration written.
#[derive(Debug)]
pub struct ImportedMigration {
    /// The diesel folder, or the sqlx up (or only) file.
    pub source: PathBuf,
    /// Its revision id: the version the tool records.
    pub revision: String,
    /// The migration file written.
    pub file: PathBuf,
    /// The SQL files copied, upgrade first.
    pub sql_files: Vec<PathBuf>,
    /// `false`: diesel's `run_in_transaction = false`, sqlx's
    /// `-- no-transaction`.
    pub transactional: bool,
    /// Whether it has a downgrade (a down file that is not empty).
    pub reversible: bool,
}

/// What `import-diesel` / `import-sqlx` did.
#[derive(Debug)]
pub struct Import {
    /// Where the migrations came from.
    pub tool: Tool,
    /// The migrations, in the tool's order (each the parent of the next).
    pub migrations: Vec<ImportedMigration>,
    /// The module file that declares them.
    pub module_file: PathBuf,
}

impl fmt::Display for Import {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for m in &self.migrations {
            let mut notes = Vec::new();
            if !m.transactional {
                notes.push("transactional = false");
            }
            if !m.reversible {
                notes.push("irreversible: no down SQL");
            }
            writeln!(
                f,
                "{} -> {} (revision {}{}{})",
                m.source.display(),
                m.file.display(),
                m.revision,
                if notes.is_empty() { "" } else { "; " },
                notes.join("; ")
            )?;
        }
        let sql_dir = self
            .module_file
            .parent()
            .map(|d| d.join("sql"))
            .unwrap_or_default();
        writeln!(
            f,
            "{} {} imported, chained in order; SQL files copied to {}; declared in {}",
            self.migrations.len(),
            self.tool.what(),
            sql_dir.display(),
            self.module_file.display()
        )?;
        write!(
            f,
            "next: `migrate_runtime::migrations!();` and `mod migrations;` at the crate root, then build; `stamp {}` adopts a database {} migrated; the old directory is no longer read (the SQL files are copies)",
            self.tool.flag(),
            match self.tool {
                Tool::Diesel => "diesel",
                Tool::Sqlx => "sqlx",
            }
        )
    }
}

fn refuse(tool: Tool, what: impl Into<String>, help: impl Into<String>) -> Error {
    Error::Import {
        from: tool.what(),
        what: what.into(),
        help: help.into(),
    }
}

/// One migration as read, before it is written.
struct Found {
    source: PathBuf,
    /// The version, as the tool records it (the revision id).
    version: String,
    /// How the tool orders it.
    order: (u64, String),
    message: String,
    /// (file to copy, its name under `<to>/sql/`)
    up: Option<(PathBuf, String)>,
    down: Option<(PathBuf, String)>,
    transactional: bool,
}

/// Translates the diesel `migrations` directory `dir` into migration files
/// in `to` (created if missing), declared in its `mod.rs`; each folder's
/// `up.sql` and `down.sql` are copied to `<to>/sql/<folder>/`. `krate` is
/// the path the files import the runtime by (`migrate_runtime`).
pub fn diesel(dir: &Path, to: &Path, krate: &str) -> Result<Import, Error> {
    let tool = Tool::Diesel;
    let mut found = Vec::new();
    for path in entries(tool, dir)? {
        let name = file_name(&path);
        // As diesel_migrations: directories not starting with `.`.
        if !path.is_dir() || name.starts_with('.') {
            continue;
        }
        let up = path.join("up.sql");
        if !up.is_file() {
            return Err(refuse(
                tool,
                format!("{} has no up.sql", path.display()),
                "every migration folder holds an up.sql (diesel refuses the folder too): add it or remove the folder",
            ));
        }
        let (version, rest) = name.split_once('_').unwrap_or((&name, ""));
        let version = version.replace('-', "");
        // diesel runs a migration in a transaction unless its metadata.toml
        // says `run_in_transaction = true`: with the file, the key defaults
        // to false (diesel_migrations reads it so), without it to true.
        let metadata = path.join("metadata.toml");
        let transactional = if metadata.is_file() {
            let text = std::fs::read_to_string(&metadata).map_err(|e| {
                refuse(
                    tool,
                    format!("cannot read {}: {e}", metadata.display()),
                    "check the file's permissions",
                )
            })?;
            let table: toml::Table = text.parse().map_err(|e| {
                refuse(
                    tool,
                    format!("{} is not TOML: {e}", metadata.display()),
                    "fix the file (diesel cannot read it either), then import again",
                )
            })?;
            match table.get("run_in_transaction") {
                None => false,
                Some(toml::Value::Boolean(b)) => *b,
                Some(other) => {
                    return Err(refuse(
                        tool,
                        format!(
                            "{}: run_in_transaction is a {}, not true or false",
                            metadata.display(),
                            other.type_str()
                        ),
                        "fix the file (diesel cannot read it either), then import again",
                    ))
                }
            }
        } else {
            true
        };
        let down = path.join("down.sql");
        found.push(Found {
            order: (0, version.clone()),
            version,
            message: rest.replace('_', " "),
            up: Some((up, format!("{name}/up.sql"))),
            down: down.is_file().then(|| (down, format!("{name}/down.sql"))),
            transactional,
            source: path,
        });
    }
    write(tool, dir, found, to, krate)
}

/// Translates the sqlx migrations directory `dir` into migration files in
/// `to`, as [`diesel()`] does: `<version>_<description>.sql` (no downgrade) or
/// a `.up.sql` / `.down.sql` pair per version, copied to `<to>/sql/`.
pub fn sqlx(dir: &Path, to: &Path, krate: &str) -> Result<Import, Error> {
    let tool = Tool::Sqlx;
    // By version: (up or simple, down, description).
    type Files = (Option<PathBuf>, Option<PathBuf>, String);
    let mut by_version: BTreeMap<u64, Files> = BTreeMap::new();
    for path in entries(tool, dir)? {
        let name = file_name(&path);
        // As sqlx: files ending in `.sql`.
        if !path.is_file() || !name.ends_with(".sql") {
            continue;
        }
        let bad = |why: &str| {
            refuse(
                tool,
                format!("{}: {why}", path.display()),
                "sqlx names a migration `<version>_<description>.sql`, or `.up.sql` and `.down.sql`, with a whole number as the version (sqlx refuses this name too): rename the file",
            )
        };
        let Some((version, rest)) = name.split_once('_') else {
            return Err(bad("no `_` after the version"));
        };
        let number: u64 = version
            .parse()
            .ok()
            .filter(|n| i64::try_from(*n).is_ok())
            .ok_or_else(|| bad(&format!("`{version}` is not a version (a whole number)")))?;
        let rest = rest.strip_suffix(".sql").unwrap_or(rest);
        let (description, down) = match rest.strip_suffix(".down") {
            Some(d) => (d, true),
            None => (rest.strip_suffix(".up").unwrap_or(rest), false),
        };
        let entry = by_version
            .entry(number)
            .or_insert_with(|| (None, None, description.replace('_', " ")));
        let slot = if down { &mut entry.1 } else { &mut entry.0 };
        if let Some(other) = slot {
            return Err(refuse(
                tool,
                format!(
                    "{} and {} have the same version {number}",
                    other.display(),
                    path.display()
                ),
                "keep one of them (sqlx refuses such a directory too)",
            ));
        }
        *slot = Some(path);
    }
    let mut found = Vec::new();
    for (number, (up, down, message)) in by_version {
        let Some(up) = up else {
            let down = down.unwrap_or_default();
            return Err(refuse(
                tool,
                format!("{} has no `.up.sql` beside it", down.display()),
                "add the up migration of that version, or remove the file",
            ));
        };
        // As sqlx: a file whose SQL starts with this runs outside a
        // transaction (here the migration's upgrade and downgrade both).
        let mut transactional = true;
        for file in std::iter::once(&up).chain(down.as_ref()) {
            let text = std::fs::read(file).map_err(|e| {
                refuse(
                    tool,
                    format!("cannot read {}: {e}", file.display()),
                    "check the file's permissions",
                )
            })?;
            transactional &= !text.starts_with(b"-- no-transaction");
        }
        let copied = |p: &PathBuf| (p.clone(), file_name(p));
        found.push(Found {
            order: (number, String::new()),
            version: number.to_string(),
            message,
            up: Some(copied(&up)),
            down: down.as_ref().map(copied),
            transactional,
            source: up,
        });
    }
    write(tool, dir, found, to, krate)
}

/// The entries of `dir`, sorted.
fn entries(tool: Tool, dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let read = std::fs::read_dir(dir).map_err(|e| {
        refuse(
            tool,
            format!("cannot read {}: {e}", dir.display()),
            "give the project's migrations directory (`migrations/`)",
        )
    })?;
    let mut out: Vec<PathBuf> = read.filter_map(|e| e.ok().map(|e| e.path())).collect();
    out.sort();
    Ok(out)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether a SQL file holds nothing to run (missing, or only white space).
fn blank(path: &Path) -> bool {
    std::fs::read(path).map_or(true, |b| {
        String::from_utf8_lossy(&b)
            .trim_start_matches('\u{feff}')
            .trim()
            .is_empty()
    })
}

/// Writes the migrations: each checked first, nothing written when one is
/// refused or a file is already there.
fn write(
    tool: Tool,
    dir: &Path,
    mut found: Vec<Found>,
    to: &Path,
    krate: &str,
) -> Result<Import, Error> {
    if found.is_empty() {
        return Err(refuse(
            tool,
            format!("{} holds no migrations", dir.display()),
            match tool {
                Tool::Diesel => "give diesel's migrations directory, whose folders hold up.sql and down.sql",
                Tool::Sqlx => "give sqlx's migrations directory, which holds `<version>_<description>.sql` files",
            },
        ));
    }
    found.sort_by(|a, b| a.order.cmp(&b.order));
    for pair in found.windows(2) {
        if pair[0].version == pair[1].version {
            return Err(refuse(
                tool,
                format!(
                    "{} and {} have the same version {}",
                    pair[0].source.display(),
                    pair[1].source.display(),
                    pair[0].version
                ),
                "give one of them another version (the tool records each version once)",
            ));
        }
    }
    for f in &found {
        if !ids::is_valid(&f.version, Kind::Revision) {
            return Err(refuse(
                tool,
                format!(
                    "{}: version `{}` is not a revision id this tool takes",
                    f.source.display(),
                    f.version
                ),
                "revision ids are letters, digits, `_` and `-`, at most 128 characters: rename the migration",
            ));
        }
    }
    let sql_dir = to.join("sql");
    let module_file = to.join("mod.rs");
    // Everything to write, checked before anything is.
    let mut plan: Vec<(PathBuf, String)> = Vec::new();
    let mut copies: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut out = Vec::new();
    let mut names = Vec::new();
    let mut parent: Option<String> = None;
    for f in &found {
        let slug = scaffold::slug(&f.message);
        let name = if slug.is_empty() {
            format!("r{}", f.version)
        } else {
            format!("r{}_{slug}", f.version)
        };
        let file = to.join(format!("{name}.rs"));
        let mut sql_files = Vec::new();
        let mut refer = |copy: &Option<(PathBuf, String)>| -> Option<String> {
            let (from, rel) = copy.as_ref()?;
            let dest = sql_dir.join(rel);
            copies.push((from.clone(), dest.clone()));
            sql_files.push(dest);
            (!blank(from)).then(|| format!("sql/{rel}"))
        };
        let up = refer(&f.up);
        let down = refer(&f.down);
        let reversible = down.is_some() || up.is_none();
        plan.push((
            file.clone(),
            migration_file(krate, f, parent.as_deref(), up, down),
        ));
        names.push(name);
        out.push(ImportedMigration {
            source: f.source.clone(),
            revision: f.version.clone(),
            file,
            sql_files,
            transactional: f.transactional,
            reversible,
        });
        parent = Some(f.version.clone());
    }
    for path in plan
        .iter()
        .map(|(p, _)| p)
        .chain(copies.iter().map(|(_, d)| d))
    {
        if path.exists() {
            return Err(refuse(
                tool,
                format!("{} already exists", path.display()),
                "import into an empty directory (`--to`), or move the earlier import away",
            ));
        }
    }
    let io = |doing: &str, path: &Path, e: std::io::Error| {
        refuse(
            tool,
            format!("cannot {doing} {}: {e}", path.display()),
            "check the directory's permissions, or pass another --to",
        )
    };
    let mut module_text = std::fs::read_to_string(&module_file).unwrap_or_else(|_| {
        format!(
            "//! The migrations, one file each (imported from {} by `import-{}`).\n",
            match tool {
                Tool::Diesel => "diesel",
                Tool::Sqlx => "sqlx",
            },
            match tool {
                Tool::Diesel => "diesel",
                Tool::Sqlx => "sqlx",
            }
        )
    });
    for (from, dest) in &copies {
        if let Some(d) = dest.parent() {
            std::fs::create_dir_all(d).map_err(|e| io("create", d, e))?;
        }
        std::fs::copy(from, dest).map_err(|e| io("write", dest, e))?;
    }
    for ((file, text), name) in plan.iter().zip(&names) {
        std::fs::write(file, text).map_err(|e| io("write", file, e))?;
        module_text = scaffold::declare(&module_text, name);
    }
    std::fs::write(&module_file, module_text).map_err(|e| io("write", &module_file, e))?;
    Ok(Import {
        tool,
        migrations: out,
        module_file,
    })
}

/// The migration file: its upgrade and downgrade run the SQL files (`up` and
/// `down` relative to the migration file); without down SQL it is
/// irreversible.
fn migration_file(
    krate: &str,
    f: &Found,
    parent: Option<&str>,
    up: Option<String>,
    down: Option<String>,
) -> String {
    let mut attr = vec![
        format!("revision = {:?}", f.version),
        format!(
            "down_revision = {}",
            parent.map_or("None".to_string(), |p| format!("{p:?}"))
        ),
    ];
    if !f.transactional {
        attr.push("transactional = false".into());
    }
    let irreversible = up.is_some() && down.is_none();
    if irreversible {
        attr.push("irreversible".into());
    }
    let function = |name: &str, sql: &Option<String>| match sql {
        Some(rel) => {
            let call = Node::Call(
                "execute".into(),
                vec![Node::Keyword("file".into(), Box::new(Node::string(rel)))],
            );
            format!(
                "    fn {name}() {{\n        {}\n    }}\n",
                source::statement(call, &[], 8)
            )
        }
        None => format!("    fn {name}() {{}}\n"),
    };
    let mut body = function("upgrade", &up);
    if !irreversible {
        body.push('\n');
        body.push_str(&function("downgrade", &down));
    }
    let imports = if up.is_some() || down.is_some() {
        "{migration, op}"
    } else {
        "migration"
    };
    let doc = if f.message.trim().is_empty() {
        attr.push("message = \"\"".into());
        String::new()
    } else {
        format!("/// {}\n", f.message.trim())
    };
    let module = scaffold::module_name(&f.version, &f.message);
    // As rustfmt writes it: one line when the arguments fit in its
    // `attr_fn_like_width` (70 columns).
    let args = attr.join(", ");
    let attr = if args.len() <= 70 {
        format!("#[migration({args})]")
    } else {
        format!("#[migration(\n    {}\n)]", attr.join(",\n    "))
    };
    format!("use {krate}::{imports};\n\n{doc}{attr}\nmod {module} {{\n{body}}}\n")
}
