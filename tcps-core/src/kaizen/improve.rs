//! The improvement lifecycle (kaizen.md 9): proposals become
//! improvements, are applied, measured and kept or rejected, each step
//! a receipt.

use serde::{Deserialize, Serialize};

use super::proposals::{Effort, proposals_of};
use super::waste::{WasteType, waste_of};
use super::window::Window;
use crate::error::{Error, Result};
use crate::id::ImprovementId;
use crate::line::{Line, body_field};
use crate::receipt::{Draft, Receipt};
use crate::time::{DAY_MS, Timestamp};
use crate::value::{Map, Value};

/// Where an improvement stands (kaizen.md 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImprovementStatus {
    /// Recorded from a proposal.
    Proposed,
    /// Put into practice.
    Applied,
    /// Its before and after windows are being compared.
    Measuring,
    /// It reduced its waste (final).
    Kept,
    /// It did not, or was turned down (final).
    Rejected,
}

impl ImprovementStatus {
    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Applied => "applied",
            Self::Measuring => "measuring",
            Self::Kept => "kept",
            Self::Rejected => "rejected",
        }
    }

    /// Whether no operation can change it any more.
    #[must_use]
    pub fn is_final(self) -> bool {
        matches!(self, Self::Kept | Self::Rejected)
    }
}

/// One improvement and its history (kaizen.md 9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Improvement {
    /// `IMP-000001`, ...
    pub id: ImprovementId,
    /// Key part 1: the waste type.
    #[serde(rename = "type")]
    pub waste_type: WasteType,
    /// Key part 2: the stage.
    pub stage: String,
    /// Key part 3: the cause (`""` but for repeat andons).
    pub cause: String,
    /// Where it stands.
    pub status: ImprovementStatus,
    /// What to do.
    pub description: String,
    /// The benefit text of its proposal.
    pub benefit: String,
    /// The effort.
    pub effort: Effort,
    /// Hours of the effort.
    pub effort_hours: u32,
    /// Weekly waste when proposed, ms.
    pub weekly_ms: i64,
    /// ROI when proposed, in thousandths.
    pub roi_milli: i64,
    /// The window the proposal came from.
    pub window: Window,
    /// When it was proposed.
    pub proposed_at: Timestamp,
    /// When it was applied.
    pub applied_at: Option<Timestamp>,
    /// The note given when applied, kept as given.
    pub note: Option<String>,
    /// Days of each measurement window.
    pub days: Option<u32>,
    /// `[applied_at − W, applied_at)`.
    pub before: Option<Window>,
    /// `[applied_at, applied_at + W)`.
    pub after: Option<Window>,
    /// Waste of its key in the before window, ms.
    pub before_ms: Option<i64>,
    /// Waste of its key in the after window, ms.
    pub after_ms: Option<i64>,
    /// `before_ms − after_ms`.
    pub benefit_ms: Option<i64>,
    /// Why it was rejected by hand, kept as given.
    pub reject_reason: Option<String>,
    /// When it was kept or rejected.
    pub decided_at: Option<Timestamp>,
}

impl Improvement {
    /// Whether its key is (type, stage, cause); repeat andons match by
    /// cause alone (kaizen.md 9, "Keys").
    #[must_use]
    pub fn has_key(&self, waste_type: WasteType, stage: &str, cause: &str) -> bool {
        self.waste_type == waste_type
            && self.cause == cause
            && (waste_type == WasteType::RepeatAndon || self.stage == stage)
    }
}

/// The improvement with this id.
pub fn improvement(line: &Line, id: ImprovementId) -> Result<Improvement> {
    find(line, id).cloned()
}

/// All improvements, by ascending id.
#[must_use]
pub fn improvements(line: &Line) -> Vec<Improvement> {
    line.kaizen.improvements.clone()
}

fn find(line: &Line, id: ImprovementId) -> Result<&Improvement> {
    line.kaizen
        .improvements
        .iter()
        .find(|i| i.id == id)
        .ok_or_else(|| Error::ImprovementNotFound { id: id.to_string() })
}

fn transition(imp: &Improvement, op: &str) -> Error {
    Error::InvalidImprovementTransition {
        id: imp.id.to_string(),
        from: imp.status.as_str().to_owned(),
        op: op.to_owned(),
    }
}

fn window_value(w: &Window) -> Value {
    crate::obj! { "start" => w.start(), "end" => w.end() }
}

impl Line {
    /// Records the proposals of `window` whose key no open improvement
    /// (proposed, applied, measuring) holds, one `improvement.proposed`
    /// each, and returns the new ids (kaizen.md 9.1).
    pub fn propose_improvements(
        &mut self,
        window: &Window,
        now: Timestamp,
    ) -> Result<Vec<ImprovementId>> {
        self.check_now(now)?;
        let proposals = proposals_of(&self.kaizen, &self.config.kaizen, window);
        let mut next = self.kaizen.improvements.last().map_or(1, |i| i.id.0 + 1);
        let mut ids = Vec::new();
        let mut drafts = Vec::new();
        for p in proposals {
            let taken = self
                .kaizen
                .improvements
                .iter()
                .any(|i| !i.status.is_final() && i.has_key(p.waste_type, &p.stage, &p.cause));
            if taken {
                continue;
            }
            let id = ImprovementId(next);
            next += 1;
            let body = crate::obj! {
                "improvement" => id.to_string(),
                "type" => p.waste_type.as_str(),
                "stage" => p.stage.as_str(),
                "cause" => p.cause.as_str(),
                "description" => p.description.as_str(),
                "benefit" => p.benefit.as_str(),
                "effort" => p.effort.as_str(),
                "effort_hours" => p.effort_hours,
                "weekly_ms" => p.weekly_ms,
                "roi_milli" => p.roi_milli,
                "window" => window_value(window),
            };
            drafts.push(Draft::new("improvement.proposed", id, body));
            ids.push(id);
        }
        self.commit(now, drafts)?;
        Ok(ids)
    }

    /// Marks a proposed improvement applied, with a note that may be
    /// empty (kaizen.md 9.2).
    pub fn apply_improvement(
        &mut self,
        id: ImprovementId,
        note: &str,
        now: Timestamp,
    ) -> Result<Improvement> {
        self.check_now(now)?;
        let imp = find(self, id)?;
        if imp.status != ImprovementStatus::Proposed {
            return Err(transition(imp, "apply_improvement"));
        }
        let body = crate::obj! { "improvement" => id.to_string(), "note" => note };
        self.commit(now, vec![Draft::new("improvement.applied", id, body)])?;
        improvement(self, id)
    }

    /// Starts measuring an applied improvement over `days` days before
    /// and after it was applied (kaizen.md 9.3).
    pub fn begin_measurement(
        &mut self,
        id: ImprovementId,
        days: i64,
        now: Timestamp,
    ) -> Result<Improvement> {
        self.check_now(now)?;
        let imp = find(self, id)?;
        if imp.status != ImprovementStatus::Applied {
            return Err(transition(imp, "begin_measurement"));
        }
        let applied_at = imp.applied_at.unwrap_or(imp.proposed_at);
        if !(1..=366).contains(&days) || now < applied_at {
            return Err(Error::InvalidMeasurement { days });
        }
        let width = days * DAY_MS;
        let before = Window::trailing(days, applied_at - 1)?;
        let after = Window::trailing(days, applied_at + width - 1)?;
        let body = crate::obj! {
            "improvement" => id.to_string(),
            "days" => days,
            "before" => window_value(&before),
            "after" => window_value(&after),
        };
        self.commit(now, vec![Draft::new("improvement.measuring", id, body)])?;
        improvement(self, id)
    }

    /// Compares the waste of the improvement's key before and after it
    /// was applied, and keeps it when the waste went down (kaizen.md 9.4).
    pub fn conclude_improvement(
        &mut self,
        id: ImprovementId,
        now: Timestamp,
    ) -> Result<Improvement> {
        self.check_now(now)?;
        let imp = find(self, id)?;
        if imp.status != ImprovementStatus::Measuring {
            return Err(transition(imp, "conclude_improvement"));
        }
        let (Some(before), Some(after)) = (imp.before, imp.after) else {
            return Err(transition(imp, "conclude_improvement"));
        };
        if now < after.end() {
            return Err(Error::MeasurementWindowOpen {
                id: id.to_string(),
                ends_at: after.end(),
            });
        }
        let waste_in = |w: &Window| {
            waste_of(&self.kaizen, &self.config.kaizen, w)
                .iter()
                .find(|p| p.has_key(imp.waste_type, &imp.stage, &imp.cause))
                .map_or(0, |p| p.total_ms)
        };
        let before_ms = waste_in(&before);
        let after_ms = waste_in(&after);
        let benefit_ms = before_ms.saturating_sub(after_ms);
        let decision = if benefit_ms > 0 { "kept" } else { "rejected" };
        let body = crate::obj! {
            "improvement" => id.to_string(),
            "before_ms" => before_ms,
            "after_ms" => after_ms,
            "benefit_ms" => benefit_ms,
            "decision" => decision,
        };
        self.commit(now, vec![Draft::new("improvement.concluded", id, body)])?;
        improvement(self, id)
    }

    /// Turns down an improvement that is not final, with a reason
    /// (kaizen.md 9.5).
    pub fn reject_improvement(
        &mut self,
        id: ImprovementId,
        reason: &str,
        now: Timestamp,
    ) -> Result<Improvement> {
        self.check_now(now)?;
        let imp = find(self, id)?;
        if imp.status.is_final() {
            return Err(transition(imp, "reject_improvement"));
        }
        if reason.trim().is_empty() {
            return Err(Error::MissingField {
                field: "reason".into(),
            });
        }
        let body = crate::obj! {
            "improvement" => id.to_string(),
            "from" => imp.status.as_str(),
            "reason" => reason,
        };
        self.commit(now, vec![Draft::new("improvement.rejected", id, body)])?;
        improvement(self, id)
    }
}

/// Applies an `improvement.*` receipt; `Ok(false)` for other kinds.
pub(crate) fn apply(line: &mut Line, r: &Receipt) -> Result<bool> {
    let members: &[&str] = match r.kind.as_str() {
        "improvement.proposed" => &[
            "improvement",
            "type",
            "stage",
            "cause",
            "description",
            "benefit",
            "effort",
            "effort_hours",
            "weekly_ms",
            "roi_milli",
            "window",
        ],
        "improvement.applied" => &["improvement", "note"],
        "improvement.measuring" => &["improvement", "days", "before", "after"],
        "improvement.concluded" => &[
            "improvement",
            "before_ms",
            "after_ms",
            "benefit_ms",
            "decision",
        ],
        "improvement.rejected" => &["improvement", "from", "reason"],
        _ => return Ok(false),
    };
    check_members(r, members)?;
    let id: ImprovementId = text(r, "improvement")?
        .parse()
        .map_err(|_| refused("improvement", "must be an improvement id"))?;
    if r.subject != id.to_string() {
        return Err(refused("subject", "must be the improvement"));
    }
    if r.kind == "improvement.proposed" {
        let imp = proposed(line, r, id)?;
        line.kaizen.improvements.push(imp);
        return Ok(true);
    }
    let Some(pos) = line.kaizen.improvements.iter().position(|i| i.id == id) else {
        return Err(Error::ImprovementNotFound { id: id.to_string() });
    };
    let mut imp = line.kaizen.improvements[pos].clone();
    match r.kind.as_str() {
        "improvement.applied" => {
            expect(&imp, ImprovementStatus::Proposed, "apply_improvement")?;
            imp.status = ImprovementStatus::Applied;
            imp.applied_at = Some(r.at);
            imp.note = Some(text(r, "note")?.to_owned());
        }
        "improvement.measuring" => {
            expect(&imp, ImprovementStatus::Applied, "begin_measurement")?;
            let days = int(r, "days")?;
            if !(1..=366).contains(&days) {
                return Err(Error::InvalidMeasurement { days });
            }
            imp.status = ImprovementStatus::Measuring;
            imp.days = Some(days as u32);
            imp.before = Some(window_of(r, "before")?);
            imp.after = Some(window_of(r, "after")?);
        }
        "improvement.concluded" => {
            expect(&imp, ImprovementStatus::Measuring, "conclude_improvement")?;
            imp.status = match text(r, "decision")? {
                "kept" => ImprovementStatus::Kept,
                "rejected" => ImprovementStatus::Rejected,
                _ => return Err(refused("decision", "must be kept or rejected")),
            };
            imp.before_ms = Some(int(r, "before_ms")?);
            imp.after_ms = Some(int(r, "after_ms")?);
            imp.benefit_ms = Some(int(r, "benefit_ms")?);
            imp.decided_at = Some(r.at);
        }
        _ => {
            if imp.status.is_final() {
                return Err(transition(&imp, "reject_improvement"));
            }
            if text(r, "from")? != imp.status.as_str() {
                return Err(refused("from", "must be the status before"));
            }
            imp.status = ImprovementStatus::Rejected;
            imp.reject_reason = Some(text(r, "reason")?.to_owned());
            imp.decided_at = Some(r.at);
        }
    }
    line.kaizen.improvements[pos] = imp;
    Ok(true)
}

fn proposed(line: &Line, r: &Receipt, id: ImprovementId) -> Result<Improvement> {
    let next = line.kaizen.improvements.last().map_or(1, |i| i.id.0 + 1);
    if id.0 != next {
        return Err(refused("improvement", "must be the next improvement id"));
    }
    let waste_type = WasteType::parse(text(r, "type")?)
        .ok_or_else(|| refused("type", "must be a waste type"))?;
    let effort = Effort::parse(text(r, "effort")?)
        .ok_or_else(|| refused("effort", "must be low, medium or high"))?;
    let effort_hours = u32::try_from(int(r, "effort_hours")?)
        .map_err(|_| refused("effort_hours", "must be a u32"))?;
    Ok(Improvement {
        id,
        waste_type,
        stage: text(r, "stage")?.to_owned(),
        cause: text(r, "cause")?.to_owned(),
        status: ImprovementStatus::Proposed,
        description: text(r, "description")?.to_owned(),
        benefit: text(r, "benefit")?.to_owned(),
        effort,
        effort_hours,
        weekly_ms: int(r, "weekly_ms")?,
        roi_milli: int(r, "roi_milli")?,
        window: window_of(r, "window")?,
        proposed_at: r.at,
        applied_at: None,
        note: None,
        days: None,
        before: None,
        after: None,
        before_ms: None,
        after_ms: None,
        benefit_ms: None,
        reject_reason: None,
        decided_at: None,
    })
}

fn expect(imp: &Improvement, status: ImprovementStatus, op: &str) -> Result<()> {
    if imp.status == status {
        Ok(())
    } else {
        Err(transition(imp, op))
    }
}

fn refused(member: &str, rule: &str) -> Error {
    Error::InvalidReceipt {
        member: format!("body/{member}"),
        rule: rule.to_owned(),
    }
}

fn check_members(r: &Receipt, members: &[&str]) -> Result<()> {
    let Some(map) = r.body.as_object() else {
        return Err(refused("", "must be an object"));
    };
    for m in members {
        body_field(r, m)?;
    }
    if let Some(extra) = map.keys().find(|k| !members.contains(&k.as_str())) {
        return Err(refused(extra, &format!("is not a member of {}", r.kind)));
    }
    Ok(())
}

fn text<'a>(r: &'a Receipt, member: &str) -> Result<&'a str> {
    body_field(r, member)?
        .as_str()
        .ok_or_else(|| refused(member, "must be a string"))
}

fn int(r: &Receipt, member: &str) -> Result<i64> {
    body_field(r, member)?
        .as_i64()
        .ok_or_else(|| refused(member, "must be an integer"))
}

fn window_of(r: &Receipt, member: &str) -> Result<Window> {
    let value = body_field(r, member)?;
    let ok = value
        .as_object()
        .is_some_and(|m: &Map| m.len() == 2 && m.contains_key("start") && m.contains_key("end"));
    if !ok {
        return Err(refused(member, "must be {start, end}"));
    }
    value
        .to_deserialize::<Window>()
        .map_err(|_| refused(member, "must span 1 to 3660 whole days"))
}
