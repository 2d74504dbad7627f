//! LCOV tracefiles (quality.md 8.8).
//!
//! The input is read line by line over the raw bytes, so positions are
//! exact even where the text is not UTF-8; paths and function names are
//! decoded lossily.

use std::borrow::Cow;
use std::collections::HashMap;

use super::coverage::{Counts, CoverageBasis, CoverageSummary, is_hit};
use super::fail::Ctx;
use super::summary::{Source, add};
use super::text::{bom_len, is_blank, parse_u64_bytes};
use super::{Format, Input, Limits};
use crate::Result;

/// Reads one LCOV tracefile.
pub fn lcov(input: Input<'_>, limits: &Limits) -> Result<CoverageSummary> {
    lcov_many(&[input], limits)
}

/// Reads several LCOV tracefiles into one summary. Records of the same
/// `SF` path are one file across all inputs: a line found in two inputs
/// counts once (quality.md 7.3). The first failing input's error is
/// returned.
///
/// A file that has neither `DA` lines nor declared `LF`/`LH` totals adds
/// nothing to the basis; with no such evidence at all the basis is
/// `records`.
pub fn lcov_many(inputs: &[Input<'_>], limits: &Limits) -> Result<CoverageSummary> {
    let mut files = Files::default();
    for input in inputs {
        read(&mut files, *input, limits)?;
    }
    let mut summary = files.finish();
    summary.sources = inputs
        .iter()
        .map(|input| Source::of(Format::Lcov, *input))
        .collect();
    Ok(summary)
}

/// Everything known about one source file, over all its records.
#[derive(Debug, Default)]
struct File<'a> {
    /// `line << 1 | hit` for lines below 2^63.
    lines: Vec<u64>,
    /// Lines from 2^63 up (never written by real tools).
    huge_lines: Vec<(u64, bool)>,
    has_lines: bool,
    branches: Vec<(u64, &'a [u8], &'a [u8], bool)>,
    has_branches: bool,
    /// lcov 1 functions by name.
    fn_names: Vec<(Cow<'a, str>, bool)>,
    /// lcov 2 functions by start line.
    fn_lines: Vec<(u64, bool)>,
    has_functions: bool,
    /// Largest LF, LH, BRF, BRH, FNF, FNH.
    declared: [Option<u64>; 6],
}

#[derive(Debug, Default)]
struct Files<'a> {
    index: HashMap<Cow<'a, str>, usize>,
    files: Vec<File<'a>>,
}

const LF: usize = 0;
const LH: usize = 1;
const BRF: usize = 2;
const BRH: usize = 3;
const FNF: usize = 4;
const FNH: usize = 5;

fn read<'a>(files: &mut Files<'a>, input: Input<'a>, limits: &Limits) -> Result<()> {
    let ctx = Ctx::new(Format::Lcov, input);
    ctx.check_size(limits)?;
    let raw = input.bytes;
    let base = bom_len(raw);
    if is_blank(&raw[base..]) {
        return Err(ctx.empty());
    }

    let mut reader = Reader {
        ctx,
        records: 0,
        open: None,
        fnl: HashMap::new(),
    };
    let mut nodes: u64 = 0;
    let mut start = base;
    while start < raw.len() {
        let end = memchr::memchr(b'\n', &raw[start..]).map_or(raw.len(), |at| start + at);
        nodes += 1;
        if nodes > limits.max_nodes {
            return Err(ctx.too_large(Some(start), "max_nodes", limits.max_nodes));
        }
        let line = &raw[start..end];
        let lead = line.iter().take_while(|b| b.is_ascii_whitespace()).count();
        let text = line.trim_ascii();
        if !text.is_empty() && text[0] != b'#' {
            reader.line(files, text, start + lead)?;
        }
        start = end + 1;
    }

    if reader.open.is_some() {
        return Err(ctx.eof());
    }
    if reader.records == 0 {
        return Err(ctx.empty());
    }
    Ok(())
}

struct Reader<'a> {
    ctx: Ctx<'a>,
    records: u64,
    /// Index of the file whose record is open.
    open: Option<usize>,
    /// `FNL` index → start line, in the open record.
    fnl: HashMap<u64, u64>,
}

impl<'a> Reader<'a> {
    fn line(&mut self, files: &mut Files<'a>, text: &'a [u8], at: usize) -> Result<()> {
        if text == b"end_of_record" {
            if self.open.take().is_none() {
                return Err(self
                    .ctx
                    .malformed(at, "record_outside", "end_of_record without SF"));
            }
            self.fnl.clear();
            return Ok(());
        }
        let Some(colon) = memchr::memchr(b':', text) else {
            return Err(self.ctx.malformed(at, "syntax", "not an lcov line"));
        };
        let key = &text[..colon];
        let value = &text[colon + 1..];
        match key {
            b"TN" => Ok(()),
            b"SF" => {
                if self.open.is_some() {
                    return Err(self.ctx.malformed(
                        at,
                        "record_nesting",
                        "SF inside an open record",
                    ));
                }
                let path = String::from_utf8_lossy(value);
                let next = files.files.len();
                let index = *files.index.entry(path).or_insert(next);
                if index == next {
                    files.files.push(File::default());
                }
                self.open = Some(index);
                self.records += 1;
                Ok(())
            }
            b"DA" | b"BRDA" | b"FN" | b"FNDA" | b"FNL" | b"FNA" | b"LF" | b"LH" | b"BRF"
            | b"BRH" | b"FNF" | b"FNH" => {
                let Some(index) = self.open else {
                    let detail = format!(
                        "{} outside SF … end_of_record",
                        String::from_utf8_lossy(key)
                    );
                    return Err(self.ctx.malformed(at, "record_outside", &detail));
                };
                let file = &mut files.files[index];
                self.data(file, key, value, at)
            }
            _ if !key.is_empty()
                && key
                    .iter()
                    .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_') =>
            {
                Ok(())
            }
            _ => Err(self.ctx.malformed(at, "syntax", "not an lcov line")),
        }
    }

    fn data(&mut self, file: &mut File<'a>, key: &[u8], value: &'a [u8], at: usize) -> Result<()> {
        let syntax = || self.ctx.malformed(at, "syntax", "too few fields");
        let number = |text: &[u8]| parse_u64_bytes(text).ok_or_else(|| self.bad_number(at, text));
        let hit = |text: &[u8]| is_hit(text).ok_or_else(|| self.bad_number(at, text));
        match key {
            b"DA" => {
                let mut fields = value.splitn(3, |&b| b == b',');
                let line = number(fields.next().unwrap_or_default())?;
                let count = fields.next().ok_or_else(syntax)?;
                let hit = hit(count)?;
                if line < 1 << 63 {
                    file.lines.push(line << 1 | u64::from(hit));
                } else {
                    file.huge_lines.push((line, hit));
                }
                file.has_lines = true;
            }
            b"BRDA" => {
                let fields: Vec<&[u8]> = value.split(|&b| b == b',').collect();
                if fields.len() < 4 {
                    return Err(syntax());
                }
                let line = number(fields[0])?;
                let taken = fields[fields.len() - 1];
                let hit = if taken == b"-" { false } else { hit(taken)? };
                file.branches.push((line, fields[1], fields[2], hit));
                file.has_branches = true;
            }
            b"FN" => {
                let (line, rest) = split_once(value).ok_or_else(syntax)?;
                number(line)?;
                let name = match split_once(rest) {
                    Some((end, name)) if !end.is_empty() && end.iter().all(u8::is_ascii_digit) => {
                        name
                    }
                    _ => rest,
                };
                file.fn_names.push((String::from_utf8_lossy(name), false));
                file.has_functions = true;
            }
            b"FNDA" => {
                let (count, name) = split_once(value).ok_or_else(syntax)?;
                let hit = hit(count)?;
                file.fn_names.push((String::from_utf8_lossy(name), hit));
                file.has_functions = true;
            }
            b"FNL" => {
                let mut fields = value.splitn(3, |&b| b == b',');
                let index = number(fields.next().unwrap_or_default())?;
                let line = number(fields.next().ok_or_else(syntax)?)?;
                if let Some(end) = fields.next() {
                    number(end)?;
                }
                self.fnl.insert(index, line);
                file.fn_lines.push((line, false));
                file.has_functions = true;
            }
            b"FNA" => {
                let mut fields = value.splitn(3, |&b| b == b',');
                let index = number(fields.next().unwrap_or_default())?;
                let count = fields.next().ok_or_else(syntax)?;
                fields.next().ok_or_else(syntax)?;
                let hit = hit(count)?;
                let Some(&line) = self.fnl.get(&index) else {
                    let detail = format!("FNA index {index} has no FNL in this record");
                    return Err(self.ctx.malformed(at, "bad_value", &detail));
                };
                file.fn_lines.push((line, hit));
                file.has_functions = true;
            }
            _ => {
                let slot = match key {
                    b"LF" => LF,
                    b"LH" => LH,
                    b"BRF" => BRF,
                    b"BRH" => BRH,
                    b"FNF" => FNF,
                    _ => FNH,
                };
                let total = number(value)?;
                let declared = &mut file.declared[slot];
                *declared = Some(declared.map_or(total, |old| old.max(total)));
            }
        }
        Ok(())
    }

    fn bad_number(&self, at: usize, text: &[u8]) -> crate::Error {
        let shown = String::from_utf8_lossy(&text[..text.len().min(64)]).into_owned();
        self.ctx
            .malformed(at, "bad_number", &format!("`{shown}` is not a number"))
    }
}

fn split_once(text: &[u8]) -> Option<(&[u8], &[u8])> {
    let at = memchr::memchr(b',', text)?;
    Some((&text[..at], &text[at + 1..]))
}

impl Files<'_> {
    fn finish(self) -> CoverageSummary {
        let mut counts = Counts::default();
        let mut bases = Vec::new();
        let files = self.files.len() as u64;
        for file in self.files {
            let (per_file, file_basis) = file.finish();
            counts.add(&per_file);
            bases.extend(file_basis);
        }
        counts.into_summary(files, CoverageBasis::of(bases))
    }
}

impl File<'_> {
    fn finish(mut self) -> (Counts, Option<CoverageBasis>) {
        let mut counts = Counts::default();
        let declared = |slot: usize| self.declared[slot].unwrap_or(0);

        let basis = if self.has_lines {
            self.lines.sort_unstable();
            let (mut found, mut hit) = (0u64, 0u64);
            let mut index = 0;
            while index < self.lines.len() {
                let line = self.lines[index] >> 1;
                let mut any = false;
                while index < self.lines.len() && self.lines[index] >> 1 == line {
                    any |= self.lines[index] & 1 == 1;
                    index += 1;
                }
                found += 1;
                hit += u64::from(any);
            }
            self.huge_lines.sort_unstable();
            self.huge_lines.dedup_by(|b, a| {
                if a.0 == b.0 {
                    a.1 |= b.1;
                    true
                } else {
                    false
                }
            });
            found += self.huge_lines.len() as u64;
            hit += self.huge_lines.iter().filter(|(_, h)| *h).count() as u64;
            counts.lines_found = found;
            counts.lines_hit = hit;
            Some(CoverageBasis::Records)
        } else if self.declared[LF].is_some() || self.declared[LH].is_some() {
            counts.lines_found = declared(LF);
            counts.lines_hit = declared(LH);
            Some(CoverageBasis::Declared)
        } else {
            None
        };

        if self.has_branches {
            self.branches
                .sort_unstable_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
            let mut index = 0;
            while index < self.branches.len() {
                let key = &self.branches[index];
                let mut hit = false;
                let mut next = index;
                while next < self.branches.len() && {
                    let other = &self.branches[next];
                    (other.0, other.1, other.2) == (key.0, key.1, key.2)
                } {
                    hit |= self.branches[next].3;
                    next += 1;
                }
                counts.branches_found += 1;
                counts.branches_hit += u64::from(hit);
                index = next;
            }
        } else {
            counts.branches_found = declared(BRF);
            counts.branches_hit = declared(BRH);
        }

        if self.has_functions {
            let (found, hit) = distinct(&mut self.fn_names);
            let (found2, hit2) = distinct(&mut self.fn_lines);
            counts.functions_found = add(found, found2);
            counts.functions_hit = add(hit, hit2);
        } else {
            counts.functions_found = declared(FNF);
            counts.functions_hit = declared(FNH);
        }
        (counts, basis)
    }
}

/// Distinct keys and how many of them were hit.
fn distinct<K: Ord>(items: &mut [(K, bool)]) -> (u64, u64) {
    items.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let (mut found, mut hit) = (0u64, 0u64);
    let mut index = 0;
    while index < items.len() {
        let mut any = false;
        let mut next = index;
        while next < items.len() && items[next].0 == items[index].0 {
            any |= items[next].1;
            next += 1;
        }
        found += 1;
        hit += u64::from(any);
        index = next;
    }
    (found, hit)
}
