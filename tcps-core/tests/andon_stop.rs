//! Stopping the line: andon.md 6, worked examples. An open
//! andon refuses exactly the operations its scope names.

mod andon_util;

use andon_util::*;
use tcps_core::andon::{FailureType, Proceed, Severity, StopScope, Subject};
use tcps_core::flow::{Bucket, Next, Signal, SignalKind, SkipReason, Skipped};
use tcps_core::id::{AndonId, SkuId, WorkOrderId};
use tcps_core::quality::EvalOptions;
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
