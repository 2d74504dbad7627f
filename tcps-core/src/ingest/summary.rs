//! What every summary shares: sources, saturating counts, capped lists
//! and rankings (quality.md 7.3, 7.5, 7.6).

use std::collections::HashMap;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Format, Input};
use crate::Digest;

/// The largest count a summary holds: 2^53 − 1, the largest integer a
/// receipt may hold. Counts saturate here instead of wrapping.
pub const MAX_COUNT: u64 = (1 << 53) - 1;

/// Longest string kept in a list, a ranking key or a source name.
pub(crate) const MAX_TEXT: usize = 256;

/// Entries kept in `failed_tests`, `flaky_tests`, `first_errors`, `ids`.
pub(crate) const LIST_CAP: usize = 100;

/// Entries kept in `top_rules` and `codes`.
pub(crate) const RANK_CAP: usize = 20;

/// The raw report behind a summary (quality.md 7.6).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    /// The parser that read it.
    pub kind: Format,
    /// The name the caller gave with the bytes, cut to 256 bytes.
    pub name: String,
    /// Input length in bytes.
    pub bytes: u64,
    /// SHA-256 of the raw bytes, before any decoding; serialised as
    /// lowercase hex.
    pub sha256: Digest,
}

impl Source {
    /// The source of `input` read by the parser `kind`.
    #[must_use]
    pub fn of(kind: Format, input: Input<'_>) -> Self {
        Self {
            kind,
            name: cut(input.name, MAX_TEXT).to_owned(),
            bytes: input.bytes.len() as u64,
            sha256: Digest::of(input.bytes),
        }
    }
}

/// A summary that several inputs of one kind can be merged into
/// (quality.md 7.3).
pub trait Summary: Sized + Default {
    /// Combines `parts` into one: counts added (saturating at
    /// [`MAX_COUNT`]), lists concatenated in order and capped again,
    /// rankings added key by key and ranked again, sources concatenated.
    /// No parts give the empty summary.
    fn merge<I: IntoIterator<Item = Self>>(parts: I) -> Self;

    /// The raw reports behind the summary, one per input.
    fn sources(&self) -> &[Source];
}

/// `text` cut to at most `max` bytes at a UTF-8 character boundary.
pub(crate) fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `a + b`, saturating at [`MAX_COUNT`].
pub(crate) fn add(a: u64, b: u64) -> u64 {
    a.saturating_add(b).min(MAX_COUNT)
}

/// Adds one to a count, saturating at [`MAX_COUNT`].
pub(crate) fn bump(count: &mut u64) {
    *count = add(*count, 1);
}

/// A capped list of names with the total number of names offered.
#[derive(Debug, Default)]
pub(crate) struct Capped {
    pub items: Vec<String>,
    pub total: u64,
}

impl Capped {
    /// Offers one name: counted always, kept (cut to 256 bytes) while the
    /// list has room.
    pub fn push(&mut self, name: &str) {
        bump(&mut self.total);
        if self.items.len() < LIST_CAP {
            self.items.push(cut(name, MAX_TEXT).to_owned());
        }
    }
}

/// Concatenates capped lists in order and caps the result again.
pub(crate) fn concat_capped(lists: impl IntoIterator<Item = Vec<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for list in lists {
        for item in list {
            if out.len() == LIST_CAP {
                return out;
            }
            out.push(item);
        }
    }
    out
}

/// Counts by name, ranked by count descending, then name in UTF-8 byte
/// order, and cut to the first entries (`top_rules`, `codes`).
///
/// It serialises as a JSON object whose members keep the ranking order,
/// such as `{"G104": 4, "G401": 3}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Ranking(pub Vec<(String, u64)>);

impl Ranking {
    /// The count of `name`, if it is ranked.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<u64> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, count)| *count)
    }

    /// Number of ranked names.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether nothing is ranked.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The ranked `(name, count)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.0.iter().map(|(key, count)| (key.as_str(), *count))
    }

    /// Ranks `counts`: names cut to 256 bytes (names equal after the cut
    /// are one), ordered, the first `cap` kept.
    pub(crate) fn rank<'k>(counts: impl IntoIterator<Item = (&'k str, u64)>, cap: usize) -> Self {
        let mut merged: HashMap<&str, u64> = HashMap::new();
        for (key, count) in counts {
            let slot = merged.entry(cut(key, MAX_TEXT)).or_insert(0);
            *slot = add(*slot, count);
        }
        let mut pairs: Vec<(String, u64)> = merged
            .into_iter()
            .map(|(key, count)| (key.to_owned(), count))
            .collect();
        pairs.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| a.0.as_bytes().cmp(b.0.as_bytes()))
        });
        pairs.truncate(cap);
        Self(pairs)
    }

    /// Adds rankings key by key and ranks the sum again.
    pub(crate) fn merge<'r>(parts: impl IntoIterator<Item = &'r Ranking>, cap: usize) -> Self {
        let all = parts
            .into_iter()
            .flat_map(|part| part.0.iter().map(|(k, c)| (k.as_str(), *c)));
        Self::rank(all, cap)
    }
}

impl Serialize for Ranking {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, count) in &self.0 {
            map.serialize_entry(key, count)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Ranking {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RankingVisitor;

        impl<'de> Visitor<'de> for RankingVisitor {
            type Value = Ranking;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of counts")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ranking, A::Error> {
                let mut pairs = Vec::new();
                while let Some((key, count)) = map.next_entry::<String, u64>()? {
                    pairs.push((key, count));
                }
                Ok(Ranking(pairs))
            }
        }

        deserializer.deserialize_map(RankingVisitor)
    }
}
