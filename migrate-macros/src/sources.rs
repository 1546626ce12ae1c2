//! The crate's module tree as files, read by `migrations!()` from the crate
//! root: which files `mod` declares, which hold `#[migration]` modules, and
//! which hold an `upgrade()` that no `#[migration]` marks. A proc macro sees
//! only its own tokens, so this is the one way the build can notice a
//! migration that is not compiled in.
//!
//! The `#[migration]` modules found are kept as plain data for the checks
//! across the chain (`chain.rs`), read with lines (`chain::FileLines`).
//!
//! Best effort by design: a file that cannot be read or parsed is skipped,
//! never an error, and nothing here panics. Files are resolved as rustc does
//! (`x.rs` or `x/mod.rs`, `#[path]`, inline `mod` blocks as directories);
//! `mod` items made by macros and `#[cfg]` are not evaluated.

use crate::ast::{Meta, Migration};
use crate::chain;
use crate::ctxt::Ctxt;
use crate::parse::MigrationArgs;
use migrate_core::model::Op;
use migrate_core::naming::Naming;
use migrate_core::schema::Schema;
use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use syn::spanned::Spanned;
use syn::LitStr;

/// One source file of the crate.
pub struct SourceFile {
    pub path: PathBuf,
    /// The crate root (`lib.rs`, `main.rs`): never itself a migration file.
    pub root: bool,
    /// The file whose `mod` declares this one (an index into the tree).
    pub declared_by: Option<usize>,
    /// How many `#[migration]` modules it holds, at any depth.
    pub migrations: usize,
    /// Those modules, as the whole-chain checks need them.
    pub declared: Vec<chain::Declared>,
    /// Modules with `fn upgrade()` but no `#[migration]` (`None`: the file's
    /// own items), with their lines.
    pub unmarked: Vec<(Option<String>, usize)>,
    /// The module the file is, from the crate root (`["m", "m0250"]`).
    pub module: Vec<String>,
    /// A `#[cfg]` or `#[cfg_attr]` on a `mod` on the way from the crate
    /// root: the file may not be compiled (`cfg` is not evaluated here).
    pub cfg_above: bool,
}

/// A `.rs` file beside migration files that holds a `#[migration]` but that
/// no `mod` declares.
pub struct Undeclared {
    pub path: PathBuf,
    /// Line of its first `#[migration`.
    pub line: usize,
    /// The file that declares its sibling migrations, where its `mod` goes.
    pub sibling_of: usize,
    /// The revision ids it declares.
    pub revisions: Vec<String>,
}

pub struct ModuleTree {
    pub files: Vec<SourceFile>,
    pub undeclared: Vec<Undeclared>,
}

/// Reads the tree from the crate root file, each `#[migration]` module
/// lowered for the whole-chain checks.
pub fn read(root: &Path) -> ModuleTree {
    read_tree(root, true)
}

/// The tree; with `lower`, the migrations lowered too (not while the
/// migrations themselves ask for the schema before them: see
/// [`crate_migrations`]).
fn read_tree(root: &Path, lower: bool) -> ModuleTree {
    let mut tree = ModuleTree {
        files: Vec::new(),
        undeclared: Vec::new(),
    };
    let mut seen = Seen::default();
    // (path, declared by, mod-rs: owns its directory, module, cfg above)
    type Queued = (PathBuf, Option<usize>, bool, Vec<String>, bool);
    let mut queue: Vec<Queued> = vec![(root.to_path_buf(), None, true, Vec::new(), false)];
    while let Some((path, declared_by, mod_rs, module, cfg_above)) = queue.pop() {
        if !seen.insert(&path) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        note_anchor_text(&path, &text);
        let index = tree.files.len();
        // A file read by an earlier build as it is now: its scan, stored.
        let key = (lower && declared_by.is_some())
            .then(|| file_key(&path, &text))
            .flatten();
        if let Some(mut source) = key
            .as_ref()
            .and_then(|k| cached_scan(k, &path, declared_by))
        {
            source.module = module;
            source.cfg_above = cfg_above;
            tree.files.push(source);
            continue;
        }
        // Lines are needed only where migrations may be (declared after it,
        // the file's syntax tree is dropped before it).
        let _lines = text.contains("migration").then(chain::FileLines::new);
        let Ok(file) = syn::parse_file(&text) else {
            continue;
        };
        let mut source = SourceFile {
            path: path.clone(),
            root: declared_by.is_none(),
            declared_by,
            migrations: 0,
            declared: Vec::new(),
            unmarked: Vec::new(),
            module: module.clone(),
            cfg_above,
        };
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let children = if mod_rs {
            dir.clone()
        } else {
            match path.file_stem() {
                Some(stem) => dir.join(stem),
                None => dir.clone(),
            }
        };
        let mut declared = Vec::new();
        let mut scan = Scan {
            text: &text,
            source: &mut source,
            declared: &mut declared,
            lower,
            inline: Vec::new(),
            // `#![cfg(...)]` at the top of the file.
            cfg: has_cfg(&file.attrs),
        };
        chain::READ_ONLY_ITSELF.with(|c| c.set(true));
        scan.items(&file.items, &dir, &children, true);
        // Only a scan that depends on the file's text alone: no `mod x;`
        // (resolved on the file system), nothing lowered from elsewhere.
        let alone = chain::READ_ONLY_ITSELF.with(|c| c.get());
        if let Some(k) = key.filter(|_| alone && declared.is_empty()) {
            k.put(&store_scan(&source));
        }
        tree.files.push(source);
        for (child, mod_rs, name, cfg) in declared {
            let mut module = module.clone();
            module.push(name);
            queue.push((child, Some(index), mod_rs, module, cfg_above || cfg));
        }
    }
    find_undeclared(&mut tree, &seen, lower);
    tree
}

/// The files read, each to be read once (a `#[path]` back to a file read
/// already, a symlink): told apart by canonical path, but found by device
/// and inode first, one `stat` per file where a canonical path costs a
/// `readlink` per component. Canonical paths are made only for files of an
/// inode seen before (the same file reached twice, or hard links).
#[derive(Default)]
struct Seen {
    /// Device and inode: the paths read of that file.
    inodes: BTreeMap<(u64, u64), Vec<PathBuf>>,
    /// Canonical paths, where there is no inode to tell.
    other: BTreeSet<PathBuf>,
}

impl Seen {
    /// Records `path`; `false` when it is a file recorded already.
    fn insert(&mut self, path: &Path) -> bool {
        match inode(path) {
            Some(id) => {
                if self.contains(path) {
                    return false;
                }
                self.inodes.entry(id).or_default().push(path.to_path_buf());
                true
            }
            None => self.other.insert(canonical(path)),
        }
    }

    fn contains(&self, path: &Path) -> bool {
        match inode(path) {
            Some(id) => self.inodes.get(&id).is_some_and(|paths| {
                let c = canonical(path);
                paths.iter().any(|p| canonical(p) == c)
            }),
            None => self.other.contains(&canonical(path)),
        }
    }
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(unix)]
fn inode(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn inode(_: &Path) -> Option<(u64, u64)> {
    None
}

/// The cache key of a file's scan (`cache.rs`): its path, the crate's
/// naming, its text.
fn file_key(path: &Path, text: &str) -> Option<crate::cache::Key> {
    let naming = format!("{:?}", crate_naming(path));
    crate::cache::Key::of(
        "file scan",
        &[
            path.as_os_str().as_encoded_bytes(),
            naming.as_bytes(),
            text.as_bytes(),
        ],
    )
}

/// A scan as stored: how many migrations, the unmarked modules, then each
/// migration read (`chain::Declared::store`).
fn store_scan(f: &SourceFile) -> String {
    let mut out = format!(
        "{} {} {}\n",
        f.migrations,
        f.unmarked.len(),
        f.declared.len()
    );
    for (name, line) in &f.unmarked {
        out.push_str(&format!("{} {line}\n", name.as_deref().unwrap_or("-")));
    }
    for d in &f.declared {
        d.store(&mut out);
    }
    out
}

fn cached_scan(
    key: &crate::cache::Key,
    path: &Path,
    declared_by: Option<usize>,
) -> Option<SourceFile> {
    // Op data borrows its text for as long as the process lives (a proc
    // macro's process is one compilation).
    let text: &'static str = Box::leak(key.get()?.into_boxed_str());
    let mut r = chain::Reader(text);
    let (migrations, unmarked, declared) = (r.num()?, r.num()?, r.num()?);
    let mut source = SourceFile {
        path: path.to_path_buf(),
        root: false,
        declared_by,
        migrations,
        declared: Vec::new(),
        unmarked: Vec::new(),
        module: Vec::new(),
        cfg_above: false,
    };
    for _ in 0..unmarked {
        let name = r.word()?;
        let line = r.num()?;
        source
            .unmarked
            .push(((name != "-").then(|| name.to_string()), line));
    }
    for _ in 0..declared {
        source.declared.push(chain::Declared::load(&mut r)?);
    }
    Some(source)
}

struct Scan<'a> {
    text: &'a str,
    source: &'a mut SourceFile,
    /// Files declared by `mod x;`, with whether each owns its directory,
    /// its module name, and whether a `cfg` is on the way to it.
    declared: &'a mut Vec<(PathBuf, bool, String, bool)>,
    /// Whether to lower the `#[migration]` modules (`read_tree`).
    lower: bool,
    /// The inline modules around the items being scanned, in the file.
    inline: Vec<String>,
    /// A `cfg` on one of them.
    cfg: bool,
}

impl Scan<'_> {
    /// `path_dir`: what `#[path]` is relative to; `children`: where `mod x;`
    /// looks for `x.rs` and `x/mod.rs`.
    fn items(&mut self, items: &[syn::Item], path_dir: &Path, children: &Path, file_level: bool) {
        for item in items {
            match item {
                syn::Item::Mod(m) => self.module(m, path_dir, children),
                syn::Item::Fn(f) if file_level && !self.source.root && f.sig.ident == "upgrade" => {
                    let line = line_of(self.text, &["fn upgrade"]);
                    self.source.unmarked.push((None, line));
                }
                _ => {}
            }
        }
    }

    fn module(&mut self, m: &syn::ItemMod, path_dir: &Path, children: &Path) {
        let name = m.ident.to_string();
        let path_attr = m.attrs.iter().find_map(path_attribute);
        match &m.content {
            Some((_, items)) => {
                if is_migration(m) {
                    self.source.migrations += 1;
                    let mut module = self.inline.clone();
                    module.push(name);
                    let cfg = self.cfg || has_cfg(&m.attrs);
                    if let Some(d) = self
                        .lower
                        .then(|| {
                            chain::Declared::read(m, &self.source.path, module.join("::"), cfg)
                        })
                        .flatten()
                    {
                        self.source.declared.push(d);
                    }
                    return;
                }
                let has_upgrade = items
                    .iter()
                    .any(|i| matches!(i, syn::Item::Fn(f) if f.sig.ident == "upgrade"));
                if has_upgrade {
                    let line = line_of(
                        self.text,
                        &[&format!("mod {name} "), &format!("mod {name}{{")],
                    );
                    self.source.unmarked.push((Some(name.clone()), line));
                }
                let inner = match &path_attr {
                    Some(p) => path_dir.join(p),
                    None => children.join(&name),
                };
                let outer_cfg = self.cfg;
                self.cfg |= has_cfg(&m.attrs);
                self.inline.push(name);
                self.items(items, &inner, &inner, false);
                self.inline.pop();
                self.cfg = outer_cfg;
            }
            None => {
                let declared = match &path_attr {
                    // A file named by `#[path]` owns its directory, as mod.rs.
                    Some(p) => (path_dir.join(p), true),
                    None => {
                        let flat = children.join(format!("{name}.rs"));
                        if flat.is_file() {
                            (flat, false)
                        } else {
                            (children.join(&name).join("mod.rs"), true)
                        }
                    }
                };
                let cfg = self.cfg || has_cfg(&m.attrs);
                self.declared.push((declared.0, declared.1, name, cfg));
            }
        }
    }
}

/// A `#[cfg]` or `#[cfg_attr]`: what this reading cannot evaluate.
fn has_cfg(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("cfg") || a.path().is_ident("cfg_attr"))
}

/// `#[migration(...)]`, by any path (`migrate_runtime::migration`).
fn is_migration(m: &syn::ItemMod) -> bool {
    m.attrs.iter().any(is_migration_attr)
}

pub fn is_migration_attr(a: &syn::Attribute) -> bool {
    a.path()
        .segments
        .last()
        .is_some_and(|s| s.ident == "migration")
}

fn path_attribute(a: &syn::Attribute) -> Option<String> {
    if !a.path().is_ident("path") {
        return None;
    }
    match &a.meta {
        syn::Meta::NameValue(syn::MetaNameValue {
            value:
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }),
            ..
        }) => Some(s.value()),
        _ => None,
    }
}

/// 1-based line of the first of `needles` found (spans of a parsed string
/// carry no lines inside the compiler), or 1.
fn line_of(text: &str, needles: &[&str]) -> usize {
    needles
        .iter()
        .filter_map(|n| text.find(n))
        .min()
        .map_or(1, |at| text[..at].matches('\n').count() + 1)
}

/// `.rs` files in a directory of migration files (other than the crate
/// root's) that hold a `#[migration]` but were not reached by any `mod`.
fn find_undeclared(tree: &mut ModuleTree, seen: &Seen, lower: bool) {
    let mut dirs: Vec<(PathBuf, usize)> = Vec::new();
    for f in &tree.files {
        if f.root || f.migrations == 0 {
            continue;
        }
        let (Some(dir), Some(by)) = (f.path.parent(), f.declared_by) else {
            continue;
        };
        if !dirs.iter().any(|(d, _)| d == dir) {
            dirs.push((dir.to_path_buf(), by));
        }
    }
    for (dir, by) in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let path = dir.join(entry.file_name());
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            if seen.contains(&path) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            // Another crate's root (a test or an example) is not ours to declare.
            if !text.contains("migration") || text.contains("migrations!") {
                continue;
            }
            let _lines = chain::FileLines::new();
            let Ok(file) = syn::parse_file(&text) else {
                continue;
            };
            let mut revisions = Vec::new();
            if holds_migration(&file.items, lower.then_some(&*path), &mut revisions) {
                let line = line_of(&text, &["#[migration", "migration("]);
                found.push(Undeclared {
                    path,
                    line,
                    sibling_of: by,
                    revisions,
                });
            }
        }
        found.sort_by(|a, b| a.path.cmp(&b.path));
        tree.undeclared.extend(found);
    }
}

/// Whether the items hold a `#[migration]` module; collects their ids.
fn holds_migration(items: &[syn::Item], file: Option<&Path>, revisions: &mut Vec<String>) -> bool {
    let mut found = false;
    for i in items {
        let syn::Item::Mod(m) = i else { continue };
        if is_migration(m) {
            found = true;
            if let Some(d) =
                file.and_then(|file| chain::Declared::read(m, file, String::new(), true))
            {
                revisions.push(d.revision);
            }
        } else if let Some((_, inner)) = &m.content {
            found |= holds_migration(inner, file, revisions);
        }
    }
    found
}

/// The crate's `migrations!(naming = ...)`, found from a migration's file:
/// the file itself, else the `lib.rs` or `main.rs` of its directory or the
/// nearest one above that calls `migrations!` (not past the directory of a
/// `Cargo.toml`). A proc macro sees only its own tokens, and `#[migration]`
/// needs the choice while it names constraints; `migrations!()` checks that
/// each migration used the one it states.
pub fn crate_naming(file: &Path) -> Naming {
    crate_root_of(file)
        .and_then(|root| anchor_naming(&root))
        .unwrap_or_default()
}

/// The crate root above a migration's file, found as [`crate_naming`]
/// finds it: the file itself or a `lib.rs` / `main.rs` that calls
/// `migrations!`.
fn crate_root_of(file: &Path) -> Option<PathBuf> {
    if anchor_naming(file).is_some() {
        return Some(file.to_path_buf());
    }
    // Once per directory and build: every migration of a directory asks.
    static FOUND: Mutex<BTreeMap<PathBuf, Option<PathBuf>>> = Mutex::new(BTreeMap::new());
    let dir = file.parent()?.to_path_buf();
    if let Some(found) = FOUND.lock().ok().and_then(|f| f.get(&dir).cloned()) {
        return found;
    }
    let found = crate_root_above(&dir);
    if let Ok(mut f) = FOUND.lock() {
        f.insert(dir, found.clone());
    }
    found
}

fn crate_root_above(dir: &Path) -> Option<PathBuf> {
    let mut at = Some(dir);
    while let Some(d) = at {
        for f in ["lib.rs", "main.rs"] {
            if anchor_naming(&d.join(f)).is_some() {
                return Some(d.join(f));
            }
        }
        if d.join("Cargo.toml").exists() {
            return None;
        }
        at = d.parent();
    }
    None
}

/// The schema the crate's migrations build before a migration whose parents
/// are `parents`: every ancestor's upgrade, lowered from its file and
/// replayed in order. What a `drop_constraint` without `type_` reads the
/// constraint's kind from. Best effort: `None` when the crate root is not
/// found; files that do not parse, and ops that do not apply, are skipped
/// (their own build reports them).
pub fn schema_before(file: &Path, parents: &[String], naming: Naming) -> Option<Schema> {
    let root = crate_root_of(file)?;
    let found = crate_migrations(&root, naming);
    // Parents before children: a depth-first walk from `parents`.
    let mut order: Vec<&str> = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    fn visit<'a>(
        rev: &'a str,
        found: &'a BTreeMap<String, (Vec<String>, Vec<Op>)>,
        seen: &mut BTreeSet<&'a str>,
        order: &mut Vec<&'a str>,
    ) {
        if !seen.insert(rev) {
            return;
        }
        if let Some((ps, _)) = found.get(rev) {
            for p in ps {
                visit(p, found, seen, order);
            }
        }
        order.push(rev);
    }
    for p in parents {
        if let Some((key, _)) = found.get_key_value(p.as_str()) {
            visit(key, &found, &mut seen, &mut order);
        }
    }
    let mut schema = Schema::new();
    for rev in order {
        for op in found
            .get(rev)
            .map(|(_, ops)| ops.as_slice())
            .unwrap_or_default()
        {
            let _ = schema.apply(op);
        }
    }
    Some(schema)
}

/// Each migration of the crate: id, parents, upgrade ops. Read and lowered
/// once per build (and again when a file changes): every migration of a
/// crate with `naming = "database"` asks while it names its constraints.
fn crate_migrations(root: &Path, naming: Naming) -> Migrations {
    type Key = (PathBuf, Naming);
    type Files = Vec<(PathBuf, Option<std::time::SystemTime>)>;
    static READ: Mutex<BTreeMap<Key, (Files, Migrations)>> = Mutex::new(BTreeMap::new());
    let tree = read_tree(root, false);
    let files: Files = tree
        .files
        .iter()
        .filter(|f| f.migrations > 0)
        .map(|f| {
            let modified = std::fs::metadata(&f.path).and_then(|m| m.modified()).ok();
            (f.path.clone(), modified)
        })
        .collect();
    let key = (root.to_path_buf(), naming);
    if let Some((seen, found)) = READ.lock().ok().and_then(|r| r.get(&key).cloned()) {
        if seen == files {
            return found;
        }
    }
    let mut found = Migrations::new();
    for (path, _) in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let Ok(parsed) = syn::parse_file(&text) else {
            continue;
        };
        collect_migrations(&parsed.items, naming, &mut found);
    }
    if let Ok(mut r) = READ.lock() {
        r.insert(key, (files, found.clone()));
    }
    found
}

/// Migrations by id: parents, upgrade ops.
type Migrations = BTreeMap<String, (Vec<String>, Vec<Op>)>;

/// The `#[migration]` modules among `items` (at any depth): id, parents,
/// upgrade ops.
fn collect_migrations(
    items: &[syn::Item],
    naming: Naming,
    out: &mut BTreeMap<String, (Vec<String>, Vec<Op>)>,
) {
    for item in items {
        let syn::Item::Mod(m) = item else { continue };
        let attr = m.attrs.iter().find(|a| {
            a.path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "migration")
        });
        match attr {
            Some(attr) => {
                let cx = Ctxt::replaying(naming);
                let args = attr
                    .parse_args::<MigrationArgs>()
                    .unwrap_or(MigrationArgs { items: Vec::new() });
                let meta = Meta::from_args(&cx, args, attr.span());
                let rev = meta.revision.as_ref().map(LitStr::value);
                let parents = meta.down_revisions.iter().map(LitStr::value).collect();
                let mut module = m.clone();
                module
                    .attrs
                    .retain(|a| !std::ptr::eq(a, attr) && !a.path().is_ident("migration"));
                let migration = Migration::from_syn(&cx, meta, syn::Item::Mod(module));
                let _ = cx.check();
                if let (Some(rev), Some(migration)) = (rev, migration) {
                    let ops = migration
                        .upgrade
                        .iter()
                        .filter_map(|n| n.op.clone())
                        .collect();
                    out.insert(rev, (parents, ops));
                }
            }
            None => {
                if let Some((_, content)) = &m.content {
                    collect_migrations(content, naming, out);
                }
            }
        }
    }
}

/// The naming a file's top-level `migrations!(...)` states, if it has one.
fn anchor_naming(path: &Path) -> Option<Naming> {
    anchor_naming_memo(path, None)
}

/// What [`anchor_naming`] answers for a file whose text the tree reading
/// has in hand: not read a second time where it holds no `migrations!`.
fn note_anchor_text(path: &Path, text: &str) {
    if !text.contains("migrations!") {
        anchor_naming_memo(path, Some(None));
    }
}

/// [`anchor_naming`]'s memo; `known`: the answer, found by the caller.
fn anchor_naming_memo(path: &Path, known: Option<Option<Naming>>) -> Option<Naming> {
    // Read once per version of the file: a crate root holding many
    // migrations is asked once for each of them, and a process that
    // outlives one build (rust-analyzer's macro server) sees an edit of it
    // (a new modification time or length).
    type Version = (Option<std::time::SystemTime>, u64);
    static READ: Mutex<BTreeMap<PathBuf, (Version, Option<Naming>)>> = Mutex::new(BTreeMap::new());
    let version: Version = match std::fs::metadata(path) {
        Ok(m) => (m.modified().ok(), m.len()),
        Err(_) => return None,
    };
    if known.is_none() {
        if let Some((v, n)) = READ.lock().ok().and_then(|r| r.get(path).copied()) {
            if v == version {
                return n;
            }
        }
    }
    let n = known.unwrap_or_else(|| read_anchor_naming(path));
    if let Ok(mut r) = READ.lock() {
        r.insert(path.to_path_buf(), (version, n));
    }
    n
}

fn read_anchor_naming(path: &Path) -> Option<Naming> {
    let text = std::fs::read_to_string(path).ok()?;
    if !text.contains("migrations!") {
        return None;
    }
    let file = syn::parse_file(&text).ok()?;
    file.items.iter().find_map(|item| match item {
        syn::Item::Macro(m)
            if m.mac
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "migrations") =>
        {
            let args = m.mac.parse_body::<crate::parse::AnchorArgs>().ok()?;
            Some(args.naming.map_or(Naming::Convention, |(n, _)| n))
        }
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    const MIGRATION: &str = "use migrate_runtime::{migration, op};\n\n/// m\n#[migration(revision = \"a1\", down_revision = None)]\nmod m {\n    fn upgrade() {}\n}\n";
    const LOST: &str =
        "use migrate_runtime::{migration, op};\n\n/// m\nmod add_email {\n    fn upgrade() {}\n}\n";

    #[test]
    fn an_edited_anchor_is_read_again() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("src/lib.rs");
        write(
            tmp.path(),
            "src/lib.rs",
            "migrate_runtime::migrations!();\n",
        );
        assert_eq!(anchor_naming(&root), Some(Naming::Convention));
        // In the same process (a macro server outliving one build).
        write(
            tmp.path(),
            "src/lib.rs",
            "migrate_runtime::migrations!(naming = \"database\");\n",
        );
        assert_eq!(anchor_naming(&root), Some(Naming::Database));
        std::fs::remove_file(&root).unwrap();
        assert_eq!(anchor_naming(&root), None);
    }

    #[test]
    fn finds_lost_attributes_and_undeclared_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(
            dir,
            "src/lib.rs",
            "migrate_runtime::migrations!();\nmod migrations;\nfn upgrade() {}\n",
        );
        write(
            dir,
            "src/migrations/mod.rs",
            "mod r1;\nmod r2;\n#[path = \"elsewhere/r4.rs\"]\nmod r4;\n",
        );
        write(dir, "src/migrations/r1.rs", MIGRATION);
        write(dir, "src/migrations/r2.rs", LOST);
        write(dir, "src/migrations/r3.rs", MIGRATION);
        write(dir, "src/migrations/elsewhere/r4.rs", "mod nested;\n");
        write(
            dir,
            "src/migrations/elsewhere/nested.rs",
            "fn upgrade() {}\n",
        );
        // Not migrations: no `#[migration]`, or commented out, or a crate root.
        write(
            dir,
            "src/migrations/notes.rs",
            "// #[migration(revision = \"x\")]\n",
        );
        write(dir, "src/migrations/other_root.rs", "migrate_runtime::migrations!();\n#[migration(revision = \"z\", down_revision = None)]\nmod z { fn upgrade() {} }\n");
        let tree = read(&dir.join("src/lib.rs"));
        let names = |f: &SourceFile| f.path.strip_prefix(dir).unwrap().display().to_string();
        let mut unmarked: Vec<(String, Option<String>, usize)> = tree
            .files
            .iter()
            .flat_map(|f| {
                f.unmarked
                    .iter()
                    .map(move |(m, l)| (names(f), m.clone(), *l))
            })
            .collect();
        unmarked.sort();
        assert_eq!(
            unmarked,
            [
                ("src/migrations/elsewhere/nested.rs".to_owned(), None, 1),
                (
                    "src/migrations/r2.rs".to_owned(),
                    Some("add_email".to_owned()),
                    4
                ),
            ]
        );
        let undeclared: Vec<String> = tree
            .undeclared
            .iter()
            .map(|u| {
                format!(
                    "{}:{} {}",
                    u.path.strip_prefix(dir).unwrap().display(),
                    u.line,
                    names(&tree.files[u.sibling_of])
                )
            })
            .collect();
        assert_eq!(undeclared, ["src/migrations/r3.rs:4 src/migrations/mod.rs"]);
    }

    #[test]
    fn non_mod_rs_files_and_inline_modules() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(dir, "src/main.rs", "mod db { pub mod migrations; }\n");
        write(dir, "src/db/migrations.rs", "mod r1;\n");
        write(dir, "src/db/migrations/r1.rs", MIGRATION);
        write(dir, "src/db/migrations/r2.rs", MIGRATION);
        let tree = read(&dir.join("src/main.rs"));
        assert_eq!(tree.files.len(), 3);
        assert_eq!(tree.files.iter().map(|f| f.migrations).sum::<usize>(), 1);
        assert_eq!(tree.undeclared.len(), 1);
        assert!(tree.undeclared[0].path.ends_with("src/db/migrations/r2.rs"));
    }

    #[test]
    fn unreadable_or_broken_files_are_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        write(dir, "src/lib.rs", "mod missing;\nmod broken;\n#[path = \"/nonexistent/x.rs\"] mod x;\n#[path = \"lib.rs\"] mod again;\n");
        write(dir, "src/broken.rs", "mod {{{ fn upgrade(");
        let tree = read(&dir.join("src/lib.rs"));
        assert_eq!(tree.files.len(), 1);
        assert!(tree.undeclared.is_empty());
        let tree = read(&dir.join("src/nope.rs"));
        assert!(tree.files.is_empty());
    }
}
