//! Throw-away databases for tests (feature `testing`): a temp SQLite file always, and a
//! fresh PostgreSQL schema, dropped afterwards, when `EBB_TEST_POSTGRES` or `CI=true` is set.
//! Also the one rule for a missing service: asked for (CI, or its variable set) means the
//! test fails; not asked for means it is skipped with a printed reason.

use crate::Store;

/// Default PostgreSQL URL on the development and CI machines.
pub const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Default NATS URL on the development and CI machines.
pub const DEFAULT_NATS: &str = "nats://127.0.0.1:4222";

/// Whether this run is CI (`CI=true`): every service-backed test is then required.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn var_on(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// What a test does when a service it needs is missing: when the service is `required`
/// (CI, or the test asked for it) the test fails with `what`; otherwise it prints why it
/// is skipped and gets `None`.
pub fn missing<T>(required: bool, what: &str) -> Option<T> {
    assert!(
        !required,
        "{what}: this test is required here (CI=true or its variable is set), so it fails \
         instead of skipping"
    );
    eprintln!("skipped: {what}");
    None
}

/// The NATS URL to test against, and whether NATS tests are required (CI or
/// `EBB_TEST_NATS` set), if NATS tests are on (those two, or `EBB_TEST_POSTGRES`).
pub fn nats_url() -> Option<(String, bool)> {
    let required = in_ci() || var_on("EBB_TEST_NATS");
    (required || var_on("EBB_TEST_POSTGRES")).then(|| {
        let url = std::env::var("EBB_TEST_NATS")
            .ok()
            .filter(|v| v.contains("://"))
            .unwrap_or_else(|| DEFAULT_NATS.to_owned());
        (url, required)
    })
}

/// Whether something accepts TCP connections at the `host:port` of `url` within 2 s.
pub async fn reachable(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host_port = rest.split(['/', '?']).next().unwrap_or(rest);
    let host_port = host_port.rsplit_once('@').map_or(host_port, |(_, hp)| hp);
    let connect = tokio::net::TcpStream::connect(host_port.to_owned());
    matches!(
        tokio::time::timeout(std::time::Duration::from_secs(2), connect).await,
        Ok(Ok(_))
    )
}

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

    /// The `ebb` command-line flags that point a real binary at this database
    /// (`--data-dir` for SQLite, `--database-url` and `--database-schema` for PostgreSQL).
    pub fn binary_args(&self) -> Vec<String> {
        match (&self.pg, &self._dir) {
            (Some((url, schema)), _) => vec![
                "--database-url".into(),
                url.clone(),
                "--database-schema".into(),
                schema.clone(),
            ],
            (None, Some(dir)) => vec!["--data-dir".into(), dir.path().display().to_string()],
            (None, None) => Vec::new(),
        }
    }

    /// Drops the PostgreSQL schema, if any (again if PostgreSQL chose the drop as the
    /// victim of a deadlock with a connection still closing).
    pub async fn finish(self) {
        self.store.close().await;
        if let Some((url, schema)) = &self.pg {
            let admin = sqlx::PgPool::connect(url).await.expect("postgres");
            let drop = format!("DROP SCHEMA \"{schema}\" CASCADE");
            let mut tries = 0;
            loop {
                match sqlx::query(&drop).execute(&admin).await {
                    Ok(_) => break,
                    Err(sqlx::Error::Database(e))
                        if e.code().as_deref() == Some("40P01") && tries < 5 =>
                    {
                        tries += 1;
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    }
                    Err(e) => panic!("drop schema {schema}: {e}"),
                }
            }
            admin.close().await;
        }
    }
}

/// The PostgreSQL URL to test against, if PostgreSQL tests are on (and then required:
/// [`backends`] fails rather than skips when PostgreSQL is unreachable).
pub fn postgres_url() -> Option<String> {
    match std::env::var("EBB_TEST_POSTGRES") {
        Ok(v) if v.contains("://") => Some(v),
        Ok(v) if !v.is_empty() && v != "0" => Some(DEFAULT_PG.to_owned()),
        _ if in_ci() => Some(DEFAULT_PG.to_owned()),
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
    match postgres_url() {
        Some(url) if !reachable(&url).await => {
            missing::<()>(true, &format!("PostgreSQL at {url} is unreachable"));
        }
        Some(url) => dbs.push(postgres_db(url).await),
        None => {
            missing::<()>(false, "PostgreSQL half (set EBB_TEST_POSTGRES=1 to run it)");
        }
    }
    dbs
}

/// A fresh, migrated schema on the PostgreSQL at `url`.
async fn postgres_db(url: String) -> TestDb {
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
    TestDb {
        store,
        name: "postgres",
        _dir: None,
        pg: Some((url, schema)),
    }
}

/// A [`crate::Handle`] that counts the queries run through it, to show that a page costs
/// the same number of queries however long it is.
pub struct Counting<'a, H> {
    inner: &'a mut H,
    /// Queries run so far.
    pub queries: usize,
}

impl<'a, H: crate::Handle> Counting<'a, H> {
    /// Counts the queries run on `inner`.
    pub fn new(inner: &'a mut H) -> Self {
        Self { inner, queries: 0 }
    }
}

impl<H: crate::Handle> crate::Handle for Counting<'_, H> {
    fn conn(&mut self) -> crate::ConnRef<'_> {
        self.queries += 1;
        self.inner.conn()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[should_panic(expected = "fails instead of skipping")]
    fn a_required_missing_service_fails_the_test() {
        missing::<()>(true, "NATS at nats://127.0.0.1:1 is unreachable");
    }

    #[test]
    fn an_optional_missing_service_skips() {
        assert_eq!(missing::<u8>(false, "not asked for"), None);
    }

    #[tokio::test]
    async fn reachable_tells_a_listening_port_from_a_closed_one() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let url = format!("postgres://postgres@127.0.0.1:{port}/test?sslmode=disable");
        assert!(reachable(&url).await, "{url}");
        drop(listener);
        assert!(!reachable(&url).await, "{url} after closing");
    }
}
