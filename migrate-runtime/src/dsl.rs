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
//! comment = "...", identity = false, ForeignKey("table.column", ondelete =
//! "CASCADE"))`. `nullable` defaults to `true`, except for primary keys. The
//! integer column that is the whole primary key auto-increments: an identity
//! column on PostgreSQL, or `SERIAL` with `identity = false` (as SQLAlchemy,
//! and so Alembic, makes it).
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
//! `ck_<table>_<column>`; names over 63 bytes are rejected. With
//! `migrations!(naming = "database")`, the names PostgreSQL gives instead
//! (`<table>_pkey`, `<table>_<cols>_key`, `<table>_<cols>_fkey`,
//! `<table>_<column>_check`, truncated and numbered as it does), left
//! unnamed on SQLite; a table-level `CheckConstraint` may then be unnamed.
//!
//! **Invertible drops**: a `drop_*` written with the same arguments as its
//! `create_*` (a column's definition, an index's columns, a constraint's
//! definition, an enum's values) can be undone, so the downgrade is derived and
//! the macro can check an explicit one against it.
//!
//! **Per-op lints**: `op!(drop_table("legacy"), allow(destructive))`.

// One item per op, generated from the macro crate's op table (its summary,
// arguments and model value), so this list is never kept by hand.
migrate_macros::__dsl_docs!();
