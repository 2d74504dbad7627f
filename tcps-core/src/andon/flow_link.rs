//! What the andon module reads from and writes to flow's state: a SKU's
//! work order and stage, a work order's bucket, the SLA deadlines of
//! open work orders, and each work order's `sla_andon`.

use crate::id::{AndonId, SkuId, WorkOrderId};
use crate::line::Line;
use crate::time::Timestamp;

/// What a SKU subject needs from flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SkuFacts {
    /// The SKU's work order.
    pub work_order: WorkOrderId,
    /// The SKU's current stage.
    pub stage: String,
    /// The work order's bucket.
    pub bucket: String,
}

/// The work order, current stage and bucket of a SKU; `None` when the
/// SKU does not exist.
pub(crate) fn sku_facts(_line: &Line, _sku: SkuId) -> Option<SkuFacts> {
    // TODO: read flow's SKU records once flow.md's Line lookups land.
    None
}

/// The bucket of a work order; `None` when it does not exist.
pub(crate) fn work_order_bucket(_line: &Line, _wo: WorkOrderId) -> Option<String> {
    // TODO: read flow's work orders once flow.md's Line lookups land.
    None
}

/// Open work orders whose deadline is `<= now` and that have no
/// `sla_andon`, as `(work order, deadline)`, by deadline, then id.
pub(crate) fn sla_due(_line: &Line, _now: Timestamp) -> Vec<(WorkOrderId, Timestamp)> {
    // TODO: read flow's SLA deadlines once flow.md 12 lands.
    Vec::new()
}

/// Records the andon an SLA sweep raised or repeated for a work order.
pub(crate) fn set_sla_andon(_line: &mut Line, _wo: WorkOrderId, _andon: AndonId) {
    // TODO: write flow's `sla_andon` once flow.md 7.1's record lands.
}
