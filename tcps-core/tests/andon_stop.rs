//! Stopping the line: andon.md 6, worked examples. An open
//! andon refuses exactly the operations its scope names; a table runs
//! each refused operation for real under every scope.

mod andon_util;

use andon_util::*;
use tcps_core::andon::{FailureType, Proceed, Severity, StopScope, Subject};
use tcps_core::flow::{Bucket, Next, Signal, SignalKind, SkipReason, Skipped, SkuStatus, Status};
use tcps_core::id::{AndonId, SkuId, WorkOrderId};
use tcps_core::quality::{EvalOptions, EvidenceKind};
use tcps_core::{Config, Error, Line};

fn stopped(ids: &[u64]) -> Error {
    Error::LineStopped {
        andons: ids.iter().map(|n| AndonId(*n).to_string()).collect(),
    }
}

fn blocked(ids: &[u64]) -> Proceed {
    Proceed::Blocked {
        andons: ids.iter().map(|n| AndonId(*n)).collect(),
    }
}

/// Passes the `test_execution` gate of SKU-000001 at t0.
fn pass_tests(line: &mut Line) {
    let evidence = test_evidence(tests(10, 0), coverage(9, 10));
    let result = line
        .evaluate_gate(
            SKU1,
            "test_execution",
            &evidence,
            EvalOptions::default(),
            T0,
        )
        .unwrap();
    assert!(result.andon.is_none());
}

#[test]
fn a17_sla_andons_do_not_stop_by_default() {
    let mut line = setup();
    line.sla_sweep(T0 + 24 * H).unwrap();

    let started = line.start(WO2, T0 + 24 * H);

    assert_eq!(started, Ok(()));
    assert!(line.stopping_andons().is_empty());
}

#[test]
fn a17_sla_andons_stop_their_work_order_when_the_policy_says_so() {
    let mut line = setup_with(|p| p.sla_breach_stops = true);
    line.sla_sweep(T0 + 24 * H).unwrap();

    let started = line.start(WO2, T0 + 24 * H);

    assert_eq!(started, Err(stopped(&[2])));
    assert_eq!(line.can_start(WO2), Ok(blocked(&[2])));
}

#[test]
fn a18_can_proceed_looks_at_the_subject_sku_only() {
    let mut line = setup();
    let sku2 = line.create_sku(WO1, None, None, T0).unwrap();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);

    assert_eq!(line.can_proceed(SKU1, "publication"), Ok(blocked(&[1])));
    assert_eq!(line.can_proceed(sku2, "compilation"), Ok(Proceed::Proceed));
    assert_eq!(
        line.can_proceed(SKU1, "deploy"),
        Err(Error::InvalidStage {
            value: "deploy".into()
        })
    );
    assert_eq!(
        line.can_proceed(SkuId(77), "compilation"),
        Err(Error::NotFound {
            kind: "sku".into(),
            id: "SKU-000077".into()
        })
    );
}

#[test]
fn a19_every_covering_andon_is_listed_until_all_are_resolved() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CoverageBelowThreshold, T0);
    raise_on_sku1(&mut line, FailureType::PerformanceRegression, T0);

    let both = line.can_proceed(SKU1, "security_scan");
    line.resolve(andon(1), &resolution(), T0).unwrap();
    let one = line.can_proceed(SKU1, "security_scan");
    line.resolve(andon(2), &resolution(), T0).unwrap();
    let none = line.can_proceed(SKU1, "security_scan");

    assert_eq!(both, Ok(blocked(&[1, 2])));
    assert_eq!(one, Ok(blocked(&[2])));
    assert_eq!(none, Ok(Proceed::Proceed));
    assert_eq!(line.is_blocked(SKU1), Ok(false));
}

#[test]
fn a20_an_acknowledged_andon_still_stops() {
    let mut line = setup();
    pass_tests(&mut line);
    raise_on_sku1(&mut line, FailureType::PerformanceRegression, T0);
    line.acknowledge(andon(1), "alice", None, T0).unwrap();

    let moved = line.transition(SKU1, "security_scan", T0);

    assert_eq!(moved, Err(stopped(&[1])));
    assert_eq!(line.is_blocked(SKU1), Ok(true));
}

#[test]
fn a21_scope_sku_lets_other_work_orders_of_the_bucket_start() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);

    let started = line.start(WO2, T0);

    assert_eq!(started, Ok(()));
}

#[test]
fn a22_scope_bucket_stops_the_bucket_only() {
    let mut line = setup_with(|p| p.stop_scope = StopScope::Bucket);
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);

    let same_bucket = line.start(WO2, T0);
    let other_bucket = line.start(WO3, T0);

    assert_eq!(same_bucket, Err(stopped(&[1])));
    assert_eq!(other_bucket, Ok(()));
}

#[test]
fn a22_scope_bucket_refuses_the_moves_of_other_skus_of_the_bucket() {
    let mut line = setup_with(|p| p.stop_scope = StopScope::Bucket);
    let sku2 = line.create_sku(WO1, None, None, T0).unwrap();
    line.start(WO3, T0).unwrap();
    let sku3 = line.create_sku(WO3, None, None, T0).unwrap();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);

    assert_eq!(line.can_proceed(sku2, "compilation"), Ok(blocked(&[1])));
    assert_eq!(line.can_proceed(sku3, "compilation"), Ok(Proceed::Proceed));
}

#[test]
fn a23_scope_line_stops_every_start_and_next() {
    let mut line = setup_with(|p| p.stop_scope = StopScope::Line);
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    let before = line.len();

    let started = line.start(WO3, T0);
    let next = line.next(T0);

    assert_eq!(started, Err(stopped(&[1])));
    let Ok(Next::Idle { skipped }) = next else {
        panic!("expected Idle, got {next:?}");
    };
    let stopped_buckets: Vec<Bucket> = skipped
        .iter()
        .filter(|s| s.reason == SkipReason::LineStopped)
        .map(|s| s.bucket)
        .collect();
    assert_eq!(stopped_buckets, [Bucket::Reliability, Bucket::Security]);
    assert!(
        skipped
            .iter()
            .all(|s: &Skipped| s.reason == SkipReason::LineStopped
                || s.reason == SkipReason::Empty)
    );
    assert_eq!(line.len(), before);
}

#[test]
fn a24_a_work_order_andon_stops_its_skus_and_its_start_only() {
    let mut line = setup();
    pass_tests(&mut line);
    raise_manual(&mut line, Subject::WorkOrder(WO1), Severity::High, T0);

    let moved = line.transition(SKU1, "security_scan", T0);
    let started = line.start(WO2, T0);

    assert_eq!(moved, Err(stopped(&[1])));
    assert_eq!(started, Ok(()));
    assert_eq!(line.can_start(WO1), Ok(blocked(&[1])));
}

#[test]
fn a25_a_scope_change_applies_at_once() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    let mut config = line.config().clone();
    config.andon.stop_scope = StopScope::Line;

    line.change_config(config, "stop everything", T0).unwrap();
    let started = line.start(WO3, T0);

    assert_eq!(started, Err(stopped(&[1])));
    assert_replays(&line);
}

#[test]
fn a26_abort_and_cancel_go_on_while_the_line_is_stopped() {
    let mut line = setup_with(|p| p.stop_scope = StopScope::Line);
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);

    let aborted = line.abort(SKU1, "rebuild", T0);
    let cancelled = line.cancel(WO3, "dup", T0);

    assert_eq!(aborted, Ok(()));
    assert_eq!(cancelled, Ok(()));
}

#[test]
fn release_and_publish_are_refused_too() {
    let mut config = Config::standard();
    config.quality.gates.clear();
    let mut line = Line::new(config, T0).unwrap();
    let signal = Signal::new(SignalKind::Cve, "CVE-2026-0009", "overflow");
    let wo = line.intake(&signal, T0).unwrap().work_order;
    line.start(wo, T0).unwrap();
    let sku = line.create_sku(wo, None, None, T0).unwrap();
    for stage in line.config().stages().to_vec().iter().skip(1) {
        line.transition(sku, stage, T0).unwrap();
    }
    raise_manual(&mut line, Subject::Sku(sku), Severity::Low, T0);

    let released = line.release(sku, T0);
    line.resolve(andon(1), &resolution(), T0).unwrap();
    line.release(sku, T0).unwrap();
    raise_manual(&mut line, Subject::WorkOrder(wo), Severity::Low, T0);
    let published = line.publish(sku, None, T0);

    assert_eq!(released, Err(stopped(&[1])));
    assert_eq!(published, Err(stopped(&[2])));
}

#[test]
fn non_stopping_andons_refuse_nothing() {
    let mut line = setup_with(|p| p.stop_scope = StopScope::Line);
    line.raise(request(Subject::WorkOrder(WO3), FailureType::SlaBreach), T0)
        .unwrap();

    assert_eq!(line.can_start(WO3), Ok(Proceed::Proceed));
    assert_eq!(line.is_blocked(SKU1), Ok(false));
    assert_eq!(line.open_count(), 1);
}

#[test]
fn stopping_andons_lists_every_unresolved_stopping_andon() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::PerformanceRegression, T0);
    line.raise(request(Subject::WorkOrder(WO3), FailureType::SlaBreach), T0)
        .unwrap();
    raise_manual(&mut line, Subject::WorkOrder(WO2), Severity::Low, T0);
    line.resolve(andon(3), &resolution(), T0).unwrap();

    assert_eq!(line.stopping_andons(), [andon(1)]);
    assert_eq!(line.open_count(), 2);
}

#[test]
fn a_stopped_line_refuses_nothing_but_moves_and_starts() {
    let mut line = setup_with(|p| p.stop_scope = StopScope::Line);
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    let signal = Signal::new(SignalKind::Cve, "CVE-2026-0004", "another");

    let intake = line.intake(&signal, T0).map(|i| i.work_order);
    let progress = line.progress(WO1, "implementation", T0);
    let sku2 = line.create_sku(WO1, None, None, T0);
    let depend = line.add_dependency(WO3, WO2, T0);
    let reorder = line.reorder_queue(Bucket::Security, &[WorkOrderId(4), WO2], T0);
    let gate = line.evaluate_gate(
        SKU1,
        "test_execution",
        &test_evidence(tests(10, 0), coverage(9, 10)),
        EvalOptions::default(),
        T0,
    );
    let config = line.change_config(line.config().clone(), "same again", T0);
    let raise = raise_manual(&mut line, Subject::WorkOrder(WO3), Severity::Low, T0);
    let ack = line.acknowledge(andon(1), "alice", None, T0);
    let rca = line.start_analysis(andon(1), "tests failed", T0);
    let dequeue = line.dequeue(Bucket::Security, T0);

    assert_eq!(intake, Ok(WorkOrderId(4)));
    assert_eq!(progress, Ok(()));
    assert!(sku2.is_ok());
    assert_eq!(depend, Ok(()));
    assert_eq!(reorder, Ok(()));
    assert!(gate.is_ok());
    assert_eq!(config, Ok(()));
    assert_eq!(raise.andon, andon(2));
    assert_eq!(ack, Ok(()));
    assert!(rca.is_ok());
    assert_eq!(dequeue, Err(stopped(&[1, 2])));
}

// The coverage table: every refused operation of andon.md 6.1, run for
// real under each scope against an item the andon covers and items it
// does not cover.

/// Security, in progress, with SKU-000001 and SKU-000002.
const S1: WorkOrderId = WorkOrderId(1);
/// Security, in progress, with SKU-000003.
const S2: WorkOrderId = WorkOrderId(2);
/// Reliability, in progress, with SKU-000004.
const R1: WorkOrderId = WorkOrderId(3);
/// Features, in progress, the subject of ANDON-000006.
const F1: WorkOrderId = WorkOrderId(4);
/// Security, queued, first in its queue.
const Q1: WorkOrderId = WorkOrderId(5);
/// Security, queued, after Q1.
const Q2: WorkOrderId = WorkOrderId(6);
/// Reliability, queued.
const R2: WorkOrderId = WorkOrderId(7);

/// The operations that a stopping andon refuses (andon.md 6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Transition,
    Release,
    Publish,
    Start,
    Dequeue,
    Next,
}

const SKU_OPS: [Op; 3] = [Op::Transition, Op::Release, Op::Publish];
const START_OPS: [Op; 3] = [Op::Start, Op::Dequeue, Op::Next];

/// What an operation of the table is aimed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// SKU-000001, the subject of the stopping ANDON-000002.
    SubjectSku,
    /// SKU-000002, another SKU of the subject's work order.
    SiblingSku,
    /// SKU-000003, of another security work order.
    BucketSku,
    /// SKU-000004, of a reliability work order.
    OtherBucketSku,
    /// Q1, the subject of the stopping ANDON-000005.
    SubjectWorkOrder,
    /// Q2, another queued security work order.
    BucketWorkOrder,
    /// R2, a queued reliability work order under a non-stopping andon.
    OtherBucketWorkOrder,
}

impl Target {
    fn sku(self) -> SkuId {
        match self {
            Self::SubjectSku => SkuId(1),
            Self::SiblingSku => SkuId(2),
            Self::BucketSku => SkuId(3),
            Self::OtherBucketSku => SkuId(4),
            _ => panic!("{self:?} is not a SKU"),
        }
    }

    fn work_order(self) -> WorkOrderId {
        match self {
            Self::SubjectWorkOrder => Q1,
            Self::BucketWorkOrder => Q2,
            Self::OtherBucketWorkOrder => R2,
            _ => panic!("{self:?} is not a work order"),
        }
    }

    fn bucket(self) -> Bucket {
        if self == Self::OtherBucketWorkOrder {
            Bucket::Reliability
        } else {
            Bucket::Security
        }
    }
}

/// An empty list of andons: the operation goes on.
const GOES: &[u64] = &[];

const SCOPES: [StopScope; 3] = [StopScope::Sku, StopScope::Bucket, StopScope::Line];

/// Per target, the andons that refuse it under scope sku, bucket and
/// line. ANDON-000001 is resolved and ANDON-000003/4 do not stop, so
/// they are never listed; ANDON-000006 stops the features bucket only,
/// so it shows up under scope line alone.
const COVERAGE: [(Target, [&[u64]; 3]); 7] = [
    (Target::SubjectSku, [&[2], &[2, 5], &[2, 5, 6]]),
    (Target::SiblingSku, [GOES, &[2, 5], &[2, 5, 6]]),
    (Target::BucketSku, [GOES, &[2, 5], &[2, 5, 6]]),
    (Target::OtherBucketSku, [GOES, GOES, &[2, 5, 6]]),
    (Target::SubjectWorkOrder, [&[5], &[2, 5], &[2, 5, 6]]),
    (Target::BucketWorkOrder, [GOES, &[2, 5], &[2, 5, 6]]),
    (Target::OtherBucketWorkOrder, [GOES, GOES, &[2, 5, 6]]),
];

/// A line under `scope` with `target` made ready for `op`, then these
/// andons raised at t0:
///
/// 1. manual on SKU-000001, resolved at once;
/// 2. manual on SKU-000001, stopping;
/// 3. `sla_breach` on R1 and 4. `sla_breach` on R2, not stopping;
/// 5. manual on Q1, stopping;
/// 6. manual on F1 (features), stopping.
fn coverage_line(scope: StopScope, op: Op, target: Target) -> Line {
    let mut config = Config::standard();
    config.andon.stop_scope = scope;
    let mut line = Line::new(config, T0).unwrap();
    let signals = [
        (SignalKind::Cve, "CVE-2026-0101"),
        (SignalKind::Cve, "CVE-2026-0102"),
        (SignalKind::MarketplaceRefund, "refund-0103"),
        (SignalKind::MarketplaceInstall, "install-0104"),
        (SignalKind::Cve, "CVE-2026-0105"),
        (SignalKind::Cve, "CVE-2026-0106"),
        (SignalKind::MarketplaceRefund, "refund-0107"),
    ];
    for (kind, source) in signals {
        line.intake(&Signal::new(kind, source, "demand"), T0)
            .unwrap();
    }
    for wo in [S1, S2, R1, F1] {
        line.start(wo, T0).unwrap();
    }
    for wo in [S1, S1, S2, R1] {
        line.create_sku(wo, None, None, T0).unwrap();
    }

    match op {
        Op::Transition => {
            walk(&mut line, target.sku(), "compilation");
            let evidence = passing(EvidenceKind::Compilation);
            evaluate(&mut line, target.sku(), "compilation", &evidence);
        }
        Op::Release => walk(&mut line, target.sku(), "publication"),
        Op::Publish => {
            walk(&mut line, target.sku(), "publication");
            line.release(target.sku(), T0).unwrap();
        }
        Op::Dequeue | Op::Next if target == Target::BucketWorkOrder => {
            line.reorder_queue(Bucket::Security, &[Q2, Q1], T0).unwrap();
        }
        Op::Start | Op::Dequeue | Op::Next => {}
    }

    raise_manual(&mut line, Subject::Sku(SkuId(1)), Severity::Low, T0);
    line.resolve(andon(1), &resolution(), T0).unwrap();
    raise_manual(&mut line, Subject::Sku(SkuId(1)), Severity::Low, T0);
    for wo in [R1, R2] {
        line.raise(request(Subject::WorkOrder(wo), FailureType::SlaBreach), T0)
            .unwrap();
    }
    raise_manual(&mut line, Subject::WorkOrder(Q1), Severity::Low, T0);
    raise_manual(&mut line, Subject::WorkOrder(F1), Severity::Low, T0);
    line
}

/// Runs `op` on `target` and checks it against `refused_by` (empty: the
/// operation goes on); a mismatch is returned as text.
fn check_operation(scope: StopScope, op: Op, target: Target, refused_by: &[u64]) -> Option<String> {
    let mut line = coverage_line(scope, op, target);
    let before = line.len();
    if op == Op::Next {
        return check_next(&mut line, scope, target, refused_by);
    }

    let result = match op {
        Op::Transition => line.transition(target.sku(), "test_execution", T0),
        Op::Release => line.release(target.sku(), T0),
        Op::Publish => line.publish(target.sku(), Some("registry"), T0),
        Op::Start => line.start(target.work_order(), T0),
        Op::Dequeue => line.dequeue(target.bucket(), T0).map(|started| {
            assert_eq!(started, Some(target.work_order()), "{scope:?} dequeue");
        }),
        Op::Next => unreachable!("checked above"),
    };

    let expected = if refused_by.is_empty() {
        Ok(())
    } else {
        Err(stopped(refused_by))
    };
    let appended = line.len() - before;
    let moved = moved(&line, op, target);
    let fits = if refused_by.is_empty() {
        appended >= 1 && moved
    } else {
        appended == 0 && !moved
    };
    (result != expected || !fits).then(|| {
        format!(
            "{scope:?} {op:?} {target:?}: got {result:?} appending {appended} \
             (moved: {moved}), expected {expected:?}"
        )
    })
}

/// Whether the operation's effect is visible on its target.
fn moved(line: &Line, op: Op, target: Target) -> bool {
    match op {
        Op::Transition => line.sku(target.sku()).unwrap().stage == "test_execution",
        Op::Release => line.sku(target.sku()).unwrap().status == SkuStatus::Released,
        Op::Publish => line.sku(target.sku()).unwrap().status == SkuStatus::Published,
        Op::Start | Op::Dequeue | Op::Next => {
            line.work_order(target.work_order()).unwrap().status == Status::InProgress
        }
    }
}

/// `next` never fails on a stopped head: it skips its bucket as
/// `line_stopped` and starts another bucket's head, or is `Idle` when
/// every head is covered (flow.md 11.1, 11.2).
fn check_next(
    line: &mut Line,
    scope: StopScope,
    target: Target,
    refused_by: &[u64],
) -> Option<String> {
    let before = line.len();
    let wo = target.work_order();
    let stopped_skip = Skipped {
        bucket: target.bucket(),
        reason: SkipReason::LineStopped,
    };

    let next = line.next(T0);

    let appended = line.len() - before;
    let fits = match (&next, refused_by.is_empty(), scope) {
        (
            Ok(Next::Started {
                work_order,
                decision,
            }),
            true,
            _,
        ) => {
            appended == 1
                && decision.heads.iter().any(|h| h.work_order == wo)
                && !decision.skipped.iter().any(|s| s.bucket == target.bucket())
                && line.work_order(*work_order).unwrap().status == Status::InProgress
        }
        // Under scopes sku and bucket the reliability head R2 stays
        // eligible, so it starts while the security bucket is skipped.
        (
            Ok(Next::Started {
                work_order,
                decision,
            }),
            false,
            StopScope::Sku | StopScope::Bucket,
        ) => {
            appended == 1
                && *work_order == R2
                && decision.skipped.contains(&stopped_skip)
                && !decision.heads.iter().any(|h| h.work_order == wo)
                && !moved(line, Op::Next, target)
        }
        (Ok(Next::Idle { skipped }), false, StopScope::Line) => {
            let stopped_buckets = [Bucket::Reliability, Bucket::Security];
            appended == 0
                && skipped.len() == Bucket::ALL.len()
                && skipped.iter().all(|s| {
                    let want = if stopped_buckets.contains(&s.bucket) {
                        SkipReason::LineStopped
                    } else {
                        SkipReason::Empty
                    };
                    s.reason == want
                })
        }
        _ => false,
    };
    (!fits).then(|| {
        format!(
            "{scope:?} Next {target:?}: got {next:?} appending {appended}, \
             expected refused by {refused_by:?}"
        )
    })
}

#[test]
fn every_refused_operation_meets_exactly_the_andons_of_its_scope() {
    let mut failures = Vec::new();
    let mut cases = 0;

    for (target, per_scope) in COVERAGE {
        let ops = match target {
            Target::SubjectSku
            | Target::SiblingSku
            | Target::BucketSku
            | Target::OtherBucketSku => SKU_OPS,
            _ => START_OPS,
        };
        for op in ops {
            for (scope, refused_by) in SCOPES.into_iter().zip(per_scope) {
                cases += 1;
                failures.extend(check_operation(scope, op, target, refused_by));
            }
        }
    }

    assert_eq!(cases, 63);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs `op` on `line`, returning its result and the number of receipts
/// it appended.
fn counted<T>(
    line: &mut Line,
    op: impl FnOnce(&mut Line) -> Result<T, Error>,
) -> (Result<(), Error>, u64) {
    let before = line.len();
    let result = op(line).map(drop);
    (result, line.len() - before)
}

#[test]
fn a_stopped_line_lets_completion_dependencies_andons_and_analyses_go_on() {
    // SKU-000003 is released before the andons are raised.
    let mut line = coverage_line(StopScope::Line, Op::Publish, Target::BucketSku);
    let now = T0 + 24 * H;
    let ok = (Ok(()), 1);

    let complete = counted(&mut line, |l| l.complete(S2, SkuId(3), now));
    let depend = counted(&mut line, |l| l.add_dependency(Q2, Q1, now));
    let release_dependents = counted(&mut line, |l| l.resolve_dependency(Q1, now));
    let ack = counted(&mut line, |l| l.acknowledge(andon(2), "alice", None, now));
    // ANDON-000005 (low) is 24 h old and unacknowledged: level 1 is due.
    let escalate = counted(&mut line, |l| l.escalate(andon(5), 1, now));
    let resolve = counted(&mut line, |l| l.resolve(andon(6), &resolution(), now));
    let rca = line
        .start_analysis(andon(2), "the build broke", now)
        .unwrap();
    let whys: Vec<_> = (1..=5)
        .map(|n| {
            counted(&mut line, |l| {
                l.set_why(rca, n, &format!("because {n}"), now)
            })
        })
        .collect();
    let finalize = counted(&mut line, |l| {
        l.finalize_analysis(rca, "a missing check", "add the check", now)
    });
    let add_item = counted(&mut line, |l| {
        l.add_action_item(rca, "add the check", "bob", now + D, now)
    });
    let verify_item = counted(&mut line, |l| {
        l.verify_action_item(rca, 1, Some("carol"), now)
    });

    assert_eq!(complete, ok, "complete");
    assert_eq!(line.work_order(S2).unwrap().status, Status::Completed);
    assert_eq!(depend, ok, "add_dependency");
    assert_eq!(release_dependents, ok, "resolve_dependency");
    assert_eq!(line.work_order(Q2).unwrap().status, Status::Queued);
    assert_eq!(ack, ok, "acknowledge");
    assert_eq!(escalate, ok, "escalate");
    assert_eq!(resolve, ok, "resolve");
    assert!(whys.iter().all(|w| *w == ok), "set_why: {whys:?}");
    assert_eq!(finalize, ok, "finalize_analysis");
    assert_eq!(add_item, ok, "add_action_item");
    assert_eq!(verify_item, ok, "verify_action_item");
    // The line stayed stopped throughout: what moves is still refused.
    assert_eq!(line.start(R2, now), Err(stopped(&[2, 5])));
    assert_replays(&line);
}
