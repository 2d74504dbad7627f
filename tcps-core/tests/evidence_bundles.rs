//! Proof bundles (evidence-log.md 7) and the worked examples 43 to 45,
//! built from the demo journal at the evidence layer.

mod evidence_util;

use evidence_util::{d, demo_journal, temp_journal};
use tcps_core::bundle::{BundleOptions, BundleReport, verify_bundle};
use tcps_core::checkpoint::{NoteVerifier, SignatureCheck};
use tcps_core::journal::JournalFile;
use tcps_core::{Digest, Error};

fn demo_file() -> (tempfile::TempDir, JournalFile) {
    let (dir, path) = temp_journal();
    std::fs::write(&path, demo_journal()).unwrap();
    let journal = JournalFile::open_read_only(&path).unwrap();
    (dir, journal)
}

fn demo_bundle() -> Vec<u8> {
    let (_dir, journal) = demo_file();
    journal
        .proof_bundle("SKU-000001", None, None)
        .unwrap()
        .to_bytes()
}

fn bundle_error(bytes: &[u8]) -> (Option<u64>, String) {
    match verify_bundle(bytes, &BundleOptions::default()) {
        Err(Error::BundleInvalid { seq, reason }) => (seq, reason),
        other => panic!("expected bundle_invalid, got {other:?}"),
    }
}

/// Rewrites the JSON of a bundle through `edit` on its parsed form.
fn edited(bytes: &[u8], edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut json: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    edit(&mut json);
    serde_json::to_vec(&json).unwrap()
}

#[test]
#[allow(
    clippy::many_single_char_names,
    reason = "the node names of the spec's tree drawing"
)]
fn example_43_the_demo_bundle_selects_its_receipts_and_proofs() {
    let (_dir, journal) = demo_file();

    let bundle = journal.proof_bundle("SKU-000001", None, None).unwrap();

    let seqs: Vec<u64> = bundle.entries.iter().map(|e| e.receipt.seq).collect();
    assert_eq!(seqs, [0, 2, 3, 4, 5]);
    let proofs: Vec<Vec<Digest>> = bundle.entries.iter().map(|e| e.proof.clone()).collect();
    let (a, b, c, dd, e, f, g) = (
        d("54a4d75a9ef654e1cbd3276f789f45b32ef0b844dba4cd11ebc242044717df0b"),
        d("2c78201fbb74e25a2c7ea8eb8e93a60ee7ee0431440db3f70cbb6f64a6bbcc89"),
        d("44210d349746e78953bbed2a871bd1c3503255ed4bbaa2016808ac1875fb2d3f"),
        d("96f29ce5f2a04299836643cc1007df297c665e5b6a452a8c76271e26066b1449"),
        d("27b859b2f0c806d2afc65c7353fbe64c405644be162625605f485b808efc2fca"),
        d("3c210efe4a9f55b014d37ceec97e8b22025cc5a37a64fe7768c2f2ee5c82889b"),
        d("290f52ba736445f2a6cab90918308374fe5b3ed8ac1e44aec8e7d9acb0f6ea9d"),
    );
    let _ = a;
    let h = d("c63b2f95f7237a6168d0b9335883b4ad84d1e9c1c087d550ae8d687839b41437");
    let i = d("b0ddd11e0bf7659f1c6c10ae82d542f705b66e933dc9e3b17fb9895ce00812bc");
    let k = d("c0fb6f4cf22bc91a73c497784e3ea75d24101b908ace3ce588de83f4288eca45");
    let l = d("3b5ff96b0661b7e0078dca663e0c5eee95731515ee172c5a744c78a415c788e7");
    assert_eq!(
        proofs,
        [
            vec![b, i, l],
            vec![dd, h, l],
            vec![c, h, l],
            vec![f, g, k],
            vec![e, g, k]
        ]
    );
    assert_eq!(
        bundle.checkpoint,
        "tcps.example/demo\n7\nOfRqGr8vjrCzI5DyTA0mL8XRouYuOOovkpKjbUvoM4I=\n"
    );
    let bytes = bundle.to_bytes();
    assert_eq!(bytes.len(), 3009);
    assert_eq!(
        Digest::of(&bytes),
        d("7787e9bd30f1877843cb8a3ac84d0d907bcc7676947ac6e4b175f9b8daa3f0ca")
    );
}

#[test]
fn example_44_the_demo_bundle_verifies_with_nothing_else() {
    let bytes = demo_bundle();

    let report = verify_bundle(&bytes, &BundleOptions::default()).unwrap();

    assert_eq!(
        report,
        BundleReport {
            subject: "SKU-000001".into(),
            origin: "tcps.example/demo".into(),
            size: 7,
            root: d("39f46a1abf2f8eb0b32390f24c0d262fc5d1a2e62e38ea2f9292a36d4be83382"),
            entries: vec![0, 2, 3, 4, 5],
            first_at: 1_769_421_600_000,
            last_at: 1_769_423_400_000,
            policy: vec![0],
        }
    );
}

#[test]
fn example_45_an_edited_receipt_fails_on_its_hash() {
    let bytes = demo_bundle();
    let text = String::from_utf8(bytes).unwrap();

    let tampered = text.replacen("\"warnings\":2", "\"warnings\":0", 1);

    assert_eq!(
        bundle_error(tampered.as_bytes()),
        (Some(3), "hash_mismatch".to_owned())
    );
}

#[test]
fn example_45_an_edited_and_rehashed_receipt_fails_on_its_proof() {
    let text = String::from_utf8(demo_bundle()).unwrap();

    let tampered = text
        .replacen("\"warnings\":2", "\"warnings\":0", 1)
        .replacen(
            "96f29ce5f2a04299836643cc1007df297c665e5b6a452a8c76271e26066b1449\",\"kind\"",
            "3ebed07a297f116f405ddb7cb4ca07f67c712a7b3f10413eb5c38cddb0e0aca8\",\"kind\"",
            1,
        );

    assert_eq!(
        bundle_error(tampered.as_bytes()),
        (
            Some(3),
            "proof (root_mismatch, leads to \
             10f4a6551866de50309c86defdea53303cbb4dc47ac52af4a4472b82ca9af845)"
                .to_owned()
        )
    );
}

#[test]
fn example_45_a_bundle_without_its_genesis_receipt_fails() {
    let bytes = demo_bundle();

    let tampered = edited(&bytes, |j| {
        j["entries"].as_array_mut().unwrap().remove(0);
    });

    assert_eq!(
        bundle_error(&tampered),
        (None, "missing_genesis".to_owned())
    );
}

#[test]
fn a_bundle_fails_on_every_changed_byte() {
    let bytes = demo_bundle();

    for i in 0..bytes.len() {
        let mut tampered = bytes.clone();
        tampered[i] ^= 0x01;

        let result = verify_bundle(&tampered, &BundleOptions::default());

        // Flipping a bit of white space-free canonical JSON may leave an
        // equal document only where the JSON text allows two spellings
        // of the same value; none of those bytes exist in this file.
        assert!(
            result.is_err(),
            "byte {i} ({:?}) changed unnoticed",
            bytes[i] as char
        );
    }
}

#[test]
fn bundles_accept_any_json_spelling_of_the_same_content() {
    let bytes = demo_bundle();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();

    let pretty = serde_json::to_vec_pretty(&json).unwrap();

    assert!(verify_bundle(&pretty, &BundleOptions::default()).is_ok());
}

#[test]
fn the_bundle_format_is_checked_first() {
    let bytes = demo_bundle();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"[]".to_vec(), "object"),
        (edited(&bytes, |j| j["format"] = "other".into()), "format"),
        (edited(&bytes, |j| j["v"] = 2.into()), "`v`"),
        (edited(&bytes, |j| j["extra"] = 1.into()), "extra"),
        (
            edited(&bytes, |j| {
                j.as_object_mut().unwrap().remove("subject");
            }),
            "subject",
        ),
        (
            edited(&bytes, |j| j["entries"][0]["proof"][0] = "XYZ".into()),
            "lowercase hex",
        ),
        (b"{\"v\":1.5}".to_vec(), "float"),
    ];

    for (input, needle) in cases {
        let err = verify_bundle(&input, &BundleOptions::default()).unwrap_err();

        assert_eq!(err.name(), "bundle_malformed", "{needle}: {err}");
        assert!(err.to_string().contains(needle), "{needle}: {err}");
    }
}

#[test]
fn entries_must_be_sorted_without_duplicates() {
    let bytes = demo_bundle();

    let swapped = edited(&bytes, |j| j["entries"].as_array_mut().unwrap().swap(1, 2));
    let doubled = edited(&bytes, |j| {
        let first = j["entries"][1].clone();
        j["entries"].as_array_mut().unwrap().insert(1, first);
    });
    let empty = edited(&bytes, |j| j["entries"] = serde_json::json!([]));

    assert_eq!(bundle_error(&swapped), (Some(2), "unsorted".to_owned()));
    assert_eq!(
        bundle_error(&doubled),
        (Some(2), "duplicate_seq".to_owned())
    );
    assert_eq!(bundle_error(&empty), (None, "empty".to_owned()));
}

#[test]
fn expected_origin_and_subject_are_compared() {
    let bytes = demo_bundle();
    let other_origin = BundleOptions {
        origin: Some("tcps.example/other".into()),
        ..BundleOptions::default()
    };
    let other_subject = BundleOptions {
        subject: Some("SKU-000002".into()),
        ..BundleOptions::default()
    };

    let origin = verify_bundle(&bytes, &other_origin).unwrap_err();
    let subject = verify_bundle(&bytes, &other_subject).unwrap_err();

    assert_eq!(origin.name(), "origin_mismatch");
    assert_eq!(
        subject,
        Error::BundleInvalid {
            seq: None,
            reason: "wrong_subject (SKU-000001)".into()
        }
    );
}

struct NobodyKnown;

impl NoteVerifier for NobodyKnown {
    fn check(&self, _: &str, _: u32, _: &[u8], _: &[u8]) -> SignatureCheck {
        SignatureCheck::UnknownKey
    }
}

#[test]
fn a_signature_verifier_refuses_an_unsigned_checkpoint() {
    let bytes = demo_bundle();
    let verifier = NobodyKnown;
    let options = BundleOptions {
        verifier: Some(&verifier),
        ..BundleOptions::default()
    };

    let (seq, reason) = match verify_bundle(&bytes, &options) {
        Err(Error::BundleInvalid { seq, reason }) => (seq, reason),
        other => panic!("{other:?}"),
    };

    assert_eq!(seq, None);
    assert!(reason.starts_with("checkpoint_signature"), "{reason}");
}

#[test]
fn a_receipt_about_another_sku_is_foreign() {
    let (_dir, journal) = demo_file();
    let bundle = journal.proof_bundle("SKU-000001", None, None).unwrap();
    let d1 = journal.receipt(1).unwrap();
    let proof = journal.inclusion_proof(1, 7).unwrap();
    let mut json: serde_json::Value = serde_json::from_slice(&bundle.to_bytes()).unwrap();
    let entry = serde_json::json!({
        "receipt": d1.to_value().to_json_value(),
        "proof": proof.iter().map(Digest::to_hex).collect::<Vec<_>>(),
    });
    json["entries"].as_array_mut().unwrap().insert(1, entry);

    let bytes = serde_json::to_vec(&json).unwrap();

    assert_eq!(
        bundle_error(&bytes),
        (Some(1), "foreign_receipt".to_owned())
    );
}

#[test]
fn a_bundle_for_an_older_size_uses_that_checkpoint() {
    let (_dir, journal) = demo_file();

    let bundle = journal.proof_bundle("SKU-000001", Some(4), None).unwrap();
    let report = verify_bundle(&bundle.to_bytes(), &BundleOptions::default()).unwrap();

    assert_eq!(report.entries, [0, 2, 3]);
    assert_eq!(report.size, 4);
    assert!(
        bundle
            .checkpoint
            .ends_with("wPtvTPIryRpzxJd4Tj6nXSQQG5CKzjzliN6D9CiOykU=\n")
    );
}

#[test]
fn a_published_checkpoint_text_decides_the_size() {
    let (_dir, journal) = demo_file();
    let published = journal.checkpoint(5).unwrap().body();

    let bundle = journal
        .proof_bundle("SKU-000001", None, Some(published.as_bytes()))
        .unwrap();

    assert_eq!(bundle.checkpoint, published);
    assert_eq!(bundle.entries.last().unwrap().receipt.seq, 4);
}

#[test]
fn a_published_checkpoint_of_another_log_is_refused() {
    let (_dir, journal) = demo_file();
    let foreign = "tcps.example/demo\n7\nwPtvTPIryRpzxJd4Tj6nXSQQG5CKzjzliN6D9CiOykU=\n";

    let err = journal
        .proof_bundle("SKU-000001", None, Some(foreign.as_bytes()))
        .unwrap_err();

    assert_eq!(err.name(), "checkpoint_mismatch");
}

#[test]
fn a_subject_without_receipts_and_a_size_beyond_the_log_are_refused() {
    let (_dir, journal) = demo_file();

    let none = journal.proof_bundle("SKU-000002", None, None).unwrap_err();
    let early = journal
        .proof_bundle("SKU-000001", Some(2), None)
        .unwrap_err();
    let beyond = journal
        .proof_bundle("SKU-000001", Some(8), None)
        .unwrap_err();

    assert_eq!(
        none,
        Error::NoReceiptsForSubject {
            subject: "SKU-000002".into(),
            size: 7
        }
    );
    assert_eq!(early.name(), "no_receipts_for_subject");
    assert_eq!(beyond, Error::SizeOutOfRange { asked: 8, size: 7 });
}
