//! Which andons stop what (andon.md 6), and the lookups of andon.md 8.

use crate::error::{Error, Result};
use crate::id::{AndonId, SkuId, WorkOrderId};
use crate::line::Line;

use super::config::StopScope;
use super::flow_link;
use super::model::{Andon, AndonFilter, Proceed};

/// Stopping andons that refuse SKU operations (`transition`, `release`,
/// `publish`) on `sku`, ascending (andon.md 6.1); empty for an unknown
/// SKU. Flow refuses with `line_stopped` when the list is not empty.
pub(crate) fn stopping_for_sku(line: &Line, sku: SkuId) -> Vec<AndonId> {
    let state = &line.andon;
    if state.stopping().is_empty() {
        return Vec::new();
    }
    match line.config.andon.stop_scope {
        StopScope::Line => state.stopping().iter().copied().collect(),
        StopScope::Bucket => flow_link::sku_scope(line, sku)
            .and_then(|(_, bucket)| state.stopping_in_bucket(bucket))
            .map(|set| set.iter().copied().collect())
            .unwrap_or_default(),
        StopScope::Sku => {
            let on_sku = state.stopping_on_sku(sku);
            let on_wo = flow_link::sku_scope(line, sku)
                .map_or(&[][..], |(wo, _)| state.stopping_on_work_order(wo));
            merge(on_sku, on_wo)
        }
    }
}

/// Stopping andons that refuse starting `wo`, ascending (andon.md 6.1);
/// empty for an unknown work order.
pub(crate) fn stopping_for_start(line: &Line, wo: WorkOrderId) -> Vec<AndonId> {
    let state = &line.andon;
    if state.stopping().is_empty() {
        return Vec::new();
    }
    match line.config.andon.stop_scope {
        StopScope::Line => state.stopping().iter().copied().collect(),
        StopScope::Bucket => flow_link::work_order_bucket(line, wo)
            .and_then(|b| state.stopping_in_bucket(b))
            .map(|set| set.iter().copied().collect())
            .unwrap_or_default(),
        StopScope::Sku => state.stopping_on_work_order(wo).to_vec(),
    }
}

/// Two ascending lists merged into one, ascending, without repeats.
fn merge(a: &[AndonId], b: &[AndonId]) -> Vec<AndonId> {
    if b.is_empty() {
        return a.to_vec();
    }
    let mut out: Vec<AndonId> = a.iter().chain(b).copied().collect();
    out.sort_unstable();
    out.dedup();
    out
}

impl Line {
    /// Whether some stopping andon covers the SKU (andon.md 6.2).
    pub fn is_blocked(&self, sku: SkuId) -> Result<bool> {
        self.check_sku(sku)?;
        Ok(!stopping_for_sku(self, sku).is_empty())
    }

    /// Whether the SKU may move on at `stage`, judged by andons only
    /// (andon.md 6.2); the answer does not depend on the stage, which
    /// must still be a stage of the line.
    pub fn can_proceed(&self, sku: SkuId, stage: &str) -> Result<Proceed> {
        self.check_sku(sku)?;
        if !self.config.stages().iter().any(|s| s == stage) {
            return Err(Error::InvalidStage {
                value: stage.to_owned(),
            });
        }
        Ok(Proceed::of(stopping_for_sku(self, sku)))
    }

    /// Whether the work order may start, judged by andons only, not by
    /// its status or WIP (andon.md 6.2).
    pub fn can_start(&self, wo: WorkOrderId) -> Result<Proceed> {
        if flow_link::work_order_bucket(self, wo).is_none() {
            return Err(Error::not_found("work_order", wo));
        }
        Ok(Proceed::of(stopping_for_start(self, wo)))
    }

    /// Every stopping andon, ascending.
    #[must_use]
    pub fn stopping_andons(&self) -> Vec<AndonId> {
        self.andon.stopping().iter().copied().collect()
    }

    /// The andon with this id (`not_found`).
    pub fn andon(&self, id: AndonId) -> Result<Andon> {
        self.andon_ref(id).cloned()
    }

    /// The andons that pass `filter`, ascending.
    #[must_use]
    pub fn andons(&self, filter: &AndonFilter) -> Vec<Andon> {
        self.andon
            .andons
            .iter()
            .filter(|a| filter.matches(a))
            .cloned()
            .collect()
    }

    /// Every andon about the SKU, by `raised_at`, then id (andon.md 8).
    pub fn history(&self, sku: SkuId) -> Result<Vec<Andon>> {
        self.check_sku(sku)?;
        let mut out: Vec<Andon> = self
            .andon
            .of_sku(sku)
            .iter()
            .filter_map(|id| self.andon.get(*id).cloned())
            .collect();
        out.sort_by_key(|a| (a.raised_at, a.id));
        Ok(out)
    }

    /// Number of unresolved andons.
    #[must_use]
    pub fn open_count(&self) -> u32 {
        self.andon.unresolved_count() as u32
    }

    fn check_sku(&self, sku: SkuId) -> Result<()> {
        if flow_link::sku_scope(self, sku).is_none() {
            return Err(Error::not_found("sku", sku));
        }
        Ok(())
    }
}
