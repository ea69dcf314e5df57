//! Fuzz target: the trace reader's two paths agree on every line. A line
//! is parsed by `parse_line` (a flat line scanned in place, anything else
//! read by serde_json) and by `parse_line_json` (always serde_json), each
//! after the same `create`; the two results, event or error, must be the
//! same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wdfreq::check::Names;
use wdfreq::check::parse::{parse_line, parse_line_json};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.contains('\n') || text.trim().is_empty() {
        return;
    }
    let (mut fast, mut json) = (Names::default(), Names::default());
    let create = r#"{"op":"create","req":"r"}"#;
    let _ = parse_line(create, &mut fast);
    let _ = parse_line_json(create, &mut json);
    let (a, b) = (parse_line(text, &mut fast), parse_line_json(text, &mut json));
    assert_eq!(format!("{a:?}"), format!("{b:?}"), "{text}");
});
