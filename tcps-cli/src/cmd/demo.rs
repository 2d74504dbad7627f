//! `tcps demo`: a whole line, end to end, on real report files.
//!
//! The reports are real files written by real tools, copied into
//! `examples/data/` (origins and licences in `examples/data/ORIGINS.md`)
//! and built into the binary, so the demo runs from any directory.
//!
//! The story: four pull signals arrive (three GitHub issues, one
//! `RustSec` advisory). The advisory's work order gets a SKU that passes
//! every gate and is published. A bug's SKU then fails its tests on a
//! real failing cargo-nextest report: the gate pulls the andon cord and
//! stops that SKU. The team runs a 5 Whys, resolves the andon with its
//! root cause, records a passing report, and the SKU is published too.
//! The demo ends with the kaizen report and the journal's verification.
//!
//! Without `--now` the line starts at 2026-01-26T10:00:00.000Z, so two
//! runs write byte-identical journals.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use tcps_core::andon::Resolution;
use tcps_core::flow::Signal;
use tcps_core::id::{SkuId, WorkOrderId};
use tcps_core::ingest::{self, Input, Limits};
use tcps_core::journal::{Journal, JournalOptions};
use tcps_core::kaizen;
use tcps_core::quality::{
    AndonType, EvalOptions, Evidence, GateResult, SbomEvidence, ShaclEvidence,
};
use tcps_core::time::{MINUTE_MS, format_rfc3339};
use tcps_core::{Config, Digest, Error, Timestamp};

use crate::ctx::Ctx;

/// 2026-01-26T10:00:00.000Z, the `t0` of the specs' examples.
pub const DEMO_T0: Timestamp = 1_769_421_600_000;

/// Options of `tcps demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Print only the final report and verification.
    #[arg(long)]
    pub quiet: bool,
}

/// One report file built into the binary.
struct Report {
    name: &'static str,
    bytes: &'static [u8],
}

macro_rules! report {
    ($file:literal) => {
        Report {
            name: $file,
            bytes: include_bytes!(concat!("../../../examples/data/", $file)),
        }
    };
}

const ISSUE_CREATE: Report =
    report!("hub4j-github-api__AppTest-testCreateIssue-4-r_h_g_issues.json");
const ISSUE_WEBHOOK: Report =
    report!("octokit-webhooks__issues-opened.with-empty-body.payload.json");
const ISSUE_EVENT: Report = report!("XAMPPRocky-octocrab__issues_event.json");
const ADVISORY: Report = report!("rustsec-advisory-db__RUSTSEC-2016-0001.json");
const DIAGNOSTICS: Report = report!("rust-lang-cargo__dedup-suggestions.json");
const TESTS_PASSING: Report =
    report!("EnricoMi-publish-unit-test-result-action__latex-utensils.xml");
const TESTS_FAILING: Report = report!("mikepenz-action-junit-report__basic.xml");
const COVERAGE: Report = report!("coverallsapp-coverage-reporter__test.lcov");
const SCAN: Report = report!("github-codeql-action__tool-names.sarif");
const SBOM: Report = report!("XAMPPRocky-octocrab__repos_sbom_tests_report.json");
const SMOKE: Report = report!("EnricoMi-publish-unit-test-result-action__xunit.xml");

impl Report {
    fn input(&self) -> Input<'static> {
        Input::new(self.name, self.bytes)
    }
}

/// Runs the demo line and prints what happens.
pub fn run(ctx: &Ctx, args: &DemoArgs) -> Result<ExitCode, Error> {
    let path = journal_path(ctx)?;
    let start = if ctx.now_given { ctx.now } else { DEMO_T0 };
    let mut demo = Demo {
        line: Journal::create(&path, demo_config(), start, &JournalOptions::new())?,
        now: start,
        quiet: args.quiet,
    };
    demo.say(&format!("opened line `tcps` in {}", path.display()));

    let [create, webhook, event, advisory] = demo.intake()?;
    let _ = (create, event);

    let published = demo.clean_run(advisory)?;
    demo.say(&format!(
        "{published} published: every gate passed on the first attempt"
    ));

    let recovered = demo.stopped_run(webhook)?;
    demo.say(&format!(
        "{recovered} published after its andon was resolved"
    ));

    demo.finish(&path)
}

struct Demo {
    line: Journal,
    now: Timestamp,
    quiet: bool,
}

impl Demo {
    fn say(&self, text: &str) {
        if !self.quiet {
            println!("{}  {text}", format_rfc3339(self.now));
        }
    }

    /// Moves the clock on by `minutes`.
    fn wait(&mut self, minutes: i64) {
        self.now += minutes * MINUTE_MS;
    }

    /// Turns the four real pull signals into work orders.
    fn intake(&mut self) -> Result<[WorkOrderId; 4], Error> {
        let mut ids = Vec::with_capacity(4);
        for report in [&ISSUE_CREATE, &ISSUE_WEBHOOK, &ISSUE_EVENT] {
            for signal in tcps_core::flow::signals_from_github(report.bytes)? {
                ids.push(self.take(&signal, report.name)?);
            }
        }
        for signal in tcps_core::flow::signals_from_osv(ADVISORY.bytes)? {
            ids.push(self.take(&signal, ADVISORY.name)?);
        }
        ids.try_into()
            .map_err(|ids: Vec<WorkOrderId>| Error::InvalidArgument {
                argument: "demo".into(),
                reason: format!(
                    "expected 4 work orders from the demo data, got {}",
                    ids.len()
                ),
            })
    }

    fn take(&mut self, signal: &Signal, file: &str) -> Result<WorkOrderId, Error> {
        self.wait(1);
        let intake = self.line.intake(signal, self.now)?;
        let wo = self.line.work_order(intake.work_order)?;
        self.say(&format!(
            "intake {file}: {} in bucket {} at priority {} ({})",
            wo.id, wo.bucket, wo.priority, signal.source
        ));
        Ok(wo.id)
    }

    /// A SKU that passes every gate and is published.
    fn clean_run(&mut self, wo: WorkOrderId) -> Result<SkuId, Error> {
        self.wait(5);
        self.line.start(wo, self.now)?;
        let sku = self.line.create_sku(wo, None, None, self.now)?;
        self.say(&format!("started {wo}, building {sku}"));

        self.through_stages(sku, &TESTS_PASSING)?;
        self.publish(wo, sku)?;
        Ok(sku)
    }

    /// A SKU whose failing test report stops its line until the andon is
    /// resolved with a root cause; then it goes on and is published.
    fn stopped_run(&mut self, wo: WorkOrderId) -> Result<SkuId, Error> {
        self.wait(10);
        self.line.start(wo, self.now)?;
        let sku = self.line.create_sku(wo, None, None, self.now)?;
        self.say(&format!("started {wo}, building {sku}"));

        self.gate(sku, "shacl_validation", &shacl())?;
        self.advance(sku, "compilation")?;
        self.gate(sku, "compilation", &compilation()?)?;
        self.advance(sku, "test_execution")?;
        let failed = self.gate(sku, "test_execution", &tests(&TESTS_FAILING)?)?;
        let Some(andon) = failed.andon else {
            return Err(Error::InvalidArgument {
                argument: "demo".into(),
                reason: "the failing report did not raise an andon".into(),
            });
        };
        self.say(&format!("andon {andon} pulled: {sku} is stopped"));
        match self.line.transition(sku, "security_scan", self.now) {
            Err(e) => self.say(&format!("moving {sku} on is refused: {e}")),
            Ok(()) => {
                return Err(Error::InvalidArgument {
                    argument: "demo".into(),
                    reason: format!("{sku} left a failed stage"),
                });
            }
        }

        self.wait(20);
        let analysis =
            self.line
                .start_analysis(andon, "cargo-nextest reports a failing test", self.now)?;
        let whys = [
            "test_parse_config asserts on a default that changed",
            "the default changed in a refactoring without a test update",
            "the refactoring was reviewed without running the suite",
            "the suite is slow, so reviewers skip it locally",
            "there is no fast subset that runs on every push",
        ];
        for (n, answer) in (1..).zip(whys) {
            self.wait(2);
            self.line.set_why(analysis, n, answer, self.now)?;
        }
        self.wait(5);
        self.line.finalize_analysis(
            analysis,
            "no fast test subset runs on every push",
            "add a fast test subset to the push pipeline",
            self.now,
        )?;
        self.say(&format!("5 whys {analysis} finalized for {andon}"));

        self.wait(30);
        let resolution = Resolution::new(
            "no fast test subset runs on every push",
            "updated the test to the new default",
            "a fast test subset now runs on every push",
        );
        self.line.resolve(andon, &resolution, self.now)?;
        self.say(&format!("andon {andon} resolved: the line runs again"));

        self.wait(15);
        self.gate(sku, "test_execution", &tests(&TESTS_PASSING)?)?;
        self.through_stages(sku, &TESTS_PASSING)?;
        self.publish(wo, sku)?;
        Ok(sku)
    }

    /// Evaluates every remaining gate of the SKU and moves it on, up to
    /// the last stage.
    fn through_stages(&mut self, sku: SkuId, tests_report: &Report) -> Result<(), Error> {
        loop {
            let stage = self.line.sku(sku)?.stage.clone();
            let stages = self.line.config().stages().to_vec();
            let Some(i) = stages.iter().position(|s| *s == stage) else {
                return Err(Error::InvalidStage { value: stage });
            };
            let Some(next) = stages.get(i + 1).cloned() else {
                return Ok(());
            };
            let gate = self
                .line
                .config()
                .quality
                .gate_for_stage(&stage)
                .map(|g| g.name.clone());
            if let Some(gate) = gate
                && !self.line.gate_status(sku, &gate).passed()
            {
                let evidence = evidence_for(&gate, tests_report)?;
                self.gate(sku, &gate, &evidence)?;
            }
            self.advance(sku, &next)?;
        }
    }

    fn advance(&mut self, sku: SkuId, to: &str) -> Result<(), Error> {
        self.wait(3);
        self.line.transition(sku, to, self.now)
    }

    fn gate(&mut self, sku: SkuId, gate: &str, evidence: &Evidence) -> Result<GateResult, Error> {
        self.wait(4);
        let result =
            self.line
                .evaluate_gate(sku, gate, evidence, EvalOptions::default(), self.now)?;
        let sources: Vec<&str> = result.sources.iter().map(|s| s.name.as_str()).collect();
        let on = if sources.is_empty() {
            String::new()
        } else {
            format!(" on {}", sources.join(", "))
        };
        self.say(&format!(
            "gate {gate} for {sku}: {}{on}",
            result.outcome.as_str()
        ));
        for c in result.conditions.iter().filter(|c| !c.verdict.passed()) {
            self.say(&format!(
                "  {}: {}",
                c.verdict.as_str(),
                super::quality::reason(c)
            ));
        }
        Ok(result)
    }

    fn publish(&mut self, wo: WorkOrderId, sku: SkuId) -> Result<(), Error> {
        self.wait(5);
        self.line.release(sku, self.now)?;
        // Publishing completes the work order (flow.md 14.6).
        self.line
            .publish(sku, Some("registry.example/tcps-demo"), self.now)?;
        let status = self.line.work_order(wo)?.status;
        self.say(&format!("{sku} released and published, {wo} {status}"));
        Ok(())
    }

    fn finish(mut self, path: &Path) -> Result<ExitCode, Error> {
        self.line.commit()?;
        let day = tcps_core::time::day_of(self.now);
        let week_ending = kaizen::Date::from_day(day);
        let report = kaizen::weekly_report(&self.line, week_ending, self.now)?;
        println!();
        print!("{}", kaizen::render_text(&report));
        let receipts = self.line.len();
        drop(self.line);

        let verified = Journal::open_read_only(path).and_then(|j| j.verify().map(|()| j.len()));
        println!();
        match verified {
            Ok(n) => {
                println!("journal {}: {n} receipts, verified", path.display());
                debug_assert_eq!(n, receipts);
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                println!("journal {}: verification failed: {e}", path.display());
                Ok(ExitCode::FAILURE)
            }
        }
    }
}

/// The standard line with two changes, both for a line this young:
///
/// - components without licence data pass the release check: the real
///   SBOM the demo ships (GitHub's dependency graph export of octocrab)
///   carries no licence data for any package;
/// - the `quality_metrics` gate warns instead of stopping the line: with
///   two SKUs, the one failed test run puts the defect rate at 100 %,
///   and no later evidence could ever pass the gate within the demo.
fn demo_config() -> Config {
    let mut config = Config::standard();
    config.quality.licences.allow_unknown = true;
    for gate in &mut config.quality.gates {
        if gate.name == "quality_metrics" {
            gate.blocking = false;
            gate.andon_type = AndonType::None;
        }
    }
    config
}

/// `--journal PATH`, or a fresh file in a new temporary folder that is
/// kept after the demo so it can be inspected.
fn journal_path(ctx: &Ctx) -> Result<PathBuf, Error> {
    if ctx.journal_given {
        return Ok(ctx.journal.clone());
    }
    let dir = tempfile::Builder::new()
        .prefix("tcps-demo-")
        .tempdir()
        .map_err(|e| Error::Io {
            op: "create".into(),
            path: std::env::temp_dir().display().to_string(),
            message: e.to_string(),
        })?
        .keep();
    Ok(dir.join("demo.jsonl"))
}

fn shacl() -> Evidence {
    Evidence::Shacl(ShaclEvidence::Report {
        conforms: true,
        violations: Vec::new(),
    })
}

fn compilation() -> Result<Evidence, Error> {
    Ok(Evidence::Compilation(ingest::rustc_json(
        DIAGNOSTICS.input(),
        &Limits::default(),
    )?))
}

fn tests(report: &Report) -> Result<Evidence, Error> {
    let limits = Limits::default();
    Ok(Evidence::Tests {
        tests: Some(ingest::junit(report.input(), &limits)?),
        coverage: Some(ingest::lcov(COVERAGE.input(), &limits)?),
    })
}

/// The evidence the demo gives each gate of the standard line.
fn evidence_for(gate: &str, tests_report: &Report) -> Result<Evidence, Error> {
    let limits = Limits::default();
    // The demo has no real build: its "artifact" is the SBOM it ships,
    // and both independent builds produce the same bytes.
    let artifact = Digest::of(SBOM.bytes);
    Ok(match gate {
        "shacl_validation" => shacl(),
        "compilation" => compilation()?,
        "test_execution" => tests(tests_report)?,
        "security_scan" => Evidence::Security {
            sarif: Some(ingest::sarif(SCAN.input(), &limits)?),
            advisories: Some(Vec::new()),
            secrets: Some(ingest::sarif(SCAN.input(), &limits)?),
        },
        "deterministic_build" => Evidence::Determinism {
            first: artifact,
            second: artifact,
            manifests: None,
        },
        "quality_metrics" => Evidence::History,
        "release_verification" => Evidence::Release {
            artifact: Some(artifact),
            lock: Some(Digest::of(include_bytes!("../../../Cargo.lock"))),
            sbom: SbomEvidence::from_input(SBOM.input()),
        },
        "smoke_test" => Evidence::Smoke(Some(ingest::junit(SMOKE.input(), &limits)?)),
        other => {
            return Err(Error::GateNotFound {
                gate: other.to_owned(),
            });
        }
    })
}
