//! Guessing a report's format (quality.md 8.17).

use super::compiler_log::{Line, classify};
use super::fail::Ctx;
use super::json::{Json, Value, parse_document};
use super::text::bom_len;
use super::xml::{Doc, root_name};
use super::{Format, Input, Limits};

/// Guesses the format of `input` for tools that are handed unknown files;
/// gates never rely on it. The tests of quality.md 8.17 are tried in
/// order, after a BOM and leading white space, under the default limits;
/// `None` when none matches.
#[must_use]
pub fn sniff(input: Input<'_>) -> Option<Format> {
    let limits = Limits::default();
    if input.bytes.len() as u64 > limits.max_bytes {
        return None;
    }
    let base = bom_len(input.bytes);
    let body = &input.bytes[base..];
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;

    if body[start] == b'<' {
        let ctx = Ctx::new(Format::Junit, input);
        if let Ok(doc) = Doc::decode(&ctx) {
            match root_name(doc.text()).as_deref() {
                Some("testsuites" | "testsuite") => return Some(Format::Junit),
                Some("coverage") => return Some(Format::Cobertura),
                Some("report") => return Some(Format::Jacoco),
                _ => {}
            }
        }
    }

    let ctx = Ctx::new(Format::Github, input);
    if let Some(format) = parse_document(&ctx, &limits)
        .ok()
        .and_then(|doc| json_format(&ctx, &doc))
    {
        return Some(format);
    }

    if is_rustc_stream(input, &limits) {
        return Some(Format::RustcJson);
    }

    let text = String::from_utf8_lossy(body);
    let lines = || {
        text.split('\n')
            .map(|line| line.strip_suffix('\r').unwrap_or(line))
    };
    if lines().any(|line| {
        let line = line.trim_ascii_start();
        line.starts_with("SF:") || line.starts_with("TN:")
    }) {
        return Some(Format::Lcov);
    }
    if lines().any(|line| classify(line) != Line::Other) {
        return Some(Format::CompilerLog);
    }
    None
}

/// Rules 4–7: SARIF, SBOM, OSV, GitHub.
fn json_format(ctx: &Ctx<'_>, doc: &Value<'_>) -> Option<Format> {
    if doc.is_object() {
        if doc.has("runs") && doc.has("version") {
            return Some(Format::Sarif);
        }
        if doc.has("bomFormat") || doc.has("spdxVersion") {
            return Some(Format::Sbom);
        }
        if doc.has("id") && (doc.has("modified") || doc.has("affected")) {
            return Some(Format::Osv);
        }
    }
    if matches!(doc, Value::Object(_) | Value::Array(_)) && super::github::accepts(ctx, doc) {
        return Some(Format::Github);
    }
    None
}

/// Rule 8: the first JSON value of the stream, read as in quality.md
/// 8.15, is an object with `reason`, or with `message`, `level` and
/// `spans`.
fn is_rustc_stream(input: Input<'_>, limits: &Limits) -> bool {
    let ctx = Ctx::new(Format::RustcJson, input);
    let raw = input.bytes;
    let mut json = Json::new(&ctx, limits, bom_len(raw));
    loop {
        json.ws();
        let start = json.pos();
        let Some(&first) = raw.get(start) else {
            return false;
        };
        if first == b'{' {
            match json.value() {
                Ok(value) => {
                    return value.has("reason")
                        || (value.has("message") && value.has("level") && value.has("spans"));
                }
                Err(crate::Error::IngestTooDeep(_) | crate::Error::IngestTooLarge(_)) => {
                    return false;
                }
                Err(_) => {}
            }
        }
        let next = memchr::memchr(b'\n', &raw[start..]).map_or(raw.len(), |at| start + at + 1);
        json.seek(next);
    }
}
