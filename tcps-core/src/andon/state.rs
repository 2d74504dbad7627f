//! The andon part of a line's state, its indexes, and the apply step of
//! every `andon.*` receipt (andon.md 11).
//!
//! The indexes are derived from the andons alone, so two states with the
//! same andons and analyses are equal whatever order built them.

use std::collections::{BTreeSet, HashMap};

use crate::error::{Error, Result};
use crate::flow::Bucket;
use crate::id::{AndonId, SkuId, WorkOrderId};
use crate::receipt::Receipt;

use super::body::Body;
use super::model::{Andon, AndonStatus, FailureType, Severity, Subject, Trigger};
use super::rca::Analysis;

/// The andon part of a line's state: every andon and analysis, and the
/// indexes that keep stopping checks and dedup cheap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct AndonState {
    /// Andon `n` at index `n - 1`.
    pub(crate) andons: Vec<Andon>,
    /// Analysis `n` at index `n - 1`.
    pub(crate) analyses: Vec<super::rca::Analysis>,
    index: Index,
}

/// Unresolved andons by `(subject, failure_type)`, then by stage: the
/// dedup key of andon.md 5.4 without allocating for a lookup.
type OpenKeys = HashMap<(Subject, FailureType), Vec<(Option<String>, AndonId)>>;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Index {
    open_keys: OpenKeys,
    unresolved: BTreeSet<AndonId>,
    stopping: BTreeSet<AndonId>,
    stopping_by_sku: HashMap<SkuId, Vec<AndonId>>,
    stopping_by_wo: HashMap<WorkOrderId, Vec<AndonId>>,
    stopping_by_bucket: HashMap<Bucket, BTreeSet<AndonId>>,
    /// Every andon of a SKU subject, ascending.
    by_sku: HashMap<SkuId, Vec<AndonId>>,
}

impl AndonState {
    /// The andon with this id.
    pub(crate) fn get(&self, id: AndonId) -> Option<&Andon> {
        let i = usize::try_from(id.0).ok()?.checked_sub(1)?;
        self.andons.get(i)
    }

    fn get_mut(&mut self, id: AndonId) -> Option<&mut Andon> {
        let i = usize::try_from(id.0).ok()?.checked_sub(1)?;
        self.andons.get_mut(i)
    }

    /// The id the next new andon gets.
    pub(crate) fn next_id(&self) -> AndonId {
        AndonId(self.andons.len() as u64 + 1)
    }

    /// The unresolved andon with this key, if any.
    pub(crate) fn find_unresolved(
        &self,
        subject: Subject,
        failure_type: FailureType,
        stage: Option<&str>,
    ) -> Option<AndonId> {
        self.index
            .open_keys
            .get(&(subject, failure_type))?
            .iter()
            .find(|(s, _)| s.as_deref() == stage)
            .map(|(_, id)| *id)
    }

    /// Unresolved andons, ascending.
    pub(crate) fn unresolved(&self) -> impl Iterator<Item = &Andon> {
        self.index.unresolved.iter().filter_map(|id| self.get(*id))
    }

    /// Number of unresolved andons.
    pub(crate) fn unresolved_count(&self) -> usize {
        self.index.unresolved.len()
    }

    /// Every stopping andon, ascending.
    pub(crate) fn stopping(&self) -> &BTreeSet<AndonId> {
        &self.index.stopping
    }

    /// Stopping andons whose subject is the SKU, ascending.
    pub(crate) fn stopping_on_sku(&self, sku: SkuId) -> &[AndonId] {
        self.index
            .stopping_by_sku
            .get(&sku)
            .map_or(&[], Vec::as_slice)
    }

    /// Stopping andons whose subject is the work order, ascending.
    pub(crate) fn stopping_on_work_order(&self, wo: WorkOrderId) -> &[AndonId] {
        self.index
            .stopping_by_wo
            .get(&wo)
            .map_or(&[], Vec::as_slice)
    }

    /// Stopping andons of a bucket, ascending.
    pub(crate) fn stopping_in_bucket(&self, bucket: Bucket) -> Option<&BTreeSet<AndonId>> {
        self.index.stopping_by_bucket.get(&bucket)
    }

    /// Every andon whose subject is the SKU, ascending.
    pub(crate) fn of_sku(&self, sku: SkuId) -> &[AndonId] {
        self.index.by_sku.get(&sku).map_or(&[], Vec::as_slice)
    }

    fn insert(&mut self, andon: Andon) {
        let id = andon.id;
        self.index
            .open_keys
            .entry((andon.subject, andon.failure_type))
            .or_default()
            .push((andon.stage.clone(), id));
        self.index.unresolved.insert(id);
        if let Subject::Sku(sku) = andon.subject {
            self.index.by_sku.entry(sku).or_default().push(id);
        }
        if andon.stops {
            self.index.stopping.insert(id);
            match andon.subject {
                Subject::Sku(sku) => self.index.stopping_by_sku.entry(sku).or_default().push(id),
                Subject::WorkOrder(wo) => {
                    self.index.stopping_by_wo.entry(wo).or_default().push(id);
                }
            }
            self.index
                .stopping_by_bucket
                .entry(andon.bucket)
                .or_default()
                .insert(id);
        }
        self.andons.push(andon);
    }

    /// Takes a resolved andon out of the unresolved and stopping indexes.
    fn unindex(&mut self, id: AndonId) {
        let Some(andon) = self.get(id) else {
            return;
        };
        let (subject, failure_type, stops) = (andon.subject, andon.failure_type, andon.stops);
        let bucket = stops.then_some(andon.bucket);
        let index = &mut self.index;

        if let Some(list) = index.open_keys.get_mut(&(subject, failure_type)) {
            list.retain(|(_, a)| *a != id);
            if list.is_empty() {
                index.open_keys.remove(&(subject, failure_type));
            }
        }
        index.unresolved.remove(&id);
        if let Some(bucket) = bucket {
            index.stopping.remove(&id);
            match subject {
                Subject::Sku(sku) => remove_from(&mut index.stopping_by_sku, &sku, id),
                Subject::WorkOrder(wo) => remove_from(&mut index.stopping_by_wo, &wo, id),
            }
            if let Some(set) = index.stopping_by_bucket.get_mut(&bucket) {
                set.remove(&id);
                if set.is_empty() {
                    index.stopping_by_bucket.remove(&bucket);
                }
            }
        }
    }

    /// The analysis with this id.
    pub(crate) fn analysis(&self, id: crate::id::AnalysisId) -> Option<&Analysis> {
        let i = usize::try_from(id.0).ok()?.checked_sub(1)?;
        self.analyses.get(i)
    }

    pub(crate) fn analysis_mut(&mut self, id: crate::id::AnalysisId) -> Option<&mut Analysis> {
        let i = usize::try_from(id.0).ok()?.checked_sub(1)?;
        self.analyses.get_mut(i)
    }

    /// Links a new analysis to its andon.
    pub(crate) fn set_analysis(&mut self, andon: AndonId, analysis: crate::id::AnalysisId) {
        if let Some(a) = self.get_mut(andon) {
            a.analysis = Some(analysis);
        }
    }
}

fn remove_from<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Vec<AndonId>>, key: &K, id: AndonId) {
    if let Some(list) = map.get_mut(key) {
        list.retain(|a| *a != id);
        if list.is_empty() {
            map.remove(key);
        }
    }
}

/// Members of `andon.raised`.
pub(crate) const RAISED: [&str; 14] = [
    "andon",
    "subject_kind",
    "subject",
    "stage",
    "bucket",
    "failure_type",
    "severity",
    "trigger",
    "stops",
    "details",
    "raised_by",
    "gate",
    "gate_receipt",
    "sku",
];

/// The andon a receipt's `andon` member names, which must exist and be
/// the receipt's subject.
fn target<'s>(state: &'s mut AndonState, r: &Receipt, body: &Body<'_>) -> Result<&'s mut Andon> {
    if body.str("andon")? != r.subject {
        return Err(body.bad("andon", "must be the receipt's subject"));
    }
    let id: AndonId = body.id("andon")?;
    state
        .get_mut(id)
        .ok_or_else(|| body.bad("andon", "names no andon"))
}

/// Checks the `sku` member every andon body carries.
fn check_sku(body: &Body<'_>, subject: Subject) -> Result<()> {
    let sku: Option<SkuId> = body.opt_id("sku")?;
    body.expect("sku", sku, subject.sku())
}

/// Applies `andon.raised`: a new andon with the next id. Returns it.
pub(crate) fn apply_raised<'s>(state: &'s mut AndonState, r: &Receipt) -> Result<&'s Andon> {
    let body = Body::exact(r, &RAISED)?;
    let id: AndonId = body.id("andon")?;
    body.expect("andon", id, state.next_id())?;
    if body.str("andon")? != r.subject {
        return Err(body.bad("andon", "must be the receipt's subject"));
    }

    let subject = match body.str("subject_kind")? {
        "sku" => Subject::Sku(body.id("subject")?),
        "work_order" => Subject::WorkOrder(body.id("subject")?),
        _ => return Err(body.bad("subject_kind", "must be sku or work_order")),
    };
    let stage_name = body.opt_str("stage")?.map(str::to_owned);
    if stage_name.is_some() != matches!(subject, Subject::Sku(_)) {
        return Err(body.bad("stage", "is required for sku subjects only"));
    }
    check_sku(&body, subject)?;
    let failure_type = body.parse("failure_type", FailureType::parse)?;
    let trigger = body.parse("trigger", Trigger::parse)?;
    let gate = body.opt_str("gate")?.map(str::to_owned);
    let gate_receipt = body.opt_u64("gate_receipt")?;
    if (trigger == Trigger::Gate) != (gate.is_some() && gate_receipt.is_some())
        || gate.is_some() != gate_receipt.is_some()
    {
        return Err(body.bad("gate", "is given exactly for trigger gate"));
    }
    if state
        .find_unresolved(subject, failure_type, stage_name.as_deref())
        .is_some()
    {
        return Err(body.bad("andon", "repeats the key of an unresolved andon"));
    }

    let andon = Andon {
        id,
        subject,
        stage: stage_name,
        bucket: body.parse("bucket", |s| s.parse().ok())?,
        failure_type,
        severity: body.parse("severity", Severity::parse)?,
        status: AndonStatus::Open,
        trigger,
        stops: body.bool("stops")?,
        details: body.string_map("details")?,
        raised_by: body.opt_str("raised_by")?.map(str::to_owned),
        gate,
        gate_receipt,
        raised_at: r.at,
        last_raised_at: r.at,
        occurrences: 1,
        acknowledged_at: None,
        acknowledged_by: None,
        ack_note: None,
        escalation_level: 0,
        escalated_at: None,
        resolved_at: None,
        root_cause: None,
        fix_applied: None,
        prevention_added: None,
        resolver: None,
        analysis: None,
    };
    state.insert(andon);
    state
        .andons
        .last()
        .ok_or_else(|| body.bad("andon", "was not stored"))
}

/// Members of `andon.repeated`.
pub(crate) const REPEATED: [&str; 9] = [
    "andon",
    "occurrence",
    "trigger",
    "requested_severity",
    "severity",
    "details",
    "raised_by",
    "gate_receipt",
    "sku",
];

/// Applies `andon.repeated`: one more occurrence of an unresolved andon.
pub(crate) fn apply_repeated<'s>(state: &'s mut AndonState, r: &Receipt) -> Result<&'s Andon> {
    let body = Body::exact(r, &REPEATED)?;
    let trigger = body.parse("trigger", Trigger::parse)?;
    let requested = body.parse("requested_severity", Severity::parse)?;
    let severity = body.parse("severity", Severity::parse)?;
    body.check_string_map("details")?;
    body.opt_str("raised_by")?;
    let gate_receipt = body.opt_u64("gate_receipt")?;
    body.expect(
        "gate_receipt",
        gate_receipt.is_some(),
        trigger == Trigger::Gate,
    )?;
    let occurrence = body.int("occurrence")?;

    let andon = target(state, r, &body)?;
    if !andon.is_unresolved() {
        return Err(Error::transition(andon.status, "repeat"));
    }
    check_sku(&body, andon.subject)?;
    body.expect("occurrence", occurrence, i64::from(andon.occurrences) + 1)?;
    body.expect("severity", severity, andon.severity.max(requested))?;

    andon.occurrences += 1;
    andon.last_raised_at = r.at;
    andon.severity = severity;
    Ok(andon)
}

/// Members of `andon.acknowledged`.
pub(crate) const ACKNOWLEDGED: [&str; 5] = ["andon", "by", "note", "ack_ms", "sku"];

/// Applies `andon.acknowledged`.
pub(crate) fn apply_acknowledged(state: &mut AndonState, r: &Receipt) -> Result<()> {
    let body = Body::exact(r, &ACKNOWLEDGED)?;
    let by = body.text("by")?.to_owned();
    let note = body.opt_str("note")?.map(str::to_owned);
    let ack_ms = body.int("ack_ms")?;

    let andon = target(state, r, &body)?;
    if andon.status != AndonStatus::Open {
        return Err(Error::transition(andon.status, "acknowledge"));
    }
    check_sku(&body, andon.subject)?;
    body.expect("ack_ms", ack_ms, r.at - andon.raised_at)?;

    andon.status = AndonStatus::Acknowledged;
    andon.acknowledged_at = Some(r.at);
    andon.acknowledged_by = Some(by);
    andon.ack_note = note;
    Ok(())
}

/// Members of `andon.resolved`.
pub(crate) const RESOLVED: [&str; 9] = [
    "andon",
    "root_cause",
    "fix_applied",
    "prevention_added",
    "resolver",
    "analysis",
    "implicit_ack",
    "open_ms",
    "sku",
];

/// Applies `andon.resolved`.
pub(crate) fn apply_resolved(state: &mut AndonState, r: &Receipt) -> Result<()> {
    let body = Body::exact(r, &RESOLVED)?;
    let root_cause = body.text("root_cause")?.to_owned();
    let fix_applied = body.text("fix_applied")?.to_owned();
    let prevention_added = body.text("prevention_added")?.to_owned();
    let resolver = body.opt_str("resolver")?.map(str::to_owned);
    let analysis: Option<crate::id::AnalysisId> = body.opt_id("analysis")?;
    let implicit_ack = body.bool("implicit_ack")?;
    let open_ms = body.int("open_ms")?;
    let finalized = analysis
        .and_then(|id| state.analysis(id))
        .map(Analysis::is_finalized);

    let andon = target(state, r, &body)?;
    if !andon.is_unresolved() {
        return Err(Error::transition(andon.status, "resolve"));
    }
    check_sku(&body, andon.subject)?;
    body.expect(
        "implicit_ack",
        implicit_ack,
        andon.status == AndonStatus::Open,
    )?;
    body.expect("open_ms", open_ms, r.at - andon.raised_at)?;
    if analysis.is_some() && (analysis != andon.analysis || finalized != Some(true)) {
        return Err(body.bad("analysis", "must be the andon's finalised analysis"));
    }

    if implicit_ack {
        andon.acknowledged_at = Some(r.at);
        andon.acknowledged_by.clone_from(&resolver);
    }
    andon.status = AndonStatus::Resolved;
    andon.resolved_at = Some(r.at);
    andon.root_cause = Some(root_cause);
    andon.fix_applied = Some(fix_applied);
    andon.prevention_added = Some(prevention_added);
    andon.resolver = resolver;
    let id = andon.id;
    state.unindex(id);
    Ok(())
}

/// Members of `andon.escalated`.
pub(crate) const ESCALATED: [&str; 7] = [
    "andon",
    "level",
    "reason",
    "severity",
    "due_at",
    "overdue_ms",
    "sku",
];

/// Applies `andon.escalated`.
pub(crate) fn apply_escalated(state: &mut AndonState, r: &Receipt) -> Result<()> {
    let body = Body::exact(r, &ESCALATED)?;
    let level = body.int_in("level", 1, 2)? as u8;
    let reason = body.str("reason")?;
    body.expect(
        "reason",
        reason,
        if level == 1 {
            "ack_overdue"
        } else {
            "resolve_overdue"
        },
    )?;
    let severity = body.parse("severity", Severity::parse)?;
    let due_at = body.int("due_at")?;
    body.expect("overdue_ms", body.int("overdue_ms")?, r.at - due_at)?;

    let andon = target(state, r, &body)?;
    if !andon.is_unresolved() {
        return Err(Error::transition(andon.status, "escalate"));
    }
    check_sku(&body, andon.subject)?;
    body.expect("severity", severity, andon.severity)?;
    if level <= andon.escalation_level {
        return Err(body.bad("level", "must be above the andon's level"));
    }

    andon.escalation_level = level;
    andon.escalated_at = Some(r.at);
    Ok(())
}
