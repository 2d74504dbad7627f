//! Fuzzes proof bundle verification (evidence-log.md 7.3): no input may
//! panic, and every refusal is one of the errors 7.3 names.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcps_core::bundle::{BundleOptions, verify_bundle};

fuzz_target!(|data: &[u8]| {
    match verify_bundle(data, &BundleOptions::default()) {
        Ok(report) => {
            assert!(!report.entries.is_empty());
            assert_eq!(report.entries[0], 0);
            assert!(report.first_at <= report.last_at);
        }
        Err(e) => assert!(
            matches!(
                e.name(),
                "bundle_malformed"
                    | "bundle_invalid"
                    | "checkpoint_malformed"
                    | "invalid_origin"
                    | "origin_mismatch"
            ),
            "{e:?}"
        ),
    }
});
