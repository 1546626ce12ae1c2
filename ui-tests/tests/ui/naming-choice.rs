// `naming` takes the two choices there are; a typo is named with both.
migrate_runtime::migrations!(naming = "databse");

fn main() {}
