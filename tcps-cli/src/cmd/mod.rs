//! One file per part of the line; each owns its subcommands.

pub mod andon;
pub mod demo;
pub mod evidence;
pub mod flow;
pub mod kaizen;
pub mod quality;
