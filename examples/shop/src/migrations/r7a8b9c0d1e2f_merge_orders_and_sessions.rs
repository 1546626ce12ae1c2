use migrate_runtime::migration;

/// merge the orders branch
#[migration(revision = "7a8b9c0d1e2f", down_revision = ["4d5e6f7a8b9c", "6f7a8b9c0d1e"])]
mod merge_orders_and_sessions {
    fn upgrade() {}
}
