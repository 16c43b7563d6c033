//! Proof that a panel user is this service's own. A name proves nothing: customers can
//! rename themselves (`user/updatePassword` takes a new name), and an expiry is shared by
//! every service due the same day. Only this service's password can log in as the user:
//! the panel checks the password before the account's status (panel behaviour §5.1), so a
//! disabled user answers "账号被停用" only to the right password.

use super::{Engine, Service};
use crate::error::ProvisionError;
use crate::messages::Msg;
use flvx_api::Credentials;
use flvx_api::panel_messages::{BAD_CREDENTIALS, LOGIN_DISABLED};

impl Engine {
    /// Whether the panel user named `username` logs in with this service's password.
    /// Calls: `user/login` and, when it succeeds, `user/package` (as that user).
    pub(crate) async fn owns_user(
        &self,
        service: &Service,
        username: &str,
        action: Msg,
    ) -> Result<bool, ProvisionError> {
        let password = flvx_api::ExposeSecret::expose_secret(&service.password);
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
