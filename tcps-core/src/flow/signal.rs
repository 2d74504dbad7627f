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

#[cfg(feature = "ingest")]
mod from_ingest {
    use super::{Severity, Signal, SignalKind, SignalState, is_non_empty_text};
    use crate::error::{Error, Result};
    use crate::ingest::{self, Input, IssueKind, IssueSummary, Limits, OsvSummary, Rating};

    impl From<Rating> for Severity {
        fn from(r: Rating) -> Self {
            match r {
                Rating::Critical => Self::Critical,
                Rating::High => Self::High,
                Rating::Medium => Self::Medium,
                Rating::Low => Self::Low,
                Rating::None => Self::None,
                Rating::Unknown => Self::Unknown,
            }
        }
    }

    impl Signal {
        /// The `cve` signal of one advisory (flow.md 4.2). The summary
        /// carries no text, so the description is the advisory id; use
        /// [`signals_from_osv`] to read `summary` and `details`.
        #[must_use]
        pub fn from_osv(summary: &OsvSummary) -> Self {
            let mut s = Self::new(SignalKind::Cve, summary.id.clone(), summary.id.clone());
            s.aliases.clone_from(&summary.aliases);
            s.severity = Some(summary.rating.into());
            s.score_tenths = summary.score_tenths.and_then(|t| u8::try_from(t).ok());
            s.withdrawn_at = summary.withdrawn_ms;
            s
        }

        /// The signal of one GitHub issue or pull request (flow.md 4.4).
        /// An item without a URL is `missing_field {html_url}`.
        pub fn from_github(summary: &IssueSummary) -> Result<Self> {
            let kind = match summary.kind {
                IssueKind::PullRequest => SignalKind::GithubPr,
                IssueKind::Issue => SignalKind::GithubIssue,
            };
            let Some(url) = &summary.url else {
                return Err(Error::MissingField {
                    field: "html_url".into(),
                });
            };
            let mut s = Self::new(kind, url.clone(), summary.title.clone());
            s.labels.clone_from(&summary.labels);
            s.state = if summary.state == "closed" {
                SignalState::Closed
            } else {
                SignalState::Open
            };
            Ok(s)
        }
    }

    /// One `cve` signal per OSV advisory in `input`, in document order
    /// (flow.md 4.2); fails with the errors of `ingest::osv`.
    pub fn signals_from_osv(input: &[u8]) -> Result<Vec<Signal>> {
        let summaries = ingest::osv(Input::new("osv", input), &Limits::default())?;
        // The summaries carry no text: read summary and details from the
        // records, which ingest::osv just accepted as JSON. serde_json takes
        // the floats the strict receipt reader refuses; a record nested
        // deeper than its 128 levels keeps its id as description.
        let records: Option<serde_json::Value> = serde_json::from_slice(input).ok();
        let records: Vec<&serde_json::Value> = match &records {
            Some(serde_json::Value::Array(items)) => items.iter().collect(),
            Some(one) => vec![one],
            None => Vec::new(),
        };
        let mut out = Vec::with_capacity(summaries.len());
        for (i, summary) in summaries.iter().enumerate() {
            let mut s = Signal::from_osv(summary);
            if let Some(text) = records.get(i).and_then(|r| description(r)) {
                s.description = text;
            }
            out.push(s);
        }
        Ok(out)
    }

    /// `summary` when it is non-empty text, else the first line of
    /// `details` when that is non-empty text.
    fn description(record: &serde_json::Value) -> Option<String> {
        if let Some(summary) = record.get("summary").and_then(serde_json::Value::as_str)
            && is_non_empty_text(summary)
        {
            return Some(summary.to_owned());
        }
        let details = record.get("details").and_then(serde_json::Value::as_str)?;
        let first = details.split('\n').next().unwrap_or_default();
        let first = first.strip_suffix('\r').unwrap_or(first);
        is_non_empty_text(first).then(|| first.to_owned())
    }

    /// One signal per GitHub issue or pull request in `input`, in
    /// document order (flow.md 4.4). An item without `html_url` fails
    /// the call with `missing_field {items[i].html_url}`.
    pub fn signals_from_github(input: &[u8]) -> Result<Vec<Signal>> {
        let summaries = ingest::github(Input::new("github", input), &Limits::default())?;
        summaries
            .iter()
            .enumerate()
            .map(|(i, summary)| {
                Signal::from_github(summary).map_err(|_| Error::MissingField {
                    field: format!("items[{i}].html_url"),
                })
            })
            .collect()
    }
}

#[cfg(feature = "ingest")]
pub use from_ingest::{signals_from_github, signals_from_osv};

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
