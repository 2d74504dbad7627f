//! `KaizenConfig`: member `kaizen` of the configuration object
//! (kaizen.md 1), with the targets of kaizen.md 10.3.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::time::DAY_MS;
use crate::value::{Map, Value};

/// The targets of the six headline metrics (kaizen.md 10.1, 10.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Targets {
    /// p50 lead time, ms (lower is better).
    pub lead_time: i64,
    /// p50 cycle time, ms (lower is better).
    pub cycle_time: i64,
    /// Defect rate, bp (lower is better).
    pub defect_rate: i64,
    /// Rework rate, bp (lower is better).
    pub rework_rate: i64,
    /// First-pass yield, bp (higher is better).
    pub first_pass_yield: i64,
    /// Throughput, milli per day (higher is better).
    pub throughput: i64,
}

impl Targets {
    /// The six metric names, in the order of kaizen.md 10.1.
    pub const NAMES: [&'static str; 6] = [
        "lead_time",
        "cycle_time",
        "defect_rate",
        "rework_rate",
        "first_pass_yield",
        "throughput",
    ];

    /// The targets of kaizen.md 10.1.
    #[must_use]
    pub fn standard() -> Self {
        Self {
            lead_time: 7_200_000,
            cycle_time: 1_800_000,
            defect_rate: 100,
            rework_rate: 500,
            first_pass_yield: 9500,
            throughput: 10_000,
        }
    }

    /// The target of a metric named as in [`Targets::NAMES`].
    #[must_use]
    pub fn get(&self, name: &str) -> Option<i64> {
        Some(match name {
            "lead_time" => self.lead_time,
            "cycle_time" => self.cycle_time,
            "defect_rate" => self.defect_rate,
            "rework_rate" => self.rework_rate,
            "first_pass_yield" => self.first_pass_yield,
            "throughput" => self.throughput,
            _ => return None,
        })
    }

    fn set(&mut self, name: &str, value: i64) {
        match name {
            "lead_time" => self.lead_time = value,
            "cycle_time" => self.cycle_time = value,
            "defect_rate" => self.defect_rate = value,
            "rework_rate" => self.rework_rate = value,
            "first_pass_yield" => self.first_pass_yield = value,
            _ => self.throughput = value,
        }
    }
}

/// Member `kaizen` of the configuration (kaizen.md 1): windows, waste
/// limits and impacts, forecast defaults and targets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KaizenConfig {
    /// How long after a publication an andon counts against it (5.4).
    pub cfr_attribution_ms: i64,
    /// Days of completions behind a service level expectation (6.6).
    pub sle_window_days: u32,
    /// Completions a bucket needs before it has an SLE (6.6).
    pub sle_min_items: u32,
    /// Default number of Monte Carlo runs (6.8).
    pub forecast_runs: u32,
    /// Default days of throughput history for forecasts (6.8).
    pub forecast_history_days: u32,
    /// The stage whose slow visits are `compilation_slow` waste (7.2).
    pub compile_stage: String,
    /// Longest compile stage visit that is not waste (7.2).
    pub compile_limit_ms: i64,
    /// Mean stage visit above which a stage is `long_lead_time` (7.2).
    pub stage_mean_limit_ms: i64,
    /// Waste per flaky test (7.2).
    pub flaky_impact_ms: i64,
    /// Waste per manual step (7.2).
    pub manual_impact_ms: i64,
    /// Waste per repeated andon (7.2).
    pub andon_impact_ms: i64,
    /// Waste per re-run after a fail (7.2).
    pub rework_impact_ms: i64,
    /// Weekly waste a point must exceed to be proposed (8.1).
    pub proposal_min_weekly_ms: i64,
    /// Weeks of snapshots behind a trend (10.1).
    pub trend_weeks: u32,
    /// Weekly improvement rate that counts as on track (10.2).
    pub on_track_rate_bp: i64,
    /// Targets of the six headline metrics (10.3).
    pub targets: Targets,
}

/// The keys of `kaizen`, in the order of kaizen.md 1's table.
pub const KEYS: [&str; 16] = [
    "cfr_attribution_ms",
    "sle_window_days",
    "sle_min_items",
    "forecast_runs",
    "forecast_history_days",
    "compile_stage",
    "compile_limit_ms",
    "stage_mean_limit_ms",
    "flaky_impact_ms",
    "manual_impact_ms",
    "andon_impact_ms",
    "rework_impact_ms",
    "proposal_min_weekly_ms",
    "trend_weeks",
    "on_track_rate_bp",
    "targets",
];

impl Default for KaizenConfig {
    fn default() -> Self {
        Self::standard()
    }
}

impl KaizenConfig {
    /// The defaults of kaizen.md 1.
    #[must_use]
    pub fn standard() -> Self {
        Self {
            cfr_attribution_ms: 7 * DAY_MS,
            sle_window_days: 28,
            sle_min_items: 5,
            forecast_runs: 10_000,
            forecast_history_days: 28,
            compile_stage: "compilation".to_owned(),
            compile_limit_ms: 300_000,
            stage_mean_limit_ms: 3_600_000,
            flaky_impact_ms: 900_000,
            manual_impact_ms: 3_600_000,
            andon_impact_ms: 7_200_000,
            rework_impact_ms: 7_200_000,
            proposal_min_weekly_ms: 3_600_000,
            trend_weeks: 8,
            on_track_rate_bp: 400,
            targets: Targets::standard(),
        }
    }

    /// Reads and validates member `kaizen` of a configuration object.
    ///
    /// Keys are checked in the order of kaizen.md 1's table, each fully
    /// (present, type, range) before the next; the first broken rule
    /// decides (`invalid_kaizen_config {field, reason}`). A key the table
    /// does not name is refused after them.
    pub fn from_map(map: &Map) -> Result<Self> {
        let Some(Value::Object(kaizen)) = map.get("kaizen") else {
            return Err(bad("kaizen", "must be an object"));
        };
        let mut config = Self::standard();
        for key in KEYS {
            let value = kaizen.get(key).ok_or_else(|| bad(key, "is missing"))?;
            match key {
                "compile_stage" => {
                    let stage = value.as_str().ok_or_else(|| bad(key, "must be a string"))?;
                    stage.clone_into(&mut config.compile_stage);
                }
                "targets" => config.targets = read_targets(value)?,
                _ => {
                    let n = value
                        .as_i64()
                        .ok_or_else(|| bad(key, "must be an integer"))?;
                    config.set_int(key, n)?;
                }
            }
        }
        if let Some(extra) = kaizen.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(bad(extra, "is not a kaizen key"));
        }
        Ok(config)
    }

    /// Writes member `kaizen` into a configuration object.
    pub fn write(&self, out: &mut Map) {
        let mut targets = Map::new();
        for name in Targets::NAMES {
            let value = self.targets.get(name).unwrap_or_default();
            targets.insert(name.into(), Value::Int(value));
        }
        let mut kaizen = Map::new();
        for key in KEYS {
            let value = match key {
                "compile_stage" => Value::String(self.compile_stage.clone()),
                "targets" => Value::Object(targets.clone()),
                _ => Value::Int(self.get_int(key)),
            };
            kaizen.insert(key.into(), value);
        }
        out.insert("kaizen".into(), Value::Object(kaizen));
    }

    fn get_int(&self, key: &str) -> i64 {
        match key {
            "cfr_attribution_ms" => self.cfr_attribution_ms,
            "sle_window_days" => i64::from(self.sle_window_days),
            "sle_min_items" => i64::from(self.sle_min_items),
            "forecast_runs" => i64::from(self.forecast_runs),
            "forecast_history_days" => i64::from(self.forecast_history_days),
            "compile_limit_ms" => self.compile_limit_ms,
            "stage_mean_limit_ms" => self.stage_mean_limit_ms,
            "flaky_impact_ms" => self.flaky_impact_ms,
            "manual_impact_ms" => self.manual_impact_ms,
            "andon_impact_ms" => self.andon_impact_ms,
            "rework_impact_ms" => self.rework_impact_ms,
            "proposal_min_weekly_ms" => self.proposal_min_weekly_ms,
            "trend_weeks" => i64::from(self.trend_weeks),
            _ => self.on_track_rate_bp,
        }
    }

    fn set_int(&mut self, key: &str, n: i64) -> Result<()> {
        let range = |lo: i64, hi: i64| {
            if (lo..=hi).contains(&n) {
                Ok(n)
            } else if hi == i64::MAX {
                Err(bad(key, &format!("must be at least {lo}")))
            } else {
                Err(bad(key, &format!("must be {lo} to {hi}")))
            }
        };
        // The ranges bound every u32 key, so the casts below are exact.
        match key {
            "cfr_attribution_ms" => self.cfr_attribution_ms = range(1, i64::MAX)?,
            "sle_window_days" => self.sle_window_days = range(1, 3660)? as u32,
            "sle_min_items" => self.sle_min_items = range(1, i64::from(u32::MAX))? as u32,
            "forecast_runs" => self.forecast_runs = range(1, 1_000_000)? as u32,
            "forecast_history_days" => self.forecast_history_days = range(1, 3660)? as u32,
            "compile_limit_ms" => self.compile_limit_ms = range(0, i64::MAX)?,
            "stage_mean_limit_ms" => self.stage_mean_limit_ms = range(0, i64::MAX)?,
            "flaky_impact_ms" => self.flaky_impact_ms = range(0, i64::MAX)?,
            "manual_impact_ms" => self.manual_impact_ms = range(0, i64::MAX)?,
            "andon_impact_ms" => self.andon_impact_ms = range(0, i64::MAX)?,
            "rework_impact_ms" => self.rework_impact_ms = range(0, i64::MAX)?,
            "proposal_min_weekly_ms" => self.proposal_min_weekly_ms = range(0, i64::MAX)?,
            "trend_weeks" => self.trend_weeks = range(2, 522)? as u32,
            _ => self.on_track_rate_bp = range(0, i64::MAX)?,
        }
        Ok(())
    }
}

fn read_targets(value: &Value) -> Result<Targets> {
    let Value::Object(map) = value else {
        return Err(bad(
            "targets",
            "must be an object with the six metrics of 10.1",
        ));
    };
    let mut targets = Targets::standard();
    for name in Targets::NAMES {
        let field = format!("targets.{name}");
        let n = map
            .get(name)
            .ok_or_else(|| bad(&field, "is missing"))?
            .as_i64()
            .ok_or_else(|| bad(&field, "must be an integer"))?;
        if n < 1 {
            return Err(bad(&field, "must be at least 1"));
        }
        targets.set(name, n);
    }
    if let Some(extra) = map.keys().find(|k| !Targets::NAMES.contains(&k.as_str())) {
        return Err(bad(&format!("targets.{extra}"), "is not a headline metric"));
    }
    Ok(targets)
}

fn bad(field: &str, reason: &str) -> Error {
    Error::InvalidKaizenConfig {
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standard_map() -> Map {
        let mut map = Map::new();
        KaizenConfig::standard().write(&mut map);
        map
    }

    fn with(key: &str, value: Value) -> Map {
        let mut map = standard_map();
        if let Some(Value::Object(k)) = map.get_mut("kaizen") {
            k.insert(key.into(), value);
        }
        map
    }

    fn field_of(result: Result<KaizenConfig>) -> String {
        match result {
            Err(Error::InvalidKaizenConfig { field, .. }) => field,
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn the_standard_config_round_trips() {
        let map = standard_map();

        let config = KaizenConfig::from_map(&map);

        assert_eq!(config.ok(), Some(KaizenConfig::standard()));
    }

    #[test]
    fn each_range_rule_names_its_key() {
        let cases = [
            ("cfr_attribution_ms", 0),
            ("sle_window_days", 3661),
            ("sle_min_items", 0),
            ("forecast_runs", 1_000_001),
            ("forecast_history_days", 0),
            ("flaky_impact_ms", -1),
            ("trend_weeks", 1),
            ("on_track_rate_bp", -1),
        ];
        for (key, value) in cases {
            let map = with(key, Value::Int(value));

            assert_eq!(field_of(KaizenConfig::from_map(&map)), key);
        }
    }

    #[test]
    fn the_first_broken_rule_in_table_order_decides() {
        let mut map = with("trend_weeks", Value::Int(0));
        if let Some(Value::Object(k)) = map.get_mut("kaizen") {
            k.insert("sle_min_items".into(), Value::String("5".into()));
        }

        assert_eq!(field_of(KaizenConfig::from_map(&map)), "sle_min_items");
    }

    #[test]
    fn targets_need_all_six_metrics_at_least_one() {
        let map = with("targets", crate::obj! { "lead_time" => 1i64 });
        assert_eq!(field_of(KaizenConfig::from_map(&map)), "targets.cycle_time");

        let mut targets = Map::new();
        for name in Targets::NAMES {
            targets.insert(name.into(), Value::Int(1));
        }
        targets.insert("throughput".into(), Value::Int(0));
        let map = with("targets", Value::Object(targets));
        assert_eq!(field_of(KaizenConfig::from_map(&map)), "targets.throughput");
    }

    #[test]
    fn compile_stage_must_be_text_but_may_name_no_stage() {
        let map = with("compile_stage", Value::Int(3));
        assert_eq!(field_of(KaizenConfig::from_map(&map)), "compile_stage");

        let map = with("compile_stage", Value::from("nowhere"));
        assert!(KaizenConfig::from_map(&map).is_ok());
    }

    #[test]
    fn missing_and_unknown_keys_are_refused() {
        let mut map = standard_map();
        if let Some(Value::Object(k)) = map.get_mut("kaizen") {
            k.remove("forecast_runs");
        }
        assert_eq!(field_of(KaizenConfig::from_map(&map)), "forecast_runs");

        let map = with("colour", Value::from("red"));
        assert_eq!(field_of(KaizenConfig::from_map(&map)), "colour");
    }
}
