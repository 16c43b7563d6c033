//! A store in memory, for tests and examples: records are lost when it is dropped.

use super::history::{DailyUsage, UsageHistory, first_kept_day};
use super::{ServiceId, ServiceRecord, ServiceStore, StoreError, Version, Versioned};
use async_trait::async_trait;
use flvx_api::ids::UserId;
use flvx_api::units::Bytes;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A store in memory, for tests and examples. Share one through an `Arc` to give several
/// engines the same records; its saves are compare-and-swap like every store's.
#[derive(Debug, Default)]
pub struct MemoryStore {
    records: Mutex<HashMap<ServiceId, Versioned<ServiceRecord>>>,
    daily: Mutex<BTreeMap<(ServiceId, i64), Bytes>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of the record of `service`, if any was saved.
    pub fn get(&self, service: ServiceId) -> Option<ServiceRecord> {
        self.lock().get(&service).map(|v| v.record.clone())
    }

    /// The stored version of `service`'s record ([`Version::ABSENT`] if none was saved).
    pub fn version(&self, service: ServiceId) -> Version {
        self.lock()
            .get(&service)
            .map_or(Version::ABSENT, |v| v.version)
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<ServiceId, Versioned<ServiceRecord>>> {
        // A panic elsewhere while holding the lock leaves plain data behind; keep using it.
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn daily(&self) -> MutexGuard<'_, BTreeMap<(ServiceId, i64), Bytes>> {
        self.daily.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl UsageHistory for MemoryStore {
    async fn record_daily(
        &self,
        day: i64,
        samples: &[(ServiceId, Bytes)],
    ) -> Result<(), StoreError> {
        let mut daily = self.daily();
        for (service, used) in samples {
            // Saturated as the SQL stores' BIGINT column is, so every store reads alike.
            let used = Bytes(used.0.min(i64::MAX as u64));
            daily.insert((*service, day), used);
        }
        let first = first_kept_day(day);
        daily.retain(|(_, d), _| *d >= first);
        Ok(())
    }

    async fn daily_usage(
        &self,
        service: ServiceId,
        from_day: i64,
    ) -> Result<Vec<DailyUsage>, StoreError> {
        let daily = self.daily();
        let range = (service, from_day)..=(service, i64::MAX);
        Ok(daily
            .range(range)
            .map(|((_, day), used)| DailyUsage {
                day: *day,
                used: *used,
            })
            .collect())
    }
}

#[async_trait]
impl ServiceStore for MemoryStore {
    async fn load(&self, service: ServiceId) -> Result<Versioned<ServiceRecord>, StoreError> {
        Ok(self.lock().get(&service).cloned().unwrap_or_default())
    }

    async fn service_of_user(&self, user: UserId) -> Result<Option<ServiceId>, StoreError> {
        let records = self.lock();
        let bound = records.iter().filter(|(_, v)| v.user_id == Some(user));
        Ok(bound.map(|(id, _)| *id).min())
    }

    async fn save(
        &self,
        service: ServiceId,
        record: &ServiceRecord,
        expected: Version,
    ) -> Result<Version, StoreError> {
        let mut records = self.lock();
        let found = records.get(&service).map_or(Version::ABSENT, |v| v.version);
        if found != expected {
            return Err(StoreError::Conflict {
                service,
                expected,
                found,
            });
        }
        let version = expected.next();
        records.insert(
            service,
            Versioned {
                record: record.clone(),
                version,
            },
        );
        Ok(version)
    }
}
