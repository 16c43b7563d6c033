//! Faults at every step of every operation. For each request `k` an operation makes in a
//! clean run, a fresh panel fails that request; the operation must return an error (never
//! panic), leave the stored record as it was (except for the two intents the store
//! documents: the create-pending marker, and the forwards a pause is about to stop), and a
//! retry without faults must reach exactly the state of a clean run: no duplicate users,
//! bindings or forwards, the same statuses on the panel and on the node, the same record.

mod common;

use flvx_api::PanelVersion;
use test_case::test_matrix;

use common::{Due, Opts, PAUSED, SERVICE_ID, USERNAME, World, int};
use flvx_api::FlvxApi;
use flvx_api::endpoints;
use flvx_api::ids::{ForwardId, UserId};
use flvx_api::testkit::{Fault, FaultRule};
use flvx_provision::{ProvisionError, Service, ServiceRecord};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Create,
    Suspend,
    Unsuspend,
    /// Unsuspend after the panel expired the service while suspended, with a due date an
    /// administrator moved (no renewal): the bindings are re-enabled by unsuspend.
    UnsuspendAfterExpiry,
    /// Renew after the panel expired the service.
    Renew,
    /// Renew while suspended, after the panel expired the service.
    RenewSuspended,
    Terminate,
    TerminateDisable,
    ChangePackage,
    /// Sync with a new due date after the panel expired the service.
    SyncAfterExpiry,
    /// Sync of a suspended service whose panel user was deleted by hand.
    SyncRecreateSuspended,
}

const ALL_OPS: [Op; 11] = [
    Op::Create,
    Op::Suspend,
    Op::Unsuspend,
    Op::UnsuspendAfterExpiry,
    Op::Renew,
    Op::RenewSuspended,
    Op::Terminate,
    Op::TerminateDisable,
    Op::ChangePackage,
    Op::SyncAfterExpiry,
    Op::SyncRecreateSuspended,
];

/// Due dates shared by every panel of one test, so that all of them compute the same state.
struct Dates {
    version: PanelVersion,
    due: Due,
    near: Due,
    renewed: Due,
}

impl Dates {
    fn today(version: PanelVersion) -> Dates {
        Dates {
            version,
            due: Due::in_days(38),
            near: Due::in_days(5),
            renewed: Due::in_days(70),
        }
    }
}

/// A fresh panel brought to the state just before `op`, and the service to run `op` with.
async fn prepare(op: Op, dates: &Dates) -> (World, Service) {
    let w = World::new(dates.version).await;
    let mut opts = Opts::standard(&w);
    if op == Op::TerminateDisable {
        opts.terminate = "disable".into();
    }
    let expires = matches!(
        op,
        Op::UnsuspendAfterExpiry | Op::Renew | Op::RenewSuspended | Op::SyncAfterExpiry
    );
    let due = if expires { &dates.near } else { &dates.due };
    let svc = opts.service(SERVICE_ID, due);
    if op == Op::Create {
        return (w, svc);
    }
    w.provision_with_forwards(&svc).await;
    let svc = match op {
        Op::Unsuspend => {
            w.engine.suspend(&svc).await.expect("suspend");
            svc
        }
        Op::UnsuspendAfterExpiry | Op::RenewSuspended => {
            w.engine.suspend(&svc).await.expect("suspend");
            w.expire(&svc);
            w.at_panel_now(&opts.service(SERVICE_ID, &dates.renewed))
        }
        Op::Renew | Op::SyncAfterExpiry => {
            w.expire(&svc);
            w.at_panel_now(&opts.service(SERVICE_ID, &dates.renewed))
        }
        Op::ChangePackage => {
            opts.tunnels = format!("{},{}", w.t1, w.t3);
            opts.quota = "500".into();
            opts.max = "5".into();
            opts.speed = w.s2.to_string();
            opts.service(SERVICE_ID, &dates.due)
        }
        Op::SyncRecreateSuspended => {
            w.engine.suspend(&svc).await.expect("suspend");
            let uid = UserId(int(&w.user(USERNAME), "id"));
            w.admin.delete_user(uid).await.expect("deleted by hand");
            svc
        }
        _ => svc,
    };
    // Moving the clock outlives a 3.0 token (7 days); log in now, as a daily cron would
    // have, so that the operation under test starts with a valid token on both lines.
    w.admin.list_tunnels().await.expect("a fresh admin token");
    (w, svc)
}

async fn run(op: Op, w: &World, svc: &Service) -> Result<ServiceRecord, ProvisionError> {
    match op {
        Op::Create => w.engine.create(svc).await,
        Op::Suspend => w.engine.suspend(svc).await,
        Op::Unsuspend | Op::UnsuspendAfterExpiry => w.engine.unsuspend(svc).await,
        Op::Renew | Op::RenewSuspended => w.engine.renew(svc).await,
        Op::Terminate | Op::TerminateDisable => w.engine.terminate(svc).await,
        Op::ChangePackage => w.engine.change_package(svc).await,
        Op::SyncAfterExpiry | Op::SyncRecreateSuspended => w.engine.sync(svc).await,
    }
}

/// The outcome of a clean run: its requests, panel state and record (binding ids as
/// what they stand for, `World::comparable`).
struct Clean {
    paths: Vec<String>,
    state: Value,
    record: ServiceRecord,
}

/// The end of the run of requests sent at once that request `k` of `paths` belongs to
/// (the engine sends per-tunnel assigns and removes together): `k + 1` for a request sent
/// alone.
fn end_of_run(paths: &[String], k: usize) -> usize {
    let concurrent = [
        endpoints::BINDING_ASSIGN.path,
        endpoints::BINDING_REMOVE.path,
    ];
    if !concurrent.contains(&paths[k].as_str()) {
        return k + 1;
    }
    let mut end = k + 1;
    while paths.get(end) == Some(&paths[k]) {
        end += 1;
    }
    end
}

async fn clean_run(op: Op, dates: &Dates) -> Clean {
    let (w, svc) = prepare(op, dates).await;
    w.panel.clear_journal();
    if let Err(e) = run(op, &w, &svc).await {
        panic!("clean {op:?}: {e}");
    }
    let paths = w.call_paths();
    assert!(!paths.is_empty(), "{op:?} made no request");
    Clean {
        paths,
        state: w.state(),
        record: w.comparable(w.record(SERVICE_ID)),
    }
}

/// What the store must hold after `op` failed on a request to `path`, given what it held
/// before.
fn expected_after_failure(
    op: Op,
    k: usize,
    path: &str,
    svc: &Service,
    before: Option<ServiceRecord>,
    clean: &Clean,
) -> Option<ServiceRecord> {
    match op {
        // Documented intent: the "create pending" marker, the username and the expiry the
        // create sends (the fingerprint) are saved before `user/create`, so that a retry
        // adopts the user a half-finished create made, and only that one.
        Op::Create => Some(ServiceRecord {
            username: Some(USERNAME.into()),
            create_pending: true,
            pushed_expiry: Some(svc.expiry()),
            ..ServiceRecord::default()
        }),
        // Documented intent: the forwards about to be paused are saved before
        // `forward/batch-pause`, so that a lost answer cannot lose them. The intent is the
        // clean run's final record.
        Op::Suspend | Op::TerminateDisable if path == endpoints::FORWARD_BATCH_PAUSE.path => {
            Some(clean.record.clone())
        }
        // Documented intent: tunnels about to be re-assigned (their forwards re-pushed) are
        // saved before the first `tunnel/user/assign`, so a retry re-pauses them.
        Op::ChangePackage if k >= first(clean, endpoints::BINDING_ASSIGN.path) => {
            before.map(|r| ServiceRecord {
                repause_tunnels: vec![svc.plan.tunnels[0]],
                ..r
            })
        }
        // Documented: re-creating a user deleted by hand starts a fresh record that keeps
        // the suspension and carries the create marker and fingerprint.
        Op::SyncRecreateSuspended if k >= first(clean, endpoints::USER_CREATE.path) => {
            Some(ServiceRecord {
                username: Some(USERNAME.into()),
                create_pending: true,
                suspended: true,
                pushed_expiry: Some(svc.expiry()),
                ..ServiceRecord::default()
            })
        }
        _ => before,
    }
}

/// The index of the first request to `path` in a clean run.
fn first(clean: &Clean, path: &str) -> usize {
    clean
        .paths
        .iter()
        .position(|p| p == path)
        .unwrap_or(usize::MAX)
}

/// Which requests of a clean run a fault matrix fails.
#[derive(Debug, Clone, Copy)]
enum Steps {
    All,
    /// The requests before the first one to this path (all of them if there is none).
    Before(&'static str),
    /// The first request to this path and all after it.
    From(&'static str),
}

impl Steps {
    fn range(self, paths: &[String]) -> std::ops::Range<usize> {
        let first = |p: &str| match paths.iter().position(|q| q == p) {
            Some(i) => i,
            None => panic!("{p} not in the clean run {paths:?}"),
        };
        match self {
            Steps::All => 0..paths.len(),
            // 3.0 re-pauses by itself: a run without the re-pause is all "before" it.
            Steps::Before(p) if !paths.iter().any(|q| q == p) => 0..paths.len(),
            Steps::Before(p) => 0..first(p),
            Steps::From(p) => first(p)..paths.len(),
        }
    }
}

/// Fails request `k` (for every `k` of `steps` in a clean run) with each fault, then
/// retries.
async fn fault_matrix(
    version: PanelVersion,
    op: Op,
    faults: &[Fault],
    check_record_unchanged: bool,
    steps: Steps,
) {
    let dates = Dates::today(version);
    let clean = clean_run(op, &dates).await;
    let range = steps.range(&clean.paths);
    assert!(
        !range.is_empty(),
        "{op:?} {steps:?}: no step in {:?}",
        clean.paths
    );
    for k in range {
        for fault in faults {
            let case = format!(
                "{op:?} with {fault:?} on request {k} ({}) of {}",
                clean.paths[k],
                clean.paths.len()
            );
            let (w, svc) = prepare(op, &dates).await;
            let before = w.store.get(SERVICE_ID).map(|r| w.comparable(r));
            w.panel.clear_journal();
            w.panel.inject(FaultRule::new(fault.clone()).after(k));
            let err = match run(op, &w, &svc).await {
                Ok(record) => panic!(
                    "{case}: succeeded ({record:?}); journal {:?}",
                    w.call_paths()
                ),
                Err(e) => e,
            };
            let message = err.to_string();
            assert!(!message.trim().is_empty(), "{case}: empty message");
            let faulted: Vec<_> = w
                .panel
                .journal()
                .into_iter()
                .filter(|e| e.fault.is_some())
                .collect();
            assert_eq!(faulted.len(), 1, "{case}: the fault fired once");
            assert_eq!(faulted[0].path, clean.paths[k], "{case}: on request {k}");
            assert_eq!(
                w.call_paths(),
                clean.paths[..end_of_run(&clean.paths, k)],
                "{case}: nothing is sent after the failed request but what was sent with it"
            );
            if check_record_unchanged {
                assert_eq!(
                    w.store.get(SERVICE_ID).map(|r| w.comparable(r)),
                    expected_after_failure(op, k, &clean.paths[k], &svc, before, &clean),
                    "{case}: a failed operation must leave the stored record as it was ({message})"
                );
            }
            w.panel.clear_faults();
            if let Err(e) = run(op, &w, &svc).await {
                panic!("{case}: the retry failed: {e}");
            }
            assert_eq!(
                w.state(),
                clean.state,
                "{case}: the retry's panel state differs from a clean run"
            );
            assert_eq!(
                w.comparable(w.record(SERVICE_ID)),
                clean.record,
                "{case}: the retry's record differs"
            );
            assert_eq!(
                w.users_named(USERNAME).len(),
                usize::from(op != Op::Terminate),
                "{case}"
            );
        }
    }
}

/// Faults whose request the panel never processes.
fn transport_faults() -> Vec<Fault> {
    vec![
        Fault::Html502,
        Fault::ConnectionDrop,
        Fault::InternalError("database is locked".into()),
    ]
}

const FORWARD_LIST: &str = endpoints::FORWARD_LIST.path;
const USER_CREATE: &str = endpoints::USER_CREATE.path;

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn create_converges_after_a_fault_at_any_step(version: PanelVersion) {
    fault_matrix(version, Op::Create, &transport_faults(), true, Steps::All).await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn suspend_converges_after_a_fault_at_any_step(version: PanelVersion) {
    fault_matrix(version, Op::Suspend, &transport_faults(), true, Steps::All).await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn unsuspend_converges_after_a_fault_at_any_step(version: PanelVersion) {
    fault_matrix(
        version,
        Op::Unsuspend,
        &transport_faults(),
        true,
        Steps::All,
    )
    .await;
}

/// Up to the save (user/update, the re-assigns, the resume).
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn unsuspend_after_expiry_converges_after_a_fault_before_the_re_pause(version: PanelVersion) {
    fault_matrix(
        version,
        Op::UnsuspendAfterExpiry,
        &transport_faults(),
        true,
        Steps::Before(FORWARD_LIST),
    )
    .await;
}

/// 2.1 only: 3.0 pauses re-pushed forwards again itself, so its run has no re-pause.
#[tokio::test]
async fn unsuspend_after_expiry_converges_after_a_fault_in_the_re_pause() {
    fault_matrix(
        PanelVersion::V2_1,
        Op::UnsuspendAfterExpiry,
        &transport_faults(),
        true,
        Steps::From(FORWARD_LIST),
    )
    .await;
}

/// Up to the save (user/update and the re-assigns).
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn renew_converges_after_a_fault_before_the_forward_steps(version: PanelVersion) {
    fault_matrix(
        version,
        Op::Renew,
        &transport_faults(),
        true,
        Steps::Before(FORWARD_LIST),
    )
    .await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn renew_converges_after_a_fault_in_the_forward_steps(version: PanelVersion) {
    fault_matrix(
        version,
        Op::Renew,
        &transport_faults(),
        true,
        Steps::From(FORWARD_LIST),
    )
    .await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn renew_while_suspended_converges_after_a_fault_before_the_forward_steps(
    version: PanelVersion,
) {
    fault_matrix(
        version,
        Op::RenewSuspended,
        &transport_faults(),
        true,
        Steps::Before(FORWARD_LIST),
    )
    .await;
}

/// 2.1 only: 3.0 pauses re-pushed forwards again itself, so its run has no re-pause.
#[tokio::test]
async fn renew_while_suspended_converges_after_a_fault_in_the_forward_steps() {
    fault_matrix(
        PanelVersion::V2_1,
        Op::RenewSuspended,
        &transport_faults(),
        true,
        Steps::From(FORWARD_LIST),
    )
    .await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn terminate_converges_after_a_fault_at_any_step(version: PanelVersion) {
    fault_matrix(
        version,
        Op::Terminate,
        &transport_faults(),
        true,
        Steps::All,
    )
    .await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn terminate_disable_converges_after_a_fault_at_any_step(version: PanelVersion) {
    fault_matrix(
        version,
        Op::TerminateDisable,
        &transport_faults(),
        true,
        Steps::All,
    )
    .await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn change_package_converges_after_a_fault_at_any_step(version: PanelVersion) {
    fault_matrix(
        version,
        Op::ChangePackage,
        &transport_faults(),
        true,
        Steps::All,
    )
    .await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn sync_after_expiry_converges_after_a_fault_at_any_step(version: PanelVersion) {
    fault_matrix(
        version,
        Op::SyncAfterExpiry,
        &transport_faults(),
        true,
        Steps::All,
    )
    .await;
}

/// The lookup that finds the user missing.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn sync_re_creating_a_suspended_service_converges_after_a_fault_in_the_lookup(
    version: PanelVersion,
) {
    fault_matrix(
        version,
        Op::SyncRecreateSuspended,
        &transport_faults(),
        true,
        Steps::Before(USER_CREATE),
    )
    .await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn sync_re_creating_a_suspended_service_converges_after_a_fault_from_the_create_on(
    version: PanelVersion,
) {
    fault_matrix(
        version,
        Op::SyncRecreateSuspended,
        &transport_faults(),
        true,
        Steps::From(USER_CREATE),
    )
    .await;
}

// Lost responses: the panel processes the request, then the answer is cut in half. The
// engine cannot know whether it happened, so only convergence of the retry is checked.

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn create_converges_after_a_lost_response(version: PanelVersion) {
    fault_matrix(
        version,
        Op::Create,
        &[Fault::MalformedJson],
        false,
        Steps::All,
    )
    .await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn suspend_converges_after_a_lost_response(version: PanelVersion) {
    fault_matrix(
        version,
        Op::Suspend,
        &[Fault::MalformedJson],
        false,
        Steps::All,
    )
    .await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn unsuspend_converges_after_a_lost_response(version: PanelVersion) {
    fault_matrix(
        version,
        Op::Unsuspend,
        &[Fault::MalformedJson],
        false,
        Steps::All,
    )
    .await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn unsuspend_after_expiry_converges_after_a_lost_response_before_the_re_pause(
    version: PanelVersion,
) {
    fault_matrix(
        version,
        Op::UnsuspendAfterExpiry,
        &[Fault::MalformedJson],
        false,
        Steps::Before(FORWARD_LIST),
    )
    .await;
}

/// 2.1 only: 3.0 pauses re-pushed forwards again itself, so its run has no re-pause.
#[tokio::test]
async fn unsuspend_after_expiry_converges_after_a_lost_response_in_the_re_pause() {
    fault_matrix(
        PanelVersion::V2_1,
        Op::UnsuspendAfterExpiry,
        &[Fault::MalformedJson],
        false,
        Steps::From(FORWARD_LIST),
    )
    .await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn renew_converges_after_a_lost_response_before_the_forward_steps(version: PanelVersion) {
    fault_matrix(
        version,
        Op::Renew,
        &[Fault::MalformedJson],
        false,
        Steps::Before(FORWARD_LIST),
    )
    .await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn renew_converges_after_a_lost_response_in_the_forward_steps(version: PanelVersion) {
    fault_matrix(
        version,
        Op::Renew,
        &[Fault::MalformedJson],
        false,
        Steps::From(FORWARD_LIST),
    )
    .await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn terminate_converges_after_a_lost_response(version: PanelVersion) {
    fault_matrix(
        version,
        Op::Terminate,
        &[Fault::MalformedJson],
        false,
        Steps::All,
    )
    .await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn terminate_disable_converges_after_a_lost_response(version: PanelVersion) {
    fault_matrix(
        version,
        Op::TerminateDisable,
        &[Fault::MalformedJson],
        false,
        Steps::All,
    )
    .await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn change_package_converges_after_a_lost_response(version: PanelVersion) {
    fault_matrix(
        version,
        Op::ChangePackage,
        &[Fault::MalformedJson],
        false,
        Steps::All,
    )
    .await;
}

#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn sync_after_expiry_converges_after_a_lost_response(version: PanelVersion) {
    fault_matrix(
        version,
        Op::SyncAfterExpiry,
        &[Fault::MalformedJson],
        false,
        Steps::All,
    )
    .await;
}

/// A token refused at any step is renewed by one login and the request sent again: the
/// operation succeeds and ends in the clean state.
#[test_matrix([PanelVersion::V2_1, PanelVersion::V3_0])]
#[tokio::test]
async fn an_expired_token_at_any_step_is_transparent(version: PanelVersion) {
    let dates = Dates::today(version);
    for op in ALL_OPS {
        let clean = clean_run(op, &dates).await;
        for k in 0..clean.paths.len() {
            let (w, svc) = prepare(op, &dates).await;
            w.panel.clear_journal();
            w.panel.inject(FaultRule::new(Fault::ExpiredToken).after(k));
            if let Err(e) = run(op, &w, &svc).await {
                panic!("{op:?} with an expired token on request {k}: {e}");
            }
            // The refused request is sent again, and so is any sent at once with it that
            // reached the panel after the tokens were revoked; nothing else repeats.
            let calls = w.calls();
            let refused = calls.iter().filter(|e| e.code == Some(401)).count();
            let answered: Vec<String> = calls
                .iter()
                .filter(|e| e.code != Some(401))
                .map(|e| e.path.clone())
                .collect();
            assert_eq!(
                answered, clean.paths,
                "{op:?} {k}: only refused requests repeat"
            );
            assert!(
                (1..=end_of_run(&clean.paths, k) - k).contains(&refused),
                "{op:?} {k}: {refused} refused"
            );
            assert_eq!(w.state(), clean.state, "{op:?} {k}");
            assert_eq!(
                w.comparable(w.record(SERVICE_ID)),
                clean.record,
                "{op:?} {k}"
            );
        }
    }
}

/// A node offline makes the forward step fail on 2.1: the operation reports it, keeps
/// what it could not finish, and completes once the node is back.
#[tokio::test]
async fn terminate_with_nodes_offline_keeps_the_user_until_the_forwards_are_gone() {
    let dates = Dates::today(PanelVersion::V2_1);
    let (w, svc) = prepare(Op::Terminate, &dates).await;
    let before = w.record(SERVICE_ID);
    w.panel.set_nodes_online(false);
    let err = w
        .engine
        .terminate(&svc)
        .await
        .expect_err("forwards cannot be deleted");
    assert!(
        err.to_string().contains('3'),
        "names the 3 failed forwards: {err}"
    );
    assert_eq!(
        w.users_named(USERNAME).len(),
        1,
        "the user is not deleted before its forwards"
    );
    assert_eq!(w.rows("forwards").len(), 3);
    assert_eq!(w.record(SERVICE_ID), before);
    w.panel.set_nodes_online(true);
    w.engine
        .terminate(&svc)
        .await
        .expect("terminate once the node is back");
    assert!(w.users_named(USERNAME).is_empty());
    assert!(w.rows("forwards").is_empty());
    assert_eq!(w.record(SERVICE_ID), ServiceRecord::default());
}

/// 3.0 skips an offline node and answers success: the forwards and the user are gone from
/// the panel at once (the node drops their services at its next report).
#[tokio::test]
async fn terminate_with_nodes_offline_on_3_0_succeeds() {
    let dates = Dates::today(PanelVersion::V3_0);
    let (w, svc) = prepare(Op::Terminate, &dates).await;
    let forwards: Vec<ForwardId> = w
        .rows("forwards")
        .iter()
        .map(|f| ForwardId(int(f, "id")))
        .collect();
    w.panel.set_nodes_online(false);
    let record = w.engine.terminate(&svc).await.expect("3.0 skips the node");
    assert!(w.users_named(USERNAME).is_empty());
    assert!(w.rows("forwards").is_empty());
    assert_eq!(record, ServiceRecord::default());
    for id in forwards {
        assert!(w.forward(id).is_none(), "forward {id} is gone");
    }
}

/// 2.1 fails the pause while a node is offline; the retry finishes it.
#[tokio::test]
async fn suspend_with_nodes_offline_reports_and_a_retry_finishes() {
    let dates = Dates::today(PanelVersion::V2_1);
    let clean = clean_run(Op::Suspend, &dates).await;
    let (w, svc) = prepare(Op::Suspend, &dates).await;
    w.panel.set_nodes_online(false);
    let err = w
        .engine
        .suspend(&svc)
        .await
        .expect_err("forwards cannot be paused");
    assert!(!err.to_string().is_empty());
    assert_eq!(w.user(USERNAME)["status"], 0, "the user is disabled anyway");
    // The intent was saved before the pause: suspended, with the forwards to pause, which
    // is exactly the record a clean run ends with.
    assert_eq!(w.comparable(w.record(SERVICE_ID)), clean.record);
    assert!(clean.record.suspended);
    assert_eq!(clean.record.suspended_forwards.len(), 2);
    for f in w.forwards_of(UserId(int(&w.user(USERNAME), "id"))) {
        if f["name"] != "c" {
            assert_eq!(f["status"], 1, "not paused: the node is offline: {f}");
        }
    }
    w.panel.set_nodes_online(true);
    w.engine.suspend(&svc).await.expect("retry");
    assert_eq!(w.state(), clean.state);
    assert_eq!(w.comparable(w.record(SERVICE_ID)), clean.record);
}

/// 3.0 skips an offline node and records the pause: the suspend succeeds with the clean
/// run's record, and the node stops the forwards when it reconnects (the panel redeploys
/// them from its database).
#[tokio::test]
async fn suspend_with_nodes_offline_on_3_0_succeeds_and_the_node_follows() {
    let dates = Dates::today(PanelVersion::V3_0);
    let clean = clean_run(Op::Suspend, &dates).await;
    let (w, svc) = prepare(Op::Suspend, &dates).await;
    w.panel.set_nodes_online(false);
    let record = w.engine.suspend(&svc).await.expect("3.0 skips the node");
    assert_eq!(w.comparable(record), clean.record);
    w.panel.set_nodes_online(true);
    for id in &clean.record.suspended_forwards {
        assert_eq!(
            w.forward_state(*id),
            PAUSED,
            "forward {id} after the reconnect"
        );
    }
    assert_eq!(w.state(), clean.state);
}
