//! Example 26: a junction table with a composite primary key (left unnamed:
//! the convention names it `pk_user_roles`).

use migrate_runtime::{migration, op};

/// create user_roles junction table
#[migration(revision = "ex26_b2", down_revision = "ex26_a1")]
mod create_user_roles {
    fn upgrade() {
        op!(create_table(
            "user_roles",
            Column("user_id", Integer, nullable = false),
            Column("role_id", Integer, nullable = false),
            // the FK pair is the natural key
            PrimaryKeyConstraint("user_id", "role_id"),
            ForeignKeyConstraint(
                ["user_id"],
                ["users.id"],
                name = "fk_user_roles_user_id",
                ondelete = "CASCADE"
            ),
            ForeignKeyConstraint(
                ["role_id"],
                ["roles.id"],
                name = "fk_user_roles_role_id",
                ondelete = "CASCADE"
            ),
        ));
        // reverse lookups: which users have role X?
        op!(create_index(
            "ix_user_roles_role_id",
            "user_roles",
            ["role_id"],
            unique = false
        ));
    }

    fn downgrade() {
        op!(drop_index(
            "ix_user_roles_role_id",
            table_name = "user_roles"
        ));
        op!(drop_table("user_roles"));
    }
}
