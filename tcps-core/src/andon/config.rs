//! The andon policy: member `andon` of the configuration (andon.md 3).

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::value::{Map, Value};

use super::model::Severity;

/// The largest escalation limit: 100 years in milliseconds, so that
/// `raised_at` plus a limit stays inside the integer range of receipts.
pub const MAX_LIMIT_MS: i64 = 3_153_600_000_000;

/// The four keys of member `andon`, in validation order.
const KEYS: [&str; 4] = [
    "stop_scope",
    "sla_breach_stops",
    "require_rca",
    "escalation",
];

/// What a stopping andon refuses (andon.md 6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopScope {
    /// The subject SKU, or every SKU and the start of a subject work order.
    Sku,
    /// As `sku`, plus every SKU and start in the andon's bucket.
    Bucket,
    /// Every SKU and every start.
    Line,
}

impl StopScope {
    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sku => "sku",
            Self::Bucket => "bucket",
            Self::Line => "line",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "sku" => Some(Self::Sku),
            "bucket" => Some(Self::Bucket),
            "line" => Some(Self::Line),
            _ => None,
        }
    }
}

/// The acknowledge and resolve limits of one severity, from `raised_at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationLimits {
    /// Level 1 (`ack_overdue`) is reached this long after the raise.
    pub ack_within_ms: i64,
    /// Level 2 (`resolve_overdue`) is reached this long after the raise.
    pub resolve_within_ms: i64,
}

/// The escalation policy: limits for each of the four severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationPolicy {
    /// Limits of critical andons.
    pub critical: EscalationLimits,
    /// Limits of high andons.
    pub high: EscalationLimits,
    /// Limits of medium andons.
    pub medium: EscalationLimits,
    /// Limits of low andons.
    pub low: EscalationLimits,
}

impl EscalationPolicy {
    /// The limits of one severity.
    #[must_use]
    pub fn limits(&self, severity: Severity) -> EscalationLimits {
        match severity {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
        }
    }

    fn limits_mut(&mut self, severity: Severity) -> &mut EscalationLimits {
        match severity {
            Severity::Critical => &mut self.critical,
            Severity::High => &mut self.high,
            Severity::Medium => &mut self.medium,
            Severity::Low => &mut self.low,
        }
    }
}

/// The andon policy, member `andon` of the configuration (andon.md 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AndonConfig {
    /// What a stopping andon refuses; a change applies at once.
    pub stop_scope: StopScope,
    /// Whether `sla_breach` andons stop; fixed in each andon at raise.
    pub sla_breach_stops: bool,
    /// Severities whose resolution needs a finalised analysis.
    pub require_rca: Vec<Severity>,
    /// Acknowledge and resolve limits per severity.
    pub escalation: EscalationPolicy,
}

impl Default for AndonConfig {
    fn default() -> Self {
        Self::standard()
    }
}

impl AndonConfig {
    /// The standard policy: scope `sku`, SLA andons do not stop,
    /// analyses for critical and high, the escalation table of andon.md 3.
    #[must_use]
    pub fn standard() -> Self {
        let limits = |ack_within_ms, resolve_within_ms| EscalationLimits {
            ack_within_ms,
            resolve_within_ms,
        };
        Self {
            stop_scope: StopScope::Sku,
            sla_breach_stops: false,
            require_rca: vec![Severity::Critical, Severity::High],
            escalation: EscalationPolicy {
                critical: limits(900_000, 14_400_000),
                high: limits(3_600_000, 86_400_000),
                medium: limits(14_400_000, 604_800_000),
                low: limits(86_400_000, 2_592_000_000),
            },
        }
    }

    /// Whether resolving an andon of `severity` needs a finalised analysis.
    #[must_use]
    pub fn requires_rca(&self, severity: Severity) -> bool {
        self.require_rca.contains(&severity)
    }

    /// Reads and validates member `andon` of a configuration object, the
    /// rules of andon.md 3 in their order, the first failure deciding.
    pub fn from_map(map: &Map) -> Result<Self> {
        let Some(Value::Object(members)) = map.get("andon") else {
            return Err(Error::config("andon", "must be an object"));
        };

        for key in KEYS {
            if !members.contains_key(key) {
                return Err(Error::config(format!("andon.{key}"), "is missing"));
            }
        }
        if let Some(extra) = members.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(Error::config(
                format!("andon.{extra}"),
                "is not an andon key",
            ));
        }
        let scope = members["stop_scope"]
            .as_str()
            .ok_or_else(|| Error::config("andon.stop_scope", "must be a string"))?;
        let sla_breach_stops = members["sla_breach_stops"]
            .as_bool()
            .ok_or_else(|| Error::config("andon.sla_breach_stops", "must be a boolean"))?;
        let rca = members["require_rca"]
            .as_array()
            .ok_or_else(|| Error::config("andon.require_rca", "must be a list of strings"))?;
        if rca.iter().any(|v| v.as_str().is_none()) {
            return Err(Error::config(
                "andon.require_rca",
                "must be a list of strings",
            ));
        }
        let Value::Object(escalation) = &members["escalation"] else {
            return Err(Error::config("andon.escalation", "must be an object"));
        };

        let stop_scope = StopScope::parse(scope).ok_or_else(|| {
            Error::config(
                "andon.stop_scope",
                format!("`{scope}` is not sku, bucket or line"),
            )
        })?;

        let mut require_rca = Vec::with_capacity(rca.len());
        for name in rca.iter().filter_map(Value::as_str) {
            let severity = Severity::parse(name).ok_or_else(|| {
                Error::config("andon.require_rca", format!("`{name}` is not a severity"))
            })?;
            if require_rca.contains(&severity) {
                return Err(Error::config(
                    "andon.require_rca",
                    format!("`{name}` is listed twice"),
                ));
            }
            require_rca.push(severity);
        }

        let escalation = read_escalation(escalation)?;

        Ok(Self {
            stop_scope,
            sla_breach_stops,
            require_rca,
            escalation,
        })
    }

    /// Writes member `andon` into a configuration object.
    pub fn write(&self, out: &mut Map) {
        out.insert("andon".into(), self.to_value());
    }

    /// Member `andon` as logged.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let limits = |l: EscalationLimits| {
            crate::obj! {
                "ack_within_ms" => l.ack_within_ms,
                "resolve_within_ms" => l.resolve_within_ms,
            }
        };
        let mut escalation = Map::new();
        for severity in Severity::ALL {
            escalation.insert(
                severity.as_str().into(),
                limits(self.escalation.limits(severity)),
            );
        }
        let rca: Vec<Value> = self
            .require_rca
            .iter()
            .map(|s| Value::from(s.as_str()))
            .collect();
        crate::obj! {
            "stop_scope" => self.stop_scope.as_str(),
            "sla_breach_stops" => self.sla_breach_stops,
            "require_rca" => Value::Array(rca),
            "escalation" => Value::Object(escalation),
        }
    }
}

/// Rules 4 and 5 of andon.md 3 for member `andon.escalation`.
fn read_escalation(members: &Map) -> Result<EscalationPolicy> {
    let mut policy = AndonConfig::standard().escalation;

    for severity in Severity::ALL {
        if !members.contains_key(severity.as_str()) {
            return Err(Error::config(
                format!("andon.escalation.{}", severity.as_str()),
                "is missing",
            ));
        }
    }
    if let Some(extra) = members.keys().find(|k| Severity::parse(k).is_none()) {
        return Err(Error::config(
            format!("andon.escalation.{extra}"),
            "is not a severity",
        ));
    }
    for severity in Severity::ALL {
        let path = format!("andon.escalation.{}", severity.as_str());
        let Some(Value::Object(entry)) = members.get(severity.as_str()) else {
            return Err(Error::config(path, "must be an object"));
        };
        let keys = ["ack_within_ms", "resolve_within_ms"];
        for key in keys {
            match entry.get(key) {
                None => return Err(Error::config(format!("{path}.{key}"), "is missing")),
                Some(Value::Int(_)) => {}
                Some(_) => {
                    return Err(Error::config(format!("{path}.{key}"), "must be an integer"));
                }
            }
        }
        if let Some(extra) = entry.keys().find(|k| !keys.contains(&k.as_str())) {
            return Err(Error::config(
                format!("{path}.{extra}"),
                "is not a limit key",
            ));
        }
        let limits = policy.limits_mut(severity);
        limits.ack_within_ms = entry["ack_within_ms"].as_i64().unwrap_or_default();
        limits.resolve_within_ms = entry["resolve_within_ms"].as_i64().unwrap_or_default();
    }

    for severity in Severity::ALL {
        let path = format!("andon.escalation.{}", severity.as_str());
        let l = policy.limits(severity);
        if l.ack_within_ms < 1 {
            return Err(Error::config(
                format!("{path}.ack_within_ms"),
                "must be at least 1",
            ));
        }
        if l.resolve_within_ms < l.ack_within_ms {
            return Err(Error::config(
                format!("{path}.resolve_within_ms"),
                "must not be below ack_within_ms",
            ));
        }
        if l.resolve_within_ms > MAX_LIMIT_MS {
            return Err(Error::config(
                format!("{path}.resolve_within_ms"),
                "must be at most 3153600000000 (100 years)",
            ));
        }
    }
    Ok(policy)
}
