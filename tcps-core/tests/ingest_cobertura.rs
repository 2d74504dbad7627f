//! Cobertura and JaCoCo XML ingestion (quality.md 8.9, 8.10): every
//! corpus file and Q-64 to Q-69.

mod ingest_support;

use ingest_support::{at, data, failure, files};
use tcps_core::Error;
use tcps_core::ingest::{self, CoverageBasis, CoverageSummary, Format, Input, Limits};

fn cobertura(file: &str) -> Result<CoverageSummary, Error> {
    let bytes = data("cobertura", file);
    ingest::cobertura(Input::new(file, &bytes), &Limits::default())
}

fn jacoco(file: &str) -> Result<CoverageSummary, Error> {
    let bytes = data("jacoco", file);
    ingest::jacoco(Input::new(file, &bytes), &Limits::default())
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
fn every_cobertura_file_gives_its_counts_or_error() {
    let ok: &[(&str, [u64; 7])] = &[
        (
            "coverallsapp-coverage-reporter__cobertura-conditions.xml",
            [1, 6, 5, 9, 4, 0, 0],
        ),
        (
            "coverallsapp-coverage-reporter__cobertura-zero-only.xml",
            [1, 1, 1, 0, 0, 0, 0],
        ),
        (
            "gcovr-gcovr__coexisting-from-build-dir-clang-10-cobertura.a.xml",
            [11, 38, 23, 0, 0, 11, 6],
        ),
        (
            "gcovr-gcovr__virtual-classes-gcc-14-cobertura.xml",
            [1, 24, 23, 36, 18, 7, 4],
        ),
        (
            "nedbat-coveragepy__x_xml-coverage.xml",
            [1, 3, 2, 0, 0, 0, 0],
        ),
    ];
    for (file, want) in ok {
        let s = cobertura(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(counts(&s), *want, "{file}");
        assert_eq!(s.basis, CoverageBasis::Records, "{file}");
        assert_eq!(s.sources[0].kind, Format::Cobertura);
    }
    let errors = [
        "coverallsapp-coverage-reporter__cobertura-coverage.xml",
        "coverallsapp-coverage-reporter__cobertura.xml",
    ];
    let mut all: Vec<&str> = ok.iter().map(|row| row.0).chain(errors).collect();
    all.sort_unstable();
    assert_eq!(files("cobertura"), all);
}

#[test]
fn q64_condition_coverage_gives_branches() {
    let s = cobertura("coverallsapp-coverage-reporter__cobertura-conditions.xml").unwrap();

    assert_eq!(
        (s.lines_found, s.lines_hit, s.branches_found, s.branches_hit),
        (6, 5, 9, 4)
    );
    assert_eq!(
        (s.functions_found, s.functions_hit, s.basis),
        (0, 0, CoverageBasis::Records)
    );
}

#[test]
fn q65_duplicate_lines_merge_and_method_lines_are_not_counted() {
    let s = cobertura("gcovr-gcovr__virtual-classes-gcc-14-cobertura.xml").unwrap();

    assert_eq!(counts(&s), [1, 24, 23, 36, 18, 7, 4]);
}

#[test]
fn q66_edge_cases() {
    let zero = cobertura("coverallsapp-coverage-reporter__cobertura-zero-only.xml").unwrap();
    assert_eq!((zero.lines_found, zero.lines_hit), (1, 1));

    let coexisting =
        cobertura("gcovr-gcovr__coexisting-from-build-dir-clang-10-cobertura.a.xml").unwrap();
    assert_eq!(
        (
            coexisting.files,
            coexisting.lines_found,
            coexisting.lines_hit
        ),
        (11, 38, 23)
    );
    assert_eq!(
        (coexisting.functions_found, coexisting.functions_hit),
        (11, 6)
    );

    let coveragepy = cobertura("nedbat-coveragepy__x_xml-coverage.xml").unwrap();
    assert_eq!((coveragepy.lines_found, coveragepy.lines_hit), (3, 2));
}

#[test]
fn q67_broken_cobertura() {
    let stray = cobertura("coverallsapp-coverage-reporter__cobertura.xml").unwrap_err();
    assert_eq!(
        at(&stray),
        (
            "ingest_malformed",
            "mismatched_tag".into(),
            Some(781),
            Some(21)
        )
    );

    let one_lf = cobertura("coverallsapp-coverage-reporter__cobertura-coverage.xml").unwrap_err();
    assert_eq!(one_lf.name(), "ingest_empty");
}

#[test]
fn declared_totals_when_no_class_lines() {
    let xml = r#"<coverage lines-valid="10" lines-covered="4" branches-valid="6" branches-covered="3">
        <packages><package><classes><class filename="a.py"><methods><method name="m" signature="()"><lines><line number="1" hits="2"/></lines></method></methods></class></classes></package></packages></coverage>"#;

    let s = ingest::cobertura(Input::new("c.xml", xml.as_bytes()), &Limits::default()).unwrap();

    assert_eq!(counts(&s), [1, 10, 4, 6, 3, 1, 1]);
    assert_eq!(s.basis, CoverageBasis::Declared);

    let none =
        ingest::cobertura(Input::new("c.xml", b"<coverage/>"), &Limits::default()).unwrap_err();
    assert_eq!(none.name(), "ingest_no_data");

    let bad = r#"<coverage><packages><package><classes><class filename="a"><lines><line number="x"/></lines></class></classes></package></packages></coverage>"#;
    let error =
        ingest::cobertura(Input::new("c.xml", bad.as_bytes()), &Limits::default()).unwrap_err();
    assert_eq!(at(&error).1, "bad_number");

    let junit =
        ingest::cobertura(Input::new("j.xml", b"<testsuites/>"), &Limits::default()).unwrap_err();
    assert_eq!(
        failure(&junit).detail,
        "expected cobertura, found testsuites"
    );
}

#[test]
fn cobertura_many_merges_lines_by_file_and_number() {
    let a = r#"<coverage><packages><package><classes><class filename="a"><lines><line number="1" hits="0"/><line number="2" hits="1"/></lines></class></classes></package></packages></coverage>"#;
    let b = r#"<coverage><packages><package><classes><class filename="a"><lines><line number="1" hits="4" condition-coverage="50% (1/2)"/></lines></class></classes></package></packages></coverage>"#;
    let inputs = [
        Input::new("a.xml", a.as_bytes()),
        Input::new("b.xml", b.as_bytes()),
    ];

    let s = ingest::cobertura_many(&inputs, &Limits::default()).unwrap();

    assert_eq!(counts(&s), [1, 2, 2, 2, 1, 0, 0]);
    assert_eq!(s.sources.len(), 2);
}

#[test]
fn every_jacoco_file_gives_its_counts() {
    let expected: &[(&str, [u64; 7], CoverageBasis)] = &[
        (
            "coverallsapp-coverage-reporter__jacoco-oneline-report.xml",
            [2, 6, 5, 4, 2, 2, 2],
            CoverageBasis::Records,
        ),
        (
            "coverallsapp-coverage-reporter__jacoco-report.xml",
            [2, 6, 5, 4, 2, 2, 2],
            CoverageBasis::Records,
        ),
        (
            "gcovr-gcovr__exclusion-line-branch-gcc-14-jacoco.xml",
            [3, 19, 15, 10, 8, 4, 4],
            CoverageBasis::Declared,
        ),
    ];
    assert_eq!(
        files("jacoco"),
        expected
            .iter()
            .map(|row| row.0.to_owned())
            .collect::<Vec<_>>()
    );
    for (file, want, basis) in expected {
        let s = jacoco(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(counts(&s), *want, "{file}");
        assert_eq!(s.basis, *basis, "{file}");
        assert_eq!(s.sources[0].kind, Format::Jacoco);
    }
}

#[test]
fn q68_and_q69_jacoco() {
    let lines = jacoco("coverallsapp-coverage-reporter__jacoco-report.xml").unwrap();
    let oneline = jacoco("coverallsapp-coverage-reporter__jacoco-oneline-report.xml").unwrap();
    assert_eq!(counts(&lines), counts(&oneline));

    let counters = jacoco("gcovr-gcovr__exclusion-line-branch-gcc-14-jacoco.xml").unwrap();
    assert_eq!(counters.lines_hit * 10_000 / counters.lines_found, 7894);
}

#[test]
fn jacoco_rules() {
    let no_data =
        ingest::jacoco(Input::new("r.xml", b"<report/>"), &Limits::default()).unwrap_err();
    assert_eq!(no_data.name(), "ingest_no_data");

    let wrong =
        ingest::jacoco(Input::new("r.xml", b"<coverage/>"), &Limits::default()).unwrap_err();
    assert_eq!(wrong.name(), "ingest_wrong_format");

    let grouped = r#"<report><group name="g"><package name="p"><sourcefile name="A.java">
        <line nr="1" mi="0" ci="2" mb="1" cb="1"/><line nr="1" mi="3" ci="0"/><line nr="2" mi="0" ci="0"/>
        </sourcefile></package></group><counter type="METHOD" missed="1" covered="1"/></report>"#;
    let s = ingest::jacoco(Input::new("r.xml", grouped.as_bytes()), &Limits::default()).unwrap();
    assert_eq!(counts(&s), [1, 1, 1, 2, 1, 2, 1]);

    let bad_counter = r#"<report><counter type="LINE" missed="x" covered="1"/></report>"#;
    let error = ingest::jacoco(
        Input::new("r.xml", bad_counter.as_bytes()),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(at(&error).1, "bad_number");

    let a = data(
        "jacoco",
        "coverallsapp-coverage-reporter__jacoco-report.xml",
    );
    let b = data(
        "jacoco",
        "coverallsapp-coverage-reporter__jacoco-oneline-report.xml",
    );
    let many = ingest::jacoco_many(
        &[Input::new("a", &a), Input::new("b", &b)],
        &Limits::default(),
    )
    .unwrap();
    // Same files and lines: found once; functions come from each root counter.
    assert_eq!(counts(&many), [2, 6, 5, 4, 2, 4, 4]);
}
