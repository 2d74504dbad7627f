//! Conditions and outcomes (quality.md 2, 10.1: Q-1 to Q-9) and the
//! validation of gates as configuration data.

mod quality_common;

use tcps_core::Config;
use tcps_core::error::Error;
use tcps_core::ingest::{self, Input, Limits};
use tcps_core::quality::{
    Actual, AndonType, Condition, EvalContext, Evidence, EvidenceKind, Gate, GateSeverity, Metric,
    Note, Op, QualityConfig, Verdict, evaluate, preview,
};
use tcps_core::value::Value;

use quality_common::standard_gate;

fn ratio(num: u64, den: u64) -> Option<Actual> {
    Actual::ratio(num, den)
}

fn tests_summary(xml: &str) -> tcps_core::ingest::TestSummary {
    ingest::junit(Input::new("inline.xml", xml.as_bytes()), &Limits::default()).unwrap()
}

#[test]
fn q1_a_ratio_exactly_at_the_threshold_passes() {
    let condition = Condition::error(Metric::TestPassRate, Op::Ge, 9500);
    let actual = ratio(95, 100);

    let verdict = condition.verdict(actual.as_ref());

    assert_eq!(verdict, Verdict::Pass);
    assert_eq!(
        actual.unwrap().to_value().to_canonical_string(),
        r#"{"bp":9500,"den":100,"num":95}"#
    );
}

#[test]
fn q2_a_ratio_just_below_the_threshold_fails() {
    let condition = Condition::error(Metric::TestPassRate, Op::Ge, 9500);
    let actual = ratio(18_999, 20_000);

    let verdict = condition.verdict(actual.as_ref());

    assert_eq!(verdict, Verdict::Fail);
    assert_eq!(actual.unwrap().bp(), Some(9499));
}

#[test]
fn q3_the_display_value_does_not_decide() {
    let condition = Condition::error(Metric::DefectRate, Op::Le, 500);
    let actual = ratio(1001, 20_000);

    let verdict = condition.verdict(actual.as_ref());

    assert_eq!(verdict, Verdict::Fail);
    assert_eq!(actual.unwrap().bp(), Some(500));
}

#[test]
fn q4_a_warning_band_warns_between_the_thresholds() {
    let mut condition = Condition::error(Metric::LineCoverage, Op::Ge, 8000);
    condition.warning = Some(8500);

    let at = |bp: u64| condition.verdict(ratio(bp, 10_000).as_ref());

    assert_eq!(at(8200), Verdict::Warn);
    assert_eq!(at(8600), Verdict::Pass);
    assert_eq!(at(7999), Verdict::Fail);
    assert_eq!(at(8500), Verdict::Pass);
}

#[test]
fn q5_a_warn_only_condition_never_fails_on_a_value() {
    let condition = Condition::warning(Metric::SarifWarnings, Op::Le, 0);

    let at = |c: u64| condition.verdict(Some(&Actual::Count(c)));

    assert_eq!(at(4), Verdict::Warn);
    assert_eq!(at(0), Verdict::Pass);
    for c in [1, 2, 1000, (1 << 53) - 1] {
        assert_ne!(at(c), Verdict::Fail);
    }
}

#[test]
fn q6_a_missing_coverage_report_fails_with_no_data() {
    let gate = standard_gate("test_execution");
    let evidence = Evidence::Tests {
        tests: Some(tests_summary(
            r#"<testsuite><testcase name="a"/></testsuite>"#,
        )),
        coverage: None,
    };

    let evaluation = preview(&gate, &evidence).unwrap();

    let coverage = &evaluation.conditions[2];
    assert_eq!(coverage.metric, Metric::LineCoverage);
    assert_eq!(coverage.verdict, Verdict::Fail);
    assert_eq!(coverage.actual, None);
    assert_eq!(coverage.note, Some(Note::NoData));
    assert_eq!(
        coverage.to_value().get("actual"),
        Some(&Value::Null),
        "actual is null exactly when there is no data"
    );
}

#[test]
fn q6_without_history_the_quality_metrics_conditions_pass_with_no_data() {
    let gate = standard_gate("quality_metrics");

    let evaluation = evaluate(&gate, &Evidence::History, &EvalContext::default()).unwrap();

    for c in &evaluation.conditions {
        assert_eq!(
            (c.verdict, c.note, c.actual),
            (Verdict::Pass, Some(Note::NoData), None)
        );
    }
    assert_eq!(evaluation.outcome, Verdict::Pass);
}

/// The standard configuration with one edit to its `gates` member.
fn with_gates(edit: impl FnOnce(&mut Vec<Value>)) -> Result<Config, Error> {
    let mut value = Config::standard().to_value();
    let Value::Object(map) = &mut value else {
        unreachable!()
    };
    let Some(Value::Array(gates)) = map.get_mut("gates") else {
        unreachable!()
    };
    edit(gates);
    Config::from_value(&value)
}

/// Replaces condition `index` of gate `gate` (0-based in the list).
fn with_condition(gate: usize, index: usize, condition: &str) -> Result<Config, Error> {
    let condition = tcps_core::value::parse(condition.as_bytes()).unwrap();
    with_gates(|gates| {
        let Value::Object(g) = &mut gates[gate] else {
            unreachable!()
        };
        let Some(Value::Array(conditions)) = g.get_mut("conditions") else {
            unreachable!()
        };
        conditions[index] = condition;
    })
}

fn condition_error(result: Result<Config, Error>) -> (String, u32) {
    match result {
        Err(Error::InvalidCondition { gate, index, .. }) => (gate, index),
        other => panic!("expected invalid_condition, got {other:?}"),
    }
}

#[test]
fn q7a_a_warning_looser_than_the_error_threshold_is_refused() {
    let result = with_condition(
        2,
        2,
        r#"{"metric":"line_coverage","op":">=","error":8000,"warning":7500}"#,
    );

    assert_eq!(condition_error(result), ("test_execution".into(), 2));
}

#[test]
fn q7b_a_warning_threshold_with_equality_is_refused() {
    let result = with_condition(
        1,
        0,
        r#"{"metric":"compile_errors","op":"==","error":0,"warning":0}"#,
    );

    assert_eq!(condition_error(result), ("compilation".into(), 0));
}

#[test]
fn q7c_a_metric_of_another_kind_is_refused() {
    let result = with_condition(2, 0, r#"{"metric":"sarif_errors","op":"==","error":0}"#);

    assert_eq!(condition_error(result), ("test_execution".into(), 0));
}

#[test]
fn q7d_a_condition_without_thresholds_is_refused() {
    let result = with_condition(
        2,
        1,
        r#"{"metric":"test_pass_rate","op":">=","error":null,"warning":null}"#,
    );

    assert_eq!(condition_error(result), ("test_execution".into(), 1));
}

/// A compilation gate with the given conditions.
fn compilation_gate(conditions: Vec<Condition>) -> Gate {
    Gate {
        conditions,
        ..standard_gate("compilation")
    }
}

fn compilation(errors: u64, warnings: u64) -> Evidence {
    Evidence::Compilation(tcps_core::ingest::DiagnosticSummary {
        errors,
        warnings,
        ..Default::default()
    })
}

#[test]
fn q8_the_worst_verdict_is_the_outcome() {
    let pass = Condition::error(Metric::CompileErrors, Op::Eq, 0);
    let warn = Condition::warning(Metric::CompileWarnings, Op::Le, 0);
    let fail = Condition::error(Metric::CompileWarnings, Op::Le, 1);

    let outcome = |conditions| {
        preview(&compilation_gate(conditions), &compilation(0, 3))
            .unwrap()
            .outcome
    };

    assert_eq!(
        outcome(vec![pass.clone(), warn.clone(), pass.clone()]),
        Verdict::Warn
    );
    assert_eq!(outcome(vec![warn, fail]), Verdict::Fail);
    assert_eq!(outcome(Vec::new()), Verdict::Pass);
}

#[test]
fn q9_a_non_blocking_gate_reports_a_fail_as_a_downgraded_warn() {
    let gate = standard_gate("smoke_test");
    let smoke = tests_summary(
        r#"<testsuite><testcase name="a"/><testcase name="b"><failure/></testcase></testsuite>"#,
    );

    let evaluation = preview(&gate, &Evidence::Smoke(Some(smoke))).unwrap();

    assert_eq!(evaluation.outcome, Verdict::Warn);
    assert!(evaluation.downgraded);
    assert_eq!(evaluation.conditions[0].verdict, Verdict::Fail);
    assert_eq!(evaluation.failed_metrics(), ["smoke_pass_rate"]);
}

#[test]
fn the_standard_catalogue_has_eight_gates_on_the_first_eight_stages() {
    use AndonType as A;
    use EvidenceKind as K;
    use GateSeverity::{Critical, High, Medium};

    let config = QualityConfig::standard();

    let rows: Vec<_> = config
        .gates
        .iter()
        .map(|g| {
            (
                g.name.as_str(),
                g.kind,
                g.severity,
                g.blocking,
                g.andon_type,
                g.allow_skip,
            )
        })
        .collect();

    assert_eq!(
        rows,
        [
            (
                "shacl_validation",
                K::Shacl,
                Critical,
                true,
                A::ShaclViolation,
                true
            ),
            (
                "compilation",
                K::Compilation,
                Critical,
                true,
                A::CompilationFailure,
                false
            ),
            (
                "test_execution",
                K::Tests,
                Critical,
                true,
                A::TestFailure,
                false
            ),
            (
                "security_scan",
                K::Security,
                Critical,
                true,
                A::SecurityVulnerability,
                false
            ),
            (
                "deterministic_build",
                K::Determinism,
                Critical,
                true,
                A::NonDeterminism,
                false
            ),
            (
                "quality_metrics",
                K::History,
                High,
                true,
                A::QualityRegression,
                false
            ),
            (
                "release_verification",
                K::Release,
                High,
                true,
                A::MissingReceipt,
                false
            ),
            ("smoke_test", K::Smoke, Medium, false, A::None, false),
        ]
    );
    assert!(config.gates.iter().all(|g| g.stage == g.name));
    assert_eq!(
        config.gate("quality_metrics").unwrap().history_days,
        Some(30)
    );
}

#[test]
fn the_standard_thresholds_are_those_of_the_catalogue() {
    let config = QualityConfig::standard();

    let text: Vec<String> = config
        .gates
        .iter()
        .flat_map(|g| g.conditions.iter())
        .map(|c| {
            let t = |v: Option<i64>| v.map_or("-".to_owned(), |v| v.to_string());
            format!(
                "{} {} {} {} {}",
                c.metric,
                c.op,
                t(c.error),
                t(c.warning),
                c.if_no_data
            )
        })
        .collect();

    assert_eq!(
        text,
        [
            "shacl_violations == 0 - fail",
            "compile_errors == 0 - fail",
            "tests_executed > 0 - fail",
            "test_pass_rate >= 9500 - fail",
            "line_coverage >= 8000 - fail",
            "sarif_errors == 0 - fail",
            "vulns_high_critical == 0 - fail",
            "secrets == 0 - fail",
            "sarif_warnings <= - 0 fail",
            "vulns_unknown <= - 0 fail",
            "build_mismatches == 0 - fail",
            "first_pass_yield >= 9000 - pass",
            "defect_rate <= 500 - pass",
            "gate_pass_rate >= 9500 - pass",
            "release_check_failures == 0 - fail",
            "smoke_pass_rate >= 10000 - fail",
        ]
    );
}

#[test]
fn the_standard_configuration_reads_back_unchanged() {
    let config = Config::standard();

    let again = Config::from_value(&config.to_value()).unwrap();

    assert_eq!(again, config);
    assert_eq!(again.quality, QualityConfig::standard());
}

fn gate_error(result: Result<Config, Error>) -> (String, String) {
    match result {
        Err(Error::InvalidGate { gate, field, .. }) => (gate, field),
        other => panic!("expected invalid_gate, got {other:?}"),
    }
}

fn set(gates: &mut [Value], i: usize, field: &str, value: Value) {
    let Value::Object(g) = &mut gates[i] else {
        unreachable!()
    };
    g.insert(field.to_owned(), value);
}

#[test]
fn gate_rules_are_checked_in_the_order_of_the_spec() {
    let bad_name = with_gates(|g| set(g, 1, "name", Value::from("Compilation")));
    let same_name = with_gates(|g| set(g, 1, "name", Value::from("shacl_validation")));
    let same_stage = with_gates(|g| set(g, 1, "stage", Value::from("shacl_validation")));
    let no_stage = with_gates(|g| set(g, 1, "stage", Value::from("packaging")));
    let bad_kind = with_gates(|g| set(g, 1, "kind", Value::from("lint")));
    let manual = with_gates(|g| set(g, 1, "andon_type", Value::from("manual")));
    let bad_andon = with_gates(|g| set(g, 1, "andon_type", Value::from("oops")));
    let non_blocking = with_gates(|g| set(g, 1, "blocking", Value::Bool(false)));
    let days = with_gates(|g| set(g, 5, "history_days", Value::Int(3661)));
    let days_elsewhere = with_gates(|g| set(g, 1, "history_days", Value::Int(30)));
    let order = with_gates(|g| g.swap(0, 1));

    assert_eq!(gate_error(bad_name), ("Compilation".into(), "name".into()));
    assert_eq!(
        gate_error(same_name),
        ("shacl_validation".into(), "name".into())
    );
    assert_eq!(
        gate_error(same_stage),
        ("compilation".into(), "stage".into())
    );
    assert_eq!(gate_error(no_stage), ("compilation".into(), "stage".into()));
    assert_eq!(gate_error(bad_kind), ("compilation".into(), "kind".into()));
    assert_eq!(
        gate_error(manual),
        ("compilation".into(), "andon_type".into())
    );
    assert_eq!(
        gate_error(bad_andon),
        ("compilation".into(), "andon_type".into())
    );
    assert_eq!(
        gate_error(non_blocking),
        ("compilation".into(), "andon_type".into())
    );
    assert_eq!(
        gate_error(days),
        ("quality_metrics".into(), "history_days".into())
    );
    assert_eq!(
        gate_error(days_elsewhere),
        ("compilation".into(), "history_days".into())
    );
    assert_eq!(
        gate_error(order),
        ("shacl_validation".into(), "stage".into())
    );
}

#[test]
fn a_gate_rule_is_reported_before_its_conditions() {
    let result = with_gates(|g| {
        set(g, 1, "name", Value::from("9lives"));
        set(g, 1, "conditions", Value::Array(vec![Value::Int(1)]));
    });

    assert_eq!(gate_error(result), ("9lives".into(), "name".into()));
}

#[test]
fn a_host_can_run_two_gates_of_one_kind_and_no_gate_at_all() {
    let result = with_gates(|g| {
        let mut twin = g[2].clone();
        set(
            std::slice::from_mut(&mut twin),
            0,
            "name",
            Value::from("coverage_again"),
        );
        set(
            std::slice::from_mut(&mut twin),
            0,
            "stage",
            Value::from("smoke_test"),
        );
        g.truncate(7);
        g.push(twin);
        g.remove(0);
    });

    let config = result.unwrap();
    let names: Vec<_> = config
        .quality
        .gates
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    assert_eq!(names[0], "compilation");
    assert_eq!(names.last(), Some(&"coverage_again"));
    assert!(config.quality.gate_for_stage("shacl_validation").is_none());
}

#[test]
fn a_history_gate_without_a_window_gets_the_default_of_30_days() {
    let config = with_gates(|g| {
        let Value::Object(gate) = &mut g[5] else {
            unreachable!()
        };
        gate.remove("history_days");
    });

    let gate = config.unwrap().quality.gates[5].clone();

    assert_eq!(gate.history_days, Some(30));
    assert_eq!(gate.to_value().get("history_days"), Some(&Value::Int(30)));
}

#[test]
fn thresholds_outside_their_range_are_refused() {
    let ratio = with_condition(
        2,
        1,
        r#"{"metric":"test_pass_rate","op":">=","error":1000001}"#,
    );
    let negative = with_condition(1, 0, r#"{"metric":"compile_errors","op":"<=","error":-1}"#);
    let ok = with_condition(
        2,
        1,
        r#"{"metric":"test_pass_rate","op":">=","error":1000000}"#,
    );

    assert_eq!(condition_error(ratio), ("test_execution".into(), 1));
    assert_eq!(condition_error(negative), ("compilation".into(), 0));
    assert!(ok.is_ok());
}

#[test]
fn if_no_data_defaults_to_fail_and_is_written_back() {
    let config = with_condition(1, 0, r#"{"metric":"compile_errors","op":"==","error":0}"#);

    let condition = &config.unwrap().quality.gates[1].conditions[0];

    assert_eq!(condition.if_no_data, Verdict::Fail);
    assert_eq!(condition.warning, None);
}

#[test]
fn the_licence_policy_must_have_its_exact_shape() {
    let edit = |licences: &str| {
        let mut value = Config::standard().to_value();
        let Value::Object(map) = &mut value else {
            unreachable!()
        };
        map.insert(
            "licences".into(),
            tcps_core::value::parse(licences.as_bytes()).unwrap(),
        );
        Config::from_value(&value)
    };
    let field = |r: Result<Config, Error>| match r {
        Err(Error::InvalidConfig { field, .. }) => field,
        other => panic!("expected invalid_config, got {other:?}"),
    };

    assert_eq!(
        field(edit(r#"{"allowed":["MIT"]}"#)),
        "licences.allow_unknown"
    );
    assert_eq!(
        field(edit(r#"{"allowed":["MIT",""],"allow_unknown":false}"#)),
        "licences.allowed"
    );
    assert_eq!(
        field(edit(r#"{"allowed":"MIT","allow_unknown":false}"#)),
        "licences.allowed"
    );
    assert_eq!(
        field(edit(r#"{"allowed":[],"allow_unknown":1}"#)),
        "licences.allow_unknown"
    );
    assert_eq!(
        field(edit(r#"{"allowed":[],"allow_unknown":true,"x":1}"#)),
        "licences.x"
    );
    assert_eq!(field(edit("[]")), "licences");
    assert!(edit(r#"{"allowed":[],"allow_unknown":true}"#).is_ok());
}
