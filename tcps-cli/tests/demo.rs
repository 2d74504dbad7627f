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

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("utf-8 output")
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

/// A small seeded generator (`SplitMix64`), so a failure names a bit
/// that the next run flips again.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The 1-based lines checked byte by byte: the first, the first intake,
/// and the receipts of four operations (a publication of two receipts,
/// the failed gate that pulls the andon, the 5 Whys' end and the
/// resolution, the last publication).
fn exhaustive_lines(log: &[Receipt]) -> Vec<u64> {
    let line_of = |kind: &str, subject: &str| {
        let at = log
            .iter()
            .position(|r| r.kind == kind && r.subject == subject)
            .unwrap_or_else(|| panic!("no {kind} for {subject}"));
        at as u64 + 1
    };
    let first_publication = line_of("sku.published", "SKU-000001");
    let andon = line_of("andon.raised", "ANDON-000001");
    let last = log.len() as u64;

    vec![
        1,
        line_of("work_order.created", "WO-000001"),
        first_publication,
        first_publication + 1,
        andon - 1,
        andon,
        line_of("analysis.finalized", "RCA-000001"),
        line_of("andon.resolved", "ANDON-000001"),
        last - 1,
        last,
    ]
}

/// Every byte of ten lines and a seeded sample of one byte in eight
/// elsewhere, each with one bit flipped, the bit drawn from the same
/// generator: an exhaustive pass over all 44 KB takes about 25 s in a
/// debug build.
#[test]
fn changing_any_single_byte_fails_verification_at_that_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());
    let bytes = std::fs::read(&path).unwrap();
    let log = receipts(&path);
    let exhaustive = exhaustive_lines(&log);
    let distinct: std::collections::BTreeSet<_> = exhaustive.iter().collect();
    assert_eq!(distinct.len(), 10, "{exhaustive:?}");
    let mut rng = SplitMix(0x7c95_2026);
    let mut bits_flipped = [0u32; 8];
    let mut checked_lines = std::collections::BTreeSet::new();
    assert_eq!(failing_line(&bytes), None);

    let mut line = 1;
    let mut copy = bytes.clone();
    for i in 0..bytes.len() {
        let sampled = rng.next().is_multiple_of(8);
        let bit = (rng.next() % 8) as usize;
        if exhaustive.contains(&line) || sampled {
            bits_flipped[bit] += 1;
            checked_lines.insert(line);
            copy[i] ^= 1 << bit;

            assert_eq!(
                failing_line(&copy),
                Some(line),
                "byte {i} ({:?}) with bit {bit} flipped",
                bytes[i] as char
            );

            copy[i] = bytes[i];
        }
        if bytes[i] == b'\n' {
            line += 1;
        }
    }

    assert_eq!(line - 1, log.len() as u64);
    assert_eq!(checked_lines.len(), log.len(), "every line is sampled");
    assert!(bits_flipped.iter().all(|n| *n > 500), "{bits_flipped:?}");
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

/// The steps the demo prints, in order: each must appear after the one
/// before it.
const STEPS: [&str; 16] = [
    "2026-01-26T10:01:00.000Z  intake hub4j-github-api__AppTest-testCreateIssue-4-r_h_g_issues.json: \
     WO-000001 in bucket reliability at priority 6 \
     (https://github.com/hub4j-test-org/github-api-test/issues/1)",
    "2026-01-26T10:02:00.000Z  intake octokit-webhooks__issues-opened.with-empty-body.payload.json: \
     WO-000002 in bucket reliability at priority 6 \
     (https://github.com/Codertocat/Hello-World/issues/1)",
    "2026-01-26T10:03:00.000Z  intake XAMPPRocky-octocrab__issues_event.json: \
     WO-000003 in bucket features at priority 4 \
     (https://github.com/wayofthepie/test-events/issues/6)",
    "2026-01-26T10:04:00.000Z  intake rustsec-advisory-db__RUSTSEC-2016-0001.json: \
     WO-000004 in bucket security at priority 9 (RUSTSEC-2016-0001)",
    "2026-01-26T10:09:00.000Z  started WO-000004, building SKU-000001",
    "2026-01-26T11:13:00.000Z  SKU-000001 released and published, WO-000004 completed",
    "2026-01-26T11:13:00.000Z  SKU-000001 published: every gate passed on the first attempt",
    "2026-01-26T11:23:00.000Z  started WO-000002, building SKU-000002",
    "2026-01-26T11:41:00.000Z  gate test_execution for SKU-000002: fail on \
     mikepenz-action-junit-report__basic.xml, coverallsapp-coverage-reporter__test.lcov",
    "2026-01-26T11:41:00.000Z  andon ANDON-000001 pulled: SKU-000002 is stopped",
    "2026-01-26T11:41:00.000Z  moving SKU-000002 on is refused: line stopped by ANDON-000001",
    "2026-01-26T12:16:00.000Z  5 whys RCA-000001 finalized for ANDON-000001",
    "2026-01-26T12:46:00.000Z  andon ANDON-000001 resolved: the line runs again",
    "2026-01-26T13:05:00.000Z  gate test_execution for SKU-000002: pass on \
     EnricoMi-publish-unit-test-result-action__latex-utensils.xml, \
     coverallsapp-coverage-reporter__test.lcov",
    "2026-01-26T13:51:00.000Z  SKU-000002 released and published, WO-000002 completed",
    "2026-01-26T13:51:00.000Z  SKU-000002 published after its andon was resolved",
];

/// Where each step is printed, panicking on a step missing or out of
/// order.
fn step_positions(lines: &[&str]) -> Vec<usize> {
    let mut from = 0;
    STEPS
        .iter()
        .map(|step| {
            let found = lines[from..]
                .iter()
                .position(|l| l == step)
                .unwrap_or_else(|| panic!("step missing or out of order: {step}"));
            from += found + 1;
            from - 1
        })
        .collect()
}

#[test]
fn the_demo_prints_its_steps_in_order_then_the_kaizen_report_and_the_verification() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.jsonl");
    let journal = path.to_str().unwrap();

    let out = tcps(&["--journal", journal, "demo"]);
    let report = tcps(&[
        "--journal",
        journal,
        "--now",
        "2026-01-26T13:51:00.000Z",
        "report",
    ]);

    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(report.status.success(), "{}", text(&report.stderr));
    assert_eq!(text(&out.stderr), "");
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[0],
        format!("2026-01-26T10:00:00.000Z  opened line `tcps` in {journal}")
    );
    let positions = step_positions(&lines);
    assert_eq!(positions[..4], [1, 2, 3, 4], "the intakes come first");
    // After the last step: the kaizen report of the demo's last moment,
    // then the journal's verification, and nothing else.
    let last_step = positions[STEPS.len() - 1];
    let tail = lines[last_step + 1..].join("\n") + "\n";
    assert_eq!(
        tail,
        format!(
            "\n{}\njournal {journal}: 59 receipts, verified\n",
            text(&report.stdout)
        )
    );
    assert!(tail.starts_with("\nKaizen report, week ending 2026-01-26\n"));
}

#[test]
fn the_quiet_demo_prints_only_the_report_and_the_verification() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.jsonl");
    let journal = path.to_str().unwrap();

    let quiet = tcps(&["--journal", journal, "demo", "--quiet"]);

    assert!(quiet.status.success(), "{}", text(&quiet.stderr));
    let stdout = text(&quiet.stdout);
    assert!(
        stdout.starts_with("\nKaizen report, week ending 2026-01-26\n"),
        "{stdout}"
    );
    assert!(stdout.ends_with(&format!("\njournal {journal}: 59 receipts, verified\n")));
    assert!(!stdout.contains("intake"));
}

/// Runs `tcps demo` without `--journal`, with `dir` as the working and
/// the temporary directory, and returns the journal path it names.
fn demo_without_journal(dir: &Path) -> PathBuf {
    let out = Command::new(env!("CARGO_BIN_EXE_tcps"))
        .arg("demo")
        .current_dir(dir)
        .env("TMPDIR", dir)
        .output()
        .expect("the tcps binary runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);

    let first = stdout.lines().next().unwrap();
    let named = first
        .strip_prefix("2026-01-26T10:00:00.000Z  opened line `tcps` in ")
        .unwrap_or_else(|| panic!("{first}"));
    let last = stdout.lines().last().unwrap();
    assert_eq!(last, format!("journal {named}: 59 receipts, verified"));
    PathBuf::from(named)
}

#[test]
fn the_demo_without_a_journal_writes_a_fresh_temporary_file_that_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let reference = std::fs::read(demo_journal(dir.path())).unwrap();
    let scratch = tempfile::tempdir().unwrap();

    let first = demo_without_journal(scratch.path());
    let second = demo_without_journal(scratch.path());

    for path in [&first, &second] {
        assert_eq!(path.file_name().unwrap(), "demo.jsonl");
        let folder = path.parent().unwrap();
        assert_eq!(folder.parent().unwrap(), scratch.path());
        let folder_name = folder.file_name().unwrap().to_str().unwrap();
        assert!(folder_name.starts_with("tcps-demo-"), "{folder_name}");
        assert_eq!(std::fs::read(path).unwrap(), reference);
        let verify = tcps(&["--journal", path.to_str().unwrap(), "verify"]);
        assert!(verify.status.success(), "{}", text(&verify.stderr));
    }
    assert_ne!(first, second, "each run gets its own file");
    assert!(!scratch.path().join("tcps.journal").exists());
}

#[test]
fn the_independent_reader_gives_the_checkpoint_tcps_prints_for_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_journal(dir.path());
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/evidence_independent.py"
    );

    let ours = tcps(&["--journal", path.to_str().unwrap(), "checkpoint"]);
    let theirs = Command::new("python3")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3 runs the independent reader");

    assert!(ours.status.success(), "{}", text(&ours.stderr));
    assert!(theirs.status.success(), "{}", text(&theirs.stdout));
    let checkpoint = text(&ours.stdout);
    assert_eq!(checkpoint, text(&theirs.stdout));
    let lines: Vec<&str> = checkpoint.lines().collect();
    assert_eq!(lines[..2], ["tcps", "59"]);
    assert_eq!(lines[2].len(), 44);
}
