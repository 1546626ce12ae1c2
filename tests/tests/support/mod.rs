//! Raw SQL on either database, for the integration tests (shared by the test
//! binaries that `mod support;` it; not every binary uses every helper).
#![allow(dead_code)]

use diesel::connection::SimpleConnection;
use diesel::RunQueryDsl;
use migrate_runtime::Database;

#[derive(diesel::QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    value: Option<String>,
}

/// The first column (named `value`) of every row, as text. On MySQL,
/// whose `CAST` has no `TEXT`, the tests' `CAST(... AS TEXT)` is read as
/// `CAST(... AS CHAR)`.
pub fn texts(db: &mut Database, sql: &str) -> Vec<Option<String>> {
    let rows: Vec<Text> = match db {
        Database::Postgres(c) => diesel::sql_query(sql).load(c),
        Database::Sqlite(c) => diesel::sql_query(sql).load(c),
        Database::Mysql(c) => diesel::sql_query(sql.replace(" AS TEXT)", " AS CHAR)")).load(c),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.into_iter().map(|r| r.value).collect()
}

/// The first row's `value`, or "" when there is none.
pub fn one(db: &mut Database, sql: &str) -> String {
    texts(db, sql)
        .into_iter()
        .next()
        .flatten()
        .unwrap_or_default()
}

pub fn exec(db: &mut Database, sql: &str) {
    try_exec(db, sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

pub fn try_exec(db: &mut Database, sql: &str) -> Result<(), diesel::result::Error> {
    match db {
        Database::Postgres(c) => c.batch_execute(sql),
        Database::Sqlite(c) => c.batch_execute(sql),
        Database::Mysql(c) => c.batch_execute(sql),
    }
}

/// `on_both!(a, b)`: tests `sqlite::a`, `postgres::a`, ... each calling
/// `a(TestDatabase)` on a fresh database of its kind (`#[macro_use] mod
/// support;`).
#[allow(unused_macros)]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { super::$name(migrate_runtime::testing::TestDatabase::sqlite()) })*
        }
        mod postgres {
            $(#[test] fn $name() { super::$name(migrate_runtime::testing::TestDatabase::postgres()) })*
        }
    };
}

/// `on_mysql!(a, b)`: tests `mysql::a`, ... each calling `a(TestDatabase)`
/// on a fresh MySQL/MariaDB database.
#[allow(unused_macros)]
macro_rules! on_mysql {
    ($($name:ident),* $(,)?) => {
        mod mysql {
            $(#[test] fn $name() { super::$name(migrate_runtime::testing::TestDatabase::mysql()) })*
        }
    };
}

/// Differences as the lines `check` and the testing toolkit print.
pub fn lines(differences: Vec<migrate_runtime::Difference>) -> Vec<String> {
    differences.iter().map(ToString::to_string).collect()
}

/// The shop's head, which the generated migrations of
/// [`build_and_run_with_the_shop`] follow.
pub const SHOP_HEAD: &str = "8b9c0d1e2f3a";

/// Builds the shop's migrations and `generated` (each a name and the body of
/// its `fn upgrade()` as autogenerate writes it; the file gets revision
/// `g<index>` after the shop's head, on a branch of its name) into one
/// program, with every compile-time check and warnings denied, whose
/// `fn main()` body is `main` (`migrations()` is in scope); then runs it.
/// trybuild builds in one project directory per crate: one run at a time.
pub fn build_and_run_with_the_shop(generated: &[(String, String)], main: &str) {
    use std::fmt::Write;
    let dir = tempfile::tempdir().unwrap();
    let shop = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/shop/src/migrations/mod.rs"
    );
    let mut program = format!(
        "#![deny(warnings)]\nmigrate_runtime::migrations!();\n#[path = {shop:?}]\nmod migrations;\n"
    );
    for (i, (name, body)) in generated.iter().enumerate() {
        let file = dir.path().join(format!("{name}.rs"));
        std::fs::write(
            &file,
            format!(
                "use migrate_runtime::{{migration, op}};\n\n/// {name}\n#[migration(revision = \"g{i:02}\", down_revision = {SHOP_HEAD:?}, branch = {name:?})]\nmod {name} {{\n    fn upgrade() {{\n{body}    }}\n}}\n"
            ),
        )
        .unwrap();
        writeln!(
            program,
            "mod g{i:02} {{\n    include!({:?});\n}}",
            file.display().to_string()
        )
        .unwrap();
    }
    write!(program, "fn main() {{\n{main}}}\n").unwrap();
    let main_file = dir.path().join("generated.rs");
    std::fs::write(&main_file, program).unwrap();
    trybuild_pass(&main_file);
}

/// trybuild builds and runs the program `main`, which must pass; one at a
/// time (trybuild builds in one project directory per test crate).
#[allow(dead_code)]
pub fn trybuild_pass(main: &std::path::Path) {
    static TRYBUILD: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = TRYBUILD.lock().unwrap_or_else(|e| e.into_inner());
    trybuild::TestCases::new().pass(main);
}

/// An adoption test's databases: `(kind, partway, head, empty)`.
#[allow(dead_code)]
pub type AdoptionCase<'a> = (
    &'a str,
    &'a migrate_runtime::testing::TestDatabase,
    &'a migrate_runtime::testing::TestDatabase,
    &'a migrate_runtime::testing::TestDatabase,
);

/// A kind of database an adoption test runs on, and how to start one.
#[allow(dead_code)]
pub type DatabaseKind = (&'static str, fn() -> migrate_runtime::testing::TestDatabase);

/// A program for the adoption tests (`import_diesel`, `import_sqlx`) that
/// runs `checks` on each `(kind, partway, head, empty)` database with the
/// imported `migrations()`: in scope are `m` (the migrator), `conn` (connected
/// to `partway`), `exec`, and `snapshot(url)`, which leaves out our version
/// table and `foreign_table`, the table of the tool adopted from.
pub fn adoption_program(cases: &[AdoptionCase], foreign_table: &str, checks: &str) -> String {
    let cases: Vec<String> = cases
        .iter()
        .map(|(kind, partway, head, empty)| {
            format!(
                "({kind:?}, {:?}, {:?}, {:?})",
                partway.url(),
                head.url(),
                empty.url()
            )
        })
        .collect();
    format!(
        r#"#![deny(warnings)]
migrate_runtime::migrations!();
mod migrations;

fn exec(db: &mut migrate_runtime::Database, sql: &str) {{
    use diesel::connection::SimpleConnection;
    match db {{
        migrate_runtime::Database::Postgres(c) => c.batch_execute(sql),
        migrate_runtime::Database::Sqlite(c) => c.batch_execute(sql),
        migrate_runtime::Database::Mysql(c) => c.batch_execute(sql),
    }}
    .unwrap()
}}

fn main() {{
    use migrate_runtime::testing::Snapshot;
    use migrate_runtime::{{Database, Migrator}};
    let tables = ["migrate_revisions", {foreign_table:?}];
    let snapshot = |url: &str| {{
        let s = Snapshot::capture(&mut Database::connect(url).unwrap()).unwrap();
        tables.iter().fold(s, |s, t| s.without_table(t))
    }};
    for (kind, partway, head, empty) in [{cases}] {{
        let m = Migrator::new(migrations()).unwrap();
        let mut conn = Database::connect(partway).unwrap();
{checks}    }}
}}
"#,
        cases = cases.join(", ")
    )
}

/// Writes [`adoption_program`] as `krate`'s `src/main.rs` and has trybuild
/// build and run it.
#[allow(dead_code)]
pub fn run_adoption_program(
    krate: &std::path::Path,
    cases: &[AdoptionCase],
    foreign_table: &str,
    checks: &str,
) {
    let main = krate.join("src/main.rs");
    std::fs::write(&main, adoption_program(cases, foreign_table, checks)).unwrap();
    trybuild_pass(&main);
}

/// Writes the `files` (path under `dir`, text) of a program that is not
/// part of the workspace, leaving those already so (cargo then has nothing
/// to rebuild), and builds it with cargo into `target`: `what` names it if
/// the build fails.
pub fn build_program(
    dir: &std::path::Path,
    files: &[(&str, &str)],
    target: &std::path::Path,
    what: &str,
) {
    for (file, text) in files {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        if std::fs::read_to_string(&path).ok().as_deref() != Some(*text) {
            std::fs::write(&path, text).unwrap();
        }
    }
    let out = std::process::Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "building {what} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
