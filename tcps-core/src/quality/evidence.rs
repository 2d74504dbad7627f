//! Evidence values, the metrics they give and the summary object of the
//! gate receipt (quality.md 3, 4, 7).

use serde::{Deserialize, Serialize};

use super::config::{EvidenceKind, Gate, LicencePolicy};
use super::licence::is_unknown_licence;
use super::manifest::ArtifactManifest;
use super::metric::{Actual, Metric, Note, Op, Outcome, Verdict};
use crate::digest::Digest;
use crate::error::Result;
#[cfg(feature = "ingest")]
use crate::ingest::Input;
use crate::ingest::{
    AdvisoriesSummary, CoverageSummary, DiagnosticSummary, OsvSummary, SarifSummary, SbomSummary,
    Source, TestSummary,
};
use crate::kaizen::HistoryCounts;
use crate::time::Timestamp;
use crate::value::{Map, Value};

/// The largest count a receipt holds: 2^53 − 1.
const MAX_COUNT: u64 = (1 << 53) - 1;

/// Entries kept in a capped list of names (quality.md 7.5).
const LIST_CAP: usize = 100;

/// Longest string kept in a list or as a key (quality.md 7.5).
const MAX_TEXT: usize = 256;

/// A SHACL validator's verdict (quality.md 7.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShaclEvidence {
    /// No validator ran: the gate fails unless skipped (quality.md 4.1).
    Unavailable,
    /// The validator's report.
    Report {
        /// Whether the data conforms.
        conforms: bool,
        /// One message per violation, as the validator printed it.
        violations: Vec<String>,
    },
}

/// The SBOM of a release (quality.md 7.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SbomEvidence {
    /// No SBOM was given.
    Missing,
    /// An SBOM was given and could not be read.
    Unparsable {
        /// The `snake_case` name of the ingest error.
        error_name: String,
    },
    /// The SBOM's summary.
    Parsed(SbomSummary),
}

impl SbomEvidence {
    /// Reads an SBOM with `ingest::sbom`; a failure becomes
    /// [`SbomEvidence::Unparsable`], so a broken SBOM fails the release
    /// check instead of the evaluation.
    #[cfg(feature = "ingest")]
    #[must_use]
    pub fn from_input(input: Input<'_>) -> Self {
        match crate::ingest::sbom(input, &crate::ingest::Limits::default()) {
            Ok(summary) => Self::Parsed(summary),
            Err(e) => Self::Unparsable {
                error_name: e.name().to_owned(),
            },
        }
    }
}

/// The typed input of one evaluation, one variant per evidence kind
/// (quality.md 7.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// A SHACL validator's verdict.
    Shacl(ShaclEvidence),
    /// Merged compiler diagnostics.
    Compilation(DiagnosticSummary),
    /// Test and coverage summaries; `None` when no report was given.
    Tests {
        /// The merged test reports.
        tests: Option<TestSummary>,
        /// The merged coverage reports.
        coverage: Option<CoverageSummary>,
    },
    /// Findings of a security scan; each field is required by the
    /// standard gate, `None` meaning "not scanned".
    Security {
        /// Findings of code scanners.
        sarif: Option<SarifSummary>,
        /// Advisories that affect the build; `Some(vec![])` is "scanned,
        /// none found".
        advisories: Option<Vec<OsvSummary>>,
        /// A secret scanner's output: every counted result is a secret.
        secrets: Option<SarifSummary>,
    },
    /// Two independent builds.
    Determinism {
        /// The first build's digest.
        first: Digest,
        /// The second build's digest.
        second: Digest,
        /// Each build's artifact manifest, when known.
        manifests: Option<(ArtifactManifest, ArtifactManifest)>,
    },
    /// The line's own history; the line computes it.
    History,
    /// What a release needs.
    Release {
        /// The artifact's digest.
        artifact: Option<Digest>,
        /// The lock file's digest.
        lock: Option<Digest>,
        /// The SBOM.
        sbom: SbomEvidence,
    },
    /// A smoke test report.
    Smoke(Option<TestSummary>),
}

impl Evidence {
    /// The evidence kind.
    #[must_use]
    pub fn kind(&self) -> EvidenceKind {
        match self {
            Self::Shacl(_) => EvidenceKind::Shacl,
            Self::Compilation(_) => EvidenceKind::Compilation,
            Self::Tests { .. } => EvidenceKind::Tests,
            Self::Security { .. } => EvidenceKind::Security,
            Self::Determinism { .. } => EvidenceKind::Determinism,
            Self::History => EvidenceKind::History,
            Self::Release { .. } => EvidenceKind::Release,
            Self::Smoke(_) => EvidenceKind::Smoke,
        }
    }

    /// Checks the digests and manifests it holds (quality.md 5.1, check
    /// 6): `invalid_digest` or `duplicate_artifact`.
    pub fn check(&self) -> Result<()> {
        if let Self::Determinism {
            manifests: Some((a, b)),
            ..
        } = self
        {
            a.entries_checked()?;
            b.entries_checked()?;
        }
        Ok(())
    }
}

/// The history an evaluation of kind `history` reads: a window
/// `[start, end)` in ms and its counts (`kaizen::history`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// First ms of the window.
    pub start: Timestamp,
    /// First ms after the window.
    pub end: Timestamp,
    /// The counts.
    pub counts: HistoryCounts,
}

/// The state of the receipt chain for the release check (quality.md
/// 4.7, check 5), computed by the line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptChain {
    /// Every gated stage before the release gate's passed and the log
    /// verifies.
    #[default]
    Complete,
    /// Gated stages before the release gate's without a passed result,
    /// in line order.
    Incomplete {
        /// The stages.
        missing: Vec<String>,
    },
    /// The log does not verify.
    Broken {
        /// The first bad sequence number.
        seq: u64,
    },
}

/// What the line supplies to an evaluation besides the evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvalContext {
    /// The licence policy in force.
    pub licences: LicencePolicy,
    /// The history, for kind `history`.
    pub history: History,
    /// The receipt chain, for kind `release`.
    pub chain: ReceiptChain,
}

/// One condition as judged, the entry of the receipt's `conditions`
/// (quality.md 5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionResult {
    /// The metric.
    pub metric: Metric,
    /// The operator.
    pub op: Op,
    /// The error threshold.
    pub error: Option<i64>,
    /// The warning threshold.
    pub warning: Option<i64>,
    /// The value, or `None` without data.
    pub actual: Option<Actual>,
    /// The verdict.
    pub verdict: Verdict,
    /// Why there is no value.
    pub note: Option<Note>,
}

impl ConditionResult {
    /// The receipt form.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let threshold = |t: Option<i64>| t.map_or(Value::Null, Value::Int);
        crate::obj! {
            "metric" => self.metric.as_str(),
            "op" => self.op.as_str(),
            "error" => threshold(self.error),
            "warning" => threshold(self.warning),
            "actual" => self.actual.as_ref().map_or(Value::Null, Actual::to_value),
            "verdict" => self.verdict.as_str(),
            "note" => self.note.map_or(Value::Null, |n| Value::from(note_str(n))),
        }
    }
}

pub(crate) fn note_str(note: Note) -> &'static str {
    match note {
        Note::NoData => "no_data",
        Note::ValidatorUnavailable => "validator_unavailable",
    }
}

/// The verdicts of one evaluation, before the line numbers and records
/// it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    /// One result per condition, in gate order.
    pub conditions: Vec<ConditionResult>,
    /// The worst verdict, `warn` for a downgraded `fail`.
    pub outcome: Outcome,
    /// A `fail` reported as `warn` (non-blocking gate).
    pub downgraded: bool,
    /// The summary object of quality.md 7.4.
    pub summary: Value,
    /// The distinct raw reports behind the evidence (quality.md 7.6).
    pub sources: Vec<Source>,
}

impl Evaluation {
    /// The metrics of the failed conditions, in gate order.
    #[must_use]
    pub fn failed_metrics(&self) -> Vec<&'static str> {
        self.conditions
            .iter()
            .filter(|c| c.verdict == Verdict::Fail)
            .map(|c| c.metric.as_str())
            .collect()
    }
}

/// Judges `evidence` with `gate` (quality.md 2.2–2.4): metrics, verdicts,
/// outcome, summary and sources. The evidence kind must be the gate's;
/// the line checks that first.
pub fn evaluate(gate: &Gate, evidence: &Evidence, context: &EvalContext) -> Result<Evaluation> {
    evidence.check()?;
    let measured = measure(evidence, context)?;

    let conditions: Vec<ConditionResult> = gate
        .conditions
        .iter()
        .map(|c| {
            let actual = measured.get(c.metric);
            let note = actual.is_none().then(|| {
                if c.metric == Metric::ShaclViolations && measured.validator_unavailable {
                    Note::ValidatorUnavailable
                } else {
                    Note::NoData
                }
            });
            ConditionResult {
                metric: c.metric,
                op: c.op,
                error: c.error,
                warning: c.warning,
                actual,
                verdict: c.verdict(actual.as_ref()),
                note,
            }
        })
        .collect();

    let worst = conditions
        .iter()
        .map(|c| c.verdict)
        .max()
        .unwrap_or(Verdict::Pass);
    let downgraded = !gate.blocking && worst == Verdict::Fail;
    Ok(Evaluation {
        conditions,
        outcome: if downgraded { Verdict::Warn } else { worst },
        downgraded,
        summary: measured.summary,
        sources: measured.sources,
    })
}

/// The metric values, summary and sources of one piece of evidence.
struct Measured {
    values: Vec<(Metric, Actual)>,
    validator_unavailable: bool,
    summary: Value,
    sources: Vec<Source>,
}

impl Measured {
    fn get(&self, metric: Metric) -> Option<Actual> {
        self.values
            .iter()
            .find(|(m, _)| *m == metric)
            .map(|(_, a)| *a)
    }
}

fn measure(evidence: &Evidence, context: &EvalContext) -> Result<Measured> {
    let mut m = Measured {
        values: Vec::new(),
        validator_unavailable: false,
        summary: Value::object(),
        sources: Vec::new(),
    };
    let count = |metric, c: u64| (metric, Actual::Count(c));

    match evidence {
        Evidence::Shacl(ShaclEvidence::Unavailable) => m.validator_unavailable = true,
        Evidence::Shacl(ShaclEvidence::Report {
            conforms,
            violations,
        }) => {
            let n = violations.len() as u64;
            let violations_count = if n == 0 && !conforms { 1 } else { n };
            m.values
                .push(count(Metric::ShaclViolations, violations_count));
            m.summary = crate::obj! {
                "conforms" => *conforms,
                "violations" => capped(violations.iter().map(String::as_str)),
                "violations_total" => sat(n),
            };
        }
        Evidence::Compilation(diagnostics) => {
            m.values
                .push(count(Metric::CompileErrors, diagnostics.errors));
            m.values
                .push(count(Metric::CompileWarnings, diagnostics.warnings));
            m.summary = crate::obj! { "diagnostics" => stripped(diagnostics)? };
            m.sources.extend(diagnostics.sources.iter().cloned());
        }
        Evidence::Tests { tests, coverage } => {
            if let Some(t) = tests {
                m.values.extend(test_values(t));
                m.sources.extend(t.sources.iter().cloned());
            }
            if let Some(c) = coverage {
                let ratios = [
                    (Metric::LineCoverage, c.lines_hit, c.lines_found),
                    (Metric::BranchCoverage, c.branches_hit, c.branches_found),
                    (Metric::FunctionCoverage, c.functions_hit, c.functions_found),
                ];
                for (metric, num, den) in ratios {
                    if let Some(ratio) = Actual::ratio(num, den) {
                        m.values.push((metric, ratio));
                    }
                }
                m.sources.extend(c.sources.iter().cloned());
            }
            m.summary = crate::obj! {
                "tests" => optional(tests.as_ref())?,
                "coverage" => optional(coverage.as_ref())?,
            };
        }
        Evidence::Security {
            sarif,
            advisories,
            secrets,
        } => measure_security(
            &mut m,
            sarif.as_ref(),
            advisories.as_deref(),
            secrets.as_ref(),
        )?,
        Evidence::Determinism {
            first,
            second,
            manifests,
        } => {
            let names = match manifests {
                Some((a, b)) => differing_names(a, b)?,
                None => Vec::new(),
            };
            let builds = u64::from(first != second);
            m.values.push(count(
                Metric::BuildMismatches,
                capu(builds + names.len() as u64),
            ));
            m.summary = crate::obj! {
                "first" => first.to_hex(),
                "second" => second.to_hex(),
                "mismatches" => capped(names.iter().map(String::as_str)),
                "mismatches_total" => sat(names.len() as u64),
            };
        }
        Evidence::History => {
            let h = &context.history;
            let c = &h.counts;
            let ratios = [
                (Metric::FirstPassYield, c.first_pass, c.published),
                (Metric::DefectRate, c.andons, c.published),
                (Metric::GatePassRate, c.evaluations_passed, c.evaluations),
                (Metric::ReworkRate, c.skus_reworked, c.skus_evaluated),
            ];
            for (metric, num, den) in ratios {
                if let Some(ratio) = Actual::ratio(num, den) {
                    m.values.push((metric, ratio));
                }
            }
            m.summary = crate::obj! {
                "window" => crate::obj! { "start" => h.start, "end" => h.end },
                "counts" => crate::obj! {
                    "published" => sat(c.published),
                    "first_pass" => sat(c.first_pass),
                    "andons" => sat(c.andons),
                    "evaluations" => sat(c.evaluations),
                    "evaluations_passed" => sat(c.evaluations_passed),
                    "skus_evaluated" => sat(c.skus_evaluated),
                    "skus_reworked" => sat(c.skus_reworked),
                },
            };
        }
        Evidence::Release {
            artifact,
            lock,
            sbom,
        } => {
            let report = release_checks(artifact.is_some(), lock.is_some(), sbom, context);
            m.values
                .push(count(Metric::ReleaseCheckFailures, report.failures()));
            m.summary = report.to_value();
            if let SbomEvidence::Parsed(summary) = sbom {
                m.sources.extend(summary.sources.iter().cloned());
            }
        }
        Evidence::Smoke(tests) => {
            if let Some(t) = tests {
                m.values.push(count(Metric::SmokeExecuted, t.executed));
                m.values
                    .push(count(Metric::SmokeFailed, capu(t.failed + t.errored)));
                if let Some(ratio) = Actual::ratio(t.passed, t.executed) {
                    m.values.push((Metric::SmokePassRate, ratio));
                }
                m.sources.extend(t.sources.iter().cloned());
            }
            m.summary = crate::obj! { "tests" => optional(tests.as_ref())? };
        }
    }

    m.sources = distinct(std::mem::take(&mut m.sources));
    Ok(m)
}

fn test_values(t: &TestSummary) -> Vec<(Metric, Actual)> {
    let mut values = vec![
        (Metric::TestsTotal, Actual::Count(t.tests)),
        (Metric::TestsExecuted, Actual::Count(t.executed)),
        (
            Metric::TestsFailed,
            Actual::Count(capu(t.failed + t.errored)),
        ),
        (Metric::TestsSkipped, Actual::Count(t.skipped)),
        (Metric::TestsFlaky, Actual::Count(t.flaky)),
    ];
    if let Some(ratio) = Actual::ratio(t.passed, t.executed) {
        values.push((Metric::TestPassRate, ratio));
    }
    values
}

fn measure_security(
    m: &mut Measured,
    sarif: Option<&SarifSummary>,
    advisories: Option<&[OsvSummary]>,
    secrets: Option<&SarifSummary>,
) -> Result<()> {
    let count = |metric, c: u64| (metric, Actual::Count(capu(c)));

    if let Some(s) = sarif {
        m.values.push(count(Metric::SarifErrors, s.error));
        m.values.push(count(Metric::SarifWarnings, s.warning));
        m.values.push(count(Metric::SarifNotes, s.note));
        m.sources.extend(s.sources.iter().cloned());
    }
    let advisories_summary = match advisories {
        Some(list) => {
            let summary = AdvisoriesSummary::of(list);
            let by = &summary.by_rating;
            m.values.push(count(Metric::VulnsCritical, by.critical));
            m.values.push(count(Metric::VulnsHigh, by.high));
            m.values
                .push(count(Metric::VulnsHighCritical, by.high + by.critical));
            m.values.push(count(Metric::VulnsMedium, by.medium));
            m.values.push(count(Metric::VulnsLow, by.low + by.none));
            m.values.push(count(Metric::VulnsUnknown, by.unknown));
            for advisory in list {
                m.sources.extend(advisory.sources.iter().cloned());
            }
            to_value(&summary)?
        }
        None => Value::Null,
    };
    if let Some(s) = secrets {
        m.values
            .push(count(Metric::Secrets, s.error + s.warning + s.note));
        m.sources.extend(s.sources.iter().cloned());
    }
    m.summary = crate::obj! {
        "sarif" => optional(sarif)?,
        "advisories" => advisories_summary,
        "secrets" => optional(secrets)?,
    };
    Ok(())
}

/// Names in only one manifest, or in both with different digests,
/// sorted by their bytes.
fn differing_names(a: &ArtifactManifest, b: &ArtifactManifest) -> Result<Vec<String>> {
    let a = a.entries_checked()?;
    let b = b.entries_checked()?;
    let mut names: Vec<String> = a
        .iter()
        .filter(|(name, digest)| b.get(*name) != Some(digest))
        .map(|(name, _)| name.clone())
        .chain(b.keys().filter(|name| !a.contains_key(*name)).cloned())
        .collect();
    names.sort_unstable_by(|x, y| x.as_bytes().cmp(y.as_bytes()));
    Ok(names)
}

/// The five release checks (quality.md 4.7), in order.
const RELEASE_CHECKS: [&str; 5] = [
    "artifact_digest",
    "sbom",
    "licences",
    "lock_digest",
    "receipt_chain",
];

/// Failed release checks, each with its reason and detail.
#[derive(Debug, Default)]
struct ReleaseReport {
    violations: Vec<(&'static str, &'static str, Value)>,
}

impl ReleaseReport {
    fn failures(&self) -> u64 {
        self.violations.len() as u64
    }

    fn to_value(&self) -> Value {
        let checks = RELEASE_CHECKS
            .iter()
            .map(|check| {
                let passed = !self.violations.iter().any(|(c, _, _)| c == check);
                crate::obj! { "check" => *check, "passed" => passed }
            })
            .collect();
        let violations = self
            .violations
            .iter()
            .map(|(check, reason, detail)| {
                crate::obj! { "check" => *check, "reason" => *reason, "detail" => detail.clone() }
            })
            .collect();
        crate::obj! {
            "checks" => Value::Array(checks),
            "violations" => Value::Array(violations),
        }
    }
}

fn release_checks(
    artifact: bool,
    lock: bool,
    sbom: &SbomEvidence,
    context: &EvalContext,
) -> ReleaseReport {
    let mut report = ReleaseReport::default();
    if !artifact {
        report
            .violations
            .push(("artifact_digest", "missing", Value::object()));
    }
    match sbom {
        SbomEvidence::Missing => report.violations.push(("sbom", "missing", Value::object())),
        SbomEvidence::Unparsable { error_name } => report.violations.push((
            "sbom",
            "unparsable",
            crate::obj! { "error" => error_name.as_str() },
        )),
        SbomEvidence::Parsed(summary) => {
            if let Some(violation) = licence_check(summary, &context.licences) {
                report.violations.push(violation);
            }
        }
    }
    if !lock {
        report
            .violations
            .push(("lock_digest", "missing", Value::object()));
    }
    match &context.chain {
        ReceiptChain::Complete => {}
        ReceiptChain::Incomplete { missing } => {
            let stages = missing.iter().map(|s| Value::from(s.as_str())).collect();
            report.violations.push((
                "receipt_chain",
                "incomplete",
                crate::obj! { "missing" => Value::Array(stages) },
            ));
        }
        ReceiptChain::Broken { seq } => report.violations.push((
            "receipt_chain",
            "broken",
            crate::obj! { "seq" => *seq as i64 },
        )),
    }
    report
}

/// The `licences` check on a parsed SBOM; `None` when it passes.
fn licence_check(
    sbom: &SbomSummary,
    policy: &LicencePolicy,
) -> Option<(&'static str, &'static str, Value)> {
    let mut unknown = sbom.unknown_licence;
    let mut refused: Vec<(String, u64)> = Vec::new();
    for (text, n) in &sbom.licences {
        if is_unknown_licence(text) {
            unknown = capu(unknown + n);
        } else if !policy.allows(text) {
            let key = cut(text);
            match refused.iter_mut().find(|(k, _)| *k == key) {
                Some((_, total)) => *total = capu(*total + n),
                None => refused.push((key.to_owned(), *n)),
            }
        }
    }
    let reason = if !refused.is_empty() {
        "not_allowed"
    } else if unknown > 0 && !policy.allow_unknown {
        "unknown"
    } else {
        return None;
    };
    refused.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.0.as_bytes().cmp(b.0.as_bytes()))
    });
    refused.truncate(LIST_CAP);
    let not_allowed: Map = refused
        .into_iter()
        .map(|(text, n)| (text, Value::Int(n as i64)))
        .collect();
    let detail = crate::obj! {
        "not_allowed" => Value::Object(not_allowed),
        "unknown" => sat(unknown),
    };
    Some(("licences", reason, detail))
}

/// Each distinct source (same kind, name and digest) once, at its first
/// place.
fn distinct(sources: Vec<Source>) -> Vec<Source> {
    let mut out: Vec<Source> = Vec::with_capacity(sources.len());
    for s in sources {
        let seen = out
            .iter()
            .any(|o| o.kind == s.kind && o.name == s.name && o.sha256 == s.sha256);
        if !seen {
            out.push(s);
        }
    }
    out
}

/// A summary as a receipt value without its `sources`, which move to the
/// receipt's own `sources` (quality.md 7.4).
fn stripped<T: Serialize>(summary: &T) -> Result<Value> {
    let mut value = to_value(summary)?;
    if let Value::Object(map) = &mut value {
        map.remove("sources");
    }
    Ok(value)
}

/// A summary as a receipt value: written as JSON text and read back by
/// the strict reader, which builds the value in one pass (faster than a
/// `serde_json::Value` in between).
pub(crate) fn to_value<T: Serialize + ?Sized>(summary: &T) -> Result<Value> {
    let text = serde_json::to_vec(summary).map_err(|e| crate::error::Error::InvalidArgument {
        argument: "summary".into(),
        reason: e.to_string(),
    })?;
    crate::value::parse(&text).map_err(crate::value::ParseFailure::into_error)
}

/// The receipt form of a source (quality.md 7.6).
pub(crate) fn source_value(s: &Source) -> Value {
    crate::obj! {
        "kind" => s.kind.as_str(),
        "name" => s.name.as_str(),
        "bytes" => sat(s.bytes),
        "sha256" => s.sha256.to_hex(),
    }
}

fn optional<T: Serialize>(summary: Option<&T>) -> Result<Value> {
    summary.map_or(Ok(Value::Null), stripped)
}

/// A capped list of names, each cut to 256 bytes.
fn capped<'a>(names: impl Iterator<Item = &'a str>) -> Value {
    Value::Array(names.take(LIST_CAP).map(|n| Value::from(cut(n))).collect())
}

/// `text` cut to at most 256 bytes at a character boundary.
pub(crate) fn cut(text: &str) -> &str {
    if text.len() <= MAX_TEXT {
        return text;
    }
    let mut end = MAX_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A count as a receipt integer, saturating at 2^53 − 1.
fn sat(n: u64) -> i64 {
    capu(n) as i64
}

/// A count saturated at 2^53 − 1.
fn capu(n: u64) -> u64 {
    n.min(MAX_COUNT)
}
