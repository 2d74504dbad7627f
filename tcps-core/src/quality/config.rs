//! Gates as data: definitions, conditions, the licence policy and the
//! default catalogue of the standard line (quality.md 2, 4).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::metric::{Actual, Metric, Op, Verdict};
use crate::error::{Error, Result};
use crate::flow::FlowConfig;
use crate::value::{Map, Value};

/// The eight kinds of evidence a gate can read (quality.md 7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// A SHACL validator's verdict.
    Shacl,
    /// Compiler diagnostics.
    Compilation,
    /// Test and coverage reports.
    Tests,
    /// SARIF findings, advisories and a secret scan.
    Security,
    /// The digests of two independent builds.
    Determinism,
    /// The line's own history, computed by the line.
    History,
    /// Artifact and lock digests, the SBOM and the receipt chain.
    Release,
    /// A smoke test report.
    Smoke,
}

impl EvidenceKind {
    /// Every kind, in the order of quality.md 7.1.
    pub const ALL: [EvidenceKind; 8] = [
        Self::Shacl,
        Self::Compilation,
        Self::Tests,
        Self::Security,
        Self::Determinism,
        Self::History,
        Self::Release,
        Self::Smoke,
    ];

    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shacl => "shacl",
            Self::Compilation => "compilation",
            Self::Tests => "tests",
            Self::Security => "security",
            Self::Determinism => "determinism",
            Self::History => "history",
            Self::Release => "release",
            Self::Smoke => "smoke",
        }
    }
}

impl fmt::Display for EvidenceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EvidenceKind {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .ok_or_else(|| Error::InvalidField {
                field: "kind".into(),
                reason: format!("`{}` is not an evidence kind", text.escape_debug()),
            })
    }
}

/// How serious a gate is; reports list and sort gates by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateSeverity {
    /// Critical.
    Critical,
    /// High.
    High,
    /// Medium.
    Medium,
}

impl GateSeverity {
    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
        }
    }
}

impl FromStr for GateSeverity {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        match text {
            "critical" => Ok(Self::Critical),
            "high" => Ok(Self::High),
            "medium" => Ok(Self::Medium),
            _ => Err(Error::InvalidField {
                field: "severity".into(),
                reason: format!("`{}` is not critical, high or medium", text.escape_debug()),
            }),
        }
    }
}

/// The andon failure type a blocking gate raises on `fail`, or `none`
/// (quality.md 2.1, andon.md 2.1). `manual` is not one: it has no
/// default severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AndonType {
    /// The gate raises no andon.
    None,
    /// `compilation_failure`.
    CompilationFailure,
    /// `test_failure` (with the coverage rule of quality.md 5.4).
    TestFailure,
    /// `shacl_violation`.
    ShaclViolation,
    /// `non_determinism`.
    NonDeterminism,
    /// `missing_receipt`.
    MissingReceipt,
    /// `security_vulnerability`.
    SecurityVulnerability,
    /// `coverage_below_threshold`.
    CoverageBelowThreshold,
    /// `performance_regression`.
    PerformanceRegression,
    /// `quality_regression`.
    QualityRegression,
    /// `sla_breach`.
    SlaBreach,
}

impl AndonType {
    /// Every value, `none` first, then the failure types of andon.md 2.1.
    pub const ALL: [AndonType; 11] = [
        Self::None,
        Self::CompilationFailure,
        Self::TestFailure,
        Self::ShaclViolation,
        Self::NonDeterminism,
        Self::MissingReceipt,
        Self::SecurityVulnerability,
        Self::CoverageBelowThreshold,
        Self::PerformanceRegression,
        Self::QualityRegression,
        Self::SlaBreach,
    ];

    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::CompilationFailure => "compilation_failure",
            Self::TestFailure => "test_failure",
            Self::ShaclViolation => "shacl_violation",
            Self::NonDeterminism => "non_determinism",
            Self::MissingReceipt => "missing_receipt",
            Self::SecurityVulnerability => "security_vulnerability",
            Self::CoverageBelowThreshold => "coverage_below_threshold",
            Self::PerformanceRegression => "performance_regression",
            Self::QualityRegression => "quality_regression",
            Self::SlaBreach => "sla_breach",
        }
    }
}

impl fmt::Display for AndonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AndonType {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == text)
            .ok_or_else(|| Error::InvalidField {
                field: "andon_type".into(),
                reason: format!("`{}` is not a failure type", text.escape_debug()),
            })
    }
}

/// One comparison of a metric with thresholds (quality.md 2.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Condition {
    /// The metric, one of the gate's kind.
    pub metric: Metric,
    /// What must hold, read `metric op threshold`.
    pub op: Op,
    /// The error threshold: breaking it is `fail`.
    pub error: Option<i64>,
    /// The warning threshold: breaking it is `warn`.
    pub warning: Option<i64>,
    /// The verdict when the metric has no value.
    #[serde(default = "default_if_no_data")]
    pub if_no_data: Verdict,
}

fn default_if_no_data() -> Verdict {
    Verdict::Fail
}

impl Condition {
    /// A condition with an error threshold only, failing without data.
    #[must_use]
    pub fn error(metric: Metric, op: Op, threshold: i64) -> Self {
        Self {
            metric,
            op,
            error: Some(threshold),
            warning: None,
            if_no_data: Verdict::Fail,
        }
    }

    /// A warn-only condition, failing without data.
    #[must_use]
    pub fn warning(metric: Metric, op: Op, threshold: i64) -> Self {
        Self {
            metric,
            op,
            error: None,
            warning: Some(threshold),
            if_no_data: Verdict::Fail,
        }
    }

    /// The same condition with another verdict for "no value".
    #[must_use]
    pub fn if_no_data(mut self, verdict: Verdict) -> Self {
        self.if_no_data = verdict;
        self
    }

    /// The verdict on a value (quality.md 2.2, steps 1–4).
    #[must_use]
    pub fn verdict(&self, actual: Option<&Actual>) -> Verdict {
        let Some(actual) = actual else {
            return self.if_no_data;
        };
        if self.error.is_some_and(|t| !actual.meets(self.op, t)) {
            return Verdict::Fail;
        }
        if self.warning.is_some_and(|t| !actual.meets(self.op, t)) {
            return Verdict::Warn;
        }
        Verdict::Pass
    }

    /// Checks the rules of quality.md 2.2 for a gate of `kind`; the
    /// reason of the first broken rule.
    fn check(&self, kind: EvidenceKind) -> std::result::Result<(), String> {
        if self.metric.kind() != kind {
            return Err(format!(
                "metric `{}` is not offered by evidence kind `{kind}`",
                self.metric
            ));
        }
        if self.error.is_none() && self.warning.is_none() {
            return Err("needs an error or a warning threshold".into());
        }
        if self.warning.is_some() && !self.op.is_ordering() {
            return Err(format!(
                "a warning threshold needs < <= > or >=, not {}",
                self.op
            ));
        }
        if let (Some(error), Some(warning)) = (self.error, self.warning) {
            let looser = match self.op {
                Op::Gt | Op::Ge => warning < error,
                _ => warning > error,
            };
            if looser {
                return Err(format!(
                    "warning threshold {warning} is looser than error threshold {error}"
                ));
            }
        }
        let max = self.metric.max_threshold();
        for t in [self.error, self.warning].into_iter().flatten() {
            if !(0..=max).contains(&t) {
                return Err(format!("threshold {t} is outside 0 to {max}"));
            }
        }
        Ok(())
    }
}

/// A named check that guards the exit of one stage (quality.md 2.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Gate {
    /// `[a-z][a-z0-9_]*`, unique within the line.
    pub name: String,
    /// The stage whose exit it guards.
    pub stage: String,
    /// The evidence it accepts.
    pub kind: EvidenceKind,
    /// How serious the gate is.
    pub severity: GateSeverity,
    /// Whether a `fail` stops the SKU; otherwise it is reported as `warn`.
    pub blocking: bool,
    /// The andon raised on a blocking `fail`.
    pub andon_type: AndonType,
    /// Whether a caller may record a skip (quality.md 5.3).
    pub allow_skip: bool,
    /// Ordered conditions; none means the gate passes.
    pub conditions: Vec<Condition>,
    /// Kind `history` only: the trailing window in days (quality.md 4.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_days: Option<u32>,
}

/// The longest history window, in days.
pub const MAX_HISTORY_DAYS: u32 = 3660;

/// The default history window of the `quality_metrics` gate.
pub const DEFAULT_HISTORY_DAYS: u32 = 30;

impl Gate {
    /// The gate as it appears in the configuration object.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let conditions = self
            .conditions
            .iter()
            .map(condition_value)
            .collect::<Vec<_>>();
        let mut map = Map::new();
        map.insert("name".into(), Value::from(self.name.as_str()));
        map.insert("stage".into(), Value::from(self.stage.as_str()));
        map.insert("kind".into(), Value::from(self.kind.as_str()));
        map.insert("severity".into(), Value::from(self.severity.as_str()));
        map.insert("blocking".into(), Value::Bool(self.blocking));
        map.insert("andon_type".into(), Value::from(self.andon_type.as_str()));
        map.insert("allow_skip".into(), Value::Bool(self.allow_skip));
        map.insert("conditions".into(), Value::Array(conditions));
        if let Some(days) = self.history_days {
            map.insert("history_days".into(), Value::Int(i64::from(days)));
        }
        Value::Object(map)
    }
}

fn condition_value(c: &Condition) -> Value {
    let threshold = |t: Option<i64>| t.map_or(Value::Null, Value::Int);
    crate::obj! {
        "metric" => c.metric.as_str(),
        "op" => c.op.as_str(),
        "error" => threshold(c.error),
        "warning" => threshold(c.warning),
        "if_no_data" => c.if_no_data.as_str(),
    }
}

/// The licence policy of the release check, member `licences` of the
/// configuration (quality.md 4.7).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LicencePolicy {
    /// Allowed SPDX identifiers (or `L WITH E` texts), matched ASCII
    /// case-insensitively.
    pub allowed: Vec<String>,
    /// Whether a component without licence data passes.
    pub allow_unknown: bool,
}

impl LicencePolicy {
    /// `Apache-2.0`, `MIT`, `BSD-2-Clause`, `BSD-3-Clause`, `ISC`; unknown
    /// refused.
    #[must_use]
    pub fn standard() -> Self {
        Self {
            allowed: ["Apache-2.0", "MIT", "BSD-2-Clause", "BSD-3-Clause", "ISC"]
                .map(String::from)
                .to_vec(),
            allow_unknown: false,
        }
    }

    fn to_value(&self) -> Value {
        let allowed = self
            .allowed
            .iter()
            .map(|s| Value::from(s.as_str()))
            .collect();
        crate::obj! {
            "allowed" => Value::Array(allowed),
            "allow_unknown" => self.allow_unknown,
        }
    }

    fn from_value(value: &Value) -> Result<Self> {
        let Value::Object(map) = value else {
            return Err(Error::config("licences", "must be an object"));
        };
        for key in map.keys() {
            if key != "allowed" && key != "allow_unknown" {
                return Err(Error::config(
                    format!("licences.{key}"),
                    "is not a licence policy key",
                ));
            }
        }
        let allowed = match map.get("allowed") {
            None => return Err(Error::config("licences.allowed", "is missing")),
            Some(Value::Array(items)) => items,
            Some(_) => {
                return Err(Error::config(
                    "licences.allowed",
                    "must be a list of strings",
                ));
            }
        };
        let mut ids = Vec::with_capacity(allowed.len());
        for (i, item) in allowed.iter().enumerate() {
            let Value::String(id) = item else {
                return Err(Error::config(
                    "licences.allowed",
                    "must be a list of strings",
                ));
            };
            if id.trim().is_empty() {
                return Err(Error::config(
                    "licences.allowed",
                    format!("entry {i} is empty"),
                ));
            }
            ids.push(id.clone());
        }
        let allow_unknown = match map.get("allow_unknown") {
            None => return Err(Error::config("licences.allow_unknown", "is missing")),
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(Error::config("licences.allow_unknown", "must be a boolean")),
        };
        Ok(Self {
            allowed: ids,
            allow_unknown,
        })
    }
}

impl Default for LicencePolicy {
    fn default() -> Self {
        Self::standard()
    }
}

/// The quality members of the configuration: `gates` (in stage order)
/// and `licences`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityConfig {
    /// The gates, in stage order, at most one per stage.
    pub gates: Vec<Gate>,
    /// The licence policy of the release check.
    pub licences: LicencePolicy,
}

impl Default for QualityConfig {
    fn default() -> Self {
        Self::standard()
    }
}

impl QualityConfig {
    /// The eight gates of the standard line and the standard licence
    /// policy (quality.md 4).
    #[must_use]
    pub fn standard() -> Self {
        Self {
            gates: standard_gates(),
            licences: LicencePolicy::standard(),
        }
    }

    /// Reads and validates `gates` and `licences` of a configuration
    /// object against the stages of `flow` (quality.md 2.1, 2.2, 4.7).
    pub fn from_map(map: &Map, flow: &FlowConfig) -> Result<Self> {
        let gates = match map.get("gates") {
            Some(Value::Array(items)) => parse_gates(items, &flow.stages)?,
            Some(_) => return Err(Error::config("gates", "must be a list of gates")),
            None => return Err(Error::config("gates", "is missing")),
        };
        let licences = match map.get("licences") {
            Some(value) => LicencePolicy::from_value(value)?,
            None => return Err(Error::config("licences", "is missing")),
        };
        Ok(Self { gates, licences })
    }

    /// Writes `gates` and `licences` into a configuration object.
    pub fn write(&self, out: &mut Map) {
        let gates = self.gates.iter().map(Gate::to_value).collect();
        out.insert("gates".into(), Value::Array(gates));
        out.insert("licences".into(), self.licences.to_value());
    }

    /// The gate named `name`.
    #[must_use]
    pub fn gate(&self, name: &str) -> Option<&Gate> {
        self.gates.iter().find(|g| g.name == name)
    }

    /// The gate guarding the exit of `stage`.
    #[must_use]
    pub fn gate_for_stage(&self, stage: &str) -> Option<&Gate> {
        self.gates.iter().find(|g| g.stage == stage)
    }
}

/// The default catalogue of quality.md 4, on the standard stages.
fn standard_gates() -> Vec<Gate> {
    use EvidenceKind as K;
    use GateSeverity::{Critical, High, Medium};
    use Metric as M;
    use Op::{Eq, Ge, Gt, Le};

    let gate = |name: &str, kind, severity, andon_type, conditions| Gate {
        name: name.to_owned(),
        stage: name.to_owned(),
        kind,
        severity,
        blocking: andon_type != AndonType::None,
        andon_type,
        allow_skip: false,
        conditions,
        history_days: None,
    };
    let err = Condition::error;

    let mut shacl = gate(
        "shacl_validation",
        K::Shacl,
        Critical,
        AndonType::ShaclViolation,
        vec![err(M::ShaclViolations, Eq, 0)],
    );
    shacl.allow_skip = true;

    let mut history = gate(
        "quality_metrics",
        K::History,
        High,
        AndonType::QualityRegression,
        vec![
            err(M::FirstPassYield, Ge, 9000).if_no_data(Verdict::Pass),
            err(M::DefectRate, Le, 500).if_no_data(Verdict::Pass),
            err(M::GatePassRate, Ge, 9500).if_no_data(Verdict::Pass),
        ],
    );
    history.history_days = Some(DEFAULT_HISTORY_DAYS);

    vec![
        shacl,
        gate(
            "compilation",
            K::Compilation,
            Critical,
            AndonType::CompilationFailure,
            vec![err(M::CompileErrors, Eq, 0)],
        ),
        gate(
            "test_execution",
            K::Tests,
            Critical,
            AndonType::TestFailure,
            vec![
                err(M::TestsExecuted, Gt, 0),
                err(M::TestPassRate, Ge, 9500),
                err(M::LineCoverage, Ge, 8000),
            ],
        ),
        gate(
            "security_scan",
            K::Security,
            Critical,
            AndonType::SecurityVulnerability,
            vec![
                err(M::SarifErrors, Eq, 0),
                err(M::VulnsHighCritical, Eq, 0),
                err(M::Secrets, Eq, 0),
                Condition::warning(M::SarifWarnings, Le, 0),
                Condition::warning(M::VulnsUnknown, Le, 0),
            ],
        ),
        gate(
            "deterministic_build",
            K::Determinism,
            Critical,
            AndonType::NonDeterminism,
            vec![err(M::BuildMismatches, Eq, 0)],
        ),
        history,
        gate(
            "release_verification",
            K::Release,
            High,
            AndonType::MissingReceipt,
            vec![err(M::ReleaseCheckFailures, Eq, 0)],
        ),
        gate(
            "smoke_test",
            K::Smoke,
            Medium,
            AndonType::None,
            vec![err(M::SmokePassRate, Ge, 10_000)],
        ),
    ]
}

const GATE_FIELDS: [&str; 9] = [
    "name",
    "stage",
    "kind",
    "severity",
    "blocking",
    "andon_type",
    "allow_skip",
    "conditions",
    "history_days",
];

const CONDITION_FIELDS: [&str; 5] = ["metric", "op", "error", "warning", "if_no_data"];

/// Validates the gate list gate by gate, the first broken rule deciding.
fn parse_gates(items: &[Value], stages: &[String]) -> Result<Vec<Gate>> {
    let mut gates: Vec<Gate> = Vec::with_capacity(items.len());
    let mut last_stage: Option<usize> = None;

    for (i, item) in items.iter().enumerate() {
        let (mut gate, raw_conditions) = parse_gate(i, item)?;
        let bad = |field: &str, reason: String| Error::InvalidGate {
            gate: gate.name.clone(),
            field: field.to_owned(),
            reason,
        };

        if !valid_name(&gate.name) {
            return Err(bad("name", "must match [a-z][a-z0-9_]*".into()));
        }
        if gates.iter().any(|g| g.name == gate.name) {
            return Err(bad("name", "is the name of another gate".into()));
        }
        if gates.iter().any(|g| g.stage == gate.stage) {
            return Err(bad("stage", format!("`{}` already has a gate", gate.stage)));
        }
        let Some(stage_index) = stages.iter().position(|s| *s == gate.stage) else {
            return Err(bad(
                "stage",
                format!("`{}` is not a stage of the line", gate.stage),
            ));
        };
        check_enums(item).map_err(|(field, reason)| bad(field, reason))?;
        if !gate.blocking && gate.andon_type != AndonType::None {
            return Err(bad(
                "andon_type",
                "must be none on a non-blocking gate".into(),
            ));
        }
        match (gate.kind, gate.history_days) {
            (EvidenceKind::History, Some(days)) if !(1..=MAX_HISTORY_DAYS).contains(&days) => {
                return Err(bad("history_days", format!("{days} is outside 1 to 3660")));
            }
            (EvidenceKind::History, None) => gate.history_days = Some(DEFAULT_HISTORY_DAYS),
            (kind, Some(_)) if kind != EvidenceKind::History => {
                return Err(bad(
                    "history_days",
                    "is only allowed on a gate of kind history".into(),
                ));
            }
            _ => {}
        }
        if last_stage.is_some_and(|last| stage_index < last) {
            return Err(bad(
                "stage",
                "is listed after a gate of a later stage".into(),
            ));
        }
        last_stage = Some(stage_index);

        for (index, raw) in raw_conditions.iter().enumerate() {
            let condition = parse_condition(&gate.name, index, raw)?;
            condition
                .check(gate.kind)
                .map_err(|reason| Error::InvalidCondition {
                    gate: gate.name.clone(),
                    index: index as u32,
                    reason,
                })?;
            gate.conditions.push(condition);
        }
        gates.push(gate);
    }
    Ok(gates)
}

fn valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The `kind` and `andon_type` rules, in that order, on the raw text:
/// the shape pass stored placeholders for values it could not read.
fn check_enums(item: &Value) -> std::result::Result<(), (&'static str, String)> {
    let text = |field: &str| item.get(field).and_then(Value::as_str).unwrap_or_default();
    let kind = text("kind");
    if kind.parse::<EvidenceKind>().is_err() {
        return Err((
            "kind",
            format!("`{}` is not an evidence kind", kind.escape_debug()),
        ));
    }
    let andon = text("andon_type");
    if andon == "manual" {
        return Err(("andon_type", "manual has no default severity".into()));
    }
    if andon.parse::<AndonType>().is_err() {
        return Err((
            "andon_type",
            format!("`{}` is not a failure type", andon.escape_debug()),
        ));
    }
    Ok(())
}

/// Reads one gate object: fields present, of their JSON types, none
/// unknown. The value rules come after, in [`parse_gates`], and the
/// conditions, returned raw, after those.
fn parse_gate(i: usize, item: &Value) -> Result<(Gate, &[Value])> {
    let label = item
        .get("name")
        .and_then(Value::as_str)
        .map_or_else(|| format!("gates[{i}]"), str::to_owned);
    let bad = |field: &str, reason: &str| Error::InvalidGate {
        gate: label.clone(),
        field: field.to_owned(),
        reason: reason.to_owned(),
    };

    let Value::Object(map) = item else {
        return Err(bad("gate", "must be an object"));
    };
    if let Some(key) = map.keys().find(|k| !GATE_FIELDS.contains(&k.as_str())) {
        return Err(bad(key, "is not a gate field"));
    }
    let string = |field: &str| match map.get(field) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(bad(field, "must be a string")),
        None => Err(bad(field, "is missing")),
    };
    let boolean = |field: &str| match map.get(field) {
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(bad(field, "must be a boolean")),
        None => Err(bad(field, "is missing")),
    };

    let name = string("name")?;
    let stage = string("stage")?;
    let kind_text = string("kind")?;
    let severity = string("severity")?
        .parse::<GateSeverity>()
        .map_err(|_| bad("severity", "must be critical, high or medium"))?;
    let blocking = boolean("blocking")?;
    let andon_text = string("andon_type")?;
    let allow_skip = boolean("allow_skip")?;
    let conditions = match map.get("conditions") {
        Some(Value::Array(items)) => items,
        Some(_) => return Err(bad("conditions", "must be a list")),
        None => return Err(bad("conditions", "is missing")),
    };
    let history_days = match map.get("history_days") {
        None => None,
        Some(Value::Int(days)) => Some(u32::try_from(*days).unwrap_or(u32::MAX)),
        Some(_) => return Err(bad("history_days", "must be an integer")),
    };
    // Unknown kinds and andon types are reported by the value rules, in
    // their place after the stage rules; a placeholder stands in here.
    let gate = Gate {
        name,
        stage,
        kind: kind_text.parse().unwrap_or(EvidenceKind::Shacl),
        severity,
        blocking,
        andon_type: andon_text.parse().unwrap_or(AndonType::None),
        allow_skip,
        conditions: Vec::with_capacity(conditions.len()),
        history_days,
    };
    Ok((gate, conditions))
}

/// Reads one condition object: its shape, then whether its metric
/// exists at all; the other rules come in [`Condition::check`].
fn parse_condition(gate: &str, index: usize, item: &Value) -> Result<Condition> {
    let bad = |reason: String| Error::InvalidCondition {
        gate: gate.to_owned(),
        index: index as u32,
        reason,
    };

    let Value::Object(map) = item else {
        return Err(bad("must be an object".into()));
    };
    if let Some(key) = map.keys().find(|k| !CONDITION_FIELDS.contains(&k.as_str())) {
        return Err(bad(format!("`{key}` is not a condition field")));
    }
    let metric = match map.get("metric") {
        Some(Value::String(s)) => s
            .parse::<Metric>()
            .map_err(|_| bad(format!("`{}` is not a metric", s.escape_debug())))?,
        Some(_) => return Err(bad("`metric` must be a string".into())),
        None => return Err(bad("`metric` is missing".into())),
    };
    let op = match map.get("op") {
        Some(Value::String(s)) => s.parse::<Op>().map_err(|_| {
            bad(format!(
                "`{}` is not one of < <= > >= == !=",
                s.escape_debug()
            ))
        })?,
        Some(_) => return Err(bad("`op` must be a string".into())),
        None => return Err(bad("`op` is missing".into())),
    };
    let threshold = |field: &str| match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Int(t)) => Ok(Some(*t)),
        Some(_) => Err(bad(format!("`{field}` must be an integer or null"))),
    };
    let error = threshold("error")?;
    let warning = threshold("warning")?;
    let if_no_data = match map.get("if_no_data") {
        None => Verdict::Fail,
        Some(Value::String(s)) => s
            .parse()
            .map_err(|_| bad("`if_no_data` must be pass, warn or fail".into()))?,
        Some(_) => return Err(bad("`if_no_data` must be a string".into())),
    };
    Ok(Condition {
        metric,
        op,
        error,
        warning,
        if_no_data,
    })
}
