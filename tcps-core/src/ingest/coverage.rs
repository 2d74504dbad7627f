//! The coverage summary shared by LCOV, Cobertura and JaCoCo (quality.md
//! 8.8–8.10).

use serde::{Deserialize, Serialize};

use super::summary::{Source, Summary, add};

/// Where a coverage summary's line counts came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageBasis {
    /// Counted from per-line records (`DA` lines, `line` elements).
    #[default]
    Records,
    /// Taken from totals the report declares.
    Declared,
    /// Some of each.
    Mixed,
}

impl CoverageBasis {
    /// The basis of two parts together: kept when they agree, else mixed.
    #[must_use]
    pub fn combine(self, other: Self) -> Self {
        if self == other { self } else { Self::Mixed }
    }

    /// The basis of several parts; records when there are none.
    pub(crate) fn of(parts: impl IntoIterator<Item = Self>) -> Self {
        parts.into_iter().reduce(Self::combine).unwrap_or_default()
    }
}

/// Line, branch and function coverage of one or more reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageSummary {
    /// Distinct source files.
    pub files: u64,
    /// Lines that could run.
    pub lines_found: u64,
    /// Lines that ran.
    pub lines_hit: u64,
    /// Branches found.
    pub branches_found: u64,
    /// Branches taken.
    pub branches_hit: u64,
    /// Functions found.
    pub functions_found: u64,
    /// Functions that ran.
    pub functions_hit: u64,
    /// Whether the line counts came from records, declared totals or both.
    pub basis: CoverageBasis,
    /// One source per input.
    pub sources: Vec<Source>,
}

impl Summary for CoverageSummary {
    /// Adds the counts: summaries no longer hold per-line keys, so they
    /// are assumed to cover different files (quality.md 7.3). Use
    /// `lcov_many`, `cobertura_many` or `jacoco_many` to merge reports of
    /// the same files.
    fn merge<I: IntoIterator<Item = Self>>(parts: I) -> Self {
        let mut out = Self::default();
        let mut bases = Vec::new();
        for part in parts {
            out.files = add(out.files, part.files);
            out.lines_found = add(out.lines_found, part.lines_found);
            out.lines_hit = add(out.lines_hit, part.lines_hit);
            out.branches_found = add(out.branches_found, part.branches_found);
            out.branches_hit = add(out.branches_hit, part.branches_hit);
            out.functions_found = add(out.functions_found, part.functions_found);
            out.functions_hit = add(out.functions_hit, part.functions_hit);
            bases.push(part.basis);
            out.sources.extend(part.sources);
        }
        out.basis = CoverageBasis::of(bases);
        out
    }

    fn sources(&self) -> &[Source] {
        &self.sources
    }
}

/// Running totals that the coverage parsers fill.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Counts {
    pub lines_found: u64,
    pub lines_hit: u64,
    pub branches_found: u64,
    pub branches_hit: u64,
    pub functions_found: u64,
    pub functions_hit: u64,
}

impl Counts {
    pub fn add(&mut self, other: &Counts) {
        self.lines_found = add(self.lines_found, other.lines_found);
        self.lines_hit = add(self.lines_hit, other.lines_hit);
        self.branches_found = add(self.branches_found, other.branches_found);
        self.branches_hit = add(self.branches_hit, other.branches_hit);
        self.functions_found = add(self.functions_found, other.functions_found);
        self.functions_hit = add(self.functions_hit, other.functions_hit);
    }

    pub fn into_summary(self, files: u64, basis: CoverageBasis) -> CoverageSummary {
        CoverageSummary {
            files,
            lines_found: self.lines_found,
            lines_hit: self.lines_hit,
            branches_found: self.branches_found,
            branches_hit: self.branches_hit,
            functions_found: self.functions_found,
            functions_hit: self.functions_hit,
            basis,
            sources: Vec::new(),
        }
    }
}

/// Whether a hit count written as a decimal number (any size, optional
/// sign, fraction and exponent) is greater than zero; `None` when it is
/// not such a number.
pub(crate) fn is_hit(text: &[u8]) -> Option<bool> {
    let mut i = 0;
    let negative = match text.first() {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let mut digits = 0;
    let mut nonzero = false;
    while let Some(&d) = text.get(i).filter(|d| d.is_ascii_digit()) {
        digits += 1;
        nonzero |= d != b'0';
        i += 1;
    }
    if text.get(i) == Some(&b'.') {
        i += 1;
        while let Some(&d) = text.get(i).filter(|d| d.is_ascii_digit()) {
            digits += 1;
            nonzero |= d != b'0';
            i += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if matches!(text.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(text.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while text.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    (i == text.len()).then_some(nonzero && !negative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hit_counts_are_decimal_numbers() {
        assert_eq!(is_hit(b"0"), Some(false));
        assert_eq!(is_hit(b"18446744073709551615"), Some(true));
        assert_eq!(is_hit(b"99999999999999999999999999"), Some(true));
        assert_eq!(is_hit(b"-3"), Some(false));
        assert_eq!(is_hit(b"+0.0e7"), Some(false));
        assert_eq!(is_hit(b"1e-400"), Some(true));
        assert_eq!(is_hit(b".5"), Some(true));
        assert_eq!(is_hit(b"1.a0e+19"), None);
        assert_eq!(is_hit(b""), None);
        assert_eq!(is_hit(b"1e"), None);
        assert_eq!(is_hit(b"-"), None);
    }
}
