//! The provisioning engine for selling FLVX forwarding services from a billing system.
//!
//! - [`schema`]: the product options (the single definition the WHMCS module is generated from);
//! - [`plan`]: option values to a validated [`Plan`];
//! - [`engine`]: create, suspend, unsuspend, renew, terminate, change package and password,
//!   reset traffic, sync, and the customer's own forwards;
//! - [`policy`]: where a customer's forward may send traffic and listen;
//! - [`usage`] and [`views`]: traffic for a whole server in one call, and display models;
//! - [`secret`]: the panel password of products that give customers no panel access;
//! - [`store`]: what a service remembers, behind a compare-and-swap trait, in memory or
//!   (features `sqlite`, `postgres`) in a database;
//! - [`messages`]: every user-facing sentence, in English and Chinese.

#![warn(missing_docs)]

pub mod dates;
pub mod engine;
mod error;
pub mod messages;
pub mod plan;
pub mod policy;
pub mod refusals;
pub mod schema;
pub mod secret;
pub mod store;
pub mod usage;
pub mod views;

pub use engine::{Engine, Service};
pub use error::{ForwardField, ProvisionError};
pub use plan::{Plan, PlanInput};
#[cfg(feature = "postgres")]
pub use store::PostgresStore;
#[cfg(feature = "sqlite")]
pub use store::SqliteStore;
pub use store::{
    MemoryStore, ServiceId, ServiceRecord, ServiceStore, StoreError, Version, Versioned,
};
