//! What every subcommand shares: the journal path, the time, the output
//! mode, and how errors are shown.

use std::path::PathBuf;
use std::process::ExitCode;

use tcps_core::{Error, Timestamp};

/// Exit status for a usage or input error.
pub const EXIT_USAGE: u8 = 2;

/// Global options, resolved.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The journal file.
    pub journal: PathBuf,
    /// Whether `--journal` was given.
    pub journal_given: bool,
    /// The operation time.
    pub now: Timestamp,
    /// Whether `--now` was given.
    pub now_given: bool,
    /// Print JSON.
    pub json: bool,
}

impl Ctx {
    /// Resolves the global options.
    pub fn new(journal: Option<PathBuf>, now: Option<&str>, json: bool) -> Result<Self, Error> {
        let now_given = now.is_some();
        let now = match now {
            Some(text) => parse_time(text)?,
            None => wall_clock(),
        };
        Ok(Self {
            journal_given: journal.is_some(),
            journal: journal.unwrap_or_else(|| PathBuf::from("tcps.journal")),
            now,
            now_given,
            json,
        })
    }

    /// Prints a value as pretty JSON.
    pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Error> {
        let text = serde_json::to_string_pretty(value).map_err(|e| Error::Io {
            op: "write".into(),
            path: "stdout".into(),
            message: e.to_string(),
        })?;
        println!("{text}");
        Ok(())
    }
}

/// Reads `--now`: RFC 3339 text or milliseconds since the epoch.
pub fn parse_time(text: &str) -> Result<Timestamp, Error> {
    if let Ok(ms) = text.parse::<i64>() {
        return Ok(ms);
    }
    tcps_core::time::parse_rfc3339(text).map_err(|_| Error::InvalidArgument {
        argument: "--now".into(),
        reason: format!("`{text}` is neither RFC 3339 nor milliseconds since the epoch"),
    })
}

fn wall_clock() -> Timestamp {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Prints an error as one line on stderr and picks the exit status:
/// 2 for usage and input errors, 1 for everything else.
///
/// A bad report window or forecast (`--window 2026-01-27..2026-01-26`,
/// `--runs 0`) is a usage error too: only command-line arguments make
/// them.
pub fn fail(e: &Error) -> ExitCode {
    eprintln!("tcps: error: {e} [{}]", e.name());
    let usage = matches!(
        e,
        Error::InvalidArgument { .. }
            | Error::InvalidUtf8 { .. }
            | Error::Io { .. }
            | Error::InvalidWindow { .. }
            | Error::InvalidForecast { .. }
    ) || e.code() / 50 == 5; // 250..=299: the report could not be read
    ExitCode::from(if usage { EXIT_USAGE } else { 1 })
}

/// Reads a file the user named, as bytes, with a clear error.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|e| Error::Io {
        op: "read".into(),
        path: path.display().to_string(),
        message: e.to_string(),
    })
}
