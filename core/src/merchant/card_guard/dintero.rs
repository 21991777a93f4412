//! What a Dintero transaction means for the guard: the guard reads the
//! provider's failures, the provider knows nothing of the guard.

use super::AttemptResult;
use crate::providers::dintero::{CardFailure, TransactionOutcome};

impl CardFailure {
    /// The same failure for the [card guard](super): `DO_NOT_RETRY` blocks
    /// the card at this agreement, any other failure counts towards the
    /// schemes' quotas.
    pub fn attempt_result(&self) -> AttemptResult {
        if self.do_not_retry {
            AttemptResult::DoNotRetry {
                code: self.code.clone(),
            }
        } else {
            AttemptResult::Failed
        }
    }
}

impl TransactionOutcome {
    /// The result for the [card guard](super), or `None` while pending.
    pub fn attempt_result(&self) -> Option<AttemptResult> {
        match self {
            TransactionOutcome::Succeeded => Some(AttemptResult::Succeeded),
            TransactionOutcome::Failed(f) => Some(f.attempt_result()),
            TransactionOutcome::Pending => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(do_not_retry: bool) -> CardFailure {
        CardFailure {
            error_type: "INSUFFICIENT_FUNDS".into(),
            code: "payex:errorCode:DO_NOT_RETRY".into(),
            do_not_retry,
            message: None,
            result_code: None,
        }
    }

    #[test]
    fn do_not_retry_blocks_and_other_failures_count() {
        assert!(matches!(
            failure(true).attempt_result(),
            AttemptResult::DoNotRetry { ref code } if code == "payex:errorCode:DO_NOT_RETRY"
        ));
        assert_eq!(failure(false).attempt_result(), AttemptResult::Failed);
        assert_eq!(
            TransactionOutcome::Failed(failure(false)).attempt_result(),
            Some(AttemptResult::Failed)
        );
        assert_eq!(
            TransactionOutcome::Succeeded.attempt_result(),
            Some(AttemptResult::Succeeded)
        );
        assert_eq!(TransactionOutcome::Pending.attempt_result(), None);
    }
}
