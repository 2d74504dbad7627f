//! tcps-core: a lean production line for software delivery.
//!
//! Demand arrives as pull signals (an issue, an advisory); each becomes a
//! work order in a bucket with a priority and an SLA. Work is pulled under
//! WIP limits and levelled across buckets (*heijunka*). Each build of a
//! work order is a SKU that moves through the stages of the line and may
//! leave a stage only when that stage's quality gate passed on real
//! evidence (*jidoka*). A failed blocking gate pulls the *andon* cord: the
//! SKU stops until the event is resolved with a root cause, usually found
//! with 5 Whys. Every state change appends a receipt to a hash-chained,
//! Merkle-provable log, and *kaizen* turns that log into metrics.
//!
//! The crate is pure and synchronous: it never reads a clock (every
//! operation takes `now`, milliseconds since the Unix epoch), never
//! prints, and holds no `unsafe`. The one [`Line`] value holds the whole
//! state; it is a pure function of its receipts, so the [`journal`] file
//! that stores them is also the line's persistence.
//!
//! ```
//! use tcps_core::flow::{Signal, SignalKind};
//! use tcps_core::ingest::{self, Input, Limits};
//! use tcps_core::quality::{EvalOptions, Evidence};
//! use tcps_core::Line;
//!
//! # fn main() -> tcps_core::Result<()> {
//! let t0 = 1_769_421_600_000; // 2026-01-26T10:00:00.000Z
//! let mut line = Line::standard(t0)?;
//!
//! // A bug report becomes a work order in the reliability bucket.
//! let bug = Signal::new(
//!     SignalKind::GithubIssue,
//!     "https://github.com/example/app/issues/7",
//!     "crash on empty input",
//! )
//! .with_labels(["bug"]);
//! let wo = line.intake(&bug, t0 + 60_000)?.work_order;
//! assert_eq!(line.work_order(wo)?.bucket.as_str(), "reliability");
//!
//! // Start it and build a SKU, which enters the first stage.
//! line.start(wo, t0 + 120_000)?;
//! let sku = line.create_sku(wo, None, None, t0 + 180_000)?;
//! line.skip_gate(sku, "shacl_validation", "no RDF in this change", t0 + 200_000)?;
//! line.transition(sku, "compilation", t0 + 240_000)?;
//!
//! // Gates decide on the reports real tools write.
//! let log = br#"{"reason":"build-finished","success":true}"#;
//! let diagnostics = ingest::rustc_json(Input::new("cargo.json", log), &Limits::default())?;
//! let result = line.evaluate_gate(
//!     sku,
//!     "compilation",
//!     &Evidence::Compilation(diagnostics),
//!     EvalOptions::default(),
//!     t0 + 300_000,
//! )?;
//! assert_eq!(result.outcome.as_str(), "pass");
//!
//! // Every step left a receipt, and the chain verifies.
//! assert_eq!(line.len(), 7);
//! line.verify()?;
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]

/// The README's Rust snippets, compiled and run as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub mod digest;
pub mod error;

pub use digest::Digest;
pub use error::{Error, Result};
pub mod andon;
pub mod bundle;
pub mod chain;
pub mod checkpoint;
pub mod config;
pub mod flow;
pub mod id;
pub mod ingest;
pub mod journal;
pub mod kaizen;
pub mod line;
mod line_evidence;
pub mod log;
pub mod merkle;
pub mod quality;
pub mod receipt;
pub mod time;
pub mod value;

pub use config::Config;
pub use line::Line;
pub use receipt::{Draft, Receipt};
pub use time::Timestamp;
pub use value::Value;
