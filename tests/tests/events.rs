//! Each migration step is a `tracing` event (and an `on_event` call): a
//! deploy's log gets the revision, direction and duration as fields.

use migrate_runtime::testing::TestDatabase;
use migrate_runtime::Migrator;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Every event's fields, as text.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<BTreeMap<String, String>>>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = BTreeMap::new();
        fields.insert("target".into(), event.metadata().target().to_string());
        event.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().push(fields);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[test]
fn every_step_is_a_tracing_event_with_its_fields() {
    let db = TestDatabase::sqlite();
    let recorder = Recorder::default();
    let migrator = Migrator::new(shop::migrations()).unwrap();
    tracing::subscriber::with_default(recorder.clone(), || {
        migrator.upgrade(&mut db.connect(), "head").unwrap();
        migrator.downgrade(&mut db.connect(), "-1").unwrap();
    });
    let events = recorder.0.lock().unwrap().clone();
    let shop = shop::migrations().len();
    let running: Vec<_> = events
        .iter()
        .filter(|e| e.contains_key("direction"))
        .collect();
    let done: Vec<_> = events
        .iter()
        .filter(|e| e.contains_key("duration_ms"))
        .collect();
    assert_eq!(running.len(), shop + 1, "{events:#?}");
    assert_eq!(done.len(), shop + 1, "{events:#?}");
    let first = running[0];
    assert_eq!(first["target"], "migrate_runtime::migrator");
    assert_eq!(first["direction"], "upgrade");
    assert_eq!(first["revision"], "1a2b3c4d5e6f");
    assert_eq!(first["from"], "");
    assert_eq!(first["message"], "create users table");
    let last = running[shop];
    assert_eq!(
        (
            last["direction"].as_str(),
            last["revision"].as_str(),
            last["from"].as_str()
        ),
        ("downgrade", "8b9c0d1e2f3a", "7a8b9c0d1e2f")
    );
    assert_eq!(done[shop]["revision"], "8b9c0d1e2f3a");
    assert!(
        done[0]["duration_ms"].parse::<u64>().is_ok(),
        "{:?}",
        done[0]
    );
}
