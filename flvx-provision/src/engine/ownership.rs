//! Proof that a panel user is this service's own. A name proves nothing: customers can
//! rename themselves (`user/updatePassword` takes a new name), and an expiry is shared by
//! every service due the same day. Only this service's password can log in as the user:
//! the panel checks the password before the account's status (panel behaviour §5.1), so a
//! disabled user answers "账号被停用" only to the right password.

use super::{Engine, Service, Stored, user_status};
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use flvx_api::ids::UserId;
use flvx_api::panel_messages::{BAD_CREDENTIALS, LOGIN_DISABLED};
use flvx_api::{Credentials, FlvxApi, SecretString};
use std::future::Future;
use std::sync::Arc;

impl Engine {
    /// Whether the panel user named `username` logs in with this service's panel
    /// `password`. Calls: `user/login` and, when it succeeds, `user/package` (as that user).
    pub(crate) async fn owns_user(
        &self,
        username: &str,
        password: &SecretString,
        action: Msg,
    ) -> Result<bool, ProvisionError> {
        let password = flvx_api::ExposeSecret::expose_secret(password);
        let probe = self
            .api
            .acting_as(Credentials::password(username, password));
        match probe.package().await {
            Ok(_) => Ok(true),
            Err(e) => match e.panel_message() {
                Some(LOGIN_DISABLED) => Ok(true),
                Some(BAD_CREDENTIALS) => Ok(false),
                _ => Err(ProvisionError::Panel { action, source: e }),
            },
        }
    }
}

impl Engine {
    /// Runs `call` with the customer's handle. When the panel refuses the customer's
    /// login with the service's name and panel password (the customer renamed its user
    /// or changed its password on the panel), the user is put back first, by id: its
    /// name, the plan and the panel password (the one WHMCS shows, or the module's secret
    /// without panel access: a new one if none is kept yet, then saved), with one
    /// `user/update` (after one `user/list` on 3.0 when the plan leaves the connection cap
    /// to the panel), and `call` runs once more with a fresh login. The outer error is the
    /// repair's, the inner one the call's.
    pub(crate) async fn with_customer<T, F, Fut>(
        &self,
        service: &Service,
        user: UserId,
        record: &mut Stored,
        call: F,
    ) -> Result<flvx_api::Result<T>, ProvisionError>
    where
        F: Fn(Arc<dyn FlvxApi>) -> Fut,
        Fut: Future<Output = flvx_api::Result<T>>,
    {
        let first = call(self.customer(service, record)).await;
        match &first {
            Err(e @ flvx_api::Error::LoginRejected { .. })
                if e.panel_message() == Some(BAD_CREDENTIALS) => {}
            _ => return Ok(first),
        }
        let action = Msg::ActionForwards;
        let change = self.login_change(service, record);
        let password = Some(service.panel_password(record).clone());
        let update = self
            .user_update(service, user, user_status(record), password, action)
            .await?;
        self.api.update_user(&update).await.during(action)?;
        if change.is_some() {
            self.save(service.id, record).await?;
        }
        self.forget_customer(&service.username());
        Ok(call(self.customer(service, record)).await)
    }
}
