use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod backfill_roles {
    fn upgrade() {
        op!(run(backfill));
    }

    fn downgrade() {
        op!(run(undo));
    }

    fn backfill(_conn: &mut migrate_runtime::Connection<'_>) {}

    fn undo(_conn: &mut migrate_runtime::Connection<'_>) -> migrate_runtime::RunResult {
        Ok(())
    }
}

#[migration(revision = "b2", down_revision = "a1", irreversible)]
mod missing_function {
    fn upgrade() {
        op!(run(does_not_exist));
    }
}

fn main() {}
