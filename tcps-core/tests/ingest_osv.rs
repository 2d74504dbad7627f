//! OSV advisory ingestion (quality.md 8.12): every corpus file and Q-74
//! to Q-77.

mod ingest_support;

use ingest_support::{at_path, data, files};
use tcps_core::Error;
use tcps_core::ingest::{
    self, AdvisoriesSummary, Format, Input, Limits, OsvPackage, OsvSummary, Rating, RatingSource,
};

fn read(file: &str) -> OsvSummary {
    let bytes = data("osv", file);
    let mut all = ingest::osv(Input::new(file, &bytes), &Limits::default())
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(all.len(), 1, "{file}");
    all.remove(0)
}

fn text(json: &str) -> Result<Vec<OsvSummary>, Error> {
    ingest::osv(
        Input::new("inline.json", json.as_bytes()),
        &Limits::default(),
    )
}

fn package(ecosystem: &str, name: &str) -> OsvPackage {
    OsvPackage {
        ecosystem: ecosystem.to_owned(),
        name: name.to_owned(),
    }
}

#[test]
fn every_corpus_file_gives_its_rating() {
    #[allow(
        clippy::type_complexity,
        reason = "one row of the table per corpus file"
    )]
    let expected: &[(&str, &str, Rating, Option<u32>, RatingSource, usize)] = &[
        (
            "google-osv-scanner__GO-2023-2382.json",
            "GO-2023-2382",
            Rating::Unknown,
            None,
            RatingSource::None,
            1,
        ),
        (
            "google-osv.dev__CVE-2022-27449.json",
            "CVE-2022-27449",
            Rating::Unknown,
            None,
            RatingSource::None,
            5,
        ),
        (
            "google-osv.dev__DSA-3029-1.json",
            "DSA-3029-1",
            Rating::Unknown,
            None,
            RatingSource::None,
            1,
        ),
        (
            "google-osv.dev__GHSA-838r-hvwh-24h8.json",
            "GHSA-838r-hvwh-24h8",
            Rating::Critical,
            Some(91),
            RatingSource::CvssV3,
            1,
        ),
        (
            "google-osv.dev__test_vuln.json",
            "PYSEC-2021-63",
            Rating::Unknown,
            None,
            RatingSource::None,
            1,
        ),
        (
            "ossf-osv-schema__CVE-2018-5407.json",
            "CVE-2018-5407",
            Rating::Medium,
            Some(47),
            RatingSource::CvssV3,
            6,
        ),
        (
            "ossf-osv-schema__MAL-2024-10238.json",
            "MAL-2024-10238",
            Rating::Critical,
            None,
            RatingSource::Malicious,
            1,
        ),
        (
            "ossf-osv-schema__PYSEC-2023-74.json",
            "PYSEC-2023-74",
            Rating::Unknown,
            None,
            RatingSource::None,
            1,
        ),
        (
            "ossf-osv-schema__RHSA-2022_0216.json",
            "RHSA-2022:0216",
            Rating::High,
            Some(81),
            RatingSource::CvssV3,
            0,
        ),
        (
            "ossf-osv-schema__maven_greater_than.osv.json",
            "GHSA-76mp-659p-rw65",
            Rating::Unknown,
            None,
            RatingSource::None,
            1,
        ),
        (
            "ossf-osv-schema__nointroduced-CVE-2023-41045.json",
            "CVE-2023-41045",
            Rating::Medium,
            Some(53),
            RatingSource::CvssV3,
            0,
        ),
        (
            "ossf-osv-schema__npm_greater_than.osv.json",
            "GHSA-mhpp-875w-9cpv",
            Rating::Unknown,
            None,
            RatingSource::None,
            1,
        ),
        (
            "ossf-osv-schema__withdrawn.osv.json",
            "GHSA-35c4-f3rq-f9g3",
            Rating::Unknown,
            None,
            RatingSource::None,
            1,
        ),
        (
            "rustsec-advisory-db__RUSTSEC-2016-0001.json",
            "RUSTSEC-2016-0001",
            Rating::High,
            Some(81),
            RatingSource::CvssV3,
            1,
        ),
    ];
    assert_eq!(
        files("osv"),
        expected
            .iter()
            .map(|row| row.0.to_owned())
            .collect::<Vec<_>>()
    );
    for (file, id, rating, score, source, packages) in expected {
        let s = read(file);
        assert_eq!(
            (s.id.as_str(), s.rating, s.score_tenths, s.rating_source),
            (*id, *rating, *score, *source),
            "{file}"
        );
        assert_eq!(s.packages.len(), *packages, "{file}");
        assert!(s.bad_vectors.is_empty(), "{file}");
        assert_eq!(
            (s.sources[0].kind, s.sources[0].bytes),
            (Format::Osv, data("osv", file).len() as u64)
        );
    }
}

/// The record fields of one corpus file, as MANIFEST.md states them
/// (package names read from the file's `affected[].package`).
struct Record {
    file: &'static str,
    aliases: &'static [&'static str],
    published_ms: i64,
    modified_ms: i64,
    schema_version: Option<&'static str>,
    withdrawn_ms: Option<i64>,
    packages: &'static [(&'static str, &'static str)],
}

const RECORDS: &[Record] = &[
    Record {
        file: "google-osv-scanner__GO-2023-2382.json",
        aliases: &["CVE-2023-39326"],
        published_ms: 1_701_879_756_000,
        modified_ms: 1_701_879_756_000,
        schema_version: Some("1.3.1"),
        withdrawn_ms: None,
        packages: &[("Go", "stdlib")],
    },
    Record {
        file: "google-osv.dev__CVE-2022-27449.json",
        aliases: &[],
        published_ms: 1_649_942_100_000,
        modified_ms: 1_665_169_140_000,
        schema_version: None,
        withdrawn_ms: None,
        packages: &[
            ("Alpine:v3.12", "mariadb"),
            ("Alpine:v3.13", "mariadb"),
            ("Alpine:v3.14", "mariadb"),
            ("Alpine:v3.15", "mariadb"),
            ("Alpine:v3.16", "mariadb"),
        ],
    },
    Record {
        file: "google-osv.dev__DSA-3029-1.json",
        aliases: &["CVE-2014-3616"],
        published_ms: 1_411_171_200_000,
        modified_ms: 1_411_201_087_000,
        schema_version: None,
        withdrawn_ms: None,
        packages: &[("Debian:7", "nginx")],
    },
    Record {
        file: "google-osv.dev__GHSA-838r-hvwh-24h8.json",
        aliases: &["CVE-2021-38555"],
        published_ms: 1_631_563_591_000,
        modified_ms: 1_632_489_005_000,
        schema_version: Some("1.4.0"),
        withdrawn_ms: None,
        packages: &[("Maven", "org.apache.any23:apache-any23")],
    },
    Record {
        file: "google-osv.dev__test_vuln.json",
        aliases: &["CVE-2020-36242"],
        published_ms: 1_612_728_900_000,
        modified_ms: 1_613_755_380_000,
        schema_version: None,
        withdrawn_ms: None,
        // Two affected entries name the same package: kept once.
        packages: &[("PyPI", "cryptography")],
    },
    Record {
        file: "ossf-osv-schema__CVE-2018-5407.json",
        aliases: &[],
        published_ms: 1_542_317_340_000,
        modified_ms: 1_717_025_696_000,
        schema_version: None,
        withdrawn_ms: None,
        // The seventh affected entry has no package (GIT range).
        packages: &[
            ("Alpine:v3.3", "openssl"),
            ("Alpine:v3.4", "openssl"),
            ("Alpine:v3.5", "openssl"),
            ("Alpine:v3.6", "openssl"),
            ("Alpine:v3.7", "openssl"),
            ("Alpine:v3.8", "openssl"),
        ],
    },
    Record {
        file: "ossf-osv-schema__MAL-2024-10238.json",
        aliases: &[],
        published_ms: 1_730_037_345_000,
        modified_ms: 1_730_037_345_000,
        schema_version: Some("1.5.0"),
        withdrawn_ms: None,
        packages: &[("PyPI", "123bla")],
    },
    Record {
        file: "ossf-osv-schema__PYSEC-2023-74.json",
        aliases: &["CVE-2023-32681", "GHSA-j8r2-6x86-q33q"],
        published_ms: 1_685_124_900_000,
        modified_ms: 1_685_927_580_534,
        schema_version: None,
        withdrawn_ms: None,
        packages: &[("PyPI", "requests")],
    },
    Record {
        file: "ossf-osv-schema__RHSA-2022_0216.json",
        aliases: &[],
        published_ms: 1_725_212_555_000,
        modified_ms: 1_725_212_555_000,
        schema_version: Some("1.6.0"),
        withdrawn_ms: None,
        packages: &[],
    },
    Record {
        file: "ossf-osv-schema__maven_greater_than.osv.json",
        aliases: &["CVE-2021-32620"],
        published_ms: 1_621_362_981_000,
        modified_ms: 1_623_171_619_000,
        schema_version: Some("1.5.0"),
        withdrawn_ms: None,
        packages: &[("Maven", "org.xwiki.commons:xwiki-commons-core")],
    },
    Record {
        file: "ossf-osv-schema__nointroduced-CVE-2023-41045.json",
        aliases: &["GHSA-g96c-x7rh-99r3"],
        published_ms: 1_693_505_709_000,
        modified_ms: 1_694_030_548_000,
        schema_version: None,
        withdrawn_ms: None,
        packages: &[],
    },
    Record {
        file: "ossf-osv-schema__npm_greater_than.osv.json",
        aliases: &["CVE-2016-10707"],
        published_ms: 1_516_627_962_000,
        modified_ms: 1_631_736_634_000,
        schema_version: Some("1.5.0"),
        withdrawn_ms: None,
        packages: &[("npm", "jquery")],
    },
    Record {
        file: "ossf-osv-schema__withdrawn.osv.json",
        aliases: &["CVE-2015-3227"],
        published_ms: 1_537_221_443_000,
        modified_ms: 1_562_187_723_000,
        schema_version: Some("1.5.0"),
        withdrawn_ms: Some(1_539_278_989_000),
        packages: &[("RubyGems", "activesupport")],
    },
    Record {
        file: "rustsec-advisory-db__RUSTSEC-2016-0001.json",
        aliases: &["CVE-2016-10931", "GHSA-34p9-f4q3-c4r7"],
        published_ms: 1_478_347_200_000,
        modified_ms: 1_686_661_824_000,
        // `"schema_version": null` in the file.
        schema_version: None,
        withdrawn_ms: None,
        packages: &[("crates.io", "openssl")],
    },
];

#[test]
fn every_corpus_file_gives_its_record_fields() {
    assert_eq!(
        files("osv"),
        RECORDS.iter().map(|r| r.file).collect::<Vec<_>>()
    );

    for r in RECORDS {
        let s = read(r.file);

        assert_eq!(s.aliases, r.aliases, "{}", r.file);
        assert_eq!(
            (s.published_ms, s.modified_ms),
            (Some(r.published_ms), Some(r.modified_ms)),
            "{}",
            r.file
        );
        assert_eq!(s.schema_version.as_deref(), r.schema_version, "{}", r.file);
        assert_eq!(
            (s.withdrawn, s.withdrawn_ms),
            (r.withdrawn_ms.is_some(), r.withdrawn_ms),
            "{}",
            r.file
        );
        let packages: Vec<_> = r
            .packages
            .iter()
            .map(|(ecosystem, name)| package(ecosystem, name))
            .collect();
        assert_eq!(s.packages, packages, "{}", r.file);
    }
}

#[test]
fn q74_github_advisory() {
    let s = read("google-osv.dev__GHSA-838r-hvwh-24h8.json");

    assert_eq!(
        (s.rating, s.score_tenths, s.rating_source),
        (Rating::Critical, Some(91), RatingSource::CvssV3)
    );
    assert_eq!(s.aliases, ["CVE-2021-38555"]);
    assert_eq!(
        s.packages,
        [package("Maven", "org.apache.any23:apache-any23")]
    );
    assert_eq!(
        (s.published_ms, s.modified_ms),
        (Some(1_631_563_591_000), Some(1_632_489_005_000))
    );
}

#[test]
fn q75_rustsec() {
    let s = read("rustsec-advisory-db__RUSTSEC-2016-0001.json");

    assert_eq!(
        (s.rating, s.score_tenths, s.schema_version.as_deref()),
        (Rating::High, Some(81), None)
    );
    assert_eq!(s.aliases, ["CVE-2016-10931", "GHSA-34p9-f4q3-c4r7"]);
    assert_eq!(s.packages, [package("crates.io", "openssl")]);
}

#[test]
fn q76_withdrawn_malicious_microseconds() {
    let withdrawn = read("ossf-osv-schema__withdrawn.osv.json");
    assert_eq!(
        (
            withdrawn.withdrawn,
            withdrawn.withdrawn_ms,
            withdrawn.rating
        ),
        (true, Some(1_539_278_989_000), Rating::Unknown)
    );

    let malicious = read("ossf-osv-schema__MAL-2024-10238.json");
    assert_eq!(
        (
            malicious.rating,
            malicious.rating_source,
            malicious.score_tenths
        ),
        (Rating::Critical, RatingSource::Malicious, None)
    );

    let pysec = read("ossf-osv-schema__PYSEC-2023-74.json");
    assert_eq!(
        (pysec.modified_ms, pysec.rating, pysec.aliases.len()),
        (Some(1_685_927_580_534), Rating::Unknown, 2)
    );

    let cve = read("ossf-osv-schema__CVE-2018-5407.json");
    assert_eq!((cve.rating, cve.score_tenths), (Rating::Medium, Some(47)));

    let rhsa = read("ossf-osv-schema__RHSA-2022_0216.json");
    assert_eq!(
        (rhsa.rating, rhsa.score_tenths, rhsa.packages.len()),
        (Rating::High, Some(81), 0)
    );
}

fn with_severity(entries: &str) -> OsvSummary {
    let json = format!(r#"{{"id":"X-1","severity":[{entries}]}}"#);
    text(&json).unwrap().remove(0)
}

#[test]
fn q77_cvss_test_vectors() {
    let cases = [
        (
            "CVSS_V3",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            98,
            Rating::Critical,
        ),
        (
            "CVSS_V3",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N",
            91,
            Rating::Critical,
        ),
        (
            "CVSS_V3",
            "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:H/I:N/A:N",
            47,
            Rating::Medium,
        ),
        (
            "CVSS_V3",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:L/A:N",
            53,
            Rating::Medium,
        ),
        (
            "CVSS_V3",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
            61,
            Rating::Medium,
        ),
        (
            "CVSS_V3",
            "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H",
            99,
            Rating::Critical,
        ),
        (
            "CVSS_V3",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
            100,
            Rating::Critical,
        ),
        (
            "CVSS_V3",
            "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N",
            16,
            Rating::Low,
        ),
        (
            "CVSS_V3",
            "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N",
            0,
            Rating::None,
        ),
        (
            "CVSS_V3",
            "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H",
            81,
            Rating::High,
        ),
        (
            "CVSS_V4",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            93,
            Rating::Critical,
        ),
        (
            "CVSS_V4",
            "CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            85,
            Rating::High,
        ),
        (
            "CVSS_V4",
            "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N",
            23,
            Rating::Low,
        ),
        (
            "CVSS_V4",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N",
            0,
            Rating::None,
        ),
    ];
    for (kind, vector, tenths, rating) in cases {
        let s = with_severity(&format!(r#"{{"type":"{kind}","score":"{vector}"}}"#));
        assert_eq!(
            (s.score_tenths, s.rating),
            (Some(tenths), rating),
            "{vector}"
        );
    }

    let bad = "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    let s = with_severity(&format!(r#"{{"type":"CVSS_V3","score":"{bad}"}}"#));
    assert_eq!(
        (s.rating, s.rating_source, s.bad_vectors.as_slice()),
        (
            Rating::Unknown,
            RatingSource::None,
            [bad.to_owned()].as_slice()
        )
    );
}

#[test]
fn rating_rules_apply_in_order() {
    let v4_over_v3 = with_severity(
        r#"{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
           {"type":"CVSS_V4","score":"CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N"}"#,
    );
    assert_eq!(
        (v4_over_v3.rating, v4_over_v3.rating_source),
        (Rating::Low, RatingSource::CvssV4)
    );

    let bad_v4 = with_severity(
        r#"{"type":"CVSS_V4","score":"CVSS:4.0/AV:N"},
           {"type":"CVSS_V2","score":"AV:N/AC:L/Au:N/C:C/I:C/A:C"},
           {"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}"#,
    );
    assert_eq!(
        (bad_v4.rating, bad_v4.rating_source),
        (Rating::Critical, RatingSource::CvssV3)
    );
    assert_eq!(bad_v4.bad_vectors, ["CVSS:4.0/AV:N"]);

    let text_json = r#"[{"id":"T-1","database_specific":{"severity":"MODERATE"},
        "affected":[{"ecosystem_specific":{"severity":"important"}},{"database_specific":{"severity":"weird"}}]},
        {"id":"T-2","severity":[{"type":"Ubuntu","score":"negligible"}]},
        {"id":"MAL-1","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N"}]}]"#;
    let all = text(text_json).unwrap();
    assert_eq!(
        (all[0].rating, all[0].rating_source),
        (Rating::High, RatingSource::Text)
    );
    assert_eq!(
        (all[1].rating, all[1].rating_source),
        (Rating::Low, RatingSource::Text)
    );
    assert_eq!(
        (
            all[2].rating,
            all[2].rating_source,
            all[2].bad_vectors.len()
        ),
        (Rating::Critical, RatingSource::Malicious, 0)
    );
}

#[test]
fn record_fields_and_shape_errors() {
    let json = r#"{"id":"A-1","aliases":["b","a","b",3],"published":"2020-01-01T00:00:00+01:00",
        "withdrawn":null,"schema_version":7,
        "affected":[{"package":{"ecosystem":"npm","name":"z"}},{"package":{"ecosystem":"npm","name":"a"}},
                    {"package":{"ecosystem":"npm","name":"z"}},{"package":{"name":"no-ecosystem"}}]}"#;
    let s = text(json).unwrap().remove(0);
    assert_eq!(s.aliases, ["a", "b"]);
    assert_eq!(
        (s.published_ms, s.modified_ms, s.withdrawn, s.schema_version),
        (Some(1_577_833_200_000), None, false, None)
    );
    assert_eq!(s.packages, [package("npm", "a"), package("npm", "z")]);

    let cases = [
        (r#"{"aliases":[]}"#, "missing_field", "$.id"),
        (r#"[{"id":"a"},{"id":1}]"#, "missing_field", "$[1].id"),
        (r#"[{"id":"a"},3]"#, "not_an_object", "$[1]"),
        (
            r#"{"id":"a","modified":"yesterday"}"#,
            "bad_timestamp",
            "$.modified",
        ),
        (
            r#"[{"id":"a","withdrawn":5}]"#,
            "bad_timestamp",
            "$[0].withdrawn",
        ),
        ("7", "not_an_object", "$"),
    ];
    for (json, reason, path) in cases {
        let error = text(json).unwrap_err();
        assert_eq!(
            at_path(&error),
            ("ingest_malformed", reason.to_owned(), Some(path.to_owned())),
            "{json}"
        );
    }
    assert!(text("[]").unwrap().is_empty());
}

#[test]
fn every_summary_of_one_input_carries_its_source() {
    let all = text(r#"[{"id":"a"},{"id":"b"}]"#).unwrap();

    assert_eq!(all.len(), 2);
    assert_eq!(all[0].sources, all[1].sources);
    assert_eq!(all[0].sources[0].name, "inline.json");
}

#[test]
fn the_advisories_summary_counts_ratings() {
    let all = text(
        r#"[{"id":"C-1","database_specific":{"severity":"critical"}},
            {"id":"H-1","database_specific":{"severity":"high"}},
            {"id":"W-1","withdrawn":"2020-01-01T00:00:00Z","database_specific":{"severity":"high"}},
            {"id":"L-1","database_specific":{"severity":"low"}},
            {"id":"U-1"}]"#,
    )
    .unwrap();

    let summary = AdvisoriesSummary::of(&all);

    assert_eq!((summary.count, summary.withdrawn), (5, 1));
    assert_eq!(
        (
            summary.by_rating.critical,
            summary.by_rating.high,
            summary.by_rating.low,
            summary.by_rating.unknown
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(
        (summary.ids.as_slice(), summary.ids_total),
        (["C-1".to_owned(), "H-1".to_owned()].as_slice(), 2)
    );
    let json = serde_json::to_value(&summary).unwrap();
    assert_eq!(json["by_rating"]["none"], 0);
}
