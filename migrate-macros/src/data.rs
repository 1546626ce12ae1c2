//! Op data as Rust source text, parsed once into tokens.
//!
//! A migration's ops become `static` values of the runtime's model types. They
//! carry no spans worth keeping (nothing in them can fail to compile), so they
//! are written as one string and handed to the compiler in a single parse: far
//! cheaper than building thousands of tokens one by one through the proc-macro
//! bridge, which is most of a build's macro time with hundreds of migrations.
//! Every name is written in full under `__private::model_names`: a glob
//! import per migration would be resolved again on every rebuild.
//!
//! Structs are built with their `const fn new` (so they can be
//! `#[non_exhaustive]`), enums with their variants. A `static` neither
//! promotes a borrow of a value a call built nor extends a borrow passed to a
//! call, so the op lists are `const { &[...] }` blocks (whose final value is
//! `'static`; they cost the compiler nothing measurable). A `Table` is the
//! one struct still written as a literal: its columns and constraints are
//! built by calls, and as arguments of `Table::new` each list would need a
//! `const` block of its own (3% more compiler work on the compile-time
//! benchmark); inside a literal their borrows are extended.

use migrate_core::model::*;
use std::fmt::Write;

/// `const { &[Op, ...] }`, for a field of the registered record: the ops are
/// built by constructor calls, which a `static`'s initializer does not promote
/// to `'static` borrows, but a `const` block's final value is.
pub fn ops_slice(ops: &[Op], prefix: &str) -> String {
    let mut w = W(
        String::with_capacity(512 * ops.len().max(1)),
        prefix.to_string(),
    );
    if ops.is_empty() {
        w.0.push_str("&[]");
        return w.0;
    }
    w.0.push_str("const{&[");
    for op in ops {
        w.op(op);
        w.0.push(',');
    }
    w.0.push_str("]}");
    w.0
}

/// The text, and the path every name is written under.
struct W(String, String);

impl W {
    fn push(&mut self, s: &str) {
        if s.starts_with(|c: char| c.is_ascii_uppercase()) {
            // A space: `name:` then `::path` would lex as `:::`.
            self.0.push(' ');
            self.0.push_str(&self.1);
        }
        self.0.push_str(s);
    }

    fn str(&mut self, s: &str) {
        write!(self.0, " {}Cow::Borrowed({s:?})", self.1).ok();
    }

    fn opt<T: ?Sized>(&mut self, v: Option<&T>, f: impl FnOnce(&mut Self, &T)) {
        match v {
            Some(v) => {
                self.push("Some(");
                f(self, v);
                self.push(")");
            }
            None => self.push("None"),
        }
    }

    fn opt_str(&mut self, v: Option<&str>) {
        self.opt(v, |w, s| w.str(s));
    }

    fn bool(&mut self, b: bool) {
        self.push(if b { "true" } else { "false" });
    }

    fn opt_bool(&mut self, v: Option<bool>) {
        self.opt(v.as_ref(), |w, b| w.bool(*b));
    }

    fn list<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        self.push("Cow::Borrowed(&[");
        for item in items {
            f(self, item);
            self.push(",");
        }
        self.push("])");
    }

    fn strs(&mut self, items: &[Str]) {
        self.list(items, |w, s| w.str(s));
    }

    fn table_ref(&mut self, t: &TableRef) {
        self.push("TableRef::new(");
        self.opt_str(t.schema.as_deref());
        self.push(",");
        self.str(&t.name);
        self.push(")");
    }

    fn op(&mut self, op: &Op) {
        match op {
            Op::CreateTable(t) => {
                self.push("Op::CreateTable(");
                self.table(t);
                self.push(")");
            }
            Op::DropTable { table, definition } => {
                self.push("Op::DropTable{table:");
                self.table_ref(table);
                self.push(",definition:");
                self.opt(definition.as_ref(), Self::table);
                self.push("}");
            }
            Op::RenameTable { schema, old, new } => {
                self.push("Op::RenameTable{schema:");
                self.opt_str(schema.as_deref());
                self.push(",old:");
                self.str(old);
                self.push(",new:");
                self.str(new);
                self.push("}");
            }
            Op::AddColumn { table, column } => {
                self.push("Op::AddColumn{table:");
                self.table_ref(table);
                self.push(",column:");
                self.column(column);
                self.push("}");
            }
            Op::DropColumn {
                table,
                column,
                definition,
            } => {
                self.push("Op::DropColumn{table:");
                self.table_ref(table);
                self.push(",column:");
                self.str(column);
                self.push(",definition:");
                self.opt(definition.as_ref(), Self::column);
                self.push("}");
            }
            Op::AlterColumn(a) => {
                self.push("Op::AlterColumn(");
                self.push("AlterColumn::new(");
                self.table_ref(&a.table);
                self.push(",");
                self.str(&a.column);
                self.push(",");
                self.opt_str(a.new_name.as_deref());
                self.push(",");
                self.opt(a.ty.as_ref(), Self::ty);
                self.push(",");
                self.opt_bool(a.nullable);
                self.push(",");
                self.opt(a.server_default.as_ref(), |w, d| {
                    w.opt(d.as_ref(), Self::default)
                });
                self.push(",");
                self.opt(a.comment.as_ref(), |w, c| w.opt_str(c.as_deref()));
                self.push(",");
                self.opt(a.existing_type.as_ref(), Self::ty);
                self.push(",");
                self.opt_bool(a.existing_nullable);
                self.push(",");
                self.opt(a.existing_server_default.as_ref(), |w, d| {
                    w.opt(d.as_ref(), Self::default)
                });
                self.push(",");
                self.opt(a.existing_comment.as_ref(), |w, c| w.opt_str(c.as_deref()));
                self.push(",");
                self.opt_str(a.using.as_deref());
                self.push("))");
            }
            Op::CreateIndex(i) => {
                self.push("Op::CreateIndex(");
                self.index(i);
                self.push(")");
            }
            Op::DropIndex {
                table,
                name,
                definition,
            } => {
                self.push("Op::DropIndex{table:");
                self.table_ref(table);
                self.push(",name:");
                self.str(name);
                self.push(",definition:");
                self.opt(definition.as_ref(), Self::index);
                self.push("}");
            }
            Op::AddConstraint { table, constraint } => {
                self.push("Op::AddConstraint{table:");
                self.table_ref(table);
                self.push(",constraint:");
                self.constraint(constraint);
                self.push("}");
            }
            Op::DropConstraint {
                table,
                name,
                kind,
                definition,
            } => {
                self.push("Op::DropConstraint{table:");
                self.table_ref(table);
                self.push(",name:");
                self.str(name);
                self.push(",kind:");
                self.push(match kind {
                    ConstraintType::PrimaryKey => "ConstraintType::PrimaryKey",
                    ConstraintType::Unique => "ConstraintType::Unique",
                    ConstraintType::Check => "ConstraintType::Check",
                    ConstraintType::ForeignKey => "ConstraintType::ForeignKey",
                });
                self.push(",definition:");
                self.opt(definition.as_ref(), Self::constraint);
                self.push("}");
            }
            Op::CreateEnum(e) => {
                self.push("Op::CreateEnum(");
                self.enum_type(e);
                self.push(")");
            }
            Op::DropEnum {
                schema,
                name,
                definition,
            } => {
                self.push("Op::DropEnum{schema:");
                self.opt_str(schema.as_deref());
                self.push(",name:");
                self.str(name);
                self.push(",definition:");
                self.opt(definition.as_ref(), Self::enum_type);
                self.push("}");
            }
            Op::AddEnumValue {
                schema,
                name,
                value,
                placement,
            } => {
                self.push("Op::AddEnumValue{schema:");
                self.opt_str(schema.as_deref());
                self.push(",name:");
                self.str(name);
                self.push(",value:");
                self.str(value);
                self.push(",placement:");
                self.opt(placement.as_ref(), |w, p| match p {
                    EnumPlacement::Before(v) => {
                        w.push("EnumPlacement::Before(");
                        w.str(v);
                        w.push(")");
                    }
                    EnumPlacement::After(v) => {
                        w.push("EnumPlacement::After(");
                        w.str(v);
                        w.push(")");
                    }
                });
                self.push("}");
            }
            Op::SetTableComment {
                table,
                comment,
                existing,
            } => {
                self.push("Op::SetTableComment{table:");
                self.table_ref(table);
                self.push(",comment:");
                self.opt_str(comment.as_deref());
                self.push(",existing:");
                self.opt(existing.as_ref(), |w, c| w.opt_str(c.as_deref()));
                self.push("}");
            }
            Op::BulkInsert { table, rows } => {
                self.push("Op::BulkInsert{table:");
                self.table_ref(table);
                self.push(",rows:");
                self.list(rows, |w, row| {
                    w.push("Row::new(");
                    w.list(&row.values, |w, (column, value)| {
                        w.push("(");
                        w.str(column);
                        w.push(",");
                        w.value(value);
                        w.push(")");
                    });
                    w.push(")");
                });
                self.push("}");
            }
            Op::Execute(sql) => {
                self.push("Op::Execute(");
                self.push("Sql::new(");
                self.opt_str(sql.any.as_deref());
                self.push(",");
                self.opt_str(sql.postgresql.as_deref());
                self.push(",");
                self.opt_str(sql.sqlite.as_deref());
                self.push(",");
                self.opt_str(sql.mysql.as_deref());
                self.push("))");
            }
            Op::Run { function } => {
                self.push("Op::Run{function:");
                self.str(function);
                self.push("}");
            }
        }
    }

    fn table(&mut self, t: &Table) {
        self.push("Table{table:");
        self.table_ref(&t.table);
        self.push(",columns:");
        self.list(&t.columns, Self::column);
        self.push(",constraints:");
        self.list(&t.constraints, Self::constraint);
        self.push(",comment:");
        self.opt_str(t.comment.as_deref());
        self.push("}");
    }

    fn column(&mut self, c: &Column) {
        self.push("Column::new(");
        self.str(&c.name);
        self.push(",");
        self.ty(&c.ty);
        self.push(",");
        self.bool(c.nullable);
        self.push(",");
        self.bool(c.primary_key);
        self.push(",");
        self.opt_bool(c.autoincrement);
        self.push(",");
        self.opt(c.server_default.as_ref(), Self::default);
        self.push(",");
        self.opt_str(c.unique.as_deref());
        self.push(",");
        self.opt_str(c.index.as_deref());
        self.push(",");
        self.opt(c.foreign_key.as_ref(), |w, fk| {
            w.push("InlineForeignKey::new(");
            w.str(&fk.name);
            w.push(",");
            w.table_ref(&fk.referent);
            w.push(",");
            w.str(&fk.referent_column);
            w.push(",");
            w.opt(fk.on_delete.as_ref(), |w, a| w.action(*a));
            w.push(",");
            w.opt(fk.on_update.as_ref(), |w, a| w.action(*a));
            w.push(")");
        });
        self.push(",");
        self.opt_str(c.comment.as_deref());
        self.push(",");
        self.bool(c.identity);
        self.push(")");
    }

    fn u32s(&mut self, n: Option<u32>) {
        match n {
            Some(n) => write!(self.0, " {}Some({n})", self.1).ok(),
            None => write!(self.0, " {}None", self.1).ok(),
        };
    }

    fn ty(&mut self, t: &ColumnType) {
        match t {
            ColumnType::SmallInteger => self.push("ColumnType::SmallInteger"),
            ColumnType::Integer => self.push("ColumnType::Integer"),
            ColumnType::BigInteger => self.push("ColumnType::BigInteger"),
            ColumnType::String(n) => {
                self.push("ColumnType::String(");
                self.u32s(*n);
                self.push(")");
            }
            ColumnType::Text => self.push("ColumnType::Text"),
            ColumnType::Boolean => self.push("ColumnType::Boolean"),
            ColumnType::Numeric { precision, scale } => {
                self.push("ColumnType::Numeric{precision:");
                self.u32s(*precision);
                self.push(",scale:");
                self.u32s(*scale);
                self.push("}");
            }
            ColumnType::Float => self.push("ColumnType::Float"),
            ColumnType::Double => self.push("ColumnType::Double"),
            ColumnType::Date => self.push("ColumnType::Date"),
            ColumnType::Time => self.push("ColumnType::Time"),
            ColumnType::DateTime { timezone } => {
                self.push("ColumnType::DateTime{timezone:");
                self.bool(*timezone);
                self.push("}");
            }
            ColumnType::Uuid => self.push("ColumnType::Uuid"),
            ColumnType::Json => self.push("ColumnType::Json"),
            ColumnType::Jsonb => self.push("ColumnType::Jsonb"),
            ColumnType::Binary => self.push("ColumnType::Binary"),
            ColumnType::Enum(e) => {
                self.push("ColumnType::Enum(");
                self.enum_type(e);
                self.push(")");
            }
        }
    }

    fn enum_type(&mut self, e: &EnumType) {
        self.push("EnumType::new(");
        self.opt_str(e.schema.as_deref());
        self.push(",");
        self.str(&e.name);
        self.push(",");
        self.strs(&e.values);
        self.push(",");
        self.bool(e.create_type);
        self.push(")");
    }

    fn default(&mut self, d: &ServerDefault) {
        match d {
            ServerDefault::Literal(s) => {
                self.push("ServerDefault::Literal(");
                self.str(s);
                self.push(")");
            }
            ServerDefault::Number(n) => {
                self.push("ServerDefault::Number(");
                self.str(n);
                self.push(")");
            }
            ServerDefault::Boolean(b) => {
                self.push("ServerDefault::Boolean(");
                self.bool(*b);
                self.push(")");
            }
            ServerDefault::Sql(s) => {
                self.push("ServerDefault::Sql(");
                self.str(s);
                self.push(")");
            }
            ServerDefault::Now => self.push("ServerDefault::Now"),
            ServerDefault::Uuid => self.push("ServerDefault::Uuid"),
        }
    }

    fn index(&mut self, i: &Index) {
        self.push("Index::new(");
        self.str(&i.name);
        self.push(",");
        self.table_ref(&i.table);
        self.push(",");
        self.list(&i.columns, |w, c| match c {
            IndexColumn::Column(c) => {
                w.push("IndexColumn::Column(");
                w.str(c);
                w.push(")");
            }
            IndexColumn::Expression(e) => {
                w.push("IndexColumn::Expression(");
                w.str(e);
                w.push(")");
            }
        });
        self.push(",");
        self.bool(i.unique);
        self.push(",");
        self.opt_str(i.postgresql_where.as_deref());
        self.push(",");
        self.opt_str(i.sqlite_where.as_deref());
        self.push(",");
        self.opt_str(i.method.as_deref());
        self.push(",");
        self.bool(i.concurrently);
        self.push(")");
    }

    fn constraint(&mut self, c: &Constraint) {
        self.push("Constraint::new(");
        self.str(&c.name);
        self.push(",");
        match &c.kind {
            ConstraintKind::PrimaryKey { columns } => {
                self.push("ConstraintKind::PrimaryKey{columns:");
                self.strs(columns);
                self.push("}");
            }
            ConstraintKind::Unique { columns } => {
                self.push("ConstraintKind::Unique{columns:");
                self.strs(columns);
                self.push("}");
            }
            ConstraintKind::Check { condition } => {
                self.push("ConstraintKind::Check{condition:");
                self.str(condition);
                self.push("}");
            }
            ConstraintKind::ForeignKey(fk) => {
                self.push("ConstraintKind::ForeignKey(");
                self.push("ForeignKey::new(");
                self.strs(&fk.columns);
                self.push(",");
                self.table_ref(&fk.referent);
                self.push(",");
                self.strs(&fk.referent_columns);
                self.push(",");
                self.opt(fk.on_delete.as_ref(), |w, a| w.action(*a));
                self.push(",");
                self.opt(fk.on_update.as_ref(), |w, a| w.action(*a));
                self.push(",");
                self.opt_bool(fk.deferrable);
                self.push(",");
                self.opt_bool(fk.initially_deferred);
                self.push("))");
            }
        }
        self.push(")");
    }

    fn action(&mut self, a: ReferentialAction) {
        self.push(match a {
            ReferentialAction::Cascade => "ReferentialAction::Cascade",
            ReferentialAction::Restrict => "ReferentialAction::Restrict",
            ReferentialAction::SetNull => "ReferentialAction::SetNull",
            ReferentialAction::SetDefault => "ReferentialAction::SetDefault",
            ReferentialAction::NoAction => "ReferentialAction::NoAction",
        });
    }

    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.push("Value::Null"),
            Value::Bool(b) => {
                self.push("Value::Bool(");
                self.bool(*b);
                self.push(")");
            }
            Value::Number(n) => {
                self.push("Value::Number(");
                self.str(n);
                self.push(")");
            }
            Value::Text(s) => {
                self.push("Value::Text(");
                self.str(s);
                self.push(")");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    /// Every struct is built by its constructor, so each can be
    /// `#[non_exhaustive]`; `Table` alone is a literal (see the module docs).
    #[test]
    fn structs_are_built_by_their_constructors() {
        let ops: Vec<Op> = crate::ast::tests::cases()
            .into_iter()
            .map(|(_, op)| op)
            .collect();
        let text = ops_slice(&ops, "");
        for name in [
            "TableRef",
            "Column",
            "InlineForeignKey",
            "EnumType",
            "AlterColumn",
            "Index",
            "Constraint",
            "ForeignKey",
            "Row",
            "Sql",
        ] {
            assert!(
                text.contains(&format!(" {name}::new(")),
                "{name} is never built"
            );
            assert!(
                !text.contains(&format!(" {name}{{")),
                "{name} is built as a literal"
            );
        }
        assert!(text.contains(" Table{table:"));
        syn::parse_str::<syn::Expr>(&text).unwrap();
    }

    #[test]
    fn strings_are_escaped_as_rust_literals() {
        let op = Op::Execute(Sql::new(
            Some(Cow::Borrowed("SELECT '\"x\\y'\n\u{1b}é")),
            None,
            None,
            None,
        ));
        let text = ops_slice(&[op], "");
        assert!(
            text.contains(r#"Cow::Borrowed("SELECT '\"x\\y'\n\u{1b}é")"#),
            "{text}"
        );
        assert!(text.parse::<proc_macro2::TokenStream>().is_ok());
    }
}
