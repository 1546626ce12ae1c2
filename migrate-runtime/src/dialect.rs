//! The databases, by name: [`Dialect`] is the public enum, and the one place
//! that maps each one to its backend (`crate::backend`), which renders every
//! op exhaustively: to statements, or to an [`Unsupported`] that says why and
//! what to do instead — never to SQL that is silently wrong. Identifiers are
//! always quoted; values in `bulk_insert` are escaped literals (numbers were
//! validated by the macro), so the same text serves online and offline runs.

use crate::backend::{self, Backend};
use crate::ops::*;
use std::fmt;

/// Declares [`Dialect`] with one variant per backend, and the mapping both
/// ways: a new database is one line here (and its folder in `backend/`).
macro_rules! dialects {
    ($($(#[$doc:meta])* $variant:ident => $backend:ident in $folder:ident,)*) => {
        /// A database flavour of SQL.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Dialect {
            $($(#[$doc])* $variant,)*
        }

        impl Dialect {
            /// Every dialect.
            #[cfg(feature = "cli")]
            pub(crate) const ALL: &'static [Dialect] = &[$(Dialect::$variant),*];

            /// The backend that writes this dialect.
            pub(crate) fn backend(self) -> &'static dyn Backend {
                match self {
                    $(Dialect::$variant => &backend::$folder::$backend,)*
                }
            }
        }

        $(
            impl backend::sealed::Sealed for backend::$folder::$backend {}

            impl backend::$folder::$backend {
                /// The dialect this backend writes.
                pub(crate) const DIALECT: Dialect = Dialect::$variant;
            }
        )*
    };
}

dialects! {
    /// PostgreSQL 12 and later.
    Postgres => Postgres in postgres,
    /// SQLite 3.35 and later.
    Sqlite => Sqlite in sqlite,
    /// MySQL 8.0.16 and later, MariaDB 10.5 and later (tested on MariaDB 10.11).
    Mysql => Mysql in mysql,
}

impl Dialect {
    /// The name used in messages and in `execute(postgresql = ..., sqlite = ...)`.
    pub fn name(self) -> &'static str {
        self.backend().name()
    }

    /// Whether DDL is transactional, so that a migration and its version row
    /// commit together.
    pub fn transactional_ddl(self) -> bool {
        self.backend().transactional_ddl()
    }

    /// The statements for one op.
    pub fn render(self, op: &Op) -> Result<Vec<String>, Unsupported> {
        self.backend().render(op)
    }

    /// A quoted identifier, as this database quotes it.
    pub fn ident(self, name: &str) -> String {
        self.backend().quote_ident(name)
    }

    /// A quoted, schema-qualified table name.
    pub fn table(self, t: &TableRef) -> Result<String, Unsupported> {
        self.qualified(&t.schema, &t.name)
    }

    /// A quoted name of an object in a schema (a table, a type, an index).
    pub fn qualified(self, schema: &Option<Str>, name: &str) -> Result<String, Unsupported> {
        self.backend().qualified(schema, name)
    }
}

/// `--dialect`: the backends' names (and aliases, such as `postgres`).
#[cfg(feature = "cli")]
impl clap::ValueEnum for Dialect {
    fn value_variants<'a>() -> &'a [Self] {
        Dialect::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let b = self.backend();
        Some(clap::builder::PossibleValue::new(b.name()).aliases(b.aliases().iter().copied()))
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.backend().title())
    }
}

/// An op, or one of its arguments, that a database cannot do as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    /// The op or argument (`alter_column`, `schema`, ...).
    pub what: String,
    /// The database.
    pub dialect: Dialect,
    /// Why.
    pub reason: String,
    /// What to do instead.
    pub help: String,
}

impl Unsupported {
    pub(crate) fn new(
        what: impl Into<String>,
        dialect: Dialect,
        reason: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Unsupported {
            what: what.into(),
            dialect,
            reason: reason.into(),
            help: help.into(),
        }
    }
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not supported on {}: {}\nhelp: {}",
            self.what, self.dialect, self.reason, self.help
        )
    }
}

impl std::error::Error for Unsupported {}

#[cfg(all(test, feature = "cli"))]
mod tests {
    use super::Dialect;
    use clap::ValueEnum;

    #[test]
    fn names_and_aliases_name_their_dialect() {
        let named = |name| Dialect::from_str(name, false).ok();
        for d in Dialect::ALL {
            assert_eq!(named(d.name()), Some(*d));
        }
        assert_eq!(named("postgres"), Some(Dialect::Postgres));
        assert_eq!(named("sqlite"), Some(Dialect::Sqlite));
        assert_eq!(named("oracle"), None);
        assert_eq!(Dialect::Postgres.to_string(), "PostgreSQL");
    }
}
