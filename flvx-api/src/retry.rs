//! Opt-in retries. The panel has no idempotency keys, so only endpoints whose table entry
//! says `idempotent` are ever repeated, and only after a retryable failure.

use std::time::Duration;

/// How often and how patiently to repeat a failed idempotent call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts, the first included (1 disables retries).
    pub max_attempts: u32,
    /// Delay before the second attempt; doubles after each failure.
    pub base_delay: Duration,
    /// Cap on any single delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The delay before attempt `attempt` (2 for the first retry), with jitter of up to a
    /// quarter taken off so that many clients do not retry in step.
    pub(crate) fn delay_before(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(2).min(16));
        let capped = exp.min(self.max_delay);
        capped.saturating_sub(capped.mul_f64(jitter_fraction() * 0.25))
    }
}

/// A cheap pseudo-random fraction in [0, 1) from the clock; good enough for jitter.
fn jitter_fraction() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1000) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stay_capped() {
        let p = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(350),
        };
        let second = p.delay_before(2);
        assert!(second <= Duration::from_millis(100) && second >= Duration::from_millis(75));
        let third = p.delay_before(3);
        assert!(third <= Duration::from_millis(200) && third >= Duration::from_millis(150));
        assert!(p.delay_before(9) <= Duration::from_millis(350));
    }
}
