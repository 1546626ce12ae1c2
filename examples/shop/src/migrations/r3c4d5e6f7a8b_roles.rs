use migrate_runtime::{migration, op};

/// add roles and the user_roles junction table
#[migration(revision = "3c4d5e6f7a8b", down_revision = "2b3c4d5e6f7a")]
mod roles {
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
            ]
        ));
        op!(create_table(
            "user_roles",
            Column("user_id", Integer, nullable = false),
            Column("role_id", Integer, nullable = false),
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
        op!(create_index(
            "ix_user_roles_role_id",
            "user_roles",
            ["role_id"]
        ));
    }
}
