//! Replay of andon and analysis receipts: strict bodies (andon.md 11),
//! and the state machine invariants under random operations.

mod andon_util;

use andon_util::*;
use proptest::prelude::*;
use tcps_core::andon::{AndonFilter, FailureType, Proceed, Severity, StopScope, Subject};
use tcps_core::{Digest, Error, Line, Receipt, Value};

/// The log of `line` with the body of receipt `seq` changed by `edit`,
/// every hash after it sealed again so that only the body is wrong.
fn tampered(line: &Line, seq: u64, edit: impl FnOnce(&mut Value)) -> Vec<Receipt> {
    let mut edit = Some(edit);
    let mut out: Vec<Receipt> = Vec::new();
    for r in receipts_since(line, 0) {
        let mut body = r.body.clone();
        if let Some(edit) = edit.take_if(|_| r.seq == seq) {
            edit(&mut body);
        }
        let prev = out.last().map_or(Digest::ZERO, |p| p.hash);
        out.push(Receipt::seal(r.seq, r.at, &r.kind, &r.subject, body, r.more, prev).unwrap());
    }
    out
}

fn set(body: &mut Value, member: &str, value: Value) {
    if let Value::Object(map) = body {
        map.insert(member.to_owned(), value);
    }
}

fn refusal(receipts: Vec<Receipt>) -> (u64, Error) {
    match Line::replay(receipts) {
        Ok(_) => panic!("the tampered log replayed"),
        Err(e) => e,
    }
}

#[test]
fn an_unknown_member_in_a_raised_body_is_refused() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    let seq = line.len() - 1;

    let (at, e) = refusal(tampered(&line, seq, |b| {
        set(b, "colour", Value::from("red"));
    }));

    assert_eq!(at, seq);
    assert_eq!(
        e,
        Error::InvalidReceipt {
            member: "body/colour".into(),
            rule: "andon.raised is not a member of this kind".into()
        }
    );
}

#[test]
fn a_raised_body_must_take_the_next_id() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    let seq = line.len() - 1;

    let (_, e) = refusal(tampered(&line, seq, |b| {
        set(b, "andon", Value::from("ANDON-000002"));
    }));

    assert!(matches!(e, Error::InvalidReceipt { member, .. } if member == "body/andon"));
}

#[test]
fn a_repeat_with_the_wrong_occurrence_is_refused() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    let seq = line.len() - 1;

    let (_, e) = refusal(tampered(&line, seq, |b| {
        set(b, "occurrence", Value::Int(3));
    }));

    assert!(matches!(e, Error::InvalidReceipt { member, .. } if member == "body/occurrence"));
}

#[test]
fn an_open_time_that_disagrees_with_the_raise_is_refused() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CoverageBelowThreshold, T0);
    line.resolve(andon(1), &resolution(), T0 + H).unwrap();
    let seq = line.len() - 1;

    let (_, e) = refusal(tampered(&line, seq, |b| {
        set(b, "open_ms", Value::Int(1));
    }));

    assert!(matches!(e, Error::InvalidReceipt { member, .. } if member == "body/open_ms"));
}

#[test]
fn a_resolution_naming_an_unfinished_analysis_is_refused() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::CoverageBelowThreshold, T0);
    line.start_analysis(andon(1), "why", T0).unwrap();
    line.resolve(andon(1), &resolution(), T0).unwrap();
    let seq = line.len() - 1;

    let (_, e) = refusal(tampered(&line, seq, |b| {
        set(b, "analysis", Value::from("RCA-000001"));
    }));

    assert!(matches!(e, Error::InvalidReceipt { member, .. } if member == "body/analysis"));
}

#[test]
fn the_sku_member_must_name_the_andons_sku() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    line.acknowledge(andon(1), "alice", None, T0).unwrap();
    let seq = line.len() - 1;

    let (_, e) = refusal(tampered(&line, seq, |b| {
        set(b, "sku", Value::Null);
    }));

    assert!(matches!(e, Error::InvalidReceipt { member, .. } if member == "body/sku"));
}

#[test]
fn a_why_outside_one_to_five_is_refused() {
    let mut line = setup();
    raise_on_sku1(&mut line, FailureType::TestFailure, T0);
    line.start_analysis(andon(1), "why", T0).unwrap();
    line.set_why(tcps_core::id::AnalysisId(1), 1, "because", T0)
        .unwrap();
    let seq = line.len() - 1;

    let (_, e) = refusal(tampered(&line, seq, |b| {
        set(b, "n", Value::Int(6));
    }));

    assert!(matches!(e, Error::InvalidReceipt { member, .. } if member == "body/n"));
}

/// One random operation on the setup's subjects.
#[derive(Debug, Clone)]
enum Op {
    Raise {
        on_sku: bool,
        kind: usize,
        severity: usize,
    },
    Ack(u64),
    Resolve(u64),
    Analyse(u64),
    Escalate(u64, i64),
    Sweep,
    Scope(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (any::<bool>(), 0..11usize, 0..4usize)
            .prop_map(|(on_sku, kind, severity)| Op::Raise { on_sku, kind, severity }),
        2 => (1..8u64).prop_map(Op::Ack),
        2 => (1..8u64).prop_map(Op::Resolve),
        1 => (1..8u64).prop_map(Op::Analyse),
        1 => ((1..8u64), (0..4i64)).prop_map(|(a, l)| Op::Escalate(a, l)),
        1 => Just(Op::Sweep),
        1 => (0..3usize).prop_map(Op::Scope),
    ]
}

fn run(line: &mut Line, op: &Op, now: i64) {
    // Refusals are part of the game: every call either fails having
    // changed nothing or succeeds; the invariants are checked after.
    let _ = match op {
        Op::Raise {
            on_sku,
            kind,
            severity,
        } => {
            let subject = if *on_sku {
                Subject::Sku(SKU1)
            } else {
                Subject::WorkOrder(WO2)
            };
            let mut r = request(subject, FailureType::ALL[*kind]);
            r.severity = Some(Severity::ALL[*severity]);
            line.raise(r, now).map(|_| ())
        }
        Op::Ack(n) => line.acknowledge(andon(*n), "alice", None, now),
        Op::Resolve(n) => line.resolve(andon(*n), &resolution(), now),
        Op::Analyse(n) => {
            let a = andon(*n);
            line.start_analysis(a, "why", now).and_then(|rca| {
                for k in 1..=5 {
                    line.set_why(rca, k, "because", now)?;
                }
                line.finalize_analysis(rca, "cause", "action", now)
                    .map(|_| ())
            })
        }
        Op::Escalate(n, level) => line.escalate(andon(*n), *level, now),
        Op::Sweep => line.sla_sweep(now).map(|_| ()),
        Op::Scope(i) => {
            let mut config = line.config().clone();
            config.andon.stop_scope = [StopScope::Sku, StopScope::Bucket, StopScope::Line][*i];
            line.change_config(config, "scope", now)
        }
    };
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn indexes_agree_with_the_andons_and_replay_gives_the_same_line(
        ops in proptest::collection::vec(op(), 1..40)
    ) {
        let mut line = setup();
        let mut now = T0;
        for op in &ops {
            now += 7 * MIN;
            let before = line.len();
            run(&mut line, op, now);

            let all = line.andons(&AndonFilter::default());
            let stopping: Vec<_> = all.iter().filter(|a| a.is_stopping()).map(|a| a.id).collect();
            prop_assert_eq!(line.stopping_andons(), stopping.clone());
            let open = all.iter().filter(|a| a.is_unresolved()).count();
            prop_assert_eq!(line.open_count() as usize, open);
            let scope = line.config().andon.stop_scope;
            let covering: Vec<_> = all
                .iter()
                .filter(|a| a.is_stopping())
                .filter(|a| scope == StopScope::Line
                    || a.subject == Subject::Sku(SKU1)
                    || a.subject == Subject::WorkOrder(WO1)
                    || (scope == StopScope::Bucket && a.bucket == tcps_core::flow::Bucket::Security))
                .map(|a| a.id)
                .collect();
            let expected = if covering.is_empty() {
                Proceed::Proceed
            } else {
                Proceed::Blocked { andons: covering }
            };
            prop_assert_eq!(line.can_proceed(SKU1, "compilation").unwrap(), expected);
            for r in receipts_since(&line, before) {
                prop_assert_eq!(r.at, now);
            }
        }
        let replayed = Line::replay(receipts_since(&line, 0)).unwrap();
        prop_assert!(replayed == line);
    }
}
