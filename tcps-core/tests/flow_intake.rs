//! flow.md 17.1 and 17.2: routing, intake and dedup (F-01 to F-22).

mod flow_common;

use flow_common::*;
use tcps_core::Error;
use tcps_core::flow::{
    Bucket, Severity, Signal, SignalKind, SignalState, Status, signals_from_github,
    signals_from_osv,
};

fn data(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn routed(line: &tcps_core::Line, signal: &Signal) -> (Bucket, u8) {
    let r = line.route(signal).unwrap();
    (r.bucket, r.priority)
}

#[test]
fn f01_a_cve_without_severity_goes_to_security_at_priority_10() {
    let mut line = line();

    let intake = line
        .intake(&cve("CVE-2026-1234").with_description(), T0)
        .unwrap();

    assert_eq!((intake.work_order, intake.duplicate), (wo(1), false));
    let w = line.work_order(wo(1)).unwrap();
    assert_eq!((w.bucket, w.priority), (Bucket::Security, 10));
    assert_eq!(
        (w.bucket_rule.as_str(), w.priority_rule.as_str()),
        ("kind:cve", "cve_severity:unknown")
    );
    assert_eq!(w.severity, Some(Severity::Unknown));
    assert_eq!(w.status, Status::Queued);
    assert_eq!(
        (w.sla_ms, w.sla_deadline),
        (Some(86_400_000), Some(1_769_508_000_000))
    );
    assert_eq!(w.dedup_keys, vec!["advisory:cve-2026-1234"]);
    assert_eq!(kinds_since(&line, 1), vec!["work_order.created"]);
}

trait Described {
    fn with_description(self) -> Signal;
}

impl Described for Signal {
    fn with_description(mut self) -> Signal {
        self.description = "Heap overflow in parser".into();
        self
    }
}

#[test]
fn f02_cve_severities_map_to_the_cve_priority_table() {
    let line = line();
    let severities = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::None,
        Severity::Unknown,
    ];

    let routes: Vec<(Bucket, u8)> = severities
        .iter()
        .enumerate()
        .map(|(i, s)| routed(&line, &cve(&format!("CVE-{i}")).with_severity(*s)))
        .collect();

    let priorities: Vec<u8> = routes.iter().map(|r| r.1).collect();
    assert_eq!(priorities, vec![10, 9, 8, 8, 8, 10]);
    assert!(routes.iter().all(|r| r.0 == Bucket::Security));
}

#[test]
fn f03_an_osv_record_with_a_cvss_vector_is_critical() {
    let mut line = line();
    let signals = signals_from_osv(&data("osv/google-osv.dev__GHSA-838r-hvwh-24h8.json")).unwrap();

    let id = take(&mut line, &signals[0], T0);

    let w = line.work_order(id).unwrap();
    assert_eq!(w.source, "GHSA-838r-hvwh-24h8");
    assert_eq!(w.description, "XML Injection in Any23");
    assert_eq!(w.score_tenths, Some(91));
    assert_eq!((w.severity, w.priority), (Some(Severity::Critical), 10));
    assert_eq!(
        w.dedup_keys,
        vec!["advisory:ghsa-838r-hvwh-24h8", "advisory:cve-2021-38555"]
    );
}

#[test]
fn f04_osv_severities_come_from_vectors_and_fallbacks() {
    let line = line();
    let read = |file: &str| {
        signals_from_osv(&data(&format!("osv/{file}")))
            .unwrap()
            .remove(0)
    };

    let cve_2018 = read("ossf-osv-schema__CVE-2018-5407.json");
    let rustsec = read("rustsec-advisory-db__RUSTSEC-2016-0001.json");
    let go = read("google-osv-scanner__GO-2023-2382.json");
    let mal = read("ossf-osv-schema__MAL-2024-10238.json");

    assert_eq!(
        (cve_2018.score_tenths, cve_2018.severity),
        (Some(47), Some(Severity::Medium))
    );
    assert_eq!(routed(&line, &cve_2018).1, 8);
    assert!(
        cve_2018
            .description
            .starts_with("Simultaneous Multi-threading (SMT) in processors")
    );
    assert!(!cve_2018.description.contains('\n'));
    assert_eq!(
        (rustsec.score_tenths, rustsec.severity),
        (Some(81), Some(Severity::High))
    );
    assert_eq!(routed(&line, &rustsec).1, 9);
    assert_eq!(
        (go.score_tenths, go.severity),
        (None, Some(Severity::Unknown))
    );
    assert_eq!(routed(&line, &go).1, 10);
    assert_eq!(
        (mal.score_tenths, mal.severity),
        (None, Some(Severity::Critical))
    );
    assert_eq!(routed(&line, &mal).1, 10);
    assert_eq!(mal.description, "Malicious code in 123bla (PyPI)");
}

#[test]
fn f05_a_withdrawn_advisory_is_rejected_without_a_trace() {
    let mut line = line();
    let signals = signals_from_osv(&data("osv/ossf-osv-schema__withdrawn.osv.json")).unwrap();

    let result = line.intake(&signals[0], T0);

    assert_eq!(
        result,
        Err(Error::SignalRejected {
            reason: "advisory_withdrawn".into(),
            signal_source: "GHSA-35c4-f3rq-f9g3".into(),
        })
    );
    assert_eq!(line.len(), 1);
}

#[test]
fn f06_a_bug_with_a_high_label_goes_to_reliability_at_7() {
    let line = line();

    let r = line.route(&issue("https://x/1", &["bug", "high"])).unwrap();

    assert_eq!((r.bucket, r.priority), (Bucket::Reliability, 7));
    assert_eq!(
        (r.bucket_rule.as_str(), r.priority_rule.as_str()),
        ("label:bug", "severity_label:high")
    );
}

#[test]
fn f07_bucket_precedence_decides_between_labels() {
    let line = line();
    let cases: [(&[&str], Bucket, u8); 8] = [
        (&["bug", "security"], Bucket::Security, 8),
        (&["compliance", "bug"], Bucket::Reliability, 6),
        (&["refactor", "compliance"], Bucket::Compliance, 6),
        (&["performance", "refactor"], Bucket::TechnicalDebt, 3),
        (&["performance"], Bucket::Cost, 5),
        (&["enhancement"], Bucket::Features, 4),
        (&["question"], Bucket::Features, 4),
        (&[], Bucket::Features, 4),
    ];

    for (labels, bucket, priority) in cases {
        assert_eq!(
            routed(&line, &issue("u", labels)),
            (bucket, priority),
            "{labels:?}"
        );
    }
}

#[test]
fn f08_labels_are_trimmed_and_lower_cased() {
    let line = line();

    let got = [
        routed(&line, &issue("u", &["Tech-Debt"])),
        routed(&line, &issue("u", &[" Vulnerability ", "LOW"])),
        routed(&line, &issue("u", &["DEFECT"])),
        routed(&line, &issue("u", &["technical-debt", "Critical"])),
    ];

    assert_eq!(
        got,
        [
            (Bucket::TechnicalDebt, 3),
            (Bucket::Security, 3),
            (Bucket::Reliability, 6),
            (Bucket::TechnicalDebt, 9)
        ]
    );
}

#[test]
fn f09_the_highest_severity_label_wins() {
    let line = line();

    let got: Vec<(Bucket, u8)> = [
        &["critical", "high"][..],
        &["high", "medium"],
        &["MEDIUM"],
        &["low"],
    ]
    .iter()
    .map(|labels| routed(&line, &issue("u", labels)))
    .collect();

    assert_eq!(
        got,
        vec![
            (Bucket::Features, 9),
            (Bucket::Features, 7),
            (Bucket::Features, 5),
            (Bucket::Features, 3)
        ]
    );
}

#[test]
fn f10_pull_requests_use_the_label_rules() {
    let line = line();
    let pr = Signal::new(SignalKind::GithubPr, "u", "pr").with_labels(["bug", "critical"]);

    assert_eq!(routed(&line, &pr), (Bucket::Reliability, 9));
}

#[test]
fn f11_a_github_issue_from_the_corpus_is_taken_in() {
    let mut line = line();
    let signals = signals_from_github(&data(
        "github/hub4j-github-api__AppTest-testCreateIssue-4-r_h_g_issues.json",
    ))
    .unwrap();

    let id = take(&mut line, &signals[0], T0);

    let w = line.work_order(id).unwrap();
    assert_eq!(w.kind, SignalKind::GithubIssue);
    assert_eq!(
        w.source,
        "https://github.com/hub4j-test-org/github-api-test/issues/1"
    );
    assert_eq!(w.description, "testing");
    assert_eq!(w.labels, vec!["bug", "question"]);
    assert_eq!(
        (w.bucket, w.priority, w.priority_rule.as_str()),
        (Bucket::Reliability, 6, "bucket_default")
    );
}

#[test]
fn f12_closed_issues_and_pull_requests_are_rejected() {
    let mut line = line();
    let issue =
        signals_from_github(&data("github/hub4j-github-api__2-r_h_g_issues_311.json")).unwrap();
    let pr = signals_from_github(&data(
        "github/octokit-webhooks__pull_request-closed.payload.json",
    ))
    .unwrap();

    let results = (line.intake(&issue[0], T0), line.intake(&pr[0], T0));

    assert_eq!(
        results,
        (
            Err(Error::SignalRejected {
                reason: "issue_closed".into(),
                signal_source: "https://github.com/hub4j/github-api/issues/311".into(),
            }),
            Err(Error::SignalRejected {
                reason: "pull_request_closed".into(),
                signal_source: "https://github.com/Codertocat/Hello-World/pull/2".into(),
            })
        )
    );
    assert_eq!(line.len(), 1);
}

#[test]
fn f13_marketplace_events_route_by_kind() {
    let mut line = line();
    let refund = Signal::new(SignalKind::MarketplaceRefund, "refund:evt-1", "refund");
    let install = Signal::new(SignalKind::MarketplaceInstall, "install:evt-2", "install");

    let (r, i) = (take(&mut line, &refund, T0), take(&mut line, &install, T0));

    let r = line.work_order(r).unwrap();
    let i = line.work_order(i).unwrap();
    assert_eq!(
        (r.bucket, r.priority, r.bucket_rule.as_str()),
        (Bucket::Reliability, 8, "kind:marketplace_refund")
    );
    assert_eq!((i.bucket, i.priority), (Bucket::Features, 4));
    assert_eq!(
        (r.sla_deadline, i.sla_deadline),
        (Some(T0 + 168 * H), Some(T0 + 720 * H))
    );
}

#[test]
fn f14_internal_requests_route_by_metadata() {
    let line = line();
    let req = |pairs: &[(&str, &str)]| {
        pairs.iter().fold(
            Signal::new(SignalKind::InternalRequest, "r", "req"),
            |s, (k, v)| s.with_metadata(*k, *v),
        )
    };

    let empty = line.route(&req(&[])).unwrap();

    assert_eq!(
        routed(&line, &req(&[("bucket", "compliance")])),
        (Bucket::Compliance, 6)
    );
    assert_eq!(
        routed(&line, &req(&[("bucket", " Security "), ("priority", "7")])),
        (Bucket::Security, 7)
    );
    assert_eq!((empty.bucket, empty.priority), (Bucket::Features, 4));
    assert_eq!(
        (empty.bucket_rule.as_str(), empty.priority_rule.as_str()),
        ("default", "bucket_default")
    );
    assert_eq!(
        line.route(&req(&[("bucket", "foo")])),
        Err(Error::InvalidBucket {
            value: "foo".into()
        })
    );
    assert_eq!(
        line.route(&req(&[("bucket", "cost"), ("priority", "11")])),
        Err(Error::InvalidPriority { value: "11".into() })
    );
}

#[test]
fn f15_a_blank_description_is_missing() {
    let mut line = line();
    let mut s = cve("CVE-1");
    s.description = "   ".into();

    assert_eq!(
        line.intake(&s, T0),
        Err(Error::MissingField {
            field: "description".into()
        })
    );
    assert_eq!(line.len(), 1);
}

#[test]
fn f16_a_custom_alias_routes_its_label() {
    let line = line_with(|v| {
        *at(v, "routing.label_aliases.sec") = "security".into();
    });

    let r = line.route(&issue("u", &["SEC"])).unwrap();

    assert_eq!(
        (r.bucket, r.priority, r.bucket_rule.as_str()),
        (Bucket::Security, 8, "label:sec")
    );
}

#[test]
fn f17_signals_are_ranked_by_priority_then_input_order() {
    let line = line();
    let signals = [
        issue("s1", &["enhancement"]),
        cve("s2"),
        issue("s3", &["bug", "high"]),
        issue("s4", &["refactor"]),
        issue("s5", &["feature"]),
    ];

    assert_eq!(line.prioritize(&signals).unwrap(), vec![1, 2, 0, 4, 3]);
}

#[test]
fn f18_the_same_advisory_twice_is_one_work_order_with_two_demands() {
    let mut line = line();
    take(&mut line, &cve("CVE-2026-1234"), T0);

    let intake = line.intake(&cve("cve-2026-1234"), T0 + H).unwrap();

    assert_eq!((intake.work_order, intake.duplicate), (wo(1), true));
    assert_eq!(line.work_order(wo(1)).unwrap().demand_count, 2);
    assert!(line.work_order(wo(2)).is_err());
    assert_eq!(kinds_since(&line, 2), vec!["demand.received"]);
    assert_eq!(
        member(&last(&line), "matched_key"),
        "\"advisory:cve-2026-1234\""
    );
}

#[test]
fn f19_an_alias_matches_the_advisory_it_names() {
    let mut line = line();
    let signals = signals_from_osv(&data("osv/google-osv.dev__GHSA-838r-hvwh-24h8.json")).unwrap();
    take(&mut line, &signals[0], T0);

    let intake = line.intake(&cve("CVE-2021-38555"), T0).unwrap();

    assert_eq!((intake.work_order, intake.duplicate), (wo(1), true));
    assert_eq!(
        member(&last(&line), "matched_key"),
        "\"advisory:cve-2021-38555\""
    );
}

#[test]
fn f20_issue_urls_match_whatever_their_case() {
    let mut line = line();
    take(
        &mut line,
        &issue("https://github.com/o/r/issues/7", &[]),
        T0,
    );

    let intake = line
        .intake(&issue("https://GitHub.com/o/r/issues/7 ", &[]), T0)
        .unwrap();

    assert_eq!((intake.work_order, intake.duplicate), (wo(1), true));
}

#[test]
fn f21_a_completed_work_order_takes_no_more_demand() {
    let mut line = quick_line();
    take(&mut line, &cve("CVE-2026-1234"), T0);
    finish(&mut line, wo(1), T0);

    let intake = line.intake(&cve("CVE-2026-1234"), T0).unwrap();

    assert_eq!((intake.work_order, intake.duplicate), (wo(2), false));
}

#[test]
fn f22_an_explicit_key_replaces_the_default_keys() {
    let mut line = line();
    let a = Signal::new(SignalKind::MarketplaceInstall, "a", "install").with_dedup_key("plan-pro");
    let b = Signal::new(SignalKind::MarketplaceInstall, "b", "install").with_dedup_key("plan-pro");

    let first = line.intake(&a, T0).unwrap();
    let second = line.intake(&b, T0).unwrap();

    assert_eq!((first.work_order, first.duplicate), (wo(1), false));
    assert_eq!((second.work_order, second.duplicate), (wo(1), true));
}

#[test]
fn a_duplicate_takes_the_lowest_open_id_and_adds_its_keys() {
    let mut line = line();
    take(&mut line, &cve("A"), T0);
    take(&mut line, &cve("B"), T0);

    let intake = line.intake(&cve("B").with_aliases(["A", "C"]), T0).unwrap();

    assert_eq!(intake.work_order, wo(1));
    assert_eq!(
        line.work_order(wo(1)).unwrap().dedup_keys,
        vec!["advisory:a", "advisory:b", "advisory:c"]
    );
    assert_eq!(member(&last(&line), "matched_key"), "\"advisory:a\"");
    assert_replays(&line);
}

#[test]
fn a_score_above_100_and_closed_issues_are_refused_in_check_order() {
    let mut line = line();
    let mut s = issue("u", &[])
        .with_state(SignalState::Closed)
        .with_score_tenths(101);

    let first = line.intake(&s, T0);
    s.score_tenths = Some(100);
    let second = line.intake(&s, T0);

    assert_eq!(
        first,
        Err(Error::InvalidField {
            field: "score_tenths".into(),
            reason: "above 100".into()
        })
    );
    assert!(matches!(second, Err(Error::SignalRejected { .. })));
}
