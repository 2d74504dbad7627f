//! Gate operations of the [`Line`]: evaluating and skipping a gate, the
//! ledger queries and `can_leave_stage` (quality.md 5, 6).

use serde::{Deserialize, Serialize};

use super::config::{AndonType, EvidenceKind, Gate};
use super::evidence::{
    ConditionResult, EvalContext, Evaluation, Evidence, ReceiptChain, evaluate, source_value,
};
use super::ledger::{GateAttempt, GateStatus};
use super::links;
use super::metric::{Outcome, Verdict};
use crate::error::{Error, Result};
use crate::id::{AndonId, SkuId};
use crate::ingest::Source;
use crate::line::Line;
use crate::receipt::Draft;
use crate::time::Timestamp;
use crate::value::Value;

/// Options of [`Line::evaluate_gate`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EvalOptions {
    /// The evaluation was started by a person (kaizen.md counts it as
    /// manual intervention).
    pub manual: bool,
}

/// What an evaluation or a skip recorded (quality.md 5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateResult {
    /// The SKU.
    pub sku: SkuId,
    /// The gate.
    pub gate: String,
    /// The gate's stage.
    pub stage: String,
    /// 1-based attempt number of this (SKU, gate).
    pub attempt: u32,
    /// `pass`, `warn` or `fail`.
    pub outcome: Outcome,
    /// Attempt 1, passed.
    pub first_pass: bool,
    /// A `fail` reported as `warn` (non-blocking gate).
    pub downgraded: bool,
    /// The skip reason, for a skip.
    pub skipped: Option<String>,
    /// One result per condition, in gate order (none for a skip).
    pub conditions: Vec<ConditionResult>,
    /// The evidence summary of quality.md 7.4.
    pub summary: Value,
    /// The raw reports behind it.
    pub sources: Vec<Source>,
    /// The andon raised or repeated, on a blocking `fail`.
    pub andon: Option<AndonId>,
    /// Sequence number of the `gate.evaluated` receipt.
    pub seq: u64,
}

/// The gate part of [`StageExit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitGateStatus {
    /// The stage has no gate.
    NoGate,
    /// The gate has not run for the SKU.
    NotRun,
    /// The latest attempt passed.
    Passed,
    /// The latest attempt warned or was skipped.
    Warned,
    /// The latest attempt failed.
    Failed,
}

/// Why a SKU may not leave its stage, in the order they are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitReason {
    /// The SKU is released, published or aborted.
    NotInProduction,
    /// The SKU is at the last stage: what follows is release and publish.
    LastStage,
    /// The stage's gate has not run.
    GateNotRun,
    /// The stage's gate failed in its latest attempt.
    GateFailed,
    /// A stopping andon covers the SKU.
    LineStopped,
}

/// The answer of [`Line::can_leave_stage`] (quality.md 6.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageExit {
    /// The SKU.
    pub sku: SkuId,
    /// Its current stage.
    pub stage: String,
    /// The stage after it, `None` at the last stage.
    pub next_stage: Option<String>,
    /// Whether the exit rule holds (`reasons` is empty).
    pub allowed: bool,
    /// The stage's gate.
    pub gate: Option<String>,
    /// The gate's latest result.
    pub gate_status: ExitGateStatus,
    /// The latest attempt number.
    pub attempt: Option<u32>,
    /// Metrics that failed in the latest attempt.
    pub failed_conditions: Vec<String>,
    /// Stopping andons covering the SKU, ascending.
    pub stopping_andons: Vec<AndonId>,
    /// Why the exit is refused, in the order of [`ExitReason`].
    pub reasons: Vec<ExitReason>,
}

impl Line {
    /// Evaluates `gate` for `sku` on `evidence` (quality.md 5.1): numbers
    /// the attempt, judges every condition, appends `gate.evaluated` and,
    /// on a blocking `fail`, the andon it raises. The SKU stays at its
    /// stage.
    pub fn evaluate_gate(
        &mut self,
        sku: SkuId,
        gate: &str,
        evidence: &Evidence,
        opts: EvalOptions,
        now: Timestamp,
    ) -> Result<GateResult> {
        self.check_now(now)?;
        let gate = self.checked_gate(sku, gate, "evaluate_gate")?.clone();
        if evidence.kind() != gate.kind {
            return Err(Error::EvidenceMismatch {
                gate: gate.name,
                expected: gate.kind.as_str().into(),
                found: evidence.kind().as_str().into(),
            });
        }
        evidence.check()?;

        let context = self.eval_context(sku, &gate, now)?;
        let evaluation = evaluate(&gate, evidence, &context)?;
        let attempt = self.quality.next_attempt(sku, &gate.name);
        let seq = self.len();

        let andon = if gate.blocking && evaluation.outcome == Verdict::Fail {
            let failed = evaluation.failed_metrics();
            links::plan_gate_raise(
                self,
                sku,
                &gate.name,
                &gate.stage,
                gate.andon_type,
                &failed,
                seq,
            )?
        } else {
            None
        };
        let result = GateResult {
            sku,
            gate: gate.name.clone(),
            stage: gate.stage.clone(),
            attempt,
            outcome: evaluation.outcome,
            first_pass: attempt == 1 && evaluation.outcome.passed(),
            downgraded: evaluation.downgraded,
            skipped: None,
            conditions: evaluation.conditions,
            summary: evaluation.summary,
            sources: evaluation.sources,
            andon: andon.as_ref().map(|(id, _)| *id),
            seq,
        };

        let mut drafts = vec![Draft::new(
            "gate.evaluated",
            sku,
            self.gate_body(&result, gate.kind, opts.manual),
        )];
        drafts.extend(andon.map(|(_, draft)| draft));
        self.commit(now, drafts)?;
        Ok(result)
    }

    /// Records an explicit skip of `gate` for `sku` (quality.md 5.3): an
    /// outcome `warn` with the trimmed reason, which lets the SKU leave
    /// the stage and shows as manual intervention in every report.
    pub fn skip_gate(
        &mut self,
        sku: SkuId,
        gate: &str,
        reason: &str,
        now: Timestamp,
    ) -> Result<GateResult> {
        self.check_now(now)?;
        let gate = self.checked_gate(sku, gate, "skip_gate")?.clone();
        if !gate.allow_skip {
            return Err(Error::SkipNotAllowed { gate: gate.name });
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::EmptySkipReason { gate: gate.name });
        }

        let attempt = self.quality.next_attempt(sku, &gate.name);
        let result = GateResult {
            sku,
            gate: gate.name.clone(),
            stage: gate.stage.clone(),
            attempt,
            outcome: Verdict::Warn,
            first_pass: attempt == 1,
            downgraded: false,
            skipped: Some(reason.to_owned()),
            conditions: Vec::new(),
            summary: Value::object(),
            sources: Vec::new(),
            andon: None,
            seq: self.len(),
        };
        let body = self.gate_body(&result, gate.kind, true);
        self.commit(now, vec![Draft::new("gate.evaluated", sku, body)])?;
        Ok(result)
    }

    /// Explains the stage exit rule for `sku` (quality.md 6.3); a query,
    /// no receipt.
    pub fn can_leave_stage(&self, sku: SkuId, now: Timestamp) -> Result<StageExit> {
        // Andons decide on their own state, not on the time of the
        // question; `now` is kept for the shape of every query.
        let _ = now;
        let facts = links::sku_facts(self, sku).ok_or_else(|| Error::not_found("sku", sku))?;
        let stages = self.config.stages();
        let next_stage = stages
            .iter()
            .position(|s| *s == facts.stage)
            .and_then(|i| stages.get(i + 1))
            .cloned();

        let gate = self.config.quality.gate_for_stage(&facts.stage);
        let latest = gate.and_then(|g| self.quality.latest(sku, &g.name));
        let gate_status = match gate.map(|_| GateStatus::of(latest)) {
            None => ExitGateStatus::NoGate,
            Some(GateStatus::NotRun) => ExitGateStatus::NotRun,
            Some(GateStatus::Passed { .. }) => ExitGateStatus::Passed,
            Some(GateStatus::Warned { .. }) => ExitGateStatus::Warned,
            Some(GateStatus::Failed { .. }) => ExitGateStatus::Failed,
        };
        let stopping_andons = links::stopping_andons(self, sku);

        let mut reasons = Vec::new();
        if facts.status != "in_production" {
            reasons.push(ExitReason::NotInProduction);
        }
        if next_stage.is_none() {
            reasons.push(ExitReason::LastStage);
        }
        match gate_status {
            ExitGateStatus::NotRun => reasons.push(ExitReason::GateNotRun),
            ExitGateStatus::Failed => reasons.push(ExitReason::GateFailed),
            _ => {}
        }
        if !stopping_andons.is_empty() {
            reasons.push(ExitReason::LineStopped);
        }

        Ok(StageExit {
            sku,
            stage: facts.stage,
            next_stage,
            allowed: reasons.is_empty(),
            gate: gate.map(|g| g.name.clone()),
            gate_status,
            attempt: latest.map(|a| a.attempt),
            failed_conditions: latest
                .map(|a| a.failed_conditions.clone())
                .unwrap_or_default(),
            stopping_andons,
            reasons,
        })
    }

    /// The gates of the line, in stage order.
    #[must_use]
    pub fn gates(&self) -> &[Gate] {
        &self.config.quality.gates
    }

    /// The latest result of `gate` for `sku` (quality.md 6.1).
    #[must_use]
    pub fn gate_status(&self, sku: SkuId, gate: &str) -> GateStatus {
        self.quality.status(sku, gate)
    }

    /// Every attempt of `gate` for `sku`, in order.
    #[must_use]
    pub fn gate_attempts(&self, sku: SkuId, gate: &str) -> &[GateAttempt] {
        self.quality.attempts(sku, gate)
    }

    /// Whether attempt 1 of `gate` for `sku` passed, once it exists.
    #[must_use]
    pub fn gate_first_pass(&self, sku: SkuId, gate: &str) -> Option<bool> {
        self.quality.first_pass(sku, gate)
    }

    /// The latest attempt of `gate` for `sku`.
    #[must_use]
    pub fn gate_latest(&self, sku: SkuId, gate: &str) -> Option<&GateAttempt> {
        self.quality.latest(sku, gate)
    }

    /// Checks 1–4 of quality.md 5.1: the SKU exists and is in production,
    /// the gate exists and guards the SKU's stage.
    fn checked_gate(&self, sku: SkuId, gate: &str, op: &str) -> Result<&Gate> {
        let facts = links::sku_facts(self, sku).ok_or_else(|| Error::not_found("sku", sku))?;
        if facts.status != "in_production" {
            return Err(Error::transition(&facts.status, op));
        }
        let found = self
            .config
            .quality
            .gate(gate)
            .ok_or_else(|| Error::GateNotFound { gate: gate.into() })?;
        if found.stage != facts.stage {
            return Err(Error::GateStageMismatch {
                gate: found.name.clone(),
                expected: found.stage.clone(),
                actual: facts.stage,
            });
        }
        Ok(found)
    }

    /// What the line supplies besides the evidence: the licence policy,
    /// the history window of a `history` gate, the chain of a `release`
    /// gate.
    fn eval_context(&self, sku: SkuId, gate: &Gate, now: Timestamp) -> Result<EvalContext> {
        let mut context = EvalContext {
            licences: self.config.quality.licences.clone(),
            ..EvalContext::default()
        };
        match gate.kind {
            EvidenceKind::History => {
                let days = gate.history_days.unwrap_or(super::DEFAULT_HISTORY_DAYS);
                context.history = links::history(self, days, now)?;
            }
            EvidenceKind::Release => context.chain = self.receipt_chain(sku, &gate.stage)?,
            _ => {}
        }
        Ok(context)
    }

    /// Check 5 of the release gate (quality.md 4.7): the log must verify,
    /// and every gated stage before `stage` must have a passed result. A
    /// broken chain is reported first: without it the ledger proves
    /// nothing.
    fn receipt_chain(&self, sku: SkuId, stage: &str) -> Result<ReceiptChain> {
        match self.verify() {
            Ok(()) => {}
            Err(Error::ChainBroken { seq, .. }) => return Ok(ReceiptChain::Broken { seq }),
            Err(e) => return Err(e),
        }
        let missing = super::missing_gated_stages(self, sku, Some(stage));
        Ok(if missing.is_empty() {
            ReceiptChain::Complete
        } else {
            ReceiptChain::Incomplete { missing }
        })
    }

    /// The body of a `gate.evaluated` receipt (quality.md 5.2).
    fn gate_body(&self, r: &GateResult, kind: EvidenceKind, manual: bool) -> Value {
        let conditions = r.conditions.iter().map(ConditionResult::to_value).collect();
        let sources = r.sources.iter().map(source_value).collect();
        crate::obj! {
            "sku" => r.sku.to_string(),
            "gate" => r.gate.as_str(),
            "stage" => r.stage.as_str(),
            "kind" => kind.as_str(),
            "attempt" => i64::from(r.attempt),
            "first_pass" => r.first_pass,
            "outcome" => r.outcome.as_str(),
            "downgraded" => r.downgraded,
            "skipped" => r.skipped.clone(),
            "manual" => manual,
            "conditions" => Value::Array(conditions),
            "summary" => r.summary.clone(),
            "sources" => Value::Array(sources),
            "policy_seq" => self.quality.policy_seq() as i64,
            "andon" => r.andon.map(|a| a.to_string()),
        }
    }
}

/// An evaluation without a line, for a gate of any kind but `history`
/// and `release` context: what [`Line::evaluate_gate`] would judge.
pub fn preview(gate: &Gate, evidence: &Evidence) -> Result<Evaluation> {
    evaluate(gate, evidence, &EvalContext::default())
}

/// The andon type a blocking gate raises on this evaluation: the gate's,
/// or `coverage_below_threshold` for a `test_failure` gate whose failed
/// conditions are all coverage metrics (quality.md 5.4).
#[must_use]
pub fn andon_type_for(gate: &Gate, evaluation: &Evaluation) -> AndonType {
    let failed: Vec<_> = evaluation
        .conditions
        .iter()
        .filter(|c| c.verdict == Verdict::Fail)
        .collect();
    if gate.andon_type == AndonType::TestFailure
        && !failed.is_empty()
        && failed.iter().all(|c| c.metric.is_coverage())
    {
        AndonType::CoverageBelowThreshold
    } else {
        gate.andon_type
    }
}
