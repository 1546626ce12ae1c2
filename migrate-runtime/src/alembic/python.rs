//! One Alembic revision file, parsed with a real Python parser and
//! translated call by call into the DSL's syntax (`migrate_core::source`'s
//! call tree): `op.*` calls of the vocabulary both share, SQLAlchemy's
//! `sa.`/`postgresql.`/`mysql.` names mapped to the DSL's types, and
//! everything else (Python logic, `op.get_bind()`, loops, helpers) kept as
//! the original text for a person to decide on.

use migrate_core::effect::Lint;
use migrate_core::source::Node;
use rustpython_parser::ast::{self, Constant, Expr, Ranged, Stmt};
use std::collections::BTreeMap;

/// What a revision file says.
#[derive(Debug, Default)]
pub(crate) struct Revision {
    pub revision: Option<String>,
    pub down_revisions: Vec<String>,
    pub branch_labels: Vec<String>,
    pub depends_on: Vec<String>,
    pub message: String,
    pub upgrade: Body,
    pub downgrade: Body,
    /// Module-level code besides imports and the revision variables
    /// (helper functions, constants): shown with what was not translated.
    pub helpers: Vec<String>,
}

/// The statements of `upgrade()` or `downgrade()`, in order.
#[derive(Debug, Default)]
pub(crate) struct Body {
    pub statements: Vec<Statement>,
}

#[derive(Debug)]
pub(crate) enum Statement {
    /// A translated op, with the lints it is allowed (imported history was
    /// run as it is: its destructive ops are deliberate).
    Op { call: Node, allow: Vec<Lint> },
    /// Code kept as it was, with why it was not translated.
    Untranslated { code: String, why: String },
}

impl Body {
    pub fn translated(&self) -> usize {
        self.statements
            .iter()
            .filter(|s| matches!(s, Statement::Op { .. }))
            .count()
    }

    pub fn untranslated(&self) -> impl Iterator<Item = (&str, &str)> {
        self.statements.iter().filter_map(|s| match s {
            Statement::Untranslated { code, why } => Some((code.as_str(), why.as_str())),
            Statement::Op { .. } => None,
        })
    }
}

/// A parse error, with the line it is on.
#[derive(Debug)]
pub(crate) struct ParseError {
    pub line: usize,
    pub message: String,
}

pub(crate) fn parse(source: &str, path: &str) -> Result<Revision, ParseError> {
    let module =
        rustpython_parser::parse(source, rustpython_parser::Mode::Module, path).map_err(|e| {
            ParseError {
                line: line_of(source, e.offset.to_usize()),
                message: e.error.to_string(),
            }
        })?;
    let ast::Mod::Module(module) = module else {
        unreachable!("parsed as a module");
    };
    let mut rev = Revision::default();
    let mut known = Known::default();
    let mut upgrade = None;
    let mut downgrade = None;
    for (i, stmt) in module.body.iter().enumerate() {
        match stmt {
            Stmt::Expr(e) if i == 0 => {
                if let Some(doc) = string(&e.value) {
                    rev.message = message(&doc);
                }
            }
            Stmt::Import(_) | Stmt::ImportFrom(_) => {}
            Stmt::Assign(a) if a.targets.len() == 1 => {
                let name = match &a.targets[0] {
                    Expr::Name(n) => n.id.to_string(),
                    _ => String::new(),
                };
                if !revision_variable(&mut rev, &name, &a.value) {
                    known.learn(&name, &a.value);
                    rev.helpers.push(text(source, stmt));
                }
            }
            Stmt::AnnAssign(a) => {
                let name = match &*a.target {
                    Expr::Name(n) => n.id.to_string(),
                    _ => String::new(),
                };
                let known = a
                    .value
                    .as_deref()
                    .is_some_and(|v| revision_variable(&mut rev, &name, v));
                if !known {
                    rev.helpers.push(text(source, stmt));
                }
            }
            Stmt::FunctionDef(f) if f.name.as_str() == "upgrade" => upgrade = Some(&f.body),
            Stmt::FunctionDef(f) if f.name.as_str() == "downgrade" => downgrade = Some(&f.body),
            other => rev.helpers.push(text(source, other)),
        }
    }
    if let Some(body) = upgrade {
        rev.upgrade = translate_body(source, body, &mut known.clone(), true);
    }
    if let Some(body) = downgrade {
        rev.downgrade = translate_body(source, body, &mut known, false);
    }
    Ok(rev)
}

/// `revision`, `down_revision`, `branch_labels`, `depends_on`: whether
/// `name` is one of them (then `rev` holds its value).
fn revision_variable(rev: &mut Revision, name: &str, value: &Expr) -> bool {
    let slot = match name {
        "revision" => {
            rev.revision = string(value);
            return true;
        }
        "down_revision" => &mut rev.down_revisions,
        "branch_labels" => &mut rev.branch_labels,
        "depends_on" => &mut rev.depends_on,
        _ => return false,
    };
    *slot = strings(value);
    true
}

/// The message of Alembic's docstring: the text before `Revision ID:`.
fn message(doc: &str) -> String {
    let head = doc.split("Revision ID:").next().unwrap_or_default();
    head.trim()
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
}

fn string(e: &Expr) -> Option<String> {
    match e {
        Expr::Constant(c) => match &c.value {
            Constant::Str(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// A string, a tuple or list of strings, or `None`.
fn strings(e: &Expr) -> Vec<String> {
    match e {
        Expr::Tuple(t) => t.elts.iter().filter_map(string).collect(),
        Expr::List(l) => l.elts.iter().filter_map(string).collect(),
        other => string(other).into_iter().collect(),
    }
}

fn line_of(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}

/// The source text of a node, dedented to its first line's indentation.
fn text(source: &str, node: &impl Ranged) -> String {
    let range = node.range();
    let start = range.start().to_usize();
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = start - line_start;
    source[line_start..range.end().to_usize()]
        .lines()
        .map(|l| {
            let cut = l.len() - l.trim_start().len();
            &l[cut.min(indent)..]
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What the file's variables hold, by name.
#[derive(Clone, Debug, Default)]
struct Known {
    /// `postgresql.ENUM(...)` / `sa.Enum(...)`: the `.create(op.get_bind())`
    /// and `.drop(...)` calls on them are `create_enum` / `drop_enum`, and a
    /// column typed with one is an `Enum`.
    enums: BTreeMap<String, EnumDef>,
    /// What `op.create_table` or `sa.table(...)` returned: the table's name.
    tables: BTreeMap<String, String>,
}

#[derive(Clone, Debug)]
struct EnumDef {
    name: Option<String>,
    values: Vec<String>,
    create_type: bool,
}

impl Known {
    fn learn(&mut self, var: &str, value: &Expr) {
        if let Some(def) = enum_def(value) {
            self.enums.insert(var.to_string(), def);
        }
    }
}

/// The table an `op.create_table(...)` call creates.
fn created_table(e: &Expr) -> Option<String> {
    let Expr::Call(c) = e else { return None };
    if dotted(&c.func).as_deref() != Some("op.create_table") {
        return None;
    }
    c.args.first().and_then(string)
}

/// The table of SQLAlchemy's lightweight `sa.table("t", sa.column(...))`.
fn table_object(e: &Expr) -> Option<String> {
    let Expr::Call(c) = e else { return None };
    let full = dotted(&c.func)?;
    if short_name(&c.func).as_deref() != Some("table") || !known_prefix(&full) {
        return None;
    }
    c.args.first().and_then(string)
}

fn enum_def(e: &Expr) -> Option<EnumDef> {
    let Expr::Call(c) = e else { return None };
    if !matches!(short_name(&c.func)?.as_str(), "Enum" | "ENUM") {
        return None;
    }
    let values = c.args.iter().map(string).collect::<Option<Vec<_>>>()?;
    let mut def = EnumDef {
        name: None,
        values,
        create_type: true,
    };
    for k in &c.keywords {
        match k.arg.as_deref() {
            Some("name") => def.name = string(&k.value),
            Some("create_type") => {
                def.create_type = !matches!(constant(&k.value), Some(Constant::Bool(false)))
            }
            _ => {}
        }
    }
    Some(def)
}

fn constant(e: &Expr) -> Option<&Constant> {
    match e {
        Expr::Constant(c) => Some(&c.value),
        _ => None,
    }
}

/// `a.b.c` as text, for names and attributes.
fn dotted(e: &Expr) -> Option<String> {
    match e {
        Expr::Name(n) => Some(n.id.to_string()),
        Expr::Attribute(a) => Some(format!("{}.{}", dotted(&a.value)?, a.attr)),
        _ => None,
    }
}

/// The name without the module prefixes the DSL leaves out (`sa.`,
/// `sqlalchemy.`, `postgresql.`, `mysql.`, `sa.types.`, `op.`...).
fn short_name(e: &Expr) -> Option<String> {
    let full = dotted(e)?;
    Some(full.rsplit('.').next().unwrap_or(&full).to_string())
}

const PREFIXES: &[&str] = &[
    "sa",
    "sqlalchemy",
    "postgresql",
    "mysql",
    "sqlite",
    "types",
    "dialects",
    "sql",
    "schema",
    "op",
    "func",
];

/// Whether a dotted name's prefix is one the DSL leaves out.
fn known_prefix(full: &str) -> bool {
    let mut parts: Vec<&str> = full.split('.').collect();
    parts.pop();
    parts.iter().all(|p| PREFIXES.contains(p))
}

fn translate_body(source: &str, body: &[Stmt], known: &mut Known, upgrade: bool) -> Body {
    let mut out = Body::default();
    for stmt in body {
        match stmt {
            Stmt::Pass(_) => {}
            Stmt::Expr(e) if string(&e.value).is_some() => {}
            Stmt::Expr(e) => match statement_call(&e.value, known, upgrade) {
                Ok(Some((call, allow))) => out.statements.push(Statement::Op { call, allow }),
                Ok(None) => {}
                Err(why) => out.statements.push(Statement::Untranslated {
                    code: text(source, stmt),
                    why,
                }),
            },
            Stmt::Assign(a)
                if a.targets.len() == 1
                    && matches!(&a.targets[0], Expr::Name(_))
                    && enum_def(&a.value).is_some() =>
            {
                if let Expr::Name(n) = &a.targets[0] {
                    known.learn(n.id.as_str(), &a.value);
                }
            }
            // `tags = sa.table("tags", sa.column(...))`, for a `bulk_insert(tags, ...)`.
            Stmt::Assign(a)
                if a.targets.len() == 1
                    && matches!(&a.targets[0], Expr::Name(_))
                    && table_object(&a.value).is_some() =>
            {
                if let (Expr::Name(n), Some(t)) = (&a.targets[0], table_object(&a.value)) {
                    known.tables.insert(n.id.to_string(), t);
                }
            }
            // `roles = op.create_table("roles", ...)`, for a `bulk_insert(roles, ...)`.
            Stmt::Assign(a)
                if a.targets.len() == 1
                    && matches!(&a.targets[0], Expr::Name(_))
                    && created_table(&a.value).is_some() =>
            {
                match statement_call(&a.value, known, upgrade) {
                    Ok(Some((call, allow))) => {
                        if let (Expr::Name(n), Some(t)) = (&a.targets[0], created_table(&a.value)) {
                            known.tables.insert(n.id.to_string(), t);
                        }
                        out.statements.push(Statement::Op { call, allow })
                    }
                    Ok(None) => {}
                    Err(why) => out.statements.push(Statement::Untranslated {
                        code: text(source, stmt),
                        why,
                    }),
                }
            }
            Stmt::With(w) if batch_table(w).is_some() => {
                let Some((table, var)) = batch_table(w) else {
                    continue;
                };
                for inner in &w.body {
                    let call = match inner {
                        Stmt::Expr(e) => batch_call(&e.value, &var, &table),
                        Stmt::Pass(_) => continue,
                        _ => None,
                    };
                    let result = match &call {
                        Some(c) => statement_call(c, known, upgrade),
                        None => Err(format!("a statement in `op.batch_alter_table({table:?})` that is no `{var}.<op>(...)` call")),
                    };
                    match result {
                        Ok(Some((call, allow))) => {
                            out.statements.push(Statement::Op { call, allow })
                        }
                        Ok(None) => {}
                        Err(why) => out.statements.push(Statement::Untranslated {
                            code: text(source, inner),
                            why,
                        }),
                    }
                }
            }
            other => {
                let code = text(source, other);
                let why = if code.contains("get_bind") {
                    "code that uses the connection (`op.get_bind()`)".into()
                } else {
                    what_statement(other)
                };
                out.statements.push(Statement::Untranslated { code, why })
            }
        }
    }
    out
}

/// `with op.batch_alter_table("t") as batch_op:`: the table and the
/// variable. Its ops are the table's plain ops (SQLite's move and copy is
/// the renderer's business here); other options are not translated.
fn batch_table(w: &ast::StmtWith) -> Option<(String, String)> {
    let [item] = w.items.as_slice() else {
        return None;
    };
    let Expr::Call(c) = &item.context_expr else {
        return None;
    };
    if dotted(&c.func).as_deref() != Some("op.batch_alter_table") {
        return None;
    }
    // `schema=None` is what autogenerate writes: the default schema.
    let plain = |k: &ast::Keyword| match k.arg.as_deref() {
        Some("recreate") => true,
        Some("schema") => matches!(constant(&k.value), Some(Constant::None)),
        _ => false,
    };
    if !c.keywords.iter().all(plain) {
        return None;
    }
    let table = c.args.first().and_then(string)?;
    let Some(Expr::Name(var)) = item.optional_vars.as_deref() else {
        return None;
    };
    Some((table, var.id.to_string()))
}

/// `batch_op.<op>(...)` as `op.<op>(...)` with the table where the plain op
/// takes it.
fn batch_call(e: &Expr, var: &str, table: &str) -> Option<Expr> {
    let Expr::Call(c) = e else { return None };
    let Expr::Attribute(a) = &*c.func else {
        return None;
    };
    if dotted(&a.value).as_deref() != Some(var) {
        return None;
    }
    let op = a.attr.as_str();
    let table_expr = Expr::Constant(ast::ExprConstant {
        range: Default::default(),
        value: Constant::Str(table.to_string()),
        kind: None,
    });
    let mut args = c.args.clone();
    let mut keywords = c.keywords.clone();
    match op {
        "add_column"
        | "drop_column"
        | "alter_column"
        | "create_table_comment"
        | "drop_table_comment" => args.insert(0, table_expr),
        "create_index"
        | "create_unique_constraint"
        | "create_check_constraint"
        | "create_foreign_key"
        | "create_primary_key"
        | "drop_constraint"
            if !args.is_empty() =>
        {
            args.insert(1, table_expr)
        }
        "drop_index" => keywords.push(ast::Keyword {
            range: Default::default(),
            arg: Some("table_name".into()),
            value: table_expr,
        }),
        _ => return None,
    }
    let op_attr = Expr::Attribute(ast::ExprAttribute {
        range: Default::default(),
        value: Box::new(Expr::Name(ast::ExprName {
            range: Default::default(),
            id: "op".into(),
            ctx: ast::ExprContext::Load,
        })),
        attr: op.into(),
        ctx: ast::ExprContext::Load,
    });
    Some(Expr::Call(ast::ExprCall {
        range: Default::default(),
        func: Box::new(op_attr),
        args,
        keywords,
    }))
}

fn what_statement(s: &Stmt) -> String {
    match s {
        Stmt::For(_) | Stmt::While(_) => "a loop".into(),
        Stmt::If(_) => "a condition".into(),
        Stmt::With(_) => "a `with` block".into(),
        Stmt::Assign(_) | Stmt::AnnAssign(_) | Stmt::AugAssign(_) => {
            "Python code (an assignment)".into()
        }
        Stmt::FunctionDef(_) => "a nested function".into(),
        Stmt::Try(_) => "a `try` block".into(),
        _ => "Python code".into(),
    }
}

/// The op of an expression statement; `Ok(None)` for one that does nothing
/// in the schema.
fn statement_call(
    e: &Expr,
    known: &Known,
    upgrade: bool,
) -> Result<Option<(Node, Vec<Lint>)>, String> {
    let Expr::Call(c) = e else {
        return Err("Python code".into());
    };
    let func = dotted(&c.func).unwrap_or_default();
    // `my_enum.create(op.get_bind())` / `.drop(...)`.
    if let Expr::Attribute(a) = &*c.func {
        if let Some(var) = dotted(&a.value) {
            let def = known
                .enums
                .get(&var)
                .cloned()
                .or_else(|| enum_def(&a.value));
            if let Some(def) = def {
                let name = def.name.clone().ok_or("an enum type without `name=`")?;
                return match a.attr.as_str() {
                    "create" => Ok(Some((
                        Node::Call(
                            "create_enum".into(),
                            vec![
                                Node::string(&name),
                                Node::List(def.values.iter().map(|v| Node::string(v)).collect()),
                            ],
                        ),
                        Vec::new(),
                    ))),
                    "drop" => Ok(Some((
                        Node::Call("drop_enum".into(), vec![Node::string(&name)]),
                        Vec::new(),
                    ))),
                    other => Err(format!("`.{other}()` on an enum type")),
                };
            }
        }
    }
    let Some(op) = func.strip_prefix("op.") else {
        if func.contains("get_bind") || func.starts_with("conn") || func.starts_with("bind") {
            return Err("code that uses the connection (`op.get_bind()`)".into());
        }
        return Err(format!(
            "a call of `{func}`, which is not an `op.*` operation"
        ));
    };
    if !OPS.contains(&op) {
        return Err(match op {
            "get_bind" | "get_context" => "code that uses the connection (`op.get_bind()`)".into(),
            "batch_alter_table" => {
                "`op.batch_alter_table` (write its ops as plain ops on the table)".into()
            }
            other => format!("`op.{other}`, which has no counterpart in the DSL"),
        });
    }
    let mut args = Vec::new();
    for a in &c.args {
        args.push(value(a, known)?);
    }
    let mut serial = false;
    for k in &c.keywords {
        let Some(key) = k.arg.as_deref() else {
            return Err("`**kwargs`".into());
        };
        if IGNORED_OP_KEYWORDS.contains(&key) {
            continue;
        }
        args.push(Node::Keyword(
            key.to_string(),
            Box::new(value(&k.value, known)?),
        ));
    }
    if op == "create_table" {
        serial = true;
    }
    let mut call = Node::Call(op.to_string(), args);
    if serial {
        mark_serial_key(&mut call);
    }
    strip_identity(&mut call);
    let mut allow = Vec::new();
    if upgrade {
        if matches!(op, "drop_table" | "drop_column") {
            allow.push(Lint::Destructive);
        }
        if op == "add_column" && adds_not_null_without_default(&call) {
            allow.push(Lint::NotNullWithoutDefault);
        }
    }
    if op == "bulk_insert" {
        // Alembic takes the table object: `sa.table("t", sa.column(...))`.
        if let Node::Call(_, args) = &mut call {
            if let Some(first) = args.first_mut() {
                if let Node::Call(name, table_args) = first {
                    if name == "table" {
                        let t = table_args
                            .first()
                            .cloned()
                            .ok_or("`sa.table()` without a name")?;
                        *first = t;
                    }
                }
            }
        }
    }
    Ok(Some((call, allow)))
}

/// The `op.*` names of the vocabulary both share.
const OPS: &[&str] = &[
    "create_table",
    "drop_table",
    "rename_table",
    "add_column",
    "drop_column",
    "alter_column",
    "create_index",
    "drop_index",
    "create_unique_constraint",
    "create_check_constraint",
    "create_foreign_key",
    "create_primary_key",
    "drop_constraint",
    "create_table_comment",
    "drop_table_comment",
    "bulk_insert",
    "execute",
];

/// Keywords with no effect on the schema: SQLAlchemy's `if_exists` and
/// the like are kept out rather than refused.
const IGNORED_OP_KEYWORDS: &[&str] = &["info", "multiinsert"];

/// Integer keys of a `create_table` that SQLAlchemy makes `SERIAL`: a
/// single integer column that is the whole primary key, auto-incrementing
/// and not an `Identity()`.
fn mark_serial_key(call: &mut Node) {
    let Node::Call(_, items) = call else { return };
    let pk_from_constraint: Option<Vec<String>> = items.iter().find_map(|i| match i {
        Node::Call(n, args) if n == "PrimaryKeyConstraint" => Some(
            args.iter()
                .filter_map(|a| match a {
                    Node::Atom(s) if s.starts_with('"') => Some(s.clone()),
                    _ => None,
                })
                .collect(),
        ),
        _ => None,
    });
    let flagged: Vec<String> = items
        .iter()
        .filter_map(|i| match i {
            Node::Call(n, args)
                if n == "Column" && keyword(args, "primary_key") == Some("true") =>
            {
                args.first().and_then(atom).map(str::to_string)
            }
            _ => None,
        })
        .collect();
    let key = match pk_from_constraint {
        Some(k) => k,
        None => flagged,
    };
    let [only] = key.as_slice() else { return };
    for item in items.iter_mut() {
        let Node::Call(n, args) = item else { continue };
        if n != "Column" || args.first().and_then(atom) != Some(only.as_str()) {
            continue;
        }
        let integer = matches!(
            args.get(1).map(type_name).as_deref(),
            Some("Integer" | "BigInteger" | "SmallInteger")
        );
        let identity = args
            .iter()
            .any(|a| matches!(a, Node::Atom(s) if s == IDENTITY));
        if integer && !identity && keyword(args, "autoincrement") != Some("false") {
            args.push(Node::Keyword(
                "identity".into(),
                Box::new(Node::Atom("false".into())),
            ));
        }
    }
}

/// `sa.Identity()` among a column's arguments, until `mark_serial_key`
/// has seen it: the DSL's default, so it is no argument there.
const IDENTITY: &str = "__identity__";

fn strip_identity(n: &mut Node) {
    match n {
        Node::Call(_, args) | Node::List(args) => {
            args.retain(|a| !matches!(a, Node::Atom(s) if s == IDENTITY));
            args.iter_mut().for_each(strip_identity);
        }
        Node::Keyword(_, v) => strip_identity(v),
        Node::Atom(_) => {}
    }
}

fn atom(n: &Node) -> Option<&str> {
    match n {
        Node::Atom(s) => Some(s),
        _ => None,
    }
}

fn type_name(n: &Node) -> String {
    match n {
        Node::Atom(s) => s.clone(),
        Node::Call(s, _) => s.clone(),
        _ => String::new(),
    }
}

fn keyword<'a>(args: &'a [Node], key: &str) -> Option<&'a str> {
    args.iter().find_map(|a| match a {
        Node::Keyword(k, v) if k == key => atom(v),
        _ => None,
    })
}

fn adds_not_null_without_default(call: &Node) -> bool {
    let Node::Call(_, args) = call else {
        return false;
    };
    args.iter().any(|a| match a {
        Node::Call(n, cargs) if n == "Column" => {
            keyword(cargs, "nullable") == Some("false")
                && !cargs
                    .iter()
                    .any(|c| matches!(c, Node::Keyword(k, _) if k == "server_default"))
        }
        _ => false,
    })
}

/// A Python argument as DSL syntax.
fn value(e: &Expr, known: &Known) -> Result<Node, String> {
    match e {
        Expr::Constant(c) => constant_node(&c.value),
        Expr::UnaryOp(u) if matches!(u.op, ast::UnaryOp::USub) => match value(&u.operand, known)? {
            Node::Atom(n) if n.chars().all(|c| c.is_ascii_digit() || c == '.') => {
                Ok(Node::Atom(format!("-{n}")))
            }
            _ => Err("a negated expression".into()),
        },
        Expr::List(l) => Ok(Node::List(
            l.elts
                .iter()
                .map(|x| value(x, known))
                .collect::<Result<_, _>>()?,
        )),
        Expr::Tuple(t) => Ok(Node::List(
            t.elts
                .iter()
                .map(|x| value(x, known))
                .collect::<Result<_, _>>()?,
        )),
        Expr::Dict(d) => {
            let mut entries = Vec::new();
            for (k, v) in d.keys.iter().zip(&d.values) {
                let key = k
                    .as_ref()
                    .and_then(string)
                    .ok_or("a dict whose keys are not strings")?;
                entries.push(format!("{key:?}: {}", flat(&value(v, known)?)));
            }
            Ok(Node::Atom(format!("{{{}}}", entries.join(", "))))
        }
        Expr::Name(n) => {
            if let Some(def) = known.enums.get(n.id.as_str()) {
                return Ok(enum_node(def));
            }
            if let Some(table) = known.tables.get(n.id.as_str()) {
                return Ok(Node::string(table));
            }
            name_node(n.id.as_str(), &[], &[], known)
        }
        Expr::Attribute(_) => {
            let full = dotted(e).unwrap_or_default();
            if !known_prefix(&full) {
                return Err(format!("`{full}`, a Python value"));
            }
            name_node(&short_name(e).unwrap_or_default(), &[], &[], known)
        }
        Expr::Call(c) => {
            let full = dotted(&c.func).ok_or("a computed call")?;
            if !known_prefix(&full) && full.contains('.') {
                return Err(format!("a call of `{full}`"));
            }
            let name = short_name(&c.func).unwrap_or_default();
            name_node(&name, &c.args, &c.keywords, known)
        }
        _ => Err("a Python expression".into()),
    }
}

fn constant_node(c: &Constant) -> Result<Node, String> {
    Ok(match c {
        Constant::None => Node::Atom("None".into()),
        Constant::Bool(b) => Node::Atom(b.to_string()),
        Constant::Str(s) => Node::string(s),
        Constant::Int(i) => Node::Atom(i.to_string()),
        Constant::Float(f) => Node::Atom(format!("{f:?}")),
        _ => return Err("a Python constant the DSL has no value for".into()),
    })
}

fn flat(n: &Node) -> String {
    match n {
        Node::Atom(s) => s.clone(),
        Node::Call(name, args) => format!(
            "{name}({})",
            args.iter().map(flat).collect::<Vec<_>>().join(", ")
        ),
        Node::List(items) => format!(
            "[{}]",
            items.iter().map(flat).collect::<Vec<_>>().join(", ")
        ),
        Node::Keyword(k, v) => format!("{k} = {}", flat(v)),
    }
}

fn enum_node(def: &EnumDef) -> Node {
    let mut args: Vec<Node> = def.values.iter().map(|v| Node::string(v)).collect();
    if let Some(n) = &def.name {
        args.push(Node::Keyword("name".into(), Box::new(Node::string(n))));
    }
    if !def.create_type {
        args.push(Node::Keyword(
            "create_type".into(),
            Box::new(Node::Atom("false".into())),
        ));
    }
    Node::Call("Enum".into(), args)
}

/// A name or call of SQLAlchemy's (types, `Column`, constraints, `text`,
/// `func.now()`, `op.f`) as the DSL writes it.
fn name_node(
    name: &str,
    args: &[Expr],
    keywords: &[ast::Keyword],
    known: &Known,
) -> Result<Node, String> {
    let arg = |i: usize, key: &str| -> Option<&Expr> {
        args.get(i).or_else(|| {
            keywords
                .iter()
                .find(|k| k.arg.as_deref() == Some(key))
                .map(|k| &k.value)
        })
    };
    let bool_kw = |key: &str| -> bool {
        keywords.iter().any(|k| {
            k.arg.as_deref() == Some(key)
                && matches!(constant(&k.value), Some(Constant::Bool(true)))
        })
    };
    let plain = |n: &str| Ok(Node::Atom(n.to_string()));
    match name {
        "Integer" | "INTEGER" | "INT" => plain("Integer"),
        "BigInteger" | "BIGINT" => plain("BigInteger"),
        "SmallInteger" | "SMALLINT" => plain("SmallInteger"),
        "Text" | "TEXT" | "UnicodeText" | "CLOB" => plain("Text"),
        "Boolean" | "BOOLEAN" => plain("Boolean"),
        // SQLAlchemy's `Float` is FLOAT: double precision on PostgreSQL.
        "Float" | "FLOAT" | "Double" | "DOUBLE" | "DOUBLE_PRECISION" => plain("Double"),
        "REAL" => plain("Float"),
        "Date" | "DATE" => plain("Date"),
        "Time" | "TIME" => plain("Time"),
        "UUID" | "Uuid" => plain("Uuid"),
        "JSON" => plain("Json"),
        "JSONB" => plain("Jsonb"),
        "LargeBinary" | "BYTEA" | "BLOB" | "BINARY" => plain("Binary"),
        "DateTime" | "DATETIME" | "TIMESTAMP" => Ok(if bool_kw("timezone") {
            Node::Call(
                "DateTime".into(),
                vec![Node::Keyword(
                    "timezone".into(),
                    Box::new(Node::Atom("true".into())),
                )],
            )
        } else {
            Node::Atom("DateTime".into())
        }),
        "String" | "VARCHAR" | "Unicode" | "NVARCHAR" => match arg(0, "length") {
            Some(n) => Ok(Node::Call("String".into(), vec![value(n, known)?])),
            None => plain("String"),
        },
        "Numeric" | "NUMERIC" | "DECIMAL" => {
            let mut out = Vec::new();
            if let Some(p) = arg(0, "precision") {
                out.push(value(p, known)?);
                if let Some(s) = arg(1, "scale") {
                    out.push(value(s, known)?);
                }
            }
            Ok(if out.is_empty() {
                Node::Atom("Numeric".into())
            } else {
                Node::Call("Numeric".into(), out)
            })
        }
        "Enum" | "ENUM" => {
            let call = Expr::Call(ast::ExprCall {
                range: Default::default(),
                func: Box::new(Expr::Name(ast::ExprName {
                    range: Default::default(),
                    id: name.into(),
                    ctx: ast::ExprContext::Load,
                })),
                args: args.to_vec(),
                keywords: keywords.to_vec(),
            });
            enum_def(&call).map(|d| enum_node(&d)).ok_or_else(|| {
                "an enum type whose values are not strings (a Python `enum.Enum`?)".into()
            })
        }
        "text" | "f" | "true" | "false" => pass_through(name, args, keywords, known, &[]),
        "now" => plain("now()"),
        "Identity" => plain(IDENTITY),
        "Column" => pass_through(
            "Column",
            args,
            keywords,
            known,
            &[
                "default", "onupdate", "doc", "key", "info", "quote", "system",
            ],
        ),
        "ForeignKey"
        | "PrimaryKeyConstraint"
        | "UniqueConstraint"
        | "CheckConstraint"
        | "ForeignKeyConstraint"
        | "table"
        | "column" => pass_through(name, args, keywords, known, &["info", "quote"]),
        "None" => plain("None"),
        other => Err(format!("`{other}`, which the DSL has no counterpart for")),
    }
}

/// `name(args..., key = value...)`, the keywords in `dropped` left out
/// (Python-side defaults and the like, which the database never sees).
fn pass_through(
    name: &str,
    args: &[Expr],
    keywords: &[ast::Keyword],
    known: &Known,
    dropped: &[&str],
) -> Result<Node, String> {
    let mut out = Vec::new();
    for a in args {
        out.push(value(a, known)?);
    }
    for k in keywords {
        let key = k.arg.as_deref().ok_or("`**kwargs`")?;
        if dropped.contains(&key) {
            continue;
        }
        out.push(Node::Keyword(
            key.to_string(),
            Box::new(value(&k.value, known)?),
        ));
    }
    Ok(Node::Call(name.to_string(), out))
}
