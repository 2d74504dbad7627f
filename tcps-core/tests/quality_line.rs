//! Gates on the line: evaluation, skips, andons, the ledger, the stage
//! exit rule and the `gate.evaluated` receipt (quality.md 5, 6, 10.2 and
//! 10.3: Q-9, Q-11, Q-13 to Q-15, Q-19, Q-31 to Q-34, Q-37 to Q-42).

mod quality_common;

use tcps_core::andon::{FailureType, Severity};
use tcps_core::error::Error;
use tcps_core::id::{AndonId, SkuId};
use tcps_core::ingest::{self, Input};
use tcps_core::quality::{
    Actual, EvalOptions, Evidence, EvidenceKind, ExitGateStatus, ExitReason, GateStatus, Note,
    SbomEvidence, ShaclEvidence, Verdict,
};
use tcps_core::value::Value;
use tcps_core::{Config, Line, Receipt, Timestamp};

use quality_common::line::{
    H, MIN, T0, coverage, eval, fixture_k, k, line_with_skus, next, pass, passing, resolve, tests,
    walk,
};
use quality_common::{
    COBERTURA_LOW, JUNIT_FAIL, JUNIT_PASS, LCOV_TEST, cobertura, data, junit, lcov,
};

const SKU1: SkuId = SkuId(1);
const SKU2: SkuId = SkuId(2);

fn receipt(line: &Line, seq: u64) -> Receipt {
    line.log()
        .get(seq)
        .cloned()
        .expect("the line keeps its receipts")
}

fn last(line: &Line) -> Receipt {
    receipt(line, line.len() - 1)
}

#[test]
fn q9_a_failing_smoke_run_raises_nothing_and_lets_the_sku_leave() {
    let mut line = line_with_skus(1);
    let now = walk(&mut line, SKU1, "smoke_test", T0);
    let before = line.len();

    let r = eval(
        &mut line,
        SKU1,
        "smoke_test",
        &Evidence::Smoke(Some(tests(2, &["a::b"]))),
        now,
    );

    assert_eq!(
        (r.outcome, r.downgraded, r.andon),
        (Verdict::Warn, true, None)
    );
    assert_eq!(r.conditions[0].verdict, Verdict::Fail);
    assert_eq!(line.len(), before + 1, "no andon receipt");
    assert_eq!(last(&line).body.get("downgraded"), Some(&Value::Bool(true)));
    let exit = line.can_leave_stage(SKU1, now).unwrap();
    assert!(exit.allowed);
    assert_eq!(exit.gate_status, ExitGateStatus::Warned);
}

#[test]
fn q11_shacl_violations_raise_a_critical_andon_after_the_gate_receipt() {
    let mut line = line_with_skus(1);
    let evidence = Evidence::Shacl(ShaclEvidence::Report {
        conforms: false,
        violations: vec!["v1".into(), "v2".into()],
    });

    let r = eval(&mut line, SKU1, "shacl_validation", &evidence, T0);

    assert_eq!(r.outcome, Verdict::Fail);
    assert_eq!(r.andon, Some(AndonId(1)));
    let andon = line.andon(AndonId(1)).unwrap();
    assert_eq!(andon.failure_type, FailureType::ShaclViolation);
    assert_eq!(andon.severity, Severity::Critical);
    assert_eq!(andon.stage.as_deref(), Some("shacl_validation"));
    assert_eq!(andon.gate.as_deref(), Some("shacl_validation"));
    assert_eq!(andon.gate_receipt, Some(r.seq));
    let details: Vec<_> = andon
        .details
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        details,
        [("failed", "shacl_violations"), ("gate", "shacl_validation")]
    );
    let gate_receipt = receipt(&line, r.seq);
    let andon_receipt = receipt(&line, r.seq + 1);
    assert_eq!(
        (gate_receipt.kind.as_str(), gate_receipt.more),
        ("gate.evaluated", 1)
    );
    assert_eq!(
        (andon_receipt.kind.as_str(), andon_receipt.more),
        ("andon.raised", 0)
    );
    assert_eq!(
        gate_receipt.body.get("andon"),
        Some(&Value::from("ANDON-000001"))
    );
}

#[test]
fn q13_a_missing_validator_fails_and_raises_a_shacl_andon() {
    let mut line = line_with_skus(1);

    let r = eval(
        &mut line,
        SKU1,
        "shacl_validation",
        &Evidence::Shacl(ShaclEvidence::Unavailable),
        T0,
    );

    let body = receipt(&line, r.seq).body;
    let condition = &body.get("conditions").unwrap().as_array().unwrap()[0];
    assert_eq!(
        condition.get("note"),
        Some(&Value::from("validator_unavailable"))
    );
    assert_eq!(condition.get("actual"), Some(&Value::Null));
    assert_eq!(body.get("summary"), Some(&Value::object()));
    let andon = line.andon(r.andon.unwrap()).unwrap();
    assert_eq!(andon.failure_type, FailureType::ShaclViolation);
}

#[test]
fn q14_an_explicit_skip_is_a_manual_warn_that_lets_the_sku_leave() {
    let mut line = line_with_skus(1);

    let r = line
        .skip_gate(SKU1, "shacl_validation", "  no ontology for this SKU ", T0)
        .unwrap();

    assert_eq!(
        (r.outcome, r.attempt, r.first_pass),
        (Verdict::Warn, 1, true)
    );
    let body = last(&line).body;
    assert_eq!(body.get("outcome"), Some(&Value::from("warn")));
    assert_eq!(
        body.get("skipped"),
        Some(&Value::from("no ontology for this SKU"))
    );
    assert_eq!(body.get("conditions"), Some(&Value::Array(vec![])));
    assert_eq!(body.get("summary"), Some(&Value::object()));
    assert_eq!(body.get("sources"), Some(&Value::Array(vec![])));
    assert_eq!(body.get("manual"), Some(&Value::Bool(true)));
    assert_eq!(body.get("first_pass"), Some(&Value::Bool(true)));
    assert_eq!(body.get("andon"), Some(&Value::Null));
    assert_eq!(body.get("kind"), Some(&Value::from("shacl")));
    assert_eq!(
        line.gate_status(SKU1, "shacl_validation"),
        GateStatus::Warned { n: 1 }
    );
    assert!(line.can_leave_stage(SKU1, T0).unwrap().allowed);
}

#[test]
fn q15_refused_skips_leave_no_receipt() {
    let mut line = line_with_skus(2);
    let now = walk(&mut line, SKU1, "compilation", T0);
    let before = line.len();

    let not_allowed = line.skip_gate(SKU1, "compilation", "x", now);
    let empty = line.skip_gate(SKU2, "shacl_validation", "   ", now);
    let elsewhere = line.skip_gate(SKU2, "compilation", "x", now);

    assert!(matches!(not_allowed, Err(Error::SkipNotAllowed { gate }) if gate == "compilation"));
    assert!(matches!(empty, Err(Error::EmptySkipReason { gate }) if gate == "shacl_validation"));
    assert!(matches!(
        elsewhere,
        Err(Error::GateStageMismatch { gate, expected, actual })
            if gate == "compilation" && expected == "compilation" && actual == "shacl_validation"
    ));
    assert_eq!(line.len(), before);
}

#[test]
fn q19_coverage_alone_raises_a_medium_coverage_andon() {
    let mut line = line_with_skus(1);
    let now = walk(&mut line, SKU1, "test_execution", T0);
    let evidence = Evidence::Tests {
        tests: Some(junit(JUNIT_PASS)),
        coverage: Some(cobertura(COBERTURA_LOW)),
    };

    let r = eval(&mut line, SKU1, "test_execution", &evidence, now);

    let andon = line.andon(r.andon.unwrap()).unwrap();
    assert_eq!(andon.failure_type, FailureType::CoverageBelowThreshold);
    assert_eq!(andon.severity, Severity::Medium);
    assert_eq!(
        andon.details.get("failed").map(String::as_str),
        Some("line_coverage")
    );
}

#[test]
fn q25_a_security_warn_raises_no_andon_and_lets_the_sku_leave() {
    let mut line = line_with_skus(1);
    let now = walk(&mut line, SKU1, "security_scan", T0);
    let evidence = Evidence::Security {
        sarif: Some(ingest::SarifSummary {
            warning: 6,
            ..Default::default()
        }),
        advisories: Some(Vec::new()),
        secrets: Some(ingest::SarifSummary::default()),
    };
    let before = line.len();

    let r = eval(&mut line, SKU1, "security_scan", &evidence, now);

    assert_eq!(
        (r.outcome, r.downgraded, r.andon),
        (Verdict::Warn, false, None)
    );
    assert_eq!(line.len(), before + 1);
    assert!(line.can_leave_stage(SKU1, now).unwrap().allowed);
}

#[test]
fn q31_quality_metrics_on_fixture_k_fails_on_all_three_ratios() {
    let mut line = fixture_k();
    let now = k(26, 0, 0);
    line.change_config(Config::standard(), "restore the quality thresholds", now)
        .unwrap();
    let policy_seq = line.len() - 1;

    let r = eval(
        &mut line,
        SkuId(5),
        "quality_metrics",
        &Evidence::History,
        now,
    );

    let rows: Vec<_> = r
        .conditions
        .iter()
        .map(|c| (c.metric.as_str(), c.actual, c.verdict))
        .collect();
    assert_eq!(
        rows,
        [
            ("first_pass_yield", Actual::ratio(3, 5), Verdict::Fail),
            ("defect_rate", Actual::ratio(4, 5), Verdict::Fail),
            ("gate_pass_rate", Actual::ratio(45, 48), Verdict::Fail),
        ]
    );
    assert_eq!(Actual::ratio(45, 48).unwrap().bp(), Some(9375));
    assert_eq!(r.outcome, Verdict::Fail);
    let andon = line.andon(r.andon.unwrap()).unwrap();
    assert_eq!(
        (andon.failure_type, andon.severity),
        (FailureType::QualityRegression, Severity::High)
    );
    assert_eq!(
        r.summary.to_canonical_string(),
        format!(
            concat!(
                r#"{{"counts":{{"andons":4,"evaluations":48,"evaluations_passed":45,"first_pass":3,"#,
                r#""published":5,"skus_evaluated":6,"skus_reworked":3}},"#,
                r#""window":{{"end":{},"start":{}}}}}"#
            ),
            now + 1,
            now - 30 * 86_400_000 + 1
        )
    );
    assert_eq!(
        receipt(&line, r.seq).body.get("policy_seq"),
        Some(&Value::Int(policy_seq as i64))
    );
}

#[test]
fn q32_quality_metrics_without_history_passes_on_the_gates_so_far() {
    let mut line = line_with_skus(1);
    let now = walk(&mut line, SKU1, "quality_metrics", T0);

    let r = eval(&mut line, SKU1, "quality_metrics", &Evidence::History, now);

    let rows: Vec<_> = r
        .conditions
        .iter()
        .map(|c| (c.metric.as_str(), c.actual, c.verdict, c.note))
        .collect();
    assert_eq!(
        rows,
        [
            ("first_pass_yield", None, Verdict::Pass, Some(Note::NoData)),
            ("defect_rate", None, Verdict::Pass, Some(Note::NoData)),
            ("gate_pass_rate", Actual::ratio(5, 5), Verdict::Pass, None),
        ]
    );
    assert_eq!(r.outcome, Verdict::Pass);

    let body = receipt(&line, r.seq).body;
    let notes: Vec<_> = body
        .get("conditions")
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.get("note").cloned())
        .collect();
    assert_eq!(
        notes,
        [
            Some(Value::from("no_data")),
            Some(Value::from("no_data")),
            Some(Value::Null),
        ]
    );
}

fn release_sbom(expressions: &[&str]) -> SbomEvidence {
    let components: Vec<String> = expressions
        .iter()
        .enumerate()
        .map(|(i, e)| format!(r#"{{"name":"c{i}","licenses":[{{"expression":"{e}"}}]}}"#))
        .collect();
    let bom = format!(
        r#"{{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{}]}}"#,
        components.join(",")
    );
    SbomEvidence::from_input(Input::new("bom.json", bom.as_bytes()))
}

#[test]
fn q33_a_release_with_every_stage_passed_and_an_intact_log_is_verified() {
    let mut line = line_with_skus(1);
    let now = walk(&mut line, SKU1, "release_verification", T0);
    let evidence = Evidence::Release {
        artifact: Some(tcps_core::Digest::of(b"artifact")),
        lock: Some(tcps_core::Digest::of(b"lock")),
        sbom: release_sbom(&["MIT", "Apache-2.0", "MIT OR Apache-2.0"]),
    };

    let r = eval(&mut line, SKU1, "release_verification", &evidence, now);

    assert_eq!(r.conditions[0].actual, Some(Actual::Count(0)));
    assert_eq!(r.outcome, Verdict::Pass);
    let checks = r.summary.get("checks").unwrap().to_canonical_string();
    assert!(!checks.contains("false"), "{checks}");
}

#[test]
fn q34_an_unlicensed_sbom_and_no_lock_file_raise_missing_receipt() {
    let file = "XAMPPRocky-octocrab__repos_sbom_tests_report.json";
    let mut line = line_with_skus(1);
    let now = walk(&mut line, SKU1, "release_verification", T0);
    let evidence = Evidence::Release {
        artifact: Some(tcps_core::Digest::of(b"artifact")),
        lock: None,
        sbom: SbomEvidence::from_input(Input::new(file, &data("sbom", file))),
    };

    let r = eval(&mut line, SKU1, "release_verification", &evidence, now);

    assert_eq!(r.conditions[0].actual, Some(Actual::Count(2)));
    let andon = line.andon(r.andon.unwrap()).unwrap();
    assert_eq!(
        (andon.failure_type, andon.severity),
        (FailureType::MissingReceipt, Severity::High)
    );
    assert_eq!(r.sources[0].name, file);
}

#[test]
fn the_release_check_names_gated_stages_without_a_passed_result() {
    let mut line = line_with_skus(1);
    let now = walk(&mut line, SKU1, "release_verification", T0);
    let mut renamed = Config::standard();
    renamed.quality.gates[1].name = "build".into();
    line.change_config(renamed, "rename the compilation gate", now)
        .unwrap();

    let r = eval(
        &mut line,
        SKU1,
        "release_verification",
        &passing(EvidenceKind::Release),
        now,
    );

    assert_eq!(r.outcome, Verdict::Fail);
    assert_eq!(
        r.summary.get("violations").unwrap().to_canonical_string(),
        r#"[{"check":"receipt_chain","detail":{"missing":["compilation"]},"reason":"incomplete"}]"#
    );
}

/// A line opened at 01-20 09:00 with SKU-000002 at `test_execution` since
/// 10:30, as in fixture K.
fn q37_line() -> Line {
    let mut line = Line::standard(k(20, 9, 0)).unwrap();
    for n in 1..=2 {
        let wo = quality_common::line::intake(
            &mut line,
            tcps_core::flow::SignalKind::MarketplaceInstall,
            &format!("install-{n}"),
            k(20, 9, 0),
        );
        line.start(wo, k(20, 9, 0)).unwrap();
        line.create_sku(wo, None, None, k(20, 9, 0)).unwrap();
    }
    walk(&mut line, SKU2, "test_execution", k(20, 10, 23));
    line
}

fn failing_tests() -> Evidence {
    Evidence::Tests {
        tests: Some(tests(3, &["api::test_login"])),
        coverage: Some(coverage()),
    }
}

#[test]
fn q37_fail_andon_fix_pass() {
    let mut line = q37_line();

    let first = eval(
        &mut line,
        SKU2,
        "test_execution",
        &failing_tests(),
        k(20, 11, 0),
    );
    let stopped = line.can_leave_stage(SKU2, k(20, 12, 0)).unwrap();
    resolve(&mut line, AndonId(1), "Flaky network mock", k(20, 14, 0));
    let resolved = line.can_leave_stage(SKU2, k(20, 14, 15)).unwrap();
    let second = pass(&mut line, SKU2, k(20, 14, 30));
    let free = line.can_leave_stage(SKU2, k(20, 14, 31)).unwrap();

    assert_eq!(
        (first.attempt, first.outcome, first.andon),
        (1, Verdict::Fail, Some(AndonId(1)))
    );
    assert!(!stopped.allowed);
    assert_eq!(
        stopped.reasons,
        [ExitReason::GateFailed, ExitReason::LineStopped]
    );
    assert_eq!(stopped.stopping_andons, [AndonId(1)]);
    assert_eq!(stopped.failed_conditions, ["test_pass_rate"]);
    assert_eq!(resolved.reasons, [ExitReason::GateFailed]);
    assert_eq!((second.attempt, second.outcome), (2, Verdict::Pass));
    assert!(free.allowed);
    assert_eq!(
        (free.gate_status, free.attempt),
        (ExitGateStatus::Passed, Some(2))
    );
    assert_eq!(free.next_stage.as_deref(), Some("security_scan"));
    assert_eq!(line.gate_first_pass(SKU2, "test_execution"), Some(false));
    line.transition(SKU2, "security_scan", k(20, 14, 40))
        .unwrap();
}

#[test]
fn q38_a_gate_not_run_keeps_the_sku_in_its_stage() {
    let mut line = line_with_skus(1);
    let now = walk(&mut line, SKU1, "compilation", T0);

    let exit = line.can_leave_stage(SKU1, now).unwrap();

    assert!(!exit.allowed);
    assert_eq!(exit.gate.as_deref(), Some("compilation"));
    assert_eq!(
        (exit.gate_status, exit.attempt),
        (ExitGateStatus::NotRun, None)
    );
    assert_eq!(exit.reasons, [ExitReason::GateNotRun]);
    assert!(matches!(
        line.transition(SKU1, "test_execution", now),
        Err(Error::GateNotPassed { result, .. }) if result == "not_run"
    ));
}

#[test]
fn q39_the_latest_attempt_wins() {
    let mut line = line_with_skus(1);
    let now = walk(&mut line, SKU1, "test_execution", T0);

    pass(&mut line, SKU1, now);
    eval(
        &mut line,
        SKU1,
        "test_execution",
        &failing_tests(),
        now + MIN,
    );

    assert_eq!(
        line.gate_status(SKU1, "test_execution"),
        GateStatus::Failed { n: 2 }
    );
    assert_eq!(
        line.can_leave_stage(SKU1, now).unwrap().reasons[0],
        ExitReason::GateFailed
    );
    assert_eq!(line.gate_first_pass(SKU1, "test_execution"), Some(true));
    let attempts: Vec<_> = line
        .gate_attempts(SKU1, "test_execution")
        .iter()
        .map(|a| (a.attempt, a.outcome))
        .collect();
    assert_eq!(attempts, [(1, Verdict::Pass), (2, Verdict::Fail)]);
}

#[test]
fn q40_a_gate_of_another_stage_is_refused_without_a_trace() {
    let mut line = line_with_skus(1);
    let now = walk(&mut line, SKU1, "compilation", T0);
    let before = line.len();

    let result = line.evaluate_gate(
        SKU1,
        "security_scan",
        &passing(EvidenceKind::Security),
        EvalOptions::default(),
        now,
    );

    assert!(matches!(
        result,
        Err(Error::GateStageMismatch { gate, expected, actual })
            if gate == "security_scan" && expected == "security_scan" && actual == "compilation"
    ));
    assert_eq!(line.len(), before);
    assert!(line.gate_attempts(SKU1, "security_scan").is_empty());
}

#[test]
fn q41_evidence_of_another_kind_is_refused() {
    let mut line = line_with_skus(1);
    let now = walk(&mut line, SKU1, "compilation", T0);

    let result = line.evaluate_gate(
        SKU1,
        "compilation",
        &passing(EvidenceKind::Tests),
        EvalOptions::default(),
        now,
    );

    assert!(matches!(
        result,
        Err(Error::EvidenceMismatch { expected, found, .. })
            if expected == "compilation" && found == "tests"
    ));
}

#[test]
fn q42_the_receipt_body_of_q18() {
    let mut line = q37_line();
    let evidence = Evidence::Tests {
        tests: Some(junit(JUNIT_FAIL)),
        coverage: Some(lcov(LCOV_TEST)),
    };

    let r = eval(&mut line, SKU2, "test_execution", &evidence, k(20, 11, 0));

    let expected = r#"{"sku": "SKU-000002", "gate": "test_execution",
     "stage": "test_execution", "kind": "tests", "attempt": 1,
     "first_pass": false, "outcome": "fail", "downgraded": false,
     "skipped": null, "manual": false,
     "conditions": [
      {"metric": "tests_executed", "op": ">", "error": 0,
       "warning": null, "actual": {"count": 4}, "verdict": "pass",
       "note": null},
      {"metric": "test_pass_rate", "op": ">=", "error": 9500,
       "warning": null, "actual": {"num": 3, "den": 4, "bp": 7500},
       "verdict": "fail", "note": null},
      {"metric": "line_coverage", "op": ">=", "error": 8000,
       "warning": null, "actual": {"num": 16, "den": 17, "bp": 9411},
       "verdict": "pass", "note": null}],
     "summary": {
      "tests": {"tests": 5, "passed": 3, "failed": 1, "errored": 0,
       "skipped": 1, "executed": 4, "flaky": 0, "reruns": 0,
       "duration_ms": 21908, "time_missing": 0, "time_invalid": 0,
       "suites": 1, "suite_errors": 0, "declared_tests": 5,
       "failed_tests": ["test.test_spark.SparkTests::test_rsh_events"],
       "failed_tests_total": 1, "flaky_tests": [],
       "flaky_tests_total": 0},
      "coverage": {"files": 3, "lines_found": 17, "lines_hit": 16,
       "branches_found": 8, "branches_hit": 7, "functions_found": 6,
       "functions_hit": 5, "basis": "records"}},
     "sources": [
      {"kind": "junit",
       "name": "EnricoMi-publish-unit-test-result-action__junit.fail.xml",
       "bytes": 2421, "sha256":
       "9941ac719eec71d6fd53fbc900500247be9ace36b4683f5893c347a5a1125042"},
      {"kind": "lcov", "name": "coverallsapp-coverage-reporter__test.lcov",
       "bytes": 746, "sha256":
       "40bd4eae1e6754dbb4481a7bd628cfe6b1bc9a8683c786ebd8a5d66125574220"}],
     "policy_seq": 0, "andon": "ANDON-000001"}"#;
    let gate_receipt = receipt(&line, r.seq);
    assert_eq!(gate_receipt.kind, "gate.evaluated");
    assert_eq!(gate_receipt.subject, "SKU-000002");
    assert_eq!(
        gate_receipt.body.to_canonical_string(),
        tcps_core::value::parse(expected.as_bytes())
            .unwrap()
            .to_canonical_string()
    );
}

#[test]
fn the_ledger_is_rebuilt_by_replay() {
    let mut line = q37_line();
    eval(
        &mut line,
        SKU2,
        "test_execution",
        &failing_tests(),
        k(20, 11, 0),
    );
    line.skip_gate(SKU1, "shacl_validation", "no shapes", k(20, 11, 5))
        .unwrap();
    let receipts: Vec<Receipt> = (0..line.len()).map(|s| receipt(&line, s)).collect();

    let replayed = Line::replay(receipts).unwrap();

    assert_eq!(replayed, line);
    assert_eq!(
        replayed.gate_attempts(SKU2, "test_execution"),
        line.gate_attempts(SKU2, "test_execution")
    );
}

#[test]
fn replay_refuses_a_gate_receipt_out_of_attempt_order() {
    let mut line = line_with_skus(1);
    pass(&mut line, SKU1, T0);
    let mut receipts: Vec<Receipt> = (0..line.len()).map(|s| receipt(&line, s)).collect();
    let last = receipts.pop().unwrap();
    let Value::Object(mut body) = last.body.clone() else {
        unreachable!()
    };
    body.insert("attempt".into(), Value::Int(2));
    let forged = Receipt::seal(
        last.seq,
        last.at,
        &last.kind,
        &last.subject,
        Value::Object(body),
        0,
        last.prev,
    )
    .unwrap();
    receipts.push(forged);

    let result = Line::replay(receipts);

    assert!(matches!(result, Err((_, Error::InvalidReceipt { .. }))));
}

#[test]
fn an_evaluation_names_the_sku_status_and_the_gate_when_refused() {
    let mut line = line_with_skus(1);
    let evidence = passing(EvidenceKind::Shacl);
    let opts = EvalOptions::default();

    let unknown = line.evaluate_gate(SkuId(9), "shacl_validation", &evidence, opts, T0);
    let no_gate = line.evaluate_gate(SKU1, "lint", &evidence, opts, T0);
    line.abort(SKU1, "wrong build", T0).unwrap();
    let aborted = line.evaluate_gate(SKU1, "shacl_validation", &evidence, opts, T0);
    let past = line.evaluate_gate(SKU1, "shacl_validation", &evidence, opts, T0 - 1);

    assert!(
        matches!(unknown, Err(Error::NotFound { kind, id }) if kind == "sku" && id == "SKU-000009")
    );
    assert!(matches!(no_gate, Err(Error::GateNotFound { gate }) if gate == "lint"));
    assert!(matches!(
        aborted,
        Err(Error::InvalidTransition { from, op }) if from == "aborted" && op == "evaluate_gate"
    ));
    assert!(matches!(past, Err(Error::NowBeforeLastReceipt { .. })));
}

#[test]
fn a_sku_at_the_last_stage_or_out_of_production_cannot_leave_a_stage() {
    let mut line = line_with_skus(1);
    let now = walk(&mut line, SKU1, "publication", T0);

    let at_last = line.can_leave_stage(SKU1, now).unwrap();
    line.release(SKU1, now).unwrap();
    let released = line.can_leave_stage(SKU1, now).unwrap();

    assert_eq!(at_last.reasons, [ExitReason::LastStage]);
    assert_eq!(
        (at_last.gate, at_last.gate_status),
        (None, ExitGateStatus::NoGate)
    );
    assert_eq!(at_last.next_stage, None);
    assert_eq!(
        released.reasons,
        [ExitReason::NotInProduction, ExitReason::LastStage]
    );
    assert!(matches!(
        line.can_leave_stage(SkuId(7), now),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn a_threshold_change_is_a_configuration_receipt_that_later_gates_obey() {
    let mut line = line_with_skus(1);
    let now = walk(&mut line, SKU1, "test_execution", T0);
    let mut strict = Config::standard();
    strict.quality.gates[2].conditions[2].error = Some(10_000);
    let evidence = Evidence::Tests {
        tests: Some(junit(JUNIT_PASS)),
        coverage: Some(lcov(LCOV_TEST)),
    };

    let before = eval(&mut line, SKU1, "test_execution", &evidence, now);
    line.change_config(strict, "full coverage from now on", now + H)
        .unwrap();
    let config_seq = line.len() - 1;
    let after = eval(&mut line, SKU1, "test_execution", &evidence, now + H);

    assert_eq!(before.outcome, Verdict::Pass);
    assert_eq!(after.outcome, Verdict::Fail);
    assert_eq!(after.conditions[2].error, Some(10_000));
    assert_eq!(receipt(&line, config_seq).kind, "line.config_changed");
    assert_eq!(
        receipt(&line, before.seq).body.get("policy_seq"),
        Some(&Value::Int(0))
    );
    assert_eq!(
        receipt(&line, after.seq).body.get("policy_seq"),
        Some(&Value::Int(config_seq as i64))
    );
}

#[test]
fn a_manual_evaluation_is_marked_in_its_receipt() {
    let mut line = line_with_skus(1);

    let opts = EvalOptions { manual: true };
    line.evaluate_gate(
        SKU1,
        "shacl_validation",
        &passing(EvidenceKind::Shacl),
        opts,
        T0,
    )
    .unwrap();

    assert_eq!(last(&line).body.get("manual"), Some(&Value::Bool(true)));
}

#[test]
fn a_repeated_failure_repeats_the_unresolved_andon() {
    let mut line = line_with_skus(1);
    let now = walk(&mut line, SKU1, "compilation", T0);
    let errors = Evidence::Compilation(ingest::DiagnosticSummary {
        errors: 2,
        ..Default::default()
    });

    let first = eval(&mut line, SKU1, "compilation", &errors, now);
    let second = eval(&mut line, SKU1, "compilation", &errors, now + MIN);

    assert_eq!(first.andon, second.andon);
    assert_eq!(last(&line).kind, "andon.repeated");
    assert_eq!(line.andon(first.andon.unwrap()).unwrap().occurrences, 2);
}

#[test]
fn evaluations_go_on_while_the_line_is_stopped() {
    let mut line = line_with_skus(1);
    let now = walk(&mut line, SKU1, "test_execution", T0);
    eval(&mut line, SKU1, "test_execution", &failing_tests(), now);

    let again = line.evaluate_gate(
        SKU1,
        "test_execution",
        &Evidence::Tests {
            tests: Some(junit(JUNIT_PASS)),
            coverage: Some(lcov(LCOV_TEST)),
        },
        EvalOptions::default(),
        now + MIN,
    );

    assert_eq!(again.unwrap().outcome, Verdict::Pass);
    assert!(matches!(
        line.transition(SKU1, "security_scan", now + MIN),
        Err(Error::LineStopped { .. })
    ));
    next_is_refused_until_resolved(&mut line, now);
}

fn next_is_refused_until_resolved(line: &mut Line, now: Timestamp) {
    resolve(line, AndonId(1), "bad mock", now + 2 * MIN);
    next(line, SKU1, now + 3 * MIN);
    assert_eq!(line.sku(SKU1).unwrap().stage, "security_scan");
}

#[test]
fn test_execution_passes_the_demo_pair_and_fails_the_failing_report_on_a_line() {
    let mut line = line_with_skus(2);
    let now = walk(&mut line, SKU1, "test_execution", T0);
    let now = walk(&mut line, SKU2, "test_execution", now);
    let with = |file: &str| Evidence::Tests {
        tests: Some(junit(file)),
        coverage: Some(lcov(LCOV_TEST)),
    };

    let passing = eval(&mut line, SKU1, "test_execution", &with(JUNIT_PASS), now);
    let failing = eval(&mut line, SKU2, "test_execution", &with(JUNIT_FAIL), now);

    assert_eq!((passing.outcome, passing.andon), (Verdict::Pass, None));
    assert_eq!(failing.outcome, Verdict::Fail);
    assert!(failing.andon.is_some());
}
