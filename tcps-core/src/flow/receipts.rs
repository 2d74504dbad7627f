//! Helpers to write receipt bodies (flow.md 15) and to read them back
//! strictly when a receipt is applied.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::receipt::Receipt;
use crate::value::{Map, Value};

/// An optional value: the value, or null.
pub(crate) fn opt<T: Into<Value>>(o: Option<T>) -> Value {
    o.map_or(Value::Null, Into::into)
}

/// An optional `i64`.
pub(crate) fn opt_i64(o: Option<i64>) -> Value {
    o.map_or(Value::Null, Value::Int)
}

/// An optional id or name, as text.
pub(crate) fn opt_text<T: Display>(o: Option<T>) -> Value {
    o.map_or(Value::Null, |t| Value::String(t.to_string()))
}

/// A list of strings.
pub(crate) fn strs<S: AsRef<str>>(items: &[S]) -> Value {
    Value::Array(items.iter().map(|s| Value::from(s.as_ref())).collect())
}

/// A list of ids (or anything shown as text).
pub(crate) fn texts<T: Display>(items: &[T]) -> Value {
    Value::Array(items.iter().map(|t| Value::String(t.to_string())).collect())
}

/// A map of strings.
pub(crate) fn string_map(map: &BTreeMap<String, String>) -> Value {
    Value::Object(
        map.iter()
            .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
            .collect::<Map>(),
    )
}

/// Reads the body of a receipt being applied: exactly the members its
/// kind lists, each of its type.
pub(crate) struct Body<'a> {
    r: &'a Receipt,
    map: &'a Map,
}

impl<'a> Body<'a> {
    /// The body of `r`, which must hold exactly `members`. A body with as
    /// many members as listed is accepted here; each getter then refuses
    /// a member that is missing, so every apply reads every member.
    pub(crate) fn new(r: &'a Receipt, members: &[&str]) -> Result<Self> {
        let Value::Object(map) = &r.body else {
            return Err(invalid("body", "must be an object"));
        };
        if map.len() != members.len() {
            if let Some(m) = members.iter().find(|m| !map.contains_key(**m)) {
                return Err(crate::line::missing(r, m));
            }
            if let Some(extra) = map.keys().find(|k| !members.contains(&k.as_str())) {
                return Err(invalid(
                    &format!("body/{extra}"),
                    &format!("{} does not allow it", r.kind),
                ));
            }
        }
        Ok(Self { r, map })
    }

    fn get(&self, name: &str) -> Result<&'a Value> {
        self.map
            .get(name)
            .ok_or_else(|| crate::line::missing(self.r, name))
    }

    fn bad(&self, name: &str, rule: &str) -> Error {
        invalid(&format!("body/{name}"), &format!("{} {rule}", self.r.kind))
    }

    /// A string member.
    pub(crate) fn str(&self, name: &str) -> Result<&'a str> {
        self.get(name)?
            .as_str()
            .ok_or_else(|| self.bad(name, "requires a string"))
    }

    /// A string member or null.
    pub(crate) fn opt_str(&self, name: &str) -> Result<Option<&'a str>> {
        match self.get(name)? {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s)),
            _ => Err(self.bad(name, "requires a string or null")),
        }
    }

    /// A member parsed from its text form.
    pub(crate) fn parse<T: FromStr>(&self, name: &str) -> Result<T> {
        self.str(name)?
            .parse()
            .map_err(|_| self.bad(name, "holds an unknown value"))
    }

    /// An optional member parsed from its text form.
    pub(crate) fn opt_parse<T: FromStr>(&self, name: &str) -> Result<Option<T>> {
        match self.opt_str(name)? {
            None => Ok(None),
            Some(s) => s
                .parse()
                .map(Some)
                .map_err(|_| self.bad(name, "holds an unknown value")),
        }
    }

    /// An integer member.
    pub(crate) fn int(&self, name: &str) -> Result<i64> {
        self.get(name)?
            .as_i64()
            .ok_or_else(|| self.bad(name, "requires an integer"))
    }

    /// An integer member or null.
    pub(crate) fn opt_int(&self, name: &str) -> Result<Option<i64>> {
        match self.get(name)? {
            Value::Null => Ok(None),
            Value::Int(i) => Ok(Some(*i)),
            _ => Err(self.bad(name, "requires an integer or null")),
        }
    }

    /// An integer member in the range of `T`.
    pub(crate) fn uint<T: TryFrom<i64>>(&self, name: &str) -> Result<T> {
        T::try_from(self.int(name)?).map_err(|_| self.bad(name, "is out of range"))
    }

    /// An optional integer member in the range of `T`.
    pub(crate) fn opt_uint<T: TryFrom<i64>>(&self, name: &str) -> Result<Option<T>> {
        match self.opt_int(name)? {
            None => Ok(None),
            Some(i) => T::try_from(i)
                .map(Some)
                .map_err(|_| self.bad(name, "is out of range")),
        }
    }

    /// A boolean member.
    pub(crate) fn bool(&self, name: &str) -> Result<bool> {
        self.get(name)?
            .as_bool()
            .ok_or_else(|| self.bad(name, "requires a boolean"))
    }

    /// A list of strings.
    pub(crate) fn strs(&self, name: &str) -> Result<Vec<String>> {
        let items = self
            .get(name)?
            .as_array()
            .ok_or_else(|| self.bad(name, "requires a list"))?;
        items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| self.bad(name, "requires a list of strings"))
            })
            .collect()
    }

    /// A list of members parsed from their text form.
    pub(crate) fn parse_list<T: FromStr>(&self, name: &str) -> Result<Vec<T>> {
        let items = self
            .get(name)?
            .as_array()
            .ok_or_else(|| self.bad(name, "requires a list"))?;
        items
            .iter()
            .map(|v| {
                v.as_str()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| self.bad(name, "holds an unknown value"))
            })
            .collect()
    }

    /// A map of strings.
    pub(crate) fn string_map(&self, name: &str) -> Result<BTreeMap<String, String>> {
        let Value::Object(map) = self.get(name)? else {
            return Err(self.bad(name, "requires an object"));
        };
        map.iter()
            .map(|(k, v)| {
                v.as_str()
                    .map(|s| (k.clone(), s.to_owned()))
                    .ok_or_else(|| self.bad(name, "requires string values"))
            })
            .collect()
    }

    /// A raw member.
    pub(crate) fn value(&self, name: &str) -> Result<&'a Value> {
        self.get(name)
    }

    /// Fails unless the receipt's subject is `subject`.
    pub(crate) fn subject_is(&self, subject: &str) -> Result<()> {
        if self.r.subject == subject {
            Ok(())
        } else {
            Err(invalid(
                "subject",
                &format!("{} must be about {subject}", self.r.kind),
            ))
        }
    }

    /// A refusal of this receipt by the state.
    pub(crate) fn refuse(&self, rule: &str) -> Error {
        invalid("kind", &format!("{}: {rule}", self.r.kind))
    }
}

fn invalid(member: &str, rule: &str) -> Error {
    Error::InvalidReceipt {
        member: member.to_owned(),
        rule: rule.to_owned(),
    }
}
