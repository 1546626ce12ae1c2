//! A column whose type a migration widens keeps its server default, and
//! `check` (and autogenerate) find nothing to report. PostgreSQL keeps the
//! default's expression when the type changes, so the live column reports
//! it in the old type's form (`'0'::smallint`, `'x'::character varying`,
//! or `0` where a fresh `BIGINT DEFAULT '0'` reports `'0'::bigint`): the
//! same value as the column the migrations describe, created fresh. Literal
//! defaults (`server_default = "0"`, as the shop writes them) and numeric
//! ones, on every database.

use migrate_runtime::testing::TestDatabase;
use migrate_runtime::{migration, op, Database, Migrator};

#[macro_use]
mod support;
use support::*;

migrate_runtime::migrations!();

/// create counters
#[migration(revision = "w1", down_revision = None)]
mod create_counters {
    fn upgrade() {
        op!(create_table(
            "counters",
            Column("id", Integer, primary_key = true),
            Column("hits", Integer, nullable = false, server_default = "0"),
            Column("small", SmallInteger, server_default = "0"),
            Column("below", Integer, server_default = "-1"),
            Column("plain", Integer, server_default = 0),
            Column("negative", SmallInteger, server_default = -1),
            Column("price", Numeric(10, 2), server_default = "9.99"),
            Column("total", Numeric(10, 2), server_default = 0),
            Column("ratio", Float, server_default = "1.5"),
            Column("fraction", Float, server_default = "0.1"),
            Column("label", String(10), server_default = "x"),
            Column("note", String(10), server_default = "it's"),
            Column("code", Text, server_default = "n/a"),
        ));
    }

    fn downgrade() {
        op!(drop_table("counters"));
    }
}

/// widen every column
#[migration(revision = "w2", down_revision = "w1")]
mod widen {
    fn upgrade() {
        op!(alter_column(
            "counters",
            "hits",
            type_ = BigInteger,
            existing_type = Integer,
            existing_nullable = false,
            existing_server_default = "0"
        ));
        op!(alter_column(
            "counters",
            "small",
            type_ = Integer,
            existing_type = SmallInteger,
            existing_server_default = "0"
        ));
        op!(alter_column(
            "counters",
            "below",
            type_ = BigInteger,
            existing_type = Integer,
            existing_server_default = "-1"
        ));
        op!(alter_column(
            "counters",
            "plain",
            type_ = BigInteger,
            existing_type = Integer,
            existing_server_default = 0
        ));
        op!(alter_column(
            "counters",
            "negative",
            type_ = Integer,
            existing_type = SmallInteger,
            existing_server_default = -1
        ));
        op!(alter_column(
            "counters",
            "price",
            type_ = Numeric(12, 2),
            existing_type = Numeric(10, 2),
            existing_server_default = "9.99"
        ));
        op!(alter_column(
            "counters",
            "total",
            type_ = Numeric(12, 4),
            existing_type = Numeric(10, 2),
            existing_server_default = 0
        ));
        op!(alter_column(
            "counters",
            "ratio",
            type_ = Double,
            existing_type = Float,
            existing_server_default = "1.5"
        ));
        op!(alter_column(
            "counters",
            "fraction",
            type_ = Double,
            existing_type = Float,
            existing_server_default = "0.1"
        ));
        op!(alter_column(
            "counters",
            "label",
            type_ = String(40),
            existing_type = String(10),
            existing_server_default = "x"
        ));
        op!(alter_column(
            "counters",
            "note",
            type_ = Text,
            existing_type = String(10),
            existing_server_default = "it's"
        ));
        op!(alter_column(
            "counters",
            "code",
            type_ = String(20),
            existing_type = Text,
            existing_server_default = "n/a"
        ));
    }
    // The downgrade is derived: each `alter_column` back, in reverse order.
}

on_both!(widened_columns_keep_their_defaults);
on_mysql!(widened_columns_keep_their_defaults);

/// At each revision, up and back down, `check` reports nothing and
/// autogenerate has nothing to write; but on PostgreSQL a `real` default
/// made `double precision` keeps the `real`'s value, which is not the
/// literal's (`0.10000000149011612`, not `0.1`).
fn widened_columns_keep_their_defaults(db: TestDatabase) {
    let mut conn = db.connect();
    let m = Migrator::new(migrations()).unwrap();
    let postgres = matches!(conn, Database::Postgres(_));
    for (step, target) in [("up", "w1"), ("up", "w2"), ("down", "w1")] {
        match step {
            "up" => m.upgrade(&mut conn, target).unwrap(),
            _ => m.downgrade(&mut conn, target).unwrap(),
        };
        let lossy: &[&str] = match (postgres, target) {
            (true, "w2") => {
                &["column `counters.fraction`: default '0.1'::double precision vs '0.1'::real"]
            }
            _ => &[],
        };
        assert_eq!(
            lines(m.check(&mut conn).unwrap().differences),
            lossy,
            "check at {target} ({step})"
        );
    }
    m.upgrade(&mut conn, "head").unwrap();
    let found = m.autogenerate(&mut conn).unwrap();
    assert_eq!(
        found.ops().len(),
        usize::from(postgres),
        "{:?}",
        found.ops()
    );
}
