// A misspelt column type: the nearest one is suggested.
use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod types {
    fn upgrade() {
        op!(create_table(
            "products",
            Column("id", Integr, primary_key = true),
            Column("name", Varchar(50)),
            Column("at", Datetime(timezone = true)),
            Column("blob", Whatever),
        ));
    }
}

fn main() {}
