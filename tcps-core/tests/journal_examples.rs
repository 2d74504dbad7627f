//! The journal worked examples of evidence-log.md section 9 (32 to 42)
//! on the demo log, at the evidence layer (the demo kinds only
//! illustrate and are not replayed into a `Line`).

mod evidence_util;

use evidence_util::{d, demo, demo_journal, lines, seal, temp_journal};
use tcps_core::Error;
use tcps_core::journal::{DroppedReceipt, JournalFile, Recovery};
use tcps_core::obj;

/// A `work_order.created` for `WO-000002` at `seq` 7: a 367-byte line.
fn line_for_seq_7() -> Vec<u8> {
    let log = demo();
    let body = obj! {
        "bucket" => "bugfix",
        "priority" => 2i64,
        "sla_hours" => 72i64,
        "source" => "https://example.org/issues/43",
        "title" => "Handle a lock file",
    };
    let r = seal(
        7,
        1_769_425_260_000,
        "work_order.created",
        "WO-000002",
        body,
        0,
        log[6].hash,
    );
    lines(&[r]).concat()
}

fn write(path: &std::path::Path, bytes: &[u8]) {
    std::fs::write(path, bytes).expect("the test journal is written");
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

#[test]
fn the_demo_journal_has_the_line_lengths_and_offsets_of_6_1() {
    let lines = lines(&demo());

    let lengths: Vec<usize> = lines.iter().map(Vec::len).collect();
    let offsets: Vec<usize> = lengths
        .iter()
        .scan(0, |at, n| {
            let start = *at;
            *at += n;
            Some(start)
        })
        .collect();

    assert_eq!(lengths, [508, 373, 292, 290, 334, 314, 556]);
    assert_eq!(offsets, [0, 508, 881, 1173, 1463, 1797, 2111]);
    assert_eq!(demo_journal().len(), 2667);
    assert_eq!(
        String::from_utf8(lines[3].clone()).unwrap(),
        "{\"at\":1769422500000,\"body\":{\"errors\":0,\"gate\":\"compilation\",\
         \"warnings\":2},\"hash\":\"96f29ce5f2a04299836643cc1007df297c665e5b6a452a8c76\
         271e26066b1449\",\"kind\":\"gate.passed\",\"more\":0,\
         \"prev\":\"44210d349746e78953bbed2a871bd1c3503255ed4bbaa2016808ac1875fb2d3f\
         \",\"seq\":3,\"subject\":\"SKU-000001\",\"v\":1}\n"
    );
}

#[test]
fn example_32_a_clean_open_reports_seven_receipts_and_no_recovery() {
    let (_dir, path) = temp_journal();
    write(&path, &demo_journal());

    let journal = JournalFile::open(&path).unwrap();

    let report = journal.report();
    assert_eq!(report.receipts, 7);
    assert_eq!(report.last_seq, 6);
    assert_eq!(
        report.last_hash,
        d("290f52ba736445f2a6cab90918308374fe5b3ed8ac1e44aec8e7d9acb0f6ea9d")
    );
    assert_eq!(
        report.tree_head,
        d("39f46a1abf2f8eb0b32390f24c0d262fc5d1a2e62e38ea2f9292a36d4be83382")
    );
    assert_eq!(report.recovered, None);
    assert_eq!(journal.name(), "tcps.example/demo");
}

#[test]
fn example_33_a_torn_tail_is_cut_and_reported() {
    let (_dir, path) = temp_journal();
    let next = line_for_seq_7();
    assert_eq!(next.len(), 367);
    let mut bytes = demo_journal();
    bytes.extend_from_slice(&next[..100]);
    assert_eq!(bytes.len(), 2767);
    write(&path, &bytes);

    let journal = JournalFile::open(&path).unwrap();

    assert_eq!(
        journal.report().recovered,
        Some(Recovery {
            offset: 2667,
            bytes: 100,
            lines: 1,
            dropped: vec![],
            truncated: true,
        })
    );
    assert_eq!(journal.report().receipts, 7);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 2667);
}

#[test]
fn example_34_a_complete_line_without_its_line_feed_is_a_torn_tail() {
    let (_dir, path) = temp_journal();
    let next = line_for_seq_7();
    let mut bytes = demo_journal();
    bytes.extend_from_slice(&next[..366]);
    assert_eq!(bytes.len(), 3033);
    write(&path, &bytes);

    let journal = JournalFile::open(&path).unwrap();

    let recovered = journal.report().recovered.clone().unwrap();
    assert_eq!(
        (recovered.offset, recovered.bytes, recovered.lines),
        (2667, 366, 1)
    );
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 2667);
}

#[test]
fn example_35_a_last_line_of_zeros_is_cut() {
    let (_dir, path) = temp_journal();
    let mut bytes = demo_journal();
    bytes.extend_from_slice(&[0u8; 40]);
    bytes.push(b'\n');
    assert_eq!(bytes.len(), 2708);
    write(&path, &bytes);

    let journal = JournalFile::open(&path).unwrap();

    let recovered = journal.report().recovered.clone().unwrap();
    assert_eq!(
        (recovered.offset, recovered.bytes, recovered.lines),
        (2667, 41, 1)
    );
    assert!(recovered.dropped.is_empty());
}

#[test]
fn example_36_an_operation_cut_in_two_drops_its_complete_receipts() {
    let (_dir, path) = temp_journal();
    let all = lines(&demo());
    let mut bytes = all[..5].concat();
    bytes.extend_from_slice(&all[5][..120]);
    assert_eq!(bytes.len(), 1917);
    write(&path, &bytes);

    let journal = JournalFile::open(&path).unwrap();

    assert_eq!(journal.report().receipts, 4);
    assert_eq!(
        journal.report().recovered,
        Some(Recovery {
            offset: 1463,
            bytes: 454,
            lines: 2,
            dropped: vec![DroppedReceipt {
                seq: 4,
                hash: d("27b859b2f0c806d2afc65c7353fbe64c405644be162625605f485b808efc2fca"),
            }],
            truncated: true,
        })
    );
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 1463);
}

#[test]
fn example_37_damage_before_the_last_line_names_the_line_and_cuts_nothing() {
    let (_dir, path) = temp_journal();
    let all = lines(&demo());
    let line3 = String::from_utf8(all[2].clone()).unwrap();
    let mut damaged = all[..2].concat();
    damaged.extend_from_slice(line3.replace("compilation", "compilatiom").as_bytes());
    damaged.extend_from_slice(&all[3..].concat());
    write(&path, &damaged);

    let err = JournalFile::open(&path).unwrap_err();

    let (line, offset, reason, detail) = corrupt_parts(err);
    assert_eq!((line, offset, reason.as_str()), (3, 881, "hash_mismatch"));
    assert_eq!(
        detail,
        "expected 124e27a8dcec808840d36b8ed0b3de149bec7107ef3bd2bff5984936d8c6dfcc, \
         found 44210d349746e78953bbed2a871bd1c3503255ed4bbaa2016808ac1875fb2d3f"
    );
    assert_eq!(std::fs::read(&path).unwrap(), damaged);
}

#[test]
fn example_38_garbage_before_the_last_line_is_a_parse_error_at_column_1() {
    let (_dir, path) = temp_journal();
    let all = lines(&demo());
    let mut bytes = all[..2].concat();
    bytes.extend_from_slice(b"}{\n");
    bytes.extend_from_slice(&all[3..].concat());
    write(&path, &bytes);

    let err = JournalFile::open(&path).unwrap_err();

    let (line, _, reason, detail) = corrupt_parts(err);
    assert_eq!((line, reason.as_str()), (3, "parse_error"));
    assert!(detail.starts_with("column 1:"), "{detail}");
}

#[test]
fn example_39_windows_line_ends_are_not_canonical_at_line_1() {
    let (_dir, path) = temp_journal();
    let bytes: Vec<u8> = lines(&demo())
        .into_iter()
        .flat_map(|mut l| {
            l.pop();
            l.extend_from_slice(b"\r\n");
            l
        })
        .collect();
    write(&path, &bytes);

    let err = JournalFile::open(&path).unwrap_err();

    let (line, offset, reason, _) = corrupt_parts(err);
    assert_eq!((line, offset, reason.as_str()), (1, 0, "not_canonical"));
}

#[test]
fn example_40_a_damaged_but_parsable_last_line_is_not_torn() {
    let (_dir, path) = temp_journal();
    let all = lines(&demo());
    let mut bytes = all[..6].concat();
    let last = String::from_utf8(all[6].clone())
        .unwrap()
        .replace("\"v\":1", "\"v\": 1");
    bytes.extend_from_slice(last.as_bytes());
    write(&path, &bytes);

    let err = JournalFile::open(&path).unwrap_err();

    let (line, offset, reason, _) = corrupt_parts(err);
    assert_eq!((line, offset, reason.as_str()), (7, 2111, "not_canonical"));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn example_41_a_duplicate_member_names_the_key() {
    let (_dir, path) = temp_journal();
    let all = lines(&demo());
    let line2 = String::from_utf8(all[1].clone()).unwrap().replacen(
        "{\"at\":1769421660000,",
        "{\"at\":1769421660000,\"at\":1769421660000,",
        1,
    );
    let mut bytes = all[0].clone();
    bytes.extend_from_slice(line2.as_bytes());
    bytes.extend_from_slice(&all[2..].concat());
    write(&path, &bytes);

    let err = JournalFile::open(&path).unwrap_err();

    let (line, _, reason, detail) = corrupt_parts(err);
    assert_eq!((line, reason.as_str()), (2, "duplicate_key"));
    assert!(detail.contains("`at`"), "{detail}");
}

#[test]
fn example_42_a_second_writer_fails_at_once_and_a_reader_still_opens() {
    let (_dir, path) = temp_journal();
    write(&path, &demo_journal());
    let first = JournalFile::open(&path).unwrap();

    let second = JournalFile::open(&path).unwrap_err();
    let reader = JournalFile::open_read_only(&path).unwrap();

    assert_eq!(
        second.to_string(),
        format!("journal is locked by another handle: {}", path.display())
    );
    assert_eq!(second.name(), "journal_locked");
    assert_eq!(reader.report().receipts, 7);
    drop(first);
    assert!(JournalFile::open(&path).is_ok());
}

#[test]
fn example_2_a_two_receipt_operation_is_one_write_of_648_bytes_at_offset_1463() {
    let (_dir, path) = temp_journal();
    let log = demo();
    write(&path, &lines(&log[..4]).concat());
    let mut journal = JournalFile::open(&path).unwrap();
    let start = journal.end();

    journal.append(&log[4..6]).unwrap();

    assert_eq!(start, 1463);
    assert_eq!(journal.end() - start, 648);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[1463..], &lines(&log[4..6]).concat()[..]);
    assert_eq!((log[4].more, log[5].more, log[4].at), (1, 0, log[5].at));
    assert_eq!(log[5].kind, "andon.pulled");
    assert_eq!(
        log[5].body.get("sku").and_then(|v| v.as_str()),
        Some("SKU-000001")
    );
}

#[test]
fn an_append_that_leaves_an_operation_open_or_breaks_the_chain_writes_nothing() {
    let (_dir, path) = temp_journal();
    let log = demo();
    write(&path, &lines(&log[..4]).concat());
    let mut journal = JournalFile::open(&path).unwrap();

    let open_ended = journal.append(&log[4..5]).unwrap_err();
    let gap = journal.append(&log[5..6]).unwrap_err();

    assert_eq!(open_ended.name(), "chain_broken");
    assert_eq!(gap.name(), "chain_broken");
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 1463);
}
