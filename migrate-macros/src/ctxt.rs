//! Error accumulation: every problem of a migration is reported in one build.

use migrate_core::model::{ConstraintType, TableRef};
use migrate_core::naming::Naming;
use proc_macro2::Span;
use std::cell::RefCell;
use std::fmt::Display;

/// Collects errors; `check` hands them over. Dropping it unchecked is a bug in
/// this crate (never in user input), so it is caught loudly in our tests.
pub struct Ctxt {
    errors: RefCell<Option<Vec<syn::Error>>>,
    /// The crate's `migrations!(naming = "...")`: how unnamed constraints
    /// are named while lowering.
    naming: Naming,
    /// Where a `drop_constraint` without `type_` finds the constraint's kind:
    /// the schema the crate's earlier migrations build (by table and name).
    prior: RefCell<Option<Prior>>,
    /// Lowering another migration to replay it: a missing `type_` is not
    /// looked up (the replay drops by name).
    replaying: bool,
}

/// A lookup of a constraint's kind in the schema before the migration.
pub type Prior = Box<dyn Fn(&TableRef, &str) -> Option<ConstraintType>>;

impl Ctxt {
    pub fn new() -> Self {
        Ctxt {
            errors: RefCell::new(Some(Vec::new())),
            naming: Naming::Convention,
            prior: RefCell::new(None),
            replaying: false,
        }
    }

    /// A context for lowering another migration of the crate to replay it.
    pub fn replaying(naming: Naming) -> Self {
        let mut cx = Ctxt::with_naming(naming);
        cx.replaying = true;
        cx
    }

    pub fn set_prior(&self, prior: Prior) {
        *self.prior.borrow_mut() = Some(prior);
    }

    /// The kind of constraint `name` of `table` before this migration:
    /// `Err(())` while replaying (any kind does).
    pub fn prior_kind(&self, table: &TableRef, name: &str) -> Result<Option<ConstraintType>, ()> {
        if self.replaying {
            return Err(());
        }
        Ok(self.prior.borrow().as_ref().and_then(|f| f(table, name)))
    }

    pub fn with_naming(naming: Naming) -> Self {
        let mut cx = Ctxt::new();
        cx.naming = naming;
        cx
    }

    pub fn naming(&self) -> Naming {
        self.naming
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
