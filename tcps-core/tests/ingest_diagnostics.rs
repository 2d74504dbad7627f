//! Compiler diagnostics ingestion (quality.md 8.15, 8.16): every corpus
//! file and.

mod ingest_support;

use ingest_support::{data, files};
use tcps_core::ingest::{self, DiagnosticSummary, Format, Input, Limits, Summary};

fn rustc(file: &str) -> DiagnosticSummary {
    let bytes = data("diagnostics", file);
    ingest::rustc_json(Input::new(file, &bytes), &Limits::default()).unwrap()
}

fn log(file: &str) -> DiagnosticSummary {
    let bytes = data("diagnostics", file);
    ingest::compiler_log(Input::new(file, &bytes), &Limits::default()).unwrap()
}

fn codes(s: &DiagnosticSummary) -> Vec<(&str, u64)> {
    s.codes.iter().collect()
}

const ABSURD: &str = "this comparison involving the minimum or maximum element for this type contains a case that is always true or always false";

#[test]
fn every_corpus_file_through_both_readers() {
    assert_eq!(
        files("diagnostics"),
        [
            "psastras-sarif-rs__clang-tidy.out",
            "psastras-sarif-rs__clippy.out",
            "rust-lang-cargo__dedup-suggestions.json",
            "rust-lang-cargo__str-lit-type-mismatch.json",
        ]
    );
    // errors, warnings, notes, duplicates, summaries, ignored, text_lines
    let expected = [
        (
            "psastras-sarif-rs__clang-tidy.out",
            [0, 0, 0, 0, 0, 0, 18],
            [0, 1, 3, 0, 0, 14, 0],
        ),
        (
            "psastras-sarif-rs__clippy.out",
            [2, 1, 0, 3, 2, 1, 3],
            [0, 0, 0, 0, 3, 9, 0],
        ),
        (
            "rust-lang-cargo__dedup-suggestions.json",
            [0, 2, 0, 0, 1, 0, 0],
            [0, 0, 0, 0, 0, 583, 0],
        ),
        (
            "rust-lang-cargo__str-lit-type-mismatch.json",
            [3, 0, 0, 0, 1, 0, 0],
            [0, 0, 0, 0, 0, 218, 0],
        ),
    ];
    let row = |s: &DiagnosticSummary| {
        [
            s.errors,
            s.warnings,
            s.notes,
            s.duplicates,
            s.summaries,
            s.ignored,
            s.text_lines,
        ]
    };
    for (file, json_counts, log_counts) in expected {
        let json = rustc(file);
        assert_eq!(row(&json), json_counts, "{file} as rustc json");
        assert_eq!(json.sources[0].kind, Format::RustcJson);
        let plain = log(file);
        assert_eq!(row(&plain), log_counts, "{file} as a log");
        assert_eq!(plain.sources[0].kind, Format::CompilerLog);
    }
}

#[test]
fn q85_cargo_clippy_stream() {
    let s = rustc("psastras-sarif-rs__clippy.out");

    assert_eq!(
        (
            s.errors,
            s.warnings,
            s.duplicates,
            s.summaries,
            s.ignored,
            s.text_lines
        ),
        (2, 1, 3, 2, 1, 3)
    );
    assert_eq!(
        codes(&s),
        [
            ("clippy::absurd_extreme_comparisons", 2),
            ("clippy::needless_if", 1)
        ]
    );
    assert_eq!(
        s.first_errors,
        [
            format!("src/main.rs:3:6: {ABSURD}"),
            format!("src/main.rs:4:6: {ABSURD}")
        ]
    );
    assert_eq!(s.first_errors_total, 2);
}

#[test]
fn q86_macro_expansions_are_not_duplicates() {
    let s = rustc("rust-lang-cargo__dedup-suggestions.json");

    assert_eq!((s.warnings, s.duplicates, s.summaries), (2, 0, 1));
    assert_eq!(codes(&s), [("forgetting_references", 2)]);
}

#[test]
fn q87_plain_rustc_json() {
    let s = rustc("rust-lang-cargo__str-lit-type-mismatch.json");

    assert_eq!((s.errors, s.summaries), (3, 1));
    assert_eq!(codes(&s), [("E0308", 3)]);
    assert_eq!(
        s.first_errors,
        [
            "./tests/everything/str-lit-type-mismatch.rs:13:20: mismatched types",
            "./tests/everything/str-lit-type-mismatch.rs:14:23: mismatched types",
            "./tests/everything/str-lit-type-mismatch.rs:15:19: mismatched types",
        ]
    );
}

#[test]
fn q88_plain_logs() {
    let tidy = log("psastras-sarif-rs__clang-tidy.out");
    assert_eq!((tidy.errors, tidy.warnings, tidy.notes), (0, 1, 3));

    let clippy = log("psastras-sarif-rs__clippy.out");
    assert_eq!((clippy.errors, clippy.warnings), (0, 0));
}

#[test]
fn streams_mix_text_and_values() {
    let stream = "   Compiling x v0.1.0\n{\"reason\":\"compiler-artifact\"}{\"message\":\"boom\",\"level\":\"error: internal compiler error\",\"spans\":[]}\n\
                  {\"reason\":\"compiler-message\",\"message\":{\"message\":\"m\",\"level\":\"note\"}}\n\
                  {\"broken\": \n\
                  {\"message\":\"x\",\"level\":\"warning\",\"code\":{\"code\":\"W1\"},\"spans\":[{\"is_primary\":false,\"file_name\":\"a\"}]}\n\
                  {\"message\":\"x\",\"level\":\"warning\",\"code\":{\"code\":\"W1\"},\"spans\":[{\"is_primary\":false,\"file_name\":\"a\"}]}\n\
                  {\"message\":\"1 warning emitted\",\"level\":\"warning\"}\n";

    let s = ingest::rustc_json(Input::new("s", stream.as_bytes()), &Limits::default()).unwrap();

    assert_eq!(
        (
            s.errors,
            s.warnings,
            s.duplicates,
            s.summaries,
            s.ignored,
            s.text_lines
        ),
        (1, 1, 1, 1, 2, 2)
    );
    assert_eq!(s.first_errors, ["boom"]);
    assert_eq!(codes(&s), [("W1", 1)]);
}

#[test]
fn empty_inputs_are_zero_diagnostics() {
    for text in ["", " \n\r\n", "\u{feff}"] {
        let json =
            ingest::rustc_json(Input::new("e", text.as_bytes()), &Limits::default()).unwrap();
        let plain =
            ingest::compiler_log(Input::new("e", text.as_bytes()), &Limits::default()).unwrap();
        assert_eq!(
            (json.errors, json.text_lines, plain.errors, plain.ignored),
            (0, 0, 0, 0),
            "{text:?}"
        );
    }
}

#[test]
fn logs_count_the_patterns() {
    let text = "a.c:1:2: error: one\r\nb.c:3: warning: two\nC:\\x\\y.cpp(4,5): error C2065: three\n\
                error[E0425]: four\nwarning: unused\nerror: aborting due to 2 previous errors\n\
                \x20 a.c:1:2: error: indented is not a diagnostic\nmain.c:7:1: remark: r\n";

    let s = ingest::compiler_log(Input::new("log", text.as_bytes()), &Limits::default()).unwrap();

    assert_eq!(
        (s.errors, s.warnings, s.notes, s.summaries, s.ignored),
        (3, 2, 1, 1, 1)
    );
    assert_eq!(
        s.first_errors,
        [
            "a.c:1:2: error: one",
            "C:\\x\\y.cpp(4,5): error C2065: three",
            "error[E0425]: four"
        ]
    );
    assert_eq!(codes(&s), [("C2065", 1), ("E0425", 1)]);
}

#[test]
fn many_merges_counts_codes_and_lists() {
    let a = data("diagnostics", "rust-lang-cargo__str-lit-type-mismatch.json");
    let b = data("diagnostics", "psastras-sarif-rs__clippy.out");
    let inputs = [Input::new("a", &a), Input::new("b", &b)];

    let merged = ingest::rustc_json_many(&inputs, &Limits::default()).unwrap();

    assert_eq!(
        (
            merged.errors,
            merged.warnings,
            merged.first_errors_total,
            merged.first_errors.len()
        ),
        (5, 1, 5, 5)
    );
    assert_eq!(codes(&merged)[0], ("E0308", 3));
    assert_eq!(merged.sources.len(), 2);
    assert_eq!(
        DiagnosticSummary::merge(Vec::new()),
        DiagnosticSummary::default()
    );

    let logs = ingest::compiler_log_many(&inputs, &Limits::default()).unwrap();
    assert_eq!(logs.sources.len(), 2);
}
