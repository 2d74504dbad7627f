//! Fuzzes checkpoint parsing (evidence-log.md 5.4): no input may panic,
//! and a parsed checkpoint writes back to a text that parses the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcps_core::checkpoint::{Checkpoint, SignedCheckpoint};

fuzz_target!(|data: &[u8]| {
    if let Ok(cp) = Checkpoint::parse(data) {
        let body = cp.body();
        assert_eq!(Checkpoint::parse(body.as_bytes()).as_ref(), Ok(&cp));
    }
    if let Ok(note) = SignedCheckpoint::parse(data) {
        let text = note.to_note();
        assert_eq!(SignedCheckpoint::parse(text.as_bytes()).as_ref(), Ok(&note));
    }
});
