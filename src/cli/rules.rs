//! `wdfreq rules`: the rule catalogue, exactly as the model states it: ID,
//! obligation, severity, sentence and source; Markdown or JSON.

use std::io::Write;

use clap::Args;

use super::Outcome;
use crate::model::rules::{CATALOGUE, markdown_table};

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print a JSON array of objects (`id`, `obligation`, `severity`,
    /// `says`, `source`) instead of a Markdown table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: &RulesArgs, out: &mut dyn Write) -> std::io::Result<Outcome> {
    if args.json {
        serde_json::to_writer_pretty(&mut *out, CATALOGUE)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", markdown_table())?;
    }
    Ok(Outcome::Conforms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::RuleId;

    #[test]
    fn json_lists_every_rule_in_catalogue_order_by_its_kebab_id() {
        let mut out = Vec::new();
        run(&RulesArgs { json: true }, &mut out).expect("writes");
        let rules: Vec<serde_json::Value> = serde_json::from_slice(&out).expect("JSON");
        let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
        let want: Vec<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(ids, want);
        for rule in &rules {
            for field in ["obligation", "severity", "says", "source"] {
                assert!(
                    rule[field].as_str().is_some_and(|s| !s.is_empty()),
                    "{rule}"
                );
            }
        }
    }

    #[test]
    fn markdown_has_a_row_per_rule() {
        let mut out = Vec::new();
        run(&RulesArgs { json: false }, &mut out).expect("writes");
        let text = String::from_utf8(out).expect("UTF-8");
        assert_eq!(text.lines().count(), 2 + RuleId::ALL.len());
    }
}
