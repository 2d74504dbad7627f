//! The evidence queries of a [`Line`] (evidence-log.md 4, 5, 7): tree
//! heads, proofs, checkpoints and proof bundles. None of them appends a
//! receipt or changes the line.

use crate::bundle::{self, EvidenceSource, ProofBundle};
use crate::checkpoint::Checkpoint;
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::line::Line;
use crate::merkle::MerkleTree;
use crate::receipt::Receipt;

impl Line {
    /// The receipt with this `seq`: from memory, or read back from the
    /// journal of a journaled line.
    pub fn receipt(&self, seq: u64) -> Result<Receipt> {
        if seq >= self.log.len() {
            return Err(Error::SizeOutOfRange {
                asked: seq,
                size: self.log.len(),
            });
        }
        if let Some(r) = self.log.get(seq) {
            return Ok(r.clone());
        }
        let mut found = None;
        self.read_back(seq, seq + 1, &mut |r| {
            found = Some(r);
            Ok(())
        })?;
        found.ok_or(Error::SizeOutOfRange {
            asked: seq,
            size: self.log.len(),
        })
    }

    /// Hands the receipts `from..to` to `visit`, in order, from memory
    /// or from the journal.
    pub fn read_back(
        &self,
        from: u64,
        to: u64,
        visit: &mut dyn FnMut(Receipt) -> Result<()>,
    ) -> Result<()> {
        let to = to.min(self.log.len());
        if let Some(kept) = self.log.kept() {
            for r in kept.iter().take(to as usize).skip(from as usize) {
                visit(r.clone())?;
            }
            return Ok(());
        }
        match self
            .sink
            .as_ref()
            .and_then(|s| s.read_back(from, to, visit))
        {
            Some(result) => result,
            None => Err(Error::InvalidArgument {
                argument: "line".into(),
                reason: "the line keeps no receipts and has no journal to read them from".into(),
            }),
        }
    }

    /// The tree head of the first `size` receipts (4.1).
    pub fn tree_head(&self, size: u64) -> Result<Digest> {
        self.log.tree().tree_head(size)
    }

    /// The inclusion proof of receipt `index` in the tree of `size`
    /// receipts (4.2); `size_out_of_range` for `index >= size` or a
    /// size beyond the log.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Digest>> {
        self.log.tree().inclusion_proof(index, size)
    }

    /// The consistency proof from `old` to `new` receipts (4.4);
    /// `size_out_of_range` for `old > new` or `new` beyond the log.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Digest>> {
        self.log.tree().consistency_proof(old, new)
    }
}

impl Line {
    /// The checkpoint of the first `size` receipts under the line's name
    /// (5.3): `size_out_of_range` unless `size` is 1 to the log's length.
    /// Appends nothing.
    pub fn checkpoint(&self, size: u64) -> Result<Checkpoint> {
        Checkpoint::from_log(self, size, self.name())
    }

    /// [`Line::checkpoint`] under another origin; checks the size, then
    /// the origin (`invalid_origin`).
    pub fn checkpoint_as(&self, size: u64, origin: &str) -> Result<Checkpoint> {
        Checkpoint::from_log(self, size, origin)
    }

    /// Checks a checkpoint against the log (5.5), with the line's name
    /// as the expected origin unless `origin` is given:
    /// `origin_mismatch`, then `checkpoint_mismatch` (`size_beyond_log`
    /// or `root_differs`).
    pub fn verify_checkpoint(&self, checkpoint: &Checkpoint, origin: Option<&str>) -> Result<()> {
        checkpoint.check_against(self, origin.unwrap_or(self.name()))
    }

    /// The proof bundle of `subject` (7.1) against the checkpoint of
    /// `size` receipts (the whole log when `None`), or against
    /// `checkpoint`, a checkpoint text the host published (perhaps
    /// signed), whose size then decides. Appends nothing.
    pub fn proof_bundle(
        &self,
        subject: &str,
        size: Option<u64>,
        checkpoint: Option<&[u8]>,
    ) -> Result<ProofBundle> {
        bundle::build(self, subject, size, checkpoint)
    }
}

impl EvidenceSource for Line {
    fn tree(&self) -> &MerkleTree {
        self.log.tree()
    }

    fn origin(&self) -> &str {
        self.name()
    }

    fn read_back(
        &self,
        from: u64,
        to: u64,
        visit: &mut dyn FnMut(Receipt) -> Result<()>,
    ) -> Result<()> {
        Line::read_back(self, from, to, visit)
    }
}
