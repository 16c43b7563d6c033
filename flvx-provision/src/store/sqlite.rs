//! A store in an embedded SQLite file (feature `sqlite`): nothing to install, the SQLite
//! library is compiled in. Several processes may open the same file; saves stay
//! compare-and-swap across them.

use super::migrations::{self, MIGRATIONS_TABLE};
use super::sql;
use super::{ServiceId, ServiceRecord, ServiceStore, StoreError, Version, Versioned};
use async_trait::async_trait;
use flvx_api::ids::UserId;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

const STORE: &str = "SQLite";
const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// A store in an SQLite file.
///
/// The file is created if missing and put in WAL mode (readers never block the writer);
/// a writer waits up to ten seconds for another one before giving up.
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating it if missing) the SQLite file at `path` and applies the schema.
    pub async fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref().to_path_buf();
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(backend(format!("open {}", path.display())))?;
        Self::with_pool(pool, path).await
    }

    /// A store on a pool the caller configured; applies the schema.
    pub async fn from_pool(pool: SqlitePool) -> Result<SqliteStore, StoreError> {
        let path = pool.connect_options().get_filename().to_path_buf();
        Self::with_pool(pool, path).await
    }

    async fn with_pool(pool: SqlitePool, path: PathBuf) -> Result<SqliteStore, StoreError> {
        migrate(&pool).await?;
        Ok(SqliteStore { pool, path })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection pool, for callers that keep their own tables in the same file.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes every connection, waiting for those in use (the store refuses work after).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn stored_version(&self, id: i64) -> Result<Version, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT version FROM flvx_service_records WHERE service_id = ?1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend("read a record's version"))?;
        Ok(found.map_or(Version::ABSENT, sql::to_version))
    }
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl ServiceStore for SqliteStore {
    async fn load(&self, service: ServiceId) -> Result<Versioned<ServiceRecord>, StoreError> {
        let id = sql::sql_id(STORE, service)?;
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT version, record FROM flvx_service_records WHERE service_id = ?1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(backend("load a record"))?;
        let Some((version, json)) = row else {
            return Ok(Versioned::default());
        };
        let record = serde_json::from_str(&json)
            .map_err(|source| StoreError::Corrupt { service, source })?;
        Ok(Versioned {
            record,
            version: sql::to_version(version),
        })
    }

    async fn service_of_user(&self, user: UserId) -> Result<Option<ServiceId>, StoreError> {
        let row: (Option<i64>,) = sqlx::query_as(
            "SELECT MIN(service_id) FROM flvx_service_records WHERE json_extract(record, '$.user_id') = ?1",
        )
        .bind(user.0)
        .fetch_one(&self.pool)
        .await
        .map_err(backend("look up the service of a panel user"))?;
        Ok(row.0.and_then(|id| u64::try_from(id).ok()))
    }

    async fn save(
        &self,
        service: ServiceId,
        record: &ServiceRecord,
        expected: Version,
    ) -> Result<Version, StoreError> {
        let id = sql::sql_id(STORE, service)?;
        let json = serde_json::to_string(record).map_err(backend("encode a record"))?;
        let result = if expected == Version::ABSENT {
            let sql = format!(
                "INSERT INTO flvx_service_records (service_id, version, record, updated_at) \
                 VALUES (?1, 1, ?2, {NOW}) ON CONFLICT (service_id) DO NOTHING"
            );
            sqlx::query(&sql)
                .bind(id)
                .bind(&json)
                .execute(&self.pool)
                .await
        } else {
            let sql = format!(
                "UPDATE flvx_service_records SET version = version + 1, record = ?2, \
                 updated_at = {NOW} WHERE service_id = ?1 AND version = ?3"
            );
            sqlx::query(&sql)
                .bind(id)
                .bind(&json)
                .bind(sql::sql_version(STORE, expected)?)
                .execute(&self.pool)
                .await
        }
        .map_err(backend("save a record"))?;
        if result.rows_affected() == 1 {
            return Ok(expected.next());
        }
        Err(StoreError::Conflict {
            service,
            expected,
            found: self.stored_version(id).await?,
        })
    }
}

/// Applies the missing migrations in one `BEGIN IMMEDIATE` transaction, which holds the
/// file's write lock from the start, so two processes opening the file at once take turns.
async fn migrate(pool: &SqlitePool) -> Result<(), StoreError> {
    let failed = || backend("apply the schema");
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(failed())?;
    sqlx::raw_sql(MIGRATIONS_TABLE)
        .execute(&mut *tx)
        .await
        .map_err(failed())?;
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM flvx_store_migrations")
        .fetch_all(&mut *tx)
        .await
        .map_err(failed())?;
    let known = migrations::newest(migrations::SQLITE);
    if let Some(found) = applied.iter().copied().filter(|v| *v > known).max() {
        return Err(StoreError::SchemaTooNew {
            store: STORE,
            found,
            known,
        });
    }
    for migration in migrations::SQLITE {
        if applied.contains(&migration.version) {
            continue;
        }
        sqlx::raw_sql(migration.sql)
            .execute(&mut *tx)
            .await
            .map_err(failed())?;
        let sql = format!(
            "INSERT INTO flvx_store_migrations (version, description, applied_at) \
             VALUES (?1, ?2, {NOW})"
        );
        sqlx::query(&sql)
            .bind(migration.version)
            .bind(migration.description)
            .execute(&mut *tx)
            .await
            .map_err(failed())?;
    }
    tx.commit().await.map_err(failed())
}

fn backend<E>(action: impl Into<String>) -> impl FnOnce(E) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
{
    sql::backend(STORE, action)
}
