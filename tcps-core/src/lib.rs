//! tcps-core: a lean production line for software delivery.
#![forbid(unsafe_code)]

pub mod digest;
pub mod error;

pub use digest::Digest;
pub use error::{Error, Result};
pub mod chain;
pub mod id;
pub mod receipt;
pub mod time;
pub mod value;

pub use receipt::{Draft, Receipt};
pub use time::Timestamp;
pub use value::Value;
