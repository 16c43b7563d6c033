//! A store in a PostgreSQL database (feature `postgres`), shared by any number of workers.
//!
//! The record is a `JSONB` column, so it can be queried (`record->>'user_id'`); the
//! tables go in the connection's first `search_path` schema.

use super::migrations::{self, MIGRATIONS_TABLE};
use super::sql;
use super::{ServiceId, ServiceRecord, ServiceStore, StoreError, Version, Versioned};
use async_trait::async_trait;
use flvx_api::ids::UserId;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

const STORE: &str = "PostgreSQL";

/// The advisory lock key that serializes migrations ("FLVXSTOR" in ASCII).
const MIGRATION_LOCK: i64 = 0x464c_5658_5354_4f52;

/// A store in a PostgreSQL database. Its `Debug` shows the host, port and database, never
/// the password.
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`, with the usual
    /// parameters such as `?sslmode=`) and applies the schema.
    ///
    /// This build carries no TLS: use a database on loopback or a private network, or
    /// enable one of sqlx's TLS features in your own crate and call
    /// [`PostgresStore::connect_with`].
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        // The URL holds the password: the error names the part that is wrong, not the URL.
        let options = PgConnectOptions::from_str(url).map_err(backend("read the database URL"))?;
        Self::connect_with(options).await
    }

    /// Connects with options the caller built and applies the schema.
    pub async fn connect_with(options: PgConnectOptions) -> Result<PostgresStore, StoreError> {
        let target = describe(&options);
        let pool = PgPoolOptions::new()
            .max_connections(5)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(backend(format!("connect to {target}")))?;
        Self::from_pool(pool).await
    }

    /// A store on a pool the caller configured; applies the schema.
    pub async fn from_pool(pool: PgPool) -> Result<PostgresStore, StoreError> {
        migrate(&pool).await?;
        Ok(PostgresStore { pool })
    }

    /// The connection pool, for callers that keep their own tables in the same database.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes every connection, waiting for those in use (the store refuses work after).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn stored_version(&self, id: i64) -> Result<Version, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT version FROM flvx_service_records WHERE service_id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend("read a record's version"))?;
        Ok(found.map_or(Version::ABSENT, sql::to_version))
    }
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("database", &describe(&self.pool.connect_options()))
            .finish_non_exhaustive()
    }
}

/// `user@host:port/database`, without the password.
fn describe(options: &PgConnectOptions) -> String {
    format!(
        "{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or(options.get_username())
    )
}

#[async_trait]
impl ServiceStore for PostgresStore {
    async fn load(&self, service: ServiceId) -> Result<Versioned<ServiceRecord>, StoreError> {
        let id = sql::sql_id(STORE, service)?;
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT version, record::text FROM flvx_service_records WHERE service_id = $1",
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
            "SELECT MIN(service_id) FROM flvx_service_records WHERE (record->>'user_id')::bigint = $1",
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
        // Each statement is atomic: a concurrent UPDATE waits for the row lock, then
        // re-checks `version` on the committed row, so exactly one of two savers wins.
        let result = if expected == Version::ABSENT {
            sqlx::query(
                "INSERT INTO flvx_service_records (service_id, version, record) \
                 VALUES ($1, 1, $2::jsonb) ON CONFLICT (service_id) DO NOTHING",
            )
            .bind(id)
            .bind(&json)
            .execute(&self.pool)
            .await
        } else {
            sqlx::query(
                "UPDATE flvx_service_records SET version = version + 1, record = $2::jsonb, \
                 updated_at = now() WHERE service_id = $1 AND version = $3",
            )
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

/// Applies the missing migrations in one transaction holding an advisory lock, so two
/// workers starting at once take turns (the second finds nothing left to do).
async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    let failed = || backend("apply the schema");
    let mut tx = pool.begin().await.map_err(failed())?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(failed())?;
    sqlx::raw_sql(MIGRATIONS_TABLE)
        .execute(&mut *tx)
        .await
        .map_err(failed())?;
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM flvx_store_migrations")
        .fetch_all(&mut *tx)
        .await
        .map_err(failed())?;
    let known = migrations::newest(migrations::POSTGRES);
    if let Some(found) = applied.iter().copied().filter(|v| *v > known).max() {
        return Err(StoreError::SchemaTooNew {
            store: STORE,
            found,
            known,
        });
    }
    for migration in migrations::POSTGRES {
        if applied.contains(&migration.version) {
            continue;
        }
        sqlx::raw_sql(migration.sql)
            .execute(&mut *tx)
            .await
            .map_err(failed())?;
        sqlx::query(
            "INSERT INTO flvx_store_migrations (version, description, applied_at) \
             VALUES ($1, $2, now()::text)",
        )
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
