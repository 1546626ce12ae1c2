//! Reading SQL text the ops carry (check conditions, predicates, index
//! expressions) just enough to see which columns they name; and the text of
//! a `.sql` file as `execute(file = "...")` carries it.

/// Why a `.sql` file's bytes are not SQL text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqlFileError {
    /// Not UTF-8: where the first byte that is not stands.
    NotUtf8 {
        /// Its line, 1-based.
        line: usize,
        /// Its column in characters, 1-based.
        column: usize,
    },
    /// Nothing but white space.
    Empty,
}

/// The SQL text of a `.sql` file (`execute(file = "...")`): UTF-8, a leading
/// byte-order mark dropped, and line endings normalised (CRLF and lone CR
/// become LF), so a file saved on Windows and the same file saved elsewhere
/// carry the same text, and so the same checksum.
pub fn sql_file_text(bytes: &[u8]) -> Result<String, SqlFileError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let before = &bytes[..e.valid_up_to()];
            let line = 1 + before.iter().filter(|b| **b == b'\n').count();
            let start = before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            // Characters, not bytes, before it on its line.
            let column = 1 + std::str::from_utf8(&before[start..]).map_or(0, |s| s.chars().count());
            return Err(SqlFileError::NotUtf8 { line, column });
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(SqlFileError::Empty);
    }
    Ok(text.replace("\r\n", "\n").replace('\r', "\n"))
}

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

#[cfg(test)]
mod sql_file_tests {
    use super::*;

    #[test]
    fn line_endings_and_byte_order_mark_are_normalised() {
        let lf = sql_file_text(b"CREATE TABLE t (id INT);\nINSERT INTO t VALUES (1);\n").unwrap();
        let crlf =
            sql_file_text(b"CREATE TABLE t (id INT);\r\nINSERT INTO t VALUES (1);\r\n").unwrap();
        let bom =
            sql_file_text(b"\xef\xbb\xbfCREATE TABLE t (id INT);\rINSERT INTO t VALUES (1);\n")
                .unwrap();
        assert_eq!(lf, crlf);
        assert_eq!(lf, bom);
    }

    #[test]
    fn errors_say_where() {
        assert_eq!(
            sql_file_text(b"SELECT 1;\nSELECT '\xe9t\xe9';\n"),
            Err(SqlFileError::NotUtf8 { line: 2, column: 9 })
        );
        assert_eq!(sql_file_text(b" \r\n\t\n"), Err(SqlFileError::Empty));
        assert_eq!(sql_file_text(b""), Err(SqlFileError::Empty));
    }
}
