//! Reading SQL text the ops carry (check conditions, predicates, index
//! expressions) just enough to see which columns they name.

/// Whether SQL text names a column: an identifier token equal to it (quoted or
/// not, any case), as the databases see it when they drop what depends on a
/// dropped column.
pub fn mentions(sql: &str, column: &str) -> bool {
    let mut token = String::new();
    let mut quoted = false;
    let mut in_string = false;
    let flush = |token: &mut String| -> bool {
        let hit = token.eq_ignore_ascii_case(column);
        token.clear();
        hit
    };
    for ch in sql.chars() {
        if in_string {
            in_string = ch != '\'';
            continue;
        }
        if quoted {
            if ch == '"' {
                quoted = false;
                if token == column {
                    return true;
                }
                token.clear();
            } else {
                token.push(ch);
            }
            continue;
        }
        match ch {
            '\'' => {
                if flush(&mut token) {
                    return true;
                }
                in_string = true;
            }
            '"' => {
                if flush(&mut token) {
                    return true;
                }
                quoted = true;
            }
            c if c.is_alphanumeric() || c == '_' => token.push(c),
            _ => {
                if flush(&mut token) {
                    return true;
                }
            }
        }
    }
    flush(&mut token)
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn columns_named_in_sql() {
        assert!(mentions("score >= 0", "score"));
        assert!(mentions("(\"Score\" > 1)", "Score"));
        assert!(mentions("a > 0 AND SCORE < 3", "score"));
        assert!(!mentions("scores >= 0", "score"));
        assert!(!mentions("note = 'score'", "score"));
        assert!(!mentions("\"score_x\" > 1", "score"));
    }
}
