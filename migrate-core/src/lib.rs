//! Internal crate of `migrate-runtime`: the operation model and the analyses
//! that both the `#[migration]` macro (at compile time) and the runtime use.
//! Depend on `migrate-runtime`, which re-exports what users need from here.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod checksum;
pub mod difference;
pub mod effect;
pub mod encode;
pub mod graph;
pub mod ids;
pub mod inverse;
pub mod model;
pub mod naming;
pub mod schema;
pub mod source;
pub mod sqltext;
pub mod suggest;
