//! Andon metrics: andon.md 9, worked examples.

mod andon_util;

use andon_util::*;
use tcps_core::andon::{
    DurationStats, FailureType, FailureTypeCounts, LoopClosure, Severity, SeverityCounts, SkuStop,
    Subject,
};
use tcps_core::flow::{Signal, SignalKind};
use tcps_core::id::SkuId;
use tcps_core::time::parse_rfc3339;
use tcps_core::{Error, Line, Timestamp};

const DAY: &str = "2026-01-26";

fn at(text: &str) -> Timestamp {
    parse_rfc3339(text).unwrap()
}

#[test]
fn a38_time_to_acknowledge_and_to_resolve_use_the_nearest_rank() {
    let mut line = setup();
    let x1 = raise_on_sku1(&mut line, FailureType::CoverageBelowThreshold, T0).andon;
    line.acknowledge(x1, "a", None, T0 + 5 * MIN).unwrap();
    line.resolve(x1, &resolution(), T0 + H).unwrap();
    let x2 = raise_on_sku1(&mut line, FailureType::PerformanceRegression, T0 + H).andon;
    line.acknowledge(x2, "a", None, T0 + H + 10 * MIN).unwrap();
    let x3 = raise_manual(&mut line, Subject::Sku(SKU1), Severity::Medium, T0 + 2 * H).andon;
    line.resolve(x2, &resolution(), T0 + 3 * H).unwrap();
    line.acknowledge(x3, "a", None, T0 + 3 * H).unwrap();

    let m = line.andon_metrics(DAY, DAY, T0 + 5 * H).unwrap();

    assert_eq!(m.raised, 3);
    assert_eq!(
        m.mtta,
        DurationStats {
            count: 3,
            p50_ms: Some(600_000),
            p85_ms: Some(3_600_000)
        }
    );
    assert_eq!(m.unacknowledged, 0);
    assert_eq!(
        m.time_to_resolve,
        DurationStats {
            count: 2,
            p50_ms: Some(3_600_000),
            p85_ms: Some(7_200_000)
        }
    );
    assert_eq!(m.open_now.total, 1);
    assert_eq!(m.open_now.by_severity.medium, 1);
}

#[test]
fn a39_line_stop_time_is_the_union_of_the_stopping_intervals() {
    let mut line = setup();
    let sku2 = line.create_sku(WO1, None, None, T0).unwrap();
    let sku3 = line.create_sku(WO1, None, None, T0).unwrap();
    let perf = FailureType::PerformanceRegression;
    let y1 = line
        .raise(request(Subject::Sku(SKU1), perf), T0)
        .unwrap()
        .andon;
    line.raise(request(Subject::WorkOrder(WO2), FailureType::SlaBreach), T0)
        .unwrap();
    let y2 = line
        .raise(request(Subject::Sku(sku2), perf), T0 + H)
        .unwrap()
        .andon;
    line.resolve(y1, &resolution(), T0 + 2 * H).unwrap();
    line.resolve(y2, &resolution(), T0 + 3 * H).unwrap();
    line.raise(request(Subject::Sku(sku3), perf), T0 + 4 * H)
        .unwrap();

    let m = line.andon_metrics(DAY, DAY, T0 + 5 * H).unwrap();

    assert_eq!(m.line_stop.line_ms, 14_400_000);
    let stop = |sku: SkuId, stopped_ms| SkuStop { sku, stopped_ms };
    assert_eq!(
        m.line_stop.per_sku,
        [
            stop(SKU1, 7_200_000),
            stop(sku2, 7_200_000),
            stop(sku3, 3_600_000)
        ]
    );
}

#[test]
fn a40_intervals_are_clipped_to_the_window() {
    let start = at("2026-01-25T23:00:00Z");
    let mut line = Line::standard(start).unwrap();
    let signal = Signal::new(SignalKind::Cve, "CVE-2026-0001", "overflow");
    let wo = line.intake(&signal, start).unwrap().work_order;
    line.start(wo, start).unwrap();
    let sku = line.create_sku(wo, None, None, start).unwrap();
    let z1 = line
        .raise(
            request(Subject::Sku(sku), FailureType::PerformanceRegression),
            start,
        )
        .unwrap()
        .andon;
    line.resolve(z1, &resolution(), at("2026-01-26T01:00:00Z"))
        .unwrap();

    let m = line
        .andon_metrics(DAY, DAY, at("2026-01-27T00:00:00Z"))
        .unwrap();

    assert_eq!(m.raised, 0);
    assert_eq!(m.line_stop.line_ms, 3_600_000);
    assert_eq!(m.mtta.count, 0);
    assert_eq!(m.mtta.p50_ms, None);
}

#[test]
fn a41_a_loop_is_closed_when_every_action_item_is_verified() {
    let mut line = setup();
    let r1 = raise_on_sku1(&mut line, FailureType::TestFailure, T0).andon;
    let r2 = raise_on_sku1(&mut line, FailureType::CompilationFailure, T0).andon;
    let r3 = raise_on_sku1(&mut line, FailureType::CoverageBelowThreshold, T0).andon;
    for (andon, verified) in [(r1, 2), (r2, 1)] {
        let rca = finalized_analysis(&mut line, andon, T0);
        for item in 1..=2 {
            line.add_action_item(rca, "do it", "alice", T0 + D, T0)
                .unwrap();
            if item <= verified {
                line.verify_action_item(rca, item, None, T0).unwrap();
            }
        }
    }
    for andon in [r1, r2, r3] {
        line.resolve(andon, &resolution(), T0 + H).unwrap();
    }

    let m = line.andon_metrics(DAY, DAY, T0 + 5 * H).unwrap();

    assert_eq!(
        m.rca_loop_closure,
        LoopClosure {
            closed: 1,
            resolved: 3,
            closure_bp: Some(3333)
        }
    );
}

#[test]
fn a42_counts_cover_every_type_and_severity() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    let mut smoke = request(Subject::Sku(SKU1), FailureType::TestFailure);
    smoke.stage = Some("smoke_test".into());
    line.raise(smoke, T0).unwrap();
    raise_manual(&mut line, Subject::WorkOrder(WO3), Severity::Low, T0);
    line.raise(request(Subject::WorkOrder(WO2), FailureType::SlaBreach), T0)
        .unwrap();

    let m = line.andon_metrics(DAY, DAY, T0 + H).unwrap();

    assert_eq!(
        m.by_type,
        FailureTypeCounts {
            test_failure: 2,
            manual: 1,
            sla_breach: 1,
            ..FailureTypeCounts::default()
        }
    );
    assert_eq!(
        m.by_severity,
        SeverityCounts {
            critical: 0,
            high: 3,
            medium: 0,
            low: 1
        }
    );
    assert_eq!(m.unacknowledged, 4);
    assert_eq!(m.rca_loop_closure.closure_bp, None);
}

#[test]
fn the_range_must_not_run_backwards() {
    let line = setup();

    let backwards = line.andon_metrics("2026-01-27", DAY, T0);

    assert_eq!(
        backwards,
        Err(Error::InvalidRange {
            from: "2026-01-27".into(),
            to: DAY.into()
        })
    );
    assert!(matches!(
        line.andon_metrics("2026-13-01", DAY, T0),
        Err(Error::InvalidField { .. })
    ));
}

#[test]
fn metrics_serialise_with_every_type_and_null_percentiles() {
    let line = setup();

    let m = line.andon_metrics(DAY, DAY, T0).unwrap();

    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(
        json["by_type"].as_object().map(serde_json::Map::len),
        Some(11)
    );
    assert_eq!(json["mtta"]["p50_ms"], serde_json::Value::Null);
    assert_eq!(
        json["rca_loop_closure"]["closure_bp"],
        serde_json::Value::Null
    );
}
