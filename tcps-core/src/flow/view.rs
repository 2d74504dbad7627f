//! Views and reports (flow.md 13).

use serde::{Deserialize, Serialize};

use super::deps::DependencyView;
use super::sla::{SlaView, sla_view_of};
use super::types::{Bucket, PerBucket, SlaOutcome, Status, WaitingReason};
use super::wip::{WipStatus, admit};
use super::work_order::WorkOrder;
use crate::error::{Error, Result};
use crate::id::WorkOrderId;
use crate::line::Line;
use crate::receipt::Receipt;
use crate::time::{DAY_MS, Timestamp, format_date, parse_date};
use crate::value::Value;

/// An entry of a bucket queue (flow.md 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueEntry {
    /// The work order.
    pub id: WorkOrderId,
    /// Its priority.
    pub priority: u8,
    /// `queued` or `blocked`.
    pub status: Status,
}

/// Why an open work order waits (flow.md 13.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    /// The reason.
    pub reason: WaitingReason,
    /// For `dependencies`: the unfinished dependencies, ascending.
    pub unfinished: Vec<WorkOrderId>,
}

/// Everything about one work order (flow.md 13.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrderView {
    /// The record.
    pub work_order: WorkOrder,
    /// Time from creation to completion, cancellation or now.
    pub age_ms: i64,
    /// Its SLA standing.
    pub sla: SlaView,
    /// Its dependency edges.
    pub dependencies: DependencyView,
    /// 1-based position in its queue; null when not queued or blocked.
    pub queue_position: Option<u32>,
    /// Why it waits; null unless queued or blocked.
    pub waiting: Option<Waiting>,
    /// Sequence numbers of the receipts that name it, ascending.
    pub receipts: Vec<u64>,
}

/// Which work orders [`Line::work_orders`] lists; `None` matches all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkOrderFilter {
    /// Only this status.
    pub status: Option<Status>,
    /// Only this bucket.
    pub bucket: Option<Bucket>,
}

/// The calendar range of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD`, inclusive.
    pub to: String,
    /// `to - from + 1`.
    pub days: i64,
}

/// Work orders per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    /// Queued.
    pub queued: u64,
    /// Blocked.
    pub blocked: u64,
    /// In progress.
    pub in_progress: u64,
    /// Completed.
    pub completed: u64,
    /// Cancelled.
    pub cancelled: u64,
}

impl StatusCounts {
    fn add(&mut self, s: Status) {
        match s {
            Status::Queued => self.queued += 1,
            Status::Blocked => self.blocked += 1,
            Status::InProgress => self.in_progress += 1,
            Status::Completed => self.completed += 1,
            Status::Cancelled => self.cancelled += 1,
        }
    }
}

/// Work orders created in the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedCounts {
    /// All of them.
    pub total: u64,
    /// Per bucket.
    pub by_bucket: PerBucket<u64>,
    /// Per status as of now.
    pub by_status: StatusCounts,
}

/// Lead times of the work orders completed in the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadTime {
    /// How many.
    pub count: u64,
    /// Median, nearest rank.
    pub p50_ms: Option<i64>,
    /// 85th percentile, nearest rank.
    pub p85_ms: Option<i64>,
    /// 95th percentile, nearest rank.
    pub p95_ms: Option<i64>,
    /// Integer mean.
    pub mean_ms: Option<i64>,
}

/// Completions per day.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    /// Completed in the range.
    pub completed: u64,
    /// Days in the range.
    pub days: i64,
    /// `completed / days`.
    pub per_day: f64,
}

/// SLA outcomes of the work orders completed in the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaAttainment {
    /// Met.
    pub met: u64,
    /// Missed.
    pub missed: u64,
    /// `met * 10000 / (met + missed)`; null without outcomes.
    pub attainment_bp: Option<u32>,
}

/// An open work order in `top_open`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopOpen {
    /// The work order.
    pub id: WorkOrderId,
    /// Its bucket.
    pub bucket: Bucket,
    /// Its priority.
    pub priority: u8,
    /// Its status.
    pub status: Status,
    /// When it was created.
    pub created_at: Timestamp,
}

/// The flow report (flow.md 13.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowReport {
    /// The range.
    pub period: Period,
    /// Work orders created in the range.
    pub created: CreatedCounts,
    /// Completed in the range.
    pub completed: u64,
    /// Cancelled in the range.
    pub cancelled: u64,
    /// Lead times of those completed in the range.
    pub lead_time: LeadTime,
    /// Completions per day.
    pub throughput: Throughput,
    /// SLA outcomes of those completed in the range.
    pub sla_attainment: SlaAttainment,
    /// Up to ten open work orders by priority, creation, id.
    pub top_open: Vec<TopOpen>,
    /// The WIP ledger now.
    pub wip_now: WipStatus,
    /// Queued plus blocked entries per bucket.
    pub queue_depth: PerBucket<u64>,
}

/// The metrics subset of the report (flow.md 13.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowMetrics {
    /// Lead times of those completed in the range.
    pub lead_time: LeadTime,
    /// Completions per day.
    pub throughput: Throughput,
    /// SLA outcomes of those completed in the range.
    pub sla_attainment: SlaAttainment,
    /// The WIP ledger now.
    pub wip_now: WipStatus,
    /// Queued plus blocked entries per bucket.
    pub queue_depth: PerBucket<u64>,
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[i64], p: usize) -> Option<i64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (p * n).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

fn holds_text(v: &Value, text: &str) -> bool {
    match v {
        Value::String(s) => s == text,
        Value::Array(items) => items.iter().any(|i| holds_text(i, text)),
        Value::Object(map) => map.values().any(|i| holds_text(i, text)),
        _ => false,
    }
}

impl Line {
    /// The work orders that pass `filter`, ascending id (flow.md 13.3).
    #[must_use]
    pub fn work_orders(&self, filter: &WorkOrderFilter) -> Vec<&WorkOrder> {
        self.flow
            .work_orders
            .iter()
            .map(|w| &**w)
            .filter(|w| filter.status.is_none_or(|s| w.status == s))
            .filter(|w| filter.bucket.is_none_or(|b| w.bucket == b))
            .collect()
    }

    /// Everything about one work order at `now` (flow.md 13.1).
    pub fn status(&self, wo: WorkOrderId, now: Timestamp) -> Result<WorkOrderView> {
        let w = self.work_order(wo)?;
        let end = w.completed_at.or(w.cancelled_at).unwrap_or(now);
        let queue_position = match w.status {
            Status::Queued | Status::Blocked => self.flow.queues[w.bucket].position(w.queue_key),
            _ => None,
        };
        let waiting = match w.status {
            Status::Queued => {
                let reason = if !crate::andon::stopping_for_start(self, wo).is_empty() {
                    WaitingReason::LineStopped
                } else if admit(&self.config.flow, &self.flow, w.bucket, w.priority).is_err() {
                    WaitingReason::WipLimit
                } else {
                    WaitingReason::Ready
                };
                Some(Waiting {
                    reason,
                    unfinished: Vec::new(),
                })
            }
            Status::Blocked => Some(Waiting {
                reason: WaitingReason::Dependencies,
                unfinished: self.flow.unfinished_deps(wo),
            }),
            _ => None,
        };
        let id = wo.to_string();
        let mut receipts = Vec::new();
        let mut visit = |r: &Receipt| {
            if r.subject == id || holds_text(&r.body, &id) {
                receipts.push(r.seq);
            }
        };
        if let Some(kept) = self.log.kept() {
            kept.iter().for_each(&mut visit);
        } else if let Some(sink) = &self.sink {
            let mut owned = |r: Receipt| {
                visit(&r);
                Ok(())
            };
            if let Some(result) = sink.read_back(0, self.log.len(), &mut owned) {
                result?;
            }
        }
        Ok(WorkOrderView {
            work_order: w.clone(),
            age_ms: end - w.created_at,
            sla: sla_view_of(w, now),
            dependencies: self.dependencies(wo)?,
            queue_position,
            waiting,
            receipts,
        })
    }

    /// The flow report over whole UTC days `from..=to` (`YYYY-MM-DD`)
    /// at `now` (flow.md 13.2).
    pub fn report(&self, from: &str, to: &str, now: Timestamp) -> Result<FlowReport> {
        let (start, end, period) = range(from, to)?;
        let briefs = &self.flow.briefs;
        let first = briefs.partition_point(|b| b.created_at < start);
        let last = briefs.partition_point(|b| b.created_at < end);
        let mut created = CreatedCounts {
            total: 0,
            by_bucket: PerBucket::default(),
            by_status: StatusCounts::default(),
        };
        for b in briefs.get(first..last).unwrap_or_default() {
            created.total += 1;
            created.by_bucket[b.bucket] += 1;
            created.by_status.add(b.status);
        }
        let times = &self.flow.cancellations;
        let cancelled =
            (times.partition_point(|t| *t < end) - times.partition_point(|t| *t < start)) as u64;
        let m = self.metrics_in(start, end, period.days);

        let mut top: Vec<(std::cmp::Reverse<u8>, i64, WorkOrderId, Bucket, Status)> =
            Vec::with_capacity(11);
        for (i, b) in briefs.iter().enumerate() {
            if !b.status.is_open() {
                continue;
            }
            let entry = (
                std::cmp::Reverse(b.priority),
                b.created_at,
                WorkOrderId(i as u64 + 1),
                b.bucket,
                b.status,
            );
            let rank =
                |t: &(std::cmp::Reverse<u8>, i64, WorkOrderId, Bucket, Status)| (t.0, t.1, t.2);
            if top.len() == 10 && top.last().is_some_and(|l| rank(l) <= rank(&entry)) {
                continue;
            }
            let at = top.partition_point(|t| rank(t) < rank(&entry));
            top.insert(at, entry);
            top.truncate(10);
        }
        let _ = now;
        Ok(FlowReport {
            period,
            created,
            completed: m.throughput.completed,
            cancelled,
            lead_time: m.lead_time,
            throughput: m.throughput,
            sla_attainment: m.sla_attainment,
            top_open: top
                .iter()
                .map(|(priority, created_at, id, bucket, status)| TopOpen {
                    id: *id,
                    bucket: *bucket,
                    priority: priority.0,
                    status: *status,
                    created_at: *created_at,
                })
                .collect(),
            wip_now: m.wip_now,
            queue_depth: m.queue_depth,
        })
    }

    /// The metrics subset of [`Line::report`] (flow.md 13.2).
    pub fn metrics(&self, from: &str, to: &str, now: Timestamp) -> Result<FlowMetrics> {
        let (start, end, period) = range(from, to)?;
        let _ = now;
        Ok(self.metrics_in(start, end, period.days))
    }

    fn metrics_in(&self, start: Timestamp, end: Timestamp, days: i64) -> FlowMetrics {
        let done = &self.flow.completions;
        let first = done.partition_point(|c| c.at < start);
        let last = done.partition_point(|c| c.at < end);
        let in_range = done.get(first..last).unwrap_or_default();
        let mut leads: Vec<i64> = in_range.iter().map(|c| c.lead_time_ms).collect();
        let met = in_range
            .iter()
            .filter(|c| c.outcome == Some(SlaOutcome::Met))
            .count() as u64;
        let missed = in_range
            .iter()
            .filter(|c| c.outcome == Some(SlaOutcome::Missed))
            .count() as u64;
        leads.sort_unstable();
        let count = leads.len() as u64;
        let sum: i128 = leads.iter().map(|l| i128::from(*l)).sum();
        let mean_ms = (count > 0).then(|| (sum / i128::from(count)) as i64);
        FlowMetrics {
            lead_time: LeadTime {
                count,
                p50_ms: percentile(&leads, 50),
                p85_ms: percentile(&leads, 85),
                p95_ms: percentile(&leads, 95),
                mean_ms,
            },
            throughput: Throughput {
                completed: count,
                days,
                per_day: count as f64 / days as f64,
            },
            sla_attainment: SlaAttainment {
                met,
                missed,
                attainment_bp: (met + missed > 0).then(|| (met * 10_000 / (met + missed)) as u32),
            },
            wip_now: self.wip_status(),
            queue_depth: self.flow.queues.map(|_, q| q.len() as u64),
        }
    }
}

/// The instants `[start, end)` of whole UTC days `from..=to`.
fn range(from: &str, to: &str) -> Result<(Timestamp, Timestamp, Period)> {
    let (first, last) = (parse_date(from)?, parse_date(to)?);
    if first > last {
        return Err(Error::InvalidRange {
            from: from.to_owned(),
            to: to.to_owned(),
        });
    }
    let period = Period {
        from: format_date(first),
        to: format_date(last),
        days: last - first + 1,
    };
    Ok((first * DAY_MS, (last + 1) * DAY_MS, period))
}
