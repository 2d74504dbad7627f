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

/// Every field of one item: MANIFEST.md's facts, quality.md 8.13 for
/// repo and merged, title, url and times read from the file.
struct Item {
    file: &'static str,
    kind: IssueKind,
    number: u64,
    title: &'static str,
    state: &'static str,
    draft: bool,
    locked: bool,
    merged: Option<bool>,
    labels: &'static [&'static str],
    milestone: Option<&'static str>,
    assignees: u64,
    author: &'static str,
    repo: &'static str,
    action: Option<&'static str>,
    url: &'static str,
    created_ms: i64,
    closed_ms: Option<i64>,
}

impl Item {
    fn check(&self, s: &IssueSummary) {
        let file = self.file;
        assert_eq!(
            (s.kind, s.number, s.title.as_str(), s.state.as_str()),
            (self.kind, self.number, self.title, self.state),
            "{file}"
        );
        assert_eq!(
            (s.state_reason.as_deref(), s.draft, s.locked, s.merged),
            (None, self.draft, self.locked, self.merged),
            "{file}"
        );
        assert_eq!(s.labels, self.labels, "{file}");
        assert_eq!(
            (s.milestone.as_deref(), s.assignees, s.author.as_deref()),
            (self.milestone, self.assignees, Some(self.author)),
            "{file}"
        );
        assert_eq!(
            (s.repo.as_deref(), s.action.as_deref(), s.url.as_deref()),
            (Some(self.repo), self.action, Some(self.url)),
            "{file}"
        );
        assert_eq!(
            (s.created_ms, s.closed_ms),
            (Some(self.created_ms), self.closed_ms),
            "{file}"
        );
        assert_eq!(
            (s.sources[0].kind, s.sources[0].bytes),
            (Format::Github, data("github", file).len() as u64),
            "{file}"
        );
    }
}

const ITEMS: &[Item] = &[
    Item {
        file: "XAMPPRocky-octocrab__issues_event.json",
        kind: ISSUE,
        number: 6,
        title: "Test",
        state: "open",
        draft: false,
        locked: false,
        merged: None,
        labels: &[],
        milestone: None,
        assignees: 0,
        author: "wayofthepie",
        repo: "wayofthepie/test-events",
        action: Some("opened"),
        url: "https://github.com/wayofthepie/test-events/issues/6",
        created_ms: 1_610_703_234_000,
        closed_ms: None,
    },
    Item {
        file: "XAMPPRocky-octocrab__pull_requests_list.json",
        kind: PR,
        number: 1347,
        title: "Amazing new feature",
        state: "open",
        draft: false,
        locked: true,
        merged: Some(true),
        labels: &["bug"],
        milestone: Some("v1.0"),
        assignees: 2,
        author: "octocat",
        repo: "octocat/Hello-World",
        action: None,
        url: "https://github.com/octocat/Hello-World/pull/1347",
        created_ms: 1_296_068_472_000,
        closed_ms: Some(1_296_068_472_000),
    },
    Item {
        file: "github-codeql-action__pull_request.json",
        kind: PR,
        number: 2,
        title: "Update the README with new information.",
        state: "open",
        draft: false,
        locked: false,
        merged: Some(false),
        labels: &[],
        milestone: None,
        assignees: 0,
        author: "Codertocat",
        repo: "Codertocat/Hello-World",
        action: Some("opened"),
        url: "https://github.com/Codertocat/Hello-World/pull/2",
        created_ms: 1_557_933_633_000,
        closed_ms: None,
    },
    Item {
        file: "hub4j-github-api__2-r_h_g_issues_311.json",
        kind: ISSUE,
        number: 311,
        title: "Testing reaction",
        state: "closed",
        draft: false,
        locked: false,
        merged: None,
        labels: &[],
        milestone: None,
        assignees: 0,
        author: "kohsuke",
        repo: "hub4j/github-api",
        action: None,
        url: "https://github.com/hub4j/github-api/issues/311",
        created_ms: 1_479_350_408_000,
        closed_ms: Some(1_479_350_411_000),
    },
    Item {
        file: "hub4j-github-api__5-r_h_g_issues_271.json",
        kind: PR,
        number: 271,
        title: "setAssignee",
        state: "open",
        draft: false,
        locked: false,
        merged: Some(false),
        labels: &[],
        milestone: None,
        assignees: 1,
        author: "bitwiseman",
        repo: "hub4j-test-org/github-api",
        action: None,
        url: "https://github.com/hub4j-test-org/github-api/pull/271",
        created_ms: 1_567_927_504_000,
        closed_ms: None,
    },
    Item {
        file: "hub4j-github-api__8-r_h_g_pulls_427.json",
        kind: PR,
        number: 427,
        title: "addLabels",
        state: "open",
        draft: false,
        locked: false,
        merged: Some(false),
        labels: &[
            "addLabels_label_name_1",
            "addLabels_label_name_2",
            "addLabels_label_name_3",
        ],
        milestone: None,
        assignees: 0,
        author: "bitwiseman",
        repo: "hub4j-test-org/github-api",
        action: None,
        url: "https://github.com/hub4j-test-org/github-api/pull/427",
        created_ms: 1_615_600_438_000,
        closed_ms: None,
    },
    Item {
        file: "hub4j-github-api__8-search_issues.json",
        kind: PR,
        number: 1,
        title: "New PR",
        state: "open",
        draft: false,
        locked: false,
        merged: Some(false),
        labels: &["test"],
        milestone: None,
        assignees: 0,
        author: "kgromov",
        repo: "kgromov/temp-testPullRequestSearch",
        action: None,
        url: "https://github.com/kgromov/temp-testPullRequestSearch/pull/1",
        created_ms: 1_694_554_605_000,
        closed_ms: None,
    },
    Item {
        file: "hub4j-github-api__AppTest-testCreateIssue-4-r_h_g_issues.json",
        kind: ISSUE,
        number: 1,
        title: "testing",
        state: "open",
        draft: false,
        locked: false,
        merged: None,
        labels: &["bug", "question"],
        milestone: Some("Test Milestone Title3"),
        assignees: 1,
        author: "bitwiseman",
        repo: "hub4j-test-org/github-api-test",
        action: None,
        url: "https://github.com/hub4j-test-org/github-api-test/issues/1",
        created_ms: 1_631_345_558_000,
        closed_ms: None,
    },
    Item {
        file: "hub4j-github-api__AppTest-testCreateIssue-6-r_h_g_issues_1.json",
        kind: ISSUE,
        number: 1,
        title: "testing",
        state: "open",
        draft: false,
        locked: true,
        merged: None,
        labels: &["bug", "question"],
        milestone: Some("Test Milestone Title3"),
        assignees: 1,
        author: "bitwiseman",
        repo: "hub4j-test-org/github-api-test",
        action: None,
        url: "https://github.com/hub4j-test-org/github-api-test/issues/1",
        created_ms: 1_631_345_558_000,
        closed_ms: None,
    },
    Item {
        file: "octokit-webhooks__issues-opened.with-empty-body.payload.json",
        kind: ISSUE,
        number: 1,
        title: "Spelling error in the README file",
        state: "open",
        draft: false,
        locked: false,
        merged: None,
        labels: &["bug"],
        milestone: Some("v1.0"),
        assignees: 1,
        author: "Codertocat",
        repo: "Codertocat/Hello-World",
        action: Some("opened"),
        url: "https://github.com/Codertocat/Hello-World/issues/1",
        created_ms: 1_557_933_618_000,
        closed_ms: None,
    },
    Item {
        file: "octokit-webhooks__pull_request-closed.payload.json",
        kind: PR,
        number: 2,
        title: "Update the README with new information.",
        state: "closed",
        draft: false,
        locked: false,
        merged: Some(false),
        labels: &["bug"],
        milestone: None,
        assignees: 1,
        author: "Codertocat",
        repo: "Codertocat/Hello-World",
        action: Some("closed"),
        url: "https://github.com/Codertocat/Hello-World/pull/2",
        created_ms: 1_557_933_633_000,
        closed_ms: Some(1_557_933_678_000),
    },
];

#[test]
fn every_corpus_file_gives_its_items() {
    for item in ITEMS {
        item.check(&one(item.file));
    }

    let mut all: Vec<&str> = ITEMS
        .iter()
        .map(|item| item.file)
        .chain([
            "XAMPPRocky-octocrab__get_pull_request_review_comments.json",
            "hub4j-github-api__24-repositories_617210_issues.json",
        ])
        .collect();
    all.sort_unstable();
    assert_eq!(files("github"), all);
}

#[test]
fn every_item_of_the_issue_list_gives_its_fields() {
    const FILE: &str = "hub4j-github-api__24-repositories_617210_issues.json";
    // number, kind, title, author, url, created, closed; the rest is
    // shared: closed, unlocked, not merged, no labels, milestone or
    // assignee.
    let rows = [
        (
            6,
            PR,
            "milestone api via v3",
            "YusukeKokubo",
            "https://github.com/hub4j/github-api/pull/6",
            1_326_433_148_000,
            1_331_239_819_000,
        ),
        (
            5,
            ISSUE,
            "error on getRepositories()",
            "YusukeKokubo",
            "https://github.com/hub4j/github-api/issues/5",
            1_326_101_997_000,
            1_326_162_102_000,
        ),
        (
            4,
            ISSUE,
            "Link to Javadoc incorrect at http://github-api.kohsuke.org/",
            "andrewrjones",
            "https://github.com/hub4j/github-api/issues/4",
            1_325_759_121_000,
            1_334_163_891_000,
        ),
        (
            3,
            PR,
            "Fix for finding private repos on organizations",
            "jkrall",
            "https://github.com/hub4j/github-api/pull/3",
            1_325_555_546_000,
            1_325_617_951_000,
        ),
        (
            2,
            PR,
            "expose issue_updated_at. It looks like a better representation of update ",
            "lacostej",
            "https://github.com/hub4j/github-api/pull/2",
            1_315_308_104_000,
            1_315_340_910_000,
        ),
        (
            1,
            PR,
            "Add support for oauth token and a way to see my organizations",
            "mocleiri",
            "https://github.com/hub4j/github-api/pull/1",
            1_310_332_593_000,
            1_310_408_433_000,
        ),
    ];

    let list = read(FILE).unwrap();

    assert_eq!(list.len(), rows.len());
    for (s, (number, kind, title, author, url, created_ms, closed_ms)) in list.iter().zip(rows) {
        let item = Item {
            file: FILE,
            kind,
            number,
            title,
            state: "closed",
            draft: false,
            locked: false,
            merged: (kind == PR).then_some(false),
            labels: &[],
            milestone: None,
            assignees: 0,
            author,
            repo: "hub4j/github-api",
            action: None,
            url,
            created_ms,
            closed_ms: Some(closed_ms),
        };
        item.check(s);
    }
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
