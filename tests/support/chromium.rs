//! Debian's chromium, headless, as a test renderer of the HTML report
//! (kaizen.md 11.3): shared by `tcps-core/tests/kaizen_html.rs` and
//! `tcps-cli/tests/andon_cli.rs`, which include this file with
//! `#[path]`.

use std::path::Path;
use std::process::Command;

pub const CHROMIUM: &str = "/usr/bin/chromium";

pub const CHARTS: [&str; 5] = [
    "chart-lead-time",
    "chart-throughput",
    "chart-cfd",
    "chart-andon-pareto",
    "chart-gate-fpy",
];

/// Tall enough to hold the whole report, so every chart is on the shot.
pub const WINDOW: &str = "--window-size=1280,6000";

/// Runs chromium headless on `page` with `action` (`--screenshot=…` or
/// `--dump-dom`) and a fresh profile; returns stdout and the console
/// messages it logged.
pub fn chromium(page: &Path, action: &str) -> Result<(String, Vec<String>), String> {
    if !Path::new(CHROMIUM).exists() {
        return Err(format!(
            "{CHROMIUM} is missing: install Debian's chromium \
             (apt-get install -y --no-install-recommends chromium)"
        ));
    }
    let profile = tempfile::tempdir().map_err(|e| e.to_string())?;
    let output = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            WINDOW,
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(action)
        .arg(format!("file://{}", page.display()))
        .output()
        .map_err(|e| format!("cannot run {CHROMIUM}: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("chromium failed ({}): {stderr}", output.status));
    }
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    Ok((
        String::from_utf8_lossy(&output.stdout).into_owned(),
        console,
    ))
}

/// Shoots `page` into `png`; fails on any console message and on a file
/// that is not a PNG of the window's width.
pub fn shoot(page: &Path, png: &Path) -> Result<Vec<u8>, String> {
    let (_, console) = chromium(page, &format!("--screenshot={}", png.display()))?;
    if !console.is_empty() {
        return Err(format!("console messages: {console:#?}"));
    }
    let bytes = std::fs::read(png).map_err(|e| format!("no screenshot: {e}"))?;
    let header_ok = bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR");
    let width = bytes
        .get(16..20)
        .map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]));
    if !header_ok || width != Some(1280) {
        return Err(format!("{} is not a 1280 px wide PNG", png.display()));
    }
    Ok(bytes)
}

/// The report with one chart's shapes hidden.
pub fn without_chart(html: &str, id: &str) -> String {
    let rule = format!(
        "#{id} rect,#{id} polyline,#{id} polygon,#{id} circle,#{id} line{{visibility:hidden}}\n"
    );
    html.replacen("</style>", &format!("{rule}</style>"), 1)
}
