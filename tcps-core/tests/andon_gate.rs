//! Andons raised by failed blocking gates: andon.md 5.2, worked
//! examples.

mod andon_util;

use andon_util::*;
use tcps_core::Digest;
use tcps_core::andon::{FailureType, Severity, Trigger};
use tcps_core::ingest::SarifSummary;
use tcps_core::quality::{Evidence, SbomEvidence, ShaclEvidence, Verdict};
use tcps_core::{Line, Value};

#[test]
fn a09_a_failed_compilation_raises_a_critical_andon_after_the_gate_receipt() {
    let mut line = setup_at_compilation(|_| {});
    let before = line.len();

    let result = evaluate(&mut line, SKU1, "compilation", &diagnostics(2));

    assert_eq!(result.outcome, Verdict::Fail);
    assert_eq!(result.andon, Some(andon(1)));
    let a = line.andon(andon(1)).unwrap();
    assert_eq!(a.failure_type, FailureType::CompilationFailure);
    assert_eq!(a.severity, Severity::Critical);
    assert_eq!(a.stage.as_deref(), Some("compilation"));
    assert_eq!(a.trigger, Trigger::Gate);
    assert_eq!(a.gate.as_deref(), Some("compilation"));
    assert_eq!(a.gate_receipt, Some(result.seq));
    assert_eq!(a.raised_by, None);
    assert!(a.stops);
    assert_eq!(a.details["gate"], "compilation");
    assert_eq!(a.details["failed"], "compile_errors");
    assert_eq!(a.details.len(), 2);
    assert_eq!(
        kinds_since(&line, before),
        ["gate.evaluated", "andon.raised"]
    );
    let raised = last(&line);
    assert_eq!(raised.more, 0);
    assert_eq!(
        raised.body.get("gate_receipt"),
        Some(&Value::Int(result.seq as i64))
    );
    assert_replays(&line);
}

#[test]
fn a10_coverage_alone_raises_coverage_below_threshold() {
    let mut line = setup();
    let coverage_only = test_evidence(tests(10, 0), coverage(5, 10));
    let both = test_evidence(tests(5, 5), coverage(5, 10));

    let first = evaluate(&mut line, SKU1, "test_execution", &coverage_only);
    let second = evaluate(&mut line, SKU1, "test_execution", &both);

    assert_eq!(first.andon, Some(andon(1)));
    assert_eq!(second.andon, Some(andon(2)));
    let a1 = line.andon(andon(1)).unwrap();
    assert_eq!(a1.failure_type, FailureType::CoverageBelowThreshold);
    assert_eq!(a1.severity, Severity::Medium);
    assert_eq!(a1.details["failed"], "line_coverage");
    let a2 = line.andon(andon(2)).unwrap();
    assert_eq!(a2.failure_type, FailureType::TestFailure);
    assert_eq!(a2.severity, Severity::High);
    assert_eq!(a2.details["failed"], "test_pass_rate,line_coverage");
}

#[test]
fn a11_the_other_gates_raise_their_catalogue_types() {
    let mut line = setup();
    let fail_at = |line: &mut Line, stage: &str, evidence: Evidence| {
        let sku = line.create_sku(WO1, None, None, T0).unwrap();
        walk(line, sku, stage);
        let result = evaluate(line, sku, stage, &evidence);
        assert_eq!(result.outcome, Verdict::Fail, "{stage}");
        let a = line.andon(result.andon.unwrap()).unwrap();
        (a.failure_type, a.severity)
    };

    // The release check first: the failures below lower the gate pass
    // rate that quality_metrics reads, and so make it fail last.
    let release = Evidence::Release {
        artifact: None,
        lock: None,
        sbom: SbomEvidence::Missing,
    };
    let release = fail_at(&mut line, "release_verification", release);
    let shacl = Evidence::Shacl(ShaclEvidence::Report {
        conforms: false,
        violations: vec!["missing sh:name".into()],
    });
    let shacl = fail_at(&mut line, "shacl_validation", shacl);
    let security = Evidence::Security {
        sarif: Some(SarifSummary {
            results: 1,
            error: 1,
            ..SarifSummary::default()
        }),
        advisories: Some(Vec::new()),
        secrets: Some(SarifSummary::default()),
    };
    let security = fail_at(&mut line, "security_scan", security);
    let determinism = Evidence::Determinism {
        first: Digest::of(b"one"),
        second: Digest::of(b"two"),
        manifests: None,
    };
    let determinism = fail_at(&mut line, "deterministic_build", determinism);
    let history = fail_at(&mut line, "quality_metrics", Evidence::History);

    assert_eq!(shacl, (FailureType::ShaclViolation, Severity::Critical));
    assert_eq!(
        security,
        (FailureType::SecurityVulnerability, Severity::Critical)
    );
    assert_eq!(
        determinism,
        (FailureType::NonDeterminism, Severity::Critical)
    );
    assert_eq!(history, (FailureType::QualityRegression, Severity::High));
    assert_eq!(release, (FailureType::MissingReceipt, Severity::High));
}

#[test]
fn a12_warnings_raise_nothing() {
    let mut line = setup();
    let smoke_sku = line.create_sku(WO1, None, None, T0).unwrap();
    walk(&mut line, smoke_sku, "smoke_test");
    let scan_sku = line.create_sku(WO1, None, None, T0).unwrap();
    walk(&mut line, scan_sku, "security_scan");
    let before = line.len();
    let warnings = Evidence::Security {
        sarif: Some(SarifSummary {
            results: 2,
            warning: 2,
            ..SarifSummary::default()
        }),
        advisories: Some(Vec::new()),
        secrets: Some(SarifSummary::default()),
    };

    let smoke = evaluate(
        &mut line,
        smoke_sku,
        "smoke_test",
        &Evidence::Smoke(Some(tests(1, 1))),
    );
    let scan = evaluate(&mut line, scan_sku, "security_scan", &warnings);

    assert_eq!((smoke.outcome, smoke.andon), (Verdict::Warn, None));
    assert_eq!((scan.outcome, scan.andon), (Verdict::Warn, None));
    assert_eq!(
        kinds_since(&line, before),
        ["gate.evaluated", "gate.evaluated"]
    );
    assert_eq!(line.open_count(), 0);
}

#[test]
fn a13_a_repeated_gate_failure_repeats_the_andon_with_the_new_gate_receipt() {
    let mut line = setup_at_compilation(|_| {});
    evaluate(&mut line, SKU1, "compilation", &diagnostics(2));

    let second = evaluate(&mut line, SKU1, "compilation", &diagnostics(3));

    assert_eq!(second.andon, Some(andon(1)));
    let a = line.andon(andon(1)).unwrap();
    assert_eq!(a.occurrences, 2);
    assert_eq!(a.gate_receipt, Some(second.seq - 2));
    let repeated = last(&line);
    assert_eq!(repeated.kind, "andon.repeated");
    assert_eq!(
        repeated.body.get("gate_receipt"),
        Some(&Value::Int(second.seq as i64))
    );
    assert_eq!(repeated.body.get("trigger"), Some(&Value::from("gate")));
    assert_eq!(
        line.receipt(second.seq).unwrap().body.get("andon"),
        Some(&Value::from("ANDON-000001"))
    );
    assert_replays(&line);
}

#[test]
fn a_gate_andon_stops_the_sku_until_resolved() {
    let mut line = setup_at_compilation(|_| {});
    evaluate(&mut line, SKU1, "compilation", &diagnostics(2));
    pass_compilation(&mut line, SKU1, T0);

    let moved = line.transition(SKU1, "test_execution", T0);

    assert!(matches!(moved, Err(tcps_core::Error::LineStopped { .. })));
}
