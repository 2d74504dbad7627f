//! kaizen.md 13.2 to 13.4: TPS, DORA and flow metrics of fixture K
//! (K-6 to K-28) and its forecasts (K-30 to K-33).

mod kaizen_common;

use kaizen_common::{
    D, H, K0, NOW, Plan, date, fixture_config, fixture_k, intake, k, walk_to_publication, week,
};
use tcps_core::Line;
use tcps_core::andon::{FailureType, RaiseRequest, Severity, Subject};
use tcps_core::flow::SignalKind;
use tcps_core::id::{SkuId, WorkOrderId};
use tcps_core::kaizen::{
    self, CfrBand, Date, DurationBand, DurationSummary, ForecastOptions, FrequencyBand,
    LeadTimeVariant, Ratio, Window,
};

fn summary(values: [Option<i64>; 7], count: u64) -> DurationSummary {
    let [p50, p85, p95, mean, min, max, _] = values;
    DurationSummary {
        count,
        p50,
        p85,
        p95,
        mean,
        min,
        max,
    }
}

fn ratio(num: u64, den: u64) -> Option<Ratio> {
    Ratio::of(num, den)
}

#[test]
fn k6_lead_time_of_fixture_k() {
    let line = fixture_k();

    let tps = kaizen::tps(&line, &week(), NOW);

    let h = |x: i64| Some(x * H);
    assert_eq!(
        tps.lead_time,
        summary(
            [h(29), h(53), h(53), Some(99_720_000), h(3), h(53), None],
            5
        )
    );
}

#[test]
fn k7_cycle_time_of_fixture_k() {
    let line = fixture_k();

    let tps = kaizen::tps(&line, &week(), NOW);

    let h = |x: i64| Some(x * H);
    assert_eq!(
        tps.cycle_time,
        summary(
            [h(28), h(48), h(48), Some(80_640_000), h(2), h(48), None],
            5
        )
    );
}

#[test]
fn k8_to_k11_throughput_yield_defects_and_rework() {
    let line = fixture_k();

    let tps = kaizen::tps(&line, &week(), NOW);

    assert_eq!(
        (tps.throughput.count, tps.throughput.milli_per_day),
        (5, 714)
    );
    assert_eq!(tps.throughput.per_day_text(), "0.71");
    assert_eq!(tps.first_pass_yield, ratio(3, 5));
    assert_eq!(tps.first_pass_yield.map(|r| r.bp), Some(6000));
    assert_eq!(tps.defect_rate.map(|r| r.bp), Some(8000));
    assert_eq!(tps.rework_rate, ratio(3, 6));
    assert_eq!(tps.rework_rate.map(|r| r.bp), Some(5000));
}

#[test]
fn k12_sla_attainment_per_bucket() {
    let line = fixture_k();

    let sla = kaizen::tps(&line, &week(), NOW).sla;

    assert_eq!(sla.overall, ratio(4, 5));
    let by_bucket: Vec<(&str, Option<Ratio>)> = sla
        .by_bucket
        .iter()
        .map(|b| (b.bucket.as_str(), b.ratio))
        .collect();
    assert_eq!(
        by_bucket,
        vec![
            ("reliability", ratio(2, 2)),
            ("security", ratio(1, 2)),
            ("cost", None),
            ("compliance", None),
            ("features", ratio(1, 1)),
            ("technical_debt", None),
        ]
    );
    assert_eq!(sla.open_breached, 0);
}

#[test]
fn k13_gate_pass_rate_and_first_pass_yield_per_gate() {
    let line = fixture_k();

    let tps = kaizen::tps(&line, &week(), NOW);

    assert_eq!(tps.gate_pass_rate, ratio(43, 46));
    assert_eq!(tps.gate_pass_rate.map(|r| r.bp), Some(9347));
    let fpy: Vec<(&str, Option<Ratio>)> = tps
        .gate_fpy
        .iter()
        .map(|g| (g.gate.as_str(), g.ratio))
        .collect();
    assert_eq!(
        fpy,
        vec![
            ("shacl_validation", ratio(6, 6)),
            ("compilation", ratio(5, 6)),
            ("test_execution", ratio(4, 6)),
            ("security_scan", ratio(5, 5)),
            ("deterministic_build", ratio(5, 5)),
            ("quality_metrics", ratio(5, 5)),
            ("release_verification", ratio(5, 5)),
            ("smoke_test", ratio(5, 5)),
        ]
    );
}

#[test]
fn k14_andon_rate_pareto_and_resolution() {
    let line = fixture_k();

    let tps = kaizen::tps(&line, &week(), NOW);

    assert_eq!(
        (tps.andon_rate.rate.count, tps.andon_rate.rate.milli_per_day),
        (4, 571)
    );
    let by_type: Vec<(&str, u64)> = tps
        .andon_rate
        .by_type
        .iter()
        .map(|t| (t.failure_type.as_str(), t.count))
        .collect();
    assert_eq!(
        by_type,
        vec![
            ("test_failure", 2),
            ("compilation_failure", 1),
            ("security_vulnerability", 1)
        ]
    );
    let h = |x: i64| Some(x * H);
    assert_eq!(
        tps.resolution,
        summary([h(3), h(6), h(6), Some(13_500_000), h(1), h(6), None], 4)
    );
}

#[test]
fn k15_deployment_frequency_of_fixture_k() {
    let line = fixture_k();

    let freq = kaizen::dora(&line, &week(), NOW).deployment_frequency;

    assert_eq!(
        (
            freq.rate.count,
            freq.rate.milli_per_day,
            freq.rate.milli_per_week
        ),
        (5, 714, 5000)
    );
    let daily: Vec<u64> = freq.daily.iter().map(|d| d.count).collect();
    assert_eq!(daily, [1, 0, 1, 2, 1, 0, 0]);
    assert_eq!(freq.daily.first().map(|d| d.date), Some(date("2026-01-19")));
}

#[test]
fn k16_fixture_k_deploys_yearly() {
    let line = fixture_k();

    let band = kaizen::dora(&line, &week(), NOW).deployment_frequency.band;

    assert_eq!(band, FrequencyBand::Yearly);
}

#[test]
fn k18_change_lead_time_mixes_commit_and_start_times() {
    let line = fixture_k();

    let lead = kaizen::dora(&line, &week(), NOW).change_lead_time;

    assert_eq!(lead.summary.count, 5);
    assert_eq!(lead.summary.p50, Some(102_600_000));
    assert_eq!(
        (lead.summary.p85, lead.summary.p95),
        (Some(174_600_000), Some(174_600_000))
    );
    assert_eq!(lead.summary.mean, Some(81_900_000));
    assert_eq!((lead.from_commit, lead.from_start, lead.dropped), (4, 1, 0));
    assert_eq!(lead.variant, Some(LeadTimeVariant::Mixed));
    assert_eq!(lead.band, Some(DurationBand::OneWeek));
}

#[test]
fn k19_change_fail_rate_counts_the_andon_after_publication() {
    let line = fixture_k();

    let cfr = kaizen::dora(&line, &week(), NOW).change_fail_rate;

    assert_eq!(cfr.ratio, ratio(1, 5));
    assert_eq!(cfr.ratio.map(|r| r.bp), Some(2000));
    assert_eq!(cfr.failed, vec!["SKU-000003".to_owned()]);
    assert_eq!(cfr.band, Some(CfrBand::Medium));
}

#[test]
fn k21_recovery_of_the_failed_deployment() {
    let line = fixture_k();

    let recovery = kaizen::dora(&line, &week(), NOW).recovery;

    assert_eq!(recovery.summary.count, 1);
    assert_eq!(recovery.summary.p50, Some(97_200_000));
    assert_eq!(recovery.unresolved, 0);
    assert_eq!(recovery.band, Some(DurationBand::OneWeek));
}

#[test]
fn k22_deployment_rework_rate() {
    let line = fixture_k();

    let dora = kaizen::dora(&line, &week(), NOW);

    assert_eq!(dora.deployment_rework_rate, ratio(1, 5));
    assert_eq!(dora.deployment_rework_rate.map(|r| r.bp), Some(2000));
}

#[test]
fn k24_wip_series_overall_and_per_bucket() {
    let line = fixture_k();

    let flow = kaizen::flow(&line, &week(), NOW);

    let wip: Vec<u64> = flow.wip_series.iter().map(|d| d.wip).collect();
    assert_eq!(wip, [0, 2, 2, 1, 1, 1, 1]);
    let security: Vec<u64> = flow
        .wip_series
        .iter()
        .map(|d| {
            d.by_bucket
                .iter()
                .find(|b| b.bucket == "security")
                .unwrap()
                .count
        })
        .collect();
    assert_eq!(security, [0, 0, 1, 0, 0, 0, 0]);
}

#[test]
fn k25_only_started_work_has_an_age() {
    let line = fixture_k();

    let ages = kaizen::flow(&line, &week(), NOW).ages;

    assert_eq!(ages.len(), 1);
    let age = &ages[0];
    assert_eq!(age.work_order.to_string(), "WO-000005");
    assert_eq!((age.age_ms, age.age_days), (313_200_000, 5));
}

#[test]
fn k26_throughput_series_and_cycle_days() {
    let line = fixture_k();

    let flow = kaizen::flow(&line, &week(), NOW);

    let done: Vec<u64> = flow.throughput_series.iter().map(|d| d.count).collect();
    assert_eq!(done, [1, 0, 1, 2, 1, 0, 0]);
    assert_eq!(flow.cycle_days.count, 5);
    assert_eq!(
        (flow.cycle_days.p50, flow.cycle_days.p85),
        (Some(2), Some(3))
    );
}

#[test]
fn k27_fixture_k_has_no_sle_and_no_aging_alert() {
    let line = fixture_k();

    let flow = kaizen::flow(&line, &week(), NOW);

    assert!(flow.sle.iter().all(|s| s.sle_days.is_none()));
    assert!(flow.sle.iter().all(|s| s.items <= 2));
    assert!(flow.aging_alerts.is_empty());
}

#[test]
fn k28_littles_law_of_fixture_k() {
    let line = fixture_k();

    let law = kaizen::flow(&line, &week(), NOW).littles_law;

    assert_eq!(
        (law.avg_wip.num, law.avg_wip.den, law.avg_wip.text.as_str()),
        (8, 7, "1.14")
    );
    assert_eq!(law.throughput.text, "0.71");
    let mean = law.mean_cycle_days.unwrap();
    assert_eq!((mean.num, mean.den, mean.text.as_str()), (14, 15, "0.93"));
    assert_eq!((law.predicted_wip.num, law.predicted_wip.den), (2, 3));
    assert_eq!(law.predicted_wip.text, "0.67");
    let r = law.ratio.unwrap();
    assert_eq!((r.num, r.den, r.text.as_str()), (12, 7, "1.71"));
    assert_eq!((law.starts, law.completions), (6, 5));
    assert_eq!((law.wip_start, law.wip_end), (0, 1));
    assert!(law.balanced && law.steady_wip && law.holds);
}

fn opts(seed: u64, runs: u32) -> ForecastOptions {
    ForecastOptions {
        seed,
        runs: Some(runs),
        history_days: Some(7),
    }
}

fn items(forecast: &kaizen::Forecast) -> Vec<Option<u64>> {
    forecast.values.iter().map(|v| v.items).collect()
}

fn dates(forecast: &kaizen::Forecast) -> Vec<Option<Date>> {
    forecast.values.iter().map(|v| v.date).collect()
}

#[test]
fn k30_items_by_a_date_from_fixture_ks_history() {
    let line = fixture_k();

    let f = kaizen::forecast_items(&line, date("2026-02-01"), opts(42, 5), NOW).unwrap();

    assert_eq!(f.history, [1, 0, 1, 2, 1, 0, 0]);
    assert_eq!(f.history_from, date("2026-01-19"));
    assert_eq!(f.horizon_days, Some(7));
    assert_eq!(items(&f), [Some(4), Some(2), Some(2)]);
}

#[test]
fn k31_date_for_items_from_fixture_ks_history() {
    let line = fixture_k();

    let f = kaizen::forecast_date(&line, 4, opts(42, 5), NOW).unwrap();

    let days: Vec<Option<u32>> = f.values.iter().map(|v| v.days).collect();
    assert_eq!(days, [Some(4), Some(10), Some(10)]);
    assert_eq!(
        dates(&f),
        [
            Some(date("2026-01-29")),
            Some(date("2026-02-04")),
            Some(date("2026-02-04"))
        ]
    );
}

#[test]
fn k32_full_forecasts_of_fixture_k() {
    let line = fixture_k();

    let by_date = kaizen::forecast_items(&line, date("2026-02-01"), opts(42, 10_000), NOW);
    let for_ten = kaizen::forecast_date(&line, 10, opts(42, 10_000), NOW).unwrap();
    let later = kaizen::forecast_items(&line, date("2026-02-08"), opts(7, 10_000), NOW);

    assert_eq!(items(&by_date.unwrap()), [Some(5), Some(3), Some(2)]);
    assert_eq!(
        dates(&for_ten),
        [
            Some(date("2026-02-08")),
            Some(date("2026-02-12")),
            Some(date("2026-02-15"))
        ]
    );
    assert_eq!(items(&later.unwrap()), [Some(10), Some(7), Some(6)]);
}

#[test]
fn k33_forecast_errors() {
    let line = fixture_k();
    let name = |r: Result<kaizen::Forecast, tcps_core::Error>| r.err().map(|e| e.name());

    let past = kaizen::forecast_items(&line, date("2026-01-25"), opts(42, 5), NOW);
    let none = kaizen::forecast_date(&line, 0, opts(42, 5), NOW);
    let no_runs = kaizen::forecast_date(&line, 3, opts(42, 0), NOW);
    let quiet = kaizen::forecast_date(&line, 3, opts(42, 5), NOW + 30 * D);

    assert_eq!(name(past), Some("invalid_forecast"));
    assert_eq!(name(none), Some("invalid_forecast"));
    assert_eq!(name(no_runs), Some("invalid_forecast"));
    assert_eq!(name(quiet), Some("no_throughput_history"));
}

#[test]
fn forecasts_default_to_the_configured_runs_and_history() {
    let line = fixture_k();

    let f = kaizen::forecast_items(&line, date("2026-02-01"), ForecastOptions::seeded(1), NOW);

    let f = f.unwrap();
    assert_eq!((f.runs, f.history.len()), (10_000, 28));
}

#[test]
fn a_trailing_window_holds_facts_up_to_its_now() {
    let line = fixture_k();
    let before = Window::trailing(1, k(19, 10, 59)).unwrap();
    let at = Window::trailing(1, k(19, 11, 0)).unwrap();

    let missed = kaizen::tps(&line, &before, NOW).lead_time.count;
    let held = kaizen::tps(&line, &at, NOW).lead_time.count;

    assert_eq!((missed, held), (0, 1));
}

/// WO-000001 with SKU-000001 published 01-10 12:00, SKU-000002 published
/// 01-12 12:00 and SKU-000003 still in production (K-20, renumbered).
fn two_deployments_of_one_work_order() -> Line {
    let mut line = Line::new(fixture_config(), k(9, 8, 0)).unwrap();
    let wo = intake(&mut line, SignalKind::Cve, "CVE-20", k(9, 8, 0));
    line.start(wo, k(9, 9, 0)).unwrap();
    for n in 1..=3 {
        assert_eq!(
            line.create_sku(wo, None, None, k(9, 9, 0)).unwrap(),
            SkuId(n)
        );
    }
    let mut t = k(9, 10, 0);
    for s in [SkuId(1), SkuId(2)] {
        t = walk_to_publication(&mut line, s, t);
    }
    for (s, at) in [(SkuId(1), k(10, 12, 0)), (SkuId(2), k(12, 12, 0))] {
        line.release(s, at).unwrap();
        line.publish(s, None, at).unwrap();
    }
    line
}

fn raise_on(line: &mut Line, subject: Subject, failure: FailureType, at: i64) {
    let mut request = RaiseRequest::new(subject, failure);
    request.severity = Some(Severity::Medium);
    line.raise(request, at).unwrap();
}

fn failed_deployments(line: &Line, now: i64) -> Vec<String> {
    let window = Window::days(date("2026-01-10"), date("2026-01-12")).unwrap();
    kaizen::dora(line, &window, now).change_fail_rate.failed
}

#[test]
fn k20_a_work_order_andon_goes_to_its_latest_deployment_within_seven_days() {
    let mut inside = two_deployments_of_one_work_order();
    let mut late = two_deployments_of_one_work_order();
    let mut breach = two_deployments_of_one_work_order();
    let mut in_production = two_deployments_of_one_work_order();

    raise_on(
        &mut inside,
        Subject::WorkOrder(WorkOrderId(1)),
        FailureType::Manual,
        k(13, 8, 0),
    );
    raise_on(
        &mut late,
        Subject::WorkOrder(WorkOrderId(1)),
        FailureType::Manual,
        k(19, 13, 0),
    );
    raise_on(
        &mut breach,
        Subject::WorkOrder(WorkOrderId(1)),
        FailureType::SlaBreach,
        k(13, 8, 0),
    );
    raise_on(
        &mut in_production,
        Subject::Sku(SkuId(3)),
        FailureType::Manual,
        k(13, 8, 0),
    );

    assert_eq!(
        failed_deployments(&inside, k(20, 0, 0)),
        vec!["SKU-000002".to_owned()]
    );
    assert!(failed_deployments(&late, k(20, 0, 0)).is_empty());
    assert!(failed_deployments(&breach, k(20, 0, 0)).is_empty());
    assert!(failed_deployments(&in_production, k(20, 0, 0)).is_empty());
}

/// A features line: one work order per cycle time (days), each started
/// on its own day in the 28 days before `now`, and two items in WIP
/// started 5 and 4 days before `now`'s date (ages 6 and 5).
fn features_line(cycle_days: &[i64], now: i64) -> Line {
    let mut line = Line::new(fixture_config(), now - 40 * D).unwrap();
    let mut plan = Plan::default();
    let first = now - 26 * D;
    for (i, c) in cycle_days.iter().enumerate() {
        let n = i as u64 + 1;
        let start = first + i as i64 * D;
        plan.at(start, move |l, t| {
            let wo = intake(
                l,
                SignalKind::MarketplaceInstall,
                &format!("install-{n}"),
                t,
            );
            l.start(wo, t).unwrap();
            let s = l.create_sku(wo, None, None, t).unwrap();
            walk_to_publication(l, s, t);
        });
        plan.at(start + (c - 1) * D + 2 * H, move |l, t| {
            l.release(SkuId(n), t).unwrap();
            l.publish(SkuId(n), None, t).unwrap();
        });
    }
    for (i, days_ago) in [5, 4].iter().enumerate() {
        plan.at(now - days_ago * D, move |l, t| {
            let wo = intake(l, SignalKind::MarketplaceInstall, &format!("wip-{i}"), t);
            l.start(wo, t).unwrap();
        });
    }
    plan.run(&mut line);
    line
}

#[test]
fn k27_an_sle_needs_enough_completions_and_drives_aging_alerts() {
    let now = K0 + 60 * D + 12 * H;
    let seven = features_line(&[1, 1, 2, 3, 3, 5, 9], now);
    let four = features_line(&[1, 1, 2, 3], now);
    let window = Window::trailing(7, now).unwrap();

    let with_sle = kaizen::flow(&seven, &window, now);
    let without = kaizen::flow(&four, &window, now);

    let features = |f: &kaizen::FlowMetrics| {
        let s = f.sle.iter().find(|s| s.bucket == "features").unwrap();
        (s.items, s.sle_days)
    };
    assert_eq!(features(&with_sle), (7, Some(5)));
    let alerts: Vec<(String, i64)> = with_sle
        .aging_alerts
        .iter()
        .map(|a| (a.work_order.to_string(), a.age_days))
        .collect();
    assert_eq!(alerts, vec![("WO-000008".to_owned(), 6)]);
    assert_eq!(features(&without), (4, None));
    assert!(without.aging_alerts.is_empty());
}
