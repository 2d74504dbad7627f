//! The gate ledger (quality.md 6.1): every attempt of every (SKU, gate),
//! rebuilt from `gate.evaluated` receipts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::metric::Outcome;
use crate::id::{AndonId, SkuId};
use crate::time::Timestamp;

/// One evaluation or skip of a gate for a SKU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateAttempt {
    /// 1-based attempt number of this (SKU, gate).
    pub attempt: u32,
    /// The outcome.
    pub outcome: Outcome,
    /// When it was recorded.
    pub at: Timestamp,
    /// Sequence number of its `gate.evaluated` receipt.
    pub seq: u64,
    /// The skip reason, for a skip.
    pub skipped: Option<String>,
    /// Whether a person started it (always for a skip).
    pub manual: bool,
    /// Metrics of the conditions that failed, in gate order.
    pub failed_conditions: Vec<String>,
    /// The andon raised or repeated by it.
    pub andon: Option<AndonId>,
}

/// The latest result of a gate for a SKU (quality.md 6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum GateStatus {
    /// No attempt yet.
    NotRun,
    /// The latest attempt `n` passed.
    Passed {
        /// Its attempt number.
        n: u32,
    },
    /// The latest attempt `n` warned (or was skipped).
    Warned {
        /// Its attempt number.
        n: u32,
    },
    /// The latest attempt `n` failed.
    Failed {
        /// Its attempt number.
        n: u32,
    },
}

impl GateStatus {
    /// The status a latest attempt gives.
    #[must_use]
    pub fn of(latest: Option<&GateAttempt>) -> Self {
        match latest {
            None => Self::NotRun,
            Some(a) => match a.outcome {
                Outcome::Pass => Self::Passed { n: a.attempt },
                Outcome::Warn => Self::Warned { n: a.attempt },
                Outcome::Fail => Self::Failed { n: a.attempt },
            },
        }
    }

    /// Whether the SKU may leave the stage on it: passed or warned.
    #[must_use]
    pub fn passed(self) -> bool {
        matches!(self, Self::Passed { .. } | Self::Warned { .. })
    }

    /// `not_run`, `passed`, `warned` or `failed`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotRun => "not_run",
            Self::Passed { .. } => "passed",
            Self::Warned { .. } => "warned",
            Self::Failed { .. } => "failed",
        }
    }
}

/// The quality part of a line's state: the gate ledger, and the
/// sequence number of the configuration receipt in force.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QualityState {
    attempts: BTreeMap<SkuId, BTreeMap<String, Vec<GateAttempt>>>,
    evaluations: u64,
    policy_seq: u64,
}

impl QualityState {
    /// Every attempt of `gate` for `sku`, in order.
    #[must_use]
    pub fn attempts(&self, sku: SkuId, gate: &str) -> &[GateAttempt] {
        self.attempts
            .get(&sku)
            .and_then(|gates| gates.get(gate))
            .map_or(&[], Vec::as_slice)
    }

    /// The latest attempt of `gate` for `sku`.
    #[must_use]
    pub fn latest(&self, sku: SkuId, gate: &str) -> Option<&GateAttempt> {
        self.attempts(sku, gate).last()
    }

    /// The status of `gate` for `sku`.
    #[must_use]
    pub fn status(&self, sku: SkuId, gate: &str) -> GateStatus {
        GateStatus::of(self.latest(sku, gate))
    }

    /// Whether attempt 1 passed, once it exists.
    #[must_use]
    pub fn first_pass(&self, sku: SkuId, gate: &str) -> Option<bool> {
        self.attempts(sku, gate).first().map(|a| a.outcome.passed())
    }

    /// Every gate with an attempt for `sku`, by name, with its attempts.
    pub fn gates_of(&self, sku: SkuId) -> impl Iterator<Item = (&str, &[GateAttempt])> {
        self.attempts
            .get(&sku)
            .into_iter()
            .flat_map(|gates| gates.iter().map(|(g, a)| (g.as_str(), a.as_slice())))
    }

    /// Every SKU with an attempt, ascending.
    pub fn skus(&self) -> impl Iterator<Item = SkuId> + '_ {
        self.attempts.keys().copied()
    }

    /// Number of evaluations and skips recorded.
    #[must_use]
    pub fn evaluations(&self) -> u64 {
        self.evaluations
    }

    /// Sequence number of the configuration receipt in force.
    #[must_use]
    pub fn policy_seq(&self) -> u64 {
        self.policy_seq
    }

    pub(crate) fn set_policy_seq(&mut self, seq: u64) {
        self.policy_seq = seq;
    }

    /// The attempt number the next evaluation of (`sku`, `gate`) gets.
    pub(crate) fn next_attempt(&self, sku: SkuId, gate: &str) -> u32 {
        (self.attempts(sku, gate).len() as u32).saturating_add(1)
    }

    pub(crate) fn record(&mut self, sku: SkuId, gate: &str, attempt: GateAttempt) {
        self.attempts
            .entry(sku)
            .or_default()
            .entry(gate.to_owned())
            .or_default()
            .push(attempt);
        self.evaluations += 1;
    }
}
