//! Quality benchmarks (issue 4):
//!
//! - `quality/evaluate_gate`: `test_execution` on the reports of Q-18
//!   (parsed once), one `gate.evaluated` receipt sealed, hashed and
//!   applied per evaluation (target: a few µs, like every
//!   receipt-producing operation);
//! - `quality/evaluate_pure`: the verdicts, summary and sources of the
//!   same evidence without a line;
//! - `quality/verdict`: one ratio condition, compared exactly;
//! - `quality/config`: reading and validating the standard configuration
//!   (all ten members).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use tcps_core::flow::{Signal, SignalKind};
use tcps_core::id::SkuId;
use tcps_core::ingest::{self, DiagnosticSummary, Input, Limits};
use tcps_core::quality::{
    Actual, Condition, EvalOptions, Evidence, Metric, Op, QualityConfig, preview,
};
use tcps_core::{Config, Line};

const T0: i64 = 1_769_421_600_000;

/// Evaluations run on one line before a fresh one is built, so memory
/// stays bounded however many iterations criterion asks for.
const BATCH: u64 = 10_000;

fn corpus(kind: &str, file: &str) -> Vec<u8> {
    let path = format!(
        "{}/../tcps-core/tests/data/{kind}/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn q18_evidence() -> Evidence {
    let junit = corpus(
        "junit",
        "EnricoMi-publish-unit-test-result-action__junit.fail.xml",
    );
    let lcov = corpus("lcov", "coverallsapp-coverage-reporter__test.lcov");
    let limits = Limits::default();
    Evidence::Tests {
        tests: Some(ingest::junit(Input::new("junit.fail.xml", &junit), &limits).unwrap()),
        coverage: Some(ingest::lcov(Input::new("test.lcov", &lcov), &limits).unwrap()),
    }
}

/// A standard line with one SKU at `test_execution`.
fn line_at_tests() -> (Line, SkuId) {
    let mut line = Line::standard(T0).expect("the line opens");
    let signal = Signal::new(SignalKind::MarketplaceInstall, "install-1", "bench");
    let wo = line.intake(&signal, T0).expect("intake").work_order;
    line.start(wo, T0).expect("start");
    let sku = line.create_sku(wo, None, None, T0).expect("create_sku");
    line.skip_gate(sku, "shacl_validation", "bench", T0)
        .expect("skip");
    line.transition(sku, "compilation", T0)
        .expect("to compilation");
    let clean = Evidence::Compilation(DiagnosticSummary::default());
    line.evaluate_gate(sku, "compilation", &clean, EvalOptions::default(), T0)
        .expect("compilation");
    line.transition(sku, "test_execution", T0)
        .expect("to test_execution");
    (line, sku)
}

fn evaluate_gate(c: &mut Criterion) {
    let evidence = q18_evidence();
    // A passing report keeps the SKU free of andons: the benchmark times
    // the gate receipt alone.
    let passing = match &evidence {
        Evidence::Tests { coverage, .. } => {
            let junit = corpus(
                "junit",
                "EnricoMi-publish-unit-test-result-action__junit.mpi.integration.xml",
            );
            Evidence::Tests {
                tests: Some(
                    ingest::junit(Input::new("mpi.xml", &junit), &Limits::default()).unwrap(),
                ),
                coverage: coverage.clone(),
            }
        }
        _ => unreachable!(),
    };

    c.bench_function("quality/evaluate_gate", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let n = left.min(BATCH);
                let (mut line, sku) = line_at_tests();
                let start = Instant::now();
                for i in 0..n {
                    let r = line
                        .evaluate_gate(
                            sku,
                            "test_execution",
                            &passing,
                            EvalOptions::default(),
                            T0 + i as i64,
                        )
                        .expect("evaluate");
                    black_box(r);
                }
                spent += start.elapsed();
                black_box(&line);
                left -= n;
            }
            spent
        });
    });

    let gate = QualityConfig::standard()
        .gate("test_execution")
        .cloned()
        .unwrap();
    c.bench_function("quality/evaluate_pure", |b| {
        b.iter(|| preview(black_box(&gate), black_box(&evidence)).unwrap());
    });
}

fn verdict(c: &mut Criterion) {
    let condition = Condition::error(Metric::TestPassRate, Op::Ge, 9500);
    let actual = Actual::ratio(18_999, 20_000);

    c.bench_function("quality/verdict", |b| {
        b.iter(|| black_box(&condition).verdict(black_box(actual.as_ref())));
    });
}

fn config(c: &mut Criterion) {
    let value = Config::standard().to_value();

    c.bench_function("quality/config", |b| {
        b.iter(|| Config::from_value(black_box(&value)).unwrap());
    });
}

criterion_group!(benches, evaluate_gate, verdict, config);
criterion_main!(benches);
