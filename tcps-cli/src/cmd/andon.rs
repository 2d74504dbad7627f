//! Subcommands of the andon part (placeholder until its issue lands).

use std::process::ExitCode;

use clap::Subcommand;
use tcps_core::Error;

use crate::ctx::Ctx;

/// Subcommands of the andon part.
#[derive(Debug, Subcommand)]
pub enum AndonCommand {}

/// Runs one subcommand.
pub fn run(_ctx: &Ctx, command: AndonCommand) -> Result<ExitCode, Error> {
    match command {}
}
