//! SLA deadlines, warnings and breaches (flow.md 12).
//!
//! Deadlines of open work orders are indexed by SLA length, so a breach
//! or warning scan reads only the entries it reports.

use serde::{Deserialize, Serialize};

use super::types::{Bucket, SlaStatus, Status};
use super::work_order::WorkOrder;
use crate::error::Result;
use crate::id::{AndonId, WorkOrderId};
use crate::line::Line;
use crate::time::Timestamp;

/// A work order's standing against its SLA at a time (flow.md 13.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaView {
    /// The SLA status.
    pub status: SlaStatus,
    /// The deadline, if any.
    pub deadline: Option<Timestamp>,
    /// `deadline - t` while `t < deadline`.
    pub remaining_ms: Option<i64>,
    /// `t - deadline` once `t >= deadline`.
    pub overdue_ms: Option<i64>,
}

/// An open work order at or past its deadline (flow.md 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaBreach {
    /// The work order.
    pub work_order: WorkOrderId,
    /// Its bucket.
    pub bucket: Bucket,
    /// Its status.
    pub status: Status,
    /// Its deadline.
    pub deadline: Timestamp,
    /// `now - deadline`.
    pub overdue_ms: i64,
}

/// An open work order with less than a quarter of its SLA left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaWarning {
    /// The work order.
    pub work_order: WorkOrderId,
    /// Its bucket.
    pub bucket: Bucket,
    /// Its status.
    pub status: Status,
    /// Its deadline.
    pub deadline: Timestamp,
    /// `deadline - now`.
    pub remaining_ms: i64,
}

/// The SLA status of a work order at `now` (flow.md 12, first match).
#[must_use]
pub fn sla_status_of(w: &WorkOrder, now: Timestamp) -> SlaStatus {
    let (Some(deadline), Some(sla_ms)) = (w.sla_deadline, w.sla_ms) else {
        return SlaStatus::NoSla;
    };
    match w.status {
        Status::Cancelled => SlaStatus::NotApplicable,
        Status::Completed if w.completed_at.is_some_and(|t| t < deadline) => SlaStatus::Met,
        Status::Completed => SlaStatus::Missed,
        _ if now >= deadline => SlaStatus::Breached,
        _ if 4 * i128::from(deadline - now) < i128::from(sla_ms) => SlaStatus::Warning,
        _ => SlaStatus::OnTime,
    }
}

/// The SLA view of a work order at `now`.
#[must_use]
pub fn sla_view_of(w: &WorkOrder, now: Timestamp) -> SlaView {
    let status = sla_status_of(w, now);
    let (remaining_ms, overdue_ms) = match (status, w.sla_deadline) {
        (SlaStatus::NoSla | SlaStatus::NotApplicable, _) | (_, None) => (None, None),
        (_, Some(d)) => {
            let t = w.completed_at.unwrap_or(now);
            if t < d {
                (Some(d - t), None)
            } else {
                (None, Some(t - d))
            }
        }
    };
    SlaView {
        status,
        deadline: w.sla_deadline,
        remaining_ms,
        overdue_ms,
    }
}

const ALL_IDS: (WorkOrderId, WorkOrderId) = (WorkOrderId(0), WorkOrderId(u64::MAX));

impl Line {
    /// A work order's SLA standing at `now`.
    pub fn sla_status(&self, wo: WorkOrderId, now: Timestamp) -> Result<SlaView> {
        Ok(sla_view_of(self.work_order(wo)?, now))
    }

    /// Every open work order at or past its deadline, by deadline, then
    /// id (flow.md 12).
    #[must_use]
    pub fn sla_breaches(&self, now: Timestamp) -> Vec<SlaBreach> {
        let mut out = Vec::new();
        for set in self.flow.sla.by_length.values() {
            for (deadline, id) in set.range(..=(now, ALL_IDS.1)) {
                if let Some(w) = self.flow.wo(*id) {
                    out.push(SlaBreach {
                        work_order: *id,
                        bucket: w.bucket,
                        status: w.status,
                        deadline: *deadline,
                        overdue_ms: now - deadline,
                    });
                }
            }
        }
        out.sort_unstable_by_key(|b| (b.deadline, b.work_order));
        out
    }

    /// Every open work order in `warning`, optionally only those due
    /// within `within_ms`, by deadline, then id (flow.md 12).
    #[must_use]
    pub fn sla_warnings(&self, now: Timestamp, within_ms: Option<i64>) -> Vec<SlaWarning> {
        let mut out = Vec::new();
        let Some(first) = now.checked_add(1) else {
            return out;
        };
        for (sla_ms, set) in &self.flow.sla.by_length {
            // 4 * (d - now) < sla_ms  <=>  d - now <= (sla_ms - 1) / 4
            let mut last = now.saturating_add((sla_ms - 1).div_euclid(4));
            if let Some(within) = within_ms {
                last = last.min(now.saturating_add(within));
            }
            if last < first {
                continue;
            }
            for (deadline, id) in set.range((first, ALL_IDS.0)..=(last, ALL_IDS.1)) {
                if let Some(w) = self.flow.wo(*id) {
                    out.push(SlaWarning {
                        work_order: *id,
                        bucket: w.bucket,
                        status: w.status,
                        deadline: *deadline,
                        remaining_ms: deadline - now,
                    });
                }
            }
        }
        out.sort_unstable_by_key(|w| (w.deadline, w.work_order));
        out
    }
}

/// Open work orders due at `now` that have no `sla_andon` yet, as
/// `(work order, deadline)`, by deadline, then id: what the SLA sweep of
/// andon.md 5.3 raises andons for.
pub(crate) fn unswept_due(line: &Line, now: Timestamp) -> Vec<(WorkOrderId, Timestamp)> {
    line.flow
        .sla
        .unswept
        .range(..=(now, ALL_IDS.1))
        .map(|(d, id)| (*id, *d))
        .collect()
}

/// Records the andon the SLA sweep raised or repeated for `wo`
/// (andon.md 5.3); applied from the andon receipt.
pub(crate) fn set_sla_andon(line: &mut Line, wo: WorkOrderId, andon: AndonId) {
    let Some(w) = line.flow.wo_mut(wo) else {
        return;
    };
    w.sla_andon = Some(andon);
    if let Some(d) = w.sla_deadline {
        line.flow.sla.unswept.remove(&(d, wo));
    }
}
