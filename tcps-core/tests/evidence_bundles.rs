//! Proof bundles (evidence-log.md 7) and the worked examples 43 to 45,
//! built from the demo journal at the evidence layer.

mod evidence_util;

use evidence_util::{d, demo, demo_journal, seal, temp_journal};
use tcps_core::bundle::{
    BundleEntry, BundleOptions, BundleReport, MAX_BUNDLE_BYTES, MAX_ENTRIES, MAX_PROOF_HASHES,
    ProofBundle, verify_bundle,
};
use tcps_core::checkpoint::{Checkpoint, NoteVerifier, SignatureCheck, ed25519_key_id};
use tcps_core::flow::{Signal, SignalKind};
use tcps_core::journal::{Journal, JournalFile, JournalOptions};
use tcps_core::merkle::MerkleTree;
use tcps_core::receipt::Receipt;
use tcps_core::{Config, Digest, Error};

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

// ---- 7.1: configuration changes below the SKU's last receipt ----

const T0: i64 = 1_769_421_600_000;
const MINUTE: i64 = 60_000;
const LINE_A: &str = "tcps.example/line-a";

/// A journaled line of 12 receipts: configuration changes at `seq` 2
/// (before SKU-000001), 5 (between its receipts 4 and 6, 7) and 8
/// (after them), then a second work order and SKU-000002.
fn line_a_journal(path: &std::path::Path) -> Journal {
    let config = Config::standard_named(LINE_A).unwrap();
    let options = JournalOptions::new();
    let mut line = Journal::create(path, config.clone(), T0, &options).unwrap();
    let issue = |n: u32| {
        Signal::new(
            SignalKind::GithubIssue,
            format!("https://github.com/example/app/issues/{n}"),
            "crash on empty input",
        )
        .with_labels(["bug"])
    };
    let mut now = T0;
    let mut tick = || {
        now += MINUTE;
        now
    };

    let wo = line.intake(&issue(1), tick()).unwrap().work_order;
    line.change_config(config.clone(), "before", tick())
        .unwrap();
    line.start(wo, tick()).unwrap();
    let sku = line.create_sku(wo, None, None, tick()).unwrap();
    line.change_config(config.clone(), "between", tick())
        .unwrap();
    line.skip_gate(sku, "shacl_validation", "no RDF", tick())
        .unwrap();
    line.transition(sku, "compilation", tick()).unwrap();
    line.change_config(config.clone(), "after", tick()).unwrap();
    let other = line.intake(&issue(2), tick()).unwrap().work_order;
    line.start(other, tick()).unwrap();
    line.create_sku(other, None, None, tick()).unwrap();
    line.commit().unwrap();
    line
}

fn kinds_of(journal: &Journal) -> Vec<(u64, String, String)> {
    (0..journal.len())
        .map(|seq| {
            let r = journal.receipt(seq).unwrap();
            (seq, r.kind, r.subject)
        })
        .collect()
}

#[test]
fn config_changes_below_the_last_selected_receipt_are_in_the_bundle() {
    let (_dir, path) = temp_journal();
    let line = line_a_journal(&path);
    let kinds = kinds_of(&line);
    let policy: Vec<u64> = kinds
        .iter()
        .filter(|(_, kind, _)| kind == "line.config_changed")
        .map(|(seq, ..)| *seq)
        .collect();
    assert_eq!(policy, [2, 5, 8], "{kinds:?}");

    let bundle = line.proof_bundle("SKU-000001", None, None).unwrap();
    let report = verify_bundle(&bundle.to_bytes(), &BundleOptions::default()).unwrap();

    let seqs: Vec<u64> = bundle.entries.iter().map(|e| e.receipt.seq).collect();
    assert_eq!(seqs, [0, 2, 4, 5, 6, 7], "{kinds:?}");
    assert_eq!(report.entries, seqs);
    assert_eq!(report.policy, [0, 2, 5]);
    assert_eq!(report.origin, LINE_A);
    assert_eq!(report.size, 12);
    let reasons: Vec<String> = [2, 5]
        .iter()
        .map(|seq| {
            let r = &bundle
                .entries
                .iter()
                .find(|e| e.receipt.seq == *seq)
                .unwrap()
                .receipt;
            r.field("reason").unwrap().as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(reasons, ["before", "between"]);
}

#[test]
fn a_smaller_size_drops_the_config_changes_beyond_the_last_selected_receipt() {
    let (_dir, path) = temp_journal();
    let line = line_a_journal(&path);

    let bundle = line.proof_bundle("SKU-000001", Some(6), None).unwrap();

    let seqs: Vec<u64> = bundle.entries.iter().map(|e| e.receipt.seq).collect();
    assert_eq!(seqs, [0, 2, 4]);
    assert!(bundle.checkpoint.starts_with("tcps.example/line-a\n6\n"));
}

// ---- 10: the Line API against the journal at the evidence layer ----

#[test]
fn the_line_api_gives_the_checkpoints_and_bundles_of_the_journal_file() {
    let (_dir, path) = temp_journal();
    let line = line_a_journal(&path);
    let file = JournalFile::open_read_only(&path).unwrap();
    assert_eq!(file.len(), line.len());

    for size in 1..=line.len() {
        let ours = line.checkpoint(size).unwrap();

        assert_eq!(ours, file.checkpoint(size).unwrap(), "size {size}");
        assert_eq!(ours.origin, LINE_A);
        assert_eq!(ours.size, size);
        assert_eq!(ours.root, line.tree_head(size).unwrap());
        assert_eq!(line.verify_checkpoint(&ours, None), Ok(()));
        assert_eq!(file.verify_checkpoint(&ours, None), Ok(()));
    }
    let from_line = line.proof_bundle("SKU-000001", None, None).unwrap();
    let from_file = file.proof_bundle("SKU-000001", None, None).unwrap();
    assert_eq!(from_line.to_bytes(), from_file.to_bytes());
}

#[test]
fn checkpoint_as_names_another_origin_that_verify_checkpoint_must_be_told() {
    let (_dir, path) = temp_journal();
    let line = line_a_journal(&path);

    let other = line.checkpoint_as(12, "witness.example/copy").unwrap();
    let default_origin = line.verify_checkpoint(&other, None);
    let told = line.verify_checkpoint(&other, Some("witness.example/copy"));
    let own_told_other = line.verify_checkpoint(&line.checkpoint(12).unwrap(), Some("x"));

    assert_eq!(other.origin, "witness.example/copy");
    assert_eq!(other.root, line.checkpoint(12).unwrap().root);
    assert_eq!(
        default_origin,
        Err(Error::OriginMismatch {
            expected: LINE_A.into(),
            found: "witness.example/copy".into()
        })
    );
    assert_eq!(told, Ok(()));
    assert_eq!(
        own_told_other,
        Err(Error::OriginMismatch {
            expected: "x".into(),
            found: LINE_A.into()
        })
    );
}

#[test]
fn checkpoint_and_checkpoint_as_check_the_size_first_then_the_origin() {
    let (_dir, path) = temp_journal();
    let line = line_a_journal(&path);

    assert_eq!(
        line.checkpoint(0),
        Err(Error::SizeOutOfRange { asked: 0, size: 12 })
    );
    assert_eq!(
        line.checkpoint(13),
        Err(Error::SizeOutOfRange {
            asked: 13,
            size: 12
        })
    );
    assert_eq!(
        line.checkpoint_as(13, "bad origin"),
        Err(Error::SizeOutOfRange {
            asked: 13,
            size: 12
        })
    );
    assert_eq!(
        line.checkpoint_as(12, "bad origin"),
        Err(Error::InvalidOrigin {
            origin: "bad origin".into(),
            rule: "white space U+0020 at byte 3".into()
        })
    );
}

#[test]
fn verify_checkpoint_reports_a_checkpoint_beyond_the_log_or_with_another_root() {
    let (_dir, path) = temp_journal();
    let line = line_a_journal(&path);
    let head_11 = line.tree_head(11).unwrap();
    let head_12 = line.tree_head(12).unwrap();

    let beyond = Checkpoint::new(LINE_A, 13, head_12).unwrap();
    let rewritten = Checkpoint::new(LINE_A, 12, head_11).unwrap();

    assert_eq!(
        line.verify_checkpoint(&beyond, None),
        Err(Error::CheckpointMismatch {
            reason: "size_beyond_log".into(),
            detail: "checkpoint size 13, log size 12".into(),
        })
    );
    assert_eq!(
        line.verify_checkpoint(&rewritten, None),
        Err(Error::CheckpointMismatch {
            reason: "root_differs".into(),
            detail: format!("size 12, checkpoint root {head_11}, log root {head_12}"),
        })
    );
}

// ---- 7.3 step 4: entries that fail one by one ----

/// A bundle of SKU-000001 over the log `receipts`, holding the entries
/// `seqs`, each with its inclusion proof in the tree of `size`
/// receipts, against that checkpoint under the demo's origin.
fn bundle_over(receipts: &[Receipt], size: u64, seqs: &[u64]) -> Vec<u8> {
    let tree: MerkleTree = receipts.iter().map(|r| r.hash).collect();
    let checkpoint = Checkpoint::from_log(&tree, size, "tcps.example/demo").unwrap();
    let entries = seqs
        .iter()
        .map(|&seq| BundleEntry {
            receipt: receipts[seq as usize].clone(),
            proof: tree.inclusion_proof(seq, size).unwrap_or_default(),
        })
        .collect();
    ProofBundle {
        subject: "SKU-000001".into(),
        checkpoint: checkpoint.body(),
        entries,
    }
    .to_bytes()
}

/// `receipts[i]` sealed again with another `prev` or `at`.
fn resealed(receipts: &[Receipt], i: usize, prev: Digest, at: i64) -> Receipt {
    let r = &receipts[i];
    seal(r.seq, at, &r.kind, &r.subject, r.body.clone(), r.more, prev)
}

#[test]
fn the_demo_bundle_built_by_hand_verifies() {
    let log = demo();

    let bytes = bundle_over(&log, 7, &[0, 2, 3, 4, 5]);

    assert_eq!(bytes, demo_bundle());
}

#[test]
fn step_4_1_an_entry_that_is_not_a_valid_receipt_is_malformed() {
    let bytes = demo_bundle();
    let version_2 = edited(&bytes, |j| j["entries"][2]["receipt"]["v"] = 2.into());
    let no_seq = edited(&bytes, |j| {
        j["entries"][2]["receipt"]
            .as_object_mut()
            .unwrap()
            .remove("seq");
    });

    assert_eq!(
        bundle_error(&version_2),
        (
            Some(3),
            "malformed (invalid receipt: `v` must be 1)".to_owned()
        )
    );
    // A float never reaches step 4: the reader of step 1 refuses it.
    let float = edited(&bytes, |j| {
        j["entries"][2]["receipt"]["body"]["warnings"] = serde_json::json!(2.5);
    });
    assert_eq!(
        malformed_reason(&float),
        "float not allowed at /entries/2/receipt/body/warnings"
    );
    assert_eq!(
        bundle_error(&no_seq),
        (
            None,
            "malformed (invalid receipt: `seq` is missing)".to_owned()
        )
    );
}

#[test]
fn step_4_3_an_entry_at_or_beyond_the_checkpoint_size_fails_its_proof() {
    let log = demo();

    let at_size = bundle_over(&log, 4, &[0, 2, 3, 4]);
    let beyond = bundle_over(&log, 4, &[0, 2, 3, 5]);
    let within = bundle_over(&log, 4, &[0, 2, 3]);

    assert_eq!(
        bundle_error(&at_size),
        (Some(4), "proof (index_out_of_range)".to_owned())
    );
    assert_eq!(
        bundle_error(&beyond),
        (Some(5), "proof (index_out_of_range)".to_owned())
    );
    assert!(verify_bundle(&within, &BundleOptions::default()).is_ok());
}

#[test]
fn step_4_5_a_neighbour_whose_prev_is_not_the_entry_before_is_a_broken_link() {
    let mut log = demo();
    // D3 points at D1 instead of D2 and is rehashed: it sits in the
    // forged tree with a valid proof, but the link to D2 is broken.
    log[3] = resealed(&log, 3, log[1].hash, log[3].at);

    let bytes = bundle_over(&log, 7, &[0, 2, 3, 4, 5]);
    let apart = bundle_over(&log, 7, &[0, 2, 5]);

    assert_eq!(bundle_error(&bytes), (Some(3), "broken_link".to_owned()));
    // Entries that are not neighbours in the log are not linked.
    assert!(verify_bundle(&apart, &BundleOptions::default()).is_ok());
}

#[test]
fn step_4_5_an_entry_earlier_than_the_one_before_is_a_time_reversal() {
    let mut log = demo();
    let before_d2 = log[2].at - 1;
    log[3] = resealed(&log, 3, log[2].hash, before_d2);
    let mut apart = demo();
    let before_d2 = apart[2].at - 1;
    apart[5] = resealed(&apart, 5, apart[4].hash, before_d2);

    let neighbours = bundle_over(&log, 7, &[0, 2, 3]);
    let not_neighbours = bundle_over(&apart, 7, &[0, 2, 5]);

    assert_eq!(
        bundle_error(&neighbours),
        (Some(3), "time_reversal".to_owned())
    );
    assert_eq!(
        bundle_error(&not_neighbours),
        (Some(5), "time_reversal".to_owned())
    );
}

// ---- 7.2: the reader's limits ----

fn malformed_reason(bytes: &[u8]) -> String {
    match verify_bundle(bytes, &BundleOptions::default()) {
        Err(Error::BundleMalformed { reason }) => reason,
        other => panic!("expected bundle_malformed, got {other:?}"),
    }
}

#[test]
fn a_file_over_64_mib_is_malformed_and_one_of_exactly_64_mib_is_read() {
    assert_eq!(MAX_BUNDLE_BYTES, 64 * 1024 * 1024);
    let mut bytes = demo_bundle();
    bytes.resize(MAX_BUNDLE_BYTES, b' ');

    let at_limit = verify_bundle(&bytes, &BundleOptions::default());
    bytes.push(b' ');
    let over = malformed_reason(&bytes);

    assert_eq!(at_limit.map(|r| r.entries), Ok(vec![0, 2, 3, 4, 5]));
    assert_eq!(over, "file of 67108865 bytes, limit 67108864");
}

/// The demo bundle with `entries` replaced by `count` copies of `0`.
fn with_entries(count: usize) -> Vec<u8> {
    let bytes = demo_bundle();
    let text = String::from_utf8(bytes).unwrap();
    let start = text.find("\"entries\":[").unwrap() + "\"entries\":".len();
    let end = text.find(",\"format\"").unwrap();
    let entries = format!("[{}]", vec!["0"; count].join(","));
    format!("{}{entries}{}", &text[..start], &text[end..]).into_bytes()
}

#[test]
fn more_than_65_536_entries_are_malformed() {
    assert_eq!(MAX_ENTRIES, 65_536);

    let over = malformed_reason(&with_entries(65_537));
    let at_limit = malformed_reason(&with_entries(65_536));

    assert_eq!(over, "65537 entries, limit 65536");
    // At the limit the count passes and the first entry is read.
    assert_eq!(at_limit, "entries/0: must be an object");
}

#[test]
fn a_proof_longer_than_64_hashes_is_malformed() {
    assert_eq!(MAX_PROOF_HASHES, 64);
    let bytes = demo_bundle();
    let hashes = |n: usize| serde_json::json!(vec!["00".repeat(32); n]);

    let over = malformed_reason(&edited(&bytes, |j| {
        j["entries"][1]["proof"] = hashes(65);
    }));
    let at_limit = bundle_error(&edited(&bytes, |j| {
        j["entries"][1]["proof"] = hashes(64);
    }));

    assert_eq!(over, "entries/1: proof of 65 hashes, limit 64");
    // 64 hashes are read, and the proof then fails to verify.
    assert_eq!(at_limit, (Some(2), "proof (too_many_hashes)".to_owned()));
}

// ---- 7.3 step 2: a signed checkpoint (the signed note of 5.6) ----

const DEMO_BODY: &str = "tcps.example/demo\n7\nOfRqGr8vjrCzI5DyTA0mL8XRouYuOOovkpKjbUvoM4I=\n";
const PUBLIC_KEY: &str = "03a107bff3ce10be1d70dd18e74bc09967e4d6309ba50d5f1ddc8664125531b8";
const SIGNATURE: &str = "db76d2db6dae32c02ceab712d466e3a0865ff592a1b6d014c1d4f81b910180a1\
                         f3aeb859f951e16097b0f9167941808e3d144ae3f9aab331b301e4eb2bc4900c";
const SIGNATURE_BASE64: &str = "LsIUNtt20tttrjLALOq3EtRm46CGX/WSobbQFMHU+BuRAYCh8664WflR4WCXsPkWeUGAjj0U\
                                SuP5qrMxswHk6yvEkAw=";

fn signed_note() -> String {
    format!("{DEMO_BODY}\n\u{2014} tcps.example/demo {SIGNATURE_BASE64}\n")
}

/// A host that knows the Ed25519 key of 5.6. tcps has no Ed25519 code
/// and this crate no Ed25519 dependency, so the host accepts the
/// signature the spec publishes for the body of 5.1 (made with two
/// independent implementations) and nothing else: any other body or
/// signature under this key is invalid.
struct DemoKeyHost;

impl NoteVerifier for DemoKeyHost {
    fn check(&self, key_name: &str, key_id: u32, body: &[u8], signature: &[u8]) -> SignatureCheck {
        let public_key: [u8; 32] = hex::decode(PUBLIC_KEY).unwrap().try_into().unwrap();
        if key_name != "tcps.example/demo" || key_id != ed25519_key_id(key_name, &public_key) {
            SignatureCheck::UnknownKey
        } else if body == DEMO_BODY.as_bytes() && signature == hex::decode(SIGNATURE).unwrap() {
            SignatureCheck::Valid
        } else {
            SignatureCheck::Invalid
        }
    }
}

fn signed_bundle() -> Vec<u8> {
    let (_dir, journal) = demo_file();
    let note = signed_note();
    assert_eq!(note.len(), 181);

    let bundle = journal
        .proof_bundle("SKU-000001", None, Some(note.as_bytes()))
        .unwrap();

    assert_eq!(bundle.checkpoint, note);
    bundle.to_bytes()
}

#[test]
fn a_signed_checkpoint_passes_with_a_host_that_knows_the_key() {
    let bytes = signed_bundle();
    let options = BundleOptions {
        verifier: Some(&DemoKeyHost),
        ..BundleOptions::default()
    };

    let report = verify_bundle(&bytes, &options).unwrap();
    let unsigned = verify_bundle(&demo_bundle(), &BundleOptions::default()).unwrap();

    assert_eq!(report, unsigned);
    assert_eq!(report.entries, [0, 2, 3, 4, 5]);
}

#[test]
fn a_signed_checkpoint_fails_with_a_host_that_does_not_know_the_key() {
    let bytes = signed_bundle();
    let options = BundleOptions {
        verifier: Some(&NobodyKnown),
        ..BundleOptions::default()
    };

    let err = verify_bundle(&bytes, &options).unwrap_err();

    assert_eq!(
        err,
        Error::BundleInvalid {
            seq: None,
            reason: "checkpoint_signature (no known key)".into()
        }
    );
}

#[test]
fn a_signed_checkpoint_with_a_changed_signature_fails_with_the_host_that_knows_the_key() {
    let text = String::from_utf8(signed_bundle()).unwrap();
    // The last base64 group before the padding: one bit of the last
    // signature bytes.
    let tampered = text.replacen("kAw=", "kAg=", 1);
    assert_ne!(tampered, text);
    let options = BundleOptions {
        verifier: Some(&DemoKeyHost),
        ..BundleOptions::default()
    };

    let err = verify_bundle(tampered.as_bytes(), &options).unwrap_err();

    assert_eq!(
        err,
        Error::BundleInvalid {
            seq: None,
            reason: "checkpoint_signature (bad signature of tcps.example/demo (key id 2ec21436))"
                .into()
        }
    );
}
