use migrate_runtime::{migration, op};

migrate_runtime::migrations!();

#[migration(revision = "a1", down_revision = None)]
mod types {
    fn upgrade() {
        op!(create_table(
            "products",
            Column("id", Integer, primary_key = true),
            Column("price", Decimal(10, 2)),
            Column("name", String(0)),
            Column("ratio", Numeric(2, 5)),
            Column("flag", Boolean(true)),
            Column("kind", Enum("a", "b")),
        ));
    }
}

fn main() {}
