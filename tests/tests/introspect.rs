//! Schema snapshots on real PostgreSQL and SQLite: every kind of object is
//! captured with its facts, equal schemas compare equal (whatever the SQL's
//! spelling, online or offline), and each one-field change shows as a diff
//! line naming the object and the field.

mod support;
use support::*;

use migrate_runtime::testing::{Snapshot, TestDatabase};
use migrate_runtime::{Dialect, Migrator};

#[derive(Clone, Copy, Debug)]
enum Kind {
    Postgres,
    Sqlite,
}

fn database(kind: Kind) -> TestDatabase {
    match kind {
        Kind::Postgres => TestDatabase::postgres(),
        Kind::Sqlite => TestDatabase::sqlite(),
    }
}

/// The snapshot of a fresh database built with `sql`.
fn snapshot(kind: Kind, sql: &str) -> Snapshot {
    let db = database(kind);
    let mut conn = db.connect();
    exec(&mut conn, sql);
    Snapshot::capture(&mut conn).unwrap()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

const PG_SCHEMA: &str = "
CREATE TYPE mood AS ENUM ('happy', 'sad', 'so-so');
CREATE SEQUENCE invoice_numbers;
CREATE TABLE users (
    id SERIAL CONSTRAINT pk_users PRIMARY KEY,
    email VARCHAR(100) NOT NULL CONSTRAINT uq_users_email UNIQUE,
    mood mood,
    created_at TIMESTAMP NOT NULL DEFAULT now()
);
COMMENT ON TABLE users IS 'people';
COMMENT ON COLUMN users.email IS 'login';
CREATE TABLE orders (
    id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'pending',
    total NUMERIC(10, 2),
    note TEXT,
    CONSTRAINT pk_orders PRIMARY KEY (id),
    CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT ck_orders_total CHECK (total >= 0),
    CONSTRAINT uq_orders_ref UNIQUE (user_id, note)
);
CREATE INDEX ix_orders_user ON orders (user_id, status);
CREATE UNIQUE INDEX ix_orders_open ON orders (user_id) WHERE status != 'closed';
CREATE INDEX ix_orders_note ON orders (lower(note) DESC);
CREATE TABLE migrate_revisions (revision VARCHAR(64) PRIMARY KEY);
";

/// The same schema as [`PG_SCHEMA`], spelled otherwise.
const PG_SCHEMA_RESPELLED: &str = r#"
create type "mood" as enum ('happy','sad','so-so');
create sequence "invoice_numbers";
create table "users" ("id" serial, "email" character varying(100) not null,
    "mood" "mood", "created_at" timestamp without time zone default NOW() not null,
    constraint "pk_users" primary key ("id"), constraint "uq_users_email" unique ("email"));
comment on table "users" is 'people';
comment on column "users"."email" is 'login';
create table "orders" ("id" int4 primary key,
    "user_id" int not null references "users" on delete cascade,
    "status" varchar(20) default 'pending' not null, "total" decimal(10,2) check(total>=0),
    "note" text, constraint "uq_orders_ref" unique ("user_id", "note"));
alter table orders rename constraint orders_pkey to pk_orders;
alter table orders rename constraint orders_user_id_fkey to fk_orders_user;
alter table orders rename constraint orders_total_check to ck_orders_total;
create index "ix_orders_user" on "orders" using btree ("user_id", "status");
create unique index "ix_orders_open" on "orders" ("user_id") where "status" <> 'closed';
create index "ix_orders_note" on "orders" (LOWER("note") desc);
create table "migrate_revisions" ("revision" varchar(64), primary key ("revision"));
"#;

const SQLITE_SCHEMA: &str = r#"
CREATE TABLE "users" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_users" PRIMARY KEY,
    "email" VARCHAR(100) NOT NULL CONSTRAINT "uq_users_email" UNIQUE,
    "mood" VARCHAR(10) CONSTRAINT "ck_users_mood" CHECK ("mood" IN ('happy', 'sad', 'so-so', 'a,(b')),
    "created_at" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE "orders" (
    "id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL CONSTRAINT "fk_orders_user" REFERENCES "users" ("id") ON DELETE CASCADE,
    "status" VARCHAR(20) NOT NULL DEFAULT 'pending',
    "total" NUMERIC(10, 2),
    "note" TEXT,
    "parent_id" INTEGER REFERENCES "orders",
    CONSTRAINT "pk_orders" PRIMARY KEY ("id"),
    CONSTRAINT "ck_orders_total" CHECK ("total" >= 0),
    CONSTRAINT "uq_orders_ref" UNIQUE ("user_id", "note"),
    CHECK ("note" <> 'x)')
);
CREATE INDEX "ix_orders_user" ON "orders" ("user_id", "status");
CREATE UNIQUE INDEX "ix_orders_open" ON "orders" ("user_id") WHERE "status" != 'closed';
CREATE INDEX "ix_orders_note" ON "orders" (lower("note") DESC);
CREATE TABLE migrate_revisions (revision VARCHAR(64) PRIMARY KEY);
"#;

/// The same schema as [`SQLITE_SCHEMA`], spelled otherwise.
const SQLITE_SCHEMA_RESPELLED: &str = r#"
create table users (id integer not null constraint pk_users primary key,
    email varchar( 100 ) not null constraint [uq_users_email] unique,
    mood varchar(10) constraint ck_users_mood check (( MOOD in ('happy','sad','so-so','a,(b') )),
    created_at timestamp not null default CURRENT_TIMESTAMP);
create table orders (
    id integer not null, -- a comment, with (parentheses
    user_id integer not null constraint `fk_orders_user` references users(id) on delete cascade,
    status varchar(20) not null default 'pending', total numeric(10,2), note text,
    parent_id integer references orders,
    constraint pk_orders primary key (id), constraint ck_orders_total check (total>=0),
    constraint uq_orders_ref unique (user_id, note), check (NOTE<>'x)'));
create index ix_orders_user on orders (user_id, status);
create unique index ix_orders_open on orders (user_id) where status!='closed';
create index ix_orders_note on orders (LOWER(note) desc);
create table migrate_revisions (revision varchar(64) primary key);
"#;

#[test]
fn postgres_captures_every_kind_of_object() {
    let s = snapshot(Kind::Postgres, PG_SCHEMA);
    let names: Vec<&str> = s.tables().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["migrate_revisions", "orders", "users"]);
    assert_eq!(
        s.enum_type("mood").unwrap().values,
        strings(&["happy", "sad", "so-so"])
    );
    assert_eq!(
        s.sequences().collect::<Vec<_>>(),
        ["invoice_numbers", "users_id_seq"]
    );

    let users = s.table("users").unwrap();
    assert_eq!(users.comment.as_deref(), Some("people"));
    let cols: Vec<&str> = users.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(cols, ["id", "email", "mood", "created_at"]);
    let id = users.column("id").unwrap();
    assert_eq!(id.data_type, "integer");
    assert!(!id.nullable);
    assert_eq!(
        id.default.as_deref(),
        Some("nextval('users_id_seq'::regclass)")
    );
    let email = users.column("email").unwrap();
    assert_eq!(email.data_type, "character varying(100)");
    assert_eq!(email.comment.as_deref(), Some("login"));
    assert_eq!(users.column("mood").unwrap().data_type, "mood");
    assert!(users.column("mood").unwrap().nullable);
    let created = users.column("created_at").unwrap();
    assert_eq!(created.data_type, "timestamp without time zone");
    assert_eq!(created.default.as_deref(), Some("now()"));
    assert_eq!(
        users.primary_key.as_ref().unwrap().name.as_deref(),
        Some("pk_users")
    );
    assert_eq!(
        users.unique_constraint("uq_users_email").unwrap().columns,
        strings(&["email"])
    );
    // Indexes that only back a constraint are not listed as indexes.
    assert!(users.indexes.is_empty(), "{:?}", users.indexes);

    let orders = s.table("orders").unwrap();
    let pk = orders.primary_key.as_ref().unwrap();
    assert_eq!(
        (pk.name.as_deref(), &pk.columns[..]),
        (Some("pk_orders"), &strings(&["id"])[..])
    );
    let status = orders.column("status").unwrap();
    assert_eq!(
        status.default.as_deref(),
        Some("'pending'::character varying")
    );
    assert!(!status.nullable);
    assert_eq!(orders.column("total").unwrap().data_type, "numeric(10,2)");
    assert_eq!(orders.column("note").unwrap().default, None);

    let fk = orders.foreign_key("fk_orders_user").unwrap();
    assert_eq!(fk.columns, strings(&["user_id"]));
    assert_eq!(fk.referenced_table, "users");
    assert_eq!(fk.referenced_columns, strings(&["id"]));
    assert_eq!(
        (fk.on_delete.as_str(), fk.on_update.as_str()),
        ("CASCADE", "NO ACTION")
    );
    assert_eq!(
        orders
            .check_constraint("ck_orders_total")
            .unwrap()
            .expression,
        "(total >= (0)::numeric)"
    );
    assert_eq!(
        orders.unique_constraint("uq_orders_ref").unwrap().columns,
        strings(&["user_id", "note"])
    );
    assert_eq!(orders.indexes.len(), 3);
    let ix = orders.index("ix_orders_user").unwrap();
    assert_eq!(
        (ix.columns.clone(), ix.unique, ix.predicate.clone()),
        (strings(&["user_id", "status"]), false, None)
    );
    let open = orders.index("ix_orders_open").unwrap();
    assert!(open.unique);
    assert_eq!(open.columns, strings(&["user_id"]));
    assert_eq!(
        open.predicate.as_deref(),
        Some("((status)::text <> 'closed'::text)")
    );
    assert_eq!(
        orders.index("ix_orders_note").unwrap().columns,
        strings(&["lower(note) DESC"])
    );

    assert!(s
        .clone()
        .without_table("migrate_revisions")
        .table("migrate_revisions")
        .is_none());
    assert_eq!(
        s.clone()
            .without_table("migrate_revisions")
            .tables()
            .count(),
        2
    );
}

#[test]
fn sqlite_captures_every_kind_of_object() {
    let s = snapshot(Kind::Sqlite, SQLITE_SCHEMA);
    let names: Vec<&str> = s.tables().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["migrate_revisions", "orders", "users"]);
    assert_eq!(s.enum_types().count(), 0);
    assert_eq!(s.sequences().count(), 0);

    let users = s.table("users").unwrap();
    assert_eq!(users.comment, None);
    let pk = users.primary_key.as_ref().unwrap();
    assert_eq!(
        (pk.name.as_deref(), &pk.columns[..]),
        (Some("pk_users"), &strings(&["id"])[..])
    );
    let email = users.column("email").unwrap();
    assert_eq!(email.data_type, "VARCHAR(100)");
    assert!(!email.nullable);
    // The constraint, not SQLite's autoindex mirroring it.
    assert_eq!(
        users.unique_constraint("uq_users_email").unwrap().columns,
        strings(&["email"])
    );
    assert!(users.indexes.is_empty(), "{:?}", users.indexes);
    assert_eq!(
        users.check_constraint("ck_users_mood").unwrap().expression,
        "mood in ('happy', 'sad', 'so-so', 'a,(b')"
    );
    assert_eq!(
        users.column("created_at").unwrap().default.as_deref(),
        Some("CURRENT_TIMESTAMP")
    );

    let orders = s.table("orders").unwrap();
    let cols: Vec<&str> = orders.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        cols,
        ["id", "user_id", "status", "total", "note", "parent_id"]
    );
    assert_eq!(
        orders.primary_key.as_ref().unwrap().name.as_deref(),
        Some("pk_orders")
    );
    assert_eq!(
        orders.column("status").unwrap().default.as_deref(),
        Some("'pending'")
    );
    assert_eq!(orders.column("total").unwrap().data_type, "NUMERIC(10, 2)");
    assert!(orders.column("note").unwrap().nullable);

    let fk = orders.foreign_key("fk_orders_user").unwrap();
    assert_eq!(fk.columns, strings(&["user_id"]));
    assert_eq!(fk.referenced_table, "users");
    assert_eq!(fk.referenced_columns, strings(&["id"]));
    assert_eq!(
        (fk.on_delete.as_str(), fk.on_update.as_str()),
        ("CASCADE", "NO ACTION")
    );
    // Unnamed, and referencing the primary key implicitly.
    let parent = orders
        .foreign_key("(unnamed) [parent_id] -> orders[id]")
        .unwrap_or_else(|| panic!("{:?}", orders.foreign_keys));
    assert_eq!(parent.name, None);
    assert_eq!(parent.referenced_columns, strings(&["id"]));

    assert_eq!(
        orders
            .check_constraint("ck_orders_total")
            .unwrap()
            .expression,
        "total >= 0"
    );
    let unnamed = orders
        .check_constraint("(unnamed) note <> 'x)'")
        .unwrap_or_else(|| panic!("{:?}", orders.check_constraints));
    assert_eq!(unnamed.name, None);
    assert_eq!(
        orders.unique_constraint("uq_orders_ref").unwrap().columns,
        strings(&["user_id", "note"])
    );
    assert_eq!(orders.indexes.len(), 3, "{:?}", orders.indexes);
    let ix = orders.index("ix_orders_user").unwrap();
    assert_eq!(
        (ix.columns.clone(), ix.unique, ix.predicate.clone()),
        (strings(&["user_id", "status"]), false, None)
    );
    let open = orders.index("ix_orders_open").unwrap();
    assert!(open.unique);
    assert_eq!(open.predicate.as_deref(), Some("status != 'closed'"));
    assert_eq!(
        orders.index("ix_orders_note").unwrap().columns,
        strings(&["lower(note) DESC"])
    );

    let rev = s.table("migrate_revisions").unwrap();
    assert_eq!(
        rev.primary_key.as_ref().unwrap().columns,
        strings(&["revision"])
    );
    assert!(s
        .without_table("migrate_revisions")
        .table("migrate_revisions")
        .is_none());
}

#[test]
fn same_schema_compares_equal_on_postgres() {
    let a = snapshot(Kind::Postgres, PG_SCHEMA);
    let b = snapshot(Kind::Postgres, PG_SCHEMA);
    assert_eq!(lines(a.diff(&b)), Vec::<String>::new());
    assert_eq!(a, b);
    let c = snapshot(Kind::Postgres, PG_SCHEMA_RESPELLED);
    assert_eq!(lines(a.diff(&c)), Vec::<String>::new());
}

#[test]
fn same_schema_compares_equal_on_sqlite() {
    let a = snapshot(Kind::Sqlite, SQLITE_SCHEMA);
    let b = snapshot(Kind::Sqlite, SQLITE_SCHEMA);
    assert_eq!(lines(a.diff(&b)), Vec::<String>::new());
    assert_eq!(a, b);
    let c = snapshot(Kind::Sqlite, SQLITE_SCHEMA_RESPELLED);
    assert_eq!(lines(a.diff(&c)), Vec::<String>::new());
}

/// The shop example upgraded online and by its offline SQL.
fn online_and_offline(kind: Kind, dialect: Dialect) {
    let migrator = Migrator::new(shop::migrations()).unwrap();
    let online = database(kind);
    let mut conn = online.connect();
    migrator.upgrade(&mut conn, "head").unwrap();
    let a = Snapshot::capture(&mut conn).unwrap();
    let rows = |conn: &mut migrate_runtime::Database| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = migrator
            .applied(conn)
            .unwrap()
            .into_iter()
            .map(|r| (r.revision, r.checksum))
            .collect();
        v.sort();
        v
    };
    let online_rows = rows(&mut conn);

    let offline = database(kind);
    let mut conn = offline.connect();
    exec(
        &mut conn,
        &migrator.upgrade_sql(dialect, None, "head").unwrap(),
    );
    let b = Snapshot::capture(&mut conn).unwrap();

    assert!(a.tables().count() > 3);
    assert_eq!(lines(a.diff(&b)), Vec::<String>::new());
    // The same version rows: every revision, with its checksum.
    assert_eq!(online_rows.len(), 8);
    assert_eq!(online_rows, rows(&mut conn));
}

#[test]
fn online_and_offline_sql_compare_equal_on_postgres() {
    online_and_offline(Kind::Postgres, Dialect::Postgres);
}

#[test]
fn online_and_offline_sql_compare_equal_on_sqlite() {
    online_and_offline(Kind::Sqlite, Dialect::Sqlite);
}

/// A one-change variant of a schema and the diff lines it must give.
struct Variant {
    what: &'static str,
    from: &'static str,
    to: &'static str,
    lines: &'static [&'static str],
}

const fn v(
    what: &'static str,
    from: &'static str,
    to: &'static str,
    lines: &'static [&'static str],
) -> Variant {
    Variant {
        what,
        from,
        to,
        lines,
    }
}

/// Each variant differs from the base by exactly the expected lines, and
/// the reverse diff names the same objects.
fn check_variants(kind: Kind, base_sql: &str, variants: &[Variant]) {
    let base = snapshot(kind, base_sql);
    let mut failures = Vec::new();
    for variant in variants {
        assert_eq!(
            base_sql.matches(variant.from).count(),
            1,
            "{}: `{}` must occur once in the base SQL",
            variant.what,
            variant.from
        );
        let sql = base_sql.replacen(variant.from, variant.to, 1);
        let other = snapshot(kind, &sql);
        let diff = lines(base.diff(&other));
        if diff != variant.lines {
            failures.push(format!(
                "{}:\n  expected {:#?}\n  got {:#?}",
                variant.what, variant.lines, diff
            ));
        }
        assert_eq!(other.diff(&base).len(), diff.len(), "{}", variant.what);
        assert_ne!(base, other, "{}", variant.what);
    }
    assert!(failures.is_empty(), "{kind:?}:\n{}", failures.join("\n"));
}

#[test]
fn one_change_variants_fail_the_comparison_on_postgres() {
    check_variants(
        Kind::Postgres,
        PG_SCHEMA,
        &[
            v(
                "an index missing",
                "CREATE INDEX ix_orders_user ON orders (user_id, status);",
                "",
                &["index `ix_orders_user` on `orders`: present vs absent"],
            ),
            v(
                "index columns swapped",
                "ON orders (user_id, status)",
                "ON orders (status, user_id)",
                &["index `ix_orders_user` on `orders`: columns [user_id, status] vs [status, user_id]"],
            ),
            v(
                "unique vs not",
                "CREATE UNIQUE INDEX ix_orders_open",
                "CREATE INDEX ix_orders_open",
                &["index `ix_orders_open` on `orders`: unique true vs false"],
            ),
            v(
                "a predicate changed",
                "'closed'",
                "'done'",
                &["index `ix_orders_open` on `orders`: predicate ((status)::text <> 'closed'::text) vs ((status)::text <> 'done'::text)"],
            ),
            v(
                "descending lost",
                "lower(note) DESC",
                "lower(note)",
                &["index `ix_orders_note` on `orders`: columns [lower(note) DESC] vs [lower(note)]"],
            ),
            v(
                "a default left behind",
                "note TEXT,",
                "note TEXT DEFAULT 'n/a',",
                &["column `orders.note`: default none vs 'n/a'::text"],
            ),
            v(
                "ON DELETE CASCADE lost",
                " ON DELETE CASCADE",
                "",
                &["foreign key `fk_orders_user` on `orders`: on delete CASCADE vs NO ACTION"],
            ),
            v(
                "an enum type left behind",
                "CREATE SEQUENCE invoice_numbers;",
                "CREATE SEQUENCE invoice_numbers; CREATE TYPE leftover AS ENUM ('a');",
                &["enum type `leftover`: absent vs present"],
            ),
            v(
                "an enum value changed",
                "'so-so'",
                "'meh'",
                &["enum type `mood`: values [happy, sad, so-so] vs [happy, sad, meh]"],
            ),
            v(
                "a sequence missing",
                "CREATE SEQUENCE invoice_numbers;",
                "",
                &["sequence `invoice_numbers`: present vs absent"],
            ),
            v(
                "a check constraint changed",
                "CHECK (total >= 0)",
                "CHECK (total > 0)",
                &["check constraint `ck_orders_total` on `orders`: expression (total >= (0)::numeric) vs (total > (0)::numeric)"],
            ),
            v(
                "nullable vs not",
                "note TEXT,",
                "note TEXT NOT NULL,",
                &["column `orders.note`: nullable true vs false"],
            ),
            v(
                "a column type changed",
                "NUMERIC(10, 2)",
                "NUMERIC(12, 2)",
                &["column `orders.total`: type numeric(10,2) vs numeric(12,2)"],
            ),
            v(
                "a table comment changed",
                "'people'",
                "'persons'",
                &["table `users`: comment \"people\" vs \"persons\""],
            ),
            v(
                "a column comment lost",
                "COMMENT ON COLUMN users.email IS 'login';",
                "",
                &["column `users.email`: comment \"login\" vs none"],
            ),
            v(
                "unique constraint columns swapped",
                "UNIQUE (user_id, note)",
                "UNIQUE (note, user_id)",
                &["unique constraint `uq_orders_ref` on `orders`: columns [user_id, note] vs [note, user_id]"],
            ),
            v(
                "primary key renamed",
                "CONSTRAINT pk_orders PRIMARY KEY",
                "CONSTRAINT orders_pk PRIMARY KEY",
                &["primary key on `orders`: name pk_orders vs orders_pk"],
            ),
            v(
                "columns reordered",
                "    total NUMERIC(10, 2),\n    note TEXT,\n",
                "    note TEXT,\n    total NUMERIC(10, 2),\n",
                &["table `orders`: column order [id, user_id, status, total, note] vs [id, user_id, status, note, total]"],
            ),
            v(
                "a table left behind",
                "CREATE TABLE migrate_revisions",
                "CREATE TABLE leftover (x INTEGER); CREATE TABLE migrate_revisions",
                &["table `leftover`: absent vs present"],
            ),
        ],
    );
}

#[test]
fn one_change_variants_fail_the_comparison_on_sqlite() {
    check_variants(
        Kind::Sqlite,
        SQLITE_SCHEMA,
        &[
            v(
                "an index missing",
                r#"CREATE INDEX "ix_orders_user" ON "orders" ("user_id", "status");"#,
                "",
                &["index `ix_orders_user` on `orders`: present vs absent"],
            ),
            v(
                "index columns swapped",
                r#"("user_id", "status")"#,
                r#"("status", "user_id")"#,
                &["index `ix_orders_user` on `orders`: columns [user_id, status] vs [status, user_id]"],
            ),
            v(
                "unique vs not",
                r#"CREATE UNIQUE INDEX "ix_orders_open""#,
                r#"CREATE INDEX "ix_orders_open""#,
                &["index `ix_orders_open` on `orders`: unique true vs false"],
            ),
            v(
                "a predicate changed",
                "'closed'",
                "'done'",
                &["index `ix_orders_open` on `orders`: predicate status != 'closed' vs status != 'done'"],
            ),
            v(
                "descending lost",
                r#"lower("note") DESC"#,
                r#"lower("note")"#,
                &["index `ix_orders_note` on `orders`: columns [lower(note) DESC] vs [lower(note)]"],
            ),
            v(
                "a default left behind",
                r#""note" TEXT,"#,
                r#""note" TEXT DEFAULT 'n/a',"#,
                &["column `orders.note`: default none vs 'n/a'"],
            ),
            v(
                "ON DELETE CASCADE lost",
                " ON DELETE CASCADE",
                "",
                &["foreign key `fk_orders_user` on `orders`: on delete CASCADE vs NO ACTION"],
            ),
            v(
                "a foreign key's name changed",
                r#""fk_orders_user""#,
                r#""fk_orders_owner""#,
                &[
                    "foreign key `fk_orders_owner` on `orders`: absent vs present",
                    "foreign key `fk_orders_user` on `orders`: present vs absent",
                ],
            ),
            v(
                "an unnamed foreign key lost",
                r#" REFERENCES "orders","#,
                ",",
                &["foreign key `(unnamed) [parent_id] -> orders[id]` on `orders`: present vs absent"],
            ),
            v(
                "a check constraint changed",
                r#"CHECK ("total" >= 0)"#,
                r#"CHECK ("total" > 0)"#,
                &["check constraint `ck_orders_total` on `orders`: expression total >= 0 vs total > 0"],
            ),
            v(
                "a column check constraint changed",
                "'a,(b'",
                "'a,(c'",
                &["check constraint `ck_users_mood` on `users`: expression mood in ('happy', 'sad', 'so-so', 'a,(b') vs mood in ('happy', 'sad', 'so-so', 'a,(c')"],
            ),
            v(
                "an unnamed check constraint changed",
                "'x)'",
                "'y)'",
                &[
                    "check constraint `(unnamed) note <> 'x)'` on `orders`: present vs absent",
                    "check constraint `(unnamed) note <> 'y)'` on `orders`: absent vs present",
                ],
            ),
            v(
                "nullable vs not",
                r#""note" TEXT,"#,
                r#""note" TEXT NOT NULL,"#,
                &["column `orders.note`: nullable true vs false"],
            ),
            v(
                "a column type changed",
                "NUMERIC(10, 2)",
                "NUMERIC(12, 2)",
                &["column `orders.total`: type NUMERIC(10, 2) vs NUMERIC(12, 2)"],
            ),
            v(
                "a unique constraint's columns swapped",
                r#"UNIQUE ("user_id", "note")"#,
                r#"UNIQUE ("note", "user_id")"#,
                &["unique constraint `uq_orders_ref` on `orders`: columns [user_id, note] vs [note, user_id]"],
            ),
            v(
                "a unique constraint lost",
                r#"CONSTRAINT "uq_users_email" UNIQUE,"#,
                r#","#,
                &[
                    "unique constraint `uq_users_email` on `users`: present vs absent",
                ],
            ),
            v(
                "primary key renamed",
                r#"CONSTRAINT "pk_orders" PRIMARY KEY"#,
                r#"CONSTRAINT "orders_pk" PRIMARY KEY"#,
                &["primary key on `orders`: name pk_orders vs orders_pk"],
            ),
            v(
                "columns reordered",
                "    \"total\" NUMERIC(10, 2),\n    \"note\" TEXT,\n",
                "    \"note\" TEXT,\n    \"total\" NUMERIC(10, 2),\n",
                &["table `orders`: column order [id, user_id, status, total, note, parent_id] vs [id, user_id, status, note, total, parent_id]"],
            ),
            v(
                "a table left behind",
                "CREATE TABLE migrate_revisions",
                "CREATE TABLE leftover (x INTEGER); CREATE TABLE migrate_revisions",
                &["table `leftover`: absent vs present"],
            ),
        ],
    );
}

/// SQLite table rebuilds written as offline SQL give what they give online.
#[test]
fn offline_sqlite_rebuilds_equal_online() {
    for prefix in ["col", "ck", "od", "uq"] {
        let migrations = fixture_broken::migrations().filter(|m| m.revision().starts_with(prefix));
        let migrator = Migrator::new(migrations).unwrap();
        let target = format!("{prefix}2");
        let online = database(Kind::Sqlite);
        let mut conn = online.connect();
        migrator.upgrade(&mut conn, &target).unwrap();
        let a = Snapshot::capture(&mut conn).unwrap();
        let offline = database(Kind::Sqlite);
        let mut conn = offline.connect();
        let sql = migrator
            .upgrade_sql(Dialect::Sqlite, None, &target)
            .unwrap();
        if prefix != "uq" {
            assert!(
                sql.contains("_migrate_new_"),
                "{prefix}: no rebuild in\n{sql}"
            );
        }
        exec(&mut conn, &sql);
        let b = Snapshot::capture(&mut conn).unwrap();
        assert_eq!(lines(a.diff(&b)), Vec::<String>::new(), "{prefix}");
    }
}

/// Views and triggers, which migrations make with `execute`: captured, equal
/// however spelled, and a changed definition or a missing one is a diff line
/// (so the stairway catches a downgrade that forgets to drop them).
fn views_and_triggers(kind: Kind, base: &str, respelled: &str, changed: &str) {
    let s = snapshot(kind, base);
    let view = s.view("active_items").expect("the view is captured");
    assert!(view.contains("active"), "{view}");
    let trigger = s.trigger("items_touch").expect("the trigger is captured");
    assert_eq!(trigger.table, "items");
    assert!(
        trigger.definition.to_lowercase().contains("before update"),
        "{}",
        trigger.definition
    );
    assert_eq!(
        lines(s.diff(&snapshot(kind, respelled))),
        Vec::<String>::new()
    );
    let diff = lines(s.diff(&snapshot(kind, changed)));
    assert_eq!(diff.len(), 2, "{diff:?}");
    assert!(
        diff[0].starts_with("view `active_items`: definition "),
        "{diff:?}"
    );
    assert_eq!(diff[1], "trigger `items_touch`: present vs absent");
    assert!(s
        .clone()
        .without_views_and_triggers()
        .view("active_items")
        .is_none());
}

#[test]
fn views_and_triggers_on_postgres() {
    let base = "CREATE TABLE items (id INTEGER PRIMARY KEY, active BOOLEAN NOT NULL, touched TIMESTAMP);
        CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := now(); RETURN NEW; END $$;";
    let view = "CREATE VIEW active_items AS SELECT id FROM items WHERE active;";
    let trigger =
        "CREATE TRIGGER items_touch BEFORE UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch();";
    views_and_triggers(
        Kind::Postgres,
        &format!("{base} {view} {trigger}"),
        &format!("{base} create view \"active_items\" as select \"id\" from items where (active); {trigger}"),
        &format!("{base} CREATE VIEW active_items AS SELECT id FROM items WHERE NOT active;"),
    );
}

#[test]
fn views_and_triggers_on_sqlite() {
    let base =
        "CREATE TABLE items (id INTEGER PRIMARY KEY, active BOOLEAN NOT NULL, touched TEXT);";
    let view = "CREATE VIEW active_items AS SELECT id FROM items WHERE active;";
    let trigger = "CREATE TRIGGER items_touch BEFORE UPDATE ON items BEGIN SELECT 1; END;";
    views_and_triggers(
        Kind::Sqlite,
        &format!("{base} {view} {trigger}"),
        &format!("{base} create view \"active_items\" as   select ID from ITEMS where active; create trigger items_touch before update on items begin select 1; end;"),
        &format!("{base} CREATE VIEW active_items AS SELECT id FROM items WHERE NOT active;"),
    );
}
