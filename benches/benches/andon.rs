//! Andon benchmarks (issue 6):
//!
//! - `andon/cycle`: raise → acknowledge → resolve, three receipts per
//!   cycle, sealed, hashed and applied (target: at least 200,000 cycles
//!   per second, so at most 5 µs per cycle);
//! - `andon/can_proceed_10k`: `can_proceed` with 10,000 open andons on
//!   the line (target: under 1 µs), for a SKU no andon covers and for a
//!   SKU one andon covers; `can_start` alongside.
//!
//! Times are the CPU time of the measuring thread where Linux reports it
//! (`/proc/thread-self/schedstat`), else wall time: the benchmark host is
//! shared, and wall time there measures the neighbours too.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use tcps_core::Line;
use tcps_core::andon::{FailureType, RaiseRequest, Resolution, Severity, Subject};
use tcps_core::flow::{Signal, SignalKind};
use tcps_core::id::{SkuId, WorkOrderId};

const T0: i64 = 1_769_421_600_000;

/// Cycles run on one line before a fresh one is built, so memory stays
/// bounded however many iterations criterion asks for.
const BATCH: u64 = 10_000;

/// Nanoseconds this thread has run on a CPU, where Linux reports it.
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Whether criterion runs in its quick test mode (`-- --test`).
fn quick() -> bool {
    std::env::args().any(|a| a == "--test")
}

/// CPU nanoseconds per call of `f` over `calls` calls, where Linux
/// reports thread CPU time; measured over one long run, since the
/// counter only moves at scheduler ticks.
fn per_call_cpu_ns(calls: u64, mut f: impl FnMut()) -> Option<f64> {
    let from = cpu_ns()?;
    for _ in 0..calls {
        f();
    }
    let to = cpu_ns()?;
    Some(to.saturating_sub(from) as f64 / calls as f64)
}

/// A standard line with one work order in progress and one SKU.
fn line_with_sku() -> (Line, WorkOrderId, SkuId) {
    let mut line = Line::standard(T0).expect("the line opens");
    let signal = Signal::new(SignalKind::Cve, "CVE-2026-0001", "overflow");
    let wo = line.intake(&signal, T0).expect("intake").work_order;
    line.start(wo, T0).expect("start");
    let sku = line.create_sku(wo, None, None, T0).expect("create_sku");
    (line, wo, sku)
}

fn cycle(c: &mut Criterion) {
    let resolution = Resolution::new("flaky fixture", "pin the seed", "seeded test added");
    let mut request = RaiseRequest::new(Subject::Sku(SkuId(1)), FailureType::PerformanceRegression);
    request.raised_by = Some("bench".into());

    c.bench_function("andon/cycle", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let n = left.min(BATCH);
                let (mut line, _, sku) = line_with_sku();
                request.subject = Subject::Sku(sku);
                let start = Instant::now();
                for i in 0..n {
                    let now = T0 + i as i64;
                    let raised = line.raise(request.clone(), now).expect("raise");
                    line.acknowledge(raised.andon, "alice", None, now)
                        .expect("acknowledge");
                    line.resolve(raised.andon, &resolution, now)
                        .expect("resolve");
                }
                spent += start.elapsed();
                black_box(&line);
                left -= n;
            }
            spent
        });
    });

    if !quick() {
        let cycles = 100_000;
        if let Some(ns) = cycle_cpu_ns(cycles, &request, &resolution) {
            let per_cycle = ns as f64 / cycles as f64;
            eprintln!(
                "cpu-time andon/cycle: {:.2} us per cycle, {:.0} cycles per second",
                per_cycle / 1000.0,
                1e9 / per_cycle
            );
        }
    }
}

/// Runs `cycles` raise → acknowledge → resolve cycles in batches and
/// returns the CPU nanoseconds they took, line building left out.
fn cycle_cpu_ns(cycles: u64, request: &RaiseRequest, resolution: &Resolution) -> Option<u64> {
    let mut spent = 0;
    let mut left = cycles;
    while left > 0 {
        let n = left.min(BATCH);
        let (mut line, _, _) = line_with_sku();
        let from = cpu_ns()?;
        for i in 0..n {
            let now = T0 + i as i64;
            let raised = line.raise(request.clone(), now).ok()?;
            line.acknowledge(raised.andon, "alice", None, now).ok()?;
            line.resolve(raised.andon, resolution, now).ok()?;
        }
        spent += cpu_ns()?.saturating_sub(from);
        black_box(&line);
        left -= n;
    }
    Some(spent)
}

fn can_proceed(c: &mut Criterion) {
    let (mut line, wo, _) = line_with_sku();
    let types: Vec<FailureType> = FailureType::ALL
        .into_iter()
        .filter(|t| *t != FailureType::Manual)
        .collect();
    for _ in 0..1000 {
        let sku = line.create_sku(wo, None, None, T0).expect("create_sku");
        for t in &types {
            line.raise(RaiseRequest::new(Subject::Sku(sku), *t), T0)
                .expect("raise");
        }
    }
    let covered = line.create_sku(wo, None, None, T0).expect("create_sku");
    let mut one = RaiseRequest::new(Subject::Sku(covered), FailureType::Manual);
    one.severity = Some(Severity::Low);
    line.raise(one, T0).expect("raise");
    let free = line.create_sku(wo, None, None, T0).expect("create_sku");
    assert_eq!(line.open_count(), 10_001);

    c.bench_function("andon/can_proceed_10k/free_sku", |b| {
        b.iter(|| line.can_proceed(black_box(free), black_box("compilation")));
    });
    c.bench_function("andon/can_proceed_10k/covered_sku", |b| {
        b.iter(|| line.can_proceed(black_box(covered), black_box("compilation")));
    });
    c.bench_function("andon/can_start_10k", |b| {
        b.iter(|| line.can_start(black_box(WorkOrderId(1))));
    });

    if !quick() {
        let free_ns = per_call_cpu_ns(10_000_000, || {
            black_box(
                line.can_proceed(black_box(free), black_box("compilation"))
                    .ok(),
            );
        });
        let covered_ns = per_call_cpu_ns(10_000_000, || {
            black_box(
                line.can_proceed(black_box(covered), black_box("compilation"))
                    .ok(),
            );
        });
        if let (Some(free_ns), Some(covered_ns)) = (free_ns, covered_ns) {
            eprintln!(
                "cpu-time andon/can_proceed_10k: {free_ns:.0} ns (free SKU), \
                 {covered_ns:.0} ns (covered SKU) per call"
            );
        }
    }
}

criterion_group!(benches, cycle, can_proceed);
criterion_main!(benches);
