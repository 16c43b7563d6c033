//! Pausing, resuming and deleting forwards in one call, with an honest account of what
//! happened when some items fail (nodes offline): the panel only returns counts, so the
//! forwards are listed again to learn which ids reached the wanted state.

use super::Engine;
use crate::error::{PanelContext, ProvisionError};
use crate::messages::Msg;
use flvx_api::ids::{ForwardId, UserId};

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
}

impl BatchOutcome {
    /// The error to report when anything failed.
    pub(crate) fn error(&self, op: BatchOp) -> Option<ProvisionError> {
        (self.failed > 0).then(|| ProvisionError::ForwardsFailed {
            failed: self.failed,
            verb: op.verb(),
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
                failed: 0,
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
        Ok(BatchOutcome { done, failed })
    }
}
