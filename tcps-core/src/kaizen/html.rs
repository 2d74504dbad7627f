//! The HTML report (kaizen.md 11.3): one self-contained file, inline SVG
//! charts drawn with integer coordinates, no script and no URL.

use std::fmt::Write as _;

use super::fmt::{self as show, NONE};
use super::report::{WasteByType, WeeklyReport};
use super::stats::{format_fraction, percentile};

/// Width and height of every chart's view box.
const VIEW: (i64, i64) = (640, 240);
/// The plot area: left, top, width, height.
const PLOT: (i64, i64, i64, i64) = (56, 16, 560, 184);

const STYLE: &str = "\
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#1d2330;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:1px solid #ccd;padding-bottom:.2rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccd;padding:.2rem .5rem;text-align:left}
th{background:#eef1f6}td.n{text-align:right}
figure{margin:1rem 0}figcaption{font-size:.9rem;color:#445}
summary{cursor:pointer;font-size:.9rem;color:#445}
svg{width:100%;max-width:640px;height:auto;background:#fafbfd;border:1px solid #dde}
svg text{font-size:11px;fill:#334}
.axis{stroke:#889;stroke-width:1}
.bar{fill:#4a78b5}.bar2{fill:#7fa7d9}
.line{fill:none;stroke:#c0392b;stroke-width:2}
.p50{stroke:#27ae60;stroke-width:2;stroke-dasharray:6 4}
.goal{stroke:#27ae60;stroke-width:2;stroke-dasharray:6 4}
.done{fill:#4a78b5}.wip{fill:#e6a23c}.queued{fill:#b8c2cc}
.nodata{font-size:16px;fill:#667}
";

/// Escapes text for HTML: `& < > " '`.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A table from a header row and body rows; cells are escaped.
fn table(class: Option<&str>, head: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = match class {
        Some(c) => format!("<table class=\"{c}\">\n"),
        None => "<table>\n".to_owned(),
    };
    out.push_str("<tr>");
    for h in head {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", esc(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    out
}

/// A two-column table of label and value.
fn facts(rows: &[(&str, String)]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|(k, v)| vec![(*k).to_owned(), v.clone()])
        .collect();
    table(None, &["metric", "value"], &rows)
}

/// One chart: a figure with its SVG, caption and data table.
struct Chart<'a> {
    id: &'a str,
    title: &'a str,
    desc: String,
    body: String,
    caption: String,
    data: String,
}

impl Chart<'_> {
    fn render(&self) -> String {
        format!(
            "<figure id=\"{}\">\n<svg viewBox=\"0 0 {} {}\" role=\"img\">\
             <title>{}</title><desc>{}</desc>\n{}</svg>\n\
             <figcaption>{}</figcaption>\n\
             <details><summary>Numbers drawn</summary>\n{}</details>\n</figure>\n",
            self.id,
            VIEW.0,
            VIEW.1,
            esc(self.title),
            esc(&self.desc),
            self.body,
            esc(&self.caption),
            self.data
        )
    }
}

fn no_data() -> String {
    format!(
        "<text class=\"nodata\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">no data</text>\n",
        VIEW.0 / 2,
        VIEW.1 / 2
    )
}

fn axes() -> String {
    let (x, y, w, h) = PLOT;
    format!(
        "<line class=\"axis\" x1=\"{x}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\"/>\
         <line class=\"axis\" x1=\"{x}\" y1=\"{y}\" x2=\"{x}\" y2=\"{b}\"/>\n",
        b = y + h,
        r = x + w
    )
}

/// The y of `v` on a scale where `max` reaches the top of the plot.
fn y_of(v: i64, max: i64) -> i64 {
    let (_, y, _, h) = PLOT;
    y + h - v.clamp(0, max.max(1)) * h / max.max(1)
}

fn text_at(x: i64, y: i64, anchor: &str, text: &str) -> String {
    format!(
        "<text x=\"{x}\" y=\"{y}\" text-anchor=\"{anchor}\">{}</text>\n",
        esc(text)
    )
}

/// Bars of `values` (already on the scale of `max`), with labels below.
fn bars(values: &[i64], max: i64, labels: &[String], class: &str) -> String {
    let (x0, _, w, _) = PLOT;
    let n = values.len().max(1) as i64;
    let slot = w / n;
    let gap = if slot > 6 { 2 } else { 0 };
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        let x = x0 + i as i64 * slot + gap;
        let top = y_of(*v, max);
        let height = y_of(0, max) - top;
        let _ = writeln!(
            out,
            "<rect class=\"{class}\" x=\"{x}\" y=\"{top}\" width=\"{}\" height=\"{height}\"/>",
            (slot - 2 * gap).max(1)
        );
        if let Some(label) = labels.get(i) {
            out.push_str(&text_at(
                x0 + i as i64 * slot + slot / 2,
                216,
                "middle",
                label,
            ));
        }
    }
    out
}

/// The x of point `i` of `n` spread over the plot width.
fn x_of(i: usize, n: usize) -> i64 {
    let (x0, _, w, _) = PLOT;
    if n <= 1 {
        return x0 + w / 2;
    }
    x0 + i as i64 * w / (n as i64 - 1)
}

fn points(ys: &[i64]) -> String {
    ys.iter()
        .enumerate()
        .map(|(i, y)| format!("{},{}", x_of(i, ys.len()), y))
        .collect::<Vec<_>>()
        .join(" ")
}

fn lead_time_chart(report: &WeeklyReport) -> String {
    let h = &report.tps.lead_time_histogram;
    let counts: Vec<i64> = h.bins.iter().map(|c| *c as i64).collect();
    let max = counts.iter().copied().max().unwrap_or(0);
    let ranges: Vec<String> = (0..counts.len() as i64)
        .map(|i| format!("{}–{} h", i * h.bin_hours, (i + 1) * h.bin_hours))
        .collect();
    let labels: Vec<String> = (0..counts.len() as i64)
        .map(|i| (i * h.bin_hours).to_string())
        .collect();
    let body = if counts.is_empty() {
        no_data()
    } else {
        let mut b = axes();
        b.push_str(&bars(&counts, max, &labels, "bar"));
        b.push_str(&text_at(PLOT.0 - 6, PLOT.1 + 10, "end", &max.to_string()));
        b.push_str(&text_at(PLOT.0 + PLOT.2, 234, "end", "hours"));
        b
    };
    let rows: Vec<Vec<String>> = ranges
        .iter()
        .zip(&counts)
        .map(|(r, c)| vec![r.clone(), c.to_string()])
        .collect();
    Chart {
        id: "chart-lead-time",
        title: "Lead time histogram",
        desc: format!(
            "Lead times of the {} work orders completed in the period, in bins of {} h",
            report.tps.lead_time.count, h.bin_hours
        ),
        body,
        caption: format!(
            "Lead time, bins of {} h (p50 {})",
            h.bin_hours,
            show::hours(report.tps.lead_time.p50)
        ),
        data: table(Some("data"), &["lead time", "work orders"], &rows),
    }
    .render()
}

fn throughput_chart(report: &WeeklyReport) -> String {
    let days = &report.flow.run_chart;
    let counts: Vec<i64> = days.iter().map(|d| d.count as i64).collect();
    let mut sorted = counts.clone();
    sorted.sort_unstable();
    let p50 = percentile(&sorted, 50).unwrap_or(0);
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let body = if counts.iter().all(|c| *c == 0) {
        no_data()
    } else {
        let ys: Vec<i64> = counts.iter().map(|c| y_of(*c, max)).collect();
        let mut b = axes();
        let y50 = y_of(p50, max);
        let _ = writeln!(
            b,
            "<line class=\"p50\" x1=\"{}\" y1=\"{y50}\" x2=\"{}\" y2=\"{y50}\"/>",
            PLOT.0,
            PLOT.0 + PLOT.2
        );
        let _ = writeln!(b, "<polyline class=\"line\" points=\"{}\"/>", points(&ys));
        for (i, y) in ys.iter().enumerate() {
            let _ = writeln!(
                b,
                "<circle class=\"bar\" cx=\"{}\" cy=\"{y}\" r=\"3\"/>",
                x_of(i, ys.len())
            );
        }
        b.push_str(&text_at(PLOT.0 - 6, PLOT.1 + 10, "end", &max.to_string()));
        if let (Some(first), Some(last)) = (days.first(), days.last()) {
            b.push_str(&text_at(PLOT.0, 216, "start", &first.date.to_string()));
            b.push_str(&text_at(
                PLOT.0 + PLOT.2,
                216,
                "end",
                &last.date.to_string(),
            ));
        }
        b.push_str(&text_at(
            PLOT.0 + PLOT.2,
            y50 - 4,
            "end",
            &format!("p50 {p50}"),
        ));
        b
    };
    let mut rows: Vec<Vec<String>> = days
        .iter()
        .map(|d| vec![d.date.to_string(), d.count.to_string()])
        .collect();
    rows.push(vec!["p50".into(), p50.to_string()]);
    Chart {
        id: "chart-throughput",
        title: "Throughput run chart",
        desc: format!(
            "Work orders completed per day over the {} days ending {}",
            days.len(),
            report.week_ending
        ),
        body,
        caption: format!(
            "Completions per day, {} days, with the p50 line at {p50}",
            days.len()
        ),
        data: table(Some("data"), &["day", "completed"], &rows),
    }
    .render()
}

fn cfd_chart(report: &WeeklyReport) -> String {
    let days = &report.flow.cumulative_flow;
    let done: Vec<i64> = days.iter().map(|d| d.done as i64).collect();
    let wip: Vec<i64> = days
        .iter()
        .map(|d| (d.done + d.in_progress) as i64)
        .collect();
    let all: Vec<i64> = days
        .iter()
        .map(|d| (d.done + d.in_progress + d.queued) as i64)
        .collect();
    let max = all.iter().copied().max().unwrap_or(0);
    let body = if max == 0 {
        no_data()
    } else {
        let band = |upper: &[i64], lower: Option<&[i64]>, class: &str| {
            let n = upper.len();
            let mut pts: Vec<String> = upper
                .iter()
                .enumerate()
                .map(|(i, v)| format!("{},{}", x_of(i, n), y_of(*v, max)))
                .collect();
            for i in (0..n).rev() {
                let v = lower.and_then(|l| l.get(i)).copied().unwrap_or(0);
                pts.push(format!("{},{}", x_of(i, n), y_of(v, max)));
            }
            format!(
                "<polygon class=\"{class}\" points=\"{}\"/>\n",
                pts.join(" ")
            )
        };
        let mut b = axes();
        b.push_str(&band(&all, Some(&wip), "queued"));
        b.push_str(&band(&wip, Some(&done), "wip"));
        b.push_str(&band(&done, None, "done"));
        b.push_str(&text_at(PLOT.0 - 6, PLOT.1 + 10, "end", &max.to_string()));
        if let (Some(first), Some(last)) = (days.first(), days.last()) {
            b.push_str(&text_at(PLOT.0, 216, "start", &first.date.to_string()));
            b.push_str(&text_at(
                PLOT.0 + PLOT.2,
                216,
                "end",
                &last.date.to_string(),
            ));
        }
        b.push_str(&text_at(
            PLOT.0 + 8,
            234,
            "start",
            "done (blue), in progress (amber), queued (grey)",
        ));
        b
    };
    let rows: Vec<Vec<String>> = days
        .iter()
        .map(|d| {
            vec![
                d.date.to_string(),
                d.done.to_string(),
                d.in_progress.to_string(),
                d.queued.to_string(),
            ]
        })
        .collect();
    Chart {
        id: "chart-cfd",
        title: "Cumulative flow",
        desc: format!(
            "Done, in progress and queued work orders over the {} days ending {}",
            days.len(),
            report.week_ending
        ),
        body,
        caption: "Cumulative flow: done, in progress, queued (stacked from the bottom)".into(),
        data: table(
            Some("data"),
            &["day", "done", "in progress", "queued"],
            &rows,
        ),
    }
    .render()
}

fn pareto_chart(report: &WeeklyReport) -> String {
    let types = &report.tps.andon_rate.by_type;
    let counts: Vec<i64> = types.iter().map(|t| t.count as i64).collect();
    let total: i64 = counts.iter().sum();
    let max = counts.iter().copied().max().unwrap_or(0);
    let mut running = 0;
    let cumulative: Vec<i64> = counts
        .iter()
        .map(|c| {
            running += c;
            running
        })
        .collect();
    let body = if total == 0 {
        no_data()
    } else {
        let labels: Vec<String> = types.iter().map(|t| t.failure_type.clone()).collect();
        let mut b = axes();
        b.push_str(&bars(&counts, max, &labels, "bar"));
        let slot = PLOT.2 / counts.len().max(1) as i64;
        let pts: Vec<String> = cumulative
            .iter()
            .enumerate()
            .map(|(i, c)| {
                format!(
                    "{},{}",
                    PLOT.0 + i as i64 * slot + slot / 2,
                    y_of(*c, total)
                )
            })
            .collect();
        let _ = writeln!(b, "<polyline class=\"line\" points=\"{}\"/>", pts.join(" "));
        b.push_str(&text_at(PLOT.0 - 6, PLOT.1 + 10, "end", &max.to_string()));
        b.push_str(&text_at(PLOT.0 + PLOT.2, PLOT.1 + 10, "end", "100 %"));
        b
    };
    let rows: Vec<Vec<String>> = types
        .iter()
        .zip(&cumulative)
        .map(|(t, c)| {
            let share = format_fraction(i128::from(*c) * 100, i128::from(total.max(1)), 2);
            vec![
                t.failure_type.clone(),
                t.count.to_string(),
                format!("{share} %"),
            ]
        })
        .collect();
    Chart {
        id: "chart-andon-pareto",
        title: "Andon Pareto",
        desc: format!(
            "The {total} andons raised in the period by failure type, with the running share"
        ),
        body,
        caption: "Andons by failure type, bars, and their cumulative share, line".into(),
        data: table(
            Some("data"),
            &["failure type", "andons", "cumulative"],
            &rows,
        ),
    }
    .render()
}

fn gate_chart(report: &WeeklyReport) -> String {
    let gates = &report.tps.gate_fpy;
    let values: Vec<i64> = gates
        .iter()
        .map(|g| {
            g.ratio
                .map_or(0, |r| i64::try_from(r.bp).unwrap_or(0).min(10_000))
        })
        .collect();
    let body = if gates.is_empty() {
        no_data()
    } else {
        let labels: Vec<String> = (1..=gates.len()).map(|i| i.to_string()).collect();
        let mut b = axes();
        b.push_str(&bars(&values, 10_000, &labels, "bar2"));
        let y95 = y_of(9500, 10_000);
        let _ = writeln!(
            b,
            "<line class=\"goal\" x1=\"{}\" y1=\"{y95}\" x2=\"{}\" y2=\"{y95}\"/>",
            PLOT.0,
            PLOT.0 + PLOT.2
        );
        b.push_str(&text_at(PLOT.0 - 6, y95 + 4, "end", "95 %"));
        b.push_str(&text_at(
            PLOT.0 + PLOT.2,
            234,
            "end",
            "gates in line order (see table)",
        ));
        b
    };
    let rows: Vec<Vec<String>> = gates
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let pct = g
                .ratio
                .map_or_else(|| NONE.to_owned(), |r| r.percent_text());
            vec![(i + 1).to_string(), g.gate.clone(), pct]
        })
        .collect();
    Chart {
        id: "chart-gate-fpy",
        title: "First-pass yield per gate",
        desc: format!(
            "First-pass yield of {} gates in line order, with the 95 % line",
            gates.len()
        ),
        body,
        caption: "First-pass yield per gate (%), line at 95 %".into(),
        data: table(Some("data"), &["#", "gate", "first-pass yield (%)"], &rows),
    }
    .render()
}

fn section(out: &mut String, id: &str, title: &str, body: &str) {
    let _ = write!(
        out,
        "<section id=\"{id}\">\n<h2>{}</h2>\n{body}</section>\n",
        esc(title)
    );
}

fn summary_html(r: &WeeklyReport) -> String {
    let rows: Vec<Vec<String>> = r
        .summary
        .metrics
        .iter()
        .map(|m| {
            vec![
                show::metric_label(m.metric).to_owned(),
                show::metric_value(m.metric, m.value),
                show::metric_value(m.metric, Some(m.target)),
                show::bp(m.achievement_bp),
            ]
        })
        .collect();
    let mut out = table(None, &["metric", "value", "target", "achievement"], &rows);
    let _ = writeln!(
        out,
        "<p>Overall achievement: {}</p>",
        esc(&show::bp(r.summary.overall_bp))
    );
    out
}

fn tps_html(r: &WeeklyReport) -> String {
    let t = &r.tps;
    let by_type: Vec<String> = t
        .andon_rate
        .by_type
        .iter()
        .map(|c| format!("{} {}", c.failure_type, c.count))
        .collect();
    let mut out = facts(&[
        ("lead time", show::summary_hours(&t.lead_time)),
        ("cycle time", show::summary_hours(&t.cycle_time)),
        (
            "throughput",
            format!(
                "{} a day ({} published in {} days)",
                t.throughput.per_day_text(),
                t.throughput.count,
                t.throughput.days
            ),
        ),
        ("first-pass yield", show::ratio(t.first_pass_yield.as_ref())),
        ("defect rate", show::ratio(t.defect_rate.as_ref())),
        ("rework rate", show::ratio(t.rework_rate.as_ref())),
        ("SLA attainment", show::ratio(t.sla.overall.as_ref())),
        ("open and breached", t.sla.open_breached.to_string()),
        ("gate pass rate", show::ratio(t.gate_pass_rate.as_ref())),
        (
            "andons raised",
            format!(
                "{} ({} a day) {}",
                t.andon_rate.rate.count,
                t.andon_rate.rate.per_day_text(),
                by_type.join(", ")
            ),
        ),
        ("andon resolution", show::summary_hours(&t.resolution)),
    ]);
    let rows: Vec<Vec<String>> = t
        .sla
        .by_bucket
        .iter()
        .map(|b| vec![b.bucket.clone(), show::ratio(b.ratio.as_ref())])
        .collect();
    out.push_str(&table(None, &["bucket", "SLA met"], &rows));
    out.push_str(&lead_time_chart(r));
    out.push_str(&pareto_chart(r));
    out.push_str(&gate_chart(r));
    out
}

fn dora_html(r: &WeeklyReport) -> String {
    let d = &r.dora;
    let band = |b: Option<String>| b.unwrap_or_else(|| NONE.to_owned());
    let daily: Vec<String> = d
        .deployment_frequency
        .daily
        .iter()
        .map(|c| c.count.to_string())
        .collect();
    facts(&[
        (
            "deployment frequency",
            format!(
                "{} a day, {} a week; band {}",
                d.deployment_frequency.rate.per_day_text(),
                show::milli(d.deployment_frequency.rate.milli_per_week),
                name_of(&d.deployment_frequency.band)
            ),
        ),
        ("deployments per day", daily.join(", ")),
        (
            "change lead time",
            format!(
                "{}; from commit {}, from start {}, dropped {}; band {}",
                show::summary_hours(&d.change_lead_time.summary),
                d.change_lead_time.from_commit,
                d.change_lead_time.from_start,
                d.change_lead_time.dropped,
                band(d.change_lead_time.band.map(|b| name_of(&b)))
            ),
        ),
        (
            "change fail rate",
            format!(
                "{}; band {}",
                show::ratio(d.change_fail_rate.ratio.as_ref()),
                band(d.change_fail_rate.band.map(|b| b.as_str().to_owned()))
            ),
        ),
        (
            "recovery time",
            format!(
                "{}; unresolved {}; band {}",
                show::summary_hours(&d.recovery.summary),
                d.recovery.unresolved,
                band(d.recovery.band.map(|b| name_of(&b)))
            ),
        ),
        (
            "deployment rework rate",
            show::ratio(d.deployment_rework_rate.as_ref()),
        ),
    ])
}

/// The `snake_case` name an enum shows in JSON.
pub(crate) fn name_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn flow_html(r: &WeeklyReport) -> String {
    let f = &r.flow.metrics;
    let wip: Vec<Vec<String>> = f
        .wip_series
        .iter()
        .zip(&f.throughput_series)
        .map(|(w, t)| vec![w.date.to_string(), w.wip.to_string(), t.count.to_string()])
        .collect();
    let mut out = table(None, &["day", "WIP", "completed"], &wip);
    let l = &f.littles_law;
    out.push_str(&facts(&[
        ("cycle time (days)", show::summary_days(&f.cycle_days)),
        ("discarded", f.discarded.to_string()),
        ("average WIP", l.avg_wip.text.clone()),
        ("throughput a day", l.throughput.text.clone()),
        (
            "mean cycle time (days)",
            show::opt(l.mean_cycle_days.as_ref(), |m| m.text.clone()),
        ),
        ("predicted WIP", l.predicted_wip.text.clone()),
        (
            "WIP / predicted",
            show::opt(l.ratio.as_ref(), |m| m.text.clone()),
        ),
        (
            "Little's law",
            format!(
                "starts {}, completions {}, WIP {} → {}; balanced {}, steady WIP {}, holds {}",
                l.starts, l.completions, l.wip_start, l.wip_end, l.balanced, l.steady_wip, l.holds
            ),
        ),
    ]));
    let sle: Vec<Vec<String>> = f
        .sle
        .iter()
        .map(|s| {
            vec![
                s.bucket.clone(),
                s.items.to_string(),
                show::opt(s.sle_days, |d| format!("{d} d")),
            ]
        })
        .collect();
    out.push_str(&table(None, &["bucket", "completions", "SLE"], &sle));
    let ages: Vec<Vec<String>> = f
        .ages
        .iter()
        .map(|a| {
            vec![
                a.work_order.to_string(),
                a.bucket.clone(),
                format!("{} d", a.age_days),
                show::hours(Some(a.age_ms)),
            ]
        })
        .collect();
    out.push_str(&table(
        None,
        &["work in progress", "bucket", "age", "age (hours)"],
        &ages,
    ));
    if f.aging_alerts.is_empty() {
        out.push_str("<p>No aging alerts.</p>\n");
    } else {
        let alerts: Vec<Vec<String>> = f
            .aging_alerts
            .iter()
            .map(|a| {
                vec![
                    a.work_order.to_string(),
                    a.bucket.clone(),
                    format!("{} d", a.age_days),
                    format!("{} d", a.sle_days),
                ]
            })
            .collect();
        out.push_str(&table(
            None,
            &["aging alert", "bucket", "age", "SLE"],
            &alerts,
        ));
    }
    out.push_str(&throughput_chart(r));
    out.push_str(&cfd_chart(r));
    out
}

fn by_type_rows(by_type: &WasteByType) -> Vec<Vec<String>> {
    by_type
        .0
        .iter()
        .map(|(t, total)| {
            vec![
                t.as_str().to_owned(),
                total.count.to_string(),
                show::hours(Some(total.total_ms)),
            ]
        })
        .collect()
}

fn waste_html(r: &WeeklyReport) -> String {
    let w = &r.waste;
    let mut out = format!(
        "<p>Total waste: {}</p>\n",
        esc(&show::hours(Some(w.total_ms)))
    );
    let rows: Vec<Vec<String>> = w
        .top
        .iter()
        .map(|p| {
            vec![
                p.waste_type.as_str().to_owned(),
                p.stage.clone(),
                p.cause.clone(),
                p.frequency.to_string(),
                show::hours(Some(p.total_ms)),
                show::hours(Some(p.weekly_ms)),
                p.text.clone(),
                p.examples.join(", "),
            ]
        })
        .collect();
    out.push_str(&table(
        None,
        &[
            "type",
            "stage",
            "cause",
            "frequency",
            "total",
            "a week",
            "why",
            "examples",
        ],
        &rows,
    ));
    out.push_str(&table(
        None,
        &["type", "points", "total"],
        &by_type_rows(&w.by_type),
    ));
    out
}

fn proposals_html(r: &WeeklyReport) -> String {
    if r.proposals.is_empty() {
        return "<p>No proposals.</p>\n".into();
    }
    let rows: Vec<Vec<String>> = r
        .proposals
        .iter()
        .map(|p| {
            vec![
                p.description.clone(),
                p.benefit.clone(),
                format!("{} ({} h)", p.effort.as_str(), p.effort_hours),
                p.roi.clone(),
            ]
        })
        .collect();
    table(None, &["proposal", "benefit", "effort", "ROI"], &rows)
}

fn improvements_html(r: &WeeklyReport) -> String {
    if r.improvements.is_empty() {
        return "<p>No improvement was applied or concluded in this period.</p>\n".into();
    }
    let rows: Vec<Vec<String>> = r
        .improvements
        .iter()
        .map(|i| {
            vec![
                i.id.to_string(),
                i.description.clone(),
                i.status.as_str().to_owned(),
                show::opt(i.decision, |d| d.as_str().to_owned()),
                show::opt(i.benefit_ms, |b| show::hours(Some(b))),
            ]
        })
        .collect();
    table(
        None,
        &[
            "improvement",
            "description",
            "status",
            "decision",
            "benefit",
        ],
        &rows,
    )
}

fn trends_html(r: &WeeklyReport) -> String {
    let weeks: Vec<String> = r.trends.weeks.iter().map(|w| w.to.to_string()).collect();
    let mut head = vec!["metric"];
    head.extend(weeks.iter().map(String::as_str));
    head.extend(["direction", "rate a week", "on track"]);
    let rows: Vec<Vec<String>> = r
        .trends
        .metrics
        .iter()
        .map(|t| {
            let mut row = vec![show::metric_label(t.metric).to_owned()];
            row.extend(
                r.trends
                    .weeks
                    .iter()
                    .map(|w| show::metric_value(t.metric, w.get(t.metric))),
            );
            row.push(name_of(&t.direction));
            row.push(show::bp(t.rate_bp));
            row.push(if t.on_track { "yes" } else { "no" }.into());
            row
        })
        .collect();
    table(None, &head, &rows)
}

fn week_over_week_html(r: &WeeklyReport) -> String {
    let rows: Vec<Vec<String>> = r
        .week_over_week
        .iter()
        .map(|w| {
            vec![
                show::metric_label(w.metric).to_owned(),
                show::metric_value(w.metric, w.current),
                show::metric_value(w.metric, w.previous),
                show::bp(w.change_bp),
                show::opt(w.improved, |b| if b { "yes" } else { "no" }.to_owned()),
            ]
        })
        .collect();
    table(
        None,
        &["metric", "this week", "last week", "change", "improved"],
        &rows,
    )
}

fn recommendations_html(r: &WeeklyReport) -> String {
    if r.recommendations.is_empty() {
        return "<p>No recommendations.</p>\n".into();
    }
    let mut out = "<ul>\n".to_owned();
    for rec in &r.recommendations {
        let priority = if rec.priority == super::report::Priority::High {
            "high"
        } else {
            "medium"
        };
        let _ = writeln!(
            out,
            "<li><strong>{}</strong> ({}): {} – {}</li>",
            esc(priority),
            esc(&rec.category),
            esc(&rec.message),
            esc(&rec.action)
        );
    }
    out.push_str("</ul>\n");
    out
}

/// The title of a report: `Kaizen report, week ending YYYY-MM-DD`.
#[must_use]
pub(crate) fn title(report: &WeeklyReport) -> String {
    if report.report == "weekly_kaizen" {
        format!("Kaizen report, week ending {}", report.week_ending)
    } else {
        format!(
            "Kaizen report, {} to {}",
            report.window.from, report.window.to
        )
    }
}

/// Renders a report as one self-contained HTML5 file (kaizen.md 11.3):
/// one `<style>`, inline SVG charts, no script, no external asset, no
/// URL. The same report always gives the same bytes.
#[must_use]
pub fn render_html(report: &WeeklyReport) -> String {
    let title = title(report);
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    section(
        &mut out,
        "week_ending",
        "Week ending",
        &format!("<p>{}</p>\n", report.week_ending),
    );
    section(
        &mut out,
        "window",
        "Period",
        &format!(
            "<p>{} to {} (both included)</p>\n",
            report.window.from, report.window.to
        ),
    );
    section(
        &mut out,
        "generated_at",
        "Generated",
        &format!("<p>{}</p>\n", esc(&report.generated_at)),
    );
    section(&mut out, "summary", "Summary", &summary_html(report));
    section(&mut out, "tps", "TPS metrics", &tps_html(report));
    section(&mut out, "dora", "DORA metrics", &dora_html(report));
    section(&mut out, "flow", "Flow", &flow_html(report));
    section(&mut out, "waste", "Waste", &waste_html(report));
    section(&mut out, "proposals", "Proposals", &proposals_html(report));
    section(
        &mut out,
        "improvements",
        "Improvements",
        &improvements_html(report),
    );
    section(&mut out, "trends", "Trends", &trends_html(report));
    section(
        &mut out,
        "week_over_week",
        "Week over week",
        &week_over_week_html(report),
    );
    section(
        &mut out,
        "recommendations",
        "Recommendations",
        &recommendations_html(report),
    );
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
    }

    #[test]
    fn the_plot_scale_uses_integers() {
        assert_eq!(y_of(9500, 10_000), 26);
        assert_eq!(y_of(0, 0), 200);
    }
}
