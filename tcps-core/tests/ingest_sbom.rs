//! SBOM ingestion (quality.md 8.14): every corpus file and Q-82 to Q-84.

mod ingest_support;

use ingest_support::{at, at_path, data, files};
use tcps_core::Error;
use tcps_core::ingest::{self, Format, Input, Limits, SbomFormat, SbomSummary};

fn read(file: &str) -> Result<SbomSummary, Error> {
    let bytes = data("sbom", file);
    ingest::sbom(Input::new(file, &bytes), &Limits::default())
}

fn text(json: &str) -> Result<SbomSummary, Error> {
    ingest::sbom(
        Input::new("inline.json", json.as_bytes()),
        &Limits::default(),
    )
}

#[test]
fn every_corpus_file() {
    assert_eq!(
        files("sbom"),
        [
            "CycloneDX-bom-examples__CISA-Case-2-vex.json",
            "CycloneDX-bom-examples__cern-lhc-vdm-editor-bom.xml",
            "XAMPPRocky-octocrab__repos_sbom_tests_report.json",
            "google-osv-scanner__alpine-zlib-16.cdx.json",
        ]
    );
    let expected = [
        (
            "CycloneDX-bom-examples__CISA-Case-2-vex.json",
            SbomFormat::Cyclonedx,
            "1.4",
            0,
            0,
            19,
        ),
        (
            "XAMPPRocky-octocrab__repos_sbom_tests_report.json",
            SbomFormat::Spdx,
            "SPDX-2.3",
            45,
            45,
            0,
        ),
        (
            "google-osv-scanner__alpine-zlib-16.cdx.json",
            SbomFormat::Cyclonedx,
            "1.6",
            1,
            1,
            0,
        ),
    ];
    for (file, format, version, components, unknown, vulnerabilities) in expected {
        let s = read(file).unwrap();
        assert_eq!(
            (s.format, s.spec_version.as_str()),
            (format, version),
            "{file}"
        );
        assert_eq!(
            (s.components, s.unknown_licence, s.vulnerabilities),
            (components, unknown, vulnerabilities),
            "{file}"
        );
        assert!(s.licences.is_empty(), "{file}");
        assert_eq!(s.sources[0].kind, Format::Sbom);
    }
}

#[test]
fn q84_xml_sbom_is_unsupported() {
    let error = read("CycloneDX-bom-examples__cern-lhc-vdm-editor-bom.xml").unwrap_err();

    assert_eq!(
        at(&error),
        ("ingest_unsupported", "unsupported".into(), Some(1), Some(1))
    );
    assert_eq!(error.code(), 258);
}

#[test]
fn cyclonedx_components_and_licences() {
    let json = r#"{"bomFormat":"CycloneDX","specVersion":"1.5","metadata":{"component":{"name":"self"}},
        "components":[
            {"name":"a","licenses":[{"license":{"id":"MIT"}}],
             "components":[{"name":"a1","licenses":[{"expression":"MIT OR Apache-2.0"}]},
                           {"name":"a2","licenses":[{"license":{"name":"Custom"}},{"license":{"id":"MIT"}}]}]},
            {"name":"b","licenses":[]},
            {"name":"c","licenses":[{"license":{}}]},
            "not a component"
        ],
        "vulnerabilities":[{},{}]}"#;

    let s = text(json).unwrap();

    assert_eq!(
        (s.components, s.unknown_licence, s.vulnerabilities),
        (5, 2, 2)
    );
    let licences: Vec<(&str, u64)> = s.licences.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        licences,
        [("Custom AND MIT", 1), ("MIT", 1), ("MIT OR Apache-2.0", 1)]
    );
}

#[test]
fn spdx_described_packages_are_not_components() {
    let json = r#"{"spdxVersion":"SPDX-2.2","SPDXID":"SPDXRef-DOCUMENT","documentDescribes":["SPDXRef-a"],
        "packages":[
            {"SPDXID":"SPDXRef-a","licenseConcluded":"MIT"},
            {"SPDXID":"SPDXRef-b","licenseConcluded":"NOASSERTION","licenseDeclared":"Apache-2.0"},
            {"SPDXID":"SPDXRef-c","licenseConcluded":"NONE","licenseDeclared":"NOASSERTION"},
            {"SPDXID":"SPDXRef-d","licenseConcluded":"BSD-3-Clause"},
            {"SPDXID":"SPDXRef-e"}
        ],
        "relationships":[{"spdxElementId":"SPDXRef-DOCUMENT","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-d"},
                         {"spdxElementId":"SPDXRef-b","relationshipType":"DESCRIBES","relatedSpdxElement":"SPDXRef-c"}]}"#;

    let s = text(json).unwrap();

    assert_eq!(
        (s.format, s.components, s.unknown_licence, s.vulnerabilities),
        (SbomFormat::Spdx, 3, 2, 0)
    );
    assert_eq!(s.licences.get("Apache-2.0"), Some(&1));
}

#[test]
fn other_documents_are_refused() {
    assert_eq!(
        at_path(&text(r#"{"bomFormat":"Other"}"#).unwrap_err()).0,
        "ingest_wrong_format"
    );
    assert_eq!(
        at_path(&text(r#"{"spdxVersion":"2.3"}"#).unwrap_err()).0,
        "ingest_wrong_format"
    );
    assert_eq!(at_path(&text("[1]").unwrap_err()).0, "ingest_wrong_format");
    assert_eq!(text("  \n").unwrap_err().name(), "ingest_empty");
    assert_eq!(
        text("\u{feff} <bom/>").unwrap_err().name(),
        "ingest_unsupported"
    );
    assert_eq!(text("{").unwrap_err().name(), "ingest_malformed");
}
