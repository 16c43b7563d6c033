//! `group/tunnel/list` and `group/user/list` (panel behaviour §5.20).

use super::Call;
use crate::testkit::envelope::{Outcome, Reply};
use crate::testkit::state::State;
use serde_json::{Value, json};

/// `POST /api/v1/group/tunnel/list`: members are the seeded tunnels that still exist.
pub(crate) fn tunnel_groups(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let items = st
        .tunnel_groups
        .values()
        .map(|g| {
            let members: Vec<_> = g
                .members
                .iter()
                .filter_map(|id| st.tunnels.get(id))
                .collect();
            let ids: Vec<i64> = members.iter().map(|t| t.id).collect();
            let names: Vec<&str> = members.iter().map(|t| t.name.as_str()).collect();
            json!({
                "id": g.id, "name": g.name, "status": g.status,
                "tunnelIds": ids, "tunnelNames": names, "createdTime": g.created_time,
            })
        })
        .collect();
    Ok(Reply::data(Value::Array(items)))
}

/// `POST /api/v1/group/user/list`: members are the existing users in the group, by id.
pub(crate) fn user_groups(st: &mut State, call: &Call) -> Outcome {
    call.require_post()?;
    let items = st
        .user_groups
        .values()
        .map(|g| {
            let mut members: Vec<(i64, String)> = st
                .memberships
                .iter()
                .filter(|(group, _)| *group == g.id)
                .filter_map(|(_, user)| st.users.get(user).map(|u| (u.id, u.user.clone())))
                .collect();
            members.sort_by_key(|(id, _)| *id);
            let (ids, names): (Vec<i64>, Vec<String>) = members.into_iter().unzip();
            json!({
                "id": g.id, "name": g.name, "status": g.status,
                "userIds": ids, "userNames": names, "createdTime": g.created_time,
            })
        })
        .collect();
    Ok(Reply::data(Value::Array(items)))
}
