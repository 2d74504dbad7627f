//! The plain-text form of a report, for terminals and CI logs.

use std::fmt::Write as _;

use super::fmt::{self as show, NONE};
use super::html::{name_of, title};
use super::report::WeeklyReport;

/// Renders a report as plain text: the headline figures first (lead time
/// p50 with its count, throughput a day, first-pass yield, andons), then
/// each section of kaizen.md 11.1 in a few lines.
#[must_use]
pub fn render_text(report: &WeeklyReport) -> String {
    let mut out = String::new();
    let tps = &report.tps;
    let _ = writeln!(out, "{}", title(report));
    let _ = writeln!(
        out,
        "{} to {}, generated {}\n",
        report.window.from, report.window.to, report.generated_at
    );

    let _ = writeln!(
        out,
        "lead time p50 {} (n = {}), throughput {} a day, first-pass yield {}, andons {}\n",
        show::hours(tps.lead_time.p50),
        tps.lead_time.count,
        tps.throughput.per_day_text(),
        show::ratio(tps.first_pass_yield.as_ref()),
        tps.andon_rate.rate.count
    );

    out.push_str("Summary\n");
    for m in &report.summary.metrics {
        let _ = writeln!(
            out,
            "  {:<18} {:>14}  target {:>12}  achievement {}",
            show::metric_label(m.metric),
            show::metric_value(m.metric, m.value),
            show::metric_value(m.metric, Some(m.target)),
            show::bp(m.achievement_bp)
        );
    }
    let _ = writeln!(
        out,
        "  overall achievement {}\n",
        show::bp(report.summary.overall_bp)
    );

    out.push_str("TPS\n");
    let by_type: Vec<String> = tps
        .andon_rate
        .by_type
        .iter()
        .map(|c| format!("{} {}", c.failure_type, c.count))
        .collect();
    let lines = [
        ("lead time", show::summary_hours(&tps.lead_time)),
        ("cycle time", show::summary_hours(&tps.cycle_time)),
        (
            "throughput",
            format!(
                "{} a day ({} published in {} days)",
                tps.throughput.per_day_text(),
                tps.throughput.count,
                tps.throughput.days
            ),
        ),
        (
            "first-pass yield",
            show::ratio(tps.first_pass_yield.as_ref()),
        ),
        ("defect rate", show::ratio(tps.defect_rate.as_ref())),
        ("rework rate", show::ratio(tps.rework_rate.as_ref())),
        (
            "SLA attainment",
            format!(
                "{}, open and breached {}",
                show::ratio(tps.sla.overall.as_ref()),
                tps.sla.open_breached
            ),
        ),
        ("gate pass rate", show::ratio(tps.gate_pass_rate.as_ref())),
        (
            "andons raised",
            format!(
                "{} ({} a day){}{}",
                tps.andon_rate.rate.count,
                tps.andon_rate.rate.per_day_text(),
                if by_type.is_empty() { "" } else { ": " },
                by_type.join(", ")
            ),
        ),
        ("andon resolution", show::summary_hours(&tps.resolution)),
    ];
    for (label, value) in lines {
        let _ = writeln!(out, "  {label:<18} {value}");
    }

    let dora = &report.dora;
    let band = |b: Option<String>| b.unwrap_or_else(|| NONE.to_owned());
    out.push_str("\nDORA\n");
    let lines = [
        (
            "deployments",
            format!(
                "{} a day, band {}",
                dora.deployment_frequency.rate.per_day_text(),
                name_of(&dora.deployment_frequency.band)
            ),
        ),
        (
            "change lead time",
            format!(
                "{}, band {}",
                show::summary_hours(&dora.change_lead_time.summary),
                band(dora.change_lead_time.band.map(|b| name_of(&b)))
            ),
        ),
        (
            "change fail rate",
            format!(
                "{}, band {}",
                show::ratio(dora.change_fail_rate.ratio.as_ref()),
                band(dora.change_fail_rate.band.map(|b| b.as_str().to_owned()))
            ),
        ),
        (
            "recovery time",
            format!(
                "{}, unresolved {}, band {}",
                show::summary_hours(&dora.recovery.summary),
                dora.recovery.unresolved,
                band(dora.recovery.band.map(|b| name_of(&b)))
            ),
        ),
        (
            "deployment rework",
            show::ratio(dora.deployment_rework_rate.as_ref()),
        ),
    ];
    for (label, value) in lines {
        let _ = writeln!(out, "  {label:<18} {value}");
    }

    let flow = &report.flow.metrics;
    let law = &flow.littles_law;
    out.push_str("\nFlow\n");
    let wip: Vec<String> = flow.wip_series.iter().map(|w| w.wip.to_string()).collect();
    let done: Vec<String> = flow
        .throughput_series
        .iter()
        .map(|w| w.count.to_string())
        .collect();
    let _ = writeln!(out, "  {:<18} {}", "WIP by day", wip.join(" "));
    let _ = writeln!(out, "  {:<18} {}", "completed by day", done.join(" "));
    let _ = writeln!(
        out,
        "  {:<18} {}",
        "cycle days",
        show::summary_days(&flow.cycle_days)
    );
    let _ = writeln!(
        out,
        "  {:<18} avg WIP {}, throughput {} a day, mean cycle {} d, predicted WIP {}, \
         ratio {}; holds {}",
        "Little's law",
        law.avg_wip.text,
        law.throughput.text,
        show::opt(law.mean_cycle_days.as_ref(), |m| m.text.clone()),
        law.predicted_wip.text,
        show::opt(law.ratio.as_ref(), |m| m.text.clone()),
        law.holds
    );
    for a in &flow.aging_alerts {
        let _ = writeln!(
            out,
            "  aging alert        {} ({}) is {} d old, SLE {} d",
            a.work_order, a.bucket, a.age_days, a.sle_days
        );
    }

    let _ = writeln!(
        out,
        "\nWaste (total {})",
        show::hours(Some(report.waste.total_ms))
    );
    for (i, p) in report.waste.top.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {:>2}. {} in {}: {} x, {} ({} a week). {}",
            i + 1,
            p.waste_type.as_str(),
            p.stage,
            p.frequency,
            show::hours(Some(p.total_ms)),
            show::hours(Some(p.weekly_ms)),
            p.text
        );
    }

    out.push_str("\nProposals\n");
    if report.proposals.is_empty() {
        out.push_str("  none\n");
    }
    for (i, p) in report.proposals.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {:>2}. {}. {} (effort {}, ROI {})",
            i + 1,
            p.description,
            p.benefit,
            p.effort.as_str(),
            p.roi
        );
    }

    if !report.improvements.is_empty() {
        out.push_str("\nImprovements\n");
        for i in &report.improvements {
            let _ = writeln!(
                out,
                "  {} {} ({}{})",
                i.id,
                i.description,
                i.status.as_str(),
                i.benefit_ms
                    .map(|b| format!(", benefit {}", show::hours(Some(b))))
                    .unwrap_or_default()
            );
        }
    }

    let _ = writeln!(out, "\nTrends ({} weeks)", report.trends.weeks.len());
    for tr in &report.trends.metrics {
        let _ = writeln!(
            out,
            "  {:<18} {} (rate {} a week, {})",
            show::metric_label(tr.metric),
            name_of(&tr.direction),
            show::bp(tr.rate_bp),
            if tr.on_track {
                "on track"
            } else {
                "not on track"
            }
        );
    }

    out.push_str("\nRecommendations\n");
    if report.recommendations.is_empty() {
        out.push_str("  none\n");
    }
    for rec in &report.recommendations {
        let _ = writeln!(
            out,
            "  [{}] {}: {}. {}",
            name_of(&rec.priority),
            rec.category,
            rec.message,
            rec.action
        );
    }
    out
}
