//! What the seller sold holds against time and against the customer: a free product's
//! expiry does not move, a customer's pause survives an unsuspend, a user group dropped
//! from the plan is dropped on the panel, and a customer that renames itself to another
//! service's name is neither adopted nor deleted by it (issue 10).

mod common;

use common::{DAY_MS, Due, Opts, PAUSED, RUNNING, SERVICE_ID, USERNAME, World, int};
use flvx_api::ids::UserId;
use flvx_api::testkit::{Fault, FaultRule};
use flvx_api::units::EpochMs;
use flvx_api::{FlvxApi, PanelVersion, endpoints};
use flvx_provision::dates::Date;
use flvx_provision::engine::ForwardRequest;
use flvx_provision::messages::{Lang, Msg};
use flvx_provision::{ProvisionError, Service};
use serde_json::json;
use test_case::test_matrix;

/// A product without a due date (30 days of validity) registered on `registered`.
fn free_service(w: &World, registered: Date) -> Service {
    Service {
        due_date: None,
        registered: Some(registered),
        ..Opts::standard(w).service(SERVICE_ID, &Due::in_days(30))
    }
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_free_products_expiry_counts_from_the_registration_and_never_moves(
    version: PanelVersion,
) {
    let w = World::new(version).await;
    let registered = Date::of(EpochMs(EpochMs::now().get() - 3 * DAY_MS));
    let svc = free_service(&w, registered);
    w.engine.create(&svc).await.expect("create");
    // The end of the 30th day after the registration day.
    let expected = registered.start_ms().get() + 31 * DAY_MS;
    assert_eq!(w.user(USERNAME)["expTime"], expected);

    // Days later, the customer changes its password: the trial must not be extended.
    let later = Service {
        now: EpochMs(svc.now.get() + 5 * DAY_MS),
        password: "An0ther-pw".into(),
        ..svc.clone()
    };
    w.engine.change_password(&later).await.expect("password");
    w.engine.sync(&later).await.expect("sync");
    assert_eq!(w.user(USERNAME)["expTime"], expected);
    for binding in w.bindings_of(UserId(int(&w.user(USERNAME), "id"))) {
        assert_eq!(binding["expTime"], expected, "{binding}");
    }
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_forward_the_customer_pauses_during_a_suspension_stays_paused_after_unsuspend(
    version: PanelVersion,
) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(30));
    let f = w.provision_with_forwards(&svc).await;
    w.engine.suspend(&svc).await.expect("suspend");
    assert_eq!(w.forward_state(f.a), PAUSED);

    let paused = w.engine.pause_forward(&svc, f.a).await;
    if w.v3() {
        // 3.0 refuses a disabled user's login, so a suspended customer cannot act.
        let e = paused.expect_err("3.0 refuses a suspended customer");
        assert!(e.to_string().contains("账号被停用"), "{e}");
        return;
    }
    paused.expect("the customer pauses a during the suspension");
    let record = w.engine.unsuspend(&svc).await.expect("unsuspend");

    assert_eq!(w.forward_state(f.a), PAUSED, "the customer's choice holds");
    assert_eq!(w.forward_state(f.b), RUNNING);
    assert_eq!(w.forward_state(f.c), PAUSED);
    assert!(record.customer_paused.contains(&f.a));
    assert!(record.suspended_forwards.is_empty(), "{record:?}");
    // And a renewal does not resume it either.
    w.engine.renew(&svc).await.expect("renew");
    assert_eq!(w.forward_state(f.a), PAUSED);
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_user_group_dropped_from_the_plan_is_dropped_on_the_panel(version: PanelVersion) {
    let w = World::new(version).await;
    let group = w.panel.add_user_group("resellers");
    let mut opts = Opts::standard(&w);
    opts.user_group = group.to_string();
    let due = Due::in_days(30);
    w.engine
        .create(&opts.service(SERVICE_ID, &due))
        .await
        .expect("create");
    assert_eq!(w.user(USERNAME)["groupIds"], json!([group.0]));

    opts.user_group = "0".into();
    w.engine
        .change_package(&opts.service(SERVICE_ID, &due))
        .await
        .expect("change package");
    assert_eq!(w.user(USERNAME)["groupIds"], json!([]));
}

/// A customer renames its own panel user to the name another service is about to get,
/// while that service's create is unfinished (its first attempt failed). Its user has the
/// same expiry (same due date), so an expiry proves nothing; only the password does. The
/// retry does not adopt it: the squatter gets its own name back, and the service a user
/// of its own.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_retry_never_adopts_a_customer_that_renamed_itself_to_the_services_name(
    version: PanelVersion,
) {
    let (w, victim) = squatted_half_create(version).await;
    let before = w.user(USERNAME);
    assert_eq!(before["expTime"], victim.expiry().get(), "the same expiry");
    let attacker_id = UserId(int(&before, "id"));
    let record = w.engine.create(&victim).await.expect("the retry");
    assert_ne!(record.user_id, Some(attacker_id), "not adopted");
    assert_eq!(record.user_id, Some(UserId(int(&w.user(USERNAME), "id"))));
    assert_eq!(UserId(int(&w.user("flvx43"), "id")), attacker_id);
    assert_eq!(w.record(43).user_id, Some(attacker_id));
    w.client("flvx43", "Att4cker-pw")
        .package()
        .await
        .expect("the attacker's user is its own again, password untouched");
}

/// Terminate of a half-created service never deletes a same-named user that cannot log in
/// with the service's password, even when its expiry matches.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn terminate_never_deletes_a_renamed_customer_with_the_same_expiry(version: PanelVersion) {
    let (w, victim) = squatted_half_create(version).await;

    w.engine.terminate(&victim).await.expect("terminate");
    assert_eq!(w.panel.requests_to(endpoints::USER_DELETE.path), 0);
    assert_eq!(w.users_named(USERNAME).len(), 1, "the renamed user lives");
}

/// Service 43 (password `Att4cker-pw`) is provisioned; service 42's first create fails
/// before reaching the panel; then 43's customer renames its user to 42's name. Both have
/// the same due date, so the same expiry.
async fn squatted_half_create(version: PanelVersion) -> (World, Service) {
    let w = World::new(version).await;
    let due = Due::in_days(38);
    let opts = Opts::standard(&w);
    let attacker = Service {
        password: "Att4cker-pw".into(),
        ..opts.service(43, &due)
    };
    w.engine
        .create(&attacker)
        .await
        .expect("the attacker's service");
    let victim = opts.service(SERVICE_ID, &due);
    w.panel
        .inject(FaultRule::new(Fault::Html502).on(endpoints::USER_CREATE.path));
    w.engine
        .create(&victim)
        .await
        .expect_err("the first attempt fails");
    assert!(w.record(SERVICE_ID).create_pending);
    rename(&w, "flvx43", USERNAME).await;
    (w, victim)
}

/// Renames a panel user, as the customer can itself (`user/updatePassword`).
async fn rename(w: &World, from: &str, to: &str) {
    w.change_user(from, |u| u.user = to.into()).await;
}

/// Six adds at once (clicks, tabs) on a plan of two forwards: every request passes the
/// count before any forward exists, and the limit still holds afterwards.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn max_forwards_holds_under_concurrent_adds(version: PanelVersion) {
    let w = World::new(version).await;
    let mut opts = Opts::standard(&w);
    opts.max = "2".into();
    let svc = opts.service(SERVICE_ID, &Due::in_days(30));
    w.engine.create(&svc).await.expect("create");
    let request = |i: u32| ForwardRequest {
        tunnel: w.t1,
        name: format!("f{i}"),
        target: "198.51.100.7:443".into(),
        port: None,
    };
    let (r0, r1, r2, r3, r4, r5) = (
        request(0),
        request(1),
        request(2),
        request(3),
        request(4),
        request(5),
    );
    let e = &w.engine;
    let results = tokio::join!(
        e.add_forward(&svc, &r0),
        e.add_forward(&svc, &r1),
        e.add_forward(&svc, &r2),
        e.add_forward(&svc, &r3),
        e.add_forward(&svc, &r4),
        e.add_forward(&svc, &r5),
    );
    let results = [
        results.0, results.1, results.2, results.3, results.4, results.5,
    ];
    let added = results.iter().filter(|r| r.is_ok()).count();
    let uid = UserId(int(&w.user(USERNAME), "id"));
    let forwards = w.forwards_of(uid);
    assert!(
        forwards.len() <= 2,
        "{} forwards: {forwards:?}",
        forwards.len()
    );
    assert!(added <= 2, "{added} adds succeeded: {results:?}");
    assert_eq!(
        added,
        forwards.len(),
        "every success is a forward that stays: {results:?}"
    );
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        // 3.0 enforces the limit itself too, for creates that arrive after two exist.
        let panel_limit = matches!(r, ProvisionError::Panel { source, .. }
            if source.panel_message() == Some(flvx_api::panel_messages::gate::FORWARD_LIMIT));
        assert!(
            matches!(r, ProvisionError::ForwardLimit { max: 2, .. }) || panel_limit,
            "refused for the limit: {r:?}"
        );
    }
}

/// A customer renames its panel user to the name the next service will get, to block its
/// creation: the create gives the squatter its own name back and goes ahead.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_customer_squatting_the_next_services_name_gets_its_own_name_back(version: PanelVersion) {
    let w = World::new(version).await;
    let due = Due::in_days(38);
    let opts = Opts::standard(&w);
    let squatter = Service {
        password: "Squ4tter-pw".into(),
        ..opts.service(43, &due)
    };
    w.engine
        .create(&squatter)
        .await
        .expect("the squatter's service");
    let squatter_id = w.record(43).user_id.expect("bound");
    rename(&w, "flvx43", USERNAME).await;

    let victim = opts.service(SERVICE_ID, &due);
    let record = w.engine.create(&victim).await.expect("the name is freed");
    let renamed_back = w.user("flvx43");
    assert_eq!(UserId(int(&renamed_back, "id")), squatter_id);
    let new_user = UserId(int(&w.user(USERNAME), "id"));
    assert_ne!(new_user, squatter_id);
    assert_eq!(record.user_id, Some(new_user));
    w.client(USERNAME, common::PASSWORD)
        .package()
        .await
        .expect("the victim's customer logs in to its own user");
    w.client("flvx43", "Squ4tter-pw")
        .package()
        .await
        .expect("the squatter keeps its password under its own name");
}

/// A customer's action while the panel is down: the customer reads that the service cannot
/// be reached, not the panel's address and port (the admin's message keeps them).
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn customers_see_no_transport_details(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(30));
    w.engine.create(&svc).await.expect("create");
    let down = flvx_api::FlvxClient::builder(
        "http://127.0.0.1:1",
        flvx_api::Credentials::password("admin_user", "admin_user"),
    )
    .build()
    .expect("client");
    let engine = flvx_provision::Engine::new(std::sync::Arc::new(down), w.store.clone());
    let request = ForwardRequest {
        tunnel: w.t1,
        name: "web".into(),
        target: "198.51.100.7:443".into(),
        port: None,
    };
    let err = engine
        .add_forward(&svc, &request)
        .await
        .expect_err("the panel is down");
    let admin = err.message(Lang::En);
    assert!(admin.contains("127.0.0.1"), "the admin sees where: {admin}");
    let customer = err.customer_message(Lang::En);
    assert_eq!(customer, Msg::PanelUnavailable.format(Lang::En, &[]));
    assert!(!customer.contains("127.0.0.1") && !customer.contains(":1"));
    assert!(!err.customer_message(Lang::Zh).contains("127.0.0.1"));
}

/// One customer with two services and one password renames the user of the first to the
/// name of the second while the second's create is unfinished: the password proof passes,
/// but the user is the first service's, and no two services may share one user.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn no_two_services_are_ever_bound_to_one_user(version: PanelVersion) {
    let w = World::new(version).await;
    let due = Due::in_days(38);
    let opts = Opts::standard(&w);
    let first = opts.service(SERVICE_ID, &due);
    w.engine.create(&first).await.expect("the first service");
    let bound = w.record(SERVICE_ID).user_id.expect("bound");
    let second = opts.service(43, &due);
    w.panel
        .inject(FaultRule::new(Fault::Html502).on(endpoints::USER_CREATE.path));
    w.engine
        .create(&second)
        .await
        .expect_err("the first attempt fails");
    rename(&w, USERNAME, "flvx43").await;

    let err = w
        .engine
        .create(&second)
        .await
        .expect_err("the first service's user is not bound twice");
    assert!(
        matches!(&err, ProvisionError::UserNotOurs { username } if username == "flvx43"),
        "{err:?}"
    );
    assert_eq!(w.record(43).user_id, None);
    assert_eq!(w.record(SERVICE_ID).user_id, Some(bound));
}

/// A second engine on the same store and panel with empty token caches, as the next
/// WHMCS request is.
fn fresh_engine(w: &World) -> flvx_provision::Engine {
    let api: std::sync::Arc<dyn FlvxApi> = w.admin.clone();
    flvx_provision::Engine::new(api, w.store.clone())
        .with_resolver(std::sync::Arc::new(flvx_provision::policy::OfflineResolver))
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0], ["renames itself", "changes its password"])]
#[tokio::test]
async fn a_customer_who_changed_its_login_on_the_panel_still_manages_its_forwards(
    version: PanelVersion,
    change: &str,
) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(30));
    let f = w.provision_with_forwards(&svc).await;
    let user = UserId(int(&w.user(USERNAME), "id"));
    w.change_user(USERNAME, |u| match change {
        "renames itself" => u.user = "somebody-else".into(),
        _ => u.password = Some("Chang3d-on-panel".into()),
    })
    .await;

    // The next request logs in afresh, is refused, puts the user back and goes on.
    let engine = fresh_engine(&w);
    engine
        .pause_forward(&svc, f.a)
        .await
        .expect("the customer's pause");
    assert_eq!(w.forward_state(f.a), PAUSED);
    assert_eq!(
        w.user(USERNAME)["id"],
        user.0,
        "the name is the service's again"
    );
    let login = w.client(USERNAME, common::PASSWORD);
    login
        .package()
        .await
        .expect("WHMCS's password logs in again");
    let updates = w.bodies_to(endpoints::USER_UPDATE.path);
    let repair = updates.last().expect("one user/update");
    assert_eq!(repair["user"], USERNAME);
    assert_eq!(repair["num"], 3, "the plan, not the panel's values");
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_login_refused_for_another_reason_is_not_repaired(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(30));
    let f = w.provision_with_forwards(&svc).await;
    w.engine.suspend(&svc).await.expect("suspend");
    w.panel.clear_journal();
    // A suspended (disabled) user's login is refused with "账号被停用": nothing to put back.
    let result = fresh_engine(&w).pause_forward(&svc, f.b).await;
    let updates = w.bodies_to(endpoints::USER_UPDATE.path);
    assert!(updates.is_empty(), "{updates:?}");
    let e = result.expect_err("refused");
    assert!(e.to_string().contains("账号被停用"), "{e}");
}
