//! A small RFC 8259 reader for the JSON formats (quality.md 8.6).
//!
//! It enforces the limits while it reads (depth, values, string length),
//! reports syntax errors at their raw byte position, and offers both a
//! borrowed document tree ([`Value`], for small documents) and a
//! streaming walk ([`Json::object`], [`Json::array`], [`Json::skip`]) that
//! keeps only what a parser asks for, so a large SARIF log never becomes
//! a tree. Neither recurses on the machine stack per nesting level.

use std::borrow::Cow;

use super::Limits;
use super::fail::{Ctx, Kind};
use super::text::{bom_len, is_blank};
use crate::Result;

/// A parsed JSON value borrowing from the input. Objects keep every
/// member in order; lookups take the last one of a repeated key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    /// A number as written (grammar checked).
    Number(&'a str),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
}

impl<'a> Value<'a> {
    /// The member `key` of an object (its last occurrence).
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(members) => members.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The member `key`, unless absent or null.
    pub fn get_some(&self, key: &str) -> Option<&Value<'a>> {
        self.get(key).filter(|value| !matches!(value, Value::Null))
    }

    /// Whether the object has the member `key`.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The text of a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The string member `key`.
    pub fn str_at(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    /// The elements of an array.
    pub fn as_array(&self) -> Option<&[Value<'a>]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    /// A number that is a non-negative integer fitting `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(text) => super::text::parse_u64(text),
            _ => None,
        }
    }

    /// A short name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// What the next value is, from its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Peek {
    Object,
    Array,
    String,
    Other,
}

/// Checks and decodes a JSON document's bytes: BOM, blank input, UTF-8.
/// Returns the offset where the document starts.
pub(crate) fn prepare(ctx: &Ctx<'_>) -> Result<usize> {
    let base = bom_len(ctx.raw);
    if is_blank(&ctx.raw[base..]) {
        return Err(ctx.empty());
    }
    if let Err(error) = std::str::from_utf8(&ctx.raw[base..]) {
        return Err(ctx.at(
            Kind::InvalidUtf8,
            base + error.valid_up_to(),
            "invalid_utf8",
            "invalid utf-8 sequence",
        ));
    }
    Ok(base)
}

/// Parses a whole prepared document into a tree; anything but white
/// space after the value is a syntax error.
pub(crate) fn parse_document<'a>(ctx: &Ctx<'a>, limits: &Limits) -> Result<Value<'a>> {
    let base = prepare(ctx)?;
    let mut json = Json::new(ctx, limits, base);
    let value = json.value()?;
    json.end()?;
    Ok(value)
}

/// The reader. Offsets are raw input offsets.
pub(crate) struct Json<'a, 'c> {
    b: &'a [u8],
    /// The input as text, when it was checked to be UTF-8 (strings are
    /// then sliced, not decoded again).
    text: Option<&'a str>,
    pos: usize,
    depth: u32,
    nodes: u64,
    limits: Limits,
    ctx: &'c Ctx<'a>,
}

enum Frame<'a> {
    Array(Vec<Value<'a>>),
    Object(Vec<(Cow<'a, str>, Value<'a>)>, Cow<'a, str>),
}

impl<'a, 'c> Json<'a, 'c> {
    /// A reader over the raw input of `ctx`, starting at `pos`.
    pub fn new(ctx: &'c Ctx<'a>, limits: &Limits, pos: usize) -> Self {
        Self {
            b: ctx.raw,
            text: std::str::from_utf8(ctx.raw).ok(),
            pos,
            depth: 0,
            nodes: 0,
            limits: *limits,
            ctx,
        }
    }

    /// The current raw offset.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Moves to raw offset `pos` (for streams of values).
    pub fn seek(&mut self, pos: usize) {
        self.pos = pos.min(self.b.len());
    }

    /// Counts `n` more nodes (text lines of a stream) against the limit.
    pub fn add_nodes(&mut self, n: u64) -> Result<()> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.limits.max_nodes {
            return Err(self
                .ctx
                .too_large(Some(self.pos), "max_nodes", self.limits.max_nodes));
        }
        Ok(())
    }

    fn syntax(&self, detail: &str) -> crate::Error {
        if self.pos >= self.b.len() {
            return self.ctx.eof();
        }
        self.ctx.malformed(self.pos, "json_syntax", detail)
    }

    /// Skips white space.
    pub fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.pos) {
            self.pos += 1;
        }
    }

    /// Requires only white space to the end of the input.
    pub fn end(&mut self) -> Result<()> {
        self.ws();
        if self.pos < self.b.len() {
            return Err(self.syntax("data after the document"));
        }
        Ok(())
    }

    /// The kind of the next value (after white space).
    pub fn peek(&mut self) -> Peek {
        self.ws();
        match self.b.get(self.pos) {
            Some(b'{') => Peek::Object,
            Some(b'[') => Peek::Array,
            Some(b'"') => Peek::String,
            _ => Peek::Other,
        }
    }

    fn node(&mut self) -> Result<()> {
        self.add_nodes(1)
    }

    fn enter(&mut self) -> Result<()> {
        if self.depth >= self.limits.depth() {
            return Err(self.ctx.too_deep(self.pos, self.limits.depth()));
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    fn expect(&mut self, byte: u8, detail: &str) -> Result<()> {
        self.ws();
        if self.b.get(self.pos) == Some(&byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.syntax(detail))
        }
    }

    /// Reads a string value; the reader is at its opening quote.
    pub fn string(&mut self) -> Result<Cow<'a, str>> {
        self.node()?;
        self.string_raw(true)
            .map(|s| s.unwrap_or(Cow::Borrowed("")))
    }

    /// Reads a string; builds its text only when `keep`.
    fn string_raw(&mut self, keep: bool) -> Result<Option<Cow<'a, str>>> {
        let start = self.pos;
        if self.b.get(self.pos) != Some(&b'"') {
            return Err(self.syntax("expected a string"));
        }
        self.pos += 1;
        let content = self.pos;
        let limit = usize::try_from(self.limits.max_attr_bytes).unwrap_or(usize::MAX);
        let mut owned: Option<String> = None;
        let mut run = self.pos;
        loop {
            let rest = &self.b[self.pos..];
            let Some(at) = rest
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
            else {
                self.pos = self.b.len();
                return Err(self.ctx.eof());
            };
            self.pos += at;
            if self.pos - content > limit {
                return Err(self.ctx.too_large(
                    Some(start),
                    "max_attr_bytes",
                    self.limits.max_attr_bytes,
                ));
            }
            match self.b[self.pos] {
                b'"' => {
                    self.pos += 1;
                    if !keep {
                        return Ok(None);
                    }
                    return Ok(Some(match owned {
                        None => self.decode(run, self.pos - 1),
                        Some(mut text) => {
                            text.push_str(&self.decode(run, self.pos - 1));
                            Cow::Owned(text)
                        }
                    }));
                }
                b'\\' => {
                    let text = owned.get_or_insert_with(String::new);
                    if keep {
                        text.push_str(&self.decode(run, self.pos));
                    }
                    self.escape(if keep { Some(text) } else { None })?;
                    run = self.pos;
                }
                _ => return Err(self.syntax("control character in a string")),
            }
        }
    }

    /// The text of input bytes `from..to` inside a string.
    fn decode(&self, from: usize, to: usize) -> Cow<'a, str> {
        match self.text.and_then(|text| text.get(from..to)) {
            Some(text) => Cow::Borrowed(text),
            None => String::from_utf8_lossy(&self.b[from..to]),
        }
    }

    /// Reads one escape after its backslash into `out`.
    fn escape(&mut self, out: Option<&mut String>) -> Result<()> {
        self.pos += 1;
        let Some(&kind) = self.b.get(self.pos) else {
            return Err(self.ctx.eof());
        };
        self.pos += 1;
        let ch = match kind {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                if (0xD800..0xDC00).contains(&first) && self.b[self.pos..].starts_with(b"\\u") {
                    let save = self.pos;
                    self.pos += 2;
                    let second = self.hex4()?;
                    if (0xDC00..0xE000).contains(&second) {
                        let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                        char::from_u32(code).unwrap_or('\u{FFFD}')
                    } else {
                        // A lone high surrogate: replaced, the next escape read on its own.
                        self.pos = save;
                        '\u{FFFD}'
                    }
                } else {
                    char::from_u32(first).unwrap_or('\u{FFFD}')
                }
            }
            _ => {
                self.pos -= 1;
                return Err(self.syntax("invalid escape"));
            }
        };
        if let Some(out) = out {
            out.push(ch);
        }
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32> {
        let mut value = 0;
        for _ in 0..4 {
            let Some(&c) = self.b.get(self.pos) else {
                return Err(self.ctx.eof());
            };
            let digit = char::from(c)
                .to_digit(16)
                .ok_or_else(|| self.syntax("invalid \\u escape"))?;
            value = value * 16 + digit;
            self.pos += 1;
        }
        Ok(value)
    }

    /// Reads a number, returning it as written.
    fn number(&mut self) -> Result<&'a str> {
        let b = self.b;
        let start = self.pos;
        let mut i = self.pos;
        let digits = |i: &mut usize| {
            let from = *i;
            while b.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i - from
        };
        if b.get(i) == Some(&b'-') {
            i += 1;
        }
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                digits(&mut i);
            }
            _ => {
                self.pos = i;
                return Err(self.syntax("invalid number"));
            }
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            if digits(&mut i) == 0 {
                self.pos = i;
                return Err(self.syntax("invalid number"));
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(b.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if digits(&mut i) == 0 {
                self.pos = i;
                return Err(self.syntax("invalid number"));
            }
        }
        self.pos = i;
        // Only ASCII was taken, so this cannot fail.
        std::str::from_utf8(&b[start..i]).map_err(|_| self.syntax("invalid number"))
    }

    fn literal(&mut self, word: &[u8]) -> Result<()> {
        if self.b[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            let have = self.b.len() - self.pos;
            if have < word.len() && word.starts_with(&self.b[self.pos..]) {
                self.pos = self.b.len();
            }
            Err(self.syntax("invalid literal"))
        }
    }

    /// Reads a scalar value (string, number, literal) at the current byte.
    fn scalar(&mut self) -> Result<Value<'a>> {
        match self.b.get(self.pos) {
            Some(b'"') => {
                self.node()?;
                Ok(Value::String(
                    self.string_raw(true)?.unwrap_or(Cow::Borrowed("")),
                ))
            }
            Some(b't') => {
                self.node()?;
                self.literal(b"true").map(|()| Value::Bool(true))
            }
            Some(b'f') => {
                self.node()?;
                self.literal(b"false").map(|()| Value::Bool(false))
            }
            Some(b'n') => {
                self.node()?;
                self.literal(b"null").map(|()| Value::Null)
            }
            Some(b'-' | b'0'..=b'9') => {
                self.node()?;
                self.number().map(Value::Number)
            }
            _ => Err(self.syntax("expected a value")),
        }
    }

    /// Reads an object key and its colon.
    fn key(&mut self) -> Result<Cow<'a, str>> {
        self.ws();
        if self.b.get(self.pos) != Some(&b'"') {
            return Err(self.syntax("expected a member name"));
        }
        let key = self.string_raw(true)?.unwrap_or(Cow::Borrowed(""));
        self.expect(b':', "expected `:`")?;
        Ok(key)
    }

    /// Reads one value into a tree.
    pub fn value(&mut self) -> Result<Value<'a>> {
        let mut stack: Vec<Frame<'a>> = Vec::new();
        'values: loop {
            self.ws();
            let mut done = match self.b.get(self.pos) {
                Some(b'{') => {
                    self.node()?;
                    self.enter()?;
                    self.ws();
                    if self.b.get(self.pos) == Some(&b'}') {
                        self.pos += 1;
                        self.depth -= 1;
                        Value::Object(Vec::new())
                    } else {
                        let key = self.key()?;
                        stack.push(Frame::Object(Vec::new(), key));
                        continue 'values;
                    }
                }
                Some(b'[') => {
                    self.node()?;
                    self.enter()?;
                    self.ws();
                    if self.b.get(self.pos) == Some(&b']') {
                        self.pos += 1;
                        self.depth -= 1;
                        Value::Array(Vec::new())
                    } else {
                        stack.push(Frame::Array(Vec::new()));
                        continue 'values;
                    }
                }
                _ => self.scalar()?,
            };
            loop {
                let Some(top) = stack.last_mut() else {
                    return Ok(done);
                };
                self.ws();
                let next = self.b.get(self.pos).copied();
                match top {
                    Frame::Array(items) => {
                        items.push(done);
                        match next {
                            Some(b',') => {
                                self.pos += 1;
                                continue 'values;
                            }
                            Some(b']') => {
                                self.pos += 1;
                                self.depth -= 1;
                                done = Value::Array(std::mem::take(items));
                                stack.pop();
                            }
                            _ => return Err(self.syntax("expected `,` or `]`")),
                        }
                    }
                    Frame::Object(members, key) => {
                        members.push((std::mem::take(key), done));
                        match next {
                            Some(b',') => {
                                self.pos += 1;
                                *key = self.key()?;
                                continue 'values;
                            }
                            Some(b'}') => {
                                self.pos += 1;
                                self.depth -= 1;
                                done = Value::Object(std::mem::take(members));
                                stack.pop();
                            }
                            _ => return Err(self.syntax("expected `,` or `}`")),
                        }
                    }
                }
            }
        }
    }

    /// Reads one value and forgets it (still checked and counted).
    pub fn skip(&mut self) -> Result<()> {
        // One flag per open container: true for an object.
        let mut open: Vec<bool> = Vec::new();
        'values: loop {
            self.ws();
            match self.b.get(self.pos) {
                Some(&c @ (b'{' | b'[')) => {
                    self.node()?;
                    self.enter()?;
                    self.ws();
                    let close = if c == b'{' { b'}' } else { b']' };
                    if self.b.get(self.pos) == Some(&close) {
                        self.pos += 1;
                        self.depth -= 1;
                    } else {
                        open.push(c == b'{');
                        if c == b'{' {
                            self.key()?;
                        }
                        continue 'values;
                    }
                }
                Some(b'"') => {
                    self.node()?;
                    self.string_raw(false)?;
                }
                _ => {
                    self.scalar()?;
                }
            }
            loop {
                let Some(&is_object) = open.last() else {
                    return Ok(());
                };
                self.ws();
                match self.b.get(self.pos) {
                    Some(b',') => {
                        self.pos += 1;
                        if is_object {
                            self.key()?;
                        }
                        continue 'values;
                    }
                    Some(b'}') if is_object => {}
                    Some(b']') if !is_object => {}
                    _ => return Err(self.syntax("expected `,` or the end of the container")),
                }
                self.pos += 1;
                self.depth -= 1;
                open.pop();
            }
        }
    }

    /// Walks an object member by member; `member` must read exactly one
    /// value (the member's) each time it is called. The reader is at `{`.
    pub fn object<F>(&mut self, mut member: F) -> Result<()>
    where
        F: FnMut(&mut Self, Cow<'a, str>) -> Result<()>,
    {
        self.ws();
        if self.b.get(self.pos) != Some(&b'{') {
            return Err(self.syntax("expected an object"));
        }
        self.node()?;
        self.enter()?;
        self.ws();
        if self.b.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            let key = self.key()?;
            member(self, key)?;
            self.ws();
            match self.b.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(self.syntax("expected `,` or `}`")),
            }
        }
    }

    /// Walks an array element by element; `element` gets the 0-based
    /// index and must read exactly one value. The reader is at `[`.
    pub fn array<F>(&mut self, mut element: F) -> Result<()>
    where
        F: FnMut(&mut Self, usize) -> Result<()>,
    {
        self.ws();
        if self.b.get(self.pos) != Some(&b'[') {
            return Err(self.syntax("expected an array"));
        }
        self.node()?;
        self.enter()?;
        self.ws();
        if self.b.get(self.pos) == Some(&b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        let mut index = 0;
        loop {
            element(self, index)?;
            index += 1;
            self.ws();
            match self.b.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(self.syntax("expected `,` or `]`")),
            }
        }
    }

    /// Whether the next value is `null`.
    pub fn at_null(&mut self) -> bool {
        self.ws();
        self.b.get(self.pos) == Some(&b'n')
    }

    /// Reads the next value if it is a number (as written), else skips it.
    pub fn number_or_skip(&mut self) -> Result<Option<&'a str>> {
        self.ws();
        if matches!(self.b.get(self.pos), Some(b'-' | b'0'..=b'9')) {
            self.node()?;
            self.number().map(Some)
        } else {
            self.skip().map(|()| None)
        }
    }

    /// Reads the next value if it is a string, else skips it.
    pub fn string_or_skip(&mut self) -> Result<Option<Cow<'a, str>>> {
        if self.peek() == Peek::String {
            self.string().map(Some)
        } else {
            self.skip().map(|()| None)
        }
    }
}

/// `base[index]`.
pub(crate) fn path_index(base: &str, index: usize) -> String {
    format!("{base}[{index}]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Format, Input};

    fn parse(text: &str) -> Result<Value<'_>> {
        let ctx = Ctx::new(Format::Sarif, Input::new("t.json", text.as_bytes()));
        let limits = Limits::default();
        let base = prepare(&ctx)?;
        let mut json = Json::new(&ctx, &limits, base);
        let value = json.value()?;
        json.end()?;
        Ok(value)
    }

    #[test]
    fn documents_parse_into_trees() {
        let value =
            parse(r#" {"a": [1, -2.5e3, true, null], "b": {"c": "x\u00e9\n"}, "a": 7} "#).unwrap();
        assert_eq!(value.get("a"), Some(&Value::Number("7")));
        assert_eq!(value.get("b").and_then(|b| b.str_at("c")), Some("xé\n"));
    }

    #[test]
    fn surrogate_pairs_join_and_lone_ones_are_replaced() {
        let value = parse(r#"["\ud83d\ude00", "\ud800x", "\udc00"]"#).unwrap();
        let items = value.as_array().unwrap();
        assert_eq!(items[0].as_str(), Some("😀"));
        assert_eq!(items[1].as_str(), Some("\u{FFFD}x"));
        assert_eq!(items[2].as_str(), Some("\u{FFFD}"));
    }

    #[test]
    fn bad_documents_fail_with_positions() {
        for text in [
            "{",
            "[1,]",
            "{\"a\" 1}",
            "01",
            "-",
            "1.",
            "\"\\x\"",
            "[1] 2",
            "tru",
            "\"a\nb\"",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
        let error = parse("[1,\n 2,\n x]").unwrap_err();
        assert_eq!(
            error.to_string(),
            "sarif input `t.json` at 3:2: json syntax: expected a value"
        );
    }
}
