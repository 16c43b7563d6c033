//! A store in memory, for tests and examples: records are lost when it is dropped.

use super::{ServiceId, ServiceRecord, ServiceStore, StoreError, Version, Versioned};
use async_trait::async_trait;
use flvx_api::ids::UserId;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

/// A store in memory, for tests and examples. Share one through an `Arc` to give several
/// engines the same records; its saves are compare-and-swap like every store's.
#[derive(Debug, Default)]
pub struct MemoryStore {
    records: Mutex<HashMap<ServiceId, Versioned<ServiceRecord>>>,
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
        self.records.lock().unwrap_or_else(|p| p.into_inner())
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
