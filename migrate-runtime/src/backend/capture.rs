//! What every backend's introspection shares: the parts of a
//! [`Snapshot`](crate::introspect::Snapshot) as they are read, and the
//! helpers that read rows of text.

use crate::dialect::Dialect;
use crate::error::{db, Error};
use crate::introspect::{EnumSnapshot, TableSnapshot, TriggerSnapshot};
use crate::migration::Connection;
use std::collections::{BTreeMap, BTreeSet};

/// A snapshot being read; `.into()` makes the [`Snapshot`](crate::introspect::Snapshot).
pub(crate) struct Captured {
    /// The database it is read from, which reads its defaults.
    pub dialect: Dialect,
    pub tables: BTreeMap<String, TableSnapshot>,
    pub enums: BTreeMap<String, EnumSnapshot>,
    pub sequences: BTreeSet<String>,
    /// The sequences owned by a column (identity, serial).
    pub owned_sequences: BTreeSet<String>,
    pub views: BTreeMap<String, String>,
    pub triggers: BTreeMap<String, TriggerSnapshot>,
}

impl Captured {
    pub(crate) fn new(dialect: Dialect) -> Captured {
        Captured {
            dialect,
            tables: BTreeMap::new(),
            enums: BTreeMap::new(),
            sequences: BTreeSet::new(),
            owned_sequences: BTreeSet::new(),
            views: BTreeMap::new(),
            triggers: BTreeMap::new(),
        }
    }
}

/// Every row of `sql`, each column as text (PostgreSQL: cast each to text).
pub(crate) fn rows(
    conn: &mut Connection<'_>,
    reading: &str,
    sql: &str,
) -> Result<Vec<Vec<Option<String>>>, Error> {
    conn.session()
        .rows(sql)
        .map_err(db(format!("cannot read {reading} for a schema snapshot")))
}

/// Column `i` of a row.
pub(crate) fn col(row: &[Option<String>], i: usize) -> Option<String> {
    row.get(i).cloned().flatten()
}

/// Column `i` of a row, `""` when NULL.
pub(crate) fn text(row: &[Option<String>], i: usize) -> String {
    col(row, i).unwrap_or_default()
}

/// Inserts under `key`, or `key #2`, `key #3`... when taken.
pub(crate) fn insert_unique<V>(map: &mut BTreeMap<String, V>, key: String, value: V) {
    let mut candidate = key.clone();
    let mut n = 1;
    while map.contains_key(&candidate) {
        n += 1;
        candidate = format!("{key} #{n}");
    }
    map.insert(candidate, value);
}
