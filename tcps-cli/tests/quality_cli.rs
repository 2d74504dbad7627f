//! `tcps ingest` and `tcps gate` on the demo's real reports: exit status
//! 0 on a passing gate, 1 on a blocking fail, 2 on a usage or input
//! error.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tcps_core::flow::{Signal, SignalKind};
use tcps_core::id::SkuId;
use tcps_core::ingest::DiagnosticSummary;
use tcps_core::journal::{Journal, JournalOptions};
use tcps_core::quality::{EvalOptions, Evidence};
use tcps_core::{Config, Receipt};

/// 2026-01-26T10:00:00.000Z.
const T0: i64 = 1_769_421_600_000;
const LATER: &str = "2026-01-26T11:00:00.000Z";

const PASSING: &str = "EnricoMi-publish-unit-test-result-action__latex-utensils.xml";
const FAILING: &str = "mikepenz-action-junit-report__basic.xml";
const COVERAGE: &str = "coverallsapp-coverage-reporter__test.lcov";

fn example(file: &str) -> String {
    format!("{}/../examples/data/{file}", env!("CARGO_MANIFEST_DIR"))
}

fn tcps(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tcps"))
        .args(args)
        .output()
        .expect("the tcps binary runs")
}

fn code(out: &Output) -> i32 {
    out.status.code().expect("an exit status")
}

/// A journal with SKU-000001 and SKU-000002 at `test_execution`.
fn journal(dir: &Path) -> PathBuf {
    let path = dir.join("line.jsonl");
    let mut j = Journal::create(&path, Config::standard(), T0, &JournalOptions::new()).unwrap();
    for n in 1..=2 {
        let signal = Signal::new(SignalKind::MarketplaceInstall, format!("install-{n}"), "x");
        let wo = j.intake(&signal, T0).unwrap().work_order;
        j.start(wo, T0).unwrap();
        let sku = j.create_sku(wo, None, None, T0).unwrap();
        j.skip_gate(sku, "shacl_validation", "no shapes yet", T0)
            .unwrap();
        j.transition(sku, "compilation", T0).unwrap();
        let clean = Evidence::Compilation(DiagnosticSummary::default());
        j.evaluate_gate(sku, "compilation", &clean, EvalOptions::default(), T0)
            .unwrap();
        j.transition(sku, "test_execution", T0).unwrap();
        assert_eq!(sku, SkuId(n));
    }
    j.close().unwrap();
    path
}

fn last_receipts(path: &Path, n: usize) -> Vec<Receipt> {
    let text = std::fs::read(path).unwrap();
    let lines: Vec<&[u8]> = text
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    lines[lines.len() - n..]
        .iter()
        .map(|l| Receipt::from_json(l).unwrap())
        .collect()
}

fn gate(path: &Path, sku: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "--journal",
        path.to_str().unwrap(),
        "--now",
        LATER,
        "gate",
        sku,
    ];
    args.extend_from_slice(extra);
    tcps(&args)
}

#[test]
fn the_demo_passing_reports_pass_the_test_gate_with_status_0() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal(dir.path());
    let (junit, lcov) = (example(PASSING), example(COVERAGE));

    let out = gate(
        &path,
        "SKU-000001",
        &["test_execution", "--junit", &junit, "--lcov", &lcov],
    );

    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("gate test_execution for SKU-000001 at test_execution: pass"),
        "{text}"
    );
    assert!(
        text.contains("test_pass_rate = 109/109 (100.00%), needs >= 95.00%"),
        "{text}"
    );
    let receipt = &last_receipts(&path, 1)[0];
    assert_eq!(
        (receipt.kind.as_str(), receipt.subject.as_str()),
        ("gate.evaluated", "SKU-000001")
    );
    assert_eq!(
        receipt
            .body
            .get("sources")
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn the_demo_failing_report_fails_the_test_gate_with_status_1_and_an_andon() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal(dir.path());
    let (junit, lcov) = (example(FAILING), example(COVERAGE));

    let out = gate(
        &path,
        "SKU-000002",
        &["test_execution", "--junit", &junit, "--lcov", &lcov],
    );

    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(": fail, attempt 1"), "{text}");
    assert!(text.contains("andon ANDON-000001 raised"), "{text}");
    let kinds: Vec<String> = last_receipts(&path, 2)
        .into_iter()
        .map(|r| r.kind)
        .collect();
    assert_eq!(kinds, ["gate.evaluated", "andon.raised"]);
}

#[test]
fn the_json_verdict_is_the_gate_result() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal(dir.path());
    let (junit, lcov) = (example(FAILING), example(COVERAGE));

    let out = gate(
        &path,
        "SKU-000002",
        &[
            "test_execution",
            "--junit",
            &junit,
            "--lcov",
            &lcov,
            "--json",
        ],
    );

    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"], "fail");
    assert_eq!(v["attempt"], 1);
    assert_eq!(v["andon"], "ANDON-000001");
    assert_eq!(v["conditions"][1]["metric"], "test_pass_rate");
}

#[test]
fn usage_and_input_errors_exit_with_status_2_and_record_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal(dir.path());
    let before = std::fs::read(&path).unwrap();
    let lcov = example(COVERAGE);
    let missing = dir.path().join("missing.xml");

    let no_file = gate(
        &path,
        "SKU-000001",
        &["test_execution", "--junit", missing.to_str().unwrap()],
    );
    let not_junit = gate(&path, "SKU-000001", &["test_execution", "--junit", &lcov]);
    let wrong_flag = gate(&path, "SKU-000001", &["test_execution", "--sarif", &lcov]);
    let no_stage = gate(&path, "SKU-000001", &["packaging"]);

    for out in [&no_file, &not_junit, &wrong_flag, &no_stage] {
        assert_eq!(code(out), 2, "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert!(String::from_utf8_lossy(&not_junit.stderr).contains("ingest_malformed"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_gate_of_another_stage_is_refused_with_status_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal(dir.path());

    let out = gate(
        &path,
        "SKU-000001",
        &["compilation", "--diagnostics", &example(COVERAGE)],
    );

    assert_eq!(code(&out), 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("gate_stage_mismatch"));
}

#[test]
fn a_skip_needs_a_gate_that_allows_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal(dir.path());

    let refused = gate(
        &path,
        "SKU-000001",
        &["test_execution", "--skip", "no tests yet"],
    );
    let with_report = gate(
        &path,
        "SKU-000001",
        &[
            "test_execution",
            "--skip",
            "x",
            "--junit",
            &example(PASSING),
        ],
    );

    assert_eq!(code(&refused), 1);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("skip_not_allowed"));
    assert_eq!(code(&with_report), 2);
}

#[test]
fn ingest_prints_the_summary_and_its_sources_as_json() {
    let out = tcps(&["ingest", &example(COVERAGE), "--json"]);

    assert_eq!(code(&out), 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["lines_found"].as_u64(), v["lines_hit"].as_u64()),
        (Some(17), Some(16))
    );
    assert_eq!(v["basis"], "records");
    assert_eq!(
        v["sources"][0]["sha256"],
        "40bd4eae1e6754dbb4481a7bd628cfe6b1bc9a8683c786ebd8a5d66125574220"
    );
    assert_eq!(v["sources"][0]["kind"], "lcov");
}

#[test]
fn ingest_sniffs_the_format_or_takes_it_from_kind() {
    let sniffed = tcps(&["ingest", &example(FAILING)]);
    let named = tcps(&["ingest", "--kind", "junit", &example(FAILING), "--json"]);
    let unknown = tcps(&["ingest", "--kind", "xml", &example(FAILING)]);
    let wrong = tcps(&["ingest", "--kind", "sarif", &example(FAILING)]);

    assert_eq!(code(&sniffed), 0);
    assert!(String::from_utf8_lossy(&sniffed.stdout).starts_with("junit report "));
    let v: serde_json::Value = serde_json::from_slice(&named.stdout).unwrap();
    assert!(v["failed"].as_u64().unwrap() > 0);
    assert_eq!(code(&unknown), 2);
    assert_eq!(code(&wrong), 2);
}
