//! A failing case as a sequence diagram (inline SVG), with lifelines for
//! the driver, the framework, the I/O target and the completion callback.
//!
//! Each step is one arrow: driver to framework for a call (creating a
//! request and changing a target are calls too), framework to driver for a
//! request a queue presents, target to framework for a target's
//! completion, framework to target for a send's timeout. Under a step, a
//! dashed framework-to-callback arrow for each callback the model says the
//! step invokes: up to the divergent step the implementation invoked the
//! same, or the case would have diverged earlier. The divergent step is
//! highlighted, and under it what the model expected and what the
//! implementation did stand side by side, the lines that differ marked.
//! Steps after it, which the case never reached, are faded.

use maud::{Markup, html};

use super::{px, wrap};
use crate::harness::{Divergence, DivergenceKind, Failure};
use crate::model::{ExpectedReply, Judged, Judgement, Model};
use crate::vocab::{Delivery, Reply, Settings, Step};

/// The diagram's width in SVG units; it scales to the page's column.
const WIDTH: f64 = 880.0;
/// Where the lifelines begin, under the lane names.
const LANES_HEIGHT: f64 = 40.0;
const STEP_HEIGHT: f64 = 32.0;
const DELIVERY_HEIGHT: f64 = 26.0;
/// One line of text in the side-by-side boxes.
const LINE_HEIGHT: f64 = 15.0;
/// The side-by-side boxes: their margin, the gap between them, and how
/// many characters of 11-unit monospace fit on one of their lines.
const SIDE_MARGIN: f64 = 24.0;
const SIDE_GAP: f64 = 16.0;
const SIDE_CHARS: usize = 58;
const SIDE_LINES_MAX: usize = 12;
/// The width of a character of the labels' 11-unit monospace font.
const CHAR_WIDTH: f64 = 6.6;
/// Where labels may begin: right of the step numbers.
const LABELS_LEFT: f64 = 40.0;

/// A lifeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lane {
    Driver,
    Framework,
    Target,
    Callback,
}

impl Lane {
    const ALL: [Lane; 4] = [Lane::Driver, Lane::Framework, Lane::Target, Lane::Callback];

    fn x(self) -> f64 {
        match self {
            Lane::Driver => 110.0,
            Lane::Framework => 360.0,
            Lane::Target => 590.0,
            Lane::Callback => 790.0,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Lane::Driver => "driver",
            Lane::Framework => "framework",
            Lane::Target => "I/O target",
            Lane::Callback => "callback",
        }
    }
}

/// Where a step's arrow starts and ends.
fn ends(step: &Step) -> (Lane, Lane) {
    match step {
        Step::Create { .. } | Step::Call { .. } | Step::Target { .. } => {
            (Lane::Driver, Lane::Framework)
        }
        Step::Receive { .. } => (Lane::Framework, Lane::Driver),
        Step::TargetComplete { .. } => (Lane::Target, Lane::Framework),
        Step::TimedOut { .. } => (Lane::Framework, Lane::Target),
    }
}

/// Where a step stands to the divergence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    Before,
    Divergent,
    After,
}

/// One line of a side-by-side box, and whether the other side's line in
/// its place differs.
struct Line {
    text: String,
    differs: bool,
}

/// A horizontal band of the diagram.
enum Row<'a> {
    /// A step of the case, with what the model said of it when worth
    /// saying (refused, undefined).
    Step {
        index: usize,
        step: &'a Step,
        note: Option<String>,
        place: Place,
    },
    /// A callback the model says the step above invokes.
    Delivery(Delivery),
    /// At the divergent step: what the model expected, what the
    /// implementation did.
    Compare {
        expected: Vec<Line>,
        actual: Vec<Line>,
    },
}

impl Row<'_> {
    fn height(&self) -> f64 {
        match self {
            Row::Step { .. } => STEP_HEIGHT,
            Row::Delivery(_) => DELIVERY_HEIGHT,
            Row::Compare { expected, actual } => {
                let lines = expected.len().max(actual.len()) as f64;
                40.0 + LINE_HEIGHT * lines + 12.0
            }
        }
    }

    fn draw(&self, top: f64) -> Markup {
        match self {
            Row::Step {
                index,
                step,
                note,
                place,
            } => draw_step(top, *index, step, note.as_deref(), *place),
            Row::Delivery(delivery) => draw_delivery(top, delivery),
            Row::Compare { expected, actual } => draw_compare(top, self.height(), expected, actual),
        }
    }
}

/// The diagram of `failure`, a case judged in `settings`.
pub(super) fn diagram(failure: &Failure, settings: Settings) -> Markup {
    let rows = rows(failure, settings);
    let mut top = LANES_HEIGHT + 4.0;
    let mut placed = Vec::with_capacity(rows.len());
    for row in &rows {
        placed.push((top, row));
        top += row.height();
    }
    let height = top + 8.0;
    let at = failure.divergence.step;
    html! {
        svg #sequence .sequence viewBox={ "0 0 " (px(WIDTH)) " " (px(height)) }
            role="img" aria-labelledby="sequence-title" {
            title #sequence-title {
                "The failing case as a sequence diagram: " (failure.steps.len())
                " steps, diverging at step " (at)
            }
            (lanes(height))
            @for (top, row) in &placed {
                (row.draw(*top))
            }
        }
    }
}

/// The diagram's rows: each step, the callbacks the model says it invokes
/// (before the divergence), and at the divergence the comparison.
fn rows(failure: &Failure, settings: Settings) -> Vec<Row<'_>> {
    let at = failure.divergence.step;
    let mut model = Model::with_settings(settings);
    let mut rows = Vec::with_capacity(failure.steps.len() * 2 + 1);
    for (index, step) in failure.steps.iter().enumerate() {
        let place = match index.cmp(&at) {
            std::cmp::Ordering::Less => Place::Before,
            std::cmp::Ordering::Equal => Place::Divergent,
            std::cmp::Ordering::Greater => Place::After,
        };
        // The model is stepped as the harness stepped it: an ill-formed
        // step (never the hunt's) is skipped, and shows no callback.
        let judgement = (place == Place::Before)
            .then(|| model.step(step).ok())
            .flatten();
        rows.push(Row::Step {
            index,
            step,
            note: judgement.as_ref().and_then(note),
            place,
        });
        if let Some(judgement) = &judgement {
            rows.extend(judgement.deliveries().iter().copied().map(Row::Delivery));
        }
        if place == Place::Divergent {
            let (expected, actual) = compare(&failure.divergence, step);
            rows.push(Row::Compare { expected, actual });
        }
    }
    rows
}

/// What the model said of a step, where the arrow alone does not show it.
fn note(judgement: &Judgement) -> Option<String> {
    match (&judgement.outcome, &judgement.judged) {
        (Err(violation), _) => Some(format!("refused: {}", violation.rule)),
        (Ok(_), Judged::Undefined(violation)) => {
            Some(format!("undefined from here: {}", violation.rule))
        }
        (Ok(_), Judged::No) => Some("not judged: undefined".to_owned()),
        (Ok(_), Judged::Yes) => None,
    }
}

/// What the model expected at the divergent step and what the
/// implementation did, line by line, each line marked where the other
/// side's line in its place differs.
fn compare(divergence: &Divergence, step: &Step) -> (Vec<Line>, Vec<Line>) {
    let (expected, actual) = sides(&divergence.kind, step);
    let wrapped = |lines: Vec<String>| -> Vec<String> {
        let mut out: Vec<String> = lines
            .iter()
            .flat_map(|line| wrap(line, SIDE_CHARS, SIDE_LINES_MAX))
            .collect();
        if out.len() > SIDE_LINES_MAX {
            out.truncate(SIDE_LINES_MAX);
            out.push("…".to_owned());
        }
        out
    };
    let (expected, actual) = (wrapped(expected), wrapped(actual));
    let mark = |mine: &[String], theirs: &[String]| -> Vec<Line> {
        mine.iter()
            .enumerate()
            .map(|(i, text)| Line {
                text: text.clone(),
                differs: theirs.get(i) != Some(text),
            })
            .collect()
    };
    (mark(&expected, &actual), mark(&actual, &expected))
}

/// The two sides of a divergence of `kind` at `step`, in words.
fn sides(kind: &DivergenceKind, step: &Step) -> (Vec<String>, Vec<String>) {
    match kind {
        DivergenceKind::Broke {
            expected, actual, ..
        } => (deliveries(expected), deliveries(actual)),
        DivergenceKind::AcceptedIllegal { rule } => (
            vec![format!("refuses the call: it breaks {rule}")],
            vec!["accepts the call".to_owned()],
        ),
        DivergenceKind::RefusedLegal {
            refusal,
            let_through,
        } => {
            let mut expected = vec!["accepts the call".to_owned()];
            if let Some(rule) = let_through {
                expected.push(format!(
                    "(it breaks {rule}, which these settings let through)"
                ));
            }
            (expected, vec![refusal.to_string()])
        }
        DivergenceKind::WrongRule { expected, actual } => (
            vec![format!("refused: the call breaks `{expected}`")],
            vec![actual.to_string()],
        ),
        DivergenceKind::WrongReply {
            expected, actual, ..
        } => (vec![expected_reply(expected)], vec![reply(actual)]),
        DivergenceKind::DuplicateHandle { request, holder } => (
            vec![format!("a handle of its own for {request}")],
            vec![format!("the handle it gave {holder}")],
        ),
        DivergenceKind::Panicked { message, location } => (
            vec![format!("performs `{step}`")],
            vec![match location {
                Some(location) => format!("panicked at {location}: {message}"),
                None => format!("panicked: {message}"),
            }],
        ),
        DivergenceKind::Hung { limit, .. } => (
            vec![format!("performs `{step}`")],
            vec![format!("no return after {} s", limit.as_secs_f64())],
        ),
        DivergenceKind::NotLinearizable { .. } => (
            vec!["some order of the threads' calls".to_owned()],
            vec!["no order explains what the threads did".to_owned()],
        ),
        DivergenceKind::Invariant { message } => (
            vec!["its invariants hold".to_owned()],
            vec![format!("invariant failed: {message}")],
        ),
    }
}

/// What the model expects a call to return, in words.
fn expected_reply(expected: &ExpectedReply) -> String {
    let any = || "any".to_owned();
    match expected {
        ExpectedReply::Done => "returns".to_owned(),
        ExpectedReply::Cancel { returns: Some(was) } => format!("cancel returns {}", truth(*was)),
        ExpectedReply::Cancel { returns: None } => {
            "cancel returns TRUE or FALSE (the lower driver decides)".to_owned()
        }
        ExpectedReply::Status {
            status,
            information,
        } => format!(
            "status read returns status {}, information {}",
            status.map_or_else(any, |s| s.to_string()),
            information.map_or_else(any, |i| i.to_string())
        ),
        ExpectedReply::Any => "anything (the request's state is undefined)".to_owned(),
    }
}

/// What an implementation's call returned, in the words of
/// [`expected_reply`].
fn reply(reply: &Reply) -> String {
    match reply {
        Reply::Done => "returns".to_owned(),
        Reply::Cancel { was_outstanding } => format!("cancel returns {}", truth(*was_outstanding)),
        Reply::Status(completion) => format!(
            "status read returns status {}, information {}",
            completion.status, completion.information
        ),
    }
}

fn truth(value: bool) -> &'static str {
    if value { "TRUE" } else { "FALSE" }
}

/// Callbacks, two lines each; or that there is none.
fn deliveries(deliveries: &[Delivery]) -> Vec<String> {
    if deliveries.is_empty() {
        return vec!["no callback".to_owned()];
    }
    deliveries
        .iter()
        .flat_map(|d| {
            [
                format!("{}: callback {}", d.request, d.registration),
                format!("  with {}", d.completion),
            ]
        })
        .collect()
}

/// The lane names and their lifelines, `height` long.
fn lanes(height: f64) -> Markup {
    html! {
        g .lanes {
            @for lane in Lane::ALL {
                line .lifeline x1=(px(lane.x())) x2=(px(lane.x()))
                    y1=(px(LANES_HEIGHT - 8.0)) y2=(px(height - 4.0)) {}
                rect .lane-box x=(px(lane.x() - 60.0)) y="6" width="120" height="26" rx="4" {}
                text .lane-name x=(px(lane.x())) y="23" text-anchor="middle" { (lane.name()) }
            }
        }
    }
}

/// One arrow from `from` to `to` at height `y`, shaft and head in one
/// path.
fn arrow(from: f64, to: f64, y: f64) -> String {
    let back = if to > from { -9.0 } else { 9.0 };
    format!(
        "M{},{} H{} M{},{} L{},{} L{},{} Z",
        px(from),
        px(y),
        px(to + back / 2.0),
        px(to),
        px(y),
        px(to + back),
        px(y - 4.5),
        px(to + back),
        px(y + 4.5)
    )
}

/// Where to centre the label of the arrow from `x1` to `x2`: over the
/// arrow, but moved in so that a long label stays on the diagram and off
/// the step numbers (SVG text does not wrap, and is not measured before it
/// is drawn: a character of the monospace font is about 0.6 of its size).
fn label_x(x1: f64, x2: f64, label: &str) -> f64 {
    let half = label.chars().count() as f64 * CHAR_WIDTH / 2.0;
    let (left, right) = (LABELS_LEFT + half, WIDTH - 4.0 - half);
    if left > right {
        left
    } else {
        ((x1 + x2) / 2.0).clamp(left, right)
    }
}

fn draw_step(top: f64, index: usize, step: &Step, note: Option<&str>, place: Place) -> Markup {
    let (from, to) = ends(step);
    let (x1, x2) = (from.x(), to.x());
    let y = top + 22.0;
    let label = match note {
        Some(note) => format!("{step} ({note})"),
        None => step.to_string(),
    };
    let class = match place {
        Place::Before => "step",
        Place::Divergent => "step divergent",
        Place::After => "step after",
    };
    html! {
        g class=(class) data-step=(index) {
            @if place == Place::Divergent {
                rect .band x="0" y=(px(top)) width=(px(WIDTH)) height=(px(STEP_HEIGHT)) {}
            }
            text .index x="8" y=(px(y + 4.0)) {
                @if place == Place::Divergent { "⇒ " } (index)
            }
            text .label x=(px(label_x(x1, x2, &label))) y=(px(top + 14.0)) text-anchor="middle" {
                (label)
            }
            path .arrow d=(arrow(x1, x2, y)) {}
        }
    }
}

fn draw_delivery(top: f64, delivery: &Delivery) -> Markup {
    let (x1, x2) = (Lane::Framework.x(), Lane::Callback.x());
    let y = top + 18.0;
    let label = format!(
        "{}: {}, {}",
        delivery.request, delivery.registration, delivery.completion
    );
    html! {
        g .delivery {
            text .label x=(px(label_x(x1, x2, &label))) y=(px(top + 11.0)) text-anchor="middle" {
                (label)
            }
            path .arrow d=(arrow(x1, x2, y)) {}
        }
    }
}

fn draw_compare(top: f64, height: f64, expected: &[Line], actual: &[Line]) -> Markup {
    let width = (WIDTH - 2.0 * SIDE_MARGIN - SIDE_GAP) / 2.0;
    let sides = [
        ("expected", "Expected (model)", SIDE_MARGIN, expected),
        (
            "actual",
            "Actual (implementation)",
            SIDE_MARGIN + width + SIDE_GAP,
            actual,
        ),
    ];
    html! {
        g .compare {
            rect .band x="0" y=(px(top)) width=(px(WIDTH)) height=(px(height)) {}
            @for (class, title, x, lines) in sides {
                g class=(class) {
                    rect .side x=(px(x)) y=(px(top + 4.0)) width=(px(width))
                        height=(px(height - 12.0)) rx="4" {}
                    text .side-title x=(px(x + 10.0)) y=(px(top + 22.0)) { (title) }
                    @for (i, line) in lines.iter().enumerate() {
                        text class={ "line" @if line.differs { " differs" } }
                            x=(px(x + 10.0)) y=(px(top + 42.0 + LINE_HEIGHT * i as f64)) {
                            (line.text)
                        }
                    }
                }
            }
        }
    }
}
