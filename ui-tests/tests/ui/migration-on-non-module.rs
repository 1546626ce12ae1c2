// `#[migration]` put on a function or a struct (with a doc comment above it):
// the error points at the item, not at its doc comment.
use migrate_runtime::migration;

migrate_runtime::migrations!();

/// create users
/// with a second line
#[migration(revision = "1a2b3c4d5e6f", down_revision = None)]
pub fn create_users() {}

/// add orders
#[migration(revision = "2b3c4d5e6f7a", down_revision = "1a2b3c4d5e6f")]
struct AddOrders;

/// an import
#[migration(revision = "3c4d5e6f7a8b", down_revision = "2b3c4d5e6f7a")]
#[allow(unused_imports)]
use std::fmt;

fn main() {}
