//! Flow: pull signals, work orders, queues, WIP, leveling, SLA, SKUs
//! (flow.md).
//!
//! TODO: placeholder while flow.md is being implemented; the config
//! members are carried as JSON until their types exist.

use crate::error::{Error, Result};
use crate::line::Line;
use crate::receipt::Receipt;
use crate::value::{Map, Value};

/// The flow members of the configuration: `stages`, `buckets`,
/// `expedite_limit`, `leveling`, `routing` (flow.md 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowConfig {
    /// SKU stages, in order.
    pub stages: Vec<String>,
    raw: Map,
}

const STANDARD: &str = r#"{
 "stages": ["shacl_validation","compilation","test_execution","security_scan",
  "deterministic_build","quality_metrics","release_verification","smoke_test",
  "marketplace_validation","publication"],
 "buckets": {
  "reliability": {"sla_hours":168,"wip_mode":"hard","wip_limit":5,"default_priority":6,"weight":2},
  "security": {"sla_hours":24,"wip_mode":"hard","wip_limit":5,"default_priority":8,"weight":2},
  "cost": {"sla_hours":720,"wip_mode":"hard","wip_limit":5,"default_priority":5,"weight":1},
  "compliance": {"sla_hours":168,"wip_mode":"hard","wip_limit":5,"default_priority":6,"weight":1},
  "features": {"sla_hours":720,"wip_mode":"hard","wip_limit":10,"default_priority":4,"weight":1},
  "technical_debt": {"sla_hours":null,"wip_mode":"hard","wip_limit":5,"default_priority":3,"weight":1}
 },
 "expedite_limit": 1,
 "leveling": "weighted",
 "routing": {}
}"#;

impl FlowConfig {
    /// The standard line's flow configuration.
    #[must_use]
    pub fn standard() -> Self {
        let value = crate::value::parse(STANDARD.as_bytes()).unwrap_or_default();
        let map = value.as_object().cloned().unwrap_or_default();
        Self::from_map(&map).unwrap_or(Self {
            stages: Vec::new(),
            raw: Map::new(),
        })
    }

    /// Reads the flow members from a configuration object.
    pub fn from_map(map: &Map) -> Result<Self> {
        let stages = map
            .get("stages")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::config("stages", "must be a list of strings"))?
            .iter()
            .map(|s| s.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| Error::config("stages", "must be a list of strings"))?;
        let mut raw = Map::new();
        for key in ["buckets", "expedite_limit", "leveling", "routing"] {
            raw.insert(key.into(), map.get(key).cloned().unwrap_or_default());
        }
        Ok(Self { stages, raw })
    }

    /// Writes the flow members into a configuration object.
    pub fn write(&self, out: &mut Map) {
        out.insert(
            "stages".into(),
            Value::Array(self.stages.iter().map(|s| Value::from(s.as_str())).collect()),
        );
        for (k, v) in &self.raw {
            out.insert(k.clone(), v.clone());
        }
    }
}

/// The flow part of a line's state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlowState {}

/// Checks a configuration change against the current state.
pub(crate) fn check_config_change(_line: &Line, _new: &crate::config::Config) -> Result<()> {
    Ok(())
}

/// Adjusts state after a configuration receipt was applied.
pub(crate) fn on_config_changed(_line: &mut Line, _old: &crate::config::Config) {}

/// Applies a flow receipt; `Ok(false)` when the kind is not flow's.
pub(crate) fn apply(_line: &mut Line, _r: &Receipt) -> Result<bool> {
    Ok(false)
}
