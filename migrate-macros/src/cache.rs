//! The expansion cache of the macros: rustc runs every proc macro of a
//! crate again on every rebuild (expansion is not incremental), so without
//! it an edit of one migration parses, lowers and checks all of them again,
//! twice (`#[migration]` on its tokens, `migrations!()` reading the files).
//!
//! Two kinds of entries, under the build's target directory
//! (`<target>/<profile>/migrate-macros-cache/`):
//! - a `#[migration]` expansion that found nothing to report, read nothing
//!   beside its own tokens (no SQL file, not the schema of the migrations
//!   before it) and carries no user span the compiler needs later (no `run`
//!   function, no helper items: the usual module of `op!`s), keyed by the
//!   attribute's arguments and the module as the compiler prints them (every
//!   token: an edit anywhere in the module is a different key), the file's
//!   path and the crate's naming choice (`expand::cached`);
//! - `migrations!()`'s reading of a migration file that depends on its text
//!   alone (no `mod x;` in it, nothing read beside it), keyed by that text,
//!   its path and the naming (`sources::cached_scan`).
//!
//! Every key also holds the identity of this proc-macro library as loaded
//! (its path, size, modification time and inode: a rebuilt or upgraded
//! macro crate, or a changed `migrate-core` linked into it, is a different
//! key) and the cache format. An entry is named by a 64-bit hash of its key
//! (std's `DefaultHasher`) and holds the whole key and the length of its
//! body, both checked on reading: another key under the same name, or a
//! truncated or foreign file, is a miss, never an expansion (and is
//! removed). An entry is written once, in place: a build reading it while
//! another writes it finds it incomplete, a miss; two builds writing the
//! same key write the same text, and the second leaves the first's. Anything
//! that fails (no target directory known, a read-only file system) is a
//! miss, and the analysis runs as without a cache.
//! `MIGRATE_MACROS_NO_CACHE=1` turns it off. Entries are never removed but
//! by `cargo clean` (a few KiB per migration and edit).
//!
//! Not used where spans or the file system are not those of a compiler run:
//! rust-analyzer (no file paths), unit tests (no compiler).

extern crate proc_macro;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Bump when what is stored, or how it is emitted, changes.
const FORMAT: &str = "migrate-macros expansion cache 2";

/// The key of one expansion; `None` when the cache is not in use.
pub struct Key {
    /// Every part, each after its length: what an entry must hold to be
    /// this key's.
    key: Vec<u8>,
    /// The entry's file name: the key's hash.
    name: String,
    dir: PathBuf,
}

impl Key {
    /// The key of a `#[migration]` with these arguments on this module, in
    /// `file`, in a crate of this naming choice.
    pub fn new(args: &str, input: &str, file: &Path, naming: &str) -> Option<Key> {
        Key::of(
            "attribute",
            &[
                file.as_os_str().as_encoded_bytes(),
                naming.as_bytes(),
                args.as_bytes(),
                input.as_bytes(),
            ],
        )
    }

    /// The key of `what` made of `parts` by this build of the macros.
    pub fn of(what: &str, parts: &[&[u8]]) -> Option<Key> {
        let build = build_id()?;
        let dir = dir()?;
        let mut all: Vec<&[u8]> = vec![FORMAT.as_bytes(), build.as_bytes(), what.as_bytes()];
        all.extend_from_slice(parts);
        Some(Key::in_dir(dir, &all))
    }

    fn in_dir(dir: &Path, parts: &[&[u8]]) -> Key {
        let mut key = Vec::with_capacity(parts.iter().map(|p| p.len() + 8).sum());
        for p in parts {
            key.extend_from_slice(&(p.len() as u64).to_le_bytes());
            key.extend_from_slice(p);
        }
        Key {
            name: format!("{:016x}", hash(&key)),
            key,
            dir: dir.to_path_buf(),
        }
    }

    fn path(&self) -> PathBuf {
        self.dir.join(&self.name)
    }

    /// The stored expansion, when there is one, of this very key, and it
    /// reads back whole. An entry that does not (a write cut short, another
    /// key of the same hash) is removed, to be written again.
    pub fn get(&self) -> Option<String> {
        let path = self.path();
        let bytes = std::fs::read(&path).ok()?;
        let whole = (|| {
            let rest = bytes.strip_prefix(FORMAT.as_bytes())?.strip_prefix(b"\n")?;
            let (lengths, rest) = rest.split_at(rest.iter().position(|&b| b == b'\n')?);
            let rest = &rest[1..];
            let mut header = std::str::from_utf8(lengths).ok()?.split(' ');
            let key_len: usize = header.next()?.parse().ok()?;
            let body_len: usize = header.next()?.parse().ok()?;
            let sum = header.next()?;
            if rest.len() != key_len.checked_add(body_len)? {
                return None;
            }
            let (key, body) = rest.split_at(key_len);
            (key == self.key.as_slice() && sum == format!("{:016x}", hash(body)))
                .then(|| String::from_utf8(body.to_vec()).ok())
                .flatten()
        })();
        if whole.is_none() {
            let _ = std::fs::remove_file(&path);
        }
        whole
    }

    /// Stores an expansion; failures are ignored (the next build runs the
    /// analysis again). Written in place, once: a reader that comes upon a
    /// write in progress finds it incomplete (the hash of the body does not
    /// match), which is a miss; a second writer of the same key finds the
    /// file there and leaves it.
    pub fn put(&self, body: &str) {
        use std::io::Write;
        if !cfg!(test) && !incremental() {
            return;
        }
        let path = self.path();
        if !dir_made(&self.dir) {
            return;
        }
        let mut text = format!(
            "{FORMAT}\n{} {} {:016x}\n",
            self.key.len(),
            body.len(),
            hash(body.as_bytes())
        )
        .into_bytes();
        text.extend_from_slice(&self.key);
        text.extend_from_slice(body.as_bytes());
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path);
        if let Ok(mut file) = file {
            if file.write_all(&text).is_err() {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// Whether this compilation is incremental (`-C incremental=...`: cargo's
/// dev profile): the edit loop, where entries pay for themselves. Other
/// builds (release, `CARGO_INCREMENTAL=0`, CI from scratch) read entries
/// but write none: writing one file per migration costs a build from an
/// empty target directory more than the analysis it would later save.
fn incremental() -> bool {
    static INCREMENTAL: OnceLock<bool> = OnceLock::new();
    *INCREMENTAL.get_or_init(|| {
        let mut args = std::env::args_os();
        while let Some(a) = args.next() {
            let a = a.to_string_lossy().into_owned();
            let value = match a.strip_prefix("-C") {
                Some("") => args.next().map(|v| v.to_string_lossy().into_owned()),
                Some(v) => Some(v.to_string()),
                None => a.strip_prefix("--codegen=").map(str::to_string),
            };
            if value.is_some_and(|v| v.starts_with("incremental=")) {
                return true;
            }
        }
        false
    })
}

/// A 64-bit hash (std's SipHash): an entry's name, and the check of its
/// body (a file of the right length whose blocks never reached the disk
/// reads as zeros).
fn hash(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(bytes);
    hasher.finish()
}

/// Creates the cache directory, once per process and directory.
fn dir_made(dir: &Path) -> bool {
    use std::collections::BTreeSet;
    use std::sync::Mutex;
    static MADE: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());
    let Ok(mut made) = MADE.lock() else {
        return false;
    };
    if made.contains(dir) {
        return true;
    }
    let ok = std::fs::create_dir_all(dir).is_ok();
    if ok {
        made.insert(dir.to_path_buf());
    }
    ok
}

/// `<target>/<profile>/migrate-macros-cache`, from the `--out-dir` cargo
/// gives rustc (`<target>/<profile>/deps`): this macro runs inside rustc,
/// so its arguments are rustc's. `None` without cargo's layout or when
/// turned off.
fn dir() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        if std::env::var_os("MIGRATE_MACROS_NO_CACHE").is_some_and(|v| v != "0") {
            return None;
        }
        if !proc_macro::is_available() {
            return None;
        }
        let mut args = std::env::args_os();
        let mut out_dir = None;
        while let Some(a) = args.next() {
            if a == "--out-dir" {
                out_dir = args.next().map(PathBuf::from);
            } else if let Some(v) = a.to_str().and_then(|a| a.strip_prefix("--out-dir=")) {
                out_dir = Some(PathBuf::from(v));
            }
        }
        let out_dir = out_dir?;
        // Only cargo's `deps` directory: somewhere known to be the build's.
        if out_dir.file_name()? != "deps" {
            return None;
        }
        Some(out_dir.parent()?.join("migrate-macros-cache"))
    })
    .as_deref()
}

/// This proc-macro library as loaded: its path, size, modification time and
/// inode. `None` where it cannot be told (then nothing is cached).
fn build_id() -> Option<&'static str> {
    static ID: OnceLock<Option<String>> = OnceLock::new();
    ID.get_or_init(|| {
        let path = library_path()?;
        let meta = std::fs::metadata(&path).ok()?;
        let modified = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_nanos();
        #[cfg(unix)]
        let inode = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let inode = (0u64, 0u64);
        Some(format!(
            "{} {} {} {modified} {inode:?} {}",
            env!("CARGO_PKG_VERSION"),
            path.display(),
            meta.len(),
            migrate_core::encode::VERSION,
        ))
    })
    .as_deref()
}

/// The file this code was loaded from.
#[cfg(unix)]
fn library_path() -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    let here = library_path as fn() -> Option<PathBuf> as *const libc::c_void;
    // SAFETY: `dladdr` fills `info` for an address of a loaded object; the
    // name it points to lives as long as the object is loaded.
    let found = unsafe { libc::dladdr(here, &mut info) };
    if found == 0 || info.dli_fname.is_null() {
        return None;
    }
    let name = unsafe { std::ffi::CStr::from_ptr(info.dli_fname) };
    let path = PathBuf::from(std::ffi::OsStr::from_bytes(name.to_bytes()));
    path.is_absolute().then_some(path)
}

#[cfg(not(unix))]
fn library_path() -> Option<PathBuf> {
    None
}

#[cfg(test)]
mod tests {
    use super::Key;

    fn key(dir: &std::path::Path, parts: &[&[u8]]) -> Key {
        Key::in_dir(dir, parts)
    }

    #[test]
    fn an_entry_reads_back_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let k = key(dir.path(), &[b"module text"]);
        assert_eq!(k.get(), None);
        k.put("const _: () = {};\nwith a second line");
        assert_eq!(
            k.get().as_deref(),
            Some("const _: () = {};\nwith a second line")
        );
        // Another key does not read it.
        assert_eq!(key(dir.path(), &[b"module text 2"]).get(), None);
        // Truncated, altered, zeroed, or another key's entry under this
        // name: a miss.
        let path = k.path();
        let whole = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, &whole[..whole.len() - 3]).unwrap();
        assert_eq!(k.get(), None);
        std::fs::write(&path, whole.replace("second", "sec0nd")).unwrap();
        assert_eq!(k.get(), None);
        let zeroed = whole.len() - "with a second line".len();
        std::fs::write(&path, format!("{}{}", &whole[..zeroed], "\0".repeat(18))).unwrap();
        assert_eq!(k.get(), None);
        let other = key(dir.path(), &[b"other"]);
        other.put("x");
        std::fs::copy(other.path(), &path).unwrap();
        assert_eq!(k.get(), None);
        // The entry that did not read was removed: written again, it reads.
        assert!(!path.exists());
        k.put("y");
        assert_eq!(k.get().as_deref(), Some("y"));
        // A second write of a key leaves the first.
        k.put("z");
        assert_eq!(k.get().as_deref(), Some("y"));
    }

    #[test]
    fn a_key_reads_only_its_own_entry_even_under_the_same_name() {
        let dir = tempfile::tempdir().unwrap();
        let a = key(dir.path(), &[b"module a"]);
        let mut b = key(dir.path(), &[b"module b"]);
        // As if the two hashed alike.
        b.name = a.name.clone();
        a.put("a's expansion");
        assert_eq!(b.get(), None);
        b.put("b's expansion");
        assert_eq!(b.get().as_deref(), Some("b's expansion"));
        assert_eq!(a.get(), None);
    }

    #[test]
    fn parts_are_not_joined_ambiguously() {
        let dir = std::path::Path::new("/nowhere");
        assert_ne!(key(dir, &[b"ab", b"c"]).key, key(dir, &[b"a", b"bc"]).key);
        assert_ne!(key(dir, &[b"ab", b"c"]).name, key(dir, &[b"a", b"bc"]).name);
        assert_ne!(key(dir, &[b"abcdefgh"]).key, key(dir, &[b"abcdefgh\0"]).key);
    }
}
