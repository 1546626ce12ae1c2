//! "Did you mean": how far a misspelt name is from a known one, for the
//! suggestions of the macro (op names) and the graph (revision ids).

/// The edit distance between two names: insertions, deletions and
/// substitutions of characters (Levenshtein).
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(edit_distance("create_tabel", "create_table"), 2);
        assert_eq!(edit_distance("ab12", "ab1"), 1);
        assert_eq!(edit_distance("é", "e"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
