//! Artifact manifests of the `deterministic_build` gate (quality.md 4.5).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::digest::Digest;
use crate::error::{Error, Result};

/// One artifact of a build: its name and the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ArtifactEntry {
    /// The artifact's name (a path), non-empty, without LF or CR.
    pub name: String,
    /// 64 hex digits, either case.
    pub sha256: String,
}

/// The artifacts of one build, as the caller lists them.
///
/// Entries are kept as given and checked when the manifest is used
/// ([`ArtifactManifest::entries_checked`]), so that an evaluation reports
/// a bad digest in its place among its checks (quality.md 5.1, check 6).
/// It serialises as a list of `{name, sha256}` objects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ArtifactManifest {
    /// The entries in the caller's order.
    pub entries: Vec<ArtifactEntry>,
}

impl ArtifactManifest {
    /// A manifest of `(name, sha256)` pairs.
    pub fn new<N, D>(entries: impl IntoIterator<Item = (N, D)>) -> Self
    where
        N: Into<String>,
        D: Into<String>,
    {
        Self {
            entries: entries
                .into_iter()
                .map(|(name, sha256)| ArtifactEntry {
                    name: name.into(),
                    sha256: sha256.into(),
                })
                .collect(),
        }
    }

    /// Reads the `sha256sum` text format: one `<64 hex>  <name>` per line
    /// (a `*` before the name, binary mode, is accepted too).
    pub fn parse_sha256sum(text: &str) -> Result<Self> {
        let mut entries = Vec::new();
        for line in text.lines() {
            if line.trim().is_empty() {
                continue;
            }
            let (digest, name) = line
                .split_once(' ')
                .map(|(d, rest)| (d, rest.strip_prefix([' ', '*']).unwrap_or(rest)))
                .ok_or_else(|| Error::InvalidDigest {
                    value: cut(line),
                    reason: "a manifest line is `<sha256>  <name>`".into(),
                })?;
            entries.push(ArtifactEntry {
                name: name.to_owned(),
                sha256: digest.to_owned(),
            });
        }
        Ok(Self { entries })
    }

    /// The entries by name, digests checked and in lower case: a name
    /// twice with the same digest is kept once; `invalid_digest` for an
    /// empty name, a name with LF or CR, or a digest that is not 64 hex
    /// digits; `duplicate_artifact` for a name with two digests.
    pub fn entries_checked(&self) -> Result<BTreeMap<String, Digest>> {
        let mut out = BTreeMap::new();
        for entry in &self.entries {
            if entry.name.is_empty() || entry.name.contains(['\n', '\r']) {
                return Err(Error::InvalidDigest {
                    value: cut(&entry.name),
                    reason: "an artifact name is non-empty and free of LF and CR".into(),
                });
            }
            let digest = parse_digest(&entry.sha256)?;
            match out.insert(entry.name.clone(), digest) {
                Some(earlier) if earlier != digest => {
                    return Err(Error::DuplicateArtifact {
                        name: cut(&entry.name),
                    });
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// The canonical `sha256sum` text: one `<hex>  <name>` line per
    /// artifact, sorted by name bytes, each ending in LF.
    pub fn canonical_text(&self) -> Result<String> {
        let mut text = String::new();
        for (name, digest) in self.entries_checked()? {
            text.push_str(&digest.to_hex());
            text.push_str("  ");
            text.push_str(&name);
            text.push('\n');
        }
        Ok(text)
    }

    /// SHA-256 of the canonical text, usable as a build digest.
    pub fn digest(&self) -> Result<Digest> {
        Ok(Digest::of(self.canonical_text()?.as_bytes()))
    }
}

/// Parses 64 hex digits of either case.
pub fn parse_digest(text: &str) -> Result<Digest> {
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::InvalidDigest {
            value: cut(text),
            reason: "a digest is 64 hex digits".into(),
        });
    }
    Digest::from_hex(&text.to_ascii_lowercase())
}

fn cut(text: &str) -> String {
    text.chars().take(80).collect()
}
