//! GitHub issue and pull request JSON (quality.md 8.13).

use serde::{Deserialize, Serialize};

use super::fail::Ctx;
use super::json::{Value, parse_document, path_index};
use super::summary::Source;
use super::text::parse_rfc3339;
use super::{Format, Input, Limits};
use crate::Result;

/// Whether an item is an issue or a pull request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueKind {
    /// An issue.
    Issue,
    /// A pull request.
    PullRequest,
}

/// What tcps reads of one issue or pull request; flow.md 4.4 turns it
/// into a pull signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueSummary {
    /// Issue or pull request.
    pub kind: IssueKind,
    /// `owner/name` of the repository, when known.
    pub repo: Option<String>,
    /// The number.
    pub number: u64,
    /// The title.
    pub title: String,
    /// `open` or `closed`, as given.
    pub state: String,
    /// `state_reason`, when a string.
    pub state_reason: Option<String>,
    /// Whether `draft` is `true`.
    pub draft: bool,
    /// Whether `locked` is `true`.
    pub locked: bool,
    /// For pull requests, whether merged; null for issues.
    pub merged: Option<bool>,
    /// Label names in order.
    pub labels: Vec<String>,
    /// The milestone's title.
    pub milestone: Option<String>,
    /// Number of assignees.
    pub assignees: u64,
    /// The author's login.
    pub author: Option<String>,
    /// `html_url`.
    pub url: Option<String>,
    /// The event or webhook action.
    pub action: Option<String>,
    /// `created_at`, in ms since the epoch.
    pub created_ms: Option<i64>,
    /// `closed_at`, in ms since the epoch.
    pub closed_ms: Option<i64>,
    /// The input the item came from.
    pub sources: Vec<Source>,
}

/// One item found in a document, with what its shape says about it.
struct Item<'v, 'a> {
    value: &'v Value<'a>,
    path: String,
    repo: Option<String>,
    action: Option<String>,
    from_pull_request: bool,
}

/// Reads GitHub JSON: an issue or pull request, an array of them, a
/// search result, an events-API or a webhook payload.
///
/// Choices beyond quality.md 8.13: in an events payload a present,
/// non-null `pull_request` is the item (else `issue`); an events payload
/// with neither, and any document that is not an array or object, is
/// `ingest_wrong_format`; an events-API `pull_request` is a pull request
/// like a webhook's.
pub fn github(input: Input<'_>, limits: &Limits) -> Result<Vec<IssueSummary>> {
    let ctx = Ctx::new(Format::Github, input);
    ctx.check_size(limits)?;
    let doc = parse_document(&ctx, limits)?;
    let items = items(&ctx, &doc)?;
    let source = Source::of(Format::Github, input);
    items
        .into_iter()
        .map(|item| {
            let mut summary = summarise(&ctx, &item)?;
            summary.sources.push(source.clone());
            Ok(summary)
        })
        .collect()
}

/// The items of a document, by the shapes of quality.md 8.13, checked to
/// be issue-like.
fn items<'v, 'a>(ctx: &Ctx<'_>, doc: &'v Value<'a>) -> Result<Vec<Item<'v, 'a>>> {
    let plain = |value: &'v Value<'a>, path: String| Item {
        value,
        path,
        repo: None,
        action: None,
        from_pull_request: false,
    };
    let items = match doc {
        Value::Array(elements) => elements
            .iter()
            .enumerate()
            .map(|(i, element)| plain(element, path_index("$", i)))
            .collect(),
        Value::Object(_)
            if doc.has("total_count") && doc.get("items").and_then(Value::as_array).is_some() =>
        {
            doc.get("items")
                .and_then(Value::as_array)
                .unwrap_or_default()
                .iter()
                .enumerate()
                .map(|(i, element)| plain(element, path_index("$.items", i)))
                .collect()
        }
        Value::Object(_)
            if doc.str_at("type").is_some() && doc.get("payload").is_some_and(Value::is_object) =>
        {
            let payload = doc.get("payload").unwrap_or(&Value::Null);
            let (value, path, from_pull_request) =
                match (payload.get_some("pull_request"), payload.get_some("issue")) {
                    (Some(pr), _) => (pr, "$.payload.pull_request", true),
                    (None, Some(issue)) => (issue, "$.payload.issue", false),
                    (None, None) => {
                        return Err(ctx.wrong_format_path("$.payload", "no pull_request or issue"));
                    }
                };
            vec![Item {
                value,
                path: path.to_owned(),
                repo: doc
                    .get("repo")
                    .and_then(|repo| repo.str_at("name"))
                    .map(str::to_owned),
                action: payload.str_at("action").map(str::to_owned),
                from_pull_request,
            }]
        }
        Value::Object(_)
            if doc.str_at("action").is_some()
                && (doc.get("pull_request").is_some_and(Value::is_object)
                    || doc.get("issue").is_some_and(Value::is_object)) =>
        {
            let pr = doc.get("pull_request").filter(|pr| pr.is_object());
            let (value, path) = match pr {
                Some(pr) => (pr, "$.pull_request"),
                None => (doc.get("issue").unwrap_or(&Value::Null), "$.issue"),
            };
            vec![Item {
                value,
                path: path.to_owned(),
                repo: doc
                    .get("repository")
                    .and_then(|repo| repo.str_at("full_name"))
                    .map(str::to_owned),
                action: doc.str_at("action").map(str::to_owned),
                from_pull_request: pr.is_some(),
            }]
        }
        Value::Object(_) => vec![plain(doc, "$".to_owned())],
        other => return Err(ctx.wrong_format_path("$", other.type_name())),
    };
    for item in &items {
        let value = item.value;
        let issue_like = value.get("number").and_then(Value::as_u64).is_some()
            && value.str_at("title").is_some()
            && value.str_at("state").is_some();
        if !issue_like {
            let found = if value.is_object() {
                "an object that is not an issue"
            } else {
                value.type_name()
            };
            return Err(ctx.wrong_format_path(&item.path, found));
        }
    }
    Ok(items)
}

fn summarise(ctx: &Ctx<'_>, item: &Item<'_, '_>) -> Result<IssueSummary> {
    let v = item.value;
    let text = |key: &str| v.str_at(key).map(str::to_owned);
    let time = |key: &str| -> Result<Option<i64>> {
        match v.get_some(key) {
            None => Ok(None),
            Some(value) => value
                .as_str()
                .and_then(parse_rfc3339)
                .map(Some)
                .ok_or_else(|| {
                    ctx.malformed_path(
                        &format!("{}.{key}", item.path),
                        "bad_timestamp",
                        "not an rfc 3339 time",
                    )
                }),
        }
    };

    let is_pr = item.from_pull_request
        || v.has("pull_request")
        || v.get("head").is_some_and(Value::is_object);
    let repo = item
        .repo
        .clone()
        .or_else(|| v.str_at("repository_url").and_then(repo_of_url))
        .or_else(|| {
            v.get("base")
                .and_then(|base| base.get("repo"))
                .and_then(|repo| repo.str_at("full_name"))
                .map(str::to_owned)
        });
    let merged = is_pr.then(|| {
        matches!(v.get("merged"), Some(Value::Bool(true)))
            || v.get_some("merged_at").is_some()
            || v.get("pull_request")
                .and_then(|pr| pr.get_some("merged_at"))
                .is_some()
    });
    let labels = v
        .get("labels")
        .and_then(Value::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|label| match label {
            Value::String(name) => Some(name.to_string()),
            Value::Object(_) => label.str_at("name").map(str::to_owned),
            _ => None,
        })
        .collect();
    let assignees = match v.get("assignees").and_then(Value::as_array) {
        Some(list) => list.len() as u64,
        None => u64::from(v.get("assignee").is_some_and(Value::is_object)),
    };

    Ok(IssueSummary {
        kind: if is_pr {
            IssueKind::PullRequest
        } else {
            IssueKind::Issue
        },
        repo,
        number: v.get("number").and_then(Value::as_u64).unwrap_or(0),
        title: text("title").unwrap_or_default(),
        state: text("state").unwrap_or_default(),
        state_reason: text("state_reason"),
        draft: matches!(v.get("draft"), Some(Value::Bool(true))),
        locked: matches!(v.get("locked"), Some(Value::Bool(true))),
        merged,
        labels,
        milestone: v
            .get("milestone")
            .and_then(|m| m.str_at("title"))
            .map(str::to_owned),
        assignees,
        author: v
            .get("user")
            .and_then(|user| user.str_at("login"))
            .map(str::to_owned),
        url: text("html_url"),
        action: item.action.clone(),
        created_ms: time("created_at")?,
        closed_ms: time("closed_at")?,
        sources: Vec::new(),
    })
}

/// `owner/name` from `…/repos/{owner}/{name}`.
fn repo_of_url(url: &str) -> Option<String> {
    let at = url.rfind("/repos/")?;
    let mut parts = url[at + "/repos/".len()..].split('/');
    let owner = parts.next().filter(|s| !s.is_empty())?;
    let name = parts.next().filter(|s| !s.is_empty())?;
    Some(format!("{owner}/{name}"))
}

/// Whether a document is one that `github` accepts (for `sniff`).
pub(crate) fn accepts(ctx: &Ctx<'_>, doc: &Value<'_>) -> bool {
    items(ctx, doc).is_ok()
}
