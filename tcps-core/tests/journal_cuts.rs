//! A journal cut at any byte reopens with its complete operations intact
//! and the cut reported (evidence-log.md 6.4): every offset inside the
//! last operation, and pseudo-random offsets everywhere else.

mod evidence_util;

use evidence_util::{demo, lines, seal, temp_journal};
use tcps_core::journal::{Journal, JournalFile, JournalOptions};
use tcps_core::receipt::Receipt;
use tcps_core::{Config, Error, obj};

/// A log of `ops` operations after D0, of 1 to 3 receipts each; returns
/// the receipts and the `seq` at which each operation ends (exclusive).
fn log_of_operations(ops: usize) -> (Vec<Receipt>, Vec<u64>) {
    let mut log = vec![demo().remove(0)];
    let mut ends = vec![1u64];
    for op in 0..ops {
        let size = 1 + (op * 7 + 3) % 3;
        let at = log.last().unwrap().at + (op as i64 % 2) * 1000;
        for k in 0..size {
            let seq = log.len() as u64;
            let more = (size - 1 - k) as u64;
            let body =
                obj! { "op" => op as i64, "part" => k as i64, "note" => "x".repeat(op % 40) };
            let r = seal(
                seq,
                at,
                "test.step",
                "SKU-000001",
                body,
                more,
                log.last().unwrap().hash,
            );
            log.push(r);
        }
        ends.push(log.len() as u64);
    }
    (log, ends)
}

/// Byte offset where each line starts, and the total length.
fn offsets(bytes: &[u8]) -> Vec<u64> {
    let mut out = vec![0];
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            out.push(i as u64 + 1);
        }
    }
    out
}

/// What an open of the journal cut at `cut` must keep: the receipts of
/// every operation whose last line ends at or before `cut`.
fn expected_kept(line_starts: &[u64], op_ends: &[u64], cut: u64) -> u64 {
    op_ends
        .iter()
        .copied()
        .filter(|&end| line_starts[end as usize] <= cut)
        .max()
        .unwrap_or(0)
}

fn check_cut(bytes: &[u8], line_starts: &[u64], op_ends: &[u64], cut: u64) {
    let (_dir, path) = temp_journal();
    std::fs::write(&path, &bytes[..cut as usize]).unwrap();
    let kept = expected_kept(line_starts, op_ends, cut);

    let opened = JournalFile::open(&path);

    if kept == 0 {
        assert!(
            matches!(opened, Err(Error::JournalEmpty { .. })),
            "cut {cut}: {opened:?}"
        );
        return;
    }
    let journal = opened.unwrap_or_else(|e| panic!("cut {cut}: {e}"));
    let report = journal.report();
    let valid_end = line_starts[kept as usize];
    assert_eq!(report.receipts, kept, "cut {cut}");
    assert_eq!(
        std::fs::metadata(&path).unwrap().len(),
        valid_end,
        "cut {cut}"
    );
    match &report.recovered {
        None => assert_eq!(valid_end, cut, "cut {cut}: nothing reported"),
        Some(r) => {
            assert_eq!(
                (r.offset, r.bytes),
                (valid_end, cut - valid_end),
                "cut {cut}"
            );
            let complete = line_starts
                .iter()
                .filter(|&&s| s > valid_end && s <= cut)
                .count();
            assert_eq!(r.dropped.len(), complete, "cut {cut}");
        }
    }
}

#[test]
fn a_cut_at_every_byte_of_the_last_operation_keeps_the_operations_before_it() {
    let (log, ends) = log_of_operations(12);
    let bytes = lines(&log).concat();
    let starts = offsets(&bytes);
    let last_op_start = starts[ends[ends.len() - 2] as usize];
    assert!(
        ends[ends.len() - 1] - ends[ends.len() - 2] > 1,
        "the last operation has several receipts"
    );

    for cut in last_op_start..=bytes.len() as u64 {
        check_cut(&bytes, &starts, &ends, cut);
    }
}

#[test]
fn a_cut_at_pseudo_random_bytes_keeps_every_complete_operation() {
    let (log, ends) = log_of_operations(120);
    let bytes = lines(&log).concat();
    let starts = offsets(&bytes);
    let mut seed = 0x5eed_u64;

    for _ in 0..300 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let cut = (seed >> 20) % (bytes.len() as u64 + 1);

        check_cut(&bytes, &starts, &ends, cut);
    }
    for cut in [0, 1, starts[1] - 1, starts[1], starts[1] + 1] {
        check_cut(&bytes, &starts, &ends, cut);
    }
}

/// Every byte of the last operation is covered at the evidence layer
/// above; here a replayed line is checked at a stride of its last
/// receipt (a whole configuration) and at both of its ends.
#[test]
fn a_journaled_line_cut_inside_its_last_receipt_reopens_as_before_it() {
    let (_dir, path) = temp_journal();
    let mut journal =
        Journal::create(&path, Config::standard(), 1_000, &JournalOptions::default()).unwrap();
    for i in 0..3 {
        journal
            .change_config(Config::standard(), &format!("r{i}"), 2_000 + i)
            .unwrap();
    }
    drop(journal);
    let bytes = std::fs::read(&path).unwrap();
    let starts = offsets(&bytes);
    let last_start = starts[3];
    let before = {
        std::fs::write(&path, &bytes[..last_start as usize]).unwrap();
        Journal::open(&path, &JournalOptions::default())
            .unwrap()
            .into_line()
    };

    let end = bytes.len() as u64;
    let cuts = (last_start..end)
        .step_by(37)
        .chain(last_start..last_start + 3)
        .chain(end - 3..end);
    for cut in cuts {
        std::fs::write(&path, &bytes[..cut as usize]).unwrap();

        let reopened = Journal::open(&path, &JournalOptions::default()).unwrap();

        assert_eq!(*reopened, before, "cut {cut}");
        let recovered = reopened.report().recovered.clone();
        assert_eq!(recovered.is_some(), cut > last_start, "cut {cut}");
    }
}

#[test]
fn damage_that_is_not_at_the_end_is_never_cut() {
    let (log, _) = log_of_operations(10);
    let bytes = lines(&log).concat();
    let starts = offsets(&bytes);

    for line in 1..starts.len() - 2 {
        let (_dir, path) = temp_journal();
        let mut damaged = bytes.clone();
        damaged[starts[line] as usize + 2] = b'#';
        std::fs::write(&path, &damaged).unwrap();

        let err = JournalFile::open(&path).unwrap_err();

        assert!(
            matches!(err, Error::JournalCorrupt { line: l, .. } if l == line as u64 + 1),
            "line {}: {err:?}",
            line + 1
        );
        assert_eq!(std::fs::read(&path).unwrap(), damaged);
    }
}
