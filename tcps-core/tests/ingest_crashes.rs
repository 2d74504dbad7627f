//! Hostile and odd inputs, kept as ordinary tests: inputs found by the
//! fuzz targets (`fuzz/fuzz_targets/ingest_*.rs`) are added here, and
//! every parser is run over every corpus file of every kind. None may
//! panic; each either reads the input or returns an `ingest_*` error.
#![allow(
    clippy::format_collect,
    reason = "test inputs are built once; clarity over speed"
)]

mod ingest_support;

use tcps_core::Error;
use tcps_core::ingest::{self, Format, Input, Limits};

/// Runs every parser and `sniff` over `bytes`; returns the error names.
fn every_parser(bytes: &[u8], limits: &Limits) -> Vec<Option<&'static str>> {
    let input = Input::new("hostile", bytes);
    let name = |result: Result<(), Error>| {
        let error = result.err()?;
        assert!(error.name().starts_with("ingest_"), "{error:?}");
        assert!(!error.to_string().is_empty());
        Some(error.name())
    };
    let _ = ingest::sniff(input);
    vec![
        name(ingest::junit(input, limits).map(|_| ())),
        name(ingest::lcov(input, limits).map(|_| ())),
        name(ingest::cobertura(input, limits).map(|_| ())),
        name(ingest::jacoco(input, limits).map(|_| ())),
        name(ingest::sarif(input, limits).map(|_| ())),
        name(ingest::osv(input, limits).map(|_| ())),
        name(ingest::github(input, limits).map(|_| ())),
        name(ingest::sbom(input, limits).map(|_| ())),
        name(ingest::rustc_json(input, limits).map(|_| ())),
        name(ingest::compiler_log(input, limits).map(|_| ())),
    ]
}

#[test]
fn every_parser_reads_every_corpus_file_without_panicking() {
    let tight = Limits {
        max_bytes: 1 << 20,
        max_depth: 4,
        max_nodes: 50,
        max_attr_bytes: 16,
    };
    for kind in [
        "cobertura",
        "diagnostics",
        "github",
        "jacoco",
        "junit",
        "lcov",
        "osv",
        "sarif",
        "sbom",
    ] {
        for file in ingest_support::files(kind) {
            let bytes = ingest_support::data(kind, &file);
            every_parser(&bytes, &Limits::default());
            every_parser(&bytes, &tight);
            // Truncated copies end inside every kind of construct.
            for cut in [
                1,
                7,
                bytes.len() / 3,
                bytes.len() / 2,
                bytes.len().saturating_sub(1),
            ] {
                every_parser(&bytes[..cut.min(bytes.len())], &Limits::default());
            }
        }
    }
}

#[test]
fn many_attributes_on_one_tag_stay_linear() {
    let attrs: String = (0..100_000).map(|i| format!(" a{i}='{i}'")).collect();
    let xml = format!("<testsuite{attrs}/>");
    assert!(ingest::junit(Input::new("x", xml.as_bytes()), &Limits::default()).is_ok());

    let repeated = format!("<testsuite{attrs} a5='again'/>");
    let error =
        ingest::junit(Input::new("x", repeated.as_bytes()), &Limits::default()).unwrap_err();
    assert_eq!(
        ingest_support::failure(&error).reason,
        "duplicate_attribute"
    );
}

#[test]
fn nesting_beyond_any_limit_is_too_deep_not_a_stack_overflow() {
    let limits = Limits {
        max_depth: u32::MAX,
        ..Limits::default()
    };
    let json = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for result in [
        ingest::osv(Input::new("d", json.as_bytes()), &limits).map(|_| ()),
        ingest::github(Input::new("d", json.as_bytes()), &limits).map(|_| ()),
        ingest::sarif(Input::new("d", json.as_bytes()), &limits).map(|_| ()),
        ingest::sbom(Input::new("d", json.as_bytes()), &limits).map(|_| ()),
    ] {
        assert_eq!(result.unwrap_err().name(), "ingest_too_deep");
    }
    let xml = format!("<testsuite>{}", "<a>".repeat(100_000));
    assert_eq!(
        ingest::junit(Input::new("d", xml.as_bytes()), &limits)
            .unwrap_err()
            .name(),
        "ingest_too_deep"
    );
    let stream = format!("{{\"a\":{json}}}");
    assert_eq!(
        ingest::rustc_json(Input::new("d", stream.as_bytes()), &limits)
            .unwrap_err()
            .name(),
        "ingest_too_deep"
    );
    assert_eq!(ingest::sniff(Input::new("d", json.as_bytes())), None);
}

#[test]
fn streams_of_broken_values_stay_linear() {
    let lines = "{\"a\":\n".repeat(50_000);
    let s = ingest::rustc_json(Input::new("s", lines.as_bytes()), &Limits::default());
    assert!(s.is_ok() || s.unwrap_err().name() == "ingest_too_deep");

    let elements = format!("{{\"a\":[{}", "{},\n".repeat(50_000));
    let s = ingest::rustc_json(Input::new("s", elements.as_bytes()), &Limits::default()).unwrap();
    // The first line starts a value that never closes: one text line. Each
    // later line holds a value `{}` (ignored) and a text rest `,`.
    assert_eq!((s.text_lines, s.ignored), (50_000, 49_999));
}

#[test]
fn odd_markup() {
    let cases: &[&[u8]] = &[
        b"<testsuite/ >",
        b"<testsuite></ testsuite>",
        b"<testsuite a='1'/ >",
        b"<>",
        b"</testsuite>",
        b"<testsuite><![CDATA[",
        b"<!DOCTYPE x [",
        b"<!DOCTYPE x [ <!ENTITY a 'b'>",
        b"<!",
        b"<?xml",
        b"<?xml version='1.0' encoding='",
        b"<testsuite>&#x;</testsuite>",
        b"<testsuite>&#;</testsuite>",
        b"<testsuite>&;</testsuite>",
        b"<testsuite a=''b=''/>",
        b"<testsuite\xc3\xa9/>",
        b"<:/>",
        b"<testsuites:/>",
    ];
    for bytes in cases {
        every_parser(bytes, &Limits::default());
    }
}

#[test]
fn odd_numbers_and_times() {
    let lcov = b"SF:a\nDA:18446744073709551615,1\nDA:18446744073709551616,1\nend_of_record\n";
    assert_eq!(
        ingest::lcov(Input::new("l", lcov), &Limits::default())
            .unwrap_err()
            .name(),
        "ingest_malformed"
    );
    let lcov = b"SF:a\nDA:18446744073709551615,1\nDA:9223372036854775808,0\nDA:9223372036854775808,2\nend_of_record\n";
    let s = ingest::lcov(Input::new("l", lcov), &Limits::default()).unwrap();
    assert_eq!((s.lines_found, s.lines_hit), (2, 2));

    let branches: String = (0..2000)
        .map(|i| format!("BRDA:1,blk{i},br{i},1\n"))
        .collect();
    let lcov = format!("SF:a\n{branches}end_of_record\n");
    assert_eq!(
        ingest::lcov(Input::new("l", lcov.as_bytes()), &Limits::default())
            .unwrap()
            .branches_found,
        2000
    );

    let times = [
        "1e99999999999999999999",
        "-",
        "+",
        "1,000,000,000,000,000.5",
        "٣",
        "1e-",
        "0x10",
    ];
    for time in times {
        let xml = format!("<testsuite><testcase name='t' time='{time}'/></testsuite>");
        let s = ingest::junit(Input::new("t", xml.as_bytes()), &Limits::default()).unwrap();
        assert_eq!(s.time_invalid, 1, "{time}");
    }
    for vector in [
        "CVSS:3.1/",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AV",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:X/E:X",
    ] {
        let json = format!(
            r#"{{"id":"x","severity":[{{"type":"CVSS_V3","score":"{vector}"}},{{"type":"CVSS_V4","score":"{vector}"}}]}}"#
        );
        let s = ingest::osv(Input::new("o", json.as_bytes()), &Limits::default()).unwrap();
        assert!(s[0].score_tenths.is_none_or(|t| t <= 100));
    }
}

#[test]
fn every_format_has_a_fuzz_target() {
    let dir = format!("{}/../fuzz/fuzz_targets", env!("CARGO_MANIFEST_DIR"));
    for format in Format::ALL {
        let path = format!("{dir}/ingest_{}.rs", format.as_str());
        assert!(std::path::Path::new(&path).exists(), "{path}");
    }
}
