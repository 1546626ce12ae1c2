//! The checks pytest-alembic gives Alembic users, for `#[test]` functions: each
//! `check_*` returns what it found, each `assert_*` panics with it.

use super::{Snapshot, TestDatabase};
use crate::graph::RevisionGraph;
use crate::schema::replay;
use crate::{Database, Difference, Error, Migrations, Migrator};
use migrate_core::difference::join;
use std::collections::BTreeSet;
use std::fmt;

/// What a check found wrong.
#[derive(Debug)]
pub struct Failure {
    /// Which check.
    pub check: &'static str,
    /// What, with a diff where there is one.
    pub message: String,
    /// The differences between the schemas it compared, when that is what
    /// failed (the expected schema first).
    pub differences: Vec<Difference>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.check, self.message)
    }
}

impl std::error::Error for Failure {}

fn fail(check: &'static str, message: impl Into<String>) -> Failure {
    Failure {
        check,
        message: message.into(),
        differences: Vec::new(),
    }
}

/// A failure that is a difference between two schemas: `message` heads the
/// list of differences.
fn differ(check: &'static str, message: String, differences: Vec<Difference>) -> Failure {
    Failure {
        check,
        message: format!("{message}:\n  {}", join(&differences, "\n  ")),
        differences,
    }
}

fn snapshot(conn: &mut Database, version_table: &str) -> Result<Snapshot, Error> {
    Ok(Snapshot::capture(conn)?.without_table(version_table))
}

const VERSION_TABLE: &str = "migrate_revisions";

/// One head: `upgrade head` means one thing. (The compiler already refuses a
/// second unlabelled child; labelled branches that were never merged are
/// caught here.)
pub fn check_single_head(migrations: &Migrations) -> Result<(), Failure> {
    let graph = RevisionGraph::from_migrations(migrations)
        .map_err(|e| fail("single head", e.to_string()))?;
    match graph.heads().as_slice() {
        [_] => Ok(()),
        [] => Err(fail("single head", "there is no migration")),
        heads => Err(fail(
            "single head",
            format!(
                "{} heads: {}; merge them with a migration whose `down_revision` lists them",
                heads.len(),
                heads.join(", ")
            ),
        )),
    }
}

/// Upgrading from base to every head succeeds.
pub fn check_upgrade(db: &TestDatabase, migrations: &Migrations) -> Result<(), Failure> {
    let m = Migrator::new(migrations.clone()).map_err(|e| fail("upgrade", e.to_string()))?;
    m.upgrade(&mut db.connect(), "heads")
        .map_err(|e| fail("upgrade", e.to_string()))?;
    Ok(())
}

/// For every revision: upgrade, downgrade leaves the schema exactly as before
/// (compared by introspection; column order aside, which no database can
/// restore), and upgrading again succeeds and gives the same schema.
pub fn check_stairway(db: &TestDatabase, migrations: &Migrations) -> Result<(), Failure> {
    let check = "stairway";
    let m = Migrator::new(migrations.clone()).map_err(|e| fail(check, e.to_string()))?;
    let graph = m.graph().clone();
    let mut conn = db.connect();
    let err = |what: String| move |e: Error| fail(check, format!("{what}: {e}"));
    let read_applied = |conn: &mut Database| -> Result<BTreeSet<String>, Failure> {
        Ok(m.applied(conn)
            .map_err(err("reading the version table".into()))?
            .into_iter()
            .map(|r| r.revision)
            .collect())
    };
    // The parent to downgrade to, to take a revision back.
    let below = |rev: &str| graph.parents(rev).first().copied().unwrap_or("base");
    let mut applied: BTreeSet<String> = BTreeSet::new();
    // What lies at or after an irreversible migration comes last: once it is
    // applied, no other line can be reached by downgrading.
    let one_way: BTreeSet<&str> = graph
        .topological_order()
        .into_iter()
        .filter(|r| {
            std::iter::once(*r)
                .chain(graph.ancestors(r))
                .any(|a| migrations.get(a).is_some_and(|m| m.downgrade().is_none()))
        })
        .collect();
    let order: Vec<&str> = graph
        .topological_order()
        .into_iter()
        .filter(|r| !one_way.contains(r))
        .chain(
            graph
                .topological_order()
                .into_iter()
                .filter(|r| one_way.contains(r)),
        )
        .collect();
    for rev in order {
        let migration = migrations.get(rev).expect("graph revisions are known");
        let needed: BTreeSet<String> = graph
            .ancestors(rev)
            .into_iter()
            .map(str::to_string)
            .collect();
        // Take away what another line of history applied, then bring in what
        // this revision follows.
        for extra in graph.topological_order().into_iter().rev() {
            if applied.contains(extra) && !needed.contains(extra) {
                m.downgrade(&mut conn, below(extra))
                    .map_err(err(format!("taking back {extra}")))?;
                applied = read_applied(&mut conn)?;
            }
        }
        for p in graph.parents(rev) {
            m.upgrade(&mut conn, p)
                .map_err(err(format!("upgrading to {p}")))?;
        }
        let before = snapshot(&mut conn, VERSION_TABLE).map_err(err("introspecting".into()))?;
        m.upgrade(&mut conn, rev)
            .map_err(err(format!("upgrade {rev}")))?;
        let after = snapshot(&mut conn, VERSION_TABLE).map_err(err("introspecting".into()))?;
        if migration.downgrade().is_none() {
            // Irreversible: the stairway ends here for this line.
            applied = read_applied(&mut conn)?;
            continue;
        }
        m.downgrade(&mut conn, below(rev))
            .map_err(err(format!("downgrade {rev}")))?;
        let back = snapshot(&mut conn, VERSION_TABLE).map_err(err("introspecting".into()))?;
        let diff = before.diff_schema(&back);
        if !diff.is_empty() {
            return Err(differ(
                check,
                format!(
                    "downgrade {rev} ({}) does not restore the schema before its upgrade",
                    migration.message()
                ),
                diff,
            ));
        }
        m.upgrade(&mut conn, rev)
            .map_err(err(format!("upgrade {rev} again after its downgrade")))?;
        let again = snapshot(&mut conn, VERSION_TABLE).map_err(err("introspecting".into()))?;
        let diff = after.diff_schema(&again);
        if !diff.is_empty() {
            return Err(differ(
                check,
                format!("upgrade {rev} again gives another schema"),
                diff,
            ));
        }
        applied = read_applied(&mut conn)?;
    }
    Ok(())
}

/// Upgrading to every head then downgrading to base leaves nothing: no
/// table, type, sequence or index but the (empty) version table.
pub fn check_downgrade_to_base(db: &TestDatabase, migrations: &Migrations) -> Result<(), Failure> {
    let check = "downgrade to base";
    let m = Migrator::new(migrations.clone()).map_err(|e| fail(check, e.to_string()))?;
    let mut conn = db.connect();
    let empty = snapshot(&mut conn, VERSION_TABLE).map_err(|e| fail(check, e.to_string()))?;
    m.upgrade(&mut conn, "heads")
        .map_err(|e| fail(check, format!("upgrade heads: {e}")))?;
    m.downgrade(&mut conn, "base")
        .map_err(|e| fail(check, format!("downgrade base: {e}")))?;
    let left = snapshot(&mut conn, VERSION_TABLE).map_err(|e| fail(check, e.to_string()))?;
    let diff = empty.diff(&left);
    if !diff.is_empty() {
        return Err(differ(check, "left behind".into(), diff));
    }
    Ok(())
}

/// The schema after upgrading to every head equals the schema model replayed
/// from the migrations, created in a second database of the same kind: what
/// the migrations say is what the database has (`execute` that changes the
/// schema shows up here).
pub fn check_model_matches(
    db: &TestDatabase,
    model_db: &TestDatabase,
    migrations: &Migrations,
) -> Result<(), Failure> {
    let check = "model matches";
    let m = Migrator::new(migrations.clone()).map_err(|e| fail(check, e.to_string()))?;
    let mut conn = db.connect();
    m.upgrade(&mut conn, "heads")
        .map_err(|e| fail(check, format!("upgrade heads: {e}")))?;
    let live = snapshot(&mut conn, VERSION_TABLE).map_err(|e| fail(check, e.to_string()))?;
    let all: BTreeSet<String> = m
        .graph()
        .topological_order()
        .into_iter()
        .map(str::to_string)
        .collect();
    let model = replay(migrations, m.graph(), &all).map_err(|e| fail(check, e.to_string()))?;
    let mut other = model_db.connect();
    let ops = model.create_ops().map_err(|e| fail(check, e))?;
    crate::migrator::create_model(
        &mut crate::MigrationConnection::connection(&mut other),
        &ops,
    )
    .map_err(|e| fail(check, e.to_string()))?;
    let modelled = snapshot(&mut other, VERSION_TABLE).map_err(|e| fail(check, e.to_string()))?;
    let diff = modelled.diff_schema(&live);
    if !diff.is_empty() {
        return Err(differ(
            check,
            "the database differs from what the migrations describe (model vs database)".into(),
            diff,
        ));
    }
    Ok(())
}

/// [`check_single_head`], panicking with what it found.
pub fn assert_single_head(migrations: &Migrations) {
    if let Err(f) = check_single_head(migrations) {
        panic!("{f}");
    }
}

/// [`check_upgrade`], panicking with what it found.
pub fn assert_upgrade(db: &TestDatabase, migrations: &Migrations) {
    if let Err(f) = check_upgrade(db, migrations) {
        panic!("{f}");
    }
}

/// [`check_stairway`], panicking with what it found.
pub fn assert_stairway(db: &TestDatabase, migrations: &Migrations) {
    if let Err(f) = check_stairway(db, migrations) {
        panic!("{f}");
    }
}

/// [`check_downgrade_to_base`], panicking with what it found.
pub fn assert_downgrade_to_base(db: &TestDatabase, migrations: &Migrations) {
    if let Err(f) = check_downgrade_to_base(db, migrations) {
        panic!("{f}");
    }
}

/// [`check_model_matches`], panicking with what it found.
pub fn assert_model_matches(db: &TestDatabase, model_db: &TestDatabase, migrations: &Migrations) {
    if let Err(f) = check_model_matches(db, model_db, migrations) {
        panic!("{f}");
    }
}
