//! Procedural macros of `migrate-runtime`; use them through that crate, which
//! re-exports them with their documentation.

mod ast;
mod chain;
mod ctxt;
mod expand;
mod parse;
mod sources;
mod valid;

#[cfg(test)]
mod no_panic;

use proc_macro::TokenStream;

/// Declares a migration. See `migrate_runtime::migration`.
#[proc_macro_attribute]
pub fn migration(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::migration(args.into(), input.into()).into()
}

/// The items of `migrate_runtime::dsl`, one per op of the op table.
#[doc(hidden)]
#[proc_macro]
pub fn __dsl_docs(input: TokenStream) -> TokenStream {
    expand::dsl_docs(input.into()).into()
}

/// The anchor at the crate root. See `migrate_runtime::migrations`.
#[proc_macro]
pub fn migrations(input: TokenStream) -> TokenStream {
    expand::anchor(input.into()).into()
}
