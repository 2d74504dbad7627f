//! Subcommands of the evidence part (placeholder until its issue lands).

use std::process::ExitCode;

use clap::Subcommand;
use tcps_core::Error;

use crate::ctx::Ctx;

/// Subcommands of the evidence part.
#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {}

/// Runs one subcommand.
pub fn run(_ctx: &Ctx, command: EvidenceCommand) -> Result<ExitCode, Error> {
    match command {}
}
