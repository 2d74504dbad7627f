//! DORA metrics and their bands (kaizen.md 5).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::facts::{Event, KaizenState, Subject, span};
use super::stats::{DurationSummary, Rate, Ratio};
use super::window::{Date, Window};
use crate::line::Line;
use crate::time::{DAY_MS, HOUR_MS, Timestamp};

/// Deployments on one UTC day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// The day.
    pub date: Date,
    /// Events on it.
    pub count: u64,
}

/// Deployment frequency band (kaizen.md 5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FrequencyBand {
    /// Most weeks have deployments on three days or more.
    Daily,
    /// Most weeks have a deployment.
    Weekly,
    /// Most 30-day months have a deployment.
    Monthly,
    /// Some deployment in the 91 days.
    Yearly,
    /// No deployment in the 91 days.
    None,
}

/// Lead time and recovery band (kaizen.md 5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationBand {
    /// Under 24 h.
    OneDay,
    /// Under 168 h.
    OneWeek,
    /// Under 730 h.
    OneMonth,
    /// Under 4 380 h.
    SixMonths,
    /// Longer.
    OneYear,
}

impl DurationBand {
    /// The band of a p50 in ms.
    #[must_use]
    pub fn of(p50_ms: i64) -> Self {
        match p50_ms {
            v if v < 24 * HOUR_MS => Self::OneDay,
            v if v < 168 * HOUR_MS => Self::OneWeek,
            v if v < 730 * HOUR_MS => Self::OneMonth,
            v if v < 4380 * HOUR_MS => Self::SixMonths,
            _ => Self::OneYear,
        }
    }
}

/// Change fail rate band (kaizen.md 5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CfrBand {
    /// At most 15.00 %.
    #[serde(rename = "0-15%")]
    Low,
    /// Below 46.00 %.
    #[serde(rename = "16-45%")]
    Medium,
    /// 46.00 % or more.
    #[serde(rename = "46-60%")]
    High,
}

impl CfrBand {
    /// The band of a change fail rate, compared exactly.
    #[must_use]
    pub fn of(ratio: &Ratio) -> Self {
        if ratio.at_most_bp(1500) {
            Self::Low
        } else if ratio.below_bp(4600) {
            Self::Medium
        } else {
            Self::High
        }
    }

    /// The label, `0-15%`, `16-45%` or `46-60%`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "0-15%",
            Self::Medium => "16-45%",
            Self::High => "46-60%",
        }
    }
}

/// Deployment frequency (kaizen.md 5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeploymentFrequency {
    /// Deployments in the window.
    #[serde(flatten)]
    pub rate: Rate,
    /// Deployments per day of the window's day series (kaizen.md 6.1).
    pub daily: Vec<DayCount>,
    /// Band over the 91 days ending with the window's last day.
    pub band: FrequencyBand,
}

/// Where change lead times started (kaizen.md 5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadTimeVariant {
    /// Every value from a commit time.
    Commit,
    /// No value from a commit time.
    WorkOrderStart,
    /// Some of each.
    Mixed,
}

/// Change lead time (kaizen.md 5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeLeadTime {
    /// Publication − start, over deployments in the window.
    #[serde(flatten)]
    pub summary: DurationSummary,
    /// Values that started at the host's `commit_at`.
    pub from_commit: u64,
    /// Values that started at the work order's first start.
    pub from_start: u64,
    /// Values `<= 0`, or deployments with neither start, left out.
    pub dropped: u64,
    /// Null without values.
    pub variant: Option<LeadTimeVariant>,
    /// Band of the p50.
    pub band: Option<DurationBand>,
}

/// Change fail rate (kaizen.md 5.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeFailRate {
    /// Failed deployments / deployments in the window.
    pub ratio: Option<Ratio>,
    /// The failed deployments, ascending.
    pub failed: Vec<String>,
    /// Band of the ratio.
    pub band: Option<CfrBand>,
}

/// Failed deployment recovery time (kaizen.md 5.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recovery {
    /// Restoration − publication of failed deployments fully restored.
    #[serde(flatten)]
    pub summary: DurationSummary,
    /// Failed deployments with an attributed andon still open.
    pub unresolved: u64,
    /// Band of the p50.
    pub band: Option<DurationBand>,
}

/// The five DORA metrics of a window (kaizen.md 5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoraMetrics {
    /// The window measured.
    pub window: Window,
    /// 5.1.
    pub deployment_frequency: DeploymentFrequency,
    /// 5.2.
    pub change_lead_time: ChangeLeadTime,
    /// 5.3: deployments fixing an andon / deployments.
    pub deployment_rework_rate: Option<Ratio>,
    /// 5.4.
    pub change_fail_rate: ChangeFailRate,
    /// 5.5.
    pub recovery: Recovery,
}

/// The DORA metrics over `window`; andons raised up to `now` count.
#[must_use]
pub fn dora(line: &Line, window: &Window, now: Timestamp) -> DoraMetrics {
    let state = &line.kaizen;
    let deployments = span(&state.publications, window.start(), window.end(), |e| e.at);
    let attributed = attributions(
        state,
        deployments,
        window,
        now,
        line.config().kaizen.cfr_attribution_ms,
    );
    let fixes = deployments
        .iter()
        .filter(|e| state.sku(e.id).is_some_and(|s| s.fixes.is_some()))
        .count() as u64;
    let total = deployments.len() as u64;
    let cfr = Ratio::of(attributed.len() as u64, total);

    DoraMetrics {
        window: *window,
        deployment_frequency: frequency(state, window),
        change_lead_time: change_lead_time(state, deployments),
        deployment_rework_rate: Ratio::of(fixes, total),
        change_fail_rate: ChangeFailRate {
            ratio: cfr,
            failed: attributed
                .keys()
                .map(|s| crate::id::SkuId(*s).to_string())
                .collect(),
            band: cfr.as_ref().map(CfrBand::of),
        },
        recovery: recovery(state, &attributed, now),
    }
}

/// Deployments per day of `days`, counting only those inside `window`.
pub(crate) fn daily_counts(events: &[Event], window: &Window) -> Vec<DayCount> {
    window
        .series_days()
        .map(|date| {
            let from = date.start_ms().unwrap_or(i64::MIN).max(window.start());
            let to = date
                .add_days(1)
                .start_ms()
                .unwrap_or(i64::MAX)
                .min(window.end());
            DayCount {
                date,
                count: span(events, from, to, |e| e.at).len() as u64,
            }
        })
        .collect()
}

fn frequency(state: &KaizenState, window: &Window) -> DeploymentFrequency {
    let deployments = span(&state.publications, window.start(), window.end(), |e| e.at);
    DeploymentFrequency {
        rate: Rate::of(deployments.len() as u64, window.day_count()),
        daily: daily_counts(&state.publications, window),
        band: frequency_band(&per_day(&state.publications, window.last_day(), 91)),
    }
}

/// Events per day over the `n` days ending `last`, oldest first.
pub(crate) fn per_day(events: &[Event], last: Date, n: i64) -> Vec<u64> {
    (0..n)
        .map(|i| {
            let day = last.add_days(i - n + 1).day();
            let (from, to) = (day.saturating_mul(DAY_MS), (day + 1).saturating_mul(DAY_MS));
            span(events, from, to, |e| e.at).len() as u64
        })
        .collect()
}

/// The band of 91 daily deployment counts, oldest first (kaizen.md 5.1).
#[must_use]
pub fn frequency_band(days: &[u64]) -> FrequencyBand {
    let n = days.len();
    let chunk = |from_end: usize, len: usize| {
        let hi = n.saturating_sub(from_end);
        let lo = hi.saturating_sub(len);
        days.get(lo..hi).unwrap_or(&[])
    };
    let median = |mut v: Vec<u64>| {
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or(0)
    };
    let weeks: Vec<&[u64]> = (0..13).map(|k| chunk(7 * k, 7)).collect();
    let days_deployed = weeks
        .iter()
        .map(|w| w.iter().filter(|c| **c > 0).count() as u64);
    if median(days_deployed.collect()) >= 3 {
        return FrequencyBand::Daily;
    }
    if median(weeks.iter().map(|w| w.iter().sum()).collect()) >= 1 {
        return FrequencyBand::Weekly;
    }
    let months = (0..3).map(|k| chunk(30 * k, 30).iter().sum());
    if median(months.collect()) >= 1 {
        return FrequencyBand::Monthly;
    }
    if days.iter().any(|c| *c > 0) {
        FrequencyBand::Yearly
    } else {
        FrequencyBand::None
    }
}

fn change_lead_time(state: &KaizenState, deployments: &[Event]) -> ChangeLeadTime {
    let mut values = Vec::with_capacity(deployments.len());
    let (mut from_commit, mut from_start, mut dropped) = (0, 0, 0);
    for e in deployments {
        let Some(sku) = state.sku(e.id) else { continue };
        let start = match sku.commit_at {
            Some(c) => Some((c, true)),
            None => state
                .wo(sku.wo)
                .and_then(|w| w.started_at)
                .map(|s| (s, false)),
        };
        match start {
            Some((s, commit)) if e.at - s > 0 => {
                values.push(e.at - s);
                if commit {
                    from_commit += 1;
                } else {
                    from_start += 1;
                }
            }
            _ => dropped += 1,
        }
    }
    let summary = DurationSummary::of(values);
    let variant = match (from_commit, from_start) {
        (0, 0) => None,
        (_, 0) => Some(LeadTimeVariant::Commit),
        (0, _) => Some(LeadTimeVariant::WorkOrderStart),
        _ => Some(LeadTimeVariant::Mixed),
    };
    ChangeLeadTime {
        band: summary.p50.map(DurationBand::of),
        summary,
        from_commit,
        from_start,
        dropped,
        variant,
    }
}

/// The deployment an andon is attributed to (kaizen.md 5.4), if any.
pub(crate) fn attributed_sku(
    state: &KaizenState,
    subject: Subject,
    sla_breach: bool,
    raised_at: Timestamp,
    limit_ms: i64,
) -> Option<u64> {
    if sla_breach {
        return None;
    }
    let (sku, published) = match subject {
        Subject::Sku(s) => (s, state.sku(s)?.published_at?),
        Subject::WorkOrder(w) => state
            .wo(w)?
            .skus
            .iter()
            .filter_map(|s| Some((*s, state.sku(*s)?.published_at?)))
            .filter(|(_, p)| *p <= raised_at)
            .max_by_key(|(s, p)| (*p, *s))?,
        Subject::Other => return None,
    };
    let within = published <= raised_at && raised_at - published < limit_ms;
    within.then_some(sku)
}

/// Failed deployments of the window and the andons attributed to each.
fn attributions(
    state: &KaizenState,
    deployments: &[Event],
    window: &Window,
    now: Timestamp,
    limit_ms: i64,
) -> BTreeMap<u64, Vec<usize>> {
    let mut out: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
    let Some(first) = deployments.first() else {
        return out;
    };
    // An attributed andon is raised at or after its deployment and
    // before deployment + limit, and at or before now.
    let last_raise = window
        .end()
        .saturating_add(limit_ms)
        .min(now.saturating_add(1));
    let lo = state.andons.partition_point(|a| a.raised_at < first.at);
    let hi = state.andons.partition_point(|a| a.raised_at < last_raise);
    for i in lo..hi.max(lo) {
        let Some(a) = state.andons.get(i) else { break };
        let Some(sku) = attributed_sku(state, a.subject, a.sla_breach, a.raised_at, limit_ms)
        else {
            continue;
        };
        let in_window = state
            .sku(sku)
            .and_then(|s| s.published_at)
            .is_some_and(|p| window.contains(p));
        if in_window {
            out.entry(sku).or_default().push(i);
        }
    }
    out
}

fn recovery(state: &KaizenState, failed: &BTreeMap<u64, Vec<usize>>, now: Timestamp) -> Recovery {
    let mut values = Vec::new();
    let mut unresolved = 0;
    for (sku, andons) in failed {
        let Some(published) = state.sku(*sku).and_then(|s| s.published_at) else {
            continue;
        };
        let restored = andons
            .iter()
            .map(|i| {
                state
                    .andons
                    .get(*i)
                    .and_then(|a| a.resolved_at)
                    .filter(|r| *r <= now)
            })
            .collect::<Option<Vec<_>>>()
            .and_then(|times| times.into_iter().max());
        match restored {
            Some(r) => values.push(r - published),
            None => unresolved += 1,
        }
    }
    let summary = DurationSummary::of(values);
    Recovery {
        band: summary.p50.map(DurationBand::of),
        summary,
        unresolved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days_with(deployed: impl Fn(usize) -> u64) -> Vec<u64> {
        (0..91).map(deployed).collect()
    }

    #[test]
    fn k16_one_busy_week_in_91_days_is_yearly() {
        let mut days = vec![0; 91];
        for (i, c) in [1, 0, 1, 2, 1, 0, 0].iter().enumerate() {
            days[84 + i] = *c;
        }

        assert_eq!(frequency_band(&days), FrequencyBand::Yearly);
    }

    #[test]
    fn k17_other_bands() {
        // Day 0 of the 91 is a Monday in these examples (weeks Monday to
        // Sunday end with the last day, a Sunday).
        let mon_wed_fri = days_with(|i| u64::from(matches!(i % 7, 0 | 2 | 4)));
        let mon_wed = days_with(|i| u64::from(matches!(i % 7, 0 | 2)));
        let every_20 = days_with(|i| u64::from(i % 20 == 0));

        assert_eq!(frequency_band(&mon_wed_fri), FrequencyBand::Daily);
        assert_eq!(frequency_band(&mon_wed), FrequencyBand::Weekly);
        assert_eq!(frequency_band(&every_20), FrequencyBand::Monthly);
        assert_eq!(frequency_band(&[0; 91]), FrequencyBand::None);
    }

    #[test]
    fn k23_band_edges_are_exact() {
        assert_eq!(DurationBand::of(86_399_999), DurationBand::OneDay);
        assert_eq!(DurationBand::of(86_400_000), DurationBand::OneWeek);

        let band = |num, den| Ratio::of(num, den).map(|r| CfrBand::of(&r));
        assert_eq!(band(3, 20), Some(CfrBand::Low));
        assert_eq!(band(1501, 10_000), Some(CfrBand::Medium));
        assert_eq!(band(4599, 10_000), Some(CfrBand::Medium));
        assert_eq!(band(23, 50), Some(CfrBand::High));
        assert_eq!(Ratio::of(3001, 20_000).map(|r| r.bp), Some(1500));
        assert_eq!(band(3001, 20_000), Some(CfrBand::Medium));
    }

    #[test]
    fn cfr_bands_print_as_percent_ranges() {
        let json = serde_json::to_string(&CfrBand::Medium).unwrap_or_default();

        assert_eq!(json, "\"16-45%\"");
        assert_eq!(CfrBand::High.as_str(), "46-60%");
    }
}
