//! [`render`]: a hunt's report as one self-contained HTML page, for people:
//! the verdict first, then what was hunted and how long, for a divergence
//! the shrunk case as a sequence diagram with the rule it breaks, the
//! plain-text report and the replay command, and last the rules exercised
//! as a bar chart on a log scale with the depth figures.
//!
//! The page needs nothing beside it: its style sheet and its two diagrams
//! (inline SVG) are in the file; it has no script, names no font to fetch
//! and refers to no other resource, local or remote, so it opens the same
//! from a CI artifact, an e-mail or a disk with no network. It reads at a
//! laptop's width (the diagrams scale to the column) and prints.
//!
//! # Escaping
//!
//! The markup is written with maud's `html!` macro, which escapes every
//! value spliced into it (`&`, `<`, `>` and `"`; attribute values are
//! always double-quoted, so `'` needs no escape) and closes every element
//! it opens. Text from outside the crate, such as a third party's
//! implementation name or an implementation's panic message, therefore
//! never becomes markup. The one text written unescaped is `STYLE`, the
//! page's constant style sheet (escaping would break its quotes).
//!
//! # Determinism
//!
//! The page is a function of its arguments alone, read from no clock and
//! no environment: two hunts with the same seed and cases give the same
//! page but for the time they took, as they print the same text report.

mod chart;
mod sequence;

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::harness::{DivergenceKind, Divergent, HuntReport, Unknown, Verdict};
use crate::model::rule;
use crate::vocab::{RuleId, Settings};

/// What the page says of a hunt besides its [`HuntReport`].
#[derive(Clone, Copy, Debug)]
pub struct Hunted<'a> {
    /// How the implementation is named: as the text output names it
    /// ([`crate::harness::Implementation::describe`]).
    pub implementation: &'a str,
    /// The settings the hunt judged in.
    pub settings: Settings,
    /// The command that replays the failure, as the text output prints it
    /// after `replay:`; not shown when the hunt found no failure.
    pub replay: Option<&'a str>,
}

/// The page for `report`, a final report of a hunt in `hunted.settings`:
/// a complete HTML document.
pub fn render(report: &HuntReport, hunted: &Hunted<'_>) -> String {
    let word = verdict_word(&report.verdict);
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(concat!("wdfreq ", env!("CARGO_PKG_VERSION")));
                title { "wdfreq hunt: " (hunted.implementation) ": " (word) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                main {
                    h1 { "wdfreq hunt: " (hunted.implementation) }
                    (verdict(report))
                    (facts(report, hunted))
                    @if let Verdict::Diverges(divergent) = &report.verdict {
                        (failure(divergent, hunted))
                    }
                    (coverage(report, &hunted.settings))
                    footer {
                        "Written by wdfreq " (env!("CARGO_PKG_VERSION"))
                        ". One file: no script, no network."
                    }
                }
            }
        }
    };
    page.into_string()
}

/// The verdict in one word, as the page's headline shows it.
fn verdict_word(verdict: &Verdict) -> &'static str {
    match verdict {
        Verdict::Conforms => "conforms",
        Verdict::Diverges(_) => "DIVERGES",
        Verdict::Unknown(_) => "unknown",
    }
}

/// The headline: the verdict, and what it rests on.
fn verdict(report: &HuntReport) -> Markup {
    let (class, detail) = match &report.verdict {
        Verdict::Conforms => (
            "conforms",
            format!(
                "No divergence from the model in {} cases ({} steps).",
                report.cases, report.steps
            ),
        ),
        Verdict::Diverges(divergent) => (
            "diverges",
            format!(
                "Case {} (seed {}) diverges from the model; shrunk from {} to {} steps.",
                divergent.case,
                divergent.failure.seed,
                divergent.failure.generated_len,
                divergent.failure.steps.len()
            ),
        ),
        Verdict::Unknown(Unknown::Interrupted) => (
            "unknown",
            format!(
                "Interrupted after {} cases with no divergence found: the cases not run may diverge.",
                report.cases
            ),
        ),
        Verdict::Unknown(Unknown::NoCases) => {
            ("unknown", "No case ran: the budget allows none.".to_owned())
        }
        Verdict::Unknown(Unknown::Undecided { rounds }) => (
            "unknown",
            format!(
                "No case diverged, but the linearizability checker could not decide {rounds} \
                 rounds' histories within its budget: they were not judged."
            ),
        ),
    };
    let later = report
        .verdict
        .divergent()
        .is_some_and(|divergent| !divergent.first);
    html! {
        section #verdict class={ "verdict " (class) } {
            p .word { (verdict_word(&report.verdict)) }
            p .detail { (detail) }
            @if later {
                p .detail {
                    "Interrupted: cases numbered below it did not all run, so an earlier case may fail too."
                }
            }
        }
    }
}

/// What was hunted, in which settings, from which seed, for how long.
fn facts(report: &HuntReport, hunted: &Hunted<'_>) -> Markup {
    let settings = hunted.settings;
    let seconds = report.elapsed.as_secs_f64();
    let hunted_rules: Vec<RuleId> = RuleId::ALL
        .iter()
        .copied()
        .filter(|id| rule(*id).scope.hunted(&settings))
        .collect();
    let missing = report.coverage.missing_in(&settings).len();
    html! {
        section #run {
            h2 { "The run" }
            dl .facts {
                dt { "Implementation" } dd { (hunted.implementation) }
                dt { "Flavor" } dd { code { (settings.flavor.as_str()) } }
                dt { "Framework version" } dd { code { (settings.version.to_string()) } }
                dt { "Verifier" } dd { (if settings.verifier { "on" } else { "off" }) }
                dt { "Seed" } dd { code { (report.seed.to_string()) } }
                dt { "Cases" } dd { (report.cases) }
                dt { "Steps" } dd { (report.steps) }
                dt { "Time" } dd {
                    (format_args!(
                        "{seconds:.2} s ({:.0} cases/s)",
                        report.cases as f64 / seconds.max(1e-9)
                    ))
                }
                dt { "Rules exercised" } dd {
                    (format_args!(
                        "{} of the {} a hunt can reach in these settings",
                        hunted_rules.len() - missing,
                        hunted_rules.len()
                    ))
                }
            }
        }
    }
}

/// The failing case: the rule it breaks, the sequence diagram, the replay
/// command and the plain-text report.
fn failure(divergent: &Divergent, hunted: &Hunted<'_>) -> Markup {
    let failure = &divergent.failure;
    let divergence = &failure.divergence;
    html! {
        section #failure {
            h2 { "The failing case" }
            (broken(&divergence.kind, divergence.rule()))
            figure {
                (sequence::diagram(failure, hunted.settings))
                @if let DivergenceKind::NotLinearizable { .. } = divergence.kind {
                    figcaption {
                        "The shrunk case's steps, in the order drawn. Threads ran them at "
                        "once: the history in the text report below says when each was "
                        "invoked and returned, on which thread, and where each routine ran."
                    }
                } @else {
                    figcaption {
                        "The shrunk case, step by step. Dashed arrows are the callbacks "
                        "the model says a step invokes, which the implementation invoked "
                        "too up to step " (divergence.step) ", where the two part."
                    }
                }
            }
            @if let Some(replay) = hunted.replay {
                h3 { "Replay" }
                pre .command #replay { code { (replay) } }
            }
            h3 { "The text report" }
            pre #text-report { (divergence.report(&failure.steps).to_string()) }
        }
    }
}

/// The rule the divergence breaks, with its sentence and source; or, for a
/// divergence that breaks none, what went wrong.
fn broken(kind: &DivergenceKind, rule_id: Option<RuleId>) -> Markup {
    match rule_id {
        Some(id) => {
            let broken = rule(id);
            html! {
                div #rule .rule {
                    p { "Rule broken: " code .rule-id { (id.as_str()) } }
                    blockquote { (broken.says) }
                    p .source { "Source: " (broken.source) }
                }
            }
        }
        None => {
            let what = match kind {
                DivergenceKind::RefusedLegal { .. } => "the implementation refused a legal call",
                DivergenceKind::WrongReply { .. } => "the implementation replied wrongly",
                DivergenceKind::DuplicateHandle { .. } => {
                    "the implementation gave two requests one handle"
                }
                DivergenceKind::Panicked { .. } => "the implementation panicked",
                DivergenceKind::Hung { .. } => "the implementation hung",
                DivergenceKind::NotLinearizable { .. } => {
                    "no order explains what the threads did (a race)"
                }
                DivergenceKind::Invariant { .. } => "the implementation's own invariant failed",
                // These name a rule, and are shown above.
                DivergenceKind::Broke { .. }
                | DivergenceKind::AcceptedIllegal { .. }
                | DivergenceKind::WrongRule { .. } => "the implementation diverged",
            };
            html! {
                div #rule .rule {
                    p { "No rule of the catalogue is broken: " (what) "." }
                }
            }
        }
    }
}

/// The rules exercised, as a chart, and the depth figures.
fn coverage(report: &HuntReport, settings: &Settings) -> Markup {
    let depth = report.coverage.depth;
    html! {
        section #coverage-section {
            h2 { "Rules exercised" }
            p .legend {
                span .key.exercised { "exercised (log scale)" }
                span .key.never { "never exercised" }
                span .key.not-applicable { "does not apply here, or no hunt reaches it" }
            }
            figure { (chart::chart(&report.coverage, settings)) }
            h3 { "Depth" }
            dl #depth .figures {
                div { dt { "Reuses of one request before a completion" } dd { (depth.reuses_before_completion) } }
                div { dt { "Sends outstanding at one target" } dd { (depth.outstanding_at_one_target) } }
                div { dt { "Requests alive at once" } dd { (depth.live_requests) } }
            }
        }
    }
}

/// A coordinate as an SVG attribute takes it: to a tenth of a unit, which
/// is finer than a screen or a printer shows.
fn px(value: f64) -> String {
    format!("{value:.1}")
}

/// `text` in lines of at most `width` characters, broken at spaces where
/// it can be (a word longer than a line is cut) and at its own line
/// breaks; at most `lines_max` lines, the last ending in `…` when text was
/// dropped. A diagram's text does not wrap by itself.
fn wrap(text: &str, width: usize, lines_max: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        // The indentation stays (the side-by-side boxes indent a line).
        let words = paragraph.trim_start_matches(' ');
        let indent = (paragraph.len() - words.len()).min(width - 1);
        let mut line = " ".repeat(indent);
        let (mut length, mut empty) = (indent, true);
        for word in words.split(' ') {
            let chars: Vec<char> = word.chars().collect();
            if !empty && length + 1 + chars.len() > width {
                lines.push(std::mem::take(&mut line));
                (length, empty) = (0, true);
            }
            if !empty {
                line.push(' ');
                length += 1;
            }
            let mut rest = chars.as_slice();
            while length + rest.len() > width {
                let (head, tail) = rest.split_at(width - length);
                line.extend(head);
                lines.push(std::mem::take(&mut line));
                (rest, length) = (tail, 0);
            }
            line.extend(rest);
            length += rest.len();
            empty = false;
        }
        lines.push(line);
    }
    if lines.len() > lines_max {
        lines.truncate(lines_max);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    lines
}

/// The page's style sheet, written as it is (see the module docs): no
/// font to fetch, no `url()`, colours that print.
const STYLE: &str = r#"
:root {
  --ink: #1d2330; --muted: #5b6675; --line: #d5dbe3; --paper: #ffffff; --shade: #f4f6f9;
  --ok: #1a7f37; --ok-bg: #e8f5eb; --bad: #b42318; --bad-bg: #fdecea;
  --unknown: #8a5a00; --unknown-bg: #fff4d6; --bar: #3466a8; --grey: #9aa3ae;
  --callback: #2f7d6d;
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0; background: var(--paper); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 62rem; margin: 0 auto; padding: 1.25rem 1.25rem 2rem; }
h1 { font-size: 1rem; font-weight: 600; color: var(--muted); margin: 0 0 .75rem; overflow-wrap: anywhere; }
h2 { font-size: 1.3rem; margin: 2rem 0 .75rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
code, pre, svg text {
  font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace;
}
code { font-size: .92em; }
pre {
  background: var(--shade); border: 1px solid var(--line); border-radius: 6px;
  padding: .75rem 1rem; font-size: 12.5px; line-height: 1.45; overflow-x: auto;
}
pre.command { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 14px; }
.verdict { border-left: 8px solid; border-radius: 8px; padding: .75rem 1.25rem; }
.verdict .word { font-size: 2.6rem; font-weight: 800; line-height: 1.1; margin: 0 0 .25rem; letter-spacing: .02em; }
.verdict .detail { margin: .25rem 0 0; }
.verdict.conforms { background: var(--ok-bg); border-color: var(--ok); }
.verdict.conforms .word { color: var(--ok); }
.verdict.diverges { background: var(--bad-bg); border-color: var(--bad); }
.verdict.diverges .word { color: var(--bad); }
.verdict.unknown { background: var(--unknown-bg); border-color: var(--unknown); }
.verdict.unknown .word { color: var(--unknown); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.5rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.rule blockquote { margin: .5rem 0; padding: .5rem 1rem; border-left: 4px solid var(--bad); background: var(--bad-bg); }
.rule .source { color: var(--muted); margin: 0; }
.rule-id { color: var(--bad); font-weight: 700; }
figure { margin: 1rem 0; }
figcaption { color: var(--muted); font-size: .9rem; margin-top: .5rem; }
svg { display: block; width: 100%; height: auto; }
svg text { font-size: 11px; fill: var(--ink); }
.legend { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; font-size: .9rem; color: var(--muted); margin: 0; }
.key::before {
  content: ""; display: inline-block; width: .9em; height: .9em; margin-right: .4em;
  vertical-align: -.1em; border-radius: 2px;
}
.key.exercised::before { background: var(--bar); }
.key.never::before { background: var(--bad); }
.key.not-applicable::before { background: var(--line); }
.chart .stripe { fill: var(--shade); }
.chart .band.never { fill: var(--bad-bg); }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .tick { fill: var(--muted); }
.chart .bar { fill: var(--bar); }
.chart .count { fill: var(--ink); }
.chart .never .name, .chart .never .note { fill: var(--bad); font-weight: 700; }
.chart .not-applicable .name { fill: var(--grey); }
.chart .not-applicable .note { fill: var(--grey); font-style: italic; }
.chart .not-applicable .bar { fill: var(--line); }
.chart .not-applicable .count { fill: var(--grey); }
.sequence .lane-box { fill: var(--shade); stroke: var(--muted); stroke-width: 1; }
.sequence .lane-name { font-weight: 700; font-family: system-ui, sans-serif; font-size: 12px; }
.sequence .lifeline { stroke: var(--grey); stroke-width: 1; stroke-dasharray: 4 4; }
.sequence .label { paint-order: stroke; stroke: var(--paper); stroke-width: 4px; stroke-linejoin: round; }
.sequence .index { fill: var(--muted); }
.sequence .arrow { stroke: var(--ink); fill: var(--ink); stroke-width: 1.5; }
.sequence .delivery .arrow { stroke: var(--callback); fill: var(--callback); stroke-dasharray: 5 3; }
.sequence .delivery .label { fill: var(--callback); }
.sequence .band { fill: var(--bad-bg); }
.sequence .divergent .arrow { stroke: var(--bad); fill: var(--bad); stroke-width: 2.5; }
.sequence .divergent .label, .sequence .divergent .index { fill: var(--bad); font-weight: 700; }
.sequence .after { opacity: .45; }
.sequence .side { fill: var(--paper); stroke: var(--line); stroke-width: 1; }
.sequence .expected .side { stroke: var(--ok); }
.sequence .actual .side { stroke: var(--bad); }
.sequence .side-title { font-weight: 700; font-family: system-ui, sans-serif; font-size: 12px; }
.sequence .expected .side-title { fill: var(--ok); }
.sequence .actual .side-title { fill: var(--bad); }
.sequence .line { white-space: pre; }
.sequence .expected .differs { fill: var(--ok); font-weight: 700; }
.sequence .actual .differs { fill: var(--bad); font-weight: 700; }
dl.figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1rem; margin: 0; }
dl.figures div { border: 1px solid var(--line); border-radius: 8px; padding: .6rem 1rem; }
dl.figures dt { color: var(--muted); font-size: .9rem; }
dl.figures dd { margin: 0; font-size: 1.8rem; font-weight: 700; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .85rem; }
@media (max-width: 40rem) { dl.figures { grid-template-columns: 1fr; } }
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  pre { white-space: pre-wrap; overflow-wrap: anywhere; }
  .verdict, figure, dl.figures, pre.command { break-inside: avoid; }
  h2, h3, .legend { break-after: avoid; }
}
"#;

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_breaks_at_spaces_cuts_long_words_and_marks_what_it_drops() {
        assert_eq!(wrap("ab cd ef", 5, 9), ["ab cd", "ef"]);
        assert_eq!(wrap("abcdefghij", 4, 9), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap("ab cdefgh", 4, 9), ["ab", "cdef", "gh"]);
        assert_eq!(wrap("a\n\nb", 4, 9), ["a", "", "b"]);
        assert_eq!(wrap("  indented", 20, 9), ["  indented"]);
        assert_eq!(wrap("ab cd ef gh", 2, 2), ["ab", "cd…"]);
        assert_eq!(wrap("abcde f g", 5, 9), ["abcde", "f g"]);
    }
}
