//! Helpers every CLI test file shares: run the built `tcps` binary and
//! read what it did.

// Each test binary uses its own subset of these.
#![allow(dead_code)]

use std::process::{Command, Output};

/// The path of a file of `examples/data`.
pub fn example(file: &str) -> String {
    format!("{}/../examples/data/{file}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `tcps ARGS…` to completion.
pub fn tcps(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tcps"))
        .args(args)
        .output()
        .expect("the tcps binary runs")
}

/// The exit status; a run ended by a signal has none and fails the test.
pub fn code(out: &Output) -> i32 {
    out.status.code().expect("an exit status")
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
