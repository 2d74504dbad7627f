//! Merkle tree benchmarks at a million leaves (evidence-log.md 4):
//!
//! - `merkle/push`: append one leaf hash (about one SHA-256 of 65
//!   bytes on average);
//! - `merkle/tree_head_*`, `merkle/inclusion_proof*`,
//!   `merkle/consistency_proof`: make a tree head or proof in a tree
//!   of 1,000,000 leaves, for random sizes, indexes and old sizes
//!   (target: well under 20 µs each);
//! - `merkle/verify_*`: check those proofs with the free verifiers.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use tcps_core::Digest;
use tcps_core::merkle::{MerkleTree, verify_consistency, verify_inclusion};

const LEAVES: u64 = 1_000_000;

/// Queries cycle through this many precomputed random cases.
const CASES: usize = 4096;

/// A fixed xorshift, so every run asks the same questions.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn leaf(i: u64) -> Digest {
    Digest::of(&i.to_be_bytes())
}

fn million() -> MerkleTree {
    let mut tree = MerkleTree::with_capacity(LEAVES as usize);
    tree.extend((0..LEAVES).map(leaf));
    tree
}

fn merkle(c: &mut Criterion) {
    let tree = million();
    let root = tree.root();
    let mut seed = 0x2545_f491_4f6c_dd1d;

    let sizes: Vec<u64> = (0..CASES).map(|_| 1 + next(&mut seed) % LEAVES).collect();
    let indexes: Vec<u64> = (0..CASES).map(|_| next(&mut seed) % LEAVES).collect();
    let olds: Vec<u64> = (0..CASES).map(|_| 1 + next(&mut seed) % LEAVES).collect();

    let inclusion: Vec<(Digest, u64, Vec<Digest>)> = indexes
        .iter()
        .map(|&i| {
            let proof = tree.inclusion_proof(i, LEAVES).expect("in range");
            (tree.leaf(i).expect("leaf"), i, proof)
        })
        .collect();
    let consistency: Vec<(u64, Digest, Vec<Digest>)> = olds
        .iter()
        .map(|&old| {
            let head = tree.tree_head(old).expect("in range");
            let proof = tree.consistency_proof(old, LEAVES).expect("in range");
            (old, head, proof)
        })
        .collect();

    let mut group = c.benchmark_group("merkle");

    let fresh: Vec<Digest> = (0..1 << 20).map(leaf).collect();
    group.bench_function("push", |b| {
        b.iter_custom(|iters| push_timed(&fresh, iters));
    });

    let mut k = 0;
    group.bench_function("tree_head_random_size", |b| {
        b.iter(|| {
            k = (k + 1) % CASES;
            black_box(tree.tree_head(sizes[k]))
        });
    });

    group.bench_function("tree_head_full", |b| {
        b.iter(|| black_box(tree.tree_head(black_box(LEAVES))));
    });

    group.bench_function("inclusion_proof", |b| {
        b.iter(|| {
            k = (k + 1) % CASES;
            black_box(tree.inclusion_proof(indexes[k], LEAVES))
        });
    });

    group.bench_function("inclusion_proof_random_size", |b| {
        b.iter(|| {
            k = (k + 1) % CASES;
            let size = sizes[k];
            black_box(tree.inclusion_proof(indexes[k] % size, size))
        });
    });

    group.bench_function("verify_inclusion", |b| {
        b.iter(|| {
            k = (k + 1) % CASES;
            let (leaf, index, proof) = &inclusion[k];
            black_box(verify_inclusion(leaf, *index, LEAVES, proof, &root))
        });
    });

    group.bench_function("consistency_proof", |b| {
        b.iter(|| {
            k = (k + 1) % CASES;
            black_box(tree.consistency_proof(olds[k], LEAVES))
        });
    });

    group.bench_function("verify_consistency", |b| {
        b.iter(|| {
            k = (k + 1) % CASES;
            let (old, old_root, proof) = &consistency[k];
            black_box(verify_consistency(*old, LEAVES, old_root, &root, proof))
        });
    });

    group.finish();
}

/// Times `iters` appends of `leaves`, into trees of at most
/// `leaves.len()` leaves so that memory stays bounded however many
/// iterations criterion asks for.
fn push_timed(leaves: &[Digest], iters: u64) -> Duration {
    let mut total = Duration::ZERO;
    let mut done = 0;

    while done < iters {
        let chunk = (iters - done).min(leaves.len() as u64) as usize;
        let mut tree = MerkleTree::with_capacity(chunk);

        let start = Instant::now();
        for leaf in &leaves[..chunk] {
            tree.push(black_box(*leaf));
        }
        total += start.elapsed();

        done += chunk as u64;
    }

    total
}

criterion_group!(benches, merkle);
criterion_main!(benches);
