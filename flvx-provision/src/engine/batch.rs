//! Pausing, resuming and deleting forwards in one call, with an honest account of what
//! happened when some items fail (nodes offline, 3.0's checks): 3.0 names each failure
//! and its reason; 2.1 only counts them, so there the forwards are listed again to learn
//! which ids reached the wanted state.

use super::Engine;
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use flvx_api::ids::{ForwardId, UserId};
use flvx_api::models::BatchFailure;
use flvx_api::panel_messages::FORWARD_NOT_FOUND;

/// A batch forward operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BatchOp {
    Pause,
    Resume,
    Delete,
}

impl BatchOp {
    fn verb(self) -> Msg {
        match self {
            BatchOp::Pause => Msg::VerbPaused,
            BatchOp::Resume => Msg::VerbResumed,
            BatchOp::Delete => Msg::VerbDeleted,
        }
    }
}

/// What a batch achieved.
#[derive(Debug, Default)]
pub(crate) struct BatchOutcome {
    /// Ids now in the wanted state (or gone).
    pub(crate) done: Vec<ForwardId>,
    /// How many did not get there.
    pub(crate) failed: u64,
    /// The panel's reason for the first failure, when it gave one (3.0).
    pub(crate) reason: Option<String>,
}

impl BatchOutcome {
    /// The error to report when anything failed.
    pub(crate) fn error(&self, op: BatchOp) -> Option<ProvisionError> {
        (self.failed > 0).then(|| ProvisionError::ForwardsFailed {
            failed: self.failed,
            verb: op.verb(),
            reason: self.reason.clone(),
        })
    }
}

impl Engine {
    /// Applies `op` to `ids` (forwards of `user`). No call when `ids` is empty.
    pub(crate) async fn batch(
        &self,
        user: UserId,
        ids: &[ForwardId],
        op: BatchOp,
        action: Msg,
    ) -> Result<BatchOutcome, ProvisionError> {
        if ids.is_empty() {
            return Ok(BatchOutcome::default());
        }
        let result = match op {
            BatchOp::Pause => self.api.pause_forwards(ids).await,
            BatchOp::Resume => self.api.resume_forwards(ids).await,
            BatchOp::Delete => self.api.delete_forwards(ids).await,
        }
        .during(action)?;
        if result.fail_count == 0 {
            return Ok(BatchOutcome {
                done: ids.to_vec(),
                ..BatchOutcome::default()
            });
        }
        if !result.failures.is_empty() {
            // A forward that is gone is as paused, resumed or deleted as it gets.
            let refusals: Vec<&BatchFailure> = result
                .failures
                .iter()
                .filter(|f| f.reason != FORWARD_NOT_FOUND)
                .collect();
            let done: Vec<ForwardId> = ids
                .iter()
                .copied()
                .filter(|id| refusals.iter().all(|f| f.id != *id))
                .collect();
            return Ok(BatchOutcome {
                failed: (ids.len() - done.len()) as u64,
                done,
                reason: refusals.first().map(|f| f.reason.clone()),
            });
        }
        let now = self.forwards_of(user, action).await?;
        let reached = |id: &ForwardId| match now.iter().find(|f| f.id == *id) {
            None => true,
            Some(f) => match op {
                BatchOp::Pause => !f.is_running(),
                BatchOp::Resume => f.is_running(),
                BatchOp::Delete => false,
            },
        };
        let done: Vec<ForwardId> = ids.iter().copied().filter(reached).collect();
        let failed = (ids.len() - done.len()) as u64;
        Ok(BatchOutcome {
            done,
            failed,
            reason: None,
        })
    }
}
