//! The stores the tests run on, each openable several times, as several workers or a
//! restarted one would open it; and [`ObservedStore`], the [`World`](super::World)'s view.

use async_trait::async_trait;
use flvx_provision::store::{ServiceStore, StoreError, Version, Versioned};
use flvx_provision::{MemoryStore, ServiceRecord};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One database for one test.
pub enum TestDb {
    /// Every open returns the same store.
    Memory(Arc<MemoryStore>),
}

impl TestDb {
    /// A memory store.
    pub fn memory() -> TestDb {
        TestDb::Memory(Arc::new(MemoryStore::new()))
    }

    /// The store's name, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            TestDb::Memory(_) => "memory",
        }
    }

    /// A new handle on the database; the memory store is the same each time.
    pub async fn open(&self) -> Arc<dyn ServiceStore> {
        match self {
            TestDb::Memory(store) => store.clone(),
        }
    }
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
