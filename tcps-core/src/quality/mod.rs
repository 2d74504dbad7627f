//! Quality gates: Jidoka for software delivery (quality.md 1–7).
//!
//! A [`Gate`] guards the exit of one stage. It is plain data, part of the
//! line's configuration (member `gates`), so changing a threshold is a
//! `line.config_changed` receipt, never a code change. A gate reads one
//! kind of [`Evidence`], turns it into metrics (counts, or ratios of two
//! counts), and compares each metric of its [`Condition`]s with an error
//! and a warning threshold. Ratios are compared with thresholds in basis
//! points by cross-multiplication, never through a float, so a verdict is
//! the same in every language.
//!
//! ```
//! use tcps_core::quality::{Actual, Condition, Metric, Op, Verdict};
//!
//! let rate = Condition::error(Metric::TestPassRate, Op::Ge, 9500);
//! let exactly = Actual::ratio(95, 100);
//! let just_below = Actual::ratio(18_999, 20_000);
//!
//! assert_eq!(rate.verdict(exactly.as_ref()), Verdict::Pass);
//! assert_eq!(rate.verdict(just_below.as_ref()), Verdict::Fail);
//! assert_eq!(rate.verdict(None), Verdict::Fail); // no report, no pass
//! ```
//!
//! On the [`Line`]:
//!
//! - [`Line::evaluate_gate`] records an attempt as a `gate.evaluated`
//!   receipt with every condition's verdict, the evidence summary and the
//!   SHA-256 of every report behind it; a blocking `fail` raises its
//!   andon in the same operation.
//! - [`Line::skip_gate`] records an explicit, reasoned skip (`warn`).
//! - The ledger keeps every attempt: [`Line::gate_status`],
//!   [`Line::gate_attempts`], [`Line::gate_first_pass`],
//!   [`Line::gate_latest`].
//! - [`Line::can_leave_stage`] explains the stage exit rule.
//!
//! Choices where quality.md is silent:
//!
//! - A configuration's gate and condition objects may leave out
//!   `if_no_data` (it is `fail`), a threshold (it is null) and, on a gate
//!   of kind `history`, `history_days` (it is 30); the logged
//!   configuration always holds every field.
//! - Shape errors of a gate (a missing field, a wrong JSON type, an
//!   unknown field or severity) are `invalid_gate` naming the field, and
//!   come before the rules of quality.md 2.1; those of a condition are
//!   `invalid_condition`, with an unknown metric reported as the first
//!   rule of 2.2.
//! - In the release check, a broken chain is reported before missing
//!   stages: a log that does not verify proves no stage.
//! - Licence expressions read the operators `AND`, `OR`, `WITH` in upper
//!   or lower case; `NOASSERTION` and `NONE` as a whole text count as an
//!   unknown licence.

mod config;
mod evidence;
mod ledger;
mod licence;
mod links;
mod manifest;
mod metric;
mod ops;

pub use config::{
    AndonType, Condition, DEFAULT_HISTORY_DAYS, EvidenceKind, Gate, GateSeverity, LicencePolicy,
    MAX_HISTORY_DAYS, QualityConfig,
};
pub use evidence::{
    ConditionResult, EvalContext, Evaluation, Evidence, History, ReceiptChain, SbomEvidence,
    ShaclEvidence, evaluate,
};
pub use ledger::{GateAttempt, GateStatus, QualityState};
pub use licence::is_unknown_licence;
pub use manifest::{ArtifactEntry, ArtifactManifest, parse_digest};
pub use metric::{
    Actual, MAX_COUNT_THRESHOLD, MAX_RATIO_THRESHOLD, Metric, Note, Op, Outcome, Verdict,
};
pub use ops::{
    EvalOptions, ExitGateStatus, ExitReason, GateResult, StageExit, andon_type_for, preview,
};

use crate::error::{Error, Result};
use crate::id::{AndonId, SkuId};
use crate::line::{Line, body_field};
use crate::receipt::Receipt;
use crate::value::Value;

/// Applies a `gate.evaluated` receipt to the ledger; `Ok(false)` for
/// other kinds. Refuses a body whose attempt number or first-pass flag
/// disagrees with the ledger.
pub(crate) fn apply(line: &mut Line, r: &Receipt) -> Result<bool> {
    if r.kind != "gate.evaluated" {
        return Ok(false);
    }
    let text = |member: &str| -> Result<&str> {
        body_field(r, member)?
            .as_str()
            .ok_or_else(|| invalid(member, "must be a string"))
    };
    let flag = |member: &str| -> Result<bool> {
        body_field(r, member)?
            .as_bool()
            .ok_or_else(|| invalid(member, "must be a boolean"))
    };

    let sku: SkuId = text("sku")?.parse()?;
    let gate = text("gate")?.to_owned();
    let attempt = body_field(r, "attempt")?
        .as_i64()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| invalid("attempt", "must be a positive integer"))?;
    let outcome: Outcome = text("outcome")?.parse()?;
    let first_pass = flag("first_pass")?;
    let manual = flag("manual")?;
    let skipped = match body_field(r, "skipped")? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        _ => return Err(invalid("skipped", "must be a string or null")),
    };
    let andon = match body_field(r, "andon")? {
        Value::Null => None,
        Value::String(s) => Some(s.parse::<AndonId>()?),
        _ => return Err(invalid("andon", "must be a string or null")),
    };
    let failed_conditions = failed_metrics(body_field(r, "conditions")?)?;

    if attempt != line.quality.next_attempt(sku, &gate) {
        return Err(invalid("attempt", "must follow the ledger's last attempt"));
    }
    if first_pass != (attempt == 1 && outcome.passed()) {
        return Err(invalid("first_pass", "must be attempt 1 passed"));
    }
    let record = GateAttempt {
        attempt,
        outcome,
        at: r.at,
        seq: r.seq,
        skipped,
        manual,
        failed_conditions,
        andon,
    };
    line.quality.record(sku, &gate, record);
    Ok(true)
}

/// Notes the sequence number of a configuration receipt just applied
/// (`line.opened` or `line.config_changed`): the `policy_seq` of later
/// gate receipts.
pub(crate) fn on_config_receipt(line: &mut Line, seq: u64) {
    line.quality.set_policy_seq(seq);
}

fn failed_metrics(conditions: &Value) -> Result<Vec<String>> {
    let list = conditions
        .as_array()
        .ok_or_else(|| invalid("conditions", "must be a list"))?;
    let mut failed = Vec::new();
    for c in list {
        let verdict = c.get("verdict").and_then(Value::as_str);
        let metric = c.get("metric").and_then(Value::as_str);
        match (verdict, metric) {
            (Some("fail"), Some(m)) => failed.push(m.to_owned()),
            (Some("pass" | "warn"), Some(_)) => {}
            _ => return Err(invalid("conditions", "each needs a metric and a verdict")),
        }
    }
    Ok(failed)
}

fn invalid(member: &str, rule: &str) -> Error {
    Error::InvalidReceipt {
        member: format!("body/{member}"),
        rule: format!("gate.evaluated: `{member}` {rule}"),
    }
}

/// The gate part of the stage exit rule (quality.md 6.2): `Ok` when
/// `stage` has no gate or its latest result for `sku` is `pass` or
/// `warn`; otherwise `gate_not_passed` with result `fail` or `not_run`.
/// Flow's SKU `transition` calls it.
pub(crate) fn check_stage_exit(line: &Line, sku: SkuId, stage: &str) -> Result<()> {
    let Some(gate) = line.config.quality.gate_for_stage(stage) else {
        return Ok(());
    };
    let result = match line.quality.status(sku, &gate.name) {
        GateStatus::Passed { .. } | GateStatus::Warned { .. } => return Ok(()),
        GateStatus::Failed { .. } => "fail",
        GateStatus::NotRun => "not_run",
    };
    Err(Error::GateNotPassed {
        sku: sku.to_string(),
        gate: gate.name.clone(),
        result: result.into(),
    })
}

/// The gated stages whose gate has no passed latest result for `sku`,
/// in line order: all of them, or with `through` only those before that
/// stage (flow.md 14.7, receipt completeness).
pub(crate) fn missing_gated_stages(line: &Line, sku: SkuId, through: Option<&str>) -> Vec<String> {
    let stages = line.config.stages();
    let end = through
        .and_then(|t| stages.iter().position(|s| s == t))
        .unwrap_or(stages.len());
    stages[..end]
        .iter()
        .filter(|stage| {
            line.config
                .quality
                .gate_for_stage(stage)
                .is_some_and(|g| !line.quality.status(sku, &g.name).passed())
        })
        .cloned()
        .collect()
}
