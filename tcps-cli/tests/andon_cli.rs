//! `tcps andon`, `tcps rca`, `tcps report` and `tcps forecast` through
//! the built binary: a hand-pulled andon stops its SKU until a finalised
//! 5 Whys resolves it (andon.md 7, 10), the kaizen report of the demo
//! journal in text, JSON and HTML, the HTML rendered by headless
//! chromium (kaizen.md 11), and seeded forecasts (kaizen.md 6.8).
//!
//! Exit status as the README gives it: 0 on success, 1 when the line
//! refuses an operation, 2 on a usage or input error.

mod common;

use common::{code, stderr, stdout, tcps};

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};
use tcps_core::Config;
use tcps_core::flow::{Signal, SignalKind};
use tcps_core::id::SkuId;
use tcps_core::ingest::DiagnosticSummary;
use tcps_core::journal::{Journal, JournalOptions};
use tcps_core::quality::{EvalOptions, Evidence};

/// 2026-01-26T10:00:00.000Z, the `t0` of the specs.
const T0: i64 = 1_769_421_600_000;
const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;

/// The `--now` of the demo journal's report: after its last receipt
/// (2026-01-26T13:51Z), on the same day.
const REPORT_NOW: &str = "2026-01-26T14:00:00Z";

fn json_of(out: &Output) -> Value {
    assert_eq!(code(out), 0, "{}", stderr(out));
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// Runs `tcps --journal PATH --now AT ARGS…`.
fn at(path: &Path, now: i64, args: &[&str]) -> Output {
    let now = now.to_string();
    let mut all = vec!["--journal", path.to_str().unwrap(), "--now", &now];
    all.extend_from_slice(args);
    tcps(&all)
}

/// Runs a command that must succeed and returns its stdout.
fn ok(path: &Path, now: i64, args: &[&str]) -> String {
    let out = at(path, now, args);
    assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
    stdout(&out)
}

/// Runs a command the line must refuse: status 1, the error named on
/// stderr, the journal unchanged to the byte.
fn refused(path: &Path, now: i64, args: &[&str], error: &str) {
    let before = std::fs::read(path).unwrap();

    let out = at(path, now, args);

    assert_eq!(code(&out), 1, "{args:?}: {}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("[{error}]")),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(path).unwrap(), before, "{args:?} wrote");
}

/// The last receipt of the journal, as JSON.
fn last_receipt(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(text.lines().last().unwrap()).unwrap()
}

/// A line whose SKU-000001 sits at `compilation` with that gate passed,
/// so nothing but an andon keeps it from moving on. Every receipt is
/// at `t0`.
fn line(dir: &Path) -> PathBuf {
    let path = dir.join("line.jsonl");
    let mut j = Journal::create(&path, Config::standard(), T0, &JournalOptions::new()).unwrap();
    let bug = Signal::new(
        SignalKind::GithubIssue,
        "https://github.com/o/r/issues/1",
        "crash",
    )
    .with_labels(["bug"]);
    let wo = j.intake(&bug, T0).unwrap().work_order;
    j.start(wo, T0).unwrap();
    let sku = j.create_sku(wo, None, None, T0).unwrap();
    j.skip_gate(sku, "shacl_validation", "no shapes yet", T0)
        .unwrap();
    j.transition(sku, "compilation", T0).unwrap();
    let clean = Evidence::Compilation(DiagnosticSummary::default());
    j.evaluate_gate(sku, "compilation", &clean, EvalOptions::default(), T0)
        .unwrap();
    assert_eq!(sku, SkuId(1));
    j.close().unwrap();
    path
}

/// `line` with ANDON-000001 pulled by hand on SKU-000001 at `t0 + 10 min`:
/// manual, high, so its resolution needs a finalised analysis.
fn line_with_andon(dir: &Path) -> PathBuf {
    let path = line(dir);
    ok(
        &path,
        T0 + 10 * MINUTE,
        &[
            "andon",
            "raise",
            "--sku",
            "SKU-000001",
            "--type",
            "manual",
            "--severity",
            "high",
            "--detail",
            "seen=flaky login",
            "--by",
            "alice",
        ],
    );
    path
}

#[test]
fn a_manual_raise_needs_a_severity_and_then_lists_as_open_and_stopping() {
    let dir = tempfile::tempdir().unwrap();
    let path = line(dir.path());
    let raise = ["andon", "raise", "--sku", "SKU-000001", "--type", "manual"];

    refused(&path, T0 + 10 * MINUTE, &raise, "missing_field");
    let raised = ok(
        &path,
        T0 + 10 * MINUTE,
        &[&raise[..], &["--severity", "high", "--by", "alice"]].concat(),
    );

    assert_eq!(
        raised,
        "raised ANDON-000001  open  high  manual  SKU-000001@compilation  \
         raised 2026-01-26T10:10:00.000Z  stops\n"
    );
    let list = ok(&path, T0 + 11 * MINUTE, &["andon", "list"]);
    assert_eq!(list, raised.strip_prefix("raised ").unwrap());
    let v = json_of(&at(&path, T0 + 11 * MINUTE, &["--json", "andon", "list"]));
    let andon = &v.as_array().unwrap()[..];
    assert_eq!(andon.len(), 1);
    assert_eq!(andon[0]["id"], "ANDON-000001");
    assert_eq!(
        andon[0]["subject"],
        json!({"kind": "sku", "id": "SKU-000001"})
    );
    assert_eq!(andon[0]["stage"], "compilation");
    assert_eq!(andon[0]["bucket"], "reliability");
    assert_eq!(
        (
            &andon[0]["status"],
            &andon[0]["trigger"],
            &andon[0]["stops"]
        ),
        (&json!("open"), &json!("manual"), &json!(true))
    );
    assert_eq!(andon[0]["raised_at"], T0 + 10 * MINUTE);
    assert_eq!(andon[0]["raised_by"], "alice");
    let resolved = ok(&path, T0, &["andon", "list", "--status", "resolved"]);
    assert_eq!(resolved, "no andon\n");
}

#[test]
fn a_repeat_of_an_unresolved_andon_counts_one_more_occurrence() {
    let dir = tempfile::tempdir().unwrap();
    let path = line_with_andon(dir.path());

    let out = at(
        &path,
        T0 + 20 * MINUTE,
        &[
            "--json",
            "andon",
            "raise",
            "--sku",
            "SKU-000001",
            "--type",
            "manual",
            "--severity",
            "critical",
        ],
    );

    let v = json_of(&out);
    assert_eq!(
        v["raise"],
        json!({"andon": "ANDON-000001", "repeated": true})
    );
    assert_eq!(v["andon"]["occurrences"], 2);
    assert_eq!(v["andon"]["severity"], "critical");
    assert_eq!(v["andon"]["details"], json!({"seen": "flaky login"}));
    assert_eq!(last_receipt(&path)["kind"], "andon.repeated");
}

/// `andon resolve ANDON-000001` with its three texts and a resolver.
fn resolve(cause: &str) -> Vec<&str> {
    vec![
        "andon",
        "resolve",
        "ANDON-000001",
        "--root-cause",
        cause,
        "--fix",
        "lock around the reload",
        "--prevention",
        "a parallel loader test runs in CI",
        "--resolver",
        "bob",
    ]
}

#[test]
fn a_stopped_sku_goes_on_only_after_a_finalised_5_whys_resolves_its_andon() {
    let dir = tempfile::tempdir().unwrap();
    let path = line_with_andon(dir.path());
    let m = |minutes: i64| T0 + minutes * MINUTE;
    let rca = "RCA-000001";
    let cause = "Race condition on timeout in the config loader";

    // Acknowledged, the andon still stops its SKU.
    let acked = ok(
        &path,
        m(12),
        &[
            "andon",
            "ack",
            "ANDON-000001",
            "--by",
            "bob",
            "--note",
            "on it",
        ],
    );
    assert!(
        acked.starts_with("acknowledged ANDON-000001  acknowledged  high"),
        "{acked}"
    );
    assert!(acked.ends_with("  stops\n"), "{acked}");
    assert_eq!(last_receipt(&path)["body"]["ack_ms"], json!(2 * MINUTE));
    refused(
        &path,
        m(13),
        &["andon", "ack", "ANDON-000001", "--by", "eve"],
        "invalid_transition",
    );
    refused(
        &path,
        m(13),
        &["sku", "advance", "SKU-000001"],
        "line_stopped",
    );

    // Resolution needs its three texts, then the finalised analysis.
    let missing_flag = at(&path, m(14), &resolve(cause)[..7]);
    assert_eq!(code(&missing_flag), 2, "{}", stderr(&missing_flag));
    refused(&path, m(14), &resolve(""), "missing_field");
    refused(&path, m(14), &resolve(cause), "rca_required");

    // The 5 Whys; an analysis in progress is not enough either.
    let started = ok(
        &path,
        m(20),
        &["rca", "start", "ANDON-000001", "--problem", "login flaky"],
    );
    assert_eq!(started, format!("started {rca} for ANDON-000001\n"));
    refused(&path, m(21), &resolve(cause), "rca_required");
    refused(
        &path,
        m(21),
        &["rca", "why", rca, "0", "too early"],
        "invalid_why_number",
    );
    refused(
        &path,
        m(21),
        &["rca", "why", rca, "6", "too late"],
        "invalid_why_number",
    );
    for n in 1..=4 {
        let answer = format!("answer {n}");
        let said = ok(
            &path,
            m(21 + n),
            &["rca", "why", rca, &n.to_string(), &answer],
        );
        assert_eq!(said, format!("{rca}: why {n} recorded\n"));
    }
    let finalize = [
        "rca",
        "finalize",
        rca,
        "--root-cause",
        cause,
        "--prevention",
        "test it",
    ];
    refused(&path, m(26), &finalize, "missing_why");
    ok(&path, m(26), &["rca", "why", rca, "5", "answer 5"]);
    let finalized = ok(&path, m(30), &finalize);
    // Rules T1 (`race condition`) and T4 (`timeout`) of andon.md 10.6.
    assert_eq!(
        finalized,
        format!(
            "finalized {rca}\n  \
             suggest (tests): Add a concurrency test that runs the operation in parallel\n  \
             suggest (tests): Add a test for timeout handling\n"
        )
    );
    assert_eq!(
        last_receipt(&path)["body"]["duration_ms"],
        json!(10 * MINUTE)
    );
    refused(
        &path,
        m(31),
        &["rca", "why", rca, "1", "changed"],
        "already_finalized",
    );

    // An action item with an owner and a due date, verified in time.
    let due = "2026-02-02T10:00:00Z";
    let added = at(
        &path,
        m(31),
        &[
            "--json",
            "rca",
            "action",
            rca,
            "--description",
            "add a parallel loader test",
            "--owner",
            "alice",
            "--due",
            due,
        ],
    );
    let v = json_of(&added);
    assert_eq!(v["status"], "finalized");
    assert_eq!(v["root_cause"], cause);
    assert_eq!(v["whys"][4], "answer 5");
    assert_eq!(
        v["action_items"],
        json!([{
            "item": 1,
            "description": "add a parallel loader test",
            "owner": "alice",
            "due_at": T0 + 7 * 24 * HOUR,
            "added_at": m(31),
            "verified_at": null,
            "verified_by": null,
        }])
    );
    let verified = ok(&path, m(32), &["rca", "verify", rca, "1", "--by", "carol"]);
    assert_eq!(verified, format!("{rca}: action item 1 verified\n"));
    assert_eq!(last_receipt(&path)["body"]["late"], json!(false));
    refused(
        &path,
        m(33),
        &["rca", "verify", rca, "1"],
        "already_verified",
    );
    refused(&path, m(33), &["rca", "verify", rca, "2"], "not_found");

    // Resolved, the andon no longer stops and the SKU goes on.
    let resolved = ok(&path, m(34), &resolve(cause));
    assert!(
        resolved.starts_with("resolved ANDON-000001  resolved  high"),
        "{resolved}"
    );
    assert!(!resolved.contains("stops"), "{resolved}");
    let receipt = last_receipt(&path);
    assert_eq!(receipt["kind"], "andon.resolved");
    assert_eq!(receipt["body"]["analysis"], json!(rca));
    assert_eq!(receipt["body"]["implicit_ack"], json!(false));
    assert_eq!(receipt["body"]["open_ms"], json!(24 * MINUTE));
    refused(&path, m(35), &resolve(cause), "invalid_transition");
    let advanced = ok(&path, m(35), &["sku", "advance", "SKU-000001"]);
    assert!(advanced.contains("at test_execution"), "{advanced}");
    assert_eq!(ok(&path, m(36), &["andon", "list"]), "no andon\n");
    let all = ok(&path, m(36), &["andon", "list", "--all"]);
    assert!(
        all.starts_with("ANDON-000001  resolved  high  manual"),
        "{all}"
    );
}

#[test]
fn escalations_name_the_andon_once_its_limit_has_passed() {
    let dir = tempfile::tempdir().unwrap();
    let path = line_with_andon(dir.path());
    let raised = T0 + 10 * MINUTE;
    // A high andon: acknowledge within 1 h, resolve within 24 h.
    let (ack_due, resolve_due) = (raised + HOUR, raised + 24 * HOUR);
    let due = |now: i64| ok(&path, now, &["andon", "escalations"]);

    assert_eq!(due(ack_due - 1), "no escalation due\n");
    assert_eq!(
        due(ack_due + 5 * MINUTE),
        "ANDON-000001  high  level 1 ack_overdue  due 2026-01-26T11:10:00.000Z, \
         300000 ms overdue\n"
    );
    ok(
        &path,
        raised + 30 * MINUTE,
        &["andon", "ack", "ANDON-000001", "--by", "bob"],
    );
    assert_eq!(due(ack_due), "no escalation due\n");
    assert_eq!(due(resolve_due - 1), "no escalation due\n");
    let v = json_of(&at(&path, resolve_due, &["--json", "andon", "escalations"]));
    assert_eq!(
        v,
        json!([{
            "andon": "ANDON-000001",
            "severity": "high",
            "level": 2,
            "reason": "resolve_overdue",
            "due_at": resolve_due,
            "overdue_ms": 0,
        }])
    );

    let recorded = ok(&path, resolve_due, &["andon", "escalations", "--record"]);

    assert!(
        recorded.starts_with("escalated ANDON-000001  high  level 2"),
        "{recorded}"
    );
    let receipt = last_receipt(&path);
    assert_eq!(receipt["kind"], "andon.escalated");
    assert_eq!(receipt["body"]["level"], json!(2));
    assert_eq!(due(resolve_due + HOUR), "no escalation due\n");
}

// ---------------------------------------------------------------------
// report

/// Runs `tcps demo --quiet` into a fresh journal and returns its path.
fn demo_journal(dir: &Path) -> PathBuf {
    let path = dir.join("demo.jsonl");
    let out = tcps(&["--journal", path.to_str().unwrap(), "demo", "--quiet"]);
    assert_eq!(code(&out), 0, "demo failed: {}", stderr(&out));
    path
}

/// `tcps --journal J --now NOW ARGS…` on the demo journal.
fn on_demo(path: &Path, now: &str, args: &[&str]) -> Output {
    let mut all = vec!["--journal", path.to_str().unwrap(), "--now", now];
    all.extend_from_slice(args);
    tcps(&all)
}

// The demo's figures, from its fixed clock (t0 = 10:00 on 2026-01-26):
//
// - WO-000004 created 10:04, started 10:09, SKU-000001 published and
//   the work order completed 11:13: lead 69 min (4 140 000), cycle
//   64 min (3 840 000), every gate passed on attempt 1.
// - WO-000002 created 10:02, started 10:23, completed 13:51: lead
//   229 min (13 740 000), cycle 148 min (8 880 000). Its test gate
//   failed once (ANDON-000001, raised 10:41, resolved 11:46: 65 min)
//   and passed on attempt 2; its compilation visit took 420 s, as did
//   SKU-000001's.
// - 17 gate evaluations in the week, 16 passed (warn counts as passed).
//
// So (kaizen.md 3-11): lead p50 4 140 000, p85 13 740 000, mean
// 8 940 000; throughput 2 in 7 days, 285 milli a day; first-pass yield,
// defect rate and rework rate each 1 / 2; achievement cycle 4687,
// defect 200, rework 1000, yield 5263, throughput 285, lead 10 000,
// overall floor(21 435 / 6) = 3572; waste: excessive_rework 7 200 000,
// flaky_test 900 000, compilation_slow 2 × 120 000, total 8 340 000;
// one proposal (rework, 3.6 M a week saved, ROI 7.2 / 57.6 = 0.125).

#[test]
fn the_text_report_of_the_demo_journal_prints_the_kaizen_figures() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());

    let out = on_demo(&path, REPORT_NOW, &["report"]);

    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        "Kaizen report, week ending 2026-01-26\n",
        "2026-01-20 to 2026-01-26, generated 2026-01-26T14:00:00.000Z\n",
        "lead time p50 1.2 h (n = 2), throughput 0.29 a day, \
         first-pass yield 50.00 % (1 / 2), andons 1\n",
        "p50 1.2 h, p85 3.8 h, p95 3.8 h, mean 2.5 h, min 1.2 h, max 3.8 h (n = 2)",
        "0.29 a day (2 published in 7 days)",
        "94.12 % (16 / 17)",
        "andons raised      1 (0.14 a day): test_failure 1\n",
        "overall achievement 35.72 %\n",
        "Waste (total 2.3 h)\n",
        "1. excessive_rework in test_execution: 1 x, 2.0 h (2.0 h a week).",
        "Catch failures before the gates of stage test_execution. \
         Saves about 1.0 hours a week (effort medium, ROI 0.13)",
        "[medium] throughput: Throughput 0.29 a day is below 90 % of the target 10.00.",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}

#[test]
fn the_json_report_of_the_demo_journal_holds_the_members_of_kaizen_md_11_1() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());

    let out = on_demo(&path, REPORT_NOW, &["--json", "report"]);

    let v = json_of(&out);
    // The order of the keys, read from the pretty-printed text (serde_json
    // sorts the members of a parsed object).
    let text = stdout(&out);
    let keys: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("  \""))
        .filter_map(|l| l.split_once('"').map(|(key, _)| key))
        .collect();
    assert_eq!(
        keys,
        [
            "report",
            "week_ending",
            "window",
            "generated_at",
            "summary",
            "tps",
            "dora",
            "flow",
            "waste",
            "proposals",
            "improvements",
            "trends",
            "week_over_week",
            "recommendations",
        ]
    );
    assert_eq!(v["report"], "weekly_kaizen");
    assert_eq!(v["week_ending"], "2026-01-26");
    assert_eq!(
        v["window"],
        json!({"from": "2026-01-20", "to": "2026-01-26"})
    );
    assert_eq!(v["generated_at"], "2026-01-26T14:00:00.000Z");

    let achievements: Vec<(&str, i64)> = v["summary"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["metric"].as_str().unwrap(),
                m["achievement_bp"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        achievements,
        [
            ("lead_time", 10_000),
            ("cycle_time", 4687),
            ("defect_rate", 200),
            ("rework_rate", 1000),
            ("first_pass_yield", 5263),
            ("throughput", 285),
        ]
    );
    assert_eq!(v["summary"]["overall_bp"], 3572);

    let tps = &v["tps"];
    assert_eq!(
        tps["lead_time"],
        json!({"count": 2, "p50": 4_140_000, "p85": 13_740_000, "p95": 13_740_000,
               "mean": 8_940_000, "min": 4_140_000, "max": 13_740_000})
    );
    assert_eq!(
        tps["cycle_time"],
        json!({"count": 2, "p50": 3_840_000, "p85": 8_880_000, "p95": 8_880_000,
               "mean": 6_360_000, "min": 3_840_000, "max": 8_880_000})
    );
    assert_eq!(
        tps["throughput"],
        json!({"count": 2, "days": 7, "milli_per_day": 285, "milli_per_week": 2000})
    );
    let half = json!({"num": 1, "den": 2, "bp": 5000});
    assert_eq!(tps["first_pass_yield"], half);
    assert_eq!(tps["defect_rate"], half);
    assert_eq!(tps["rework_rate"], half);
    assert_eq!(
        tps["gate_pass_rate"],
        json!({"num": 16, "den": 17, "bp": 9411})
    );
    assert_eq!(
        tps["sla"]["overall"],
        json!({"num": 2, "den": 2, "bp": 10_000})
    );
    assert_eq!(tps["gate_fpy"][2]["gate"], "test_execution");
    assert_eq!(tps["gate_fpy"][2]["ratio"], half);

    let dora = &v["dora"];
    assert_eq!(dora["deployment_frequency"]["band"], "yearly");
    assert_eq!(
        dora["deployment_frequency"]["daily"][6],
        json!({"date": "2026-01-26", "count": 2})
    );
    assert_eq!(dora["change_lead_time"]["variant"], "work_order_start");
    assert_eq!(dora["change_lead_time"]["p50"], 3_840_000);
    assert_eq!(dora["change_lead_time"]["band"], "one_day");
    // The andon stopped a SKU in production: no failed deployment.
    assert_eq!(
        dora["change_fail_rate"]["ratio"],
        json!({"num": 0, "den": 2, "bp": 0})
    );
    assert_eq!(dora["change_fail_rate"]["band"], "0-15%");

    let waste = &v["waste"];
    assert_eq!(waste["total_ms"], 8_340_000);
    let points: Vec<(&str, &str, i64, i64)> = waste["top"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["type"].as_str().unwrap(),
                p["stage"].as_str().unwrap(),
                p["frequency"].as_i64().unwrap(),
                p["total_ms"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        points,
        [
            ("excessive_rework", "test_execution", 1, 7_200_000),
            ("flaky_test", "test_execution", 1, 900_000),
            ("compilation_slow", "compilation", 2, 240_000),
        ]
    );
    assert_eq!(v["proposals"].as_array().unwrap().len(), 1);
    assert_eq!(v["proposals"][0]["benefit"], "Saves about 1.0 hours a week");
    assert_eq!(v["proposals"][0]["roi_milli"], 125);
    assert_eq!(v["improvements"], json!([]));
    assert_eq!(v["trends"]["weeks"].as_array().unwrap().len(), 8);
    assert_eq!(
        v["recommendations"],
        json!([{
            "priority": "medium",
            "category": "throughput",
            "message": "Throughput 0.29 a day is below 90 % of the target 10.00",
            "action": "Review WIP limits and stage parallelism",
        }])
    );
}

#[test]
fn window_picks_the_days_of_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());
    let report = |window: &str| {
        json_of(&on_demo(
            &path,
            REPORT_NOW,
            &["--json", "report", "--window", window],
        ))
    };

    let today = report("2026-01-26..2026-01-26");
    let last_three = report("3");
    let week_before = report("2026-01-13..2026-01-19");

    assert_eq!(
        today["window"],
        json!({"from": "2026-01-26", "to": "2026-01-26"})
    );
    assert_eq!(
        today["tps"]["throughput"],
        json!({"count": 2, "days": 1, "milli_per_day": 2000, "milli_per_week": 14_000})
    );
    // Throughput achieves 2000 of 10 000 now: floor(23 150 / 6).
    assert_eq!(today["summary"]["overall_bp"], 3858);
    assert_eq!(
        last_three["window"],
        json!({"from": "2026-01-24", "to": "2026-01-26"})
    );
    assert_eq!(last_three["tps"]["throughput"]["milli_per_day"], 666);
    assert_eq!(week_before["tps"]["throughput"]["count"], 0);
    assert_eq!(week_before["tps"]["lead_time"]["count"], 0);
    assert_eq!(week_before["tps"]["first_pass_yield"], Value::Null);
    assert_eq!(week_before["waste"]["total_ms"], 0);
}

#[test]
fn a_bad_window_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());

    for args in [
        &["report", "--window", "0"][..],
        &["report", "--window", "3661"],
        &["report", "--window", "a week"],
        &["report", "--window", "2026-01-27..2026-01-26"],
        &["report", "--window", "2016-01-01..2026-01-26"],
        &["report", "--window", "2026-02-30..2026-03-01"],
        &["report", "--window", "3", "--week-ending", "2026-01-26"],
    ] {
        let out = on_demo(&path, REPORT_NOW, args);

        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn the_html_report_is_one_self_contained_file_with_inline_charts() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());
    let file = dir.path().join("report.html");

    let out = on_demo(
        &path,
        REPORT_NOW,
        &["report", "--html", file.to_str().unwrap()],
    );

    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Kaizen report, week ending 2026-01-26\n"));
    assert!(
        stderr(&out).contains("html report written to"),
        "{}",
        stderr(&out)
    );
    let html = std::fs::read_to_string(&file).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.contains("<title>Kaizen report, week ending 2026-01-26</title>"));
    for banned in [
        "<script", "<link", "<img", "<iframe", "src=", "url(", "http://", "https://",
    ] {
        assert!(!html.contains(banned), "the report holds {banned}");
    }
    // Links only to fragments of the page itself.
    assert_eq!(
        html.matches("href=\"").count(),
        html.matches("href=\"#").count()
    );
    assert_eq!(html.matches("<svg").count(), 5);
    for id in CHARTS {
        assert_eq!(
            html.matches(&format!("<figure id=\"{id}\">")).count(),
            1,
            "{id}"
        );
    }
    // The figures of the charts' data tables (kaizen.md 11.3).
    let table = |id: &str| {
        let start = html.find(&format!("<figure id=\"{id}\">")).unwrap();
        let figure = &html[start..start + html[start..].find("</figure>").unwrap()];
        data_cells(figure)
    };
    // Lead times 1.15 h and 3.82 h: 1 h bins, four of them.
    assert_eq!(
        table("chart-lead-time"),
        ["0–1 h", "0", "1–2 h", "1", "2–3 h", "0", "3–4 h", "1"]
    );
    assert_eq!(
        table("chart-andon-pareto"),
        ["test_failure", "1", "100.00 %"]
    );
    let fpy = table("chart-gate-fpy");
    assert_eq!(fpy[..3], ["1", "shacl_validation", "100.00"]);
    assert_eq!(fpy[6..9], ["3", "test_execution", "50.00"]);
    let cfd = table("chart-cfd");
    assert_eq!(cfd[..4], ["2025-12-30", "0", "0", "0"]);
    assert_eq!(cfd[cfd.len() - 4..], ["2026-01-26", "2", "0", "2"]);
}

#[test]
fn two_html_reports_of_the_same_journal_are_identical() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());
    let (a, b) = (dir.path().join("a.html"), dir.path().join("b.html"));

    on_demo(
        &path,
        REPORT_NOW,
        &["report", "--html", a.to_str().unwrap()],
    );
    on_demo(
        &path,
        REPORT_NOW,
        &["--json", "report", "--html", b.to_str().unwrap()],
    );

    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
}

/// The text of every cell of the `<table class="data">` in `figure`.
fn data_cells(figure: &str) -> Vec<String> {
    let start = figure.find("<table class=\"data\">").expect("a data table");
    let body = &figure[start..];
    let body = &body[body.find("<tbody>").map_or(0, |i| i + 7)..body.find("</table>").unwrap()];
    body.split("<td")
        .skip(1)
        .map(|cell| {
            let text = &cell[cell.find('>').unwrap() + 1..];
            text[..text.find("</td>").unwrap()].trim().to_owned()
        })
        .collect()
}

// ---------------------------------------------------------------------
// The HTML report in headless chromium, as tcps-core/tests/kaizen_html.rs
// checks fixture K's: no console message, and each chart paints
// something (hiding its shapes changes the screenshot).

#[path = "../../tests/support/chromium.rs"]
mod chromium_support;

use chromium_support::{CHARTS, chromium, shoot, without_chart};

/// Opens the report in chromium and checks it renders every chart with
/// no console message. The runs go one after another: a fuzzing job or
/// the other test binaries may hold the other cores.
fn check_in_browser(html: &str, dir: &Path) -> Result<(), String> {
    let page = dir.join("report.html");
    std::fs::write(&page, html).map_err(|e| e.to_string())?;
    let full = shoot(&page, &dir.join("report.png"))?;

    let (dom, console) = chromium(&page, "--dump-dom")?;
    if !console.is_empty() {
        return Err(format!("console messages: {console:#?}"));
    }
    for id in CHARTS {
        let Some(start) = dom.find(&format!("<figure id=\"{id}\">")) else {
            return Err(format!("chart {id} is missing"));
        };
        let figure = &dom[start..start + dom[start..].find("</figure>").unwrap_or(0)];
        let drawn = ["<rect", "<polyline", "<polygon"]
            .iter()
            .any(|s| figure.contains(s));
        if !figure.contains("<svg") || !drawn {
            return Err(format!("chart {id} has no drawing"));
        }
    }
    if shoot(&page, &dir.join("report-again.png"))? != full {
        return Err("two shots of the same page differ".into());
    }
    for id in CHARTS {
        let variant = dir.join(format!("without-{id}.html"));
        std::fs::write(&variant, without_chart(html, id)).map_err(|e| e.to_string())?;
        if shoot(&variant, &dir.join(format!("without-{id}.png")))? == full {
            return Err(format!("chart {id} paints nothing"));
        }
    }
    Ok(())
}

/// The shots are kept under the target directory for a person to look
/// at, out of git.
fn shots_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("andon_cli")
        .join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_html_report_of_the_demo_journal_renders_every_chart_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());
    let file = dir.path().join("report.html");
    let out = on_demo(
        &path,
        REPORT_NOW,
        &["report", "--html", file.to_str().unwrap()],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let html = std::fs::read_to_string(&file).unwrap();

    let checked = check_in_browser(&html, &shots_dir("demo"));

    assert_eq!(checked, Ok(()));
}

#[test]
fn the_browser_check_fails_on_a_chart_that_paints_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());
    let file = dir.path().join("report.html");
    on_demo(
        &path,
        REPORT_NOW,
        &["report", "--html", file.to_str().unwrap()],
    );
    let html = std::fs::read_to_string(&file).unwrap();
    // Every shape of the Pareto chart already hidden: hiding them again
    // changes nothing on the shot.
    let blank = without_chart(&html, "chart-andon-pareto");

    let checked = check_in_browser(&blank, &shots_dir("blank-chart"));

    assert_eq!(
        checked,
        Err("chart chart-andon-pareto paints nothing".to_owned())
    );
}

// ---------------------------------------------------------------------
// forecast

/// After the demo's day: its history is 01-20..01-26 = 0 0 0 0 0 0 2.
const FORECAST_NOW: &str = "2026-01-27T00:00:00Z";

fn forecast(path: &Path, args: &[&str]) -> Output {
    on_demo(path, FORECAST_NOW, &[&["forecast"][..], args].concat())
}

// Expected values: SplitMix64 of kaizen.md 6.8 run by hand (a model that
// reproduces K-29 to K-32) over the history 0 0 0 0 0 0 2, where a draw
// is 2 when `next() * 7 >> 64` is 6. Seed 42, 5 runs:
//
// - by 2026-02-02 (h = 7): run totals 2, 0, 2, 0, 2; the 50th, 15th and
//   5th percentiles (ranks 3, 1, 1) are 2, 0, 0;
// - 4 items: days per run 21, 29, 12, 7, 2; ranks 3, 5, 5 give 12, 29,
//   29, the dates 2026-02-07 and 2026-02-24.
//
// Seed 42, 10 000 runs, 4 items: 12, 23, 33 days.

#[test]
fn a_seeded_forecast_of_items_by_a_date_is_exact_and_repeatable() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());
    let args = [
        "--seed",
        "42",
        "--by",
        "2026-02-02",
        "--runs",
        "5",
        "--history-days",
        "7",
    ];

    let first = forecast(&path, &args);
    let second = forecast(&path, &args);

    assert_eq!(code(&first), 0, "{}", stderr(&first));
    assert_eq!(first.stdout, second.stdout);
    assert_eq!(
        stdout(&first),
        "Work orders completed from 2026-01-27 through 2026-02-02 (7 days)\n\
         5 runs, seed 42, history from 2026-01-20: 0 0 0 0 0 0 2\n  \
         50 %: at least 2 work orders\n  \
         85 %: at least 0 work orders\n  \
         95 %: at least 0 work orders\n"
    );
}

#[test]
fn a_seeded_forecast_of_the_date_for_items_is_exact_and_repeatable() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());
    let args = [
        "--json",
        "--seed",
        "42",
        "--items",
        "4",
        "--runs",
        "5",
        "--history-days",
        "7",
    ];

    let first = json_of(&forecast(&path, &args));
    let second = json_of(&forecast(&path, &args));
    let full = forecast(
        &path,
        &["--seed", "42", "--items", "4", "--history-days", "7"],
    );

    assert_eq!(first, second);
    assert_eq!(first["kind"], "date_for_items");
    assert_eq!((&first["runs"], &first["seed"]), (&json!(5), &json!(42)));
    assert_eq!(first["history"], json!([0, 0, 0, 0, 0, 0, 2]));
    assert_eq!(first["history_from"], "2026-01-20");
    let answers: Vec<(i64, i64, &str)> = first["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["confidence"].as_i64().unwrap(),
                v["days"].as_i64().unwrap(),
                v["date"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        answers,
        [
            (50, 12, "2026-02-07"),
            (85, 29, "2026-02-24"),
            (95, 29, "2026-02-24")
        ]
    );
    let text = stdout(&full);
    assert!(text.contains("10000 runs, seed 42"), "{text}");
    assert!(text.contains("  50 %: by 2026-02-07 (day 12)\n"), "{text}");
    assert!(text.contains("  85 %: by 2026-02-18 (day 23)\n"), "{text}");
    assert!(text.contains("  95 %: by 2026-02-28 (day 33)\n"), "{text}");
}

#[test]
fn a_forecast_without_throughput_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());

    // On the demo's own day its completions are today's, not history.
    let out = on_demo(
        &path,
        REPORT_NOW,
        &["forecast", "--seed", "1", "--items", "1"],
    );

    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("[no_throughput_history]"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_forecast_arguments_exit_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());

    for args in [
        &["--items", "4"][..],
        &["--seed", "x", "--items", "4"],
        &["--seed", "1"],
        &["--seed", "1", "--items", "4", "--by", "2026-02-02"],
        &["--seed", "1", "--items", "0"],
        &["--seed", "1", "--items", "-1"],
        &["--seed", "1", "--by", "2026-01-26"],
        &["--seed", "1", "--by", "2026-02-30"],
        &["--seed", "1", "--by", "2036-01-27"],
        &["--seed", "1", "--items", "4", "--runs", "0"],
        &["--seed", "1", "--items", "4", "--runs", "1000001"],
        &["--seed", "1", "--items", "4", "--history-days", "0"],
        &["--seed", "1", "--items", "4", "--history-days", "3661"],
    ] {
        let out = forecast(&path, args);

        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}
