//! `tcps`: drive a tcps production line from shells and CI.
//!
//! Every subcommand works on one journal (`--journal PATH`, default
//! `./tcps.journal`), uses the wall clock unless `--now` is given, prints
//! human text by default and JSON with `--json`, and reports errors as
//! one line on stderr with a non-zero exit status.

mod cmd;
mod ctx;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::ctx::Ctx;

/// A lean production line for software delivery.
#[derive(Debug, Parser)]
#[command(name = "tcps", version, about)]
struct Cli {
    /// The journal file of the line.
    #[arg(long, global = true, value_name = "PATH")]
    journal: Option<std::path::PathBuf>,

    /// The time of the operation, RFC 3339 or ms since the epoch
    /// (default: the wall clock).
    #[arg(long, global = true, value_name = "TIME")]
    now: Option<String>,

    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a whole line end to end on the real reports in examples/data.
    Demo(cmd::demo::DemoArgs),
    #[command(flatten)]
    Evidence(cmd::evidence::EvidenceCommand),
    #[command(flatten)]
    Flow(cmd::flow::FlowCommand),
    #[command(flatten)]
    Quality(cmd::quality::QualityCommand),
    #[command(flatten)]
    Andon(cmd::andon::AndonCommand),
    #[command(flatten)]
    Kaizen(cmd::kaizen::KaizenCommand),
}

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    let ctx = match Ctx::new(cli.journal, cli.now.as_deref(), cli.json) {
        Ok(ctx) => ctx,
        Err(e) => return ctx::fail(&e),
    };
    let result = match cli.command {
        Command::Demo(args) => cmd::demo::run(&ctx, &args),
        Command::Evidence(c) => cmd::evidence::run(&ctx, c),
        Command::Flow(c) => cmd::flow::run(&ctx, c),
        Command::Quality(c) => cmd::quality::run(&ctx, c),
        Command::Andon(c) => cmd::andon::run(&ctx, c),
        Command::Kaizen(c) => cmd::kaizen::run(&ctx, c),
    };
    match result {
        Ok(code) => code,
        Err(e) => ctx::fail(&e),
    }
}

/// Lets a closed pipe end the command quietly, as it ends `cat` or
/// `grep` (`tcps report --json | head`): Rust ignores `SIGPIPE`, which
/// would turn the failed write into a panic.
#[cfg(unix)]
fn restore_sigpipe() {
    #[allow(
        unsafe_code,
        reason = "one libc call at start-up, before any thread or output exists"
    )]
    // SAFETY: resetting a signal's disposition to its default is sound
    // at any time; no handler of ours is replaced.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}
