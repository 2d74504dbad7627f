//! Subcommands of the kaizen part (placeholder until its issue lands).

use std::process::ExitCode;

use clap::Subcommand;
use tcps_core::Error;

use crate::ctx::Ctx;

/// Subcommands of the kaizen part.
#[derive(Debug, Subcommand)]
pub enum KaizenCommand {}

/// Runs one subcommand.
pub fn run(_ctx: &Ctx, command: KaizenCommand) -> Result<ExitCode, Error> {
    match command {}
}
