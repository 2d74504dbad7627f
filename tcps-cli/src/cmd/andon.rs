//! `tcps andon` and `tcps rca`: pull and work the andon cord, and the
//! 5 Whys analyses behind it (andon.md).
//!
//! Reading commands (`andon list`, `andon escalations` without
//! `--record`) open the journal read-only; the others take its lock.

use std::collections::BTreeMap;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use tcps_core::andon::{
    Andon, AndonFilter, AndonStatus, Due, FailureType, RaiseRequest, Resolution, Severity, Subject,
};
use tcps_core::id::{AnalysisId, AndonId, SkuId, WorkOrderId};
use tcps_core::journal::{Journal, JournalOptions};
use tcps_core::time::format_rfc3339;
use tcps_core::{Error, Timestamp};

use crate::ctx::{Ctx, parse_time};

/// Subcommands of the andon part.
#[derive(Debug, Subcommand)]
pub enum AndonCommand {
    /// Andon events: list, raise, acknowledge, resolve, escalate.
    #[command(subcommand)]
    Andon(AndonAction),
    /// 5 Whys analyses of andons.
    #[command(subcommand)]
    Rca(RcaAction),
}

/// What to do with andons.
#[derive(Debug, Subcommand)]
pub enum AndonAction {
    /// List andons, ascending id (all unresolved ones by default).
    List(ListArgs),
    /// Pull the cord by hand (a repeat of an unresolved andon with the
    /// same subject, type and stage counts as one more occurrence).
    Raise(RaiseArgs),
    /// Take ownership of an open andon; it keeps stopping.
    Ack {
        /// The andon, e.g. ANDON-000001.
        andon: AndonId,
        /// Who takes it.
        #[arg(long)]
        by: String,
        /// A note kept with the acknowledgement.
        #[arg(long)]
        note: Option<String>,
    },
    /// Close an andon with its root cause, fix and prevention.
    Resolve(ResolveArgs),
    /// List the escalations due now; `--record` records each as done.
    Escalations {
        /// Record every due escalation (the host notified someone).
        #[arg(long)]
        record: bool,
    },
    /// Raise `sla_breach` andons for work orders past their deadline.
    Sweep,
}

/// Filters of `andon list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this status: open, acknowledged or resolved.
    #[arg(long, value_parser = parse_status)]
    status: Option<AndonStatus>,
    /// List resolved andons too.
    #[arg(long, conflicts_with = "status")]
    all: bool,
    /// Only this severity.
    #[arg(long, value_parser = parse_severity)]
    severity: Option<Severity>,
    /// Only this failure type.
    #[arg(long = "type", value_parser = parse_type)]
    failure_type: Option<FailureType>,
    /// Only andons about this SKU.
    #[arg(long, conflicts_with = "work_order")]
    sku: Option<SkuId>,
    /// Only andons about this work order.
    #[arg(long)]
    work_order: Option<WorkOrderId>,
}

/// Arguments of `andon raise`.
#[derive(Debug, Args)]
pub struct RaiseArgs {
    /// The SKU the andon is about.
    #[arg(
        long,
        required_unless_present = "work_order",
        conflicts_with = "work_order"
    )]
    sku: Option<SkuId>,
    /// The work order the andon is about.
    #[arg(long)]
    work_order: Option<WorkOrderId>,
    /// The failure type, e.g. `test_failure` or `manual`.
    #[arg(long = "type", value_parser = parse_type)]
    failure_type: FailureType,
    /// The severity (required for manual; else the type's default).
    #[arg(long, value_parser = parse_severity)]
    severity: Option<Severity>,
    /// The stage of a SKU andon (default: the SKU's current stage).
    #[arg(long)]
    stage: Option<String>,
    /// A detail as KEY=VALUE; may be repeated.
    #[arg(long = "detail", value_parser = parse_detail)]
    details: Vec<(String, String)>,
    /// Who raises it.
    #[arg(long)]
    by: Option<String>,
}

/// Arguments of `andon resolve`.
#[derive(Debug, Args)]
pub struct ResolveArgs {
    /// The andon.
    andon: AndonId,
    /// Why it happened.
    #[arg(long)]
    root_cause: String,
    /// What was changed.
    #[arg(long)]
    fix: String,
    /// What keeps it from happening again.
    #[arg(long)]
    prevention: String,
    /// Who resolved it.
    #[arg(long)]
    resolver: Option<String>,
}

/// What to do with analyses.
#[derive(Debug, Subcommand)]
pub enum RcaAction {
    /// Start the 5 Whys analysis of an andon.
    Start {
        /// The andon.
        andon: AndonId,
        /// The problem statement.
        #[arg(long)]
        problem: String,
    },
    /// Record the answer to why N (1 to 5).
    Why {
        /// The analysis, e.g. RCA-000001.
        analysis: AnalysisId,
        /// The why number, 1 to 5.
        #[arg(allow_negative_numbers = true)]
        n: i64,
        /// The answer.
        answer: String,
    },
    /// Finalise an analysis whose five whys are recorded.
    Finalize {
        /// The analysis.
        analysis: AnalysisId,
        /// The root cause.
        #[arg(long)]
        root_cause: String,
        /// The prevention action.
        #[arg(long)]
        prevention: String,
    },
    /// Add an action item.
    Action {
        /// The analysis.
        analysis: AnalysisId,
        /// What to do.
        #[arg(long)]
        description: String,
        /// Who does it.
        #[arg(long)]
        owner: String,
        /// When it is due: RFC 3339 or ms since the epoch.
        #[arg(long, value_parser = parse_due)]
        due: Timestamp,
    },
    /// Mark an action item done.
    Verify {
        /// The analysis.
        analysis: AnalysisId,
        /// The item number.
        item: u32,
        /// Who verified it.
        #[arg(long)]
        by: Option<String>,
    },
}

/// Runs one subcommand.
pub fn run(ctx: &Ctx, command: AndonCommand) -> Result<ExitCode, Error> {
    match command {
        AndonCommand::Andon(action) => run_andon(ctx, action),
        AndonCommand::Rca(action) => run_rca(ctx, action),
    }
    .map(|()| ExitCode::SUCCESS)
}

fn run_andon(ctx: &Ctx, action: AndonAction) -> Result<(), Error> {
    match action {
        AndonAction::List(args) => list(ctx, &args),
        AndonAction::Raise(args) => raise(ctx, args),
        AndonAction::Ack { andon, by, note } => {
            let mut j = open(ctx)?;
            j.acknowledge(andon, &by, note.as_deref(), ctx.now)?;
            show_andon(ctx, &j.andon(andon)?, "acknowledged")
        }
        AndonAction::Resolve(args) => {
            let mut j = open(ctx)?;
            let resolution = Resolution {
                root_cause: args.root_cause,
                fix_applied: args.fix,
                prevention_added: args.prevention,
                resolver: args.resolver,
            };
            j.resolve(args.andon, &resolution, ctx.now)?;
            show_andon(ctx, &j.andon(args.andon)?, "resolved")
        }
        AndonAction::Escalations { record } => escalations(ctx, record),
        AndonAction::Sweep => {
            let mut j = open(ctx)?;
            let raises = j.sla_sweep(ctx.now)?;
            if ctx.json {
                return Ctx::print_json(&raises);
            }
            if raises.is_empty() {
                println!("no work order newly past its deadline");
            }
            for r in raises {
                let a = j.andon(r.andon)?;
                let verb = if r.repeated { "repeated" } else { "raised" };
                println!("{verb} {} sla_breach on {}", a.id, a.subject);
            }
            Ok(())
        }
    }
}

fn list(ctx: &Ctx, args: &ListArgs) -> Result<(), Error> {
    let j = Journal::open_read_only(&ctx.journal)?;
    let subject = match (args.sku, args.work_order) {
        (Some(sku), _) => Some(Subject::Sku(sku)),
        (None, Some(wo)) => Some(Subject::WorkOrder(wo)),
        (None, None) => None,
    };
    let filter = AndonFilter {
        status: args.status,
        severity: args.severity,
        failure_type: args.failure_type,
        subject,
    };
    let unresolved_only = args.status.is_none() && !args.all;
    let andons: Vec<Andon> = j
        .andons(&filter)
        .into_iter()
        .filter(|a| !unresolved_only || a.is_unresolved())
        .collect();

    if ctx.json {
        return Ctx::print_json(&andons);
    }
    if andons.is_empty() {
        println!("no andon");
    }
    for a in &andons {
        println!("{}", summary(a));
    }
    Ok(())
}

fn raise(ctx: &Ctx, args: RaiseArgs) -> Result<(), Error> {
    let subject = match (args.sku, args.work_order) {
        (Some(sku), _) => Subject::Sku(sku),
        (None, Some(wo)) => Subject::WorkOrder(wo),
        (None, None) => {
            return Err(Error::InvalidArgument {
                argument: "--sku".into(),
                reason: "give --sku or --work-order".into(),
            });
        }
    };
    let request = RaiseRequest {
        subject,
        failure_type: args.failure_type,
        severity: args.severity,
        stage: args.stage,
        details: args.details.into_iter().collect::<BTreeMap<_, _>>(),
        raised_by: args.by,
    };

    let mut j = open(ctx)?;
    let raise = j.raise(request, ctx.now)?;
    let andon = j.andon(raise.andon)?;
    if ctx.json {
        return Ctx::print_json(&serde_json::json!({ "raise": raise, "andon": andon }));
    }
    let verb = if raise.repeated { "repeated" } else { "raised" };
    println!("{verb} {}", summary(&andon));
    Ok(())
}

fn escalations(ctx: &Ctx, record: bool) -> Result<(), Error> {
    let dues: Vec<Due> = if record {
        let mut j = open(ctx)?;
        let dues = j.escalations_due(ctx.now);
        for d in &dues {
            j.escalate(d.andon, i64::from(d.level), ctx.now)?;
        }
        dues
    } else {
        Journal::open_read_only(&ctx.journal)?.escalations_due(ctx.now)
    };

    if ctx.json {
        return Ctx::print_json(&dues);
    }
    if dues.is_empty() {
        println!("no escalation due");
    }
    let verb = if record { "escalated " } else { "" };
    for d in &dues {
        println!(
            "{verb}{}  {}  level {} {}  due {}, {} ms overdue",
            d.andon,
            d.severity,
            d.level,
            d.reason.as_str(),
            format_rfc3339(d.due_at),
            d.overdue_ms,
        );
    }
    Ok(())
}

fn run_rca(ctx: &Ctx, action: RcaAction) -> Result<(), Error> {
    let mut j = open(ctx)?;
    let id = match action {
        RcaAction::Start { andon, problem } => {
            let id = j.start_analysis(andon, &problem, ctx.now)?;
            if !ctx.json {
                println!("started {id} for {andon}");
            }
            id
        }
        RcaAction::Why {
            analysis,
            n,
            answer,
        } => {
            j.set_why(analysis, n, &answer, ctx.now)?;
            if !ctx.json {
                println!("{analysis}: why {n} recorded");
            }
            analysis
        }
        RcaAction::Finalize {
            analysis,
            root_cause,
            prevention,
        } => {
            let s = j.finalize_analysis(analysis, &root_cause, &prevention, ctx.now)?;
            if !ctx.json {
                println!("finalized {analysis}");
                let lists = [
                    ("shacl", &s.shacl),
                    ("tests", &s.tests),
                    ("templates", &s.templates),
                ];
                for (kind, list) in lists {
                    for text in list {
                        println!("  suggest ({kind}): {text}");
                    }
                }
                for p in &s.pins {
                    println!("  suggest (pin): {} {}", p.name, p.version);
                }
            }
            analysis
        }
        RcaAction::Action {
            analysis,
            description,
            owner,
            due,
        } => {
            let item = j.add_action_item(analysis, &description, &owner, due, ctx.now)?;
            if !ctx.json {
                println!(
                    "{analysis}: action item {item} for {owner}, due {}",
                    format_rfc3339(due)
                );
            }
            analysis
        }
        RcaAction::Verify { analysis, item, by } => {
            j.verify_action_item(analysis, item, by.as_deref(), ctx.now)?;
            if !ctx.json {
                println!("{analysis}: action item {item} verified");
            }
            analysis
        }
    };
    if ctx.json {
        return Ctx::print_json(&j.analysis(id)?);
    }
    Ok(())
}

/// Opens the journal for writing.
fn open(ctx: &Ctx) -> Result<Journal, Error> {
    Journal::open(&ctx.journal, &JournalOptions::new())
}

fn show_andon(ctx: &Ctx, andon: &Andon, verb: &str) -> Result<(), Error> {
    if ctx.json {
        return Ctx::print_json(andon);
    }
    println!("{verb} {}", summary(andon));
    Ok(())
}

/// One line about an andon.
fn summary(a: &Andon) -> String {
    let place = match &a.stage {
        Some(stage) => format!("{}@{stage}", a.subject),
        None => a.subject.to_string(),
    };
    let stops = if a.stops && a.is_unresolved() {
        "  stops"
    } else {
        ""
    };
    let repeats = if a.occurrences > 1 {
        format!("  x{}", a.occurrences)
    } else {
        String::new()
    };
    format!(
        "{}  {}  {}  {}  {place}  raised {}{repeats}{stops}",
        a.id,
        a.status,
        a.severity,
        a.failure_type,
        format_rfc3339(a.raised_at),
    )
}

fn parse_status(text: &str) -> Result<AndonStatus, String> {
    AndonStatus::parse(text)
        .ok_or_else(|| format!("`{text}` is not open, acknowledged or resolved"))
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    Severity::parse(text).ok_or_else(|| format!("`{text}` is not critical, high, medium or low"))
}

fn parse_type(text: &str) -> Result<FailureType, String> {
    FailureType::parse(text).ok_or_else(|| {
        let names: Vec<&str> = FailureType::ALL.iter().map(|t| t.as_str()).collect();
        format!("`{text}` is not one of {}", names.join(", "))
    })
}

fn parse_detail(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("`{text}` is not KEY=VALUE"))
}

fn parse_due(text: &str) -> Result<Timestamp, String> {
    parse_time(text).map_err(|e| e.to_string())
}
