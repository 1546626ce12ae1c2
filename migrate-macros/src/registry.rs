//! Who registers a migration: `migrations!()`, in one table for the crate
//! (one `inventory::submit!`), or the migration's own `#[migration]` (one
//! `inventory::submit!` each: a static, a constructor function and its
//! `.init_array` entry, which the compiler handles again on every rebuild).
//!
//! The table takes the migrations `migrations!()` finds in the module tree
//! whose record it can write itself (see `chain::Declared::record`). Within
//! one compilation both macros see this state, whichever expands first:
//! - `#[migration]` registers itself unless the table already took it, and
//!   says so;
//! - `migrations!()` leaves out of its table those that registered
//!   themselves.
//!
//! So each migration is registered once, in any expansion order. Outside a
//! compiler run (rust-analyzer, unit tests) there is no table and every
//! migration registers itself. Should a path be spelled differently by the
//! two (the key is the file as the compiler names it and the revision), both
//! would register it; the runtime keeps one (`Migrations::collect`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

type Entry = (PathBuf, String);

struct State {
    /// What the table took, once `migrations!()` has expanded.
    table: Option<BTreeSet<Entry>>,
    /// The migrations that registered themselves.
    own: BTreeSet<Entry>,
}

static STATE: Mutex<State> = Mutex::new(State {
    table: None,
    own: BTreeSet::new(),
});

/// Whether the `#[migration]` of `revision` in `file` registers itself
/// (`None`: the file is not known, it does).
pub fn attribute_registers(file: Option<&Path>, revision: &str) -> bool {
    let Some(file) = file else {
        return true;
    };
    let Ok(mut state) = STATE.lock() else {
        return true;
    };
    let entry = (file.to_path_buf(), revision.to_string());
    if state.table.as_ref().is_some_and(|t| t.contains(&entry)) {
        return false;
    }
    state.own.insert(entry);
    true
}

/// Of the `candidates` (file, revision), those the table registers: the
/// ones no `#[migration]` registered already. `None`: no table (the state
/// cannot be read; every migration then registers itself).
pub fn table_takes(candidates: Vec<Entry>) -> Option<BTreeSet<Entry>> {
    let mut state = STATE.lock().ok()?;
    let taken: BTreeSet<Entry> = candidates
        .into_iter()
        .filter(|e| !state.own.contains(e))
        .collect();
    state.table = Some(taken.clone());
    Some(taken)
}
