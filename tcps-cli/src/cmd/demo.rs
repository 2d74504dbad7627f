//! `tcps demo`: a whole line on real reports.

use std::process::ExitCode;

use clap::Args;
use tcps_core::Error;

use crate::ctx::Ctx;

/// Options of `tcps demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {}

/// Runs the demo.
pub fn run(_ctx: &Ctx, _args: &DemoArgs) -> Result<ExitCode, Error> {
    Err(Error::InvalidArgument {
        argument: "demo".into(),
        reason: "the demo is not built yet".into(),
    })
}
