//! Andon events, stopping the line, escalation and 5 Whys (andon.md).
//!
//! TODO: placeholder while andon.md is being implemented.

use crate::error::Result;
use crate::line::Line;
use crate::receipt::Receipt;
use crate::value::{Map, Value};

const STANDARD: &str = r#"{"stop_scope":"sku","sla_breach_stops":false,
 "require_rca":["critical","high"],
 "escalation":{
  "critical":{"ack_within_ms":900000,"resolve_within_ms":14400000},
  "high":{"ack_within_ms":3600000,"resolve_within_ms":86400000},
  "medium":{"ack_within_ms":14400000,"resolve_within_ms":604800000},
  "low":{"ack_within_ms":86400000,"resolve_within_ms":2592000000}}}"#;

/// The andon policy, member `andon` of the configuration (andon.md 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AndonConfig {
    raw: Value,
}

impl AndonConfig {
    /// The standard policy.
    #[must_use]
    pub fn standard() -> Self {
        Self {
            raw: crate::value::parse(STANDARD.as_bytes()).unwrap_or_default(),
        }
    }

    /// Reads member `andon` of a configuration object.
    pub fn from_map(map: &Map) -> Result<Self> {
        Ok(Self {
            raw: map.get("andon").cloned().unwrap_or_default(),
        })
    }

    /// Writes member `andon` into a configuration object.
    pub fn write(&self, out: &mut Map) {
        out.insert("andon".into(), self.raw.clone());
    }
}

/// The andon part of a line's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AndonState {}

/// Applies an andon or analysis receipt; `Ok(false)` when not andon's.
pub(crate) fn apply(_line: &mut Line, _r: &Receipt) -> Result<bool> {
    Ok(false)
}

/// Stopping andons that refuse SKU operations (`transition`, `release`,
/// `publish`) on `sku`, ascending (andon.md 6.1). Flow calls this and
/// refuses with `line_stopped` when the list is not empty.
pub(crate) fn stopping_for_sku(_line: &Line, _sku: crate::id::SkuId) -> Vec<crate::id::AndonId> {
    Vec::new()
}

/// Stopping andons that refuse starting `wo`, ascending (andon.md 6.1).
pub(crate) fn stopping_for_start(
    _line: &Line,
    _wo: crate::id::WorkOrderId,
) -> Vec<crate::id::AndonId> {
    Vec::new()
}
