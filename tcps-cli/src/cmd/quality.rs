//! Subcommands of the quality part (placeholder until its issue lands).

use std::process::ExitCode;

use clap::Subcommand;
use tcps_core::Error;

use crate::ctx::Ctx;

/// Subcommands of the quality part.
#[derive(Debug, Subcommand)]
pub enum QualityCommand {}

/// Runs one subcommand.
pub fn run(_ctx: &Ctx, command: QualityCommand) -> Result<ExitCode, Error> {
    match command {}
}
