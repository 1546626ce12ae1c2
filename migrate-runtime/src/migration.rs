//! Registered migrations: the records `#[migration]` submits, and the set a
//! crate's `migrations()` returns.

use crate::ops::{Checksum, Op};
use migrate_core::encode::{
    decode_checksum, decode_lineage, decode_ops, decode_record, DecodeError, Record,
};
use std::any::TypeId;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// The connection handed to `op!(run(function))`: one variant per enabled
/// backend, because diesel's `Connection` trait is not object-safe.
pub enum Connection<'a> {
    /// A PostgreSQL connection.
    #[cfg(feature = "postgres")]
    #[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
    Postgres(&'a mut diesel::PgConnection),
    /// A SQLite connection.
    #[cfg(feature = "sqlite")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sqlite")))]
    Sqlite(&'a mut diesel::SqliteConnection),
    /// A MySQL/MariaDB connection.
    #[cfg(feature = "mysql")]
    #[cfg_attr(docsrs, doc(cfg(feature = "mysql")))]
    Mysql(&'a mut diesel::MysqlConnection),
}

/// What a `run` function returns.
pub type RunResult = Result<(), Box<dyn std::error::Error + Send + Sync + 'static>>;

/// The signature of a function named in `op!(run(function))`:
/// `fn backfill(conn: &mut Connection<'_>) -> RunResult`.
pub type RunFn = fn(&mut Connection<'_>) -> RunResult;

/// A function a migration's `run` ops refer to, by name.
#[derive(Clone, Copy)]
pub struct RunFunction {
    name: &'static str,
    function: RunFn,
}

impl RunFunction {
    #[doc(hidden)]
    pub const fn new(name: &'static str, function: RunFn) -> Self {
        RunFunction { name, function }
    }

    /// The name as written in `run(...)`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The function.
    pub fn function(&self) -> RunFn {
        self.function
    }
}

impl fmt::Debug for RunFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunFunction")
            .field("name", &self.name)
            .finish()
    }
}

/// Everything `#[migration]` records about one revision: the id, what only
/// a pointer can hold (the `run` functions, the crate's anchor), and the rest
/// as two strings (`migrate_core::encode`): the lineage (parents, branch,
/// checksum), which every start reads, and the record (the message, the
/// ops, then the module path, file and line the compiler joins to it),
/// which a run reads of the migrations it touches. A string holds no
/// pointer, so the loader relocates nothing inside it at start-up.
#[doc(hidden)]
pub struct MigrationParts {
    pub revision: &'static str,
    pub lineage: &'static str,
    pub record: &'static str,
    pub functions: &'static [RunFunction],
    pub anchor: fn() -> TypeId,
}

/// The op lists decoded so far in this process, keyed by the address of their
/// encoded text (each is one literal).
static DECODED: Mutex<BTreeMap<usize, &'static [Op]>> = Mutex::new(BTreeMap::new());

/// How many op lists (upgrades and downgrades) this process has decoded: what
/// the tests check a no-op run leaves at zero.
#[doc(hidden)]
pub fn decoded_op_lists() -> usize {
    DECODED.lock().unwrap_or_else(|p| p.into_inner()).len()
}

/// How many records (not lineages) this process has read, and how many
/// tables it has cut: what the tests check a command that needs none leaves
/// at zero.
static RECORDS_READ: AtomicUsize = AtomicUsize::new(0);

#[doc(hidden)]
pub fn records_read() -> usize {
    RECORDS_READ.load(Ordering::Relaxed)
}

#[doc(hidden)]
pub fn tables_cut() -> usize {
    CUT.lock().unwrap_or_else(|p| p.into_inner()).len()
}

/// One revision, as `#[migration]` registered it: ids, message, the upgrade and
/// downgrade as data, the checksum of the upgrade, and where it is declared.
///
/// The ops are decoded the first time they are asked for, once per process:
/// a run decodes only the migrations it applies, reverts or checks.
pub struct Migration {
    parts: MigrationParts,
    /// For a migration of a table: where its record is in `parts.record`,
    /// which is then the table's records. Sliced when read, so cutting the
    /// table reads none of them.
    place: Option<(u32, u32)>,
}

impl Migration {
    #[doc(hidden)]
    pub const fn __new(parts: MigrationParts) -> Self {
        Migration { parts, place: None }
    }

    /// The record's text (see [`MigrationParts::record`]).
    fn record_text(&self) -> &'static str {
        RECORDS_READ.fetch_add(1, Ordering::Relaxed);
        match self.place {
            None => self.parts.record,
            Some((start, end)) => self
                .parts
                .record
                .get(start as usize..end as usize)
                .unwrap_or_else(|| {
                    self.corrupt(DecodeError {
                        offset: start as usize,
                        expected: "a record on character boundaries",
                    })
                }),
        }
    }

    /// The record's header. `#[migration]` of the same version wrote it (the
    /// runtime pins the macro crate), so it always reads.
    pub(crate) fn record(&self) -> Record {
        decode_record(self.parts.lineage, self.record_text()).unwrap_or_else(|e| self.corrupt(e))
    }

    fn corrupt(&self, e: DecodeError) -> ! {
        panic!(
            "internal error: the record of migration `{}` does not read ({e}); \
             migrate-macros and migrate-runtime must be the same version",
            self.parts.revision
        )
    }

    /// The ops of one direction, decoded on first use and kept for the
    /// process (the data they borrow is `'static` already).
    fn ops(&self, encoded: &'static str) -> &'static [Op] {
        let key = encoded.as_ptr() as usize;
        let mut decoded = DECODED.lock().unwrap_or_else(|p| p.into_inner());
        decoded.entry(key).or_insert_with(|| {
            let ops = decode_ops(encoded).unwrap_or_else(|e| self.corrupt(e));
            Box::leak(ops.into_boxed_slice())
        })
    }

    /// The revision id.
    pub fn revision(&self) -> &'static str {
        self.parts.revision
    }

    /// The parents: none for a root, several for a merge.
    pub fn down_revisions(&self) -> Vec<&'static str> {
        self.lineage().0
    }

    /// The branch label, if any.
    pub fn branch(&self) -> Option<&'static str> {
        self.lineage().1
    }

    /// The parents and the branch label, from the lineage only (the
    /// revision graph reads them of every migration at every start).
    pub(crate) fn lineage(&self) -> (Vec<&'static str>, Option<&'static str>) {
        decode_lineage(self.parts.lineage).unwrap_or_else(|e| self.corrupt(e))
    }

    /// The message: `message = ...`, the doc comment, or the module name.
    pub fn message(&self) -> &'static str {
        self.record().message
    }

    /// The upgrade's ops.
    pub fn upgrade(&self) -> &'static [Op] {
        self.ops(self.record().upgrade)
    }

    /// The downgrade's ops; `None` for an `irreversible` migration.
    pub fn downgrade(&self) -> Option<&'static [Op]> {
        self.record().downgrade.map(|d| self.ops(d))
    }

    /// Whether the downgrade was derived from the upgrade rather than written.
    pub fn downgrade_is_derived(&self) -> bool {
        self.record().downgrade_is_derived
    }

    /// The checksum of the upgrade, computed when the crate was compiled.
    pub fn checksum(&self) -> Checksum {
        Checksum::from_hex(self.checksum_hex()).expect("the macro writes 64 hex digits")
    }

    /// Whether `text` is the stored form of [`Migration::checksum`]
    /// (`Checksum::is_stored`), compared with the record's digits as they
    /// are: nothing parsed or allocated, only the lineage read (a run at
    /// head compares every applied migration's).
    pub(crate) fn checksum_is_stored(&self, text: &str) -> bool {
        migrate_core::checksum::hex_is_stored(self.checksum_hex(), text)
    }

    fn checksum_hex(&self) -> &'static str {
        decode_checksum(self.parts.lineage).unwrap_or_else(|e| self.corrupt(e))
    }

    /// Whether the migration runs in one transaction (false when it has an op
    /// PostgreSQL refuses in a transaction, or says `transactional = false`).
    pub fn transactional(&self) -> bool {
        self.record().transactional
    }

    /// The Rust module that declares it.
    pub fn module_path(&self) -> &'static str {
        self.record().module_path
    }

    /// The source file that declares it.
    pub fn file(&self) -> &'static str {
        self.record().file
    }

    /// The line of its `#[migration]`.
    pub fn line(&self) -> u32 {
        self.record().line
    }

    /// The functions its `run` ops call.
    pub fn functions(&self) -> &'static [RunFunction] {
        self.parts.functions
    }

    /// The function a `run` op names.
    pub fn function(&self, name: &str) -> Option<RunFn> {
        self.parts
            .functions
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.function)
    }

    fn anchor(&self) -> TypeId {
        (self.parts.anchor)()
    }
}

impl fmt::Debug for Migration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Migration")
            .field("revision", &self.revision())
            .field("down_revisions", &self.down_revisions())
            .field("branch", &self.branch())
            .field("message", &self.message())
            .field("module_path", &self.module_path())
            .finish_non_exhaustive()
    }
}

inventory::collect!(Migration);

/// The migrations `migrations!()` registers for its crate in one table:
/// those it finds in the crate's module tree (see `migrate-macros`'
/// `registry.rs`); the others register one by one.
///
/// The table is one string, not an array of [`Migration`]s: a `static` of
/// hundreds of structs is type-checked, const-evaluated and walked for
/// relocations by the compiler on every rebuild after an edit, a string is
/// one constant. It is an index, a `\n`, then the records:
/// - the index holds, per migration, `<revision length>:<revision><lineage
///   length>:<lineage>` and the record's place: `<length>:` when its length
///   is known, `<head length>;` when only its head's is (the crate's module
///   path is then joined in by the compiler);
/// - the records follow in the index's order, each as
///   [`MigrationParts::record`] holds it (head, module path, NUL, file, NUL,
///   line), and, where only the head's length is given, a `\n` after it.
///
/// Cut into [`Migration`]s once per process, when first collected. With the
/// lengths known, cutting reads the index alone: a start that builds the
/// graph and compares checksums does not touch the records' pages.
#[doc(hidden)]
pub struct MigrationTable {
    pub records: &'static str,
    pub anchor: fn() -> TypeId,
}

inventory::collect!(MigrationTable);

/// The tables cut so far, keyed by the address of their string.
static CUT: Mutex<BTreeMap<usize, &'static [Migration]>> = Mutex::new(BTreeMap::new());

impl MigrationTable {
    /// The migrations of the table, cut from its string on first use.
    fn migrations(&'static self) -> &'static [Migration] {
        let key = self.records.as_ptr() as usize;
        let mut cut = CUT.lock().unwrap_or_else(|p| p.into_inner());
        cut.entry(key).or_insert_with(|| {
            let list = cut_table(self.records, self.anchor).unwrap_or_else(|at| {
                panic!(
                    "internal error: the migration table does not read (at byte {at}); \
                     migrate-macros and migrate-runtime must be the same version"
                )
            });
            Box::leak(list.into_boxed_slice())
        })
    }
}

/// The migrations of a table's string (see [`MigrationTable`]); the byte
/// where it does not read otherwise.
fn cut_table(s: &'static str, anchor: fn() -> TypeId) -> Result<Vec<Migration>, usize> {
    let b = s.as_bytes();
    let mut at = 0;
    // A length, then `:` (or `;`, returned as true).
    let length = |at: &mut usize| -> Result<(usize, bool), usize> {
        let start = *at;
        while b.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        let n = s[start..*at].parse().map_err(|_| start)?;
        let head_only = match b.get(*at) {
            Some(b':') => false,
            Some(b';') => true,
            _ => return Err(*at),
        };
        *at += 1;
        Ok((n, head_only))
    };
    // A string given by its length.
    let string = |at: &mut usize| -> Result<&'static str, usize> {
        let (n, false) = length(at)? else {
            return Err(*at - 1);
        };
        let end = at.checked_add(n).ok_or(*at)?;
        let text = s.get(*at..end).ok_or(*at)?;
        *at += n;
        Ok(text)
    };
    let mut index = Vec::new();
    while b.get(at) != Some(&b'\n') {
        let revision = string(&mut at)?;
        let lineage = string(&mut at)?;
        index.push((revision, lineage, length(&mut at)?));
    }
    at += 1;
    // The records, as one string; each migration's is sliced from it when
    // read.
    let records = s.get(at..).ok_or(at)?;
    let base = at;
    let mut at: usize = 0;
    let mut out = Vec::with_capacity(index.len());
    for (revision, lineage, (n, head_only)) in index {
        let start = at;
        at = at
            .checked_add(n)
            .filter(|&e| e <= records.len())
            .ok_or(base + at)?;
        let end = if head_only {
            let b = records.as_bytes();
            for stop in [0, 0, b'\n'] {
                at += b[at..].iter().position(|&c| c == stop).ok_or(base + at)? + 1;
            }
            at - 1
        } else {
            at
        };
        let (Ok(start), Ok(end)) = (u32::try_from(start), u32::try_from(end)) else {
            return Err(base + start);
        };
        out.push(Migration {
            parts: MigrationParts {
                revision,
                lineage,
                record: records,
                functions: &[],
                anchor,
            },
            place: Some((start, end)),
        });
    }
    if at != records.len() {
        return Err(base + at);
    }
    Ok(out)
}

/// The migrations of one crate, as its `migrations()` returns them, sorted by
/// revision id (the graph orders them for applying).
///
/// Collected when first asked for, so a command that needs none (`--help`,
/// `--version`, a mistyped argument) reads none: a start's memory does not
/// grow with the number of migrations before it needs them.
#[derive(Clone)]
pub struct Migrations {
    crate_path: &'static str,
    anchor: TypeId,
    list: OnceLock<Vec<&'static Migration>>,
}

impl Migrations {
    /// The set registered by the crate whose `migrations!()` has this anchor.
    pub(crate) fn collect(anchor: TypeId, crate_path: &'static str) -> Self {
        Migrations {
            crate_path,
            anchor,
            list: OnceLock::new(),
        }
    }

    /// The migrations, collected on first use.
    fn list(&self) -> &[&'static Migration] {
        self.list.get_or_init(|| collect(self.anchor))
    }

    /// The crate (its module path) the migrations come from.
    pub fn crate_path(&self) -> &'static str {
        self.crate_path
    }

    /// How many migrations there are.
    pub fn len(&self) -> usize {
        self.list().len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list().is_empty()
    }

    /// All of them, sorted by revision id.
    pub fn iter(&self) -> impl Iterator<Item = &'static Migration> + '_ {
        self.list().iter().copied()
    }

    /// The migrations `keep` selects (for example one line of history), as a
    /// set of their own.
    pub fn filter(&self, keep: impl Fn(&Migration) -> bool) -> Migrations {
        Migrations {
            crate_path: self.crate_path,
            anchor: self.anchor,
            list: OnceLock::from(self.iter().filter(|m| keep(m)).collect::<Vec<_>>()),
        }
    }

    /// Source files beside the migrations' own that hold a `#[migration]` but
    /// are not compiled in: a file no `mod` declares (Alembic's "#1 gotcha", an
    /// unimported model, in this form). The paths are those the compiler saw;
    /// `None` when they cannot be found from the current directory.
    pub fn undeclared_files(&self) -> Option<Vec<std::path::PathBuf>> {
        use std::collections::BTreeSet;
        use std::path::{Path, PathBuf};
        let declared: BTreeSet<PathBuf> = self.iter().map(|m| PathBuf::from(m.file())).collect();
        if declared.iter().any(|f| !f.is_file()) {
            return None;
        }
        let dirs: BTreeSet<&Path> = declared.iter().filter_map(|f| f.parent()).collect();
        let mut out = Vec::new();
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let is_rs = path.extension().is_some_and(|e| e == "rs");
                if !is_rs || declared.contains(&path) {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                if text.contains("#[migration(") {
                    out.push(path);
                }
            }
        }
        out.sort();
        Some(out)
    }

    /// The migration with exactly this revision id.
    pub fn get(&self, revision: &str) -> Option<&'static Migration> {
        let list = self.list();
        list.binary_search_by_key(&revision, |m| m.revision())
            .ok()
            .map(|i| list[i])
    }
}

impl fmt::Debug for Migrations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Migrations")
            .field("crate_path", &self.crate_path)
            .field("list", &self.list())
            .finish()
    }
}

/// The migrations registered with this anchor, sorted by revision id.
fn collect(anchor: TypeId) -> Vec<&'static Migration> {
    let tables = inventory::iter::<MigrationTable>
        .into_iter()
        .filter(|t| (t.anchor)() == anchor)
        .flat_map(|t| t.migrations().iter());
    let mut list: Vec<&'static Migration> = inventory::iter::<Migration>
        .into_iter()
        .chain(tables)
        .filter(|m| m.anchor() == anchor)
        .collect();
    list.sort_by_key(|m| m.revision());
    // A migration is registered once, by the table or by itself; should
    // both have done it, it is one migration (the same id in the same
    // module; two of one id are a compile error).
    list.dedup_by(|a, b| a.revision() == b.revision() && a.module_path() == b.module_path());
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor() -> TypeId {
        TypeId::of::<MigrationTable>()
    }

    /// A table's string cuts into its records whole, whatever bytes the
    /// records hold (they are measured, not delimited), in either form of
    /// the index: the records' lengths, or their heads' only.
    #[test]
    fn a_table_cuts_into_its_records() {
        let lineage = "m20:-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        // A message with a line break, a NUL and a character of two bytes.
        let head = "5:a\n\0étt2:0:-";
        let records = [
            ("r1", format!("{head}krate::m::r1\0src/m/r1.rs\x004")),
            ("r-0_2", format!("{head}krate::r2\0src/a b\n.rs\x0012")),
        ];
        let index = |given: &dyn Fn(&str) -> String| -> String {
            let mut index = String::new();
            for (revision, record) in &records {
                index.push_str(&format!(
                    "{}:{revision}{}:{lineage}{}",
                    revision.len(),
                    lineage.len(),
                    given(record)
                ));
            }
            index
        };
        let whole = format!(
            "{}\n{}{}",
            index(&|r| format!("{}:", r.len())),
            records[0].1,
            records[1].1
        );
        let heads = format!(
            "{}\n{}\n{}\n",
            index(&|_| format!("{};", head.len())),
            records[0].1,
            records[1].1
        );
        for table in [whole, heads] {
            let table: &'static str = Box::leak(table.into_boxed_str());
            let list = cut_table(table, anchor).unwrap();
            let cut: Vec<(&str, &str, &str)> = list
                .iter()
                .map(|m| (m.parts.revision, m.parts.lineage, m.record_text()))
                .collect();
            assert_eq!(
                cut,
                [
                    ("r1", lineage, &*records[0].1),
                    ("r-0_2", lineage, &*records[1].1),
                ],
                "{table:?}"
            );
            assert!(list.iter().all(|m| m.anchor() == anchor()));
            assert_eq!(list[1].line(), 12);
            assert_eq!(list[1].file(), "src/a b\n.rs");
            assert_eq!(list[0].down_revisions(), Vec::<&str>::new());
            // Cut short anywhere: where it stops reading, never a panic.
            for end in (0..table.len()).filter(|&e| table.is_char_boundary(e)) {
                assert!(cut_table(&table[..end], anchor).is_err(), "{end}");
            }
        }
        assert!(cut_table("\n", anchor).unwrap().is_empty());
        // The cut reads the index alone: a record is only sliced when read.
        let table = "2:r12:m13:\nabc";
        assert_eq!(cut_table(table, anchor).unwrap()[0].record_text(), "abc");
        // Misshapen: where it stops reading.
        for (bad, at) in [
            ("", 0),
            ("x:r1", 0),
            ("2;r1", 1),
            ("2:r12:m13:\nab", 11),
            ("2:r12:m13:\nabcd", 14),
            ("2:r12:m199999999999999999999999:\nab", 8),
            ("2:r12:m12;\na\0b\0", 15),
        ] {
            assert_eq!(cut_table(bad, anchor).err(), Some(at), "{bad:?}");
        }
    }
}
