//! Prevention suggestions from a root cause text (andon.md 10.6).
//!
//! Matching is by whole words, without stemming: `format` does not match
//! "information", `complex` does not match "complexity".

use serde::{Deserialize, Serialize};

use crate::value::Value;

/// A dependency pin found in the text: `dependency NAME version VERSION`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    /// The dependency, as written.
    pub name: String,
    /// The version, without trailing full stops.
    pub version: String,
}

/// What a root cause suggests adding, per kind of prevention.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestions {
    /// SHACL and data-shape constraints (rules S1 to S8).
    pub shacl: Vec<String>,
    /// Tests (rules T1 to T7).
    pub tests: Vec<String>,
    /// Template changes (rules P1 to P5).
    pub templates: Vec<String>,
    /// Dependency pins, first pin of a name only.
    pub pins: Vec<Pin>,
}

impl Suggestions {
    /// The receipt form: `shacl`, `tests`, `templates`, `pins`.
    #[must_use]
    pub fn to_value(&self) -> Value {
        let pins: Vec<Value> = self
            .pins
            .iter()
            .map(|p| crate::obj! { "name" => p.name.as_str(), "version" => p.version.as_str() })
            .collect();
        crate::obj! {
            "shacl" => self.shacl.clone(),
            "tests" => self.tests.clone(),
            "templates" => self.templates.clone(),
            "pins" => Value::Array(pins),
        }
    }

    /// Reads the receipt form back; `None` when it is not exactly that.
    pub(crate) fn from_value(value: &Value) -> Option<Self> {
        let map = value.as_object()?;
        if map.len() != 4 {
            return None;
        }
        let texts = |m: &str| -> Option<Vec<String>> {
            map.get(m)?
                .as_array()?
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        let pins = map
            .get("pins")?
            .as_array()?
            .iter()
            .map(|p| {
                let p = p.as_object()?;
                if p.len() != 2 {
                    return None;
                }
                Some(Pin {
                    name: p.get("name")?.as_str()?.to_owned(),
                    version: p.get("version")?.as_str()?.to_owned(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Self {
            shacl: texts("shacl")?,
            tests: texts("tests")?,
            templates: texts("templates")?,
            pins,
        })
    }
}

/// One rule: its keywords and the suggestion it adds.
struct Rule {
    keywords: &'static [&'static str],
    suggestion: &'static str,
}

const SHACL: [Rule; 8] = [
    Rule {
        keywords: &["shacl", "shape"],
        suggestion: "Add a SHACL shape that covers the failing data",
    },
    Rule {
        keywords: &["validation", "validate", "unvalidated"],
        suggestion: "Add SHACL shapes that validate the required properties",
    },
    Rule {
        keywords: &["invalid data", "datatype", "data type"],
        suggestion: "Add an sh:datatype constraint",
    },
    Rule {
        keywords: &["missing property", "missing field", "required property"],
        suggestion: "Add an sh:minCount constraint",
    },
    Rule {
        keywords: &["type mismatch", "wrong type"],
        suggestion: "Add an sh:class or sh:datatype constraint",
    },
    Rule {
        keywords: &["cardinality"],
        suggestion: "Add sh:minCount and sh:maxCount constraints",
    },
    Rule {
        keywords: &["format", "malformed"],
        suggestion: "Add an sh:pattern constraint for the expected format",
    },
    Rule {
        keywords: &["range"],
        suggestion: "Add sh:minInclusive and sh:maxInclusive constraints",
    },
];

const TESTS: [Rule; 7] = [
    Rule {
        keywords: &[
            "race condition",
            "data race",
            "concurrency",
            "concurrent",
            "deadlock",
        ],
        suggestion: "Add a concurrency test that runs the operation in parallel",
    },
    Rule {
        keywords: &["edge case", "boundary", "off by one"],
        suggestion: "Add boundary value test cases",
    },
    Rule {
        keywords: &["error handling", "unhandled", "exception"],
        suggestion: "Add negative tests for the error paths",
    },
    Rule {
        keywords: &["timeout", "timed out"],
        suggestion: "Add a test for timeout handling",
    },
    Rule {
        keywords: &["memory leak", "leak"],
        suggestion: "Add a test that watches memory use",
    },
    Rule {
        keywords: &[
            "non-deterministic",
            "nondeterministic",
            "non-determinism",
            "nondeterminism",
            "flaky",
        ],
        suggestion: "Add a property-based test with seeded random inputs",
    },
    Rule {
        keywords: &["integration"],
        suggestion: "Add an integration test for the interaction between components",
    },
];

const TEMPLATES: [Rule; 5] = [
    Rule {
        keywords: &["boilerplate"],
        suggestion: "Add a template helper for the repeated pattern",
    },
    Rule {
        keywords: &["inconsistent", "inconsistency"],
        suggestion: "Standardise the template structure across modules",
    },
    Rule {
        keywords: &["hard-coded", "hardcoded"],
        suggestion: "Move hard-coded values into template variables",
    },
    Rule {
        keywords: &["duplicated", "duplicate", "duplication"],
        suggestion: "Extract a reusable template component",
    },
    Rule {
        keywords: &["complex"],
        suggestion: "Simplify the template logic",
    },
];

/// The prevention suggestions of a root cause text (andon.md 10.6).
///
/// ```
/// use tcps_core::andon::prevention_suggestions;
/// let s = prevention_suggestions("Race-condition in concurrent access");
/// assert_eq!(s.tests, ["Add a concurrency test that runs the operation in parallel"]);
/// ```
#[must_use]
pub fn prevention_suggestions(text: &str) -> Suggestions {
    let text_words = words(text);
    let fired = |rules: &[Rule]| -> Vec<String> {
        rules
            .iter()
            .filter(|rule| {
                rule.keywords
                    .iter()
                    .any(|k| contains(&text_words, &words(k)))
            })
            .map(|rule| rule.suggestion.to_owned())
            .collect()
    };
    Suggestions {
        shacl: fired(&SHACL),
        tests: fired(&TESTS),
        templates: fired(&TEMPLATES),
        pins: pins(text),
    }
}

/// The words of a text: maximal runs of ASCII letters, ASCII digits and
/// non-ASCII characters, ASCII letters lower-cased.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_ascii() && !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Whether `needle` occurs as consecutive words of `hay`.
fn contains(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Every `dependency NAME version VERSION`, left to right, without
/// overlaps; a name pinned before (ASCII case-insensitively) is skipped.
fn pins(text: &str) -> Vec<Pin> {
    let b = text.as_bytes();
    let mut out: Vec<Pin> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let Some((end, pin)) = pin_at(b, i) else {
            i += 1;
            continue;
        };
        if !out.iter().any(|p| p.name.eq_ignore_ascii_case(&pin.name)) {
            out.push(pin);
        }
        i = end;
    }
    out
}

/// A pin starting at byte `i`, with the byte just past it.
fn pin_at(b: &[u8], i: usize) -> Option<(usize, Pin)> {
    if i > 0 && b[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    let mut at = word(b, i, b"dependency")?;
    at = spaces(b, at)?;
    let name_end = run(b, at, |c| {
        c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
    })?;
    let name = &b[at..name_end];
    at = spaces(b, name_end)?;
    at = word(b, at, b"version")?;
    at = spaces(b, at)?;
    if !b.get(at)?.is_ascii_digit() {
        return None;
    }
    let end = run(b, at, |c| {
        c.is_ascii_alphanumeric() || matches!(c, b'.' | b'+' | b'-')
    })?;
    let dots = b[at..end].iter().rev().take_while(|c| **c == b'.').count();
    let version = &b[at..end - dots];

    // Both runs hold ASCII only, so they are valid UTF-8.
    let pin = Pin {
        name: String::from_utf8_lossy(name).into_owned(),
        version: String::from_utf8_lossy(version).into_owned(),
    };
    Some((end, pin))
}

/// The end of `word` at `i`, matched ASCII case-insensitively.
fn word(b: &[u8], i: usize, word: &[u8]) -> Option<usize> {
    let end = i.checked_add(word.len())?;
    b.get(i..end)?.eq_ignore_ascii_case(word).then_some(end)
}

/// The end of one or more of space, tab, carriage return, line feed.
fn spaces(b: &[u8], i: usize) -> Option<usize> {
    run(b, i, |c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
}

/// The end of a non-empty run of bytes that pass `ok`.
fn run(b: &[u8], i: usize, ok: impl Fn(u8) -> bool) -> Option<usize> {
    let len = b.get(i..)?.iter().take_while(|c| ok(**c)).count();
    (len > 0).then_some(i + len)
}
