//! The one error type of tcps-core.
//!
//! Every variant has a stable numeric [`Error::code`] and a stable
//! `snake_case` [`Error::name`], taken from the code blocks of the specs:
//! 1–99 general, 100–199 flow, 200–299 quality (200–249 gates, 250–299
//! ingestion), 300–399 andon, 400–499 evidence log, 500–599 kaizen.
//! Codes are never reused; `tests/error_codes.rs` checks it.
//!
//! The serde form is `{"name": "...", "detail": {...}}`, the shape the
//! bindings hand to their hosts.

use serde::{Deserialize, Serialize};

/// Result alias used across tcps-core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where and why a report could not be ingested (quality.md 8.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestFailure {
    /// The parser, as in `Source.kind` (`junit`, `lcov`, ...).
    pub format: String,
    /// The input's name, usually its file name.
    pub input: String,
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// 1-based byte column within the line, when known.
    pub column: Option<u64>,
    /// JSON path such as `$.runs[0].results`, when known.
    pub path: Option<String>,
    /// Stable `snake_case` reason code.
    pub reason: String,
    /// Short text, at most 200 bytes.
    pub detail: String,
}

impl std::fmt::Display for IngestFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} input `{}`", self.format, self.input)?;
        match (self.line, self.column, &self.path) {
            (Some(line), Some(col), _) => write!(f, " at {line}:{col}")?,
            (Some(line), None, _) => write!(f, " at line {line}")?,
            (None, _, Some(path)) => write!(f, " at {path}")?,
            _ => {}
        }
        // quality.md 8.3: "unexpected end of input"; other codes read as words.
        let text = match self.reason.as_str() {
            "unexpected_eof" => "unexpected end of input".to_owned(),
            reason => reason.replace('_', " "),
        };
        if self.detail.is_empty() {
            write!(f, ": {text}")
        } else {
            write!(f, ": {text}: {}", self.detail)
        }
    }
}

/// The failure kinds of chain verification (evidence-log.md 3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainFailureKind {
    /// Not a valid receipt, or the first-receipt rules are broken.
    Malformed,
    /// The recomputed leaf hash differs from `hash`.
    HashMismatch,
    /// `seq` differs from the position.
    SeqGap,
    /// `prev` differs from the previous `hash`.
    BrokenLink,
    /// `at` is smaller than the previous `at`.
    TimeReversal,
    /// The `more` countdown or the shared `at` of an operation is broken.
    OperationBroken,
}

impl ChainFailureKind {
    /// The `snake_case` name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::HashMismatch => "hash_mismatch",
            Self::SeqGap => "seq_gap",
            Self::BrokenLink => "broken_link",
            Self::TimeReversal => "time_reversal",
            Self::OperationBroken => "operation_broken",
        }
    }
}

impl std::fmt::Display for ChainFailureKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every error tcps-core can return.
///
/// Messages are lower case without a final period and name what was
/// wrong and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "name", content = "detail", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Error {
    // ---- general, OVERVIEW.md ----
    /// An OS call outside the journal failed.
    #[error("io: {op} {path}: {message}")]
    Io {
        /// The operation (`read`, `write`, ...).
        op: String,
        /// The path involved.
        path: String,
        /// The OS message.
        message: String,
    },
    /// A bad argument at a binding.
    #[error("invalid argument `{argument}`: {reason}")]
    InvalidArgument {
        /// The argument's name.
        argument: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Text handed in is not UTF-8.
    #[error("argument `{argument}` is not utf-8 at byte {offset}")]
    InvalidUtf8 {
        /// The argument's name.
        argument: String,
        /// Offset of the first bad byte.
        offset: u64,
    },
    /// A panic caught at a binding boundary.
    #[error("panic: {message}")]
    Panic {
        /// The panic message.
        message: String,
    },

    // ---- flow.md 16 ----
    /// An id names nothing.
    #[error("{kind} not found: {id}")]
    NotFound {
        /// `work_order`, `sku`, `andon`, `analysis` or `action_item`.
        kind: String,
        /// The id asked for.
        id: String,
    },
    /// Required text absent or empty.
    #[error("missing field `{field}`")]
    MissingField {
        /// The field.
        field: String,
    },
    /// A value is malformed or out of range.
    #[error("invalid field `{field}`: {reason}")]
    InvalidField {
        /// The field.
        field: String,
        /// Why.
        reason: String,
    },
    /// Not one of the six bucket names.
    #[error("invalid bucket `{value}`")]
    InvalidBucket {
        /// The value offered.
        value: String,
    },
    /// Not an integer in 1..10.
    #[error("invalid priority `{value}`: must be an integer in 1..10")]
    InvalidPriority {
        /// The value offered, as given.
        value: String,
    },
    /// Not a work-order stage or not a stage of the line.
    #[error("invalid stage `{value}`")]
    InvalidStage {
        /// The value offered.
        value: String,
    },
    /// A refused signal.
    #[error("signal rejected ({reason}): {signal_source}")]
    SignalRejected {
        /// Stable reason code.
        reason: String,
        /// The signal's source (serialised as `source`).
        #[serde(rename = "source")]
        signal_source: String,
    },
    /// The status forbids the operation.
    #[error("invalid transition: cannot {op} from {from}")]
    InvalidTransition {
        /// The current status.
        from: String,
        /// The refused operation.
        op: String,
    },
    /// Hard WIP limit reached and no expedite slot.
    #[error("wip limit of bucket {bucket} reached: {current} of {limit}")]
    WipLimit {
        /// The bucket.
        bucket: String,
        /// Work orders in progress.
        current: u32,
        /// The limit.
        limit: u32,
    },
    /// A stopping andon covers the work order or SKU.
    #[error("line stopped by {}", andons.join(", "))]
    LineStopped {
        /// The stopping andons.
        andons: Vec<String>,
    },
    /// The edge closes a cycle, or from = to.
    #[error("circular dependency: {from} -> {to}")]
    CircularDependency {
        /// The dependent work order.
        from: String,
        /// The work order depended on.
        to: String,
    },
    /// The edge exists already.
    #[error("duplicate dependency: {from} -> {to}")]
    DuplicateDependency {
        /// The dependent work order.
        from: String,
        /// The work order depended on.
        to: String,
    },
    /// Not a permutation of the queued ids.
    #[error("invalid queue order: {reason}")]
    InvalidQueueOrder {
        /// Why.
        reason: String,
    },
    /// The SKU belongs to another work order.
    #[error("sku {sku} does not belong to work order {work_order}")]
    SkuMismatch {
        /// The SKU.
        sku: String,
        /// The work order.
        work_order: String,
    },
    /// Completing with an unreleased SKU.
    #[error("sku {sku} is not released (status {status})")]
    SkuNotReleased {
        /// The SKU.
        sku: String,
        /// Its status.
        status: String,
    },
    /// Not the next stage.
    #[error("invalid sequence: {from} -> {to}")]
    InvalidSequence {
        /// The current stage.
        from: String,
        /// The stage asked for.
        to: String,
    },
    /// The latest gate result forbids leaving the stage.
    #[error("gate {gate} of sku {sku} not passed: {result}")]
    GateNotPassed {
        /// The SKU.
        sku: String,
        /// The gate.
        gate: String,
        /// The latest result, or `none`.
        result: String,
    },
    /// Release before the last stage.
    #[error("pipeline incomplete: sku {sku} is at {stage}")]
    PipelineIncomplete {
        /// The SKU.
        sku: String,
        /// Its stage.
        stage: String,
    },
    /// A date range with from after to.
    #[error("invalid range: {from} is after {to}")]
    InvalidRange {
        /// Start of the range.
        from: String,
        /// End of the range.
        to: String,
    },
    /// The configuration breaks its rules.
    #[error("invalid config `{field}`: {reason}")]
    InvalidConfig {
        /// The member or path.
        field: String,
        /// Why.
        reason: String,
    },

    // ---- quality.md 9: gates ----
    /// No such gate in the line.
    #[error("gate not found: {gate}")]
    GateNotFound {
        /// The gate.
        gate: String,
    },
    /// The SKU is at another stage than the gate's.
    #[error("gate {gate} guards {expected} but the sku is at {actual}")]
    GateStageMismatch {
        /// The gate.
        gate: String,
        /// The gate's stage.
        expected: String,
        /// The SKU's stage.
        actual: String,
    },
    /// The evidence kind differs from the gate's.
    #[error("gate {gate} expects {expected} evidence, found {found}")]
    EvidenceMismatch {
        /// The gate.
        gate: String,
        /// The expected evidence kind.
        expected: String,
        /// The evidence kind given.
        found: String,
    },
    /// The gate has no `allow_skip`.
    #[error("gate {gate} may not be skipped")]
    SkipNotAllowed {
        /// The gate.
        gate: String,
    },
    /// Skip reason empty after trimming.
    #[error("skip of gate {gate} needs a reason")]
    EmptySkipReason {
        /// The gate.
        gate: String,
    },
    /// A gate definition breaks quality.md 2.1.
    #[error("invalid gate {gate}: `{field}` {reason}")]
    InvalidGate {
        /// The gate.
        gate: String,
        /// The field.
        field: String,
        /// Why.
        reason: String,
    },
    /// A condition breaks quality.md 2.2.
    #[error("invalid condition {index} of gate {gate}: {reason}")]
    InvalidCondition {
        /// The gate.
        gate: String,
        /// 0-based place of the condition.
        index: u32,
        /// Why.
        reason: String,
    },
    /// Not 64 hex digits, or a bad artifact name.
    #[error("invalid digest `{value}`: {reason}")]
    InvalidDigest {
        /// The value offered.
        value: String,
        /// Why.
        reason: String,
    },
    /// An artifact name with two digests.
    #[error("duplicate artifact `{name}`")]
    DuplicateArtifact {
        /// The artifact name.
        name: String,
    },

    // ---- quality.md 9: ingestion ----
    /// Input, node count or a string over its limit.
    #[error("{0}")]
    IngestTooLarge(Box<IngestFailure>),
    /// Nesting over `max_depth`.
    #[error("{0}")]
    IngestTooDeep(Box<IngestFailure>),
    /// No content.
    #[error("{0}")]
    IngestEmpty(Box<IngestFailure>),
    /// Bad UTF-8 in XML or JSON.
    #[error("{0}")]
    IngestInvalidUtf8(Box<IngestFailure>),
    /// An encoding other than UTF-8, ASCII or Latin-1.
    #[error("{0}")]
    IngestUnsupportedEncoding(Box<IngestFailure>),
    /// A DTD internal subset.
    #[error("{0}")]
    IngestForbidden(Box<IngestFailure>),
    /// Syntax or structure.
    #[error("{0}")]
    IngestMalformed(Box<IngestFailure>),
    /// Another kind of report than the one asked for.
    #[error("{0}")]
    IngestWrongFormat(Box<IngestFailure>),
    /// A version or variant not read.
    #[error("{0}")]
    IngestUnsupported(Box<IngestFailure>),
    /// Coverage without counts.
    #[error("{0}")]
    IngestNoData(Box<IngestFailure>),

    // ---- andon.md 12 ----
    /// The policy needs a finalised analysis.
    #[error("andon {andon} needs a finalised root cause analysis")]
    RcaRequired {
        /// The andon.
        andon: String,
    },
    /// Escalation level not due.
    #[error("escalation level {level} of andon {andon} is not due")]
    EscalationNotDue {
        /// The andon.
        andon: String,
        /// The level.
        level: u32,
    },
    /// A second analysis for one andon.
    #[error("andon {andon} already has analysis {analysis}")]
    AnalysisExists {
        /// The andon.
        andon: String,
        /// The existing analysis.
        analysis: String,
    },
    /// Why number outside 1..5.
    #[error("invalid why number {n}: must be 1..5")]
    InvalidWhyNumber {
        /// The number given.
        n: i64,
    },
    /// The analysis is read-only.
    #[error("analysis {analysis} is already finalized")]
    AlreadyFinalized {
        /// The analysis.
        analysis: String,
    },
    /// Finalising with a why empty.
    #[error("why {n} is empty")]
    MissingWhy {
        /// The lowest empty why.
        n: u32,
    },
    /// Verifying an item twice.
    #[error("action item {item} of analysis {analysis} is already verified")]
    AlreadyVerified {
        /// The analysis.
        analysis: String,
        /// The item number.
        item: u32,
    },

    // ---- evidence-log.md 8 ----
    /// A float offered as a receipt value.
    #[error("float not allowed at {pointer}")]
    FloatNotAllowed {
        /// JSON Pointer of the value.
        pointer: String,
    },
    /// An integer beyond +-(2^53-1).
    #[error("integer out of range at {pointer}: {value}")]
    IntegerOutOfRange {
        /// JSON Pointer of the value.
        pointer: String,
        /// The integer as written.
        value: String,
    },
    /// A lone surrogate in a string.
    #[error("invalid text at {pointer}: {reason}")]
    InvalidText {
        /// JSON Pointer of the value.
        pointer: String,
        /// What was found.
        reason: String,
    },
    /// A member name twice in one object.
    #[error("duplicate key `{key}` in object at {pointer}")]
    DuplicateKey {
        /// JSON Pointer of the object.
        pointer: String,
        /// The repeated name.
        key: String,
    },
    /// More than 64 levels.
    #[error("nesting too deep at {pointer}: more than {limit} levels")]
    NestingTooDeep {
        /// JSON Pointer where the limit was crossed.
        pointer: String,
        /// The limit.
        limit: u32,
    },
    /// A receipt over 1 MiB.
    #[error("receipt too large: {size} bytes, limit {limit}")]
    ReceiptTooLarge {
        /// Its canonical size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// An envelope rule of evidence-log.md 1.1 broken.
    #[error("invalid receipt: {}{rule}", member_prefix(member))]
    InvalidReceipt {
        /// The member.
        member: String,
        /// The rule broken.
        rule: String,
    },
    /// `now` below the last receipt's `at`.
    #[error("now {now} is before the last receipt at {last_at}")]
    NowBeforeLastReceipt {
        /// The `now` given.
        now: i64,
        /// The last `at`.
        last_at: i64,
    },
    /// A configuration change alters the line's name.
    #[error("line name is immutable: `{name}`, offered `{offered}`")]
    LineNameImmutable {
        /// The line's name.
        name: String,
        /// The name offered.
        offered: String,
    },
    /// Chain verification failed.
    #[error("chain broken at seq {seq}: {kind}, expected {expected}, found {found}")]
    ChainBroken {
        /// The expected `seq` (the position).
        seq: u64,
        /// The failure kind.
        kind: ChainFailureKind,
        /// The expected value.
        expected: String,
        /// The value found.
        found: String,
    },
    /// A proof did not verify.
    #[error("proof invalid: {reason}")]
    ProofInvalid {
        /// `bad_hash_length`, `index_out_of_range`, `size_order`,
        /// `empty_proof`, `too_many_hashes`, `too_few_hashes` or
        /// `root_mismatch`.
        reason: String,
    },
    /// A proof or checkpoint beyond the log.
    #[error("size out of range: {asked} asked, log has {size}")]
    SizeOutOfRange {
        /// The size or index asked.
        asked: u64,
        /// The log's length.
        size: u64,
    },
    /// Checkpoint text breaks evidence-log.md 5.4.
    #[error("checkpoint malformed at line {line}: {rule}")]
    CheckpointMalformed {
        /// 1-based line of the checkpoint text.
        line: u32,
        /// The rule broken.
        rule: String,
    },
    /// An origin or line name breaks evidence-log.md 5.2.
    #[error("invalid origin `{origin}`: {rule}")]
    InvalidOrigin {
        /// The origin, cut to 255 bytes.
        origin: String,
        /// The rule broken.
        rule: String,
    },
    /// A checkpoint disagrees with the log.
    #[error("checkpoint mismatch: {reason} ({detail})")]
    CheckpointMismatch {
        /// `size_beyond_log` or `root_differs`.
        reason: String,
        /// Sizes and roots involved.
        detail: String,
    },
    /// Checkpoints or bundle of another origin.
    #[error("origin mismatch: expected `{expected}`, found `{found}`")]
    OriginMismatch {
        /// The expected origin.
        expected: String,
        /// The origin found.
        found: String,
    },
    /// The file system failed under the journal.
    #[error("journal {op} failed for {path}: {message}")]
    JournalIo {
        /// The journal path.
        path: String,
        /// `create`, `open`, `write`, `truncate`, `sync` or `lock`.
        op: String,
        /// The OS message.
        message: String,
    },
    /// Another handle holds the lock.
    #[error("journal is locked by another handle: {path}")]
    JournalLocked {
        /// The journal path.
        path: String,
    },
    /// Damage before the torn tail.
    #[error("journal {path} is corrupt at line {line} (byte {offset}): {reason}{}",
        if detail.is_empty() { String::new() } else { format!(": {detail}") })]
    JournalCorrupt {
        /// The journal path.
        path: String,
        /// 1-based line number.
        line: u64,
        /// Byte offset of the line's start.
        offset: u64,
        /// Stable reason: `parse_error`, `too_long`, `not_canonical`,
        /// `invalid_receipt`, a value error name, or a chain failure kind.
        reason: String,
        /// What exactly is wrong (column, member, expected and found).
        detail: String,
    },
    /// The `Line` refused a receipt on replay.
    #[error("journal {path}: line {line} rejected on replay: {error}")]
    JournalReplayRejected {
        /// The journal path.
        path: String,
        /// 1-based line number.
        line: u64,
        /// The refusing error.
        error: Box<Error>,
    },
    /// No receipt after recovery.
    #[error("journal is empty: {path}")]
    JournalEmpty {
        /// The journal path.
        path: String,
    },
    /// An earlier write or sync failed.
    #[error("journal is poisoned by an earlier failure: {path}")]
    JournalPoisoned {
        /// The journal path.
        path: String,
    },
    /// Append through a read-only handle.
    #[error("journal is open read-only: {path}")]
    JournalReadOnly {
        /// The journal path.
        path: String,
    },
    /// A bundle file breaks evidence-log.md 7.2.
    #[error("bundle malformed: {reason}")]
    BundleMalformed {
        /// The member or limit broken.
        reason: String,
    },
    /// Bundle verification failed.
    #[error("bundle invalid{}: {reason}", seq.map(|s| format!(" at seq {s}")).unwrap_or_default())]
    BundleInvalid {
        /// The entry's `seq`, if any.
        seq: Option<u64>,
        /// Why.
        reason: String,
    },
    /// Nothing to put in a bundle.
    #[error("no receipts for {subject} in the first {size} receipts")]
    NoReceiptsForSubject {
        /// The subject.
        subject: String,
        /// The log size searched.
        size: u64,
    },

    // ---- kaizen.md 14 ----
    /// Bad window dates or counts.
    #[error("invalid window: {reason}")]
    InvalidWindow {
        /// Start date given, if any.
        from: Option<String>,
        /// End date given, if any.
        to: Option<String>,
        /// Day or week count given, if any.
        days: Option<i64>,
        /// Why.
        reason: String,
    },
    /// A forecast argument fails its check.
    #[error("invalid forecast `{field}`: {value}")]
    InvalidForecast {
        /// The field.
        field: String,
        /// The value given.
        value: String,
    },
    /// Throughput history is all zeros.
    #[error("no throughput history in the last {days} days")]
    NoThroughputHistory {
        /// The history length.
        days: u32,
    },
    /// Unknown improvement.
    #[error("improvement not found: {id}")]
    ImprovementNotFound {
        /// The id.
        id: String,
    },
    /// The improvement's status forbids the operation.
    #[error("improvement {id}: cannot {op} from {from}")]
    InvalidImprovementTransition {
        /// The improvement.
        id: String,
        /// Its status.
        from: String,
        /// The refused operation.
        op: String,
    },
    /// Concluding before the measurement window ends.
    #[error("measurement window of {id} open until {ends_at}")]
    MeasurementWindowOpen {
        /// The improvement.
        id: String,
        /// When the window ends (ms).
        ends_at: i64,
    },
    /// Measurement days not 1..366.
    #[error("invalid measurement of {days} days: must be 1..366")]
    InvalidMeasurement {
        /// Days given.
        days: i64,
    },
    /// The kaizen configuration breaks kaizen.md 1.
    #[error("invalid kaizen config `{field}`: {reason}")]
    InvalidKaizenConfig {
        /// The field.
        field: String,
        /// Why.
        reason: String,
    },
}

impl Error {
    /// The stable numeric code (never 0, never reused).
    #[must_use]
    pub fn code(&self) -> u16 {
        match self {
            Self::Io { .. } => 1,
            Self::InvalidArgument { .. } => 2,
            Self::InvalidUtf8 { .. } => 3,
            Self::Panic { .. } => 4,
            Self::NotFound { .. } => 100,
            Self::MissingField { .. } => 101,
            Self::InvalidField { .. } => 102,
            Self::InvalidBucket { .. } => 103,
            Self::InvalidPriority { .. } => 104,
            Self::InvalidStage { .. } => 105,
            Self::SignalRejected { .. } => 106,
            Self::InvalidTransition { .. } => 107,
            Self::WipLimit { .. } => 108,
            Self::LineStopped { .. } => 109,
            Self::CircularDependency { .. } => 110,
            Self::DuplicateDependency { .. } => 111,
            Self::InvalidQueueOrder { .. } => 112,
            Self::SkuMismatch { .. } => 113,
            Self::SkuNotReleased { .. } => 114,
            Self::InvalidSequence { .. } => 115,
            Self::GateNotPassed { .. } => 116,
            Self::PipelineIncomplete { .. } => 117,
            Self::InvalidRange { .. } => 118,
            Self::InvalidConfig { .. } => 119,
            Self::GateNotFound { .. } => 200,
            Self::GateStageMismatch { .. } => 201,
            Self::EvidenceMismatch { .. } => 202,
            Self::SkipNotAllowed { .. } => 203,
            Self::EmptySkipReason { .. } => 204,
            Self::InvalidGate { .. } => 205,
            Self::InvalidCondition { .. } => 206,
            Self::InvalidDigest { .. } => 207,
            Self::DuplicateArtifact { .. } => 208,
            Self::IngestTooLarge(_) => 250,
            Self::IngestTooDeep(_) => 251,
            Self::IngestEmpty(_) => 252,
            Self::IngestInvalidUtf8(_) => 253,
            Self::IngestUnsupportedEncoding(_) => 254,
            Self::IngestForbidden(_) => 255,
            Self::IngestMalformed(_) => 256,
            Self::IngestWrongFormat(_) => 257,
            Self::IngestUnsupported(_) => 258,
            Self::IngestNoData(_) => 259,
            Self::RcaRequired { .. } => 300,
            Self::EscalationNotDue { .. } => 301,
            Self::AnalysisExists { .. } => 302,
            Self::InvalidWhyNumber { .. } => 303,
            Self::AlreadyFinalized { .. } => 304,
            Self::MissingWhy { .. } => 305,
            Self::AlreadyVerified { .. } => 306,
            Self::FloatNotAllowed { .. } => 400,
            Self::IntegerOutOfRange { .. } => 401,
            Self::InvalidText { .. } => 402,
            Self::DuplicateKey { .. } => 403,
            Self::NestingTooDeep { .. } => 404,
            Self::ReceiptTooLarge { .. } => 405,
            Self::InvalidReceipt { .. } => 406,
            Self::NowBeforeLastReceipt { .. } => 407,
            Self::LineNameImmutable { .. } => 408,
            Self::ChainBroken { .. } => 410,
            Self::ProofInvalid { .. } => 420,
            Self::SizeOutOfRange { .. } => 421,
            Self::CheckpointMalformed { .. } => 430,
            Self::InvalidOrigin { .. } => 431,
            Self::CheckpointMismatch { .. } => 432,
            Self::OriginMismatch { .. } => 433,
            Self::JournalIo { .. } => 440,
            Self::JournalLocked { .. } => 441,
            Self::JournalCorrupt { .. } => 442,
            Self::JournalReplayRejected { .. } => 443,
            Self::JournalEmpty { .. } => 444,
            Self::JournalPoisoned { .. } => 445,
            Self::JournalReadOnly { .. } => 446,
            Self::BundleMalformed { .. } => 450,
            Self::BundleInvalid { .. } => 451,
            Self::NoReceiptsForSubject { .. } => 452,
            Self::InvalidWindow { .. } => 500,
            Self::InvalidForecast { .. } => 501,
            Self::NoThroughputHistory { .. } => 502,
            Self::ImprovementNotFound { .. } => 503,
            Self::InvalidImprovementTransition { .. } => 504,
            Self::MeasurementWindowOpen { .. } => 505,
            Self::InvalidMeasurement { .. } => 506,
            Self::InvalidKaizenConfig { .. } => 507,
        }
    }

    /// The stable `snake_case` name, as in the specs' error tables.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Io { .. } => "io",
            Self::InvalidArgument { .. } => "invalid_argument",
            Self::InvalidUtf8 { .. } => "invalid_utf8",
            Self::Panic { .. } => "panic",
            Self::NotFound { .. } => "not_found",
            Self::MissingField { .. } => "missing_field",
            Self::InvalidField { .. } => "invalid_field",
            Self::InvalidBucket { .. } => "invalid_bucket",
            Self::InvalidPriority { .. } => "invalid_priority",
            Self::InvalidStage { .. } => "invalid_stage",
            Self::SignalRejected { .. } => "signal_rejected",
            Self::InvalidTransition { .. } => "invalid_transition",
            Self::WipLimit { .. } => "wip_limit",
            Self::LineStopped { .. } => "line_stopped",
            Self::CircularDependency { .. } => "circular_dependency",
            Self::DuplicateDependency { .. } => "duplicate_dependency",
            Self::InvalidQueueOrder { .. } => "invalid_queue_order",
            Self::SkuMismatch { .. } => "sku_mismatch",
            Self::SkuNotReleased { .. } => "sku_not_released",
            Self::InvalidSequence { .. } => "invalid_sequence",
            Self::GateNotPassed { .. } => "gate_not_passed",
            Self::PipelineIncomplete { .. } => "pipeline_incomplete",
            Self::InvalidRange { .. } => "invalid_range",
            Self::InvalidConfig { .. } => "invalid_config",
            Self::GateNotFound { .. } => "gate_not_found",
            Self::GateStageMismatch { .. } => "gate_stage_mismatch",
            Self::EvidenceMismatch { .. } => "evidence_mismatch",
            Self::SkipNotAllowed { .. } => "skip_not_allowed",
            Self::EmptySkipReason { .. } => "empty_skip_reason",
            Self::InvalidGate { .. } => "invalid_gate",
            Self::InvalidCondition { .. } => "invalid_condition",
            Self::InvalidDigest { .. } => "invalid_digest",
            Self::DuplicateArtifact { .. } => "duplicate_artifact",
            Self::IngestTooLarge(_) => "ingest_too_large",
            Self::IngestTooDeep(_) => "ingest_too_deep",
            Self::IngestEmpty(_) => "ingest_empty",
            Self::IngestInvalidUtf8(_) => "ingest_invalid_utf8",
            Self::IngestUnsupportedEncoding(_) => "ingest_unsupported_encoding",
            Self::IngestForbidden(_) => "ingest_forbidden",
            Self::IngestMalformed(_) => "ingest_malformed",
            Self::IngestWrongFormat(_) => "ingest_wrong_format",
            Self::IngestUnsupported(_) => "ingest_unsupported",
            Self::IngestNoData(_) => "ingest_no_data",
            Self::RcaRequired { .. } => "rca_required",
            Self::EscalationNotDue { .. } => "escalation_not_due",
            Self::AnalysisExists { .. } => "analysis_exists",
            Self::InvalidWhyNumber { .. } => "invalid_why_number",
            Self::AlreadyFinalized { .. } => "already_finalized",
            Self::MissingWhy { .. } => "missing_why",
            Self::AlreadyVerified { .. } => "already_verified",
            Self::FloatNotAllowed { .. } => "float_not_allowed",
            Self::IntegerOutOfRange { .. } => "integer_out_of_range",
            Self::InvalidText { .. } => "invalid_text",
            Self::DuplicateKey { .. } => "duplicate_key",
            Self::NestingTooDeep { .. } => "nesting_too_deep",
            Self::ReceiptTooLarge { .. } => "receipt_too_large",
            Self::InvalidReceipt { .. } => "invalid_receipt",
            Self::NowBeforeLastReceipt { .. } => "now_before_last_receipt",
            Self::LineNameImmutable { .. } => "line_name_immutable",
            Self::ChainBroken { .. } => "chain_broken",
            Self::ProofInvalid { .. } => "proof_invalid",
            Self::SizeOutOfRange { .. } => "size_out_of_range",
            Self::CheckpointMalformed { .. } => "checkpoint_malformed",
            Self::InvalidOrigin { .. } => "invalid_origin",
            Self::CheckpointMismatch { .. } => "checkpoint_mismatch",
            Self::OriginMismatch { .. } => "origin_mismatch",
            Self::JournalIo { .. } => "journal_io",
            Self::JournalLocked { .. } => "journal_locked",
            Self::JournalCorrupt { .. } => "journal_corrupt",
            Self::JournalReplayRejected { .. } => "journal_replay_rejected",
            Self::JournalEmpty { .. } => "journal_empty",
            Self::JournalPoisoned { .. } => "journal_poisoned",
            Self::JournalReadOnly { .. } => "journal_read_only",
            Self::BundleMalformed { .. } => "bundle_malformed",
            Self::BundleInvalid { .. } => "bundle_invalid",
            Self::NoReceiptsForSubject { .. } => "no_receipts_for_subject",
            Self::InvalidWindow { .. } => "invalid_window",
            Self::InvalidForecast { .. } => "invalid_forecast",
            Self::NoThroughputHistory { .. } => "no_throughput_history",
            Self::ImprovementNotFound { .. } => "improvement_not_found",
            Self::InvalidImprovementTransition { .. } => "invalid_improvement_transition",
            Self::MeasurementWindowOpen { .. } => "measurement_window_open",
            Self::InvalidMeasurement { .. } => "invalid_measurement",
            Self::InvalidKaizenConfig { .. } => "invalid_kaizen_config",
        }
    }

    /// Shorthand for [`Error::NotFound`].
    pub(crate) fn not_found(kind: &str, id: impl std::fmt::Display) -> Self {
        Self::NotFound {
            kind: kind.to_owned(),
            id: id.to_string(),
        }
    }

    /// Shorthand for [`Error::InvalidTransition`].
    pub(crate) fn transition(from: impl std::fmt::Display, op: &str) -> Self {
        Self::InvalidTransition {
            from: from.to_string(),
            op: op.to_owned(),
        }
    }

    /// Shorthand for [`Error::InvalidConfig`].
    pub(crate) fn config(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidConfig {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// "`member` " before a rule about one member; nothing when the rule is
/// about the whole text.
fn member_prefix(member: &str) -> String {
    if member.is_empty() {
        String::new()
    } else {
        format!("`{member}` ")
    }
}
