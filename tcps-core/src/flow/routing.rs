//! Routing (flow.md 5): a signal's bucket and priority from the routing
//! tables of the configuration.

use serde::{Deserialize, Serialize};

use super::config::{BucketRule, FlowConfig, PriorityRule};
use super::signal::Signal;
use super::types::{Bucket, Severity, normalise};
use crate::error::{Error, Result};
use crate::line::Line;

/// Where a signal goes and why (flow.md 5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Route {
    /// The bucket.
    pub bucket: Bucket,
    /// The priority, 1..10.
    pub priority: u8,
    /// Which rule chose the bucket: `kind:KIND`, `label:LABEL`,
    /// `metadata` or `default`.
    pub bucket_rule: String,
    /// Which rule chose the priority: `kind:KIND`, `cve_severity:SEV`,
    /// `severity_label:LABEL`, `metadata` or `bucket_default`.
    pub priority_rule: String,
}

/// Routes a signal by the flow configuration `config` (flow.md 5).
/// Fails with `invalid_bucket`, then `invalid_priority`.
pub fn route(config: &FlowConfig, signal: &Signal) -> Result<Route> {
    let routing = &config.routing;
    let rules = routing.rules_for(signal.kind);
    let labels: Vec<String> = match (rules.bucket, rules.priority) {
        (BucketRule::ByLabels, _) | (_, PriorityRule::ByLabels) => {
            signal.labels.iter().map(|l| normalise(l)).collect()
        }
        _ => Vec::new(),
    };

    let (bucket, bucket_rule) = match rules.bucket {
        BucketRule::Fixed(b) => (b, format!("kind:{}", signal.kind)),
        BucketRule::ByLabels => {
            let found = labels
                .iter()
                .filter_map(|l| routing.label_aliases.get(l).map(|b| (l, *b)))
                .min_by_key(|(_, b)| rank(&routing.precedence, *b));
            match found {
                // min_by_key keeps the first of equal keys: the first label
                // in signal order that maps to the winning bucket.
                Some((label, b)) => (b, format!("label:{label}")),
                None => (routing.default_bucket, "default".to_owned()),
            }
        }
        BucketRule::ByMetadata => match signal.metadata.get("bucket") {
            Some(text) => (Bucket::parse_lenient(text)?, "metadata".to_owned()),
            None => (routing.default_bucket, "default".to_owned()),
        },
    };

    let default_priority = config.buckets[bucket].default_priority;
    let (priority, priority_rule) = match rules.priority {
        PriorityRule::Fixed(p) => (p, format!("kind:{}", signal.kind)),
        PriorityRule::BySeverity => {
            let severity = signal.severity.unwrap_or(Severity::Unknown);
            (
                routing.cve_priority_of(severity),
                format!("cve_severity:{severity}"),
            )
        }
        PriorityRule::ByLabels => {
            let mut best: Option<(&String, u8)> = None;
            for label in &labels {
                if let Some(p) = routing.severity_labels.get(label)
                    && best.is_none_or(|(_, q)| *p > q)
                {
                    best = Some((label, *p));
                }
            }
            match best {
                Some((label, p)) => (p, format!("severity_label:{label}")),
                None => (default_priority, "bucket_default".to_owned()),
            }
        }
        PriorityRule::ByMetadata => match signal.metadata.get("priority") {
            Some(text) => (parse_priority(text)?, "metadata".to_owned()),
            None => (default_priority, "bucket_default".to_owned()),
        },
    };

    Ok(Route {
        bucket,
        priority,
        bucket_rule,
        priority_rule,
    })
}

fn rank(precedence: &[Bucket], b: Bucket) -> usize {
    precedence
        .iter()
        .position(|p| *p == b)
        .unwrap_or(usize::MAX)
}

/// `metadata["priority"]`: trimmed, ASCII digits only (leading zeros
/// allowed), in 1..10; the error keeps the value as given.
fn parse_priority(text: &str) -> Result<u8> {
    let bad = || Error::InvalidPriority {
        value: text.to_owned(),
    };
    let digits = text.trim();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let value = digits.trim_start_matches('0');
    if value.len() > 2 {
        return Err(bad());
    }
    match value.parse::<u8>() {
        Ok(p) if (1..=10).contains(&p) => Ok(p),
        _ => Err(bad()),
    }
}

/// The indexes of `signals` ordered by routed priority, highest first,
/// equal priorities in input order (flow.md 5.4). The first signal that
/// fails routing fails the call.
pub fn prioritize(config: &FlowConfig, signals: &[Signal]) -> Result<Vec<usize>> {
    let mut ranked = Vec::with_capacity(signals.len());
    for (i, s) in signals.iter().enumerate() {
        ranked.push((route(config, s)?.priority, i));
    }
    ranked.sort_by_key(|(p, i)| (std::cmp::Reverse(*p), *i));
    Ok(ranked.into_iter().map(|(_, i)| i).collect())
}

impl Line {
    /// Routes a signal by the configuration in force (flow.md 5).
    pub fn route(&self, signal: &Signal) -> Result<Route> {
        route(&self.config.flow, signal)
    }

    /// Ranks signals by routed priority (flow.md 5.4).
    pub fn prioritize(&self, signals: &[Signal]) -> Result<Vec<usize>> {
        prioritize(&self.config.flow, signals)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_priorities_allow_leading_zeros_but_no_sign() {
        assert_eq!(parse_priority(" 007 ").ok(), Some(7));
        assert_eq!(parse_priority("10").ok(), Some(10));
        assert!(parse_priority("+7").is_err());
        assert!(parse_priority("0").is_err());
        assert!(parse_priority("99999999999999999999").is_err());
    }
}
