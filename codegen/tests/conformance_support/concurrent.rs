//! The panel calls both runtimes make at once rather than one after the other, and what
//! the comparison of the two runtimes does about them.
//!
//! Per-tunnel `tunnel/user/assign` and `tunnel/user/remove` calls are independent, so the
//! Rust engine (tokio) and the PHP module (`curl_multi`) send them together: they reach the
//! panel in any order. Three things follow, and the comparison allows for exactly these:
//!
//! - a run of consecutive calls to one such path is compared as a multiset (sorted by
//!   body), everything else in order;
//! - the panel numbers bindings in the order their assigns arrive, so a binding id is
//!   compared as what it stands for, the binding of (user, tunnel) (`BindingKeys` of the
//!   testkit), in panel states, records and call bodies;
//! - a call of such a run that the panel refused with 401 and that was sent again in the
//!   same run is left out: whether it arrived before or after the call that invalidated the
//!   token is a race (both runtimes log in again once and re-send what was refused).
//!
//! The fault matrix and scenarios aim a fault at one call of a run by its body
//! (`FaultRule::when_body`), not by its position. A token "refused even after a fresh
//! login" is, for a call of a run, revoked once and then refused on that call's retry
//! alone (`Fault::TokenRefused`): revoking every token a second time would race the
//! retries of the other calls.

use flvx_api::endpoints::{BINDING_ASSIGN, BINDING_REMOVE, USER_LOGIN};
use flvx_api::testkit::{BindingKeys, JournalEntry};
use flvx_provision::ServiceRecord;
use serde_json::{Value, json};

/// Paths whose consecutive calls form one concurrent run.
pub const CONCURRENT_PATHS: &[&str] = &[BINDING_ASSIGN.path, BINDING_REMOVE.path];

/// Whether calls to `path` may be sent together with their neighbours of the same path.
pub fn is_concurrent(path: &str) -> bool {
    CONCURRENT_PATHS.contains(&path)
}

/// Round trips a sequence of requests needs at least: one per request, a run of
/// consecutive calls to one concurrent path counting once.
pub fn round_trips<'a>(paths: impl IntoIterator<Item = &'a str>) -> usize {
    let mut count = 0;
    let mut previous: Option<&str> = None;
    for path in paths {
        if !(is_concurrent(path) && previous == Some(path)) {
            count += 1;
        }
        previous = Some(path);
    }
    count
}

/// Where a fault aimed at call `n` of a clean run's comparable `calls` must land, when that
/// call is one of a concurrent run of assigns (its position is then a race): the path, the
/// tunnel of its body, and how many earlier calls to that path had that tunnel. `None` when
/// the position of call `n` is fixed.
pub fn aim(calls: &[Value], n: usize) -> Option<(String, i64, usize)> {
    let path = calls.get(n)?[1].as_str()?;
    let same_path = |i: Option<usize>| i.and_then(|i| calls.get(i)).is_some_and(|c| c[1] == path);
    if path != BINDING_ASSIGN.path || !(same_path(n.checked_sub(1)) || same_path(Some(n + 1))) {
        return None;
    }
    let tunnel = calls[n][2]["tunnelId"].as_i64()?;
    let after = calls[..n]
        .iter()
        .filter(|c| c[1] == path && c[2]["tunnelId"] == tunnel)
        .count();
    Some((path.to_owned(), tunnel, after))
}

/// A service record as JSON, its binding ids as labels.
pub fn record(keys: &BindingKeys, record: &ServiceRecord) -> Value {
    let mut value = json!(record);
    if let Some(bindings) = value["bindings"].as_object_mut() {
        for id in bindings.values_mut() {
            *id = keys.label(id);
        }
    }
    value
}

/// `[method, path, body]` of `entries` (logins aside) as the comparison sees them: the
/// binding ids of removes as labels, concurrent runs sorted, refused calls that were sent
/// again within their run left out.
pub fn calls(keys: &BindingKeys, entries: &[JournalEntry]) -> Vec<Value> {
    let mut calls = Vec::new();
    let mut run: Vec<&JournalEntry> = Vec::new();
    for entry in entries.iter().filter(|e| e.path != USER_LOGIN.path) {
        if run.last().is_some_and(|last| last.path != entry.path) || !is_concurrent(&entry.path) {
            calls.extend(sorted_run(keys, &run));
            run.clear();
        }
        if is_concurrent(&entry.path) {
            run.push(entry);
        } else {
            calls.push(call(keys, entry));
        }
    }
    calls.extend(sorted_run(keys, &run));
    calls
}

fn call(keys: &BindingKeys, entry: &JournalEntry) -> Value {
    let mut body = entry.body.clone();
    if entry.path == BINDING_REMOVE.path
        && let Some(b) = body.as_mut().and_then(Value::as_object_mut)
        && let Some(id) = b.get_mut("id")
    {
        *id = keys.label(id);
    }
    json!([entry.method, entry.path, body])
}

fn sorted_run(keys: &BindingKeys, run: &[&JournalEntry]) -> Vec<Value> {
    let mut calls: Vec<Value> = run
        .iter()
        .enumerate()
        .filter(|(i, e)| {
            let refused = e.code == Some(401);
            !(refused && run[i + 1..].iter().any(|later| later.body == e.body))
        })
        .map(|(_, e)| call(keys, e))
        .collect();
    calls.sort_by_key(|c| c.to_string());
    calls
}
