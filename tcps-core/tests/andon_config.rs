//! The andon policy: defaults and validation of andon.md 3.

use tcps_core::andon::{AndonConfig, EscalationLimits, Severity, StopScope};
use tcps_core::value::{Value, parse};
use tcps_core::{Config, Error};

/// The standard configuration with member `andon` replaced by `andon`.
fn with_andon(andon: &str) -> Result<Config, Error> {
    let mut value = Config::standard().to_value();
    let Value::Object(map) = &mut value else {
        panic!("a configuration is an object");
    };
    let member = parse(andon.as_bytes()).map_err(tcps_core::value::ParseFailure::into_error)?;
    map.insert("andon".into(), member);
    Config::from_value(&value)
}

fn refused(andon: &str) -> (String, String) {
    match with_andon(andon) {
        Err(Error::InvalidConfig { field, reason }) => (field, reason),
        other => panic!("expected invalid_config, got {other:?}"),
    }
}

const ESCALATION: &str = concat!(
    r#"{"critical":{"ack_within_ms":900000,"resolve_within_ms":14400000},"#,
    r#""high":{"ack_within_ms":3600000,"resolve_within_ms":86400000},"#,
    r#""medium":{"ack_within_ms":14400000,"resolve_within_ms":604800000},"#,
    r#""low":{"ack_within_ms":86400000,"resolve_within_ms":2592000000}}"#
);

fn policy(stop_scope: &str, rca: &str, escalation: &str) -> String {
    format!(
        r#"{{"stop_scope":{stop_scope},"sla_breach_stops":false,"require_rca":{rca},"escalation":{escalation}}}"#
    )
}

#[test]
fn the_standard_policy_is_the_table_of_andon_md_3() {
    let standard = AndonConfig::standard();

    assert_eq!(standard.stop_scope, StopScope::Sku);
    assert!(!standard.sla_breach_stops);
    assert_eq!(standard.require_rca, [Severity::Critical, Severity::High]);
    assert_eq!(
        standard.escalation.limits(Severity::Critical),
        EscalationLimits {
            ack_within_ms: 900_000,
            resolve_within_ms: 14_400_000
        }
    );
    assert_eq!(standard.escalation.high.resolve_within_ms, 86_400_000);
    assert_eq!(standard.escalation.medium.ack_within_ms, 14_400_000);
    assert_eq!(standard.escalation.low.resolve_within_ms, 2_592_000_000);
}

#[test]
fn the_standard_policy_reads_back_from_its_json() {
    let config = with_andon(&policy(r#""sku""#, r#"["critical","high"]"#, ESCALATION));

    assert_eq!(config.map(|c| c.andon), Ok(AndonConfig::standard()));
}

#[test]
fn a_policy_round_trips_through_the_configuration_object() {
    let mut config = Config::standard();
    config.andon.stop_scope = StopScope::Bucket;
    config.andon.sla_breach_stops = true;
    config.andon.require_rca = vec![Severity::Low];

    let back = Config::from_value(&config.to_value());

    assert_eq!(back.map(|c| c.andon), Ok(config.andon));
}

#[test]
fn missing_and_unknown_keys_are_refused_first() {
    assert_eq!(
        refused(r#"{"stop_scope":"sku"}"#),
        ("andon.sla_breach_stops".into(), "is missing".into())
    );
    let extra_limit = ESCALATION.replace("14400000}", r#"14400000,"x":1}"#);
    assert_eq!(
        refused(&policy(r#""sku""#, "[]", &extra_limit)).0,
        "andon.escalation.critical.x"
    );
    let extra = format!(r#"{{"extra":1,{}"#, &policy("1", "[]", ESCALATION)[1..]);
    assert_eq!(refused(&extra).0, "andon.extra");
    assert_eq!(refused("[]").0, "andon");
}

#[test]
fn json_types_are_checked_before_values() {
    assert_eq!(
        refused(&policy("1", r#"["nope"]"#, ESCALATION)),
        ("andon.stop_scope".into(), "must be a string".into())
    );
    assert_eq!(
        refused(&policy(r#""sku""#, r#""high""#, ESCALATION)).0,
        "andon.require_rca"
    );
    assert_eq!(
        refused(&policy(r#""sku""#, "[1]", ESCALATION)).0,
        "andon.require_rca"
    );
    assert_eq!(
        refused(&policy(r#""sku""#, "[]", "[]")),
        ("andon.escalation".into(), "must be an object".into())
    );
}

#[test]
fn the_stop_scope_is_sku_bucket_or_line() {
    let (field, reason) = refused(&policy(r#""team""#, r#"["nope"]"#, "{}"));

    assert_eq!(field, "andon.stop_scope");
    assert_eq!(reason, "`team` is not sku, bucket or line");
}

#[test]
fn require_rca_holds_severities_once() {
    assert_eq!(
        refused(&policy(r#""line""#, r#"["urgent"]"#, "{}")),
        (
            "andon.require_rca".into(),
            "`urgent` is not a severity".into()
        )
    );
    assert_eq!(
        refused(&policy(r#""line""#, r#"["low","low"]"#, "{}")),
        ("andon.require_rca".into(), "`low` is listed twice".into())
    );
}

#[test]
fn the_escalation_table_has_exactly_the_four_severities_with_both_keys() {
    let no_low = ESCALATION.replace(
        r#","low":{"ack_within_ms":86400000,"resolve_within_ms":2592000000}"#,
        "",
    );
    assert_eq!(
        refused(&policy(r#""sku""#, "[]", &no_low)),
        ("andon.escalation.low".into(), "is missing".into())
    );

    let extra = ESCALATION.replacen('{', r#"{"urgent":{},"#, 1);
    assert_eq!(
        refused(&policy(r#""sku""#, "[]", &extra)).0,
        "andon.escalation.urgent"
    );

    let no_key = ESCALATION.replace(r#""ack_within_ms":3600000,"#, "");
    assert_eq!(
        refused(&policy(r#""sku""#, "[]", &no_key)),
        (
            "andon.escalation.high.ack_within_ms".into(),
            "is missing".into()
        )
    );
}

#[test]
fn limits_run_from_one_ms_to_a_hundred_years_with_ack_first() {
    let zero = ESCALATION.replace("900000", "0");
    assert_eq!(
        refused(&policy(r#""sku""#, "[]", &zero)).0,
        "andon.escalation.critical.ack_within_ms"
    );

    let inverted = ESCALATION.replace("14400000}", "899999}");
    assert_eq!(
        refused(&policy(r#""sku""#, "[]", &inverted)).0,
        "andon.escalation.critical.resolve_within_ms"
    );

    let huge = ESCALATION.replace("2592000000", "3153600000001");
    assert_eq!(
        refused(&policy(r#""sku""#, "[]", &huge)).0,
        "andon.escalation.low.resolve_within_ms"
    );

    let edge = ESCALATION.replace("2592000000", "3153600000000");
    assert!(with_andon(&policy(r#""sku""#, "[]", &edge)).is_ok());
}
