//! What quality reads from the other parts of the line: a SKU's status
//! and stage (flow), the stopping andons that cover a SKU and the andon
//! a failed gate raises (andon), and the history counts of the
//! `quality_metrics` gate (kaizen).

use crate::andon::FailureType;
use crate::error::Result;
use crate::id::{AndonId, SkuId};
use crate::line::Line;
use crate::receipt::Draft;
use crate::time::Timestamp;

use super::config::AndonType;
use super::evidence::History;
use crate::kaizen::Window;

/// What a gate operation needs to know about a SKU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SkuFacts {
    /// `in_production`, `released`, `published` or `aborted`.
    pub status: String,
    /// The current stage.
    pub stage: String,
}

/// Status and stage of a SKU; `None` when it does not exist.
pub(crate) fn sku_facts(line: &Line, sku: SkuId) -> Option<SkuFacts> {
    let s = line.flow.sku(sku)?;
    Some(SkuFacts {
        status: s.status.as_str().to_owned(),
        stage: s.stage.clone(),
    })
}

/// The stopping andons that cover `sku`, ascending (andon.md 6.1).
pub(crate) fn stopping_andons(line: &Line, sku: SkuId) -> Vec<AndonId> {
    crate::andon::stopping_for_sku(line, sku)
}

/// Plans the andon of a blocking gate's `fail` (andon.md 5.2): the id
/// raised or repeated, and its draft, to follow the gate receipt that
/// gets sequence number `gate_receipt`.
pub(crate) fn plan_gate_raise(
    line: &Line,
    sku: SkuId,
    gate: &str,
    stage: &str,
    andon_type: AndonType,
    failed: &[&str],
    gate_receipt: u64,
) -> Result<Option<(AndonId, Draft)>> {
    // Configuration validation refuses `manual`, so every type but
    // `none` is one of andon.md's failure types.
    let Some(failure_type) = FailureType::parse(andon_type.as_str()) else {
        return Ok(None);
    };
    let (raise, draft) =
        crate::andon::plan_gate_raise(line, sku, gate, stage, failure_type, failed, gate_receipt)?;
    Ok(Some((raise.andon, draft)))
}

/// The trailing window of `days` days ending at `now` (kaizen.md 3.1)
/// and the history counts of kaizen.md 4.4–4.8 over it.
pub(crate) fn history(line: &Line, days: u32, now: Timestamp) -> Result<History> {
    let window = Window::trailing(i64::from(days), now)?;
    Ok(History {
        start: window.start(),
        end: window.end(),
        counts: crate::kaizen::history(line, &window),
    })
}
