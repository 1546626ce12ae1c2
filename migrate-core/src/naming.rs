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

/// PostgreSQL's NAMEDATALEN - 1; MySQL allows 64, SQLite has no limit.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

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
}
