//! How reports print values: hours, percentages, rates and dashes for
//! "no data", all from exact integers (kaizen.md 3.5).

use super::stats::{DurationSummary, Ratio, bp_text, format_fraction, hours_text};
use super::trends::Metric;

/// `—` stands for no data.
pub(crate) const NONE: &str = "–";

/// Milliseconds as hours with one decimal: `27.7 h`.
pub(crate) fn hours(ms: Option<i64>) -> String {
    ms.map_or_else(|| NONE.to_owned(), |v| format!("{} h", hours_text(v, 1)))
}

/// Basis points as a percentage: `60.00 %`.
pub(crate) fn bp(bp: Option<i64>) -> String {
    bp.map_or_else(|| NONE.to_owned(), |v| format!("{} %", bp_text(v)))
}

/// A ratio as `60.00 % (3 / 5)`.
pub(crate) fn ratio(r: Option<&Ratio>) -> String {
    r.map_or_else(
        || NONE.to_owned(),
        |r| format!("{} % ({} / {})", r.percent_text(), r.num, r.den),
    )
}

/// A per-day rate in thousandths: `0.71`.
pub(crate) fn milli(v: i64) -> String {
    format_fraction(i128::from(v), 1000, 2)
}

/// A headline metric's value in its unit.
pub(crate) fn metric_value(metric: Metric, value: Option<i64>) -> String {
    match metric {
        Metric::LeadTime | Metric::CycleTime => hours(value),
        Metric::DefectRate | Metric::ReworkRate | Metric::FirstPassYield => bp(value),
        Metric::Throughput => {
            value.map_or_else(|| NONE.to_owned(), |v| format!("{} a day", milli(v)))
        }
    }
}

/// A metric's name for people: `lead time p50`.
pub(crate) fn metric_label(metric: Metric) -> &'static str {
    match metric {
        Metric::LeadTime => "lead time p50",
        Metric::CycleTime => "cycle time p50",
        Metric::DefectRate => "defect rate",
        Metric::ReworkRate => "rework rate",
        Metric::FirstPassYield => "first-pass yield",
        Metric::Throughput => "throughput",
    }
}

/// A duration summary in hours: `p50 29.0 h, p85 53.0 h, ... (n = 5)`.
pub(crate) fn summary_hours(s: &DurationSummary) -> String {
    if s.count == 0 {
        return "no data (n = 0)".to_owned();
    }
    format!(
        "p50 {}, p85 {}, p95 {}, mean {}, min {}, max {} (n = {})",
        hours(s.p50),
        hours(s.p85),
        hours(s.p95),
        hours(s.mean),
        hours(s.min),
        hours(s.max),
        s.count
    )
}

/// A duration summary in days.
pub(crate) fn summary_days(s: &DurationSummary) -> String {
    if s.count == 0 {
        return "no data (n = 0)".to_owned();
    }
    let d = |v: Option<i64>| v.map_or_else(|| NONE.to_owned(), |v| format!("{v} d"));
    format!(
        "p50 {}, p85 {}, p95 {} (n = {})",
        d(s.p50),
        d(s.p85),
        d(s.p95),
        s.count
    )
}

/// An optional value with its own display, or the dash.
pub(crate) fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> String) -> String {
    v.map_or_else(|| NONE.to_owned(), f)
}
