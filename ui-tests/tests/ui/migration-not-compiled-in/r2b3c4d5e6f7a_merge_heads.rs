use migrate_runtime::migration;

/// merge heads
mod merge_heads {
    fn upgrade() {}
}
