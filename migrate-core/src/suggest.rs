//! "Did you mean": how far a misspelt name is from a known one, for the
//! suggestions of the macro (op names, revision ids, columns) and the graph
//! (revision ids).

/// The edit distance between two names: insertions, deletions and
/// substitutions of characters (Levenshtein).
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// The candidate nearest to `name` by edit distance (the first of equals),
/// with its distance.
pub fn nearest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<(&'a str, usize)> {
    let mut best: Option<(&str, usize)> = None;
    for c in candidates {
        let d = edit_distance(name, c);
        if best.is_none_or(|(_, b)| d < b) {
            best = Some((c, d));
        }
    }
    best
}

/// The candidate near enough to `name` to be what was meant: two edits, or a
/// third of its characters for longer names, and never all of them.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let len = name.chars().count();
    let limit = (len / 3).max(2);
    nearest(name, candidates)
        .filter(|&(_, d)| d <= limit && d < len)
        .map(|(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::{did_you_mean, edit_distance, nearest};

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(edit_distance("create_tabel", "create_table"), 2);
        assert_eq!(edit_distance("ab12", "ab1"), 1);
        assert_eq!(edit_distance("é", "e"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn nearest_and_near_enough() {
        let columns = ["id", "email", "name"];
        assert_eq!(nearest("emial", columns), Some(("email", 2)));
        assert_eq!(did_you_mean("emial", columns), Some("email"));
        assert_eq!(did_you_mean("zzzzzz", columns), None);
        assert_eq!(did_you_mean("zz", columns), None);
        assert_eq!(nearest("x", []), None);
    }
}
