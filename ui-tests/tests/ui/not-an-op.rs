use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod code {
    fn upgrade() {
        op!(create_table("users", Column("id", Integer, primary_key = true)));
        let table = "users";
        println!("{table}");
        op!();
        op!(create_index("ix_a", "users", ["id"]), create_index("ix_b", "users", ["id"]));
    }
}

fn main() {}
