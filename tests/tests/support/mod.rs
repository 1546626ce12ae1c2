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
