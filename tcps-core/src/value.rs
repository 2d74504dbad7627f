//! Receipt values, their RFC 8785 canonical form and the strict reader.
//!
//! [`Value`] is the float-free JSON subset of evidence-log.md 1.2. Its
//! canonical writer ([`Value::write_canonical`]) implements RFC 8785 for
//! that subset, with object members sorted by UTF-16 code units (2.2).
//! The reader ([`parse`]) is the strict one of 2.3: UTF-8 without BOM,
//! one JSON text, integers only and within ±(2^53-1), no lone
//! surrogates, no duplicate keys, at most 64 levels.

use std::collections::BTreeMap;

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// The largest magnitude an integer in a receipt may have: 2^53 - 1.
pub const MAX_SAFE_INT: i64 = 9_007_199_254_740_991;

/// Maximum nesting depth, the receipt object itself being level 1.
pub const MAX_DEPTH: usize = 64;

/// The members of a JSON object, unique by name.
///
/// Iteration is in byte order of the names; the canonical writer sorts
/// by UTF-16 code units itself where the two orders differ.
pub type Map = BTreeMap<String, Value>;

/// A receipt value: JSON without floats (evidence-log.md 1.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer; receipts accept only ±(2^53-1).
    Int(i64),
    /// A string of Unicode scalar values.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Map),
}

impl Value {
    /// An empty object.
    #[must_use]
    pub fn object() -> Self {
        Self::Object(Map::new())
    }

    /// The member `name` of an object, if this is one and it has it.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Self::Object(map) => map.get(name),
            _ => None,
        }
    }

    /// The string inside, if this is a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer inside, if this is an integer.
    #[must_use]
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The boolean inside, if this is a boolean.
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    #[must_use]
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Self::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members, if this is an object.
    #[must_use]
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Self::Object(map) => Some(map),
            _ => None,
        }
    }

    /// Whether this is `null`.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// Checks the rules a typed value can break: the integer range and
    /// the depth limit. `depth` is the level of `self` (a body is 2).
    pub fn validate(&self, depth: usize) -> Result<()> {
        let mut path = Vec::new();
        self.validate_at(depth, &mut path)
            .map_err(|kind| kind.into_error(&path))
    }

    fn validate_at<'a>(
        &'a self,
        depth: usize,
        path: &mut Vec<PathSeg<'a>>,
    ) -> std::result::Result<(), ValueFault> {
        match self {
            Self::Int(i) if !(-MAX_SAFE_INT..=MAX_SAFE_INT).contains(i) => {
                Err(ValueFault::OutOfRange(i.to_string()))
            }
            Self::Array(items) => {
                if depth > MAX_DEPTH {
                    return Err(ValueFault::TooDeep);
                }
                for (i, item) in items.iter().enumerate() {
                    path.push(PathSeg::Index(i));
                    item.validate_at(depth + 1, path)?;
                    path.pop();
                }
                Ok(())
            }
            Self::Object(map) => {
                if depth > MAX_DEPTH {
                    return Err(ValueFault::TooDeep);
                }
                for (name, item) in map {
                    path.push(PathSeg::Name(name));
                    item.validate_at(depth + 1, path)?;
                    path.pop();
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Appends the RFC 8785 serialisation of this value to `out`.
    pub fn write_canonical(&self, out: &mut Vec<u8>) {
        match self {
            Self::Null => out.extend_from_slice(b"null"),
            Self::Bool(true) => out.extend_from_slice(b"true"),
            Self::Bool(false) => out.extend_from_slice(b"false"),
            Self::Int(i) => {
                let mut buf = itoa_buf(*i);
                out.extend_from_slice(buf.as_bytes_mut());
            }
            Self::String(s) => write_string(s, out),
            Self::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    item.write_canonical(out);
                }
                out.push(b']');
            }
            Self::Object(map) => write_object(map.iter(), map.len(), out),
        }
    }

    /// The RFC 8785 serialisation as a new buffer.
    #[must_use]
    pub fn to_canonical(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_canonical(&mut out);
        out
    }

    /// The RFC 8785 serialisation as text.
    #[must_use]
    pub fn to_canonical_string(&self) -> String {
        // The writer only emits UTF-8: escapes are ASCII and strings are
        // copied from valid `String`s.
        String::from_utf8(self.to_canonical()).unwrap_or_default()
    }

    /// Converts a `serde_json::Value`, refusing floats and out-of-range
    /// integers with the JSON Pointer of the value.
    pub fn from_json_value(value: &serde_json::Value) -> Result<Self> {
        let mut path = Vec::new();
        from_json_at(value, 1, &mut path).map_err(|kind| kind.into_error_owned(&path))
    }

    /// Converts into a `serde_json::Value` (always possible).
    #[must_use]
    pub fn to_json_value(&self) -> serde_json::Value {
        match self {
            Self::Null => serde_json::Value::Null,
            Self::Bool(b) => serde_json::Value::Bool(*b),
            Self::Int(i) => serde_json::Value::from(*i),
            Self::String(s) => serde_json::Value::String(s.clone()),
            Self::Array(items) => items.iter().map(Value::to_json_value).collect(),
            Self::Object(map) => serde_json::Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), v.to_json_value()))
                    .collect(),
            ),
        }
    }

    /// Converts any serialisable value (a typed receipt body, say).
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Self> {
        let json = serde_json::to_value(value).map_err(|e| Error::InvalidArgument {
            argument: "value".into(),
            reason: e.to_string(),
        })?;
        Self::from_json_value(&json)
    }

    /// Converts into any deserialisable type.
    pub fn to_deserialize<T: for<'de> Deserialize<'de>>(&self) -> Result<T> {
        serde_json::from_value(self.to_json_value()).map_err(|e| Error::InvalidArgument {
            argument: "value".into(),
            reason: e.to_string(),
        })
    }
}

fn from_json_at(
    value: &serde_json::Value,
    depth: usize,
    path: &mut Vec<String>,
) -> std::result::Result<Value, ValueFault> {
    Ok(match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                if !(-MAX_SAFE_INT..=MAX_SAFE_INT).contains(&i) {
                    return Err(ValueFault::OutOfRange(i.to_string()));
                }
                Value::Int(i)
            } else if let Some(u) = n.as_u64() {
                return Err(ValueFault::OutOfRange(u.to_string()));
            } else {
                return Err(ValueFault::Float);
            }
        }
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => {
            if depth > MAX_DEPTH {
                return Err(ValueFault::TooDeep);
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                path.push(i.to_string());
                out.push(from_json_at(item, depth + 1, path)?);
                path.pop();
            }
            Value::Array(out)
        }
        serde_json::Value::Object(map) => {
            if depth > MAX_DEPTH {
                return Err(ValueFault::TooDeep);
            }
            let mut out = Map::new();
            for (k, item) in map {
                path.push(k.clone());
                out.insert(k.clone(), from_json_at(item, depth + 1, path)?);
                path.pop();
            }
            Value::Object(out)
        }
    })
}

/// Writes an object whose members come from `members` in byte order of
/// their names, sorting by UTF-16 code units where that order differs.
pub(crate) fn write_object<'a>(
    members: impl Iterator<Item = (&'a String, &'a Value)> + Clone,
    len: usize,
    out: &mut Vec<u8>,
) {
    out.push(b'{');
    // Byte order equals UTF-16 order unless a name holds a character at
    // or above U+E000 (3-byte UTF-8 starting 0xEE/0xEF, or 4-byte).
    let needs_sort = members
        .clone()
        .any(|(name, _)| name.bytes().any(|b| b >= 0xEE));
    if needs_sort {
        let mut sorted: Vec<(&String, &Value)> = Vec::with_capacity(len);
        sorted.extend(members);
        sorted.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
        write_members(sorted.into_iter(), out);
    } else {
        write_members(members, out);
    }
    out.push(b'}');
}

fn write_members<'a>(members: impl Iterator<Item = (&'a String, &'a Value)>, out: &mut Vec<u8>) {
    for (i, (name, value)) in members.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_string(name, out);
        out.push(b':');
        value.write_canonical(out);
    }
}

/// Appends `s` as an RFC 8785 string literal.
pub(crate) fn write_string(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    // Copy runs of plain bytes whole; only `"`, `\` and controls escape.
    while let Some(off) = bytes[start..]
        .iter()
        .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
    {
        let i = start + off;
        out.extend_from_slice(&bytes[start..i]);
        let b = bytes[i];
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => {
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// A small stack buffer holding the decimal digits of an `i64`.
struct IntBuf {
    buf: [u8; 20],
    start: usize,
}

impl IntBuf {
    fn as_bytes_mut(&mut self) -> &[u8] {
        &self.buf[self.start..]
    }
}

fn itoa_buf(value: i64) -> IntBuf {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    let negative = value < 0;
    let mut n = value.unsigned_abs();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if negative {
        pos -= 1;
        buf[pos] = b'-';
    }
    IntBuf { buf, start: pos }
}

/// One step of a JSON Pointer, kept while walking a value.
enum PathSeg<'a> {
    Name(&'a str),
    Index(usize),
}

/// What is wrong with a value, before its pointer is known.
#[derive(Debug)]
enum ValueFault {
    Float,
    OutOfRange(String),
    TooDeep,
}

impl ValueFault {
    fn into_error(self, path: &[PathSeg<'_>]) -> Error {
        let mut pointer = String::new();
        for seg in path {
            pointer.push('/');
            match seg {
                PathSeg::Name(name) => push_pointer_token(name, &mut pointer),
                PathSeg::Index(i) => pointer.push_str(&i.to_string()),
            }
        }
        self.with_pointer(pointer)
    }

    fn into_error_owned(self, path: &[String]) -> Error {
        let mut pointer = String::new();
        for seg in path {
            pointer.push('/');
            push_pointer_token(seg, &mut pointer);
        }
        self.with_pointer(pointer)
    }

    fn with_pointer(self, pointer: String) -> Error {
        match self {
            Self::Float => Error::FloatNotAllowed { pointer },
            Self::OutOfRange(value) => Error::IntegerOutOfRange { pointer, value },
            Self::TooDeep => Error::NestingTooDeep {
                pointer,
                limit: MAX_DEPTH as u32,
            },
        }
    }
}

/// Appends one RFC 6901 reference token (`~` as `~0`, `/` as `~1`).
pub(crate) fn push_pointer_token(token: &str, out: &mut String) {
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            _ => out.push(c),
        }
    }
}

// ---------------------------------------------------------------------
// The strict reader (evidence-log.md 2.3)
// ---------------------------------------------------------------------

/// Why strict parsing failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseFailure {
    /// Not valid UTF-8, a BOM, or not a single JSON text; `offset` is the
    /// 0-based byte where the problem was found.
    Syntax {
        /// 0-based byte offset.
        offset: usize,
        /// What was expected or found.
        message: String,
    },
    /// Well-formed JSON that breaks a value rule of 1.2 (float, range,
    /// surrogate, duplicate key, depth), with its JSON Pointer.
    Value(Error),
}

impl ParseFailure {
    /// The error to return where no journal line is involved.
    #[must_use]
    pub fn into_error(self) -> Error {
        match self {
            Self::Syntax { offset, message } => Error::InvalidReceipt {
                member: String::new(),
                rule: format!("not a json text: {message} at byte {offset}"),
            },
            Self::Value(e) => e,
        }
    }
}

/// Parses one JSON text by the strict rules of evidence-log.md 2.3.
///
/// The top-level value is at depth 1.
pub fn parse(bytes: &[u8]) -> std::result::Result<Value, ParseFailure> {
    parse_with_depth(bytes, MAX_DEPTH)
}

/// [`parse`] with another nesting limit, for documents that carry
/// receipts deeper inside (a proof bundle holds each receipt at level
/// 4, so its limit is 64 + 3). The error still names [`MAX_DEPTH`].
pub fn parse_with_depth(
    bytes: &[u8],
    max_depth: usize,
) -> std::result::Result<Value, ParseFailure> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            return Err(ParseFailure::Syntax {
                offset: e.valid_up_to(),
                message: "invalid utf-8".into(),
            });
        }
    };
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(ParseFailure::Syntax {
            offset: 0,
            message: "byte order mark".into(),
        });
    }
    let mut p = Parser {
        bytes,
        text,
        pos: 0,
        max_depth,
    };
    p.skip_ws();
    let value = p.value(1).map_err(Fault::finish)?;
    p.skip_ws();
    if p.pos != bytes.len() {
        return Err(ParseFailure::Syntax {
            offset: p.pos,
            message: "trailing characters after the json text".into(),
        });
    }
    Ok(value)
}

/// Whether `bytes` is one JSON text by RFC 8259 (valid UTF-8, no byte
/// order mark, any nesting depth, any numbers and escapes), without the
/// value rules of 1.2. The journal uses it to tell a torn last line
/// (no JSON text) from a damaged one (6.4 step 2).
#[must_use]
pub fn is_json_text(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return false;
    }
    let mut p = Parser {
        bytes,
        text,
        pos: 0,
        max_depth: usize::MAX,
    };
    // Open containers, innermost last: `[` or `{`.
    let mut stack: Vec<u8> = Vec::new();
    p.skip_ws();
    loop {
        // A value is expected here.
        match p.peek() {
            Some(b'[') => {
                p.pos += 1;
                p.skip_ws();
                if p.peek() == Some(b']') {
                    p.pos += 1;
                } else {
                    stack.push(b'[');
                    continue;
                }
            }
            Some(b'{') => {
                p.pos += 1;
                p.skip_ws();
                if p.peek() == Some(b'}') {
                    p.pos += 1;
                } else {
                    stack.push(b'{');
                    if !p.syntax_member_name() {
                        return false;
                    }
                    continue;
                }
            }
            _ => {
                if !p.syntax_scalar() {
                    return false;
                }
            }
        }
        // After a value: close containers or move to the next element.
        loop {
            p.skip_ws();
            let Some(&open) = stack.last() else {
                return p.pos == bytes.len();
            };
            match (open, p.peek()) {
                (b'[', Some(b']')) | (b'{', Some(b'}')) => {
                    p.pos += 1;
                    stack.pop();
                }
                (b'[', Some(b',')) => {
                    p.pos += 1;
                    p.skip_ws();
                    break;
                }
                (b'{', Some(b',')) => {
                    p.pos += 1;
                    p.skip_ws();
                    if !p.syntax_member_name() {
                        return false;
                    }
                    break;
                }
                _ => return false,
            }
        }
    }
}

impl Parser<'_> {
    /// Skips `"name"` and `:` and the white space after it.
    fn syntax_member_name(&mut self) -> bool {
        if self.peek() != Some(b'"') || !self.syntax_string() {
            return false;
        }
        self.skip_ws();
        if self.peek() != Some(b':') {
            return false;
        }
        self.pos += 1;
        self.skip_ws();
        true
    }

    /// Skips one string, number or literal.
    fn syntax_scalar(&mut self) -> bool {
        match self.peek() {
            Some(b'"') => self.syntax_string(),
            Some(b'n') => self.expect_literal(b"null").is_ok(),
            Some(b't') => self.expect_literal(b"true").is_ok(),
            Some(b'f') => self.expect_literal(b"false").is_ok(),
            Some(b'-' | b'0'..=b'9') => {
                // The number grammar is checked by `number`; its value
                // faults (float, range) do not matter here.
                match self.number() {
                    Ok(_) => true,
                    Err(f) => !matches!(f.kind, FaultKind::Syntax(..)),
                }
            }
            _ => false,
        }
    }

    /// Skips one string; any escape of RFC 8259 is accepted, lone
    /// surrogates included.
    fn syntax_string(&mut self) -> bool {
        self.pos += 1;
        loop {
            match self.peek() {
                None | Some(0x00..=0x1f) => return false,
                Some(b'"') => {
                    self.pos += 1;
                    return true;
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1;
                        }
                        Some(b'u') => {
                            self.pos += 1;
                            if self.hex4().is_err() {
                                return false;
                            }
                        }
                        _ => return false,
                    }
                }
                Some(_) => self.pos += 1,
            }
        }
    }
}

/// A failure on its way up the recursion, collecting its pointer.
struct Fault {
    kind: FaultKind,
    /// Reference tokens, innermost first.
    path: Vec<String>,
}

enum FaultKind {
    Syntax(usize, String),
    Value(ValueFault),
    Surrogate(String),
    Duplicate(String),
}

impl Fault {
    fn syntax(offset: usize, message: impl Into<String>) -> Self {
        Self {
            kind: FaultKind::Syntax(offset, message.into()),
            path: Vec::new(),
        }
    }

    fn value(v: ValueFault) -> Self {
        Self {
            kind: FaultKind::Value(v),
            path: Vec::new(),
        }
    }

    fn at(mut self, token: impl FnOnce() -> String) -> Self {
        if !matches!(self.kind, FaultKind::Syntax(..)) {
            self.path.push(token());
        }
        self
    }

    fn finish(self) -> ParseFailure {
        let mut pointer = String::new();
        for token in self.path.iter().rev() {
            pointer.push('/');
            push_pointer_token(token, &mut pointer);
        }
        match self.kind {
            FaultKind::Syntax(offset, message) => ParseFailure::Syntax { offset, message },
            FaultKind::Value(v) => ParseFailure::Value(v.with_pointer(pointer)),
            FaultKind::Surrogate(reason) => {
                ParseFailure::Value(Error::InvalidText { pointer, reason })
            }
            FaultKind::Duplicate(key) => ParseFailure::Value(Error::DuplicateKey { pointer, key }),
        }
    }
}

struct Parser<'a> {
    bytes: &'a [u8],
    /// The same input as text (it was checked as UTF-8 first).
    text: &'a str,
    pos: usize,
    max_depth: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn expect_literal(&mut self, word: &[u8]) -> std::result::Result<(), Fault> {
        if self.bytes[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(Fault::syntax(self.pos, "invalid literal"))
        }
    }

    fn value(&mut self, depth: usize) -> std::result::Result<Value, Fault> {
        match self.peek() {
            None => Err(Fault::syntax(self.pos, "unexpected end of input")),
            Some(b'n') => self.expect_literal(b"null").map(|()| Value::Null),
            Some(b't') => self.expect_literal(b"true").map(|()| Value::Bool(true)),
            Some(b'f') => self.expect_literal(b"false").map(|()| Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => {
                if depth > self.max_depth {
                    return Err(Fault::value(ValueFault::TooDeep));
                }
                self.array(depth)
            }
            Some(b'{') => {
                if depth > self.max_depth {
                    return Err(Fault::value(ValueFault::TooDeep));
                }
                self.object(depth)
            }
            Some(_) => Err(Fault::syntax(self.pos, "expected a value")),
        }
    }

    fn array(&mut self, depth: usize) -> std::result::Result<Value, Fault> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            let index = items.len();
            let item = self
                .value(depth + 1)
                .map_err(|f| f.at(|| index.to_string()))?;
            items.push(item);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(Fault::syntax(self.pos, "expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> std::result::Result<Value, Fault> {
        self.pos += 1;
        // Members in ascending name order (every canonical text) gather
        // in a vector and build the map in one pass; the first name out
        // of order moves them into the map, which then checks each name.
        let mut ascending: Vec<(String, Value)> = Vec::new();
        let mut map = Map::new();
        let mut sorted = true;
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(map));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(Fault::syntax(self.pos, "expected a member name"));
            }
            let name = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(Fault::syntax(self.pos, "expected `:`"));
            }
            self.pos += 1;
            self.skip_ws();
            let item = match self.value(depth + 1) {
                Ok(v) => v,
                Err(f) => return Err(f.at(|| name)),
            };
            if sorted && ascending.last().is_none_or(|(last, _)| *last < name) {
                ascending.push((name, item));
            } else {
                if sorted {
                    sorted = false;
                    map = std::mem::take(&mut ascending).into_iter().collect();
                }
                match map.entry(name) {
                    std::collections::btree_map::Entry::Vacant(slot) => {
                        slot.insert(item);
                    }
                    std::collections::btree_map::Entry::Occupied(slot) => {
                        return Err(Fault {
                            kind: FaultKind::Duplicate(slot.key().clone()),
                            path: Vec::new(),
                        });
                    }
                }
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    if sorted {
                        map = ascending.into_iter().collect();
                    }
                    return Ok(Value::Object(map));
                }
                _ => return Err(Fault::syntax(self.pos, "expected `,` or `}`")),
            }
        }
    }

    fn number(&mut self) -> std::result::Result<Value, Fault> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while let Some(b'0'..=b'9') = self.peek() {
                    self.pos += 1;
                }
            }
            _ => return Err(Fault::syntax(self.pos, "invalid number")),
        }
        let int_end = self.pos;
        let mut is_float = false;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            let digits = self.pos;
            while let Some(b'0'..=b'9') = self.peek() {
                self.pos += 1;
            }
            if self.pos == digits {
                return Err(Fault::syntax(self.pos, "invalid number"));
            }
            is_float = true;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            let digits = self.pos;
            while let Some(b'0'..=b'9') = self.peek() {
                self.pos += 1;
            }
            if self.pos == digits {
                return Err(Fault::syntax(self.pos, "invalid number"));
            }
            is_float = true;
        }
        if let Some(b'0'..=b'9') = self.peek() {
            return Err(Fault::syntax(self.pos, "leading zero in number"));
        }
        if is_float {
            return Err(Fault::value(ValueFault::Float));
        }
        let text = &self.bytes[start..int_end];
        let (negative, digits) = match text.split_first() {
            Some((b'-', rest)) => (true, rest),
            _ => (false, text),
        };
        let mut n: i64 = 0;
        for &d in digits {
            n = match n
                .checked_mul(10)
                .and_then(|n| n.checked_add(i64::from(d - b'0')))
            {
                Some(n) if n <= MAX_SAFE_INT => n,
                _ => {
                    let shown = String::from_utf8_lossy(text).into_owned();
                    return Err(Fault::value(ValueFault::OutOfRange(shown)));
                }
            };
        }
        Ok(Value::Int(if negative { -n } else { n }))
    }

    fn string(&mut self) -> std::result::Result<String, Fault> {
        self.pos += 1;
        let start = self.pos;
        // The common case: no escape before the closing quote.
        let plain = self.bytes[start..]
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20);
        if let Some(len) = plain
            && self.bytes[start + len] == b'"'
        {
            self.pos = start + len + 1;
            return Ok(self.slice(start, start + len).to_owned());
        }
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            let Some(b) = self.peek() else {
                return Err(Fault::syntax(self.pos, "unterminated string"));
            };
            match b {
                b'"' => {
                    out.push_str(self.slice(run, self.pos));
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    out.push_str(self.slice(run, self.pos));
                    self.escape(&mut out)?;
                    run = self.pos;
                }
                0x00..=0x1f => {
                    return Err(Fault::syntax(self.pos, "control character in string"));
                }
                _ => self.pos += 1,
            }
        }
    }

    /// A slice of the input known to be valid UTF-8 on char boundaries.
    fn slice(&self, from: usize, to: usize) -> &str {
        // The whole input was checked as UTF-8 and `from`/`to` sit next to
        // ASCII bytes (quotes and backslashes), so they are boundaries.
        self.text.get(from..to).unwrap_or_default()
    }

    fn escape(&mut self, out: &mut String) -> std::result::Result<(), Fault> {
        let at = self.pos;
        self.pos += 1;
        let Some(c) = self.peek() else {
            return Err(Fault::syntax(self.pos, "unterminated escape"));
        };
        self.pos += 1;
        let ch = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                match unit {
                    0xD800..=0xDBFF => {
                        if self.bytes[self.pos..].starts_with(b"\\u") {
                            self.pos += 2;
                            let low = self.hex4()?;
                            if (0xDC00..=0xDFFF).contains(&low) {
                                let code = 0x10000
                                    + ((u32::from(unit) - 0xD800) << 10)
                                    + (u32::from(low) - 0xDC00);
                                char::from_u32(code).unwrap_or('\u{FFFD}')
                            } else {
                                return Err(surrogate(format!(
                                    "high surrogate \\u{unit:04x} followed by \\u{low:04x}"
                                )));
                            }
                        } else {
                            return Err(surrogate(format!("lone high surrogate \\u{unit:04x}")));
                        }
                    }
                    0xDC00..=0xDFFF => {
                        return Err(surrogate(format!("lone low surrogate \\u{unit:04x}")));
                    }
                    _ => char::from_u32(u32::from(unit)).unwrap_or('\u{FFFD}'),
                }
            }
            _ => return Err(Fault::syntax(at, "invalid escape")),
        };
        out.push(ch);
        Ok(())
    }

    fn hex4(&mut self) -> std::result::Result<u16, Fault> {
        let Some(digits) = self.bytes.get(self.pos..self.pos + 4) else {
            return Err(Fault::syntax(self.pos, "short \\u escape"));
        };
        let mut unit: u16 = 0;
        for &d in digits {
            let v = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => d - b'A' + 10,
                _ => return Err(Fault::syntax(self.pos, "invalid \\u escape")),
            };
            unit = unit * 16 + u16::from(v);
        }
        self.pos += 4;
        Ok(unit)
    }
}

fn surrogate(reason: String) -> Fault {
    Fault {
        kind: FaultKind::Surrogate(reason),
        path: Vec::new(),
    }
}

// ---------------------------------------------------------------------
// serde: a Value serialises as the JSON it stands for
// ---------------------------------------------------------------------

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Self::Null => s.serialize_unit(),
            Self::Bool(b) => s.serialize_bool(*b),
            Self::Int(i) => s.serialize_i64(*i),
            Self::String(v) => s.serialize_str(v),
            Self::Array(items) => items.serialize(s),
            Self::Object(map) => map.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a json value without floats")
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Value, E> {
        if (-MAX_SAFE_INT..=MAX_SAFE_INT).contains(&v) {
            Ok(Value::Int(v))
        } else {
            Err(E::custom(format!("integer_out_of_range: {v}")))
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Value, E> {
        match i64::try_from(v) {
            Ok(i) => self.visit_i64(i),
            Err(_) => Err(E::custom(format!("integer_out_of_range: {v}"))),
        }
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Value, E> {
        Err(E::custom("float_not_allowed"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> std::result::Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some((k, v)) = access.next_entry::<String, Value>()? {
            if map.contains_key(&k) {
                return Err(de::Error::custom(format!("duplicate_key: {k}")));
            }
            map.insert(k, v);
        }
        Ok(Value::Object(map))
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}

impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Self::Int(i64::from(v))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::String(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::String(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Into::into)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Self {
        Self::Array(v.into_iter().map(Into::into).collect())
    }
}

impl From<Map> for Value {
    fn from(v: Map) -> Self {
        Self::Object(v)
    }
}

/// Builds an object [`Value`] from `name => value` pairs.
///
/// ```
/// use tcps_core::{obj, value::Value};
/// let body = obj! { "bucket" => "bugfix", "priority" => 2i64 };
/// assert_eq!(body.to_canonical_string(), r#"{"bucket":"bugfix","priority":2}"#);
/// ```
#[macro_export]
macro_rules! obj {
    () => { $crate::value::Value::object() };
    ($($name:expr => $value:expr),+ $(,)?) => {{
        let mut map = $crate::value::Map::new();
        $( map.insert(::std::string::String::from($name), $crate::value::Value::from($value)); )+
        $crate::value::Value::Object(map)
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> Error {
        match parse(text.as_bytes()) {
            Err(ParseFailure::Value(e)) => e,
            other => panic!("expected a value error, got {other:?}"),
        }
    }

    #[test]
    fn floats_are_refused_with_their_pointer() {
        assert_eq!(
            err(r#"{"body":{"ratio":[1, 0.5]}}"#),
            Error::FloatNotAllowed {
                pointer: "/body/ratio/1".into()
            }
        );
        assert_eq!(
            err("1e3"),
            Error::FloatNotAllowed {
                pointer: String::new()
            }
        );
    }

    #[test]
    fn integers_beyond_two_to_the_53_are_refused() {
        assert!(parse(b"9007199254740991").is_ok());
        assert!(parse(b"-9007199254740991").is_ok());
        assert_eq!(
            err(r#"{"a/b":9007199254740992}"#),
            Error::IntegerOutOfRange {
                pointer: "/a~1b".into(),
                value: "9007199254740992".into()
            }
        );
        assert!(matches!(
            err("-99999999999999999999999"),
            Error::IntegerOutOfRange { .. }
        ));
    }

    #[test]
    fn minus_zero_reads_as_zero() {
        assert_eq!(parse(b"-0").ok(), Some(Value::Int(0)));
    }

    #[test]
    fn lone_surrogates_are_invalid_text() {
        assert!(
            matches!(err(r#"{"s":"\ud800"}"#), Error::InvalidText { pointer, .. } if pointer == "/s")
        );
        assert!(matches!(err(r#"["\udc00"]"#), Error::InvalidText { .. }));
        assert!(matches!(
            err(r#"["\ud800\u0041"]"#),
            Error::InvalidText { .. }
        ));
        assert_eq!(
            parse(br#""\ud83d\ude00""#).ok(),
            Some(Value::String("\u{1F600}".into()))
        );
    }

    #[test]
    fn duplicate_keys_name_the_object_and_the_key() {
        assert_eq!(
            err(r#"{"body":{"a":1,"a":2}}"#),
            Error::DuplicateKey {
                pointer: "/body".into(),
                key: "a".into()
            }
        );
    }

    #[test]
    fn nesting_is_limited_to_64_levels() {
        let ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert!(parse(ok.as_bytes()).is_ok());

        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        assert!(matches!(
            err(&deep),
            Error::NestingTooDeep { limit: 64, .. }
        ));

        let hostile = "[".repeat(1_000_000);
        assert!(parse(hostile.as_bytes()).is_err());
    }

    #[test]
    fn syntax_errors_give_the_offset() {
        for bad in [
            "",
            "{",
            "[1,]",
            "01",
            "tru",
            "\"a",
            "{} x",
            "\u{feff}{}",
            "[1 2]",
        ] {
            assert!(
                matches!(parse(bad.as_bytes()), Err(ParseFailure::Syntax { .. })),
                "{bad:?} should be a syntax error"
            );
        }
        assert_eq!(
            parse(b"[1,]"),
            Err(ParseFailure::Syntax {
                offset: 3,
                message: "expected a value".into()
            })
        );
    }

    #[test]
    fn strings_are_written_with_the_rfc_8785_escapes() {
        let v = Value::String("\u{8}\t\n\u{b}\u{c}\r\u{1f}\"\\/\u{7f}\u{2028}\u{1F600}".into());

        assert_eq!(
            v.to_canonical_string(),
            "\"\\b\\t\\n\\u000b\\f\\r\\u001f\\\"\\\\/\u{7f}\u{2028}\u{1F600}\""
        );
    }

    #[test]
    fn members_sort_by_utf16_code_units() {
        let v = obj! { "\u{e000}" => 1i64, "\u{1F600}" => 2i64, "a" => 3i64 };

        assert_eq!(
            v.to_canonical_string(),
            "{\"a\":3,\"\u{1F600}\":2,\"\u{e000}\":1}"
        );
    }
}
