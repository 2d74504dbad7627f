//! Kaizen: metrics, waste, improvements, trends and reports (kaizen.md).
//!
//! Every metric is a pure function of the line's state and a [`Window`]:
//! the facts of kaizen.md 2 are kept by [`observe`](self) as receipts are
//! applied, so queries never read the receipts and never change
//! anything. Only the improvement operations (`Line::propose_improvements`
//! and its siblings, section 9) append receipts.
//!
//! | part | spec | entry points |
//! | --- | --- | --- |
//! | windows, statistics | 3 | [`Window`], [`Date`], [`DurationSummary`], [`Ratio`], [`Rate`] |
//! | TPS metrics | 4 | [`tps`], [`history`] |
//! | DORA metrics | 5 | [`dora`] |
//! | flow metrics | 6.1–6.7 | [`flow`] |
//! | forecasts | 6.8 | [`forecast_items`], [`forecast_date`] |
//! | waste | 7 | [`waste`] |
//! | proposals | 8 | [`proposals`] |
//! | improvements | 9 | [`improvement`], [`improvements`] and `Line` methods |
//! | trends | 10 | [`snapshots`], [`trends`], [`week_over_week`] |
//! | reports | 11 | [`weekly_report`], [`render_html`], [`render_text`] |
//!
//! Choices where the spec is silent:
//!
//! - A fact with a time after `now` counts as not having happened where
//!   a metric reads `now` (andon resolution, recovery, ages).
//! - `open_breached` (4.7) counts work orders open and breached at the
//!   window's last millisecond, or at `now` when that comes first.
//! - Daily counts of a trailing window (5.1, 6.4) use the day series of
//!   6.1 and count only events inside the window.
//! - A deployment whose SKU has neither `commit_at` nor a started work
//!   order has no change lead time; it is counted in `dropped`.
//! - Gates are listed in line order by the stage they were evaluated in,
//!   then by name; only gates with an attempt 1 in the window appear.
//! - Waste examples list each id once.
//! - [`report`] runs the weekly report over any whole days; it is named
//!   `kaizen` instead of `weekly_kaizen` when they are not 7.

mod config;
mod dora;
mod facts;
mod flowm;
mod fmt;
mod forecast;
mod html;
mod improve;
mod proposals;
mod report;
mod stats;
mod text;
mod tps;
mod trends;
mod waste;
mod window;

pub use config::{KaizenConfig, Targets};
pub use dora::{
    CfrBand, ChangeFailRate, ChangeLeadTime, DayCount, DeploymentFrequency, DoraMetrics,
    DurationBand, FrequencyBand, LeadTimeVariant, Recovery, dora, frequency_band,
};
pub use facts::{BUCKETS, KaizenState, normalise_cause};
pub use flowm::{
    AgingAlert, BucketCount, BucketSle, CfdDay, FlowMetrics, LittlesLaw, WipDay, WorkItemAge, flow,
    sle_of,
};
pub use forecast::{
    CONFIDENCES, Forecast, ForecastKind, ForecastOptions, ForecastValue, SplitMix64, days_for,
    forecast_date, forecast_items, items_by, run_days, run_totals,
};
pub use html::render_html;
pub use improve::{Improvement, ImprovementStatus, improvement, improvements};
pub use proposals::{Effort, Proposal, proposals, proposals_from};
pub use report::{
    CHART_DAYS, DateRange, FlowSection, ImprovementEntry, Priority, Recommendation, Summary,
    SummaryRow, TrendSection, TypeTotal, WasteByType, WasteSection, WeeklyReport, recommendations,
    report, weekly_report,
};
pub use stats::{DurationSummary, Fraction, Rate, Ratio, format_fraction, hours_text, percentile};
pub use text::render_text;
pub use tps::{
    AndonRate, BucketRatio, GateFpy, Histogram, HistoryCounts, SlaAttainment, TpsMetrics,
    TypeCount, history, tps,
};
pub use trends::{
    Direction, Metric, Snapshot, Trend, WeekOverWeek, achievement, overall, snapshots, trend,
    trends, week_over_week,
};
pub use waste::{WastePoint, WasteType, waste};
pub use window::{Date, Window};

use crate::error::Result;
use crate::line::Line;
use crate::receipt::Receipt;

/// The history counts of `[start, end)` (kaizen.md 4.4, 4.5, 4.6, 4.8)
/// for quality.md's `quality_metrics` gate.
// Until quality::links::history_counts reads these facts instead of its
// own ledger, nothing in the crate calls this.
#[allow(dead_code)]
pub(crate) fn history_between(
    line: &Line,
    start: crate::time::Timestamp,
    end: crate::time::Timestamp,
) -> HistoryCounts {
    tps::history_between(&line.kaizen, start, end)
}

/// Applies an improvement receipt; `Ok(false)` when not kaizen's.
pub(crate) fn apply(line: &mut Line, r: &Receipt) -> Result<bool> {
    improve::apply(line, r)
}

/// Records the facts kaizen needs from any receipt, after the receipt's
/// owner applied it (kaizen.md 2). Called for every receipt.
pub(crate) fn observe(line: &mut Line, r: &Receipt) {
    facts::observe(&mut line.kaizen, r);
}
