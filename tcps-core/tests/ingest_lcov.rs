//! LCOV ingestion (quality.md 8.8): every corpus file and.

mod ingest_support;

use ingest_support::{at, data, files};
use tcps_core::Error;
use tcps_core::ingest::{self, CoverageBasis, CoverageSummary, Format, Input, Limits, Summary};

fn read(file: &str) -> CoverageSummary {
    let bytes = data("lcov", file);
    ingest::lcov(Input::new(file, &bytes), &Limits::default())
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn text(lcov: &str) -> Result<CoverageSummary, Error> {
    ingest::lcov(
        Input::new("inline.info", lcov.as_bytes()),
        &Limits::default(),
    )
}

/// files, lines found/hit, branches found/hit, functions found/hit.
fn counts(s: &CoverageSummary) -> [u64; 7] {
    [
        s.files,
        s.lines_found,
        s.lines_hit,
        s.branches_found,
        s.branches_hit,
        s.functions_found,
        s.functions_hit,
    ]
}

#[test]
fn every_corpus_file_gives_its_counts() {
    let expected: &[(&str, [u64; 7], CoverageBasis)] = &[
        (
            "coverallsapp-coverage-reporter__test.lcov",
            [3, 17, 16, 8, 7, 6, 5],
            CoverageBasis::Records,
        ),
        (
            "gcovr-gcovr__exclusion-gcc-14-coverage-throw.lcov",
            [1, 24, 21, 16, 8, 6, 6],
            CoverageBasis::Records,
        ),
        (
            "gcovr-gcovr__virtual-classes-clang-17-Darwin-coverage.lcov",
            [1, 25, 23, 44, 21, 7, 7],
            CoverageBasis::Records,
        ),
        (
            "taiki-e-cargo-llvm-cov__issue303.lcov.info",
            [2, 14, 14, 0, 0, 4, 4],
            CoverageBasis::Declared,
        ),
    ];
    assert_eq!(
        files("lcov"),
        expected
            .iter()
            .map(|row| row.0.to_owned())
            .collect::<Vec<_>>()
    );
    for (file, want, basis) in expected {
        let s = read(file);
        assert_eq!(counts(&s), *want, "{file}");
        assert_eq!(s.basis, *basis, "{file}");
        assert_eq!(
            (s.sources[0].kind, s.sources[0].bytes),
            (Format::Lcov, data("lcov", file).len() as u64)
        );
    }
}

#[test]
fn q59_istanbul_huge_counts_are_hits() {
    let s = read("coverallsapp-coverage-reporter__test.lcov");

    assert_eq!(counts(&s), [3, 17, 16, 8, 7, 6, 5]);
    assert_eq!(s.basis, CoverageBasis::Records);
}

#[test]
fn q62_duplicate_files_and_lcov2_functions() {
    let s = text(
        "SF:a.c\nDA:1,0\nDA:2,3\nend_of_record\nSF:a.c\nDA:1,5\nDA:3,0\nFNL:0,10,20\nFNA:0,0,main\n\
         FNA:0,4,main_alias\nFNL:1,30\nFNA:1,0,helper\nend_of_record\n",
    )
    .unwrap();

    assert_eq!(counts(&s), [1, 3, 2, 0, 0, 2, 1]);
    assert_eq!(s.basis, CoverageBasis::Records);
}

#[test]
fn q63_broken_lcov() {
    let bad = text("TN:\nSF:a\nDA:1,1\nDA:2,0\nDA:10,1.a0e+19\nend_of_record\n").unwrap_err();
    assert_eq!(
        at(&bad),
        ("ingest_malformed", "bad_number".into(), Some(5), Some(1))
    );

    let outside = text("DA:1,1\n").unwrap_err();
    assert_eq!(
        at(&outside),
        (
            "ingest_malformed",
            "record_outside".into(),
            Some(1),
            Some(1)
        )
    );

    let open = text("SF:x\nDA:1,1").unwrap_err();
    assert_eq!(
        at(&open),
        (
            "ingest_malformed",
            "unexpected_eof".into(),
            Some(2),
            Some(7)
        )
    );

    for empty in ["", " \r\n\t", "# comment\nTN:x\n", "\u{feff}"] {
        assert_eq!(text(empty).unwrap_err().name(), "ingest_empty", "{empty:?}");
    }
}

#[test]
fn structure_errors_name_their_line() {
    let cases = [
        ("SF:a\nSF:b\n", "record_nesting", 2),
        ("end_of_record\n", "record_outside", 1),
        ("SF:a\nDA:1\nend_of_record\n", "syntax", 2),
        ("SF:a\nBRDA:1,0,0\nend_of_record\n", "syntax", 2),
        ("SF:a\nfoo\nend_of_record\n", "syntax", 2),
        ("SF:a\nlower:case\nend_of_record\n", "syntax", 2),
        ("SF:a\nFNA:3,1,f\nend_of_record\n", "bad_value", 2),
        ("SF:a\nDA:x,1\nend_of_record\n", "bad_number", 2),
        ("SF:a\nLF:-1\nend_of_record\n", "bad_number", 2),
    ];
    for (input, reason, line) in cases {
        let error = text(input).unwrap_err();
        assert_eq!(at(&error).1, reason, "{input:?}");
        assert_eq!(at(&error).2, Some(line), "{input:?}");
    }
}

#[test]
fn data_lines_follow_their_forms() {
    let s = text(
        "  SF:f.c  \r\nVER:2\nMCDC:1,2,t,1,0,x\nDA:1,1,abcdef\nDA:2,-3\nDA:3,+0.5e-9\n\
         BRDA:1,e4,0,1\nBRDA:1,e4,0,-\nBRDA:1,e4,1,extra,0\nBRDA:2,0,0,-\n\
         FN:3,f(int, int)\nFN:4,9,g\nFNDA:2,f(int, int)\nFNDA:0,g\nFNDA:1,h\n\
         LF:99\nLH:98\nend_of_record\n",
    )
    .unwrap();

    // Lines 1 and 3 hit, 2 not; branches (1,e4,0) hit, (1,e4,1) and (2,0,0) not;
    // functions f, g and h (FNDA alone makes a key), f and h hit.
    assert_eq!(counts(&s), [1, 3, 2, 3, 1, 3, 2]);
    assert_eq!(s.basis, CoverageBasis::Records);
}

#[test]
fn declared_totals_are_the_largest_per_file() {
    let s = text("SF:a\nLF:5\nLH:2\nBRF:4\nBRH:1\nend_of_record\nSF:a\nLF:7\nLH:1\nFNF:2\nFNH:2\nend_of_record\n").unwrap();

    assert_eq!(counts(&s), [1, 7, 2, 4, 1, 2, 2]);
    assert_eq!(s.basis, CoverageBasis::Declared);

    let mixed = text("SF:a\nDA:1,1\nend_of_record\nSF:b\nLF:3\nLH:3\nend_of_record\n").unwrap();
    assert_eq!(
        (mixed.lines_found, mixed.lines_hit, mixed.basis),
        (4, 4, CoverageBasis::Mixed)
    );
}

#[test]
fn many_merges_at_the_level_of_lines() {
    let a = "SF:a.c\nDA:1,0\nDA:2,1\nend_of_record\n";
    let b = "SF:a.c\nDA:1,3\nend_of_record\nSF:b.c\nLF:4\nLH:0\nend_of_record\n";
    let inputs = [
        Input::new("a.info", a.as_bytes()),
        Input::new("b.info", b.as_bytes()),
    ];

    let merged = ingest::lcov_many(&inputs, &Limits::default()).unwrap();

    assert_eq!(counts(&merged), [2, 6, 2, 0, 0, 0, 0]);
    assert_eq!(merged.basis, CoverageBasis::Mixed);
    assert_eq!(merged.sources.len(), 2);

    // Summary::merge no longer knows the lines: it adds.
    let parts = inputs
        .iter()
        .map(|i| ingest::lcov(*i, &Limits::default()).unwrap());
    let added = CoverageSummary::merge(parts);
    assert_eq!(counts(&added), [3, 7, 2, 0, 0, 0, 0]);

    let error =
        ingest::lcov_many(&[inputs[0], Input::new("c.info", b"")], &Limits::default()).unwrap_err();
    assert_eq!(ingest_support::failure(&error).input, "c.info");
}

#[test]
fn invalid_utf8_is_read_lossily_and_positions_stay_raw() {
    let s = text("SF:caf\u{e9}.c\nend_of_record\n").unwrap();
    assert_eq!(s.files, 1);

    let bytes = b"SF:\xff\xfe.c\nDA:1,x\nend_of_record\n";
    let error = ingest::lcov(Input::new("x.info", bytes), &Limits::default()).unwrap_err();
    assert_eq!(
        at(&error),
        ("ingest_malformed", "bad_number".into(), Some(2), Some(1))
    );
}
