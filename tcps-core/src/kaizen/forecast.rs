//! The seeded Monte Carlo forecast (kaizen.md 6.8).

use serde::{Deserialize, Serialize};

use super::dora::per_day;
use super::stats::percentile;
use super::window::Date;
use crate::error::{Error, Result};
use crate::line::Line;
use crate::time::Timestamp;

/// The confidences every forecast answers for.
pub const CONFIDENCES: [u8; 3] = [50, 85, 95];

/// The most days a forecast looks ahead, and a run may draw.
pub const MAX_FORECAST_DAYS: u32 = 3650;

/// The `SplitMix64` generator of kaizen.md 6.8.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator seeded with `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64-bit output.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// An index below `len` (at least 1): `(next × len) >> 64`.
    pub fn index(&mut self, len: usize) -> usize {
        ((u128::from(self.next_u64()) * len as u128) >> 64) as usize
    }
}

/// Options of a forecast: the seed, and overrides of the configured
/// `forecast_runs` and `forecast_history_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastOptions {
    /// Seed of the generator (required).
    pub seed: u64,
    /// Number of runs; default `forecast_runs`.
    #[serde(default)]
    pub runs: Option<u32>,
    /// Days of history; default `forecast_history_days`.
    #[serde(default)]
    pub history_days: Option<u32>,
}

impl ForecastOptions {
    /// Options with a seed and the configured defaults.
    #[must_use]
    pub fn seeded(seed: u64) -> Self {
        Self {
            seed,
            runs: None,
            history_days: None,
        }
    }
}

/// What a forecast answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForecastKind {
    /// How many items by a date.
    ItemsByDate,
    /// When a number of items will be done.
    DateForItems,
}

/// One answer of a forecast.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastValue {
    /// 50, 85 or 95 (%).
    pub confidence: u8,
    /// Items by the target date (items forecasts).
    pub items: Option<u64>,
    /// Forecast days from `date(now)`, today being day 1 (date
    /// forecasts; null when the percentile falls on a run that never
    /// finished).
    pub days: Option<u32>,
    /// `date(now) + days − 1` (date forecasts).
    pub date: Option<Date>,
}

/// A Monte Carlo forecast and what it was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forecast {
    /// What was asked.
    pub kind: ForecastKind,
    /// `date(now)`, the first forecast day.
    pub from: Date,
    /// The target date (items forecasts).
    pub target: Option<Date>,
    /// The horizon `h` in days (items forecasts).
    pub horizon_days: Option<u32>,
    /// The number of items (date forecasts).
    pub items: Option<u64>,
    /// Runs made.
    pub runs: u32,
    /// The seed.
    pub seed: u64,
    /// First day of the history.
    pub history_from: Date,
    /// Completions per day, oldest first.
    pub history: Vec<u64>,
    /// The answers for 50, 85 and 95 %.
    pub values: Vec<ForecastValue>,
}

struct Plan {
    runs: u32,
    history_days: u32,
}

fn check_options(line: &Line, opts: &ForecastOptions) -> Result<Plan> {
    let config = &line.config().kaizen;
    let runs = opts.runs.unwrap_or(config.forecast_runs);
    let history_days = opts.history_days.unwrap_or(config.forecast_history_days);
    if !(1..=1_000_000).contains(&runs) {
        return Err(invalid("runs", &runs));
    }
    if !(1..=3660).contains(&history_days) {
        return Err(invalid("history_days", &history_days));
    }
    Ok(Plan { runs, history_days })
}

fn invalid(field: &str, value: &dyn ToString) -> Error {
    Error::InvalidForecast {
        field: field.to_owned(),
        value: value.to_string(),
    }
}

/// Completions per day of the `days` whole days before `date(now)`.
fn history(line: &Line, today: Date, days: u32) -> Result<(Date, Vec<u64>)> {
    let history = per_day(
        &line.kaizen.completions,
        today.add_days(-1),
        i64::from(days),
    );
    if history.iter().all(|c| *c == 0) {
        return Err(Error::NoThroughputHistory { days });
    }
    Ok((today.add_days(-i64::from(days)), history))
}

/// How many work orders will be completed from `date(now)` through
/// `target` (kaizen.md 6.8).
pub fn forecast_items(
    line: &Line,
    target: Date,
    opts: ForecastOptions,
    now: Timestamp,
) -> Result<Forecast> {
    let plan = check_options(line, &opts)?;
    let today = Date::of(now);
    let h = target.day() - today.day() + 1;
    if !(1..=i64::from(MAX_FORECAST_DAYS)).contains(&h) {
        return Err(invalid("target", &target));
    }
    let (history_from, history) = history(line, today, plan.history_days)?;
    let values = items_by(&history, h as u32, plan.runs, opts.seed)
        .into_iter()
        .map(|(confidence, items)| ForecastValue {
            confidence,
            items: Some(items),
            days: None,
            date: None,
        })
        .collect();
    Ok(Forecast {
        kind: ForecastKind::ItemsByDate,
        from: today,
        target: Some(target),
        horizon_days: Some(h as u32),
        items: None,
        runs: plan.runs,
        seed: opts.seed,
        history_from,
        history,
        values,
    })
}

/// When `items` more work orders will have been completed (kaizen.md 6.8).
pub fn forecast_date(
    line: &Line,
    items: u64,
    opts: ForecastOptions,
    now: Timestamp,
) -> Result<Forecast> {
    let plan = check_options(line, &opts)?;
    if items < 1 {
        return Err(invalid("items", &items));
    }
    let today = Date::of(now);
    let (history_from, history) = history(line, today, plan.history_days)?;
    let values = days_for(&history, items, plan.runs, opts.seed)
        .into_iter()
        .map(|(confidence, days)| ForecastValue {
            confidence,
            items: None,
            days,
            date: days.map(|k| today.add_days(i64::from(k) - 1)),
        })
        .collect();
    Ok(Forecast {
        kind: ForecastKind::DateForItems,
        from: today,
        target: None,
        horizon_days: None,
        items: Some(items),
        runs: plan.runs,
        seed: opts.seed,
        history_from,
        history,
        values,
    })
}

/// The run totals' `(100 − c)`-th percentiles over `h` days, per
/// confidence `c`. `history` must not be empty.
#[must_use]
pub fn items_by(history: &[u64], h: u32, runs: u32, seed: u64) -> Vec<(u8, u64)> {
    let totals = run_totals(history, h, runs, seed);
    let sorted: Vec<i64> = totals.iter().map(|t| *t as i64).collect();
    CONFIDENCES
        .iter()
        .map(|c| {
            (
                *c,
                percentile(&sorted, 100 - u32::from(*c)).unwrap_or(0) as u64,
            )
        })
        .collect()
}

/// The total of each run over `h` days, sorted ascending.
#[must_use]
pub fn run_totals(history: &[u64], h: u32, runs: u32, seed: u64) -> Vec<u64> {
    let mut rng = SplitMix64::new(seed);
    let len = history.len().max(1);
    let mut totals: Vec<u64> = (0..runs)
        .map(|_| {
            (0..h)
                .map(|_| history.get(rng.index(len)).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    totals.sort_unstable();
    totals
}

/// Days each run needs to reach `items` ([`u32::MAX`] for a run that
/// does not within 3 650 days), sorted ascending.
#[must_use]
pub fn run_days(history: &[u64], items: u64, runs: u32, seed: u64) -> Vec<u32> {
    let mut rng = SplitMix64::new(seed);
    let len = history.len().max(1);
    let mut days: Vec<u32> = (0..runs)
        .map(|_| {
            let mut sum = 0u64;
            for k in 1..=MAX_FORECAST_DAYS {
                sum += history.get(rng.index(len)).copied().unwrap_or(0);
                if sum >= items {
                    return k;
                }
            }
            u32::MAX
        })
        .collect();
    days.sort_unstable();
    days
}

/// The `c`-th percentiles of the days runs need to reach `items`, per
/// confidence; null for a run that never finished.
#[must_use]
pub fn days_for(history: &[u64], items: u64, runs: u32, seed: u64) -> Vec<(u8, Option<u32>)> {
    let days = run_days(history, items, runs, seed);
    let sorted: Vec<i64> = days.iter().map(|d| i64::from(*d)).collect();
    CONFIDENCES
        .iter()
        .map(|c| {
            let k = percentile(&sorted, u32::from(*c)).map(|d| d as u32);
            (*c, k.filter(|d| *d != u32::MAX))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const K_HISTORY: [u64; 7] = [1, 0, 1, 2, 1, 0, 0];

    #[test]
    fn k29_splitmix64_matches_its_reference_outputs() {
        let mut zero = SplitMix64::new(0);
        let mut fortytwo = SplitMix64::new(42);

        let a: Vec<u64> = (0..3).map(|_| zero.next_u64()).collect();
        let b: Vec<u64> = (0..3).map(|_| fortytwo.next_u64()).collect();

        assert_eq!(
            a,
            [
                0xe220_a839_7b1d_cdaf,
                0x6e78_9e6a_a1b9_65f4,
                0x06c4_5d18_8009_454f
            ]
        );
        assert_eq!(
            b,
            [
                0xbdd7_3226_2feb_6e95,
                0x28ef_e333_b266_f103,
                0x4752_6757_130f_9f52
            ]
        );
        let mut rng = SplitMix64::new(42);
        let indices: Vec<usize> = (0..10).map(|_| rng.index(7)).collect();
        assert_eq!(indices, [5, 1, 1, 2, 0, 6, 1, 5, 2, 4]);
    }

    #[test]
    fn k30_items_by_a_date_over_five_runs() {
        let totals = run_totals(&K_HISTORY, 7, 5, 42);

        assert_eq!(totals, [2, 3, 4, 6, 8]);
        assert_eq!(items_by(&K_HISTORY, 7, 5, 42), [(50, 4), (85, 2), (95, 2)]);
    }

    #[test]
    fn k31_date_for_items_over_five_runs() {
        let days = run_days(&K_HISTORY, 4, 5, 42);

        assert_eq!(days, [3, 3, 4, 5, 10]);
        assert_eq!(
            days_for(&K_HISTORY, 4, 5, 42),
            [(50, Some(4)), (85, Some(10)), (95, Some(10))]
        );
    }

    #[test]
    fn k32_full_forecasts_of_ten_thousand_runs() {
        assert_eq!(
            items_by(&K_HISTORY, 7, 10_000, 42),
            [(50, 5), (85, 3), (95, 2)]
        );
        assert_eq!(
            days_for(&K_HISTORY, 10, 10_000, 42),
            [(50, Some(14)), (85, Some(18)), (95, Some(21))]
        );
        assert_eq!(
            items_by(&K_HISTORY, 14, 10_000, 7),
            [(50, 10), (85, 7), (95, 6)]
        );
    }

    #[test]
    fn a_run_that_never_reaches_the_items_sorts_last_and_gives_no_date() {
        let history = [0, 0, 0, 0, 0, 0, 1];

        let answers = days_for(&history, 2_000, 3, 1);

        assert_eq!(answers, [(50, None), (85, None), (95, None)]);
    }
}
