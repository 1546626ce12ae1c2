//! A small tokenizer and reader of SQLite's `CREATE TABLE` / `CREATE INDEX`
//! text: SQLite keeps constraint names, check expressions and index
//! expressions only there.

/// A token, with parenthesised groups nested.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Node {
    /// An unquoted word: keyword or identifier.
    Word(String),
    /// A quoted identifier (`"x"`, `` `x` ``, `[x]`), unquoted.
    Quoted(String),
    /// A string or blob literal, as written (quotes included).
    Str(String),
    /// A number, as written.
    Num(String),
    /// An operator or `,` `.` `;`.
    Punct(String),
    /// `( ... )`.
    Group(Vec<Node>),
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || !c.is_ascii()
}

/// Reads a quoted token starting at `i` (the opening quote), with the
/// closing quote doubled as escape; returns the content and the index
/// after it.
fn quoted(chars: &[char], i: usize, close: char, doubling: bool) -> (String, usize) {
    let mut out = String::new();
    let mut j = i + 1;
    while j < chars.len() {
        if chars[j] == close {
            if doubling && chars.get(j + 1) == Some(&close) {
                out.push(close);
                j += 2;
                continue;
            }
            return (out, j + 1);
        }
        out.push(chars[j]);
        j += 1;
    }
    (out, j)
}

/// Tokenizes SQL text into a tree of nodes.
pub(super) fn parse(sql: &str) -> Vec<Node> {
    let chars: Vec<char> = sql.chars().collect();
    let mut stack: Vec<Vec<Node>> = vec![Vec::new()];
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let push = |stack: &mut Vec<Vec<Node>>, n: Node| {
            if let Some(top) = stack.last_mut() {
                top.push(n)
            }
        };
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && next == Some('-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                i += 1;
            }
            i += 2;
        } else if c == '(' {
            stack.push(Vec::new());
            i += 1;
        } else if c == ')' {
            if stack.len() > 1 {
                let group = stack.pop().unwrap_or_default();
                push(&mut stack, Node::Group(group));
            }
            i += 1;
        } else if c == '\'' {
            let (content, end) = quoted(&chars, i, '\'', true);
            push(
                &mut stack,
                Node::Str(format!("'{}'", content.replace('\'', "''"))),
            );
            i = end;
        } else if (c == 'x' || c == 'X') && next == Some('\'') {
            let (content, end) = quoted(&chars, i + 1, '\'', true);
            push(&mut stack, Node::Str(format!("X'{content}'")));
            i = end;
        } else if c == '"' || c == '`' {
            let (content, end) = quoted(&chars, i, c, true);
            push(&mut stack, Node::Quoted(content));
            i = end;
        } else if c == '[' {
            let (content, end) = quoted(&chars, i, ']', false);
            push(&mut stack, Node::Quoted(content));
            i = end;
        } else if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
            let start = i;
            while i < chars.len() {
                let d = chars[i];
                let sign = (d == '+' || d == '-')
                    && matches!(chars[i - 1], 'e' | 'E')
                    && !chars[start..i].iter().any(|x| matches!(x, 'x' | 'X'));
                if d.is_ascii_alphanumeric() || d == '.' || d == '_' || sign {
                    i += 1;
                } else {
                    break;
                }
            }
            push(&mut stack, Node::Num(chars[start..i].iter().collect()));
        } else if is_word_char(c) {
            let start = i;
            while i < chars.len() && is_word_char(chars[i]) {
                i += 1;
            }
            push(&mut stack, Node::Word(chars[start..i].iter().collect()));
        } else {
            let three: String = chars[i..(i + 3).min(chars.len())].iter().collect();
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = if three == "->>" {
                three
            } else if ["<=", ">=", "<>", "!=", "==", "||", "<<", ">>", "->"].contains(&two.as_str())
            {
                two
            } else {
                c.to_string()
            };
            i += op.chars().count();
            push(&mut stack, Node::Punct(op));
        }
    }
    while stack.len() > 1 {
        let group = stack.pop().unwrap_or_default();
        if let Some(top) = stack.last_mut() {
            top.push(Node::Group(group));
        }
    }
    stack.pop().unwrap_or_default()
}

/// Words after which `(` is not a function call's.
const KEYWORDS: &[&str] = &[
    "and", "or", "not", "in", "is", "exists", "when", "then", "else", "case", "between", "like",
    "glob", "regexp", "match", "as", "on", "where", "over", "check", "escape",
];

fn word(n: &Node) -> Option<String> {
    match n {
        Node::Word(w) => Some(w.to_ascii_uppercase()),
        _ => None,
    }
}

fn is(n: Option<&Node>, keyword: &str) -> bool {
    n.and_then(word).is_some_and(|w| w == keyword)
}

/// The identifier a node names.
pub(super) fn ident(n: &Node) -> Option<String> {
    match n {
        Node::Word(w) => Some(w.clone()),
        Node::Quoted(q) => Some(q.clone()),
        Node::Str(s) => Some(s[1..s.len() - 1].replace("''", "'")),
        _ => None,
    }
}

fn simple(q: &str) -> bool {
    let mut chars = q.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Normalised text of a node list: single spaces, lower-case words and
/// simple identifiers unquoted, literals as written.
pub(super) fn render(nodes: &[Node]) -> String {
    let mut out = String::new();
    let mut prev: Option<&Node> = None;
    for n in nodes {
        if let Some(p) = prev {
            let space = match (p, n) {
                (_, Node::Punct(s)) if s == "," || s == "." => false,
                (Node::Punct(s), _) if s == "." => false,
                (Node::Word(w), Node::Group(_)) => {
                    KEYWORDS.contains(&w.to_ascii_lowercase().as_str())
                }
                (Node::Quoted(_), Node::Group(_)) => false,
                _ => true,
            };
            if space {
                out.push(' ');
            }
        }
        match n {
            Node::Word(w) => out.push_str(&w.to_lowercase()),
            Node::Quoted(q) if simple(q) => out.push_str(&q.to_ascii_lowercase()),
            Node::Quoted(q) => {
                out.push('"');
                out.push_str(&q.replace('"', "\"\""));
                out.push('"');
            }
            Node::Str(s) | Node::Num(s) | Node::Punct(s) => out.push_str(s),
            Node::Group(children) => {
                out.push('(');
                out.push_str(&render(children));
                out.push(')');
            }
        }
        prev = Some(n);
    }
    out
}

/// Without redundant outer parentheses.
pub(super) fn strip(mut nodes: &[Node]) -> &[Node] {
    while let [Node::Group(inner)] = nodes {
        nodes = inner;
    }
    nodes
}

/// A declared type, normalised: `varchar( 50 )` → `VARCHAR(50)`.
pub(super) fn normalise_type(declared: &str) -> String {
    render(&parse(declared)).to_uppercase()
}

/// The elements of a list, split at top-level commas.
fn split_commas(nodes: &[Node]) -> Vec<&[Node]> {
    nodes
        .split(|n| matches!(n, Node::Punct(p) if p == ","))
        .filter(|e| !e.is_empty())
        .collect()
}

/// An element of an indexed-column list without its `COLLATE`,
/// `ASC`/`DESC`.
fn key_part(element: &[Node]) -> &[Node] {
    let end = element
        .iter()
        .position(|n| matches!(word(n).as_deref(), Some("COLLATE" | "ASC" | "DESC")))
        .unwrap_or(element.len());
    &element[..end]
}

/// The column names of a `(a, b COLLATE x DESC)` list.
fn column_list(nodes: &[Node]) -> Vec<String> {
    split_commas(nodes)
        .into_iter()
        .filter_map(|e| key_part(e).first().and_then(ident))
        .collect()
}

/// A named (or unnamed) key: primary key or unique constraint.
#[derive(Debug, Default)]
pub(super) struct Key {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

/// A foreign key as the SQL declares it.
#[derive(Debug)]
pub(super) struct ForeignKey {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub table: String,
    pub referenced: Vec<String>,
}

/// What a `CREATE TABLE` text declares that the pragmas do not tell.
#[derive(Debug, Default)]
pub(super) struct Table {
    pub primary_key: Option<Key>,
    pub uniques: Vec<Key>,
    /// (name, normalised expression)
    pub checks: Vec<(Option<String>, String)>,
    pub foreign_keys: Vec<ForeignKey>,
    /// (column, normalised expression) of generated columns.
    pub generated: Vec<(String, String)>,
}

pub(super) fn parse_create_table(sql: &str) -> Table {
    let mut table = Table::default();
    let nodes = parse(sql);
    let mut body = None;
    for n in &nodes {
        match n {
            Node::Group(g) => {
                body = Some(g);
                break;
            }
            // CREATE TABLE ... AS SELECT: no constraints.
            n if is(Some(n), "AS") => break,
            _ => {}
        }
    }
    let Some(body) = body else { return table };
    for element in split_commas(body) {
        let starts_constraint = matches!(
            word(&element[0]).as_deref(),
            Some("CONSTRAINT" | "PRIMARY" | "UNIQUE" | "CHECK" | "FOREIGN")
        );
        if starts_constraint {
            constraints(element, None, &mut table);
        } else if let Some(column) = ident(&element[0]) {
            constraints(&element[1..], Some(&column), &mut table);
        }
    }
    table
}

/// Reads the constraints in `nodes`: a column's (after its name) or a
/// table constraint.
fn constraints(nodes: &[Node], column: Option<&str>, table: &mut Table) {
    let own: Vec<String> = column.map(str::to_owned).into_iter().collect();
    let mut name: Option<String> = None;
    let mut i = 0;
    while i < nodes.len() {
        let Some(w) = word(&nodes[i]) else {
            i += 1;
            continue;
        };
        i += 1;
        match w.as_str() {
            "CONSTRAINT" => {
                name = nodes.get(i).and_then(ident);
                i += 1;
            }
            "PRIMARY" | "UNIQUE" => {
                if w == "PRIMARY" && is(nodes.get(i), "KEY") {
                    i += 1;
                }
                let columns = match nodes.get(i) {
                    Some(Node::Group(g)) if column.is_none() => {
                        i += 1;
                        column_list(g)
                    }
                    _ => own.clone(),
                };
                let key = Key {
                    name: name.take(),
                    columns,
                };
                if w == "PRIMARY" {
                    table.primary_key = Some(key);
                } else {
                    table.uniques.push(key);
                }
            }
            "CHECK" => {
                if let Some(Node::Group(g)) = nodes.get(i) {
                    table.checks.push((name.take(), render(strip(g))));
                    i += 1;
                }
            }
            "FOREIGN" => {
                if is(nodes.get(i), "KEY") {
                    i += 1;
                }
                let columns = match nodes.get(i) {
                    Some(Node::Group(g)) => {
                        i += 1;
                        column_list(g)
                    }
                    _ => Vec::new(),
                };
                if is(nodes.get(i), "REFERENCES") {
                    i += 1;
                    let (t, referenced) = reference(nodes, &mut i);
                    table.foreign_keys.push(ForeignKey {
                        name: name.take(),
                        columns,
                        table: t,
                        referenced,
                    });
                }
            }
            "REFERENCES" => {
                let (t, referenced) = reference(nodes, &mut i);
                table.foreign_keys.push(ForeignKey {
                    name: name.take(),
                    columns: own.clone(),
                    table: t,
                    referenced,
                });
            }
            "AS" => {
                if let (Some(c), Some(Node::Group(g))) = (column, nodes.get(i)) {
                    table.generated.push((c.to_string(), render(strip(g))));
                    i += 1;
                }
                name = None;
            }
            "NOT" | "NULL" | "DEFAULT" | "COLLATE" | "GENERATED" => name = None,
            _ => {}
        }
    }
}

/// After `REFERENCES`: the table and the column list, if any.
fn reference(nodes: &[Node], i: &mut usize) -> (String, Vec<String>) {
    let table = nodes.get(*i).and_then(ident).unwrap_or_default();
    *i += 1;
    let columns = match nodes.get(*i) {
        Some(Node::Group(g)) => {
            *i += 1;
            column_list(g)
        }
        _ => Vec::new(),
    };
    (table, columns)
}

/// What a `CREATE INDEX` text declares: each key's normalised text and
/// the partial index predicate.
#[derive(Debug, Default)]
pub(super) struct Index {
    pub columns: Vec<String>,
    pub predicate: Option<String>,
}

pub(super) fn parse_create_index(sql: &str) -> Index {
    let nodes = parse(sql);
    let Some(on) = nodes.iter().position(|n| is(Some(n), "ON")) else {
        return Index::default();
    };
    let Some(group) = nodes[on..].iter().position(|n| matches!(n, Node::Group(_))) else {
        return Index::default();
    };
    let group = on + group;
    let columns = match &nodes[group] {
        Node::Group(g) => split_commas(g)
            .into_iter()
            .map(|e| render(strip(key_part(e))))
            .collect(),
        _ => Vec::new(),
    };
    let predicate = nodes[group..]
        .iter()
        .position(|n| is(Some(n), "WHERE"))
        .map(|w| {
            let rest = &nodes[group + w + 1..];
            let rest = match rest.last() {
                Some(Node::Punct(p)) if p == ";" => &rest[..rest.len() - 1],
                _ => rest,
            };
            render(strip(rest))
        });
    Index { columns, predicate }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_nest_and_keep_literals() {
        let nodes = parse(r#"CHECK ("a b" IN ('x, (y', 'it''s') AND [c] >= -1.5e+3) -- (("#);
        assert_eq!(nodes.len(), 2);
        let Node::Group(inner) = &nodes[1] else {
            panic!("{nodes:?}")
        };
        assert_eq!(inner[0], Node::Quoted("a b".into()));
        assert_eq!(
            render(&nodes),
            r#"check ("a b" in ('x, (y', 'it''s') and c >= - 1.5e+3)"#
        );
    }

    #[test]
    fn rendering_normalises_spacing_case_and_quoting() {
        let a = render(strip(&parse(
            r#"(( "Total">=0 AND lower( "note" )<>'A B' ))"#,
        )));
        let b = render(strip(&parse("total >= 0 and LOWER(note) <> 'A B'")));
        assert_eq!(a, b);
        assert_eq!(a, "total >= 0 and lower(note) <> 'A B'");
        assert_eq!(normalise_type("varchar ( 50 )"), "VARCHAR(50)");
        assert_eq!(normalise_type("numeric(10,2)"), "NUMERIC(10, 2)");
    }

    #[test]
    fn create_table_constraints_with_names() {
        let t = parse_create_table(
            r#"CREATE TABLE "orders" (
                "id" INTEGER CONSTRAINT "pk_orders" PRIMARY KEY,
                "user_id" INTEGER NOT NULL CONSTRAINT "fk_orders_user" REFERENCES "users" ("id") ON DELETE SET NULL,
                "status" VARCHAR(20) DEFAULT 'a, (b' CONSTRAINT "ck_status" CHECK ("status" IN ('a, (b', 'c)')),
                parent INTEGER REFERENCES orders,
                code TEXT UNIQUE,
                doubled INTEGER GENERATED ALWAYS AS (id * 2) STORED,
                CONSTRAINT uq_pair UNIQUE (user_id, "status" COLLATE NOCASE),
                CHECK (id > 0),
                CONSTRAINT [fk two] FOREIGN KEY (parent, code) REFERENCES other (a, b)
            ) WITHOUT ROWID"#,
        );
        let pk = t.primary_key.unwrap();
        assert_eq!(
            (pk.name.as_deref(), pk.columns),
            (Some("pk_orders"), vec!["id".into()])
        );
        assert_eq!(
            t.checks,
            vec![
                (Some("ck_status".into()), "status in ('a, (b', 'c)')".into()),
                (None, "id > 0".into())
            ]
        );
        let fks: Vec<_> = t
            .foreign_keys
            .iter()
            .map(|f| {
                (
                    f.name.as_deref(),
                    f.columns.join(","),
                    f.table.as_str(),
                    f.referenced.join(","),
                )
            })
            .collect();
        assert_eq!(
            fks,
            vec![
                (
                    Some("fk_orders_user"),
                    "user_id".into(),
                    "users",
                    "id".into()
                ),
                (None, "parent".into(), "orders", "".into()),
                (Some("fk two"), "parent,code".into(), "other", "a,b".into()),
            ]
        );
        let uniques: Vec<_> = t
            .uniques
            .iter()
            .map(|u| (u.name.as_deref(), u.columns.join(",")))
            .collect();
        assert_eq!(
            uniques,
            vec![
                (None, "code".into()),
                (Some("uq_pair"), "user_id,status".into())
            ]
        );
        assert_eq!(t.generated, vec![("doubled".into(), "id * 2".into())]);
    }

    #[test]
    fn create_index_keys_and_predicate() {
        let i = parse_create_index(
            r#"CREATE UNIQUE INDEX IF NOT EXISTS "ix" ON "t" (lower("email") DESC, "a" COLLATE NOCASE) WHERE "status" != 'x (y)';"#,
        );
        assert_eq!(i.columns, vec!["lower(email)", "a"]);
        assert_eq!(i.predicate.as_deref(), Some("status != 'x (y)'"));
        assert_eq!(
            parse_create_index("CREATE INDEX ix ON t (a)").predicate,
            None
        );
    }
}
