//! Typed async SDK for the [FLVX](https://github.com/Sagit-chu/flvx) panel admin API.
//!
//! The panel answers HTTP 200 for every error, replaces whole records on update, returns
//! no ids from creates and mixes GiB, bytes and milliseconds in neighbouring fields. This
//! crate turns each of those traps into a type or an error:
//!
//! - success is decided by the envelope `code`, never the HTTP status ([`Error`]);
//! - updates take structs with every field ([`models::UserUpdate`]), and [`recipes`]
//!   offer read-merge-write and create-then-find;
//! - units are types ([`units::Gib`], [`units::Bytes`], [`units::EpochMs`]);
//! - the admin token is cached, refreshed single-flight, and re-requested once when the
//!   panel refuses it.
//!
//! ```no_run
//! use flvx_api::{Credentials, FlvxApi, FlvxClient};
//!
//! # async fn run() -> flvx_api::Result<()> {
//! let panel = FlvxClient::builder(
//!     "https://panel.example.com:6366",
//!     Credentials::password("admin_user", "secret"),
//! )
//! .build()?;
//! for tunnel in panel.list_tunnels().await? {
//!     println!("{} {}", tunnel.id, tunnel.name);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! With the `testkit` feature, [`testkit::FakePanel`] is a stateful in-process panel for
//! tests and examples.

#![warn(missing_docs)]

mod api;
mod auth;
mod client;
pub mod endpoints;
mod envelope;
mod error;
pub mod ids;
pub mod models;
pub mod panel_messages;
pub mod recipes;
mod retry;
pub mod units;
pub mod version;

#[cfg(feature = "testkit")]
pub mod testkit;

pub use api::FlvxApi;
pub use auth::Credentials;
pub use client::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, FlvxClient, FlvxClientBuilder};
pub use error::{Error, Result, hints};
pub use retry::RetryPolicy;
pub use secrecy::{ExposeSecret, SecretString};
pub use version::PanelVersion;
