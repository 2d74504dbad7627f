//! Metrics, their values and the exact comparison of quality.md 2.2–3.

use std::fmt;
use std::str::FromStr;

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::config::EvidenceKind;
use crate::error::{Error, Result};
use crate::value::Value;

/// A gate's verdict on one condition, or the outcome of a whole gate
/// evaluation, ordered `pass < warn < fail` (quality.md 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The condition holds.
    Pass,
    /// Only the warning threshold is broken; the SKU may still leave.
    Warn,
    /// The error threshold is broken.
    Fail,
}

/// The outcome of a gate evaluation: the worst verdict (quality.md 2.4).
pub type Outcome = Verdict;

impl Verdict {
    /// `pass`, `warn` or `fail`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Warn => "warn",
            Self::Fail => "fail",
        }
    }

    /// Whether the SKU may leave the stage on it: `pass` or `warn`.
    #[must_use]
    pub fn passed(self) -> bool {
        self != Self::Fail
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Verdict {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        match text {
            "pass" => Ok(Self::Pass),
            "warn" => Ok(Self::Warn),
            "fail" => Ok(Self::Fail),
            _ => Err(Error::InvalidField {
                field: "verdict".into(),
                reason: format!("`{}` is not pass, warn or fail", text.escape_debug()),
            }),
        }
    }
}

/// The comparison a condition requires, read left to right:
/// `test_pass_rate >= 9500` is met when the rate is at least 95.00 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Op {
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
    /// `==`
    #[serde(rename = "==")]
    Eq,
    /// `!=`
    #[serde(rename = "!=")]
    Ne,
}

impl Op {
    /// Every operator.
    pub const ALL: [Op; 6] = [Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::Eq, Op::Ne];

    /// The operator's text.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Eq => "==",
            Self::Ne => "!=",
        }
    }

    /// Whether `lhs op rhs` holds.
    #[must_use]
    pub fn holds(self, lhs: i128, rhs: i128) -> bool {
        match self {
            Self::Lt => lhs < rhs,
            Self::Le => lhs <= rhs,
            Self::Gt => lhs > rhs,
            Self::Ge => lhs >= rhs,
            Self::Eq => lhs == rhs,
            Self::Ne => lhs != rhs,
        }
    }

    /// Whether the operator orders values, so a warning band makes sense.
    #[must_use]
    pub fn is_ordering(self) -> bool {
        !matches!(self, Self::Eq | Self::Ne)
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Op {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|op| op.as_str() == text)
            .ok_or_else(|| Error::InvalidField {
                field: "op".into(),
                reason: format!("`{}` is not one of < <= > >= == !=", text.escape_debug()),
            })
    }
}

/// Why a condition has no value (quality.md 2.2, step 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    /// The evidence holds nothing to compute the metric from.
    NoData,
    /// `shacl_violations` without a validator (quality.md 4.1).
    ValidatorUnavailable,
}

/// The measured value of a metric: a count, or a ratio of two counts.
///
/// Serialises as the receipt's `actual`: `{"count": c}` or
/// `{"num": n, "den": d, "bp": floor(n * 10000 / d)}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actual {
    /// A non-negative count.
    Count(u64),
    /// `num / den` with `den > 0`.
    Ratio {
        /// Numerator.
        num: u64,
        /// Denominator, never 0.
        den: u64,
    },
}

impl Actual {
    /// A ratio, or `None` ("no value") when `den` is 0.
    #[must_use]
    pub fn ratio(num: u64, den: u64) -> Option<Self> {
        (den > 0).then_some(Self::Ratio { num, den })
    }

    /// The display value of a ratio in basis points, rounded down. It is
    /// informative only: decisions never use it (quality.md 2.3).
    #[must_use]
    pub fn bp(&self) -> Option<u64> {
        match *self {
            Self::Count(_) => None,
            Self::Ratio { num, den } => {
                let bp = u128::from(num) * 10_000 / u128::from(den);
                Some(u64::try_from(bp).unwrap_or(u64::MAX))
            }
        }
    }

    /// Whether `self op threshold` holds, exactly: counts as integers,
    /// ratios by cross-multiplication `num * 10000 op t * den`.
    #[must_use]
    pub fn meets(&self, op: Op, threshold: i64) -> bool {
        match *self {
            Self::Count(c) => op.holds(i128::from(c), i128::from(threshold)),
            Self::Ratio { num, den } => op.holds(
                i128::from(num) * 10_000,
                i128::from(threshold) * i128::from(den),
            ),
        }
    }

    /// The receipt form.
    #[must_use]
    pub fn to_value(&self) -> Value {
        match *self {
            Self::Count(c) => crate::obj! { "count" => c as i64 },
            Self::Ratio { num, den } => crate::obj! {
                "num" => num as i64,
                "den" => den as i64,
                "bp" => self.bp().unwrap_or(0) as i64,
            },
        }
    }
}

impl fmt::Display for Actual {
    /// `4`, or `3/4 (75.00%)` with the percentage rounded down.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Count(c) => write!(f, "{c}"),
            Self::Ratio { num, den } => {
                let bp = self.bp().unwrap_or(0);
                write!(f, "{num}/{den} ({}.{:02}%)", bp / 100, bp % 100)
            }
        }
    }
}

impl Serialize for Actual {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match *self {
            Self::Count(c) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("count", &c)?;
                map.end()
            }
            Self::Ratio { num, den } => {
                let mut map = s.serialize_map(Some(3))?;
                map.serialize_entry("num", &num)?;
                map.serialize_entry("den", &den)?;
                map.serialize_entry("bp", &self.bp().unwrap_or(0))?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Actual {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            count: Option<u64>,
            num: Option<u64>,
            den: Option<u64>,
            #[allow(dead_code)]
            bp: Option<u64>,
        }

        let raw = Raw::deserialize(d)?;
        match (raw.count, raw.num, raw.den) {
            (Some(c), None, None) => Ok(Self::Count(c)),
            (None, Some(num), Some(den)) if den > 0 => Ok(Self::Ratio { num, den }),
            _ => Err(serde::de::Error::custom(
                "an actual value is {count} or {num, den, bp} with den > 0",
            )),
        }
    }
}

/// Largest threshold of a ratio metric: 1 000 000 bp (10 000 %).
pub const MAX_RATIO_THRESHOLD: i64 = 1_000_000;

/// Largest threshold of a count metric: 2^53 − 1.
pub const MAX_COUNT_THRESHOLD: i64 = (1 << 53) - 1;

macro_rules! metrics {
    ($($variant:ident $name:literal $kind:ident $ratio:literal),+ $(,)?) => {
        /// A metric a condition can name (quality.md 3).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Metric {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )+
        }

        impl Metric {
            /// Every metric, in the order of quality.md 3.
            pub const ALL: &'static [Metric] = &[$(Metric::$variant),+];

            /// The metric's name.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }

            /// The evidence kind that offers it.
            #[must_use]
            pub fn kind(self) -> EvidenceKind {
                match self {
                    $(Self::$variant => EvidenceKind::$kind,)+
                }
            }

            /// Whether it is a ratio (thresholds in basis points) rather
            /// than a count.
            #[must_use]
            pub fn is_ratio(self) -> bool {
                match self {
                    $(Self::$variant => $ratio,)+
                }
            }
        }
    };
}

metrics! {
    ShaclViolations "shacl_violations" Shacl false,
    CompileErrors "compile_errors" Compilation false,
    CompileWarnings "compile_warnings" Compilation false,
    TestsTotal "tests_total" Tests false,
    TestsExecuted "tests_executed" Tests false,
    TestsFailed "tests_failed" Tests false,
    TestsSkipped "tests_skipped" Tests false,
    TestsFlaky "tests_flaky" Tests false,
    TestPassRate "test_pass_rate" Tests true,
    LineCoverage "line_coverage" Tests true,
    BranchCoverage "branch_coverage" Tests true,
    FunctionCoverage "function_coverage" Tests true,
    SarifErrors "sarif_errors" Security false,
    SarifWarnings "sarif_warnings" Security false,
    SarifNotes "sarif_notes" Security false,
    VulnsCritical "vulns_critical" Security false,
    VulnsHigh "vulns_high" Security false,
    VulnsHighCritical "vulns_high_critical" Security false,
    VulnsMedium "vulns_medium" Security false,
    VulnsLow "vulns_low" Security false,
    VulnsUnknown "vulns_unknown" Security false,
    Secrets "secrets" Security false,
    BuildMismatches "build_mismatches" Determinism false,
    FirstPassYield "first_pass_yield" History true,
    DefectRate "defect_rate" History true,
    GatePassRate "gate_pass_rate" History true,
    ReworkRate "rework_rate" History true,
    ReleaseCheckFailures "release_check_failures" Release false,
    SmokeExecuted "smoke_executed" Smoke false,
    SmokeFailed "smoke_failed" Smoke false,
    SmokePassRate "smoke_pass_rate" Smoke true,
}

impl Metric {
    /// Whether it is one of the coverage metrics of the andon coverage
    /// rule (quality.md 5.4).
    #[must_use]
    pub fn is_coverage(self) -> bool {
        matches!(
            self,
            Self::LineCoverage | Self::BranchCoverage | Self::FunctionCoverage
        )
    }

    /// The largest threshold a condition on it may use.
    #[must_use]
    pub fn max_threshold(self) -> i64 {
        if self.is_ratio() {
            MAX_RATIO_THRESHOLD
        } else {
            MAX_COUNT_THRESHOLD
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Metric {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|m| m.as_str() == text)
            .ok_or_else(|| Error::InvalidField {
                field: "metric".into(),
                reason: format!("`{}` is not a metric", text.escape_debug()),
            })
    }
}

impl Serialize for Metric {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Metric {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_name_reads_back() {
        for m in Metric::ALL {
            assert_eq!(m.as_str().parse::<Metric>().ok(), Some(*m));
        }
        assert_eq!(Metric::ALL.len(), 31);
    }

    #[test]
    fn ratios_compare_by_cross_multiplication() {
        let rate = Actual::Ratio {
            num: 1001,
            den: 20_000,
        };

        assert!(!rate.meets(Op::Le, 500));
        assert_eq!(rate.bp(), Some(500));
    }
}
