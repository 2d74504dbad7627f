//! Intake (flow.md 6), the work-order operations (flow.md 7) and the
//! queue operations (flow.md 10).

use serde::{Deserialize, Serialize};

use super::leveling::Decision;
use super::receipts::{opt, opt_i64, string_map, strs, texts};
use super::routing::route;
use super::signal::{Signal, dedup_keys};
use super::state::key_hash;
use super::types::{
    Bucket, CompletionTrigger, Severity, SignalKind, SignalState, SkuStatus, SlaOutcome, Status,
    WipMode, WoStage, is_non_empty_text,
};
use super::view::QueueEntry;
use super::wip::admit;
use super::work_order::WorkOrder;
use crate::error::{Error, Result};
use crate::id::{AndonId, SkuId, WorkOrderId};
use crate::line::Line;
use crate::receipt::Draft;
use crate::time::Timestamp;

/// The answer of `intake` (flow.md 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intake {
    /// The new work order, or the open one the signal was merged into.
    pub work_order: WorkOrderId,
    /// Whether the signal was merged into an open work order.
    pub duplicate: bool,
}

/// The error of a refusal by stopping andons.
pub(crate) fn line_stopped(andons: &[AndonId]) -> Error {
    let mut ids = andons.to_vec();
    ids.sort_unstable();
    ids.dedup();
    Error::LineStopped {
        andons: ids.iter().map(ToString::to_string).collect(),
    }
}

impl Line {
    /// The work order with this id (flow.md 13.3).
    pub fn work_order(&self, id: WorkOrderId) -> Result<&WorkOrder> {
        self.flow
            .wo(id)
            .ok_or_else(|| Error::not_found("work_order", id))
    }

    /// Takes in a pull signal (flow.md 6): a new work order, or one more
    /// demand on the open work order it duplicates.
    pub fn intake(&mut self, signal: &Signal, now: Timestamp) -> Result<Intake> {
        self.check_now(now)?;
        let (draft, intake) = self.plan_intake(signal, now)?;
        self.commit(now, vec![draft])?;
        Ok(intake)
    }

    fn plan_intake(&self, signal: &Signal, now: Timestamp) -> Result<(Draft, Intake)> {
        if !is_non_empty_text(&signal.source) {
            return Err(Error::MissingField {
                field: "source".into(),
            });
        }
        if !is_non_empty_text(&signal.description) {
            return Err(Error::MissingField {
                field: "description".into(),
            });
        }
        if signal.score_tenths.is_some_and(|s| s > 100) {
            return Err(Error::InvalidField {
                field: "score_tenths".into(),
                reason: "above 100".into(),
            });
        }
        let rejected = match signal.kind {
            SignalKind::Cve if signal.withdrawn_at.is_some() => Some("advisory_withdrawn"),
            SignalKind::GithubIssue if signal.state == SignalState::Closed => Some("issue_closed"),
            SignalKind::GithubPr if signal.state == SignalState::Closed => {
                Some("pull_request_closed")
            }
            _ => None,
        };
        if let Some(reason) = rejected {
            return Err(Error::SignalRejected {
                reason: reason.into(),
                signal_source: signal.source.clone(),
            });
        }
        let route = route(&self.config.flow, signal)?;
        let keys = dedup_keys(signal);

        if let Some((id, matched)) = self.find_duplicate(&keys) {
            let demand_count = self
                .flow
                .wo(id)
                .map_or(1, |w| w.demand_count.saturating_add(1));
            let body = crate::obj! {
                "work_order" => id.to_string(),
                "kind" => signal.kind.as_str(),
                "source" => signal.source.as_str(),
                "keys" => strs(&keys),
                "matched_key" => matched,
                "demand_count" => demand_count,
            };
            let intake = Intake {
                work_order: id,
                duplicate: true,
            };
            return Ok((Draft::new("demand.received", id, body), intake));
        }

        let id = self.flow.next_wo_id();
        let severity = match signal.kind {
            SignalKind::Cve => Some(signal.severity.unwrap_or(Severity::Unknown)),
            _ => signal.severity,
        };
        let sla_ms = self.config.flow.bucket(route.bucket).sla_ms();
        let (_, position) = self.flow.queues[route.bucket].slot(id, route.priority);
        let body = crate::obj! {
            "work_order" => id.to_string(),
            "kind" => signal.kind.as_str(),
            "source" => signal.source.as_str(),
            "description" => signal.description.as_str(),
            "labels" => strs(&signal.labels),
            "aliases" => strs(&signal.aliases),
            "metadata" => string_map(&signal.metadata),
            "severity" => opt(severity.map(Severity::as_str)),
            "score_tenths" => opt(signal.score_tenths.map(i64::from)),
            "dedup_keys" => strs(&keys),
            "bucket" => route.bucket.as_str(),
            "bucket_rule" => route.bucket_rule,
            "priority" => i64::from(route.priority),
            "priority_rule" => route.priority_rule,
            "sla_ms" => opt_i64(sla_ms),
            "sla_deadline" => opt_i64(sla_ms.map(|ms| now.saturating_add(ms))),
            "queue_position" => position,
        };
        let intake = Intake {
            work_order: id,
            duplicate: false,
        };
        Ok((Draft::new("work_order.created", id, body), intake))
    }

    /// The open work order with the lowest id that holds one of `keys`,
    /// and the first of `keys` it holds.
    fn find_duplicate(&self, keys: &[String]) -> Option<(WorkOrderId, String)> {
        let mut best: Option<WorkOrderId> = None;
        for key in keys {
            for id in self.flow.dedup.candidates(key_hash(key)) {
                if best.is_some_and(|b| b <= id) {
                    break;
                }
                if self.flow.wo(id).is_some_and(|w| w.dedup_keys.contains(key)) {
                    best = Some(id);
                    break;
                }
            }
        }
        let id = best?;
        let held = &self.flow.wo(id)?.dedup_keys;
        let matched = keys.iter().find(|k| held.contains(k))?;
        Some((id, matched.clone()))
    }

    /// Starts a queued work order directly (flow.md 7.3).
    pub fn start(&mut self, wo: WorkOrderId, now: Timestamp) -> Result<()> {
        self.check_now(now)?;
        let draft = self.plan_start(wo, &Decision::direct())?;
        self.commit(now, vec![draft])
    }

    /// The checks and the receipt of a start (flow.md 7.3), shared by
    /// `start`, `dequeue` and `next`.
    pub(crate) fn plan_start(&self, id: WorkOrderId, decision: &Decision) -> Result<Draft> {
        let w = self.work_order(id)?;
        if w.status != Status::Queued {
            return Err(Error::transition(w.status, "start"));
        }
        let andons = crate::andon::stopping_for_start(self, id);
        if !andons.is_empty() {
            return Err(line_stopped(&andons));
        }
        let a = admit(&self.config.flow, &self.flow, w.bucket, w.priority)?;
        let settings = self.config.flow.bucket(w.bucket);
        let limit = match settings.wip_mode {
            WipMode::Unlimited => None,
            _ => settings.wip_limit,
        };
        let body = crate::obj! {
            "work_order" => id.to_string(),
            "bucket" => w.bucket.as_str(),
            "priority" => i64::from(w.priority),
            "wip_before" => a.wip_before,
            "wip_limit" => opt(limit),
            "wip_mode" => settings.wip_mode.as_str(),
            "soft_breach" => a.soft_breach,
            "expedited" => a.expedited,
            "expedite_in_use" => self.flow.expedite_in_use + u32::from(a.expedited),
            "decision" => decision.to_value(),
        };
        Ok(Draft::new("work_order.started", id, body))
    }

    /// Starts the first queued entry of a bucket's queue (flow.md 10.1);
    /// `None` when it has none, appending nothing.
    pub fn dequeue(&mut self, bucket: Bucket, now: Timestamp) -> Result<Option<WorkOrderId>> {
        self.check_now(now)?;
        let Some(id) = self.flow.queues[bucket].head() else {
            return Ok(None);
        };
        let draft = self.plan_start(id, &Decision::dequeue(bucket))?;
        self.commit(now, vec![draft])?;
        Ok(Some(id))
    }

    /// Records progress of an in-progress work order (flow.md 7.4).
    pub fn progress(&mut self, wo: WorkOrderId, stage: &str, now: Timestamp) -> Result<()> {
        self.check_now(now)?;
        let w = self.work_order(wo)?;
        let stage: WoStage = stage.parse()?;
        if w.status != Status::InProgress {
            return Err(Error::transition(w.status, "progress"));
        }
        let body = crate::obj! {
            "work_order" => wo.to_string(),
            "stage" => stage.as_str(),
            "previous" => opt(w.current_stage.map(WoStage::as_str)),
        };
        self.commit(now, vec![Draft::new("work_order.progressed", wo, body)])
    }

    /// Completes an in-progress work order with a released or published
    /// SKU of its own (flow.md 7.5).
    pub fn complete(&mut self, wo: WorkOrderId, sku: SkuId, now: Timestamp) -> Result<()> {
        self.check_now(now)?;
        let w = self.work_order(wo)?;
        let s = self.sku(sku)?;
        if w.status != Status::InProgress {
            return Err(Error::transition(w.status, "complete"));
        }
        if s.work_order != wo {
            return Err(Error::SkuMismatch {
                sku: sku.to_string(),
                work_order: wo.to_string(),
            });
        }
        if !matches!(s.status, SkuStatus::Released | SkuStatus::Published) {
            return Err(Error::SkuNotReleased {
                sku: sku.to_string(),
                status: s.status.to_string(),
            });
        }
        let draft = self.plan_completion(wo, sku, CompletionTrigger::Complete, now)?;
        self.commit(now, vec![draft])
    }

    /// The `work_order.completed` receipt of an in-progress work order.
    pub(crate) fn plan_completion(
        &self,
        wo: WorkOrderId,
        sku: SkuId,
        trigger: CompletionTrigger,
        now: Timestamp,
    ) -> Result<Draft> {
        let w = self.work_order(wo)?;
        let outcome = w.sla_deadline.map(|d| {
            if now < d {
                SlaOutcome::Met
            } else {
                SlaOutcome::Missed
            }
        });
        let mut unblocked: Vec<WorkOrderId> = self
            .flow
            .deps
            .dependents(wo)
            .iter()
            .copied()
            .filter(|x| {
                self.flow
                    .wo(*x)
                    .is_some_and(|xw| xw.status == Status::Blocked)
                    && self
                        .flow
                        .deps
                        .depends_on(*x)
                        .iter()
                        .all(|d| *d == wo || !self.flow.is_unfinished(*d))
            })
            .collect();
        unblocked.sort_unstable();
        unblocked.dedup();
        let body = crate::obj! {
            "work_order" => wo.to_string(),
            "sku" => sku.to_string(),
            "trigger" => trigger.as_str(),
            "lead_time_ms" => now.saturating_sub(w.created_at),
            "sla_outcome" => opt(outcome.map(SlaOutcome::as_str)),
            "expedited" => w.expedited,
            "unblocked" => texts(&unblocked),
        };
        Ok(Draft::new("work_order.completed", wo, body))
    }

    /// Cancels an open work order, aborting its unfinished SKUs
    /// (flow.md 7.6).
    pub fn cancel(&mut self, wo: WorkOrderId, reason: &str, now: Timestamp) -> Result<()> {
        self.check_now(now)?;
        let w = self.work_order(wo)?;
        if !is_non_empty_text(reason) {
            return Err(Error::MissingField {
                field: "reason".into(),
            });
        }
        if !w.status.is_open() {
            return Err(Error::transition(w.status, "cancel"));
        }
        let mut still_blocked: Vec<WorkOrderId> = self
            .flow
            .deps
            .dependents(wo)
            .iter()
            .copied()
            .filter(|x| {
                self.flow
                    .wo(*x)
                    .is_some_and(|xw| xw.status == Status::Blocked)
            })
            .collect();
        still_blocked.sort_unstable();
        let body = crate::obj! {
            "work_order" => wo.to_string(),
            "from" => w.status.as_str(),
            "reason" => reason,
            "still_blocked" => texts(&still_blocked),
        };
        let mut drafts = vec![Draft::new("work_order.cancelled", wo, body)];
        let mut skus = w.skus.clone();
        skus.sort_unstable();
        for sku in skus {
            let Some(s) = self.flow.sku(sku) else {
                continue;
            };
            if matches!(s.status, SkuStatus::InProduction | SkuStatus::Released) {
                let body = crate::obj! {
                    "sku" => sku.to_string(),
                    "work_order" => wo.to_string(),
                    "from" => s.status.as_str(),
                    "reason" => "work order cancelled",
                };
                drafts.push(Draft::new("sku.aborted", sku, body));
            }
        }
        self.commit(now, drafts)
    }

    /// A bucket's queue in order (flow.md 10).
    #[must_use]
    pub fn queue(&self, bucket: Bucket) -> Vec<QueueEntry> {
        self.flow.queues[bucket]
            .iter()
            .filter_map(|(_, id)| {
                let w = self.flow.wo(id)?;
                Some(QueueEntry {
                    id,
                    priority: w.priority,
                    status: w.status,
                })
            })
            .collect()
    }

    /// Puts a bucket's queued entries in the given order, the blocked
    /// ones after them in their previous order (flow.md 10.2).
    pub fn reorder_queue(
        &mut self,
        bucket: Bucket,
        ids: &[WorkOrderId],
        now: Timestamp,
    ) -> Result<()> {
        self.check_now(now)?;
        let bad = |reason: &str| Error::InvalidQueueOrder {
            reason: reason.to_owned(),
        };
        if ids.iter().any(|id| self.flow.wo(*id).is_none()) {
            return Err(bad("unknown_id"));
        }
        let wo = |id: &WorkOrderId| self.flow.wo(*id);
        if ids
            .iter()
            .any(|id| wo(id).is_some_and(|w| w.bucket != bucket))
        {
            return Err(bad("wrong_bucket"));
        }
        if ids
            .iter()
            .any(|id| wo(id).is_some_and(|w| w.status != Status::Queued))
        {
            return Err(bad("not_queued"));
        }
        let mut seen = std::collections::BTreeSet::new();
        if !ids.iter().all(|id| seen.insert(*id)) {
            return Err(bad("duplicate"));
        }
        if seen.len() != self.flow.queues[bucket].queued_len() {
            return Err(bad("missing"));
        }
        let mut order: Vec<WorkOrderId> = ids.to_vec();
        order.extend(
            self.flow.queues[bucket]
                .iter()
                .map(|(_, id)| id)
                .filter(|id| wo(id).is_some_and(|w| w.status == Status::Blocked)),
        );
        let body = crate::obj! { "bucket" => bucket.as_str(), "order" => texts(&order) };
        self.commit(now, vec![Draft::new("queue.reordered", "line", body)])
    }
}
