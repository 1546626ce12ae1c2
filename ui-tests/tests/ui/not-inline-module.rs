use migrate_runtime::migration;

migrate_runtime::migrations!();

#[migration(revision = "1a2b3c4d5e6f", down_revision = None)]
fn upgrade() {}

#[migration(revision = "2b3c4d5e6f7a", down_revision = None, branch = "x")]
mod no_upgrade {
    fn downgrade() {}
}

#[migration(revision = "3c4d5e6f7a8b", down_revision = None, branch = "y")]
mod bad_signature {
    fn upgrade(conn: &mut ()) {}
}

fn main() {}
