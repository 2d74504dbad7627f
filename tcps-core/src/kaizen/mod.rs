//! Kaizen: metrics, waste, improvements, trends and reports (kaizen.md).
//!
//! TODO: placeholder while kaizen.md is being implemented.

use crate::error::Result;
use crate::line::Line;
use crate::receipt::Receipt;
use crate::value::{Map, Value};

/// Member `kaizen` of the configuration (kaizen.md 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KaizenConfig {
    raw: Value,
}

impl KaizenConfig {
    /// The defaults of kaizen.md 1.
    #[must_use]
    pub fn standard() -> Self {
        Self {
            raw: Value::object(),
        }
    }

    /// Reads member `kaizen` of a configuration object.
    pub fn from_map(map: &Map) -> Result<Self> {
        Ok(Self {
            raw: map.get("kaizen").cloned().unwrap_or_default(),
        })
    }

    /// Writes member `kaizen` into a configuration object.
    pub fn write(&self, out: &mut Map) {
        out.insert("kaizen".into(), self.raw.clone());
    }
}

/// The kaizen part of a line's state (improvements).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KaizenState {}

/// Applies an improvement receipt; `Ok(false)` when not kaizen's.
pub(crate) fn apply(_line: &mut Line, _r: &Receipt) -> Result<bool> {
    Ok(false)
}

/// Records the facts kaizen needs from any receipt, after the receipt's
/// owner applied it (kaizen.md 2). Called for every receipt.
pub(crate) fn observe(_line: &mut Line, _r: &Receipt) {}
