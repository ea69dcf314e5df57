//! Fuzz target: arbitrary bytes through the trace checker
//! (`wdfreq::check::check`: reader, parser, header, model). Any input is
//! either judged or refused as malformed; a panic is a crash.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The verdict does not matter here, only that there is one.
    let _ = wdfreq::check::check("fuzz.jsonl", Cursor::new(data), &mut |_| {});
});
