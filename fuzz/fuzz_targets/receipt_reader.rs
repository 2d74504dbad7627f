//! Fuzzes the strict receipt reader (evidence-log.md 2.3): no input may
//! panic, and what it reads writes back to canonical text that reads
//! back to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcps_core::receipt::Receipt;
use tcps_core::value;

fuzz_target!(|data: &[u8]| {
    if let Ok(v) = value::parse(data) {
        let text = v.to_canonical();
        assert_eq!(value::parse(&text).as_ref(), Ok(&v));
        assert!(value::is_json_text(data));
    }
    if let Ok(r) = Receipt::from_json(data) {
        let line = r.to_json_line();
        let back = Receipt::from_json(line.as_bytes()).expect("a written receipt reads back");
        assert_eq!(back, r);
        let _ = r.leaf_hash();
    }
});
