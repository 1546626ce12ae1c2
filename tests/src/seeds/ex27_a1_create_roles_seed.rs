//! Example 27, first form: `op.bulk_insert` into the table this migration
//! creates.

use migrate_runtime::{migration, op};

/// create roles table with seed data
#[migration(revision = "ex27_a1", down_revision = None, branch = "ex27")]
mod create_roles_with_seed_data {
    fn upgrade() {
        op!(create_table(
            "roles",
            Column("id", Integer, primary_key = true, autoincrement = true),
            Column("name", String(50), nullable = false, unique = true),
            Column("description", String(255), nullable = true),
        ));
        op!(bulk_insert(
            "roles",
            [
                {"id": 1, "name": "admin", "description": "Full system access"},
                {"id": 2, "name": "manager", "description": "Department management access"},
                {"id": 3, "name": "user", "description": "Standard user access"},
                {"id": 4, "name": "readonly", "description": "Read-only access"},
            ],
        ));
    }

    fn downgrade() {
        // also deletes the seed data
        op!(drop_table("roles"));
    }
}
