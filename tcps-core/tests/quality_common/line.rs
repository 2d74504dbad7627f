//! Lines with SKUs walking the standard stages, built through the public
//! API, and fixture K of kaizen.md 12 with the extension of quality.md
//! Q-31.

use std::fmt::Write as _;

use tcps_core::andon::{FailureType, RaiseRequest, Resolution, Subject};
use tcps_core::flow::{Signal, SignalKind};
use tcps_core::id::{AndonId, SkuId, WorkOrderId};
use tcps_core::ingest::{self, DiagnosticSummary, Input, Limits, SarifSummary, TestSummary};
use tcps_core::quality::{
    EvalOptions, Evidence, EvidenceKind, GateResult, SbomEvidence, ShaclEvidence,
};
use tcps_core::{Config, Digest, Line, Timestamp};

/// One minute.
pub const MIN: i64 = 60_000;
/// One hour.
pub const H: i64 = 3_600_000;
/// One day.
pub const D: i64 = 86_400_000;
/// 2026-01-26T10:00:00.000Z.
pub const T0: Timestamp = 1_769_421_600_000;

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

/// A `JUnit` report: `passed` passing tests, then one failing test per id
/// (`class::name`).
pub fn tests(passed: usize, failed: &[&str]) -> TestSummary {
    let mut xml = String::from(r#"<testsuite name="s">"#);
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
pub fn coverage() -> ingest::CoverageSummary {
    let lcov = "SF:a.rs\nDA:1,1\nDA:2,1\nend_of_record\n";
    ingest::lcov(Input::new("lcov.info", lcov.as_bytes()), &Limits::default()).unwrap()
}

/// An SBOM whose one component is MIT licensed.
pub fn sbom() -> SbomEvidence {
    let bom = br#"{"bomFormat":"CycloneDX","specVersion":"1.5",
      "components":[{"name":"a","licenses":[{"license":{"id":"MIT"}}]}]}"#;
    SbomEvidence::from_input(Input::new("bom.json", bom))
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
        EvidenceKind::Release => Evidence::Release {
            artifact: Some(Digest::of(b"artifact")),
            lock: Some(Digest::of(b"Cargo.lock")),
            sbom: sbom(),
        },
        EvidenceKind::Smoke => Evidence::Smoke(Some(tests(3, &[]))),
    }
}

/// Evaluates `gate` for `sku` with `evidence`.
pub fn eval(line: &mut Line, sku: SkuId, gate: &str, evidence: &Evidence, now: i64) -> GateResult {
    line.evaluate_gate(sku, gate, evidence, EvalOptions::default(), now)
        .unwrap_or_else(|e| panic!("{sku} {gate} at {now}: {e}"))
}

/// Evaluates the gate of `sku`'s current stage with passing evidence.
pub fn pass(line: &mut Line, sku: SkuId, now: i64) -> GateResult {
    let stage = line.sku(sku).unwrap().stage.clone();
    let gate = line
        .config()
        .quality
        .gate_for_stage(&stage)
        .cloned()
        .unwrap();
    eval(line, sku, &gate.name, &passing(gate.kind), now)
}

/// Moves `sku` to the next stage.
pub fn next(line: &mut Line, sku: SkuId, now: i64) {
    let stage = line.sku(sku).unwrap().stage.clone();
    let i = STAGES.iter().position(|s| *s == stage).unwrap();
    line.transition(sku, STAGES[i + 1], now)
        .unwrap_or_else(|e| panic!("{sku} to {}: {e}", STAGES[i + 1]));
}

/// Walks `sku` to `stage`, passing each gate on the way; one minute per
/// step from `now`. Returns the time after the last step.
pub fn walk(line: &mut Line, sku: SkuId, stage: &str, mut now: i64) -> i64 {
    while line.sku(sku).unwrap().stage != stage {
        let here = line.sku(sku).unwrap().stage.clone();
        if line.config().quality.gate_for_stage(&here).is_some() {
            pass(line, sku, now);
            now += MIN;
        }
        next(line, sku, now);
        now += MIN;
    }
    now
}

/// Takes in a signal of `kind` and returns its work order.
pub fn intake(line: &mut Line, kind: SignalKind, source: &str, now: i64) -> WorkOrderId {
    let signal = Signal::new(kind, source, format!("demand {source}"));
    line.intake(&signal, now).unwrap().work_order
}

/// A standard line opened at `T0` with `n` work orders in progress, each
/// with one SKU at the first stage: `SKU-000001` … `SKU-00000n`.
pub fn line_with_skus(n: u64) -> Line {
    let mut line = Line::standard(T0).unwrap();
    for i in 1..=n {
        let wo = intake(
            &mut line,
            SignalKind::MarketplaceInstall,
            &format!("install-{i}"),
            T0,
        );
        line.start(wo, T0).unwrap();
        let sku = line.create_sku(wo, None, None, T0).unwrap();
        assert_eq!(sku, SkuId(i));
    }
    line
}

/// Resolves an andon after its 5 Whys analysis, all at `now`.
pub fn resolve(line: &mut Line, andon: AndonId, cause: &str, now: i64) {
    let analysis = line.start_analysis(andon, "what broke", now).unwrap();
    for n in 1..=5 {
        line.set_why(analysis, n, &format!("why {n}"), now).unwrap();
    }
    line.finalize_analysis(analysis, cause, "a test for it", now)
        .unwrap();
    line.resolve(
        andon,
        &Resolution::new(cause, "fixed", "a test for it"),
        now,
    )
    .unwrap();
}

/// 2026-01-19T00:00:00.000Z, the start of fixture K's week.
pub const K0: Timestamp = 1_768_780_800_000;

/// `01-dd hh:mm` of fixture K.
pub fn k(day: i64, hour: i64, minute: i64) -> Timestamp {
    K0 + (day - 19) * D + hour * H + minute * MIN
}

type Step = Box<dyn FnOnce(&mut Line, Timestamp)>;

/// Steps of several SKUs, run in time order (ties in the order given).
#[derive(Default)]
struct Plan {
    steps: Vec<(Timestamp, usize, Step)>,
}

impl Plan {
    fn at(&mut self, t: Timestamp, step: impl FnOnce(&mut Line, Timestamp) + 'static) {
        let n = self.steps.len();
        self.steps.push((t, n, Box::new(step)));
    }

    /// Passes the gate of the SKU's stage at `t` and moves on at `t + 1
    /// min`, stage after stage until `until` is reached.
    fn rest(&mut self, sku: SkuId, from: &str, until: &str, mut t: Timestamp) -> Timestamp {
        let start = STAGES.iter().position(|s| *s == from).unwrap();
        let end = STAGES.iter().position(|s| *s == until).unwrap();
        for stage in &STAGES[start..end] {
            if *stage != "marketplace_validation" {
                self.at(t, move |l, t| drop(pass(l, sku, t)));
                t += MIN;
            }
            self.at(t, move |l, t| next(l, sku, t));
            t += MIN;
        }
        t
    }

    fn run(mut self, line: &mut Line) {
        self.steps.sort_by_key(|(t, n, _)| (*t, *n));
        for (t, _, step) in self.steps {
            step(line, t);
        }
    }
}

/// The configuration fixture K is built under: the standard one with
/// the conditions of `quality_metrics` removed, so that its evaluations
/// pass as the fixture says whatever the history is.
pub fn fixture_config() -> Config {
    let mut config = Config::standard();
    let gates = &mut config.quality.gates;
    let qm = gates
        .iter_mut()
        .find(|g| g.name == "quality_metrics")
        .unwrap();
    qm.conditions.clear();
    config
}

/// Fixture K (kaizen.md 12) extended as quality.md Q-31 says: SKU-000005
/// passes `security_scan` (01-22 17:10) and `deterministic_build` (17:20)
/// and stands at `quality_metrics`.
pub fn fixture_k() -> Line {
    let mut line = Line::new(fixture_config(), K0).unwrap();
    let mut plan = Plan::default();
    let sku = SkuId;
    let wo = WorkOrderId;

    let publish = |plan: &mut Plan, s: SkuId, t: Timestamp| {
        plan.at(t, move |l, t| {
            l.release(s, t).unwrap();
            l.publish(s, None, t).unwrap();
        });
    };
    let fail_tests = |failed: &'static [&'static str]| {
        move |l: &mut Line, s: SkuId, t: Timestamp| {
            let evidence = Evidence::Tests {
                tests: Some(tests(3, failed)),
                coverage: Some(coverage()),
            };
            eval(l, s, "test_execution", &evidence, t);
        }
    };

    // SKU-000001 (WO-000001, security).
    plan.at(k(19, 8, 0), |l, t| {
        intake(l, SignalKind::Cve, "CVE-K-1", t);
    });
    plan.at(k(19, 9, 0), move |l, t| {
        l.start(wo(1), t).unwrap();
        l.create_sku(wo(1), Some(k(19, 8, 30)), None, t).unwrap();
    });
    plan.at(k(19, 9, 40), move |l, t| drop(pass(l, sku(1), t)));
    plan.at(k(19, 9, 46), move |l, t| next(l, sku(1), t));
    plan.at(k(19, 9, 48), move |l, t| drop(pass(l, sku(1), t)));
    plan.at(k(19, 9, 50), move |l, t| next(l, sku(1), t));
    plan.at(k(19, 9, 55), move |l, t| drop(pass(l, sku(1), t)));
    plan.at(k(19, 10, 0), move |l, t| next(l, sku(1), t));
    plan.rest(sku(1), "security_scan", "publication", k(19, 10, 1));
    publish(&mut plan, sku(1), k(19, 11, 0));

    // SKU-000002 (WO-000002, features): test attempt 1 fails.
    plan.at(k(19, 10, 0), |l, t| {
        intake(l, SignalKind::MarketplaceInstall, "install-K-2", t);
    });
    plan.at(k(20, 9, 0), move |l, t| {
        l.start(wo(2), t).unwrap();
        l.create_sku(wo(2), None, None, t).unwrap();
    });
    plan.at(k(20, 10, 20), move |l, t| drop(pass(l, sku(2), t)));
    plan.at(k(20, 10, 23), move |l, t| next(l, sku(2), t));
    plan.at(k(20, 10, 25), move |l, t| drop(pass(l, sku(2), t)));
    plan.at(k(20, 10, 30), move |l, t| next(l, sku(2), t));
    let f = fail_tests(&["api::test_login"]);
    plan.at(k(20, 11, 0), move |l, t| f(l, sku(2), t));
    plan.at(k(20, 14, 0), |l, t| {
        resolve(l, AndonId(1), "Flaky network mock", t);
    });
    plan.at(k(20, 14, 30), move |l, t| drop(pass(l, sku(2), t)));
    plan.at(k(20, 14, 40), move |l, t| next(l, sku(2), t));
    plan.rest(sku(2), "security_scan", "publication", k(20, 14, 41));
    publish(&mut plan, sku(2), k(21, 15, 0));

    // SKU-000003 (WO-000003, reliability): security_scan warns.
    plan.at(k(20, 12, 0), |l, t| {
        intake(l, SignalKind::MarketplaceRefund, "refund-K-3", t);
    });
    plan.at(k(20, 13, 0), move |l, t| {
        l.start(wo(3), t).unwrap();
        l.create_sku(wo(3), Some(k(20, 12, 30)), None, t).unwrap();
    });
    plan.at(k(20, 13, 50), move |l, t| drop(pass(l, sku(3), t)));
    plan.at(k(20, 13, 57), move |l, t| next(l, sku(3), t));
    plan.at(k(20, 13, 58), move |l, t| drop(pass(l, sku(3), t)));
    plan.at(k(20, 14, 0), move |l, t| next(l, sku(3), t));
    plan.at(k(20, 14, 10), move |l, t| drop(pass(l, sku(3), t)));
    plan.at(k(20, 14, 15), move |l, t| next(l, sku(3), t));
    plan.at(k(20, 14, 20), move |l, t| {
        let evidence = Evidence::Security {
            sarif: Some(SarifSummary {
                warning: 1,
                ..SarifSummary::default()
            }),
            advisories: Some(Vec::new()),
            secrets: Some(SarifSummary::default()),
        };
        let r = eval(l, sku(3), "security_scan", &evidence, t);
        assert_eq!(r.outcome, tcps_core::quality::Verdict::Warn);
    });
    plan.at(k(20, 14, 22), move |l, t| next(l, sku(3), t));
    plan.rest(sku(3), "deterministic_build", "publication", k(20, 14, 23));
    publish(&mut plan, sku(3), k(22, 13, 0));

    // SKU-000004 (WO-000004, security): compilation attempt 1 fails; the
    // re-run is manual.
    plan.at(k(21, 9, 0), |l, t| {
        intake(l, SignalKind::Cve, "CVE-K-4", t);
    });
    plan.at(k(21, 10, 0), move |l, t| {
        l.start(wo(4), t).unwrap();
        l.create_sku(wo(4), Some(k(21, 9, 30)), None, t).unwrap();
    });
    plan.at(k(21, 10, 2), move |l, t| drop(pass(l, sku(4), t)));
    plan.at(k(21, 10, 5), move |l, t| next(l, sku(4), t));
    plan.at(k(21, 10, 30), move |l, t| {
        let evidence = Evidence::Compilation(DiagnosticSummary {
            errors: 1,
            ..DiagnosticSummary::default()
        });
        eval(l, sku(4), "compilation", &evidence, t);
    });
    plan.at(k(21, 11, 30), |l, t| {
        resolve(l, AndonId(2), "Missing lock file update", t);
    });
    plan.at(k(21, 12, 0), move |l, t| {
        let evidence = Evidence::Compilation(DiagnosticSummary::default());
        l.evaluate_gate(
            sku(4),
            "compilation",
            &evidence,
            EvalOptions { manual: true },
            t,
        )
        .unwrap();
    });
    plan.at(k(21, 12, 10), move |l, t| next(l, sku(4), t));
    plan.at(k(21, 12, 20), move |l, t| drop(pass(l, sku(4), t)));
    plan.at(k(21, 12, 30), move |l, t| next(l, sku(4), t));
    plan.rest(sku(4), "security_scan", "publication", k(21, 12, 31));
    publish(&mut plan, sku(4), k(22, 14, 0));

    // SKU-000005 (WO-000005, reliability): test attempt 1 fails; then
    // security_scan and deterministic_build pass (Q-31).
    plan.at(k(22, 8, 0), |l, t| {
        intake(l, SignalKind::MarketplaceRefund, "refund-K-5", t);
    });
    plan.at(k(22, 9, 0), move |l, t| {
        l.start(wo(5), t).unwrap();
        l.create_sku(wo(5), Some(k(22, 8, 30)), None, t).unwrap();
    });
    plan.at(k(22, 10, 20), move |l, t| drop(pass(l, sku(5), t)));
    plan.at(k(22, 10, 24), move |l, t| next(l, sku(5), t));
    plan.at(k(22, 10, 26), move |l, t| drop(pass(l, sku(5), t)));
    plan.at(k(22, 10, 30), move |l, t| next(l, sku(5), t));
    let f = fail_tests(&["api::test_login", "db::test_migrate"]);
    plan.at(k(22, 11, 0), move |l, t| f(l, sku(5), t));
    plan.at(k(22, 16, 0), |l, t| {
        resolve(l, AndonId(3), "flaky network  mock", t);
    });
    plan.at(k(22, 17, 0), move |l, t| drop(pass(l, sku(5), t)));
    plan.at(k(22, 17, 5), move |l, t| next(l, sku(5), t));
    plan.at(k(22, 17, 10), move |l, t| drop(pass(l, sku(5), t)));
    plan.at(k(22, 17, 15), move |l, t| next(l, sku(5), t));
    plan.at(k(22, 17, 20), move |l, t| drop(pass(l, sku(5), t)));
    plan.at(k(22, 17, 25), move |l, t| next(l, sku(5), t));

    // WO-000006 (features) is never started.
    plan.at(k(23, 8, 0), |l, t| {
        intake(l, SignalKind::MarketplaceInstall, "install-K-6", t);
    });

    // ANDON-000004: raised by the host against the published SKU-000003.
    plan.at(k(23, 10, 0), move |l, t| {
        let request = RaiseRequest {
            subject: Subject::Sku(sku(3)),
            failure_type: FailureType::SecurityVulnerability,
            severity: None,
            stage: Some("publication".into()),
            details: std::collections::BTreeMap::default(),
            raised_by: Some("host".into()),
        };
        let raise = l.raise(request, t).unwrap();
        assert_eq!(raise.andon, AndonId(4));
    });

    // SKU-000006 (WO-000007, reliability) fixes ANDON-000004; its
    // release verification is started by a person.
    plan.at(k(23, 10, 30), |l, t| {
        intake(l, SignalKind::MarketplaceRefund, "refund-K-7", t);
    });
    plan.at(k(23, 11, 0), move |l, t| {
        l.start(wo(7), t).unwrap();
        let s = l
            .create_sku(wo(7), Some(k(23, 10, 45)), Some(AndonId(4)), t)
            .unwrap();
        assert_eq!(s, sku(6));
    });
    plan.at(k(23, 11, 20), move |l, t| drop(pass(l, sku(6), t)));
    plan.at(k(23, 11, 30), move |l, t| next(l, sku(6), t));
    plan.at(k(23, 11, 33), move |l, t| drop(pass(l, sku(6), t)));
    plan.at(k(23, 11, 35), move |l, t| next(l, sku(6), t));
    plan.at(k(23, 11, 40), move |l, t| drop(pass(l, sku(6), t)));
    plan.at(k(23, 11, 45), move |l, t| next(l, sku(6), t));
    plan.rest(
        sku(6),
        "security_scan",
        "release_verification",
        k(23, 11, 46),
    );
    plan.at(k(23, 12, 5), move |l, t| {
        let evidence = passing(EvidenceKind::Release);
        l.evaluate_gate(
            sku(6),
            "release_verification",
            &evidence,
            EvalOptions { manual: true },
            t,
        )
        .unwrap();
    });
    plan.at(k(23, 12, 7), move |l, t| next(l, sku(6), t));
    plan.rest(sku(6), "smoke_test", "publication", k(23, 12, 8));
    publish(&mut plan, sku(6), k(23, 15, 0));
    plan.at(k(23, 16, 0), |l, t| {
        resolve(l, AndonId(4), " Missing lock file update", t);
    });

    plan.run(&mut line);
    line
}
