//! Chain verification (evidence-log.md 3.2).

use crate::digest::Digest;
use crate::error::{ChainFailureKind, Error, Result};
use crate::receipt::Receipt;

/// State carried from one receipt to the next while verifying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainCursor {
    /// Receipts checked so far (the next expected `seq`).
    pub len: u64,
    /// `hash` of the last receipt, zeros before the first.
    pub prev: Digest,
    /// `at` of the last receipt.
    pub last_at: i64,
    /// `more` of the last receipt.
    pub last_more: u64,
}

impl Default for ChainCursor {
    fn default() -> Self {
        Self {
            len: 0,
            prev: Digest::ZERO,
            last_at: i64::MIN,
            last_more: 0,
        }
    }
}

/// The envelope members chain verification looks at, borrowed from a
/// [`Receipt`] or from a journal line that was never turned into one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainEntry<'a> {
    /// `seq`.
    pub seq: u64,
    /// `at`.
    pub at: i64,
    /// `kind`.
    pub kind: &'a str,
    /// `subject`.
    pub subject: &'a str,
    /// `more`.
    pub more: u64,
    /// `prev`.
    pub prev: Digest,
    /// `hash` as stored.
    pub hash: Digest,
}

impl<'a> ChainEntry<'a> {
    /// The entry of a receipt.
    #[must_use]
    pub fn of(r: &'a Receipt) -> Self {
        Self {
            seq: r.seq,
            at: r.at,
            kind: &r.kind,
            subject: &r.subject,
            more: r.more,
            prev: r.prev,
            hash: r.hash,
        }
    }
}

impl ChainCursor {
    /// Checks the next receipt, whose canonical bytes hash to `leaf`,
    /// and advances. Runs the checks of 3.2 in their order.
    pub fn step(&mut self, r: &Receipt, leaf: &Digest) -> Result<()> {
        self.step_entry(&ChainEntry::of(r), leaf)
    }

    /// [`ChainCursor::step`] on the borrowed envelope members.
    pub fn step_entry(&mut self, r: &ChainEntry<'_>, leaf: &Digest) -> Result<()> {
        let i = self.len;
        let fail = |kind, expected: String, found: String| Error::ChainBroken {
            seq: i,
            kind,
            expected,
            found,
        };
        let opened = r.kind == "line.opened";
        if i == 0 && !(opened && r.subject == "line" && r.more == 0) {
            return Err(fail(
                ChainFailureKind::Malformed,
                "line.opened with subject line and more 0".into(),
                format!("{} with subject {} and more {}", r.kind, r.subject, r.more),
            ));
        }
        if i > 0 && opened {
            return Err(fail(
                ChainFailureKind::Malformed,
                "no line.opened after seq 0".into(),
                "line.opened".into(),
            ));
        }
        if *leaf != r.hash {
            return Err(fail(
                ChainFailureKind::HashMismatch,
                leaf.to_hex(),
                r.hash.to_hex(),
            ));
        }
        if r.seq != i {
            return Err(fail(
                ChainFailureKind::SeqGap,
                i.to_string(),
                r.seq.to_string(),
            ));
        }
        if r.prev != self.prev {
            return Err(fail(
                ChainFailureKind::BrokenLink,
                self.prev.to_hex(),
                r.prev.to_hex(),
            ));
        }
        if i > 0 && r.at < self.last_at {
            return Err(fail(
                ChainFailureKind::TimeReversal,
                self.last_at.to_string(),
                r.at.to_string(),
            ));
        }
        if i > 0 && self.last_more > 0 && (r.more != self.last_more - 1 || r.at != self.last_at) {
            return Err(fail(
                ChainFailureKind::OperationBroken,
                format!("more {} at {}", self.last_more - 1, self.last_at),
                format!("more {} at {}", r.more, r.at),
            ));
        }
        self.len += 1;
        self.prev = r.hash;
        self.last_at = r.at;
        self.last_more = r.more;
        Ok(())
    }

    /// The check after the last receipt: the log must not end inside an
    /// operation, and must not be empty.
    pub fn finish(&self) -> Result<()> {
        if self.len == 0 {
            return Err(Error::ChainBroken {
                seq: 0,
                kind: ChainFailureKind::Malformed,
                expected: "line.opened".into(),
                found: "an empty log".into(),
            });
        }
        if self.last_more > 0 {
            return Err(Error::ChainBroken {
                seq: self.len - 1,
                kind: ChainFailureKind::OperationBroken,
                expected: "more 0 at the end of the log".into(),
                found: format!("more {}", self.last_more),
            });
        }
        Ok(())
    }
}

/// Verifies a whole log: every hash, link, `seq`, time order and
/// operation, reporting the first failure as `chain_broken`.
pub fn verify_chain(receipts: &[Receipt]) -> Result<()> {
    let mut cursor = ChainCursor::default();
    for r in receipts {
        cursor.step(r, &r.leaf_hash())?;
    }
    cursor.finish()
}

/// Verifies a log given as one JSON array of receipts (what `tcps
/// verify` accepts besides a journal), read by the strict rules of 2.3.
///
/// Returns the number of receipts. A text that is not a JSON array is
/// `invalid_argument`, one that breaks 2.3 gives that rule's error; an
/// element that is not a valid receipt is `chain_broken` at its position
/// with kind `malformed`, naming the member and the rule.
pub fn verify_receipts_json(bytes: &[u8]) -> Result<u64> {
    // Receipts sit at level 2 of the array, so their bodies at level 3.
    let limit = crate::value::MAX_DEPTH + 1;
    let value = crate::value::parse_with_depth(bytes, limit)
        .map_err(crate::value::ParseFailure::into_error)?;
    let crate::value::Value::Array(items) = value else {
        return Err(Error::InvalidArgument {
            argument: "receipts".into(),
            reason: "must be a json array of receipts".into(),
        });
    };
    let mut cursor = ChainCursor::default();
    for (i, item) in items.into_iter().enumerate() {
        let size = item.to_canonical().len();
        let r = Receipt::from_value(item, size)
            .and_then(|r| r.body.validate(2).map(|()| r))
            .map_err(|e| Error::ChainBroken {
                seq: i as u64,
                kind: ChainFailureKind::Malformed,
                expected: "a valid receipt".into(),
                found: e.to_string(),
            })?;
        cursor.step(&r, &r.leaf_hash())?;
    }
    cursor.finish()?;
    Ok(cursor.len)
}
