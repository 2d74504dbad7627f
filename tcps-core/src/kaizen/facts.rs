//! The facts of kaizen.md 2, kept as compact domain state.
//!
//! [`observe`] sees every receipt after its owner applied it and records
//! what the metrics need: times, ids, interned names and a few flags.
//! Metrics never read receipts, so a log that keeps only hashes still
//! answers every query.
//!
//! Receipts arrive in time order (`at` never decreases), so every event
//! list below is sorted by its time and a window is found by binary
//! search: a query costs what its window holds, not what the log holds.

use std::collections::{BTreeSet, HashMap};

use crate::id::{AndonId, SkuId, WorkOrderId};
use crate::receipt::Receipt;
use crate::time::Timestamp;
use crate::value::Value;

use super::improve::Improvement;

/// The six buckets in flow.md's canonical order.
pub const BUCKETS: [&str; 6] = [
    "reliability",
    "security",
    "cost",
    "compliance",
    "features",
    "technical_debt",
];

/// Index of a bucket not among the six (kept apart, never listed).
pub(crate) const OTHER_BUCKET: usize = 6;

/// Interned text: stages, gates, test ids, causes, failure types.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Names {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    pub(crate) fn intern(&mut self, name: &str) -> u32 {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_owned());
        self.ids.insert(name.to_owned(), id);
        id
    }

    pub(crate) fn get(&self, name: &str) -> Option<u32> {
        self.ids.get(name).copied()
    }

    pub(crate) fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", String::as_str)
    }
}

/// One event: a time and the number of the id it is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Event {
    pub at: Timestamp,
    pub id: u64,
}

/// What Kaizen knows of a work order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WoFact {
    pub id: u64,
    pub bucket: usize,
    pub created_at: Timestamp,
    pub sla_deadline: Option<Timestamp>,
    pub started_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub cancelled_at: Option<Timestamp>,
    /// `sla_outcome` of the completion: `Some(true)` for `met`.
    pub sla_met: Option<bool>,
    /// Its SKUs, ascending.
    pub skus: Vec<u64>,
}

/// What Kaizen knows of a SKU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SkuFact {
    pub id: u64,
    pub wo: u64,
    pub commit_at: Option<Timestamp>,
    pub fixes: Option<u64>,
    pub published_at: Option<Timestamp>,
    /// Current stage (interned) and when it was entered.
    pub stage: u32,
    pub entered_at: Timestamp,
    /// Some gate's attempt 1 was not passed.
    pub attempt1_failed: bool,
    /// Earliest raise of an andon whose subject is this SKU.
    pub first_andon_at: Option<Timestamp>,
    /// Per gate: latest attempt and whether it failed.
    pub gates: Vec<(u32, u32, bool)>,
}

/// A finished stage visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Visit {
    pub exit: Timestamp,
    pub entry: Timestamp,
    pub sku: u64,
    pub stage: u32,
}

/// Flags of an evaluation.
pub(crate) const PASSED: u8 = 1;
/// Attempt `n − 1` of the same (SKU, gate) failed.
pub(crate) const RERUN_AFTER_FAIL: u8 = 2;
/// A test or smoke evaluation.
pub(crate) const TESTLIKE: u8 = 4;
/// Its `failed_tests` list is complete and it executed a test.
pub(crate) const COMPLETE_RUN: u8 = 8;

/// No test lists.
pub(crate) const NO_TESTS: u32 = u32::MAX;

/// One gate evaluation or skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EvalFact {
    pub at: Timestamp,
    pub sku: u64,
    pub gate: u32,
    pub stage: u32,
    pub attempt: u32,
    pub flags: u8,
    /// Index into `test_lists`, or [`NO_TESTS`].
    pub tests: u32,
}

impl EvalFact {
    pub(crate) fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

/// Failed and flaky test ids (interned) of one evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TestLists {
    pub failed: Vec<u32>,
    pub flaky: Vec<u32>,
}

/// The subject of an andon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subject {
    Sku(u64),
    WorkOrder(u64),
    Other,
}

/// What Kaizen knows of an andon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AndonFact {
    pub id: u64,
    pub raised_at: Timestamp,
    pub subject: Subject,
    pub stage: Option<u32>,
    pub failure_type: u32,
    pub sla_breach: bool,
    pub resolved_at: Option<Timestamp>,
    /// Normalised root cause (interned).
    pub cause: Option<u32>,
}

/// A receipt with `manual: true`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ManualFact {
    pub at: Timestamp,
    pub stage: u32,
    /// The SKU id, or the kind when the receipt names no SKU (interned).
    pub label: u32,
}

/// The Kaizen part of a line's state: the facts of kaizen.md 2 and the
/// improvements of section 9.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KaizenState {
    pub(crate) names: Names,
    pub(crate) wos: Vec<WoFact>,
    pub(crate) skus: Vec<SkuFact>,
    pub(crate) andons: Vec<AndonFact>,
    /// Work orders neither completed nor cancelled.
    pub(crate) open_wos: BTreeSet<u64>,
    pub(crate) starts: Vec<Event>,
    pub(crate) completions: Vec<Event>,
    pub(crate) cancels: Vec<Event>,
    /// Per bucket: start times, and end times of started work orders.
    pub(crate) wip_in: [Vec<Timestamp>; 7],
    pub(crate) wip_out: [Vec<Timestamp>; 7],
    /// Cancel times of work orders that never started.
    pub(crate) queued_cancels: Vec<Timestamp>,
    pub(crate) publications: Vec<Event>,
    pub(crate) evals: Vec<EvalFact>,
    pub(crate) test_lists: Vec<TestLists>,
    pub(crate) visits: Vec<Visit>,
    pub(crate) manual: Vec<ManualFact>,
    pub(crate) improvements: Vec<Improvement>,
}

fn find<T>(items: &[T], id: u64, key: impl Fn(&T) -> u64) -> Option<usize> {
    // Ids come from counters starting at 1, so position id − 1 is the
    // usual home; the search covers anything else.
    let guess = usize::try_from(id.wrapping_sub(1)).unwrap_or(usize::MAX);
    if items.get(guess).is_some_and(|t| key(t) == id) {
        return Some(guess);
    }
    items.binary_search_by_key(&id, key).ok()
}

impl KaizenState {
    pub(crate) fn wo(&self, id: u64) -> Option<&WoFact> {
        find(&self.wos, id, |w| w.id).and_then(|i| self.wos.get(i))
    }

    fn wo_mut(&mut self, id: u64) -> Option<&mut WoFact> {
        find(&self.wos, id, |w| w.id).and_then(|i| self.wos.get_mut(i))
    }

    pub(crate) fn sku(&self, id: u64) -> Option<&SkuFact> {
        find(&self.skus, id, |s| s.id).and_then(|i| self.skus.get(i))
    }

    fn sku_mut(&mut self, id: u64) -> Option<&mut SkuFact> {
        find(&self.skus, id, |s| s.id).and_then(|i| self.skus.get_mut(i))
    }

    fn andon_mut(&mut self, id: u64) -> Option<&mut AndonFact> {
        find(&self.andons, id, |a| a.id).and_then(|i| self.andons.get_mut(i))
    }

    /// Work orders in WIP at `t` (kaizen.md 6.2), per bucket index.
    pub(crate) fn wip_at(&self, t: Timestamp) -> [u64; 7] {
        let mut out = [0; 7];
        for (b, slot) in out.iter_mut().enumerate() {
            let started = count_le(&self.wip_in[b], t);
            let ended = count_le(&self.wip_out[b], t);
            *slot = started.saturating_sub(ended);
        }
        out
    }

    /// Work orders created, not started and not cancelled at `t`.
    pub(crate) fn queued_at(&self, t: Timestamp) -> u64 {
        let created = self.wos.partition_point(|w| w.created_at <= t) as u64;
        let started: u64 = self.wip_in.iter().map(|v| count_le(v, t)).sum();
        let cancelled = count_le(&self.queued_cancels, t);
        created.saturating_sub(started).saturating_sub(cancelled)
    }

    /// Work orders open (created, neither completed nor cancelled) at `t`.
    pub(crate) fn open_at(&self, t: Timestamp) -> Vec<&WoFact> {
        let mut ids: BTreeSet<u64> = self.open_wos.clone();
        for list in [&self.completions, &self.cancels] {
            ids.extend(after(list, t).iter().map(|e| e.id));
        }
        ids.into_iter()
            .filter_map(|id| self.wo(id))
            .filter(|w| w.created_at <= t)
            .filter(|w| w.completed_at.is_none_or(|c| c > t))
            .filter(|w| w.cancelled_at.is_none_or(|c| c > t))
            .collect()
    }
}

/// Values `<= t` in an ascending list.
pub(crate) fn count_le(sorted: &[Timestamp], t: Timestamp) -> u64 {
    sorted.partition_point(|x| *x <= t) as u64
}

/// The events of an ascending list inside `[start, end)`.
pub(crate) fn span<T>(
    items: &[T],
    start: Timestamp,
    end: Timestamp,
    at: impl Fn(&T) -> i64,
) -> &[T] {
    let lo = items.partition_point(|x| at(x) < start);
    let hi = items.partition_point(|x| at(x) < end);
    items.get(lo..hi.max(lo)).unwrap_or(&[])
}

/// The events after `t`.
fn after(items: &[Event], t: Timestamp) -> &[Event] {
    let lo = items.partition_point(|e| e.at <= t);
    items.get(lo..).unwrap_or(&[])
}

/// Index of a bucket name, [`OTHER_BUCKET`] when not one of the six.
pub(crate) fn bucket_index(name: &str) -> usize {
    BUCKETS
        .iter()
        .position(|b| *b == name)
        .unwrap_or(OTHER_BUCKET)
}

/// Trims, lower-cases ASCII and folds white space runs (kaizen.md 7.2).
#[must_use]
pub fn normalise_cause(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase()
}

fn str_of<'a>(r: &'a Receipt, name: &str) -> Option<&'a str> {
    r.field(name).and_then(Value::as_str)
}

fn int_of(r: &Receipt, name: &str) -> Option<i64> {
    r.field(name).and_then(Value::as_i64)
}

fn wo_id(text: Option<&str>) -> Option<u64> {
    text.and_then(|t| t.parse::<WorkOrderId>().ok())
        .map(|id| id.0)
}

fn sku_id(text: Option<&str>) -> Option<u64> {
    text.and_then(|t| t.parse::<SkuId>().ok()).map(|id| id.0)
}

fn andon_id(text: Option<&str>) -> Option<u64> {
    text.and_then(|t| t.parse::<AndonId>().ok()).map(|id| id.0)
}

/// Records the facts of one receipt. Bodies were checked by their owner;
/// a member that is missing or of another type is skipped, never fatal.
pub(crate) fn observe(state: &mut KaizenState, r: &Receipt) {
    match r.kind.as_str() {
        "work_order.created" => work_order_created(state, r),
        "work_order.started" => work_order_started(state, r),
        "work_order.completed" => work_order_completed(state, r),
        "work_order.cancelled" => work_order_cancelled(state, r),
        "sku.created" => sku_created(state, r),
        "sku.stage_entered" => sku_stage_entered(state, r),
        "sku.published" => sku_published(state, r),
        "gate.evaluated" => gate_evaluated(state, r),
        "andon.raised" => andon_raised(state, r),
        "andon.resolved" => andon_resolved(state, r),
        _ => {}
    }
    if r.field("manual").and_then(Value::as_bool) == Some(true) {
        manual_step(state, r);
    }
}

fn work_order_created(state: &mut KaizenState, r: &Receipt) {
    let Some(id) = wo_id(str_of(r, "work_order")) else {
        return;
    };
    state.wos.push(WoFact {
        id,
        bucket: str_of(r, "bucket").map_or(OTHER_BUCKET, bucket_index),
        created_at: r.at,
        sla_deadline: int_of(r, "sla_deadline"),
        started_at: None,
        completed_at: None,
        cancelled_at: None,
        sla_met: None,
        skus: Vec::new(),
    });
    state.open_wos.insert(id);
}

fn work_order_started(state: &mut KaizenState, r: &Receipt) {
    let Some(id) = wo_id(str_of(r, "work_order")) else {
        return;
    };
    let Some(wo) = state.wo_mut(id) else {
        return;
    };
    if wo.started_at.is_some() {
        return;
    }
    wo.started_at = Some(r.at);
    let bucket = wo.bucket;
    state.starts.push(Event { at: r.at, id });
    state.wip_in[bucket].push(r.at);
}

fn work_order_completed(state: &mut KaizenState, r: &Receipt) {
    let Some(id) = wo_id(str_of(r, "work_order")) else {
        return;
    };
    let Some(wo) = state.wo_mut(id) else {
        return;
    };
    wo.completed_at = Some(r.at);
    wo.sla_met = str_of(r, "sla_outcome").map(|o| o == "met");
    let (bucket, started) = (wo.bucket, wo.started_at.is_some());
    state.completions.push(Event { at: r.at, id });
    state.open_wos.remove(&id);
    if started {
        state.wip_out[bucket].push(r.at);
    }
}

fn work_order_cancelled(state: &mut KaizenState, r: &Receipt) {
    let Some(id) = wo_id(str_of(r, "work_order")) else {
        return;
    };
    let Some(wo) = state.wo_mut(id) else {
        return;
    };
    wo.cancelled_at = Some(r.at);
    let (bucket, started) = (wo.bucket, wo.started_at.is_some());
    state.cancels.push(Event { at: r.at, id });
    state.open_wos.remove(&id);
    if started {
        state.wip_out[bucket].push(r.at);
    } else {
        state.queued_cancels.push(r.at);
    }
}

fn sku_created(state: &mut KaizenState, r: &Receipt) {
    let (Some(id), Some(wo)) = (sku_id(str_of(r, "sku")), wo_id(str_of(r, "work_order"))) else {
        return;
    };
    let first_stage = state.names.intern(str_of(r, "stage").unwrap_or("none"));
    state.skus.push(SkuFact {
        id,
        wo,
        commit_at: int_of(r, "commit_at"),
        fixes: andon_id(str_of(r, "fixes")),
        published_at: None,
        stage: first_stage,
        entered_at: r.at,
        attempt1_failed: false,
        first_andon_at: None,
        gates: Vec::new(),
    });
    if let Some(w) = state.wo_mut(wo) {
        w.skus.push(id);
    }
}

fn sku_stage_entered(state: &mut KaizenState, r: &Receipt) {
    let Some(id) = sku_id(str_of(r, "sku")) else {
        return;
    };
    let to = state.names.intern(str_of(r, "to").unwrap_or("none"));
    let from = str_of(r, "from").map(|s| state.names.intern(s));
    let Some(sku) = state.sku_mut(id) else {
        return;
    };
    let visit = Visit {
        exit: r.at,
        entry: sku.entered_at,
        sku: id,
        stage: from.unwrap_or(sku.stage),
    };
    sku.stage = to;
    sku.entered_at = r.at;
    state.visits.push(visit);
}

fn sku_published(state: &mut KaizenState, r: &Receipt) {
    let Some(id) = sku_id(str_of(r, "sku")) else {
        return;
    };
    let Some(sku) = state.sku_mut(id) else {
        return;
    };
    sku.published_at = Some(r.at);
    state.publications.push(Event { at: r.at, id });
}

fn gate_evaluated(state: &mut KaizenState, r: &Receipt) {
    let Some(sku_no) = sku_id(str_of(r, "sku").or(Some(r.subject.as_str()))) else {
        return;
    };
    let gate = state.names.intern(str_of(r, "gate").unwrap_or(""));
    let gate_stage = state.names.intern(str_of(r, "stage").unwrap_or("none"));
    let attempt = int_of(r, "attempt")
        .unwrap_or(1)
        .clamp(1, i64::from(u32::MAX)) as u32;
    let passed = matches!(str_of(r, "outcome"), Some("pass" | "warn"));

    let mut flags = if passed { PASSED } else { 0 };
    let mut tests = NO_TESTS;
    if matches!(str_of(r, "kind"), Some("tests" | "smoke")) {
        flags |= TESTLIKE;
        let summary = r.field("summary").and_then(|s| s.get("tests"));
        if let Some(summary) = summary.filter(|s| !s.is_null()) {
            let (lists, complete) = test_lists(&mut state.names, summary);
            if complete {
                flags |= COMPLETE_RUN;
            }
            if !lists.failed.is_empty() || !lists.flaky.is_empty() {
                tests = state.test_lists.len() as u32;
                state.test_lists.push(lists);
            }
        }
    }

    let Some(sku) = state.sku_mut(sku_no) else {
        return;
    };
    if attempt == 1 && !passed {
        sku.attempt1_failed = true;
    }
    match sku.gates.iter_mut().find(|g| g.0 == gate) {
        Some(last) => {
            if attempt > 1 && last.1 == attempt - 1 && last.2 {
                flags |= RERUN_AFTER_FAIL;
            }
            *last = (gate, attempt, !passed);
        }
        None => sku.gates.push((gate, attempt, !passed)),
    }
    state.evals.push(EvalFact {
        at: r.at,
        sku: sku_no,
        gate,
        stage: gate_stage,
        attempt,
        flags,
        tests,
    });
}

/// The failed and flaky ids of a test summary, and whether its failed
/// list is complete and it executed at least one test.
fn test_lists(names: &mut Names, summary: &Value) -> (TestLists, bool) {
    let mut ids = |member: &str| -> Vec<u32> {
        summary
            .get(member)
            .and_then(Value::as_array)
            .unwrap_or(&[])
            .iter()
            .filter_map(Value::as_str)
            .map(|t| names.intern(t))
            .collect()
    };
    let failed = ids("failed_tests");
    let flaky = ids("flaky_tests");
    let total = summary.get("failed_tests_total").and_then(Value::as_i64);
    let executed = summary.get("executed").and_then(Value::as_i64).unwrap_or(0);
    let complete = total == Some(failed.len() as i64) && executed > 0;
    (TestLists { failed, flaky }, complete)
}

fn andon_raised(state: &mut KaizenState, r: &Receipt) {
    let Some(id) = andon_id(str_of(r, "andon")) else {
        return;
    };
    let subject_text = str_of(r, "subject");
    let subject = match str_of(r, "subject_kind") {
        Some("sku") => sku_id(subject_text).map_or(Subject::Other, Subject::Sku),
        Some("work_order") => wo_id(subject_text).map_or(Subject::Other, Subject::WorkOrder),
        _ => Subject::Other,
    };
    let andon_stage = str_of(r, "stage").map(|s| state.names.intern(s));
    let failure = str_of(r, "failure_type").unwrap_or("");
    let failure_type = state.names.intern(failure);
    state.andons.push(AndonFact {
        id,
        raised_at: r.at,
        subject,
        stage: andon_stage,
        failure_type,
        sla_breach: failure == "sla_breach",
        resolved_at: None,
        cause: None,
    });
    if let Subject::Sku(s) = subject
        && let Some(sku) = state.sku_mut(s)
        && sku.first_andon_at.is_none()
    {
        sku.first_andon_at = Some(r.at);
    }
}

fn andon_resolved(state: &mut KaizenState, r: &Receipt) {
    let Some(id) = andon_id(str_of(r, "andon")) else {
        return;
    };
    let cause = str_of(r, "root_cause").map(|c| state.names.intern(&normalise_cause(c)));
    if let Some(andon) = state.andon_mut(id) {
        andon.resolved_at = Some(r.at);
        andon.cause = cause;
    }
}

fn manual_step(state: &mut KaizenState, r: &Receipt) {
    let sku = sku_id(str_of(r, "sku")).or_else(|| sku_id(Some(r.subject.as_str())));
    let step_stage = match str_of(r, "stage") {
        Some(named) => state.names.intern(named),
        None => match sku.and_then(|s| state.sku(s)) {
            Some(fact) => fact.stage,
            None => state.names.intern("none"),
        },
    };
    let label = match sku {
        Some(s) => state.names.intern(&SkuId(s).to_string()),
        None => state.names.intern(&r.kind),
    };
    state.manual.push(ManualFact {
        at: r.at,
        stage: step_stage,
        label,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_normalise_by_trim_case_and_space_runs() {
        assert_eq!(normalise_cause("flaky network  mock"), "flaky network mock");
        assert_eq!(
            normalise_cause(" Missing lock file update"),
            "missing lock file update"
        );
        assert_eq!(
            normalise_cause("Flaky\tNetwork\nmock "),
            "flaky network mock"
        );
    }
}
