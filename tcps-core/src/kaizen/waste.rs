//! Waste detection (kaizen.md 7).
//!
//! Examples are listed once each, in the order each detector names:
//! a SKU with two re-runs in a stage is one example of that stage.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::config::KaizenConfig;
use super::facts::{COMPLETE_RUN, KaizenState, NO_TESTS, RERUN_AFTER_FAIL, TESTLIKE, span};
use super::stats::hours_short;
use super::window::Window;
use crate::id::{AndonId, SkuId};
use crate::line::Line;

/// The six kinds of waste (kaizen.md 7.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WasteType {
    /// Visits of the compile stage over the limit.
    CompilationSlow,
    /// Tests that failed and passed on the same build.
    FlakyTest,
    /// Steps a person had to take.
    ManualIntervention,
    /// A root cause that stopped the line more than once.
    RepeatAndon,
    /// A stage whose mean visit is over the limit.
    LongLeadTime,
    /// Gates re-run after a failure.
    ExcessiveRework,
}

impl WasteType {
    /// All six, in the order of kaizen.md 7.2.
    pub const ALL: [Self; 6] = [
        Self::CompilationSlow,
        Self::FlakyTest,
        Self::ManualIntervention,
        Self::RepeatAndon,
        Self::LongLeadTime,
        Self::ExcessiveRework,
    ];

    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CompilationSlow => "compilation_slow",
            Self::FlakyTest => "flaky_test",
            Self::ManualIntervention => "manual_intervention",
            Self::RepeatAndon => "repeat_andon",
            Self::LongLeadTime => "long_lead_time",
            Self::ExcessiveRework => "excessive_rework",
        }
    }

    /// Parses the `snake_case` name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// One waste point (kaizen.md 7.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WastePoint {
    /// The kind of waste.
    #[serde(rename = "type")]
    pub waste_type: WasteType,
    /// The stage it is attributed to.
    pub stage: String,
    /// The normalised root cause of a repeat andon, else `""`.
    pub cause: String,
    /// Occurrences.
    pub frequency: u64,
    /// Exact sum of the waste, ms.
    pub total_ms: i64,
    /// `floor(total_ms / frequency)`.
    pub impact_ms: i64,
    /// `floor(total_ms × 7 / days)` of the window.
    pub weekly_ms: i64,
    /// At most five ids.
    pub examples: Vec<String>,
    /// The cause sentence.
    pub text: String,
}

impl WastePoint {
    /// Whether this point has the key (type, stage, cause) of kaizen.md 9:
    /// repeat andons match by cause alone.
    #[must_use]
    pub fn has_key(&self, waste_type: WasteType, stage: &str, cause: &str) -> bool {
        self.waste_type == waste_type
            && self.cause == cause
            && (waste_type == WasteType::RepeatAndon || self.stage == stage)
    }
}

/// Accumulates one point.
struct Acc {
    frequency: u64,
    total_ms: i128,
    examples: Vec<String>,
}

impl Acc {
    fn new() -> Self {
        Self {
            frequency: 0,
            total_ms: 0,
            examples: Vec::new(),
        }
    }

    fn add(&mut self, waste_ms: i64, example: Option<String>) {
        self.frequency += 1;
        self.total_ms += i128::from(waste_ms);
        if let Some(e) = example
            && self.examples.len() < 5
            && !self.examples.contains(&e)
        {
            self.examples.push(e);
        }
    }
}

/// The waste points of `window`, in the order of kaizen.md 7.3.
#[must_use]
pub fn waste(line: &Line, window: &Window) -> Vec<WastePoint> {
    waste_of(&line.kaizen, &line.config().kaizen, window)
}

pub(crate) fn waste_of(
    state: &KaizenState,
    config: &KaizenConfig,
    window: &Window,
) -> Vec<WastePoint> {
    let mut points = Vec::new();
    compilation_slow(state, config, window, &mut points);
    flaky_tests(state, config, window, &mut points);
    manual(state, config, window, &mut points);
    repeat_andons(state, config, window, &mut points);
    long_lead_time(state, config, window, &mut points);
    rework(state, config, window, &mut points);
    points.sort_by(|a, b| {
        b.total_ms
            .cmp(&a.total_ms)
            .then_with(|| a.waste_type.as_str().cmp(b.waste_type.as_str()))
            .then_with(|| a.stage.cmp(&b.stage))
            .then_with(|| a.cause.cmp(&b.cause))
    });
    points
}

fn finish(
    waste_type: WasteType,
    stage: &str,
    cause: &str,
    acc: Acc,
    window: &Window,
    text: String,
) -> WastePoint {
    let total_ms = i64::try_from(acc.total_ms).unwrap_or(i64::MAX);
    let frequency = acc.frequency.max(1);
    let weekly = acc.total_ms * 7 / i128::from(window.day_count().max(1));
    WastePoint {
        waste_type,
        stage: stage.to_owned(),
        cause: cause.to_owned(),
        frequency: acc.frequency,
        total_ms,
        impact_ms: i64::try_from(acc.total_ms.div_euclid(i128::from(frequency)))
            .unwrap_or(i64::MAX),
        weekly_ms: i64::try_from(weekly).unwrap_or(i64::MAX),
        examples: acc.examples,
        text,
    }
}

fn sku_text(sku: u64) -> String {
    SkuId(sku).to_string()
}

fn compilation_slow(
    state: &KaizenState,
    config: &KaizenConfig,
    window: &Window,
    out: &mut Vec<WastePoint>,
) {
    let Some(compile) = state.names.get(&config.compile_stage) else {
        return;
    };
    let limit = config.compile_limit_ms;
    let mut acc = Acc::new();
    for v in span(&state.visits, window.start(), window.end(), |v| v.exit) {
        let duration = v.exit - v.entry;
        if v.stage == compile && duration > limit {
            acc.add(duration - limit, Some(sku_text(v.sku)));
        }
    }
    if acc.frequency > 0 {
        let text = format!(
            "Stage {} took longer than {} s",
            config.compile_stage,
            limit / 1000
        );
        out.push(finish(
            WasteType::CompilationSlow,
            &config.compile_stage,
            "",
            acc,
            window,
            text,
        ));
    }
}

fn flaky_tests(
    state: &KaizenState,
    config: &KaizenConfig,
    window: &Window,
    out: &mut Vec<WastePoint>,
) {
    let evals = span(&state.evals, window.start(), window.end(), |e| e.at);
    // (SKU, gate) -> positions of its test evaluations, in time order.
    let mut runs: BTreeMap<(u64, u32), Vec<usize>> = BTreeMap::new();
    for (i, e) in evals.iter().enumerate() {
        if e.has(TESTLIKE) {
            runs.entry((e.sku, e.gate)).or_default().push(i);
        }
    }
    let failed_in = |i: usize| {
        evals
            .get(i)
            .and_then(|e| state.test_lists.get(e.tests as usize))
            .map_or(&[][..], |l| l.failed.as_slice())
    };
    // stage -> flaky test ids (interned).
    let mut per_stage: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for positions in runs.values() {
        for (n, i) in positions.iter().enumerate() {
            let Some(e) = evals.get(*i) else { continue };
            let Some(lists) = state
                .test_lists
                .get(e.tests as usize)
                .filter(|_| e.tests != NO_TESTS)
            else {
                continue;
            };
            let ids = per_stage.entry(e.stage).or_default();
            ids.extend(&lists.flaky);
            let later = positions.get(n + 1..).unwrap_or(&[]);
            for id in &lists.failed {
                let passed_later = later.iter().any(|j| {
                    evals.get(*j).is_some_and(|l| l.has(COMPLETE_RUN))
                        && !failed_in(*j).contains(id)
                });
                if passed_later {
                    ids.push(*id);
                }
            }
        }
    }
    for (stage, ids) in per_stage {
        let mut names: Vec<&str> = ids.into_iter().map(|id| state.names.name(id)).collect();
        names.sort_unstable();
        names.dedup();
        if names.is_empty() {
            continue;
        }
        let mut acc = Acc::new();
        for name in &names {
            acc.add(config.flaky_impact_ms, Some((*name).to_owned()));
        }
        let text = "Tests both failed and passed on the same build".to_owned();
        out.push(finish(
            WasteType::FlakyTest,
            state.names.name(stage),
            "",
            acc,
            window,
            text,
        ));
    }
}

fn manual(state: &KaizenState, config: &KaizenConfig, window: &Window, out: &mut Vec<WastePoint>) {
    let mut per_stage: BTreeMap<&str, Acc> = BTreeMap::new();
    for m in span(&state.manual, window.start(), window.end(), |m| m.at) {
        let acc = per_stage
            .entry(state.names.name(m.stage))
            .or_insert_with(Acc::new);
        acc.add(
            config.manual_impact_ms,
            Some(state.names.name(m.label).to_owned()),
        );
    }
    for (stage, acc) in per_stage {
        let text = format!("Stage {stage} needed a manual step");
        out.push(finish(
            WasteType::ManualIntervention,
            stage,
            "",
            acc,
            window,
            text,
        ));
    }
}

fn repeat_andons(
    state: &KaizenState,
    config: &KaizenConfig,
    window: &Window,
    out: &mut Vec<WastePoint>,
) {
    // cause -> (stage of the earliest, acc); andons come by raise time.
    let mut per_cause: BTreeMap<u32, (Option<u32>, Acc)> = BTreeMap::new();
    for a in span(&state.andons, window.start(), window.end(), |a| a.raised_at) {
        let resolved = a.resolved_at.is_some_and(|r| r < window.end());
        let Some(cause) = a.cause.filter(|_| resolved) else {
            continue;
        };
        let slot = per_cause
            .entry(cause)
            .or_insert_with(|| (a.stage, Acc::new()));
        slot.1
            .add(config.andon_impact_ms, Some(AndonId(a.id).to_string()));
    }
    for (cause, (stage, acc)) in per_cause {
        if acc.frequency < 2 {
            continue;
        }
        let cause = state.names.name(cause);
        let first_stage = stage.map_or("none", |s| state.names.name(s));
        let text = format!(
            "Root cause \"{cause}\" stopped the line {} times",
            acc.frequency
        );
        out.push(finish(
            WasteType::RepeatAndon,
            first_stage,
            cause,
            acc,
            window,
            text,
        ));
    }
}

fn long_lead_time(
    state: &KaizenState,
    config: &KaizenConfig,
    window: &Window,
    out: &mut Vec<WastePoint>,
) {
    let limit = config.stage_mean_limit_ms;
    let mut per_stage: BTreeMap<&str, Acc> = BTreeMap::new();
    for v in span(&state.visits, window.start(), window.end(), |v| v.exit) {
        let acc = per_stage
            .entry(state.names.name(v.stage))
            .or_insert_with(Acc::new);
        acc.add(v.exit - v.entry, Some(sku_text(v.sku)));
    }
    for (stage, mut acc) in per_stage {
        let allowed = i128::from(acc.frequency) * i128::from(limit);
        if acc.total_ms <= allowed {
            continue;
        }
        acc.total_ms -= allowed;
        let text = format!("Stage {stage} averaged more than {} h", hours_short(limit));
        out.push(finish(
            WasteType::LongLeadTime,
            stage,
            "",
            acc,
            window,
            text,
        ));
    }
}

fn rework(state: &KaizenState, config: &KaizenConfig, window: &Window, out: &mut Vec<WastePoint>) {
    let mut per_stage: BTreeMap<&str, Acc> = BTreeMap::new();
    for e in span(&state.evals, window.start(), window.end(), |e| e.at) {
        if e.has(RERUN_AFTER_FAIL) {
            let acc = per_stage
                .entry(state.names.name(e.stage))
                .or_insert_with(Acc::new);
            acc.add(config.rework_impact_ms, Some(sku_text(e.sku)));
        }
    }
    for (stage, acc) in per_stage {
        let text = format!("Gates in stage {stage} were re-run after a failure");
        out.push(finish(
            WasteType::ExcessiveRework,
            stage,
            "",
            acc,
            window,
            text,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeat_andon_keys_match_by_cause_whatever_the_stage() {
        let point = WastePoint {
            waste_type: WasteType::RepeatAndon,
            stage: "compilation".into(),
            cause: "missing lock file update".into(),
            frequency: 2,
            total_ms: 1,
            impact_ms: 0,
            weekly_ms: 1,
            examples: Vec::new(),
            text: String::new(),
        };

        assert!(point.has_key(
            WasteType::RepeatAndon,
            "test_execution",
            "missing lock file update"
        ));
        assert!(!point.has_key(WasteType::RepeatAndon, "compilation", "other"));
        assert!(!point.has_key(
            WasteType::FlakyTest,
            "compilation",
            "missing lock file update"
        ));
    }

    #[test]
    fn waste_type_names_round_trip() {
        for t in WasteType::ALL {
            assert_eq!(WasteType::parse(t.as_str()), Some(t));
        }
    }
}
