//! The shop's `schema.rs`, as `print-schema` writes it, in use: diesel
//! compiles it, and typed queries over it (a join over a foreign key, an
//! insert into the table with the enum column) run against a database
//! migrated to the head. The files compiled are the committed golden files,
//! which `tests/print_schema.rs` checks equal to `print_schema`'s output (and
//! `scripts/diesel-golden.sh` to `diesel print-schema`'s).

use diesel::deserialize::{self, FromSql};
use diesel::prelude::*;
use diesel::serialize::{self, IsNull, Output, ToSql};
use migrate_runtime::testing::TestDatabase;
use migrate_runtime::{Database, Migrator};

#[allow(dead_code)]
#[path = "../../../tests/golden/shop.postgres.schema.rs"]
mod pg;

#[allow(dead_code)]
#[path = "../../../tests/golden/shop.sqlite.schema.rs"]
mod lite;

/// `orders.status`: PostgreSQL's `order_status` enum (the `sql_types` struct
/// `print-schema` declares), SQLite's `Text`.
#[derive(
    Debug, Clone, Copy, PartialEq, diesel::expression::AsExpression, diesel::deserialize::FromSqlRow,
)]
#[diesel(sql_type = pg::sql_types::OrderStatus)]
#[diesel(sql_type = diesel::sql_types::Text)]
enum Status {
    Pending,
    Shipped,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Shipped => "shipped",
        }
    }

    fn parse(s: &[u8]) -> deserialize::Result<Self> {
        match s {
            b"pending" => Ok(Status::Pending),
            b"shipped" => Ok(Status::Shipped),
            other => Err(format!("unexpected status {:?}", String::from_utf8_lossy(other)).into()),
        }
    }
}

// `print-schema` derives only `SqlType`, as `diesel print-schema` does
// without a `diesel.toml`; a bound value of the type in a query that diesel
// caches needs `QueryId` too (what `custom_type_derives` in `diesel.toml` adds).
impl diesel::query_builder::QueryId for pg::sql_types::OrderStatus {
    type QueryId = Self;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl ToSql<pg::sql_types::OrderStatus, diesel::pg::Pg> for Status {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, diesel::pg::Pg>) -> serialize::Result {
        use std::io::Write;
        out.write_all(self.as_str().as_bytes())?;
        Ok(IsNull::No)
    }
}

impl FromSql<pg::sql_types::OrderStatus, diesel::pg::Pg> for Status {
    fn from_sql(value: diesel::pg::PgValue<'_>) -> deserialize::Result<Self> {
        Status::parse(value.as_bytes())
    }
}

impl ToSql<diesel::sql_types::Text, diesel::sqlite::Sqlite> for Status {
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, diesel::sqlite::Sqlite>) -> serialize::Result {
        out.set_value(self.as_str());
        Ok(IsNull::No)
    }
}

impl FromSql<diesel::sql_types::Text, diesel::sqlite::Sqlite> for Status {
    fn from_sql(value: diesel::sqlite::SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let text =
            <String as FromSql<diesel::sql_types::Text, diesel::sqlite::Sqlite>>::from_sql(value)?;
        Status::parse(text.as_bytes())
    }
}

fn migrated(db: &TestDatabase) -> Database {
    let mut conn = db.connect();
    Migrator::new(shop::migrations())
        .unwrap()
        .upgrade(&mut conn, "heads")
        .unwrap();
    conn
}

/// The same typed queries on either schema module: an insert into `users`,
/// one into `orders` with its enum column (and `total`, a `Numeric` diesel
/// reads without an extra crate, given as SQL), and `orders` joined to
/// `users` over `joinable!(orders -> users (user_id))`.
macro_rules! queries {
    ($schema:ident, $conn:expr, $total:ty) => {{
        use $schema::{orders, users};
        let conn = $conn;
        diesel::insert_into(users::table)
            .values((
                users::username.eq("alice"),
                users::email.eq("alice@example.com"),
            ))
            .execute(conn)
            .unwrap();
        let alice: i32 = users::table
            .filter(users::username.eq("alice"))
            .select(users::id)
            .first(conn)
            .unwrap();
        diesel::insert_into(orders::table)
            .values((
                orders::user_id.eq(alice),
                orders::status.eq(Status::Shipped),
                orders::total.eq(diesel::dsl::sql::<$total>("12.50")),
            ))
            .execute(conn)
            .unwrap();
        diesel::insert_into(orders::table)
            .values((
                orders::user_id.eq(alice),
                orders::total.eq(diesel::dsl::sql::<$total>("3")),
            ))
            .execute(conn)
            .unwrap();
        orders::table
            .inner_join(users::table)
            .select((users::username, orders::status))
            .order(orders::id)
            .load::<(String, Status)>(conn)
            .unwrap()
    }};
}

fn expected() -> Vec<(String, Status)> {
    vec![
        ("alice".to_string(), Status::Shipped),
        // the column's server default, read back as the enum
        ("alice".to_string(), Status::Pending),
    ]
}

#[test]
fn typed_queries_over_the_printed_schema_run_on_postgres() {
    let db = TestDatabase::postgres();
    let Database::Postgres(conn) = &mut migrated(&db) else {
        unreachable!("a PostgreSQL test database")
    };
    let rows = queries!(pg, conn, diesel::sql_types::Numeric);
    assert_eq!(rows, expected());
}

#[test]
fn typed_queries_over_the_printed_schema_run_on_sqlite() {
    let db = TestDatabase::sqlite();
    let Database::Sqlite(conn) = &mut migrated(&db) else {
        unreachable!("a SQLite test database")
    };
    let rows = queries!(lite, conn, diesel::sql_types::Double);
    assert_eq!(rows, expected());
}
