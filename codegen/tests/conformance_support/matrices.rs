//! The matrices: every lifecycle function under every fault, bad input of every kind, and
//! the security properties (secrets in logs, escaping, adoption).

use super::Tally;
use super::model::{ServiceSpec, Step};
use super::outcome::{NOT_CATALOGUE, Outcome};
use super::pair::{HOSTILE, Pair, default_tunnels, escaping_problem, system_now};
use super::php::SMARTIES;
use flvx_api::PanelVersion;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// A WHMCS action step.
pub fn act(function: &str) -> Step {
    Step {
        action: Some(function.into()),
        ..Step::default()
    }
}

/// AddForward of `name` on tunnel `tunnel`.
pub fn add(name: &str, tunnel: &str) -> Step {
    let post = [
        ("tunnel_id", tunnel),
        ("name", name),
        ("target", "198.51.100.7:443"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    Step {
        post: Some(post),
        ..act("AddForward")
    }
}

/// A customer action on forward `name` (`#text` for a raw form value).
pub fn on_forward(function: &str, name: &str) -> Step {
    Step {
        forward: Some(name.into()),
        ..act(function)
    }
}

/// A panel event.
pub fn event(name: &str) -> Step {
    Step {
        event: Some(name.into()),
        ..Step::default()
    }
}

fn service(id: u64, options: &[(&str, &str)], due: &str) -> ServiceSpec {
    ServiceSpec {
        id,
        options: options
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        configoptions: BTreeMap::new(),
        due: due.into(),
        password: "Cust0mer-pw".into(),
        registered: "+0d".into(),
    }
}

/// One lifecycle function of the fault matrix: a service, the steps that bring it to an
/// interesting state, the action, and the record fields its documented intents may write
/// before it fails.
struct Function {
    name: &'static str,
    service: ServiceSpec,
    setup: Vec<Step>,
    action: Step,
    intents: &'static [&'static str],
}

fn functions() -> Vec<Function> {
    let expired = |days| Step {
        days: Some(days),
        ..event("advance_days")
    };
    let traffic = Step {
        forward: Some("a".into()),
        up: Some(900 << 20),
        down: Some(300 << 20),
        ..event("add_traffic")
    };
    let std = || service(42, &[], "+30d");
    let short = || service(42, &[("expiry_grace_days", "1")], "+5d");
    vec![
        Function {
            name: "CreateAccount",
            service: std(),
            setup: vec![],
            action: act("CreateAccount"),
            intents: &["username", "create_pending", "pushed_expiry"],
        },
        Function {
            name: "SuspendAccount",
            service: std(),
            setup: vec![
                act("CreateAccount"),
                add("a", "t1"),
                add("b", "t2"),
                on_forward("PauseForward", "b"),
            ],
            action: act("SuspendAccount"),
            intents: &["suspended", "pushed_expiry", "suspended_forwards"],
        },
        Function {
            name: "UnsuspendAccount",
            service: short(),
            setup: vec![
                act("CreateAccount"),
                add("a", "t1"),
                add("b", "t2"),
                on_forward("PauseForward", "b"),
                act("SuspendAccount"),
                expired(10),
                event("daily_job"),
            ],
            action: Step {
                due: Some("+30d".into()),
                ..act("UnsuspendAccount")
            },
            intents: &[],
        },
        Function {
            name: "TerminateAccount",
            service: std(),
            setup: vec![act("CreateAccount"), add("a", "t1"), add("b", "t2")],
            action: act("TerminateAccount"),
            intents: &[],
        },
        Function {
            name: "Renew",
            service: short(),
            setup: vec![
                act("CreateAccount"),
                add("a", "t1"),
                add("b", "t2"),
                on_forward("PauseForward", "b"),
                expired(10),
                event("daily_job"),
            ],
            action: Step {
                due: Some("+30d".into()),
                ..act("Renew")
            },
            intents: &[],
        },
        Function {
            name: "ChangePackage",
            service: service(42, &[("max_forwards", "5")], "+30d"),
            setup: vec![
                act("CreateAccount"),
                add("a", "t1"),
                add("b", "t2"),
                add("c", "t1"),
                on_forward("PauseForward", "c"),
            ],
            action: Step {
                options: Some(
                    [
                        ("tunnels", "t1,t3"),
                        ("speed_limit", "s2"),
                        ("traffic_quota", "500"),
                    ]
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .collect(),
                ),
                ..act("ChangePackage")
            },
            intents: &["pushed_expiry", "repause_tunnels"],
        },
        Function {
            name: "ChangePassword",
            service: std(),
            setup: vec![act("CreateAccount"), add("a", "t1")],
            action: Step {
                password: Some("N3w-customer-pw".into()),
                ..act("ChangePassword")
            },
            intents: &[],
        },
        Function {
            name: "ResetTraffic",
            service: service(42, &[("traffic_quota", "1")], "+30d"),
            setup: vec![
                act("CreateAccount"),
                add("a", "t1"),
                add("b", "t2"),
                on_forward("PauseForward", "b"),
                traffic,
            ],
            action: act("ResetTraffic"),
            intents: &[],
        },
        Function {
            name: "Sync",
            service: short(),
            setup: vec![
                act("CreateAccount"),
                add("a", "t1"),
                add("b", "t2"),
                act("SuspendAccount"),
                expired(10),
                event("daily_job"),
            ],
            action: act("Sync"),
            intents: &[
                "pushed_expiry",
                "repause_tunnels",
                "suspended_forwards",
                "bindings",
            ],
        },
        Function {
            name: "Sync (re-create)",
            service: std(),
            setup: vec![
                act("CreateAccount"),
                add("a", "t1"),
                act("SuspendAccount"),
                event("delete_user"),
            ],
            action: act("Sync"),
            intents: &["*"],
        },
    ]
}

/// The fault kinds: `down` (the server points at a closed port), a timeout (latency
/// beyond the module's timeout), an HTML 502, truncated JSON, a `-2` database error, and a
/// token refused even after a fresh login.
const KINDS: [&str; 6] = [
    "down",
    "timeout",
    "html502",
    "malformed_json",
    "internal_error",
    "expired_token",
];

/// What the clean run of a function ends with.
struct Clean {
    /// Rust's panel calls, as compared.
    calls: Vec<Value>,
    rust_state: Value,
    php_state: Value,
    /// The records, as compared (`Panel::comparable_record`).
    rust_record: Value,
    php_record: Value,
}

async fn setup(pair: &mut Pair, steps: &[Step]) -> Result<Value, String> {
    let mut hosting = Value::Null;
    for (i, step) in steps.iter().enumerate() {
        if step.action.is_some() {
            let both = pair
                .action(step)
                .await
                .map_err(|e| format!("setup step {}: {e}", i + 1))?;
            hosting = both.php.hosting;
        } else {
            pair.step(step)
                .await
                .map_err(|e| format!("setup step {}: {e}", i + 1))?;
        }
    }
    Ok(hosting)
}

async fn clean_run(f: &Function, now: i64, version: PanelVersion) -> Result<Clean, String> {
    let mut pair = Pair::fake_at(
        version,
        &format!("fault-clean-{}", slug(f.name)),
        &default_tunnels(),
        std::slice::from_ref(&f.service),
        now,
    )
    .await;
    pair.render = false;
    setup(&mut pair, &f.setup).await?;
    let both = pair
        .action(&f.action)
        .await
        .map_err(|e| format!("clean run: {e}"))?;
    Ok(Clean {
        calls: both.rust_calls.clone(),
        rust_state: pair.rust_panel.state(),
        php_state: pair.php_panel.state(),
        rust_record: pair.rust_panel.comparable_record(&pair.rust.record(42)),
        php_record: pair
            .php_panel
            .comparable_record(&both.php.record.clone().unwrap_or_default()),
    })
}

fn slug(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// The fields of `after` that differ from `before` and are not intents (both records as
/// compared, `Panel::comparable_record`).
fn unexpected_changes(before: &Value, after: &Value, intents: &[&str]) -> Vec<String> {
    if intents.contains(&"*") {
        return Vec::new();
    }
    let (Value::Object(a), Value::Object(b)) = (before, after) else {
        return vec!["records are not objects".into()];
    };
    a.iter()
        .filter(|(k, v)| b.get(*k) != Some(v) && !intents.contains(&k.as_str()))
        .map(|(k, v)| format!("{k}: {v} -> {}", b.get(k).unwrap_or(&Value::Null)))
        .collect()
}

async fn fault_case(
    f: &Function,
    kind: &str,
    after: Option<usize>,
    clean: &Clean,
    now: i64,
    version: PanelVersion,
) -> Result<String, String> {
    let name = format!(
        "fault-{}-{kind}-{}",
        slug(f.name),
        after.map_or("all".into(), |n| n.to_string())
    );
    let mut pair = Pair::fake_at(
        version,
        &name,
        &default_tunnels(),
        std::slice::from_ref(&f.service),
        now,
    )
    .await;
    pair.render = false;
    let hosting_before = setup(&mut pair, &f.setup).await?;
    let record_before = pair.rust_panel.comparable_record(&pair.rust.record(42));
    match kind {
        "down" => pair.down = Some(super::pair::closed_port()),
        _ => {
            // A call sent together with others is aimed at by its tunnel, not its position.
            let aim = after.and_then(|n| super::concurrent::aim(&clean.calls, n));
            let rule = |kind: &str, skip: usize, times: usize| Step {
                fault: Some(kind.into()),
                path: aim
                    .as_ref()
                    .map(|(path, _, _)| path.trim_start_matches("/api/v1/").to_owned()),
                body: aim
                    .as_ref()
                    .map(|(_, tunnel, _)| [("tunnelId".to_owned(), tunnel.to_string())].into()),
                after: Some(skip),
                times: Some(times),
                ..Step::default()
            };
            match (kind, &aim) {
                // Revoked once while the others of the run are in flight, then refused on
                // this call's retry alone: a second revocation would race their retries.
                ("expired_token", Some((_, _, earlier))) => {
                    pair.fault(&rule("expired_token", *earlier, 1));
                    pair.fault(&rule("token_refused", *earlier + 1, 1));
                }
                (_, Some((_, _, earlier))) => pair.fault(&rule(kind, *earlier, 1)),
                ("expired_token", None) => pair.fault(&rule(kind, after.unwrap_or(0), 2)),
                (_, None) => pair.fault(&rule(kind, after.unwrap_or(0), 1)),
            }
        }
    }
    // The faulted attempt: both runtimes must fail alike, with a clear message.
    let both = pair.run_action(&f.action).await;
    let mut problems = pair
        .check(
            &Step {
                expect: Some(both.rust.outcome.label().to_owned()),
                ..f.action.clone()
            },
            &both,
        )
        .await;
    let message = match &both.php.outcome {
        Outcome::Failure { key, message } if key != NOT_CATALOGUE && !message.trim().is_empty() => {
            message.clone()
        }
        other => {
            problems.push(format!(
                "not a clear failure: PHP {other:?}, Rust {:?}",
                both.rust.outcome
            ));
            String::new()
        }
    };
    for (side, record) in [
        (
            "Rust",
            pair.rust_panel.comparable_record(&pair.rust.record(42)),
        ),
        (
            "PHP",
            pair.php_panel
                .comparable_record(&both.php.record.clone().unwrap_or_default()),
        ),
    ] {
        let changed = unexpected_changes(&record_before, &record, f.intents);
        if !changed.is_empty() {
            problems.push(format!(
                "{side} stored data changed beyond the intents: {}",
                changed.join("; ")
            ));
        }
    }
    // The tblhosting columns the module writes (WHMCS itself writes the others).
    for column in ["username", "bwusage", "bwlimit", "lastupdate"] {
        if !hosting_before.is_null() && hosting_before[column] != both.php.hosting[column] {
            problems.push(format!(
                "tblhosting.{column} changed: {} -> {}",
                hosting_before[column], both.php.hosting[column]
            ));
        }
    }
    // The retry after the fault cleared converges on the clean run's state.
    for panel in [&pair.rust_panel, &pair.php_panel] {
        panel.fake().clear_faults();
    }
    match pair.action(&f.action).await {
        Ok(retry) => {
            let record = pair
                .php_panel
                .comparable_record(&retry.php.record.clone().unwrap_or_default());
            if record != clean.php_record {
                problems.push(format!(
                    "PHP record after the retry {record} != clean {}",
                    clean.php_record
                ));
            }
        }
        Err(e) => problems.push(format!("the retry: {e}")),
    }
    let rust_state = pair.rust_panel.state();
    let php_state = pair.php_panel.state();
    if rust_state != clean.rust_state {
        problems.push(format!(
            "Rust did not converge: {}",
            super::pair::first_difference(&clean.rust_state, &rust_state)
        ));
    }
    if php_state != clean.php_state {
        problems.push(format!(
            "PHP did not converge: {}",
            super::pair::first_difference(&clean.php_state, &php_state)
        ));
    }
    let record = pair.rust_panel.comparable_record(&pair.rust.record(42));
    if record != clean.rust_record {
        problems.push(format!(
            "Rust record after the retry {record} != clean {}",
            clean.rust_record
        ));
    }
    if problems.is_empty() {
        Ok(message)
    } else {
        Err(problems.join("\n    "))
    }
}

/// Every lifecycle function × every fault kind, at every panel call the function makes
/// (one case for `down`, which fails every call).
pub async fn fault_matrix(version: PanelVersion) -> Tally {
    let now = system_now();
    let limit = Arc::new(Semaphore::new(6));
    let mut tally = Tally::new("faults");
    let line = version.label();
    let mut handles = Vec::new();
    for f in functions() {
        let f = Arc::new(f);
        let clean = match clean_run(&f, now, version).await {
            Ok(clean) => Arc::new(clean),
            Err(e) => {
                tally.record(&format!("{} clean run", f.name), Err(e));
                continue;
            }
        };
        for kind in KINDS {
            let positions: Vec<Option<usize>> = match kind {
                "down" => vec![None],
                // Every call of the clean run (FLVX_FAULT_POSITIONS=ends: the first and last).
                _ if std::env::var("FLVX_FAULT_POSITIONS").is_ok_and(|v| v == "ends") => {
                    let mut p = vec![Some(0)];
                    if clean.calls.len() > 1 {
                        p.push(Some(clean.calls.len() - 1));
                    }
                    p
                }
                _ => (0..clean.calls.len()).map(Some).collect(),
            };
            for after in positions {
                let (f, clean, limit) = (f.clone(), clean.clone(), limit.clone());
                let label = format!(
                    "FLVX {line}: {} × {kind} at {}",
                    f.name,
                    after.map_or("every call".into(), |n| format!("call {}", n + 1))
                );
                handles.push((
                    label,
                    tokio::spawn(async move {
                        let _permit = limit.acquire().await.expect("open");
                        fault_case(&f, kind, after, &clean, now, version).await
                    }),
                ));
            }
        }
    }
    let mut messages = Vec::new();
    for (label, handle) in handles {
        let result = handle
            .await
            .unwrap_or_else(|e| Err(format!("panicked: {e}")));
        if let Ok(message) = &result {
            messages.push(format!("{label}: {message}"));
        }
        tally.record(&label, result.map(drop));
    }
    if std::env::var_os("FLVX_SHOW_MESSAGES").is_some() {
        for m in messages {
            eprintln!("{m}");
        }
    }
    tally
}

/// One bad-input case: what WHMCS sends differently, and the catalogue key expected.
#[derive(Clone)]
struct Bad {
    label: String,
    step: Step,
    options: Vec<(&'static str, String)>,
    configoptions: Option<BTreeMap<String, String>>,
    due: Option<String>,
    password: Option<String>,
    php_only: Option<(Map<String, Value>, &'static str)>,
    expect: &'static str,
}

fn bad(label: &str, step: Step, expect: &'static str) -> Bad {
    Bad {
        label: label.to_owned(),
        step,
        options: Vec::new(),
        configoptions: None,
        due: None,
        password: None,
        php_only: None,
        expect,
    }
}

fn every_function() -> Vec<Step> {
    let mut steps: Vec<Step> = [
        "CreateAccount",
        "SuspendAccount",
        "UnsuspendAccount",
        "TerminateAccount",
        "Renew",
        "ChangePackage",
        "ChangePassword",
        "ResetTraffic",
        "Sync",
        "ClientArea",
    ]
    .into_iter()
    .map(act)
    .collect();
    steps.push(add("z", "t1"));
    for f in ["PauseForward", "ResumeForward", "DeleteForward"] {
        steps.push(on_forward(f, "a"));
    }
    steps
}

fn bad_cases() -> Vec<Bad> {
    let mut cases = Vec::new();
    let options: [(&str, &str, &str); 14] = [
        ("empty tunnels (missing tunnel)", "tunnels", ""),
        ("negative tunnel id", "tunnels", "3,-1"),
        ("negative quota", "traffic_quota", "-5"),
        ("non-numeric max forwards", "max_forwards", "ten"),
        ("huge quota", "traffic_quota", "99999999999999"),
        ("huge max forwards", "max_forwards", "100000"),
        ("decimal speed limit", "speed_limit", "1.5"),
        ("exponent grace days", "expiry_grace_days", "1e3"),
        ("reset day 32", "traffic_reset", "32"),
        ("bad prefix", "username_prefix", "1bad"),
        ("unknown terminate action", "terminate_action", "purge"),
        ("non-numeric user group", "user_group", "admins"),
        (
            "allowed network with host bits",
            "allowed_target_networks",
            "10.0.0.5/8",
        ),
        (
            "reversed entry port range",
            "entry_port_range",
            "30000-20000",
        ),
    ];
    for step in every_function() {
        let function = step.action.clone().unwrap_or_default();
        for (label, key, value) in options {
            let mut case = bad(
                &format!("{function} with {label}"),
                step.clone(),
                "invalid_option",
            );
            case.options = vec![(key, value.to_owned())];
            cases.push(case);
        }
        let mut case = bad(
            &format!("{function} with configurable option quota 0"),
            step.clone(),
            "invalid_option",
        );
        case.configoptions = Some(
            [("Traffic quota (GiB)".to_owned(), "0".to_owned())]
                .into_iter()
                .collect(),
        );
        cases.push(case);
        let mut case = bad(
            &format!("{function} with due date 2027-02-30"),
            step.clone(),
            "invalid_date",
        );
        case.due = Some("2027-02-30".into());
        cases.push(case);
        let mut case = bad(
            &format!("{function} without a server hostname"),
            step.clone(),
            "",
        );
        case.php_only = Some((
            [("serverhostname", ""), ("serverip", "")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), json!(v)))
                .collect(),
            "No FLVX server is assigned",
        ));
        cases.push(case);
        let mut case = bad(
            &format!("{function} without server credentials"),
            step.clone(),
            "",
        );
        case.php_only = Some((
            [
                ("serverusername", ""),
                ("serverpassword", ""),
                ("serveraccesshash", ""),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), json!(v)))
            .collect(),
            "has no admin login",
        ));
        cases.push(case);
    }
    let form = |pairs: &[(&str, &str)]| {
        let mut post: BTreeMap<String, String> = [
            ("tunnel_id", "t1"),
            ("name", "z"),
            ("target", "198.51.100.7:443"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        for (k, v) in pairs {
            post.insert((*k).to_owned(), (*v).to_owned());
        }
        Step {
            post: Some(post),
            ..act("AddForward")
        }
    };
    let long = "x".repeat(101);
    let long_host = format!("{}.example:80", "a".repeat(5_000));
    let many = ["198.51.100.7:80"; 11].join(",");
    type Form<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'static str);
    let forms: Vec<Form> = vec![
        ("port 0", vec![("port", "0")], "invalid_forward"),
        ("port 70000", vec![("port", "70000")], "invalid_forward"),
        ("port abc", vec![("port", "abc")], "invalid_forward"),
        ("port -1", vec![("port", "-1")], "invalid_forward"),
        (
            "target without a port",
            vec![("target", "nohost")],
            "invalid_forward",
        ),
        ("target port 0", vec![("target", "h:0")], "invalid_forward"),
        ("empty target", vec![("target", "")], "invalid_forward"),
        (
            "target with a space",
            vec![("target", "h :80")],
            "invalid_forward",
        ),
        ("empty name", vec![("name", "")], "invalid_forward"),
        ("blank name", vec![("name", "   ")], "invalid_forward"),
        (
            "101-character name",
            vec![("name", long.as_str())],
            "invalid_forward",
        ),
        (
            "non-numeric tunnel",
            vec![("tunnel_id", "abc")],
            "tunnel_not_in_plan",
        ),
        (
            "loopback target",
            vec![("target", "127.0.0.2:80")],
            "target_refused",
        ),
        (
            "IPv6 loopback target",
            vec![("target", "[::1]:80")],
            "target_refused",
        ),
        (
            "unspecified target",
            vec![("target", "0.0.0.0:80")],
            "target_refused",
        ),
        (
            "private target",
            vec![("target", "10.0.0.5:80")],
            "target_refused",
        ),
        (
            "private target among public ones",
            vec![("target", "198.51.100.7:80,192.168.1.1:80")],
            "target_refused",
        ),
        (
            "cloud metadata target",
            vec![("target", "169.254.169.254:80")],
            "target_refused",
        ),
        (
            "CGNAT target",
            vec![("target", "100.64.0.1:80")],
            "target_refused",
        ),
        (
            "IPv4-mapped private target",
            vec![("target", "[::ffff:10.0.0.1]:80")],
            "target_refused",
        ),
        (
            "unique-local target",
            vec![("target", "[fd00::1]:80")],
            "target_refused",
        ),
        (
            "multicast target",
            vec![("target", "224.0.0.1:80")],
            "target_refused",
        ),
        (
            "name resolving to a private address",
            vec![("target", "db.internal:80")],
            "target_refused",
        ),
        (
            "the panel's own address",
            vec![("target", "127.0.0.1:80")],
            "target_is_panel",
        ),
        (
            "localhost",
            vec![("target", "localhost:80")],
            "target_is_panel",
        ),
        (
            "unresolvable target",
            vec![("target", "svc.invalid:80")],
            "target_unresolved",
        ),
        (
            "5000-character host",
            vec![("target", long_host.as_str())],
            "target_host_invalid",
        ),
        (
            "unbracketed IPv6 target",
            vec![("target", "::1:80")],
            "target_host_invalid",
        ),
        (
            "numeric shorthand target",
            vec![("target", "127.1:80")],
            "target_host_invalid",
        ),
        (
            "11 targets",
            vec![("target", many.as_str())],
            "too_many_targets",
        ),
        (
            "tunnel outside the plan",
            vec![("tunnel_id", "t3")],
            "tunnel_not_in_plan",
        ),
    ];
    for (label, pairs, expect) in forms {
        cases.push(bad(
            &format!("AddForward with {label}"),
            form(&pairs),
            expect,
        ));
    }
    for (port, range) in [("22", "20000-29999"), ("30000", "20000-29999")] {
        let mut case = bad(
            &format!("AddForward on port {port} outside the product's range {range}"),
            form(&[("port", port)]),
            "port_outside_plan",
        );
        case.options = vec![("entry_port_range", range.to_owned())];
        cases.push(case);
    }
    for f in ["PauseForward", "ResumeForward", "DeleteForward"] {
        for raw in ["#abc", "#-1", "#", "#0", "#1e3", "#99999999999999999999"] {
            cases.push(bad(
                &format!("{f} of forward {raw:?}"),
                on_forward(f, raw),
                "forward_not_found",
            ));
        }
    }
    for pw in ["", " lead-pw", "trail-pw ", "\u{3000}ideographic-space"] {
        let mut case = bad(
            &format!("ChangePassword to {pw:?}"),
            act("ChangePassword"),
            "invalid_password",
        );
        case.password = Some(pw.to_owned());
        cases.push(case);
    }
    let mut case = bad(
        "CreateAccount of a new service with a padded password",
        Step {
            service: Some(43),
            ..act("CreateAccount")
        },
        "invalid_password",
    );
    case.password = Some(" pw-with-space".into());
    cases.push(case);
    for step in every_function() {
        let function = step.action.clone().unwrap_or_default();
        if matches!(
            function.as_str(),
            "CreateAccount" | "TerminateAccount" | "ClientArea"
        ) {
            continue;
        }
        let step = match function.as_str() {
            "PauseForward" | "ResumeForward" | "DeleteForward" => on_forward(&function, "#5"),
            _ => step,
        };
        cases.push(bad(
            &format!("{function} of a service never created"),
            Step {
                service: Some(43),
                ..step
            },
            "not_provisioned",
        ));
    }
    cases
}

async fn bad_case(pair: &mut Pair, case: &Bad) -> Result<(), String> {
    let service = case.step.service.unwrap_or(42);
    let saved = (pair.rust_whmcs.clone(), pair.php_whmcs.clone());
    for whmcs in [&mut pair.rust_whmcs, &mut pair.php_whmcs] {
        let svc = whmcs.svc_mut(service);
        for (k, v) in &case.options {
            svc.options.insert((*k).to_owned(), v.clone());
        }
        if let Some(c) = &case.configoptions {
            svc.configoptions = c.clone();
        }
        if let Some(d) = &case.due {
            svc.due = d.clone();
        }
        if let Some(p) = &case.password {
            svc.password = p.clone();
        }
    }
    let record_before = pair.rust.record(service);
    let mut problems = Vec::new();
    if let Some((overrides, fragment)) = &case.php_only {
        pair.overrides = overrides.clone();
        let (answer, calls) = pair.php_action(&case.step).await;
        problems.extend(answer.problems.iter().map(|p| format!("PHP: {p}")));
        match &answer.outcome {
            Outcome::Failure { message, .. } if message.contains(fragment) => {}
            other => problems.push(format!(
                "PHP answered {other:?}, not a message naming {fragment:?}"
            )),
        }
        if !calls.is_empty() {
            problems.push(format!("PHP called the panel: {calls:?}"));
        }
        if !answer.log.is_empty()
            && !answer
                .log
                .iter()
                .all(|l| l["action"].as_str() == Some("ClientArea"))
        {
            problems.push(format!("PHP logged requests: {:?}", answer.log));
        }
    } else {
        let step = Step {
            expect: Some(case.expect.to_owned()),
            ..case.step.clone()
        };
        match pair.action(&step).await {
            Ok(both) => {
                if !both.rust_calls.is_empty() || !both.php_calls.is_empty() {
                    problems.push(format!(
                        "panel calls were made: {:?} / {:?}",
                        both.rust_calls, both.php_calls
                    ));
                }
                if !both.php.log.is_empty() {
                    problems.push(format!("PHP logged: {:?}", both.php.log));
                }
                if pair.rust.record(service) != record_before {
                    problems.push("the stored record changed".into());
                }
            }
            Err(e) => problems.push(e),
        }
    }
    (pair.rust_whmcs, pair.php_whmcs) = saved;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n    "))
    }
}

/// Bad input: every kind of bad option, date, form field, forward id and password, and
/// missing server settings, on every function that takes it: a clear message and no call.
pub async fn bad_input_matrix(version: PanelVersion) -> Tally {
    let cases = bad_cases();
    let chunks = 4;
    let per = cases.len().div_ceil(chunks);
    let mut handles = Vec::new();
    for (n, chunk) in cases.chunks(per).enumerate() {
        let chunk = chunk.to_vec();
        handles.push(tokio::spawn(async move {
            let mut tally = Tally::new("bad input");
            let services = [service(42, &[], "+30d"), service(43, &[], "+30d")];
            let mut pair = Pair::fake(
                version,
                &format!("bad-input-{n}"),
                &default_tunnels(),
                &services,
            )
            .await;
            pair.render = false;
            if let Err(e) = setup(&mut pair, &[act("CreateAccount"), add("a", "t1")]).await {
                tally.record("setup", Err(e));
                return tally;
            }
            for case in &chunk {
                let result = bad_case(&mut pair, case).await;
                tally.record(&case.label, result);
            }
            tally
        }));
    }
    let mut tally = Tally::new("bad input");
    for handle in handles {
        match handle.await {
            Ok(t) => tally.absorb(t),
            Err(e) => tally.record("chunk", Err(format!("panicked: {e}"))),
        }
    }
    tally
}

/// Whether `text` holds a JWT-shaped token (`eyJ…​.…​.…`).
fn jwt_in(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(at) = text[i..].find("eyJ") {
        let start = i + at;
        let end = bytes[start..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')))
            .map_or(bytes.len(), |p| start + p);
        let candidate = &text[start..end];
        if candidate.split('.').filter(|p| !p.is_empty()).count() >= 3 {
            return Some(candidate.to_owned());
        }
        i = start + 3;
    }
    None
}

/// The lifecycle whose logs are searched for secrets.
fn secret_lifecycle(with_token: bool) -> Vec<Step> {
    let mut steps = vec![
        act("CreateAccount"),
        act("ClientArea"),
        add("a", "t1"),
        add("b", "t2"),
    ];
    steps.extend([
        on_forward("PauseForward", "b"),
        act("SuspendAccount"),
        act("UnsuspendAccount"),
        Step {
            due: Some("+60d".into()),
            ..act("Renew")
        },
        Step {
            options: Some(
                [("traffic_quota".to_owned(), "300".to_owned())]
                    .into_iter()
                    .collect(),
            ),
            ..act("ChangePackage")
        },
        Step {
            password: Some("N3w-secret-pw-9".into()),
            ..act("ChangePassword")
        },
        act("ClientArea"),
        add("c", "t1"),
        // Expired tokens make the module log in again (a fixed Access Hash token cannot).
        event(if with_token {
            "clear_faults"
        } else {
            "expire_tokens"
        }),
        act("ResetTraffic"),
        act("UsageUpdate"),
        act("Sync"),
        act("TerminateAccount"),
    ]);
    steps
}

async fn secrets_case(tally: &mut Tally, with_token: bool, version: PanelVersion) {
    let label = if with_token {
        "access hash"
    } else {
        "password login"
    };
    let mut pair = Pair::fake(
        version,
        &format!("secrets-{}", slug(label)),
        &default_tunnels(),
        &[service(42, &[], "+30d")],
    )
    .await;
    pair.render = false;
    let mut secrets: Vec<(String, String)> = vec![
        ("old customer password".into(), "Cust0mer-pw".into()),
        ("new customer password".into(), "N3w-secret-pw-9".into()),
    ];
    if with_token {
        let admin = flvx_api::FlvxClient::builder(
            pair.php_panel.fake().url(),
            flvx_api::Credentials::password(
                flvx_api::testkit::FakePanel::ADMIN_USER,
                flvx_api::testkit::FakePanel::ADMIN_PASSWORD,
            ),
        )
        .build()
        .expect("client");
        let token = admin.token().await.expect("admin token");
        let token = flvx_api::ExposeSecret::expose_secret(&token).to_owned();
        pair.php.accesshash = token.clone();
        pair.php.user = "admin_user".into();
        pair.php.password = "Srv-pass-unused-4".into();
        secrets.push(("access hash".into(), token));
        secrets.push(("server password".into(), "Srv-pass-unused-4".into()));
    } else {
        secrets.push((
            "server password".into(),
            flvx_api::testkit::FakePanel::ADMIN_PASSWORD.into(),
        ));
    }
    if let Err(e) = setup(&mut pair, &secret_lifecycle(with_token)).await {
        tally.record(&format!("{label}: the lifecycle"), Err(e));
        return;
    }
    let tokens = pair.php.tokens.clone();
    tally.record(
        &format!("{label}: the module cached panel tokens (admin and customer) to look for"),
        if tokens.len() >= 2 {
            Ok(())
        } else {
            Err(format!("only {} tokens", tokens.len()))
        },
    );
    for (i, token) in tokens.into_iter().enumerate() {
        secrets.push((format!("cached panel token #{}", i + 1), token));
    }
    let logs = pair.php.logs.clone();
    tally.record(
        &format!("{label}: requests are logged (with pwd masked)"),
        match logs.iter().any(|l| {
            l["request"]
                .as_str()
                .is_some_and(|r| r.contains("\"pwd\":\"********\""))
        }) {
            true => Ok(()),
            false => Err(format!(
                "no logged request with a masked pwd among {} entries",
                logs.len()
            )),
        },
    );
    for (what, secret) in &secrets {
        let mut found = Vec::new();
        for entry in &logs {
            for field in ["module", "action", "request", "response", "processed"] {
                let text = match &entry[field] {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if text.contains(secret.as_str()) {
                    found.push(format!("{field} of {}", entry["action"]));
                }
            }
        }
        let result = if found.is_empty() {
            Ok(())
        } else {
            Err(format!("found in {}", found.join(", ")))
        };
        tally.record(
            &format!("{label}: {what} absent from every logModuleCall"),
            result,
        );
    }
    let jwt: Vec<String> = logs
        .iter()
        .flat_map(|e| ["request", "response", "processed"].map(|f| e[f].to_string()))
        .filter_map(|t| jwt_in(&t))
        .collect();
    tally.record(
        &format!("{label}: no token-shaped string in any logModuleCall"),
        if jwt.is_empty() {
            Ok(())
        } else {
            Err(format!("{jwt:?}"))
        },
    );
}

async fn escaping_case(tally: &mut Tally, version: PanelVersion) {
    let tunnels = vec![HOSTILE.to_owned(), "SG-1".into(), "JP-1".into()];
    let mut pair = Pair::fake(
        version,
        "security-escaping",
        &tunnels,
        &[service(42, &[], "+30d")],
    )
    .await;
    let steps = vec![
        act("CreateAccount"),
        add(HOSTILE, "t1"),
        Step {
            post: Some(
                [
                    ("tunnel_id", "t2"),
                    ("name", "ok"),
                    ("target", "198.51.100.7:22"),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            ),
            ..act("AddForward")
        },
        act("ClientArea"),
        Step {
            fault: Some("internal_error".into()),
            path: Some("user/package".into()),
            message: Some(HOSTILE.into()),
            ..Step::default()
        },
        Step {
            expect: Some("panel_error".into()),
            ..act("ClientArea")
        },
    ];
    if let Err(e) = setup(&mut pair, &steps).await {
        tally.record("escaping: the steps", Err(e));
        return;
    }
    let available: Vec<&str> = SMARTIES
        .iter()
        .filter(|(_, b)| std::path::Path::new(b).exists())
        .map(|(n, _)| *n)
        .collect();
    let templates = ["clientarea.tpl", "error.tpl"];
    for (i, template) in templates.iter().enumerate() {
        for smarty in &available {
            let page = pair.pages.iter().filter(|(n, _)| n == smarty).nth(i);
            let result = match page {
                Some((_, html)) => match escaping_problem(html, &json!(HOSTILE)) {
                    None => Ok(()),
                    Some(e) => Err(e),
                },
                None => Err("not rendered".into()),
            };
            tally.record(
                &format!("escaping: {template} with {smarty} prints {HOSTILE} as text"),
                result,
            );
        }
    }
    // The admin tab prints panel-sourced text (an error naming the hostile value) escaped.
    pair.fault(&Step {
        fault: Some("internal_error".into()),
        path: Some("user/list".into()),
        message: Some(HOSTILE.into()),
        ..Step::default()
    });
    let (answer, _) = pair.php_action(&act("AdminServicesTabFields")).await;
    let text = answer.result.to_string();
    let result = if !answer.problems.is_empty() {
        Err(answer.problems.join("; "))
    } else if text.contains("<script") {
        Err(format!("unescaped: {text}"))
    } else if !text.contains("&lt;script&gt;") {
        Err(format!("the hostile message is not shown: {text}"))
    } else {
        Ok(())
    };
    tally.record(
        "escaping: AdminServicesTabFields escapes panel text",
        result,
    );
}

async fn adoption_case(tally: &mut Tally, version: PanelVersion) {
    let mut pair = Pair::fake(
        version,
        "security-adoption",
        &default_tunnels(),
        &[service(42, &[], "+30d"), service(43, &[], "+30d")],
    )
    .await;
    pair.render = false;
    let foreign = |pair: &Pair| -> Vec<Value> {
        pair.rust_panel.state()["users"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let steps = [
        event("create_user"),
        Step {
            expect: Some("user_not_ours".into()),
            ..act("CreateAccount")
        },
        Step {
            expect: Some("user_not_ours".into()),
            ..act("CreateAccount")
        },
        act("TerminateAccount"),
        Step {
            expect: Some("not_provisioned".into()),
            ..act("Sync")
        },
    ];
    let before_journal = pair.rust_panel.calls_since(0).len();
    let result = async {
        pair.step(&steps[0]).await?;
        let users_before = foreign(&pair);
        for step in &steps[1..] {
            pair.step(step).await?;
        }
        if foreign(&pair) != users_before {
            return Err("the pre-existing user changed".to_owned());
        }
        let writes: Vec<Value> = pair
            .rust_panel
            .calls_since(before_journal)
            .into_iter()
            .filter(|c| {
                c[1].as_str().is_some_and(|p| {
                    p.ends_with("user/update")
                        || p.ends_with("user/delete")
                        || p.contains("tunnel/user/assign")
                })
            })
            .collect();
        if writes.is_empty() {
            Ok(())
        } else {
            Err(format!("writes to the foreign user: {writes:?}"))
        }
    }
    .await;
    tally.record(
        "adoption: a pre-existing same-named user is refused and never touched",
        result,
    );
    // A create that failed before user/create answered leaves the pending marker; a
    // same-named user made by someone else meanwhile is still not adopted or deleted.
    let steps = vec![
        Step {
            fault: Some("html502".into()),
            path: Some("user/create".into()),
            ..Step::default()
        },
        Step {
            service: Some(43),
            expect: Some("panel_error".into()),
            ..act("CreateAccount")
        },
        Step {
            service: Some(43),
            ..event("create_user")
        },
    ];
    let result = async {
        for step in &steps {
            pair.step(step).await?;
        }
        let users_before = foreign(&pair);
        for step in [
            Step {
                service: Some(43),
                ..act("TerminateAccount")
            },
            Step {
                service: Some(43),
                expect: Some("user_not_ours".into()),
                ..act("CreateAccount")
            },
        ] {
            pair.step(&step).await?;
        }
        if foreign(&pair) == users_before {
            Ok(())
        } else {
            Err("the foreign user changed".to_owned())
        }
    }
    .await;
    tally.record("adoption: with the create-pending marker set, a foreign same-named user is neither adopted nor deleted", result);
}

/// Secrets never reach the module log; hostile names render escaped; other users are
/// never adopted.
pub async fn security_matrix(version: PanelVersion) -> Tally {
    let mut tally = Tally::new("security");
    let mut a = Tally::new("security");
    let mut b = Tally::new("security");
    let mut c = Tally::new("security");
    let mut d = Tally::new("security");
    tokio::join!(
        secrets_case(&mut a, false, version),
        secrets_case(&mut b, true, version),
        escaping_case(&mut c, version),
        adoption_case(&mut d, version),
    );
    for t in [a, b, c, d] {
        tally.absorb(t);
    }
    tally
}

/// The module functions that only exist in WHMCS (no engine counterpart), run for real on
/// a provisioned service: each answers in the WHMCS shape with no PHP diagnostic and no
/// uncaught exception.
pub async fn admin_functions(version: PanelVersion) -> Tally {
    let mut tally = Tally::new("WHMCS-only functions");
    let mut pair = Pair::fake(
        version,
        "admin-functions",
        &default_tunnels(),
        &[service(42, &[], "+30d")],
    )
    .await;
    pair.render = false;
    if let Err(e) = setup(&mut pair, &[act("CreateAccount"), add("a", "t1")]).await {
        tally.record("setup", Err(e));
        return tally;
    }
    // A panel user made by hand, which Server Sync offers for import.
    let handmade = Step {
        event: Some("create_user".into()),
        name: Some("handmade".into()),
        ..Step::default()
    };
    if let Err(e) = pair.event(&handmade).await {
        tally.record("setup", Err(e));
        return tally;
    }
    type Check = fn(&Value) -> bool;
    let cases: [(&str, bool, Check); 13] = [
        ("MetaData", false, |r| r["APIVersion"] == "1.1"),
        ("ConfigOptions", false, |r| {
            r["tunnels"]["Loader"] == "flvx_LoadTunnels"
        }),
        ("TestConnection", false, |r| r["success"] == true),
        ("TestConnection", true, |r| {
            r["success"] == false
                && r["error"]
                    .as_str()
                    .is_some_and(|e| e.contains("Could not reach"))
        }),
        ("LoadTunnels", false, |r| {
            r["1"] == "HK-1 (#1)" && r["3"] == "JP-1 (#3)"
        }),
        ("LoadSpeedLimits", false, |r| {
            r[0] == "(none)" && r[2] == "200M (#2)"
        }),
        ("LoadTunnelGroups", false, |r| {
            r[0] == "(none)" && r[1] == "G-1 (#1)"
        }),
        ("LoadUserGroups", false, |r| {
            r[0] == "(none)" && r[1] == "U-1 (#1)"
        }),
        ("ListAccounts", false, |r| {
            let mut names: Vec<&str> = r["accounts"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a["uniqueIdentifier"].as_str())
                .collect();
            names.sort_unstable();
            r["success"] == true && names == ["flvx42", "handmade"]
        }),
        ("ListAccounts", true, |r| {
            r["success"] == false && r["error"].as_str().is_some_and(|e| !e.is_empty())
        }),
        ("AdminServicesTabFields", false, |r| {
            r["Panel username"] == "flvx42" && r["FLVX user id"] == "2"
        }),
        ("AdminCustomButtonArray", false, |r| {
            r.as_object()
                .is_some_and(|o| o.values().any(|v| v == "Sync"))
        }),
        ("ClientAreaAllowedFunctions", false, |r| {
            r.as_array().is_some_and(|a| a.len() == 5)
        }),
    ];
    for (function, down, check) in cases {
        if down {
            pair.down = Some(super::pair::closed_port());
        }
        let (answer, _) = pair.php_action(&act(function)).await;
        let label = format!(
            "{function}{}",
            if down { " with the panel down" } else { "" }
        );
        let result = if !answer.problems.is_empty() {
            Err(answer.problems.join("; "))
        } else if !check(&answer.result) {
            Err(format!("unexpected answer {}", answer.result))
        } else {
            Ok(())
        };
        tally.record(&label, result);
    }
    tally.record(
        "AddForward without the CSRF token",
        forged_post(&mut pair).await,
    );
    tally
}

/// A client-area POST forged from another site (no CSRF token): refused by WHMCS's
/// `check_token()` before any panel call, and not reported as success.
async fn forged_post(pair: &mut Pair) -> Result<(), String> {
    let mut forged = add("b", "t1");
    if let Some(post) = forged.post.as_mut() {
        post.insert("token".into(), String::new());
    }
    let (answer, calls) = pair.php_action(&forged).await;
    if answer.result == "success" {
        return Err("a POST without the CSRF token succeeded".into());
    }
    if !calls.is_empty() {
        return Err(format!(
            "a POST without the CSRF token reached the panel: {calls:?}"
        ));
    }
    Ok(())
}
