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
//! Two FLVX lines are supported, 2.1 (2.1.4 and later) and 3.0 (3.0.1-beta1 and later).
//! The client learns which one it talks to from the login token it is issued, without a
//! call of its own ([`FlvxClient::panel_version`]), sends the `X-FLVX-API-Client: whmcs`
//! login header that lets billing modules past the captcha on 3.0, and keeps 3.0's
//! additions (connection caps, daily and monthly quotas, named batch failures, update
//! warnings) in the same models, absent on 2.1.
//!
//! The panel behaviour all of this relies on, for both lines, is described in
//! [`panel_behaviour`]; "§4.3" in these docs means its section 4.3.
//!
//! With the `testkit` feature, [`testkit::FakePanel`] is a stateful in-process panel for
//! tests and examples, with a profile for each line.

#![warn(missing_docs)]

mod api;
mod auth;
mod client;
pub mod endpoints;
mod envelope;
mod error;
pub mod ids;
pub mod models;
#[doc = include_str!("../docs/panel-behaviour.md")]
pub mod panel_behaviour {}
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
