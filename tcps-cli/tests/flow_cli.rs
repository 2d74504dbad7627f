//! The flow subcommands of `tcps` (flow.md), run as a user runs them:
//! one process per command on a journal in a temporary folder, every
//! time fixed with `--now`. Expected values come from flow.md's rules
//! and worked examples (F-nn); exit status 0 on success, 1 when the
//! line refuses an operation, 2 on a usage error, and a refused command
//! leaves the journal byte for byte as it was.

mod common;

use common::{code, example, stderr, stdout, tcps};

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{Value, json};

/// 2026-01-26T10:00:00.000Z, `t0` of flow.md.
const T0: i64 = 1_769_421_600_000;
const MIN: i64 = 60_000;
const H: i64 = 3_600_000;
const DAY: i64 = 24 * H;

const ISSUE: &str = "hub4j-github-api__AppTest-testCreateIssue-4-r_h_g_issues.json";
const ISSUE_URL: &str = "https://github.com/hub4j-test-org/github-api-test/issues/1";
const ADVISORY: &str = "rustsec-advisory-db__RUSTSEC-2016-0001.json";
const DIAGNOSTICS: &str = "rust-lang-cargo__dedup-suggestions.json";
const TESTS: &str = "EnricoMi-publish-unit-test-result-action__latex-utensils.xml";
const COVERAGE: &str = "coverallsapp-coverage-reporter__test.lcov";
const SCAN: &str = "github-codeql-action__tool-names.sarif";
const SMOKE: &str = "EnricoMi-publish-unit-test-result-action__xunit.xml";

/// SHA-256 of the LCOV report, standing in for both builds' digest.
const BUILD: &str = "40bd4eae1e6754dbb4481a7bd628cfe6b1bc9a8683c786ebd8a5d66125574220";

/// The ten stages of the standard line, in order.
const STAGES: [&str; 10] = [
    "shacl_validation",
    "compilation",
    "test_execution",
    "security_scan",
    "deterministic_build",
    "quality_metrics",
    "release_verification",
    "smoke_test",
    "marketplace_validation",
    "publication",
];

/// A journal in its own temporary folder and the clock of the next
/// command.
struct Line {
    dir: tempfile::TempDir,
    path: PathBuf,
    now: i64,
}

impl Line {
    /// A line whose first command runs at `now`; the journal does not
    /// exist until a changing command creates it.
    fn at(now: i64) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("line.jsonl");
        Self { dir, path, now }
    }

    /// Runs `tcps --journal J --now NOW ARGS`.
    fn run(&self, args: &[&str]) -> Output {
        let now = self.now.to_string();
        let mut all = vec!["--journal", self.path.to_str().unwrap(), "--now", &now];
        all.extend_from_slice(args);
        tcps(&all)
    }

    /// Runs a command that must succeed, then moves the clock on by a
    /// minute.
    fn ok(&mut self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert_eq!(code(&out), 0, "tcps {args:?}: {}", stderr(&out));
        self.now += MIN;
        out
    }

    /// As `ok`, with `--json`, and parses what it printed.
    fn json(&mut self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("tcps {args:?} printed no JSON ({e}): {}", stdout(&out)))
    }

    /// Runs a command that must fail with `status`, naming `error` on
    /// stderr, and checks that the journal did not change.
    fn refused(&self, args: &[&str], status: i32, error: &str) -> String {
        let before = self.bytes();

        let out = self.run(args);

        assert_eq!(code(&out), status, "tcps {args:?}: {}", stderr(&out));
        let message = stderr(&out);
        assert!(message.starts_with("tcps: error: "), "{message}");
        assert!(message.contains(error), "tcps {args:?}: {message}");
        assert_eq!(self.bytes(), before, "tcps {args:?} changed the journal");
        message
    }

    fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.path).unwrap()
    }

    /// Every receipt of the journal, as JSON.
    fn receipts(&self) -> Vec<Value> {
        self.bytes()
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect()
    }

    /// The kinds of the last `n` receipts.
    fn last_kinds(&self, n: usize) -> Vec<String> {
        let all = self.receipts();
        all[all.len() - n..]
            .iter()
            .map(|r| r["kind"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Writes a file next to the journal and returns its path.
    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    }

    /// Takes in one signal given by its fields; returns the work order.
    fn intake(&mut self, fields: &[&str]) -> String {
        let mut args = vec!["intake"];
        args.extend_from_slice(fields);
        let v = self.json(&args);
        v[0]["intake"]["work_order"].as_str().unwrap().to_owned()
    }

    fn status(&mut self, work_order: &str) -> Value {
        self.json(&["status", work_order])
    }
}

/// The reports each gate of the standard line is judged on. Only
/// `shacl_validation` may be skipped. No example SBOM carries licence
/// data and an advisory list that says "none found" is `[]`, so those
/// two are written here.
fn gate_args(line: &Line, stage: &str) -> Vec<String> {
    let sbom = line.file(
        "sbom.spdx.json",
        r#"{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
            "name": "tcps", "packages": [{"name": "tcps-core",
            "SPDXID": "SPDXRef-tcps-core", "versionInfo": "0.1.0",
            "licenseConcluded": "MIT"}]}"#,
    );
    let none = line.file("none.osv.json", "[]");
    let lock = format!("{}/../Cargo.lock", env!("CARGO_MANIFEST_DIR"));
    let args: Vec<String> = match stage {
        "shacl_validation" => vec!["--skip".into(), "no RDF in this change".into()],
        "compilation" => vec!["--diagnostics".into(), example(DIAGNOSTICS)],
        "test_execution" => vec![
            "--junit".into(),
            example(TESTS),
            "--lcov".into(),
            example(COVERAGE),
        ],
        "security_scan" => vec![
            "--sarif".into(),
            example(SCAN),
            "--secrets".into(),
            example(SCAN),
            "--osv".into(),
            none,
        ],
        "deterministic_build" => vec![
            "--build-digest".into(),
            BUILD.into(),
            "--build-digest".into(),
            BUILD.into(),
        ],
        "quality_metrics" => vec![],
        "release_verification" => vec![
            "--artifact".into(),
            sbom.clone(),
            "--lock".into(),
            lock,
            "--sbom".into(),
            sbom,
        ],
        "smoke_test" => vec!["--junit".into(), example(SMOKE)],
        other => panic!("{other} has no gate"),
    };
    let mut all = vec![stage.to_owned()];
    all.extend(args);
    all
}

/// Judges every gate of the SKU and advances it to the last stage,
/// checking the stage and completion after each step.
fn walk_to_publication(line: &mut Line, sku: &str) {
    for (i, pair) in STAGES.windows(2).enumerate() {
        let (stage, next) = (pair[0], pair[1]);
        if i < 8 {
            let args = gate_args(line, stage);
            let mut all = vec!["gate", sku];
            all.extend(args.iter().map(String::as_str));
            let verdict = line.json(&all);
            let expected = if stage == "shacl_validation" {
                "warn"
            } else {
                "pass"
            };
            assert_eq!(verdict["outcome"], expected, "{stage}: {verdict}");
        }

        let moved = line.json(&["sku", "advance", sku]);

        assert_eq!(moved["sku"]["stage"], next);
        assert_eq!(moved["completion_bp"], 1000 * (i + 1));
    }
}

/// Starts a work order and builds, releases and publishes one SKU of
/// it, publishing at `publish_at`.
fn deliver(line: &mut Line, work_order: &str, publish_at: i64) {
    line.ok(&["start", work_order]);
    let created = line.json(&["sku", "create", work_order]);
    let sku = created["sku"]["id"].as_str().unwrap().to_owned();
    walk_to_publication(line, &sku);
    line.ok(&["sku", "release", &sku]);
    assert!(
        line.now <= publish_at,
        "{work_order} cannot publish in time"
    );
    line.now = publish_at;
    line.ok(&["sku", "publish", &sku]);
}

#[test]
fn a_github_issue_travels_from_intake_to_publication_through_the_cli_alone() {
    let mut line = Line::at(T0);
    let issue = line.json(&["intake", "--github", &example(ISSUE)]);
    let advisory = line.json(&["intake", "--osv", &example(ADVISORY)]);
    assert_eq!(issue[0]["intake"]["work_order"], "WO-000001");
    assert_eq!(advisory[0]["intake"]["work_order"], "WO-000002");

    line.ok(&["start", "WO-000001"]);
    let created = line.json(&["sku", "create", "WO-000001"]);
    assert_eq!(created["sku"]["id"], "SKU-000001");
    assert_eq!(created["sku"]["stage"], "shacl_validation");
    assert_eq!(created["completion_bp"], 0);
    walk_to_publication(&mut line, "SKU-000001");
    let released = line.json(&["sku", "release", "SKU-000001"]);
    let published_at = line.now;
    let published = line.json(&[
        "sku",
        "publish",
        "SKU-000001",
        "--location",
        "registry.example/tcps",
    ]);

    assert_eq!(released["sku"]["status"], "released");
    assert_eq!(released["completion_bp"], 9000);
    assert_eq!(published["sku"]["status"], "published");
    assert_eq!(published["sku"]["location"], "registry.example/tcps");
    assert_eq!(published["completion_bp"], 10_000);
    // Publishing completed the work order (flow.md 14.6), so an explicit
    // completion comes too late.
    line.refused(
        &["complete", "WO-000001", "SKU-000001"],
        1,
        "cannot complete from completed [invalid_transition]",
    );
    let view = line.status("WO-000001");
    let wo = &view["work_order"];
    assert_eq!(wo["status"], "completed");
    assert_eq!(wo["sku_id"], "SKU-000001");
    assert_eq!(wo["skus"], json!(["SKU-000001"]));
    assert_eq!(wo["completed_at"], published_at);
    assert_eq!(wo["sla_outcome"], "met");
    assert_eq!(view["sla"]["status"], "met");
    assert_eq!(view["age_ms"], published_at - T0);
    assert_eq!(view["queue_position"], Value::Null);
    assert_eq!(view["waiting"], Value::Null);
    let sku = line.json(&["sku", "show", "SKU-000001"]);
    assert_eq!(sku["sku"]["status"], "published");
    assert_eq!(sku["sku"]["published_at"], published_at);
    let history: Vec<&str> = sku["sku"]["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["stage"].as_str().unwrap())
        .collect();
    assert_eq!(history, STAGES);
    assert_eq!(
        line.last_kinds(3),
        ["sku.released", "sku.published", "work_order.completed"]
    );
    assert_eq!(
        line.receipts().last().unwrap()["body"]["trigger"],
        "publish"
    );
}

#[test]
fn an_advisory_completed_before_publication_stays_completed_and_the_journal_verifies() {
    let mut line = Line::at(T0);
    line.ok(&["intake", "--osv", &example(ADVISORY)]);
    line.ok(&["start", "WO-000001"]);
    line.ok(&["sku", "create", "WO-000001"]);
    walk_to_publication(&mut line, "SKU-000001");
    line.ok(&["sku", "release", "SKU-000001"]);

    let completed = line.json(&["complete", "WO-000001", "SKU-000001"]);
    let published = line.json(&["sku", "publish", "SKU-000001"]);

    assert_eq!(completed["status"], "completed");
    assert_eq!(completed["sku_id"], "SKU-000001");
    assert_eq!(published["sku"]["status"], "published");
    let log = line.receipts();
    let completion = &log[log.len() - 2];
    assert_eq!(completion["kind"], "work_order.completed");
    assert_eq!(completion["body"]["trigger"], "complete");
    let publication = &log[log.len() - 1];
    assert_eq!(publication["kind"], "sku.published");
    assert_eq!(publication["body"]["completes_work_order"], false);
    assert_eq!(
        line.status("WO-000001")["work_order"]["status"],
        "completed"
    );
    // line.opened, created, started, sku.created, 8 gates, 9 stages,
    // released, completed, published.
    assert_eq!(log.len(), 24);
    let verified = line.run(&["verify"]);
    assert_eq!(code(&verified), 0, "{}", stderr(&verified));
    assert!(
        stdout(&verified).starts_with("ok: 24 receipts verify"),
        "{}",
        stdout(&verified)
    );
}

#[test]
fn intake_routes_the_issue_and_the_advisory_by_the_default_rules() {
    let mut line = Line::at(T0);

    let issue = line.json(&["intake", "--github", &example(ISSUE)]);
    let advisory = line.json(&["intake", "--osv", &example(ADVISORY)]);
    let again = line.json(&["intake", "--github", &example(ISSUE)]);
    let issue_view = line.status("WO-000001");
    let advisory_view = line.status("WO-000002");

    assert_eq!(
        issue,
        json!([{"source": ISSUE_URL,
                "intake": {"work_order": "WO-000001", "duplicate": false}}])
    );
    assert_eq!(
        advisory,
        json!([{"source": "RUSTSEC-2016-0001",
                "intake": {"work_order": "WO-000002", "duplicate": false}}])
    );
    assert_eq!(
        again,
        json!([{"source": ISSUE_URL,
                "intake": {"work_order": "WO-000001", "duplicate": true}}])
    );
    // F-11: labels [bug, question]; no severity label.
    let wo = &issue_view["work_order"];
    assert_eq!(wo["kind"], "github_issue");
    assert_eq!(wo["description"], "testing");
    assert_eq!(wo["labels"], json!(["bug", "question"]));
    assert_eq!(wo["bucket"], "reliability");
    assert_eq!(wo["priority"], 6);
    assert_eq!(wo["bucket_rule"], "label:bug");
    assert_eq!(wo["priority_rule"], "bucket_default");
    assert_eq!(wo["status"], "queued");
    assert_eq!(wo["demand_count"], 2);
    assert_eq!(wo["created_at"], T0);
    assert_eq!(wo["sla_ms"], 168 * H);
    assert_eq!(wo["sla_deadline"], T0 + 168 * H);
    assert_eq!(wo["dedup_keys"], json!([format!("github:{ISSUE_URL}")]));
    assert_eq!(issue_view["age_ms"], 3 * MIN);
    assert_eq!(issue_view["queue_position"], 1);
    assert_eq!(
        issue_view["waiting"],
        json!({"reason": "ready", "unfinished": []})
    );
    assert_eq!(
        issue_view["sla"],
        json!({"status": "on_time", "deadline": T0 + 168 * H,
               "remaining_ms": 168 * H - 3 * MIN, "overdue_ms": null})
    );
    assert_eq!(
        issue_view["dependencies"],
        json!({"depends_on": [], "dependents": []})
    );
    // Receipt 0 opens the line; 1 created it, 3 is the second demand.
    assert_eq!(issue_view["receipts"], json!([1, 3]));
    // F-04: RUSTSEC-2016-0001 scores 8.1, high, priority 9.
    let wo = &advisory_view["work_order"];
    assert_eq!(wo["kind"], "cve");
    assert_eq!(wo["severity"], "high");
    assert_eq!(wo["score_tenths"], 81);
    assert_eq!(wo["bucket"], "security");
    assert_eq!(wo["priority"], 9);
    assert_eq!(wo["bucket_rule"], "kind:cve");
    assert_eq!(wo["priority_rule"], "cve_severity:high");
    assert_eq!(wo["sla_deadline"], T0 + MIN + DAY);
    assert_eq!(
        wo["dedup_keys"],
        json!([
            "advisory:rustsec-2016-0001",
            "advisory:cve-2016-10931",
            "advisory:ghsa-34p9-f4q3-c4r7"
        ])
    );
}

#[test]
fn next_records_its_weighted_decision_and_start_reports_the_work_order() {
    let mut line = Line::at(T0);
    line.ok(&["intake", "--github", &example(ISSUE)]);
    line.ok(&["intake", "--osv", &example(ADVISORY)]);

    let next = line.json(&["next"]);
    let started = line.json(&["start", "WO-000002"]);
    let wip = line.json(&["status"]);

    let counters = |values: [i64; 6]| {
        let names = [
            "reliability",
            "security",
            "cost",
            "compliance",
            "features",
            "technical_debt",
        ];
        let list: Vec<Value> = names
            .iter()
            .zip(values)
            .map(|(b, v)| json!({"bucket": b, "value": v}))
            .collect();
        Value::Array(list)
    };
    let empty = |b: &str| json!({"bucket": b, "reason": "empty"});
    assert_eq!(
        next,
        json!({
            "result": "started",
            "work_order": "WO-000001",
            "decision": {
                "strategy": "weighted",
                "heads": [
                    {"bucket": "reliability", "work_order": "WO-000001", "priority": 6},
                    {"bucket": "security", "work_order": "WO-000002", "priority": 9}
                ],
                "skipped": [
                    empty("cost"), empty("compliance"),
                    empty("features"), empty("technical_debt")
                ],
                "cursor_before": null,
                "cursor_after": null,
                "counters_before": counters([0; 6]),
                "counters_after": counters([-2, 2, 0, 0, 0, 0]),
                "rule": "highest counter 2"
            }
        })
    );
    assert_eq!(started["id"], "WO-000002");
    assert_eq!(started["status"], "in_progress");
    assert_eq!(started["started_at"], T0 + 3 * MIN);
    assert_eq!(started["expedited"], false);
    let receipt = line.receipts().pop().unwrap();
    assert_eq!(receipt["kind"], "work_order.started");
    assert_eq!(receipt["body"]["decision"]["strategy"], "direct");
    assert_eq!(receipt["body"]["decision"]["rule"], "direct");
    assert_eq!(receipt["body"]["wip_before"], 0);
    assert_eq!(
        wip["reliability"],
        json!({"current": 1, "mode": "hard", "limit": 5, "available": 4})
    );
    assert_eq!(wip["security"]["current"], 1);
    assert_eq!(wip["features"]["available"], 10);
    assert_eq!(
        (
            &wip["expedite_limit"],
            &wip["expedite_in_use"],
            &wip["total"]
        ),
        (&json!(1), &json!(0), &json!(2))
    );
}

#[test]
fn next_levels_three_buckets_by_weight_then_idles_without_a_receipt() {
    // F-55 through the CLI: reliability and security weigh 2, features 1.
    let mut line = Line::at(T0);
    for n in 1..=3 {
        let url = format!("https://github.com/o/r/issues/{n}");
        line.intake(&[
            "--kind",
            "github_issue",
            "--source",
            &url,
            "--description",
            "crash",
            "--label",
            "bug",
        ]);
    }
    for n in 1..=3 {
        let id = format!("CVE-2026-000{n}");
        line.intake(&[
            "--kind",
            "cve",
            "--source",
            &id,
            "--description",
            "overflow",
        ]);
    }
    line.intake(&[
        "--kind",
        "marketplace_install",
        "--source",
        "install:evt-1",
        "--description",
        "install",
    ]);

    let nexts: Vec<Value> = (0..7).map(|_| line.json(&["next"])).collect();
    let before = line.bytes();
    let idle = line.json(&["next"]);

    let order: Vec<&str> = nexts
        .iter()
        .map(|n| n["work_order"].as_str().unwrap())
        .collect();
    // r1, s1, f1, r2, s2, r3, s3.
    assert_eq!(
        order,
        [
            "WO-000001",
            "WO-000004",
            "WO-000007",
            "WO-000002",
            "WO-000005",
            "WO-000003",
            "WO-000006"
        ]
    );
    let values = |d: &Value| -> Vec<i64> {
        d.as_array()
            .unwrap()
            .iter()
            .map(|c| c["value"].as_i64().unwrap())
            .collect()
    };
    let first = &nexts[0]["decision"];
    assert_eq!(values(&first["counters_after"]), [-3, 2, 0, 0, 1, 0]);
    assert_eq!(first["rule"], "highest counter 2");
    // The fourth call: features is empty, so T = 4.
    let fourth = &nexts[3]["decision"];
    assert_eq!(
        fourth["skipped"][2],
        json!({"bucket": "features", "reason": "empty"})
    );
    assert_eq!(values(&fourth["counters_after"]), [-1, 3, 0, 0, -2, 0]);
    assert_eq!(fourth["rule"], "highest counter 3");
    let reasons: Vec<(&str, &str)> = idle["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["bucket"].as_str().unwrap(), s["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(idle["result"], "idle");
    assert_eq!(
        reasons,
        [
            ("reliability", "empty"),
            ("security", "empty"),
            ("cost", "empty"),
            ("compliance", "empty"),
            ("features", "empty"),
            ("technical_debt", "empty")
        ]
    );
    assert_eq!(line.bytes(), before);
}

#[test]
fn a_dependency_cycle_is_refused_and_a_cancelled_dependency_holds_until_resolved() {
    let mut line = Line::at(T0);
    for n in 1..=3 {
        let source = format!("install:evt-{n}");
        line.intake(&[
            "--kind",
            "marketplace_install",
            "--source",
            &source,
            "--description",
            "install",
        ]);
    }

    let added = line.json(&["depend", "add", "WO-000002", "--on", "WO-000001"]);
    line.ok(&["depend", "add", "WO-000003", "--on", "WO-000002"]);
    let cycle = line.refused(
        &["depend", "add", "WO-000001", "--on", "WO-000003"],
        1,
        "[circular_dependency]",
    );
    let own = line.refused(
        &["depend", "add", "WO-000001", "--on", "WO-000001"],
        1,
        "[circular_dependency]",
    );
    line.refused(
        &["depend", "add", "WO-000003", "--on", "WO-000002"],
        1,
        "[duplicate_dependency]",
    );
    line.refused(&["start", "WO-000002"], 1, "cannot start from blocked");

    assert_eq!(
        added,
        json!({"depends_on": [{"id": "WO-000001", "status": "queued"}], "dependents": []})
    );
    assert!(cycle.contains("WO-000001 -> WO-000003"), "{cycle}");
    assert!(own.contains("WO-000001 -> WO-000001"), "{own}");
    let shown = line.json(&["depend", "show", "WO-000002"]);
    assert_eq!(
        shown,
        json!({"depends_on": [{"id": "WO-000001", "status": "queued"}],
               "dependents": [{"id": "WO-000003", "status": "blocked"}]})
    );

    // F-48: a cancelled dependency keeps its dependent blocked.
    let cancelled = line.json(&["cancel", "WO-000001", "--reason", "duplicate of #399"]);
    let held = line.status("WO-000002");
    let resolved = line.json(&["depend", "resolve", "WO-000001"]);
    let released = line.status("WO-000002");
    let waiting = line.status("WO-000003");

    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancel_reason"], "duplicate of #399");
    let log = line.receipts();
    let cancel = log
        .iter()
        .find(|r| r["kind"] == "work_order.cancelled")
        .unwrap();
    assert_eq!(cancel["body"]["still_blocked"], json!(["WO-000002"]));
    assert_eq!(held["work_order"]["status"], "blocked");
    assert_eq!(
        held["waiting"],
        json!({"reason": "dependencies", "unfinished": ["WO-000001"]})
    );
    assert_eq!(
        held["dependencies"]["depends_on"],
        json!([{"id": "WO-000001", "status": "cancelled"}])
    );
    assert_eq!(resolved, json!({"depends_on": [], "dependents": []}));
    let resolution = log
        .iter()
        .find(|r| r["kind"] == "dependency.resolved")
        .unwrap();
    assert_eq!(
        resolution["body"],
        json!({"depends_on": "WO-000001", "edges_removed": ["WO-000002"],
               "released": ["WO-000002"]})
    );
    assert_eq!(released["work_order"]["status"], "queued");
    assert_eq!(released["dependencies"]["depends_on"], json!([]));
    assert_eq!(waiting["work_order"]["status"], "blocked");
}

#[test]
fn queue_reorders_the_queued_entries_and_keeps_the_blocked_ones_last() {
    // F-26 and F-27: reliability [W1, W2, B, W3], all priority 6.
    let mut line = Line::at(T0);
    let bug = |n: u32| format!("https://github.com/o/r/issues/{n}");
    let mut ids = Vec::new();
    for n in 1..=4 {
        let url = bug(n);
        ids.push(line.intake(&[
            "--kind",
            "github_issue",
            "--source",
            &url,
            "--description",
            "crash",
            "--label",
            "bug",
        ]));
    }
    let feature = line.intake(&[
        "--kind",
        "marketplace_install",
        "--source",
        "install:evt-1",
        "--description",
        "install",
    ]);
    let (w1, w2, b, w3) = (&*ids[0], &*ids[1], &*ids[2], &*ids[3]);
    let feature = feature.as_str();
    line.ok(&["depend", "add", b, "--on", feature]);

    for (order, reason) in [
        (vec![w3, w1], "missing"),
        (vec![w3, w1, w2, b], "not_queued"),
        (vec![w3, w1, feature], "wrong_bucket"),
        (vec![w3, w3, w1, w2], "duplicate"),
        (vec![w3, w1, "WO-999999"], "unknown_id"),
    ] {
        let mut args = vec!["queue", "reliability", "--reorder"];
        args.extend(order);
        let message = line.refused(&args, 1, "[invalid_queue_order]");
        assert!(message.contains(reason), "{message}");
    }
    let reordered = line.json(&["queue", "reliability", "--reorder", w3, w1, w2]);
    let all = line.json(&["queue"]);

    let entry = |id: &str, status: &str| json!({"id": id, "priority": 6, "status": status});
    let expected = json!([
        entry(w3, "queued"),
        entry(w1, "queued"),
        entry(w2, "queued"),
        entry(b, "blocked")
    ]);
    assert_eq!(reordered, json!({"reliability": expected}));
    let receipt = line.receipts().pop().unwrap();
    assert_eq!(receipt["kind"], "queue.reordered");
    assert_eq!(receipt["subject"], "line");
    assert_eq!(receipt["body"]["order"], json!([w3, w1, w2, b]));
    assert_eq!(all["reliability"], expected);
    assert_eq!(
        all["features"],
        json!([{"id": feature, "priority": 4, "status": "queued"}])
    );
    assert_eq!(all.as_object().unwrap().len(), 6);
    assert_eq!(all["technical_debt"], json!([]));

    // F-24: dequeue takes the first queued entry, the manual order.
    let dequeued = line.json(&["queue", "reliability", "--dequeue"]);
    let empty = line.json(&["queue", "cost", "--dequeue"]);

    assert_eq!(dequeued, json!(w3));
    assert_eq!(empty, Value::Null);
    let started = line.receipts().pop().unwrap();
    assert_eq!(started["kind"], "work_order.started");
    assert_eq!(
        started["body"]["decision"]["rule"],
        "first queued in reliability"
    );
}

#[test]
fn the_queue_json_lists_the_buckets_in_canonical_order() {
    let mut line = Line::at(T0);
    line.ok(&["intake", "--github", &example(ISSUE)]);

    let out = line.ok(&["--json", "queue"]);

    let text = stdout(&out);
    let at = |bucket: &str| text.find(&format!("\"{bucket}\":")).unwrap();
    let positions = [
        at("reliability"),
        at("security"),
        at("cost"),
        at("compliance"),
        at("features"),
        at("technical_debt"),
    ];
    assert!(positions.is_sorted(), "{text}");
}

#[test]
fn cancelling_a_work_order_in_progress_aborts_its_sku_in_production() {
    let mut line = Line::at(T0);
    line.ok(&["intake", "--osv", &example(ADVISORY)]);
    line.ok(&["start", "WO-000001"]);
    line.ok(&["sku", "create", "WO-000001"]);

    line.refused(
        &["cancel", "WO-000001", "--reason", "  "],
        1,
        "missing field `reason` [missing_field]",
    );
    let cancelled = line.json(&["cancel", "WO-000001", "--reason", "Duplicate of issue #399"]);
    let sku = line.json(&["sku", "show", "SKU-000001"]);
    let wip = line.json(&["status"]);

    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancelled_at"], T0 + 3 * MIN);
    assert_eq!(cancelled["cancel_reason"], "Duplicate of issue #399");
    assert_eq!(sku["sku"]["status"], "aborted");
    assert_eq!(sku["sku"]["abort_reason"], "work order cancelled");
    assert_eq!(wip["security"]["current"], 0);
    assert_eq!(line.last_kinds(2), ["work_order.cancelled", "sku.aborted"]);
    let view = line.status("WO-000001");
    assert_eq!(view["sla"]["status"], "not_applicable");
    assert_eq!(view["age_ms"], 3 * MIN);
    line.refused(
        &["cancel", "WO-000001", "--reason", "again"],
        1,
        "cannot cancel from cancelled [invalid_transition]",
    );
}

#[test]
fn progress_records_stages_in_any_order_once_started() {
    // F-30 and F-31.
    let mut line = Line::at(T0);
    line.ok(&["intake", "--github", &example(ISSUE)]);

    line.refused(
        &["progress", "WO-000001", "design"],
        1,
        "cannot progress from queued [invalid_transition]",
    );
    line.refused(&["progress", "WO-000001", "coding"], 1, "[invalid_stage]");
    line.ok(&["start", "WO-000001"]);
    line.now = T0 + H;
    line.ok(&["progress", "WO-000001", "requirements"]);
    line.now = T0 + 2 * H;
    line.ok(&["progress", "WO-000001", "design"]);
    line.now = T0 + 3 * H;
    let last = line.json(&["progress", "WO-000001", "requirements"]);

    assert_eq!(last["current_stage"], "requirements");
    assert_eq!(
        last["stage_history"],
        json!([
            {"stage": "requirements", "at": T0 + H},
            {"stage": "design", "at": T0 + 2 * H},
            {"stage": "requirements", "at": T0 + 3 * H}
        ])
    );
    let receipt = line.receipts().pop().unwrap();
    assert_eq!(receipt["kind"], "work_order.progressed");
    assert_eq!(
        receipt["body"],
        json!({"work_order": "WO-000001", "stage": "requirements", "previous": "design"})
    );
}

#[test]
fn sla_lists_breaches_and_warnings_of_open_work_at_the_given_time() {
    // F-66: security A queued, security B blocked on reliability C.
    let mut line = Line::at(T0);
    line.intake(&[
        "--kind",
        "cve",
        "--source",
        "CVE-2026-0001",
        "--description",
        "a",
    ]);
    line.intake(&[
        "--kind",
        "cve",
        "--source",
        "CVE-2026-0002",
        "--description",
        "b",
    ]);
    line.intake(&[
        "--kind",
        "marketplace_refund",
        "--source",
        "refund:evt-1",
        "--description",
        "c",
    ]);
    line.ok(&["depend", "add", "WO-000002", "--on", "WO-000003"]);
    // The three were created a minute apart; measure from each deadline.
    let deadline = |n: i64| T0 + n * MIN + DAY;
    let before = line.bytes();

    line.now = T0 + 30 * H;
    let late = line.json(&["sla"]);
    line.now = T0 + 19 * H;
    let close = line.json(&["sla"]);
    let within = line.json(&["sla", "--within", &(deadline(0) - line.now).to_string()]);

    assert_eq!(
        late,
        json!({
            "breaches": [
                {"work_order": "WO-000001", "bucket": "security", "status": "queued",
                 "deadline": deadline(0), "overdue_ms": T0 + 30 * H - deadline(0)},
                {"work_order": "WO-000002", "bucket": "security", "status": "blocked",
                 "deadline": deadline(1), "overdue_ms": T0 + 30 * H - deadline(1)}
            ],
            "warnings": []
        })
    );
    assert_eq!(late["breaches"][0]["overdue_ms"], 6 * H);
    let remaining: Vec<(&str, i64)> = close["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["work_order"].as_str().unwrap(),
                w["remaining_ms"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        remaining,
        [("WO-000001", 5 * H), ("WO-000002", 5 * H + MIN)]
    );
    assert_eq!(close["breaches"], json!([]));
    let only_first: Vec<&Value> = within["warnings"].as_array().unwrap().iter().collect();
    assert_eq!(only_first.len(), 1);
    assert_eq!(only_first[0]["work_order"], "WO-000001");
    assert_eq!(line.bytes(), before, "sla is a reading command");

    // F-62: on time with exactly a quarter left, a warning 1 ms later.
    line.now = deadline(0) - 6 * H;
    assert_eq!(line.status("WO-000001")["sla"]["status"], "on_time");
    line.now = deadline(0) - 6 * H + 1;
    assert_eq!(line.status("WO-000001")["sla"]["status"], "warning");
    line.now = deadline(0);
    let due = line.status("WO-000001")["sla"].clone();
    assert_eq!(
        due,
        json!({"status": "breached", "deadline": deadline(0),
               "remaining_ms": null, "overdue_ms": 0})
    );
}

#[test]
fn the_flow_report_counts_what_was_created_and_completed_in_its_days() {
    // F-67 through the CLI.
    let day = |d: i64| 1_767_225_600_000 + (d - 1) * DAY; // 2026-01-d
    let mut line = Line::at(day(10));
    line.intake(&[
        "--kind",
        "cve",
        "--source",
        "CVE-2026-000A",
        "--description",
        "a",
    ]);
    deliver(&mut line, "WO-000001", day(10) + 10 * H);
    line.now = day(15);
    line.intake(&[
        "--kind",
        "cve",
        "--source",
        "CVE-2026-000B",
        "--description",
        "b",
    ]);
    deliver(&mut line, "WO-000002", day(15) + 30 * H);
    line.now = day(20);
    let debt = line.intake(&[
        "--kind",
        "github_issue",
        "--source",
        "https://github.com/o/r/issues/3",
        "--description",
        "c",
        "--label",
        "refactor",
    ]);
    deliver(&mut line, &debt, day(20) + 2 * H);
    line.now = day(25);
    line.intake(&[
        "--kind",
        "github_issue",
        "--source",
        "https://github.com/o/r/issues/4",
        "--description",
        "d",
        "--label",
        "bug",
    ]);
    line.now = day(32);
    line.intake(&[
        "--kind",
        "marketplace_install",
        "--source",
        "install:evt-5",
        "--description",
        "e",
    ]);
    line.now = day(32) + 12 * H;
    let before = line.bytes();

    let report = line.json(&["flow-report", "--from", "2026-01-01", "--to", "2026-01-31"]);

    assert_eq!(
        report["period"],
        json!({"from": "2026-01-01", "to": "2026-01-31", "days": 31})
    );
    assert_eq!(report["created"]["total"], 4);
    assert_eq!(
        report["created"]["by_bucket"],
        json!({"reliability": 1, "security": 2, "cost": 0, "compliance": 0,
               "features": 0, "technical_debt": 1})
    );
    assert_eq!(
        report["created"]["by_status"],
        json!({"queued": 1, "blocked": 0, "in_progress": 0, "completed": 3,
               "cancelled": 0})
    );
    assert_eq!(
        (&report["completed"], &report["cancelled"]),
        (&json!(3), &json!(0))
    );
    assert_eq!(
        report["lead_time"],
        json!({"count": 3, "p50_ms": 36_000_000, "p85_ms": 108_000_000,
               "p95_ms": 108_000_000, "mean_ms": 50_400_000})
    );
    assert_eq!(report["throughput"]["completed"], 3);
    assert_eq!(report["throughput"]["days"], 31);
    let per_day = report["throughput"]["per_day"].as_f64().unwrap();
    assert!((per_day - 3.0 / 31.0).abs() < 1e-12, "{per_day}");
    assert_eq!(
        report["sla_attainment"],
        json!({"met": 1, "missed": 1, "attainment_bp": 5000})
    );
    let top: Vec<(&str, i64)> = report["top_open"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["id"].as_str().unwrap(), t["priority"].as_i64().unwrap()))
        .collect();
    assert_eq!(top, [("WO-000004", 6), ("WO-000005", 4)]);
    assert_eq!(report["queue_depth"]["reliability"], 1);
    assert_eq!(report["queue_depth"]["features"], 1);
    assert_eq!(report["wip_now"]["total"], 0);
    assert_eq!(line.bytes(), before, "flow-report is a reading command");
    line.refused(
        &["flow-report", "--from", "2026-02-02", "--to", "2026-02-01"],
        1,
        "[invalid_range]",
    );
}

#[test]
fn refused_operations_exit_with_1_and_name_the_error() {
    let mut line = Line::at(T0);
    line.ok(&["intake", "--github", &example(ISSUE)]);
    line.ok(&["start", "WO-000001"]);

    let unknown = line.refused(&["start", "WO-000009"], 1, "[not_found]");
    let again = line.refused(&["start", "WO-000001"], 1, "[invalid_transition]");
    let no_sku = line.refused(&["complete", "WO-000001", "SKU-000001"], 1, "[not_found]");
    line.ok(&["sku", "create", "WO-000001"]);
    let unreleased = line.refused(
        &["complete", "WO-000001", "SKU-000001"],
        1,
        "[sku_not_released]",
    );
    let gate = line.refused(&["sku", "advance", "SKU-000001"], 1, "[gate_not_passed]");
    let skip = line.refused(
        &["sku", "advance", "SKU-000001", "--to", "test_execution"],
        1,
        "[invalid_sequence]",
    );
    let early = line.refused(
        &["sku", "release", "SKU-000001"],
        1,
        "[pipeline_incomplete]",
    );
    let publish = line.refused(&["sku", "publish", "SKU-000001"], 1, "[invalid_transition]");
    line.now = T0;
    let past = line.refused(&["start", "WO-000009"], 1, "[now_before_last_receipt]");

    assert_eq!(
        unknown,
        "tcps: error: work_order not found: WO-000009 [not_found]\n"
    );
    assert!(again.contains("cannot start from in_progress"), "{again}");
    assert!(no_sku.contains("sku not found: SKU-000001"), "{no_sku}");
    assert!(unreleased.contains("SKU-000001"), "{unreleased}");
    assert!(gate.contains("shacl_validation"), "{gate}");
    assert!(skip.contains("test_execution"), "{skip}");
    assert!(early.contains("shacl_validation"), "{early}");
    assert!(publish.contains("in_production"), "{publish}");
    assert!(past.contains(&T0.to_string()), "{past}");
}

#[test]
fn usage_errors_exit_with_2_and_record_nothing() {
    let mut line = Line::at(T0);
    line.ok(&["intake", "--github", &example(ISSUE)]);
    let missing = line.dir.path().join("missing.json");

    let cases: [&[&str]; 11] = [
        &["start", "WO-x"],
        &["start"],
        &["cancel", "WO-000001"],
        &["progress", "WO-000001"],
        &["queue", "--reorder", "WO-000001"],
        &["queue", "bugs"],
        &["sla", "--within", "soon"],
        &["depend", "add", "WO-000001"],
        &["sku", "frobnicate", "SKU-000001"],
        &["intake"],
        &["intake", "--github", missing.to_str().unwrap()],
    ];
    for args in cases {
        let before = line.bytes();

        let out = line.run(args);

        assert_eq!(code(&out), 2, "tcps {args:?}: {}", stderr(&out));
        assert!(!stderr(&out).is_empty());
        assert_eq!(line.bytes(), before, "tcps {args:?} changed the journal");
    }
    let bad_now = tcps(&[
        "--journal",
        line.path.to_str().unwrap(),
        "--now",
        "yesterday",
        "start",
        "WO-000001",
    ]);
    assert_eq!(code(&bad_now), 2);
    assert!(
        stderr(&bad_now).contains("[invalid_argument]"),
        "{}",
        stderr(&bad_now)
    );
}

#[test]
fn a_refused_signal_is_reported_in_the_json_and_others_are_still_taken_in() {
    let mut line = Line::at(T0);
    line.ok(&["intake", "--github", &example(ISSUE)]);
    let before = line.bytes();

    let out = line.run(&[
        "--json",
        "intake",
        "--kind",
        "cve",
        "--source",
        "GHSA-35c4-f3rq-f9g3",
        "--description",
        "withdrawn",
        "--withdrawn-at",
        "2026-01-20T00:00:00Z",
    ]);

    assert_eq!(code(&out), 1);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v,
        json!([{"source": "GHSA-35c4-f3rq-f9g3",
                "error": {"name": "signal_rejected",
                          "detail": {"reason": "advisory_withdrawn",
                                     "source": "GHSA-35c4-f3rq-f9g3"}}}])
    );
    assert_eq!(line.bytes(), before);
}

#[test]
fn a_changing_command_on_a_missing_journal_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.jsonl");
    let journal = path.to_str().unwrap();
    for args in [
        vec!["--journal", journal, "start", "WO-000001"],
        vec!["--journal", journal, "sku", "create", "WO-000001"],
        vec!["--journal", journal, "next"],
    ] {
        let out = tcps(&args);
        assert_eq!(code(&out), 1, "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("[journal_io]"), "{}", stderr(&out));
        assert!(!path.exists(), "{args:?} created the journal");
    }
    let out = tcps(&["--journal", journal, "intake", "--github", &example(ISSUE)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(path.exists());
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("d.jsonl");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tcps"))
        .args(["--journal", journal.to_str().unwrap(), "demo"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end at once, as `| head -c 0` would: the demo
    // prints many lines over its run, so a later one meets the closed pipe.
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(status.signal(), Some(libc::SIGPIPE), "{status:?} {err}");
}
