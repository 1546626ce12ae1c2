// Example 8 of the seeds, with the upgrade stating the column it drops: the
// downgrade re-creates it with another length.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "b2", down_revision = None, allow(destructive))]
mod drop_legacy_code {
    fn upgrade() {
        op!(drop_column("products", Column("legacy_code", String(20), nullable = true)));
    }

    fn downgrade() {
        op!(add_column("products", Column("legacy_code", String(30), nullable = true)));
    }
}

fn main() {}
