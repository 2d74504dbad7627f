//! Fixture K of kaizen.md 12, built through the public API of flow,
//! quality and andon, and the helpers the kaizen tests share.

#![allow(dead_code)]

use std::fmt::Write as _;

use tcps_core::andon::{FailureType, RaiseRequest, Resolution, Severity, Subject};
use tcps_core::flow::{Signal, SignalKind};
use tcps_core::id::{AndonId, SkuId, WorkOrderId};
use tcps_core::ingest::{self, CoverageSummary, DiagnosticSummary, Input, Limits, SarifSummary};
use tcps_core::kaizen::{Date, Window};
use tcps_core::quality::{EvalOptions, Evidence, EvidenceKind, SbomEvidence, ShaclEvidence};
use tcps_core::{Config, Digest, Line, Timestamp};

/// One minute.
pub const MIN: i64 = 60_000;
/// One hour.
pub const H: i64 = 3_600_000;
/// One day.
pub const D: i64 = 86_400_000;
/// 2026-01-19T00:00:00.000Z, Monday of fixture K's week.
pub const K0: Timestamp = 1_768_780_800_000;
/// Fixture K's `now`: 2026-01-26T00:00:00.000Z.
pub const NOW: Timestamp = K0 + 7 * D;

/// The stages of the standard line.
pub const STAGES: [&str; 10] = [
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

/// `01-dd hh:mm` of 2026 (days before the 19th and after the 31st
/// count on from January).
pub fn k(day: i64, hour: i64, minute: i64) -> Timestamp {
    K0 + (day - 19) * D + hour * H + minute * MIN
}

/// A date `YYYY-MM-DD`.
pub fn date(text: &str) -> Date {
    Date::parse(text).unwrap()
}

/// Fixture K's window: `Window::days(2026-01-19, 2026-01-25)`.
pub fn week() -> Window {
    Window::days(date("2026-01-19"), date("2026-01-25")).unwrap()
}

/// A `JUnit` report with `passed` passing tests and one failing test per
/// id (`class::name`).
pub fn tests(passed: usize, failed: &[&str]) -> ingest::TestSummary {
    let mut xml = String::from(r#"<testsuite name="k">"#);
    for i in 0..passed {
        let _ = write!(xml, r#"<testcase classname="ok" name="t{i}"/>"#);
    }
    for id in failed {
        let (class, name) = id.split_once("::").unwrap_or(("", id));
        let _ = write!(
            xml,
            r#"<testcase classname="{class}" name="{name}"><failure/></testcase>"#
        );
    }
    xml.push_str("</testsuite>");
    ingest::junit(Input::new("junit.xml", xml.as_bytes()), &Limits::default()).unwrap()
}

/// Full line coverage of one file.
pub fn coverage() -> CoverageSummary {
    let lcov = "SF:a.rs\nDA:1,1\nDA:2,1\nend_of_record\n";
    ingest::lcov(Input::new("lcov.info", lcov.as_bytes()), &Limits::default()).unwrap()
}

/// Evidence that passes the standard gate of `kind`.
pub fn passing(kind: EvidenceKind) -> Evidence {
    match kind {
        EvidenceKind::Shacl => Evidence::Shacl(ShaclEvidence::Report {
            conforms: true,
            violations: Vec::new(),
        }),
        EvidenceKind::Compilation => Evidence::Compilation(DiagnosticSummary::default()),
        EvidenceKind::Tests => Evidence::Tests {
            tests: Some(tests(3, &[])),
            coverage: Some(coverage()),
        },
        EvidenceKind::Security => Evidence::Security {
            sarif: Some(SarifSummary::default()),
            advisories: Some(Vec::new()),
            secrets: Some(SarifSummary::default()),
        },
        EvidenceKind::Determinism => Evidence::Determinism {
            first: Digest::of(b"build"),
            second: Digest::of(b"build"),
            manifests: None,
        },
        EvidenceKind::History => Evidence::History,
        EvidenceKind::Release => {
            let bom = br#"{"bomFormat":"CycloneDX","specVersion":"1.5",
              "components":[{"name":"a","licenses":[{"license":{"id":"MIT"}}]}]}"#;
            Evidence::Release {
                artifact: Some(Digest::of(b"artifact")),
                lock: Some(Digest::of(b"Cargo.lock")),
                sbom: SbomEvidence::from_input(Input::new("bom.json", bom)),
            }
        }
        EvidenceKind::Smoke => Evidence::Smoke(Some(tests(3, &[]))),
    }
}

/// Evaluates the gate of the SKU's current stage with passing evidence.
pub fn pass(line: &mut Line, sku: SkuId, now: Timestamp) {
    pass_with(line, sku, false, now);
}

/// As [`pass`], started by a person when `manual`.
pub fn pass_with(line: &mut Line, sku: SkuId, manual: bool, now: Timestamp) {
    let stage = line.sku(sku).unwrap().stage.clone();
    let gate = line
        .config()
        .quality
        .gate_for_stage(&stage)
        .cloned()
        .unwrap();
    line.evaluate_gate(
        sku,
        &gate.name,
        &passing(gate.kind),
        EvalOptions { manual },
        now,
    )
    .unwrap_or_else(|e| panic!("{sku} {} at {now}: {e}", gate.name));
}

/// Evaluates a gate with the given evidence.
pub fn eval(line: &mut Line, sku: SkuId, gate: &str, evidence: &Evidence, now: Timestamp) {
    line.evaluate_gate(sku, gate, evidence, EvalOptions::default(), now)
        .unwrap_or_else(|e| panic!("{sku} {gate} at {now}: {e}"));
}

/// Moves the SKU to the next stage.
pub fn next(line: &mut Line, sku: SkuId, now: Timestamp) {
    let stage = line.sku(sku).unwrap().stage.clone();
    let i = STAGES.iter().position(|s| *s == stage).unwrap();
    line.transition(sku, STAGES[i + 1], now)
        .unwrap_or_else(|e| panic!("{sku} to {}: {e}", STAGES[i + 1]));
}

/// Takes in a signal; `Cve` goes to security, `MarketplaceInstall` to
/// features, `MarketplaceRefund` to reliability.
pub fn intake(line: &mut Line, kind: SignalKind, source: &str, now: Timestamp) -> WorkOrderId {
    let signal = Signal::new(kind, source, format!("demand {source}"));
    line.intake(&signal, now).unwrap().work_order
}

/// Resolves an andon after its finalised 5 Whys analysis, all at `now`.
pub fn resolve(line: &mut Line, andon: AndonId, cause: &str, now: Timestamp) {
    let severity = line.andon(andon).unwrap().severity;
    if matches!(severity, Severity::Critical | Severity::High) {
        let analysis = line.start_analysis(andon, "what broke", now).unwrap();
        for n in 1..=5 {
            line.set_why(analysis, n, &format!("why {n}"), now).unwrap();
        }
        line.finalize_analysis(analysis, cause, "a check for it", now)
            .unwrap();
    }
    line.resolve(
        andon,
        &Resolution::new(cause, "fixed", "a check for it"),
        now,
    )
    .unwrap();
}

/// Raises a medium `manual` andon on a SKU at a stage.
pub fn raise_manual(line: &mut Line, sku: SkuId, stage: &str, now: Timestamp) -> AndonId {
    let mut request = RaiseRequest::new(Subject::Sku(sku), FailureType::Manual);
    request.severity = Some(Severity::Medium);
    request.stage = Some(stage.to_owned());
    line.raise(request, now).unwrap().andon
}

/// Walks a SKU from its stage to `publication` right away, passing
/// each gate: one minute a step from `t`. Returns the time after.
pub fn walk_to_publication(line: &mut Line, sku: SkuId, mut t: Timestamp) -> Timestamp {
    while line.sku(sku).unwrap().stage != "publication" {
        let stage = line.sku(sku).unwrap().stage.clone();
        if line.config().quality.gate_for_stage(&stage).is_some() {
            pass(line, sku, t);
            t += MIN;
        }
        next(line, sku, t);
        t += MIN;
    }
    t
}

type Step = Box<dyn FnOnce(&mut Line, Timestamp)>;

/// Steps of several SKUs, run in time order (ties in the order given).
#[derive(Default)]
pub struct Plan {
    steps: Vec<(Timestamp, usize, Step)>,
}

impl Plan {
    /// Adds a step at `t`.
    pub fn at(&mut self, t: Timestamp, step: impl FnOnce(&mut Line, Timestamp) + 'static) {
        let n = self.steps.len();
        self.steps.push((t, n, Box::new(step)));
    }

    /// Passes the gate of each stage from `from` (one minute) and moves
    /// on (one minute), until the SKU enters `until`.
    pub fn walk(&mut self, sku: SkuId, from: &str, until: &str, mut t: Timestamp) {
        let start = STAGES.iter().position(|s| *s == from).unwrap();
        let end = STAGES.iter().position(|s| *s == until).unwrap();
        for stage in &STAGES[start..end] {
            if *stage != "marketplace_validation" {
                self.at(t, move |l, t| pass(l, sku, t));
                t += MIN;
            }
            self.at(t, move |l, t| next(l, sku, t));
            t += MIN;
        }
    }

    /// Releases and publishes the SKU at `t`.
    pub fn publish(&mut self, sku: SkuId, t: Timestamp) {
        self.at(t, move |l, t| {
            l.release(sku, t).unwrap();
            l.publish(sku, None, t).unwrap();
        });
    }

    /// Runs every step in time order.
    pub fn run(mut self, line: &mut Line) {
        self.steps.sort_by_key(|(t, n, _)| (*t, *n));
        for (t, _, step) in self.steps {
            step(line, t);
        }
    }
}

/// The configuration of fixture K: the standard line with the conditions
/// of `quality_metrics` removed, so that its evaluations pass as the
/// fixture says whatever the line's history is.
pub fn fixture_config() -> Config {
    let mut config = Config::standard();
    let qm = config
        .quality
        .gates
        .iter_mut()
        .find(|g| g.name == "quality_metrics")
        .unwrap();
    qm.conditions.clear();
    config
}

fn failing_tests(failed: &[&str]) -> Evidence {
    Evidence::Tests {
        tests: Some(tests(3, failed)),
        coverage: Some(coverage()),
    }
}

/// Adds fixture K's steps (kaizen.md 12) to a plan.
pub fn plan_k(plan: &mut Plan) {
    let sku = SkuId;
    let wo = WorkOrderId;

    // SKU-000001 (WO-000001, security).
    plan.at(k(19, 8, 0), move |l, t| {
        assert_eq!(intake(l, SignalKind::Cve, "CVE-K-1", t), wo(1));
    });
    plan.at(k(19, 9, 0), move |l, t| l.start(wo(1), t).unwrap());
    plan.at(k(19, 9, 40), move |l, t| {
        l.create_sku(wo(1), Some(k(19, 8, 30)), None, t).unwrap();
    });
    plan.at(k(19, 9, 42), move |l, t| pass(l, sku(1), t));
    plan.at(k(19, 9, 46), move |l, t| next(l, sku(1), t));
    plan.at(k(19, 9, 48), move |l, t| pass(l, sku(1), t));
    plan.at(k(19, 9, 50), move |l, t| next(l, sku(1), t));
    plan.at(k(19, 9, 55), move |l, t| pass(l, sku(1), t));
    plan.at(k(19, 10, 0), move |l, t| next(l, sku(1), t));
    plan.walk(sku(1), "security_scan", "publication", k(19, 10, 1));
    plan.publish(sku(1), k(19, 11, 0));

    // SKU-000002 (WO-000002, features): test attempt 1 fails.
    plan.at(k(19, 10, 0), move |l, t| {
        assert_eq!(
            intake(l, SignalKind::MarketplaceInstall, "install-K-2", t),
            wo(2)
        );
    });
    plan.at(k(20, 9, 0), move |l, t| l.start(wo(2), t).unwrap());
    plan.at(k(20, 10, 15), move |l, t| {
        l.create_sku(wo(2), None, None, t).unwrap();
    });
    plan.at(k(20, 10, 18), move |l, t| pass(l, sku(2), t));
    plan.at(k(20, 10, 23), move |l, t| next(l, sku(2), t));
    plan.at(k(20, 10, 25), move |l, t| pass(l, sku(2), t));
    plan.at(k(20, 10, 30), move |l, t| next(l, sku(2), t));
    plan.at(k(20, 11, 0), move |l, t| {
        eval(
            l,
            sku(2),
            "test_execution",
            &failing_tests(&["api::test_login"]),
            t,
        );
    });
    plan.at(k(20, 14, 0), |l, t| {
        resolve(l, AndonId(1), "Flaky network mock", t);
    });
    plan.at(k(20, 14, 30), move |l, t| pass(l, sku(2), t));
    plan.at(k(20, 14, 40), move |l, t| next(l, sku(2), t));
    plan.walk(sku(2), "security_scan", "publication", k(20, 14, 41));
    plan.publish(sku(2), k(21, 15, 0));

    // SKU-000003 (WO-000003, reliability): security_scan warns.
    plan.at(k(20, 12, 0), move |l, t| {
        assert_eq!(
            intake(l, SignalKind::MarketplaceRefund, "refund-K-3", t),
            wo(3)
        );
    });
    plan.at(k(20, 13, 0), move |l, t| l.start(wo(3), t).unwrap());
    plan.at(k(20, 13, 50), move |l, t| {
        l.create_sku(wo(3), Some(k(20, 12, 30)), None, t).unwrap();
    });
    plan.at(k(20, 13, 52), move |l, t| pass(l, sku(3), t));
    plan.at(k(20, 13, 57), move |l, t| next(l, sku(3), t));
    plan.at(k(20, 13, 58), move |l, t| pass(l, sku(3), t));
    plan.at(k(20, 14, 0), move |l, t| next(l, sku(3), t));
    plan.at(k(20, 14, 10), move |l, t| pass(l, sku(3), t));
    plan.at(k(20, 14, 15), move |l, t| next(l, sku(3), t));
    plan.at(k(20, 14, 20), move |l, t| {
        let warning = Evidence::Security {
            sarif: Some(SarifSummary {
                warning: 1,
                ..SarifSummary::default()
            }),
            advisories: Some(Vec::new()),
            secrets: Some(SarifSummary::default()),
        };
        eval(l, sku(3), "security_scan", &warning, t);
    });
    plan.at(k(20, 14, 22), move |l, t| next(l, sku(3), t));
    plan.walk(sku(3), "deterministic_build", "publication", k(20, 14, 23));
    plan.publish(sku(3), k(22, 13, 0));

    // SKU-000004 (WO-000004, security): compilation attempt 1 fails, the
    // re-run is started by a person.
    plan.at(k(21, 9, 0), move |l, t| {
        assert_eq!(intake(l, SignalKind::Cve, "CVE-K-4", t), wo(4));
    });
    plan.at(k(21, 10, 0), move |l, t| l.start(wo(4), t).unwrap());
    plan.at(k(21, 10, 1), move |l, t| {
        l.create_sku(wo(4), Some(k(21, 9, 30)), None, t).unwrap();
    });
    plan.at(k(21, 10, 3), move |l, t| pass(l, sku(4), t));
    plan.at(k(21, 10, 5), move |l, t| next(l, sku(4), t));
    plan.at(k(21, 10, 30), move |l, t| {
        let broken = Evidence::Compilation(DiagnosticSummary {
            errors: 1,
            ..DiagnosticSummary::default()
        });
        eval(l, sku(4), "compilation", &broken, t);
    });
    plan.at(k(21, 11, 30), |l, t| {
        resolve(l, AndonId(2), "Missing lock file update", t);
    });
    plan.at(k(21, 12, 0), move |l, t| pass_with(l, sku(4), true, t));
    plan.at(k(21, 12, 10), move |l, t| next(l, sku(4), t));
    plan.at(k(21, 12, 20), move |l, t| pass(l, sku(4), t));
    plan.at(k(21, 12, 30), move |l, t| next(l, sku(4), t));
    plan.walk(sku(4), "security_scan", "publication", k(21, 12, 31));
    plan.publish(sku(4), k(22, 14, 0));

    // SKU-000005 (WO-000005, reliability): test attempt 1 fails; it
    // stays in test_execution.
    plan.at(k(22, 8, 0), move |l, t| {
        assert_eq!(
            intake(l, SignalKind::MarketplaceRefund, "refund-K-5", t),
            wo(5)
        );
    });
    plan.at(k(22, 9, 0), move |l, t| l.start(wo(5), t).unwrap());
    plan.at(k(22, 10, 20), move |l, t| {
        l.create_sku(wo(5), Some(k(22, 8, 30)), None, t).unwrap();
    });
    plan.at(k(22, 10, 22), move |l, t| pass(l, sku(5), t));
    plan.at(k(22, 10, 24), move |l, t| next(l, sku(5), t));
    plan.at(k(22, 10, 26), move |l, t| pass(l, sku(5), t));
    plan.at(k(22, 10, 30), move |l, t| next(l, sku(5), t));
    plan.at(k(22, 11, 0), move |l, t| {
        let failed = failing_tests(&["api::test_login", "db::test_migrate"]);
        eval(l, sku(5), "test_execution", &failed, t);
    });
    plan.at(k(22, 16, 0), |l, t| {
        resolve(l, AndonId(3), "flaky network  mock", t);
    });
    plan.at(k(22, 17, 0), move |l, t| pass(l, sku(5), t));

    // WO-000006 (features) is never started.
    plan.at(k(23, 8, 0), move |l, t| {
        assert_eq!(
            intake(l, SignalKind::MarketplaceInstall, "install-K-6", t),
            wo(6)
        );
    });

    // ANDON-000004, raised by the host against the published SKU-000003.
    plan.at(k(23, 10, 0), move |l, t| {
        let mut request =
            RaiseRequest::new(Subject::Sku(sku(3)), FailureType::SecurityVulnerability);
        request.stage = Some("publication".into());
        assert_eq!(l.raise(request, t).unwrap().andon, AndonId(4));
    });
    plan.at(k(23, 16, 0), |l, t| {
        resolve(l, AndonId(4), " Missing lock file update", t);
    });

    // SKU-000006 (WO-000007, reliability) fixes ANDON-000004; its
    // release verification is started by a person.
    plan.at(k(23, 10, 30), move |l, t| {
        assert_eq!(
            intake(l, SignalKind::MarketplaceRefund, "refund-K-7", t),
            wo(7)
        );
    });
    plan.at(k(23, 11, 0), move |l, t| l.start(wo(7), t).unwrap());
    plan.at(k(23, 11, 21), move |l, t| {
        let s = l
            .create_sku(wo(7), Some(k(23, 10, 45)), Some(AndonId(4)), t)
            .unwrap();
        assert_eq!(s, sku(6));
    });
    plan.at(k(23, 11, 25), move |l, t| pass(l, sku(6), t));
    plan.at(k(23, 11, 30), move |l, t| next(l, sku(6), t));
    plan.at(k(23, 11, 32), move |l, t| pass(l, sku(6), t));
    plan.at(k(23, 11, 35), move |l, t| next(l, sku(6), t));
    plan.at(k(23, 11, 40), move |l, t| pass(l, sku(6), t));
    plan.at(k(23, 11, 45), move |l, t| next(l, sku(6), t));
    plan.at(k(23, 11, 50), move |l, t| pass(l, sku(6), t));
    plan.at(k(23, 11, 52), move |l, t| next(l, sku(6), t));
    plan.at(k(23, 11, 53), move |l, t| pass(l, sku(6), t));
    plan.at(k(23, 11, 54), move |l, t| next(l, sku(6), t));
    plan.at(k(23, 11, 55), move |l, t| pass(l, sku(6), t));
    plan.at(k(23, 11, 57), move |l, t| next(l, sku(6), t));
    plan.at(k(23, 12, 5), move |l, t| pass_with(l, sku(6), true, t));
    plan.at(k(23, 12, 6), move |l, t| next(l, sku(6), t));
    plan.walk(sku(6), "smoke_test", "publication", k(23, 12, 7));
    plan.publish(sku(6), k(23, 15, 0));
}

/// Fixture K: its line as of `now` (2026-01-26T00:00Z), whose last
/// receipt is ANDON-000004's resolution at 01-23 16:00.
pub fn fixture_k() -> Line {
    let mut line = Line::new(fixture_config(), K0).unwrap();
    let mut plan = Plan::default();
    plan_k(&mut plan);
    plan.run(&mut line);
    line
}
