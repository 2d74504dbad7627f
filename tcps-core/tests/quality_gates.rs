//! The default gates on real reports (quality.md 4, 10.2: Q-10 to Q-36,
//! at the level of one evaluation; the line-level parts are in
//! `quality_line.rs`).

mod quality_common;

use tcps_core::Digest;
use tcps_core::error::Error;
use tcps_core::ingest::{self, Input, Limits, OsvSummary, SarifSummary, Summary};
use tcps_core::quality::{
    Actual, AndonType, ArtifactManifest, EvalContext, Evaluation, Evidence, LicencePolicy, Metric,
    Note, ReceiptChain, SbomEvidence, ShaclEvidence, Verdict, andon_type_for, evaluate, preview,
};
use tcps_core::value::Value;

use quality_common::{
    COBERTURA_LOW, JUNIT_EMPTY, JUNIT_FAIL, JUNIT_PASS, JUNIT_PYTHON, LCOV_TEST, cobertura, data,
    junit, lcov, standard_gate,
};

/// `(metric, actual, verdict)` of every condition.
fn rows(e: &Evaluation) -> Vec<(&'static str, Option<Actual>, Verdict)> {
    e.conditions
        .iter()
        .map(|c| (c.metric.as_str(), c.actual, c.verdict))
        .collect()
}

fn verdicts(e: &Evaluation) -> Vec<(&'static str, Verdict)> {
    e.conditions
        .iter()
        .map(|c| (c.metric.as_str(), c.verdict))
        .collect()
}

#[allow(clippy::unnecessary_wraps)] // compared with `ConditionResult::actual`
fn count(c: u64) -> Option<Actual> {
    Some(Actual::Count(c))
}

fn ratio(num: u64, den: u64) -> Option<Actual> {
    Actual::ratio(num, den)
}

fn shacl(conforms: bool, violations: &[&str]) -> Evaluation {
    let evidence = Evidence::Shacl(ShaclEvidence::Report {
        conforms,
        violations: violations.iter().map(|v| (*v).to_owned()).collect(),
    });
    preview(&standard_gate("shacl_validation"), &evidence).unwrap()
}

#[test]
fn q10_a_conforming_shacl_report_passes() {
    let e = shacl(true, &[]);

    assert_eq!(rows(&e), [("shacl_violations", count(0), Verdict::Pass)]);
    assert_eq!(e.outcome, Verdict::Pass);
}

#[test]
fn q11_shacl_violations_fail_the_gate_and_name_the_andon() {
    let gate = standard_gate("shacl_validation");

    let e = shacl(false, &["v1", "v2"]);

    assert_eq!(rows(&e), [("shacl_violations", count(2), Verdict::Fail)]);
    assert_eq!(e.outcome, Verdict::Fail);
    assert_eq!(andon_type_for(&gate, &e), AndonType::ShaclViolation);
    assert_eq!(e.failed_metrics(), ["shacl_violations"]);
    assert_eq!(
        e.summary.to_canonical_string(),
        r#"{"conforms":false,"violations":["v1","v2"],"violations_total":2}"#
    );
}

#[test]
fn q12_a_non_conforming_report_without_messages_counts_one() {
    let e = shacl(false, &[]);

    assert_eq!(rows(&e), [("shacl_violations", count(1), Verdict::Fail)]);
}

#[test]
fn q13_a_missing_validator_fails_with_its_own_note() {
    let gate = standard_gate("shacl_validation");

    let e = preview(&gate, &Evidence::Shacl(ShaclEvidence::Unavailable)).unwrap();

    let c = &e.conditions[0];
    assert_eq!(
        (c.actual, c.verdict, c.note),
        (None, Verdict::Fail, Some(Note::ValidatorUnavailable))
    );
    assert_eq!(e.outcome, Verdict::Fail);
    assert_eq!(andon_type_for(&gate, &e), AndonType::ShaclViolation);
    assert_eq!(e.summary, Value::object());
}

#[test]
fn q16_rustc_errors_fail_the_compilation_gate() {
    let file = "rust-lang-cargo__str-lit-type-mismatch.json";
    let bytes = data("diagnostics", file);
    let diagnostics = ingest::rustc_json(Input::new(file, &bytes), &Limits::default()).unwrap();
    let gate = standard_gate("compilation");

    let e = preview(&gate, &Evidence::Compilation(diagnostics)).unwrap();

    assert_eq!(rows(&e), [("compile_errors", count(3), Verdict::Fail)]);
    assert_eq!(e.outcome, Verdict::Fail);
    assert_eq!(andon_type_for(&gate, &e), AndonType::CompilationFailure);
    assert_eq!(
        e.summary.get("diagnostics").and_then(|d| d.get("warnings")),
        Some(&Value::Int(0))
    );
}

#[test]
fn q17_a_warning_cap_fails_or_warns_as_configured() {
    let mut gate = standard_gate("compilation");
    let mut cap = tcps_core::quality::Condition::error(
        Metric::CompileWarnings,
        tcps_core::quality::Op::Le,
        5,
    );
    gate.conditions.push(cap.clone());
    let evidence = Evidence::Compilation(ingest::DiagnosticSummary {
        errors: 0,
        warnings: 7,
        ..Default::default()
    });

    let as_error = preview(&gate, &evidence).unwrap();
    cap.warning = cap.error.take();
    gate.conditions[1] = cap;
    let as_warning = preview(&gate, &evidence).unwrap();

    assert_eq!(as_error.outcome, Verdict::Fail);
    assert_eq!(as_error.failed_metrics(), ["compile_warnings"]);
    assert_eq!(as_warning.outcome, Verdict::Warn);
}

fn test_execution(
    tests: Option<ingest::TestSummary>,
    coverage: Option<ingest::CoverageSummary>,
) -> Evaluation {
    preview(
        &standard_gate("test_execution"),
        &Evidence::Tests { tests, coverage },
    )
    .unwrap()
}

#[test]
fn q18_tests_fail_on_their_pass_rate() {
    let gate = standard_gate("test_execution");

    let e = test_execution(Some(junit(JUNIT_FAIL)), Some(lcov(LCOV_TEST)));

    assert_eq!(
        rows(&e),
        [
            ("tests_executed", count(4), Verdict::Pass),
            ("test_pass_rate", ratio(3, 4), Verdict::Fail),
            ("line_coverage", ratio(16, 17), Verdict::Pass),
        ]
    );
    assert_eq!(ratio(16, 17).unwrap().bp(), Some(9411));
    assert_eq!(e.outcome, Verdict::Fail);
    assert_eq!(andon_type_for(&gate, &e), AndonType::TestFailure);
    let failed = e
        .summary
        .get("tests")
        .and_then(|t| t.get("failed_tests"))
        .unwrap();
    assert_eq!(
        failed.to_canonical_string(),
        r#"["test.test_spark.SparkTests::test_rsh_events"]"#
    );
}

#[test]
fn q19_only_coverage_failing_raises_coverage_below_threshold() {
    let gate = standard_gate("test_execution");

    let e = test_execution(Some(junit(JUNIT_PASS)), Some(cobertura(COBERTURA_LOW)));

    assert_eq!(
        rows(&e),
        [
            ("tests_executed", count(3), Verdict::Pass),
            ("test_pass_rate", ratio(3, 3), Verdict::Pass),
            ("line_coverage", ratio(23, 38), Verdict::Fail),
        ]
    );
    assert_eq!(ratio(23, 38).unwrap().bp(), Some(6052));
    assert_eq!(andon_type_for(&gate, &e), AndonType::CoverageBelowThreshold);
}

#[test]
fn q20_a_report_that_executed_nothing_fails() {
    let gate = standard_gate("test_execution");

    let e = test_execution(Some(junit(JUNIT_EMPTY)), None);

    let notes: Vec<_> = e
        .conditions
        .iter()
        .map(|c| (c.actual, c.verdict, c.note))
        .collect();
    assert_eq!(
        notes,
        [
            (count(0), Verdict::Fail, None),
            (None, Verdict::Fail, Some(Note::NoData)),
            (None, Verdict::Fail, Some(Note::NoData)),
        ]
    );
    assert_eq!(andon_type_for(&gate, &e), AndonType::TestFailure);
}

#[test]
fn q21_two_merged_reports_are_judged_as_one() {
    let fail = data("junit", JUNIT_FAIL);
    let python = data("junit", JUNIT_PYTHON);
    let inputs = [
        Input::new(JUNIT_FAIL, &fail),
        Input::new(JUNIT_PYTHON, &python),
    ];

    let tests = ingest::junit_many(&inputs, &Limits::default()).unwrap();
    let e = test_execution(Some(tests.clone()), Some(lcov(LCOV_TEST)));

    let counts = (
        tests.tests,
        tests.passed,
        tests.failed,
        tests.errored,
        tests.skipped,
    );
    assert_eq!(counts, (8, 4, 3, 0, 1));
    assert_eq!((tests.executed, tests.duration_ms), (7, 21_910));
    assert_eq!(e.conditions[1].actual, ratio(4, 7));
    assert_eq!(ratio(4, 7).unwrap().bp(), Some(5714));
    assert_eq!(
        tests.failed_tests,
        [
            "test.test_spark.SparkTests::test_rsh_events",
            "python.test_sample::test_which_fails",
            "python.test_sample::test_with_error",
        ]
    );
    let names: Vec<_> = e.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, [JUNIT_FAIL, JUNIT_PYTHON, LCOV_TEST]);
}

fn sarif(file: &str) -> SarifSummary {
    let bytes = data("sarif", file);
    ingest::sarif(Input::new(file, &bytes), &Limits::default()).unwrap()
}

fn osv(file: &str) -> Vec<OsvSummary> {
    let bytes = data("osv", file);
    ingest::osv(Input::new(file, &bytes), &Limits::default()).unwrap()
}

const CHECKOV_EMPTY: &str = "smithy-security-smithy__checkov.empty.valid.sarif";

fn security(
    sarif_file: Option<&str>,
    advisories: Option<Vec<OsvSummary>>,
    secrets: Option<&str>,
) -> Evaluation {
    let evidence = Evidence::Security {
        sarif: sarif_file.map(sarif),
        advisories,
        secrets: secrets.map(sarif),
    };
    preview(&standard_gate("security_scan"), &evidence).unwrap()
}

#[test]
fn q22_scanner_errors_fail_the_security_gate() {
    let gate = standard_gate("security_scan");

    let e = security(
        Some("smithy-security-smithy__gosec.json"),
        Some(vec![]),
        Some(CHECKOV_EMPTY),
    );

    assert_eq!(
        verdicts(&e),
        [
            ("sarif_errors", Verdict::Fail),
            ("vulns_high_critical", Verdict::Pass),
            ("secrets", Verdict::Pass),
            ("sarif_warnings", Verdict::Warn),
            ("vulns_unknown", Verdict::Pass),
        ]
    );
    assert_eq!(e.conditions[0].actual, count(17));
    assert_eq!(e.conditions[3].actual, count(4));
    assert_eq!(e.outcome, Verdict::Fail);
    assert_eq!(andon_type_for(&gate, &e), AndonType::SecurityVulnerability);
}

#[test]
fn q23_a_high_advisory_fails_and_a_withdrawn_one_is_not_counted() {
    let mut advisories = osv("rustsec-advisory-db__RUSTSEC-2016-0001.json");
    advisories.extend(osv("ossf-osv-schema__withdrawn.osv.json"));

    let e = security(
        Some("smithy-security-smithy__trivy.sarif.json"),
        Some(advisories),
        Some(CHECKOV_EMPTY),
    );

    assert_eq!(
        rows(&e),
        [
            ("sarif_errors", count(0), Verdict::Pass),
            ("vulns_high_critical", count(1), Verdict::Fail),
            ("secrets", count(0), Verdict::Pass),
            ("sarif_warnings", count(1), Verdict::Warn),
            ("vulns_unknown", count(0), Verdict::Pass),
        ]
    );
    assert_eq!(e.outcome, Verdict::Fail);
    let advisories = e.summary.get("advisories").unwrap();
    assert_eq!(
        advisories.to_canonical_string(),
        concat!(
            r#"{"by_rating":{"critical":0,"high":1,"low":0,"medium":0,"none":0,"unknown":0},"#,
            r#""count":2,"ids":["RUSTSEC-2016-0001"],"ids_total":1,"withdrawn":1}"#
        )
    );
}

#[test]
fn q24_a_clean_scan_passes_every_condition() {
    let e = security(Some(CHECKOV_EMPTY), Some(vec![]), Some(CHECKOV_EMPTY));

    assert!(e.conditions.iter().all(|c| c.verdict == Verdict::Pass));
    assert_eq!(e.outcome, Verdict::Pass);
    assert_eq!(e.sources.len(), 1, "the same Checkov run is one source");
}

#[test]
fn q25_warnings_and_unrated_advisories_only_warn() {
    let e = security(
        Some("microsoft-sarif-tutorials__Suppressions.sarif"),
        Some(osv("google-osv-scanner__GO-2023-2382.json")),
        Some(CHECKOV_EMPTY),
    );

    assert_eq!(
        rows(&e),
        [
            ("sarif_errors", count(0), Verdict::Pass),
            ("vulns_high_critical", count(0), Verdict::Pass),
            ("secrets", count(0), Verdict::Pass),
            ("sarif_warnings", count(6), Verdict::Warn),
            ("vulns_unknown", count(1), Verdict::Warn),
        ]
    );
    assert_eq!(e.outcome, Verdict::Warn);
}

#[test]
fn q26_a_missing_secret_scan_fails_with_no_data() {
    let e = security(Some(CHECKOV_EMPTY), Some(vec![]), None);

    let secrets = &e.conditions[2];
    assert_eq!(
        (secrets.verdict, secrets.note),
        (Verdict::Fail, Some(Note::NoData))
    );
    assert_eq!(e.summary.get("secrets"), Some(&Value::Null));
    assert_eq!(e.outcome, Verdict::Fail);
}

const EMPTY_SHA: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const HELLO_SHA: &str = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

fn digest(hex: &str) -> Digest {
    Digest::from_hex(hex).unwrap()
}

#[test]
fn q27_equal_build_digests_pass() {
    let evidence = Evidence::Determinism {
        first: digest(EMPTY_SHA),
        second: digest(EMPTY_SHA),
        manifests: None,
    };

    let e = preview(&standard_gate("deterministic_build"), &evidence).unwrap();

    assert_eq!(rows(&e), [("build_mismatches", count(0), Verdict::Pass)]);
}

#[test]
fn q28_differing_artifact_sets_count_each_name() {
    let gate = standard_gate("deterministic_build");
    let d1 = HELLO_SHA;
    let d2 = EMPTY_SHA;
    let d3 = "1111111111111111111111111111111111111111111111111111111111111111";
    let a = ArtifactManifest::new([("bin/tcps", d1), ("lib/libtcps.so", d2)]);
    let b = ArtifactManifest::new([("bin/tcps", d3), ("share/doc.txt", d2)]);
    let evidence = Evidence::Determinism {
        first: digest(EMPTY_SHA),
        second: digest(EMPTY_SHA),
        manifests: Some((a, b)),
    };

    let e = preview(&gate, &evidence).unwrap();

    assert_eq!(rows(&e), [("build_mismatches", count(3), Verdict::Fail)]);
    assert_eq!(
        e.summary.get("mismatches").unwrap().to_canonical_string(),
        r#"["bin/tcps","lib/libtcps.so","share/doc.txt"]"#
    );
    assert_eq!(e.summary.get("mismatches_total"), Some(&Value::Int(3)));
    assert_eq!(andon_type_for(&gate, &e), AndonType::NonDeterminism);
}

#[test]
fn q29_the_manifest_digest_is_that_of_its_sha256sum_text() {
    let expected = "32c305c3a243cbd6c868f54527dbac4686175febc5916d52bd49181ade510534";
    let upper = HELLO_SHA.to_ascii_uppercase();

    let sorted = ArtifactManifest::new([("bin/tcps", HELLO_SHA), ("lib/libtcps.so", EMPTY_SHA)]);
    let reversed = ArtifactManifest::new([("lib/libtcps.so", EMPTY_SHA), ("bin/tcps", HELLO_SHA)]);
    let twice = ArtifactManifest::new([
        ("bin/tcps", HELLO_SHA),
        ("lib/libtcps.so", EMPTY_SHA),
        ("bin/tcps", upper.as_str()),
    ]);

    assert_eq!(
        sorted.canonical_text().unwrap(),
        format!("{HELLO_SHA}  bin/tcps\n{EMPTY_SHA}  lib/libtcps.so\n")
    );
    assert_eq!(Digest::of(b"hello\n").to_hex(), HELLO_SHA);
    for m in [sorted, reversed, twice] {
        assert_eq!(m.digest().unwrap().to_hex(), expected);
    }
}

#[test]
fn q30_a_conflicting_artifact_or_a_short_digest_is_refused() {
    let conflict = ArtifactManifest::new([("bin/tcps", HELLO_SHA), ("bin/tcps", EMPTY_SHA)]);
    let short = ArtifactManifest::new([("bin/tcps", &HELLO_SHA[..63])]);
    let evidence = Evidence::Determinism {
        first: digest(EMPTY_SHA),
        second: digest(EMPTY_SHA),
        manifests: Some((ArtifactManifest::default(), conflict.clone())),
    };

    assert!(
        matches!(conflict.digest(), Err(Error::DuplicateArtifact { name }) if name == "bin/tcps")
    );
    assert!(matches!(short.digest(), Err(Error::InvalidDigest { .. })));
    assert!(matches!(
        preview(&standard_gate("deterministic_build"), &evidence),
        Err(Error::DuplicateArtifact { .. })
    ));
}

fn release(artifact: bool, lock: bool, sbom: SbomEvidence, licences: LicencePolicy) -> Evaluation {
    let evidence = Evidence::Release {
        artifact: artifact.then(|| digest(HELLO_SHA)),
        lock: lock.then(|| digest(EMPTY_SHA)),
        sbom,
    };
    let context = EvalContext {
        licences,
        chain: ReceiptChain::Complete,
        ..EvalContext::default()
    };
    evaluate(&standard_gate("release_verification"), &evidence, &context).unwrap()
}

#[test]
fn q33_a_release_with_allowed_licences_is_verified() {
    let bom = br#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[
      {"name":"a","licenses":[{"license":{"id":"MIT"}}]},
      {"name":"b","licenses":[{"license":{"id":"Apache-2.0"}}]},
      {"name":"c","licenses":[{"expression":"MIT OR Apache-2.0"}]}]}"#;
    let sbom = SbomEvidence::from_input(Input::new("bom.json", bom));

    let e = release(true, true, sbom, LicencePolicy::standard());

    assert_eq!(
        rows(&e),
        [("release_check_failures", count(0), Verdict::Pass)]
    );
    assert_eq!(e.summary.get("violations"), Some(&Value::Array(vec![])));
    assert_eq!(e.sources.len(), 1);
}

#[test]
fn q34_unknown_licences_and_a_missing_lock_block_the_release() {
    let file = "XAMPPRocky-octocrab__repos_sbom_tests_report.json";
    let sbom = || SbomEvidence::from_input(Input::new(file, &data("sbom", file)));
    let gate = standard_gate("release_verification");
    let lenient = LicencePolicy {
        allow_unknown: true,
        ..LicencePolicy::standard()
    };

    let e = release(true, false, sbom(), LicencePolicy::standard());
    let allowed = release(true, false, sbom(), lenient);

    assert_eq!(
        rows(&e),
        [("release_check_failures", count(2), Verdict::Fail)]
    );
    assert_eq!(
        e.summary.get("violations").unwrap().to_canonical_string(),
        concat!(
            r#"[{"check":"licences","detail":{"not_allowed":{},"unknown":45},"reason":"unknown"},"#,
            r#"{"check":"lock_digest","detail":{},"reason":"missing"}]"#
        )
    );
    assert_eq!(andon_type_for(&gate, &e), AndonType::MissingReceipt);
    assert_eq!(allowed.conditions[0].actual, count(1));
}

#[test]
fn q35_licence_expressions_follow_the_spdx_operators() {
    let policy = LicencePolicy::standard();
    let table = [
        ("MIT OR Apache-2.0", true),
        ("mit", true),
        ("Apache-2.0+", true),
        ("GPL-3.0-only", false),
        ("Apache-2.0 WITH LLVM-exception", true),
        ("GPL-2.0-only WITH Classpath-exception-2.0", false),
        ("(MIT AND BSD-3-Clause) OR GPL-2.0-only", true),
        ("MIT AND GPL-3.0-only", false),
        ("MIT AND (ISC OR GPL-2.0-only)", true),
        ("LicenseRef-Proprietary", false),
        ("MIT OR", false),
    ];

    for (expression, allowed) in table {
        assert_eq!(policy.allows(expression), allowed, "{expression}");
    }
}

#[test]
fn q84_an_unparsable_sbom_fails_the_sbom_check_once() {
    let file = "CycloneDX-bom-examples__cern-lhc-vdm-editor-bom.xml";
    let sbom = SbomEvidence::from_input(Input::new(file, &data("sbom", file)));

    let e = release(true, true, sbom, LicencePolicy::standard());

    assert_eq!(e.conditions[0].actual, count(1));
    assert_eq!(
        e.summary.get("violations").unwrap().to_canonical_string(),
        r#"[{"check":"sbom","detail":{"error":"ingest_unsupported"},"reason":"unparsable"}]"#
    );
}

#[test]
fn q36_a_failing_smoke_run_is_a_downgraded_warn() {
    let gate = standard_gate("smoke_test");
    let xml = |cases: &str| {
        let text = format!("<testsuite>{cases}</testsuite>");
        ingest::junit(Input::new("smoke.xml", text.as_bytes()), &Limits::default()).unwrap()
    };
    let all = xml(r#"<testcase name="a"/><testcase name="b"/><testcase name="c"/>"#);
    let two =
        xml(r#"<testcase name="a"/><testcase name="b"/><testcase name="c"><failure/></testcase>"#);

    let pass = preview(&gate, &Evidence::Smoke(Some(all))).unwrap();
    let warn = preview(&gate, &Evidence::Smoke(Some(two))).unwrap();

    assert_eq!(pass.outcome, Verdict::Pass);
    assert_eq!((warn.outcome, warn.downgraded), (Verdict::Warn, true));
    assert_eq!(warn.conditions[0].verdict, Verdict::Fail);
}

#[test]
fn q42_the_summary_and_sources_of_the_q18_evaluation() {
    let e = test_execution(Some(junit(JUNIT_FAIL)), Some(lcov(LCOV_TEST)));

    assert_eq!(
        e.summary.to_canonical_string(),
        concat!(
            r#"{"coverage":{"basis":"records","branches_found":8,"branches_hit":7,"files":3,"#,
            r#""functions_found":6,"functions_hit":5,"lines_found":17,"lines_hit":16},"#,
            r#""tests":{"declared_tests":5,"duration_ms":21908,"errored":0,"executed":4,"#,
            r#""failed":1,"failed_tests":["test.test_spark.SparkTests::test_rsh_events"],"#,
            r#""failed_tests_total":1,"flaky":0,"flaky_tests":[],"flaky_tests_total":0,"#,
            r#""passed":3,"reruns":0,"skipped":1,"suite_errors":0,"suites":1,"#,
            r#""tests":5,"time_invalid":0,"time_missing":0}}"#
        )
    );
    let sources: Vec<_> = e
        .sources
        .iter()
        .map(|s| (s.kind.as_str(), s.name.as_str(), s.bytes, s.sha256.to_hex()))
        .collect();
    assert_eq!(
        sources,
        [
            (
                "junit",
                JUNIT_FAIL,
                2421,
                "9941ac719eec71d6fd53fbc900500247be9ace36b4683f5893c347a5a1125042".to_owned()
            ),
            (
                "lcov",
                LCOV_TEST,
                746,
                "40bd4eae1e6754dbb4481a7bd628cfe6b1bc9a8683c786ebd8a5d66125574220".to_owned()
            ),
        ]
    );
}

#[test]
fn test_execution_passes_on_the_demo_reports_and_fails_on_the_failing_one() {
    let passing = test_execution(Some(junit(JUNIT_PASS)), Some(lcov(LCOV_TEST)));
    let failing = test_execution(Some(junit(JUNIT_FAIL)), Some(lcov(LCOV_TEST)));

    assert_eq!(passing.outcome, Verdict::Pass);
    assert_eq!(failing.outcome, Verdict::Fail);
}

/// A report of the demo, from `examples/data/` (origins in its
/// `ORIGINS.md`).
fn demo_report(file: &str) -> (String, Vec<u8>) {
    let path = format!("{}/../examples/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    (file.to_owned(), bytes)
}

#[test]
fn the_demo_reports_pass_and_fail_the_test_gate_with_default_thresholds() {
    let junit_of = |file: &str| {
        let (name, bytes) = demo_report(file);
        ingest::junit(Input::new(&name, &bytes), &Limits::default()).unwrap()
    };
    let (name, bytes) = demo_report(LCOV_TEST);
    let coverage = ingest::lcov(Input::new(&name, &bytes), &Limits::default()).unwrap();
    let passing = junit_of("EnricoMi-publish-unit-test-result-action__latex-utensils.xml");
    let failing = junit_of("mikepenz-action-junit-report__basic.xml");

    let pass = test_execution(Some(passing), Some(coverage.clone()));
    let fail = test_execution(Some(failing), Some(coverage));

    assert_eq!(pass.outcome, Verdict::Pass);
    assert_eq!(fail.outcome, Verdict::Fail);
    assert_eq!(fail.failed_metrics(), ["test_pass_rate"]);
}

#[test]
fn sources_are_merged_by_kind_name_and_digest() {
    let a = junit(JUNIT_FAIL);
    let merged = ingest::TestSummary::merge([a.clone(), a]);

    let e = test_execution(Some(merged), None);

    assert_eq!(e.sources.len(), 1);
}
