//! The Merkle tree of the log (evidence-log.md section 4).
//!
//! The tree is the one of RFC 9162 section 2.1 (identical to RFC 6962
//! and to C2SP's merkle-tree text), built over the leaf hashes of the
//! receipts in `seq` order. This module gives:
//!
//! - [`MerkleTree`], which holds the leaf hashes and a cache of
//!   perfect-subtree hashes, and answers [`MerkleTree::tree_head`],
//!   [`MerkleTree::inclusion_proof`] and
//!   [`MerkleTree::consistency_proof`] for any size up to its length;
//! - [`verify_inclusion`] and [`verify_consistency`], the verifiers of
//!   RFC 9162 2.1.3.2 and 2.1.4.2 (evidence-log.md 4.3 and 4.5), which
//!   need no tree at all;
//! - [`node_hash`] and [`EMPTY_TREE_HEAD`], the two building blocks.
//!
//! A failed verification is [`Error::ProofInvalid`] with one of the
//! reasons of evidence-log.md 8: `bad_hash_length`,
//! `index_out_of_range`, `size_order`, `empty_proof`,
//! `too_many_hashes`, `too_few_hashes`, `root_mismatch`. Asking a tree
//! for a head or proof it cannot give is [`Error::SizeOutOfRange`].
//!
//! # Cost
//!
//! A node that covers an aligned run of 2^j leaves is a *perfect
//! subtree*. [`MerkleTree`] keeps every complete perfect subtree of
//! 2^3 = 8 leaves or more, level by level, so looking one up is an
//! index into a vector. Nodes of 2 and 4 leaves are not kept: they
//! are rehashed from the leaves when a proof needs them (1 and 3
//! hashes). A tree head, inclusion proof or consistency proof then
//! costs O(log n) lookups plus at most one non-perfect right edge of
//! O(log n) hashes: a few microseconds at a million leaves.
//!
//! # Memory
//!
//! The leaves take 32 bytes each. The cached levels hold
//! n/8 + n/16 + ... < n/4 hashes, that is less than 8 bytes per leaf,
//! so the whole tree stays under 40 bytes per leaf (plus the spare
//! capacity of its vectors, see [`MerkleTree::heap_bytes`]). Keeping
//! the levels of 2 and 4 leaves as well would add 24 bytes per leaf
//! for a saving of four hashes per proof.

use sha2::{Digest as _, Sha256};

use crate::digest::Digest;
use crate::error::{Error, Result};

/// The tree head of the empty tree: SHA-256 of the empty string
/// (evidence-log.md 4.1), `e3b0c442...7852b855`.
pub const EMPTY_TREE_HEAD: Digest = Digest([
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
]);

/// The lowest level (log2 of the leaves covered) that the tree keeps.
const FIRST_KEPT_LEVEL: u32 = 3;

/// Leaves covered by one node of [`FIRST_KEPT_LEVEL`].
const FIRST_KEPT_SPAN: usize = 1 << FIRST_KEPT_LEVEL;

/// The hash of an interior node: `H(0x01 || left || right)`
/// (RFC 9162 2.1.1).
#[must_use]
pub fn node_hash(left: &Digest, right: &Digest) -> Digest {
    let mut hasher = Sha256::new();
    hasher.update([0x01]);
    hasher.update(left.0);
    hasher.update(right.0);

    Digest(hasher.finalize().into())
}

/// Anything that can stand for one hash of a proof.
///
/// Proofs that come from outside (a bundle, a binding, a network
/// reply) may hold elements of the wrong length; the verifiers refuse
/// those with `bad_hash_length` instead of assuming 32 bytes. Proofs
/// made by [`MerkleTree`] are `Vec<Digest>`.
pub trait ProofHash {
    /// The raw bytes of the hash.
    fn hash_bytes(&self) -> &[u8];
}

impl ProofHash for Digest {
    fn hash_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl ProofHash for [u8; 32] {
    fn hash_bytes(&self) -> &[u8] {
        self
    }
}

impl ProofHash for [u8] {
    fn hash_bytes(&self) -> &[u8] {
        self
    }
}

impl ProofHash for Vec<u8> {
    fn hash_bytes(&self) -> &[u8] {
        self
    }
}

impl<T: ProofHash + ?Sized> ProofHash for &T {
    fn hash_bytes(&self) -> &[u8] {
        (**self).hash_bytes()
    }
}

/// The `proof_invalid` error with `reason`.
fn invalid(reason: &str) -> Error {
    Error::ProofInvalid {
        reason: reason.to_owned(),
    }
}

/// Every element of `proof` as a digest, or `bad_hash_length`.
fn proof_digests<P: ProofHash>(proof: &[P]) -> Result<Vec<Digest>> {
    proof
        .iter()
        .map(|p| {
            <[u8; 32]>::try_from(p.hash_bytes())
                .map(Digest)
                .map_err(|_| invalid("bad_hash_length"))
        })
        .collect()
}

/// Checks an inclusion proof (evidence-log.md 4.3, RFC 9162 2.1.3.2).
///
/// `leaf` is the leaf hash at `index` in the tree of `size` leaves
/// whose head is `root`. Take `size` and `root` from the same
/// checkpoint: a proof says nothing about a root computed for another
/// size.
///
/// Fails with `proof_invalid` and the first reason that applies, in
/// this order: `bad_hash_length` (an element is not 32 bytes),
/// `index_out_of_range` (`index >= size`), `too_many_hashes`,
/// `too_few_hashes`, `root_mismatch`. Never panics, whatever the input.
pub fn verify_inclusion<P: ProofHash>(
    leaf: &Digest,
    index: u64,
    size: u64,
    proof: &[P],
    root: &Digest,
) -> Result<()> {
    let proof = proof_digests(proof)?;

    if index >= size {
        return Err(invalid("index_out_of_range"));
    }

    let computed = inclusion_root(leaf, index, size, &proof)?;

    if computed == *root {
        Ok(())
    } else {
        Err(invalid("root_mismatch"))
    }
}

/// The root that an inclusion proof leads to, steps 2 to 4 of
/// evidence-log.md 4.3. Requires `index < size`.
///
/// Useful to report what a bad proof computes; [`verify_inclusion`]
/// compares it with the expected root.
pub fn inclusion_root(leaf: &Digest, index: u64, size: u64, proof: &[Digest]) -> Result<Digest> {
    if index >= size {
        return Err(invalid("index_out_of_range"));
    }

    let mut f_n = index;
    let mut s_n = size - 1;
    let mut x = *leaf;

    for p in proof {
        if s_n == 0 {
            return Err(invalid("too_many_hashes"));
        }

        if f_n & 1 == 1 || f_n == s_n {
            x = node_hash(p, &x);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            x = node_hash(&x, p);
        }

        f_n >>= 1;
        s_n >>= 1;
    }

    if s_n != 0 {
        return Err(invalid("too_few_hashes"));
    }

    Ok(x)
}

/// Checks a consistency proof (evidence-log.md 4.5, RFC 9162 2.1.4.2).
///
/// The proof shows that the tree of `new_size` leaves with head
/// `new_root` extends the tree of `old_size` leaves with head
/// `old_root`.
///
/// Fails with `proof_invalid` and the first reason that applies:
/// `bad_hash_length` (an element is not 32 bytes), `size_order`
/// (`old_size > new_size`), `empty_proof`, `too_many_hashes`,
/// `too_few_hashes`, `root_mismatch`. The two cases that RFC 9162
/// leaves open are settled by evidence-log.md 4.5 steps 2 and 3:
///
/// - equal sizes hold when the proof is empty (else
///   `too_many_hashes`) and the roots are equal (else
///   `root_mismatch`);
/// - old size 0 holds when the proof is empty (else
///   `too_many_hashes`) and `old_root` is [`EMPTY_TREE_HEAD`] (else
///   `root_mismatch`).
///
/// Never panics, whatever the input.
pub fn verify_consistency<P: ProofHash>(
    old_size: u64,
    new_size: u64,
    old_root: &Digest,
    new_root: &Digest,
    proof: &[P],
) -> Result<()> {
    let proof = proof_digests(proof)?;

    if old_size > new_size {
        return Err(invalid("size_order"));
    }

    if old_size == new_size || old_size == 0 {
        let expected_old = if old_size == 0 {
            &EMPTY_TREE_HEAD
        } else {
            new_root
        };

        if !proof.is_empty() {
            return Err(invalid("too_many_hashes"));
        }
        if old_root != expected_old {
            return Err(invalid("root_mismatch"));
        }
        return Ok(());
    }

    let Some((first, rest)) = proof.split_first() else {
        return Err(invalid("empty_proof"));
    };

    // Step 5 puts the old root in front when old_size is a power of
    // two; walking (seed, elements) avoids copying the proof.
    let (seed, elements): (&Digest, &[Digest]) = if old_size.is_power_of_two() {
        (old_root, &proof)
    } else {
        (first, rest)
    };

    let mut f_n = old_size - 1;
    let mut s_n = new_size - 1;
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }

    let mut f_r = *seed;
    let mut s_r = *seed;

    for c in elements {
        if s_n == 0 {
            return Err(invalid("too_many_hashes"));
        }

        if f_n & 1 == 1 || f_n == s_n {
            f_r = node_hash(c, &f_r);
            s_r = node_hash(c, &s_r);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            s_r = node_hash(&s_r, c);
        }

        f_n >>= 1;
        s_n >>= 1;
    }

    if s_n != 0 {
        return Err(invalid("too_few_hashes"));
    }

    if f_r == *old_root && s_r == *new_root {
        Ok(())
    } else {
        Err(invalid("root_mismatch"))
    }
}

/// A Merkle tree over leaf hashes, appended one at a time.
///
/// Holds the leaf hashes and the hashes of every complete perfect
/// subtree of 8 leaves or more (see the module docs for cost and
/// memory). The tree can answer for every size from 0 to its length,
/// not only the current one, so old checkpoints stay provable.
///
/// ```
/// use tcps_core::merkle::{verify_inclusion, MerkleTree};
/// use tcps_core::Digest;
///
/// let mut tree = MerkleTree::new();
/// for entry in [&b"a"[..], b"b", b"c"] {
///     tree.push(Digest::of(&[&[0u8][..], entry].concat()));
/// }
///
/// let root = tree.tree_head(3)?;
/// let proof = tree.inclusion_proof(1, 3)?;
/// let leaf = tree.leaf(1).expect("leaf 1 exists");
///
/// verify_inclusion(&leaf, 1, 3, &proof, &root)?;
/// # Ok::<(), tcps_core::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MerkleTree {
    /// The leaf hashes, in `seq` order.
    leaves: Vec<Digest>,
    /// `levels[i][j]` is the hash of leaves `j * 2^l .. (j + 1) * 2^l`
    /// with `l = FIRST_KEPT_LEVEL + i`, for every complete such run.
    levels: Vec<Vec<Digest>>,
}

impl std::fmt::Debug for MerkleTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MerkleTree")
            .field("len", &self.leaves.len())
            .field("root", &self.root())
            .finish_non_exhaustive()
    }
}

impl MerkleTree {
    /// An empty tree.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty tree with room for `leaves` leaf hashes, so that a
    /// host that knows the size of its log avoids the spare capacity
    /// that growing a vector leaves behind.
    #[must_use]
    pub fn with_capacity(leaves: usize) -> Self {
        Self {
            leaves: Vec::with_capacity(leaves),
            levels: Vec::new(),
        }
    }

    /// Appends one leaf hash; it gets index [`MerkleTree::len`] before
    /// the call. Costs about one SHA-256 of 65 bytes on average.
    pub fn push(&mut self, leaf: Digest) {
        self.leaves.push(leaf);

        if !self.leaves.len().is_multiple_of(FIRST_KEPT_SPAN) {
            return;
        }

        let start = self.leaves.len() - FIRST_KEPT_SPAN;
        let mut node = self.hash_below_kept(FIRST_KEPT_LEVEL, start);
        let mut level = 0;

        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            self.levels[level].push(node);

            let row = &self.levels[level];
            if !row.len().is_multiple_of(2) {
                break;
            }

            node = node_hash(&row[row.len() - 2], &row[row.len() - 1]);
            level += 1;
        }
    }

    /// The number of leaves.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.leaves.len() as u64
    }

    /// Whether the tree has no leaf.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }

    /// The leaf hash at `index`, if there is one.
    #[must_use]
    pub fn leaf(&self, index: u64) -> Option<Digest> {
        let index = usize::try_from(index).ok()?;
        self.leaves.get(index).copied()
    }

    /// All leaf hashes, in order.
    #[must_use]
    pub fn leaves(&self) -> &[Digest] {
        &self.leaves
    }

    /// The tree head at the current length ([`EMPTY_TREE_HEAD`] for
    /// the empty tree).
    #[must_use]
    pub fn root(&self) -> Digest {
        self.range_hash(0, self.leaves.len())
    }

    /// The tree head for the first `size` leaves (evidence-log.md 4.1).
    ///
    /// `size` 0 gives [`EMPTY_TREE_HEAD`]. A `size` above the length
    /// is `size_out_of_range` (asked `size`, size the length).
    pub fn tree_head(&self, size: u64) -> Result<Digest> {
        let end = self.checked_size(size)?;

        Ok(self.range_hash(0, end))
    }

    /// The inclusion proof of leaf `index` in the tree of `size`
    /// leaves (evidence-log.md 4.2): at most ceil(log2 size) hashes,
    /// the leaf's sibling first.
    ///
    /// Fails with `size_out_of_range` when `size` is above the length
    /// (asked `size`, size the length), or when `index >= size`
    /// (asked `index`, size `size`); `size` 0 is always the second
    /// case.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Digest>> {
        let end = self.checked_size(size)?;
        if index >= size {
            return Err(Error::SizeOutOfRange { asked: index, size });
        }

        // index < size <= len, which fits in usize.
        let target = index as usize;
        let mut start = 0;
        let mut stop = end;
        let mut proof = Vec::with_capacity(64);

        // Walk PATH from the top: the sibling met first is the last
        // element of the proof.
        while stop - start > 1 {
            let split = start + largest_power_of_two_below(stop - start);

            if target < split {
                proof.push(self.range_hash(split, stop));
                stop = split;
            } else {
                proof.push(self.range_hash(start, split));
                start = split;
            }
        }

        proof.reverse();
        Ok(proof)
    }

    /// The consistency proof from `old_size` to `new_size`
    /// (evidence-log.md 4.4): at most ceil(log2 `new_size`) + 1 hashes,
    /// empty when the sizes are equal or `old_size` is 0.
    ///
    /// Fails with `size_out_of_range` when `new_size` is above the
    /// length (asked `new_size`, size the length), or when
    /// `old_size > new_size` (asked `old_size`, size `new_size`).
    pub fn consistency_proof(&self, old_size: u64, new_size: u64) -> Result<Vec<Digest>> {
        let end = self.checked_size(new_size)?;
        if old_size > new_size {
            return Err(Error::SizeOutOfRange {
                asked: old_size,
                size: new_size,
            });
        }
        if old_size == new_size || old_size == 0 {
            return Ok(Vec::new());
        }

        // 0 < old_size < new_size <= len, which fits in usize.
        let old = old_size as usize;
        let mut start = 0;
        let mut stop = end;
        let mut whole_old_tree = true;
        let mut proof = Vec::with_capacity(65);

        // Walk SUBPROOF from the top, as in inclusion_proof.
        while old - start != stop - start {
            let split = start + largest_power_of_two_below(stop - start);

            if old <= split {
                proof.push(self.range_hash(split, stop));
                stop = split;
            } else {
                proof.push(self.range_hash(start, split));
                start = split;
                whole_old_tree = false;
            }
        }

        if !whole_old_tree {
            proof.push(self.range_hash(start, stop));
        }

        proof.reverse();
        Ok(proof)
    }

    /// Bytes of heap memory the tree holds, spare capacity included.
    ///
    /// With no spare capacity this is under 40 bytes per leaf: 32 for
    /// the leaf hash and less than 8 for the cached levels. A vector
    /// that grew by doubling may hold up to as much again in spare
    /// capacity; [`MerkleTree::with_capacity`] and
    /// [`MerkleTree::shrink_to_fit`] avoid it.
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        let digest = std::mem::size_of::<Digest>();
        let rows = self.levels.capacity() * std::mem::size_of::<Vec<Digest>>();
        let cached: usize = self.levels.iter().map(Vec::capacity).sum();

        (self.leaves.capacity() + cached) * digest + rows
    }

    /// Gives back the spare capacity of every vector.
    pub fn shrink_to_fit(&mut self) {
        self.leaves.shrink_to_fit();
        for row in &mut self.levels {
            row.shrink_to_fit();
        }
        self.levels.shrink_to_fit();
    }

    /// `size` as a usize when it is at most the length, else
    /// `size_out_of_range`.
    fn checked_size(&self, size: u64) -> Result<usize> {
        match usize::try_from(size) {
            Ok(end) if end <= self.leaves.len() => Ok(end),
            _ => Err(Error::SizeOutOfRange {
                asked: size,
                size: self.len(),
            }),
        }
    }

    /// MTH of leaves `start..stop` (evidence-log.md 4.1).
    ///
    /// Requires `start <= stop <= len` and `start` aligned to the
    /// smallest power of two that is at least `stop - start`; every
    /// range met in PATH and SUBPROOF is. The range splits into one
    /// perfect subtree per set bit of its length, largest first, and
    /// its head is those subtrees folded from the right.
    fn range_hash(&self, start: usize, stop: usize) -> Digest {
        let count = stop - start;
        if count == 0 {
            return EMPTY_TREE_HEAD;
        }

        let mut head: Option<Digest> = None;
        let mut remaining = count;

        while remaining != 0 {
            let level = remaining.trailing_zeros();
            remaining &= remaining - 1;

            // The subtree of this bit sits after those of the higher
            // bits, which are exactly what is left in `remaining`.
            let node = self.node(level, start + remaining);
            head = Some(match head {
                None => node,
                Some(right) => node_hash(&node, &right),
            });
        }

        head.unwrap_or(EMPTY_TREE_HEAD)
    }

    /// The hash of the perfect subtree of 2^`level` leaves that starts
    /// at leaf `start` (a multiple of 2^`level`, the run complete).
    fn node(&self, level: u32, start: usize) -> Digest {
        if level >= FIRST_KEPT_LEVEL {
            let row = (level - FIRST_KEPT_LEVEL) as usize;
            return self.levels[row][start >> level];
        }

        self.hash_below_kept(level, start)
    }

    /// The hash of the perfect subtree of 2^`level` leaves at `start`,
    /// computed from the leaves (`level <= FIRST_KEPT_LEVEL`).
    fn hash_below_kept(&self, level: u32, start: usize) -> Digest {
        if level == 0 {
            return self.leaves[start];
        }

        let half = 1 << (level - 1);
        let left = self.hash_below_kept(level - 1, start);
        let right = self.hash_below_kept(level - 1, start + half);

        node_hash(&left, &right)
    }
}

impl Extend<Digest> for MerkleTree {
    fn extend<I: IntoIterator<Item = Digest>>(&mut self, leaves: I) {
        for leaf in leaves {
            self.push(leaf);
        }
    }
}

impl FromIterator<Digest> for MerkleTree {
    fn from_iter<I: IntoIterator<Item = Digest>>(leaves: I) -> Self {
        let mut tree = Self::new();
        tree.extend(leaves);
        tree
    }
}

/// The largest power of two strictly below `n` (`n >= 2`).
fn largest_power_of_two_below(n: usize) -> usize {
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}
