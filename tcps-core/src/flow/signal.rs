//! Pull signals (flow.md 4): the fields, the dedup keys, and the signals
//! read from OSV advisories and GitHub JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::types::{Severity, SignalKind, SignalState, is_non_empty_text, normalise};
use crate::time::Timestamp;

/// A unit of demand before intake (flow.md 4.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    /// What kind of demand it is.
    pub kind: SignalKind,
    /// Where it comes from: an issue URL, an advisory id, an event id.
    pub source: String,
    /// Title or summary.
    pub description: String,
    /// Labels, as given.
    #[serde(default)]
    pub labels: Vec<String>,
    /// The advisory severity, if known.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Base score × 10 (0..=100), if known.
    #[serde(default)]
    pub score_tenths: Option<u8>,
    /// Other ids of the advisory.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Open or closed; read for the two GitHub kinds only.
    #[serde(default)]
    pub state: SignalState,
    /// When a withdrawn advisory was withdrawn; read for `cve` only.
    #[serde(default)]
    pub withdrawn_at: Option<Timestamp>,
    /// A key that replaces the default dedup keys.
    #[serde(default)]
    pub dedup_key: Option<String>,
    /// Host data, copied to the work order.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

impl Signal {
    /// A signal with the three required fields and every other at its
    /// default.
    pub fn new(
        kind: SignalKind,
        source: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            source: source.into(),
            description: description.into(),
            labels: Vec::new(),
            severity: None,
            score_tenths: None,
            aliases: Vec::new(),
            state: SignalState::Open,
            withdrawn_at: None,
            dedup_key: None,
            metadata: BTreeMap::new(),
        }
    }

    /// With these labels.
    #[must_use]
    pub fn with_labels<S: Into<String>>(mut self, labels: impl IntoIterator<Item = S>) -> Self {
        self.labels = labels.into_iter().map(Into::into).collect();
        self
    }

    /// With these aliases.
    #[must_use]
    pub fn with_aliases<S: Into<String>>(mut self, aliases: impl IntoIterator<Item = S>) -> Self {
        self.aliases = aliases.into_iter().map(Into::into).collect();
        self
    }

    /// With this severity.
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    /// With this score (base score × 10).
    #[must_use]
    pub fn with_score_tenths(mut self, score_tenths: u8) -> Self {
        self.score_tenths = Some(score_tenths);
        self
    }

    /// With this state.
    #[must_use]
    pub fn with_state(mut self, state: SignalState) -> Self {
        self.state = state;
        self
    }

    /// Withdrawn at this time.
    #[must_use]
    pub fn with_withdrawn_at(mut self, at: Timestamp) -> Self {
        self.withdrawn_at = Some(at);
        self
    }

    /// With an explicit dedup key.
    #[must_use]
    pub fn with_dedup_key(mut self, key: impl Into<String>) -> Self {
        self.dedup_key = Some(key.into());
        self
    }

    /// With one more metadata entry.
    #[must_use]
    pub fn with_metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// The signal's dedup keys (flow.md 4.6).
    #[must_use]
    pub fn keys(&self) -> Vec<String> {
        dedup_keys(self)
    }
}

/// The dedup keys of a signal, in the order of flow.md 4.6, without
/// repeats.
#[must_use]
pub fn dedup_keys(signal: &Signal) -> Vec<String> {
    if let Some(key) = signal.dedup_key.as_deref().filter(|k| is_non_empty_text(k)) {
        return vec![normalise(key)];
    }
    let mut keys: Vec<String> = Vec::with_capacity(1 + signal.aliases.len());
    let mut push = |key: String| {
        if !keys.contains(&key) {
            keys.push(key);
        }
    };
    match signal.kind {
        SignalKind::Cve => {
            push(format!("advisory:{}", normalise(&signal.source)));
            for alias in &signal.aliases {
                let alias = normalise(alias);
                if !alias.is_empty() {
                    push(format!("advisory:{alias}"));
                }
            }
        }
        SignalKind::GithubIssue | SignalKind::GithubPr => {
            push(format!("github:{}", normalise(&signal.source)));
        }
        kind => push(format!("{kind}:{}", normalise(&signal.source))),
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advisory_keys_cover_the_id_and_every_alias_once() {
        let s = Signal::new(SignalKind::Cve, " GHSA-1 ", "x").with_aliases(["CVE-1", "", "ghsa-1"]);

        assert_eq!(s.keys(), vec!["advisory:ghsa-1", "advisory:cve-1"]);
    }

    #[test]
    fn a_blank_dedup_key_counts_as_absent() {
        let s = Signal::new(SignalKind::MarketplaceInstall, "evt-9", "x").with_dedup_key("  ");

        assert_eq!(s.keys(), vec!["marketplace_install:evt-9"]);
    }
}
