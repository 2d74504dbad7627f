//! Rules of the journal file that the worked examples leave out
//! (evidence-log.md 5.5, 6.4): an anchor checkpoint on open, a receipt
//! the line refuses on replay, and lines over 1 MiB.

mod evidence_util;

use std::path::Path;

use evidence_util::{d, demo, demo_journal, lines, rechain, seal, temp_journal};
use tcps_core::checkpoint::Checkpoint;
use tcps_core::flow::{Signal, SignalKind};
use tcps_core::journal::{
    Journal, JournalFile, JournalOptions, MAX_LINE_BYTES, Recovery, cut_from_line,
};
use tcps_core::receipt::Receipt;
use tcps_core::{Config, Error};

const T0: i64 = 1_769_421_600_000;

/// The demo log's checkpoint at size 4 (5.1, 9 example 29).
const DEMO_SIZE_4: &[u8] = b"tcps.example/demo\n4\nwPtvTPIryRpzxJd4Tj6nXSQQG5CKzjzliN6D9CiOykU=\n";

/// The demo log's tree head at size 4 (4.7).
const ROOT_4: &str = "c0fb6f4cf22bc91a73c497784e3ea75d24101b908ace3ce588de83f4288eca45";

fn write(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).expect("the test journal is written");
}

fn demo_anchor() -> Checkpoint {
    Checkpoint::parse(DEMO_SIZE_4).unwrap()
}

fn corrupt_parts(e: Error) -> (u64, u64, String, String) {
    match e {
        Error::JournalCorrupt {
            line,
            offset,
            reason,
            detail,
            ..
        } => (line, offset, reason, detail),
        other => panic!("expected journal_corrupt, got {other:?}"),
    }
}

fn grow(journal: &mut Journal, reason: &str, changes: i64) {
    for i in 0..changes {
        journal
            .change_config(Config::standard(), &format!("{reason} {i}"), T0 + i * 1000)
            .unwrap();
    }
}

// ---- 5.5 and 6.4 step 8: an anchor checkpoint ----

#[test]
fn the_demo_journal_opens_against_its_size_4_checkpoint() {
    let (_dir, path) = temp_journal();
    write(&path, &demo_journal());

    let journal = JournalFile::open_anchored(&path, &demo_anchor()).unwrap();

    assert_eq!(journal.report().receipts, 7);
    assert_eq!(journal.tree_head(4).unwrap(), d(ROOT_4));
}

#[test]
fn a_journal_cut_back_below_the_anchor_fails_with_size_beyond_log() {
    let (_dir, path) = temp_journal();
    let bytes = demo_journal();
    write(&path, &bytes[..1173]);

    let err = JournalFile::open_anchored(&path, &demo_anchor()).unwrap_err();

    assert_eq!(
        err,
        Error::CheckpointMismatch {
            reason: "size_beyond_log".into(),
            detail: "checkpoint size 4, log size 3".into(),
        }
    );
    assert_eq!(err.code(), 432);
    assert!(JournalFile::open(&path).is_ok(), "the lock was released");
}

#[test]
fn a_journal_rewritten_below_the_anchor_fails_with_root_differs() {
    let (_dir, path) = temp_journal();
    let mut log = demo();
    log[3] = seal(
        3,
        log[3].at,
        "gate.passed",
        "SKU-000001",
        tcps_core::obj! { "errors" => 0i64, "gate" => "compilation", "warnings" => 0i64 },
        0,
        log[2].hash,
    );
    rechain(&mut log, 4);
    write(&path, &lines(&log).concat());
    let forged_root = JournalFile::open(&path).unwrap().tree_head(4).unwrap();

    let err = JournalFile::open_anchored(&path, &demo_anchor()).unwrap_err();

    assert_ne!(forged_root, d(ROOT_4));
    assert_eq!(
        err,
        Error::CheckpointMismatch {
            reason: "root_differs".into(),
            detail: format!("size 4, checkpoint root {ROOT_4}, log root {forged_root}"),
        }
    );
}

#[test]
fn a_journal_rewritten_only_above_the_anchor_still_opens() {
    let (_dir, path) = temp_journal();
    let mut log = demo();
    log[6] = seal(
        6,
        log[6].at,
        "gate.passed",
        "SKU-000001",
        tcps_core::obj! { "errors" => 0i64, "gate" => "compilation", "warnings" => 0i64 },
        0,
        log[5].hash,
    );
    write(&path, &lines(&log).concat());

    let journal = JournalFile::open_anchored(&path, &demo_anchor()).unwrap();

    assert_ne!(
        journal.report().tree_head,
        d("39f46a1abf2f8eb0b32390f24c0d262fc5d1a2e62e38ea2f9292a36d4be83382")
    );
}

#[test]
fn a_journaled_line_opens_with_an_anchor_it_matches() {
    let (_dir, path) = temp_journal();
    let mut journal =
        Journal::create(&path, Config::standard(), T0, &JournalOptions::new()).unwrap();
    grow(&mut journal, "change", 4);
    let anchor = journal.checkpoint(3).unwrap();
    journal.close().unwrap();

    let reopened = Journal::open(&path, &JournalOptions::new().with_anchor(anchor)).unwrap();

    assert_eq!(reopened.len(), 5);
}

#[test]
fn a_journaled_line_cut_back_below_its_anchor_does_not_open() {
    let (_dir, path) = temp_journal();
    let mut journal =
        Journal::create(&path, Config::standard(), T0, &JournalOptions::new()).unwrap();
    grow(&mut journal, "change", 4);
    let anchor = journal.checkpoint(3).unwrap();
    journal.close().unwrap();
    cut_from_line(&path, 3).unwrap();

    let err = Journal::open(&path, &JournalOptions::new().with_anchor(anchor)).unwrap_err();

    assert_eq!(
        err,
        Error::CheckpointMismatch {
            reason: "size_beyond_log".into(),
            detail: "checkpoint size 3, log size 2".into(),
        }
    );
    assert_eq!(
        Journal::open(&path, &JournalOptions::new()).unwrap().len(),
        2
    );
}

#[test]
fn a_journaled_line_rewritten_below_its_anchor_does_not_open() {
    let (_dir, path) = temp_journal();
    let (_other_dir, forged) = temp_journal();
    let mut journal =
        Journal::create(&path, Config::standard(), T0, &JournalOptions::new()).unwrap();
    grow(&mut journal, "change", 4);
    let anchor = journal.checkpoint(3).unwrap();
    let mut rewrite =
        Journal::create(&forged, Config::standard(), T0, &JournalOptions::new()).unwrap();
    grow(&mut rewrite, "other", 4);
    let forged_root = rewrite.tree_head(3).unwrap();
    rewrite.close().unwrap();

    let err =
        Journal::open(&forged, &JournalOptions::new().with_anchor(anchor.clone())).unwrap_err();

    assert_eq!(
        err,
        Error::CheckpointMismatch {
            reason: "root_differs".into(),
            detail: format!(
                "size 3, checkpoint root {}, log root {forged_root}",
                anchor.root
            ),
        }
    );
}

// ---- 6.4 step 6: the line refuses a receipt ----

/// A journal whose receipts chain correctly, but whose second line
/// starts `WO-000001`, which was never created: the `line.opened` of a
/// real journal and a `work_order.started` taken from it, re-sealed as
/// `seq` 1.
fn journal_starting_an_unknown_work_order(path: &Path) -> Vec<u8> {
    let (_dir, source) = temp_journal();
    let mut journal =
        Journal::create(&source, Config::standard(), T0, &JournalOptions::new()).unwrap();
    let signal = Signal::new(SignalKind::Cve, "CVE-2026-0001", "an advisory");
    let wo = journal.intake(&signal, T0).unwrap().work_order;
    journal.start(wo, T0 + 1000).unwrap();
    journal.close().unwrap();
    let text = std::fs::read(&source).unwrap();
    let written: Vec<Receipt> = text
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| Receipt::from_json(l).unwrap())
        .collect();
    let (opened, started) = (&written[0], &written[2]);
    assert_eq!(started.kind, "work_order.started");

    let forged = seal(
        1,
        started.at,
        &started.kind,
        &started.subject,
        started.body.clone(),
        0,
        opened.hash,
    );
    let bytes = lines(&[opened.clone(), forged]).concat();
    write(path, &bytes);
    bytes
}

#[test]
fn a_receipt_the_line_refuses_stops_the_open_with_journal_replay_rejected() {
    let (_dir, path) = temp_journal();
    let bytes = journal_starting_an_unknown_work_order(&path);

    let err = Journal::open(&path, &JournalOptions::new()).unwrap_err();

    assert_eq!(
        err,
        Error::JournalReplayRejected {
            path: path.display().to_string(),
            line: 2,
            error: Box::new(Error::NotFound {
                kind: "work_order".into(),
                id: "WO-000001".into(),
            }),
        }
    );
    assert_eq!((err.code(), err.name()), (443, "journal_replay_rejected"));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    // The evidence layer checks bytes and chain only, and accepts it.
    assert_eq!(JournalFile::open(&path).unwrap().report().receipts, 2);
}

#[test]
fn a_read_only_open_refuses_the_same_receipt() {
    let (_dir, path) = temp_journal();
    journal_starting_an_unknown_work_order(&path);

    let err = Journal::open_read_only(&path).unwrap_err();

    assert!(
        matches!(err, Error::JournalReplayRejected { line: 2, .. }),
        "{err:?}"
    );
}

#[test]
fn a_torn_tail_is_cut_before_the_replay_refuses() {
    let (_dir, path) = temp_journal();
    let mut bytes = journal_starting_an_unknown_work_order(&path);
    let valid = bytes.len() as u64;
    bytes.extend_from_slice(b"{\"at\":17694");
    write(&path, &bytes);

    let err = Journal::open(&path, &JournalOptions::new()).unwrap_err();

    assert_eq!(err.name(), "journal_replay_rejected");
    assert_eq!(std::fs::metadata(&path).unwrap().len(), valid);
}

// ---- 6.4 step 3: a line over 1,048,576 bytes ----

/// Journal line `n` (1-based) of the demo log, without its line feed,
/// with spaces after its `{` up to `len` bytes: still a JSON text.
fn padded_line(n: usize, len: usize) -> Vec<u8> {
    let mut line = lines(&demo())[n - 1].clone();
    line.pop();
    let pad = len - line.len();
    let mut out = vec![b'{'];
    out.resize(1 + pad, b' ');
    out.extend_from_slice(&line[1..]);
    assert_eq!(out.len(), len);
    out
}

/// The demo journal with line `n` replaced by `line` and a line feed.
fn demo_with_line(n: usize, line: &[u8]) -> Vec<u8> {
    let all = lines(&demo());
    let mut bytes = all[..n - 1].concat();
    bytes.extend_from_slice(line);
    bytes.push(b'\n');
    bytes.extend_from_slice(&all[n..].concat());
    bytes
}

#[test]
fn a_line_over_1_mib_before_the_last_is_journal_corrupt_too_long() {
    let (_dir, path) = temp_journal();
    let bytes = demo_with_line(3, &padded_line(3, MAX_LINE_BYTES + 1));
    write(&path, &bytes);

    let err = JournalFile::open(&path).unwrap_err();

    assert_eq!(MAX_LINE_BYTES, 1_048_576);
    assert_eq!(
        corrupt_parts(err),
        (
            3,
            881,
            "too_long".into(),
            "1048577 bytes, limit 1048576".into()
        )
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn a_line_of_exactly_1_mib_is_not_too_long() {
    let (_dir, path) = temp_journal();
    write(&path, &demo_with_line(3, &padded_line(3, MAX_LINE_BYTES)));

    let err = JournalFile::open(&path).unwrap_err();

    let (line, offset, reason, _) = corrupt_parts(err);
    assert_eq!((line, offset, reason.as_str()), (3, 881, "not_canonical"));
}

#[test]
fn a_parsable_last_line_over_1_mib_is_damage_not_a_torn_write() {
    let (_dir, path) = temp_journal();
    let bytes = demo_with_line(7, &padded_line(7, MAX_LINE_BYTES + 1));
    write(&path, &bytes);

    let line_layer = Journal::open_read_only(&path).unwrap_err();
    let evidence = JournalFile::open(&path).unwrap_err();

    let (line, offset, reason, _) = corrupt_parts(evidence);
    assert_eq!((line, offset, reason.as_str()), (7, 2111, "too_long"));
    assert_eq!(line_layer.name(), "journal_corrupt");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn a_last_line_over_1_mib_that_is_no_json_text_is_cut_as_torn() {
    let (_dir, path) = temp_journal();
    // Half an object: the padded line without its closing brace.
    let mut half = padded_line(7, MAX_LINE_BYTES + 2);
    half.pop();
    write(&path, &demo_with_line(7, &half));

    let journal = JournalFile::open(&path).unwrap();

    assert_eq!(
        journal.report().recovered,
        Some(Recovery {
            offset: 2111,
            bytes: 1_048_578,
            lines: 1,
            dropped: vec![],
            truncated: true,
        })
    );
    assert_eq!(journal.report().receipts, 6);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 2111);
}
