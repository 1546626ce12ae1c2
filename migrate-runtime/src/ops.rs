//! The operation model: what migrations do, as data. `#[migration]` builds these
//! values at compile time; offline SQL, checksums and the schema model read them.

pub use migrate_core::checksum::{checksum, Checksum};
pub(crate) use migrate_core::checksum::{StoredChecksum, ENCODING_VERSION};
pub use migrate_core::model::*;
pub use migrate_core::naming;
