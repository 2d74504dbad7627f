//! JUnit XML ingestion (quality.md 8.7): every corpus file and the
//! worked examples Q-43 to Q-58.
#![allow(
    clippy::format_collect,
    reason = "test inputs are built once; clarity over speed"
)]

use tcps_core::Error;
use tcps_core::ingest::{self, Format, Input, Limits, Summary, TestSummary};

fn data(file: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/junit/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn read(file: &str) -> TestSummary {
    let bytes = data(file);
    ingest::junit(Input::new(file, &bytes), &Limits::default())
        .unwrap_or_else(|error| panic!("{file}: {error}"))
}

fn read_text(text: &str) -> Result<TestSummary, Error> {
    ingest::junit(
        Input::new("inline.xml", text.as_bytes()),
        &Limits::default(),
    )
}

fn failure(error: &Error) -> &tcps_core::error::IngestFailure {
    match error {
        Error::IngestTooLarge(f)
        | Error::IngestTooDeep(f)
        | Error::IngestEmpty(f)
        | Error::IngestInvalidUtf8(f)
        | Error::IngestUnsupportedEncoding(f)
        | Error::IngestForbidden(f)
        | Error::IngestMalformed(f)
        | Error::IngestWrongFormat(f)
        | Error::IngestUnsupported(f)
        | Error::IngestNoData(f) => f,
        other => panic!("not an ingest error: {other}"),
    }
}

/// tests, passed, failed, errored, skipped, flaky, reruns, `duration_ms`,
/// `time_missing`, `time_invalid`, suites, `suite_errors`, `failed_tests_total`;
/// then `declared_tests`. Counted by the rules of quality.md 8.7 (where the
/// manifest's raw element counts differ, quality.md decides).
const CORPUS: &[(&str, [u64; 13], Option<u64>)] = &[
    (
        "EnricoMi-publish-unit-test-result-action__NUnit-correct.junit-xml",
        [28, 18, 1, 1, 8, 0, 0, 27, 7, 0, 20, 0, 2],
        Some(21),
    ),
    (
        "EnricoMi-publish-unit-test-result-action__TEST-uk.co.gresearch.spark.diff.DiffOptionsSuite.xml",
        [5, 5, 0, 0, 0, 0, 0, 2223, 0, 0, 1, 0, 0],
        Some(5),
    ),
    (
        "EnricoMi-publish-unit-test-result-action__disabled.xml",
        [31, 6, 19, 1, 5, 0, 0, 2, 0, 0, 2, 0, 20],
        Some(31),
    ),
    (
        "EnricoMi-publish-unit-test-result-action__empty-system-out-err.xml",
        [1, 1, 0, 0, 0, 0, 0, 1234, 0, 0, 1, 0, 0],
        Some(1),
    ),
    (
        "EnricoMi-publish-unit-test-result-action__jest-junit.xml",
        [2, 2, 0, 0, 0, 0, 0, 295, 0, 0, 1, 0, 0],
        Some(2),
    ),
    (
        "EnricoMi-publish-unit-test-result-action__junit.fail.xml",
        [5, 3, 1, 0, 1, 0, 0, 21908, 0, 0, 1, 0, 1],
        Some(5),
    ),
    (
        "EnricoMi-publish-unit-test-result-action__junit.mpi.integration.xml",
        [3, 3, 0, 0, 0, 0, 0, 15296, 0, 0, 1, 0, 0],
        Some(3),
    ),
    (
        "EnricoMi-publish-unit-test-result-action__latex-utensils.xml",
        [109, 109, 0, 0, 0, 0, 0, 266, 0, 0, 1, 0, 0],
        Some(109),
    ),
    (
        "EnricoMi-publish-unit-test-result-action__minimal-attributes.xml",
        [4, 1, 1, 1, 1, 0, 0, 0, 4, 0, 1, 0, 2],
        None,
    ),
    (
        "EnricoMi-publish-unit-test-result-action__suite-logs.xml",
        [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1],
        Some(1),
    ),
    (
        "EnricoMi-publish-unit-test-result-action__testsuite-in-testsuite.xml",
        [5, 5, 0, 0, 0, 0, 0, 4807, 0, 0, 4, 0, 0],
        Some(5),
    ),
    (
        "EnricoMi-publish-unit-test-result-action__unsupported-unicode.xml",
        [7, 1, 2, 2, 2, 0, 0, 8610, 0, 0, 1, 0, 4],
        Some(7),
    ),
    (
        "EnricoMi-publish-unit-test-result-action__with-xml-entities.xml",
        [4, 0, 1, 1, 2, 0, 0, 0, 0, 0, 1, 0, 2],
        None,
    ),
    (
        "EnricoMi-publish-unit-test-result-action__xunit.xml",
        [2, 2, 0, 0, 0, 0, 0, 458, 0, 0, 1, 0, 0],
        Some(173),
    ),
    (
        "allure-framework-allure2__TEST-status-attribute.xml",
        [3, 1, 0, 0, 2, 0, 0, 60, 0, 0, 2, 0, 0],
        Some(3),
    ),
    (
        "allure-framework-allure2__TEST-test.CdataMessage.xml",
        [2, 1, 1, 0, 0, 0, 0, 2055, 0, 0, 1, 0, 1],
        Some(2),
    ),
    (
        "allure-framework-allure2__testsuites.xml",
        [3, 1, 1, 0, 1, 0, 0, 6, 0, 0, 2, 0, 1],
        Some(3),
    ),
    (
        "dorny-test-reporter__TEST-org.apache.pulsar.AddMissingPatchVersionTest.xml",
        [2, 0, 1, 0, 1, 0, 0, 116, 0, 0, 1, 0, 1],
        Some(2),
    ),
    (
        "dorny-test-reporter__jest-junit-eslint.xml",
        [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0],
        Some(1),
    ),
    (
        "dorny-test-reporter__phpcheckstyle-phpunit.xml",
        [30, 28, 2, 0, 0, 0, 0, 43, 0, 0, 14, 0, 2],
        Some(30),
    ),
    (
        "dorny-test-reporter__phpunit.xml",
        [12, 10, 2, 0, 0, 0, 0, 139, 0, 0, 4, 0, 2],
        Some(12),
    ),
    (
        "dorny-test-reporter__pulsar-test-report.xml",
        [808, 793, 1, 0, 14, 0, 0, 2_126_531, 3, 0, 176, 0, 1],
        Some(808),
    ),
    (
        "dorny-test-reporter__python-xunit-unittest.xml",
        [8, 4, 1, 1, 2, 0, 0, 1, 0, 0, 1, 0, 2],
        Some(8),
    ),
    (
        "dorny-test-reporter__swift-xunit.xml",
        [3, 2, 1, 0, 0, 0, 0, 220, 0, 0, 1, 0, 1],
        Some(3),
    ),
    (
        "dorny-test-reporter__test-errors-jest-test-results.xml",
        [2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 2, 0, 2],
        Some(0),
    ),
    (
        "dorny-test-reporter__tester-v1.7-report.xml",
        [65, 61, 1, 0, 3, 0, 0, 0, 65, 0, 1, 0, 1],
        Some(65),
    ),
    (
        "gotestyourself-gotestsum__junitxml-report-skip-empty.golden",
        [60, 42, 13, 0, 5, 0, 0, 60, 0, 0, 4, 0, 13],
        Some(59),
    ),
    (
        "jenkinsci-junit-plugin__JENKINS-30413.xml",
        [2, 1, 1, 0, 0, 0, 0, 0, 2, 0, 1, 0, 1],
        None,
    ),
    (
        "jenkinsci-junit-plugin__TEST-io.olamy.FlakyTest.xml",
        [1, 1, 0, 0, 0, 1, 2, 1, 0, 0, 1, 0, 0],
        Some(3),
    ),
    (
        "jenkinsci-junit-plugin__TEST-null.xml",
        [1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 1],
        Some(1),
    ),
    (
        "jenkinsci-junit-plugin__eclipse-plugin-test-report.xml",
        [3366, 3366, 0, 0, 0, 0, 0, 366_025, 0, 0, 16, 0, 0],
        Some(3366),
    ),
    (
        "jenkinsci-junit-plugin__junit-report-20090516.xml",
        [8, 5, 0, 3, 0, 0, 0, 14367, 0, 0, 1, 0, 3],
        Some(8),
    ),
    (
        "jenkinsci-junit-plugin__junit-report-bad-duration.xml",
        [2, 2, 0, 0, 0, 0, 0, 100_000, 0, 1, 1, 0, 0],
        Some(1),
    ),
    (
        "jenkinsci-junit-plugin__junit-report-empty-testcasename.xml",
        [1, 0, 1, 0, 0, 0, 0, 16, 0, 0, 1, 0, 1],
        Some(1),
    ),
    (
        "jenkinsci-junit-plugin__junit-report-testsuite-time-attrs.xml",
        [8, 8, 0, 0, 0, 0, 0, 101_000, 0, 0, 4, 0, 0],
        Some(8),
    ),
    (
        "jstemmer-go-junit-report__001-report.xml",
        [5, 2, 1, 0, 2, 0, 0, 461, 0, 0, 3, 0, 1],
        Some(5),
    ),
    (
        "jstemmer-go-junit-report__014-report.xml",
        [2, 0, 0, 2, 0, 0, 0, 0, 0, 0, 2, 0, 2],
        Some(2),
    ),
    (
        "jstemmer-go-junit-report__104-report.xml",
        [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1],
        Some(1),
    ),
    (
        "mikepenz-action-junit-report__TEST-action.surefire.report.calc.StringUtilsTest.xml",
        [5, 2, 2, 0, 1, 0, 0, 7, 0, 0, 1, 0, 2],
        Some(5),
    ),
    (
        "mikepenz-action-junit-report__basic.xml",
        [3, 2, 1, 0, 0, 0, 0, 2663, 0, 0, 1, 0, 1],
        Some(3),
    ),
    (
        "mikepenz-action-junit-report__python-report.xml",
        [3, 1, 2, 0, 0, 0, 0, 2, 0, 0, 1, 0, 2],
        Some(3),
    ),
    (
        "mikepenz-action-junit-report__surefire-report.xml",
        [1, 1, 0, 0, 0, 1, 1, 683, 0, 0, 1, 0, 0],
        Some(1),
    ),
    (
        "mikepenz-action-junit-report__test.xml",
        [3, 3, 0, 0, 0, 0, 0, 999_638_317_000, 0, 0, 1, 0, 0],
        Some(8),
    ),
    (
        "mikepenz-action-junit-report__testFailure.xml",
        [4, 3, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1],
        Some(4),
    ),
    (
        "mikepenz-action-junit-report__test_multiple_errors.xml",
        [3, 1, 0, 2, 0, 0, 0, 40, 0, 0, 1, 0, 2],
        Some(3),
    ),
    (
        "test-summary-action__02-example.xml",
        [30, 21, 9, 0, 0, 0, 0, 90078, 0, 0, 7, 0, 9],
        Some(30),
    ),
    (
        "test-summary-action__05-empty.xml",
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        None,
    ),
];

#[test]
fn every_readable_corpus_file_gives_its_counts() {
    for (file, counts, declared) in CORPUS {
        let s = read(file);
        let got = [
            s.tests,
            s.passed,
            s.failed,
            s.errored,
            s.skipped,
            s.flaky,
            s.reruns,
            s.duration_ms,
            s.time_missing,
            s.time_invalid,
            s.suites,
            s.suite_errors,
            s.failed_tests_total,
        ];
        assert_eq!(&got, counts, "{file}");
        assert_eq!(s.declared_tests, *declared, "{file}");
        assert_eq!(s.executed, s.tests - s.skipped, "{file}");
        assert_eq!(
            s.tests,
            s.passed + s.failed + s.errored + s.skipped,
            "{file}"
        );
        assert_eq!(
            s.failed_tests.len() as u64,
            s.failed_tests_total.min(100),
            "{file}"
        );
        assert_eq!(s.sources.len(), 1);
        assert_eq!(s.sources[0].kind, Format::Junit);
        assert_eq!(s.sources[0].name, *file);
        assert_eq!(s.sources[0].bytes, data(file).len() as u64);
    }
}

#[test]
fn the_corpus_is_covered_file_by_file() {
    let dir = format!("{}/tests/data/junit", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let errors = [
        "EnricoMi-publish-unit-test-result-action__corrupt-xml.xml",
        "jenkinsci-junit-plugin__testXxe-xxe.xml",
    ];
    let tested: Vec<&str> = CORPUS.iter().map(|row| row.0).chain(errors).collect();
    for file in &files {
        assert!(tested.contains(&file.as_str()), "{file} has no test");
    }
    assert_eq!(files.len(), tested.len());
}

#[test]
fn q43_nunit_converted_to_junit() {
    let s = read("EnricoMi-publish-unit-test-result-action__NUnit-correct.junit-xml");

    assert_eq!(
        (
            s.tests, s.passed, s.failed, s.errored, s.skipped, s.executed
        ),
        (28, 18, 1, 1, 8, 20)
    );
    assert_eq!(
        (s.suites, s.declared_tests, s.duration_ms, s.time_missing),
        (20, Some(21), 27, 7)
    );
    assert_eq!(
        s.failed_tests,
        [
            "NUnit.Tests.Assemblies.MockTestFixture.FailingTest",
            "NUnit.Tests.Assemblies.MockTestFixture.TestWithException"
        ]
    );
}

#[test]
fn q44_status_attribute_without_a_result_child() {
    let s = read("EnricoMi-publish-unit-test-result-action__disabled.xml");

    assert_eq!(
        (
            s.tests, s.passed, s.failed, s.errored, s.skipped, s.executed
        ),
        (31, 6, 19, 1, 5, 26)
    );
    assert_eq!(
        (s.suites, s.declared_tests, s.duration_ms),
        (2, Some(31), 2)
    );
}

#[test]
fn q45_surefire_flaky_rerun() {
    let s = read("jenkinsci-junit-plugin__TEST-io.olamy.FlakyTest.xml");

    assert_eq!(
        (
            s.tests,
            s.passed,
            s.flaky,
            s.reruns,
            s.declared_tests,
            s.duration_ms
        ),
        (1, 1, 1, 2, Some(3), 1)
    );
    assert_eq!(s.flaky_tests, ["io.olamy.FlakyTest::testApp"]);
    assert_eq!((s.failed, s.executed, s.flaky_tests_total), (0, 1, 1));
}

#[test]
fn q46_several_result_children_count_once() {
    let s = read("mikepenz-action-junit-report__test_multiple_errors.xml");

    assert_eq!(
        (s.tests, s.passed, s.failed, s.errored, s.duration_ms),
        (3, 1, 0, 2, 40)
    );
}

#[test]
fn q47_bom_and_crlf_change_nothing() {
    let s = read("EnricoMi-publish-unit-test-result-action__xunit.xml");

    assert_eq!(
        (s.tests, s.passed, s.declared_tests, s.duration_ms),
        (2, 2, Some(173), 458)
    );
}

#[test]
fn q48_negative_time_is_invalid() {
    let s = read("jenkinsci-junit-plugin__junit-report-bad-duration.xml");

    assert_eq!(
        (
            s.tests,
            s.passed,
            s.duration_ms,
            s.time_invalid,
            s.declared_tests
        ),
        (2, 2, 100_000, 1, Some(1))
    );
}

#[test]
fn q49_declared_totals_are_reported_not_used() {
    let s = read("gotestyourself-gotestsum__junitxml-report-skip-empty.golden");

    assert_eq!(
        (
            s.tests, s.passed, s.failed, s.errored, s.skipped, s.executed
        ),
        (60, 42, 13, 0, 5, 55)
    );
    assert_eq!((s.declared_tests, s.failed_tests_total), (Some(59), 13));
    assert_eq!(s.failed_tests[0], "TestMain");
    // Pass rate 42 / 55 = 7636 bp, truncated.
    assert_eq!(s.passed * 10_000 / s.executed, 7636);
}

#[test]
fn q50_non_bmp_characters_are_kept() {
    let s = read("EnricoMi-publish-unit-test-result-action__unsupported-unicode.xml");

    assert_eq!(
        (
            s.tests,
            s.passed,
            s.failed,
            s.errored,
            s.skipped,
            s.duration_ms
        ),
        (7, 1, 2, 2, 2, 8610)
    );
    assert_eq!(s.failed_tests, ["test 4", "test 5", "test 6", "test 7"]);
    let text = String::from_utf8(data(
        "EnricoMi-publish-unit-test-result-action__unsupported-unicode.xml",
    ))
    .unwrap();
    assert!(text.contains('\u{1237A}') && text.contains('\u{20109}') && text.contains('\u{214FF}'));
}

#[test]
fn q51_large_aggregated_report() {
    let s = read("dorny-test-reporter__pulsar-test-report.xml");

    assert_eq!(
        (s.tests, s.passed, s.failed, s.skipped, s.executed),
        (808, 793, 1, 14, 794)
    );
    assert_eq!(
        (s.suites, s.time_missing, s.duration_ms),
        (176, 3, 2_126_531)
    );
}

#[test]
fn q52_huge_time_values() {
    let s = read("mikepenz-action-junit-report__test.xml");

    assert_eq!(
        (s.tests, s.passed, s.declared_tests, s.duration_ms),
        (3, 3, Some(8), 999_638_317_000)
    );
}

#[test]
fn q53_truncated_file_is_unexpected_eof_at_the_end() {
    let file = "EnricoMi-publish-unit-test-result-action__corrupt-xml.xml";
    let bytes = data(file);
    assert_eq!(bytes.len(), 769);

    let error =
        ingest::junit(Input::new("corrupt-xml.xml", &bytes), &Limits::default()).unwrap_err();

    assert_eq!(error.name(), "ingest_malformed");
    assert_eq!(error.code(), 256);
    let f = failure(&error);
    assert_eq!(
        (f.reason.as_str(), f.line, f.column),
        ("unexpected_eof", Some(11), Some(22))
    );
    assert_eq!(
        error.to_string(),
        "junit input `corrupt-xml.xml` at 11:22: unexpected end of input"
    );
}

#[test]
fn q54_external_entity_probe_is_forbidden() {
    let bytes = data("jenkinsci-junit-plugin__testXxe-xxe.xml");

    let error = ingest::junit(Input::new("xxe.xml", &bytes), &Limits::default()).unwrap_err();

    assert_eq!(error.name(), "ingest_forbidden");
    let f = failure(&error);
    assert_eq!((f.line, f.column), (Some(2), Some(1)));
}

#[test]
fn q55_empty_suites_are_valid() {
    let s = read("test-summary-action__05-empty.xml");

    assert_eq!((s.tests, s.executed, s.declared_tests), (0, 0, None));
}

#[test]
fn q56_suite_level_error_is_a_test() {
    let s = read_text(r#"<testsuites><testsuite name="s1"><error message="setup"/><testcase name="a"/></testsuite></testsuites>"#)
        .unwrap();

    assert_eq!((s.tests, s.passed, s.errored, s.suite_errors), (2, 1, 1, 1));
    assert_eq!(s.failed_tests, ["s1::(suite)"]);

    let unnamed = read_text("<testsuite><failure/></testsuite>").unwrap();
    assert_eq!(unnamed.failed_tests, ["(suite)"]);
}

#[test]
fn q57_coverage_is_not_junit() {
    let path = format!(
        "{}/tests/data/cobertura/nedbat-coveragepy__x_xml-coverage.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(path).unwrap();

    let error = ingest::junit(Input::new("coverage.xml", &bytes), &Limits::default()).unwrap_err();

    assert_eq!(error.name(), "ingest_wrong_format");
    assert_eq!(failure(&error).detail, "expected junit, found coverage");
}

#[test]
fn q58_time_values() {
    let cases: &[(&str, u64, u64, u64)] = &[
        ("", 0, 1, 0),
        ("0.001", 1, 0, 0),
        ("1.2345", 1235, 0, 0),
        ("0.0005", 1, 0, 0),
        ("0.0004", 0, 0, 0),
        ("2,503.1", 2_503_100, 0, 0),
        ("1,5", 1500, 0, 0),
        ("0,123", 123, 0, 0),
        ("1,234", 1_234_000, 0, 0),
        ("1.5E-4", 0, 0, 0),
        ("3e2", 300_000, 0, 0),
        (" 7 ", 7000, 0, 0),
        ("-0", 0, 0, 0),
        ("-345345", 0, 0, 1),
        ("abc", 0, 0, 1),
        ("1e400", 0, 0, 1),
    ];
    for (time, ms, missing, invalid) in cases {
        let s = read_text(&format!(
            r#"<testsuite><testcase name="t" time="{time}"/></testsuite>"#
        ))
        .unwrap();
        assert_eq!(
            (s.duration_ms, s.time_missing, s.time_invalid),
            (*ms, *missing, *invalid),
            "{time:?}"
        );
    }
    let absent = read_text(r#"<testsuite><testcase name="t"/></testsuite>"#).unwrap();
    assert_eq!((absent.duration_ms, absent.time_missing), (0, 1));
}

#[test]
fn outcomes_follow_the_first_rule_that_applies() {
    let xml = r#"<testsuite>
        <testcase name="a"><failure/><error/></testcase>
        <testcase name="b"><rerunFailure/><skipped/></testcase>
        <testcase name="c"><rerunError/></testcase>
        <testcase name="d" status=" NotRun "/>
        <testcase name="e" status="Failure"/>
        <testcase name="f" status="errored"/>
        <testcase name="g" status="success"><flakyError/></testcase>
        <testcase name="h" status="skipped"><flakyFailure/></testcase>
        <testcase name="i" classname=" k "><testcase name="nested"><failure/></testcase></testcase>
    </testsuite>"#;

    let s = read_text(xml).unwrap();

    assert_eq!(
        (s.tests, s.passed, s.failed, s.errored, s.skipped),
        (9, 2, 2, 3, 2)
    );
    assert_eq!((s.flaky, s.reruns), (1, 4));
    assert_eq!(s.failed_tests, ["a", "b", "c", "e", "f"]);
    assert_eq!(s.flaky_tests, ["g"]);
}

#[test]
fn declared_totals_fall_back_to_the_direct_suites() {
    let sum = read_text(
        r#"<testsuites><testsuite tests="2"/><testsuite/><testsuite tests=" 3 "/></testsuites>"#,
    )
    .unwrap();
    assert_eq!(sum.declared_tests, Some(5));

    let none = read_text("<testsuites><testsuite/></testsuites>").unwrap();
    assert_eq!(none.declared_tests, None);

    let invalid =
        read_text(r#"<testsuites tests="x"><testsuite tests="2"/></testsuites>"#).unwrap();
    assert_eq!(invalid.declared_tests, None);

    let nested =
        read_text(r#"<testsuites><testsuite><testsuite tests="9"/></testsuite></testsuites>"#)
            .unwrap();
    assert_eq!(nested.declared_tests, None);
}

#[test]
fn lists_are_capped_at_one_hundred_with_totals() {
    let cases: String = (0..150)
        .map(|i| format!(r#"<testcase name="t{i}"><failure/></testcase>"#))
        .collect();
    let s = read_text(&format!("<testsuite>{cases}</testsuite>")).unwrap();

    assert_eq!(
        (s.failed, s.failed_tests.len(), s.failed_tests_total),
        (150, 100, 150)
    );
    assert_eq!(s.failed_tests[99], "t99");
}

#[test]
fn long_ids_are_cut_at_a_character_boundary() {
    let name = "é".repeat(200);
    let s = read_text(&format!(
        r#"<testsuite><testcase name="{name}"><failure/></testcase></testsuite>"#
    ))
    .unwrap();

    assert_eq!(s.failed_tests[0].len(), 256);
    assert!(s.failed_tests[0].chars().all(|c| c == 'é'));
}

#[test]
fn many_merges_reports() {
    let a = data("jenkinsci-junit-plugin__TEST-io.olamy.FlakyTest.xml");
    let b = data("test-summary-action__05-empty.xml");
    let c = data("EnricoMi-publish-unit-test-result-action__disabled.xml");
    let inputs = [
        Input::new("a.xml", &a),
        Input::new("b.xml", &b),
        Input::new("c.xml", &c),
    ];

    let merged = ingest::junit_many(&inputs, &Limits::default()).unwrap();

    assert_eq!(
        (merged.tests, merged.passed, merged.failed, merged.flaky),
        (32, 7, 19, 1)
    );
    assert_eq!(merged.declared_tests, Some(34));
    assert_eq!(
        merged
            .sources
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        ["a.xml", "b.xml", "c.xml"]
    );
    let parts: Vec<TestSummary> = inputs
        .iter()
        .map(|i| ingest::junit(*i, &Limits::default()).unwrap())
        .collect();
    assert_eq!(TestSummary::merge(parts), merged);
    assert_eq!(TestSummary::merge(Vec::new()), TestSummary::default());

    let bad = [Input::new("a.xml", &a), Input::new("bad.xml", b"<nope/>")];
    let error = ingest::junit_many(&bad, &Limits::default()).unwrap_err();
    assert_eq!(failure(&error).input, "bad.xml");
}

#[test]
fn the_source_digest_is_over_the_raw_bytes() {
    let s = read("EnricoMi-publish-unit-test-result-action__xunit.xml");

    // sha256sum of the file as copied from the corpus (BOM, CR LF and all).
    assert_eq!(
        s.sources[0].sha256.to_hex(),
        "8c27937d81cb8f1bf34d4c55bbc5845b572ece683d7d5e322625b5c14e469d7f"
    );
}
