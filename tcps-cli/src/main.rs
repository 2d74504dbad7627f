//! The `tcps` command.
fn main() {}
