// SQLAlchemy spellings pasted from an Alembic migration.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod pasted {
    fn upgrade() {
        op!(create_table(
            "users",
            sa.Column("id", sa.Integer, primary_key = true),
            Column("name", sa.String(50)),
            Column("data", postgresql.JSONB),
            Column("code", sa.VARCHAR(20)),
            Column("at", DateTime, server_default = sa.func.now()),
        ));
        op!(op.add_column("users", Column("age", Integer)));
    }
}

fn main() {}
