//! The rules exercised as a horizontal bar chart (inline SVG): one row per
//! rule of the catalogue, in catalogue order, named by its ID; bar lengths
//! on a log scale, since a hunt exercises one rule tens of times and
//! another tens of thousands. A rule the hunt could reach and never did is
//! highlighted; one that does not apply in the settings, or that no hunt
//! reaches (a rule about traces alone), is greyed and says so.

use maud::{Markup, html};

use super::px;
use crate::harness::Coverage;
use crate::model::rule;
use crate::model::rules::Scope;
use crate::vocab::{RuleId, Settings};

/// The chart's width in SVG units; it scales to the page's column.
const WIDTH: f64 = 880.0;
/// Where the rule IDs end (right-aligned) and the bars begin.
const NAMES_END: f64 = 256.0;
const BARS_X: f64 = 264.0;
/// The longest bar: the top of the scale. What is right of it holds the
/// count.
const BARS_WIDTH: f64 = 520.0;
const AXIS_HEIGHT: f64 = 26.0;
const ROW_HEIGHT: f64 = 20.0;
const BAR_HEIGHT: f64 = 12.0;

/// Where a rule stands in a hunt.
enum Standing {
    /// The hunt can reach it, and did this many times.
    Exercised(u64),
    /// The hunt can reach it and never did.
    Never,
    /// The hunt cannot reach it, for the reason given; a count above zero
    /// is still shown.
    NotApplicable(u64, String),
}

fn standing(id: RuleId, coverage: &Coverage, settings: &Settings) -> Standing {
    let scope = rule(id).scope;
    let count = coverage.count(id);
    if scope == Scope::Traces {
        Standing::NotApplicable(count, "about traces only: no hunt reaches it".to_owned())
    } else if !scope.applies(settings) {
        Standing::NotApplicable(
            count,
            format!("does not apply here (only {})", scope.describe()),
        )
    } else if count == 0 {
        Standing::Never
    } else {
        Standing::Exercised(count)
    }
}

/// The chart of `coverage`, a hunt's in `settings`.
pub(super) fn chart(coverage: &Coverage, settings: &Settings) -> Markup {
    let most = RuleId::ALL
        .iter()
        .map(|id| coverage.count(*id))
        .max()
        .unwrap_or(0);
    let decades = decades(most);
    let standings: Vec<Standing> = RuleId::ALL
        .iter()
        .map(|id| standing(*id, coverage, settings))
        .collect();
    let height = AXIS_HEIGHT + ROW_HEIGHT * RuleId::ALL.len() as f64 + 4.0;
    html! {
        svg #coverage .chart viewBox={ "0 0 " (px(WIDTH)) " " (px(height)) }
            role="img" aria-labelledby="coverage-title" {
            title #coverage-title {
                "How often the hunt exercised each rule of the catalogue, on a log scale"
            }
            @for (row, standing) in standings.iter().enumerate() {
                (background(row, standing))
            }
            (axis(decades, height))
            @for (row, (id, standing)) in RuleId::ALL.iter().zip(standings).enumerate() {
                (rule_row(*id, row, standing, decades))
            }
        }
    }
}

/// How many powers of ten the scale spans: enough for `most`, and at least
/// two, so that a short hunt's bars do not fill the width.
fn decades(most: u64) -> u32 {
    let mut decades = 2;
    while decades < 19 && 10u64.pow(decades) < most {
        decades += 1;
    }
    decades
}

/// A bar's length for `count` on a scale of `decades` powers of ten; a
/// count of one, at the scale's origin, still shows.
fn bar_width(count: u64, decades: u32) -> f64 {
    let share = (count.max(1) as f64).log10() / f64::from(decades);
    (BARS_WIDTH * share.min(1.0)).max(2.0)
}

/// The grid lines and labels of the powers of ten, drawn over the rows.
fn axis(decades: u32, height: f64) -> Markup {
    html! {
        g .axis {
            @for power in 0..=decades {
                @let x = BARS_X + BARS_WIDTH * f64::from(power) / f64::from(decades);
                line .grid x1=(px(x)) x2=(px(x)) y1=(px(AXIS_HEIGHT - 6.0)) y2=(px(height - 2.0)) {}
                text .tick x=(px(x)) y=(px(AXIS_HEIGHT - 10.0)) text-anchor="middle" {
                    (power_of_ten(power))
                }
            }
        }
    }
}

/// `10^power` as the axis labels it: 1, 10, 100, 1k, ... 1M, ...
fn power_of_ten(power: u32) -> String {
    let units = ["", "k", "M", "G", "T", "P", "E"];
    let unit = units.get(power as usize / 3).copied().unwrap_or("?");
    format!("{}{unit}", 10u64.pow(power % 3))
}

/// A row's background, drawn under the grid: every other row shaded, so
/// that an ID and its bar line up by eye; a rule never exercised in red.
fn background(row: usize, standing: &Standing) -> Markup {
    let top = AXIS_HEIGHT + ROW_HEIGHT * row as f64;
    let class = match standing {
        Standing::Never => Some("band never"),
        _ if row % 2 == 1 => Some("band stripe"),
        _ => None,
    };
    html! {
        @if let Some(class) = class {
            rect class=(class) x="0" y=(px(top)) width=(px(WIDTH)) height=(px(ROW_HEIGHT)) {}
        }
    }
}

/// One rule's row: its ID, and its bar and count or why it has none.
fn rule_row(id: RuleId, row: usize, standing: Standing, decades: u32) -> Markup {
    let top = AXIS_HEIGHT + ROW_HEIGHT * row as f64;
    let baseline = top + ROW_HEIGHT / 2.0 + 4.0;
    let (class, count, note) = match standing {
        Standing::Exercised(count) => ("rule exercised", count, None),
        Standing::Never => ("rule never", 0, Some("never exercised".to_owned())),
        Standing::NotApplicable(count, why) => ("rule not-applicable", count, Some(why)),
    };
    let width = (count > 0).then(|| bar_width(count, decades));
    let note_x = BARS_X + width.map_or(4.0, |w| w + 52.0);
    html! {
        g class=(class) data-rule=(id.as_str()) data-count=(count) {
            title { (id.as_str()) ": " (count) @if let Some(note) = &note { " (" (note) ")" } }
            text .name x=(px(NAMES_END)) y=(px(baseline)) text-anchor="end" { (id.as_str()) }
            @if let Some(width) = width {
                rect .bar x=(px(BARS_X)) y=(px(top + (ROW_HEIGHT - BAR_HEIGHT) / 2.0))
                    width=(px(width)) height=(px(BAR_HEIGHT)) {}
                text .count x=(px(BARS_X + width + 6.0)) y=(px(baseline)) { (count) }
            }
            @if let Some(note) = &note {
                text .note x=(px(note_x)) y=(px(baseline)) { (note) }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_spans_the_largest_count() {
        assert_eq!(decades(0), 2);
        assert_eq!(decades(100), 2);
        assert_eq!(decades(101), 3);
        assert_eq!(decades(50_000), 5);
        assert_eq!(decades(u64::MAX), 19);
        assert_eq!(bar_width(100, 2), BARS_WIDTH);
        assert_eq!(bar_width(10, 2), BARS_WIDTH / 2.0);
        assert_eq!(bar_width(1, 2), 2.0);
    }

    #[test]
    fn axis_labels_name_powers_of_ten() {
        let labels: Vec<_> = (0..=7).map(power_of_ten).collect();
        assert_eq!(labels, ["1", "10", "100", "1k", "10k", "100k", "1M", "10M"]);
    }
}
