use migrate_runtime::op;

fn main() {
    op!(create_table("users", Column("id", Integer, primary_key = true)));
}
