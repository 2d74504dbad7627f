//! The text form of a report, for terminals.

use super::report::WeeklyReport;

/// Renders a report as plain text.
#[must_use]
pub fn render_text(report: &WeeklyReport) -> String {
    let _ = report;
    String::new()
}
