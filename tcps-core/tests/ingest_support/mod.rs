//! Helpers shared by the ingest tests.
#![allow(dead_code)]

use tcps_core::Error;
use tcps_core::error::IngestFailure;

/// The bytes of `tests/data/<kind>/<file>`.
pub fn data(kind: &str, file: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{kind}/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// The file names under `tests/data/<kind>`, sorted.
pub fn files(kind: &str) -> Vec<String> {
    let dir = format!("{}/tests/data/{kind}", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    files
}

/// The 8.3 fields of an ingest error.
pub fn failure(error: &Error) -> &IngestFailure {
    match error {
        Error::IngestTooLarge(f)
        | Error::IngestTooDeep(f)
        | Error::IngestEmpty(f)
        | Error::IngestInvalidUtf8(f)
        | Error::IngestUnsupportedEncoding(f)
        | Error::IngestForbidden(f)
        | Error::IngestMalformed(f)
        | Error::IngestWrongFormat(f)
        | Error::IngestUnsupported(f)
        | Error::IngestNoData(f) => f,
        other => panic!("not an ingest error: {other}"),
    }
}

/// Error name, reason, line and column of an ingest error.
pub fn at(error: &Error) -> (&'static str, String, Option<u64>, Option<u64>) {
    let f = failure(error);
    (error.name(), f.reason.clone(), f.line, f.column)
}

/// Error name, reason and JSON path of an ingest error.
pub fn at_path(error: &Error) -> (&'static str, String, Option<String>) {
    let f = failure(error);
    (error.name(), f.reason.clone(), f.path.clone())
}
