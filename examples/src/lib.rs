//! Shared set-up for the example programs: a client for the panel named by the
//! environment, or for an embedded fake panel when none is named.
//!
//! - `FLVX_URL`: the panel's base URL (for example `https://panel.example.com:6366`);
//! - `FLVX_TOKEN`, or `FLVX_USER` and `FLVX_PASSWORD`: the admin credentials.

use flvx_api::testkit::FakePanel;
use flvx_api::units::Mbps;
use flvx_api::{Credentials, FlvxClient};
use std::error::Error;

/// A connected panel; `fake` holds the embedded panel alive when one was started.
pub struct Panel {
    /// An admin client.
    pub client: FlvxClient,
    /// The embedded fake panel, if no real one was named.
    pub fake: Option<FakePanel>,
}

/// Connects to the panel named by `FLVX_URL`, or starts a fake one seeded with two
/// tunnels and a 100 Mbps speed limit.
pub async fn connect() -> Result<Panel, Box<dyn Error>> {
    if let Ok(url) = std::env::var("FLVX_URL") {
        let credentials = credentials_from_env()?;
        let client = FlvxClient::builder(url, credentials).build()?;
        return Ok(Panel { client, fake: None });
    }
    let fake = FakePanel::start().await;
    let hk = fake.add_tunnel("HK-SG");
    fake.add_tunnel("JP-US");
    fake.add_speed_limit("100M", hk, Mbps(100));
    let credentials = Credentials::password(FakePanel::ADMIN_USER, FakePanel::ADMIN_PASSWORD);
    let client = FlvxClient::builder(fake.url(), credentials).build()?;
    println!(
        "Using an embedded fake FLVX panel at {} (set FLVX_URL for a real one)",
        fake.url()
    );
    Ok(Panel {
        client,
        fake: Some(fake),
    })
}

fn credentials_from_env() -> Result<Credentials, Box<dyn Error>> {
    if let Ok(token) = std::env::var("FLVX_TOKEN") {
        return Ok(Credentials::token(token));
    }
    match (std::env::var("FLVX_USER"), std::env::var("FLVX_PASSWORD")) {
        (Ok(user), Ok(password)) => Ok(Credentials::password(user, password)),
        _ => Err("FLVX_URL is set: also set FLVX_TOKEN, or FLVX_USER and FLVX_PASSWORD".into()),
    }
}
