//! Multi-call recipes for the panel's gaps (panel behaviour §6): creates return no id, so they
//! are followed by a lookup; updates are full replaces, so "change one field" reads the
//! current record, merges, and writes it all back.

use crate::api::FlvxApi;
use crate::ids::{TunnelId, UserId};
use crate::models::{
    Binding, BindingAssign, BindingUpdate, Forward, NewForward, NewUser, User, UserUpdate,
};
use crate::units::Status;
use crate::{Error, Result};

/// The user whose name is exactly `name` (the panel's keyword search is a
/// case-insensitive substring match, so the result is filtered here).
pub async fn find_user_by_name<A: FlvxApi + ?Sized>(api: &A, name: &str) -> Result<Option<User>> {
    let users = api.list_users(Some(name)).await?;
    Ok(users.into_iter().find(|u| u.user == name))
}

/// The user with this id (there is no get-by-id endpoint, so this lists every user).
pub async fn find_user<A: FlvxApi + ?Sized>(api: &A, id: UserId) -> Result<Option<User>> {
    Ok(api.list_users(None).await?.into_iter().find(|u| u.id == id))
}

/// Creates a user and returns it as the panel stored it.
pub async fn create_user<A: FlvxApi + ?Sized>(api: &A, user: &NewUser) -> Result<User> {
    api.create_user(user).await?;
    find_user_by_name(api, &user.user)
        .await?
        .ok_or_else(|| Error::NotFound {
            what: format!("user {:?} just created", user.user),
        })
}

/// Reads user `id`, applies `change` to its current values, and writes every field back,
/// so nothing is reset by omission. Returns the user as read before the change.
pub async fn modify_user<A, F>(api: &A, id: UserId, change: F) -> Result<User>
where
    A: FlvxApi + ?Sized,
    F: FnOnce(&mut UserUpdate) + Send,
{
    let user = find_user(api, id).await?.ok_or_else(|| Error::NotFound {
        what: format!("user {id}"),
    })?;
    let mut update = UserUpdate::from_user(&user);
    change(&mut update);
    api.update_user(&update).await?;
    Ok(user)
}

/// The binding of `user` on `tunnel`, if any.
pub async fn find_binding<A: FlvxApi + ?Sized>(
    api: &A,
    user: UserId,
    tunnel: TunnelId,
) -> Result<Option<Binding>> {
    let bindings = api.list_bindings(user).await?;
    Ok(bindings.into_iter().find(|b| b.tunnel_id == tunnel))
}

/// Assigns (creates or patches) a binding and returns it as stored.
pub async fn assign_binding<A: FlvxApi + ?Sized>(
    api: &A,
    assign: &BindingAssign,
) -> Result<Binding> {
    api.assign_binding(assign).await?;
    find_binding(api, assign.user_id, assign.tunnel_id)
        .await?
        .ok_or_else(|| Error::NotFound {
            what: format!(
                "binding of user {} on tunnel {}",
                assign.user_id, assign.tunnel_id
            ),
        })
}

/// Reads the binding of `user` on `tunnel`, applies `change`, and writes every field back.
/// The panel never reports a binding's real status, so the caller gives it.
pub async fn modify_binding<A, F>(
    api: &A,
    user: UserId,
    tunnel: TunnelId,
    status: Status,
    change: F,
) -> Result<Binding>
where
    A: FlvxApi + ?Sized,
    F: FnOnce(&mut BindingUpdate) + Send,
{
    let binding = find_binding(api, user, tunnel)
        .await?
        .ok_or_else(|| Error::NotFound {
            what: format!("binding of user {user} on tunnel {tunnel}"),
        })?;
    let mut update = BindingUpdate::from_binding(&binding, status);
    change(&mut update);
    api.update_binding(&update).await?;
    Ok(binding)
}

/// Creates a forward as the calling account and returns it: the newest of the caller's
/// forwards with that name on that tunnel (names are not unique, ids only grow).
pub async fn create_forward<A: FlvxApi + ?Sized>(api: &A, forward: &NewForward) -> Result<Forward> {
    api.create_forward(forward).await?;
    let forwards = api.list_forwards().await?;
    forwards
        .into_iter()
        .filter(|f| f.name == forward.name && f.tunnel_id == forward.tunnel_id)
        .max_by_key(|f| f.id)
        .ok_or_else(|| Error::NotFound {
            what: format!("forward {:?} just created", forward.name),
        })
}

/// The forwards of one user, from the admin's list of every forward (the panel has no
/// per-user filter), oldest first: 2.1 lists them that way, 3.0 newest first.
pub async fn forwards_of<A: FlvxApi + ?Sized>(api: &A, user: UserId) -> Result<Vec<Forward>> {
    let mut forwards: Vec<Forward> = api
        .list_forwards()
        .await?
        .into_iter()
        .filter(|f| f.user_id == Some(user))
        .collect();
    forwards.sort_by_key(|f| f.id);
    Ok(forwards)
}
