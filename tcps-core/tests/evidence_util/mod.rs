//! Shared helpers for the evidence and journal tests: the demo log of
//! evidence-log.md 2.5 (D0 to D6) as receipts and as a journal file.
#![allow(dead_code)]

use serde_json::Value as Json;
use tcps_core::Digest;
use tcps_core::receipt::Receipt;
use tcps_core::value::{self, Value};

/// The conformance vectors of `tests/conformance/receipts.json`.
pub fn vectors() -> Vec<Json> {
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

/// The canonical text of one vector.
pub fn canonical(name: &str) -> String {
    vectors()
        .into_iter()
        .find(|v| v["name"] == name)
        .and_then(|v| v["canonical"].as_str().map(str::to_owned))
        .expect("vector exists")
}

/// Seals a receipt from its members.
pub fn seal(
    seq: u64,
    at: i64,
    kind: &str,
    subject: &str,
    body: Value,
    more: u64,
    prev: Digest,
) -> Receipt {
    Receipt::seal(seq, at, kind, subject, body, more, prev).expect("a valid receipt")
}

/// Rebuilds a receipt from the canonical text of a vector.
pub fn rebuild(text: &str) -> Receipt {
    let v = value::parse(text.as_bytes()).expect("vector parses");
    let get = |name: &str| v.get(name).cloned().expect("member present");
    seal(
        get("seq").as_i64().unwrap() as u64,
        get("at").as_i64().unwrap(),
        get("kind").as_str().unwrap(),
        get("subject").as_str().unwrap(),
        get("body"),
        get("more").as_i64().unwrap() as u64,
        Digest::from_hex(get("prev").as_str().unwrap()).unwrap(),
    )
}

/// D0 to D6.
pub fn demo() -> Vec<Receipt> {
    ["D0", "D1", "D2", "D3", "D4", "D5", "D6"]
        .iter()
        .map(|name| rebuild(&canonical(name)))
        .collect()
}

/// Journal lines of receipts, each with its line feed.
pub fn lines(receipts: &[Receipt]) -> Vec<Vec<u8>> {
    receipts
        .iter()
        .map(|r| {
            let mut out = Vec::new();
            r.write_line(&mut out);
            out
        })
        .collect()
}

/// The demo journal of 6.1: 2667 bytes.
pub fn demo_journal() -> Vec<u8> {
    lines(&demo()).concat()
}

/// Re-seals `receipts` from position `from` on, so that `seq`, `prev`
/// and `hash` are consistent again (the forger's rewrite).
pub fn rechain(receipts: &mut [Receipt], from: usize) {
    for i in from..receipts.len() {
        let prev = if i == 0 {
            Digest::ZERO
        } else {
            receipts[i - 1].hash
        };
        let r = &receipts[i];
        receipts[i] = seal(
            i as u64,
            r.at,
            &r.kind.clone(),
            &r.subject.clone(),
            r.body.clone(),
            r.more,
            prev,
        );
    }
}

/// A fresh temporary directory and a journal path inside it.
pub fn temp_journal() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("line.jsonl");
    (dir, path)
}

/// Full hash from hex.
pub fn d(hex: &str) -> Digest {
    Digest::from_hex(hex).expect("valid hex")
}
