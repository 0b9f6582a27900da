//! Throw-away databases for tests (feature `testing`): a temp SQLite file always, and a
//! fresh PostgreSQL schema, dropped afterwards, when `EBB_TEST_POSTGRES` or `CI=true` is set.

use crate::Store;

/// Default PostgreSQL URL on the development and CI machines.
pub const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/test";

/// One backend under test.
pub struct TestDb {
    /// The store.
    pub store: Store,
    /// What it is, for assertion messages.
    pub name: &'static str,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    /// A second, independent connection pool to the same database (another "process").
    pub async fn second_store(&self) -> Store {
        match (&self.pg, &self._dir) {
            (Some((url, schema)), _) => Store::connect_postgres_schema(url, schema)
                .await
                .expect("second postgres pool"),
            (None, Some(dir)) => Store::open_dir(dir.path())
                .await
                .expect("second sqlite pool"),
            (None, None) => self.store.clone(),
        }
    }

    /// Drops the PostgreSQL schema, if any.
    pub async fn finish(self) {
        self.store.close().await;
        if let Some((url, schema)) = &self.pg {
            let admin = sqlx::PgPool::connect(url).await.expect("postgres");
            sqlx::query(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
                .execute(&admin)
                .await
                .expect("drop schema");
            admin.close().await;
        }
    }
}

/// The PostgreSQL URL to test against, if PostgreSQL tests are on.
pub fn postgres_url() -> Option<String> {
    match std::env::var("EBB_TEST_POSTGRES") {
        Ok(v) if v.contains("://") => Some(v),
        Ok(v) if !v.is_empty() && v != "0" => Some(DEFAULT_PG.to_owned()),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => Some(DEFAULT_PG.to_owned()),
        _ => None,
    }
}

/// Every backend to run a story on, migrated and empty.
pub async fn backends() -> Vec<TestDb> {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_dir(dir.path()).await.expect("sqlite");
    store.migrate().await.expect("migrate sqlite");
    let mut dbs = vec![TestDb {
        store,
        name: "sqlite",
        _dir: Some(dir),
        pg: None,
    }];
    if let Some(url) = postgres_url() {
        let schema = format!("ebb_test_{}", crate::ids::new_uuid().simple());
        let admin = sqlx::PgPool::connect(&url)
            .await
            .expect("PostgreSQL tests are on but PostgreSQL is unreachable");
        sqlx::query(&format!("CREATE SCHEMA \"{schema}\""))
            .execute(&admin)
            .await
            .expect("create schema");
        admin.close().await;
        let store = Store::connect_postgres_schema(&url, &schema)
            .await
            .expect("postgres");
        store.migrate().await.expect("migrate postgres");
        dbs.push(TestDb {
            store,
            name: "postgres",
            _dir: None,
            pg: Some((url, schema)),
        });
    }
    dbs
}
