//! What the SQL stores share: error wrapping and the conversions between the engine's
//! unsigned ids and versions and SQL's signed `BIGINT`.

use super::{ServiceId, StoreError, Version};

/// Wraps a driver error as [`StoreError::Backend`] of `store` doing `action`.
pub(crate) fn backend<E>(
    store: &'static str,
    action: impl Into<String>,
) -> impl FnOnce(E) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
{
    let action = action.into();
    move |source| StoreError::Backend {
        store,
        action,
        source: Box::new(source),
    }
}

/// The service id as a `BIGINT`.
pub(crate) fn sql_id(store: &'static str, service: ServiceId) -> Result<i64, StoreError> {
    i64::try_from(service).map_err(|_| StoreError::IdOutOfRange { store, service })
}

/// The version as a `BIGINT`.
pub(crate) fn sql_version(store: &'static str, version: Version) -> Result<i64, StoreError> {
    i64::try_from(version.0).map_err(backend(store, format!("compare version {version}")))
}

/// A stored version. They are positive in the tables (a `CHECK`); anything else reads as
/// absent.
pub(crate) fn to_version(version: i64) -> Version {
    Version(u64::try_from(version).unwrap_or(0))
}
