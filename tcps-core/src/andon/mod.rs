//! Andon events, stopping the line, escalation and 5 Whys (andon.md).
//!
//! An andon is the line's alarm cord. It is pulled by a failed blocking
//! gate (quality's `evaluate_gate`), by the SLA sweep
//! ([`Line::sla_sweep`]) or by hand ([`Line::raise`]). While a *stopping*
//! andon (unresolved, `stops` true) is open it refuses the flow
//! operations its scope names (andon.md 6): SKU `transition`, `release`
//! and `publish`, and work-order `start`. It is closed by
//! [`Line::resolve`] with a root cause, and for the severities in the
//! policy's `require_rca` only after its 5 Whys analysis
//! ([`Line::start_analysis`] ... [`Line::finalize_analysis`]) is final.
//!
//! Choices where andon.md is silent:
//!
//! - Given texts (`raised_by`, notes, resolver, `verified_by`) are kept
//!   as given, also when empty; only the texts the spec requires are
//!   checked for being non-empty.
//! - [`Line::andon_metrics`] takes its days as `YYYY-MM-DD` text, like
//!   the other reports; a malformed date is `invalid_field {date}`.
//! - A due time of an action item must lie within ±(2^53-1) ms, the
//!   integer range of receipts (`invalid_field {due_at}`).
//! - Replay is strict: an `andon.*` or `analysis.*` receipt whose body
//!   disagrees with the state it is applied to (a wrong occurrence, an
//!   `open_ms` that is not `at - raised_at`, a transition the status
//!   does not allow) is refused as `invalid_receipt`.

mod body;
mod config;
mod flow_link;
mod metrics;
mod model;
mod ops;
mod query;
mod rca;
mod state;
mod suggest;
mod text;

pub use config::{AndonConfig, EscalationLimits, EscalationPolicy, MAX_LIMIT_MS, StopScope};
pub use metrics::{
    AndonMetrics, DurationStats, FailureTypeCounts, LineStop, LoopClosure, OpenNow, SeverityCounts,
    SkuStop,
};
pub use model::{
    Andon, AndonFilter, AndonStatus, Due, EscalationReason, FailureType, Proceed, Raise,
    RaiseRequest, Resolution, Severity, Subject, Trigger,
};
pub use rca::{ActionItem, Analysis, AnalysisStatus, OverdueItem};
pub(crate) use state::AndonState;
pub use suggest::{Pin, Suggestions, prevention_suggestions};

pub(crate) use ops::plan_gate_raise;
pub(crate) use query::{stopping_for_sku, stopping_for_start};

use crate::error::{Error, Result};
use crate::line::Line;
use crate::receipt::Receipt;

/// Applies an andon or analysis receipt; `Ok(false)` when not andon's.
pub(crate) fn apply(line: &mut Line, r: &Receipt) -> Result<bool> {
    let state = &mut line.andon;
    match r.kind.as_str() {
        "andon.raised" => {
            let a = state::apply_raised(state, r)?;
            if let (model::Trigger::Sla, Subject::WorkOrder(wo)) = (a.trigger, a.subject) {
                let id = a.id;
                flow_link::set_sla_andon(line, wo, id);
            }
        }
        "andon.repeated" => {
            let a = state::apply_repeated(state, r)?;
            let id = a.id;
            let subject = a.subject;
            // The trigger of the repeat, not of the first raise, says
            // whether the sweep found this andon (andon.md 5.3).
            let by_sweep = r.field("trigger").and_then(crate::value::Value::as_str) == Some("sla");
            if let (true, Subject::WorkOrder(wo)) = (by_sweep, subject) {
                flow_link::set_sla_andon(line, wo, id);
            }
        }
        "andon.acknowledged" => state::apply_acknowledged(state, r)?,
        "andon.resolved" => state::apply_resolved(state, r)?,
        "andon.escalated" => state::apply_escalated(state, r)?,
        _ => return rca::apply(state, r),
    }
    Ok(true)
}

/// Refuses text that is empty after trimming (flow.md 1).
pub(crate) fn non_empty(text: &str, field: &str) -> Result<()> {
    if text.trim().is_empty() {
        return Err(Error::MissingField {
            field: field.to_owned(),
        });
    }
    Ok(())
}
