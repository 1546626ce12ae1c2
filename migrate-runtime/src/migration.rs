//! Registered migrations: the records `#[migration]` submits, and the set a
//! crate's `migrations()` returns.

use crate::ops::{Checksum, Op};
use migrate_core::encode::{
    decode_checksum, decode_lineage, decode_ops, decode_record, DecodeError, Record,
};
use std::any::TypeId;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;

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
/// as one string (`migrate_core::encode`): the header, the ops, then the
/// module path, file and line the compiler joins to it. A string holds no
/// pointer, so the loader relocates nothing inside it at start-up.
#[doc(hidden)]
pub struct MigrationParts {
    pub revision: &'static str,
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

/// One revision, as `#[migration]` registered it: ids, message, the upgrade and
/// downgrade as data, the checksum of the upgrade, and where it is declared.
///
/// The ops are decoded the first time they are asked for, once per process:
/// a run decodes only the migrations it applies, reverts or checks.
pub struct Migration {
    parts: MigrationParts,
}

impl Migration {
    #[doc(hidden)]
    pub const fn __new(parts: MigrationParts) -> Self {
        Migration { parts }
    }

    /// The record's header. `#[migration]` of the same version wrote it (the
    /// runtime pins the macro crate), so it always reads.
    pub(crate) fn record(&self) -> Record {
        decode_record(self.parts.record).unwrap_or_else(|e| self.corrupt(e))
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

    /// The parents and the branch label, from the start of the record only
    /// (the revision graph reads them of every migration at every start).
    pub(crate) fn lineage(&self) -> (Vec<&'static str>, Option<&'static str>) {
        decode_lineage(self.parts.record).unwrap_or_else(|e| self.corrupt(e))
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
    /// are: nothing parsed or allocated, only the record's start read (a run
    /// at head compares every applied migration's).
    pub(crate) fn checksum_is_stored(&self, text: &str) -> bool {
        migrate_core::checksum::hex_is_stored(self.checksum_hex(), text)
    }

    fn checksum_hex(&self) -> &'static str {
        decode_checksum(self.parts.record).unwrap_or_else(|e| self.corrupt(e))
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
/// one constant. Each migration is `<revision length>:<revision><head
/// length>:<record>\n`, where the record is as [`MigrationParts::record`]
/// holds it (head, module path, NUL, file, NUL, line): the head's length is
/// given, the module path and the file end at a NUL, the line at the `\n`.
/// Cut into [`Migration`]s once per process, when first collected.
#[doc(hidden)]
pub struct MigrationTable {
    pub records: &'static str,
    pub anchor: fn() -> TypeId,
}

inventory::collect!(MigrationTable);

impl MigrationTable {
    /// The migrations of the table, cut from its string on first use.
    fn migrations(&'static self) -> &'static [Migration] {
        static CUT: Mutex<BTreeMap<usize, &'static [Migration]>> = Mutex::new(BTreeMap::new());
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
    let mut out = Vec::new();
    // A length, then `:`.
    let length = |at: &mut usize| -> Result<usize, usize> {
        let start = *at;
        while b.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        let n = s[start..*at].parse().map_err(|_| start)?;
        if b.get(*at) != Some(&b':') {
            return Err(*at);
        }
        *at += 1;
        Ok(n)
    };
    // Up to and past the next `stop`.
    let past = |at: &mut usize, stop: u8| -> Result<(), usize> {
        let end = b[*at..].iter().position(|&c| c == stop).ok_or(*at)?;
        *at += end + 1;
        Ok(())
    };
    while at < b.len() {
        let n = length(&mut at)?;
        let revision = s.get(at..at + n).ok_or(at)?;
        at += n;
        let n = length(&mut at)?;
        let start = at;
        at = at.checked_add(n).filter(|&e| e <= b.len()).ok_or(at)?;
        past(&mut at, 0)?;
        past(&mut at, 0)?;
        past(&mut at, b'\n')?;
        let record = s.get(start..at - 1).ok_or(start)?;
        out.push(Migration::__new(MigrationParts {
            revision,
            record,
            functions: &[],
            anchor,
        }));
    }
    Ok(out)
}

/// The migrations of one crate, as its `migrations()` returns them, sorted by
/// revision id (the graph orders them for applying).
#[derive(Clone, Debug)]
pub struct Migrations {
    crate_path: &'static str,
    list: Vec<&'static Migration>,
}

impl Migrations {
    /// The set registered by the crate whose `migrations!()` has this anchor.
    pub(crate) fn collect(anchor: TypeId, crate_path: &'static str) -> Self {
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
        Migrations { crate_path, list }
    }

    /// The crate (its module path) the migrations come from.
    pub fn crate_path(&self) -> &'static str {
        self.crate_path
    }

    /// How many migrations there are.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// All of them, sorted by revision id.
    pub fn iter(&self) -> impl Iterator<Item = &'static Migration> + '_ {
        self.list.iter().copied()
    }

    /// The migrations `keep` selects (for example one line of history), as a
    /// set of their own.
    pub fn filter(&self, keep: impl Fn(&Migration) -> bool) -> Migrations {
        Migrations {
            crate_path: self.crate_path,
            list: self.list.iter().copied().filter(|m| keep(m)).collect(),
        }
    }

    /// Source files beside the migrations' own that hold a `#[migration]` but
    /// are not compiled in: a file no `mod` declares (Alembic's "#1 gotcha", an
    /// unimported model, in this form). The paths are those the compiler saw;
    /// `None` when they cannot be found from the current directory.
    pub fn undeclared_files(&self) -> Option<Vec<std::path::PathBuf>> {
        use std::collections::BTreeSet;
        use std::path::{Path, PathBuf};
        let declared: BTreeSet<PathBuf> =
            self.list.iter().map(|m| PathBuf::from(m.file())).collect();
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
        self.list
            .binary_search_by_key(&revision, |m| m.revision())
            .ok()
            .map(|i| self.list[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor() -> TypeId {
        TypeId::of::<MigrationTable>()
    }

    /// A table's string cuts into its records whole, whatever bytes the
    /// heads hold (they are measured, not delimited).
    #[test]
    fn a_table_cuts_into_its_records() {
        let head = "m1:\n:\0with a line break and a NUL, é\n";
        let table: &'static str = Box::leak(
            format!(
                "2:r1{}:{head}krate::m::r1\0src/m/r1.rs\x004\n5:r-0_2{}:{head}krate::r2\0src/a b\n.rs\x0012\n",
                head.len(),
                head.len()
            )
            .into_boxed_str(),
        );
        let list = cut_table(table, anchor).unwrap();
        let cut: Vec<(&str, &str)> = list
            .iter()
            .map(|m| (m.parts.revision, m.parts.record))
            .collect();
        assert_eq!(
            cut,
            [
                ("r1", &*format!("{head}krate::m::r1\0src/m/r1.rs\x004")),
                ("r-0_2", &*format!("{head}krate::r2\0src/a b\n.rs\x0012")),
            ]
        );
        assert!(list.iter().all(|m| m.anchor() == anchor()));
        assert!(cut_table("", anchor).unwrap().is_empty());
        // Cut short or misshapen: where it stops reading.
        for bad in [
            "2:r1",
            "2:r15:abc",
            "2:r13:abcm\0f\0",
            "x:r1",
            "2:r1999:a\0b\x001\n",
        ] {
            assert!(cut_table(bad, anchor).is_err(), "{bad:?}");
        }
    }
}
