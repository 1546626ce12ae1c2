use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod typo {
    fn upgrade() {
        op!(create_tabel("users", Column("id", Integer, primary_key = true)));
        op!(frobnicate("users"));
    }
}

fn main() {}
