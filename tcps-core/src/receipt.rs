//! Receipts: the envelope of evidence-log.md 1.1, canonical bytes and
//! the leaf hash (2.1–2.4).

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::time::Timestamp;
use crate::value::{self, MAX_SAFE_INT, Map, ParseFailure, Value};

/// Largest RFC 8785 serialisation of a complete receipt: 1 MiB.
pub const MAX_RECEIPT_BYTES: usize = 1_048_576;

/// The only envelope version.
pub const ENVELOPE_VERSION: i64 = 1;

/// One receipt of the log.
///
/// A `Receipt` built by the line or read by [`Receipt::from_json`] is
/// valid by 1.1 to 1.3; its `hash` is whatever was stored, which
/// [`crate::chain::verify_chain`] checks against [`Receipt::leaf_hash`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// 0-based position in the log.
    pub seq: u64,
    /// Time of the operation.
    pub at: Timestamp,
    /// Dotted name of what happened, e.g. `work_order.created`.
    pub kind: String,
    /// The id the receipt is about, or `line`.
    pub subject: String,
    /// The fields of this kind of receipt (always an object).
    pub body: Value,
    /// Receipts of the same operation that follow this one.
    pub more: u64,
    /// `hash` of the previous receipt, zeros for the first.
    pub prev: Digest,
    /// Leaf hash of this receipt.
    pub hash: Digest,
}

/// A receipt before it has a place in the log: what an operation wants
/// to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// Dotted kind.
    pub kind: &'static str,
    /// Subject id or `line`.
    pub subject: String,
    /// Body object.
    pub body: Value,
}

impl Draft {
    /// A draft of `kind` about `subject`.
    // Subjects are ids, which are `Copy`: taking them by value reads best.
    #[allow(clippy::needless_pass_by_value)]
    pub fn new(kind: &'static str, subject: impl ToString, body: Value) -> Self {
        Self {
            kind,
            subject: subject.to_string(),
            body,
        }
    }
}

thread_local! {
    /// The canonical bytes of the receipt being sealed, reused so that
    /// sealing allocates nothing in the steady state.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Receipt {
    /// Builds a receipt with its hash, checking every rule of 1.1 to 1.3.
    pub fn seal(
        seq: u64,
        at: Timestamp,
        kind: &str,
        subject: &str,
        body: Value,
        more: u64,
        prev: Digest,
    ) -> Result<Self> {
        let mut r = Self {
            seq,
            at,
            kind: kind.to_owned(),
            subject: subject.to_owned(),
            body,
            more,
            prev,
            hash: Digest::ZERO,
        };
        r.check_envelope()?;
        r.body.validate(2).map_err(prefix_body_pointer)?;
        r.hash = SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut buf) => r.sealed_hash(&mut buf),
            Err(_) => r.sealed_hash(&mut Vec::new()),
        })?;
        Ok(r)
    }

    /// The leaf hash of the canonical bytes, written into `buf`, after
    /// the size check of 1.3.
    fn sealed_hash(&self, buf: &mut Vec<u8>) -> Result<Digest> {
        buf.clear();
        self.write(buf, false);
        // The complete line adds `,"hash":"<64 hex>"`: 9 + 64 + 1 bytes.
        let size = buf.len() + 74;
        if size > MAX_RECEIPT_BYTES {
            return Err(Error::ReceiptTooLarge {
                size: size as u64,
                limit: MAX_RECEIPT_BYTES as u64,
            });
        }
        let hash = leaf_hash(buf);
        // Keep a buffer of the usual size, not the largest ever seen.
        if buf.capacity() > 64 * 1024 {
            *buf = Vec::new();
        }
        Ok(hash)
    }

    /// The RFC 8785 bytes of the receipt without `hash` (2.1).
    #[must_use]
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        self.write(&mut out, false);
        out
    }

    /// The journal line: RFC 8785 with `hash`, no line feed (6.1).
    #[must_use]
    pub fn to_json_line(&self) -> String {
        let mut out = Vec::with_capacity(320);
        self.write(&mut out, true);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Appends the journal line and its line feed to `out`.
    pub fn write_line(&self, out: &mut Vec<u8>) {
        self.write(out, true);
        out.push(b'\n');
    }

    /// Writes the envelope in its fixed member order: `at`, `body`,
    /// `hash`, `kind`, `more`, `prev`, `seq`, `subject`, `v`.
    fn write(&self, out: &mut Vec<u8>, with_hash: bool) {
        out.extend_from_slice(b"{\"at\":");
        Value::Int(self.at).write_canonical(out);
        out.extend_from_slice(b",\"body\":");
        self.body.write_canonical(out);
        if with_hash {
            out.extend_from_slice(b",\"hash\":\"");
            out.extend_from_slice(&self.hash.hex());
            out.push(b'"');
        }
        out.extend_from_slice(b",\"kind\":");
        value::write_string(&self.kind, out);
        out.extend_from_slice(b",\"more\":");
        Value::Int(self.more as i64).write_canonical(out);
        out.extend_from_slice(b",\"prev\":\"");
        out.extend_from_slice(&self.prev.hex());
        out.extend_from_slice(b"\",\"seq\":");
        Value::Int(self.seq as i64).write_canonical(out);
        out.extend_from_slice(b",\"subject\":");
        value::write_string(&self.subject, out);
        out.extend_from_slice(b",\"v\":1}");
    }

    /// The complete receipt, `hash` included, as a JSON object value.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("at".into(), Value::Int(self.at));
        map.insert("body".into(), self.body.clone());
        map.insert("hash".into(), Value::String(self.hash.to_hex()));
        map.insert("kind".into(), Value::String(self.kind.clone()));
        map.insert("more".into(), Value::Int(self.more as i64));
        map.insert("prev".into(), Value::String(self.prev.to_hex()));
        map.insert("seq".into(), Value::Int(self.seq as i64));
        map.insert("subject".into(), Value::String(self.subject.clone()));
        map.insert("v".into(), Value::Int(ENVELOPE_VERSION));
        Value::Object(map)
    }

    /// The leaf hash recomputed from the canonical bytes.
    #[must_use]
    pub fn leaf_hash(&self) -> Digest {
        leaf_hash(&self.canonical_bytes())
    }

    /// Reads one receipt by the strict rules of 2.3 and checks it
    /// against 1.1 to 1.3. The hash is not checked here (see
    /// [`crate::chain::verify_chain`]).
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        let value = value::parse(bytes).map_err(ParseFailure::into_error)?;
        Self::from_value(value, bytes.len())
    }

    /// Checks a parsed value against the envelope rules.
    pub(crate) fn from_value(value: Value, size: usize) -> Result<Self> {
        if size > MAX_RECEIPT_BYTES {
            return Err(Error::ReceiptTooLarge {
                size: size as u64,
                limit: MAX_RECEIPT_BYTES as u64,
            });
        }
        let Value::Object(mut map) = value else {
            return Err(invalid("", "must be an object"));
        };
        for name in map.keys() {
            if !ENVELOPE.contains(&name.as_str()) {
                return Err(invalid(name, "is not an envelope member"));
            }
        }
        let v = take_int(&mut map, "v")?;
        if v != ENVELOPE_VERSION {
            return Err(invalid("v", "must be 1"));
        }
        let seq = take_count(&mut map, "seq")?;
        let at = take_int(&mut map, "at")?;
        let kind = take_string(&mut map, "kind")?;
        let subject = take_string(&mut map, "subject")?;
        let body = map
            .remove("body")
            .ok_or_else(|| invalid("body", "is missing"))?;
        let more = take_count(&mut map, "more")?;
        let prev = take_digest(&mut map, "prev")?;
        let hash = take_digest(&mut map, "hash")?;
        let r = Self {
            seq,
            at,
            kind,
            subject,
            body,
            more,
            prev,
            hash,
        };
        r.check_envelope()?;
        Ok(r)
    }

    /// The rules of 1.1 that the typed fields can still break.
    fn check_envelope(&self) -> Result<()> {
        if !valid_kind(&self.kind) {
            return Err(invalid(
                "kind",
                "must match [a-z][a-z0-9_]*(.[a-z][a-z0-9_]*)+, at most 64 bytes",
            ));
        }
        if self.subject != "line" && !valid_subject(&self.subject) {
            return Err(invalid(
                "subject",
                "must be `line` or match [A-Z]{1,16}-[0-9]{6,16}",
            ));
        }
        if !matches!(self.body, Value::Object(_)) {
            return Err(invalid("body", "must be an object"));
        }
        if !(-MAX_SAFE_INT..=MAX_SAFE_INT).contains(&self.at) {
            return Err(Error::IntegerOutOfRange {
                pointer: "/at".into(),
                value: self.at.to_string(),
            });
        }
        for (name, n) in [("seq", self.seq), ("more", self.more)] {
            if n > MAX_SAFE_INT as u64 {
                return Err(Error::IntegerOutOfRange {
                    pointer: format!("/{name}"),
                    value: n.to_string(),
                });
            }
        }
        Ok(())
    }

    /// The body member `name`, if present.
    #[must_use]
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.body.get(name)
    }
}

const ENVELOPE: [&str; 9] = [
    "at", "body", "hash", "kind", "more", "prev", "seq", "subject", "v",
];

fn invalid(member: &str, rule: &str) -> Error {
    Error::InvalidReceipt {
        member: member.to_owned(),
        rule: rule.to_owned(),
    }
}

fn prefix_body_pointer(e: Error) -> Error {
    match e {
        Error::IntegerOutOfRange { pointer, value } => Error::IntegerOutOfRange {
            pointer: format!("/body{pointer}"),
            value,
        },
        Error::NestingTooDeep { pointer, limit } => Error::NestingTooDeep {
            pointer: format!("/body{pointer}"),
            limit,
        },
        other => other,
    }
}

fn take_int(map: &mut Map, name: &str) -> Result<i64> {
    match map.remove(name) {
        Some(Value::Int(i)) => Ok(i),
        Some(_) => Err(invalid(name, "must be an integer")),
        None => Err(invalid(name, "is missing")),
    }
}

fn take_count(map: &mut Map, name: &str) -> Result<u64> {
    let n = take_int(map, name)?;
    u64::try_from(n).map_err(|_| invalid(name, "must not be negative"))
}

fn take_string(map: &mut Map, name: &str) -> Result<String> {
    match map.remove(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(invalid(name, "must be a string")),
        None => Err(invalid(name, "is missing")),
    }
}

fn take_digest(map: &mut Map, name: &str) -> Result<Digest> {
    let text = take_string(map, name)?;
    Digest::from_hex(&text).map_err(|_| invalid(name, "must be 64 lowercase hex characters"))
}

/// `[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+`, at most 64 bytes.
#[must_use]
pub fn valid_kind(kind: &str) -> bool {
    if kind.len() > 64 {
        return false;
    }
    let mut segments = 0;
    for segment in kind.split('.') {
        let mut bytes = segment.bytes();
        match bytes.next() {
            Some(b'a'..=b'z') => {}
            _ => return false,
        }
        if !bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_')) {
            return false;
        }
        segments += 1;
    }
    segments >= 2
}

/// `[A-Z]{1,16}-[0-9]{6,16}`.
#[must_use]
pub fn valid_subject(subject: &str) -> bool {
    let Some((prefix, digits)) = subject.split_once('-') else {
        return false;
    };
    (1..=16).contains(&prefix.len())
        && prefix.bytes().all(|b| b.is_ascii_uppercase())
        && (6..=16).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `H(0x00 || canonical_bytes)`, the RFC 9162 leaf hash (2.4).
#[must_use]
pub fn leaf_hash(canonical_bytes: &[u8]) -> Digest {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(canonical_bytes);
    Digest(h.finalize().into())
}
