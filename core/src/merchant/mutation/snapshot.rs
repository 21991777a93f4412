//! Snapshot and restore: a plan — its idempotency key, its request body,
//! the calls it made — survives a restarted backend.

use serde::{Deserialize, Serialize};

use super::initiate::{InitiatePlan, InitiateState};
use super::key::IdempotencyKey;
use super::plan::{MutationPlan, PlanState};
use super::policy::PolicyError;

/// The version of the plan snapshots this crate writes and reads.
pub const PLAN_SNAPSHOT_VERSION: u32 = 1;

/// Why a plan snapshot cannot be restored.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanSnapshotError {
    /// The snapshot's `version` is not one this crate reads.
    #[error("plan snapshot field `version` is {found}; this build reads version {supported}")]
    UnsupportedVersion {
        /// The version in the snapshot.
        found: u32,
        /// The version this crate reads.
        supported: u32,
    },
    /// The policy inside the snapshot is not valid.
    #[error("plan snapshot field `plan.pacer.policy`: {0}")]
    Policy(#[from] PolicyError),
}

fn check_version(found: u32) -> Result<(), PlanSnapshotError> {
    if found == PLAN_SNAPSHOT_VERSION {
        Ok(())
    } else {
        Err(PlanSnapshotError::UnsupportedVersion {
            found,
            supported: PLAN_SNAPSHOT_VERSION,
        })
    }
}

/// What a [`MutationPlan`] knows, as a serde value (camelCase JSON): the
/// operation, the order, the `X-Request-Id`, the exact request body, the
/// facts, the calls made (for the rate limits), the backoff and its
/// generator. Store it with the order; [`MutationPlan::restore`] carries on
/// with the same key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MutationSnapshot {
    version: u32,
    plan: PlanState,
}

impl MutationSnapshot {
    /// The snapshot's format version.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The key every try of the operation carries.
    pub fn idempotency_key(&self) -> &IdempotencyKey {
        self.plan.idempotency_key()
    }
}

impl MutationPlan {
    /// What the plan knows, to carry on after a restart — or `None` once
    /// it is over (done, refused, failed): its result is what to keep then.
    /// A plan that [gave up](super::MutationFailure::GaveUp) snapshots as
    /// [resumed](Self::resume): restoring it checks the details first.
    pub fn snapshot(&self) -> Option<MutationSnapshot> {
        let plan = match self.result() {
            None => self.state().clone(),
            Some(_) if self.is_gave_up() => self.state().resumed(),
            Some(_) => return None,
        };
        Some(MutationSnapshot {
            version: PLAN_SNAPSHOT_VERSION,
            plan,
        })
    }

    /// A plan that carries on from `snapshot`. A request that was in flight
    /// never gets its answer: if it was the operation, its outcome is
    /// unknown, so the restored plan checks the details first and sends
    /// again only with the same key and body.
    pub fn restore(snapshot: MutationSnapshot) -> Result<MutationPlan, PlanSnapshotError> {
        check_version(snapshot.version)?;
        Ok(MutationPlan::from_state(snapshot.plan)?)
    }
}

/// What an [`InitiatePlan`] knows, as a serde value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitiateSnapshot {
    version: u32,
    plan: InitiateState,
}

impl InitiateSnapshot {
    /// The snapshot's format version.
    pub fn version(&self) -> u32 {
        self.version
    }

    /// The `orderId` being initiated.
    pub fn order_id(&self) -> &str {
        self.plan.order_id()
    }
}

impl InitiatePlan {
    /// What the plan knows, to carry on after a restart, or `None` once it
    /// is over.
    pub fn snapshot(&self) -> Option<InitiateSnapshot> {
        self.state().map(|plan| InitiateSnapshot {
            version: PLAN_SNAPSHOT_VERSION,
            plan: plan.clone(),
        })
    }

    /// A plan that carries on from `snapshot`. An initiate that was in
    /// flight has an unknown outcome: the restored plan checks whether the
    /// order exists and then asks for a new `orderId` — never the same
    /// request again.
    pub fn restore(snapshot: InitiateSnapshot) -> Result<InitiatePlan, PlanSnapshotError> {
        check_version(snapshot.version)?;
        Ok(InitiatePlan::from_state(snapshot.plan)?)
    }
}
