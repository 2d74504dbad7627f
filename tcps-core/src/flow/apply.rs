//! Applying flow receipts to the state: the only place flow's state
//! changes, run live by [`Line::commit`] and by replay.
//!
//! Each kind's body is read strictly (exactly its members, each of its
//! type) and must fit the state it lands on; a body that does not is
//! refused and changes nothing.

use super::receipts::Body;
use super::state::key_hash;
use super::types::{
    Bucket, CompletionTrigger, DecisionStrategy, PerBucket, Severity, SignalKind, SkuStatus,
    SlaOutcome, Status, WoStage,
};
use super::work_order::{Sku, SkuStageEntry, StageEntry, WorkOrder};
use crate::error::Result;
use crate::id::{AndonId, SkuId, WorkOrderId};
use crate::line::Line;
use crate::receipt::Receipt;
use crate::value::Value;

/// Applies a flow receipt; `Ok(false)` when the kind is not flow's.
pub(crate) fn apply(line: &mut Line, r: &Receipt) -> Result<bool> {
    match r.kind.as_str() {
        "work_order.created" => created(line, r)?,
        "demand.received" => demand(line, r)?,
        "work_order.started" => started(line, r)?,
        "work_order.progressed" => progressed(line, r)?,
        "work_order.completed" => completed(line, r)?,
        "work_order.cancelled" => cancelled(line, r)?,
        "dependency.added" => dependency_added(line, r)?,
        "dependency.resolved" => dependency_resolved(line, r)?,
        "queue.reordered" => reordered(line, r)?,
        "sku.created" => sku_created(line, r)?,
        "sku.stage_entered" => sku_stage_entered(line, r)?,
        "sku.released" => sku_released(line, r)?,
        "sku.published" => sku_published(line, r)?,
        "sku.aborted" => sku_aborted(line, r)?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// The work order a body names under `member`, which must exist.
fn wo_of(line: &Line, b: &Body<'_>, member: &str) -> Result<WorkOrderId> {
    let id: WorkOrderId = b.parse(member)?;
    line.work_order(id)?;
    Ok(id)
}

fn sku_of(line: &Line, b: &Body<'_>) -> Result<SkuId> {
    let id: SkuId = b.parse("sku")?;
    line.sku(id)?;
    Ok(id)
}

const CREATED: [&str; 17] = [
    "work_order",
    "kind",
    "source",
    "description",
    "labels",
    "aliases",
    "metadata",
    "severity",
    "score_tenths",
    "dedup_keys",
    "bucket",
    "bucket_rule",
    "priority",
    "priority_rule",
    "sla_ms",
    "sla_deadline",
    "queue_position",
];

fn created(line: &mut Line, r: &Receipt) -> Result<()> {
    let b = Body::new(r, &CREATED)?;
    let id: WorkOrderId = b.parse("work_order")?;
    b.subject_is(&id.to_string())?;
    if id != line.flow.next_wo_id() {
        return Err(b.refuse("work order ids must follow one another"));
    }
    let bucket: Bucket = b.parse("bucket")?;
    let priority: u8 = b.uint("priority")?;
    if !(1..=10).contains(&priority) {
        return Err(b.refuse("priority must be in 1..10"));
    }
    let (sla_ms, sla_deadline) = (b.opt_int("sla_ms")?, b.opt_int("sla_deadline")?);
    if sla_ms.is_some() != sla_deadline.is_some() || sla_ms.is_some_and(|s| s <= 0) {
        return Err(b.refuse("sla_ms and sla_deadline go together"));
    }
    let (key, position) = line.flow.queues[bucket].slot(id, priority);
    if b.uint::<u32>("queue_position")? != position {
        return Err(b.refuse("queue_position does not match the queue"));
    }
    let wo = WorkOrder {
        id,
        kind: b.parse::<SignalKind>("kind")?,
        source: b.str("source")?.to_owned(),
        description: b.str("description")?.to_owned(),
        labels: b.strs("labels")?,
        aliases: b.strs("aliases")?,
        metadata: b.string_map("metadata")?,
        severity: b.opt_parse::<Severity>("severity")?,
        score_tenths: b.opt_uint("score_tenths")?,
        dedup_keys: b.strs("dedup_keys")?,
        demand_count: 1,
        bucket,
        priority,
        bucket_rule: b.str("bucket_rule")?.to_owned(),
        priority_rule: b.str("priority_rule")?.to_owned(),
        status: Status::Queued,
        created_at: r.at,
        sla_ms,
        sla_deadline,
        started_at: None,
        expedited: false,
        current_stage: None,
        stage_history: Vec::new(),
        skus: Vec::new(),
        sku_id: None,
        completed_at: None,
        sla_outcome: None,
        cancelled_at: None,
        cancel_reason: None,
        sla_andon: None,
        queue_key: key,
    };
    let flow = &mut line.flow;
    flow.queues[bucket].insert(key, id, priority);
    for k in &wo.dedup_keys {
        flow.dedup.insert(key_hash(k), id);
    }
    if let (Some(s), Some(d)) = (sla_ms, sla_deadline) {
        flow.sla.insert(s, d, id, true);
    }
    flow.briefs.push(super::state::Brief {
        created_at: wo.created_at,
        status: wo.status,
        bucket,
        priority,
    });
    flow.work_orders.push(Box::new(wo));
    Ok(())
}

fn demand(line: &mut Line, r: &Receipt) -> Result<()> {
    let b = Body::new(
        r,
        &[
            "work_order",
            "kind",
            "source",
            "keys",
            "matched_key",
            "demand_count",
        ],
    )?;
    let id = wo_of(line, &b, "work_order")?;
    b.subject_is(&id.to_string())?;
    b.parse::<SignalKind>("kind")?;
    b.str("source")?;
    b.str("matched_key")?;
    let keys = b.strs("keys")?;
    let count: u32 = b.uint("demand_count")?;
    let flow = &mut line.flow;
    let Some(w) = flow.wo_mut(id) else {
        return Err(b.refuse("unknown work order"));
    };
    if !w.status.is_open() {
        return Err(b.refuse("only an open work order takes more demand"));
    }
    w.demand_count = count;
    let mut added = Vec::new();
    for k in keys {
        if !w.dedup_keys.contains(&k) {
            added.push(key_hash(&k));
            w.dedup_keys.push(k);
        }
    }
    for h in added {
        flow.dedup.insert(h, id);
    }
    Ok(())
}

const STARTED: [&str; 10] = [
    "work_order",
    "bucket",
    "priority",
    "wip_before",
    "wip_limit",
    "wip_mode",
    "soft_breach",
    "expedited",
    "expedite_in_use",
    "decision",
];

fn started(line: &mut Line, r: &Receipt) -> Result<()> {
    let b = Body::new(r, &STARTED)?;
    let id = wo_of(line, &b, "work_order")?;
    b.subject_is(&id.to_string())?;
    let bucket: Bucket = b.parse("bucket")?;
    let priority: u8 = b.uint("priority")?;
    let expedited = b.bool("expedited")?;
    b.bool("soft_breach")?;
    b.opt_uint::<u32>("wip_limit")?;
    b.str("wip_mode")?;
    let wip_before: u32 = b.uint("wip_before")?;
    let in_use: u32 = b.uint("expedite_in_use")?;
    let decision = b.value("decision")?;
    let strategy: DecisionStrategy = decision
        .get("strategy")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| b.refuse("decision.strategy is unknown"))?;
    let cursor_after = decision
        .get("cursor_after")
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<Bucket>().ok());
    let counters_after = decision.get("counters_after").and_then(read_counters);

    let flow = &mut line.flow;
    if wip_before != flow.wip[bucket] || in_use != flow.expedite_in_use + u32::from(expedited) {
        return Err(b.refuse("the WIP figures do not match the ledger"));
    }
    let Some(w) = flow.wo_mut(id) else {
        return Err(b.refuse("unknown work order"));
    };
    if w.status != Status::Queued || w.bucket != bucket || w.priority != priority {
        return Err(b.refuse("only a queued work order of that bucket and priority starts"));
    }
    let key = w.queue_key;
    w.started_at = Some(r.at);
    w.expedited = expedited;
    flow.set_status(id, Status::InProgress);
    flow.queues[bucket].remove(key, priority);
    flow.wip[bucket] += 1;
    flow.expedite_in_use += u32::from(expedited);
    match strategy {
        DecisionStrategy::RoundRobin => {
            flow.cursor = cursor_after.ok_or_else(|| b.refuse("round robin needs cursor_after"))?;
        }
        DecisionStrategy::Weighted => {
            flow.counters =
                counters_after.ok_or_else(|| b.refuse("weighted needs counters_after"))?;
        }
        _ => {}
    }
    Ok(())
}

fn read_counters(v: &Value) -> Option<PerBucket<i64>> {
    let items = v.as_array()?;
    if items.len() != 6 {
        return None;
    }
    let mut out = PerBucket::default();
    for (item, expected) in items.iter().zip(Bucket::ALL) {
        let bucket: Bucket = item.get("bucket")?.as_str()?.parse().ok()?;
        if bucket != *expected {
            return None;
        }
        out[bucket] = item.get("value")?.as_i64()?;
    }
    Some(out)
}

fn progressed(line: &mut Line, r: &Receipt) -> Result<()> {
    let b = Body::new(r, &["work_order", "stage", "previous"])?;
    let id = wo_of(line, &b, "work_order")?;
    b.subject_is(&id.to_string())?;
    let stage: WoStage = b.parse("stage")?;
    b.opt_parse::<WoStage>("previous")?;
    let Some(w) = line.flow.wo_mut(id) else {
        return Err(b.refuse("unknown work order"));
    };
    if w.status != Status::InProgress {
        return Err(b.refuse("only an in-progress work order progresses"));
    }
    w.current_stage = Some(stage);
    w.stage_history.push(StageEntry { stage, at: r.at });
    Ok(())
}

const COMPLETED: [&str; 7] = [
    "work_order",
    "sku",
    "trigger",
    "lead_time_ms",
    "sla_outcome",
    "expedited",
    "unblocked",
];

fn completed(line: &mut Line, r: &Receipt) -> Result<()> {
    let b = Body::new(r, &COMPLETED)?;
    let id = wo_of(line, &b, "work_order")?;
    b.subject_is(&id.to_string())?;
    let sku = sku_of(line, &b)?;
    b.parse::<CompletionTrigger>("trigger")?;
    b.int("lead_time_ms")?;
    b.bool("expedited")?;
    let outcome = b.opt_parse::<SlaOutcome>("sla_outcome")?;
    let unblocked: Vec<WorkOrderId> = b.parse_list("unblocked")?;
    let flow = &line.flow;
    if flow.sku(sku).is_none_or(|s| s.work_order != id) {
        return Err(b.refuse("the SKU belongs to another work order"));
    }
    if unblocked
        .iter()
        .any(|x| flow.wo(*x).is_none_or(|w| w.status != Status::Blocked))
    {
        return Err(b.refuse("only blocked work orders are unblocked"));
    }
    let Some(w) = flow.wo(id) else {
        return Err(b.refuse("unknown work order"));
    };
    if w.status != Status::InProgress {
        return Err(b.refuse("only an in-progress work order completes"));
    }
    let (bucket, expedited, created_at) = (w.bucket, w.expedited, w.created_at);

    let flow = &mut line.flow;
    flow.forget_open(id);
    if let Some(w) = flow.wo_mut(id) {
        w.completed_at = Some(r.at);
        w.sku_id = Some(sku);
        w.sla_outcome = outcome;
    }
    flow.set_status(id, Status::Completed);
    flow.completions.push(super::state::Completion {
        at: r.at,
        lead_time_ms: r.at - created_at,
        outcome,
    });
    release_slot(flow, bucket, expedited);
    for x in unblocked {
        set_blocked(flow, x, false);
    }
    Ok(())
}

fn release_slot(flow: &mut super::state::FlowState, bucket: Bucket, expedited: bool) {
    flow.wip[bucket] = flow.wip[bucket].saturating_sub(1);
    if expedited {
        flow.expedite_in_use = flow.expedite_in_use.saturating_sub(1);
    }
}

/// Turns a queued work order `blocked` or a blocked one `queued`; it
/// keeps its place in its queue.
fn set_blocked(flow: &mut super::state::FlowState, id: WorkOrderId, blocked: bool) {
    let Some(w) = flow.wo(id) else {
        return;
    };
    let (bucket, key) = (w.bucket, w.queue_key);
    flow.set_status(
        id,
        if blocked {
            Status::Blocked
        } else {
            Status::Queued
        },
    );
    flow.queues[bucket].set_queued(key, !blocked);
}

fn cancelled(line: &mut Line, r: &Receipt) -> Result<()> {
    let b = Body::new(r, &["work_order", "from", "reason", "still_blocked"])?;
    let id = wo_of(line, &b, "work_order")?;
    b.subject_is(&id.to_string())?;
    let from: Status = b.parse("from")?;
    let reason = b.str("reason")?.to_owned();
    b.parse_list::<WorkOrderId>("still_blocked")?;
    let flow = &mut line.flow;
    let Some(w) = flow.wo(id) else {
        return Err(b.refuse("unknown work order"));
    };
    if !w.status.is_open() || w.status != from {
        return Err(b.refuse("only an open work order in status `from` is cancelled"));
    }
    let (bucket, key, priority, expedited) = (w.bucket, w.queue_key, w.priority, w.expedited);
    flow.forget_open(id);
    match from {
        Status::InProgress => release_slot(flow, bucket, expedited),
        _ => flow.queues[bucket].remove(key, priority),
    }
    if let Some(w) = flow.wo_mut(id) {
        w.cancelled_at = Some(r.at);
        w.cancel_reason = Some(reason);
    }
    flow.set_status(id, Status::Cancelled);
    flow.cancellations.push(r.at);
    Ok(())
}

fn dependency_added(line: &mut Line, r: &Receipt) -> Result<()> {
    let b = Body::new(r, &["work_order", "depends_on", "blocked", "status_after"])?;
    let x = wo_of(line, &b, "work_order")?;
    b.subject_is(&x.to_string())?;
    let y = wo_of(line, &b, "depends_on")?;
    let blocked = b.bool("blocked")?;
    let after: Status = b.parse("status_after")?;
    let flow = &mut line.flow;
    if x == y || flow.deps.has_edge(x, y) || flow.deps.reaches(y, x) {
        return Err(b.refuse("the edge repeats or closes a cycle"));
    }
    let status = flow.wo(x).map_or(Status::Cancelled, |w| w.status);
    let expected = if blocked { Status::Queued } else { after };
    if !matches!(status, Status::Queued | Status::Blocked) || status != expected {
        return Err(b.refuse("status_after does not follow from the state"));
    }
    flow.deps.add(x, y);
    if blocked {
        set_blocked(flow, x, true);
    }
    Ok(())
}

fn dependency_resolved(line: &mut Line, r: &Receipt) -> Result<()> {
    let b = Body::new(r, &["depends_on", "edges_removed", "released"])?;
    let y = wo_of(line, &b, "depends_on")?;
    b.subject_is(&y.to_string())?;
    b.parse_list::<WorkOrderId>("edges_removed")?;
    let released: Vec<WorkOrderId> = b.parse_list("released")?;
    let flow = &mut line.flow;
    if released.iter().any(|x| {
        !flow.deps.has_edge(*x, y) || flow.wo(*x).is_none_or(|w| w.status != Status::Blocked)
    }) {
        return Err(b.refuse("only blocked dependents of it are released"));
    }
    flow.deps.remove_to(y);
    for x in released {
        set_blocked(flow, x, false);
    }
    Ok(())
}

fn reordered(line: &mut Line, r: &Receipt) -> Result<()> {
    let b = Body::new(r, &["bucket", "order"])?;
    b.subject_is("line")?;
    let bucket: Bucket = b.parse("bucket")?;
    let order: Vec<WorkOrderId> = b.parse_list("order")?;
    let flow = &mut line.flow;
    let queue = &flow.queues[bucket];
    let mut current: Vec<WorkOrderId> = queue.iter().map(|(_, id)| id).collect();
    let mut given = order.clone();
    current.sort_unstable();
    given.sort_unstable();
    if current != given {
        return Err(b.refuse("order must list every entry of the queue once"));
    }
    let entries: Vec<(WorkOrderId, u8, bool)> = order
        .iter()
        .filter_map(|id| {
            flow.wo(*id)
                .map(|w| (*id, w.priority, w.status == Status::Queued))
        })
        .collect();
    let keys = flow.queues[bucket].rebuild(&entries);
    for ((id, _, _), key) in entries.iter().zip(keys) {
        if let Some(w) = flow.wo_mut(*id) {
            w.queue_key = key;
        }
    }
    Ok(())
}

fn sku_created(line: &mut Line, r: &Receipt) -> Result<()> {
    let b = Body::new(r, &["sku", "work_order", "stage", "commit_at", "fixes"])?;
    let id: SkuId = b.parse("sku")?;
    b.subject_is(&id.to_string())?;
    if id != line.flow.next_sku_id() {
        return Err(b.refuse("SKU ids must follow one another"));
    }
    let wo = wo_of(line, &b, "work_order")?;
    let stage = b.str("stage")?.to_owned();
    if line.config.flow.stages.first() != Some(&stage) {
        return Err(b.refuse("a SKU starts at the first stage"));
    }
    let sku = Sku {
        id,
        work_order: wo,
        status: SkuStatus::InProduction,
        stage: stage.clone(),
        history: vec![SkuStageEntry {
            stage,
            entered_at: r.at,
        }],
        created_at: r.at,
        released_at: None,
        published_at: None,
        aborted_at: None,
        abort_reason: None,
        location: None,
        commit_at: b.opt_int("commit_at")?,
        fixes: b.opt_parse::<AndonId>("fixes")?,
    };
    let Some(w) = line.flow.wo_mut(wo) else {
        return Err(b.refuse("unknown work order"));
    };
    if w.status != Status::InProgress {
        return Err(b.refuse("only an in-progress work order gets a SKU"));
    }
    w.skus.push(id);
    line.flow.skus.push(sku);
    Ok(())
}

/// The SKU a body names, which must be `in_production` when `status`
/// says so.
fn sku_in(line: &Line, b: &Body<'_>, allowed: &[SkuStatus]) -> Result<SkuId> {
    let id = sku_of(line, b)?;
    b.subject_is(&id.to_string())?;
    let wo: WorkOrderId = b.parse("work_order")?;
    let s = line.sku(id)?;
    if s.work_order != wo || !allowed.contains(&s.status) {
        return Err(b.refuse("the SKU's work order or status does not allow it"));
    }
    Ok(id)
}

fn sku_stage_entered(line: &mut Line, r: &Receipt) -> Result<()> {
    let b = Body::new(
        r,
        &[
            "sku",
            "work_order",
            "from",
            "to",
            "gate",
            "gate_result",
            "gate_receipt",
        ],
    )?;
    let id = sku_in(line, &b, &[SkuStatus::InProduction])?;
    let (from, to) = (b.str("from")?, b.str("to")?.to_owned());
    b.opt_str("gate")?;
    b.opt_str("gate_result")?;
    b.opt_uint::<u64>("gate_receipt")?;
    let Some(s) = line.flow.sku_mut(id) else {
        return Err(b.refuse("unknown SKU"));
    };
    if s.stage != from {
        return Err(b.refuse("from is not the SKU's stage"));
    }
    s.stage.clone_from(&to);
    s.history.push(SkuStageEntry {
        stage: to,
        entered_at: r.at,
    });
    Ok(())
}

fn sku_released(line: &mut Line, r: &Receipt) -> Result<()> {
    let b = Body::new(r, &["sku", "work_order"])?;
    let id = sku_in(line, &b, &[SkuStatus::InProduction])?;
    if let Some(s) = line.flow.sku_mut(id) {
        s.status = SkuStatus::Released;
        s.released_at = Some(r.at);
    }
    Ok(())
}

fn sku_published(line: &mut Line, r: &Receipt) -> Result<()> {
    let b = Body::new(
        r,
        &["sku", "work_order", "location", "completes_work_order"],
    )?;
    let id = sku_in(line, &b, &[SkuStatus::Released])?;
    let location = b.opt_str("location")?.map(str::to_owned);
    b.bool("completes_work_order")?;
    if let Some(s) = line.flow.sku_mut(id) {
        s.status = SkuStatus::Published;
        s.published_at = Some(r.at);
        s.location = location;
    }
    Ok(())
}

fn sku_aborted(line: &mut Line, r: &Receipt) -> Result<()> {
    let b = Body::new(r, &["sku", "work_order", "from", "reason"])?;
    let id = sku_in(line, &b, &[SkuStatus::InProduction, SkuStatus::Released])?;
    let from: SkuStatus = b.parse("from")?;
    let reason = b.str("reason")?.to_owned();
    let Some(s) = line.flow.sku_mut(id) else {
        return Err(b.refuse("unknown SKU"));
    };
    if s.status != from {
        return Err(b.refuse("from is not the SKU's status"));
    }
    s.status = SkuStatus::Aborted;
    s.aborted_at = Some(r.at);
    s.abort_reason = Some(reason);
    Ok(())
}
