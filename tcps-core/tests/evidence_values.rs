//! Receipt values and canonical bytes (evidence-log.md 1.2, 2.1 to 2.3):
//! the worked examples 1 and 3 to 8, and property tests of the RFC 8785
//! writer and the strict reader.

mod evidence_util;

use evidence_util::{canonical, rebuild};
use proptest::prelude::*;
use tcps_core::receipt::Receipt;
use tcps_core::value::{self, Map, ParseFailure, Value};
use tcps_core::{Config, Digest, Error, Line, obj};

// ---- worked examples ----

#[test]
fn example_1_opening_the_demo_line_gives_d0() {
    let text = canonical("D0");

    let d0 = rebuild(&text);

    assert_eq!((d0.seq, d0.more, d0.prev), (0, 0, Digest::ZERO));
    assert_eq!(
        (d0.kind.as_str(), d0.subject.as_str()),
        ("line.opened", "line")
    );
    assert_eq!(d0.at, 1_769_421_600_000);
    assert_eq!(d0.canonical_bytes().len(), 433);
    assert!(d0.hash.to_hex().starts_with("54a4d75a"));
}

#[test]
fn example_3_time_must_not_go_back() {
    let mut line = Line::standard(1_769_421_600_000).unwrap();
    line.change_config(Config::standard(), "", 1_769_425_200_000)
        .unwrap();

    let err = line
        .change_config(Config::standard(), "", 1_769_425_199_999)
        .unwrap_err();
    let len = line.len();
    line.change_config(Config::standard(), "", 1_769_425_200_000)
        .unwrap();

    assert_eq!(
        err,
        Error::NowBeforeLastReceipt {
            now: 1_769_425_199_999,
            last_at: 1_769_425_200_000
        }
    );
    assert_eq!(len, 2);
    assert_eq!(line.len(), 3);
}

/// A receipt text with `body` spliced in, hash and all.
fn receipt_with_body(body: &str) -> String {
    format!(
        "{{\"at\":1769421600000,\"body\":{body},\"hash\":\"{zeros}\",\"kind\":\"gate.passed\",\
         \"more\":0,\"prev\":\"{zeros}\",\"seq\":1,\"subject\":\"SKU-000001\",\"v\":1}}",
        zeros = "0".repeat(64)
    )
}

#[test]
fn example_4_a_float_in_a_body_is_refused_at_its_pointer() {
    for float in ["0.95", "1.0", "1e3", "-0.0", "2E-1"] {
        let text = receipt_with_body(&format!("{{\"ratio\":{float}}}"));

        let err = Receipt::from_json(text.as_bytes()).unwrap_err();

        assert_eq!(
            err,
            Error::FloatNotAllowed {
                pointer: "/body/ratio".into()
            },
            "{float}"
        );
    }
    let counts = receipt_with_body("{\"ratio_bp\":9500}");
    assert!(Receipt::from_json(counts.as_bytes()).is_ok());
}

#[test]
fn example_4_a_host_float_is_refused_where_it_enters() {
    let json = serde_json::json!({ "ratio": 0.95 });

    let err = Value::from_json_value(&json).unwrap_err();

    assert_eq!(
        err,
        Error::FloatNotAllowed {
            pointer: "/ratio".into()
        }
    );
}

#[test]
fn example_5_an_integer_beyond_two_to_the_53_is_refused() {
    let sealed = Receipt::seal(
        1,
        0,
        "gate.passed",
        "SKU-000001",
        obj! { "count" => 9_007_199_254_740_992i64 },
        0,
        Digest::ZERO,
    );
    let read = Receipt::from_json(receipt_with_body("{\"count\":9007199254740992}").as_bytes());
    let largest = Receipt::seal(
        1,
        0,
        "gate.passed",
        "SKU-000001",
        obj! { "count" => 9_007_199_254_740_991i64 },
        0,
        Digest::ZERO,
    );

    let expected = Error::IntegerOutOfRange {
        pointer: "/body/count".into(),
        value: "9007199254740992".into(),
    };
    assert_eq!(sealed.unwrap_err(), expected);
    assert_eq!(read.unwrap_err(), expected);
    assert!(largest.is_ok());
}

#[test]
fn example_6_a_lone_surrogate_is_invalid_text() {
    let text = receipt_with_body("{\"title\":\"\\ud800x\"}");

    let err = Receipt::from_json(text.as_bytes()).unwrap_err();

    assert!(
        matches!(err, Error::InvalidText { ref pointer, .. } if pointer == "/body/title"),
        "{err:?}"
    );
}

#[test]
fn example_7_a_code_point_order_writer_gives_another_hash_for_c1() {
    let c1 = rebuild(&canonical("C1"));
    // serde_json sorts object members by their UTF-8 bytes, which is
    // code point order: U+E000 then comes before U+1F600.
    let code_point_order = serde_json::to_string(&serde_json::json!({
        "at": c1.at,
        "body": c1.body.to_json_value(),
        "kind": c1.kind,
        "more": c1.more,
        "prev": c1.prev.to_hex(),
        "seq": c1.seq,
        "subject": c1.subject,
        "v": 1,
    }))
    .unwrap();

    let other = tcps_core::receipt::leaf_hash(code_point_order.as_bytes());

    assert!(c1.hash.to_hex().starts_with("70e79418"));
    assert_ne!(other, c1.hash);
    assert_ne!(code_point_order.as_bytes(), c1.canonical_bytes());
}

#[test]
fn example_8_escapes_of_c0() {
    let c0 = rebuild(&canonical("C0"));

    let all = c0.field("all").unwrap().to_canonical();

    let mut expected = b"\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \\\"\\\\/".to_vec();
    expected.extend_from_slice(&hex::decode("7fc280c3a9e282ace280a8e280a9f09f9880").unwrap());
    expected.push(b'"');
    assert_eq!(all, expected);
}

#[test]
fn the_rfc_8785_sample_string_has_its_published_form() {
    let c0 = rebuild(&canonical("C0"));

    let sample = c0.field("rfc8785").unwrap().to_canonical_string();

    assert_eq!(sample, "\"\u{20ac}$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"");
}

#[test]
fn a_receipt_over_one_mebibyte_is_refused_at_construction() {
    let big = "x".repeat(1_048_576);

    let err = Receipt::seal(
        1,
        0,
        "gate.passed",
        "SKU-000001",
        obj! { "log" => big },
        0,
        Digest::ZERO,
    )
    .unwrap_err();

    assert!(
        matches!(
            err,
            Error::ReceiptTooLarge {
                limit: 1_048_576,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_body_deeper_than_64_levels_is_refused() {
    let mut deep = Value::Int(1);
    for _ in 0..63 {
        deep = Value::Array(vec![deep]);
    }
    // The body is level 2, so 62 arrays inside it reach level 64.
    let at_limit = {
        let mut v = Value::Int(1);
        for _ in 0..62 {
            v = Value::Array(vec![v]);
        }
        obj! { "a" => v }
    };

    let too_deep = Receipt::seal(1, 0, "a.b", "line", obj! { "a" => deep }, 0, Digest::ZERO);
    let fits = Receipt::seal(1, 0, "a.b", "line", at_limit, 0, Digest::ZERO);

    assert!(matches!(
        too_deep,
        Err(Error::NestingTooDeep { limit: 64, .. })
    ));
    assert!(fits.is_ok());
}

#[test]
fn the_envelope_rules_name_their_member() {
    let ok = receipt_with_body("{}");
    let cases = [
        (ok.replace("\"v\":1", "\"v\":2"), "v"),
        (
            ok.replace("\"kind\":\"gate.passed\"", "\"kind\":\"gate\""),
            "kind",
        ),
        (
            ok.replace("\"subject\":\"SKU-000001\"", "\"subject\":\"sku-1\""),
            "subject",
        ),
        (ok.replace("\"body\":{}", "\"body\":[]"), "body"),
        (ok.replace("\"seq\":1", "\"seq\":-1"), "seq"),
        (ok.replace("\"more\":0", "\"more\":\"0\""), "more"),
        (ok.replace("\"prev\":\"0", "\"prev\":\"A"), "prev"),
        (ok.replace(",\"v\":1", ",\"v\":1,\"w\":1"), "w"),
        (ok.replace(",\"v\":1", ""), "v"),
    ];

    for (text, member) in cases {
        let err = Receipt::from_json(text.as_bytes()).unwrap_err();

        assert!(
            matches!(err, Error::InvalidReceipt { member: ref m, .. } if m == member),
            "{member}: {err:?}"
        );
    }
}

// ---- property tests ----

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_]{0,8}",
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just('\u{0}'),
                Just('\u{1f}'),
                Just('"'),
                Just('\\'),
                Just('/'),
                Just('\u{7f}'),
                Just('\u{2028}'),
                Just('\u{e000}'),
                Just('\u{fb33}'),
                Just('\u{1f600}'),
                Just('\u{10ffff}'),
                any::<char>(),
            ],
            0..6
        )
        .prop_map(|cs| cs.into_iter().collect()),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-value::MAX_SAFE_INT..=value::MAX_SAFE_INT).prop_map(Value::Int),
        prop_oneof![
            Just(0i64),
            Just(-1),
            Just(value::MAX_SAFE_INT),
            Just(-value::MAX_SAFE_INT)
        ]
        .prop_map(Value::Int),
        any_text().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(any_text(), inner, 0..6)
                .prop_map(|m: Map| Value::Object(m)),
        ]
    })
}

/// Writes `v` as valid but non-canonical JSON: members in an order
/// picked by `seed`, white space between tokens, and characters escaped
/// as `\u` (with surrogate pairs) wherever `seed` says.
fn scrambled(v: &Value, seed: &mut u64, out: &mut String) {
    let ws = [" ", "\n", "\t", "\r\n ", ""];
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let negative_zero = *i == 0 && roll(seed).is_multiple_of(3);
            out.push_str(if negative_zero { "-0" } else { "" });
            if !negative_zero {
                out.push_str(&i.to_string());
            }
        }
        Value::String(s) => scrambled_string(s, roll(seed), out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(ws[roll(seed) % ws.len()]);
                scrambled(item, seed, out);
                out.push_str(ws[roll(seed) % ws.len()]);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<_> = map.iter().collect();
            for i in (1..members.len()).rev() {
                members.swap(i, roll(seed) % (i + 1));
            }
            out.push('{');
            for (i, (k, item)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(ws[roll(seed) % ws.len()]);
                scrambled_string(k, roll(seed), out);
                out.push_str(ws[roll(seed) % ws.len()]);
                out.push(':');
                scrambled(item, seed, out);
            }
            out.push_str(ws[roll(seed) % ws.len()]);
            out.push('}');
        }
    }
}

fn roll(seed: &mut u64) -> usize {
    *seed = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (*seed >> 33) as usize
}

fn scrambled_string(s: &str, pick: usize, out: &mut String) {
    out.push('"');
    for (i, c) in s.chars().enumerate() {
        let escape = (pick >> (i % 16)) & 1 == 1;
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || escape => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    {
                        use std::fmt::Write as _;
                        let _ = write!(out, "\\u{u:04X}");
                    }
                }
            }
            '/' if pick.is_multiple_of(2) => out.push_str("\\/"),
            c => out.push(c),
        }
    }
    out.push('"');
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_after_write_is_the_identity_on_canonical_text(v in any_value()) {
        let text = v.to_canonical();

        let parsed = value::parse(&text).unwrap();

        prop_assert_eq!(&parsed, &v);
        prop_assert_eq!(parsed.to_canonical(), text);
    }

    #[test]
    fn writing_ignores_member_order_white_space_and_escapes(v in any_value(), seed in any::<u64>()) {
        let mut seed = seed;
        let mut text = String::new();
        scrambled(&v, &mut seed, &mut text);

        let parsed = value::parse(text.as_bytes()).unwrap();

        prop_assert_eq!(parsed.to_canonical(), v.to_canonical());
    }

    #[test]
    fn a_sealed_receipt_reads_back_from_its_journal_line(body in proptest::collection::btree_map(any_text(), any_value(), 0..5)) {
        let r = Receipt::seal(3, 42, "gate.passed", "SKU-000001", Value::Object(body), 0, Digest::ZERO).unwrap();

        let back = Receipt::from_json(r.to_json_line().as_bytes()).unwrap();

        prop_assert_eq!(&back, &r);
        prop_assert_eq!(back.leaf_hash(), r.hash);
    }

    #[test]
    fn every_float_is_refused_at_its_pointer(
        key in "[a-z]{1,6}",
        int in 0i64..1000,
        frac in "[0-9]{1,4}",
        exp in prop_oneof![Just(String::new()), "[eE][+-]?[0-9]{1,3}"],
        fraction in any::<bool>(),
    ) {
        let number = if fraction || exp.is_empty() {
            format!("{int}.{frac}{exp}")
        } else {
            format!("{int}{exp}")
        };
        let text = format!("{{\"outer\":[1,{{\"{key}\":{number}}}]}}");

        let err = value::parse(text.as_bytes());

        prop_assert_eq!(
            err,
            Err(ParseFailure::Value(Error::FloatNotAllowed { pointer: format!("/outer/1/{key}") }))
        );
    }

    #[test]
    fn every_integer_beyond_the_range_is_refused(
        magnitude in (value::MAX_SAFE_INT as u64 + 1)..=u64::MAX,
        negative in any::<bool>(),
        extra_digits in "[0-9]{0,30}",
    ) {
        let sign = if negative { "-" } else { "" };
        let text = format!("{{\"n\":{sign}{magnitude}{extra_digits}}}");

        let err = value::parse(text.as_bytes());

        prop_assert!(
            matches!(err, Err(ParseFailure::Value(Error::IntegerOutOfRange { ref pointer, .. })) if pointer == "/n"),
            "{:?}", err
        );
    }

    #[test]
    fn every_lone_surrogate_is_invalid_text(
        unit in 0xD800u32..=0xDFFF,
        after in prop_oneof![Just(String::new()), Just("x".to_owned()), Just("\\u0041".to_owned()), Just("\\ud800".to_owned())],
    ) {
        // A high surrogate directly followed by a low one is a valid pair;
        // every `after` here is something else.
        let text = format!("[\"a\",\"\\u{unit:04x}{after}\"]");

        let err = value::parse(text.as_bytes());

        prop_assert!(
            matches!(err, Err(ParseFailure::Value(Error::InvalidText { ref pointer, .. })) if pointer == "/1"),
            "{:?}", err
        );
    }

    #[test]
    fn every_duplicate_key_is_refused_with_its_name(
        name in any_text(),
        first in any_value(),
        second in any_value(),
        path in proptest::collection::vec("[a-z]{1,3}", 0..4),
    ) {
        let mut text = Vec::new();
        let mut pointer = String::new();
        for seg in &path {
            text.extend_from_slice(format!("{{\"{seg}\":").as_bytes());
            pointer.push('/');
            pointer.push_str(seg);
        }
        text.push(b'{');
        Value::String(name.clone()).write_canonical(&mut text);
        text.push(b':');
        first.write_canonical(&mut text);
        text.push(b',');
        Value::String(name.clone()).write_canonical(&mut text);
        text.push(b':');
        second.write_canonical(&mut text);
        text.push(b'}');
        text.extend(std::iter::repeat_n(b'}', path.len()));

        let err = value::parse(&text);

        prop_assert_eq!(
            err,
            Err(ParseFailure::Value(Error::DuplicateKey { pointer, key: name }))
        );
    }
}
