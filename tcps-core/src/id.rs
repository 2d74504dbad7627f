//! Identifiers assigned by the line from per-kind counters.
//!
//! Each id is a number shown with its prefix and at least six digits:
//! `WO-000001`, `SKU-000001`, `ANDON-000001`, `RCA-000001`,
//! `IMP-000001`. External references (issue URLs, CVE ids) are kept
//! as a signal's `source`, never as our id.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(transparent)]
        pub struct $name(pub u64);

        impl $name {
            /// The text before the dash.
            pub const PREFIX: &'static str = $prefix;
            /// The `kind` named by `not_found` for this id.
            pub const KIND: &'static str = $kind;
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}-{:06}", $prefix, self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }

        impl FromStr for $name {
            type Err = Error;

            fn from_str(text: &str) -> Result<Self, Error> {
                parse_id(text, $prefix).map(Self).ok_or_else(|| Error::InvalidField {
                    field: $kind.into(),
                    reason: format!("`{}` is not a {} id", text.escape_debug(), $prefix),
                })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

id_type!(
    /// A work order, `WO-000001`.
    WorkOrderId, "WO", "work_order"
);
id_type!(
    /// A SKU (one build of a work order), `SKU-000001`.
    SkuId, "SKU", "sku"
);
id_type!(
    /// An andon event, `ANDON-000001`.
    AndonId, "ANDON", "andon"
);
id_type!(
    /// A 5 Whys analysis, `RCA-000001`.
    AnalysisId, "RCA", "analysis"
);
id_type!(
    /// A Kaizen improvement, `IMP-000001`.
    ImprovementId, "IMP", "improvement"
);

/// Parses `PREFIX-dddddd` with six to sixteen digits; numbers start at 1.
fn parse_id(text: &str, prefix: &str) -> Option<u64> {
    let digits = text.strip_prefix(prefix)?.strip_prefix('-')?;
    if !(6..=16).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Six digits at least, but no zero padding beyond them: `WO-0000001`
    // would name the same order as `WO-000001` and is refused.
    if digits.len() > 6 && digits.starts_with('0') {
        return None;
    }
    digits.parse().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_show_six_digits_and_grow_beyond() {
        assert_eq!(WorkOrderId(1).to_string(), "WO-000001");
        assert_eq!(SkuId(1_234_567).to_string(), "SKU-1234567");
        assert_eq!("ANDON-000042".parse::<AndonId>().ok(), Some(AndonId(42)));
    }

    #[test]
    fn malformed_ids_are_refused() {
        for bad in [
            "WO-1",
            "WO-0000001",
            "wo-000001",
            "WO-000000",
            "SKU-000001",
            "WO-00000a",
        ] {
            assert!(bad.parse::<WorkOrderId>().is_err(), "{bad}");
        }
    }
}
