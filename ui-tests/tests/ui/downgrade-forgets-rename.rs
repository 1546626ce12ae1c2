// upgrade() renames a column; the written downgrade() forgets to rename it back.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod users {
    fn upgrade() {
        op!(create_table(
            "users",
            Column("id", Integer, primary_key = true),
            Column("name", String(50)),
        ));
    }
}

#[migration(revision = "b2", down_revision = "a1")]
mod rename_name {
    fn upgrade() {
        op!(alter_column("users", "name", new_column_name = "full_name"));
        op!(create_index("ix_users_id", "users", ["id"]));
    }

    fn downgrade() {
        op!(drop_index("ix_users_id", table_name = "users"));
    }
}

#[migration(revision = "c3", down_revision = "b2")]
mod rename_users {
    fn upgrade() {
        op!(rename_table("users", "people"));
    }

    fn downgrade() {}
}

fn main() {}
