//! Differences between two schemas, as data: which object, which of its
//! fields, and the value on each side. Both diffs produce them: the schema
//! model's ([`crate::schema::diff`], model vs model) and introspection's
//! (live database vs live database, in `migrate-runtime`). They are rendered
//! to text only where they are shown ([`Difference`]'s `Display`, one line
//! each), and are what an op would have to change to remove them.

use crate::model::Column;
use std::fmt;

/// The object of a schema a [`Difference`] is about. Table names are as the
/// producer names them: `schema.table` when the table is outside the
/// current schema.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Object {
    /// A table.
    Table(String),
    /// A column of a table.
    Column {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// The primary key of a table.
    PrimaryKey {
        /// The table.
        table: String,
    },
    /// An index on a table.
    Index {
        /// The table.
        table: String,
        /// The index.
        name: String,
    },
    /// A unique constraint of a table.
    UniqueConstraint {
        /// The table.
        table: String,
        /// The constraint (on SQLite an unnamed one is `(unnamed) [columns]`).
        name: String,
    },
    /// A check constraint of a table.
    CheckConstraint {
        /// The table.
        table: String,
        /// The constraint (on SQLite an unnamed one is `(unnamed) expression`).
        name: String,
    },
    /// A foreign key of a table.
    ForeignKey {
        /// The table.
        table: String,
        /// The constraint (on SQLite an unnamed one is
        /// `(unnamed) [columns] -> table[columns]`).
        name: String,
    },
    /// An enum type.
    EnumType(String),
    /// The enum types of a schema, as a set (the model's diff compares them
    /// as a whole).
    EnumTypes,
    /// A sequence.
    Sequence(String),
    /// A view.
    View(String),
    /// A trigger.
    Trigger(String),
}

impl Object {
    /// The table the object belongs to (or is), if any.
    pub fn table(&self) -> Option<&str> {
        match self {
            Object::Table(table)
            | Object::Column { table, .. }
            | Object::PrimaryKey { table }
            | Object::Index { table, .. }
            | Object::UniqueConstraint { table, .. }
            | Object::CheckConstraint { table, .. }
            | Object::ForeignKey { table, .. } => Some(table),
            Object::EnumType(_)
            | Object::EnumTypes
            | Object::Sequence(_)
            | Object::View(_)
            | Object::Trigger(_) => None,
        }
    }
}

impl fmt::Display for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Object::Table(t) => write!(f, "table `{t}`"),
            Object::Column { table, column } => write!(f, "column `{table}.{column}`"),
            Object::PrimaryKey { table } => write!(f, "primary key on `{table}`"),
            Object::Index { table, name } => write!(f, "index `{name}` on `{table}`"),
            Object::UniqueConstraint { table, name } => {
                write!(f, "unique constraint `{name}` on `{table}`")
            }
            Object::CheckConstraint { table, name } => {
                write!(f, "check constraint `{name}` on `{table}`")
            }
            Object::ForeignKey { table, name } => write!(f, "foreign key `{name}` on `{table}`"),
            Object::EnumType(e) => write!(f, "enum type `{e}`"),
            Object::EnumTypes => f.write_str("enum types"),
            Object::Sequence(s) => write!(f, "sequence `{s}`"),
            Object::View(v) => write!(f, "view `{v}`"),
            Object::Trigger(t) => write!(f, "trigger `{t}`"),
        }
    }
}

/// Which field of an [`Object`] differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Field {
    /// Whether the object exists.
    Presence,
    /// A column's type.
    Type,
    /// Whether a column accepts NULL.
    Nullable,
    /// A column's default (or identity, or generation).
    Default,
    /// A table's or a column's comment.
    Comment,
    /// The order of a table's columns (those both sides have).
    ColumnOrder,
    /// A primary key's name.
    Name,
    /// The columns (or expressions) of a key, index or constraint, in order.
    Columns,
    /// Whether an index is unique.
    Unique,
    /// A partial index's predicate.
    Predicate,
    /// A check constraint's expression.
    Expression,
    /// The table a foreign key references.
    ReferencedTable,
    /// The columns a foreign key references.
    ReferencedColumns,
    /// A foreign key's `ON DELETE` action.
    OnDelete,
    /// A foreign key's `ON UPDATE` action.
    OnUpdate,
    /// An enum type's values, in order.
    Values,
    /// A view's or trigger's definition; in the model's diff, a column's.
    Definition,
    /// The table a trigger is on.
    Table,
    /// The named constraints of a table, as a set (the model's diff).
    Constraints,
    /// The indexes of a table, as a set (the model's diff).
    Indexes,
    /// The names of a set of objects ([`Object::EnumTypes`]).
    Names,
}

impl Field {
    /// The field as the text of a difference names it (`column order`).
    pub fn name(self) -> &'static str {
        match self {
            Field::Presence => "presence",
            Field::Type => "type",
            Field::Nullable => "nullable",
            Field::Default => "default",
            Field::Comment => "comment",
            Field::ColumnOrder => "column order",
            Field::Name => "name",
            Field::Columns => "columns",
            Field::Unique => "unique",
            Field::Predicate => "predicate",
            Field::Expression => "expression",
            Field::ReferencedTable => "referenced table",
            Field::ReferencedColumns => "referenced columns",
            Field::OnDelete => "on delete",
            Field::OnUpdate => "on update",
            Field::Values => "values",
            Field::Definition => "definition",
            Field::Table => "table",
            Field::Constraints => "constraints",
            Field::Indexes => "indexes",
            Field::Names => "names",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One difference between two schemas: the object, the field, and its value
/// on each side (`before` is the first schema's, `after` the second's).
///
/// Rendered one line each:
///
/// ```text
/// index `ix_orders_user` on `orders`: columns [user_id, status] vs [status, user_id]
/// table `leftover`: absent vs present
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Difference {
    /// The object exists on one side only.
    Presence {
        /// The object.
        object: Object,
        /// Whether the first schema has it.
        before: bool,
        /// Whether the second schema has it.
        after: bool,
    },
    /// A text field: a column's type, a check's expression, a foreign key's
    /// referenced table or actions, a view's or trigger's definition, a
    /// trigger's table.
    Text {
        /// The object.
        object: Object,
        /// The field.
        field: Field,
        /// The first schema's value.
        before: String,
        /// The second schema's value.
        after: String,
    },
    /// A text field that may be absent: a default, a comment, a predicate, a
    /// primary key's name.
    OptionalText {
        /// The object.
        object: Object,
        /// The field.
        field: Field,
        /// The first schema's value.
        before: Option<String>,
        /// The second schema's value.
        after: Option<String>,
    },
    /// A yes/no field: nullable, unique.
    Flag {
        /// The object.
        object: Object,
        /// The field.
        field: Field,
        /// The first schema's value.
        before: bool,
        /// The second schema's value.
        after: bool,
    },
    /// A list: the columns of a key, index or constraint, the column order of
    /// a table, an enum type's values; in the model's diff, the names of a
    /// table's constraints or indexes, or of the enum types.
    List {
        /// The object.
        object: Object,
        /// The field.
        field: Field,
        /// The first schema's value.
        before: Vec<String>,
        /// The second schema's value.
        after: Vec<String>,
    },
    /// A column of the schema model whose definition differs (field
    /// [`Field::Definition`]).
    Column {
        /// The column ([`Object::Column`]).
        object: Object,
        /// The first schema's definition.
        before: Box<Column>,
        /// The second schema's definition.
        after: Box<Column>,
    },
}

impl Difference {
    /// The object that differs.
    pub fn object(&self) -> &Object {
        match self {
            Difference::Presence { object, .. }
            | Difference::Text { object, .. }
            | Difference::OptionalText { object, .. }
            | Difference::Flag { object, .. }
            | Difference::List { object, .. }
            | Difference::Column { object, .. } => object,
        }
    }

    /// The field that differs.
    pub fn field(&self) -> Field {
        match self {
            Difference::Presence { .. } => Field::Presence,
            Difference::Column { .. } => Field::Definition,
            Difference::Text { field, .. }
            | Difference::OptionalText { field, .. }
            | Difference::Flag { field, .. }
            | Difference::List { field, .. } => *field,
        }
    }

    /// The object is in one schema only: present in the first when
    /// `in_first`, else in the second.
    pub fn presence(object: Object, in_first: bool) -> Difference {
        Difference::Presence {
            object,
            before: in_first,
            after: !in_first,
        }
    }
}

fn presence(present: bool) -> &'static str {
    if present {
        "present"
    } else {
        "absent"
    }
}

fn list(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Presence {
                object,
                before,
                after,
            } => write!(f, "{object}: {} vs {}", presence(*before), presence(*after)),
            Difference::Text {
                object,
                field,
                before,
                after,
            } => write!(f, "{object}: {field} {before} vs {after}"),
            Difference::OptionalText {
                object,
                field,
                before,
                after,
            } => {
                // Comments are free text: quoted, so that spaces show.
                let show = |v: &Option<String>| match v {
                    None => "none".to_string(),
                    Some(c) if *field == Field::Comment => format!("{c:?}"),
                    Some(v) => v.clone(),
                };
                write!(f, "{object}: {field} {} vs {}", show(before), show(after))
            }
            Difference::Flag {
                object,
                field,
                before,
                after,
            } => write!(f, "{object}: {field} {before} vs {after}"),
            Difference::List {
                object: Object::Table(t),
                field: field @ (Field::Constraints | Field::Indexes),
                before,
                after,
            } => write!(f, "the {field} of `{t}` differ: {before:?} vs {after:?}"),
            Difference::List {
                object: Object::EnumTypes,
                before,
                after,
                ..
            } => write!(f, "enum types differ: {before:?} vs {after:?}"),
            Difference::List {
                object,
                field,
                before,
                after,
            } => write!(f, "{object}: {field} {} vs {}", list(before), list(after)),
            Difference::Column {
                object,
                before,
                after,
            } => write!(f, "{object} differs: {before:?} vs {after:?}"),
        }
    }
}

/// Differences rendered and joined with `separator` (`"\n  "` for an
/// indented list in an error message).
pub fn join(differences: &[Difference], separator: &str) -> String {
    differences
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(separator)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Object {
        Object::Index {
            table: "orders".into(),
            name: "ix_orders_user".into(),
        }
    }

    #[test]
    fn each_kind_renders_as_one_line() {
        let cases = [
            (
                Difference::presence(Object::Table("leftover".into()), false),
                "table `leftover`: absent vs present",
            ),
            (
                Difference::List {
                    object: index(),
                    field: Field::Columns,
                    before: vec!["user_id".into(), "status".into()],
                    after: vec!["status".into(), "user_id".into()],
                },
                "index `ix_orders_user` on `orders`: columns [user_id, status] vs [status, user_id]",
            ),
            (
                Difference::Flag {
                    object: index(),
                    field: Field::Unique,
                    before: true,
                    after: false,
                },
                "index `ix_orders_user` on `orders`: unique true vs false",
            ),
            (
                Difference::OptionalText {
                    object: Object::Column {
                        table: "orders".into(),
                        column: "note".into(),
                    },
                    field: Field::Default,
                    before: None,
                    after: Some("'n/a'::text".into()),
                },
                "column `orders.note`: default none vs 'n/a'::text",
            ),
            (
                Difference::OptionalText {
                    object: Object::Table("users".into()),
                    field: Field::Comment,
                    before: Some("people".into()),
                    after: None,
                },
                "table `users`: comment \"people\" vs none",
            ),
            (
                Difference::Text {
                    object: Object::ForeignKey {
                        table: "orders".into(),
                        name: "fk_orders_user".into(),
                    },
                    field: Field::OnDelete,
                    before: "CASCADE".into(),
                    after: "NO ACTION".into(),
                },
                "foreign key `fk_orders_user` on `orders`: on delete CASCADE vs NO ACTION",
            ),
            (
                Difference::List {
                    object: Object::Table("t".into()),
                    field: Field::Indexes,
                    before: vec!["ix_a".into()],
                    after: vec![],
                },
                "the indexes of `t` differ: [\"ix_a\"] vs []",
            ),
            (
                Difference::List {
                    object: Object::EnumTypes,
                    field: Field::Names,
                    before: vec!["mood".into()],
                    after: vec!["mood".into()],
                },
                "enum types differ: [\"mood\"] vs [\"mood\"]",
            ),
        ];
        for (difference, line) in cases {
            assert_eq!(difference.to_string(), line);
        }
    }

    #[test]
    fn object_and_field_are_read_back() {
        let d = Difference::presence(index(), true);
        assert_eq!((d.object(), d.field()), (&index(), Field::Presence));
        assert_eq!(d.object().table(), Some("orders"));
        assert_eq!(Object::Sequence("s".into()).table(), None);
    }
}
