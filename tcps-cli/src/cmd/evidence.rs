//! Subcommands of the evidence part (evidence-log.md): verify a journal
//! or a receipt array, print a checkpoint, write and verify proof
//! bundles, give up a damaged tail.
//!
//! They open the journal at the evidence layer (`JournalFile`): bytes
//! and chain are checked, nothing is replayed into a line, so they work
//! on any journal, whatever its kinds. `verify` opens read-only and
//! never changes the file; `truncate` takes the lock.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use tcps_core::Error;
use tcps_core::bundle::{BundleOptions, verify_bundle};
use tcps_core::chain::verify_receipts_json;
use tcps_core::journal::{JournalFile, OpenReport, cut_from_line};

use crate::ctx::{self, Ctx};

/// Journals larger than this get a progress bar on a terminal.
const PROGRESS_BYTES: u64 = 64 << 20;

/// Subcommands of the evidence part.
#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Verify the journal (bytes, canonical form, hashes, chain); exit 0
    /// when it verifies, 1 naming the first bad line otherwise.
    Verify(VerifyArgs),
    /// Print the checkpoint body: origin, size and base64 tree head, one
    /// per line.
    Checkpoint(CheckpointArgs),
    /// Write the proof bundle of a SKU to stdout.
    Prove(ProveArgs),
    /// Check a proof bundle with nothing else; exit 1 naming what failed.
    VerifyBundle(VerifyBundleArgs),
    /// Give up every line of the journal from a line number on.
    Truncate(TruncateArgs),
}

/// Arguments of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Verify a JSON array of receipts in this file instead of the
    /// journal.
    #[arg(long, value_name = "FILE")]
    receipts: Option<PathBuf>,
}

/// Arguments of `checkpoint`.
#[derive(Debug, Args)]
pub struct CheckpointArgs {
    /// Tree size (default: the whole log).
    #[arg(long)]
    size: Option<u64>,
    /// Origin (default: the line's name).
    #[arg(long)]
    origin: Option<String>,
}

/// Arguments of `prove`.
#[derive(Debug, Args)]
pub struct ProveArgs {
    /// The SKU id, e.g. SKU-000001.
    sku: String,
    /// Tree size (default: the whole log).
    #[arg(long)]
    size: Option<u64>,
    /// A checkpoint text you published (perhaps signed) to prove against.
    #[arg(long, value_name = "FILE")]
    checkpoint: Option<PathBuf>,
}

/// Arguments of `verify-bundle`.
#[derive(Debug, Args)]
pub struct VerifyBundleArgs {
    /// The bundle file.
    file: PathBuf,
    /// The origin the checkpoint must name.
    #[arg(long)]
    origin: Option<String>,
    /// The SKU the bundle must be about.
    #[arg(long)]
    subject: Option<String>,
}

/// Arguments of `truncate`.
#[derive(Debug, Args)]
pub struct TruncateArgs {
    /// The first line to give up (1-based).
    #[arg(long, value_name = "N")]
    from_line: u64,
}

/// Runs one subcommand.
pub fn run(ctx: &Ctx, command: EvidenceCommand) -> Result<ExitCode, Error> {
    match command {
        EvidenceCommand::Verify(args) => verify(ctx, &args),
        EvidenceCommand::Checkpoint(args) => checkpoint(ctx, &args),
        EvidenceCommand::Prove(args) => prove(ctx, &args),
        EvidenceCommand::VerifyBundle(args) => verify_bundle_file(ctx, &args),
        EvidenceCommand::Truncate(args) => truncate(ctx, &args),
    }
}

fn verify(ctx: &Ctx, args: &VerifyArgs) -> Result<ExitCode, Error> {
    if let Some(path) = &args.receipts {
        let count = verify_receipts_json(&ctx::read_file(path)?)?;
        if ctx.json {
            Ctx::print_json(&serde_json::json!({ "receipts": count }))?;
        } else {
            println!("ok: {count} receipts verify");
        }
        return Ok(ExitCode::SUCCESS);
    }

    let journal = open_with_progress(ctx)?;
    let report = journal.report();
    if let Some(recovered) = &report.recovered {
        // A writer would cut this tail on open; as a check of the file as
        // it is, an unfinished write fails, naming the line that is torn
        // (after any complete receipts of its unfinished operation).
        print_recovered(report);
        let torn = report.receipts + recovered.dropped.len() as u64 + 1;
        eprintln!(
            "tcps: error: journal {} fails verification at line {torn}: unfinished write",
            ctx.journal.display(),
        );
        return Ok(ExitCode::FAILURE);
    }
    if ctx.json {
        Ctx::print_json(report)?;
    } else {
        println!(
            "ok: {} receipts verify, last seq {}, tree head {}",
            report.receipts, report.last_seq, report.tree_head
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Opens the journal read-only, with a progress bar on stderr when it
/// is a terminal and the journal is large.
fn open_with_progress(ctx: &Ctx) -> Result<JournalFile, Error> {
    let size = std::fs::metadata(&ctx.journal).map_or(0, |m| m.len());
    if size < PROGRESS_BYTES || !std::io::stderr().is_terminal() {
        return JournalFile::open_read_only(&ctx.journal);
    }
    let bar = indicatif::ProgressBar::new(size);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "verifying {bar:40} {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let opened = JournalFile::open_read_only_with_progress(&ctx.journal, &mut |done, _| {
        bar.set_position(done);
    });
    bar.finish_and_clear();
    opened
}

fn print_recovered(report: &OpenReport) {
    if let Some(r) = &report.recovered {
        eprintln!(
            "tcps: note: {} bytes ({} lines) after offset {} are an unfinished write, left out{}",
            r.bytes,
            r.lines,
            r.offset,
            if r.dropped.is_empty() {
                String::new()
            } else {
                format!(
                    " with {} receipts of an unfinished operation",
                    r.dropped.len()
                )
            }
        );
    }
}

fn checkpoint(ctx: &Ctx, args: &CheckpointArgs) -> Result<ExitCode, Error> {
    let journal = JournalFile::open_read_only(&ctx.journal)?;
    let size = args.size.unwrap_or(journal.len());
    let checkpoint = match &args.origin {
        Some(origin) => tcps_core::checkpoint::Checkpoint::from_log(journal.tree(), size, origin)?,
        None => journal.checkpoint(size)?,
    };
    if ctx.json {
        Ctx::print_json(&checkpoint)?;
    } else {
        write_stdout(checkpoint.body().as_bytes())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn prove(ctx: &Ctx, args: &ProveArgs) -> Result<ExitCode, Error> {
    let journal = JournalFile::open_read_only(&ctx.journal)?;
    let published = args.checkpoint.as_deref().map(ctx::read_file).transpose()?;
    let bundle = journal.proof_bundle(&args.sku, args.size, published.as_deref())?;
    write_stdout(&bundle.to_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn verify_bundle_file(ctx: &Ctx, args: &VerifyBundleArgs) -> Result<ExitCode, Error> {
    let bytes = ctx::read_file(&args.file)?;
    let options = BundleOptions {
        origin: args.origin.clone(),
        subject: args.subject.clone(),
        verifier: None,
    };
    let report = verify_bundle(&bytes, &options)?;
    if ctx.json {
        Ctx::print_json(&report)?;
    } else {
        println!(
            "ok: {} in {} at size {} (root {}): {} receipts, seq {:?}",
            report.subject,
            report.origin,
            report.size,
            report.root,
            report.entries.len(),
            report.entries
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn truncate(ctx: &Ctx, args: &TruncateArgs) -> Result<ExitCode, Error> {
    let cut = cut_from_line(&ctx.journal, args.from_line)?;
    if ctx.json {
        Ctx::print_json(&cut)?;
    } else {
        println!(
            "cut {} bytes ({} lines) from line {} at offset {}",
            cut.bytes, cut.lines, cut.line, cut.offset
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn write_stdout(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Error::Io {
            op: "write".into(),
            path: "stdout".into(),
            message: e.to_string(),
        })
}
