//! Building the `ingest_*` errors with file and position (quality.md 8.3).

use super::summary::{MAX_TEXT, cut};
use super::{Format, Input, Limits};
use crate::error::{Error, IngestFailure};

/// Longest `detail` text.
const MAX_DETAIL: usize = 200;

/// The ten ingestion error kinds (quality.md 9, codes 250–259).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    TooLarge,
    TooDeep,
    Empty,
    InvalidUtf8,
    UnsupportedEncoding,
    Forbidden,
    Malformed,
    WrongFormat,
    Unsupported,
    NoData,
}

impl Kind {
    fn wrap(self, failure: IngestFailure) -> Error {
        let failure = Box::new(failure);
        match self {
            Kind::TooLarge => Error::IngestTooLarge(failure),
            Kind::TooDeep => Error::IngestTooDeep(failure),
            Kind::Empty => Error::IngestEmpty(failure),
            Kind::InvalidUtf8 => Error::IngestInvalidUtf8(failure),
            Kind::UnsupportedEncoding => Error::IngestUnsupportedEncoding(failure),
            Kind::Forbidden => Error::IngestForbidden(failure),
            Kind::Malformed => Error::IngestMalformed(failure),
            Kind::WrongFormat => Error::IngestWrongFormat(failure),
            Kind::Unsupported => Error::IngestUnsupported(failure),
            Kind::NoData => Error::IngestNoData(failure),
        }
    }
}

/// The parser and the input an error is about.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub format: Format,
    pub name: &'a str,
    pub raw: &'a [u8],
}

impl<'a> Ctx<'a> {
    pub fn new(format: Format, input: Input<'a>) -> Self {
        Self {
            format,
            name: input.name,
            raw: input.bytes,
        }
    }

    fn failure(&self, reason: &str, detail: &str) -> IngestFailure {
        IngestFailure {
            format: self.format.as_str().to_owned(),
            input: cut(self.name, MAX_TEXT).to_owned(),
            line: None,
            column: None,
            path: None,
            reason: reason.to_owned(),
            detail: cut(detail, MAX_DETAIL).to_owned(),
        }
    }

    /// An error without a position.
    pub fn fail(&self, kind: Kind, reason: &str, detail: &str) -> Error {
        kind.wrap(self.failure(reason, detail))
    }

    /// An error at byte `offset` of the raw input.
    pub fn at(&self, kind: Kind, offset: usize, reason: &str, detail: &str) -> Error {
        let (line, column) = line_col(self.raw, offset);
        let mut failure = self.failure(reason, detail);
        failure.line = Some(line);
        failure.column = Some(column);
        kind.wrap(failure)
    }

    /// An error about the shape of a JSON document, at `path`.
    pub fn at_path(&self, kind: Kind, path: &str, reason: &str, detail: &str) -> Error {
        let mut failure = self.failure(reason, detail);
        failure.path = Some(cut(path, MAX_DETAIL).to_owned());
        kind.wrap(failure)
    }

    /// `ingest_malformed` at `offset`.
    pub fn malformed(&self, offset: usize, reason: &str, detail: &str) -> Error {
        self.at(Kind::Malformed, offset, reason, detail)
    }

    /// `ingest_malformed` at `path`.
    pub fn malformed_path(&self, path: &str, reason: &str, detail: &str) -> Error {
        self.at_path(Kind::Malformed, path, reason, detail)
    }

    /// `ingest_unexpected_eof` just past the last byte.
    pub fn eof(&self) -> Error {
        self.malformed(self.raw.len(), "unexpected_eof", "")
    }

    /// `ingest_wrong_format`: this parser's format was expected, `found`
    /// was seen.
    pub fn wrong_format(&self, offset: Option<usize>, found: &str) -> Error {
        let detail = format!("expected {}, found {}", self.format, cut(found, 64));
        match offset {
            Some(offset) => self.at(Kind::WrongFormat, offset, "wrong_format", &detail),
            None => self.fail(Kind::WrongFormat, "wrong_format", &detail),
        }
    }

    /// `ingest_wrong_format` at a JSON path.
    pub fn wrong_format_path(&self, path: &str, found: &str) -> Error {
        let detail = format!("expected {}, found {}", self.format, cut(found, 64));
        self.at_path(Kind::WrongFormat, path, "wrong_format", &detail)
    }

    /// `ingest_too_large` for one of the limits.
    pub fn too_large(&self, offset: Option<usize>, limit: &str, value: u64) -> Error {
        let detail = format!("over {limit} {value}");
        match offset {
            Some(offset) => self.at(Kind::TooLarge, offset, "too_large", &detail),
            None => self.fail(Kind::TooLarge, "too_large", &detail),
        }
    }

    /// `ingest_too_deep` at `offset`.
    pub fn too_deep(&self, offset: usize, limit: u32) -> Error {
        let detail = format!("over max_depth {limit}");
        self.at(Kind::TooDeep, offset, "too_deep", &detail)
    }

    /// `ingest_empty`.
    pub fn empty(&self) -> Error {
        self.fail(Kind::Empty, "empty", "no content")
    }

    /// The `max_bytes` check that comes before any parsing.
    pub fn check_size(&self, limits: &Limits) -> Result<(), Error> {
        let size = self.raw.len() as u64;
        if size > limits.max_bytes {
            return Err(self.too_large(None, "max_bytes", limits.max_bytes));
        }
        Ok(())
    }
}

/// 1-based line and byte column of `offset` in `raw`. A line ends at LF;
/// a CR before it belongs to the line it ends.
pub(crate) fn line_col(raw: &[u8], offset: usize) -> (u64, u64) {
    let offset = offset.min(raw.len());
    let before = &raw[..offset];
    let line = memchr::memchr_iter(b'\n', before).count() as u64 + 1;
    let start = memchr::memrchr(b'\n', before).map_or(0, |at| at + 1);
    (line, (offset - start) as u64 + 1)
}
