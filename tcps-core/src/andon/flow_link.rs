//! What the andon module reads from and writes to flow's state: a SKU's
//! work order and stage, a work order's bucket, the SLA deadlines of
//! unswept open work orders, and each work order's `sla_andon`.

use crate::flow::Bucket;
use crate::id::{AndonId, SkuId, WorkOrderId};
use crate::line::Line;
use crate::time::Timestamp;

/// The work order of a SKU and that work order's bucket; `None` when the
/// SKU does not exist. Cheap: the stopping checks call it.
pub(crate) fn sku_scope(line: &Line, sku: SkuId) -> Option<(WorkOrderId, Bucket)> {
    let wo = line.flow.sku(sku)?.work_order;
    Some((wo, line.flow.wo(wo)?.bucket))
}

/// The current stage of a SKU; `None` when the SKU does not exist.
pub(crate) fn sku_stage(line: &Line, sku: SkuId) -> Option<&str> {
    line.flow.sku(sku).map(|s| s.stage.as_str())
}

/// The bucket of a work order; `None` when it does not exist.
pub(crate) fn work_order_bucket(line: &Line, wo: WorkOrderId) -> Option<Bucket> {
    line.flow.wo(wo).map(|w| w.bucket)
}

/// Open work orders whose deadline is `<= now` and that have no
/// `sla_andon`, as `(work order, deadline)`, by deadline, then id.
pub(crate) fn sla_due(line: &Line, now: Timestamp) -> Vec<(WorkOrderId, Timestamp)> {
    crate::flow::unswept_due(line, now)
}

/// Records the andon an SLA sweep raised or repeated for a work order.
pub(crate) fn set_sla_andon(line: &mut Line, wo: WorkOrderId, andon: AndonId) {
    crate::flow::set_sla_andon(line, wo, andon);
}
