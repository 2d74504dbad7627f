//! Checkpoints (evidence-log.md section 5).
//!
//! A checkpoint names a log (its *origin*), a tree size and the tree
//! head at that size, in the text form of the C2SP tlog-checkpoint
//! specification:
//!
//! ```text
//! tcps.example/demo
//! 7
//! OfRqGr8vjrCzI5DyTA0mL8XRouYuOOovkpKjbUvoM4I=
//! ```
//!
//! Whoever keeps a checkpoint can later check that the log still
//! holds what it held then ([`Checkpoint::check_against`]), and that a
//! newer checkpoint extends it ([`Checkpoint::check_consistency`]).
//!
//! tcps holds no keys and signs nothing. A host that publishes signed
//! checkpoints signs [`Checkpoint::body`] through its own
//! [`NoteSigner`] and checks signatures through its own
//! [`NoteVerifier`]; this module only writes and parses the C2SP
//! signed-note form around them ([`SignedCheckpoint`]).
//!
//! ```
//! use tcps_core::checkpoint::Checkpoint;
//! use tcps_core::merkle::MerkleTree;
//! use tcps_core::Digest;
//!
//! let tree: MerkleTree = (0u8..7).map(|i| Digest::of(&[0, i])).collect();
//! let published = Checkpoint::from_log(&tree, 7, "example.com/line-a")?;
//!
//! // Later, anyone holding the text checks the log against it.
//! let kept = Checkpoint::parse(published.body().as_bytes())?;
//! kept.check_against(&tree, "example.com/line-a")?;
//! # Ok::<(), tcps_core::Error>(())
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::digest::Digest;
use crate::error::{Error, Result};
use crate::merkle::{MerkleTree, ProofHash, verify_consistency};

/// The longest origin, in bytes (evidence-log.md 5.2).
pub const MAX_ORIGIN_BYTES: usize = 255;

/// The most extension lines a checkpoint may carry (5.1).
pub const MAX_EXTENSION_LINES: usize = 16;

/// The longest extension line, in bytes (5.1).
pub const MAX_EXTENSION_BYTES: usize = 1024;

/// The most signature lines a signed checkpoint may carry (5.4).
pub const MAX_SIGNATURE_LINES: usize = 64;

/// The largest tree size a checkpoint may name, 2^63-1 (5.4).
pub const MAX_TREE_SIZE: u64 = i64::MAX as u64;

/// The line that starts every signature line: an em dash and a space.
const SIGNATURE_PREFIX: &str = "\u{2014} ";

/// Checks an origin against evidence-log.md 5.2.
///
/// An origin is 1 to 255 bytes of UTF-8 with no character below
/// U+0021, no U+007F, no character with the Unicode `White_Space`
/// property and no `+`. The line configuration's `name` must pass the
/// same rules (evidence-log.md 1.4).
///
/// One addition, so that every valid origin can be parsed back from a
/// checkpoint (5.4 refuses every control character in the text): the
/// C1 controls U+0080 to U+009F are refused as well.
///
/// Fails with `invalid_origin`, naming the rule broken: `empty`,
/// `longer than 255 bytes`, `white space U+XXXX at byte N`,
/// `control character U+XXXX at byte N` or `plus sign at byte N`.
pub fn validate_origin(origin: &str) -> Result<()> {
    let refuse = |rule: String| Error::InvalidOrigin {
        origin: cut_to_bytes(origin, MAX_ORIGIN_BYTES),
        rule,
    };

    if origin.is_empty() {
        return Err(refuse("empty".to_owned()));
    }
    if origin.len() > MAX_ORIGIN_BYTES {
        return Err(refuse(format!("longer than {MAX_ORIGIN_BYTES} bytes")));
    }

    for (at, c) in origin.char_indices() {
        let code = u32::from(c);

        if c.is_whitespace() {
            return Err(refuse(format!("white space U+{code:04X} at byte {at}")));
        }
        if code < 0x21 || c.is_control() {
            return Err(refuse(format!(
                "control character U+{code:04X} at byte {at}"
            )));
        }
        if c == '+' {
            return Err(refuse(format!("plus sign at byte {at}")));
        }
    }

    Ok(())
}

/// The longest prefix of `text` of at most `max` bytes that ends on a
/// character boundary.
fn cut_to_bytes(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// The `checkpoint_malformed` error.
fn malformed(line: usize, rule: impl Into<String>) -> Error {
    Error::CheckpointMalformed {
        line: u32::try_from(line).unwrap_or(u32::MAX),
        rule: rule.into(),
    }
}

/// Checks one extension line, line `line` of the body (5.1).
fn check_extension(line: usize, text: &str) -> Result<()> {
    if text.is_empty() {
        return Err(malformed(line, "empty extension line"));
    }
    if text.len() > MAX_EXTENSION_BYTES {
        return Err(malformed(
            line,
            format!("extension line longer than {MAX_EXTENSION_BYTES} bytes"),
        ));
    }
    if let Some(c) = text.chars().find(|c| c.is_control()) {
        return Err(malformed(
            line,
            format!("control character U+{:04X} in extension line", u32::from(c)),
        ));
    }

    Ok(())
}

/// Checks a list of extension lines, the first being line 4.
fn check_extensions<S: AsRef<str>>(extensions: &[S]) -> Result<()> {
    if extensions.len() > MAX_EXTENSION_LINES {
        return Err(malformed(
            4 + MAX_EXTENSION_LINES,
            format!("more than {MAX_EXTENSION_LINES} extension lines"),
        ));
    }

    for (i, extension) in extensions.iter().enumerate() {
        check_extension(4 + i, extension.as_ref())?;
    }

    Ok(())
}

/// A view of a log that can give its tree heads: what
/// [`Checkpoint::check_against`] and [`Checkpoint::from_log`] need.
///
/// [`MerkleTree`] implements it; so can a `Line` or any host structure
/// that keeps tree heads.
pub trait TreeHeads {
    /// The number of leaves in the log.
    fn tree_size(&self) -> u64;

    /// The tree head for the first `size` leaves, `size` at most
    /// [`TreeHeads::tree_size`].
    fn tree_head(&self, size: u64) -> Result<Digest>;
}

impl TreeHeads for MerkleTree {
    fn tree_size(&self) -> u64 {
        self.len()
    }

    fn tree_head(&self, size: u64) -> Result<Digest> {
        MerkleTree::tree_head(self, size)
    }
}

/// A checkpoint: origin, tree size, tree head and optional extension
/// lines (evidence-log.md 5.1).
///
/// Values made by [`Checkpoint::new`], [`Checkpoint::from_log`],
/// [`Checkpoint::parse`] or deserialization are valid: the origin
/// passes 5.2 and the extension lines 5.1. The fields are public for
/// reading; a caller that changes them should call
/// [`Checkpoint::validate`] before writing the body.
///
/// The serde form is `{"origin", "size", "root", "extensions"}` with
/// the root in lowercase hex; the text form is [`Checkpoint::body`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "CheckpointFields")]
pub struct Checkpoint {
    /// The log's name (5.2).
    pub origin: String,
    /// The tree size, 0 to 2^63-1.
    pub size: u64,
    /// The tree head at `size`.
    pub root: Digest,
    /// Extension lines, at most 16, each non-empty, at most 1024 bytes
    /// and free of control characters.
    pub extensions: Vec<String>,
}

/// The unchecked serde form of [`Checkpoint`].
#[derive(Deserialize)]
struct CheckpointFields {
    origin: String,
    size: u64,
    root: Digest,
    #[serde(default)]
    extensions: Vec<String>,
}

impl TryFrom<CheckpointFields> for Checkpoint {
    type Error = Error;

    fn try_from(fields: CheckpointFields) -> Result<Self> {
        let checkpoint = Self {
            origin: fields.origin,
            size: fields.size,
            root: fields.root,
            extensions: fields.extensions,
        };
        checkpoint.validate()?;

        Ok(checkpoint)
    }
}

impl Checkpoint {
    /// A checkpoint without extension lines.
    ///
    /// Fails with `invalid_origin` (5.2), or `checkpoint_malformed` at
    /// line 2 when `size` is above 2^63-1.
    pub fn new(origin: impl Into<String>, size: u64, root: Digest) -> Result<Self> {
        let checkpoint = Self {
            origin: origin.into(),
            size,
            root,
            extensions: Vec::new(),
        };
        checkpoint.validate()?;

        Ok(checkpoint)
    }

    /// The checkpoint of `log` at `size` under `origin`
    /// (evidence-log.md 5.3, `Line::checkpoint`).
    ///
    /// Checks, in this order: `size` is 1 to the log's size
    /// (`size_out_of_range`: tcps never certifies the empty tree),
    /// then the origin (`invalid_origin`). Add extension lines with
    /// [`Checkpoint::with_extensions`].
    pub fn from_log<L: TreeHeads + ?Sized>(log: &L, size: u64, origin: &str) -> Result<Self> {
        let log_size = log.tree_size();
        if size == 0 || size > log_size {
            return Err(Error::SizeOutOfRange {
                asked: size,
                size: log_size,
            });
        }

        validate_origin(origin)?;
        let root = log.tree_head(size)?;

        Self::new(origin, size, root)
    }

    /// The same checkpoint with these extension lines.
    ///
    /// Fails with `checkpoint_malformed` naming the body line (4 for
    /// the first extension) of the first line that breaks 5.1.
    pub fn with_extensions(mut self, extensions: Vec<String>) -> Result<Self> {
        check_extensions(&extensions)?;
        self.extensions = extensions;

        Ok(self)
    }

    /// Checks the fields: origin by 5.2, size at most 2^63-1,
    /// extension lines by 5.1.
    pub fn validate(&self) -> Result<()> {
        validate_origin(&self.origin)?;

        if self.size > MAX_TREE_SIZE {
            return Err(malformed(2, "tree size above 2^63-1"));
        }

        check_extensions(&self.extensions)
    }

    /// The exact body of evidence-log.md 5.1: origin, size in decimal,
    /// root in standard padded base64 and each extension line, every
    /// line ended by one line feed. These are the bytes a host signs.
    #[must_use]
    pub fn body(&self) -> String {
        let mut body = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            BASE64.encode(self.root.0)
        );

        for extension in &self.extensions {
            body.push_str(extension);
            body.push('\n');
        }

        body
    }

    /// Parses a checkpoint text by evidence-log.md 5.4.
    ///
    /// Accepts a body (5.1) or a signed note (5.3). The signature lines
    /// of a note are checked for form and then dropped: they are not
    /// verified here. Use [`SignedCheckpoint::parse`] and
    /// [`SignedCheckpoint::verify`] to keep and check them.
    ///
    /// Fails with `checkpoint_malformed` naming the 1-based line and
    /// the rule, or with `invalid_origin` for line 1.
    pub fn parse(text: &[u8]) -> Result<Self> {
        SignedCheckpoint::parse(text).map(|note| note.checkpoint)
    }

    /// Checks this checkpoint against a log (evidence-log.md 5.5).
    ///
    /// In this order: the checkpoint's origin equals `origin`
    /// (`origin_mismatch`, expected `origin`); its size is at most the
    /// log's (`checkpoint_mismatch`, `size_beyond_log`); the log's
    /// tree head at that size equals its root (`checkpoint_mismatch`,
    /// `root_differs`).
    pub fn check_against<L: TreeHeads + ?Sized>(&self, log: &L, origin: &str) -> Result<()> {
        if self.origin != origin {
            return Err(Error::OriginMismatch {
                expected: origin.to_owned(),
                found: self.origin.clone(),
            });
        }

        let log_size = log.tree_size();
        if self.size > log_size {
            return Err(Error::CheckpointMismatch {
                reason: "size_beyond_log".to_owned(),
                detail: format!("checkpoint size {}, log size {log_size}", self.size),
            });
        }

        let head = log.tree_head(self.size)?;
        if head != self.root {
            return Err(Error::CheckpointMismatch {
                reason: "root_differs".to_owned(),
                detail: format!(
                    "size {}, checkpoint root {}, log root {head}",
                    self.size, self.root
                ),
            });
        }

        Ok(())
    }

    /// Checks that `newer` extends this checkpoint, with the
    /// consistency proof from this size to the newer size that the log
    /// holder gave (evidence-log.md 5.5).
    ///
    /// Different origins are `origin_mismatch` (expected this origin);
    /// otherwise the proof is checked by 4.5 and fails with
    /// `proof_invalid` (`size_order` when this size is the larger).
    pub fn check_consistency<P: ProofHash>(&self, newer: &Checkpoint, proof: &[P]) -> Result<()> {
        if self.origin != newer.origin {
            return Err(Error::OriginMismatch {
                expected: self.origin.clone(),
                found: newer.origin.clone(),
            });
        }

        verify_consistency(self.size, newer.size, &self.root, &newer.root, proof)
    }

    /// Signs the body with each signer, in order, into a signed note
    /// (evidence-log.md 5.3).
    ///
    /// Fails with `invalid_argument` (argument `signer`) when there are
    /// more than 64 signers, a key name is empty or holds white space,
    /// a control character or `+`, or a signature is empty.
    pub fn sign(&self, signers: &[&dyn NoteSigner]) -> Result<SignedCheckpoint> {
        let refuse = |reason: String| Error::InvalidArgument {
            argument: "signer".to_owned(),
            reason,
        };

        if signers.len() > MAX_SIGNATURE_LINES {
            return Err(refuse(format!("more than {MAX_SIGNATURE_LINES} signers")));
        }

        let body = self.body();
        let mut signatures = Vec::with_capacity(signers.len());

        for signer in signers {
            let key_name = signer.key_name();
            if let Some(rule) = key_name_fault(key_name) {
                return Err(refuse(format!("key name `{key_name}`: {rule}")));
            }

            let signature = signer.sign(body.as_bytes());
            if signature.is_empty() {
                return Err(refuse(format!("key `{key_name}` gave an empty signature")));
            }

            signatures.push(NoteSignature {
                key_name: key_name.to_owned(),
                key_id: signer.key_id(),
                signature,
            });
        }

        Ok(SignedCheckpoint {
            checkpoint: self.clone(),
            signatures,
        })
    }
}

/// What is wrong with a signature key name, if anything (5.4): it must
/// be non-empty, without `White_Space` characters, control characters
/// or `+`.
fn key_name_fault(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        Some("empty key name")
    } else if name.chars().any(char::is_whitespace) {
        Some("white space in key name")
    } else if name.chars().any(char::is_control) {
        Some("control character in key name")
    } else if name.contains('+') {
        Some("plus sign in key name")
    } else {
        None
    }
}

/// The Ed25519 key ID of C2SP signed notes: the first four bytes of
/// `H(key name || 0x0A || 0x01 || public key)`, read big-endian.
///
/// tcps signs nothing; this helps a host build its [`NoteSigner`] and
/// [`NoteVerifier`]. For the key of evidence-log.md 5.6 it gives
/// `0x2ec21436`.
#[must_use]
pub fn ed25519_key_id(key_name: &str, public_key: &[u8; 32]) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(key_name.as_bytes());
    hasher.update([0x0a, 0x01]);
    hasher.update(public_key);
    let hash = hasher.finalize();

    u32::from_be_bytes([hash[0], hash[1], hash[2], hash[3]])
}

/// One signature line of a signed note.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NoteSignature {
    /// The key name; the log's own key should be named as its origin.
    pub key_name: String,
    /// The 4-byte key ID, big-endian.
    pub key_id: u32,
    /// The signature bytes, without the key ID.
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// The signature line without its line feed: em dash, space, key
    /// name, space, base64 of key ID and signature.
    #[must_use]
    pub fn line(&self) -> String {
        let mut payload = Vec::with_capacity(4 + self.signature.len());
        payload.extend_from_slice(&self.key_id.to_be_bytes());
        payload.extend_from_slice(&self.signature);

        format!(
            "{SIGNATURE_PREFIX}{} {}",
            self.key_name,
            BASE64.encode(payload)
        )
    }
}

/// What a host's [`NoteVerifier`] says about one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignatureCheck {
    /// The key is known and the signature verifies.
    Valid,
    /// The key is known and the signature does not verify.
    Invalid,
    /// The host does not know this key; the signature is ignored.
    UnknownKey,
}

/// The host's signature checker (evidence-log.md 5.3).
///
/// tcps holds no keys: for each signature line it hands the key name,
/// key ID, the exact body bytes and the signature bytes (key ID
/// removed) to this trait. A host that checks Ed25519 notes compares
/// the key ID with [`ed25519_key_id`] of its public key and verifies
/// the signature over `body`.
pub trait NoteVerifier {
    /// Checks one signature over `body`.
    fn check(&self, key_name: &str, key_id: u32, body: &[u8], signature: &[u8]) -> SignatureCheck;
}

/// The host's signer: one key, which signs the body of a checkpoint.
pub trait NoteSigner {
    /// The key name written in the signature line; the log's own key
    /// should be named as its origin.
    fn key_name(&self) -> &str;

    /// The 4-byte key ID, big-endian (for Ed25519 see
    /// [`ed25519_key_id`]).
    fn key_id(&self) -> u32;

    /// The signature over `body`, the exact bytes of
    /// [`Checkpoint::body`].
    fn sign(&self, body: &[u8]) -> Vec<u8>;
}

/// The outcome of checking a signed checkpoint's signatures.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum NoteVerdict {
    /// At least one known key signed it and no known key's signature
    /// failed.
    Verified {
        /// The key names whose signatures verified, in note order.
        keys: Vec<String>,
    },
    /// A known key's signature failed: the whole checkpoint fails, as
    /// C2SP requires.
    BadSignature {
        /// The key name of the failed signature.
        key_name: String,
        /// Its key ID.
        key_id: u32,
    },
    /// No signature came from a key the host knows.
    NoKnownKey,
}

impl NoteVerdict {
    /// Whether the checkpoint is verified.
    #[must_use]
    pub fn is_verified(&self) -> bool {
        matches!(self, Self::Verified { .. })
    }
}

/// `verified by tcps.example/demo`, `bad signature of
/// tcps.example/demo (key id 2ec21436)`, `no known key`.
impl std::fmt::Display for NoteVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Verified { keys } => write!(f, "verified by {}", keys.join(", ")),
            Self::BadSignature { key_name, key_id } => {
                write!(f, "bad signature of {key_name} (key id {key_id:08x})")
            }
            Self::NoKnownKey => f.write_str("no known key"),
        }
    }
}

/// A checkpoint with the signature lines of its signed note
/// (evidence-log.md 5.3).
///
/// With no signatures it stands for a bare body.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SignedCheckpoint {
    /// The checkpoint the note carries.
    pub checkpoint: Checkpoint,
    /// The signature lines, in note order.
    pub signatures: Vec<NoteSignature>,
}

impl SignedCheckpoint {
    /// The note text: the body, then, if there are signatures, one
    /// empty line and one signature line each, every line ended by a
    /// line feed.
    #[must_use]
    pub fn to_note(&self) -> String {
        let mut note = self.checkpoint.body();
        if self.signatures.is_empty() {
            return note;
        }

        note.push('\n');
        for signature in &self.signatures {
            note.push_str(&signature.line());
            note.push('\n');
        }

        note
    }

    /// Hands every signature to `verifier` (evidence-log.md 5.3).
    ///
    /// Signatures of unknown keys are ignored; the first known key
    /// whose signature fails makes the verdict
    /// [`NoteVerdict::BadSignature`]; with no known key at all it is
    /// [`NoteVerdict::NoKnownKey`].
    #[must_use]
    pub fn verify(&self, verifier: &dyn NoteVerifier) -> NoteVerdict {
        let body = self.checkpoint.body();
        let mut keys = Vec::new();

        for sig in &self.signatures {
            let check = verifier.check(&sig.key_name, sig.key_id, body.as_bytes(), &sig.signature);

            match check {
                SignatureCheck::Valid => keys.push(sig.key_name.clone()),
                SignatureCheck::UnknownKey => {}
                SignatureCheck::Invalid => {
                    return NoteVerdict::BadSignature {
                        key_name: sig.key_name.clone(),
                        key_id: sig.key_id,
                    };
                }
            }
        }

        if keys.is_empty() {
            NoteVerdict::NoKnownKey
        } else {
            NoteVerdict::Verified { keys }
        }
    }

    /// Parses a checkpoint text by evidence-log.md 5.4: a body (giving
    /// no signatures) or a signed note.
    ///
    /// The text must be UTF-8, hold no control character but the line
    /// feed, and end with a line feed. A note's body and signatures
    /// are split at its last empty line; a note needs at least one and
    /// at most 64 signature lines.
    ///
    /// Fails with `checkpoint_malformed` naming the 1-based line of
    /// the whole text and the rule, or with `invalid_origin` for
    /// line 1. Never panics, whatever the bytes.
    pub fn parse(text: &[u8]) -> Result<Self> {
        let text = checked_text(text)?;

        // Drop the final line feed, so that splitting gives the lines.
        let lines: Vec<&str> = text[..text.len() - 1].split('\n').collect();

        // A body has at least three lines, so an empty line before the
        // fourth cannot end one: it is an empty origin, size or root,
        // and is reported as such.
        let (body_lines, signature_lines) = match lines.iter().rposition(|l| l.is_empty()) {
            Some(blank) if blank >= 3 => {
                let signatures = &lines[blank + 1..];
                if signatures.is_empty() {
                    return Err(malformed(blank + 2, "signed note without a signature line"));
                }
                (&lines[..blank], signatures)
            }
            _ => (&lines[..], &lines[..0]),
        };

        let checkpoint = parse_body(body_lines)?;
        let first_signature_line = body_lines.len() + 2;
        let signatures = parse_signatures(signature_lines, first_signature_line)?;

        Ok(Self {
            checkpoint,
            signatures,
        })
    }
}

/// The text as UTF-8 without control characters but the line feed,
/// ending with a line feed (the first rules of 5.4).
fn checked_text(bytes: &[u8]) -> Result<&str> {
    // Lines before `offset`, plus one: the 1-based line of `offset`.
    let line_at = |offset: usize| bytes[..offset].split(|&b| b == b'\n').count();

    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        malformed(line_at(offset), format!("not UTF-8 at byte {offset}"))
    })?;

    if let Some((offset, c)) = text
        .char_indices()
        .find(|&(_, c)| c != '\n' && c.is_control())
    {
        return Err(malformed(
            line_at(offset),
            format!("control character U+{:04X} at byte {offset}", u32::from(c)),
        ));
    }

    if text.is_empty() {
        return Err(malformed(1, "empty text"));
    }
    if !text.ends_with('\n') {
        let last_line = text.split('\n').count();
        return Err(malformed(last_line, "missing final line feed"));
    }

    Ok(text)
}

/// The body lines (without line feeds) as a checkpoint (5.1, 5.4).
fn parse_body(lines: &[&str]) -> Result<Checkpoint> {
    let origin = lines.first().copied().unwrap_or_default();
    validate_origin(origin)?;

    let Some(size_line) = lines.get(1) else {
        return Err(malformed(2, "missing tree size line"));
    };
    let size = parse_size(size_line)?;

    let Some(root_line) = lines.get(2) else {
        return Err(malformed(3, "missing root hash line"));
    };
    let root = parse_root(root_line)?;

    let extensions = &lines[3..];
    check_extensions(extensions)?;

    Ok(Checkpoint {
        origin: origin.to_owned(),
        size,
        root,
        extensions: extensions.iter().map(|l| (*l).to_owned()).collect(),
    })
}

/// Line 2: `0` or `[1-9][0-9]*`, at most 2^63-1.
fn parse_size(line: &str) -> Result<u64> {
    let digits_only = !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit());
    if !digits_only {
        return Err(malformed(2, "tree size must be ASCII decimal digits"));
    }
    if line.len() > 1 && line.starts_with('0') {
        return Err(malformed(2, "tree size has a leading zero"));
    }

    match line.parse::<u64>() {
        Ok(size) if size <= MAX_TREE_SIZE => Ok(size),
        _ => Err(malformed(2, "tree size above 2^63-1")),
    }
}

/// Line 3: 44 characters of padded standard base64 that decode to 32
/// bytes and encode back to the same text.
fn parse_root(line: &str) -> Result<Digest> {
    if line.len() != 44 {
        return Err(malformed(
            3,
            format!(
                "root hash must be 44 base64 characters, found {}",
                line.len()
            ),
        ));
    }

    let bytes = BASE64
        .decode(line)
        .map_err(|_| malformed(3, "root hash is not standard padded base64"))?;
    let Ok(root) = <[u8; 32]>::try_from(bytes.as_slice()) else {
        return Err(malformed(3, "root hash does not decode to 32 bytes"));
    };
    if BASE64.encode(root) != line {
        return Err(malformed(3, "root hash is not canonical base64"));
    }

    Ok(Digest(root))
}

/// Signature lines, the first of them being line `first_line` (5.4).
fn parse_signatures(lines: &[&str], first_line: usize) -> Result<Vec<NoteSignature>> {
    if lines.len() > MAX_SIGNATURE_LINES {
        return Err(malformed(
            first_line + MAX_SIGNATURE_LINES,
            format!("more than {MAX_SIGNATURE_LINES} signature lines"),
        ));
    }

    lines
        .iter()
        .enumerate()
        .map(|(i, line)| parse_signature(line, first_line + i))
        .collect()
}

/// One signature line: em dash, space, key name, space, base64 of at
/// least 5 bytes (key ID and signature).
fn parse_signature(text: &str, line: usize) -> Result<NoteSignature> {
    let Some(rest) = text.strip_prefix(SIGNATURE_PREFIX) else {
        return Err(malformed(
            line,
            "signature line must start with an em dash and a space",
        ));
    };
    let Some((key_name, encoded)) = rest.split_once(' ') else {
        return Err(malformed(
            line,
            "signature line needs a key name, a space and base64",
        ));
    };
    if let Some(rule) = key_name_fault(key_name) {
        return Err(malformed(line, rule));
    }

    let payload = BASE64
        .decode(encoded)
        .map_err(|_| malformed(line, "signature is not standard padded base64"))?;
    if BASE64.encode(&payload) != encoded {
        return Err(malformed(line, "signature is not canonical base64"));
    }

    let Some((key_id, signature)) = payload.split_first_chunk::<4>() else {
        return Err(malformed(line, "signature shorter than 5 bytes"));
    };
    if signature.is_empty() {
        return Err(malformed(line, "signature shorter than 5 bytes"));
    }

    Ok(NoteSignature {
        key_name: key_name.to_owned(),
        key_id: u32::from_be_bytes(*key_id),
        signature: signature.to_vec(),
    })
}
