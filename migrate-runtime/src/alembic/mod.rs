//! `import-alembic`: an Alembic `versions/` directory translated into
//! migration files of the DSL, one per revision file, named and declared as
//! `revision -m` names and declares them. What cannot be translated is never
//! dropped: the file keeps the original code as a comment and a
//! `compile_error!` that says what to write, so the build fails until a
//! person decides. The crate's anchor takes `naming = "database"`, so that
//! constraints Alembic left unnamed get the names the database gave them.

mod python;

use crate::scaffold;
use crate::Error;
use migrate_core::ids::{self, Kind};
use migrate_core::source;
use python::{Body, Revision, Statement};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// How much of a revision file was translated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Translation {
    /// Every statement.
    Full,
    /// Some statements are left for a person (the build fails until then).
    Partly,
    /// None of its statements (the build fails until a person writes them).
    Not,
}

impl fmt::Display for Translation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Translation::Full => "translated fully",
            Translation::Partly => "translated partly",
            Translation::Not => "not translated",
        })
    }
}

/// One revision file and what became of it.
#[derive(Debug)]
pub struct ImportedFile {
    /// The Alembic file.
    pub source: PathBuf,
    /// Its revision id.
    pub revision: String,
    /// The migration file written.
    pub file: PathBuf,
    /// How much was translated.
    pub translation: Translation,
    /// What a person has to decide, one line each (also in the file).
    pub left: Vec<String>,
}

/// What `import-alembic` did.
#[derive(Debug)]
pub struct Import {
    /// The files, parents before children.
    pub files: Vec<ImportedFile>,
    /// The module file that declares them.
    pub module_file: PathBuf,
}

impl fmt::Display for Import {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for file in &self.files {
            writeln!(
                f,
                "{}: {} -> {}",
                file.source.display(),
                file.translation,
                file.file.display()
            )?;
            for l in &file.left {
                writeln!(f, "    left: {l}")?;
            }
        }
        let count = |t| self.files.iter().filter(|f| f.translation == t).count();
        writeln!(
            f,
            "{} revision files: {} translated fully, {} partly, {} not; declared in {}",
            self.files.len(),
            count(Translation::Full),
            count(Translation::Partly),
            count(Translation::Not),
            self.module_file.display()
        )?;
        write!(
            f,
            "next: `migrate_runtime::migrations!(naming = \"database\");` at the crate root (the names Alembic's database gave unnamed constraints), then build; `stamp --from-alembic` adopts a database Alembic migrated"
        )
    }
}

fn refuse(what: impl Into<String>, help: impl Into<String>) -> Error {
    Error::Import {
        from: "Alembic revisions",
        what: what.into(),
        help: help.into(),
    }
}

/// Translates every revision file of `versions` into a migration file in
/// `to` (created if missing), declared in its `mod.rs`. `krate` is the path
/// the files import the runtime by (`migrate_runtime`).
pub fn import(versions: &Path, to: &Path, krate: &str) -> Result<Import, Error> {
    let entries = std::fs::read_dir(versions).map_err(|e| {
        refuse(
            format!("cannot read {}: {e}", versions.display()),
            "give the `versions` directory of your Alembic project (next to `env.py`)",
        )
    })?;
    let mut sources: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .filter(|p| p.file_name().is_some_and(|n| n != "__init__.py"))
        .collect();
    sources.sort();
    if sources.is_empty() {
        return Err(refuse(
            format!("{} holds no revision files (`*.py`)", versions.display()),
            "give the `versions` directory of your Alembic project (next to `env.py`)",
        ));
    }
    let mut revisions: Vec<(PathBuf, Revision)> = Vec::new();
    for path in sources {
        let text = std::fs::read_to_string(&path).map_err(|e| {
            refuse(
                format!("cannot read {}: {e}", path.display()),
                "check the file's permissions",
            )
        })?;
        let rev = python::parse(&text, &path.display().to_string()).map_err(|e| {
            refuse(
                format!("{}:{}: not Python: {}", path.display(), e.line, e.message),
                "fix the file (Alembic could not load it either), then import again",
            )
        })?;
        match &rev.revision {
            Some(id) if ids::is_valid(id, Kind::Revision) => {}
            Some(id) => {
                return Err(refuse(
                    format!(
                        "{}: revision id `{id}` is not one this tool takes",
                        path.display()
                    ),
                    "revision ids are letters, digits, `_` and `-`, at most 128 characters",
                ))
            }
            None => {
                return Err(refuse(
                    format!("{}: no `revision = \"...\"`", path.display()),
                    "a revision file names its id; is this file an Alembic revision?",
                ))
            }
        }
        revisions.push((path, rev));
    }
    let order = parents_first(&revisions)?;
    std::fs::create_dir_all(to).map_err(|e| {
        refuse(
            format!("cannot create {}: {e}", to.display()),
            "check the directory's permissions, or pass another --to",
        )
    })?;
    let module_file = to.join("mod.rs");
    let mut module_text = std::fs::read_to_string(&module_file).unwrap_or_else(|_| {
        "//! The migrations, one file each (imported from Alembic by `import-alembic`).\n"
            .to_string()
    });
    let ancestors = ancestors(&revisions);
    let mut out = Vec::new();
    let mut written = Vec::new();
    for i in order {
        let (path, rev) = &revisions[i];
        let id = rev.revision.clone().unwrap_or_default();
        let (text, translation, left) = migration_file(krate, rev, &ancestors);
        let slug = scaffold::slug(&rev.message);
        let name = if slug.is_empty() {
            format!("r{id}")
        } else {
            format!("r{id}_{slug}")
        };
        let file = to.join(format!("{name}.rs"));
        if file.exists() {
            for w in &written {
                let _ = std::fs::remove_file(w);
            }
            return Err(refuse(
                format!("{} already exists", file.display()),
                "import into an empty directory (`--to`), or move the earlier import away",
            ));
        }
        std::fs::write(&file, text).map_err(|e| {
            refuse(
                format!("cannot write {}: {e}", file.display()),
                "check the directory's permissions",
            )
        })?;
        written.push(file.clone());
        module_text = scaffold::declare(&module_text, &name);
        out.push(ImportedFile {
            source: path.clone(),
            revision: id,
            file,
            translation,
            left,
        });
    }
    std::fs::write(&module_file, module_text).map_err(|e| {
        refuse(
            format!("cannot write {}: {e}", module_file.display()),
            "check the file's permissions",
        )
    })?;
    Ok(Import {
        files: out,
        module_file,
    })
}

/// The files' indexes, each after its parents (by depth, then id: stable).
fn parents_first(revisions: &[(PathBuf, Revision)]) -> Result<Vec<usize>, Error> {
    let by_id: BTreeMap<&str, usize> = revisions
        .iter()
        .enumerate()
        .map(|(i, (_, r))| (r.revision.as_deref().unwrap_or_default(), i))
        .collect();
    if by_id.len() != revisions.len() {
        return Err(refuse(
            "two revision files have the same revision id",
            "keep one of them (Alembic refuses such a directory too)",
        ));
    }
    let mut depth: BTreeMap<usize, usize> = BTreeMap::new();
    fn depth_of(
        i: usize,
        revisions: &[(PathBuf, Revision)],
        by_id: &BTreeMap<&str, usize>,
        depth: &mut BTreeMap<usize, usize>,
        seen: &mut BTreeSet<usize>,
    ) -> Result<usize, Error> {
        if let Some(d) = depth.get(&i) {
            return Ok(*d);
        }
        if !seen.insert(i) {
            return Err(refuse(
                format!(
                    "the revisions form a cycle through {}",
                    revisions[i].1.revision.as_deref().unwrap_or_default()
                ),
                "fix the `down_revision`s",
            ));
        }
        let mut d = 0;
        for p in &revisions[i].1.down_revisions {
            let Some(&pi) = by_id.get(p.as_str()) else {
                return Err(refuse(
                    format!(
                        "{}: down_revision `{p}` is in no file of the directory",
                        revisions[i].0.display()
                    ),
                    "import the whole `versions` directory",
                ));
            };
            d = d.max(depth_of(pi, revisions, by_id, depth, seen)? + 1);
        }
        depth.insert(i, d);
        Ok(d)
    }
    for i in 0..revisions.len() {
        depth_of(i, revisions, &by_id, &mut depth, &mut BTreeSet::new())?;
    }
    let mut order: Vec<usize> = (0..revisions.len()).collect();
    order.sort_by_key(|i| (depth[i], revisions[*i].1.revision.clone()));
    Ok(order)
}

/// Every revision's ancestors, by id.
fn ancestors(revisions: &[(PathBuf, Revision)]) -> BTreeMap<String, BTreeSet<String>> {
    let parents: BTreeMap<&str, &[String]> = revisions
        .iter()
        .map(|(_, r)| {
            (
                r.revision.as_deref().unwrap_or_default(),
                r.down_revisions.as_slice(),
            )
        })
        .collect();
    let mut out = BTreeMap::new();
    for id in parents.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = parents[id].iter().map(String::as_str).collect();
        while let Some(p) = stack.pop() {
            if seen.insert(p.to_string()) {
                stack.extend(
                    parents
                        .get(p)
                        .into_iter()
                        .flat_map(|ps| ps.iter().map(String::as_str)),
                );
            }
        }
        out.insert(id.to_string(), seen);
    }
    out
}

/// The migration file's text, how much was translated, and what is left.
fn migration_file(
    krate: &str,
    rev: &Revision,
    ancestors: &BTreeMap<String, BTreeSet<String>>,
) -> (String, Translation, Vec<String>) {
    let id = rev.revision.clone().unwrap_or_default();
    let mut left: Vec<String> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    let mut attr = format!("revision = {id:?}, down_revision = ");
    match rev.down_revisions.as_slice() {
        [] => attr.push_str("None"),
        [one] => attr.push_str(&format!("{one:?}")),
        many => attr.push_str(&format!(
            "[{}]",
            many.iter()
                .map(|p| format!("{p:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
    match rev.branch_labels.as_slice() {
        [] => {}
        [one] => attr.push_str(&format!(", branch = {one:?}")),
        [first, ..] => {
            attr.push_str(&format!(", branch = {first:?}"));
            let msg = format!(
                "branch_labels {:?}: a migration has one label here",
                rev.branch_labels
            );
            errors.push(format!(
                "{msg}; keep one in `branch = ...` and use `<label>@head` for the others"
            ));
            left.push(msg);
        }
    }
    for dep in &rev.depends_on {
        let known = ancestors.get(&id).is_some_and(|a| a.contains(dep));
        if !known {
            let msg =
                format!("depends_on {dep:?}: no counterpart (a dependency that is not a parent)");
            errors.push(format!(
                "{msg}; make it a merge (`down_revision = [..., {dep:?}]`) or drop it"
            ));
            left.push(msg);
        }
    }
    let upgrade_empty = rev.upgrade.statements.is_empty();
    let downgrade_empty = rev.downgrade.statements.is_empty();
    let irreversible = downgrade_empty && !upgrade_empty;
    if irreversible {
        attr.push_str(", irreversible");
    }
    let mut body = String::new();
    body.push_str(&function("upgrade", &rev.upgrade));
    if !irreversible {
        body.push('\n');
        body.push_str(&function("downgrade", &rev.downgrade));
    }
    let untranslated: Vec<(&str, &str)> = rev
        .upgrade
        .untranslated()
        .chain(rev.downgrade.untranslated())
        .collect();
    for (code, why) in &untranslated {
        let first = code.lines().next().unwrap_or_default();
        left.push(format!("{why}: `{first}`"));
    }
    if !untranslated.is_empty() {
        errors.push(format!(
            "{} statement(s) of the Alembic revision were not translated (see the `// review:` comments): write each as `op!(...)`, or as `op!(run(function))` with a `fn function(conn: &mut Connection<'_>) -> RunResult` in this module, then delete this line",
            untranslated.len()
        ));
        if !rev.helpers.is_empty() {
            body.push_str("\n    // review: module-level code of the Alembic file, which the statements above may use:\n");
            for h in &rev.helpers {
                for line in h.lines() {
                    body.push_str(&format!("    // {line}\n").replace("//  \n", "//\n"));
                }
            }
        }
    }
    for e in &errors {
        body.push_str(&format!(
            "\n    compile_error!({:?});\n",
            format!("revision {id}: {e}")
        ));
    }
    let translated = rev.upgrade.translated() + rev.downgrade.translated();
    let translation = if errors.is_empty() {
        Translation::Full
    } else if translated > 0 {
        Translation::Partly
    } else {
        Translation::Not
    };
    let ops = translated > 0;
    let imports = if ops { "{migration, op}" } else { "migration" };
    let mut doc = String::new();
    for line in rev.message.lines() {
        doc.push_str(&format!(
            "///{}{}\n",
            if line.is_empty() { "" } else { " " },
            line
        ));
    }
    if doc.is_empty() {
        attr.push_str(", message = \"\"");
    }
    let module = scaffold::module_name(&id, &rev.message);
    let text = format!(
        "use {krate}::{imports};\n\n{doc}#[migration({attr})]\nmod {module} {{\n{body}}}\n"
    );
    (text, translation, left)
}

/// `fn name() { ... }` with the body's ops and, where a statement was not
/// translated, its original code as a `// review:` comment.
fn function(name: &str, body: &Body) -> String {
    let mut out = String::new();
    for s in &body.statements {
        match s {
            Statement::Op { call, allow } => {
                if !allow.is_empty() {
                    let names: Vec<&str> = allow.iter().map(|l| l.name()).collect();
                    out.push_str(&format!(
                        "        // review: as the Alembic revision does it ({})\n",
                        names.join(", ")
                    ));
                }
                out.push_str("        ");
                out.push_str(&source::statement(call.clone(), allow, 8));
                out.push('\n');
            }
            Statement::Untranslated { code, why } => {
                out.push_str(&format!("        // review: not translated ({why}):\n"));
                for line in code.lines() {
                    if line.trim().is_empty() {
                        out.push_str("        //\n");
                    } else {
                        out.push_str(&format!("        // {line}\n"));
                    }
                }
            }
        }
    }
    if out.is_empty() {
        format!("    fn {name}() {{}}\n")
    } else {
        format!("    fn {name}() {{\n{out}    }}\n")
    }
}
