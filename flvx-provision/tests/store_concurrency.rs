//! Two engines, each with its own panel client and its own handle on one store (two
//! workers, or two machines on one database), working on the same service: suspend,
//! the customer's pause and usage interleaved. The store's compare-and-swap lets no
//! save overwrite a newer record: the operation that read a stale record gets a
//! conflict, its retry converges, and the final record holds every effect.

mod common;

use async_trait::async_trait;
use common::stores::TestDb;
use common::{Due, Forwards, Opts, PAUSED, RUNNING, SERVICE_ID, USERNAME, World, int};
use flvx_api::ids::{ForwardId, UserId};
use flvx_provision::store::{ServiceStore, StoreError, Version, Versioned};
use flvx_provision::{Engine, ProvisionError, Service, ServiceRecord};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use tokio::sync::Notify;

/// A store handle whose next save, once armed, waits until the test releases it: the
/// operation has read the record and talked to the panel, and another one runs meanwhile.
struct HeldSave {
    inner: Arc<dyn ServiceStore>,
    armed: AtomicBool,
    arrived: Notify,
    release: Notify,
}

impl HeldSave {
    fn new(inner: Arc<dyn ServiceStore>) -> Arc<HeldSave> {
        Arc::new(HeldSave {
            inner,
            armed: AtomicBool::new(false),
            arrived: Notify::new(),
            release: Notify::new(),
        })
    }
}

#[async_trait]
impl ServiceStore for HeldSave {
    async fn load(&self, service: u64) -> Result<Versioned<ServiceRecord>, StoreError> {
        self.inner.load(service).await
    }

    async fn service_of_user(&self, user: UserId) -> Result<Option<u64>, StoreError> {
        self.inner.service_of_user(user).await
    }

    async fn save(
        &self,
        service: u64,
        record: &ServiceRecord,
        expected: Version,
    ) -> Result<Version, StoreError> {
        if self.armed.swap(false, Ordering::SeqCst) {
            self.arrived.notify_one();
            self.release.notified().await;
        }
        self.inner.save(service, record, expected).await
    }
}

/// The panel, a provisioned service with forwards `a`, `b` (running) and `c` (paused by
/// the customer), and a second engine on its own client and store handle.
struct Two {
    w: World,
    svc: Service,
    f: Forwards,
    user: UserId,
}

impl Two {
    async fn new(db: TestDb) -> Two {
        let w = World::on(flvx_api::PanelVersion::V2_1, db).await;
        let mut opts = Opts::standard(&w);
        opts.max = "10".into();
        let svc = opts.service(SERVICE_ID, &Due::in_days(38));
        let f = w.provision_with_forwards(&svc).await;
        let user = UserId(int(&w.user(USERNAME), "id"));
        Two { w, svc, f, user }
    }

    /// An engine of its own (own admin client, own store handle) on `store`.
    async fn engine(&self, store: Arc<dyn ServiceStore>) -> Engine {
        let admin = common::client(
            &self.w.panel,
            flvx_api::testkit::FakePanel::ADMIN_USER,
            flvx_api::testkit::FakePanel::ADMIN_PASSWORD,
        );
        let engine = Engine::new(Arc::new(admin), store);
        // The customer logs in while the user is enabled; the token outlives a suspend.
        engine.forwards(&self.svc).await.expect("customer login");
        engine
    }

    async fn record(&self) -> ServiceRecord {
        let store = self.w.db.open().await;
        common::load(store.as_ref(), SERVICE_ID).await
    }
}

/// Runs `op` until it is not a conflict, counting the conflicts.
async fn retrying<T, F, Fut>(what: &str, conflicts: &AtomicUsize, mut op: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ProvisionError>>,
{
    for _ in 0..50 {
        match op().await {
            Ok(value) => return value,
            Err(e) if e.is_conflict() => {
                conflicts.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => panic!("{what}: {e}"),
        }
    }
    panic!("{what}: still conflicting after 50 attempts")
}

async fn a_suspend_that_read_before_a_customer_pause_gets_a_conflict_and_its_retry_keeps_both(
    db: TestDb,
) {
    let t = Two::new(db).await;
    let held = HeldSave::new(t.w.db.open().await);
    let a = t.engine(held.clone()).await;
    let b = t.engine(t.w.db.open().await).await;

    held.armed.store(true, Ordering::SeqCst);
    let pause_meanwhile = async {
        held.arrived.notified().await;
        b.pause_forward(&t.svc, t.f.b)
            .await
            .expect("customer pause");
        held.release.notify_one();
    };
    let (suspend, ()) = tokio::join!(a.suspend(&t.svc), pause_meanwhile);
    let error = suspend.expect_err("the suspend read the record before the pause saved");
    assert!(error.is_conflict(), "{error}");
    assert!(
        error.to_string().contains("Run the action again"),
        "{error}"
    );
    let after_conflict = t.record().await;
    assert!(!after_conflict.suspended, "the stale suspend wrote nothing");
    assert_eq!(after_conflict.customer_paused, vec![t.f.c, t.f.b]);

    let record = a.suspend(&t.svc).await.expect("the retry converges");
    assert!(record.suspended);
    assert_eq!(record.customer_paused, vec![t.f.c, t.f.b], "the pause kept");
    assert_eq!(
        record.suspended_forwards,
        vec![t.f.a],
        "what the suspend paused"
    );
    assert_eq!(t.record().await, record);
    assert_eq!(t.w.user(USERNAME)["status"], 0);
    for id in [t.f.a, t.f.b, t.f.c] {
        assert_eq!(t.w.forward_state(id), PAUSED, "forward {id}");
    }

    // The other engine continues from the stored record: exactly `a` comes back.
    b.unsuspend(&t.svc).await.expect("unsuspend");
    assert_eq!(t.w.forward_state(t.f.a), RUNNING);
    assert_eq!(t.w.forward_state(t.f.b), PAUSED, "the customer's pause");
    assert_eq!(t.w.forward_state(t.f.c), PAUSED, "the customer's pause");
}

async fn a_customer_pause_whose_save_loses_to_a_suspend_is_made_again_on_the_newer_record(
    db: TestDb,
) {
    let t = Two::new(db).await;
    let a = t.engine(t.w.db.open().await).await;
    let store_b = t.w.db.open().await;
    let held = HeldSave::new(store_b.clone());
    let b = t.engine(held.clone()).await;

    held.armed.store(true, Ordering::SeqCst);
    let suspend_meanwhile = async {
        held.arrived.notified().await;
        let record = a.suspend(&t.svc).await.expect("suspend");
        held.release.notify_one();
        record
    };
    let (pause, suspended) = tokio::join!(b.pause_forward(&t.svc, t.f.b), suspend_meanwhile);
    // The pause read the record before the suspend saved. Its panel call is done, so its
    // change of the customer's own lists is made again on the suspend's record instead
    // of failing (a retry would not even log in on 3.0: the user is disabled by then).
    pause.expect("the pause lands on the newer record");
    assert!(
        !suspended.customer_paused.contains(&t.f.b),
        "the suspend saved first"
    );
    let record = t.record().await;
    assert!(record.suspended, "the suspend kept");
    assert_eq!(record.customer_paused, vec![t.f.c, t.f.b], "the pause kept");
    let mut to_resume = suspended.suspended_forwards.clone();
    to_resume.retain(|id| *id != t.f.b);
    assert_eq!(
        record.suspended_forwards, to_resume,
        "the customer's pause takes b out of what unsuspend resumes"
    );
    assert!(record.suspended_forwards.contains(&t.f.a), "a to resume");

    // Usage from the second worker reads the same record, with one panel call.
    let usage = flvx_provision::usage::usage(b.api().as_ref(), store_b.as_ref(), &[SERVICE_ID])
        .await
        .expect("usage");
    assert_eq!(usage.len(), 1);
    assert_eq!(usage[0].service, SERVICE_ID);
    assert_eq!(t.w.user(USERNAME)["status"], 0);
    for id in [t.f.a, t.f.b, t.f.c] {
        assert_eq!(t.w.forward_state(id), PAUSED, "forward {id}");
    }
}

async fn two_engines_racing_on_one_service_lose_nothing(db: TestDb) {
    let t = Two::new(db).await;
    let mut extra: Vec<ForwardId> = Vec::new();
    for name in ["d1", "d2", "d3", "d4"] {
        extra.push(t.w.add_forward(&t.svc, t.w.t1, name).await);
    }
    let a = t.engine(t.w.db.open().await).await;
    let store_b = t.w.db.open().await;
    let b = t.engine(store_b.clone()).await;
    let conflicts = AtomicUsize::new(0);

    let admin_side = async {
        retrying("suspend", &conflicts, || a.suspend(&t.svc)).await;
        retrying("sync", &conflicts, || a.sync(&t.svc)).await;
        retrying("suspend again", &conflicts, || a.suspend(&t.svc)).await;
    };
    let customer_side = async {
        for id in &extra {
            retrying("customer pause", &conflicts, || {
                b.pause_forward(&t.svc, *id)
            })
            .await;
            let usage =
                flvx_provision::usage::usage(b.api().as_ref(), store_b.as_ref(), &[SERVICE_ID]);
            assert_eq!(usage.await.expect("usage").len(), 1);
        }
    };
    tokio::join!(admin_side, customer_side);
    println!(
        "{} conflicts retried on the {} store",
        conflicts.load(Ordering::Relaxed),
        t.w.db.name()
    );

    let record = t.record().await;
    assert!(record.suspended);
    for id in std::iter::once(t.f.c).chain(extra.iter().copied()) {
        assert!(
            record.customer_paused.contains(&id),
            "customer pause of {id} lost"
        );
    }
    let forwards = t.w.forwards_of(t.user);
    assert_eq!(forwards.len(), 7);
    for row in &forwards {
        let id = ForwardId(int(row, "id"));
        assert!(
            record.suspended_forwards.contains(&id) || record.customer_paused.contains(&id),
            "forward {id} is paused but the record does not say by whom: {record:?}"
        );
        assert_eq!(t.w.forward_state(id), PAUSED, "forward {id}");
    }
    assert_eq!(t.w.user(USERNAME)["status"], 0);

    // Unsuspended by either worker: what the suspend paused runs, `c` stays paused.
    a.unsuspend(&t.svc).await.expect("unsuspend");
    for id in [t.f.a, t.f.b] {
        assert_eq!(t.w.forward_state(id), RUNNING, "forward {id}");
    }
    assert_eq!(t.w.forward_state(t.f.c), PAUSED);
    assert!(!t.record().await.suspended);
}

/// One module per store, with one test per scenario.
macro_rules! scenarios {
    ($store:ident, $db:expr) => {
        mod $store {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn a_suspend_that_read_before_a_customer_pause_gets_a_conflict_and_its_retry_keeps_both() {
                let Some(db) = $db else { return };
                super::a_suspend_that_read_before_a_customer_pause_gets_a_conflict_and_its_retry_keeps_both(db).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn a_customer_pause_whose_save_loses_to_a_suspend_is_made_again_on_the_newer_record() {
                let Some(db) = $db else { return };
                super::a_customer_pause_whose_save_loses_to_a_suspend_is_made_again_on_the_newer_record(db).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn two_engines_racing_on_one_service_lose_nothing() {
                let Some(db) = $db else { return };
                super::two_engines_racing_on_one_service_lose_nothing(db).await;
            }
        }
    };
}

scenarios!(memory, Some(TestDb::memory()));
#[cfg(feature = "sqlite")]
scenarios!(sqlite, Some(TestDb::sqlite()));
#[cfg(feature = "postgres")]
scenarios!(postgres, TestDb::postgres().await);
