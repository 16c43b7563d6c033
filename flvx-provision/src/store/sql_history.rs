//! The daily usage samples in the SQL stores' table `flvx_daily_usage` (migration 2): one
//! upsert per service and the prune, in one transaction.

use super::history::{DailyUsage, UsageHistory, first_kept_day};
use super::{ServiceId, StoreError, sql};
use async_trait::async_trait;
use flvx_api::units::Bytes;

/// A counter as a `BIGINT` (the panel's are int64, so nothing real is cut).
fn sql_bytes(used: Bytes) -> i64 {
    i64::try_from(used.0).unwrap_or(i64::MAX)
}

fn samples(rows: Vec<(i64, i64)>) -> Vec<DailyUsage> {
    rows.into_iter()
        .map(|(day, used)| DailyUsage {
            day,
            used: Bytes(u64::try_from(used).unwrap_or(0)),
        })
        .collect()
}

/// The statements, in each database's placeholder syntax.
struct Statements {
    store: &'static str,
    upsert: &'static str,
    prune: &'static str,
    select: &'static str,
}

macro_rules! sql_history {
    ($store:ty, $statements:expr) => {
        #[async_trait]
        impl UsageHistory for $store {
            async fn record_daily(
                &self,
                day: i64,
                rows: &[(ServiceId, Bytes)],
            ) -> Result<(), StoreError> {
                let s: Statements = $statements;
                let failed = || sql::backend(s.store, "record the daily usage");
                let mut tx = self.pool().begin().await.map_err(failed())?;
                for (service, used) in rows {
                    sqlx::query(s.upsert)
                        .bind(sql::sql_id(s.store, *service)?)
                        .bind(day)
                        .bind(sql_bytes(*used))
                        .execute(&mut *tx)
                        .await
                        .map_err(failed())?;
                }
                sqlx::query(s.prune)
                    .bind(first_kept_day(day))
                    .execute(&mut *tx)
                    .await
                    .map_err(failed())?;
                tx.commit().await.map_err(failed())
            }

            async fn daily_usage(
                &self,
                service: ServiceId,
                from_day: i64,
            ) -> Result<Vec<DailyUsage>, StoreError> {
                let s: Statements = $statements;
                let rows: Vec<(i64, i64)> = sqlx::query_as(s.select)
                    .bind(sql::sql_id(s.store, service)?)
                    .bind(from_day)
                    .fetch_all(self.pool())
                    .await
                    .map_err(sql::backend(s.store, "read the daily usage"))?;
                Ok(samples(rows))
            }
        }
    };
}

#[cfg(feature = "sqlite")]
sql_history!(
    super::SqliteStore,
    Statements {
        store: "SQLite",
        upsert: "INSERT INTO flvx_daily_usage (service_id, day, used) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (service_id, day) DO UPDATE SET used = excluded.used",
        prune: "DELETE FROM flvx_daily_usage WHERE day < ?1",
        select: "SELECT day, used FROM flvx_daily_usage WHERE service_id = ?1 AND day >= ?2 \
                 ORDER BY day",
    }
);

#[cfg(feature = "postgres")]
sql_history!(
    super::PostgresStore,
    Statements {
        store: "PostgreSQL",
        upsert: "INSERT INTO flvx_daily_usage (service_id, day, used) VALUES ($1, $2, $3) \
                 ON CONFLICT (service_id, day) DO UPDATE SET used = excluded.used",
        prune: "DELETE FROM flvx_daily_usage WHERE day < $1",
        select: "SELECT day, used FROM flvx_daily_usage WHERE service_id = $1 AND day >= $2 \
                 ORDER BY day",
    }
);
