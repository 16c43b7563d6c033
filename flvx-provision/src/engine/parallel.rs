//! Independent panel calls sent at once. The panel usually sits 100-250 ms from the
//! billing server, so a service on several tunnels would wait one round trip per binding
//! write; the writes of different tunnels do not depend on each other, so they share one.

use super::Engine;
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use flvx_api::ids::BindingId;
use flvx_api::models::BindingAssign;
use futures_util::stream::{self, StreamExt};
use std::future::Future;

/// Most independent panel calls in flight at once (a tunnel group can hold many tunnels;
/// over HTTP/1.1 each call in flight needs a connection of its own).
pub const MAX_PARALLEL_CALLS: usize = 8;

impl Engine {
    /// `tunnel/user/assign` of every binding at once. Every call is answered before this
    /// returns; the error is that of the first failed binding in the given order, so a
    /// failure reads the same whichever answer came first. Assigns are upserts: a retry
    /// writes them all again and converges.
    pub(crate) async fn assign_bindings(
        &self,
        assigns: &[BindingAssign],
        action: Msg,
    ) -> Result<(), ProvisionError> {
        let calls: Vec<_> = assigns.iter().map(|a| self.api.assign_binding(a)).collect();
        all_of(calls, action).await
    }

    /// `tunnel/user/remove` of every binding at once, with the error reporting of
    /// [`Engine::assign_bindings`]. A retry lists the bindings again and removes only
    /// those still there.
    pub(crate) async fn remove_bindings(
        &self,
        bindings: &[BindingId],
        action: Msg,
    ) -> Result<(), ProvisionError> {
        let calls: Vec<_> = bindings
            .iter()
            .map(|b| self.api.remove_binding(*b))
            .collect();
        all_of(calls, action).await
    }
}

/// Runs `calls` with at most [`MAX_PARALLEL_CALLS`] in flight and waits for all of them;
/// the first error in input order. (A collected `Vec` rather than a lazy iterator: a
/// closure in the stream's type makes the caller's future fail rustc's `Send` check.)
async fn all_of<F>(calls: Vec<F>, action: Msg) -> Result<(), ProvisionError>
where
    F: Future<Output = flvx_api::Result<()>>,
{
    let results: Vec<flvx_api::Result<()>> = stream::iter(calls)
        .buffered(MAX_PARALLEL_CALLS)
        .collect()
        .await;
    results
        .into_iter()
        .collect::<flvx_api::Result<()>>()
        .during(action)
}
