//! JaCoCo XML coverage (quality.md 8.10).

use std::collections::HashMap;

use super::coverage::{Counts, CoverageBasis, CoverageSummary};
use super::fail::Ctx;
use super::summary::{Source, add};
use super::text::parse_u64;
use super::xml::{Attr, Doc, Ev, XmlReader};
use super::{Format, Input, Limits};
use crate::Result;

/// Reads one JaCoCo XML report.
pub fn jacoco(input: Input<'_>, limits: &Limits) -> Result<CoverageSummary> {
    jacoco_many(&[input], limits)
}

/// Reads several JaCoCo reports into one summary. Lines are merged by
/// (package, source file, `nr`) across the inputs that carry usable line
/// elements; the others add their root counters. Functions always come
/// from each root's `METHOD` counter and are added. The first failing
/// input's error is returned.
///
/// Choices beyond quality.md 8.10: a used line whose `nr`, `mb` or `cb`
/// is not an unsigned integer is `bad_number`, as is a used counter whose
/// `missed` or `covered` is not; of two root counters of one type the
/// first counts.
pub fn jacoco_many(inputs: &[Input<'_>], limits: &Limits) -> Result<CoverageSummary> {
    let mut acc = Acc::default();
    for input in inputs {
        read(&mut acc, *input, limits)?;
    }
    let mut summary = acc.finish();
    summary.sources = inputs
        .iter()
        .map(|input| Source::of(Format::Jacoco, *input))
        .collect();
    Ok(summary)
}

#[derive(Debug, Default, Clone, Copy)]
struct Line {
    mi: u64,
    ci: u64,
    mb: u64,
    cb: u64,
}

#[derive(Debug, Default)]
struct Acc {
    files: HashMap<(String, String), u32>,
    lines: HashMap<(u32, u64), Line>,
    declared: Counts,
    bases: Vec<CoverageBasis>,
}

impl Acc {
    fn finish(self) -> CoverageSummary {
        let mut counts = Counts::default();
        for line in self.lines.values() {
            counts.lines_found += u64::from(line.mi.saturating_add(line.ci) > 0);
            counts.lines_hit += u64::from(line.ci > 0);
            counts.branches_found = add(counts.branches_found, add(line.mb, line.cb));
            counts.branches_hit = add(counts.branches_hit, line.cb);
        }
        counts.add(&self.declared);
        counts.into_summary(self.files.len() as u64, CoverageBasis::of(self.bases))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Package,
    Sourcefile(u32),
    Other,
}

/// A line element as read, checked only if lines end up used.
struct RawLine {
    file: u32,
    nr: Option<u64>,
    line: Line,
    /// Text offset of the first attribute that is not an integer.
    bad: Option<usize>,
}

fn read(acc: &mut Acc, input: Input<'_>, limits: &Limits) -> Result<()> {
    let ctx = Ctx::new(Format::Jacoco, input);
    ctx.check_size(limits)?;
    let doc = Doc::decode(&ctx)?;
    let mut xml = XmlReader::new(&doc, ctx, limits);

    let Ev::Start(root) = xml.next()? else {
        return Err(xml.malformed(0, "no_root", "no element"));
    };
    if root.local != "report" {
        return Err(xml.wrong_format(root.pos, root.local));
    }

    let mut frames = vec![Frame::Other];
    let mut packages: Vec<String> = Vec::new();
    let mut lines: Vec<RawLine> = Vec::new();
    let mut usable = true;
    let mut counters: HashMap<String, (Option<u64>, Option<u64>, usize)> = HashMap::new();
    loop {
        let elem = match xml.next()? {
            Ev::Start(elem) => elem,
            Ev::End => {
                if frames.pop() == Some(Frame::Package) {
                    packages.pop();
                }
                continue;
            }
            Ev::Eof => break,
        };
        let number =
            |attr: Option<Attr<'_>>| attr.map(|a| parse_u64(a.value().trim_ascii()).ok_or(a.off));
        let frame = match (elem.local, frames.last()) {
            ("package", _) => {
                let [name] = elem.find(["name"]);
                packages.push(
                    name.map(|attr| attr.value().into_owned())
                        .unwrap_or_default(),
                );
                Frame::Package
            }
            ("sourcefile", _) => {
                let package = packages.last().cloned().unwrap_or_default();
                let [name] = elem.find(["name"]);
                let name = name
                    .map(|attr| attr.value().into_owned())
                    .unwrap_or_default();
                let next = acc.files.len() as u32;
                Frame::Sourcefile(*acc.files.entry((package, name)).or_insert(next))
            }
            ("line", Some(&Frame::Sourcefile(file))) => {
                let [nr, mi, ci, mb, cb] = elem.find(["nr", "mi", "ci", "mb", "cb"]);
                let mut bad = None;
                let mut take = |value: Option<std::result::Result<u64, usize>>| match value {
                    Some(Ok(value)) => Some(value),
                    Some(Err(at)) => {
                        bad = bad.or(Some(at));
                        None
                    }
                    None => None,
                };
                let (mi, ci) = (
                    number(mi).and_then(Result::ok),
                    number(ci).and_then(Result::ok),
                );
                usable &= mi.is_some() && ci.is_some();
                let nr_value = take(number(nr));
                let mb = take(number(mb)).unwrap_or(0);
                let cb = take(number(cb)).unwrap_or(0);
                if nr.is_none() {
                    bad = bad.or(Some(elem.pos));
                }
                let line = Line {
                    mi: mi.unwrap_or(0),
                    ci: ci.unwrap_or(0),
                    mb,
                    cb,
                };
                lines.push(RawLine {
                    file,
                    nr: nr_value,
                    line,
                    bad,
                });
                Frame::Other
            }
            ("counter", _) if frames.len() == 1 => {
                let [kind, missed, covered] = elem.find(["type", "missed", "covered"]);
                if let Some(kind) = kind {
                    let kind = kind.value().into_owned();
                    let (missed, covered) = (number(missed), number(covered));
                    let bad_at = [missed, covered]
                        .into_iter()
                        .find_map(|v| match v {
                            Some(Err(at)) => Some(at),
                            None => Some(elem.pos),
                            Some(Ok(_)) => None,
                        })
                        .unwrap_or(elem.pos);
                    counters.entry(kind).or_insert((
                        missed.and_then(Result::ok),
                        covered.and_then(Result::ok),
                        bad_at,
                    ));
                }
                Frame::Other
            }
            _ => Frame::Other,
        };
        frames.push(frame);
    }

    let counter = |kind: &str| -> Result<Option<(u64, u64)>> {
        match counters.get(kind) {
            None => Ok(None),
            Some((Some(missed), Some(covered), _)) => Ok(Some((add(*missed, *covered), *covered))),
            Some((_, _, at)) => Err(xml.malformed(
                *at,
                "bad_number",
                "counter without integer missed and covered",
            )),
        }
    };

    if let Some((found, hit)) = counter("METHOD")? {
        acc.declared.functions_found = add(acc.declared.functions_found, found);
        acc.declared.functions_hit = add(acc.declared.functions_hit, hit);
    }

    if usable && !lines.is_empty() {
        for raw in lines {
            let (Some(nr), None) = (raw.nr, raw.bad) else {
                let at = raw.bad.unwrap_or(0);
                return Err(xml.malformed(
                    at,
                    "bad_number",
                    "line attribute not an unsigned integer",
                ));
            };
            let slot = acc.lines.entry((raw.file, nr)).or_default();
            slot.mi = slot.mi.max(raw.line.mi);
            slot.ci = slot.ci.max(raw.line.ci);
            slot.mb = slot.mb.max(raw.line.mb);
            slot.cb = slot.cb.max(raw.line.cb);
        }
        acc.bases.push(CoverageBasis::Records);
        return Ok(());
    }

    let line_counter = counter("LINE")?;
    let branch_counter = counter("BRANCH")?;
    if line_counter.is_none() && branch_counter.is_none() {
        return Err(xml.no_data("no usable line elements and no LINE or BRANCH counter"));
    }
    if let Some((found, hit)) = line_counter {
        acc.declared.lines_found = add(acc.declared.lines_found, found);
        acc.declared.lines_hit = add(acc.declared.lines_hit, hit);
    }
    if let Some((found, hit)) = branch_counter {
        acc.declared.branches_found = add(acc.declared.branches_found, found);
        acc.declared.branches_hit = add(acc.declared.branches_hit, hit);
    }
    acc.bases.push(CoverageBasis::Declared);
    Ok(())
}
