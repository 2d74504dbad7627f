//! A strict reader of andon and analysis receipt bodies: each kind holds
//! exactly the members of andon.md 11, of the types listed there.

use std::collections::BTreeMap;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::receipt::Receipt;
use crate::value::{Map, Value};

/// The body of one receipt being applied.
pub(crate) struct Body<'a> {
    kind: &'a str,
    map: &'a Map,
}

impl<'a> Body<'a> {
    /// The body of `r`, refused unless its members are exactly `members`.
    ///
    /// With as many members as expected, a missing one is reported by
    /// its getter: every apply step reads every member of its kind, so
    /// no unknown member can stand in for a missing one.
    pub(crate) fn exact(r: &'a Receipt, members: &[&str]) -> Result<Self> {
        let Value::Object(map) = &r.body else {
            return Err(invalid("body", "must be an object"));
        };
        let body = Self { kind: &r.kind, map };
        if map.len() != members.len() {
            if let Some(m) = members.iter().find(|m| !map.contains_key(**m)) {
                return Err(body.bad(m, "is required"));
            }
            if let Some(extra) = map.keys().find(|k| !members.contains(&k.as_str())) {
                return Err(body.bad(extra, "is not a member of this kind"));
            }
        }
        Ok(body)
    }

    /// The error for member `m` breaking `rule`.
    pub(crate) fn bad(&self, m: &str, rule: &str) -> Error {
        invalid(&format!("body/{m}"), &format!("{} {rule}", self.kind))
    }

    /// A member, which must be present (`opt` members hold null).
    pub(crate) fn get(&self, m: &str) -> Result<&'a Value> {
        self.map.get(m).ok_or_else(|| self.bad(m, "is required"))
    }

    /// A string member.
    pub(crate) fn str(&self, m: &str) -> Result<&'a str> {
        self.get(m)?
            .as_str()
            .ok_or_else(|| self.bad(m, "must be a string"))
    }

    /// A non-empty string member (non-empty after trimming).
    pub(crate) fn text(&self, m: &str) -> Result<&'a str> {
        let s = self.str(m)?;
        if s.trim().is_empty() {
            return Err(self.bad(m, "must not be empty"));
        }
        Ok(s)
    }

    /// A string-or-null member.
    pub(crate) fn opt_str(&self, m: &str) -> Result<Option<&'a str>> {
        match self.get(m)? {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            _ => Err(self.bad(m, "must be a string or null")),
        }
    }

    /// A member parsed from its text form (ids, enumerations).
    pub(crate) fn parse<T>(&self, m: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<T> {
        parse(self.str(m)?).ok_or_else(|| self.bad(m, "has an unknown value"))
    }

    /// An id member.
    pub(crate) fn id<T: FromStr>(&self, m: &str) -> Result<T> {
        self.parse(m, |s| s.parse().ok())
    }

    /// An id-or-null member.
    pub(crate) fn opt_id<T: FromStr>(&self, m: &str) -> Result<Option<T>> {
        match self.opt_str(m)? {
            None => Ok(None),
            Some(s) => s.parse().map(Some).map_err(|_| self.bad(m, "is not an id")),
        }
    }

    /// An integer member.
    pub(crate) fn int(&self, m: &str) -> Result<i64> {
        self.get(m)?
            .as_i64()
            .ok_or_else(|| self.bad(m, "must be an integer"))
    }

    /// An integer member in `lo..=hi`.
    pub(crate) fn int_in(&self, m: &str, lo: i64, hi: i64) -> Result<i64> {
        let v = self.int(m)?;
        if v < lo || v > hi {
            return Err(self.bad(m, &format!("must be in {lo}..={hi}")));
        }
        Ok(v)
    }

    /// An integer-or-null member that is not negative.
    pub(crate) fn opt_u64(&self, m: &str) -> Result<Option<u64>> {
        match self.get(m)? {
            Value::Null => Ok(None),
            Value::Int(i) if *i >= 0 => Ok(Some(*i as u64)),
            _ => Err(self.bad(m, "must be a non-negative integer or null")),
        }
    }

    /// A boolean member.
    pub(crate) fn bool(&self, m: &str) -> Result<bool> {
        self.get(m)?
            .as_bool()
            .ok_or_else(|| self.bad(m, "must be a boolean"))
    }

    /// A map of string to string.
    pub(crate) fn string_map(&self, m: &str) -> Result<BTreeMap<String, String>> {
        let Value::Object(map) = self.get(m)? else {
            return Err(self.bad(m, "must be a map of strings"));
        };
        map.iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                _ => Err(self.bad(m, "must be a map of strings")),
            })
            .collect()
    }

    /// Checks a map of string to string without copying it.
    pub(crate) fn check_string_map(&self, m: &str) -> Result<()> {
        match self.get(m)? {
            Value::Object(map) if map.values().all(|v| matches!(v, Value::String(_))) => Ok(()),
            _ => Err(self.bad(m, "must be a map of strings")),
        }
    }

    /// A list member.
    pub(crate) fn list(&self, m: &str) -> Result<&'a [Value]> {
        self.get(m)?
            .as_array()
            .ok_or_else(|| self.bad(m, "must be a list"))
    }

    /// A member that must equal what the state says.
    pub(crate) fn expect<T: PartialEq + Copy>(&self, m: &str, found: T, expected: T) -> Result<()> {
        if found == expected {
            Ok(())
        } else {
            Err(self.bad(m, "disagrees with the state"))
        }
    }
}

/// A receipt refused at apply.
pub(crate) fn invalid(member: &str, rule: &str) -> Error {
    Error::InvalidReceipt {
        member: member.to_owned(),
        rule: rule.to_owned(),
    }
}

/// Builds a `details` map value.
pub(crate) fn details_value(details: BTreeMap<String, String>) -> Value {
    Value::Object(
        details
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )
}
