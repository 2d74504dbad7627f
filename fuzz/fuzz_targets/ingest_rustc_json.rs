//! Fuzzes `ingest::rustc_json`: no input may panic, hang or allocate without
//! bound, and a summary that comes back names its one input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcps_core::ingest::{self, Input, Limits};

fuzz_target!(|data: &[u8]| {
    let result = ingest::rustc_json(Input::new("fuzz", data), &Limits::default());
    if let Err(error) = &result {
        assert!(error.name().starts_with("ingest_"), "{error:?}");
        assert!(!error.to_string().is_empty());
    }
    if let Ok(summary) = &result {
        assert_eq!(summary.sources.len(), 1);
        assert_eq!(summary.sources[0].bytes, data.len() as u64);
    }

    // Tight limits exercise the limit paths.
    let tight = Limits {
        max_bytes: 4096,
        max_depth: 8,
        max_nodes: 64,
        max_attr_bytes: 32,
    };
    let _ = ingest::rustc_json(Input::new("fuzz", data), &tight);

    // Two halves merged fail or succeed without panicking either.
    let (a, b) = data.split_at(data.len() / 2);
    let _ = ingest::rustc_json_many(&[Input::new("a", a), Input::new("b", b)], &tight);
    let _ = ingest::sniff(Input::new("fuzz", data));
});
