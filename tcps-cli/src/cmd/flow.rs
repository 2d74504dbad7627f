//! Subcommands of the flow part (placeholder until its issue lands).

use std::process::ExitCode;

use clap::Subcommand;
use tcps_core::Error;

use crate::ctx::Ctx;

/// Subcommands of the flow part.
#[derive(Debug, Subcommand)]
pub enum FlowCommand {}

/// Runs one subcommand.
pub fn run(_ctx: &Ctx, command: FlowCommand) -> Result<ExitCode, Error> {
    match command {}
}
