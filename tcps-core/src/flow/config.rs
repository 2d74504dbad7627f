//! The flow part of the configuration (flow.md 3): the members
//! `stages`, `buckets`, `expedite_limit`, `leveling` and `routing`, their
//! defaults and the validation of flow.md 3.4.
//!
//! Where flow.md 3.4 leaves the grouping open, the rules are checked in
//! this order, the first broken one deciding:
//!
//! 1. structure: each member present with its JSON type, in the order
//!    `buckets` (each bucket present, canonical order, its five keys),
//!    `expedite_limit` (also its `u32` range), `leveling`, `stages`,
//!    `routing` (its six keys, each rule entry an object with exactly
//!    the string members `bucket` and `priority`);
//! 2. `buckets` has exactly the six bucket names as keys;
//! 3. `sla_hours`; 4. `wip_mode` and `wip_limit`; 5. priorities
//!    (default priorities, `fixed:P` rules, severity labels, CVE
//!    table); 6. weights; 7. `leveling`, then `stages`;
//! 8. bucket names (`fixed:BUCKET`, alias values, `default_bucket`);
//! 9. alias and severity-label keys; 10. `precedence`;
//! 11. `cve_priority` keys; 12. `rules` (kinds and rule texts).
//!
//! The rule "a change of `stages` keeps every stage in use" needs the
//! line and is checked by [`crate::Line::change_config`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::types::{Bucket, PerBucket, Severity, SignalKind, Strategy, WipMode, normalise};
use crate::error::{Error, Result};
use crate::value::{Map, Value};

/// Largest `sla_hours` (flow.md 3.1).
pub const MAX_SLA_HOURS: u32 = 1_000_000;

/// The stages of the standard line (OVERVIEW.md).
pub const STANDARD_STAGES: [&str; 10] = [
    "shacl_validation",
    "compilation",
    "test_execution",
    "security_scan",
    "deterministic_build",
    "quality_metrics",
    "release_verification",
    "smoke_test",
    "marketplace_validation",
    "publication",
];

const BUCKET_KEYS: [&str; 5] = [
    "sla_hours",
    "wip_mode",
    "wip_limit",
    "default_priority",
    "weight",
];

const ROUTING_KEYS: [&str; 6] = [
    "rules",
    "label_aliases",
    "precedence",
    "default_bucket",
    "severity_labels",
    "cve_priority",
];

/// The settings of one bucket (flow.md 3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketConfig {
    /// SLA length in hours, `1..=1_000_000`; `None`: no deadline.
    pub sla_hours: Option<u32>,
    /// How the WIP limit applies.
    pub wip_mode: WipMode,
    /// The WIP limit; `Some` for hard and soft, `None` for unlimited.
    pub wip_limit: Option<u32>,
    /// Priority used when no other rule applies, 1..10.
    pub default_priority: u8,
    /// Weight read by the weighted strategy, 1..=1000.
    pub weight: u32,
}

impl BucketConfig {
    /// The SLA length in milliseconds, if the bucket has one.
    #[must_use]
    pub fn sla_ms(&self) -> Option<i64> {
        self.sla_hours.map(|h| i64::from(h) * crate::time::HOUR_MS)
    }
}

/// How a signal kind's bucket is chosen (flow.md 5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BucketRule {
    /// `fixed:BUCKET`.
    Fixed(Bucket),
    /// `by_labels`: the alias table and the precedence list.
    ByLabels,
    /// `by_metadata`: `metadata["bucket"]`.
    ByMetadata,
}

/// How a signal kind's priority is chosen (flow.md 5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PriorityRule {
    /// `fixed:P`.
    Fixed(u8),
    /// `by_severity`: the CVE priority table.
    BySeverity,
    /// `by_labels`: the severity-label table.
    ByLabels,
    /// `by_metadata`: `metadata["priority"]`.
    ByMetadata,
}

impl fmt::Display for BucketRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(b) => write!(f, "fixed:{b}"),
            Self::ByLabels => f.write_str("by_labels"),
            Self::ByMetadata => f.write_str("by_metadata"),
        }
    }
}

impl fmt::Display for PriorityRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(p) => write!(f, "fixed:{p}"),
            Self::BySeverity => f.write_str("by_severity"),
            Self::ByLabels => f.write_str("by_labels"),
            Self::ByMetadata => f.write_str("by_metadata"),
        }
    }
}

/// A rule text that does not parse, and why.
#[derive(Debug)]
enum RuleFault {
    /// `fixed:X` where X is not a bucket name.
    Bucket,
    /// `fixed:P` with P out of 1..10.
    Priority,
    /// `by_severity` as a bucket rule.
    SeverityForBucket,
    /// Anything else.
    Unknown,
}

fn parse_bucket_rule(text: &str) -> std::result::Result<BucketRule, RuleFault> {
    match text {
        "by_labels" => Ok(BucketRule::ByLabels),
        "by_metadata" => Ok(BucketRule::ByMetadata),
        "by_severity" => Err(RuleFault::SeverityForBucket),
        _ => match text.strip_prefix("fixed:") {
            Some(name) => name
                .parse()
                .map(BucketRule::Fixed)
                .map_err(|_| RuleFault::Bucket),
            None => Err(RuleFault::Unknown),
        },
    }
}

fn parse_priority_rule(text: &str) -> std::result::Result<PriorityRule, RuleFault> {
    match text {
        "by_severity" => Ok(PriorityRule::BySeverity),
        "by_labels" => Ok(PriorityRule::ByLabels),
        "by_metadata" => Ok(PriorityRule::ByMetadata),
        _ => {
            let Some(digits) = text.strip_prefix("fixed:") else {
                return Err(RuleFault::Unknown);
            };
            let well_formed = !digits.is_empty()
                && digits.len() <= 3
                && digits.bytes().all(|b| b.is_ascii_digit())
                && !(digits.len() > 1 && digits.starts_with('0'));
            if !well_formed {
                return Err(RuleFault::Unknown);
            }
            match digits.parse::<u8>() {
                Ok(p) if (1..=10).contains(&p) => Ok(PriorityRule::Fixed(p)),
                _ => Err(RuleFault::Priority),
            }
        }
    }
}

impl FromStr for BucketRule {
    type Err = Error;

    /// `fixed:BUCKET`, `by_labels` or `by_metadata`.
    fn from_str(text: &str) -> Result<Self> {
        parse_bucket_rule(text).map_err(|_| Error::InvalidField {
            field: "bucket_rule".into(),
            reason: format!("`{}` is not a bucket rule", text.escape_debug()),
        })
    }
}

impl FromStr for PriorityRule {
    type Err = Error;

    /// `fixed:P`, `by_severity`, `by_labels` or `by_metadata`.
    fn from_str(text: &str) -> Result<Self> {
        parse_priority_rule(text).map_err(|_| Error::InvalidField {
            field: "priority_rule".into(),
            reason: format!("`{}` is not a priority rule", text.escape_debug()),
        })
    }
}

macro_rules! serde_by_text {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

serde_by_text!(BucketRule);
serde_by_text!(PriorityRule);

/// The bucket rule and the priority rule of one signal kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindRules {
    /// How the bucket is chosen.
    pub bucket: BucketRule,
    /// How the priority is chosen.
    pub priority: PriorityRule,
}

/// The routing tables (flow.md 3.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingConfig {
    /// Signal kind → its two rules; all six kinds.
    pub rules: BTreeMap<SignalKind, KindRules>,
    /// Normalised label → bucket.
    pub label_aliases: BTreeMap<String, Bucket>,
    /// The six buckets, first match wins.
    pub precedence: Vec<Bucket>,
    /// The bucket when no label or metadata decides.
    pub default_bucket: Bucket,
    /// Normalised label → priority.
    pub severity_labels: BTreeMap<String, u8>,
    /// CVE severity → priority; all six severities.
    pub cve_priority: BTreeMap<Severity, u8>,
}

impl RoutingConfig {
    /// The standard routing tables of flow.md 3.3.
    #[must_use]
    pub fn standard() -> Self {
        use Bucket::{Compliance, Cost, Features, Reliability, Security, TechnicalDebt};
        let rule = |bucket, priority| KindRules { bucket, priority };
        let rules = BTreeMap::from([
            (
                SignalKind::GithubIssue,
                rule(BucketRule::ByLabels, PriorityRule::ByLabels),
            ),
            (
                SignalKind::GithubPr,
                rule(BucketRule::ByLabels, PriorityRule::ByLabels),
            ),
            (
                SignalKind::Cve,
                rule(BucketRule::Fixed(Security), PriorityRule::BySeverity),
            ),
            (
                SignalKind::MarketplaceInstall,
                rule(BucketRule::Fixed(Features), PriorityRule::Fixed(4)),
            ),
            (
                SignalKind::MarketplaceRefund,
                rule(BucketRule::Fixed(Reliability), PriorityRule::Fixed(8)),
            ),
            (
                SignalKind::InternalRequest,
                rule(BucketRule::ByMetadata, PriorityRule::ByMetadata),
            ),
        ]);
        let aliases = [
            ("security", Security),
            ("vulnerability", Security),
            ("bug", Reliability),
            ("defect", Reliability),
            ("reliability", Reliability),
            ("compliance", Compliance),
            ("refactor", TechnicalDebt),
            ("tech-debt", TechnicalDebt),
            ("technical-debt", TechnicalDebt),
            ("technical_debt", TechnicalDebt),
            ("performance", Cost),
            ("cost", Cost),
            ("enhancement", Features),
            ("feature", Features),
            ("features", Features),
        ];
        Self {
            rules,
            label_aliases: aliases.iter().map(|(l, b)| ((*l).to_owned(), *b)).collect(),
            precedence: vec![
                Security,
                Reliability,
                Compliance,
                TechnicalDebt,
                Cost,
                Features,
            ],
            default_bucket: Features,
            severity_labels: [("critical", 9), ("high", 7), ("medium", 5), ("low", 3)]
                .iter()
                .map(|(l, p)| ((*l).to_owned(), *p))
                .collect(),
            cve_priority: BTreeMap::from([
                (Severity::Critical, 10),
                (Severity::High, 9),
                (Severity::Medium, 8),
                (Severity::Low, 8),
                (Severity::None, 8),
                (Severity::Unknown, 10),
            ]),
        }
    }

    /// The rules of a signal kind.
    #[must_use]
    pub fn rules_for(&self, kind: SignalKind) -> KindRules {
        self.rules.get(&kind).copied().unwrap_or(KindRules {
            bucket: BucketRule::Fixed(self.default_bucket),
            priority: PriorityRule::BySeverity,
        })
    }

    /// The CVE priority of a severity.
    #[must_use]
    pub fn cve_priority_of(&self, severity: Severity) -> u8 {
        self.cve_priority.get(&severity).copied().unwrap_or(10)
    }
}

/// The flow members of the configuration (flow.md 3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowConfig {
    /// SKU stages, in order.
    pub stages: Vec<String>,
    /// Per-bucket settings.
    pub buckets: PerBucket<BucketConfig>,
    /// Expedite slots for the whole line; 0 turns the lane off.
    pub expedite_limit: u32,
    /// The strategy of `next`.
    pub leveling: Strategy,
    /// The routing tables.
    pub routing: RoutingConfig,
}

impl Default for FlowConfig {
    fn default() -> Self {
        Self::standard()
    }
}

impl FlowConfig {
    /// The standard line's flow configuration (flow.md 3.1 to 3.3).
    #[must_use]
    pub fn standard() -> Self {
        let bucket = |sla_hours, limit, default_priority, weight| BucketConfig {
            sla_hours,
            wip_mode: WipMode::Hard,
            wip_limit: Some(limit),
            default_priority,
            weight,
        };
        Self {
            stages: STANDARD_STAGES.iter().map(|s| (*s).to_owned()).collect(),
            buckets: PerBucket {
                reliability: bucket(Some(168), 5, 6, 2),
                security: bucket(Some(24), 5, 8, 2),
                cost: bucket(Some(720), 5, 5, 1),
                compliance: bucket(Some(168), 5, 6, 1),
                features: bucket(Some(720), 10, 4, 1),
                technical_debt: bucket(None, 5, 3, 1),
            },
            expedite_limit: 1,
            leveling: Strategy::Weighted,
            routing: RoutingConfig::standard(),
        }
    }

    /// The settings of a bucket.
    #[must_use]
    pub fn bucket(&self, b: Bucket) -> &BucketConfig {
        &self.buckets[b]
    }

    /// The 0-based position of a stage in the line.
    #[must_use]
    pub fn stage_index(&self, stage: &str) -> Option<usize> {
        self.stages.iter().position(|s| s == stage)
    }

    /// Reads and validates the flow members of a configuration object
    /// (flow.md 3.4). Alias and severity-label keys are normalised.
    pub fn from_map(map: &Map) -> Result<Self> {
        check_structure(map)?;
        let buckets = obj(map, "buckets");
        check_bucket_keys(buckets)?;
        let routing = obj(map, "routing");
        let rules = obj(routing, "rules");

        // Rule 3: sla_hours.
        for b in Bucket::ALL {
            let v = at(obj(buckets, b.as_str()), "sla_hours");
            if !v.is_null() && !in_range(v, 1, i64::from(MAX_SLA_HOURS)) {
                return Err(bucket_err(
                    *b,
                    "sla_hours",
                    "must be null or in 1..=1000000",
                ));
            }
        }

        // Rule 4: wip_mode and wip_limit.
        for b in Bucket::ALL {
            let entry = obj(buckets, b.as_str());
            let mode_text = at(entry, "wip_mode").as_str().unwrap_or_default();
            let Ok(mode) = mode_text.parse::<WipMode>() else {
                return Err(bucket_err(
                    *b,
                    "wip_mode",
                    "must be hard, soft or unlimited",
                ));
            };
            let limit = at(entry, "wip_limit");
            match (mode, limit.is_null()) {
                (WipMode::Unlimited, false) => {
                    return Err(bucket_err(*b, "wip_limit", "must be null when unlimited"));
                }
                (WipMode::Hard | WipMode::Soft, true) => {
                    return Err(bucket_err(*b, "wip_limit", "hard and soft need a limit"));
                }
                (WipMode::Hard | WipMode::Soft, false)
                    if !in_range(limit, 0, i64::from(u32::MAX)) =>
                {
                    return Err(bucket_err(*b, "wip_limit", "must be in 0..=4294967295"));
                }
                _ => {}
            }
        }

        // Rule 5: priorities.
        for b in Bucket::ALL {
            if !in_range(at(obj(buckets, b.as_str()), "default_priority"), 1, 10) {
                return Err(bucket_err(*b, "default_priority", "must be in 1..10"));
            }
        }
        for kind in SignalKind::ALL {
            let Some(entry) = rules.get(kind.as_str()) else {
                continue;
            };
            if let Some(text) = entry.get("priority").and_then(Value::as_str)
                && matches!(parse_priority_rule(text), Err(RuleFault::Priority))
            {
                return Err(Error::config(
                    format!("routing.rules.{kind}.priority"),
                    "fixed priority must be in 1..10",
                ));
            }
        }
        for member in ["severity_labels", "cve_priority"] {
            for (key, v) in obj(routing, member) {
                if !in_range(v, 1, 10) {
                    return Err(Error::config(
                        format!("routing.{member}.{key}"),
                        "priority must be in 1..10",
                    ));
                }
            }
        }

        // Rule 6: weights.
        for b in Bucket::ALL {
            if !in_range(at(obj(buckets, b.as_str()), "weight"), 1, 1000) {
                return Err(bucket_err(*b, "weight", "must be in 1..=1000"));
            }
        }

        // Rule 7: leveling, then stages.
        let Ok(leveling) = at(map, "leveling")
            .as_str()
            .unwrap_or_default()
            .parse::<Strategy>()
        else {
            return Err(Error::config(
                "leveling",
                "must be priority, round_robin or weighted",
            ));
        };
        let stages = check_stages(at(map, "stages"))?;

        // Rule 8: bucket names.
        for kind in SignalKind::ALL {
            let Some(entry) = rules.get(kind.as_str()) else {
                continue;
            };
            if let Some(text) = entry.get("bucket").and_then(Value::as_str)
                && matches!(parse_bucket_rule(text), Err(RuleFault::Bucket))
            {
                return Err(Error::config(
                    format!("routing.rules.{kind}.bucket"),
                    "names no bucket",
                ));
            }
        }
        for (key, v) in obj(routing, "label_aliases") {
            if v.as_str().and_then(|s| s.parse::<Bucket>().ok()).is_none() {
                return Err(Error::config(
                    format!("routing.label_aliases.{key}"),
                    "names no bucket",
                ));
            }
        }
        let Ok(default_bucket) = at(routing, "default_bucket")
            .as_str()
            .unwrap_or_default()
            .parse()
        else {
            return Err(Error::config("routing.default_bucket", "names no bucket"));
        };

        // Rule 9: alias and severity-label keys.
        let label_aliases = normalised_keys(obj(routing, "label_aliases"), "label_aliases", |v| {
            v.as_str().and_then(|s| s.parse::<Bucket>().ok())
        })?;
        let severity_labels =
            normalised_keys(obj(routing, "severity_labels"), "severity_labels", |v| {
                v.as_i64().map(|p| p as u8)
            })?;

        // Rule 10: precedence.
        let precedence = check_precedence(at(routing, "precedence"))?;

        // Rule 11: cve_priority keys.
        let cve_priority = check_cve_priority(obj(routing, "cve_priority"))?;

        // Rule 12: rules.
        let rules = check_rules(rules)?;

        let bucket_config = |b: Bucket| {
            let e = obj(buckets, b.as_str());
            BucketConfig {
                sla_hours: at(e, "sla_hours").as_i64().map(|h| h as u32),
                wip_mode: at(e, "wip_mode")
                    .as_str()
                    .unwrap_or_default()
                    .parse()
                    .unwrap_or(WipMode::Hard),
                wip_limit: at(e, "wip_limit").as_i64().map(|l| l as u32),
                default_priority: at(e, "default_priority").as_i64().unwrap_or(1) as u8,
                weight: at(e, "weight").as_i64().unwrap_or(1) as u32,
            }
        };
        Ok(Self {
            stages,
            buckets: PerBucket::from_fn(bucket_config),
            expedite_limit: at(map, "expedite_limit").as_i64().unwrap_or(0) as u32,
            leveling,
            routing: RoutingConfig {
                rules,
                label_aliases,
                precedence,
                default_bucket,
                severity_labels,
                cve_priority,
            },
        })
    }

    /// Writes the flow members into a configuration object.
    pub fn write(&self, out: &mut Map) {
        let stages = self
            .stages
            .iter()
            .map(|s| Value::from(s.as_str()))
            .collect();
        out.insert("stages".into(), Value::Array(stages));

        let mut buckets = Map::new();
        for (b, c) in self.buckets.iter() {
            let opt = |v: Option<u32>| v.map_or(Value::Null, Value::from);
            let entry = crate::obj! {
                "sla_hours" => opt(c.sla_hours),
                "wip_mode" => c.wip_mode.as_str(),
                "wip_limit" => opt(c.wip_limit),
                "default_priority" => i64::from(c.default_priority),
                "weight" => c.weight,
            };
            buckets.insert(b.as_str().into(), entry);
        }
        out.insert("buckets".into(), Value::Object(buckets));
        out.insert("expedite_limit".into(), Value::from(self.expedite_limit));
        out.insert("leveling".into(), Value::from(self.leveling.as_str()));

        let r = &self.routing;
        let rules = r
            .rules
            .iter()
            .map(|(k, v)| {
                let entry = crate::obj! {
                    "bucket" => v.bucket.to_string(),
                    "priority" => v.priority.to_string(),
                };
                (k.as_str().to_owned(), entry)
            })
            .collect::<Map>();
        let aliases = r
            .label_aliases
            .iter()
            .map(|(k, b)| (k.clone(), Value::from(b.as_str())))
            .collect::<Map>();
        let severity = r
            .severity_labels
            .iter()
            .map(|(k, p)| (k.clone(), Value::Int(i64::from(*p))))
            .collect::<Map>();
        let cve = r
            .cve_priority
            .iter()
            .map(|(k, p)| (k.as_str().to_owned(), Value::Int(i64::from(*p))))
            .collect::<Map>();
        let precedence = r
            .precedence
            .iter()
            .map(|b| Value::from(b.as_str()))
            .collect();
        let routing = crate::obj! {
            "rules" => rules,
            "label_aliases" => aliases,
            "precedence" => Value::Array(precedence),
            "default_bucket" => r.default_bucket.as_str(),
            "severity_labels" => severity,
            "cve_priority" => cve,
        };
        out.insert("routing".into(), routing);
    }

    /// The flow members as a JSON object.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        self.write(&mut map);
        Value::Object(map)
    }
}

impl Serialize for FlowConfig {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for FlowConfig {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        let map = value.as_object().cloned().unwrap_or_default();
        Self::from_map(&map).map_err(serde::de::Error::custom)
    }
}

static EMPTY: Map = Map::new();
static NULL: Value = Value::Null;

/// The member `key` of `map`, null when absent.
fn at<'a>(map: &'a Map, key: &str) -> &'a Value {
    map.get(key).unwrap_or(&NULL)
}

/// The object member `key` of `map`, empty when absent or not an object
/// (only used after the structure was checked).
fn obj<'a>(map: &'a Map, key: &str) -> &'a Map {
    map.get(key).and_then(Value::as_object).unwrap_or(&EMPTY)
}

fn in_range(v: &Value, lo: i64, hi: i64) -> bool {
    v.as_i64().is_some_and(|i| (lo..=hi).contains(&i))
}

fn bucket_err(b: Bucket, key: &str, reason: &str) -> Error {
    Error::config(format!("buckets.{b}.{key}"), reason)
}

#[derive(Clone, Copy)]
enum Ty {
    Int,
    IntOrNull,
    Str,
    StrList,
    Object,
}

impl Ty {
    fn holds(self, v: &Value) -> bool {
        match self {
            Self::Int => matches!(v, Value::Int(_)),
            Self::IntOrNull => matches!(v, Value::Int(_) | Value::Null),
            Self::Str => matches!(v, Value::String(_)),
            Self::StrList => v
                .as_array()
                .is_some_and(|items| items.iter().all(|i| matches!(i, Value::String(_)))),
            Self::Object => matches!(v, Value::Object(_)),
        }
    }

    fn reason(self) -> &'static str {
        match self {
            Self::Int => "must be an integer",
            Self::IntOrNull => "must be an integer or null",
            Self::Str => "must be a string",
            Self::StrList => "must be a list of strings",
            Self::Object => "must be an object",
        }
    }
}

/// The dotted field of `key` below the `path` segments.
fn field(path: &[&str], key: &str) -> String {
    let mut out = path.join(".");
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(key);
    out
}

fn member<'a>(map: &'a Map, path: &[&str], key: &str, ty: Ty) -> Result<&'a Value> {
    match map.get(key) {
        Some(v) if ty.holds(v) => Ok(v),
        Some(_) => Err(Error::config(field(path, key), ty.reason())),
        None => Err(Error::config(field(path, key), "is missing")),
    }
}

fn no_other_keys(map: &Map, path: &[&str], allowed: &[&str], what: &str) -> Result<()> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(Error::config(field(path, k), format!("is not {what}"))),
        None => Ok(()),
    }
}

/// Rule 1: presence and JSON types.
fn check_structure(map: &Map) -> Result<()> {
    let buckets = member(map, &[], "buckets", Ty::Object)?;
    for b in Bucket::ALL {
        let Some(entry) = buckets.get(b.as_str()) else {
            continue;
        };
        let path = ["buckets", b.as_str()];
        let Value::Object(entry) = entry else {
            return Err(Error::config(
                field(&path[..1], path[1]),
                "must be an object",
            ));
        };
        let types = [Ty::IntOrNull, Ty::Str, Ty::IntOrNull, Ty::Int, Ty::Int];
        for (key, ty) in BUCKET_KEYS.iter().zip(types) {
            member(entry, &path, key, ty)?;
        }
        no_other_keys(entry, &path, &BUCKET_KEYS, "a bucket setting")?;
    }

    let limit = member(map, &[], "expedite_limit", Ty::Int)?;
    if !in_range(limit, 0, i64::from(u32::MAX)) {
        return Err(Error::config("expedite_limit", "must be in 0..=4294967295"));
    }
    member(map, &[], "leveling", Ty::Str)?;
    member(map, &[], "stages", Ty::StrList)?;

    let Value::Object(routing) = member(map, &[], "routing", Ty::Object)? else {
        return Ok(());
    };
    let types = [
        Ty::Object,
        Ty::Object,
        Ty::StrList,
        Ty::Str,
        Ty::Object,
        Ty::Object,
    ];
    for (key, ty) in ROUTING_KEYS.iter().zip(types) {
        member(routing, &["routing"], key, ty)?;
    }
    no_other_keys(routing, &["routing"], &ROUTING_KEYS, "a routing member")?;

    for (kind, entry) in obj(routing, "rules") {
        let path = ["routing", "rules", kind.as_str()];
        let Value::Object(entry) = entry else {
            return Err(Error::config(field(&path[..2], kind), "must be an object"));
        };
        member(entry, &path, "bucket", Ty::Str)?;
        member(entry, &path, "priority", Ty::Str)?;
        no_other_keys(entry, &path, &["bucket", "priority"], "a rule")?;
    }
    let wrong_type = |member: &str, key: &str, reason: &str| {
        Error::config(field(&["routing", member], key), reason)
    };
    for (key, v) in obj(routing, "label_aliases") {
        if !matches!(v, Value::String(_)) {
            return Err(wrong_type("label_aliases", key, "must be a string"));
        }
    }
    for member in ["severity_labels", "cve_priority"] {
        for (key, v) in obj(routing, member) {
            if !matches!(v, Value::Int(_)) {
                return Err(wrong_type(member, key, "must be an integer"));
            }
        }
    }
    Ok(())
}

/// Rule 2: the six bucket names, no other key.
fn check_bucket_keys(buckets: &Map) -> Result<()> {
    for b in Bucket::ALL {
        if !buckets.contains_key(b.as_str()) {
            return Err(Error::config(format!("buckets.{b}"), "is missing"));
        }
    }
    let names: Vec<&str> = Bucket::ALL.iter().map(|b| b.as_str()).collect();
    no_other_keys(buckets, &["buckets"], &names, "a bucket")
}

fn check_stages(v: &Value) -> Result<Vec<String>> {
    let items = v.as_array().unwrap_or_default();
    if items.is_empty() {
        return Err(Error::config("stages", "must hold at least one stage"));
    }
    let mut seen = BTreeSet::new();
    let mut stages = Vec::with_capacity(items.len());
    for item in items {
        let name = item.as_str().unwrap_or_default();
        if !is_snake_name(name) {
            return Err(Error::config(
                "stages",
                format!("`{}` is not [a-z][a-z0-9_]*", name.escape_debug()),
            ));
        }
        if !seen.insert(name) {
            return Err(Error::config("stages", format!("`{name}` appears twice")));
        }
        stages.push(name.to_owned());
    }
    Ok(stages)
}

/// Whether `name` matches `[a-z][a-z0-9_]*`.
pub(crate) fn is_snake_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn normalised_keys<T>(
    map: &Map,
    member: &str,
    value: impl Fn(&Value) -> Option<T>,
) -> Result<BTreeMap<String, T>> {
    let mut out = BTreeMap::new();
    for (key, v) in map {
        let norm = normalise(key);
        if norm.is_empty() {
            return Err(Error::config(
                field(&["routing"], member),
                "a key is empty after normalisation",
            ));
        }
        if out.contains_key(&norm) {
            let first = map
                .keys()
                .find(|k| normalise(k) == norm)
                .map_or("", String::as_str);
            return Err(Error::config(
                field(&["routing"], member),
                format!("keys `{first}` and `{key}` are the same after normalisation"),
            ));
        }
        let Some(typed) = value(v) else {
            return Err(Error::config(
                field(&["routing", member], key),
                "has the wrong type",
            ));
        };
        out.insert(norm, typed);
    }
    Ok(out)
}

fn check_precedence(v: &Value) -> Result<Vec<Bucket>> {
    let bad = || {
        Error::config(
            "routing.precedence",
            "must be a permutation of the six buckets",
        )
    };
    let items = v.as_array().unwrap_or_default();
    let mut out = Vec::with_capacity(6);
    for item in items {
        let b: Bucket = item
            .as_str()
            .unwrap_or_default()
            .parse()
            .map_err(|_| bad())?;
        if out.contains(&b) {
            return Err(bad());
        }
        out.push(b);
    }
    if out.len() == 6 { Ok(out) } else { Err(bad()) }
}

fn check_cve_priority(map: &Map) -> Result<BTreeMap<Severity, u8>> {
    let bad = || {
        Error::config(
            "routing.cve_priority",
            "must have exactly the six severities",
        )
    };
    let mut out = BTreeMap::new();
    for (key, v) in map {
        let s: Severity = key.parse().map_err(|_| bad())?;
        out.insert(s, v.as_i64().unwrap_or(0) as u8);
    }
    if out.len() == 6 { Ok(out) } else { Err(bad()) }
}

fn check_rules(rules: &Map) -> Result<BTreeMap<SignalKind, KindRules>> {
    let mut out = BTreeMap::new();
    for kind in SignalKind::ALL {
        let path = ["routing", "rules", kind.as_str()];
        let Some(entry) = rules.get(kind.as_str()) else {
            return Err(Error::config(field(&path[..2], path[2]), "is missing"));
        };
        let text = entry
            .get("bucket")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let bucket = parse_bucket_rule(text).map_err(|fault| {
            let reason = match fault {
                RuleFault::SeverityForBucket => "by_severity is a priority rule only",
                _ => "must be fixed:BUCKET, by_labels or by_metadata",
            };
            Error::config(field(&path, "bucket"), reason)
        })?;
        let text = entry
            .get("priority")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let priority = parse_priority_rule(text).map_err(|_| {
            Error::config(
                field(&path, "priority"),
                "must be fixed:P, by_severity, by_labels or by_metadata",
            )
        })?;
        out.insert(*kind, KindRules { bucket, priority });
    }
    let names: Vec<&str> = SignalKind::ALL.iter().map(|k| k.as_str()).collect();
    no_other_keys(rules, &["routing", "rules"], &names, "a signal kind")?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standard_map() -> Map {
        let mut map = Map::new();
        FlowConfig::standard().write(&mut map);
        map
    }

    #[test]
    fn the_standard_configuration_round_trips() {
        let map = standard_map();

        let back = FlowConfig::from_map(&map);

        assert_eq!(back.ok(), Some(FlowConfig::standard()));
    }

    #[test]
    fn fixed_priority_rules_need_a_plain_decimal() {
        assert!(matches!(
            parse_priority_rule("fixed:10"),
            Ok(PriorityRule::Fixed(10))
        ));
        assert!(matches!(
            parse_priority_rule("fixed:11"),
            Err(RuleFault::Priority)
        ));
        assert!(matches!(
            parse_priority_rule("fixed:0"),
            Err(RuleFault::Priority)
        ));
        assert!(matches!(
            parse_priority_rule("fixed:07"),
            Err(RuleFault::Unknown)
        ));
        assert!(matches!(
            parse_priority_rule("fixed:+7"),
            Err(RuleFault::Unknown)
        ));
    }
}
