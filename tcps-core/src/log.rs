//! The receipt log held by a [`crate::Line`].
//!
//! The log always holds the Merkle tree over the leaf hashes
//! (evidence-log.md 4), so tree heads and proofs never need the
//! receipts themselves. Whether it also keeps the receipts depends on
//! where they live:
//!
//! - a line without a journal keeps every receipt in memory, since
//!   nothing else holds them;
//! - a line backed by a journal keeps none: its journal reads a receipt
//!   back from the file by offset when a proof bundle needs it. Such a
//!   log holds less than 40 bytes per receipt (the leaf hash and the
//!   cached subtree hashes), see [`Log::heap_bytes`].

use crate::digest::Digest;
use crate::error::Result;
use crate::merkle::MerkleTree;
use crate::receipt::Receipt;
use crate::time::Timestamp;

/// The receipts of a line, in `seq` order, and their Merkle tree.
#[derive(Debug, Clone, Default)]
pub struct Log {
    tree: MerkleTree,
    last_at: Option<Timestamp>,
    /// The receipts, for a log that is not backed by a journal.
    receipts: Option<Vec<Receipt>>,
}

/// Two logs are equal when they hold the same leaf hashes, which commit
/// to the same receipts; where the receipts are kept does not matter.
impl PartialEq for Log {
    fn eq(&self, other: &Self) -> bool {
        self.tree.leaves() == other.tree.leaves()
    }
}

impl Eq for Log {}

impl Log {
    /// An empty log that keeps its receipts in memory.
    #[must_use]
    pub fn in_memory() -> Self {
        Self {
            receipts: Some(Vec::new()),
            ..Self::default()
        }
    }

    /// An empty log whose receipts live elsewhere (a journal file).
    #[must_use]
    pub fn external() -> Self {
        Self::default()
    }

    /// Number of receipts.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.tree.len()
    }

    /// Whether the log holds no receipt.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
    }

    /// `hash` of the last receipt, zeros for an empty log.
    #[must_use]
    pub fn last_hash(&self) -> Digest {
        self.tree.leaves().last().copied().unwrap_or(Digest::ZERO)
    }

    /// `at` of the last receipt, `i64::MIN` for an empty log.
    #[must_use]
    pub fn last_at(&self) -> Timestamp {
        self.last_at.unwrap_or(i64::MIN)
    }

    /// The receipt with this `seq`, when the log keeps its receipts.
    #[must_use]
    pub fn get(&self, seq: u64) -> Option<&Receipt> {
        self.receipts.as_ref()?.get(usize::try_from(seq).ok()?)
    }

    /// Whether the receipts are kept in memory (no journal).
    #[must_use]
    pub fn keeps_receipts(&self) -> bool {
        self.receipts.is_some()
    }

    /// The receipts kept in memory, if any (see [`Log::keeps_receipts`]).
    pub(crate) fn kept(&self) -> Option<&[Receipt]> {
        self.receipts.as_deref()
    }

    /// The Merkle tree over the leaf hashes.
    #[must_use]
    pub fn tree(&self) -> &MerkleTree {
        &self.tree
    }

    /// Leaf hash of the receipt with this `seq`.
    #[must_use]
    pub fn leaf_hash(&self, seq: u64) -> Option<Digest> {
        self.tree.leaf(seq)
    }

    /// Leaf hashes of all receipts, in order.
    pub fn leaf_hashes(&self) -> impl Iterator<Item = Digest> + '_ {
        self.tree.leaves().iter().copied()
    }

    /// Appends a receipt whose `hash` is already checked.
    pub(crate) fn push(&mut self, r: Receipt) {
        self.tree.push(r.hash);
        self.last_at = Some(r.at);
        if let Some(kept) = &mut self.receipts {
            kept.push(r);
        }
    }

    /// Stops keeping receipts in memory: a journal holds them now.
    pub(crate) fn drop_receipts(&mut self) {
        self.receipts = None;
    }

    /// Gives back spare capacity, so a log opened from a journal holds
    /// no more than it needs.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.tree.shrink_to_fit();
        if let Some(kept) = &mut self.receipts {
            kept.shrink_to_fit();
        }
    }

    /// Bytes of heap memory held by the log itself: the tree, plus the
    /// receipts when it keeps them (their vector only, not what each
    /// receipt owns).
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        let kept = self
            .receipts
            .as_ref()
            .map_or(0, |r| r.capacity() * std::mem::size_of::<Receipt>());
        self.tree.heap_bytes() + kept
    }

    /// Recomputes every hash and link of the receipts kept in memory
    /// (evidence-log.md 3.2). A log backed by a journal is verified by
    /// its journal; here it checks nothing and returns `Ok`.
    pub fn verify(&self) -> Result<()> {
        match &self.receipts {
            Some(receipts) => crate::chain::verify_chain(receipts),
            None => Ok(()),
        }
    }
}
