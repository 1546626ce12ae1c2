//! The testing toolkit never prints the password of `TEST_DATABASE_URL`,
//! whatever form carries it. One test in its own process: it sets the
//! variable, which no other test here reads.

use migrate_runtime::testing::TestDatabase;

#[test]
fn no_form_of_a_password_in_test_database_url_is_printed() {
    // Quiet while the toolkit panics; the messages are checked after.
    std::panic::set_hook(Box::new(|_| {}));
    let mut messages = Vec::new();
    for url in [
        "postgres://nobody:secret@127.0.0.1:1/postgres",
        "postgres//nobody:secret@127.0.0.1:1/postgres",
        "postgresql:/nobody:secret@127.0.0.1:1/postgres",
        "postgresql+psycopg2://nobody:secret@127.0.0.1:1/postgres",
        "postgres://nobody@127.0.0.1:1/postgres?password=secret",
        "postgres://nobody:se%zzcret@127.0.0.1:1/postgres",
        "host=127.0.0.1 port=1 user=nobody password=secret",
        "host=127.0.0.1 port=1 user=nobody password='se cret'",
    ] {
        std::env::set_var("TEST_DATABASE_URL", url);
        let message = match std::panic::catch_unwind(TestDatabase::postgres) {
            Ok(_) => "a test database on a closed port".to_string(),
            Err(payload) => payload
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default(),
        };
        messages.push((url, message));
    }
    drop(std::panic::take_hook());
    for (url, message) in messages {
        assert!(
            message.contains("cannot reach the PostgreSQL test server")
                && message.contains("***")
                && !message.contains("secret")
                && !message.contains("cret"),
            "{url}: {message}"
        );
    }
}
