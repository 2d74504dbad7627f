//! Chain verification (evidence-log.md 3.2) and every tampering case of
//! 3.3, as the worked examples 9 to 21 of section 9 state them.

mod evidence_util;

use evidence_util::{d, demo, lines, rechain, seal, temp_journal};
use tcps_core::chain::{verify_chain, verify_receipts_json};
use tcps_core::checkpoint::Checkpoint;
use tcps_core::error::ChainFailureKind;
use tcps_core::journal::JournalFile;
use tcps_core::merkle::{MerkleTree, verify_consistency};
use tcps_core::receipt::{Receipt, leaf_hash};
use tcps_core::{Digest, Error, obj};

const D1_HASH: &str = "2c78201fbb74e25a2c7ea8eb8e93a60ee7ee0431440db3f70cbb6f64a6bbcc89";
const D2_HASH: &str = "44210d349746e78953bbed2a871bd1c3503255ed4bbaa2016808ac1875fb2d3f";
const D3_HASH: &str = "96f29ce5f2a04299836643cc1007df297c665e5b6a452a8c76271e26066b1449";
const D3_EDITED: &str = "3ebed07a297f116f405ddb7cb4ca07f67c712a7b3f10413eb5c38cddb0e0aca8";
const ROOT_3: &str = "6cffe568fe2bc5a4ff04a060c7d63345841b39398b135db0261f885fe0063ebd";
const ROOT_4: &str = "c0fb6f4cf22bc91a73c497784e3ea75d24101b908ace3ce588de83f4288eca45";
const ROOT_7: &str = "39f46a1abf2f8eb0b32390f24c0d262fc5d1a2e62e38ea2f9292a36d4be83382";
const ORIGIN: &str = "tcps.example/demo";

fn broken(result: Result<(), Error>) -> (u64, ChainFailureKind, String, String) {
    match result {
        Err(Error::ChainBroken {
            seq,
            kind,
            expected,
            found,
        }) => (seq, kind, expected, found),
        other => panic!("expected chain_broken, got {other:?}"),
    }
}

/// D3 with `warnings` 0 and its `hash` kept.
fn edit_d3(log: &mut [Receipt]) {
    log[3].body = obj! { "errors" => 0i64, "gate" => "compilation", "warnings" => 0i64 };
}

fn tree(log: &[Receipt]) -> MerkleTree {
    log.iter().map(|r| r.hash).collect()
}

fn checkpoint(size: u64, root: &str) -> Checkpoint {
    Checkpoint::new(ORIGIN, size, d(root)).unwrap()
}

#[test]
fn the_demo_log_verifies() {
    verify_chain(&demo()).unwrap();
}

#[test]
fn an_empty_log_is_malformed_at_seq_0() {
    let (seq, kind, _, _) = broken(verify_chain(&[]));

    assert_eq!((seq, kind), (0, ChainFailureKind::Malformed));
}

#[test]
fn a_log_that_does_not_start_with_line_opened_is_malformed() {
    let log = demo();

    let (seq, kind, _, _) = broken(verify_chain(&log[1..]));

    assert_eq!((seq, kind), (0, ChainFailureKind::Malformed));
}

#[test]
fn a_second_line_opened_is_malformed() {
    let mut log = demo();
    let d0 = log[0].clone();
    log[3] = seal(3, log[3].at, "line.opened", "line", d0.body, 0, log[2].hash);
    rechain(&mut log, 3);

    let (seq, kind, _, _) = broken(verify_chain(&log));

    assert_eq!((seq, kind), (3, ChainFailureKind::Malformed));
}

#[test]
fn example_9_an_edit_without_rehash_is_a_hash_mismatch() {
    let mut log = demo();
    edit_d3(&mut log);

    let failure = broken(verify_chain(&log));

    assert_eq!(
        failure,
        (
            3,
            ChainFailureKind::HashMismatch,
            D3_EDITED.to_owned(),
            D3_HASH.to_owned()
        )
    );
}

#[test]
fn example_10_an_edit_with_rehash_breaks_the_next_link() {
    let mut log = demo();
    edit_d3(&mut log);
    log[3].hash = log[3].leaf_hash();
    assert_eq!(log[3].hash, d(D3_EDITED));

    let failure = broken(verify_chain(&log));

    assert_eq!(
        failure,
        (
            4,
            ChainFailureKind::BrokenLink,
            D3_EDITED.to_owned(),
            D3_HASH.to_owned()
        )
    );
}

#[test]
fn an_edit_with_rehash_of_the_last_receipt_is_seen_only_by_a_checkpoint() {
    let mut log = demo();
    log[6].body = obj! { "config" => log[6].field("config").cloned(), "reason" => "" };
    log[6].hash = log[6].leaf_hash();

    verify_chain(&log).unwrap();
    let err = checkpoint(7, ROOT_7)
        .check_against(&tree(&log), ORIGIN)
        .unwrap_err();

    assert!(
        matches!(err, Error::CheckpointMismatch { ref reason, .. } if reason == "root_differs")
    );
}

#[test]
fn example_11_a_deleted_receipt_is_a_seq_gap() {
    let mut log = demo();
    log.remove(2);

    let failure = broken(verify_chain(&log));

    assert_eq!(
        failure,
        (2, ChainFailureKind::SeqGap, "2".into(), "3".into())
    );
}

#[test]
fn example_12_delete_and_renumber_breaks_the_link_at_the_gap() {
    let mut log = demo();
    log.remove(2);
    for (i, r) in log.iter_mut().enumerate().skip(2) {
        *r = seal(
            i as u64,
            r.at,
            &r.kind.clone(),
            &r.subject.clone(),
            r.body.clone(),
            r.more,
            r.prev,
        );
    }

    let failure = broken(verify_chain(&log));

    assert_eq!(
        failure,
        (
            2,
            ChainFailureKind::BrokenLink,
            D1_HASH.into(),
            D2_HASH.into()
        )
    );
}

#[test]
fn example_13_an_inserted_forgery_passes_and_the_next_receipt_shows_the_gap() {
    let mut log = demo();
    let forged = seal(
        3,
        1_769_421_780_000,
        "gate.passed",
        "SKU-000001",
        obj! {
            "coverage_bp" => 9100i64,
            "failed" => 0i64,
            "gate" => "test_execution",
            "min_coverage_bp" => 8000i64,
            "tests" => 120i64,
        },
        0,
        d(D2_HASH),
    );
    assert_eq!(
        forged.hash,
        d("9492ba56675b4e29fc93093abc0c33a7e705025a6061b3864eafb4220c6b3846")
    );
    log.insert(3, forged);

    let failure = broken(verify_chain(&log));

    assert_eq!(
        failure,
        (4, ChainFailureKind::SeqGap, "4".into(), "3".into())
    );
}

#[test]
fn an_inserted_receipt_with_a_wrong_seq_is_a_gap_at_its_position() {
    let mut log = demo();
    let mut copy = log[5].clone();
    copy.seq = 9;
    copy.hash = copy.leaf_hash();
    log.insert(3, copy);

    let failure = broken(verify_chain(&log));

    assert_eq!(
        failure,
        (3, ChainFailureKind::SeqGap, "3".into(), "9".into())
    );
}

#[test]
fn example_14_reordered_receipts_are_a_gap_at_the_first_change() {
    let mut log = demo();
    log.swap(2, 3);

    let failure = broken(verify_chain(&log));

    assert_eq!(
        failure,
        (2, ChainFailureKind::SeqGap, "2".into(), "3".into())
    );
}

#[test]
fn example_15_a_cut_inside_an_operation_is_operation_broken() {
    let log = demo();

    let (seq, kind, _, _) = broken(verify_chain(&log[..5]));

    assert_eq!((seq, kind), (4, ChainFailureKind::OperationBroken));
}

#[test]
fn example_16_a_cut_between_operations_is_seen_only_by_a_larger_checkpoint() {
    let log = demo();

    verify_chain(&log[..4]).unwrap();
    let err = checkpoint(7, ROOT_7)
        .check_against(&tree(&log[..4]), ORIGIN)
        .unwrap_err();

    assert_eq!(
        err,
        Error::CheckpointMismatch {
            reason: "size_beyond_log".into(),
            detail: "checkpoint size 7, log size 4".into()
        }
    );
}

#[test]
fn example_17_moving_time_back_is_a_time_reversal() {
    let mut log = demo();
    log[3].at = 1_769_421_719_999;
    rechain(&mut log, 3);

    let failure = broken(verify_chain(&log));

    assert_eq!(
        failure,
        (
            3,
            ChainFailureKind::TimeReversal,
            "1769421720000".into(),
            "1769421719999".into()
        )
    );
}

#[test]
fn example_18_an_operation_pulled_apart_is_operation_broken() {
    let mut log = demo();
    log[5].at = 1_769_423_401_000;
    rechain(&mut log, 5);

    let (seq, kind, _, _) = broken(verify_chain(&log));

    assert_eq!((seq, kind), (5, ChainFailureKind::OperationBroken));
}

#[test]
fn an_operation_whose_countdown_skips_is_operation_broken() {
    let mut log = demo();
    log[5].more = 1;
    rechain(&mut log, 5);

    let (seq, kind, expected, found) = broken(verify_chain(&log));

    assert_eq!((seq, kind), (5, ChainFailureKind::OperationBroken));
    assert_eq!(
        (expected.as_str(), found.as_str()),
        ("more 0 at 1769423400000", "more 1 at 1769423400000")
    );
}

/// D3's journal line with `"v":2` and the hash of those bytes.
fn d3_version_2() -> Vec<u8> {
    let d3 = &demo()[3];
    let canonical = String::from_utf8(d3.canonical_bytes())
        .unwrap()
        .replace("\"v\":1}", "\"v\":2}");
    let hash = leaf_hash(canonical.as_bytes());
    let line = String::from_utf8(lines(std::slice::from_ref(d3)).concat())
        .unwrap()
        .replace("\"v\":1}", "\"v\":2}")
        .replace(D3_HASH, &hash.to_hex());
    line.into_bytes()
}

#[test]
fn example_19_a_malformed_receipt_in_a_journal_is_journal_corrupt() {
    let (_dir, path) = temp_journal();
    let all = lines(&demo());
    let mut bytes = all[..3].concat();
    bytes.extend_from_slice(&d3_version_2());
    bytes.extend_from_slice(&all[4..].concat());
    std::fs::write(&path, &bytes).unwrap();

    let err = JournalFile::open(&path).unwrap_err();

    match err {
        Error::JournalCorrupt {
            line,
            reason,
            detail,
            ..
        } => {
            assert_eq!((line, reason.as_str()), (4, "invalid_receipt"));
            assert!(detail.contains("`v`"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn example_19_a_malformed_receipt_in_a_json_array_is_chain_broken() {
    let all = lines(&demo());
    let mut items: Vec<Vec<u8>> = all.iter().map(|l| l[..l.len() - 1].to_vec()).collect();
    let mut d3 = d3_version_2();
    d3.pop();
    items[3] = d3;
    let array = [b"[".to_vec(), items.join(&b","[..]), b"]".to_vec()].concat();

    let (seq, kind, expected, found) = broken(verify_receipts_json(&array).map(|_| ()));

    assert_eq!((seq, kind), (3, ChainFailureKind::Malformed));
    assert!(
        expected.contains("`v`") || found.contains("`v`"),
        "{expected} / {found}"
    );
}

#[test]
fn a_json_array_of_the_demo_log_verifies() {
    let items: Vec<String> = demo().iter().map(Receipt::to_json_line).collect();
    let array = format!("[\n{}\n]", items.join(",\n"));

    assert_eq!(verify_receipts_json(array.as_bytes()), Ok(7));
}

/// The suffix swap of example 20.
fn swapped_suffix() -> Vec<Receipt> {
    let mut log = demo();
    edit_d3(&mut log);
    let (at4, at5) = (log[4].at, log[5].at);
    log[4] = seal(
        4,
        at4,
        "gate.passed",
        "SKU-000001",
        obj! {
            "coverage_bp" => 8450i64,
            "failed" => 0i64,
            "gate" => "test_execution",
            "min_coverage_bp" => 8000i64,
            "tests" => 120i64,
        },
        0,
        Digest::ZERO,
    );
    log[5] = seal(
        5,
        at5,
        "sku.stage_entered",
        "SKU-000001",
        obj! { "stage" => "publication" },
        0,
        Digest::ZERO,
    );
    rechain(&mut log, 3);
    log
}

#[test]
fn example_20_a_swapped_suffix_keeps_the_chain_but_not_the_checkpoints_above_it() {
    let log = swapped_suffix();
    let hashes: Vec<String> = log[3..]
        .iter()
        .map(|r| r.hash.to_hex()[..8].to_owned())
        .collect();
    let tree = tree(&log);

    verify_chain(&log).unwrap();
    let at_7 = checkpoint(7, ROOT_7)
        .check_against(&tree, ORIGIN)
        .unwrap_err();
    let at_4 = checkpoint(4, ROOT_4)
        .check_against(&tree, ORIGIN)
        .unwrap_err();

    assert_eq!(hashes, ["3ebed07a", "d9e1fb41", "bf4fea74", "926060c2"]);
    assert_eq!(
        tree.tree_head(7).unwrap(),
        d("c88e3390f37f7fa21bc08b0340a7b4d099e0866923b0b6442102145640d1afcb")
    );
    assert_eq!(
        tree.tree_head(4).unwrap(),
        d("4124a5dccd71d574a0e282a76bc4f93b0e121db3505f030ccb7347be24e5cf7e")
    );
    for err in [at_7, at_4] {
        assert!(
            matches!(err, Error::CheckpointMismatch { ref reason, .. } if reason == "root_differs"),
            "{err:?}"
        );
    }
    checkpoint(3, ROOT_3).check_against(&tree, ORIGIN).unwrap();
}

#[test]
fn example_21_no_consistency_proof_reaches_the_swapped_log() {
    let log = swapped_suffix();
    let tree = tree(&log);
    let new_root = tree.tree_head(7).unwrap();

    let proof = tree.consistency_proof(4, 7).unwrap();
    let err = verify_consistency(4, 7, &d(ROOT_4), &new_root, &proof).unwrap_err();

    assert_eq!(
        proof,
        [d(
            "320d653edc79de58cd7e00ddaae0c2179e592525928ecaf62f9d74f1ff43f805"
        )]
    );
    assert_eq!(
        err,
        Error::ProofInvalid {
            reason: "root_mismatch".into()
        }
    );
}

#[test]
fn each_tampering_case_is_also_named_when_read_from_a_journal() {
    let cases: Vec<(Vec<Receipt>, u64, &str)> = {
        let mut edited = demo();
        edit_d3(&mut edited);
        let mut rehashed = edited.clone();
        rehashed[3].hash = rehashed[3].leaf_hash();
        let mut deleted = demo();
        deleted.remove(2);
        let mut swapped = demo();
        swapped.swap(2, 3);
        let mut reversed = demo();
        reversed[3].at = 1_769_421_719_999;
        rechain(&mut reversed, 3);
        vec![
            (edited, 4, "hash_mismatch"),
            (rehashed, 5, "broken_link"),
            (deleted, 3, "seq_gap"),
            (swapped, 3, "seq_gap"),
            (reversed, 4, "time_reversal"),
        ]
    };

    for (log, line, kind) in cases {
        let (_dir, path) = temp_journal();
        std::fs::write(&path, lines(&log).concat()).unwrap();

        let err = JournalFile::open_read_only(&path).unwrap_err();

        match err {
            Error::JournalCorrupt {
                line: at, reason, ..
            } => assert_eq!((at, reason.as_str()), (line, kind)),
            other => panic!("{kind}: {other:?}"),
        }
    }
}
