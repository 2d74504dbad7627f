//! Andon metrics over whole UTC days (andon.md 9).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::SkuId;
use crate::line::Line;
use crate::time::{DAY_MS, Timestamp, parse_date};

use super::model::{Andon, FailureType, Severity, Subject};

/// Counts per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityCounts {
    /// Critical andons.
    pub critical: u32,
    /// High andons.
    pub high: u32,
    /// Medium andons.
    pub medium: u32,
    /// Low andons.
    pub low: u32,
}

impl SeverityCounts {
    fn add(&mut self, severity: Severity) {
        let slot = match severity {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
        };
        *slot += 1;
    }
}

/// Counts per failure type, all eleven.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)] // Each field is the failure type of its name.
pub struct FailureTypeCounts {
    pub compilation_failure: u32,
    pub test_failure: u32,
    pub shacl_violation: u32,
    pub non_determinism: u32,
    pub missing_receipt: u32,
    pub security_vulnerability: u32,
    pub coverage_below_threshold: u32,
    pub performance_regression: u32,
    pub quality_regression: u32,
    pub sla_breach: u32,
    pub manual: u32,
}

impl FailureTypeCounts {
    /// The count of one failure type.
    #[must_use]
    pub fn get(&self, t: FailureType) -> u32 {
        match t {
            FailureType::CompilationFailure => self.compilation_failure,
            FailureType::TestFailure => self.test_failure,
            FailureType::ShaclViolation => self.shacl_violation,
            FailureType::NonDeterminism => self.non_determinism,
            FailureType::MissingReceipt => self.missing_receipt,
            FailureType::SecurityVulnerability => self.security_vulnerability,
            FailureType::CoverageBelowThreshold => self.coverage_below_threshold,
            FailureType::PerformanceRegression => self.performance_regression,
            FailureType::QualityRegression => self.quality_regression,
            FailureType::SlaBreach => self.sla_breach,
            FailureType::Manual => self.manual,
        }
    }

    fn add(&mut self, t: FailureType) {
        let slot = match t {
            FailureType::CompilationFailure => &mut self.compilation_failure,
            FailureType::TestFailure => &mut self.test_failure,
            FailureType::ShaclViolation => &mut self.shacl_violation,
            FailureType::NonDeterminism => &mut self.non_determinism,
            FailureType::MissingReceipt => &mut self.missing_receipt,
            FailureType::SecurityVulnerability => &mut self.security_vulnerability,
            FailureType::CoverageBelowThreshold => &mut self.coverage_below_threshold,
            FailureType::PerformanceRegression => &mut self.performance_regression,
            FailureType::QualityRegression => &mut self.quality_regression,
            FailureType::SlaBreach => &mut self.sla_breach,
            FailureType::Manual => &mut self.manual,
        };
        *slot += 1;
    }
}

/// Unresolved andons at `now`, whatever their raise time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenNow {
    /// All of them.
    pub total: u32,
    /// Per severity.
    pub by_severity: SeverityCounts,
}

/// Nearest-rank percentiles of durations (flow.md 13.2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DurationStats {
    /// Number of values.
    pub count: u32,
    /// Median, null without values.
    pub p50_ms: Option<i64>,
    /// 85th percentile, null without values.
    pub p85_ms: Option<i64>,
}

impl DurationStats {
    fn of(mut values: Vec<i64>) -> Self {
        values.sort_unstable();
        let n = values.len();
        let rank = |p: usize| -> Option<i64> {
            let k = (p * n).div_ceil(100);
            values.get(k.checked_sub(1)?).copied()
        };
        Self {
            count: n as u32,
            p50_ms: rank(50),
            p85_ms: rank(85),
        }
    }
}

/// How long one SKU was stopped within the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkuStop {
    /// The SKU.
    pub sku: SkuId,
    /// Length of the union of its stopping andons' intervals.
    pub stopped_ms: i64,
}

/// Time the line was stopped within the window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineStop {
    /// Length of the union of every stopping andon's interval.
    pub line_ms: i64,
    /// Per SKU subject with a non-empty interval, ascending.
    pub per_sku: Vec<SkuStop>,
}

/// How many resolved andons closed their improvement loop.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoopClosure {
    /// Resolved andons whose finalised analysis has every item verified.
    pub closed: u32,
    /// Resolved andons of the population.
    pub resolved: u32,
    /// `closed * 10000 / resolved`, null when nothing was resolved.
    pub closure_bp: Option<u32>,
}

/// The andon metrics of andon.md 9.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AndonMetrics {
    /// Andons raised in the window (the population).
    pub raised: u32,
    /// Population per failure type.
    pub by_type: FailureTypeCounts,
    /// Population per severity.
    pub by_severity: SeverityCounts,
    /// Unresolved andons at `now`.
    pub open_now: OpenNow,
    /// Time to acknowledge, over acknowledged members.
    pub mtta: DurationStats,
    /// Members never acknowledged.
    pub unacknowledged: u32,
    /// Time to resolve, over resolved members.
    pub time_to_resolve: DurationStats,
    /// Stopped time within the window.
    pub line_stop: LineStop,
    /// Improvement loops closed.
    pub rca_loop_closure: LoopClosure,
}

impl Line {
    /// Andon metrics over the UTC days `from` to `to` (`YYYY-MM-DD`), both
    /// inclusive, as of `now` (andon.md 9). Pure.
    pub fn andon_metrics(&self, from: &str, to: &str, now: Timestamp) -> Result<AndonMetrics> {
        let (from_day, to_day) = (parse_date(from)?, parse_date(to)?);
        if from_day > to_day {
            return Err(Error::InvalidRange {
                from: from.to_owned(),
                to: to.to_owned(),
            });
        }
        let start = from_day * DAY_MS;
        let end = now.min((to_day + 1) * DAY_MS);
        Ok(self.andon_metrics_between(start, end, now))
    }

    /// The metrics over `[start, end)`.
    fn andon_metrics_between(
        &self,
        start: Timestamp,
        end: Timestamp,
        now: Timestamp,
    ) -> AndonMetrics {
        let mut m = AndonMetrics::default();
        let mut acks = Vec::new();
        let mut resolves = Vec::new();
        let state = &self.andon;

        for a in state
            .andons
            .iter()
            .filter(|a| start <= a.raised_at && a.raised_at < end)
        {
            m.raised += 1;
            m.by_type.add(a.failure_type);
            m.by_severity.add(a.severity);
            match a.acknowledged_at {
                Some(at) => acks.push(at - a.raised_at),
                None => m.unacknowledged += 1,
            }
            if let Some(at) = a.resolved_at {
                resolves.push(at - a.raised_at);
                m.rca_loop_closure.resolved += 1;
                let closed = a
                    .analysis
                    .and_then(|id| state.analysis(id))
                    .is_some_and(super::rca::Analysis::loop_closed);
                m.rca_loop_closure.closed += u32::from(closed);
            }
        }
        for a in state.unresolved() {
            m.open_now.total += 1;
            m.open_now.by_severity.add(a.severity);
        }
        m.mtta = DurationStats::of(acks);
        m.time_to_resolve = DurationStats::of(resolves);
        let lc = &mut m.rca_loop_closure;
        lc.closure_bp = (lc.resolved > 0)
            .then(|| (u64::from(lc.closed) * 10_000 / u64::from(lc.resolved)) as u32);
        m.line_stop = line_stop(&state.andons, start, end, now);
        m
    }
}

/// The stopped time of andon.md 9 within `[start, end)`.
fn line_stop(andons: &[Andon], start: Timestamp, end: Timestamp, now: Timestamp) -> LineStop {
    let mut all = Vec::new();
    let mut per_sku: Vec<(SkuId, Timestamp, Timestamp)> = Vec::new();
    for a in andons.iter().filter(|a| a.stops) {
        let until = a.resolved_at.unwrap_or(now);
        let (lo, hi) = (a.raised_at.max(start), until.min(end));
        if lo >= hi {
            continue;
        }
        all.push((lo, hi));
        if let Subject::Sku(sku) = a.subject {
            per_sku.push((sku, lo, hi));
        }
    }
    per_sku.sort_unstable();

    let mut out = LineStop {
        line_ms: union_ms(&mut all),
        per_sku: Vec::new(),
    };
    for group in per_sku.chunk_by(|x, y| x.0 == y.0) {
        let mut spans: Vec<(Timestamp, Timestamp)> = group.iter().map(|x| (x.1, x.2)).collect();
        out.per_sku.push(SkuStop {
            sku: group[0].0,
            stopped_ms: union_ms(&mut spans),
        });
    }
    out
}

/// Length of the union of half-open intervals.
fn union_ms(spans: &mut [(Timestamp, Timestamp)]) -> i64 {
    spans.sort_unstable();
    let mut total = 0;
    let mut current: Option<(Timestamp, Timestamp)> = None;
    for &(lo, hi) in spans.iter() {
        match current {
            Some((clo, chi)) if lo <= chi => current = Some((clo, chi.max(hi))),
            Some((clo, chi)) => {
                total += chi - clo;
                current = Some((lo, hi));
            }
            None => current = Some((lo, hi)),
        }
    }
    total + current.map_or(0, |(lo, hi)| hi - lo)
}
