//! Leveling (heijunka, flow.md 11): `next` with its three strategies and
//! its decision record, and the pure helpers `level`,
//! `bucket_allocation_for`, `leveling_score` and `optimize`.

use serde::{Deserialize, Serialize};

use super::types::{Bucket, DecisionStrategy, PerBucket, SkipReason, Strategy};
use super::wip::admit;
use crate::error::Result;
use crate::id::WorkOrderId;
use crate::line::Line;
use crate::time::Timestamp;
use crate::value::Value;

/// An eligible head offered to `next` (flow.md 11.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    /// Its bucket.
    pub bucket: Bucket,
    /// The work order.
    pub work_order: WorkOrderId,
    /// Its priority.
    pub priority: u8,
}

/// A bucket without an eligible head, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// The bucket.
    pub bucket: Bucket,
    /// The first reason that applies.
    pub reason: SkipReason,
}

/// One weighted counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketCounter {
    /// The bucket.
    pub bucket: Bucket,
    /// Its counter.
    pub value: i64,
}

/// How a start was decided: the `decision` of `work_order.started`
/// (flow.md 11.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// `direct`, `dequeue` or the strategy of `next`.
    pub strategy: DecisionStrategy,
    /// Eligible heads, canonical order.
    pub heads: Vec<Head>,
    /// Buckets without an eligible head, canonical order.
    pub skipped: Vec<Skipped>,
    /// Round robin: the cursor before the call.
    pub cursor_before: Option<Bucket>,
    /// Round robin: the cursor after the call.
    pub cursor_after: Option<Bucket>,
    /// Weighted: the counters before the weights were added.
    pub counters_before: Option<Vec<BucketCounter>>,
    /// Weighted: the counters after the winner dropped.
    pub counters_after: Option<Vec<BucketCounter>>,
    /// What decided, e.g. `highest priority 9`.
    pub rule: String,
}

impl Decision {
    /// The decision of a direct `start`.
    #[must_use]
    pub fn direct() -> Self {
        Self::plain(DecisionStrategy::Direct, "direct".to_owned())
    }

    /// The decision of a `dequeue` of `bucket`.
    #[must_use]
    pub fn dequeue(bucket: Bucket) -> Self {
        Self::plain(
            DecisionStrategy::Dequeue,
            format!("first queued in {bucket}"),
        )
    }

    fn plain(strategy: DecisionStrategy, rule: String) -> Self {
        Self {
            strategy,
            heads: Vec::new(),
            skipped: Vec::new(),
            cursor_before: None,
            cursor_after: None,
            counters_before: None,
            counters_after: None,
            rule,
        }
    }

    /// The receipt form.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let heads = self
            .heads
            .iter()
            .map(|h| {
                crate::obj! {
                    "bucket" => h.bucket.as_str(),
                    "work_order" => h.work_order.to_string(),
                    "priority" => i64::from(h.priority),
                }
            })
            .collect();
        let skipped = self
            .skipped
            .iter()
            .map(|s| crate::obj! { "bucket" => s.bucket.as_str(), "reason" => s.reason.as_str() })
            .collect();
        let bucket = |b: Option<Bucket>| b.map_or(Value::Null, |b| Value::from(b.as_str()));
        let counters = |c: &Option<Vec<BucketCounter>>| {
            c.as_ref().map_or(Value::Null, |list| {
                Value::Array(
                    list.iter()
                        .map(|c| crate::obj! { "bucket" => c.bucket.as_str(), "value" => c.value })
                        .collect(),
                )
            })
        };
        crate::obj! {
            "strategy" => self.strategy.as_str(),
            "heads" => Value::Array(heads),
            "skipped" => Value::Array(skipped),
            "cursor_before" => bucket(self.cursor_before),
            "cursor_after" => bucket(self.cursor_after),
            "counters_before" => counters(&self.counters_before),
            "counters_after" => counters(&self.counters_after),
            "rule" => self.rule.as_str(),
        }
    }
}

/// The answer of `next` (flow.md 11.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Next {
    /// A work order was started.
    Started {
        /// The work order.
        work_order: WorkOrderId,
        /// Why it was chosen.
        decision: Decision,
    },
    /// No bucket had an eligible head; nothing was appended.
    Idle {
        /// All six buckets with their reasons.
        skipped: Vec<Skipped>,
    },
}

fn counter_list(counters: &PerBucket<i64>) -> Vec<BucketCounter> {
    counters
        .iter()
        .map(|(bucket, value)| BucketCounter {
            bucket,
            value: *value,
        })
        .collect()
}

impl Line {
    /// Heads and skipped buckets as `next` sees them (flow.md 11.1).
    fn heads(&self) -> (Vec<Head>, Vec<Skipped>) {
        let mut heads = Vec::with_capacity(6);
        let mut skipped = Vec::new();
        for b in Bucket::ALL {
            let queue = &self.flow.queues[*b];
            let reason = match queue.head() {
                None if queue.is_empty() => Some(SkipReason::Empty),
                None => Some(SkipReason::OnlyBlocked),
                Some(id) => {
                    let priority = self.flow.wo(id).map_or(0, |w| w.priority);
                    if !crate::andon::stopping_for_start(self, id).is_empty() {
                        Some(SkipReason::LineStopped)
                    } else if admit(&self.config.flow, &self.flow, *b, priority).is_err() {
                        Some(SkipReason::WipLimit)
                    } else {
                        heads.push(Head {
                            bucket: *b,
                            work_order: id,
                            priority,
                        });
                        None
                    }
                }
            };
            if let Some(reason) = reason {
                skipped.push(Skipped { bucket: *b, reason });
            }
        }
        (heads, skipped)
    }

    /// Picks one eligible head by the configured strategy and starts it
    /// (flow.md 11.2); `Idle` when no bucket has one, appending nothing.
    pub fn next(&mut self, now: Timestamp) -> Result<Next> {
        self.check_now(now)?;
        let (heads, skipped) = self.heads();
        if heads.is_empty() {
            return Ok(Next::Idle { skipped });
        }
        let flow = &self.config.flow;
        let strategy = flow.leveling;
        let mut decision = Decision {
            strategy: strategy.into(),
            heads,
            skipped,
            cursor_before: None,
            cursor_after: None,
            counters_before: None,
            counters_after: None,
            rule: String::new(),
        };
        let winner = match strategy {
            Strategy::Priority => {
                let best = decision
                    .heads
                    .iter()
                    .copied()
                    .min_by_key(|h| {
                        let created = self.flow.wo(h.work_order).map_or(0, |w| w.created_at);
                        (std::cmp::Reverse(h.priority), created, h.work_order)
                    })
                    .unwrap_or(decision.heads[0]);
                decision.rule = format!("highest priority {}", best.priority);
                best
            }
            Strategy::RoundRobin => {
                let cursor = self.flow.cursor;
                let best = decision
                    .heads
                    .iter()
                    .copied()
                    .min_by_key(|h| (h.bucket.index() + 6 - cursor.index()) % 6)
                    .unwrap_or(decision.heads[0]);
                decision.cursor_before = Some(cursor);
                decision.cursor_after = Some(best.bucket.next());
                decision.rule = format!("first eligible from {cursor}");
                best
            }
            Strategy::Weighted => {
                let mut counters = self.flow.counters;
                decision.counters_before = Some(counter_list(&counters));
                let total: i64 = decision
                    .heads
                    .iter()
                    .map(|h| i64::from(flow.buckets[h.bucket].weight))
                    .sum();
                for h in &decision.heads {
                    counters[h.bucket] += i64::from(flow.buckets[h.bucket].weight);
                }
                // max_by_key keeps the last of equal keys; reversing the
                // bucket index makes the first in canonical order win.
                let best = decision
                    .heads
                    .iter()
                    .copied()
                    .max_by_key(|h| (counters[h.bucket], std::cmp::Reverse(h.bucket.index())))
                    .unwrap_or(decision.heads[0]);
                decision.rule = format!("highest counter {}", counters[best.bucket]);
                counters[best.bucket] -= total;
                decision.counters_after = Some(counter_list(&counters));
                best
            }
        };
        let draft = self.plan_start(winner.work_order, &decision)?;
        self.commit(now, vec![draft])?;
        Ok(Next::Started {
            work_order: winner.work_order,
            decision,
        })
    }

    /// [`level`] with the weights of the configuration in force.
    #[must_use]
    pub fn level(&self, items: &[LevelItem], strategy: Strategy) -> Vec<LevelItem> {
        let weights = self.config.flow.buckets.map(|_, c| c.weight);
        level_by(items, strategy, &weights)
    }

    /// Per-bucket allocation of `capacity` over the queued work orders
    /// (flow.md 11.5).
    #[must_use]
    pub fn bucket_allocation(&self, capacity: u32) -> PerBucket<u32> {
        let counts = self.flow.queues.map(|_, q| q.queued_len() as u32);
        bucket_allocation_for(&counts, capacity)
    }
}

/// An item for [`level`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelItem {
    /// Any id the caller chooses.
    pub id: String,
    /// The bucket.
    pub bucket: Bucket,
    /// The priority.
    pub priority: u8,
}

/// Orders `items` by a strategy without starting anything
/// (flow.md 11.4), `weighted` with the default weights of flow.md 3.1.
/// Nothing is dropped.
#[must_use]
pub fn level(items: &[LevelItem], strategy: Strategy) -> Vec<LevelItem> {
    let weights = super::config::FlowConfig::standard()
        .buckets
        .map(|_, c| c.weight);
    level_by(items, strategy, &weights)
}

/// [`level`] with the given bucket weights.
#[must_use]
pub fn level_by(
    items: &[LevelItem],
    strategy: Strategy,
    weights: &PerBucket<u32>,
) -> Vec<LevelItem> {
    if strategy == Strategy::Priority {
        let mut out = items.to_vec();
        out.sort_by_key(|i| std::cmp::Reverse(i.priority));
        return out;
    }
    let mut groups: PerBucket<std::collections::VecDeque<LevelItem>> = PerBucket::default();
    for item in items {
        groups[item.bucket].push_back(item.clone());
    }
    for b in Bucket::ALL {
        groups[*b]
            .make_contiguous()
            .sort_by_key(|i| std::cmp::Reverse(i.priority));
    }
    let mut out = Vec::with_capacity(items.len());
    if strategy == Strategy::RoundRobin {
        while out.len() < items.len() {
            for b in Bucket::ALL {
                if let Some(item) = groups[*b].pop_front() {
                    out.push(item);
                }
            }
        }
        return out;
    }
    let weights = weights.map(|_, w| i64::from(*w));
    let mut counters: PerBucket<i64> = PerBucket::default();
    while out.len() < items.len() {
        let eligible: Vec<Bucket> = Bucket::ALL
            .iter()
            .copied()
            .filter(|b| !groups[*b].is_empty())
            .collect();
        let total: i64 = eligible.iter().map(|b| weights[*b]).sum();
        for b in &eligible {
            counters[*b] += weights[*b];
        }
        let Some(winner) = eligible
            .iter()
            .copied()
            .max_by_key(|b| (counters[*b], std::cmp::Reverse(b.index())))
        else {
            break;
        };
        counters[winner] -= total;
        if let Some(item) = groups[winner].pop_front() {
            out.push(item);
        }
    }
    out
}

/// Allocation of `capacity` over per-bucket counts (flow.md 11.5):
/// `min(c, max(1, round_half_away(c * capacity / T)))`, 0 for empty
/// buckets. The sum can exceed `capacity`.
#[must_use]
pub fn bucket_allocation_for(counts: &PerBucket<u32>, capacity: u32) -> PerBucket<u32> {
    let total: u128 = counts.iter().map(|(_, c)| u128::from(*c)).sum();
    counts.map(|_, c| {
        if total == 0 || *c == 0 {
            return 0;
        }
        let c128 = u128::from(*c);
        let share = (2 * c128 * u128::from(capacity) + total) / (2 * total);
        share.clamp(1, c128) as u32
    })
}

/// An entry of a schedule scored by [`leveling_score`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleItem {
    /// The bucket.
    pub bucket: Bucket,
    /// The priority, 0..10 (0: none).
    pub priority: u8,
}

/// How level a schedule is (flow.md 11.6); each value in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// 1 when no bucket runs in a batch.
    pub batching: f64,
    /// 1 when every bucket present has as many items.
    pub uniformity: f64,
    /// How early the high priorities come.
    pub priority: f64,
    /// `0.5 * batching + 0.3 * uniformity + 0.2 * priority`.
    pub overall: f64,
}

/// Scores a schedule (flow.md 11.6); for reports, never logged.
#[must_use]
pub fn leveling_score(schedule: &[ScheduleItem]) -> Score {
    let n = schedule.len();

    let batching = if n <= 1 {
        1.0
    } else {
        let (mut longest, mut run) = (1usize, 1usize);
        for pair in schedule.windows(2) {
            run = if pair[0].bucket == pair[1].bucket {
                run + 1
            } else {
                1
            };
            longest = longest.max(run);
        }
        1.0 - (longest - 1) as f64 / (n - 1) as f64
    };

    let mut counts: PerBucket<usize> = PerBucket::default();
    for item in schedule {
        counts[item.bucket] += 1;
    }
    let present: Vec<usize> = counts.iter().map(|(_, k)| *k).filter(|k| *k > 0).collect();
    let m = present.len();
    let uniformity = if m <= 1 {
        1.0
    } else {
        let mean = n as f64 / m as f64;
        let var = present
            .iter()
            .map(|k| (*k as f64 - mean).powi(2))
            .sum::<f64>()
            / m as f64;
        let cv = var.sqrt() / mean;
        1.0 - (cv / 2.0).min(1.0)
    };

    let total: u64 = schedule.iter().map(|i| u64::from(i.priority)).sum();
    let priority = if n == 0 || total == 0 {
        1.0
    } else {
        let weighted: f64 = schedule
            .iter()
            .enumerate()
            .map(|(i, item)| f64::from(item.priority) * (i as f64 / n as f64))
            .sum();
        1.0 - weighted / total as f64
    };

    Score {
        batching,
        uniformity,
        priority,
        overall: 0.5 * batching + 0.3 * uniformity + 0.2 * priority,
    }
}

/// `SplitMix64`, the seeded generator of flow.md 11.7.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose state starts at `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

/// Improves a schedule by hill climbing with seeded swaps (flow.md
/// 11.7); the result is a permutation of the input scoring no lower.
#[must_use]
pub fn optimize(
    schedule: &[ScheduleItem],
    iterations: u32,
    seed: u64,
) -> (Vec<ScheduleItem>, Score) {
    let mut out = schedule.to_vec();
    let n = out.len();
    if n <= 1 {
        let score = leveling_score(&out);
        return (out, score);
    }
    let mut rng = SplitMix64::new(seed);
    let mut best = leveling_score(&out).overall;
    for _ in 0..iterations {
        let i = rng.below(n as u64) as usize;
        let j = rng.below(n as u64) as usize;
        if i == j {
            continue;
        }
        out.swap(i, j);
        let overall = leveling_score(&out).overall;
        if overall - best > 1e-12 {
            best = overall;
        } else {
            out.swap(i, j);
        }
    }
    let score = leveling_score(&out);
    (out, score)
}
