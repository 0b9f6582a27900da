//! Both backends carry the same migrations and migrate idempotently.

use ebb_store::Store;

use crate::helpers::backends;

#[test]
fn sqlite_and_postgres_migrations_match() {
    let [sqlite, postgres] = Store::migration_versions();
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres, "migration versions and names must match");
}

#[tokio::test]
async fn migrating_twice_is_harmless() {
    for db in backends().await {
        db.store.migrate().await.expect(db.name);
        db.store.ping().await.expect(db.name);
        db.finish().await;
    }
}
