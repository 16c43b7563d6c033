//! Customer panel access (issue 10, item 3): without it the panel password is a secret
//! only the module knows, so a customer cannot act on the panel past the module; the
//! module's own customer calls still work, and switching the option closes or reopens
//! the panel at the next write of the user.

mod common;

use common::{Due, Opts, PASSWORD, SERVICE_ID, USERNAME, World};
use flvx_api::testkit::{Fault, FaultRule};
use flvx_api::{ExposeSecret, FlvxApi, PanelVersion, endpoints};
use flvx_provision::Service;
use flvx_provision::engine::Repair;
use flvx_provision::views::ViewSettings;
use test_case::test_matrix;

fn plan(w: &World, access: &str) -> Opts {
    Opts {
        panel_access: access.into(),
        ..Opts::standard(w)
    }
}

fn service(w: &World, access: &str) -> Service {
    plan(w, access).service(SERVICE_ID, &Due::in_days(30))
}

/// The secret the record keeps, if any.
fn secret(w: &World) -> Option<String> {
    let record = w.record(SERVICE_ID);
    record
        .panel_secret
        .map(|s| s.password().expose_secret().to_owned())
}

async fn logs_in(w: &World, password: &str) -> bool {
    w.client(USERNAME, password).package().await.is_ok()
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn without_panel_access_only_the_module_can_log_in(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = service(&w, "no");
    w.engine.create(&svc).await.expect("create");

    let secret = secret(&w).expect("a secret is kept");
    assert_ne!(secret, PASSWORD);
    assert_eq!(secret.len(), 48, "24 random bytes in hex");
    let sent = &w.bodies_to(endpoints::USER_CREATE.path)[0]["pwd"];
    assert_eq!(
        sent,
        &secret.as_str(),
        "the user was created with the secret"
    );
    assert!(
        !logs_in(&w, PASSWORD).await,
        "the service password is no login"
    );
    assert!(logs_in(&w, &secret).await);
    assert!(
        !format!("{:?}", w.record(SERVICE_ID)).contains(&secret),
        "Debug hides it"
    );

    let forward = w.add_forward(&svc, w.t1, "web").await;
    assert!(
        w.forward(forward).is_some(),
        "the module acts as the customer"
    );
    let view = w
        .engine
        .client_view(&svc, &ViewSettings::default())
        .await
        .expect("view");
    assert!(view.login.is_none(), "no panel credentials to show");
    assert_eq!(view.forwards.len(), 1);

    w.panel.clear_journal();
    let renamed = Service {
        password: "A-new-WHMCS-pw".into(),
        ..svc.clone()
    };
    w.engine
        .change_password(&renamed)
        .await
        .expect("change password");
    assert!(
        w.short_paths().is_empty(),
        "nothing to change on the panel: {:?}",
        w.short_paths()
    );
    assert!(!logs_in(&w, "A-new-WHMCS-pw").await);
    assert!(logs_in(&w, &secret).await);
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn the_daily_reconciliation_closes_and_reopens_the_panel_when_the_option_changes(
    version: PanelVersion,
) {
    let w = World::new(version).await;
    let open = service(&w, "yes");
    w.engine.create(&open).await.expect("create");
    w.add_forward(&open, w.t1, "web").await;
    assert!(logs_in(&w, PASSWORD).await);
    assert_eq!(secret(&w), None);

    let closed = service(&w, "no");
    let report = w
        .engine
        .reconcile(std::slice::from_ref(&closed))
        .await
        .expect("reconcile");
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(
        report.repairs,
        [Repair::PanelLogin {
            service: SERVICE_ID,
            access: false
        }]
    );
    assert!(!logs_in(&w, PASSWORD).await, "closed");
    let kept = secret(&w).expect("saved after the panel took it");
    assert!(logs_in(&w, &kept).await);
    w.add_forward(&closed, w.t1, "second").await;

    w.panel.clear_journal();
    let again = w
        .engine
        .reconcile(std::slice::from_ref(&closed))
        .await
        .expect("second run");
    assert_eq!(again.repairs, []);
    assert!(
        !w.short_paths().iter().any(|p| p == "user/update"),
        "{:?}",
        w.short_paths()
    );

    let reopened = service(&w, "yes");
    let report = w
        .engine
        .reconcile(std::slice::from_ref(&reopened))
        .await
        .expect("reconcile");
    assert_eq!(
        report.repairs,
        [Repair::PanelLogin {
            service: SERVICE_ID,
            access: true
        }]
    );
    assert!(logs_in(&w, PASSWORD).await, "the service password again");
    assert_eq!(secret(&w), None, "the secret is dropped");
}

#[derive(Debug, Clone, Copy)]
enum Op {
    Sync,
    ChangePackage,
    ChangePassword,
}

#[test_matrix(
    [PanelVersion::V2_1, PanelVersion::V3_0],
    [Op::Sync, Op::ChangePackage, Op::ChangePassword]
)]
#[tokio::test]
async fn writes_of_the_user_close_the_panel_too(version: PanelVersion, op: Op) {
    let w = World::new(version).await;
    w.engine.create(&service(&w, "yes")).await.expect("create");
    let closed = service(&w, "no");
    match op {
        Op::Sync => w.engine.sync(&closed).await.map(drop),
        Op::ChangePackage => w.engine.change_package(&closed).await.map(drop),
        Op::ChangePassword => w.engine.change_password(&closed).await.map(drop),
    }
    .expect("operation");
    assert!(!logs_in(&w, PASSWORD).await, "{op:?} closed the panel");
    let kept = secret(&w).expect("kept");
    assert!(logs_in(&w, &kept).await);
}

/// A create whose answer was lost: the retry adopts the user with the secret the first
/// attempt saved, which no one else can know.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_create_whose_answer_was_lost_is_adopted_by_its_secret(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = service(&w, "no");
    w.panel
        .inject(FaultRule::new(Fault::MalformedJson).on(endpoints::USER_CREATE.path));
    w.engine.create(&svc).await.expect_err("answer lost");
    let first = secret(&w).expect("saved before the create");

    w.engine.create(&svc).await.expect("the retry adopts");
    assert_eq!(
        secret(&w).as_deref(),
        Some(first.as_str()),
        "the same secret"
    );
    assert_eq!(w.users_named(USERNAME).len(), 1);
    assert!(logs_in(&w, &first).await);
    assert!(!logs_in(&w, PASSWORD).await);
}

/// An admin (or a leak) changed the user's password on the panel: the module's next
/// customer call puts its secret back, never the service password.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn the_login_repair_puts_the_secret_back(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = service(&w, "no");
    w.engine.create(&svc).await.expect("create");
    let kept = secret(&w).expect("kept");
    w.change_user(USERNAME, |u| u.password = Some("Known-to-customer".into()))
        .await;

    w.engine
        .forwards(&svc)
        .await
        .expect("repaired, then listed");
    assert!(logs_in(&w, &kept).await);
    assert!(!logs_in(&w, "Known-to-customer").await);
    assert!(!logs_in(&w, PASSWORD).await);
}
