//! SARIF 2.1.0 static-analysis logs (quality.md 8.11).
//!
//! The log is walked as a stream: only the fields that decide a result's
//! level are kept (a few words per result), so memory stays a small
//! fraction of the input however large the log is.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::fail::{Ctx, Kind};
use super::json::{Json, Peek, path_index, prepare};
use super::summary::{RANK_CAP, Ranking, Source, Summary, add, bump};
use super::text::parse_u64;
use super::{Format, Input, Limits};
use crate::Result;

/// The findings of one or more SARIF logs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SarifSummary {
    /// Runs in the logs.
    pub runs: u64,
    /// Counted results (not suppressed, not absent).
    pub results: u64,
    /// Counted results of level `error`.
    pub error: u64,
    /// Counted results of level `warning`.
    pub warning: u64,
    /// Counted results of level `note`.
    pub note: u64,
    /// Counted results of level `none`.
    pub none: u64,
    /// Results suppressed by accepted suppressions.
    pub suppressed: u64,
    /// Results whose `baselineState` is `absent`.
    pub absent: u64,
    /// The driver `name` of each run, `""` when missing or not a string.
    pub tools: Vec<String>,
    /// Rule id → counted results of level error or warning; at most 20,
    /// by count descending, then id.
    pub top_rules: Ranking,
    /// One source per input.
    pub sources: Vec<Source>,
}

impl Summary for SarifSummary {
    fn merge<I: IntoIterator<Item = Self>>(parts: I) -> Self {
        let parts: Vec<Self> = parts.into_iter().collect();
        let sum = |field: fn(&Self) -> u64| parts.iter().fold(0, |acc, part| add(acc, field(part)));
        Self {
            runs: sum(|s| s.runs),
            results: sum(|s| s.results),
            error: sum(|s| s.error),
            warning: sum(|s| s.warning),
            note: sum(|s| s.note),
            none: sum(|s| s.none),
            suppressed: sum(|s| s.suppressed),
            absent: sum(|s| s.absent),
            tools: parts.iter().flat_map(|s| s.tools.iter().cloned()).collect(),
            top_rules: Ranking::merge(parts.iter().map(|s| &s.top_rules), RANK_CAP),
            sources: parts.into_iter().flat_map(|s| s.sources).collect(),
        }
    }

    fn sources(&self) -> &[Source] {
        &self.sources
    }
}

/// Reads one SARIF log.
///
/// Choices beyond quality.md 8.11: a document that is not a JSON object
/// is `ingest_wrong_format`; a suppression whose `status` is null counts
/// as one without status; rule indices that are not non-negative
/// integers (SARIF writes `-1` for "none") find nothing.
pub fn sarif(input: Input<'_>, limits: &Limits) -> Result<SarifSummary> {
    let ctx = Ctx::new(Format::Sarif, input);
    ctx.check_size(limits)?;
    let base = prepare(&ctx)?;
    let mut json = Json::new(&ctx, limits, base);

    let log = read_log(&mut json)?;
    json.end()?;

    let mut summary = count(&ctx, log)?;
    summary.sources.push(Source::of(Format::Sarif, input));
    Ok(summary)
}

/// Reads several SARIF logs into one summary (quality.md 7.3); the first
/// failing input's error is returned.
pub fn sarif_many(inputs: &[Input<'_>], limits: &Limits) -> Result<SarifSummary> {
    let parts = inputs
        .iter()
        .map(|input| sarif(*input, limits))
        .collect::<Result<Vec<_>>>()?;
    Ok(SarifSummary::merge(parts))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Error,
    Warning,
    Note,
    None,
}

impl Level {
    fn parse(text: &str) -> Option<Self> {
        match text {
            "error" => Some(Level::Error),
            "warning" => Some(Level::Warning),
            "note" => Some(Level::Note),
            "none" => Some(Level::None),
            _ => None,
        }
    }
}

/// What a document said for one field, when its shape matters.
#[derive(Debug, Default)]
enum Field<T> {
    #[default]
    Absent,
    Wrong(&'static str),
    Given(T),
}

#[derive(Debug, Default)]
struct Rule<'a> {
    id: Option<Cow<'a, str>>,
    level: Option<Level>,
}

#[derive(Debug, Default)]
struct Record<'a> {
    /// `Some(Err(text))` for a level outside the four values.
    level: Option<std::result::Result<Level, String>>,
    kind_not_fail: bool,
    rule_id: Option<Cow<'a, str>>,
    rule_object_id: Option<Cow<'a, str>>,
    rule_index: Option<u64>,
    rule_ref_index: Option<u64>,
    component_index: Option<u64>,
    suppressed: bool,
    baseline_absent: bool,
}

#[derive(Debug, Default)]
struct Run<'a> {
    driver_name: Option<String>,
    driver_rules: Vec<Rule<'a>>,
    extensions: Vec<Vec<Rule<'a>>>,
    /// Results; `Err` marks an element that is not an object.
    results: Field<Vec<std::result::Result<Record<'a>, ()>>>,
}

#[derive(Debug, Default)]
struct Log<'a> {
    version: Field<Cow<'a, str>>,
    runs: Field<Vec<Option<Run<'a>>>>,
    not_object: Option<&'static str>,
}

fn type_of(json: &mut Json<'_, '_>) -> &'static str {
    match json.peek() {
        Peek::Object => "an object",
        Peek::Array => "an array",
        Peek::String => "a string",
        Peek::Other => "a number, boolean or null",
    }
}

fn read_log<'a>(json: &mut Json<'a, '_>) -> Result<Log<'a>> {
    let mut log = Log::default();
    if json.peek() != Peek::Object {
        log.not_object = Some(type_of(json));
        json.skip()?;
        return Ok(log);
    }
    json.object(|json, key| {
        match &*key {
            "version" => {
                log.version = if json.peek() == Peek::String {
                    Field::Given(json.string()?)
                } else {
                    let found = type_of(json);
                    json.skip()?;
                    Field::Wrong(found)
                };
            }
            "runs" => {
                if json.peek() == Peek::Array {
                    let mut runs = Vec::new();
                    json.array(|json, _| {
                        if json.peek() == Peek::Object {
                            runs.push(Some(read_run(json)?));
                        } else {
                            json.skip()?;
                            runs.push(None);
                        }
                        Ok(())
                    })?;
                    log.runs = Field::Given(runs);
                } else {
                    let found = type_of(json);
                    json.skip()?;
                    log.runs = Field::Wrong(found);
                }
            }
            _ => json.skip()?,
        }
        Ok(())
    })?;
    Ok(log)
}

fn read_run<'a>(json: &mut Json<'a, '_>) -> Result<Run<'a>> {
    let mut run = Run::default();
    json.object(|json, key| match &*key {
        "tool" => {
            run.driver_name = None;
            run.driver_rules.clear();
            run.extensions.clear();
            if json.peek() != Peek::Object {
                return json.skip();
            }
            json.object(|json, key| match &*key {
                "driver" if json.peek() == Peek::Object => {
                    let (name, rules) = read_component(json)?;
                    run.driver_name = name;
                    run.driver_rules = rules;
                    Ok(())
                }
                "extensions" if json.peek() == Peek::Array => {
                    let mut extensions = Vec::new();
                    json.array(|json, _| {
                        if json.peek() == Peek::Object {
                            extensions.push(read_component(json)?.1);
                        } else {
                            json.skip()?;
                            extensions.push(Vec::new());
                        }
                        Ok(())
                    })?;
                    run.extensions = extensions;
                    Ok(())
                }
                _ => json.skip(),
            })
        }
        "results" => {
            run.results = match json.peek() {
                Peek::Array => {
                    let mut results = Vec::new();
                    json.array(|json, _| {
                        if json.peek() == Peek::Object {
                            results.push(Ok(read_result(json)?));
                        } else {
                            json.skip()?;
                            results.push(Err(()));
                        }
                        Ok(())
                    })?;
                    Field::Given(results)
                }
                _ if json.at_null() => {
                    json.skip()?;
                    Field::Absent
                }
                _ => {
                    let found = type_of(json);
                    json.skip()?;
                    Field::Wrong(found)
                }
            };
            Ok(())
        }
        _ => json.skip(),
    })?;
    Ok(run)
}

/// A tool component's `name` (when a string) and `rules`.
fn read_component<'a>(json: &mut Json<'a, '_>) -> Result<(Option<String>, Vec<Rule<'a>>)> {
    let mut name = None;
    let mut rules = Vec::new();
    json.object(|json, key| match &*key {
        "name" => {
            name = json.string_or_skip()?.map(Cow::into_owned);
            Ok(())
        }
        "rules" if json.peek() == Peek::Array => {
            rules.clear();
            json.array(|json, _| {
                let mut rule = Rule::default();
                if json.peek() == Peek::Object {
                    json.object(|json, key| match &*key {
                        "id" => {
                            rule.id = json.string_or_skip()?;
                            Ok(())
                        }
                        "defaultConfiguration" if json.peek() == Peek::Object => {
                            json.object(|json, key| {
                                if &*key == "level" {
                                    rule.level = json
                                        .string_or_skip()?
                                        .and_then(|level| Level::parse(&level));
                                    Ok(())
                                } else {
                                    json.skip()
                                }
                            })
                        }
                        _ => json.skip(),
                    })?;
                } else {
                    json.skip()?;
                }
                rules.push(rule);
                Ok(())
            })
        }
        _ => json.skip(),
    })?;
    Ok((name, rules))
}

fn read_result<'a>(json: &mut Json<'a, '_>) -> Result<Record<'a>> {
    let mut record = Record::default();
    json.object(|json, key| {
        match &*key {
            "level" => {
                record.level = if json.at_null() {
                    json.skip()?;
                    None
                } else {
                    match json.string_or_skip()? {
                        Some(text) => Some(
                            Level::parse(&text)
                                .ok_or_else(|| format!("`{}`", super::summary::cut(&text, 64))),
                        ),
                        None => Some(Err("not a string".to_owned())),
                    }
                };
            }
            "kind" => {
                record.kind_not_fail = if json.at_null() {
                    json.skip()?;
                    false
                } else {
                    json.string_or_skip()?.is_none_or(|kind| kind != "fail")
                };
            }
            "ruleId" => record.rule_id = json.string_or_skip()?,
            "ruleIndex" => record.rule_index = index(json)?,
            "rule" => {
                record.rule_object_id = None;
                record.rule_ref_index = None;
                record.component_index = None;
                if json.peek() != Peek::Object {
                    return json.skip();
                }
                json.object(|json, key| match &*key {
                    "id" => {
                        record.rule_object_id = json.string_or_skip()?;
                        Ok(())
                    }
                    "index" => {
                        record.rule_ref_index = index(json)?;
                        Ok(())
                    }
                    "toolComponent" if json.peek() == Peek::Object => {
                        record.component_index = None;
                        json.object(|json, key| {
                            if &*key == "index" {
                                record.component_index = index(json)?;
                                Ok(())
                            } else {
                                json.skip()
                            }
                        })
                    }
                    _ => json.skip(),
                })?;
            }
            "suppressions" => record.suppressed = suppressed(json)?,
            "baselineState" => {
                record.baseline_absent = json
                    .string_or_skip()?
                    .is_some_and(|state| state == "absent");
            }
            _ => json.skip()?,
        }
        Ok(())
    })?;
    Ok(record)
}

/// A non-negative integer index, else nothing.
fn index(json: &mut Json<'_, '_>) -> Result<Option<u64>> {
    Ok(json.number_or_skip()?.and_then(parse_u64))
}

/// Whether `suppressions` is a non-empty array whose every element has
/// no status (absent or null) or status `accepted`.
fn suppressed(json: &mut Json<'_, '_>) -> Result<bool> {
    if json.peek() != Peek::Array {
        json.skip()?;
        return Ok(false);
    }
    let mut elements = 0;
    let mut all_accepted = true;
    json.array(|json, _| {
        elements += 1;
        if json.peek() != Peek::Object {
            return json.skip();
        }
        let mut accepted = true;
        json.object(|json, key| {
            if &*key != "status" {
                return json.skip();
            }
            accepted = if json.at_null() {
                json.skip()?;
                true
            } else {
                json.string_or_skip()?
                    .is_some_and(|status| status == "accepted")
            };
            Ok(())
        })?;
        all_accepted &= accepted;
        Ok(())
    })?;
    Ok(elements > 0 && all_accepted)
}

fn count(ctx: &Ctx<'_>, log: Log<'_>) -> Result<SarifSummary> {
    if let Some(found) = log.not_object {
        return Err(ctx.wrong_format(None, found));
    }
    match &log.version {
        Field::Given(version) if version == "2.1.0" => {}
        Field::Given(version) => {
            let detail = format!("version `{}`", super::summary::cut(version, 64));
            return Err(ctx.at_path(Kind::Unsupported, "$.version", "unsupported", &detail));
        }
        Field::Wrong(found) => {
            let detail = format!("version is {found}");
            return Err(ctx.at_path(Kind::Unsupported, "$.version", "unsupported", &detail));
        }
        Field::Absent => {
            return Err(ctx.at_path(Kind::Unsupported, "$.version", "unsupported", "no version"));
        }
    }
    let runs = match log.runs {
        Field::Given(runs) => runs,
        Field::Absent => return Err(ctx.malformed_path("$.runs", "missing_field", "runs")),
        Field::Wrong(found) => return Err(ctx.malformed_path("$.runs", "not_an_array", found)),
    };

    let mut runs_checked = Vec::with_capacity(runs.len());
    for (i, run) in runs.into_iter().enumerate() {
        let run_path = path_index("$.runs", i);
        let Some(run) = run else {
            return Err(ctx.malformed_path(&run_path, "not_an_object", "run"));
        };
        match &run.results {
            Field::Wrong(found) => {
                return Err(ctx.malformed_path(
                    &format!("{run_path}.results"),
                    "not_an_array",
                    found,
                ));
            }
            Field::Given(results) => {
                if let Some(j) = results.iter().position(std::result::Result::is_err) {
                    let path = path_index(&format!("{run_path}.results"), j);
                    return Err(ctx.malformed_path(&path, "not_an_object", "result"));
                }
            }
            Field::Absent => {}
        }
        runs_checked.push(run);
    }

    let mut summary = SarifSummary::default();
    let mut rules: HashMap<Cow<'_, str>, u64> = HashMap::new();
    for (i, run) in runs_checked.iter().enumerate() {
        bump(&mut summary.runs);
        summary
            .tools
            .push(run.driver_name.clone().unwrap_or_default());
        let Field::Given(results) = &run.results else {
            continue;
        };
        let mut by_id: Option<HashMap<&str, &Rule<'_>>> = None;
        for (j, record) in results.iter().enumerate() {
            let Ok(record) = record else { continue };
            if record.suppressed {
                bump(&mut summary.suppressed);
                continue;
            }
            if record.baseline_absent {
                bump(&mut summary.absent);
                continue;
            }
            let level = match &record.level {
                Some(Ok(level)) => *level,
                Some(Err(found)) => {
                    let path = format!("$.runs[{i}].results[{j}].level");
                    return Err(ctx.malformed_path(&path, "bad_value", found));
                }
                None if record.kind_not_fail => Level::None,
                None => rule_of(run, record, &mut by_id)
                    .and_then(|rule| rule.level)
                    .unwrap_or(Level::Warning),
            };
            bump(&mut summary.results);
            match level {
                Level::Error => bump(&mut summary.error),
                Level::Warning => bump(&mut summary.warning),
                Level::Note => bump(&mut summary.note),
                Level::None => bump(&mut summary.none),
            }
            if matches!(level, Level::Error | Level::Warning) {
                let id = record
                    .rule_id
                    .clone()
                    .or_else(|| record.rule_object_id.clone())
                    .unwrap_or_default();
                let slot = rules.entry(id).or_insert(0);
                *slot = add(*slot, 1);
            }
        }
    }
    summary.top_rules = Ranking::rank(
        rules.iter().map(|(id, count)| (id.as_ref(), *count)),
        RANK_CAP,
    );
    Ok(summary)
}

/// The rule of a result, looked up by `rule.index`, then `ruleIndex`,
/// then `ruleId` (or `rule.id`).
fn rule_of<'r, 'a>(
    run: &'r Run<'a>,
    record: &Record<'a>,
    by_id: &mut Option<HashMap<&'r str, &'r Rule<'a>>>,
) -> Option<&'r Rule<'a>> {
    let at =
        |rules: &'r [Rule<'a>], index: u64| usize::try_from(index).ok().and_then(|i| rules.get(i));
    if let Some(index) = record.rule_ref_index {
        let rules = match record.component_index {
            Some(k) => usize::try_from(k)
                .ok()
                .and_then(|k| run.extensions.get(k))
                .map(Vec::as_slice),
            None => Some(run.driver_rules.as_slice()),
        };
        if let Some(rule) = rules.and_then(|rules| at(rules, index)) {
            return Some(rule);
        }
    }
    if let Some(rule) = record
        .rule_index
        .and_then(|index| at(&run.driver_rules, index))
    {
        return Some(rule);
    }
    let id = record
        .rule_id
        .as_deref()
        .or(record.rule_object_id.as_deref())?;
    let map = by_id.get_or_insert_with(|| {
        let mut map = HashMap::new();
        for rule in run
            .driver_rules
            .iter()
            .chain(run.extensions.iter().flatten())
        {
            if let Some(rule_id) = rule.id.as_deref() {
                map.entry(rule_id).or_insert(rule);
            }
        }
        map
    });
    map.get(id).copied()
}
