//! Bucket queues (flow.md 10) kept in an ordered index.
//!
//! Each entry has a 128-bit order key: `rank << 64 | d << 56 | seq`.
//! A queue that was never reordered has no anchors: every entry lives in
//! the end gap (`rank = u64::MAX`) with `d = 10 - priority` and `seq` =
//! the work order's number, so the key order is priority, highest
//! first, then arrival. `reorder_queue` turns every entry into an anchor
//! (`rank = 1..=n`, `d = 255`). A later entry goes in front of the first
//! entry whose priority is strictly lower: into the gap before that
//! entry's anchor, sorted there by `(d, seq)`; entries inserted into one
//! gap always stay in priority order, so the key reproduces the
//! insertion rule exactly. Positions come from counts per gap and
//! priority and a Fenwick tree over the anchors, so no operation but
//! [`BucketQueue::position`] walks the queue.

use std::collections::{BTreeMap, BTreeSet};

use crate::id::WorkOrderId;

const END: u64 = u64::MAX;
const ANCHOR: u128 = 255;
const SEQ_MASK: u128 = (1 << 56) - 1;

/// The order key of an entry.
pub(crate) type QueueKey = u128;

fn key(rank: u64, d: u128, seq: u64) -> QueueKey {
    (u128::from(rank) << 64) | (d << 56) | (u128::from(seq) & SEQ_MASK)
}

fn rank_of(k: QueueKey) -> u64 {
    (k >> 64) as u64
}

fn is_anchor(k: QueueKey) -> bool {
    (k >> 56) & 0xff == ANCHOR
}

/// Counts by priority (index 1..=10; 0 unused).
type Counts = [u32; 11];

fn count_at_least(counts: &Counts, priority: u8) -> u32 {
    counts[usize::from(priority.min(10))..].iter().sum()
}

/// The anchors of a reordered queue.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Anchors {
    /// Number of anchor ranks handed out; the end gap is index `n + 1`.
    n: u64,
    /// Fenwick tree over indexes `1..=n + 1`: live anchor plus gap size.
    tree: Vec<u32>,
    /// Entries of each gap by priority, by gap index.
    gaps: BTreeMap<u64, Counts>,
    /// Keys of the entries of each priority.
    by_priority: Vec<BTreeSet<QueueKey>>,
}

impl Anchors {
    fn index(&self, rank: u64) -> u64 {
        if rank == END { self.n + 1 } else { rank }
    }

    fn add(&mut self, index: u64, delta: i32) {
        let mut i = index as usize;
        while i < self.tree.len() {
            self.tree[i] = self.tree[i].wrapping_add_signed(delta);
            i += i & i.wrapping_neg();
        }
    }

    fn prefix(&self, index: u64) -> u32 {
        let mut i = (index as usize).min(self.tree.len() - 1);
        let mut sum = 0;
        while i > 0 {
            sum += self.tree[i];
            i -= i & i.wrapping_neg();
        }
        sum
    }
}

/// One bucket's queue: its `queued` and `blocked` work orders in order.
///
/// Queued and blocked entries live in two maps with keys from one order,
/// so the head is the first queued key and each entry is stored once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct BucketQueue {
    queued: BTreeMap<QueueKey, WorkOrderId>,
    blocked: BTreeMap<QueueKey, WorkOrderId>,
    /// Counts by priority while the queue has no anchors.
    counts: Counts,
    anchors: Option<Box<Anchors>>,
}

impl BucketQueue {
    /// Number of entries, queued and blocked.
    pub(crate) fn len(&self) -> usize {
        self.queued.len() + self.blocked.len()
    }

    /// Whether the queue has no entry.
    pub(crate) fn is_empty(&self) -> bool {
        self.queued.is_empty() && self.blocked.is_empty()
    }

    /// Number of `queued` entries.
    pub(crate) fn queued_len(&self) -> usize {
        self.queued.len()
    }

    /// The first `queued` entry.
    pub(crate) fn head(&self) -> Option<WorkOrderId> {
        self.queued.first_key_value().map(|(_, id)| *id)
    }

    /// The entries in queue order: the two maps merged by key.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (QueueKey, WorkOrderId)> + '_ {
        let mut a = self.queued.iter().peekable();
        let mut b = self.blocked.iter().peekable();
        std::iter::from_fn(move || {
            let take_a = match (a.peek(), b.peek()) {
                (Some((ka, _)), Some((kb, _))) => ka < kb,
                (Some(_), None) => true,
                (None, _) => false,
            };
            let (k, id) = if take_a { a.next()? } else { b.next()? };
            Some((*k, *id))
        })
    }

    /// Where a new entry of `priority` would go: its key and its 1-based
    /// position after insertion.
    pub(crate) fn slot(&self, id: WorkOrderId, priority: u8) -> (QueueKey, u32) {
        let d = u128::from(10 - priority.min(10));
        let Some(a) = &self.anchors else {
            return (
                key(END, d, id.0),
                count_at_least(&self.counts, priority) + 1,
            );
        };
        let first_lower = (1..priority.min(11))
            .filter_map(|q| a.by_priority[usize::from(q)].first())
            .min();
        let rank = first_lower.map_or(END, |k| rank_of(*k));
        let index = a.index(rank);
        let in_gap = a
            .gaps
            .get(&index)
            .map_or(0, |c| count_at_least(c, priority));
        (key(rank, d, id.0), a.prefix(index - 1) + in_gap + 1)
    }

    /// Inserts a `queued` entry at the key [`BucketQueue::slot`] gave.
    pub(crate) fn insert(&mut self, k: QueueKey, id: WorkOrderId, priority: u8) {
        let p = usize::from(priority.min(10));
        self.queued.insert(k, id);
        match &mut self.anchors {
            None => self.counts[p] += 1,
            Some(a) => {
                let index = a.index(rank_of(k));
                a.gaps.entry(index).or_insert([0; 11])[p] += 1;
                a.add(index, 1);
                a.by_priority[p].insert(k);
            }
        }
    }

    /// Removes an entry.
    pub(crate) fn remove(&mut self, k: QueueKey, priority: u8) {
        let p = usize::from(priority.min(10));
        if self.queued.remove(&k).is_none() && self.blocked.remove(&k).is_none() {
            return;
        }
        match &mut self.anchors {
            None => self.counts[p] = self.counts[p].saturating_sub(1),
            Some(a) => {
                let index = a.index(rank_of(k));
                a.add(index, -1);
                a.by_priority[p].remove(&k);
                if !is_anchor(k)
                    && let Some(c) = a.gaps.get_mut(&index)
                {
                    c[p] = c[p].saturating_sub(1);
                    if c.iter().all(|n| *n == 0) {
                        a.gaps.remove(&index);
                    }
                }
            }
        }
        if self.is_empty() {
            *self = Self::default();
        }
    }

    /// Marks an entry `queued` (true) or `blocked` (false).
    pub(crate) fn set_queued(&mut self, k: QueueKey, queued: bool) {
        let (from, to) = if queued {
            (&mut self.blocked, &mut self.queued)
        } else {
            (&mut self.queued, &mut self.blocked)
        };
        if let Some(id) = from.remove(&k) {
            to.insert(k, id);
        }
    }

    /// The 1-based position of an entry (walks the entries before it).
    pub(crate) fn position(&self, k: QueueKey) -> Option<u32> {
        let present = self.queued.contains_key(&k) || self.blocked.contains_key(&k);
        let before = self.queued.range(..k).count() + self.blocked.range(..k).count();
        present.then_some(before as u32 + 1)
    }

    /// Replaces the order: `order` lists every entry with its priority
    /// and whether it is queued; returns the new key of each, in order.
    pub(crate) fn rebuild(&mut self, order: &[(WorkOrderId, u8, bool)]) -> Vec<QueueKey> {
        let n = order.len() as u64;
        let mut a = Anchors {
            n,
            tree: vec![0; order.len() + 2],
            gaps: BTreeMap::new(),
            by_priority: vec![BTreeSet::new(); 11],
        };
        let mut queued = BTreeMap::new();
        let mut blocked = BTreeMap::new();
        let mut keys = Vec::with_capacity(order.len());
        for (i, (id, priority, is_queued)) in order.iter().enumerate() {
            let k = key(i as u64 + 1, ANCHOR, 0);
            if *is_queued {
                queued.insert(k, *id);
            } else {
                blocked.insert(k, *id);
            }
            a.add(i as u64 + 1, 1);
            a.by_priority[usize::from((*priority).min(10))].insert(k);
            keys.push(k);
        }
        *self = if order.is_empty() {
            Self::default()
        } else {
            Self {
                queued,
                blocked,
                counts: [0; 11],
                anchors: Some(Box::new(a)),
            }
        };
        keys
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The insertion rule of flow.md 10, applied to a plain list.
    fn model_insert(model: &mut Vec<(u64, u8)>, id: u64, p: u8) -> usize {
        let at = model
            .iter()
            .position(|(_, q)| *q < p)
            .unwrap_or(model.len());
        model.insert(at, (id, p));
        at + 1
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8),
        Remove(usize),
        Reorder(u64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (1u8..=10).prop_map(Op::Insert),
            2 => any::<usize>().prop_map(Op::Remove),
            1 => any::<u64>().prop_map(Op::Reorder),
        ]
    }

    proptest! {
        #[test]
        fn the_index_keeps_the_order_of_the_insertion_rule(ops in prop::collection::vec(op(), 1..80)) {
            let mut q = BucketQueue::default();
            let mut keys: BTreeMap<u64, QueueKey> = BTreeMap::new();
            let mut model: Vec<(u64, u8)> = Vec::new();
            let mut next = 1;
            for op in ops {
                match op {
                    Op::Insert(p) => {
                        let (k, pos) = q.slot(WorkOrderId(next), p);
                        q.insert(k, WorkOrderId(next), p);
                        keys.insert(next, k);
                        let expected = model_insert(&mut model, next, p);
                        prop_assert_eq!(pos as usize, expected);
                        next += 1;
                    }
                    Op::Remove(i) if !model.is_empty() => {
                        let (id, p) = model.remove(i % model.len());
                        q.remove(keys[&id], p);
                    }
                    Op::Remove(_) => {}
                    Op::Reorder(seed) => {
                        let len = model.len();
                        let shift = (seed % len.max(1) as u64) as usize;
                        model.rotate_left(shift.min(len));
                        let order: Vec<_> = model
                            .iter()
                            .map(|(id, p)| (WorkOrderId(*id), *p, true))
                            .collect();
                        for ((id, _), k) in model.iter().zip(q.rebuild(&order)) {
                            keys.insert(*id, k);
                        }
                    }
                }
                let got: Vec<u64> = q.iter().map(|(_, id)| id.0).collect();
                let want: Vec<u64> = model.iter().map(|(id, _)| *id).collect();
                prop_assert_eq!(&got, &want);
                for (i, (id, _)) in model.iter().enumerate() {
                    prop_assert_eq!(q.position(keys[id]), Some(i as u32 + 1));
                }
            }
        }
    }
}
