//! Plain compiler logs (quality.md 8.16): gcc, clang, clang-tidy, javac,
//! MSVC, rustc and cargo text output.

use super::diagnostics::{DiagnosticSummary, Tally, is_warnings_emitted};
use super::fail::Ctx;
use super::summary::{Source, Summary, bump};
use super::text::bom_len;
use super::{Format, Input, Limits};
use crate::Result;

/// Reads one plain compiler log.
///
/// An empty log is a summary with zero diagnostics. Choices beyond
/// quality.md 8.16: non-blank lines that match no pattern are counted in
/// `ignored`; P3 lines whose message is a summary are counted in
/// `summaries`; codes are taken from P2 (`C2065`) and from P3's brackets
/// (`E0308`, `clippy::needless_if`).
pub fn compiler_log(input: Input<'_>, limits: &Limits) -> Result<DiagnosticSummary> {
    let ctx = Ctx::new(Format::CompilerLog, input);
    ctx.check_size(limits)?;
    let raw = &input.bytes[bom_len(input.bytes)..];
    let text = String::from_utf8_lossy(raw);
    let mut tally = Tally::default();

    for (number, line) in text.split('\n').enumerate() {
        if number as u64 >= limits.max_nodes {
            return Err(ctx.too_large(None, "max_nodes", limits.max_nodes));
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        match classify(line) {
            Line::Error(code) => tally.error(line.trim_ascii(), code),
            Line::Warning(code) => tally.warning(code),
            Line::Note => bump(&mut tally.summary.notes),
            Line::Summary => bump(&mut tally.summary.summaries),
            Line::Other if line.trim_ascii().is_empty() => {}
            Line::Other => bump(&mut tally.summary.ignored),
        }
    }

    let mut summary = tally.finish();
    summary.sources.push(Source::of(Format::CompilerLog, input));
    Ok(summary)
}

/// Reads several logs into one summary (quality.md 7.3).
pub fn compiler_log_many(inputs: &[Input<'_>], limits: &Limits) -> Result<DiagnosticSummary> {
    let parts = inputs
        .iter()
        .map(|input| compiler_log(*input, limits))
        .collect::<Result<Vec<_>>>()?;
    Ok(DiagnosticSummary::merge(parts))
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Line<'l> {
    Error(Option<&'l str>),
    Warning(Option<&'l str>),
    Note,
    Summary,
    Other,
}

/// The first pattern of quality.md 8.16 that a line matches.
pub(crate) fn classify(line: &str) -> Line<'_> {
    if let Some(level) = p1(line) {
        return level;
    }
    if let Some(level) = p2(line) {
        return level;
    }
    p3(line).unwrap_or(Line::Other)
}

/// `^FILE:[0-9]+:(?:[0-9]+:)? (LVL):` with
/// `FILE = (?:[A-Za-z]:)?[^:\s][^:]*`.
fn p1(line: &str) -> Option<Line<'_>> {
    let b = line.as_bytes();
    let drive = b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':';
    let starts: &[usize] = if drive { &[2, 0] } else { &[0] };
    starts.iter().find_map(|&start| p1_from(line, start))
}

fn p1_from(line: &str, start: usize) -> Option<Line<'_>> {
    let b = line.as_bytes();
    let first = *b.get(start)?;
    if first == b':' || first.is_ascii_whitespace() {
        return None;
    }
    let colon = start + memchr::memchr(b':', &b[start..])?;
    let mut at = colon + 1;
    let digits = |at: &mut usize| {
        let from = *at;
        while b.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at > from
    };
    if !digits(&mut at) || b.get(at) != Some(&b':') {
        return None;
    }
    at += 1;
    let save = at;
    if digits(&mut at) && b.get(at) == Some(&b':') {
        at += 1;
    } else {
        at = save;
    }
    let rest = line.get(at..)?.strip_prefix(' ')?;
    for (word, level) in [
        ("fatal error:", Line::Error(None)),
        ("error:", Line::Error(None)),
        ("warning:", Line::Warning(None)),
        ("note:", Line::Note),
        ("remark:", Line::Note),
    ] {
        if rest.starts_with(word) {
            return Some(level);
        }
    }
    None
}

/// `^[^(\s][^(]*\([0-9]+(?:,[0-9]+)?\) ?: (MLVL) [A-Za-z]+[0-9]+:`
fn p2(line: &str) -> Option<Line<'_>> {
    let b = line.as_bytes();
    let first = *b.first()?;
    if first == b'(' || first.is_ascii_whitespace() {
        return None;
    }
    let open = memchr::memchr(b'(', b)?;
    let mut at = open + 1;
    let digits = |at: &mut usize| {
        let from = *at;
        while b.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at > from
    };
    if !digits(&mut at) {
        return None;
    }
    if b.get(at) == Some(&b',') {
        at += 1;
        if !digits(&mut at) {
            return None;
        }
    }
    if b.get(at) != Some(&b')') {
        return None;
    }
    at += 1;
    if b.get(at) == Some(&b' ') {
        at += 1;
    }
    let rest = line.get(at..)?.strip_prefix(": ")?;
    let (is_error, rest) = if let Some(rest) = rest.strip_prefix("fatal error ") {
        (true, rest)
    } else if let Some(rest) = rest.strip_prefix("error ") {
        (true, rest)
    } else {
        (false, rest.strip_prefix("warning ")?)
    };
    let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    let numbers = rest[letters..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    if letters == 0 || numbers == 0 || rest.as_bytes().get(letters + numbers) != Some(&b':') {
        return None;
    }
    let code = &rest[..letters + numbers];
    Some(if is_error {
        Line::Error(Some(code))
    } else {
        Line::Warning(Some(code))
    })
}

/// `^(error|warning)(?:\[[A-Za-z0-9_:]+\])?: (.*)$`, summaries excepted.
fn p3(line: &str) -> Option<Line<'_>> {
    let (is_error, rest) = if let Some(rest) = line.strip_prefix("error") {
        (true, rest)
    } else {
        (false, line.strip_prefix("warning")?)
    };
    let (code, rest) = match rest.strip_prefix('[') {
        Some(inner) => {
            let close = inner.find(']')?;
            let code = &inner[..close];
            if code.is_empty()
                || !code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':')
            {
                return None;
            }
            (Some(code), &inner[close + 1..])
        }
        None => (None, rest),
    };
    let message = rest.strip_prefix(": ")?;
    if is_summary(message) {
        return Some(Line::Summary);
    }
    Some(if is_error {
        Line::Error(code)
    } else {
        Line::Warning(code)
    })
}

/// The summaries that P3 does not count.
fn is_summary(message: &str) -> bool {
    message.starts_with("aborting due to")
        || message.starts_with("could not compile")
        || message.starts_with("build failed")
        || is_warnings_emitted(message)
        || message
            .match_indices("generated ")
            .any(|(at, _)| is_generated_tail(&message[at + "generated ".len()..]))
}

/// `[0-9]+ warnings?( \(.*\))?$` after `generated `.
fn is_generated_tail(rest: &str) -> bool {
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    let Some(rest) = rest[digits..].strip_prefix(" warning") else {
        return false;
    };
    let rest = rest.strip_prefix('s').unwrap_or(rest);
    rest.is_empty() || (rest.starts_with(" (") && rest.ends_with(')'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_classify_lines() {
        assert_eq!(classify("src/a.c:3:5: error: x"), Line::Error(None));
        assert_eq!(classify("C:\\src\\a.c:3: warning: x"), Line::Warning(None));
        assert_eq!(
            classify("a.c:3:5: fatal error: x.h: not found"),
            Line::Error(None)
        );
        assert_eq!(classify("/x/y.cpp:10:3: note: here"), Line::Note);
        assert_eq!(
            classify("a.c(12,3): error C2065: 'x': undeclared"),
            Line::Error(Some("C2065"))
        );
        assert_eq!(
            classify("a.c(12) : warning C4996: old"),
            Line::Warning(Some("C4996"))
        );
        assert_eq!(
            classify("error[E0308]: mismatched types"),
            Line::Error(Some("E0308"))
        );
        assert_eq!(
            classify("warning: unused variable: `x`"),
            Line::Warning(None)
        );
        assert_eq!(
            classify("error: could not compile `data` (bin \"data\") due to 3 previous errors"),
            Line::Summary
        );
        assert_eq!(
            classify("warning: `x` (lib) generated 1 warning"),
            Line::Summary
        );
        assert_eq!(
            classify("warning: `x` (lib) generated 2 warnings (run `cargo fix`)"),
            Line::Summary
        );
        assert_eq!(classify("warning: 3 warnings emitted"), Line::Summary);
        assert_eq!(classify("1 warning generated."), Line::Other);
        assert_eq!(classify("  src/a.c:3:5: error: indented"), Line::Other);
        assert_eq!(classify("errors: none"), Line::Other);
    }
}
