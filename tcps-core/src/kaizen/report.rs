//! The weekly report and its recommendations (kaizen.md 11.1, 11.2).

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::config::Targets;
use super::dora::{DayCount, DoraMetrics, dora};
use super::flowm::{CfdDay, FlowMetrics, completions_per_day, cumulative_flow, flow};
use super::improve::ImprovementStatus;
use super::proposals::{Proposal, proposals_from};
use super::stats::{Rate, format_fraction, hours_text};
use super::tps::{TpsMetrics, tps};
use super::trends::{
    Direction, Metric, Snapshot, Trend, WeekOverWeek, achievement, overall, snapshots, trends,
    week_over_week_at,
};
use super::waste::{WastePoint, WasteType, waste_of};
use super::window::{Date, Window};
use crate::error::Result;
use crate::id::ImprovementId;
use crate::line::Line;
use crate::time::{Timestamp, format_rfc3339};

/// Days of the run chart and the cumulative flow chart (kaizen.md 11.3).
pub const CHART_DAYS: i64 = 28;

/// A range of whole days, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
}

/// One headline metric against its target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryRow {
    /// The metric.
    pub metric: Metric,
    /// Its value for the report's period.
    pub value: Option<i64>,
    /// Its target.
    pub target: i64,
    /// Achievement, bp.
    pub achievement_bp: Option<i64>,
}

/// The headline metrics, their targets and achievement (kaizen.md 10.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// The six metrics in the order of kaizen.md 10.1.
    pub metrics: Vec<SummaryRow>,
    /// Mean of the known achievements, bp.
    pub overall_bp: Option<i64>,
}

/// The flow part of a report: the flow metrics and the data of the two
/// flow charts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowSection {
    /// The flow metrics of the period.
    #[serde(flatten)]
    pub metrics: FlowMetrics,
    /// Completions per day over the 28 days ending the last day.
    pub run_chart: Vec<DayCount>,
    /// Cumulative flow over the same 28 days.
    pub cumulative_flow: Vec<CfdDay>,
}

/// Points and waste of one type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeTotal {
    /// Number of points.
    pub count: u64,
    /// Sum of their `total_ms`.
    pub total_ms: i64,
}

/// Waste types present, in the order they first appear among the points;
/// a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WasteByType(pub Vec<(WasteType, TypeTotal)>);

impl Serialize for WasteByType {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (t, total) in &self.0 {
            map.serialize_entry(t.as_str(), total)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for WasteByType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = WasteByType;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of waste types")
            }

            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((t, total)) = map.next_entry::<WasteType, TypeTotal>()? {
                    out.push((t, total));
                }
                Ok(WasteByType(out))
            }
        }
        d.deserialize_map(Entries)
    }
}

/// The waste part of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WasteSection {
    /// Sum of `total_ms` over all points.
    pub total_ms: i64,
    /// The first 10 points (kaizen.md 7.3 order).
    pub top: Vec<WastePoint>,
    /// Per type present: points and total.
    pub by_type: WasteByType,
}

/// An improvement applied or concluded in the report's period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImprovementEntry {
    /// The improvement.
    pub id: ImprovementId,
    /// Its waste type.
    #[serde(rename = "type")]
    pub waste_type: WasteType,
    /// Its stage.
    pub stage: String,
    /// What it does.
    pub description: String,
    /// Its status now.
    pub status: ImprovementStatus,
    /// When it was applied.
    pub applied_at: Option<Timestamp>,
    /// `kept` or `rejected`, when concluded in the period.
    pub decision: Option<ImprovementStatus>,
    /// Its benefit, when concluded in the period.
    pub benefit_ms: Option<i64>,
}

/// Trends over the report's weeks (kaizen.md 10.1, 10.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendSection {
    /// The weekly snapshots, oldest first.
    pub weeks: Vec<Snapshot>,
    /// The trend of each headline metric.
    pub metrics: Vec<Trend>,
}

/// Priority of a recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Act first.
    High,
    /// Act soon.
    Medium,
}

/// One recommendation (kaizen.md 11.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    /// How urgent.
    pub priority: Priority,
    /// `metric_decline`, `high_waste`, `throughput` or `aging_wip`.
    pub category: String,
    /// What was found, one line.
    pub message: String,
    /// What to do.
    pub action: String,
}

/// The weekly Kaizen report (kaizen.md 11.1); the JSON keys come in the
/// order of the spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyReport {
    /// `weekly_kaizen` (`kaizen` for a period that is not 7 days).
    pub report: String,
    /// Last day of the period.
    pub week_ending: Date,
    /// The period.
    pub window: DateRange,
    /// `now`, RFC 3339 with milliseconds.
    pub generated_at: String,
    /// Headline metrics, targets, achievement.
    pub summary: Summary,
    /// TPS metrics of the period.
    pub tps: TpsMetrics,
    /// DORA metrics of the period.
    pub dora: DoraMetrics,
    /// Flow metrics and the flow charts' data.
    pub flow: FlowSection,
    /// Waste of the period.
    pub waste: WasteSection,
    /// The first 10 proposals (not recorded).
    pub proposals: Vec<Proposal>,
    /// Improvements applied or concluded in the period, by id.
    pub improvements: Vec<ImprovementEntry>,
    /// Trends over `trend_weeks` ending the last day.
    pub trends: TrendSection,
    /// The last week against the one before.
    pub week_over_week: Vec<WeekOverWeek>,
    /// What to do next.
    pub recommendations: Vec<Recommendation>,
}

/// The weekly report of the week ending `week_ending` (kaizen.md 11.1).
pub fn weekly_report(line: &Line, week_ending: Date, now: Timestamp) -> Result<WeeklyReport> {
    report(line, week_ending.add_days(-6), week_ending, now)
}

/// The report of kaizen.md 11.1 over any whole days `from..=to`: the
/// weekly report when they are 7, else the same sections over the
/// longer or shorter period with `report: "kaizen"`. Trends and week
/// over week stay weekly, ending `to`.
pub fn report(line: &Line, from: Date, to: Date, now: Timestamp) -> Result<WeeklyReport> {
    let window = Window::days(from, to)?;
    let state = &line.kaizen;
    let config = &line.config().kaizen;

    let tps = tps(line, &window, now);
    let dora = dora(line, &window, now);
    let flow = flow(line, &window, now);
    let points = waste_of(state, config, &window);
    let proposals = proposals_from(&points, config);
    let snaps = snapshots(line, to, None)?;
    let trend_list = trends(&snaps, config);

    let summary = summary(&tps, &config.targets);
    let recommendations = recommendations(
        &trend_list,
        &points,
        &tps.throughput,
        &config.targets,
        flow.aging_alerts.len(),
    );
    let improvements = improvements_in(line, &window);

    Ok(WeeklyReport {
        report: if window.day_count() == 7 {
            "weekly_kaizen"
        } else {
            "kaizen"
        }
        .to_owned(),
        week_ending: to,
        window: DateRange { from, to },
        generated_at: format_rfc3339(now),
        summary,
        tps,
        dora,
        flow: FlowSection {
            metrics: flow,
            run_chart: completions_per_day(state, to, CHART_DAYS),
            cumulative_flow: cumulative_flow(state, to, CHART_DAYS, now),
        },
        waste: waste_section(&points),
        proposals: proposals.into_iter().take(10).collect(),
        improvements,
        trends: TrendSection {
            weeks: snaps,
            metrics: trend_list,
        },
        week_over_week: week_over_week_at(state, to)?,
        recommendations,
    })
}

fn summary(tps: &TpsMetrics, targets: &Targets) -> Summary {
    let bp = |r: Option<super::stats::Ratio>| r.map(|r| i64::try_from(r.bp).unwrap_or(i64::MAX));
    let value = |m: Metric| match m {
        Metric::LeadTime => tps.lead_time.p50,
        Metric::CycleTime => tps.cycle_time.p50,
        Metric::DefectRate => bp(tps.defect_rate),
        Metric::ReworkRate => bp(tps.rework_rate),
        Metric::FirstPassYield => bp(tps.first_pass_yield),
        Metric::Throughput => Some(tps.throughput.milli_per_day),
    };
    let metrics: Vec<SummaryRow> = Metric::ALL
        .iter()
        .map(|m| {
            let target = m.target(targets);
            SummaryRow {
                metric: *m,
                value: value(*m),
                target,
                achievement_bp: achievement(*m, value(*m), target),
            }
        })
        .collect();
    let all: Vec<Option<i64>> = metrics.iter().map(|r| r.achievement_bp).collect();
    Summary {
        overall_bp: overall(&all),
        metrics,
    }
}

fn waste_section(points: &[WastePoint]) -> WasteSection {
    let mut by_type: Vec<(WasteType, TypeTotal)> = Vec::new();
    for p in points {
        match by_type.iter_mut().find(|(t, _)| *t == p.waste_type) {
            Some((_, total)) => {
                total.count += 1;
                total.total_ms = total.total_ms.saturating_add(p.total_ms);
            }
            None => by_type.push((
                p.waste_type,
                TypeTotal {
                    count: 1,
                    total_ms: p.total_ms,
                },
            )),
        }
    }
    WasteSection {
        total_ms: points
            .iter()
            .map(|p| p.total_ms)
            .fold(0i64, i64::saturating_add),
        top: points.iter().take(10).cloned().collect(),
        by_type: WasteByType(by_type),
    }
}

fn improvements_in(line: &Line, window: &Window) -> Vec<ImprovementEntry> {
    line.kaizen
        .improvements
        .iter()
        .filter_map(|imp| {
            let applied = imp.applied_at.is_some_and(|t| window.contains(t));
            let concluded =
                imp.benefit_ms.is_some() && imp.decided_at.is_some_and(|t| window.contains(t));
            (applied || concluded).then(|| ImprovementEntry {
                id: imp.id,
                waste_type: imp.waste_type,
                stage: imp.stage.clone(),
                description: imp.description.clone(),
                status: imp.status,
                applied_at: imp.applied_at,
                decision: concluded.then_some(imp.status),
                benefit_ms: if concluded { imp.benefit_ms } else { None },
            })
        })
        .collect()
}

/// The recommendations of kaizen.md 11.2, in rule order.
#[must_use]
pub fn recommendations(
    trends: &[Trend],
    waste: &[WastePoint],
    throughput: &Rate,
    targets: &Targets,
    aging_alerts: usize,
) -> Vec<Recommendation> {
    let mut out = Vec::new();
    let mut declining: Vec<&str> = trends
        .iter()
        .filter(|t| t.direction == Direction::Declining)
        .map(|t| t.metric.as_str())
        .collect();
    declining.sort_unstable();
    if !declining.is_empty() {
        out.push(Recommendation {
            priority: Priority::High,
            category: "metric_decline".into(),
            message: format!("Metrics declining: {}", declining.join(", ")),
            action: "Find the root causes and add countermeasures".into(),
        });
    }
    if let Some(p) = waste.iter().find(|p| p.weekly_ms > 36_000_000) {
        out.push(Recommendation {
            priority: Priority::High,
            category: "high_waste".into(),
            message: format!(
                "High waste: {} in {} ({} hours a week)",
                p.waste_type.as_str(),
                p.stage,
                hours_text(p.weekly_ms, 1)
            ),
            action: "Treat this waste first".into(),
        });
    }
    let target = targets.throughput;
    if i128::from(throughput.milli_per_day) * 10 < i128::from(target) * 9 {
        out.push(Recommendation {
            priority: Priority::Medium,
            category: "throughput".into(),
            message: format!(
                "Throughput {} a day is below 90 % of the target {}",
                throughput.per_day_text(),
                format_fraction(i128::from(target), 1000, 2)
            ),
            action: "Review WIP limits and stage parallelism".into(),
        });
    }
    if aging_alerts > 0 {
        out.push(Recommendation {
            priority: Priority::Medium,
            category: "aging_wip".into(),
            message: format!("{aging_alerts} work items are older than their SLE"),
            action: "Swarm on the oldest item first".into(),
        });
    }
    out
}
