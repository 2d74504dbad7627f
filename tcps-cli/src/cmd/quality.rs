//! `tcps ingest` and `tcps gate`: read real reports, and judge a SKU's
//! stage gate on them (quality.md).
//!
//! `tcps ingest FILE` prints the summary of one report; its format is
//! sniffed unless `--kind` names it. With `--json` it prints exactly the
//! summary object, sources included (a list of them for `osv` and
//! `github`, which give one summary per advisory or item).
//!
//! `tcps gate SKU STAGE` evaluates the gate guarding `STAGE` for `SKU`
//! on the reports given, records the `gate.evaluated` receipt (and the
//! andon of a blocking fail) in the journal, and prints the verdict with
//! the reason of every condition. Exit status: 0 when the outcome is
//! `pass` or `warn`, 1 when a blocking gate failed or the line refused
//! the evaluation, 2 for a usage or input error (a report that cannot be
//! read, a flag the gate's kind does not take).
//!
//! Report paths are kept as given in each source's `name`, so the
//! receipt tells which file decided the verdict.

// The `///` docs of the argument types are clap's help text, where
// backticks would show literally.
#![allow(clippy::doc_markdown)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde::Deserialize;
use tcps_core::id::SkuId;
use tcps_core::ingest::{self, Format, Input, Limits, Summary};
use tcps_core::journal::{Journal, JournalOptions};
use tcps_core::quality::{
    ArtifactManifest, ConditionResult, EvalOptions, Evidence, EvidenceKind, Gate, GateResult,
    Metric, Note, SbomEvidence, ShaclEvidence, Verdict, parse_digest,
};
use tcps_core::value::Value;
use tcps_core::{Digest, Error};

use crate::ctx::{Ctx, read_file};

/// Subcommands of the quality part.
#[derive(Debug, Subcommand)]
pub enum QualityCommand {
    /// Print the summary of one report (JUnit, LCOV, Cobertura, JaCoCo,
    /// SARIF, OSV, GitHub, SBOM, rustc JSON, compiler log).
    Ingest(IngestArgs),
    /// Evaluate the gate of a SKU's stage on reports, or record a skip.
    Gate(Box<GateArgs>),
}

/// Arguments of `tcps ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The report file.
    file: PathBuf,
    /// Its format (sniffed when absent): junit, lcov, cobertura, jacoco,
    /// sarif, osv, github, sbom, rustc_json, compiler_log.
    #[arg(long, value_parser = parse_format)]
    kind: Option<Format>,
}

/// Arguments of `tcps gate`.
#[derive(Debug, Args)]
pub struct GateArgs {
    /// The SKU, e.g. SKU-000001.
    sku: SkuId,
    /// The stage whose gate to evaluate (the SKU's current stage).
    stage: String,
    /// A JUnit test report (tests and smoke gates); repeatable.
    #[arg(long, value_name = "FILE")]
    junit: Vec<PathBuf>,
    /// An LCOV coverage report; repeatable.
    #[arg(long, value_name = "FILE")]
    lcov: Vec<PathBuf>,
    /// A Cobertura coverage report; repeatable.
    #[arg(long, value_name = "FILE")]
    cobertura: Vec<PathBuf>,
    /// A JaCoCo coverage report; repeatable.
    #[arg(long, value_name = "FILE")]
    jacoco: Vec<PathBuf>,
    /// SARIF findings of a code scanner; repeatable.
    #[arg(long, value_name = "FILE")]
    sarif: Vec<PathBuf>,
    /// OSV advisories that affect the build (one or a list per file; a
    /// file holding `[]` says "scanned, none found"); repeatable.
    #[arg(long, value_name = "FILE")]
    osv: Vec<PathBuf>,
    /// SARIF output of a secret scanner; repeatable.
    #[arg(long, value_name = "FILE")]
    secrets: Vec<PathBuf>,
    /// The release's SBOM (CycloneDX or SPDX JSON).
    #[arg(long, value_name = "FILE")]
    sbom: Vec<PathBuf>,
    /// rustc or cargo JSON diagnostics; repeatable.
    #[arg(long, value_name = "FILE")]
    diagnostics: Vec<PathBuf>,
    /// A plain compiler log; repeatable.
    #[arg(long = "compiler-log", value_name = "FILE")]
    compiler_log: Vec<PathBuf>,
    /// The validator's verdict as JSON `{"conforms": bool, "violations":
    /// [text]}`; without it the validator counts as unavailable.
    #[arg(long, value_name = "FILE")]
    shacl: Option<PathBuf>,
    /// The released artifact; its SHA-256 is the artifact digest.
    #[arg(long, value_name = "FILE")]
    artifact: Option<PathBuf>,
    /// The lock file; its SHA-256 is the lock digest.
    #[arg(long, value_name = "FILE")]
    lock: Option<PathBuf>,
    /// The digest of one build (give two: first and second build).
    #[arg(long = "build-digest", value_name = "HEX")]
    build_digest: Vec<String>,
    /// A build's artifact manifest in `sha256sum` format (give two).
    #[arg(long, value_name = "FILE")]
    manifest: Vec<PathBuf>,
    /// A person started this evaluation.
    #[arg(long)]
    manual: bool,
    /// Record an explicit skip with this reason instead (only gates that
    /// allow it).
    #[arg(long, value_name = "REASON")]
    skip: Option<String>,
}

/// Runs one subcommand.
pub fn run(ctx: &Ctx, command: QualityCommand) -> Result<ExitCode, Error> {
    match command {
        QualityCommand::Ingest(args) => ingest_report(ctx, &args).map(|()| ExitCode::SUCCESS),
        QualityCommand::Gate(args) => gate(ctx, &args),
    }
}

fn parse_format(text: &str) -> Result<Format, Error> {
    text.parse()
}

fn usage(argument: &str, reason: impl Into<String>) -> Error {
    Error::InvalidArgument {
        argument: argument.to_owned(),
        reason: reason.into(),
    }
}

/// A report read from disk, named by its path as given.
struct Report {
    name: String,
    bytes: Vec<u8>,
}

impl Report {
    fn read(path: &Path) -> Result<Self, Error> {
        Ok(Self {
            name: path.display().to_string(),
            bytes: read_file(path)?,
        })
    }

    fn input(&self) -> Input<'_> {
        Input::new(&self.name, &self.bytes)
    }
}

fn read_all(paths: &[PathBuf]) -> Result<Vec<Report>, Error> {
    paths.iter().map(|p| Report::read(p)).collect()
}

fn inputs(reports: &[Report]) -> Vec<Input<'_>> {
    reports.iter().map(Report::input).collect()
}

fn ingest_report(ctx: &Ctx, args: &IngestArgs) -> Result<(), Error> {
    let report = Report::read(&args.file)?;
    let input = report.input();
    let format = match args.kind {
        Some(format) => format,
        None => ingest::sniff(input).ok_or_else(|| {
            usage(
                "--kind",
                format!("cannot tell the format of {}; name it", report.name),
            )
        })?,
    };

    let limits = Limits::default();
    let summary = match format {
        Format::Junit => to_value(&ingest::junit(input, &limits)?),
        Format::Lcov => to_value(&ingest::lcov(input, &limits)?),
        Format::Cobertura => to_value(&ingest::cobertura(input, &limits)?),
        Format::Jacoco => to_value(&ingest::jacoco(input, &limits)?),
        Format::Sarif => to_value(&ingest::sarif(input, &limits)?),
        Format::Osv => to_value(&ingest::osv(input, &limits)?),
        Format::Github => to_value(&ingest::github(input, &limits)?),
        Format::Sbom => to_value(&ingest::sbom(input, &limits)?),
        Format::RustcJson => to_value(&ingest::rustc_json(input, &limits)?),
        Format::CompilerLog => to_value(&ingest::compiler_log(input, &limits)?),
    }?;

    if ctx.json {
        return Ctx::print_json(&summary);
    }
    println!("{format} report {}", report.name);
    match &summary {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                println!("[{i}]");
                print_fields(item, "  ");
            }
        }
        other => print_fields(other, "  "),
    }
    Ok(())
}

fn to_value<T: serde::Serialize>(summary: &T) -> Result<Value, Error> {
    Value::from_serialize(summary)
}

/// One `name: value` line per member, by name; sources last as
/// `sha256  name (bytes)`.
fn print_fields(value: &Value, indent: &str) {
    let Value::Object(map) = value else {
        println!("{indent}{}", value.to_canonical_string());
        return;
    };
    for (key, member) in map {
        if key == "sources" {
            continue;
        }
        let text = match member {
            Value::String(s) => s.clone(),
            Value::Null => "-".to_owned(),
            other => other.to_canonical_string(),
        };
        println!("{indent}{key}: {text}");
    }
    for source in map
        .get("sources")
        .and_then(Value::as_array)
        .unwrap_or_default()
    {
        let field = |k: &str| {
            source
                .get(k)
                .map(Value::to_canonical_string)
                .unwrap_or_default()
        };
        let name = source
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        println!(
            "{indent}source: {}  {name} ({} bytes)",
            field("sha256").trim_matches('"'),
            field("bytes")
        );
    }
}

fn gate(ctx: &Ctx, args: &GateArgs) -> Result<ExitCode, Error> {
    let mut journal = Journal::open(&ctx.journal, &JournalOptions::new())?;
    let Some(gate) = journal
        .config()
        .quality
        .gate_for_stage(&args.stage)
        .cloned()
    else {
        let reason = if journal.config().stages().contains(&args.stage) {
            format!("stage {} has no gate", args.stage)
        } else {
            format!("{} is not a stage of the line", args.stage)
        };
        return Err(usage("STAGE", reason));
    };

    let result = if let Some(reason) = &args.skip {
        check_flags(args, &gate, true)?;
        journal.skip_gate(args.sku, &gate.name, reason, ctx.now)?
    } else {
        check_flags(args, &gate, false)?;
        let evidence = evidence(args, gate.kind)?;
        let opts = EvalOptions {
            manual: args.manual,
        };
        journal.evaluate_gate(args.sku, &gate.name, &evidence, opts, ctx.now)?
    };
    journal.close()?;

    if ctx.json {
        Ctx::print_json(&result)?;
    } else {
        print_result(&gate, &result);
    }
    Ok(if result.outcome == Verdict::Fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Refuses report flags that the gate's kind does not read, so a report
/// given by mistake is never silently ignored.
fn check_flags(args: &GateArgs, gate: &Gate, skip: bool) -> Result<(), Error> {
    let given: [(&str, bool); 15] = [
        ("--junit", !args.junit.is_empty()),
        ("--lcov", !args.lcov.is_empty()),
        ("--cobertura", !args.cobertura.is_empty()),
        ("--jacoco", !args.jacoco.is_empty()),
        ("--sarif", !args.sarif.is_empty()),
        ("--osv", !args.osv.is_empty()),
        ("--secrets", !args.secrets.is_empty()),
        ("--sbom", !args.sbom.is_empty()),
        ("--diagnostics", !args.diagnostics.is_empty()),
        ("--compiler-log", !args.compiler_log.is_empty()),
        ("--shacl", args.shacl.is_some()),
        ("--artifact", args.artifact.is_some()),
        ("--lock", args.lock.is_some()),
        ("--build-digest", !args.build_digest.is_empty()),
        ("--manifest", !args.manifest.is_empty()),
    ];
    let accepted: &[&str] = if skip {
        &[]
    } else {
        match gate.kind {
            EvidenceKind::Shacl => &["--shacl"],
            EvidenceKind::Compilation => &["--diagnostics", "--compiler-log"],
            EvidenceKind::Tests => &["--junit", "--lcov", "--cobertura", "--jacoco"],
            EvidenceKind::Security => &["--sarif", "--osv", "--secrets"],
            EvidenceKind::Determinism => &["--build-digest", "--manifest"],
            EvidenceKind::History => &[],
            EvidenceKind::Release => &["--artifact", "--lock", "--sbom"],
            EvidenceKind::Smoke => &["--junit"],
        }
    };
    if let Some((flag, _)) = given.iter().find(|(f, on)| *on && !accepted.contains(f)) {
        let what = if skip {
            "a skip".to_owned()
        } else {
            format!("kind {}", gate.kind)
        };
        return Err(usage(
            flag,
            format!("gate {} ({what}) does not read it", gate.name),
        ));
    }
    if skip && args.manual {
        return Err(usage("--manual", "a skip is always manual"));
    }
    Ok(())
}

/// The evidence of the gate's kind, from the reports given.
fn evidence(args: &GateArgs, kind: EvidenceKind) -> Result<Evidence, Error> {
    let limits = Limits::default();
    Ok(match kind {
        EvidenceKind::Shacl => Evidence::Shacl(match &args.shacl {
            Some(path) => shacl_report(path)?,
            None => ShaclEvidence::Unavailable,
        }),
        EvidenceKind::Compilation => {
            if args.diagnostics.is_empty() && args.compiler_log.is_empty() {
                return Err(usage(
                    "--diagnostics",
                    "the compilation gate needs diagnostics",
                ));
            }
            let json = read_all(&args.diagnostics)?;
            let logs = read_all(&args.compiler_log)?;
            let mut parts = Vec::new();
            if !json.is_empty() {
                parts.push(ingest::rustc_json_many(&inputs(&json), &limits)?);
            }
            if !logs.is_empty() {
                parts.push(ingest::compiler_log_many(&inputs(&logs), &limits)?);
            }
            Evidence::Compilation(Summary::merge(parts))
        }
        EvidenceKind::Tests => Evidence::Tests {
            tests: junit(&args.junit)?,
            coverage: coverage(args)?,
        },
        EvidenceKind::Security => {
            let advisories = if args.osv.is_empty() {
                None
            } else {
                let mut all = Vec::new();
                for report in read_all(&args.osv)? {
                    all.extend(ingest::osv(report.input(), &limits)?);
                }
                Some(all)
            };
            Evidence::Security {
                sarif: sarif(&args.sarif)?,
                advisories,
                secrets: sarif(&args.secrets)?,
            }
        }
        EvidenceKind::Determinism => determinism(args)?,
        EvidenceKind::History => Evidence::History,
        EvidenceKind::Release => {
            let sbom = match args.sbom.as_slice() {
                [] => SbomEvidence::Missing,
                [path] => SbomEvidence::from_input(Report::read(path)?.input()),
                _ => return Err(usage("--sbom", "a release has one SBOM")),
            };
            let digest_of = |path: &Option<PathBuf>| {
                path.as_deref()
                    .map(|p| read_file(p).map(|b| Digest::of(&b)))
                    .transpose()
            };
            Evidence::Release {
                artifact: digest_of(&args.artifact)?,
                lock: digest_of(&args.lock)?,
                sbom,
            }
        }
        EvidenceKind::Smoke => Evidence::Smoke(junit(&args.junit)?),
    })
}

fn junit(paths: &[PathBuf]) -> Result<Option<ingest::TestSummary>, Error> {
    if paths.is_empty() {
        return Ok(None);
    }
    let reports = read_all(paths)?;
    Ok(Some(ingest::junit_many(
        &inputs(&reports),
        &Limits::default(),
    )?))
}

fn sarif(paths: &[PathBuf]) -> Result<Option<ingest::SarifSummary>, Error> {
    if paths.is_empty() {
        return Ok(None);
    }
    let reports = read_all(paths)?;
    Ok(Some(ingest::sarif_many(
        &inputs(&reports),
        &Limits::default(),
    )?))
}

/// Coverage of every format given: each format's reports merged by
/// their keys, the formats then added (quality.md 7.3).
fn coverage(args: &GateArgs) -> Result<Option<ingest::CoverageSummary>, Error> {
    let limits = Limits::default();
    let lcov = read_all(&args.lcov)?;
    let cobertura = read_all(&args.cobertura)?;
    let jacoco = read_all(&args.jacoco)?;
    let mut parts = Vec::new();
    if !lcov.is_empty() {
        parts.push(ingest::lcov_many(&inputs(&lcov), &limits)?);
    }
    if !cobertura.is_empty() {
        parts.push(ingest::cobertura_many(&inputs(&cobertura), &limits)?);
    }
    if !jacoco.is_empty() {
        parts.push(ingest::jacoco_many(&inputs(&jacoco), &limits)?);
    }
    Ok(match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ => Some(Summary::merge(parts)),
    })
}

fn determinism(args: &GateArgs) -> Result<Evidence, Error> {
    let manifests = match args.manifest.as_slice() {
        [] => None,
        [a, b] => {
            let read = |p: &Path| {
                let bytes = read_file(p)?;
                let text = String::from_utf8(bytes).map_err(|e| Error::InvalidUtf8 {
                    argument: p.display().to_string(),
                    offset: e.utf8_error().valid_up_to() as u64,
                })?;
                ArtifactManifest::parse_sha256sum(&text)
            };
            Some((read(a)?, read(b)?))
        }
        _ => return Err(usage("--manifest", "give the manifests of the two builds")),
    };
    let (first, second) = match (args.build_digest.as_slice(), &manifests) {
        ([a, b], _) => (parse_digest(a)?, parse_digest(b)?),
        ([], Some((a, b))) => (a.digest()?, b.digest()?),
        _ => {
            return Err(usage(
                "--build-digest",
                "give the digests of the two builds, or their two manifests",
            ));
        }
    };
    Ok(Evidence::Determinism {
        first,
        second,
        manifests,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShaclFile {
    conforms: bool,
    #[serde(default)]
    violations: Vec<String>,
}

fn shacl_report(path: &Path) -> Result<ShaclEvidence, Error> {
    let bytes = read_file(path)?;
    let file: ShaclFile = serde_json::from_slice(&bytes)
        .map_err(|e| usage("--shacl", format!("{}: {e}", path.display())))?;
    Ok(ShaclEvidence::Report {
        conforms: file.conforms,
        violations: file.violations,
    })
}

fn print_result(gate: &Gate, r: &GateResult) {
    let downgraded = if r.downgraded {
        " (a fail, non-blocking)"
    } else {
        ""
    };
    println!(
        "gate {} for {} at {}: {}{downgraded}, attempt {}",
        r.gate, r.sku, r.stage, r.outcome, r.attempt
    );
    if let Some(reason) = &r.skipped {
        println!("  skipped: {reason}");
    }
    for c in &r.conditions {
        println!("  {:<4}  {}", c.verdict.as_str(), reason(c));
    }
    if let Some(andon) = r.andon {
        println!(
            "andon {andon} raised: the SKU stays at {} until it is resolved",
            r.stage
        );
    } else if r.outcome == Verdict::Fail && !gate.blocking {
        println!("no andon: the gate is not blocking");
    }
    for s in &r.sources {
        println!("  source {}  {} ({} bytes)", s.sha256, s.name, s.bytes);
    }
}

/// `test_pass_rate = 3/4 (75.00%), needs >= 95.00%`.
pub(crate) fn reason(c: &ConditionResult) -> String {
    let actual = match (&c.actual, c.note) {
        (Some(a), _) => format!("= {a}"),
        (None, Some(Note::ValidatorUnavailable)) => ": validator unavailable".to_owned(),
        (None, _) => ": no data".to_owned(),
    };
    let threshold = |t: i64| show_threshold(c.metric, t);
    let mut needs = Vec::new();
    if let Some(t) = c.error {
        needs.push(format!("needs {} {}", c.op, threshold(t)));
    }
    if let Some(t) = c.warning {
        needs.push(format!("should be {} {}", c.op, threshold(t)));
    }
    format!("{} {actual}, {}", c.metric, needs.join(", "))
}

fn show_threshold(metric: Metric, t: i64) -> String {
    if metric.is_ratio() {
        format!("{}.{:02}%", t / 100, t % 100)
    } else {
        t.to_string()
    }
}

#[cfg(test)]
mod tests {
    use tcps_core::quality::{Actual, Op};

    use super::*;

    #[test]
    fn a_condition_reason_shows_the_value_and_the_threshold() {
        let c = ConditionResult {
            metric: Metric::TestPassRate,
            op: Op::Ge,
            error: Some(9500),
            warning: None,
            actual: Actual::ratio(3, 4),
            verdict: Verdict::Fail,
            note: None,
        };

        assert_eq!(reason(&c), "test_pass_rate = 3/4 (75.00%), needs >= 95.00%");
    }
}
