//! The flow part of a line's state and its indexes.
//!
//! Records live in vectors indexed by id number; the indexes (queues,
//! dedup keys, deadlines, dependency edges) are kept beside them so that
//! every hot query costs what it finds.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use super::queue::BucketQueue;
use super::types::{Bucket, PerBucket, SlaOutcome, Status};
use super::work_order::{Sku, WorkOrder};
use crate::id::{SkuId, WorkOrderId};

/// The flow part of a line's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowState {
    /// Work orders; `WO-n` at index `n - 1`. Boxed, so the vector holds
    /// a pointer per work order: growing it moves 8 bytes each and its
    /// spare capacity stays small.
    #[allow(
        clippy::vec_box,
        reason = "a pointer per slot keeps growth and spare capacity small"
    )]
    pub(crate) work_orders: Vec<Box<WorkOrder>>,
    /// Per work order, what reports read, in id order (16 bytes each),
    /// so a report scans this and not the records.
    pub(crate) briefs: Vec<Brief>,
    /// Completions in the order they happened (so by time).
    pub(crate) completions: Vec<Completion>,
    /// Cancellation times in the order they happened.
    pub(crate) cancellations: Vec<i64>,
    /// SKUs; `SKU-n` at index `n - 1`.
    pub(crate) skus: Vec<Sku>,
    /// One queue per bucket.
    pub(crate) queues: PerBucket<BucketQueue>,
    /// In-progress work orders per bucket.
    pub(crate) wip: PerBucket<u32>,
    /// In-progress work orders that started expedited.
    pub(crate) expedite_in_use: u32,
    /// Dependency edges.
    pub(crate) deps: Dependencies,
    /// Dedup keys of open work orders.
    pub(crate) dedup: DedupIndex,
    /// Deadlines of open work orders.
    pub(crate) sla: SlaIndex,
    /// The round-robin cursor.
    pub(crate) cursor: Bucket,
    /// The weighted counters.
    pub(crate) counters: PerBucket<i64>,
}

impl Default for FlowState {
    fn default() -> Self {
        Self {
            work_orders: Vec::new(),
            briefs: Vec::new(),
            completions: Vec::new(),
            cancellations: Vec::new(),
            skus: Vec::new(),
            queues: PerBucket::default(),
            wip: PerBucket::default(),
            expedite_in_use: 0,
            deps: Dependencies::default(),
            dedup: DedupIndex::default(),
            sla: SlaIndex::default(),
            cursor: Bucket::Reliability,
            counters: PerBucket::default(),
        }
    }
}

impl FlowState {
    /// Sets the status of a work order in its record and its brief.
    pub(crate) fn set_status(&mut self, id: WorkOrderId, status: Status) {
        let Some(i) = id.0.checked_sub(1).and_then(|i| usize::try_from(i).ok()) else {
            return;
        };
        if let (Some(w), Some(b)) = (self.work_orders.get_mut(i), self.briefs.get_mut(i)) {
            w.status = status;
            b.status = status;
        }
    }

    /// The work order with this id.
    pub(crate) fn wo(&self, id: WorkOrderId) -> Option<&WorkOrder> {
        let i = usize::try_from(id.0.checked_sub(1)?).ok()?;
        self.work_orders.get(i).map(|w| &**w)
    }

    /// The work order with this id, mutably.
    pub(crate) fn wo_mut(&mut self, id: WorkOrderId) -> Option<&mut WorkOrder> {
        let i = usize::try_from(id.0.checked_sub(1)?).ok()?;
        self.work_orders.get_mut(i).map(|w| &mut **w)
    }

    /// The SKU with this id.
    pub(crate) fn sku(&self, id: SkuId) -> Option<&Sku> {
        let i = usize::try_from(id.0.checked_sub(1)?).ok()?;
        self.skus.get(i)
    }

    /// The SKU with this id, mutably.
    pub(crate) fn sku_mut(&mut self, id: SkuId) -> Option<&mut Sku> {
        let i = usize::try_from(id.0.checked_sub(1)?).ok()?;
        self.skus.get_mut(i)
    }

    /// The id the next work order gets.
    pub(crate) fn next_wo_id(&self) -> WorkOrderId {
        WorkOrderId(self.work_orders.len() as u64 + 1)
    }

    /// The id the next SKU gets.
    pub(crate) fn next_sku_id(&self) -> SkuId {
        SkuId(self.skus.len() as u64 + 1)
    }

    /// Whether `id` names a work order that is not `completed`.
    pub(crate) fn is_unfinished(&self, id: WorkOrderId) -> bool {
        self.wo(id).is_some_and(|w| w.status != Status::Completed)
    }

    /// The unfinished dependencies of `id`, ascending.
    pub(crate) fn unfinished_deps(&self, id: WorkOrderId) -> Vec<WorkOrderId> {
        let mut out: Vec<WorkOrderId> = self
            .deps
            .depends_on(id)
            .iter()
            .copied()
            .filter(|d| self.is_unfinished(*d))
            .collect();
        out.sort_unstable();
        out
    }

    /// Drops a work order that just closed from the open-only indexes.
    pub(crate) fn forget_open(&mut self, id: WorkOrderId) {
        let Some(w) = self.wo(id) else {
            return;
        };
        let (deadline, sla_ms) = (w.sla_deadline, w.sla_ms);
        let keys: Vec<u64> = w.dedup_keys.iter().map(|k| key_hash(k)).collect();
        for h in keys {
            self.dedup.remove(h, id);
        }
        if let (Some(d), Some(s)) = (deadline, sla_ms) {
            self.sla.remove(s, d, id);
        }
    }
}

/// What a report reads of a work order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Brief {
    pub(crate) created_at: i64,
    pub(crate) status: Status,
    pub(crate) bucket: Bucket,
    pub(crate) priority: u8,
}

/// One completion, for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Completion {
    pub(crate) at: i64,
    pub(crate) lead_time_ms: i64,
    pub(crate) outcome: Option<SlaOutcome>,
}

/// Dependency edges: `x depends on y`, both directions, in the order
/// they were added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Dependencies {
    depends_on: BTreeMap<WorkOrderId, Vec<WorkOrderId>>,
    dependents: BTreeMap<WorkOrderId, Vec<WorkOrderId>>,
}

impl Dependencies {
    /// What `x` depends on, in the order the edges were added.
    pub(crate) fn depends_on(&self, x: WorkOrderId) -> &[WorkOrderId] {
        self.depends_on.get(&x).map_or(&[], Vec::as_slice)
    }

    /// What depends on `y`, in the order the edges were added.
    pub(crate) fn dependents(&self, y: WorkOrderId) -> &[WorkOrderId] {
        self.dependents.get(&y).map_or(&[], Vec::as_slice)
    }

    /// Whether the edge `x depends on y` exists.
    pub(crate) fn has_edge(&self, x: WorkOrderId, y: WorkOrderId) -> bool {
        self.depends_on(x).contains(&y)
    }

    /// Whether `from` reaches `to` along depends-on edges.
    pub(crate) fn reaches(&self, from: WorkOrderId, to: WorkOrderId) -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n) {
                stack.extend(self.depends_on(n).iter().copied());
            }
        }
        false
    }

    /// Records `x depends on y`.
    pub(crate) fn add(&mut self, x: WorkOrderId, y: WorkOrderId) {
        self.depends_on.entry(x).or_default().push(y);
        self.dependents.entry(y).or_default().push(x);
    }

    /// Removes every edge `x depends on y`; returns the xs in the order
    /// the edges were added.
    pub(crate) fn remove_to(&mut self, y: WorkOrderId) -> Vec<WorkOrderId> {
        let xs = self.dependents.remove(&y).unwrap_or_default();
        for x in &xs {
            if let Some(list) = self.depends_on.get_mut(x) {
                list.retain(|d| *d != y);
                if list.is_empty() {
                    self.depends_on.remove(x);
                }
            }
        }
        xs
    }
}

/// The hash a dedup key is indexed by; collisions are resolved by
/// comparing the key itself.
pub(crate) fn key_hash(key: &str) -> u64 {
    // `DefaultHasher::new` uses fixed keys, so a live line and its replay
    // build the same index.
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

/// Dedup keys of open work orders: `(hash of key, work order)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DedupIndex {
    entries: BTreeSet<(u64, WorkOrderId)>,
}

impl DedupIndex {
    /// Open work orders that may hold a key with this hash, ascending.
    pub(crate) fn candidates(&self, h: u64) -> impl Iterator<Item = WorkOrderId> + '_ {
        self.entries
            .range((h, WorkOrderId(0))..=(h, WorkOrderId(u64::MAX)))
            .map(|(_, id)| *id)
    }

    pub(crate) fn insert(&mut self, h: u64, id: WorkOrderId) {
        self.entries.insert((h, id));
    }

    pub(crate) fn remove(&mut self, h: u64, id: WorkOrderId) {
        self.entries.remove(&(h, id));
    }
}

/// Deadlines of open work orders, grouped by SLA length so that a
/// warning scan reads only what is in warning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SlaIndex {
    /// SLA length → `(deadline, id)` of the open work orders with it.
    pub(crate) by_length: BTreeMap<i64, BTreeSet<(i64, WorkOrderId)>>,
    /// `(deadline, id)` of open work orders without an `sla_andon`.
    pub(crate) unswept: BTreeSet<(i64, WorkOrderId)>,
}

impl SlaIndex {
    pub(crate) fn insert(&mut self, sla_ms: i64, deadline: i64, id: WorkOrderId, unswept: bool) {
        self.by_length
            .entry(sla_ms)
            .or_default()
            .insert((deadline, id));
        if unswept {
            self.unswept.insert((deadline, id));
        }
    }

    pub(crate) fn remove(&mut self, sla_ms: i64, deadline: i64, id: WorkOrderId) {
        if let Some(set) = self.by_length.get_mut(&sla_ms) {
            set.remove(&(deadline, id));
            if set.is_empty() {
                self.by_length.remove(&sla_ms);
            }
        }
        self.unswept.remove(&(deadline, id));
    }
}
