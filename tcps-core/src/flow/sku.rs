//! SKUs (flow.md 14): one build of a work order walking the stages.

use serde::{Deserialize, Serialize};

use super::lifecycle::line_stopped;
use super::receipts::{opt, opt_i64, opt_text};
use super::types::{CompletionTrigger, SkuStatus, Status, is_non_empty_text};
use super::work_order::Sku;
use crate::error::{Error, Result};
use crate::id::{AndonId, SkuId, WorkOrderId};
use crate::line::Line;
use crate::receipt::Draft;
use crate::time::Timestamp;

/// Which SKUs [`Line::skus`] lists; `None` matches everything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuFilter {
    /// Only SKUs of this status.
    pub status: Option<SkuStatus>,
    /// Only SKUs of this work order.
    pub work_order: Option<WorkOrderId>,
}

/// The answer of `receipt_completeness` (flow.md 14.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptCompleteness {
    /// `missing` is empty.
    pub complete: bool,
    /// Gated stages without a passed result, then the last stage when
    /// it was not reached; stage order.
    pub missing: Vec<String>,
}

/// SKU counts by status (flow.md 14.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductionMetrics {
    /// Every SKU.
    pub total: u64,
    /// In production.
    pub in_production: u64,
    /// Released.
    pub released: u64,
    /// Published.
    pub published: u64,
    /// Aborted.
    pub aborted: u64,
    /// `published * 10000 / total`; 0 without SKUs.
    pub success_bp: u32,
}

/// In-production SKUs at one stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageCount {
    /// The stage.
    pub stage: String,
    /// SKUs in production there.
    pub count: u64,
}

/// The gate of a stage and the latest result that lets a SKU leave it.
struct GatePassed {
    gate: String,
    result: &'static str,
    seq: u64,
}

impl Line {
    /// The SKU with this id (flow.md 13.3).
    pub fn sku(&self, id: SkuId) -> Result<&Sku> {
        self.flow.sku(id).ok_or_else(|| Error::not_found("sku", id))
    }

    /// The SKUs that pass `filter`, ascending id.
    #[must_use]
    pub fn skus(&self, filter: &SkuFilter) -> Vec<&Sku> {
        let pass = |s: &&Sku| {
            filter.status.is_none_or(|st| s.status == st)
                && filter.work_order.is_none_or(|w| s.work_order == w)
        };
        match filter.work_order.and_then(|w| self.flow.wo(w)) {
            Some(w) => w
                .skus
                .iter()
                .filter_map(|id| self.flow.sku(*id))
                .filter(pass)
                .collect(),
            None if filter.work_order.is_some() => Vec::new(),
            None => self.flow.skus.iter().filter(pass).collect(),
        }
    }

    /// Starts a build of an in-progress work order at the first stage
    /// (flow.md 14.2).
    pub fn create_sku(
        &mut self,
        wo: WorkOrderId,
        commit_at: Option<Timestamp>,
        fixes: Option<AndonId>,
        now: Timestamp,
    ) -> Result<SkuId> {
        self.check_now(now)?;
        let w = self.work_order(wo)?;
        if w.status != Status::InProgress {
            return Err(Error::transition(w.status, "create_sku"));
        }
        if let Some(andon) = fixes {
            self.andon_ref(andon)?;
        }
        let id = self.flow.next_sku_id();
        let stage = self.config.flow.stages.first().cloned().unwrap_or_default();
        let body = crate::obj! {
            "sku" => id.to_string(),
            "work_order" => wo.to_string(),
            "stage" => stage,
            "commit_at" => opt_i64(commit_at),
            "fixes" => opt_text(fixes),
        };
        self.commit(now, vec![Draft::new("sku.created", id, body)])?;
        Ok(id)
    }

    /// Moves a SKU to the next stage (flow.md 14.3).
    pub fn transition(&mut self, sku: SkuId, to: &str, now: Timestamp) -> Result<()> {
        self.check_now(now)?;
        let s = self.sku(sku)?;
        if s.status != SkuStatus::InProduction {
            return Err(Error::transition(s.status, "transition"));
        }
        let stages = &self.config.flow.stages;
        let Some(to_index) = self.config.flow.stage_index(to) else {
            return Err(Error::InvalidStage {
                value: to.to_owned(),
            });
        };
        let from_index = self.config.flow.stage_index(&s.stage);
        if from_index.is_none_or(|i| i + 1 != to_index) {
            return Err(Error::InvalidSequence {
                from: s.stage.clone(),
                to: to.to_owned(),
            });
        }
        let andons = crate::andon::stopping_for_sku(self, sku);
        if !andons.is_empty() {
            return Err(line_stopped(&andons));
        }
        crate::quality::check_stage_exit(self, sku, &s.stage)?;
        let gate = self.gate_passed(sku, &s.stage);
        let body = crate::obj! {
            "sku" => sku.to_string(),
            "work_order" => s.work_order.to_string(),
            "from" => s.stage.as_str(),
            "to" => stages[to_index].as_str(),
            "gate" => opt(gate.as_ref().map(|g| g.gate.as_str())),
            "gate_result" => opt(gate.as_ref().map(|g| g.result)),
            "gate_receipt" => opt_i64(gate.as_ref().map(|g| g.seq as i64)),
        };
        self.commit(now, vec![Draft::new("sku.stage_entered", sku, body)])
    }

    /// The gate guarding `stage` and its passed latest result for `sku`.
    fn gate_passed(&self, sku: SkuId, stage: &str) -> Option<GatePassed> {
        let gate = self.config.quality.gate_for_stage(stage)?;
        let latest = self.quality.latest(sku, &gate.name)?;
        let result = match latest.outcome {
            crate::quality::Outcome::Pass => "pass",
            crate::quality::Outcome::Warn => "warn",
            crate::quality::Outcome::Fail => return None,
        };
        Some(GatePassed {
            gate: gate.name.clone(),
            result,
            seq: latest.seq,
        })
    }

    /// Releases a SKU that stands at the last stage with every gate
    /// passed (flow.md 14.4).
    pub fn release(&mut self, sku: SkuId, now: Timestamp) -> Result<()> {
        self.check_now(now)?;
        let s = self.sku(sku)?;
        if s.status != SkuStatus::InProduction {
            return Err(Error::transition(s.status, "release"));
        }
        if self.config.flow.stages.last() != Some(&s.stage) {
            return Err(Error::PipelineIncomplete {
                sku: sku.to_string(),
                stage: s.stage.clone(),
            });
        }
        let andons = crate::andon::stopping_for_sku(self, sku);
        if !andons.is_empty() {
            return Err(line_stopped(&andons));
        }
        for stage in &self.config.flow.stages {
            crate::quality::check_stage_exit(self, sku, stage)?;
        }
        let body = crate::obj! {
            "sku" => sku.to_string(),
            "work_order" => s.work_order.to_string(),
        };
        self.commit(now, vec![Draft::new("sku.released", sku, body)])
    }

    /// Publishes a released SKU, completing its work order when that is
    /// in progress (flow.md 14.6).
    pub fn publish(&mut self, sku: SkuId, location: Option<&str>, now: Timestamp) -> Result<()> {
        self.check_now(now)?;
        let s = self.sku(sku)?;
        if s.status != SkuStatus::Released {
            return Err(Error::transition(s.status, "publish"));
        }
        let andons = crate::andon::stopping_for_sku(self, sku);
        if !andons.is_empty() {
            return Err(line_stopped(&andons));
        }
        let wo = s.work_order;
        let completes = self
            .flow
            .wo(wo)
            .is_some_and(|w| w.status == Status::InProgress);
        let body = crate::obj! {
            "sku" => sku.to_string(),
            "work_order" => wo.to_string(),
            "location" => opt(location),
            "completes_work_order" => completes,
        };
        let mut drafts = vec![Draft::new("sku.published", sku, body)];
        if completes {
            drafts.push(self.plan_completion(wo, sku, CompletionTrigger::Publish, now)?);
        }
        self.commit(now, drafts)
    }

    /// Abandons a SKU in production or released (flow.md 14.5).
    pub fn abort(&mut self, sku: SkuId, reason: &str, now: Timestamp) -> Result<()> {
        self.check_now(now)?;
        let s = self.sku(sku)?;
        if !is_non_empty_text(reason) {
            return Err(Error::MissingField {
                field: "reason".into(),
            });
        }
        if !matches!(s.status, SkuStatus::InProduction | SkuStatus::Released) {
            return Err(Error::transition(s.status, "abort"));
        }
        let body = crate::obj! {
            "sku" => sku.to_string(),
            "work_order" => s.work_order.to_string(),
            "from" => s.status.as_str(),
            "reason" => reason,
        };
        self.commit(now, vec![Draft::new("sku.aborted", sku, body)])
    }

    /// The share of the line a SKU has left behind, in basis points
    /// (flow.md 14.7).
    pub fn completion_bp(&self, sku: SkuId) -> Result<u32> {
        let s = self.sku(sku)?;
        let n = self.config.flow.stages.len();
        let exited = match s.status {
            SkuStatus::Published => n,
            SkuStatus::Released => n.saturating_sub(1),
            _ => self.config.flow.stage_index(&s.stage).unwrap_or(0),
        };
        Ok((exited * 10_000).checked_div(n).unwrap_or(0) as u32)
    }

    /// Which gated stages lack a passed result, and whether the SKU
    /// reached the last stage (flow.md 14.7).
    pub fn receipt_completeness(
        &self,
        sku: SkuId,
        through: Option<&str>,
    ) -> Result<ReceiptCompleteness> {
        let s = self.sku(sku)?;
        let stages = &self.config.flow.stages;
        let end = match through {
            Some(x) => self
                .config
                .flow
                .stage_index(x)
                .ok_or_else(|| Error::InvalidStage {
                    value: x.to_owned(),
                })?,
            None => stages.len(),
        };
        let mut missing: Vec<String> = stages[..end]
            .iter()
            .filter(|stage| crate::quality::check_stage_exit(self, sku, stage).is_err())
            .cloned()
            .collect();
        let reached = matches!(s.status, SkuStatus::Released | SkuStatus::Published)
            || stages.last() == Some(&s.stage);
        if through.is_none()
            && !reached
            && let Some(last) = stages.last()
        {
            missing.push(last.clone());
        }
        Ok(ReceiptCompleteness {
            complete: missing.is_empty(),
            missing,
        })
    }

    /// SKU counts by status (flow.md 14.7).
    #[must_use]
    pub fn production_metrics(&self) -> ProductionMetrics {
        let mut m = ProductionMetrics {
            total: self.flow.skus.len() as u64,
            in_production: 0,
            released: 0,
            published: 0,
            aborted: 0,
            success_bp: 0,
        };
        for s in &self.flow.skus {
            match s.status {
                SkuStatus::InProduction => m.in_production += 1,
                SkuStatus::Released => m.released += 1,
                SkuStatus::Published => m.published += 1,
                SkuStatus::Aborted => m.aborted += 1,
            }
        }
        m.success_bp = (m.published * 10_000).checked_div(m.total).unwrap_or(0) as u32;
        m
    }

    /// In-production SKUs per current stage, every stage of the line
    /// listed in order (flow.md 14.7).
    #[must_use]
    pub fn stage_counts(&self) -> Vec<StageCount> {
        let stages = &self.config.flow.stages;
        let mut counts = vec![0u64; stages.len()];
        for s in &self.flow.skus {
            if s.status == SkuStatus::InProduction
                && let Some(i) = self.config.flow.stage_index(&s.stage)
            {
                counts[i] += 1;
            }
        }
        stages
            .iter()
            .zip(counts)
            .map(|(stage, count)| StageCount {
                stage: stage.clone(),
                count,
            })
            .collect()
    }
}
