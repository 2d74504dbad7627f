//! Evidence log benchmarks (evidence-log.md 3, 4, 6), over a journal of
//! typical receipts: one `work_order.created` per pull signal, written
//! by `Line::intake` through a `Journal`.
//!
//! - `evidence/verify`: `JournalFile::open_read_only`, i.e. `tcps
//!   verify` (parse, canonical check, leaf hash, chain, tree), next to
//!   `evidence/sha256_raw`, SHA-256 over the same bytes in memory
//!   (target: verify at 40 % or more of the raw rate);
//! - `evidence/replay`: `Journal::open`, the whole 6.4 with every
//!   receipt replayed into a fresh line (target: 500,000 receipts/s),
//!   on a 20,000-receipt prefix (the full journal's replay is timed
//!   once and printed), and `evidence/open_evidence`, the whole journal
//!   opened without the line;
//! - `evidence/append_no_sync`, `evidence/append_sync`: one intake on a
//!   journal with durability `never` (target: 300,000 receipts/s) and
//!   `every_append`;
//! - `evidence/inclusion_*`, `evidence/consistency_*`: make and check
//!   proofs at 1,000,000 leaves (target: under 20 µs each).
//!
//! The memory a line opened from the journal holds per receipt for its
//! log (target: at most 48 bytes) is printed before the benchmarks.
//!
//! The journal has 1,000,000 receipts (`TCPS_BENCH_RECEIPTS` overrides;
//! in criterion's `--test` mode it has 2,000, so CI stays quick).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use tcps_core::Config;
use tcps_core::flow::{Signal, SignalKind};
use tcps_core::journal::{Durability, Journal, JournalFile, JournalOptions};
use tcps_core::merkle::{verify_consistency, verify_inclusion};

const T0: i64 = 1_769_421_600_000;

fn receipts_wanted() -> u64 {
    if std::env::args().any(|a| a == "--test") {
        return 2_000;
    }
    std::env::var("TCPS_BENCH_RECEIPTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

fn signal(i: u64) -> Signal {
    Signal::new(
        SignalKind::GithubIssue,
        format!("https://github.com/example/tcps/issues/{i}"),
        format!("Fix crash on empty input in parser {}", i % 97),
    )
    .with_labels(["bug"])
}

/// A journal of `n` receipts: `line.opened`, then intakes.
fn build_journal(dir: &Path, n: u64) -> PathBuf {
    let path = dir.join("typical.jsonl");
    let options = JournalOptions::default().with_durability(Durability::Never);
    let mut journal = Journal::create(&path, Config::standard(), T0, &options).expect("create");
    for i in 1..n {
        journal.intake(&signal(i), T0 + i as i64).expect("intake");
    }
    journal.commit().expect("commit");
    path
}

fn bench(c: &mut Criterion) {
    let n = receipts_wanted();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = build_journal(dir.path(), n);
    let bytes = std::fs::read(&path).expect("the journal reads");
    let mb = bytes.len() as f64 / 1e6;

    // One replay of the whole journal, timed once (criterion would need
    // ten), and the memory the line opened from it holds for its log.
    {
        let started = std::time::Instant::now();
        let journal = Journal::open(&path, &JournalOptions::default()).expect("open");
        let seconds = started.elapsed().as_secs_f64();
        let log_bytes = journal.log().heap_bytes();
        eprintln!(
            "evidence: journal of {n} receipts, {mb:.1} MB; replay (Journal::open) in \
             {seconds:.2} s, {:.0} receipts/s (target >= 500000); the line holds {log_bytes} \
             bytes for its log, {:.1} bytes per receipt (target <= 48)",
            n as f64 / seconds,
            log_bytes as f64 / n as f64
        );
    }

    let mut group = c.benchmark_group("evidence");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.warm_up_time(Duration::from_secs(1));

    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("sha256_raw", |b| {
        b.iter(|| tcps_core::Digest::of(black_box(&bytes)));
    });
    group.bench_function("verify", |b| {
        b.iter(|| JournalFile::open_read_only(black_box(&path)).expect("verifies"));
    });

    group.throughput(Throughput::Elements(n));
    group.bench_function("open_evidence", |b| {
        b.iter(|| JournalFile::open(black_box(&path)).expect("opens"));
    });
    // Replay into a line on a prefix of 20,000 receipts, so that ten
    // samples stay short; the full journal's figure is printed above.
    let prefix = n.min(20_000);
    let short = dir.path().join("prefix.jsonl");
    let cut = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(prefix as usize - 1)
        .map_or(bytes.len(), |(i, _)| i + 1);
    std::fs::write(&short, &bytes[..cut]).expect("the prefix is written");
    group.throughput(Throughput::Elements(prefix));
    group.bench_function("replay", |b| {
        b.iter(|| Journal::open(black_box(&short), &JournalOptions::default()).expect("opens"));
    });

    // Appends, on journals of their own.
    group.throughput(Throughput::Elements(1));
    group.measurement_time(Duration::from_secs(5));
    for (name, durability) in [
        ("append_no_sync", Durability::Never),
        ("append_sync", Durability::EveryAppend),
    ] {
        let path = dir.path().join(format!("{name}.jsonl"));
        let options = JournalOptions::default().with_durability(durability);
        let mut journal = Journal::create(&path, Config::standard(), T0, &options).expect("create");
        let mut i = 0u64;
        group.bench_function(name, |b| {
            b.iter(|| {
                i += 1;
                journal.intake(&signal(i), T0 + i as i64).expect("intake")
            });
        });
    }

    // Proofs at the full size of the journal's tree.
    let journal = JournalFile::open_read_only(&path).expect("opens");
    let tree = journal.tree();
    let size = tree.len();
    let root = tree.root();
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut pick = move |below: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % below
    };
    let cases: Vec<u64> = (0..1024).map(|_| pick(size)).collect();
    let mut at = 0usize;
    let mut next = || {
        at = (at + 1) % cases.len();
        cases[at]
    };
    group.bench_function("inclusion_make", |b| {
        b.iter(|| {
            tree.inclusion_proof(black_box(next()), size)
                .expect("proof")
        });
    });
    let proofs: Vec<_> = cases
        .iter()
        .map(|&i| (i, tree.inclusion_proof(i, size).expect("proof")))
        .collect();
    let mut at = 0usize;
    group.bench_function("inclusion_check", |b| {
        b.iter(|| {
            at = (at + 1) % proofs.len();
            let (i, proof) = &proofs[at];
            let leaf = tree.leaf(*i).expect("leaf");
            verify_inclusion(&leaf, *i, size, proof, &root).expect("holds");
        });
    });
    let olds: Vec<u64> = cases.iter().map(|&i| i.max(1)).collect();
    let mut at = 0usize;
    group.bench_function("consistency_make", |b| {
        b.iter(|| {
            at = (at + 1) % olds.len();
            tree.consistency_proof(black_box(olds[at]), size)
                .expect("proof")
        });
    });
    let consistency: Vec<_> = olds
        .iter()
        .map(|&m| {
            let proof = tree.consistency_proof(m, size).expect("proof");
            (m, tree.tree_head(m).expect("head"), proof)
        })
        .collect();
    let mut at = 0usize;
    group.bench_function("consistency_check", |b| {
        b.iter(|| {
            at = (at + 1) % consistency.len();
            let (m, old_root, proof) = &consistency[at];
            verify_consistency(*m, size, old_root, &root, proof).expect("holds");
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
