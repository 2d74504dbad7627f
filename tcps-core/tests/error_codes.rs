//! Error codes and names (OVERVIEW.md "Error codes", flow.md 16,
//! quality.md 9, andon.md 12, evidence-log.md 8, kaizen.md 14): one
//! instance of every variant has the code and the name of the specs'
//! tables, no code or name is used twice, and no variant of the enum
//! is missing from the list below.

use std::collections::{BTreeMap, BTreeSet};

use tcps_core::Error;
use tcps_core::error::{ChainFailureKind, IngestFailure};

/// The error tables of the specs, copied row by row: (code, name).
const SPEC_TABLES: [(&str, &[(u16, &str)]); 6] = [
    (
        "OVERVIEW.md, Error codes",
        &[
            (1, "io"),
            (2, "invalid_argument"),
            (3, "invalid_utf8"),
            (4, "panic"),
        ],
    ),
    (
        "flow.md 16",
        &[
            (100, "not_found"),
            (101, "missing_field"),
            (102, "invalid_field"),
            (103, "invalid_bucket"),
            (104, "invalid_priority"),
            (105, "invalid_stage"),
            (106, "signal_rejected"),
            (107, "invalid_transition"),
            (108, "wip_limit"),
            (109, "line_stopped"),
            (110, "circular_dependency"),
            (111, "duplicate_dependency"),
            (112, "invalid_queue_order"),
            (113, "sku_mismatch"),
            (114, "sku_not_released"),
            (115, "invalid_sequence"),
            (116, "gate_not_passed"),
            (117, "pipeline_incomplete"),
            (118, "invalid_range"),
            (119, "invalid_config"),
        ],
    ),
    (
        "quality.md 9",
        &[
            (200, "gate_not_found"),
            (201, "gate_stage_mismatch"),
            (202, "evidence_mismatch"),
            (203, "skip_not_allowed"),
            (204, "empty_skip_reason"),
            (205, "invalid_gate"),
            (206, "invalid_condition"),
            (207, "invalid_digest"),
            (208, "duplicate_artifact"),
            (250, "ingest_too_large"),
            (251, "ingest_too_deep"),
            (252, "ingest_empty"),
            (253, "ingest_invalid_utf8"),
            (254, "ingest_unsupported_encoding"),
            (255, "ingest_forbidden"),
            (256, "ingest_malformed"),
            (257, "ingest_wrong_format"),
            (258, "ingest_unsupported"),
            (259, "ingest_no_data"),
        ],
    ),
    (
        "andon.md 12",
        &[
            (300, "rca_required"),
            (301, "escalation_not_due"),
            (302, "analysis_exists"),
            (303, "invalid_why_number"),
            (304, "already_finalized"),
            (305, "missing_why"),
            (306, "already_verified"),
        ],
    ),
    (
        "evidence-log.md 8",
        &[
            (400, "float_not_allowed"),
            (401, "integer_out_of_range"),
            (402, "invalid_text"),
            (403, "duplicate_key"),
            (404, "nesting_too_deep"),
            (405, "receipt_too_large"),
            (406, "invalid_receipt"),
            (407, "now_before_last_receipt"),
            (408, "line_name_immutable"),
            (410, "chain_broken"),
            (420, "proof_invalid"),
            (421, "size_out_of_range"),
            (430, "checkpoint_malformed"),
            (431, "invalid_origin"),
            (432, "checkpoint_mismatch"),
            (433, "origin_mismatch"),
            (440, "journal_io"),
            (441, "journal_locked"),
            (442, "journal_corrupt"),
            (443, "journal_replay_rejected"),
            (444, "journal_empty"),
            (445, "journal_poisoned"),
            (446, "journal_read_only"),
            (450, "bundle_malformed"),
            (451, "bundle_invalid"),
            (452, "no_receipts_for_subject"),
        ],
    ),
    (
        "kaizen.md 14",
        &[
            (500, "invalid_window"),
            (501, "invalid_forecast"),
            (502, "no_throughput_history"),
            (503, "improvement_not_found"),
            (504, "invalid_improvement_transition"),
            (505, "measurement_window_open"),
            (506, "invalid_measurement"),
            (507, "invalid_kaizen_config"),
        ],
    ),
];

/// Names one spec defines and others return with the defining code:
/// andon.md 12's second table, the text of quality.md 9, kaizen.md 14
/// and flow.md 16.
const SHARED: [(&str, &str); 12] = [
    ("andon.md 12", "not_found"),
    ("andon.md 12", "missing_field"),
    ("andon.md 12", "invalid_field"),
    ("andon.md 12", "invalid_stage"),
    ("andon.md 12", "invalid_transition"),
    ("andon.md 12", "line_stopped"),
    ("andon.md 12", "invalid_range"),
    ("andon.md 12", "invalid_config"),
    ("quality.md 9", "now_before_last_receipt"),
    ("kaizen.md 14", "missing_field"),
    ("kaizen.md 14", "now_before_last_receipt"),
    ("flow.md 16", "now_before_last_receipt"),
];

fn s(text: &str) -> String {
    text.to_owned()
}

fn ingest() -> Box<IngestFailure> {
    Box::new(IngestFailure {
        format: s("junit"),
        input: s("report.xml"),
        line: Some(3),
        column: Some(7),
        path: None,
        reason: s("unexpected_eof"),
        detail: String::new(),
    })
}

/// One instance of every variant, in the order of the enum.
#[allow(
    clippy::too_many_lines,
    reason = "one line per variant is the point of the list"
)]
fn every_variant() -> Vec<Error> {
    vec![
        Error::Io {
            op: s("read"),
            path: s("a.xml"),
            message: s("no such file"),
        },
        Error::InvalidArgument {
            argument: s("now"),
            reason: s("missing"),
        },
        Error::InvalidUtf8 {
            argument: s("path"),
            offset: 3,
        },
        Error::Panic { message: s("boom") },
        Error::NotFound {
            kind: s("sku"),
            id: s("SKU-000009"),
        },
        Error::MissingField { field: s("title") },
        Error::InvalidField {
            field: s("level"),
            reason: s("must be 1 or 2"),
        },
        Error::InvalidBucket { value: s("misc") },
        Error::InvalidPriority { value: s("11") },
        Error::InvalidStage { value: s("review") },
        Error::SignalRejected {
            reason: s("duplicate"),
            signal_source: s("RUSTSEC-2016-0001"),
        },
        Error::InvalidTransition {
            from: s("completed"),
            op: s("start"),
        },
        Error::WipLimit {
            bucket: s("security"),
            current: 2,
            limit: 2,
        },
        Error::LineStopped {
            andons: vec![s("ANDON-000001")],
        },
        Error::CircularDependency {
            from: s("WO-000001"),
            to: s("WO-000001"),
        },
        Error::DuplicateDependency {
            from: s("WO-000001"),
            to: s("WO-000002"),
        },
        Error::InvalidQueueOrder {
            reason: s("not a permutation"),
        },
        Error::SkuMismatch {
            sku: s("SKU-000001"),
            work_order: s("WO-000002"),
        },
        Error::SkuNotReleased {
            sku: s("SKU-000001"),
            status: s("in_production"),
        },
        Error::InvalidSequence {
            from: s("compilation"),
            to: s("publication"),
        },
        Error::GateNotPassed {
            sku: s("SKU-000001"),
            gate: s("compilation"),
            result: s("fail"),
        },
        Error::PipelineIncomplete {
            sku: s("SKU-000001"),
            stage: s("compilation"),
        },
        Error::InvalidRange {
            from: s("2026-01-27"),
            to: s("2026-01-26"),
        },
        Error::InvalidConfig {
            field: s("stages"),
            reason: s("must hold at least one stage"),
        },
        Error::GateNotFound { gate: s("lint") },
        Error::GateStageMismatch {
            gate: s("compilation"),
            expected: s("compilation"),
            actual: s("test_execution"),
        },
        Error::EvidenceMismatch {
            gate: s("compilation"),
            expected: s("compilation"),
            found: s("tests"),
        },
        Error::SkipNotAllowed {
            gate: s("compilation"),
        },
        Error::EmptySkipReason {
            gate: s("shacl_validation"),
        },
        Error::InvalidGate {
            gate: s("compilation"),
            field: s("stage"),
            reason: s("names no stage"),
        },
        Error::InvalidCondition {
            gate: s("compilation"),
            index: 0,
            reason: s("unknown metric"),
        },
        Error::InvalidDigest {
            value: s("abc"),
            reason: s("not 64 hex digits"),
        },
        Error::DuplicateArtifact { name: s("app") },
        Error::IngestTooLarge(ingest()),
        Error::IngestTooDeep(ingest()),
        Error::IngestEmpty(ingest()),
        Error::IngestInvalidUtf8(ingest()),
        Error::IngestUnsupportedEncoding(ingest()),
        Error::IngestForbidden(ingest()),
        Error::IngestMalformed(ingest()),
        Error::IngestWrongFormat(ingest()),
        Error::IngestUnsupported(ingest()),
        Error::IngestNoData(ingest()),
        Error::RcaRequired {
            andon: s("ANDON-000001"),
        },
        Error::EscalationNotDue {
            andon: s("ANDON-000001"),
            level: 2,
        },
        Error::AnalysisExists {
            andon: s("ANDON-000001"),
            analysis: s("RCA-000001"),
        },
        Error::InvalidWhyNumber { n: 6 },
        Error::AlreadyFinalized {
            analysis: s("RCA-000001"),
        },
        Error::MissingWhy { n: 1 },
        Error::AlreadyVerified {
            analysis: s("RCA-000001"),
            item: 1,
        },
        Error::FloatNotAllowed {
            pointer: s("/body/ratio"),
        },
        Error::IntegerOutOfRange {
            pointer: s("/body/count"),
            value: s("9007199254740992"),
        },
        Error::InvalidText {
            pointer: s("/body/title"),
            reason: s("lone surrogate"),
        },
        Error::DuplicateKey {
            pointer: s(""),
            key: s("at"),
        },
        Error::NestingTooDeep {
            pointer: s("/body"),
            limit: 64,
        },
        Error::ReceiptTooLarge {
            size: 1_048_577,
            limit: 1_048_576,
        },
        Error::InvalidReceipt {
            member: s("v"),
            rule: s("must be 1"),
        },
        Error::NowBeforeLastReceipt {
            now: 1_769_425_199_999,
            last_at: 1_769_425_200_000,
        },
        Error::LineNameImmutable {
            name: s("tcps"),
            offered: s("other"),
        },
        Error::ChainBroken {
            seq: 3,
            kind: ChainFailureKind::HashMismatch,
            expected: s("3ebed07a"),
            found: s("96f29ce5"),
        },
        Error::ProofInvalid {
            reason: s("root_mismatch"),
        },
        Error::SizeOutOfRange { asked: 8, size: 7 },
        Error::CheckpointMalformed {
            line: 2,
            rule: s("leading zero"),
        },
        Error::InvalidOrigin {
            origin: s("demo line"),
            rule: s("white space U+0020 at byte 4"),
        },
        Error::CheckpointMismatch {
            reason: s("size_beyond_log"),
            detail: s("checkpoint size 7, log size 4"),
        },
        Error::OriginMismatch {
            expected: s("tcps.example/demo"),
            found: s("tcps.example/other"),
        },
        Error::JournalIo {
            path: s("line.jsonl"),
            op: s("sync"),
            message: s("disk full"),
        },
        Error::JournalLocked {
            path: s("line.jsonl"),
        },
        Error::JournalCorrupt {
            path: s("line.jsonl"),
            line: 3,
            offset: 1016,
            reason: s("hash_mismatch"),
            detail: String::new(),
        },
        Error::JournalReplayRejected {
            path: s("line.jsonl"),
            line: 2,
            error: Box::new(Error::InvalidReceipt {
                member: s("kind"),
                rule: s("unknown receipt kind `x.y`"),
            }),
        },
        Error::JournalEmpty {
            path: s("line.jsonl"),
        },
        Error::JournalPoisoned {
            path: s("line.jsonl"),
        },
        Error::JournalReadOnly {
            path: s("line.jsonl"),
        },
        Error::BundleMalformed {
            reason: s("member `v` must be 1"),
        },
        Error::BundleInvalid {
            seq: Some(3),
            reason: s("hash_mismatch"),
        },
        Error::NoReceiptsForSubject {
            subject: s("SKU-000002"),
            size: 7,
        },
        Error::InvalidWindow {
            from: Some(s("2026-01-27")),
            to: Some(s("2026-01-26")),
            days: None,
            reason: s("from is after to"),
        },
        Error::InvalidForecast {
            field: s("runs"),
            value: s("0"),
        },
        Error::NoThroughputHistory { days: 30 },
        Error::ImprovementNotFound {
            id: s("IMP-000009"),
        },
        Error::InvalidImprovementTransition {
            id: s("IMP-000001"),
            from: s("rejected"),
            op: s("accept"),
        },
        Error::MeasurementWindowOpen {
            id: s("IMP-000001"),
            ends_at: 1_770_026_400_000,
        },
        Error::InvalidMeasurement { days: 0 },
        Error::InvalidKaizenConfig {
            field: s("windows"),
            reason: s("must not be empty"),
        },
    ]
}

fn spec_rows() -> Vec<(u16, &'static str)> {
    SPEC_TABLES
        .iter()
        .flat_map(|(_, rows)| rows.iter().copied())
        .collect()
}

/// `JournalReplayRejected` as `journal_replay_rejected`.
fn snake_case(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The variant names of `pub enum Error` in `src/error.rs`, read from
/// the source: the lines indented once that start with a capital.
fn variants_in_source() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/error.rs");
    let source = std::fs::read_to_string(path).unwrap();
    let start = source.find("pub enum Error {").expect("the enum is there");
    let end = start + source[start..].find("\n}\n").expect("the enum ends");

    source[start..end]
        .lines()
        .skip(1)
        .filter_map(|line| line.strip_prefix("    "))
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(|rest| {
            let name: String = rest
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            snake_case(&name)
        })
        .collect()
}

#[test]
fn every_variant_has_the_code_and_name_of_the_spec_tables() {
    let ours: Vec<(u16, &str)> = every_variant()
        .iter()
        .map(|e| (e.code(), e.name()))
        .collect();

    assert_eq!(ours, spec_rows());
    assert_eq!(ours.len(), 84);
}

#[test]
fn the_list_of_variants_is_the_enum_of_the_source() {
    let listed: Vec<String> = every_variant()
        .iter()
        .map(|e| e.name().to_owned())
        .collect();

    assert_eq!(variants_in_source(), listed);
}

#[test]
fn no_code_and_no_name_is_used_twice() {
    let variants = every_variant();

    let codes: BTreeSet<u16> = variants.iter().map(Error::code).collect();
    let names: BTreeSet<&str> = variants.iter().map(Error::name).collect();
    let spec_codes: BTreeSet<u16> = spec_rows().iter().map(|r| r.0).collect();
    let spec_names: BTreeSet<&str> = spec_rows().iter().map(|r| r.1).collect();

    assert_eq!(codes.len(), variants.len());
    assert_eq!(names.len(), variants.len());
    assert_eq!(spec_codes.len(), spec_rows().len());
    assert_eq!(spec_names.len(), spec_rows().len());
    assert!(!codes.contains(&0), "0 is success in the C ABI");
}

#[test]
fn each_code_lies_in_the_block_of_the_file_that_defines_it() {
    let blocks: BTreeMap<&str, (u16, u16)> = [
        ("OVERVIEW.md, Error codes", (1, 99)),
        ("flow.md 16", (100, 199)),
        ("quality.md 9", (200, 299)),
        ("andon.md 12", (300, 399)),
        ("evidence-log.md 8", (400, 499)),
        ("kaizen.md 14", (500, 599)),
    ]
    .into_iter()
    .collect();

    for (file, rows) in SPEC_TABLES {
        let (low, high) = blocks[file];
        for (code, name) in rows {
            assert!((low..=high).contains(code), "{file}: {name} {code}");
        }
    }
    for (code, name) in SPEC_TABLES[2].1 {
        let ingestion = name.starts_with("ingest_");
        assert_eq!(
            *code >= 250,
            ingestion,
            "quality.md 9 splits at 250: {name}"
        );
    }
}

#[test]
fn names_shared_between_specs_keep_the_defining_code() {
    let table: BTreeMap<&str, u16> = spec_rows().into_iter().map(|(c, n)| (n, c)).collect();

    for (file, name) in SHARED {
        let code = table.get(name).copied();

        assert!(code.is_some(), "{file} uses {name}, which no table defines");
        let defined_in_flow = (100..200).contains(&code.unwrap_or(0));
        let defined_in_evidence = code == Some(407);
        assert!(defined_in_flow || defined_in_evidence, "{file}: {name}");
    }
}

#[test]
fn the_serde_form_names_each_error_and_round_trips() {
    for e in every_variant() {
        let json = serde_json::to_value(&e).unwrap();

        assert_eq!(json["name"], e.name(), "{json}");
        assert!(json.get("detail").is_some(), "{json}");
        let back: Error = serde_json::from_value(json).unwrap();
        assert_eq!(back, e);
    }
}

#[test]
fn messages_are_lower_case_without_a_final_period() {
    for e in every_variant() {
        let message = e.to_string();

        assert!(!message.is_empty(), "{}", e.name());
        assert!(!message.ends_with('.'), "{}: {message}", e.name());
        let first = message.chars().next().unwrap_or(' ');
        assert!(!first.is_uppercase(), "{}: {message}", e.name());
    }
}
