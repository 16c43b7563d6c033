//! The generated PHP module measured the way `examples/benches/integration.rs` measures the
//! Rust engine, with the fake panel's journal as the counter: panel requests per WHMCS
//! action (warm and cold token cache), logins over 100 consecutive actions, and UsageUpdate
//! at scale. Every action is a real `php` process under the stub WHMCS of `tests/php/`
//! (the conformance harness), sharing one SQLite file per WHMCS install, so the admin token
//! cached in `mod_flvx_tokens` carries over from one process to the next as it does in
//! WHMCS. Prints Markdown tables; counts are exact, times are medians of several runs.
//!
//! `cargo bench -p codegen --bench php_module`

// Tests compiled as part of this bench (cfg(test) under clippy --all-targets) leave their
// imports unused, and the bench uses only part of the harness.
#[allow(dead_code, unused_imports)]
#[path = "../tests/conformance_support/mod.rs"]
mod support;

#[allow(dead_code)] // what the round-trip benchmark alone uses
mod common;

use common::{
    ACTIONS, act, add_forward_step, lifecycle_step, median, ms, one_tunnel_service, php_ready,
    php_step,
};
use flvx_api::PanelVersion;
use flvx_api::endpoints::{USER_LIST, USER_LOGIN};
use flvx_api::models::NewUser;
use flvx_api::testkit::{FakePanel, Fault, FaultRule, JournalEntry};
use flvx_api::units::{EpochMs, Gib, ResetDay, Status};
use flvx_api::{Credentials, FlvxApi, FlvxClient};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::model::{ServiceSpec, Step};
use support::pair::{Pair, default_tunnels, system_now, temp_dir};
use support::php::{PhpSide, module_dir, php};

/// Runs per timed measurement; the median is reported.
const RUNS: usize = 5;

/// The module's request timeout here: generous, a user/list of 10,000 users is large.
const TIMEOUT_MS: u64 = 30_000;

fn main() {
    if !php_ready("php_module") {
        return;
    }
    support::runtime().block_on(async {
        requests_per_action().await;
        logins_per_hundred().await;
        usage_at_scale().await;
    });
}

/// Requests of one action from the journal: (requests other than logins, admin logins,
/// customer logins).
#[derive(Debug, Clone, Copy, Default)]
struct Count {
    other: usize,
    admin_logins: usize,
    customer_logins: usize,
}

impl Count {
    fn of(journal: &[JournalEntry]) -> Count {
        let mut count = Count::default();
        for entry in journal {
            if entry.path != USER_LOGIN.path {
                count.other += 1;
            } else if entry
                .body
                .as_ref()
                .is_some_and(|b| b["username"] == FakePanel::ADMIN_USER)
            {
                count.admin_logins += 1;
            } else {
                count.customer_logins += 1;
            }
        }
        count
    }

    fn logins(&self) -> usize {
        self.admin_logins + self.customer_logins
    }

    /// `N` logins, saying whose when a customer logged in.
    fn logins_text(&self) -> String {
        match (self.admin_logins, self.customer_logins) {
            (a, 0) => a.to_string(),
            (0, c) => format!("{c} (customer)"),
            (a, c) => format!("{} ({a} admin + {c} customer)", a + c),
        }
    }
}

/// The WHMCS database of a pair's PHP side.
fn php_db(name: &str) -> PathBuf {
    temp_dir(name).join("whmcs.sqlite")
}

/// Empties the module's token table (`mod_flvx_tokens`), if it exists yet.
async fn empty_token_table(db: &Path) {
    const CODE: &str = r#"
        $db = new PDO('sqlite:' . getenv('FLVX_TEST_DB'));
        $db->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
        $exists = $db->query("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'mod_flvx_tokens'")->fetchColumn();
        if ((int) $exists > 0) {
            $db->exec('DELETE FROM mod_flvx_tokens');
        }
    "#;
    let out = php(
        vec!["-r".into(), CODE.into()],
        vec![("FLVX_TEST_DB".into(), db.display().to_string())],
        Vec::new(),
    )
    .await;
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "emptying the token table: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Table 1: panel requests per WHMCS action through the PHP module. The same lifecycle
/// runs twice from identical states on fresh panels: warm (the admin token cached in the
/// SQLite file by an earlier process) and cold (the token table emptied before every action).
async fn requests_per_action() {
    println!("\n## 1. Panel requests per WHMCS action (PHP module, one php process each)\n");
    println!("| action | minimum | PHP warm | PHP cold | logins when cold |");
    println!("|---|---|---|---|---|");
    let now = system_now();
    let warm = lifecycle(false, now).await;
    let cold = lifecycle(true, now).await;
    let mut warm_logins = Vec::new();
    for ((&(_, label, minimum), w), c) in ACTIONS.iter().zip(&warm).zip(&cold) {
        let flag = |n: usize| match n > minimum {
            true => format!("{n} ⚠"),
            false => n.to_string(),
        };
        println!(
            "| {label} | {minimum} | {} | {} | {} |",
            flag(w.other),
            flag(c.other),
            c.logins_text()
        );
        if w.logins() > 0 {
            warm_logins.push(format!("{label}: {}", w.logins_text()));
        }
    }
    println!(
        "\nRequests other than `user/login`, as in the Rust table. Logins in the warm run: {}.",
        match warm_logins.is_empty() {
            true => "none".to_owned(),
            false => warm_logins.join("; "),
        }
    );
}

/// Runs every action of table 1 once on a fresh pair; the journal count of each.
async fn lifecycle(cold: bool, now: i64) -> Vec<Count> {
    let name = match cold {
        true => "bench-lifecycle-cold",
        false => "bench-lifecycle-warm",
    };
    let mut pair = Pair::fake_at(
        PanelVersion::V2_1,
        name,
        &default_tunnels(),
        &[one_tunnel_service(1)],
        now,
    )
    .await;
    pair.render = false;
    pair.php.timeout_ms = TIMEOUT_MS;
    let db = php_db(name);
    // One admin login before the lifecycle, cached in the SQLite file (both runs alike).
    let (answer, _) = pair.php_action(&act("TestConnection", 1)).await;
    assert!(
        answer.problems.is_empty() && answer.result["success"] == true,
        "TestConnection: {} {:?}",
        answer.result,
        answer.problems
    );
    let mut counts = Vec::new();
    for &(function, _, _) in ACTIONS {
        if function == "SuspendAccount" {
            php_step(&mut pair, &add_forward_step(1)).await;
        }
        if cold {
            empty_token_table(&db).await;
        }
        pair.php_panel.fake().clear_journal();
        php_step(&mut pair, &lifecycle_step(function)).await;
        counts.push(Count::of(&pair.php_panel.fake().journal()));
    }
    counts
}

/// Table 2: logins over 100 consecutive actions (one php process each) on one server,
/// starting with an empty token table.
async fn logins_per_hundred() {
    println!("\n## 2. Logins per 100 consecutive actions on one server (PHP module)\n");
    const SERVICES: u64 = 3;
    const KINDS: [&str; 4] = ["ChangePackage", "Renew", "ClientArea", "UsageUpdate"];
    let name = "bench-hundred";
    let specs: Vec<ServiceSpec> = (1..=SERVICES).map(one_tunnel_service).collect();
    let mut pair = Pair::fake_at(
        PanelVersion::V2_1,
        name,
        &default_tunnels(),
        &specs,
        system_now(),
    )
    .await;
    pair.render = false;
    pair.php.timeout_ms = TIMEOUT_MS;
    for service in 1..=SERVICES {
        php_step(&mut pair, &act("CreateAccount", service)).await;
    }
    empty_token_table(&php_db(name)).await;
    pair.php_panel.fake().clear_journal();
    let started = Instant::now();
    let total = 100;
    for i in 0..total {
        let service = 1 + (i as u64) % SERVICES;
        let function = KINDS[i % KINDS.len()];
        let step = act(function, service);
        let step = match function {
            "ChangePackage" => Step {
                options: Some(BTreeMap::from([(
                    "traffic_quota".to_owned(),
                    (200 + i).to_string(),
                )])),
                ..step
            },
            "Renew" => Step {
                due: Some(format!("+{}d", 31 + i)),
                ..step
            },
            _ => step,
        };
        php_step(&mut pair, &step).await;
    }
    let elapsed = started.elapsed();
    let count = Count::of(&pair.php_panel.fake().journal());
    println!(
        "| actions (php processes) | admin logins | customer logins | total requests | requests per action | wall time |"
    );
    println!("|---|---|---|---|---|---|");
    println!(
        "| {total} | {} | {} | {} | {:.2} | {:.1} s |",
        count.admin_logins,
        count.customer_logins,
        count.other + count.logins(),
        (count.other + count.logins()) as f64 / total as f64,
        elapsed.as_secs_f64()
    );
    println!(
        "\n{} ×25 in turn over {SERVICES} services, starting with an empty token table. \
         Target: 1 admin login while the token is valid. ClientArea reads the package as the \
         customer, whose token is cached per customer (target: 1 per customer viewed, here {SERVICES}).",
        KINDS.join("/")
    );
}

fn admin_client(panel: &FakePanel) -> FlvxClient {
    FlvxClient::builder(
        panel.url(),
        Credentials::password(FakePanel::ADMIN_USER, FakePanel::ADMIN_PASSWORD),
    )
    .timeout(Duration::from_secs(60))
    .build()
    .expect("client")
}

/// Creates panel users `flvx{from+1}..=flvx{to}`, 64 at a time; their ids by service.
async fn seed_panel_users(admin: &FlvxClient, from: usize, to: usize) -> Vec<(u64, i64, String)> {
    let mut tasks: tokio::task::JoinSet<flvx_api::Result<()>> = tokio::task::JoinSet::new();
    for i in from + 1..=to {
        while tasks.len() >= 64 {
            let done = tasks.join_next().await.expect("a task");
            done.expect("task").expect("seed user");
        }
        let admin = admin.clone();
        tasks.spawn(async move {
            let new = NewUser {
                user: format!("flvx{i}"),
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
            admin.create_user(&new).await
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("task").expect("seed user");
    }
    let users = admin.list_users(None).await.expect("list users");
    let mut seeded: Vec<(u64, i64, String)> = users
        .into_iter()
        .filter_map(|u| {
            let service: u64 = u.user.strip_prefix("flvx")?.parse().ok()?;
            (service as usize > from && service as usize <= to).then_some((service, u.id.0, u.user))
        })
        .collect();
    seeded.sort();
    assert_eq!(seeded.len(), to - from, "seeded panel users");
    seeded
}

/// Writes the WHMCS side of the seeded services in one php process and one transaction:
/// Active `tblhosting` rows on server 1 and their `mod_flvx_services` records (through the
/// module's own FlvxStore, so the schema and JSON are the module's).
async fn seed_whmcs_rows(db: &Path, rows: &[(u64, i64, String)]) {
    const CODE: &str = r#"
        require getenv('BENCH_BOOTSTRAP');
        require getenv('BENCH_MODULE') . '/flvx.php';
        $rows = json_decode((string) stream_get_contents(STDIN), true);
        $store = new \WHMCS\Module\Server\Flvx\FlvxStore();
        $store->load(0);
        $now = date('Y-m-d H:i:s');
        $hosting = array();
        $records = array();
        foreach ($rows as $row) {
            list($id, $userId, $name) = $row;
            $hosting[] = array(
                'id' => $id, 'userid' => 3, 'packageid' => 1, 'server' => 1,
                'regdate' => date('Y-m-d'), 'domainstatus' => 'Active',
                'nextduedate' => '2030-01-15', 'nextinvoicedate' => '2030-01-15',
                'username' => $name, 'password' => encrypt('Bench-Pass-1'),
                'created_at' => $now, 'updated_at' => $now,
            );
            $record = \WHMCS\Module\Server\Flvx\FlvxStore::normalise(array('username' => $name, 'user_id' => $userId));
            $records[] = array(
                'serviceid' => $id,
                'record' => \WHMCS\Module\Server\Flvx\FlvxStore::encode($record),
                'updated_at' => $now,
            );
        }
        \WHMCS\Database\Capsule::connection()->transaction(function () use ($hosting, $records) {
            foreach (array_chunk($hosting, 50) as $chunk) {
                \WHMCS\Database\Capsule::table('tblhosting')->insert($chunk);
            }
            foreach (array_chunk($records, 200) as $chunk) {
                \WHMCS\Database\Capsule::table('mod_flvx_services')->insert($chunk);
            }
        });
        echo \WHMCS\Database\Capsule::table('tblhosting')->count(), "\n";
    "#;
    let tests_php = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/php");
    let out = php(
        vec!["-r".into(), CODE.into()],
        vec![
            ("FLVX_TEST_DB".into(), db.display().to_string()),
            (
                "BENCH_BOOTSTRAP".into(),
                tests_php.join("bootstrap.php").display().to_string(),
            ),
            ("BENCH_MODULE".into(), module_dir().display().to_string()),
        ],
        json!(rows).to_string().into_bytes(),
    )
    .await;
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "seeding the WHMCS rows: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One UsageUpdate of `server` in a fresh php process (whmcs.php, the harness of the
/// conformance tests): its wall time and the answer.
async fn usage_update(side: &PhpSide, db: &Path, server: u64) -> (Duration, Value) {
    let request = json!({
        "timeout_ms": TIMEOUT_MS,
        "servers": [{
            "id": 1, "hostname": side.host, "port": side.port.to_string(), "secure": side.secure,
            "username": side.user, "password": side.password, "accesshash": "",
        }],
        "call": {"function": "UsageUpdate", "serviceid": 0, "serverid": server},
    });
    let args = vec![
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/php/whmcs.php")
            .display()
            .to_string(),
        module_dir().display().to_string(),
    ];
    let env = vec![("FLVX_TEST_DB".to_owned(), db.display().to_string())];
    let started = Instant::now();
    let out = php(args, env, request.to_string().into_bytes()).await;
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "UsageUpdate: php exited {} with {stderr}",
        out.status
    );
    let answer: Value = serde_json::from_slice(&out.stdout).expect("a JSON answer");
    assert!(
        answer["uncaught"].is_null() && answer["diagnostics"].as_array().is_some_and(Vec::is_empty),
        "UsageUpdate: {} {}",
        answer["uncaught"],
        answer["diagnostics"]
    );
    (elapsed, answer)
}

/// How many tblhosting rows of the answer carry the bandwidth limit of 100 GiB.
fn rows_updated(answer: &Value) -> usize {
    let n = |v: &Value| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            .unwrap_or(0)
    };
    answer["hostings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|row| n(&row["bwlimit"]) == 100 * 1024 && !row["lastupdate"].is_null())
        .count()
}

/// Table 3: UsageUpdate through the PHP module for N services on one server: panel
/// requests, and the php process's wall time with 5 ms of latency on every user/list.
async fn usage_at_scale() {
    println!("\n## 3. UsageUpdate at scale (PHP module, 5 ms injected latency on user/list)\n");
    println!(
        "| services | panel requests | logins | median php wall time | median harness baseline | difference | seeding (panel users, SQLite rows) |"
    );
    println!("|---|---|---|---|---|---|---|");
    let panel = FakePanel::start().await;
    let admin = admin_client(&panel);
    let side = PhpSide::new(
        temp_dir("bench-usage"),
        &panel.url(),
        FakePanel::ADMIN_USER,
        FakePanel::ADMIN_PASSWORD,
        TIMEOUT_MS,
    );
    let db = php_db("bench-usage");
    let mut created = 0;
    let mut notes = Vec::new();
    for n in [10_usize, 100, 1_000, 10_000] {
        let started = Instant::now();
        let rows = seed_panel_users(&admin, created, n).await;
        let panel_seed = started.elapsed();
        let started = Instant::now();
        seed_whmcs_rows(&db, &rows).await;
        let sql_seed = started.elapsed();
        created = n;
        // Warm-up: caches the admin token (and checks every service gets its figures).
        let (_, answer) = usage_update(&side, &db, 1).await;
        assert_eq!(rows_updated(&answer), n, "services updated by UsageUpdate");
        panel.inject(
            FaultRule::new(Fault::Latency(Duration::from_millis(5)))
                .on(USER_LIST.path)
                .times(usize::MAX),
        );
        let (mut times, mut baselines) = (Vec::new(), Vec::new());
        let mut count = Count::default();
        for _ in 0..RUNS {
            panel.clear_journal();
            let (elapsed, answer) = usage_update(&side, &db, 1).await;
            count = Count::of(&panel.journal());
            assert_eq!(rows_updated(&answer), n, "services updated by UsageUpdate");
            times.push(elapsed);
            // The same process for a server without services: bootstrap, module load and
            // the harness's dump of every tblhosting row, but no panel call.
            panel.clear_journal();
            let (elapsed, _) = usage_update(&side, &db, 2).await;
            assert_eq!(panel.journal().len(), 0, "the baseline calls the panel");
            baselines.push(elapsed);
        }
        panel.clear_faults();
        let (time, baseline) = (median(times), median(baselines));
        println!(
            "| {n} | {} | {} | {:.1} ms | {:.1} ms | {:.1} ms | {:.2} s, {:.2} s |",
            count.other + count.logins(),
            count.logins(),
            ms(time),
            ms(baseline),
            ms(time.saturating_sub(baseline)),
            panel_seed.as_secs_f64(),
            sql_seed.as_secs_f64()
        );
        if count.other + count.logins() != 1 {
            notes.push(format!("{n} services: {count:?}, target 1 request"));
        }
    }
    println!(
        "\nWall time: the whole `php whmcs.php` process (stub WHMCS bootstrap, module load, \
         flvx_UsageUpdate, and the harness writing every tblhosting row back as JSON). Harness \
         baseline: the same process for a server with no services (no panel call); difference ≈ \
         the module's own work. Token cached by a warm-up run. {}",
        match notes.is_empty() {
            true => "Every run: 1 request (user/list), no login.".to_owned(),
            false => notes.join("; "),
        }
    );
}
