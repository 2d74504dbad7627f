//! The JUnit XML reader (quality.md 8.7), behind the `ingest` feature.

use std::borrow::Cow;

use super::TestSummary;
use crate::Result;
use crate::ingest::fail::Ctx;
use crate::ingest::summary::{Capped, MAX_COUNT, Source, Summary, add, bump};
use crate::ingest::text::parse_u64;
use crate::ingest::xml::{Doc, Elem, Ev, XmlReader};
use crate::ingest::{Format, Input, Limits};

/// Reads one JUnit XML report.
///
/// Choices beyond quality.md 8.7: only direct children of a `testcase`
/// decide its outcome, and nothing deeper inside a test case is
/// interpreted (a `testsuite` there is not counted).
pub fn junit(input: Input<'_>, limits: &Limits) -> Result<TestSummary> {
    let ctx = Ctx::new(Format::Junit, input);
    ctx.check_size(limits)?;
    let doc = Doc::decode(&ctx)?;
    let mut xml = XmlReader::new(&doc, ctx, limits);
    let mut walk = Walk {
        frames: Vec::new(),
        cases_open: 0,
        summary: TestSummary::default(),
        failed: Capped::default(),
        flaky: Capped::default(),
        root_declared: None,
        children_any: false,
        children_sum: Some(0),
    };

    loop {
        match xml.next()? {
            Ev::Start(elem) => walk.start(&xml, &elem)?,
            Ev::End => walk.end(),
            Ev::Eof => break,
        }
    }

    let mut summary = walk.finish();
    summary.sources.push(Source::of(Format::Junit, input));
    Ok(summary)
}

/// Reads several JUnit reports into one summary (quality.md 7.3); the
/// first failing input's error is returned.
pub fn junit_many(inputs: &[Input<'_>], limits: &Limits) -> Result<TestSummary> {
    let parts = inputs
        .iter()
        .map(|input| junit(*input, limits))
        .collect::<Result<Vec<_>>>()?;
    Ok(TestSummary::merge(parts))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Passed,
    Failed,
    Errored,
    Skipped,
}

/// A test case's `time`, read by the steps of quality.md 8.7.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Time {
    Missing,
    Invalid,
    Ms(u64),
}

// One flag per result child that quality.md 8.7 ranks.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug)]
struct Case<'d> {
    classname: Cow<'d, str>,
    name: Cow<'d, str>,
    status: Option<Cow<'d, str>>,
    time: Time,
    error: bool,
    failure: bool,
    rerun_error: bool,
    rerun_failure: bool,
    skipped: bool,
    flaky_children: u64,
    reruns: u64,
}

#[derive(Debug)]
enum Frame<'d> {
    Suite(Cow<'d, str>),
    Case(Box<Case<'d>>),
    /// Inside a test case, below its direct children.
    InCase,
    /// A nested test case or anything inside it.
    Ignored,
    Other,
}

#[derive(Debug)]
struct Walk<'d> {
    frames: Vec<Frame<'d>>,
    cases_open: usize,
    summary: TestSummary,
    failed: Capped,
    flaky: Capped,
    /// The root's `tests`: absent, or present and valid or not.
    #[allow(clippy::option_option)]
    root_declared: Option<Option<u64>>,
    /// Whether a direct `testsuite` child of the root has `tests`.
    children_any: bool,
    /// Their sum; `None` once one is invalid.
    children_sum: Option<u64>,
}

impl<'d> Walk<'d> {
    fn start(&mut self, xml: &XmlReader<'d>, elem: &Elem<'d>) -> Result<()> {
        let local = elem.local;
        let depth = self.frames.len();
        let in_case = self.cases_open > 0;
        let frame = match self.frames.last_mut() {
            None => {
                if local != "testsuites" && local != "testsuite" {
                    return Err(xml.wrong_format(elem.pos, local));
                }
                self.root_declared = declared(elem);
                if local == "testsuite" {
                    self.suite(elem)
                } else {
                    Frame::Other
                }
            }
            Some(Frame::Ignored) => Frame::Ignored,
            Some(_) if local == "testcase" && in_case => Frame::Ignored,
            Some(Frame::Case(case)) => {
                match local {
                    "error" => case.error = true,
                    "failure" => case.failure = true,
                    "rerunError" => {
                        case.rerun_error = true;
                        case.reruns += 1;
                    }
                    "rerunFailure" => {
                        case.rerun_failure = true;
                        case.reruns += 1;
                    }
                    "skipped" => case.skipped = true,
                    "flakyFailure" | "flakyError" => {
                        case.flaky_children += 1;
                        case.reruns += 1;
                    }
                    _ => {}
                }
                Frame::InCase
            }
            Some(Frame::InCase) => Frame::InCase,
            Some(Frame::Suite(name)) if local == "error" || local == "failure" => {
                let id = if name.is_empty() {
                    "(suite)".to_owned()
                } else {
                    format!("{name}::(suite)")
                };
                bump(&mut self.summary.tests);
                bump(&mut self.summary.errored);
                bump(&mut self.summary.suite_errors);
                self.failed.push(&id);
                Frame::Other
            }
            Some(_) => match local {
                "testsuite" => {
                    if let Some(value) = declared(elem).filter(|_| depth == 1) {
                        self.children_any = true;
                        self.children_sum = self.children_sum.zip(value).map(|(a, b)| add(a, b));
                    }
                    self.suite(elem)
                }
                "testcase" => Frame::Case(Box::new(case(elem))),
                _ => Frame::Other,
            },
        };
        if matches!(frame, Frame::Case(_)) {
            self.cases_open += 1;
        }
        self.frames.push(frame);
        Ok(())
    }

    fn suite(&mut self, elem: &Elem<'d>) -> Frame<'d> {
        bump(&mut self.summary.suites);
        let [name] = elem.find(["name"]);
        let name = name.map_or(Cow::Borrowed(""), |attr| trimmed(attr.value()));
        Frame::Suite(name)
    }

    fn end(&mut self) {
        if let Some(Frame::Case(case)) = self.frames.pop() {
            self.cases_open -= 1;
            self.count(&case);
        }
    }

    fn count(&mut self, case: &Case<'d>) {
        let outcome = if case.error {
            Outcome::Errored
        } else if case.failure {
            Outcome::Failed
        } else if case.rerun_error {
            Outcome::Errored
        } else if case.rerun_failure {
            Outcome::Failed
        } else if case.skipped {
            Outcome::Skipped
        } else {
            status_outcome(case.status.as_deref())
        };

        let s = &mut self.summary;
        bump(&mut s.tests);
        s.reruns = add(s.reruns, case.reruns);
        match case.time {
            Time::Missing => bump(&mut s.time_missing),
            Time::Invalid => bump(&mut s.time_invalid),
            Time::Ms(ms) => s.duration_ms = add(s.duration_ms, ms),
        }
        let id = || {
            if case.classname.is_empty() {
                case.name.to_string()
            } else {
                format!("{}::{}", case.classname, case.name)
            }
        };
        match outcome {
            Outcome::Passed => {
                bump(&mut s.passed);
                if case.flaky_children > 0 {
                    bump(&mut s.flaky);
                    self.flaky.push(&id());
                }
            }
            Outcome::Failed => {
                bump(&mut s.failed);
                self.failed.push(&id());
            }
            Outcome::Errored => {
                bump(&mut s.errored);
                self.failed.push(&id());
            }
            Outcome::Skipped => bump(&mut s.skipped),
        }
    }

    fn finish(self) -> TestSummary {
        let mut summary = self.summary;
        summary.executed = summary.tests - summary.skipped.min(summary.tests);
        summary.declared_tests = match self.root_declared {
            Some(value) => value,
            None if self.children_any => self.children_sum,
            None => None,
        };
        summary.failed_tests = self.failed.items;
        summary.failed_tests_total = self.failed.total;
        summary.flaky_tests = self.flaky.items;
        summary.flaky_tests_total = self.flaky.total;
        summary
    }
}

/// The `tests` attribute: `None` when absent, `Some(None)` when not a
/// non-negative integer.
#[allow(clippy::option_option)]
fn declared(elem: &Elem<'_>) -> Option<Option<u64>> {
    let [tests] = elem.find(["tests"]);
    tests.map(|attr| parse_u64(attr.value().trim_ascii()))
}

fn case<'d>(elem: &Elem<'d>) -> Case<'d> {
    let [name, classname, time, status] = elem.find(["name", "classname", "time", "status"]);
    let text = |attr: Option<crate::ingest::xml::Attr<'d>>| attr.map(|attr| trimmed(attr.value()));
    Case {
        classname: text(classname).unwrap_or_default(),
        name: text(name).unwrap_or_default(),
        status: text(status),
        time: parse_time(time.map(|attr| attr.value()).as_deref()),
        error: false,
        failure: false,
        rerun_error: false,
        rerun_failure: false,
        skipped: false,
        flaky_children: 0,
        reruns: 0,
    }
}

fn trimmed(text: Cow<'_, str>) -> Cow<'_, str> {
    match text {
        Cow::Borrowed(text) => Cow::Borrowed(text.trim_ascii()),
        Cow::Owned(text) if text.trim_ascii().len() == text.len() => Cow::Owned(text),
        Cow::Owned(text) => Cow::Owned(text.trim_ascii().to_owned()),
    }
}

/// Outcome of a test case without result children, from `status`.
fn status_outcome(status: Option<&str>) -> Outcome {
    let Some(status) = status else {
        return Outcome::Passed;
    };
    let is = |words: &[&str]| words.iter().any(|word| status.eq_ignore_ascii_case(word));
    if is(&[
        "skipped",
        "skip",
        "disabled",
        "notrun",
        "not_run",
        "ignored",
        "inconclusive",
        "notrunnable",
        "pending",
    ]) {
        Outcome::Skipped
    } else if is(&["failed", "failure", "fail"]) {
        Outcome::Failed
    } else if is(&["error", "errored"]) {
        Outcome::Errored
    } else {
        Outcome::Passed
    }
}

/// A `time` attribute (seconds) in milliseconds, by quality.md 8.7.
fn parse_time(text: Option<&str>) -> Time {
    let Some(text) = text.map(str::trim_ascii) else {
        return Time::Missing;
    };
    if text.is_empty() {
        return Time::Missing;
    }
    let normalised: Cow<'_, str> = if is_thousands(text) {
        Cow::Owned(text.replace(',', ""))
    } else if is_decimal_comma(text) {
        Cow::Owned(text.replace(',', "."))
    } else {
        Cow::Borrowed(text)
    };
    seconds_to_ms(&normalised).map_or(Time::Invalid, Time::Ms)
}

/// `^[1-9][0-9]{0,2}(,[0-9]{3})+(\.[0-9]+)?$`
fn is_thousands(text: &str) -> bool {
    let (int, frac) = match text.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (text, None),
    };
    if frac.is_some_and(|frac| frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or("");
    let first_ok = (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && !first.starts_with('0');
    let mut rest = 0;
    for group in groups {
        if group.len() != 3 || !group.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        rest += 1;
    }
    first_ok && rest > 0
}

/// `^[0-9]+,[0-9]+$`
fn is_decimal_comma(text: &str) -> bool {
    text.split_once(',').is_some_and(|(a, b)| {
        !a.is_empty() && !b.is_empty() && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
    })
}

/// Seconds as written (`^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$`)
/// to milliseconds, exactly in decimal, rounded half away from zero;
/// `None` when the text does not match, is negative or exceeds 2^53 − 1
/// ms.
fn seconds_to_ms(text: &str) -> Option<u64> {
    let b = text.as_bytes();
    let mut i = 0;
    let negative = match b.first() {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let int_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let int = &b[int_start..i];
    let mut frac: &[u8] = &[];
    if b.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        frac = &b[frac_start..i];
    }
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut exponent: i64 = 0;
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let exp_negative = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let exp_start = i;
        while let Some(&d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            exponent = (exponent * 10 + i64::from(d - b'0')).min(1_000_000_000);
            i += 1;
        }
        if i == exp_start {
            return None;
        }
        if exp_negative {
            exponent = -exponent;
        }
    }
    if i != b.len() {
        return None;
    }

    let digits: Vec<u8> = int
        .iter()
        .chain(frac)
        .copied()
        .skip_while(|&d| d == b'0')
        .collect();
    if digits.is_empty() {
        return Some(0);
    }
    if negative {
        return None;
    }
    let shift = exponent + 3 - frac.len() as i64;
    let n = digits.len() as i64;
    let value = if shift >= 0 {
        if n + shift > 16 {
            return None;
        }
        let mut value = decimal(&digits)?;
        for _ in 0..shift {
            value = value.checked_mul(10)?;
        }
        value
    } else {
        let cut = -shift;
        if cut > n {
            0
        } else {
            let keep = (n - cut) as usize;
            if keep > 16 {
                return None;
            }
            let whole = decimal(&digits[..keep])?;
            whole + u64::from(digits[keep] >= b'5')
        }
    };
    (value <= MAX_COUNT).then_some(value)
}

fn decimal(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |acc, &d| {
        acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_values_follow_q58() {
        let cases = [
            ("0.001", Time::Ms(1)),
            ("1.2345", Time::Ms(1235)),
            ("0.0005", Time::Ms(1)),
            ("0.0004", Time::Ms(0)),
            ("2,503.1", Time::Ms(2_503_100)),
            ("1,5", Time::Ms(1500)),
            ("0,123", Time::Ms(123)),
            ("1,234", Time::Ms(1_234_000)),
            ("1.5E-4", Time::Ms(0)),
            ("3e2", Time::Ms(300_000)),
            (" 7 ", Time::Ms(7000)),
            ("-0", Time::Ms(0)),
            ("-345345", Time::Invalid),
            ("abc", Time::Invalid),
            ("1e400", Time::Invalid),
            ("", Time::Missing),
            ("  ", Time::Missing),
            (".5", Time::Ms(500)),
            ("5.", Time::Ms(5000)),
            ("+1", Time::Ms(1000)),
            ("1,2345", Time::Ms(1235)),
            ("12,345,678", Time::Ms(12_345_678_000)),
            ("9007199254740.991", Time::Ms(MAX_COUNT)),
            ("9007199254740.992", Time::Invalid),
            ("1e-999999999999999999999", Time::Ms(0)),
            ("0e999999999", Time::Ms(0)),
            ("1e", Time::Invalid),
            (".", Time::Invalid),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_time(Some(text)), expected, "{text:?}");
        }
        assert_eq!(parse_time(None), Time::Missing);
    }
}
