//! The files `revision --autogenerate` writes are real migrations: for a
//! development database changed by SQL in each way below, the generated
//! file is built by rustc together with the shop's migrations (every
//! compile-time check and lint applies, warnings denied), and the built
//! program takes a database at the old head to a schema equal to the
//! changed one's, and climbs the stairway on the same database (up, down, up for
//! every revision, the derived downgrades included). On PostgreSQL and on
//! SQLite, each with the changes its SQL can make.

mod support;

use migrate_runtime::testing::TestDatabase;
use migrate_runtime::Migrator;

/// One change of each kind, as a developer makes it on PostgreSQL.
const POSTGRES: &[(&str, &str)] = &[
    ("table_added", "CREATE TABLE tags (id INTEGER NOT NULL, label VARCHAR(40) NOT NULL, product_id INTEGER, CONSTRAINT pk_tags PRIMARY KEY (id), CONSTRAINT fk_tags_product FOREIGN KEY (product_id) REFERENCES products (id)); CREATE INDEX ix_tags_label ON tags (label)"),
    ("table_dropped", "DROP TABLE audit_log"),
    ("tables_dropped", "DROP TABLE user_roles; DROP TABLE roles"),
    ("column_added", "ALTER TABLE users ADD COLUMN nickname VARCHAR(30)"),
    ("not_null_added", "ALTER TABLE products ADD COLUMN barcode VARCHAR(20) NOT NULL"),
    ("column_dropped", "ALTER TABLE products DROP COLUMN description"),
    ("column_type", "ALTER TABLE products ALTER COLUMN sku TYPE VARCHAR(20)"),
    ("column_widened", "ALTER TABLE audit_log ALTER COLUMN operation TYPE VARCHAR(40)"),
    ("column_nullable", "ALTER TABLE products ALTER COLUMN name DROP NOT NULL"),
    ("column_default", "ALTER TABLE products ALTER COLUMN stock SET DEFAULT 5"),
    ("default_dropped", "ALTER TABLE users ALTER COLUMN account_type DROP DEFAULT"),
    ("primary_key", "ALTER TABLE user_roles DROP CONSTRAINT pk_user_roles; ALTER TABLE user_roles ADD CONSTRAINT pk_user_roles PRIMARY KEY (role_id, user_id)"),
    ("foreign_key_added", "ALTER TABLE audit_log ADD CONSTRAINT fk_audit_log_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL"),
    ("foreign_key_dropped", "ALTER TABLE sessions DROP CONSTRAINT fk_sessions_user_id_users"),
    ("on_delete", "ALTER TABLE user_roles DROP CONSTRAINT fk_user_roles_role_id; ALTER TABLE user_roles ADD CONSTRAINT fk_user_roles_role_id FOREIGN KEY (role_id) REFERENCES roles (id) ON DELETE RESTRICT"),
    ("on_update", "ALTER TABLE user_roles DROP CONSTRAINT fk_user_roles_user_id; ALTER TABLE user_roles ADD CONSTRAINT fk_user_roles_user_id FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE"),
    ("index_added", "CREATE INDEX ix_products_name ON products (name)"),
    ("index_dropped", "DROP INDEX ix_orders_tenant_created"),
    ("index_columns", "DROP INDEX ix_orders_user_status; CREATE INDEX ix_orders_user_status ON orders (status, user_id)"),
    ("index_unique", "DROP INDEX ix_products_sku; CREATE INDEX ix_products_sku ON products (sku)"),
    ("index_expression", "CREATE INDEX ix_users_lower_email ON users (lower(email))"),
    ("index_predicate", "DROP INDEX ix_orders_active_user; CREATE INDEX ix_orders_active_user ON orders (user_id) WHERE total > 0"),
    ("unique_added", "ALTER TABLE products ADD CONSTRAINT uq_products_name UNIQUE (name)"),
    ("unique_dropped", "ALTER TABLE users DROP CONSTRAINT uq_users_username"),
    ("check_added", "ALTER TABLE products ADD CONSTRAINT ck_products_stock CHECK (stock >= 0)"),
    ("check_changed", "ALTER TABLE products DROP CONSTRAINT ck_products_price_positive; ALTER TABLE products ADD CONSTRAINT ck_products_price_positive CHECK (price >= 0)"),
    ("enum_table", "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy'); CREATE TABLE moods (id INTEGER NOT NULL, mood mood NOT NULL, CONSTRAINT pk_moods PRIMARY KEY (id))"),
    ("enum_dropped", "DROP INDEX ix_orders_user_status; DROP INDEX ix_orders_active_user; ALTER TABLE orders DROP COLUMN status; DROP TYPE order_status"),
    ("table_comment", "COMMENT ON TABLE products IS 'what we sell'"),
    ("column_comment", "COMMENT ON COLUMN products.sku IS 'stock keeping unit'"),
    ("foreign_key_cycle", "CREATE TABLE a (id INTEGER NOT NULL, b_id INTEGER, CONSTRAINT pk_a PRIMARY KEY (id)); CREATE TABLE b (id INTEGER NOT NULL, a_id INTEGER, CONSTRAINT pk_b PRIMARY KEY (id), CONSTRAINT fk_b_a FOREIGN KEY (a_id) REFERENCES a (id)); ALTER TABLE a ADD CONSTRAINT fk_a_b FOREIGN KEY (b_id) REFERENCES b (id)"),
    ("rename_suggested", "ALTER TABLE products ADD COLUMN summary TEXT; ALTER TABLE products DROP COLUMN description"),
];

/// The changes SQLite's own SQL can make (its ALTER TABLE adds, drops and
/// renames columns; other changes need a table rebuilt by hand).
const SQLITE: &[(&str, &str)] = &[
    ("table_added", "CREATE TABLE tags (id INTEGER NOT NULL, label VARCHAR(40) NOT NULL, product_id INTEGER, CONSTRAINT pk_tags PRIMARY KEY (id), CONSTRAINT fk_tags_product FOREIGN KEY (product_id) REFERENCES products (id)); CREATE INDEX ix_tags_label ON tags (label)"),
    ("table_dropped", "DROP TABLE audit_log"),
    ("tables_dropped", "DROP TABLE user_roles; DROP TABLE roles"),
    ("column_added", "ALTER TABLE users ADD COLUMN nickname VARCHAR(30)"),
    ("column_dropped", "ALTER TABLE products DROP COLUMN description"),
    ("index_added", "CREATE INDEX ix_products_name ON products (name)"),
    ("index_dropped", "DROP INDEX ix_orders_tenant_created"),
    ("index_columns", "DROP INDEX ix_orders_user_status; CREATE INDEX ix_orders_user_status ON orders (status, user_id)"),
    ("index_unique", "DROP INDEX ix_products_sku; CREATE INDEX ix_products_sku ON products (sku)"),
    ("index_expression", "CREATE INDEX ix_users_lower_email ON users (lower(email))"),
    ("index_predicate", "DROP INDEX ix_orders_active_user; CREATE INDEX ix_orders_active_user ON orders (user_id) WHERE total > 0"),
    ("rename_suggested", "ALTER TABLE products ADD COLUMN summary TEXT; ALTER TABLE products DROP COLUMN description"),
];

#[test]
fn generated_files_build_and_climb_the_stairway_on_postgres() {
    generated_files_build_and_climb_the_stairway(TestDatabase::postgres, "postgres", POSTGRES);
}

#[test]
fn generated_files_build_and_climb_the_stairway_on_sqlite() {
    generated_files_build_and_climb_the_stairway(TestDatabase::sqlite, "sqlite", SQLITE);
}

/// Generates a file per change on databases from `database`, builds them
/// with the shop's migrations, and runs the stairway on `kind`.
fn generated_files_build_and_climb_the_stairway(
    database: fn() -> TestDatabase,
    kind: &str,
    changes: &[(&str, &str)],
) {
    let migrator = Migrator::new(shop::migrations()).unwrap();
    // The changed databases stay until the built program has compared its
    // upgrades with them.
    let mut changed = Vec::new();
    let mut kept = Vec::new();
    let mut generated = Vec::new();
    for (name, sql) in changes {
        let db = database();
        let mut conn = db.connect();
        migrator.upgrade(&mut conn, "head").unwrap();
        support::exec(&mut conn, sql);
        let found = migrator.autogenerate(&mut conn).unwrap();
        assert!(!found.is_empty(), "{name}: nothing generated");
        assert!(!found.irreversible(), "{name}");
        generated.push((name.to_string(), found.upgrade_source().unwrap()));
        changed.push((name.to_string(), db.url().to_string()));
        drop(conn);
        kept.push(db);
    }
    let main = format!(
        "    use migrate_runtime::testing::*;\n    use migrate_runtime::{{Database, Migrator}};\n    let m = migrations();\n    assert_eq!(m.len(), {});\n    for r in m.iter().filter(|r| r.revision().starts_with('g')) {{\n        assert!(r.downgrade_is_derived(), \"{{}}\", r.revision());\n    }}\n    // Each file takes a database at the old head to its changed one.\n    for (label, url) in {changed:?} {{\n        let db = TestDatabase::{kind}();\n        let mut conn = db.connect();\n        Migrator::new(m.clone()).unwrap().upgrade(&mut conn, &format!(\"{{label}}@head\")).unwrap();\n        let got = Snapshot::capture(&mut conn).unwrap().without_table(\"migrate_revisions\");\n        let want = Snapshot::capture(&mut Database::connect(url).unwrap()).unwrap().without_table(\"migrate_revisions\");\n        assert_eq!(got.diff_schema(&want), [], \"{{label}}\");\n    }}\n    assert_stairway(&TestDatabase::{kind}(), &m);\n",
        shop::migrations().len() + changes.len()
    );
    support::build_and_run_with_the_shop(&generated, &main);
    drop(kept);
}
