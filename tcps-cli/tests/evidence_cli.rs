//! The evidence commands of `tcps` end to end, and the checkpoint it
//! prints checked against an independent RFC 8785 + RFC 9162 reader
//! written in Python with the standard library only
//! (`tests/evidence_independent.py`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tcps_core::journal::{Journal, JournalFile, JournalOptions};
use tcps_core::receipt::Receipt;
use tcps_core::value::{self, Value};
use tcps_core::{Config, Digest};

const T0: i64 = 1_769_421_600_000;

fn tcps(journal: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tcps"))
        .arg("--journal")
        .arg(journal)
        .args(args)
        .output()
        .expect("tcps runs")
}

fn independent(journal: &Path, size: Option<u64>) -> Output {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/evidence_independent.py"
    );
    let mut cmd = Command::new("python3");
    cmd.arg(script).arg(journal);
    if let Some(size) = size {
        cmd.arg(size.to_string());
    }
    cmd.output().expect("python3 runs the independent reader")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The conformance vectors of evidence-log.md 2.5 as (name, canonical).
fn vectors() -> Vec<(String, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/conformance/receipts.json"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["name"].as_str().unwrap().to_owned(),
                v["canonical"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn parsed(text: &str) -> Value {
    value::parse(text.as_bytes()).unwrap()
}

/// The demo journal D0 to D6.
fn demo_journal(dir: &Path) -> PathBuf {
    let path = dir.join("demo.jsonl");
    let mut bytes = Vec::new();
    let mut prev = Digest::ZERO;
    for (_, text) in vectors().into_iter().take(7) {
        let v = parsed(&text);
        let r = Receipt::seal(
            v.get("seq").unwrap().as_i64().unwrap() as u64,
            v.get("at").unwrap().as_i64().unwrap(),
            v.get("kind").unwrap().as_str().unwrap(),
            v.get("subject").unwrap().as_str().unwrap(),
            v.get("body").unwrap().clone(),
            v.get("more").unwrap().as_i64().unwrap() as u64,
            prev,
        )
        .unwrap();
        prev = r.hash;
        r.write_line(&mut bytes);
    }
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A journal of a real line: the standard configuration and changes.
fn line_journal(dir: &Path) -> PathBuf {
    let path = dir.join("line.jsonl");
    let mut journal =
        Journal::create(&path, Config::standard(), T0, &JournalOptions::default()).unwrap();
    for i in 0..20 {
        journal
            .change_config(Config::standard(), &format!("change \u{1F600} {i}"), T0 + i)
            .unwrap();
    }
    journal.close().unwrap();
    path
}

/// The demo's D0 followed by receipts with the bodies of C0 to C4:
/// escapes, astral and private-use member names, the range ends.
fn odd_strings_journal(dir: &Path) -> PathBuf {
    let demo = demo_journal(dir);
    let path = dir.join("odd.jsonl");
    let first = std::fs::read(&demo).unwrap();
    let end = first.iter().position(|&b| b == b'\n').unwrap() + 1;
    std::fs::write(&path, &first[..end]).unwrap();
    let mut journal = JournalFile::open(&path).unwrap();
    let mut prev = journal.report().last_hash;
    for (i, (_, text)) in vectors().into_iter().skip(7).enumerate() {
        let body = parsed(&text).get("body").unwrap().clone();
        let r = Receipt::seal(1 + i as u64, T0, "conformance.odd", "line", body, 0, prev).unwrap();
        prev = r.hash;
        journal.append(&[r]).unwrap();
    }
    path
}

#[test]
fn the_printed_checkpoint_equals_an_independent_rfc_8785_and_rfc_9162_reader() {
    let dir = tempfile::tempdir().unwrap();

    for journal in [
        demo_journal(dir.path()),
        line_journal(dir.path()),
        odd_strings_journal(dir.path()),
    ] {
        let ours = tcps(&journal, &["checkpoint"]);
        let theirs = independent(&journal, None);

        assert!(ours.status.success(), "{}", stderr(&ours));
        assert!(theirs.status.success(), "{}", stdout(&theirs));
        assert_eq!(stdout(&ours), stdout(&theirs), "{}", journal.display());
    }
}

#[test]
fn checkpoints_of_every_size_agree_with_the_independent_reader() {
    let dir = tempfile::tempdir().unwrap();
    let journal = line_journal(dir.path());

    for size in 1..=21u64 {
        let ours = tcps(&journal, &["checkpoint", "--size", &size.to_string()]);
        let theirs = independent(&journal, Some(size));

        assert_eq!(stdout(&ours), stdout(&theirs), "size {size}");
    }
}

#[test]
fn the_demo_checkpoint_is_the_body_of_5_1() {
    let dir = tempfile::tempdir().unwrap();
    let journal = demo_journal(dir.path());

    let out = tcps(&journal, &["checkpoint"]);

    assert_eq!(
        stdout(&out),
        "tcps.example/demo\n7\nOfRqGr8vjrCzI5DyTA0mL8XRouYuOOovkpKjbUvoM4I=\n"
    );
}

#[test]
fn verify_exits_0_on_a_good_journal_and_1_naming_the_first_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = demo_journal(dir.path());
    let bad = dir.path().join("bad.jsonl");
    let text = std::fs::read_to_string(&good).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let damaged = lines[2].replace("compilation", "compilatiom");
    lines[2] = &damaged;
    std::fs::write(&bad, lines.join("\n") + "\n").unwrap();

    let ok = tcps(&good, &["verify"]);
    let failed = tcps(&bad, &["verify"]);

    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert_eq!(failed.status.code(), Some(1));
    let message = stderr(&failed);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.contains("line 3"), "{message}");
    assert!(message.contains("hash_mismatch"), "{message}");
}

#[test]
fn verify_reads_a_json_array_of_receipts() {
    let dir = tempfile::tempdir().unwrap();
    let journal = demo_journal(dir.path());
    let array = dir.path().join("receipts.json");
    let text = std::fs::read_to_string(&journal).unwrap();
    std::fs::write(&array, format!("[{}]", text.trim_end().replace('\n', ","))).unwrap();

    let out = tcps(&journal, &["verify", "--receipts", array.to_str().unwrap()]);

    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "ok: 7 receipts verify\n");
}

#[test]
fn prove_writes_the_bundle_that_verify_bundle_accepts_alone() {
    let dir = tempfile::tempdir().unwrap();
    let journal = demo_journal(dir.path());
    let bundle = dir.path().join("bundle.json");

    let proved = tcps(&journal, &["prove", "SKU-000001"]);
    std::fs::write(&bundle, &proved.stdout).unwrap();
    std::fs::remove_file(&journal).unwrap();
    let checked = tcps(&journal, &["verify-bundle", bundle.to_str().unwrap()]);

    assert!(proved.status.success(), "{}", stderr(&proved));
    assert_eq!(
        Digest::of(&proved.stdout).to_hex(),
        "7787e9bd30f1877843cb8a3ac84d0d907bcc7676947ac6e4b175f9b8daa3f0ca"
    );
    assert!(checked.status.success(), "{}", stderr(&checked));
}

#[test]
fn verify_bundle_exits_non_zero_naming_what_failed() {
    let dir = tempfile::tempdir().unwrap();
    let journal = demo_journal(dir.path());
    let proved = tcps(&journal, &["prove", "SKU-000001"]);
    let tampered =
        String::from_utf8(proved.stdout)
            .unwrap()
            .replacen("\"warnings\":2", "\"warnings\":0", 1);
    let bundle = dir.path().join("bundle.json");
    std::fs::write(&bundle, tampered).unwrap();

    let out = tcps(&journal, &["verify-bundle", bundle.to_str().unwrap()]);

    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("seq 3: hash_mismatch"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_second_process_cannot_write_while_a_journal_holds_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("held.jsonl");
    let journal =
        Journal::create(&path, Config::standard(), T0, &JournalOptions::default()).unwrap();

    let locked = tcps(&path, &["truncate", "--from-line", "2"]);
    let read = tcps(&path, &["verify"]);
    drop(journal);
    let after = tcps(&path, &["truncate", "--from-line", "2"]);

    assert_eq!(locked.status.code(), Some(1));
    assert_eq!(
        stderr(&locked).trim_end(),
        format!(
            "tcps: error: journal is locked by another handle: {} [journal_locked]",
            path.display()
        )
    );
    assert!(read.status.success(), "{}", stderr(&read));
    assert!(after.status.success(), "{}", stderr(&after));
}

/// The demo receipts as a JSON array, D3 with `"v":2` and its hash
/// recomputed over the changed canonical bytes (example 19).
fn array_with_d3_of_version_2(dir: &Path) -> PathBuf {
    let journal = demo_journal(dir);
    let text = std::fs::read_to_string(&journal).unwrap();
    let mut items: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let d3 = items[3].as_object_mut().unwrap();
    d3.insert("v".into(), 2.into());
    d3.remove("hash");
    let canonical = parsed(&serde_json::to_string(&d3).unwrap()).to_canonical();
    let rehashed = tcps_core::receipt::leaf_hash(&canonical).to_hex();
    assert_ne!(
        rehashed,
        "96f29ce5f2a04299836643cc1007df297c665e5b6a452a8c76271e26066b1449"
    );
    d3.insert("hash".into(), rehashed.into());

    let array = dir.join("receipts-v2.json");
    std::fs::write(&array, serde_json::to_vec(&items).unwrap()).unwrap();
    array
}

#[test]
fn example_19_verify_receipts_names_the_malformed_receipt_and_its_member() {
    let dir = tempfile::tempdir().unwrap();
    let array = array_with_d3_of_version_2(dir.path());

    let out = tcps(
        &dir.path().join("unused.jsonl"),
        &["verify", "--receipts", array.to_str().unwrap()],
    );

    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    let message = stderr(&out);
    assert_eq!(
        message,
        "tcps: error: chain broken at seq 3: malformed, expected a valid receipt, \
         found invalid receipt: `v` must be 1 [chain_broken]\n"
    );
}

#[test]
fn verify_receipts_refuses_text_that_is_not_an_array_of_receipts() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("unused.jsonl");
    let cases = [
        (
            "truncated.json",
            "[{\"v\":1,",
            "tcps: error: invalid receipt: ",
        ),
        (
            "object.json",
            "{}",
            "tcps: error: invalid argument `receipts`",
        ),
        (
            "element.json",
            "[1]",
            "tcps: error: chain broken at seq 0: malformed",
        ),
    ];

    for (name, content, start) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, content).unwrap();

        let out = tcps(&journal, &["verify", "--receipts", file.to_str().unwrap()]);

        let message = stderr(&out);
        assert_ne!(out.status.code(), Some(0), "{name}");
        assert!(message.starts_with(start), "{name}: {message}");
        assert_eq!(message.lines().count(), 1, "{name}: {message}");
        if name == "truncated.json" {
            assert!(message.contains("at byte 8"), "{message}");
        }
    }
}
