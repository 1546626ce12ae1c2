//! Faults on real PostgreSQL and SQLite, caused through the database and
//! never through a hook in the runtime: a failure at any revision of a chain
//! leaves the schema, the rows and the version table exactly at the revision
//! before, and a migration process killed with SIGKILL leaves a consistent
//! database that a rerun completes without waiting on the dead run's lock
//! (on MariaDB too, where the server releases `GET_LOCK` with the session).

mod support;
use support::*;

use migrate_runtime::testing::{Snapshot, TestDatabase};
use migrate_runtime::{AppliedRevision, Database, Migrator};
use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() { super::$name(migrate_runtime::testing::TestDatabase::sqlite) })*
        }
        mod postgres {
            $(#[test] fn $name() { super::$name(migrate_runtime::testing::TestDatabase::postgres) })*
        }
    };
}

on_both!(
    a_version_table_trigger_at_any_revision_leaves_the_one_before,
    a_conflicting_object_at_any_revision_leaves_the_one_before,
    a_failed_first_migration_leaves_a_database_never_migrated,
    a_killed_migration_leaves_a_consistent_database_and_a_rerun_completes,
);

// MySQL's DDL is not transactional: a failure leaves its migration
// half-done and recorded as partial (see partial.rs); so does a killed run,
// which the rerun resumes.
mod mysql {
    #[test]
    fn a_killed_migration_leaves_a_consistent_database_and_a_rerun_completes() {
        super::a_killed_migration_leaves_a_consistent_database_and_a_rerun_completes(
            migrate_runtime::testing::TestDatabase::mysql,
        )
    }
}

// -- the database, through diesel -------------------------------------------

fn is_postgres(db: &mut Database) -> bool {
    matches!(db, Database::Postgres(_))
}

// -- the chain ----------------------------------------------------------------

fn chain() -> Migrator {
    Migrator::new(fixture_chain::migrations()).unwrap()
}

/// The chain's revisions, first to last.
fn revisions(m: &Migrator) -> Vec<&'static str> {
    let revs: Vec<&'static str> = m.history().iter().rev().map(|m| m.revision()).collect();
    assert!(revs.len() >= 10, "the chain is too short: {revs:?}");
    revs
}

/// The migration that is slow while `slow_flag` exists.
const SLOW: &str = "c07";

/// From the kill of a run inside [`SLOW`] to the end of its rerun. The slow
/// statement would take a minute; the server should notice the dead client
/// within about a second.
const RERUN_BOUND: Duration = Duration::from_secs(15);

/// Per revision: SQL (the same on both databases) that makes one of its
/// statements fail, and SQL that removes the cause again. Where the revision
/// allows, the failing statement is a late one, so that earlier ones have run
/// and must be rolled back.
fn conflict(revision: &str) -> (&'static str, &'static str) {
    match revision {
        // Its unique index: the name is a table's already.
        "c01" => (
            "CREATE TABLE ix_customers_email (x INTEGER)",
            "DROP TABLE ix_customers_email",
        ),
        "c02" => ("CREATE TABLE products (x INTEGER)", "DROP TABLE products"),
        "c03" => (
            "CREATE TABLE ix_customers_active (x INTEGER)",
            "DROP TABLE ix_customers_active",
        ),
        "c04" => (
            "CREATE TABLE ix_orders_customer_status (x INTEGER)",
            "DROP TABLE ix_orders_customer_status",
        ),
        // Its bulk_insert: a row with the same key.
        "c05" => (
            "INSERT INTO orders (id, customer_id) VALUES (1, 2)",
            "DELETE FROM orders WHERE id = 1",
        ),
        // Its column rename, after the table rename: the new name is taken.
        "c06" => (
            "ALTER TABLE products ADD COLUMN code INTEGER",
            "ALTER TABLE products DROP COLUMN code",
        ),
        "c07" => (
            "CREATE TABLE audit_notes (x INTEGER)",
            "DROP TABLE audit_notes",
        ),
        // Its check constraint: a row that breaks it.
        "c08" => (
            "INSERT INTO orders (id, customer_id, total) VALUES (3, 1, -1)",
            "DELETE FROM orders WHERE id = 3",
        ),
        "c09" => (
            "CREATE TABLE ix_orders_item (x INTEGER)",
            "DROP TABLE ix_orders_item",
        ),
        // Its NOT NULL: a customer without a name.
        "c10" => (
            "INSERT INTO customers (id, email) VALUES (3, 'nameless@example.com')",
            "DELETE FROM customers WHERE id = 3",
        ),
        "c11" => ("CREATE TABLE tags (x INTEGER)", "DROP TABLE tags"),
        "c12" => (
            "CREATE TABLE order_tags (x INTEGER)",
            "DROP TABLE order_tags",
        ),
        other => panic!("no conflict written for revision {other}"),
    }
}

/// A trigger that refuses to record `revision` in the version table: the
/// migration's statements all succeed, and only its version row fails.
fn version_trigger(db: &mut Database, revision: &str) -> (String, &'static str) {
    if is_postgres(db) {
        (
            format!(
                "CREATE FUNCTION inject_fault() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN RAISE EXCEPTION 'injected fault'; END $$; \
                 CREATE TRIGGER inject_fault BEFORE INSERT ON migrate_revisions \
                 FOR EACH ROW WHEN (NEW.revision = '{revision}') EXECUTE FUNCTION inject_fault()"
            ),
            "DROP TRIGGER inject_fault ON migrate_revisions; DROP FUNCTION inject_fault()",
        )
    } else {
        (
            format!(
                "CREATE TRIGGER inject_fault BEFORE INSERT ON migrate_revisions \
                 WHEN NEW.revision = '{revision}' \
                 BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
            ),
            "DROP TRIGGER inject_fault",
        )
    }
}

// -- what "exactly at a revision" compares --------------------------------------

/// Everything a failed migration could leave behind: the schema, every row of
/// every table, and the version table's rows.
struct State {
    schema: Snapshot,
    rows: BTreeMap<String, Vec<String>>,
    versions: Vec<AppliedRevision>,
}

impl State {
    fn capture(db: &mut Database, m: &Migrator) -> State {
        let schema = Snapshot::capture(db).unwrap();
        let postgres = is_postgres(db);
        let mut rows = BTreeMap::new();
        for table in schema.tables() {
            // The version rows are compared whole below; here their times
            // would differ from a reference database's.
            if table.name == "migrate_revisions" {
                continue;
            }
            let sql = if postgres {
                format!(
                    "SELECT CAST(t AS TEXT) AS value FROM \"{}\" t ORDER BY 1",
                    table.name
                )
            } else if let Database::Mysql(_) = db {
                let values: Vec<String> = table
                    .columns
                    .iter()
                    .map(|c| format!("QUOTE(`{}`)", c.name))
                    .collect();
                format!(
                    "SELECT CONCAT_WS(',', {}) AS value FROM `{}` ORDER BY 1",
                    values.join(", "),
                    table.name
                )
            } else {
                let values: Vec<String> = table
                    .columns
                    .iter()
                    .map(|c| format!("quote(\"{}\")", c.name))
                    .collect();
                format!(
                    "SELECT {} AS value FROM \"{}\" ORDER BY 1",
                    values.join(" || ',' || "),
                    table.name
                )
            };
            let dump = texts(db, &sql).into_iter().flatten().collect();
            rows.insert(table.name.clone(), dump);
        }
        let mut versions = m.applied(db).unwrap();
        versions.sort_by(|a, b| a.revision.cmp(&b.revision));
        State {
            schema,
            rows,
            versions,
        }
    }

    fn without_table(mut self, name: &str) -> State {
        self.schema = self.schema.without_table(name);
        self.rows.remove(name);
        self
    }

    fn revisions(&self) -> Vec<&str> {
        self.versions.iter().map(|v| v.revision.as_str()).collect()
    }

    /// Differences in schema and rows, and in the version rows: whole rows
    /// when `whole_versions` (the same database, before and after), else
    /// only which revisions (another database applied them at other times).
    fn diff(&self, other: &State, whole_versions: bool) -> Vec<String> {
        let mut out = lines(self.schema.diff(&other.schema));
        for (table, rows) in &self.rows {
            match other.rows.get(table) {
                Some(theirs) if theirs != rows => {
                    out.push(format!("rows of `{table}`: {rows:?} vs {theirs:?}"))
                }
                _ => {}
            }
        }
        if self.revisions() != other.revisions() {
            out.push(format!(
                "applied revisions: {:?} vs {:?}",
                self.revisions(),
                other.revisions()
            ));
        } else if whole_versions && self.versions != other.versions {
            out.push(format!(
                "version rows: {:?} vs {:?}",
                self.versions, other.versions
            ));
        }
        out
    }
}

fn assert_same(expected: &State, actual: &State, whole_versions: bool, what: &str) {
    let diff = expected.diff(actual, whole_versions);
    assert!(diff.is_empty(), "{what}:\n  {}", diff.join("\n  "));
}

/// A database migrated without interruption to `target` (`None`: untouched).
fn reference(new_db: fn() -> TestDatabase, m: &Migrator, target: Option<&str>) -> State {
    let db = new_db();
    let mut conn = db.connect();
    if let Some(target) = target {
        m.upgrade(&mut conn, target).unwrap();
    }
    State::capture(&mut conn, m)
}

// -- fault injection ------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    /// The version table refuses the revision's row.
    VersionTrigger,
    /// An object in the way makes one of the revision's statements fail.
    Conflict,
}

fn a_version_table_trigger_at_any_revision_leaves_the_one_before(new_db: fn() -> TestDatabase) {
    a_fault_at_any_revision_leaves_the_one_before(new_db, Fault::VersionTrigger);
}

fn a_conflicting_object_at_any_revision_leaves_the_one_before(new_db: fn() -> TestDatabase) {
    a_fault_at_any_revision_leaves_the_one_before(new_db, Fault::Conflict);
}

fn a_fault_at_any_revision_leaves_the_one_before(new_db: fn() -> TestDatabase, fault: Fault) {
    let m = chain();
    let revs = revisions(&m);
    let head = reference(new_db, &m, Some("head"));
    for i in 0..revs.len() {
        let err = fault_at(new_db, &m, &head, fault, i, Start::Stamped);
        let (revision, at) = (revs[i], position(&revs, i));
        assert!(
            err.contains(revision) && err.contains(&format!("still at {at}")),
            "{fault:?} at {revision}: the error must name {revision} and say the database is still at {at}: {err}"
        );
    }
}

/// A first deploy that fails leaves the database as it found it, without a
/// version table either.
fn a_failed_first_migration_leaves_a_database_never_migrated(new_db: fn() -> TestDatabase) {
    let m = chain();
    let head = reference(new_db, &m, Some("head"));
    let err = fault_at(new_db, &m, &head, Fault::Conflict, 0, Start::Untouched);
    assert!(err.contains("still at base"), "{err}");
}

/// How the database is before the upgrade to a fault at its first revision.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    /// Stamped `base`: the version table exists, empty (the trigger needs it).
    Stamped,
    /// Never touched by the migrator.
    Untouched,
}

/// The database's position after revision `i` fails, as the runtime words it.
fn position(revs: &[&str], i: usize) -> String {
    match i.checked_sub(1) {
        Some(p) => revs[p].to_string(),
        None => "base".into(),
    }
}

/// On a fresh database at the revision before `revs[i]`: injects `fault` at
/// `revs[i]`, upgrades to head, and checks that the failed upgrade changed
/// nothing; then removes the fault and checks that the upgrade completes, to
/// the same database as one never interrupted (`head`). The error, as text.
fn fault_at(
    new_db: fn() -> TestDatabase,
    m: &Migrator,
    head: &State,
    fault: Fault,
    i: usize,
    start: Start,
) -> String {
    let revs = revisions(m);
    let revision = revs[i];
    let db = new_db();
    let mut conn = db.connect();
    match i.checked_sub(1) {
        Some(p) => {
            m.upgrade(&mut conn, revs[p]).unwrap();
        }
        None if start == Start::Stamped => {
            m.stamp(&mut conn, "base", false).unwrap();
        }
        None => {}
    }
    let (inject, remove) = match fault {
        Fault::VersionTrigger => version_trigger(&mut conn, revision),
        Fault::Conflict => {
            let (inject, remove) = conflict(revision);
            (inject.to_string(), remove)
        }
    };
    exec(&mut conn, &inject);
    let before = State::capture(&mut conn, m);

    let err = match m.upgrade(&mut conn, "head") {
        Ok(done) => panic!("{fault:?} at {revision}: the upgrade succeeded: {done:?}"),
        Err(e) => e.to_string(),
    };
    let after = State::capture(&mut conn, m);
    assert_same(
        &before,
        &after,
        true,
        &format!("{fault:?} at {revision} changed the database ({err})"),
    );

    exec(&mut conn, remove);
    m.upgrade(&mut conn, "head")
        .unwrap_or_else(|e| panic!("{fault:?} at {revision}, removed: {e}"));
    assert_same(
        head,
        &State::capture(&mut conn, m),
        false,
        &format!("{fault:?} at {revision}, removed, then upgraded to head"),
    );
    err
}

// -- a killed migration process --------------------------------------------------

/// The `chain` binary (`tests/src/bin/chain.rs`), killed when dropped so a
/// failing test leaves no process behind. Its stderr, where the CLI reports
/// each migration as it starts, arrives on `progress`.
struct Cli {
    child: Child,
    progress: mpsc::Receiver<String>,
    seen: String,
}

impl Cli {
    fn spawn(url: &str, args: &[&str]) -> Cli {
        let mut child = Command::new(env!("CARGO_BIN_EXE_chain"))
            .args(["--database-url", url])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the chain binary starts");
        let mut stderr = child.stderr.take().unwrap();
        let (tx, progress) = mpsc::channel();
        // Progress lines end only when a migration is done: read bytes, not
        // lines, to see one start.
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0
                    || tx
                        .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                        .is_err()
                {
                    break;
                }
            }
        });
        Cli {
            child,
            progress,
            seen: String::new(),
        }
    }

    /// Waits until stderr contains `text`.
    fn wait_for(&mut self, text: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.seen.contains(text) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.progress.recv_timeout(left) {
                Ok(chunk) => self.seen.push_str(&chunk),
                Err(_) => panic!(
                    "`{text}` not seen within {timeout:?}; stderr so far:\n{}",
                    self.seen
                ),
            }
        }
    }

    /// Waits for the process to exit; its status and whole stderr.
    fn finish(mut self, timeout: Duration) -> (ExitStatus, String) {
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() >= deadline {
                self.drain();
                panic!(
                    "still running after {timeout:?}; stderr so far:\n{}",
                    self.seen
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        self.drain();
        (status, std::mem::take(&mut self.seen))
    }

    fn drain(&mut self) {
        while let Ok(chunk) = self.progress.recv_timeout(Duration::from_millis(200)) {
            self.seen.push_str(&chunk);
        }
    }

    fn kill(mut self) {
        assert!(
            self.child.try_wait().unwrap().is_none(),
            "exited before it could be killed; stderr so far:\n{}",
            self.seen
        );
        self.child.kill().unwrap(); // SIGKILL: no destructor, no rollback
        self.child.wait().unwrap();
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The server process running `pg_sleep` in this database for another
/// session, once it is there.
fn sleeping_backend(db: &mut Database, timeout: Duration) -> String {
    let deadline = Instant::now() + timeout;
    loop {
        let pids = texts(
            db,
            "SELECT CAST(pid AS TEXT) AS value FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid() \
             AND state = 'active' AND query LIKE '%pg_sleep%'",
        );
        if let Some(Some(pid)) = pids.into_iter().next() {
            return pid;
        }
        assert!(
            Instant::now() < deadline,
            "no session of this database entered pg_sleep within {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// MySQL's session (its connection id) running `SLEEP` in this database
/// for another connection, once it is there.
fn sleeping_session(db: &mut Database, timeout: Duration) -> String {
    let deadline = Instant::now() + timeout;
    loop {
        let ids = texts(
            db,
            "SELECT CAST(ID AS CHAR) AS value FROM information_schema.PROCESSLIST \
         WHERE DB = DATABASE() AND ID <> CONNECTION_ID() AND INFO LIKE '%SLEEP(%'",
        );
        if let Some(Some(id)) = ids.into_iter().next() {
            return id;
        }
        assert!(
            Instant::now() < deadline,
            "no session of this database entered SLEEP within {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn a_killed_migration_leaves_a_consistent_database_and_a_rerun_completes(
    new_db: fn() -> TestDatabase,
) {
    let m = chain();
    let revs = revisions(&m);
    let slow_index = revs.iter().position(|r| *r == SLOW).unwrap();
    let db = new_db();
    let mut conn = db.connect();
    let postgres = is_postgres(&mut conn);
    let mysql = matches!(conn, Database::Mysql(_));
    exec(&mut conn, "CREATE TABLE slow_flag (id INTEGER)");

    let run = {
        let mut run = Cli::spawn(db.url(), &["upgrade", "head"]);
        run.wait_for(&format!("-> {SLOW},"), Duration::from_secs(30));
        run
    };
    let backend = if postgres {
        Some(sleeping_backend(&mut conn, Duration::from_secs(10)))
    } else if mysql {
        Some(sleeping_session(&mut conn, Duration::from_secs(10)))
    } else {
        // The spin starts right after the progress line; let it, then check
        // that the run still holds the database.
        std::thread::sleep(Duration::from_millis(300));
        let write = try_exec(&mut conn, "BEGIN IMMEDIATE; ROLLBACK");
        assert!(
            write.is_err(),
            "the migration process does not hold the database"
        );
        None
    };
    run.kill();
    let killed_at = Instant::now();

    // Consistent: the applied revisions are a prefix of the chain, and the
    // schema and rows are exactly that prefix's. Each migration commits on
    // its own, so the killed run kept those before the slow one. On MySQL
    // the slow one's first statement committed too, and is recorded: the
    // revision is partial, 1 of its 3 statements done.
    let mut killed = State::capture(&mut conn, &m).without_table("slow_flag");
    if mysql {
        let partial: Vec<(&str, usize, usize)> = killed
            .versions
            .iter()
            .filter_map(|v| Some((v.revision.as_str(), v.progress()?.done, v.progress()?.total)))
            .collect();
        assert_eq!(partial, [(SLOW, 1, 3)], "the killed run's progress");
        assert!(
            killed.schema.tables().any(|t| t.name == "audit_log"),
            "the slow migration's first statement stays"
        );
        // `current` and `history` say so.
        let cli = |args: &[&str]| {
            let out = Command::new(env!("CARGO_BIN_EXE_chain"))
                .args(["--database-url", db.url()])
                .args(args)
                .output()
                .unwrap();
            assert!(out.status.success(), "{args:?}: {out:?}");
            String::from_utf8(out.stdout).unwrap()
        };
        let partial = "partial: upgrade stopped after 1 of 3 statements";
        assert_eq!(cli(&["current"]), format!("{SLOW} ({partial})\n"));
        let history = cli(&["history", "--indicate-current"]);
        assert!(
            history.contains(&format!("-> {SLOW} (current, {partial}),")),
            "{history}"
        );
        killed = killed.without_table("audit_log");
        killed.versions.retain(|v| v.progress().is_none());
    }
    let kept = slow_index;
    assert_eq!(
        killed.revisions(),
        revs[..kept],
        "what the killed run left recorded"
    );
    let expected = reference(new_db, &m, kept.checked_sub(1).map(|i| revs[i]));
    assert_same(
        &expected,
        &killed,
        false,
        "the database the killed run left",
    );

    // The clock runs from the kill: dropping the flag could wait on the dead
    // run's session as well as the rerun could.
    exec(&mut conn, "DROP TABLE slow_flag");
    // A lock timeout far beyond the bound: only the dead run's session going
    // away lets the rerun finish in time.
    let rerun = Cli::spawn(db.url(), &["--lock-timeout", "120", "upgrade", "head"]);
    let (status, stderr) = rerun.finish(RERUN_BOUND.saturating_sub(killed_at.elapsed()));
    assert!(status.success(), "the rerun failed ({status}):\n{stderr}");
    // Each revision ran once: the rerun started where the killed run stopped
    // (on MySQL inside the slow one, at its second statement).
    let ran: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.split_once(" -> ")?.1.split_once(',').map(|(r, _)| r))
        .collect();
    assert_eq!(ran, revs[kept..], "what the rerun applied:\n{stderr}");
    if let Some(pid) = backend {
        let sql = if mysql {
            format!("SELECT CAST(ID AS CHAR) AS value FROM information_schema.PROCESSLIST WHERE ID = {pid}")
        } else {
            format!("SELECT CAST(pid AS TEXT) AS value FROM pg_stat_activity WHERE pid = {pid}")
        };
        let alive = texts(&mut conn, &sql);
        assert!(
            alive.is_empty(),
            "the killed run's session {pid} is still there"
        );
    }
    let head = reference(new_db, &m, Some("head"));
    let done = State::capture(&mut conn, &m);
    assert_eq!(done.revisions(), revs);
    assert_same(&head, &done, false, "the database after the rerun");
}
