//! The receipt vectors of evidence-log.md 2.5 (D0–D6, C0–C4), read from
//! `tests/conformance/receipts.json`, which every binding also checks.

use serde_json::Value as Json;
use tcps_core::chain::verify_chain;
use tcps_core::receipt::{Receipt, leaf_hash};
use tcps_core::value::{self, Value};
use tcps_core::{Digest, Error};

fn vectors() -> Vec<Json> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/conformance/receipts.json"
    );
    let text = std::fs::read_to_string(path).expect("conformance vectors are readable");
    let doc: Json = serde_json::from_str(&text).expect("vectors are json");
    doc["vectors"]
        .as_array()
        .expect("a list of vectors")
        .clone()
}

fn vector(name: &str) -> String {
    vectors()
        .into_iter()
        .find(|v| v["name"] == name)
        .and_then(|v| v["canonical"].as_str().map(str::to_owned))
        .expect("vector exists")
}

/// Rebuilds a receipt from the canonical text of a vector, through the
/// typed constructor, so the hash is computed by our own writer.
fn rebuild(canonical: &str) -> Receipt {
    let v = value::parse(canonical.as_bytes()).expect("vector parses");
    let get = |name: &str| v.get(name).cloned().expect("member present");
    Receipt::seal(
        get("seq").as_i64().unwrap() as u64,
        get("at").as_i64().unwrap(),
        get("kind").as_str().unwrap(),
        get("subject").as_str().unwrap(),
        get("body"),
        get("more").as_i64().unwrap() as u64,
        Digest::from_hex(get("prev").as_str().unwrap()).unwrap(),
    )
    .expect("vector is a valid receipt")
}

#[test]
fn every_vector_has_its_published_canonical_bytes_and_leaf_hash() {
    let all = vectors();
    assert_eq!(all.len(), 12);

    for vector in all {
        let canonical = vector["canonical"].as_str().unwrap();
        let expected = vector["leaf_hash"].as_str().unwrap();

        let r = rebuild(canonical);

        assert_eq!(
            r.canonical_bytes(),
            canonical.as_bytes(),
            "{}",
            vector["name"]
        );
        assert_eq!(
            r.canonical_bytes().len() as u64,
            vector["bytes"].as_u64().unwrap()
        );
        assert_eq!(r.hash.to_hex(), expected, "{}", vector["name"]);
        assert_eq!(leaf_hash(canonical.as_bytes()).to_hex(), expected);
    }
}

#[test]
fn writing_ignores_input_key_order_and_whitespace() {
    for vector in vectors() {
        let canonical = vector["canonical"].as_str().unwrap();
        // serde_json (without preserve_order) re-sorts by bytes and
        // pretty-printing adds whitespace: neither may change our output.
        let scrambled: Json = serde_json::from_str(canonical).unwrap();
        let pretty = serde_json::to_string_pretty(&scrambled).unwrap();

        let reparsed = value::parse(pretty.as_bytes()).unwrap();

        assert_eq!(
            reparsed.to_canonical(),
            canonical.as_bytes(),
            "{}",
            vector["name"]
        );
    }
}

#[test]
fn the_demo_log_is_a_valid_chain_of_seven_journal_lines() {
    let demo: Vec<Receipt> = ["D0", "D1", "D2", "D3", "D4", "D5", "D6"]
        .iter()
        .map(|name| rebuild(&vector(name)))
        .collect();

    let lines: Vec<String> = demo.iter().map(Receipt::to_json_line).collect();
    let sizes: Vec<usize> = lines.iter().map(|l| l.len() + 1).collect();

    assert_eq!(sizes, [508, 373, 292, 290, 334, 314, 556]);
    assert_eq!(sizes.iter().sum::<usize>(), 2667);
    assert!(verify_chain(&demo).is_ok());
    assert_eq!(
        lines[3],
        concat!(
            r#"{"at":1769422500000,"body":{"errors":0,"gate":"compilation","#,
            r#""warnings":2},"hash":"96f29ce5f2a04299836643cc1007df297c665e5b6a452a8c76"#,
            r#"271e26066b1449","kind":"gate.passed","more":0,"#,
            r#""prev":"44210d349746e78953bbed2a871bd1c3503255ed4bbaa2016808ac1875fb2d3f"#,
            r#"","seq":3,"subject":"SKU-000001","v":1}"#
        )
    );
    for line in &lines {
        assert_eq!(
            &Receipt::from_json(line.as_bytes()).unwrap().to_json_line(),
            line
        );
    }
}

#[test]
fn c1_sorts_astral_names_before_the_private_use_area() {
    let c1 = rebuild(&vector("C1"));
    let names: Vec<&str> = c1
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();

    // Byte order (the map's own) puts U+1F600 last; the canonical
    // writer must not.
    assert_eq!(names.last(), Some(&"\u{1F600}"));
    let text = String::from_utf8(c1.canonical_bytes()).unwrap();
    assert!(text.find('\u{1F600}').unwrap() < text.find('\u{E000}').unwrap());
}

#[test]
fn a_receipt_with_a_tenth_member_is_invalid() {
    let mut line = rebuild(&vector("D0")).to_json_line();
    line.insert_str(1, r#""extra":1,"#);

    let err = Receipt::from_json(line.as_bytes()).unwrap_err();

    assert_eq!(
        err,
        Error::InvalidReceipt {
            member: "extra".into(),
            rule: "is not an envelope member".into()
        }
    );
}

#[test]
fn out_of_range_body_integers_are_refused_when_sealing() {
    let body = tcps_core::obj! { "n" => Value::Int(9_007_199_254_740_992) };

    let err = Receipt::seal(0, 0, "line.opened", "line", body, 0, Digest::ZERO).unwrap_err();

    assert_eq!(
        err,
        Error::IntegerOutOfRange {
            pointer: "/body/n".into(),
            value: "9007199254740992".into()
        }
    );
}
