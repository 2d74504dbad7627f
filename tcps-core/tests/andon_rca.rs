//! 5 Whys analyses: andon.md 10, worked examples A-43 to A-48.

mod andon_util;

use andon_util::*;
use tcps_core::andon::{AnalysisStatus, FailureType, Suggestions};
use tcps_core::id::{AnalysisId, AndonId};
use tcps_core::{Error, Line, Value};

const RCA1: AnalysisId = AnalysisId(1);

/// The setup with ANDON-000001 (`test_failure` on SKU-000001) and its
/// analysis RCA-000001 started at t0.
fn started() -> Line {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    line.start_analysis(andon(1), "Login test failed", T0)
        .unwrap();
    line
}

fn finalized() -> Line {
    let mut line = started();
    for n in 1..=5 {
        line.set_why(RCA1, n, &format!("why {n}"), T0).unwrap();
    }
    line.finalize_analysis(
        RCA1,
        "Missing SHACL validation for function export requirements",
        "Add an export shape",
        T0 + 15 * MIN,
    )
    .unwrap();
    line
}

#[test]
fn a43_an_analysis_starts_once_per_andon_with_a_problem() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);

    let unknown = line.start_analysis(AndonId(999_999), "x", T0);
    let empty = line.start_analysis(andon(1), "", T0);
    let started = line.start_analysis(andon(1), "Login test failed", T0);
    let second = line.start_analysis(andon(1), "again", T0);

    assert_eq!(
        unknown,
        Err(Error::NotFound {
            kind: "andon".into(),
            id: "ANDON-999999".into()
        })
    );
    assert_eq!(
        empty,
        Err(Error::MissingField {
            field: "problem".into()
        })
    );
    assert_eq!(started, Ok(RCA1));
    let a = line.analysis(RCA1).unwrap();
    assert_eq!(a.status, AnalysisStatus::Pending);
    assert_eq!(a.andon, andon(1));
    assert_eq!(a.created_at, T0);
    assert_eq!(line.andon(andon(1)).unwrap().analysis, Some(RCA1));
    assert_eq!(
        second,
        Err(Error::AnalysisExists {
            andon: "ANDON-000001".into(),
            analysis: "RCA-000001".into()
        })
    );
    assert_eq!(
        last(&line).body.to_canonical_string(),
        concat!(
            r#"{"analysis":"RCA-000001","andon":"ANDON-000001","#,
            r#""problem":"Login test failed","sku":"SKU-000001"}"#
        )
    );
}

#[test]
fn a44_whys_are_numbered_one_to_five_and_may_be_replaced() {
    let mut line = started();

    let zero = line.set_why(RCA1, 0, "a", T0);
    let six = line.set_why(RCA1, 6, "a", T0);
    let blank = line.set_why(RCA1, 1, " ", T0);
    for n in 1..=3 {
        line.set_why(RCA1, n, "first answer", T0 + MIN).unwrap();
    }
    let status = line.analysis(RCA1).unwrap().status;
    line.set_why(RCA1, 2, "Cache not warmed", T0 + 2 * MIN)
        .unwrap();

    assert_eq!(zero, Err(Error::InvalidWhyNumber { n: 0 }));
    assert_eq!(six, Err(Error::InvalidWhyNumber { n: 6 }));
    assert_eq!(
        blank,
        Err(Error::MissingField {
            field: "why".into()
        })
    );
    assert_eq!(status, AnalysisStatus::InProgress);
    let body = last(&line).body;
    assert_eq!(body.get("replaced"), Some(&Value::Bool(true)));
    assert_eq!(body.get("n"), Some(&Value::Int(2)));
    let a = line.analysis(RCA1).unwrap();
    assert_eq!(a.whys[1].as_deref(), Some("Cache not warmed"));
    assert_eq!(a.updated_at, T0 + 2 * MIN);
}

#[test]
fn a45_finalising_names_the_lowest_empty_why() {
    let mut line = started();
    for n in 1..=3 {
        line.set_why(RCA1, n, "answer", T0).unwrap();
    }
    let mut other = started();
    for n in 2..=5 {
        other.set_why(RCA1, n, "answer", T0).unwrap();
    }

    let early = line.finalize_analysis(RCA1, "cause", "action", T0);
    let no_first = other.finalize_analysis(RCA1, "cause", "action", T0);

    assert_eq!(early, Err(Error::MissingWhy { n: 4 }));
    assert_eq!(no_first, Err(Error::MissingWhy { n: 1 }));
}

#[test]
fn a46_finalising_records_the_root_cause_and_its_suggestions() {
    let line = finalized();

    let a = line.analysis(RCA1).unwrap();

    assert_eq!(a.status, AnalysisStatus::Finalized);
    assert_eq!(a.finalized_at, Some(T0 + 15 * MIN));
    assert_eq!(
        a.suggestions,
        Some(Suggestions {
            shacl: vec![
                "Add a SHACL shape that covers the failing data".into(),
                "Add SHACL shapes that validate the required properties".into()
            ],
            ..Suggestions::default()
        })
    );
    let receipt = last(&line);
    assert_eq!(receipt.kind, "analysis.finalized");
    assert_eq!(receipt.body.get("duration_ms"), Some(&Value::Int(900_000)));
    let whys = receipt
        .body
        .get("whys")
        .and_then(Value::as_array)
        .map(<[Value]>::len);
    assert_eq!(whys, Some(5));
    assert_eq!(line.andon(andon(1)).unwrap().status.as_str(), "open");
    assert_replays(&line);
}

#[test]
fn a47_a_finalised_analysis_is_read_only() {
    let mut open = started();
    for n in 1..=5 {
        open.set_why(RCA1, n, "answer", T0).unwrap();
    }
    let mut line = finalized();

    let empty_cause = open.finalize_analysis(RCA1, "", "action", T0);
    let empty_action = open.finalize_analysis(RCA1, "cause", " ", T0);
    let why = line.set_why(RCA1, 1, "late", T0 + H);
    let again = line.finalize_analysis(RCA1, "cause", "action", T0 + H);

    let read_only = Err(Error::AlreadyFinalized {
        analysis: "RCA-000001".into(),
    });
    assert_eq!(
        empty_cause,
        Err(Error::MissingField {
            field: "root_cause".into()
        })
    );
    assert_eq!(
        empty_action,
        Err(Error::MissingField {
            field: "prevention_action".into()
        })
    );
    assert_eq!(why, read_only);
    assert_eq!(again.map(|_| ()), read_only);
}

#[test]
fn a48_action_items_have_an_owner_a_due_time_and_a_verification() {
    let mut line = finalized();

    let first = line.add_action_item(RCA1, "Add export shape", "alice", T0 + 7 * D, T0 + H);
    let second = line.add_action_item(RCA1, "Add regression test", "bob", T0 + D, T0 + H);
    let verified = line.verify_action_item(RCA1, 1, Some("carol"), T0 + 2 * D);
    let late = last(&line).body.get("late").cloned();
    let twice = line.verify_action_item(RCA1, 1, None, T0 + 2 * D);
    let third = line.verify_action_item(RCA1, 3, None, T0 + 2 * D);
    let overdue = line.overdue_action_items(T0 + 3 * D);

    assert_eq!(first, Ok(1));
    assert_eq!(second, Ok(2));
    assert_eq!(verified, Ok(()));
    assert_eq!(late, Some(Value::Bool(false)));
    let item = &line.analysis(RCA1).unwrap().action_items[0];
    assert_eq!(item.verified_at, Some(T0 + 2 * D));
    assert_eq!(item.verified_by.as_deref(), Some("carol"));
    assert_eq!(
        twice,
        Err(Error::AlreadyVerified {
            analysis: "RCA-000001".into(),
            item: 1
        })
    );
    assert_eq!(
        third,
        Err(Error::NotFound {
            kind: "action_item".into(),
            id: "RCA-000001#3".into()
        })
    );
    let overdue: Vec<(AnalysisId, u32)> =
        overdue.iter().map(|o| (o.analysis, o.item.item)).collect();
    assert_eq!(overdue, [(RCA1, 2)]);
    assert_replays(&line);
}

#[test]
fn action_items_need_a_description_and_an_owner() {
    let mut line = started();

    let no_description = line.add_action_item(RCA1, " ", "alice", T0, T0);
    let no_owner = line.add_action_item(RCA1, "do it", "", T0, T0);
    let unknown = line.add_action_item(AnalysisId(9), "do it", "alice", T0, T0);

    assert_eq!(
        no_description,
        Err(Error::MissingField {
            field: "description".into()
        })
    );
    assert_eq!(
        no_owner,
        Err(Error::MissingField {
            field: "owner".into()
        })
    );
    assert_eq!(
        unknown,
        Err(Error::NotFound {
            kind: "analysis".into(),
            id: "RCA-000009".into()
        })
    );
}

#[test]
fn a_late_verification_is_marked_late() {
    let mut line = started();
    line.add_action_item(RCA1, "do it", "alice", T0 + D, T0)
        .unwrap();

    line.verify_action_item(RCA1, 1, None, T0 + D + 1).unwrap();

    assert_eq!(last(&line).body.get("late"), Some(&Value::Bool(true)));
    assert_eq!(last(&line).body.get("verified_by"), Some(&Value::Null));
}

#[test]
fn an_analysis_may_start_on_a_resolved_andon() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CoverageBelowThreshold, T0);
    line.resolve(andon(1), &resolution(), T0).unwrap();

    let started = line.start_analysis(andon(1), "why did coverage fall", T0);

    assert_eq!(started, Ok(RCA1));
}
