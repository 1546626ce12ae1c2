//! Database migrations in Alembic's model, checked by the compiler.
//!
//! Declare each revision as a module with [`#[migration]`](macro@migration),
//! list its operations with [`op!`], anchor the crate with [`migrations!`], and
//! the build fails on a broken revision chain or a downgrade that does not undo
//! its upgrade. See the README for the tour and the full list of errors.
//!
//! ```
//! // src/lib.rs: the anchor, then the migrations (usually `mod migrations;`
//! // with one file per migration)
//! migrate_runtime::migrations!();
//!
//! use migrate_runtime::{migration, op};
//!
//! /// create users table
//! #[migration(revision = "1a2b3c4d5e6f", down_revision = None)]
//! mod create_users {
//!     fn upgrade() {
//!         op!(create_table("users", Column("id", Integer, primary_key = true)));
//!     }
//! }
//!
//! /// add role to users
//! #[migration(revision = "9f8e7d6c5b4a", down_revision = "1a2b3c4d5e6f")]
//! mod add_role_to_users {
//!     fn upgrade() {
//!         op!(add_column("users", Column("role", String(50), nullable = true)));
//!         op!(create_index("ix_users_role", "users", ["role"]));
//!     }
//!     // downgrade() derived: drop_index, then drop_column.
//! }
//!
//! fn main() {
//!     let all = migrations();
//!     assert_eq!(all.len(), 2);
//!     assert!(all.get("9f8e7d6c5b4a").unwrap().downgrade_is_derived());
//! }
//! ```

// Unsafe only where it cannot be avoided: the testing toolkit's cluster
// watchdog runs before `main` (`testing/cluster.rs`).
#![deny(unsafe_code)]
// docs.rs builds with every feature and marks what each item needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
// Errors carry the revision, op and SQL that failed; they happen at most once
// per run, so their size costs nothing that matters.
#![allow(clippy::result_large_err)]

#[cfg(not(any(feature = "postgres", feature = "sqlite")))]
compile_error!(
    "enable at least one database: the `postgres` or `sqlite` feature of migrate-runtime"
);

mod autogenerate;
mod backend;
#[cfg(feature = "cli")]
#[cfg_attr(docsrs, doc(cfg(feature = "cli")))]
pub mod cli;
mod connection;
mod dialect;
pub mod dsl;
mod error;
mod graph;
pub mod introspect;
mod migration;
mod migrator;
pub mod ops;
mod reflect;
#[cfg(feature = "testing")]
#[doc(hidden)]
pub use autogenerate::testing as __autogenerate;
#[cfg(feature = "cli")]
mod scaffold;
pub mod schema;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod version;

pub use connection::{Database, DatabaseUrl, MigrationConnection};
pub use dialect::{Dialect, Unsupported};
pub use error::{BoxError, ChecksumMismatch, Error};
pub use graph::{Direction, GraphError, Node, Resolved, RevisionGraph, Step, TargetError};
pub use migrate_core::difference::{Difference, Field, Object};
pub use migration::{Connection, Migration, Migrations, RunFn, RunFunction, RunResult};
pub use migrator::{Event, Migrator, SchemaCheck, Stamped};
pub use version::{AppliedRevision, VersionTable};

/// The diesel this crate is built on: its connections are what
/// [`Migrator`] takes, so `migrate_runtime::diesel::PgConnection` is always
/// the right version (or depend on `diesel` 2.2+ with the same backends).
pub use diesel;

/// Declares one migration on an inline module.
///
/// ```
/// migrate_runtime::migrations!();
/// use migrate_runtime::{migration, op};
///
/// #[migration(revision = "9f8e7d6c5b4a", down_revision = None)]
/// mod add_role_to_users {
///     fn upgrade() {
///         op!(add_column("users", Column("role", String(50), nullable = true)));
///     }
/// }
/// # fn main() {}
/// ```
///
/// Arguments:
/// - `revision = "..."`: the id (letters, digits, `_`; at most 64).
/// - `down_revision = "..."`: the parent; `None` for the first migration; a list
///   `["a", "b"]` for a merge.
/// - `branch = "label"`: starts a named branch (a second root, or a second child
///   of a revision), addressable as `label@head`.
/// - `message = "..."`: overrides the message taken from the doc comment.
/// - `transactional = false`: run without a transaction.
/// - `irreversible`: no downgrade; downgrading through it is refused.
/// - `allow(destructive, not_null_without_default)`: silence a safety lint for
///   the whole migration (or per op: `op!(drop_table("x"), allow(destructive))`).
/// - `crate = path`: where `migrate_runtime` is, when renamed in `Cargo.toml`.
///
/// Without `fn downgrade()`, the downgrade is derived from the upgrade; with it,
/// the macro checks that it undoes the upgrade object by object.
pub use migrate_macros::migration;

/// Anchors the migrations of a crate: call it once at the crate root
/// (`lib.rs` or `main.rs`). It defines `pub fn migrations() -> Migrations`,
/// which returns exactly this crate's migrations, and the items the compiler
/// uses to check the revision graph. `migrations!(crate = path)` when the
/// dependency is renamed.
pub use migrate_macros::migrations;

/// One operation of a migration's `upgrade()` or `downgrade()`, in Alembic's
/// `op.*` vocabulary; see [`dsl`] for every operation and its arguments.
///
/// `op!` is read by [`#[migration]`](macro@migration); anywhere else it is an
/// error.
#[macro_export]
macro_rules! op {
    ($($tokens:tt)*) => {
        ::core::compile_error!(
            "`op!` only works inside `fn upgrade()` or `fn downgrade()` of a `#[migration]` module"
        )
    };
}

#[doc(hidden)]
pub mod __private {
    pub use crate::migration::{Migration, MigrationParts, RunFn, RunFunction};
    pub use inventory;
    pub use migrate_core::model::*;
    pub use std::borrow::Cow;

    /// The names generated op data is written with, in full
    /// (`::migrate_runtime::__private::model_names::Op::...`).
    pub mod model_names {
        pub use crate::migration::{Migration, MigrationParts, RunFn, RunFunction};
        pub use core::option::Option::{None, Some};
        pub use migrate_core::model::{
            AlterColumn, Column, ColumnType, Constraint, ConstraintKind, ConstraintType,
            EnumPlacement, EnumType, ForeignKey, Index, IndexColumn, InlineForeignKey, Op,
            ReferentialAction, Row, ServerDefault, Sql, Table, TableRef, Value,
        };
        pub use std::borrow::Cow;
    }

    /// Collects the migrations of the crate with this anchor.
    pub fn collect(anchor: std::any::TypeId, crate_path: &'static str) -> crate::Migrations {
        crate::Migrations::collect(anchor, crate_path)
    }

    /// The deeper of two parents, for a merge's depth.
    pub const fn max(a: u32, b: u32) -> u32 {
        if a > b {
            a
        } else {
            b
        }
    }
}
