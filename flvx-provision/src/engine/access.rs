//! Customer panel access (product option `customer_panel_access`). With it, the panel
//! password is the service password WHMCS shows the customer. Without it, the panel
//! password is a secret only the module knows ([`crate::secret`]): the customer cannot
//! log in to the panel, so the client area is its only interface and every limit the
//! module enforces holds at once, not only after the next reconciliation.

use super::{Engine, Service};
use crate::store::ServiceRecord;
use flvx_api::SecretString;

impl Service {
    /// The password the panel user has: the service password, or without panel access the
    /// record's secret (the service password until the first secret is set).
    pub fn panel_password<'a>(&'a self, record: &'a ServiceRecord) -> &'a SecretString {
        match (&record.panel_secret, self.plan.panel_access) {
            (Some(secret), false) => secret.password(),
            _ => &self.password,
        }
    }
}

impl Engine {
    /// The password to send with the next `user/update` when the option changed since the
    /// panel password was last set, and `record` changed to match: without panel access
    /// and no secret yet, a new secret; with access and a secret still kept, the service
    /// password (the secret is dropped). `None` when the panel password stays.
    ///
    /// The caller saves `record` only after the panel took the password. A save lost after
    /// that leaves a record without the secret the panel has: the customer still cannot log
    /// in, and the next change sets a new one (never the service password).
    pub(crate) fn login_change(
        &self,
        service: &Service,
        record: &mut ServiceRecord,
    ) -> Option<SecretString> {
        let password = match (service.plan.panel_access, &record.panel_secret) {
            (false, None) => {
                let secret = self.secrets.panel_secret(service);
                let password = secret.password().clone();
                record.panel_secret = Some(secret);
                password
            }
            (true, Some(_)) => {
                record.panel_secret = None;
                service.password.clone()
            }
            _ => return None,
        };
        self.forget_customer(&service.username());
        Some(password)
    }
}
