//! Cobertura XML coverage (quality.md 8.9).

use std::collections::HashMap;

use super::coverage::{Counts, CoverageBasis, CoverageSummary};
use super::fail::Ctx;
use super::summary::{Source, add};
use super::text::parse_u64;
use super::xml::{Attr, Doc, Elem, Ev, XmlReader};
use super::{Format, Input, Limits};
use crate::Result;

/// Reads one Cobertura XML report.
pub fn cobertura(input: Input<'_>, limits: &Limits) -> Result<CoverageSummary> {
    cobertura_many(&[input], limits)
}

/// Reads several Cobertura reports into one summary. Lines are merged by
/// (`filename`, `number`) and functions by (`filename`, `name`,
/// `signature`) across all inputs; an input without class-level `line`
/// elements adds its declared totals. The first failing input's error is
/// returned.
///
/// Choices beyond quality.md 8.9: a `line` without `number` is
/// `bad_number`, as is a `condition-coverage` without an `(a/b)` part;
/// `files` counts the distinct `filename`s of all `class` elements.
pub fn cobertura_many(inputs: &[Input<'_>], limits: &Limits) -> Result<CoverageSummary> {
    let mut acc = Acc::default();
    for input in inputs {
        read(&mut acc, *input, limits)?;
    }
    let mut summary = acc.finish();
    summary.sources = inputs
        .iter()
        .map(|input| Source::of(Format::Cobertura, *input))
        .collect();
    Ok(summary)
}

#[derive(Debug, Default, Clone, Copy)]
struct Line {
    hits: u64,
    branches_hit: u64,
    branches: u64,
}

#[derive(Debug, Default)]
struct Acc {
    files: HashMap<String, u32>,
    lines: HashMap<(u32, u64), Line>,
    methods: HashMap<(u32, String, String), bool>,
    declared: Counts,
    bases: Vec<CoverageBasis>,
}

impl Acc {
    fn file(&mut self, name: &str) -> u32 {
        let next = self.files.len() as u32;
        *self.files.entry(name.to_owned()).or_insert(next)
    }

    fn finish(self) -> CoverageSummary {
        let mut counts = Counts::default();
        for line in self.lines.values() {
            counts.lines_found += 1;
            counts.lines_hit += u64::from(line.hits > 0);
            counts.branches_found = add(counts.branches_found, line.branches);
            counts.branches_hit = add(counts.branches_hit, line.branches_hit);
        }
        counts.functions_found = self.methods.len() as u64;
        counts.functions_hit = self.methods.values().filter(|hit| **hit).count() as u64;
        counts.add(&self.declared);
        counts.into_summary(self.files.len() as u64, CoverageBasis::of(self.bases))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Class(u32),
    Lines,
    Methods,
    Method,
    Other,
}

fn read(acc: &mut Acc, input: Input<'_>, limits: &Limits) -> Result<()> {
    let ctx = Ctx::new(Format::Cobertura, input);
    ctx.check_size(limits)?;
    let doc = Doc::decode(&ctx)?;
    let mut xml = XmlReader::new(&doc, ctx, limits);

    let Ev::Start(root) = xml.next()? else {
        // The reader reports a document without elements itself.
        return Err(xml.malformed(0, "no_root", "no element"));
    };
    if root.local != "coverage" {
        return Err(xml.wrong_format(root.pos, root.local));
    }
    let [valid, covered, branches_valid, branches_covered] = root.find([
        "lines-valid",
        "lines-covered",
        "branches-valid",
        "branches-covered",
    ]);

    let mut frames = vec![Frame::Other];
    let mut method: Option<(u32, String, String)> = None;
    let mut has_lines = false;
    loop {
        let elem = match xml.next()? {
            Ev::Start(elem) => elem,
            Ev::End => {
                if frames.pop() == Some(Frame::Method) {
                    method = None;
                }
                continue;
            }
            Ev::Eof => break,
        };
        let parent = frames.last().copied().unwrap_or(Frame::Other);
        let grandparent = frames
            .len()
            .checked_sub(2)
            .map_or(Frame::Other, |at| frames[at]);
        let frame = match elem.local {
            "class" => {
                let [filename] = elem.find(["filename"]);
                let name = filename.map(|attr| attr.value()).unwrap_or_default();
                Frame::Class(acc.file(&name))
            }
            "lines" => Frame::Lines,
            "methods" => Frame::Methods,
            "method" => match (parent, grandparent) {
                (Frame::Methods, Frame::Class(file)) => {
                    let [name, signature] = elem.find(["name", "signature"]);
                    let text = |attr: Option<Attr<'_>>| {
                        attr.map(|a| a.value().into_owned()).unwrap_or_default()
                    };
                    let key = (file, text(name), text(signature));
                    acc.methods.entry(key.clone()).or_insert(false);
                    method = Some(key);
                    Frame::Method
                }
                _ => Frame::Other,
            },
            "line" => {
                let class_line = match (parent, grandparent) {
                    (Frame::Lines, Frame::Class(file)) => Some(file),
                    _ => None,
                };
                if class_line.is_some() || method.is_some() {
                    let line = line(&xml, &elem)?;
                    if let Some(file) = class_line {
                        has_lines = true;
                        let slot = acc.lines.entry((file, line.0)).or_default();
                        slot.hits = slot.hits.max(line.1.hits);
                        slot.branches_hit = slot.branches_hit.max(line.1.branches_hit);
                        slot.branches = slot.branches.max(line.1.branches);
                    }
                    if let Some(key) = method.as_ref().filter(|_| line.1.hits > 0) {
                        acc.methods.insert(key.clone(), true);
                    }
                }
                Frame::Other
            }
            _ => Frame::Other,
        };
        frames.push(frame);
    }

    if has_lines {
        acc.bases.push(CoverageBasis::Records);
        return Ok(());
    }
    let (Some(valid), Some(covered)) = (valid, covered) else {
        return Err(xml.no_data("no class line elements and no lines-valid, lines-covered"));
    };
    let number = |attr: &Attr<'_>| {
        parse_u64(attr.value().trim_ascii())
            .ok_or_else(|| xml.malformed(attr.off, "bad_number", "not an unsigned integer"))
    };
    acc.declared.lines_found = add(acc.declared.lines_found, number(&valid)?);
    acc.declared.lines_hit = add(acc.declared.lines_hit, number(&covered)?);
    if let Some(attr) = branches_valid {
        acc.declared.branches_found = add(acc.declared.branches_found, number(&attr)?);
    }
    if let Some(attr) = branches_covered {
        acc.declared.branches_hit = add(acc.declared.branches_hit, number(&attr)?);
    }
    acc.bases.push(CoverageBasis::Declared);
    Ok(())
}

/// A `line` element's number and counts.
fn line(xml: &XmlReader<'_>, elem: &Elem<'_>) -> Result<(u64, Line)> {
    let [number, hits, conditions] = elem.find(["number", "hits", "condition-coverage"]);
    let bad = |at: usize, detail: &str| xml.malformed(at, "bad_number", detail);
    let Some(number) = number else {
        return Err(bad(elem.pos, "line without a number"));
    };
    let line_number = parse_u64(number.value().trim_ascii())
        .ok_or_else(|| bad(number.off, "not an unsigned integer"))?;
    let hits = match hits {
        None => 0,
        Some(attr) => parse_u64(attr.value().trim_ascii())
            .ok_or_else(|| bad(attr.off, "not an unsigned integer"))?,
    };
    let (branches_hit, branches) = match conditions {
        None => (0, 0),
        Some(attr) => fraction(&attr.value())
            .ok_or_else(|| bad(attr.off, "no `(a/b)` in condition-coverage"))?,
    };
    Ok((
        line_number,
        Line {
            hits,
            branches_hit,
            branches,
        },
    ))
}

/// The `(a/b)` part of a `condition-coverage` such as `50% (1/2)`.
fn fraction(text: &str) -> Option<(u64, u64)> {
    let open = text.find('(')?;
    let rest = &text[open + 1..];
    let close = rest.find(')')?;
    let (a, b) = rest[..close].split_once('/')?;
    Some((parse_u64(a.trim_ascii())?, parse_u64(b.trim_ascii())?))
}
