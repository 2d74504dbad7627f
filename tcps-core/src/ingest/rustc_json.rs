//! rustc and cargo JSON diagnostics (quality.md 8.15).
//!
//! The input is a stream that mixes JSON objects with terminal text, as
//! cargo prints both to one terminal. It is read over the raw bytes;
//! strings are decoded lossily, so the stream is never refused for its
//! encoding.

use std::collections::HashSet;

use super::diagnostics::{DiagnosticSummary, Tally, is_warnings_emitted};
use super::fail::Ctx;
use super::json::{Json, Value};
use super::summary::{Source, Summary, bump};
use super::text::{bom_len, is_blank};
use super::{Format, Input, Limits};
use crate::Result;

/// Reads one stream of rustc or cargo JSON diagnostics.
///
/// An empty or blank input is a summary with zero diagnostics. A value
/// that does not parse is skipped as one text line; a value over a limit
/// (depth, string length, node count) fails the whole input.
pub fn rustc_json(input: Input<'_>, limits: &Limits) -> Result<DiagnosticSummary> {
    let ctx = Ctx::new(Format::RustcJson, input);
    ctx.check_size(limits)?;
    let raw = input.bytes;
    let base = bom_len(raw);
    let mut tally = Tally::default();

    if !is_blank(&raw[base..]) {
        let mut json = Json::new(&ctx, limits, base);
        let mut seen: HashSet<Vec<String>> = HashSet::new();
        loop {
            json.ws();
            let start = json.pos();
            let Some(&first) = raw.get(start) else { break };
            if first == b'{' {
                match json.value() {
                    Ok(value) => {
                        diagnostic(&mut tally, &mut seen, &value);
                        continue;
                    }
                    Err(error) if is_limit(&error) => return Err(error),
                    Err(_) => json.seek(start),
                }
            }
            json.add_nodes(1)?;
            bump(&mut tally.summary.text_lines);
            let next = memchr::memchr(b'\n', &raw[start..]).map_or(raw.len(), |at| start + at + 1);
            json.seek(next);
        }
    }

    let mut summary = tally.finish();
    summary.sources.push(Source::of(Format::RustcJson, input));
    Ok(summary)
}

/// Reads several streams into one summary (quality.md 7.3); duplicates
/// are found within each input.
pub fn rustc_json_many(inputs: &[Input<'_>], limits: &Limits) -> Result<DiagnosticSummary> {
    let parts = inputs
        .iter()
        .map(|input| rustc_json(*input, limits))
        .collect::<Result<Vec<_>>>()?;
    Ok(DiagnosticSummary::merge(parts))
}

fn is_limit(error: &crate::Error) -> bool {
    matches!(
        error,
        crate::Error::IngestTooDeep(_) | crate::Error::IngestTooLarge(_)
    )
}

fn diagnostic(tally: &mut Tally, seen: &mut HashSet<Vec<String>>, object: &Value<'_>) {
    let diag = if object.str_at("reason") == Some("compiler-message")
        && object.get("message").is_some_and(Value::is_object)
    {
        object.get("message")
    } else if !object.has("reason")
        && object.str_at("message").is_some()
        && object.str_at("level").is_some()
    {
        Some(object)
    } else {
        None
    };
    let Some(diag) = diag else {
        bump(&mut tally.summary.ignored);
        return;
    };
    let level = diag.str_at("level").unwrap_or("");
    let is_error = level.starts_with("error");
    if !is_error && level != "warning" {
        bump(&mut tally.summary.ignored);
        return;
    }

    let message = diag.str_at("message").unwrap_or("");
    let code = diag.get("code").and_then(|code| code.str_at("code"));
    let spans = diag
        .get("spans")
        .and_then(Value::as_array)
        .unwrap_or_default();
    if spans.is_empty()
        && code.is_none()
        && (message.starts_with("aborting due to") || is_warnings_emitted(message))
    {
        bump(&mut tally.summary.summaries);
        return;
    }

    let primary = spans
        .iter()
        .find(|span| matches!(span.get("is_primary"), Some(Value::Bool(true))));
    let position = primary.map(|span| {
        let number = |key: &str| match span.get(key) {
            Some(Value::Number(text)) => (*text).to_owned(),
            Some(Value::String(text)) => text.to_string(),
            _ => String::new(),
        };
        (
            span.str_at("file_name").unwrap_or("").to_owned(),
            number("line_start"),
            number("column_start"),
        )
    });

    let key = if let Some(rendered) = diag.str_at("rendered") {
        vec![level.to_owned(), rendered.to_owned()]
    } else {
        let (file, line, column) = position.clone().unwrap_or_default();
        vec![
            level.to_owned(),
            code.unwrap_or("").to_owned(),
            message.to_owned(),
            file,
            line,
            column,
        ]
    };
    if !seen.insert(key) {
        bump(&mut tally.summary.duplicates);
        return;
    }

    if is_error {
        let line = match &position {
            Some((file, line, column)) => format!("{file}:{line}:{column}: {message}"),
            None => message.to_owned(),
        };
        tally.error(&line, code);
    } else {
        tally.warning(code);
    }
}
