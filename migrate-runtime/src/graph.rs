//! The revision graph and Alembic's target grammar, as pure logic: no
//! database, the applied revisions are given as a set.
//!
//! A [`RevisionGraph`] knows each revision's parents (`down_revision`),
//! children, branch label, the heads and bases, and a deterministic
//! topological order. It turns a target such as `head`, `heads`, `base`, a
//! full or partial (≥ 4 characters) id, `+2`, `-1`, `1a2b+1`, `label@head`,
//! `label@base`, `label@+1` or `label@-1` into the exact list of [`Step`]s to
//! run, and a range such as `base:head` or `1a2b:` into the revisions it
//! covers, newest first like `alembic history`.
//!
//! Semantics (Alembic's where Alembic is clear):
//! - **upgrade** to a target applies every revision that is an ancestor of the
//!   target, or the target, and is not applied; parents before children.
//! - **downgrade** to a revision un-applies every applied revision that
//!   descends from it (Alembic's rule): revisions on another branch, which do
//!   not descend from the target, stay applied. The target must be applied.
//!   `base` un-applies everything; `label@base` un-applies the branch `label`
//!   (its first revision and everything that descends from it).
//! - `+N` walks N revisions up from the current head(s); `-N` un-applies the
//!   current head and the N - 1 revisions below it along its line. A walk
//!   through a fork (several children going up, a merge going down) is an
//!   error that names the choices.
//! - A branch label applies to the revision that carries it and to the
//!   revisions that follow it on that line; a merge of different lines has no
//!   label. `label@head` is the head that descends from the labelled revision.

use migrate_core::graph::{self, LabelConflict};
use migrate_core::ids::{self, Kind};
use migrate_core::suggest::{edit_distance, nearest};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Shortest partial revision id accepted as a target.
const MIN_PREFIX_LEN: usize = 4;

/// One revision as the graph needs it: id, parents and branch label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// The revision id: ASCII letters, digits, `_` and `-`, at most 64 characters.
    pub revision: String,
    /// The parents (`down_revision`): none for a root, several for a merge.
    pub parents: Vec<String>,
    /// The branch label this revision starts, if any.
    pub branch: Option<String>,
}

impl Node {
    /// A node with these parents and no branch label.
    pub fn new(revision: impl Into<String>, parents: &[&str]) -> Self {
        Node {
            revision: revision.into(),
            parents: parents.iter().map(|p| (*p).to_owned()).collect(),
            branch: None,
        }
    }

    /// The same node with a branch label.
    pub fn with_branch(mut self, label: impl Into<String>) -> Self {
        self.branch = Some(label.into());
        self
    }
}

/// Which way a [`Step`] goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Apply the revision (`upgrade()`).
    Up,
    /// Un-apply the revision (`downgrade()`).
    Down,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Up => "upgrade",
            Direction::Down => "downgrade",
        })
    }
}

/// One migration to run: a revision, which way, and its parents (for
/// `Running upgrade a -> b` / `Running downgrade b -> a`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The revision to apply or un-apply.
    pub revision: String,
    /// Apply or un-apply.
    pub direction: Direction,
    /// The revision's parents, as declared (empty for a root).
    pub parents: Vec<String>,
}

impl fmt::Display for Step {
    /// Alembic's form: `upgrade a -> b`, `upgrade  -> a` for a root,
    /// `upgrade b, c -> m` for a merge, `downgrade b -> a`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parents = self.parents.join(", ");
        match self.direction {
            Direction::Up => write!(f, "upgrade {} -> {}", parents, self.revision),
            Direction::Down => write!(f, "downgrade {} -> {}", self.revision, parents),
        }
    }
}

/// The one revision a target names (see [`RevisionGraph::resolve`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    revision: String,
}

impl Resolved {
    /// The full revision id.
    pub fn revision(&self) -> &str {
        &self.revision
    }
}

/// Why a set of revisions does not form a valid graph.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// A revision id is empty, too long, has a character other than ASCII
    /// letters, digits, `_` and `-` (not first), or is a target word.
    #[error("invalid revision id `{revision}`: {reason}; {}", Kind::Revision.help())]
    InvalidRevision {
        /// The id.
        revision: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two revisions have the same id.
    #[error("revision `{revision}` is declared twice; give one of them a new id")]
    DuplicateRevision {
        /// The id.
        revision: String,
    },
    /// A parent is not a known revision.
    #[error("revision `{revision}` has down_revision `{parent}`, which is not a known revision; fix the id, or add (declare) the missing migration")]
    UnknownParent {
        /// The revision that names the parent.
        revision: String,
        /// The unknown parent.
        parent: String,
    },
    /// A revision lists the same parent twice.
    #[error("revision `{revision}` lists parent `{parent}` twice in down_revision; list each parent once")]
    DuplicateParent {
        /// The revision.
        revision: String,
        /// The repeated parent.
        parent: String,
    },
    /// Revisions follow each other in a circle.
    #[error("the revisions form a cycle: {} (each is the down_revision of the next); change one down_revision to break it", cycle_text(.revisions))]
    Cycle {
        /// The revisions on the cycle, each the parent of the next and the
        /// last the parent of the first; starts with the smallest id.
        revisions: Vec<String>,
    },
    /// A branch label is empty, too long, has a character other than ASCII
    /// letters, digits, `_` and `-`, or is a target word.
    #[error("invalid branch label `{label}` on revision `{revision}`: {reason}; {}", Kind::BranchLabel.help())]
    InvalidLabel {
        /// The label.
        label: String,
        /// The revision that carries it.
        revision: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two revisions carry the same branch label.
    #[error("branch label `{label}` is on both `{first}` and `{second}`; rename one of them")]
    DuplicateLabel {
        /// The label.
        label: String,
        /// The first revision (by id) that carries it.
        first: String,
        /// The second one.
        second: String,
    },
    /// A branch label is also a revision id, which would make `x@head`
    /// ambiguous.
    #[error("branch label `{label}` of revision `{revision}` is also a revision id, so `{label}@head` would be ambiguous; rename the label")]
    LabelIsRevision {
        /// The label.
        label: String,
        /// The revision that carries it.
        revision: String,
    },
}

/// Why a target (`head`, `-1`, `1a2b`, `a:b`, ...) cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// The target is empty.
    #[error("empty target; give a revision id (or a unique prefix of at least 4 characters), `head`, `heads`, `base`, `+N`, `-N` or `<branch>@head`")]
    Empty,
    /// The target does not follow the grammar.
    #[error("invalid target `{spec}`: {reason}")]
    Malformed {
        /// The target as given.
        spec: String,
        /// What is wrong with it, and what to write instead.
        reason: String,
    },
    /// A range was given where one target is expected.
    #[error("`{spec}` is a range, but a single target is expected here; ranges (`a:b`) are for history and offline SQL")]
    RangeNotAllowed {
        /// The target as given.
        spec: String,
    },
    /// One target was given where a range is expected.
    #[error(
        "`{spec}` is not a range; write `<lower>:<upper>`, e.g. `base:head`, `1a2b:` or `:9f8e`"
    )]
    NotARange {
        /// The range as given.
        spec: String,
    },
    /// A partial id shorter than 4 characters.
    #[error("`{prefix}` is too short for a partial revision id: give at least 4 characters{}", candidates_text(.candidates))]
    TooShort {
        /// The partial id.
        prefix: String,
        /// The revisions that start with it.
        candidates: Vec<String>,
    },
    /// A partial id that several revisions start with.
    #[error("`{prefix}` matches several revisions: {}; give more characters", ticks(.candidates))]
    Ambiguous {
        /// The partial id.
        prefix: String,
        /// Every revision that starts with it.
        candidates: Vec<String>,
    },
    /// No revision has this id or starts with it.
    #[error("unknown revision `{revision}`{}; known heads: {}", did_you_mean(.suggestions), ticks(.heads))]
    UnknownRevision {
        /// The id or partial id.
        revision: String,
        /// The closest known ids.
        suggestions: Vec<String>,
        /// The heads of the graph.
        heads: Vec<String>,
    },
    /// The part before `@` is neither a branch label nor a revision.
    #[error("`{name}` in `{spec}` is neither a branch label nor a revision; known labels: {}", ticks(.labels))]
    UnknownLabel {
        /// The target as given.
        spec: String,
        /// The part before `@`.
        name: String,
        /// Every branch label.
        labels: Vec<String>,
    },
    /// A bare branch label, which names no single revision.
    #[error("`{label}` is a branch label, not a revision; write `{label}@head` or `{label}@base`")]
    LabelWithoutTarget {
        /// The label.
        label: String,
    },
    /// `head` (or `x@head`) when several heads match: Alembic's message.
    #[error("Multiple head revisions are present for given argument '{spec}'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads (heads: {})", ticks(.heads))]
    MultipleHeads {
        /// The target as given.
        spec: String,
        /// The heads that match.
        heads: Vec<String>,
    },
    /// A walk (`+N`, `-N`, `<rev>+N`, ...) reaches a fork.
    #[error("cannot resolve `{spec}`: `{at}` has several {} ({}), so the way {} is ambiguous; name the target revision, or use `<branch>@{}N`", kin(.direction), ticks(.options), way(.direction), sign(.direction))]
    AmbiguousStep {
        /// The target as given.
        spec: String,
        /// Where the walk stopped (`<base>` before the roots).
        at: String,
        /// Up (children) or down (parents).
        direction: Direction,
        /// The revisions it could go to.
        options: Vec<String>,
    },
    /// A walk goes past a head, a root or the first revision of a branch.
    #[error("`{spec}` moves {steps} step(s) {} from `{from}`, but only {available} are possible; name the target revision, or use `head` / `base`", way(.direction))]
    NotEnoughSteps {
        /// The target as given.
        spec: String,
        /// Where the walk started (`<base>` before the roots).
        from: String,
        /// Up or down.
        direction: Direction,
        /// The steps asked for.
        steps: u32,
        /// The steps possible.
        available: u32,
    },
    /// A relative target (`+N`, `-N`, `x@-N`) with several current heads and
    /// no single way to go.
    #[error("`{spec}` is relative to the current revision, but several revisions are current heads ({}); use `<branch>@{}N`, or name the target revision", ticks(.heads), sign(.direction))]
    MultipleCurrentHeads {
        /// The target as given.
        spec: String,
        /// Up or down.
        direction: Direction,
        /// The current heads concerned.
        heads: Vec<String>,
    },
    /// A relative downgrade with nothing (of that branch) applied.
    #[error("`{spec}` steps down from the current revision, but nothing is applied there; there is nothing to downgrade")]
    NothingApplied {
        /// The target as given.
        spec: String,
    },
    /// A downgrade target that is not applied.
    #[error("cannot downgrade to `{revision}`: it is not applied (current heads: {}); to apply it, upgrade to `{spec}`", ticks(.current))]
    NotApplied {
        /// The target as given.
        spec: String,
        /// The revision it names.
        revision: String,
        /// The current heads.
        current: Vec<String>,
    },
    /// A downgrade-only target given to upgrade.
    #[error("`{spec}` moves down; use it with downgrade, not upgrade")]
    NotForUpgrade {
        /// The target as given.
        spec: String,
    },
    /// An upgrade-only target given to downgrade.
    #[error("`{spec}` is an upgrade target; use it with upgrade, or give downgrade a revision, `base` or `-N`")]
    NotForDowngrade {
        /// The target as given.
        spec: String,
    },
    /// A target that names no single revision where one is needed.
    #[error("`{spec}` names no single revision; give a revision id (or a unique prefix of at least 4 characters), `head` or `<branch>@head`")]
    NotARevision {
        /// The target as given.
        spec: String,
    },
    /// A relative target where the applied revisions are not known.
    #[error("`{spec}` is relative to the current revisions, which are not known here; use it with upgrade or downgrade, or name a revision")]
    NeedsCurrent {
        /// The target as given.
        spec: String,
    },
    /// Applied revisions that the graph does not know.
    #[error("applied revision(s) {} are not among the known migrations: the database was migrated by a newer or different build; deploy that build, or allow unknown applied revisions", ticks(.revisions))]
    UnknownApplied {
        /// The unknown revisions, sorted.
        revisions: Vec<String>,
    },
    /// A range whose lower end is not an ancestor of its upper end.
    #[error("invalid range `{spec}`: `{lower}` is not an ancestor of `{upper}`; put the older revision first")]
    NotAncestor {
        /// The range as given.
        spec: String,
        /// The lower end's revision.
        lower: String,
        /// The upper end's revision.
        upper: String,
    },
}

fn ticks(list: &[String]) -> String {
    if list.is_empty() {
        return "(none)".to_owned();
    }
    list.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn cycle_text(revisions: &[String]) -> String {
    let mut text = revisions.join(" -> ");
    if let Some(first) = revisions.first() {
        text.push_str(" -> ");
        text.push_str(first);
    }
    text
}

fn candidates_text(candidates: &[String]) -> String {
    if candidates.is_empty() {
        String::new()
    } else {
        format!(" (revisions starting with it: {})", ticks(candidates))
    }
}

fn did_you_mean(suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        String::new()
    } else {
        format!(
            "; did you mean {}?",
            ticks(suggestions).replace(", ", " or ")
        )
    }
}

fn kin(direction: &Direction) -> &'static str {
    match direction {
        Direction::Up => "children",
        Direction::Down => "parents",
    }
}

fn way(direction: &Direction) -> &'static str {
    match direction {
        Direction::Up => "up",
        Direction::Down => "down",
    }
}

fn sign(direction: &Direction) -> &'static str {
    match direction {
        Direction::Up => "+",
        Direction::Down => "-",
    }
}

/// One revision inside the graph; entries are stored in topological order.
#[derive(Clone, Debug)]
struct Entry {
    /// Borrowed from the migrations' records when built from them.
    revision: Cow<'static, str>,
    /// The parents in declared order (their names are their entries').
    parent_idx: Vec<usize>,
    /// Sorted by id.
    children: Vec<usize>,
    /// The place of the revision in id order.
    rank: usize,
    label: Option<String>,
    branch: Option<String>,
}

/// A revision as the graph is built from it (a [`Node`], or a migration's
/// record with its strings borrowed).
struct Lineage<P> {
    revision: Cow<'static, str>,
    parents: Vec<P>,
    branch: Option<String>,
}

/// A validated revision graph.
#[derive(Clone, Debug)]
pub struct RevisionGraph {
    /// In topological order: parents before children, ties broken by id.
    entries: Vec<Entry>,
    /// The entries' positions in id order (looked up by binary search: no
    /// copy of every id, no map to build and drop at every start).
    by_id: Vec<usize>,
    /// Label → the revision that carries it.
    labels: BTreeMap<String, usize>,
}

/// A place in the graph: before every root, or at a revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Pos {
    Base,
    Rev(usize),
}

/// A parsed target.
#[derive(Clone, Copy, Debug)]
enum Spec<'s> {
    Base,
    Head,
    Heads,
    Rev(&'s str),
    Relative(Direction, u32),
    RevRelative(&'s str, Direction, u32),
    AtHead(&'s str),
    AtBase(&'s str),
    AtRelative(&'s str, Direction, u32),
}

/// A target that does not depend on the applied revisions.
enum Abs {
    Base,
    Rev(usize),
    Heads(Vec<usize>),
    BranchBase(usize),
}

impl RevisionGraph {
    /// Builds and validates a graph. Errors: an invalid id or label, a
    /// duplicate id, an unknown or repeated parent, a cycle (naming the
    /// revisions on it), a label used twice or equal to a revision id. Several
    /// roots or heads are allowed (they make `head` ambiguous, as in Alembic).
    pub fn new(nodes: impl IntoIterator<Item = Node>) -> Result<Self, GraphError> {
        Self::build(
            nodes
                .into_iter()
                .map(|n| Lineage {
                    revision: Cow::Owned(n.revision),
                    parents: n.parents,
                    branch: n.branch,
                })
                .collect(),
        )
    }

    /// [`RevisionGraph::new`] over ids that may be borrowed (a crate's
    /// migrations': nothing copied per revision).
    fn build<P: AsRef<str>>(mut nodes: Vec<Lineage<P>>) -> Result<Self, GraphError> {
        nodes.sort_by(|a, b| a.revision.cmp(&b.revision));
        for node in &nodes {
            if let Some(problem) = ids::problem(&node.revision, Kind::Revision) {
                return Err(GraphError::InvalidRevision {
                    revision: node.revision.to_string(),
                    reason: problem.to_string(),
                });
            }
        }
        for pair in nodes.windows(2) {
            if pair[0].revision == pair[1].revision {
                return Err(GraphError::DuplicateRevision {
                    revision: pair[0].revision.to_string(),
                });
            }
        }
        // Sorted position of each id.
        let sorted = |id: &str| nodes.binary_search_by(|n| (*n.revision).cmp(id)).ok();
        for node in &nodes {
            let Some(label) = &node.branch else { continue };
            if let Some(problem) = ids::problem(label, Kind::BranchLabel) {
                return Err(GraphError::InvalidLabel {
                    label: label.clone(),
                    revision: node.revision.to_string(),
                    reason: problem.to_string(),
                });
            }
        }
        let labelled = nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.branch.as_deref().map(|l| (i, l)));
        if let Some(conflict) = graph::label_conflicts(labelled, sorted).first() {
            return Err(match *conflict {
                LabelConflict::Twice {
                    label,
                    first,
                    second,
                } => GraphError::DuplicateLabel {
                    label: label.to_owned(),
                    first: nodes[first].revision.to_string(),
                    second: nodes[second].revision.to_string(),
                },
                LabelConflict::IsRevision { label, owner, .. } => GraphError::LabelIsRevision {
                    label: label.to_owned(),
                    revision: nodes[owner].revision.to_string(),
                },
            });
        }
        let mut parent_pos: Vec<Vec<usize>> = Vec::with_capacity(nodes.len());
        for (k, node) in nodes.iter().enumerate() {
            let mut list = Vec::with_capacity(node.parents.len());
            for (i, parent) in node.parents.iter().enumerate() {
                let parent = parent.as_ref();
                // Ids that count up (numbers, timestamps) have the parent
                // just before: looked at first, before the search.
                let before = k.checked_sub(1).filter(|&j| *nodes[j].revision == *parent);
                let Some(p) = before.or_else(|| sorted(parent)) else {
                    return Err(GraphError::UnknownParent {
                        revision: node.revision.to_string(),
                        parent: parent.to_owned(),
                    });
                };
                if node.parents[..i].iter().any(|q| q.as_ref() == parent) {
                    return Err(GraphError::DuplicateParent {
                        revision: node.revision.to_string(),
                        parent: parent.to_owned(),
                    });
                }
                list.push(p);
            }
            parent_pos.push(list);
        }
        // Nodes are in id order: a node's rank is its position.
        let shape = graph::order(&parent_pos, |i| i);
        if let Some(cycle) = shape.cycles.first() {
            return Err(GraphError::Cycle {
                revisions: cycle
                    .iter()
                    .map(|&i| nodes[i].revision.to_string())
                    .collect(),
            });
        }
        let order = shape.order;
        let mut children_pos = shape.children;
        let mut new_index = vec![0; nodes.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut entries: Vec<Entry> = Vec::with_capacity(nodes.len());
        for &old in &order {
            // Each node's parts move into its entry.
            let revision = std::mem::take(&mut nodes[old].revision);
            let label = nodes[old].branch.take();
            // Old positions are in id order, so children stay sorted by id.
            let mut children = std::mem::take(&mut children_pos[old]);
            children.sort_unstable();
            children.iter_mut().for_each(|c| *c = new_index[*c]);
            let mut parent_idx = std::mem::take(&mut parent_pos[old]);
            parent_idx.iter_mut().for_each(|p| *p = new_index[*p]);
            entries.push(Entry {
                revision,
                parent_idx,
                children,
                rank: old,
                label,
                branch: None,
            });
        }
        // The label of a revision: its own, else its single parent's, else
        // (a merge) the label all its parents share.
        for i in 0..entries.len() {
            let branch = match &entries[i].label {
                Some(label) => Some(label.clone()),
                None => {
                    let mut labels = entries[i]
                        .parent_idx
                        .iter()
                        .map(|&p| entries[p].branch.clone());
                    match labels.next() {
                        None => None,
                        Some(first) => {
                            if labels.all(|l| l == first) {
                                first
                            } else {
                                None
                            }
                        }
                    }
                }
            };
            entries[i].branch = branch;
        }
        // The nodes were in id order: their new places, in that order.
        let by_id = new_index;
        let labels = entries
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.label.clone().map(|l| (l, i)))
            .collect();
        Ok(RevisionGraph {
            entries,
            by_id,
            labels,
        })
    }

    /// The graph of one crate's migrations.
    pub fn from_migrations(migrations: &crate::Migrations) -> Result<Self, GraphError> {
        // Every start does this: the ids borrowed, each record read only as
        // far as its branch label.
        Self::build(
            migrations
                .iter()
                .map(|m| {
                    let (parents, branch) = m.lineage();
                    Lineage {
                        revision: Cow::Borrowed(m.revision()),
                        parents,
                        branch: branch.map(str::to_owned),
                    }
                })
                .collect(),
        )
    }

    /// How many revisions there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether a revision has exactly this id.
    pub fn contains(&self, rev: &str) -> bool {
        self.position(rev).is_some()
    }

    /// The parents of a revision, as declared (empty for a root or an unknown
    /// id).
    pub fn parents(&self, rev: &str) -> Vec<&str> {
        match self.position(rev) {
            Some(i) => self.names(&self.entries[i].parent_idx),
            None => Vec::new(),
        }
    }

    /// The children of a revision, sorted by id (empty for an unknown id).
    pub fn children(&self, rev: &str) -> Vec<&str> {
        match self.position(rev) {
            Some(i) => self.names(&self.entries[i].children),
            None => Vec::new(),
        }
    }

    /// The revisions without children, sorted by id.
    pub fn heads(&self) -> Vec<&str> {
        let heads = self.head_idx();
        self.names(&heads)
    }

    /// The revisions without parents, sorted by id.
    pub fn bases(&self) -> Vec<&str> {
        let bases = self.base_idx();
        self.names(&bases)
    }

    /// The branch label that applies to a revision: its own label, else the
    /// label of its single parent, else (a merge) the label all its parents
    /// share; `None` for an unlabelled line, a merge of different lines, or an
    /// unknown id.
    pub fn branch_of(&self, rev: &str) -> Option<&str> {
        let i = self.position(rev)?;
        self.entries[i].branch.as_deref()
    }

    /// The label a revision carries itself (`branch = "..."`), if any.
    pub fn label(&self, rev: &str) -> Option<&str> {
        let i = self.position(rev)?;
        self.entries[i].label.as_deref()
    }

    /// Every branch label with the revision that carries it, sorted by label.
    pub fn labels(&self) -> Vec<(&str, &str)> {
        self.labels
            .iter()
            .map(|(l, &i)| (l.as_str(), self.entries[i].revision.as_ref()))
            .collect()
    }

    /// Every revision, parents before children; among revisions whose
    /// parents are all listed, the smallest id comes first.
    pub fn topological_order(&self) -> Vec<&str> {
        self.entries.iter().map(|e| e.revision.as_ref()).collect()
    }

    /// The revisions a revision follows, directly or not (itself excluded;
    /// empty for an unknown id).
    pub fn ancestors(&self, rev: &str) -> BTreeSet<&str> {
        match self.position(rev) {
            Some(i) => self.set_names(&self.ancestor_idx(i)),
            None => BTreeSet::new(),
        }
    }

    /// The revisions that follow a revision, directly or not (itself
    /// excluded; empty for an unknown id).
    pub fn descendants(&self, rev: &str) -> BTreeSet<&str> {
        match self.position(rev) {
            Some(i) => self.set_names(&self.descendant_idx(i)),
            None => BTreeSet::new(),
        }
    }

    /// The current heads: the applied revisions none of whose children is
    /// applied, sorted by id. Ids the graph does not know are ignored.
    pub fn current_heads(&self, applied: &BTreeSet<String>) -> Vec<&str> {
        let applied = self.applied_idx(applied);
        let heads = self.current_head_idx(&applied);
        self.names(&heads)
    }

    /// Resolves a target to the one revision it names, independently of
    /// what is applied: a full id, a unique prefix of at least 4 characters,
    /// `head` (when there is one head), `<rev>+N`, `<rev>-N`,
    /// `<label or rev>@head`. `base`, `heads`, `label@base` and `<rev>-N`
    /// below the root name no revision ([`TargetError::NotARevision`]);
    /// relative targets (`+N`, `-N`, `x@+N`) need the applied revisions
    /// ([`TargetError::NeedsCurrent`]).
    pub fn resolve(&self, spec: &str) -> Result<Resolved, TargetError> {
        let parsed = self.parse(spec)?;
        match self.absolute(spec, parsed)? {
            Abs::Rev(i) => Ok(Resolved {
                revision: self.entries[i].revision.to_string(),
            }),
            Abs::Base | Abs::Heads(_) | Abs::BranchBase(_) => Err(TargetError::NotARevision {
                spec: spec.to_owned(),
            }),
        }
    }

    /// The revisions to apply to reach `target` from the `applied` set: every
    /// ancestor of the target, and the target, that is not applied, parents
    /// before children. `heads` reaches every head, `base` is a no-op, a
    /// target already applied gives an empty plan. `+N` walks up from the
    /// current heads (with several, only if every walk that can go N steps
    /// reaches the same revision), `x@+N` from the current head of branch
    /// `x`.
    pub fn upgrade_plan(
        &self,
        applied: &BTreeSet<String>,
        target: &str,
    ) -> Result<Vec<Step>, TargetError> {
        self.check_applied(applied)?;
        let applied = self.applied_idx(applied);
        self.upgrade_steps(&applied, target)
    }

    /// Whether a database whose applied revisions are the entries flagged in
    /// `applied` (by [`RevisionGraph::position`]) is at `target` already:
    /// every applied revision's parents are applied, and an upgrade to
    /// `target` has nothing to do. False as well when the target does not
    /// resolve (the caller's full path says why).
    pub(crate) fn upgrade_is_noop(&self, applied: &[bool], target: &str) -> bool {
        debug_assert_eq!(applied.len(), self.entries.len());
        let closed = self
            .entries
            .iter()
            .zip(applied)
            .all(|(e, &done)| !done || e.parent_idx.iter().all(|&p| applied[p]));
        if !closed {
            return false;
        }
        // Built from an ascending iterator: in bulk, without searching.
        let set: BTreeSet<usize> = (0..applied.len()).filter(|&i| applied[i]).collect();
        // With every applied revision's parents applied, a target's
        // ancestors are applied when it is.
        self.upgrade_targets(&set, target)
            .is_ok_and(|targets| targets.iter().all(|&t| applied[t]))
    }

    /// The place of a revision in the graph's entries, looked at `hint`
    /// first (a version table's rows come in the order applied, which is
    /// mostly the graph's), and its place in id order (the order of the
    /// [`crate::Migrations`] the graph was built from).
    pub(crate) fn position_near(&self, rev: &str, hint: usize) -> Option<(usize, usize)> {
        let i = match self.entries.get(hint) {
            Some(e) if e.revision == rev => hint,
            _ => self.position(rev)?,
        };
        Some((i, self.entries[i].rank))
    }

    /// The place of a revision in the graph's entries.
    pub(crate) fn position(&self, rev: &str) -> Option<usize> {
        self.by_id
            .binary_search_by(|&i| self.entries[i].revision.as_ref().cmp(rev))
            .ok()
            .map(|k| self.by_id[k])
    }

    /// Every id, sorted.
    fn ids(&self) -> impl Iterator<Item = &str> + '_ {
        self.by_id
            .iter()
            .map(|&i| self.entries[i].revision.as_ref())
    }

    /// [`RevisionGraph::upgrade_plan`] from the applied entries.
    fn upgrade_steps(
        &self,
        applied: &BTreeSet<usize>,
        target: &str,
    ) -> Result<Vec<Step>, TargetError> {
        let targets = self.upgrade_targets(applied, target)?;
        let mut needed: BTreeSet<usize> = BTreeSet::new();
        for t in targets {
            needed.insert(t);
            needed.extend(self.ancestor_idx(t));
        }
        Ok(needed
            .into_iter()
            .filter(|i| !applied.contains(i))
            .map(|i| self.step(i, Direction::Up))
            .collect())
    }

    /// The revisions an upgrade to `target` reaches (with their ancestors).
    fn upgrade_targets(
        &self,
        applied: &BTreeSet<usize>,
        target: &str,
    ) -> Result<Vec<usize>, TargetError> {
        let parsed = self.parse(target)?;
        Ok(match parsed {
            Spec::Relative(Direction::Down, _) | Spec::AtRelative(_, Direction::Down, _) => {
                return Err(TargetError::NotForUpgrade {
                    spec: target.to_owned(),
                })
            }
            Spec::Relative(Direction::Up, steps) => {
                self.pos_vec(self.relative_up(target, applied, steps)?)
            }
            Spec::AtRelative(name, Direction::Up, steps) => {
                let first = self.lineage_root(target, name)?;
                let heads = self.lineage_heads(first, applied);
                let pos = match heads.as_slice() {
                    [] if steps == 1 => Pos::Rev(first),
                    [] => self
                        .walk(target, Pos::Rev(first), Direction::Up, steps - 1)
                        .map_err(|e| match e {
                            TargetError::NotEnoughSteps {
                                spec,
                                direction,
                                steps,
                                available,
                                ..
                            } => TargetError::NotEnoughSteps {
                                spec,
                                from: self.pos_name(self.below(first)),
                                direction,
                                steps: steps + 1,
                                available: available + 1,
                            },
                            other => other,
                        })?,
                    [head] => self.walk(target, Pos::Rev(*head), Direction::Up, steps)?,
                    _ => {
                        return Err(TargetError::MultipleCurrentHeads {
                            spec: target.to_owned(),
                            direction: Direction::Up,
                            heads: self.owned_names(&heads),
                        })
                    }
                };
                self.pos_vec(pos)
            }
            other => match self.absolute(target, other)? {
                Abs::Base => Vec::new(),
                Abs::Rev(i) => vec![i],
                Abs::Heads(heads) => heads,
                Abs::BranchBase(first) => self.entries[first].parent_idx.clone(),
            },
        })
    }

    /// The revisions to un-apply to reach `target` from the `applied` set,
    /// children before parents. To a revision (which must be applied): every
    /// applied revision that descends from it; other branches stay. `base`:
    /// everything. `label@base`: the branch's first revision and what descends
    /// from it. `-N`: the current head and the N - 1 revisions below it on its
    /// line (one current head needed); `x@-N` the same on branch `x`, never
    /// below its first revision.
    pub fn downgrade_plan(
        &self,
        applied: &BTreeSet<String>,
        target: &str,
    ) -> Result<Vec<Step>, TargetError> {
        self.check_applied(applied)?;
        let applied = self.applied_idx(applied);
        let parsed = self.parse(target)?;
        let remove: BTreeSet<usize> = match parsed {
            Spec::Heads
            | Spec::Relative(Direction::Up, _)
            | Spec::AtRelative(_, Direction::Up, _) => {
                return Err(TargetError::NotForDowngrade {
                    spec: target.to_owned(),
                })
            }
            Spec::Relative(Direction::Down, steps) => {
                let head =
                    self.one_head_to_step_down_from(target, &self.current_head_idx(&applied))?;
                let last = self.walk_down_from_head(target, head, steps, None)?;
                self.descendant_or_self_idx(last)
            }
            Spec::AtRelative(name, Direction::Down, steps) => {
                let first = self.lineage_root(target, name)?;
                let heads = self.lineage_heads(first, &applied);
                let head = self.one_head_to_step_down_from(target, &heads)?;
                let last = self.walk_down_from_head(target, head, steps, Some(first))?;
                self.descendant_or_self_idx(last)
            }
            other => match self.absolute(target, other)? {
                Abs::Base => applied.clone(),
                Abs::Rev(t) => {
                    if !applied.contains(&t) {
                        let current = self.current_head_idx(&applied);
                        return Err(TargetError::NotApplied {
                            spec: target.to_owned(),
                            revision: self.entries[t].revision.to_string(),
                            current: self.owned_names(&current),
                        });
                    }
                    self.descendant_idx(t)
                }
                Abs::BranchBase(first) => self.descendant_or_self_idx(first),
                Abs::Heads(_) => {
                    return Err(TargetError::NotForDowngrade {
                        spec: target.to_owned(),
                    })
                }
            },
        };
        Ok(remove
            .into_iter()
            .rev()
            .filter(|i| applied.contains(i))
            .map(|i| self.step(i, Direction::Down))
            .collect())
    }

    /// The revisions of a range, newest first like `alembic history`:
    /// `lower:upper` is every revision that descends from `lower` (or is it)
    /// and is an ancestor of `upper` (or is it). An empty or `base` lower end
    /// has no bound, as has an empty or `heads` upper end: `a:`, `:b`,
    /// `base:head`, `x@base:`. Each end is a single target (see
    /// [`resolve`](Self::resolve)).
    pub fn range(&self, spec: &str) -> Result<Vec<&str>, TargetError> {
        let Some((lower, upper)) = spec.split_once(':') else {
            return Err(TargetError::NotARange {
                spec: spec.to_owned(),
            });
        };
        if upper.contains(':') {
            return Err(TargetError::Malformed {
                spec: spec.to_owned(),
                reason: "a range has one `:`, as in `base:head`".to_owned(),
            });
        }
        let (lower_set, lower_rev) = match lower {
            "" | "base" => (None, None),
            end => match self.absolute(end, self.parse_single(end)?)? {
                Abs::Base => (None, None),
                Abs::Rev(l) => (Some(self.descendant_or_self_idx(l)), Some(l)),
                Abs::Heads(heads) => (Some(heads.into_iter().collect()), None),
                Abs::BranchBase(first) => (Some(self.descendant_or_self_idx(first)), None),
            },
        };
        let (upper_set, upper_rev) = match upper {
            "" | "heads" => (None, None),
            end => match self.absolute(end, self.parse_single(end)?)? {
                Abs::Base => (Some(BTreeSet::new()), None),
                Abs::Rev(u) => {
                    let mut set = self.ancestor_idx(u);
                    set.insert(u);
                    (Some(set), Some(u))
                }
                Abs::Heads(_) => (None, None),
                Abs::BranchBase(first) => (Some(self.ancestor_idx(first)), None),
            },
        };
        if let (Some(l), Some(u), Some(upper_set)) = (lower_rev, upper_rev, &upper_set) {
            if !upper_set.contains(&l) {
                return Err(TargetError::NotAncestor {
                    spec: spec.to_owned(),
                    lower: self.entries[l].revision.to_string(),
                    upper: self.entries[u].revision.to_string(),
                });
            }
        }
        Ok((0..self.entries.len())
            .rev()
            .filter(|i| lower_set.as_ref().is_none_or(|s| s.contains(i)))
            .filter(|i| upper_set.as_ref().is_none_or(|s| s.contains(i)))
            .map(|i| self.entries[i].revision.as_ref())
            .collect())
    }

    // ----- parsing ---------------------------------------------------------

    fn parse<'s>(&self, spec: &'s str) -> Result<Spec<'s>, TargetError> {
        if spec.is_empty() {
            return Err(TargetError::Empty);
        }
        if spec.contains(':') {
            return Err(TargetError::RangeNotAllowed {
                spec: spec.to_owned(),
            });
        }
        self.parse_single(spec)
    }

    fn parse_single<'s>(&self, spec: &'s str) -> Result<Spec<'s>, TargetError> {
        let malformed = |reason: String| TargetError::Malformed {
            spec: spec.to_owned(),
            reason,
        };
        if spec.is_empty() {
            return Err(TargetError::Empty);
        }
        if let Some((name, rest)) = spec.split_once('@') {
            if name.is_empty() {
                return Err(malformed(
                    "nothing before `@`; write `<branch>@head`, `<branch>@base`, `<branch>@+N` or `<branch>@-N`".to_owned(),
                ));
            }
            if let Some(c) = name
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
            {
                return Err(malformed(format!(
                    "`{}` cannot appear in a branch label or revision id",
                    c.escape_default()
                )));
            }
            return match rest {
                "head" => Ok(Spec::AtHead(name)),
                "base" => Ok(Spec::AtBase(name)),
                "" => Err(malformed(format!(
                    "nothing after `@`; write `{name}@head`, `{name}@base`, `{name}@+N` or `{name}@-N`"
                ))),
                _ => match Self::parse_signed(spec, rest)? {
                    Some((direction, steps)) => Ok(Spec::AtRelative(name, direction, steps)),
                    None => Err(malformed(format!(
                        "`{rest}` after `@` is not `head`, `base`, `+N` or `-N`"
                    ))),
                },
            };
        }
        match spec {
            "base" => return Ok(Spec::Base),
            "head" => return Ok(Spec::Head),
            "heads" => return Ok(Spec::Heads),
            _ => {}
        }
        if self.labels.contains_key(spec) {
            return Err(TargetError::LabelWithoutTarget {
                label: spec.to_owned(),
            });
        }
        if let Some((direction, steps)) = Self::parse_signed(spec, spec)? {
            return Ok(Spec::Relative(direction, steps));
        }
        // Ids may hold `-` (UUID form): an id, or the start of one, is that
        // revision; otherwise a final `-N` (or a `+...`) is a relative step.
        if self.ids().any(|id| id.starts_with(spec)) {
            return Ok(Spec::Rev(spec));
        }
        let at = spec.find('+').or_else(|| {
            spec.rfind('-')
                .filter(|&at| at > 0 && !spec[at + 1..].contains(|c: char| !c.is_ascii_digit()))
        });
        let (rev, tail) = match at {
            Some(at) => (&spec[..at], Some(&spec[at..])),
            None => (spec, None),
        };
        if let Some(c) = rev.chars().find(|c| !ids::Kind::Revision.allows(*c)) {
            return Err(malformed(format!(
                "`{}` cannot appear in a revision id",
                c.escape_default()
            )));
        }
        match tail {
            None => Ok(Spec::Rev(rev)),
            Some(tail) => {
                let (direction, steps) =
                    Self::parse_signed(spec, tail)?.expect("the tail starts with a sign");
                Ok(Spec::RevRelative(rev, direction, steps))
            }
        }
    }

    /// `+N` / `-N` → `Some`, text without a leading sign → `None`, a sign
    /// without a valid count → an error.
    fn parse_signed(spec: &str, text: &str) -> Result<Option<(Direction, u32)>, TargetError> {
        let (direction, digits) = if let Some(d) = text.strip_prefix('+') {
            (Direction::Up, d)
        } else if let Some(d) = text.strip_prefix('-') {
            (Direction::Down, d)
        } else {
            return Ok(None);
        };
        let sign = sign(&direction);
        let reason = if digits.is_empty() {
            format!("expected a number of steps after `{sign}`, as in `{sign}1`")
        } else if !digits.chars().all(|c| c.is_ascii_digit()) {
            format!("`{digits}` after `{sign}` is not a number of steps; write e.g. `{sign}1`")
        } else {
            match digits.parse::<u32>() {
                Ok(0) => format!("`{sign}0` moves nowhere; the number of steps must be at least 1"),
                Ok(steps) => return Ok(Some((direction, steps))),
                Err(_) => format!("`{digits}` is too many steps"),
            }
        };
        Err(TargetError::Malformed {
            spec: spec.to_owned(),
            reason,
        })
    }

    // ----- resolution -------------------------------------------------------

    /// A target that does not depend on the applied revisions.
    fn absolute(&self, spec: &str, parsed: Spec<'_>) -> Result<Abs, TargetError> {
        match parsed {
            Spec::Base => Ok(Abs::Base),
            Spec::Head => {
                let heads = self.head_idx();
                match heads.as_slice() {
                    [] => Ok(Abs::Base),
                    [head] => Ok(Abs::Rev(*head)),
                    _ => Err(TargetError::MultipleHeads {
                        spec: spec.to_owned(),
                        heads: self.owned_names(&heads),
                    }),
                }
            }
            Spec::Heads => Ok(Abs::Heads(self.head_idx())),
            Spec::Rev(rev) => Ok(Abs::Rev(self.find_rev(rev)?)),
            Spec::RevRelative(rev, direction, steps) => {
                let from = self.find_rev(rev)?;
                match self.walk(spec, Pos::Rev(from), direction, steps)? {
                    Pos::Base => Ok(Abs::Base),
                    Pos::Rev(i) => Ok(Abs::Rev(i)),
                }
            }
            Spec::AtHead(name) => {
                let first = self.lineage_root(spec, name)?;
                let mut heads: Vec<usize> = self
                    .descendant_or_self_idx(first)
                    .into_iter()
                    .filter(|&i| self.entries[i].children.is_empty())
                    .collect();
                heads.sort_by(|&a, &b| self.entries[a].revision.cmp(&self.entries[b].revision));
                match heads.as_slice() {
                    [head] => Ok(Abs::Rev(*head)),
                    _ => Err(TargetError::MultipleHeads {
                        spec: spec.to_owned(),
                        heads: self.owned_names(&heads),
                    }),
                }
            }
            Spec::AtBase(name) => match self.labels.get(name) {
                Some(&first) => Ok(Abs::BranchBase(first)),
                None if self.position(name).is_some() => Err(TargetError::Malformed {
                    spec: spec.to_owned(),
                    reason: format!(
                        "`@base` takes a branch label, and `{name}` is a revision; write `base`, or `{name}-1` for its parent"
                    ),
                }),
                None => Err(TargetError::UnknownLabel {
                    spec: spec.to_owned(),
                    name: name.to_owned(),
                    labels: self.labels.keys().cloned().collect(),
                }),
            },
            Spec::Relative(..) | Spec::AtRelative(..) => Err(TargetError::NeedsCurrent {
                spec: spec.to_owned(),
            }),
        }
    }

    /// A full id, or a unique prefix of at least 4 characters.
    fn find_rev(&self, rev: &str) -> Result<usize, TargetError> {
        if let Some(i) = self.position(rev) {
            return Ok(i);
        }
        if self.labels.contains_key(rev) {
            return Err(TargetError::LabelWithoutTarget {
                label: rev.to_owned(),
            });
        }
        let matches = self.prefix_matches(rev);
        // A keyword mistyped (`hed`, `haed`, `bsae`), where no revision
        // starts so: what was meant, not "too short" or a far-off id.
        if matches.is_empty() {
            if let Some(keyword) = nearest(rev, ["head", "heads", "base"]) {
                let mut suggestions = vec![keyword.to_owned()];
                suggestions.extend(self.suggest(rev));
                return Err(TargetError::UnknownRevision {
                    revision: rev.to_owned(),
                    suggestions,
                    heads: self.heads().into_iter().map(str::to_owned).collect(),
                });
            }
        }
        if rev.len() < MIN_PREFIX_LEN {
            return Err(TargetError::TooShort {
                prefix: rev.to_owned(),
                candidates: self.owned_names(&matches),
            });
        }
        match matches.as_slice() {
            [one] => Ok(*one),
            [] => Err(TargetError::UnknownRevision {
                revision: rev.to_owned(),
                suggestions: self.suggest(rev),
                heads: self.heads().into_iter().map(str::to_owned).collect(),
            }),
            _ => Err(TargetError::Ambiguous {
                prefix: rev.to_owned(),
                candidates: self.owned_names(&matches),
            }),
        }
    }

    /// Revisions whose id starts with `prefix`, sorted by id.
    fn prefix_matches(&self, prefix: &str) -> Vec<usize> {
        let first = self
            .by_id
            .partition_point(|&i| self.entries[i].revision.as_ref() < prefix);
        self.by_id[first..]
            .iter()
            .copied()
            .take_while(|&i| self.entries[i].revision.starts_with(prefix))
            .collect()
    }

    /// Up to three ids closest to `rev` (as a whole, or as a prefix).
    fn suggest(&self, rev: &str) -> Vec<String> {
        let limit = (rev.chars().count() / 3).max(1);
        let mut scored: Vec<(usize, &str)> = self
            .ids()
            .map(|id| {
                let head: String = id.chars().take(rev.chars().count()).collect();
                let distance = edit_distance(rev, id).min(edit_distance(rev, &head));
                (distance, id)
            })
            .filter(|(d, _)| *d <= limit)
            .collect();
        scored.sort();
        scored
            .into_iter()
            .take(3)
            .map(|(_, id)| id.to_owned())
            .collect()
    }

    /// The revision `x@...` starts from: the one labelled `x`, else the
    /// revision `x` names (full id or unique prefix).
    fn lineage_root(&self, spec: &str, name: &str) -> Result<usize, TargetError> {
        if let Some(&first) = self.labels.get(name) {
            return Ok(first);
        }
        if let Some(i) = self.position(name) {
            return Ok(i);
        }
        let matches = if name.len() >= MIN_PREFIX_LEN {
            self.prefix_matches(name)
        } else {
            Vec::new()
        };
        match matches.as_slice() {
            [one] => Ok(*one),
            [] => Err(TargetError::UnknownLabel {
                spec: spec.to_owned(),
                name: name.to_owned(),
                labels: self.labels.keys().cloned().collect(),
            }),
            _ => Err(TargetError::Ambiguous {
                prefix: name.to_owned(),
                candidates: self.owned_names(&matches),
            }),
        }
    }

    /// The current heads that descend from `first` (or are it).
    fn lineage_heads(&self, first: usize, applied: &BTreeSet<usize>) -> Vec<usize> {
        let lineage = self.descendant_or_self_idx(first);
        self.current_head_idx(applied)
            .into_iter()
            .filter(|h| lineage.contains(h))
            .collect()
    }

    /// `+N` from the current heads, or from base when nothing is applied.
    fn relative_up(
        &self,
        spec: &str,
        applied: &BTreeSet<usize>,
        steps: u32,
    ) -> Result<Pos, TargetError> {
        let heads = self.current_head_idx(applied);
        match heads.as_slice() {
            [] => self.walk(spec, Pos::Base, Direction::Up, steps),
            [head] => self.walk(spec, Pos::Rev(*head), Direction::Up, steps),
            _ => {
                let mut reached: BTreeSet<Pos> = BTreeSet::new();
                for &head in &heads {
                    match self.walk(spec, Pos::Rev(head), Direction::Up, steps) {
                        Ok(pos) => {
                            reached.insert(pos);
                        }
                        Err(TargetError::NotEnoughSteps { .. }) => {}
                        Err(other) => return Err(other),
                    }
                }
                match reached.len() {
                    1 => Ok(*reached.first().expect("one")),
                    _ => Err(TargetError::MultipleCurrentHeads {
                        spec: spec.to_owned(),
                        direction: Direction::Up,
                        heads: self.owned_names(&heads),
                    }),
                }
            }
        }
    }

    /// Walks `steps` revisions up (the single child) or down (the single
    /// parent; below a root is base).
    fn walk(
        &self,
        spec: &str,
        from: Pos,
        direction: Direction,
        steps: u32,
    ) -> Result<Pos, TargetError> {
        let mut at = from;
        for taken in 0..steps {
            let next: Vec<usize> = match (direction, at) {
                (Direction::Up, Pos::Base) => self.base_idx(),
                (Direction::Up, Pos::Rev(i)) => self.entries[i].children.clone(),
                (Direction::Down, Pos::Base) => Vec::new(),
                (Direction::Down, Pos::Rev(i)) => {
                    if self.entries[i].parent_idx.is_empty() {
                        at = Pos::Base;
                        continue;
                    }
                    self.entries[i].parent_idx.clone()
                }
            };
            match next.as_slice() {
                [] => {
                    return Err(TargetError::NotEnoughSteps {
                        spec: spec.to_owned(),
                        from: self.pos_name(from),
                        direction,
                        steps,
                        available: taken,
                    })
                }
                [one] => at = Pos::Rev(*one),
                _ => {
                    let mut options = self.owned_names(&next);
                    options.sort();
                    return Err(TargetError::AmbiguousStep {
                        spec: spec.to_owned(),
                        at: self.pos_name(at),
                        direction,
                        options,
                    });
                }
            }
        }
        Ok(at)
    }

    /// The one applied head a relative downgrade (`-N`, `x@-N`) counts from.
    fn one_head_to_step_down_from(
        &self,
        spec: &str,
        heads: &[usize],
    ) -> Result<usize, TargetError> {
        match heads {
            [] => Err(TargetError::NothingApplied {
                spec: spec.to_owned(),
            }),
            [head] => Ok(*head),
            _ => Err(TargetError::MultipleCurrentHeads {
                spec: spec.to_owned(),
                direction: Direction::Down,
                heads: self.owned_names(heads),
            }),
        }
    }

    /// The lowest of the `steps` revisions un-applied by `-N` from `head`:
    /// `head` itself, then its single parent, and so on, never below `floor`.
    fn walk_down_from_head(
        &self,
        spec: &str,
        head: usize,
        steps: u32,
        floor: Option<usize>,
    ) -> Result<usize, TargetError> {
        let mut at = head;
        for taken in 1..steps {
            let parents = &self.entries[at].parent_idx;
            if Some(at) == floor || parents.is_empty() {
                return Err(TargetError::NotEnoughSteps {
                    spec: spec.to_owned(),
                    from: self.entries[head].revision.to_string(),
                    direction: Direction::Down,
                    steps,
                    available: taken,
                });
            }
            match parents.as_slice() {
                [one] => at = *one,
                _ => {
                    return Err(TargetError::AmbiguousStep {
                        spec: spec.to_owned(),
                        at: self.entries[at].revision.to_string(),
                        direction: Direction::Down,
                        options: self.owned_names(&self.entries[at].parent_idx),
                    })
                }
            }
        }
        Ok(at)
    }

    // ----- helpers ------------------------------------------------------------

    fn check_applied(&self, applied: &BTreeSet<String>) -> Result<(), TargetError> {
        let unknown: Vec<String> = applied
            .iter()
            .filter(|r| !self.contains(r))
            .cloned()
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(TargetError::UnknownApplied { revisions: unknown })
        }
    }

    fn applied_idx(&self, applied: &BTreeSet<String>) -> BTreeSet<usize> {
        applied.iter().filter_map(|r| self.position(r)).collect()
    }

    /// Applied revisions without an applied child, sorted by id.
    fn current_head_idx(&self, applied: &BTreeSet<usize>) -> Vec<usize> {
        let mut heads: Vec<usize> = applied
            .iter()
            .copied()
            .filter(|&i| !self.entries[i].children.iter().any(|c| applied.contains(c)))
            .collect();
        heads.sort_by(|&a, &b| self.entries[a].revision.cmp(&self.entries[b].revision));
        heads
    }

    fn head_idx(&self) -> Vec<usize> {
        self.by_id
            .iter()
            .copied()
            .filter(|&i| self.entries[i].children.is_empty())
            .collect()
    }

    fn base_idx(&self) -> Vec<usize> {
        self.by_id
            .iter()
            .copied()
            .filter(|&i| self.entries[i].parent_idx.is_empty())
            .collect()
    }

    fn ancestor_idx(&self, i: usize) -> BTreeSet<usize> {
        self.reachable(i, |e| &e.parent_idx)
    }

    fn descendant_idx(&self, i: usize) -> BTreeSet<usize> {
        self.reachable(i, |e| &e.children)
    }

    /// Every entry reached from `i` by following `edges` (not `i` itself).
    fn reachable(&self, i: usize, edges: impl Fn(&Entry) -> &[usize]) -> BTreeSet<usize> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<usize> = edges(&self.entries[i]).to_vec();
        while let Some(n) = stack.pop() {
            if seen.insert(n) {
                stack.extend(edges(&self.entries[n]).iter().copied());
            }
        }
        seen
    }

    fn descendant_or_self_idx(&self, i: usize) -> BTreeSet<usize> {
        let mut set = self.descendant_idx(i);
        set.insert(i);
        set
    }

    /// Where `first` is reached from, for messages.
    fn below(&self, first: usize) -> Pos {
        match self.entries[first].parent_idx.as_slice() {
            [one] => Pos::Rev(*one),
            _ => Pos::Base,
        }
    }

    fn pos_vec(&self, pos: Pos) -> Vec<usize> {
        match pos {
            Pos::Base => Vec::new(),
            Pos::Rev(i) => vec![i],
        }
    }

    fn pos_name(&self, pos: Pos) -> String {
        match pos {
            Pos::Base => "<base>".to_owned(),
            Pos::Rev(i) => self.entries[i].revision.to_string(),
        }
    }

    fn step(&self, i: usize, direction: Direction) -> Step {
        Step {
            revision: self.entries[i].revision.to_string(),
            direction,
            parents: self.owned_names(&self.entries[i].parent_idx),
        }
    }

    fn names(&self, idx: &[usize]) -> Vec<&str> {
        idx.iter()
            .map(|&i| self.entries[i].revision.as_ref())
            .collect()
    }

    fn owned_names(&self, idx: &[usize]) -> Vec<String> {
        idx.iter()
            .map(|&i| self.entries[i].revision.to_string())
            .collect()
    }

    fn set_names(&self, idx: &BTreeSet<usize>) -> BTreeSet<&str> {
        idx.iter()
            .map(|&i| self.entries[i].revision.as_ref())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph(nodes: Vec<Node>) -> RevisionGraph {
        RevisionGraph::new(nodes).expect("a valid graph")
    }

    /// aaaa1111 -> aaaa2222 -> bbbb3333 -> cccc4444
    fn linear() -> RevisionGraph {
        graph(vec![
            Node::new("aaaa1111", &[]),
            Node::new("aaaa2222", &["aaaa1111"]),
            Node::new("bbbb3333", &["aaaa2222"]),
            Node::new("cccc4444", &["bbbb3333"]),
        ])
    }

    /// a -> b, a -> c [x], (b, c) -> m
    fn merge() -> RevisionGraph {
        graph(vec![
            Node::new("a", &[]),
            Node::new("b", &["a"]),
            Node::new("c", &["a"]).with_branch("x"),
            Node::new("m", &["b", "c"]),
        ])
    }

    /// r1 [alpha] -> r2 -> r3; s1 [beta] -> s2
    fn two_roots() -> RevisionGraph {
        graph(vec![
            Node::new("r1", &[]).with_branch("alpha"),
            Node::new("r2", &["r1"]),
            Node::new("r3", &["r2"]),
            Node::new("s1", &[]).with_branch("beta"),
            Node::new("s2", &["s1"]),
        ])
    }

    fn set(revisions: &[&str]) -> BTreeSet<String> {
        revisions.iter().map(|r| (*r).to_owned()).collect()
    }

    fn up(g: &RevisionGraph, applied: &[&str], target: &str) -> Result<Vec<String>, TargetError> {
        let plan = g.upgrade_plan(&set(applied), target)?;
        assert!(
            plan.iter().all(|s| s.direction == Direction::Up),
            "{plan:?}"
        );
        Ok(plan.into_iter().map(|s| s.revision).collect())
    }

    fn down(g: &RevisionGraph, applied: &[&str], target: &str) -> Result<Vec<String>, TargetError> {
        let plan = g.downgrade_plan(&set(applied), target)?;
        assert!(
            plan.iter().all(|s| s.direction == Direction::Down),
            "{plan:?}"
        );
        Ok(plan.into_iter().map(|s| s.revision).collect())
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn resolved(g: &RevisionGraph, spec: &str) -> Result<String, TargetError> {
        g.resolve(spec).map(|r| r.revision().to_owned())
    }

    fn malformed_reason(g: &RevisionGraph, spec: &str) -> String {
        match g.resolve(spec) {
            Err(TargetError::Malformed { spec: s, reason }) => {
                assert_eq!(s, spec);
                reason
            }
            other => panic!("`{spec}`: expected Malformed, got {other:?}"),
        }
    }

    const ALL_LINEAR: &[&str] = &["aaaa1111", "aaaa2222", "bbbb3333", "cccc4444"];

    // ----- structure ---------------------------------------------------------

    #[test]
    fn linear_structure() {
        let g = linear();
        assert_eq!(g.len(), 4);
        assert!(!g.is_empty());
        assert_eq!(g.topological_order(), ALL_LINEAR.to_vec());
        assert_eq!(g.heads(), vec!["cccc4444"]);
        assert_eq!(g.bases(), vec!["aaaa1111"]);
        assert_eq!(g.parents("bbbb3333"), &["aaaa2222".to_owned()]);
        assert!(g.parents("aaaa1111").is_empty());
        assert!(g.parents("nope").is_empty());
        assert_eq!(g.children("aaaa2222"), vec!["bbbb3333"]);
        assert!(g.children("cccc4444").is_empty());
        assert!(g.contains("bbbb3333"));
        assert!(!g.contains("bbbb"));
        assert_eq!(g.branch_of("bbbb3333"), None);
        assert_eq!(
            g.ancestors("bbbb3333"),
            BTreeSet::from(["aaaa1111", "aaaa2222"])
        );
        assert_eq!(
            g.descendants("aaaa2222"),
            BTreeSet::from(["bbbb3333", "cccc4444"])
        );
        assert!(g.descendants("unknown").is_empty());
        assert!(g.ancestors("aaaa1111").is_empty());
    }

    #[test]
    fn merge_structure_and_labels() {
        let g = merge();
        assert_eq!(g.topological_order(), vec!["a", "b", "c", "m"]);
        assert_eq!(g.heads(), vec!["m"]);
        assert_eq!(g.bases(), vec!["a"]);
        assert_eq!(g.children("a"), vec!["b", "c"]);
        assert_eq!(g.parents("m"), &["b".to_owned(), "c".to_owned()]);
        assert_eq!(g.ancestors("m"), BTreeSet::from(["a", "b", "c"]));
        assert_eq!(g.descendants("c"), BTreeSet::from(["m"]));
        assert_eq!(g.labels(), vec![("x", "c")]);
        assert_eq!(g.label("c"), Some("x"));
        assert_eq!(g.label("m"), None);
        assert_eq!(g.branch_of("a"), None);
        assert_eq!(g.branch_of("b"), None);
        assert_eq!(g.branch_of("c"), Some("x"));
        // A merge of the unlabelled line and branch x belongs to neither.
        assert_eq!(g.branch_of("m"), None);
        assert_eq!(g.current_heads(&set(&["a", "b", "c"])), vec!["b", "c"]);
        assert_eq!(g.current_heads(&set(&["a", "c", "zzzz"])), vec!["c"]);
        assert!(g.current_heads(&BTreeSet::new()).is_empty());
    }

    #[test]
    fn labels_follow_their_line() {
        let g = two_roots();
        assert_eq!(g.bases(), vec!["r1", "s1"]);
        assert_eq!(g.heads(), vec!["r3", "s2"]);
        assert_eq!(g.branch_of("r3"), Some("alpha"));
        assert_eq!(g.branch_of("s2"), Some("beta"));
        assert_eq!(g.labels(), vec![("alpha", "r1"), ("beta", "s1")]);
        // A labelled sub-branch takes over; its continuation keeps the new
        // label; a merge of two revisions of the same branch keeps it.
        let g = graph(vec![
            Node::new("p", &[]).with_branch("main"),
            Node::new("q", &["p"]),
            Node::new("f", &["p"]).with_branch("feature"),
            Node::new("f2", &["f"]),
            Node::new("q2", &["q"]).with_branch("side"),
            Node::new("j", &["q", "q2"]),
        ]);
        assert_eq!(g.branch_of("q"), Some("main"));
        assert_eq!(g.branch_of("f2"), Some("feature"));
        assert_eq!(g.branch_of("q2"), Some("side"));
        assert_eq!(g.branch_of("j"), None);
        assert_eq!(g.branch_of("unknown"), None);
    }

    #[test]
    fn topological_order_is_deterministic() {
        let nodes = vec![
            Node::new("zz01", &[]),
            Node::new("aa01", &["zz01"]),
            Node::new("mm01", &["zz01"]).with_branch("side"),
            Node::new("bb01", &["aa01", "mm01"]),
            Node::new("cc01", &["mm01"]).with_branch("other"),
        ];
        // Parents first even when their id sorts later; ties by id.
        let expected = vec!["zz01", "aa01", "mm01", "bb01", "cc01"];
        for rotation in 0..nodes.len() {
            let mut input = nodes.clone();
            input.rotate_left(rotation);
            assert_eq!(graph(input.clone()).topological_order(), expected);
            input.reverse();
            assert_eq!(graph(input).topological_order(), expected);
        }
    }

    // ----- construction errors -------------------------------------------------

    #[test]
    fn duplicate_revision() {
        let err = RevisionGraph::new(vec![
            Node::new("a", &[]),
            Node::new("b", &["a"]),
            Node::new("a", &[]),
        ])
        .unwrap_err();
        assert_eq!(
            err,
            GraphError::DuplicateRevision {
                revision: "a".into()
            }
        );
        assert!(err.to_string().contains("`a` is declared twice"), "{err}");
    }

    #[test]
    fn unknown_and_repeated_parent() {
        let err =
            RevisionGraph::new(vec![Node::new("a", &[]), Node::new("b", &["q"])]).unwrap_err();
        assert_eq!(
            err,
            GraphError::UnknownParent {
                revision: "b".into(),
                parent: "q".into()
            }
        );
        assert!(err.to_string().contains("down_revision `q`"), "{err}");
        let err =
            RevisionGraph::new(vec![Node::new("a", &[]), Node::new("m", &["a", "a"])]).unwrap_err();
        assert_eq!(
            err,
            GraphError::DuplicateParent {
                revision: "m".into(),
                parent: "a".into()
            }
        );
    }

    #[test]
    fn cycle_names_its_revisions() {
        let err = RevisionGraph::new(vec![
            Node::new("r", &[]),
            Node::new("t", &["r"]),
            Node::new("a", &["c"]),
            Node::new("b", &["a"]),
            Node::new("c", &["b"]),
            Node::new("d", &["c"]),
        ])
        .unwrap_err();
        assert_eq!(
            err,
            GraphError::Cycle {
                revisions: strings(&["a", "b", "c"])
            }
        );
        assert!(err.to_string().contains("a -> b -> c -> a"), "{err}");

        let err = RevisionGraph::new(vec![Node::new("a", &["a"])]).unwrap_err();
        assert_eq!(
            err,
            GraphError::Cycle {
                revisions: strings(&["a"])
            }
        );
        assert!(err.to_string().contains("a -> a"), "{err}");
    }

    #[test]
    fn label_errors() {
        let err = RevisionGraph::new(vec![
            Node::new("a", &[]),
            Node::new("b", &["a"]).with_branch("x"),
            Node::new("c", &["a"]).with_branch("x"),
        ])
        .unwrap_err();
        assert_eq!(
            err,
            GraphError::DuplicateLabel {
                label: "x".into(),
                first: "b".into(),
                second: "c".into()
            }
        );
        assert!(
            err.to_string().contains("`x` is on both `b` and `c`"),
            "{err}"
        );

        let err = RevisionGraph::new(vec![
            Node::new("a", &[]),
            Node::new("b", &["a"]).with_branch("a"),
        ])
        .unwrap_err();
        assert_eq!(
            err,
            GraphError::LabelIsRevision {
                label: "a".into(),
                revision: "b".into()
            }
        );

        for bad in ["heads", "x y", "", "x@y"] {
            let err = RevisionGraph::new(vec![Node::new("a", &[]).with_branch(bad)]).unwrap_err();
            assert!(
                matches!(&err, GraphError::InvalidLabel { label, revision, .. } if label == bad && revision == "a"),
                "{bad}: {err:?}"
            );
        }
        // Dashes are fine in labels.
        assert!(RevisionGraph::new(vec![Node::new("a", &[]).with_branch("my-branch")]).is_ok());
    }

    /// The graph accepts exactly the ids and labels of the shared table that
    /// the `#[migration]` macro accepts (its tests read the same table).
    #[test]
    fn ids_and_labels_as_the_macro() {
        for line in include_str!("../../migrate-core/tests/id-cases.tsv").lines() {
            if line.starts_with('#') {
                continue;
            }
            let [kind, text, expected] = line.split('\t').collect::<Vec<_>>()[..] else {
                panic!("bad line {line:?}");
            };
            let node = match kind {
                "revision" => Node::new(text, &[]),
                _ => Node::new("r1", &[]).with_branch(text),
            };
            let result = RevisionGraph::new(vec![node]);
            assert_eq!(result.is_ok(), expected == "ok", "{line:?}: {result:?}");
        }
    }

    #[test]
    fn invalid_revision_ids() {
        let long = "a".repeat(65);
        for (bad, reason) in [
            ("head", "target word"),
            ("Base", "target word"),
            ("a.b", "`.` is not allowed"),
            ("-1", "starts with `-`"),
            ("", "empty"),
            (long.as_str(), "65 characters"),
        ] {
            let err = RevisionGraph::new(vec![Node::new(bad, &[])]).unwrap_err();
            match &err {
                GraphError::InvalidRevision {
                    revision,
                    reason: r,
                } => {
                    assert_eq!(revision, bad);
                    assert!(r.contains(reason), "{bad}: {r}");
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        assert!(RevisionGraph::new(vec![Node::new("a".repeat(64), &[])]).is_ok());
        assert!(RevisionGraph::new(Vec::new())
            .expect("empty graph")
            .is_empty());
    }

    // ----- resolve ---------------------------------------------------------------

    #[test]
    fn resolve_ids_prefixes_and_head() {
        let g = linear();
        assert_eq!(resolved(&g, "head").unwrap(), "cccc4444");
        assert_eq!(resolved(&g, "aaaa1111").unwrap(), "aaaa1111");
        assert_eq!(resolved(&g, "bbbb").unwrap(), "bbbb3333");
        assert_eq!(resolved(&g, "aaaa2").unwrap(), "aaaa2222");
        assert_eq!(
            g.resolve("aaaa"),
            Err(TargetError::Ambiguous {
                prefix: "aaaa".into(),
                candidates: strings(&["aaaa1111", "aaaa2222"])
            })
        );
        let err = g.resolve("aa").unwrap_err();
        assert_eq!(
            err,
            TargetError::TooShort {
                prefix: "aa".into(),
                candidates: strings(&["aaaa1111", "aaaa2222"])
            }
        );
        assert!(err.to_string().contains("at least 4 characters"), "{err}");
        // A mistyped keyword is suggested, however short.
        for (typo, meant) in [("hed", "head"), ("haed", "head"), ("bsae", "base")] {
            let err = g.resolve(typo).unwrap_err();
            assert!(
                err.to_string().starts_with(&format!(
                    "unknown revision `{typo}`; did you mean `{meant}`"
                )),
                "{err}"
            );
        }
        // Not where a revision starts so.
        assert!(matches!(g.resolve("aa"), Err(TargetError::TooShort { .. })));
        let err = g.resolve("cccd").unwrap_err();
        assert_eq!(
            err,
            TargetError::UnknownRevision {
                revision: "cccd".into(),
                suggestions: strings(&["cccc4444"]),
                heads: strings(&["cccc4444"])
            }
        );
        let text = err.to_string();
        assert!(
            text.contains("unknown revision `cccd`; did you mean `cccc4444`?"),
            "{text}"
        );
        assert!(text.contains("known heads: `cccc4444`"), "{text}");
        assert_eq!(
            g.resolve("zzzz9999"),
            Err(TargetError::UnknownRevision {
                revision: "zzzz9999".into(),
                suggestions: vec![],
                heads: strings(&["cccc4444"])
            })
        );
        // Exact short ids need no 4 characters.
        assert_eq!(resolved(&merge(), "m").unwrap(), "m");
        // Ids are case-sensitive, and `HEAD` is not a keyword.
        assert!(matches!(
            g.resolve("HEAD"),
            Err(TargetError::UnknownRevision { .. })
        ));
    }

    #[test]
    fn resolve_relative_to_a_revision() {
        let g = linear();
        assert_eq!(resolved(&g, "aaaa1111+2").unwrap(), "bbbb3333");
        assert_eq!(resolved(&g, "cccc4444-3").unwrap(), "aaaa1111");
        assert_eq!(resolved(&g, "cccc-1").unwrap(), "bbbb3333");
        assert_eq!(
            g.resolve("aaaa1111-1"),
            Err(TargetError::NotARevision {
                spec: "aaaa1111-1".into()
            })
        );
        let err = g.resolve("bbbb+5").unwrap_err();
        assert_eq!(
            err,
            TargetError::NotEnoughSteps {
                spec: "bbbb+5".into(),
                from: "bbbb3333".into(),
                direction: Direction::Up,
                steps: 5,
                available: 1
            }
        );
        assert!(err.to_string().contains("only 1 are possible"), "{err}");
        assert!(
            matches!(g.resolve("cccd+1"), Err(TargetError::UnknownRevision { revision, .. }) if revision == "cccd")
        );

        let g = merge();
        assert_eq!(resolved(&g, "b+1").unwrap(), "m");
        let err = g.resolve("a+1").unwrap_err();
        assert_eq!(
            err,
            TargetError::AmbiguousStep {
                spec: "a+1".into(),
                at: "a".into(),
                direction: Direction::Up,
                options: strings(&["b", "c"])
            }
        );
        assert!(
            err.to_string()
                .contains("`a` has several children (`b`, `c`)"),
            "{err}"
        );
        assert_eq!(
            g.resolve("m-1"),
            Err(TargetError::AmbiguousStep {
                spec: "m-1".into(),
                at: "m".into(),
                direction: Direction::Down,
                options: strings(&["b", "c"])
            })
        );
    }

    #[test]
    fn resolve_multiple_heads_and_labels() {
        let g = two_roots();
        let err = g.resolve("head").unwrap_err();
        assert_eq!(
            err,
            TargetError::MultipleHeads {
                spec: "head".into(),
                heads: strings(&["r3", "s2"])
            }
        );
        let text = err.to_string();
        assert!(
            text.starts_with("Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads"),
            "{text}"
        );
        assert!(text.contains("`r3`, `s2`"), "{text}");
        assert_eq!(resolved(&g, "alpha@head").unwrap(), "r3");
        assert_eq!(resolved(&g, "beta@head").unwrap(), "s2");
        assert_eq!(resolved(&g, "r2@head").unwrap(), "r3");
        assert_eq!(
            g.resolve("beta"),
            Err(TargetError::LabelWithoutTarget {
                label: "beta".into()
            })
        );
        assert!(g
            .resolve("beta")
            .unwrap_err()
            .to_string()
            .contains("write `beta@head`"));
        let err = g.resolve("gamma@head").unwrap_err();
        assert_eq!(
            err,
            TargetError::UnknownLabel {
                spec: "gamma@head".into(),
                name: "gamma".into(),
                labels: strings(&["alpha", "beta"])
            }
        );
        for spec in ["base", "heads", "alpha@base"] {
            assert_eq!(
                g.resolve(spec),
                Err(TargetError::NotARevision { spec: spec.into() })
            );
        }
        for spec in ["+1", "-1", "alpha@+1", "beta@-1"] {
            assert_eq!(
                g.resolve(spec),
                Err(TargetError::NeedsCurrent { spec: spec.into() })
            );
        }

        let g = merge();
        assert_eq!(resolved(&g, "head").unwrap(), "m");
        assert_eq!(resolved(&g, "x@head").unwrap(), "m");
        assert!(malformed_reason(&g, "a@base").contains("`@base` takes a branch label"));

        // A branch whose lineage has two heads.
        let g = graph(vec![
            Node::new("a", &[]).with_branch("x"),
            Node::new("b", &["a"]),
            Node::new("c", &["a"]).with_branch("y"),
        ]);
        assert_eq!(
            g.resolve("x@head"),
            Err(TargetError::MultipleHeads {
                spec: "x@head".into(),
                heads: strings(&["b", "c"])
            })
        );
        assert_eq!(resolved(&g, "y@head").unwrap(), "c");
        assert!(RevisionGraph::new(Vec::new())
            .unwrap()
            .resolve("head")
            .is_err());
    }

    /// UUID-form ids (Alembic accepts them): a `-` inside an id is part of
    /// it, in full or as a prefix; a final `-N` after an id is a step.
    #[test]
    fn uuid_form_ids_as_targets() {
        let a = "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b";
        let b = "c0ffee00-0000-4000-8000-000000000000";
        let c = "c0ffee00-0000-4000-8000-000000000001";
        let g = graph(vec![
            Node::new(a, &[]),
            Node::new(b, &[a]),
            Node::new(c, &[b]),
        ]);
        assert_eq!(resolved(&g, a).unwrap(), a);
        assert_eq!(resolved(&g, b).unwrap(), b);
        assert_eq!(resolved(&g, "3f2b8c1e-5d4a").unwrap(), a);
        assert_eq!(resolved(&g, &format!("{b}+1")).unwrap(), c);
        assert_eq!(resolved(&g, &format!("{c}-2")).unwrap(), a);
        assert_eq!(resolved(&g, "3f2b8c1e+2").unwrap(), c);
        assert_eq!(up(&g, &[], b).unwrap(), strings(&[a, b]));
        assert_eq!(down(&g, &[a, b, c], a).unwrap(), strings(&[c, b]));
        assert!(matches!(
            g.resolve("-1x"),
            Err(TargetError::Malformed { .. })
        ));
    }

    #[test]
    fn malformed_targets() {
        let g = merge();
        assert_eq!(g.resolve(""), Err(TargetError::Empty));
        assert!(malformed_reason(&g, "+").contains("expected a number of steps after `+`"));
        assert!(malformed_reason(&g, "-").contains("expected a number of steps after `-`"));
        assert!(malformed_reason(&g, "-x").contains("`x` after `-` is not a number of steps"));
        assert!(malformed_reason(&g, "+0").contains("at least 1"));
        assert!(malformed_reason(&g, "+99999999999").contains("too many steps"));
        assert!(malformed_reason(&g, "b+").contains("expected a number of steps after `+`"));
        assert!(malformed_reason(&g, "b+1+2").contains("`1+2` after `+` is not a number"));
        assert!(malformed_reason(&g, "@head").contains("nothing before `@`"));
        assert!(malformed_reason(&g, "x@").contains("nothing after `@`"));
        assert!(malformed_reason(&g, "x@heads").contains("is not `head`, `base`, `+N` or `-N`"));
        assert!(malformed_reason(&g, "x@-y").contains("`y` after `-` is not a number"));
        assert!(malformed_reason(&g, "a b").contains("` ` cannot appear in a revision id"));
        assert!(malformed_reason(&g, "a.b@head").contains("`.` cannot appear"));
        assert_eq!(
            g.resolve("a:b"),
            Err(TargetError::RangeNotAllowed { spec: "a:b".into() })
        );
        assert_eq!(
            g.upgrade_plan(&BTreeSet::new(), "base:head"),
            Err(TargetError::RangeNotAllowed {
                spec: "base:head".into()
            })
        );
        assert_eq!(
            g.downgrade_plan(&BTreeSet::new(), ""),
            Err(TargetError::Empty)
        );
    }

    // ----- upgrade -----------------------------------------------------------------

    #[test]
    fn upgrade_linear() {
        let g = linear();
        assert_eq!(
            g.upgrade_plan(&BTreeSet::new(), "head").unwrap(),
            vec![
                Step {
                    revision: "aaaa1111".into(),
                    direction: Direction::Up,
                    parents: vec![]
                },
                Step {
                    revision: "aaaa2222".into(),
                    direction: Direction::Up,
                    parents: strings(&["aaaa1111"])
                },
                Step {
                    revision: "bbbb3333".into(),
                    direction: Direction::Up,
                    parents: strings(&["aaaa2222"])
                },
                Step {
                    revision: "cccc4444".into(),
                    direction: Direction::Up,
                    parents: strings(&["bbbb3333"])
                },
            ]
        );
        assert_eq!(
            up(&g, &["aaaa1111", "aaaa2222"], "head").unwrap(),
            strings(&["bbbb3333", "cccc4444"])
        );
        assert_eq!(
            up(&g, &[], "bbbb").unwrap(),
            strings(&["aaaa1111", "aaaa2222", "bbbb3333"])
        );
        assert_eq!(
            up(&g, &["aaaa1111"], "+2").unwrap(),
            strings(&["aaaa2222", "bbbb3333"])
        );
        assert_eq!(up(&g, &[], "+1").unwrap(), strings(&["aaaa1111"]));
        assert_eq!(
            up(&g, &["aaaa1111"], "aaaa1111+1").unwrap(),
            strings(&["aaaa2222"])
        );
        assert_eq!(up(&g, ALL_LINEAR, "head").unwrap(), Vec::<String>::new());
        assert_eq!(
            up(&g, ALL_LINEAR, "aaaa1111").unwrap(),
            Vec::<String>::new()
        );
        assert_eq!(up(&g, &[], "base").unwrap(), Vec::<String>::new());
        assert_eq!(up(&g, &[], "heads").unwrap(), strings(ALL_LINEAR));
        // A gap in the applied set is filled.
        assert_eq!(
            up(&g, &["aaaa1111", "bbbb3333"], "head").unwrap(),
            strings(&["aaaa2222", "cccc4444"])
        );
        assert_eq!(
            up(&g, &["aaaa1111"], "+4"),
            Err(TargetError::NotEnoughSteps {
                spec: "+4".into(),
                from: "aaaa1111".into(),
                direction: Direction::Up,
                steps: 4,
                available: 3
            })
        );
        assert_eq!(
            up(&g, &[], "-1"),
            Err(TargetError::NotForUpgrade { spec: "-1".into() })
        );
        let err = up(&g, &["aaaa1111", "zzzz", "yyyy"], "head").unwrap_err();
        assert_eq!(
            err,
            TargetError::UnknownApplied {
                revisions: strings(&["yyyy", "zzzz"])
            }
        );
        assert!(err.to_string().contains("`yyyy`, `zzzz`"), "{err}");
    }

    #[test]
    fn upgrade_merge() {
        let g = merge();
        let plan = g.upgrade_plan(&BTreeSet::new(), "head").unwrap();
        assert_eq!(
            plan.iter().map(|s| s.revision.as_str()).collect::<Vec<_>>(),
            vec!["a", "b", "c", "m"]
        );
        assert_eq!(plan[3].parents, strings(&["b", "c"]));
        // Partial branch: c applied, b not.
        assert_eq!(up(&g, &["a", "c"], "head").unwrap(), strings(&["b", "m"]));
        assert_eq!(up(&g, &["a", "b"], "x@head").unwrap(), strings(&["c", "m"]));
        assert_eq!(up(&g, &["a"], "c").unwrap(), strings(&["c"]));
        assert_eq!(up(&g, &[], "x@+1").unwrap(), strings(&["a", "c"]));
        assert_eq!(up(&g, &["a", "b"], "x@+1").unwrap(), strings(&["c"]));
        assert_eq!(up(&g, &["a", "c"], "x@+1").unwrap(), strings(&["b", "m"]));
        // Two current heads that lead to the same merge.
        assert_eq!(up(&g, &["a", "b", "c"], "+1").unwrap(), strings(&["m"]));
        assert_eq!(
            up(&g, &["a"], "+1"),
            Err(TargetError::AmbiguousStep {
                spec: "+1".into(),
                at: "a".into(),
                direction: Direction::Up,
                options: strings(&["b", "c"])
            })
        );
        assert_eq!(
            up(&g, &["a", "b", "c", "m"], "+1"),
            Err(TargetError::NotEnoughSteps {
                spec: "+1".into(),
                from: "m".into(),
                direction: Direction::Up,
                steps: 1,
                available: 0
            })
        );
        assert_eq!(
            up(&g, &[], "heads").unwrap(),
            strings(&["a", "b", "c", "m"])
        );
        assert_eq!(up(&g, &[], "x@base").unwrap(), strings(&["a"]));
        assert_eq!(up(&g, &["a"], "x@base").unwrap(), Vec::<String>::new());
        assert_eq!(
            up(&g, &[], "x@-1"),
            Err(TargetError::NotForUpgrade {
                spec: "x@-1".into()
            })
        );
    }

    #[test]
    fn upgrade_two_roots() {
        let g = two_roots();
        assert_eq!(
            up(&g, &[], "alpha@head").unwrap(),
            strings(&["r1", "r2", "r3"])
        );
        assert_eq!(
            up(&g, &["r1", "r2"], "beta@head").unwrap(),
            strings(&["s1", "s2"])
        );
        assert_eq!(up(&g, &[], "beta@+1").unwrap(), strings(&["s1"]));
        assert_eq!(up(&g, &["r1"], "alpha@+2").unwrap(), strings(&["r2", "r3"]));
        assert_eq!(
            up(&g, &[], "heads").unwrap(),
            strings(&["r1", "r2", "r3", "s1", "s2"])
        );
        assert!(matches!(
            up(&g, &[], "head"),
            Err(TargetError::MultipleHeads { .. })
        ));
        assert_eq!(
            up(&g, &[], "+1"),
            Err(TargetError::AmbiguousStep {
                spec: "+1".into(),
                at: "<base>".into(),
                direction: Direction::Up,
                options: strings(&["r1", "s1"])
            })
        );
        let err = up(&g, &["r1", "s1"], "+1").unwrap_err();
        assert_eq!(
            err,
            TargetError::MultipleCurrentHeads {
                spec: "+1".into(),
                direction: Direction::Up,
                heads: strings(&["r1", "s1"])
            }
        );
        assert!(err.to_string().contains("use `<branch>@+N`"), "{err}");
        // Only one current head can move: unambiguous.
        assert_eq!(
            up(&g, &["r1", "r2", "r3", "s1"], "+1").unwrap(),
            strings(&["s2"])
        );
        // None can move two steps.
        assert!(matches!(
            up(&g, &["r1", "r2", "s1"], "+2"),
            Err(TargetError::MultipleCurrentHeads { .. })
        ));
        assert_eq!(
            up(&g, &["r1"], "alpha@+5"),
            Err(TargetError::NotEnoughSteps {
                spec: "alpha@+5".into(),
                from: "r1".into(),
                direction: Direction::Up,
                steps: 5,
                available: 2
            })
        );
        assert_eq!(
            up(&g, &[], "alpha@+4"),
            Err(TargetError::NotEnoughSteps {
                spec: "alpha@+4".into(),
                from: "<base>".into(),
                direction: Direction::Up,
                steps: 4,
                available: 3
            })
        );
    }

    // ----- downgrade -----------------------------------------------------------------

    #[test]
    fn downgrade_linear() {
        let g = linear();
        assert_eq!(
            g.downgrade_plan(&set(ALL_LINEAR), "-1").unwrap(),
            vec![Step {
                revision: "cccc4444".into(),
                direction: Direction::Down,
                parents: strings(&["bbbb3333"])
            }]
        );
        assert_eq!(
            down(&g, ALL_LINEAR, "-2").unwrap(),
            strings(&["cccc4444", "bbbb3333"])
        );
        assert_eq!(
            down(&g, ALL_LINEAR, "-4").unwrap(),
            strings(&["cccc4444", "bbbb3333", "aaaa2222", "aaaa1111"])
        );
        assert_eq!(
            down(&g, ALL_LINEAR, "base").unwrap(),
            strings(&["cccc4444", "bbbb3333", "aaaa2222", "aaaa1111"])
        );
        assert_eq!(
            down(&g, ALL_LINEAR, "aaaa2").unwrap(),
            strings(&["cccc4444", "bbbb3333"])
        );
        assert_eq!(
            down(&g, ALL_LINEAR, "aaaa1111+1").unwrap(),
            strings(&["cccc4444", "bbbb3333"])
        );
        assert_eq!(down(&g, ALL_LINEAR, "head").unwrap(), Vec::<String>::new());
        assert_eq!(
            down(&g, &["aaaa1111", "aaaa2222"], "-1").unwrap(),
            strings(&["aaaa2222"])
        );
        assert_eq!(
            down(&g, ALL_LINEAR, "-5"),
            Err(TargetError::NotEnoughSteps {
                spec: "-5".into(),
                from: "cccc4444".into(),
                direction: Direction::Down,
                steps: 5,
                available: 4
            })
        );
        let err = down(&g, &["aaaa1111"], "bbbb").unwrap_err();
        assert_eq!(
            err,
            TargetError::NotApplied {
                spec: "bbbb".into(),
                revision: "bbbb3333".into(),
                current: strings(&["aaaa1111"])
            }
        );
        assert!(err.to_string().contains("upgrade to `bbbb`"), "{err}");
        assert_eq!(
            down(&g, ALL_LINEAR, "+1"),
            Err(TargetError::NotForDowngrade { spec: "+1".into() })
        );
        assert_eq!(
            down(&g, ALL_LINEAR, "heads"),
            Err(TargetError::NotForDowngrade {
                spec: "heads".into()
            })
        );
        assert_eq!(
            down(&g, &[], "-1"),
            Err(TargetError::NothingApplied { spec: "-1".into() })
        );
        assert_eq!(down(&g, &[], "base").unwrap(), Vec::<String>::new());
        assert_eq!(
            down(&g, &["nope"], "base"),
            Err(TargetError::UnknownApplied {
                revisions: strings(&["nope"])
            })
        );
    }

    #[test]
    fn downgrade_merge_fully_applied() {
        let g = merge();
        let all = &["a", "b", "c", "m"];
        let plan = g.downgrade_plan(&set(all), "-1").unwrap();
        assert_eq!(
            plan,
            vec![Step {
                revision: "m".into(),
                direction: Direction::Down,
                parents: strings(&["b", "c"])
            }]
        );
        assert_eq!(
            down(&g, all, "-2"),
            Err(TargetError::AmbiguousStep {
                spec: "-2".into(),
                at: "m".into(),
                direction: Direction::Down,
                options: strings(&["b", "c"])
            })
        );
        assert_eq!(down(&g, all, "a").unwrap(), strings(&["m", "c", "b"]));
        assert_eq!(
            down(&g, all, "base").unwrap(),
            strings(&["m", "c", "b", "a"])
        );
        // Downgrading branch x leaves the other line applied.
        assert_eq!(down(&g, all, "x@base").unwrap(), strings(&["m", "c"]));
        // Only what descends from b goes; c, on the other line, stays.
        assert_eq!(down(&g, all, "b").unwrap(), strings(&["m"]));
        assert_eq!(down(&g, all, "x@-1").unwrap(), strings(&["m"]));
    }

    #[test]
    fn downgrade_merge_partially_applied() {
        let g = merge();
        let two_heads = &["a", "b", "c"];
        let err = down(&g, two_heads, "-1").unwrap_err();
        assert_eq!(
            err,
            TargetError::MultipleCurrentHeads {
                spec: "-1".into(),
                direction: Direction::Down,
                heads: strings(&["b", "c"])
            }
        );
        assert!(err.to_string().contains("use `<branch>@-N`"), "{err}");
        assert_eq!(down(&g, two_heads, "x@-1").unwrap(), strings(&["c"]));
        assert_eq!(down(&g, two_heads, "x@base").unwrap(), strings(&["c"]));
        assert_eq!(
            down(&g, two_heads, "x@-2"),
            Err(TargetError::NotEnoughSteps {
                spec: "x@-2".into(),
                from: "c".into(),
                direction: Direction::Down,
                steps: 2,
                available: 1
            })
        );
        assert_eq!(down(&g, two_heads, "b").unwrap(), Vec::<String>::new());
        // `c-1` is `a`: everything above `a` goes, both lines.
        assert_eq!(down(&g, two_heads, "c-1").unwrap(), strings(&["c", "b"]));
        assert_eq!(
            down(&g, &["a", "b"], "x@-1"),
            Err(TargetError::NothingApplied {
                spec: "x@-1".into()
            })
        );
        assert_eq!(
            down(&g, &["a", "b"], "x@base").unwrap(),
            Vec::<String>::new()
        );
        assert!(matches!(
            down(&g, &["a", "b"], "c"),
            Err(TargetError::NotApplied { .. })
        ));
    }

    #[test]
    fn downgrade_two_roots() {
        let g = two_roots();
        let all = &["r1", "r2", "r3", "s1", "s2"];
        assert_eq!(down(&g, all, "alpha@-2").unwrap(), strings(&["r3", "r2"]));
        assert_eq!(down(&g, all, "beta@base").unwrap(), strings(&["s2", "s1"]));
        assert_eq!(down(&g, all, "r1").unwrap(), strings(&["r3", "r2"]));
        assert_eq!(
            down(&g, all, "base").unwrap(),
            strings(&["s2", "s1", "r3", "r2", "r1"])
        );
        assert_eq!(
            down(&g, all, "alpha@-4"),
            Err(TargetError::NotEnoughSteps {
                spec: "alpha@-4".into(),
                from: "r3".into(),
                direction: Direction::Down,
                steps: 4,
                available: 3
            })
        );
        assert_eq!(
            down(&g, all, "-1"),
            Err(TargetError::MultipleCurrentHeads {
                spec: "-1".into(),
                direction: Direction::Down,
                heads: strings(&["r3", "s2"])
            })
        );
        assert_eq!(
            down(&g, all, "beta@+1"),
            Err(TargetError::NotForDowngrade {
                spec: "beta@+1".into()
            })
        );
    }

    #[test]
    fn step_display_is_alembic_form() {
        let g = merge();
        let plan = g.upgrade_plan(&BTreeSet::new(), "head").unwrap();
        let text: Vec<String> = plan.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            vec![
                "upgrade  -> a",
                "upgrade a -> b",
                "upgrade a -> c",
                "upgrade b, c -> m"
            ]
        );
        let plan = g
            .downgrade_plan(&set(&["a", "b", "c", "m"]), "base")
            .unwrap();
        let text: Vec<String> = plan.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            vec![
                "downgrade m -> b, c",
                "downgrade c -> a",
                "downgrade b -> a",
                "downgrade a -> "
            ]
        );
    }

    // ----- range ---------------------------------------------------------------------

    #[test]
    fn range_linear() {
        let g = linear();
        let newest_first = vec!["cccc4444", "bbbb3333", "aaaa2222", "aaaa1111"];
        assert_eq!(g.range("base:head").unwrap(), newest_first);
        assert_eq!(g.range(":").unwrap(), newest_first);
        assert_eq!(g.range("bbbb:").unwrap(), vec!["cccc4444", "bbbb3333"]);
        assert_eq!(g.range(":aaaa2").unwrap(), vec!["aaaa2222", "aaaa1111"]);
        assert_eq!(g.range("aaaa2:bbbb").unwrap(), vec!["bbbb3333", "aaaa2222"]);
        assert_eq!(
            g.range("aaaa1111+1:head").unwrap(),
            vec!["cccc4444", "bbbb3333", "aaaa2222"]
        );
        assert_eq!(g.range("base:base").unwrap(), Vec::<&str>::new());
        assert_eq!(
            g.range("cccc:aaaa1"),
            Err(TargetError::NotAncestor {
                spec: "cccc:aaaa1".into(),
                lower: "cccc4444".into(),
                upper: "aaaa1111".into()
            })
        );
        assert_eq!(
            g.range("head"),
            Err(TargetError::NotARange {
                spec: "head".into()
            })
        );
        assert!(matches!(
            g.range("a:b:c"),
            Err(TargetError::Malformed { .. })
        ));
        assert_eq!(
            g.range("+1:"),
            Err(TargetError::NeedsCurrent { spec: "+1".into() })
        );
        assert!(matches!(
            g.range("zzzz:"),
            Err(TargetError::UnknownRevision { .. })
        ));
        assert!(matches!(
            g.range("@head:"),
            Err(TargetError::Malformed { .. })
        ));
    }

    #[test]
    fn range_branches() {
        let g = merge();
        assert_eq!(g.range("base:head").unwrap(), vec!["m", "c", "b", "a"]);
        assert_eq!(g.range("x@base:").unwrap(), vec!["m", "c"]);
        assert_eq!(g.range(":x@base").unwrap(), vec!["a"]);
        assert_eq!(g.range("b:m").unwrap(), vec!["m", "b"]);
        assert!(matches!(
            g.range("b:c"),
            Err(TargetError::NotAncestor { .. })
        ));

        let g = two_roots();
        assert!(matches!(
            g.range("base:head"),
            Err(TargetError::MultipleHeads { .. })
        ));
        assert_eq!(
            g.range("base:heads").unwrap(),
            vec!["s2", "s1", "r3", "r2", "r1"]
        );
        assert_eq!(g.range("alpha@base:").unwrap(), vec!["r3", "r2", "r1"]);
        assert_eq!(g.range(":beta@head").unwrap(), vec!["s2", "s1"]);
    }

    // ----- from_migrations ---------------------------------------------------------

    struct TestAnchor;

    fn test_anchor() -> std::any::TypeId {
        std::any::TypeId::of::<TestAnchor>()
    }

    /// A record as `#[migration]` writes it (`migrate_core::encode`): the
    /// parents and branch as written there, no ops.
    macro_rules! test_migration {
        ($rev:literal, $parents:literal, $branch:literal) => {
            inventory::submit! {
                crate::migration::Migration::__new(crate::migration::MigrationParts {
                    revision: $rev,
                    lineage: concat!(
                        "m2", $parents, $branch,
                        "0000000000000000000000000000000000000000000000000000000000000000",
                    ),
                    record: concat!(
                        "4:testtt2:0:+2:0:", module_path!(), "\0", file!(), "\0", line!()
                    ),
                    functions: &[],
                    anchor: test_anchor,
                })
            }
        };
    }

    test_migration!("graphtest1", "0:", "-");
    test_migration!("graphtest2", "1:10:graphtest1", "-");
    test_migration!("graphtest3", "1:10:graphtest1", "+4:side");
    test_migration!("graphtest4", "2:10:graphtest210:graphtest3", "-");

    #[test]
    fn from_migrations() {
        let migrations = crate::Migrations::collect(test_anchor(), "graph_tests");
        assert_eq!(migrations.len(), 4);
        let g = RevisionGraph::from_migrations(&migrations).unwrap();
        assert_eq!(
            g.topological_order(),
            vec!["graphtest1", "graphtest2", "graphtest3", "graphtest4"]
        );
        assert_eq!(
            g.parents("graphtest4"),
            &strings(&["graphtest2", "graphtest3"])[..]
        );
        assert_eq!(g.branch_of("graphtest3"), Some("side"));
        assert_eq!(resolved(&g, "side@head").unwrap(), "graphtest4");
    }
}
