//! The shared readers: decoding, the XML subset, JSON, limits and error
//! positions (quality.md 8.2–8.6).

mod ingest_support;

use ingest_support::{at, at_path, failure};
use tcps_core::Error;
use tcps_core::ingest::{self, Format, Input, Limits};

fn junit(bytes: &[u8]) -> Result<ingest::TestSummary, Error> {
    ingest::junit(Input::new("t.xml", bytes), &Limits::default())
}

fn junit_with(bytes: &[u8], limits: &Limits) -> Result<ingest::TestSummary, Error> {
    ingest::junit(Input::new("t.xml", bytes), limits)
}

fn malformed(bytes: &[u8]) -> (String, Option<u64>, Option<u64>) {
    let error = junit(bytes).unwrap_err();
    let (name, reason, line, column) = at(&error);
    assert_eq!(
        name,
        "ingest_malformed",
        "{}",
        String::from_utf8_lossy(bytes)
    );
    (reason, line, column)
}

#[test]
fn limits_default_to_section_8_2() {
    let limits = Limits::default();

    assert_eq!(
        (
            limits.max_bytes,
            limits.max_depth,
            limits.max_nodes,
            limits.max_attr_bytes
        ),
        (67_108_864, 256, 10_000_000, 1_048_576)
    );
    assert_eq!(serde_json::to_value(limits).unwrap()["max_depth"], 256);
}

#[test]
fn formats_have_the_source_kind_names() {
    let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
    assert_eq!(
        names,
        [
            "junit",
            "lcov",
            "cobertura",
            "jacoco",
            "sarif",
            "osv",
            "github",
            "sbom",
            "rustc_json",
            "compiler_log"
        ]
    );
    for format in Format::ALL {
        assert_eq!(format.as_str().parse::<Format>().unwrap(), format);
        assert_eq!(serde_json::to_value(format).unwrap(), format.as_str());
    }
    assert_eq!(
        "xml".parse::<Format>().unwrap_err().name(),
        "invalid_argument"
    );
}

#[test]
fn the_size_check_comes_before_parsing() {
    let limits = Limits {
        max_bytes: 10,
        ..Limits::default()
    };
    let big = [b'x'; 11];

    let results = [
        ingest::junit(Input::new("a", &big), &limits).map(|_| ()),
        ingest::lcov(Input::new("a", &big), &limits).map(|_| ()),
        ingest::cobertura(Input::new("a", &big), &limits).map(|_| ()),
        ingest::jacoco(Input::new("a", &big), &limits).map(|_| ()),
        ingest::sarif(Input::new("a", &big), &limits).map(|_| ()),
        ingest::osv(Input::new("a", &big), &limits).map(|_| ()),
        ingest::github(Input::new("a", &big), &limits).map(|_| ()),
        ingest::sbom(Input::new("a", &big), &limits).map(|_| ()),
        ingest::rustc_json(Input::new("a", &big), &limits).map(|_| ()),
        ingest::compiler_log(Input::new("a", &big), &limits).map(|_| ()),
    ];
    for (result, format) in results.into_iter().zip(Format::ALL) {
        let error = result.unwrap_err();
        assert_eq!(
            (error.name(), error.code()),
            ("ingest_too_large", 250),
            "{format}"
        );
        assert_eq!(failure(&error).format, format.as_str());
        assert_eq!(failure(&error).line, None);
    }
}

#[test]
fn depth_nodes_and_attribute_limits_stop_parsing() {
    let deep = format!(
        "<testsuites>{}{}</testsuites>",
        "<a>".repeat(300),
        "</a>".repeat(300)
    );
    let error = junit(deep.as_bytes()).unwrap_err();
    assert_eq!((error.name(), error.code()), ("ingest_too_deep", 251));
    assert_eq!(failure(&error).column, Some(1 + 12 + 255 * 3));

    let ok = format!(
        "<testsuites>{}{}</testsuites>",
        "<a>".repeat(255),
        "</a>".repeat(255)
    );
    assert!(junit(ok.as_bytes()).is_ok());

    let limits = Limits {
        max_nodes: 3,
        ..Limits::default()
    };
    let error = junit_with(
        b"<testsuite><testcase/><testcase/><testcase/></testsuite>",
        &limits,
    )
    .unwrap_err();
    assert_eq!(error.name(), "ingest_too_large");

    let limits = Limits {
        max_attr_bytes: 4,
        ..Limits::default()
    };
    let error = junit_with(br#"<testsuite name="12345"/>"#, &limits).unwrap_err();
    assert_eq!(
        (error.name(), failure(&error).column),
        ("ingest_too_large", Some(18))
    );
    assert!(junit_with(br#"<testsuite name="1234"/>"#, &limits).is_ok());

    let deep_json = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let error = ingest::osv(Input::new("d", deep_json.as_bytes()), &Limits::default()).unwrap_err();
    assert_eq!(error.name(), "ingest_too_deep");
    let error = ingest::rustc_json(
        Input::new("d", format!("{{\"a\":{deep_json}}}").as_bytes()),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(error.name(), "ingest_too_deep");

    let limits = Limits {
        max_attr_bytes: 3,
        ..Limits::default()
    };
    let error = ingest::github(Input::new("g", br#"{"title":"abcd"}"#), &limits).unwrap_err();
    assert_eq!(error.name(), "ingest_too_large");

    let limits = Limits {
        max_nodes: 2,
        ..Limits::default()
    };
    assert_eq!(
        ingest::lcov(Input::new("l", b"SF:a\nDA:1,1\nend_of_record\n"), &limits)
            .unwrap_err()
            .name(),
        "ingest_too_large"
    );
    assert_eq!(
        ingest::sarif(
            Input::new("s", br#"{"version":"2.1.0","runs":[]}"#),
            &limits
        )
        .unwrap_err()
        .name(),
        "ingest_too_large"
    );
}

#[test]
fn encodings() {
    let utf16 = b"\xff\xfe<\x00t\x00/\x00>\x00";
    assert_eq!(
        junit(utf16).unwrap_err().name(),
        "ingest_unsupported_encoding"
    );
    assert_eq!(
        junit(b"\xfe\xff\x00<").unwrap_err().name(),
        "ingest_unsupported_encoding"
    );
    assert_eq!(
        junit(b"\x00\x00\xfe\xff").unwrap_err().name(),
        "ingest_unsupported_encoding"
    );

    let ebcdic = junit(b"<?xml version=\"1.0\" encoding=\"EBCDIC\"?>\n<testsuite/>").unwrap_err();
    assert_eq!(
        at(&ebcdic),
        (
            "ingest_unsupported_encoding",
            "unsupported_encoding".into(),
            Some(1),
            Some(31)
        )
    );

    for name in ["utf-8", "US-ASCII", "ascii", "UTF-8"] {
        let xml = format!("<?xml version='1.0' encoding='{name}'?><testsuite/>");
        assert!(junit(xml.as_bytes()).is_ok(), "{name}");
    }

    // Latin-1: é is one byte and decoded; positions stay in raw bytes.
    let latin1 = b"<?xml version=\"1.0\" encoding=\"latin1\"?>\n<testsuite><testcase name=\"caf\xe9\"><failure/></testcase></testsuite>";
    assert_eq!(junit(latin1).unwrap().failed_tests, ["café"]);
    let latin1_bad = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<testsuite name=\"\xe9\xe9\">&bad;</testsuite>";
    assert_eq!(
        malformed(latin1_bad),
        ("undefined_entity".into(), Some(2), Some(22))
    );

    let bad_utf8 = junit(b"<testsuite>\n  <x a=\"\xc3\x28\"/></testsuite>").unwrap_err();
    assert_eq!(
        at(&bad_utf8),
        (
            "ingest_invalid_utf8",
            "invalid_utf8".into(),
            Some(2),
            Some(9)
        )
    );

    let bad_json =
        ingest::sarif(Input::new("s", b"{\"a\":\n\"\xff\"}"), &Limits::default()).unwrap_err();
    assert_eq!(
        at(&bad_json),
        (
            "ingest_invalid_utf8",
            "invalid_utf8".into(),
            Some(2),
            Some(2)
        )
    );

    for empty in [&b""[..], b" \t\r\n", b"\xef\xbb\xbf  "] {
        assert_eq!(junit(empty).unwrap_err().name(), "ingest_empty");
        assert_eq!(
            ingest::sarif(Input::new("s", empty), &Limits::default())
                .unwrap_err()
                .name(),
            "ingest_empty"
        );
        assert_eq!(
            ingest::github(Input::new("g", empty), &Limits::default())
                .unwrap_err()
                .name(),
            "ingest_empty"
        );
    }
}

#[test]
fn a_bom_occupies_columns_one_to_three() {
    assert_eq!(
        malformed(b"\xef\xbb\xbf<testsuite>&x;</testsuite>"),
        ("undefined_entity".into(), Some(1), Some(15))
    );
}

#[test]
fn the_xml_subset() {
    let cases: &[(&[u8], &str, u64, u64)] = &[
        (b"<testsuite>\n<a></b></testsuite>", "mismatched_tag", 2, 4),
        (b"<testsuite/><testsuite/>", "multiple_roots", 1, 13),
        (b"<testsuite a='1' a=\"2\"/>", "duplicate_attribute", 1, 18),
        (b"<testsuite>&nbsp;</testsuite>", "undefined_entity", 1, 12),
        (b"<testsuite>&#0;</testsuite>", "invalid_char_ref", 1, 12),
        (
            b"<testsuite>&#xD800;</testsuite>",
            "invalid_char_ref",
            1,
            12,
        ),
        (b"<testsuite a='&#x110000;'/>", "invalid_char_ref", 1, 15),
        (b"<testsuite>\x01</testsuite>", "invalid_char", 1, 12),
        (b"<testsuite a='\x1b'/>", "invalid_char", 1, 15),
        (b"<testsuite a='&foo;'/>", "undefined_entity", 1, 15),
        (b"<testsuite a='a & b'/>", "syntax", 1, 17),
        (b"<testsuite a=1/>", "syntax", 1, 14),
        (b"<testsuite a='1'b='2'/>", "syntax", 1, 17),
        (b"<testsuite>x</testsuite>tail", "syntax", 1, 25),
        (b"<testsuite>", "unexpected_eof", 1, 12),
        (b"<testsuite><testcase name='a", "unexpected_eof", 1, 29),
        (b"<testsuite><!-- open", "unexpected_eof", 1, 21),
    ];
    for (bytes, reason, line, column) in cases {
        assert_eq!(
            malformed(bytes),
            ((*reason).to_owned(), Some(*line), Some(*column)),
            "{}",
            String::from_utf8_lossy(bytes)
        );
    }
    assert_eq!(malformed(b"<!-- only a comment -->").0, "no_root");

    let forbidden =
        junit(b"<?xml version='1.0'?>\n<!DOCTYPE t [<!ENTITY x 'y'>]>\n<testsuite>&x;</testsuite>")
            .unwrap_err();
    assert_eq!(
        at(&forbidden),
        ("ingest_forbidden", "forbidden".into(), Some(2), Some(1))
    );
    assert_eq!(forbidden.code(), 255);
}

#[test]
fn what_the_subset_accepts() {
    let xml = "<?xml version='1.0' encoding='UTF-8'?>\r\n<!DOCTYPE testsuite SYSTEM \"http://example.invalid/x.dtd\">\r\n\
               <!-- &#0; and \u{1} inside a comment are not parsed --><?pi &nope;?>\r\n\
               <j:testsuites xmlns:j='urn:x'><j:testsuite name='s&amp;&#x41;'>\
               <j:testcase classname=\"c\" name='&lt;a&gt;&#9;&#x1b;[31m' time='1'><![CDATA[\u{7}? no: ]]>\
               <system-out>&quot;&apos;&#10;</system-out><failure/></j:testcase></j:testsuite></j:testsuites>";

    let s = junit(xml.as_bytes());
    assert!(
        s.is_err(),
        "a raw BEL inside CDATA is a literal control character"
    );

    let ok = xml.replace('\u{7}', "bell");
    let s = junit(ok.as_bytes()).unwrap();
    assert_eq!(s.failed_tests, ["c::<a>\t\u{1b}[31m"]);
    assert_eq!(s.suites, 1);

    let normalised = junit(
        b"<testsuite><testcase classname='a\r\nb' name='x\ty'><error/></testcase></testsuite>",
    )
    .unwrap();
    assert_eq!(normalised.failed_tests, ["a b::x y"]);
}

#[test]
fn json_rules() {
    let repeated = ingest::github(
        Input::new(
            "g",
            br#"{"number":1,"title":"a","state":"open","title":"b"}"#,
        ),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(repeated[0].title, "b");

    let escaped = ingest::github(
        Input::new(
            "g",
            br#"{"number":1,"title":"\u00e9\ud83d\ude00\n\/","state":"open"}"#,
        ),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(escaped[0].title, "é😀\n/");

    let syntax = ingest::osv(
        Input::new("o", b"{\"id\": \"a\",\n  \"x\": tru }"),
        &Limits::default(),
    )
    .unwrap_err();
    assert_eq!(
        at(&syntax),
        ("ingest_malformed", "json_syntax".into(), Some(2), Some(8))
    );
    assert_eq!(
        syntax.to_string(),
        "osv input `o` at 2:8: json syntax: invalid literal"
    );

    let truncated =
        ingest::osv(Input::new("o", b"{\"id\": \"a\""), &Limits::default()).unwrap_err();
    assert_eq!(
        at(&truncated),
        (
            "ingest_malformed",
            "unexpected_eof".into(),
            Some(1),
            Some(11)
        )
    );

    let trailing =
        ingest::osv(Input::new("o", b"{\"id\":\"a\"} {}"), &Limits::default()).unwrap_err();
    assert_eq!(at(&trailing).1, "json_syntax");
}

#[test]
fn errors_serialise_with_their_fields() {
    let error = ingest::sarif(
        Input::new("x.sarif", br#"{"version":"2.1.0","runs":{}}"#),
        &Limits::default(),
    )
    .unwrap_err();

    assert_eq!(
        at_path(&error),
        (
            "ingest_malformed",
            "not_an_array".into(),
            Some("$.runs".into())
        )
    );
    assert_eq!(
        error.to_string(),
        "sarif input `x.sarif` at $.runs: not an array: an object"
    );
    let json = serde_json::to_value(&error).unwrap();
    assert_eq!(json["name"], "ingest_malformed");
    assert_eq!(json["detail"]["path"], "$.runs");
    assert_eq!(json["detail"]["format"], "sarif");
}

#[test]
fn long_names_and_details_are_cut() {
    let name = "n".repeat(300);
    let error = ingest::junit(Input::new(&name, b"<x/>"), &Limits::default()).unwrap_err();
    assert_eq!(failure(&error).input.len(), 256);

    let long_root = format!("<{}/>", "r".repeat(500));
    let error =
        ingest::junit(Input::new("x", long_root.as_bytes()), &Limits::default()).unwrap_err();
    assert!(failure(&error).detail.len() <= 200);
}
