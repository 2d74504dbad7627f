//! The HTML report of fixture K's week in a real headless browser
//! (kaizen.md 11.3): Debian's chromium renders it without a console
//! message, and each of the five charts paints something.
//!
//! How "paints" is checked without decoding pixels: the page is shot
//! once as it is and once per chart with that chart's shapes hidden by
//! an extra CSS rule; every such shot must differ from the first, and
//! shooting the same page twice must give the same bytes. The shots are
//! kept under the target directory (`target/tmp/kaizen_html/`), out of
//! git, for a person to look at.

mod kaizen_common;

use std::path::{Path, PathBuf};

use kaizen_common::{NOW, date, fixture_k};
use tcps_core::kaizen;

#[path = "../../tests/support/chromium.rs"]
mod chromium_support;

use chromium_support::{CHARTS, chromium, shoot, without_chart};

fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("kaizen_html")
        .join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What one chromium run gave: a shot's bytes or a DOM dump.
type Run = Result<(Vec<u8>, String), String>;

/// Runs the jobs in parallel, at most four chromium processes at a time
/// (chromium spends most of a run waiting, not computing).
fn in_parallel(jobs: Vec<Box<dyn FnOnce() -> Run + Send + '_>>) -> Vec<Run> {
    let mut results = Vec::new();
    let mut jobs = jobs.into_iter().peekable();
    while jobs.peek().is_some() {
        let wave: Vec<_> = jobs.by_ref().take(4).collect();
        std::thread::scope(|scope| {
            let handles: Vec<_> = wave.into_iter().map(|job| scope.spawn(job)).collect();
            for h in handles {
                results.push(
                    h.join()
                        .unwrap_or_else(|_| Err("a chromium job panicked".into())),
                );
            }
        });
    }
    results
}

/// Opens the report in chromium and checks it renders every chart with
/// no console message; the shots go to `dir`.
fn check_in_browser(html: &str, dir: &Path) -> Result<(), String> {
    let page = dir.join("report.html");
    std::fs::write(&page, html).map_err(|e| e.to_string())?;
    let full = shoot(&page, &dir.join("report.png"))?;

    let mut jobs: Vec<Box<dyn FnOnce() -> Run + Send + '_>> = Vec::new();
    let dump_page = page.clone();
    jobs.push(Box::new(move || {
        let (dom, console) = chromium(&dump_page, "--dump-dom")?;
        if console.is_empty() {
            Ok((Vec::new(), dom))
        } else {
            Err(format!("console messages: {console:#?}"))
        }
    }));
    let again_page = page.clone();
    let again_png = dir.join("report-again.png");
    jobs.push(Box::new(move || {
        Ok((shoot(&again_page, &again_png)?, String::new()))
    }));
    for id in CHARTS {
        let variant = dir.join(format!("without-{id}.html"));
        std::fs::write(&variant, without_chart(html, id)).map_err(|e| e.to_string())?;
        let png = dir.join(format!("without-{id}.png"));
        jobs.push(Box::new(move || {
            Ok((shoot(&variant, &png)?, String::new()))
        }));
    }
    let mut results = in_parallel(jobs).into_iter();

    let (_, dom) = results.next().ok_or("no DOM dump")??;
    for id in CHARTS {
        let Some(start) = dom.find(&format!("<figure id=\"{id}\">")) else {
            return Err(format!("chart {id} is missing"));
        };
        let figure = &dom[start..start + dom[start..].find("</figure>").unwrap_or(0)];
        let drawn = ["<rect", "<polyline", "<polygon"]
            .iter()
            .any(|s| figure.contains(s));
        if !figure.contains("<svg") || !drawn {
            return Err(format!("chart {id} has no drawing"));
        }
    }
    let (again, _) = results.next().ok_or("no second shot")??;
    if again != full {
        return Err("two shots of the same page differ".into());
    }
    for id in CHARTS {
        let (shot, _) = results.next().ok_or("a shot is missing")??;
        if shot == full {
            return Err(format!("chart {id} paints nothing"));
        }
    }
    Ok(())
}

fn html_of_k() -> String {
    let report = kaizen::weekly_report(&fixture_k(), date("2026-01-25"), NOW).unwrap();
    kaizen::render_html(&report)
}

#[test]
fn the_report_of_ks_week_renders_every_chart_in_chromium() {
    let html = html_of_k();

    let checked = check_in_browser(&html, &out_dir("k"));

    assert_eq!(checked, Ok(()));
}

#[test]
fn a_console_error_fails_the_browser_check() {
    let html = html_of_k().replacen(
        "<polyline class=\"line\" points=\"",
        "<polyline points=\"x,",
        1,
    );

    let checked = check_in_browser(&html, &out_dir("console-error"));

    let message = checked.unwrap_err();
    assert!(
        message.contains("console messages") && message.contains("points"),
        "{message}"
    );
}

#[test]
fn a_missing_chart_fails_the_browser_check() {
    let html = html_of_k().replacen(
        "<figure id=\"chart-cfd\">",
        "<figure id=\"chart-other\">",
        1,
    );

    let checked = check_in_browser(&html, &out_dir("missing-chart"));

    assert_eq!(checked, Err("chart chart-cfd is missing".to_owned()));
}
