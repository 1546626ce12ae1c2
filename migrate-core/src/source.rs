//! Ops back to the DSL: the `op!(...)` statement a user would write for a
//! model value, laid out as rustfmt lays it out, so a generated migration
//! reads like a written one and `cargo fmt` leaves it alone.
//!
//! The text is the shortest the macro accepts that lowers to exactly the same
//! op: arguments at their default are left out, and so are the names of
//! inline and table-level constraints that the naming convention gives
//! anyway; the names of ops (`create_index("ix_...", ...)`) are always
//! written. A value no DSL text lowers to (an inline `unique` whose name is
//! not the convention's, say) is an [`Unwritable`] error, never text that
//! would compile to something else.
//!
//! The layout follows rustfmt's defaults for the call syntax the DSL uses:
//! a list stays on one line when its items fit in 60 columns (rustfmt's
//! `fn_call_width` and `array_width`) and the line in 100; a call whose one
//! argument is itself a call or a list keeps its opening on the line
//! (`op!(create_table(`); otherwise one item a line. Without trailing
//! commas: inside a macro rustfmt keeps them as written, and without them the
//! text is exactly what rustfmt makes of the op written on one line.

use crate::effect::Lint;
use crate::model::*;
use crate::naming;
use std::fmt;
use unicode_width::UnicodeWidthStr;

const MAX_WIDTH: usize = 100;
const LIST_WIDTH: usize = 60;
/// rustfmt's `short_array_element_width_threshold`: lists of such short
/// plain items fill their lines instead of taking one line each.
const SHORT_ITEM: usize = 10;

/// A model value that no DSL text lowers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unwritable {
    /// The op, by its DSL name.
    pub op: &'static str,
    /// What it holds that the DSL cannot say.
    pub what: String,
}

impl fmt::Display for Unwritable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` cannot be written as `op!(...)`: {}",
            self.op, self.what
        )
    }
}

impl std::error::Error for Unwritable {}

/// One line (or statement) of a generated `fn upgrade()` body.
// Most items are ops: boxing them to shrink the rare comments buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// An `op!(...)` statement, with `allow(...)` for the lints it is
    /// meant to pass (`allow(destructive)`, ...).
    Op {
        /// The op.
        op: Op,
        /// The lints to allow on it, in the order written.
        allow: Vec<Lint>,
    },
    /// A `// review: ...` comment: something a person must decide.
    Review(String),
    /// A `// note: ...` comment.
    Note(String),
}

/// The `op!(...);` statement for `op`, its first line indented by `indent`
/// spaces (no indentation of its own), ending without a newline.
pub fn op_statement(op: &Op, allow_destructive: bool, indent: usize) -> Result<String, Unwritable> {
    let allow: &[Lint] = if allow_destructive {
        &[Lint::Destructive]
    } else {
        &[]
    };
    op_statement_allowing(op, allow, indent)
}

/// [`op_statement`] with `allow(...)` for any lints.
pub fn op_statement_allowing(op: &Op, allow: &[Lint], indent: usize) -> Result<String, Unwritable> {
    let mut args = vec![op_call(op)?];
    if !allow.is_empty() {
        args.push(call(
            "allow",
            allow.iter().map(|l| atom(l.name())).collect(),
        ));
    }
    let node = Node::Call("op!".into(), args);
    Ok(format!("{};", layout(&node, indent, indent, 1)))
}

/// The statements and comments of a `fn upgrade()` body, each line indented
/// by `indent` spaces and ended by a newline.
pub fn upgrade_body(items: &[Item], indent: usize) -> Result<String, Unwritable> {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for item in items {
        match item {
            Item::Op { op, allow } => {
                out.push_str(&pad);
                out.push_str(&op_statement_allowing(op, allow, indent)?);
                out.push('\n');
            }
            Item::Review(text) => comment(&mut out, &pad, "review", text),
            Item::Note(text) => comment(&mut out, &pad, "note", text),
        }
    }
    Ok(out)
}

/// `// review: ...`, one `//` line per line of `text`.
fn comment(out: &mut String, pad: &str, tag: &str, text: &str) {
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end();
        match (i, line.is_empty()) {
            (0, _) => out.push_str(&format!("{pad}// {tag}: {line}\n")),
            (_, true) => out.push_str(&format!("{pad}//\n")),
            (_, false) => out.push_str(&format!("{pad}// {line}\n")),
        }
    }
}

// -- the call tree -------------------------------------------------------------------

/// The DSL's syntax: calls, lists, `key = value`, and leaves. Public for
/// text that is no model op yet (`import-alembic` translates Python calls
/// into it): [`statement`] lays it out as ops are laid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// Text written as it is: a literal, a type name, `{"k": 1}`.
    Atom(String),
    /// `name(args...)`.
    Call(String, Vec<Node>),
    /// `[items...]`.
    List(Vec<Node>),
    /// `key = value`.
    Keyword(String, Box<Node>),
}

impl Node {
    /// A string literal.
    pub fn string(s: &str) -> Node {
        lit(s)
    }
}

/// `op!(call);` for a call tree, its first line indented by `indent`
/// spaces (no indentation of its own), ending without a newline.
pub fn statement(call: Node, allow: &[Lint], indent: usize) -> String {
    let mut args = vec![call];
    if !allow.is_empty() {
        args.push(Node::Call(
            "allow".into(),
            allow.iter().map(|l| atom(l.name())).collect(),
        ));
    }
    let node = Node::Call("op!".into(), args);
    format!("{};", layout(&node, indent, indent, 1))
}

fn atom(s: impl Into<String>) -> Node {
    Node::Atom(s.into())
}

fn lit(s: &str) -> Node {
    // Debug is a valid Rust string literal: quotes, backslashes, control
    // characters escaped; printable unicode kept as it is.
    Node::Atom(format!("{s:?}"))
}

fn call(name: &str, args: Vec<Node>) -> Node {
    Node::Call(name.into(), args)
}

fn kw(key: &'static str, value: Node) -> Node {
    Node::Keyword(key.to_string(), Box::new(value))
}

fn boolean(b: bool) -> Node {
    atom(if b { "true" } else { "false" })
}

fn flat(n: &Node) -> String {
    match n {
        Node::Atom(s) => s.clone(),
        Node::Call(name, args) => format!("{name}({})", flat_items(args)),
        Node::List(items) => format!("[{}]", flat_items(items)),
        Node::Keyword(k, v) => format!("{k} = {}", flat(v)),
    }
}

fn flat_items(items: &[Node]) -> String {
    items.iter().map(flat).collect::<Vec<_>>().join(", ")
}

/// Columns on screen, as rustfmt counts them.
fn width(s: &str) -> usize {
    s.width()
}

/// `n` laid out starting at column `start` of a line indented by `indent`,
/// with `tail` more characters after it on its last line.
fn layout(n: &Node, indent: usize, start: usize, tail: usize) -> String {
    layout_in(n, indent, start, tail, false)
}

/// `broken`: `n` is the one argument of a call that did not fit on its line,
/// so it cannot stay on one line itself (rustfmt gives a nested call no more
/// room than its parent's list).
fn layout_in(n: &Node, indent: usize, start: usize, tail: usize, broken: bool) -> String {
    match n {
        Node::Atom(s) => s.clone(),
        Node::Keyword(k, v) => format!("{k} = {}", layout(v, indent, start + k.len() + 3, tail)),
        Node::Call(name, args) => {
            let open = format!("{name}(");
            delimited(&open, ")", args, indent, start, tail, broken)
        }
        Node::List(items) => delimited("[", "]", items, indent, start, tail, broken),
    }
}

fn delimited(
    open: &str,
    close: &str,
    items: &[Node],
    indent: usize,
    start: usize,
    tail: usize,
    broken: bool,
) -> String {
    let one_line = flat_items(items);
    if !broken
        && width(&one_line) <= LIST_WIDTH
        && start + open.len() + width(&one_line) + close.len() + tail <= MAX_WIDTH
    {
        return format!("{open}{one_line}{close}");
    }
    if let [only @ (Node::Call(_, _) | Node::List(_))] = items {
        let inner = layout_in(only, indent, start + open.len(), tail + close.len(), true);
        return format!("{open}{inner}{close}");
    }
    let inner_indent = indent + 4;
    let pad = " ".repeat(inner_indent);
    let mut out = format!("{open}\n");
    let short = items
        .iter()
        .all(|i| matches!(i, Node::Atom(a) if width(a) <= SHORT_ITEM));
    let last = items.len().saturating_sub(1);
    if short {
        // rustfmt's mixed layout: as many items a line as fit.
        let mut line = String::new();
        for (i, item) in items.iter().enumerate() {
            let text = if i == last {
                flat(item)
            } else {
                format!("{},", flat(item))
            };
            // rustfmt leaves the last column free here.
            if !line.is_empty() && inner_indent + width(&line) + 1 + width(&text) >= MAX_WIDTH {
                out.push_str(&format!("{pad}{line}\n"));
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&text);
        }
        out.push_str(&format!("{pad}{line}\n"));
    } else {
        for (i, item) in items.iter().enumerate() {
            let comma = if i == last { "" } else { "," };
            let text = layout(item, inner_indent, inner_indent, comma.len());
            out.push_str(&format!("{pad}{text}{comma}\n"));
        }
    }
    out.push_str(&" ".repeat(indent));
    out.push_str(close);
    out
}

// -- ops to calls --------------------------------------------------------------------

struct Writer {
    op: &'static str,
}

impl Writer {
    fn fail<T>(&self, what: impl Into<String>) -> Result<T, Unwritable> {
        Err(Unwritable {
            op: self.op,
            what: what.into(),
        })
    }

    fn schema(&self, args: &mut Vec<Node>, key: &'static str, schema: &Option<Str>) {
        if let Some(s) = schema {
            args.push(kw(key, lit(s)));
        }
    }

    /// A list of columns or enum values: the DSL takes none empty.
    fn names(&self, xs: &[Str]) -> Result<Node, Unwritable> {
        if xs.is_empty() {
            return self.fail("an empty list of columns or values");
        }
        Ok(Node::List(xs.iter().map(|x| lit(x)).collect()))
    }

    fn sql(&self, text: &str) -> Result<Node, Unwritable> {
        if text.trim().is_empty() {
            return self.fail("an empty SQL text");
        }
        Ok(lit(text))
    }

    fn text(&self, text: &str) -> Result<Node, Unwritable> {
        Ok(call("text", vec![self.sql(text)?]))
    }

    fn ty(&self, ty: &ColumnType, table_schema: &Option<Str>) -> Result<Node, Unwritable> {
        Ok(match ty {
            ColumnType::Numeric {
                precision: None,
                scale: Some(_),
            } => return self.fail("a `Numeric` scale without a precision"),
            ColumnType::Enum(e) if e.values.is_empty() => {
                return self.fail(format!("enum type `{}` has no values", e.name))
            }
            ColumnType::Enum(e) => {
                let mut args: Vec<Node> = e.values.iter().map(|v| lit(v)).collect();
                args.push(kw("name", lit(&e.name)));
                if !e.create_type {
                    args.push(kw("create_type", boolean(false)));
                }
                if e.schema != *table_schema {
                    match &e.schema {
                        Some(s) => args.push(kw("schema", lit(s))),
                        None => {
                            return self.fail(format!(
                                "enum type `{}` is outside the table's schema",
                                e.name
                            ))
                        }
                    }
                }
                call("Enum", args)
            }
            other => atom(other.to_string()),
        })
    }

    fn default(&self, d: &ServerDefault) -> Result<Node, Unwritable> {
        Ok(match d {
            ServerDefault::Literal(s) => lit(s),
            ServerDefault::Number(n) => atom(n.to_string()),
            ServerDefault::Boolean(b) => atom(format!("{b}()")),
            ServerDefault::Sql(s) => self.text(s)?,
            ServerDefault::Now => atom("now()"),
            ServerDefault::Uuid => atom("uuid()"),
        })
    }

    fn opt_default(&self, d: &Option<ServerDefault>) -> Result<Node, Unwritable> {
        match d {
            Some(d) => self.default(d),
            None => Ok(atom("None")),
        }
    }

    fn opt_comment(&self, c: &Option<Str>) -> Node {
        match c {
            Some(c) => lit(c),
            None => atom("None"),
        }
    }

    /// `"table.column"` as `ForeignKey` and `ForeignKeyConstraint` take it:
    /// two parts for the referencing table's schema, three for another.
    fn target(
        &self,
        table: &TableRef,
        referent: &TableRef,
        column: &str,
    ) -> Result<Node, Unwritable> {
        if referent.schema == table.schema {
            Ok(lit(&format!("{}.{column}", referent.name)))
        } else if let Some(s) = &referent.schema {
            Ok(lit(&format!("{s}.{}.{column}", referent.name)))
        } else {
            self.fail(format!(
                "a foreign key of `{table}` to `{}` in the default schema",
                referent.name
            ))
        }
    }

    fn actions(
        &self,
        args: &mut Vec<Node>,
        on_delete: Option<ReferentialAction>,
        on_update: Option<ReferentialAction>,
    ) {
        if let Some(a) = on_delete {
            args.push(kw("ondelete", lit(a.sql())));
        }
        if let Some(a) = on_update {
            args.push(kw("onupdate", lit(a.sql())));
        }
    }

    fn fk_options(&self, args: &mut Vec<Node>, fk: &ForeignKey) {
        self.actions(args, fk.on_delete, fk.on_update);
        if let Some(d) = fk.deferrable {
            args.push(kw("deferrable", boolean(d)));
        }
        if let Some(i) = fk.initially_deferred {
            args.push(kw(
                "initially",
                lit(if i { "DEFERRED" } else { "IMMEDIATE" }),
            ));
        }
    }

    /// `Column(...)` of `table`; `key_inline`: its primary key is written as
    /// `primary_key = true` (not by a `PrimaryKeyConstraint`).
    fn column(&self, c: &Column, table: &TableRef, key_inline: bool) -> Result<Node, Unwritable> {
        let mut args = vec![lit(&c.name), self.ty(&c.ty, &table.schema)?];
        if let Some(fk) = &c.foreign_key {
            let mut fk_args = vec![self.target(table, &fk.referent, &fk.referent_column)?];
            if *fk.name != naming::foreign_key(&table.name, &[&c.name], &fk.referent.name) {
                fk_args.push(kw("name", lit(&fk.name)));
            }
            self.actions(&mut fk_args, fk.on_delete, fk.on_update);
            args.push(call("ForeignKey", fk_args));
        }
        let written_key = c.primary_key && key_inline;
        if written_key {
            args.push(kw("primary_key", boolean(true)));
        }
        // A key column is NOT NULL without saying so.
        let default_nullable = !c.primary_key;
        if c.nullable != default_nullable {
            if c.primary_key {
                return self.fail(format!("primary key column `{}` is nullable", c.name));
            }
            args.push(kw("nullable", boolean(c.nullable)));
        }
        let integer = matches!(
            c.ty,
            ColumnType::Integer | ColumnType::BigInteger | ColumnType::SmallInteger
        );
        if c.autoincrement == Some(true) && !integer {
            return self.fail(format!(
                "column `{}` autoincrements but is no integer",
                c.name
            ));
        }
        if let Some(a) = c.autoincrement {
            args.push(kw("autoincrement", boolean(a)));
        }
        if !c.identity {
            args.push(kw("identity", boolean(false)));
        }
        if let Some(d) = &c.server_default {
            args.push(kw("server_default", self.default(d)?));
        }
        if let Some(u) = &c.unique {
            if *u != naming::unique(&table.name, &[&c.name]) {
                return self.fail(format!(
                    "the inline unique constraint `{u}` of column `{}` is not named by the convention",
                    c.name
                ));
            }
            args.push(kw("unique", boolean(true)));
        }
        if let Some(i) = &c.index {
            if *i != naming::index(&table.name, &[&c.name]) {
                return self.fail(format!(
                    "the inline index `{i}` of column `{}` is not named by the convention",
                    c.name
                ));
            }
            args.push(kw("index", boolean(true)));
        }
        if let Some(comment) = &c.comment {
            args.push(kw("comment", lit(comment)));
        }
        Ok(call("Column", args))
    }

    /// The items of `create_table` (and of the invertible `drop_table`).
    fn table_items(&self, t: &Table) -> Result<Vec<Node>, Unwritable> {
        let flagged: Vec<&Str> = t
            .columns
            .iter()
            .filter(|c| c.primary_key)
            .map(|c| &c.name)
            .collect();
        let key_inline = match t.primary_key() {
            Some((name, cols)) => {
                *name == naming::primary_key(&t.table.name)
                    && cols.iter().collect::<Vec<_>>() == flagged
            }
            None if flagged.is_empty() => true,
            None => return self.fail("primary key columns without a primary key constraint"),
        };
        let mut items = Vec::new();
        for c in t.columns.iter() {
            items.push(self.column(c, &t.table, key_inline)?);
        }
        for (i, c) in t.constraints.iter().enumerate() {
            let named = |args: &mut Vec<Node>, convention: String| {
                if *c.name != convention {
                    args.push(kw("name", lit(&c.name)));
                }
            };
            match &c.kind {
                ConstraintKind::PrimaryKey { columns } => {
                    if i != 0 {
                        return self.fail("the primary key is not the first constraint");
                    }
                    if !key_inline {
                        let mut args: Vec<Node> = columns.iter().map(|c| lit(c)).collect();
                        named(&mut args, naming::primary_key(&t.table.name));
                        items.push(call("PrimaryKeyConstraint", args));
                    }
                }
                ConstraintKind::Unique { columns } => {
                    let mut args: Vec<Node> = columns.iter().map(|c| lit(c)).collect();
                    named(&mut args, naming::unique(&t.table.name, columns));
                    items.push(call("UniqueConstraint", args));
                }
                ConstraintKind::Check { condition } => {
                    items.push(call(
                        "CheckConstraint",
                        vec![self.sql(condition)?, kw("name", lit(&c.name))],
                    ));
                }
                ConstraintKind::ForeignKey(fk) => {
                    let targets = fk
                        .referent_columns
                        .iter()
                        .map(|r| self.target(&t.table, &fk.referent, r))
                        .collect::<Result<Vec<_>, _>>()?;
                    let mut args = vec![self.names(&fk.columns)?, Node::List(targets)];
                    named(
                        &mut args,
                        naming::foreign_key(&t.table.name, &fk.columns, &fk.referent.name),
                    );
                    self.fk_options(&mut args, fk);
                    items.push(call("ForeignKeyConstraint", args));
                }
            }
        }
        Ok(items)
    }

    fn index_args(&self, index: &Index, table: &TableRef) -> Result<Vec<Node>, Unwritable> {
        if index.columns.is_empty() {
            return self.fail(format!("index `{}` has no columns", index.name));
        }
        let columns = index
            .columns
            .iter()
            .map(|c| match c {
                IndexColumn::Column(c) => Ok(lit(c)),
                IndexColumn::Expression(e) => self.text(e),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut args = vec![lit(&index.name), lit(&table.name), Node::List(columns)];
        if index.unique {
            args.push(kw("unique", boolean(true)));
        }
        if let Some(p) = &index.postgresql_where {
            args.push(kw("postgresql_where", self.sql(p)?));
        }
        if let Some(p) = &index.sqlite_where {
            args.push(kw("sqlite_where", self.sql(p)?));
        }
        if let Some(m) = &index.method {
            args.push(kw("postgresql_using", lit(m)));
        }
        if index.concurrently {
            args.push(kw("postgresql_concurrently", boolean(true)));
        }
        self.schema(&mut args, "schema", &table.schema);
        Ok(args)
    }

    fn constraint(&self, name: &str, table: &TableRef, c: &Constraint) -> Result<Node, Unwritable> {
        let verb = if name.starts_with("create") {
            "create"
        } else {
            "drop"
        };
        let mut args = vec![lit(&c.name), lit(&table.name)];
        let op = match &c.kind {
            ConstraintKind::PrimaryKey { columns } => {
                args.push(self.names(columns)?);
                format!("{verb}_primary_key")
            }
            ConstraintKind::Unique { columns } => {
                args.push(self.names(columns)?);
                format!("{verb}_unique_constraint")
            }
            ConstraintKind::Check { condition } => {
                args.push(self.sql(condition)?);
                format!("{verb}_check_constraint")
            }
            ConstraintKind::ForeignKey(fk) => {
                args.insert(2, lit(&fk.referent.name));
                args.push(self.names(&fk.columns)?);
                args.push(self.names(&fk.referent_columns)?);
                self.fk_options(&mut args, fk);
                self.schema(&mut args, "source_schema", &table.schema);
                self.schema(&mut args, "referent_schema", &fk.referent.schema);
                return Ok(call(&format!("{verb}_foreign_key"), args));
            }
        };
        self.schema(&mut args, "schema", &table.schema);
        Ok(call(&op, args))
    }
}

/// The names an op gives: the DSL takes none empty or longer than
/// PostgreSQL keeps.
fn names_of(op: &Op) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    fn table_ref<'a>(out: &mut Vec<&'a str>, t: &'a TableRef) {
        out.push(&t.name);
        out.extend(t.schema.as_deref());
    }
    fn column<'a>(out: &mut Vec<&'a str>, c: &'a Column) {
        out.push(&c.name);
        if let ColumnType::Enum(e) = &c.ty {
            out.push(&e.name);
        }
        if let Some(fk) = &c.foreign_key {
            out.push(&fk.name);
            out.push(&fk.referent_column);
            table_ref(out, &fk.referent);
        }
    }
    fn constraint<'a>(out: &mut Vec<&'a str>, c: &'a Constraint) {
        out.push(&c.name);
        out.extend(c.kind.columns().iter().map(|c| &**c));
        if let ConstraintKind::ForeignKey(fk) = &c.kind {
            table_ref(out, &fk.referent);
            out.extend(fk.referent_columns.iter().map(|c| &**c));
        }
    }
    fn table<'a>(out: &mut Vec<&'a str>, t: &'a Table) {
        table_ref(out, &t.table);
        t.columns.iter().for_each(|c| column(out, c));
        t.constraints.iter().for_each(|c| constraint(out, c));
    }
    match op {
        Op::CreateTable(t) => table(&mut out, t),
        Op::DropTable {
            table: t,
            definition,
        } => {
            table_ref(&mut out, t);
            if let Some(d) = definition {
                table(&mut out, d);
            }
        }
        Op::RenameTable { schema, old, new } => {
            out.extend([&**old, &**new]);
            out.extend(schema.as_deref());
        }
        Op::AddColumn {
            table: t,
            column: c,
        } => {
            table_ref(&mut out, t);
            column(&mut out, c);
        }
        Op::DropColumn {
            table: t,
            column: c,
            definition,
        } => {
            table_ref(&mut out, t);
            out.push(c);
            if let Some(d) = definition {
                column(&mut out, d);
            }
        }
        Op::AlterColumn(a) => {
            table_ref(&mut out, &a.table);
            out.push(&a.column);
            out.extend(a.new_name.as_deref());
        }
        Op::CreateIndex(i) => {
            table_ref(&mut out, &i.table);
            out.push(&i.name);
            out.extend(i.column_names().map(|c| &**c));
        }
        Op::DropIndex {
            table: t,
            name,
            definition,
        } => {
            table_ref(&mut out, t);
            out.push(name);
            if let Some(i) = definition {
                out.extend(i.column_names().map(|c| &**c));
            }
        }
        Op::AddConstraint {
            table: t,
            constraint: c,
        } => {
            table_ref(&mut out, t);
            constraint(&mut out, c);
        }
        Op::DropConstraint {
            table: t,
            name,
            definition,
            ..
        } => {
            table_ref(&mut out, t);
            out.push(name);
            if let Some(c) = definition {
                constraint(&mut out, c);
            }
        }
        Op::CreateEnum(e) => {
            out.push(&e.name);
            out.extend(e.schema.as_deref());
        }
        Op::DropEnum { schema, name, .. } | Op::AddEnumValue { schema, name, .. } => {
            out.push(name);
            out.extend(schema.as_deref());
        }
        Op::SetTableComment { table: t, .. } | Op::BulkInsert { table: t, .. } => {
            table_ref(&mut out, t)
        }
        Op::Execute(_) | Op::Run { .. } => {}
    }
    out
}

/// The call inside `op!(...)` for `op`.
fn op_call(op: &Op) -> Result<Node, Unwritable> {
    let w = Writer { op: op.name() };
    for name in names_of(op) {
        if name.is_empty() {
            return w.fail("an empty name");
        }
        if name.len() > naming::MAX_IDENTIFIER_BYTES {
            return w.fail(format!(
                "`{name}` is longer than {} bytes",
                naming::MAX_IDENTIFIER_BYTES
            ));
        }
    }
    let node = match op {
        Op::CreateTable(t) => {
            let mut args = vec![lit(&t.table.name)];
            args.extend(w.table_items(t)?);
            if let Some(c) = &t.comment {
                args.push(kw("comment", lit(c)));
            }
            w.schema(&mut args, "schema", &t.table.schema);
            call("create_table", args)
        }
        Op::DropTable { table, definition } => {
            let mut args = vec![lit(&table.name)];
            if let Some(t) = definition {
                if t.table != *table {
                    return w.fail("a definition of another table");
                }
                args.extend(w.table_items(t)?);
                if let Some(c) = &t.comment {
                    args.push(kw("comment", lit(c)));
                }
            }
            w.schema(&mut args, "schema", &table.schema);
            call("drop_table", args)
        }
        Op::RenameTable { schema, old, new } => {
            let mut args = vec![lit(old), lit(new)];
            w.schema(&mut args, "schema", schema);
            call("rename_table", args)
        }
        Op::AddColumn { table, column } => {
            if column.primary_key {
                return w.fail(format!(
                    "primary key column `{}` (add it, then `create_primary_key`)",
                    column.name
                ));
            }
            let mut args = vec![lit(&table.name), w.column(column, table, true)?];
            w.schema(&mut args, "schema", &table.schema);
            call("add_column", args)
        }
        Op::DropColumn {
            table,
            column,
            definition,
        } => {
            let col = match definition {
                Some(c) if c.name != *column => {
                    return w.fail("a definition of another column");
                }
                Some(c) => w.column(c, table, true)?,
                None => lit(column),
            };
            let mut args = vec![lit(&table.name), col];
            w.schema(&mut args, "schema", &table.schema);
            call("drop_column", args)
        }
        Op::AlterColumn(a) => {
            if a.new_name.is_none()
                && a.ty.is_none()
                && a.nullable.is_none()
                && a.server_default.is_none()
                && a.comment.is_none()
            {
                return w.fail("it changes nothing");
            }
            if a.using.is_some() && a.ty.is_none() {
                return w.fail("`postgresql_using` without a new type");
            }
            let schema = &a.table.schema;
            let mut args = vec![lit(&a.table.name), lit(&a.column)];
            if let Some(n) = &a.new_name {
                args.push(kw("new_column_name", lit(n)));
            }
            if let Some(t) = &a.ty {
                args.push(kw("type_", w.ty(t, schema)?));
            }
            if let Some(t) = &a.existing_type {
                args.push(kw("existing_type", w.ty(t, schema)?));
            }
            if let Some(n) = a.nullable {
                args.push(kw("nullable", boolean(n)));
            }
            if let Some(n) = a.existing_nullable {
                args.push(kw("existing_nullable", boolean(n)));
            }
            if let Some(d) = &a.server_default {
                args.push(kw("server_default", w.opt_default(d)?));
            }
            if let Some(d) = &a.existing_server_default {
                args.push(kw("existing_server_default", w.opt_default(d)?));
            }
            if let Some(c) = &a.comment {
                args.push(kw("comment", w.opt_comment(c)));
            }
            if let Some(c) = &a.existing_comment {
                args.push(kw("existing_comment", w.opt_comment(c)));
            }
            if let Some(u) = &a.using {
                args.push(kw("postgresql_using", w.sql(u)?));
            }
            w.schema(&mut args, "schema", schema);
            call("alter_column", args)
        }
        Op::CreateIndex(index) => call("create_index", w.index_args(index, &index.table)?),
        Op::DropIndex {
            table,
            name,
            definition,
        } => match definition {
            Some(index) => {
                if index.name != *name || index.table != *table {
                    return w.fail("a definition of another index");
                }
                call("drop_index", w.index_args(index, table)?)
            }
            None => {
                let mut args = vec![lit(name), kw("table_name", lit(&table.name))];
                w.schema(&mut args, "schema", &table.schema);
                call("drop_index", args)
            }
        },
        Op::AddConstraint { table, constraint } => w.constraint("create", table, constraint)?,
        Op::DropConstraint {
            table,
            name,
            kind,
            definition,
        } => match definition {
            Some(c) => {
                if c.name != *name || c.kind.constraint_type() != *kind {
                    return w.fail("a definition of another constraint");
                }
                w.constraint("drop", table, c)?
            }
            None => {
                let mut args = vec![
                    lit(name),
                    lit(&table.name),
                    kw("type_", lit(kind.alembic_name())),
                ];
                w.schema(&mut args, "schema", &table.schema);
                call("drop_constraint", args)
            }
        },
        Op::CreateEnum(e) => {
            if !e.create_type {
                return w.fail("`create_type = false` (the op creates the type)");
            }
            let mut args = vec![lit(&e.name), w.names(&e.values)?];
            w.schema(&mut args, "schema", &e.schema);
            call("create_enum", args)
        }
        Op::DropEnum {
            schema,
            name,
            definition,
        } => {
            let mut args = vec![lit(name)];
            if let Some(e) = definition {
                if e.name != *name || e.schema != *schema || !e.create_type {
                    return w.fail("a definition of another enum type");
                }
                args.push(w.names(&e.values)?);
            }
            w.schema(&mut args, "schema", schema);
            call("drop_enum", args)
        }
        Op::AddEnumValue {
            schema,
            name,
            value,
            placement,
        } => {
            let mut args = vec![lit(name), lit(value)];
            match placement {
                Some(EnumPlacement::Before(v)) => args.push(kw("before", lit(v))),
                Some(EnumPlacement::After(v)) => args.push(kw("after", lit(v))),
                None => {}
            }
            w.schema(&mut args, "schema", schema);
            call("add_enum_value", args)
        }
        Op::SetTableComment {
            table,
            comment,
            existing,
        } => {
            let mut args = vec![lit(&table.name)];
            if let Some(c) = comment {
                args.push(lit(c));
            }
            if let Some(e) = existing {
                args.push(kw("existing_comment", w.opt_comment(e)));
            }
            w.schema(&mut args, "schema", &table.schema);
            call(op.name(), args)
        }
        Op::BulkInsert { table, rows } => {
            if rows.is_empty() {
                return w.fail("no rows");
            }
            let rows = rows
                .iter()
                .map(|row| {
                    if row.values.is_empty() {
                        return w.fail("an empty row");
                    }
                    let entries: Vec<String> = row
                        .values
                        .iter()
                        .map(|(k, v)| format!("{k:?}: {}", value(v)))
                        .collect();
                    Ok(atom(format!("{{{}}}", entries.join(", "))))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let mut args = vec![lit(&table.name), Node::List(rows)];
            w.schema(&mut args, "schema", &table.schema);
            call("bulk_insert", args)
        }
        Op::Execute(sql) => {
            let mut args = Vec::new();
            if let Some(any) = &sql.any {
                args.push(w.sql(any)?);
            }
            for (key, text) in [
                ("postgresql", &sql.postgresql),
                ("sqlite", &sql.sqlite),
                ("mysql", &sql.mysql),
            ] {
                if let Some(t) = text {
                    args.push(kw(key, w.sql(t)?));
                }
            }
            if args.is_empty() {
                return w.fail("no SQL");
            }
            call("execute", args)
        }
        Op::Run { function } => call("run", vec![atom(function.to_string())]),
    };
    Ok(node)
}

fn value(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Text(t) => format!("{t:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn drop_users() -> Op {
        Op::DropTable {
            table: TableRef::new(None, Cow::Borrowed("users")),
            definition: None,
        }
    }

    #[test]
    fn a_body_is_statements_and_comments_at_the_indent() {
        let items = [
            Item::Review("`users` goes with its rows\n\nkeep a backup".into()),
            Item::Op {
                op: drop_users(),
                allow: vec![Lint::Destructive],
            },
            Item::Note("done".into()),
        ];
        assert_eq!(
            upgrade_body(&items, 8).unwrap(),
            "        // review: `users` goes with its rows\n        //\n        // keep a backup\n        op!(drop_table(\"users\"), allow(destructive));\n        // note: done\n"
        );
    }

    #[test]
    fn a_call_too_wide_for_its_list_breaks_one_item_a_line() {
        let op = Op::RenameTable {
            schema: Some(Cow::Borrowed("sales")),
            old: Cow::Borrowed("order_lines_of_the_old_kind"),
            new: Cow::Borrowed("order_lines"),
        };
        assert_eq!(
            op_statement(&op, false, 4).unwrap(),
            "op!(rename_table(\n        \"order_lines_of_the_old_kind\",\n        \"order_lines\",\n        schema = \"sales\"\n    ));"
        );
    }

    #[test]
    fn an_alter_column_that_changes_nothing_is_refused() {
        let a = AlterColumn::new(
            TableRef::new(None, Cow::Borrowed("users")),
            Cow::Borrowed("name"),
            None,
            None,
            None,
            None,
            None,
            Some(ColumnType::Text),
            None,
            None,
            None,
            None,
        );
        assert_eq!(
            op_statement(&Op::AlterColumn(a), false, 8)
                .unwrap_err()
                .to_string(),
            "`alter_column` cannot be written as `op!(...)`: it changes nothing"
        );
    }

    #[test]
    fn names_longer_than_postgresql_keeps_are_refused() {
        let op = Op::DropTable {
            table: TableRef::new(None, Cow::Owned("t".repeat(64))),
            definition: None,
        };
        assert!(op_statement(&op, false, 8)
            .unwrap_err()
            .what
            .ends_with("is longer than 63 bytes"));
    }

    #[test]
    fn what_no_text_lowers_to_is_refused() {
        let op = Op::AddColumn {
            table: TableRef::new(Some(Cow::Borrowed("sales")), Cow::Borrowed("orders")),
            column: Column::new(
                Cow::Borrowed("mood"),
                ColumnType::Enum(EnumType::new(
                    None,
                    Cow::Borrowed("mood"),
                    Cow::Borrowed(&[Cow::Borrowed("happy")]),
                    true,
                )),
                true,
                false,
                None,
                None,
                None,
                None,
                None,
                None,
                true,
            ),
        };
        assert_eq!(
            op_statement(&op, false, 8).unwrap_err().what,
            "enum type `mood` is outside the table's schema"
        );
    }
}
