//! Subcommands of the flow part (flow.md): intake, pulling work, SKUs,
//! dependencies, queues, SLA and reports.
//!
//! Commands that change the line open the journal for writing and create
//! it with the standard configuration when it does not exist yet, so
//! `tcps intake` is enough to start a line. Reading commands (`status`,
//! `queue` without an action, `sla`, `flow-report`) open it read-only.
//! `flow-report` is named so because `report` is the kaizen report.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use tcps_core::flow::{
    Bucket, Decision, FlowReport, Intake, Next, QueueEntry, Severity, Signal, SignalKind,
    SignalState, Sku, WorkOrder, WorkOrderView, signals_from_github, signals_from_osv,
};
use tcps_core::id::{AndonId, SkuId, WorkOrderId};
use tcps_core::journal::{Journal, JournalOptions};
use tcps_core::time::{format_date, format_rfc3339};
use tcps_core::{Config, Error, Timestamp};

use crate::ctx::{self, Ctx, parse_time};

/// Subcommands of the flow part.
#[derive(Debug, Subcommand)]
pub enum FlowCommand {
    /// Take in pull signals: GitHub JSON, OSV advisories, or one signal
    /// given by its fields.
    Intake(IntakeArgs),
    /// Start the next work order chosen by the line's leveling strategy.
    Next,
    /// Start a queued work order.
    Start {
        /// The work order, e.g. WO-000001.
        work_order: WorkOrderId,
    },
    /// Record progress of an in-progress work order.
    Progress {
        /// The work order.
        work_order: WorkOrderId,
        /// requirements, design, implementation, testing, integration,
        /// deployment or published.
        stage: String,
    },
    /// Complete an in-progress work order with a released SKU of its own.
    Complete {
        /// The work order.
        work_order: WorkOrderId,
        /// The released or published SKU.
        sku: SkuId,
    },
    /// Cancel an open work order (its unfinished SKUs are aborted).
    Cancel {
        /// The work order.
        work_order: WorkOrderId,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Dependencies between work orders.
    #[command(subcommand)]
    Depend(DependAction),
    /// Show bucket queues; reorder or dequeue one.
    Queue(QueueArgs),
    /// Work orders past their deadline or close to it.
    Sla {
        /// Only warnings due within this many milliseconds.
        #[arg(long, value_name = "MS")]
        within: Option<i64>,
    },
    /// SKUs: one build of a work order walking the stages.
    #[command(subcommand)]
    Sku(SkuAction),
    /// One work order in full, or the whole line at a glance.
    Status {
        /// The work order; without it, WIP and queues of the line.
        work_order: Option<WorkOrderId>,
    },
    /// The flow report over whole UTC days (default: the last 7 days).
    FlowReport {
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: Option<String>,
        /// Last day, YYYY-MM-DD (default: the day of --now).
        #[arg(long)]
        to: Option<String>,
    },
}

/// Arguments of `intake`.
#[derive(Debug, Args)]
pub struct IntakeArgs {
    /// GitHub issue or pull request JSON (an item, a list, a search
    /// result or a webhook payload).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["osv", "kind"])]
    github: Option<PathBuf>,
    /// OSV advisory JSON (one record or a list).
    #[arg(long, value_name = "FILE", conflicts_with = "kind")]
    osv: Option<PathBuf>,
    /// Signal kind: `github_issue`, `github_pr`, `cve`,
    /// `marketplace_install`, `marketplace_refund` or `internal_request`.
    #[arg(long, requires_all = ["source", "description"])]
    kind: Option<SignalKind>,
    /// Where the signal comes from (URL, advisory id, event id).
    #[arg(long)]
    source: Option<String>,
    /// Title or summary.
    #[arg(long)]
    description: Option<String>,
    /// A label (repeat for more).
    #[arg(long = "label")]
    labels: Vec<String>,
    /// Advisory severity: critical, high, medium, low, none or unknown.
    #[arg(long)]
    severity: Option<Severity>,
    /// Base score × 10 (0..=100).
    #[arg(long)]
    score_tenths: Option<u8>,
    /// Another id of the advisory (repeat for more).
    #[arg(long = "alias")]
    aliases: Vec<String>,
    /// open or closed (GitHub kinds).
    #[arg(long)]
    state: Option<SignalState>,
    /// When the advisory was withdrawn (RFC 3339 or ms).
    #[arg(long, value_parser = parse_when)]
    withdrawn_at: Option<Timestamp>,
    /// A dedup key replacing the default keys.
    #[arg(long)]
    dedup_key: Option<String>,
    /// Metadata as KEY=VALUE (repeat for more), e.g. bucket=compliance.
    #[arg(long = "meta", value_parser = parse_pair)]
    metadata: Vec<(String, String)>,
}

/// What to do with dependencies.
#[derive(Debug, Subcommand)]
pub enum DependAction {
    /// Record that a work order may not start before another completes.
    Add {
        /// The dependent work order.
        work_order: WorkOrderId,
        /// The work order it waits for.
        #[arg(long)]
        on: WorkOrderId,
    },
    /// Remove every edge to a work order and release what waited on it.
    Resolve {
        /// The work order depended on.
        work_order: WorkOrderId,
    },
    /// Show a work order's edges.
    Show {
        /// The work order.
        work_order: WorkOrderId,
    },
}

/// Arguments of `queue`.
#[derive(Debug, Args)]
pub struct QueueArgs {
    /// The bucket; all six when absent.
    bucket: Option<Bucket>,
    /// New order of the bucket's queued work orders.
    #[arg(long, num_args = 1.., value_name = "WO", requires = "bucket")]
    reorder: Option<Vec<WorkOrderId>>,
    /// Start the first queued work order of the bucket.
    #[arg(long, requires = "bucket", conflicts_with = "reorder")]
    dequeue: bool,
}

/// What to do with SKUs.
#[derive(Debug, Subcommand)]
pub enum SkuAction {
    /// Start a build of an in-progress work order.
    Create {
        /// The work order.
        work_order: WorkOrderId,
        /// When the change was committed (RFC 3339 or ms).
        #[arg(long, value_parser = parse_when)]
        commit_at: Option<Timestamp>,
        /// The andon this build is meant to fix.
        #[arg(long)]
        fixes: Option<AndonId>,
    },
    /// Move a SKU to the next stage (its gate must have passed).
    Advance {
        /// The SKU, e.g. SKU-000001.
        sku: SkuId,
        /// The stage to enter (default: the next one).
        #[arg(long)]
        to: Option<String>,
    },
    /// Release a SKU at the last stage with every gate passed.
    Release {
        /// The SKU.
        sku: SkuId,
    },
    /// Publish a released SKU (completes its work order).
    Publish {
        /// The SKU.
        sku: SkuId,
        /// Where it was published.
        #[arg(long)]
        location: Option<String>,
    },
    /// Abandon a SKU in production or released.
    Abort {
        /// The SKU.
        sku: SkuId,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Show a SKU.
    Show {
        /// The SKU.
        sku: SkuId,
    },
}

fn parse_when(text: &str) -> Result<Timestamp, String> {
    parse_time(text).map_err(|e| e.to_string())
}

fn parse_pair(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("`{text}` is not KEY=VALUE"))
}

/// Runs one subcommand.
pub fn run(ctx: &Ctx, command: FlowCommand) -> Result<ExitCode, Error> {
    match command {
        FlowCommand::Intake(args) => return intake(ctx, &args),
        FlowCommand::Next => next(ctx)?,
        FlowCommand::Start { work_order } => {
            let mut j = open(ctx)?;
            j.start(work_order, ctx.now)?;
            show_work_order(ctx, j.work_order(work_order)?, "started")?;
        }
        FlowCommand::Progress { work_order, stage } => {
            let mut j = open(ctx)?;
            j.progress(work_order, &stage, ctx.now)?;
            show_work_order(ctx, j.work_order(work_order)?, "progressed")?;
        }
        FlowCommand::Complete { work_order, sku } => {
            let mut j = open(ctx)?;
            j.complete(work_order, sku, ctx.now)?;
            show_work_order(ctx, j.work_order(work_order)?, "completed")?;
        }
        FlowCommand::Cancel { work_order, reason } => {
            let mut j = open(ctx)?;
            j.cancel(work_order, &reason, ctx.now)?;
            show_work_order(ctx, j.work_order(work_order)?, "cancelled")?;
        }
        FlowCommand::Depend(action) => depend(ctx, &action)?,
        FlowCommand::Queue(args) => queue(ctx, &args)?,
        FlowCommand::Sla { within } => sla(ctx, within)?,
        FlowCommand::Sku(action) => sku(ctx, action)?,
        FlowCommand::Status { work_order } => status(ctx, work_order)?,
        FlowCommand::FlowReport { from, to } => report(ctx, from, to)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Opens an existing journal for writing: only `intake` starts a line,
/// so a mistyped path or a refused first command leaves no file behind.
fn open(ctx: &Ctx) -> Result<Journal, Error> {
    Journal::open(&ctx.journal, &JournalOptions::new())
}

/// Opens the journal for writing, creating a standard line if needed.
fn open_or_create(ctx: &Ctx) -> Result<Journal, Error> {
    Journal::open_or_create(
        &ctx.journal,
        Config::standard(),
        ctx.now,
        &JournalOptions::new(),
    )
}

fn read(ctx: &Ctx) -> Result<Journal, Error> {
    Journal::open_read_only(&ctx.journal)
}

fn signals(args: &IntakeArgs) -> Result<Vec<Signal>, Error> {
    if let Some(path) = &args.github {
        return signals_from_github(&ctx::read_file(path)?);
    }
    if let Some(path) = &args.osv {
        return signals_from_osv(&ctx::read_file(path)?);
    }
    let (Some(kind), Some(source), Some(description)) =
        (args.kind, args.source.clone(), args.description.clone())
    else {
        return Err(Error::InvalidArgument {
            argument: "--kind".into(),
            reason: "give --github FILE, --osv FILE, or --kind with --source and --description"
                .into(),
        });
    };
    let mut s = Signal::new(kind, source, description)
        .with_labels(args.labels.iter().cloned())
        .with_aliases(args.aliases.iter().cloned());
    s.severity = args.severity;
    s.score_tenths = args.score_tenths;
    s.state = args.state.unwrap_or_default();
    s.withdrawn_at = args.withdrawn_at;
    s.dedup_key.clone_from(&args.dedup_key);
    s.metadata = args.metadata.iter().cloned().collect();
    Ok(vec![s])
}

/// One signal's outcome in `intake`.
#[derive(Debug, serde::Serialize)]
struct IntakeOutcome {
    source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    intake: Option<Intake>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<Error>,
}

/// Takes in every signal; a refused one is reported and the others go
/// on. Exit status 1 when any was refused.
fn intake(ctx: &Ctx, args: &IntakeArgs) -> Result<ExitCode, Error> {
    let signals = signals(args)?;
    let mut j = open_or_create(ctx)?;
    let mut outcomes = Vec::with_capacity(signals.len());
    for s in &signals {
        let result = j.intake(s, ctx.now);
        let (intake, error) = match result {
            Ok(i) => (Some(i), None),
            Err(e) => (None, Some(e)),
        };
        outcomes.push(IntakeOutcome {
            source: s.source.clone(),
            intake,
            error,
        });
    }
    let refused = outcomes.iter().any(|o| o.error.is_some());
    if ctx.json {
        Ctx::print_json(&outcomes)?;
    } else {
        for o in &outcomes {
            match (&o.intake, &o.error) {
                (Some(i), _) => {
                    let w = j.work_order(i.work_order)?;
                    if i.duplicate {
                        println!("{} demand {} from {}", w.id, w.demand_count, o.source);
                    } else {
                        println!("{} created: {}", w.id, one_line(w));
                    }
                }
                (None, Some(e)) => println!("refused {}: {e} [{}]", o.source, e.name()),
                (None, None) => {}
            }
        }
    }
    Ok(if refused {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn one_line(w: &WorkOrder) -> String {
    let deadline = w
        .sla_deadline
        .map_or_else(|| "no sla".to_owned(), format_rfc3339);
    format!(
        "{} priority {} {} ({}; {} / {}), due {deadline}",
        w.bucket, w.priority, w.status, w.source, w.bucket_rule, w.priority_rule
    )
}

fn show_work_order(ctx: &Ctx, w: &WorkOrder, verb: &str) -> Result<(), Error> {
    if ctx.json {
        return Ctx::print_json(w);
    }
    println!("{verb} {}: {}", w.id, one_line(w));
    Ok(())
}

fn next(ctx: &Ctx) -> Result<(), Error> {
    let mut j = open(ctx)?;
    let next = j.next(ctx.now)?;
    if ctx.json {
        return Ctx::print_json(&next);
    }
    match &next {
        Next::Started {
            work_order,
            decision,
        } => {
            let w = j.work_order(*work_order)?;
            println!(
                "started {}: {} [{}]",
                w.id,
                one_line(w),
                decision_text(decision)
            );
        }
        Next::Idle { skipped } => {
            let reasons: Vec<String> = skipped
                .iter()
                .map(|s| format!("{} {}", s.bucket, s.reason))
                .collect();
            println!("idle: {}", reasons.join(", "));
        }
    }
    Ok(())
}

fn decision_text(d: &Decision) -> String {
    format!("{}: {}", d.strategy, d.rule)
}

fn depend(ctx: &Ctx, action: &DependAction) -> Result<(), Error> {
    let shown = match *action {
        DependAction::Add { work_order, on } => {
            let mut j = open(ctx)?;
            j.add_dependency(work_order, on, ctx.now)?;
            j.dependencies(work_order).map(|v| (work_order, v))?
        }
        DependAction::Resolve { work_order } => {
            let mut j = open(ctx)?;
            j.resolve_dependency(work_order, ctx.now)?;
            j.dependencies(work_order).map(|v| (work_order, v))?
        }
        DependAction::Show { work_order } => read(ctx)?
            .dependencies(work_order)
            .map(|v| (work_order, v))?,
    };
    let (id, view) = shown;
    if ctx.json {
        return Ctx::print_json(&view);
    }
    let list = |entries: &[tcps_core::flow::DependencyEntry]| {
        let items: Vec<String> = entries
            .iter()
            .map(|e| format!("{} ({})", e.id, e.status))
            .collect();
        if items.is_empty() {
            "none".to_owned()
        } else {
            items.join(", ")
        }
    };
    println!("{id} depends on: {}", list(&view.depends_on));
    println!("{id} is needed by: {}", list(&view.dependents));
    Ok(())
}

fn queue(ctx: &Ctx, args: &QueueArgs) -> Result<(), Error> {
    if let (Some(bucket), Some(order)) = (args.bucket, &args.reorder) {
        let mut j = open(ctx)?;
        j.reorder_queue(bucket, order, ctx.now)?;
        return print_queues(ctx, &j, &[bucket]);
    }
    if let (Some(bucket), true) = (args.bucket, args.dequeue) {
        let mut j = open(ctx)?;
        let started = j.dequeue(bucket, ctx.now)?;
        if ctx.json {
            return Ctx::print_json(&started);
        }
        match started {
            Some(id) => println!("started {}: {}", id, one_line(j.work_order(id)?)),
            None => println!("{bucket}: nothing queued"),
        }
        return Ok(());
    }
    let j = read(ctx)?;
    let buckets: Vec<Bucket> = match args.bucket {
        Some(b) => vec![b],
        None => Bucket::ALL.to_vec(),
    };
    print_queues(ctx, &j, &buckets)
}

fn print_queues(ctx: &Ctx, j: &Journal, buckets: &[Bucket]) -> Result<(), Error> {
    if ctx.json {
        let queues = Queues(buckets.iter().map(|b| (b.as_str(), j.queue(*b))).collect());
        return Ctx::print_json(&queues);
    }
    for b in buckets {
        let entries = j.queue(*b);
        let items: Vec<String> = entries
            .iter()
            .map(|e| format!("{} p{} {}", e.id, e.priority, e.status))
            .collect();
        println!(
            "{b}: {}",
            if items.is_empty() {
                "empty".to_owned()
            } else {
                items.join(", ")
            }
        );
    }
    Ok(())
}

/// Bucket queues as one JSON object whose members keep the given
/// bucket order (canonical for all six, flow.md 1), which a sorted map
/// would lose.
struct Queues<'a>(Vec<(&'a str, Vec<QueueEntry>)>);

impl serde::Serialize for Queues<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(bucket, queue)| (bucket, queue)))
    }
}

fn sla(ctx: &Ctx, within: Option<i64>) -> Result<(), Error> {
    let j = read(ctx)?;
    let breaches = j.sla_breaches(ctx.now);
    let warnings = j.sla_warnings(ctx.now, within);
    if ctx.json {
        return Ctx::print_json(&serde_json::json!({ "breaches": breaches, "warnings": warnings }));
    }
    if breaches.is_empty() && warnings.is_empty() {
        println!("no breach, no warning");
    }
    for b in &breaches {
        println!(
            "breached {} {} {} due {} overdue {} ms",
            b.work_order,
            b.bucket,
            b.status,
            format_rfc3339(b.deadline),
            b.overdue_ms
        );
    }
    for w in &warnings {
        println!(
            "warning  {} {} {} due {} in {} ms",
            w.work_order,
            w.bucket,
            w.status,
            format_rfc3339(w.deadline),
            w.remaining_ms
        );
    }
    Ok(())
}

fn sku(ctx: &Ctx, action: SkuAction) -> Result<(), Error> {
    let (j, id, verb) = match action {
        SkuAction::Create {
            work_order,
            commit_at,
            fixes,
        } => {
            let mut j = open(ctx)?;
            let id = j.create_sku(work_order, commit_at, fixes, ctx.now)?;
            (j, id, "created")
        }
        SkuAction::Advance { sku, to } => {
            let mut j = open(ctx)?;
            let to = match to {
                Some(stage) => stage,
                None => next_stage(&j, sku)?,
            };
            j.transition(sku, &to, ctx.now)?;
            (j, sku, "advanced")
        }
        SkuAction::Release { sku } => {
            let mut j = open(ctx)?;
            j.release(sku, ctx.now)?;
            (j, sku, "released")
        }
        SkuAction::Publish { sku, location } => {
            let mut j = open(ctx)?;
            j.publish(sku, location.as_deref(), ctx.now)?;
            (j, sku, "published")
        }
        SkuAction::Abort { sku, reason } => {
            let mut j = open(ctx)?;
            j.abort(sku, &reason, ctx.now)?;
            (j, sku, "aborted")
        }
        SkuAction::Show { sku } => (read(ctx)?, sku, "sku"),
    };
    let s = j.sku(id)?;
    let completion_bp = j.completion_bp(id)?;
    if ctx.json {
        return Ctx::print_json(&serde_json::json!({ "sku": s, "completion_bp": completion_bp }));
    }
    println!("{verb} {}", sku_line(s, completion_bp));
    Ok(())
}

/// The stage after the SKU's current one, or `invalid_sequence` at the
/// last stage.
fn next_stage(j: &Journal, id: SkuId) -> Result<String, Error> {
    let s = j.sku(id)?;
    let stages = j.config().stages();
    stages
        .iter()
        .position(|x| *x == s.stage)
        .and_then(|i| stages.get(i + 1))
        .cloned()
        .ok_or_else(|| Error::InvalidSequence {
            from: s.stage.clone(),
            to: "(none)".into(),
        })
}

fn sku_line(s: &Sku, completion_bp: u32) -> String {
    format!(
        "{} of {}: {} at {} ({}.{:02} % of the line)",
        s.id,
        s.work_order,
        s.status,
        s.stage,
        completion_bp / 100,
        completion_bp % 100
    )
}

fn status(ctx: &Ctx, work_order: Option<WorkOrderId>) -> Result<(), Error> {
    let j = read(ctx)?;
    let Some(id) = work_order else {
        let wip = j.wip_status();
        if ctx.json {
            return Ctx::print_json(&wip);
        }
        for (b, w) in wip.buckets.iter() {
            let limit = w.limit.map_or_else(|| "∞".to_owned(), |l| l.to_string());
            println!(
                "{b:<15} wip {}/{limit} ({}), queued {}",
                w.current,
                w.mode,
                j.queue(b).len()
            );
        }
        println!(
            "expedite {}/{}, in progress {}",
            wip.expedite_in_use, wip.expedite_limit, wip.total
        );
        return Ok(());
    };
    let view = j.status(id, ctx.now)?;
    if ctx.json {
        return Ctx::print_json(&view);
    }
    print_view(&view);
    Ok(())
}

fn print_view(v: &WorkOrderView) {
    let w = &v.work_order;
    println!("{}: {}", w.id, one_line(w));
    println!("  {}", w.description);
    println!("  age {} ms, demand {}", v.age_ms, w.demand_count);
    let sla = match (v.sla.remaining_ms, v.sla.overdue_ms) {
        (Some(r), _) => format!("{} ({r} ms left)", v.sla.status),
        (_, Some(o)) => format!("{} ({o} ms over)", v.sla.status),
        _ => v.sla.status.to_string(),
    };
    println!("  sla {sla}");
    if let Some(p) = v.queue_position {
        println!("  queue position {p}");
    }
    if let Some(waiting) = &v.waiting {
        let unfinished: Vec<String> = waiting.unfinished.iter().map(ToString::to_string).collect();
        println!("  waiting: {} {}", waiting.reason, unfinished.join(", "));
    }
    if !w.skus.is_empty() {
        let skus: Vec<String> = w.skus.iter().map(ToString::to_string).collect();
        println!("  skus {}", skus.join(", "));
    }
    let receipts: Vec<String> = v.receipts.iter().map(ToString::to_string).collect();
    println!("  receipts {}", receipts.join(", "));
}

fn report(ctx: &Ctx, from: Option<String>, to: Option<String>) -> Result<(), Error> {
    let j = read(ctx)?;
    let today = ctx.now.div_euclid(tcps_core::time::DAY_MS);
    let to = to.unwrap_or_else(|| format_date(today));
    let from = from.unwrap_or_else(|| format_date(today - 6));
    // Journal::report is the open report; the flow report is the line's.
    let line: &tcps_core::Line = &j;
    let r = line.report(&from, &to, ctx.now)?;
    if ctx.json {
        return Ctx::print_json(&r);
    }
    print_report(&r);
    Ok(())
}

fn print_report(r: &FlowReport) {
    let p = &r.period;
    println!("flow {} .. {} ({} days)", p.from, p.to, p.days);
    println!(
        "created {}, completed {}, cancelled {}",
        r.created.total, r.completed, r.cancelled
    );
    let ms = |v: Option<i64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v} ms"));
    let lt = &r.lead_time;
    println!(
        "lead time p50 {}, p85 {}, p95 {}, mean {} (n = {})",
        ms(lt.p50_ms),
        ms(lt.p85_ms),
        ms(lt.p95_ms),
        ms(lt.mean_ms),
        lt.count
    );
    println!("throughput {:.3} per day", r.throughput.per_day);
    let att = &r.sla_attainment;
    let bp = att.attainment_bp.map_or_else(
        || "-".to_owned(),
        |bp| format!("{}.{:02} %", bp / 100, bp % 100),
    );
    println!(
        "sla met {}, missed {}, attainment {bp}",
        att.met, att.missed
    );
    println!("in progress {}", r.wip_now.total);
    for (b, depth) in r.queue_depth.iter() {
        println!(
            "  {b:<15} created {:>4}  queued {depth:>4}",
            r.created.by_bucket[b]
        );
    }
    if !r.top_open.is_empty() {
        println!("top open:");
        for t in &r.top_open {
            println!("  {} {} p{} {}", t.id, t.bucket, t.priority, t.status);
        }
    }
}
