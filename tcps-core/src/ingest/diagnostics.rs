//! The diagnostic summary shared by `rustc_json` and `compiler_log`
//! (quality.md 8.15, 8.16).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::summary::{Capped, RANK_CAP, Ranking, Source, Summary, add, bump, concat_capped};

/// Compiler diagnostics of one or more builds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosticSummary {
    /// Counted errors.
    pub errors: u64,
    /// Counted warnings.
    pub warnings: u64,
    /// Notes (plain compiler logs only).
    pub notes: u64,
    /// Later copies of a diagnostic already counted.
    pub duplicates: u64,
    /// Summary lines such as `aborting due to 2 previous errors`.
    pub summaries: u64,
    /// Objects and lines that are not diagnostics, and diagnostics of
    /// other levels.
    pub ignored: u64,
    /// Lines of plain text in a JSON stream.
    pub text_lines: u64,
    /// Code → counted diagnostics; at most 20, by count descending, then
    /// code.
    pub codes: Ranking,
    /// `file:line:column: message` of counted errors in order (at most
    /// 100).
    pub first_errors: Vec<String>,
    /// Number of counted errors that `first_errors` would list.
    pub first_errors_total: u64,
    /// One source per input.
    pub sources: Vec<Source>,
}

impl Summary for DiagnosticSummary {
    fn merge<I: IntoIterator<Item = Self>>(parts: I) -> Self {
        let parts: Vec<Self> = parts.into_iter().collect();
        let sum = |field: fn(&Self) -> u64| parts.iter().fold(0, |acc, part| add(acc, field(part)));
        Self {
            errors: sum(|s| s.errors),
            warnings: sum(|s| s.warnings),
            notes: sum(|s| s.notes),
            duplicates: sum(|s| s.duplicates),
            summaries: sum(|s| s.summaries),
            ignored: sum(|s| s.ignored),
            text_lines: sum(|s| s.text_lines),
            codes: Ranking::merge(parts.iter().map(|s| &s.codes), RANK_CAP),
            first_errors: concat_capped(parts.iter().map(|s| s.first_errors.clone())),
            first_errors_total: sum(|s| s.first_errors_total),
            sources: parts.into_iter().flat_map(|s| s.sources).collect(),
        }
    }

    fn sources(&self) -> &[Source] {
        &self.sources
    }
}

/// Counting state while a log or stream is read.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub summary: DiagnosticSummary,
    codes: HashMap<String, u64>,
    first_errors: Capped,
}

impl Tally {
    /// Counts an error with its `first_errors` line and code.
    pub fn error(&mut self, line: &str, code: Option<&str>) {
        bump(&mut self.summary.errors);
        self.first_errors.push(line);
        self.code(code);
    }

    /// Counts a warning and its code.
    pub fn warning(&mut self, code: Option<&str>) {
        bump(&mut self.summary.warnings);
        self.code(code);
    }

    fn code(&mut self, code: Option<&str>) {
        if let Some(code) = code {
            let slot = self
                .codes
                .entry(super::summary::cut(code, super::summary::MAX_TEXT).to_owned())
                .or_insert(0);
            *slot = add(*slot, 1);
        }
    }

    pub fn finish(self) -> DiagnosticSummary {
        let mut summary = self.summary;
        summary.codes = Ranking::rank(
            self.codes.iter().map(|(code, n)| (code.as_str(), *n)),
            RANK_CAP,
        );
        summary.first_errors = self.first_errors.items;
        summary.first_errors_total = self.first_errors.total;
        summary
    }
}

/// `^[0-9]+ warnings? emitted`
pub(crate) fn is_warnings_emitted(message: &str) -> bool {
    let digits = message.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    let rest = &message[digits..];
    rest.starts_with(" warning emitted") || rest.starts_with(" warnings emitted")
}
