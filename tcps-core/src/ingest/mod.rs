//! Ingestion: the bytes of real tool reports in, summaries out
//! (quality.md 8).
//!
//! Every function here is pure. It reads no file, opens no socket, looks
//! at no clock and no environment, and never fetches an external entity,
//! DTD or schema that a document names. A report is handed in as an
//! [`Input`] (a name and the raw bytes) together with [`Limits`]; the
//! answer is a summary of counts and bounded lists, or one of the
//! `ingest_*` errors of quality.md 9 naming the input, the position (line
//! and byte column, or a JSON path) and a stable reason code.
//!
//! | function | reads | returns |
//! | --- | --- | --- |
//! | [`junit`] | JUnit XML in its many dialects | [`TestSummary`] |
//! | [`lcov`] | LCOV tracefiles | [`CoverageSummary`] |
//! | [`cobertura`] | Cobertura XML | [`CoverageSummary`] |
//! | [`jacoco`] | JaCoCo XML | [`CoverageSummary`] |
//! | [`sarif`] | SARIF 2.1.0 | [`SarifSummary`] |
//! | [`osv`] | OSV advisories | `Vec<`[`OsvSummary`]`>` |
//! | [`github`] | GitHub issue and pull request JSON | `Vec<`[`IssueSummary`]`>` |
//! | [`sbom`] | CycloneDX and SPDX JSON | [`SbomSummary`] |
//! | [`rustc_json`] | rustc and cargo JSON diagnostics | [`DiagnosticSummary`] |
//! | [`compiler_log`] | plain compiler logs | [`DiagnosticSummary`] |
//!
//! Each parser but `osv`, `github` and `sbom` has a `*_many` form that
//! merges several inputs into one summary (quality.md 7.3), and
//! [`sniff`] guesses the format of unknown bytes.
//!
//! ```
//! use tcps_core::ingest::{self, Input, Limits};
//!
//! let xml = br#"<testsuite name="s"><testcase name="a" time="0.5"/></testsuite>"#;
//! let summary = ingest::junit(Input::new("report.xml", xml), &Limits::default()).unwrap();
//! assert_eq!((summary.tests, summary.passed, summary.duration_ms), (1, 1, 500));
//! assert_eq!(summary.sources[0].bytes, xml.len() as u64);
//! ```
//!
//! Choices where quality.md is silent are written down on the function
//! that makes them.

// Product names (JUnit, JaCoCo, CycloneDX, RustSec) are not code.
#![allow(clippy::doc_markdown)]
// Without the `ingest` feature the JSON and line readers are compiled
// but not exported.
#![cfg_attr(not(feature = "ingest"), allow(dead_code, unused_imports))]

#[cfg(feature = "ingest")]
mod cobertura;
mod compiler_log;
mod coverage;
#[cfg(feature = "ingest")]
mod cvss;
mod diagnostics;
mod fail;
mod github;
#[cfg(feature = "ingest")]
mod jacoco;
mod json;
mod junit;
mod lcov;
mod osv;
mod rustc_json;
mod sarif;
mod sbom;
#[cfg(feature = "ingest")]
mod sniff;
mod summary;
mod text;
#[cfg(feature = "ingest")]
mod xml;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use coverage::{CoverageBasis, CoverageSummary};
pub use diagnostics::DiagnosticSummary;
pub use github::{IssueKind, IssueSummary};
pub use junit::TestSummary;
pub use osv::{AdvisoriesSummary, OsvPackage, OsvSummary, Rating, RatingCounts, RatingSource};
pub use sarif::SarifSummary;
pub use sbom::{SbomFormat, SbomSummary};
pub use summary::{MAX_COUNT, Ranking, Source, Summary};

// The readers, behind the default-on `ingest` feature; without it the
// summary types above stay, so gates can still take evidence.
#[cfg(feature = "ingest")]
pub use cobertura::{cobertura, cobertura_many};
#[cfg(feature = "ingest")]
pub use compiler_log::{compiler_log, compiler_log_many};
#[cfg(feature = "ingest")]
pub use github::github;
#[cfg(feature = "ingest")]
pub use jacoco::{jacoco, jacoco_many};
#[cfg(feature = "ingest")]
pub use junit::{junit, junit_many};
#[cfg(feature = "ingest")]
pub use lcov::{lcov, lcov_many};
#[cfg(feature = "ingest")]
pub use osv::osv;
#[cfg(feature = "ingest")]
pub use rustc_json::{rustc_json, rustc_json_many};
#[cfg(feature = "ingest")]
pub use sarif::{sarif, sarif_many};
#[cfg(feature = "ingest")]
pub use sbom::sbom;
#[cfg(feature = "ingest")]
pub use sniff::sniff;

/// One report handed to a parser: a name for messages and sources, and
/// the raw bytes exactly as the tool wrote them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input<'a> {
    /// The name the caller gives the report, usually its file name. It is
    /// kept (cut to 256 bytes) in the summary's [`Source`] and in errors.
    pub name: &'a str,
    /// The raw bytes, before any decoding.
    pub bytes: &'a [u8],
}

impl<'a> Input<'a> {
    /// An input named `name` holding `bytes`.
    #[must_use]
    pub fn new(name: &'a str, bytes: &'a [u8]) -> Self {
        Self { name, bytes }
    }
}

/// Bounds that keep a parser's time and memory proportional to its input
/// (quality.md 8.2).
///
/// The size check happens before any parsing; the others while parsing,
/// stopping it at once. `max_depth` values above 4096 act as 4096, the
/// readers' own ceiling, so a caller cannot ask for more nesting than the
/// stack of a small thread allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Limits {
    /// Largest input in bytes (`ingest_too_large`).
    pub max_bytes: u64,
    /// Deepest nesting of XML elements or JSON arrays and objects
    /// (`ingest_too_deep`).
    pub max_depth: u32,
    /// Most XML elements, JSON values or text lines in one input
    /// (`ingest_too_large`).
    pub max_nodes: u64,
    /// Longest attribute value or JSON string, in raw input bytes
    /// (`ingest_too_large`).
    pub max_attr_bytes: u64,
}

impl Default for Limits {
    /// 64 MiB, 256 levels, 10 000 000 nodes, 1 MiB strings.
    fn default() -> Self {
        Self {
            max_bytes: 64 * 1024 * 1024,
            max_depth: 256,
            max_nodes: 10_000_000,
            max_attr_bytes: 1024 * 1024,
        }
    }
}

impl Limits {
    /// The depth the readers actually enforce.
    pub(crate) fn depth(&self) -> u32 {
        self.max_depth.min(4096)
    }
}

/// The ten report formats, named as in [`Source::kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// JUnit XML test reports.
    Junit,
    /// LCOV tracefiles.
    Lcov,
    /// Cobertura XML coverage.
    Cobertura,
    /// JaCoCo XML coverage.
    Jacoco,
    /// SARIF 2.1.0 static-analysis results.
    Sarif,
    /// OSV vulnerability advisories.
    Osv,
    /// GitHub issue and pull request JSON.
    Github,
    /// CycloneDX or SPDX JSON SBOMs.
    Sbom,
    /// rustc and cargo JSON diagnostics.
    RustcJson,
    /// Plain compiler logs.
    CompilerLog,
}

impl Format {
    /// Every format, in the order of quality.md 8.1.
    pub const ALL: [Format; 10] = [
        Format::Junit,
        Format::Lcov,
        Format::Cobertura,
        Format::Jacoco,
        Format::Sarif,
        Format::Osv,
        Format::Github,
        Format::Sbom,
        Format::RustcJson,
        Format::CompilerLog,
    ];

    /// The snake_case name: `junit`, `lcov`, ... `compiler_log`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Junit => "junit",
            Format::Lcov => "lcov",
            Format::Cobertura => "cobertura",
            Format::Jacoco => "jacoco",
            Format::Sarif => "sarif",
            Format::Osv => "osv",
            Format::Github => "github",
            Format::Sbom => "sbom",
            Format::RustcJson => "rustc_json",
            Format::CompilerLog => "compiler_log",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = crate::Error;

    /// Parses the snake_case name; anything else is `invalid_argument`.
    fn from_str(text: &str) -> crate::Result<Self> {
        Format::ALL
            .into_iter()
            .find(|format| format.as_str() == text)
            .ok_or_else(|| crate::Error::InvalidArgument {
                argument: "format".to_owned(),
                reason: format!("unknown report format `{}`", summary::cut(text, 64)),
            })
    }
}
