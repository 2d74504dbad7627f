//! Fuzzes opening a journal from arbitrary bytes (evidence-log.md 6.4):
//! no input may panic, and an input that opens reports a consistent
//! recovery and reopens, once cut, to the same log with nothing to cut.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcps_core::journal::check_bytes;

fuzz_target!(|data: &[u8]| {
    let Ok(report) = check_bytes(data) else {
        return;
    };
    assert!(report.receipts >= 1);
    assert_eq!(report.last_seq + 1, report.receipts);
    let end = match &report.recovered {
        None => data.len(),
        Some(r) => {
            assert_eq!(r.offset + r.bytes, data.len() as u64);
            assert!(r.bytes > 0 && r.lines > 0);
            r.offset as usize
        }
    };
    let again = check_bytes(&data[..end]).expect("the kept part opens again");
    assert_eq!(again.recovered, None);
    assert_eq!(again.tree_head, report.tree_head);
});
