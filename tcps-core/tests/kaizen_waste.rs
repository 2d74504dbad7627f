//! kaizen.md 13.5 and 13.6: waste of fixture K (K-34 to K-39), its
//! proposals (K-40) and the improvement lifecycle (K-43 to K-46).

mod kaizen_common;

use kaizen_common::{D, H, NOW, date, fixture_k, k, pass, raise_manual, resolve, week};
use tcps_core::id::{ImprovementId, SkuId, WorkOrderId};
use tcps_core::kaizen::{self, Effort, ImprovementStatus, WastePoint, WasteType, Window};
use tcps_core::{Error, Line, Receipt, obj};

fn point<'a>(points: &'a [WastePoint], t: WasteType, stage: &str) -> &'a WastePoint {
    points
        .iter()
        .find(|p| p.waste_type == t && p.stage == stage)
        .unwrap_or_else(|| panic!("no {t:?} point in {stage}"))
}

#[test]
fn k34_the_waste_of_fixture_k_in_order() {
    let line = fixture_k();

    let points = kaizen::waste(&line, &Window::trailing(7, NOW).unwrap());

    let rows: Vec<(&str, &str, u64, i64, i64)> = points
        .iter()
        .map(|p| {
            (
                p.waste_type.as_str(),
                p.stage.as_str(),
                p.frequency,
                p.total_ms,
                p.impact_ms,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "excessive_rework",
                "test_execution",
                2,
                14_400_000,
                7_200_000
            ),
            ("repeat_andon", "compilation", 2, 14_400_000, 7_200_000),
            ("repeat_andon", "test_execution", 2, 14_400_000, 7_200_000),
            ("compilation_slow", "compilation", 3, 7_380_000, 2_460_000),
            ("excessive_rework", "compilation", 1, 7_200_000, 7_200_000),
            (
                "manual_intervention",
                "compilation",
                1,
                3_600_000,
                3_600_000
            ),
            (
                "manual_intervention",
                "release_verification",
                1,
                3_600_000,
                3_600_000
            ),
            ("flaky_test", "test_execution", 2, 1_800_000, 900_000),
            ("long_lead_time", "test_execution", 5, 300_000, 60_000),
        ]
    );
    let causes: Vec<&str> = points.iter().map(|p| p.cause.as_str()).collect();
    assert_eq!(
        causes,
        [
            "",
            "missing lock file update",
            "flaky network mock",
            "",
            "",
            "",
            "",
            "",
            ""
        ]
    );
    assert!(points.iter().all(|p| p.weekly_ms == p.total_ms));
    let total: i64 = points.iter().map(|p| p.total_ms).sum();
    assert_eq!(total, 67_080_000);
}

#[test]
fn k35_slow_compilation_counts_only_visits_over_the_limit() {
    let line = fixture_k();

    let points = kaizen::waste(&line, &week());

    let slow = point(&points, WasteType::CompilationSlow, "compilation");
    assert_eq!(slow.examples, ["SKU-000002", "SKU-000004", "SKU-000005"]);
    assert_eq!(slow.text, "Stage compilation took longer than 300 s");
}

#[test]
fn k36_flaky_tests_failed_and_passed_on_the_same_build() {
    let line = fixture_k();

    let points = kaizen::waste(&line, &week());

    let flaky = point(&points, WasteType::FlakyTest, "test_execution");
    assert_eq!(flaky.frequency, 2);
    assert_eq!(flaky.examples, ["api::test_login", "db::test_migrate"]);
    assert_eq!(flaky.text, "Tests both failed and passed on the same build");
}

#[test]
fn k37_repeat_andons_group_by_normalised_root_cause() {
    let line = fixture_k();

    let points = kaizen::waste(&line, &week());

    let network = point(&points, WasteType::RepeatAndon, "test_execution");
    let lock = point(&points, WasteType::RepeatAndon, "compilation");
    assert_eq!(network.cause, "flaky network mock");
    assert_eq!(network.examples, ["ANDON-000001", "ANDON-000003"]);
    assert_eq!(lock.examples, ["ANDON-000002", "ANDON-000004"]);
    assert_eq!(
        lock.text,
        "Root cause \"missing lock file update\" stopped the line 2 times"
    );
    assert_eq!(
        network.text,
        "Root cause \"flaky network mock\" stopped the line 2 times"
    );
}

#[test]
fn k38_long_lead_time_of_test_execution_only() {
    let line = fixture_k();

    let points = kaizen::waste(&line, &week());

    let long = point(&points, WasteType::LongLeadTime, "test_execution");
    assert_eq!(
        (long.frequency, long.total_ms, long.impact_ms),
        (5, 300_000, 60_000)
    );
    assert_eq!(
        long.examples,
        [
            "SKU-000001",
            "SKU-000003",
            "SKU-000002",
            "SKU-000004",
            "SKU-000006"
        ]
    );
    assert_eq!(long.text, "Stage test_execution averaged more than 1 h");
    let other_long = points
        .iter()
        .filter(|p| p.waste_type == WasteType::LongLeadTime)
        .count();
    assert_eq!(other_long, 1);
}

#[test]
fn k39_rework_and_manual_steps() {
    let line = fixture_k();

    let points = kaizen::waste(&line, &week());

    let tests = point(&points, WasteType::ExcessiveRework, "test_execution");
    let compile = point(&points, WasteType::ExcessiveRework, "compilation");
    let manual_c = point(&points, WasteType::ManualIntervention, "compilation");
    let manual_r = point(
        &points,
        WasteType::ManualIntervention,
        "release_verification",
    );
    assert_eq!(tests.examples, ["SKU-000002", "SKU-000005"]);
    assert_eq!(compile.examples, ["SKU-000004"]);
    assert_eq!(
        tests.text,
        "Gates in stage test_execution were re-run after a failure"
    );
    assert_eq!(manual_c.examples, ["SKU-000004"]);
    assert_eq!(manual_r.examples, ["SKU-000006"]);
    assert_eq!(
        manual_r.text,
        "Stage release_verification needed a manual step"
    );
}

#[test]
fn k39_a_gate_skip_is_one_more_manual_step_in_its_stage() {
    let mut line = fixture_k();
    line.start(WorkOrderId(6), k(24, 9, 0)).unwrap();
    let sku = line
        .create_sku(WorkOrderId(6), None, None, k(24, 9, 0))
        .unwrap();

    line.skip_gate(sku, "shacl_validation", "validator down", k(24, 9, 5))
        .unwrap();

    let points = kaizen::waste(&line, &week());
    let skipped = point(&points, WasteType::ManualIntervention, "shacl_validation");
    assert_eq!((skipped.frequency, skipped.total_ms), (1, 3_600_000));
    assert_eq!(skipped.examples, ["SKU-000007"]);
}

#[test]
fn k40_proposals_of_fixture_k_by_roi() {
    let line = fixture_k();

    let proposals = kaizen::proposals(&line, &week());

    let rows: Vec<(&str, &str, Effort, &str, i64)> = proposals
        .iter()
        .map(|p| {
            (
                p.waste_type.as_str(),
                p.stage.as_str(),
                p.effort,
                p.roi.as_str(),
                p.roi_milli,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("repeat_andon", "compilation", Effort::Low, "1.00", 1000),
            ("repeat_andon", "test_execution", Effort::Low, "1.00", 1000),
            (
                "excessive_rework",
                "test_execution",
                Effort::Medium,
                "0.25",
                250
            ),
            (
                "compilation_slow",
                "compilation",
                Effort::Medium,
                "0.13",
                128
            ),
            (
                "excessive_rework",
                "compilation",
                Effort::Medium,
                "0.13",
                125
            ),
        ]
    );
    let benefits: Vec<&str> = proposals.iter().map(|p| p.benefit.as_str()).collect();
    assert_eq!(
        benefits,
        [
            "Saves about 4.0 hours a week",
            "Saves about 4.0 hours a week",
            "Saves about 2.0 hours a week",
            "Saves about 0.8 hours a week",
            "Saves about 1.0 hours a week",
        ]
    );
    assert_eq!(
        proposals[0].description,
        "Add a preventive check for root cause \"missing lock file update\""
    );
}

fn imp(n: u64) -> ImprovementId {
    ImprovementId(n)
}

fn proposed_k() -> Line {
    let mut line = fixture_k();
    line.propose_improvements(&week(), NOW).unwrap();
    line
}

#[test]
fn k43_recording_proposals_appends_five_receipts_once() {
    let mut line = fixture_k();
    let before = line.len();

    let ids = line.propose_improvements(&week(), NOW).unwrap();
    let after_first = line.len();
    let again = line.propose_improvements(&week(), NOW).unwrap();

    assert_eq!(ids, (1..=5).map(imp).collect::<Vec<_>>());
    assert_eq!(after_first - before, 5);
    assert!(again.is_empty());
    assert_eq!(line.len(), after_first);
    let all = kaizen::improvements(&line);
    let keys: Vec<(WasteType, &str)> = all
        .iter()
        .map(|i| (i.waste_type, i.stage.as_str()))
        .collect();
    assert_eq!(
        keys,
        vec![
            (WasteType::RepeatAndon, "compilation"),
            (WasteType::RepeatAndon, "test_execution"),
            (WasteType::ExcessiveRework, "test_execution"),
            (WasteType::CompilationSlow, "compilation"),
            (WasteType::ExcessiveRework, "compilation"),
        ]
    );
    assert!(
        all.iter()
            .all(|i| i.status == ImprovementStatus::Proposed && i.proposed_at == NOW)
    );
}

#[test]
fn k44_an_improvement_that_removed_its_waste_is_kept() {
    let mut line = proposed_k();

    line.apply_improvement(imp(1), "lock check in CI", NOW)
        .unwrap();
    let measuring = line.begin_measurement(imp(1), 7, NOW).unwrap();
    let concluded = line.conclude_improvement(imp(1), NOW + 7 * D).unwrap();

    let (before, after) = (measuring.before.unwrap(), measuring.after.unwrap());
    assert_eq!((before.start(), before.end()), (NOW - 7 * D, NOW));
    assert_eq!((after.start(), after.end()), (NOW, NOW + 7 * D));
    assert_eq!(concluded.before_ms, Some(14_400_000));
    assert_eq!(concluded.after_ms, Some(0));
    assert_eq!(concluded.benefit_ms, Some(14_400_000));
    assert_eq!(concluded.status, ImprovementStatus::Kept);
    assert_eq!(concluded.note.as_deref(), Some("lock check in CI"));
    assert_eq!(concluded.decided_at, Some(NOW + 7 * D));
}

#[test]
fn k45_an_improvement_whose_cause_came_back_is_rejected() {
    let mut line = proposed_k();
    line.apply_improvement(imp(1), "lock check in CI", NOW)
        .unwrap();
    line.begin_measurement(imp(1), 7, NOW).unwrap();

    for day in [27, 28] {
        let andon = raise_manual(&mut line, SkuId(5), "test_execution", k(day, 10, 0));
        resolve(&mut line, andon, "Missing lock file update", k(day, 11, 0));
    }
    let concluded = line.conclude_improvement(imp(1), NOW + 7 * D).unwrap();

    assert_eq!(concluded.before_ms, Some(14_400_000));
    assert_eq!(concluded.after_ms, Some(14_400_000));
    assert_eq!(concluded.benefit_ms, Some(0));
    assert_eq!(concluded.status, ImprovementStatus::Rejected);
}

fn err<T: std::fmt::Debug>(result: Result<T, Error>) -> Error {
    result.unwrap_err()
}

#[test]
fn k46_lifecycle_errors() {
    let mut line = proposed_k();
    line.apply_improvement(imp(1), "lock check in CI", NOW)
        .unwrap();
    line.apply_improvement(imp(3), "", NOW).unwrap();

    let applied_conclude = err(line.conclude_improvement(imp(3), NOW));
    let zero_days = err(line.begin_measurement(imp(3), 0, NOW));
    let proposed_measure = err(line.begin_measurement(imp(2), 0, NOW));
    let unknown = err(line.apply_improvement(imp(99), "x", NOW));
    let blank = err(line.reject_improvement(imp(2), "  ", NOW));
    line.begin_measurement(imp(1), 7, NOW).unwrap();
    let early = err(line.conclude_improvement(imp(1), k(32, 23, 59)));
    line.conclude_improvement(imp(1), NOW + 7 * D).unwrap();
    let kept_apply = err(line.apply_improvement(imp(1), "again", NOW + 7 * D));

    let transition = |id: &str, from: &str, op: &str| Error::InvalidImprovementTransition {
        id: id.into(),
        from: from.into(),
        op: op.into(),
    };
    assert_eq!(
        applied_conclude,
        transition("IMP-000003", "applied", "conclude_improvement")
    );
    assert_eq!(zero_days, Error::InvalidMeasurement { days: 0 });
    assert_eq!(
        proposed_measure,
        transition("IMP-000002", "proposed", "begin_measurement")
    );
    assert_eq!(
        unknown,
        Error::ImprovementNotFound {
            id: "IMP-000099".into()
        }
    );
    assert_eq!(
        blank,
        Error::MissingField {
            field: "reason".into()
        }
    );
    assert_eq!(
        early,
        Error::MeasurementWindowOpen {
            id: "IMP-000001".into(),
            ends_at: NOW + 7 * D
        }
    );
    assert_eq!(
        kept_apply,
        transition("IMP-000001", "kept", "apply_improvement")
    );
}

#[test]
fn a_refused_operation_appends_nothing() {
    let mut line = proposed_k();
    let size = line.len();

    let past = line.apply_improvement(imp(1), "late", NOW - H);
    let _ = line.reject_improvement(imp(2), "", NOW);

    assert_eq!(past.unwrap_err().name(), "now_before_last_receipt");
    assert_eq!(line.len(), size);
}

#[test]
fn a_rejected_key_can_be_proposed_again_and_others_stay_taken() {
    let mut line = proposed_k();
    line.reject_improvement(imp(2), "not now", NOW).unwrap();

    let again = line.propose_improvements(&week(), NOW).unwrap();

    assert_eq!(again, vec![imp(6)]);
    let six = kaizen::improvement(&line, imp(6)).unwrap();
    assert_eq!(
        (six.waste_type, six.stage.as_str()),
        (WasteType::RepeatAndon, "test_execution")
    );
    let two = kaizen::improvement(&line, imp(2)).unwrap();
    assert_eq!(two.reject_reason.as_deref(), Some("not now"));
    assert_eq!(two.status, ImprovementStatus::Rejected);
}

#[test]
fn replaying_the_log_gives_back_the_facts_and_improvements() {
    let mut line = proposed_k();
    line.apply_improvement(imp(1), "lock check in CI", NOW)
        .unwrap();
    line.begin_measurement(imp(1), 7, NOW).unwrap();
    line.conclude_improvement(imp(1), NOW + 7 * D).unwrap();
    line.reject_improvement(imp(4), "cache later", NOW + 7 * D)
        .unwrap();

    let receipts: Vec<_> = (0..line.len())
        .map(|seq| line.log().get(seq).unwrap().clone())
        .collect();
    let replayed = Line::replay(receipts).unwrap();

    assert!(replayed == line);
    assert_eq!(kaizen::improvements(&replayed), kaizen::improvements(&line));
    assert_eq!(
        kaizen::waste(&replayed, &week()),
        kaizen::waste(&line, &week())
    );
}

#[test]
fn a_point_of_a_fortnight_is_normalised_to_a_week() {
    let line = fixture_k();
    let fortnight = Window::days(date("2026-01-12"), date("2026-01-25")).unwrap();

    let points = kaizen::waste(&line, &fortnight);

    let slow = point(&points, WasteType::CompilationSlow, "compilation");
    assert_eq!((slow.total_ms, slow.weekly_ms), (7_380_000, 3_690_000));
}

#[test]
fn manual_steps_and_passes_after_the_window_do_not_count() {
    let mut line = fixture_k();
    let andon = raise_manual(&mut line, SkuId(5), "test_execution", k(26, 1, 0));
    resolve(&mut line, andon, "Flaky network mock", k(26, 2, 0));
    pass(&mut line, SkuId(5), k(26, 3, 0));

    let points = kaizen::waste(&line, &week());

    let network = point(&points, WasteType::RepeatAndon, "test_execution");
    assert_eq!(network.frequency, 2);
}

/// The receipts of a line followed by one more, sealed onto its chain.
fn log_plus(line: &Line, kind: &str, subject: &str, body: tcps_core::Value) -> Vec<Receipt> {
    let mut receipts: Vec<Receipt> = (0..line.len())
        .map(|seq| line.log().get(seq).unwrap().clone())
        .collect();
    let at = line.log().last_at();
    let extra = Receipt::seal(
        line.len(),
        at,
        kind,
        subject,
        body,
        0,
        line.log().last_hash(),
    );
    receipts.push(extra.unwrap());
    receipts
}

#[test]
fn replay_refuses_an_improvement_receipt_the_lifecycle_forbids() {
    let line = proposed_k();
    let unknown = log_plus(
        &line,
        "improvement.applied",
        "IMP-000099",
        obj! { "improvement" => "IMP-000099", "note" => "" },
    );
    let too_early = log_plus(
        &line,
        "improvement.concluded",
        "IMP-000001",
        obj! {
            "improvement" => "IMP-000001", "before_ms" => 1i64, "after_ms" => 0i64,
            "benefit_ms" => 1i64, "decision" => "kept",
        },
    );
    let extra_member = log_plus(
        &line,
        "improvement.applied",
        "IMP-000001",
        obj! { "improvement" => "IMP-000001", "note" => "", "by" => "me" },
    );

    let at = line.len();
    let name = |r: Vec<Receipt>| Line::replay(r).err().map(|(seq, e)| (seq, e.name()));
    assert_eq!(name(unknown), Some((at, "improvement_not_found")));
    assert_eq!(
        name(too_early),
        Some((at, "invalid_improvement_transition"))
    );
    assert_eq!(name(extra_member), Some((at, "invalid_receipt")));
}
