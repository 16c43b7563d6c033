//! What the engine does with the options and refusals that differ between FLVX 2.1 and 3.0:
//! options that need 3.0 are refused on 2.1 before anything is written, and applied on 3.0;
//! 3.0's own refusals reach the customer as catalogue reasons in both languages.

mod common;

use common::{Due, Opts, SERVICE_ID, USERNAME, World, int};
use flvx_api::PanelVersion;
use flvx_api::endpoints;
use flvx_provision::engine::ForwardRequest;
use flvx_provision::messages::Lang;
use flvx_provision::views::ViewSettings;
use flvx_provision::{ProvisionError, Service};
use test_case::test_matrix;

fn v3_options(w: &World) -> Opts {
    let mut opts = Opts::standard(w);
    opts.max_connections = "5".into();
    opts.daily_quota = "2".into();
    opts.monthly_quota = "20".into();
    opts.forward_reset = "yes".into();
    opts
}

fn service(opts: &Opts) -> Service {
    opts.service(SERVICE_ID, &Due::in_days(38))
}

/// Requests other than logins since the journal was cleared.
fn calls(w: &World) -> Vec<String> {
    w.short_paths()
}

#[tokio::test]
async fn options_that_need_3_0_are_refused_on_2_1_before_any_write() {
    let w = World::new(PanelVersion::V2_1).await;
    for (key, label) in [
        ("max_connections", "Max connections (FLVX 3.0)"),
        ("daily_quota", "Daily quota (GiB, FLVX 3.0)"),
        ("monthly_quota", "Calendar-month quota (GiB, FLVX 3.0)"),
        ("forward_reset", "Customers reset forward traffic"),
    ] {
        let mut opts = Opts::standard(&w);
        match key {
            "max_connections" => opts.max_connections = "5".into(),
            "daily_quota" => opts.daily_quota = "2".into(),
            "monthly_quota" => opts.monthly_quota = "0".into(),
            _ => opts.forward_reset = "yes".into(),
        }
        w.panel.clear_journal();
        let err = w.engine.create(&service(&opts)).await.unwrap_err();
        assert!(
            matches!(err, ProvisionError::NeedsPanel3 { option, version: "2.1" } if option == label),
            "{key}: {err:?}"
        );
        assert!(calls(&w).is_empty(), "{key}: nothing sent: {:?}", calls(&w));
        assert!(w.rows("users").iter().all(|u| u["user"] != USERNAME));
        let zh = err.message(Lang::Zh);
        assert!(zh.contains("FLVX 3.0") && zh.contains(label), "{zh}");
    }
}

#[tokio::test]
async fn change_package_to_an_option_that_needs_3_0_is_refused_on_2_1() {
    let w = World::new(PanelVersion::V2_1).await;
    let opts = Opts::standard(&w);
    w.engine.create(&service(&opts)).await.expect("create");
    let before = w.user(USERNAME);
    let mut upgraded = opts.clone();
    upgraded.daily_quota = "10".into();
    w.panel.clear_journal();
    let err = w
        .engine
        .change_package(&service(&upgraded))
        .await
        .unwrap_err();
    assert!(matches!(err, ProvisionError::NeedsPanel3 { .. }), "{err:?}");
    assert!(calls(&w).is_empty(), "{:?}", calls(&w));
    assert_eq!(w.user(USERNAME), before);
}

#[tokio::test]
async fn options_that_need_3_0_are_applied_on_3_0() {
    let w = World::new(PanelVersion::V3_0).await;
    let opts = v3_options(&w);
    w.engine.create(&service(&opts)).await.expect("create");
    let user = w.user(USERNAME);
    assert_eq!(user["maxConn"], 5);
    let uid = int(&user, "id");
    let quota = w
        .rows("quotas")
        .into_iter()
        .find(|q| q["userId"] == uid)
        .expect("a quota row");
    assert_eq!(
        (
            quota["dailyLimitGB"].clone(),
            quota["monthlyLimitGB"].clone()
        ),
        (2.into(), 20.into()),
        "{quota}"
    );

    let mut more = opts.clone();
    more.max_connections = "9".into();
    w.engine
        .change_package(&service(&more))
        .await
        .expect("change");
    assert_eq!(w.user(USERNAME)["maxConn"], 9);
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_customer_resets_a_forwards_traffic_only_where_the_product_offers_it(
    version: PanelVersion,
) {
    let w = World::new(version).await;
    let plain = Opts::standard(&w);
    let svc = service(&plain);
    w.engine.create(&svc).await.expect("create");
    let f = w.add_forward(&svc, w.t1, "a").await;
    let err = w.engine.reset_forward_traffic(&svc, f).await.unwrap_err();
    assert!(
        matches!(err, ProvisionError::ForwardResetNotOffered),
        "{err:?}"
    );
    if version < PanelVersion::V3_0 {
        return;
    }
    let mut opts = plain.clone();
    opts.forward_reset = "yes".into();
    let svc = service(&opts);
    w.engine.change_package(&svc).await.expect("offer it");
    w.panel.add_traffic(f, 1_000, 2_000);
    let used = |w: &World| {
        let row = w.forward(f).expect("forward");
        int(&row, "inFlow") + int(&row, "outFlow")
    };
    assert!(used(&w) > 0);
    w.panel.clear_journal();
    w.engine
        .reset_forward_traffic(&svc, f)
        .await
        .expect("reset");
    assert_eq!(calls(&w), ["forward/reset-flow"]);
    assert_eq!(used(&w), 0);
    assert!(
        int(&w.user(USERNAME), "inFlow") > 0,
        "the account's counters stay"
    );
}

#[tokio::test]
async fn reset_traffic_also_resets_sold_quota_windows_on_3_0() {
    let w = World::new(PanelVersion::V3_0).await;
    let opts = v3_options(&w);
    let svc = service(&opts);
    w.engine.create(&svc).await.expect("create");
    let f = w.add_forward(&svc, w.t1, "a").await;
    // Over the 2 GiB daily quota: the panel pauses the forward and flags the user.
    w.panel.add_traffic(f, 3 << 30, 0);
    assert_eq!(w.forward(f).expect("forward")["status"], 0);
    w.panel.clear_journal();
    w.engine.reset_traffic(&svc).await.expect("reset");
    let made = calls(&w);
    assert_eq!(&made[..2], ["user/reset", "user/quota/reset"], "{made:?}");
    assert_eq!(w.forward(f).expect("forward")["status"], 1, "running again");
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_refused_target_is_explained_in_both_languages_on_3_0(version: PanelVersion) {
    let w = World::new(version).await;
    // The seller allows the network, so the engine's own policy lets it through and the
    // panel decides.
    let mut opts = Opts::standard(&w);
    opts.allowed_networks = "10.0.0.0/8".into();
    let svc = service(&opts);
    w.engine.create(&svc).await.expect("create");
    let request = ForwardRequest {
        tunnel: w.t1,
        name: "lan".into(),
        target: "10.0.0.1:80".into(),
        port: None,
    };
    let result = w.engine.add_forward(&svc, &request).await;
    if version < PanelVersion::V3_0 {
        // 2.1 does not check targets.
        result.expect("2.1 accepts it");
        return;
    }
    let err = result.unwrap_err();
    let en = err.message(Lang::En);
    let zh = err.message(Lang::Zh);
    assert!(
        en.contains("private, loopback or could not be resolved"),
        "{en}"
    );
    assert!(zh.contains("内网"), "{zh}");
    assert!(
        !en.contains("resolves to internal IP"),
        "the panel's English is replaced: {en}"
    );
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_password_bcrypt_cannot_store_is_refused_before_any_call(version: PanelVersion) {
    let w = World::new(version).await;
    let mut svc = service(&Opts::standard(&w));
    svc.password = "p".repeat(73).into();
    w.panel.clear_journal();
    let err = w.engine.create(&svc).await.unwrap_err();
    assert!(matches!(err, ProvisionError::PasswordTooLong), "{err:?}");
    assert!(calls(&w).is_empty());
    assert!(err.message(Lang::En).contains("72 bytes"));
}

#[tokio::test]
async fn a_suspended_3_0_customer_still_sees_its_account() {
    let w = World::new(PanelVersion::V3_0).await;
    let svc = service(&Opts::standard(&w));
    w.engine.create(&svc).await.expect("create");
    w.add_forward(&svc, w.t1, "a").await;
    w.engine.suspend(&svc).await.expect("suspend");
    w.panel.clear_journal();
    let view = w
        .engine
        .client_view(&svc, &ViewSettings::default())
        .await
        .expect("view");
    assert_eq!(view.username, USERNAME);
    assert_eq!(view.forwards.len(), 1);
    assert_eq!(
        calls(&w),
        ["user/list", "forward/list"],
        "the admin's lists"
    );
    assert!(
        w.panel
            .journal()
            .iter()
            .all(|e| e.path != endpoints::USER_PACKAGE.path),
        "no customer login is tried"
    );
}
