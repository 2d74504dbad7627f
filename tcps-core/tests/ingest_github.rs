//! GitHub issue and pull request ingestion (quality.md 8.13): every
//! corpus file and Q-78 to Q-81.

mod ingest_support;

use ingest_support::{at_path, data, files};
use tcps_core::Error;
use tcps_core::ingest::{self, Format, Input, IssueKind, IssueSummary, Limits};

fn read(file: &str) -> Result<Vec<IssueSummary>, Error> {
    let bytes = data("github", file);
    ingest::github(Input::new(file, &bytes), &Limits::default())
}

fn one(file: &str) -> IssueSummary {
    let mut all = read(file).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(all.len(), 1, "{file}");
    all.remove(0)
}

fn text(json: &str) -> Result<Vec<IssueSummary>, Error> {
    ingest::github(
        Input::new("inline.json", json.as_bytes()),
        &Limits::default(),
    )
}

const PR: IssueKind = IssueKind::PullRequest;
const ISSUE: IssueKind = IssueKind::Issue;

#[test]
fn every_corpus_file_gives_its_items() {
    // kind, number, state, locked, labels, assignees, repo, action
    type Row = (
        &'static str,
        IssueKind,
        u64,
        &'static str,
        bool,
        &'static [&'static str],
        u64,
        &'static str,
        Option<&'static str>,
    );
    let expected: &[Row] = &[
        (
            "XAMPPRocky-octocrab__issues_event.json",
            ISSUE,
            6,
            "open",
            false,
            &[],
            0,
            "wayofthepie/test-events",
            Some("opened"),
        ),
        (
            "XAMPPRocky-octocrab__pull_requests_list.json",
            PR,
            1347,
            "open",
            true,
            &["bug"],
            2,
            "octocat/Hello-World",
            None,
        ),
        (
            "github-codeql-action__pull_request.json",
            PR,
            2,
            "open",
            false,
            &[],
            0,
            "Codertocat/Hello-World",
            Some("opened"),
        ),
        (
            "hub4j-github-api__2-r_h_g_issues_311.json",
            ISSUE,
            311,
            "closed",
            false,
            &[],
            0,
            "hub4j/github-api",
            None,
        ),
        (
            "hub4j-github-api__5-r_h_g_issues_271.json",
            PR,
            271,
            "open",
            false,
            &[],
            1,
            "hub4j-test-org/github-api",
            None,
        ),
        (
            "hub4j-github-api__8-r_h_g_pulls_427.json",
            PR,
            427,
            "open",
            false,
            &[
                "addLabels_label_name_1",
                "addLabels_label_name_2",
                "addLabels_label_name_3",
            ],
            0,
            "hub4j-test-org/github-api",
            None,
        ),
        (
            "hub4j-github-api__8-search_issues.json",
            PR,
            1,
            "open",
            false,
            &["test"],
            0,
            "kgromov/temp-testPullRequestSearch",
            None,
        ),
        (
            "hub4j-github-api__AppTest-testCreateIssue-4-r_h_g_issues.json",
            ISSUE,
            1,
            "open",
            false,
            &["bug", "question"],
            1,
            "hub4j-test-org/github-api-test",
            None,
        ),
        (
            "hub4j-github-api__AppTest-testCreateIssue-6-r_h_g_issues_1.json",
            ISSUE,
            1,
            "open",
            true,
            &["bug", "question"],
            1,
            "hub4j-test-org/github-api-test",
            None,
        ),
        (
            "octokit-webhooks__issues-opened.with-empty-body.payload.json",
            ISSUE,
            1,
            "open",
            false,
            &["bug"],
            1,
            "Codertocat/Hello-World",
            Some("opened"),
        ),
        (
            "octokit-webhooks__pull_request-closed.payload.json",
            PR,
            2,
            "closed",
            false,
            &["bug"],
            1,
            "Codertocat/Hello-World",
            Some("closed"),
        ),
    ];
    for (file, kind, number, state, locked, labels, assignees, repo, action) in expected {
        let s = one(file);
        assert_eq!(
            (s.kind, s.number, s.state.as_str(), s.locked),
            (*kind, *number, *state, *locked),
            "{file}"
        );
        assert_eq!(
            (s.labels.as_slice(), s.assignees),
            (
                labels
                    .iter()
                    .map(|l| (*l).to_owned())
                    .collect::<Vec<_>>()
                    .as_slice(),
                *assignees
            ),
            "{file}"
        );
        assert_eq!(
            (s.repo.as_deref(), s.action.as_deref()),
            (Some(*repo), *action),
            "{file}"
        );
        assert!(s.url.is_some(), "{file}");
        assert_eq!(s.merged.is_some(), *kind == PR, "{file}");
        assert_eq!(
            (s.sources[0].kind, s.sources[0].bytes),
            (Format::Github, data("github", file).len() as u64)
        );
    }
    let mut all: Vec<&str> = expected
        .iter()
        .map(|row| row.0)
        .chain([
            "XAMPPRocky-octocrab__get_pull_request_review_comments.json",
            "hub4j-github-api__24-repositories_617210_issues.json",
        ])
        .collect();
    all.sort_unstable();
    assert_eq!(files("github"), all);
}

#[test]
fn q78_pulls_list() {
    let s = one("XAMPPRocky-octocrab__pull_requests_list.json");

    assert_eq!(
        (s.kind, s.number, s.state.as_str(), s.merged, s.locked),
        (PR, 1347, "open", Some(true), true)
    );
    assert_eq!(
        (s.labels.as_slice(), s.milestone.as_deref(), s.assignees),
        (["bug".to_owned()].as_slice(), Some("v1.0"), 2)
    );
    assert_eq!(
        (s.author.as_deref(), s.repo.as_deref()),
        (Some("octocat"), Some("octocat/Hello-World"))
    );
    assert_eq!(
        s.url.as_deref(),
        Some("https://github.com/octocat/Hello-World/pull/1347")
    );
    assert_eq!(s.title, "Amazing new feature");
}

#[test]
fn q79_webhooks() {
    let closed = one("octokit-webhooks__pull_request-closed.payload.json");
    assert_eq!(
        (
            closed.kind,
            closed.number,
            closed.state.as_str(),
            closed.merged
        ),
        (PR, 2, "closed", Some(false))
    );
    assert_eq!(
        (closed.action.as_deref(), closed.repo.as_deref()),
        (Some("closed"), Some("Codertocat/Hello-World"))
    );
    assert_eq!(
        (closed.labels.as_slice(), closed.assignees),
        (["bug".to_owned()].as_slice(), 1)
    );

    let opened = one("octokit-webhooks__issues-opened.with-empty-body.payload.json");
    assert_eq!(
        (opened.kind, opened.number, opened.action.as_deref()),
        (ISSUE, 1, Some("opened"))
    );
    assert_eq!(
        (opened.labels.as_slice(), opened.milestone.as_deref()),
        (["bug".to_owned()].as_slice(), Some("v1.0"))
    );
}

#[test]
fn q80_arrays_and_events() {
    let list = read("hub4j-github-api__24-repositories_617210_issues.json").unwrap();
    assert_eq!(
        list.iter().map(|s| s.number).collect::<Vec<_>>(),
        [6, 5, 4, 3, 2, 1]
    );
    assert_eq!(
        list.iter().map(|s| s.kind).collect::<Vec<_>>(),
        [PR, ISSUE, ISSUE, PR, PR, PR]
    );
    assert!(
        list.iter()
            .all(|s| s.state == "closed" && s.repo.as_deref() == Some("hub4j/github-api"))
    );

    let event = one("XAMPPRocky-octocrab__issues_event.json");
    assert_eq!(
        (event.kind, event.number, event.action.as_deref()),
        (ISSUE, 6, Some("opened"))
    );
    assert_eq!(event.repo.as_deref(), Some("wayofthepie/test-events"));

    let search = one("hub4j-github-api__8-search_issues.json");
    assert_eq!(
        (search.kind, search.number, search.labels.as_slice()),
        (PR, 1, ["test".to_owned()].as_slice())
    );
}

#[test]
fn q81_review_comments_are_not_issues() {
    let error = read("XAMPPRocky-octocrab__get_pull_request_review_comments.json").unwrap_err();

    assert_eq!(
        at_path(&error),
        (
            "ingest_wrong_format",
            "wrong_format".into(),
            Some("$[0]".into())
        )
    );
}

#[test]
fn item_fields() {
    let json = r#"{"number":9,"title":"t","state":"closed","state_reason":"completed","draft":"yes","locked":true,
        "labels":["plain",{"name":"obj"},3],"assignee":{"login":"a"},"user":{"login":"u"},
        "pull_request":{"merged_at":null},"repository_url":"https://api.github.com/repos/o/r",
        "created_at":"2024-01-01T00:00:00Z","closed_at":null,"html_url":"https://github.com/o/r/pull/9"}"#;

    let s = text(json).unwrap().remove(0);

    assert_eq!(
        (s.kind, s.merged, s.draft, s.locked, s.assignees),
        (PR, Some(false), false, true, 1)
    );
    assert_eq!(s.labels, ["plain", "obj"]);
    assert_eq!(
        (s.repo.as_deref(), s.state_reason.as_deref()),
        (Some("o/r"), Some("completed"))
    );
    assert_eq!((s.created_ms, s.closed_ms), (Some(1_704_067_200_000), None));
    let value = serde_json::to_value(&s).unwrap();
    assert_eq!(value["kind"], "pull_request");
}

#[test]
fn shapes_and_errors() {
    let search = text(r#"{"total_count":2,"items":[{"number":1,"title":"a","state":"open"},{"number":2,"title":"b","state":"open"}]}"#).unwrap();
    assert_eq!(search.len(), 2);

    let event = text(r#"{"type":"PullRequestEvent","repo":{"name":"o/r"},"payload":{"action":"opened","pull_request":{"number":3,"title":"p","state":"open"}}}"#).unwrap();
    assert_eq!(
        (event[0].kind, event[0].repo.as_deref(), event[0].merged),
        (PR, Some("o/r"), Some(false))
    );

    let cases = [
        (r#"{"number":1.5,"title":"a","state":"open"}"#, "$"),
        (
            r#"[{"number":1,"title":"a","state":"open"},{"number":-1,"title":"a","state":"open"}]"#,
            "$[1]",
        ),
        (r#"{"total_count":1,"items":[{"title":"a"}]}"#, "$.items[0]"),
        (r#"{"type":"X","payload":{}}"#, "$.payload"),
        (r#"{"action":"closed","issue":{"number":1}}"#, "$.issue"),
        (r#""text""#, "$"),
    ];
    for (json, path) in cases {
        let error = text(json).unwrap_err();
        assert_eq!(
            at_path(&error),
            (
                "ingest_wrong_format",
                "wrong_format".into(),
                Some(path.to_owned())
            ),
            "{json}"
        );
    }
    let bad_time =
        text(r#"{"number":1,"title":"a","state":"open","created_at":"monday"}"#).unwrap_err();
    assert_eq!(
        at_path(&bad_time),
        (
            "ingest_malformed",
            "bad_timestamp".into(),
            Some("$.created_at".into())
        )
    );
    assert!(text("[]").unwrap().is_empty());
}
