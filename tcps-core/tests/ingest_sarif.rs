//! SARIF 2.1.0 ingestion (quality.md 8.11): every corpus file and Q-70
//! to Q-73.

mod ingest_support;

use ingest_support::{at_path, data, files};
use tcps_core::Error;
use tcps_core::ingest::{self, Format, Input, Limits, SarifSummary, Summary};

fn read(file: &str) -> Result<SarifSummary, Error> {
    let bytes = data("sarif", file);
    ingest::sarif(Input::new(file, &bytes), &Limits::default())
}

fn text(json: &str) -> Result<SarifSummary, Error> {
    ingest::sarif(
        Input::new("inline.sarif", json.as_bytes()),
        &Limits::default(),
    )
}

/// runs, results, error, warning, note, none, suppressed, absent.
fn counts(s: &SarifSummary) -> [u64; 8] {
    [
        s.runs,
        s.results,
        s.error,
        s.warning,
        s.note,
        s.none,
        s.suppressed,
        s.absent,
    ]
}

#[test]
fn every_corpus_file_gives_its_counts() {
    let expected: &[(&str, [u64; 8], &[&str])] = &[
        (
            "github-codeql-action__tool-names.sarif",
            [5, 0, 0, 0, 0, 0, 0, 0],
            &[
                "CodeQL command-line toolchain",
                "CodeQL command-line toolchain",
                "ESLint",
                "",
                "",
            ],
        ),
        (
            "github-codeql-action__valid-sarif.sarif",
            [2, 3, 0, 0, 3, 0, 0, 0],
            &["LGTM.com", "CodeQL command-line toolchain"],
        ),
        (
            "github-codeql-action__with-invalid-uri.sarif",
            [1, 1, 0, 1, 0, 0, 0, 0],
            &["LGTM.com"],
        ),
        (
            "microsoft-sarif-tutorials__Suppressions.sarif",
            [1, 6, 0, 6, 0, 0, 3, 0],
            &["SarifSamples"],
        ),
        (
            "microsoft-sarif-tutorials__bad-eval-with-code-flow.sarif",
            [1, 1, 0, 1, 0, 0, 0, 0],
            &["PythonScanner"],
        ),
        (
            "smithy-security-smithy__checkov.empty.valid.sarif",
            [1, 0, 0, 0, 0, 0, 0, 0],
            &["Checkov"],
        ),
        (
            "smithy-security-smithy__credo.sarif.json",
            [1, 1, 1, 0, 0, 0, 0, 0],
            &["Credo"],
        ),
        (
            "smithy-security-smithy__gosec.json",
            [1, 21, 17, 4, 0, 0, 0, 0],
            &["gosec"],
        ),
        (
            "smithy-security-smithy__mobsf.sarif.json",
            [1, 43, 5, 26, 12, 0, 0, 0],
            &["mobsfscan"],
        ),
        (
            "smithy-security-smithy__out.javascript.sarif.json",
            [1, 35, 5, 30, 0, 0, 0, 0],
            &["CodeQL"],
        ),
        (
            "smithy-security-smithy__sobelow.sarif.json",
            [1, 2, 2, 0, 0, 0, 0, 0],
            &["Sobelow"],
        ),
        (
            "smithy-security-smithy__trivy.sarif.json",
            [1, 3, 0, 1, 2, 0, 0, 0],
            &["Trivy"],
        ),
    ];
    for (file, want, tools) in expected {
        let s = read(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(counts(&s), *want, "{file}");
        assert_eq!(s.tools, *tools, "{file}");
        assert_eq!(
            (s.sources[0].kind, s.sources[0].bytes),
            (Format::Sarif, data("sarif", file).len() as u64)
        );
    }
    let mut all: Vec<&str> = expected
        .iter()
        .map(|row| row.0)
        .chain(["github-codeql-action__invalid-sarif.sarif"])
        .collect();
    all.sort_unstable();
    assert_eq!(files("sarif"), all);
}

#[test]
fn q70_suppressions() {
    let s = read("microsoft-sarif-tutorials__Suppressions.sarif").unwrap();

    assert_eq!(counts(&s), [1, 6, 0, 6, 0, 0, 3, 0]);
    assert_eq!(s.top_rules.0, [("TUT1001".to_owned(), 6)]);
    assert_eq!(
        serde_json::to_string(&s.top_rules).unwrap(),
        r#"{"TUT1001":6}"#
    );
}

#[test]
fn q71_levels_from_rule_defaults() {
    let s = read("smithy-security-smithy__out.javascript.sarif.json").unwrap();

    assert_eq!((s.results, s.error, s.warning), (35, 5, 30));
    assert_eq!(
        s.top_rules.0[0],
        ("js/missing-rate-limiting".to_owned(), 25)
    );
}

#[test]
fn q72_mixed_levels() {
    let mobsf = read("smithy-security-smithy__mobsf.sarif.json").unwrap();
    assert_eq!(
        (mobsf.results, mobsf.error, mobsf.warning, mobsf.note),
        (43, 5, 26, 12)
    );

    let gosec = read("smithy-security-smithy__gosec.json").unwrap();
    assert_eq!((gosec.results, gosec.error, gosec.warning), (21, 17, 4));
    let top: Vec<(&str, u64)> = gosec.top_rules.iter().take(3).collect();
    assert_eq!(top, [("G104", 4), ("G401", 3), ("G307", 2)]);

    let valid = read("github-codeql-action__valid-sarif.sarif").unwrap();
    assert_eq!((valid.runs, valid.results, valid.note), (2, 3, 3));
}

#[test]
fn q73_missing_and_invalid_results() {
    let names = read("github-codeql-action__tool-names.sarif").unwrap();
    assert_eq!((names.runs, names.results), (5, 0));

    let error = read("github-codeql-action__invalid-sarif.sarif").unwrap_err();
    assert_eq!(
        at_path(&error),
        (
            "ingest_malformed",
            "not_an_array".into(),
            Some("$.runs[0].results".into())
        )
    );
}

#[test]
fn document_shape_errors() {
    let cases: &[(&str, &str, &str, Option<&str>)] = &[
        (
            r#"{"version":"2.0.0","runs":[]}"#,
            "ingest_unsupported",
            "unsupported",
            Some("$.version"),
        ),
        (
            r#"{"runs":[]}"#,
            "ingest_unsupported",
            "unsupported",
            Some("$.version"),
        ),
        (
            r#"{"version":"2.1.0"}"#,
            "ingest_malformed",
            "missing_field",
            Some("$.runs"),
        ),
        (
            r#"{"version":"2.1.0","runs":{}}"#,
            "ingest_malformed",
            "not_an_array",
            Some("$.runs"),
        ),
        (
            r#"{"version":"2.1.0","runs":[1]}"#,
            "ingest_malformed",
            "not_an_object",
            Some("$.runs[0]"),
        ),
        (
            r#"{"version":"2.1.0","runs":[{"results":[{},2]}]}"#,
            "ingest_malformed",
            "not_an_object",
            Some("$.runs[0].results[1]"),
        ),
        (
            r#"{"version":"2.1.0","runs":[{"results":[{"level":"fatal"}]}]}"#,
            "ingest_malformed",
            "bad_value",
            Some("$.runs[0].results[0].level"),
        ),
        ("[]", "ingest_wrong_format", "wrong_format", None),
    ];
    for (json, name, reason, path) in cases {
        let error = text(json).unwrap_err();
        assert_eq!(
            at_path(&error),
            (*name, (*reason).to_owned(), path.map(str::to_owned)),
            "{json}"
        );
    }
    let unsupported = text(r#"{"version":"2.0.0","runs":[]}"#).unwrap_err();
    assert_eq!(
        ingest_support::failure(&unsupported).detail,
        "version `2.0.0`"
    );
}

#[test]
fn levels_suppressions_and_rule_lookup() {
    let json = r#"{"version":"2.1.0","runs":[{
        "results":[
            {"ruleId":"A"},
            {"ruleId":"A","level":null,"kind":null},
            {"ruleId":"B","kind":"pass"},
            {"ruleId":"B","kind":"fail"},
            {"rule":{"id":"X","index":0,"toolComponent":{"index":0}}},
            {"rule":{"index":7}, "ruleIndex":1},
            {"ruleIndex":-1, "ruleId":"C"},
            {"level":"note","suppressions":[]},
            {"level":"error","suppressions":[{"status":"accepted"},{"kind":"inSource"}]},
            {"level":"error","suppressions":[{"status":"accepted"},{"status":"rejected"}]},
            {"level":"error","baselineState":"absent"},
            {"level":"error","baselineState":"unchanged"},
            {"level":"bogus","suppressions":[{}]}
        ],
        "tool":{"driver":{"name":"T","rules":[
            {"id":"A","defaultConfiguration":{"level":"error"}},
            {"id":"B","defaultConfiguration":{"level":"note"}},
            {"id":"C","defaultConfiguration":{"level":"nonsense"}}
        ]},"extensions":[{"rules":[{"id":"X","defaultConfiguration":{"level":"none"}}]}]}
    }]}"#;

    let s = text(json).unwrap();

    // A error ×2, B pass → none, B fail → rule note, X → extension none,
    // index 7 out of range → ruleIndex 1 (B) note, C → default invalid → warning,
    // the empty suppression list keeps a note, rejected keeps an error,
    // unchanged is counted.
    assert_eq!(counts(&s), [1, 10, 4, 1, 3, 2, 2, 1]);
    assert_eq!(s.top_rules.get("A"), Some(2));
    assert_eq!(s.top_rules.get(""), Some(2));
    assert_eq!(s.top_rules.get("C"), Some(1));
}

#[test]
fn top_rules_are_capped_at_twenty_and_merge_key_by_key() {
    let results: Vec<String> = (0..30)
        .map(|i| format!(r#"{{"ruleId":"R{i:02}","level":"error"}}"#))
        .collect();
    let json = format!(
        r#"{{"version":"2.1.0","runs":[{{"results":[{}]}}]}}"#,
        results.join(",")
    );

    let s = text(&json).unwrap();

    assert_eq!(s.top_rules.len(), 20);
    assert_eq!(s.top_rules.0[0], ("R00".to_owned(), 1));
    assert_eq!(s.top_rules.0[19].0, "R19");

    let other =
        text(r#"{"version":"2.1.0","runs":[{"results":[{"ruleId":"R29"},{"ruleId":"R29"}]}]}"#)
            .unwrap();
    let merged = SarifSummary::merge([s.clone(), other]);
    assert_eq!(merged.top_rules.0[0], ("R29".to_owned(), 2));
    assert_eq!(merged.results, 32);
    assert_eq!(merged.tools, ["", ""]);

    let many = ingest::sarif_many(
        &[
            Input::new("a", json.as_bytes()),
            Input::new("b", json.as_bytes()),
        ],
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        (many.results, many.top_rules.0[0].1, many.sources.len()),
        (60, 2, 2)
    );
}

#[test]
fn repeated_keys_keep_their_last_value() {
    let s = text(
        r#"{"version":"1.0","runs":[{"results":[{"level":"error"}]}],"version":"2.1.0","runs":[]}"#,
    )
    .unwrap();

    assert_eq!((s.runs, s.results), (0, 0));
}
