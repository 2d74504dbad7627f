//! The receipt log held by a [`crate::Line`].

use crate::digest::Digest;
use crate::error::Result;
use crate::receipt::Receipt;
use crate::time::Timestamp;

/// The receipts of a line, in `seq` order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Log {
    receipts: Vec<Receipt>,
}

impl Log {
    /// Number of receipts.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.receipts.len() as u64
    }

    /// Whether the log holds no receipt.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.receipts.is_empty()
    }

    /// `hash` of the last receipt, zeros for an empty log.
    #[must_use]
    pub fn last_hash(&self) -> Digest {
        self.receipts.last().map_or(Digest::ZERO, |r| r.hash)
    }

    /// `at` of the last receipt, `i64::MIN` for an empty log.
    #[must_use]
    pub fn last_at(&self) -> Timestamp {
        self.receipts.last().map_or(i64::MIN, |r| r.at)
    }

    /// The receipt with this `seq`.
    #[must_use]
    pub fn get(&self, seq: u64) -> Option<&Receipt> {
        self.receipts.get(usize::try_from(seq).ok()?)
    }

    /// All receipts in order.
    #[must_use]
    pub fn receipts(&self) -> &[Receipt] {
        &self.receipts
    }

    /// Leaf hashes of all receipts, in order.
    pub fn leaf_hashes(&self) -> impl Iterator<Item = Digest> + '_ {
        self.receipts.iter().map(|r| r.hash)
    }

    pub(crate) fn push(&mut self, r: Receipt) {
        self.receipts.push(r);
    }

    /// Recomputes every hash and link (evidence-log.md 3.2).
    pub fn verify(&self) -> Result<()> {
        crate::chain::verify_chain(&self.receipts)
    }
}
