//! 5 Whys analyses tied to an andon, and their action items
//! (andon.md 10.1 to 10.5).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::{AnalysisId, AndonId, SkuId};
use crate::line::Line;
use crate::receipt::{Draft, Receipt};
use crate::time::Timestamp;
use crate::value::Value;

use super::body::Body;
use super::non_empty;
use super::state::AndonState;
use super::suggest::{Suggestions, prevention_suggestions};

/// Where an analysis stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnalysisStatus {
    /// Started, no why recorded yet.
    Pending,
    /// At least one why recorded.
    InProgress,
    /// Root cause and prevention recorded; read-only.
    Finalized,
}

impl AnalysisStatus {
    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::InProgress => "in_progress",
            Self::Finalized => "finalized",
        }
    }
}

impl fmt::Display for AnalysisStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something to do so the problem does not come back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionItem {
    /// 1, 2, ... within the analysis.
    pub item: u32,
    /// What to do.
    pub description: String,
    /// Who does it.
    pub owner: String,
    /// When it should be done.
    pub due_at: Timestamp,
    /// When it was added.
    pub added_at: Timestamp,
    /// When it was verified done.
    pub verified_at: Option<Timestamp>,
    /// Who verified it.
    pub verified_by: Option<String>,
}

/// A 5 Whys analysis (andon.md 10.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    /// `RCA-000001`.
    pub id: AnalysisId,
    /// The andon it explains.
    pub andon: AndonId,
    /// The problem statement.
    pub problem: String,
    /// Answers to why 1 to 5.
    pub whys: [Option<String>; 5],
    /// The root cause, once finalised.
    pub root_cause: Option<String>,
    /// The prevention action, once finalised.
    pub prevention_action: Option<String>,
    /// Suggestions from the root cause, once finalised.
    pub suggestions: Option<Suggestions>,
    /// Pending, in progress or finalised.
    pub status: AnalysisStatus,
    /// When it was started.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// When it was finalised.
    pub finalized_at: Option<Timestamp>,
    /// Action items, in item order.
    pub action_items: Vec<ActionItem>,
}

impl Analysis {
    /// Whether the analysis is read-only.
    #[must_use]
    pub fn is_finalized(&self) -> bool {
        self.status == AnalysisStatus::Finalized
    }

    /// Whether it has at least one action item and all are verified.
    #[must_use]
    pub fn loop_closed(&self) -> bool {
        self.is_finalized()
            && !self.action_items.is_empty()
            && self.action_items.iter().all(|i| i.verified_at.is_some())
    }

    fn item(&self, n: u32) -> Option<&ActionItem> {
        self.action_items
            .get(usize::try_from(n).ok()?.checked_sub(1)?)
    }
}

/// An unverified action item past its due time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueItem {
    /// The analysis.
    pub analysis: AnalysisId,
    /// The andon of the analysis.
    pub andon: AndonId,
    /// The item.
    pub item: ActionItem,
}

impl Line {
    /// Starts the 5 Whys analysis of an andon in any status
    /// (andon.md 10.2). Appends `analysis.started`.
    pub fn start_analysis(
        &mut self,
        andon: AndonId,
        problem: &str,
        now: Timestamp,
    ) -> Result<AnalysisId> {
        self.check_now(now)?;
        let a = self
            .andon
            .get(andon)
            .ok_or_else(|| Error::not_found("andon", andon))?;
        non_empty(problem, "problem")?;
        if let Some(existing) = a.analysis {
            return Err(Error::AnalysisExists {
                andon: andon.to_string(),
                analysis: existing.to_string(),
            });
        }

        let id = AnalysisId(self.andon.analyses.len() as u64 + 1);
        let body = crate::obj! {
            "analysis" => id.to_string(),
            "andon" => andon.to_string(),
            "problem" => problem,
            "sku" => sku_value(a.subject.sku()),
        };
        self.commit(now, vec![Draft::new("analysis.started", id, body)])?;
        Ok(id)
    }

    /// Records the answer to why `n` (1 to 5), replacing an earlier one
    /// (andon.md 10.3). Appends `analysis.why_recorded`.
    pub fn set_why(&mut self, id: AnalysisId, n: i64, answer: &str, now: Timestamp) -> Result<()> {
        self.check_now(now)?;
        let a = self.open_analysis(id)?;
        if !(1..=5).contains(&n) {
            return Err(Error::InvalidWhyNumber { n });
        }
        non_empty(answer, "why")?;

        let replaced = a.whys[(n - 1) as usize].is_some();
        let body = crate::obj! {
            "analysis" => id.to_string(),
            "n" => n,
            "answer" => answer,
            "replaced" => replaced,
            "sku" => self.analysis_sku(a),
        };
        self.commit(now, vec![Draft::new("analysis.why_recorded", id, body)])
    }

    /// Finalises an analysis whose five whys are set (andon.md 10.4).
    /// Appends `analysis.finalized`; the andon stays as it is.
    pub fn finalize_analysis(
        &mut self,
        id: AnalysisId,
        root_cause: &str,
        prevention_action: &str,
        now: Timestamp,
    ) -> Result<Suggestions> {
        self.check_now(now)?;
        let a = self.open_analysis(id)?;
        if let Some(n) = a.whys.iter().position(Option::is_none) {
            return Err(Error::MissingWhy { n: n as u32 + 1 });
        }
        non_empty(root_cause, "root_cause")?;
        non_empty(prevention_action, "prevention_action")?;

        let suggestions = prevention_suggestions(root_cause);
        let whys: Vec<Value> = a
            .whys
            .iter()
            .map(|w| Value::from(w.clone().unwrap_or_default()))
            .collect();
        let body = crate::obj! {
            "analysis" => id.to_string(),
            "andon" => a.andon.to_string(),
            "whys" => Value::Array(whys),
            "root_cause" => root_cause,
            "prevention_action" => prevention_action,
            "suggestions" => suggestions.to_value(),
            "duration_ms" => now - a.created_at,
            "sku" => self.analysis_sku(a),
        };
        self.commit(now, vec![Draft::new("analysis.finalized", id, body)])?;
        Ok(suggestions)
    }

    /// Adds an action item, in any status of the analysis; `due_at` may
    /// lie in the past (andon.md 10.5). Appends
    /// `analysis.action_item_added` and returns the item number.
    pub fn add_action_item(
        &mut self,
        id: AnalysisId,
        description: &str,
        owner: &str,
        due_at: Timestamp,
        now: Timestamp,
    ) -> Result<u32> {
        self.check_now(now)?;
        let a = self.analysis_ref(id)?;
        non_empty(description, "description")?;
        non_empty(owner, "owner")?;
        check_time("due_at", due_at)?;

        let item = a.action_items.len() as u32 + 1;
        let body = crate::obj! {
            "analysis" => id.to_string(),
            "item" => item,
            "description" => description,
            "owner" => owner,
            "due_at" => due_at,
            "sku" => self.analysis_sku(a),
        };
        self.commit(
            now,
            vec![Draft::new("analysis.action_item_added", id, body)],
        )?;
        Ok(item)
    }

    /// Marks an action item done (andon.md 10.5). Appends
    /// `analysis.action_item_verified`.
    pub fn verify_action_item(
        &mut self,
        id: AnalysisId,
        item: u32,
        verified_by: Option<&str>,
        now: Timestamp,
    ) -> Result<()> {
        self.check_now(now)?;
        let a = self.analysis_ref(id)?;
        let it = a
            .item(item)
            .ok_or_else(|| Error::not_found("action_item", format!("{id}#{item}")))?;
        if it.verified_at.is_some() {
            return Err(Error::AlreadyVerified {
                analysis: id.to_string(),
                item,
            });
        }

        let body = crate::obj! {
            "analysis" => id.to_string(),
            "item" => item,
            "verified_by" => verified_by.map(str::to_owned),
            "late" => now > it.due_at,
            "sku" => self.analysis_sku(a),
        };
        self.commit(
            now,
            vec![Draft::new("analysis.action_item_verified", id, body)],
        )
    }

    /// The analysis with this id (`not_found`).
    pub fn analysis(&self, id: AnalysisId) -> Result<Analysis> {
        self.analysis_ref(id).cloned()
    }

    /// Every analysis, ascending.
    #[must_use]
    pub fn analyses(&self) -> Vec<Analysis> {
        self.andon.analyses.clone()
    }

    /// Every unverified action item with `due_at < now`, by `due_at`,
    /// then analysis, then item (andon.md 10.5).
    #[must_use]
    pub fn overdue_action_items(&self, now: Timestamp) -> Vec<OverdueItem> {
        let mut out: Vec<OverdueItem> = self
            .andon
            .analyses
            .iter()
            .flat_map(|a| {
                a.action_items
                    .iter()
                    .filter(move |i| i.verified_at.is_none() && i.due_at < now)
                    .map(move |i| OverdueItem {
                        analysis: a.id,
                        andon: a.andon,
                        item: i.clone(),
                    })
            })
            .collect();
        out.sort_by_key(|o| (o.item.due_at, o.analysis, o.item.item));
        out
    }

    fn analysis_ref(&self, id: AnalysisId) -> Result<&Analysis> {
        self.andon
            .analysis(id)
            .ok_or_else(|| Error::not_found("analysis", id))
    }

    fn open_analysis(&self, id: AnalysisId) -> Result<&Analysis> {
        let a = self.analysis_ref(id)?;
        if a.is_finalized() {
            return Err(Error::AlreadyFinalized {
                analysis: id.to_string(),
            });
        }
        Ok(a)
    }

    /// The `sku` member of an analysis receipt: its andon's SKU subject.
    fn analysis_sku(&self, a: &Analysis) -> Value {
        sku_value(self.andon.get(a.andon).and_then(|x| x.subject.sku()))
    }
}

fn sku_value(sku: Option<SkuId>) -> Value {
    sku.map(|s| s.to_string()).into()
}

/// Refuses a time outside the integer range of receipts.
pub(crate) fn check_time(field: &str, at: Timestamp) -> Result<()> {
    if at.abs() > crate::value::MAX_SAFE_INT {
        return Err(Error::InvalidField {
            field: field.to_owned(),
            reason: "must be within ±(2^53-1) ms".to_owned(),
        });
    }
    Ok(())
}

/// The analysis a receipt names, which must be its subject.
fn target<'s>(state: &'s mut AndonState, r: &Receipt, body: &Body<'_>) -> Result<&'s mut Analysis> {
    if body.str("analysis")? != r.subject {
        return Err(body.bad("analysis", "must be the receipt's subject"));
    }
    let id: AnalysisId = body.id("analysis")?;
    state
        .analysis_mut(id)
        .ok_or_else(|| body.bad("analysis", "names no analysis"))
}

/// Checks the `sku` member of an analysis receipt.
fn check_sku(state: &AndonState, body: &Body<'_>, andon: AndonId) -> Result<()> {
    let sku: Option<SkuId> = body.opt_id("sku")?;
    let expected = state.get(andon).and_then(|a| a.subject.sku());
    body.expect("sku", sku, expected)
}

/// Applies an `analysis.*` receipt; `Ok(false)` for other kinds.
pub(crate) fn apply(state: &mut AndonState, r: &Receipt) -> Result<bool> {
    match r.kind.as_str() {
        "analysis.started" => apply_started(state, r)?,
        "analysis.why_recorded" => apply_why(state, r)?,
        "analysis.finalized" => apply_finalized(state, r)?,
        "analysis.action_item_added" => apply_item_added(state, r)?,
        "analysis.action_item_verified" => apply_item_verified(state, r)?,
        _ => return Ok(false),
    }
    Ok(true)
}

fn apply_started(state: &mut AndonState, r: &Receipt) -> Result<()> {
    let body = Body::exact(r, &["analysis", "andon", "problem", "sku"])?;
    let id: AnalysisId = body.id("analysis")?;
    body.expect("analysis", id.0, state.analyses.len() as u64 + 1)?;
    if body.str("analysis")? != r.subject {
        return Err(body.bad("analysis", "must be the receipt's subject"));
    }
    let andon: AndonId = body.id("andon")?;
    let problem = body.text("problem")?.to_owned();
    let a = state
        .get(andon)
        .ok_or_else(|| body.bad("andon", "names no andon"))?;
    if a.analysis.is_some() {
        return Err(body.bad("andon", "already has an analysis"));
    }
    check_sku(state, &body, andon)?;

    state.analyses.push(Analysis {
        id,
        andon,
        problem,
        whys: Default::default(),
        root_cause: None,
        prevention_action: None,
        suggestions: None,
        status: AnalysisStatus::Pending,
        created_at: r.at,
        updated_at: r.at,
        finalized_at: None,
        action_items: Vec::new(),
    });
    state.set_analysis(andon, id);
    Ok(())
}

fn apply_why(state: &mut AndonState, r: &Receipt) -> Result<()> {
    let body = Body::exact(r, &["analysis", "n", "answer", "replaced", "sku"])?;
    let n = body.int_in("n", 1, 5)? as usize;
    let answer = body.text("answer")?.to_owned();
    let replaced = body.bool("replaced")?;
    let andon = target(state, r, &body)?.andon;
    check_sku(state, &body, andon)?;

    let a = target(state, r, &body)?;
    if a.is_finalized() {
        return Err(body.bad("analysis", "is finalised"));
    }
    body.expect("replaced", replaced, a.whys[n - 1].is_some())?;
    a.whys[n - 1] = Some(answer);
    a.status = AnalysisStatus::InProgress;
    a.updated_at = r.at;
    Ok(())
}

fn apply_finalized(state: &mut AndonState, r: &Receipt) -> Result<()> {
    let members = [
        "analysis",
        "andon",
        "whys",
        "root_cause",
        "prevention_action",
        "suggestions",
        "duration_ms",
        "sku",
    ];
    let body = Body::exact(r, &members)?;
    let andon: AndonId = body.id("andon")?;
    let whys = body.list("whys")?;
    let root_cause = body.text("root_cause")?.to_owned();
    let prevention_action = body.text("prevention_action")?.to_owned();
    let suggestions = r
        .field("suggestions")
        .and_then(Suggestions::from_value)
        .ok_or_else(|| body.bad("suggestions", "must hold shacl, tests, templates and pins"))?;
    let duration_ms = body.int("duration_ms")?;
    check_sku(state, &body, andon)?;

    let a = target(state, r, &body)?;
    if a.is_finalized() {
        return Err(body.bad("analysis", "is finalised"));
    }
    body.expect("andon", andon, a.andon)?;
    let recorded: Vec<Option<&str>> = a.whys.iter().map(Option::as_deref).collect();
    let given: Vec<Option<&str>> = whys.iter().map(Value::as_str).collect();
    if recorded.iter().any(Option::is_none) || recorded != given {
        return Err(body.bad("whys", "must be the five recorded whys"));
    }
    body.expect("duration_ms", duration_ms, r.at - a.created_at)?;

    a.root_cause = Some(root_cause);
    a.prevention_action = Some(prevention_action);
    a.suggestions = Some(suggestions);
    a.status = AnalysisStatus::Finalized;
    a.finalized_at = Some(r.at);
    a.updated_at = r.at;
    Ok(())
}

fn apply_item_added(state: &mut AndonState, r: &Receipt) -> Result<()> {
    let members = ["analysis", "item", "description", "owner", "due_at", "sku"];
    let body = Body::exact(r, &members)?;
    let item = body.int("item")?;
    let description = body.text("description")?.to_owned();
    let owner = body.text("owner")?.to_owned();
    let due_at = body.int("due_at")?;
    let andon = target(state, r, &body)?.andon;
    check_sku(state, &body, andon)?;

    let a = target(state, r, &body)?;
    body.expect("item", item, a.action_items.len() as i64 + 1)?;
    a.action_items.push(ActionItem {
        item: item as u32,
        description,
        owner,
        due_at,
        added_at: r.at,
        verified_at: None,
        verified_by: None,
    });
    a.updated_at = r.at;
    Ok(())
}

fn apply_item_verified(state: &mut AndonState, r: &Receipt) -> Result<()> {
    let body = Body::exact(r, &["analysis", "item", "verified_by", "late", "sku"])?;
    let item = body.int_in("item", 1, i64::from(u32::MAX))? as u32;
    let verified_by = body.opt_str("verified_by")?.map(str::to_owned);
    let late = body.bool("late")?;
    let andon = target(state, r, &body)?.andon;
    check_sku(state, &body, andon)?;

    let a = target(state, r, &body)?;
    let index = (item - 1) as usize;
    let Some(it) = a.action_items.get_mut(index) else {
        return Err(body.bad("item", "names no action item"));
    };
    if it.verified_at.is_some() {
        return Err(body.bad("item", "is verified already"));
    }
    body.expect("late", late, r.at > it.due_at)?;
    it.verified_at = Some(r.at);
    it.verified_by = verified_by;
    a.updated_at = r.at;
    Ok(())
}
