//! The andon record, its enumerations and the shapes of requests and
//! answers (andon.md 2, 4, 5, 6.2, 7.3).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::flow::Bucket;
use crate::id::{AnalysisId, AndonId, SkuId, WorkOrderId};
use crate::time::Timestamp;

/// How bad an andon is; ordered critical > high > medium > low.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Stops a release; the shortest escalation limits.
    Critical,
    /// Serious.
    High,
    /// Worth fixing soon.
    Medium,
    /// Worth recording.
    Low,
}

impl Severity {
    /// The four severities, highest first.
    pub const ALL: [Self; 4] = [Self::Critical, Self::High, Self::Medium, Self::Low];

    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }

    /// The severity of a `snake_case` name.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "critical" => Some(Self::Critical),
            "high" => Some(Self::High),
            "medium" => Some(Self::Medium),
            "low" => Some(Self::Low),
            _ => None,
        }
    }

    fn rank(self) -> u8 {
        match self {
            Self::Critical => 3,
            Self::High => 2,
            Self::Medium => 1,
            Self::Low => 0,
        }
    }
}

impl PartialOrd for Severity {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Severity {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! failure_types {
    ($($variant:ident, $name:literal, $severity:expr, $doc:literal;)+) => {
        /// Why an andon was raised (andon.md 2.1).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum FailureType {
            $(#[doc = $doc] $variant,)+
        }

        impl FailureType {
            /// The eleven failure types, in the order of andon.md 2.1.
            pub const ALL: [Self; 11] = [$(Self::$variant,)+];

            /// The `snake_case` name.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }

            /// The failure type of a `snake_case` name.
            #[must_use]
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($name => Some(Self::$variant),)+
                    _ => None,
                }
            }

            /// The default severity; `manual` has none (the caller gives it).
            #[must_use]
            pub fn default_severity(self) -> Option<Severity> {
                match self {
                    $(Self::$variant => $severity,)+
                }
            }
        }
    };
}

failure_types! {
    CompilationFailure, "compilation_failure", Some(Severity::Critical),
        "The compilation gate failed.";
    TestFailure, "test_failure", Some(Severity::High),
        "The `test_execution` gate failed on more than coverage.";
    ShaclViolation, "shacl_violation", Some(Severity::Critical),
        "The `shacl_validation` gate failed.";
    NonDeterminism, "non_determinism", Some(Severity::Critical),
        "The `deterministic_build` gate failed.";
    MissingReceipt, "missing_receipt", Some(Severity::High),
        "The `release_verification` gate failed.";
    SecurityVulnerability, "security_vulnerability", Some(Severity::Critical),
        "The `security_scan` gate failed.";
    CoverageBelowThreshold, "coverage_below_threshold", Some(Severity::Medium),
        "Only coverage conditions of a test gate failed.";
    PerformanceRegression, "performance_regression", Some(Severity::Medium),
        "Raised by people and hosts.";
    QualityRegression, "quality_regression", Some(Severity::High),
        "The `quality_metrics` gate failed.";
    SlaBreach, "sla_breach", Some(Severity::High),
        "A work order passed its SLA deadline.";
    Manual, "manual", None,
        "Raised by hand with a severity the caller gives.";
}

impl fmt::Display for FailureType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an andon stands in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AndonStatus {
    /// Raised, nobody owns it yet.
    Open,
    /// Someone owns it; still unresolved.
    Acknowledged,
    /// Closed with a root cause; terminal.
    Resolved,
}

impl AndonStatus {
    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Acknowledged => "acknowledged",
            Self::Resolved => "resolved",
        }
    }

    /// The status of a `snake_case` name.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "open" => Some(Self::Open),
            "acknowledged" => Some(Self::Acknowledged),
            "resolved" => Some(Self::Resolved),
            _ => None,
        }
    }

    /// Open or acknowledged.
    #[must_use]
    pub fn is_unresolved(self) -> bool {
        self != Self::Resolved
    }
}

impl fmt::Display for AndonStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What pulled the cord.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// A failed blocking gate (andon.md 5.2).
    Gate,
    /// The SLA sweep (andon.md 5.3).
    Sla,
    /// A person or host (andon.md 5.1).
    Manual,
}

impl Trigger {
    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gate => "gate",
            Self::Sla => "sla",
            Self::Manual => "manual",
        }
    }

    /// The trigger of a `snake_case` name.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "gate" => Some(Self::Gate),
            "sla" => Some(Self::Sla),
            "manual" => Some(Self::Manual),
            _ => None,
        }
    }
}

/// What an andon is about: a SKU or a work order, written
/// `{"kind": "sku", "id": "SKU-000001"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    /// A SKU; its andons carry a stage.
    Sku(SkuId),
    /// A work order; its andons carry no stage.
    WorkOrder(WorkOrderId),
}

impl Subject {
    /// `sku` or `work_order`.
    #[must_use]
    pub fn kind(self) -> &'static str {
        match self {
            Self::Sku(_) => "sku",
            Self::WorkOrder(_) => "work_order",
        }
    }

    /// The SKU, for a SKU subject.
    #[must_use]
    pub fn sku(self) -> Option<SkuId> {
        match self {
            Self::Sku(id) => Some(id),
            Self::WorkOrder(_) => None,
        }
    }

    /// The work order, for a work-order subject.
    #[must_use]
    pub fn work_order(self) -> Option<WorkOrderId> {
        match self {
            Self::Sku(_) => None,
            Self::WorkOrder(id) => Some(id),
        }
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sku(id) => id.fmt(f),
            Self::WorkOrder(id) => id.fmt(f),
        }
    }
}

/// One andon event (andon.md 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Andon {
    /// `ANDON-000001`.
    pub id: AndonId,
    /// The SKU or work order it is about.
    pub subject: Subject,
    /// The stage, for SKU subjects only.
    pub stage: Option<String>,
    /// The bucket of the subject's work order.
    pub bucket: Bucket,
    /// Why it was raised.
    pub failure_type: FailureType,
    /// May rise on repeats.
    pub severity: Severity,
    /// Open, acknowledged or resolved.
    pub status: AndonStatus,
    /// The trigger of the first raise.
    pub trigger: Trigger,
    /// Whether it stops work while unresolved; fixed at raise.
    pub stops: bool,
    /// The details of the first raise.
    pub details: BTreeMap<String, String>,
    /// Who raised it, when given.
    pub raised_by: Option<String>,
    /// The failed gate, for trigger `gate`.
    pub gate: Option<String>,
    /// Sequence number of the gate result, for trigger `gate`.
    pub gate_receipt: Option<u64>,
    /// Time of the first raise.
    pub raised_at: Timestamp,
    /// Time of the latest raise.
    pub last_raised_at: Timestamp,
    /// Number of raises, 1 at the first.
    pub occurrences: u32,
    /// When it was acknowledged (at resolution when resolved from open).
    pub acknowledged_at: Option<Timestamp>,
    /// Who acknowledged it.
    pub acknowledged_by: Option<String>,
    /// The note given with the acknowledgement.
    pub ack_note: Option<String>,
    /// 0, 1 (ack overdue) or 2 (resolve overdue).
    pub escalation_level: u8,
    /// When it was last escalated.
    pub escalated_at: Option<Timestamp>,
    /// When it was resolved.
    pub resolved_at: Option<Timestamp>,
    /// The root cause given at resolution.
    pub root_cause: Option<String>,
    /// The fix given at resolution.
    pub fix_applied: Option<String>,
    /// The prevention given at resolution.
    pub prevention_added: Option<String>,
    /// Who resolved it, when given.
    pub resolver: Option<String>,
    /// Its 5 Whys analysis, once started.
    pub analysis: Option<AnalysisId>,
}

impl Andon {
    /// Open or acknowledged.
    #[must_use]
    pub fn is_unresolved(&self) -> bool {
        self.status.is_unresolved()
    }

    /// Unresolved and stopping.
    #[must_use]
    pub fn is_stopping(&self) -> bool {
        self.stops && self.is_unresolved()
    }
}

/// What a raise returned (andon.md 5): the andon, and whether the dedup
/// rule found an unresolved one with the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Raise {
    /// The new or repeated andon.
    pub andon: AndonId,
    /// True when an unresolved andon with the same key was repeated.
    pub repeated: bool,
}

/// A raise by hand (andon.md 5.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaiseRequest {
    /// The SKU or work order.
    pub subject: Subject,
    /// Why.
    pub failure_type: FailureType,
    /// Required for `manual`; else the type's default when absent.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// For SKU subjects: a stage of the line, else the SKU's current one.
    #[serde(default)]
    pub stage: Option<String>,
    /// Free details, kept as given.
    #[serde(default)]
    pub details: BTreeMap<String, String>,
    /// Who raised it.
    #[serde(default)]
    pub raised_by: Option<String>,
}

impl RaiseRequest {
    /// A request with no severity, stage, details or author.
    #[must_use]
    pub fn new(subject: Subject, failure_type: FailureType) -> Self {
        Self {
            subject,
            failure_type,
            severity: None,
            stage: None,
            details: BTreeMap::new(),
            raised_by: None,
        }
    }
}

/// The texts that close an andon (andon.md 7.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// Why it happened.
    pub root_cause: String,
    /// What was changed.
    pub fix_applied: String,
    /// What keeps it from happening again.
    pub prevention_added: String,
    /// Who resolved it.
    #[serde(default)]
    pub resolver: Option<String>,
}

impl Resolution {
    /// A resolution without a resolver.
    #[must_use]
    pub fn new(root_cause: &str, fix_applied: &str, prevention_added: &str) -> Self {
        Self {
            root_cause: root_cause.to_owned(),
            fix_applied: fix_applied.to_owned(),
            prevention_added: prevention_added.to_owned(),
            resolver: None,
        }
    }
}

/// Why an escalation level is reached (andon.md 7.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EscalationReason {
    /// Level 1: still open after `ack_within_ms`.
    AckOverdue,
    /// Level 2: unresolved after `resolve_within_ms`.
    ResolveOverdue,
}

impl EscalationReason {
    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AckOverdue => "ack_overdue",
            Self::ResolveOverdue => "resolve_overdue",
        }
    }

    /// The level this reason stands for.
    #[must_use]
    pub fn level(self) -> u8 {
        match self {
            Self::AckOverdue => 1,
            Self::ResolveOverdue => 2,
        }
    }
}

/// An escalation that is due (andon.md 7.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    /// The andon.
    pub andon: AndonId,
    /// Its current severity.
    pub severity: Severity,
    /// The reached level.
    pub level: u8,
    /// Why that level is reached.
    pub reason: EscalationReason,
    /// `raised_at` plus the limit of that level.
    pub due_at: Timestamp,
    /// `now - due_at`.
    pub overdue_ms: i64,
}

/// The answer of `can_proceed` and `can_start` (andon.md 6.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Proceed {
    /// No stopping andon covers the item.
    Proceed,
    /// These stopping andons cover it, ascending.
    Blocked {
        /// The covering andons.
        andons: Vec<AndonId>,
    },
}

impl Proceed {
    /// `Proceed` for no andon, else `Blocked` by them.
    pub(crate) fn of(andons: Vec<AndonId>) -> Self {
        if andons.is_empty() {
            Self::Proceed
        } else {
            Self::Blocked { andons }
        }
    }
}

/// A filter for [`crate::Line::andons`]; `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AndonFilter {
    /// Only andons in this status.
    #[serde(default)]
    pub status: Option<AndonStatus>,
    /// Only andons of this severity.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Only andons of this failure type.
    #[serde(default)]
    pub failure_type: Option<FailureType>,
    /// Only andons about this subject.
    #[serde(default)]
    pub subject: Option<Subject>,
}

impl AndonFilter {
    /// Whether `andon` passes the filter.
    #[must_use]
    pub fn matches(&self, andon: &Andon) -> bool {
        self.status.is_none_or(|s| s == andon.status)
            && self.severity.is_none_or(|s| s == andon.severity)
            && self.failure_type.is_none_or(|t| t == andon.failure_type)
            && self.subject.is_none_or(|s| s == andon.subject)
    }
}
