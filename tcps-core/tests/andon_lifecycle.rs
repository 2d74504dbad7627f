//! Acknowledge, resolve, escalate: andon.md 7, worked examples A-27 to
//! A-37.

mod andon_util;

use andon_util::*;
use tcps_core::andon::{
    AndonFilter, AndonStatus, Due, EscalationReason, FailureType, Resolution, Severity, Subject,
};
use tcps_core::{Error, Value};

fn due(n: u64, severity: Severity, reason: EscalationReason, due_at: i64, overdue_ms: i64) -> Due {
    Due {
        andon: andon(n),
        severity,
        level: reason.level(),
        reason,
        due_at,
        overdue_ms,
    }
}

#[test]
fn a27_acknowledging_records_who_when_and_the_note_once() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    raise_on_sku1(&mut line, FailureType::CompilationFailure, T0);

    let acked = line.acknowledge(andon(1), "alice", Some("on it"), T0 + 10 * MIN);
    let receipt = last(&line);
    let again = line.acknowledge(andon(1), "alice", None, T0 + 11 * MIN);
    let nobody = line.acknowledge(andon(2), "", None, T0 + 11 * MIN);

    assert_eq!(acked, Ok(()));
    let a = line.andon(andon(1)).unwrap();
    assert_eq!(a.status, AndonStatus::Acknowledged);
    assert_eq!(a.acknowledged_at, Some(T0 + 10 * MIN));
    assert_eq!(a.acknowledged_by.as_deref(), Some("alice"));
    assert_eq!(a.ack_note.as_deref(), Some("on it"));
    assert_eq!(receipt.kind, "andon.acknowledged");
    assert_eq!(
        receipt.body.to_canonical_string(),
        r#"{"ack_ms":600000,"andon":"ANDON-000001","by":"alice","note":"on it","sku":"SKU-000001"}"#
    );
    assert_eq!(
        again,
        Err(Error::InvalidTransition {
            from: "acknowledged".into(),
            op: "acknowledge".into()
        })
    );
    assert_eq!(nobody, Err(Error::MissingField { field: "by".into() }));
}

#[test]
fn a28_a_resolution_needs_all_three_texts_in_order() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CoverageBelowThreshold, T0);
    let before = line.len();

    let no_cause = line.resolve(andon(1), &Resolution::new("", "x", "y"), T0);
    let blank_fix = line.resolve(andon(1), &Resolution::new("cause", "   ", "y"), T0);
    let no_prevention = line.resolve(andon(1), &Resolution::new("cause", "fix", ""), T0);

    let missing = |field: &str| {
        Err(Error::MissingField {
            field: field.into(),
        })
    };
    assert_eq!(no_cause, missing("root_cause"));
    assert_eq!(blank_fix, missing("fix_applied"));
    assert_eq!(no_prevention, missing("prevention_added"));
    assert_eq!(line.len(), before);
}

#[test]
fn a29_resolving_an_open_andon_acknowledges_it_at_the_same_instant() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CoverageBelowThreshold, T0);
    let mut r = resolution();
    r.resolver = Some("bob".into());

    let resolved = line.resolve(andon(1), &r, T0 + 2 * H);

    assert_eq!(resolved, Ok(()));
    let a = line.andon(andon(1)).unwrap();
    assert_eq!(a.status, AndonStatus::Resolved);
    assert_eq!(a.resolved_at, Some(T0 + 2 * H));
    assert_eq!(a.acknowledged_at, Some(T0 + 2 * H));
    assert_eq!(a.acknowledged_by.as_deref(), Some("bob"));
    assert_eq!(a.resolver.as_deref(), Some("bob"));
    let body = last(&line).body;
    assert_eq!(body.get("implicit_ack"), Some(&Value::Bool(true)));
    assert_eq!(body.get("open_ms"), Some(&Value::Int(7_200_000)));
    assert_eq!(body.get("analysis"), Some(&Value::Null));
    assert_replays(&line);
}

#[test]
fn a30_a_resolved_andon_cannot_be_resolved_again() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CoverageBelowThreshold, T0);
    line.resolve(andon(1), &resolution(), T0).unwrap();

    let again = line.resolve(andon(1), &resolution(), T0);

    assert_eq!(
        again,
        Err(Error::InvalidTransition {
            from: "resolved".into(),
            op: "resolve".into()
        })
    );
}

#[test]
fn a31_a_critical_andon_needs_a_finalised_analysis() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CompilationFailure, T0);
    let required = Err(Error::RcaRequired {
        andon: "ANDON-000001".into(),
    });

    let without = line.resolve(andon(1), &resolution(), T0);
    let rca = line.start_analysis(andon(1), "compile broke", T0).unwrap();
    let pending = line.resolve(andon(1), &resolution(), T0);
    for n in 1..=5 {
        line.set_why(rca, n, "because", T0).unwrap();
    }
    line.finalize_analysis(rca, "missing check", "add the check", T0)
        .unwrap();
    let finalized = line.resolve(andon(1), &resolution(), T0);

    assert_eq!(without, required);
    assert_eq!(pending, required);
    assert_eq!(finalized, Ok(()));
    assert_eq!(
        last(&line).body.get("analysis"),
        Some(&Value::from("RCA-000001"))
    );
    assert_replays(&line);
}

#[test]
fn a32_other_severities_resolve_without_an_analysis() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CoverageBelowThreshold, T0);
    raise_on_sku1(&mut line, FailureType::CompilationFailure, T0);
    line.resolve(andon(1), &resolution(), T0).unwrap();
    let medium = last(&line);
    let mut config = line.config().clone();
    config.andon.require_rca.clear();
    line.change_config(config, "no analyses", T0).unwrap();

    let critical = line.resolve(andon(2), &resolution(), T0);

    assert_eq!(critical, Ok(()));
    assert_eq!(medium.body.get("analysis"), Some(&Value::Null));
    assert_eq!(last(&line).body.get("analysis"), Some(&Value::Null));
}

#[test]
fn an_analysis_in_progress_is_not_named_at_resolution() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CoverageBelowThreshold, T0);
    line.start_analysis(andon(1), "coverage fell", T0).unwrap();

    line.resolve(andon(1), &resolution(), T0).unwrap();

    assert_eq!(last(&line).body.get("analysis"), Some(&Value::Null));
    assert_eq!(line.andon(andon(1)).unwrap().analysis.map(|a| a.0), Some(1));
}

#[test]
fn a33_escalations_fall_due_at_the_limits_of_the_severity() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CompilationFailure, T0);

    let before = line.escalations_due(T0 + 15 * MIN - 1);
    let ack = line.escalations_due(T0 + 15 * MIN);
    let resolve = line.escalations_due(T0 + 4 * H);

    assert_eq!(before, []);
    let critical = Severity::Critical;
    assert_eq!(
        ack,
        [due(
            1,
            critical,
            EscalationReason::AckOverdue,
            T0 + 15 * MIN,
            0
        )]
    );
    assert_eq!(
        resolve,
        [due(
            1,
            critical,
            EscalationReason::ResolveOverdue,
            1_769_436_000_000,
            0
        )]
    );
}

#[test]
fn a34_escalating_records_the_level_and_makes_it_no_longer_due() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CompilationFailure, T0);

    let first = line.escalate(andon(1), 1, T0 + 20 * MIN);
    let receipt = last(&line);
    let dues = line.escalations_due(T0 + 30 * MIN);
    let again = line.escalate(andon(1), 1, T0 + 30 * MIN);
    let early = line.escalate(andon(1), 2, T0 + 30 * MIN);
    let second = line.escalate(andon(1), 2, T0 + 4 * H);

    assert_eq!(first, Ok(()));
    assert_eq!(
        receipt.body.to_canonical_string(),
        concat!(
            r#"{"andon":"ANDON-000001","due_at":1769422500000,"level":1,"#,
            r#""overdue_ms":300000,"reason":"ack_overdue","severity":"critical","#,
            r#""sku":"SKU-000001"}"#
        )
    );
    assert_eq!(dues, []);
    let not_due = |level| {
        Err(Error::EscalationNotDue {
            andon: "ANDON-000001".into(),
            level,
        })
    };
    assert_eq!(again, not_due(1));
    assert_eq!(early, not_due(2));
    assert_eq!(second, Ok(()));
    let a = line.andon(andon(1)).unwrap();
    assert_eq!(a.escalation_level, 2);
    assert_eq!(a.escalated_at, Some(T0 + 4 * H));
    assert_replays(&line);
}

#[test]
fn escalating_to_level_one_while_level_two_is_reached_records_ack_overdue() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CompilationFailure, T0);

    line.escalate(andon(1), 1, T0 + 5 * H).unwrap();

    let body = last(&line).body;
    assert_eq!(body.get("reason"), Some(&Value::from("ack_overdue")));
    assert_eq!(body.get("due_at"), Some(&Value::Int(T0 + 15 * MIN)));
    let dues = line.escalations_due(T0 + 5 * H);
    assert_eq!(dues.len(), 1);
    assert_eq!(dues[0].level, 2);
}

#[test]
fn a35_an_andon_acknowledged_in_time_escalates_only_for_resolution() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    line.acknowledge(andon(1), "alice", None, T0 + 30 * MIN)
        .unwrap();

    let in_time = line.escalations_due(T0 + 2 * H);
    let late = line.escalations_due(T0 + 24 * H);

    assert_eq!(in_time, []);
    assert_eq!(
        late,
        [due(
            1,
            Severity::High,
            EscalationReason::ResolveOverdue,
            T0 + 24 * H,
            0
        )]
    );
}

#[test]
fn a36_escalation_guards() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CoverageBelowThreshold, T0);
    raise_on_sku1(&mut line, FailureType::PerformanceRegression, T0);
    line.resolve(andon(1), &resolution(), T0).unwrap();

    let resolved = line.escalate(andon(1), 1, T0 + 30 * D);
    let level3 = line.escalate(andon(2), 3, T0 + 30 * D);

    assert_eq!(
        resolved,
        Err(Error::InvalidTransition {
            from: "resolved".into(),
            op: "escalate".into()
        })
    );
    assert_eq!(
        level3,
        Err(Error::InvalidField {
            field: "level".into(),
            reason: "must be 1 or 2".into()
        })
    );
    assert!(matches!(
        line.escalate(andon(9), 1, T0 + 30 * D),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn a37_dues_are_ordered_by_due_time() {
    let mut line = setup();
    raise_manual(&mut line, Subject::Sku(SKU1), Severity::Low, T0);
    raise_on_sku1(&mut line, FailureType::CompilationFailure, T0 + H);

    let dues = line.escalations_due(T0 + D);

    assert_eq!(
        dues,
        [
            due(
                2,
                Severity::Critical,
                EscalationReason::ResolveOverdue,
                T0 + 5 * H,
                19 * H
            ),
            due(
                1,
                Severity::Low,
                EscalationReason::AckOverdue,
                T0 + 24 * H,
                0
            ),
        ]
    );
}

#[test]
fn a_severity_raised_by_a_repeat_shortens_the_limits() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CoverageBelowThreshold, T0);
    let mut r = request(Subject::Sku(SKU1), FailureType::CoverageBelowThreshold);
    r.severity = Some(Severity::Critical);
    line.raise(r, T0).unwrap();

    let dues = line.escalations_due(T0 + 15 * MIN);

    assert_eq!(dues[0].severity, Severity::Critical);
    assert_eq!(dues[0].due_at, T0 + 15 * MIN);
}

#[test]
fn lookups_filter_and_order_andons() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CoverageBelowThreshold, T0);
    raise_manual(&mut line, Subject::WorkOrder(WO2), Severity::Low, T0 + MIN);
    raise_on_sku1(&mut line, FailureType::TestFailure, T0 + 2 * MIN);
    line.resolve(andon(1), &resolution(), T0 + 3 * MIN).unwrap();

    let open = AndonFilter {
        status: Some(AndonStatus::Open),
        ..AndonFilter::default()
    };
    let ids = |f: &AndonFilter| -> Vec<u64> { line.andons(f).iter().map(|a| a.id.0).collect() };
    assert_eq!(ids(&AndonFilter::default()), [1, 2, 3]);
    assert_eq!(ids(&open), [2, 3]);
    let on_sku = AndonFilter {
        subject: Some(Subject::Sku(SKU1)),
        ..AndonFilter::default()
    };
    assert_eq!(ids(&on_sku), [1, 3]);
    let history: Vec<u64> = line.history(SKU1).unwrap().iter().map(|a| a.id.0).collect();
    assert_eq!(history, [1, 3]);
    assert_eq!(line.open_count(), 2);
    assert!(matches!(line.andon(andon(4)), Err(Error::NotFound { .. })));
}
