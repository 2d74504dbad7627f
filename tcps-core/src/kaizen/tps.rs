//! TPS metrics (kaizen.md 4).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::facts::{BUCKETS, KaizenState, OTHER_BUCKET, PASSED, RERUN_AFTER_FAIL, span};
use super::stats::{DurationSummary, Rate, Ratio};
use super::window::Window;
use crate::line::Line;
use crate::time::{HOUR_MS, Timestamp};

/// SLA attainment of one bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketRatio {
    /// Bucket name.
    pub bucket: String,
    /// Met / completed with a deadline; null without any.
    pub ratio: Option<Ratio>,
}

/// SLA attainment (kaizen.md 4.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaAttainment {
    /// Over all buckets.
    pub overall: Option<Ratio>,
    /// The six buckets in flow.md's order.
    pub by_bucket: Vec<BucketRatio>,
    /// Work orders open at the window's end with a deadline at or before
    /// it: open and breached (flow.md 12) at the window's last
    /// millisecond, or at `now` when that comes first.
    pub open_breached: u64,
}

/// First-pass yield of one gate (kaizen.md 4.8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateFpy {
    /// Gate name.
    pub gate: String,
    /// Pairs whose attempt 1 passed / pairs with attempt 1 in the window.
    pub ratio: Option<Ratio>,
}

/// A count per failure type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeCount {
    /// Failure type.
    pub failure_type: String,
    /// Andons raised.
    pub count: u64,
}

/// Andons raised in the window (kaizen.md 4.9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AndonRate {
    /// The rate of raises.
    #[serde(flatten)]
    pub rate: Rate,
    /// Count per failure type, by count descending then name; types
    /// without an andon are left out.
    pub by_type: Vec<TypeCount>,
}

/// Lead times binned for the histogram of kaizen.md 11.3.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Histogram {
    /// Bin width in hours (0 without data).
    pub bin_hours: i64,
    /// Values per bin; bin `i` holds `[i·w, (i+1)·w)` hours.
    pub bins: Vec<u64>,
}

/// The bin widths of kaizen.md 11.3, in hours.
pub const BIN_HOURS: [i64; 11] = [1, 2, 4, 8, 12, 24, 48, 96, 168, 336, 720];

impl Histogram {
    /// Bins durations in ms: the smallest width of `BIN_HOURS` that
    /// needs at most 12 bins (720 when none does).
    #[must_use]
    pub fn of(values_ms: &[i64]) -> Self {
        let Some(max) = values_ms.iter().copied().max() else {
            return Self::default();
        };
        let max = max.max(0);
        let fits = |w: i64| max / (w * HOUR_MS) < 12;
        let bin_hours = BIN_HOURS.iter().copied().find(|w| fits(*w)).unwrap_or(720);
        let width = bin_hours * HOUR_MS;
        let mut bins = vec![0; (max / width + 1) as usize];
        for v in values_ms {
            let i = (v.max(&0) / width) as usize;
            if let Some(bin) = bins.get_mut(i) {
                *bin += 1;
            }
        }
        Self { bin_hours, bins }
    }
}

/// The TPS metrics of a window (kaizen.md 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TpsMetrics {
    /// The window measured.
    pub window: Window,
    /// Completion − creation of work orders completed in the window.
    pub lead_time: DurationSummary,
    /// Histogram of the same lead times (kaizen.md 11.3).
    pub lead_time_histogram: Histogram,
    /// Completion − first start of those that started.
    pub cycle_time: DurationSummary,
    /// SKUs published in the window.
    pub throughput: Rate,
    /// First-pass SKUs / published SKUs.
    pub first_pass_yield: Option<Ratio>,
    /// Andons (not `sla_breach`) / published SKUs; may exceed 10000 bp.
    pub defect_rate: Option<Ratio>,
    /// SKUs re-run after a fail / SKUs evaluated in the window.
    pub rework_rate: Option<Ratio>,
    /// Met deadlines of work orders completed in the window.
    pub sla: SlaAttainment,
    /// Passed evaluations (and skips) / all of them.
    pub gate_pass_rate: Option<Ratio>,
    /// Per gate, in line order.
    pub gate_fpy: Vec<GateFpy>,
    /// Andons raised in the window.
    pub andon_rate: AndonRate,
    /// Resolution − raise of andons raised in the window and resolved at
    /// or before `now`.
    pub resolution: DurationSummary,
}

/// The counts behind the history metrics of quality.md 4.6, over a
/// window (kaizen.md 4.4, 4.5, 4.6, 4.8).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryCounts {
    /// SKUs published.
    pub published: u64,
    /// Of those, first-pass.
    pub first_pass: u64,
    /// Andons raised, `sla_breach` left out.
    pub andons: u64,
    /// Gate evaluations and skips.
    pub evaluations: u64,
    /// Of those, passed.
    pub evaluations_passed: u64,
    /// SKUs with an evaluation.
    pub skus_evaluated: u64,
    /// Of those, re-run after a fail.
    pub skus_reworked: u64,
}

impl HistoryCounts {
    /// First-pass yield (kaizen.md 4.4).
    #[must_use]
    pub fn first_pass_yield(&self) -> Option<Ratio> {
        Ratio::of(self.first_pass, self.published)
    }

    /// Defect rate (kaizen.md 4.5).
    #[must_use]
    pub fn defect_rate(&self) -> Option<Ratio> {
        Ratio::of(self.andons, self.published)
    }

    /// Gate pass rate (kaizen.md 4.8).
    #[must_use]
    pub fn gate_pass_rate(&self) -> Option<Ratio> {
        Ratio::of(self.evaluations_passed, self.evaluations)
    }

    /// Rework rate (kaizen.md 4.6).
    #[must_use]
    pub fn rework_rate(&self) -> Option<Ratio> {
        Ratio::of(self.skus_reworked, self.skus_evaluated)
    }
}

/// The history counts of a window: what quality.md's `quality_metrics`
/// gate reads, without the rest of the TPS metrics.
#[must_use]
pub fn history(line: &Line, window: &Window) -> HistoryCounts {
    history_of(&line.kaizen, window)
}

pub(crate) fn history_of(state: &KaizenState, window: &Window) -> HistoryCounts {
    history_between(state, window.start(), window.end())
}

/// The history counts of `[start, end)` in ms, for callers inside the
/// crate whose window is not a whole number of days (quality.md 4.6
/// computes it from the line's facts through this).
pub(crate) fn history_between(
    state: &KaizenState,
    start: Timestamp,
    end: Timestamp,
) -> HistoryCounts {
    let published = span(&state.publications, start, end, |e| e.at);
    let first_pass = published
        .iter()
        .filter(|e| is_first_pass(state, e.id, e.at))
        .count() as u64;
    let andons = span(&state.andons, start, end, |a| a.raised_at)
        .iter()
        .filter(|a| !a.sla_breach)
        .count() as u64;
    let evals = span(&state.evals, start, end, |e| e.at);
    let passed = evals.iter().filter(|e| e.has(PASSED)).count() as u64;
    let mut skus: Vec<(u64, bool)> = evals
        .iter()
        .map(|e| (e.sku, e.has(RERUN_AFTER_FAIL)))
        .collect();
    skus.sort_unstable();
    let mut evaluated = 0;
    let mut reworked = 0;
    for (i, (sku, rerun)) in skus.iter().enumerate() {
        let last_of_sku = skus.get(i + 1).is_none_or(|next| next.0 != *sku);
        if last_of_sku {
            evaluated += 1;
            // Sorted with `false < true`: the last entry says if any re-ran.
            reworked += u64::from(*rerun);
        }
    }
    HistoryCounts {
        published: published.len() as u64,
        first_pass,
        andons,
        evaluations: evals.len() as u64,
        evaluations_passed: passed,
        skus_evaluated: evaluated,
        skus_reworked: reworked,
    }
}

/// Whether a SKU published at `published_at` is first-pass (kaizen.md 4.4).
fn is_first_pass(state: &KaizenState, sku: u64, published_at: Timestamp) -> bool {
    state
        .sku(sku)
        .is_some_and(|s| !s.attempt1_failed && s.first_andon_at.is_none_or(|a| a > published_at))
}

/// The TPS metrics over `window`; `now` bounds andon resolution (4.9)
/// and the open breaches of 4.7.
#[must_use]
pub fn tps(line: &Line, window: &Window, now: Timestamp) -> TpsMetrics {
    let state = &line.kaizen;
    let (start, end) = (window.start(), window.end());
    let counts = history_of(state, window);

    let completed = span(&state.completions, start, end, |e| e.at);
    let mut lead = Vec::with_capacity(completed.len());
    let mut cycle = Vec::with_capacity(completed.len());
    for e in completed {
        if let Some(wo) = state.wo(e.id) {
            lead.push(e.at - wo.created_at);
            if let Some(s) = wo.started_at {
                cycle.push(e.at - s);
            }
        }
    }
    lead.sort_unstable();

    TpsMetrics {
        window: *window,
        lead_time: DurationSummary::of_sorted(&lead),
        lead_time_histogram: Histogram::of(&lead),
        cycle_time: DurationSummary::of(cycle),
        throughput: Rate::of(counts.published, window.day_count()),
        first_pass_yield: counts.first_pass_yield(),
        defect_rate: counts.defect_rate(),
        rework_rate: counts.rework_rate(),
        sla: sla(state, window, now),
        gate_pass_rate: counts.gate_pass_rate(),
        gate_fpy: gate_fpy(line, window),
        andon_rate: andon_rate(state, window),
        resolution: resolution(state, window, now),
    }
}

fn sla(state: &KaizenState, window: &Window, now: Timestamp) -> SlaAttainment {
    let mut met = [0u64; 7];
    let mut with_deadline = [0u64; 7];
    for e in span(&state.completions, window.start(), window.end(), |e| e.at) {
        let Some(wo) = state.wo(e.id) else { continue };
        if wo.sla_deadline.is_none() {
            continue;
        }
        with_deadline[wo.bucket] += 1;
        met[wo.bucket] += u64::from(wo.sla_met == Some(true));
    }
    let t = (window.end() - 1).min(now);
    let open_breached = state
        .open_at(t)
        .iter()
        .filter(|w| w.sla_deadline.is_some_and(|d| d <= t))
        .count() as u64;
    SlaAttainment {
        overall: Ratio::of(met.iter().sum(), with_deadline.iter().sum()),
        by_bucket: BUCKETS
            .iter()
            .enumerate()
            .map(|(i, b)| BucketRatio {
                bucket: (*b).to_owned(),
                ratio: Ratio::of(met[i], with_deadline[i]),
            })
            .collect(),
        open_breached,
    }
}

/// Gates in line order: by the position of their stage in the line, then
/// by name; gates whose stage is no longer in the line come last.
pub(crate) fn gate_order(line: &Line, gates: &mut [(u32, u32)]) {
    let state = &line.kaizen;
    let stages = line.config().stages();
    let position = |stage: u32| {
        let name = state.names.name(stage);
        stages.iter().position(|s| s == name).unwrap_or(usize::MAX)
    };
    gates.sort_by(|a, b| {
        position(a.1)
            .cmp(&position(b.1))
            .then_with(|| state.names.name(a.0).cmp(state.names.name(b.0)))
    });
}

fn gate_fpy(line: &Line, window: &Window) -> Vec<GateFpy> {
    let state = &line.kaizen;
    // gate -> (stage, passed, pairs)
    let mut per_gate: BTreeMap<u32, (u32, u64, u64)> = BTreeMap::new();
    for e in span(&state.evals, window.start(), window.end(), |e| e.at) {
        if e.attempt != 1 {
            continue;
        }
        let slot = per_gate.entry(e.gate).or_insert((e.stage, 0, 0));
        slot.1 += u64::from(e.has(PASSED));
        slot.2 += 1;
    }
    let mut gates: Vec<(u32, u32)> = per_gate.iter().map(|(g, v)| (*g, v.0)).collect();
    gate_order(line, &mut gates);
    gates
        .iter()
        .map(|(g, _)| {
            let (_, passed, pairs) = per_gate.get(g).copied().unwrap_or_default();
            GateFpy {
                gate: state.names.name(*g).to_owned(),
                ratio: Ratio::of(passed, pairs),
            }
        })
        .collect()
}

fn andon_rate(state: &KaizenState, window: &Window) -> AndonRate {
    let raised = span(&state.andons, window.start(), window.end(), |a| a.raised_at);
    let mut by_type: BTreeMap<&str, u64> = BTreeMap::new();
    for a in raised {
        *by_type.entry(state.names.name(a.failure_type)).or_default() += 1;
    }
    let mut by_type: Vec<TypeCount> = by_type
        .into_iter()
        .map(|(t, count)| TypeCount {
            failure_type: t.to_owned(),
            count,
        })
        .collect();
    // Stable sort keeps the names ascending within a count.
    by_type.sort_by_key(|t| std::cmp::Reverse(t.count));
    AndonRate {
        rate: Rate::of(raised.len() as u64, window.day_count()),
        by_type,
    }
}

fn resolution(state: &KaizenState, window: &Window, now: Timestamp) -> DurationSummary {
    let raised = span(&state.andons, window.start(), window.end(), |a| a.raised_at);
    let values = raised
        .iter()
        .filter_map(|a| a.resolved_at.filter(|r| *r <= now).map(|r| r - a.raised_at))
        .collect();
    DurationSummary::of(values)
}

/// Index of a bucket in [`BUCKETS`], for callers outside this module.
pub(crate) fn bucket_name(index: usize) -> &'static str {
    BUCKETS
        .get(index)
        .copied()
        .unwrap_or(if index == OTHER_BUCKET { "other" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = HOUR_MS;

    #[test]
    fn the_histogram_of_k_uses_eight_hour_bins() {
        let lead = [3 * H, 53 * H, 49 * H, 29 * H, 9 * H / 2];

        let h = Histogram::of(&lead);

        assert_eq!(h.bin_hours, 8);
        assert_eq!(h.bins, vec![2, 0, 0, 1, 0, 0, 2]);
    }

    #[test]
    fn the_histogram_falls_back_to_720_hours() {
        let h = Histogram::of(&[100_000 * H]);

        assert_eq!(h.bin_hours, 720);
        assert_eq!(h.bins.len(), 139);
    }
}
