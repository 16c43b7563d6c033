//! What makes this integration fast, measured with the fake panel's journal as the counter:
//! panel requests per action, usage sync at scale, SDK overhead against plain reqwest, and
//! module generation. Prints Markdown tables; counts and ratios matter, absolute times are
//! noisy on shared machines, so times are medians of several runs.
//!
//! `cargo bench -p flvx-examples --bench integration`

use flvx_api::endpoints;
use flvx_api::models::NewUser;
use flvx_api::testkit::{FakePanel, Fault, FaultRule};
use flvx_api::units::{EpochMs, Gib, Mbps, ResetDay, Status};
use flvx_api::{Credentials, ExposeSecret, FlvxApi, FlvxClient};
use flvx_provision::dates::Date;
use flvx_provision::engine::ForwardRequest;
use flvx_provision::views::ViewSettings;
use flvx_provision::{
    Engine, MemoryStore, Plan, PlanInput, Service, ServiceRecord, ServiceStore, Version,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Runs per timed measurement; the median is reported.
const RUNS: usize = 5;

#[tokio::main]
async fn main() {
    requests_per_action().await;
    usage_at_scale().await;
    reconciliation_at_scale().await;
    sdk_overhead().await;
    generation();
}

/// The actions of table 1, in lifecycle order, with the minimum the API allows.
const ACTIONS: &[(&str, usize)] = &[
    ("create (1 tunnel)", 4),
    ("suspend (1 running forward)", 3),
    ("unsuspend (1 forward to resume)", 2),
    ("renew (nothing paused)", 2),
    // The forward list tells whether a higher quota lifts a pause of the panel's.
    ("change package (quota only)", 3),
    ("change password", 1),
    ("client area view", 1),
    // user/list, forward/list, and node/list for the forward policy when forwards exist.
    ("usage update = reconciliation (any N)", 3),
    ("terminate (1 forward)", 3),
];

/// Table 1: panel requests per action on the Rust engine, beside the minimum. The same
/// lifecycle runs twice: warm (one engine, token cached) and cold (a fresh engine with
/// empty token caches before every action), so both columns start from the same states.
async fn requests_per_action() {
    println!("\n## 1. Panel requests per action (Rust engine)\n");
    println!("| action | minimum | warm | cold | logins when cold |");
    println!("|---|---|---|---|---|");
    let warm = lifecycle(false).await;
    let cold = lifecycle(true).await;
    for (((name, minimum), (w, _)), (c, logins)) in ACTIONS.iter().zip(warm).zip(cold) {
        println!("| {name} | {minimum} | {w} | {c} | {logins} |");
    }
}

/// Runs every action once; returns (requests other than logins, logins) per action.
async fn lifecycle(cold: bool) -> Vec<(usize, usize)> {
    let world = World::new().await;
    world
        .engine
        .api()
        .list_tunnels()
        .await
        .expect("warm-up login");
    let mut counts = Vec::new();
    for (name, _) in ACTIONS {
        if name.starts_with("suspend") {
            world.add_forward().await;
        }
        let fresh;
        let engine = if cold {
            fresh = world.fresh_engine();
            &fresh
        } else {
            &world.engine
        };
        world.panel.clear_journal();
        world.run(name, engine).await;
        let journal = world.panel.journal();
        let logins = journal
            .iter()
            .filter(|e| e.path == endpoints::USER_LOGIN.path)
            .count();
        counts.push((journal.len() - logins, logins));
    }
    counts
}

/// Table 3: usage for N services: panel requests and wall time with 5 ms of latency on
/// every panel answer.
async fn usage_at_scale() {
    println!("\n## 3. Usage update at scale (Rust engine, 5 ms injected panel latency)\n");
    println!("| services | panel requests | median wall time |");
    println!("|---|---|---|");
    let panel = FakePanel::start().await;
    let admin = admin(&panel);
    let store = Arc::new(MemoryStore::new());
    let mut created = 0;
    for n in [10_usize, 100, 1_000, 10_000] {
        created = seed_users(&admin, store.as_ref(), created, n).await;
        let ids: Vec<u64> = (1..=n as u64).collect();
        panel.inject(
            FaultRule::new(Fault::Latency(Duration::from_millis(5)))
                .on(endpoints::USER_LIST.path)
                .times(usize::MAX),
        );
        let mut times = Vec::new();
        let mut requests = 0;
        for _ in 0..RUNS {
            panel.clear_journal();
            let started = Instant::now();
            let usage = flvx_provision::usage::usage(&admin, store.as_ref(), &ids)
                .await
                .expect("usage");
            times.push(started.elapsed());
            assert_eq!(usage.len(), n);
            requests = panel.journal().len();
        }
        panel.clear_faults();
        println!("| {n} | {requests} | {:.1} ms |", ms(median(times)));
    }
}

/// Table 3b: the daily reconciliation of 10,000 services of which 1% drifted (their
/// customers renamed their users): requests stay 2 plus one write per drifted service, and
/// a second run writes nothing.
async fn reconciliation_at_scale() {
    const SERVICES: u64 = 10_000;
    const DRIFTED: u64 = SERVICES / 100;
    println!("\n## 3b. Daily reconciliation at scale (Rust engine)\n");
    println!("| services | drifted | run | panel requests | repairs | wall time |");
    println!("|---|---|---|---|---|---|");
    let panel = FakePanel::start().await;
    let tunnel = panel.add_tunnel("HK-SG");
    let admin = admin(&panel);
    let store = Arc::new(MemoryStore::new());
    seed_users(&admin, store.as_ref(), 0, SERVICES as usize).await;
    // A free product without expiry, as the users were seeded (100 GiB, 5 forwards, reset
    // on the 1st), with the seeded names' prefix.
    let options = [
        &tunnel.0.to_string(),
        "100",
        "5",
        "0",
        "0",
        "0",
        "3",
        "1",
        "bench",
    ];
    let plan = Plan::parse(&PlanInput {
        product_options: options.iter().map(|s| s.to_string()).collect(),
        ..PlanInput::default()
    })
    .expect("plan");
    let services: Vec<Service> = (1..=SERVICES)
        .map(|id| Service {
            id,
            plan: plan.clone(),
            due_date: None,
            registered: None,
            password: "Bench-Pass-1".into(),
            now: EpochMs::now(),
        })
        .collect();
    for user in admin.list_users(None).await.expect("list") {
        let id: u64 = user.user["bench".len()..].parse().expect("service id");
        if id.is_multiple_of(SERVICES / DRIFTED) {
            let mut renamed = flvx_api::models::UserUpdate::from_user(&user);
            renamed.user = format!("renamed{id}");
            admin.update_user(&renamed).await.expect("rename");
        }
    }
    let engine = Engine::new(Arc::new(admin), store);
    for run in ["first", "second"] {
        panel.clear_journal();
        let started = Instant::now();
        let report = engine.reconcile(&services).await.expect("reconcile");
        let elapsed = started.elapsed();
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        let requests = panel
            .journal()
            .iter()
            .filter(|e| !e.path.ends_with("/user/login"))
            .count();
        println!(
            "| {SERVICES} | {DRIFTED} | {run} | {requests} | {} | {:.0} ms |",
            report.repairs.len(),
            ms(elapsed)
        );
    }
}

/// Creates users `from+1..=to` on the panel and stores their records as services.
async fn seed_users(admin: &FlvxClient, store: &MemoryStore, from: usize, to: usize) -> usize {
    for i in from + 1..=to {
        let new = NewUser {
            user: format!("bench{i}"),
            password: "Bench-Pass-1".into(),
            flow: Gib::new(100).expect("gib"),
            num: 5,
            exp_time: EpochMs::FAR_FUTURE,
            flow_reset_time: ResetDay::day(1).expect("day"),
            status: Status::Enabled,
            group_ids: None,
            max_conn: None,
            quota_limits: Default::default(),
        };
        admin.create_user(&new).await.expect("seed user");
    }
    let users = admin.list_users(None).await.expect("list");
    for user in users.iter().filter(|u| u.user.starts_with("bench")) {
        let service: u64 = user.user["bench".len()..].parse().expect("service id");
        if service <= from as u64 {
            continue; // stored by an earlier call
        }
        let record = ServiceRecord {
            user_id: Some(user.id),
            username: Some(user.user.clone()),
            ..ServiceRecord::default()
        };
        store
            .save(service, &record, Version::ABSENT)
            .await
            .expect("save");
    }
    to
}

/// Table 4: requests per second through the SDK versus plain reqwest against the same
/// fake-panel endpoint, at concurrency 1 and 64, measured in one run.
async fn sdk_overhead() {
    println!("\n## 4. SDK overhead (tunnel/list on the fake panel)\n");
    println!("| concurrency | plain reqwest req/s | flvx-api req/s | ratio |");
    println!("|---|---|---|---|");
    let panel = FakePanel::start().await;
    panel.add_tunnel("HK-SG");
    let sdk = admin(&panel);
    let token = sdk.token().await.expect("login");
    let token = token.expose_secret().to_owned();
    let plain = reqwest::Client::new();
    let url = format!("{}{}", panel.url(), endpoints::TUNNEL_LIST.path);
    for concurrency in [1_usize, 64] {
        let total = 2_000;
        let mut ratios = Vec::new();
        let (mut plain_rates, mut sdk_rates) = (Vec::new(), Vec::new());
        for _ in 0..RUNS {
            let p = rate(total, concurrency, || {
                let (plain, url, token) = (plain.clone(), url.clone(), token.clone());
                async move {
                    let response = plain
                        .post(&url)
                        .header("Authorization", token)
                        .json(&serde_json::json!({}))
                        .send()
                        .await
                        .expect("send");
                    let body: serde_json::Value = response.json().await.expect("json");
                    assert_eq!(body["code"], 0);
                }
            })
            .await;
            let s = rate(total, concurrency, || {
                let sdk = sdk.clone();
                async move {
                    sdk.list_tunnels().await.expect("sdk");
                }
            })
            .await;
            ratios.push(s / p);
            plain_rates.push(p);
            sdk_rates.push(s);
        }
        println!(
            "| {concurrency} | {:.0} | {:.0} | {:.3} |",
            median_f(plain_rates),
            median_f(sdk_rates),
            median_f(ratios)
        );
    }
}

/// Requests per second for `total` calls of `call`, `concurrency` at a time.
async fn rate<F, Fut>(total: usize, concurrency: usize, call: F) -> f64
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let started = Instant::now();
    let mut done = 0;
    while done < total {
        let batch = concurrency.min(total - done);
        let tasks: Vec<_> = (0..batch).map(|_| tokio::spawn(call())).collect();
        for task in tasks {
            task.await.expect("task");
        }
        done += batch;
    }
    total as f64 / started.elapsed().as_secs_f64()
}

/// Table 5: module generation time and size.
fn generation() {
    println!("\n## 5. Module generation\n");
    let mut times = Vec::new();
    let mut files = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        files = codegen::render_module().expect("render");
        times.push(started.elapsed());
    }
    let bytes: usize = files.iter().map(|f| f.contents.len()).sum();
    let zip = codegen::package::zip_bytes(&files).expect("zip").len();
    println!("| files | bytes | zip bytes | median render time |");
    println!("|---|---|---|---|");
    println!(
        "| {} | {bytes} | {zip} | {:.2} ms |",
        files.len(),
        ms(median(times))
    );
}

/// One panel, one engine, one service moving through its lifecycle.
struct World {
    panel: FakePanel,
    store: Arc<MemoryStore>,
    engine: Engine,
    service: Service,
}

impl World {
    async fn new() -> World {
        let panel = FakePanel::start().await;
        let tunnel = panel.add_tunnel("HK-SG");
        panel.add_speed_limit("100M", tunnel, Mbps(100));
        let store = Arc::new(MemoryStore::new());
        let engine = Engine::new(Arc::new(admin(&panel)), store.clone());
        let plan = Plan::parse(&PlanInput {
            product_options: vec![tunnel.0.to_string(), "100".into(), "5".into()],
            ..PlanInput::default()
        })
        .expect("plan");
        let service = Service {
            id: 1,
            plan,
            due_date: Date::new(2030, 1, 15),
            registered: Date::new(2029, 1, 15),
            password: "Bench-Pass-1".into(),
            now: EpochMs::now(),
        };
        World {
            panel,
            store,
            engine,
            service,
        }
    }

    fn fresh_engine(&self) -> Engine {
        Engine::new(Arc::new(admin(&self.panel)), self.store.clone())
    }

    async fn add_forward(&self) {
        let request = ForwardRequest {
            tunnel: self.service.plan.tunnels[0],
            name: "web".into(),
            target: "198.51.100.7:443".into(),
            port: None,
        };
        self.engine
            .add_forward(&self.service, &request)
            .await
            .expect("forward");
    }

    async fn run(&self, name: &str, engine: &Engine) {
        let s = &self.service;
        let result = match name {
            "create (1 tunnel)" => engine.create(s).await.map(drop),
            "suspend (1 running forward)" => engine.suspend(s).await.map(drop),
            "unsuspend (1 forward to resume)" => engine.unsuspend(s).await.map(drop),
            "renew (nothing paused)" => engine.renew(s).await.map(drop),
            "change package (quota only)" => engine.change_package(s).await.map(drop),
            "change password" => engine.change_password(s).await.map(drop),
            "client area view" => engine
                .client_view(s, &ViewSettings::default())
                .await
                .map(drop),
            "usage update = reconciliation (any N)" => {
                engine.reconcile(std::slice::from_ref(s)).await.map(drop)
            }
            "terminate (1 forward)" => engine.terminate(s).await.map(drop),
            other => panic!("unknown action {other}"),
        };
        if let Err(e) = result {
            panic!("{name} failed: {e}");
        }
    }
}

fn admin(panel: &FakePanel) -> FlvxClient {
    FlvxClient::builder(
        panel.url(),
        Credentials::password(FakePanel::ADMIN_USER, FakePanel::ADMIN_PASSWORD),
    )
    .build()
    .expect("client")
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn median_f(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
