//! Secrets never reach logs or `Debug` output: the client logs at every level while a real
//! login and calls run on the fake panel, and the captured output is searched.

#![cfg(feature = "testkit")]

use flvx_api::models::{NewUser, UserUpdate};
use flvx_api::testkit::FakePanel;
use flvx_api::units::{EpochMs, Gib, ResetDay, Status};
use flvx_api::{Credentials, ExposeSecret, FlvxApi, FlvxClient, recipes};
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_in_logs_or_debug() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let panel = FakePanel::start().await;
    let admin = FlvxClient::builder(
        panel.url(),
        Credentials::password(FakePanel::ADMIN_USER, FakePanel::ADMIN_PASSWORD),
    )
    .build()
    .unwrap();
    let customer_password = "Cust-Secret-Pw-77";
    let new = NewUser {
        user: "secrets-1".into(),
        password: customer_password.into(),
        flow: Gib::new(10).unwrap(),
        num: 1,
        exp_time: EpochMs::expiry(1_900_000_000_000).unwrap(),
        flow_reset_time: ResetDay::day(1).unwrap(),
        status: Status::Enabled,
        group_ids: None,
        max_conn: None,
        quota_limits: Default::default(),
    };
    let user = recipes::create_user(&admin, &new).await.unwrap();
    let mut update = UserUpdate::from_user(&user);
    update.password = Some("Changed-Secret-Pw-88".into());
    admin.update_user(&update).await.unwrap();
    let token = admin.token().await.unwrap();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("/api/v1/user/create"),
        "the client logged nothing: {logs}"
    );
    let debug = format!("{admin:?} {new:?} {update:?}");
    // The fake panel's seeded admin password equals its (public) username, so it is not
    // searched for; the customer passwords and the token are.
    for secret in [
        customer_password,
        "Changed-Secret-Pw-88",
        token.expose_secret(),
    ] {
        assert!(!logs.contains(secret), "secret {secret:?} in logs");
        assert!(
            !debug.contains(secret),
            "secret {secret:?} in Debug: {debug}"
        );
    }
}
