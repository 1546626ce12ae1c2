//! New migration files for `revision -m` and `merge`, as Alembic writes its
//! scripts: a fresh 12-hex-digit id, the parent(s) as `down_revision`, the
//! message as the doc comment, and a `mod` line in the module that declares
//! the migrations beside it, so the next build compiles it in.
//!
//! The rules of which revision may get a new child are here too: a head, or
//! any revision when the new one starts a labelled branch; a merge joins two
//! or more heads. Migration files written since the last build count (a
//! second `revision -m` follows the first).
//!
//! The files go where the compiler found the parent's migration (the paths
//! `file!()` recorded, relative to the directory cargo builds from), or in the
//! directory given.

use crate::{Error, Migrations, Migrator};
use std::collections::hash_map::RandomState;
use std::collections::BTreeSet;
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};

/// What to write.
pub(crate) struct NewMigration<'a> {
    /// The message: the doc comment, and the file name's slug.
    pub message: &'a str,
    /// The id, when the user gives one (`--rev-id`).
    pub revision: Option<&'a str>,
    /// The parents' ids: none for a new root, two or more for a merge.
    pub parents: Vec<String>,
    /// `branch = "..."`.
    pub branch: Option<&'a str>,
    /// The directory to write into, when the user gives one (`--dir`).
    pub dir: Option<&'a Path>,
    /// The body of `fn upgrade()` (`migrate_core::source::upgrade_body` at
    /// an indent of 8), instead of the comment that shows how to write one.
    pub upgrade: Option<&'a str>,
    /// `irreversible`: the upgrade holds an op that cannot be undone.
    pub irreversible: bool,
}

/// What was written.
#[derive(Debug)]
pub(crate) struct Written {
    pub revision: String,
    pub file: PathBuf,
    pub module_file: PathBuf,
}

const MAX_SLUG: usize = 40;

fn refuse(what: impl Into<String>, help: impl Into<String>) -> Error {
    Error::Scaffold {
        what: what.into(),
        help: help.into(),
    }
}

pub(crate) fn write(migrations: &Migrations, new: &NewMigration<'_>) -> Result<Written, Error> {
    let revision = match new.revision {
        Some(r) => {
            check_id(r, "revision")?;
            if migrations.get(r).is_some() {
                return Err(refuse(
                    format!("revision {r} already exists"),
                    "choose another --rev-id, or leave it out for a fresh one",
                ));
            }
            r.to_string()
        }
        None => fresh_id(migrations, &pending(migrations)),
    };
    if let Some(b) = new.branch {
        check_id(b, "branch label")?;
    }
    let dir = directory(migrations, new)?;
    let module_file = module_file(&dir)?;
    // A file written earlier but not built yet is not in `migrations`.
    if let Some(f) = file_declaring(&dir, &revision) {
        return Err(refuse(
            format!(
                "revision {revision} already exists in {} (not compiled in yet)",
                f.display()
            ),
            "choose another --rev-id, or leave it out for a fresh one",
        ));
    }
    let slug = slug(new.message);
    // The file's stem is its module's name: a UUID-form id's `-` becomes `_`.
    let stem = revision.replace('-', "_");
    let name = if slug.is_empty() {
        format!("r{stem}")
    } else {
        format!("r{stem}_{slug}")
    };
    let file = dir.join(format!("{name}.rs"));
    if file.exists() {
        return Err(refuse(
            format!("{} already exists", file.display()),
            "choose another message or --rev-id",
        ));
    }
    let root = crate_root(migrations, new);
    std::fs::write(&file, source(&root, &revision, new)).map_err(|e| {
        refuse(
            format!("cannot write {}: {e}", file.display()),
            "check the directory's permissions",
        )
    })?;
    let declared = std::fs::read_to_string(&module_file)
        .map(|text| declare(&text, &name))
        .and_then(|text| std::fs::write(&module_file, text));
    if let Err(e) = declared {
        let _ = std::fs::remove_file(&file);
        return Err(refuse(
            format!("cannot add `mod {name};` to {}: {e}", module_file.display()),
            "check the file's permissions; nothing was written",
        ));
    }
    Ok(Written {
        revision,
        file,
        module_file,
    })
}

/// A migration whose file is on disk but not in this build: written by
/// `revision -m` or `merge` since the last build (or not declared with
/// `mod`). A second `revision -m` before a build must follow it, as Alembic's
/// second `revision` follows the first.
#[derive(Debug)]
pub(crate) struct Pending {
    pub revision: String,
    pub parents: Vec<String>,
    pub file: PathBuf,
}

/// The migrations of files beside the compiled ones that this build does not
/// hold, read from their `#[migration(...)]` attributes.
pub(crate) fn pending(migrations: &Migrations) -> Vec<Pending> {
    let mut out = Vec::new();
    for file in migrations.undeclared_files().unwrap_or_default() {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let Ok(parsed) = syn::parse_file(&text) else {
            continue;
        };
        for item in parsed.items {
            let syn::Item::Mod(m) = item else { continue };
            for attr in &m.attrs {
                if attr
                    .path()
                    .segments
                    .last()
                    .is_some_and(|s| s.ident == "migration")
                {
                    if let Some((revision, parents)) = revision_and_parents(attr) {
                        out.push(Pending {
                            revision,
                            parents,
                            file: file.clone(),
                        });
                    }
                }
            }
        }
    }
    out
}

/// `revision` and `down_revision` of a `#[migration(...)]` attribute (the
/// other arguments are the compiler's business).
fn revision_and_parents(attr: &syn::Attribute) -> Option<(String, Vec<String>)> {
    use syn::punctuated::Punctuated;
    let args = attr
        .parse_args_with(Punctuated::<syn::MetaNameValue, syn::Token![,]>::parse_terminated)
        .ok()?;
    let text = |e: &syn::Expr| match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        _ => None,
    };
    let mut revision = None;
    let mut parents = None;
    for arg in &args {
        if arg.path.is_ident("revision") {
            revision = text(&arg.value);
        } else if arg.path.is_ident("down_revision") {
            parents = match &arg.value {
                syn::Expr::Array(a) => a.elems.iter().map(text).collect(),
                syn::Expr::Path(p) if p.path.is_ident("None") => Some(Vec::new()),
                other => text(other).map(|p| vec![p]),
            };
        }
    }
    Some((revision?, parents?))
}

/// A `.rs` file of `dir` that declares `revision`.
fn file_declaring(dir: &Path, revision: &str) -> Option<PathBuf> {
    let needle = format!("revision = {revision:?}");
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .find(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains(&needle)))
}

/// Alembic's ids: 12 hexadecimal digits, random, unused.
fn fresh_id(migrations: &Migrations, pending: &[Pending]) -> String {
    loop {
        // std's hasher keys are random per instance, seeded by the OS.
        let n = RandomState::new().hash_one(std::time::SystemTime::now());
        let id = format!("{:012x}", n & 0xffff_ffff_ffff);
        if migrations.get(&id).is_none() && pending.iter().all(|p| p.revision != id) {
            return id;
        }
    }
}

/// The same rules as the compiler's and the graph's (`migrate_core::ids`).
fn check_id(id: &str, what: &str) -> Result<(), Error> {
    use migrate_core::ids::{self, Kind};
    let kind = if what == "revision" {
        Kind::Revision
    } else {
        Kind::BranchLabel
    };
    match ids::problem(id, kind) {
        None => Ok(()),
        Some(problem) => Err(refuse(
            format!("`{id}` is not a valid {what}: {problem}"),
            kind.help(),
        )),
    }
}

/// The message as part of a file name: lower case, words joined by `_`,
/// at most 40 characters (Alembic's `truncate_slug_length`).
pub(crate) fn slug(message: &str) -> String {
    let mut out = String::new();
    for word in message
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_ascii_lowercase();
        let extra = usize::from(!out.is_empty()) + word.len();
        if out.len() + extra > MAX_SLUG {
            break;
        }
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(&word);
    }
    out
}

/// The directory for the new file: the one given, or the first parent's
/// (else any migration's, for a new root).
fn directory(migrations: &Migrations, new: &NewMigration<'_>) -> Result<PathBuf, Error> {
    if let Some(d) = new.dir {
        return if d.is_dir() {
            Ok(d.to_path_buf())
        } else {
            Err(refuse(
                format!("{} is not a directory", d.display()),
                "give the directory that holds the migration files",
            ))
        };
    }
    if let Some(p) = new.parents.first().and_then(|p| {
        pending(migrations)
            .into_iter()
            .find(|pending| &pending.revision == p)
    }) {
        return Ok(p.file.parent().map(Path::to_path_buf).unwrap_or_default());
    }
    let beside = new
        .parents
        .first()
        .and_then(|p| migrations.get(p))
        .or_else(|| migrations.iter().next())
        .ok_or_else(|| {
            refuse(
                "there is no migration to place the new one beside",
                "pass --dir with the directory for migration files (its module, `mod.rs` or `<dir>.rs`, must exist)",
            )
        })?;
    let file = Path::new(beside.file());
    if !file.is_file() {
        return Err(refuse(
            format!(
                "the migration sources ({}) are not found from this directory",
                file.display()
            ),
            "run from the directory cargo builds from (the workspace root), or pass --dir",
        ));
    }
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if matches!(stem, "lib" | "main" | "mod") {
        return Err(refuse(
            format!(
                "{} ({}) is declared inline in {}, not in a file of its own",
                beside.revision(),
                beside.message(),
                file.display()
            ),
            "pass --dir with a directory for migration files whose module (`mod.rs` or `<dir>.rs`) exists",
        ));
    }
    Ok(file.parent().map(Path::to_path_buf).unwrap_or_default())
}

/// The file whose `mod` lines declare the files of `dir`.
fn module_file(dir: &Path) -> Result<PathBuf, Error> {
    let mod_rs = dir.join("mod.rs");
    if mod_rs.is_file() {
        return Ok(mod_rs);
    }
    let sibling = dir.with_extension("rs");
    if dir.file_name().is_some() && sibling.is_file() {
        return Ok(sibling);
    }
    Err(refuse(
        format!(
            "neither {} nor {} exists to declare the new file in",
            mod_rs.display(),
            sibling.display()
        ),
        "create the module file with a `mod` line per migration file, or pass --dir",
    ))
}

/// The path the migrations name the runtime by (`use migrate_runtime::...` in
/// the parent's file, for a renamed dependency), or `migrate_runtime`.
fn crate_root(migrations: &Migrations, new: &NewMigration<'_>) -> String {
    let parent_file = new.parents.first().and_then(|p| match migrations.get(p) {
        Some(m) => Some(PathBuf::from(m.file())),
        None => pending(migrations)
            .into_iter()
            .find(|pending| &pending.revision == p)
            .map(|pending| pending.file),
    });
    let text = parent_file
        .and_then(|f| std::fs::read_to_string(f).ok())
        .unwrap_or_default();
    text.lines()
        .map(str::trim)
        .find_map(|l| {
            let rest = l.strip_prefix("use ")?;
            let (root, tail) = rest.split_once("::")?;
            tail.contains("migration").then(|| root.trim().to_string())
        })
        .unwrap_or_else(|| "migrate_runtime".into())
}

/// Words a module cannot be named (the slug of a one-word message may be one).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The module inside a migration file: the message's slug, or the file's
/// name where the slug cannot name a module.
pub(crate) fn module_name(revision: &str, message: &str) -> String {
    let slug = slug(message);
    if slug.is_empty() {
        format!("r{revision}")
    } else if slug.starts_with(|c: char| c.is_ascii_digit()) || KEYWORDS.contains(&slug.as_str()) {
        format!("r{revision}_{slug}")
    } else {
        slug
    }
}

fn source(root: &str, revision: &str, new: &NewMigration<'_>) -> String {
    let parents = match new.parents.as_slice() {
        [] => "None".to_string(),
        [one] => format!("{one:?}"),
        many => format!(
            "[{}]",
            many.iter()
                .map(|p| format!("{p:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let branch = new
        .branch
        .map(|b| format!(", branch = {b:?}"))
        .unwrap_or_default()
        + if new.irreversible {
            ", irreversible"
        } else {
            ""
        };
    let mut doc = String::new();
    for line in new.message.lines() {
        doc.push_str(&format!(
            "///{}{}\n",
            if line.is_empty() { "" } else { " " },
            line
        ));
    }
    let module = module_name(revision, new.message);
    // A merge joins the heads and usually changes nothing itself; any other
    // revision is there for its ops, so `op` is imported for them (unused,
    // and so reported, until the first is written).
    let written;
    let (imports, body) = if let Some(ops) = new.upgrade {
        written = format!("    fn upgrade() {{\n{ops}    }}\n");
        let imports = if ops.contains("op!(") {
            "{migration, op}"
        } else {
            "migration"
        };
        (imports, written.as_str())
    } else if new.parents.len() > 1 {
        ("migration", "    fn upgrade() {}\n")
    } else {
        ("{migration, op}", "    fn upgrade() {\n        // The changes, as `op!(...)` calls:\n        // op!(add_column(\"users\", Column(\"role\", String(50), nullable = true)));\n        // Leave out `downgrade` when every op carries its inverse; it is derived.\n    }\n")
    };
    format!(
        "use {root}::{imports};\n\n{doc}#[migration(revision = {revision:?}, down_revision = {parents}{branch})]\nmod {module} {{\n{body}}}\n"
    )
}

/// `text` with `mod name;` after its last `mod ...;` line (or at the end).
pub(crate) fn declare(text: &str, name: &str) -> String {
    let line = format!("mod {name};");
    let lines: Vec<&str> = text.lines().collect();
    let last_mod = lines.iter().rposition(|l| {
        let l = l.trim_start();
        let l = l.strip_prefix("pub ").unwrap_or(l);
        l.starts_with("mod ") && l.trim_end().ends_with(';')
    });
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    match last_mod {
        Some(i) => out.insert(i + 1, line),
        None => {
            if out.last().is_some_and(|l| !l.trim().is_empty()) {
                out.push(String::new());
            }
            out.push(line);
        }
    }
    let mut joined = out.join("\n");
    joined.push('\n');
    joined
}

/// The heads for a new revision: the build's, and the files written since
/// the last build (a second `revision -m` follows the first).
pub(crate) fn heads_on_disk(migrator: &Migrator) -> Vec<String> {
    let pending = pending(migrator.migrations());
    let followed: BTreeSet<&str> = pending
        .iter()
        .flat_map(|p| p.parents.iter().map(String::as_str))
        .collect();
    migrator
        .graph()
        .heads()
        .into_iter()
        .map(str::to_string)
        .chain(pending.iter().map(|p| p.revision.clone()))
        .filter(|h| !followed.contains(h.as_str()))
        .collect()
}

/// A revision named on the command line: one of the build's, or the exact id
/// of one written since the last build.
fn resolve_on_disk(migrator: &Migrator, spec: &str) -> Result<String, Error> {
    let pending = pending(migrator.migrations());
    if pending.iter().any(|p| p.revision == spec) {
        return Ok(spec.to_string());
    }
    Ok(migrator.graph().resolve(spec)?.revision().to_string())
}

/// The parent of a new revision: the one head, or `--head`.
pub(crate) fn revision_parents(
    migrator: &Migrator,
    head: Option<&str>,
    branch_label: Option<&str>,
) -> Result<Vec<String>, Error> {
    let heads = heads_on_disk(migrator);
    let heads: Vec<&str> = heads.iter().map(String::as_str).collect();
    let parents = match head {
        Some("base") => Vec::new(),
        Some(h) => {
            let r = resolve_on_disk(migrator, h)?;
            if !heads.contains(&r.as_str()) && branch_label.is_none() {
                return Err(refuse(format!("{r} is not a head: a second unlabelled revision after it would not compile"), "follow a head (`heads` lists them), or start a branch with --branch-label"));
            }
            vec![r]
        }
        None => match heads.as_slice() {
            [] => Vec::new(),
            [one] => vec![one.to_string()],
            many => {
                return Err(refuse(format!("there are {} heads: {}", many.len(), many.join(", ")), "choose one with --head <revision>, or join them first with `merge heads -m \"...\"`"))
            }
        },
    };
    if parents.is_empty() && !migrator.migrations().is_empty() && branch_label.is_none() {
        return Err(refuse(
            "a second root (a revision with no parent) needs a branch label",
            "give it --branch-label <label>",
        ));
    }
    Ok(parents)
}

/// The parents of a merge: the revisions named (ids, `label@head`, or
/// `heads`), which must be heads unless the merge is labelled.
pub(crate) fn merge_parents(
    migrator: &Migrator,
    revisions: &[String],
    branch_label: Option<&str>,
) -> Result<Vec<String>, Error> {
    let mut parents: Vec<String> = Vec::new();
    for spec in revisions {
        let resolved: Vec<String> = if spec == "heads" {
            heads_on_disk(migrator)
        } else {
            vec![resolve_on_disk(migrator, spec)?]
        };
        for r in resolved {
            if !parents.contains(&r) {
                parents.push(r);
            }
        }
    }
    let heads = heads_on_disk(migrator);
    if let Some(taken) = parents.iter().find(|p| !heads.contains(p)) {
        if branch_label.is_none() {
            return Err(refuse(format!("{taken} is not a head: a second unlabelled revision after it would not compile"), "merge heads (`heads` lists them), or label the merge with --branch-label"));
        }
    }
    if parents.len() < 2 {
        return Err(refuse(
            format!(
                "{} names one revision ({}); a merge joins two or more",
                revisions.join(" "),
                parents.join(", ")
            ),
            "name the heads to merge (`heads` lists them), or use `revision -m` to follow one",
        ));
    }
    Ok(parents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_cut_at_forty_characters() {
        assert_eq!(slug("Add role to users"), "add_role_to_users");
        assert_eq!(slug("  add: e-mail (unique)!"), "add_e_mail_unique");
        assert_eq!(slug(""), "");
        let long = slug("create the table of every order line a customer ever placed in the shop");
        assert!(long.len() <= MAX_SLUG, "{long}");
        assert_eq!(long, "create_the_table_of_every_order_line_a");
    }

    #[test]
    fn the_mod_line_goes_after_the_last_one() {
        let text = "//! docs\n\nmod a;\nmod b;\n\npub fn f() {}\n";
        assert_eq!(
            declare(text, "c"),
            "//! docs\n\nmod a;\nmod b;\nmod c;\n\npub fn f() {}\n"
        );
        assert_eq!(declare("//! docs\n", "c"), "//! docs\n\nmod c;\n");
        assert_eq!(declare("pub mod x;", "c"), "pub mod x;\nmod c;\n");
    }

    #[test]
    fn fresh_ids_are_twelve_hex_digits_and_differ() {
        let m = Migrations::collect(std::any::TypeId::of::<()>(), "none");
        let a = fresh_id(&m, &[]);
        let b = fresh_id(&m, &[]);
        assert_eq!(a.len(), 12);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()), "{a}");
        assert_ne!(a, b);
    }

    /// The generated text equals the files the ui suite compiles with
    /// warnings denied (`ui-tests/tests/pass/scaffolded.rs`).
    #[test]
    fn generated_sources_are_the_ones_that_compile() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../ui-tests/tests/pass/scaffold/"
        );
        type Case<'a> = (&'a str, &'a str, &'a [&'a str], Option<&'a str>, &'a str);
        let cases: [Case; 4] = [
            ("root.txt", "create accounts", &[], None, "a1"),
            ("child.txt", "Add role to users", &["a1"], None, "b2"),
            ("branch.txt", "type", &["a1"], Some("side"), "c3"),
            ("merge.txt", "merge heads", &["b2", "c3"], None, "d4"),
        ];
        for (file, message, parents, branch, rev) in cases {
            let new = NewMigration {
                message,
                revision: Some(rev),
                parents: parents.iter().map(|p| p.to_string()).collect(),
                branch,
                dir: None,
                upgrade: None,
                irreversible: false,
            };
            let expected = std::fs::read_to_string(format!("{dir}{file}")).unwrap();
            assert_eq!(source("migrate_runtime", rev, &new), expected, "{file}");
        }
    }

    #[test]
    fn sources_name_parents_branch_and_message() {
        let new = NewMigration {
            message: "merge heads\nsecond line",
            revision: None,
            parents: vec!["a1".into(), "b2".into()],
            branch: Some("x"),
            dir: None,
            upgrade: None,
            irreversible: false,
        };
        let text = source("migrate_runtime", "c3", &new);
        assert_eq!(
            text,
            "use migrate_runtime::migration;\n\n/// merge heads\n/// second line\n#[migration(revision = \"c3\", down_revision = [\"a1\", \"b2\"], branch = \"x\")]\nmod merge_heads_second_line {\n    fn upgrade() {}\n}\n"
        );
    }

    /// A migration written with generated ops: the text equals the files the
    /// ui suite compiles with warnings denied, derived downgrades included
    /// (`ui-tests/tests/pass/autogenerated.rs`). `UPDATE_EXPECT=1` rewrites them.
    #[test]
    fn sources_with_generated_ops_are_the_ones_that_compile() {
        use migrate_core::model::*;
        use migrate_core::source::{upgrade_body, Item};
        use std::borrow::Cow;
        let s = |x: &str| -> Str { Cow::Owned(x.to_string()) };
        let list =
            |xs: &[&str]| -> List<Str> { xs.iter().map(|x| s(x)).collect::<Vec<_>>().into() };
        let t = |name: &str| TableRef::new(None, s(name));
        let col = |name: &str, ty: ColumnType, nullable: bool| {
            Column::new(
                s(name),
                ty,
                nullable,
                false,
                None,
                None,
                None,
                None,
                None,
                None,
                true,
            )
        };
        let key = |name: &str| {
            let mut c = col(name, ColumnType::Integer, false);
            c.primary_key = true;
            c
        };
        let pk = |table: &str| {
            Constraint::new(
                s(&format!("pk_{table}")),
                ConstraintKind::PrimaryKey {
                    columns: list(&["id"]),
                },
            )
        };
        let op = |op: Op| Item::Op { op, allow: vec![] };
        let destructive = |op: Op| Item::Op {
            op,
            allow: vec![migrate_core::effect::Lint::Destructive],
        };
        let status = EnumType::new(None, s("status"), list(&["draft", "live"]), false);
        let kind = EnumType::new(None, s("kind"), list(&["paper", "e-book's \"best\""]), true);
        let mut name = col("name", ColumnType::String(Some(100)), false);
        name.comment = Some(s("pen name"));
        let authors = Table::new(
            t("authors"),
            vec![key("id"), name].into(),
            vec![pk("authors")].into(),
            Some(s("who writes")),
        );
        let mut title = col("title", ColumnType::Text, false);
        title.server_default = Some(ServerDefault::Literal(s("untitled")));
        let mut book_status = col("status", ColumnType::Enum(status.clone()), true);
        book_status.server_default = Some(ServerDefault::Literal(s("draft")));
        let mut created = col("created_at", ColumnType::DateTime { timezone: true }, false);
        created.server_default = Some(ServerDefault::Now);
        let mut author = col("author_id", ColumnType::Integer, true);
        author.index = Some(s("ix_books_author_id"));
        let price = col(
            "price",
            ColumnType::Numeric {
                precision: Some(10),
                scale: Some(2),
            },
            true,
        );
        let books = Table::new(
            t("books"),
            vec![
                key("id"),
                title,
                book_status,
                created,
                author,
                price.clone(),
                col("isbn", ColumnType::String(Some(13)), true),
            ]
            .into(),
            vec![pk("books")].into(),
            None,
        );
        let mut tag = col("label", ColumnType::Enum(kind.clone()), false);
        tag.unique = Some(s("uq_tags_label"));
        let tags = Table::new(
            t("tags"),
            vec![key("id"), tag].into(),
            vec![pk("tags")].into(),
            None,
        );
        let lower_title = Index::new(
            s("ix_books_lower_title"),
            t("books"),
            vec![
                IndexColumn::Expression(s("lower(title)")),
                IndexColumn::Column(s("status")),
            ]
            .into(),
            true,
            Some(s("status = 'live'")),
            Some(s("status = 'live'")),
            None,
            false,
        );
        let mut to_authors = ForeignKey::new(
            list(&["author_id"]),
            t("authors"),
            list(&["id"]),
            Some(ReferentialAction::Cascade),
            None,
            None,
            None,
        );
        to_authors.on_update = Some(ReferentialAction::NoAction);
        let constraints = [
            Constraint::new(
                s("fk_books_author_id_authors"),
                ConstraintKind::ForeignKey(to_authors),
            ),
            Constraint::new(
                s("ck_books_price"),
                ConstraintKind::Check {
                    condition: s("price >= 0"),
                },
            ),
            Constraint::new(
                s("uq_books_isbn"),
                ConstraintKind::Unique {
                    columns: list(&["isbn"]),
                },
            ),
        ];
        let root = {
            let mut items = vec![
                op(Op::CreateEnum(EnumType::new(
                    None,
                    s("status"),
                    list(&["draft", "live"]),
                    true,
                ))),
                op(Op::CreateTable(authors)),
                op(Op::CreateTable(books)),
                op(Op::CreateTable(tags.clone())),
                op(Op::CreateIndex(lower_title.clone())),
            ];
            items.extend(constraints.iter().map(|c| {
                op(Op::AddConstraint {
                    table: t("books"),
                    constraint: c.clone(),
                })
            }));
            items
        };
        let mut retitle = AlterColumn::new(
            t("books"),
            s("title"),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        );
        retitle.ty = Some(ColumnType::String(Some(200)));
        retitle.existing_type = Some(ColumnType::Text);
        retitle.nullable = Some(true);
        retitle.existing_nullable = Some(false);
        retitle.server_default = Some(None);
        retitle.existing_server_default = Some(Some(ServerDefault::Literal(s("untitled"))));
        retitle.comment = Some(Some(s("the title")));
        retitle.existing_comment = Some(None);
        retitle.using = Some(s("title::varchar(200)"));
        let mut child = vec![
            Item::Note("generated from a fixed list of ops".into()),
            op(Op::DropIndex {
                table: t("books"),
                name: lower_title.name.clone(),
                definition: Some(lower_title),
            }),
        ];
        child.extend(constraints.iter().map(|c| {
            op(Op::DropConstraint {
                table: t("books"),
                name: c.name.clone(),
                kind: c.kind.constraint_type(),
                definition: Some(c.clone()),
            })
        }));
        child.extend([
            op(Op::AlterColumn(retitle)),
            Item::Review("`price` is dropped with its data\nand `tags` with its rows".into()),
            destructive(Op::DropColumn {
                table: t("books"),
                column: s("price"),
                definition: Some(price),
            }),
            destructive(Op::DropTable {
                table: t("tags"),
                definition: Some(tags),
            }),
            op(Op::SetTableComment {
                table: t("authors"),
                comment: Some(s("people who write")),
                existing: Some(Some(s("who writes"))),
            }),
            op(Op::AddColumn {
                table: t("authors"),
                column: col("born", ColumnType::Date, true),
            }),
            Item::Review("a NOT NULL column without a server_default".into()),
            Item::Op {
                op: Op::AddColumn {
                    table: t("authors"),
                    column: col("country", ColumnType::String(Some(2)), false),
                },
                allow: vec![migrate_core::effect::Lint::NotNullWithoutDefault],
            },
        ]);
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../ui-tests/tests/pass/autogenerated/"
        );
        let cases = [
            ("root.txt", "create catalog", &[][..], "a1", root),
            ("child.txt", "trim catalog", &["a1"][..], "b2", child),
        ];
        for (file, message, parents, rev, items) in cases {
            let body = upgrade_body(&items, 8).unwrap();
            let new = NewMigration {
                message,
                revision: Some(rev),
                parents: parents.iter().map(|p| p.to_string()).collect(),
                branch: None,
                dir: None,
                upgrade: Some(&body),
                irreversible: false,
            };
            let text = source("migrate_runtime", rev, &new);
            let path = format!("{dir}{file}");
            if std::env::var_os("UPDATE_EXPECT").is_some() {
                std::fs::write(&path, &text).unwrap();
            }
            assert_eq!(text, std::fs::read_to_string(&path).unwrap(), "{file}");
        }
    }
}
