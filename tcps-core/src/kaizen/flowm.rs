//! Flow metrics: WIP, age, throughput, cycle days, the service level
//! expectation, aging alerts and the Little's law diagnostic
//! (kaizen.md 6.1 to 6.7).

use serde::{Deserialize, Serialize};

use super::dora::{DayCount, daily_counts};
use super::facts::{BUCKETS, KaizenState, span};
use super::stats::{DurationSummary, Fraction, percentile};
use super::window::{Date, Window};
use crate::id::WorkOrderId;
use crate::line::Line;
use crate::time::{DAY_MS, Timestamp};

/// A count for one bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketCount {
    /// Bucket name.
    pub bucket: String,
    /// The count.
    pub count: u64,
}

/// WIP at one day's sample time (kaizen.md 6.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WipDay {
    /// The day.
    pub date: Date,
    /// WIP over all buckets.
    pub wip: u64,
    /// WIP per bucket, the six in flow.md's order.
    pub by_bucket: Vec<BucketCount>,
}

/// A work order in WIP at `now` (kaizen.md 6.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkItemAge {
    /// The work order.
    pub work_order: WorkOrderId,
    /// Its bucket.
    pub bucket: String,
    /// Its first start.
    pub started_at: Timestamp,
    /// `now − started_at`.
    pub age_ms: i64,
    /// `date(now) − date(started_at) + 1`.
    pub age_days: i64,
}

/// The service level expectation of a bucket (kaizen.md 6.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketSle {
    /// Bucket name.
    pub bucket: String,
    /// Completions in the SLE window.
    pub items: u64,
    /// p85 of their cycle days; null with fewer than `sle_min_items`.
    pub sle_days: Option<i64>,
}

/// A work item older than its bucket's SLE (kaizen.md 6.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgingAlert {
    /// The work order.
    pub work_order: WorkOrderId,
    /// Its bucket.
    pub bucket: String,
    /// Its age in days.
    pub age_days: i64,
    /// The bucket's SLE in days.
    pub sle_days: i64,
}

/// Little's law over the window, a diagnostic (kaizen.md 6.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LittlesLaw {
    /// Mean of the WIP series.
    pub avg_wip: Fraction,
    /// Completions per day.
    pub throughput: Fraction,
    /// Mean cycle time in days; null without completions.
    pub mean_cycle_days: Option<Fraction>,
    /// `throughput × mean_cycle_days`.
    pub predicted_wip: Fraction,
    /// `avg_wip / predicted_wip`; null when predicted is 0.
    pub ratio: Option<Fraction>,
    /// First starts in the window.
    pub starts: u64,
    /// Completions in the window.
    pub completions: u64,
    /// WIP at the window's start.
    pub wip_start: u64,
    /// WIP at the window's last millisecond (or `now`).
    pub wip_end: u64,
    /// `|starts − completions| <= max(1, completions / 10)`.
    pub balanced: bool,
    /// `|wip_start − wip_end| <= max(1, wip_start / 10)`.
    pub steady_wip: bool,
    /// `balanced && steady_wip`.
    pub holds: bool,
}

/// Work on one day of a cumulative flow chart (kaizen.md 11.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CfdDay {
    /// The day.
    pub date: Date,
    /// Completed since the first chart day.
    pub done: u64,
    /// In WIP.
    pub in_progress: u64,
    /// Created, not started, not cancelled.
    pub queued: u64,
}

/// The flow metrics of a window (kaizen.md 6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowMetrics {
    /// The window measured.
    pub window: Window,
    /// WIP per day.
    pub wip_series: Vec<WipDay>,
    /// Work items in WIP at `now`, oldest first, then by id.
    pub ages: Vec<WorkItemAge>,
    /// Work orders completed per day.
    pub throughput_series: Vec<DayCount>,
    /// Cycle days of work orders completed in the window.
    pub cycle_days: DurationSummary,
    /// Work orders cancelled in the window ("discarded").
    pub discarded: u64,
    /// SLE per bucket, the six in flow.md's order.
    pub sle: Vec<BucketSle>,
    /// Work items older than their bucket's SLE, in the order of `ages`.
    pub aging_alerts: Vec<AgingAlert>,
    /// The Little's law diagnostic.
    pub littles_law: LittlesLaw,
}

/// The sample time of a day: its last millisecond, or `now` if earlier.
pub(crate) fn sample_time(date: Date, now: Timestamp) -> Timestamp {
    date.last_ms().unwrap_or(Timestamp::MAX).min(now)
}

/// The flow metrics over `window` at `now`.
#[must_use]
pub fn flow(line: &Line, window: &Window, now: Timestamp) -> FlowMetrics {
    let state = &line.kaizen;
    let config = &line.config().kaizen;
    let wip_series = wip_series(state, window, now);
    let ages = ages(state, now);
    let sle = sle(state, now, config.sle_window_days, config.sle_min_items);
    let aging_alerts = ages
        .iter()
        .filter_map(|a| {
            let sle_days = sle.iter().find(|s| s.bucket == a.bucket)?.sle_days?;
            (a.age_days > sle_days).then(|| AgingAlert {
                work_order: a.work_order,
                bucket: a.bucket.clone(),
                age_days: a.age_days,
                sle_days,
            })
        })
        .collect();
    let completed = span(&state.completions, window.start(), window.end(), |e| e.at);
    let cycle_days = completed
        .iter()
        .filter_map(|e| {
            let started = state.wo(e.id)?.started_at?;
            Some(Date::of(e.at).day() - Date::of(started).day() + 1)
        })
        .collect();

    FlowMetrics {
        window: *window,
        throughput_series: daily_counts(&state.completions, window),
        cycle_days: DurationSummary::of(cycle_days),
        discarded: span(&state.cancels, window.start(), window.end(), |e| e.at).len() as u64,
        littles_law: littles_law(state, window, now, &wip_series),
        wip_series,
        ages,
        sle,
        aging_alerts,
    }
}

fn wip_series(state: &KaizenState, window: &Window, now: Timestamp) -> Vec<WipDay> {
    window
        .series_days()
        .map(|date| {
            let per_bucket = state.wip_at(sample_time(date, now));
            WipDay {
                date,
                wip: per_bucket.iter().sum(),
                by_bucket: BUCKETS
                    .iter()
                    .zip(per_bucket)
                    .map(|(b, count)| BucketCount {
                        bucket: (*b).to_owned(),
                        count,
                    })
                    .collect(),
            }
        })
        .collect()
}

fn ages(state: &KaizenState, now: Timestamp) -> Vec<WorkItemAge> {
    let mut ages: Vec<WorkItemAge> = state
        .open_at(now)
        .into_iter()
        .filter_map(|w| {
            let started = w.started_at.filter(|s| *s <= now)?;
            Some(WorkItemAge {
                work_order: WorkOrderId(w.id),
                bucket: super::tps::bucket_name(w.bucket).to_owned(),
                started_at: started,
                age_ms: now.saturating_sub(started),
                age_days: Date::of(now).day() - Date::of(started).day() + 1,
            })
        })
        .collect();
    ages.sort_by(|a, b| {
        b.age_ms
            .cmp(&a.age_ms)
            .then(a.work_order.cmp(&b.work_order))
    });
    ages
}

/// Cycle days per bucket over the SLE window, and each bucket's SLE.
fn sle(state: &KaizenState, now: Timestamp, days: u32, min_items: u32) -> Vec<BucketSle> {
    let mut per_bucket: [Vec<i64>; 7] = Default::default();
    if let Ok(w) = Window::trailing(i64::from(days), now) {
        for e in span(&state.completions, w.start(), w.end(), |e| e.at) {
            let Some(wo) = state.wo(e.id) else { continue };
            let Some(started) = wo.started_at else {
                continue;
            };
            per_bucket[wo.bucket].push(Date::of(e.at).day() - Date::of(started).day() + 1);
        }
    }
    BUCKETS
        .iter()
        .zip(per_bucket.iter_mut())
        .map(|(b, values)| {
            values.sort_unstable();
            let items = values.len() as u64;
            BucketSle {
                bucket: (*b).to_owned(),
                items,
                sle_days: if items >= u64::from(min_items) {
                    percentile(values, 85)
                } else {
                    None
                },
            }
        })
        .collect()
}

/// The SLE of a list of cycle days (kaizen.md 6.6): their p85 when there
/// are at least `min_items`.
#[must_use]
pub fn sle_of(cycle_days: &[i64], min_items: u32) -> Option<i64> {
    if (cycle_days.len() as u64) < u64::from(min_items) {
        return None;
    }
    let mut sorted = cycle_days.to_vec();
    sorted.sort_unstable();
    percentile(&sorted, 85)
}

fn littles_law(state: &KaizenState, window: &Window, now: Timestamp, wip: &[WipDay]) -> LittlesLaw {
    let d = i128::from(window.day_count().max(1));
    let (start, end) = (window.start(), window.end());
    let completed = span(&state.completions, start, end, |e| e.at);
    let completions = completed.len() as u64;
    let cycle_ms: i128 = completed
        .iter()
        .filter_map(|e| Some(i128::from(e.at - state.wo(e.id)?.started_at?)))
        .sum();
    let wip_sum: i128 = wip.iter().map(|w| i128::from(w.wip)).sum();
    let starts = span(&state.starts, start, end, |e| e.at).len() as u64;
    let wip_start: u64 = state.wip_at(start).iter().sum();
    let wip_end: u64 = state.wip_at((end - 1).min(now)).iter().sum();

    let zero = || {
        Fraction::of(0, 1).unwrap_or(Fraction {
            num: 0,
            den: 1,
            text: "0.00".into(),
        })
    };
    let day = i128::from(DAY_MS);
    let predicted = Fraction::of(cycle_ms, d * day).unwrap_or_else(zero);
    let balanced = starts.abs_diff(completions) <= (completions / 10).max(1);
    let steady_wip = wip_start.abs_diff(wip_end) <= (wip_start / 10).max(1);
    LittlesLaw {
        avg_wip: Fraction::of(wip_sum, d).unwrap_or_else(zero),
        throughput: Fraction::of(i128::from(completions), d).unwrap_or_else(zero),
        mean_cycle_days: Fraction::of(cycle_ms, i128::from(completions) * day),
        ratio: if cycle_ms == 0 {
            None
        } else {
            Fraction::of(wip_sum * day, cycle_ms)
        },
        predicted_wip: predicted,
        starts,
        completions,
        wip_start,
        wip_end,
        balanced,
        steady_wip,
        holds: balanced && steady_wip,
    }
}

/// Cumulative flow over the `days` days ending `last` (kaizen.md 11.3).
pub(crate) fn cumulative_flow(
    state: &KaizenState,
    last: Date,
    days: i64,
    now: Timestamp,
) -> Vec<CfdDay> {
    let first = last.add_days(1 - days);
    let from = first.start_ms().unwrap_or(i64::MIN);
    (0..days)
        .map(|i| {
            let date = first.add_days(i);
            let t = sample_time(date, now);
            CfdDay {
                date,
                done: span(&state.completions, from, t.saturating_add(1), |e| e.at).len() as u64,
                in_progress: state.wip_at(t).iter().sum(),
                queued: state.queued_at(t),
            }
        })
        .collect()
}

/// Completions per day over the `days` days ending `last`.
pub(crate) fn completions_per_day(state: &KaizenState, last: Date, days: i64) -> Vec<DayCount> {
    super::dora::per_day(&state.completions, last, days)
        .into_iter()
        .enumerate()
        .map(|(i, count)| DayCount {
            date: last.add_days(i as i64 + 1 - days),
            count,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k27_the_sle_is_the_p85_of_enough_completions() {
        let features = [1, 1, 2, 3, 3, 5, 9];

        assert_eq!(sle_of(&features, 5), Some(5));
        assert_eq!(sle_of(&features[..4], 5), None);
    }
}
