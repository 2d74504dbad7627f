//! kaizen.md 13.7: trends, achievement and reports of fixture K (K-48
//! to K-52), and the rules of the HTML report (11.3).

mod kaizen_common;

use kaizen_common::{
    H, K0, NOW, Plan, date, fixture_config, fixture_k, k, plan_k, raise_manual, resolve, week,
};
use tcps_core::id::SkuId;
use tcps_core::journal::{Durability, Journal, JournalOptions};
use tcps_core::kaizen::{
    self, Direction, KaizenConfig, Metric, Priority, Snapshot, WasteType, WeeklyReport,
};

fn report_k() -> WeeklyReport {
    kaizen::weekly_report(&fixture_k(), date("2026-01-25"), NOW).unwrap()
}

#[test]
fn k48_achievement_of_ks_week() {
    let report = report_k();

    let rows: Vec<(Metric, Option<i64>, Option<i64>)> = report
        .summary
        .metrics
        .iter()
        .map(|r| (r.metric, r.value, r.achievement_bp))
        .collect();

    assert_eq!(
        rows,
        vec![
            (Metric::LeadTime, Some(29 * H), Some(689)),
            (Metric::CycleTime, Some(28 * H), Some(178)),
            (Metric::DefectRate, Some(8000), Some(125)),
            (Metric::ReworkRate, Some(5000), Some(1000)),
            (Metric::FirstPassYield, Some(6000), Some(6315)),
            (Metric::Throughput, Some(714), Some(714)),
        ]
    );
    assert_eq!(report.summary.overall_bp, Some(1503));
}

#[test]
fn k49_trends_and_week_over_week_of_k() {
    let report = report_k();

    let trends: Vec<(Metric, Direction, Option<i64>, bool)> = report
        .trends
        .metrics
        .iter()
        .map(|t| (t.metric, t.direction, t.rate_bp, t.on_track))
        .collect();
    let insufficient = |m| (m, Direction::InsufficientData, None, false);
    assert_eq!(
        trends,
        vec![
            insufficient(Metric::LeadTime),
            insufficient(Metric::CycleTime),
            insufficient(Metric::DefectRate),
            insufficient(Metric::ReworkRate),
            insufficient(Metric::FirstPassYield),
            (Metric::Throughput, Direction::Improving, None, false),
        ]
    );
    assert_eq!(report.trends.weeks.len(), 8);
    assert_eq!(report.trends.weeks[0].from, date("2025-12-01"));
    let wow = &report.week_over_week;
    let throughput = wow.iter().find(|w| w.metric == Metric::Throughput).unwrap();
    assert_eq!(
        (
            throughput.current,
            throughput.previous,
            throughput.change_bp,
            throughput.improved
        ),
        (Some(714), Some(0), None, Some(true))
    );
    for w in wow.iter().filter(|w| w.metric != Metric::Throughput) {
        assert_eq!(
            (w.previous, w.change_bp, w.improved),
            (None, None, None),
            "{:?}",
            w.metric
        );
    }
}

#[test]
fn k50_recommendations_of_ks_week() {
    let report = report_k();

    assert_eq!(report.recommendations.len(), 1);
    let r = &report.recommendations[0];
    assert_eq!(r.priority, Priority::Medium);
    assert_eq!(r.category, "throughput");
    assert_eq!(
        r.message,
        "Throughput 0.71 a day is below 90 % of the target 10.00"
    );
    assert_eq!(r.action, "Review WIP limits and stage parallelism");
}

fn snapshot(values: [Option<i64>; 6]) -> Snapshot {
    let [
        lead_time,
        defect_rate,
        rework_rate,
        cycle_time,
        first_pass_yield,
        throughput,
    ] = values;
    Snapshot {
        from: date("2026-01-01"),
        to: date("2026-01-07"),
        lead_time,
        cycle_time,
        defect_rate,
        rework_rate,
        first_pass_yield,
        throughput,
    }
}

#[test]
fn k50_a_declining_trend_comes_first() {
    let report = report_k();
    let snaps = [
        snapshot([
            Some(8 * H),
            Some(300),
            Some(400),
            Some(H),
            Some(8000),
            Some(0),
        ]),
        snapshot([
            Some(6 * H),
            Some(300),
            Some(600),
            None,
            Some(8500),
            Some(2000),
        ]),
        snapshot([
            Some(5 * H),
            Some(300),
            Some(900),
            Some(H / 2),
            Some(9000),
            Some(3000),
        ]),
    ];
    let config = KaizenConfig::standard();

    let trends = kaizen::trends(&snaps, &config);
    let recs = kaizen::recommendations(
        &trends,
        &report.waste.top,
        &report.tps.throughput,
        &config.targets,
        0,
    );

    let categories: Vec<&str> = recs.iter().map(|r| r.category.as_str()).collect();
    assert_eq!(categories, ["metric_decline", "throughput"]);
    assert_eq!(recs[0].message, "Metrics declining: rework_rate");
    assert_eq!(recs[0].priority, Priority::High);
}

/// The keys of a JSON object in the order they are written.
struct Keys(Vec<String>);

impl<'de> serde::Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Keys;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(Visit)
    }
}

#[test]
fn k51_the_weekly_report_of_k() {
    let report = report_k();

    let text = serde_json::to_string(&report).unwrap();
    let json = serde_json::to_value(&report).unwrap();
    let keys = serde_json::from_str::<Keys>(&text).unwrap().0;
    assert_eq!(
        keys,
        [
            "report",
            "week_ending",
            "window",
            "generated_at",
            "summary",
            "tps",
            "dora",
            "flow",
            "waste",
            "proposals",
            "improvements",
            "trends",
            "week_over_week",
            "recommendations"
        ]
    );
    assert_eq!(json["report"], "weekly_kaizen");
    assert_eq!(
        json["window"],
        serde_json::json!({"from": "2026-01-19", "to": "2026-01-25"})
    );
    assert_eq!(json["generated_at"], "2026-01-26T00:00:00.000Z");
    assert_eq!(report.waste.total_ms, 67_080_000);
    assert_eq!(report.waste.top.len(), 9);
    let by_type: Vec<(WasteType, u64, i64)> = report
        .waste
        .by_type
        .0
        .iter()
        .map(|(t, total)| (*t, total.count, total.total_ms))
        .collect();
    assert_eq!(
        by_type,
        vec![
            (WasteType::ExcessiveRework, 2, 21_600_000),
            (WasteType::RepeatAndon, 2, 28_800_000),
            (WasteType::CompilationSlow, 1, 7_380_000),
            (WasteType::ManualIntervention, 2, 7_200_000),
            (WasteType::FlakyTest, 1, 1_800_000),
            (WasteType::LongLeadTime, 1, 300_000),
        ]
    );
    assert_eq!(
        json["waste"]["by_type"]["repeat_andon"],
        serde_json::json!({"count": 2, "total_ms": 28_800_000})
    );
    assert_eq!(report.proposals.len(), 5);
    assert!(report.improvements.is_empty());
}

#[test]
fn the_report_reads_back_from_its_json() {
    let report = report_k();

    let text = serde_json::to_string(&report).unwrap();
    let back: WeeklyReport = serde_json::from_str(&text).unwrap();

    assert_eq!(back, report);
}

#[test]
fn improvements_applied_or_concluded_in_the_week_are_listed() {
    let mut line = fixture_k();
    let week_of = |line: &tcps_core::Line, last: &str| {
        kaizen::weekly_report(line, date(last), NOW + 14 * 86_400_000)
            .unwrap()
            .improvements
    };
    line.propose_improvements(&week(), NOW).unwrap();
    line.apply_improvement(tcps_core::id::ImprovementId(1), "lock check", NOW)
        .unwrap();
    line.begin_measurement(tcps_core::id::ImprovementId(1), 7, NOW)
        .unwrap();
    line.conclude_improvement(tcps_core::id::ImprovementId(1), NOW + 7 * 86_400_000)
        .unwrap();

    let applied_week = week_of(&line, "2026-02-01");
    let concluded_week = week_of(&line, "2026-02-08");

    assert_eq!(applied_week.len(), 1);
    assert_eq!(
        (applied_week[0].decision, applied_week[0].benefit_ms),
        (None, None)
    );
    assert_eq!(concluded_week.len(), 1);
    assert_eq!(concluded_week[0].benefit_ms, Some(14_400_000));
}

#[test]
fn the_text_report_leads_with_the_first_figures() {
    let report = report_k();

    let text = kaizen::render_text(&report);

    let first: Vec<&str> = text.lines().take(3).collect();
    assert_eq!(first[0], "Kaizen report, week ending 2026-01-25");
    assert!(text.contains(
        "lead time p50 29.0 h (n = 5), throughput 0.71 a day, \
         first-pass yield 60.00 % (3 / 5), andons 4"
    ));
}

/// The rows of the data table of one figure, as cell texts.
fn figure_rows(html: &str, id: &str) -> Vec<Vec<String>> {
    let start = html.find(&format!("<figure id=\"{id}\">")).unwrap();
    let end = start + html[start..].find("</figure>").unwrap();
    let figure = &html[start..end];
    let table = &figure[figure.find("<table class=\"data\">").unwrap()..];
    table
        .split("<tr>")
        .skip(2)
        .map(|row| {
            row.split("<td>")
                .skip(1)
                .map(|cell| cell.split("</td>").next().unwrap().to_owned())
                .collect()
        })
        .collect()
}

fn column(rows: &[Vec<String>], i: usize) -> Vec<&str> {
    rows.iter().map(|r| r[i].as_str()).collect()
}

#[test]
fn k52_the_html_of_ks_week() {
    let report = report_k();

    let html = kaizen::render_html(&report);

    for id in [
        "chart-lead-time",
        "chart-throughput",
        "chart-cfd",
        "chart-andon-pareto",
        "chart-gate-fpy",
    ] {
        assert_eq!(
            html.matches(&format!("<figure id=\"{id}\">")).count(),
            1,
            "{id}"
        );
    }
    assert_eq!(html.matches("<figure").count(), 5);
    assert!(!html.contains("<script") && !html.contains("://"));

    let lead = figure_rows(&html, "chart-lead-time");
    assert_eq!(
        column(&lead, 0),
        [
            "0–8 h",
            "8–16 h",
            "16–24 h",
            "24–32 h",
            "32–40 h",
            "40–48 h",
            "48–56 h"
        ]
    );
    assert_eq!(column(&lead, 1), ["2", "0", "0", "1", "0", "0", "2"]);

    let throughput = figure_rows(&html, "chart-throughput");
    assert_eq!(throughput.len(), 29);
    assert_eq!(throughput[0][0], "2025-12-29");
    let counts = column(&throughput, 1);
    assert_eq!(counts[21..28], ["1", "0", "1", "2", "1", "0", "0"]);
    assert!(counts[..21].iter().all(|c| *c == "0"));
    assert_eq!(throughput[28], ["p50", "0"]);

    let cfd = figure_rows(&html, "chart-cfd");
    assert_eq!(cfd.len(), 28);
    assert_eq!(cfd[27], ["2026-01-25", "5", "1", "1"]);

    let pareto = figure_rows(&html, "chart-andon-pareto");
    assert_eq!(
        pareto,
        [
            ["test_failure", "2", "50.00 %"],
            ["compilation_failure", "1", "75.00 %"],
            ["security_vulnerability", "1", "100.00 %"],
        ]
    );

    let gates = figure_rows(&html, "chart-gate-fpy");
    assert_eq!(
        column(&gates, 2),
        [
            "100.00", "83.33", "66.67", "100.00", "100.00", "100.00", "100.00", "100.00"
        ]
    );

    assert_eq!(kaizen::render_html(&report), html);
}

#[test]
fn the_html_is_one_self_contained_file() {
    let html = kaizen::render_html(&report_k());

    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("<title>Kaizen report, week ending 2026-01-25</title>"));
    assert_eq!(html.matches("<style>").count(), 1);
    assert!(!html.contains('\r'));
    for banned in [
        "<link", "<img", "<iframe", "<object", "<embed", "src=", "url(",
    ] {
        assert!(!html.contains(banned), "{banned}");
    }
    assert!(
        html.split("href=")
            .skip(1)
            .all(|rest| rest.starts_with("\"#"))
    );
    let ids: Vec<&str> = html
        .split("<section id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "week_ending",
            "window",
            "generated_at",
            "summary",
            "tps",
            "dora",
            "flow",
            "waste",
            "proposals",
            "improvements",
            "trends",
            "week_over_week",
            "recommendations"
        ]
    );
    assert_eq!(html.matches("<h2>").count(), ids.len());
    assert_eq!(
        html.matches("<svg viewBox=\"0 0 640 240\" role=\"img\">")
            .count(),
        5
    );
    assert_eq!(html.matches("<figcaption>").count(), 5);
    assert_eq!(html.matches("<desc>").count(), 5);
}

#[test]
fn text_from_receipts_is_escaped_in_the_html() {
    let mut line = fixture_k();
    let cause = "<script>alert(\"x\")</script> & it's from https://example.invalid";
    for hour in [1, 3] {
        let andon = raise_manual(&mut line, SkuId(5), "test_execution", k(24, hour, 0));
        resolve(&mut line, andon, cause, k(24, hour + 1, 0));
    }

    let report = kaizen::weekly_report(&line, date("2026-01-25"), NOW).unwrap();
    let html = kaizen::render_html(&report);

    assert!(!html.contains("<script"));
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; it&#39;s"));
    assert_eq!(
        html.matches("://").count(),
        html.matches("https://example.invalid").count()
    );
}

#[test]
fn a_week_without_data_draws_no_data() {
    let line = fixture_k();

    let report = kaizen::weekly_report(&line, date("2025-06-01"), NOW).unwrap();
    let html = kaizen::render_html(&report);

    assert_eq!(html.matches("no data</text>").count(), 5);
}

#[test]
fn a_period_of_other_length_is_a_kaizen_report() {
    let line = fixture_k();

    let report = kaizen::report(&line, date("2026-01-12"), date("2026-01-25"), NOW).unwrap();

    assert_eq!(report.report, "kaizen");
    assert_eq!(report.tps.throughput.days, 14);
    assert!(
        kaizen::render_html(&report)
            .contains("<title>Kaizen report, 2026-01-12 to 2026-01-25</title>")
    );
}

#[test]
fn a_journaled_line_reports_the_same_from_its_facts_alone() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("kaizen-fixture-k.journal");
    let _ = std::fs::remove_file(&path);
    let options = JournalOptions::new().with_durability(Durability::Never);
    let mut journal = Journal::create(&path, fixture_config(), K0, &options).unwrap();
    let mut plan = Plan::default();
    plan_k(&mut plan);
    plan.run(&mut journal);
    journal.close().unwrap();

    let reopened = Journal::open_read_only(&path).unwrap();
    let report = kaizen::weekly_report(&reopened, date("2026-01-25"), NOW).unwrap();

    assert!(!reopened.log().keeps_receipts());
    assert_eq!(report, report_k());
}

#[test]
fn queries_answer_for_any_window_and_any_now() {
    use proptest::prelude::{ProptestConfig, any, prop_assert, prop_assert_eq};
    use proptest::test_runner::TestRunner;
    let line = fixture_k();
    let mut runner = TestRunner::new(ProptestConfig::with_cases(48));
    let inputs = (-4000i64..4000, 1i64..=400, any::<i64>());
    for now in [i64::MIN, -1, 0, NOW, i64::MAX] {
        let report = kaizen::weekly_report(&line, date("2026-01-25"), now).unwrap();
        assert_eq!(report.tps.lead_time.count, 5);
    }

    let result = runner.run(&inputs, |(offset, days, now)| {
        let from = tcps_core::kaizen::Date::from_day(date("2026-01-19").day() + offset);
        let to = from.add_days(days - 1);
        let window = tcps_core::kaizen::Window::days(from, to).unwrap();

        let tps = kaizen::tps(&line, &window, now);
        let dora = kaizen::dora(&line, &window, now);
        let flow = kaizen::flow(&line, &window, now);
        let waste = kaizen::waste(&line, &window);
        let report = kaizen::report(&line, from, to, now).unwrap();

        prop_assert!(tps.lead_time.count <= 5);
        prop_assert!(dora.deployment_frequency.rate.count <= 5);
        prop_assert_eq!(flow.wip_series.len() as i64, days);
        prop_assert!(waste.len() <= 9);
        prop_assert!(!kaizen::render_html(&report).contains("<script"));
        Ok(())
    });

    assert!(result.is_ok(), "{result:?}");
}
