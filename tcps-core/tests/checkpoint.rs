//! Checkpoints of evidence-log.md section 5: the body, origins,
//! parsing, signed notes, checks against a log and between two
//! checkpoints, and the worked examples "Checkpoints" of section 9.

use proptest::prelude::*;
use tcps_core::checkpoint::{
    Checkpoint, NoteSignature, NoteSigner, NoteVerdict, NoteVerifier, SignatureCheck,
    SignedCheckpoint, ed25519_key_id, validate_origin,
};
use tcps_core::merkle::{EMPTY_TREE_HEAD, MerkleTree};
use tcps_core::{Digest, Error};

// ---- helpers ----

const ORIGIN: &str = "tcps.example/demo";

const DEMO_LEAVES: [&str; 7] = [
    "54a4d75a9ef654e1cbd3276f789f45b32ef0b844dba4cd11ebc242044717df0b",
    "2c78201fbb74e25a2c7ea8eb8e93a60ee7ee0431440db3f70cbb6f64a6bbcc89",
    "44210d349746e78953bbed2a871bd1c3503255ed4bbaa2016808ac1875fb2d3f",
    "96f29ce5f2a04299836643cc1007df297c665e5b6a452a8c76271e26066b1449",
    "27b859b2f0c806d2afc65c7353fbe64c405644be162625605f485b808efc2fca",
    "3c210efe4a9f55b014d37ceec97e8b22025cc5a37a64fe7768c2f2ee5c82889b",
    "290f52ba736445f2a6cab90918308374fe5b3ed8ac1e44aec8e7d9acb0f6ea9d",
];

/// The tree heads of 4.7 in standard base64, sizes 1 to 7.
const DEMO_HEADS_BASE64: [&str; 7] = [
    "VKTXWp72VOHL0ydveJ9Fsy7wuETbpM0R68JCBEcX3ws=",
    "xjsvlfcjemFo0LkzWIO0rYTR6cHAh9VQro1oeDm0FDc=",
    "bP/laP4rxaT/BKBgx9YzRYQbOTmLE12wJh+IX+AGPr0=",
    "wPtvTPIryRpzxJd4Tj6nXSQQG5CKzjzliN6D9CiOykU=",
    "njYK/g8KeM+LX1wrCHH5//QYDRXV9g/aNCa/LhQaJU0=",
    "h0ziNeT6zoQPOki5/ZQcr5Z26NbYweY531Nae2q1HeY=",
    "OfRqGr8vjrCzI5DyTA0mL8XRouYuOOovkpKjbUvoM4I=",
];

const BODY_7: &str = "tcps.example/demo\n7\nOfRqGr8vjrCzI5DyTA0mL8XRouYuOOovkpKjbUvoM4I=\n";

fn d(hex: &str) -> Digest {
    Digest::from_hex(hex).expect("test vector is valid hex")
}

fn demo_tree() -> MerkleTree {
    DEMO_LEAVES.iter().map(|h| d(h)).collect()
}

fn demo_checkpoint(size: u64) -> Checkpoint {
    Checkpoint::from_log(&demo_tree(), size, ORIGIN).expect("valid checkpoint")
}

fn malformed_at(result: Result<Checkpoint, Error>) -> (u32, String) {
    match result {
        Err(Error::CheckpointMalformed { line, rule }) => (line, rule),
        other => panic!("expected checkpoint_malformed, got {other:?}"),
    }
}

fn origin_rule(result: Result<(), Error>) -> String {
    match result {
        Err(Error::InvalidOrigin { rule, .. }) => rule,
        other => panic!("expected invalid_origin, got {other:?}"),
    }
}

fn mismatch(result: Result<(), Error>) -> (String, String) {
    match result {
        Err(Error::CheckpointMismatch { reason, detail }) => (reason, detail),
        other => panic!("expected checkpoint_mismatch, got {other:?}"),
    }
}

// ---- 5.1 and example 29: the body ----

#[test]
fn example_29_the_size_7_body_is_the_65_bytes_of_5_1() {
    let checkpoint = demo_checkpoint(7);

    let body = checkpoint.body();

    assert_eq!(body, BODY_7);
    assert_eq!(body.len(), 65);
}

#[test]
fn example_29_the_size_4_body_ends_in_its_base64_head() {
    let body = demo_checkpoint(4).body();

    assert_eq!(
        body,
        "tcps.example/demo\n4\nwPtvTPIryRpzxJd4Tj6nXSQQG5CKzjzliN6D9CiOykU=\n"
    );
}

#[test]
fn every_demo_body_carries_the_base64_head_of_4_7() {
    for size in 1..=7u64 {
        let body = demo_checkpoint(size).body();

        let expected = format!(
            "{ORIGIN}\n{size}\n{}\n",
            DEMO_HEADS_BASE64[size as usize - 1]
        );
        assert_eq!(body, expected);
    }
}

#[test]
fn extension_lines_follow_the_root_one_per_line() {
    let checkpoint = demo_checkpoint(7)
        .with_extensions(vec!["witness-hint a".into(), "b".into()])
        .expect("valid extensions");

    assert_eq!(checkpoint.body(), format!("{BODY_7}witness-hint a\nb\n"));
}

#[test]
fn bad_extension_lines_are_refused_with_their_body_line() {
    let base = demo_checkpoint(7);

    let empty = base
        .clone()
        .with_extensions(vec!["ok".into(), String::new()]);
    let long = base.clone().with_extensions(vec!["x".repeat(1025)]);
    let control = base.clone().with_extensions(vec!["a\tb".into()]);
    let many = base.clone().with_extensions(vec!["e".into(); 17]);
    let longest = base.with_extensions(vec!["x".repeat(1024); 16]);

    assert_eq!(malformed_at(empty), (5, "empty extension line".into()));
    assert_eq!(malformed_at(long).0, 4);
    assert_eq!(malformed_at(control).0, 4);
    assert_eq!(malformed_at(many).0, 20);
    assert!(longest.is_ok());
}

// ---- 5.3: making a checkpoint from a log ----

#[test]
fn a_checkpoint_of_size_zero_or_beyond_the_log_is_size_out_of_range() {
    let tree = demo_tree();

    let zero = Checkpoint::from_log(&tree, 0, ORIGIN);
    let eight = Checkpoint::from_log(&tree, 8, "not an origin");

    assert_eq!(zero, Err(Error::SizeOutOfRange { asked: 0, size: 7 }));
    assert_eq!(eight, Err(Error::SizeOutOfRange { asked: 8, size: 7 }));
}

#[test]
fn a_checkpoint_with_a_bad_origin_is_invalid_origin() {
    let result = Checkpoint::from_log(&demo_tree(), 7, "demo line").map(|_| ());

    assert_eq!(origin_rule(result), "white space U+0020 at byte 4");
}

// ---- 5.2: origins ----

#[test]
fn the_standard_and_recommended_origins_are_valid() {
    assert_eq!(validate_origin("tcps"), Ok(()));
    assert_eq!(validate_origin(ORIGIN), Ok(()));
    assert_eq!(validate_origin("example.com/tcps/line-a"), Ok(()));
    assert_eq!(validate_origin("ligne-été/日本"), Ok(()));
    assert_eq!(validate_origin(&"a".repeat(255)), Ok(()));
}

#[test]
fn each_origin_rule_is_named() {
    assert_eq!(origin_rule(validate_origin("")), "empty");
    assert_eq!(
        origin_rule(validate_origin(&"a".repeat(256))),
        "longer than 255 bytes"
    );
    assert_eq!(
        origin_rule(validate_origin("demo line")),
        "white space U+0020 at byte 4"
    );
    assert_eq!(
        origin_rule(validate_origin("a\u{3000}b")),
        "white space U+3000 at byte 1"
    );
    assert_eq!(
        origin_rule(validate_origin("a\u{85}")),
        "white space U+0085 at byte 1"
    );
    assert_eq!(
        origin_rule(validate_origin("a\u{7f}")),
        "control character U+007F at byte 1"
    );
    assert_eq!(
        origin_rule(validate_origin("\u{1}a")),
        "control character U+0001 at byte 0"
    );
    assert_eq!(
        origin_rule(validate_origin("a\u{9f}")),
        "control character U+009F at byte 1"
    );
    assert_eq!(origin_rule(validate_origin("a+b")), "plus sign at byte 1");
}

#[test]
fn an_invalid_origin_is_reported_cut_to_255_bytes() {
    let long = "é".repeat(200);

    let result = validate_origin(&long);

    match result {
        Err(Error::InvalidOrigin { origin, .. }) => {
            assert_eq!(origin.len(), 254);
            assert!(long.starts_with(&origin));
        }
        other => panic!("expected invalid_origin, got {other:?}"),
    }
}

// ---- 5.4 and example 30: parsing ----

#[test]
fn a_body_parses_back_to_its_checkpoint() {
    let parsed = Checkpoint::parse(BODY_7.as_bytes());

    assert_eq!(parsed, Ok(demo_checkpoint(7)));
}

#[test]
fn every_demo_body_round_trips_byte_for_byte() {
    for size in 1..=7 {
        let body = demo_checkpoint(size).body();

        let parsed = Checkpoint::parse(body.as_bytes()).expect("parses");

        assert_eq!(parsed.body(), body);
    }
}

#[test]
fn example_30_a_size_line_with_a_leading_zero_is_line_2() {
    let text = BODY_7.replace("\n7\n", "\n07\n");

    let (line, _) = malformed_at(Checkpoint::parse(text.as_bytes()));

    assert_eq!(line, 2);
}

#[test]
fn example_30_a_root_without_its_padding_is_line_3() {
    let text = BODY_7.replace("M4I=\n", "M4I\n");

    let (line, rule) = malformed_at(Checkpoint::parse(text.as_bytes()));

    assert_eq!(line, 3);
    assert_eq!(rule, "root hash must be 44 base64 characters, found 43");
}

#[test]
fn example_30_a_body_without_its_final_line_feed_is_line_3() {
    let text = BODY_7.trim_end_matches('\n');

    let (line, rule) = malformed_at(Checkpoint::parse(text.as_bytes()));

    assert_eq!(line, 3);
    assert_eq!(rule, "missing final line feed");
}

#[test]
fn example_30_an_origin_with_a_space_is_invalid_origin() {
    let text = BODY_7.replace(ORIGIN, "demo line");

    let result = Checkpoint::parse(text.as_bytes()).map(|_| ());

    assert_eq!(origin_rule(result), "white space U+0020 at byte 4");
}

#[test]
fn size_lines_must_be_plain_decimal_up_to_2_pow_63_minus_1() {
    let with = |size: &str| BODY_7.replace("\n7\n", &format!("\n{size}\n"));

    let max = Checkpoint::parse(with("9223372036854775807").as_bytes());
    let zero = Checkpoint::parse(with("0").as_bytes());

    assert_eq!(max.map(|c| c.size), Ok(9_223_372_036_854_775_807));
    assert_eq!(zero.map(|c| c.size), Ok(0));
    for bad in [
        "9223372036854775808",
        "99999999999999999999999",
        "+7",
        "-7",
        " 7",
        "7 ",
        "",
        "00",
        "0x7",
        "７",
    ] {
        let (line, _) = malformed_at(Checkpoint::parse(with(bad).as_bytes()));
        assert_eq!(line, 2, "size line {bad:?}");
    }
}

#[test]
fn root_lines_must_be_canonical_standard_base64_of_32_bytes() {
    let with = |root: &str| BODY_7.replace(DEMO_HEADS_BASE64[6], root);

    for bad in [
        // URL-safe alphabet.
        "OfRqGr8vjrCzI5DyTA0mL8XRouYuOOovkpKjbUvoM4I_",
        // Stray bits in the last character (I is 8, J is 9).
        "OfRqGr8vjrCzI5DyTA0mL8XRouYuOOovkpKjbUvoM4J=",
        // 44 characters that decode to 33 bytes.
        "OfRqGr8vjrCzI5DyTA0mL8XRouYuOOovkpKjbUvoM4IA",
        // 44 characters that decode to 31 bytes.
        "OfRqGr8vjrCzI5DyTA0mL8XRouYuOOovkpKjbUvoM===",
        "OfRqGr8vjrCzI5DyTA0mL8XRouYuOOovkpKjbUvoM4I=A",
        "",
    ] {
        let (line, _) = malformed_at(Checkpoint::parse(with(bad).as_bytes()));
        assert_eq!(line, 3, "root line {bad:?}");
    }
}

#[test]
fn short_bodies_name_the_missing_line() {
    assert_eq!(
        malformed_at(Checkpoint::parse(b"tcps\n")),
        (2, "missing tree size line".into())
    );
    assert_eq!(
        malformed_at(Checkpoint::parse(b"tcps\n7\n")),
        (3, "missing root hash line".into())
    );
    assert_eq!(
        malformed_at(Checkpoint::parse(b"")),
        (1, "empty text".into())
    );
}

#[test]
fn an_empty_origin_line_is_invalid_origin() {
    let text = format!("\n{}", &BODY_7[ORIGIN.len() + 1..]);

    let result = Checkpoint::parse(text.as_bytes()).map(|_| ());

    assert_eq!(origin_rule(result), "empty");
}

#[test]
fn control_characters_and_bad_utf8_name_their_line() {
    let crlf = BODY_7.replace('\n', "\r\n");
    let tab = format!("{BODY_7}a\tb\n");
    let mut invalid = BODY_7.as_bytes().to_vec();
    invalid.extend_from_slice(b"ext\xff\n");

    let (crlf_line, crlf_rule) = malformed_at(Checkpoint::parse(crlf.as_bytes()));
    let (tab_line, _) = malformed_at(Checkpoint::parse(tab.as_bytes()));
    let (utf8_line, utf8_rule) = malformed_at(Checkpoint::parse(&invalid));

    assert_eq!(crlf_line, 1);
    assert_eq!(crlf_rule, "control character U+000D at byte 17");
    assert_eq!(tab_line, 4);
    assert_eq!(utf8_line, 4);
    assert_eq!(utf8_rule, "not UTF-8 at byte 68");
}

#[test]
fn extension_lines_are_parsed_and_limited() {
    let one = format!("{BODY_7}hint\n");
    let sixteen = format!("{BODY_7}{}", "e\n".repeat(16));
    let seventeen = format!("{BODY_7}{}", "e\n".repeat(17));
    let too_long = format!("{BODY_7}{}\n", "x".repeat(1025));

    let parsed = Checkpoint::parse(one.as_bytes()).expect("parses");

    assert_eq!(parsed.extensions, vec!["hint".to_owned()]);
    assert_eq!(parsed.body(), one);
    assert!(Checkpoint::parse(sixteen.as_bytes()).is_ok());
    assert_eq!(malformed_at(Checkpoint::parse(seventeen.as_bytes())).0, 20);
    assert_eq!(malformed_at(Checkpoint::parse(too_long.as_bytes())).0, 4);
}

#[test]
fn a_huge_text_is_refused_at_the_first_line_past_a_limit() {
    let many_extensions = format!("{BODY_7}{}", "e\n".repeat(100_000));
    let long_origin = format!("{}\n7\n{}\n", "o".repeat(1 << 20), DEMO_HEADS_BASE64[6]);

    assert_eq!(
        malformed_at(Checkpoint::parse(many_extensions.as_bytes())).0,
        20
    );
    assert_eq!(
        origin_rule(Checkpoint::parse(long_origin.as_bytes()).map(|_| ())),
        "longer than 255 bytes"
    );
}

// ---- 5.5 and example 31: checks against a log ----

#[test]
fn a_checkpoint_matches_the_log_it_was_made_from() {
    let tree = demo_tree();

    for size in 1..=7 {
        assert_eq!(demo_checkpoint(size).check_against(&tree, ORIGIN), Ok(()));
    }
}

#[test]
fn example_31_another_origin_is_origin_mismatch() {
    let text = BODY_7.replace(ORIGIN, "tcps.example/other");
    let checkpoint = Checkpoint::parse(text.as_bytes()).expect("parses");

    let result = checkpoint.check_against(&demo_tree(), ORIGIN);

    assert_eq!(
        result,
        Err(Error::OriginMismatch {
            expected: ORIGIN.into(),
            found: "tcps.example/other".into(),
        })
    );
}

#[test]
fn example_16_a_log_cut_back_to_4_is_size_beyond_log() {
    let cut: MerkleTree = DEMO_LEAVES[..4].iter().map(|h| d(h)).collect();

    let result = demo_checkpoint(7).check_against(&cut, ORIGIN);

    assert_eq!(
        mismatch(result),
        (
            "size_beyond_log".into(),
            "checkpoint size 7, log size 4".into()
        )
    );
}

#[test]
fn example_20_a_rewritten_leaf_is_root_differs() {
    let mut leaves: Vec<Digest> = DEMO_LEAVES.iter().map(|h| d(h)).collect();
    leaves[3] = d("3ebed07a297f116f405ddb7cb4ca07f67c712a7b3f10413eb5c38cddb0e0aca8");
    let rewritten: MerkleTree = leaves.into_iter().collect();

    let at_7 = demo_checkpoint(7).check_against(&rewritten, ORIGIN);
    let at_4 = demo_checkpoint(4).check_against(&rewritten, ORIGIN);
    let at_3 = demo_checkpoint(3).check_against(&rewritten, ORIGIN);

    let (reason, detail) = mismatch(at_7);
    assert_eq!(reason, "root_differs");
    assert!(detail.starts_with(
        "size 7, checkpoint root \
         39f46a1abf2f8eb0b32390f24c0d262fc5d1a2e62e38ea2f9292a36d4be83382, log root "
    ));
    assert_eq!(mismatch(at_4).0, "root_differs");
    assert_eq!(at_3, Ok(()));
}

#[test]
fn the_origin_is_checked_before_the_size() {
    let text = BODY_7.replace("\n7\n", "\n99\n").replace(ORIGIN, "other");
    let checkpoint = Checkpoint::parse(text.as_bytes()).expect("parses");

    let result = checkpoint.check_against(&demo_tree(), ORIGIN);

    assert!(matches!(result, Err(Error::OriginMismatch { .. })));
}

#[test]
fn a_size_zero_checkpoint_matches_only_the_empty_tree_head() {
    let empty = Checkpoint::new(ORIGIN, 0, EMPTY_TREE_HEAD).expect("valid");
    let wrong = Checkpoint::new(ORIGIN, 0, d(DEMO_LEAVES[0])).expect("valid");

    assert_eq!(empty.check_against(&demo_tree(), ORIGIN), Ok(()));
    assert_eq!(
        mismatch(wrong.check_against(&demo_tree(), ORIGIN)).0,
        "root_differs"
    );
}

// ---- 5.5: between two checkpoints ----

#[test]
fn a_newer_checkpoint_extends_an_older_one_with_a_consistency_proof() {
    let tree = demo_tree();

    for old in 1..=7 {
        for new in old..=7 {
            let proof = tree.consistency_proof(old, new).expect("in range");

            let result = demo_checkpoint(old).check_consistency(&demo_checkpoint(new), &proof);

            assert_eq!(result, Ok(()), "{old} -> {new}");
        }
    }
}

#[test]
fn example_21_the_swapped_suffix_fails_the_consistency_check() {
    let forged = d("320d653edc79de58cd7e00ddaae0c2179e592525928ecaf62f9d74f1ff43f805");
    let new_root = d("c88e3390f37f7fa21bc08b0340a7b4d099e0866923b0b6442102145640d1afcb");
    let newer = Checkpoint::new(ORIGIN, 7, new_root).expect("valid");

    let result = demo_checkpoint(4).check_consistency(&newer, &[forged]);

    assert_eq!(
        result,
        Err(Error::ProofInvalid {
            reason: "root_mismatch".into()
        })
    );
}

#[test]
fn checkpoints_of_two_origins_are_origin_mismatch() {
    let other = Checkpoint::new("tcps.example/other", 7, demo_checkpoint(7).root).expect("valid");
    let proof = demo_tree().consistency_proof(4, 7).expect("in range");

    let result = demo_checkpoint(4).check_consistency(&other, &proof);

    assert_eq!(
        result,
        Err(Error::OriginMismatch {
            expected: ORIGIN.into(),
            found: "tcps.example/other".into(),
        })
    );
}

#[test]
fn an_older_checkpoint_given_as_newer_is_size_order() {
    let proof = demo_tree().consistency_proof(4, 7).expect("in range");

    let result = demo_checkpoint(7).check_consistency(&demo_checkpoint(4), &proof);

    assert_eq!(
        result,
        Err(Error::ProofInvalid {
            reason: "size_order".into()
        })
    );
}

// ---- 5.3 and 5.6: signed notes ----

const PUBLIC_KEY: &str = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";

const SIGNATURE: &str = "db76d2db6dae32c02ceab712d466e3a0865ff592a1b6d014c1d4f81b910180a1\
                         f3aeb859f951e16097b0f9167941808e3d144ae3f9aab331b301e4eb2bc4900c";

const SIGNATURE_BASE64: &str = "LsIUNtt20tttrjLALOq3EtRm46CGX/WSobbQFMHU+BuRAYCh8664WflR4WCXsPkWeUGAjj0U\
                                SuP5qrMxswHk6yvEkAw=";

fn public_key() -> [u8; 32] {
    let bytes = hex::decode(PUBLIC_KEY).expect("hex");
    bytes.try_into().expect("32 bytes")
}

fn signature_bytes() -> Vec<u8> {
    hex::decode(SIGNATURE).expect("hex")
}

fn signed_note_5_6() -> String {
    format!("{BODY_7}\n\u{2014} {ORIGIN} {SIGNATURE_BASE64}\n")
}

/// Stands in for the host's Ed25519 signer: it returns the published
/// signature of 5.6 for the body of 5.1. tcps has no Ed25519 code; the
/// signature itself was checked with OpenSSL when this test was
/// written (see the test below).
struct FixedSigner;

impl NoteSigner for FixedSigner {
    fn key_name(&self) -> &str {
        ORIGIN
    }

    fn key_id(&self) -> u32 {
        ed25519_key_id(ORIGIN, &public_key())
    }

    fn sign(&self, body: &[u8]) -> Vec<u8> {
        assert_eq!(body, BODY_7.as_bytes());
        signature_bytes()
    }
}

/// Stands in for the host's verifier: knows one key and accepts the
/// one signature it was told of, over the one body it was told of.
struct FixedVerifier {
    key_name: &'static str,
    key_id: u32,
    body: Vec<u8>,
    signature: Vec<u8>,
}

impl NoteVerifier for FixedVerifier {
    fn check(&self, key_name: &str, key_id: u32, body: &[u8], signature: &[u8]) -> SignatureCheck {
        if key_name != self.key_name || key_id != self.key_id {
            SignatureCheck::UnknownKey
        } else if body == self.body && signature == self.signature {
            SignatureCheck::Valid
        } else {
            SignatureCheck::Invalid
        }
    }
}

fn demo_verifier() -> FixedVerifier {
    FixedVerifier {
        key_name: ORIGIN,
        key_id: 0x2ec2_1436,
        body: BODY_7.as_bytes().to_vec(),
        signature: signature_bytes(),
    }
}

#[test]
fn the_ed25519_key_id_of_5_6_is_2ec21436() {
    assert_eq!(ed25519_key_id(ORIGIN, &public_key()), 0x2ec2_1436);
}

#[test]
fn signing_the_5_1_body_gives_the_181_byte_note_of_5_6() {
    let signed = demo_checkpoint(7).sign(&[&FixedSigner]).expect("signs");

    let note = signed.to_note();
    let signature_line = signed.signatures[0].line();

    assert_eq!(note, signed_note_5_6());
    assert_eq!(note.len(), 181);
    // 115 bytes with its line feed; the em dash takes three.
    assert_eq!(signature_line.len() + 1, 115);
    assert_eq!(
        signature_line,
        format!("\u{2014} {ORIGIN} {SIGNATURE_BASE64}")
    );
    assert_eq!(SIGNATURE_BASE64.len(), 92);
}

#[test]
fn the_signed_note_of_5_6_parses_into_body_key_id_and_signature() {
    let parsed = SignedCheckpoint::parse(signed_note_5_6().as_bytes()).expect("parses");

    assert_eq!(parsed.checkpoint, demo_checkpoint(7));
    assert_eq!(parsed.checkpoint.body(), BODY_7);
    assert_eq!(
        parsed.signatures,
        vec![NoteSignature {
            key_name: ORIGIN.into(),
            key_id: 0x2ec2_1436,
            signature: signature_bytes(),
        }]
    );
    assert_eq!(parsed.to_note(), signed_note_5_6());
}

#[test]
fn the_signed_note_of_5_6_verifies_with_a_host_that_knows_the_key() {
    let parsed = SignedCheckpoint::parse(signed_note_5_6().as_bytes()).expect("parses");

    let verdict = parsed.verify(&demo_verifier());

    assert_eq!(
        verdict,
        NoteVerdict::Verified {
            keys: vec![ORIGIN.into()]
        }
    );
    assert!(verdict.is_verified());
}

#[test]
fn checkpoint_parse_accepts_a_signed_note_and_keeps_its_checkpoint() {
    let parsed = Checkpoint::parse(signed_note_5_6().as_bytes());

    assert_eq!(parsed, Ok(demo_checkpoint(7)));
}

#[test]
fn unknown_keys_are_ignored_and_a_bad_known_signature_fails_the_note() {
    let mut signed = demo_checkpoint(7).sign(&[&FixedSigner]).expect("signs");
    signed.signatures.insert(
        0,
        NoteSignature {
            key_name: "witness.example/w1".into(),
            key_id: 7,
            signature: vec![1, 2, 3],
        },
    );

    let good = signed.verify(&demo_verifier());
    signed.signatures[1].signature[0] ^= 1;
    let bad = signed.verify(&demo_verifier());
    signed.signatures.remove(1);
    let only_unknown = signed.verify(&demo_verifier());

    assert_eq!(
        good,
        NoteVerdict::Verified {
            keys: vec![ORIGIN.into()]
        }
    );
    assert_eq!(
        bad,
        NoteVerdict::BadSignature {
            key_name: ORIGIN.into(),
            key_id: 0x2ec2_1436,
        }
    );
    assert_eq!(only_unknown, NoteVerdict::NoKnownKey);
}

#[test]
fn a_note_for_another_size_fails_with_the_known_key() {
    let mut signed = demo_checkpoint(7).sign(&[&FixedSigner]).expect("signs");
    signed.checkpoint = demo_checkpoint(6);

    let verdict = signed.verify(&demo_verifier());

    assert!(matches!(verdict, NoteVerdict::BadSignature { .. }));
}

#[test]
fn malformed_signature_lines_name_their_line() {
    let with = |line: &str| format!("{BODY_7}\n{line}\n");
    let sig = SIGNATURE_BASE64;

    let cases = [
        (format!("- {ORIGIN} {sig}"), "em dash"),
        (format!("\u{2014}{ORIGIN} {sig}"), "em dash"),
        (format!("\u{2014} {ORIGIN}"), "key name, a space"),
        (format!("\u{2014}  {sig}"), "empty key name"),
        (format!("\u{2014} a+b {sig}"), "plus sign"),
        (format!("\u{2014} {ORIGIN} {sig} x"), "base64"),
        (
            format!("\u{2014} {ORIGIN} AAAAAA=="),
            "shorter than 5 bytes",
        ),
        (format!("\u{2014} {ORIGIN} AAAAAAA"), "base64"),
        (format!("\u{2014} {ORIGIN} AAAAAAB="), "base64"),
    ];

    for (line, rule_part) in cases {
        let text = with(&line);
        let (at, rule) = malformed_at(Checkpoint::parse(text.as_bytes()));
        assert_eq!(at, 5, "{line:?}");
        assert!(rule.contains(rule_part), "{line:?}: {rule}");
    }
}

#[test]
fn a_note_needs_one_to_64_signature_lines() {
    let line = format!("\u{2014} {ORIGIN} {SIGNATURE_BASE64}\n");
    let none = format!("{BODY_7}\n");
    let sixty_four = format!("{BODY_7}\n{}", line.repeat(64));
    let sixty_five = format!("{BODY_7}\n{}", line.repeat(65));

    assert_eq!(
        malformed_at(Checkpoint::parse(none.as_bytes())),
        (5, "signed note without a signature line".into())
    );
    assert_eq!(
        SignedCheckpoint::parse(sixty_four.as_bytes()).map(|n| n.signatures.len()),
        Ok(64)
    );
    assert_eq!(malformed_at(Checkpoint::parse(sixty_five.as_bytes())).0, 69);
}

#[test]
fn a_body_with_extension_lines_is_split_at_the_last_empty_line() {
    let body = format!("{BODY_7}hint\n");
    let text = format!("{body}\n\u{2014} {ORIGIN} {SIGNATURE_BASE64}\n");

    let parsed = SignedCheckpoint::parse(text.as_bytes()).expect("parses");

    assert_eq!(parsed.checkpoint.body(), body);
    assert_eq!(parsed.signatures.len(), 1);
}

#[test]
fn signers_with_bad_key_names_or_empty_signatures_are_refused() {
    struct Named(&'static str, Vec<u8>);

    impl NoteSigner for Named {
        fn key_name(&self) -> &str {
            self.0
        }
        fn key_id(&self) -> u32 {
            1
        }
        fn sign(&self, _body: &[u8]) -> Vec<u8> {
            self.1.clone()
        }
    }

    let checkpoint = demo_checkpoint(7);

    for signer in [
        Named("", vec![1]),
        Named("a b", vec![1]),
        Named("a+b", vec![1]),
        Named("a\u{1}", vec![1]),
        Named("ok", Vec::new()),
    ] {
        let result = checkpoint.sign(&[&signer]);
        assert!(
            matches!(result, Err(Error::InvalidArgument { ref argument, .. }) if argument == "signer"),
            "{:?}: {result:?}",
            signer.0
        );
    }
}

#[test]
fn an_unsigned_checkpoint_writes_its_bare_body_as_note() {
    let signed = demo_checkpoint(7).sign(&[]).expect("no signers");

    assert_eq!(signed.to_note(), BODY_7);
    assert_eq!(signed.verify(&demo_verifier()), NoteVerdict::NoKnownKey);
}

// ---- serde ----

#[test]
fn a_checkpoint_serializes_with_a_hex_root() {
    let json = serde_json::to_string(&demo_checkpoint(7)).expect("serializes");

    assert_eq!(
        json,
        "{\"origin\":\"tcps.example/demo\",\"size\":7,\
         \"root\":\"39f46a1abf2f8eb0b32390f24c0d262fc5d1a2e62e38ea2f9292a36d4be83382\",\
         \"extensions\":[]}"
    );
    assert_eq!(
        serde_json::from_str::<Checkpoint>(&json).expect("deserializes"),
        demo_checkpoint(7)
    );
}

#[test]
fn deserializing_a_checkpoint_checks_its_origin() {
    let json = "{\"origin\":\"demo line\",\"size\":7,\
                \"root\":\"39f46a1abf2f8eb0b32390f24c0d262fc5d1a2e62e38ea2f9292a36d4be83382\"}";

    let result = serde_json::from_str::<Checkpoint>(json);

    assert!(result.is_err());
}

// ---- property tests ----

fn origin_strategy() -> impl Strategy<Value = String> {
    "[a-z0-9./_-]{1,40}".prop_filter("valid origin", |o| validate_origin(o).is_ok())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_valid_checkpoint_round_trips_through_its_body(
        origin in origin_strategy(),
        size in 0..=i64::MAX as u64,
        root in any::<[u8; 32]>(),
        extensions in prop::collection::vec("[ -~]{1,30}", 0..=16),
    ) {
        let checkpoint = Checkpoint::new(origin, size, Digest(root))
            .and_then(|c| c.with_extensions(extensions))
            .expect("valid");

        let body = checkpoint.body();
        let parsed = Checkpoint::parse(body.as_bytes());

        prop_assert_eq!(parsed, Ok(checkpoint));
    }

    #[test]
    fn random_bytes_never_panic_the_parser(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let result = SignedCheckpoint::parse(&bytes);

        let known = matches!(
            result,
            Ok(_) | Err(Error::CheckpointMalformed { .. } | Error::InvalidOrigin { .. })
        );
        prop_assert!(known);
    }

    #[test]
    fn any_single_byte_change_to_a_signed_note_is_refused_or_changes_it(
        at in 0..181usize,
        byte in any::<u8>(),
    ) {
        let original = signed_note_5_6().into_bytes();
        let mut bytes = original.clone();
        prop_assume!(bytes[at] != byte);
        bytes[at] = byte;

        let result = SignedCheckpoint::parse(&bytes);

        if let Ok(note) = result {
            prop_assert_ne!(note.to_note().into_bytes(), original);
            prop_assert!(!note.verify(&demo_verifier()).is_verified());
        }
    }
}
