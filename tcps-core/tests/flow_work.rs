//! flow.md 17.3 to 17.6: queues, the work-order lifecycle, WIP and
//! dependencies (F-23 to F-50).

mod flow_common;

use flow_common::*;
use tcps_core::Error;
use tcps_core::flow::{Bucket, DependencyEntry, SkuStatus, SlaOutcome, Status, WipMode};
use tcps_core::id::WorkOrderId;
use tcps_core::value::Value;

fn queue_ids(line: &tcps_core::Line, b: Bucket) -> Vec<WorkOrderId> {
    line.queue(b).iter().map(|e| e.id).collect()
}

fn transition(from: &str, op: &str) -> Error {
    Error::InvalidTransition {
        from: from.into(),
        op: op.into(),
    }
}

fn wip_limit(bucket: &str, current: u32, limit: u32) -> Error {
    Error::WipLimit {
        bucket: bucket.into(),
        current,
        limit,
    }
}

// ---- 17.3 queues ----

#[test]
fn f23_new_entries_go_before_the_first_lower_priority() {
    let mut line = line();
    let a = new_wo(&mut line, Bucket::Reliability, 9, T0);
    let b = new_wo(&mut line, Bucket::Reliability, 5, T0);

    let c = new_wo(&mut line, Bucket::Reliability, 7, T0);
    let d = new_wo(&mut line, Bucket::Reliability, 7, T0);

    assert_eq!(queue_ids(&line, Bucket::Reliability), vec![a, c, d, b]);
    assert_eq!(member(&last(&line), "queue_position"), "3");
}

#[test]
fn f24_dequeue_skips_a_blocked_head() {
    let mut line = line();
    let h = new_wo(&mut line, Bucket::Reliability, 9, T0);
    let q = new_wo(&mut line, Bucket::Reliability, 5, T0);
    let x = new_wo(&mut line, Bucket::Features, 4, T0);
    line.add_dependency(h, x, T0).unwrap();

    let started = line.dequeue(Bucket::Reliability, T0).unwrap();

    assert_eq!(started, Some(q));
    assert_eq!(queue_ids(&line, Bucket::Reliability), vec![h]);
    let r = last(&line);
    assert_eq!(r.kind, "work_order.started");
    assert_eq!(
        member(&r, "decision"),
        r#"{"counters_after":null,"counters_before":null,"cursor_after":null,"cursor_before":null,"heads":[],"rule":"first queued in reliability","skipped":[],"strategy":"dequeue"}"#
    );
}

#[test]
fn f25_dequeue_on_an_empty_queue_appends_nothing() {
    let mut line = line();

    assert_eq!(line.dequeue(Bucket::Cost, T0), Ok(None));
    assert_eq!(line.len(), 1);
}

fn reorder_setup() -> (tcps_core::Line, [WorkOrderId; 5]) {
    let mut line = line();
    let w1 = new_wo(&mut line, Bucket::Reliability, 6, T0);
    let w2 = new_wo(&mut line, Bucket::Reliability, 6, T0);
    let b = new_wo(&mut line, Bucket::Reliability, 6, T0);
    let w3 = new_wo(&mut line, Bucket::Reliability, 6, T0);
    let f1 = new_wo(&mut line, Bucket::Features, 4, T0);
    line.add_dependency(b, f1, T0).unwrap();
    (line, [w1, w2, b, w3, f1])
}

#[test]
fn f26_reorder_puts_blocked_entries_after_the_given_order() {
    let (mut line, [w1, w2, b, w3, _]) = reorder_setup();

    line.reorder_queue(Bucket::Reliability, &[w3, w1, w2], T0)
        .unwrap();

    assert_eq!(queue_ids(&line, Bucket::Reliability), vec![w3, w1, w2, b]);
    let r = last(&line);
    assert_eq!(
        (r.kind.as_str(), r.subject.as_str()),
        ("queue.reordered", "line")
    );
    assert_eq!(
        member(&r, "order"),
        r#"["WO-000004","WO-000001","WO-000002","WO-000003"]"#
    );
    assert_replays(&line);
}

#[test]
fn f27_bad_orders_are_refused_and_change_nothing() {
    let (mut line, [w1, w2, b, w3, f1]) = reorder_setup();
    let cases: [(&[WorkOrderId], &str); 6] = [
        (&[w3, w1], "missing"),
        (&[w3, w1, w2, b], "not_queued"),
        (&[w3, w1, f1], "wrong_bucket"),
        (&[w3, w3, w1, w2], "duplicate"),
        (&[w3, w1, WorkOrderId(999_999)], "unknown_id"),
        (&[b, WorkOrderId(999_999)], "unknown_id"),
    ];
    let before = line.len();

    for (ids, reason) in cases {
        let result = line.reorder_queue(Bucket::Reliability, ids, T0);

        assert_eq!(
            result,
            Err(Error::InvalidQueueOrder {
                reason: reason.into()
            }),
            "{ids:?}"
        );
        assert_eq!(queue_ids(&line, Bucket::Reliability), vec![w1, w2, b, w3]);
    }
    assert_eq!(line.len(), before);
}

#[test]
fn inserting_after_a_reorder_still_goes_before_the_first_lower_priority() {
    let mut line = line();
    let low = new_wo(&mut line, Bucket::Cost, 2, T0);
    let high = new_wo(&mut line, Bucket::Cost, 9, T0);
    line.reorder_queue(Bucket::Cost, &[low, high], T0).unwrap();

    let mid = new_wo(&mut line, Bucket::Cost, 5, T0);
    let top = new_wo(&mut line, Bucket::Cost, 10, T0);

    assert_eq!(queue_ids(&line, Bucket::Cost), vec![top, mid, low, high]);
    assert_eq!(member(&last(&line), "queue_position"), "1");
    assert_replays(&line);
}

// ---- 17.4 lifecycle ----

#[test]
fn f28_a_work_order_starts_once() {
    let mut line = line();
    let id = take(&mut line, &cve("CVE-1"), T0);

    line.start(id, T0).unwrap();
    let again = line.start(id, T0);

    assert_eq!(line.work_order(id).unwrap().started_at, Some(T0));
    assert_eq!(again, Err(transition("in_progress", "start")));
}

#[test]
fn f29_completion_checks_existence_before_status() {
    let mut line = quick_line();
    let one = take(&mut line, &cve("CVE-1"), T0);

    let missing = line.complete(one, sku(1), T0);
    let other = take(&mut line, &cve("CVE-2"), T0);
    line.start(other, T0).unwrap();
    let s = line.create_sku(other, None, None, T0).unwrap();
    let queued = line.complete(one, s, T0);

    assert_eq!(
        missing,
        Err(Error::NotFound {
            kind: "sku".into(),
            id: "SKU-000001".into()
        })
    );
    assert_eq!(queued, Err(transition("queued", "complete")));
}

#[test]
fn f30_progress_checks_the_stage_before_the_status() {
    let mut line = line();
    let id = take(&mut line, &cve("CVE-1"), T0);

    let design = line.progress(id, "design", T0);
    let coding = line.progress(id, "coding", T0);

    assert_eq!(design, Err(transition("queued", "progress")));
    assert_eq!(
        coding,
        Err(Error::InvalidStage {
            value: "coding".into()
        })
    );
}

#[test]
fn f31_progress_keeps_every_report_in_order() {
    let mut line = line();
    let id = take(&mut line, &cve("CVE-1"), T0);
    line.start(id, T0).unwrap();

    line.progress(id, "requirements", T0 + H).unwrap();
    line.progress(id, "design", T0 + 2 * H).unwrap();
    line.progress(id, "requirements", T0 + 3 * H).unwrap();

    let w = line.work_order(id).unwrap();
    assert_eq!(
        w.current_stage.map(tcps_core::flow::WoStage::as_str),
        Some("requirements")
    );
    let history: Vec<(&str, i64)> = w
        .stage_history
        .iter()
        .map(|e| (e.stage.as_str(), e.at))
        .collect();
    assert_eq!(
        history,
        vec![
            ("requirements", T0 + H),
            ("design", T0 + 2 * H),
            ("requirements", T0 + 3 * H)
        ]
    );
    assert_eq!(member(&last(&line), "previous"), "\"design\"");
}

#[test]
fn f32_completion_needs_an_own_released_sku() {
    let mut line = quick_line();
    let (w1, w2) = (
        take(&mut line, &cve("A"), T0),
        take(&mut line, &cve("B"), T0),
    );
    line.start(w1, T0).unwrap();
    line.start(w2, T0).unwrap();
    let s1 = line.create_sku(w1, None, None, T0).unwrap();
    let s2 = released_sku(&mut line, w2, T0);

    let mismatch = line.complete(w1, s2, T0);
    let unreleased = line.complete(w1, s1, T0);

    assert_eq!(
        mismatch,
        Err(Error::SkuMismatch {
            sku: "SKU-000002".into(),
            work_order: "WO-000001".into()
        })
    );
    assert_eq!(
        unreleased,
        Err(Error::SkuNotReleased {
            sku: "SKU-000001".into(),
            status: "in_production".into()
        })
    );
}

#[test]
fn f33_completion_fixes_lead_time_and_sla_outcome() {
    let mut line = quick_line();
    let id = take(&mut line, &cve("CVE-1"), T0);
    line.start(id, T0 + H).unwrap();
    let s = released_sku(&mut line, id, T0 + H);
    let from = line.len();

    line.complete(id, s, T0 + 10 * H).unwrap();

    let w = line.work_order(id).unwrap();
    assert_eq!(
        (w.status, w.sla_outcome, w.sku_id),
        (Status::Completed, Some(SlaOutcome::Met), Some(s))
    );
    assert_eq!(kinds_since(&line, from), vec!["work_order.completed"]);
    assert_eq!(member(&last(&line), "lead_time_ms"), "36000000");
    assert_eq!(line.wip_status().buckets.security.current, 0);
}

#[test]
fn f34_cancel_releases_wip_and_aborts_unfinished_skus() {
    let mut line = quick_line();
    let id = take(&mut line, &cve("CVE-1"), T0);
    line.start(id, T0).unwrap();
    let s1 = line.create_sku(id, None, None, T0).unwrap();
    let s2 = line.create_sku(id, None, None, T0).unwrap();
    line.abort(s2, "superseded", T0).unwrap();
    let from = line.len();

    line.cancel(id, "Duplicate of issue #399", T0).unwrap();

    assert_eq!(line.work_order(id).unwrap().status, Status::Cancelled);
    assert_eq!(line.wip_status().total, 0);
    let aborted = line.sku(s1).unwrap();
    assert_eq!(
        (aborted.status, aborted.abort_reason.as_deref()),
        (SkuStatus::Aborted, Some("work order cancelled"))
    );
    assert_eq!(
        kinds_since(&line, from),
        vec!["work_order.cancelled", "sku.aborted"]
    );
    assert_eq!(last(&line).subject, "SKU-000001");
    assert_replays(&line);
}

#[test]
fn f35_cancel_needs_a_reason_and_an_open_work_order() {
    let mut line = quick_line();
    let done = take(&mut line, &cve("A"), T0);
    finish(&mut line, done, T0);
    let open = take(&mut line, &cve("B"), T0);

    let no_reason = line.cancel(open, "", T0);
    let completed = line.cancel(done, "x", T0);
    line.cancel(open, "x", T0).unwrap();
    let twice = line.cancel(open, "x", T0);

    assert_eq!(
        no_reason,
        Err(Error::MissingField {
            field: "reason".into()
        })
    );
    assert_eq!(completed, Err(transition("completed", "cancel")));
    assert_eq!(twice, Err(transition("cancelled", "cancel")));
}

// ---- 17.5 WIP ----

#[test]
fn f36_a_hard_limit_refuses_the_sixth_start() {
    let mut line = line();
    let ids: Vec<WorkOrderId> = (0..6)
        .map(|_| new_wo(&mut line, Bucket::Security, 8, T0))
        .collect();

    let results: Vec<_> = ids.iter().map(|id| line.start(*id, T0)).collect();

    assert!(results[..5].iter().all(Result::is_ok));
    assert_eq!(results[5], Err(wip_limit("security", 5, 5)));
}

#[test]
fn f37_a_soft_limit_records_the_breach() {
    let mut line = line_with(|v| {
        *at(v, "buckets.features.wip_mode") = "soft".into();
        *at(v, "buckets.features.wip_limit") = Value::Int(2);
    });
    let ids: Vec<WorkOrderId> = (0..3)
        .map(|_| new_wo(&mut line, Bucket::Features, 4, T0))
        .collect();

    for id in &ids {
        line.start(*id, T0).unwrap();
    }

    let r = last(&line);
    assert_eq!(
        (member(&r, "soft_breach"), member(&r, "wip_before")),
        ("true".into(), "2".into())
    );
}

#[test]
fn f38_unlimited_buckets_have_no_limit() {
    let mut line = line_with(|v| {
        *at(v, "buckets.cost.wip_mode") = "unlimited".into();
        *at(v, "buckets.cost.wip_limit") = Value::Null;
    });
    let ids: Vec<WorkOrderId> = (0..100)
        .map(|_| new_wo(&mut line, Bucket::Cost, 5, T0))
        .collect();

    for id in &ids {
        line.start(*id, T0).unwrap();
    }

    let cost = line.wip_status().buckets.cost;
    assert_eq!(
        (cost.current, cost.mode, cost.limit, cost.available),
        (100, WipMode::Unlimited, None, None)
    );
}

#[test]
fn f39_the_expedite_lane_takes_one_priority_10_start_beyond_the_limit() {
    let mut line = quick_line();
    for _ in 0..5 {
        let id = new_wo(&mut line, Bucket::Security, 8, T0);
        line.start(id, T0).unwrap();
    }
    let x = take(&mut line, &cve("X"), T0);
    let y = take(&mut line, &cve("Y"), T0);
    let z = new_wo(&mut line, Bucket::Security, 9, T0);

    let z_start = line.start(z, T0);
    line.start(x, T0).unwrap();
    let x_receipt = last(&line);
    let y_start = line.start(y, T0);
    finish(&mut line, x, T0);
    line.start(y, T0).unwrap();

    assert_eq!(z_start, Err(wip_limit("security", 5, 5)));
    assert_eq!(member(&x_receipt, "expedited"), "true");
    assert_eq!(member(&x_receipt, "expedite_in_use"), "1");
    assert_eq!(y_start, Err(wip_limit("security", 6, 5)));
    assert!(line.work_order(y).unwrap().expedited);
    assert_eq!(line.wip_status().buckets.security.current, 6);
}

#[test]
fn f40_priority_10_below_the_limit_takes_no_expedite_slot() {
    let mut line = line();
    for _ in 0..2 {
        let id = new_wo(&mut line, Bucket::Security, 8, T0);
        line.start(id, T0).unwrap();
    }
    let id = take(&mut line, &cve("X"), T0);

    line.start(id, T0).unwrap();

    assert_eq!(member(&last(&line), "expedited"), "false");
    assert_eq!(line.wip_status().expedite_in_use, 0);
}

#[test]
fn f41_a_lower_limit_evicts_nothing() {
    let mut line = quick_line();
    let running: Vec<WorkOrderId> = (0..4)
        .map(|_| new_wo(&mut line, Bucket::Reliability, 6, T0))
        .collect();
    for id in &running {
        line.start(*id, T0).unwrap();
    }
    let waiting = new_wo(&mut line, Bucket::Reliability, 6, T0);
    let mut config = line.config().clone();
    config.flow.buckets.reliability.wip_limit = Some(2);
    line.change_config(config, "tighter", T0).unwrap();

    let first = line.start(waiting, T0);
    finish(&mut line, running[0], T0);
    finish(&mut line, running[1], T0);
    let second = line.start(waiting, T0);

    assert_eq!(first, Err(wip_limit("reliability", 4, 2)));
    assert_eq!(line.wip_status().buckets.reliability.current, 2);
    assert_eq!(second, Err(wip_limit("reliability", 2, 2)));
}

// ---- 17.6 dependencies ----

fn entry(id: WorkOrderId, status: Status) -> DependencyEntry {
    DependencyEntry { id, status }
}

#[test]
fn f42_a_dependency_on_unfinished_work_blocks() {
    let mut line = line();
    let (w1, w2) = (
        new_wo(&mut line, Bucket::Cost, 5, T0),
        new_wo(&mut line, Bucket::Cost, 5, T0),
    );

    line.add_dependency(w2, w1, T0).unwrap();
    let r = last(&line);
    let start = line.start(w2, T0);

    assert_eq!(line.work_order(w2).unwrap().status, Status::Blocked);
    assert_eq!(start, Err(transition("blocked", "start")));
    assert_eq!(
        (member(&r, "blocked"), member(&r, "status_after")),
        ("true".into(), "\"blocked\"".into())
    );
}

#[test]
fn f43_completion_unblocks_and_keeps_the_queue_position() {
    let mut line = quick_line();
    let (w1, w2) = (
        new_wo(&mut line, Bucket::Cost, 5, T0),
        new_wo(&mut line, Bucket::Cost, 5, T0),
    );
    let w3 = new_wo(&mut line, Bucket::Cost, 5, T0);
    line.add_dependency(w2, w1, T0).unwrap();

    finish(&mut line, w1, T0);

    assert_eq!(line.work_order(w2).unwrap().status, Status::Queued);
    assert_eq!(member(&last(&line), "unblocked"), r#"["WO-000002"]"#);
    assert_eq!(queue_ids(&line, Bucket::Cost), vec![w2, w3]);
    assert_replays(&line);
}

#[test]
fn f44_a_chain_unblocks_one_link_at_a_time() {
    let mut line = quick_line();
    let ids: Vec<WorkOrderId> = (0..4)
        .map(|_| new_wo(&mut line, Bucket::Cost, 5, T0))
        .collect();
    for pair in ids.windows(2) {
        line.add_dependency(pair[1], pair[0], T0).unwrap();
    }
    let statuses = |line: &tcps_core::Line| -> Vec<Status> {
        ids[1..]
            .iter()
            .map(|id| line.work_order(*id).unwrap().status)
            .collect()
    };

    finish(&mut line, ids[0], T0);
    let after_first = statuses(&line);
    finish(&mut line, ids[1], T0);
    let after_second = statuses(&line);

    assert_eq!(
        after_first,
        vec![Status::Queued, Status::Blocked, Status::Blocked]
    );
    assert_eq!(after_second[1..], [Status::Queued, Status::Blocked]);
}

#[test]
fn f45_two_dependencies_release_after_both() {
    let mut line = quick_line();
    let a = new_wo(&mut line, Bucket::Cost, 5, T0);
    let b = new_wo(&mut line, Bucket::Cost, 5, T0);
    let f = new_wo(&mut line, Bucket::Cost, 5, T0);
    line.add_dependency(f, a, T0).unwrap();
    line.add_dependency(f, b, T0).unwrap();

    finish(&mut line, a, T0);
    let after_a = line.work_order(f).unwrap().status;
    finish(&mut line, b, T0);

    assert_eq!(after_a, Status::Blocked);
    assert_eq!(line.work_order(f).unwrap().status, Status::Queued);
}

#[test]
fn f46_cycles_and_self_edges_are_refused() {
    let mut line = line();
    let ids: Vec<WorkOrderId> = (0..3)
        .map(|_| new_wo(&mut line, Bucket::Cost, 5, T0))
        .collect();
    line.add_dependency(ids[1], ids[0], T0).unwrap();
    line.add_dependency(ids[2], ids[1], T0).unwrap();

    let cycle = line.add_dependency(ids[0], ids[2], T0);
    let itself = line.add_dependency(ids[0], ids[0], T0);

    let circular = |to: &str| Error::CircularDependency {
        from: "WO-000001".into(),
        to: to.into(),
    };
    assert_eq!(cycle, Err(circular("WO-000003")));
    assert_eq!(itself, Err(circular("WO-000001")));
}

#[test]
fn f47_a_completed_dependency_does_not_block() {
    let mut line = quick_line();
    let w1 = new_wo(&mut line, Bucket::Cost, 5, T0);
    finish(&mut line, w1, T0);
    let w2 = new_wo(&mut line, Bucket::Cost, 5, T0);

    line.add_dependency(w2, w1, T0).unwrap();

    assert_eq!(line.work_order(w2).unwrap().status, Status::Queued);
    assert_eq!(member(&last(&line), "blocked"), "false");
}

#[test]
fn f48_a_cancelled_dependency_holds_until_resolved() {
    let mut line = line();
    let (w1, w2) = (
        new_wo(&mut line, Bucket::Cost, 5, T0),
        new_wo(&mut line, Bucket::Cost, 5, T0),
    );
    line.add_dependency(w2, w1, T0).unwrap();

    line.cancel(w1, "dropped", T0).unwrap();
    let cancel_receipt = last(&line);
    let view = line.dependencies(w2).unwrap();
    let still = line.work_order(w2).unwrap().status;
    line.resolve_dependency(w1, T0).unwrap();

    assert_eq!(still, Status::Blocked);
    assert_eq!(member(&cancel_receipt, "still_blocked"), r#"["WO-000002"]"#);
    assert_eq!(view.depends_on, vec![entry(w1, Status::Cancelled)]);
    assert_eq!(line.work_order(w2).unwrap().status, Status::Queued);
    assert!(line.dependencies(w2).unwrap().depends_on.is_empty());
    let r = last(&line);
    assert_eq!(r.kind, "dependency.resolved");
    assert_eq!(member(&r, "edges_removed"), r#"["WO-000002"]"#);
    assert_eq!(member(&r, "released"), r#"["WO-000002"]"#);
    assert_replays(&line);
}

#[test]
fn f49_duplicate_edges_and_started_dependents_are_refused() {
    let mut line = line();
    let ids: Vec<WorkOrderId> = (0..3)
        .map(|_| new_wo(&mut line, Bucket::Cost, 5, T0))
        .collect();
    line.add_dependency(ids[1], ids[0], T0).unwrap();
    line.start(ids[2], T0).unwrap();

    let duplicate = line.add_dependency(ids[1], ids[0], T0);
    let started = line.add_dependency(ids[2], ids[0], T0);

    assert_eq!(
        duplicate,
        Err(Error::DuplicateDependency {
            from: "WO-000002".into(),
            to: "WO-000001".into()
        })
    );
    assert_eq!(started, Err(transition("in_progress", "add_dependency")));
}

#[test]
fn f50_dependents_are_listed_in_the_order_the_edges_were_added() {
    let mut line = line();
    let ids: Vec<WorkOrderId> = (0..3)
        .map(|_| new_wo(&mut line, Bucket::Cost, 5, T0))
        .collect();
    line.add_dependency(ids[1], ids[0], T0).unwrap();
    line.add_dependency(ids[2], ids[0], T0).unwrap();

    let view = line.dependencies(ids[0]).unwrap();

    assert!(view.depends_on.is_empty());
    assert_eq!(
        view.dependents,
        vec![
            entry(ids[1], Status::Blocked),
            entry(ids[2], Status::Blocked)
        ]
    );
}

#[test]
fn resolving_a_work_order_without_dependents_still_records_the_decision() {
    let mut line = line();
    let id = new_wo(&mut line, Bucket::Cost, 5, T0);

    line.resolve_dependency(id, T0).unwrap();

    let r = last(&line);
    assert_eq!(
        (member(&r, "edges_removed"), member(&r, "released")),
        ("[]".into(), "[]".into())
    );
}

/// The receipts of `line` with the last one replaced by `kind`/`body`,
/// sealed again so the chain holds.
fn resealed(
    line: &tcps_core::Line,
    kind: &str,
    subject: &str,
    body: Value,
) -> Vec<tcps_core::Receipt> {
    let mut receipts = all_receipts(line);
    let last = receipts.pop().unwrap();
    let r = tcps_core::Receipt::seal(last.seq, last.at, kind, subject, body, 0, last.prev).unwrap();
    receipts.push(r);
    receipts
}

#[test]
fn replay_refuses_a_body_with_a_renamed_member() {
    let mut line = line();
    new_wo(&mut line, Bucket::Cost, 5, T0);
    let Value::Object(mut body) = last(&line).body else {
        panic!("an object body")
    };
    let position = body.remove("queue_position").unwrap();
    body.insert("position".into(), position);

    let replayed = tcps_core::Line::replay(resealed(
        &line,
        "work_order.created",
        "WO-000001",
        Value::Object(body),
    ));

    let (seq, error) = replayed.err().unwrap();
    assert_eq!(seq, 1);
    assert!(
        matches!(error, Error::InvalidReceipt { ref member, .. } if member == "body/queue_position"),
        "{error:?}"
    );
}

#[test]
fn replay_refuses_a_start_the_state_does_not_permit() {
    let mut line = line();
    let id = new_wo(&mut line, Bucket::Cost, 5, T0);
    line.start(id, T0).unwrap();
    let started = last(&line);
    let mut receipts = all_receipts(&line);
    let again = tcps_core::Receipt::seal(
        started.seq + 1,
        T0,
        "work_order.started",
        "WO-000001",
        started.body.clone(),
        0,
        started.hash,
    )
    .unwrap();
    receipts.push(again);

    let replayed = tcps_core::Line::replay(receipts);

    assert_eq!(replayed.err().map(|(seq, _)| seq), Some(started.seq + 1));
}
