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
    /// `(line, block << 32 | branch | hit << 63)`, ids from [`Files::id`].
    branches: Vec<(u64, u64)>,
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
    entries: Vec<File<'a>>,
    /// Interned `BRDA` block and branch ids that are not small numbers.
    ids: HashMap<&'a [u8], u32>,
}

/// Ids from 2^30 up are interned text; below, the decimal number itself.
const INTERNED: u32 = 1 << 30;

/// Bit of a packed branch that marks a hit.
const HIT: u64 = 1 << 63;

impl<'a> Files<'a> {
    /// A number for a block or branch id, equal for equal text.
    fn id(&mut self, text: &'a [u8]) -> Option<u32> {
        if !text.is_empty()
            && text.len() <= 9
            && text.iter().all(u8::is_ascii_digit)
            && (text[0] != b'0' || text.len() == 1)
        {
            return parse_u64_bytes(text).and_then(|n| u32::try_from(n).ok());
        }
        let next = u32::try_from(self.ids.len())
            .ok()
            .filter(|n| *n < INTERNED)?;
        Some(*self.ids.entry(text).or_insert(INTERNED + next))
    }
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
        // Most lines are `DA:<line>,<count>` inside a record: read them here.
        let quick = match (line.strip_prefix(b"DA:"), reader.open) {
            (Some(value), Some(index)) => {
                quick_da(value.trim_ascii_end()).map(|packed| (index, packed))
            }
            _ => None,
        };
        if let Some((index, packed)) = quick {
            let file = &mut files.entries[index];
            file.lines.push(packed);
            file.has_lines = true;
        } else {
            let lead = line.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let text = line.trim_ascii();
            if !text.is_empty() && text[0] != b'#' {
                reader.line(files, text, start + lead)?;
            }
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
            let Some(index) = self.open.take() else {
                return Err(self
                    .ctx
                    .malformed(at, "record_outside", "end_of_record without SF"));
            };
            files.entries[index].compact();
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
                let next = files.entries.len();
                let index = *files.index.entry(path).or_insert(next);
                if index == next {
                    files.entries.push(File::default());
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
                self.data(files, index, key, value, at)
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

    fn data(
        &mut self,
        files: &mut Files<'a>,
        index: usize,
        key: &[u8],
        value: &'a [u8],
        at: usize,
    ) -> Result<()> {
        let syntax = || self.ctx.malformed(at, "syntax", "too few fields");
        let number = |text: &[u8]| parse_u64_bytes(text).ok_or_else(|| self.bad_number(at, text));
        let hit = |text: &[u8]| is_hit(text).ok_or_else(|| self.bad_number(at, text));
        if key == b"BRDA" {
            let (line, rest) = split_once(value).ok_or_else(syntax)?;
            let (block, rest) = split_once(rest).ok_or_else(syntax)?;
            let (branch, _) = split_once(rest).ok_or_else(syntax)?;
            let taken = &rest[rest.iter().rposition(|&b| b == b',').map_or(0, |at| at + 1)..];
            let line = number(line)?;
            let hit = if taken == b"-" { false } else { hit(taken)? };
            let too_many = || {
                self.ctx
                    .too_large(Some(at), "distinct branch ids", u64::from(INTERNED))
            };
            let ids = u64::from(files.id(block).ok_or_else(too_many)?) << 32
                | u64::from(files.id(branch).ok_or_else(too_many)?);
            let file = &mut files.entries[index];
            file.branches.push((line, ids | if hit { HIT } else { 0 }));
            file.has_branches = true;
            return Ok(());
        }
        let file = &mut files.entries[index];
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
        let files = self.entries.len() as u64;
        for file in self.entries {
            let (per_file, file_basis) = file.finish();
            counts.add(&per_file);
            bases.extend(file_basis);
        }
        counts.into_summary(files, CoverageBasis::of(bases))
    }
}

impl File<'_> {
    /// Sorts and merges every list by key (hit if any copy is hit), so a
    /// file seen in many records keeps one entry per key.
    fn compact(&mut self) {
        self.lines.sort_unstable();
        self.lines.dedup_by(|later, kept| {
            if *later >> 1 == *kept >> 1 {
                *kept |= *later & 1;
                true
            } else {
                false
            }
        });
        self.lines.shrink_to_fit();
        merge_flags(&mut self.huge_lines);
        self.branches
            .sort_unstable_by_key(|&(line, ids)| (line, ids & !HIT));
        self.branches.dedup_by(|later, kept| {
            if (later.0, later.1 & !HIT) == (kept.0, kept.1 & !HIT) {
                kept.1 |= later.1 & HIT;
                true
            } else {
                false
            }
        });
        self.branches.shrink_to_fit();
        merge_flags(&mut self.fn_names);
        merge_flags(&mut self.fn_lines);
    }

    fn finish(self) -> (Counts, Option<CoverageBasis>) {
        let mut counts = Counts::default();
        let declared = |slot: usize| self.declared[slot].unwrap_or(0);

        let basis = if self.has_lines {
            counts.lines_found = (self.lines.len() + self.huge_lines.len()) as u64;
            counts.lines_hit = (self.lines.iter().filter(|&&packed| packed & 1 == 1).count()
                + self.huge_lines.iter().filter(|(_, hit)| *hit).count())
                as u64;
            Some(CoverageBasis::Records)
        } else if self.declared[LF].is_some() || self.declared[LH].is_some() {
            counts.lines_found = declared(LF);
            counts.lines_hit = declared(LH);
            Some(CoverageBasis::Declared)
        } else {
            None
        };

        if self.has_branches {
            counts.branches_found = self.branches.len() as u64;
            counts.branches_hit = self
                .branches
                .iter()
                .filter(|(_, ids)| ids & HIT != 0)
                .count() as u64;
        } else {
            counts.branches_found = declared(BRF);
            counts.branches_hit = declared(BRH);
        }

        if self.has_functions {
            counts.functions_found = add(self.fn_names.len() as u64, self.fn_lines.len() as u64);
            counts.functions_hit = add(hit_count(&self.fn_names), hit_count(&self.fn_lines));
        } else {
            counts.functions_found = declared(FNF);
            counts.functions_hit = declared(FNH);
        }
        (counts, basis)
    }
}

/// How many of `(key, hit)` pairs are hit.
fn hit_count<K>(items: &[(K, bool)]) -> u64 {
    items.iter().filter(|(_, hit)| *hit).count() as u64
}

/// Sorts `(key, hit)` pairs and keeps one per key, hit if any was.
fn merge_flags<K: Ord>(items: &mut Vec<(K, bool)>) {
    items.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    items.dedup_by(|later, kept| {
        if later.0 == kept.0 {
            kept.1 |= later.1;
            true
        } else {
            false
        }
    });
    items.shrink_to_fit();
}

/// A `DA:` value of the common form `<line>,<digits>[,…]`, packed as
/// `line << 1 | hit`; `None` sends the line to the full reader.
fn quick_da(value: &[u8]) -> Option<u64> {
    let mut at = 0;
    let mut line: u64 = 0;
    while let Some(&d) = value.get(at).filter(|d| d.is_ascii_digit()) {
        line = line.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
        at += 1;
    }
    if at == 0 || value.get(at) != Some(&b',') || line >= 1 << 63 {
        return None;
    }
    at += 1;
    let count_start = at;
    let mut nonzero = false;
    while let Some(&d) = value.get(at).filter(|d| d.is_ascii_digit()) {
        nonzero |= d != b'0';
        at += 1;
    }
    if at == count_start || !matches!(value.get(at), None | Some(b',')) {
        return None;
    }
    Some(line << 1 | u64::from(nonzero))
}
