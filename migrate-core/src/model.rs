//! The operation model: what a migration does, as plain data.
//!
//! `#[migration]` turns every `op!` into one of these values at compile time and
//! stores it in the binary as text (`encode.rs`); the runtime decodes it on first
//! use, its strings borrowed from that `'static` text. That is why everything
//! here is built from `Cow<'static, _>`: the macro works on owned values, the
//! decoded ones borrow, and both are the same type. Names are already resolved
//! (the naming convention has been applied), so what is here is exactly what
//! reaches the database.
//!
//! Every struct has a `const fn new` taking its fields in order, so the
//! structs can be `#[non_exhaustive]` and gain fields without breaking code
//! that builds or matches them elsewhere.

#![warn(missing_docs)]

use std::borrow::Cow;
use std::fmt;

/// A string that is `'static` in generated code and owned while the macro runs.
pub type Str = Cow<'static, str>;
/// A list that is `'static` in generated code and owned while the macro runs.
pub type List<T> = Cow<'static, [T]>;

/// A table name, optionally qualified by a schema (PostgreSQL schemas; ignored by
/// SQLite, which has none).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub struct TableRef {
    /// The schema; `None` for the connection's default (`search_path`).
    pub schema: Option<Str>,
    /// The table's name.
    pub name: Str,
}

impl TableRef {
    /// A table reference from its fields.
    pub const fn new(schema: Option<Str>, name: Str) -> TableRef {
        TableRef { schema, name }
    }

    /// The table `name` in `schema` (as ops that name a schema and tables
    /// apart, like `rename_table`, give them).
    pub fn in_schema(schema: &Option<Str>, name: &Str) -> TableRef {
        TableRef {
            schema: schema.clone(),
            name: name.clone(),
        }
    }
}

impl fmt::Display for TableRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(schema) => write!(f, "{schema}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// One migration operation. The variants follow Alembic's `op.*` catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// `create_table(name, Column(...), ..., constraints...)`
    CreateTable(Table),
    /// `drop_table(name)`; with the table's definition it is invertible.
    DropTable {
        /// The table dropped.
        table: TableRef,
        /// Its definition, when the op gives it (then it is invertible).
        definition: Option<Table>,
    },
    /// `rename_table(old, new)`
    RenameTable {
        /// The schema of both names.
        schema: Option<Str>,
        /// The current name.
        old: Str,
        /// The new name.
        new: Str,
    },
    /// `add_column(table, Column(...))`
    AddColumn {
        /// The table the column is added to.
        table: TableRef,
        /// The new column.
        column: Column,
    },
    /// `drop_column(table, name)`; with the column's definition it is invertible.
    DropColumn {
        /// The table the column is dropped from.
        table: TableRef,
        /// The column's name.
        column: Str,
        /// Its definition, when the op gives it (then it is invertible).
        definition: Option<Column>,
    },
    /// `alter_column(table, column, ...)`
    AlterColumn(AlterColumn),
    /// `create_index(name, table, [columns], ...)`
    CreateIndex(Index),
    /// `drop_index(name, table)`; with the index's columns it is invertible.
    DropIndex {
        /// The index's table.
        table: TableRef,
        /// The index's name.
        name: Str,
        /// Its definition, when the op gives it (then it is invertible).
        definition: Option<Index>,
    },
    /// `create_unique_constraint`, `create_check_constraint`,
    /// `create_foreign_key`, `create_primary_key`
    AddConstraint {
        /// The constrained table.
        table: TableRef,
        /// The constraint added.
        constraint: Constraint,
    },
    /// `drop_constraint(name, table, type_ = ...)`; the `drop_foreign_key`-style
    /// forms carry the definition and are invertible.
    DropConstraint {
        /// The constrained table.
        table: TableRef,
        /// The constraint's name.
        name: Str,
        /// `type_`: what kind of constraint it is.
        kind: ConstraintType,
        /// Its definition, when the op gives it (then it is invertible).
        definition: Option<Constraint>,
    },
    /// `create_enum(name, [values])`: `CREATE TYPE ... AS ENUM` on PostgreSQL.
    CreateEnum(EnumType),
    /// `drop_enum(name)`; with the values it is invertible.
    DropEnum {
        /// The type's schema.
        schema: Option<Str>,
        /// The type's name.
        name: Str,
        /// Its values, when the op gives them (then it is invertible).
        definition: Option<EnumType>,
    },
    /// `add_enum_value(name, value)`: `ALTER TYPE ... ADD VALUE`.
    AddEnumValue {
        /// The type's schema.
        schema: Option<Str>,
        /// The type's name.
        name: Str,
        /// The new value.
        value: Str,
        /// `before` / `after`; `None` puts it last.
        placement: Option<EnumPlacement>,
    },
    /// `create_table_comment` / `drop_table_comment`.
    SetTableComment {
        /// The commented table.
        table: TableRef,
        /// The new comment; `None` drops it.
        comment: Option<Str>,
        /// `existing_comment`: `None` when not stated, `Some(None)` for "had none".
        existing: Option<Option<Str>>,
    },
    /// `bulk_insert(table, [{...}, ...])`
    BulkInsert {
        /// The table the rows go into.
        table: TableRef,
        /// The rows, in order.
        rows: List<Row>,
    },
    /// `execute("...")` or `execute(postgresql = "...", sqlite = "...")`: opaque.
    Execute(Sql),
    /// `run(function)`: opaque Rust code that gets the connection.
    Run {
        /// The function's name in the migration's module.
        function: Str,
    },
}

/// A table definition, as given to `create_table`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Table {
    /// The table's name.
    pub table: TableRef,
    /// Its columns, in order.
    pub columns: List<Column>,
    /// Table-level constraints, the primary key first when there is one; inline
    /// `unique`/`ForeignKey` on columns stay on the column.
    pub constraints: List<Constraint>,
    /// `comment = "..."`.
    pub comment: Option<Str>,
}

/// A column definition: `Column("name", Type, ...)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Column {
    /// The column's name.
    pub name: Str,
    /// Its type.
    pub ty: ColumnType,
    /// `nullable`: `true` unless stated, or part of the primary key.
    pub nullable: bool,
    /// `primary_key = true`, or named by the table's `PrimaryKeyConstraint`.
    pub primary_key: bool,
    /// `autoincrement`: `None` means the SQLAlchemy default (an integer primary key
    /// that is the whole key is auto-incrementing).
    pub autoincrement: Option<bool>,
    /// `server_default`.
    pub server_default: Option<ServerDefault>,
    /// `unique = true`: the resolved constraint name.
    pub unique: Option<Str>,
    /// `index = true`: the resolved index name.
    pub index: Option<Str>,
    /// `ForeignKey("table.column", ...)` given inline.
    pub foreign_key: Option<InlineForeignKey>,
    /// `comment = "..."`.
    pub comment: Option<Str>,
    /// `identity = false`: an auto-incrementing key is PostgreSQL's `SERIAL`
    /// (a sequence the column owns), as SQLAlchemy and so Alembic make it,
    /// instead of an identity column; on SQLite it is declared `INTEGER NOT
    /// NULL` under a table-level primary key, as Alembic writes it there.
    pub identity: bool,
}

/// A foreign key declared inline on a column.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct InlineForeignKey {
    /// The constraint's name (given, or by the naming convention).
    pub name: Str,
    /// The referenced table.
    pub referent: TableRef,
    /// The referenced column.
    pub referent_column: Str,
    /// `ondelete`.
    pub on_delete: Option<ReferentialAction>,
    /// `onupdate`.
    pub on_update: Option<ReferentialAction>,
}

/// The column types of the DSL, portable across dialects.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// `SmallInteger`: 16 bits.
    SmallInteger,
    /// `Integer`: 32 bits.
    Integer,
    /// `BigInteger`: 64 bits.
    BigInteger,
    /// `String` / `String(n)`: VARCHAR.
    String(Option<u32>),
    /// `Text`: unbounded text.
    Text,
    /// `Boolean`.
    Boolean,
    /// `Numeric(p, s)`: exact decimal.
    Numeric {
        /// Total digits.
        precision: Option<u32>,
        /// Digits after the point.
        scale: Option<u32>,
    },
    /// `Float`: single precision.
    Float,
    /// `Double`: double precision.
    Double,
    /// `Date`.
    Date,
    /// `Time`.
    Time,
    /// `DateTime`: a timestamp.
    DateTime {
        /// `timezone = true`: TIMESTAMP WITH TIME ZONE.
        timezone: bool,
    },
    /// `Uuid`.
    Uuid,
    /// `Json`.
    Json,
    /// `Jsonb` (PostgreSQL; JSON text elsewhere).
    Jsonb,
    /// `Binary`: bytes.
    Binary,
    /// A native type on PostgreSQL, a CHECK constraint elsewhere.
    Enum(EnumType),
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnType::SmallInteger => f.write_str("SmallInteger"),
            ColumnType::Integer => f.write_str("Integer"),
            ColumnType::BigInteger => f.write_str("BigInteger"),
            ColumnType::String(None) => f.write_str("String"),
            ColumnType::String(Some(n)) => write!(f, "String({n})"),
            ColumnType::Text => f.write_str("Text"),
            ColumnType::Boolean => f.write_str("Boolean"),
            ColumnType::Numeric {
                precision: None,
                scale: _,
            } => f.write_str("Numeric"),
            ColumnType::Numeric {
                precision: Some(p),
                scale: None,
            } => write!(f, "Numeric({p})"),
            ColumnType::Numeric {
                precision: Some(p),
                scale: Some(s),
            } => write!(f, "Numeric({p}, {s})"),
            ColumnType::Float => f.write_str("Float"),
            ColumnType::Double => f.write_str("Double"),
            ColumnType::Date => f.write_str("Date"),
            ColumnType::Time => f.write_str("Time"),
            ColumnType::DateTime { timezone: false } => f.write_str("DateTime"),
            ColumnType::DateTime { timezone: true } => f.write_str("DateTime(timezone = true)"),
            ColumnType::Uuid => f.write_str("Uuid"),
            ColumnType::Json => f.write_str("Json"),
            ColumnType::Jsonb => f.write_str("Jsonb"),
            ColumnType::Binary => f.write_str("Binary"),
            ColumnType::Enum(e) => write!(f, "Enum(name = \"{}\")", e.name),
        }
    }
}

/// A named enum type and its values.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct EnumType {
    /// The type's schema.
    pub schema: Option<Str>,
    /// The type's name.
    pub name: Str,
    /// Its values, in order.
    pub values: List<Str>,
    /// Whether `create_table`/`add_column` create the type (and the invertible
    /// `drop_table` drops it). `create_type = false` when `create_enum` made it.
    pub create_type: bool,
}

/// Where `add_enum_value` puts the new value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EnumPlacement {
    /// `before = "x"`.
    Before(Str),
    /// `after = "x"`.
    After(Str),
}

/// A server-side default.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ServerDefault {
    /// `server_default = "x"`: a string literal, quoted when rendered.
    Literal(Str),
    /// `server_default = 0` / `1.5`: a numeric literal, validated by the macro.
    Number(Str),
    /// `server_default = true()` / `false()` (or `true` / `false`).
    Boolean(bool),
    /// `server_default = text("...")`: SQL passed through as written.
    Sql(Str),
    /// `server_default = now()`: the current timestamp, rendered per dialect.
    Now,
    /// `server_default = uuid()`: a random UUID, rendered per dialect.
    Uuid,
}

impl fmt::Display for ServerDefault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerDefault::Literal(s) => write!(f, "{s:?}"),
            ServerDefault::Number(n) => f.write_str(n),
            ServerDefault::Boolean(b) => write!(f, "{b}()"),
            ServerDefault::Sql(s) => write!(f, "text({s:?})"),
            ServerDefault::Now => f.write_str("now()"),
            ServerDefault::Uuid => f.write_str("uuid()"),
        }
    }
}

/// `alter_column(...)`: every field that is `None` was not given.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct AlterColumn {
    /// The column's table.
    pub table: TableRef,
    /// The column's name (before a rename).
    pub column: Str,
    /// `new_column_name`.
    pub new_name: Option<Str>,
    /// `type_`.
    pub ty: Option<ColumnType>,
    /// `nullable`.
    pub nullable: Option<bool>,
    /// `Some(None)`: `server_default = None`, drop the default.
    pub server_default: Option<Option<ServerDefault>>,
    /// `comment`; `Some(None)` drops it.
    pub comment: Option<Option<Str>>,
    /// `existing_type`: the type before, for the inverse.
    pub existing_type: Option<ColumnType>,
    /// `existing_nullable`.
    pub existing_nullable: Option<bool>,
    /// `existing_server_default`; `Some(None)`: it had none.
    pub existing_server_default: Option<Option<ServerDefault>>,
    /// `existing_comment`; `Some(None)`: it had none.
    pub existing_comment: Option<Option<Str>>,
    /// `postgresql_using`: the USING expression of a type change on PostgreSQL.
    pub using: Option<Str>,
}

/// An index, as given to `create_index`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Index {
    /// The index's name (given, or by the naming convention).
    pub name: Str,
    /// The indexed table.
    pub table: TableRef,
    /// The indexed columns and expressions, in order.
    pub columns: List<IndexColumn>,
    /// `unique = true`.
    pub unique: bool,
    /// `postgresql_where`: the index's predicate on PostgreSQL (a partial
    /// index there). Like Alembic's dialect-prefixed options, it never
    /// applies to another database.
    pub postgresql_where: Option<Str>,
    /// `sqlite_where`: the index's predicate on SQLite.
    pub sqlite_where: Option<Str>,
    /// `postgresql_using`: the index method (`gin`, `gist`, ...).
    pub method: Option<Str>,
    /// `postgresql_concurrently`: makes the migration non-transactional.
    pub concurrently: bool,
}

/// One indexed element.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IndexColumn {
    /// A column, by name.
    Column(Str),
    /// `text("lower(email)")`
    Expression(Str),
}

impl Index {
    /// The predicates it has, each with the option that gives it:
    /// `postgresql_where`, then `sqlite_where` unless it is the same SQL.
    pub fn predicates(&self) -> impl Iterator<Item = (&'static str, &Str)> {
        let pg = self.postgresql_where.as_ref();
        let lite = self.sqlite_where.as_ref().filter(|l| {
            pg.is_none_or(|p| {
                crate::checksum::normalize_sql(p) != crate::checksum::normalize_sql(l)
            })
        });
        (pg.map(|p| ("postgresql_where", p)).into_iter()).chain(lite.map(|l| ("sqlite_where", l)))
    }

    /// The plain columns the index covers, in order; expressions left out.
    pub fn column_names(&self) -> impl Iterator<Item = &Str> {
        self.columns.iter().filter_map(IndexColumn::column)
    }
}

impl IndexColumn {
    /// The column's name; `None` for an expression.
    pub fn column(&self) -> Option<&Str> {
        match self {
            IndexColumn::Column(c) => Some(c),
            IndexColumn::Expression(_) => None,
        }
    }
}

impl fmt::Display for IndexColumn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndexColumn::Column(c) => f.write_str(c),
            IndexColumn::Expression(e) => write!(f, "text({e:?})"),
        }
    }
}

/// A named table constraint.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Constraint {
    /// The constraint's name (given, or by the naming convention).
    pub name: Str,
    /// What it enforces.
    pub kind: ConstraintKind,
}

/// What a constraint enforces.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConstraintKind {
    /// `PRIMARY KEY (columns)`.
    PrimaryKey {
        /// The key's columns, in order.
        columns: List<Str>,
    },
    /// `UNIQUE (columns)`.
    Unique {
        /// The constrained columns, in order.
        columns: List<Str>,
    },
    /// `CHECK (condition)`.
    Check {
        /// The SQL condition, as written.
        condition: Str,
    },
    /// `FOREIGN KEY ... REFERENCES ...`.
    ForeignKey(ForeignKey),
}

impl ConstraintKind {
    /// The columns the constraint is declared on (a foreign key's own
    /// columns); none for a check, whose columns are in its SQL text.
    pub fn columns(&self) -> &[Str] {
        match self {
            ConstraintKind::PrimaryKey { columns } | ConstraintKind::Unique { columns } => columns,
            ConstraintKind::ForeignKey(fk) => &fk.columns,
            ConstraintKind::Check { .. } => &[],
        }
    }

    /// The `type_` Alembic's `drop_constraint` takes for this kind.
    pub fn constraint_type(&self) -> ConstraintType {
        match self {
            ConstraintKind::PrimaryKey { .. } => ConstraintType::PrimaryKey,
            ConstraintKind::Unique { .. } => ConstraintType::Unique,
            ConstraintKind::Check { .. } => ConstraintType::Check,
            ConstraintKind::ForeignKey(_) => ConstraintType::ForeignKey,
        }
    }
}

/// `type_` of `drop_constraint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConstraintType {
    /// `"primary"`.
    PrimaryKey,
    /// `"unique"`.
    Unique,
    /// `"check"`.
    Check,
    /// `"foreignkey"`.
    ForeignKey,
}

impl ConstraintType {
    /// The spelling Alembic uses for `type_`.
    pub fn alembic_name(self) -> &'static str {
        match self {
            ConstraintType::PrimaryKey => "primary",
            ConstraintType::Unique => "unique",
            ConstraintType::Check => "check",
            ConstraintType::ForeignKey => "foreignkey",
        }
    }
}

/// A foreign key's target and actions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ForeignKey {
    /// The referencing columns, in order.
    pub columns: List<Str>,
    /// The referenced table.
    pub referent: TableRef,
    /// The referenced columns, in the order of `columns`.
    pub referent_columns: List<Str>,
    /// `ondelete`.
    pub on_delete: Option<ReferentialAction>,
    /// `onupdate`.
    pub on_update: Option<ReferentialAction>,
    /// `deferrable`.
    pub deferrable: Option<bool>,
    /// `initially`: `Some(true)` for `"DEFERRED"`.
    pub initially_deferred: Option<bool>,
}

/// `ondelete` / `onupdate` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReferentialAction {
    /// `CASCADE`.
    Cascade,
    /// `RESTRICT`.
    Restrict,
    /// `SET NULL`.
    SetNull,
    /// `SET DEFAULT`.
    SetDefault,
    /// `NO ACTION`.
    NoAction,
}

impl ReferentialAction {
    /// All actions with their SQL spelling, for parsing and for error messages.
    pub const ALL: [(ReferentialAction, &'static str); 5] = [
        (ReferentialAction::Cascade, "CASCADE"),
        (ReferentialAction::Restrict, "RESTRICT"),
        (ReferentialAction::SetNull, "SET NULL"),
        (ReferentialAction::SetDefault, "SET DEFAULT"),
        (ReferentialAction::NoAction, "NO ACTION"),
    ];

    /// Parses `"cascade"`, `"SET NULL"`, ... (case-insensitive, as Alembic).
    pub fn parse(s: &str) -> Option<Self> {
        let wanted = s.split_whitespace().collect::<Vec<_>>().join(" ");
        Self::ALL
            .iter()
            .find(|(_, sql)| sql.eq_ignore_ascii_case(&wanted))
            .map(|(a, _)| *a)
    }

    /// The SQL keywords.
    pub fn sql(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(a, _)| *a == self)
            .map(|(_, s)| *s)
            .unwrap_or("NO ACTION")
    }
}

/// One row of `bulk_insert`: column name and value, in the order written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Row {
    /// `(column, value)` pairs.
    pub values: List<(Str, Value)>,
}

/// A value in `bulk_insert`. Strings are bound or escaped, never pasted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// `None`: SQL NULL.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer or decimal literal, kept as written (validated by the macro) so
    /// `19.99` reaches a NUMERIC column exactly.
    Number(Str),
    /// A string.
    Text(Str),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("None"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => f.write_str(n),
            Value::Text(s) => write!(f, "{s:?}"),
        }
    }
}

/// SQL for `execute`: one text for every dialect, or one per dialect.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Sql {
    /// `execute("...")`: used for every dialect without its own text.
    pub any: Option<Str>,
    /// `postgresql = "..."`.
    pub postgresql: Option<Str>,
    /// `sqlite = "..."`.
    pub sqlite: Option<Str>,
    /// `mysql = "..."`.
    pub mysql: Option<Str>,
}

// -- constructors: every field, in declaration order ----------------------------------

impl Table {
    /// A table definition from its fields.
    pub const fn new(
        table: TableRef,
        columns: List<Column>,
        constraints: List<Constraint>,
        comment: Option<Str>,
    ) -> Table {
        Table {
            table,
            columns,
            constraints,
            comment,
        }
    }
}

impl Column {
    /// A column from its fields.
    #[allow(clippy::too_many_arguments)]
    pub const fn new(
        name: Str,
        ty: ColumnType,
        nullable: bool,
        primary_key: bool,
        autoincrement: Option<bool>,
        server_default: Option<ServerDefault>,
        unique: Option<Str>,
        index: Option<Str>,
        foreign_key: Option<InlineForeignKey>,
        comment: Option<Str>,
        identity: bool,
    ) -> Column {
        Column {
            name,
            ty,
            nullable,
            primary_key,
            autoincrement,
            server_default,
            unique,
            index,
            foreign_key,
            comment,
            identity,
        }
    }
}

impl InlineForeignKey {
    /// An inline foreign key from its fields.
    pub const fn new(
        name: Str,
        referent: TableRef,
        referent_column: Str,
        on_delete: Option<ReferentialAction>,
        on_update: Option<ReferentialAction>,
    ) -> InlineForeignKey {
        InlineForeignKey {
            name,
            referent,
            referent_column,
            on_delete,
            on_update,
        }
    }
}

impl EnumType {
    /// An enum type from its fields.
    pub const fn new(
        schema: Option<Str>,
        name: Str,
        values: List<Str>,
        create_type: bool,
    ) -> EnumType {
        EnumType {
            schema,
            name,
            values,
            create_type,
        }
    }
}

impl AlterColumn {
    /// An `alter_column` from its fields.
    #[allow(clippy::too_many_arguments)]
    pub const fn new(
        table: TableRef,
        column: Str,
        new_name: Option<Str>,
        ty: Option<ColumnType>,
        nullable: Option<bool>,
        server_default: Option<Option<ServerDefault>>,
        comment: Option<Option<Str>>,
        existing_type: Option<ColumnType>,
        existing_nullable: Option<bool>,
        existing_server_default: Option<Option<ServerDefault>>,
        existing_comment: Option<Option<Str>>,
        using: Option<Str>,
    ) -> AlterColumn {
        AlterColumn {
            table,
            column,
            new_name,
            ty,
            nullable,
            server_default,
            comment,
            existing_type,
            existing_nullable,
            existing_server_default,
            existing_comment,
            using,
        }
    }
}

impl Index {
    /// An index from its fields.
    #[allow(clippy::too_many_arguments)]
    pub const fn new(
        name: Str,
        table: TableRef,
        columns: List<IndexColumn>,
        unique: bool,
        postgresql_where: Option<Str>,
        sqlite_where: Option<Str>,
        method: Option<Str>,
        concurrently: bool,
    ) -> Index {
        Index {
            name,
            table,
            columns,
            unique,
            postgresql_where,
            sqlite_where,
            method,
            concurrently,
        }
    }
}

impl Constraint {
    /// A named constraint.
    pub const fn new(name: Str, kind: ConstraintKind) -> Constraint {
        Constraint { name, kind }
    }
}

impl ForeignKey {
    /// A foreign key from its fields.
    pub const fn new(
        columns: List<Str>,
        referent: TableRef,
        referent_columns: List<Str>,
        on_delete: Option<ReferentialAction>,
        on_update: Option<ReferentialAction>,
        deferrable: Option<bool>,
        initially_deferred: Option<bool>,
    ) -> ForeignKey {
        ForeignKey {
            columns,
            referent,
            referent_columns,
            on_delete,
            on_update,
            deferrable,
            initially_deferred,
        }
    }
}

impl Row {
    /// A row from its `(column, value)` pairs.
    pub const fn new(values: List<(Str, Value)>) -> Row {
        Row { values }
    }
}

impl Sql {
    /// `execute`'s SQL: the text for every database, then each database's own.
    pub const fn new(
        any: Option<Str>,
        postgresql: Option<Str>,
        sqlite: Option<Str>,
        mysql: Option<Str>,
    ) -> Sql {
        Sql {
            any,
            postgresql,
            sqlite,
            mysql,
        }
    }
}

impl Op {
    /// The op's name as written in the DSL, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Op::CreateTable(_) => "create_table",
            Op::DropTable { .. } => "drop_table",
            Op::RenameTable { .. } => "rename_table",
            Op::AddColumn { .. } => "add_column",
            Op::DropColumn { .. } => "drop_column",
            Op::AlterColumn(_) => "alter_column",
            Op::CreateIndex(_) => "create_index",
            Op::DropIndex { .. } => "drop_index",
            Op::AddConstraint { constraint, .. } => match constraint.kind {
                ConstraintKind::PrimaryKey { .. } => "create_primary_key",
                ConstraintKind::Unique { .. } => "create_unique_constraint",
                ConstraintKind::Check { .. } => "create_check_constraint",
                ConstraintKind::ForeignKey(_) => "create_foreign_key",
            },
            Op::DropConstraint { .. } => "drop_constraint",
            Op::CreateEnum(_) => "create_enum",
            Op::DropEnum { .. } => "drop_enum",
            Op::AddEnumValue { .. } => "add_enum_value",
            Op::SetTableComment {
                comment: Some(_), ..
            } => "create_table_comment",
            Op::SetTableComment { comment: None, .. } => "drop_table_comment",
            Op::BulkInsert { .. } => "bulk_insert",
            Op::Execute(_) => "execute",
            Op::Run { .. } => "run",
        }
    }

    /// Opaque ops: their effect cannot be read from their text.
    pub fn is_opaque(&self) -> bool {
        matches!(self, Op::Execute(_) | Op::Run { .. })
    }

    /// Ops that PostgreSQL refuses inside a transaction block.
    pub fn needs_no_transaction(&self) -> bool {
        match self {
            Op::CreateIndex(index) => index.concurrently,
            Op::DropIndex {
                definition: Some(index),
                ..
            } => index.concurrently,
            _ => false,
        }
    }
}

/// Whether a column is the sole integer primary key that auto-increments
/// (SQLAlchemy's rule: `autoincrement` unset means yes for such a column).
/// `primary_key`: the table's key columns, when it has a key constraint.
pub fn auto_increments(primary_key: Option<&[Str]>, c: &Column) -> bool {
    let integer = matches!(
        c.ty,
        ColumnType::SmallInteger | ColumnType::Integer | ColumnType::BigInteger
    );
    let sole_pk = match primary_key {
        Some(cols) => cols.len() == 1 && cols[0] == c.name,
        None => c.primary_key,
    };
    integer && sole_pk && c.autoincrement != Some(false)
}

impl Table {
    /// The primary key constraint. The macro lifts `primary_key = true` on columns
    /// into a named `PrimaryKeyConstraint`, so this is the only place to look.
    pub fn primary_key(&self) -> Option<(&Str, &[Str])> {
        self.constraints.iter().find_map(|c| match &c.kind {
            ConstraintKind::PrimaryKey { columns } => Some((&c.name, &columns[..])),
            _ => None,
        })
    }

    /// Enum types this table creates with itself (`create_type` not false).
    pub fn owned_enums(&self) -> impl Iterator<Item = &EnumType> {
        self.columns.iter().filter_map(|c| match &c.ty {
            ColumnType::Enum(e) if e.create_type => Some(e),
            _ => None,
        })
    }
}
