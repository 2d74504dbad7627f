//! Percentiles, summaries, ratios, rates and the printing of exact
//! decimals (kaizen.md 3.2 to 3.5).

use serde::{Deserialize, Serialize};

/// The nearest-rank `q`-th percentile of ascending `sorted` values:
/// `x_k` with `k = ceil(q × n / 100)` (at least 1); `None` when empty.
#[must_use]
pub fn percentile(sorted: &[i64], q: u32) -> Option<i64> {
    let n = sorted.len() as u64;
    if n == 0 {
        return None;
    }
    let k = (u64::from(q) * n).div_ceil(100).clamp(1, n);
    sorted.get((k - 1) as usize).copied()
}

/// A summary of durations (or of any integer values) with its count
/// (kaizen.md 3.3). Every statistic is null when `count` is 0.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DurationSummary {
    /// Number of values.
    pub count: u64,
    /// Nearest-rank median.
    pub p50: Option<i64>,
    /// Nearest-rank 85th percentile.
    pub p85: Option<i64>,
    /// Nearest-rank 95th percentile.
    pub p95: Option<i64>,
    /// `floor(sum / count)`.
    pub mean: Option<i64>,
    /// Smallest value.
    pub min: Option<i64>,
    /// Largest value.
    pub max: Option<i64>,
}

impl DurationSummary {
    /// Summarises `values` (in any order).
    #[must_use]
    pub fn of(mut values: Vec<i64>) -> Self {
        values.sort_unstable();
        Self::of_sorted(&values)
    }

    /// Summarises values already sorted ascending.
    #[must_use]
    pub fn of_sorted(sorted: &[i64]) -> Self {
        let count = sorted.len() as u64;
        if count == 0 {
            return Self::default();
        }
        let sum: i128 = sorted.iter().map(|v| i128::from(*v)).sum();
        let mean = sum.div_euclid(i128::from(count));
        Self {
            count,
            p50: percentile(sorted, 50),
            p85: percentile(sorted, 85),
            p95: percentile(sorted, 95),
            mean: i64::try_from(mean).ok(),
            min: sorted.first().copied(),
            max: sorted.last().copied(),
        }
    }
}

/// `num / den` with `bp = floor(num × 10000 / den)` (kaizen.md 3.4).
/// With `den = 0` there is no ratio: [`Ratio::of`] gives `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ratio {
    /// Numerator.
    pub num: u64,
    /// Denominator, never 0.
    pub den: u64,
    /// Basis points, floored; may exceed 10000.
    pub bp: u64,
}

impl Ratio {
    /// The ratio `num / den`, `None` when `den` is 0.
    #[must_use]
    pub fn of(num: u64, den: u64) -> Option<Self> {
        if den == 0 {
            return None;
        }
        let bp = u128::from(num) * 10_000 / u128::from(den);
        Some(Self {
            num,
            den,
            bp: u64::try_from(bp).unwrap_or(u64::MAX),
        })
    }

    /// Whether `num / den <= limit_bp / 10000`, by cross-multiplication.
    #[must_use]
    pub fn at_most_bp(&self, limit_bp: u64) -> bool {
        u128::from(self.num) * 10_000 <= u128::from(limit_bp) * u128::from(self.den)
    }

    /// Whether `num / den < limit_bp / 10000`, by cross-multiplication.
    #[must_use]
    pub fn below_bp(&self, limit_bp: u64) -> bool {
        u128::from(self.num) * 10_000 < u128::from(limit_bp) * u128::from(self.den)
    }

    /// The percentage with two decimals: 4 / 6 → `66.67`.
    #[must_use]
    pub fn percent_text(&self) -> String {
        format_fraction(i128::from(self.num) * 100, i128::from(self.den), 2)
    }
}

/// A count over days (kaizen.md 3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate {
    /// Number of events.
    pub count: u64,
    /// Days of the window.
    pub days: u32,
    /// `floor(count × 1000 / days)`.
    pub milli_per_day: i64,
    /// `floor(count × 7000 / days)`.
    pub milli_per_week: i64,
}

impl Rate {
    /// `count` events over `days` days (at least 1).
    #[must_use]
    pub fn of(count: u64, days: u32) -> Self {
        let d = u128::from(days.max(1));
        let per = |k: u128| i64::try_from(u128::from(count) * k / d).unwrap_or(i64::MAX);
        Self {
            count,
            days,
            milli_per_day: per(1000),
            milli_per_week: per(7000),
        }
    }

    /// `count / days` with two decimals: 5 / 7 → `0.71`.
    #[must_use]
    pub fn per_day_text(&self) -> String {
        format_fraction(i128::from(self.count), i128::from(self.days.max(1)), 2)
    }
}

/// An exact rational with its two-decimal text (kaizen.md 6.7).
///
/// `num / den` is reduced. Should a reduced part exceed 2^53 − 1 (sums
/// over millions of items), both are scaled down to fit; `text` is
/// always printed from the exact value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fraction {
    /// Numerator.
    pub num: i64,
    /// Denominator, at least 1.
    pub den: i64,
    /// The value with two decimals, ties away from zero.
    pub text: String,
}

impl Fraction {
    /// `num / den`; `None` when `den` is 0.
    #[must_use]
    pub fn of(num: i128, den: i128) -> Option<Self> {
        if den == 0 {
            return None;
        }
        let text = format_fraction(num, den, 2);
        let sign = if (num < 0) == (den < 0) { 1 } else { -1 };
        let (mut n, mut d) = (num.unsigned_abs(), den.unsigned_abs());
        let g = gcd(n, d).max(1);
        n /= g;
        d /= g;
        let limit = (1u128 << 53) - 1;
        while n > limit || d > limit {
            n >>= 1;
            d = (d >> 1).max(1);
        }
        Some(Self {
            num: sign * n as i64,
            den: d as i64,
            text,
        })
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Writes `num / den` rounded to `decimals` places, ties away from zero,
/// from the exact integers (kaizen.md 3.5). `den` must not be 0 (it
/// prints `0` then).
#[must_use]
pub fn format_fraction(num: i128, den: i128, decimals: u32) -> String {
    if den == 0 {
        return "0".to_owned();
    }
    let negative = (num < 0) != (den < 0) && num != 0;
    let (n, d) = (num.unsigned_abs(), den.unsigned_abs());
    let scale = 10u128.pow(decimals.min(30));
    // n × scale / d rounded half up on magnitudes = ties away from zero.
    let scaled = n.saturating_mul(scale);
    let mut q = scaled / d;
    if (scaled % d) * 2 >= d {
        q += 1;
    }
    let int = q / scale;
    let frac = q % scale;
    let sign = if negative && q != 0 { "-" } else { "" };
    if decimals == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac:0width$}", width = decimals as usize)
    }
}

/// Milliseconds as hours with `decimals` places: 900 000 → `0.3` (1).
#[must_use]
pub fn hours_text(ms: i64, decimals: u32) -> String {
    format_fraction(i128::from(ms), 3_600_000, decimals)
}

/// Hours with one decimal, or none when whole: `1`, `1.5` (kaizen.md 7.2).
#[must_use]
pub fn hours_short(ms: i64) -> String {
    if ms % 3_600_000 == 0 {
        (ms / 3_600_000).to_string()
    } else {
        hours_text(ms, 1)
    }
}

/// Basis points as a percentage with two decimals: 6666 → `66.66`.
#[must_use]
pub fn bp_text(bp: i64) -> String {
    format_fraction(i128::from(bp), 100, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    #[test]
    fn k4_percentiles_are_nearest_rank() {
        let hours = [3 * H, 9 * H / 2, 29 * H, 49 * H, 53 * H];

        let s = DurationSummary::of(hours.to_vec());

        assert_eq!(
            (s.p50, s.p85, s.p95),
            (Some(29 * H), Some(53 * H), Some(53 * H))
        );

        let s = DurationSummary::of(vec![1, 3, 5, 6]);
        assert_eq!((s.p50, s.p85), (Some(3), Some(6)));

        let s = DurationSummary::of(vec![7]);
        assert_eq!(
            (s.p50, s.p85, s.p95, s.mean, s.min, s.max),
            (Some(7), Some(7), Some(7), Some(7), Some(7), Some(7))
        );

        let s = DurationSummary::of(Vec::new());
        assert_eq!(s, DurationSummary::default());
        assert_eq!(s.count, 0);
        assert_eq!(s.p50, None);
    }

    #[test]
    fn k5_printing_rounds_ties_away_from_zero_without_floats() {
        assert_eq!(hours_text(900_000, 1), "0.3");
        assert_eq!(hours_text(4_500_000, 1), "1.3");
        assert_eq!(hours_text(7_380_000, 1), "2.1");
        assert_eq!(hours_text(3_600_000, 1), "1.0");

        let ratio = Ratio::of(4, 6);
        assert_eq!(ratio.map(|r| r.percent_text()).as_deref(), Some("66.67"));
        assert_eq!(ratio.map(|r| r.bp), Some(6666));
        assert_eq!(Rate::of(5, 7).per_day_text(), "0.71");
    }

    #[test]
    fn negative_values_round_away_from_zero_too() {
        assert_eq!(format_fraction(-5, 2, 0), "-3");
        assert_eq!(format_fraction(-1, 1000, 2), "0.00");
        assert_eq!(format_fraction(-3, 2, 1), "-1.5");
    }

    #[test]
    fn a_ratio_without_a_denominator_is_no_data() {
        assert_eq!(Ratio::of(3, 0), None);
    }

    #[test]
    fn rates_floor_per_day_and_per_week() {
        let rate = Rate::of(5, 7);

        assert_eq!((rate.milli_per_day, rate.milli_per_week), (714, 5000));
    }

    #[test]
    fn fractions_reduce_and_keep_their_text() {
        let f = Fraction::of(403_200_000, 432_000_000);

        assert_eq!(
            f.map(|f| (f.num, f.den, f.text)),
            Some((14, 15, "0.93".into()))
        );
    }

    #[test]
    fn whole_hours_print_without_decimals() {
        assert_eq!(hours_short(3_600_000), "1");
        assert_eq!(hours_short(5_400_000), "1.5");
    }
}
