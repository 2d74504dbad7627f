//! Improvement proposals with their return on investment (kaizen.md 8).

use serde::{Deserialize, Serialize};

use super::config::KaizenConfig;
use super::facts::KaizenState;
use super::stats::format_fraction;
use super::waste::{WastePoint, WasteType, waste_of};
use super::window::Window;
use crate::line::Line;
use crate::time::HOUR_MS;

/// The effort a proposal asks for (kaizen.md 8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effort {
    /// 4 hours.
    Low,
    /// 16 hours.
    Medium,
    /// 40 hours.
    High,
}

impl Effort {
    /// Hours of work.
    #[must_use]
    pub fn hours(self) -> u32 {
        match self {
            Self::Low => 4,
            Self::Medium => 16,
            Self::High => 40,
        }
    }

    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    /// Parses the `snake_case` name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Low, Self::Medium, Self::High]
            .into_iter()
            .find(|e| e.as_str() == name)
    }
}

/// Share of the waste a fix saves, in percent, and its effort (8.1).
#[must_use]
pub fn template(waste_type: WasteType) -> (i64, Effort) {
    match waste_type {
        WasteType::CompilationSlow => (40, Effort::Medium),
        WasteType::FlakyTest | WasteType::RepeatAndon => (100, Effort::Low),
        WasteType::ManualIntervention => (100, Effort::High),
        WasteType::LongLeadTime | WasteType::ExcessiveRework => (50, Effort::Medium),
    }
}

/// One proposal (kaizen.md 8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// The waste type of its point.
    #[serde(rename = "type")]
    pub waste_type: WasteType,
    /// The stage of its point.
    pub stage: String,
    /// The cause of its point.
    pub cause: String,
    /// What to do.
    pub description: String,
    /// `Saves about X hours a week`.
    pub benefit: String,
    /// The effort.
    pub effort: Effort,
    /// Hours of the effort.
    pub effort_hours: u32,
    /// The point's weekly waste, ms.
    pub weekly_ms: i64,
    /// `floor(weekly_ms × 1000 / (effort_hours × 3 600 000))`.
    pub roi_milli: i64,
    /// The exact ROI with two decimals.
    pub roi: String,
}

impl Proposal {
    /// The proposal for a waste point, whatever its size.
    #[must_use]
    pub fn for_point(point: &WastePoint) -> Self {
        let (share, effort) = template(point.waste_type);
        let stage = &point.stage;
        let description = match point.waste_type {
            WasteType::CompilationSlow => format!("Cache build inputs of stage {stage}"),
            WasteType::FlakyTest => "Make flaky tests deterministic (seeds, isolation)".to_owned(),
            WasteType::ManualIntervention => format!("Automate the manual steps of stage {stage}"),
            WasteType::RepeatAndon => {
                format!("Add a preventive check for root cause \"{}\"", point.cause)
            }
            WasteType::LongLeadTime => format!("Shorten stage {stage}"),
            WasteType::ExcessiveRework => {
                format!("Catch failures before the gates of stage {stage}")
            }
        };
        let saving = format_fraction(
            i128::from(point.weekly_ms) * i128::from(share),
            100 * i128::from(HOUR_MS),
            1,
        );
        let cost = i128::from(effort.hours()) * i128::from(HOUR_MS);
        let weekly = i128::from(point.weekly_ms);
        Self {
            waste_type: point.waste_type,
            stage: point.stage.clone(),
            cause: point.cause.clone(),
            description,
            benefit: format!("Saves about {saving} hours a week"),
            effort,
            effort_hours: effort.hours(),
            weekly_ms: point.weekly_ms,
            roi_milli: i64::try_from((weekly * 1000).div_euclid(cost)).unwrap_or(i64::MAX),
            roi: format_fraction(weekly, cost, 2),
        }
    }

    /// Orders by exact ROI descending, then type, stage and cause.
    fn cmp_rank(&self, other: &Self) -> std::cmp::Ordering {
        // a / (ha·H) > b / (hb·H)  <=>  a·hb > b·ha
        let lhs = i128::from(self.weekly_ms) * i128::from(other.effort_hours);
        let rhs = i128::from(other.weekly_ms) * i128::from(self.effort_hours);
        rhs.cmp(&lhs)
            .then_with(|| self.waste_type.as_str().cmp(other.waste_type.as_str()))
            .then_with(|| self.stage.cmp(&other.stage))
            .then_with(|| self.cause.cmp(&other.cause))
    }
}

/// The proposals of `window`, best ROI first (kaizen.md 8.2).
#[must_use]
pub fn proposals(line: &Line, window: &Window) -> Vec<Proposal> {
    proposals_of(&line.kaizen, &line.config().kaizen, window)
}

pub(crate) fn proposals_of(
    state: &KaizenState,
    config: &KaizenConfig,
    window: &Window,
) -> Vec<Proposal> {
    proposals_from(&waste_of(state, config, window), config)
}

/// The proposals of a list of waste points: those whose `weekly_ms` is
/// above `proposal_min_weekly_ms`, best ROI first.
#[must_use]
pub fn proposals_from(points: &[WastePoint], config: &KaizenConfig) -> Vec<Proposal> {
    let mut out: Vec<Proposal> = points
        .iter()
        .filter(|p| p.weekly_ms > config.proposal_min_weekly_ms)
        .map(Proposal::for_point)
        .collect();
    out.sort_by(Proposal::cmp_rank);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(waste_type: WasteType, total_ms: i64, days: i64) -> WastePoint {
        WastePoint {
            waste_type,
            stage: "compilation".into(),
            cause: String::new(),
            frequency: 1,
            total_ms,
            impact_ms: total_ms,
            weekly_ms: total_ms * 7 / days,
            examples: Vec::new(),
            text: String::new(),
        }
    }

    #[test]
    fn k41_ties_round_away_from_zero() {
        let p = Proposal::for_point(&point(WasteType::FlakyTest, 4_500_000, 7));

        assert_eq!(p.benefit, "Saves about 1.3 hours a week");
        assert_eq!(p.roi, "0.31");
        assert_eq!(p.roi_milli, 312);
    }

    #[test]
    fn k42_longer_windows_are_weekly_normalised() {
        let p = Proposal::for_point(&point(WasteType::CompilationSlow, 14_400_000, 14));

        assert_eq!(p.weekly_ms, 7_200_000);
        assert_eq!(p.benefit, "Saves about 0.8 hours a week");
        assert_eq!(p.roi, "0.13");
    }

    #[test]
    fn exactly_one_hour_a_week_is_not_proposed() {
        let config = KaizenConfig::standard();
        let points = [point(WasteType::ManualIntervention, 3_600_000, 7)];

        assert!(proposals_from(&points, &config).is_empty());
    }

    #[test]
    fn equal_printed_rois_are_ordered_by_their_exact_values() {
        let config = KaizenConfig::standard();
        let slow = point(WasteType::CompilationSlow, 7_380_000, 7);
        let rework = point(WasteType::ExcessiveRework, 7_200_000, 7);

        let out = proposals_from(&[rework, slow], &config);

        let rois: Vec<(&str, i64)> = out.iter().map(|p| (p.roi.as_str(), p.roi_milli)).collect();
        assert_eq!(rois, [("0.13", 128), ("0.13", 125)]);
        assert_eq!(
            out.first().map(|p| p.waste_type),
            Some(WasteType::CompilationSlow)
        );
    }
}
