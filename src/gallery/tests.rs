//! The gallery's own claims, checked without a generator: names are unique,
//! and each hand-derived shortest sequence has the stated length, passes on
//! the simulated framework and fails on the mutant with its expected rule.

use super::*;
use crate::harness::execute;
use crate::sim::Framework;

#[test]
fn every_mutant_name_is_unique_kebab_case_and_found_by_name() {
    let mutants = all();
    assert!(
        mutants.len() >= 14,
        "the gallery shrank to {}",
        mutants.len()
    );
    for (i, mutant) in mutants.iter().enumerate() {
        assert!(
            mutant
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'),
            "{} is not kebab-case",
            mutant.name
        );
        assert_ne!(mutant.name, "sim", "`sim` names the unmodified framework");
        assert!(
            mutants[..i].iter().all(|m| m.name != mutant.name),
            "{} twice",
            mutant.name
        );
        assert_eq!(by_name(mutant.name).map(|m| m.name), Some(mutant.name));
    }
    assert!(by_name("no-such-mutant").is_none());
}

#[test]
fn every_witness_has_the_stated_minimal_length() {
    for mutant in all() {
        for symptom in mutant.symptoms() {
            assert_eq!(
                (symptom.witness)().len(),
                symptom.minimal_len,
                "{} ({}): the witness and the stated length disagree",
                mutant.name,
                symptom.rule
            );
        }
    }
}

#[test]
fn every_witness_conforms_on_the_simulated_framework() {
    for (mutant, symptom) in all()
        .into_iter()
        .flat_map(|m| m.symptoms().into_iter().map(move |s| (m, s)))
    {
        let steps = (symptom.witness)();
        if let Err(divergence) = execute(
            &mut Framework::with_settings(mutant.settings),
            mutant.settings,
            &steps,
            None,
            None,
        ) {
            panic!(
                "{}: the witness diverges on sim:\n{}",
                mutant.name,
                divergence.report(&steps)
            );
        }
    }
}

#[test]
fn every_witness_breaks_its_mutant_at_its_last_step_with_the_expected_rule() {
    for (mutant, symptom) in all()
        .into_iter()
        .flat_map(|m| m.symptoms().into_iter().map(move |s| (m, s)))
    {
        let steps = (symptom.witness)();
        let divergence = execute(&mut mutant.framework(), mutant.settings, &steps, None, None)
            .expect_err(&format!("{}: the witness passes", mutant.name));
        assert_eq!(
            (divergence.rule(), divergence.step),
            (Some(symptom.rule), steps.len() - 1),
            "{}:\n{}",
            mutant.name,
            divergence.report(&steps)
        );
    }
}

/// A send the framework lets through as `format-after-reuse` and then
/// refuses as cancelled, refused by the mutant as unformatted: the
/// divergence is about the rule the framework let through, not the
/// cancel both refuse for.
#[test]
fn a_refusal_for_the_rule_let_through_names_it_even_where_a_later_check_refuses() {
    use crate::vocab::Status;
    use crate::vocab::build::{R0, cancel, create, format, reuse, send};
    let mutant = super::by_name("formatted-flag-cleared-by-reuse").expect("in the gallery");
    let steps = vec![
        create(R0),
        format(R0),
        reuse(R0, Status::SUCCESS),
        cancel(R0),
        send(R0),
    ];
    let divergence = execute(&mut mutant.framework(), mutant.settings, &steps, None, None)
        .expect_err("the mutant refuses for another rule");
    assert_eq!(
        (divergence.rule(), divergence.step),
        (Some(RuleId::FormatAfterReuse), 4),
        "{}",
        divergence.report(&steps)
    );
}
