//! The setup of andon.md 13, built through the public API: WO-000001
//! (security) in progress with SKU-000001 at `test_execution`, WO-000002
//! (security) queued, WO-000003 (reliability) queued, all at t0.

#![allow(dead_code)]

use std::fmt::Write as _;

use tcps_core::andon::{
    AndonConfig, FailureType, Raise, RaiseRequest, Resolution, Severity, Subject,
};
use tcps_core::flow::{Signal, SignalKind};
use tcps_core::id::{AnalysisId, AndonId, SkuId, WorkOrderId};
use tcps_core::ingest::{
    self, CoverageSummary, DiagnosticSummary, Input, Limits, SarifSummary, TestSummary,
};
use tcps_core::quality::{
    EvalOptions, Evidence, EvidenceKind, GateResult, SbomEvidence, ShaclEvidence,
};
use tcps_core::{Config, Digest, Line, Receipt, Timestamp};

/// 2026-01-26T10:00:00.000Z.
pub const T0: Timestamp = 1_769_421_600_000;
/// One minute.
pub const MIN: i64 = 60_000;
/// One hour.
pub const H: i64 = 3_600_000;
/// One day.
pub const D: i64 = 86_400_000;

pub const WO1: WorkOrderId = WorkOrderId(1);
pub const WO2: WorkOrderId = WorkOrderId(2);
pub const WO3: WorkOrderId = WorkOrderId(3);
pub const SKU1: SkuId = SkuId(1);

pub fn andon(n: u64) -> AndonId {
    AndonId(n)
}

/// The setup under the default configuration.
pub fn setup() -> Line {
    setup_with(|_| {})
}

/// The setup under the default configuration with its andon policy
/// changed by `policy`.
pub fn setup_with(policy: impl FnOnce(&mut AndonConfig)) -> Line {
    let mut line = setup_at_compilation(policy);
    pass_compilation(&mut line, SKU1, T0);
    line.transition(SKU1, "test_execution", T0)
        .expect("to test_execution");
    line
}

/// The setup, except that SKU-000001 stands at compilation.
pub fn setup_at_compilation(policy: impl FnOnce(&mut AndonConfig)) -> Line {
    let mut config = Config::standard();
    policy(&mut config.andon);
    let mut line = Line::new(config, T0).expect("the line opens");

    intake(&mut line, SignalKind::Cve, "CVE-2026-0001");
    intake(&mut line, SignalKind::Cve, "CVE-2026-0002");
    intake(&mut line, SignalKind::MarketplaceRefund, "refund-0003");
    line.start(WO1, T0).expect("WO-000001 starts");
    let sku = line
        .create_sku(WO1, None, None, T0)
        .expect("a SKU is created");
    assert_eq!(sku, SKU1);
    line.skip_gate(SKU1, "shacl_validation", "no shapes yet", T0)
        .expect("the shacl gate may be skipped");
    line.transition(SKU1, "compilation", T0)
        .expect("to compilation");
    line
}

fn intake(line: &mut Line, kind: SignalKind, source: &str) -> WorkOrderId {
    let signal = Signal::new(kind, source, format!("demand {source}"));
    line.intake(&signal, T0)
        .expect("the signal is taken in")
        .work_order
}

/// Records a passing compilation gate.
pub fn pass_compilation(line: &mut Line, sku: SkuId, now: Timestamp) -> GateResult {
    let evidence = Evidence::Compilation(DiagnosticSummary::default());
    line.evaluate_gate(sku, "compilation", &evidence, EvalOptions::default(), now)
        .expect("the compilation gate is evaluated")
}

/// Compiler diagnostics with `errors` errors.
pub fn diagnostics(errors: u64) -> Evidence {
    Evidence::Compilation(DiagnosticSummary {
        errors,
        ..DiagnosticSummary::default()
    })
}

/// A `JUnit` report with `passed` passing and `failed` failing tests.
pub fn tests(passed: usize, failed: usize) -> TestSummary {
    let mut xml = format!(r#"<testsuite name="s" tests="{}">"#, passed + failed);
    for i in 0..passed {
        let _ = write!(xml, r#"<testcase name="ok{i}" classname="c"/>"#);
    }
    for i in 0..failed {
        let _ = write!(
            xml,
            r#"<testcase name="bad{i}" classname="c"><failure message="no"/></testcase>"#
        );
    }
    xml.push_str("</testsuite>");
    ingest::junit(Input::new("junit.xml", xml.as_bytes()), &Limits::default())
        .expect("the report parses")
}

/// An LCOV report with `hit` of `lines` lines covered.
pub fn coverage(hit: usize, lines: usize) -> CoverageSummary {
    let mut text = String::from("SF:src/lib.rs\n");
    for i in 1..=lines {
        let _ = writeln!(text, "DA:{i},{}", usize::from(i <= hit));
    }
    text.push_str("end_of_record\n");
    ingest::lcov(Input::new("lcov.info", text.as_bytes()), &Limits::default())
        .expect("the report parses")
}

/// Test evidence from the two reports.
pub fn test_evidence(tests: TestSummary, coverage: CoverageSummary) -> Evidence {
    Evidence::Tests {
        tests: Some(tests),
        coverage: Some(coverage),
    }
}

/// A raise request by hand.
pub fn request(subject: Subject, failure_type: FailureType) -> RaiseRequest {
    RaiseRequest::new(subject, failure_type)
}

/// Raises `failure_type` on SKU-000001 at `now`.
pub fn raise_on_sku1(line: &mut Line, failure_type: FailureType, now: Timestamp) -> Raise {
    line.raise(request(Subject::Sku(SKU1), failure_type), now)
        .expect("the andon is raised")
}

/// Raises a manual andon of `severity` on `subject` at `now`.
pub fn raise_manual(
    line: &mut Line,
    subject: Subject,
    severity: Severity,
    now: Timestamp,
) -> Raise {
    let mut r = request(subject, FailureType::Manual);
    r.severity = Some(severity);
    line.raise(r, now).expect("the andon is raised")
}

/// The receipts appended after the first `from` receipts.
pub fn receipts_since(line: &Line, from: u64) -> Vec<Receipt> {
    (from..line.len())
        .map(|seq| line.receipt(seq).expect("the receipt is kept"))
        .collect()
}

/// The kinds of the receipts appended after the first `from`.
pub fn kinds_since(line: &Line, from: u64) -> Vec<String> {
    receipts_since(line, from)
        .into_iter()
        .map(|r| r.kind)
        .collect()
}

/// The last receipt.
pub fn last(line: &Line) -> Receipt {
    line.receipt(line.len() - 1).expect("a line holds receipts")
}

/// Replays the log into a new line and checks it equals `line`.
pub fn assert_replays(line: &Line) {
    let replayed = Line::replay(receipts_since(line, 0)).expect("the log replays");
    assert!(replayed == *line, "the replayed line differs");
}

/// Starts, answers and finalises the 5 Whys of `andon` at `now`.
pub fn finalized_analysis(line: &mut Line, andon: AndonId, now: Timestamp) -> AnalysisId {
    let id = line
        .start_analysis(andon, "the build broke", now)
        .expect("the analysis starts");
    for n in 1..=5 {
        line.set_why(id, n, &format!("because {n}"), now)
            .expect("the why is recorded");
    }
    line.finalize_analysis(id, "a missing check", "add the check", now)
        .expect("the analysis is finalised");
    id
}

/// A resolution with all three texts.
pub fn resolution() -> Resolution {
    Resolution::new("cause", "fix", "prevention")
}

/// Evidence that passes the standard gate of `kind`.
pub fn passing(kind: EvidenceKind) -> Evidence {
    match kind {
        EvidenceKind::Shacl => Evidence::Shacl(ShaclEvidence::Report {
            conforms: true,
            violations: Vec::new(),
        }),
        EvidenceKind::Compilation => diagnostics(0),
        EvidenceKind::Tests => test_evidence(tests(3, 0), coverage(9, 10)),
        EvidenceKind::Security => Evidence::Security {
            sarif: Some(SarifSummary::default()),
            advisories: Some(Vec::new()),
            secrets: Some(SarifSummary::default()),
        },
        EvidenceKind::Determinism => Evidence::Determinism {
            first: Digest::of(b"build"),
            second: Digest::of(b"build"),
            manifests: None,
        },
        EvidenceKind::History => Evidence::History,
        EvidenceKind::Release => {
            let bom = br#"{"bomFormat":"CycloneDX","specVersion":"1.5",
              "components":[{"name":"a","licenses":[{"license":{"id":"MIT"}}]}]}"#;
            Evidence::Release {
                artifact: Some(Digest::of(b"artifact")),
                lock: Some(Digest::of(b"Cargo.lock")),
                sbom: SbomEvidence::from_input(Input::new("bom.json", bom)),
            }
        }
        EvidenceKind::Smoke => Evidence::Smoke(Some(tests(3, 0))),
    }
}

/// Evaluates `gate` for `sku` at `now`.
pub fn evaluate(line: &mut Line, sku: SkuId, gate: &str, evidence: &Evidence) -> GateResult {
    line.evaluate_gate(sku, gate, evidence, EvalOptions::default(), T0)
        .unwrap_or_else(|e| panic!("{sku} {gate}: {e}"))
}

/// Walks `sku` to `stage` at t0, passing every gate on the way.
pub fn walk(line: &mut Line, sku: SkuId, stage: &str) {
    let stages = line.config().stages().to_vec();
    loop {
        let here = line.sku(sku).expect("the SKU exists").stage.clone();
        if here == stage {
            return;
        }
        let gate = line.config().quality.gate_for_stage(&here).cloned();
        if let Some(gate) = gate {
            evaluate(line, sku, &gate.name, &passing(gate.kind));
        }
        let i = stages
            .iter()
            .position(|s| *s == here)
            .expect("a stage of the line");
        line.transition(sku, &stages[i + 1], T0)
            .unwrap_or_else(|e| panic!("{sku} to {}: {e}", stages[i + 1]));
    }
}
