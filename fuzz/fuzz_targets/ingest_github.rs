//! Fuzzes `ingest::github`: no input may panic, hang or allocate without
//! bound, and a summary that comes back names its one input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcps_core::ingest::{self, Input, Limits};

fuzz_target!(|data: &[u8]| {
    let result = ingest::github(Input::new("fuzz", data), &Limits::default());
    if let Err(error) = &result {
        assert!(error.name().starts_with("ingest_"), "{error:?}");
        assert!(!error.to_string().is_empty());
    }
    if let Ok(items) = &result {
        // Each item carries the one source of its input.
        assert!(items.iter().all(|item| item.sources.len() == 1 && item.sources[0].bytes == data.len() as u64));
    }

    // Tight limits exercise the limit paths.
    let tight = Limits {
        max_bytes: 4096,
        max_depth: 8,
        max_nodes: 64,
        max_attr_bytes: 32,
    };
    let _ = ingest::github(Input::new("fuzz", data), &tight);
    let _ = ingest::sniff(Input::new("fuzz", data));
});
