//! Prevention suggestions: andon.md 10.6, worked examples.

use tcps_core::andon::{Pin, Suggestions, prevention_suggestions};

const S2: &str = "Add SHACL shapes that validate the required properties";
const S3: &str = "Add an sh:datatype constraint";
const S6: &str = "Add sh:minCount and sh:maxCount constraints";
const S7: &str = "Add an sh:pattern constraint for the expected format";
const T1: &str = "Add a concurrency test that runs the operation in parallel";
const T2: &str = "Add boundary value test cases";
const T3: &str = "Add negative tests for the error paths";
const T4: &str = "Add a test for timeout handling";
const T5: &str = "Add a test that watches memory use";
const T6: &str = "Add a property-based test with seeded random inputs";
const T7: &str = "Add an integration test for the interaction between components";
const P2: &str = "Standardise the template structure across modules";
const P3: &str = "Move hard-coded values into template variables";
const P4: &str = "Extract a reusable template component";
const P5: &str = "Simplify the template logic";

fn only(shacl: &[&str], tests: &[&str], templates: &[&str]) -> Suggestions {
    let owned = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
    Suggestions {
        shacl: owned(shacl),
        tests: owned(tests),
        templates: owned(templates),
        pins: Vec::new(),
    }
}

fn pin(name: &str, version: &str) -> Pin {
    Pin {
        name: name.to_owned(),
        version: version.to_owned(),
    }
}

#[test]
fn a49_each_rule_of_the_table_fires_on_its_keywords() {
    let cases: [(&str, Suggestions); 12] = [
        (
            "Missing validation for required properties",
            only(&[S2], &[], &[]),
        ),
        ("Invalid data type in field", only(&[S3], &[], &[])),
        (
            "Cardinality violation: multiple values where one expected",
            only(&[S6], &[], &[]),
        ),
        (
            "Reformatted output hid a malformed date",
            only(&[S7], &[], &[]),
        ),
        ("Race-condition in concurrent access", only(&[], &[T1], &[])),
        (
            "Edge case with empty list not handled",
            only(&[], &[T2], &[]),
        ),
        (
            "Error handling missing for timeout scenario",
            only(&[], &[T3, T4], &[]),
        ),
        (
            "Flaky test: non-determinism in the scheduler",
            only(&[], &[T6], &[]),
        ),
        (
            "Memory leak under load; integration with the cache",
            only(&[], &[T5, T7], &[]),
        ),
        (
            "Hard-coded configuration values in template",
            only(&[], &[], &[P3]),
        ),
        (
            "Duplicated code across multiple modules",
            only(&[], &[], &[P4]),
        ),
        (
            "Inconsistent naming; consistency matters",
            only(&[], &[], &[P2]),
        ),
    ];

    for (text, expected) in cases {
        let found = prevention_suggestions(text);

        assert_eq!(found, expected, "{text}");
    }
}

#[test]
fn a50_keywords_match_whole_words_only() {
    let found = prevention_suggestions("Complexity of the information model grew");

    assert_eq!(found, Suggestions::default());
}

#[test]
fn a51_mixed_text_gives_templates_and_pins_without_the_full_stop() {
    let text = "Performance information in the arrangement is complex; \
                dependency cowboy version 2.10.0. Dependency ranch version 1.8";

    let found = prevention_suggestions(text);

    assert!(found.shacl.is_empty());
    assert!(found.tests.is_empty());
    assert_eq!(found.templates, [P5]);
    assert_eq!(found.pins, [pin("cowboy", "2.10.0"), pin("ranch", "1.8")]);
}

#[test]
fn a52_names_keep_digits_and_hyphens() {
    let text = "Dependency jsx-lite version 3.1.0-rc.1 and dependency cowboy2 version 2.10.0.";

    let found = prevention_suggestions(text);

    assert_eq!(
        found.pins,
        [pin("jsx-lite", "3.1.0-rc.1"), pin("cowboy2", "2.10.0")]
    );
}

#[test]
fn a53_a_dependency_without_name_and_version_is_no_pin() {
    let found = prevention_suggestions("The dependency version was wrong");

    assert!(found.pins.is_empty());
}

#[test]
fn a54_the_first_pin_of_a_name_wins_and_a_match_starts_a_word() {
    let text = "Subdependency foo version 1.0 broke; dependency Foo version 2.0; \
                dependency foo version 3.0";

    let found = prevention_suggestions(text);

    assert_eq!(found.pins, [pin("Foo", "2.0")]);
}

#[test]
fn a46_the_shacl_root_cause_suggests_a_shape_and_validation() {
    let text = "Missing SHACL validation for function export requirements";

    let found = prevention_suggestions(text);

    let s1 = "Add a SHACL shape that covers the failing data";
    assert_eq!(found, only(&[s1, S2], &[], &[]));
}

#[test]
fn multi_word_keywords_need_their_words_in_a_row() {
    assert_eq!(prevention_suggestions("off-by-one in the loop").tests, [T2]);
    assert!(prevention_suggestions("off by the one").tests.is_empty());
    assert_eq!(prevention_suggestions("RACE CONDITION").tests, [T1]);
    assert!(
        prevention_suggestions("required properties")
            .shacl
            .is_empty()
    );
}

#[test]
fn non_ascii_letters_belong_to_words() {
    assert!(prevention_suggestions("formatée").shacl.is_empty());
    // A dash outside ASCII joins, it does not separate.
    assert!(
        prevention_suggestions("format\u{2014}malformed")
            .shacl
            .is_empty()
    );
    assert_eq!(prevention_suggestions("format_malformed").shacl, [S7]);
}

#[test]
fn pins_need_white_space_and_a_leading_digit() {
    assert!(
        prevention_suggestions("dependency foo version v1.0")
            .pins
            .is_empty()
    );
    assert_eq!(
        prevention_suggestions("dependency  foo\tversion\n1.0").pins,
        [pin("foo", "1.0")]
    );
    assert!(
        prevention_suggestions("dependency foo,version 1.0")
            .pins
            .is_empty()
    );
    assert_eq!(
        prevention_suggestions("édependency foo version 1").pins,
        [pin("foo", "1")]
    );
}
