//! Quality gates and evidence (quality.md).
//!
//! TODO: placeholder while quality.md is being implemented.

use crate::error::Result;
use crate::flow::FlowConfig;
use crate::line::Line;
use crate::receipt::Receipt;
use crate::value::{Map, Value};

/// The quality members of the configuration: `gates` and `licences`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QualityConfig {
    raw: Map,
}

impl QualityConfig {
    /// The standard line's gates and licence policy.
    #[must_use]
    pub fn standard() -> Self {
        let mut raw = Map::new();
        raw.insert("gates".into(), Value::Array(Vec::new()));
        raw.insert("licences".into(), Value::object());
        Self { raw }
    }

    /// Reads `gates` and `licences` from a configuration object.
    pub fn from_map(map: &Map, _flow: &FlowConfig) -> Result<Self> {
        let mut raw = Map::new();
        for key in ["gates", "licences"] {
            raw.insert(key.into(), map.get(key).cloned().unwrap_or_default());
        }
        Ok(Self { raw })
    }

    /// Writes `gates` and `licences` into a configuration object.
    pub fn write(&self, out: &mut Map) {
        for (k, v) in &self.raw {
            out.insert(k.clone(), v.clone());
        }
    }
}

/// The quality part of a line's state (the gate ledger).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QualityState {}

/// Applies a gate receipt; `Ok(false)` when the kind is not quality's.
pub(crate) fn apply(_line: &mut Line, _r: &Receipt) -> Result<bool> {
    Ok(false)
}

/// The gate part of the stage exit rule (quality.md 6.2): `Ok` when the
/// stage has no gate or its latest outcome for `sku` is pass, warn or
/// skipped; otherwise `gate_not_passed`. Flow's SKU `transition` calls it.
pub(crate) fn check_stage_exit(_line: &Line, _sku: crate::id::SkuId, _stage: &str) -> Result<()> {
    Ok(())
}
