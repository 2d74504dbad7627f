//! The demo line end to end: its receipts, the state replayed from its
//! journal, and verification, including after any single changed byte.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tcps_core::journal::{self, JournalFile};
use tcps_core::receipt::Receipt;
use tcps_core::{Error, Line};

fn tcps(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tcps"))
        .args(args)
        .output()
        .expect("the tcps binary runs")
}

/// Runs the demo into a fresh journal and returns its path.
fn demo_journal(dir: &Path) -> PathBuf {
    let path = dir.join("demo.jsonl");
    let out = tcps(&["--journal", path.to_str().unwrap(), "demo"]);
    assert!(
        out.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

fn receipts(path: &Path) -> Vec<Receipt> {
    std::fs::read(path)
        .unwrap()
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| Receipt::from_json(l).unwrap())
        .collect()
}

#[test]
fn the_demo_stops_a_sku_with_an_andon_and_later_publishes_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());

    let log = receipts(&path);
    let kinds: Vec<(&str, &str)> = log
        .iter()
        .map(|r| (r.kind.as_str(), r.subject.as_str()))
        .collect();
    let position = |kind: &str, subject: &str| {
        kinds
            .iter()
            .position(|k| *k == (kind, subject))
            .unwrap_or_else(|| panic!("no {kind} for {subject}"))
    };

    assert_eq!(kinds[0], ("line.opened", "line"));
    assert_eq!(
        kinds.iter().filter(|k| k.0 == "work_order.created").count(),
        4
    );
    assert_eq!(kinds.iter().filter(|k| k.0 == "sku.published").count(), 2);
    let raised = position("andon.raised", "ANDON-000001");
    let resolved = position("andon.resolved", "ANDON-000001");
    let published = position("sku.published", "SKU-000002");
    assert!(raised < resolved && resolved < published);
    assert_eq!(
        log[raised].field("sku").and_then(|v| v.as_str()),
        Some("SKU-000002")
    );
    // The andon is raised in the same operation as the failed evaluation.
    assert_eq!(log[raised - 1].kind, "gate.evaluated");
    assert_eq!(log[raised - 1].more, 1);
    assert_eq!(log[raised - 1].at, log[raised].at);
}

#[test]
fn the_demo_journal_replays_into_the_line_it_describes() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());

    let replayed = Line::replay(receipts(&path)).unwrap();
    let opened = tcps_core::journal::Journal::open_read_only(&path)
        .unwrap()
        .into_line();

    assert!(replayed == opened);
    assert!(replayed.verify().is_ok());
    let sku = replayed.sku("SKU-000002".parse().unwrap()).unwrap();
    assert_eq!(sku.status.to_string(), "published");
    let andon = replayed.andon("ANDON-000001".parse().unwrap()).unwrap();
    assert_eq!(andon.status.as_str(), "resolved");
    let wo = replayed.work_order("WO-000002".parse().unwrap()).unwrap();
    assert_eq!(wo.status.to_string(), "completed");
}

#[test]
fn two_demo_runs_write_identical_journals() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());

    let first = std::fs::read(demo_journal(a.path())).unwrap();
    let second = std::fs::read(demo_journal(b.path())).unwrap();

    assert_eq!(first, second);
}

#[test]
fn tcps_verify_passes_on_the_demo_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());

    let out = tcps(&["--journal", path.to_str().unwrap(), "verify"]);

    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The 1-based line at which a check of these bytes fails, if it does.
fn failing_line(bytes: &[u8]) -> Option<u64> {
    match journal::check_bytes(bytes) {
        Ok(report) => report
            .recovered
            .map(|r| report.receipts + r.dropped.len() as u64 + 1),
        Err(Error::JournalCorrupt { line, .. }) => Some(line),
        Err(e) => panic!("unexpected error {e}"),
    }
}

/// Every byte of the first line, of the last two (one operation of two
/// receipts), of the andon's operation, and every 17th byte elsewhere:
/// an exhaustive pass over all 44 KB takes minutes in a debug build.
#[test]
fn changing_any_single_byte_fails_verification_at_that_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());
    let bytes = std::fs::read(&path).unwrap();
    let log = receipts(&path);
    let raised = log.iter().position(|r| r.kind == "andon.raised").unwrap() as u64 + 1;
    let last = log.len() as u64;
    let exhaustive = [1, raised - 1, raised, last - 1, last];
    assert_eq!(failing_line(&bytes), None);

    let mut line = 1;
    let mut copy = bytes.clone();
    for i in 0..bytes.len() {
        if exhaustive.contains(&line) || i % 17 == 0 {
            copy[i] ^= 0x01;

            assert_eq!(failing_line(&copy), Some(line), "byte {i} changed");

            copy[i] = bytes[i];
        }
        if bytes[i] == b'\n' {
            line += 1;
        }
    }
}

#[test]
fn tcps_verify_names_the_changed_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());
    let bytes = std::fs::read(&path).unwrap();
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .filter(|i| *i < bytes.len())
        .collect();

    for (n, start) in starts.iter().enumerate() {
        let mut copy = bytes.clone();
        copy[start + 20] ^= 0x01;
        let bad = dir.path().join(format!("bad-{n}.jsonl"));
        std::fs::write(&bad, &copy).unwrap();

        let out = tcps(&["--journal", bad.to_str().unwrap(), "verify"]);

        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "line {} passed", n + 1);
        assert!(
            stderr.contains(&format!("line {}", n + 1)),
            "line {}: {stderr}",
            n + 1
        );
        assert_eq!(stderr.lines().filter(|l| l.contains("error")).count(), 1);
    }
}

#[test]
fn a_journal_opened_by_the_evidence_layer_matches_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());

    let file = JournalFile::open_read_only(&path).unwrap();
    let line = Line::replay(receipts(&path)).unwrap();

    assert_eq!(file.len(), line.len());
    assert_eq!(
        file.tree_head(file.len()).unwrap(),
        line.tree_head(line.len()).unwrap()
    );
}
