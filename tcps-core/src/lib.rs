//! tcps-core: a lean production line for software delivery.
#![forbid(unsafe_code)]

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
#[cfg(feature = "ingest")]
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
