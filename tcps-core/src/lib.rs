//! tcps-core: a lean production line for software delivery.
#![forbid(unsafe_code)]

pub mod digest;
pub mod error;

pub use digest::Digest;
pub use error::{Error, Result};
