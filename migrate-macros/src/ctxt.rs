//! Error accumulation: every problem of a migration is reported in one build.

use migrate_core::model::{ConstraintType, Op, Str, TableRef};
use migrate_core::naming::{self, Naming};
use migrate_core::schema::Schema;
use proc_macro2::Span;
use std::cell::{Cell, OnceCell, RefCell};
use std::fmt::Display;
use std::path::PathBuf;

/// Collects errors; `check` hands them over. Dropping it unchecked is a bug in
/// this crate (never in user input), so it is caught loudly in our tests.
pub struct Ctxt {
    errors: RefCell<Option<Vec<syn::Error>>>,
    /// The crate's `migrations!(naming = "...")`: how unnamed constraints
    /// are named while lowering.
    naming: Naming,
    /// The migration's file and parents: where the schema before it is read
    /// from, when an op needs it (a `drop_constraint` without `type_`, a
    /// name PostgreSQL would choose clear of the names already there).
    prior_source: RefCell<Option<(PathBuf, Vec<String>)>>,
    prior: OnceCell<Option<Schema>>,
    /// The ops lowered so far, in order: the schema before the next one is
    /// the prior schema with these applied.
    lowered: RefCell<Vec<Op>>,
    /// Lowering another migration to replay it: nothing is looked up.
    replaying: bool,
    /// The op being lowered creates what it names.
    creating: Cell<bool>,
    /// The directory of the migration's source file: where `execute(file =
    /// "...")` paths start. `None` where the compiler does not say.
    source_dir: RefCell<Option<PathBuf>>,
    /// The SQL files read (`execute(file = ...)`), for the build to track.
    files_read: RefCell<Vec<PathBuf>>,
    /// A language server, which gives no file paths: SQL files are not read.
    sql_files_unknown: Cell<bool>,
}

impl Ctxt {
    pub fn new() -> Self {
        Ctxt {
            errors: RefCell::new(Some(Vec::new())),
            naming: Naming::Convention,
            prior_source: RefCell::new(None),
            prior: OnceCell::new(),
            lowered: RefCell::new(Vec::new()),
            replaying: false,
            creating: Cell::new(false),
            source_dir: RefCell::new(None),
            files_read: RefCell::new(Vec::new()),
            sql_files_unknown: Cell::new(false),
        }
    }

    /// A context for lowering another migration of the crate to replay it.
    pub fn replaying(naming: Naming) -> Self {
        let mut cx = Ctxt::with_naming(naming);
        cx.replaying = true;
        cx
    }

    pub fn with_naming(naming: Naming) -> Self {
        let mut cx = Ctxt::new();
        cx.naming = naming;
        cx
    }

    pub fn naming(&self) -> Naming {
        self.naming
    }

    /// Where the schema before this migration comes from.
    pub fn set_prior_source(&self, file: PathBuf, parents: Vec<String>) {
        *self.prior_source.borrow_mut() = Some((file, parents));
    }

    /// The migration's source file: `execute(file = "...")` paths are
    /// relative to its directory.
    pub fn set_source_file(&self, file: &std::path::Path) {
        *self.source_dir.borrow_mut() = file.parent().map(std::path::Path::to_path_buf);
    }

    /// No file path is known here (a language server): `execute(file =
    /// ...)` lowers to a placeholder instead of an error.
    pub fn sql_files_unknown(&self) {
        self.sql_files_unknown.set(true);
    }

    /// Whether the expansion depended on other migrations' files (the
    /// schema before this one was read): then it is not cached.
    pub fn read_other_migrations(&self) -> bool {
        self.prior.get().is_some()
    }

    /// The files `execute(file = ...)` read, for the build to track.
    pub fn files_read(&self) -> Vec<PathBuf> {
        self.files_read.borrow().clone()
    }

    /// The text of the SQL file `rel` (`execute(file = "...")`), relative to
    /// the migration's source directory, line endings normalised
    /// ([`migrate_core::sqltext::sql_file_text`]). While replaying another
    /// migration, only a placeholder: its SQL is opaque to the model, and the
    /// attribute reads (and reports on) the file itself.
    pub fn sql_file(&self, rel: &str, span: Span) -> Option<String> {
        if self.replaying || self.sql_files_unknown.get() {
            return Some(format!("-- the SQL of {rel}"));
        }
        let Some(dir) = self.source_dir.borrow().clone() else {
            self.error(
                span,
                format!("cannot read the SQL file `{rel}`: the compiler did not say where this migration's source file is on disk (a remapped source path?)"),
                Some("build without `--remap-path-prefix`, or write the SQL inline: `execute(\"...\")`"),
            );
            return None;
        };
        let path = dir.join(rel);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                let why = match e.kind() {
                    std::io::ErrorKind::NotFound => "no such file".to_string(),
                    _ => e.to_string(),
                };
                self.error(
                    span,
                    format!("cannot read the SQL file `{rel}`: tried {} ({why})", path.display()),
                    Some("the path is relative to the directory of this migration's source file (as for `include_str!`): create the file there or correct the path"),
                );
                return None;
            }
        };
        self.files_read.borrow_mut().push(path.clone());
        match migrate_core::sqltext::sql_file_text(&bytes) {
            Ok(text) => Some(text),
            Err(migrate_core::sqltext::SqlFileError::NotUtf8 { line, column }) => {
                self.error(
                    span,
                    format!("the SQL file `{rel}` ({}) is not UTF-8 text: line {line}, column {column} is not a UTF-8 character", path.display()),
                    Some("save the file as UTF-8"),
                );
                None
            }
            Err(migrate_core::sqltext::SqlFileError::Empty) => {
                self.error(
                    span,
                    format!("the SQL file `{rel}` ({}) is empty", path.display()),
                    Some("write the SQL in the file, or remove this `execute`"),
                );
                None
            }
        }
    }

    pub fn set_creating(&self, creating: bool) {
        self.creating.set(creating);
    }

    /// An op lowered: the ones after it see its effect.
    pub fn lowered(&self, op: &Op) {
        if !self.replaying {
            self.lowered.borrow_mut().push(op.clone());
        }
    }

    /// The schema before the op being lowered: the crate's earlier
    /// migrations', then this one's ops so far. `None` while replaying or
    /// when the crate's files cannot be read.
    fn schema_now(&self) -> Option<Schema> {
        if self.replaying {
            return None;
        }
        let prior = self.prior.get_or_init(|| {
            let source = self.prior_source.borrow().clone()?;
            crate::sources::schema_before(&source.0, &source.1, self.naming)
        });
        let mut schema = prior.clone()?;
        for op in self.lowered.borrow().iter() {
            let _ = schema.apply(op);
        }
        Some(schema)
    }

    /// The kind of constraint `name` of `table` before this op: `Err(())`
    /// while replaying (any kind does).
    pub fn prior_kind(&self, table: &TableRef, name: &str) -> Result<Option<ConstraintType>, ()> {
        if self.replaying {
            return Err(());
        }
        Ok(self
            .schema_now()
            .and_then(|s| s.table(table).and_then(|t| t.constraint_type(name))))
    }

    /// An unnamed primary key's name.
    pub fn primary_key_name(&self, table: &TableRef) -> String {
        match self.naming {
            Naming::Convention => naming::primary_key(&table.name),
            Naming::Database => self.clear_of_others(table, None, "pkey", true),
        }
    }

    /// An unnamed unique constraint's name.
    pub fn unique_name<S: AsRef<str>>(&self, table: &TableRef, columns: &[S]) -> String {
        match self.naming {
            Naming::Convention => naming::unique(&table.name, columns),
            Naming::Database => {
                let addition = naming::database::addition(columns);
                self.clear_of_others(table, Some(&addition), "key", true)
            }
        }
    }

    /// An unnamed foreign key's name.
    pub fn foreign_key_name<S: AsRef<str>>(
        &self,
        table: &TableRef,
        columns: &[S],
        referent: &str,
    ) -> String {
        match self.naming {
            Naming::Convention => naming::foreign_key(&table.name, columns, referent),
            Naming::Database => {
                let addition = naming::database::addition(columns);
                self.clear_of_others(table, Some(&addition), "fkey", false)
            }
        }
    }

    /// The name PostgreSQL gives, clear of the names already in the table's
    /// schema: of relations (tables, indexes, and the keys' indexes) for a
    /// key, of constraints for every kind.
    fn clear_of_others(
        &self,
        table: &TableRef,
        addition: Option<&str>,
        label: &str,
        relation: bool,
    ) -> String {
        let taken = match self.creating.get() {
            true => self
                .schema_now()
                .map(|s| taken_names(&s, &table.schema, relation))
                .unwrap_or_default(),
            false => Vec::new(),
        };
        naming::database::unused(&table.name, addition, label, |n| {
            taken.iter().any(|t| t == n)
        })
    }

    /// The names an unnamed check of `table` must keep clear of.
    pub fn taken_constraint_names(&self, table: &TableRef) -> Vec<String> {
        match self.naming {
            Naming::Convention => Vec::new(),
            Naming::Database if !self.creating.get() => Vec::new(),
            Naming::Database => self
                .schema_now()
                .map(|s| taken_names(&s, &table.schema, false))
                .unwrap_or_default(),
        }
    }

    /// An error with the fix on a `help:` line.
    pub fn error(&self, span: Span, message: impl Display, help: Option<&str>) {
        let text = match help {
            Some(h) => format!("{message}\nhelp: {h}"),
            None => message.to_string(),
        };
        self.push(syn::Error::new(span, text));
    }

    pub fn push(&self, e: syn::Error) {
        if let Some(errors) = self.errors.borrow_mut().as_mut() {
            errors.extend(e);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.errors.borrow().as_ref().is_some_and(|e| !e.is_empty())
    }

    /// All errors combined into one, or `Ok` when there were none.
    pub fn check(self) -> Result<(), syn::Error> {
        let errors = self.errors.borrow_mut().take().unwrap_or_default();
        let mut iter = errors.into_iter();
        match iter.next() {
            None => Ok(()),
            Some(mut first) => {
                for e in iter {
                    first.combine(e);
                }
                Err(first)
            }
        }
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if !std::thread::panicking() && self.errors.borrow().is_some() {
            debug_assert!(false, "Ctxt dropped without check()");
        }
    }
}

/// The names in `schema`'s namespace PostgreSQL checks a new name against:
/// every constraint's, and with `relation` also every table's and index's.
fn taken_names(s: &Schema, schema: &Option<Str>, relation: bool) -> Vec<String> {
    let mut out = Vec::new();
    for t in s.tables().filter(|t| t.table.schema == *schema) {
        if relation {
            out.push(t.table.name.to_string());
            out.extend(t.indexes.iter().map(|i| i.name.to_string()));
        }
        out.extend(t.constraints.iter().map(|c| c.name.to_string()));
        for c in &t.columns {
            out.extend(c.unique.iter().map(|u| u.to_string()));
            out.extend(c.foreign_key.iter().map(|f| f.name.to_string()));
        }
    }
    out
}
