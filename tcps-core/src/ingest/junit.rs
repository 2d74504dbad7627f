//! JUnit XML test reports (quality.md 8.7).

use serde::{Deserialize, Serialize};

use super::summary::{Source, Summary, add, concat_capped};

#[cfg(feature = "ingest")]
mod read;
#[cfg(feature = "ingest")]
pub use read::{junit, junit_many};

/// The counts of one or more test reports.
///
/// Tests are counted from `testcase` elements (and suite-level `error`
/// and `failure` elements), never from the totals suites declare.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSummary {
    /// Test cases plus suite-level errors.
    pub tests: u64,
    /// Tests that passed (flaky ones included).
    pub passed: u64,
    /// Tests that failed.
    pub failed: u64,
    /// Tests that errored.
    pub errored: u64,
    /// Tests that were skipped.
    pub skipped: u64,
    /// `tests − skipped`.
    pub executed: u64,
    /// Passed tests that failed first and passed on a rerun.
    pub flaky: u64,
    /// All `flakyFailure`, `flakyError`, `rerunFailure`, `rerunError`
    /// children.
    pub reruns: u64,
    /// Sum of the test cases' `time`, in milliseconds.
    pub duration_ms: u64,
    /// Test cases without a `time` (or with a blank one).
    pub time_missing: u64,
    /// Test cases whose `time` is not a usable number of seconds.
    pub time_invalid: u64,
    /// Number of `testsuite` elements.
    pub suites: u64,
    /// `error` and `failure` elements directly under a `testsuite`.
    pub suite_errors: u64,
    /// The total the report declares, reported and never used; null when
    /// it declares none or an invalid one.
    pub declared_tests: Option<u64>,
    /// Ids of failed and errored tests, in document order (at most 100).
    pub failed_tests: Vec<String>,
    /// Number of failed and errored tests.
    pub failed_tests_total: u64,
    /// Ids of flaky tests, in document order (at most 100).
    pub flaky_tests: Vec<String>,
    /// Number of flaky tests.
    pub flaky_tests_total: u64,
    /// One source per input.
    pub sources: Vec<Source>,
}

impl Summary for TestSummary {
    fn merge<I: IntoIterator<Item = Self>>(parts: I) -> Self {
        let parts: Vec<Self> = parts.into_iter().collect();
        let sum = |field: fn(&Self) -> u64| parts.iter().fold(0, |acc, part| add(acc, field(part)));
        let declared: Vec<u64> = parts
            .iter()
            .filter_map(|part| part.declared_tests)
            .collect();
        Self {
            tests: sum(|s| s.tests),
            passed: sum(|s| s.passed),
            failed: sum(|s| s.failed),
            errored: sum(|s| s.errored),
            skipped: sum(|s| s.skipped),
            executed: sum(|s| s.executed),
            flaky: sum(|s| s.flaky),
            reruns: sum(|s| s.reruns),
            duration_ms: sum(|s| s.duration_ms),
            time_missing: sum(|s| s.time_missing),
            time_invalid: sum(|s| s.time_invalid),
            suites: sum(|s| s.suites),
            suite_errors: sum(|s| s.suite_errors),
            declared_tests: if declared.is_empty() {
                None
            } else {
                Some(declared.into_iter().fold(0, add))
            },
            failed_tests: concat_capped(parts.iter().map(|s| s.failed_tests.clone())),
            failed_tests_total: sum(|s| s.failed_tests_total),
            flaky_tests: concat_capped(parts.iter().map(|s| s.flaky_tests.clone())),
            flaky_tests_total: sum(|s| s.flaky_tests_total),
            sources: parts.into_iter().flat_map(|s| s.sources).collect(),
        }
    }

    fn sources(&self) -> &[Source] {
        &self.sources
    }
}
