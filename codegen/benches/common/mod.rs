//! What the benchmarks of the PHP module share: the WHMCS lifecycle they measure, in
//! lifecycle order, and the statistics of their tables.

use crate::support::model::{ServiceSpec, Step};
use crate::support::outcome::Outcome;
use crate::support::pair::Pair;
use std::collections::BTreeMap;
use std::time::Duration;

/// The lifecycle actions: (WHMCS function, label, the minimum of panel requests the API
/// allows, as in `examples/benches/integration.rs`).
pub const ACTIONS: &[(&str, &str, usize)] = &[
    ("CreateAccount", "CreateAccount (1 tunnel)", 4),
    ("SuspendAccount", "SuspendAccount (1 running forward)", 3),
    (
        "UnsuspendAccount",
        "UnsuspendAccount (1 forward to resume)",
        2,
    ),
    ("Renew", "Renew (nothing paused)", 2),
    ("ChangePackage", "ChangePackage (quota only)", 2),
    ("ChangePassword", "ChangePassword", 1),
    ("ClientArea", "ClientArea", 1),
    ("UsageUpdate", "UsageUpdate (any N)", 1),
    ("TerminateAccount", "TerminateAccount (1 forward)", 3),
];

/// The service of the lifecycle: the standard scenario settings on one tunnel.
pub fn one_tunnel_service(id: u64) -> ServiceSpec {
    ServiceSpec::on_tunnels(id, "t1")
}

/// A WHMCS action on one service.
pub fn act(function: &str, service: u64) -> Step {
    Step {
        action: Some(function.to_owned()),
        service: Some(service),
        ..Step::default()
    }
}

/// The step of one lifecycle action on service 1, with what WHMCS changes before calling
/// the module.
pub fn lifecycle_step(function: &str) -> Step {
    let step = act(function, 1);
    match function {
        "Renew" => Step {
            due: Some("+60d".into()),
            ..step
        },
        "ChangePackage" => Step {
            options: Some(BTreeMap::from([(
                "traffic_quota".to_owned(),
                "300".to_owned(),
            )])),
            ..step
        },
        "ChangePassword" => Step {
            password: Some("N3w-secret-pw-9".into()),
            ..step
        },
        _ => step,
    }
}

/// The customer's forward that suspend pauses and unsuspend resumes.
pub fn add_forward_step(service: u64) -> Step {
    let mut add = act("AddForward", service);
    add.post = Some(BTreeMap::from([
        ("tunnel_id".to_owned(), "t1".to_owned()),
        ("name".to_owned(), "web".to_owned()),
        ("target".to_owned(), "198.51.100.7:443".to_owned()),
    ]));
    add
}

/// Whether the PHP benchmarks can run here: `php` runs and the module is generated.
pub fn php_ready(bench: &str) -> bool {
    if !crate::support::php_command::php_available(bench) {
        return false;
    }
    let module = crate::support::php::module_dir();
    if !module.join("flvx.php").is_file() {
        eprintln!(
            "{bench}: skipped, no generated module at {} (cargo run -p codegen -- write)",
            module.display()
        );
        return false;
    }
    true
}

/// What a clean run of `function` answers.
fn clean_outcome(function: &str) -> Outcome {
    match function {
        "UsageUpdate" => Outcome::Nothing,
        _ => Outcome::Success,
    }
}

/// Runs `step` on the PHP module; panics unless it answered as a clean run should.
pub async fn php_step(pair: &mut Pair, step: &Step) {
    let function = step.action.clone().unwrap_or_default();
    let service = step.service.unwrap_or(1);
    let (answer, _) = pair.php_action(step).await;
    assert!(
        answer.problems.is_empty() && answer.outcome == clean_outcome(&function),
        "{function} on service {service}: {:?}, problems {:?}",
        answer.outcome,
        answer.problems
    );
    if answer.outcome == Outcome::Success {
        pair.php_whmcs.after_success(&function, service);
    }
}

/// Runs `step` on the Rust engine; panics unless it answered as a clean run should.
pub async fn rust_step(pair: &mut Pair, step: &Step) {
    let function = step.action.clone().unwrap_or_default();
    let service = step.service.unwrap_or(1);
    let (answer, _) = pair.rust_action(step).await;
    assert!(
        answer.outcome == clean_outcome(&function),
        "{function} on service {service}: {:?}",
        answer.outcome
    );
    if answer.outcome == Outcome::Success {
        pair.rust_whmcs.after_success(&function, service);
    }
}

pub fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
