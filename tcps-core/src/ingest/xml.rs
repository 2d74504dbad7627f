//! The one small, non-validating XML reader that the JUnit, Cobertura and
//! JaCoCo parsers share (quality.md 8.4, 8.5).
//!
//! quick-xml splits the document into markup and text; this layer adds
//! what the subset needs: the encoding rules, a refusal of DTD internal
//! subsets, entity and character reference checks, literal control
//! characters, duplicate attributes, one root element, the depth, node
//! and attribute limits, and positions in the raw input bytes.

use std::borrow::Cow;
use std::collections::HashSet;

use quick_xml::Reader;
use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::events::Event;

use super::Limits;
use super::fail::{Ctx, Kind};
use super::text::{bom_len, is_blank};
use crate::Result;

/// How the document's bytes were turned into text.
#[derive(Debug)]
pub(crate) struct Doc<'a> {
    text: Cow<'a, str>,
    base: usize,
    latin1: bool,
}

enum Declared {
    Utf8,
    Latin1,
    Other(String, usize),
}

impl<'a> Doc<'a> {
    /// Decodes the raw input of `ctx` by the rules of quality.md 8.4.
    pub fn decode(ctx: &Ctx<'a>) -> Result<Doc<'a>> {
        let raw = ctx.raw;
        if raw.starts_with(&[0, 0, 0xFE, 0xFF]) || raw.starts_with(&[0xFF, 0xFE, 0, 0]) {
            return Err(ctx.at(
                Kind::UnsupportedEncoding,
                0,
                "unsupported_encoding",
                "utf-32",
            ));
        }
        if raw.starts_with(&[0xFE, 0xFF]) || raw.starts_with(&[0xFF, 0xFE]) {
            return Err(ctx.at(
                Kind::UnsupportedEncoding,
                0,
                "unsupported_encoding",
                "utf-16",
            ));
        }
        let base = bom_len(raw);
        let body = &raw[base..];
        if is_blank(body) {
            return Err(ctx.empty());
        }

        match declared_encoding(body) {
            Declared::Other(name, at) => Err(ctx.at(
                Kind::UnsupportedEncoding,
                base + at,
                "unsupported_encoding",
                &name,
            )),
            Declared::Latin1 => Ok(Doc {
                text: Cow::Owned(body.iter().map(|&b| char::from(b)).collect()),
                base,
                latin1: true,
            }),
            Declared::Utf8 => match std::str::from_utf8(body) {
                Ok(text) => Ok(Doc {
                    text: Cow::Borrowed(text),
                    base,
                    latin1: false,
                }),
                Err(error) => Err(ctx.at(
                    Kind::InvalidUtf8,
                    base + error.valid_up_to(),
                    "invalid_utf8",
                    "invalid utf-8 sequence",
                )),
            },
        }
    }

    /// The decoded text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Raw input offset of text offset `pos`.
    fn raw_offset(&self, pos: usize) -> usize {
        if self.latin1 {
            // Every Latin-1 byte became one character.
            let before = &self.text.as_bytes()[..pos.min(self.text.len())];
            self.base + before.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
        } else {
            self.base + pos
        }
    }
}

/// The encoding named by an XML declaration at the start of `body`.
fn declared_encoding(body: &[u8]) -> Declared {
    let Some(rest) = body.strip_prefix(b"<?xml") else {
        return Declared::Utf8;
    };
    if !matches!(rest.first(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        return Declared::Utf8;
    }
    let Some(end) = memchr::memmem::find(rest, b"?>") else {
        return Declared::Utf8;
    };
    let decl = &rest[..end];
    let Some(at) = memchr::memmem::find(decl, b"encoding") else {
        return Declared::Utf8;
    };
    let mut i = at + "encoding".len();
    let skip_ws = |i: &mut usize| {
        while matches!(decl.get(*i), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if decl.get(i) != Some(&b'=') {
        return Declared::Utf8;
    }
    i += 1;
    skip_ws(&mut i);
    let Some(&quote @ (b'"' | b'\'')) = decl.get(i) else {
        return Declared::Utf8;
    };
    let start = i + 1;
    let Some(len) = decl[start..].iter().position(|&b| b == quote) else {
        return Declared::Utf8;
    };
    let value = &decl[start..start + len];
    let known = |names: &[&str]| {
        names
            .iter()
            .any(|name| value.eq_ignore_ascii_case(name.as_bytes()))
    };
    if known(&["UTF-8", "US-ASCII", "ASCII"]) {
        Declared::Utf8
    } else if known(&["ISO-8859-1", "ISO8859-1", "latin1", "Latin-1"]) {
        Declared::Latin1
    } else {
        let name = String::from_utf8_lossy(value).into_owned();
        Declared::Other(format!("encoding `{name}`"), "<?xml".len() + start)
    }
}

/// One element start as the format parsers see it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Elem<'d> {
    /// Local part of the name (after the last `:`).
    pub local: &'d str,
    /// The attribute section of the start tag, already checked.
    attrs: &'d str,
    /// Text offset of the attribute section.
    attrs_off: usize,
    /// Text offset of the `<`.
    pub pos: usize,
}

/// One attribute of an element.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attr<'d> {
    /// Local part of the name.
    pub local: &'d str,
    /// The value as written, between the quotes.
    pub raw: &'d str,
    /// Text offset of the value.
    pub off: usize,
}

impl<'d> Attr<'d> {
    /// The value: literal TAB, LF and CR (CR LF counting once) become
    /// spaces, then references are replaced.
    pub fn value(&self) -> Cow<'d, str> {
        decode_value(self.raw)
    }
}

impl<'d> Elem<'d> {
    /// The attributes in document order.
    pub fn attrs(&self) -> impl Iterator<Item = Attr<'d>> + use<'d> {
        let mut scan = AttrScan {
            text: self.attrs,
            at: 0,
        };
        let base = self.attrs_off;
        std::iter::from_fn(move || {
            scan.next().ok().flatten().map(|raw| Attr {
                local: local_name(raw.name),
                raw: raw.value,
                off: base + raw.value_at,
            })
        })
    }

    /// The first attribute with each of the local `names`, in one pass.
    pub fn find<const N: usize>(&self, names: [&str; N]) -> [Option<Attr<'d>>; N] {
        let mut found = [None; N];
        for attr in self.attrs() {
            for (slot, name) in found.iter_mut().zip(names) {
                if slot.is_none() && attr.local == name {
                    *slot = Some(attr);
                }
            }
        }
        found
    }
}

/// What [`XmlReader::next`] yields.
#[derive(Debug)]
pub(crate) enum Ev<'d> {
    /// An element opens (an empty element is followed by its `End`).
    Start(Elem<'d>),
    /// The innermost open element closes.
    End,
    /// The document ended well-formed.
    Eof,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Root {
    None,
    Open,
    Closed,
}

/// The checking reader over one decoded document.
pub(crate) struct XmlReader<'d> {
    reader: Reader<&'d [u8]>,
    doc: &'d Doc<'d>,
    ctx: Ctx<'d>,
    limits: Limits,
    depth: u32,
    nodes: u64,
    root: Root,
    pending_end: bool,
}

impl<'d> XmlReader<'d> {
    /// A reader over `doc`, reporting errors for `ctx`.
    pub fn new(doc: &'d Doc<'d>, ctx: Ctx<'d>, limits: &Limits) -> Self {
        let mut reader = Reader::from_str(doc.text());
        let config = reader.config_mut();
        config.trim_text(false);
        config.expand_empty_elements = false;
        config.check_end_names = true;
        config.allow_unmatched_ends = false;
        config.allow_dangling_amp = false;
        Self {
            reader,
            doc,
            ctx,
            limits: *limits,
            depth: 0,
            nodes: 0,
            root: Root::None,
            pending_end: false,
        }
    }

    /// `ingest_malformed` with `reason` at text offset `pos`.
    pub fn malformed(&self, pos: usize, reason: &str, detail: &str) -> crate::Error {
        self.ctx.malformed(self.doc.raw_offset(pos), reason, detail)
    }

    /// `ingest_wrong_format` at text offset `pos`.
    pub fn wrong_format(&self, pos: usize, found: &str) -> crate::Error {
        self.ctx.wrong_format(Some(self.doc.raw_offset(pos)), found)
    }

    /// `ingest_no_data`, when a coverage report holds no counts.
    pub fn no_data(&self, detail: &str) -> crate::Error {
        self.ctx.fail(Kind::NoData, "no_data", detail)
    }

    /// The next element start or end, or the end of the document.
    pub fn next(&mut self) -> Result<Ev<'d>> {
        if self.pending_end {
            self.pending_end = false;
            self.close();
            return Ok(Ev::End);
        }
        loop {
            let pos = self.reader.buffer_position() as usize;
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(error) => return Err(self.map_error(&error)),
            };
            match event {
                Event::Start(start) => {
                    return self.open(pos, start.len(), start.name().as_ref().len(), false);
                }
                Event::Empty(start) => {
                    return self.open(pos, start.len(), start.name().as_ref().len(), true);
                }
                Event::End(_) => {
                    self.close();
                    return Ok(Ev::End);
                }
                Event::Text(text) => self.check_text(pos, &text)?,
                Event::CData(data) => self.check_cdata(pos, &data)?,
                Event::GeneralRef(name) => {
                    if self.root != Root::Open {
                        return Err(self.malformed(
                            pos,
                            "syntax",
                            "reference outside the root element",
                        ));
                    }
                    self.check_reference(pos, &name)?;
                }
                Event::DocType(_) => self.check_doctype(pos)?,
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::Eof => return self.finish(),
            }
        }
    }

    fn open(&mut self, pos: usize, len: usize, name_len: usize, empty: bool) -> Result<Ev<'d>> {
        let text = self.doc.text();
        let content_at = pos + 1;
        let Some(content) = text.get(content_at..content_at + len) else {
            return Err(self.malformed(pos, "syntax", "element outside the text"));
        };
        let Some(name) = content.get(..name_len).filter(|name| !name.is_empty()) else {
            return Err(self.malformed(pos, "syntax", "element without a name"));
        };
        if self.root == Root::Closed {
            return Err(self.malformed(pos, "multiple_roots", "a second top-level element"));
        }
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(self.ctx.too_large(
                Some(self.doc.raw_offset(pos)),
                "max_nodes",
                self.limits.max_nodes,
            ));
        }
        if self.depth >= self.limits.depth() {
            return Err(self
                .ctx
                .too_deep(self.doc.raw_offset(pos), self.limits.depth()));
        }
        if let Some(at) = find_control(content.as_bytes()) {
            return Err(self.malformed(content_at + at, "invalid_char", "control character"));
        }
        let attrs = &content[name_len..];
        let attrs_off = content_at + name_len;
        self.check_attrs(attrs, attrs_off)?;

        self.root = Root::Open;
        self.depth += 1;
        self.pending_end = empty;
        Ok(Ev::Start(Elem {
            local: local_name(name),
            attrs,
            attrs_off,
            pos,
        }))
    }

    fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        if self.depth == 0 {
            self.root = Root::Closed;
        }
    }

    fn finish(&mut self) -> Result<Ev<'d>> {
        match self.root {
            Root::Open => Err(self.ctx.eof()),
            Root::None => Err(self.ctx.fail(Kind::Malformed, "no_root", "no element")),
            Root::Closed => Ok(Ev::Eof),
        }
    }

    fn check_attrs(&self, attrs: &'d str, off: usize) -> Result<()> {
        let mut scan = AttrScan { text: attrs, at: 0 };
        let mut seen: Vec<&str> = Vec::new();
        let mut seen_set: HashSet<&str> = HashSet::new();
        loop {
            let raw = match scan.next() {
                Ok(Some(raw)) => raw,
                Ok(None) => return Ok(()),
                Err(at) => return Err(self.malformed(off + at, "syntax", "malformed attribute")),
            };
            let value_at = off + raw.value_at;
            if raw.value.len() as u64 > self.limits.max_attr_bytes {
                return Err(self.ctx.too_large(
                    Some(self.doc.raw_offset(value_at)),
                    "max_attr_bytes",
                    self.limits.max_attr_bytes,
                ));
            }
            if let Some(at) = memchr::memchr(b'<', raw.value.as_bytes()) {
                return Err(self.malformed(value_at + at, "syntax", "`<` in an attribute value"));
            }
            // Control characters were looked for in the whole tag already.
            self.check_references(raw.value, value_at)?;

            // A linear scan while few, a set once many (hostile tags).
            let repeated = if seen.len() < 16 {
                let repeated = seen.contains(&raw.name);
                seen.push(raw.name);
                repeated
            } else {
                if seen_set.is_empty() {
                    seen_set.extend(seen.iter().copied());
                }
                !seen_set.insert(raw.name)
            };
            if repeated {
                let detail = format!("attribute `{}` repeated", super::summary::cut(raw.name, 64));
                return Err(self.malformed(off + raw.name_at, "duplicate_attribute", &detail));
            }
        }
    }

    /// Checks escaped character data: no literal control characters, only
    /// known references.
    fn check_escaped(&self, text: &str, off: usize) -> Result<()> {
        if let Some(at) = find_control(text.as_bytes()) {
            return Err(self.malformed(off + at, "invalid_char", "control character"));
        }
        self.check_references(text, off)
    }

    /// Checks that every `&` starts a known reference.
    fn check_references(&self, text: &str, off: usize) -> Result<()> {
        let bytes = text.as_bytes();
        for amp in memchr::memchr_iter(b'&', bytes) {
            let Some(len) = memchr::memchr(b';', &bytes[amp..]) else {
                return Err(self.malformed(off + amp, "syntax", "`&` without `;`"));
            };
            self.check_reference(off + amp, &text[amp + 1..amp + len])?;
        }
        Ok(())
    }

    fn check_reference(&self, pos: usize, name: &str) -> Result<()> {
        match reference(name) {
            Ok(_) => Ok(()),
            Err(reason) => {
                let detail = format!("`&{};`", super::summary::cut(name, 64));
                Err(self.malformed(pos, reason, &detail))
            }
        }
    }

    fn check_text(&self, pos: usize, text: &str) -> Result<()> {
        if self.root == Root::Open {
            return self.check_escaped(text, pos);
        }
        match text
            .bytes()
            .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        {
            Some(at) => Err(self.malformed(pos + at, "syntax", "text outside the root element")),
            None => Ok(()),
        }
    }

    fn check_cdata(&self, pos: usize, data: &str) -> Result<()> {
        if self.root != Root::Open {
            return Err(self.malformed(pos, "syntax", "cdata outside the root element"));
        }
        match find_control(data.as_bytes()) {
            Some(at) => Err(self.malformed(
                pos + "<![CDATA[".len() + at,
                "invalid_char",
                "control character",
            )),
            None => Ok(()),
        }
    }

    fn check_doctype(&self, pos: usize) -> Result<()> {
        if self.root != Root::None {
            return Err(self.malformed(pos, "syntax", "doctype after the root element"));
        }
        let end = self.reader.buffer_position() as usize;
        let text = self.doc.text().get(pos..end).unwrap_or("");
        if text.contains('[') {
            return Err(self.forbidden(pos));
        }
        Ok(())
    }

    fn forbidden(&self, pos: usize) -> crate::Error {
        self.ctx.at(
            Kind::Forbidden,
            self.doc.raw_offset(pos),
            "forbidden",
            "doctype with an internal subset",
        )
    }

    fn map_error(&self, error: &XmlError) -> crate::Error {
        let pos = self.reader.error_position() as usize;
        match error {
            XmlError::Syntax(SyntaxError::UnclosedDoctype) => {
                let rest = self.doc.text().get(pos..).unwrap_or("");
                if rest.contains('[') {
                    self.forbidden(pos)
                } else {
                    self.ctx.eof()
                }
            }
            XmlError::Syntax(SyntaxError::InvalidBangMarkup) => {
                if self.doc.text().len() - pos.min(self.doc.text().len()) < "<![CDATA[".len() {
                    self.ctx.eof()
                } else {
                    self.malformed(pos, "syntax", "unknown markup after `<!`")
                }
            }
            XmlError::Syntax(_) | XmlError::IllFormed(IllFormedError::MissingEndTag(_)) => {
                self.ctx.eof()
            }
            XmlError::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
                let detail = format!(
                    "expected `</{}>`, found `</{}>`",
                    super::summary::cut(expected, 64),
                    super::summary::cut(found, 64)
                );
                self.malformed(pos, "mismatched_tag", &detail)
            }
            XmlError::IllFormed(IllFormedError::UnmatchedEndTag(found)) => {
                let detail = format!("`</{}>` closes no element", super::summary::cut(found, 64));
                self.malformed(pos, "mismatched_tag", &detail)
            }
            XmlError::IllFormed(IllFormedError::UnclosedReference) => {
                self.malformed(pos, "syntax", "`&` without `;`")
            }
            XmlError::Encoding(_) => self.ctx.at(
                Kind::InvalidUtf8,
                self.doc.raw_offset(pos),
                "invalid_utf8",
                "invalid utf-8 sequence",
            ),
            other => {
                let detail = other.to_string();
                self.malformed(pos, "syntax", &detail)
            }
        }
    }
}

/// The part of a qualified name after its last `:`.
pub(crate) fn local_name(name: &str) -> &str {
    match memchr::memrchr(b':', name.as_bytes()) {
        Some(at) => &name[at + 1..],
        None => name,
    }
}

/// Offset of the first literal C0 control character other than TAB, LF
/// and CR.
#[allow(clippy::needless_bitwise_bool)] // branch-free on purpose, see below
fn find_control(bytes: &[u8]) -> Option<usize> {
    // Branch-free per byte, so the chunk test compiles to vector code;
    // the position is searched only in the chunk that has one.
    let bad = |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r');
    let mut offset = 0;
    for chunk in bytes.chunks(64) {
        if chunk.iter().fold(false, |any, &b| any | bad(b)) {
            return chunk.iter().position(|&b| bad(b)).map(|at| offset + at);
        }
        offset += chunk.len();
    }
    None
}

/// The character a reference name (between `&` and `;`) stands for, or
/// the reason it is refused.
fn reference(name: &str) -> std::result::Result<char, &'static str> {
    match name {
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "amp" => Ok('&'),
        "quot" => Ok('"'),
        "apos" => Ok('\''),
        _ => match name.strip_prefix('#') {
            Some(number) => char_reference(number).ok_or("invalid_char_ref"),
            None => Err("undefined_entity"),
        },
    }
}

/// `&#N;` and `&#xH;`: any scalar value but 0 (U+0001–U+001F allowed).
fn char_reference(number: &str) -> Option<char> {
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let value = u32::from_str_radix(digits, radix).ok()?;
    if value == 0 {
        return None;
    }
    char::from_u32(value)
}

/// Attribute value normalisation and reference replacement.
fn decode_value(raw: &str) -> Cow<'_, str> {
    if !raw
        .bytes()
        .any(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r'))
    {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        rest = &rest[c.len_utf8()..];
        match c {
            '\r' => {
                out.push(' ');
                if let Some(after) = rest.strip_prefix('\n') {
                    rest = after;
                }
            }
            '\t' | '\n' => out.push(' '),
            '&' => {
                let end = rest.find(';').unwrap_or(rest.len());
                if let Ok(ch) = reference(&rest[..end]) {
                    out.push(ch);
                } else {
                    // Checked when the element was read; kept as written.
                    out.push('&');
                    out.push_str(&rest[..end]);
                    out.push(';');
                }
                rest = rest.get(end + 1..).unwrap_or("");
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// One attribute as written.
struct RawAttr<'t> {
    name: &'t str,
    name_at: usize,
    value: &'t str,
    value_at: usize,
}

/// Splits an attribute section into attributes; an error is the offset of
/// the first byte that does not fit.
struct AttrScan<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> AttrScan<'t> {
    fn next(&mut self) -> std::result::Result<Option<RawAttr<'t>>, usize> {
        let b = self.text.as_bytes();
        let is_ws = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
        let ws_start = self.at;
        while self.at < b.len() && is_ws(b[self.at]) {
            self.at += 1;
        }
        if self.at == b.len() {
            return Ok(None);
        }
        if self.at == ws_start {
            return Err(self.at);
        }
        let name_at = self.at;
        while self.at < b.len() && !is_ws(b[self.at]) && b[self.at] != b'=' {
            self.at += 1;
        }
        if self.at == name_at {
            return Err(self.at);
        }
        let name = &self.text[name_at..self.at];
        while self.at < b.len() && is_ws(b[self.at]) {
            self.at += 1;
        }
        if b.get(self.at) != Some(&b'=') {
            return Err(self.at);
        }
        self.at += 1;
        while self.at < b.len() && is_ws(b[self.at]) {
            self.at += 1;
        }
        let Some(&quote @ (b'"' | b'\'')) = b.get(self.at) else {
            return Err(self.at);
        };
        let value_at = self.at + 1;
        let Some(len) = memchr::memchr(quote, &b[value_at..]) else {
            return Err(self.at);
        };
        self.at = value_at + len + 1;
        Ok(Some(RawAttr {
            name,
            name_at,
            value: &self.text[value_at..value_at + len],
            value_at,
        }))
    }
}

/// The local name of the root element, skipping the declaration,
/// comments, processing instructions and a DOCTYPE (for `sniff`).
pub(crate) fn root_name(text: &str) -> Option<String> {
    let mut reader = Reader::from_str(text);
    loop {
        match reader.read_event().ok()? {
            Event::Start(start) | Event::Empty(start) => {
                let qname = start.name();
                let name: &str = qname.as_ref();
                return Some(local_name(name).to_owned());
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            Event::Text(text) if is_blank(text.as_bytes()) => {}
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_are_normalised_then_unescaped() {
        assert_eq!(decode_value("a\tb\r\nc\rd\ne"), "a b c d e");
        assert_eq!(decode_value("&lt;x&gt; &amp;&#10;&#x41;"), "<x> &\nA");
    }

    #[test]
    fn character_references_follow_the_subset() {
        assert_eq!(reference("#1"), Ok('\u{1}'));
        assert_eq!(reference("#x1F"), Ok('\u{1f}'));
        assert_eq!(reference("#0"), Err("invalid_char_ref"));
        assert_eq!(reference("#xD800"), Err("invalid_char_ref"));
        assert_eq!(reference("#x110000"), Err("invalid_char_ref"));
        assert_eq!(reference("#99999999999"), Err("invalid_char_ref"));
        assert_eq!(reference("nbsp"), Err("undefined_entity"));
    }
}
