//! flow.md 17.10 and 17.11: SKUs (F-71 to F-82) and refused
//! configurations (F-83).

mod flow_common;
mod quality_common;

use flow_common::{at, cve, kinds_since, last, member, sku, wo};
use quality_common::line::{D, H, T0, eval, next, pass, passing, resolve, walk};
use tcps_core::andon::{FailureType, RaiseRequest, Subject};
use tcps_core::flow::{SkuStatus, Status};
use tcps_core::id::{AndonId, SkuId};
use tcps_core::ingest::{self, Input, Limits, SarifSummary};
use tcps_core::quality::{Evidence, EvidenceKind, ShaclEvidence};
use tcps_core::value::Value;
use tcps_core::{Config, Error, Line};

/// A standard line with WO-000001 in progress and SKU-000001 at the
/// first stage.
fn line_with_sku() -> (Line, SkuId) {
    let mut line = Line::standard(T0).unwrap();
    let id = line.intake(&cve("CVE-1"), T0).unwrap().work_order;
    line.start(id, T0).unwrap();
    let s = line.create_sku(id, None, None, T0).unwrap();
    (line, s)
}

fn gate_not_passed(gate: &str, result: &str) -> Error {
    Error::GateNotPassed {
        sku: "SKU-000001".into(),
        gate: gate.into(),
        result: result.into(),
    }
}

fn transition(from: &str, op: &str) -> Error {
    Error::InvalidTransition {
        from: from.into(),
        op: op.into(),
    }
}

fn failing_shacl() -> Evidence {
    Evidence::Shacl(ShaclEvidence::Report {
        conforms: false,
        violations: vec!["bad".into()],
    })
}

#[test]
fn f71_a_sku_starts_at_the_first_stage_of_an_in_progress_work_order() {
    let mut line = Line::standard(T0).unwrap();
    let id = line.intake(&cve("CVE-1"), T0).unwrap().work_order;

    let queued = line.create_sku(id, None, None, T0);
    line.start(id, T0).unwrap();
    let s = line.create_sku(id, None, None, T0 + H).unwrap();

    assert_eq!(queued, Err(transition("queued", "create_sku")));
    assert_eq!(s, sku(1));
    let record = line.sku(s).unwrap();
    assert_eq!(
        (record.stage.as_str(), record.status),
        ("shacl_validation", SkuStatus::InProduction)
    );
    let history: Vec<(&str, i64)> = record
        .history
        .iter()
        .map(|e| (e.stage.as_str(), e.entered_at))
        .collect();
    assert_eq!(history, vec![("shacl_validation", T0 + H)]);
    assert_eq!(line.completion_bp(s), Ok(0));
    assert_eq!(line.work_order(id).unwrap().skus, vec![s]);
}

#[test]
fn f72_only_the_next_stage_of_the_line_can_be_entered() {
    let (mut line, s) = line_with_sku();
    pass(&mut line, s, T0);

    let skip = line.transition(s, "test_execution", T0);
    let unknown = line.transition(s, "deploy", T0);

    assert_eq!(
        skip,
        Err(Error::InvalidSequence {
            from: "shacl_validation".into(),
            to: "test_execution".into()
        })
    );
    assert_eq!(
        unknown,
        Err(Error::InvalidStage {
            value: "deploy".into()
        })
    );
}

#[test]
fn f73_leaving_a_stage_needs_a_passed_gate_and_no_stopping_andon() {
    let (mut line, s) = line_with_sku();

    let not_run = line.transition(s, "compilation", T0);
    let failed = eval(&mut line, s, "shacl_validation", &failing_shacl(), T0);
    let andon = failed.andon.unwrap();
    let stopped = line.transition(s, "compilation", T0);
    resolve(&mut line, andon, "schema drift", T0);
    let still_failed = line.transition(s, "compilation", T0);
    let passed = pass(&mut line, s, T0);
    line.transition(s, "compilation", T0).unwrap();

    assert_eq!(not_run, Err(gate_not_passed("shacl_validation", "not_run")));
    assert_eq!(
        stopped,
        Err(Error::LineStopped {
            andons: vec![andon.to_string()]
        })
    );
    assert_eq!(
        still_failed,
        Err(gate_not_passed("shacl_validation", "fail"))
    );
    assert_eq!(line.completion_bp(s), Ok(1000));
    let r = last(&line);
    assert_eq!(r.kind, "sku.stage_entered");
    assert_eq!(member(&r, "gate"), "\"shacl_validation\"");
    assert_eq!(member(&r, "gate_result"), "\"pass\"");
    assert_eq!(member(&r, "gate_receipt"), passed.seq.to_string());
}

#[test]
fn f74_an_andon_on_the_sku_stops_its_transition_until_resolved() {
    let (mut line, s) = line_with_sku();
    walk(&mut line, s, "compilation", T0);
    pass(&mut line, s, T0 + H);
    let raised = line
        .raise(
            RaiseRequest::new(Subject::Sku(s), FailureType::Manual).with_high(),
            T0 + H,
        )
        .unwrap();

    let stopped = line.transition(s, "test_execution", T0 + H);
    resolve(&mut line, raised.andon, "flaky host", T0 + H);
    let after = line.transition(s, "test_execution", T0 + H);

    assert_eq!(
        stopped,
        Err(Error::LineStopped {
            andons: vec!["ANDON-000001".into()]
        })
    );
    assert_eq!(after, Ok(()));
}

trait High {
    fn with_high(self) -> RaiseRequest;
}

impl High for RaiseRequest {
    fn with_high(mut self) -> RaiseRequest {
        self.severity = Some(tcps_core::andon::Severity::High);
        self
    }
}

fn osv_unknown() -> Vec<tcps_core::ingest::OsvSummary> {
    let bytes = quality_common::data("osv", "google-osv-scanner__GO-2023-2382.json");
    ingest::osv(Input::new("osv", &bytes), &Limits::default()).unwrap()
}

#[test]
fn f75_a_warn_result_lets_the_sku_go_on() {
    let mut line = quality_common::line::line_with_skus(2);
    let now = walk(&mut line, sku(1), "smoke_test", T0);
    walk(&mut line, sku(2), "security_scan", now);
    let smoke = Evidence::Smoke(Some(quality_common::line::tests(2, &["a::b"])));
    let security = Evidence::Security {
        sarif: Some(SarifSummary::default()),
        advisories: Some(osv_unknown()),
        secrets: Some(SarifSummary::default()),
    };

    eval(&mut line, sku(1), "smoke_test", &smoke, T0 + D);
    line.transition(sku(1), "marketplace_validation", T0 + D)
        .unwrap();
    let first = last(&line);
    eval(&mut line, sku(2), "security_scan", &security, T0 + D);
    line.transition(sku(2), "deterministic_build", T0 + D)
        .unwrap();
    let second = last(&line);

    assert_eq!(member(&first, "gate_result"), "\"warn\"");
    assert_eq!(member(&second, "gate_result"), "\"warn\"");
}

/// The standard gates plus `marketplace_review` on `marketplace_validation`.
fn with_review_gate(config: &Config) -> Config {
    let mut v = config.to_value();
    let Value::Array(gates) = at(&mut v, "gates") else {
        panic!("gates")
    };
    let review = tcps_core::value::parse(
        br#"{"name":"marketplace_review","stage":"marketplace_validation","kind":"history",
        "severity":"medium","blocking":true,"andon_type":"none","allow_skip":false,
        "conditions":[],"history_days":7}"#,
    )
    .unwrap();
    gates.push(review);
    Config::from_value(&v).unwrap()
}

#[test]
fn f76_release_needs_the_last_stage_and_every_gate_passed() {
    let (mut line, s) = line_with_sku();
    let now = walk(&mut line, s, "marketplace_validation", T0);

    let early = line.release(s, now);
    next(&mut line, s, now);
    let config = with_review_gate(line.config());
    line.change_config(config, "a review before publication", now)
        .unwrap();
    let late_gate = line.release(s, now);

    assert_eq!(
        early,
        Err(Error::PipelineIncomplete {
            sku: "SKU-000001".into(),
            stage: "marketplace_validation".into()
        })
    );
    assert_eq!(
        late_gate,
        Err(gate_not_passed("marketplace_review", "not_run"))
    );
}

#[test]
fn f77_only_a_released_sku_is_published() {
    let (mut line, s) = line_with_sku();
    let now = walk(&mut line, s, "publication", T0);

    assert_eq!(
        line.publish(s, None, now),
        Err(transition("in_production", "publish"))
    );
}

#[test]
fn f78_publishing_completes_the_work_order() {
    let (mut line, s) = line_with_sku();
    let now = walk(&mut line, s, "publication", T0);
    line.release(s, now).unwrap();
    let from = line.len();

    line.publish(s, Some("https://example.com/p/1"), now)
        .unwrap();

    let record = line.sku(s).unwrap();
    assert_eq!(
        (record.status, record.location.as_deref()),
        (SkuStatus::Published, Some("https://example.com/p/1"))
    );
    assert_eq!(line.completion_bp(s), Ok(10_000));
    let w = line.work_order(wo(1)).unwrap();
    assert_eq!((w.status, w.sku_id), (Status::Completed, Some(s)));
    assert_eq!(
        kinds_since(&line, from),
        vec!["sku.published", "work_order.completed"]
    );
    let published = line.log().get(from).cloned().unwrap();
    assert_eq!(member(&published, "completes_work_order"), "true");
    assert_eq!(member(&last(&line), "trigger"), "\"publish\"");
    flow_common::assert_replays(&line);
}

#[test]
fn f79_published_skus_cannot_be_aborted_but_released_ones_can() {
    let mut line = quality_common::line::line_with_skus(2);
    let mut now = T0;
    for s in [sku(1), sku(2)] {
        now = walk(&mut line, s, "publication", now);
        line.release(s, now).unwrap();
    }
    line.publish(sku(1), None, T0 + D).unwrap();

    let published = line.abort(sku(1), "too late", T0 + D);
    line.abort(sku(2), "superseded", T0 + D).unwrap();

    assert_eq!(published, Err(transition("published", "abort")));
    assert_eq!(line.sku(sku(2)).unwrap().status, SkuStatus::Aborted);
}

#[test]
fn f80_receipt_completeness_lists_unpassed_gates_and_the_unreached_end() {
    let (mut line, s) = line_with_sku();

    let fresh = line.receipt_completeness(s, None).unwrap();
    let mid = walk(&mut line, s, "release_verification", T0);
    let through = line
        .receipt_completeness(s, Some("release_verification"))
        .unwrap();
    walk(&mut line, s, "publication", mid);
    let done = line.receipt_completeness(s, None).unwrap();

    assert_eq!(
        fresh.missing,
        [
            "shacl_validation",
            "compilation",
            "test_execution",
            "security_scan",
            "deterministic_build",
            "quality_metrics",
            "release_verification",
            "smoke_test",
            "publication"
        ]
    );
    assert!(!fresh.complete);
    assert!(through.complete && through.missing.is_empty());
    assert!(done.complete && done.missing.is_empty());
    assert_eq!(
        line.receipt_completeness(s, Some("deploy")),
        Err(Error::InvalidStage {
            value: "deploy".into()
        })
    );
}

#[test]
fn f81_production_metrics_count_skus_by_status() {
    let mut line = quality_common::line::line_with_skus(2);
    let empty = Line::standard(T0).unwrap().production_metrics();
    let now = walk(&mut line, sku(1), "publication", T0);
    line.release(sku(1), now).unwrap();
    line.publish(sku(1), None, now).unwrap();
    line.abort(sku(2), "dropped", now).unwrap();

    let m = line.production_metrics();

    assert_eq!(
        (
            m.total,
            m.in_production,
            m.released,
            m.published,
            m.aborted,
            m.success_bp
        ),
        (2, 0, 0, 1, 1, 5000)
    );
    assert_eq!(empty.success_bp, 0);
}

#[test]
fn f82_a_sku_records_its_commit_time_and_the_andon_it_fixes() {
    let mut line = Line::standard(T0).unwrap();
    let id = line.intake(&cve("CVE-1"), T0).unwrap().work_order;
    line.start(id, T0).unwrap();
    line.raise(
        RaiseRequest::new(Subject::WorkOrder(id), FailureType::Manual).with_high(),
        T0,
    )
    .unwrap();

    let s = line
        .create_sku(id, Some(T0 - 2 * H), Some(AndonId(1)), T0)
        .unwrap();
    let body = last(&line).body.to_canonical_string();
    let unknown = line.create_sku(id, None, Some(AndonId(9)), T0);

    assert_eq!(s, sku(1));
    assert_eq!(
        body,
        r#"{"commit_at":1769414400000,"fixes":"ANDON-000001","sku":"SKU-000001","stage":"shacl_validation","work_order":"WO-000001"}"#
    );
    assert_eq!(
        unknown,
        Err(Error::NotFound {
            kind: "andon".into(),
            id: "ANDON-000009".into()
        })
    );
}

fn refused(line: &mut Line, edit: impl FnOnce(&mut Value)) -> Error {
    let mut v = line.config().to_value();
    edit(&mut v);
    let before = line.len();
    let result = Config::from_value(&v).and_then(|c| line.change_config(c, "try", T0 + D));
    assert_eq!(
        line.len(),
        before,
        "a refused configuration appends nothing"
    );
    result.unwrap_err()
}

fn invalid_config(field: &str, reason: &str) -> Error {
    Error::InvalidConfig {
        field: field.into(),
        reason: reason.into(),
    }
}

#[test]
fn f83_broken_configurations_are_refused_with_their_field() {
    let (mut line, s) = line_with_sku();
    walk(&mut line, s, "marketplace_validation", T0);

    let sla = refused(&mut line, |v| {
        *at(v, "buckets.security.sla_hours") = Value::Int(0);
    });
    let rule = refused(&mut line, |v| {
        *at(v, "routing.rules.cve.bucket") = "by_severity".into();
    });
    let cve = refused(&mut line, |v| {
        let Value::Object(map) = at(v, "routing.cve_priority") else {
            panic!()
        };
        map.remove("none");
    });
    let unlimited = refused(&mut line, |v| {
        *at(v, "buckets.features.wip_mode") = "unlimited".into();
        *at(v, "buckets.features.wip_limit") = Value::Int(10);
    });
    let stages = refused(&mut line, |v| {
        let Value::Array(list) = at(v, "stages") else {
            panic!()
        };
        list.retain(|s| s.as_str() != Some("marketplace_validation"));
        *at(v, "gates") = Value::Array(Vec::new());
    });

    assert!(
        matches!(sla, Error::InvalidConfig { ref field, .. } if field == "buckets.security.sla_hours")
    );
    assert!(
        matches!(rule, Error::InvalidConfig { ref field, .. } if field == "routing.rules.cve.bucket")
    );
    assert!(
        matches!(cve, Error::InvalidConfig { ref field, .. } if field == "routing.cve_priority")
    );
    assert!(
        matches!(unlimited, Error::InvalidConfig { ref field, .. } if field == "buckets.features.wip_limit")
    );
    assert_eq!(stages, invalid_config("stages", "stage in use"));
}

#[test]
fn f83_alias_keys_are_normalised_and_must_stay_unique() {
    let mut v = Config::standard().to_value();
    *at(&mut v, "routing.label_aliases. SEC ") = "security".into();
    let mut clash = Config::standard().to_value();
    *at(&mut clash, "routing.label_aliases.Sec") = "security".into();
    *at(&mut clash, "routing.label_aliases.sec") = "security".into();

    let logged = Config::from_value(&v).unwrap().to_value();
    let refused = Config::from_value(&clash);

    assert_eq!(
        logged
            .get("routing")
            .unwrap()
            .get("label_aliases")
            .unwrap()
            .get("sec"),
        Some(&Value::from("security"))
    );
    assert!(
        matches!(refused, Err(Error::InvalidConfig { ref field, .. }) if field == "routing.label_aliases")
    );
}

#[test]
fn a_sku_whose_work_order_is_cancelled_is_aborted_but_its_gate_results_stay() {
    let (mut line, s) = line_with_sku();
    eval(
        &mut line,
        s,
        "shacl_validation",
        &passing(EvidenceKind::Shacl),
        T0,
    );

    line.cancel(wo(1), "not needed", T0).unwrap();

    assert_eq!(line.sku(s).unwrap().status, SkuStatus::Aborted);
    assert_eq!(
        line.transition(s, "compilation", T0),
        Err(transition("aborted", "transition"))
    );
}
