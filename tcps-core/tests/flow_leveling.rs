//! flow.md 17.7: leveling (F-51 to F-61).

mod flow_common;

use flow_common::*;
use tcps_core::flow::{
    Bucket, LevelItem, Next, PerBucket, ScheduleItem, SkipReason, Skipped, SplitMix64, Strategy,
    bucket_allocation_for, level, leveling_score, optimize,
};
use tcps_core::id::WorkOrderId;
use tcps_core::value::Value;

fn item(id: &str, bucket: Bucket, priority: u8) -> LevelItem {
    LevelItem {
        id: id.into(),
        bucket,
        priority,
    }
}

fn ids(items: &[LevelItem]) -> Vec<&str> {
    items.iter().map(|i| i.id.as_str()).collect()
}

fn leveling_line(strategy: &str) -> tcps_core::Line {
    line_with(|v| *at(v, "leveling") = strategy.into())
}

fn started(next: &Next) -> WorkOrderId {
    match next {
        Next::Started { work_order, .. } => *work_order,
        Next::Idle { .. } => panic!("expected a start, got {next:?}"),
    }
}

#[test]
fn f51_level_orders_items_by_each_strategy() {
    let items = [
        item("f1", Bucket::Features, 4),
        item("s1", Bucket::Security, 10),
        item("f2", Bucket::Features, 6),
        item("td1", Bucket::TechnicalDebt, 3),
        item("s2", Bucket::Security, 8),
        item("s3", Bucket::Security, 9),
        item("r1", Bucket::Reliability, 7),
    ];

    let round_robin = level(&items, Strategy::RoundRobin);
    let priority = level(&items, Strategy::Priority);
    let weighted = level(&items, Strategy::Weighted);

    assert_eq!(
        ids(&round_robin),
        ["r1", "s1", "f2", "td1", "s3", "f1", "s2"]
    );
    assert_eq!(ids(&priority), ["s1", "s3", "s2", "r1", "f2", "f1", "td1"]);
    assert_eq!(ids(&weighted), ["r1", "s1", "f2", "s3", "td1", "s2", "f1"]);
}

#[test]
fn f52_level_keeps_ties_stable() {
    let items = [
        item("r1", Bucket::Reliability, 5),
        item("r2", Bucket::Reliability, 5),
        item("r3", Bucket::Reliability, 9),
    ];

    assert_eq!(
        ids(&level(&items, Strategy::RoundRobin)),
        ["r3", "r1", "r2"]
    );
}

#[test]
fn f53_next_by_priority_breaks_ties_by_creation() {
    let mut line = leveling_line("priority");
    let a = new_wo(&mut line, Bucket::Features, 4, T0);
    let b = new_wo(&mut line, Bucket::Security, 9, T0 + MIN);
    let c = new_wo(&mut line, Bucket::Reliability, 9, T0 + 2 * MIN);

    let first = line.next(T0 + H).unwrap();
    let order = [
        started(&first),
        started(&line.next(T0 + H).unwrap()),
        started(&line.next(T0 + H).unwrap()),
    ];

    assert_eq!(order, [b, c, a]);
    let Next::Started { decision, .. } = first else {
        unreachable!()
    };
    assert_eq!(decision.rule, "highest priority 9");
    let heads: Vec<(Bucket, WorkOrderId, u8)> = decision
        .heads
        .iter()
        .map(|h| (h.bucket, h.work_order, h.priority))
        .collect();
    assert_eq!(
        heads,
        vec![
            (Bucket::Reliability, c, 9),
            (Bucket::Security, b, 9),
            (Bucket::Features, a, 4)
        ]
    );
    assert_eq!(
        (decision.cursor_before, decision.counters_before),
        (None, None)
    );
}

#[test]
fn f54_next_by_round_robin_moves_the_cursor() {
    let mut line = leveling_line("round_robin");
    let r1 = new_wo(&mut line, Bucket::Reliability, 5, T0);
    let s1 = new_wo(&mut line, Bucket::Security, 9, T0);
    let s2 = new_wo(&mut line, Bucket::Security, 8, T0);
    let f1 = new_wo(&mut line, Bucket::Features, 4, T0);

    let nexts: Vec<Next> = (0..4).map(|_| line.next(T0).unwrap()).collect();

    let order: Vec<WorkOrderId> = nexts.iter().map(started).collect();
    assert_eq!(order, vec![r1, s1, f1, s2]);
    let cursors: Vec<(Option<Bucket>, Option<Bucket>, String)> = nexts
        .iter()
        .map(|n| match n {
            Next::Started { decision, .. } => (
                decision.cursor_before,
                decision.cursor_after,
                decision.rule.clone(),
            ),
            Next::Idle { .. } => unreachable!(),
        })
        .collect();
    assert_eq!(
        cursors,
        vec![
            (
                Some(Bucket::Reliability),
                Some(Bucket::Security),
                "first eligible from reliability".into()
            ),
            (
                Some(Bucket::Security),
                Some(Bucket::Cost),
                "first eligible from security".into()
            ),
            (
                Some(Bucket::Cost),
                Some(Bucket::TechnicalDebt),
                "first eligible from cost".into()
            ),
            (
                Some(Bucket::TechnicalDebt),
                Some(Bucket::Cost),
                "first eligible from technical_debt".into()
            ),
        ]
    );
    assert_replays(&line);
}

#[test]
fn f55_next_by_weight_follows_smooth_weighted_round_robin() {
    let mut line = line();
    let r: Vec<_> = (0..3)
        .map(|_| new_wo(&mut line, Bucket::Reliability, 5, T0))
        .collect();
    let s: Vec<_> = (0..3)
        .map(|_| new_wo(&mut line, Bucket::Security, 5, T0))
        .collect();
    let f1 = new_wo(&mut line, Bucket::Features, 5, T0);

    let nexts: Vec<Next> = (0..7).map(|_| line.next(T0).unwrap()).collect();

    let order: Vec<WorkOrderId> = nexts.iter().map(started).collect();
    assert_eq!(order, vec![r[0], s[0], f1, r[1], s[1], r[2], s[2]]);
    let Next::Started { decision, .. } = &nexts[0] else {
        unreachable!()
    };
    let values = |c: &Option<Vec<tcps_core::flow::BucketCounter>>| -> Vec<i64> {
        c.as_ref().unwrap().iter().map(|c| c.value).collect()
    };
    assert_eq!(values(&decision.counters_before), vec![0; 6]);
    assert_eq!(values(&decision.counters_after), vec![-3, 2, 0, 0, 1, 0]);
    assert_eq!(decision.rule, "highest counter 2");
    assert_replays(&line);
}

#[test]
fn f56_next_idles_with_a_reason_for_every_bucket() {
    let mut line = line();
    let running: Vec<_> = (0..5)
        .map(|_| new_wo(&mut line, Bucket::Security, 8, T0))
        .collect();
    for id in &running {
        line.start(*id, T0).unwrap();
    }
    new_wo(&mut line, Bucket::Security, 9, T0);
    let blocked = new_wo(&mut line, Bucket::Reliability, 6, T0);
    line.add_dependency(blocked, running[0], T0).unwrap();
    let before = line.len();

    let next = line.next(T0).unwrap();

    let skipped = |bucket, reason| Skipped { bucket, reason };
    assert_eq!(
        next,
        Next::Idle {
            skipped: vec![
                skipped(Bucket::Reliability, SkipReason::OnlyBlocked),
                skipped(Bucket::Security, SkipReason::WipLimit),
                skipped(Bucket::Cost, SkipReason::Empty),
                skipped(Bucket::Compliance, SkipReason::Empty),
                skipped(Bucket::Features, SkipReason::Empty),
                skipped(Bucket::TechnicalDebt, SkipReason::Empty),
            ]
        }
    );
    assert_eq!(line.len(), before);
}

#[test]
fn f57_bucket_allocation_rounds_half_away_and_gives_each_at_least_one() {
    let counts = |r, s, c| PerBucket {
        reliability: r,
        security: s,
        cost: c,
        ..PerBucket::default()
    };

    let five = bucket_allocation_for(&counts(3, 6, 1), 5);
    let empty = bucket_allocation_for(&PerBucket::default(), 5);
    let one = bucket_allocation_for(&counts(1, 1, 1), 1);

    assert_eq!(five, counts(2, 3, 1));
    assert_eq!(empty, PerBucket::default());
    assert_eq!(one, counts(1, 1, 1));
}

fn schedule(items: &[(Bucket, u8)]) -> Vec<ScheduleItem> {
    items
        .iter()
        .map(|(bucket, priority)| ScheduleItem {
            bucket: *bucket,
            priority: *priority,
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

fn assert_score(items: &[(Bucket, u8)], want: [f64; 4]) {
    let s = leveling_score(&schedule(items));
    let got = [s.batching, s.uniformity, s.priority, s.overall];
    assert!(
        got.iter().zip(want).all(|(g, w)| close(*g, w)),
        "{items:?}: {got:?} != {want:?}"
    );
}

use Bucket::{Compliance as C, Cost as K, Features as F, Reliability as R, Security as S};

#[test]
fn f58_leveling_scores_match_the_table() {
    assert_score(
        &[(S, 10), (R, 5), (S, 5), (R, 1)],
        [1.0, 1.0, 0.785_714_285_714, 0.957_142_857_143],
    );
    assert_score(
        &[(S, 1), (S, 1), (S, 1), (R, 1)],
        [0.333_333_333_333, 0.75, 0.625, 0.516_666_666_667],
    );
    assert_score(
        &[(S, 10), (S, 5)],
        [0.0, 1.0, 0.833_333_333_333, 0.466_666_666_667],
    );
    assert_score(&[(S, 0), (R, 0)], [1.0; 4]);
    assert_score(&[], [1.0; 4]);
    assert_score(&[(S, 7)], [1.0; 4]);
}

#[test]
fn f59_long_schedules_score_as_given() {
    let mixed: Vec<(Bucket, u8)> = (0..20).map(|i| ([R, S, K, C][i % 4], 5)).collect();
    let batch: Vec<(Bucket, u8)> = (0..20).map(|_| (S, 5)).collect();

    assert_score(&mixed, [1.0, 1.0, 0.525, 0.905]);
    assert_score(&batch, [0.0, 1.0, 0.525, 0.405]);
}

#[test]
fn f60_optimize_climbs_with_seeded_swaps() {
    let input = schedule(&[(S, 9), (S, 8), (S, 7), (R, 6), (R, 5), (F, 4)]);
    assert!(close(leveling_score(&input).overall, 0.670_386_688_054));

    let (three, score) = optimize(&input, 3, 1);
    let (ten, score_ten) = optimize(&input, 10, 42);
    let (none, _) = optimize(&input, 0, 7);
    let (single, _) = optimize(&input[..1], 100, 7);

    assert_eq!(
        three,
        schedule(&[(S, 9), (S, 8), (R, 5), (R, 6), (F, 4), (S, 7)])
    );
    assert!(close(score.overall, 0.764_403_782_071));
    assert_eq!(
        ten,
        schedule(&[(S, 8), (S, 9), (R, 5), (R, 6), (S, 7), (F, 4)])
    );
    assert!(close(score_ten.overall, 0.766_113_183_781));
    assert_eq!(none, input);
    assert_eq!(single, input[..1]);
}

#[test]
fn f60_the_draws_of_seed_1_are_the_ones_listed() {
    let mut rng = SplitMix64::new(1);

    let draws: Vec<(u64, u64)> = (0..3).map(|_| (rng.below(6), rng.below(6))).collect();

    assert_eq!(draws, vec![(3, 4), (5, 2), (2, 4)]);
}

#[test]
fn f61_splitmix64_gives_the_reference_numbers() {
    let mut forty_two = SplitMix64::new(42);
    let mut zero = SplitMix64::new(0);

    let a = [forty_two.next_u64(), forty_two.next_u64()];
    let b = [zero.next_u64(), zero.next_u64(), zero.next_u64()];

    assert_eq!(a, [0xBDD7_3226_2FEB_6E95, 0x28EF_E333_B266_F103]);
    assert_eq!(
        b,
        [
            0xE220_A839_7B1D_CDAF,
            0x6E78_9E6A_A1B9_65F4,
            0x06C4_5D18_8009_454F
        ]
    );
}

#[test]
fn a_change_of_strategy_resets_the_cursor_and_the_counters() {
    let mut line = leveling_line("round_robin");
    new_wo(&mut line, Bucket::Security, 5, T0);
    line.next(T0).unwrap();
    let mut weighted = line.config().clone();
    weighted.flow.leveling = Strategy::Weighted;
    line.change_config(weighted, "try weighted", T0).unwrap();
    new_wo(&mut line, Bucket::Cost, 5, T0);
    let mut back = line.config().clone();
    back.flow.leveling = Strategy::RoundRobin;
    line.change_config(back, "back", T0).unwrap();

    let next = line.next(T0).unwrap();

    let Next::Started { decision, .. } = next else {
        panic!("idle")
    };
    assert_eq!(decision.cursor_before, Some(Bucket::Reliability));
    assert_replays(&line);
}

#[test]
fn next_starts_a_priority_10_head_of_a_full_bucket_through_the_expedite_lane() {
    let mut line = line_with(|v| *at(v, "buckets.security.wip_limit") = Value::Int(0));
    let x = take(&mut line, &cve("X"), T0);

    let next = line.next(T0).unwrap();

    assert_eq!(started(&next), x);
    assert!(line.work_order(x).unwrap().expedited);
}
