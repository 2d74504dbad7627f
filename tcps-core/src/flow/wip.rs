//! The WIP ledger and the expedite lane (flow.md 9).

use serde::{Deserialize, Serialize};

use super::config::FlowConfig;
use super::state::FlowState;
use super::types::{Bucket, PerBucket, WipMode};
use crate::error::{Error, Result};
use crate::line::Line;

/// One bucket in [`WipStatus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketWip {
    /// Work orders in progress.
    pub current: u32,
    /// The WIP mode.
    pub mode: WipMode,
    /// The limit; null when unlimited.
    pub limit: Option<u32>,
    /// `max(0, limit - current)`; null when unlimited.
    pub available: Option<u32>,
}

/// The WIP ledger at a glance (flow.md 9.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WipStatus {
    /// Per bucket, canonical order.
    #[serde(flatten)]
    pub buckets: PerBucket<BucketWip>,
    /// Expedite slots of the line.
    pub expedite_limit: u32,
    /// Expedite slots taken.
    pub expedite_in_use: u32,
    /// Every work order in progress.
    pub total: u32,
}

/// How the WIP rule admits a start (flow.md 9.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Admission {
    /// The bucket's WIP before the start.
    pub wip_before: u32,
    /// A soft limit was reached.
    pub soft_breach: bool,
    /// The start takes an expedite slot.
    pub expedited: bool,
}

/// The WIP rule of flow.md 9.1 for a work order of `priority` in
/// `bucket`; `wip_limit` when the hard limit refuses it.
pub(crate) fn admit(
    config: &FlowConfig,
    state: &FlowState,
    bucket: Bucket,
    priority: u8,
) -> Result<Admission> {
    let c = state.wip[bucket];
    let settings = config.bucket(bucket);
    let mut a = Admission {
        wip_before: c,
        soft_breach: false,
        expedited: false,
    };
    let limit = settings.wip_limit.unwrap_or(u32::MAX);
    match settings.wip_mode {
        WipMode::Unlimited => {}
        WipMode::Soft => a.soft_breach = c >= limit,
        WipMode::Hard if c < limit => {}
        WipMode::Hard if priority == 10 && state.expedite_in_use < config.expedite_limit => {
            a.expedited = true;
        }
        WipMode::Hard => {
            return Err(Error::WipLimit {
                bucket: bucket.to_string(),
                current: c,
                limit,
            });
        }
    }
    Ok(a)
}

impl Line {
    /// The WIP ledger (flow.md 9.2).
    #[must_use]
    pub fn wip_status(&self) -> WipStatus {
        let flow = &self.flow;
        let buckets = PerBucket::from_fn(|b| {
            let settings = self.config.flow.bucket(b);
            let current = flow.wip[b];
            let limit = match settings.wip_mode {
                WipMode::Unlimited => None,
                _ => settings.wip_limit,
            };
            BucketWip {
                current,
                mode: settings.wip_mode,
                limit,
                available: limit.map(|l| l.saturating_sub(current)),
            }
        });
        WipStatus {
            buckets,
            expedite_limit: self.config.flow.expedite_limit,
            expedite_in_use: flow.expedite_in_use,
            total: flow.wip.iter().map(|(_, n)| *n).sum(),
        }
    }
}
