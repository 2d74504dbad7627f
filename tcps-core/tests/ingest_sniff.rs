//! Recognising formats (quality.md 8.17, Q-89).

mod ingest_support;

use ingest_support::data;
use tcps_core::ingest::{self, Format, Input};

fn sniff(kind: &str, file: &str) -> Option<Format> {
    let bytes = data(kind, file);
    ingest::sniff(Input::new(file, &bytes))
}

#[test]
fn q89_sniff() {
    let cases = [
        (
            "junit",
            "EnricoMi-publish-unit-test-result-action__junit.fail.xml",
            Some(Format::Junit),
        ),
        (
            "cobertura",
            "gcovr-gcovr__virtual-classes-gcc-14-cobertura.xml",
            Some(Format::Cobertura),
        ),
        (
            "jacoco",
            "coverallsapp-coverage-reporter__jacoco-report.xml",
            Some(Format::Jacoco),
        ),
        (
            "sarif",
            "microsoft-sarif-tutorials__Suppressions.sarif",
            Some(Format::Sarif),
        ),
        (
            "sbom",
            "google-osv-scanner__alpine-zlib-16.cdx.json",
            Some(Format::Sbom),
        ),
        (
            "osv",
            "google-osv.dev__GHSA-838r-hvwh-24h8.json",
            Some(Format::Osv),
        ),
        (
            "github",
            "XAMPPRocky-octocrab__pull_requests_list.json",
            Some(Format::Github),
        ),
        (
            "diagnostics",
            "psastras-sarif-rs__clippy.out",
            Some(Format::RustcJson),
        ),
        (
            "diagnostics",
            "rust-lang-cargo__dedup-suggestions.json",
            Some(Format::RustcJson),
        ),
        (
            "lcov",
            "coverallsapp-coverage-reporter__test.lcov",
            Some(Format::Lcov),
        ),
        (
            "diagnostics",
            "psastras-sarif-rs__clang-tidy.out",
            Some(Format::CompilerLog),
        ),
        (
            "sbom",
            "CycloneDX-bom-examples__cern-lhc-vdm-editor-bom.xml",
            None,
        ),
    ];
    for (kind, file, format) in cases {
        assert_eq!(sniff(kind, file), format, "{file}");
    }
}

#[test]
fn whole_directories_sniff_as_their_kind() {
    for (kind, format) in [
        ("junit", Format::Junit),
        ("jacoco", Format::Jacoco),
        ("sarif", Format::Sarif),
        ("osv", Format::Osv),
        ("lcov", Format::Lcov),
    ] {
        for file in ingest_support::files(kind) {
            if file.contains("testXxe") {
                continue;
            }
            assert_eq!(sniff(kind, &file), Some(format), "{file}");
        }
    }
}

#[test]
fn small_inputs() {
    let cases: &[(&[u8], Option<Format>)] = &[
        (b"", None),
        (b"  \n", None),
        (b"\xef\xbb\xbf <testsuite/>", Some(Format::Junit)),
        (
            b"<?xml version='1.0'?><!-- c --><!DOCTYPE x><?pi x?><ns:coverage/>",
            Some(Format::Cobertura),
        ),
        (b"{\"version\":\"2.1.0\",\"runs\":[]}", Some(Format::Sarif)),
        (b"{\"spdxVersion\":1}", Some(Format::Sbom)),
        (b"{\"id\":\"x\",\"modified\":1}", Some(Format::Osv)),
        (b"[]", Some(Format::Github)),
        (
            b"{\"number\":1,\"title\":\"t\",\"state\":\"open\"}",
            Some(Format::Github),
        ),
        (
            b"text\n{\"reason\":\"build-finished\"}\n",
            Some(Format::RustcJson),
        ),
        (b"  TN:\n", Some(Format::Lcov)),
        (b"x.c:1: warning: w\n", Some(Format::CompilerLog)),
        (b"{\"a\":1}", None),
        (b"hello world", None),
    ];
    for (bytes, format) in cases {
        assert_eq!(
            ingest::sniff(Input::new("x", bytes)),
            *format,
            "{:?}",
            String::from_utf8_lossy(bytes)
        );
    }
}
