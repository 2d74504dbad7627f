//! Raising and dedup, and the SLA sweep: andon.md 5, worked examples
//! A-01 to A-08 and A-14 to A-16.

mod andon_util;

use std::collections::BTreeMap;

use andon_util::*;
use tcps_core::andon::{AndonStatus, FailureType, Raise, Severity, Subject, Trigger};
use tcps_core::flow::{Bucket, Signal, SignalKind};
use tcps_core::id::{SkuId, WorkOrderId};
use tcps_core::{Config, Error, Line, Value};

fn new(n: u64) -> Raise {
    Raise {
        andon: andon(n),
        repeated: false,
    }
}

fn repeated(n: u64) -> Raise {
    Raise {
        andon: andon(n),
        repeated: true,
    }
}

#[test]
fn a01_a_manual_raise_needs_a_severity() {
    let mut line = setup();
    let before = line.len();

    let refused = line.raise(request(Subject::Sku(SKU1), FailureType::Manual), T0);
    let raised = raise_manual(&mut line, Subject::Sku(SKU1), Severity::Low, T0);

    assert_eq!(
        refused,
        Err(Error::MissingField {
            field: "severity".into()
        })
    );
    assert_eq!(raised, new(1));
    let a = line.andon(andon(1)).unwrap();
    assert_eq!(a.stage.as_deref(), Some("test_execution"));
    assert_eq!(a.severity, Severity::Low);
    assert_eq!(a.trigger, Trigger::Manual);
    assert!(a.stops);
    assert_eq!(a.occurrences, 1);
    assert_eq!(a.bucket, Bucket::Security);
    assert_eq!(a.status, AndonStatus::Open);
    assert_eq!(kinds_since(&line, before), ["andon.raised"]);
}

#[test]
fn a02_failure_types_bring_their_default_severities() {
    let mut line = setup();

    raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    raise_on_sku1(&mut line, FailureType::CompilationFailure, T0);
    raise_on_sku1(&mut line, FailureType::CoverageBelowThreshold, T0);

    let severity = |n| line.andon(andon(n)).unwrap().severity;
    assert_eq!(severity(1), Severity::High);
    assert_eq!(severity(2), Severity::Critical);
    assert_eq!(severity(3), Severity::Medium);
}

#[test]
fn a03_a_given_severity_overrides_the_default() {
    let mut line = setup();
    let mut r = request(Subject::Sku(SKU1), FailureType::TestFailure);
    r.severity = Some(Severity::Critical);

    let raised = line.raise(r, T0);

    assert_eq!(raised, Ok(new(1)));
    assert_eq!(line.andon(andon(1)).unwrap().severity, Severity::Critical);
}

#[test]
fn a04_the_subject_and_the_stage_are_checked() {
    let mut line = setup();
    let before = line.len();

    let unknown = line.raise(
        request(Subject::Sku(SkuId(999_999)), FailureType::TestFailure),
        T0,
    );
    let mut bad_stage = request(Subject::Sku(SKU1), FailureType::TestFailure);
    bad_stage.stage = Some("deploy".into());
    let bad_stage = line.raise(bad_stage, T0);
    let mut wo_stage = request(Subject::WorkOrder(WO1), FailureType::TestFailure);
    wo_stage.stage = Some("testing".into());
    let wo_stage = line.raise(wo_stage, T0);

    assert_eq!(
        unknown,
        Err(Error::NotFound {
            kind: "sku".into(),
            id: "SKU-999999".into()
        })
    );
    assert_eq!(
        bad_stage,
        Err(Error::InvalidStage {
            value: "deploy".into()
        })
    );
    assert_eq!(
        wo_stage,
        Err(Error::InvalidField {
            field: "stage".into(),
            reason: "work-order andons have no stage".into()
        })
    );
    assert_eq!(line.len(), before);
}

#[test]
fn an_unknown_work_order_is_not_found() {
    let mut line = setup();

    let raised = line.raise(
        request(Subject::WorkOrder(WorkOrderId(42)), FailureType::SlaBreach),
        T0,
    );

    assert_eq!(
        raised,
        Err(Error::NotFound {
            kind: "work_order".into(),
            id: "WO-000042".into()
        })
    );
}

#[test]
fn a05_a_repeat_counts_an_occurrence_and_keeps_the_first_details() {
    let mut line = setup();
    let before = line.len();
    let mut again = request(Subject::Sku(SKU1), FailureType::TestFailure);
    again.details = BTreeMap::from([("test".to_owned(), "t_login".to_owned())]);

    let first = raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    let second = line.raise(again, T0 + 5 * MIN);

    assert_eq!(first, new(1));
    assert_eq!(second, Ok(repeated(1)));
    let a = line.andon(andon(1)).unwrap();
    assert_eq!(a.occurrences, 2);
    assert_eq!(a.last_raised_at, T0 + 5 * MIN);
    assert_eq!(a.raised_at, T0);
    assert!(a.details.is_empty());
    assert_eq!(
        kinds_since(&line, before),
        ["andon.raised", "andon.repeated"]
    );
    let body = last(&line).body;
    assert_eq!(body.get("occurrence"), Some(&Value::Int(2)));
    assert_eq!(
        body.get("details").and_then(|d| d.get("test")),
        Some(&Value::from("t_login"))
    );
    assert_replays(&line);
}

#[test]
fn a06_a_repeat_while_acknowledged_raises_the_severity_only() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CoverageBelowThreshold, T0);
    line.acknowledge(andon(1), "alice", None, T0).unwrap();
    let mut r = request(Subject::Sku(SKU1), FailureType::CoverageBelowThreshold);
    r.severity = Some(Severity::Critical);

    let raised = line.raise(r, T0 + MIN);

    assert_eq!(raised, Ok(repeated(1)));
    let a = line.andon(andon(1)).unwrap();
    assert_eq!(a.occurrences, 2);
    assert_eq!(a.severity, Severity::Critical);
    assert_eq!(a.status, AndonStatus::Acknowledged);
    let body = last(&line).body;
    assert_eq!(
        body.get("requested_severity"),
        Some(&Value::from("critical"))
    );
    assert_eq!(body.get("severity"), Some(&Value::from("critical")));
}

#[test]
fn a_lower_severity_on_repeat_keeps_the_higher_one() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    let mut r = request(Subject::Sku(SKU1), FailureType::TestFailure);
    r.severity = Some(Severity::Low);

    line.raise(r, T0).unwrap();

    assert_eq!(line.andon(andon(1)).unwrap().severity, Severity::High);
    let body = last(&line).body;
    assert_eq!(body.get("requested_severity"), Some(&Value::from("low")));
    assert_eq!(body.get("severity"), Some(&Value::from("high")));
}

#[test]
fn a07_the_same_key_opens_a_new_andon_after_resolution() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    finalized_analysis(&mut line, andon(1), T0);
    line.resolve(andon(1), &resolution(), T0).unwrap();

    let raised = line.raise(request(Subject::Sku(SKU1), FailureType::TestFailure), T0);

    assert_eq!(raised, Ok(new(2)));
    assert_replays(&line);
}

#[test]
fn a08_another_stage_is_another_andon() {
    let mut line = setup();
    let at = |stage: &str| {
        let mut r = request(Subject::Sku(SKU1), FailureType::TestFailure);
        r.stage = Some(stage.to_owned());
        r
    };

    let first = line.raise(at("test_execution"), T0);
    let second = line.raise(at("smoke_test"), T0);

    assert_eq!(first, Ok(new(1)));
    assert_eq!(second, Ok(new(2)));
}

#[test]
fn the_raised_receipt_holds_exactly_the_members_of_andon_md_11() {
    let mut line = setup();
    let mut r = request(Subject::Sku(SKU1), FailureType::PerformanceRegression);
    r.raised_by = Some("carol".into());

    line.raise(r, T0).unwrap();

    let receipt = last(&line);
    assert_eq!(receipt.subject, "ANDON-000001");
    assert_eq!(
        receipt.body.to_canonical_string(),
        concat!(
            r#"{"andon":"ANDON-000001","bucket":"security","details":{},"#,
            r#""failure_type":"performance_regression","gate":null,"gate_receipt":null,"#,
            r#""raised_by":"carol","severity":"medium","sku":"SKU-000001","#,
            r#""stage":"test_execution","stops":true,"subject":"SKU-000001","#,
            r#""subject_kind":"sku","trigger":"manual"}"#
        )
    );
}

#[test]
fn a_manual_sla_breach_stops_as_the_policy_says() {
    let mut line = setup_with(|p| p.sla_breach_stops = true);

    let r = request(Subject::WorkOrder(WO2), FailureType::SlaBreach);
    line.raise(r, T0).unwrap();

    let a = line.andon(andon(1)).unwrap();
    assert!(a.stops);
    assert_eq!(a.stage, None);
    assert_eq!(a.severity, Severity::High);
    assert_eq!(line.work_order(WO2).unwrap().sla_andon, None);
}

#[test]
fn a14_the_sla_sweep_raises_once_per_breached_work_order() {
    let mut line = setup();
    let before = line.len();

    let early = line.sla_sweep(T0 + 24 * H - 1);
    let due = line.sla_sweep(T0 + 24 * H);
    let after = line.len();
    let again = line.sla_sweep(T0 + 25 * H);

    assert_eq!(early, Ok(vec![]));
    assert_eq!(due, Ok(vec![new(1), new(2)]));
    assert_eq!(again, Ok(vec![]));
    assert_eq!(line.len(), after);
    assert_eq!(kinds_since(&line, before), ["andon.raised", "andon.raised"]);
    for (n, wo) in [(1, WO1), (2, WO2)] {
        let a = line.andon(andon(n)).unwrap();
        assert_eq!(a.failure_type, FailureType::SlaBreach);
        assert_eq!(a.severity, Severity::High);
        assert_eq!(a.subject, Subject::WorkOrder(wo));
        assert_eq!(a.stage, None);
        assert_eq!(a.trigger, Trigger::Sla);
        assert!(!a.stops);
        assert_eq!(a.details["deadline"], "1769508000000");
        assert_eq!(a.details["overdue_ms"], "0");
        assert_eq!(line.work_order(wo).unwrap().sla_andon, Some(andon(n)));
    }
    assert_eq!(line.work_order(WO3).unwrap().sla_andon, None);
    assert_replays(&line);
}

#[test]
fn a15_the_sweep_takes_open_work_orders_with_an_sla_by_deadline() {
    // A line without gates, so D can be released and completed quickly.
    let mut config = Config::standard();
    config.quality.gates.clear();
    let mut line = Line::new(config, T0 - 90 * D).unwrap();
    let take = |line: &mut Line, signal: Signal, at| line.intake(&signal, at).unwrap().work_order;
    let debt = Signal::new(SignalKind::InternalRequest, "debt-c", "clean up")
        .with_metadata("bucket", "technical_debt");
    let c = take(&mut line, debt, T0 - 90 * D);
    let b = take(
        &mut line,
        Signal::new(SignalKind::Cve, "CVE-B", "b"),
        T0 - H,
    );
    let a = take(&mut line, Signal::new(SignalKind::Cve, "CVE-A", "a"), T0);
    let d = take(&mut line, Signal::new(SignalKind::Cve, "CVE-D", "d"), T0);
    line.add_dependency(a, c, T0).unwrap();
    line.start(d, T0).unwrap();
    let sku = line.create_sku(d, None, None, T0).unwrap();
    let stages = line.config().stages().to_vec();
    for stage in &stages[1..] {
        line.transition(sku, stage, T0 + H).unwrap();
    }
    line.release(sku, T0 + H).unwrap();
    line.complete(d, sku, T0 + H).unwrap();

    let raises = line.sla_sweep(T0 + 30 * H).unwrap();

    let subjects: Vec<Subject> = raises
        .iter()
        .map(|r| line.andon(r.andon).unwrap().subject)
        .collect();
    assert_eq!(subjects, [Subject::WorkOrder(b), Subject::WorkOrder(a)]);
}

#[test]
fn a16_the_sweep_repeats_a_manual_sla_breach_and_links_it() {
    let mut line = setup();
    let r = request(Subject::WorkOrder(WO2), FailureType::SlaBreach);
    line.raise(r, T0).unwrap();
    let before = line.len();

    let raises = line.sla_sweep(T0 + 24 * H);

    assert_eq!(raises, Ok(vec![new(2), repeated(1)]));
    assert_eq!(line.work_order(WO1).unwrap().sla_andon, Some(andon(2)));
    assert_eq!(line.work_order(WO2).unwrap().sla_andon, Some(andon(1)));
    assert_eq!(
        kinds_since(&line, before),
        ["andon.raised", "andon.repeated"]
    );
    assert_eq!(line.andon(andon(1)).unwrap().trigger, Trigger::Manual);
    assert_replays(&line);
}

#[test]
fn a_work_order_is_swept_once_even_after_its_andon_is_resolved() {
    let mut line = setup();
    line.sla_sweep(T0 + 24 * H).unwrap();
    finalized_analysis(&mut line, andon(1), T0 + 24 * H);
    line.resolve(andon(1), &resolution(), T0 + 24 * H).unwrap();

    let again = line.sla_sweep(T0 + 48 * H);

    assert_eq!(again, Ok(vec![]));
}

#[test]
fn raising_on_a_cancelled_work_order_is_allowed() {
    let mut line = setup();
    line.cancel(WO3, "duplicate", T0).unwrap();

    let raised = raise_manual(&mut line, Subject::WorkOrder(WO3), Severity::Low, T0);

    assert_eq!(raised, new(1));
    assert_eq!(line.andon(andon(1)).unwrap().bucket, Bucket::Reliability);
}

#[test]
fn a_failed_raise_changes_nothing_and_time_must_not_go_back() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0 + H);
    let before = line.len();

    let back = line.raise(request(Subject::Sku(SKU1), FailureType::TestFailure), T0);

    assert!(matches!(back, Err(Error::NowBeforeLastReceipt { .. })));
    assert_eq!(line.len(), before);
    assert_eq!(line.andon(andon(1)).unwrap().occurrences, 1);
}
