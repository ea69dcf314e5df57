//! `hunt --report`: the HTML page is well-formed and self-contained, says
//! the verdict, draws one bar per rule of the catalogue with the rules that
//! do not apply marked, draws a failing case step by step with the
//! divergent step and both sides of it, and escapes every text it shows.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{ElementRef, Html, Selector};
use wdfreq::cli::Console;
use wdfreq::cli::hunt::{HuntArgs, run_for};
use wdfreq::gallery;
use wdfreq::harness::{
    Budget, CaseConfig, Divergence, DivergenceKind, Divergent, Failure, HuntConfig, HuntReport,
    Implementation, Seed, Verdict, hunt,
};
use wdfreq::model::rule;
use wdfreq::report::html::{Hunted, render};
use wdfreq::sim::Framework;
use wdfreq::vocab::build::{create, format, read_status, send, set_completion, target_completes};
use wdfreq::vocab::{Completion, Reply, RequestId, RuleId, Settings, Status};

/// The page parsed as a browser parses it, which must have found nothing
/// to repair.
fn parse(page: &str) -> Html {
    let document = Html::parse_document(page);
    assert!(
        document.errors.is_empty(),
        "parse errors {:?} in\n{page}",
        document.errors
    );
    document
}

fn all<'a>(document: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(css).expect("a valid selector");
    document.select(&selector).collect()
}

fn within<'a>(element: ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(css).expect("a valid selector");
    element.select(&selector).collect()
}

fn one<'a>(document: &'a Html, css: &str) -> ElementRef<'a> {
    let found = all(document, css);
    assert_eq!(found.len(), 1, "{css}: {} elements", found.len());
    found[0]
}

fn text(element: ElementRef<'_>) -> String {
    element.text().collect()
}

fn classes(element: ElementRef<'_>) -> Vec<&str> {
    element.value().classes().collect()
}

/// Nothing runs and nothing is fetched: no script, no element that loads a
/// resource, no attribute that names one, no `url()` or `@import` in the
/// style sheet, and no address at all.
fn assert_self_contained(page: &str, document: &Html) {
    let loaders = "script, link, img, iframe, object, embed, audio, video, source, image, use";
    assert!(
        all(document, loaders).is_empty(),
        "an element loads something"
    );
    for element in all(document, "*") {
        for (name, value) in element.value().attrs() {
            assert!(
                !matches!(
                    name,
                    "src" | "href" | "srcset" | "action" | "poster" | "data"
                ) && !name.starts_with("on")
                    && !value.contains("url("),
                "<{} {name}=\"{value}\">",
                element.value().name()
            );
        }
    }
    let style = text(one(document, "style"));
    assert!(!style.contains("url(") && !style.contains("@import"));
    assert!(!page.contains("http://") && !page.contains("https://"));
}

fn hunt_sim(settings: Settings, cases: u64) -> HuntReport {
    let config = HuntConfig {
        seed: Seed(7),
        budget: Budget::Cases(cases),
        case: CaseConfig {
            settings,
            ..CaseConfig::default()
        },
    };
    hunt(
        &config,
        move || Framework::with_settings(settings),
        &mut |_| {},
    )
}

/// A conforming hunt, in two settings whose applicable rules differ: the
/// verdict reads "conforms", and the chart has one row per rule of the
/// catalogue, in order, with its count, greyed exactly where the rule
/// does not apply or no hunt reaches it.
#[test]
fn a_conforming_hunt_says_so_and_charts_every_rule() {
    for settings in [Settings::DEFAULT, Settings::KMDF] {
        let report = hunt_sim(settings, 300);
        assert_eq!(report.verdict, Verdict::Conforms);
        let hunted = Hunted {
            implementation: "sim (simulated framework)",
            settings,
            replay: None,
        };
        let page = render(&report, &hunted);
        let document = parse(&page);
        assert_self_contained(&page, &document);

        let verdict = one(&document, "#verdict");
        assert!(classes(verdict).contains(&"conforms"));
        assert_eq!(text(one(&document, "#verdict .word")), "conforms");
        assert!(all(&document, "#failure, #sequence").is_empty());

        let rows = all(&document, "svg#coverage g.rule");
        assert_eq!(rows.len(), RuleId::ALL.len());
        for (row, id) in rows.into_iter().zip(RuleId::ALL) {
            assert_eq!(row.value().attr("data-rule"), Some(id.as_str()));
            assert_eq!(text(one_in(row, ".name")), id.as_str());
            let count = report.coverage.count(*id);
            assert_eq!(row.value().attr("data-count"), Some(&*count.to_string()));
            let greyed = classes(row).contains(&"not-applicable");
            assert_eq!(greyed, !rule(*id).scope.hunted(&settings), "{id}");
            if greyed {
                let note = text(one_in(row, ".note"));
                assert!(
                    note.starts_with("does not apply here") || note.ends_with("no hunt reaches it"),
                    "{id}: {note}"
                );
            } else if count == 0 {
                assert!(classes(row).contains(&"never"), "{id}");
            } else {
                assert!(classes(row).contains(&"exercised"), "{id}");
                assert_eq!(within(row, "rect.bar").len(), 1, "{id}");
                assert_eq!(text(one_in(row, ".count")), count.to_string());
            }
        }
        let depth = text(one(&document, "#depth"));
        let figures = report.coverage.depth;
        for figure in [
            figures.reuses_before_completion,
            figures.outstanding_at_one_target,
            figures.live_requests,
        ] {
            assert!(depth.contains(&figure.to_string()), "{depth}");
        }
    }
}

fn one_in<'a>(element: ElementRef<'a>, css: &str) -> ElementRef<'a> {
    let found = within(element, css);
    assert_eq!(found.len(), 1, "{css}: {} elements", found.len());
    found[0]
}

/// A hunt too short to reach every rule highlights exactly the rules it
/// could have reached and did not.
#[test]
fn rules_never_exercised_are_highlighted() {
    let settings = Settings::DEFAULT;
    let report = hunt_sim(settings, 1);
    let missing = report.coverage.missing_in(&settings);
    assert!(!missing.is_empty(), "one case reaches every rule");
    let page = render(
        &report,
        &Hunted {
            implementation: "sim",
            settings,
            replay: None,
        },
    );
    let document = parse(&page);
    let never: Vec<String> = all(&document, "svg#coverage g.rule.never")
        .into_iter()
        .map(|row| {
            assert_eq!(text(one_in(row, ".note")), "never exercised");
            assert!(within(row, "rect.bar").is_empty());
            row.value().attr("data-rule").unwrap_or_default().to_owned()
        })
        .collect();
    let expected: Vec<&str> = missing.iter().map(|id| id.as_str()).collect();
    assert_eq!(never, expected);
}

/// `wdfreq hunt --implementation contexts-swapped --cases 5000 --seed 3`
/// diverges: the page says so and draws the shrunk case, one arrow per
/// step, the divergent step marked, the model's and the implementation's
/// callbacks side by side, the rule broken, the text report and the
/// replay command.
#[test]
fn a_diverging_hunt_draws_its_case_step_by_step() {
    let mutant = gallery::by_name("contexts-swapped").expect("in the gallery");
    let settings = mutant.settings;
    let config = HuntConfig {
        seed: Seed(3),
        budget: Budget::Cases(5000),
        case: CaseConfig {
            settings,
            ..CaseConfig::default()
        },
    };
    let report = hunt(&config, move || mutant.build(settings), &mut |_| {});
    let failure = report.failure().expect("contexts-swapped diverges").clone();
    let replay = format!(
        "wdfreq hunt --implementation contexts-swapped --seed {} --cases 1",
        failure.seed
    );
    let describe = mutant.describe();
    let page = render(
        &report,
        &Hunted {
            implementation: &describe,
            settings,
            replay: Some(&replay),
        },
    );
    let document = parse(&page);
    assert_self_contained(&page, &document);

    assert!(classes(one(&document, "#verdict")).contains(&"diverges"));
    assert_eq!(text(one(&document, "#verdict .word")), "DIVERGES");
    assert_eq!(
        text(one(&document, "h1")),
        format!("wdfreq hunt: {describe}")
    );

    let steps = all(&document, "svg#sequence g.step");
    assert_eq!(steps.len(), failure.steps.len());
    for (index, step) in steps.iter().enumerate() {
        assert_eq!(step.value().attr("data-step"), Some(&*index.to_string()));
        assert_eq!(within(*step, ".arrow").len(), 1, "step {index}");
        let label = text(one_in(*step, ".label"));
        assert!(
            label.starts_with(&failure.steps[index].to_string()),
            "{label}"
        );
    }
    let divergent = one(&document, "svg#sequence g.step.divergent");
    let at = failure.divergence.step;
    assert_eq!(divergent.value().attr("data-step"), Some(&*at.to_string()));

    let DivergenceKind::Broke {
        violation,
        expected,
        actual,
    } = &failure.divergence.kind
    else {
        panic!("contexts-swapped breaks a framework rule");
    };
    assert_eq!(violation.rule, RuleId::CallbackMismatch);
    let expected_side = text(one(&document, "svg#sequence .compare .expected"));
    let actual_side = text(one(&document, "svg#sequence .compare .actual"));
    for (side, deliveries) in [(&expected_side, expected), (&actual_side, actual)] {
        for delivery in deliveries {
            assert!(side.contains(&delivery.registration.to_string()), "{side}");
            assert!(side.contains(&delivery.completion.to_string()), "{side}");
        }
    }
    assert_ne!(expected_side.replace("Expected (model)", ""), actual_side);
    assert!(!all(&document, "svg#sequence .compare .differs").is_empty());

    let broken = rule(RuleId::CallbackMismatch);
    assert_eq!(text(one(&document, "#rule .rule-id")), "callback-mismatch");
    assert_eq!(text(one(&document, "#rule blockquote")), broken.says);
    assert!(text(one(&document, "#rule .source")).contains(broken.source));
    assert_eq!(
        text(one(&document, "#text-report")),
        failure.divergence.report(&failure.steps).to_string()
    );
    assert_eq!(text(one(&document, "#replay")), replay);
}

/// Callbacks the model says a step invokes are drawn under it, before the
/// divergent step.
#[test]
fn callbacks_before_the_divergence_are_drawn_under_their_step() {
    let r = RequestId(0);
    let steps = vec![
        create(r),
        set_completion(r, 1, Some(2)),
        format(r),
        send(r),
        target_completes(r, Status::SUCCESS, 5),
        read_status(r),
    ];
    let divergence = Divergence {
        step: 5,
        kind: DivergenceKind::WrongReply {
            expected: wdfreq::model::ExpectedReply::Status {
                status: Some(Status::SUCCESS),
                information: Some(5),
            },
            actual: Reply::Status(Completion::new(Status::SUCCESS, 0)),
            rule: Some(RuleId::StatusMismatch),
        },
    };
    let report = diverging(steps, divergence, 0);
    let page = render(
        &report,
        &Hunted {
            implementation: "hand-made",
            settings: Settings::DEFAULT,
            replay: None,
        },
    );
    let document = parse(&page);
    let drawn: Vec<String> = all(&document, "svg#sequence g.step, svg#sequence g.delivery")
        .into_iter()
        .map(|g| {
            let classes = classes(g);
            ["delivery", "divergent", "step"]
                .into_iter()
                .find(|class| classes.contains(class))
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    let expected = [
        "step",
        "step",
        "step",
        "step",
        "step",
        "delivery",
        "divergent",
    ];
    assert_eq!(drawn, expected);
    let delivery = text(one(&document, "svg#sequence g.delivery"));
    assert!(delivery.contains("cb1 with ctx2"), "{delivery}");
    let actual = text(one(&document, "svg#sequence .compare .actual"));
    assert!(actual.contains("information 0"), "{actual}");
    assert!(all(&document, "#replay").is_empty());
}

/// A hunt report that diverges at `step` of `steps`, as a hunt would make
/// it, with `divergence`.
fn diverging(steps: Vec<wdfreq::vocab::Step>, divergence: Divergence, case: u64) -> HuntReport {
    let mut report = hunt_sim(Settings::DEFAULT, 1);
    report.verdict = Verdict::Diverges(Box::new(Divergent {
        failure: Failure {
            seed: Seed(9),
            generated_len: steps.len(),
            steps,
            divergence,
        },
        case,
        first: true,
    }));
    report
}

/// Markup characters in text from outside the crate, an implementation's
/// panic message and the replay command, are shown as text.
#[test]
fn text_from_outside_is_escaped() {
    let nasty = r#"<script>alert("x")</script> & 'quoted' <b>"#;
    let r = RequestId(0);
    let divergence = Divergence {
        step: 0,
        kind: DivergenceKind::Panicked {
            message: format!("</text></svg>{nasty}"),
            location: Some(format!("src/{nasty}.rs:1:2")),
        },
    };
    let report = diverging(vec![create(r)], divergence, 4);
    let replay = format!("my-bin hunt --note '{nasty}'");
    let implementation = format!("mine {nasty}");
    let page = render(
        &report,
        &Hunted {
            implementation: &implementation,
            settings: Settings::DEFAULT,
            replay: Some(&replay),
        },
    );
    assert!(!page.contains("<script") && !page.contains("<b>"), "{page}");
    let document = parse(&page);
    assert_self_contained(&page, &document);
    assert_eq!(
        text(one(&document, "head > title")),
        format!("wdfreq hunt: {implementation}: DIVERGES")
    );
    assert_eq!(text(one(&document, "#replay")), replay);
    let actual = text(one(&document, "svg#sequence .compare .actual"));
    assert!(
        actual
            .replace('\u{2026}', "")
            .contains("</text></svg><script>"),
        "{actual}"
    );
    assert!(text(one(&document, "#text-report")).contains(nasty));
}

/// A third party's implementation, hunted through the command line's
/// `run_for`, whose name and description are full of markup characters.
#[derive(Clone)]
struct Odd;

impl Implementation for Odd {
    type Instance = Framework;

    fn name(&self) -> String {
        r#"odd<&>"'"#.to_owned()
    }

    fn describe(&self) -> String {
        r#"odd <i>framework</i> & "friends" 'n' co"#.to_owned()
    }

    fn settings(&self) -> Vec<Settings> {
        vec![Settings::DEFAULT]
    }

    fn build(&self, settings: Settings) -> Framework {
        Framework::with_settings(settings)
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// `hunt --cases 20 --seed 1 --report REPORT`, parsed as the command line
/// parses it (a struct literal would break with every new flag).
fn hunt_args(report: PathBuf) -> HuntArgs {
    use clap::Parser as _;
    let report = report.to_str().expect("a UTF-8 path").to_owned();
    let cli = wdfreq::cli::Cli::try_parse_from([
        "odd", "hunt", "--cases", "20", "--seed", "1", "--report", &report,
    ])
    .expect("a good command line");
    match cli.command {
        wdfreq::cli::Command::Hunt(args) => args,
        _ => panic!("not a hunt"),
    }
}

#[test]
fn a_third_party_implementation_name_is_escaped() {
    let path = scratch("html-report-odd").join("odd.html");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut console = Console::new(&mut out, &mut err);
    let outcome = run_for(&Odd, "odd hunt", &hunt_args(path.clone()), &mut console)
        .expect("writes to vectors");
    assert_eq!(outcome.code(), 0, "{}", String::from_utf8_lossy(&err));
    let page = std::fs::read_to_string(&path).expect("the report is written");
    assert!(!page.contains("<i>"), "{page}");
    let document = parse(&page);
    assert_self_contained(&page, &document);
    assert_eq!(
        text(one(&document, "h1")),
        format!("wdfreq hunt: {}", Odd.describe())
    );
    let stdout = String::from_utf8_lossy(&out);
    assert!(
        stdout.ends_with(&format!("report: {}\n", path.display())),
        "{stdout}"
    );
}

fn wdfreq(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wdfreq"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// The binary writes the page beside its text report, names it, and the
/// page's replay command is the one the text report prints.
#[test]
fn hunt_report_writes_the_page_with_the_printed_replay_command() {
    let dir = scratch("html-report-cli");
    let page_path = dir.join("report.html");
    let output = wdfreq(&[
        "hunt",
        "--implementation",
        "contexts-swapped",
        "--cases",
        "5000",
        "--seed",
        "3",
        "--regressions",
        &dir.display().to_string(),
        "--report",
        &page_path.display().to_string(),
    ]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let replay = stdout
        .lines()
        .find_map(|line| line.strip_prefix("replay: "))
        .expect("a replay line");
    assert!(
        stdout.contains(&format!("report: {}\n", page_path.display())),
        "{stdout}"
    );
    let page = std::fs::read_to_string(&page_path).expect("the report is written");
    let document = parse(&page);
    assert_eq!(text(one(&document, "#replay")), replay);
    assert_eq!(text(one(&document, "#verdict .word")), "DIVERGES");
}

/// A report whose directory does not exist is refused before the hunt
/// starts: exit 2, nothing hunted.
#[test]
fn a_report_in_a_missing_directory_is_refused_before_the_hunt() {
    let missing = scratch("html-report-missing").join("no-such-dir/report.html");
    let output = wdfreq(&[
        "hunt",
        "--cases",
        "5",
        "--report",
        &missing.display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "the hunt started");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("error: --report "), "{stderr}");
}

/// A report that cannot be written once the hunt is done is an error on
/// standard error and exit 2, after the verdict (`/dev/full` refuses
/// every write, even root's).
#[cfg(target_os = "linux")]
#[test]
fn a_report_that_cannot_be_written_is_exit_two_after_the_verdict() {
    let output = wdfreq(&[
        "hunt",
        "--cases",
        "5",
        "--seed",
        "1",
        "--report",
        "/dev/full",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("verdict: conforms"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: cannot write the report /dev/full: "),
        "{stderr}"
    );
}
