//! Weekly snapshots, trends, targets and achievement (kaizen.md 10).

use serde::{Deserialize, Serialize};

use super::config::{KaizenConfig, Targets};
use super::facts::{KaizenState, span};
use super::stats::{DurationSummary, Rate};
use super::tps::history_of;
use super::window::{Date, Window};
use crate::error::{Error, Result};
use crate::line::Line;

/// The six headline metrics (kaizen.md 10.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// p50 lead time, ms.
    LeadTime,
    /// p50 cycle time, ms.
    CycleTime,
    /// Defect rate, bp.
    DefectRate,
    /// Rework rate, bp.
    ReworkRate,
    /// First-pass yield, bp.
    FirstPassYield,
    /// Throughput, milli per day.
    Throughput,
}

impl Metric {
    /// The six, in the order of kaizen.md 10.1.
    pub const ALL: [Self; 6] = [
        Self::LeadTime,
        Self::CycleTime,
        Self::DefectRate,
        Self::ReworkRate,
        Self::FirstPassYield,
        Self::Throughput,
    ];

    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LeadTime => "lead_time",
            Self::CycleTime => "cycle_time",
            Self::DefectRate => "defect_rate",
            Self::ReworkRate => "rework_rate",
            Self::FirstPassYield => "first_pass_yield",
            Self::Throughput => "throughput",
        }
    }

    /// Whether a higher value is better.
    #[must_use]
    pub fn higher_is_better(self) -> bool {
        matches!(self, Self::FirstPassYield | Self::Throughput)
    }

    /// The metric's target.
    #[must_use]
    pub fn target(self, targets: &Targets) -> i64 {
        targets.get(self.as_str()).unwrap_or(1)
    }

    /// Whether `a` is strictly better than `b`.
    #[must_use]
    pub fn better(self, a: i64, b: i64) -> bool {
        if self.higher_is_better() {
            a > b
        } else {
            a < b
        }
    }
}

/// The headline metrics of one week (kaizen.md 10.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// First day of the week.
    pub from: Date,
    /// Last day of the week.
    pub to: Date,
    /// p50 lead time, ms.
    pub lead_time: Option<i64>,
    /// p50 cycle time, ms.
    pub cycle_time: Option<i64>,
    /// Defect rate, bp.
    pub defect_rate: Option<i64>,
    /// Rework rate, bp.
    pub rework_rate: Option<i64>,
    /// First-pass yield, bp.
    pub first_pass_yield: Option<i64>,
    /// Throughput, milli per day; never null.
    pub throughput: Option<i64>,
}

impl Snapshot {
    /// The value of one metric.
    #[must_use]
    pub fn get(&self, metric: Metric) -> Option<i64> {
        match metric {
            Metric::LeadTime => self.lead_time,
            Metric::CycleTime => self.cycle_time,
            Metric::DefectRate => self.defect_rate,
            Metric::ReworkRate => self.rework_rate,
            Metric::FirstPassYield => self.first_pass_yield,
            Metric::Throughput => self.throughput,
        }
    }
}

/// Where a metric is heading (kaizen.md 10.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The last value is better than the first.
    Improving,
    /// Worse.
    Declining,
    /// Equal.
    Flat,
    /// Fewer than two values.
    InsufficientData,
}

/// The trend of one metric (kaizen.md 10.2, 10.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trend {
    /// The metric.
    pub metric: Metric,
    /// Its direction.
    pub direction: Direction,
    /// Linear improvement per week, bp; null when the first value is 0
    /// or there are fewer than two values.
    pub rate_bp: Option<i64>,
    /// The current value (of the last week).
    pub current: Option<i64>,
    /// The target.
    pub target: i64,
    /// Achievement of the current value, bp.
    pub achievement_bp: Option<i64>,
    /// Achievement 10000 or rate at least `on_track_rate_bp`.
    pub on_track: bool,
}

/// One metric this week and last week (kaizen.md 10.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekOverWeek {
    /// The metric.
    pub metric: Metric,
    /// The week ending `last_day`.
    pub current: Option<i64>,
    /// The 7 days before.
    pub previous: Option<i64>,
    /// `trunc((current − previous) × 10000 / previous)`.
    pub change_bp: Option<i64>,
    /// Strictly better.
    pub improved: Option<bool>,
}

/// The headline metrics of a window.
pub(crate) fn headline(state: &KaizenState, window: &Window) -> Snapshot {
    let counts = history_of(state, window);
    let completed = span(&state.completions, window.start(), window.end(), |e| e.at);
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
    let bp = |r: Option<super::stats::Ratio>| r.map(|r| i64::try_from(r.bp).unwrap_or(i64::MAX));
    Snapshot {
        from: window.first_day(),
        to: window.last_day(),
        lead_time: DurationSummary::of(lead).p50,
        cycle_time: DurationSummary::of(cycle).p50,
        defect_rate: bp(counts.defect_rate()),
        rework_rate: bp(counts.rework_rate()),
        first_pass_yield: bp(counts.first_pass_yield()),
        throughput: Some(Rate::of(counts.published, window.day_count()).milli_per_day),
    }
}

fn week(last_day: Date, weeks_back: i64) -> Result<Window> {
    let to = last_day.add_days(-7 * weeks_back);
    Window::days(to.add_days(-6), to)
}

/// `weeks` (default `trend_weeks`, 1 to 522) weekly snapshots ending
/// with `last_day`, oldest first (kaizen.md 10.1).
pub fn snapshots(line: &Line, last_day: Date, weeks: Option<u32>) -> Result<Vec<Snapshot>> {
    let weeks = weeks.unwrap_or(line.config().kaizen.trend_weeks);
    if !(1..=522).contains(&weeks) {
        return Err(Error::InvalidWindow {
            from: None,
            to: None,
            days: Some(i64::from(weeks)),
            reason: "weeks must be 1 to 522".into(),
        });
    }
    (0..i64::from(weeks))
        .rev()
        .map(|back| week(last_day, back).map(|w| headline(&line.kaizen, &w)))
        .collect()
}

/// Achievement of a value against its target, bp capped at 10000
/// (kaizen.md 10.4).
#[must_use]
pub fn achievement(metric: Metric, current: Option<i64>, target: i64) -> Option<i64> {
    let current = i128::from(current?);
    let target = i128::from(target);
    let bp = if metric.higher_is_better() {
        (current * 10_000 / target.max(1)).min(10_000)
    } else if current <= target {
        10_000
    } else {
        target * 10_000 / current
    };
    i64::try_from(bp).ok()
}

/// `floor(sum / n)` over the non-null achievements.
#[must_use]
pub fn overall(achievements: &[Option<i64>]) -> Option<i64> {
    let known: Vec<i64> = achievements.iter().flatten().copied().collect();
    if known.is_empty() {
        return None;
    }
    Some(known.iter().sum::<i64>().div_euclid(known.len() as i64))
}

/// The trend of each headline metric over `snaps`, oldest first
/// (kaizen.md 10.2).
#[must_use]
pub fn trends(snaps: &[Snapshot], config: &KaizenConfig) -> Vec<Trend> {
    Metric::ALL
        .iter()
        .map(|m| {
            let values: Vec<Option<i64>> = snaps.iter().map(|s| s.get(*m)).collect();
            trend(*m, &values, config)
        })
        .collect()
}

/// The trend of one metric over weekly values, oldest first.
#[must_use]
pub fn trend(metric: Metric, values: &[Option<i64>], config: &KaizenConfig) -> Trend {
    let target = metric.target(&config.targets);
    let current = values.last().copied().flatten();
    let achievement_bp = achievement(metric, current, target);
    let known: Vec<(usize, i64)> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    let (direction, rate_bp) = match (known.first(), known.last()) {
        (Some(&(first_at, first)), Some(&(last_at, last))) if known.len() >= 2 => {
            let direction = if metric.better(last, first) {
                Direction::Improving
            } else if metric.better(first, last) {
                Direction::Declining
            } else {
                Direction::Flat
            };
            let weeks = (last_at - first_at) as i128;
            let (from, to) = (i128::from(first), i128::from(last));
            let change = if metric.higher_is_better() {
                to - from
            } else {
                from - to
            };
            let rate = (from != 0).then(|| change * 10_000 / (from * weeks));
            (direction, rate.and_then(|r| i64::try_from(r).ok()))
        }
        _ => (Direction::InsufficientData, None),
    };
    let on_track =
        achievement_bp == Some(10_000) || rate_bp.is_some_and(|r| r >= config.on_track_rate_bp);
    Trend {
        metric,
        direction,
        rate_bp,
        current,
        target,
        achievement_bp,
        on_track,
    }
}

/// This week against last week, per headline metric (kaizen.md 10.5).
#[must_use]
pub fn week_over_week(current: &Snapshot, previous: &Snapshot) -> Vec<WeekOverWeek> {
    Metric::ALL
        .iter()
        .map(|m| {
            let (cur, prev) = (current.get(*m), previous.get(*m));
            let both = cur.zip(prev);
            WeekOverWeek {
                metric: *m,
                current: cur,
                previous: prev,
                change_bp: both.and_then(|(c, p)| {
                    (p != 0).then(|| {
                        let change = (i128::from(c) - i128::from(p)) * 10_000 / i128::from(p);
                        i64::try_from(change).unwrap_or(i64::MAX)
                    })
                }),
                improved: both.map(|(c, p)| m.better(c, p)),
            }
        })
        .collect()
}

/// Week-over-week of the week ending `last_day`.
pub(crate) fn week_over_week_at(state: &KaizenState, last_day: Date) -> Result<Vec<WeekOverWeek>> {
    let current = headline(state, &week(last_day, 0)?);
    let previous = headline(state, &week(last_day, 1)?);
    Ok(week_over_week(&current, &previous))
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    fn row(metric: Metric, values: &[Option<i64>]) -> (Direction, Option<i64>, Option<i64>, bool) {
        let t = trend(metric, values, &KaizenConfig::standard());
        (t.direction, t.rate_bp, t.achievement_bp, t.on_track)
    }

    #[test]
    fn k47_trend_rules() {
        use Direction::{Declining, Flat, Improving};

        assert_eq!(
            row(Metric::LeadTime, &[Some(8 * H), Some(6 * H), Some(5 * H)]),
            (Improving, Some(1875), Some(4000), true)
        );
        assert_eq!(
            row(Metric::DefectRate, &[Some(300), Some(300), Some(300)]),
            (Flat, Some(0), Some(3333), false)
        );
        assert_eq!(
            row(Metric::ReworkRate, &[Some(400), Some(600), Some(900)]),
            (Declining, Some(-6250), Some(5555), false)
        );
        assert_eq!(
            row(Metric::CycleTime, &[Some(H), None, Some(H / 2)]),
            (Improving, Some(2500), Some(10_000), true)
        );
        assert_eq!(
            row(
                Metric::FirstPassYield,
                &[Some(8000), Some(8500), Some(9000)]
            ),
            (Improving, Some(625), Some(9473), true)
        );
        assert_eq!(
            row(Metric::Throughput, &[Some(0), Some(2000), Some(3000)]),
            (Improving, None, Some(3000), false)
        );
        let slow = [Some(4 * H), Some(38 * H / 10), Some(361 * H / 100)];
        assert_eq!(row(Metric::LeadTime, &slow).1, Some(487));
        assert!(row(Metric::LeadTime, &slow).3);
    }

    #[test]
    fn k48_achievement_of_ks_week() {
        let cases = [
            (Metric::LeadTime, 29 * H, 689),
            (Metric::DefectRate, 8000, 125),
            (Metric::ReworkRate, 5000, 1000),
            (Metric::CycleTime, 28 * H, 178),
            (Metric::FirstPassYield, 6000, 6315),
            (Metric::Throughput, 714, 714),
        ];
        let targets = Targets::standard();
        let mut all = Vec::new();
        for (metric, value, expected) in cases {
            let a = achievement(metric, Some(value), metric.target(&targets));

            assert_eq!(a, Some(expected), "{metric:?}");
            all.push(a);
        }

        assert_eq!(overall(&all), Some(1503));
        assert_eq!(super::super::stats::bp_text(1503), "15.03");
    }

    #[test]
    fn a_single_value_is_insufficient_data() {
        let t = row(Metric::LeadTime, &[None, Some(H)]);

        assert_eq!(t.0, Direction::InsufficientData);
        assert_eq!(t.1, None);
    }
}
