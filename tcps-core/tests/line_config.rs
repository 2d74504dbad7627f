//! The line's configuration (evidence-log.md 1.4): its `name` obeys
//! the origin rules of 5.2 and never changes, and `change_config`
//! checks `now`, then the name, then the rest, the first failure
//! deciding.

use tcps_core::config::STANDARD_NAME;
use tcps_core::journal::{Journal, JournalOptions};
use tcps_core::receipt::Receipt;
use tcps_core::value::Value;
use tcps_core::{Config, Digest, Error, Line};

const T0: i64 = 1_769_421_600_000;
const LATER: i64 = T0 + 3_600_000;

fn named(name: &str) -> Config {
    Config {
        name: name.to_owned(),
        ..Config::standard()
    }
}

/// A configuration that breaks flow.md 3.4 and nothing else.
fn without_stages(name: &str) -> Config {
    let mut config = named(name);
    config.flow.stages.clear();
    config
}

fn invalid_origin(origin: &str, rule: &str) -> Error {
    Error::InvalidOrigin {
        origin: origin.to_owned(),
        rule: rule.to_owned(),
    }
}

fn no_stages() -> Error {
    Error::InvalidConfig {
        field: "stages".into(),
        reason: "must hold at least one stage".into(),
    }
}

/// Names that break 5.2, each with the error it must give.
fn bad_names() -> Vec<(String, Error)> {
    let long = "a".repeat(256);
    vec![
        (String::new(), invalid_origin("", "empty")),
        (
            "demo line".into(),
            invalid_origin("demo line", "white space U+0020 at byte 4"),
        ),
        (
            "tab\there".into(),
            invalid_origin("tab\there", "white space U+0009 at byte 3"),
        ),
        (
            "nb\u{a0}sp".into(),
            invalid_origin("nb\u{a0}sp", "white space U+00A0 at byte 2"),
        ),
        (
            "del\u{7f}".into(),
            invalid_origin("del\u{7f}", "control character U+007F at byte 3"),
        ),
        (
            "tcps+line".into(),
            invalid_origin("tcps+line", "plus sign at byte 4"),
        ),
        (
            long.clone(),
            invalid_origin(&long[..255], "longer than 255 bytes"),
        ),
    ]
}

// ---- the name at creation ----

#[test]
fn a_line_with_a_name_that_breaks_the_origin_rules_is_refused() {
    for (name, expected) in bad_names() {
        let created = Line::new(named(&name), T0);

        assert_eq!(created.err(), Some(expected), "{name:?}");
    }
}

#[test]
fn the_name_is_checked_before_every_other_member() {
    let err = Line::new(without_stages("demo line"), T0).unwrap_err();

    assert_eq!(
        err,
        invalid_origin("demo line", "white space U+0020 at byte 4")
    );
    assert_eq!(
        Line::new(without_stages("demo"), T0).err(),
        Some(no_stages())
    );
}

#[test]
fn the_longest_and_the_recommended_names_are_accepted_and_name_the_checkpoints() {
    let longest = "é".repeat(127) + "a";
    assert_eq!(longest.len(), 255);

    for name in [longest.as_str(), "example.com/tcps/line-a", "t"] {
        let line = Line::new(named(name), T0).unwrap();

        assert_eq!(line.name(), name);
        assert_eq!(line.checkpoint(1).unwrap().origin, name);
    }
}

#[test]
fn a_journal_with_a_bad_name_is_refused_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("line.jsonl");

    let err = Journal::create(&path, named("a b"), T0, &JournalOptions::new()).unwrap_err();

    assert_eq!(err, invalid_origin("a b", "white space U+0020 at byte 1"));
    assert!(!path.exists());
}

#[test]
fn a_logged_configuration_with_a_bad_name_is_refused() {
    let mut value = Config::standard().to_value();
    if let Value::Object(map) = &mut value {
        map.insert("name".into(), Value::String("x+y".into()));
    }

    let err = Config::from_value(&value).unwrap_err();
    let standard_named = Config::standard_named("x+y").unwrap_err();

    assert_eq!(err, invalid_origin("x+y", "plus sign at byte 1"));
    assert_eq!(standard_named, err);
}

#[test]
fn a_replayed_log_whose_first_receipt_has_a_bad_name_is_refused() {
    let mut config = Config::standard().to_value();
    if let Value::Object(map) = &mut config {
        map.insert("name".into(), Value::String("bad name".into()));
    }
    let body = tcps_core::obj! { "config" => config };
    let opened = Receipt::seal(0, T0, "line.opened", "line", body, 0, Digest::ZERO).unwrap();

    let err = Line::replay([opened]).err();

    assert_eq!(
        err,
        Some((
            0,
            invalid_origin("bad name", "white space U+0020 at byte 3")
        ))
    );
}

// ---- the name never changes ----

#[test]
fn a_change_that_alters_the_name_is_refused_and_appends_nothing() {
    let mut line = Line::standard(T0).unwrap();
    let before = line.log().clone();

    let err = line
        .change_config(named("tcps.example/other"), "rename", LATER)
        .unwrap_err();

    assert_eq!(
        err,
        Error::LineNameImmutable {
            name: STANDARD_NAME.into(),
            offered: "tcps.example/other".into(),
        }
    );
    assert_eq!(err.code(), 408);
    assert_eq!(err.name(), "line_name_immutable");
    assert_eq!(
        err.to_string(),
        "line name is immutable: `tcps`, offered `tcps.example/other`"
    );
    assert!(*line.log() == before);
    assert_eq!(line.name(), "tcps");
}

/// A standard line's `line.opened` and a `line.config_changed` that
/// renames it, sealed correctly: a receipt the line never writes.
fn renaming_log() -> Vec<Receipt> {
    let line = Line::standard(T0).unwrap();
    let opened = line.receipt(0).unwrap();
    let body = tcps_core::obj! {
        "config" => named("tcps.example/other").to_value(),
        "reason" => "rename",
    };
    let renamed = Receipt::seal(
        1,
        LATER,
        "line.config_changed",
        "line",
        body,
        0,
        opened.hash,
    );
    vec![opened, renamed.unwrap()]
}

fn renamed() -> Error {
    Error::LineNameImmutable {
        name: "tcps".into(),
        offered: "tcps.example/other".into(),
    }
}

#[test]
fn a_replayed_config_change_that_alters_the_name_is_refused() {
    let err = Line::replay(renaming_log()).err();

    assert_eq!(err, Some((1, renamed())));
}

#[test]
fn a_journal_whose_config_change_alters_the_name_does_not_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("line.jsonl");
    let mut bytes = Vec::new();
    for r in renaming_log() {
        r.write_line(&mut bytes);
    }
    std::fs::write(&path, &bytes).unwrap();

    let err = Journal::open(&path, &JournalOptions::new()).unwrap_err();

    assert_eq!(
        err,
        Error::JournalReplayRejected {
            path: path.display().to_string(),
            line: 2,
            error: Box::new(renamed()),
        }
    );
}

#[test]
fn a_change_appends_one_receipt_with_the_whole_config_and_the_reason_as_given() {
    let mut line = Line::new(named("tcps.example/line-a"), T0).unwrap();
    let mut config = named("tcps.example/line-a");
    config.flow.expedite_limit = 3;

    line.change_config(config.clone(), "  more expedite slots \u{1F680} ", LATER)
        .unwrap();
    line.change_config(config.clone(), "", LATER).unwrap();

    assert_eq!(line.len(), 3);
    for (seq, reason) in [(1, "  more expedite slots \u{1F680} "), (2, "")] {
        let r = line.receipt(seq).unwrap();
        assert_eq!(
            (r.kind.as_str(), r.subject.as_str(), r.at, r.more),
            ("line.config_changed", "line", LATER, 0)
        );
        assert_eq!(r.field("config"), Some(&config.to_value()));
        assert_eq!(r.field("reason"), Some(&Value::String(reason.into())));
    }
    assert_eq!(*line.config(), config);
}

// ---- the order of the checks ----

#[test]
fn now_is_checked_before_the_name_and_the_validity() {
    let mut line = Line::standard(T0).unwrap();
    line.change_config(Config::standard(), "", LATER).unwrap();

    let err = line
        .change_config(without_stages("bad name"), "", LATER - 1)
        .unwrap_err();

    assert_eq!(
        err,
        Error::NowBeforeLastReceipt {
            now: LATER - 1,
            last_at: LATER
        }
    );
    assert_eq!(line.len(), 2);
}

#[test]
fn the_name_is_checked_before_the_validity() {
    let mut line = Line::standard(T0).unwrap();

    let invalid_and_renamed = line
        .change_config(without_stages("other"), "", LATER)
        .unwrap_err();
    let invalid_and_badly_named = line
        .change_config(without_stages("bad name"), "", LATER)
        .unwrap_err();

    assert_eq!(
        invalid_and_renamed,
        Error::LineNameImmutable {
            name: "tcps".into(),
            offered: "other".into()
        }
    );
    assert_eq!(
        invalid_and_badly_named,
        Error::LineNameImmutable {
            name: "tcps".into(),
            offered: "bad name".into()
        }
    );
    assert_eq!(line.len(), 1);
}

#[test]
fn validity_is_checked_last_and_a_now_equal_to_the_last_at_is_accepted() {
    let mut line = Line::standard(T0).unwrap();

    let invalid = line
        .change_config(without_stages("tcps"), "", T0)
        .unwrap_err();
    line.change_config(Config::standard(), "", T0).unwrap();

    assert_eq!(invalid, no_stages());
    assert_eq!(line.len(), 2);
    assert_eq!(line.receipt(1).unwrap().at, T0);
}
