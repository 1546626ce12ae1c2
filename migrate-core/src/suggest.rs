//! "Did you mean": how far a misspelt name is from a known one, for the
//! suggestions of the macro (op names, revision ids, columns) and the graph
//! (revision ids).

/// The edit distance between two names: insertions, deletions and
/// substitutions of characters (Levenshtein).
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// The known name closest to a misspelt one, ignoring case, if it is close
/// enough to be what was meant: at most 3 edits (two swapped letters are one),
/// and fewer than half the name (so `id` does not suggest `ix`, nor
/// `Whatever` a `Date`).
pub fn nearest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count().saturating_sub(1) / 2).min(3);
    known
        .into_iter()
        .map(|k| (strsim::osa_distance(&lower, &k.to_lowercase()), k))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The candidate nearest to `name` by edit distance (the first of equals),
/// with its distance, however far: the nearest revision id a missing parent
/// names, say. For a "did you mean", [`nearest`].
pub fn closest<'a>(
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

#[cfg(test)]
mod tests {
    use super::{closest, edit_distance, nearest};

    #[test]
    fn nearest_is_close_or_nothing() {
        let types = ["Integer", "String", "DateTime", "Date", "Text"];
        assert_eq!(nearest("Integr", types), Some("Integer"));
        assert_eq!(nearest("Datetime", types), Some("DateTime"));
        assert_eq!(nearest("Dat", types), Some("Date"));
        assert_eq!(nearest("Whatever", types), None);
        assert_eq!(nearest("ab", ["ax"]), None);
        assert_eq!(nearest("nmae", ["id", "name", "description"]), Some("name"));
    }

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
        assert_eq!(closest("emial", columns), Some(("email", 2)));
        assert_eq!(nearest("emial", columns), Some("email"));
        assert_eq!(nearest("zzzzzz", columns), None);
        assert_eq!(nearest("zz", columns), None);
        assert_eq!(closest("x", []), None);
    }
}
