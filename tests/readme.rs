//! The README cannot drift from the code: its rule table is the
//! catalogue's, and its first lines give the two commands.

use std::fs;

fn readme() -> String {
    fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md")
}

/// The text between `<!-- NAME:begin -->` and `<!-- NAME:end -->`.
fn section<'a>(text: &'a str, name: &str) -> &'a str {
    let begin = format!("<!-- {name}:begin -->\n");
    let end = format!("<!-- {name}:end -->");
    let start = text.find(&begin).expect("begin marker") + begin.len();
    let stop = text[start..].find(&end).expect("end marker") + start;
    &text[start..stop]
}

#[test]
fn readme_rule_table_is_the_catalogue() {
    pretty_assertions::assert_eq!(
        section(&readme(), "rules"),
        wdfreq::model::rules::markdown_table()
    );
}

#[test]
fn readme_opens_with_the_hunt_and_test_commands() {
    let head: String = readme().lines().take(6).collect::<Vec<_>>().join("\n");
    assert!(head.contains("cargo run --release -- hunt"), "{head}");
    assert!(head.contains("cargo test"), "{head}");
}
