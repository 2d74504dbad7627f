//! The line's configuration object (OVERVIEW.md, "The configuration
//! object"): ten members, each defined and validated by its owner.
//!
//! | member | owner |
//! | --- | --- |
//! | `name` | this module (evidence-log.md 1.4, 5.2) |
//! | `stages`, `buckets`, `expedite_limit`, `leveling`, `routing` | [`crate::flow`] |
//! | `gates`, `licences` | [`crate::quality`] |
//! | `andon` | [`crate::andon`] |
//! | `kaizen` | [`crate::kaizen`] |
//!
//! A configuration is logged whole as the `config` member of
//! `line.opened` and `line.config_changed`; [`Config::to_value`] and
//! [`Config::from_value`] convert between the typed form and that JSON.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::andon::AndonConfig;
use crate::error::{Error, Result};
use crate::flow::FlowConfig;
use crate::kaizen::KaizenConfig;
use crate::quality::QualityConfig;
use crate::value::{Map, Value};

/// The ten members of the configuration object, in validation order.
pub const MEMBERS: [&str; 10] = [
    "name",
    "stages",
    "buckets",
    "expedite_limit",
    "leveling",
    "routing",
    "gates",
    "licences",
    "andon",
    "kaizen",
];

/// The name of the standard line, and the default checkpoint origin.
pub const STANDARD_NAME: &str = "tcps";

/// The complete configuration of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The line's name; never changes (evidence-log.md 1.4).
    pub name: String,
    /// `stages`, `buckets`, `expedite_limit`, `leveling`, `routing`.
    pub flow: FlowConfig,
    /// `gates` and `licences`.
    pub quality: QualityConfig,
    /// `andon`.
    pub andon: AndonConfig,
    /// `kaizen`.
    pub kaizen: KaizenConfig,
}

impl Config {
    /// The standard line of OVERVIEW.md.
    #[must_use]
    pub fn standard() -> Self {
        Self {
            name: STANDARD_NAME.to_owned(),
            flow: FlowConfig::standard(),
            quality: QualityConfig::standard(),
            andon: AndonConfig::standard(),
            kaizen: KaizenConfig::standard(),
        }
    }

    /// The standard line under another name.
    pub fn standard_named(name: &str) -> Result<Self> {
        crate::checkpoint::validate_origin(name)?;
        Ok(Self {
            name: name.to_owned(),
            ..Self::standard()
        })
    }

    /// Reads and validates a configuration object, members in the order
    /// of [`MEMBERS`], the first failure deciding.
    pub fn from_value(value: &Value) -> Result<Self> {
        let Value::Object(map) = value else {
            return Err(Error::config("config", "must be an object"));
        };
        for member in MEMBERS {
            if !map.contains_key(member) {
                return Err(Error::config(member, "is missing"));
            }
        }
        if let Some(extra) = map.keys().find(|k| !MEMBERS.contains(&k.as_str())) {
            return Err(Error::config(
                extra.clone(),
                "is not a configuration member",
            ));
        }
        let Some(name) = map.get("name").and_then(Value::as_str) else {
            return Err(Error::config("name", "must be a string"));
        };
        crate::checkpoint::validate_origin(name)?;
        let flow = FlowConfig::from_map(map)?;
        let quality = QualityConfig::from_map(map, &flow)?;
        let andon = AndonConfig::from_map(map)?;
        let kaizen = KaizenConfig::from_map(map)?;
        Ok(Self {
            name: name.to_owned(),
            flow,
            quality,
            andon,
            kaizen,
        })
    }

    /// The configuration object as logged.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("name".into(), Value::String(self.name.clone()));
        self.flow.write(&mut map);
        self.quality.write(&mut map);
        self.andon.write(&mut map);
        self.kaizen.write(&mut map);
        Value::Object(map)
    }

    /// The stages of the line, in order.
    #[must_use]
    pub fn stages(&self) -> &[String] {
        &self.flow.stages
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::standard()
    }
}

impl Serialize for Config {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Config {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Self::from_value(&value).map_err(serde::de::Error::custom)
    }
}
