//! Kaizen benchmarks (issue 6):
//!
//! - `kaizen/weekly_report`, `kaizen/dora`, `kaizen/flow`, `kaizen/tps`:
//!   the weekly report and the DORA, flow and TPS metrics of the last
//!   week of a line of 1,000,000 receipts (target: under 300 ms each,
//!   memory proportional to the window, not to the journal). The same
//!   queries over a line of a tenth of the size show that the cost
//!   follows the window;
//! - `kaizen/forecast_10k`: a 10,000-run forecast of items by a date
//!   14 days ahead, and of the date for 100 items (target: under 50 ms).
//!
//! The line is built through the public API into a journal (so its log
//! keeps hashes, not receipts) on a three-stage line: compilation and
//! `test_execution` with their gates, then publication. A work order
//! starts every 6 minutes and takes about an hour; one in 20 fails its
//! tests once, raising an andon that is resolved with one of five root
//! causes before the re-run. `cargo bench -- --test` builds 20,000
//! receipts instead of 1,000,000.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use tcps_core::andon::Resolution;
use tcps_core::flow::{Signal, SignalKind};
use tcps_core::id::{AndonId, SkuId, WorkOrderId};
use tcps_core::ingest::{self, Input, Limits};
use tcps_core::journal::{Durability, Journal, JournalOptions};
use tcps_core::kaizen::{self, Date, ForecastOptions, Window};
use tcps_core::quality::{EvalOptions, Evidence};
use tcps_core::{Config, Timestamp};

const T0: Timestamp = 1_735_689_600_000; // 2025-01-01T00:00:00Z
const MIN: i64 = 60_000;

/// One step of a work order's life, at an offset in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Intake,
    Start,
    Create,
    Compile,
    ToTests,
    FailTests,
    Resolve,
    Tests,
    ToPublication,
    Publish,
}

fn steps(fails: bool) -> Vec<(i64, Step)> {
    let mut out = vec![
        (0, Step::Intake),
        (1, Step::Start),
        (2, Step::Create),
        (5, Step::Compile),
        (7, Step::ToTests),
    ];
    if fails {
        out.extend([(12, Step::FailTests), (30, Step::Resolve)]);
    }
    out.extend([
        (40, Step::Tests),
        (50, Step::ToPublication),
        (60, Step::Publish),
    ]);
    out
}

fn config() -> Config {
    let mut config = Config::standard();
    config.flow.stages = ["compilation", "test_execution", "publication"]
        .map(str::to_owned)
        .to_vec();
    config
        .quality
        .gates
        .retain(|g| g.name == "compilation" || g.name == "test_execution");
    config.andon.require_rca.clear();
    config
}

struct Evidences {
    compile: Evidence,
    pass: Evidence,
    fail: Evidence,
}

fn evidences() -> Evidences {
    let junit = |failed: bool| {
        let extra = if failed {
            r#"<testcase classname="api" name="test_login"><failure/></testcase>"#
        } else {
            ""
        };
        let xml = format!(
            r#"<testsuite name="s"><testcase classname="a" name="t1"/><testcase classname="a" name="t2"/>{extra}</testsuite>"#
        );
        ingest::junit(Input::new("junit.xml", xml.as_bytes()), &Limits::default())
            .expect("junit parses")
    };
    let lcov = "SF:a.rs\nDA:1,1\nDA:2,1\nend_of_record\n";
    let coverage = ingest::lcov(Input::new("lcov.info", lcov.as_bytes()), &Limits::default())
        .expect("lcov parses");
    Evidences {
        compile: Evidence::Compilation(ingest::DiagnosticSummary::default()),
        pass: Evidence::Tests {
            tests: Some(junit(false)),
            coverage: Some(coverage.clone()),
        },
        fail: Evidence::Tests {
            tests: Some(junit(true)),
            coverage: Some(coverage),
        },
    }
}

const CAUSES: [&str; 5] = [
    "flaky network mock",
    "missing lock file update",
    "stale fixture",
    "clock skew",
    "port in use",
];

/// Builds a journaled line of at least `receipts` receipts; returns it
/// with the time of its last receipt.
fn build(receipts: u64, path: &PathBuf) -> (Journal, Timestamp) {
    let _ = std::fs::remove_file(path);
    let options = JournalOptions::new().with_durability(Durability::Never);
    let mut line = Journal::create(path, config(), T0, &options).expect("journal");
    let ev = evidences();
    let kinds = [
        SignalKind::Cve,
        SignalKind::MarketplaceRefund,
        SignalKind::MarketplaceInstall,
    ];
    let mut queue: BinaryHeap<Reverse<(Timestamp, u64, Step)>> = BinaryHeap::new();
    let mut next_wo = 0u64;
    let mut andons = 0u64;
    let mut last = T0;
    while line.len() < receipts || !queue.is_empty() {
        let next_start = T0 + next_wo as i64 * 6 * MIN;
        let due = queue.peek().map(|Reverse((t, _, _))| *t);
        if line.len() < receipts && due.is_none_or(|t| next_start <= t) {
            for (offset, step) in steps(next_wo % 20 == 19) {
                queue.push(Reverse((next_start + offset * MIN, next_wo, step)));
            }
            next_wo += 1;
            continue;
        }
        let Some(Reverse((t, n, step))) = queue.pop() else {
            break;
        };
        let (wo, sku) = (WorkOrderId(n + 1), SkuId(n + 1));
        match step {
            Step::Intake => {
                let kind = kinds[(n % 3) as usize];
                let signal = Signal::new(kind, format!("demand-{n}"), "bench demand");
                let got = line.intake(&signal, t).expect("intake").work_order;
                assert_eq!(got, wo);
            }
            Step::Start => line.start(wo, t).expect("start"),
            Step::Create => {
                line.create_sku(wo, Some(t - 30 * MIN), None, t)
                    .expect("create_sku");
            }
            Step::Compile => {
                line.evaluate_gate(sku, "compilation", &ev.compile, EvalOptions::default(), t)
                    .expect("compile");
            }
            Step::ToTests => line.transition(sku, "test_execution", t).expect("to tests"),
            Step::FailTests => {
                line.evaluate_gate(sku, "test_execution", &ev.fail, EvalOptions::default(), t)
                    .expect("failing tests");
                andons += 1;
            }
            Step::Resolve => {
                let cause = CAUSES[(andons % 5) as usize];
                let resolution = Resolution::new(cause, "fixed", "a test for it");
                line.resolve(AndonId(andons), &resolution, t)
                    .expect("resolve");
            }
            Step::Tests => {
                line.evaluate_gate(sku, "test_execution", &ev.pass, EvalOptions::default(), t)
                    .expect("tests");
            }
            Step::ToPublication => line
                .transition(sku, "publication", t)
                .expect("to publication"),
            Step::Publish => {
                line.release(sku, t).expect("release");
                line.publish(sku, None, t).expect("publish");
            }
        }
        last = t;
    }
    (line, last)
}

fn quick() -> bool {
    std::env::args().any(|a| a == "--test")
}

/// Resident memory of this process in KiB (Linux), for the notes.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn queries(c: &mut Criterion, size: u64, label: &str) {
    let path = std::env::temp_dir().join(format!(
        "tcps-kaizen-bench-{}-{label}.journal",
        std::process::id()
    ));
    let started = std::time::Instant::now();
    let (line, last) = build(size, &path);
    let now = last + 1;
    let today = Date::of(now);
    let week = Window::days(today.add_days(-6), today).expect("week");
    eprintln!(
        "kaizen bench: line of {} receipts built in {:.1} s, RSS {} MiB",
        line.len(),
        started.elapsed().as_secs_f64(),
        rss_kib() / 1024
    );
    let before = rss_kib();
    black_box(kaizen::weekly_report(&line, today, now).expect("report"));
    eprintln!(
        "kaizen bench: RSS growth over one weekly report {} KiB",
        rss_kib().saturating_sub(before)
    );

    let mut group = c.benchmark_group(format!("kaizen/{label}"));
    group.sample_size(10);
    group.bench_function("weekly_report", |b| {
        b.iter(|| black_box(kaizen::weekly_report(&line, today, now).expect("report")));
    });
    group.bench_function("dora", |b| {
        b.iter(|| black_box(kaizen::dora(&line, &week, now)));
    });
    group.bench_function("flow", |b| {
        b.iter(|| black_box(kaizen::flow(&line, &week, now)));
    });
    group.bench_function("tps", |b| {
        b.iter(|| black_box(kaizen::tps(&line, &week, now)));
    });
    group.bench_function("waste", |b| {
        b.iter(|| black_box(kaizen::waste(&line, &week)));
    });
    group.finish();

    let target = today.add_days(13);
    c.bench_function(&format!("kaizen/{label}/forecast_items_10k"), |b| {
        b.iter(|| {
            let opts = ForecastOptions {
                seed: 42,
                runs: Some(10_000),
                history_days: None,
            };
            black_box(kaizen::forecast_items(&line, target, opts, now).expect("forecast"))
        });
    });
    c.bench_function(&format!("kaizen/{label}/forecast_date_10k"), |b| {
        b.iter(|| {
            let opts = ForecastOptions {
                seed: 42,
                runs: Some(10_000),
                history_days: None,
            };
            black_box(kaizen::forecast_date(&line, 100, opts, now).expect("forecast"))
        });
    });
    drop(line);
    let _ = std::fs::remove_file(&path);
}

fn kaizen_benches(c: &mut Criterion) {
    if quick() {
        queries(c, 20_000, "20k");
    } else {
        queries(c, 100_000, "100k");
        queries(c, 1_000_000, "1m");
    }
}

criterion_group!(benches, kaizen_benches);
criterion_main!(benches);
