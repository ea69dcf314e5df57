//! `wdfreq rules`: the rule catalogue, exactly as the model states it (ID,
//! obligation, severity, the settings it applies in, whether the framework
//! refuses it, sentence, source) and, for the settings given, whether each
//! rule applies and is refused there; Markdown or JSON. `--differences`
//! prints how the frameworks differ instead, as the model answers probes.

use clap::Args;

use super::settings::SettingsArgs;
use super::{Console, Outcome};
use crate::model::differences;
use crate::model::rules::{CATALOGUE, Rule, markdown_table};
use crate::vocab::Settings;

/// The arguments of `rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print a JSON array of objects (`id`, `obligation`, `severity`,
    /// `scope`, `refused`, `says`, `source`, and `applies_here`,
    /// `refused_here` for the settings given) instead of Markdown.
    #[arg(long)]
    pub json: bool,
    /// Print the table of differences between flavors and versions.
    #[arg(long, conflicts_with = "json")]
    pub differences: bool,
    /// Print the audit of the framework's request code, branch by branch,
    /// with the model's answer to each (docs/audit.md).
    #[arg(long, conflicts_with_all = ["json", "differences"])]
    pub audit: bool,
    /// The settings whose applicability and refusals to show.
    #[command(flatten)]
    pub settings: SettingsArgs,
}

/// One rule as JSON: the catalogue entry and its standing in the settings.
#[derive(serde::Serialize)]
struct RuleHere<'a> {
    #[serde(flatten)]
    rule: &'a Rule,
    applies_here: bool,
    refused_here: bool,
}

/// `wdfreq rules`: prints the catalogue, the differences or the audit.
pub fn run(args: &RulesArgs, console: &mut Console) -> std::io::Result<Outcome> {
    let settings = match args.settings.resolve() {
        Ok(settings) => settings,
        Err(error) => {
            console.error(error)?;
            return Ok(Outcome::BadInput);
        }
    };
    let out = &mut *console.out;
    if args.audit {
        write!(out, "{}", crate::model::audit::markdown_table())?;
    } else if args.differences {
        write!(out, "{}", differences::markdown_table())?;
    } else if args.json {
        let rules: Vec<RuleHere<'_>> = CATALOGUE.iter().map(|rule| here(rule, &settings)).collect();
        serde_json::to_writer_pretty(&mut *out, &rules)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", markdown_table())?;
        writeln!(out, "\nIn {settings}:")?;
        for rule in CATALOGUE {
            let standing = here(rule, &settings);
            let text = match (standing.applies_here, standing.refused_here) {
                (false, _) => "does not apply",
                (true, true) => "applies; the framework refuses it",
                (true, false) => "applies",
            };
            writeln!(out, "- `{}`: {text}", rule.id)?;
        }
    }
    Ok(Outcome::Conforms)
}

fn here<'a>(rule: &'a Rule, settings: &Settings) -> RuleHere<'a> {
    RuleHere {
        rule,
        applies_here: rule.scope.applies(settings),
        refused_here: rule.scope.applies(settings) && rule.refused.in_settings(settings),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::RuleId;

    fn rules(args: RulesArgs) -> String {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        run(&args, &mut Console::new(&mut out, &mut err)).expect("writes");
        assert!(
            err.is_empty(),
            "no error: {}",
            String::from_utf8_lossy(&err)
        );
        String::from_utf8(out).expect("UTF-8")
    }

    fn args(json: bool, differences: bool, settings: SettingsArgs) -> RulesArgs {
        RulesArgs {
            json,
            differences,
            audit: false,
            settings,
        }
    }

    #[test]
    fn json_lists_every_rule_in_catalogue_order_by_its_kebab_id() {
        let text = rules(args(true, false, SettingsArgs::default()));
        let rules: Vec<serde_json::Value> = serde_json::from_str(&text).expect("JSON");
        let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
        let want: Vec<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(ids, want);
        for rule in &rules {
            for field in [
                "obligation",
                "severity",
                "scope",
                "refused",
                "says",
                "source",
            ] {
                assert!(
                    rule[field].as_str().is_some_and(|s| !s.is_empty()),
                    "{rule}"
                );
            }
        }
    }

    #[test]
    fn settings_decide_which_rules_apply_and_are_refused_here() {
        let standing = |settings: SettingsArgs, id: RuleId| {
            let text = rules(args(true, false, settings));
            let rules: Vec<serde_json::Value> = serde_json::from_str(&text).expect("JSON");
            let rule = &rules[id.index()];
            (
                rule["applies_here"].as_bool(),
                rule["refused_here"].as_bool(),
            )
        };
        let umdf1 = SettingsArgs::default();
        let kmdf = SettingsArgs {
            flavor: Some("kmdf".parse().expect("flavor")),
            ..SettingsArgs::default()
        };
        let no_verifier = SettingsArgs {
            no_verifier: true,
            ..SettingsArgs::default()
        };
        let id = RuleId::SendReceivedWithoutCallback;
        assert_eq!(standing(umdf1.clone(), id), (Some(false), Some(false)));
        assert_eq!(standing(kmdf, id), (Some(true), Some(true)));
        let id = RuleId::SendUnformatted;
        assert_eq!(standing(umdf1, id), (Some(true), Some(true)));
        assert_eq!(standing(no_verifier, id), (Some(true), Some(false)));
    }

    #[test]
    fn markdown_has_a_row_and_a_standing_per_rule() {
        let text = rules(args(false, false, SettingsArgs::default()));
        let rows = text.lines().filter(|l| l.starts_with("| `")).count();
        let standings = text.lines().filter(|l| l.starts_with("- `")).count();
        assert_eq!((rows, standings), (RuleId::ALL.len(), RuleId::ALL.len()));
    }

    #[test]
    fn a_framework_that_does_not_exist_is_bad_input() {
        let settings = SettingsArgs {
            framework_version: Some("1.7".parse().expect("version")),
            ..SettingsArgs::default()
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let outcome = run(
            &args(false, false, settings),
            &mut Console::new(&mut out, &mut err),
        )
        .expect("writes");
        assert_eq!(outcome, Outcome::BadInput);
        assert!(out.is_empty(), "nothing on the results stream");
        let err = String::from_utf8_lossy(&err);
        assert!(err.starts_with("error: "), "{err}");
    }
}
