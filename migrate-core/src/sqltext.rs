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

/// SQL text with a renamed column: every identifier token that names
/// `column` (as [`mentions`] reads them) written as `new`, quoted; string
/// literals and other names are left as they are. What the databases do to a
/// check, a predicate or an index expression when the column is renamed.
pub fn rename_column(sql: &str, column: &str, new: &str) -> String {
    let renamed = format!("\"{}\"", new.replace('"', "\"\""));
    let mut out = String::new();
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if token.eq_ignore_ascii_case(column) {
            out.push_str(&renamed);
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    let mut chars = sql.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            c if c.is_alphanumeric() || c == '_' => token.push(c),
            '\'' => {
                flush(&mut token, &mut out);
                out.push(ch);
                // A doubled quote closes and reopens: the text goes through.
                for c in chars.by_ref() {
                    out.push(c);
                    if c == '\'' {
                        break;
                    }
                }
            }
            '"' => {
                flush(&mut token, &mut out);
                let mut name = String::new();
                let mut closed = false;
                while let Some(c) = chars.next() {
                    if c == '"' {
                        if chars.peek() == Some(&'"') {
                            chars.next();
                            name.push('"');
                            continue;
                        }
                        closed = true;
                        break;
                    }
                    name.push(c);
                }
                if closed && name == column {
                    out.push_str(&renamed);
                } else {
                    out.push('"');
                    out.push_str(&name.replace('"', "\"\""));
                    if closed {
                        out.push('"');
                    }
                }
            }
            _ => {
                flush(&mut token, &mut out);
                out.push(ch);
            }
        }
    }
    flush(&mut token, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::{mentions, rename_column};

    #[test]
    fn a_renamed_column_in_sql() {
        let r = |sql| rename_column(sql, "score", "points");
        assert_eq!(r("score >= 0"), "\"points\" >= 0");
        assert_eq!(
            r("(\"score\" > 1) AND SCORE < 3"),
            "(\"points\" > 1) AND \"points\" < 3"
        );
        assert_eq!(
            r("scores >= 0 AND note = 'score'"),
            "scores >= 0 AND note = 'score'"
        );
        assert_eq!(
            r("note = 'it''s score' OR t.score = 1"),
            "note = 'it''s score' OR t.\"points\" = 1"
        );
        assert_eq!(r("\"we\"\"ird\" = score"), "\"we\"\"ird\" = \"points\"");
        assert_eq!(rename_column("n > 0", "n", "a\"b"), "\"a\"\"b\" > 0");
    }

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
