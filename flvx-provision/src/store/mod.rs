//! What a service remembers about its panel account, and where it is kept.
//!
//! The engine saves a record only after the panel confirmed what it describes, so a
//! failed operation leaves the stored record as it was and a retry starts from the truth.
//! Four fields are intents, written before the panel call they guard: the create-pending
//! marker, the forwards a suspend is about to pause, the tunnels about to be re-pushed,
//! and the panel secret about to be set.
//!
//! # Compare-and-swap
//!
//! Every stored record has a [`Version`]. [`ServiceStore::load`] returns it with the
//! record, and [`ServiceStore::save`] writes only if the stored version is still the one
//! that was read; otherwise it writes nothing and answers [`StoreError::Conflict`]. Two
//! engines (two workers, two machines) sharing one database therefore never overwrite
//! each other's newer record: the one that saves second gets the conflict, and retrying
//! its operation reloads the record and converges.
//!
//! # Stores
//!
//! - [`MemoryStore`]: in memory, for tests and examples;
//! - `SqliteStore` (feature `sqlite`): an embedded SQLite file;
//! - `PostgresStore` (feature `postgres`): a PostgreSQL database.
//!
//! The SQL stores keep the record as JSON beside its version, in a table
//! `flvx_service_records` that their embedded migrations create on open.
//!
//! The same three stores keep the daily usage samples of the 30-day chart
//! ([`UsageHistory`]; the SQL stores in `flvx_daily_usage`).

mod history;
mod memory;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod migrations;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql_history;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use history::{
    DAILY_USAGE_DAYS, DailyUsage, UsageHistory, day_of, first_kept_day, record_usage,
};
pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
/// The `sqlx` the SQL stores are built on, for callers that bring their own pool.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use sqlx;

use crate::secret::PanelSecret;
use async_trait::async_trait;
use flvx_api::ids::{BindingId, ForwardId, TunnelId, UserId};
use flvx_api::units::EpochMs;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::{Deref, DerefMut};

/// A WHMCS service id (`tblhosting.id`).
pub type ServiceId = u64;

/// The panel-side facts of one service.
///
/// Fields missing from a stored record (written by an older version) read as their
/// defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceRecord {
    /// The panel username (written back to the WHMCS service).
    pub username: Option<String>,
    /// The panel user id, once the panel confirmed the user.
    pub user_id: Option<UserId>,
    /// Binding ids by tunnel.
    pub bindings: BTreeMap<TunnelId, BindingId>,
    /// Forwards unsuspend resumes: those suspend paused, and those the panel had already
    /// paused (expiry, quota) that the customer did not. Written before the pause is sent,
    /// so a lost answer cannot lose them.
    pub suspended_forwards: Vec<ForwardId>,
    /// Forwards the customer paused through the module, which renew must not resume.
    pub customer_paused: Vec<ForwardId>,
    /// Set before `user/create` is sent, cleared once the create finished: a user found
    /// under this service's name while it is set was created by this service.
    pub create_pending: bool,
    /// Whether the service is suspended (the panel does not report it reliably).
    pub suspended: bool,
    /// Terminated with the `disable` action: the user and its forwards are kept, disabled
    /// and paused, and a later Create brings them back instead of re-applying the plan only.
    pub terminated: bool,
    /// Tunnels whose bindings are about to be re-assigned, which restarts paused forwards
    /// on the node: saved before the assign, cleared once they are paused again, so a
    /// retry after a failure in between still re-pauses them.
    pub repause_tunnels: Vec<TunnelId>,
    /// The last expiry pushed to the panel. Once it has passed, the panel's daily job may
    /// have disabled the user's bindings, which only a binding write re-enables (§4.4).
    pub pushed_expiry: Option<EpochMs>,
    /// The panel password when the product gives the customer no panel access: a secret
    /// only the module knows. Saved before the panel call that sets it.
    pub panel_secret: Option<PanelSecret>,
}

/// The version of a stored record: [`Version::ABSENT`] when none was ever saved, then 1,
/// 2, … one more on every save.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(pub u64);

impl Version {
    /// No record was saved for the service.
    pub const ABSENT: Version = Version(0);

    /// The version a successful save from this one stores.
    pub fn next(self) -> Version {
        Version(self.0.saturating_add(1))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A value as it was read from a store, with the version a save must match. It
/// dereferences to the value, so reading and changing fields looks as on the value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Versioned<T> {
    /// The value.
    pub record: T,
    /// Its stored version.
    pub version: Version,
}

impl<T> Versioned<T> {
    /// The value, without its version.
    pub fn into_inner(self) -> T {
        self.record
    }
}

impl<T> Deref for Versioned<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.record
    }
}

impl<T> DerefMut for Versioned<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.record
    }
}

/// A boxed error from a storage backend.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a store could not load or save a record.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The record changed since it was read: another operation saved it first. Nothing
    /// was written.
    #[error(
        "the record of service {service} changed since it was read (read at version \
         {expected}, stored at version {found}): another operation saved it first and \
         nothing was overwritten; run the operation again, it reloads the record"
    )]
    Conflict {
        /// The service.
        service: ServiceId,
        /// The version the caller read.
        expected: Version,
        /// The version stored now.
        found: Version,
    },
    /// The database refused or could not be reached.
    #[error(
        "the {store} store could not {action}: {source}; check that the database is \
         reachable and writable"
    )]
    Backend {
        /// `SQLite` or `PostgreSQL`.
        store: &'static str,
        /// What the store was doing.
        action: String,
        /// The driver's error.
        #[source]
        source: BoxError,
    },
    /// A stored record is not a record this version can read.
    #[error(
        "the stored record of service {service} cannot be read: {source}; it was written \
         by something other than flvx-provision, or by a version whose format this one \
         does not know"
    )]
    Corrupt {
        /// The service.
        service: ServiceId,
        /// The decoding error.
        #[source]
        source: serde_json::Error,
    },
    /// The database was migrated by a newer flvx-provision.
    #[error(
        "the {store} database's FLVX schema is at version {found}, newer than this \
         flvx-provision knows ({known}): upgrade flvx-provision on every worker that uses \
         this database"
    )]
    SchemaTooNew {
        /// `SQLite` or `PostgreSQL`.
        store: &'static str,
        /// The newest migration applied to the database.
        found: i64,
        /// The newest migration this version ships.
        known: i64,
    },
    /// The service id does not fit the database's integer column.
    #[error("service id {service} is too large for the {store} store (at most 2^63 - 1)")]
    IdOutOfRange {
        /// `SQLite` or `PostgreSQL`.
        store: &'static str,
        /// The service.
        service: ServiceId,
    },
}

impl StoreError {
    /// Whether this is a [`StoreError::Conflict`], which a retry of the operation resolves.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}

/// Where service records live: WHMCS service properties in the PHP module, anything an
/// integrator likes in Rust.
///
/// Implementations must make [`save`](ServiceStore::save) a compare-and-swap: it writes
/// only when the stored version equals `expected`, atomically with respect to every other
/// save of the same service, including saves from other processes sharing the storage.
#[async_trait]
pub trait ServiceStore: Send + Sync {
    /// The record of `service` with its version; an empty record at [`Version::ABSENT`]
    /// when none was saved.
    async fn load(&self, service: ServiceId) -> Result<Versioned<ServiceRecord>, StoreError>;

    /// The service whose record is bound to panel user `user`, if any (the engine checks
    /// it before binding a user to a service, so no two services share one user, and to
    /// tell a customer that renamed itself to another service's name).
    async fn service_of_user(&self, user: UserId) -> Result<Option<ServiceId>, StoreError>;

    /// Replaces the record of `service` if its stored version is still `expected` (the
    /// one [`load`](ServiceStore::load) returned, or the one the previous save returned),
    /// and returns the new version. Otherwise writes nothing and returns
    /// [`StoreError::Conflict`].
    async fn save(
        &self,
        service: ServiceId,
        record: &ServiceRecord,
        expected: Version,
    ) -> Result<Version, StoreError>;
}
