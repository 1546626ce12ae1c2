//! The operations of [`op!`](crate::op), one item each, with their arguments.
//!
//! These functions do nothing; they exist so that each operation has a page
//! here and so that hovering over an op name inside `op!(...)` shows it. The
//! arguments follow Alembic's `op.*` (positional, then `keyword = value`).
//!
//! Values: strings `"x"`, numbers, `true`/`false`, `None`, lists `[...]`, rows
//! `{"column": value}`, SQL as `"..."` or `text("...")`.
//!
//! **Column**: `Column("name", Type, primary_key = bool, nullable = bool,
//! server_default = ..., autoincrement = bool, unique = bool, index = bool,
//! comment = "...", ForeignKey("table.column", ondelete = "CASCADE"))`.
//! `nullable` defaults to `true`, except for primary keys.
//!
//! **Types**: `Integer`, `BigInteger`, `SmallInteger`, `String` / `String(n)`,
//! `Text`, `Boolean`, `Numeric` / `Numeric(p)` / `Numeric(p, s)`, `Float`,
//! `Double`, `Date`, `Time`, `DateTime(timezone = true)`, `Uuid`, `Json`,
//! `Jsonb`, `Binary`, `Enum("a", "b", name = "kind", create_type = bool)`
//! (a native type on PostgreSQL, a CHECK constraint elsewhere). The
//! SQLAlchemy spellings `String(length = 50)`, `Numeric(precision = 10,
//! scale = 2)`, `Integer()`, `UUID(as_uuid = true)`, `JSONB`, `LargeBinary`
//! are accepted.
//!
//! **Server defaults**: a literal (`"standard"`, `0`, `true`), `true()` /
//! `false()`, `now()` and `uuid()` (rendered per database), or SQL passed
//! through as `text("gen_random_uuid()")`.
//!
//! **Table-level constraints** in `create_table`: `PrimaryKeyConstraint("a",
//! "b")`, `UniqueConstraint("a", name = ...)`, `CheckConstraint("x > 0", name
//! = "ck_...")`, `ForeignKeyConstraint(["user_id"], ["users.id"], name = ...,
//! ondelete = ..., onupdate = ..., deferrable = bool, initially = "DEFERRED")`.
//!
//! **Naming convention** for what is left unnamed: `ix_<table>_<cols>`,
//! `uq_<table>_<cols>`, `fk_<table>_<cols>_<referent>`, `pk_<table>`,
//! `ck_<table>_<column>`; names over 63 bytes are rejected.
//!
//! **Invertible drops**: a `drop_*` written with the same arguments as its
//! `create_*` (a column's definition, an index's columns, a constraint's
//! definition, an enum's values) can be undone, so the downgrade is derived and
//! the macro can check an explicit one against it.
//!
//! **Per-op lints**: `op!(drop_table("legacy"), allow(destructive))`.

#![allow(missing_docs)]

/// `create_table("name", Column(...), ..., PrimaryKeyConstraint(...), ...,
/// schema = "s", comment = "...")`. Undone by `drop_table`; enum types of its
/// columns are created with it (unless `create_type = false`).
pub fn create_table() {}

/// `drop_table("name", schema = "s")`; or, invertible, with the definition
/// as for `create_table`. A lint in `upgrade()`: `allow(destructive)`.
pub fn drop_table() {}

/// `rename_table("old", "new", schema = "s")`. Undone by renaming back.
pub fn rename_table() {}

/// `add_column("table", Column("name", Type, ...), schema = "s")`. Undone by
/// `drop_column`. `nullable = false` without `server_default` on a table this
/// migration did not create is a lint: `allow(not_null_without_default)`.
pub fn add_column() {}

/// `drop_column("table", "column")`; invertible as `drop_column("table",
/// Column("column", Type, ...))`. A lint in `upgrade()`: `allow(destructive)`.
pub fn drop_column() {}

/// `alter_column("table", "column", nullable = bool, server_default = ... | None,
/// type_ = Type, new_column_name = "...", comment = "..." | None,
/// existing_type = ..., existing_nullable = ..., existing_server_default = ...,
/// existing_comment = ..., postgresql_using = "...", schema = "s")`.
/// Invertible when every changed property has its `existing_*`.
/// `postgresql_using` applies on PostgreSQL only: SQLite's rebuild copies the
/// column as it is (converted by the new type's affinity).
pub fn alter_column() {}

/// `create_index("name" | None, "table", ["col", text("lower(email)")],
/// unique = bool, postgresql_where = "...", postgresql_using = "gin",
/// postgresql_concurrently = bool, schema = "s")`. `None` names it by the
/// convention; `postgresql_where` makes a partial index (SQLite has them too);
/// `postgresql_concurrently` makes the migration non-transactional and must be
/// its only op.
pub fn create_index() {}

/// `drop_index("name", table_name = "table")`; invertible with the index's
/// columns and options, as for `create_index`.
pub fn drop_index() {}

/// `create_unique_constraint("name" | None, "table", ["col", ...])`.
pub fn create_unique_constraint() {}

/// `create_check_constraint("name", "table", "price > 0")`: a name is required.
pub fn create_check_constraint() {}

/// `create_foreign_key("name" | None, "source", "referent", ["local"],
/// ["remote"], ondelete = "CASCADE" | "RESTRICT" | "SET NULL" | "SET DEFAULT" |
/// "NO ACTION", onupdate = ..., deferrable = bool, initially = "DEFERRED",
/// source_schema = ..., referent_schema = ...)`.
pub fn create_foreign_key() {}

/// `create_primary_key("name" | None, "table", ["col", ...])`.
pub fn create_primary_key() {}

/// `drop_constraint("name", "table", type_ = "foreignkey" | "unique" | "check" |
/// "primary")`. Not invertible; use `drop_foreign_key` and friends for that.
pub fn drop_constraint() {}

/// `drop_unique_constraint(...)`: same arguments as `create_unique_constraint`;
/// invertible.
pub fn drop_unique_constraint() {}

/// `drop_check_constraint(...)`: same arguments as `create_check_constraint`;
/// invertible.
pub fn drop_check_constraint() {}

/// `drop_foreign_key(...)`: same arguments as `create_foreign_key`; invertible.
pub fn drop_foreign_key() {}

/// `drop_primary_key(...)`: same arguments as `create_primary_key`; invertible.
pub fn drop_primary_key() {}

/// `create_enum("name", ["a", "b"], schema = "s")`: `CREATE TYPE ... AS ENUM` on
/// PostgreSQL, nothing elsewhere (the column gets a CHECK constraint). Use
/// `Enum(..., name = "name", create_type = false)` in the columns that use it.
pub fn create_enum() {}

/// `drop_enum("name")`; invertible as `drop_enum("name", ["a", "b"])`.
pub fn drop_enum() {}

/// `add_enum_value("name", "value", before = "x" | after = "x")`. Not
/// invertible: PostgreSQL cannot remove an enum value.
pub fn add_enum_value() {}

/// `create_table_comment("table", "comment", existing_comment = ...)`.
pub fn create_table_comment() {}

/// `drop_table_comment("table", existing_comment = ...)`.
pub fn drop_table_comment() {}

/// `bulk_insert("table", [{"id": 1, "name": "admin"}, ...])`. Values are bound,
/// never pasted into SQL. Undone by the `drop_table` of a table this migration
/// creates; into an existing table it needs an explicit `downgrade()`.
pub fn bulk_insert() {}

/// `execute("SQL")`, or per database: `execute(postgresql = "...", sqlite =
/// "...", mysql = "...")`. Opaque: needs its counterpart in `downgrade()`.
pub fn execute() {}

/// `run(function)`: calls `fn function(conn: &mut Connection<'_>) -> RunResult`
/// declared in the migration's module. Opaque: needs its counterpart in
/// `downgrade()`, or the migration marked `irreversible`.
pub fn run() {}
