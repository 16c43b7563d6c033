//! Adoption on create: a retry adopts the user its own half-finished create made, and a
//! same-named user the service did not create is never taken over (DESIGN "Create").

mod common;

use flvx_api::PanelVersion;
use test_case::test_matrix;

use common::{Due, Opts, PASSWORD, SERVICE_ID, USERNAME, World, int};
use flvx_api::FlvxApi;
use flvx_api::endpoints;
use flvx_api::ids::UserId;
use flvx_api::models::NewUser;
use flvx_api::testkit::{Fault, FaultRule};
use flvx_api::units::{EpochMs, Gib, ResetDay, Status};
use flvx_provision::messages::Lang;
use flvx_provision::{ProvisionError, ServiceRecord};

/// The admin creates a user named like the service, as someone might by hand.
async fn foreign_user(w: &World) {
    let user = NewUser {
        user: USERNAME.into(),
        password: "someone-else".into(),
        flow: Gib::new(7).expect("gib"),
        num: 2,
        exp_time: EpochMs::FAR_FUTURE,
        flow_reset_time: ResetDay::day(5).expect("day"),
        status: Status::Enabled,
        group_ids: None,
        max_conn: None,
        quota_limits: Default::default(),
    };
    w.admin
        .create_user(&user)
        .await
        .expect("admin creates a user");
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_same_named_user_created_by_someone_else_is_not_adopted(version: PanelVersion) {
    let w = World::new(version).await;
    foreign_user(&w).await;
    let before = w.user(USERNAME);
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));

    w.panel.clear_journal();
    let err = w
        .engine
        .create(&svc)
        .await
        .expect_err("must refuse to adopt");
    assert!(err.to_string().contains(USERNAME), "{err}");
    assert!(
        err.message(Lang::Zh).contains(USERNAME),
        "{}",
        err.message(Lang::Zh)
    );
    assert!(
        matches!(&err, ProvisionError::UserNotOurs { username } if username == USERNAME),
        "{err:?}"
    );
    assert_eq!(
        w.short_paths(),
        ["user/create", "user/list"],
        "refused after one lookup (the holder is no other service's user to rename back): \
         no update, no binding"
    );
    assert_eq!(w.user(USERNAME), before, "the panel user is untouched");
    assert!(w.bindings_of(UserId(int(&before, "id"))).is_empty());
    assert_eq!(
        w.store.get(SERVICE_ID),
        Some(ServiceRecord::default()),
        "the pending marker and the sent expiry are taken back"
    );

    // A retry refuses again, for the same reason.
    let again = w.engine.create(&svc).await.expect_err("still refused");
    assert!(again.to_string().contains(USERNAME), "{again}");
    assert_eq!(w.user(USERNAME), before);
    w.client(USERNAME, "someone-else")
        .package()
        .await
        .expect("the owner's password still works");
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_retry_adopts_the_user_its_own_failed_create_made(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
    // user/create succeeds; the id lookup after it fails.
    w.panel
        .inject(FaultRule::new(Fault::Html502).on(endpoints::USER_LIST.path));
    let err = w.engine.create(&svc).await.expect_err("the lookup failed");
    assert!(!err.to_string().is_empty());
    assert_eq!(w.short_paths(), ["user/create", "user/list"]);
    assert_eq!(
        w.users_named(USERNAME).len(),
        1,
        "the user exists on the panel"
    );
    assert_eq!(
        w.record(SERVICE_ID),
        ServiceRecord {
            username: Some(USERNAME.into()),
            create_pending: true,
            pushed_expiry: Some(svc.expiry()),
            ..ServiceRecord::default()
        },
        "the marker, with the expiry the create sent"
    );
    assert_eq!(w.user(USERNAME)["expTime"], svc.expiry().get());

    w.panel.clear_journal();
    let record = w.engine.create(&svc).await.expect("the retry adopts");
    let users = w.users_named(USERNAME);
    assert_eq!(users.len(), 1, "exactly one user with that name");
    let uid = UserId(int(&users[0], "id"));
    assert_eq!(record.user_id, Some(uid));
    assert!(!record.create_pending);
    assert_eq!(record.bindings.len(), 2);
    assert_eq!(w.bindings_of(uid).len(), 2);
    let codes: Vec<_> = w
        .panel
        .journal()
        .into_iter()
        .filter(|e| e.path == endpoints::USER_CREATE.path)
        .map(|e| e.code)
        .collect();
    assert_eq!(
        codes,
        vec![Some(-1)],
        "the retry's create met the existing name"
    );
    assert_eq!(
        w.short_paths(),
        [
            "user/create",
            "user/package",
            "user/list",
            "user/update",
            "tunnel/user/assign",
            "tunnel/user/assign",
            "tunnel/user/list",
        ],
        "adoption proves the user is ours (a login with the service's password, then \
         user/package as it) and re-applies the plan"
    );
    assert_eq!(record.pushed_expiry, Some(svc.expiry()));
    assert_eq!(w.record(SERVICE_ID), record);
    w.client(USERNAME, PASSWORD)
        .package()
        .await
        .expect("customer login");
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn terminate_removes_the_user_of_a_half_finished_create(version: PanelVersion) {
    let w = World::new(version).await;
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
    w.panel
        .inject(FaultRule::new(Fault::ConnectionDrop).on(endpoints::BINDING_ASSIGN.path));
    w.engine
        .create(&svc)
        .await
        .expect_err("the first assign failed");
    assert_eq!(w.users_named(USERNAME).len(), 1);
    let record = w.engine.terminate(&svc).await.expect("terminate");
    assert_eq!(record, ServiceRecord::default());
    assert!(
        w.users_named(USERNAME).is_empty(),
        "the half-created user is deleted"
    );
}

/// The pending marker alone cannot tell "my create was sent but its answer was lost" from
/// "my create never reached the panel and the name belongs to someone else". A login with
/// the service's password does: after a first attempt whose `user/create` failed in
/// transport, the retry must still refuse a foreign user and leave it untouched.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn a_foreign_user_is_not_adopted_after_a_failed_first_attempt(version: PanelVersion) {
    let w = World::new(version).await;
    foreign_user(&w).await;
    let before = w.user(USERNAME);
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
    w.panel
        .inject(FaultRule::new(Fault::Html502).on(endpoints::USER_CREATE.path));
    w.panel.clear_journal();
    let first = w.engine.create(&svc).await.expect_err("gateway error");
    assert!(
        matches!(first, ProvisionError::Panel { .. }),
        "the transport error, not a refusal: {first:?}"
    );
    assert_eq!(w.short_paths(), ["user/create"]);
    assert!(w.record(SERVICE_ID).create_pending, "the marker stays");

    w.panel.clear_journal();
    let err = w
        .engine
        .create(&svc)
        .await
        .expect_err("must still refuse the foreign user");
    assert!(
        matches!(&err, ProvisionError::UserNotOurs { username } if username == USERNAME),
        "{err:?}"
    );
    assert!(err.to_string().contains(USERNAME), "{err}");
    assert_eq!(
        w.short_paths(),
        ["user/create", "user/list"],
        "looked up, refused by its password, and left alone"
    );
    assert_eq!(w.user(USERNAME), before, "the foreign user is untouched");
    let record = w.record(SERVICE_ID);
    assert!(!record.create_pending, "the marker is taken back");
    assert_eq!(record.user_id, None);
    assert_eq!(record.pushed_expiry, None);
    w.client(USERNAME, "someone-else")
        .package()
        .await
        .expect("the owner's password still works");
}

/// The same situation, then the service is terminated (an order cancelled after a failed
/// create): terminate must not delete a user this service never created.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn terminate_after_a_failed_create_leaves_a_foreign_user_alone(version: PanelVersion) {
    let w = World::new(version).await;
    foreign_user(&w).await;
    let before = w.user(USERNAME);
    let svc = Opts::standard(&w).service(SERVICE_ID, &Due::in_days(38));
    w.panel
        .inject(FaultRule::new(Fault::Html502).on(endpoints::USER_CREATE.path));
    w.engine.create(&svc).await.expect_err("gateway error");
    assert!(w.record(SERVICE_ID).create_pending);

    w.panel.clear_journal();
    let record = w.engine.terminate(&svc).await.expect("terminate");
    assert_eq!(record, ServiceRecord::default());
    assert_eq!(w.record(SERVICE_ID), ServiceRecord::default());
    assert_eq!(w.panel.requests_to(endpoints::USER_DELETE.path), 0);
    assert_eq!(w.user(USERNAME), before, "the foreign user is untouched");
}
