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

/// SQL text up to the end of its last token: without the white space, `;`s
/// and comments after it, so that a statement's terminator can be written
/// after it once (MariaDB refuses the empty statement between two `;`, and
/// a statement of nothing but a comment). Strings (`'...'`, PostgreSQL's
/// `E'...'` with its backslash escapes, `$tag$...$tag$`), quoted identifiers
/// (`"..."`, `` `...` ``), `--` and `/* */` comments (nested, as
/// PostgreSQL reads them) are read as the databases read them with
/// backslashes as plain characters (the sessions the runtime opens, and the
/// scripts it writes, say so on MySQL); text that ends inside one of them is
/// kept whole.
pub fn without_trailing(sql: &str) -> &str {
    let b = sql.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    let mut i = 0;
    let mut end = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                if depth > 0 {
                    // An unclosed comment: nothing after `end` is SQL.
                    return &sql[..end];
                }
                continue;
            }
            b'\'' | b'"' | b'`' => {
                let escapes = c == b'\''
                    && i > 0
                    && matches!(b[i - 1], b'E' | b'e')
                    && (i < 2 || !ident(b[i - 2]));
                i += 1;
                loop {
                    match b.get(i) {
                        None => return sql,
                        Some(b'\\') if escapes => i += 2,
                        Some(&q) if q == c => {
                            i += 1;
                            if b.get(i) != Some(&c) {
                                break;
                            }
                            i += 1;
                        }
                        Some(_) => i += 1,
                    }
                }
                end = i;
                continue;
            }
            b'$' if i == 0 || !ident(b[i - 1]) => {
                // `$tag$` (or `$$`): a dollar quote, to the same tag.
                let tag_end = b[i + 1..]
                    .iter()
                    .position(|&t| !(t.is_ascii_alphanumeric() || t == b'_' || t >= 0x80))
                    .map(|p| i + 1 + p);
                if let Some(t) = tag_end.filter(|&t| b[t] == b'$' && !b[i + 1].is_ascii_digit()) {
                    let tag = &sql[i..=t];
                    match sql[t + 1..].find(tag) {
                        Some(close) => {
                            i = t + 1 + close + tag.len();
                            end = i;
                            continue;
                        }
                        None => return sql,
                    }
                }
            }
            _ => {}
        }
        i += 1;
        if c != b';' && !c.is_ascii_whitespace() {
            end = i;
        }
    }
    // `end` follows a whole character: each token above ends on one.
    &sql[..end]
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
    use super::{mentions, rename_column, without_trailing};

    #[test]
    fn what_follows_the_last_token() {
        let w = without_trailing;
        assert_eq!(w("SELECT 1;\n"), "SELECT 1");
        assert_eq!(
            w("SELECT 1; ;\n-- done\n/* and /* nested */ */\n"),
            "SELECT 1"
        );
        assert_eq!(w("A;\nB;\n-- c\n"), "A;\nB");
        assert_eq!(w(";\n -- only a comment\n"), "");
        // Inside strings, identifiers and dollar quotes nothing ends.
        assert_eq!(w("SELECT ';' -- x;"), "SELECT ';'");
        assert_eq!(w("SELECT 'a\n-- b';"), "SELECT 'a\n-- b'");
        assert_eq!(w("SELECT 'it''s';"), "SELECT 'it''s'");
        assert_eq!(w("SELECT 'C:\\';"), "SELECT 'C:\\'");
        assert_eq!(w("SELECT E'\\';'; "), "SELECT E'\\';'");
        assert_eq!(w("SELECT \"a;--\", `b;`;"), "SELECT \"a;--\", `b;`");
        assert_eq!(
            w("CREATE FUNCTION f() AS $body$ SELECT 1; -- $$\n$body$ LANGUAGE sql;\n"),
            "CREATE FUNCTION f() AS $body$ SELECT 1; -- $$\n$body$ LANGUAGE sql"
        );
        assert_eq!(w("SELECT $1;"), "SELECT $1");
        assert_eq!(w("SELECT 'é';-- é\n"), "SELECT 'é'");
        // Unclosed: kept whole, or up to the comment.
        assert_eq!(w("SELECT 'a;"), "SELECT 'a;");
        assert_eq!(w("SELECT 1; /* a"), "SELECT 1");
    }

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
