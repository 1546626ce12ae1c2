//! Op data as Rust source text, parsed once into tokens.
//!
//! A migration's ops become `static` values of the runtime's model types. They
//! carry no spans worth keeping (nothing in them can fail to compile), so they
//! are written as one string and handed to the compiler in a single parse: far
//! cheaper than building thousands of tokens one by one through the proc-macro
//! bridge, which is most of a build's macro time with hundreds of migrations.
//! Every name is written in full under `__private::model_names`: a glob
//! import per migration would be resolved again on every rebuild.

use migrate_core::model::*;
use std::fmt::Write;

/// `&[Op, ...]`, for a field of the registered record (a `static`'s
/// initializer, where such borrows live for the whole program).
pub fn ops_slice(ops: &[Op], prefix: &str) -> String {
    let mut w = W(
        String::with_capacity(512 * ops.len().max(1)),
        prefix.to_string(),
    );
    w.0.push_str("&[");
    for op in ops {
        w.op(op);
        w.0.push(',');
    }
    w.0.push(']');
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
        self.push("TableRef{schema:");
        self.opt_str(t.schema.as_deref());
        self.push(",name:");
        self.str(&t.name);
        self.push("}");
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
                self.push("AlterColumn{table:");
                self.table_ref(&a.table);
                self.push(",column:");
                self.str(&a.column);
                self.push(",new_name:");
                self.opt_str(a.new_name.as_deref());
                self.push(",ty:");
                self.opt(a.ty.as_ref(), Self::ty);
                self.push(",nullable:");
                self.opt_bool(a.nullable);
                self.push(",server_default:");
                self.opt(a.server_default.as_ref(), |w, d| {
                    w.opt(d.as_ref(), Self::default)
                });
                self.push(",comment:");
                self.opt(a.comment.as_ref(), |w, c| w.opt_str(c.as_deref()));
                self.push(",existing_type:");
                self.opt(a.existing_type.as_ref(), Self::ty);
                self.push(",existing_nullable:");
                self.opt_bool(a.existing_nullable);
                self.push(",existing_server_default:");
                self.opt(a.existing_server_default.as_ref(), |w, d| {
                    w.opt(d.as_ref(), Self::default)
                });
                self.push(",existing_comment:");
                self.opt(a.existing_comment.as_ref(), |w, c| w.opt_str(c.as_deref()));
                self.push(",using:");
                self.opt_str(a.using.as_deref());
                self.push("})");
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
                    w.push("Row{values:");
                    w.list(&row.values, |w, (column, value)| {
                        w.push("(");
                        w.str(column);
                        w.push(",");
                        w.value(value);
                        w.push(")");
                    });
                    w.push("}");
                });
                self.push("}");
            }
            Op::Execute(sql) => {
                self.push("Op::Execute(");
                self.push("Sql{any:");
                self.opt_str(sql.any.as_deref());
                self.push(",postgresql:");
                self.opt_str(sql.postgresql.as_deref());
                self.push(",sqlite:");
                self.opt_str(sql.sqlite.as_deref());
                self.push(",mysql:");
                self.opt_str(sql.mysql.as_deref());
                self.push("})");
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
        self.push("Column{name:");
        self.str(&c.name);
        self.push(",ty:");
        self.ty(&c.ty);
        self.push(",nullable:");
        self.bool(c.nullable);
        self.push(",primary_key:");
        self.bool(c.primary_key);
        self.push(",autoincrement:");
        self.opt_bool(c.autoincrement);
        self.push(",server_default:");
        self.opt(c.server_default.as_ref(), Self::default);
        self.push(",unique:");
        self.opt_str(c.unique.as_deref());
        self.push(",index:");
        self.opt_str(c.index.as_deref());
        self.push(",foreign_key:");
        self.opt(c.foreign_key.as_ref(), |w, fk| {
            w.push("InlineForeignKey{name:");
            w.str(&fk.name);
            w.push(",referent:");
            w.table_ref(&fk.referent);
            w.push(",referent_column:");
            w.str(&fk.referent_column);
            w.push(",on_delete:");
            w.opt(fk.on_delete.as_ref(), |w, a| w.action(*a));
            w.push(",on_update:");
            w.opt(fk.on_update.as_ref(), |w, a| w.action(*a));
            w.push("}");
        });
        self.push(",comment:");
        self.opt_str(c.comment.as_deref());
        self.push("}");
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
        self.push("EnumType{schema:");
        self.opt_str(e.schema.as_deref());
        self.push(",name:");
        self.str(&e.name);
        self.push(",values:");
        self.strs(&e.values);
        self.push(",create_type:");
        self.bool(e.create_type);
        self.push("}");
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
        self.push("Index{name:");
        self.str(&i.name);
        self.push(",table:");
        self.table_ref(&i.table);
        self.push(",columns:");
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
        self.push(",unique:");
        self.bool(i.unique);
        self.push(",predicate:");
        self.opt_str(i.predicate.as_deref());
        self.push(",method:");
        self.opt_str(i.method.as_deref());
        self.push(",concurrently:");
        self.bool(i.concurrently);
        self.push("}");
    }

    fn constraint(&mut self, c: &Constraint) {
        self.push("Constraint{name:");
        self.str(&c.name);
        self.push(",kind:");
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
                self.push("ForeignKey{columns:");
                self.strs(&fk.columns);
                self.push(",referent:");
                self.table_ref(&fk.referent);
                self.push(",referent_columns:");
                self.strs(&fk.referent_columns);
                self.push(",on_delete:");
                self.opt(fk.on_delete.as_ref(), |w, a| w.action(*a));
                self.push(",on_update:");
                self.opt(fk.on_update.as_ref(), |w, a| w.action(*a));
                self.push(",deferrable:");
                self.opt_bool(fk.deferrable);
                self.push(",initially_deferred:");
                self.opt_bool(fk.initially_deferred);
                self.push("})");
            }
        }
        self.push("}");
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

    #[test]
    fn strings_are_escaped_as_rust_literals() {
        let op = Op::Execute(Sql {
            any: Some(Cow::Borrowed("SELECT '\"x\\y'\n\u{1b}é")),
            postgresql: None,
            sqlite: None,
            mysql: None,
        });
        let text = ops_slice(&[op], "");
        assert!(
            text.contains(r#"Cow::Borrowed("SELECT '\"x\\y'\n\u{1b}é")"#),
            "{text}"
        );
        assert!(text.parse::<proc_macro2::TokenStream>().is_ok());
    }
}
