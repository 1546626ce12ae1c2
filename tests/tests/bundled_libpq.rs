//! The features that link libpq into the executable, `postgres-bundled`
//! (TLS through the system's OpenSSL) and `postgres-bundled-without-tls`, as
//! a user builds them: a program of two migrations, built by cargo once per
//! feature under `target/tmp` (as bench/runtime does), must not load the
//! system's libpq (nor OpenSSL, without TLS), must migrate a real server up
//! and down, and must say clearly what a URL asking for TLS gets.

mod support;

use migrate_runtime::testing::TestDatabase;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const MAIN: &str = r#"//! Two migrations and the migrator's command line.
migrate_runtime::migrations!();
mod m;

fn main() -> std::process::ExitCode {
    migrate_runtime::cli::run(migrations())
}
"#;

const M1: &str = r#"use migrate_runtime::{migration, op};

/// create account
#[migration(revision = "1", down_revision = None)]
mod create_account {
    fn upgrade() {
        op!(create_table(
            "account",
            Column("id", Integer, primary_key = true),
            Column("email", String(200), nullable = false),
        ));
    }
}
"#;

const M2: &str = r#"use migrate_runtime::{migration, op};

/// add account.note
#[migration(revision = "2", down_revision = "1")]
mod add_note {
    fn upgrade() {
        op!(add_column("account", Column("note", Text)));
        op!(create_index("ix_account_note", "account", ["note"]));
    }
}
"#;

/// The program built with `feature`, on first use (one build at a time:
/// the two share a target directory).
fn program(feature: &str) -> PathBuf {
    static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = ONE.lock().unwrap_or_else(|e| e.into_inner());
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bundled-libpq");
    let dir = root.join(feature);
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrate-runtime");
    let manifest = format!(
        "[package]\nname = \"{feature}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n\
         migrate-runtime = {{ path = {runtime:?}, default-features = false, features = [\"{feature}\", \"cli\"] }}\n\n\
         [workspace]\n",
        runtime = runtime.display().to_string()
    );
    // The workspace's versions, so the build resolves nothing anew.
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock"))
        .expect("the workspace's Cargo.lock");
    if !dir.join("Cargo.lock").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("Cargo.lock"), lock).unwrap();
    }
    support::build_program(
        &dir,
        &[
            ("Cargo.toml", manifest.as_str()),
            ("src/main.rs", MAIN),
            ("src/m/mod.rs", "mod m1;\nmod m2;\n"),
            ("src/m/m1.rs", M1),
            ("src/m/m2.rs", M2),
        ],
        &root.join("target"),
        &format!("the program with `{feature}`"),
    );
    root.join("target/debug").join(feature)
}

/// The shared libraries the program loads (`ldd`).
fn loaded(bin: &Path) -> String {
    let out = Command::new("ldd").arg(bin).output().unwrap();
    assert!(out.status.success(), "ldd {}", bin.display());
    String::from_utf8(out.stdout).unwrap()
}

fn run(bin: &Path, url: &str, args: &[&str]) -> Output {
    Command::new(bin)
        .args(["--database-url", url])
        .args(args)
        .output()
        .unwrap()
}

fn ok(bin: &Path, url: &str, args: &[&str]) -> String {
    let out = run(bin, url, args);
    assert!(
        out.status.success(),
        "{args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn tables(db: &TestDatabase) -> Vec<String> {
    let rows = support::texts(
        &mut db.connect(),
        "SELECT table_name::text AS value FROM information_schema.tables \
         WHERE table_schema = 'public' ORDER BY 1",
    );
    rows.into_iter().flatten().collect()
}

/// Up, `current`, down on a real server, then a run whose URL asks for
/// TLS (the test server offers none): its stderr.
fn migrate_and_ask_for_tls(bin: &Path) -> String {
    let db = TestDatabase::postgres();
    let url = db.url();
    ok(bin, url, &["upgrade", "head"]);
    assert_eq!(tables(&db), ["account", "migrate_revisions"]);
    assert!(ok(bin, url, &["current"]).contains('2'));
    ok(bin, url, &["downgrade", "base"]);
    assert_eq!(tables(&db), ["migrate_revisions"]);
    let sep = if url.contains('?') { '&' } else { '?' };
    let out = run(
        bin,
        &format!("{url}{sep}sslmode=require"),
        &["upgrade", "head"],
    );
    assert!(!out.status.success(), "the test server has no TLS");
    // Nothing ran.
    assert_eq!(tables(&db), ["migrate_revisions"]);
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn postgres_bundled_links_libpq_in_and_speaks_tls() {
    let bin = program("postgres-bundled");
    let libs = loaded(&bin);
    assert!(!libs.contains("libpq.so"), "libpq is linked in:\n{libs}");
    assert!(!libs.contains("libkrb5"), "no Kerberos:\n{libs}");
    let err = migrate_and_ask_for_tls(&bin);
    // libpq asked the server for TLS, which it does not offer.
    assert!(err.contains("does not support SSL"), "{err}");
    assert!(
        err.contains("help: the URL's `sslmode` requires TLS and the server offers none"),
        "{err}"
    );
}

#[test]
fn postgres_bundled_without_tls_links_neither_libpq_nor_openssl() {
    let bin = program("postgres-bundled-without-tls");
    let libs = loaded(&bin);
    assert!(!libs.contains("libpq.so"), "libpq is linked in:\n{libs}");
    assert!(!libs.contains("libssl"), "no OpenSSL:\n{libs}");
    assert!(!libs.contains("libcrypto"), "no OpenSSL:\n{libs}");
    let err = migrate_and_ask_for_tls(&bin);
    // libpq says why; the help, what to change.
    assert!(err.contains("SSL support is not compiled in"), "{err}");
    assert!(
        err.contains(
            "help: this build links libpq without TLS (the `postgres-bundled-without-tls` feature)"
        ),
        "{err}"
    );
}
