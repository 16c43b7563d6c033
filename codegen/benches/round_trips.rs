//! Round trips: what a WHMCS admin and a customer wait for when the panel is far from the
//! billing server. Each runtime (the generated PHP module, one `php` process per action;
//! the Rust engine, one long-lived engine) talks to its fake panel through a loopback
//! proxy (`flvx_api::testkit::RttProxy`) that adds a round-trip time to every exchange and
//! one to every new TCP connection, and counts the connections. For each WHMCS action:
//! connections, requests (logins included), the wall time at 0 and at the configured
//! RTT, and the floor, (dependent round trips + one handshake) × RTT, where a run of
//! per-tunnel assigns or removes is one round trip (they do not depend on each other).
//! PHP's wall time includes the process start-up, reported on its own.
//!
//! `cargo bench -p codegen --bench round_trips` (RTT `FLVX_BENCH_RTT_MS`, default 100;
//! runs per time `FLVX_BENCH_RUNS`, default 3, the median is reported)

// Tests compiled as part of this bench (cfg(test) under clippy --all-targets) leave their
// imports unused, and the bench uses only part of the harness.
#[allow(dead_code, unused_imports)]
#[path = "../tests/conformance_support/mod.rs"]
mod support;

#[allow(dead_code)] // what the other PHP benchmark alone uses
mod common;

use common::{
    ACTIONS, act, add_forward_step, lifecycle_step, median, ms, php_ready, php_step, rust_step,
};
use flvx_api::PanelVersion;
use flvx_api::testkit::{FakePanel, RttProxy};
use std::time::{Duration, Instant};
use support::concurrent::round_trips;
use support::model::{ServiceSpec, Step};
use support::pair::{Pair, Which, default_tunnels, system_now, temp_dir};
use support::php::PhpSide;
use support::rust_side::RustSide;

/// The request timeout of both runtimes here.
const TIMEOUT_MS: u64 = 30_000;

/// One measured action: its label and step.
struct Action {
    label: String,
    step: Step,
}

/// What one action cost on one runtime.
#[derive(Default, Clone)]
struct Cost {
    connections: usize,
    requests: usize,
    dependent: usize,
    /// Wall times at 0 RTT and at the configured RTT, one per run.
    times: [Vec<Duration>; 2],
}

fn main() {
    if !php_ready("round_trips") {
        return;
    }
    let rtt = Duration::from_millis(env_number("FLVX_BENCH_RTT_MS", 100));
    let runs = env_number("FLVX_BENCH_RUNS", 3).max(1) as usize;
    support::runtime().block_on(async {
        let actions = actions();
        let mut php = vec![Cost::default(); actions.len()];
        let mut rust = vec![Cost::default(); actions.len()];
        let mut startup = Vec::new();
        for (slot, delay) in [Duration::ZERO, rtt].into_iter().enumerate() {
            for _ in 0..runs {
                run(Which::Php, &actions, delay, slot, &mut php).await;
                run(Which::Rust, &actions, delay, slot, &mut rust).await;
                if slot == 0 {
                    startup.push(php_startup().await);
                }
            }
        }
        print_table(&actions, &php, &rust, rtt, median(startup));
    });
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The lifecycle of `common::ACTIONS` on service 1 (one tunnel, the customer adding a
/// forward before the suspend), then a service on three tunnels: create, a package change
/// that drops two of them, terminate.
fn actions() -> Vec<Action> {
    let mut actions = Vec::new();
    for &(function, label, _) in ACTIONS {
        if function == "SuspendAccount" {
            actions.push(Action {
                label: "AddForward (client area)".into(),
                step: add_forward_step(1),
            });
        }
        actions.push(Action {
            label: label.into(),
            step: lifecycle_step(function),
        });
    }
    let mut drop_two = act("ChangePackage", 2);
    drop_two.options = Some([("tunnels".to_owned(), "t1".to_owned())].into());
    actions.extend([
        Action {
            label: "CreateAccount (3 tunnels)".into(),
            step: act("CreateAccount", 2),
        },
        Action {
            label: "ChangePackage (3 tunnels to 1)".into(),
            step: drop_two,
        },
        Action {
            label: "TerminateAccount (3 tunnels, no forward)".into(),
            step: act("TerminateAccount", 2),
        },
    ]);
    actions
}

/// Runs every action once on one runtime, against a fresh panel behind a fresh proxy,
/// adding the run's figures to `costs` (times into `times[slot]`).
async fn run(which: Which, actions: &[Action], rtt: Duration, slot: usize, costs: &mut [Cost]) {
    let services = [
        ServiceSpec::on_tunnels(1, "t1"),
        ServiceSpec::on_tunnels(2, "t1,t2,t3"),
    ];
    let name = "bench-round-trips";
    let mut pair = Pair::fake_at(
        PanelVersion::V2_1,
        name,
        &default_tunnels(),
        &services,
        system_now(),
    )
    .await;
    pair.render = false;
    let panel = match which {
        Which::Php => pair.php_panel.fake(),
        Which::Rust => pair.rust_panel.fake(),
    };
    let proxy = RttProxy::start(&panel.url(), rtt).await;
    let (user, password) = (FakePanel::ADMIN_USER, FakePanel::ADMIN_PASSWORD);
    match which {
        Which::Php => {
            let dir = temp_dir(&format!("{name}-php"));
            pair.php = PhpSide::new(dir, &proxy.url(), user, password, TIMEOUT_MS);
        }
        Which::Rust => {
            let timeout = Duration::from_millis(TIMEOUT_MS);
            pair.rust = RustSide::new(&proxy.url(), user, password, timeout);
        }
    }
    for (action, cost) in actions.iter().zip(costs) {
        let panel = match which {
            Which::Php => pair.php_panel.fake(),
            Which::Rust => pair.rust_panel.fake(),
        };
        panel.clear_journal();
        proxy.reset();
        let started = Instant::now();
        match which {
            Which::Php => php_step(&mut pair, &action.step).await,
            Which::Rust => rust_step(&mut pair, &action.step).await,
        }
        cost.times[slot].push(started.elapsed());
        let panel = match which {
            Which::Php => pair.php_panel.fake(),
            Which::Rust => pair.rust_panel.fake(),
        };
        let journal = panel.journal();
        cost.connections = proxy.connections();
        cost.requests = journal.len();
        cost.dependent = round_trips(journal.iter().map(|e| e.path.as_str()));
    }
}

/// A `php` process running a module function that calls no panel (MetaData): bootstrap
/// and module load, the part of every PHP wall time that is not the panel. Measured in an
/// install that has run once (the first process creates the module's tables).
async fn php_startup() -> Duration {
    let name = "bench-round-trips-startup";
    let mut pair = Pair::fake_at(
        PanelVersion::V2_1,
        name,
        &default_tunnels(),
        &[ServiceSpec::on_tunnels(1, "t1")],
        system_now(),
    )
    .await;
    let mut times = Vec::new();
    for run in 0..4 {
        let started = Instant::now();
        let (answer, calls) = pair.php_action(&act("MetaData", 1)).await;
        if run > 0 {
            times.push(started.elapsed());
        }
        assert!(
            answer.problems.is_empty() && calls.is_empty(),
            "MetaData: {:?}",
            answer.problems
        );
    }
    median(times)
}

fn print_table(actions: &[Action], php: &[Cost], rust: &[Cost], rtt: Duration, startup: Duration) {
    let r = rtt.as_millis();
    println!("\n## Round trips per WHMCS action ({r} ms RTT through a loopback proxy)\n");
    println!(
        "| action | runtime | connections | requests | dependent round trips | wall at 0 ms | wall at {r} ms | floor at {r} ms | over the floor |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (i, action) in actions.iter().enumerate() {
        for (runtime, cost, overhead) in [
            ("PHP", &php[i], startup),
            ("Rust", &rust[i], Duration::ZERO),
        ] {
            let floor = rtt * (cost.dependent as u32 + 1);
            let at_rtt = median(cost.times[1].clone());
            let over = at_rtt.as_secs_f64() - floor.as_secs_f64() - overhead.as_secs_f64();
            println!(
                "| {} | {runtime} | {} | {} | {} | {:.0} ms | {:.0} ms | {:.0} ms | {:+.0} ms |",
                action.label,
                cost.connections,
                cost.requests,
                cost.dependent,
                ms(median(cost.times[0].clone())),
                ms(at_rtt),
                ms(floor),
                over * 1000.0
            );
        }
    }
    println!(
        "\nRequests include logins (the first action of each runtime logs in as the admin, the \
         first ClientArea as the customer). Connections: TCP connections the proxy accepted \
         during the action; the Rust engine keeps its pool between actions, so it can open none \
         and come in one round trip under the floor. PHP start-up (a `php` process running \
         MetaData, no panel call): {:.0} ms, taken off in \"over the floor\" for PHP. TLS is not \
         modelled: over HTTPS each new connection costs one or two round trips more.",
        ms(startup)
    );
}
