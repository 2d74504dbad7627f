//! flow.md 17.8 and 17.9: SLA, reports and the status view (F-62 to
//! F-70).

mod flow_common;

use flow_common::*;
use tcps_core::Error;
use tcps_core::flow::{Bucket, SlaStatus, Status, WaitingReason};
use tcps_core::id::WorkOrderId;
use tcps_core::time::parse_rfc3339;
use tcps_core::value::Value;

fn sla(line: &tcps_core::Line, id: WorkOrderId, now: i64) -> SlaStatus {
    line.sla_status(id, now).unwrap().status
}

#[test]
fn f62_security_boundaries_are_exact_to_the_millisecond() {
    let mut line = line();
    let id = new_wo(&mut line, Bucket::Security, 8, T0);

    let at_18h = line.sla_status(id, T0 + 18 * H).unwrap();
    let at_24h = line.sla_status(id, T0 + 24 * H).unwrap();
    let late = line.sla_status(id, T0 + 25 * H + 30 * MIN).unwrap();

    assert_eq!(T0 + 18 * H, 1_769_486_400_000);
    assert_eq!(at_18h.status, SlaStatus::OnTime);
    assert_eq!(sla(&line, id, T0 + 18 * H + 1), SlaStatus::Warning);
    assert_eq!(
        (at_24h.status, at_24h.overdue_ms),
        (SlaStatus::Breached, Some(0))
    );
    assert_eq!(
        (late.status, late.overdue_ms),
        (SlaStatus::Breached, Some(5_400_000))
    );
}

#[test]
fn f63_reliability_warns_after_three_quarters() {
    let mut line = line();
    let id = new_wo(&mut line, Bucket::Reliability, 6, T0);

    assert_eq!(sla(&line, id, T0 + 126 * H), SlaStatus::OnTime);
    assert_eq!(sla(&line, id, T0 + 126 * H + 1), SlaStatus::Warning);
}

#[test]
fn f64_technical_debt_has_no_sla() {
    let mut line = line();
    let id = new_wo(&mut line, Bucket::TechnicalDebt, 3, T0);

    let far = line.sla_status(id, T0 + 10_000 * D).unwrap();

    assert_eq!(line.work_order(id).unwrap().sla_deadline, None);
    assert_eq!(
        (far.status, far.remaining_ms, far.overdue_ms),
        (SlaStatus::NoSla, None, None)
    );
    assert!(line.sla_breaches(T0 + 10_000 * D).is_empty());
}

#[test]
fn f65_met_and_missed_survive_a_change_of_sla() {
    let mut line = quick_line();
    let met = new_wo(&mut line, Bucket::Security, 8, T0);
    let missed = new_wo(&mut line, Bucket::Security, 8, T0);
    line.start(met, T0).unwrap();
    line.start(missed, T0).unwrap();

    finish(&mut line, met, T0 + 24 * H - 1);
    finish(&mut line, missed, T0 + 24 * H);
    let before = (
        sla(&line, met, T0 + 30 * H),
        sla(&line, missed, T0 + 30 * H),
    );
    let mut config = line.config().clone();
    config.flow.buckets.security.sla_hours = Some(48);
    line.change_config(config, "longer", T0 + 30 * H).unwrap();

    assert_eq!(before, (SlaStatus::Met, SlaStatus::Missed));
    assert_eq!(
        (
            sla(&line, met, T0 + 30 * H),
            sla(&line, missed, T0 + 30 * H)
        ),
        before
    );
}

#[test]
fn f66_scans_include_blocked_work() {
    let mut line = line();
    let a = new_wo(&mut line, Bucket::Security, 8, T0);
    let b = new_wo(&mut line, Bucket::Security, 8, T0);
    let c = new_wo(&mut line, Bucket::Reliability, 6, T0);
    line.add_dependency(b, c, T0).unwrap();

    let overdue = line.sla_breaches(T0 + 30 * H);
    let warnings = line.sla_warnings(T0 + 19 * H, None);
    let within_an_hour = line.sla_warnings(T0 + 19 * H, Some(H));

    let breached: Vec<(WorkOrderId, Status, i64)> = overdue
        .iter()
        .map(|x| (x.work_order, x.status, x.overdue_ms))
        .collect();
    assert_eq!(
        breached,
        vec![
            (a, Status::Queued, 21_600_000),
            (b, Status::Blocked, 21_600_000)
        ]
    );
    let warned: Vec<(WorkOrderId, i64)> = warnings
        .iter()
        .map(|w| (w.work_order, w.remaining_ms))
        .collect();
    assert_eq!(warned, vec![(a, 18_000_000), (b, 18_000_000)]);
    assert!(within_an_hour.is_empty());
}

fn iso(text: &str) -> i64 {
    parse_rfc3339(text).unwrap()
}

#[test]
#[allow(clippy::many_single_char_names)] // A to E are the names of flow.md F-67
fn f67_the_report_counts_the_range_and_ranks_open_work() {
    let mut line = quick_line_at(iso("2026-01-01T00:00:00Z"));
    let created = |day: &str| iso(&format!("2026-{day}T00:00:00Z"));
    let a = new_wo(&mut line, Bucket::Security, 8, created("01-10"));
    finish(&mut line, a, created("01-10") + 10 * H);
    let b = new_wo(&mut line, Bucket::Security, 8, created("01-15"));
    finish(&mut line, b, created("01-15") + 30 * H);
    let c = new_wo(&mut line, Bucket::TechnicalDebt, 3, created("01-20"));
    finish(&mut line, c, created("01-20") + 2 * H);
    let d = new_wo(&mut line, Bucket::Reliability, 6, created("01-25"));
    let e = new_wo(&mut line, Bucket::Features, 4, created("02-01"));

    let report = line
        .report("2026-01-01", "2026-01-31", iso("2026-02-01T12:00:00Z"))
        .unwrap();

    assert_eq!(report.period.days, 31);
    assert_eq!(report.created.total, 4);
    let by_bucket = report.created.by_bucket;
    assert_eq!(
        (
            by_bucket.reliability,
            by_bucket.security,
            by_bucket.technical_debt
        ),
        (1, 2, 1)
    );
    assert_eq!(
        (by_bucket.cost, by_bucket.compliance, by_bucket.features),
        (0, 0, 0)
    );
    let by_status = report.created.by_status;
    assert_eq!(
        (by_status.completed, by_status.queued, by_status.blocked),
        (3, 1, 0)
    );
    assert_eq!((report.completed, report.cancelled), (3, 0));
    let lt = report.lead_time;
    assert_eq!(
        (lt.count, lt.p50_ms, lt.p85_ms, lt.p95_ms, lt.mean_ms),
        (
            3,
            Some(36_000_000),
            Some(108_000_000),
            Some(108_000_000),
            Some(50_400_000)
        )
    );
    assert_eq!(
        (report.throughput.completed, report.throughput.days),
        (3, 31)
    );
    assert!((report.throughput.per_day - 0.096_774_193_5).abs() < 1e-9);
    let att = report.sla_attainment;
    assert_eq!((att.met, att.missed, att.attainment_bp), (1, 1, Some(5000)));
    let top: Vec<(WorkOrderId, u8)> = report.top_open.iter().map(|t| (t.id, t.priority)).collect();
    assert_eq!(top, vec![(d, 6), (e, 4)]);
    assert_eq!(
        (report.queue_depth.reliability, report.queue_depth.features),
        (1, 1)
    );
    assert_eq!(report.wip_now.total, 0);
}

#[test]
fn f68_percentiles_use_the_nearest_rank() {
    let mut line = quick_line_at(iso("2026-01-01T00:00:00Z"));
    let start = iso("2026-01-02T00:00:00Z");
    let mut config = line.config().clone();
    config.flow.buckets.technical_debt.wip_limit = Some(20);
    line.change_config(config, "room for twenty", start)
        .unwrap();
    let mut built = Vec::new();
    for _ in 0..20 {
        let id = new_wo(&mut line, Bucket::TechnicalDebt, 3, start);
        line.start(id, start).unwrap();
        built.push((id, released_sku(&mut line, id, start)));
    }
    for (hours, (id, s)) in (1..).zip(built) {
        line.complete(id, s, start + hours * H).unwrap();
    }

    let lt = line
        .report("2026-01-01", "2026-01-31", start + D)
        .unwrap()
        .lead_time;

    assert_eq!(
        (lt.p50_ms, lt.p85_ms, lt.p95_ms, lt.mean_ms),
        (Some(10 * H), Some(17 * H), Some(19 * H), Some(37_800_000))
    );
}

#[test]
fn f69_an_empty_range_has_null_figures_and_a_reversed_range_fails() {
    let line = line();

    let report = line.report("2025-01-01", "2025-01-31", T0).unwrap();
    let reversed = line.report("2026-02-02", "2026-02-01", T0);

    let lt = report.lead_time;
    assert_eq!(
        (lt.count, lt.p50_ms, lt.p85_ms, lt.p95_ms, lt.mean_ms),
        (0, None, None, None, None)
    );
    assert!(report.throughput.per_day.abs() < f64::EPSILON);
    assert_eq!(report.sla_attainment.attainment_bp, None);
    assert_eq!(
        reversed.map(|_| ()),
        Err(Error::InvalidRange {
            from: "2026-02-02".into(),
            to: "2026-02-01".into()
        })
    );
}

#[test]
fn f70_the_status_view_explains_a_blocked_work_order() {
    let mut line = line();
    new_wo(&mut line, Bucket::Reliability, 6, T0);
    let w2 = new_wo(&mut line, Bucket::Reliability, 6, T0);
    let w3 = new_wo(&mut line, Bucket::Features, 4, T0);
    line.add_dependency(w2, w3, T0).unwrap();

    let view = line.status(w2, T0 + H).unwrap();

    assert_eq!(view.queue_position, Some(2));
    let waiting = view.waiting.unwrap();
    assert_eq!(
        (waiting.reason, waiting.unfinished),
        (WaitingReason::Dependencies, vec![w3])
    );
    assert_eq!(
        (view.sla.status, view.sla.remaining_ms),
        (SlaStatus::OnTime, Some(601_200_000))
    );
    assert_eq!(view.age_ms, 3_600_000);
    assert_eq!(view.receipts, vec![2, 4]);
}

#[test]
fn the_status_view_of_a_queued_work_order_says_why_it_waits() {
    let mut line = line_with(|v| *at(v, "buckets.cost.wip_limit") = Value::Int(0));
    let id = new_wo(&mut line, Bucket::Cost, 5, T0);
    let ready = new_wo(&mut line, Bucket::Features, 4, T0);

    let full = line.status(id, T0).unwrap().waiting.unwrap();
    let free = line.status(ready, T0).unwrap().waiting.unwrap();

    assert_eq!(full.reason, WaitingReason::WipLimit);
    assert_eq!(free.reason, WaitingReason::Ready);
}

#[test]
fn metrics_are_the_report_subset() {
    let mut line = quick_line();
    let id = new_wo(&mut line, Bucket::Cost, 5, T0);
    finish(&mut line, id, T0 + H);

    let report = line.report("2026-01-26", "2026-01-26", T0 + H).unwrap();
    let metrics = line.metrics("2026-01-26", "2026-01-26", T0 + H).unwrap();

    assert_eq!(metrics.lead_time, report.lead_time);
    assert_eq!(metrics.throughput, report.throughput);
    assert_eq!(metrics.sla_attainment, report.sla_attainment);
    assert_eq!(metrics.queue_depth, report.queue_depth);
    assert_eq!(metrics.lead_time.p50_ms, Some(H));
}

#[test]
fn top_open_keeps_ten_by_priority_then_creation_then_id() {
    let mut line = quick_line();
    let mut config = line.config().clone();
    config.flow.buckets.cost.wip_limit = Some(20);
    line.change_config(config, "room", T0).unwrap();
    let ids: Vec<WorkOrderId> = (0..12u8)
        .map(|i| {
            new_wo(
                &mut line,
                Bucket::Cost,
                1 + i % 4,
                T0 + i64::from(i / 3) * MIN,
            )
        })
        .collect();
    line.cancel(ids[11], "dropped", T0 + H).unwrap();
    line.start(ids[3], T0 + H).unwrap();

    let report = line.report("2026-01-26", "2026-01-26", T0 + H).unwrap();

    let top: Vec<(u8, i64, WorkOrderId)> = report
        .top_open
        .iter()
        .map(|t| (t.priority, t.created_at, t.id))
        .collect();
    let mut want: Vec<(u8, i64, WorkOrderId)> = ids[..11]
        .iter()
        .map(|id| {
            let w = line.work_order(*id).unwrap();
            (w.priority, w.created_at, w.id)
        })
        .collect();
    want.sort_by_key(|(p, at, id)| (std::cmp::Reverse(*p), *at, *id));
    want.truncate(10);
    assert_eq!(top, want);
    assert_eq!(report.cancelled, 1);
    assert_eq!(report.created.by_status.in_progress, 1);
}
