//! `tcps ingest` and `tcps gate` on real reports (the demo's and the
//! core corpus): exit status 0 on a passing or warning gate, 1 on a
//! blocking fail, 2 on a usage or input error.

mod common;

use common::{code, example, tcps};

use std::path::{Path, PathBuf};
use std::process::Output;

use tcps_core::flow::{Signal, SignalKind};
use tcps_core::id::SkuId;
use tcps_core::ingest::DiagnosticSummary;
use tcps_core::journal::{Journal, JournalOptions};
use tcps_core::quality::{EvalOptions, Evidence};
use tcps_core::value::Value;
use tcps_core::{Config, Receipt};

/// 2026-01-26T10:00:00.000Z.
const T0: i64 = 1_769_421_600_000;
const LATER: &str = "2026-01-26T11:00:00.000Z";

const PASSING: &str = "EnricoMi-publish-unit-test-result-action__latex-utensils.xml";
const FAILING: &str = "mikepenz-action-junit-report__basic.xml";
const COVERAGE: &str = "coverallsapp-coverage-reporter__test.lcov";

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

const CLANG_TIDY: &str = "diagnostics/psastras-sarif-rs__clang-tidy.out";
const CLIPPY: &str = "diagnostics/psastras-sarif-rs__clippy.out";

/// A file of tcps-core's corpus, `tcps-core/tests/data/<kind>/<file>`.
fn corpus(file: &str) -> String {
    format!(
        "{}/../tcps-core/tests/data/{file}",
        env!("CARGO_MANIFEST_DIR")
    )
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

/// The verdict of each condition of a `--json` gate result.
fn verdicts(v: &serde_json::Value) -> Vec<&str> {
    v["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["verdict"].as_str().unwrap())
        .collect()
}

/// A journal with SKU-000001 at `compilation`, its SHACL gate skipped.
fn journal_at_compilation(dir: &Path) -> PathBuf {
    let path = dir.join("line.jsonl");
    let mut j = Journal::create(&path, Config::standard(), T0, &JournalOptions::new()).unwrap();
    let signal = Signal::new(SignalKind::MarketplaceInstall, "install-1", "x");
    let wo = j.intake(&signal, T0).unwrap().work_order;
    j.start(wo, T0).unwrap();
    let sku = j.create_sku(wo, None, None, T0).unwrap();
    j.skip_gate(sku, "shacl_validation", "no shapes yet", T0)
        .unwrap();
    j.transition(sku, "compilation", T0).unwrap();
    j.close().unwrap();
    path
}

/// The journal of [`journal`] with SKU-000001 moved on to
/// `security_scan` after its test gate passed on the demo's reports.
fn journal_at_security_scan(dir: &Path) -> PathBuf {
    let path = journal(dir);
    let (junit, lcov) = (example(PASSING), example(COVERAGE));
    let tested = gate(
        &path,
        "SKU-000001",
        &["test_execution", "--junit", &junit, "--lcov", &lcov],
    );
    assert_eq!(code(&tested), 0);

    let journal = path.to_str().unwrap();
    let advanced = tcps(&[
        "--journal",
        journal,
        "--now",
        LATER,
        "sku",
        "advance",
        "SKU-000001",
    ]);
    assert_eq!(
        code(&advanced),
        0,
        "{}",
        String::from_utf8_lossy(&advanced.stderr)
    );
    path
}

#[test]
fn a_clang_tidy_log_with_one_warning_passes_the_compilation_gate() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal_at_compilation(dir.path());
    let log = corpus(CLANG_TIDY);

    let out = gate(
        &path,
        "SKU-000001",
        &["compilation", "--compiler-log", &log],
    );

    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "gate compilation for SKU-000001 at compilation: pass, attempt 1",
            "  pass  compile_errors = 0, needs == 0",
        ],
        "{text}"
    );
    assert!(
        lines[2].starts_with(
            "  source 024b55a0281c798713d5c4c0c1a3a0470e04ff8ad3e6612548b93fea1207e39a  "
        ) && lines[2].ends_with("psastras-sarif-rs__clang-tidy.out (1085 bytes)"),
        "{text}"
    );
    assert_eq!(lines.len(), 3, "{text}");

    let receipt = &last_receipts(&path, 1)[0];
    let diagnostics = receipt
        .body
        .get("summary")
        .and_then(|s| s.get("diagnostics"))
        .unwrap();
    assert_eq!(
        (
            diagnostics.get("errors").cloned(),
            diagnostics.get("warnings").cloned(),
            diagnostics.get("notes").cloned(),
        ),
        (
            Some(Value::Int(0)),
            Some(Value::Int(1)),
            Some(Value::Int(3))
        )
    );
}

#[test]
fn clippy_errors_fail_the_compilation_gate_merged_with_a_compiler_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal_at_compilation(dir.path());
    let (clippy, log) = (corpus(CLIPPY), corpus(CLANG_TIDY));

    let out = gate(
        &path,
        "SKU-000001",
        &[
            "compilation",
            "--diagnostics",
            &clippy,
            "--compiler-log",
            &log,
            "--json",
        ],
    );

    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(
        (&v["outcome"], &v["attempt"], &v["andon"]),
        (
            &serde_json::json!("fail"),
            &serde_json::json!(1),
            &serde_json::json!("ANDON-000001")
        )
    );
    assert_eq!(
        v["conditions"][0],
        serde_json::json!({
            "metric": "compile_errors", "op": "==", "error": 0, "warning": null,
            "actual": {"count": 2}, "verdict": "fail", "note": null
        })
    );
    // Q-85 (errors 2, warnings 1) plus Q-88 (warnings 1, notes 3).
    let d = &v["summary"]["diagnostics"];
    assert_eq!(
        (&d["errors"], &d["warnings"], &d["notes"]),
        (
            &serde_json::json!(2),
            &serde_json::json!(2),
            &serde_json::json!(3)
        )
    );
    let kinds: Vec<&str> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["rustc_json", "compiler_log"]);
    let andon = &last_receipts(&path, 1)[0];
    assert_eq!(
        (andon.kind.as_str(), andon.body.get("failure_type").cloned()),
        ("andon.raised", Some(Value::from("compilation_failure")))
    );
}

#[test]
fn a_clippy_json_stream_read_as_a_compiler_log_counts_no_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal_at_compilation(dir.path());

    // its text lines are summaries, its JSON lines match no
    // pattern.
    let out = gate(
        &path,
        "SKU-000001",
        &["compilation", "--compiler-log", &corpus(CLIPPY), "--json"],
    );

    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(v["outcome"], "pass");
    assert_eq!(
        v["conditions"][0]["actual"],
        serde_json::json!({"count": 0})
    );
    let d = &v["summary"]["diagnostics"];
    assert_eq!(
        (&d["errors"], &d["warnings"], &d["summaries"]),
        (
            &serde_json::json!(0),
            &serde_json::json!(0),
            &serde_json::json!(3)
        )
    );
}

#[test]
fn cobertura_coverage_above_80_percent_passes_the_test_gate() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal(dir.path());
    let junit = example(PASSING);
    let cobertura = corpus("cobertura/coverallsapp-coverage-reporter__cobertura-conditions.xml");

    let out = gate(
        &path,
        "SKU-000001",
        &[
            "test_execution",
            "--junit",
            &junit,
            "--cobertura",
            &cobertura,
        ],
    );

    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..4],
        [
            "gate test_execution for SKU-000001 at test_execution: pass, attempt 1",
            "  pass  tests_executed = 109, needs > 0",
            "  pass  test_pass_rate = 109/109 (100.00%), needs >= 95.00%",
            "  pass  line_coverage = 5/6 (83.33%), needs >= 80.00%",
        ],
        "{text}"
    );
}

#[test]
fn cobertura_coverage_below_80_percent_fails_with_a_coverage_andon() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal(dir.path());
    let junit = example(PASSING);
    let cobertura = corpus("cobertura/nedbat-coveragepy__x_xml-coverage.xml");

    let out = gate(
        &path,
        "SKU-000001",
        &[
            "test_execution",
            "--junit",
            &junit,
            "--cobertura",
            &cobertura,
        ],
    );

    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("gate test_execution for SKU-000001 at test_execution: fail, attempt 1\n"),
        "{text}"
    );
    assert!(
        text.contains("  fail  line_coverage = 2/3 (66.66%), needs >= 80.00%\n"),
        "{text}"
    );
    assert!(
        text.contains("andon ANDON-000001 raised: the SKU stays at test_execution"),
        "{text}"
    );
    let andon = &last_receipts(&path, 1)[0];
    assert_eq!(
        andon.body.get("failure_type"),
        Some(&Value::from("coverage_below_threshold"))
    );
}

#[test]
fn jacoco_line_counters_decide_the_coverage_condition() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal(dir.path());
    let junit = example(PASSING);
    let declared = corpus("jacoco/gcovr-gcovr__exclusion-line-branch-gcc-14-jacoco.xml");
    let records = corpus("jacoco/coverallsapp-coverage-reporter__jacoco-report.xml");

    let low = gate(
        &path,
        "SKU-000001",
        &[
            "test_execution",
            "--junit",
            &junit,
            "--jacoco",
            &declared,
            "--json",
        ],
    );
    let high = gate(
        &path,
        "SKU-000002",
        &[
            "test_execution",
            "--junit",
            &junit,
            "--jacoco",
            &records,
            "--json",
        ],
    );

    // LINE missed 4, covered 15.
    assert_eq!(code(&low), 1, "{}", String::from_utf8_lossy(&low.stderr));
    let v = json(&low);
    assert_eq!(verdicts(&v), ["pass", "pass", "fail"]);
    assert_eq!(
        v["conditions"][2]["actual"],
        serde_json::json!({"num": 15, "den": 19, "bp": 7894})
    );
    assert_eq!(v["andon"], "ANDON-000001");
    assert_eq!(v["summary"]["coverage"]["basis"], "declared");

    // lines 6 found, 5 hit.
    assert_eq!(code(&high), 0, "{}", String::from_utf8_lossy(&high.stderr));
    let v = json(&high);
    assert_eq!(
        (v["outcome"].as_str(), verdicts(&v)),
        (Some("pass"), vec!["pass", "pass", "pass"])
    );
    assert_eq!(
        v["conditions"][2]["actual"],
        serde_json::json!({"num": 5, "den": 6, "bp": 8333})
    );
    let kinds: Vec<&str> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["junit", "jacoco"]);
}

#[test]
fn coverage_flags_are_refused_on_the_compilation_gate() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal_at_compilation(dir.path());
    let before = std::fs::read(&path).unwrap();
    let log = corpus(CLANG_TIDY);
    let jacoco = corpus("jacoco/coverallsapp-coverage-reporter__jacoco-report.xml");

    let out = gate(
        &path,
        "SKU-000001",
        &["compilation", "--compiler-log", &log, "--jacoco", &jacoco],
    );

    assert_eq!(code(&out), 2);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--jacoco"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_security_gate_that_warns_exits_0_raises_no_andon_and_lets_the_sku_leave() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal_at_security_scan(dir.path());
    let sarif = corpus("sarif/microsoft-sarif-tutorials__Suppressions.sarif");
    let osv = corpus("osv/google-osv-scanner__GO-2023-2382.json");
    let secrets = corpus("sarif/smithy-security-smithy__checkov.empty.valid.sarif");

    // warning-level results and an unrated advisory land between
    // the warn-only thresholds (warning 0, no error).
    let out = gate(
        &path,
        "SKU-000001",
        &[
            "security_scan",
            "--sarif",
            &sarif,
            "--osv",
            &osv,
            "--secrets",
            &secrets,
            "--json",
        ],
    );

    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let v = json(&out);
    assert_eq!(
        (
            v["outcome"].as_str(),
            v["downgraded"].as_bool(),
            &v["andon"]
        ),
        (Some("warn"), Some(false), &serde_json::Value::Null)
    );
    let rows: Vec<(&str, &serde_json::Value, &str)> = v["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["metric"].as_str().unwrap(),
                &c["actual"]["count"],
                c["verdict"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("sarif_errors", &serde_json::json!(0), "pass"),
            ("vulns_high_critical", &serde_json::json!(0), "pass"),
            ("secrets", &serde_json::json!(0), "pass"),
            ("sarif_warnings", &serde_json::json!(6), "warn"),
            ("vulns_unknown", &serde_json::json!(1), "warn"),
        ]
    );
    assert_eq!(last_receipts(&path, 1)[0].kind, "gate.evaluated");

    let advanced = tcps(&[
        "--journal",
        path.to_str().unwrap(),
        "--now",
        LATER,
        "sku",
        "advance",
        "SKU-000001",
    ]);
    assert_eq!(
        code(&advanced),
        0,
        "{}",
        String::from_utf8_lossy(&advanced.stderr)
    );
}

#[test]
fn a_warning_verdict_is_printed_with_its_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal_at_security_scan(dir.path());
    let sarif = corpus("sarif/microsoft-sarif-tutorials__Suppressions.sarif");
    let osv = corpus("osv/google-osv-scanner__GO-2023-2382.json");
    let secrets = corpus("sarif/smithy-security-smithy__checkov.empty.valid.sarif");

    let out = gate(
        &path,
        "SKU-000001",
        &[
            "security_scan",
            "--sarif",
            &sarif,
            "--osv",
            &osv,
            "--secrets",
            &secrets,
        ],
    );

    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..6],
        [
            "gate security_scan for SKU-000001 at security_scan: warn, attempt 1",
            "  pass  sarif_errors = 0, needs == 0",
            "  pass  vulns_high_critical = 0, needs == 0",
            "  pass  secrets = 0, needs == 0",
            "  warn  sarif_warnings = 6, should be <= 0",
            "  warn  vulns_unknown = 1, should be <= 0",
        ],
        "{text}"
    );
    assert!(!text.contains("andon"), "{text}");
}
