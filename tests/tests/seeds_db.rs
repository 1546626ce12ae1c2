//! The seeds' examples on real databases (PostgreSQL, SQLite, MariaDB): each
//! example's chain climbs the stairway (up, down back to exactly the schema
//! before, up again), and the resulting schemas hold what the examples say
//! they create.

use migrate_runtime::testing::{check_stairway, Snapshot, TestDatabase};
use migrate_runtime::{Database, Migrator};

/// The seed examples, each a line of history whose ids start with its name.
const EXAMPLES: &[&str] = &[
    "ex05", "ex06", "ex07", "ex08", "ex09", "ex10", "ex15", "ex17", "ex18", "ex19", "ex20", "ex21",
    "ex22", "ex23", "ex24", "ex25", "ex26", "ex27", "ex28",
];

fn snapshot(conn: &mut Database) -> Snapshot {
    Snapshot::capture(conn)
        .unwrap()
        .without_table("migrate_revisions")
}

/// The testing toolkit's stairway (up, down to exactly the schema before, up
/// again) on each example on its own.
fn all(db: fn() -> TestDatabase) -> Vec<String> {
    let mut failures = Vec::new();
    for example in EXAMPLES {
        let prefix = format!("{example}_");
        let migrations = migrate_tests::migrations().filter(|m| m.revision().starts_with(&prefix));
        if let Err(f) = check_stairway(&db(), &migrations) {
            failures.push(format!("{example}: {f}"));
        }
    }
    failures
}

#[test]
fn every_seed_example_climbs_the_stairway_on_postgres() {
    let failures = all(TestDatabase::postgres);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_seed_example_climbs_the_stairway_on_sqlite() {
    // Example 23's `text("NOW()")` is SQL only PostgreSQL knows: SQLite
    // rejects it, loudly, and the migration is rolled back. Example 18's `postgresql_using` is
    // PostgreSQL's only: SQLite's rebuild copies the column as it is, so
    // every other example runs on SQLite as on PostgreSQL.
    let failures = all(TestDatabase::sqlite);
    assert_eq!(failures.len(), 1, "{}", failures.join("\n"));
    assert!(
        failures[0].starts_with("ex23: stairway: upgrade ex23_b2:")
            && failures[0].contains("unknown function: NOW()"),
        "{}",
        failures[0]
    );
}

#[test]
fn every_seed_example_climbs_the_stairway_on_mysql() {
    // Example 22's `text("gen_random_uuid()")` is SQL only PostgreSQL
    // knows: MariaDB rejects it, loudly. Every other example (25's partial
    // index a plain one, `postgresql_where` not applying) runs on MariaDB
    // as on PostgreSQL.
    let failures = all(TestDatabase::mysql);
    assert_eq!(failures.len(), 1, "{}", failures.join("\n"));
    assert!(
        failures[0].starts_with("ex22: stairway: upgrade ex22_a1:")
            && failures[0].contains("gen_random_uuid"),
        "{}",
        failures[0]
    );
}

/// A fresh PostgreSQL database at `target`, and its snapshot.
fn at(target: &str) -> (TestDatabase, Database, Snapshot) {
    at_on(TestDatabase::postgres(), target)
}

/// `db` at `target`, and its snapshot.
fn at_on(db: TestDatabase, target: &str) -> (TestDatabase, Database, Snapshot) {
    let mut conn = db.connect();
    Migrator::new(migrate_tests::migrations())
        .unwrap()
        .upgrade(&mut conn, target)
        .unwrap();
    let snap = snapshot(&mut conn);
    (db, conn, snap)
}

fn rows(conn: &mut Database, sql: &str) -> Vec<String> {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    let Database::Postgres(c) = conn else {
        unreachable!("PostgreSQL only")
    };
    diesel::sql_query(sql)
        .load::<Row>(c)
        .unwrap()
        .into_iter()
        .map(|r| r.value)
        .collect()
}

#[test]
fn what_the_seed_examples_create_on_postgres() {
    // Example 6: types, NOT NULL, defaults (literal, sa.true(), NOW()).
    let (_db, _c, s) = at("ex06@head");
    let products = s.table("products").unwrap();
    let col = |n: &str| products.column(n).unwrap();
    assert_eq!(col("price").data_type, "numeric(10,2)");
    assert!(!col("price").nullable && col("description").nullable);
    assert_eq!(col("stock").default.as_deref(), Some("0"));
    assert_eq!(col("active").default.as_deref(), Some("true"));
    assert_eq!(col("created_at").data_type, "timestamp with time zone");
    assert_eq!(col("created_at").default.as_deref(), Some("now()"));
    assert_eq!(products.primary_key.as_ref().unwrap().columns, ["id"]);

    // Example 9: a plain and a unique index on the same column.
    let (_db, _c, s) = at("ex09@head");
    let products = s.table("products").unwrap();
    assert!(!products.index("ix_products_sku").unwrap().unique);
    assert!(products.index("ix_products_sku_unique").unwrap().unique);

    // Example 10: the foreign key and its ON DELETE.
    let (_db, _c, s) = at("ex10@head");
    let fk = s
        .table("orders")
        .unwrap()
        .foreign_key("fk_orders_user_id")
        .unwrap();
    assert_eq!(
        (
            fk.columns.as_slice(),
            fk.referenced_table.as_str(),
            fk.on_delete.as_str()
        ),
        (&["user_id".to_string()][..], "users", "RESTRICT")
    );

    // Example 19: single and composite unique constraints.
    let (_db, _c, s) = at("ex19@head");
    let users = s.table("users").unwrap();
    assert_eq!(
        users.unique_constraint("uq_users_email").unwrap().columns,
        ["email"]
    );
    assert_eq!(
        users
            .unique_constraint("uq_users_username_tenant")
            .unwrap()
            .columns,
        ["username", "tenant_id"]
    );

    // Example 20: check constraints, as PostgreSQL normalises them.
    let (_db, _c, s) = at("ex20@head");
    let products = s.table("products").unwrap();
    assert_eq!(
        products
            .check_constraint("ck_products_price_positive")
            .unwrap()
            .expression,
        "(price > (0)::numeric)"
    );
    assert!(products
        .check_constraint("ck_products_quantity_range")
        .unwrap()
        .expression
        .contains("quantity <= 10000"));

    // Example 21: NOT NULL with a server default fills existing rows.
    let (_db, mut c, s) = at("ex21_b2");
    let account_type = s.table("users").unwrap().column("account_type").unwrap();
    assert!(!account_type.nullable);
    assert_eq!(
        account_type.default.as_deref(),
        Some("'standard'::character varying")
    );
    let _ = rows(&mut c, "SELECT 'ok' AS value");

    // Example 22: a UUID key with a server-side default.
    let (_db, _c, s) = at("ex22@head");
    let id = s.table("sessions").unwrap().column("id").unwrap();
    assert_eq!(
        (id.data_type.as_str(), id.default.as_deref()),
        ("uuid", Some("gen_random_uuid()"))
    );

    // Example 24: the ENUM type, its values, the column using it.
    let (_db, _c, s) = at("ex24@head");
    assert_eq!(
        s.enum_type("order_status").unwrap().values,
        ["pending", "processing", "shipped", "delivered", "cancelled"]
    );
    assert_eq!(
        s.table("orders")
            .unwrap()
            .column("status")
            .unwrap()
            .data_type,
        "order_status"
    );

    // Example 25: composite and partial indexes.
    let (_db, _c, s) = at("ex25@head");
    let orders = s.table("orders").unwrap();
    assert_eq!(
        orders.index("ix_orders_user_status").unwrap().columns,
        ["user_id", "status"]
    );
    assert_eq!(
        orders.index("ix_orders_tenant_created").unwrap().columns,
        ["tenant_id", "created_at"]
    );
    let partial = orders.index("ix_orders_active_user").unwrap();
    assert!(
        partial
            .predicate
            .as_deref()
            .unwrap()
            .contains("<> 'cancelled'"),
        "{partial:?}"
    );

    // Example 26: the junction table's composite key and cascading keys.
    let (_db, _c, s) = at("ex26@head");
    let ur = s.table("user_roles").unwrap();
    assert_eq!(
        ur.primary_key.as_ref().unwrap().columns,
        ["user_id", "role_id"]
    );
    assert_eq!(
        ur.primary_key.as_ref().unwrap().name.as_deref(),
        Some("pk_user_roles")
    );
    assert_eq!(
        ur.foreign_key("fk_user_roles_role_id").unwrap().on_delete,
        "CASCADE"
    );
    assert_eq!(
        ur.index("ix_user_roles_role_id").unwrap().columns,
        ["role_id"]
    );

    // Example 27: the seed rows, both forms; the second downgrade deletes its row.
    let db = TestDatabase::postgres();
    let mut c = db.connect();
    let m = Migrator::new(migrate_tests::migrations()).unwrap();
    m.upgrade(&mut c, "ex27@head").unwrap();
    assert_eq!(
        rows(&mut c, "SELECT name AS value FROM roles ORDER BY id"),
        ["admin", "manager", "user", "readonly", "superadmin"]
    );
    m.downgrade(&mut c, "-1").unwrap();
    assert_eq!(
        rows(&mut c, "SELECT name AS value FROM roles ORDER BY id"),
        ["admin", "manager", "user", "readonly"]
    );
    // The explicit ids left the identity behind them; the next insert works.
    m.upgrade(&mut c, "ex27@head").unwrap();
    assert_eq!(
        rows(
            &mut c,
            "SELECT CAST(id AS TEXT) AS value FROM roles WHERE name = 'superadmin'"
        ),
        ["6"]
    );

    // Example 28: all four operations in one transaction.
    let (_db, _c, s) = at("ex28@head");
    let users = s.table("users").unwrap();
    assert_eq!(
        users.column("created_by").unwrap().default.as_deref(),
        Some("'system'::character varying")
    );
    assert!(s
        .table("audit_log")
        .unwrap()
        .index("ix_audit_log_table_name")
        .is_some());
}

#[test]
fn what_the_seed_examples_create_on_mysql() {
    let at = |target| at_on(TestDatabase::mysql(), target);
    // Example 6: MySQL's spellings of the types and defaults.
    let (_db, _c, s) = at("ex06@head");
    let products = s.table("products").unwrap();
    let col = |n: &str| products.column(n).unwrap();
    assert_eq!(col("price").data_type, "decimal(10,2)");
    assert!(!col("price").nullable && col("description").nullable);
    assert_eq!(col("stock").default.as_deref(), Some("0"));
    assert_eq!(col("active").data_type, "tinyint(1)");
    assert_eq!(col("active").default.as_deref(), Some("1"));
    assert_eq!(col("created_at").data_type, "timestamp");
    assert_eq!(col("id").default.as_deref(), Some("AUTO_INCREMENT"));
    assert_eq!(products.primary_key.as_ref().unwrap().columns, ["id"]);

    // Example 10: the foreign key and its ON DELETE; its index is MySQL's.
    let (_db, _c, s) = at("ex10@head");
    let orders = s.table("orders").unwrap();
    let fk = orders.foreign_key("fk_orders_user_id").unwrap();
    assert_eq!(
        (
            fk.columns.as_slice(),
            fk.referenced_table.as_str(),
            fk.on_delete.as_str()
        ),
        (&["user_id".to_string()][..], "users", "RESTRICT")
    );
    assert!(orders.index("fk_orders_user_id").is_none());

    // Example 19: single and composite unique constraints.
    let (_db, _c, s) = at("ex19@head");
    let users = s.table("users").unwrap();
    assert_eq!(
        users
            .unique_constraint("uq_users_username_tenant")
            .unwrap()
            .columns,
        ["username", "tenant_id"]
    );

    // Example 20: check constraints, as MariaDB keeps them.
    let (_db, _c, s) = at("ex20@head");
    let products = s.table("products").unwrap();
    assert!(products
        .check_constraint("ck_products_quantity_range")
        .unwrap()
        .expression
        .contains("`quantity` <= 10000"));

    // Example 24: the enum inline in its column, listed under the column.
    let (_db, _c, s) = at("ex24@head");
    assert_eq!(
        s.table("orders")
            .unwrap()
            .column("status")
            .unwrap()
            .data_type,
        "enum('pending','processing','shipped','delivered','cancelled')"
    );
    assert_eq!(
        s.enum_type("status").unwrap().values,
        ["pending", "processing", "shipped", "delivered", "cancelled"]
    );

    // Example 25: composite indexes; the partial one is a plain index.
    let (_db, _c, s) = at("ex25@head");
    let orders = s.table("orders").unwrap();
    assert_eq!(
        orders.index("ix_orders_user_status").unwrap().columns,
        ["user_id", "status"]
    );
    let partial = orders.index("ix_orders_active_user").unwrap();
    assert_eq!(
        (partial.columns.as_slice(), &partial.predicate),
        (&["user_id".to_string()][..], &None)
    );

    // Example 26: the junction table's composite key (named PRIMARY, as
    // every MySQL primary key) and cascading keys.
    let (_db, _c, s) = at("ex26@head");
    let ur = s.table("user_roles").unwrap();
    assert_eq!(
        ur.primary_key.as_ref().unwrap().columns,
        ["user_id", "role_id"]
    );
    assert_eq!(
        ur.primary_key.as_ref().unwrap().name.as_deref(),
        Some("PRIMARY")
    );
    assert_eq!(
        ur.foreign_key("fk_user_roles_role_id").unwrap().on_delete,
        "CASCADE"
    );

    // Example 27: the seed rows; after explicit ids the next id follows.
    let (_db, mut c, _) = at("ex27@head");
    let m = Migrator::new(migrate_tests::migrations()).unwrap();
    m.downgrade(&mut c, "-1").unwrap();
    m.upgrade(&mut c, "ex27@head").unwrap();
    let Database::Mysql(conn) = &mut c else {
        unreachable!("MySQL")
    };
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    let names: Vec<String> = diesel::sql_query("SELECT name AS value FROM roles ORDER BY id")
        .load::<Row>(conn)
        .unwrap()
        .into_iter()
        .map(|r| r.value)
        .collect();
    assert_eq!(
        names,
        ["admin", "manager", "user", "readonly", "superadmin"]
    );
}
