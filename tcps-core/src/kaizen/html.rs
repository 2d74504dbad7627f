//! The HTML report (kaizen.md 11.3).

use super::report::WeeklyReport;

/// Renders a report as one self-contained HTML file.
#[must_use]
pub fn render_html(report: &WeeklyReport) -> String {
    let _ = report;
    String::new()
}
