//! A `Journal` is a `Line` written ahead to a file (evidence-log.md 6.2
//! to 6.7): create, append, reopen, read-only, truncation, locking.

mod evidence_util;

use evidence_util::temp_journal;
use tcps_core::journal::{Durability, Journal, JournalOptions, cut_from_line};
use tcps_core::{Config, Error, Line};

const T0: i64 = 1_769_421_600_000;

fn grow(journal: &mut Journal, changes: i64) {
    for i in 0..changes {
        journal
            .change_config(Config::standard(), &format!("change {i}"), T0 + i * 1000)
            .unwrap();
    }
}

#[test]
fn create_writes_the_line_opened_receipt_and_reopening_gives_the_same_line() {
    let (_dir, path) = temp_journal();

    let mut journal =
        Journal::create(&path, Config::standard(), T0, &JournalOptions::default()).unwrap();
    grow(&mut journal, 3);
    let receipts = journal.len();
    journal.close().unwrap();
    let reopened = Journal::open(&path, &JournalOptions::default()).unwrap();

    assert_eq!(receipts, 4);
    assert_eq!(reopened.len(), 4);
    assert_eq!(reopened.report().receipts, 4);
    assert_eq!(reopened.report().recovered, None);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 4);
    assert!(text.starts_with("{\"at\":1769421600000,\"body\":{\"config\":"));
}

#[test]
fn a_reopened_journal_equals_the_line_that_wrote_it() {
    let (_dir, path) = temp_journal();
    let mut journal =
        Journal::create(&path, Config::standard(), T0, &JournalOptions::default()).unwrap();
    let mut memory = Line::standard(T0).unwrap();
    for i in 0..5 {
        journal
            .change_config(Config::standard(), "again", T0 + i)
            .unwrap();
        memory
            .change_config(Config::standard(), "again", T0 + i)
            .unwrap();
    }
    drop(journal);

    let reopened = Journal::open(&path, &JournalOptions::default()).unwrap();

    assert_eq!(*reopened, memory);
    assert_eq!(reopened.report().tree_head, memory.log().tree().root());
    reopened.verify().unwrap();
}

#[test]
fn create_refuses_an_existing_path() {
    let (_dir, path) = temp_journal();
    std::fs::write(&path, b"").unwrap();

    let err =
        Journal::create(&path, Config::standard(), T0, &JournalOptions::default()).unwrap_err();

    assert!(
        matches!(err, Error::JournalIo { ref op, .. } if op == "create"),
        "{err:?}"
    );
    assert!(path.exists());
}

#[test]
fn open_of_a_missing_file_is_a_journal_io_error() {
    let (_dir, path) = temp_journal();

    let err = Journal::open(&path, &JournalOptions::default()).unwrap_err();

    assert!(
        matches!(err, Error::JournalIo { ref op, .. } if op == "open"),
        "{err:?}"
    );
}

#[test]
fn an_empty_file_opens_as_journal_empty_and_open_or_create_fills_it() {
    let (_dir, path) = temp_journal();
    std::fs::write(&path, b"").unwrap();

    let err = Journal::open(&path, &JournalOptions::default()).unwrap_err();
    let journal =
        Journal::open_or_create(&path, Config::standard(), T0, &JournalOptions::default()).unwrap();

    assert_eq!(
        err,
        Error::JournalEmpty {
            path: path.display().to_string()
        }
    );
    assert_eq!(journal.len(), 1);
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 1);
}

#[test]
fn open_or_create_creates_a_missing_journal_and_opens_an_existing_one() {
    let (_dir, path) = temp_journal();

    let mut first =
        Journal::open_or_create(&path, Config::standard(), T0, &JournalOptions::default()).unwrap();
    grow(&mut first, 2);
    drop(first);
    let second = Journal::open_or_create(
        &path,
        Config::standard(),
        T0 + 5000,
        &JournalOptions::default(),
    )
    .unwrap();

    assert_eq!(second.len(), 3);
    assert_eq!(second.log().last_at(), T0 + 1000);
}

#[test]
fn a_read_only_journal_refuses_every_mutating_call() {
    let (_dir, path) = temp_journal();
    let journal =
        Journal::create(&path, Config::standard(), T0, &JournalOptions::default()).unwrap();

    let mut reader = Journal::open_read_only(&path).unwrap();
    let err = reader
        .change_config(Config::standard(), "no", T0)
        .unwrap_err();

    assert_eq!(
        err,
        Error::JournalReadOnly {
            path: path.display().to_string()
        }
    );
    assert!(reader.is_read_only());
    assert!(!journal.is_read_only());
    assert_eq!(reader.len(), 1);
}

#[test]
fn a_read_only_open_leaves_a_torn_tail_in_place_and_names_it() {
    let (_dir, path) = temp_journal();
    let mut journal =
        Journal::create(&path, Config::standard(), T0, &JournalOptions::default()).unwrap();
    grow(&mut journal, 1);
    drop(journal);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"{\"at\":17694");
    std::fs::write(&path, &bytes).unwrap();

    let reader = Journal::open_read_only(&path).unwrap();

    let recovered = reader.report().recovered.clone().unwrap();
    assert_eq!(
        (recovered.bytes, recovered.lines, recovered.truncated),
        (11, 1, false)
    );
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert_eq!(reader.len(), 2);
}

#[test]
fn a_second_handle_in_the_same_process_is_locked_out() {
    let (_dir, path) = temp_journal();
    let journal =
        Journal::create(&path, Config::standard(), T0, &JournalOptions::default()).unwrap();

    let err = Journal::open(&path, &JournalOptions::default()).unwrap_err();

    assert_eq!(
        err.to_string(),
        format!("journal is locked by another handle: {}", path.display())
    );
    journal.close().unwrap();
    assert!(Journal::open(&path, &JournalOptions::default()).is_ok());
}

/// The child half of the two-process test: set by the parent.
const CHILD_ENV: &str = "TCPS_JOURNAL_LOCK_CHILD";

#[test]
fn a_second_process_cannot_append_while_the_first_holds_the_lock() {
    if let Ok(path) = std::env::var(CHILD_ENV) {
        // Child: the parent holds the journal open for writing.
        let err = Journal::open(&path, &JournalOptions::default()).unwrap_err();
        assert_eq!(err.name(), "journal_locked");
        let reader = Journal::open_read_only(&path).unwrap();
        assert_eq!(reader.len(), 2);
        return;
    }
    let (_dir, path) = temp_journal();
    let mut journal =
        Journal::create(&path, Config::standard(), T0, &JournalOptions::default()).unwrap();
    grow(&mut journal, 1);

    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_second_process_cannot_append_while_the_first_holds_the_lock",
        ])
        .env(CHILD_ENV, &path)
        .output()
        .unwrap();

    let out = String::from_utf8_lossy(&status.stdout);
    assert!(status.status.success(), "child failed: {out}");
    assert!(out.contains("1 passed"), "the child ran the test: {out}");
    assert_eq!(journal.len(), 2);
}

#[test]
fn truncate_from_line_cuts_the_file_and_opens_what_remains() {
    let (_dir, path) = temp_journal();
    let mut journal =
        Journal::create(&path, Config::standard(), T0, &JournalOptions::default()).unwrap();
    grow(&mut journal, 4);
    drop(journal);
    let before = std::fs::read(&path).unwrap();
    let third = before
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(1)
        .map(|(i, _)| i as u64 + 1)
        .unwrap();

    let (journal, cut) = Journal::truncate_from_line(&path, 3, &JournalOptions::default()).unwrap();

    assert_eq!(journal.len(), 2);
    assert_eq!((cut.line, cut.offset, cut.lines), (3, third, 3));
    assert_eq!(cut.bytes, before.len() as u64 - third);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), third);
}

#[test]
fn truncate_from_line_one_leaves_an_empty_journal() {
    let (_dir, path) = temp_journal();
    drop(Journal::create(&path, Config::standard(), T0, &JournalOptions::default()).unwrap());

    let cut = cut_from_line(&path, 1).unwrap();
    let err = Journal::open(&path, &JournalOptions::default()).unwrap_err();

    assert_eq!((cut.offset, cut.lines), (0, 1));
    assert_eq!(err.name(), "journal_empty");
}

#[test]
fn truncate_beyond_the_last_line_cuts_nothing() {
    let (_dir, path) = temp_journal();
    drop(Journal::create(&path, Config::standard(), T0, &JournalOptions::default()).unwrap());
    let len = std::fs::metadata(&path).unwrap().len();

    let cut = cut_from_line(&path, 9).unwrap();

    assert_eq!((cut.offset, cut.bytes, cut.lines), (len, 0, 0));
    assert_eq!(
        cut_from_line(&path, 0).unwrap_err().name(),
        "invalid_argument"
    );
}

#[test]
fn every_durability_mode_persists_what_a_returned_call_wrote() {
    for durability in [
        Durability::EveryAppend,
        Durability::Every(3),
        Durability::Never,
    ] {
        let (_dir, path) = temp_journal();
        let options = JournalOptions::default().with_durability(durability);
        let mut journal = Journal::create(&path, Config::standard(), T0, &options).unwrap();

        grow(&mut journal, 4);
        journal.commit().unwrap();
        drop(journal);

        assert_eq!(
            Journal::open(&path, &options).unwrap().len(),
            5,
            "{durability:?}"
        );
    }
}

#[test]
fn durability_has_the_json_shape_of_the_spec() {
    let shapes = [
        Durability::EveryAppend,
        Durability::Every(5),
        Durability::Never,
    ]
    .map(|d| serde_json::to_string(&d).unwrap());

    assert_eq!(shapes, ["\"every_append\"", "{\"every\":5}", "\"never\""]);
}

#[test]
fn a_journaled_line_reads_its_receipts_back_from_the_file() {
    let (_dir, path) = temp_journal();
    let mut journal =
        Journal::create(&path, Config::standard(), T0, &JournalOptions::default()).unwrap();
    grow(&mut journal, 70);
    drop(journal);
    let journal = Journal::open(&path, &JournalOptions::default()).unwrap();

    let r = journal.receipt(65).unwrap();

    assert!(!journal.log().keeps_receipts());
    assert_eq!(r.seq, 65);
    assert_eq!(r.hash, journal.log().leaf_hash(65).unwrap());
    assert_eq!(
        r.field("reason").and_then(|v| v.as_str()),
        Some("change 64")
    );
    journal.verify().unwrap();
}
