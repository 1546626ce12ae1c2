//! Whole-chain checks, run once by `migrations!()` over the migrations the
//! module tree holds (`sources.rs`): the revision graph (a duplicate id, a
//! missing parent, a cycle, two heads, two roots, branch labels, a merge that
//! lists an ancestor) and a replay of every upgrade on the schema model in
//! the order of history, as `verify` does at run time. What one module can
//! check on its own stays with `#[migration]` (`valid.rs`), and is not
//! reported here again: a migration whose ops do not lower is left out of
//! the replay, with what follows it.
//!
//! A proc macro cannot place a span in another file, so each error stands at
//! the `migrations!()` call and names the file and line in its text.

use crate::ast::{Meta, Migration};
use crate::ctxt::Ctxt;
use crate::parse::MigrationArgs;
use crate::sources::{is_migration_attr, ModuleTree};
use crate::valid;
extern crate proc_macro;
use migrate_core::encode::EncodedRecord;
use migrate_core::graph::{self, LabelConflict};
use migrate_core::ids::{self, Kind};
use migrate_core::model::Op;
use migrate_core::naming::Naming;
use migrate_core::schema::{replay_history, Step};
use migrate_core::suggest;
use proc_macro2::Span;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use syn::spanned::Spanned;

/// A `#[migration]` module as read from its file, as plain data: the file
/// was parsed apart from the compiler, so none of its spans can be emitted.
pub struct Declared {
    /// The line of its `#[migration`.
    pub line: usize,
    pub revision: String,
    /// Its valid parents, each once, with the line of each.
    pub parents: Vec<(String, usize)>,
    /// `down_revision = None`.
    pub root: bool,
    pub branch: Option<String>,
    /// Whether it takes part in the one-child and one-root rules: not when
    /// its label is invalid (reported by the attribute).
    pub claims: bool,
    /// Its upgrade, each op with its line; `None` when an op did not parse
    /// or lower (the attribute reports it).
    pub upgrade: Option<Vec<(Op, usize)>>,
    /// Its module's path from the file's module (`m0250`, `outer::m0250`).
    pub module: String,
    /// Its record up to what the compiler adds (`expand::record_head`),
    /// when `migrations!()`'s table registers it (`registry.rs`): it has no
    /// error, no `run` function, no `cfg` around it, and its record depends
    /// on nothing but the files it names.
    pub record: Option<EncodedRecord>,
}

/// 1-based line of a span of a file parsed apart from the compiler.
fn line(span: Span) -> usize {
    span.start().line
}

/// `m` as `#[migration]` lowers it (the same parser and lowering), and
/// whether that found errors; with `own_checks`, the attribute's checks
/// (`valid.rs`) too. `None` when its arguments do not parse.
///
/// Lowered as the attribute lowers it in `file`: with the crate's naming,
/// and under `naming = "database"` with the schema before it, whose names
/// the unnamed constraints keep clear of.
fn lower(m: &syn::ItemMod, file: &Path, own_checks: bool) -> Option<(Migration, bool)> {
    lower_full(m, file, own_checks).map(|(mig, errors, _, _)| (mig, errors))
}

/// [`lower`], with the errors of the lowering alone apart from those of the
/// checks, and with the record when both found none and it qualifies for
/// the table (see [`Declared::record`]).
fn lower_full(
    m: &syn::ItemMod,
    file: &Path,
    own_checks: bool,
) -> Option<(Migration, bool, bool, Option<EncodedRecord>)> {
    let attr = m.attrs.iter().find(|a| is_migration_attr(a))?;
    let syn::Meta::List(list) = &attr.meta else {
        return None;
    };
    let args = syn::parse2::<MigrationArgs>(list.tokens.clone()).ok()?;
    let naming = crate::sources::crate_naming(file);
    let cx = Ctxt::with_naming(naming);
    let meta = Meta::from_args(&cx, args, attr.span());
    cx.set_source_file(file);
    if naming == Naming::Database {
        let parents = meta.down_revisions.iter().map(syn::LitStr::value).collect();
        cx.set_prior_source(file.to_path_buf(), parents);
    }
    let mut item = m.clone();
    item.attrs.retain(|a| !is_migration_attr(a));
    let migration = Migration::from_syn(&cx, meta, syn::Item::Mod(item));
    let lowering_errors = cx.has_errors();
    let downgrade = match (&migration, own_checks) {
        (Some(mig), true) => valid::check(&cx, mig),
        _ => None,
    };
    if !cx.files_read().is_empty() || cx.read_other_migrations() {
        READ_ONLY_ITSELF.with(|c| c.set(false));
    }
    // The attribute reports these errors, on the user's tokens.
    let errors = cx.has_errors();
    let record = match (&migration, downgrade) {
        (Some(mig), Some(d)) if !errors && !cx.read_other_migrations() => {
            let functions = mig
                .upgrade
                .iter()
                .chain(mig.downgrade.iter().flatten())
                .any(|n| n.function.is_some());
            (!functions).then(|| crate::expand::record_head(mig, &d))
        }
        _ => None,
    };
    let _ = cx.check();
    migration.map(|mig| (mig, errors, lowering_errors, record))
}

thread_local! {
    /// Cleared when a migration lowered read files beside its own (SQL
    /// files, the schema before it): its file's scan is then not cached.
    pub static READ_ONLY_ITSELF: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Reads what [`Declared::store`] wrote: words and numbers separated by
/// white space, op data as a length and the text.
pub struct Reader(pub &'static str);

impl Reader {
    pub fn word(&mut self) -> Option<&'static str> {
        let s = self.0.trim_start();
        let end = s.find(char::is_whitespace).unwrap_or(s.len());
        let (w, rest) = s.split_at(end);
        self.0 = rest;
        (!w.is_empty()).then_some(w)
    }

    pub fn num(&mut self) -> Option<usize> {
        self.word()?.parse().ok()
    }

    fn bytes(&mut self, n: usize) -> Option<&'static str> {
        let s = self.0.strip_prefix('\n')?;
        let taken = s.get(..n)?;
        self.0 = &s[n..];
        Some(taken)
    }
}

impl Declared {
    /// Appends this as [`Declared::load`] reads it (ids and labels are valid
    /// ones: no white space in them).
    pub fn store(&self, out: &mut String) {
        let branch = self
            .branch
            .as_deref()
            .map_or("-".to_string(), |b| format!("+{b}"));
        out.push_str(&format!(
            "{} {} {} {} {} {}",
            self.line,
            self.revision,
            u8::from(self.root),
            u8::from(self.claims),
            branch,
            self.parents.len()
        ));
        for (p, line) in &self.parents {
            out.push_str(&format!(" {p} {line}"));
        }
        out.push_str(&format!(" {}", self.module));
        match &self.record {
            None => out.push_str(" -"),
            Some(r) => out.push_str(&format!(
                " {} {}\n{}{}",
                r.lineage.len(),
                r.head.len(),
                r.lineage,
                r.head
            )),
        }
        match &self.upgrade {
            None => out.push_str(" -\n"),
            Some(ops) => {
                let list: Vec<Op> = ops.iter().map(|(op, _)| op.clone()).collect();
                let text = migrate_core::encode::encode_ops(&list);
                out.push_str(&format!(" {}", ops.len()));
                for (_, line) in ops {
                    out.push_str(&format!(" {line}"));
                }
                out.push_str(&format!(" {}\n{text}\n", text.len()));
            }
        }
    }

    /// What [`Declared::store`] wrote; `None` if it does not read back.
    pub fn load(r: &mut Reader) -> Option<Declared> {
        let line = r.num()?;
        let revision = r.word()?.to_string();
        let root = r.num()? == 1;
        let claims = r.num()? == 1;
        let branch = match r.word()? {
            "-" => None,
            b => Some(b.strip_prefix('+')?.to_string()),
        };
        let mut parents = Vec::new();
        for _ in 0..r.num()? {
            parents.push((r.word()?.to_string(), r.num()?));
        }
        let module = r.word()?.to_string();
        let record = match r.word()? {
            "-" => None,
            n => {
                let lineage = n.parse().ok()?;
                let head = r.num()?;
                let both = r.bytes(lineage + head)?;
                let (lineage, head) = both.split_at_checked(lineage)?;
                Some(EncodedRecord {
                    lineage: lineage.to_string(),
                    head: head.to_string(),
                })
            }
        };
        let upgrade = match r.word()? {
            "-" => None,
            n => {
                let n: usize = n.parse().ok()?;
                let lines = (0..n).map(|_| r.num()).collect::<Option<Vec<_>>>()?;
                let len = r.num()?;
                let ops = migrate_core::encode::decode_ops(r.bytes(len)?).ok()?;
                if ops.len() != n {
                    return None;
                }
                Some(ops.into_iter().zip(lines).collect())
            }
        };
        Some(Declared {
            line,
            revision,
            parents,
            root,
            branch,
            claims,
            upgrade,
            module,
            record,
        })
    }

    /// The module as the graph and the replay need it; `None` without a
    /// valid revision id, which the attribute reports. Its own checks are
    /// left to the attribute: they run here only for a migration the replay
    /// finds wrong (`has_own_errors`).
    pub fn read(m: &syn::ItemMod, file: &Path, module: String, cfg: bool) -> Option<Declared> {
        let (mig, _, errors, record) = lower_full(m, file, true)?;
        let meta = &mig.meta;
        let revision = meta
            .revision
            .as_ref()
            .map(syn::LitStr::value)
            .filter(|r| ids::is_valid(r, Kind::Revision))?;
        let mut parents: Vec<(String, usize)> = Vec::new();
        for p in &meta.down_revisions {
            let id = p.value();
            if ids::is_valid(&id, Kind::Revision)
                && id != revision
                && !parents.iter().any(|(q, _)| *q == id)
            {
                parents.push((id, line(p.span())));
            }
        }
        let branch = meta.branch.as_ref().map(syn::LitStr::value);
        let claims = branch
            .as_ref()
            .is_none_or(|b| ids::is_valid(b, Kind::BranchLabel));
        let upgrade = mig
            .upgrade
            .iter()
            .map(|n| n.op.clone().map(|op| (op, line(n.span))))
            .collect::<Option<Vec<_>>>()
            .filter(|_| !errors);
        Some(Declared {
            line: line(meta.attr_span),
            revision,
            parents,
            root: meta.down_given && meta.down_revisions.is_empty(),
            branch: branch.filter(|_| claims),
            claims,
            upgrade,
            module,
            record: record.filter(|_| !cfg && !errors),
        })
    }
}

/// Whether the attribute reports errors for the migration `revision` of this
/// file: its own checks, run again on the file as read. Only for a migration
/// the replay stopped at: most chains never need it.
fn has_own_errors(file: &Path, revision: &str) -> bool {
    fn find<'a>(items: &'a [syn::Item], file: &Path, revision: &str) -> Option<&'a syn::ItemMod> {
        items.iter().find_map(|i| match i {
            syn::Item::Mod(m) if m.attrs.iter().any(is_migration_attr) => {
                Declared::read(m, file, String::new(), true)
                    .is_some_and(|d| d.revision == revision)
                    .then_some(m)
            }
            syn::Item::Mod(m) => m
                .content
                .as_ref()
                .and_then(|(_, inner)| find(inner, file, revision)),
            _ => None,
        })
    }
    let _lines = FileLines::new();
    let Ok(text) = std::fs::read_to_string(file) else {
        return false;
    };
    let Ok(parsed) = syn::parse_file(&text) else {
        return false;
    };
    find(&parsed.items, file, revision).is_some_and(|m| lower(m, file, true).is_none_or(|(_, e)| e))
}

/// While it lives, source text is parsed by proc-macro2's own lexer, whose
/// spans know their lines (the compiler's, for text a macro parses, do
/// not): for reading the migration files. Nothing parsed meanwhile may be
/// emitted, and nothing is: what is read is kept as plain data only.
pub struct FileLines {
    forced: bool,
}

thread_local! {
    /// How many [`FileLines`] are alive: a file read while another is
    /// being read (the schema before a migration of a `naming = "database"`
    /// crate) must not invalidate the outer file's spans.
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl FileLines {
    pub fn new() -> FileLines {
        // Outside the compiler (unit tests) the fallback is in use anyway.
        let forced = proc_macro::is_available();
        if forced && DEPTH.with(|d| d.replace(d.get() + 1)) == 0 {
            proc_macro2::fallback::force();
        }
        FileLines { forced }
    }
}

impl Drop for FileLines {
    fn drop(&mut self) {
        if self.forced && DEPTH.with(|d| d.replace(d.get() - 1)) == 1 {
            // The spans of the files read, kept per thread, are no longer used.
            proc_macro2::extra::invalidate_current_thread_spans();
            proc_macro2::fallback::unforce();
        }
    }
}

/// One migration of the crate, with its file.
struct Node<'a> {
    file: &'a Path,
    d: &'a Declared,
}

impl Node<'_> {
    fn at(&self) -> String {
        format!("{}:{}", self.file.display(), self.d.line)
    }

    fn at_line(&self, line: usize) -> String {
        format!("{}:{line}", self.file.display())
    }
}

fn error(cx: &Ctxt, message: String, help: &str) {
    cx.error(Span::call_site(), message, Some(help));
}

pub fn check(cx: &Ctxt, tree: &ModuleTree) {
    let mut nodes: Vec<Node> = Vec::new();
    for f in &tree.files {
        for d in &f.declared {
            nodes.push(Node { file: &f.path, d });
        }
    }
    // Files in name order (`r<id>_...` files sort as written), so the first
    // of two is the original.
    nodes.sort_by(|a, b| (a.file, a.d.line).cmp(&(b.file, b.d.line)));
    // Revisions in files no `mod` declares: reported as such already.
    let undeclared: BTreeSet<&str> = tree
        .undeclared
        .iter()
        .flat_map(|u| u.revisions.iter().map(String::as_str))
        .collect();
    let index = check_duplicates(cx, &nodes);
    let graph = Graph::new(cx, &nodes, &index, &undeclared);
    let order = graph.order(cx, &nodes);
    let skipped = check_merges(cx, &nodes, &graph, &order);
    // What a cycle holds up is reported with the cycle, not again as a fork.
    let mut ordered = vec![false; nodes.len()];
    for &i in &order {
        ordered[i] = true;
    }
    check_children(cx, &nodes, &index, &graph, &skipped, &ordered);
    check_labels(cx, &nodes, &index);
    replay(cx, &nodes, &graph, &order);
}

/// Rule: a revision id names one migration (a copied file keeps the id of
/// its original). The first declaration stands for the id afterwards, so a
/// copy adds no error of its own.
fn check_duplicates<'a>(cx: &Ctxt, nodes: &[Node<'a>]) -> BTreeMap<&'a str, usize> {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, n) in nodes.iter().enumerate() {
        match index.get(n.d.revision.as_str()) {
            Some(&first) => error(
                cx,
                format!(
                    "revision `{}` is declared twice: in {} and in {}",
                    n.d.revision,
                    nodes[first].at(),
                    n.at()
                ),
                "a copied migration file keeps the id of the one it was copied from: give one of them a new `revision` (and check its `down_revision`)",
            ),
            None => {
                index.insert(&n.d.revision, i);
            }
        }
    }
    index
}

/// The parent links among the migrations that stand for their ids.
struct Graph {
    /// Per node: its known parents (nodes), in the order listed.
    parents: Vec<Vec<usize>>,
    /// Per node: a parent is missing, or it is a copy of another's id.
    cut: Vec<bool>,
}

impl Graph {
    /// Rule: every `down_revision` names a migration of this crate.
    fn new(
        cx: &Ctxt,
        nodes: &[Node],
        index: &BTreeMap<&str, usize>,
        undeclared: &BTreeSet<&str>,
    ) -> Graph {
        let mut parents = vec![Vec::new(); nodes.len()];
        let mut cut = vec![false; nodes.len()];
        for (i, n) in nodes.iter().enumerate() {
            if index.get(n.d.revision.as_str()) != Some(&i) {
                cut[i] = true;
                continue;
            }
            for (p, l) in &n.d.parents {
                if let Some(&j) = index.get(p.as_str()) {
                    parents[i].push(j);
                    continue;
                }
                cut[i] = true;
                if undeclared.contains(p.as_str()) {
                    continue;
                }
                let nearest = suggest::closest(
                    p,
                    index
                        .keys()
                        .copied()
                        .filter(|r| *r != n.d.revision.as_str()),
                );
                let help = match nearest {
                    Some((q, _)) => format!(
                        "the nearest revision id is `{q}`, declared in {}; if the parent is another migration whose file exists, declare that file with `mod ...;` beside the others",
                        nodes[index[q]].at()
                    ),
                    None => "this is the only migration of the crate: write `down_revision = None` for the first one".to_string(),
                };
                error(
                    cx,
                    format!(
                        "`down_revision` \"{p}\" of `{}` in {} names no migration in this crate",
                        n.d.revision,
                        n.at_line(*l)
                    ),
                    &help,
                );
            }
        }
        Graph { parents, cut }
    }

    /// The nodes in an order where parents come first (the smallest id
    /// first among those ready, for stable messages), without those on a
    /// cycle or after one, which are reported (`migrate_core::graph`).
    fn order(&self, cx: &Ctxt, nodes: &[Node]) -> Vec<usize> {
        // Rank: the place in id order (a copy after its original).
        let mut by_id: Vec<usize> = (0..nodes.len()).collect();
        by_id.sort_by(|&a, &b| {
            (nodes[a].d.revision.as_str(), a).cmp(&(nodes[b].d.revision.as_str(), b))
        });
        let mut rank = vec![0; nodes.len()];
        for (r, &i) in by_id.iter().enumerate() {
            rank[i] = r;
        }
        let shape = graph::order(&self.parents, |i| rank[i]);
        for cycle in &shape.cycles {
            let mut ring: Vec<String> = cycle
                .iter()
                .map(|&i| format!("`{}`", nodes[i].d.revision))
                .collect();
            ring.push(ring[0].clone());
            let places: Vec<String> = cycle
                .iter()
                .map(|&i| format!("\n`{}` is in {}", nodes[i].d.revision, nodes[i].at()))
                .collect();
            error(
                cx,
                format!(
                    "the revisions form a cycle: {} (each is the `down_revision` of the next){}",
                    ring.join(" -> "),
                    places.concat()
                ),
                "history must start somewhere: one of them follows a revision outside the cycle (or is the first, `down_revision = None`); fix that one's `down_revision`",
            );
        }
        shape.order
    }

    /// Every ancestor of a node (following known parents).
    fn ancestors(&self, i: usize) -> BTreeSet<usize> {
        let mut seen = BTreeSet::new();
        let mut stack = self.parents[i].clone();
        while let Some(a) = stack.pop() {
            if seen.insert(a) {
                stack.extend(self.parents[a].iter().copied());
            }
        }
        seen
    }
}

/// Rule: a merge joins heads; a parent that is an ancestor of another
/// parent is already merged, and listing it would also make it a revision
/// with two children. Returns the (merge, parent) links so reported.
fn check_merges(
    cx: &Ctxt,
    nodes: &[Node],
    graph: &Graph,
    order: &[usize],
) -> BTreeSet<(usize, usize)> {
    let mut reported = BTreeSet::new();
    for &m in order {
        let parents = &graph.parents[m];
        if parents.len() < 2 {
            continue;
        }
        for &q in parents {
            let below = graph.ancestors(q);
            for &p in parents.iter().filter(|&&p| p != q && below.contains(&p)) {
                if !reported.insert((m, p)) {
                    continue;
                }
                let rest: Vec<String> = parents
                    .iter()
                    .filter(|&&x| x != p)
                    .map(|&x| format!("\"{}\"", nodes[x].d.revision))
                    .collect();
                let fix = if rest.len() == 1 {
                    format!("`down_revision = {}`", rest[0])
                } else {
                    format!("`down_revision = [{}]`", rest.join(", "))
                };
                error(
                    cx,
                    format!(
                        "merge `{}` in {} lists `{}` and `{}` in `down_revision`, but `{}` is already an ancestor of `{}`",
                        nodes[m].d.revision,
                        nodes[m].at(),
                        nodes[p].d.revision,
                        nodes[q].d.revision,
                        nodes[p].d.revision,
                        nodes[q].d.revision,
                    ),
                    &format!(
                        "a merge lists only heads: remove `{}` ({fix}); `{}` ({}) follows it already",
                        nodes[p].d.revision,
                        nodes[q].d.revision,
                        nodes[q].at()
                    ),
                );
            }
        }
    }
    reported
}

/// Rules: a revision has one unlabelled child (two are two heads: history
/// forked by accident, typically on two git branches), and one unlabelled
/// migration starts history. A parent on or after a cycle (not `ordered`)
/// is left to the cycle's error.
fn check_children(
    cx: &Ctxt,
    nodes: &[Node],
    index: &BTreeMap<&str, usize>,
    graph: &Graph,
    skipped: &BTreeSet<(usize, usize)>,
    ordered: &[bool],
) {
    let mut first_child: BTreeMap<usize, usize> = BTreeMap::new();
    let mut first_root: Option<usize> = None;
    for (i, n) in nodes.iter().enumerate() {
        if index.get(n.d.revision.as_str()) != Some(&i) || !n.d.claims || n.d.branch.is_some() {
            continue;
        }
        if n.d.root {
            match first_root {
                None => first_root = Some(i),
                Some(r) => error(
                    cx,
                    format!(
                        "two migrations start history (`down_revision = None`): `{}` in {} and `{}` in {}",
                        nodes[r].d.revision,
                        nodes[r].at(),
                        n.d.revision,
                        n.at()
                    ),
                    "give the later one a parent (`down_revision` = the id of the migration before it), or `branch = \"label\"` to start a separate line of history",
                ),
            }
        }
        for &p in &graph.parents[i] {
            if skipped.contains(&(i, p)) || !ordered[p] {
                continue;
            }
            match first_child.get(&p) {
                None => {
                    first_child.insert(p, i);
                }
                Some(&c) => error(
                    cx,
                    format!(
                        "`{}` ({}) is the `down_revision` of both `{}` in {} and `{}` in {}: history would have two heads",
                        nodes[p].d.revision,
                        nodes[p].at(),
                        nodes[c].d.revision,
                        nodes[c].at(),
                        n.d.revision,
                        n.at()
                    ),
                    &format!(
                        "if `{}` was written after `{}`, make its `down_revision` \"{}\"; to keep both lines, give one `branch = \"label\"` and join them with a merge (`merge heads -m \"...\"`)",
                        n.d.revision, nodes[c].d.revision, nodes[c].d.revision
                    ),
                ),
            }
        }
    }
}

/// Rules: a branch label names one line of history, and is not a revision
/// id (`label@head` would be ambiguous).
fn check_labels(cx: &Ctxt, nodes: &[Node], index: &BTreeMap<&str, usize>) {
    let labelled = nodes.iter().enumerate().filter_map(|(i, n)| {
        // A copy of another's id stands for nothing.
        let label = n.d.branch.as_deref()?;
        (index.get(n.d.revision.as_str()) == Some(&i)).then_some((i, label))
    });
    for conflict in graph::label_conflicts(labelled, |l| index.get(l).copied()) {
        match conflict {
            LabelConflict::Twice {
                label,
                first,
                second,
            } => error(
                cx,
                format!(
                    "branch label `{label}` is on both `{}` in {} and `{}` in {}",
                    nodes[first].d.revision,
                    nodes[first].at(),
                    nodes[second].d.revision,
                    nodes[second].at()
                ),
                "a label names one line of history: rename one of them",
            ),
            LabelConflict::IsRevision {
                label,
                owner,
                revision,
            } => error(
                cx,
                format!(
                    "branch label `{label}` of `{}` in {} is also the revision id of the migration in {}, so `{label}@head` would be ambiguous",
                    nodes[owner].d.revision,
                    nodes[owner].at(),
                    nodes[revision].at()
                ),
                "rename the label",
            ),
        }
    }
}

/// Rule: each upgrade applies to the schema the migrations before it leave
/// (`verify` at build time). Left out: migrations with errors of their own,
/// a missing parent or on a cycle, and what follows them.
fn replay(cx: &Ctxt, nodes: &[Node], graph: &Graph, order: &[usize]) {
    // (node, parents as steps), for the nodes that can be replayed.
    let mut step_of: BTreeMap<usize, usize> = BTreeMap::new();
    let mut planned: Vec<(usize, Vec<usize>)> = Vec::new();
    for &i in order {
        if nodes[i].d.upgrade.is_none() || graph.cut[i] {
            continue;
        }
        let parents: Option<Vec<usize>> = graph.parents[i]
            .iter()
            .map(|p| step_of.get(p).copied())
            .collect();
        if let Some(parents) = parents {
            step_of.insert(i, planned.len());
            planned.push((i, parents));
        }
    }
    // The ops without their lines, as the replay takes them.
    let ops: Vec<Vec<Op>> = planned
        .iter()
        .map(|(i, _)| {
            nodes[*i]
                .d
                .upgrade
                .iter()
                .flatten()
                .map(|(op, _)| op.clone())
                .collect()
        })
        .collect();
    let steps: Vec<Step> = planned
        .iter()
        .zip(&ops)
        .map(|((_, parents), ops)| Step {
            parents: parents.clone(),
            upgrade: ops,
        })
        .collect();
    for e in replay_history(&steps) {
        let n = &nodes[planned[e.step].0];
        let Some((op, l)) = n.d.upgrade.as_ref().and_then(|u| u.get(e.op)) else {
            continue;
        };
        if has_own_errors(n.file, &n.d.revision) {
            // The attribute reports this migration's mistakes, on its tokens.
            continue;
        }
        let help = e.error.help.unwrap_or_else(|| {
            "the migrations before it (through `down_revision`) leave the schema otherwise: fix this op, or the migration it should follow".to_string()
        });
        let message = match e.merge {
            Some(m) => {
                let m = &nodes[planned[m].0];
                format!(
                    "merge `{}` in {} joins lines of history that conflict: with both applied, `{}` in {} (migration `{}`) cannot apply: {}",
                    m.d.revision,
                    m.at(),
                    op.name(),
                    n.at_line(*l),
                    n.d.revision,
                    e.error.message
                )
            }
            None => format!(
                "`{}` in {} (migration `{}`) cannot apply after the migrations before it: {}",
                op.name(),
                n.at_line(*l),
                n.d.revision,
                e.error.message
            ),
        };
        error(cx, message, &help);
    }
}

#[cfg(test)]
mod tests {
    use crate::ctxt::Ctxt;

    fn migration(rev: &str, down: &str, ops: &str) -> String {
        format!("use migrate_runtime::{{migration, op}};\n\n/// m\n#[migration(revision = \"{rev}\", down_revision = {down})]\nmod m {{\n    fn upgrade() {{\n        {ops}\n    }}\n}}\n")
    }

    /// The messages `migrations!()` gives for a crate of these files
    /// (`src/migrations/<name>.rs`, each declared; a name ending in `.sql`
    /// is written as it is, undeclared).
    fn errors(files: &[(&str, String)]) -> Vec<String> {
        let tmp = tempfile::tempdir().unwrap();
        let src = tmp.path().join("src");
        std::fs::create_dir_all(src.join("migrations")).unwrap();
        std::fs::write(
            src.join("lib.rs"),
            "migrate_runtime::migrations!();\nmod migrations;\n",
        )
        .unwrap();
        let (sql, rust): (Vec<_>, Vec<_>) = files.iter().partition(|(n, _)| n.ends_with(".sql"));
        let mods: String = rust.iter().map(|(n, _)| format!("mod {n};\n")).collect();
        std::fs::write(src.join("migrations/mod.rs"), mods).unwrap();
        for (n, text) in rust {
            std::fs::write(src.join(format!("migrations/{n}.rs")), text).unwrap();
        }
        for (n, text) in sql {
            std::fs::write(src.join(format!("migrations/{n}")), text).unwrap();
        }
        let tree = crate::sources::read(&src.join("lib.rs"));
        let cx = Ctxt::new();
        super::check(&cx, &tree);
        let prefix = format!("{}/", src.display());
        match cx.check() {
            Ok(()) => Vec::new(),
            Err(e) => e
                .into_iter()
                .map(|e| e.to_string().replace(&prefix, ""))
                .collect(),
        }
    }

    /// `execute(file = ...)` is opaque to the replay, as inline `execute`
    /// is: the chain goes on after it (and a missing file is the
    /// attribute's to report, not the chain's).
    #[test]
    fn sql_files_are_read_and_opaque() {
        let index = migration(
            "c3",
            "\"b2\"",
            r#"op!(create_index("ix_users_email", "users", ["email"]));"#,
        );
        let ok = errors(&[
            ("a", migration("a1", "None", USERS)),
            ("b", sql_migration()),
            (
                "b2_up.sql",
                "ALTER TABLE users ADD COLUMN x INTEGER;\r\n".into(),
            ),
            ("b2_down.sql", "ALTER TABLE users DROP COLUMN x;\n".into()),
            ("c", index.clone()),
        ]);
        assert!(ok.is_empty(), "{ok:?}");
        let missing = errors(&[
            ("a", migration("a1", "None", USERS)),
            ("b", sql_migration()),
            ("c", index),
        ]);
        assert!(missing.is_empty(), "{missing:?}");
        // An op after the file that cannot apply is still found.
        let wrong = errors(&[
            ("a", migration("a1", "None", USERS)),
            ("b", sql_migration()),
            ("b2_up.sql", "SELECT 1;\n".into()),
            ("b2_down.sql", "SELECT 2;\n".into()),
            (
                "c",
                migration(
                    "c3",
                    "\"b2\"",
                    r#"op!(create_index("ix", "userz", ["email"]));"#,
                ),
            ),
        ]);
        assert!(wrong.len() == 1 && wrong[0].contains("userz"), "{wrong:?}");
    }

    /// `b2` after `a1`, running `b2_up.sql` and `b2_down.sql`.
    fn sql_migration() -> String {
        "use migrate_runtime::{migration, op};\n\n/// sql\n#[migration(revision = \"b2\", down_revision = \"a1\")]\nmod b {\n    fn upgrade() {\n        op!(execute(file = \"b2_up.sql\"));\n    }\n\n    fn downgrade() {\n        op!(execute(file = \"b2_down.sql\"));\n    }\n}\n".to_string()
    }

    const USERS: &str = r#"op!(create_table("users", Column("id", Integer, primary_key = true), Column("email", Text)));"#;

    #[test]
    fn one_error_per_mistake_with_file_and_line() {
        let ok = errors(&[
            ("a", migration("a1", "None", USERS)),
            (
                "b",
                migration(
                    "b2",
                    "\"a1\"",
                    r#"op!(create_index("ix_users_email", "users", ["email"]));"#,
                ),
            ),
        ]);
        assert!(ok.is_empty(), "{ok:?}");
        // A copy: one error, not also two heads.
        let copied = errors(&[
            ("a", migration("a1", "None", USERS)),
            ("b", migration("b2", "\"a1\"", "")),
            ("b_copy", migration("b2", "\"a1\"", "")),
        ]);
        assert_eq!(copied.len(), 1, "{copied:?}");
        assert!(copied[0].starts_with("revision `b2` is declared twice: in migrations/b.rs:4 and in migrations/b_copy.rs:4"), "{copied:?}");
        // A typo in a parent: the nearest id and its file; what follows it is
        // not replayed (nor reported again).
        let typo = errors(&[
            ("a", migration("a1b2c3", "None", USERS)),
            (
                "b",
                migration(
                    "b2",
                    "\"a1b2c4\"",
                    r#"op!(add_column("users", Column("email", Text)));"#,
                ),
            ),
        ]);
        assert_eq!(typo.len(), 1, "{typo:?}");
        assert!(
            typo[0].contains("the nearest revision id is `a1b2c3`, declared in migrations/a.rs:4"),
            "{typo:?}"
        );
        // A cycle of three, once, in order from the smallest id.
        let cycle = errors(&[
            ("a", migration("a1", "None", USERS)),
            ("b", migration("b2", "\"d4\"", "")),
            ("c", migration("c3", "\"b2\"", "")),
            ("d", migration("d4", "\"c3\"", "")),
        ]);
        assert_eq!(cycle.len(), 1, "{cycle:?}");
        assert!(
            cycle[0].starts_with("the revisions form a cycle: `b2` -> `c3` -> `d4` -> `b2`"),
            "{cycle:?}"
        );
        // A merge listing an ancestor: not also a second child of `a1`.
        let merge = errors(&[
            ("a", migration("a1", "None", USERS)),
            ("b", migration("b2", "\"a1\"", "")),
            ("c", migration("c3", "[\"a1\", \"b2\"]", "")),
        ]);
        assert_eq!(merge.len(), 1, "{merge:?}");
        assert!(
            merge[0].contains("but `a1` is already an ancestor of `b2`"),
            "{merge:?}"
        );
    }

    #[test]
    fn the_chain_is_replayed_in_the_order_of_history() {
        let missing = errors(&[
            ("a", migration("a1", "None", USERS)),
            (
                "b",
                migration(
                    "b2",
                    "\"a1\"",
                    r#"op!(create_index("ix_users_emial", "users", ["emial"]));"#,
                ),
            ),
        ]);
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(missing[0].starts_with("`create_index` in migrations/b.rs:7 (migration `b2`) cannot apply after the migrations before it: index `ix_users_emial` covers column `users.emial`, which does not exist\nhelp: `users` has a column `email`"), "{missing:?}");
        // Two labelled lines may each create `users`; a merge of them cannot.
        let lines = errors(&[
            ("a", migration("a1", "None", USERS)),
            ("b", migration("b2", "None, branch = \"other\"", USERS)),
        ]);
        assert!(lines.is_empty(), "{lines:?}");
        let merged = errors(&[
            ("a", migration("a1", "None", USERS)),
            ("b", migration("b2", "None, branch = \"other\"", USERS)),
            ("c", migration("c3", "[\"a1\", \"b2\"]", "")),
        ]);
        assert_eq!(merged.len(), 1, "{merged:?}");
        assert!(
            merged[0].contains("table `users` already exists"),
            "{merged:?}"
        );
        // A migration whose own analysis fails (its attribute reports it) is
        // not reported again by the replay, nor is what follows it.
        let inside = errors(&[
            (
                "a",
                migration(
                    "a1",
                    "None",
                    r#"op!(create_table("users", Column("id", Integer, primary_key = true))); op!(create_index("ix_users_nope", "users", ["nope"]));"#,
                ),
            ),
            (
                "b",
                migration(
                    "b2",
                    "\"a1\"",
                    r#"op!(add_column("users", Column("id", Text)));"#,
                ),
            ),
        ]);
        assert!(inside.is_empty(), "{inside:?}");
        // A migration with errors of its own (reported by its attribute) is
        // left out, with what follows it.
        let own = errors(&[
            (
                "a",
                migration("a1", "None", r#"op!(create_tabel("users"));"#),
            ),
            (
                "b",
                migration(
                    "b2",
                    "\"a1\"",
                    r#"op!(add_column("users", Column("x", Text)));"#,
                ),
            ),
        ]);
        assert!(own.is_empty(), "{own:?}");
    }

    /// What the file cache stores of a migration reads back as it was.
    #[test]
    fn a_declared_migration_reads_back_as_stored() {
        use super::{Declared, Reader};
        use migrate_core::model::Op;
        let ops: Vec<(Op, usize)> = crate::ast::tests::cases()
            .into_iter()
            .map(|(_, op)| op)
            .zip(7..)
            .collect();
        let full = Declared {
            line: 3,
            revision: "a-1".to_string(),
            parents: vec![("p1".to_string(), 4), ("p_2".to_string(), 5)],
            root: false,
            branch: Some("side".to_string()),
            claims: true,
            upgrade: Some(ops),
            module: "outer::m".to_string(),
            record: Some(migrate_core::encode::EncodedRecord {
                lineage: "m2:0:-".to_string(),
                head: "3:a b\nwith a line break, \0 and é ".to_string(),
            }),
        };
        let bare = Declared {
            line: 9,
            revision: "b2".to_string(),
            parents: Vec::new(),
            root: true,
            branch: None,
            claims: false,
            upgrade: None,
            module: "m".to_string(),
            record: None,
        };
        let mut text = String::new();
        full.store(&mut text);
        bare.store(&mut text);
        let mut r = Reader(Box::leak(text.into_boxed_str()));
        for d in [&full, &bare] {
            let back = Declared::load(&mut r).unwrap();
            assert_eq!(
                (
                    back.line,
                    &back.revision,
                    &back.parents,
                    back.root,
                    &back.branch
                ),
                (d.line, &d.revision, &d.parents, d.root, &d.branch)
            );
            assert_eq!(
                (back.claims, &back.module, &back.record),
                (d.claims, &d.module, &d.record)
            );
            assert_eq!(back.upgrade, d.upgrade);
        }
        assert_eq!(r.word(), None);
    }
}
