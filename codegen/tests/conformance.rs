//! Conformance: the generated PHP module, run for real (`php`, or the PHP that `FLVX_PHP`
//! names; one process per WHMCS action, under the stub WHMCS of `tests/php/`), behaves
//! exactly like the Rust engine it mirrors.
//!
//! - `scenarios`: every `tests/conformance/*.json`, on the Rust engine (`Engine` +
//!   `MemoryStore`) and on the PHP module, each against its own fresh fake panel, with "now"
//!   pinned alike (`Service.now`, `FLVX_NOW_MS`). After every action both must agree on the
//!   outcome (success, or the same catalogue message), the panel calls (method, path, body;
//!   logins aside), the stored record, and the panel's state (ids and values; only the
//!   wall-clock columns are left out), and the client area renders escaped with Smarty 3 and 4.
//! - `fault_matrix`, `bad_input_matrix`, `security_matrix`: see each test.
//! - `live_panel` (ignored): the live-capable scenarios against a real panel.
//!
//! Each test prints `N passed, N failed` on its own line and fails on any failure.

mod conformance_support;

use conformance_support::model::{Scenario, load_scenarios};
use conformance_support::pair::{Pair, default_tunnels};
use conformance_support::{Tally, runtime};
use flvx_api::PanelVersion;

fn php_ready(test: &str) -> bool {
    conformance_support::php_command::php_available(test)
}

async fn run_scenario(scenario: Scenario, version: PanelVersion) -> Result<(), String> {
    let tunnels = scenario.tunnels.clone().unwrap_or_else(default_tunnels);
    let mut pair = Pair::fake(
        version,
        &format!("scenario-{}", scenario.name),
        &tunnels,
        &scenario.services,
    )
    .await;
    pair.run_scenario(&scenario).await
}

/// Every scenario file, on both runtimes, on a fake panel of each FLVX line
/// (`FLVX_PANEL_LINES` may name fewer).
#[test]
fn scenarios() {
    if !php_ready("scenarios") {
        return;
    }
    let mut scenarios = load_scenarios();
    // FLVX_SCENARIO=name runs only the scenarios whose name contains it.
    match std::env::var("FLVX_SCENARIO") {
        Ok(only) => scenarios.retain(|s| s.name.contains(&only)),
        Err(_) => assert!(scenarios.len() >= 12, "only {} scenarios", scenarios.len()),
    }
    let rt = runtime();
    let mut tally = Tally::new("scenarios");
    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(8));
    rt.block_on(async {
        let handles: Vec<_> = conformance_support::panel_lines()
            .into_iter()
            .flat_map(|version| scenarios.iter().map(move |s| (version, s.clone())))
            .map(|(version, s)| {
                let name = format!("FLVX {}: {}", version.label(), s.name);
                let limit = limit.clone();
                let run = async move {
                    // Every scenario on both lines at once overloads 2 cores: the Rust
                    // client's short test timeout then fires.
                    let _permit = limit.acquire().await.expect("open");
                    run_scenario(s, version).await
                };
                (name, tokio::spawn(run))
            })
            .collect();
        for (name, handle) in handles {
            let result = handle
                .await
                .unwrap_or_else(|e| Err(format!("panicked: {e}")));
            tally.record(&name, result);
        }
    });
    tally.finish();
}

/// Runs a matrix on a fake panel of each FLVX line and reports one tally for both.
fn on_every_line<F, Fut>(matrix: F)
where
    F: Fn(PanelVersion) -> Fut,
    Fut: std::future::Future<Output = Tally>,
{
    let rt = runtime();
    let mut tally: Option<Tally> = None;
    for version in conformance_support::panel_lines() {
        let result = rt.block_on(matrix(version));
        match &mut tally {
            Some(t) => t.absorb(result),
            None => tally = Some(result),
        }
    }
    if let Some(t) = tally {
        t.finish();
    }
}

/// Every lifecycle function × {panel down, timeout, HTML 502, malformed JSON, -2 error,
/// token refused after a fresh login}, at the function's first and last panel call: both
/// runtimes fail alike with a clear message, leave the stored data as the engine's
/// documented intents allow, and a retry after the fault clears ends in the clean run's state.
#[test]
fn fault_matrix() {
    if !php_ready("fault_matrix") {
        return;
    }
    on_every_line(conformance_support::matrices::fault_matrix);
}

/// Bad options, dates, form fields, forward ids, passwords and missing server settings:
/// the same clear message from both runtimes, and no panel call.
#[test]
fn bad_input_matrix() {
    if !php_ready("bad_input_matrix") {
        return;
    }
    on_every_line(conformance_support::matrices::bad_input_matrix);
}

/// No secret in any logModuleCall after a full lifecycle; hostile names escaped in every
/// template with Smarty 3 and 4; a same-named panel user never adopted.
#[test]
fn security_matrix() {
    if !php_ready("security_matrix") {
        return;
    }
    on_every_line(conformance_support::matrices::security_matrix);
}

/// The WHMCS-only functions (MetaData, ConfigOptions, TestConnection, loaders,
/// ListAccounts, the admin tab and button arrays) answer in the WHMCS shape under E_ALL.
#[test]
fn whmcs_only_functions() {
    if !php_ready("whmcs_only_functions") {
        return;
    }
    on_every_line(conformance_support::matrices::admin_functions);
}

/// The live-capable scenarios against a real FLVX panel (`FLVX_LIVE_URL`, `FLVX_LIVE_USER`,
/// `FLVX_LIVE_PASSWORD`): the Rust engine and the PHP module each run every scenario with
/// their own username prefix, and must reach the same outcomes. Panel events other than
/// creating or deleting a user by hand are skipped (a real panel has no such controls).
/// Every panel user the run created is deleted afterwards, forwards first.
#[test]
#[ignore = "needs a real FLVX panel: set FLVX_LIVE_URL, FLVX_LIVE_USER and FLVX_LIVE_PASSWORD"]
fn live_panel() {
    let (Ok(url), Ok(user), Ok(password)) = (
        std::env::var("FLVX_LIVE_URL"),
        std::env::var("FLVX_LIVE_USER"),
        std::env::var("FLVX_LIVE_PASSWORD"),
    ) else {
        eprintln!("live_panel: set FLVX_LIVE_URL, FLVX_LIVE_USER and FLVX_LIVE_PASSWORD");
        return;
    };
    if !php_ready("live_panel") {
        return;
    }
    let stamp = format!(
        "{:x}",
        (conformance_support::pair::system_now() / 1000) % 0xff_ffff
    );
    let scenarios: Vec<Scenario> = load_scenarios().into_iter().filter(|s| s.live).collect();
    let mut tally = Tally::new("live panel");
    runtime().block_on(async {
        for scenario in scenarios {
            let (rust_prefix, php_prefix) = (format!("cr{stamp}x"), format!("cp{stamp}x"));
            let pair = Pair::live(
                &scenario.name,
                &url,
                (&user, &password),
                &scenario.services,
                (&rust_prefix, &php_prefix),
            )
            .await;
            let mut pair = match pair {
                Ok(pair) => pair,
                Err(e) => {
                    tally.record(&scenario.name, Err(e));
                    continue;
                }
            };
            let mut result = Ok(());
            for (i, step) in scenario.steps.iter().enumerate() {
                let live_event =
                    matches!(step.event.as_deref(), Some("create_user" | "delete_user"));
                if step.fault.is_some() || (step.event.is_some() && !live_event) {
                    continue;
                }
                if let Err(e) = pair.step(step).await {
                    result = Err(format!(
                        "step {} {}: {e}",
                        i + 1,
                        conformance_support::pair::describe(step)
                    ));
                    break;
                }
            }
            let cleanup = pair.cleanup_live(&[&rust_prefix, &php_prefix]).await;
            let left = pair.cleanup_live(&[&rust_prefix, &php_prefix]).await;
            eprintln!(
                "live {}: {:?}; removed {:?} panel users, {:?} left",
                scenario.name, result, cleanup, left
            );
            if !matches!(left, Ok(0)) {
                result = result.and(Err(format!("cleanup left users behind: {left:?}")));
            }
            tally.record(&scenario.name, result);
        }
    });
    tally.finish();
}
