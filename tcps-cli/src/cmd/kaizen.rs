//! Subcommands of the kaizen part: `report` and `forecast` (kaizen.md 6.8,
//! 11). Both only read the journal.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use tcps_core::Error;
use tcps_core::journal::Journal;
use tcps_core::kaizen::{self, Date, Forecast, ForecastKind, ForecastOptions};

use crate::ctx::Ctx;

/// Subcommands of the kaizen part.
#[derive(Debug, Subcommand)]
pub enum KaizenCommand {
    /// Kaizen report: TPS, DORA and flow metrics, waste, proposals,
    /// trends and recommendations (text, --json, or --html FILE).
    Report(ReportArgs),
    /// Monte Carlo forecast of completions from the daily throughput.
    Forecast(ForecastArgs),
}

/// Arguments of `tcps report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The period: `N` (the N days ending today, default 7) or
    /// `FROM..TO` (UTC dates, both included).
    #[arg(long, value_name = "N|FROM..TO")]
    window: Option<String>,

    /// The last day of a 7-day report (default: the day of --now).
    #[arg(long, value_name = "DATE", conflicts_with = "window")]
    week_ending: Option<String>,

    /// Also write the report as one self-contained HTML file.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
}

/// Arguments of `tcps forecast`.
#[derive(Debug, Args)]
pub struct ForecastArgs {
    /// Seed of the generator; the same seed gives the same forecast.
    #[arg(long)]
    seed: u64,

    #[command(flatten)]
    goal: Goal,

    /// Number of runs (default: the line's `forecast_runs`).
    #[arg(long)]
    runs: Option<u32>,

    /// Days of throughput history (default: `forecast_history_days`).
    #[arg(long)]
    history_days: Option<u32>,
}

/// What a forecast answers: one of `--by` and `--items`.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct Goal {
    /// How many work orders will be completed by this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    by: Option<String>,

    /// When this many more work orders will be completed.
    #[arg(long, value_name = "N")]
    items: Option<u64>,
}

/// Runs one subcommand.
pub fn run(ctx: &Ctx, command: KaizenCommand) -> Result<ExitCode, Error> {
    match command {
        KaizenCommand::Report(args) => report(ctx, &args),
        KaizenCommand::Forecast(args) => forecast(ctx, &args),
    }
}

fn open(ctx: &Ctx) -> Result<Journal, Error> {
    Journal::open_read_only(&ctx.journal)
}

fn date(text: &str, argument: &str) -> Result<Date, Error> {
    Date::parse(text.trim()).map_err(|_| Error::InvalidArgument {
        argument: argument.to_owned(),
        reason: format!("`{text}` is not a YYYY-MM-DD date"),
    })
}

/// The period of a report: `(from, to)`.
fn period(ctx: &Ctx, args: &ReportArgs) -> Result<(Date, Date), Error> {
    let today = Date::of(ctx.now);
    if let Some(day) = &args.week_ending {
        let to = date(day, "--week-ending")?;
        return Ok((to.add_days(-6), to));
    }
    let Some(spec) = args.window.as_deref().map(str::trim) else {
        return Ok((today.add_days(-6), today));
    };
    if let Some((from, to)) = spec.split_once("..") {
        return Ok((date(from, "--window")?, date(to, "--window")?));
    }
    let days: i64 = spec
        .strip_suffix('d')
        .unwrap_or(spec)
        .parse()
        .map_err(|_| Error::InvalidArgument {
            argument: "--window".into(),
            reason: format!("`{spec}` is neither a number of days nor FROM..TO"),
        })?;
    if !(1..=3660).contains(&days) {
        return Err(Error::InvalidArgument {
            argument: "--window".into(),
            reason: format!("{days} days: must be 1 to 3660"),
        });
    }
    Ok((today.add_days(1 - days), today))
}

fn report(ctx: &Ctx, args: &ReportArgs) -> Result<ExitCode, Error> {
    let (from, to) = period(ctx, args)?;
    let journal = open(ctx)?;
    let report = kaizen::report(&journal, from, to, ctx.now)?;
    if let Some(path) = &args.html {
        write_file(path, &kaizen::render_html(&report))?;
    }
    if ctx.json {
        emit(&json(&report)?)?;
    } else {
        emit(&kaizen::render_text(&report))?;
    }
    if let Some(path) = &args.html {
        eprintln!("tcps: html report written to {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string_pretty(value)
        .map(|text| text + "\n")
        .map_err(|e| Error::Io {
            op: "write".into(),
            path: "stdout".into(),
            message: e.to_string(),
        })
}

/// Writes to stdout; a reader that went away (`tcps report | head`) is
/// not an error.
fn emit(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Io {
            op: "write".into(),
            path: "stdout".into(),
            message: e.to_string(),
        }),
        _ => Ok(()),
    }
}

fn write_file(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|e| Error::Io {
        op: "write".into(),
        path: path.display().to_string(),
        message: e.to_string(),
    })
}

fn forecast(ctx: &Ctx, args: &ForecastArgs) -> Result<ExitCode, Error> {
    let opts = ForecastOptions {
        seed: args.seed,
        runs: args.runs,
        history_days: args.history_days,
    };
    let journal = open(ctx)?;
    let result = match (&args.goal.by, args.goal.items) {
        (Some(by), _) => kaizen::forecast_items(&journal, date(by, "--by")?, opts, ctx.now)?,
        (None, Some(items)) => kaizen::forecast_date(&journal, items, opts, ctx.now)?,
        (None, None) => {
            return Err(Error::InvalidArgument {
                argument: "--by".into(),
                reason: "give --by DATE or --items N".into(),
            });
        }
    };
    if ctx.json {
        emit(&json(&result)?)?;
    } else {
        emit(&forecast_text(&result))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn forecast_text(f: &Forecast) -> String {
    let history: Vec<String> = f.history.iter().map(u64::to_string).collect();
    let mut out = match f.kind {
        ForecastKind::ItemsByDate => format!(
            "Work orders completed from {} through {} ({} days)\n",
            f.from,
            f.target.map(|d| d.to_string()).unwrap_or_default(),
            f.horizon_days.unwrap_or(0)
        ),
        ForecastKind::DateForItems => format!(
            "Date by which {} more work orders are completed, from {}\n",
            f.items.unwrap_or(0),
            f.from
        ),
    };
    let _ = writeln!(
        out,
        "{} runs, seed {}, history from {}: {}",
        f.runs,
        f.seed,
        f.history_from,
        history.join(" ")
    );
    for v in &f.values {
        let answer = match (v.items, v.date) {
            (Some(items), _) => format!("at least {items} work orders"),
            (None, Some(date)) => format!("by {date} (day {})", v.days.unwrap_or(0)),
            (None, None) => "not within 3650 days".to_owned(),
        };
        let _ = writeln!(out, "  {:>2} %: {answer}", v.confidence);
    }
    out
}
