//! Flow benchmarks (issue 5); every operation seals, hashes and applies
//! its receipts into an in-memory log:
//!
//! - `flow/cycle`: intake → start → `create_sku` → release → complete on a
//!   one-stage line without gates, the shortest path flow.md allows from
//!   a signal to a completed work order (five receipts; target: at least
//!   200,000 cycles per second);
//! - `flow/next_100k`: `next` (weighted) with 100,000 queued work orders
//!   over all six buckets, each call starting one (target: under 10 µs);
//! - `flow/sla_scan_100k`: `sla_breaches` plus `sla_warnings` over
//!   100,000 open work orders, one created per second over 27.8 hours,
//!   of which about 2,300 are breached and 3,600 in warning (target:
//!   under 2 ms); `flow/sla_scan_100k_quiet` scans the same line at a
//!   time when nothing is due;
//! - `flow/report_100k`: `report` over 100,000 work orders, 20,000 of
//!   them completed (target: under 5 ms);
//! - `flow/memory` prints the heap held per open work order beyond its
//!   text fields (target: at most 512 bytes), measured with a counting
//!   allocator around 100,000 intakes into a journaled line (whose log
//!   keeps no receipts), less the log's own heap and the text fields
//!   (their headers and what they own, measured by cloning them).
//!
//! Times are the CPU time of the measuring thread
//! (`CLOCK_THREAD_CPUTIME_ID`), else wall time: the benchmark host is
//! shared, and wall time there measures the neighbours.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

/// A clock for measurements: thread CPU time when available.
#[derive(Clone, Copy)]
struct Clock(Option<Instant>);

impl Clock {
    fn start() -> Self {
        if cpu_ns().is_some() {
            Clock(None)
        } else {
            Clock(Some(Instant::now()))
        }
    }

    /// Time since the start of the run: CPU nanoseconds, or wall time.
    fn now(self) -> Duration {
        match self.0 {
            Some(origin) => origin.elapsed(),
            None => Duration::from_nanos(cpu_ns().unwrap_or(0)),
        }
    }
}

/// Nanoseconds this thread has run on a CPU.
fn cpu_ns() -> Option<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &raw mut ts) };
    let secs = u64::try_from(ts.tv_sec).ok()?;
    let nanos = u64::try_from(ts.tv_nsec).ok()?;
    (rc == 0).then_some(secs * 1_000_000_000 + nanos)
}

/// Times `iters` runs of `f` on the measurement clock.
fn timed(iters: u64, mut f: impl FnMut()) -> Duration {
    let clock = Clock::start();
    let start = clock.now();
    for _ in 0..iters {
        f();
    }
    clock.now().saturating_sub(start)
}

use criterion::{Criterion, criterion_group, criterion_main};
use tcps_core::flow::{Bucket, Signal, SignalKind, Status, WorkOrderFilter};
use tcps_core::journal::{Durability, Journal, JournalOptions};
use tcps_core::value::Value;
use tcps_core::{Config, Line};

const T0: i64 = 1_769_421_600_000;
const HOUR: i64 = 3_600_000;

/// Counts the bytes the program holds on the heap.
struct Counting;

static HELD: AtomicIsize = AtomicIsize::new(0);

// The one unsafe block of the benches: a global allocator must implement
// the unsafe GlobalAlloc trait; it only forwards to the system allocator
// and counts.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        HELD.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: the caller's contract is forwarded unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: the caller's contract is forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        HELD.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: the caller's contract is forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The standard configuration changed by `edit`.
fn config_with(edit: impl FnOnce(&mut tcps_core::value::Map)) -> Config {
    let mut v = Config::standard().to_value();
    if let Value::Object(map) = &mut v {
        edit(map);
    }
    Config::from_value(&v).expect("a valid configuration")
}

fn set(map: &mut tcps_core::value::Map, path: &[&str], value: Value) {
    let mut cur = map;
    for part in &path[..path.len() - 1] {
        let Some(Value::Object(next)) = cur.get_mut(*part) else {
            panic!("no object at {part}");
        };
        cur = next;
    }
    cur.insert(path[path.len() - 1].to_owned(), value);
}

/// One stage without a gate and unlimited WIP everywhere.
fn fast_config() -> Config {
    config_with(|m| {
        set(m, &["stages"], Value::Array(vec!["publication".into()]));
        set(m, &["gates"], Value::Array(Vec::new()));
        for b in Bucket::ALL {
            set(m, &["buckets", b.as_str(), "wip_mode"], "unlimited".into());
            set(m, &["buckets", b.as_str(), "wip_limit"], Value::Null);
        }
    })
}

/// An internal request for `bucket` with its own source.
fn request(i: u64, bucket: Bucket) -> Signal {
    Signal::new(
        SignalKind::InternalRequest,
        format!("req-{i:08}"),
        "benchmark demand",
    )
    .with_metadata("bucket", bucket.as_str())
    .with_metadata("priority", (1 + i % 10).to_string())
}

/// `n` queued work orders spread over the six buckets, one per `step_ms`.
fn queued_line(config: Config, n: u64, step_ms: i64) -> Line {
    let mut line = Line::new(config, T0).expect("the line opens");
    for i in 0..n {
        let signal = request(i, Bucket::from_index(i as usize));
        line.intake(&signal, T0 + i as i64 * step_ms)
            .expect("intake");
    }
    line
}

fn cycle(c: &mut Criterion) {
    const BATCH: u64 = 20_000;
    c.bench_function("flow/cycle", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            let mut left = iters;
            let mut next = 0;
            while left > 0 {
                let n = left.min(BATCH);
                let mut line = Line::new(fast_config(), T0).expect("the line opens");
                let signals: Vec<Signal> = (0..n)
                    .map(|i| request(next + i, Bucket::from_index((next + i) as usize)))
                    .collect();
                next += n;
                let mut signals = signals.iter();
                spent += timed(n, || {
                    let Some(s) = signals.next() else { return };
                    let wo = line.intake(s, T0).expect("intake").work_order;
                    line.start(wo, T0).expect("start");
                    let sku = line.create_sku(wo, None, None, T0).expect("create_sku");
                    line.release(sku, T0).expect("release");
                    line.complete(wo, sku, T0).expect("complete");
                });
                black_box(&line);
                left -= n;
            }
            spent
        });
    });
}

fn next_100k(c: &mut Criterion) {
    const QUEUED: u64 = 100_000;
    const BATCH: u64 = 5_000;
    let mut line: Option<Line> = None;
    c.bench_function("flow/next_100k", |b| {
        let line = line.get_or_insert_with(|| queued_line(fast_config(), QUEUED, 0));
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let n = left.min(BATCH);
                let queued = line
                    .work_orders(&WorkOrderFilter {
                        status: Some(Status::Queued),
                        bucket: None,
                    })
                    .len() as u64;
                if queued < QUEUED - 2 * BATCH {
                    *line = queued_line(fast_config(), QUEUED, 0);
                }
                spent += timed(n, || {
                    black_box(line.next(T0).expect("next"));
                });
                left -= n;
            }
            spent
        });
    });
}

/// 100,000 queued work orders, one created per second.
fn sla_line() -> Line {
    let line = queued_line(fast_config(), 100_000, 1_000);
    let now = T0 + 100_000 * 1_000;
    let (breaches, warnings) = (line.sla_breaches(now), line.sla_warnings(now, None));
    eprintln!(
        "sla scan finds {} breaches and {} warnings",
        breaches.len(),
        warnings.len()
    );
    line
}

fn sla_scan_100k(c: &mut Criterion) {
    let mut line: Option<Line> = None;
    let now = T0 + 100_000 * 1_000;
    c.bench_function("flow/sla_scan_100k", |b| {
        let line = line.get_or_insert_with(sla_line);
        b.iter_custom(|iters| {
            timed(iters, || {
                black_box((line.sla_breaches(now), line.sla_warnings(now, None)));
            })
        });
    });
    let quiet = T0 + HOUR;
    c.bench_function("flow/sla_scan_100k_quiet", |b| {
        let line = line.get_or_insert_with(sla_line);
        b.iter_custom(|iters| {
            timed(iters, || {
                black_box((line.sla_breaches(quiet), line.sla_warnings(quiet, None)));
            })
        });
    });
}

/// 100,000 work orders, one per second, every fifth completed.
fn report_line() -> Line {
    let mut line = Line::new(fast_config(), T0).expect("the line opens");
    for i in 0..100_000u64 {
        let now = T0 + i as i64 * 1_000;
        let wo = line
            .intake(&request(i, Bucket::from_index(i as usize)), now)
            .expect("intake")
            .work_order;
        if i % 5 == 0 {
            line.start(wo, now).expect("start");
            let sku = line.create_sku(wo, None, None, now).expect("create_sku");
            line.release(sku, now).expect("release");
            line.complete(wo, sku, now).expect("complete");
        }
    }
    line
}

fn report_100k(c: &mut Criterion) {
    let mut line: Option<Line> = None;
    let now = T0 + 100_000 * 1_000;
    c.bench_function("flow/report_100k", |b| {
        let line = line.get_or_insert_with(report_line);
        b.iter_custom(|iters| {
            timed(iters, || {
                black_box(
                    line.report("2026-01-01", "2026-12-31", now)
                        .expect("report"),
                );
            })
        });
    });
}

/// Prints the heap held per open work order beyond its text fields.
fn memory() {
    const N: u64 = 100_000;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let options = JournalOptions::new().with_durability(Durability::Never);
    let path = dir.path().join("memory.jsonl");
    let mut journal = Journal::create(&path, fast_config(), T0, &options).expect("journal");
    let signals: Vec<Signal> = (0..N)
        .map(|i| request(i, Bucket::from_index(i as usize)))
        .collect();

    let log_before = journal.log().heap_bytes() as isize;
    let before = HELD.load(Ordering::Relaxed);
    for s in &signals {
        journal.intake(s, T0).expect("intake");
    }
    let grown = HELD.load(Ordering::Relaxed) - before;
    let log = journal.log().heap_bytes() as isize - log_before;

    // The text fields with their headers, measured by cloning them: the
    // vector of clones holds the eight headers of each work order, the
    // clones what the fields own.
    let held = HELD.load(Ordering::Relaxed);
    let copies: Vec<_> = journal
        .work_orders(&WorkOrderFilter::default())
        .iter()
        .map(|w| {
            (
                w.source.clone(),
                w.description.clone(),
                w.labels.clone(),
                w.aliases.clone(),
                w.metadata.clone(),
                w.dedup_keys.clone(),
                w.bucket_rule.clone(),
                w.priority_rule.clone(),
            )
        })
        .collect();
    let text = HELD.load(Ordering::Relaxed) - held;
    drop(copies);
    let per = |bytes: isize| bytes as f64 / N as f64;
    eprintln!(
        "memory per open work order: {:.0} bytes held, {:.0} of them the log's tree, \
         {:.0} text; {:.0} bytes beyond text and log (target <= 512)",
        per(grown),
        per(log),
        per(text),
        per(grown - log - text),
    );
    black_box(&journal);
}

fn all(c: &mut Criterion) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    c.bench_function("flow/memory", |b| {
        ONCE.call_once(memory);
        b.iter(|| black_box(HELD.load(Ordering::Relaxed)));
    });
    cycle(c);
    next_100k(c);
    sla_scan_100k(c);
    report_100k(c);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(3));
    targets = all
}
criterion_main!(benches);
