//! Procedural macros of `migrate-runtime`; use them through that crate, which
//! re-exports them with their documentation.

mod ast;
mod cache;
mod chain;
mod ctxt;
mod expand;
mod parse;
mod registry;
mod sources;
mod valid;

#[cfg(test)]
mod no_panic;

use proc_macro::TokenStream;

/// Declares a migration. See `migrate_runtime::migration`.
#[proc_macro_attribute]
pub fn migration(args: TokenStream, input: TokenStream) -> TokenStream {
    let key = expand::cache_key(&args, &input);
    if let Some(out) = key.as_ref().and_then(|k| expand::cached(k, &input)) {
        return out;
    }
    expand::migration_with(args.into(), input.into(), key.as_ref()).into()
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
