//! OSV vulnerability advisories (quality.md 8.12) and the advisories
//! summary of a gate receipt (quality.md 7.4).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

#[cfg(feature = "ingest")]
use super::cvss::{v3_tenths, v4_tenths};
use super::fail::Ctx;
use super::json::{Value, parse_document, path_index};
use super::summary::{Capped, Source, bump};
use super::text::parse_rfc3339;
use super::{Format, Input, Limits};
use crate::Result;

/// The one severity tcps gives an advisory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// Score 9.0–10.0, or a malicious-package record.
    Critical,
    /// Score 7.0–8.9.
    High,
    /// Score 4.0–6.9.
    Medium,
    /// Score 0.1–3.9.
    Low,
    /// Score 0.0.
    None,
    /// Nothing to rate by.
    Unknown,
}

impl Rating {
    /// The snake_case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Critical => "critical",
            Rating::High => "high",
            Rating::Medium => "medium",
            Rating::Low => "low",
            Rating::None => "none",
            Rating::Unknown => "unknown",
        }
    }

    /// The rating of a CVSS base score in tenths.
    #[must_use]
    pub fn of_tenths(tenths: u32) -> Self {
        match tenths {
            0 => Rating::None,
            1..=39 => Rating::Low,
            40..=69 => Rating::Medium,
            70..=89 => Rating::High,
            _ => Rating::Critical,
        }
    }

    /// Order for "the highest wins": none < low < medium < high <
    /// critical.
    fn rank(self) -> u8 {
        match self {
            Rating::Unknown => 0,
            Rating::None => 1,
            Rating::Low => 2,
            Rating::Medium => 3,
            Rating::High => 4,
            Rating::Critical => 5,
        }
    }
}

/// Which rule of quality.md 8.12 gave the rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingSource {
    /// A malicious-package record (`MAL-` id).
    Malicious,
    /// The highest CVSS v4.0 base score.
    CvssV4,
    /// The highest CVSS v3.x base score.
    CvssV3,
    /// A textual severity.
    Text,
    /// None of these.
    None,
}

/// An affected package.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct OsvPackage {
    /// The package ecosystem (`crates.io`, `PyPI`, `Maven`, ...).
    pub ecosystem: String,
    /// The package name within it.
    pub name: String,
}

/// What tcps reads of one OSV advisory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsvSummary {
    /// The advisory id.
    pub id: String,
    /// Alias ids, de-duplicated and sorted.
    pub aliases: Vec<String>,
    /// `published`, in ms since the epoch.
    pub published_ms: Option<i64>,
    /// `modified`, in ms since the epoch.
    pub modified_ms: Option<i64>,
    /// Whether the advisory is withdrawn.
    pub withdrawn: bool,
    /// When it was withdrawn.
    pub withdrawn_ms: Option<i64>,
    /// `schema_version`, when a string.
    pub schema_version: Option<String>,
    /// Affected (ecosystem, name) pairs, unique and sorted.
    pub packages: Vec<OsvPackage>,
    /// The rating.
    pub rating: Rating,
    /// The CVSS base score × 10 behind a CVSS rating.
    pub score_tenths: Option<u32>,
    /// Which rule decided the rating.
    pub rating_source: RatingSource,
    /// CVSS vectors that could not be scored, in the order met.
    pub bad_vectors: Vec<String>,
    /// The input the advisory came from.
    pub sources: Vec<Source>,
}

#[cfg(feature = "ingest")]
/// Reads one OSV advisory, or a JSON array of them (one summary each, in
/// order).
///
/// Choices beyond quality.md 8.12: a document that is neither an object
/// nor an array, or an array element that is not an object, is
/// `not_an_object` at its path; CVSS entries are met in the order of the
/// top-level `severity` list, then each `affected[].severity` list; a
/// `score` that is not a string is not a vector and is passed over.
pub fn osv(input: Input<'_>, limits: &Limits) -> Result<Vec<OsvSummary>> {
    let ctx = Ctx::new(Format::Osv, input);
    ctx.check_size(limits)?;
    let doc = parse_document(&ctx, limits)?;
    let source = Source::of(Format::Osv, input);

    let records: Vec<(&Value<'_>, String)> = match &doc {
        Value::Object(_) => vec![(&doc, "$".to_owned())],
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| (item, path_index("$", i)))
            .collect(),
        other => return Err(ctx.malformed_path("$", "not_an_object", other.type_name())),
    };
    records
        .into_iter()
        .map(|(record, path)| {
            let mut summary = advisory(&ctx, record, &path)?;
            summary.sources.push(source.clone());
            Ok(summary)
        })
        .collect()
}

#[cfg(feature = "ingest")]
fn advisory(ctx: &Ctx<'_>, record: &Value<'_>, path: &str) -> Result<OsvSummary> {
    if !record.is_object() {
        return Err(ctx.malformed_path(path, "not_an_object", record.type_name()));
    }
    let Some(id) = record.str_at("id") else {
        return Err(ctx.malformed_path(&format!("{path}.id"), "missing_field", "id"));
    };
    let time = |key: &str| -> Result<Option<i64>> {
        match record.get_some(key) {
            None => Ok(None),
            Some(value) => value
                .as_str()
                .and_then(parse_rfc3339)
                .map(Some)
                .ok_or_else(|| {
                    ctx.malformed_path(
                        &format!("{path}.{key}"),
                        "bad_timestamp",
                        "not an rfc 3339 time",
                    )
                }),
        }
    };

    let mut aliases: Vec<String> = record
        .get("aliases")
        .and_then(Value::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    aliases.sort();
    aliases.dedup();

    let affected = record
        .get("affected")
        .and_then(Value::as_array)
        .unwrap_or_default();
    let packages: BTreeSet<OsvPackage> = affected
        .iter()
        .filter_map(|entry| {
            let package = entry.get("package")?;
            Some(OsvPackage {
                ecosystem: package.str_at("ecosystem")?.to_owned(),
                name: package.str_at("name")?.to_owned(),
            })
        })
        .collect();

    let (rating, score_tenths, rating_source, bad_vectors) = rate(id, record, affected);
    Ok(OsvSummary {
        id: id.to_owned(),
        aliases,
        published_ms: time("published")?,
        modified_ms: time("modified")?,
        withdrawn: record.get_some("withdrawn").is_some(),
        withdrawn_ms: time("withdrawn")?,
        schema_version: record.str_at("schema_version").map(str::to_owned),
        packages: packages.into_iter().collect(),
        rating,
        score_tenths,
        rating_source,
        bad_vectors,
        sources: Vec::new(),
    })
}

#[cfg(feature = "ingest")]
/// The rules of quality.md 8.12, first that applies.
fn rate(
    id: &str,
    record: &Value<'_>,
    affected: &[Value<'_>],
) -> (Rating, Option<u32>, RatingSource, Vec<String>) {
    if id.starts_with("MAL-") {
        return (Rating::Critical, None, RatingSource::Malicious, Vec::new());
    }

    let severity_lists = std::iter::once(record.get("severity"))
        .chain(affected.iter().map(|entry| entry.get("severity")))
        .filter_map(|list| list.and_then(Value::as_array));
    let entries: Vec<(&str, &str)> = severity_lists
        .flatten()
        .filter_map(|entry| Some((entry.str_at("type")?, entry.str_at("score")?)))
        .collect();

    let mut bad_vectors = Vec::new();
    for (kind, source, score) in [
        (
            "CVSS_V4",
            RatingSource::CvssV4,
            v4_tenths as fn(&str) -> Option<u32>,
        ),
        ("CVSS_V3", RatingSource::CvssV3, v3_tenths),
    ] {
        let mut best: Option<u32> = None;
        for (_, vector) in entries.iter().filter(|(t, _)| *t == kind) {
            match score(vector) {
                Some(tenths) => best = Some(best.map_or(tenths, |b| b.max(tenths))),
                None => bad_vectors.push((*vector).to_owned()),
            }
        }
        if let Some(tenths) = best {
            return (Rating::of_tenths(tenths), Some(tenths), source, bad_vectors);
        }
    }

    let words = std::iter::once(
        record
            .get("database_specific")
            .and_then(|d| d.str_at("severity")),
    )
    .chain(affected.iter().flat_map(|entry| {
        [
            entry
                .get("ecosystem_specific")
                .and_then(|e| e.str_at("severity")),
            entry
                .get("database_specific")
                .and_then(|d| d.str_at("severity")),
        ]
    }))
    .flatten()
    .chain(
        entries
            .iter()
            .filter(|(t, _)| *t == "Ubuntu")
            .map(|(_, word)| *word),
    );
    let text = words
        .filter_map(word_rating)
        .max_by_key(|rating| rating.rank());
    match text {
        Some(rating) => (rating, None, RatingSource::Text, bad_vectors),
        None => (Rating::Unknown, None, RatingSource::None, bad_vectors),
    }
}

#[cfg(feature = "ingest")]
/// A textual severity word, ASCII case-insensitive.
fn word_rating(word: &str) -> Option<Rating> {
    let is = |names: &[&str]| {
        names
            .iter()
            .any(|name| word.trim_ascii().eq_ignore_ascii_case(name))
    };
    if is(&["critical"]) {
        Some(Rating::Critical)
    } else if is(&["high", "important"]) {
        Some(Rating::High)
    } else if is(&["medium", "moderate"]) {
        Some(Rating::Medium)
    } else if is(&["low", "negligible", "unimportant"]) {
        Some(Rating::Low)
    } else if is(&["none"]) {
        Some(Rating::None)
    } else {
        None
    }
}

/// Advisories counted per rating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RatingCounts {
    /// Rated critical.
    pub critical: u64,
    /// Rated high.
    pub high: u64,
    /// Rated medium.
    pub medium: u64,
    /// Rated low.
    pub low: u64,
    /// Rated none.
    pub none: u64,
    /// Not rated.
    pub unknown: u64,
}

impl RatingCounts {
    /// The count of `rating`.
    #[must_use]
    pub fn get(&self, rating: Rating) -> u64 {
        match rating {
            Rating::Critical => self.critical,
            Rating::High => self.high,
            Rating::Medium => self.medium,
            Rating::Low => self.low,
            Rating::None => self.none,
            Rating::Unknown => self.unknown,
        }
    }

    fn bump(&mut self, rating: Rating) {
        bump(match rating {
            Rating::Critical => &mut self.critical,
            Rating::High => &mut self.high,
            Rating::Medium => &mut self.medium,
            Rating::Low => &mut self.low,
            Rating::None => &mut self.none,
            Rating::Unknown => &mut self.unknown,
        });
    }
}

/// The `advisories` member of a security gate's summary (quality.md 7.4).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisoriesSummary {
    /// Advisories given.
    pub count: u64,
    /// How many of them are withdrawn.
    pub withdrawn: u64,
    /// Non-withdrawn advisories per rating.
    pub by_rating: RatingCounts,
    /// Ids of the counted advisories rated high or critical, in input
    /// order (at most 100).
    pub ids: Vec<String>,
    /// Number of such ids.
    pub ids_total: u64,
}

impl AdvisoriesSummary {
    /// Counts `advisories`.
    #[must_use]
    pub fn of(advisories: &[OsvSummary]) -> Self {
        let mut out = Self::default();
        let mut ids = Capped::default();
        for advisory in advisories {
            bump(&mut out.count);
            if advisory.withdrawn {
                bump(&mut out.withdrawn);
                continue;
            }
            out.by_rating.bump(advisory.rating);
            if matches!(advisory.rating, Rating::High | Rating::Critical) {
                ids.push(&advisory.id);
            }
        }
        out.ids = ids.items;
        out.ids_total = ids.total;
        out
    }
}
