//! The naming convention for indexes and constraints left unnamed.
//!
//! A database-generated name differs between environments and breaks the
//! `drop_*` that refers to it later, so every unnamed index or constraint gets a
//! deterministic name here, at compile time:
//!
//! | object        | name                                         |
//! |---------------|----------------------------------------------|
//! | index         | `ix_<table>_<col>[_<col>...]`                |
//! | unique        | `uq_<table>_<col>[_<col>...]`                |
//! | check         | `ck_<table>_<column>` (column-level checks and enums) |
//! | foreign key   | `fk_<table>_<col>[_<col>...]_<referent table>` |
//! | primary key   | `pk_<table>`                                 |
//!
//! Expression elements of an index are left out of its name. Names longer than
//! [`MAX_IDENTIFIER_BYTES`] are rejected, never truncated: PostgreSQL would
//! truncate them silently and the next `drop_*` would miss.
//!
//! A crate can choose instead the names the database gives
//! (`migrations!(naming = "database")`, [`Naming::Database`], the rules in
//! [`database`]): what a schema built by Alembic without a
//! `naming_convention` has, so that its later ops find the same names.

/// PostgreSQL's NAMEDATALEN - 1; MySQL allows 64, SQLite has no limit.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// Which names unnamed constraints get: the crate's choice in
/// `migrations!(naming = "...")`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Naming {
    /// This project's convention (`pk_<table>`, `uq_<table>_<cols>`, ...).
    #[default]
    Convention,
    /// The names PostgreSQL gives (`<table>_pkey`, `<table>_<cols>_key`, ...);
    /// SQLite keeps such constraints unnamed.
    Database,
}

impl Naming {
    /// The value of `naming = "..."`.
    pub fn parse(text: &str) -> Option<Naming> {
        match text {
            "convention" => Some(Naming::Convention),
            "database" => Some(Naming::Database),
            _ => None,
        }
    }

    /// The spelling `naming = "..."` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Naming::Convention => "convention",
            Naming::Database => "database",
        }
    }

    /// An unnamed index (SQLAlchemy names it as the convention does, for one
    /// column, so both choices name it alike).
    pub fn index<S: AsRef<str>>(self, table: &str, columns: &[S]) -> String {
        index(table, columns)
    }

    /// An unnamed unique constraint.
    pub fn unique<S: AsRef<str>>(self, table: &str, columns: &[S]) -> String {
        match self {
            Naming::Convention => unique(table, columns),
            Naming::Database => database::unique(table, columns),
        }
    }

    /// An unnamed check constraint on `column` (the one column its
    /// condition names, if only one).
    pub fn check(self, table: &str, column: Option<&str>) -> Option<String> {
        match (self, column) {
            (Naming::Convention, Some(c)) => Some(check(table, c)),
            (Naming::Convention, None) => None,
            (Naming::Database, c) => Some(database::check(table, c)),
        }
    }

    /// An unnamed foreign key.
    pub fn foreign_key<S: AsRef<str>>(self, table: &str, columns: &[S], referent: &str) -> String {
        match self {
            Naming::Convention => foreign_key(table, columns, referent),
            Naming::Database => database::foreign_key(table, columns),
        }
    }

    /// An unnamed primary key.
    pub fn primary_key(self, table: &str) -> String {
        match self {
            Naming::Convention => primary_key(table),
            Naming::Database => database::primary_key(table),
        }
    }
}

/// PostgreSQL's own names for constraints created without one, as its
/// `ChooseConstraintName` / `ChooseRelationName` make them (`makeObjectName`
/// in `src/backend/commands/indexcmds.c`): `<table>_<addition>_<label>`,
/// truncated to [`MAX_IDENTIFIER_BYTES`] by shortening the longer of table
/// and addition first; a name already taken gets the label `<label>1`,
/// `<label>2`, ... ([`unused`]).
pub mod database {
    use super::MAX_IDENTIFIER_BYTES;

    /// `<table>_pkey`
    pub fn primary_key(table: &str) -> String {
        object_name(table, None, "pkey")
    }

    /// `<table>_<cols>_key`
    pub fn unique<S: AsRef<str>>(table: &str, columns: &[S]) -> String {
        object_name(table, Some(&addition(columns)), "key")
    }

    /// `<table>_<cols>_fkey`
    pub fn foreign_key<S: AsRef<str>>(table: &str, columns: &[S]) -> String {
        object_name(table, Some(&addition(columns)), "fkey")
    }

    /// `<table>_<col>_check` when the condition names one column, else
    /// `<table>_check`.
    pub fn check(table: &str, column: Option<&str>) -> String {
        object_name(table, column, "check")
    }

    /// The one column of `columns` a check condition names, as PostgreSQL
    /// picks the column part of a check constraint's name (none when it names
    /// several or none).
    pub fn check_column<'c, S: AsRef<str>>(condition: &str, columns: &'c [S]) -> Option<&'c str> {
        let mut named = columns
            .iter()
            .map(AsRef::as_ref)
            .filter(|c| crate::sqltext::mentions(condition, c));
        let first = named.next()?;
        named.next().is_none().then_some(first)
    }

    /// The first of `name`, `name` with `<label>1`, `<label>2`, ... that
    /// `taken` does not hold: PostgreSQL's way out of a clash.
    pub fn unused(
        table: &str,
        addition: Option<&str>,
        label: &str,
        taken: impl Fn(&str) -> bool,
    ) -> String {
        let mut name = object_name(table, addition, label);
        let mut pass = 0;
        while taken(&name) {
            pass += 1;
            name = object_name(table, addition, &format!("{label}{pass}"));
        }
        name
    }

    /// Whether `name` is one PostgreSQL gives (clash suffixes included) for
    /// `table`, `addition` and `label`.
    pub fn gives(name: &str, table: &str, addition: Option<&str>, label: &str) -> bool {
        name == object_name(table, addition, label)
            || (1..100).any(|n| name == object_name(table, addition, &format!("{label}{n}")))
    }

    /// Whether a constraint of `table` (whose columns are `columns`) bears
    /// a name PostgreSQL gives: SQLite, which names none, then keeps it
    /// unnamed, as a database built by Alembic has it. A table renamed
    /// since keeps the names its constraints had (as PostgreSQL keeps
    /// them), so the label (`_pkey`, `_key`, `_fkey`, `_check`, with a
    /// clash's digits) is what counts there.
    pub fn gave<S: AsRef<str>>(table: &str, columns: &[S], c: &crate::model::Constraint) -> bool {
        use crate::model::ConstraintKind;
        let labelled = |label: &str| {
            let name = c.name.trim_end_matches(|ch: char| ch.is_ascii_digit());
            name.ends_with(&format!("_{label}"))
        };
        match &c.kind {
            ConstraintKind::PrimaryKey { .. } => {
                gives(&c.name, table, None, "pkey") || labelled("pkey")
            }
            ConstraintKind::Unique { columns } => {
                gives(&c.name, table, Some(&addition(columns)), "key") || labelled("key")
            }
            ConstraintKind::ForeignKey(fk) => {
                gives(&c.name, table, Some(&addition(&fk.columns)), "fkey") || labelled("fkey")
            }
            ConstraintKind::Check { condition } => {
                gives(&c.name, table, check_column(condition, columns), "check")
                    || labelled("check")
            }
        }
    }

    /// The column names joined by `_` (`ChooseIndexNameAddition`): at most
    /// 63 bytes and one name past them, as PostgreSQL stops there.
    pub fn addition<S: AsRef<str>>(columns: &[S]) -> String {
        let mut buf = String::new();
        for c in columns {
            if !buf.is_empty() {
                buf.push('_');
            }
            buf.push_str(clip(c.as_ref(), MAX_IDENTIFIER_BYTES));
            if buf.len() > MAX_IDENTIFIER_BYTES {
                break;
            }
        }
        buf
    }

    /// `makeObjectName`: the label is kept whole; the longer of the two
    /// names loses a byte until all fits, each then clipped to whole
    /// characters.
    pub fn object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
        let overhead = usize::from(name2.is_some()) + label.len() + 1;
        let avail = (MAX_IDENTIFIER_BYTES).saturating_sub(overhead);
        let mut n1 = name1.len();
        let mut n2 = name2.map_or(0, str::len);
        while n1 + n2 > avail {
            if n1 > n2 {
                n1 -= 1;
            } else {
                n2 -= 1;
            }
        }
        let mut out = clip(name1, n1).to_string();
        if let Some(n) = name2 {
            out.push('_');
            out.push_str(clip(n, n2));
        }
        out.push('_');
        out.push_str(label);
        out
    }

    /// The longest prefix of at most `bytes` bytes that ends on a character
    /// boundary (`pg_mbcliplen`).
    fn clip(s: &str, bytes: usize) -> &str {
        let mut end = bytes.min(s.len());
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        &s[..end]
    }
}

/// `ix_<table>_<cols>`
pub fn index<S: AsRef<str>>(table: &str, columns: &[S]) -> String {
    joined("ix", table, columns)
}

/// `uq_<table>_<cols>`
pub fn unique<S: AsRef<str>>(table: &str, columns: &[S]) -> String {
    joined("uq", table, columns)
}

/// `ck_<table>_<column>`
pub fn check(table: &str, column: &str) -> String {
    format!("ck_{table}_{column}")
}

/// `fk_<table>_<cols>_<referent>`
pub fn foreign_key<S: AsRef<str>>(table: &str, columns: &[S], referent: &str) -> String {
    format!("{}_{referent}", joined("fk", table, columns))
}

/// `pk_<table>`
pub fn primary_key(table: &str) -> String {
    format!("pk_{table}")
}

fn joined<S: AsRef<str>>(prefix: &str, table: &str, columns: &[S]) -> String {
    let mut name = format!("{prefix}_{table}");
    for c in columns {
        name.push('_');
        name.push_str(c.as_ref());
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn convention() {
        assert_eq!(
            index("orders", &["user_id", "status"]),
            "ix_orders_user_id_status"
        );
        assert_eq!(unique("users", &["email"]), "uq_users_email");
        assert_eq!(check("orders", "status"), "ck_orders_status");
        assert_eq!(
            foreign_key("orders", &["user_id"], "users"),
            "fk_orders_user_id_users"
        );
        assert_eq!(primary_key("user_roles"), "pk_user_roles");
    }

    #[test]
    fn database_names() {
        assert_eq!(database::primary_key("users"), "users_pkey");
        assert_eq!(database::unique("roles", &["name"]), "roles_name_key");
        assert_eq!(
            database::foreign_key("orders", &["user_id", "tenant_id"]),
            "orders_user_id_tenant_id_fkey"
        );
        assert_eq!(database::check("t", Some("col")), "t_col_check");
        assert_eq!(database::check("t", None), "t_check");
        assert_eq!(
            database::check_column("price > 0 AND price < cost", &["price", "cost"]),
            None
        );
        assert_eq!(
            database::check_column("price > 0", &["price", "cost"]),
            Some("price")
        );
        let taken = ["t_a_check".to_string(), "t_a_check1".to_string()];
        assert_eq!(
            database::unused("t", Some("a"), "check", |n| taken.iter().any(|t| t == n)),
            "t_a_check2"
        );
        assert!(database::gives("t_a_check2", "t", Some("a"), "check"));
        assert!(!database::gives("ck_t_a", "t", Some("a"), "check"));
    }

    #[test]
    fn database_names_are_truncated_as_postgresql_does() {
        // Checked against PostgreSQL 15 by `tests/tests/naming_db.rs`.
        let long = "a".repeat(40);
        let col = "b".repeat(30);
        let name = database::unique(&long, &[&col]);
        assert_eq!(name.len(), MAX_IDENTIFIER_BYTES);
        assert_eq!(name, format!("{}_{}_key", "a".repeat(29), "b".repeat(29)));
        let pk = database::primary_key(&"t".repeat(70));
        assert_eq!(pk, format!("{}_pkey", "t".repeat(58)));
        // Multi-byte characters are never split.
        let pk = database::primary_key(&"é".repeat(40));
        assert!(pk.len() <= MAX_IDENTIFIER_BYTES && pk.ends_with("_pkey"));
    }
}
