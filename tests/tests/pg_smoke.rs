use migrate_runtime::testing::TestDatabase;
use migrate_runtime::Migrator;

#[test]
fn shop_up_and_down_on_postgres() {
    let db = TestDatabase::postgres();
    let mut conn = db.connect();
    let m = Migrator::new(shop::migrations()).unwrap();
    let done = m.upgrade(&mut conn, "head").unwrap();
    assert_eq!(done.len(), 8);
    m.downgrade(&mut conn, "base").unwrap();
    assert!(m.current(&mut conn).unwrap().is_empty());
}
