//! Helpers shared by the quality tests: corpus files (copied byte for
//! byte from `../shared/corpus` into `tests/data/<kind>/`, where the
//! ingest tests keep them with their origins), parsed summaries and the
//! standard gates.

#![allow(dead_code)]

use tcps_core::ingest::{self, CoverageSummary, Input, Limits, TestSummary};
use tcps_core::quality::{Gate, QualityConfig};

/// The bytes of `tests/data/<kind>/<file>`.
pub fn data(kind: &str, file: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{kind}/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A `JUnit` report of the corpus, parsed.
pub fn junit(file: &str) -> TestSummary {
    let bytes = data("junit", file);
    ingest::junit(Input::new(file, &bytes), &Limits::default()).expect("junit parses")
}

/// An LCOV report of the corpus, parsed.
pub fn lcov(file: &str) -> CoverageSummary {
    let bytes = data("lcov", file);
    ingest::lcov(Input::new(file, &bytes), &Limits::default()).expect("lcov parses")
}

/// A Cobertura report of the corpus, parsed.
pub fn cobertura(file: &str) -> CoverageSummary {
    let bytes = data("cobertura", file);
    ingest::cobertura(Input::new(file, &bytes), &Limits::default()).expect("cobertura parses")
}

/// A gate of the standard line.
pub fn standard_gate(name: &str) -> Gate {
    QualityConfig::standard()
        .gate(name)
        .cloned()
        .unwrap_or_else(|| panic!("no standard gate {name}"))
}

pub const JUNIT_FAIL: &str = "EnricoMi-publish-unit-test-result-action__junit.fail.xml";
pub const JUNIT_PASS: &str = "EnricoMi-publish-unit-test-result-action__junit.mpi.integration.xml";
pub const JUNIT_EMPTY: &str = "test-summary-action__05-empty.xml";
pub const JUNIT_PYTHON: &str = "mikepenz-action-junit-report__python-report.xml";
pub const LCOV_TEST: &str = "coverallsapp-coverage-reporter__test.lcov";
pub const COBERTURA_LOW: &str = "gcovr-gcovr__coexisting-from-build-dir-clang-10-cobertura.a.xml";

pub mod line;
