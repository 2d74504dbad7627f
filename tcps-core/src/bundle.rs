//! Proof bundles (evidence-log.md 7): what the log says about one SKU,
//! checkable by someone who holds neither the journal nor tcps.
//!
//! A bundle is one JSON object: the SKU's receipts and the policy
//! receipts in force for them, each with its inclusion proof against
//! one checkpoint, and that checkpoint. [`verify_bundle`] needs the
//! file and nothing else.
//!
//! # Choices where the spec is silent
//!
//! - A bundle whose `entries` array is empty is `bundle_invalid` with
//!   reason `empty` (7.3 step 3 asks for a non-empty list).
//! - A proof element that is not a string of lowercase hex is
//!   `bundle_malformed`; hex of the wrong length reaches the proof
//!   check and fails there as `proof (bad_hash_length)`.
//! - An entry whose receipt has no usable `seq` is skipped by the order
//!   check of step 3 and refused as `malformed` in step 4.
//! - The reason of `bundle_invalid` starts with the name of 7.3
//!   (`hash_mismatch`, `proof`, ...); details follow in parentheses,
//!   e.g. `proof (root_mismatch, leads to 10f4...)`.
//! - With a signature verifier given, a note that no known key signed
//!   fails as `checkpoint_signature`, like one with a bad signature.
//! - After step 5 the checkpoint's origin must equal the `name` of the
//!   configuration in the `line.opened` entry (else `origin_mismatch`):
//!   every bundle tcps makes is for the line's own origin (7.1 checks a
//!   published checkpoint against it), and so no byte of the file can
//!   change without the verification failing.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::checkpoint::{Checkpoint, NoteVerifier, SignedCheckpoint, TreeHeads};
use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::merkle::{MerkleTree, inclusion_root, verify_inclusion};
use crate::receipt::Receipt;
use crate::value::{self, Map, Value};

/// The `format` member of every bundle.
pub const BUNDLE_FORMAT: &str = "tcps-proof-bundle";

/// The largest bundle file a reader accepts: 64 MiB.
pub const MAX_BUNDLE_BYTES: usize = 64 << 20;

/// The most entries a bundle may hold.
pub const MAX_ENTRIES: usize = 65_536;

/// The most hashes in one inclusion proof.
pub const MAX_PROOF_HASHES: usize = 64;

/// A proof bundle (7.2), as built by `proof_bundle`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofBundle {
    /// The SKU id.
    pub subject: String,
    /// The checkpoint text: a body (5.1) or a signed note.
    pub checkpoint: String,
    /// The receipts with their inclusion proofs, by `seq`.
    pub entries: Vec<BundleEntry>,
}

/// One receipt of a bundle with its inclusion proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleEntry {
    /// The complete receipt.
    pub receipt: Receipt,
    /// Its inclusion proof for leaf `seq` in the checkpoint's tree.
    pub proof: Vec<Digest>,
}

impl ProofBundle {
    /// The bundle file: RFC 8785 canonical JSON and one line feed, so
    /// equal bundles are equal files.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let entries = self
            .entries
            .iter()
            .map(|e| {
                let proof = e.proof.iter().map(|h| Value::String(h.to_hex())).collect();
                let mut map = Map::new();
                map.insert("proof".into(), Value::Array(proof));
                map.insert("receipt".into(), e.receipt.to_value());
                Value::Object(map)
            })
            .collect();
        let mut map = Map::new();
        map.insert("checkpoint".into(), Value::String(self.checkpoint.clone()));
        map.insert("entries".into(), Value::Array(entries));
        map.insert("format".into(), Value::String(BUNDLE_FORMAT.into()));
        map.insert("subject".into(), Value::String(self.subject.clone()));
        map.insert("v".into(), Value::Int(1));
        let mut out = Value::Object(map).to_canonical();
        out.push(b'\n');
        out
    }
}

/// Where a bundle's receipts and tree come from: a line or a journal
/// opened at the evidence layer.
pub(crate) trait EvidenceSource {
    /// The Merkle tree over the whole log.
    fn tree(&self) -> &MerkleTree;

    /// The line's name, the default origin.
    fn origin(&self) -> &str;

    /// Hands the receipts `from..to` to `visit`, in order.
    fn read_back(
        &self,
        from: u64,
        to: u64,
        visit: &mut dyn FnMut(Receipt) -> Result<()>,
    ) -> Result<()>;
}

/// Builds the bundle of `subject` (7.1).
///
/// With `checkpoint` (a text the caller published, perhaps signed) the
/// bundle is for that checkpoint's size; else for `size` (the whole log
/// when `None`) with the line's origin.
pub(crate) fn build(
    source: &dyn EvidenceSource,
    subject: &str,
    size: Option<u64>,
    checkpoint: Option<&[u8]>,
) -> Result<ProofBundle> {
    let tree = source.tree();
    let (size, text) = if let Some(text) = checkpoint {
        let note = SignedCheckpoint::parse(text)?;
        note.checkpoint.check_against(tree, source.origin())?;
        (note.checkpoint.size, note.to_note())
    } else {
        let size = size.unwrap_or(tree.len());
        let cp = Checkpoint::from_log(tree, size, source.origin())?;
        (size, cp.body())
    };
    if size == 0 || size > tree.len() {
        return Err(Error::SizeOutOfRange {
            asked: size,
            size: tree.len(),
        });
    }

    let mut own = Vec::new();
    let mut policy = Vec::new();
    source.read_back(0, size, &mut |r| {
        let expected = tree.leaf(r.seq);
        if expected != Some(r.hash) {
            return Err(Error::ChainBroken {
                seq: r.seq,
                kind: crate::error::ChainFailureKind::HashMismatch,
                expected: expected.unwrap_or_default().to_hex(),
                found: r.hash.to_hex(),
            });
        }
        if concerns(&r, subject) {
            own.push(r);
        } else if is_policy(&r) {
            policy.push(r);
        }
        Ok(())
    })?;
    let Some(last) = own.last().map(|r| r.seq) else {
        return Err(Error::NoReceiptsForSubject {
            subject: subject.to_owned(),
            size,
        });
    };

    // `line.opened` always; a configuration change only when it came
    // before one of the subject's receipts.
    policy.retain(|r| r.seq == 0 || r.seq < last);
    let mut receipts = own;
    receipts.append(&mut policy);
    receipts.sort_by_key(|r| r.seq);

    let entries = receipts
        .into_iter()
        .map(|receipt| {
            let proof = tree.inclusion_proof(receipt.seq, size)?;
            Ok(BundleEntry { receipt, proof })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(ProofBundle {
        subject: subject.to_owned(),
        checkpoint: text,
        entries,
    })
}

/// Whether `r` is about `subject`: its subject, or its body's `sku`.
fn concerns(r: &Receipt, subject: &str) -> bool {
    r.subject == subject || r.field("sku").and_then(Value::as_str) == Some(subject)
}

fn is_policy(r: &Receipt) -> bool {
    r.kind == "line.opened" || r.kind == "line.config_changed"
}

/// What the verifier may check beyond the file itself (7.3).
#[derive(Default, Clone)]
pub struct BundleOptions<'a> {
    /// The origin the checkpoint must name.
    pub origin: Option<String>,
    /// The SKU the bundle must be about.
    pub subject: Option<String>,
    /// The host's signature verifier; with one, the checkpoint must be
    /// a note signed by a key it knows.
    pub verifier: Option<&'a dyn NoteVerifier>,
}

impl fmt::Debug for BundleOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BundleOptions")
            .field("origin", &self.origin)
            .field("subject", &self.subject)
            .field("verifier", &self.verifier.is_some())
            .finish()
    }
}

/// What a bundle that verified says (7.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleReport {
    /// The SKU id.
    pub subject: String,
    /// The checkpoint's origin.
    pub origin: String,
    /// The checkpoint's tree size.
    pub size: u64,
    /// The checkpoint's root.
    pub root: Digest,
    /// `seq` of every entry, in order.
    pub entries: Vec<u64>,
    /// `at` of the first entry.
    pub first_at: i64,
    /// `at` of the last entry.
    pub last_at: i64,
    /// `seq` of each policy receipt (`line.opened`,
    /// `line.config_changed`).
    pub policy: Vec<u64>,
}

/// Verifies a bundle file with nothing else (7.3), stopping at the
/// first failure: `bundle_malformed`, `checkpoint_malformed`,
/// `invalid_origin`, `origin_mismatch` or `bundle_invalid`. Never
/// panics, whatever the bytes.
pub fn verify_bundle(bytes: &[u8], options: &BundleOptions<'_>) -> Result<BundleReport> {
    // Step 1: the file and its five members.
    let parsed = Parsed::read(bytes)?;

    // Step 2: the checkpoint.
    let note = SignedCheckpoint::parse(parsed.checkpoint.as_bytes())?;
    let cp = &note.checkpoint;
    if let Some(origin) = &options.origin
        && *origin != cp.origin
    {
        return Err(Error::OriginMismatch {
            expected: origin.clone(),
            found: cp.origin.clone(),
        });
    }
    if let Some(subject) = &options.subject
        && *subject != parsed.subject
    {
        return Err(invalid(None, format!("wrong_subject ({})", parsed.subject)));
    }
    if let Some(verifier) = options.verifier {
        let verdict = note.verify(verifier);
        if !verdict.is_verified() {
            return Err(invalid(None, format!("checkpoint_signature ({verdict})")));
        }
    }

    // Step 3: order.
    if parsed.entries.is_empty() {
        return Err(invalid(None, "empty".into()));
    }
    let mut last_seq: Option<i64> = None;
    for entry in &parsed.entries {
        let Some(seq) = entry.receipt.get("seq").and_then(Value::as_i64) else {
            continue;
        };
        if let Some(prev) = last_seq {
            if seq == prev {
                return Err(invalid(u64::try_from(seq).ok(), "duplicate_seq".into()));
            }
            if seq < prev {
                return Err(invalid(u64::try_from(seq).ok(), "unsorted".into()));
            }
        }
        last_seq = Some(seq);
    }

    // Step 4: each entry.
    let mut report = BundleReport {
        subject: parsed.subject.clone(),
        origin: cp.origin.clone(),
        size: cp.size,
        root: cp.root,
        entries: Vec::with_capacity(parsed.entries.len()),
        first_at: 0,
        last_at: 0,
        policy: Vec::new(),
    };
    let mut previous: Option<Receipt> = None;
    let mut genesis_name = None;
    for entry in parsed.entries {
        let seq_hint = entry.receipt.get("seq").and_then(Value::as_i64);
        let seq_hint = seq_hint.and_then(|s| u64::try_from(s).ok());
        let r = entry_receipt(entry.receipt, seq_hint)?;
        let seq = Some(r.seq);

        let leaf = r.leaf_hash();
        if leaf != r.hash {
            return Err(invalid(seq, "hash_mismatch".into()));
        }

        if let Err(e) = verify_inclusion(&r.hash, r.seq, cp.size, &entry.proof, &cp.root) {
            let reason = match e {
                Error::ProofInvalid { reason } => reason,
                other => other.to_string(),
            };
            let leads = (reason == "root_mismatch")
                .then(|| {
                    let digests: Vec<Digest> =
                        entry.proof.iter().filter_map(|p| digest_of(p)).collect();
                    inclusion_root(&r.hash, r.seq, cp.size, &digests).ok()
                })
                .flatten()
                .map(|root| format!(", leads to {root}"))
                .unwrap_or_default();
            return Err(invalid(seq, format!("proof ({reason}{leads})")));
        }

        if !(concerns(&r, &parsed.subject) || is_policy(&r)) {
            return Err(invalid(seq, "foreign_receipt".into()));
        }

        if let Some(p) = &previous {
            if p.seq + 1 == r.seq && r.prev != p.hash {
                return Err(invalid(seq, "broken_link".into()));
            }
            if r.at < p.at {
                return Err(invalid(seq, "time_reversal".into()));
            }
        } else {
            report.first_at = r.at;
        }
        report.last_at = r.at;
        if r.seq == 0 {
            let config = r.field("config");
            let name = config.and_then(|c| c.get("name")).and_then(Value::as_str);
            genesis_name = name.map(str::to_owned);
        }
        report.entries.push(r.seq);
        if is_policy(&r) {
            report.policy.push(r.seq);
        }
        previous = Some(r);
    }

    // Step 5: the genesis receipt.
    let genesis = report.entries.first() == Some(&0) && report.policy.first() == Some(&0);
    let Some(name) = genesis.then_some(genesis_name).flatten() else {
        return Err(invalid(None, "missing_genesis".into()));
    };
    if name != report.origin {
        return Err(Error::OriginMismatch {
            expected: name,
            found: report.origin,
        });
    }
    Ok(report)
}

fn invalid(seq: Option<u64>, reason: String) -> Error {
    Error::BundleInvalid { seq, reason }
}

fn malformed(reason: impl Into<String>) -> Error {
    Error::BundleMalformed {
        reason: reason.into(),
    }
}

fn digest_of(bytes: &[u8]) -> Option<Digest> {
    <[u8; 32]>::try_from(bytes).ok().map(Digest)
}

/// An entry's receipt as a valid receipt (7.3 step 4.1).
fn entry_receipt(value: Value, seq: Option<u64>) -> Result<Receipt> {
    let size = value.to_canonical().len();
    let checked = Receipt::from_value(value, size).and_then(|r| {
        r.body.validate(2)?;
        Ok(r)
    });
    checked.map_err(|e| invalid(seq, format!("malformed ({e})")))
}

/// A bundle read by 7.2, before verification.
struct Parsed {
    subject: String,
    checkpoint: String,
    entries: Vec<ParsedEntry>,
}

struct ParsedEntry {
    receipt: Value,
    /// Proof hashes as bytes; lengths are checked by the verifier.
    proof: Vec<Vec<u8>>,
}

impl Parsed {
    fn read(bytes: &[u8]) -> Result<Self> {
        if bytes.len() > MAX_BUNDLE_BYTES {
            return Err(malformed(format!(
                "file of {} bytes, limit {MAX_BUNDLE_BYTES}",
                bytes.len()
            )));
        }
        // Receipts sit at level 4 of a bundle: bundle, entries, entry.
        let limit = value::MAX_DEPTH + 3;
        let value = value::parse_with_depth(bytes, limit)
            .map_err(|f| malformed(f.into_error().to_string()))?;
        let Value::Object(mut map) = value else {
            return Err(malformed("the bundle must be a json object"));
        };
        for name in map.keys() {
            if !["checkpoint", "entries", "format", "subject", "v"].contains(&name.as_str()) {
                return Err(malformed(format!("member `{name}` is not a bundle member")));
            }
        }
        let mut string = |name: &str| match map.remove(name) {
            Some(Value::String(s)) => Ok(s),
            Some(_) => Err(malformed(format!("member `{name}` must be a string"))),
            None => Err(malformed(format!("member `{name}` is missing"))),
        };
        let format = string("format")?;
        let subject = string("subject")?;
        let checkpoint = string("checkpoint")?;
        if format != BUNDLE_FORMAT {
            return Err(malformed(format!("format must be `{BUNDLE_FORMAT}`")));
        }
        match map.remove("v") {
            Some(Value::Int(1)) => {}
            Some(_) => return Err(malformed("member `v` must be 1")),
            None => return Err(malformed("member `v` is missing")),
        }
        let entries = match map.remove("entries") {
            Some(Value::Array(items)) => items,
            Some(_) => return Err(malformed("member `entries` must be an array")),
            None => return Err(malformed("member `entries` is missing")),
        };
        if entries.len() > MAX_ENTRIES {
            return Err(malformed(format!(
                "{} entries, limit {MAX_ENTRIES}",
                entries.len()
            )));
        }
        let entries = entries
            .into_iter()
            .enumerate()
            .map(|(i, e)| ParsedEntry::read(i, e))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            subject,
            checkpoint,
            entries,
        })
    }
}

impl ParsedEntry {
    fn read(index: usize, entry: Value) -> Result<Self> {
        let at = |what: &str| malformed(format!("entries/{index}: {what}"));
        let Value::Object(mut map) = entry else {
            return Err(at("must be an object"));
        };
        if map.len() != 2 {
            return Err(at("must have exactly the members `receipt` and `proof`"));
        }
        let receipt = map
            .remove("receipt")
            .ok_or_else(|| at("member `receipt` is missing"))?;
        let Some(Value::Array(hashes)) = map.remove("proof") else {
            return Err(at("member `proof` must be an array"));
        };
        if hashes.len() > MAX_PROOF_HASHES {
            return Err(at(&format!(
                "proof of {} hashes, limit {MAX_PROOF_HASHES}",
                hashes.len()
            )));
        }
        let proof = hashes
            .iter()
            .map(|h| match h {
                Value::String(s) if is_lower_hex(s) => hex::decode(s).ok(),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| at("every proof hash must be a string of lowercase hex"))?;
        Ok(Self { receipt, proof })
    }
}

fn is_lower_hex(s: &str) -> bool {
    s.len().is_multiple_of(2) && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl TreeHeads for crate::line::Line {
    fn tree_size(&self) -> u64 {
        self.log.len()
    }

    fn tree_head(&self, size: u64) -> Result<Digest> {
        self.log.tree().tree_head(size)
    }
}
