//! The stores the tests run on: memory, a fresh SQLite file, or a fresh PostgreSQL schema
//! (from `FLVX_TEST_POSTGRES_URL`), each openable several times, as several workers or a
//! restarted one would open it; and [`ObservedStore`], the [`World`](super::World)'s view.

use async_trait::async_trait;
use flvx_api::ids::UserId;
use flvx_provision::store::{ServiceStore, StoreError, UsageHistory, Version, Versioned};
use flvx_provision::{MemoryStore, ServiceRecord};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The variable naming the PostgreSQL server the PostgreSQL store tests use.
pub const POSTGRES_URL_VAR: &str = "FLVX_TEST_POSTGRES_URL";

/// One database for one test.
pub enum TestDb {
    /// Every open returns the same store.
    Memory(Arc<MemoryStore>),
    /// A file in the temporary directory, removed on drop.
    #[cfg(feature = "sqlite")]
    Sqlite(std::path::PathBuf),
    /// A schema of its own on the server, dropped on drop.
    #[cfg(feature = "postgres")]
    Postgres {
        /// The server.
        url: String,
        /// The schema every handle puts first in its `search_path`.
        schema: String,
    },
}

static NEXT: AtomicU64 = AtomicU64::new(0);

/// A name no other test of any process uses at the same time.
fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

impl TestDb {
    /// A memory store.
    pub fn memory() -> TestDb {
        TestDb::Memory(Arc::new(MemoryStore::new()))
    }

    /// A new SQLite file.
    #[cfg(feature = "sqlite")]
    pub fn sqlite() -> TestDb {
        let path = std::env::temp_dir().join(format!("{}.db", unique("flvx_test")));
        TestDb::Sqlite(path)
    }

    /// A new schema on the server named by `FLVX_TEST_POSTGRES_URL`. Without it, `None`
    /// after a skip line, or a panic when `CI` is set: CI must run these tests.
    #[cfg(feature = "postgres")]
    pub async fn postgres() -> Option<TestDb> {
        let url = postgres_url()?;
        let schema = unique("flvx_test");
        let admin = flvx_provision::store::sqlx::PgPool::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_URL_VAR}: {e}"));
        flvx_provision::store::sqlx::raw_sql(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .unwrap_or_else(|e| panic!("CREATE SCHEMA {schema}: {e}"));
        admin.close().await;
        Some(TestDb::Postgres { url, schema })
    }

    /// The store for a [`World`](super::World) of this test binary: a fresh SQLite file
    /// when the binary's name ends in `_sqlite`, memory otherwise.
    pub fn for_this_binary() -> TestDb {
        #[cfg(feature = "sqlite")]
        if env!("CARGO_CRATE_NAME").ends_with("_sqlite") {
            return TestDb::sqlite();
        }
        TestDb::memory()
    }

    /// The store's name, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            TestDb::Memory(_) => "memory",
            #[cfg(feature = "sqlite")]
            TestDb::Sqlite(_) => "SQLite",
            #[cfg(feature = "postgres")]
            TestDb::Postgres { .. } => "PostgreSQL",
        }
    }

    /// A new handle on the database (a new pool: another worker, or a restarted one);
    /// the memory store is the same each time.
    pub async fn open(&self) -> Arc<dyn ServiceStore> {
        match self.try_open().await {
            Ok(store) => store,
            Err(e) => panic!("open the {} store: {e}", self.name()),
        }
    }

    /// [`TestDb::open`], with the store's error.
    pub async fn try_open(&self) -> Result<Arc<dyn ServiceStore>, StoreError> {
        Ok(match self {
            TestDb::Memory(store) => store.clone(),
            #[cfg(feature = "sqlite")]
            TestDb::Sqlite(path) => Arc::new(flvx_provision::SqliteStore::open(path).await?),
            #[cfg(feature = "postgres")]
            TestDb::Postgres { .. } => {
                Arc::new(flvx_provision::PostgresStore::connect_with(self.pg_options()).await?)
            }
        })
    }

    /// A new handle on the database's daily usage samples (the same store types).
    pub async fn open_history(&self) -> Arc<dyn UsageHistory> {
        let opened: Result<Arc<dyn UsageHistory>, StoreError> = match self {
            TestDb::Memory(store) => Ok(store.clone()),
            #[cfg(feature = "sqlite")]
            TestDb::Sqlite(path) => flvx_provision::SqliteStore::open(path)
                .await
                .map(|s| Arc::new(s) as Arc<dyn UsageHistory>),
            #[cfg(feature = "postgres")]
            TestDb::Postgres { .. } => {
                flvx_provision::PostgresStore::connect_with(self.pg_options())
                    .await
                    .map(|s| Arc::new(s) as Arc<dyn UsageHistory>)
            }
        };
        opened.unwrap_or_else(|e| panic!("open the {} store: {e}", self.name()))
    }

    /// Runs `sql` on the database, beside the store (nothing for memory).
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    pub async fn execute(&self, sql: &str) {
        use flvx_provision::store::sqlx;
        let done = match self {
            TestDb::Memory(_) => return,
            #[cfg(feature = "sqlite")]
            TestDb::Sqlite(path) => match flvx_provision::SqliteStore::open(path).await {
                Ok(store) => sqlx::raw_sql(sql).execute(store.pool()).await.map(drop),
                Err(e) => panic!("open {}: {e}", path.display()),
            },
            #[cfg(feature = "postgres")]
            TestDb::Postgres { .. } => match sqlx::PgPool::connect_with(self.pg_options()).await {
                Ok(pool) => sqlx::raw_sql(sql).execute(&pool).await.map(drop),
                Err(e) => panic!("connect: {e}"),
            },
        };
        if let Err(e) = done {
            panic!("{sql}: {e}");
        }
    }

    /// The server's options with this test's schema first in the `search_path`.
    #[cfg(feature = "postgres")]
    pub fn pg_options(&self) -> flvx_provision::store::sqlx::postgres::PgConnectOptions {
        use flvx_provision::store::sqlx::postgres::PgConnectOptions;
        let TestDb::Postgres { url, schema } = self else {
            panic!("{} is not PostgreSQL", self.name());
        };
        match url.parse::<PgConnectOptions>() {
            Ok(options) => options.options([("search_path", schema.as_str())]),
            Err(e) => panic!("{POSTGRES_URL_VAR} is not a PostgreSQL URL: {e}"),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match self {
            TestDb::Memory(_) => {}
            #[cfg(feature = "sqlite")]
            TestDb::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            #[cfg(feature = "postgres")]
            TestDb::Postgres { url, schema } => {
                // Best effort, on a thread of its own: drop cannot await, and the test's
                // runtime may be the current thread.
                let (url, sql) = (url.clone(), format!("DROP SCHEMA {schema} CASCADE"));
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build();
                    if let Ok(runtime) = runtime {
                        runtime.block_on(async {
                            use flvx_provision::store::sqlx;
                            if let Ok(pool) = sqlx::PgPool::connect(&url).await {
                                let _ = sqlx::raw_sql(&sql).execute(&pool).await;
                                pool.close().await;
                            }
                        });
                    }
                })
                .join();
            }
        }
    }
}

/// The PostgreSQL URL, or `None` after a skip line; a panic under `CI`.
#[cfg(feature = "postgres")]
fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if in_ci() => panic!(
            "{POSTGRES_URL_VAR} is not set under CI: the PostgreSQL store tests must run \
             (.ci/run starts a throwaway server and sets it)"
        ),
        _ => {
            // Once per test binary, past the harness's capture (which hides eprintln!).
            static SKIP_LINE: std::sync::Once = std::sync::Once::new();
            SKIP_LINE.call_once(|| {
                use std::io::Write;
                let line = format!(
                    "\nskipped: the PostgreSQL store tests of {} pass without running: set \
                     {POSTGRES_URL_VAR}=postgres://user:password@127.0.0.1:5432/database to \
                     run them\n",
                    env!("CARGO_CRATE_NAME")
                );
                let _ = std::io::stderr().write_all(line.as_bytes());
            });
            None
        }
    }
}

/// Whether this runs under CI (`CI` set to anything but empty, `0` or `false`).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// The store a [`World`](super::World) hands its engine: the store under test, plus a
/// copy of what this world saved last, so tests can read records without awaiting. Every
/// load is checked against that copy, so the lifecycle tests on SQLite also prove each
/// record comes back from the database exactly as it was saved.
pub struct ObservedStore {
    inner: Arc<dyn ServiceStore>,
    saved: Mutex<HashMap<u64, Versioned<ServiceRecord>>>,
}

impl ObservedStore {
    /// Observes `inner`.
    pub fn new(inner: Arc<dyn ServiceStore>) -> ObservedStore {
        ObservedStore {
            inner,
            saved: Mutex::new(HashMap::new()),
        }
    }

    /// The record of `service` this world saved last, if any.
    pub fn get(&self, service: u64) -> Option<ServiceRecord> {
        let saved = self.saved.lock().unwrap_or_else(|p| p.into_inner());
        saved.get(&service).map(|v| v.record.clone())
    }
}

#[async_trait]
impl ServiceStore for ObservedStore {
    async fn load(&self, service: u64) -> Result<Versioned<ServiceRecord>, StoreError> {
        let loaded = self.inner.load(service).await?;
        let saved = self
            .saved
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&service)
            .cloned();
        if let Some(saved) = saved {
            assert_eq!(loaded, saved, "service {service}: loaded != last saved");
        }
        Ok(loaded)
    }

    async fn service_of_user(&self, user: UserId) -> Result<Option<u64>, StoreError> {
        self.inner.service_of_user(user).await
    }

    async fn save(
        &self,
        service: u64,
        record: &ServiceRecord,
        expected: Version,
    ) -> Result<Version, StoreError> {
        let version = self.inner.save(service, record, expected).await?;
        let mut saved = self.saved.lock().unwrap_or_else(|p| p.into_inner());
        saved.insert(
            service,
            Versioned {
                record: record.clone(),
                version,
            },
        );
        Ok(version)
    }
}
