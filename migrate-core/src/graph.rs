//! The rules of a revision graph's shape, in one place for the build's
//! whole-chain checks (`migrate-macros`' `chain.rs`, which report each
//! finding at the `migrations!()` call with its file and line) and the
//! runtime's `RevisionGraph` (which refuses a graph with the first finding).
//!
//! Nodes are positions `0..n`; each has the positions of its parents (its
//! `down_revision`s that name a known revision). Ties are broken by a
//! *rank* per node, the order of the revision ids, so that orders and
//! messages do not depend on the order migrations were found in.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// The nodes in an order where parents come first, and the cycles among the
/// nodes that order could not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    /// Per node: its children, in the order the nodes are numbered.
    pub children: Vec<Vec<usize>>,
    /// Parents first; among the nodes ready at once, the lowest rank first
    /// (Kahn's algorithm). Nodes on a cycle, or after one, are not here.
    pub order: Vec<usize>,
    /// Each cycle once, as the nodes on it, each the parent of the next and
    /// the last the parent of the first, starting with the lowest rank; the
    /// cycles in the order of their lowest rank.
    pub cycles: Vec<Vec<usize>>,
}

/// Rule: history is acyclic. Orders the nodes, parents first, and finds the
/// cycles among the nodes left over. `rank(i)` is node `i`'s place in id
/// order (distinct per node).
pub fn order(parents: &[Vec<usize>], rank: impl Fn(usize) -> usize) -> Order {
    let n = parents.len();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (child, ps) in parents.iter().enumerate() {
        for &p in ps {
            children[p].push(child);
        }
    }
    let mut waiting: Vec<usize> = parents.iter().map(Vec::len).collect();
    // A heap: no allocation per node, as a set of one would have.
    let mut ready: BinaryHeap<Reverse<(usize, usize)>> = (0..n)
        .filter(|&i| waiting[i] == 0)
        .map(|i| Reverse((rank(i), i)))
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(Reverse((_, i))) = ready.pop() {
        order.push(i);
        for &c in &children[i] {
            waiting[c] -= 1;
            if waiting[c] == 0 {
                ready.push(Reverse((rank(c), c)));
            }
        }
    }
    let cycles = if order.len() < n {
        cycles(parents, &rank, &order)
    } else {
        Vec::new()
    };
    Order {
        children,
        order,
        cycles,
    }
}

/// The cycles among the nodes not in `ordered`: each of those has a parent
/// among them (else it would have been ordered), so following parents comes
/// back. From each node not yet seen, lowest rank first, the walk follows
/// the lowest-ranked parent left over; a walk that joins an earlier one's
/// path found no new cycle (the node leads into one already reported).
fn cycles(
    parents: &[Vec<usize>],
    rank: impl Fn(usize) -> usize,
    ordered: &[usize],
) -> Vec<Vec<usize>> {
    let n = parents.len();
    let mut is_ordered = vec![false; n];
    for &i in ordered {
        is_ordered[i] = true;
    }
    // Walked already: ordered, or on an earlier walk's path.
    let mut done = is_ordered.clone();
    let mut left: Vec<usize> = (0..n).filter(|&i| !done[i]).collect();
    left.sort_by_key(|&i| rank(i));
    let mut found = Vec::new();
    for start in left {
        let mut path: Vec<usize> = Vec::new();
        let mut on_path: BTreeMap<usize, usize> = BTreeMap::new();
        let mut current = start;
        let cycle_at = loop {
            if done[current] {
                break None;
            }
            if let Some(&at) = on_path.get(&current) {
                break Some(at);
            }
            on_path.insert(current, path.len());
            path.push(current);
            match parents[current]
                .iter()
                .copied()
                .filter(|&p| !is_ordered[p])
                .min_by_key(|&p| rank(p))
            {
                Some(p) => current = p,
                None => break None,
            }
        };
        for &p in &path {
            done[p] = true;
        }
        let Some(at) = cycle_at else { continue };
        // `path` goes from child to parent: parents first, lowest rank first.
        let mut cycle: Vec<usize> = path[at..].to_vec();
        cycle.reverse();
        if let Some(lowest) = (0..cycle.len()).min_by_key(|&k| rank(cycle[k])) {
            cycle.rotate_left(lowest);
        }
        found.push(cycle);
    }
    found
}

/// A branch label that breaks a rule (see [`label_conflicts`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelConflict<'a> {
    /// Two nodes carry `label`: a label names one line of history.
    Twice {
        /// The label.
        label: &'a str,
        /// The node that carries it first.
        first: usize,
        /// The node that carries it again.
        second: usize,
    },
    /// `label` of node `owner` is also the id of node `revision`, so
    /// `label@head` would be ambiguous.
    IsRevision {
        /// The label.
        label: &'a str,
        /// The node that carries it.
        owner: usize,
        /// The node whose revision id it is.
        revision: usize,
    },
}

/// Rules: a branch label names one line of history, and is not a revision
/// id. `labelled` lists the nodes with a label, in the order to report them;
/// `revision` finds the node with an id. A node whose label was seen already
/// is reported once, as [`LabelConflict::Twice`].
pub fn label_conflicts<'a>(
    labelled: impl IntoIterator<Item = (usize, &'a str)>,
    revision: impl Fn(&str) -> Option<usize>,
) -> Vec<LabelConflict<'a>> {
    let mut owner: BTreeMap<&str, usize> = BTreeMap::new();
    let mut found = Vec::new();
    for (node, label) in labelled {
        if let Some(&first) = owner.get(label) {
            found.push(LabelConflict::Twice {
                label,
                first,
                second: node,
            });
            continue;
        }
        owner.insert(label, node);
        if let Some(r) = revision(label) {
            found.push(LabelConflict::IsRevision {
                label,
                owner: node,
                revision: r,
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_come_first_and_ties_go_by_rank() {
        // 0 <- 2, 1 <- 2 (a merge), 3 a second root; ranks reversed.
        let parents = vec![vec![], vec![], vec![0, 1], vec![]];
        let rank = [3, 2, 1, 0];
        let o = order(&parents, |i| rank[i]);
        assert_eq!(o.order, vec![3, 1, 0, 2]);
        assert_eq!(o.children, vec![vec![2], vec![2], vec![], vec![]]);
        assert!(o.cycles.is_empty());
    }

    #[test]
    fn each_cycle_once_from_its_lowest_rank_parents_first() {
        // 0 -> 1 -> 2 -> 0 (each the parent of the next), 3 hangs off 2,
        // 4 <-> 5 a second cycle, 6 a root.
        let parents = vec![vec![2], vec![0], vec![1], vec![2], vec![5], vec![4], vec![]];
        let o = order(&parents, |i| i);
        assert_eq!(o.order, vec![6]);
        assert_eq!(o.cycles, vec![vec![0, 1, 2], vec![4, 5]]);
        // Ranks decide where a cycle starts.
        let rank = [5, 4, 0, 6, 1, 2, 3];
        let o = order(&parents, |i| rank[i]);
        assert_eq!(o.cycles[0], vec![2, 0, 1]);
    }

    #[test]
    fn a_self_parent_is_a_cycle_of_one() {
        let o = order(&[vec![0], vec![]], |i| i);
        assert_eq!(o.order, vec![1]);
        assert_eq!(o.cycles, vec![vec![0]]);
    }

    #[test]
    fn labels_name_one_line_and_no_revision() {
        let ids = ["a", "b", "c"];
        let found = label_conflicts([(0, "x"), (1, "x"), (2, "b")], |l| {
            ids.iter().position(|i| *i == l)
        });
        assert_eq!(
            found,
            vec![
                LabelConflict::Twice {
                    label: "x",
                    first: 0,
                    second: 1
                },
                LabelConflict::IsRevision {
                    label: "b",
                    owner: 2,
                    revision: 1
                },
            ]
        );
    }
}
