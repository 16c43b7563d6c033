//! `forward/delete|pause|resume|reset-flow` and the batch variants (panel behaviour §5.19,
//! panel behaviour §5.19, §5.23).
//!
//! Each talks to the node before the database (see `node`). On 3.0, resume runs the gate
//! first and batches report their failures.

use super::Call;
use super::forwards::{access, accessible};
use crate::testkit::envelope::{Outcome, Reply};
use crate::testkit::state::State;
use serde_json::{Value, json};

fn set_status(st: &mut State, id: i64, status: i64) {
    let now = st.now();
    if let Some(f) = st.forwards.get_mut(&id) {
        f.status = status;
        f.updated_time = now;
    }
}

/// What one item of a command does; the error is the failure reason.
type Apply = fn(&mut State, i64) -> Result<(), String>;

fn delete_one(st: &mut State, id: i64) -> Result<(), String> {
    st.control_forward(id, false)?;
    st.forwards.remove(&id);
    Ok(())
}

fn pause_one(st: &mut State, id: i64) -> Result<(), String> {
    if let Some(error) = st.missing_service(id) {
        return Err(error);
    }
    st.control_forward(id, false)?;
    set_status(st, id, 0);
    Ok(())
}

/// On 3.0 the owner's state must pass the gate first (admins' calls too).
fn resume_one(st: &mut State, id: i64) -> Result<(), String> {
    let target = st.forwards.get(&id).map(|f| (f.user_id, f.tunnel_id));
    if let Some((owner, tunnel)) = target.filter(|_| st.profile.forward_gate) {
        st.gate(owner, tunnel).map_err(String::from)?;
    }
    if let Some(error) = st.missing_service(id) {
        return Err(error);
    }
    st.control_forward(id, true)?;
    set_status(st, id, 1);
    Ok(())
}

/// A single-forward command: `{id}`, the ownership check, then the command.
fn single(st: &mut State, call: &Call, apply: Apply) -> Outcome {
    let id = call.id_from_body("id")?;
    access(st, call.actor()?, id)?;
    apply(st, id).map_err(Reply::fail)?;
    Ok(Reply::ok())
}

/// `forward/delete`: deletes the node service, then the row.
pub(crate) fn delete(st: &mut State, call: &Call) -> Outcome {
    single(st, call, delete_one)
}

/// `forward/pause`: stops the service, then status 0.
pub(crate) fn pause(st: &mut State, call: &Call) -> Outcome {
    single(st, call, pause_one)
}

/// `forward/resume`: restarts the service, then status 1. 2.1 checks nothing else.
pub(crate) fn resume(st: &mut State, call: &Call) -> Outcome {
    single(st, call, resume_one)
}

/// `forward/reset-flow` (3.0): zeroes that forward's own counters only.
pub(crate) fn reset_flow(st: &mut State, call: &Call) -> Outcome {
    single(st, call, |st, id| {
        let now = st.now();
        if let Some(f) = st.forwards.get_mut(&id) {
            (f.in_flow, f.out_flow, f.updated_time) = (0, 0, now);
        }
        Ok(())
    })
}

/// The batch variants: each id (ascending) is checked and applied on its own. 3.0 lists
/// the failures (`failures` omitted when empty; a missing or foreign id has no name).
fn batch(st: &mut State, call: &Call, apply: Apply) -> Outcome {
    let ids = call.ids_from_body()?;
    let actor = call.actor()?;
    let (mut success, mut failures) = (0, Vec::new());
    for id in ids {
        if !accessible(st, actor, id) {
            failures.push(json!({"id": id, "reason": "转发不存在"}));
            continue;
        }
        let name = st.forwards.get(&id).map(|f| f.name.trim().to_string());
        match apply(st, id) {
            Ok(()) => success += 1,
            Err(reason) => failures.push(failure(id, name.unwrap_or_default(), reason)),
        }
    }
    let mut data = json!({"successCount": success, "failCount": failures.len()});
    if st.profile.batch_failures
        && !failures.is_empty()
        && let Value::Object(map) = &mut data
    {
        map.insert("failures".into(), Value::Array(failures));
    }
    Ok(Reply::data(data))
}

/// A `batchFailureDetail`; `name` is `omitempty`.
fn failure(id: i64, name: String, reason: String) -> Value {
    if name.is_empty() {
        json!({"id": id, "reason": reason})
    } else {
        json!({"id": id, "name": name, "reason": reason})
    }
}

/// `forward/batch-delete`.
pub(crate) fn batch_delete(st: &mut State, call: &Call) -> Outcome {
    batch(st, call, delete_one)
}

/// `forward/batch-pause`.
pub(crate) fn batch_pause(st: &mut State, call: &Call) -> Outcome {
    batch(st, call, pause_one)
}

/// `forward/batch-resume`.
pub(crate) fn batch_resume(st: &mut State, call: &Call) -> Outcome {
    batch(st, call, resume_one)
}
